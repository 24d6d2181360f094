"""Commands that read the graph: statistics, figures, named queries, exports."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from .base import DbOption, Format, FormatOption, YearOption, command, emit, open_store, out, progress_bar

PANEL = "The graph"


@command(panel=PANEL)
def stats(db: DbOption = None, fmt: FormatOption = Format.table, year: YearOption = None) -> None:
    """Counts per node label and relationship type, and what dataset is loaded."""
    store = open_store(db, year)
    nodes, rels = store.counts()
    info = store.dataset()
    if fmt is Format.json:
        out.print_json(json.dumps({"nodes": nodes, "relationships": rels,
                                   "dataset": info.to_dict() if info else None}, ensure_ascii=False))
        return
    emit([{"label": k, "nodes": v} for k, v in nodes.items()], fmt, title="nodes")
    emit([{"type": k, "relationships": v} for k, v in rels.items()], fmt, title="relationships")
    if info:
        kept = f"year {info.year} " if info.year is not None else ""
        out.print(f"dataset {kept}{info.version} loaded {info.loaded_at} from {escape(info.source)}")


@command(panel=PANEL)
def figures(db: DbOption = None, scope: Annotated[str, typer.Option(help="division code prefix")] = "",
            fmt: FormatOption = Format.table,
            all_metrics: Annotated[bool, typer.Option("--all", help="also list computed metrics "
                                                                    "nobody reported")] = False,
            year: YearOption = None) -> None:
    """Every reported figure beside the value computed from the graph, compared as the source words it (exact, at
    least, planned, can reach, per year) and with the ledger year of its as-of date when that year is loaded;
    exit 1 on a mismatch."""
    from partychain.services.figures import figures as compute

    rows = compute(open_store(db, year), scope=scope, include_unreported=all_metrics)
    if fmt is Format.json:
        emit([r.to_dict() for r in rows], fmt)
    else:
        emit([{"metric": r.metric, "scope": r.scope_code, "unit": r.unit, "as worded": r.wording or "",
               "compared as": ", ".join(r.qualifiers),
               "reported": f"{r.reported:,}" if r.reported is not None else "",
               "computed": f"{r.computed:,}" if r.computed is not None else "", "status": r.status,
               "year": r.year if r.year is not None else ""}
              for r in rows], fmt, title="reported vs computed")
        for r in rows:
            if r.reason:
                out.print(f"{r.metric} ({r.scope_code}): {escape(r.reason)}", highlight=False)
        sources = sorted({_cite(r) for r in rows if r.source_title})
        for src in sources:
            out.print(f"source: {escape(src)}", highlight=False)
    if any(r.status == "mismatch" for r in rows):
        raise typer.Exit(1)


def _cite(r: Any) -> str:
    """A figure's source as published: title, author, time of publication."""
    parts = [r.source_title, r.source_author, (r.source_published_at or "").replace("T", " ") or None,
             r.publisher]
    return "; ".join(p for p in parts if p)


def _parse_params(items: list[str]) -> dict[str, Any]:
    """``k=v`` gives the string v; ``k:=v`` parses v as JSON (numbers, null, lists)."""
    params: dict[str, Any] = {}
    for item in items:
        if ":=" in item:
            k, v = item.split(":=", 1)
            try:
                params[k] = json.loads(v)
            except json.JSONDecodeError as e:
                raise typer.BadParameter(f"{item!r}: the value after ':=' must be JSON ({e})") from e
        elif "=" in item:
            k, v = item.split("=", 1)
            params[k] = v
        else:
            raise typer.BadParameter(f"{item!r}: expected name=value or name:=json")
    return params


@command(panel=PANEL)
def query(
    name: Annotated[str, typer.Argument(help="named query (see `partychain query --list`)")] = "",
    param: Annotated[list[str] | None, typer.Option("--param", "-p", help="name=value (string) or "
                                                                          "name:=json (number, null, list)")] = None,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
    list_: Annotated[bool, typer.Option("--list", help="list the named queries")] = False,
    year: YearOption = None,
) -> None:
    """Run a named query from the catalog on the configured engine."""
    from partychain import cypher

    if list_ or not name:
        emit([{"name": n, "parameters": ", ".join(cypher.get(n).parameters),
                "answers": cypher.get(n).header.splitlines()[0]} for n in cypher.names()], fmt, title="queries")
        return
    q = cypher.get(name)
    params = _parse_params(param or [])
    missing = [p for p in q.parameters if p not in params]
    if missing:
        raise typer.BadParameter(f"query {name!r} needs --param for: {', '.join(missing)}\n{q.header}")
    res = open_store(db, year).named(name, **params)
    emit(res.records(), fmt, title=name)


@command(panel=PANEL)
def export(
    out_dir: Annotated[Path, typer.Argument(help="folder to write the export into")],
    fmt: Annotated[str, typer.Option("--format", help="export format: neo4j-admin")] = "neo4j-admin",
    db: DbOption = None,
    year: YearOption = None,
) -> None:
    """Export the graph, e.g. as neo4j-admin import CSV files for first loads of very large ledgers."""
    if fmt != "neo4j-admin":
        raise typer.BadParameter(f"unknown export format {fmt!r}; known: neo4j-admin")
    from partychain.export import export_neo4j_admin

    with progress_bar() as progress:
        counts = export_neo4j_admin(open_store(db, year), out_dir, progress=progress)
    emit([{"file": k, "rows": v} for k, v in counts.items()], Format.table, title=str(out_dir))


@command(panel=PANEL)
def report(
    scope: Annotated[str, typer.Option("--scope", help="division code: the county (or province, town, village) "
                                                       "to report on")],
    out_file: Annotated[Path, typer.Option("--out", help="the .xlsx workbook to write")],
    db: DbOption = None,
    year: YearOption = None,
) -> None:
    """Write the workbook an organization department sends upward: overview and figures, a sheet per town, the
    gap lists (Chinese headers, numbers as numbers, no personal data)."""
    from partychain.report import write_report

    if out_file.suffix.lower() != ".xlsx":
        raise typer.BadParameter(f"{out_file}: the report is an .xlsx workbook; name the file *.xlsx")
    summary = write_report(open_store(db, year), scope, out_file)
    out.print(f"wrote {escape(summary['path'])}: {len(summary['sheets'])} sheets, {summary['bytes']:,} bytes")


@command(panel=PANEL)
def diff(
    from_year: Annotated[int, typer.Option("--from", help="the earlier ledger year")],
    to_year: Annotated[int, typer.Option("--to", help="the later ledger year")],
    scope: Annotated[str, typer.Option("--scope", help="division code: the county, a town or a village")],
    db: DbOption = None,
    fmt: FormatOption = Format.table,
    limit: Annotated[int, typer.Option(help="ids listed per kind of change in JSON (counts are complete)")] = 1000,
) -> None:
    """What changed in a division between two ledger years: organizations founded and dissolved, cooperatives
    newly run by a branch, bases newly linked, households newly driven or dropped, poverty exits with and
    without a complete chain, members' load, coverage then and now; exit 1 naming the years loaded when a
    year is not loaded."""
    from partychain.services.changes import CHANGE_KINDS, changes

    res = changes(open_store(db), scope=scope, from_year=from_year, to_year=to_year, limit=limit)
    if fmt is Format.json:
        out.print_json(json.dumps(res, ensure_ascii=False))
        return
    title = f"{res['scope']['code']} {res['scope']['name'] or ''}: {from_year} → {to_year}"
    emit([{"change": k, "n": res["counts"][k]} for k in CHANGE_KINDS], fmt, title=title)
    for what, ids in res["changed_meaning"].items():
        if ids:
            out.print(f"changed meaning ({what}), not matched: {', '.join(ids)}", highlight=False)
    emit([{"": side, **{k: v for k, v in load.items()}} for side, load in
          ((str(from_year), res["members"]["from"]), (str(to_year), res["members"]["to"]))], fmt,
         title="members' load")
    rows = []
    for c in res["coverage"]:
        if c["level"] == "village" and len(res["coverage"]) > 40:
            continue  # the towns say it; --format json lists every village
        for metric, then in c["from"].items():
            now = c["to"][metric]
            rows.append({"division": f"{c['code']} {c['name'] or ''}".strip(), "metric": metric,
                         str(from_year): _ratio(then), str(to_year): _ratio(now)})
    emit(rows, fmt, title="coverage then and now")


def _ratio(m: dict[str, Any]) -> str:
    return f"{m['covered']:,}/{m['total']:,}" + (f" ({m['ratio']:.1%})" if m["ratio"] is not None else "")


@command(panel=PANEL)
def economy(
    scope: Annotated[str, typer.Option("--scope", help="division code: the county, a town or a village")],
    db: DbOption = None,
    fmt: FormatOption = Format.table,
    hollow_below: Annotated[float | None, typer.Option(
        help="yuan under which a village is hollow (空壳村); default: the project's assumption, "
             "50,000 (the source names no figure)")] = None,
    year: YearOption = None,
) -> None:
    """The village collective economy of a division, year by year: total income, from the chain (dividends on
    holdings in cooperatives and companies a party organization runs or leads) and other, by source, hollow
    villages (空壳村) and growth; per town and per linkage model (--format json: per village too)."""
    from partychain.services.economy import HOLLOW_BELOW, collective_economy

    res = collective_economy(open_store(db, year), scope=scope,
                             hollow_below=HOLLOW_BELOW if hollow_below is None else hollow_below)
    if fmt is Format.json:
        out.print_json(json.dumps(res, ensure_ascii=False))
        return

    def rows(years: list[dict[str, Any]], **first: str) -> list[dict[str, Any]]:
        return [{**first, "year": y["year"], "villages": y["villages"], "total": f"{y['total']:,}",
                 "from chain": f"{y['from_chain']:,}", "other": f"{y['other']:,}",
                 "unattributed": f"{y['unattributed']:,}", "hollow": y["hollow"],
                 "growth": f"{y['growth']:.1%}" if y["growth"] is not None else ""} for y in years]

    title = f"{res['scope']['code']} {res['scope']['name'] or ''}".strip()
    emit(rows(res["years"]), fmt, title=f"{title}: collective income (hollow below {res['hollow_below']:,.0f} yuan)")
    emit([{"year": y["year"], **{s: f"{y['by_source'][s]:,}" for s in res["sources"]}} for y in res["years"]],
         fmt, title="by source")
    if res["towns"]:
        emit([r for t in res["towns"] for r in rows(t["years"], town=f"{t['code']} {t['name']}")], fmt,
             title="by town")
    emit([r for m in res["models"] for r in rows(m["years"], model=m["model"])], fmt, title="by linkage model")
