"""Errors as problem+json, request ids, structured access logs that never hold a key or a search term."""

from __future__ import annotations

import json
import logging
import os
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from partychain import services
from partychain.api.app import create_app
from partychain.storage.embedded import EmbeddedStore

# a cartesian product the engine cannot factorize: runs for minutes unless cut
RUNAWAY = "MATCH (a), (b), (c), (d), (e), (f), (g) WHERE a.name <> g.name RETURN count(*)"
PROBLEM_MEMBERS = {"type", "title", "status", "detail", "instance", "request_id"}


def assert_problem(r: Any, status: int, path: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert set(body) >= PROBLEM_MEMBERS
    assert body["status"] == status and body["type"].startswith("urn:partychain:problem:")
    assert body["title"] and body["detail"]
    assert body["instance"] == path  # the path, never the query string
    assert body["request_id"] == r.headers["X-Request-ID"]
    return body  # type: ignore[no-any-return]


def test_problem_details_for_every_error_status(client: TestClient, keys: dict[str, str], store: EmbeddedStore,
                                                settings_for: Any) -> None:
    research = {"Authorization": f"Bearer {keys['researcher']}"}
    assert_problem(client.get("/api/v1/coverage?scope=5x"), 400, "/api/v1/coverage")
    assert_problem(client.get("/api/v1/stats", headers={"Authorization": "Bearer nope"}), 401, "/api/v1/stats")
    assert_problem(client.get("/api/v1/orgs/JC-1"), 403, "/api/v1/orgs/JC-1")
    chains = "/api/v1/households/HH-X/chains"
    assert_problem(client.get(chains, headers=research), 404, chains)
    assert_problem(client.get("/api/v1/no/such/route"), 404, "/api/v1/no/such/route")
    assert_problem(client.delete("/api/v1/stats"), 405, "/api/v1/stats")
    body = assert_problem(client.get("/api/v1/figures?limit=0"), 422, "/api/v1/figures")
    assert [(e["loc"], e["type"]) for e in body["errors"]] == [(["query", "limit"], "greater_than_equal")]
    body = assert_problem(client.post("/api/v1/cypher", json={"query": 5, "extra": "SECRET-VALUE"}, headers=research),
                          422, "/api/v1/cypher")
    assert "SECRET-VALUE" not in json.dumps(body)  # invalid input is never echoed
    app = create_app(store, settings_for(query_timeout_s=0.5))
    with TestClient(app) as c:
        assert_problem(c.post("/api/v1/cypher", json={"query": RUNAWAY},
                              headers=research), 504, "/api/v1/cypher")
    limited = create_app(store, settings_for(), auth_failures_per_minute=1)
    with TestClient(limited) as c:
        c.get("/api/v1/stats", headers={"Authorization": "Bearer nope"})
        assert_problem(c.get("/api/v1/stats", headers={"Authorization": "Bearer nope"}), 429, "/api/v1/stats")


def test_503_when_the_graph_cannot_answer(tmp_path: Path, settings_for: Any, keys: dict[str, str],
                                          mini_loader: Any) -> None:
    empty = create_app(EmbeddedStore(tmp_path / "nothing"), settings_for())
    with TestClient(empty) as c:
        for path in ("/api/v1/health", "/api/v1/stats", "/api/v1/coverage?scope=520628"):
            body = assert_problem(c.get(path), 503, path.split("?")[0])
            assert str(tmp_path) not in body["detail"]  # no server paths in answers
        assert c.get("/api/v1/health").headers["Retry-After"]

    broken_store = mini_loader(tmp_path / "broken")
    version = Path(os.readlink(tmp_path / "broken" / "current")).name
    (tmp_path / "broken" / "versions" / version / "graph.lbdb").write_bytes(b"not a database")
    broken = create_app(EmbeddedStore(tmp_path / "broken"), settings_for())
    with TestClient(broken) as c:
        assert_problem(c.get("/api/v1/health"), 503, "/api/v1/health")
    broken_store.close()


def test_an_unexpected_error_is_a_500_problem_with_the_request_id(store: EmbeddedStore, settings_for: Any,
                                                                     monkeypatch: pytest.MonkeyPatch,
                                                                     caplog: pytest.LogCaptureFixture) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("bug in a query service (injected)")

    monkeypatch.setattr(services, "coverage", broken)
    caplog.set_level(logging.INFO)
    with TestClient(create_app(store, settings_for()), raise_server_exceptions=False) as c:
        r = c.get("/api/v1/coverage", params={"scope": "520628"}, headers={"X-Request-ID": "bug-1"})
    body = assert_problem(r, 500, "/api/v1/coverage")
    assert body["request_id"] == "bug-1" and "injected" not in r.text  # no internals in the answer
    assert "injected" in caplog.text  # but in the server's log
    access = [json.loads(rec.getMessage()) for rec in caplog.records if rec.name == "partychain.api.access"]
    assert access[-1]["status"] == 500


def test_request_ids(client: TestClient) -> None:
    a, b = client.get("/api/v1/health"), client.get("/api/v1/nope")
    for r in (a, b):
        assert re.fullmatch(r"[0-9a-f]{32}", r.headers["X-Request-ID"])
    assert a.headers["X-Request-ID"] != b.headers["X-Request-ID"]
    assert client.get("/api/v1/health", headers={"X-Request-ID": "trace-42.a_b:c"}).headers["X-Request-ID"] \
        == "trace-42.a_b:c"
    for insane in ("has spaces", "x" * 300, "<script>", "ünïcode"):
        got = client.get("/api/v1/health", headers={"X-Request-ID": insane.encode("utf-8")}).headers["X-Request-ID"]
        assert got != insane and re.fullmatch(r"[0-9a-f]{32}", got)


def test_access_log_lines(client: TestClient, keys: dict[str, str], caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="partychain.api.access")
    r = client.get("/api/v1/search?q=甲村&limit=5", headers={"Authorization": f"Bearer {keys['researcher']}",
                                                           "X-Request-ID": "req-1"})
    client.get("/api/v1/stats")
    lines = [json.loads(rec.getMessage()) for rec in caplog.records if rec.name == "partychain.api.access"]
    assert lines[0]["path"] == "/api/v1/search" and lines[0]["method"] == "GET"
    assert lines[0]["status"] == r.status_code == 200 and lines[0]["request_id"] == "req-1"
    assert lines[0]["role"] == "researcher" and isinstance(lines[0]["duration_ms"], float)
    assert set(lines[0]) == {"method", "path", "status", "duration_ms", "request_id", "role"}
    assert lines[1]["role"] == "anonymous" and lines[1]["path"] == "/api/v1/stats"


def test_keys_and_search_terms_never_reach_the_logs(client: TestClient, keys: dict[str, str],
                                                    caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    secret_terms = ["张三", "99999919700101001X"]
    for key in (*keys.values(), "guessed-key-123"):
        headers = {"Authorization": f"Bearer {key}"}
        client.get("/api/v1/search", params={"q": secret_terms[0]}, headers=headers)
        client.get("/api/v1/stats", headers=headers)
        client.post("/api/v1/cypher", json={"query": "MATCH (h:Household) WHERE h.id_number = $n RETURN h.id",
                                            "parameters": {"n": secret_terms[1]}}, headers=headers)
        client.post("/api/v1/cypher", json={"query": "MATC broken"}, headers=headers)
    server = [rec for rec in caplog.records if not rec.name.startswith(("httpx", "httpcore"))]  # not the client's
    everything = "\n".join(f"{rec.name} {rec.getMessage()} {rec.exc_text or ''}" for rec in server)
    assert "partychain.api.access" in everything
    for key in (*keys.values(), "guessed-key-123"):
        assert key not in everything  # at any level
    info = "\n".join(rec.getMessage() for rec in server if rec.levelno >= logging.INFO)
    for term in secret_terms:
        assert term not in info  # at the levels a server runs at
