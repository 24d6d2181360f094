"""Fixtures for linting Cypher with Neo4j's own linter (tools/cypher-lint), no server needed.

``cypher_linter`` installs the pinned npm package on first use (``npm ci``, when
``node_modules`` is missing or older than ``package-lock.json``) and returns
``lint(queries, schema) -> {name: [diagnostic, ...]}``, where a diagnostic is
``{"severity": "error"|"warning", "message": str, "line": int, "column": int, "source": str}``
with 1-based line and column.  Node and npm are required: without them the tests fail.

The linter takes a quarter of a second per query (Neo4j's semantic analysis compiled to JavaScript), and
the tests that ask for the same queries run on both pytest-xdist workers: a lint is therefore done once
per test run, and its answer kept in the workers' shared temporary folder under the hash of what was
asked (the queries, the schema, lint.mjs and the lock file) — the second worker to ask reads it.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pytest

TOOL_DIR = Path(__file__).resolve().parents[2] / "tools" / "cypher-lint"
LINT_SCRIPT = TOOL_DIR / "lint.mjs"
LOCK_FILE = TOOL_DIR / "package-lock.json"
# npm writes this "hidden lockfile" at the end of every install: its age is the install's age.
INSTALLED_MARKER = TOOL_DIR / "node_modules" / ".package-lock.json"

NPM_CI_TIMEOUT_S = 600
LINT_TIMEOUT_S = 600

Diagnostic = dict[str, object]
Linter = Callable[[dict[str, str], dict[str, list[str]]], dict[str, list[Diagnostic]]]


class CypherLinterError(RuntimeError):
    """lint.mjs could not lint (bad input, crash, unreadable output)."""


def _require(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.fail(
            f"`{tool}` is not on PATH. The Cypher lint is a required check: install Node.js "
            f"(>= 18.18.2, with npm) so that tools/cypher-lint can run.",
            pytrace=False,
        )
    return path


def _needs_install() -> bool:
    return not INSTALLED_MARKER.exists() or INSTALLED_MARKER.stat().st_mtime < LOCK_FILE.stat().st_mtime


def _install(npm: str) -> None:
    # One installer at a time, also across pytest-xdist workers and parallel runs.
    lock_path = Path(tempfile.gettempdir()) / (
        "partychain-cypher-lint-" + hashlib.sha256(str(TOOL_DIR).encode()).hexdigest()[:16] + ".lock"
    )
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not _needs_install():
            return
        started = time.monotonic()
        try:
            proc = subprocess.run(
                [npm, "ci", "--no-audit", "--no-fund"],
                check=False,
                cwd=TOOL_DIR,
                capture_output=True,
                text=True,
                timeout=NPM_CI_TIMEOUT_S,
            )
        except subprocess.TimeoutExpired:
            pytest.fail(f"`npm ci` in {TOOL_DIR} took over {NPM_CI_TIMEOUT_S} s", pytrace=False)
        if proc.returncode != 0:
            pytest.fail(
                f"`npm ci` in {TOOL_DIR} failed (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}",
                pytrace=False,
            )
        if not INSTALLED_MARKER.exists():
            pytest.fail(f"`npm ci` in {TOOL_DIR} succeeded but wrote no {INSTALLED_MARKER}", pytrace=False)
        print(f"cypher-lint: npm ci took {time.monotonic() - started:.1f} s")


def make_linter(node: str, shared: Path | None = None) -> Linter:
    """``lint(queries, schema)`` running lint.mjs with ``node``; with ``shared``, each distinct request is linted
    once per test run (see the module doc) and its answer kept in that folder."""
    def lint(queries: dict[str, str], schema: dict[str, list[str]]) -> dict[str, list[Diagnostic]]:
        """Lint every query in one node process; diagnostics per query name."""
        payload = json.dumps({"schema": schema, "queries": queries}, sort_keys=True)
        if shared is None:
            return _run(payload, queries)
        digest = hashlib.sha256(payload.encode() + LINT_SCRIPT.read_bytes() + LOCK_FILE.read_bytes()).hexdigest()
        answer = shared / f"cypher-lint-{digest[:24]}.json"
        with open(shared / f"cypher-lint-{digest[:24]}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if answer.exists():
                result: dict[str, list[Diagnostic]] = json.loads(answer.read_text(encoding="utf-8"))
                return result
            result = _run(payload, queries)
            partial = answer.with_suffix(".partial")
            partial.write_text(json.dumps(result), encoding="utf-8")
            partial.replace(answer)  # only a complete answer is ever read
            return result

    def _run(payload: str, queries: dict[str, str]) -> dict[str, list[Diagnostic]]:
        try:
            proc = subprocess.run(
                [node, str(LINT_SCRIPT)],
                check=False,
                cwd=TOOL_DIR,
                input=payload,
                capture_output=True,
                text=True,
                timeout=LINT_TIMEOUT_S,
            )
        except subprocess.TimeoutExpired as e:
            raise CypherLinterError(f"lint.mjs took over {LINT_TIMEOUT_S} s") from e
        if proc.returncode != 0:
            raise CypherLinterError(f"lint.mjs failed (exit {proc.returncode}):\n{proc.stderr}")
        try:
            result = json.loads(proc.stdout)
        except json.JSONDecodeError as e:
            raise CypherLinterError(f"lint.mjs printed no JSON: {e}\n{proc.stdout[:2000]}\n{proc.stderr}") from e
        if set(result) != set(queries):
            raise CypherLinterError(f"lint.mjs answered for {sorted(result)}, asked for {sorted(queries)}")
        return result

    return lint


@pytest.fixture(scope="session")
def cypher_linter(run_folder: Path) -> Linter:
    """``lint(queries, schema)``: Neo4j's Cypher 5 linter, installed from the lock file if need be; each distinct
    request linted once per test run."""
    node = _require("node")
    npm = _require("npm")
    if _needs_install():
        _install(npm)
    return make_linter(node, run_folder)


def _format_diagnostics(text: str, diagnostics: list[Diagnostic], origin: str = "") -> str:
    """``origin:line:column: severity: message`` lines, each with the source line and a caret."""
    lines = text.splitlines()
    out = []
    for d in diagnostics:
        line, column = int(d["line"]), int(d["column"])
        out.append(f"{origin}:{line}:{column}: {d['severity']} [{d.get('source', '?')}]: {d['message']}")
        if 1 <= line <= len(lines):
            out.append("    " + lines[line - 1])
            out.append("    " + " " * (column - 1) + "^")
    return "\n".join(out)


@pytest.fixture(scope="session")
def format_cypher_diagnostics() -> Callable[[str, list[Diagnostic], str], str]:
    """``format(text, diagnostics, origin)``: diagnostics as ``origin:line:column: ...`` with carets."""
    return _format_diagnostics
