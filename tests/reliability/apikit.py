"""Settings and keys for the reliability tests that talk to the API (like ``tests/api/conftest.py``)."""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from partychain.settings import Settings

KEYS = {
    "researcher": "rk-rel-5d1e9c3a7b2f4680",
    "researcher2": "rk-rel-0a8f6e4d2c1b3957",
    "officer": "ok-rel-7c3e1a9f5b2d4068",
}
ROLES = {"researcher": "researcher", "researcher2": "researcher", "officer": "officer"}
PREFIX = "/api/v1"


def api_keys() -> str:
    """``PARTYCHAIN_API_KEYS`` for :data:`KEYS`."""
    return ",".join(f"{k}:{ROLES[name]}" for name, k in KEYS.items())


def make_settings(tmp: Path | None = None, **overrides: Any) -> Settings:
    """Settings for tests: the test keys, no .env file, no key file."""
    values: dict[str, Any] = {"api_keys": api_keys(), "api_keys_file": None, "query_timeout_s": 2.0,
                              "query_max_rows": 1000,
                              "anonymous_rate": 1e6, "anonymous_burst": 1_000_000}  # tests send many anonymous requests
    if tmp is not None:
        values["db"] = tmp
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def auth(who: str) -> dict[str, str]:
    """Headers of a request made with the key named ``who`` (none for anonymous)."""
    return {"Authorization": f"Bearer {KEYS[who]}"} if who in KEYS else {}


def graph_files(root: Path) -> dict[str, str]:
    """Every file under the graph directory with the SHA-256 of its content (links by their target)."""
    out = {}
    for dirpath, _dirs, files in os.walk(root):
        for f in files:
            p = Path(dirpath) / f
            rel = str(p.relative_to(root))
            if p.is_symlink():
                out[rel] = "-> " + os.readlink(p)
            else:
                out[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
    if (root / "current").is_symlink():
        out["current"] = "-> " + os.readlink(root / "current")
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """A real ``partychain serve`` process (uvicorn, the hardened protocol, the configured workers)."""

    proc: subprocess.Popen[str]
    base: str
    port: int
    log: Path

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None


@contextlib.contextmanager
def serving(db: Path, log: Path, env: Mapping[str, str] | None = None, *, startup_s: float = 90,
            workers: int = 1) -> Iterator[Server]:
    """Serve the graph at ``db`` on a free loopback port with the test keys until the block ends (SIGTERM);
    ``workers``: ``partychain serve --workers``."""
    port = free_port()
    full = {**os.environ, "PARTYCHAIN_API_KEYS": api_keys(), "PARTYCHAIN_QUERY_TIMEOUT_S": "10",
            "PARTYCHAIN_QUERY_MAX_ROWS": "1000", **(env or {})}
    full.pop("PARTYCHAIN_NEO4J_URI", None)
    with open(log, "w", encoding="utf-8") as out:
        proc = subprocess.Popen([sys.executable, "-m", "partychain.cli", "serve", "--db", str(db), "--host",
                                 "127.0.0.1", "--port", str(port), "--workers", str(workers)], env=full, stdout=out,
                                stderr=subprocess.STDOUT, text=True)
    srv = Server(proc, f"http://127.0.0.1:{port}{PREFIX}", port, log)
    try:
        deadline = time.monotonic() + startup_s
        while True:
            assert proc.poll() is None, log.read_text(encoding="utf-8")
            try:
                if httpx.get(srv.base + "/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "the server did not come up"
            time.sleep(0.3)
        yield srv
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
