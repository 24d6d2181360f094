"""Signed paging cursors: a page offset that only this server can have handed out, for one list of one graph.

A list (a gap list of one scope, a model's instances, what is downstream of an organization ...)
is paged with ``limit`` and an opaque ``cursor``.  A cursor is the offset of the next page and a
MAC over (the list's identity, the graph version, the offset) under a server key, so

* a forged or altered cursor is refused before any query runs (:class:`InvalidArgument`, an HTTP
  400): no client can make the engine skip to an offset it cannot survive (LadybugDB 0.22 crashes
  on a ``SKIP`` past the end of a result of about 100,000 rows);
* a cursor is only ever handed out for an offset below the list's total, and is valid only for
  the list and graph version it was made for: a cursor of another scope, or from before a new load,
  is refused ("start again from the first page") instead of paging a different list.

The key is ``PARTYCHAIN_SECRET_KEY`` when set; otherwise one random key per process, which
``partychain serve`` shares with its worker processes (so a restart invalidates open cursors).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import cache

from partychain.errors import InvalidArgument
from partychain.settings import get_settings

MAX_OFFSET_DIGITS = 10
INVALID = ("invalid cursor: pass the next_cursor of the previous page of this list (cursors end when a new "
           "graph is loaded or the server restarts: start again from the first page)")
_SEP = "."


@cache
def _process_key() -> bytes:
    return os.urandom(32)


def cursor_key() -> bytes:
    """The key cursors are signed with (``PARTYCHAIN_SECRET_KEY``, else a random key of this process)."""
    secret = get_settings().secret_key.get_secret_value()
    return hashlib.sha256(secret.encode()).digest() if secret else _process_key()


def _mac(list_id: str, version: str, offset: int) -> str:
    msg = f"{list_id}\x1f{version}\x1f{offset}".encode()
    digest = hmac.new(cursor_key(), msg, hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def encode_cursor(offset: int, *, list_id: str, version: str) -> str:
    """The cursor of the page starting at ``offset`` of the list ``list_id`` in graph ``version``.

    >>> c = encode_cursor(150, list_id="gaps:520628", version="v1")
    >>> decode_cursor(c, list_id="gaps:520628", version="v1")
    150
    """
    return f"{offset}{_SEP}{_mac(list_id, version, offset)}"


def decode_cursor(cursor: str | None, *, list_id: str, version: str) -> int:
    """The offset a cursor stands for (0 for ``None`` or ``""``); :class:`InvalidArgument` for any other cursor.

    >>> decode_cursor(None, list_id="x", version="v1")
    0
    >>> decode_cursor("9223372036854775807.AAAA", list_id="x", version="v1")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    partychain.errors.InvalidArgument: invalid cursor: pass the next_cursor of the previous page of this list ...
    >>> decode_cursor(encode_cursor(50, list_id="x", version="v1"), list_id="x", version="v2")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    partychain.errors.InvalidArgument: invalid cursor: pass the next_cursor of the previous page of this list ...
    """
    if cursor is None or cursor == "":
        return 0
    if not isinstance(cursor, str) or len(cursor) > 64:
        raise _invalid()
    num, sep, mac = cursor.partition(_SEP)
    if not sep or not num.isascii() or not num.isdigit() or len(num) > MAX_OFFSET_DIGITS:
        raise _invalid()
    offset = int(num)
    if not hmac.compare_digest(mac, _mac(list_id, version, offset)):
        raise _invalid()
    return offset


def _invalid() -> InvalidArgument:
    return InvalidArgument(INVALID)


def list_identity(name: str, **params: object) -> str:
    """A stable identity of a list: its name and parameters.

    >>> list_identity("gaps", scope="520628", kind="bases_without_member")
    'gaps?kind=bases_without_member&scope=520628'
    """
    return name + "?" + "&".join(f"{k}={params[k]}" for k in sorted(params))
