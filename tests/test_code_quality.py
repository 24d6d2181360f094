"""ruff and mypy stay clean.  mypy sees the installed layout (partychain.*) through a tree of symlinks."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MAPPED = {"graph_model": "graph_model", "loaders": "loaders", "api": "api", "cypher": "cypher"}


def _tool(name: str) -> str:
    exe = Path(sys.executable).with_name(name)
    if exe.exists():
        return str(exe)
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed (it is in the [test] extra)")
    return found


def test_ruff_is_clean() -> None:
    res = subprocess.run([_tool("ruff"), "check", "."], cwd=ROOT, capture_output=True, text=True, check=False)
    assert res.returncode == 0, res.stdout + res.stderr


def test_mypy_is_clean(tmp_path: Path) -> None:
    pkg = tmp_path / "partychain"
    pkg.mkdir()
    for child in (ROOT / "src" / "partychain").iterdir():
        (pkg / child.name).symlink_to(child)
    for name, folder in MAPPED.items():
        (pkg / name).symlink_to(ROOT / folder)
    env = {**os.environ, "MYPYPATH": str(tmp_path)}
    res = subprocess.run([_tool("mypy"), "--config-file", str(ROOT / "pyproject.toml"), "--cache-dir",
                          str(tmp_path / ".mypy_cache"), "-p", "partychain"],
                         cwd=tmp_path, capture_output=True, text=True, env=env, check=False)
    assert res.returncode == 0, res.stdout + res.stderr
