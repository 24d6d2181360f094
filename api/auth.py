"""API keys and roles: who may see what.

Keys come from ``PARTYCHAIN_API_KEYS`` (``key:role,key2:role2``) and/or the file named by
``PARTYCHAIN_API_KEYS_FILE`` (one ``key:role`` per line, ``#`` starts a comment).  A request
sends ``Authorization: Bearer KEY``; without the header it is anonymous.

* ``anonymous`` — aggregates only (health, stats, coverage, model counts, figures).
* ``researcher`` — adds records, with personal fields masked, and researcher Cypher.
* ``officer`` — sees personal fields unmasked.

A presented key is compared with *every* configured key in constant time (SHA-256 digests
through :func:`hmac.compare_digest`), and keys are never logged.  Failed authentications are
counted per client address; past the limit the client gets 429 with ``Retry-After``.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import threading
import time
from collections import OrderedDict, deque
from enum import IntEnum
from pathlib import Path

from partychain.errors import ConfigError
from partychain.settings import Settings


class Role(IntEnum):
    """Roles in increasing order of what they may see."""

    anonymous = 0
    researcher = 1
    officer = 2


def _digest(key: str) -> bytes:
    return hashlib.sha256(key.encode("utf-8")).digest()


def _parse_entry(entry: str, origin: str) -> tuple[str, Role]:
    key, sep, role = entry.rpartition(":")
    key, role = key.strip(), role.strip().lower()
    if not sep or not key:
        raise ConfigError(f"{origin}: an API key entry must look like KEY:ROLE")
    if role not in ("researcher", "officer"):
        raise ConfigError(f"{origin}: unknown role {role!r} (expected researcher or officer)")
    return key, Role[role]


class KeyRing:
    """The configured keys, held as digests; :meth:`role_of` looks a presented key up."""

    def __init__(self, entries: list[tuple[str, Role]]) -> None:
        seen: dict[bytes, Role] = {}
        for key, role in entries:
            d = _digest(key)
            if d in seen and seen[d] != role:
                raise ConfigError("an API key is configured twice with different roles")
            seen[d] = role
        self._entries = list(seen.items())

    @classmethod
    def from_settings(cls, settings: Settings) -> KeyRing:
        entries: list[tuple[str, Role]] = []
        raw = settings.api_keys.get_secret_value()
        for i, part in enumerate(raw.split(","), start=1):
            if part.strip():
                entries.append(_parse_entry(part, f"PARTYCHAIN_API_KEYS entry {i}"))
        if settings.api_keys_file is not None:
            entries.extend(_read_key_file(settings.api_keys_file))
        return cls(entries)

    def __len__(self) -> int:
        return len(self._entries)

    def role_of(self, presented: str) -> Role | None:
        """The role of ``presented``, or ``None``; takes the same time whichever key matches."""
        found = self.identify(presented)
        return found[0] if found else None

    def identify(self, presented: str) -> tuple[Role, str] | None:
        """The role of ``presented`` and a non-secret id of the key (for audit logs), or ``None``.

        >>> ring = KeyRing([("s3cret-key", Role.officer)])
        >>> role, who = ring.identify("s3cret-key")
        >>> role.name, who.startswith("key:"), "s3cret" in who
        ('officer', True, False)
        """
        d = _digest(presented)
        found: tuple[Role, str] | None = None
        for digest, role in self._entries:
            if hmac.compare_digest(digest, d) and found is None:
                found = (role, _key_id(digest))
        return found

    def role_of_id(self, key_id: str) -> Role | None:
        """The role of the configured key whose non-secret id is ``key_id`` (a dashboard session names its key
        so), or ``None`` when no configured key has it (the key was removed: the session ends).

        >>> ring = KeyRing([("s3cret-key", Role.researcher)])
        >>> ring.role_of_id(ring.identify("s3cret-key")[1]).name, ring.role_of_id("key:000000000000")
        ('researcher', None)
        """
        if not isinstance(key_id, str) or not key_id.isascii():
            return None
        return next((role for digest, role in self._entries if hmac.compare_digest(_key_id(digest), key_id)), None)


def _key_id(digest: bytes) -> str:
    return "key:" + hashlib.sha256(b"partychain-key-id:" + digest).hexdigest()[:12]


def _read_key_file(path: Path) -> list[tuple[str, Role]]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as e:
        raise ConfigError(f"cannot read PARTYCHAIN_API_KEYS_FILE {path}: {e.strerror}") from e
    out = []
    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if line:
            out.append(_parse_entry(line, f"{path} line {n}"))
    return out


class RateLimiter:
    """A token bucket per client: ``rate`` requests per second sustained, ``burst`` at once.

    >>> lim = RateLimiter(rate=1.0, burst=2)
    >>> [lim.take("a", now=0.0) for _ in range(3)]
    [None, None, 1]
    >>> lim.take("a", now=1.0) is None, lim.take("b", now=0.0) is None
    (True, True)
    """

    def __init__(self, *, rate: float, burst: int, max_clients: int = 10_000) -> None:
        self.rate = rate
        self.burst = burst
        self.max_clients = max_clients
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # client -> (tokens, at)
        self._lock = threading.Lock()

    def take(self, client: str, *, now: float | None = None) -> int | None:
        """Take one token for ``client``: ``None`` when it may go on, else seconds until it may try again."""
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, at = self._buckets.pop(client, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - at) * self.rate)
            if tokens >= 1.0:
                self._buckets[client] = (tokens - 1.0, now)
                while len(self._buckets) > self.max_clients:
                    self._buckets.popitem(last=False)
                return None
            self._buckets[client] = (tokens, now)
            return max(1, math.ceil((1.0 - tokens) / self.rate))


class FailureLimiter:
    """Counts failed authentications per client in a sliding window.

    >>> lim = FailureLimiter(max_failures=2, window_s=60)
    >>> lim.record("1.2.3.4", now=0.0); lim.retry_after("1.2.3.4", now=1.0) is None
    True
    >>> lim.record("1.2.3.4", now=2.0); lim.retry_after("1.2.3.4", now=3.0)
    57
    >>> lim.retry_after("1.2.3.4", now=61.0) is None
    True
    """

    def __init__(self, *, max_failures: int = 10, window_s: float = 60.0, max_clients: int = 10_000) -> None:
        self.max_failures = max_failures
        self.window_s = window_s
        self.max_clients = max_clients
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def _prune(self, client: str, now: float) -> deque[float] | None:
        q = self._failures.get(client)
        if q is None:
            return None
        while q and q[0] <= now - self.window_s:
            q.popleft()
        if not q:
            del self._failures[client]
            return None
        return q

    def retry_after(self, client: str, *, now: float | None = None) -> int | None:
        """Seconds until ``client`` may try again, or ``None`` when it is not limited."""
        now = time.monotonic() if now is None else now
        with self._lock:
            q = self._prune(client, now)
            if q is None or len(q) < self.max_failures:
                return None
            return max(1, math.ceil(q[-self.max_failures] + self.window_s - now))

    def record(self, client: str, *, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self._lock:
            q = self._prune(client, now)
            if q is None:
                q = self._failures[client] = deque(maxlen=self.max_failures)
                while len(self._failures) > self.max_clients:
                    self._failures.popitem(last=False)
            q.append(now)
            self._failures.move_to_end(client)
