"""The neo4j-admin export, on the mini ledger in the embedded engine (no server needed).

Checks what ``neo4j-admin database import full`` relies on: header syntax and types, one
id space per key space, unique ids, relationship ids that resolve to nodes of the right
label, every file named in ``import.sh``, and values that read back as the store holds them.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from partychain.errors import PartychainError
from partychain.export import (
    export_neo4j_admin,
    id_space,
    node_file,
    relationship_file,
    spreadsheet_safe,
    text_column,
)
from partychain.graph_model import NODES, RELS, graph_properties_of, neo4j_constraints, properties_of
from partychain.testing import mini_store

HEADER = re.compile(r"^(?:(?P<name>[a-z_][a-z0-9_]*)?:(?P<type>ID|START_ID|END_ID|LABEL|TYPE|string|long|double|"
                    r"boolean|date)(?P<array>\[\])?(?:\((?P<space>[A-Za-z_]+)\))?)$")


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    out = tmp_path_factory.mktemp("neo4j-admin")
    return out, export_neo4j_admin(mini_store(), out)


def _read(path: Path) -> tuple[list[str], list[list[str]]]:
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


def _parse(field: str) -> dict[str, Any]:
    m = HEADER.match(field)
    assert m, f"not a neo4j-admin header field: {field!r}"
    return m.groupdict()


def _value(text: str, kind: str, array: bool) -> Any:
    if text == "":
        return None
    if array:
        return [_value(x, kind, False) for x in text.split(";")]
    return {"long": int, "double": float, "boolean": lambda s: {"true": True, "false": False}[s]}.get(
        kind, str)(text)


def test_row_counts_equal_store_counts(export: tuple[Path, dict[str, int]]) -> None:
    out, counts = export
    nodes, rels = mini_store().counts()
    for label, n in nodes.items():
        assert counts[node_file(label)] == n, label
        assert len(_read(out / node_file(label))[1]) == n
    for rtype, n in rels.items():
        files = [relationship_file(rtype, a, b) for a, b in RELS[rtype].ENDPOINTS]
        assert sum(counts[f] for f in files) == n, rtype
        assert sum(len(_read(out / f)[1]) for f in files) == n
    assert counts["nodes__Dataset.csv"] == 1
    assert sum(1 for f in out.glob("*.csv")) == len(counts)


def test_node_headers_parse_and_follow_the_model(export: tuple[Path, dict[str, int]]) -> None:
    out, _ = export
    types = {"string": "string", "int": "long", "float": "double", "bool": "boolean", "date": "date"}
    for label, model in NODES.items():
        header, rows = _read(out / node_file(label))
        fields = [_parse(f) for f in header]
        assert fields[-1]["type"] == "LABEL" and all(r[-1] == label for r in rows)
        ids = [f for f in fields if f["type"] == "ID"]
        assert len(ids) == 1 and ids[0]["name"] == model.KEY and ids[0]["space"] == id_space(label)
        props = graph_properties_of(model)
        assert [f["name"] for f in fields[:-1]] == list(props)
        for f in fields[:-1]:
            if f["type"] != "ID":
                spec = props[f["name"]]
                assert f["type"] == types[spec.type] and bool(f["array"]) == spec.is_list, (label, f)


def test_relationship_headers_parse_and_ids_resolve(export: tuple[Path, dict[str, int]]) -> None:
    out, _ = export
    ids: dict[str, dict[str, str]] = {}  # id space → id → label
    for label in NODES:
        space = id_space(label)
        for row in _read(out / node_file(label))[1]:
            key = row[list(graph_properties_of(NODES[label])).index(NODES[label].KEY)]
            assert key not in ids.setdefault(space, {}), f"duplicate id {key} in space {space}"
            ids[space][key] = label
    assert set(ids) == {"Division", "Industry", "Ledger", "WorkRule"}
    for rtype, rel in RELS.items():
        for a, b in rel.ENDPOINTS:
            header, rows = _read(out / relationship_file(rtype, a, b))
            fields = [_parse(f) for f in header]
            assert (fields[0]["type"], fields[0]["space"]) == ("START_ID", id_space(a))
            assert (fields[1]["type"], fields[1]["space"]) == ("END_ID", id_space(b))
            assert fields[-1]["type"] == "TYPE"
            assert [f["name"] for f in fields[2:-1]] == list(properties_of(rel))
            for row in rows:
                assert ids[id_space(a)].get(row[0]) == a, (rtype, row)
                assert ids[id_space(b)].get(row[1]) == b, (rtype, row)
                assert row[-1] == rtype


def test_values_read_back_as_the_store_holds_them(export: tuple[Path, dict[str, int]]) -> None:
    out, _ = export
    store = mini_store()
    for label in NODES:
        header, rows = _read(out / node_file(label))
        fields = [_parse(f) for f in header][:-1]
        back = [[_value(c, f["type"], bool(f["array"])) for c, f in zip(r[:-1], fields, strict=True)] for r in rows]
        want = [[None if v == [] else v for v in r] for r in store.iter_nodes(label)]  # [] exports as no property
        assert back == want, label
    for rtype, rel in RELS.items():
        got = []
        for a, b in rel.ENDPOINTS:
            header, rows = _read(out / relationship_file(rtype, a, b))
            fields = [_parse(f) for f in header]
            got += [[a, r[0], b, r[1], *(_value(c, f["type"], bool(f["array"]))
                                        for c, f in zip(r[2:-1], fields[2:-1], strict=True))] for r in rows]
        assert sorted(map(repr, got)) == sorted(map(repr, store.iter_relationships(rtype))), rtype


def test_manifest_node_carries_the_dataset(export: tuple[Path, dict[str, int]]) -> None:
    out, _ = export
    header, rows = _read(out / "nodes__Dataset.csv")
    assert header == ["id:ID(Dataset)", "json:string", "version:string", "loaded_at:string", ":LABEL"]
    (row,) = rows
    info = json.loads(row[1])
    assert info["engine"] == "neo4j" and info["fingerprint"] == mini_store().dataset().fingerprint
    assert row[0] == "current" and row[-1] == "_Dataset"


def test_import_script_names_every_file(export: tuple[Path, dict[str, int]]) -> None:
    out, counts = export
    script = (out / "import.sh").read_text(encoding="utf-8")
    assert script.startswith("#!/bin/sh\n")
    assert 'neo4j-admin database import full "${1:-neo4j}"' in script
    for opt in ("--overwrite-destination", '--array-delimiter=";"', "--id-type=string"):
        assert opt in script
    nodes = re.findall(r"--nodes=(\S+)", script)
    rels = re.findall(r"--relationships=(\S+)", script)
    assert sorted(nodes + rels) == sorted(counts)
    assert all(n.startswith("nodes_") for n in nodes) and all(r.startswith("rels_") for r in rels)
    assert (out / "import.sh").stat().st_mode & 0o111
    if shutil.which("sh"):
        subprocess.run(["sh", "-n", str(out / "import.sh")], check=True)
    constraints = (out / "constraints.cypher").read_text(encoding="utf-8")
    assert all(c + ";" in constraints for c in neo4j_constraints())


def test_text_column_refuses_the_array_delimiter_inside_an_element() -> None:
    roles = properties_of(NODES["PartyMember"])["roles"]
    assert text_column(pa.array([["a", "b"], None, []]), roles).to_pylist() == ["a;b", None, None]
    with pytest.raises(PartychainError, match=r"PartyMember.roles: list element 'a;b' contains the array delimiter"):
        text_column(pa.array([["x"], ["a;b"]]), roles, where="PartyMember.roles")


@pytest.mark.parametrize(("value", "safe"), [
    ("=1+1", "'=1+1"), ("+86 123", "'+86 123"), ("-5", "'-5"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"), ("甲村", "甲村"), ("a=b", "a=b"), ("", ""), (-5, -5), (None, None),
])
def test_spreadsheet_safe_makes_formula_cells_inert(value: Any, safe: Any) -> None:
    assert spreadsheet_safe(value) == safe


def test_neo4j_admin_files_keep_values_verbatim() -> None:
    # neo4j-admin input is not for spreadsheets: a prefix would become part of the stored value
    name = properties_of(NODES["Village"])["name"]
    assert text_column(pa.array(["=1+1", "-5", None]), name).to_pylist() == ["=1+1", "-5", None]
    scale = next(s for s in properties_of(NODES["Base"]).values() if s.type == "float")
    assert text_column(pa.array([float("nan"), 800.0]), scale).to_pylist() == [None, 800.0]


def test_row_path_writes_the_same_files_as_the_columnar_path(export: tuple[Path, dict[str, int]],
                                                              tmp_path: Path) -> None:
    # A pinned view reads through GraphStore's row-batching defaults (as the Neo4j store does);
    # the embedded store itself hands over the engine's Arrow tables. Both must write the same rows.
    out, counts = export
    with mini_store().pinned() as view:
        assert export_neo4j_admin(view, tmp_path) == counts
    for f in counts:
        a = (out / f).read_text(encoding="utf-8").splitlines()
        b = (tmp_path / f).read_text(encoding="utf-8").splitlines()
        assert a[0] == b[0] and sorted(a[1:]) == sorted(b[1:]), f
