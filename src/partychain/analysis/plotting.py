"""Matplotlib drawings of the analyses, with Chinese labels when a CJK font is installed.

:func:`use_cjk_font` looks for a font that has Chinese glyphs (Noto Sans CJK from the
Debian/Ubuntu package ``fonts-noto-cjk``, WenQuanYi Zen Hei from ``fonts-wqy-zenhei``, or
the usual desktop fonts) and makes matplotlib use it. Every helper here takes
``cjk: bool | None`` (None: ask :func:`use_cjk_font`); without a CJK font, labels are
division codes and ids instead of Chinese names, never boxes.

Without a CJK font, :func:`label_key` gives the code-to-name key of the codes a chart shows,
to print beside it. Every helper takes ``caption``: the line under the chart that says what the
data are — for a synthetic sample, :func:`~partychain.analysis.panel.synthetic_label`
("synthetic sample, effect of 40,000 yuan planted"). Towns get colours from
:func:`town_palette`, which does not repeat a colour for up to 60 towns.

The helpers only present: they take graphs and frames computed by the other modules of
:mod:`partychain.analysis` and return the matplotlib ``Axes`` they drew on.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Hashable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import networkx as nx
import numpy as np
import pandas as pd

from partychain.errors import InvalidArgument

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from .diagnostics import Power
    from .effect import PairingEffect

log = logging.getLogger(__name__)

__all__ = [
    "CJK_FAMILIES",
    "add_caption",
    "bar_by_town",
    "draw_layers",
    "draw_pairing_network",
    "find_cjk_font",
    "label_key",
    "label_of",
    "place_names",
    "plot_balance",
    "plot_effect",
    "plot_event_study",
    "plot_growth",
    "plot_hollow",
    "plot_income_sources",
    "plot_power",
    "town_layout",
    "town_palette",
    "use_cjk_font",
]

CJK_FAMILIES: tuple[str, ...] = (
    "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN", "Noto Sans CJK TC",
    "Noto Sans CJK JP", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Noto Serif CJK SC", "AR PL UMing CN",
    "AR PL UKai CN", "Droid Sans Fallback", "SimHei", "Microsoft YaHei", "PingFang SC", "Heiti SC", "STHeiti",
)
"""Font families with Chinese glyphs, in order of preference."""

_FILE_HINTS = ("cjk", "wqy", "wenquanyi", "han", "droid", "simhei", "yahei", "msyh", "pingfang", "heiti", "uming",
               "ukai")
_PROBE = "村镇党委"
CLASS_COLORS = {"strong": "#c0392b", "middle": "#7f8c8d", "weak": "#2e86c1", None: "#bdc3c7"}


def _has_glyphs(path: str) -> bool:
    from matplotlib.ft2font import FT2Font

    try:
        font = FT2Font(path)
        return all(font.get_char_index(ord(ch)) for ch in _PROBE)
    except (OSError, RuntimeError, ValueError):
        return False


def find_cjk_font(*, families: Sequence[str] = CJK_FAMILIES) -> str | None:
    """The first family of ``families`` matplotlib can use that has Chinese glyphs, or None.

    Fonts installed after matplotlib built its font cache are found too: system font
    files whose names suggest CJK are added to the font manager when no listed family is
    known yet.

    >>> find_cjk_font(families=("No Such Font",)) is None
    True
    """
    from matplotlib import font_manager

    def known() -> str | None:
        by_name: dict[str, list[str]] = {}
        for f in font_manager.fontManager.ttflist:
            by_name.setdefault(f.name, []).append(f.fname)
        for fam in families:
            if any(_has_glyphs(p) for p in by_name.get(fam, ())):
                return fam
        return None

    found = known()
    if found is None:
        listed = {f.fname for f in font_manager.fontManager.ttflist}
        added = 0
        for path in font_manager.findSystemFonts():
            if path not in listed and any(h in Path(path).name.lower() for h in _FILE_HINTS):
                try:
                    font_manager.fontManager.addfont(path)
                    added += 1
                except (OSError, RuntimeError, ValueError):
                    continue
        if added:
            found = known()
    return found


class _WeightNoise(logging.Filter):
    """Drops matplotlib's "Failed to find font weight normal for ..." notice: CJK fonts such as
    WenQuanYi Zen Hei come in one weight (500) and matplotlib says so for every text."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "Failed to find font weight" not in record.getMessage()


def use_cjk_font(*, families: Sequence[str] = CJK_FAMILIES) -> bool:
    """Make matplotlib draw Chinese text with a CJK font; False (nothing changed) when none is installed.

    On success the family goes first in ``font.sans-serif``, ``font.family`` becomes
    sans-serif and ``axes.unicode_minus`` is turned off (some CJK fonts lack und+2212);
    matplotlib's notice that the font has no "normal" weight is filtered out of its log.

    >>> use_cjk_font(families=("No Such Font",))
    False
    """
    import matplotlib as mpl

    fam = find_cjk_font(families=families)
    if fam is None:
        log.info("no CJK font found: labels will be codes (install fonts-noto-cjk or fonts-wqy-zenhei)")
        return False
    if not any(isinstance(f, _WeightNoise) for f in logging.getLogger("matplotlib.font_manager").filters):
        logging.getLogger("matplotlib.font_manager").addFilter(_WeightNoise())
    mpl.rcParams["font.sans-serif"] = [fam, *[f for f in mpl.rcParams["font.sans-serif"] if f != fam]]
    mpl.rcParams["font.family"] = "sans-serif"
    mpl.rcParams["axes.unicode_minus"] = False
    log.info("matplotlib uses the CJK font %s", fam)
    return True


def _cjk(cjk: bool | None) -> bool:
    return use_cjk_font() if cjk is None else bool(cjk)


def label_of(node: Hashable, attrs: Mapping[str, Any], *, cjk: bool) -> str:
    """A node's label: its ``name`` with a CJK font, else the node key (a code or id).

    >>> label_of("520628101001", {"name": "甲村"}, cjk=True), label_of("520628101001", {"name": "甲村"}, cjk=False)
    ('甲村', '520628101001')
    """
    name = attrs.get("name")
    return str(name) if cjk and isinstance(name, str) and name else str(node)


def _short_name(name: str) -> str:
    for suffix in ("村民委员会", "居民委员会", "村委会", "居委会"):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def _ax(ax: Axes | None, size: tuple[float, float]) -> Axes:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, new = plt.subplots(figsize=size)
    return new


def town_palette(n: int) -> list[tuple[float, float, float, float]]:
    """``n`` colours, none repeated: matplotlib's tab20, tab20b and tab20c (60 colours), then evenly
    spaced hues for more.

    >>> pal = town_palette(28)
    >>> len(pal), len(set(pal))
    (28, 28)
    """
    import matplotlib.pyplot as plt

    if n < 0:
        raise InvalidArgument(f"n must not be negative, got {n}")
    base = [tuple(float(x) for x in plt.get_cmap(name)(i)) for name in ("tab20", "tab20b", "tab20c")
            for i in range(20)]
    if n <= len(base):
        return [(c[0], c[1], c[2], c[3]) for c in base[:n]]
    hsv = plt.get_cmap("hsv")
    extra = [tuple(float(x) for x in hsv((i * 0.618033988749895) % 1.0)) for i in range(n - len(base))]
    return [(c[0], c[1], c[2], c[3]) for c in [*base, *extra]]


def add_caption(ax: Axes, caption: str | None) -> Axes:
    """Write ``caption`` (what the data are) under the chart, in the figure's lower left corner.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> _, ax = plt.subplots()
    >>> [t.get_text() for t in add_caption(ax, "synthetic sample, effect of 40,000 yuan planted").figure.texts]
    ['synthetic sample, effect of 40,000 yuan planted']
    """
    if caption:
        ax.figure.text(0.01, 0.005, caption, ha="left", va="bottom", fontsize=8, style="italic", color="#555555")
    return ax


def place_names(g: nx.Graph) -> dict[str, str]:
    """Code → Chinese name of every village of a graph and of its towns (``town_code`` → ``town_name``).

    >>> g = nx.Graph()
    >>> g.add_node("520628101001", name="甲村", town_code="520628101", town_name="盘石镇")
    >>> place_names(g)
    {'520628101001': '甲村', '520628101': '盘石镇'}
    """
    names: dict[str, str] = {}
    for v, a in g.nodes(data=True):
        if isinstance(a.get("name"), str):
            names[str(v)] = a["name"]
        if a.get("town_code") is not None and isinstance(a.get("town_name"), str):
            names[str(a["town_code"])] = a["town_name"]
    return names


_CODE_IN_TEXT = re.compile(r"\b(\d{9}|\d{12})\b")


def label_key(ax: Axes, names: Mapping[str, str]) -> pd.DataFrame:
    """The code-to-name key of every division code written on a chart (texts and tick labels).

    For charts drawn without a CJK font, whose labels are codes: print the key beside the
    chart (the notebooks do). Columns ``code``, ``name`` (from ``names``, e.g.
    :func:`place_names`), in code order.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> _, ax = plt.subplots()
    >>> _ = ax.text(0, 0, "520628101001 (3)")
    >>> label_key(ax, {"520628101001": "甲村"}).values.tolist()
    [['520628101001', '甲村']]
    """
    texts = [t.get_text() for t in ax.texts]
    texts += [t.get_text() for t in ax.get_xticklabels()] + [t.get_text() for t in ax.get_yticklabels()]
    codes = sorted({m for t in texts for m in _CODE_IN_TEXT.findall(t)})
    return pd.DataFrame({"code": codes, "name": [names.get(c) for c in codes]}, columns=["code", "name"])


def town_layout(g: nx.Graph, *, seed: int = 2021, nodes: Iterable[Hashable] | None = None,
                attr: str = "town_code") -> dict[Hashable, np.ndarray]:
    """Positions that group nodes by town: towns on a grid (code order, row by row), each town's nodes in its cell.

    Within a town, nodes are placed by a seeded spring layout of the town's own subgraph,
    so links inside a town are short and links across towns cross between cells.

    >>> g = nx.Graph([(1, 2), (3, 4)])
    >>> nx.set_node_attributes(g, {1: "a", 2: "a", 3: "b", 4: "b"}, "town_code")
    >>> pos = town_layout(g)
    >>> sorted(pos), bool(np.allclose((pos[1] + pos[2]) / 2, [0, 0])), bool(np.allclose((pos[3] + pos[4]) / 2, [1, 0]))
    ([1, 2, 3, 4], True, True)
    """
    keep = list(g) if nodes is None else list(nodes)
    und = g.to_undirected(as_view=True) if g.is_directed() else g
    groups: dict[str, list[Hashable]] = {}
    for v in keep:
        groups.setdefault(str(g.nodes[v].get(attr)), []).append(v)
    cols = max(1, math.ceil(math.sqrt(len(groups))))
    spread = 0.38
    pos: dict[Hashable, np.ndarray] = {}
    for i, town in enumerate(sorted(groups)):
        centre = np.array([float(i % cols), -float(i // cols)])
        members = groups[town]
        if len(members) == 1:
            pos[members[0]] = centre
            continue
        sub = nx.spring_layout(und.subgraph(members), seed=seed, k=1.5 / math.sqrt(len(members)))
        pts = np.array([sub[v] for v in members])
        pts = pts - pts.mean(0)
        scale = float(np.linalg.norm(pts, axis=1).max()) or 1.0
        for v, p in zip(members, pts, strict=True):
            pos[v] = centre + spread * p / scale
    return pos


def draw_pairing_network(g: nx.DiGraph, *, ax: Axes | None = None, color_by: Literal["town", "class"] = "town",
                         label_top: int = 8, include_isolates: bool = False, seed: int = 2021,
                         town_labels: bool = True, cjk: bool | None = None, title: str | None = None,
                         caption: str | None = None) -> Axes:
    """Draw the pairing network grouped by town: colour by town (or class), strong villages large.

    Villages are placed with :func:`town_layout`; node size grows with the number of
    partners; edges point strong → weak, cross-town edges drawn darker. The ``label_top``
    villages leading most weak villages are labelled (names with a CJK font, else codes).
    Unpaired villages are left out unless ``include_isolates``. With ``town_labels`` each
    town's name (or code) is written under its group. Towns are coloured by
    :func:`town_palette` (no colour repeats); ``caption`` goes under the chart.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> g = nx.DiGraph([("s", "w1"), ("s", "w2")])
    >>> nx.set_node_attributes(g, {"s": "t1", "w1": "t1", "w2": "t2"}, "town_code")
    >>> nx.set_node_attributes(g, {"s": "strong", "w1": "weak", "w2": "weak"}, "class")
    >>> ax = draw_pairing_network(g, cjk=False, town_labels=False)
    >>> [t.get_text() for t in ax.texts]  # the hub, labelled with its code and partners
    ['s (2)']
    """
    from matplotlib.lines import Line2D

    cjk = _cjk(cjk)
    ax = _ax(ax, (11, 11))
    nodes = [v for v in g if include_isolates or g.degree(v) > 0]
    pos = town_layout(g, seed=seed, nodes=nodes)
    towns = sorted({str(g.nodes[v].get("town_code")) for v in nodes})
    town_color = dict(zip(towns, town_palette(len(towns)), strict=True))
    colors: list[Any]
    if color_by == "town":
        colors = [town_color[str(g.nodes[v].get("town_code"))] for v in nodes]
    elif color_by == "class":
        colors = [CLASS_COLORS.get(g.nodes[v].get("class"), CLASS_COLORS[None]) for v in nodes]
    else:
        raise InvalidArgument(f"color_by must be 'town' or 'class', got {color_by!r}")
    sizes = [60 + 60 * g.degree(v) if g.nodes[v].get("class") == "strong" else 35 for v in nodes]
    shapes = {"strong": "s", "weak": "o"}
    for cls in ("strong", "weak", "other"):
        idx = [i for i, v in enumerate(nodes) if (g.nodes[v].get("class") if g.nodes[v].get("class") in shapes
                                                   else "other") == cls]
        if not idx:
            continue
        nx.draw_networkx_nodes(g, pos, nodelist=[nodes[i] for i in idx], node_color=[colors[i] for i in idx],
                               node_size=[sizes[i] for i in idx], node_shape=shapes.get(cls, "^"),
                               edgecolors="black", linewidths=0.4, ax=ax)
    same = [(a, b) for a, b in g.edges() if g.nodes[a].get("town_code") == g.nodes[b].get("town_code")]
    cross = [(a, b) for a, b in g.edges() if g.nodes[a].get("town_code") != g.nodes[b].get("town_code")]
    nx.draw_networkx_edges(g, pos, edgelist=same, edge_color="#95a5a6", width=0.8, arrowsize=6, ax=ax,
                           node_size=40)
    nx.draw_networkx_edges(g, pos, edgelist=cross, edge_color="#2c3e50", width=1.1, arrowsize=7, ax=ax,
                           style="dashed", node_size=40, connectionstyle="arc3,rad=0.1")
    if town_labels:
        names = {str(g.nodes[v].get("town_code")): g.nodes[v].get("town_name") for v in nodes}
        for town in towns:
            pts = np.array([pos[v] for v in nodes if str(g.nodes[v].get("town_code")) == town])
            name = names.get(town)
            text = str(name) if cjk and isinstance(name, str) else town
            ax.text(float(pts[:, 0].mean()), float(pts[:, 1].min()) - 0.12, text, ha="center", va="top",
                    fontsize=7, color="#7f8c8d")
    hubs = sorted((v for v in nodes if g.out_degree(v) > 0), key=lambda v: (-g.out_degree(v), str(v)))[:label_top]
    for v in hubs:
        a = g.nodes[v]
        text = _short_name(label_of(v, a, cjk=cjk)) if cjk else str(v)
        xy = (float(pos[v][0]), float(pos[v][1]))
        ax.annotate(f"{text} ({g.out_degree(v)})", xy, fontsize=8, xytext=(4, 4), textcoords="offset points")
    handles = [Line2D([], [], marker="s", ls="", color="#555", label="strong village (size: partners)"),
               Line2D([], [], marker="o", ls="", color="#555", label="weak village"),
               Line2D([], [], ls="--", color="#2c3e50", label="pairing across a town border")]
    if cjk:
        handles = [Line2D([], [], marker="s", ls="", color="#555", label="强村 strong (大小: 结对数)"),
                   Line2D([], [], marker="o", ls="", color="#555", label="弱村 weak"),
                   Line2D([], [], ls="--", color="#2c3e50", label="跨镇结对 cross-town")]
    ax.legend(handles=handles, loc="lower left", fontsize=8, frameon=False)
    if title is None:
        title = ("强村带弱村结对网络 pairing network" if cjk else "pairing network (strong -> weak)") + \
            f": {g.number_of_edges()} pairings, {len(towns)} towns"
    ax.set_title(title)
    ax.set_axis_off()
    return add_caption(ax, caption)


def bar_by_town(frame: pd.DataFrame, *, value: str, ax: Axes | None = None, name_col: str = "town_name",
                code_col: str = "town_code", cjk: bool | None = None, xlabel: str | None = None,
                percent: bool = True, caption: str | None = None) -> Axes:
    """Horizontal bars of ``value`` per town, sorted, labelled with town names (or codes without a CJK font).

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> f = pd.DataFrame({"town_code": ["520628101", "520628102"], "town_name": ["盘石镇", "盘信镇"], "r": [0.5, 1.0]})
    >>> ax = bar_by_town(f, value="r", cjk=False)
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['520628101', '520628102']
    """
    cjk = _cjk(cjk)
    data = frame.sort_values(value, ascending=True, na_position="first")
    labels = [str(n) if cjk and isinstance(n, str) else str(c) for n, c in zip(data[name_col], data[code_col],
                                                                            strict=True)]
    ax = _ax(ax, (8, max(3.0, 0.28 * len(data) + 1)))
    values = data[value].to_numpy(dtype=float)
    ax.barh(range(len(data)), np.nan_to_num(values), color="#2e86c1")
    ax.set_yticks(range(len(data)), labels, fontsize=8)
    if percent:
        from matplotlib.ticker import PercentFormatter

        ax.xaxis.set_major_formatter(PercentFormatter(1.0))
        ax.set_xlim(0, 1)
    ax.set_xlabel(xlabel if xlabel is not None else value)
    return add_caption(ax, caption)


def _layered(g: nx.DiGraph, order: Mapping[str, int]) -> nx.DiGraph:
    """Copy of ``g`` with a ``layer`` attribute, nodes inserted layer by layer from the top, each
    layer sorted by the mean position of its neighbours in the layers above (barycentre
    heuristic), so that ``multipartite_layout`` draws children under their parents."""
    und = g.to_undirected(as_view=True)
    layers: dict[int, list[Hashable]] = {}
    for v, lv in g.nodes(data="level"):
        layers.setdefault(order[lv], []).append(v)
    rank: dict[Hashable, float] = {}
    ordered: list[Hashable] = []
    for layer in sorted(layers, reverse=True):
        def key(v: Hashable) -> tuple[float, str]:
            above = [rank[u] for u in und.neighbors(v) if u in rank]
            return (sum(above) / len(above) if above else math.inf, str(v))

        members = sorted(layers[layer], key=key)
        for i, v in enumerate(members):
            rank[v] = i / max(len(members) - 1, 1)
        ordered.extend(members)
    lay = nx.DiGraph()
    lay.graph.update(g.graph)
    lay.add_nodes_from((v, {**g.nodes[v], "layer": order[g.nodes[v]["level"]]}) for v in ordered)
    lay.add_edges_from(g.edges(data=True))
    return lay


def draw_layers(g: nx.DiGraph, *, levels: Sequence[str], ax: Axes | None = None, cjk: bool | None = None,
                edge_label: str | None = None, title: str | None = None, max_labels: int = 60,
                caption: str | None = None) -> Axes:
    """Draw a graph in layers by its ``level`` node attribute (``levels`` bottom to top).

    Nodes are labelled with their name (CJK font) or id; people have no name attribute and
    always show their id. Used for household chains and downstream subgraphs
    (:mod:`partychain.analysis.chains`). Labels are left out above ``max_labels`` nodes.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> g = nx.DiGraph([("HH-1", "PM-1")], link="x")
    >>> nx.set_node_attributes(g, {"HH-1": "household", "PM-1": "member"}, "level")
    >>> ax = draw_layers(g, levels=("household", "member"), cjk=False)
    >>> sorted(t.get_text() for t in ax.texts)
    ['HH-1', 'PM-1']
    """
    import matplotlib.pyplot as plt

    cjk = _cjk(cjk)
    order = {lv: i for i, lv in enumerate(levels)}
    unknown = {lv for _, lv in g.nodes(data="level") if lv not in order}
    if unknown:
        raise InvalidArgument(f"nodes with levels not in {levels}: {sorted(unknown)}")
    ax = _ax(ax, (10, 1.3 * len(levels) + 1))
    lay = _layered(g, order)
    pos = nx.multipartite_layout(lay, subset_key="layer", align="horizontal") if len(lay) else {}
    cmap = plt.get_cmap("tab10")
    colors = [cmap(order[lay.nodes[v]["level"]] % 10) for v in lay]
    nx.draw_networkx_nodes(lay, pos, node_color=colors, node_size=220 if len(lay) < 40 else 60, ax=ax,
                           edgecolors="black", linewidths=0.4)
    nx.draw_networkx_edges(lay, pos, ax=ax, arrowsize=8, edge_color="#7f8c8d", node_size=220 if len(lay) < 40 else 60)
    if len(lay) <= max_labels:
        labels = {v: label_of(v, lay.nodes[v], cjk=cjk) for v in lay}
        nx.draw_networkx_labels(lay, pos, labels=labels, font_size=7, ax=ax,
                                font_family=plt.rcParams["font.family"])
    if edge_label and len(lay) <= max_labels:
        nx.draw_networkx_edge_labels(lay, pos, edge_labels=nx.get_edge_attributes(lay, edge_label), font_size=6, ax=ax)
    if pos:
        ys = sorted({float(p[1]) for p in pos.values()})
        ax.set_yticks(ys, [lv for lv in levels if any(lay.nodes[v]["level"] == lv for v in lay)], fontsize=8)
    ax.tick_params(left=True, labelleft=True, bottom=False, labelbottom=False)
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)
    if title:
        ax.set_title(title)
    return add_caption(ax, caption)


def plot_effect(effect: PairingEffect, *, ax: Axes | None = None, cjk: bool | None = None,
                caption: str | None = None) -> Axes:
    """The permutation null distribution with the observed estimate and its clustered interval.

    ``caption`` defaults to the effect's ``label`` (what the data are).

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from partychain.analysis.effect import PairingEffect
    >>> e = PairingEffect(40_000.0, 1_500.0, 37_000.0, 43_000.0, 24, 25, "town", 0.001, True, 999, 0.95, 41_000.0,
    ...                   50_000.0, 10_000.0, 89, 87, 0, 2, 0, 59, 55, 9, 0, ((2018, 87),), 2017, 50_000, 3, 0.5,
    ...                   "town_first", "weak", 2021, label="synthetic sample, effect of 40,000 yuan planted",
    ...                   null_estimates=(-1_000.0, 0.0, 1_500.0))
    >>> ax = plot_effect(e, cjk=False)
    >>> len(ax.lines), [t.get_text() for t in ax.figure.texts]
    (1, ['synthetic sample, effect of 40,000 yuan planted'])
    """
    from .effect import format_p

    cjk = _cjk(cjk)
    ax = _ax(ax, (8, 4))
    if effect.null_estimates:
        ax.hist(effect.null_estimates, bins=40, color="#bdc3c7",
                label="rewired pairings (null)" if not cjk else "随机重连结对（零假设）rewired pairings (null)")
    ax.axvspan(effect.ci_low, effect.ci_high, color="#f5b7b1", alpha=0.5,
               label=f"{effect.level:.0%} CI, clustered by {effect.cluster} ({effect.n_clusters} clusters)")
    p = format_p(effect.p_value, effect.n_perm)
    ax.axvline(effect.estimate, color="#c0392b", lw=2,
               label=f"estimate {effect.estimate:,.0f}" + (f", permutation p {p if p.startswith('<') else '= ' + p}"
                                                           if effect.p_value is not None else ""))
    ax.set_xlabel("yuan per year (bias-corrected matching)" if not cjk else "元/年（偏差校正匹配）yuan per year")
    ax.set_ylabel("rewired graphs" if not cjk else "重连次数 rewired graphs")
    ax.legend(fontsize=8, frameon=False)
    return add_caption(ax, effect.label if caption is None else caption)


def plot_event_study(table: pd.DataFrame, *, ax: Axes | None = None, caption: str | None = None,
                     cjk: bool | None = None) -> Axes:
    """Effect by year relative to the pairing year (:func:`~partychain.analysis.diagnostics.event_study`),
    placebo years grey, with their intervals; a dashed line where pairing starts.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> t = pd.DataFrame({"relative_year": [-1, 0, 1], "placebo": [True, False, False], "estimate": [0.0, 3.0, 4.0],
    ...                   "ci_low": [-1.0, 2.0, 3.0], "ci_high": [1.0, 4.0, 5.0]})
    >>> [tuple(map(float, x)) for x in plot_event_study(t, cjk=False).get_lines()[0].get_xydata()]
    [(-1.0, 0.0)]
    """
    cjk = _cjk(cjk)
    ax = _ax(ax, (8, 4))
    for placebo, color, label in ((True, "#7f8c8d", "placebo (before pairing)"), (False, "#c0392b", "effect")):
        part = table[table["placebo"] == placebo]
        if not len(part):
            continue
        x = part["relative_year"].to_numpy(dtype=float)
        y = part["estimate"].to_numpy(dtype=float)
        err = np.vstack([y - part["ci_low"].to_numpy(dtype=float), part["ci_high"].to_numpy(dtype=float) - y])
        ax.errorbar(x, y, yerr=err, fmt="o", color=color, capsize=3, label=label)
    ax.axhline(0, color="black", lw=0.8)
    ax.axvline(-0.5, color="#555555", lw=0.8, ls="--")
    ax.set_xlabel("years since pairing" if not cjk else "结对后年数 years since pairing")
    ax.set_ylabel("yuan per year" if not cjk else "元/年 yuan per year")
    ax.set_xticks(sorted({int(x) for x in table["relative_year"]}))
    ax.legend(fontsize=8, frameon=False)
    return add_caption(ax, caption)


def plot_balance(table: pd.DataFrame, *, ax: Axes | None = None, caption: str | None = None,
                 threshold: float = 0.1) -> Axes:
    """Standardised mean differences before and after matching (:func:`~partychain.analysis.diagnostics.balance_table`),
    one row per covariate, with the ±``threshold`` band.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> t = pd.DataFrame({"covariate": ["income t-1"], "smd_before": [0.4], "smd_after": [0.02]})
    >>> [t.get_text() for t in plot_balance(t).get_yticklabels()]
    ['income t-1']
    """
    ax = _ax(ax, (7, max(2.5, 0.35 * len(table) + 1)))
    y = np.arange(len(table))
    ax.axvspan(-threshold, threshold, color="#d5f5e3")
    ax.scatter(table["smd_before"], y, marker="o", facecolors="none", edgecolors="#7f8c8d", label="before matching")
    ax.scatter(table["smd_after"], y, marker="o", color="#2e86c1", label="after matching")
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(y, [str(c) for c in table["covariate"]], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("standardised mean difference (paired − unpaired)")
    ax.legend(fontsize=8, frameon=False, loc="lower right")
    return add_caption(ax, caption)


def plot_power(power: Power, *, ax: Axes | None = None, caption: str | None = None) -> Axes:
    """The power curve of the design (:func:`~partychain.analysis.diagnostics.power_analysis`) with the
    minimum detectable effect marked.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from partychain.analysis.diagnostics import Power
    >>> p = Power(2_900.0, 1_000.0, 24, 0.05, 0.8, 87, 25, ((0.0, 0.05), (2_900.0, 0.8), (5_800.0, 0.99)))
    >>> len(plot_power(p).lines)
    3
    """
    ax = _ax(ax, (7, 4))
    curve = power.frame()
    ax.plot(curve["effect"], curve["power"], color="#2e86c1", marker="o", ms=3)
    ax.axhline(power.power, color="#7f8c8d", lw=0.8, ls="--")
    ax.axvline(power.mde, color="#c0392b", lw=1,
               label=f"smallest effect detected with {power.power:.0%} power: {power.mde:,.0f} yuan/year")
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("true effect, yuan per year")
    ax.set_ylabel(f"power (two-sided, α = {power.alpha:g})")
    ax.legend(fontsize=8, frameon=False, loc="lower right")
    return add_caption(ax, caption)


_SOURCE_LABELS: dict[str, tuple[str, str, str]] = {
    "from_chain": ("产业链分红", "dividends from the chain", "#c0392b"),
    "dividend_other": ("其他分红", "other dividends", "#f1948a"),
    "asset_rent": ("资产租赁", "asset rent", "#2e86c1"),
    "service": ("经营服务", "services", "#48c9b0"),
    "subsidy": ("上级补助", "subsidies", "#f4d03f"),
    "other": ("其他", "other", "#a6acaf"),
    "unattributed": ("未分来源", "no source recorded", "#e5e7e9"),
}
"""Bars of :func:`plot_income_sources`: Chinese label, English label, colour."""


def plot_hollow(frame: pd.DataFrame, *, x: str = "year", ax: Axes | None = None, cjk: bool | None = None,
                hollow_below: float | None = None, caption: str | None = None) -> Axes:
    """Bars of hollow villages (空壳村) per year (``x``: ``year`` or ``ledger_year``), their share above each bar.

    ``frame`` has the columns of :func:`~partychain.analysis.economy.economy_years`.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> f = pd.DataFrame({"year": [2019, 2020], "hollow": [52, 41], "hollow_share": [0.1, 0.08]})
    >>> ax = plot_hollow(f, cjk=False, hollow_below=50_000)
    >>> [round(p.get_height()) for p in ax.patches], ax.get_ylabel()
    ([52, 41], 'hollow villages (income < 50,000 yuan)')
    """
    cjk = _cjk(cjk)
    ax = _ax(ax, (8, 4))
    bars = ax.bar(frame[x].astype(str), frame["hollow"].to_numpy(dtype=float), color="#7f8c8d")
    for bar, share in zip(bars, frame["hollow_share"], strict=True):
        if pd.notna(share):
            ax.annotate(f"{share:.1%}", (bar.get_x() + bar.get_width() / 2, bar.get_height()), ha="center",
                        va="bottom", fontsize=8)
    limit = f" < {hollow_below:,.0f}" if hollow_below is not None else ""
    ax.set_ylabel(f"空壳村（收入{limit} 元）" if cjk else f"hollow villages (income{limit} yuan)")
    ax.set_xlabel(("台账年度" if x == "ledger_year" else "年份") if cjk else x.replace("_", " "))
    return add_caption(ax, caption)


def plot_income_sources(frame: pd.DataFrame, *, ax: Axes | None = None, cjk: bool | None = None,
                        caption: str | None = None) -> Axes:
    """Stacked bars of collective income per year by source, dividends from the chain apart from other dividends.

    ``frame`` has the columns of :func:`~partychain.analysis.economy.economy_years` (yuan; drawn in 万元).

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> f = pd.DataFrame({"year": [2020], "from_chain": [50_000], "dividend": [60_000], "asset_rent": [20_000],
    ...                   "service": [0], "subsidy": [10_000], "other": [5_000], "unattributed": [0]})
    >>> ax = plot_income_sources(f, cjk=False)
    >>> [t.get_text() for t in ax.get_legend().get_texts()][:2]
    ['dividends from the chain', 'other dividends']
    """
    cjk = _cjk(cjk)
    ax = _ax(ax, (9, 4.5))
    parts = {"from_chain": frame["from_chain"], "dividend_other": frame["dividend"] - frame["from_chain"],
             **{k: frame[k] for k in ("asset_rent", "service", "subsidy", "other", "unattributed")}}
    bottom = np.zeros(len(frame))
    years = frame["year"].astype(str)
    for key, values in parts.items():
        v = values.to_numpy(dtype=float) / 10_000
        zh, en, colour = _SOURCE_LABELS[key]
        ax.bar(years, v, bottom=bottom, color=colour, label=zh if cjk else en)
        bottom += v
    ax.set_ylabel("村集体经济收入（万元）" if cjk else "collective income (10,000 yuan)")
    ax.set_xlabel("年份" if cjk else "year")
    ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return add_caption(ax, caption)


def plot_growth(frame: pd.DataFrame, *, value: str = "growth_a_year", label_col: str = "name",
                code_col: str = "code", ax: Axes | None = None, cjk: bool | None = None,
                xlabel: str | None = None, labels: Mapping[str, str] | None = None,
                caption: str | None = None) -> Axes:
    """Horizontal bars of a growth rate per group (a town or a linkage model), sorted, in percent a year.

    Labels: ``labels[code]`` when given (e.g. the models' Chinese names), else the group's name with a CJK
    font, else its code.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> f = pd.DataFrame({"code": ["a", "b"], "name": ["甲镇", "乙镇"], "growth_a_year": [0.2, 0.1]})
    >>> [t.get_text() for t in plot_growth(f, cjk=False).get_yticklabels()]
    ['b', 'a']
    """
    cjk = _cjk(cjk)
    data = frame.sort_values(value, ascending=True, na_position="first")
    names = [labels.get(str(c), str(c)) if labels and cjk else (str(n) if cjk and isinstance(n, str) else str(c))
             for n, c in zip(data[label_col], data[code_col], strict=True)]
    ax = _ax(ax, (8, max(3.0, 0.28 * len(data) + 1)))
    ax.barh(range(len(data)), np.nan_to_num(data[value].to_numpy(dtype=float)), color="#27ae60")
    ax.set_yticks(range(len(data)), names, fontsize=8)
    from matplotlib.ticker import PercentFormatter

    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlabel(xlabel if xlabel is not None else ("年均增长" if cjk else "growth a year"))
    return add_caption(ax, caption)
