"""Enumerations of the knowledge model (the allowed values of ``kind``-like fields)."""

from __future__ import annotations

from enum import StrEnum


class DivisionLevel(StrEnum):
    county = "county"
    town = "town"
    village = "village"


class TownKind(StrEnum):
    town = "town"  # 镇
    township = "township"  # 乡
    subdistrict = "subdistrict"  # 街道


class VillageKind(StrEnum):
    village = "village"  # 村
    community = "community"  # 社区 / 居委会


class OrgLevel(StrEnum):
    joint_committee = "joint_committee"  # 联合党委
    general_branch = "general_branch"  # 片区党总支
    branch = "branch"  # 党支部
    group = "group"  # 党小组


class JointCommitteeKind(StrEnum):
    joint_village = "joint_village"  # 联村党委
    industry = "industry"  # 产业党委


class GeneralBranchKind(StrEnum):
    area = "area"  # 片区党总支


class BranchKind(StrEnum):
    village = "village"  # 村党支部
    cooperative_joint = "cooperative_joint"  # 合作社联合党支部
    company = "company"  # 企业党支部


class PartyGroupKind(StrEnum):
    industry = "industry"  # 产业党小组


class CooperativeKind(StrEnum):
    farmer = "farmer"  # 农民合作社
    specialized = "specialized"  # 农民专业合作社


class Unit(StrEnum):
    mu = "mu"  # 亩
    stick = "stick"  # 棒 (edible fungi)
    bird = "bird"  # 羽 (poultry)
    head = "head"  # 头 (livestock)


class Gender(StrEnum):
    male = "male"
    female = "female"


class MemberRole(StrEnum):
    lead_goose = "lead_goose"  # 领头雁
    policy_publicist = "policy_publicist"  # 政策宣传员
    mediator = "mediator"  # 矛盾调解员
    patroller = "patroller"  # 治安巡逻员
    sanitation = "sanitation"  # 卫生保洁员
    service = "service"  # 便民服务员
    entrepreneur = "entrepreneur"  # 致富带头人
    grower = "grower"  # 种养大户


class ContractKind(StrEnum):
    order = "order"  # 订单销售
    purchase = "purchase"  # 收购


class PairingKind(StrEnum):
    strong_weak = "strong_weak"  # 强村带弱村
    twinning = "twinning"  # 结对帮扶


class HeadRole(StrEnum):
    secretary = "secretary"  # 书记
    chair = "chair"  # 理事长
