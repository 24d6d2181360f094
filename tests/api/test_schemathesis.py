"""Property-based run of the OpenAPI schema (schemathesis): no input makes the API answer 5xx,
and every answer matches the schema (status codes, content types, bodies)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from partychain.api.app import create_app
from partychain.storage.embedded import EmbeddedStore

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(scope="module")
def api_app(store: EmbeddedStore, settings_for: Any) -> Iterator[FastAPI]:
    # A high failure limit keeps generated keys from locking the run out (the limiter has its own test).
    yield create_app(store, settings_for(query_timeout_s=10.0), auth_failures_per_minute=1_000_000)


@pytest.fixture(scope="module")
def api_schema(api_app: FastAPI) -> Any:
    return schemathesis.openapi.from_asgi("/api/v1/openapi.json", api_app)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_input_makes_a_server_error(case: Any, keys: dict[str, str]) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {keys['officer']}"}, checks=CHECKS)
