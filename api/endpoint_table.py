"""Which role each endpoint needs, read from the app itself: ``docs/api.md`` and the OpenAPI description.

The role of an endpoint is the one its dependencies demand (:func:`partychain.api.deps.require` through
``ResearcherDep`` / ``OfficerDep``; none: anonymous callers too), so this table cannot disagree with
what the server does.  ``partychain apidoc --out docs/api.md`` writes it; ``--check`` fails when the
page is stale (a test runs that).
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from typing import Any, get_args

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

from .deps import OfficerDep, ResearcherDep

_ROLE_OF_CHECK = {get_args(ResearcherDep)[1].dependency: "researcher", get_args(OfficerDep)[1].dependency: "officer"}
_RANK = {"anonymous": 0, "researcher": 1, "officer": 2}


def _calls(dep: Dependant) -> Iterator[Any]:
    for d in dep.dependencies:
        yield d.call
        yield from _calls(d)


def role_of(route: APIRoute) -> str:
    """The least role that may call ``route``: anonymous, researcher or officer."""
    roles = [_ROLE_OF_CHECK[c] for c in _calls(route.dependant) if c in _ROLE_OF_CHECK]
    return max(roles, key=_RANK.__getitem__) if roles else "anonymous"


def api_routes(app: FastAPI) -> list[tuple[str, set[str], APIRoute]]:
    """Every API route of ``app`` as (full path, methods, route), routers included."""
    try:  # FastAPI >= 0.16x keeps included routers as such; iter_route_contexts flattens them
        from fastapi.routing import iter_route_contexts
    except ImportError:  # older FastAPI copies included routes into app.routes
        return [(r.path_format, set(r.methods or ()), r) for r in app.routes if isinstance(r, APIRoute)]
    return [(str(rc.path_format), set(rc.methods or ()), rc.original_route) for rc in iter_route_contexts(app.routes)
            if isinstance(rc.original_route, APIRoute)]


def _personal(schema: Any, components: dict[str, Any], seen: set[str]) -> bool:
    """Whether a schema (following ``$ref``) has a field flagged ``x-personal``."""
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if isinstance(ref, str):
            name = ref.rsplit("/", 1)[-1]
            if name in seen:
                return False
            seen.add(name)
            return _personal(components.get(name, {}), components, seen)
        return "x-personal" in schema or any(_personal(v, components, seen) for v in schema.values())
    if isinstance(schema, list):
        return any(_personal(v, components, seen) for v in schema)
    return False


def endpoints(app: FastAPI) -> list[dict[str, Any]]:
    """Every API endpoint: method, path, role, summary, and whether its answer can carry personal fields."""
    doc = get_openapi(title=app.title, version=app.version, routes=app.routes)
    components = doc.get("components", {}).get("schemas", {})
    out = []
    for path, methods, route in api_routes(app):
        for method in sorted(methods - {"HEAD", "OPTIONS"}):
            op = doc["paths"][path][method.lower()]
            ok = op.get("responses", {}).get("200", {}).get("content", {})
            personal = any(_personal(c.get("schema", {}), components, set()) for c in ok.values())
            personal = personal or path.endswith("/gaps/export")
            summary = inspect.cleandoc(route.endpoint.__doc__ or "").split("\n\n")[0].replace("\n", " ")
            out.append({"method": method, "path": path, "role": role_of(route), "summary": summary,
                        "personal": personal})
    return sorted(out, key=lambda e: (_RANK[e["role"]], e["path"], e["method"]))


def anonymous_paths(app: FastAPI, prefix: str) -> list[str]:
    """The paths anonymous callers may read (for the OpenAPI description)."""
    return sorted({path.removeprefix(prefix) for path, methods, r in api_routes(app)
                   if "GET" in methods and role_of(r) == "anonymous"})


PAGE_HEAD = """\
# HTTP API: who may call what

Generated from the app by `partychain apidoc --out docs/api.md` (a test fails when it is stale): each
endpoint's role is the one its dependencies demand. Send `Authorization: Bearer KEY`; the dashboard
signs in once and sends a session cookie instead (`/api/v1/session`). Roles are ordered: an officer
may call everything a researcher may, a researcher everything anonymous callers may. Anonymous
callers are rate-limited per address. *Personal*: the answer can carry names, ID numbers or phones,
masked unless the caller is an officer (whose reads are audited); see [security.md](security.md).
The full schema: `/api/v1/openapi.json`, browsable at `/docs`.

| role | method | path | personal | what it answers |
| --- | --- | --- | --- | --- |
"""


def render(app: FastAPI) -> str:
    """docs/api.md."""
    rows = [f"| {e['role']} | {e['method']} | `{e['path']}` | {'yes' if e['personal'] else ''} | "
            f"{e['summary'].replace('|', '/')} |" for e in endpoints(app)]
    return PAGE_HEAD + "\n".join(rows) + "\n"
