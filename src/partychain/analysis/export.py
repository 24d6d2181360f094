"""Write any projection as GraphML, GEXF or node/edge CSV files.

GraphML and GEXF take scalar attributes only, so :func:`flatten_attributes` turns a dict
attribute into one attribute per key (``income`` {2017: 1} → ``income_2017``), a list into
a ';'-joined string, and drops None. CSV files are for people: every text cell that starts
with ``=``, ``+``, ``-``, ``@`` (or tab, carriage return) gets a leading ``'`` so a
spreadsheet shows it instead of running it as a formula
(:func:`partychain.export.spreadsheet_safe`); they are written UTF-8 with a byte-order mark
so that spreadsheet programs read Chinese names correctly.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from partychain.errors import InvalidArgument
from partychain.export import spreadsheet_safe

log = logging.getLogger(__name__)

__all__ = ["flatten_attributes", "to_frames", "write_csv", "write_gexf", "write_graphml"]


def _scalar(v: Any) -> Any:
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, list | tuple | set | frozenset):
        items = sorted(v, key=str) if isinstance(v, set | frozenset) else v
        return ";".join(str(_scalar(x)) for x in items)
    return v


def _flat(attrs: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in attrs.items():
        if isinstance(v, dict):
            for sk, raw in sorted(v.items(), key=lambda kv: str(kv[0])):
                sv = _scalar(raw)
                if sv is not None and not isinstance(sv, dict):
                    out[f"{k}_{sk}"] = sv
        else:
            value = _scalar(v)
            if value is not None:
                out[str(k)] = value
    return out


def flatten_attributes(g: nx.Graph) -> nx.Graph:
    """A copy of ``g`` whose node, edge and graph attributes are all scalars (str, int, float, bool).

    >>> g = nx.DiGraph(scope="")
    >>> g.add_node("v", income={2017: 20_000, 2020: 80_000}, industries=["tea", "pigs"], town_name=None)
    >>> flatten_attributes(g).nodes["v"]
    {'income_2017': 20000, 'income_2020': 80000, 'industries': 'tea;pigs'}
    """
    flat = g.__class__()
    flat.graph.update(_flat(g.graph))
    flat.add_nodes_from((v, _flat(a)) for v, a in g.nodes(data=True))
    if g.is_multigraph():
        flat.add_edges_from((u, v, k, _flat(a)) for u, v, k, a in g.edges(keys=True, data=True))
    else:
        flat.add_edges_from((u, v, _flat(a)) for u, v, a in g.edges(data=True))
    return flat


def write_graphml(g: nx.Graph, path: str | Path) -> Path:
    """Write ``g`` (flattened) as GraphML; returns the path.

    >>> import tempfile
    >>> from partychain.testing import mini_store
    >>> from partychain.analysis.projections import pairing_graph
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = write_graphml(pairing_graph(mini_store()), Path(d) / "pairing.graphml")
    ...     nx.read_graphml(p).nodes["520628101002"]["income_2020"]
    80000
    """
    path = Path(path)
    nx.write_graphml(flatten_attributes(g), path, encoding="utf-8")
    log.info("wrote %s (%d nodes, %d edges)", path, g.number_of_nodes(), g.number_of_edges())
    return path


def write_gexf(g: nx.Graph, path: str | Path) -> Path:
    """Write ``g`` (flattened) as GEXF for Gephi, with ``label`` = the node's ``name`` when it has one.

    >>> import tempfile
    >>> from partychain.testing import mini_store
    >>> from partychain.analysis.projections import org_graph
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = write_gexf(org_graph(mini_store()), Path(d) / "org.gexf")
    ...     nx.read_gexf(p).nodes["JC-1"]["label"]
    '盘石联村党委'
    """
    path = Path(path)
    flat = flatten_attributes(g)
    for _, a in flat.nodes(data=True):
        if "label" not in a and isinstance(a.get("name"), str):
            a["label"] = a["name"]
    nx.write_gexf(flat, path, encoding="utf-8")
    log.info("wrote %s (%d nodes, %d edges)", path, g.number_of_nodes(), g.number_of_edges())
    return path


def to_frames(g: nx.Graph) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Nodes (column ``id`` first) and edges (``source``, ``target`` first) with flattened attributes.

    >>> g = nx.Graph()
    >>> g.add_edge("a", "b", weight=2)
    >>> nodes, edges = to_frames(g)
    >>> list(nodes["id"]), edges.values.tolist()
    (['a', 'b'], [['a', 'b', 2]])
    """
    flat = flatten_attributes(g)
    nodes = pd.DataFrame([{"id": v, **a} for v, a in flat.nodes(data=True)])
    if not len(nodes):
        nodes = pd.DataFrame(columns=["id"])
    edges = pd.DataFrame([{"source": u, "target": v, **a} for u, v, a in flat.edges(data=True)])
    if not len(edges):
        edges = pd.DataFrame(columns=["source", "target"])
    return nodes, edges


def write_csv(g: nx.Graph, directory: str | Path, *, prefix: str = "") -> tuple[Path, Path]:
    """Write ``{prefix}nodes.csv`` and ``{prefix}edges.csv`` into ``directory``; text cells made formula-inert.

    Returns the two paths.

    >>> import tempfile
    >>> g = nx.Graph()
    >>> g.add_node("v1", name="=HYPERLINK(1)", income=-5)
    >>> with tempfile.TemporaryDirectory() as d:
    ...     n, e = write_csv(g, d, prefix="x_")
    ...     pd.read_csv(n).values.tolist(), n.name
    ([['v1', "'=HYPERLINK(1)", -5]], 'x_nodes.csv')
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise InvalidArgument(f"not a directory: {directory}")
    nodes, edges = to_frames(g)
    paths = (directory / f"{prefix}nodes.csv", directory / f"{prefix}edges.csv")
    for frame, path in zip((nodes, edges), paths, strict=True):
        safe = frame.astype(object).map(spreadsheet_safe) if len(frame) else frame
        safe.to_csv(path, index=False, encoding="utf-8-sig")
    log.info("wrote %s and %s", *paths)
    return paths
