"""The app as deployed: the OpenAPI document, /docs, and the uvicorn factory with its default store."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
from fastapi.testclient import TestClient

PROBLEM = "application/problem+json"


def test_openapi_documents_errors_as_problems_and_has_examples(client: TestClient) -> None:
    doc = client.get("/api/v1/openapi.json").json()
    ops = {(path, method): op for path, item in doc["paths"].items() for method, op in item.items()}
    assert len(ops) >= 18
    for (path, method), op in ops.items():
        responses = op["responses"]
        assert "200" in responses, (path, method)
        for status, resp in responses.items():
            if status.startswith(("4", "5")):
                assert list(resp["content"]) == [PROBLEM], (path, method, status)
        assert "401" in responses and "429" in responses, (path, method)
    for path in ("/api/v1/orgs/{org_id}", "/api/v1/gaps", "/api/v1/cypher"):
        method = "post" if path.endswith("cypher") else "get"
        assert "403" in ops[(path, method)]["responses"], path
    assert "504" in ops[("/api/v1/cypher", "post")]["responses"]
    schemas = doc["components"]["schemas"]
    assert {"Problem", "ValidationProblem"} <= set(schemas) and "HTTPValidationError" not in schemas
    # record fields come from the model, with its descriptions, examples and personal flags
    household = schemas["HouseholdRecord"]["properties"]
    assert "personal" in household["head_name"]["description"] and household["id_number"]["x-personal"] == "id_number"
    assert schemas["PersonItem"]["properties"]["name"]["x-personal"] == "name"
    assert "x-personal" not in schemas["UnitItem"]["properties"]["name"]
    assert schemas["CypherRequest"]["examples"] and schemas["Problem"]["examples"]
    assert doc["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"


def test_docs_page(client: TestClient) -> None:
    r = client.get("/docs")
    assert r.status_code == 200 and "swagger" in r.text.lower() and "/api/v1/openapi.json" in r.text


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_uvicorn_factory_serves_the_configured_store(store: Any, keys: dict[str, str]) -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARTYCHAIN_")}
    env |= {"PARTYCHAIN_API_KEYS": f"{keys['officer']}:officer"}
    if store.engine == "neo4j":  # the session's server: its URI and password are in the environment
        env |= {k: v for k, v in os.environ.items() if k.startswith("PARTYCHAIN_NEO4J_")}
    else:
        env["PARTYCHAIN_DB"] = str(Path(store.path))
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "--factory", "partychain.api.app:create_app",
                             "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=2)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
                assert time.monotonic() < deadline, "uvicorn did not start"
                time.sleep(0.2)
        assert r.status_code == 200 and r.json()["villages"] > 0 and r.headers["X-Request-ID"]
        cop = httpx.get(f"http://127.0.0.1:{port}/api/v1/orgs/JC-1", timeout=5,
                        headers={"Authorization": f"Bearer {keys['officer']}"})
        assert cop.status_code == 200
    finally:
        proc.terminate()
        proc.wait(timeout=20)
