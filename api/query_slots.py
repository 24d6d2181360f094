"""A bounded number of researcher queries at a time, each answered by a deadline.

The engine's own time limit cuts most runaway queries, but not all of them: LadybugDB
builds ``range(1, 1000000000)`` in one uninterruptible step (two minutes and gigabytes
before its timeout is even checked).  So the API waits for a query at most until its
deadline and then answers 504 whatever the engine is doing.  A query that overruns keeps
its slot until the engine lets go of it, so runaway queries cannot pile up: when every
slot is taken, new queries get 503 with ``Retry-After``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

from partychain.errors import QueryTimeout, SlotsBusy

T = TypeVar("T")


class QuerySlots:
    """Run callables on daemon threads, at most ``slots`` at once, waiting for each until a deadline."""

    def __init__(self, slots: int = 4, *, wait_for_slot_s: float = 1.0) -> None:
        self.slots = slots
        self.wait_for_slot_s = wait_for_slot_s
        self._free = threading.BoundedSemaphore(slots)

    def wait_idle(self, timeout_s: float) -> bool:
        """Wait until no query runs (``False`` if one still does after ``timeout_s``)."""
        taken = 0
        deadline = time.monotonic() + timeout_s
        try:
            while taken < self.slots:
                if not self._free.acquire(timeout=max(0.0, deadline - time.monotonic())):
                    return False
                taken += 1
            return True
        finally:
            for _ in range(taken):
                self._free.release()

    def run(self, fn: Callable[[], T], *, timeout_s: float, grace_s: float = 1.0) -> T:
        """``fn()``'s result; :class:`QueryTimeout` past ``timeout_s + grace_s``; :class:`SlotsBusy` without a slot.

        The grace lets the engine's own timeout (``timeout_s``) answer first when it can.
        """
        if not self._free.acquire(timeout=self.wait_for_slot_s):
            raise SlotsBusy(f"all {self.slots} query slots are busy")
        done = threading.Event()
        box: dict[str, object] = {}

        def work() -> None:
            try:
                box["value"] = fn()
            except BaseException as e:  # handed to the waiting request
                box["error"] = e
            finally:
                self._free.release()
                done.set()

        threading.Thread(target=work, name="partychain-query", daemon=True).start()
        if not done.wait(timeout_s + grace_s):
            raise QueryTimeout(f"query cut off at the time limit of {timeout_s:g} s")
        if "error" in box:
            raise box["error"]  # type: ignore[misc]
        return box["value"]  # type: ignore[return-value]
