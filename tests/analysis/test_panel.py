"""The income panel: built from a graph or from tables, validated, and independent of where incomes come from."""

from __future__ import annotations

import networkx as nx
import pandas as pd
import pytest

from partychain.analysis.effect import pairing_effect
from partychain.analysis.panel import PairingPanel, income_wide, panel_from_frames, panel_from_graph, synthetic_label
from partychain.analysis.projections import pairing_graph, village_models
from partychain.analysis.simulate import simulate_panel
from partychain.errors import InvalidArgument


def _tables():
    inc = pd.DataFrame({"village_code": ["a", "a", "b", "b", "s", "s"], "year": [2017, 2018] * 3,
                        "yuan": [20_000, 30_000, 21_000, 22_000, 300_000, 310_000]})
    vil = pd.DataFrame({"code": ["a", "b", "s"], "town_code": "t", "county_code": "c", "kind": "village"})
    pair = pd.DataFrame({"strong_code": ["s"], "weak_code": ["a"], "since": [2018]})
    return inc, vil, pair


def test_panel_from_the_sample_graph(songtao_graph, songtao_tables):
    g = pairing_graph(songtao_graph)
    p = panel_from_graph(g, label=synthetic_label(40_000))
    income = songtao_tables["village_income"]
    assert p.income.shape == (522, 6) and p.years == list(range(2016, 2022))
    row = income.iloc[0]
    assert p.income.at[row["village_code"], int(row["year"])] == float(row["collective_income"])
    assert len(p.pairings) == 89 and p.selection_year == 2017
    assert (p.classes() == pd.Series(dict(g.nodes(data="class")))).all()
    assert p.villages.loc[p.pairings["weak_code"], "industries"].notna().all()
    models = village_models(songtao_graph, scope="520628")
    with_models = panel_from_graph(g, villages=models)
    assert set(models.columns) <= set(with_models.villages.columns)
    assert with_models.villages[list(models.columns)].dtypes.eq(bool).all()
    assert int(with_models.villages[models.columns[0]].sum()) == int(models[models.columns[0]].sum())


def test_the_estimate_follows_the_income_table_it_is_given():
    """Incomes can come from another ledger version: 10,000 yuan more for the paired villages after pairing
    is 10,000 more effect, exactly (the bias correction is fitted on the controls, which did not change)."""
    p = simulate_panel("as_generated", seed=4)
    base = pairing_effect(p, n_perm=0)
    inc = p.income.copy()
    inc.loc[list(p.pairings["weak_code"]), [2018, 2019, 2020, 2021]] += 10_000
    shifted = pairing_effect(p.with_income(inc, label="another version"), n_perm=0)
    assert shifted.estimate - base.estimate == pytest.approx(10_000, abs=1e-6)
    assert shifted.label == "another version"
    long = inc.stack().rename("yuan").rename_axis(["village_code", "year"]).reset_index()
    assert pairing_effect(p.with_income(long), n_perm=0).estimate == pytest.approx(shifted.estimate)


def test_tables_and_defaults():
    inc, vil, pair = _tables()
    p = panel_from_frames(inc, vil, pair)
    assert p.selection_year == 2017 and p.classes(2018).to_dict() == {"a": "weak", "b": "weak", "s": "strong"}
    assert income_wide(inc).equals(p.income)
    no_pairs = panel_from_frames(inc, vil, pair.iloc[:0])
    assert no_pairs.selection_year == 2018  # the latest year without pairings
    with pytest.raises(InvalidArgument, match="no incomes for 2030"):
        p.classes(2030)


@pytest.mark.parametrize(("change", "message"), [
    (lambda inc, vil, pair: (inc, vil.drop(columns="kind"), pair), "lacks column"),
    (lambda inc, vil, pair: (inc, vil, pair.drop(columns="since")), "lacks column"),
    (lambda inc, vil, pair: (inc, vil, pair.assign(weak_code="zz")), "not in the villages table"),
    (lambda inc, vil, pair: (inc.assign(village_code=inc["village_code"].replace("s", "q")), vil, pair),
     "not in the villages table"),
    (lambda inc, vil, pair: (inc, pd.concat([vil, vil.iloc[:1]]), pair), "not unique"),
    (lambda inc, vil, pair: (inc, vil, pair.assign(since=[None])), "no 'since'"),
    (lambda inc, vil, pair: (pd.concat([inc, inc.iloc[:1]]), vil, pair), "two figures"),
])
def test_bad_tables_are_refused_with_the_reason(change, message):
    with pytest.raises(InvalidArgument, match=message):
        panel_from_frames(*change(*_tables()))


def test_bad_rules_are_refused():
    inc, vil, pair = _tables()
    p = panel_from_frames(inc, vil, pair)
    with pytest.raises(InvalidArgument, match="selection year 2010"):
        PairingPanel(p.income, p.villages, p.pairings, 2010)
    with pytest.raises(InvalidArgument, match="must not exceed"):
        PairingPanel(p.income, p.villages, p.pairings, 2017, weak_below=300_000, strong_from=200_000)
    with pytest.raises(InvalidArgument, match="directed"):
        panel_from_graph(nx.Graph())
