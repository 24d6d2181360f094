"""Errors as ``application/problem+json`` (RFC 9457): the model, the exception and the handlers.

Every error the API answers with has the members ``type``, ``title``, ``status``, ``detail`` and
``instance`` (the request path, never its query string), plus ``request_id``.  The project's own
exceptions (:mod:`partychain.errors`) are mapped to statuses here and only here.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from partychain.errors import (
    BadParameters,
    GraphNotLoaded,
    InvalidArgument,
    NotFound,
    PartychainError,
    PersonalDataUnavailable,
    QueryCrashed,
    QueryError,
    QueryResourceExceeded,
    QueryTimeout,
    QueryTooComplex,
    QueryTooLarge,
    ReadOnlyViolation,
    StatementNotAllowed,
    StoreError,
)

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
TYPE_PREFIX = "urn:partychain:problem:"

_TITLES = {
    400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
    408: "Request Timeout", 413: "Content Too Large", 422: "Unprocessable Content", 429: "Too Many Requests",
    431: "Request Header Fields Too Large", 500: "Internal Server Error", 503: "Service Unavailable",
    504: "Gateway Timeout",
}


class Problem(BaseModel):
    """An error, as RFC 9457 problem details."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [{
        "type": "urn:partychain:problem:not-found", "title": "Not Found", "status": 404,
        "detail": "no household HH-520628-999999", "instance": "/api/v1/households/HH-520628-999999/chains",
        "request_id": "3f2c9a7e0b6d4c55a1e2f3b4c5d6e7f8"}]})

    type: str = Field(description="URI identifying the kind of problem", examples=["urn:partychain:problem:not-found"])
    title: str = Field(description="short summary of the kind of problem")
    status: int = Field(description="HTTP status code", ge=100, le=599)
    detail: str | None = Field(None, description="what went wrong in this request")
    instance: str | None = Field(None, description="path of the request (without the query string)")
    request_id: str | None = Field(None, description="the request's id, also sent as X-Request-ID")


class FieldError(BaseModel):
    """One invalid input of a request (its value is never echoed: it may be personal)."""

    loc: list[str | int]
    msg: str
    type: str


class ValidationProblem(Problem):
    """A request whose parameters or body failed validation (422)."""

    errors: list[FieldError] = Field(default_factory=list)


class ApiError(PartychainError):
    """An HTTP error raised by the API layer, answered as problem+json (by its own handler, not the domain map)."""

    def __init__(self, status: int, slug: str, detail: str | None = None, *, title: str | None = None,
                 headers: Mapping[str, str] | None = None, **extra: Any) -> None:
        super().__init__(detail or slug)
        self.status = status
        self.slug = slug
        self.detail = detail
        self.title = title or _TITLES.get(status, "Error")
        self.headers = dict(headers or {})
        self.extra = extra


def _request_id(request: Request) -> str | None:
    ctx = request.scope.get("partychain")
    return ctx.get("request_id") if isinstance(ctx, dict) else None


def problem_response(request: Request, status: int, slug: str, detail: str | None = None, *,
                     title: str | None = None, headers: Mapping[str, str] | None = None,
                     **extra: Any) -> JSONResponse:
    body: dict[str, Any] = {
        "type": TYPE_PREFIX + slug,
        "title": title or _TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "instance": request.url.path,
        "request_id": _request_id(request),
        **extra,
    }
    return JSONResponse(body, status_code=status, headers=dict(headers or {}), media_type=PROBLEM_JSON)


# How the project's exceptions map onto HTTP; the most specific class wins (checked in order).
_DOMAIN: tuple[tuple[type[PartychainError], int, str, str | None], ...] = (
    (InvalidArgument, 400, "invalid-argument", None),
    (NotFound, 404, "not-found", None),
    (ReadOnlyViolation, 403, "read-only", None),
    (StatementNotAllowed, 403, "statement-not-allowed", None),
    (QueryTooComplex, 400, "query-too-complex", None),
    (QueryTooLarge, 413, "query-too-large", None),
    (BadParameters, 400, "cypher-parameters", None),
    (QueryResourceExceeded, 400, "query-too-expensive", None),
    (QueryCrashed, 400, "query-crashed", None),
    (QueryTimeout, 504, "query-timeout", None),
    (GraphNotLoaded, 503, "graph-not-loaded", "no graph is loaded yet"),
    (PersonalDataUnavailable, 503, "personal-data-unavailable", None),
    (QueryError, 500, "query-failed", "a query failed on the graph engine"),
    (StoreError, 503, "store-unavailable", "the graph store cannot answer"),
)


def domain_problem(request: Request, exc: PartychainError) -> JSONResponse:
    for cls, status, slug, fixed_detail in _DOMAIN:
        if isinstance(exc, cls):
            if status >= 500:
                log.error("%s on %s: %s", type(exc).__name__, request.url.path, exc)
            return problem_response(request, status, slug, fixed_detail or str(exc))
    log.error("unmapped %s on %s: %s", type(exc).__name__, request.url.path, exc)
    return problem_response(request, 500, "internal", "internal error")


def install_handlers(app: FastAPI) -> None:
    """Answer every error as problem+json: API errors, domain errors, HTTP errors, validation errors."""

    @app.exception_handler(ApiError)
    def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return problem_response(request, exc.status, exc.slug, exc.detail, title=exc.title,
                                headers=exc.headers, **exc.extra)

    @app.exception_handler(PartychainError)
    def _domain(request: Request, exc: PartychainError) -> JSONResponse:
        return domain_problem(request, exc)

    @app.exception_handler(StarletteHTTPException)
    def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        slug = {404: "no-such-route", 405: "method-not-allowed"}.get(exc.status_code, "http-error")
        detail = exc.detail if isinstance(exc.detail, str) else None
        return problem_response(request, exc.status_code, slug, detail, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"loc": [str(x) if not isinstance(x, int) else x for x in e.get("loc", ())],
                   "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))} for e in exc.errors()]
        return problem_response(request, 422, "validation", "the request is not valid; see errors",
                                errors=errors)

    @app.exception_handler(Exception)
    def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("unhandled error on %s", request.url.path, exc_info=exc)
        return problem_response(request, 500, "internal", "internal error")


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for error statuses, all answered as problem+json."""
    out: dict[int | str, dict[str, Any]] = {}
    for s in statuses:
        schema = "ValidationProblem" if s == 422 else "Problem"
        out[s] = {"description": _TITLES.get(s, "Error"),
                  "content": {PROBLEM_JSON: {"schema": {"$ref": f"#/components/schemas/{schema}"}}}}
    return out
