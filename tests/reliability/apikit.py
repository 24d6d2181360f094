"""Settings and keys for the reliability tests that talk to the API (like ``tests/api/conftest.py``)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

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
                              "query_max_rows": 1000}
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
