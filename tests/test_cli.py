"""The command line, end to end on the real embedded engine."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from partychain.cli import app
from partychain.testing import mini_ledger_path

runner = CliRunner()


def run(*args: str) -> tuple[int, str]:
    res = runner.invoke(app, list(args))
    return res.exit_code, res.output


def test_songtao_figures_all_hold(songtao_graph: object) -> None:
    """Every figure of the source holds on the Songtao sample, compared as the source words it."""
    code, out = run("figures", "--db", str(songtao_graph.path), "--format", "json")  # type: ignore[attr-defined]
    assert code == 0, out
    rows = json.loads(out)
    # the domain brief's table: (figure as reported, how the source words it, the status that holds)
    published = {
        "joint_committees": (2, ["exact"], "match"),                                  # 建立联合党委2个
        "general_branches": (7, ["exact"], "match"),                                  # 片区党总支7个
        "cooperative_joint_branches": (300, ["exact"], "match"),                      # 合作社联合党支部300个
        "demo_points": (56, ["exact"], "match"),                                      # 56个“村社合一”示范点
        "demo_points_with_party_org": (56, ["exact"], "match"),                       # 示范点党组织56个
        "dam_areas": (58, ["exact"], "match"),                                        # 全县58个坝区
        "dam_areas_with_bases": (58, ["exact"], "match"),
        "planting_mu": (600_000, ["planned", "at_least"], "meets_bound"),            # 规划种植项目60万余亩
        "fungus_sticks": (46_000_000, ["at_least"], "meets_bound"),                  # 食用菌4600万余棒
        "poultry_birds": (5_000_000, ["exact"], "match"),                             # 养殖产业500万羽
        "pigs_head": (765_200, ["per_year"], "match"),                                # 生猪年出栏76.52万头
        "employment_person_times": (356_500, ["can_reach", "at_least"], "meets_bound"),  # 可达35.65万余人次
        "cooperative_work_rules": (10, ["at_least"], "meets_bound"),                 # 10余项工作制度
    }
    by_metric = {r["metric"]: r for r in rows}
    assert set(by_metric) == set(published)
    for metric, (value, qualifiers, status) in published.items():
        r = by_metric[metric]
        assert (r["reported"], r["qualifiers"], r["status"]) == (value, qualifiers, status), r
        if status == "match":
            assert r["computed"] == value, r
        else:  # 余: more than the figure, below the next step of its precision
            assert value <= r["computed"] < value + _step(value), r
        assert r["wording"] and r["source_title"] == "松桃：“三措并举”发展壮大村级集体经济助推乡村振兴战略"


def _step(value: int) -> int:
    """A loose step of a figure's precision, from its trailing zeros: 600,000 → 10,000; 356,500 → 100; 10 → 10."""
    digits = str(value)
    return 10 ** (len(digits) - len(digits.rstrip("0")))


def test_figures_mismatch_is_shown_and_exits_1(tmp_path: Path, mini_copy: Path,
                                               edit_csv: Callable[..., None]) -> None:
    edit_csv(mini_copy, "reported_figures", lambda f: f.assign(value=f["value"].where(
        f["metric"] != "joint_committees", "3")))
    db = tmp_path / "db"
    assert run("load", str(mini_copy), "--db", str(db))[0] == 0
    code, out = run("figures", "--db", str(db), "--format", "json")
    assert code == 1
    jc = next(r for r in json.loads(out) if r["metric"] == "joint_committees")
    assert jc["reported"] == 3 and jc["computed"] == 1 and jc["status"] == "mismatch"


def test_broken_ledger_exits_nonzero_and_keeps_the_graph(tmp_path: Path, mini_copy: Path,
                                                         edit_csv: Callable[..., None]) -> None:
    db = tmp_path / "db"
    assert run("load", str(mini_ledger_path()), "--db", str(db))[0] == 0
    _, before = run("stats", "--db", str(db), "--format", "json")
    edit_csv(mini_copy, "households", lambda f: f.assign(size="lots"))
    edit_csv(mini_copy, "members", lambda f: f.assign(org_id="NOPE"))
    code, out = run("load", str(mini_copy), "--db", str(db), "--format", "json")
    assert code == 1
    problems = json.loads(out)["problems"]
    assert {(p["table"], p["column"]) for p in problems} >= {("households", "size"), ("members", "org_id")}
    assert all(p["row"] for p in problems if p["severity"] == "error")
    after = run("stats", "--db", str(db), "--format", "json")[1]
    assert json.loads(after)["nodes"] == json.loads(before)["nodes"]
    assert json.loads(after)["dataset"]["version"] == json.loads(before)["dataset"]["version"]


def test_validate_reports_json(mini_copy: Path, edit_csv: Callable[..., None]) -> None:
    code, out = run("validate", str(mini_copy), "--format", "json")
    assert code == 0 and json.loads(out)["valid"] is True
    edit_csv(mini_copy, "cooperatives", lambda f: f.assign(kind="collective"))
    code, out = run("validate", str(mini_copy), "--format", "json")
    assert code == 1
    rows = pd.read_csv(mini_copy / "cooperatives.csv")
    assert len(json.loads(out)["problems"]) == len(rows)


def test_stats_counts(tmp_path: Path, mini_tables: dict[str, pd.DataFrame]) -> None:
    db = tmp_path / "db"
    run("load", str(mini_ledger_path()), "--db", str(db))
    code, out = run("stats", "--db", str(db), "--format", "json")
    assert code == 0, out
    data = json.loads(out)
    assert data["nodes"]["Household"] == len(mini_tables["households"])
    assert data["relationships"]["JOINED"] == len(mini_tables["cooperative_households"])
    assert data["dataset"]["engine"] == "embedded"


def test_query_command(tmp_path: Path) -> None:
    db = tmp_path / "db"
    run("load", str(mini_ledger_path()), "--db", str(db))
    code, out = run("query", "get_division", "--param", "code=520628101001", "--db", str(db), "--format", "json")
    assert code == 0
    assert json.loads(out) == [{"code": "520628101001", "name": "甲村", "level": "village", "kind": "village"}]
    code, out = run("query", "get_division", "--db", str(db))
    assert code != 0 and "needs --param" in out


def test_templates_round_trip(tmp_path: Path) -> None:
    code, _ = run("templates", str(tmp_path / "t"))
    assert code == 0
    assert (tmp_path / "t" / "data-dictionary.md").exists()
    code, out = run("validate", str(tmp_path / "t"))
    assert code == 1 and "divisions" in out  # an empty ledger has no divisions


@pytest.mark.parametrize("seed", [7])
def test_sample_is_deterministic(tmp_path: Path, seed: int) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    assert run("sample", "songtao", "--out", str(a), "--seed", str(seed))[0] == 0
    assert run("sample", "songtao", "--out", str(b), "--seed", str(seed))[0] == 0
    for f in sorted(a.glob("*.csv")):
        assert f.read_bytes() == (b / f.name).read_bytes(), f.name


def test_dictionary_check(tmp_path: Path) -> None:
    doc = tmp_path / "d.md"
    assert run("dictionary", "--out", str(doc))[0] == 0
    assert run("dictionary", "--out", str(doc), "--check")[0] == 0
    doc.write_text("stale", encoding="utf-8")
    assert run("dictionary", "--out", str(doc), "--check")[0] == 1


def _mini_of_year(root: Path, year: int) -> Path:
    import shutil

    dst = root / f"ledger-{year}"
    shutil.copytree(mini_ledger_path(), dst)
    (dst / "ledger.csv").write_text(f"year,as_of\n{year},\n", encoding="utf-8")
    return dst


def test_years_load_list_read_and_drop(tmp_path: Path, edit_csv: Callable[..., None]) -> None:
    db = str(tmp_path / "db")
    for year in (2021, 2020):
        code, out = run("load", str(_mini_of_year(tmp_path, year)), "--db", db, "--format", "json")
        assert code == 0, out
        assert json.loads(out)[0]["year"] == year
    code, out = run("versions", "--db", db, "--format", "json")
    rows = json.loads(out)
    assert code == 0 and [(r["year"], r["default"]) for r in rows] == [(2020, False), (2021, True)]
    code, out = run("stats", "--db", db, "--year", "2020", "--format", "json")
    assert code == 0 and json.loads(out)["dataset"]["year"] == 2020
    code, out = run("query", "count_nodes", "--db", db, "--year", "2019")
    assert code == 1 and "no ledger of 2019 is loaded; loaded years: 2020, 2021" in out
    # the same year with other contents: only with --replace
    edit_csv(tmp_path / "ledger-2020", "households", lambda f: f.assign(size="1"))
    code, out = run("load", str(tmp_path / "ledger-2020"), "--db", db)
    assert code == 1 and "--replace" in out
    assert run("load", str(tmp_path / "ledger-2020"), "--db", db, "--replace")[0] == 0
    # a ledger without a year, once years are kept: refused with the reason
    code, out = run("load", str(mini_ledger_path()), "--db", db)
    assert code == 1 and "declares no year" in out
    code, out = run("versions", "--db", db, "--drop", "2021")
    assert code == 0 and "dropped 2021" in out
    code, out = run("versions", "--db", db, "--format", "json")
    assert code == 0 and [(r["year"], r["default"]) for r in json.loads(out)] == [(2020, True)]
