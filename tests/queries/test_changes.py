"""`partychain diff` and GET /api/v1/changes against an independent pandas computation on the ledgers of the
Songtao history (2019, 2020, 2021 loaded side by side), for the county, a town and a village."""

from __future__ import annotations

import json
import statistics
from collections import defaultdict
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner

from partychain.cli import app
from partychain.errors import YearNotLoaded
from partychain.services.changes import CHANGE_KINDS, changes
from partychain.storage.embedded import EmbeddedStore

SCOPES = ("520628", "520628101", "520628101221")  # the county, 盘石镇, 秀瑙村
ORG_LEVELS = {"joint_committee", "general_branch", "branch", "group"}


class Year:
    """What one year's ledger says of a division, computed from its CSV tables with pandas alone."""

    def __init__(self, folder: Path) -> None:
        self.t = {p.stem: pd.read_csv(p, dtype=str, keep_default_na=False) for p in folder.glob("*.csv")}
        orgs = self.t["party_orgs"]
        self.level = dict(zip(orgs["id"], orgs["level"], strict=True))
        parent = dict(zip(orgs["id"], orgs["parent_id"], strict=True))
        cop, com, bases = self.t["cooperatives"], self.t["companies"], self.t["bases"]
        branch_run = {r["id"] for _, r in pd.concat([cop, com]).iterrows()
                      if r["run_by"] and self.level.get(r["run_by"]) == "branch"}
        led = set(cop.loc[cop["led_by"] != "", "id"])
        self.coops_run = set(cop.loc[cop["run_by"].map(lambda o: self.level.get(o) == "branch"), "id"])
        self.coops_party = self.coops_run | set(cop.loc[cop["led_by"] != "", "id"])  # run by a branch or led
        owner_ok = branch_run | led

        def under_jc(org: str) -> bool:
            for _ in range(8):
                org = parent.get(org, "")
                if not org:
                    return False
                if self.level.get(org) == "joint_committee":
                    return True
            return False

        runner = {r["id"]: r["run_by"] for _, r in pd.concat([cop, com]).iterrows() if r["run_by"]}
        owner_jc = led | {o for o, org in runner.items() if under_jc(org)}
        base_owner = dict(zip(bases["id"], bases["owner_id"], strict=True))
        bm = self.t["base_members"]
        member_bases: dict[str, set[str]] = defaultdict(set)
        for b, m in zip(bm["base_id"], bm["member_id"], strict=True):
            member_bases[m].add(b)
        mh = self.t["member_households"]
        self.drivers: dict[str, set[str]] = defaultdict(set)
        for m, h in zip(mh["member_id"], mh["household_id"], strict=True):
            self.drivers[h].add(m)
        self.load = mh.groupby("member_id").size().to_dict()

        def chain(h: str, ok: set[str]) -> bool:
            return any(base_owner.get(b) in ok for m in self.drivers.get(h, ()) for b in member_bases.get(m, ()))

        hh = self.t["households"]
        self.hh = hh
        poor = hh[hh["poor"] == "true"]
        self.complete = {h for h in poor["id"] if chain(h, owner_ok)}
        self.complete_jc = {h for h in poor["id"] if chain(h, owner_jc)}
        self.linked_bases = set(bm["base_id"])

    def in_scope(self, table: str, scope: str, column: str = "village_code") -> pd.DataFrame:
        frame = self.t[table]
        return frame[frame[column].str.startswith(scope)]

    def orgs(self, scope: str) -> set[str]:
        o = self.in_scope("party_orgs", scope, "seat_code")
        return set(o.loc[o["level"].isin(ORG_LEVELS), "id"])

    def coops_run_in(self, scope: str) -> set[str]:
        return set(self.in_scope("cooperatives", scope)["id"]) & self.coops_run

    def bases_linked_in(self, scope: str) -> set[str]:
        return set(self.in_scope("bases", scope)["id"]) & self.linked_bases

    def driven_in(self, scope: str) -> set[str]:
        return {h for h in self.in_scope("households", scope)["id"] if self.drivers.get(h)}

    def exits(self, scope: str) -> set[str]:
        h = self.in_scope("households", scope)
        return set(h.loc[(h["poor"] == "true") & (h["poverty_exit_year"] != ""), "id"])

    def members_load(self, scope: str) -> dict[str, Any]:
        counts = [self.load.get(m, 0) for m in self.in_scope("members", scope)["id"]]
        driving = [n for n in counts if n]
        return {"members": len(counts), "members_driving": len(driving), "households_driven": sum(driving),
                "mean": round(statistics.fmean(driving), 3) if driving else None,
                "median": statistics.median(driving) if driving else None, "max": max(driving, default=None)}

    def coverage(self, code: str) -> dict[str, tuple[int, int]]:
        """Covered and total per metric in the division ``code``: the sum over its villages."""
        per_village = self._coverage_by_village()
        parts = [c for v, c in per_village.items() if v.startswith(code)]
        return {m: (sum(c[m][0] for c in parts), sum(c[m][1] for c in parts)) for m in self.METRICS}

    METRICS = ("cooperative_party_org", "demo_point_party_org", "households_driven", "poor_households_driven",
               "poor_chain_complete", "poor_chain_joint_committee", "bases_linked", "members_driving")

    def _coverage_by_village(self) -> dict[str, dict[str, tuple[int, int]]]:
        """Per village (any village a cooperative, household, member or base names), covered and total per metric."""
        if not hasattr(self, "_by_village"):
            coops, hh, members, bases = (self.t[t] for t in ("cooperatives", "households", "members", "bases"))
            demo, poor = coops["demo_point"] == "true", hh["poor"] == "true"
            party = coops["id"].isin(self.coops_party)
            driven = hh["id"].map(lambda h: bool(self.drivers.get(h)))
            tallies = {
                "cooperative_party_org": _tally(coops, party),
                "demo_point_party_org": _tally(coops[demo], party[demo]),
                "households_driven": _tally(hh, driven),
                "poor_households_driven": _tally(hh[poor], driven[poor]),
                "poor_chain_complete": _tally(hh[poor], hh.loc[poor, "id"].isin(self.complete)),
                "poor_chain_joint_committee": _tally(hh[poor], hh.loc[poor, "id"].isin(self.complete_jc)),
                "bases_linked": _tally(bases, bases["id"].isin(self.linked_bases)),
                "members_driving": _tally(members, members["id"].map(lambda m: bool(self.load.get(m)))),
            }
            villages = sorted({v for t in (coops, hh, members, bases) for v in t["village_code"]})
            self._by_village: dict[str, dict[str, tuple[int, int]]] = {
                v: {m: tallies[m].get(v, (0, 0)) for m in self.METRICS} for v in villages}
        return self._by_village


def _tally(rows: pd.DataFrame, covered: pd.Series) -> dict[str, tuple[int, int]]:
    """Per village of ``rows``: (rows where ``covered`` holds, rows)."""
    frame = pd.DataFrame({"village": rows["village_code"].to_numpy(), "covered": covered.to_numpy(dtype=bool)})
    by = frame.groupby("village")["covered"].agg(["sum", "size"])
    return {v: (int(c), int(n)) for v, c, n in zip(by.index, by["sum"], by["size"], strict=True)}


def expected(a: Year, b: Year, scope: str) -> dict[str, Any]:
    exited = b.exits(scope) - a.exits(scope)
    found = {
        "orgs_founded": b.orgs(scope) - a.orgs(scope), "orgs_dissolved": a.orgs(scope) - b.orgs(scope),
        "cooperatives_newly_run": b.coops_run_in(scope) - a.coops_run_in(scope),
        "cooperatives_no_longer_run": a.coops_run_in(scope) - b.coops_run_in(scope),
        "bases_newly_linked": b.bases_linked_in(scope) - a.bases_linked_in(scope),
        "bases_no_longer_linked": a.bases_linked_in(scope) - b.bases_linked_in(scope),
        "households_newly_driven": b.driven_in(scope) - a.driven_in(scope),
        "households_dropped": a.driven_in(scope) - b.driven_in(scope),
        "poverty_exits_chain_complete": exited & b.complete, "poverty_exits_chain_incomplete": exited - b.complete,
    }
    villages = sorted(b.in_scope("divisions", scope, "code").query("level == 'village'")["code"])
    towns = sorted({v[:9] for v in villages}) if len(scope) < 9 else []
    codes = [("scope", scope), *(("town", t) for t in towns), *(("village", v) for v in villages if len(scope) < 12)]
    return {"changes": {k: sorted(v) for k, v in found.items()},
            "members": {"from": a.members_load(scope), "to": b.members_load(scope)},
            "coverage": [(level, code, a.coverage(code), b.coverage(code)) for level, code in codes]}


@pytest.fixture(scope="module")
def years(songtao_years_path: Path) -> dict[int, Year]:
    return {y: Year(songtao_years_path / str(y)) for y in (2019, 2020, 2021)}


def _check(got: dict[str, Any], want: dict[str, Any]) -> None:
    assert set(got["changes"]) == set(CHANGE_KINDS)
    for kind in CHANGE_KINDS:
        assert got["changes"][kind] == want["changes"][kind], kind
        assert got["counts"][kind] == len(want["changes"][kind]), kind
    assert got["members"] == want["members"]
    assert [(c["level"], c["code"]) for c in got["coverage"]] == [(lv, code) for lv, code, _, _ in want["coverage"]]
    for c, (_, _, then, now) in zip(got["coverage"], want["coverage"], strict=True):
        assert {m: (v["covered"], v["total"]) for m, v in c["from"].items()} == then, c["code"]
        assert {m: (v["covered"], v["total"]) for m, v in c["to"].items()} == now, c["code"]
    assert got["changed_meaning"] == {"village_codes": [], "org_ids": []}


@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize(("a", "b"), [(2019, 2020), (2020, 2021)])
def test_changes_equal_the_ledgers(songtao_years_graph: EmbeddedStore, years: dict[int, Year], scope: str,
                                   a: int, b: int) -> None:
    got = changes(songtao_years_graph, scope=scope, from_year=a, to_year=b, limit=10**6)
    _check(got, expected(years[a], years[b], scope))
    assert (got["from"]["year"], got["to"]["year"]) == (a, b)
    assert got["from"]["as_of"] == (f"{a}-12-31" if a < 2021 else "2021-04-08")


def test_the_history_has_changes_to_report(songtao_years_graph: EmbeddedStore) -> None:
    got = changes(songtao_years_graph, scope="520628", from_year=2019, to_year=2020, limit=5)
    assert all(got["counts"][k] > 0 for k in ("orgs_founded", "cooperatives_newly_run", "bases_newly_linked",
                                               "households_newly_driven", "poverty_exits_chain_complete",
                                               "poverty_exits_chain_incomplete"))
    assert all(len(v) <= 5 for v in got["changes"].values())


def test_a_year_not_loaded(songtao_years_graph: EmbeddedStore) -> None:
    with pytest.raises(YearNotLoaded, match="no ledger of 2018 is loaded; loaded years: 2019, 2020, 2021"):
        changes(songtao_years_graph, scope="520628", from_year=2018, to_year=2021)


def test_cli_diff(songtao_years_graph: EmbeddedStore, years: dict[int, Year]) -> None:
    runner = CliRunner()
    db = str(songtao_years_graph.path)
    res = runner.invoke(app, ["diff", "--from", "2020", "--to", "2021", "--scope", "520628101", "--db", db,
                              "--format", "json", "--limit", "100000"])
    assert res.exit_code == 0, res.output
    _check(json.loads(res.output), expected(years[2020], years[2021], "520628101"))
    res = runner.invoke(app, ["diff", "--from", "2020", "--to", "2021", "--scope", "520628101", "--db", db])
    assert res.exit_code == 0 and "orgs_founded" in res.output and "coverage then and now" in res.output
    res = runner.invoke(app, ["diff", "--from", "2017", "--to", "2021", "--scope", "520628", "--db", db])
    assert res.exit_code == 1 and "loaded years: 2019, 2020, 2021" in res.output
