"""API benchmark: requests/s and latency over HTTP on loopback, beside the in-process call and a bare app.

* **API**: ``partychain serve`` started as a subprocess on 127.0.0.1 (one uvicorn worker, as
  shipped), a researcher key configured through ``PARTYCHAIN_API_KEYS``; ``GET
  /api/v1/households/{id}/chains`` for random households (and ``GET /api/v1/coverage`` of
  random villages) from several concurrent clients for a bounded time.
* **bare FastAPI**: :mod:`bench.bare_api` (one trivial sync endpoint) served by uvicorn the
  same way, so the HTTP stack's own cost shows; the API's overhead is reported as ratios.
* **in-process**: :func:`partychain.services.household_chains` called by the same number of
  threads on one opened store (no HTTP), for the same time.

The load generator is ``wrk`` (with a Lua script that cycles through the paths) when it is on
the PATH, else a thread pool of ``httpx`` clients (which on a 2-core machine competes with the
server for CPU and reports lower rates). The server and the load generator share the
machine's cores, as they would on a one-box deployment.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from .common import percentiles, summary

REPO = Path(__file__).resolve().parents[1]
KEY = "bench-key"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """A uvicorn server in a subprocess on 127.0.0.1, stopped on exit."""

    def __init__(self, argv: list[str], env: dict[str, str], health: str, timeout_s: float = 300.0) -> None:
        self.port = _free_port()
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen([a.replace("{port}", str(self.port)) for a in argv], cwd=REPO, env=env,
                                     stdout=self.log, stderr=subprocess.STDOUT)
        self.base = f"http://127.0.0.1:{self.port}"
        self._wait(health, timeout_s)

    def _wait(self, path: str, timeout_s: float) -> None:
        import httpx

        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                if httpx.get(self.base + path, timeout=5.0).status_code < 500:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        self.log.seek(0)
        tail = self.log.read().decode(errors="replace")[-2000:]
        self.stop()
        raise RuntimeError(f"server did not come up: {tail}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if not self.log.closed:
            self.log.close()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


_UNIT = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s)", text.strip())
    if not m:
        raise ValueError(f"cannot read a wrk latency from {text!r}")
    return float(m.group(1)) * _UNIT[m.group(2)]


def _wrk(base: str, paths: list[str], *, seconds: float, connections: int, threads: int,
         auth: bool) -> dict[str, Any]:
    """One wrk run cycling through ``paths``; requests/s, latency percentiles, errors."""
    lines = ",\n".join(f'  "{p}"' for p in paths)
    header = f'["Authorization"] = "Bearer {KEY}"' if auth else ""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(f"local paths = {{\n{lines}\n}}\nlocal i = 0\nrequest = function()\n  i = i + 1\n"
                     f"  return wrk.format(\"GET\", paths[(i % #paths) + 1], {{{header}}})\nend\n")
    try:
        # --timeout: wrk's default (2 s) would drop slow answers (a province-wide coverage) from the figures
        out = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s",
                              "--timeout", "60s", "--latency", "-s", script.name, base],
                             capture_output=True, text=True, check=True, timeout=seconds + 60)
    finally:
        os.unlink(script.name)
    text = out.stdout
    pct = dict(re.findall(r"^\s+(\d+)%\s+(\S+)\s*$", text, flags=re.M))
    if not {"50", "90", "99"} <= set(pct) and " 0 requests in" not in text:
        raise RuntimeError(f"wrk printed no latency distribution:\n{text}\n{out.stderr}")
    requests = int(re.search(r"(\d+) requests in", text).group(1))  # type: ignore[union-attr]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    errors = re.search(r"Socket errors: (.*)$", text, flags=re.M)
    nan = float("nan")
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)),  # type: ignore[union-attr]
            "p50_ms": _ms(pct["50"]) if pct else nan, "p90_ms": _ms(pct["90"]) if pct else nan,
            "p99_ms": _ms(pct["99"]) if pct else nan, "requests": requests,
            "non_2xx": int(non2xx.group(1)) if non2xx else 0, "socket_errors": errors.group(1) if errors else "",
            "tool": "wrk"}


def _httpx(base: str, paths: list[str], *, seconds: float, connections: int, threads: int,
           auth: bool) -> dict[str, Any]:
    """The same with a thread pool of httpx clients (when wrk is not installed)."""
    import httpx

    del threads
    headers = {"Authorization": f"Bearer {KEY}"} if auth else {}
    lat: list[float] = []
    bad = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(k: int) -> None:
        mine: list[float] = []
        with httpx.Client(base_url=base, headers=headers, timeout=30.0) as c:
            i = k
            while time.monotonic() < stop:
                t = time.perf_counter()
                r = c.get(paths[i % len(paths)])
                mine.append((time.perf_counter() - t) * 1000)
                if r.status_code >= 300:
                    with lock:
                        bad[0] += 1
                i += connections
        with lock:
            lat.extend(mine)

    t0 = time.perf_counter()
    workers = [threading.Thread(target=client, args=(k,)) for k in range(connections)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    p = percentiles(lat)
    return {"rps": len(lat) / (time.perf_counter() - t0), "p50_ms": p["p50_ms"], "p90_ms": p["p90_ms"],
            "p99_ms": p["p99_ms"], "requests": len(lat), "non_2xx": bad[0], "socket_errors": "", "tool": "httpx"}


def _load(base: str, paths: list[str], **kw: Any) -> dict[str, Any]:
    return (_wrk if shutil.which("wrk") else _httpx)(base, paths, **kw)


def _repeat(base: str, paths: list[str], repeat: int, **kw: Any) -> dict[str, Any]:
    _load(base, paths, **{**kw, "seconds": min(2.0, kw["seconds"])})  # warm-up: caches, thread pool
    runs = [_load(base, paths, **kw) for _ in range(repeat)]
    return {"rps": summary([r["rps"] for r in runs]), "p50_ms": summary([r["p50_ms"] for r in runs]),
            "p99_ms": summary([r["p99_ms"] for r in runs]), "requests": sum(r["requests"] for r in runs),
            "non_2xx": sum(r["non_2xx"] for r in runs), "tool": runs[0]["tool"],
            "socket_errors": [r["socket_errors"] for r in runs if r["socket_errors"]]}


def _in_process(db: str, households: list[str], seconds: float, threads: int) -> dict[str, Any]:
    """services.household_chains from ``threads`` threads on one store for ``seconds``."""
    from partychain import services
    from partychain.storage.embedded import EmbeddedStore

    store = EmbeddedStore(Path(db))
    for h in households[:20]:  # warm-up
        services.household_chains(store, h)
    lat: list[float] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker(k: int) -> None:
        mine = []
        i = k
        while time.monotonic() < stop:
            t = time.perf_counter()
            services.household_chains(store, households[i % len(households)])
            mine.append((time.perf_counter() - t) * 1000)
            i += threads
        with lock:
            lat.extend(mine)

    t0 = time.perf_counter()
    ws = [threading.Thread(target=worker, args=(k,)) for k in range(threads)]
    for w in ws:
        w.start()
    for w in ws:
        w.join()
    elapsed = time.perf_counter() - t0
    store.close()
    p = percentiles(lat)
    return {"rps": len(lat) / elapsed, "p50_ms": p["p50_ms"], "p99_ms": p["p99_ms"], "requests": len(lat)}


def run(db: Path, households: list[str], villages: list[str], *, seconds: float = 10.0, connections: int = 8,
        threads: int = 2, repeat: int = 3, workers: int = 1) -> dict[str, Any]:
    """The API, the bare app and the in-process call under the same concurrency."""
    from .common import in_child

    env = {**os.environ, "PARTYCHAIN_DB": str(db), "PARTYCHAIN_API_KEYS": f"{KEY}:researcher",
           "PARTYCHAIN_LOG_LEVEL": "WARNING",
           # the load generator is one anonymous client: without these the coverage runs measure 429 answers
           "PARTYCHAIN_ANONYMOUS_RATE": "1000000", "PARTYCHAIN_ANONYMOUS_BURST": "1000000"}
    kw = {"seconds": seconds, "connections": connections, "threads": threads}
    res: dict[str, Any] = {"connections": connections, "client_threads": threads, "seconds": seconds,
                           "workers": workers,
                           "repeat": repeat, "tool": "wrk" if shutil.which("wrk") else "httpx"}
    chains = [f"/api/v1/households/{h}/chains" for h in households]
    coverage = [f"/api/v1/coverage?scope={v}" for v in villages]
    started = time.perf_counter()
    with Server([sys.executable, "-m", "partychain.cli", "serve", "--db", str(db), "--host", "127.0.0.1",
                 "--port", "{port}", "--workers", str(workers)], env, "/api/v1/health") as api:
        res["startup_s"] = time.perf_counter() - started
        res["api_chains"] = _repeat(api.base, chains, repeat, auth=True, **kw)
        res["api_coverage_village"] = _repeat(api.base, coverage, max(1, repeat - 1), auth=False, **kw)
    with Server([sys.executable, "-m", "uvicorn", "bench.bare_api:app", "--host", "127.0.0.1", "--port", "{port}",
                 "--workers", str(workers), "--log-level", "warning", "--no-access-log"], env, "/ping") as bare:
        res["bare_fastapi"] = _repeat(bare.base, ["/ping"], repeat, auth=False, **kw)
    res["in_process_chains"] = in_child(_in_process, str(db), households, seconds, connections)["result"]
    api_rps = res["api_chains"]["rps"]["median"]
    res["ratios"] = {
        "api_over_bare_rps": api_rps / res["bare_fastapi"]["rps"]["median"],
        "api_over_in_process_rps": api_rps / res["in_process_chains"]["rps"],
        "api_minus_in_process_p50_ms": res["api_chains"]["p50_ms"]["median"] - res["in_process_chains"]["p50_ms"],
    }
    return res
