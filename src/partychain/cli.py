"""The ``partychain`` command line."""

from __future__ import annotations

import json
import logging
import signal
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table as RichTable
from rich.text import Text

from partychain.errors import LedgerInvalid, PartychainError
from partychain.settings import get_settings

app = typer.Typer(help="Party building along the industry chain, as a graph.", no_args_is_help=True,
                  pretty_exceptions_enable=False)
sample_app = typer.Typer(help="Write sample ledgers (synthetic people on real divisions).", no_args_is_help=True)
app.add_typer(sample_app, name="sample")
# pipes and CI logs get wide tables instead of rich's 80-column default
out = Console(width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, width=None if sys.stderr.isatty() else 160)
log = logging.getLogger("partychain")


class Format(StrEnum):
    table = "table"
    json = "json"


DbOption = Annotated[Path | None, typer.Option("--db", help="graph directory (default: $PARTYCHAIN_DB or a "
                                                             "per-user data directory)")]
FormatOption = Annotated[Format, typer.Option("--format", "-f", help="output format")]


@app.callback()
def _main(verbose: Annotated[bool, typer.Option("--verbose", "-v", help="log more")] = False) -> None:
    level = logging.DEBUG if verbose else getattr(logging, get_settings().log_level.upper(), logging.INFO)
    logging.basicConfig(level=max(level, logging.WARNING) if not verbose else level,
                        format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)


@contextmanager
def _progress(enabled: bool = True) -> Iterator[Any]:
    """A rich progress bar on stderr; yields a callback (step, done, total)."""
    if not enabled or not err.is_terminal:
        def plain(step: str, done: int, total: int) -> None:
            log.info("%s (%d/%d)", step, done, total)

        yield plain
        return
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=True) as bar:
        task = bar.add_task("", total=None)

        def update(step: str, done: int, total: int) -> None:
            bar.update(task, description=step, completed=done, total=total)

        yield update


def _emit(rows: Sequence[dict[str, Any]], fmt: Format, title: str | None = None) -> None:
    if fmt is Format.json:
        out.print_json(json.dumps(list(rows), ensure_ascii=False, default=str))
        return
    table = RichTable(title=title)
    cols = list(rows[0]) if rows else []
    for c in cols:
        table.add_column(c)
    for r in rows:
        table.add_row(*(Text("" if r[c] is None else str(r[c])) for c in cols))  # ledger text, never markup
    out.print(table)


def _fail(e: PartychainError, fmt: Format = Format.table) -> None:
    if isinstance(e, LedgerInvalid):
        if fmt is Format.json:
            out.print_json(json.dumps({"valid": False, "rows_in": e.rows_in, "rows_skipped": e.rows_skipped,
                                       "rows_rejected": e.rows_rejected,
                                       "problems": [p.to_dict() for p in e.problems]}, ensure_ascii=False))
        else:
            errors = [p for p in e.problems if p.severity == "error"]
            err.print(f"[red]ledger invalid: {len(errors)} error(s)[/red] in {sum(e.rows_rejected.values()):,} of "
                      f"{sum(e.rows_in.values()):,} rows; nothing was loaded, the graph is unchanged")
            for p in e.problems:
                colour = "red" if p.severity == "error" else "yellow"
                err.print(f"  [{colour}]{p.severity}[/{colour}] {escape(str(p))}", markup=True, highlight=False)
        raise typer.Exit(1)
    err.print(f"[red]error:[/red] {escape(str(e))}", highlight=False)
    raise typer.Exit(2)


def _store(db: Path | None) -> Any:
    from partychain.storage import open_store

    return open_store(get_settings(), db=db)


def _load(ledger_path: Path, db: Path | None, fmt: Format) -> None:
    from partychain.loaders import check_ledger

    with _progress() as progress:
        progress("validating ledger", 0, 1)
        ledger = check_ledger(ledger_path)
        for w in ledger.warnings:
            err.print(f"  [yellow]warning[/yellow] {escape(str(w))}", highlight=False)
        store = _store(db)
        info = store.load(ledger, source=str(ledger_path.resolve()), progress=progress)
    summary: dict[str, Any] = {
        "version": info.version, "engine": info.engine, "nodes": sum(info.nodes.values()),
        "relationships": sum(info.relationships.values()), "rows_in": sum(info.rows_in.values()),
        "rows_loaded": sum(info.rows_loaded.values()), "rows_skipped": sum(info.rows_skipped.values()),
        "warnings": info.warnings, "seconds": info.seconds, "db": str(getattr(store, "path", "")) or None}
    if fmt is Format.json:  # per table, and the warnings themselves
        summary["tables"] = {t: {"rows_in": n, "rows_loaded": info.rows_loaded.get(t, 0),
                                 "rows_skipped": info.rows_skipped.get(t, 0)} for t, n in info.rows_in.items()}
        summary["problems"] = [w.to_dict() for w in ledger.warnings]
    _emit([summary], fmt, title="loaded")


@sample_app.command("songtao")
def sample_songtao(
    out_dir: Annotated[Path, typer.Option("--out", help="folder to write the ledger into")] = Path("songtao-ledger"),
    seed: Annotated[int, typer.Option(help="random seed (same seed, same ledger)")] = 2021,
    pairing_effect: Annotated[float, typer.Option(help="planted effect of pairing on weak villages' "
                                                       "collective income, yuan per year")] = 40_000.0,
    load: Annotated[bool, typer.Option("--load/--no-load", help="also load it into the graph")] = False,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Write the Songtao county sample ledger (real 28 towns and 522 villages, synthetic people)."""
    from partychain.sample import generate_songtao

    try:
        with _progress() as progress:
            summary = generate_songtao(out_dir, seed=seed, pairing_effect=pairing_effect, progress=progress)
        err.print(f"wrote {sum(summary.rows.values()):,} rows in {len(summary.rows)} tables to {out_dir}")
        if load:
            _load(out_dir, db, fmt)
        else:
            _emit([{"table": k, "rows": v} for k, v in summary.rows.items()], fmt, title=str(out_dir))
    except PartychainError as e:
        _fail(e, fmt)


@sample_app.command("guizhou")
def sample_guizhou(
    out_dir: Annotated[Path, typer.Option("--out", help="folder to write the ledger into")] = Path("guizhou-ledger"),
    counties: Annotated[str | None, typer.Option("--counties", help="comma-separated county codes "
                                                                     "(default: all 88)")] = None,
    seed: Annotated[int, typer.Option(help="random seed (same seed, same ledger)")] = 2021,
    pairing_effect: Annotated[float, typer.Option(help="planted effect of pairing on weak villages' "
                                                       "collective income, yuan per year")] = 40_000.0,
    load: Annotated[bool, typer.Option("--load/--no-load", help="also load it into the graph")] = False,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Write the Guizhou province sample ledger (real 88 counties, 17,964 villages; ~7 million synthetic
    households), county by county in bounded memory."""
    from partychain.sample import generate_province

    codes = [c.strip() for c in counties.split(",") if c.strip()] if counties else None
    try:
        with _progress() as progress:
            summary = generate_province(out_dir, counties=codes, seed=seed, pairing_effect=pairing_effect,
                                        progress=progress)
        err.print(f"wrote {sum(summary.rows.values()):,} rows in {len(summary.rows)} tables to {out_dir}")
        if load:
            _load(out_dir, db, fmt)
        else:
            _emit([{"table": k, "rows": v} for k, v in summary.rows.items()], fmt, title=str(out_dir))
    except PartychainError as e:
        _fail(e, fmt)


@app.command()
def validate(ledger: Annotated[Path, typer.Argument(help="ledger folder or .xlsx")],
             fmt: FormatOption = Format.table) -> None:
    """Check a ledger against the model without loading it; exit 1 listing every problem."""
    from partychain.loaders import check_ledger

    try:
        v = check_ledger(ledger)
    except PartychainError as e:
        _fail(e, fmt)
        return
    if fmt is Format.json:
        out.print_json(json.dumps({"valid": True, "rows_in": v.rows_in, "rows_loaded": v.rows_loaded,
                                   "rows_skipped": v.rows_skipped, "nodes": v.node_count,
                                   "relationships": v.rel_count,
                                   "problems": [p.to_dict() for p in v.warnings]}, ensure_ascii=False))
    else:
        for w in v.warnings:
            err.print(f"  [yellow]warning[/yellow] {escape(str(w))}", highlight=False)
        skipped = sum(v.rows_skipped.values())
        out.print(f"ledger valid: {sum(v.rows_in.values()):,} rows → {v.node_count:,} nodes, "
                  f"{v.rel_count:,} relationships" + (f" ({skipped:,} blank rows skipped)" if skipped else ""))


@app.command()
def load(ledger: Annotated[Path, typer.Argument(help="ledger folder or .xlsx")], db: DbOption = None,
         fmt: FormatOption = Format.table) -> None:
    """Validate a ledger and replace the graph with it, atomically (the old graph stays on any error)."""
    try:
        _load(ledger, db, fmt)
    except PartychainError as e:
        _fail(e, fmt)


@app.command()
def stats(db: DbOption = None, fmt: FormatOption = Format.table) -> None:
    """Counts per node label and relationship type, and what dataset is loaded."""
    try:
        store = _store(db)
        nodes, rels = store.counts()
        info = store.dataset()
    except PartychainError as e:
        _fail(e, fmt)
        return
    if fmt is Format.json:
        out.print_json(json.dumps({"nodes": nodes, "relationships": rels,
                                   "dataset": info.to_dict() if info else None}, ensure_ascii=False))
        return
    _emit([{"label": k, "nodes": v} for k, v in nodes.items()], fmt, title="nodes")
    _emit([{"type": k, "relationships": v} for k, v in rels.items()], fmt, title="relationships")
    if info:
        out.print(f"dataset {info.version} loaded {info.loaded_at} from {escape(info.source)}")


@app.command()
def figures(db: DbOption = None, scope: Annotated[str, typer.Option(help="division code prefix")] = "",
            fmt: FormatOption = Format.table,
            all_metrics: Annotated[bool, typer.Option("--all", help="also list computed metrics "
                                                                    "nobody reported")] = False) -> None:
    """Every reported figure beside the value computed from the graph; exit 1 on a mismatch."""
    from partychain.figures import figures as compute

    try:
        rows = compute(_store(db), scope=scope, include_unreported=all_metrics)
    except PartychainError as e:
        _fail(e, fmt)
        return
    if fmt is Format.json:
        _emit([r.to_dict() for r in rows], fmt)
    else:
        _emit([{"metric": r.metric, "scope": r.scope_code, "unit": r.unit,
                "reported": f"{r.reported:,}" if r.reported is not None else "",
                "computed": f"{r.computed:,}" if r.computed is not None else "", "status": r.status}
               for r in rows], fmt, title="reported vs computed")
        sources = sorted({f"{r.source_title} ({r.publisher}, {r.as_of})" for r in rows if r.source_title})
        for src in sources:
            out.print(f"source: {escape(src)}", highlight=False)
    if any(r.status == "mismatch" for r in rows):
        raise typer.Exit(1)


@app.command()
def templates(out_dir: Annotated[Path, typer.Argument(help="folder to write empty tables into")],
              xlsx: Annotated[bool, typer.Option("--xlsx", help="one workbook instead of CSV files")] = False) -> None:
    """Write empty ledger tables with their headers, and the data dictionary beside them."""
    from partychain.loaders.templates import write_templates

    files = write_templates(out_dir, xlsx=xlsx)
    out.print(f"wrote {len(files)} file(s) to {out_dir}")


def _generated(text: str, out_file: Path | None, check: bool, command: str) -> None:
    """Print a generated page, write it to ``out_file``, or (``check``) exit 1 when ``out_file`` differs."""
    if out_file is None:
        sys.stdout.write(text)
        return
    if check:
        if not out_file.exists() or out_file.read_text(encoding="utf-8") != text:
            err.print(f"{out_file} is stale: run `partychain {command} --out {out_file}`")
            raise typer.Exit(1)
        return
    out_file.write_text(text, encoding="utf-8")


OutOption = Annotated[Path | None, typer.Option("--out", help="write here instead of stdout")]
CheckOption = Annotated[bool, typer.Option("--check", help="exit 1 if --out differs from what would be written")]


@app.command()
def dictionary(out_file: OutOption = None, check: CheckOption = False) -> None:
    """Print (or write) the data dictionary generated from the model."""
    from partychain.graph_model import render_dictionary

    _generated(render_dictionary(), out_file, check, "dictionary")


@app.command()
def querydoc(out_file: OutOption = None, check: CheckOption = False) -> None:
    """Print (or write) docs/queries.md: every named query's header and its worked example on the mini ledger."""
    from partychain.cypher.page import render
    from partychain.testing import mini_store

    _generated(render(mini_store()), out_file, check, "querydoc")


@app.command()
def apidoc(out_file: OutOption = None, check: CheckOption = False) -> None:
    """Print (or write) docs/api.md: every HTTP endpoint with the role it needs, read from the app."""
    from partychain.api.app import create_app
    from partychain.api.endpoint_table import render
    from partychain.settings import Settings
    from partychain.testing import mini_store

    app_ = create_app(mini_store(), Settings(_env_file=None))
    _generated(render(app_), out_file, check, "apidoc")


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


@app.command()
def query(
    name: Annotated[str, typer.Argument(help="named query (see `partychain query --list`)")] = "",
    param: Annotated[list[str] | None, typer.Option("--param", "-p", help="name=value (string) or "
                                                                          "name:=json (number, null, list)")] = None,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
    list_: Annotated[bool, typer.Option("--list", help="list the named queries")] = False,
) -> None:
    """Run a named query from the catalog on the configured engine."""
    from partychain import cypher

    if list_ or not name:
        _emit([{"name": n, "parameters": ", ".join(cypher.get(n).parameters),
                "answers": cypher.get(n).header.splitlines()[0]} for n in cypher.names()], fmt, title="queries")
        return
    try:
        q = cypher.get(name)
        params = _parse_params(param or [])
        missing = [p for p in q.parameters if p not in params]
        if missing:
            raise typer.BadParameter(f"query {name!r} needs --param for: {', '.join(missing)}\n{q.header}")
        res = _store(db).named(name, **params)
    except PartychainError as e:
        _fail(e, fmt)
        return
    _emit(res.records(), fmt, title=name)


@app.command()
def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option(help="interface to bind")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port")] = 8000,
    workers: Annotated[int, typer.Option(help="worker processes (embedded engine: readers share the "
                                              "read-only graph)")] = 1,
) -> None:
    """Serve the dashboard (/) and the HTTP API (/api/v1) with uvicorn on the configured engine (docs at /docs).

    With no API key configured, on a loopback address, it makes an officer key for this run and prints a
    sign-in link carrying a one-time token (see partychain.api.first_run).
    """
    import os

    from partychain.api import first_run
    from partychain.api.server import serve as run_server

    if db is not None:
        os.environ["PARTYCHAIN_DB"] = str(db)
        get_settings.cache_clear()
    shown = f"[{host}]" if ":" in host else host
    err.print(f"partychain API on http://{shown}:{port}/api/v1  (OpenAPI docs: http://{shown}:{port}/docs)")
    made = first_run.prepare(get_settings(), host=host, port=port)
    # plain writes, one line each: the sign-in link must reach the terminal unwrapped
    if made is not None:
        sys.stderr.write(f"dashboard, signed in as a local officer (this link works once; this run only):\n"
                         f"    {made.url}\n"
                         f"officer key of this run, for curl: {made.key_file}\n")
    else:
        sys.stderr.write(f"dashboard: http://{shown}:{port}/\n")
        if not os.environ.get("PARTYCHAIN_API_KEYS") and get_settings().api_keys_file is None \
                and not get_settings().api_keys.get_secret_value():
            sys.stderr.write("no API keys configured and not on a loopback address: anonymous access (aggregates) "
                             "only; set PARTYCHAIN_API_KEYS or PARTYCHAIN_API_KEYS_FILE\n")
    sys.stderr.flush()
    if made is not None:  # uvicorn re-raises the SIGTERM it stopped on: end through `finally`, removing the key
        signal.signal(signal.SIGTERM, _exit_on_signal)
    try:
        run_server(get_settings(), host=host, port=port, workers=workers)
    finally:
        if made is not None:
            made.cleanup()


def _exit_on_signal(signum: int, _frame: Any) -> None:
    raise SystemExit(128 + signum)


@app.command()
def report(
    scope: Annotated[str, typer.Option("--scope", help="division code: the county (or province, town, village) "
                                                       "to report on")],
    out_file: Annotated[Path, typer.Option("--out", help="the .xlsx workbook to write")],
    db: DbOption = None,
) -> None:
    """Write the workbook an organization department sends upward: overview and figures, a sheet per town, the
    gap lists (Chinese headers, numbers as numbers, no personal data)."""
    from partychain.report import write_report

    if out_file.suffix.lower() != ".xlsx":
        raise typer.BadParameter(f"{out_file}: the report is an .xlsx workbook; name the file *.xlsx")
    try:
        summary = write_report(_store(db), scope, out_file)
    except PartychainError as e:
        _fail(e)
        return
    out.print(f"wrote {escape(summary['path'])}: {len(summary['sheets'])} sheets, {summary['bytes']:,} bytes")


@app.command()
def export(
    out_dir: Annotated[Path, typer.Argument(help="folder to write the export into")],
    fmt: Annotated[str, typer.Option("--format", help="export format: neo4j-admin")] = "neo4j-admin",
    db: DbOption = None,
) -> None:
    """Export the graph, e.g. as neo4j-admin import CSV files for first loads of very large ledgers."""
    if fmt != "neo4j-admin":
        raise typer.BadParameter(f"unknown export format {fmt!r}; known: neo4j-admin")
    from partychain.export import export_neo4j_admin

    try:
        with _progress() as progress:
            counts = export_neo4j_admin(_store(db), out_dir, progress=progress)
    except PartychainError as e:
        _fail(e)
        return
    _emit([{"file": k, "rows": v} for k, v in counts.items()], Format.table, title=str(out_dir))


def main() -> None:
    app()


if __name__ == "__main__":
    main()
