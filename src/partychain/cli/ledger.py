"""Commands on ledgers: samples, validation, loading, templates."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from .base import DbOption, Format, FormatOption, command, emit, err, open_store, out, progress_bar, sample_app

PANEL = "Ledgers"


ReplaceOption = Annotated[bool, typer.Option("--replace", help="replace the loaded version of the ledger's year when "
                                                                "its contents differ (refused otherwise)")]


def load_ledger(ledger_path: Path, db: Path | None, fmt: Format, *, replace: bool = False) -> None:
    """Validate and load a ledger as the version of its year, printing warnings, progress and a summary."""
    from partychain.loaders import check_ledger

    with progress_bar() as progress:
        progress("validating ledger", 0, 1)
        ledger = check_ledger(ledger_path)
        for w in ledger.warnings:
            err.print(f"  [yellow]warning[/yellow] {escape(str(w))}", highlight=False)
        store = open_store(db)
        info = store.load(ledger, source=str(ledger_path.resolve()), progress=progress, replace=replace)
    summary: dict[str, Any] = {
        "year": info.year, "version": info.version, "engine": info.engine, "nodes": sum(info.nodes.values()),
        "relationships": sum(info.relationships.values()), "rows_in": sum(info.rows_in.values()),
        "rows_loaded": sum(info.rows_loaded.values()), "rows_skipped": sum(info.rows_skipped.values()),
        "warnings": info.warnings, "seconds": info.seconds, "db": str(getattr(store, "path", "")) or None}
    if fmt is Format.json:  # per table, and the warnings themselves
        summary["tables"] = {t: {"rows_in": n, "rows_loaded": info.rows_loaded.get(t, 0),
                                 "rows_skipped": info.rows_skipped.get(t, 0)} for t, n in info.rows_in.items()}
        summary["problems"] = [w.to_dict() for w in ledger.warnings]
    emit([summary], fmt, title="loaded")


@command(sample_app, "songtao")
def sample_songtao(
    out_dir: Annotated[Path, typer.Option("--out", help="folder to write the ledger into")] = Path("songtao-ledger"),
    seed: Annotated[int, typer.Option(help="random seed (same seed, same ledger)")] = 2021,
    pairing_effect: Annotated[float, typer.Option(help="planted effect of pairing on weak villages' "
                                                       "collective income, yuan per year")] = 40_000.0,
    load: Annotated[bool, typer.Option("--load/--no-load", help="also load it into the graph")] = False,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
    years: Annotated[str | None, typer.Option("--years", help="write the ledgers of these years (2019-2021, or "
                                                              "a list 2020,2021) into --out/YEAR; --load loads "
                                                              "them all, side by side")] = None,
    replace: ReplaceOption = False,
) -> None:
    """Write the Songtao county sample ledger (real 28 towns and 522 villages, synthetic people); with --years,
    its history: the ledgers of 2019, 2020 and 2021, consistent with each other (the 2021 one is the sample)."""
    from partychain.sample import generate_songtao

    if years is not None:
        from partychain.sample.history import generate_songtao_years, parse_years

        wanted = parse_years(years)
        with progress_bar() as progress:
            written = generate_songtao_years(out_dir, wanted, seed=seed, pairing_effect=pairing_effect,
                                             progress=progress)
        for year, summary in written.items():
            err.print(f"wrote the {year} ledger: {sum(summary.rows.values()):,} rows to {summary.out_dir}")
        if load:
            for summary in written.values():
                load_ledger(summary.out_dir, db, fmt, replace=replace)
        else:
            emit([{"year": y, "folder": str(s.out_dir), "rows": sum(s.rows.values())} for y, s in written.items()],
                 fmt, title=str(out_dir))
        return
    with progress_bar() as progress:
        summary = generate_songtao(out_dir, seed=seed, pairing_effect=pairing_effect, progress=progress)
    err.print(f"wrote {sum(summary.rows.values()):,} rows in {len(summary.rows)} tables to {out_dir}")
    if load:
        load_ledger(out_dir, db, fmt, replace=replace)
    else:
        emit([{"table": k, "rows": v} for k, v in summary.rows.items()], fmt, title=str(out_dir))


@command(sample_app, "guizhou")
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
    with progress_bar() as progress:
        summary = generate_province(out_dir, counties=codes, seed=seed, pairing_effect=pairing_effect,
                                    progress=progress)
    err.print(f"wrote {sum(summary.rows.values()):,} rows in {len(summary.rows)} tables to {out_dir}")
    if load:
        load_ledger(out_dir, db, fmt)
    else:
        emit([{"table": k, "rows": v} for k, v in summary.rows.items()], fmt, title=str(out_dir))


@command(panel=PANEL)
def validate(ledger: Annotated[Path, typer.Argument(help="ledger folder or .xlsx")],
             fmt: FormatOption = Format.table) -> None:
    """Check a ledger against the model without loading it; exit 1 listing every problem."""
    from partychain.loaders import check_ledger

    v = check_ledger(ledger)
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


@command(panel=PANEL)
def load(ledger: Annotated[Path, typer.Argument(help="ledger folder or .xlsx")], db: DbOption = None,
         fmt: FormatOption = Format.table, replace: ReplaceOption = False) -> None:
    """Validate a ledger and load it as the version of its year (its `ledger` table), atomically: the other years
    stay, and the old graph of its year stays on any error.  A year already loaded with other contents is
    replaced only with --replace; once years are kept, a ledger without a year is refused (exit 1)."""
    load_ledger(ledger, db, fmt, replace=replace)


@command(panel=PANEL)
def versions(db: DbOption = None, fmt: FormatOption = Format.table,
             drop: Annotated[list[int] | None, typer.Option("--drop", help="remove the version of this year "
                                                                           "(repeatable)")] = None) -> None:
    """The dataset versions kept, one per ledger year (the latest is what every command reads by default);
    --drop YEAR removes a year."""
    store = open_store(db)
    for year in drop or []:
        gone = store.drop(year)
        err.print(f"dropped {year} (version {gone.version}, loaded {gone.loaded_at})")
    latest = store.dataset()
    emit([{"year": v.year, "as_of": v.as_of, "version": v.version, "loaded_at": v.loaded_at, "source": v.source,
           "nodes": sum(v.nodes.values()), "relationships": sum(v.relationships.values()),
           "default": latest is not None and v.version == latest.version} for v in store.versions()],
         fmt, title="versions")


@command(panel=PANEL)
def templates(out_dir: Annotated[Path, typer.Argument(help="folder to write empty tables into")],
              xlsx: Annotated[bool, typer.Option("--xlsx", help="one workbook instead of CSV files")] = False,
              lang: Annotated[str, typer.Option("--lang", help="en: English file names and headers; zh: "
                                                               "Chinese (表名.csv, 中文表头)")] = "en",
              ) -> None:
    """Write empty ledger tables with their headers, and the data dictionary beside them."""
    from partychain.loaders.templates import write_templates

    if lang not in ("en", "zh"):
        raise typer.BadParameter(f"--lang {lang!r}: expected en or zh")
    files = write_templates(out_dir, xlsx=xlsx, lang=lang)  # type: ignore[arg-type]
    out.print(f"wrote {len(files)} file(s) to {out_dir}")
