"""Render benchmark results as the Markdown tables of docs/benchmarks.md."""

from __future__ import annotations

from pathlib import Path
from typing import Any

DOC = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"
BEGIN, END = "<!-- results:{scale}:begin -->", "<!-- results:{scale}:end -->"

# (what, measured value getter, comparison, limit, unit) of the province targets (issue 15's since 2026-12-03)
TARGETS: list[tuple[str, str, str, float, str]] = [
    ("validated build (read + validate + COPY + derive + swap)", "load.validated_load.seconds", "<", 90.0, "s"),
    ("peak memory of the validated build", "load.validated_load.peak_rss_mb", "<", 6144.0, "MB"),
    ("the derivation's share of the build (derive / build without it)", "load.validated_load.derive_share", "<",
     0.25, ""),
    ("validated rate / raw COPY rate", "load.ratio", ">=", 0.5, ""),
    ("chain lookup p50, in-process", "queries.graph.chain.p50_ms", "<", 0.3, "ms"),
    ("chain lookup p99, in-process", "queries.graph.chain.p99_ms", "<", 2.0, "ms"),
    ("coverage of any scope, province included, p99", "coverage_any", "<", 5.0, "ms"),
    ("first page of every gap list, every scope level, p99", "queries.graph.gap_page_every_level.p99_ms", "<", 20.0,
     "ms"),
    ("HTTP chain lookups", "api.api_chains.rps", ">=", 1500.0, "req/s"),
    ("HTTP chain lookup p99", "api.api_chains.p99_ms", "<", 20.0, "ms"),
    ("HTTP coverage (of a village)", "api.api_coverage_village.rps", ">=", 1500.0, "req/s"),
    ("HTTP coverage p99", "api.api_coverage_village.p99_ms", "<", 20.0, "ms"),
]
COVERAGE_KEYS = ("coverage_village", "coverage_town", "coverage_county", "coverage_prefecture", "coverage_province",
                 "coverage_every_level")


def _get(r: dict[str, Any], path: str) -> float | None:
    if path == "coverage_any":
        g = r.get("queries", {}).get("graph", {})
        got = [g[k]["p99_ms"] for k in COVERAGE_KEYS if g.get(k, {}).get("n")]
        return max(got) if got else None
    if path == "load.ratio":
        ld = r.get("load")
        return ld["validated_load"]["rows_per_s"]["median"] / ld["raw_copy"]["rows_per_s"]["median"] if ld else None
    cur: Any = r
    for part in path.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return None
        cur = cur[part]
    if isinstance(cur, dict) and "median" in cur:
        cur = cur["median"]
    return float(cur) if isinstance(cur, int | float) else None


def _spread(s: dict[str, float], fmt: str = "{:,.0f}") -> str:
    if s.get("n", 1) <= 1:
        return fmt.format(s["median"])
    return f"{fmt.format(s['median'])} ({fmt.format(s['min'])}–{fmt.format(s['max'])}, n={s['n']})"


def _ms(x: float) -> str:
    return f"{x:,.3f}" if x < 1 else f"{x:,.2f}" if x < 10 else f"{x:,.1f}" if x < 100 else f"{x:,.0f}"


def _lat(p: dict[str, float] | None) -> str:
    if not p or not p.get("n"):
        return "–"
    return f"{_ms(p['p50_ms'])} / {_ms(p['p99_ms'])} (n={p['n']})"


def _load(ld: dict[str, Any]) -> list[str]:
    v, raw, mg = ld["validated_load"], ld["raw_copy"], ld["row_merge"]
    ratio = v["rows_per_s"]["median"] / raw["rows_per_s"]["median"]
    ph = v["phases_s"]
    return [
        f"**Load** of {ld['rows_in']:,} ledger rows → {ld['graph_rows']:,} graph rows ({ld['nodes']:,} nodes, "
        f"{ld['relationships']:,} relationships):",
        "",
        "| loader | seconds | graph rows/s | peak RSS MB |",
        "| --- | --- | --- | --- |",
        f"| validated load (read + validate + COPY + atomic swap) | {_spread(v['seconds'], '{:.1f}')} "
        f"| {_spread(v['rows_per_s'])} | {_spread(v['peak_rss_mb'])} |",
        f"| raw COPY of the same rows from Arrow (the ceiling) | {_spread(raw['seconds'], '{:.1f}')} "
        f"| {_spread(raw['rows_per_s'])} | {_spread(raw['peak_rss_mb'])} |",
        f"| row-at-a-time MERGE ({mg['rows']:,}-row slice) | {mg['seconds']:.1f} | {mg['rows_per_s']:,.0f} "
        f"| {mg.get('peak_rss_mb', 0):,.0f} |",
        "",
        f"Validated load runs at {ratio:.0%} of the raw COPY rate and "
        f"{v['rows_per_s']['median'] / mg['rows_per_s']:,.0f}× the row-at-a-time MERGE rate. Phases of the "
        f"validated load, median wall (CPU) seconds: read {ph['read_s']['median']:.1f} "
        f"({ph['read_cpu_s']['median']:.1f}), validate {ph['validate_s']['median']:.1f} "
        f"({ph['validate_cpu_s']['median']:.1f}), write {ph['write_s']['median']:.1f} "
        f"({ph['write_cpu_s']['median']:.1f})"
        + (f", of which deriving the index {v['derive_s']['median']:.1f} (adding {v['derive_share']['median']:.0%} to "
           "the build without it)" if "derive_s" in v else "")
        + f"; raw COPY CPU {raw['cpu_s']['median']:.1f} s. Graph on disk: "
        f"{raw['db_bytes'] / 2**20:,.0f} MB.",
        "",
    ]


_QUESTIONS = [("chain", "leadership chains of a random household"), ("coverage_village", "coverage of a village"),
              ("coverage_town", "coverage of a town"), ("coverage_county", "coverage of a county"),
              ("coverage_prefecture", "coverage of a prefecture"),
              ("coverage_province", "coverage of the province"),
              ("coverage_every_level", "coverage, every scope level (province to village)"),
              ("gap_page", "first page of a gap list (county)"),
              ("gap_page_every_level", "first page of every gap list, every scope level"),
              ("pairing", "pairings of a village"), ("org_downstream", "downstream counts of an organization")]


def _queries(q: dict[str, Any]) -> list[str]:
    g, p = q["graph"], q.get("pandas", {})
    live = any(f"{key}_live" in g for key, _ in _QUESTIONS)
    lines = ["**Queries**, in-process latency p50 / p99 in ms (n calls), the graph beside pandas on the ledger "
             "tables" + (" and, for the questions the load derives an index for (`partychain.storage.derived`), "
                         "the live queries the services asked before (`live=True`, same run, same samples)"
                         if live else "") + ":", "",
             "| question | graph (embedded) | " + ("live query | " if live else "")
             + "pandas | pandas p50 / graph p50 |",
             "| --- | --- | " + ("--- | " if live else "") + "--- | --- |"]
    for key, what in _QUESTIONS:
        gp, pp = g.get(key), p.get(key)
        speed = f"{pp['p50_ms'] / gp['p50_ms']:,.1f}×" if gp and pp and gp.get("n") and pp.get("n") else "–"
        lp = g.get(f"{key}_live")
        cell = f"{_lat(lp)} | " if live else ""
        lines.append(f"| {what} | {_lat(gp)} | {cell}{_lat(pp)} | {speed} |")
    lines.append("")
    if p:
        agree = q.get("agreement", {})
        lines.append(f"pandas loads the ten tables it needs once in {p['load_s']:.1f} s (not in the latencies; peak "
                     f"memory of the query process {q.get('peak_rss_mb', 0):,.0f} MB). Same answers from both: "
                     f"chains {agree.get('chains_equal', '?')}, coverage {agree.get('coverage_equal', '?')}, "
                     f"gap pages {agree.get('gap_page_equal', '?')}.")
        lines.append("")
    named = q.get("named", {})
    if named:
        slow = sorted(named.items(), key=lambda kv: -kv[1]["p50_ms"])
        lines += ["<details><summary>Every named query (sample parameters: a random county scope, household, "
                  "village, organization; p50 and max of " f"{next(iter(named.values()))['n']} calls, ms)"
                  "</summary>", "", "| query | p50 | max |", "| --- | --- | --- |"]
        lines += [f"| `{n}` | {_ms(v['p50_ms'])} | {_ms(v['max_ms'])} |" for n, v in slow]
        lines += ["", "</details>", ""]
    return lines


def _api(a: dict[str, Any]) -> list[str]:
    ip = a["in_process_chains"]
    rows = [("`GET /households/{id}/chains` (researcher key)", a["api_chains"]),
            ("`GET /coverage?scope=<village>` (anonymous)", a["api_coverage_village"]),
            ("bare FastAPI `GET /ping`, served the same way", a["bare_fastapi"])]
    lines = [f"**API** over HTTP on 127.0.0.1: {a['connections']} concurrent connections ({a['tool']}, "
             f"{a['client_threads']} client threads), {a['seconds']:g} s per run; "
             + (f"`partychain serve --workers {a['workers']}`" if a.get("workers", 1) > 1 else "one uvicorn worker")
             + ":", "",
             "| endpoint | requests/s | p50 ms | p99 ms |", "| --- | --- | --- | --- |"]
    for what, r in rows:
        if not r.get("requests", 1):
            lines.append(f"| {what} | 0: no request completed within a {a['seconds']:g} s run | – | – |")
            continue
        lines.append(f"| {what} | {_spread(r['rps'])} | {_spread(r['p50_ms'], '{:.1f}')} "
                     f"| {_spread(r['p99_ms'], '{:.1f}')} |")
    lines.append(f"| in-process `services.household_chains`, {a['connections']} threads (no HTTP) | "
                 f"{ip['rps']:,.0f} | {ip['p50_ms']:.1f} | {ip['p99_ms']:.1f} |")
    ra = a["ratios"]
    lines += ["", f"The API serves {ra['api_over_bare_rps']:.0%} of the bare app's requests/s and "
              f"{ra['api_over_in_process_rps']:.0%} of the in-process call rate; HTTP adds "
              f"{ra['api_minus_in_process_p50_ms']:.1f} ms to the median chain lookup. Server start-up (open the "
              f"graph, first health answer): {a['startup_s']:.1f} s.", ""]
    bad = a["api_chains"]["non_2xx"] + a["api_coverage_village"]["non_2xx"]
    if bad:
        lines += [f"Non-2xx responses during the runs: {bad}.", ""]
    return lines


def _analysis(an: dict[str, Any]) -> list[str]:
    if "skipped" in an:
        return [f"**Analysis**: skipped ({an['skipped']}).", ""]
    boot = f"bootstrap {an['n_boot']}, " if an.get("n_boot") else ""  # results of the estimator before issue 18
    lines = [f"**Analysis** (`bench/analysis.py`; {boot}permutations {an.get('n_perm')}), median seconds:",
             "", "| step | seconds |", "| --- | --- |"]
    for k, v in an.items():
        if isinstance(v, dict) and "median" in v:
            extra = {x: v[x] for x in ("method", "communities", "estimate", "ci", "p_value") if x in v}
            lines.append(f"| {k} | {_spread(v, '{:.2f}')}" + (f" {extra}" if extra else "") + " |")
    if "graphs" in an:
        lines += ["", "Graphs (nodes, edges): " + ", ".join(f"{k} {v[0]:,} / {v[1]:,}" for k, v in an["graphs"].items())
                  + "."]
    return [*lines, ""]


def _targets(r: dict[str, Any]) -> list[str]:
    lines = ["**Targets** (embedded engine, province scale):", "", "| target | measured | met |",
             "| --- | --- | --- |"]
    for what, path, op, limit, unit in TARGETS:
        got = _get(r, path)
        if got is None:
            lines.append(f"| {what} {op} {limit:g} {unit} | – | not measured |")
            continue
        ok = got < limit if op == "<" else got >= limit
        off = got / limit if op == "<" else limit / got if got else float("inf")
        shown = (f"{got:.0%}" if unit == "" else f"{_ms(got)} {unit}" if unit == "ms"
                 else f"{got:,.1f} {unit}" if got < 100 else f"{got:,.0f} {unit}")
        lines.append(f"| {what} {op} {f'{limit:.0%}' if unit == '' else f'{limit:,g} {unit}'} | {shown} | "
                     f"{'yes' if ok else f'no ({off:.1f}× off)'} |")
    return [*lines, ""]


def render(r: dict[str, Any]) -> str:
    m = r["machine"]
    la = m.get("load_average")
    lines = [f"Measured {m['date']} on {m['cpus']} CPUs ({m['cpu']}), {m['memory_gb']} GB, Python {m['python']}, "
             f"ladybug {m['packages']['ladybug']}, pandas {m['packages']['pandas']}, "
             f"pyarrow {m['packages']['pyarrow']}, fastapi {m['packages'].get('fastapi', '-')}, commit {m['git']}"
             + (f"; load average {la[0]:.1f} at the start, {m.get('load_average_end', la)[0]:.1f} at the end "
                "(other work shared the machine)" if la else "")
             + f". Medians (min–max, n runs){' — quick mode' if r.get('quick') else ''}."
             + "".join(f" The {k} section was measured again on {v['date']} (commit {v['git']}"
                       + (f"; load average {v['load_average'][0]:.1f} at the start, {v['load_average_end'][0]:.1f} at "
                          "the end" if v.get("load_average") and v.get("load_average_end") else "") + ")."
                       for k, v in sorted(r.get("updated", {}).items())), ""]
    if r["scale"] == "province":
        lines += _targets(r)
    if "load" in r:
        lines += _load(r["load"])
    if "queries" in r:
        lines += _queries(r["queries"])
    if "api" in r:
        lines += _api(r["api"])
    if "analysis" in r:
        lines += _analysis(r["analysis"])
    if "seconds" in r:
        lines.append(f"The whole run took {r['seconds'] / 60:.1f} minutes.")
    return "\n".join(lines)


def write(r: dict[str, Any]) -> Path:
    """Replace this scale's block in docs/benchmarks.md (created if missing)."""
    begin, end = BEGIN.format(scale=r["scale"]), END.format(scale=r["scale"])
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n"
    block = f"{begin}\n{render(r)}\n{end}"
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        text = head + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip() + f"\n\n## {r['scale'].capitalize()} scale\n\n{block}\n"
    DOC.write_text(text, encoding="utf-8")
    return DOC
