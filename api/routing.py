"""The route class every endpoint uses.

Responses leave out the fields a record does not have (``response_model_exclude_unset``): record
models list every property a label may have, a query returns some of them.  Personal fields are
masked by their type (:mod:`partychain.api.personal`), not here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.routing import APIRoute


class ApiRoute(APIRoute):
    """An ``APIRoute`` answering with only the fields a record has."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        kwargs["response_model_exclude_unset"] = True
        super().__init__(path, endpoint, **kwargs)
