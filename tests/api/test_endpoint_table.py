"""The role of each endpoint is stated once, generated from the app: docs/api.md and the OpenAPI description agree
with what the server enforces."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from partychain.api.endpoint_table import endpoints
from partychain.cli import app as cli

from .conftest import PREFIX, auth

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def test_docs_api_md_is_generated_from_the_app() -> None:
    res = CliRunner().invoke(cli, ["apidoc", "--out", str(DOC), "--check"])
    assert res.exit_code == 0, "docs/api.md is stale: run `partychain apidoc --out docs/api.md`\n" + res.output


def test_every_role_is_what_the_server_enforces(app: Any, client: TestClient) -> None:
    rows = endpoints(app)
    assert len(rows) >= 30 and {r["role"] for r in rows} == {"anonymous", "researcher", "officer"}
    below = {"anonymous": None, "researcher": "anonymous", "officer": "researcher"}
    for e in rows:
        path = re.sub(r"\{[^}]+\}", "X", e["path"])
        call = getattr(client, e["method"].lower())
        if below[e["role"]] is not None:  # the role just below is refused before any parameter is read
            kw: dict[str, Any] = {"json": {}} if e["method"] == "POST" else {}
            r = call(path, headers=auth(below[e["role"]]), **kw)
            assert r.status_code == 403, (e, r.status_code)
        else:
            r = call(path, headers={"X-Partychain-Request": "1"}, **({"json": {}} if e["method"] == "POST" else {}))
            assert r.status_code not in (401, 403), (e, r.status_code)


def test_the_openapi_description_lists_the_anonymous_endpoints(client: TestClient, app: Any) -> None:
    text = client.get(PREFIX + "/openapi.json").json()["info"]["description"]
    anonymous = {e["path"].removeprefix(PREFIX) for e in endpoints(app) if e["role"] == "anonymous"
                 and e["method"] == "GET"}
    listed = set(re.findall(r"`(/[^`]+)`", text.split("aggregates")[1].split(")")[0]))
    assert listed == anonymous


def test_the_readme_states_no_role_itself() -> None:
    readme = (DOC.parents[1] / "README.md").read_text(encoding="utf-8")
    assert "docs/api.md" in readme
    assert not re.search(r"`/gaps`[^.\n]*(everyone|anonymous)", readme)
