"""The notebooks are committed with their outputs, and the comparison of outputs sees what a reader sees.

Each notebook is committed with its outputs: every code cell has some, none is an error, and a chart is among
them. That those outputs are what a fresh run gives is checked on the fresh run the README's notebooks command
makes (``tests/browser/test_readme.py``, which runs every later README command once); regenerate with

    PARTYCHAIN_DB=$PWD/var/history-graph .venv/bin/python -m partychain.notebooks

(the three Songtao years loaded side by side: ``partychain sample songtao --years 2019-2021 --load``; notebook 4
reads them all, the others the latest, which is the sample). Here: the comparison
(:func:`partychain.notebooks.differences`) ignores run details and sees a changed number.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import nbformat
import pytest

from partychain.notebooks import differences, meaningful

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
NAMES = ["01_coverage.ipynb", "02_chains.ipynb", "03_pairing.ipynb", "04_collective_economy.ipynb"]
REGENERATE = "regenerate: PARTYCHAIN_DB=$PWD/var/history-graph .venv/bin/python -m partychain.notebooks"


def test_the_notebooks_are_there() -> None:
    assert sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_committed_with_their_outputs(name: str) -> None:
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.outputs for c in code if c.source.strip()), f"{name}: a code cell without outputs; {REGENERATE}"
    assert any(kind == "image" for cell in meaningful(nb) for kind, _ in cell), f"{name}: no chart committed"
    assert not [o for c in code for o in c.outputs if o.output_type == "error"], f"{name}: an error is committed"


def test_the_comparison_sees_a_changed_number_and_ignores_run_details() -> None:
    nb = nbformat.read(NOTEBOOKS / "01_coverage.ipynb", as_version=4)
    other = nbformat.read(NOTEBOOKS / "01_coverage.ipynb", as_version=4)
    first = next(c for c in other.cells if c.cell_type == "code" and c.outputs)
    first.execution_count = 99
    stream = next(o for o in first.outputs if o.output_type == "stream")
    changed = re.sub(r"\d{8}T\d+Z-[0-9a-f]+", "20990101T000000000000Z-deadbeef", stream.text)
    assert changed != stream.text
    stream.text = changed
    assert differences(nb, other) == []  # execution counts and version ids do not matter
    table = next(o for c in other.cells if c.cell_type == "code" for o in c.outputs
                 if "text/html" in o.get("data", {}) and "<table" in o.data["text/html"])
    cells = meaningful(nb)
    html = table.data["text/html"]
    number = next(x for x in ("%</td>", "</td>") if x in html)
    i = html.index(number)
    table.data["text/html"] = html[: i - 1] + ("7" if html[i - 1] != "7" else "8") + html[i:]
    assert differences(nb, other) and meaningful(other) != cells  # a changed table cell does



def test_the_comparison_joins_a_streams_chunks_wherever_the_kernel_cut_them() -> None:
    """The kernel may send ``"…non-leading\\n"`` as one chunk in one run and ``"…non-leading"``, ``"\\n"`` in the
    next (it flushes on a timer): a reader sees the same text, so the comparison does too; other text does not."""
    def cell(*chunks: tuple[str, str]) -> Any:
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell(outputs=[nbformat.v4.new_output("stream", name=n, text=t)
                                                       for n, t in chunks])]
        return nb

    one = cell(("stdout", "matched 22 of 23\n"))
    assert differences(one, cell(("stdout", "matched 22 "), ("stdout", "of 23"), ("stdout", "\n"))) == []
    assert meaningful(one) == [[("stream:stdout", "matched 22 of 23\n")]]
    assert differences(one, cell(("stdout", "matched 21 of 23\n")))
    assert differences(one, cell(("stdout", "matched 22 "), ("stderr", "of 23\n")))  # another stream is not joined
