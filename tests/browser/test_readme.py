"""Every command and curl example of the README works, in order, after its first command.

The first command is run as written (``served``, conftest.py); the second is this test suite itself; every
later ```bash block runs in the same scratch folder, in order, against the server the first one started
(its port substituted), and must succeed and give what the README says it gives.
"""

from __future__ import annotations

import json
import stat

import httpx
import openpyxl

from .conftest import Served, readme_blocks


def test_the_first_command_serves_the_dashboard_and_prints_a_sign_in_link(served: Served) -> None:
    page = httpx.get(served.base + "/", timeout=30)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "/assets/js/main.js" in page.text and "script-src 'self'" in page.headers["content-security-policy"]
    assert served.signin_url.startswith(served.base + "/#token=")
    assert stat.S_IMODE(served.key_file.stat().st_mode) == 0o600
    anonymous = httpx.get(served.base + "/api/v1/gaps", params={"scope": "520628", "kind": "bases_without_member"})
    assert anonymous.status_code == 403
    assert served.api("/gaps", scope="520628", kind="bases_without_member")["total"] > 0
    assert "partychain API on" in served.log.read_text()


def test_the_second_command_is_this_suite() -> None:
    assert readme_blocks()[1] == ["python3 -m venv .venv && .venv/bin/pip install -q -e '.[test]' && "
                                  ".venv/bin/python -m pytest"]


def test_every_later_command_works_in_order(served: Served) -> None:
    ran = []
    for block in readme_blocks()[2:]:
        for command in block:
            res = served.run(command)
            assert res.returncode == 0, f"{command}\n{res.stdout[-2000:]}\n{res.stderr[-2000:]}"
            ran.append(command)
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
                notebooks = list((served.workdir / "notebooks").glob("*.ipynb"))
                assert res.stdout.count("outputs regenerated") == len(notebooks)
    assert len(ran) >= 5, ran
