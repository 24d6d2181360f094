"""`partychain economy`, GET /api/v1/economy's service, against an independent pandas computation on the ledger
CSVs: the mini ledger (totals without sources for 2017, sources for 2020) and the three Songtao years, each
version read on its own, for the county, a town and a village."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner

from partychain.cli import app
from partychain.errors import InvalidArgument
from partychain.services.economy import HOLLOW_BELOW, INCOME_SOURCES, MODELS, NO_MODEL, collective_economy
from partychain.storage.embedded import EmbeddedStore
from partychain.testing import mini_ledger_path, mini_store

SCOPES = ("520628", "520628101", "520628101221")  # the county, 盘石镇, 秀瑙村


def _read(folder: Path) -> dict[str, pd.DataFrame]:
    return {p.stem: pd.read_csv(p, dtype=str, keep_default_na=False) for p in folder.glob("*.csv")}


def village_figures(t: dict[str, pd.DataFrame], scope: str, hollow_below: float) -> pd.DataFrame:
    """One row per village and year of the scope: total, from_chain, other, unattributed, each source (``src_*``),
    hollow."""
    div = t["divisions"]
    villages = div.loc[(div["level"] == "village") & div["code"].str.startswith(scope), "code"]
    inc = t["village_income"].assign(year=lambda f: f["year"].astype(int),
                                     recorded=lambda f: f["collective_income"].astype(int))
    inc = inc[inc["village_code"].isin(villages)].set_index(["village_code", "year"])["recorded"]
    src = t.get("village_income_sources", pd.DataFrame(columns=["village_code", "year", "source", "holder_of",
                                                                "yuan"]))
    src = src[src["village_code"].isin(villages)].assign(year=lambda f: f["year"].astype(int),
                                                         yuan=lambda f: f["yuan"].astype(int))
    coops, comps = t["cooperatives"], t["companies"]
    chain_units = set(coops.loc[(coops["run_by"] != "") | (coops["led_by"] != ""), "id"]) | \
        set(comps.loc[comps["run_by"] != "", "id"])
    held = set(zip(t["shareholdings"]["village_code"], t["shareholdings"]["holder_of"], strict=True))
    src = src.assign(chain=[s == "dividend" and h in chain_units and (v, h) in held
                            for v, s, h in zip(src["village_code"], src["source"], src["holder_of"], strict=True)])
    none = pd.MultiIndex.from_arrays([[], []], names=["village_code", "year"])
    by_source = src.pivot_table(index=["village_code", "year"], columns="source", values="yuan", aggfunc="sum",
                                fill_value=0).reindex(columns=list(INCOME_SOURCES), fill_value=0) if len(src) \
        else pd.DataFrame(0, index=none, columns=list(INCOME_SOURCES))
    items = src.groupby(["village_code", "year"])["yuan"].sum() if len(src) else pd.Series(0, index=none)
    chain = src[src["chain"]].groupby(["village_code", "year"])["yuan"].sum() if len(src) \
        else pd.Series(0, index=none)
    keys = inc.index.union(items.index)
    out = pd.DataFrame(index=keys)
    out["total"] = inc.reindex(keys).fillna(items.reindex(keys)).astype(int)
    out["from_chain"] = chain.reindex(keys, fill_value=0)
    out["other"] = out["total"] - out["from_chain"]
    out["unattributed"] = (inc.reindex(keys) - items.reindex(keys, fill_value=0)).fillna(0).astype(int)
    for s in INCOME_SOURCES:
        out[f"src_{s}"] = by_source[s].reindex(keys, fill_value=0)
    out["hollow"] = out["total"] < hollow_below
    return out


def group_years(f: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for year, grouped in f.groupby(level="year"):
        g = grouped.droplevel("year")
        prev = f.xs(year - 1, level="year") if (year - 1) in f.index.get_level_values("year") else None
        both = g.index.intersection(prev.index) if prev is not None else pd.Index([])
        growth = chain_growth = None
        if len(both) and prev is not None and prev.loc[both, "total"].sum():
            growth = g.loc[both, "total"].sum() / prev.loc[both, "total"].sum() - 1
        if len(both) and prev is not None and prev.loc[both, "from_chain"].sum():
            chain_growth = g.loc[both, "from_chain"].sum() / prev.loc[both, "from_chain"].sum() - 1
        out.append({"year": int(year), "villages": len(g), "total": int(g["total"].sum()),
                    "from_chain": int(g["from_chain"].sum()), "other": int(g["other"].sum()),
                    "unattributed": int(g["unattributed"].sum()),
                    "by_source": {s: int(g[f"src_{s}"].sum()) for s in INCOME_SOURCES},
                    "hollow": int(g["hollow"].sum()),
                    "growth": growth, "growth_from_chain": chain_growth})
    return out


def _same(got: list[dict[str, Any]], want: list[dict[str, Any]]) -> None:
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        for k, v in w.items():
            if isinstance(v, float):
                assert g[k] == pytest.approx(v, rel=1e-12), (w["year"], k)
            else:
                assert g[k] == v, (w["year"], k)


def check(got: dict[str, Any], t: dict[str, pd.DataFrame], scope: str, hollow_below: float = HOLLOW_BELOW) -> None:
    f = village_figures(t, scope, hollow_below)
    _same(got["years"], group_years(f))
    towns = sorted({c[:9] for c in t["divisions"]["code"] if len(c) == 12 and c.startswith(scope)})
    assert [x["code"] for x in got["towns"]] == (towns if len(scope) < 9 else [])
    for town in got["towns"]:
        _same(town["years"], group_years(f[f.index.get_level_values(0).str.startswith(town["code"])]))
    for v in got["villages"]:
        if v["years"]:
            want = f.xs(v["code"], level="village_code")
            assert [y["year"] for y in v["years"]] == list(want.index)
            for y in v["years"]:
                w = want.loc[y["year"]]
                assert (y["total"], y["from_chain"], y["other"], y["unattributed"], y["hollow"]) == \
                    (w["total"], w["from_chain"], w["other"], w["unattributed"], bool(w["hollow"]))
                assert y["by_source"] == {s: int(w[f"src_{s}"]) for s in INCOME_SOURCES}
    # linkage models: the groups are the villages the service names, summed as above
    for m in got["models"]:
        members = {v["code"] for v in got["villages"] if (m["model"] in v["models"] if m["model"] != NO_MODEL
                                                           else not v["models"])}
        assert m["villages"] == len(members)
        _same(m["years"], group_years(f[f.index.get_level_values(0).isin(members)]))
    assert [m["model"] for m in got["models"]] == [*MODELS, NO_MODEL]


def test_mini_ledger() -> None:
    t = _read(mini_ledger_path())
    for scope in ("520628", "520628101", "520628102002"):
        check(collective_economy(mini_store(), scope=scope), t, scope)
    check(collective_economy(mini_store(), scope="520628", hollow_below=100_000), t, "520628", 100_000)


@pytest.mark.parametrize("year", [2019, 2020, 2021])
@pytest.mark.parametrize("scope", SCOPES)
def test_songtao_years_equal_the_ledgers(songtao_years_graph: EmbeddedStore, songtao_years_path: Path,
                                         year: int, scope: str) -> None:
    t = _read(songtao_years_path / str(year))
    with songtao_years_graph.pinned(year) as view:
        got = collective_economy(view, scope=scope)
    check(got, t, scope)
    if len(scope) < 12:
        assert any(y["from_chain"] for y in got["years"]) and got["years"][-1]["year"] == year


def test_the_chain_grows_over_the_versions(songtao_years_graph: EmbeddedStore) -> None:
    """Each version counts the dividends of the units the chain held in its own year."""
    chain = {}
    for year in (2019, 2020, 2021):
        with songtao_years_graph.pinned(year) as view:
            chain[year] = next(y for y in collective_economy(view, scope="520628")["years"]
                               if y["year"] == year)["from_chain"]
    assert chain[2019] < chain[2020] < chain[2021]


def test_bad_arguments() -> None:
    with pytest.raises(InvalidArgument):
        collective_economy(mini_store(), scope="520628", hollow_below=-1)
    with pytest.raises(InvalidArgument):
        collective_economy(mini_store(), scope="52x")


def test_cli(tmp_path: Path) -> None:
    runner = CliRunner()
    db = str(tmp_path / "db")
    assert runner.invoke(app, ["load", str(mini_ledger_path()), "--db", db]).exit_code == 0
    res = runner.invoke(app, ["economy", "--scope", "520628", "--db", db, "--format", "json",
                              "--hollow-below", "60000"])
    assert res.exit_code == 0, res.output
    got = json.loads(res.output)
    assert got["hollow_below"] == 60000
    check(got, _read(mini_ledger_path()), "520628", 60_000)
    res = runner.invoke(app, ["economy", "--scope", "520628", "--db", db])
    assert res.exit_code == 0 and "hollow below 50,000 yuan" in res.output


def test_a_ledger_without_income_sources_loads_and_is_unattributed(tmp_path: Path) -> None:
    import shutil

    from partychain.loaders import check_ledger

    folder = tmp_path / "old"
    shutil.copytree(mini_ledger_path(), folder)
    (folder / "village_income_sources.csv").unlink()
    store = EmbeddedStore(tmp_path / "db")
    store.load(check_ledger(folder), source="old")
    got = collective_economy(store, scope="520628")
    assert [(y["total"], y["unattributed"], y["from_chain"]) for y in got["years"]] == \
        [(440000, 440000, 0), (660000, 660000, 0)]
    check(got, _read(folder), "520628")
