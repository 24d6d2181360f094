"""Dependencies of the endpoints, as ``Annotated`` aliases: the store, the settings, the caller's role."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from partychain.settings import Settings
from partychain.storage.base import GraphStore

from . import session
from .access_log import request_context
from .audit import AuditLog
from .auth import FailureLimiter, KeyRing, RateLimiter, Role
from .personal import PersonalReader, set_reveal
from .problems import ApiError

_bearer = HTTPBearer(auto_error=False, description="an API key: `Authorization: Bearer KEY`")


YearQuery = Annotated[int | None, Query(
    ge=1900, le=2100, description="the ledger year (dataset version) to read; default: the latest year loaded "
                                  "(`GET /api/v1/versions`); 404 naming the years loaded when it is not loaded",
    examples=[2021])]


def get_store(request: Request, year: YearQuery = None) -> Iterator[GraphStore]:
    """The store, pinned to one graph version for the whole request: the version of ``year`` (the latest by
    default).  A load landing meanwhile cannot mix old and new answers in one response (counts of one
    version beside the manifest of another)."""
    with request.app.state.store.pinned(year) as store:
        yield store


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def current_role(request: Request,
                       _: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)] = None) -> Role:
    """The caller's role from ``Authorization: Bearer KEY``, else from a dashboard session cookie
    (:mod:`partychain.api.session`), else anonymous.

    An ``async`` dependency on purpose: it runs in the request's own task, so the personal-data switch
    it sets (:func:`partychain.api.personal.set_reveal`, on for officers only) holds while the answer is
    serialized.  Anonymous callers are rate-limited per client address.
    """
    header = request.headers.get("authorization")
    ctx = request_context(request.scope)
    set_reveal(False)
    if header is None:
        signed_in = session.from_request(request)  # a dashboard session (api/session.py)
        if signed_in is not None:
            if request.method not in session.SAFE_METHODS and not session.has_csrf_header(request):
                raise ApiError(403, "csrf", f"a request signed in by the dashboard's cookie needs the header "
                               f"{session.CSRF_HEADER} for {request.method} (or send Authorization: Bearer KEY)")
            ctx["role"], ctx["who"] = signed_in.role.name, signed_in.who
            request.state.via = "cookie"
            set_reveal(signed_in.role >= Role.officer)
            return signed_in.role
        ctx["role"] = Role.anonymous.name
        rates: RateLimiter = request.app.state.anonymous_rate
        retry = rates.take(_client(request))
        if retry is not None:
            raise ApiError(429, "rate-limited", "too many requests from this address without a key; "
                           "slow down or use an API key", headers={"Retry-After": str(retry)})
        return Role.anonymous
    limiter: FailureLimiter = request.app.state.auth_failures
    client = _client(request)
    retry = limiter.retry_after(client)
    if retry is not None:
        ctx["role"] = "rate-limited"
        raise ApiError(429, "too-many-auth-failures", "too many failed authentications from this address",
                       headers={"Retry-After": str(retry)})
    scheme, _sep, token = header.strip().partition(" ")
    keys: KeyRing = request.app.state.keys
    found = keys.identify(token.strip()) if scheme.lower() == "bearer" and token.strip() else None
    if found is None:
        limiter.record(client)
        ctx["role"] = "unauthenticated"
        raise ApiError(401, "unauthorized", "unknown API key (send `Authorization: Bearer KEY`)",
                       headers={"WWW-Authenticate": "Bearer"})
    role, ctx["who"] = found
    ctx["role"] = role.name
    request.state.via = "key"
    set_reveal(role >= Role.officer)
    return role


RoleDep = Annotated[Role, Depends(current_role)]


def require(minimum: Role) -> Callable[[Role], Role]:
    """A dependency that lets roles from ``minimum`` up through and answers 403 to the others."""

    def check(role: RoleDep) -> Role:
        if role < minimum:
            raise ApiError(403, "forbidden",
                           f"this endpoint needs the role {minimum.name} or higher; "
                           f"send `Authorization: Bearer KEY` with such a key")
        return role

    return check


def personal_reader(request: Request, store: Annotated[GraphStore, Depends(get_store)],
                    role: Annotated[Role, Depends(current_role)]) -> PersonalReader:
    """The personal-data store of the request's graph version; officers' reads go to the audit log."""
    if role < Role.officer:
        return PersonalReader(store)
    audit: AuditLog = request.app.state.audit
    ctx = request_context(request.scope)

    def on_read(label: str, ids: list[str]) -> None:
        audit.record(who=ctx.get("who"), role=ctx.get("role"), request_id=ctx.get("request_id"),
                     method=request.method, path=request.url.path, label=label, ids=ids)

    return PersonalReader(store, on_read=on_read)


StoreDep = Annotated[GraphStore, Depends(get_store)]
PersonalDep = Annotated[PersonalReader, Depends(personal_reader)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
ResearcherDep = Annotated[Role, Depends(require(Role.researcher))]
OfficerDep = Annotated[Role, Depends(require(Role.officer))]

ScopeQuery = Annotated[str, Query(
    min_length=1, max_length=32,
    description="division code: 6 digits county, 9 town, 12 village (a shorter prefix for a prefecture "
                "or province); 400 when malformed, 404 when no such division is loaded",
    examples=["520628"])]
