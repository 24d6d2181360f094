"""Drawings: Chinese names with a CJK font, codes without one (never boxes), saved figures of the right size."""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import networkx as nx
import pytest

from partychain.analysis.chains import CHAIN_LEVELS, chain_graph
from partychain.analysis.coverage import coverage_by_town
from partychain.analysis.effect import pairing_effect
from partychain.analysis.plotting import (
    bar_by_town,
    draw_layers,
    draw_pairing_network,
    find_cjk_font,
    plot_effect,
    use_cjk_font,
)
from partychain.analysis.projections import pairing_graph
from partychain.errors import InvalidArgument

HAN = re.compile(r"[\u4e00-\u9fff]")
CODE = re.compile(r"^\d{9,12}( \(\d+\))?$")


@pytest.fixture(scope="module")
def pairing(songtao_graph) -> nx.DiGraph:
    return pairing_graph(songtao_graph)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _texts(ax) -> list[str]:
    return [t.get_text() for t in ax.texts if t.get_text()]


def test_no_cjk_font_is_reported_not_faked():
    before = dict(matplotlib.rcParams)
    assert find_cjk_font(families=("No Such Font",)) is None
    assert use_cjk_font(families=("No Such Font",)) is False
    assert dict(matplotlib.rcParams) == before


def test_without_cjk_labels_are_codes(pairing):
    ax = draw_pairing_network(pairing, cjk=False)
    texts = _texts(ax)
    assert texts and all(CODE.match(t) for t in texts), texts
    assert not any(HAN.search(t) for t in [*texts, ax.get_title()])
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert not any(HAN.search(t) for t in legend)


def test_labels_follow_the_installed_fonts(pairing):
    """With cjk=None the helpers ask use_cjk_font(): names when a CJK font is installed, codes otherwise."""
    has_cjk = find_cjk_font() is not None
    ax = draw_pairing_network(pairing)
    texts = _texts(ax)
    if has_cjk:
        assert any(HAN.search(t) for t in texts)
        assert matplotlib.rcParams["font.sans-serif"][0] == find_cjk_font()
    else:
        assert all(CODE.match(t) for t in texts), texts


def test_hubs_are_labelled_with_their_partners(pairing):
    ax = draw_pairing_network(pairing, cjk=False, label_top=3, town_labels=False)
    hubs = sorted(pairing, key=lambda v: (-pairing.out_degree(v), v))[:3]
    assert _texts(ax) == [f"{v} ({pairing.out_degree(v)})" for v in hubs]


def test_saved_network_has_the_figure_size(pairing, tmp_path: Path):
    fig, ax = plt.subplots(figsize=(6, 5), dpi=100)
    draw_pairing_network(pairing, ax=ax, color_by="class", cjk=False)
    path = tmp_path / "net.png"
    fig.savefig(path, dpi=100)
    img = plt.imread(path)
    assert img.shape[:2] == (500, 600)
    assert img[..., :3].std() > 0.05  # something is drawn
    with pytest.raises(InvalidArgument):
        draw_pairing_network(pairing, color_by="size", cjk=False)


def test_bars_and_layers_without_cjk(mini_graph):
    by_town = coverage_by_town(mini_graph, "520628")
    ax = bar_by_town(by_town, value="cooperative_party_org", cjk=False)
    assert sorted(t.get_text() for t in ax.get_yticklabels()) == sorted(by_town["town_code"])
    ax = draw_layers(chain_graph(mini_graph, "HH-1"), levels=CHAIN_LEVELS, cjk=False, edge_label="link")
    labels = {t.get_text() for t in ax.texts}
    assert {"HH-1", "PM-1", "BS-1", "CO-1", "BR-2", "GB-1", "JC-1"} <= labels


def test_layers_show_names_with_cjk(mini_graph):
    from partychain.analysis.chains import downstream_subgraph
    from partychain.analysis.projections import org_graph

    sub = downstream_subgraph(org_graph(mini_graph), "JC-1")
    ax = draw_layers(sub, levels=("Base", "Company", "Cooperative", "PartyGroup", "Branch", "GeneralBranch",
                                "JointCommittee"), cjk=True)
    assert "盘石联村党委" in {t.get_text() for t in ax.texts}


def test_effect_plot(pairing):
    e = pairing_effect(pairing, n_boot=20, n_perm=20)
    ax = plot_effect(e, cjk=False)
    assert ax.lines[0].get_xdata()[0] == pytest.approx(e.estimate)
    assert not any(HAN.search(t.get_text()) for t in ax.get_legend().get_texts())
