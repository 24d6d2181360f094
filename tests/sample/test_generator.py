"""The Songtao sample ledger: determinism, published figures, integrity, the planted effect.

Expectations are computed from the written CSV files with pandas; the only numbers typed
here are the published figures themselves (and the division counts of the brief).
The organization tree, the chains and the figures on the loaded graph: test_coherence.py, test_figures.py.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from partychain.graph_model import TABLES
from partychain.graph_model.enums import MemberRole
from partychain.sample import (
    TABLE_COLUMNS,
    CountyProfile,
    LedgerWriter,
    SampleSummary,
    county_divisions,
    generate_county,
    generate_songtao,
    industries_frame,
    load_divisions,
    work_rules_frame,
)
from partychain.sample.people import check_character, is_valid_id_number

COUNTY = "520628"
PUBLISHED = {  # metric: (value, qualifiers, the source's words)
    "joint_committees": (2, "exact", "建立联合党委2个"),
    "general_branches": (7, "exact", "片区党总支7个"),
    "cooperative_joint_branches": (300, "exact", "合作社联合党支部300个"),
    "demo_points_with_party_org": (56, "exact", "“村社合一”示范点党组织56个"),
    "demo_points": (56, "exact", "56个“村社合一”示范点实现合作社党组织全覆盖"),
    "dam_areas": (58, "exact", "全县58个坝区各类产业蓬勃发展"),
    "dam_areas_with_bases": (58, "exact", "全县58个坝区各类产业蓬勃发展"),
    "planting_mu": (600_000, "planned;at_least", "规划种植项目60万余亩"),
    "fungus_sticks": (46_000_000, "at_least", "食用菌4600万余棒"),
    "poultry_birds": (5_000_000, "exact", "养殖产业500万羽"),
    "pigs_head": (765_200, "per_year", "生猪年出栏76.52万头"),
    "employment_person_times": (356_500, "can_reach;at_least", "拉动务工就业可达35.65万余人次"),
    "cooperative_work_rules": (10, "at_least", "10余项工作制度"),
}
BOUNDS = {m for m, (_, q, _) in PUBLISHED.items() if "at_least" in q or "can_reach" in q}

Ledger = dict[str, pd.DataFrame]


def read(folder: Path) -> Ledger:
    return {name: pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False, encoding="utf-8")
            for name in TABLE_COLUMNS}


def num(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s)


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[SampleSummary, list[tuple[str, int, int]]]:
    calls: list[tuple[str, int, int]] = []
    summary = generate_songtao(tmp_path_factory.mktemp("songtao"), seed=2021,
                               progress=lambda step, done, total: calls.append((step, done, total)))
    return summary, calls


@pytest.fixture(scope="module")
def folder(run: tuple[SampleSummary, list[tuple[str, int, int]]]) -> Path:
    return Path(run[0].out_dir)


@pytest.fixture(scope="module")
def t(folder: Path) -> Ledger:
    return read(folder)


@pytest.fixture(scope="module")
def no_effect(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return Path(generate_songtao(tmp_path_factory.mktemp("songtao0"), seed=2021, pairing_effect=0.0).out_dir)


# --- the run ------------------------------------------------------------------------------


def test_summary_and_progress(run: tuple[SampleSummary, list[tuple[str, int, int]]], t: Ledger) -> None:
    summary, calls = run
    assert summary.seed == 2021 and summary.pairing_effect == 40_000.0
    assert summary.rows == {name: len(frame) for name, frame in t.items()}
    assert sorted(p.name for p in summary.out_dir.glob("*.csv")) == sorted(f"{n}.csv" for n in TABLE_COLUMNS)
    # progress: every step reported once, counting up to the total
    assert [d for _, d, _ in calls] == list(range(1, len(calls) + 1))
    assert {total for _, _, total in calls} == {len(calls)}
    assert {step for step, _, _ in calls} >= set(TABLE_COLUMNS)


def test_headers_and_format(folder: Path, t: Ledger) -> None:
    assert list(TABLE_COLUMNS) == [tb.name for tb in TABLES]
    for tb in TABLES:
        name, cols = tb.name, tuple(c.name for c in tb.columns)
        raw = (folder / f"{name}.csv").read_bytes()
        assert raw.decode("utf-8").split("\n", 1)[0] == ",".join(cols)
        assert not raw.startswith(b"\xef\xbb\xbf")
        assert tuple(t[name].columns) == cols
    for table, col in (("cooperatives", "demo_point"), ("households", "poor")):
        assert set(t[table][col]) <= {"true", "false"}


def test_project_loader_accepts_the_sample_without_a_warning(folder: Path) -> None:
    loaders = pytest.importorskip("partychain.loaders")
    ledger = loaders.check_ledger(folder)
    assert ledger.node_count > 0
    assert [w.to_dict() for w in ledger.warnings] == []


def test_determinism(tmp_path: Path, folder: Path) -> None:
    again = generate_songtao(tmp_path / "again", seed=2021).out_dir
    for name in TABLE_COLUMNS:
        assert (again / f"{name}.csv").read_bytes() == (folder / f"{name}.csv").read_bytes(), name
    other = generate_songtao(tmp_path / "other", seed=7).out_dir
    for name in ("households", "members", "cooperatives", "bases", "village_income", "pairings"):
        assert (other / f"{name}.csv").read_bytes() != (folder / f"{name}.csv").read_bytes(), name
    # another seed draws another county whose tables still bear out every published figure
    assert_published(read(other))


# --- published figures ----------------------------------------------------------------------


def computed(t: Ledger) -> dict[str, int]:
    """Each published metric from the tables, in the reading its qualifiers ask for."""
    orgs, coops, bases = t["party_orgs"], t["cooperatives"], t["bases"]
    demo = coops[coops["demo_point"] == "true"]

    def total(column: str, unit: str) -> int:
        return int(num(bases.loc[bases["unit"] == unit, column].replace("", np.nan)).sum())

    return {
        "joint_committees": int((orgs["level"] == "joint_committee").sum()),
        "general_branches": int((orgs["level"] == "general_branch").sum()),
        "cooperative_joint_branches": int(((orgs["level"] == "branch") & (orgs["kind"] == "cooperative_joint")).sum()),
        "demo_points": len(demo),
        "demo_points_with_party_org": int(((demo["run_by"] != "") | (demo["led_by"] != "")).sum()),
        "dam_areas": len(t["dam_areas"]),
        "dam_areas_with_bases": bases.loc[bases["dam_area_id"] != "", "dam_area_id"].nunique(),
        "planting_mu": total("planned_scale", "mu"),
        "fungus_sticks": total("scale", "stick"),
        "poultry_birds": total("scale", "bird"),
        "pigs_head": total("annual_output", "head"),
        "employment_person_times": int(num(t["employment"]["person_times"]).sum()),
        "cooperative_work_rules": t["org_work_rules"]["rule_code"].nunique(),
    }


def assert_published(t: Ledger) -> None:
    for metric, value in computed(t).items():
        reported = PUBLISHED[metric][0]
        assert value >= reported if metric in BOUNDS else value == reported, (metric, value)


def test_published_figures_are_reproduced(t: Ledger) -> None:
    figures = t["reported_figures"]
    got = {m: (int(num(pd.Series([v]))[0]), q, w) for m, v, q, w in
           figures[["metric", "value", "qualifiers", "wording"]].itertuples(index=False)}
    assert got == PUBLISHED
    assert set(figures["scope_code"]) == {COUNTY}
    assert set(figures["as_of"]) == {"2021-04-08"}
    units = dict(zip(figures["metric"], figures["unit"], strict=True))
    assert units["planting_mu"] == "mu" and units["pigs_head"] == "head"
    assert units["employment_person_times"] == "person_times" and units["joint_committees"] == "count"
    assert_published(t)


def test_the_source_is_cited_exactly(t: Ledger) -> None:
    f = t["reported_figures"]
    cited = f[["source_title", "source_author", "source_affiliation", "source_published_at", "publisher",
               "source_url", "source_note"]].drop_duplicates()
    assert cited.to_dict("records") == [{
        "source_title": "松桃：“三措并举”发展壮大村级集体经济助推乡村振兴战略", "source_author": "陈宇威",
        "source_affiliation": "县委组织部", "source_published_at": "2021-04-08T15:17:35", "publisher": "",
        "source_url": "", "source_note": "本站原创"}]


def test_the_bound_figures_take_the_middle_of_their_range(t: Ledger) -> None:
    """余 reads as "more than the figure, less than the next step of its precision" (60万余: 600,000–610,000)."""
    got = computed(t)
    assert got["planting_mu"] == 605_000 and got["fungus_sticks"] == 46_005_000
    assert got["employment_person_times"] == 356_550 and got["cooperative_work_rules"] == 15


def test_joint_committee_kinds_and_units(t: Ledger) -> None:
    orgs = t["party_orgs"]
    assert sorted(orgs.loc[orgs["level"] == "joint_committee", "kind"]) == ["industry", "joint_village"]
    assert "cattle" not in set(t["bases"]["industry"])  # head-unit bases are pigs only
    dams = t["dam_areas"]
    assert (num(dams["area_mu"]) >= 500).all()
    assert set(dams["id"]) == set(t["bases"]["dam_area_id"]) - {""}  # every dam area holds a base


def test_base_sizes_in_three_readings(t: Ledger) -> None:
    b = t["bases"]
    planned, scale, output = (num(b[c].replace("", np.nan)) for c in ("planned_scale", "scale", "annual_output"))
    mu, head = b["unit"] == "mu", b["unit"] == "head"
    # planting bases plan their mu and have planted 60–100 % of it; only they have a plan
    assert planned[mu].notna().all() and planned[~mu].isna().all()
    ratio = scale[mu] / planned[mu]
    assert ratio.between(0.55, 1.0).all() and 0.75 <= ratio.mean() <= 0.85
    # pig farms market 1.4–1.8 head a year per head standing; only livestock has a yearly output
    assert output[head].notna().all() and output[~head].isna().all()
    assert (output[head] / scale[head]).between(1.3, 1.9).all()


# --- divisions ------------------------------------------------------------------------------


def test_divisions(t: Ledger) -> None:
    d = t["divisions"]
    assert (d["level"] == "county").sum() == 1
    towns, villages = d[d["level"] == "town"], d[d["level"] == "village"]
    assert len(towns) == 28 and len(villages) == 522
    assert set(towns["parent_code"]) == {COUNTY}
    assert villages["parent_code"].isin(towns["code"]).all()
    assert (villages["code"].str[:9] == villages["parent_code"]).all()
    assert set(towns["kind"]) <= {"town", "township", "subdistrict"}
    assert (towns.loc[towns["name"].str.endswith("街道"), "kind"] == "subdistrict").all()
    assert (towns.loc[towns["name"].str.endswith("乡"), "kind"] == "township").all()
    community = villages["name"].str.contains("社区|居委会|居民委员会")
    assert ((villages["kind"] == "community") == community).all()
    # real names and codes, exactly as in the packaged NBS division file
    real = load_divisions()
    real = real[real["code"].str.startswith(COUNTY)].set_index("code")["name"]
    assert d.set_index("code")["name"].to_dict() == real.to_dict()


# --- ids and references ---------------------------------------------------------------------

ID_TABLES = {"party_orgs": None, "dam_areas": "DA", "cooperatives": "CO", "companies": "CP", "bases": "BS",
             "members": "PM", "households": "HH"}
ORG_PREFIX = {"county_committee": "CC", "town_committee": "TC", "joint_committee": "JC", "general_branch": "GB",
              "branch": "BR", "group": "PG"}


def test_ids_unique_across_the_ledger(t: Ledger) -> None:
    ids = pd.concat([t[name]["id"] for name in ID_TABLES], ignore_index=True)
    assert ids.is_unique
    for name, prefix in ID_TABLES.items():
        frame = t[name]
        expected = frame["level"].map(ORG_PREFIX) if prefix is None else prefix
        assert (frame["id"].str[:2] == expected).all(), name
        assert (frame["id"].str[2:10].str.rstrip("-") == f"-{COUNTY}").all(), name
    assert t["party_orgs"].loc[t["party_orgs"]["level"] == "county_committee", "id"].tolist() == [f"CC-{COUNTY}"]


def test_references_resolve_to_the_right_kind(t: Ledger) -> None:
    d, orgs = t["divisions"], t["party_orgs"]
    villages = set(d.loc[d["level"] == "village", "code"])
    towns = set(d.loc[d["level"] == "town", "code"])
    members = set(t["members"]["id"])
    households = set(t["households"]["id"])
    coops, companies = set(t["cooperatives"]["id"]), set(t["companies"]["id"])
    bases = set(t["bases"]["id"])
    industries = set(t["industries"]["code"])
    by = {(lv, k): set(g["id"]) for (lv, k), g in orgs.groupby(["level", "kind"])}
    jcs = by[("joint_committee", "joint_village")] | by[("joint_committee", "industry")]
    gbs = by[("general_branch", "area")]
    tcs = set(orgs.loc[orgs["level"] == "town_committee", "id"])
    cc = set(orgs.loc[orgs["level"] == "county_committee", "id"])
    branches = set(orgs.loc[orgs["level"] == "branch", "id"])
    groups = set(orgs.loc[orgs["level"] == "group", "id"])

    def ok(values: pd.Series, allowed: set[str], *, optional: bool = False) -> bool:
        present = set(values.dropna())
        return (present - {""} if optional else present) <= allowed

    # the org tree (its shape: test_coherence.py)
    level = orgs["level"]
    assert ok(orgs.loc[level == "town_committee", "parent_id"], cc)
    assert ok(orgs.loc[level == "joint_committee", "parent_id"], tcs | cc)
    assert ok(orgs.loc[level == "general_branch", "parent_id"], jcs)
    assert ok(orgs.loc[level == "branch", "parent_id"], jcs | gbs | tcs)
    assert ok(orgs.loc[level == "group", "parent_id"], by[("branch", "village")])
    assert set(orgs["kind"]) == {"", "town", "township", "subdistrict", "joint_village", "industry", "area", "village",
                                 "cooperative_joint", "company"}
    assert (orgs.loc[level == "town_committee", "kind"] ==
            orgs.loc[level == "town_committee", "seat_code"].map(d.set_index("code")["kind"])).all()
    assert ok(orgs["seat_code"], villages | towns | {COUNTY})
    assert sorted(orgs.loc[level == "town_committee", "seat_code"]) == sorted(towns)
    assert ok(orgs.loc[~level.isin(["county_committee", "town_committee", "joint_committee"]), "seat_code"], villages)
    assert ok(orgs["covers"].str.split(";").explode(), villages, optional=True)
    assert ok(orgs["secretary_id"], members, optional=True)
    # the county and town committees' secretaries are no members of the villages: left empty
    assert (orgs.loc[~level.isin(["county_committee", "town_committee"]), "secretary_id"] != "").all()
    vb = orgs[orgs["kind"] == "village"]
    assert len(vb) == 522 and sorted(vb["seat_code"]) == sorted(villages)
    # general branches cover part of their joint committee's villages
    covers = orgs.set_index("id")["covers"].str.split(";").map(set)
    for gb, jc in orgs.loc[level == "general_branch", ["id", "parent_id"]].itertuples(index=False):
        assert covers[gb] <= covers[jc]
    # economy
    co = t["cooperatives"]
    assert ok(co["village_code"], villages) and ok(co["industry"], industries)
    assert ok(co["run_by"], branches, optional=True) and ok(co["led_by"], jcs, optional=True)
    assert ok(co["chair_id"], members, optional=True) and set(co["kind"]) == {"farmer", "specialized"}
    cp = t["companies"]
    assert ok(cp["village_code"], villages) and ok(cp["run_by"], by[("branch", "company")], optional=True)
    assert ok(cp["industry"], industries)
    assert ok(t["contracts"]["company_id"], companies) and ok(t["contracts"]["cooperative_id"], coops)
    assert set(t["contracts"]["kind"]) <= {"order", "purchase"}
    sh = t["shareholdings"]
    assert ok(sh["village_code"], villages) and ok(sh["holder_of"], coops | companies)
    assert num(sh["pct"]).between(0, 100).all() and not sh.duplicated(["village_code", "holder_of"]).any()
    b = t["bases"]
    assert ok(b["owner_id"], coops | companies) and ok(b["village_code"], villages)
    assert ok(b["dam_area_id"], set(t["dam_areas"]["id"]), optional=True) and ok(b["industry"], industries)
    unit_of = t["industries"].set_index("code")["unit"]
    assert (b["unit"] == b["industry"].map(unit_of)).all()
    assert set(unit_of) <= {"mu", "stick", "bird", "head"}
    assert ok(t["dam_areas"]["town_code"], towns)
    # a base in a dam area lies in the dam area's town
    in_da = b[b["dam_area_id"] != ""]
    da_town = t["dam_areas"].set_index("id")["town_code"]
    assert (in_da["village_code"].str[:9] == in_da["dam_area_id"].map(da_town)).all()
    # people
    m = t["members"]
    assert ok(m["org_id"], branches | groups) and ok(m["village_code"], villages)
    assert ok(t["households"]["village_code"], villages)
    bm, mh, ch, e = t["base_members"], t["member_households"], t["cooperative_households"], t["employment"]
    assert ok(bm["base_id"], bases) and ok(bm["member_id"], members)
    assert ok(mh["member_id"], members) and ok(mh["household_id"], households)
    assert ok(ch["cooperative_id"], coops) and ok(ch["household_id"], households)
    assert ok(e["base_id"], bases) and ok(e["household_id"], households)
    for frame, cols in ((bm, ["base_id", "member_id"]), (mh, ["member_id", "household_id"]),
                        (ch, ["cooperative_id", "household_id"]), (e, ["base_id", "household_id", "year"])):
        assert not frame.duplicated(cols).any()
    p = t["pairings"]
    assert ok(p["strong_code"], villages) and ok(p["weak_code"], villages)
    assert ok(t["village_income"]["village_code"], villages)
    assert ok(t["reported_figures"]["scope_code"], set(d["code"]))


def test_same_county_and_household_links(t: Ledger) -> None:
    vil_of_hh = t["households"].set_index("id")["village_code"]
    # households join cooperatives of their village or town
    ch = t["cooperative_households"]
    coop_vil = t["cooperatives"].set_index("id")["village_code"]
    assert (ch["cooperative_id"].map(coop_vil).str[:9] == ch["household_id"].map(vil_of_hh).str[:9]).all()
    e = t["employment"]
    base_vil = t["bases"].set_index("id")["village_code"]
    assert (e["base_id"].map(base_vil).str[:9] == e["household_id"].map(vil_of_hh).str[:9]).all()
    assert set(e["year"]) == {"2020"} and (num(e["person_times"]) >= 1).all()


def test_structure_of_the_chain(t: Ledger) -> None:
    orgs, co = t["party_orgs"], t["cooperatives"]
    cj = orgs.loc[orgs["kind"] == "cooperative_joint", "id"]
    runs = co[co["run_by"].isin(cj)].groupby("run_by").size().reindex(cj, fill_value=0)
    assert runs.between(2, 5).all()
    # members of a branch or group; secretaries are members of their organization (village/joint/company)
    m = t["members"].set_index("id")
    for kind in ("village", "cooperative_joint", "company"):
        sec = orgs[orgs["kind"] == kind]
        assert (sec["secretary_id"].map(m["org_id"]) == sec["id"]).all(), kind
    grp = orgs[orgs["level"] == "group"]
    assert (grp["secretary_id"].map(m["org_id"]) == grp["id"]).all()
    assert not m["org_id"].isin(orgs.loc[orgs["level"].isin(["joint_committee", "general_branch"]), "id"]).any()
    # cooperative joint branches under general branches and under town committees both occur
    parents = orgs.loc[orgs["kind"] == "cooperative_joint", "parent_id"].str[:2]
    assert {"GB", "TC"} <= set(parents)
    assert (orgs.loc[orgs["level"] == "joint_committee", "covers"] != "").all()


# --- people -----------------------------------------------------------------------------------


def test_check_character_known_example() -> None:
    assert check_character("11010519491231002") == "X"
    assert is_valid_id_number("11010519491231002X")
    assert not is_valid_id_number("110105194912310021")


def test_id_numbers_and_phones(t: Ledger) -> None:
    hh, m = t["households"], t["members"]
    ids = hh["id_number"]
    assert ids.str.fullmatch(r"999999\d{11}[\dX]").all()
    assert ids.is_unique
    weights = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
    digits = np.frombuffer("".join(ids.str[:17]).encode("ascii"), dtype=np.uint8).reshape(-1, 17) - ord("0")
    expected = np.array(list("10X98765432"))[(digits @ weights) % 11]
    assert (ids.str[17].to_numpy() == expected).all()
    dates = pd.to_datetime(ids.str[6:14], format="%Y%m%d", errors="coerce")
    assert dates.notna().all() and dates.dt.year.between(1930, 2005).all()
    for phones in (hh.loc[hh["phone"] != "", "phone"], m["phone"]):
        assert phones.str.fullmatch(r"100\d{8}").all()
    assert (m["name"].str.len().between(2, 3)).all() and (hh["head_name"].str.len().between(2, 3)).all()


def test_member_and_household_attributes(t: Ledger) -> None:
    m, hh = t["members"], t["households"]
    birth, joined = num(m["birth_year"]), num(m["joined_year"])
    assert birth.between(1940, 2000).all() and (joined - birth >= 18).all() and (joined <= 2021).all()
    assert set(m["gender"]) == {"male", "female"}
    roles = m["roles"].str.split(";").explode()
    assert set(roles[roles != ""]) == {r.value for r in MemberRole}
    poor = hh["poor"] == "true"
    exit_year = num(hh["poverty_exit_year"].replace("", np.nan))
    assert exit_year[~poor].isna().all()
    assert exit_year[poor].dropna().between(2016, 2020).all() and exit_year[poor].notna().mean() > 0.9
    assert num(hh["size"]).between(1, 30).all()


# --- realistic, imperfect coverage ------------------------------------------------------------


def test_realistic_sizes_and_coverage(t: Ledger) -> None:
    hh, m, co, b = t["households"], t["members"], t["cooperatives"], t["bases"]
    per_village = hh.groupby("village_code").size()
    assert 250 <= per_village.mean() <= 350
    poor = hh["poor"] == "true"
    assert 0.12 <= poor.mean() <= 0.18
    assert 20 <= m.groupby("village_code").size().mean() <= 30
    assert 1200 <= len(co) <= 1500
    assert 20 <= len(t["companies"]) <= 40
    nondemo = co[co["demo_point"] == "false"]
    assert 0.84 <= (nondemo["run_by"] != "").mean() <= 0.91
    assert ((co["run_by"] == "") & (co["led_by"] != "")).sum() >= 1  # led only by a joint committee
    driven = hh["id"].isin(t["member_households"]["household_id"])
    assert 0.88 <= driven[poor].mean() <= 0.92 and 0.55 <= driven[~poor].mean() <= 0.65
    per_member = t["member_households"].groupby("member_id").size()
    assert per_member.between(1, 10).all() and 6 <= per_member.mean() <= 9
    assert 0.05 <= 1 - len(per_member) / len(m) <= 0.15
    linked = b["id"].isin(t["base_members"]["base_id"])
    assert 0.85 <= linked.mean() <= 0.95
    assert 1.1 <= b["owner_id"].str.startswith("CO").sum() / len(co) <= 1.3


def test_four_linkage_models(t: Ledger) -> None:
    co, hh, orgs, sh = t["cooperatives"], t["households"], t["party_orgs"], t["shareholdings"]
    poor_ids = set(hh.loc[hh["poor"] == "true", "id"])
    ch = t["cooperative_households"]
    with_poor = set(ch.loc[ch["household_id"].isin(poor_ids), "cooperative_id"])
    # 1. joint committee + cooperative + poor households
    assert co[(co["led_by"] != "") & co["id"].isin(with_poor)].shape[0] > 0
    # 2. branch + specialized cooperative + collective economy + poor households
    held = set(sh["holder_of"])
    m2 = co[(co["run_by"] != "") & (co["kind"] == "specialized") & co["id"].isin(held) & co["id"].isin(with_poor)]
    assert len(m2) > 0
    # 3. branch + company + collective economy + households (employed at its bases, contracts with cooperatives)
    cp = t["companies"]
    company_bases = t["bases"][t["bases"]["owner_id"].isin(cp["id"])]
    employing = set(company_bases.loc[company_bases["id"].isin(t["employment"]["base_id"]), "owner_id"])
    m3 = cp[(cp["run_by"] != "") & cp["id"].isin(held) & cp["id"].isin(t["contracts"]["company_id"])
            & cp["id"].isin(employing)]
    assert len(m3) > 0
    # 4. village branch + industry party group
    groups = orgs[orgs["level"] == "group"]
    assert len(groups) > 0 and set(groups["kind"]) == {"industry"}


# --- incomes and pairing ----------------------------------------------------------------------


def test_incomes_and_pairings(t: Ledger) -> None:
    inc = t["village_income"].assign(year=lambda f: num(f["year"]), y=lambda f: num(f["collective_income"]))
    assert (inc.groupby("village_code").size() == 6).all() and inc["village_code"].nunique() == 522
    assert set(inc["year"]) == set(range(2016, 2022)) and (inc["y"] >= 0).all()
    base = inc[inc["year"] == 2017].set_index("village_code")["y"]
    weak, strong = base[base < 50_000].index, base[base >= 200_000].index
    assert 0.2 <= len(weak) / len(base) <= 0.4 and 0.08 <= len(strong) / len(base) <= 0.25
    p = t["pairings"]
    assert set(p["since"]) == {"2018"} and set(p["kind"]) == {"strong_weak"}
    assert p["weak_code"].isin(weak).all() and p["strong_code"].isin(strong).all()
    assert p["weak_code"].is_unique
    assert 0.55 <= len(p) / len(weak) <= 0.65
    assert p.groupby("strong_code").size().between(1, 5).all()
    assert p.groupby("strong_code").size().max() >= 3  # hubs
    cross = (p["strong_code"].str[:9] != p["weak_code"].str[:9]).mean()
    assert 0.05 <= cross <= 0.3


def _income(folder: Path) -> pd.Series:
    inc = pd.read_csv(folder / "village_income.csv", dtype={"village_code": str})
    return inc.set_index(["village_code", "year"])["collective_income"]


def test_effect_changes_only_paired_weak_villages_after_pairing(folder: Path, no_effect: Path) -> None:
    for name in TABLE_COLUMNS:
        if name not in ("village_income", "village_income_sources"):  # the sources split the totals
            assert (folder / f"{name}.csv").read_bytes() == (no_effect / f"{name}.csv").read_bytes(), name
    with_effect, without = _income(folder), _income(no_effect)
    diff = with_effect - without
    changed = set(diff[diff != 0].index)
    p = pd.read_csv(folder / "pairings.csv", dtype=str)
    expected = {(w, y) for w in p["weak_code"] for y in range(2018, 2022)}
    assert changed <= expected and len(changed) >= 0.95 * len(expected)
    assert (diff >= 0).all()
    assert 35_000 <= diff[diff != 0].mean() <= 45_000


def test_difference_in_differences_recovers_the_effect(folder: Path, no_effect: Path) -> None:
    def did(f: Path) -> float:
        inc = _income(f).unstack()
        weak = inc[inc[2017] < 50_000]
        paired = weak.index.isin(pd.read_csv(f / "pairings.csv", dtype=str)["weak_code"])
        change = weak[[2018, 2019, 2020, 2021]].mean(axis=1) - weak[[2016, 2017]].mean(axis=1)
        # nearest unpaired weak villages on baseline income
        controls = weak[~paired]
        effects = [change[v] - change[controls.index[np.argsort(np.abs(controls[2017] - weak.loc[v, 2017]))[:3]]
                                      ].mean() for v in weak.index[paired]]
        return float(np.mean(effects))

    assert 30_000 <= did(folder) <= 50_000
    assert abs(did(no_effect)) <= 5_000


def test_general_generator_on_another_county(tmp_path: Path) -> None:
    """Any Guizhou county can be drawn from the default profile and appended to one ledger."""
    with LedgerWriter(tmp_path) as writer:
        writer.append("industries", industries_frame())
        writer.append("work_rules", work_rules_frame(CountyProfile()))
        for code in ("522635", "520329"):  # 麻江县, 余庆县
            tables = generate_county(county_divisions(code), CountyProfile(), np.random.default_rng([1, int(code)]))
            for name, frame in tables.items():
                writer.append(name, frame)
    ledger = read(tmp_path)
    assert set(ledger["divisions"].loc[ledger["divisions"]["level"] == "county", "code"]) == {"522635", "520329"}
    ids = pd.concat([ledger[name]["id"] for name in ID_TABLES], ignore_index=True)
    assert ids.is_unique and set(ids.str[3:9]) == {"522635", "520329"}
    villages = set(ledger["divisions"].loc[ledger["divisions"]["level"] == "village", "code"])
    assert set(ledger["households"]["village_code"]) <= villages
    assert (ledger["members"]["id"].str[3:9] == ledger["members"]["village_code"].str[:6]).all()
    assert len(ledger["reported_figures"]) == 0
    loaders = pytest.importorskip("partychain.loaders")
    assert loaders.check_ledger(tmp_path).warnings == []
