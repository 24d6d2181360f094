"""Drawings: Chinese names with a CJK font, codes without one (never boxes), saved figures of the right size."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import networkx as nx
import pytest

from partychain.analysis.chains import CHAIN_LEVELS, chain_graph
from partychain.analysis.coverage import coverage_by_town
from partychain.analysis.diagnostics import balance_table, event_study, power_analysis
from partychain.analysis.effect import pairing_effect
from partychain.analysis.panel import panel_from_graph, synthetic_label
from partychain.analysis.plotting import (
    _has_glyphs,
    bar_by_town,
    draw_layers,
    draw_pairing_network,
    find_cjk_font,
    label_key,
    place_names,
    plot_balance,
    plot_effect,
    plot_event_study,
    plot_power,
    town_palette,
    use_cjk_font,
)
from partychain.analysis.projections import pairing_graph
from partychain.errors import InvalidArgument

HAN = re.compile(r"[\u4e00-\u9fff]")
REPO = Path(__file__).resolve().parents[2]
LABEL = synthetic_label(40_000)
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
    e = pairing_effect(panel_from_graph(pairing, label=LABEL), n_perm=20)
    ax = plot_effect(e, cjk=False)
    assert ax.lines[0].get_xdata()[0] == pytest.approx(e.estimate)
    assert not any(HAN.search(t.get_text()) for t in ax.get_legend().get_texts())
    assert [t.get_text() for t in ax.figure.texts] == [LABEL]  # the caption says what the data are


def test_diagnostic_plots_carry_their_caption(pairing):
    panel = panel_from_graph(pairing, label=LABEL)
    for draw in (lambda: plot_event_study(event_study(panel), caption=LABEL, cjk=False),
                 lambda: plot_balance(balance_table(panel), caption=LABEL),
                 lambda: plot_power(power_analysis(pairing_effect(panel, n_perm=0)), caption=LABEL),
                 lambda: draw_pairing_network(pairing, cjk=False, caption=LABEL)):
        ax = draw()
        assert [t.get_text() for t in ax.figure.texts] == [LABEL]
        plt.close("all")


def test_the_palette_does_not_repeat_across_towns(pairing):
    towns = sorted({a["town_code"] for _, a in pairing.nodes(data=True)})
    assert len(towns) == 28
    assert len(set(town_palette(len(towns)))) == len(towns)
    assert len(set(town_palette(200))) == 200
    ax = draw_pairing_network(pairing, cjk=False, include_isolates=True)
    colours: dict[tuple, set[str]] = {}
    nodes = list(pairing)
    for coll in ax.collections:
        offsets = coll.get_offsets()
        faces = coll.get_facecolors()
        if len(offsets) and len(faces) == len(offsets):
            for face in faces:
                colours.setdefault(tuple(face.round(6)), set())
    assert len(colours) >= len(towns) and len(nodes) == 522


def test_without_cjk_a_code_to_name_key_goes_beside_the_chart(pairing):
    ax = draw_pairing_network(pairing, cjk=False, label_top=5)
    key = label_key(ax, place_names(pairing))
    drawn = {m for t in _texts(ax) for m in re.findall(r"\d{9,12}", t)}
    assert set(key["code"]) == drawn and key["name"].notna().all()
    assert all(HAN.search(n) for n in key["name"])


def test_ci_and_the_image_install_a_cjk_font():
    for path in (REPO / ".ci" / "run", REPO / "Dockerfile"):
        text = path.read_text(encoding="utf-8")
        assert "fonts-noto-cjk" in text, path
    run = (REPO / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    command = "python3 -m venv .venv && .venv/bin/pip install -q -e '.[test]' && .venv/bin/python -m pytest"
    assert command in readme and run[-1] == command  # .ci/run runs exactly the README's test command


def test_a_rendered_chart_uses_a_cjk_font(pairing, tmp_path):
    """With a CJK font installed (CI and the image install fonts-noto-cjk), place names render in it,
    with no glyph missing; without one, the labels are codes and the key carries the names."""
    from matplotlib.font_manager import findfont

    if find_cjk_font() is None:
        ax = draw_pairing_network(pairing)
        assert all(CODE.match(t) or HAN.search(t) is None for t in _texts(ax))
        assert len(label_key(ax, place_names(pairing))) > 0
        return
    fig, ax = plt.subplots(figsize=(8, 8), dpi=80)
    draw_pairing_network(pairing, ax=ax, cjk=True, caption=LABEL)
    chinese = [t for t in ax.texts if HAN.search(t.get_text())]
    assert chinese, "no Chinese place name on the chart"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(tmp_path / "net.png")
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert not missing, missing[:3]
    for t in chinese[:5]:
        path = findfont(t.get_fontproperties(), fallback_to_default=False)
        assert _has_glyphs(path), (t.get_text(), path)
