"""``python -m bench.dashboard``: the dashboard's first render per page in Chromium, and its screenshots.

    python -m bench.dashboard                       # Songtao sample: render times -> docs/benchmarks.md
    python -m bench.dashboard --screenshots         # ... and the screenshots of docs/dashboard.md
    python -m bench.dashboard --scale province      # the Guizhou sample (generated once, ~2 minutes; load ~1 minute)

A ``partychain serve`` on loopback over the sample, an officer key, and headless Chromium
(:mod:`bench.browser`). A page's render time is measured by the page itself: from navigation start
(a full load, fresh profile, nothing cached) until its data is shown and its charts are drawn
(``window.partychain.rendered``). *First* is the first load of each page after the server
started (every query the page needs runs for the first time); *then* is the median of the
``--repeat`` loads after it. The shipped asset sizes (raw and gzip) are measured from the files.
Results go to ``bench/results/dashboard-<scale>.json`` and the block of docs/benchmarks.md between
the ``results:dashboard-<scale>`` markers; with ``--screenshots``, PNGs to ``docs/dashboard/`` and
the block of docs/dashboard.md between the ``screenshots`` markers. The data of the sample is
synthetic (real divisions, synthetic people and organizations).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from . import browser as chromium
from .common import RESULTS, machine

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "api" / "static"
BENCH_DOC = ROOT / "docs" / "benchmarks.md"
SHOTS_DOC = ROOT / "docs" / "dashboard.md"
SHOTS = ROOT / "docs" / "dashboard"
KEY = "bench-officer-5b8e2d7c1a9f4036"
RESEARCHER_KEY = "bench-researcher-1f6c9a3e7d2b5804"
GOAL_MS = {"county": 1000.0, "province": 2000.0}

PAGES: list[tuple[str, str, str]] = [
    # (name, route template, what it shows) -- {county}, {town}, {village}, {org}, {household}, {member}, {coop}
    ("overview", "#/", "county overview: coverage, gaps, published figures beside computed, towns chart and table"),
    ("town", "#/scope/{town}", "a town's scorecard: its villages, coverage, gaps, collective income by year"),
    ("village", "#/scope/{village}", "a village's scorecard"),
    ("gaps", "#/gaps/{county}/poor_households_chain_incomplete", "a gap list: filters, paging, XLSX/CSV downloads"),
    ("gaps2", "#/gaps/{county}/poor_households_not_driven", "another gap list (a lighter query)"),
    ("orgs", "#/orgs/{county}", "the tops of the organization trees seated in the county, with counts"),
    ("org", "#/org/{org}", "a joint committee's tree: branches, cooperatives, bases, with counts"),
    ("household", "#/household/{household}",
     "a household's record (personal fields masked for researchers, not for officers) and its leadership chains"),
    ("member", "#/member/{member}", "a party member's record"),
    ("cooperative", "#/cooperative/{coop}", "a cooperative's record"),
    ("pairings", "#/pairings/{county}", "the pairing network, strong → weak, with weak villages' income change"),
    ("search", "#/search?q={search}", "one search over divisions, organizations and cooperatives"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """``partychain serve`` on a free loopback port with an officer key."""

    def __init__(self, db: Path) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("PARTYCHAIN_")}
        env |= {"PARTYCHAIN_DB": str(db), "PARTYCHAIN_API_KEYS": f"{KEY}:officer,{RESEARCHER_KEY}:researcher",
                "PARTYCHAIN_QUERY_WORKERS": "0"}  # the dashboard sends no researcher Cypher: no sandbox workers
        fd, name = tempfile.mkstemp(prefix="partychain-bench-serve-", suffix=".log")
        self.log = Path(name)
        exe = Path(sys.executable).with_name("partychain")
        with os.fdopen(fd, "wb") as out:
            self.proc = subprocess.Popen([str(exe), "serve", "--port", str(self.port)], env=env, stdout=out,
                                         stderr=subprocess.STDOUT)
        started = time.monotonic()
        while time.monotonic() - started < 120:
            if self.proc.poll() is not None:
                raise RuntimeError(f"partychain serve exited: {self.log.read_text()[-2000:]}")
            try:
                if httpx.get(self.base + "/api/v1/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise RuntimeError("partychain serve did not start")

    def api(self, path: str, **params: Any) -> Any:
        r = httpx.get(self.base + "/api/v1" + path, params=params, headers={"Authorization": f"Bearer {KEY}"},
                      timeout=300)
        r.raise_for_status()
        return r.json()

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=60)
        self.log.unlink(missing_ok=True)


def routes(server: Server) -> dict[str, str]:
    """The pages' hashes on this graph (records picked through the API; Songtao when the graph holds it)."""
    codes = [c["code"] for c in server.api("/divisions", level="county", limit=1000)["items"]]
    county = "520628" if "520628" in codes else codes[0]
    town = server.api("/divisions", scope=county, level="town", limit=1)["items"][0]
    village = server.api("/divisions", scope=town["code"], level="village", limit=1)["items"][0]["code"]
    org = server.api("/orgs", scope=county, roots="true", limit=1)["items"][0]["id"]
    household = server.api(f"/orgs/{org}/downstream/households", limit=1)["items"][0]["id"]
    member = server.api(f"/households/{household}/chains")["chains"][0]["member_id"]
    coop = server.api("/cooperatives", scope=county, limit=1)["items"][0]["id"]
    values = {"county": county, "town": town["code"], "village": village, "org": org, "household": household,
              "member": member, "coop": coop, "search": town["name"][:2]}
    out = {name: route.format(**values) for name, route, _ in PAGES}
    if len(codes) > 1:  # a province: the overview is the province's; the county's scorecard is a page of its own
        out = {"overview": out.pop("overview"), "county": f"#/scope/{county}", **out}
    return out


def sign_in(page: Any, base: str, key: str = KEY) -> None:
    """Sign in through the form, landing on the empty search page (no page's data is read before it is measured)."""
    page.goto(base + "/#/signin?next=%23%2Fsearch")
    page.wait_for_selector("#signin-key")
    page.fill("#signin-key", key)
    page.click("#signin-submit")
    page.wait_for_selector("body[data-ready='search']", timeout=300_000)


def asset_sizes() -> dict[str, dict[str, int]]:
    """Bytes of the shipped assets, raw and gzip-compressed (as the server sends them), by group."""
    groups: dict[str, list[Path]] = {"app (HTML, CSS, JS modules)": [], "Apache ECharts 6 (minified)": [],
                                     "licences and manifest": []}
    for f in sorted(STATIC.rglob("*")):
        if not f.is_file():
            continue
        if f.name == "echarts.min.js":
            groups["Apache ECharts 6 (minified)"].append(f)
        elif f.parent.name == "vendor":
            groups["licences and manifest"].append(f)
        else:
            groups["app (HTML, CSS, JS modules)"].append(f)
    out = {}
    for name, files in groups.items():
        raw = sum(f.stat().st_size for f in files)
        gz = sum(len(gzip.compress(f.read_bytes(), 6)) for f in files)
        out[name] = {"files": len(files), "bytes": raw, "gzip_bytes": gz}
    return out


def measure(server: Server, pages: dict[str, str], *, repeat: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    with chromium.chromium() as b:
        page = b.page()
        sign_in(page, server.base)
        for name, route in pages.items():
            first = chromium.render(page, server.base + "/" + route, timeout_ms=600_000)
            then = [chromium.render(page, server.base + "/" + route, timeout_ms=600_000) for _ in range(repeat)]
            out[name] = {"first_ms": round(first, 1), "then_ms": round(statistics.median(then), 1) if then else None,
                         "n": len(then)}
            print(f"  {name:12s} first {first:7.0f} ms, then {out[name]['then_ms']} ms", flush=True)
        errors = list(b.console)
    with chromium.chromium() as b:  # a first visit to the overview, nothing cached: what the assets cost on the wire
        page = b.page()
        chromium.render(page, server.base + "/#/")
        transfer = page.evaluate("performance.getEntriesByType('resource').concat(performance.getEntriesByType("
                                 "'navigation')).filter(e => !e.name.includes('/api/'))"
                                 ".reduce((n, e) => n + (e.transferSize || 0), 0)")
        errors += b.console
    return {"pages": out, "first_load_transfer_bytes": int(transfer), "console_errors": errors}


def screenshots(server: Server, pages: dict[str, str]) -> list[tuple[str, str, str]]:
    """PNG per page (officer; the overview also anonymous and in English) into docs/dashboard/."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for old in SHOTS.glob("*.png"):
        old.unlink()
    taken = []
    what = {name: text for name, _, text in PAGES} | {"county": "a county's scorecard inside the province"}
    with chromium.chromium() as b:
        page = b.page()
        chromium.render(page, server.base + "/#/")
        page.screenshot(path=str(SHOTS / "anonymous.png"), clip={"x": 0, "y": 0, "width": 1366, "height": 1000})
        taken.append(("anonymous", "anonymous.png", "the county overview without signing in: aggregates only"))
        chromium.render(page, server.base + "/#/signin")
        page.screenshot(path=str(SHOTS / "signin.png"), clip={"x": 0, "y": 0, "width": 1366, "height": 500})
        taken.append(("signin", "signin.png", "signing in with a key (once; the session is a cookie)"))
        sign_in(page, server.base, RESEARCHER_KEY)  # a researcher: personal fields masked, as the API masks them
        for name, route in pages.items():
            chromium.render(page, server.base + "/" + route, timeout_ms=600_000)
            height = page.evaluate("Math.min(document.documentElement.scrollHeight, 2200)")
            page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True,
                            clip={"x": 0, "y": 0, "width": 1366, "height": height})
            taken.append((name, f"{name}.png", what[name] + " (as a researcher)"))
        page.click("#lang-button")
        page.wait_for_selector("html[lang='en']")
        chromium.render(page, server.base + "/#/")
        page.screenshot(path=str(SHOTS / "english.png"), clip={"x": 0, "y": 0, "width": 1366, "height": 1000})
        taken.append(("english", "english.png", "the overview with the English switch"))
        page.click("#lang-button")
    return taken


def _block(doc: Path, marker: str, body: str) -> None:
    begin, end = f"<!-- {marker}:begin -->", f"<!-- {marker}:end -->"
    text = doc.read_text(encoding="utf-8")
    if begin not in text or end not in text:
        raise SystemExit(f"{doc} has no {begin} ... {end} block")
    head, rest = text.split(begin, 1)
    doc.write_text(head + f"{begin}\n{body}\n{end}" + rest.split(end, 1)[1], encoding="utf-8")


def render_results(r: dict[str, Any]) -> str:
    m = r["machine"]
    goal = GOAL_MS[r["scale"]]
    lines = [
        f"Measured {m['date']} on {m['cpus']} CPUs ({m['cpu'].split()[0] if m['cpu'] else '?'}), {m['memory_gb']} GB, "
        f"Chromium {r['chromium']}, commit {m['git']}; load average {m['load_average'][0]} at the start "
        f"(other work shared the machine). Sample: {r['sample']}. First load of each page after the server "
        f"started, then the median of {r['repeat']} more loads; goal: {goal / 1000:g} s.",
        "",
        "| page | first render, ms | then, ms | goal met (first) |",
        "| --- | --- | --- | --- |",
    ]
    for name, p in r["pages"].items():
        met = "yes" if p["first_ms"] < goal else "no"
        lines.append(f"| {name} | {p['first_ms']:,.0f} | {p['then_ms']:,.0f} | {met} |")
    lines += ["", f"Console errors during the run: {len(r['console_errors'])}. A first visit transfers "
              f"{r['first_load_transfer_bytes'] / 1024:,.0f} KiB of assets (gzip, nothing cached; API answers not "
              "counted). Shipped assets:", "",
              "| assets | files | bytes | gzip bytes |", "| --- | --- | --- | --- |"]
    for name, a in r["assets"].items():
        lines.append(f"| {name} | {a['files']} | {a['bytes']:,} | {a['gzip_bytes']:,} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.dashboard", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", choices=["county", "province"], default="county")
    ap.add_argument("--db", type=Path, help="use this loaded graph instead of generating and loading the sample")
    ap.add_argument("--repeat", type=int, default=3, help="loads of each page after the first")
    ap.add_argument("--screenshots", action="store_true", help="also write docs/dashboard/*.png and docs/dashboard.md")
    ap.add_argument("--no-doc", action="store_true", help="do not rewrite docs/benchmarks.md")
    ap.add_argument("--seed", type=int, default=2021)
    args = ap.parse_args(argv)
    reason = chromium.why_not()
    if reason:
        raise SystemExit(reason)
    work = Path(tempfile.mkdtemp(prefix="partychain-bench-dashboard-"))
    try:
        db = args.db
        sample = (f"the Guizhou sample (seed {args.seed}: 17,964 villages, 6.9 million households)"
                  if args.scale == "province" else
                  f"the Songtao sample (seed {args.seed}: 522 villages, 144,486 households)")
        if db is None:
            from .children import build_db
            from .common import in_child, sample_ledger

            ledger = sample_ledger(args.scale, args.seed, work)
            db = work / "graph"
            print(f"loading {ledger} ...", flush=True)
            in_child(build_db, str(ledger), str(db))
        server = Server(db)
        try:
            pages = routes(server)
            print(f"measuring {len(pages)} pages on {server.base} ...", flush=True)
            result: dict[str, Any] = {
                      "machine": machine(), "scale": args.scale, "repeat": args.repeat, "sample": sample,
                      "chromium": subprocess.run([chromium.chromium_path() or "chromium", "--version"],
                                                 capture_output=True, text=True, check=False).stdout.strip(),
                      **measure(server, pages, repeat=args.repeat), "assets": asset_sizes()}
            if args.screenshots:
                taken = screenshots(server, pages)
                _block(SHOTS_DOC, "screenshots", "\n\n".join(
                    f"### {name}\n\n{text}.\n\n![{name}](dashboard/{file})" for name, file, text in taken))
            result["server_problems"] = [ln for ln in server.log.read_text(errors="replace").splitlines()
                                         if "ERROR" in ln or "WARNING" in ln or " 5" in ln[:40]][-20:]
        finally:
            server.stop()
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / f"dashboard-{args.scale}.json").write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n",
                                                              encoding="utf-8")
        if not args.no_doc:
            _block(BENCH_DOC, f"results:dashboard-{args.scale}", render_results(result))
        print(render_results(result))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
