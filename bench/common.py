"""Shared helpers: machine description, timing statistics, child processes for peak memory."""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing as mp
import os
import platform
import queue
import resource
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    mem_kb = 0
    with open("/proc/meminfo") as fh:
        for line in fh:
            if line.startswith("MemTotal"):
                mem_kb = int(line.split()[1])
    cpu = ""
    with open("/proc/cpuinfo") as fh:
        for line in fh:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    pkgs = {p: _version(p) for p in ("partychain", "ladybug", "pandas", "pyarrow", "networkx", "fastapi", "neo4j")}
    return {"date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "python": platform.python_version(),
            "cpus": os.cpu_count(), "cpu": cpu, "memory_gb": round(mem_kb / 1024 / 1024, 1),
            "platform": platform.platform(), "packages": pkgs, "git": _git(),
            "load_average": [round(x, 2) for x in os.getloadavg()]}


def _version(pkg: str) -> str:
    try:
        return version(pkg)
    except Exception:
        return "-"


def _git() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                              check=True).stdout.strip()
    except Exception:
        return "-"


def summary(values: list[float]) -> dict[str, float]:
    """Median and spread of repeated measurements."""
    vs = sorted(values)
    return {"median": statistics.median(vs), "min": vs[0], "max": vs[-1], "n": len(vs),
            "stdev": statistics.stdev(vs) if len(vs) > 1 else 0.0}


def percentiles(latencies_ms: list[float]) -> dict[str, float]:
    vs = sorted(latencies_ms)
    if not vs:
        return {"p50_ms": 0.0, "p99_ms": 0.0, "n": 0}

    def pct(p: float) -> float:
        return vs[min(len(vs) - 1, round(p / 100 * (len(vs) - 1)))]

    return {"p50_ms": pct(50), "p90_ms": pct(90), "p99_ms": pct(99), "max_ms": vs[-1], "n": len(vs)}


def _child(fn: Callable[..., Any], args: tuple[Any, ...], q: Any) -> None:
    t = time.perf_counter()
    try:
        result = fn(*args)
        err = None
    except BaseException as e:  # report to the parent, which re-raises
        result, err = None, repr(e)
    q.put({"result": result, "seconds": time.perf_counter() - t, "error": err,
           "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024})


def in_child(fn: Callable[..., Any], *args: Any, timeout: float | None = None) -> dict[str, Any]:
    """Run ``fn(*args)`` in a fresh process; return its result, wall time and peak RSS.

    ``timeout``: seconds after which the child is stopped and :class:`TimeoutError` raised.
    """
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    p = ctx.Process(target=_child, args=(fn, args, q))
    p.start()
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:  # poll, so that a child that dies without answering is noticed instead of waited for
        try:
            out = q.get(timeout=1.0)
            break
        except queue.Empty:
            if not p.is_alive():
                p.join()
                raise RuntimeError(f"benchmark child {getattr(fn, '__name__', fn)} exited with code {p.exitcode} "
                                   "without a result (see its traceback above)") from None
            if deadline is not None and time.monotonic() > deadline:
                p.terminate()
                p.join()
                raise TimeoutError(f"benchmark child stopped after {timeout:g} s") from None
    p.join()
    if out["error"]:
        raise RuntimeError(f"benchmark child failed: {out['error']}")
    return out


def save(name: str, data: dict[str, Any], folder: Path = RESULTS) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    return path


def _generator_fingerprint() -> str:
    """A hash of the sample generator's and the model's sources: a cached sample of another generator is not reused
    (one from before the organization tree grew town and county committees no longer validates)."""
    import hashlib

    import partychain

    root = Path(partychain.__file__).resolve().parent
    h = hashlib.sha256()
    for path in sorted([*(root / "sample").rglob("*.py"), *(root.parents[1] / "graph_model").rglob("*.py")]):
        h.update(path.read_bytes())
    return h.hexdigest()[:10]


def province_ledger(seed: int) -> Path:
    """The cached province sample (generated on first use; ~2 minutes, ~900 MB), one per generator version."""
    folder = Path(tempfile.gettempdir()) / "partychain-bench" / f"guizhou-seed{seed}-{_generator_fingerprint()}"
    done = folder / ".complete"
    if not done.exists():
        from partychain.sample import generate_province

        print(f"generating the province sample into {folder} (once) ...", flush=True)
        shutil.rmtree(folder, ignore_errors=True)
        generate_province(folder, seed=seed)
        done.write_text("ok\n", encoding="utf-8")
    return folder


def sample_ledger(scale: str, seed: int, work: Path) -> Path:
    """The sample ledger of a scale: the cached province sample, or the Songtao sample written into ``work``."""
    if scale == "province":
        return province_ledger(seed)
    from partychain.sample import generate_songtao

    ledger = work / "songtao"
    generate_songtao(ledger, seed=seed)
    return ledger
