"""The model drives everything: DDL, dictionary, personal flags, ledger columns."""

from __future__ import annotations

from pathlib import Path

from partychain import graph_model as gm

ROOT = Path(__file__).resolve().parents[2]


def test_data_dictionary_is_current() -> None:
    doc = ROOT / "docs" / "data-dictionary.md"
    assert doc.read_text(encoding="utf-8") == gm.render_dictionary(), \
        "docs/data-dictionary.md is stale: run `partychain dictionary --out docs/data-dictionary.md`"


def test_schema_names_are_the_published_ones() -> None:
    assert {n.label() for n in gm.NODE_TYPES} == {
        "County", "Town", "Village", "DamArea", "JointCommittee", "GeneralBranch", "Branch", "PartyGroup",
        "Cooperative", "Company", "Base", "PartyMember", "Household", "CollectiveIncome", "IncomeItem",
        "ReportedFigure", "Source", "Industry", "CountyCommittee", "TownCommittee", "WorkRule", "Meeting", "Ledger"}
    assert {r.TYPE for r in gm.REL_TYPES} == {
        "PART_OF", "UNDER", "COVERS", "LEADS", "RUNS", "HEADS", "BUILDS", "CONTRACTS", "HOLDS_SHARE",
        "LOCATED_IN", "IN_INDUSTRY", "LINKS", "MEMBER_OF", "LIVES_IN", "DRIVES", "JOINED", "EMPLOYED_AT",
        "PAIRED_WITH", "HAS_INCOME", "EARNED", "DIVIDEND_OF", "FROM_SOURCE", "ABOUT", "ADOPTED", "HELD"}


def test_relationship_endpoints_use_model_labels() -> None:
    labels = {n.label() for n in gm.NODE_TYPES}
    for r in gm.REL_TYPES:
        for a, b in r.ENDPOINTS:
            assert a in labels and b in labels, r.TYPE


def test_every_ledger_reference_creates_a_declared_relationship() -> None:
    for t in gm.TABLES:
        for c in t.columns:
            if c.ref and c.ref.rel:
                ends = set(gm.RELS[c.ref.rel].ENDPOINTS)
                for row_label in t.labels:
                    targets = c.ref.by_label.get(row_label, ()) if c.ref.by_label else c.ref.targets
                    for target in targets:
                        pair = (row_label, target) if c.ref.outgoing else (target, row_label)
                        assert pair in ends, f"{t.name}.{c.name}: {pair} not in {c.ref.rel}"
        if t.kind == "links":
            assert t.rel in gm.RELS


def test_personal_fields_are_flagged() -> None:
    personal = {(n.label(), k) for n in gm.NODE_TYPES for k, s in gm.properties_of(n).items() if s.personal}
    assert personal == {("PartyMember", "name"), ("PartyMember", "phone"), ("Household", "head_name"),
                        ("Household", "id_number"), ("Household", "phone")}
    members = gm.TABLE_BY_NAME["members"]
    assert members.column("name").personal == "name"  # ledger columns inherit the flag


def test_ddl_covers_every_property() -> None:
    ddl = "\n".join(gm.ladybug_ddl())
    for n in gm.NODE_TYPES:
        for k in gm.graph_properties_of(n):
            assert f"{k} " in ddl
    assert len(gm.neo4j_constraints()) == len(gm.NODE_TYPES)


def test_personal_properties_are_not_graph_properties() -> None:
    """Personal values have no column in the engines' schema, no key for the linter, a table in the store."""
    ddl = gm.ladybug_ddl()
    store_ddl = "\n".join(gm.personal_store_ddl())
    schema = gm.linter_schema()
    for n in gm.NODE_TYPES:
        table = next(s for s in ddl if s.startswith(f"CREATE NODE TABLE {n.label()}("))
        columns = {c.split()[0] for c in table[table.index("(") + 1:-1].split(", ")}
        for name, spec in gm.properties_of(n).items():
            assert (name in columns) == (spec.personal is None), (n.label(), name)
            if spec.personal:
                assert f"CREATE TABLE {n.label()} (" in store_ddl and f" {name} TEXT" in store_ddl
    shared = {k for n in gm.NODE_TYPES for k in gm.graph_properties_of(n)}
    only_personal = {k for n in gm.NODE_TYPES for k in gm.personal_properties_of(n)} - shared
    assert only_personal == {"head_name", "id_number", "phone"}  # `name` is also a graph property of other labels
    assert not only_personal & set(schema["propertyKeys"])
    assert gm.PERSONAL_LABELS == ("PartyMember", "Household")


def test_one_scalar_registry_serves_every_layer() -> None:
    """Every scalar type of the model has an Arrow, LadybugDB and neo4j-admin spelling and a ledger converter."""
    from partychain.loaders.coerce import CONVERTERS

    assert set(CONVERTERS) == set(gm.SCALARS)
    used = {s.type for m in (*gm.NODE_TYPES, *gm.REL_TYPES) for s in gm.properties_of(m).values()}
    assert used == set(gm.SCALARS)
    for s in gm.SCALARS.values():
        assert s.ladybug and s.neo4j_admin and s.arrow is not None and s.python is not None


def test_levels_map_to_labels_through_the_enums() -> None:
    labels = ("CountyCommittee", "TownCommittee", "JointCommittee", "GeneralBranch", "Branch", "PartyGroup")
    assert {lv.value: lab for lv, lab in zip(gm.enums.OrgLevel, labels, strict=True)} == gm.ORG_LEVEL_LABELS
    assert gm.DIVISION_LEVEL_LABELS == {"county": "County", "town": "Town", "village": "Village"}
    assert {gm.KEY_SPACES[d] for d in gm.DIVISION_LABELS} == {"division"}
    assert gm.KEY_SPACES["Industry"] == "industry" and gm.KEY_SPACES["Household"] == "ledger"
    assert gm.TABLE_BY_NAME["party_orgs"].label_map == gm.ORG_LEVEL_LABELS
