"""Untrusted queries on the embedded engine run in worker processes, so the engine's failures stay there.

LadybugDB runs inside the process that calls it, and some queries break that process, not just
themselves: thousands of nested brackets crash its parser (SIGSEGV), ``read_csv_serial`` crashes
it, nested ``CASE`` expressions keep the parser busy for minutes where the time limit does not
reach, and ``range(1, 1000000000)`` allocates gigabytes in one uninterruptible step.  The guard
(:mod:`partychain.storage.guard`) refuses the ones we know of; this module contains the ones we
do not.

:class:`WorkerPool` keeps a few worker processes (``python -m partychain.storage.sandbox``), each
talking to the server over its own socket.  A worker opens the graph version it is asked for
read-only (and keeps it open until another version is asked for) and runs one query at a time
under limits it sets on itself:

* ``RLIMIT_AS``: the address space it had after opening the graph plus ``memory_mb`` — an
  allocation past it fails (``std::bad_alloc``) and the query with it;
* ``RLIMIT_CPU``: the CPU seconds used so far plus the time limit × engine threads + a margin,
  per query — a worker the engine cannot stop is killed by the kernel (SIGXCPU);
* ``RLIMIT_FSIZE`` 0: it cannot write to any file, whatever a query manages to ask of the engine;
* ``RLIMIT_CORE`` 0: a crash leaves no core file;
* the engine's own query timeout, a small buffer pool, a few engine threads.

The parent enforces what a worker cannot be trusted to: it waits for an answer until the time
limit plus a grace (:attr:`Limits.grace_s`) and then kills the worker (SIGKILL) and answers
:class:`~partychain.errors.QueryTimeout`; it caps rows again; and when a worker dies (a crash,
the kernel's SIGXCPU) it answers :class:`QueryCrashed` (or ``QueryTimeout``).  A dead or killed
worker is replaced at once; the server process never runs the query text itself.  A worker exits
when its socket closes or its parent goes away.

The price is a socket round trip and pickling per query; ``docs/reliability.md`` has the
measured overhead.  Trusted reads (the catalog's named queries) stay in the server process.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import pickle
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, deque
from dataclasses import asdict, dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from partychain.errors import QueryCrashed, QueryResourceExceeded, QueryTimeout, StoreError

from .ladybug_adapter import engine_error, read_result
from .result import QueryResult, RowBudget

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limits:
    """What one worker may use."""

    memory_mb: int = 1024  # heap beyond the opened graph (RLIMIT_AS = address space after opening + this)
    buffer_pool_mb: int = 256  # LadybugDB's page cache
    threads: int = 2  # engine threads per query
    max_result_bytes: int = 64 << 20  # rows past this size are cut like rows past the row cap
    grace_s: float = 0.5  # after the time limit, before the worker is killed
    startup_s: float = 60.0  # for a worker to start and say it is ready
    cpu_margin_s: int = 5


_SIGNALS = {int(s): s.name for s in signal.Signals}
_STARTED = pickle.dumps(("started",))


def _db_size_for(file: Path) -> int:
    """``max_db_size`` for a read-only open: the address space LadybugDB reserves (a power of two)."""
    size = max(file.stat().st_size * 2, 1 << 30)
    return 1 << math.ceil(math.log2(size))


# --- the worker ---------------------------------------------------------------------------------


def _vm_size() -> int:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _set_soft(which: int, soft: int) -> None:
    _, hard = resource.getrlimit(which)
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(which, (soft, hard))


class _Worker:
    """The worker side: one open graph version, one query at a time."""

    def __init__(self, conn: Connection, limits: Limits, scratch: Path) -> None:
        import ladybug  # imported, like this module's own imports, before the address-space limit applies

        self.ladybug = ladybug
        self.conn = conn
        self.limits = limits
        self.scratch = scratch
        self.path: str | None = None
        self.link: Path | None = None
        self.db: Any = None
        self.base_vm = 0
        self.opened = 0

    def open(self, path: str) -> Any:
        if path == self.path:
            return self.db
        if self.db is not None:
            with contextlib.suppress(Exception):
                self.db.close()
            self.db = self.path = None
        if self.link is not None:
            self.link.unlink(missing_ok=True)
        _set_soft(resource.RLIMIT_AS, resource.RLIM_INFINITY)
        file = Path(path)
        # The engine puts its side files (.wal, .shadow) beside the path it opens: through a link in
        # the worker's own directory, whatever a query makes it write stays out of the graph's folder.
        self.opened += 1
        self.link = self.scratch / f"{self.opened}-{file.name}"
        self.link.symlink_to(file)
        try:
            self.db = self.ladybug.Database(str(self.link), read_only=True, max_num_threads=self.limits.threads,
                                            buffer_pool_size=self.limits.buffer_pool_mb << 20,
                                            max_db_size=_db_size_for(file))
        except RuntimeError as e:
            raise StoreError(f"cannot open graph {file.parent.name}: {e}") from e
        self.path = path
        self.base_vm = _vm_size()
        return self.db

    def tainted(self) -> bool:
        """Whether the engine made files (a checkpoint, a WAL): then this worker's state is suspect."""
        return any(self.link is None or f != self.link.name for f in os.listdir(self.scratch))

    def run(self, path: str, query: str, parameters: dict[str, Any], timeout_s: float,
            max_rows: int) -> tuple[list[str], list[list[Any]], bool]:
        db = self.open(path)
        _set_soft(resource.RLIMIT_AS, self.base_vm + (self.limits.memory_mb << 20))
        used = resource.getrusage(resource.RUSAGE_SELF)
        cpu = used.ru_utime + used.ru_stime
        _set_soft(resource.RLIMIT_CPU,
                  int(cpu) + math.ceil(timeout_s * self.limits.threads) + self.limits.cpu_margin_s)
        conn = self.ladybug.Connection(db)
        try:
            conn.set_query_timeout(max(1, int(timeout_s * 1000)))
            return read_result(conn.execute(query, parameters), max_rows)  # the in-process path's shape
        finally:
            with contextlib.suppress(Exception):
                conn.close()

    def serve(self) -> None:
        self.conn.send_bytes(pickle.dumps(("ready", os.getpid())))
        while True:
            try:
                msg = self.conn.recv()
            except (EOFError, OSError):
                return
            if msg[0] != "run":
                return
            _, path, query, parameters, timeout_s, max_rows = msg
            try:
                self.open(path)  # opening a new graph version is not the query's time
                self.conn.send_bytes(_STARTED)
                reply: tuple[Any, ...] = ("ok", *self.run(path, query, parameters, timeout_s, max_rows))
            except StoreError as e:
                reply = ("error", "store", str(e))
            except RuntimeError as e:
                reply = ("error", "engine", str(e))
            except MemoryError:
                reply = ("error", "memory", "MemoryError")
            except (TypeError, ValueError, OverflowError) as e:
                reply = ("error", type(e).__name__, str(e))
            except Exception as e:
                reply = ("error", "engine", f"{type(e).__name__}: {e}")
            if reply[0] == "error":  # no server paths in what a client may be shown
                reply = (*reply[:2], self._scrub(reply[2]))
            retire = self.tainted()
            self.conn.send_bytes(self._fit(reply, retire))
            if retire:
                return

    def _scrub(self, msg: str) -> str:
        msg = msg.replace(str(self.scratch), "<worker>")
        return msg.replace(str(Path(self.path).parent), "<graph>") if self.path else msg

    def _fit(self, reply: tuple[Any, ...], retire: bool) -> bytes:
        """``(retire, reply)`` pickled, the rows cut (``cut`` set) until it fits ``max_result_bytes``."""
        def dump(r: tuple[Any, ...]) -> bytes:
            return pickle.dumps((retire, r), protocol=pickle.HIGHEST_PROTOCOL)

        blob = dump(reply)
        limit = self.limits.max_result_bytes
        if reply[0] != "ok" or len(blob) <= limit:
            return blob
        _, columns, rows, _cut = reply
        lo, hi = 0, len(rows)  # the longest prefix that fits: lo fits, hi does not
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if len(dump(("ok", columns, rows[:mid], True))) <= limit:
                lo = mid
            else:
                hi = mid
        return dump(("ok", columns, rows[:lo], True))


def _watch_parent(parent: int) -> None:
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            os._exit(0)


def worker_main(fd: int, parent: int, limits: Limits, scratch: Path) -> None:
    """Run a worker on the inherited socket ``fd`` (the ``python -m`` entry point calls this)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C on the server's terminal: the server decides
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past RLIMIT_FSIZE fails instead of killing
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    conn = Connection(fd)
    try:
        with contextlib.suppress(EOFError, OSError):  # the server went away: nothing left to do
            _Worker(conn, limits, scratch).serve()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


# --- the parent ---------------------------------------------------------------------------------


class _Process:
    """The parent's handle on one worker."""

    def __init__(self, limits: Limits) -> None:
        ours, theirs = socket.socketpair()
        self.scratch = Path(tempfile.mkdtemp(prefix="partychain-query-worker-"))
        args = [sys.executable, "-m", "partychain.storage.sandbox", str(theirs.fileno()), str(os.getpid()),
                repr(asdict(limits)), str(self.scratch)]
        try:
            self.proc = subprocess.Popen(args, pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL,
                                         close_fds=True)
        finally:
            theirs.close()
        self.conn = Connection(ours.detach())
        self.ready = False
        self._ready_lock = threading.Lock()
        self.retire = False  # the worker said its state is suspect: replace it after this answer
        self.queries = 0

    @property
    def pid(self) -> int:
        return self.proc.pid

    def wait_ready(self, timeout_s: float) -> None:
        with self._ready_lock:
            self._wait_ready(timeout_s)

    def _wait_ready(self, timeout_s: float) -> None:
        if self.ready:
            return
        if not self.conn.poll(timeout_s):
            raise StoreError(f"a query worker did not start within {timeout_s:g} s")
        try:
            msg = pickle.loads(self.conn.recv_bytes())
        except (EOFError, OSError) as e:
            raise StoreError(f"a query worker died while starting ({self.describe_exit()})") from e
        if msg[0] != "ready":
            raise StoreError(f"a query worker said {msg!r} instead of ready")
        self.ready = True

    def describe_exit(self) -> str:
        code = self.proc.poll()
        if code is None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                code = self.proc.wait(2)
        if code is None:
            return "still running"
        return f"signal {_SIGNALS.get(-code, -code)}" if code < 0 else f"exit status {code}"

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            self.proc.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(5)
        with contextlib.suppress(OSError):
            self.conn.close()
        shutil.rmtree(self.scratch, ignore_errors=True)

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.conn.close()  # the worker reads EOF and exits
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(2)
        self.kill()


class _Idle:
    """Idle workers: the warmest (last used) first, new ones (still starting) last."""

    def __init__(self) -> None:
        self._items: deque[_Process] = deque()
        self._cond = threading.Condition()

    def put(self, p: _Process, *, warm: bool) -> None:
        with self._cond:
            if warm:
                self._items.append(p)
            else:
                self._items.appendleft(p)
            self._cond.notify()

    def get(self, timeout_s: float) -> _Process | None:
        with self._cond:
            if not self._cond.wait_for(lambda: bool(self._items), timeout=timeout_s):
                return None
            return self._items.pop()


class WorkerPool:
    """``size`` worker processes answering :meth:`run`; started on first use (or :meth:`start`)."""

    def __init__(self, size: int = 4, limits: Limits | None = None) -> None:
        if size < 1:
            raise ValueError("a worker pool needs at least one worker")
        self.size = size
        self.limits = limits or Limits()
        self._idle = _Idle()
        self._all: set[_Process] = set()
        self._lock = threading.Lock()
        self._started = False
        self.counts: Counter[str] = Counter()

    # -- lifecycle

    def start(self, *, wait: bool = False) -> None:
        """Start the workers; they get ready in the background, or before this returns with ``wait``."""
        with self._lock:
            if not self._started:
                self._started = True
                for _ in range(self.size):
                    self._spawn_locked()
            procs = list(self._all)
        if wait:
            deadline = time.monotonic() + self.limits.startup_s
            for p in procs:
                with contextlib.suppress(StoreError):  # a worker that does not start is replaced on use
                    p.wait_ready(max(0.0, deadline - time.monotonic()))

    def _spawn_locked(self) -> None:
        p = _Process(self.limits)
        self._all.add(p)
        self._idle.put(p, warm=False)
        self.counts["spawned"] += 1

    def _retire(self, p: _Process) -> None:
        p.kill()
        with self._lock:
            self._all.discard(p)
            if self._started and len(self._all) < self.size:
                self._spawn_locked()

    def close(self) -> None:
        """Stop every worker (a query running in one is cut off); the pool starts again on next use."""
        with self._lock:
            procs, self._all = list(self._all), set()
            self._started = False
            self._idle = _Idle()
        for p in procs:
            p.stop()

    def _count(self, what: str) -> None:
        with self._lock:
            self.counts[what] += 1

    def pids(self) -> list[int]:
        with self._lock:
            return sorted(p.pid for p in self._all)

    # -- queries

    def _take(self, wait_s: float) -> _Process:
        self.start()
        deadline = time.monotonic() + wait_s
        while True:
            p = self._idle.get(max(0.0, deadline - time.monotonic()))
            if p is None:
                raise QueryTimeout(f"no query worker became free within {wait_s:g} s")
            if p.proc.poll() is not None:  # died while idle (killed from outside)
                self._retire(p)
                continue
            try:
                p.wait_ready(max(self.limits.startup_s, deadline - time.monotonic()))
            except StoreError:
                self._retire(p)
                raise
            return p

    def run(self, db_file: Path, query: str, parameters: dict[str, Any] | None, *, timeout_s: float,
            max_rows: int) -> tuple[QueryResult, bool]:
        """Run ``query`` on the graph file ``db_file`` in a worker: the result and whether rows were cut."""
        p = self._take(wait_s=max(timeout_s, 1.0))
        healthy = False
        try:
            self._count("queries")
            p.queries += 1
            try:
                # absolute: the worker opens the file through a link in its own folder, where a relative path
                # (`partychain serve --db var/graph`) would name nothing
                p.conn.send(("run", os.path.abspath(db_file), query, dict(parameters or {}), float(timeout_s),
                             int(max_rows)))
            except (OSError, ValueError) as e:
                raise QueryCrashed(f"the query worker was gone ({p.describe_exit()})") from e
            try:
                reply = self._receive(p, self.limits.startup_s)
                if reply is None:
                    log.warning("query worker %d could not open %s in %g s: killed", p.pid, db_file,
                                self.limits.startup_s)
                    raise StoreError(f"a query worker could not open the graph in {self.limits.startup_s:g} s")
                if reply == ("started",):  # the graph is open: the time limit runs from here
                    reply = self._receive(p, timeout_s + self.limits.grace_s)
                if reply is None:
                    self._count("killed_at_deadline")
                    log.warning("query worker %d overran the time limit of %g s: killed", p.pid, timeout_s)
                    raise QueryTimeout(f"query cut off at the time limit of {timeout_s:g} s")
            except (EOFError, OSError) as e:
                how = p.describe_exit()
                if "SIGXCPU" in how:
                    self._count("killed_cpu")
                    raise QueryTimeout(f"query cut off at the time limit of {timeout_s:g} s (CPU)") from e
                self._count("crashed")
                log.warning("query worker %d died running a query (%s)", p.pid, how)
                raise QueryCrashed(f"the engine process running this query died ({how}); "
                                   "the server is unaffected") from e
            healthy = True
        finally:
            if healthy and not p.retire:
                self._idle.put(p, warm=True)
            else:
                self._retire(p)
        return self._answer(reply, timeout_s, max_rows)

    @staticmethod
    def _receive(p: _Process, wait_s: float) -> tuple[Any, ...] | None:
        """The worker's next message, or ``None`` when it sends none within ``wait_s``."""
        if not p.conn.poll(wait_s):
            return None
        msg = pickle.loads(p.conn.recv_bytes())
        if msg == ("started",):
            return msg
        retire, reply = msg
        if retire:
            p.retire = True
        return reply

    def _answer(self, reply: tuple[Any, ...], timeout_s: float, max_rows: int) -> tuple[QueryResult, bool]:
        if reply[0] == "ok":
            _, columns, rows, cut = reply
            budget = RowBudget(max_rows)  # again: the worker is not trusted with the cap
            kept = [r for r in map(budget.take, rows) if r is not None]
            rows, cut = kept, cut or budget.cut
            return QueryResult(columns, rows), bool(cut)
        _, kind, msg = reply
        if kind in ("TypeError", "ValueError", "OverflowError"):
            raise {"TypeError": TypeError, "ValueError": ValueError, "OverflowError": OverflowError}[kind](msg)
        if kind == "store":
            raise StoreError(msg)
        error = engine_error(msg, timeout_s=timeout_s, memory_mb=self.limits.memory_mb)
        if isinstance(error, QueryResourceExceeded):
            self._count("memory")
        raise error


def _main(argv: list[str]) -> None:
    import ast

    fd, parent, limits, scratch = int(argv[0]), int(argv[1]), Limits(**ast.literal_eval(argv[2])), Path(argv[3])
    worker_main(fd, parent, limits, scratch)


if __name__ == "__main__":
    _main(sys.argv[1:])
