"""The audit log of officers' reads of personal data: who read which records, when — never the values.

One JSON line per read, appended to ``PARTYCHAIN_AUDIT_LOG`` (default ``<db>/audit.jsonl``, created
``0600``) and logged on ``partychain.audit``::

    {"at": "2026-12-02T10:00:00Z", "who": "key:3f9c1e7a52d8", "role": "officer", "request_id": "…",
     "method": "GET", "path": "/api/v1/households/HH-520628-000001", "label": "Household",
     "ids": ["HH-520628-000001"]}

``who`` is a digest of the API key (the key itself is never written).  The log is what the
register's keeper needs to show who processed whose personal information and when (access
permissions and their review: PIPL art. 51(4) and the compliance audits of art. 54; GB/T
35273-2020 §7.1, access control); see ``docs/security.md``.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

log = logging.getLogger("partychain.audit")


class AuditLog:
    """Appends one JSON line per personal-data read to a file (thread-safe)."""

    def __init__(self, path: Path | None) -> None:
        self.path = Path(path) if path is not None else None
        self._lock = threading.Lock()

    def record(self, *, who: str | None, role: str | None, request_id: str | None, method: str | None,
               path: str | None, label: str, ids: Sequence[str]) -> None:
        entry: dict[str, Any] = {
            "at": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "who": who, "role": role, "request_id": request_id, "method": method, "path": path,
            "label": label, "ids": list(ids),
        }
        line = json.dumps(entry, ensure_ascii=False)
        log.info(line, extra={"audit": entry})
        if self.path is None:
            return
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, (line + "\n").encode("utf-8"))
            finally:
                os.close(fd)
