"""Hostile HTTP against a real ``partychain serve``: nothing a request carries may crash or stall the server.

* forged paging cursors (offsets near 2^63, 10^26, negative, garbage, another list's): 400, never a query;
* request headers of 64 MiB, eight at once: refused with 431 after the first tens of KiB, while
  ``/health`` keeps answering;
* ``X-Forwarded-For`` from loopback does not move the failed-key limit (unless a trusted proxy is set);
* anonymous clients are rate-limited (429 with ``Retry-After``);
* a fuzz run drives every endpoint of the OpenAPI schema with extreme values (huge and negative integers,
  long strings, odd unicode, empty values) for every parameter: every answer is a problem+json 4xx or a
  200, and the server process stays up.
"""

from __future__ import annotations

import concurrent.futures
import itertools
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from partychain.loaders import check_ledger
from partychain.storage.embedded import EmbeddedStore
from partychain.testing import mini_ledger_path

from .apikit import KEYS, Server, serving

EXTREMES: list[str] = [
    str(2**63 - 1), str(2**63), str(-(2**63)), str(10**26), "-1", "0", "1e308", "NaN", "",
    "x" * 5_000, "\u202e\u0645\u0631\u062d\u0628\u0627", "\U0001f600" * 50, "a\u0301" * 100, "%00", "\\x00",
    "' OR 1=1 //", "$scope", "520628" * 20, "../../etc/passwd", "\ufeff520628", "５２０６２８",
]


@pytest.fixture(scope="module")
def graph(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("hostile-http") / "graph"
    store = EmbeddedStore(path)
    store.load(check_ledger(mini_ledger_path()), source="mini")
    store.close()
    return path


@pytest.fixture(scope="module")
def server(graph: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    env = {"PARTYCHAIN_QUERY_WORKERS": "1", "PARTYCHAIN_ANONYMOUS_RATE": "2", "PARTYCHAIN_ANONYMOUS_BURST": "40"}
    with serving(graph, tmp_path_factory.mktemp("hostile-http-log") / "server.log", env) as srv:
        yield srv


def key(who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {KEYS[who]}"}


def is_problem(r: httpx.Response, *statuses: int) -> bool:
    return r.status_code in statuses and r.headers.get("content-type") == "application/problem+json"


def test_forged_cursors_are_400_and_never_reach_the_engine(server: Server) -> None:
    lists = ["/gaps?scope=520628&kind=poor_households_not_driven", "/gaps?scope=520628&kind=bases_without_member",
             "/models/jc_coop_poor/instances?scope=520628", "/orgs/JC-1/downstream/households",
             "/orgs/JC-1/tree", "/search?q=村", "/industries?scope=520628", "/figures?scope=520628",
             "/households/HH-1/chains"]
    real = httpx.get(server.base + "/gaps?scope=520628&kind=cooperatives_without_org&limit=1",
                     headers=key("researcher")).json()["next_cursor"]
    forged = [f"{2**63 - 1}.AAAAAAAAAAAAAAAAAAAAAA", f"{2**63 - 100}", str(10**26), "-5.AAAA", "bm9wZQ", "1.x",
              real, real.replace("1.", "9223372036854775807.", 1), "０.AAAA"]
    with httpx.Client(base_url=server.base, headers=key("researcher"), timeout=10) as c:
        for path, cursor in itertools.product(lists, forged):
            r = c.get(path, params={"cursor": cursor, "limit": 1})
            assert is_problem(r, 400, 422), (path, cursor, r.status_code, r.text[:200])
        assert c.get("/health").status_code == 200
    assert server.alive()


def _flood(port: int, size: int) -> bytes:
    """Send a request whose one header is ``size`` bytes; what the server answered (b"" if it hung up)."""
    with socket.create_connection(("127.0.0.1", port), timeout=20) as s:
        got = b""
        try:
            s.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Flood: ")
            chunk = b"a" * (1 << 20)
            for _ in range(size >> 20):
                s.sendall(chunk)
            s.sendall(b"\r\n\r\n")
        except OSError:  # the server closed the connection: it stopped reading
            pass
        try:
            while part := s.recv(65536):
                got += part
        except OSError:
            pass
        return got


def test_huge_request_headers_are_refused_without_stalling_others(server: Server) -> None:
    with concurrent.futures.ThreadPoolExecutor(9) as pool:
        floods = [pool.submit(_flood, server.port, 64 << 20) for _ in range(8)]
        health = [httpx.get(server.base + "/health", timeout=10).status_code for _ in range(5)]
        answers = [f.result(timeout=60) for f in floods]
    assert health == [200] * 5
    assert all(a.startswith(b"HTTP/1.1 431 ") or a == b"" for a in answers), [a[:40] for a in answers]
    assert any(a.startswith(b"HTTP/1.1 431 ") for a in answers)
    assert server.alive()


def test_forwarded_for_from_loopback_does_not_change_the_client(graph: Path, tmp_path: Path) -> None:
    with serving(graph, tmp_path / "server.log", {"PARTYCHAIN_QUERY_WORKERS": "0"}) as srv:  # its own lockout
        codes = []
        for n in range(13):
            r = httpx.get(srv.base + "/stats", headers={"Authorization": "Bearer wrong-key",
                                                        "X-Forwarded-For": f"10.9.0.{n}", "X-Real-IP": f"10.8.0.{n}"})
            codes.append(r.status_code)
        assert codes[:10] == [401] * 10 and set(codes[10:]) == {429}, codes


def test_forwarded_for_is_believed_from_a_trusted_proxy_only(graph: Path, tmp_path: Path) -> None:
    with serving(graph, tmp_path / "server.log", {"PARTYCHAIN_TRUSTED_PROXIES": "127.0.0.1",
                                                  "PARTYCHAIN_QUERY_WORKERS": "0"}) as srv:
        codes = [httpx.get(srv.base + "/stats", headers={"Authorization": "Bearer wrong-key",
                                                         "X-Forwarded-For": f"10.9.0.{n}"}).status_code
                 for n in range(13)]
        assert codes == [401] * 13  # every client address has its own count
        same = [httpx.get(srv.base + "/stats", headers={"Authorization": "Bearer wrong-key",
                                                        "X-Forwarded-For": "10.7.0.1"}).status_code for _ in range(12)]
        assert same[:10] == [401] * 10 and set(same[10:]) == {429}


def test_anonymous_callers_are_rate_limited(server: Server) -> None:
    with httpx.Client(base_url=server.base, timeout=10) as c:
        codes = [c.get("/coverage", params={"scope": "520628"}) for _ in range(80)]
        limited = [r for r in codes if r.status_code == 429]
        assert limited and all(is_problem(r, 429) and int(r.headers["Retry-After"]) >= 1 for r in limited)
        assert codes[0].status_code == 200
        assert c.get("/coverage", params={"scope": "520628"}, headers=key("researcher")).status_code == 200


def _fill(path: str, params: list[dict[str, Any]], value: str) -> tuple[str, dict[str, str]]:
    url = path.removeprefix("/api/v1")
    query: dict[str, str] = {}
    for p in params:
        if p["in"] == "path":
            url = url.replace("{" + p["name"] + "}", httpx.URL("", params={"v": value}).query.decode()[2:] or "x")
        elif p["in"] == "query":
            query[p["name"]] = value
    return url, query


def test_fuzzing_every_endpoint_never_breaks_the_server(server: Server) -> None:
    schema = httpx.get(server.base + "/openapi.json").json()
    sent = 0
    with httpx.Client(base_url=server.base, headers=key("officer"), timeout=30) as c:
        for path, ops in schema["paths"].items():
            for method, op in ops.items():
                params = op.get("parameters", [])
                if method == "get":
                    for value in EXTREMES:
                        url, query = _fill(path, params, value)
                        r = c.get(url, params=query)
                        sent += 1
                        assert r.status_code < 500, (path, value[:40], r.status_code, r.text[:200])
                        # 307: a value ending in "/" makes a path with a trailing slash, which FastAPI redirects
                        assert r.status_code in (200, 307) or is_problem(r, r.status_code), (path, value[:40])
                elif method == "post":
                    for body in ({"query": "RETURN $p AS p", "parameters": {"p": v}} for v in
                                 [2**63, -(2**63), 10**26, "x" * 200_000, [[[[[]]]]], {"a": {"b": {"c": None}}}]):
                        r = c.post(path.removeprefix("/api/v1"), json=body)
                        sent += 1
                        assert r.status_code < 500 or r.status_code in (503, 504), (path, r.text[:200])
                    for raw in (b"{", b"[]", b"null", b'{"query": 1}', b'{"query": "RETURN 1", "x": 2}',
                                b"\xff\xfe", b'{"query": "' + b"(" * 5000 + b'"}'):
                        r = c.post(path.removeprefix("/api/v1"), content=raw,
                                   headers={"content-type": "application/json"})
                        sent += 1
                        assert is_problem(r, 400, 413, 422), (raw[:40], r.status_code, r.text[:200])
            assert server.alive(), path
        assert c.get("/health").status_code == 200
    assert sent > 300
