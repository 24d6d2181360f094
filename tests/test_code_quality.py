"""ruff, mypy and the layering contract stay clean, and every exception is under the one root.

mypy and import-linter see the installed layout (partychain.*) through a tree of symlinks.
"""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import sys
import tomllib
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


def _installed_tree(tmp_path: Path) -> None:
    """``tmp_path/partychain``: the package as installed (src/partychain with the mapped folders in it), as symlinks."""
    pkg = tmp_path / "partychain"
    pkg.mkdir()
    for child in (ROOT / "src" / "partychain").iterdir():
        (pkg / child.name).symlink_to(child)
    for name, folder in MAPPED.items():
        (pkg / name).symlink_to(ROOT / folder)


def test_mypy_is_clean(tmp_path: Path) -> None:
    _installed_tree(tmp_path)
    env = {**os.environ, "MYPYPATH": str(tmp_path)}
    res = subprocess.run([_tool("mypy"), "--config-file", str(ROOT / "pyproject.toml"), "--cache-dir",
                          str(tmp_path / ".mypy_cache"), "-p", "partychain"],
                         cwd=tmp_path, capture_output=True, text=True, env=env, check=False)
    assert res.returncode == 0, res.stdout + res.stderr


def _module_names() -> list[str]:
    """Every module of the installed package (``partychain.*``), from the folders pyproject.toml maps."""
    dirs = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["package-dir"]
    names = set()
    for package, folder in dirs.items():
        for file in (ROOT / folder).rglob("*.py"):
            parts = file.relative_to(ROOT / folder).with_suffix("").parts
            if parts[-1] == "__main__":
                continue
            names.add(".".join((package, *(parts[:-1] if parts[-1] == "__init__" else parts))))
    return sorted(names)


def test_import_contracts_hold(tmp_path: Path) -> None:
    """The layering, as pyproject.toml's ``[tool.importlinter]`` contracts, checked by import-linter."""
    _installed_tree(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    res = subprocess.run([_tool("lint-imports"), "--no-cache", str(ROOT / "pyproject.toml")],
                         cwd=tmp_path, capture_output=True, text=True, env=env, check=False)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "Contracts: 2 kept, 0 broken." in res.stdout, res.stdout


def test_every_exception_is_under_the_one_root() -> None:
    """Every exception partychain defines derives from PartychainError and is defined in partychain.errors,
    except the API's HTTP answer (``partychain.api.problems.ApiError``: a status and a problem type)."""
    from partychain.errors import PartychainError

    outside, elsewhere = [], []
    for name in _module_names():
        for obj in vars(importlib.import_module(name)).values():
            if isinstance(obj, type) and issubclass(obj, BaseException) and obj.__module__ == name:
                if not issubclass(obj, PartychainError):
                    outside.append(f"{name}.{obj.__name__}")
                elif name not in ("partychain.errors", "partychain.api.problems"):
                    elsewhere.append(f"{name}.{obj.__name__}")
    assert not outside, f"exceptions not under PartychainError: {outside}"
    assert not elsewhere, f"exceptions defined outside partychain.errors: {elsewhere}"
