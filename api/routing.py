"""The route class every endpoint uses: masks personal data in every JSON response, in one place.

A route may declare what its records are with ``openapi_extra={"x-record-labels": {...}}``
(key → node label or list of labels, ``""`` for the top-level record; see :func:`.masking.mask`),
or ``{"x-query-result": True}`` for Cypher results (the endpoint leaves the query text and
parameters in ``request_context(scope)["query"]``, to follow names bound to personal values).
An endpoint whose record kinds depend on the request puts the mapping into
``request_context(scope)["record_labels"]``.  Everything else — which fields are personal — comes
from the model, so no endpoint masks anything itself.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import Response

from .access_log import request_context
from .auth import Role
from .masking import Labels, mask, mask_query_result

LABELS_KEY = "x-record-labels"
QUERY_RESULT_KEY = "x-query-result"


def sees_personal_data(role_name: str | None) -> bool:
    return role_name == Role.officer.name


class MaskingRoute(APIRoute):
    """An ``APIRoute`` whose JSON responses are masked for every role but officer.

    Responses leave out the fields a record does not have (``response_model_exclude_unset``):
    record models list every property a label may have, a query returns some of them.
    """

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        kwargs["response_model_exclude_unset"] = True
        super().__init__(path, endpoint, **kwargs)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        extra = self.openapi_extra or {}
        static_labels: dict[str, Labels] = dict(extra.get(LABELS_KEY, {}))
        query_result = bool(extra.get(QUERY_RESULT_KEY))

        async def masking_handler(request: Request) -> Response:
            response = await handler(request)
            ctx = request_context(request.scope)
            if sees_personal_data(ctx.get("role")) or "json" not in (response.media_type or ""):
                return response
            data = json.loads(bytes(response.body))
            if query_result:
                query = ctx.get("query") or {}
                data = mask_query_result(data, query=query.get("text", ""), parameters=query.get("parameters"))
            else:
                labels = {**static_labels, **ctx.get("record_labels", {})}
                data = mask(data, label=labels.pop("", None), labels=labels)
            headers = {k: v for k, v in response.headers.items() if k.lower() not in ("content-length", "content-type")}
            return JSONResponse(data, status_code=response.status_code, headers=headers,
                                background=response.background)

        return masking_handler
