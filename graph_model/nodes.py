"""Node types of the graph.  One pydantic model per label; the label is the class name.

Each model lists the node's properties with their types and :class:`Prop`
metadata.  ``KEY`` names the primary-key property (``code`` for divisions and
industries, ``id`` for everything else).  Party-organization level is the label
(``JointCommittee``, ``GeneralBranch``, ``Branch``, ``PartyGroup``); its flavour
is the ``kind`` property.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from .enums import (
    BranchKind,
    CooperativeKind,
    DivisionLevel,
    FigureQualifier,
    Gender,
    GeneralBranchKind,
    IncomeSource,
    JointCommitteeKind,
    MeetingKind,
    MemberRole,
    OrgLevel,
    PartyGroupKind,
    TownCommitteeKind,
    TownKind,
    Unit,
    VillageKind,
    WorkRuleKind,
)
from .meta import Prop

Year = Annotated[int, Field(ge=1900, le=2100)]


class Node(BaseModel):
    """Base of every node model."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=True)
    KEY: ClassVar[str] = "id"
    KEY_SPACE: ClassVar[str] = "ledger"
    """Keys are unique within their key space: ``ledger`` ids across the whole ledger, ``division`` codes,
    ``industry`` codes (a village and a household may not share an id; a code is not an id)."""
    ZH: ClassVar[str] = ""
    DESCRIPTION: ClassVar[str] = ""

    @classmethod
    def label(cls) -> str:
        return cls.__name__


# --- administrative divisions -------------------------------------------------

_CODE = Prop("statistical division code (NBS); hierarchical: 6 digits county, 9 town, 12 village",
             zh=("代码", "区划代码", "编码"), example="520628101001")
_NAME = Prop("official or registered name", zh=("名称", "名字"), example="松桃苗族自治县")
_DIVISION_LEVEL = Prop("county, town or village: the label of the node (the ledger's `level` column)",
                       zh=("级别", "层级"))


class Division(Node):
    """Base of the division labels: keyed by their code, in the division key space."""

    KEY: ClassVar[str] = "code"
    KEY_SPACE: ClassVar[str] = "division"
    LEVEL: ClassVar[DivisionLevel]


class County(Division):
    LEVEL: ClassVar[DivisionLevel] = DivisionLevel.county
    ZH: ClassVar[str] = "县"
    DESCRIPTION: ClassVar[str] = "A county (区县)."
    code: Annotated[str, _CODE]
    name: Annotated[str, _NAME]
    level: Annotated[DivisionLevel, _DIVISION_LEVEL]
    parent_code: Annotated[str | None, Prop("code of the prefecture the county belongs to",
                                            zh=("上级代码",), example="5206")] = None


class Town(Division):
    LEVEL: ClassVar[DivisionLevel] = DivisionLevel.town
    ZH: ClassVar[str] = "镇/乡/街道"
    DESCRIPTION: ClassVar[str] = "A town, township or subdistrict."
    code: Annotated[str, _CODE]
    name: Annotated[str, _NAME]
    level: Annotated[DivisionLevel, _DIVISION_LEVEL]
    kind: Annotated[TownKind | None, Prop("town (镇), township (乡) or subdistrict (街道)",
                                          zh=("类型",))] = None


class Village(Division):
    LEVEL: ClassVar[DivisionLevel] = DivisionLevel.village
    ZH: ClassVar[str] = "村/社区"
    DESCRIPTION: ClassVar[str] = "An administrative village or urban community."
    code: Annotated[str, _CODE]
    name: Annotated[str, _NAME]
    level: Annotated[DivisionLevel, _DIVISION_LEVEL]
    kind: Annotated[VillageKind | None, Prop("village (村) or community (社区)", zh=("类型",))] = None


class DamArea(Node):
    ZH: ClassVar[str] = "坝区"
    DESCRIPTION: ClassVar[str] = "A flat irrigable farming area (≥ 500 mu) targeted for high-value industry."
    id: Annotated[str, Prop("ledger-wide unique id", zh=("编号", "ID"), example="DA-520628-01")]
    name: Annotated[str, _NAME]
    area_mu: Annotated[float | None, Field(ge=0, le=1_000_000),
                       Prop("area in mu", zh=("面积", "面积亩"), unit="mu")] = None


# --- party organizations -----------------------------------------------------

_ORG_ID = Prop("ledger-wide unique id", zh=("编号", "组织编号", "ID"), example="BR-520628-0001")
_SEAT = Prop("division code where the organization sits", zh=("驻地代码", "所在地代码"),
             example="520628101001")
_ORG_LEVEL = Prop("level of the organization: the label of the node (the ledger's `level` column)",
                  zh=("层级", "级别"))


class PartyOrg(Node):
    """Base of the party-organization labels: one label per level (:class:`OrgLevel`)."""

    LEVEL: ClassVar[OrgLevel]


class CountyCommittee(PartyOrg):
    LEVEL: ClassVar[OrgLevel] = OrgLevel.county_committee
    ZH: ClassVar[str] = "县委"
    DESCRIPTION: ClassVar[str] = "The county party committee (县委): the root of the county's party-organization tree."
    id: Annotated[str, _ORG_ID]
    name: Annotated[str, _NAME]
    level: Annotated[OrgLevel, _ORG_LEVEL]
    seat_code: Annotated[str | None, _SEAT] = None


class TownCommittee(PartyOrg):
    LEVEL: ClassVar[OrgLevel] = OrgLevel.town_committee
    ZH: ClassVar[str] = "乡镇党委"
    DESCRIPTION: ClassVar[str] = ("A town's, township's or subdistrict's party committee (乡镇党委, 街道党工委), "
                                  "under the county committee; village branches and joint-village committees "
                                  "sit under it.")
    id: Annotated[str, _ORG_ID]
    name: Annotated[str, _NAME]
    level: Annotated[OrgLevel, _ORG_LEVEL]
    kind: Annotated[TownCommitteeKind | None, Prop("town (镇党委), township (乡党委) or subdistrict (街道党工委)",
                                                   zh=("类型",))] = None
    seat_code: Annotated[str | None, _SEAT] = None


class JointCommittee(PartyOrg):
    LEVEL: ClassVar[OrgLevel] = OrgLevel.joint_committee
    ZH: ClassVar[str] = "联合党委"
    DESCRIPTION: ClassVar[str] = "A joint party committee spanning villages (联村党委) or one industry (产业党委)."
    id: Annotated[str, _ORG_ID]
    name: Annotated[str, _NAME]
    level: Annotated[OrgLevel, _ORG_LEVEL]
    kind: Annotated[JointCommitteeKind | None, Prop("joint_village (联村) or industry (产业)",
                                                    zh=("类型",))] = None
    seat_code: Annotated[str | None, _SEAT] = None


class GeneralBranch(PartyOrg):
    LEVEL: ClassVar[OrgLevel] = OrgLevel.general_branch
    ZH: ClassVar[str] = "片区党总支"
    DESCRIPTION: ClassVar[str] = "An area general party branch between a joint committee and branches."
    id: Annotated[str, _ORG_ID]
    name: Annotated[str, _NAME]
    level: Annotated[OrgLevel, _ORG_LEVEL]
    kind: Annotated[GeneralBranchKind | None, Prop("area (片区)", zh=("类型",))] = None
    seat_code: Annotated[str | None, _SEAT] = None


class Branch(PartyOrg):
    LEVEL: ClassVar[OrgLevel] = OrgLevel.branch
    ZH: ClassVar[str] = "党支部"
    DESCRIPTION: ClassVar[str] = "A party branch: village, cooperative joint (合作社联合党支部) or company."
    id: Annotated[str, _ORG_ID]
    name: Annotated[str, _NAME]
    level: Annotated[OrgLevel, _ORG_LEVEL]
    kind: Annotated[BranchKind | None, Prop("village, cooperative_joint or company", zh=("类型",))] = None
    seat_code: Annotated[str | None, _SEAT] = None


class PartyGroup(PartyOrg):
    LEVEL: ClassVar[OrgLevel] = OrgLevel.group
    ZH: ClassVar[str] = "党小组"
    DESCRIPTION: ClassVar[str] = "A party group, e.g. an industry party group inside a village branch."
    id: Annotated[str, _ORG_ID]
    name: Annotated[str, _NAME]
    level: Annotated[OrgLevel, _ORG_LEVEL]
    kind: Annotated[PartyGroupKind | None, Prop("industry (产业党小组)", zh=("类型",))] = None
    seat_code: Annotated[str | None, _SEAT] = None


# --- economy -----------------------------------------------------------------


class Cooperative(Node):
    ZH: ClassVar[str] = "合作社"
    DESCRIPTION: ClassVar[str] = "A farmer (specialized) cooperative."
    id: Annotated[str, Prop("ledger-wide unique id", zh=("编号", "ID"), example="CO-520628-0001")]
    name: Annotated[str, _NAME]
    kind: Annotated[CooperativeKind, Prop("farmer or specialized", zh=("类型",))]
    demo_point: Annotated[bool, Prop("村社合一 demonstration point", zh=("示范点", "村社合一"))] = False


class Company(Node):
    ZH: ClassVar[str] = "公司"
    DESCRIPTION: ClassVar[str] = "An agribusiness company contracting with cooperatives."
    id: Annotated[str, Prop("ledger-wide unique id", zh=("编号", "ID"), example="CP-520628-001")]
    name: Annotated[str, _NAME]


class Base(Node):
    ZH: ClassVar[str] = "产业基地"
    DESCRIPTION: ClassVar[str] = "An industry base: fields, greenhouses, fungus sheds, farms."
    id: Annotated[str, Prop("ledger-wide unique id", zh=("编号", "ID"), example="BS-520628-0001")]
    name: Annotated[str, _NAME]
    scale: Annotated[float | None, Field(ge=0, le=1_000_000_000),
                     Prop("size in the base's unit (mu planted, sticks, birds, head): what stands at the base",
                          zh=("规模",))] = None
    unit: Annotated[Unit | None, Prop("unit of scale: mu, stick, bird or head", zh=("单位",))] = None
    planned_scale: Annotated[float | None, Field(ge=0, le=1_000_000_000),
                             Prop("planned size in the base's unit (a planting project's planned mu: 规划)",
                                  zh=("规划规模", "规划面积"))] = None
    annual_output: Annotated[float | None, Field(ge=0, le=1_000_000_000),
                             Prop("output per year in the base's unit (pigs marketed a year: 年出栏)",
                                  zh=("年产量", "年出栏"))] = None


class Industry(Node):
    KEY: ClassVar[str] = "code"
    KEY_SPACE: ClassVar[str] = "industry"
    ZH: ClassVar[str] = "产业"
    DESCRIPTION: ClassVar[str] = "An industry (tea, vegetables, edible fungi, pigs ...)."
    code: Annotated[str, Prop("short code", zh=("代码", "编码"), example="tea")]
    name: Annotated[str, Prop("name", zh=("名称",), example="茶叶")]
    unit: Annotated[Unit, Prop("unit bases of this industry are measured in", zh=("单位",))]


# --- people ------------------------------------------------------------------


class PartyMember(Node):
    ZH: ClassVar[str] = "党员"
    DESCRIPTION: ClassVar[str] = "A party member."
    id: Annotated[str, Prop("ledger-wide unique id", zh=("编号", "ID"), example="PM-520628-00001")]
    name: Annotated[str, Prop("full name", zh=("姓名", "名字"), personal="name", example="张三")]
    gender: Annotated[Gender | None, Prop("male or female", zh=("性别",))] = None
    birth_year: Annotated[Year | None, Prop("year of birth", zh=("出生年份",), not_future=True)] = None
    joined_year: Annotated[Year | None, Prop("year joined the party", zh=("入党年份",), not_future=True)] = None
    roles: Annotated[list[MemberRole], Prop("service and leadership roles", zh=("角色", "身份"))] = []
    phone: Annotated[str | None, Prop("phone number", zh=("电话", "手机"), personal="phone")] = None


class Household(Node):
    ZH: ClassVar[str] = "农户"
    DESCRIPTION: ClassVar[str] = "A farm household; poor households are in the poverty registry (建档立卡)."
    id: Annotated[str, Prop("ledger-wide unique id", zh=("编号", "户编号", "ID"), example="HH-520628-000001")]
    head_name: Annotated[str, Prop("name of the head of household", zh=("户主", "户主姓名"),
                                   personal="name", example="李四")]
    id_number: Annotated[str | None, Prop("head's resident ID number (18 characters)", zh=("身份证号", "身份证号码"),
                                          personal="id_number")] = None
    size: Annotated[int | None, Field(ge=1, le=30), Prop("persons in the household", zh=("人口", "家庭人口"))] = None
    poor: Annotated[bool, Prop("registered poor household (建档立卡户)", zh=("贫困户", "建档立卡户"))] = False
    poverty_exit_year: Annotated[Year | None, Prop("year lifted out of poverty", zh=("脱贫年份",),
                                                   not_future=True)] = None
    phone: Annotated[str | None, Prop("phone number", zh=("电话", "手机"), personal="phone")] = None


# --- the ledger itself ---------------------------------------------------------------


class Ledger(Node):
    ZH: ClassVar[str] = "台账"
    DESCRIPTION: ClassVar[str] = ("The ledger itself: the year it records.  A graph keeps one ledger; the years a "
                                  "county keeps load side by side as dataset versions, one per year "
                                  "(`partychain versions`).")
    id: Annotated[str, Prop("`{year}`")]
    year: Annotated[Year, Prop("the year the ledger records", zh=("年份", "台账年份", "年度"), example=2021,
                               not_future=True)]
    as_of: Annotated[dt.date | None, Prop("date the ledger is up to (in its year)", zh=("截至日期", "日期"),
                                          not_future=True)] = None


# --- figures -------------------------------------------------------------------


class CollectiveIncome(Node):
    ZH: ClassVar[str] = "村集体经济收入"
    DESCRIPTION: ClassVar[str] = "A village collective's own income in one year."
    id: Annotated[str, Prop("`{village_code}-{year}`")]
    year: Annotated[Year, Prop("year", zh=("年份",), not_future=True)]
    yuan: Annotated[int, Field(ge=0, le=10_000_000_000),
                    Prop("collective income in the year", zh=("集体经济收入", "收入"), unit="yuan")]


class IncomeItem(Node):
    ZH: ClassVar[str] = "村集体经济收入来源"
    DESCRIPTION: ClassVar[str] = ("One source of a village collective's income in one year: a dividend on "
                                  "one holding (`DIVIDEND_OF` the cooperative or company the village "
                                  "`HOLDS_SHARE` in), asset rent, services, subsidies or other.  The items of a "
                                  "village and year add up to its `CollectiveIncome` where the ledger has both.")
    id: Annotated[str, Prop("`{village_code}-{year}-{source}-{holder_of}` (`holder_of` empty but for dividends)")]
    year: Annotated[Year, Prop("year", zh=("年份",), not_future=True)]
    source: Annotated[IncomeSource, Prop("where the income comes from", zh=("来源", "收入来源", "类型"))]
    yuan: Annotated[int, Field(ge=0, le=10_000_000_000),
                    Prop("income from this source in the year", zh=("金额", "收入"), unit="yuan")]


class ReportedFigure(Node):
    ZH: ClassVar[str] = "公开数据"
    DESCRIPTION: ClassVar[str] = "A figure published by an authority, to compare with the ledgers."
    id: Annotated[str, Prop("`{metric}@{scope_code}@{as_of}`")]
    metric: Annotated[str, Prop("metric name (see `partychain figures`)", zh=("指标",), example="joint_committees")]
    value: Annotated[float, Prop("published value", zh=("数值",), example=2)]
    unit: Annotated[str | None, Prop("unit of the value", zh=("单位",))] = None
    qualifiers: Annotated[list[FigureQualifier], Prop(
        "how the figure is to be compared, from the source's wording: exact, at_least (余), planned (规划), "
        "can_reach (可达), per_year (年出栏); several may hold", zh=("限定", "口径"), example="at_least")] = []
    wording: Annotated[str | None, Prop("the source's own words for the figure", zh=("原文",),
                                        example="规划种植项目60万余亩")] = None
    scope_code: Annotated[str, Prop("division the figure is about", zh=("范围代码",), example="520628")]
    as_of: Annotated[dt.date, Prop("date the figure refers to", zh=("截至日期", "日期"), not_future=True)]


class Source(Node):
    ZH: ClassVar[str] = "来源"
    DESCRIPTION: ClassVar[str] = "A publication reported figures come from, cited as it was published."
    id: Annotated[str, Prop("derived from the title")]
    title: Annotated[str, Prop("title of the publication, exactly as published", zh=("来源", "来源标题"))]
    author: Annotated[str | None, Prop("author as published", zh=("作者",))] = None
    affiliation: Annotated[str | None, Prop("the author's organization as published", zh=("作者单位",))] = None
    published_at: Annotated[str | None, Prop("date and time of publication as published (ISO 8601, local time)",
                                             zh=("发布时间",), example="2021-04-08T15:17:35")] = None
    publisher: Annotated[str | None, Prop("who published it", zh=("发布单位",))] = None
    url: Annotated[str | None, Prop("where it was published", zh=("链接",))] = None
    note: Annotated[str | None, Prop("what the publication says of itself (本站原创 ...)", zh=("备注",))] = None


# --- party life ------------------------------------------------------------------


class WorkRule(Node):
    KEY: ClassVar[str] = "code"
    KEY_SPACE: ClassVar[str] = "work_rule"
    ZH: ClassVar[str] = "工作制度"
    DESCRIPTION: ClassVar[str] = ("A work rule of party organizations (民主议事, 党员评议, 联系群众, 考核评价, ...); "
                                  "a rule the source does not name has kind other and its own name.")
    code: Annotated[str, Prop("short code of the rule, unique in the ledger", zh=("代码", "编码"),
                              example="democratic_deliberation")]
    kind: Annotated[WorkRuleKind, Prop("which rule", zh=("类型", "制度"))]
    name: Annotated[str | None, Prop("name of the rule (required for kind other)", zh=("名称",))] = None


class Meeting(Node):
    ZH: ClassVar[str] = "组织生活"
    DESCRIPTION: ClassVar[str] = ("A meeting of party life a party organization held: the monthly activity day "
                                  "(党员活动日), the three meetings and one lesson (三会一课), an organizational-life "
                                  "meeting.")
    id: Annotated[str, Prop("`{org_id}-{kind}-{date}`")]
    kind: Annotated[MeetingKind, Prop("which meeting", zh=("类型", "会议类型"))]
    date: Annotated[dt.date, Prop("when it was held", zh=("日期", "召开日期"), not_future=True)]
    attendance: Annotated[int | None, Field(ge=0, le=100_000),
                          Prop("members who attended", zh=("参加人数", "出席人数"))] = None


NODE_TYPES: tuple[type[Node], ...] = (
    County, Town, Village, DamArea, CountyCommittee, TownCommittee, JointCommittee, GeneralBranch, Branch,
    PartyGroup, Cooperative, Company, Base, Industry, PartyMember, Household, CollectiveIncome, IncomeItem,
    ReportedFigure, Source, WorkRule, Meeting, Ledger,
)
NODES: dict[str, type[Node]] = {n.label(): n for n in NODE_TYPES}
PARTY_ORG_LABELS: tuple[str, ...] = tuple(n.label() for n in NODE_TYPES if issubclass(n, PartyOrg))
DIVISION_LABELS: tuple[str, ...] = tuple(n.label() for n in NODE_TYPES if issubclass(n, Division))
ORG_LEVEL_LABELS: dict[str, str] = {n.LEVEL.value: n.label() for n in NODE_TYPES if issubclass(n, PartyOrg)}
"""Party-organization level (:class:`OrgLevel`) → label."""
DIVISION_LEVEL_LABELS: dict[str, str] = {n.LEVEL.value: n.label() for n in NODE_TYPES if issubclass(n, Division)}
"""Division level (:class:`DivisionLevel`) → label."""
KEY_SPACES: dict[str, str] = {n.label(): n.KEY_SPACE for n in NODE_TYPES}
"""Label → the key space of its key."""
