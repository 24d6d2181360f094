"""Exports: GraphML and GEXF round trips with flattened attributes; CSV with formula-inert text cells."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from partychain.analysis.export import flatten_attributes, to_frames, write_csv, write_gexf, write_graphml
from partychain.analysis.projections import cooperation_graph, org_graph, pairing_graph
from partychain.errors import InvalidArgument


@pytest.fixture(scope="module")
def pairing(songtao_graph) -> nx.DiGraph:
    return pairing_graph(songtao_graph)


def _scalar(v) -> bool:
    return isinstance(v, str | int | float | bool)


def test_flattened_attributes_are_scalars(pairing):
    flat = flatten_attributes(pairing)
    for _, a in flat.nodes(data=True):
        assert all(_scalar(v) for v in a.values())
    v = next(iter(pairing))
    for year, yuan in pairing.nodes[v]["income"].items():
        assert flat.nodes[v][f"income_{year}"] == yuan
    assert flat.nodes[v]["industries"] == ";".join(pairing.nodes[v]["industries"])
    assert all(_scalar(x) for x in flat.graph.values())
    assert sorted(flat.edges(data=True)) == sorted(pairing.edges(data=True))


@pytest.mark.parametrize("projection", [pairing_graph, cooperation_graph, org_graph])
def test_graphml_and_gexf_round_trip(mini_graph, tmp_path: Path, projection):
    g = projection(mini_graph)
    for write, read, name in ((write_graphml, nx.read_graphml, "g.graphml"), (write_gexf, nx.read_gexf, "g.gexf")):
        path = write(g, tmp_path / name)
        back = read(path)
        assert set(back) == {str(v) for v in g}
        assert back.number_of_edges() == g.number_of_edges()
        assert back.is_directed() == g.is_directed()


def test_graphml_keeps_values_and_chinese(pairing, tmp_path: Path):
    back = nx.read_graphml(write_graphml(pairing, tmp_path / "p.graphml"))
    v = "520628102204"
    assert back.nodes[v]["name"] == pairing.nodes[v]["name"]
    assert back.nodes[v]["income_2019"] == pairing.nodes[v]["income"][2019]
    assert back.nodes[v]["class"] == "strong"
    s, w = next(iter(pairing.edges()))
    assert back.edges[s, w]["since"] == 2018


def test_csv_is_formula_inert(tmp_path: Path):
    g = nx.DiGraph()
    bad = ["=1+1", "+1", "-2", "@SUM(A1)", "\t=x"]
    for i, text in enumerate(bad):
        g.add_node(f"v{i}", name=text, yuan=-5, note="茶叶")
    g.add_edge("v0", "v1", kind="=HYPERLINK(\"http://x\")", weight=-1.5)
    nodes, edges = write_csv(g, tmp_path, prefix="t_")
    raw = nodes.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a byte-order mark for spreadsheets
    back = pd.read_csv(nodes, encoding="utf-8-sig", dtype=str)
    assert back["name"].tolist() == ["'" + t for t in bad]
    assert back["yuan"].tolist() == ["-5"] * len(bad)  # numbers stay numbers
    assert back["note"].tolist() == ["茶叶"] * len(bad)
    e = pd.read_csv(edges, encoding="utf-8-sig", dtype=str)
    assert e.loc[0, "kind"].startswith("'=") and e.loc[0, "weight"] == "-1.5"
    for frame in (back, e):
        for col in frame.columns:
            for cell in frame[col].dropna():
                assert not cell.startswith(("=", "+", "@", "\t")) and not (cell.startswith("-")
                                                                            and not _number(cell))


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_csv_of_a_projection(pairing, tmp_path: Path):
    nodes, edges = write_csv(pairing, tmp_path)
    n = pd.read_csv(nodes, encoding="utf-8-sig", dtype={"id": str})
    e = pd.read_csv(edges, encoding="utf-8-sig", dtype={"source": str, "target": str})
    assert len(n) == pairing.number_of_nodes() and len(e) == pairing.number_of_edges()
    assert list(e.columns[:2]) == ["source", "target"]
    frames = to_frames(pairing)
    assert list(frames[0]["id"]) == list(pairing)


def test_csv_needs_a_directory(tmp_path: Path):
    with pytest.raises(InvalidArgument):
        write_csv(nx.Graph(), tmp_path / "missing")
    nodes, _ = write_csv(nx.Graph(), tmp_path)
    assert pd.read_csv(nodes, encoding="utf-8-sig").columns.tolist() == ["id"]
