"""A Neo4j Community server without Docker: ``tools/neo4j-server`` run as a background ``java`` process.

``tools/neo4j-server`` is a Maven module: a pom pinning one Neo4j 5.26 patch (:data:`NEO4J_VERSION`)
from Maven Central and one Java class, ``partychain.neo4j.PartychainNeo4j``.  :func:`classpath`
compiles it and resolves its classpath with Maven once (the first run downloads the jars into
``~/.m2``); later starts reuse ``target/classpath.txt`` and run plain ``java -cp``, which takes
seconds instead of Maven's startup.

A server lives in a data directory (Neo4j's home: databases, transaction logs, ``logs/``) beside
two files of its own: ``partychain-neo4j.log`` (its output) and ``partychain-neo4j.pid``
(``pid uri``), which :func:`status` and :func:`stop` read.  The password of the ``neo4j`` user is
the one the client uses, ``PARTYCHAIN_NEO4J_PASSWORD``; the server sets it at every start.

:func:`import_export` builds the database offline from a ``partychain export --format
neo4j-admin`` folder with Neo4j's own bulk importer (``neo4j-admin database import full``,
whose Java entry point ``org.neo4j.cli.AdminTool`` is on the same classpath).

>>> NEO4J_VERSION.startswith("5.26.")
True
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from partychain.errors import ConfigError, StoreError

log = logging.getLogger(__name__)

TOOL_DIR = Path(__file__).resolve().parents[2] / "tools" / "neo4j-server"
MAIN_CLASS = "partychain.neo4j.PartychainNeo4j"
ADMIN_CLASS = "org.neo4j.cli.AdminTool"  # neo4j-admin, from the same jars
PID_FILE = "partychain-neo4j.pid"
LOG_FILE = "partychain-neo4j.log"
READY = re.compile(r"partychain-neo4j: ready at (bolt://\S+)")
PASSWORD_ENV = "PARTYCHAIN_NEO4J_PASSWORD"
SCHEMA_FILE = "partychain-schema.cypher"  # run once by the server at its next start (PartychainNeo4j)


def _pom_version() -> str:
    pom = TOOL_DIR / "pom.xml"
    if not pom.exists():
        return "unknown"
    m = re.search(r"<neo4j\.version>([^<]+)</neo4j\.version>", pom.read_text(encoding="utf-8"))
    return m.group(1) if m else "unknown"


NEO4J_VERSION = _pom_version()


@dataclass(frozen=True)
class ServerInfo:
    """A running server: its process id, Bolt URI and data directory."""

    pid: int
    uri: str
    data: Path


def _require(tool: str, what: str) -> str:
    path = shutil.which(tool)
    if path is None:
        raise ConfigError(f"`{tool}` is not on the PATH: {what}")
    return path


def classpath(tool_dir: Path = TOOL_DIR) -> str:
    """The server's Java classpath: ``target/classes`` and the Neo4j jars.

    Runs Maven (``compile dependency:build-classpath``) only when ``target/classpath.txt`` is
    missing or older than the pom or the Java source.
    """
    if not (tool_dir / "pom.xml").exists():
        raise ConfigError(f"{tool_dir / 'pom.xml'} not found: `partychain neo4j` runs from a checkout of the "
                          "partychain repository (tools/neo4j-server)")
    cp_file = tool_dir / "target" / "classpath.txt"
    main = tool_dir / "target" / "classes" / Path(*MAIN_CLASS.split(".")).with_suffix(".class")
    sources = [tool_dir / "pom.xml", *tool_dir.glob("src/main/java/**/*.java")]
    newest = max(p.stat().st_mtime for p in sources)
    if not (cp_file.exists() and main.exists() and cp_file.stat().st_mtime >= newest
            and main.stat().st_mtime >= newest):
        mvn = _require("mvn", "Maven builds tools/neo4j-server (apt-get install maven)")
        log.info("building %s with Maven (the first run downloads Neo4j %s into ~/.m2)", tool_dir, NEO4J_VERSION)
        proc = subprocess.run([mvn, "-q", "-B", "compile", "dependency:build-classpath",
                               f"-Dmdep.outputFile={cp_file}"], cwd=tool_dir, capture_output=True, text=True,
                              check=False)
        if proc.returncode != 0 or not cp_file.exists():
            tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-15:])
            raise StoreError(f"building {tool_dir} with Maven failed (exit {proc.returncode}):\n{tail}")
        cp_file.touch()
    return f"{tool_dir / 'target' / 'classes'}{os.pathsep}{cp_file.read_text(encoding='utf-8').strip()}"


def java_command(main_class: str, *args: str, heap: str | None = None, tool_dir: Path = TOOL_DIR) -> list[str]:
    """``java [-Xmx] -cp CLASSPATH main_class args`` (``java`` from the PATH: Neo4j 5.26 runs on 17 or 21)."""
    java = _require("java", "Neo4j needs a Java 17 or 21 runtime (apt-get install openjdk-17-jre-headless)")
    heap_opts = [f"-Xmx{heap}"] if heap else []
    return [java, *heap_opts, "-XX:+UseG1GC", "-cp", classpath(tool_dir), main_class, *args]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie (our own exited child not reaped yet) is not alive
    with contextlib.suppress(OSError):
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    return True


def _is_ours(pid: int) -> bool:
    """Whether ``pid`` runs the server class (not a process that reused the number)."""
    try:
        return MAIN_CLASS in Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return _alive(pid)


def status(data: Path) -> ServerInfo | None:
    """The server running on ``data``, or ``None`` (a stale pid file is removed)."""
    pid_file = Path(data) / PID_FILE
    try:
        pid_text, uri = pid_file.read_text(encoding="utf-8").split()
        pid = int(pid_text)
    except (OSError, ValueError):
        return None
    if _alive(pid) and _is_ours(pid):
        return ServerInfo(pid, uri, Path(data).resolve())
    pid_file.unlink(missing_ok=True)
    return None


def _password(password: str | None) -> str:
    pw = password if password is not None else os.environ.get(PASSWORD_ENV, "")
    if len(pw) < 8:
        raise ConfigError(f"set {PASSWORD_ENV} to a password of at least 8 characters: the server sets it for the "
                          "user neo4j, and partychain connects with it")
    return pw


def start(data: Path, *, port: int = 7687, host: str = "127.0.0.1", password: str | None = None,
          heap: str = "3g", pagecache: str = "512m", tx_timeout: str = "60s", wait_s: float = 300.0,
          exit_with: int | None = None, tool_dir: Path = TOOL_DIR) -> ServerInfo:
    """Start a server on ``data`` in the background and wait until its Bolt port answers.

    ``port=0`` picks a free port; ``exit_with``: a process id whose end stops the server too.
    Raises :class:`~partychain.errors.StoreError` with the server's
    own message when it does not come up (a port in use, a bad setting), and
    :class:`~partychain.errors.ConfigError` when a server already runs on ``data``.
    """
    data = Path(data).resolve()
    running = status(data)
    if running:
        raise ConfigError(f"a Neo4j server already runs on {data} (pid {running.pid}, {running.uri}); "
                          f"`partychain neo4j stop --data {data}` stops it")
    env = {**os.environ, PASSWORD_ENV: _password(password)}
    cmd = java_command(MAIN_CLASS, "--data", str(data), "--host", host, "--port", str(port),
                       "--tx-timeout", tx_timeout, "--pagecache", pagecache,
                       *(["--exit-with", str(exit_with)] if exit_with else []), heap=heap, tool_dir=tool_dir)
    data.mkdir(parents=True, exist_ok=True)
    log_path = data / LOG_FILE
    with log_path.open("ab") as out:
        offset = out.tell()
        # its own session: a Ctrl-C in the terminal that started it does not reach the server
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, env=env,
                                start_new_session=True)
    deadline = time.monotonic() + wait_s
    while True:
        with log_path.open("rb") as f:
            f.seek(offset)
            text = f.read().decode("utf-8", errors="replace")
        m = READY.search(text)
        if m:
            info = ServerInfo(proc.pid, m.group(1), data)
            (data / PID_FILE).write_text(f"{proc.pid} {info.uri}\n", encoding="utf-8")
            return info
        code = proc.poll()
        if code is not None or time.monotonic() > deadline:
            if code is None:
                _terminate(proc.pid, 60)
                proc.wait(10)
            said = [ln.split("partychain-neo4j: ", 1)[1] for ln in text.splitlines() if "partychain-neo4j: " in ln]
            said = [s for s in said if s not in ("stopping", "stopped")]
            why = "; ".join(said) or (text.strip().splitlines() or ["no output"])[-1]
            when = f"exited with code {code}" if code is not None else f"was not ready within {wait_s:g} s"
            raise StoreError(f"the Neo4j server on {data} {when}: {why} (log: {log_path})")
        time.sleep(0.2)


def _terminate(pid: int, wait_s: float) -> bool:
    """SIGTERM, then wait up to ``wait_s`` (SIGKILL after that); whether it stopped on SIGTERM."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        with contextlib.suppress(ChildProcessError):
            if os.waitpid(pid, os.WNOHANG)[0] == pid:  # our own child: reap it
                return True
        if not _alive(pid):
            return True
        time.sleep(0.2)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    return False


@dataclass(frozen=True)
class ImportResult:
    """What ``neo4j-admin database import full`` reported for one import."""

    data: Path
    nodes: int
    relationships: int
    properties: int
    seconds: float  # the whole command, JVM start included
    peak_memory: str  # the importer's own "Peak memory usage" line, e.g. "1.004GiB"
    store_bytes: int  # the database's store files after the import (transaction logs not counted)
    output: str


IMPORTED = re.compile(r"Imported:\s+(\d+) nodes\s+(\d+) relationships\s+(\d+) properties", re.S)
PEAK = re.compile(r"Peak memory usage: (\S+)")


def _dir_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.exists() else 0


def empty_list_statements() -> list[str]:
    """The statements that give list properties the ``[]`` the importer could not write.

    A load stores an empty ledger cell of a list property as ``[]``; neo4j-admin cannot write an
    empty list (an empty cell, quoted or not, becomes no property), so after an import those
    properties are set to ``[]`` where missing, in batches of 10,000.  Labels and names come from
    the model only.

    >>> for statement in empty_list_statements():
    ...     print(statement)
    MATCH (n:PartyMember) WHERE n.roles IS NULL CALL (n) { SET n.roles = [] } IN TRANSACTIONS OF 10000 ROWS
    MATCH (n:ReportedFigure) WHERE n.qualifiers IS NULL CALL (n) { SET n.qualifiers = [] } IN TRANSACTIONS OF 10000 ROWS
    """
    from partychain.graph_model import NODES, RELS, graph_properties_of

    out = [f"MATCH (n:{label}) WHERE n.{name} IS NULL CALL (n) {{ SET n.{name} = [] }} IN TRANSACTIONS OF 10000 ROWS"
           for label, model in NODES.items() for name, spec in graph_properties_of(model).items() if spec.is_list]
    out += [f"MATCH ()-[r:{rtype}]->() WHERE r.{name} IS NULL CALL (r) {{ SET r.{name} = [] }} "
            "IN TRANSACTIONS OF 10000 ROWS"
            for rtype, rel in RELS.items() for name, spec in graph_properties_of(rel).items() if spec.is_list]
    return out


def import_export(export_dir: Path, data: Path, *, heap: str = "1g", max_off_heap: str | None = None,
                  database: str = "neo4j", tool_dir: Path = TOOL_DIR) -> ImportResult:
    """Build ``database`` on ``data`` from a ``partychain export --format neo4j-admin`` folder, offline.

    Runs Neo4j's own importer (``org.neo4j.cli.AdminTool database import full``, from the
    ``neo4j-import-tool`` jar that tools/neo4j-server's pom resolves) with the arguments of the
    export's ``import.sh`` (:func:`partychain.export.import_command`), replacing the database.  The
    server must not run on ``data``.  The importer cannot create constraints for Neo4j
    Community's record format, nor write empty lists, so the export's ``constraints.cypher`` and
    :func:`empty_list_statements` are left as ``partychain-schema.cypher`` in ``data``, which the
    server runs at its next start, before it says it is ready.  ``max_off_heap``: the importer's
    ``--max-off-heap-memory`` (its default is 90 % of the free memory).
    """
    from partychain.export import import_command

    export_dir, data = Path(export_dir).resolve(), Path(data).resolve()
    running = status(data)
    if running:
        raise ConfigError(f"a Neo4j server runs on {data} (pid {running.pid}): the import replaces its database "
                          f"offline; `partychain neo4j stop --data {data}` first")
    nodes = sorted(p.name for p in export_dir.glob("nodes_*.csv"))
    rels = sorted(p.name for p in export_dir.glob("rels_*.csv"))
    schema = export_dir / "constraints.cypher"
    if not nodes or not schema.exists():
        raise ConfigError(f"{export_dir} is not a neo4j-admin export (no nodes_*.csv or constraints.cypher): "
                          f"write one with `partychain export {export_dir} --format neo4j-admin`")
    data.mkdir(parents=True, exist_ok=True)
    args = import_command(nodes, rels, database=database)[1:]  # without the "neo4j-admin" launcher
    args += [f"--report-file={data / 'import.report'}"]
    if max_off_heap:
        args.append(f"--max-off-heap-memory={max_off_heap}")
    cmd = java_command(ADMIN_CLASS, *args, heap=heap, tool_dir=tool_dir)
    # NEO4J_HOME: the same home the server runs on (data/databases/<db>, data/transactions/<db>);
    # NEO4J_CONF: no neo4j.conf there, so the importer uses Neo4j's defaults for that home
    env = {**os.environ, "NEO4J_HOME": str(data), "NEO4J_CONF": str(data)}
    log.info("importing %s into %s (%d node files, %d relationship files)", export_dir, data, len(nodes), len(rels))
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=export_dir, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    output = proc.stdout + proc.stderr
    (data / "partychain-import.log").write_text(output, encoding="utf-8")
    m = IMPORTED.search(output)
    if proc.returncode != 0 or m is None:
        said = [ln.strip() for ln in output.splitlines() if ln.strip() and not ln.startswith(("\t", " "))][-6:]
        raise StoreError(f"the Neo4j importer failed on {export_dir} (exit {proc.returncode}); the database "
                         f"{database!r} on {data} is unusable until an import succeeds: " + " | ".join(said)
                         + f" (full output: {data / 'partychain-import.log'})")
    fixes = "".join(f"{stmt};\n" for stmt in empty_list_statements())
    (data / SCHEMA_FILE).write_text(schema.read_text(encoding="utf-8") + fixes, encoding="utf-8")
    peak = PEAK.search(output)
    return ImportResult(data=data, nodes=int(m.group(1)), relationships=int(m.group(2)),
                        properties=int(m.group(3)), seconds=seconds, peak_memory=peak.group(1) if peak else "",
                        store_bytes=_dir_bytes(data / "data" / "databases" / database), output=output)


def stop(data: Path, *, wait_s: float = 120.0) -> ServerInfo | None:
    """Stop the server running on ``data`` (SIGTERM: Neo4j checkpoints and shuts down); ``None`` if none ran."""
    info = status(data)
    if info is None:
        return None
    if not _terminate(info.pid, wait_s):
        log.warning("the Neo4j server (pid %d) did not stop within %g s and was killed", info.pid, wait_s)
    (Path(data) / PID_FILE).unlink(missing_ok=True)
    return info
