"""The CLI's shared pieces: the Typer app, output (tables, JSON, progress), and the one error handler.

Every command is registered with :func:`command`, which runs it under :func:`handled`: a
:class:`~partychain.errors.PartychainError` becomes one clear message on stderr and an exit code
(1 for an invalid ledger, listing every problem, for a ledger refused for its year and for a year not
loaded, naming the years that are; 2 for everything else), never a traceback.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import json
import logging
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table as RichTable
from rich.text import Text

from partychain.errors import LedgerInvalid, PartychainError, YearNotLoaded, YearRefused
from partychain.settings import get_settings

app = typer.Typer(help="Party building along the industry chain, as a graph.", no_args_is_help=True,
                  pretty_exceptions_enable=False)
sample_app = typer.Typer(help="Write sample ledgers (synthetic people on real divisions).", no_args_is_help=True)
app.add_typer(sample_app, name="sample", rich_help_panel="Ledgers")
# pipes and CI logs get wide tables instead of rich's 80-column default
out = Console(width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, width=None if sys.stderr.isatty() else 160)
log = logging.getLogger("partychain")

F = TypeVar("F", bound=Callable[..., Any])


class Format(StrEnum):
    table = "table"
    json = "json"


DbOption = Annotated[Path | None, typer.Option("--db", help="graph directory (default: $PARTYCHAIN_DB or a "
                                                             "per-user data directory)")]
FormatOption = Annotated[Format, typer.Option("--format", "-f", help="output format")]
OutOption = Annotated[Path | None, typer.Option("--out", help="write here instead of stdout")]
YearOption = Annotated[int | None, typer.Option("--year", help="the ledger year (dataset version) to read; default: "
                                                                 "the latest (`partychain versions` lists them)")]
CheckOption = Annotated[bool, typer.Option("--check", help="exit 1 if --out differs from what would be written")]


@app.callback()
def _main(verbose: Annotated[bool, typer.Option("--verbose", "-v", help="log more")] = False) -> None:
    level = logging.DEBUG if verbose else getattr(logging, get_settings().log_level.upper(), logging.INFO)
    logging.basicConfig(level=max(level, logging.WARNING) if not verbose else level,
                        format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    if not verbose:  # the Neo4j driver warns at every retry; the error that ends the retries is what is said
        logging.getLogger("neo4j").setLevel(logging.ERROR)


def handled(fn: F) -> F:
    """``fn`` with the CLI's one error handler around it (the ``fmt`` argument picks the output)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except PartychainError as e:
            fail(e, kwargs.get("fmt", Format.table))
            return None

    return wrapper  # type: ignore[return-value]


def command(typer_app: typer.Typer = app, name: str | None = None, *, panel: str | None = None) -> Callable[[F], F]:
    """Register a command on ``typer_app`` under the one error handler (``panel``: its group in ``--help``)."""

    def register(fn: F) -> F:
        typer_app.command(name, rich_help_panel=panel)(handled(fn))
        return fn

    return register


@contextmanager
def progress_bar(enabled: bool = True) -> Iterator[Any]:
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


def emit(rows: Sequence[dict[str, Any]], fmt: Format, title: str | None = None) -> None:
    """Rows as a table (or JSON); cell text is ledger text, never markup."""
    if fmt is Format.json:
        out.print_json(json.dumps(list(rows), ensure_ascii=False, default=str))
        return
    table = RichTable(title=title)
    cols = list(rows[0]) if rows else []
    for c in cols:
        table.add_column(c)
    for r in rows:
        table.add_row(*(Text("" if r[c] is None else str(r[c])) for c in cols))
    out.print(table)


def fail(e: PartychainError, fmt: Format = Format.table) -> None:
    """The one error handler: print what is wrong and exit 1 (an invalid ledger) or 2 (anything else)."""
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
    err.print(f"[red]error:[/red] {escape(str(e))}", highlight=False, soft_wrap=True)  # one line, however long
    raise typer.Exit(1 if isinstance(e, YearNotLoaded | YearRefused) else 2)


def open_store(db: Path | None, year: int | None = None) -> Any:
    """The configured store (``--db`` overrides ``PARTYCHAIN_DB`` for the embedded engine), pinned to the version
    of ``year`` for the rest of the command when one is given (:class:`~partychain.errors.YearNotLoaded`
    when that year is not loaded)."""
    from partychain.storage import open_store as _open

    store = _open(get_settings(), db=db)
    if year is None:
        return store
    return _pins.enter_context(store.pinned(year))


_pins = contextlib.ExitStack()  # year views of this command, released at exit
atexit.register(_pins.close)


def generated(text: str, out_file: Path | None, check: bool, command_name: str) -> None:
    """Print a generated page, write it to ``out_file``, or (``check``) exit 1 when ``out_file`` differs."""
    if out_file is None:
        sys.stdout.write(text)
        return
    if check:
        if not out_file.exists() or out_file.read_text(encoding="utf-8") != text:
            err.print(f"{out_file} is stale: run `partychain {command_name} --out {out_file}`")
            raise typer.Exit(1)
        return
    out_file.write_text(text, encoding="utf-8")
