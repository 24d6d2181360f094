"""The ledger format: the tables a county keeps, and how each maps onto the graph.

A ledger is a folder of tables (``NAME.csv`` or a sheet ``NAME`` of one
``.xlsx``).  Each :class:`Table` lists its columns; a column either fills a
property of the row's node or relationship (its type, range, aliases and
personal flag come from the node/relationship model) or references another row
(:class:`Ref`), which the loader turns into a relationship after checking that
the referenced row exists and is of the right kind.

This module is the public input contract: extend it, never rename.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Literal

from pydantic import BaseModel

from .meta import Prop
from .nodes import (
    DIVISION_LEVEL_LABELS,
    ORG_LEVEL_LABELS,
    Base,
    CollectiveIncome,
    Company,
    Cooperative,
    DamArea,
    Household,
    IncomeItem,
    Industry,
    JointCommittee,
    Ledger,
    Meeting,
    PartyMember,
    ReportedFigure,
    Source,
    Village,
    WorkRule,
)
from .properties import PropertySpec, properties_of
from .relationships import Adopted, Contracts, Drives, EmployedAt, HoldsShare, Joined, Links, PairedWith, Under

_UNDER: dict[str, tuple[str, ...]] = {}
for _child, _parent in Under.ENDPOINTS:
    _UNDER[_child] = (*_UNDER.get(_child, ()), _parent)
_ORGS = tuple(ORG_LEVEL_LABELS.values())


@dataclass(frozen=True, slots=True)
class Ref:
    """A column that points at another row of the ledger.

    Attributes:
        targets: labels the referenced row may have.
        rel: relationship type created for each reference (``None``: only checked).
        outgoing: ``True`` for ``(row)-[rel]->(target)``, ``False`` for the reverse.
        many: the cell holds a ``;``-separated list of references.
        by_label: for tables with several labels, the targets allowed per row label
            (a label missing here may not carry the reference at all).
        rel_props: constant properties set on the created relationship.
    """

    targets: tuple[str, ...]
    rel: str | None = None
    outgoing: bool = True
    many: bool = False
    by_label: Mapping[str, tuple[str, ...]] | None = None
    rel_props: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a ledger table."""

    name: str
    spec: PropertySpec
    required: bool
    prop: str | None = None
    ref: Ref | None = None
    node: str | None = None  # label of a secondary node this column fills (see Table.secondary)

    @property
    def description(self) -> str:
        return self.spec.meta.description

    @property
    def aliases(self) -> tuple[str, ...]:
        return self.spec.meta.zh

    @property
    def personal(self) -> str | None:
        return self.spec.meta.personal


@dataclass(frozen=True, slots=True)
class Secondary:
    """Nodes a table creates besides its main node, deduplicated by a key column.

    ``reported_figures`` creates one ``Source`` per distinct ``source_title``.
    """

    label: str
    key_column: str
    rel: str  # (main)-[rel]->(secondary)


@dataclass(frozen=True, slots=True)
class Table:
    """A ledger table."""

    name: str
    zh: str
    description: str
    kind: Literal["nodes", "links"]
    columns: tuple[Column, ...]
    label: str | None = None  # fixed label of node tables
    label_column: str | None = None  # column whose value picks the label
    label_map: Mapping[str, str] = field(default_factory=dict)
    key: str | None = None  # key column of node tables
    key_from: tuple[str, ...] = ()  # node key built from these columns when the table has no key column
    key_sep: str = "-"
    ledger_unique_id: bool = False  # key participates in the ledger-wide id uniqueness
    rel: str | None = None  # links tables: the relationship type of each row
    source: str | None = None  # links tables: column of the relationship's start
    target: str | None = None  # links tables: column of the relationship's end
    unique_together: tuple[str, ...] = ()
    secondary: Secondary | None = None
    required_table: bool = False

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"table {self.name!r} has no column {name!r}")

    @property
    def labels(self) -> tuple[str, ...]:
        if self.label_map:
            return tuple(dict.fromkeys(self.label_map.values()))
        return (self.label,) if self.label else ()


# --- column builders ------------------------------------------------------------


def prop(model: type[BaseModel], name: str, *, column: str | None = None,
         required: bool | None = None, zh: tuple[str, ...] = (), node: str | None = None) -> Column:
    """A column filling property ``name`` of ``model`` (type and metadata come from the model)."""
    spec = properties_of(model)[name]
    if zh:
        spec = replace(spec, meta=replace(spec.meta, zh=(*zh, *spec.meta.zh)))
    return Column(name=column or name, spec=spec,
                  required=spec.required if required is None else required, prop=name, node=node)


def ref(name: str, targets: tuple[str, ...], description: str, *, rel: str | None = None,
        outgoing: bool = True, required: bool = False, many: bool = False,
        zh: tuple[str, ...] = (), by_label: Mapping[str, tuple[str, ...]] | None = None,
        rel_props: Mapping[str, str] | None = None) -> Column:
    """A column referencing other rows by key."""
    spec = PropertySpec(name=name, type="string", is_list=many, required=required, enum=None,
                        ge=None, le=None, meta=Prop(description, zh=zh))
    return Column(name=name, spec=spec, required=required,
                  ref=Ref(targets=targets, rel=rel, outgoing=outgoing, many=many,
                          by_label=MappingProxyType(dict(by_label)) if by_label else None,
                          rel_props=MappingProxyType(dict(rel_props or {}))))


def _plain(name: str, description: str, *, required: bool = False,
           enum: tuple[str, ...] | None = None, zh: tuple[str, ...] = ()) -> Column:
    """A column that only steers loading (``level``) and is not stored as such."""
    spec = PropertySpec(name=name, type="string", is_list=False, required=required, enum=enum,
                        ge=None, le=None, meta=Prop(description, zh=zh))
    return Column(name=name, spec=spec, required=required)


_VILLAGE = ("Village",)

# --- the tables -------------------------------------------------------------------

TABLES: tuple[Table, ...] = (
    Table(
        name="ledger", zh="台账", kind="nodes", label="Ledger", key_from=("year",), unique_together=("year",),
        description=("The year the ledger records: one row.  Ledgers of several years load side by side, one "
                     "dataset version per year; once years are kept, a ledger without this table is refused."),
        columns=(prop(Ledger, "year", required=True), prop(Ledger, "as_of")),
    ),
    Table(
        name="divisions", zh="行政区划", required_table=True, kind="nodes",
        description="Administrative divisions: the county, its towns and villages.",
        label_column="level", label_map=MappingProxyType(DIVISION_LEVEL_LABELS), key="code",
        columns=(
            prop(Village, "code", required=True),
            prop(Village, "name", required=True),
            prop(Village, "level", required=True),
            ref("parent_code", ("County", "Town"), "code of the enclosing division (a county's prefecture)",
                rel="PART_OF", required=True, zh=("上级代码", "上级"),
                by_label={"Town": ("County",), "Village": ("Town",)}),
            _plain("kind", "village/community for villages; town/township/subdistrict for towns",
                   zh=("类型",)),
        ),
    ),
    Table(
        name="party_orgs", zh="党组织", kind="nodes", ledger_unique_id=True,
        description=("Party organizations, one tree from the county committee (县委) through town committees "
                     "(乡镇党委), joint committees (联合党委) and general branches (党总支) to branches (党支部) "
                     "and groups (党小组)."),
        label_column="level", label_map=MappingProxyType(ORG_LEVEL_LABELS), key="id",
        columns=(
            prop(JointCommittee, "id"),
            prop(JointCommittee, "name"),
            prop(JointCommittee, "level", required=True),
            _plain("kind", "flavour of the level (see the node types)", zh=("类型",)),
            ref("parent_id", tuple(dict.fromkeys(p for ps in _UNDER.values() for p in ps)),
                "the organization this one is under (of a higher level; empty only for the county committee)",
                rel="UNDER", zh=("上级组织", "上级编号"), by_label=_UNDER),
            ref("seat_code", ("County", "Town", "Village"), "division code where the organization sits",
                zh=("驻地代码", "所在地代码")),
            ref("covers", _VILLAGE, "villages the organization covers", rel="COVERS", many=True,
                zh=("覆盖村", "覆盖村代码")),
            ref("secretary_id", ("PartyMember",), "member who is secretary", rel="HEADS",
                outgoing=False, zh=("书记", "书记编号"), rel_props={"role": "secretary"}),
        ),
    ),
    Table(
        name="industries", zh="产业", kind="nodes", label="Industry", key="code",
        description="Industries and the unit their bases are measured in.",
        columns=(prop(Industry, "code"), prop(Industry, "name"), prop(Industry, "unit")),
    ),
    Table(
        name="dam_areas", zh="坝区", kind="nodes", label="DamArea", key="id", ledger_unique_id=True,
        description="Dam areas (坝区, flat irrigable areas ≥ 500 mu).",
        columns=(
            prop(DamArea, "id"), prop(DamArea, "name"),
            ref("town_code", ("Town",), "town the dam area lies in", rel="PART_OF", required=True,
                zh=("所属乡镇代码", "乡镇代码")),
            prop(DamArea, "area_mu"),
        ),
    ),
    Table(
        name="cooperatives", zh="合作社", kind="nodes", label="Cooperative", key="id", ledger_unique_id=True,
        description="Farmer cooperatives.",
        columns=(
            prop(Cooperative, "id"), prop(Cooperative, "name"), prop(Cooperative, "kind"),
            ref("village_code", _VILLAGE, "village the cooperative is registered in", rel="LOCATED_IN",
                required=True, zh=("所在村代码", "村代码")),
            ref("run_by", ("Branch",), "branch that runs it (支部办合作社)", rel="RUNS", outgoing=False,
                zh=("领办支部", "领办党组织")),
            ref("led_by", ("JointCommittee",), "joint committee that leads it directly", rel="LEADS",
                outgoing=False, zh=("联合党委",)),
            ref("industry", ("Industry",), "industry code", rel="IN_INDUSTRY", zh=("产业",)),
            prop(Cooperative, "demo_point"),
            ref("chair_id", ("PartyMember",), "member who chairs it", rel="HEADS", outgoing=False,
                zh=("理事长", "理事长编号"), rel_props={"role": "chair"}),
        ),
    ),
    Table(
        name="companies", zh="公司", kind="nodes", label="Company", key="id", ledger_unique_id=True,
        description="Agribusiness companies.",
        columns=(
            prop(Company, "id"), prop(Company, "name"),
            ref("village_code", _VILLAGE, "village the company is located in", rel="LOCATED_IN",
                required=True, zh=("所在村代码", "村代码")),
            ref("run_by", ("Branch",), "company branch", rel="RUNS", outgoing=False, zh=("党支部",)),
            ref("industry", ("Industry",), "industry code", rel="IN_INDUSTRY", zh=("产业",)),
        ),
    ),
    Table(
        name="contracts", zh="订单合同", kind="links", rel="CONTRACTS",
        source="company_id", target="cooperative_id",
        description="Company–cooperative contracts (order farming).",
        columns=(
            ref("company_id", ("Company",), "the company", required=True, zh=("公司编号",)),
            ref("cooperative_id", ("Cooperative",), "the cooperative", required=True, zh=("合作社编号",)),
            prop(Contracts, "kind"), prop(Contracts, "since"),
        ),
    ),
    Table(
        name="shareholdings", zh="村集体持股", kind="links", rel="HOLDS_SHARE",
        source="village_code", target="holder_of", unique_together=("village_code", "holder_of"),
        description="Village collectives' shares in cooperatives and companies.",
        columns=(
            ref("village_code", _VILLAGE, "the village collective", required=True, zh=("村代码",)),
            ref("holder_of", ("Cooperative", "Company"), "cooperative or company id", required=True,
                zh=("持股对象",)),
            prop(HoldsShare, "pct"),
        ),
    ),
    Table(
        name="bases", zh="产业基地", kind="nodes", label="Base", key="id", ledger_unique_id=True,
        description="Industry bases.",
        columns=(
            prop(Base, "id"), prop(Base, "name"),
            ref("owner_id", ("Cooperative", "Company"), "cooperative or company that built it", rel="BUILDS",
                outgoing=False, required=True, zh=("建设主体", "所属合作社")),
            ref("village_code", _VILLAGE, "village the base is in", rel="LOCATED_IN", required=True,
                zh=("所在村代码", "村代码")),
            ref("dam_area_id", ("DamArea",), "dam area the base is in", rel="LOCATED_IN", zh=("坝区编号",)),
            ref("industry", ("Industry",), "industry code", rel="IN_INDUSTRY", required=True, zh=("产业",)),
            prop(Base, "scale"), prop(Base, "unit"), prop(Base, "planned_scale"), prop(Base, "annual_output"),
        ),
    ),
    Table(
        name="members", zh="党员", kind="nodes", label="PartyMember", key="id", ledger_unique_id=True,
        description="Party members.",
        columns=(
            prop(PartyMember, "id"), prop(PartyMember, "name"), prop(PartyMember, "gender"),
            prop(PartyMember, "birth_year"), prop(PartyMember, "joined_year"),
            ref("org_id", ("Branch", "PartyGroup"), "branch or group the member belongs to", rel="MEMBER_OF",
                required=True, zh=("所在支部", "组织编号")),
            ref("village_code", _VILLAGE, "village the member lives in", rel="LIVES_IN", required=True,
                zh=("居住村代码", "村代码")),
            prop(PartyMember, "roles"), prop(PartyMember, "phone"),
        ),
    ),
    Table(
        name="households", zh="农户", kind="nodes", label="Household", key="id", ledger_unique_id=True,
        description="Farm households, with the poverty registry flag.",
        columns=(
            prop(Household, "id"), prop(Household, "head_name"), prop(Household, "id_number"),
            ref("village_code", _VILLAGE, "village the household lives in", rel="LIVES_IN", required=True,
                zh=("所在村代码", "村代码")),
            prop(Household, "size"), prop(Household, "poor"), prop(Household, "poverty_exit_year"),
            prop(Household, "phone"),
        ),
    ),
    Table(
        name="base_members", zh="基地联系党员", kind="links", rel="LINKS", source="base_id", target="member_id",
        unique_together=("base_id", "member_id"),
        description="Bases tied to party members (基地联党员).",
        columns=(
            ref("base_id", ("Base",), "the base", required=True, zh=("基地编号",)),
            ref("member_id", ("PartyMember",), "the member", required=True, zh=("党员编号",)),
            prop(Links, "role"),
        ),
    ),
    Table(
        name="member_households", zh="党员联系农户", kind="links", rel="DRIVES",
        source="member_id", target="household_id", unique_together=("member_id", "household_id"),
        description="Households a member takes responsibility for (党员带农户).",
        columns=(
            ref("member_id", ("PartyMember",), "the member", required=True, zh=("党员编号",)),
            ref("household_id", ("Household",), "the household", required=True, zh=("农户编号", "户编号")),
            prop(Drives, "since"),
        ),
    ),
    Table(
        name="cooperative_households", zh="合作社社员", kind="links", rel="JOINED",
        source="household_id", target="cooperative_id", unique_together=("cooperative_id", "household_id"),
        description="Households that are members of a cooperative.",
        columns=(
            ref("cooperative_id", ("Cooperative",), "the cooperative", required=True, zh=("合作社编号",)),
            ref("household_id", ("Household",), "the household", required=True, zh=("农户编号", "户编号")),
            prop(Joined, "shares"),
        ),
    ),
    Table(
        name="employment", zh="基地务工", kind="links", rel="EMPLOYED_AT", source="household_id", target="base_id",
        unique_together=("base_id", "household_id", "year"),
        description="Employment of households at bases, in person-times per year.",
        columns=(
            ref("base_id", ("Base",), "the base", required=True, zh=("基地编号",)),
            ref("household_id", ("Household",), "the household", required=True, zh=("农户编号", "户编号")),
            prop(EmployedAt, "year"), prop(EmployedAt, "person_times"),
        ),
    ),
    Table(
        name="pairings", zh="强村带弱村", kind="links", rel="PAIRED_WITH", source="strong_code", target="weak_code",
        unique_together=("strong_code", "weak_code"),
        description="Strong villages leading weak ones (强村带弱村 / 结对帮扶).",
        columns=(
            ref("strong_code", _VILLAGE, "the strong village", required=True, zh=("强村代码",)),
            ref("weak_code", _VILLAGE, "the weak village", required=True, zh=("弱村代码",)),
            prop(PairedWith, "since"), prop(PairedWith, "kind"),
        ),
    ),
    Table(
        name="village_income", zh="村集体经济收入", kind="nodes", label="CollectiveIncome",
        key_from=("village_code", "year"), unique_together=("village_code", "year"),
        description="Village collective income per year.",
        columns=(
            ref("village_code", _VILLAGE, "the village", rel="HAS_INCOME", outgoing=False, required=True,
                zh=("村代码",)),
            prop(CollectiveIncome, "year"),
            prop(CollectiveIncome, "yuan", column="collective_income"),
        ),
    ),
    Table(
        name="village_income_sources", zh="村集体经济收入来源", kind="nodes", label="IncomeItem",
        key_from=("village_code", "year", "source", "holder_of"),
        unique_together=("village_code", "year", "source", "holder_of"),
        description=("Village collective income per year by source: one row per dividend holding and one per other "
                     "source.  A dividend names the cooperative or company paying it, which the village must hold "
                     "shares in (`shareholdings`); other sources name none.  Where `village_income` has the same "
                     "village and year, the rows add up to its total.  Optional: a ledger without it loads, its "
                     "income then has no sources."),
        columns=(
            ref("village_code", _VILLAGE, "the village", rel="EARNED", outgoing=False, required=True,
                zh=("村代码",)),
            prop(IncomeItem, "year"),
            prop(IncomeItem, "source"),
            ref("holder_of", ("Cooperative", "Company"),
                "for a dividend: the cooperative or company the village holds shares in (its `shareholdings` row)",
                rel="DIVIDEND_OF", zh=("分红来源", "持股对象")),
            prop(IncomeItem, "yuan"),
        ),
    ),
    Table(
        name="reported_figures", zh="公开数据", kind="nodes", label="ReportedFigure",
        key_from=("metric", "scope_code", "as_of"), key_sep="@",
        unique_together=("metric", "scope_code", "as_of"),
        secondary=Secondary(label="Source", key_column="source_title", rel="FROM_SOURCE"),
        description="Figures published by authorities, to check against the ledger.",
        columns=(
            prop(ReportedFigure, "metric"), prop(ReportedFigure, "value"), prop(ReportedFigure, "unit"),
            prop(ReportedFigure, "qualifiers"), prop(ReportedFigure, "wording"),
            ref("scope_code", ("County", "Town", "Village"), "division the figure is about", rel="ABOUT",
                required=True, zh=("范围代码",)),
            prop(ReportedFigure, "as_of"),
            prop(Source, "title", column="source_title", required=True, node="Source"),
            prop(Source, "author", column="source_author", node="Source"),
            prop(Source, "affiliation", column="source_affiliation", node="Source"),
            prop(Source, "published_at", column="source_published_at", node="Source"),
            prop(Source, "publisher", node="Source"),
            prop(Source, "url", column="source_url", node="Source"),
            prop(Source, "note", column="source_note", node="Source"),
        ),
    ),
    Table(
        name="work_rules", zh="工作制度", kind="nodes", label="WorkRule", key="code",
        description="Work rules of party organizations (民主议事, 党员评议, 联系群众, 考核评价 ...).",
        columns=(prop(WorkRule, "code"), prop(WorkRule, "kind"), prop(WorkRule, "name")),
    ),
    Table(
        name="org_work_rules", zh="党组织工作制度", kind="links", rel="ADOPTED", source="org_id", target="rule_code",
        unique_together=("org_id", "rule_code"),
        description="The work rules each party organization has adopted.",
        columns=(
            ref("org_id", _ORGS, "the party organization", required=True, zh=("组织编号", "党组织编号")),
            ref("rule_code", ("WorkRule",), "the work rule", required=True, zh=("制度代码",)),
            prop(Adopted, "since"),
        ),
    ),
    Table(
        name="meetings", zh="组织生活", kind="nodes", label="Meeting",
        key_from=("org_id", "kind", "date"), unique_together=("org_id", "kind", "date"),
        description="Meetings of party life held: 党员活动日, 三会一课 (党员大会, 支委会, 党小组会, 党课), 组织生活会.",
        columns=(
            ref("org_id", _ORGS, "the party organization that held it", rel="HELD", outgoing=False, required=True,
                zh=("组织编号", "党组织编号")),
            prop(Meeting, "kind"), prop(Meeting, "date"), prop(Meeting, "attendance"),
        ),
    ),
)

TABLE_BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}
