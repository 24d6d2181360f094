"""Every command and curl example of the README works, in order, after its first command.

The first command is run as written (``served``, conftest.py); the second is this test suite itself; every
later ```bash block runs in the same scratch folder, in order, against the server the first one started
(its port substituted), and must succeed and give what the README says it gives.

One of them regenerates the notebooks (``python -m partychain.notebooks``: each in a fresh kernel on the three
Songtao years loaded side by side, the latest being the sample). Those are the fresh runs the committed
notebooks are compared with, as a reader sees them (:mod:`partychain.notebooks`); a stale notebook fails here.
"""

from __future__ import annotations

import json
import stat

import httpx
import matplotlib.pyplot as plt
import nbformat
import openpyxl
import pytest

from partychain.notebooks import differences

from .conftest import ROOT, LaterRun, Served, readme_blocks

NOTEBOOKS = ROOT / "notebooks"
NOTEBOOK_NAMES = ["01_coverage.ipynb", "02_chains.ipynb", "03_pairing.ipynb", "04_collective_economy.ipynb"]
FIGURE_PX = (1000, 1000)  # notebook 3: figsize (10, 10) at 100 dpi, saved without trimming
REGENERATE = "regenerate: PARTYCHAIN_DB=$PWD/var/history-graph .venv/bin/python -m partychain.notebooks"


def test_the_first_command_serves_the_dashboard_and_prints_a_sign_in_link(served: Served) -> None:
    page = httpx.get(served.base + "/", timeout=30)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "/assets/js/main.js" in page.text and "script-src 'self'" in page.headers["content-security-policy"]
    assert served.signin_url.startswith(served.base + "/#token=")
    assert stat.S_IMODE(served.key_file.stat().st_mode) == 0o600
    anonymous = httpx.get(served.base + "/api/v1/gaps", params={"scope": "520628", "kind": "bases_without_member"})
    assert anonymous.status_code == 403
    assert served.api("/gaps", scope="520628", kind="bases_without_member")["total"] > 0
    # a Cypher query in a query worker, on the graph the command names relative to its folder (--db var/graph)
    cypher = httpx.post(served.base + "/api/v1/cypher", timeout=60,
                        headers={"Authorization": f"Bearer {served.key}"},
                        json={"query": "MATCH (v:Village) RETURN count(v) AS n"})
    assert cypher.status_code == 200 and cypher.json()["rows"] == [[522]], cypher.text
    assert "partychain API on" in served.log.read_text()


def test_the_second_command_is_this_suite() -> None:
    assert readme_blocks()[1] == ["python3 -m venv .venv && .venv/bin/pip install -q -e '.[test]' && "
                                  ".venv/bin/python -m pytest"]


def test_every_later_command_works_in_order(readme_later: LaterRun) -> None:
    served = readme_later.served
    commands = [c for block in readme_blocks()[2:] for c in block]
    for command, res in readme_later.results:
        assert res.returncode == 0, f"{command}\n{res.stdout[-2000:]}\n{res.stderr[-2000:]}"
        if "json.tool" in command:
            assert json.loads(res.stdout)["metrics"]["poor_households_driven"]["total"] > 0
        elif "/chains" in command:
            body = json.loads(res.stdout)
            assert body["household_id"] == "HH-520628-000002" and body["total"] >= 1
        elif "-o var/gaps.xlsx" in command:
            ws = openpyxl.load_workbook(served.workdir / "var" / "gaps.xlsx")["缺口清单"]
            total = served.api("/gaps", scope="520628", kind="poor_households_not_driven", limit=1)["total"]
            assert ws.max_row - 1 == total
        elif " report " in command:
            wb = openpyxl.load_workbook(served.workdir / "var" / "songtao-report.xlsx")
            assert wb.sheetnames[0] == "概况" and len(wb.sheetnames) == 1 + 28 + 6
        elif "partychain.notebooks" in command:
            assert res.stdout.count("outputs regenerated") == len(NOTEBOOK_NAMES)
    assert [c for c, _ in readme_later.results] == commands and len(commands) >= 5, commands


@pytest.mark.parametrize("name", NOTEBOOK_NAMES)
def test_the_notebooks_command_gives_the_committed_outputs(readme_later: LaterRun, name: str) -> None:
    """The README's notebooks command (a fresh kernel per notebook on the three Songtao years, whose latest is
    the sample) gives outputs a reader cannot tell from the committed ones, and each says what its data are."""
    ran = [res for c, res in readme_later.results if "partychain.notebooks" in c]
    assert ran and ran[0].returncode == 0, "the README's notebooks command did not run (see the test above)"
    fresh = nbformat.read(readme_later.notebooks() / name, as_version=4)
    assert not [o for c in fresh.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    text = output_text(fresh)
    assert "data: synthetic Songtao sample" in text  # what the data are, said up front
    if name == "03_pairing.ipynb":
        png = readme_later.figures / "pairing_network.png"
        assert png.is_file() and png.stat().st_size > 10_000
        img = plt.imread(png)
        assert img.shape[:2] == FIGURE_PX
        assert img[..., :3].std() > 0.05
        assert (readme_later.figures / "event_study.png").is_file()
        label = ("synthetic Songtao sample (real villages; synthetic incomes and pairings), "
                 "effect of 40,000 yuan planted")
        assert f"[{label}] pairing effect" in text  # the estimate is labelled with what was planted
        assert "permutation p < 0.001 (999 rewirings)" in text  # a p-value at its floor is a bound
        assert "smallest" in text or "detected with 80% power" in text  # power
        for caption_of in ("relative_year", "smd_after", "p_upper", "gamma"):  # event study, balance, sensitivity
            assert caption_of in text, caption_of
        assert text.count(label) >= 10  # tables and charts carry the label
    if name == "04_collective_economy.ipynb":
        for year in (2019, 2020, 2021):
            assert f"ledger year {year}" in text  # every loaded year is read
        assert "the project's assumption" in text  # the hollow threshold says what it is
        assert "[synthetic Songtao sample" in text and "pairing effect" in text
    problems = differences(nbformat.read(NOTEBOOKS / name, as_version=4), fresh)
    assert not problems, f"{name}: committed outputs are stale ({REGENERATE}):\n" + "\n".join(problems)


def output_text(nb: object) -> str:
    """Every text and HTML output of the executed notebook, joined."""
    parts = []
    for cell in nb.cells:  # type: ignore[attr-defined]
        for o in cell.get("outputs", []):
            if o.output_type == "stream":
                parts.append(o.text)
            elif o.output_type in ("execute_result", "display_data"):
                parts.extend(str(o.data.get(k, "")) for k in ("text/plain", "text/html"))
    return "\n".join(parts)
