"""The dashboard ships exactly what its sources say: the vendored ECharts is the npm-pinned package's file.

``tools/dashboard-vendor`` pins ECharts (package.json + package-lock.json); ``vendor.mjs`` copies the files
into ``api/static/vendor/`` with a manifest of SHA-256 digests. Here the lock is installed (``npm ci``, when
``node_modules`` is missing or older than the lock) and every shipped file compared with the installed
package byte for byte; the app's own files are plain ES modules, no build step, so there is nothing else to
rebuild. Node and npm are required (as for the Cypher lint). Also: every asset the page loads is in the
package data, and no page names another origin.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / "tools" / "dashboard-vendor"
STATIC = ROOT / "api" / "static"
MARKER = TOOL / "node_modules" / ".package-lock.json"


def _npm_ci() -> None:
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail("`npm` is not on PATH: install Node.js (>= 18.18.2, with npm) to check the vendored files",
                    pytrace=False)
    lock_path = Path(tempfile.gettempdir()) / ("partychain-dashboard-vendor-" +
                                               hashlib.sha256(str(TOOL).encode()).hexdigest()[:16] + ".lock")
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if MARKER.exists() and MARKER.stat().st_mtime >= (TOOL / "package-lock.json").stat().st_mtime:
            return
        proc = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=TOOL, capture_output=True, text=True,
                              timeout=600, check=False)
        assert proc.returncode == 0, f"npm ci in {TOOL} failed:\n{proc.stdout}\n{proc.stderr}"


def test_the_shipped_files_are_the_pinned_packages() -> None:
    _npm_ci()
    manifest = json.loads((STATIC / "vendor" / "MANIFEST.json").read_text(encoding="utf-8"))["files"]
    lock = json.loads((TOOL / "package-lock.json").read_text(encoding="utf-8"))["packages"]
    shipped = {p.name for p in (STATIC / "vendor").iterdir()} - {"MANIFEST.json"}
    assert shipped == set(manifest), "api/static/vendor holds files the manifest does not name (or misses some)"
    for name, entry in manifest.items():
        data = (STATIC / "vendor" / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], f"{name} differs from its manifest entry"
        assert lock[f"node_modules/{entry['package']}"]["version"] == entry["version"], name
        assert data == (TOOL / "node_modules" / entry["package"] / entry["path"]).read_bytes(), \
            f"{name} differs from {entry['package']}@{entry['version']}/{entry['path']}: run node vendor.mjs"
    pinned = json.loads((TOOL / "package.json").read_text(encoding="utf-8"))["dependencies"]["echarts"]
    assert manifest["echarts.min.js"]["version"] == pinned


def test_every_asset_is_package_data_and_on_this_origin() -> None:
    import tomllib

    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["package-data"]
    patterns = data["partychain.api"]
    files = [p for p in STATIC.rglob("*") if p.is_file()]
    for f in files:
        rel = f.relative_to(ROOT / "api").as_posix()
        assert any(Path(rel).match(p) for p in patterns), f"{rel} is not in partychain.api's package data"
    for f in files:
        if f.suffix in (".html", ".js", ".css") and f.parent.name != "vendor":
            text = f.read_text(encoding="utf-8")
            assert not re.search(r"(src|href)=[\"']?(https?:)?//", text), f"{f.name} loads from another origin"
            assert "fetch(\"http" not in text and "import(\"http" not in text, f.name
    index = (STATIC / "index.html").read_text(encoding="utf-8")
    for ref in re.findall(r'(?:src|href)="(/assets/[^"]+)"', index):
        if ref == "/assets/labels.json":  # served from partychain/labels.json, the table the spreadsheets use too
            assert (ROOT / "src" / "partychain" / "labels.json").is_file()
        else:
            assert (STATIC / ref.removeprefix("/assets/")).is_file(), ref
