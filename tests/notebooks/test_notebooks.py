"""The notebooks run top to bottom against the Songtao sample, through the configured engine.

Each notebook is executed with nbclient in a fresh kernel whose environment points
``PARTYCHAIN_DB`` at the session's loaded sample (and away from any Neo4j server);
notebook 3 saves ``pairing_network.png`` and ``event_study.png`` into
``PARTYCHAIN_FIGURES_DIR``, checked here. Every notebook says what the data are (a synthetic
sample) in its outputs; notebook 3 shows the event study, balance, power and sensitivity, each
captioned with that label. The notebooks are stored without outputs.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
NAMES = ["01_coverage.ipynb", "02_chains.ipynb", "03_pairing.ipynb"]
CELL_TIMEOUT_S = 600
FIGURE_PX = (1000, 1000)  # notebook 3: figsize (10, 10) at 100 dpi, saved without trimming


def test_the_notebooks_are_there():
    assert sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_stored_without_outputs(name):
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{name}: clear the outputs"


@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs(name, songtao_graph, tmp_path, monkeypatch):
    figures = tmp_path / "figures"
    monkeypatch.setenv("PARTYCHAIN_DB", str(songtao_graph.path))
    monkeypatch.setenv("PARTYCHAIN_FIGURES_DIR", str(figures))
    monkeypatch.setenv("PARTYCHAIN_ENGINE", "embedded")
    monkeypatch.delenv("PARTYCHAIN_NEO4J_URI", raising=False)
    monkeypatch.delenv("PARTYCHAIN_SCOPE", raising=False)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    client = NotebookClient(nb, timeout=CELL_TIMEOUT_S, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}})
    client.execute()  # raises CellExecutionError with the cell and traceback on failure
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
    text = _output_text(nb)
    assert "data: synthetic Songtao sample" in text  # what the data are, said up front
    if name == "03_pairing.ipynb":
        png = figures / "pairing_network.png"
        assert png.is_file() and png.stat().st_size > 10_000
        img = plt.imread(png)
        assert img.shape[:2] == FIGURE_PX
        assert img[..., :3].std() > 0.05
        assert (figures / "event_study.png").is_file()
        label = "synthetic Songtao sample (real villages; synthetic incomes and pairings), effect of 40,000 yuan planted"
        assert f"[{label}] pairing effect" in text  # the estimate is labelled with what was planted
        assert "permutation p < 0.001 (999 rewirings)" in text  # a p-value at its floor is a bound
        assert "smallest" in text or "detected with 80% power" in text  # power
        for caption_of in ("relative_year", "smd_after", "p_upper", "gamma"):  # event study, balance, sensitivity
            assert caption_of in text, caption_of
        assert text.count(label) >= 10  # tables and charts carry the label


def _output_text(nb) -> str:
    """Every text and HTML output of the executed notebook, joined."""
    parts = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            if o.output_type == "stream":
                parts.append(o.text)
            elif o.output_type in ("execute_result", "display_data"):
                parts.extend(str(o.data.get(k, "")) for k in ("text/plain", "text/html"))
    return "\n".join(parts)
