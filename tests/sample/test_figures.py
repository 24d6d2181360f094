"""The Songtao sample on the loaded graph: every published figure holds as the source words it, the source is
cited as published, and party life (work rules, meetings) is in the ledger."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from partychain import services
from partychain.graph_model.enums import MeetingKind, WorkRuleKind
from partychain.services.figures import figures

COUNTY = "520628"
SOURCES = Path(__file__).resolve().parents[2].parent / "shared" / "sources"
Ledger = dict[str, pd.DataFrame]

STATUS = {  # how each figure holds: as worded (exact, per year) or as a bound (余, 可达)
    "joint_committees": "match", "general_branches": "match", "cooperative_joint_branches": "match",
    "demo_points_with_party_org": "match", "demo_points": "match", "dam_areas": "match",
    "dam_areas_with_bases": "match", "planting_mu": "meets_bound", "fungus_sticks": "meets_bound",
    "poultry_birds": "match", "pigs_head": "match", "employment_person_times": "meets_bound",
    "cooperative_work_rules": "meets_bound",
}


def test_every_figure_holds_as_worded(songtao_graph) -> None:
    rows = figures(songtao_graph, scope=COUNTY)
    assert {r.metric: r.status for r in rows} == STATUS
    by = {r.metric: r for r in rows}
    assert by["planting_mu"].qualifiers == ["planned", "at_least"] and by["planting_mu"].computed == 605_000
    assert by["pigs_head"].qualifiers == ["per_year"] and by["pigs_head"].computed == 765_200
    assert by["cooperative_work_rules"].computed == 15
    assert all(r.reason is None for r in rows)


def _simplified(text: str) -> str:
    """The source's Traditional Chinese, read past the site's pinyin, in the simplified forms of the few
    characters its title, author and affiliation use (a table for this test, not a converter)."""
    table = str.maketrans("舉發壯級體經濟鄉興戰陳縣組織創來時間", "举发壮级体经济乡兴战陈县组织创来时间")
    return re.sub(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]+\)", "", text).translate(table)


def test_the_source_node_cites_the_report_as_published(songtao_graph) -> None:
    source = songtao_graph.run("MATCH (s:Source) RETURN s.title AS title, s.author AS author, "
                               "s.affiliation AS affiliation, s.published_at AS published_at, "
                               "s.publisher AS publisher, s.url AS url, s.note AS note").records()
    assert len(source) == 1
    s = source[0]
    assert s["publisher"] is None and s["url"] is None  # the publishing site is not named
    path = SOURCES / "songtao-2021-04-08.txt"
    if not path.exists():
        pytest.skip(f"{path} is not beside this checkout")
    text = _simplified(path.read_text(encoding="utf-8"))
    title, byline = text.splitlines()[:2]
    assert title.replace(":", "：") == s["title"]
    assert f"作者:{s['author']} " in byline and f"来源:{s['note']}" in byline
    published = re.search(r"时间:(\d{4})/(\d{1,2})/(\d{1,2}) (\d\d:\d\d:\d\d)", byline)
    assert published is not None
    y, m, d, hms = published.groups()
    assert f"{y}-{int(m):02d}-{int(d):02d}T{hms}" == s["published_at"]
    assert text.rstrip().endswith(f"({s['affiliation']} {s['author']})")


def test_work_rules(songtao_tables: Ledger) -> None:
    rules = songtao_tables["work_rules"]
    named = rules[rules["kind"] != WorkRuleKind.other]
    assert sorted(named["kind"]) == sorted(k.value for k in WorkRuleKind if k is not WorkRuleKind.other)
    other = rules[rules["kind"] == WorkRuleKind.other]
    assert len(other) == 6 and other["name"].str.contains("虚构").all()  # named as synthetic, never as real
    adopted = songtao_tables["org_work_rules"]
    assert set(adopted["rule_code"]) == set(rules["code"])
    orgs = songtao_tables["party_orgs"].set_index("id")
    coops = songtao_tables["cooperatives"]
    ours = set(coops["run_by"]) | set(coops["led_by"]) | set(orgs.index[orgs["kind"] == "cooperative_joint"])
    assert set(adopted["org_id"]) == ours - {""}
    # the five systems the source says are strictly carried out: adopted by every cooperative organization
    per_rule = adopted.groupby("rule_code")["org_id"].nunique()
    for system in ("activity_day", "three_meetings_one_lesson", "criticism", "dues", "member_development"):
        assert per_rule[system] == len(ours - {""})


def test_meetings_of_party_life(songtao_graph, songtao_tables: Ledger) -> None:
    m = songtao_tables["meetings"]
    assert set(m["kind"]) == {k.value for k in MeetingKind}
    dates = pd.to_datetime(m["date"])
    assert set(dates.dt.year) == {2020}
    orgs = songtao_tables["party_orgs"].set_index("id")
    assert set(m["org_id"].map(orgs["level"])) == {"branch", "group"}
    days = m[m["kind"] == "activity_day"]
    months = days.groupby("org_id").size().reindex(orgs.index[orgs["level"] == "branch"], fill_value=0)
    assert months.max() == 12
    a = services.activity_days(songtao_graph, COUNTY)
    assert a["year"] == 2020 and a["total"] == len(months) and a["covered"] == int((months == 12).sum())
    assert a["ratio"] == pytest.approx(0.85, abs=0.04)  # 85 % of branches hold every month's activity day
    assert (pd.to_numeric(m["attendance"]) >= 1).all()
