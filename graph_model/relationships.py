"""Relationship types of the graph.

Each relationship type is a pydantic model of its properties (most have none)
plus the list of ``(from label, to label)`` pairs it may connect.  The
relationship type name is ``TYPE``.
"""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from .enums import ORG_RANK, ContractKind, HeadRole, PairingKind
from .meta import Prop
from .nodes import NODE_TYPES, PARTY_ORG_LABELS, PartyOrg

ORG_TYPES = tuple(n for n in NODE_TYPES if issubclass(n, PartyOrg))

Endpoints = tuple[tuple[str, str], ...]


def _pairs(sources: tuple[str, ...], targets: tuple[str, ...]) -> Endpoints:
    return tuple((s, t) for s in sources for t in targets)


class Relationship(BaseModel):
    """Base of every relationship model: its fields are the relationship's properties."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=True)
    TYPE: ClassVar[str]
    ENDPOINTS: ClassVar[Endpoints]
    DESCRIPTION: ClassVar[str]


class PartOf(Relationship):
    TYPE: ClassVar[str] = "PART_OF"
    ENDPOINTS: ClassVar[Endpoints] = (("Town", "County"), ("Village", "Town"), ("DamArea", "Town"))
    DESCRIPTION: ClassVar[str] = "Administrative nesting; a dam area lies in a town."


def _under() -> Endpoints:
    """(child, parent) label pairs of the org tree: a parent is of a higher level than its child."""
    return tuple((child.label(), parent.label()) for child in ORG_TYPES for parent in ORG_TYPES
                 if ORG_RANK[parent.LEVEL] < ORG_RANK[child.LEVEL])


class Under(Relationship):
    TYPE: ClassVar[str] = "UNDER"
    ENDPOINTS: ClassVar[Endpoints] = _under()
    DESCRIPTION: ClassVar[str] = ("A party organization is led by its parent organization, of a higher level: the "
                                  "tree runs from the county committee through town committees, joint committees "
                                  "and general branches to branches and groups.")


class Covers(Relationship):
    TYPE: ClassVar[str] = "COVERS"
    ENDPOINTS: ClassVar[Endpoints] = _pairs(PARTY_ORG_LABELS, ("Village",))
    DESCRIPTION: ClassVar[str] = "A party organization's territory includes the village."


class Leads(Relationship):
    TYPE: ClassVar[str] = "LEADS"
    ENDPOINTS: ClassVar[Endpoints] = (("JointCommittee", "Cooperative"),)
    DESCRIPTION: ClassVar[str] = "A joint committee leads a cooperative directly (联合党委+合作社)."


class Runs(Relationship):
    TYPE: ClassVar[str] = "RUNS"
    ENDPOINTS: ClassVar[Endpoints] = (("Branch", "Cooperative"), ("Branch", "Company"))
    DESCRIPTION: ClassVar[str] = "A branch runs a cooperative (支部办合作社) or sits in a company."


class Heads(Relationship):
    TYPE: ClassVar[str] = "HEADS"
    ENDPOINTS: ClassVar[Endpoints] = _pairs(("PartyMember",), (*PARTY_ORG_LABELS, "Cooperative"))
    DESCRIPTION: ClassVar[str] = "A member is secretary of an organization or chair of a cooperative."
    role: Annotated[HeadRole | None, Prop("secretary or chair")] = None


class Builds(Relationship):
    TYPE: ClassVar[str] = "BUILDS"
    ENDPOINTS: ClassVar[Endpoints] = (("Cooperative", "Base"), ("Company", "Base"))
    DESCRIPTION: ClassVar[str] = "A cooperative or company builds and owns a base (合作社建基地)."


class Contracts(Relationship):
    TYPE: ClassVar[str] = "CONTRACTS"
    ENDPOINTS: ClassVar[Endpoints] = (("Company", "Cooperative"),)
    DESCRIPTION: ClassVar[str] = "A company contracts with a cooperative (order farming)."
    kind: Annotated[ContractKind | None, Prop("order or purchase", zh=("类型",))] = None
    since: Annotated[int | None, Field(ge=1949, le=2100), Prop("first year", zh=("起始年份",),
                                                               not_future=True)] = None


class HoldsShare(Relationship):
    TYPE: ClassVar[str] = "HOLDS_SHARE"
    ENDPOINTS: ClassVar[Endpoints] = (("Village", "Cooperative"), ("Village", "Company"))
    DESCRIPTION: ClassVar[str] = "A village collective holds shares in a cooperative or company."
    pct: Annotated[float | None, Field(ge=0, le=100), Prop("share in percent", zh=("持股比例",),
                                                          unit="%")] = None


class LocatedIn(Relationship):
    TYPE: ClassVar[str] = "LOCATED_IN"
    ENDPOINTS: ClassVar[Endpoints] = (("Cooperative", "Village"), ("Company", "Village"),
                                      ("Base", "Village"), ("Base", "DamArea"))
    DESCRIPTION: ClassVar[str] = "Where a cooperative, company or base is; a base may also lie in a dam area."


class InIndustry(Relationship):
    TYPE: ClassVar[str] = "IN_INDUSTRY"
    ENDPOINTS: ClassVar[Endpoints] = (("Cooperative", "Industry"), ("Company", "Industry"),
                                      ("Base", "Industry"))
    DESCRIPTION: ClassVar[str] = "The industry a cooperative, company or base works in."


class Links(Relationship):
    TYPE: ClassVar[str] = "LINKS"
    ENDPOINTS: ClassVar[Endpoints] = (("Base", "PartyMember"),)
    DESCRIPTION: ClassVar[str] = "A base is tied to a party member (基地联党员)."
    role: Annotated[str | None, Prop("the member's role at the base", zh=("职责", "角色"))] = None


class MemberOf(Relationship):
    TYPE: ClassVar[str] = "MEMBER_OF"
    ENDPOINTS: ClassVar[Endpoints] = (("PartyMember", "Branch"), ("PartyMember", "PartyGroup"))
    DESCRIPTION: ClassVar[str] = "The branch or group a member's party relationship is in."


class LivesIn(Relationship):
    TYPE: ClassVar[str] = "LIVES_IN"
    ENDPOINTS: ClassVar[Endpoints] = (("PartyMember", "Village"), ("Household", "Village"))
    DESCRIPTION: ClassVar[str] = "Where a member or household lives."


class Drives(Relationship):
    TYPE: ClassVar[str] = "DRIVES"
    ENDPOINTS: ClassVar[Endpoints] = (("PartyMember", "Household"),)
    DESCRIPTION: ClassVar[str] = "A member takes responsibility for a household (党员带农户)."
    since: Annotated[int | None, Field(ge=1949, le=2100), Prop("first year", zh=("起始年份",),
                                                               not_future=True)] = None


class Joined(Relationship):
    TYPE: ClassVar[str] = "JOINED"
    ENDPOINTS: ClassVar[Endpoints] = (("Household", "Cooperative"),)
    DESCRIPTION: ClassVar[str] = "A household is a member of a cooperative."
    shares: Annotated[float | None, Field(ge=0, le=1_000_000), Prop("shares held", zh=("股份",))] = None


class EmployedAt(Relationship):
    TYPE: ClassVar[str] = "EMPLOYED_AT"
    ENDPOINTS: ClassVar[Endpoints] = (("Household", "Base"),)
    DESCRIPTION: ClassVar[str] = "Household members worked at a base in a year."
    year: Annotated[int, Field(ge=1949, le=2100), Prop("year", zh=("年份",), not_future=True)]
    person_times: Annotated[int, Field(ge=0, le=100_000),
                            Prop("person-times employed (人次)", zh=("人次", "务工人次"))]


class PairedWith(Relationship):
    TYPE: ClassVar[str] = "PAIRED_WITH"
    ENDPOINTS: ClassVar[Endpoints] = (("Village", "Village"),)
    DESCRIPTION: ClassVar[str] = "A strong village leads a weak one (强村带弱村); direction strong → weak."
    since: Annotated[int, Field(ge=1949, le=2100), Prop("first year", zh=("起始年份",), not_future=True)]
    kind: Annotated[PairingKind | None, Prop("strong_weak or twinning", zh=("类型",))] = None


class Adopted(Relationship):
    TYPE: ClassVar[str] = "ADOPTED"
    ENDPOINTS: ClassVar[Endpoints] = _pairs(PARTY_ORG_LABELS, ("WorkRule",))
    DESCRIPTION: ClassVar[str] = "A party organization has adopted a work rule (工作制度)."
    since: Annotated[int | None, Field(ge=1921, le=2100), Prop("year adopted", zh=("建立年份", "起始年份"),
                                                               not_future=True)] = None


class Held(Relationship):
    TYPE: ClassVar[str] = "HELD"
    ENDPOINTS: ClassVar[Endpoints] = _pairs(PARTY_ORG_LABELS, ("Meeting",))
    DESCRIPTION: ClassVar[str] = "A party organization held a meeting of party life."


class HasIncome(Relationship):
    TYPE: ClassVar[str] = "HAS_INCOME"
    ENDPOINTS: ClassVar[Endpoints] = (("Village", "CollectiveIncome"),)
    DESCRIPTION: ClassVar[str] = "A village's collective income in a year."


class Earned(Relationship):
    TYPE: ClassVar[str] = "EARNED"
    ENDPOINTS: ClassVar[Endpoints] = (("Village", "IncomeItem"),)
    DESCRIPTION: ClassVar[str] = "A village collective's income from one source in a year."


class DividendOf(Relationship):
    TYPE: ClassVar[str] = "DIVIDEND_OF"
    ENDPOINTS: ClassVar[Endpoints] = (("IncomeItem", "Cooperative"), ("IncomeItem", "Company"))
    DESCRIPTION: ClassVar[str] = ("A dividend paid on the village's holding (`HOLDS_SHARE`) in this cooperative or "
                                  "company.")


class FromSource(Relationship):
    TYPE: ClassVar[str] = "FROM_SOURCE"
    ENDPOINTS: ClassVar[Endpoints] = (("ReportedFigure", "Source"),)
    DESCRIPTION: ClassVar[str] = "Where a reported figure was published."


class About(Relationship):
    TYPE: ClassVar[str] = "ABOUT"
    ENDPOINTS: ClassVar[Endpoints] = (("ReportedFigure", "County"), ("ReportedFigure", "Town"),
                                      ("ReportedFigure", "Village"))
    DESCRIPTION: ClassVar[str] = "The division a reported figure is about."


REL_TYPES: tuple[type[Relationship], ...] = (
    PartOf, Under, Covers, Leads, Runs, Heads, Builds, Contracts, HoldsShare, LocatedIn,
    InIndustry, Links, MemberOf, LivesIn, Drives, Joined, EmployedAt, PairedWith, HasIncome,
    Earned, DividendOf, FromSource, About, Adopted, Held,
)
RELS: dict[str, type[Relationship]] = {r.TYPE: r for r in REL_TYPES}
