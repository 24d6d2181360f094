"""The analyst notebooks, committed with their outputs: run them, regenerate them, check them.

    PARTYCHAIN_DB=$PWD/var/graph python -m partychain.notebooks           # run notebooks/*.ipynb, keep the outputs
    PARTYCHAIN_DB=$PWD/var/graph python -m partychain.notebooks --check   # exit 1 when a committed output is stale

The notebooks are committed with their outputs so that their tables and charts show on a code host.
They are run on the Songtao sample (``partychain sample songtao --years 2019-2021 --load``, seed 2021: the
three ledger years side by side, which notebook 04 reads; the latest year is the sample itself, which the
others read) in a fresh kernel, with the embedded engine, the inline backend of matplotlib (charts become
PNG outputs) and a temporary folder for saved figures (``$PARTYCHAIN_FIGURES_DIR`` when set). The suite runs
them with the README's command and fails when their outputs no longer match the committed ones
(``tests/browser/test_readme.py``).

What is compared is what a reader sees, not how the run went: per code cell, the printed text (a stream's
consecutive chunks joined: where the kernel cuts them depends on timing),
each result's ``text/plain``, the cells of every HTML table (header and data cells, in order), and
whether a cell shows an image (not its bytes: fonts and renderer versions move pixels). Parts that
differ from run to run without meaning are normalized: dataset version ids, timestamps, absolute
paths, memory addresses, and whether this machine has a CJK font (the notebooks print it; without
one, chart labels fall back to codes). Execution counts and timings are not compared.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import sys
import tempfile
from collections.abc import Iterator, Sequence
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from partychain.errors import ConfigError

CELL_TIMEOUT_S = 600
FIGURES_ENV = "PARTYCHAIN_FIGURES_DIR"
"""Where the notebooks save their figures (the notebooks read it; ``main`` keeps it, else a temporary folder)."""

_VOLATILE: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\d{8}T\d{6,}Z-[0-9a-f]{6,}"), "<version>"),
    (re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?"), "<time>"),
    (re.compile(r"(?<![\w.])(?:/[\w.+\-]+){2,}/?"), "<path>"),
    (re.compile(r" at 0x[0-9a-fA-F]+"), " at 0x…"),
    (re.compile(r"CJK font: (?:True|False)"), "CJK font: <this machine>"),
)


def normalize(text: str) -> str:
    """Text with its run-to-run parts replaced.

    >>> normalize("graph 20261202T173346384726Z-91a867a4 from /tmp/x/songtao, loaded 2026-12-02T17:33:49+00:00")
    'graph <version> from <path>, loaded <time>'
    >>> normalize("<pandas.io.formats.style.Styler at 0x7f3a2c1b2d90>  CJK font: False")
    '<pandas.io.formats.style.Styler at 0x…>  CJK font: <this machine>'
    """
    for pattern, repl in _VOLATILE:
        text = pattern.sub(repl, text)
    return text


class _Cells(HTMLParser):
    """The text of every ``th``/``td`` of an HTML fragment, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[str] = []
        self._buf: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("th", "td"):
            self._buf = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("th", "td") and self._buf is not None:
            self.cells.append(" ".join("".join(self._buf).split()))
            self._buf = None

    def handle_data(self, data: str) -> None:
        if self._buf is not None:
            self._buf.append(data)


def table_cells(html: str) -> list[str]:
    """The cell texts of the tables in ``html``.

    >>> table_cells('<table><tr><th id="T_1a2b_row0">town</th><td class="x">42.0%</td></tr></table>')
    ['town', '42.0%']
    """
    p = _Cells()
    p.feed(html)
    return [normalize(c) for c in p.cells]


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def meaningful(nb: Any) -> list[list[tuple[str, Any]]]:
    """Per code cell, what a reader sees of its outputs (see the module doc)."""
    out: list[list[tuple[str, Any]]] = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        seen: list[tuple[str, Any]] = []
        for o in cell.get("outputs", []):
            kind = o.get("output_type")
            if kind == "stream":  # one stream's consecutive chunks as one: where the kernel splits them is timing
                key, text = f"stream:{o.get('name')}", _text(o.get("text", ""))
                if seen and seen[-1][0] == key:
                    key, before = seen.pop()
                    text = before + text
                seen.append((key, text))
            elif kind in ("execute_result", "display_data"):
                data = o.get("data", {})
                if "text/html" in data and "<table" in _text(data["text/html"]):
                    seen.append(("table", table_cells(_text(data["text/html"]))))
                elif "text/plain" in data:
                    seen.append(("text", normalize(_text(data["text/plain"]))))
                if any(k.startswith("image/") for k in data):
                    seen.append(("image", True))
            elif kind == "error":
                seen.append(("error", o.get("ename")))
        out.append([(k, normalize(v)) if k.startswith("stream:") else (k, v) for k, v in seen])
    return out


def differences(committed: Any, fresh: Any, *, limit: int = 5) -> list[str]:
    """Where a fresh run's outputs differ from the committed ones, cell by cell (empty: they agree)."""
    a, b = meaningful(committed), meaningful(fresh)
    problems = []
    if len(a) != len(b):
        problems.append(f"{len(a)} code cells committed, {len(b)} run")
    for i, (x, y) in enumerate(zip(a, b, strict=False), start=1):
        if x != y:
            problems.append(f"code cell {i}: committed {_short(x)} but a fresh run gives {_short(y)}")
    return problems[:limit]


def _short(outputs: list[tuple[str, Any]]) -> str:
    text = repr(outputs)
    return text if len(text) < 400 else text[:400] + "…"


@contextlib.contextmanager
def _environment(db: Path, figures: Path) -> Iterator[None]:
    """The environment the kernel inherits: the embedded graph at ``db``, no Neo4j, inline charts."""
    set_to = {"PARTYCHAIN_DB": str(db), "PARTYCHAIN_ENGINE": "embedded", FIGURES_ENV: str(figures),
              "MPLBACKEND": "module://matplotlib_inline.backend_inline",
              "PYTHONHASHSEED": "0"}  # set and dict orders, hence community labels, the same in every run
    dropped = ("PARTYCHAIN_NEO4J_URI", "PARTYCHAIN_SCOPE")
    before = {k: os.environ.get(k) for k in (*set_to, *dropped)}
    os.environ.update(set_to)
    for k in dropped:
        os.environ.pop(k, None)
    try:
        yield
    finally:
        for k, v in before.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def execute(path: Path, *, db: Path, workdir: Path | None = None, figures: Path | None = None,
            timeout: int = CELL_TIMEOUT_S) -> Any:
    """Run the notebook at ``path`` top to bottom in a fresh kernel on the graph at ``db``; the executed notebook.

    Saved figures go to ``figures``, else ``workdir/figures`` (``workdir`` is a temporary folder by default);
    a failing cell raises ``nbclient.exceptions.CellExecutionError`` with its traceback.
    """
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory(prefix="partychain-nb-") as tmp:
        work = Path(workdir) if workdir is not None else Path(tmp)
        with _environment(Path(db), Path(figures) if figures is not None else work / "figures"):
            client = NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                                    resources={"metadata": {"path": str(work)}})
            client.execute()
    return nb


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m partychain.notebooks``: regenerate the notebooks in place, or ``--check`` them."""
    import nbformat

    ap = argparse.ArgumentParser(prog="python -m partychain.notebooks", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("notebooks", nargs="*", type=Path, help="notebooks to run (default: notebooks/*.ipynb)")
    ap.add_argument("--db", type=Path, default=None, help="the loaded Songtao sample (default: $PARTYCHAIN_DB)")
    ap.add_argument("--check", action="store_true", help="do not write; exit 1 when committed outputs are stale")
    args = ap.parse_args(argv)
    db = args.db or (Path(os.environ["PARTYCHAIN_DB"]) if os.environ.get("PARTYCHAIN_DB") else None)
    if db is None:
        raise ConfigError("name the loaded Songtao sample: --db PATH or PARTYCHAIN_DB "
                          "(partychain sample songtao --out var/songtao --load --db var/graph)")
    paths = args.notebooks or sorted(Path("notebooks").glob("*.ipynb"))
    figures = Path(os.environ[FIGURES_ENV]) if os.environ.get(FIGURES_ENV) else None
    stale = 0
    for path in paths:
        fresh = execute(path, db=db, figures=figures)
        if args.check:
            problems = differences(nbformat.read(path, as_version=4), fresh)
            stale += bool(problems)
            print(f"{path}: " + ("up to date" if not problems else "STALE\n  " + "\n  ".join(problems)))
        else:
            nbformat.write(fresh, path)
            print(f"{path}: outputs regenerated")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
