"""Bad Neo4j servers, as a user meets them through the CLI: one clear line naming the URI and what to do, exit 2,
nothing written.

* a server that is down (a closed loopback port);
* a server too old: Neo4j 4.x cannot be run here, so :class:`FakeBolt` stands in for one. It is a
  socket server that completes the Bolt handshake the way a Neo4j 4.4 server does (it picks Bolt
  4.4 from the driver's proposals), or the way a server older than 4.2 does (no common version:
  it answers ``00 00 00 00``), and records every message it receives. It does not run Cypher:
  what is tested is the driver's and partychain's side of the handshake, which is where a real
  4.x server is refused too (the driver asks for notification filtering, which needs Bolt 5.2);
* with the session's real server (``neo4j``): a wrong password, an unknown database;
* ``partychain neo4j start`` on a port already in use; ``partychain neo4j import`` of a folder that is
  not an export, or onto a data directory a server runs on.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from partychain.testing import mini_ledger_path

MAGIC = bytes.fromhex("6060b017")


class FakeBolt:
    """A loopback socket server that answers the Bolt handshake with one fixed version (see the module doc)."""

    def __init__(self, version: bytes) -> None:
        self.version = version
        self.handshakes: list[bytes] = []
        self.messages: list[bytes] = []
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.uri = f"bolt://127.0.0.1:{self.port}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            hello = b""
            while len(hello) < 20:
                part = conn.recv(20 - len(hello))
                if not part:
                    return
                hello += part
            self.handshakes.append(hello)
            conn.sendall(self.version)
            while data := conn.recv(65536):  # anything after the handshake would be a message: keep it
                self.messages.append(data)

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def bolt_44() -> Iterator[FakeBolt]:
    server = FakeBolt(bytes([0, 0, 4, 4]))  # minor 4, major 4
    yield server
    server.close()


@pytest.fixture
def bolt_none() -> Iterator[FakeBolt]:
    server = FakeBolt(bytes(4))
    yield server
    server.close()


def cli(*args: str, tmp: Path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("PARTYCHAIN_")}
    base.update(PARTYCHAIN_DB=str(tmp / "db"), **env)
    return subprocess.run([sys.executable, "-m", "partychain.cli", *args], env=base, capture_output=True, text=True,
                          timeout=120, check=False)


def one_line(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    assert "Traceback" not in proc.stderr
    return lines[0]


def test_a_4_4_server_is_refused_in_one_line(bolt_44: FakeBolt, tmp_path: Path) -> None:
    line = one_line(cli("stats", tmp=tmp_path, PARTYCHAIN_NEO4J_URI=bolt_44.uri))
    assert bolt_44.uri in line and "Bolt 4.4" in line and "Neo4j 4.4" in line and "needs Neo4j 5.7" in line
    (handshake,) = bolt_44.handshakes
    assert handshake.startswith(MAGIC)
    proposals = [handshake[i:i + 4] for i in range(4, 20, 4)]
    # the driver offered 4.4 (major 4, minor 4, possibly as the top of a range): a real 4.4 server would pick it
    assert any(p[3] == 4 and p[2] >= 4 >= p[2] - p[1] for p in proposals), handshake.hex()


def test_a_load_into_a_4_x_server_writes_nothing(bolt_44: FakeBolt, tmp_path: Path) -> None:
    line = one_line(cli("load", str(mini_ledger_path()), tmp=tmp_path, PARTYCHAIN_NEO4J_URI=bolt_44.uri))
    assert "needs Neo4j 5.7" in line
    assert bolt_44.handshakes and bolt_44.messages == []  # refused before a single message was sent


def test_a_server_older_than_4_2_is_refused_in_one_line(bolt_none: FakeBolt, tmp_path: Path) -> None:
    line = one_line(cli("stats", tmp=tmp_path, PARTYCHAIN_NEO4J_URI=bolt_none.uri))
    assert bolt_none.uri in line and "speaks none of the driver's Bolt versions" in line and "Neo4j 5.7" in line


def test_a_server_that_is_down_is_named_in_one_line(tmp_path: Path) -> None:
    with socket.socket() as s:  # a port nothing listens on: bound, never listening
        s.bind(("127.0.0.1", 0))
        uri = f"bolt://127.0.0.1:{s.getsockname()[1]}"
        line = one_line(cli("stats", tmp=tmp_path, PARTYCHAIN_NEO4J_URI=uri))
    assert uri in line and "is the server running" in line


@pytest.mark.neo4j
def test_a_wrong_password_is_named_and_a_load_writes_nothing(neo4j_server: Any, neo4j_mini: Any,
                                                             tmp_path: Path) -> None:
    before = neo4j_mini.checksum()
    env = {"PARTYCHAIN_NEO4J_URI": neo4j_server.uri, "PARTYCHAIN_NEO4J_PASSWORD": "not-the-password"}
    line = one_line(cli("stats", tmp=tmp_path, **env))
    assert neo4j_server.uri in line and "refused the credentials" in line and "PARTYCHAIN_NEO4J_PASSWORD" in line
    line = one_line(cli("load", str(mini_ledger_path()), tmp=tmp_path, **env))
    assert "refused the credentials" in line
    assert neo4j_mini.checksum() == before


@pytest.mark.neo4j
def test_an_unknown_database_is_named(neo4j_server: Any, tmp_path: Path) -> None:
    line = one_line(cli("stats", tmp=tmp_path, PARTYCHAIN_NEO4J_URI=neo4j_server.uri,
                        PARTYCHAIN_NEO4J_PASSWORD=neo4j_server.password, PARTYCHAIN_NEO4J_DATABASE="nosuchdb"))
    assert neo4j_server.uri in line and "nosuchdb" in line and "PARTYCHAIN_NEO4J_DATABASE" in line


def test_a_port_in_use_is_said_with_the_port(tmp_path: Path) -> None:
    missing = [tool for tool in ("java", "mvn") if shutil.which(tool) is None]
    if missing:
        if os.environ.get("PARTYCHAIN_REQUIRE_NEO4J", "") not in ("", "0"):
            pytest.fail(f"{' and '.join(missing)} not on the PATH, and PARTYCHAIN_REQUIRE_NEO4J is set")
        pytest.skip(f"{' and '.join(missing)} not on the PATH")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        port = s.getsockname()[1]
        line = one_line(cli("neo4j", "start", "--data", str(tmp_path / "neo4j"), "--port", str(port), tmp=tmp_path,
                            PARTYCHAIN_NEO4J_PASSWORD="a-long-password"))
    assert f"port {port} on 127.0.0.1 is already in use" in line
    assert not (tmp_path / "neo4j" / "partychain-neo4j.pid").exists()


def test_import_refuses_a_folder_that_is_not_an_export(tmp_path: Path) -> None:
    (tmp_path / "not-an-export").mkdir()
    line = one_line(cli("neo4j", "import", str(tmp_path / "not-an-export"), "--data", str(tmp_path / "neo4j"),
                        tmp=tmp_path))
    assert "is not a neo4j-admin export" in line and "partychain export" in line


@pytest.mark.neo4j
def test_import_refuses_a_data_directory_a_server_runs_on(neo4j_server: Any, tmp_path: Path) -> None:
    if neo4j_server.data is None:
        pytest.skip("the server's data directory is unknown (PARTYCHAIN_NEO4J_URI points at an outside server)")
    (tmp_path / "empty").mkdir()  # not an export either: refused twice over, never imported
    line = one_line(cli("neo4j", "import", str(tmp_path / "empty"), "--data", str(neo4j_server.data), tmp=tmp_path))
    assert "a Neo4j server runs on" in line and "partychain neo4j stop" in line
