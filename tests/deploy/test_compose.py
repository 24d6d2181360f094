"""The container setup: docker-compose.yml, Dockerfile and .dockerignore, checked without an engine.

The structure is read with PyYAML; where a Compose CLI exists (``docker compose`` or
``docker-compose``), ``config -q`` validates the file too (it needs no running engine).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from partychain.neo4j_server import NEO4J_VERSION

yaml = pytest.importorskip("yaml")

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
SECRET_NAME = re.compile(r"PASSWORD|SECRET|TOKEN|API_KEY|AUTH", re.IGNORECASE)
INTERPOLATION = re.compile(r"(?<!\$)\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?P<op>:?[-?])?(?P<arg>[^}]*)\}")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, Any]:
    return compose["services"]


def _command(value: Any) -> list[str]:
    return value if isinstance(value, list) else value.split()


def _env(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment", {})
    if isinstance(env, list):
        env = dict(e.split("=", 1) for e in env)
    return {k: str(v) for k, v in env.items()}


def _depends(service: dict[str, Any]) -> dict[str, str]:
    return {name: spec.get("condition", "") for name, spec in service.get("depends_on", {}).items()}


def _published(service: dict[str, Any]) -> set[int]:
    out = set()
    for p in service.get("ports", []):
        out.add(int(str(p).split(":")[-1].split("/")[0]) if not isinstance(p, dict) else int(p["target"]))
    return out


def test_services(services: dict[str, Any]) -> None:
    assert set(services) == {"neo4j", "api", "loader"}


def test_neo4j_service(services: dict[str, Any]) -> None:
    neo = services["neo4j"]
    assert neo["image"] == f"neo4j:{NEO4J_VERSION}-community", "the patch tools/neo4j-server pins and the tests run"
    assert _published(neo) == {7474, 7687}
    env = _env(neo)
    assert env["NEO4J_AUTH"] == "neo4j/${NEO4J_PASSWORD:?set NEO4J_PASSWORD}"
    # any other NEO4J_* variable becomes a neo4j.conf setting: a NEO4J_PASSWORD there would break start-up
    assert "NEO4J_PASSWORD" not in env
    assert {v.split(":")[0] for v in neo.get("volumes", [])} >= {"neo4j-data"}


def test_neo4j_healthcheck_runs_a_real_query(services: dict[str, Any]) -> None:
    hc = services["neo4j"]["healthcheck"]
    test = hc["test"]
    assert test[0] == "CMD-SHELL"
    cmd = test[1]
    assert "cypher-shell" in cmd and "-u neo4j" in cmd and "'RETURN 1'" in cmd
    assert "$${NEO4J_AUTH#neo4j/}" in cmd, "the password comes from the container's NEO4J_AUTH at run time"
    assert hc["retries"] >= 10 and "start_period" in hc


def test_api_service(services: dict[str, Any]) -> None:
    api = services["api"]
    assert api["build"] in (".", {"context": "."})
    assert _command(api["command"])[:2] == ["partychain", "serve"]
    assert "--host" in _command(api["command"]) and "0.0.0.0" in _command(api["command"])
    assert _published(api) == {8000}
    assert _depends(api) == {"neo4j": "service_healthy", "loader": "service_completed_successfully"}
    hc = " ".join(_command(api["healthcheck"]["test"]))
    assert "/api/v1/health" in hc
    env = _env(api)
    assert env["PARTYCHAIN_NEO4J_URI"] == "bolt://neo4j:7687"
    assert env["PARTYCHAIN_ENGINE"] == "neo4j"


def test_loader_service(services: dict[str, Any]) -> None:
    loader = services["loader"]
    cmd = _command(loader["command"])
    assert cmd[:3] == ["partychain", "sample", "songtao"]
    assert "--load" in cmd and cmd[cmd.index("--out") + 1] == "/tmp/songtao"
    assert str(loader["restart"]) == "no"
    assert _depends(loader) == {"neo4j": "service_healthy"}
    assert loader["image"] == services["api"]["image"], "one image for the CLI and the API"
    assert _env(loader)["PARTYCHAIN_NEO4J_URI"] == "bolt://neo4j:7687"


def test_no_default_secrets() -> None:
    text = COMPOSE.read_text(encoding="utf-8")
    for m in INTERPOLATION.finditer(text):
        if SECRET_NAME.search(m["name"]):
            # required (:?) or empty by default (:-), never a usable default value
            assert m["op"] == ":?" or (m["op"] == ":-" and m["arg"] == ""), m.group(0)
    assert "neo4j/neo4j" not in text
    compose = yaml.safe_load(text)
    for name, service in compose["services"].items():
        for key, value in _env(service).items():
            if SECRET_NAME.search(key):
                assert "${" in value, f"{name}: {key} is a literal, not taken from the environment"


def test_dockerfile() -> None:
    text = DOCKERFILE.read_text(encoding="utf-8")
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.strip().startswith("#")]
    assert lines[0] == "FROM python:3.11-slim"
    users = [ln.split()[1] for ln in lines if ln.startswith("USER ")]
    assert users and users[-1] not in ("root", "0", "0:0"), "the image must run as a non-root user"
    install = next(i for i, ln in enumerate(lines) if "pip install ." in ln)
    assert install < next(i for i, ln in enumerate(lines) if ln.startswith("USER "))
    cmd = next(ln for ln in lines if ln.startswith("CMD "))
    assert cmd == 'CMD ["partychain", "serve", "--host", "0.0.0.0", "--port", "8000"]'
    # every package folder pyproject.toml maps is copied in
    for folder in ("src", "graph_model", "loaders", "api", "cypher"):
        assert f"COPY {folder} " in text
        assert (ROOT / folder).is_dir()


def test_dockerignore_keeps_secrets_and_bulk_out() -> None:
    ignored = {ln.strip() for ln in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
               if ln.strip() and not ln.startswith("#")}
    assert {".git", ".env", ".venv", "**/node_modules"} <= ignored
    assert "README.md" not in ignored and "pyproject.toml" not in ignored  # pip install . needs them


def _compose_cli() -> list[str] | None:
    docker = shutil.which("docker")
    if docker and subprocess.run([docker, "compose", "version"], check=False, capture_output=True).returncode == 0:
        return [docker, "compose"]
    legacy = shutil.which("docker-compose")
    return [legacy] if legacy else None


def test_compose_config_validates() -> None:
    cli = _compose_cli()
    if cli is None:
        pytest.skip("no Compose CLI (docker compose plugin or docker-compose)")
    env = {k: v for k, v in os.environ.items() if k not in ("NEO4J_PASSWORD", "PARTYCHAIN_API_KEYS")}
    config = [*cli, "-f", str(COMPOSE), "config", "-q"]
    ok = subprocess.run(config, check=False, capture_output=True, text=True, cwd=ROOT,
                        env={**env, "NEO4J_PASSWORD": "a-test-password-not-used"})
    assert ok.returncode == 0, ok.stderr
    missing = subprocess.run(config, check=False, capture_output=True, text=True, cwd=ROOT, env=env)
    assert missing.returncode != 0 and "set NEO4J_PASSWORD" in missing.stderr
