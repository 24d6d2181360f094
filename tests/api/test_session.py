"""Dashboard sessions, as an attacker would try them: the cookie's attributes, forged, altered, expired and orphaned
cookies, cross-site writes, key guessing through the sign-in endpoint, and the first run's one-time token."""

from __future__ import annotations

import os
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from platformdirs import user_runtime_path

from partychain.api import first_run, session
from partychain.api.app import create_app
from partychain.api.auth import KeyRing, Role
from partychain.settings import Settings, get_settings

from .conftest import KEYS, PREFIX, auth

CSRF = {session.CSRF_HEADER: "1"}


def cookie_of(r: Any) -> SimpleCookie:
    c: SimpleCookie = SimpleCookie()
    c.load(r.headers["set-cookie"])
    return c


@pytest.fixture
def client(store: Any, settings_for: Any) -> Any:
    with TestClient(create_app(store, settings_for(), auth_failures_per_minute=10_000)) as c:
        yield c


def test_a_key_is_exchanged_once_for_an_http_only_strict_session_cookie(client: TestClient) -> None:
    r = client.post(PREFIX + "/session", json={"key": KEYS["officer"]}, headers=CSRF)
    assert r.status_code == 200 and r.json()["role"] == "officer" and r.json()["via"] == "cookie"
    raw = r.headers["set-cookie"].lower()
    morsel = cookie_of(r)[session.COOKIE]
    assert "httponly" in raw and "samesite=strict" in raw and morsel["path"] == "/"
    assert "max-age" not in raw and "expires" not in raw  # a browser-session cookie
    assert KEYS["officer"] not in r.headers["set-cookie"] and KEYS["officer"] not in r.text
    assert client.get(PREFIX + "/session").json()["role"] == "officer"
    rec = client.get(PREFIX + "/households/HH-1")
    assert rec.status_code == 200 and rec.json()["head_name"] == "杨一"  # an officer: unmasked
    assert client.delete(PREFIX + "/session", headers=CSRF).status_code == 200
    client.cookies.clear()
    assert client.get(PREFIX + "/households/HH-1").status_code == 403


def test_a_researcher_session_sees_masked_values(client: TestClient) -> None:
    client.post(PREFIX + "/session", json={"key": KEYS["researcher"]}, headers=CSRF)
    assert client.get(PREFIX + "/households/HH-1").json()["head_name"] == "杨*"
    assert client.get(PREFIX + "/people", params={"q": "杨一"}).status_code == 403


def test_writes_through_the_cookie_need_the_dashboard_header(client: TestClient) -> None:
    client.post(PREFIX + "/session", json={"key": KEYS["researcher"]}, headers=CSRF)
    q = {"query": "MATCH (v:Village) RETURN count(v) AS n"}
    r = client.post(PREFIX + "/cypher", json=q)
    assert r.status_code == 403 and r.json()["type"].endswith(":csrf")
    assert client.post(PREFIX + "/cypher", json=q, headers=CSRF).status_code == 200
    assert client.delete(PREFIX + "/session").status_code == 403  # signing out needs it too
    fresh = TestClient(client.app)
    assert fresh.post(PREFIX + "/session", json={"key": KEYS["researcher"]}).status_code == 403  # and signing in


def test_forged_altered_and_expired_cookies_are_anonymous_and_cleared(client: TestClient, store: Any) -> None:
    keys = client.app.state.keys
    who = keys.identify(KEYS["researcher"])[1]
    good = session.issue(Role.researcher, who)
    role_swapped = good.replace("researcher.", "officer.", 1)
    old = session.issue(Role.researcher, who, now=1_000_000)  # signed right, but long expired
    for bad in (role_swapped, old, good[:-2] + "xx", "officer.key:000000000000.1.AAAA", "x" * 300,
                "officer.key:x.99999999999.%00"):
        client.cookies.clear()
        client.cookies.set(session.COOKIE, bad)
        r = client.get(PREFIX + "/session")
        assert r.json() == {"role": "anonymous", "signed_in": False, "via": None, "expires_at": None,
                            "expired": True}, bad
        assert session.COOKIE in r.headers.get("set-cookie", "") and "max-age=0" in r.headers["set-cookie"].lower()
        assert client.get(PREFIX + "/gaps", params={"scope": "520628", "kind": "bases_without_member"}).status_code \
            == 403
    client.cookies.clear()
    client.cookies.set(session.COOKIE, good)
    assert client.get(PREFIX + "/session").json()["role"] == "researcher"


def test_a_session_ends_when_its_key_is_removed(store: Any, settings_for: Any) -> None:
    with TestClient(create_app(store, settings_for())) as before:
        before.post(PREFIX + "/session", json={"key": KEYS["researcher"]}, headers=CSRF)
        value = before.cookies[session.COOKIE]
    only_officer = settings_for(api_keys=f"{KEYS['officer']}:officer")
    with TestClient(create_app(store, only_officer)) as after:
        after.cookies.set(session.COOKIE, value)
        assert after.get(PREFIX + "/session").json()["expired"] is True


def test_an_authorization_header_wins_over_the_cookie(client: TestClient) -> None:
    client.post(PREFIX + "/session", json={"key": KEYS["officer"]}, headers=CSRF)
    r = client.get(PREFIX + "/session", headers=auth("researcher"))
    assert r.json()["role"] == "researcher" and r.json()["via"] == "key"
    assert client.get(PREFIX + "/session", headers={"Authorization": "Bearer wrong"}).status_code == 401


def test_wrong_keys_are_refused_and_throttled(store: Any, settings_for: Any) -> None:
    with TestClient(create_app(store, settings_for(), auth_failures_per_minute=3)) as c:
        for _ in range(3):
            r = c.post(PREFIX + "/session", json={"key": "guess-1234"}, headers=CSRF)
            assert r.status_code == 401 and "unknown API key" in r.json()["detail"]
            assert "set-cookie" not in r.headers
        r = c.post(PREFIX + "/session", json={"key": KEYS["officer"]}, headers=CSRF)
        assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0  # even the right key, for a while
    with TestClient(create_app(store, settings_for())) as c:
        assert c.post(PREFIX + "/session", json={}, headers=CSRF).status_code == 400
        assert c.post(PREFIX + "/session", json={"key": "a", "token": "b"}, headers=CSRF).status_code == 400
        assert c.post(PREFIX + "/session", json={"key": "x" * 300}, headers=CSRF).status_code == 422


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> Any:
    for var in ("PARTYCHAIN_API_KEYS", "PARTYCHAIN_API_KEYS_FILE", "PARTYCHAIN_SIGNIN_TOKEN_FILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("PARTYCHAIN_API_KEYS", "")  # prepare() sets it; monkeypatch restores it afterwards
    yield monkeypatch
    get_settings.cache_clear()


def test_a_first_run_makes_a_key_and_a_link_that_works_once(clean_env: Any, tmp_path: Path, store: Any) -> None:
    settings = Settings(_env_file=None, db=tmp_path / "graph", api_keys="", api_keys_file=None)
    made = first_run.prepare(settings, host="127.0.0.1", port=8123)
    assert made is not None
    try:
        assert made.url.startswith("http://127.0.0.1:8123/#token=")
        token = made.url.split("#token=")[1]
        key = made.key_file.read_text(encoding="utf-8").strip()
        # beside the embedded graph; with Neo4j (no local graph folder), in the user's runtime folder
        folder = tmp_path / "graph" if settings.engine_name == "embedded" else user_runtime_path("partychain")
        assert made.key_file.stat().st_mode & 0o077 == 0 and made.key_file.parent == folder
        assert os.environ["PARTYCHAIN_API_KEYS"] == f"{key}:officer"
        token_file = Path(os.environ["PARTYCHAIN_SIGNIN_TOKEN_FILE"])
        assert token not in token_file.read_text(encoding="utf-8") and token_file.stat().st_mode & 0o077 == 0
        served = Settings(_env_file=None, anonymous_rate=1e6, anonymous_burst=1_000_000)  # what the server reads
        assert KeyRing.from_settings(served).role_of(key) is Role.officer
        with TestClient(create_app(store, served)) as c:
            assert c.post(PREFIX + "/session", json={"token": "wrong-token"}, headers=CSRF).status_code == 401
            r = c.post(PREFIX + "/session", json={"token": token}, headers=CSRF)
            assert r.status_code == 200 and r.json()["role"] == "officer"
            assert c.get(PREFIX + "/households/HH-1").json()["head_name"] == "杨一"
            again = TestClient(c.app).post(PREFIX + "/session", json={"token": token}, headers=CSRF)
            assert again.status_code == 401 and "used already" in again.json()["detail"]
            assert c.get(PREFIX + "/session", headers={"Authorization": f"Bearer {key}"}).json()["role"] == "officer"
    finally:
        made.cleanup()
    assert not made.key_file.exists() and not made.folder.exists()


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "example.org", "::"])
def test_never_on_an_address_others_reach(clean_env: Any, tmp_path: Path, host: str) -> None:
    settings = Settings(_env_file=None, db=tmp_path / "graph", api_keys="", api_keys_file=None)
    assert first_run.prepare(settings, host=host, port=8000) is None
    assert os.environ["PARTYCHAIN_API_KEYS"] == "" and not (tmp_path / "graph").exists()


def test_never_when_keys_are_configured(clean_env: Any, tmp_path: Path) -> None:
    settings = Settings(_env_file=None, db=tmp_path / "graph", api_keys="k-1234567:researcher", api_keys_file=None)
    assert first_run.prepare(settings, host="127.0.0.1", port=8000) is None
