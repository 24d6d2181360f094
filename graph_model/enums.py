"""Enumerations of the knowledge model (the allowed values of ``kind``-like fields), each value with the
Chinese labels and common variants a county ledger writes for it.

The labels are declared beside the values with :func:`labels`; the loader accepts any of them (case
aside for Latin letters) and stores the value, the data dictionary lists them, and a ledger cell that
matches none is refused with every accepted label in both languages.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum, StrEnum
from typing import TypeVar

E = TypeVar("E", bound=type[Enum])


def labels(**by_value: tuple[str, ...]) -> Callable[[E], E]:
    """Attach the Chinese labels and variants of each value to an enum class (``__labels__``)."""

    def attach(cls: E) -> E:
        unknown = set(by_value) - {m.name for m in cls}
        missing = {m.name for m in cls} - set(by_value)
        if unknown or missing:
            raise TypeError(f"{cls.__name__}: labels for unknown values {sorted(unknown)}, none for {sorted(missing)}")
        cls.__labels__ = {cls[name].value: tuple(zh) for name, zh in by_value.items()}  # type: ignore[attr-defined]
        return cls

    return attach


def labels_of(enum: type[Enum]) -> dict[str, tuple[str, ...]]:
    """Value → its Chinese labels and variants (the first is the label to write).

    >>> labels_of(Gender)["female"]
    ('女', 'F')
    """
    return dict(getattr(enum, "__labels__", {}))


def aliases_of(enum: type[Enum]) -> dict[str, str]:
    """Every spelling a ledger may use → the value: the value itself, its labels, Latin ones case-folded.

    >>> aliases_of(Gender)["男"], aliases_of(Gender)["m"], aliases_of(Gender)["female"]
    ('male', 'male', 'female')
    """
    out: dict[str, str] = {}
    for m in enum:
        value = str(m.value)
        for spelling in (value, *labels_of(enum).get(value, ())):
            for s in (spelling, spelling.casefold()):
                if out.setdefault(s, value) != value:
                    raise TypeError(f"{enum.__name__}: {s!r} spells both {out[s]!r} and {value!r}")
    return out


@labels(county=("县", "区", "县级"), town=("乡镇", "镇", "乡", "街道"), village=("村", "社区", "村（社区）"))
class DivisionLevel(StrEnum):
    county = "county"
    town = "town"
    village = "village"


@labels(town=("镇",), township=("乡", "民族乡"), subdistrict=("街道", "街道办事处"))
class TownKind(StrEnum):
    town = "town"  # 镇
    township = "township"  # 乡
    subdistrict = "subdistrict"  # 街道


@labels(village=("村", "行政村"), community=("社区", "居委会"))
class VillageKind(StrEnum):
    village = "village"  # 村
    community = "community"  # 社区 / 居委会


@labels(county_committee=("县委", "县委员会", "县党委"),
        town_committee=("乡镇党委", "镇党委", "乡党委", "街道党工委"),
        joint_committee=("联合党委",), general_branch=("党总支", "片区党总支"), branch=("党支部", "支部"),
        group=("党小组", "小组"))
class OrgLevel(StrEnum):
    """Levels of the party-organization tree, from the county committee down (one label each)."""

    county_committee = "county_committee"  # 县委 (the county party committee)
    town_committee = "town_committee"  # 乡镇党委 (a town's, township's or subdistrict's party committee)
    joint_committee = "joint_committee"  # 联合党委
    general_branch = "general_branch"  # 片区党总支
    branch = "branch"  # 党支部
    group = "group"  # 党小组


ORG_RANK: dict[str, int] = {lv.value: i for i, lv in enumerate(OrgLevel)}
"""Level → rank, 0 at the top: an organization sits UNDER an organization of a lower rank number."""


@labels(joint_village=("联村党委", "联村"), industry=("产业党委", "产业"))
class JointCommitteeKind(StrEnum):
    joint_village = "joint_village"  # 联村党委
    industry = "industry"  # 产业党委


@labels(area=("片区", "片区党总支"))
class GeneralBranchKind(StrEnum):
    area = "area"  # 片区党总支


@labels(village=("村党支部", "村"), cooperative_joint=("合作社联合党支部", "合作社联合支部", "联合党支部"),
        company=("企业党支部", "公司党支部", "企业"))
class BranchKind(StrEnum):
    village = "village"  # 村党支部
    cooperative_joint = "cooperative_joint"  # 合作社联合党支部
    company = "company"  # 企业党支部


@labels(industry=("产业党小组", "产业"))
class PartyGroupKind(StrEnum):
    industry = "industry"  # 产业党小组


@labels(town=("镇党委",), township=("乡党委",), subdistrict=("街道党工委",))
class TownCommitteeKind(StrEnum):
    town = "town"  # 镇党委
    township = "township"  # 乡党委
    subdistrict = "subdistrict"  # 街道党工委


@labels(farmer=("农民合作社", "合作社"), specialized=("农民专业合作社", "专业合作社"))
class CooperativeKind(StrEnum):
    farmer = "farmer"  # 农民合作社
    specialized = "specialized"  # 农民专业合作社


@labels(mu=("亩",), stick=("棒",), bird=("羽", "只"), head=("头",))
class Unit(StrEnum):
    mu = "mu"  # 亩
    stick = "stick"  # 棒 (edible fungi)
    bird = "bird"  # 羽 (poultry)
    head = "head"  # 头 (livestock)


@labels(male=("男", "M"), female=("女", "F"))
class Gender(StrEnum):
    male = "male"
    female = "female"


@labels(lead_goose=("领头雁", "主心骨"), policy_publicist=("政策宣传员",), mediator=("矛盾调解员",),
        patroller=("治安巡逻员",), sanitation=("卫生保洁员", "卫生清洁员"), service=("便民服务员",),
        entrepreneur=("致富带头人",), grower=("种养大户", "种养殖大户"))
class MemberRole(StrEnum):
    lead_goose = "lead_goose"  # 领头雁、主心骨
    policy_publicist = "policy_publicist"  # 政策宣传员
    mediator = "mediator"  # 矛盾调解员
    patroller = "patroller"  # 治安巡逻员
    sanitation = "sanitation"  # 卫生保洁员 (the source writes 卫生清洁员)
    service = "service"  # 便民服务员
    entrepreneur = "entrepreneur"  # 致富带头人
    grower = "grower"  # 种养大户


@labels(order=("订单", "订单销售"), purchase=("收购",))
class ContractKind(StrEnum):
    order = "order"  # 订单销售
    purchase = "purchase"  # 收购


@labels(strong_weak=("强村带弱村", "强带弱"), twinning=("结对帮扶", "结对"))
class PairingKind(StrEnum):
    strong_weak = "strong_weak"  # 强村带弱村
    twinning = "twinning"  # 结对帮扶


@labels(dividend=("分红", "股金分红", "入股分红", "股份分红"), asset_rent=("资产租赁", "租金", "资产出租", "租赁"),
        service=("服务", "经营服务", "服务收入"), subsidy=("补助", "补贴", "财政补助", "上级补助"),
        other=("其他", "其它"))
class IncomeSource(StrEnum):
    """Where a village collective's income comes from (村集体经济收入来源)."""

    dividend = "dividend"  # 分红: on the collective's shares in a cooperative or company (HOLDS_SHARE)
    asset_rent = "asset_rent"  # 资产租赁: renting out collective land, buildings, equipment
    service = "service"  # 服务: services the collective sells (机耕, 代管, 劳务 ...)
    subsidy = "subsidy"  # 补助: transfers from above
    other = "other"  # 其他


@labels(secretary=("书记",), chair=("理事长",))
class HeadRole(StrEnum):
    secretary = "secretary"  # 书记
    chair = "chair"  # 理事长


@labels(exact=("精确", "准确", "实数"), at_least=("余", "以上", "不少于"), planned=("规划", "计划"),
        can_reach=("可达",), per_year=("年", "每年", "年出栏"))
class FigureQualifier(StrEnum):
    """How a published figure is to be compared, read from the source's own wording."""

    exact = "exact"  # the figure as it stands
    at_least = "at_least"  # 余: "more than", a lower bound
    planned = "planned"  # 规划: a planned quantity, compared with what the ledger plans
    can_reach = "can_reach"  # 可达: a reach (a capacity), not a count of what happened
    per_year = "per_year"  # 年出栏: a yearly flow (the year's output), not a standing count


@labels(democratic_deliberation=("民主议事",), member_evaluation=("党员评议", "民主评议党员"),
        contact_masses=("联系群众", "联系服务群众"), assessment=("考核评价",), activity_day=("党员活动日",),
        three_meetings_one_lesson=("三会一课",), criticism=("批评与自我批评",), dues=("党费收缴",),
        member_development=("党员发展", "党员发展培养教育"), other=("其他", "其他制度"))
class WorkRuleKind(StrEnum):
    """Work rules (工作制度) of cooperative party organizations. The first four are the ones the source names
    among its "10余项工作制度"; the next five are the systems it names elsewhere ("党员活动日", "三会一课",
    "批评与自我批评", "党费收缴", "党员发展培养教育"); a rule it does not name is ``other``, with its name."""

    democratic_deliberation = "democratic_deliberation"  # 民主议事
    member_evaluation = "member_evaluation"  # 党员评议
    contact_masses = "contact_masses"  # 联系群众
    assessment = "assessment"  # 考核评价
    activity_day = "activity_day"  # 党员活动日
    three_meetings_one_lesson = "three_meetings_one_lesson"  # 三会一课
    criticism = "criticism"  # 批评与自我批评
    dues = "dues"  # 党费收缴
    member_development = "member_development"  # 党员发展培养教育
    other = "other"  # 其他 (named in the rule's `name`)


@labels(activity_day=("党员活动日", "主题党日"), members_meeting=("支部党员大会", "党员大会"),
        committee_meeting=("支部委员会", "支委会"), group_meeting=("党小组会",), party_lesson=("党课",),
        organizational_life=("组织生活会", "民主生活会"))
class MeetingKind(StrEnum):
    """Meetings of party life: the monthly activity day, the three meetings and one lesson (三会一课: members'
    meeting, committee meeting, group meeting, party lesson) and the organizational-life meeting at which
    criticism and self-criticism are held."""

    activity_day = "activity_day"  # 党员活动日
    members_meeting = "members_meeting"  # 支部党员大会
    committee_meeting = "committee_meeting"  # 支部委员会
    group_meeting = "group_meeting"  # 党小组会
    party_lesson = "party_lesson"  # 党课
    organizational_life = "organizational_life"  # 组织生活会
