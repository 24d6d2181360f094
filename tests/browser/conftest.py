"""One server and one browser for the session: the README's first command, run as written, and headless Chromium.

``served`` runs the README's first command in a scratch folder (``.venv`` linked to this test run's
environment, so the install steps it starts with are the ones this environment was made by, as
``.ci/run`` does), with no ``PARTYCHAIN_*`` variable set, the server's port made free
(``--port``), and reads the sign-in link the server prints.  ``browser`` is Debian's Chromium
(:mod:`bench.browser`); without it the browser tests are skipped with the reason, unless
``PARTYCHAIN_REQUIRE_BROWSER`` is set (``.ci/run`` sets it), which makes its absence a failure.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from bench import browser as chromium

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
BLOCK = re.compile(r"^```bash\n(.*?)^```", re.S | re.M)
LINK = re.compile(r"(http://127\.0\.0\.1:\d+/#token=[A-Za-z0-9_-]+)")
INSTALL = ("python3 -m venv ", "/pip install ")
"""Steps of the first command this environment has already run (it was installed that way)."""
START_TIMEOUT_S = 120


def readme_blocks() -> list[list[str]]:
    """The README's ```bash blocks, each a list of its command lines."""
    return [[ln for ln in m.group(1).splitlines() if ln.strip()] for m in BLOCK.finditer(README.read_text("utf-8"))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARTYCHAIN_")}
    env["PYTHONWARNINGS"] = "ignore"
    return {**env, **extra}


@dataclass
class Served:
    """The server the README's first command started."""

    base: str
    port: int
    signin_url: str
    workdir: Path
    key_file: Path
    log: Path
    env: dict[str, str]

    @property
    def key(self) -> str:
        return self.key_file.read_text(encoding="utf-8").strip()

    def api(self, path: str, *, key: str | None = None, **params: Any) -> Any:
        headers = {"Authorization": f"Bearer {key or self.key}"}
        r = httpx.get(f"{self.base}/api/v1{path}", params=params, headers=headers, timeout=60)
        assert r.status_code == 200, (path, r.status_code, r.text[:300])
        return r.json()

    def all(self, path: str, **params: Any) -> list[dict[str, Any]]:
        items, cursor = [], None
        while True:
            page = self.api(path, **params, limit=1000, **({"cursor": cursor} if cursor else {}))
            items += page["items"]
            cursor = page["next_cursor"]
            if not cursor:
                return items

    def run(self, command: str, *, timeout: int = 600, **env: str) -> subprocess.CompletedProcess[str]:
        """A README command in the scratch folder, with this server's port (and ``env`` added)."""
        command = command.replace("127.0.0.1:8000", f"127.0.0.1:{self.port}")
        return subprocess.run(["bash", "-c", command], cwd=self.workdir, env={**self.env, **env},
                              capture_output=True, text=True, timeout=timeout, check=False)


@dataclass
class LaterRun:
    """The README's later commands, run once in order against ``served``: each command and its result.

    The notebooks save their figures to ``figures`` (``PARTYCHAIN_FIGURES_DIR``, which the notebooks command
    keeps; without it they go to a temporary folder), so that their checks can read them.
    """

    served: Served
    results: list[tuple[str, subprocess.CompletedProcess[str]]]
    figures: Path

    def notebooks(self) -> Path:
        return self.served.workdir / "notebooks"


def _wait(proc: subprocess.Popen[bytes], log: Path, port: int, *, link: bool = True) -> str:
    """Wait until the server answers (and, with ``link``, has printed its sign-in link); the link or ''."""
    deadline = time.monotonic() + START_TIMEOUT_S
    found = None if link else ""
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"partychain serve exited with {proc.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
        text = log.read_text(errors="replace")
        found = found if found is not None else next(iter(LINK.findall(text)), None)
        try:
            if found is not None and httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=2).status_code == 200:
                return found
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    pytest.fail(f"partychain serve did not answer within {START_TIMEOUT_S} s:\n{log.read_text(errors='replace')}")


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    work = tmp_path_factory.mktemp("readme")
    venv = Path(sys.prefix)
    if not (venv / "bin" / "partychain").exists():
        pytest.fail(f"the README's commands run .venv/bin/partychain; this Python ({sys.executable}) has no "
                    f"partychain script beside it: run the suite from the README's venv")
    (work / ".venv").symlink_to(venv, target_is_directory=True)
    shutil.copytree(ROOT / "notebooks", work / "notebooks")
    (first,) = readme_blocks()[0]
    steps = [s.strip() for s in first.split("&&")]
    assert any(s.startswith(INSTALL[0]) for s in steps) and steps[-1].startswith(".venv/bin/partychain serve")
    port = free_port()
    env = clean_env()
    for step in steps[:-1]:
        if any(marker in step for marker in INSTALL):
            continue
        res = subprocess.run(["bash", "-c", step], cwd=work, env=env, capture_output=True, text=True, timeout=600,
                             check=False)
        assert res.returncode == 0, f"README first command, step {step!r}:\n{res.stdout[-2000:]}\n{res.stderr[-2000:]}"
    log = work / "serve.log"
    with log.open("wb") as out:
        # setpriv (util-linux): SIGTERM to the server when this test process ends, even SIGKILLed (Linux's
        # PR_SET_PDEATHSIG), so a killed run leaves no server holding the port
        guard = "setpriv --pdeathsig TERM -- " if shutil.which("setpriv") else ""
        proc = subprocess.Popen(["bash", "-c", f"exec {guard}{steps[-1]} --port {port}"], cwd=work, env=env,
                                stdout=out, stderr=subprocess.STDOUT)
    try:
        link = _wait(proc, log, port)
        key_file = work / "var" / "graph" / "local-officer.key"
        yield Served(f"http://127.0.0.1:{port}", port, link, work, key_file, log, env)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    assert not (work / "var" / "graph" / "local-officer.key").exists(), "the run's key outlived the server"


@pytest.fixture(scope="session")
def readme_later(served: Served) -> LaterRun:
    """Every command of the README's later ```bash blocks, in order, once per session (the notebooks among
    them take half a minute; the README's test and the notebooks' comparison both read this run)."""
    figures = served.workdir / "figures"
    results = []
    for command in (c for block in readme_blocks()[2:] for c in block):
        res = served.run(command, PARTYCHAIN_FIGURES_DIR=str(figures))
        results.append((command, res))
        if res.returncode != 0:  # the later commands build on it: stop at the first that fails
            break
    return LaterRun(served, results, figures)


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[chromium.Browser]:
    reason = chromium.why_not()
    if reason is not None:
        if os.environ.get("PARTYCHAIN_REQUIRE_BROWSER"):
            pytest.fail(f"PARTYCHAIN_REQUIRE_BROWSER is set but {reason}", pytrace=False)
        pytest.skip(reason)
    with chromium.chromium(downloads=tmp_path_factory.mktemp("downloads")) as b:
        yield b
