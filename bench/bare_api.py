"""The baseline of the API benchmark: a trivial FastAPI app, served the way ``partychain serve`` is.

One sync endpoint (run in FastAPI's thread pool, like the API's) returning a small JSON
object, so that the HTTP stack's own cost per request shows beside the real API's.
"""

from __future__ import annotations

from fastapi import FastAPI

app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)


@app.get("/ping")
def ping() -> dict[str, object]:
    return {"ok": True, "chains": [{"member_id": "PM-1", "base_id": None}]}
