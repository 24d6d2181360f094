"""A first run that just works: with no keys configured, on a loopback address, ``partychain serve``
makes a local officer key for this run and prints a sign-in link carrying a one-time token.

Like Jupyter's token link, but the token is not the credential: it is exchanged once, by the
dashboard, for a session cookie (:mod:`partychain.api.session`), and is useless afterwards.

* **Only on loopback.** The key and the link exist only when the server binds a loopback address
  (``127.0.0.0/8``, ``::1``, ``localhost``) and no key is configured (``PARTYCHAIN_API_KEYS``,
  ``PARTYCHAIN_API_KEYS_FILE``); on any other address the server starts with anonymous access only
  and says so.
* **The link.** ``http://HOST:PORT/#token=TOKEN``: the token travels in the URL's fragment, which
  browsers never send to a server (so it reaches no access log and no ``Referer``); the dashboard
  posts it to ``/api/v1/session`` and removes it from the address bar.
* **Once.** The token's SHA-256 digest is written to a file in a private temporary folder
  (``0700``/``0600``, named by ``PARTYCHAIN_SIGNIN_TOKEN_FILE`` for the workers); the exchange
  removes the file with one ``unlink``, which exactly one caller can win, whichever worker it
  reaches.  A used, wrong or foreign token is refused (and counted as a failed sign-in).
* **The key.** ``PARTYCHAIN_API_KEYS=KEY:officer`` for this run's processes only, and a copy in
  ``local-officer.key`` (``0600``) beside the embedded graph (``PARTYCHAIN_DB``), else in the
  per-user runtime folder, for ``curl -H "Authorization: Bearer $(cat …)"``.  Both files are
  removed when the server stops; the next run makes a new key.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import ipaddress
import json
import logging
import os
import secrets
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_runtime_path

from partychain.settings import Settings, get_settings

from .auth import KeyRing, Role

log = logging.getLogger(__name__)

KEY_FILE_NAME = "local-officer.key"


def is_loopback(host: str) -> bool:
    """Whether ``host`` names only this machine.

    >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("::1"), is_loopback("0.0.0.0")
    (True, True, True, False)
    """
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class FirstRun:
    """What a first run made: the sign-in link, the key file, the private folder of the token."""

    url: str
    key_file: Path
    folder: Path

    def cleanup(self) -> None:
        """Remove the key file and the token's folder (the key dies with the run's environment)."""
        with contextlib.suppress(OSError):
            self.key_file.unlink()
        shutil.rmtree(self.folder, ignore_errors=True)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _key_file_dir(settings: Settings) -> Path:
    if settings.engine_name == "embedded":
        return Path(settings.db)
    return user_runtime_path("partychain", ensure_exists=True)


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)


def prepare(settings: Settings, *, host: str, port: int) -> FirstRun | None:
    """Make this run's officer key and one-time token when no key is configured and ``host`` is loopback.

    Sets ``PARTYCHAIN_API_KEYS`` and ``PARTYCHAIN_SIGNIN_TOKEN_FILE`` in this process's environment (the
    server's workers inherit it) and clears the cached settings.  ``None`` when keys are configured or
    the address is not loopback.
    """
    if len(KeyRing.from_settings(settings)) or not is_loopback(host):
        return None
    key = "local-" + secrets.token_urlsafe(32)
    token = secrets.token_urlsafe(24)
    key_id = KeyRing([(key, Role.officer)]).identify(key)
    assert key_id is not None
    folder = Path(tempfile.mkdtemp(prefix="partychain-signin-"))  # 0700
    token_file = folder / "token.json"
    _write_private(token_file, json.dumps({"sha256": _digest(token), "key_id": key_id[1]}))
    key_dir = _key_file_dir(settings)
    key_dir.mkdir(parents=True, exist_ok=True)
    key_file = key_dir / KEY_FILE_NAME
    _write_private(key_file, key + "\n")
    os.environ["PARTYCHAIN_API_KEYS"] = f"{key}:officer"
    os.environ["PARTYCHAIN_SIGNIN_TOKEN_FILE"] = str(token_file)
    get_settings.cache_clear()
    shown = f"[{host.strip('[]')}]" if ":" in host else host
    return FirstRun(url=f"http://{shown}:{port}/#token={token}", key_file=key_file, folder=folder)


def exchange(settings: Settings, token: str) -> str | None:
    """The key id a one-time token signs in as, consuming it; ``None`` for a wrong or already used token."""
    path = settings.signin_token_file
    if path is None or not token:
        return None
    try:
        record = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not hmac.compare_digest(record.get("sha256", ""), _digest(token)):
        return None
    try:
        Path(path).unlink()  # exactly one caller wins this, in whichever worker
    except FileNotFoundError:
        return None
    log.info("the one-time sign-in token was used")
    return str(record["key_id"])
