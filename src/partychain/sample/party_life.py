"""Party life: the work rules (工作制度) the cooperatives' party organizations adopted, and the meetings
(党员活动日, 三会一课, 组织生活会) branches and groups held.

The rule catalogue holds the nine rules the source names — the four cooperative-organization rules
(民主议事、党员评议、联系群众、考核评价) and the five systems (党员活动日、三会一课、批评与自我批评、
党费收缴、党员发展培养教育) — and ``other_work_rules`` rules of kind ``other`` whose names say they are
synthetic: the source counts "10余项" rules and names only these nine.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from partychain.graph_model.enums import BranchKind, MeetingKind, OrgLevel, WorkRuleKind

from .profile import CountyProfile
from .state import CountyState, IntArray

__all__ = ["COOPERATIVE_RULES", "SYSTEMS", "draw_meetings", "draw_org_work_rules", "work_rules_frame"]

COOPERATIVE_RULES: tuple[WorkRuleKind, ...] = (WorkRuleKind.democratic_deliberation, WorkRuleKind.member_evaluation,
                                               WorkRuleKind.contact_masses, WorkRuleKind.assessment)
"""The cooperative-organization rules the source names among its 10余项 (民主议事、党员评议、联系群众、考核评价)."""

SYSTEMS: tuple[WorkRuleKind, ...] = (WorkRuleKind.activity_day, WorkRuleKind.three_meetings_one_lesson,
                                     WorkRuleKind.criticism, WorkRuleKind.dues, WorkRuleKind.member_development)
"""The systems the source says are strictly carried out (严格执行 … 制度)."""

_NAMES: dict[WorkRuleKind, str] = {
    WorkRuleKind.democratic_deliberation: "民主议事制度", WorkRuleKind.member_evaluation: "党员评议制度",
    WorkRuleKind.contact_masses: "联系群众制度", WorkRuleKind.assessment: "考核评价制度",
    WorkRuleKind.activity_day: "党员活动日制度", WorkRuleKind.three_meetings_one_lesson: "三会一课制度",
    WorkRuleKind.criticism: "批评与自我批评制度", WorkRuleKind.dues: "党费收缴制度",
    WorkRuleKind.member_development: "党员发展培养教育制度",
}
"""The source's words for each named rule, + 制度."""

_QUARTER_ENDS = (3, 6, 9, 12)


def work_rules_frame(profile: CountyProfile) -> pd.DataFrame:
    """The ``work_rules`` table: the nine named rules and the profile's synthetic ones (kind ``other``).

    >>> f = work_rules_frame(CountyProfile(other_work_rules=1))
    >>> len(f), f.iloc[-1].tolist()
    (10, ['synthetic_rule_1', 'other', '虚构制度1（合成样本，非真实制度）'])
    """
    kinds = [*COOPERATIVE_RULES, *SYSTEMS]
    others = [f"synthetic_rule_{i + 1}" for i in range(profile.other_work_rules)]
    return pd.DataFrame({
        "code": [k.value for k in kinds] + others,
        "kind": [k.value for k in kinds] + [WorkRuleKind.other.value] * len(others),
        "name": [_NAMES[k] for k in kinds] + [f"虚构制度{i + 1}（合成样本，非真实制度）" for i in range(len(others))],
    })


def cooperative_orgs(st: CountyState) -> list[str]:
    """The cooperatives' party organizations: every organization that runs or leads a cooperative, and every
    cooperative joint branch, in the order of the ``party_orgs`` rows."""
    ours = set(st.c_run) | set(st.c_led)
    return [o["id"] for o in st.orgs if o["id"] in ours or o["kind"] == BranchKind.cooperative_joint]


def draw_org_work_rules(st: CountyState, rng: np.random.Generator) -> None:
    """Each cooperative party organization adopted the five systems, each of the four named cooperative rules
    with ``coop_rule_share`` and each synthetic rule with ``other_rule_share``; every rule of the catalogue
    is adopted by at least one of them (the first, where the draw left a rule out)."""
    p = st.profile
    orgs = cooperative_orgs(st)
    codes = work_rules_frame(p)["code"].to_numpy(dtype=object)
    n_named = len(COOPERATIVE_RULES) + len(SYSTEMS)
    share = np.r_[np.full(len(COOPERATIVE_RULES), p.coop_rule_share), np.ones(len(SYSTEMS)),
                  np.full(len(codes) - n_named, p.other_rule_share)]
    adopted = rng.random((len(orgs), len(codes))) < share[None, :]
    if len(orgs):
        adopted[0, ~adopted.any(axis=0)] = True
    since = rng.integers(p.rule_years[0], p.rule_years[1] + 1, adopted.shape)
    o, r = np.nonzero(adopted)
    st.tables["org_work_rules"] = pd.DataFrame({"org_id": np.array(orgs, dtype=object)[o], "rule_code": codes[r],
                                                "since": since[o, r]})


def draw_meetings(st: CountyState, rng: np.random.Generator) -> None:
    """The meetings of one year (``meeting_year``): every branch's monthly activity day (党员活动日, on a day of
    the month of its own; a share of branches holds it every month, the others miss months), its quarterly
    members' meeting and party lesson, its monthly committee meeting (branches with a committee) and its
    yearly organizational-life meeting; every group's monthly meeting.  Attendance: Binomial(members, share)."""
    p = st.profile
    branches = [i for i, o in enumerate(st.orgs) if o["level"] == OrgLevel.branch]
    grps = [i for i, o in enumerate(st.orgs) if o["level"] == OrgLevel.group]
    ids = np.array([o["id"] for o in st.orgs], dtype=object)
    size = _sizes(st, ids)
    months = np.arange(1, 13)
    b = np.array(branches, dtype=np.int64)
    n_b = len(b)
    day = rng.integers(1, 29, n_b)
    regular = rng.random(n_b) < p.regular_branch_share
    missed = ~regular[:, None] & (rng.random((n_b, 12)) < p.missed_month_share)
    never = ~regular & ~missed.any(axis=1)
    missed[never, rng.integers(0, 12, n_b)[never]] = True
    frames = [_rows(rng, ids, b, MeetingKind.activity_day, ~missed, day[:, None], months, size, p)]
    quarters = np.array(_QUARTER_ENDS)
    for kind in (MeetingKind.members_meeting, MeetingKind.party_lesson):
        held = rng.random((n_b, len(quarters))) < p.meeting_held_share
        frames.append(_rows(rng, ids, b, kind, held, rng.integers(1, 29, held.shape), quarters, size, p))
    committee = b[size[b] >= p.committee_from]
    held = rng.random((len(committee), 12)) < p.meeting_held_share
    frames.append(_rows(rng, ids, committee, MeetingKind.committee_meeting, held, rng.integers(1, 29, held.shape),
                        months, np.minimum(size, 5), p))
    held = rng.random((n_b, 1)) < p.meeting_held_share
    frames.append(_rows(rng, ids, b, MeetingKind.organizational_life, held, rng.integers(1, 29, held.shape),
                        np.array([12]), size, p))
    g = np.array(grps, dtype=np.int64)
    held = rng.random((len(g), 12)) < p.meeting_held_share
    frames.append(_rows(rng, ids, g, MeetingKind.group_meeting, held, rng.integers(1, 29, held.shape), months, size, p))
    st.tables["meetings"] = pd.concat(frames, ignore_index=True)


def _sizes(st: CountyState, ids: np.ndarray) -> IntArray:
    """Members per organization row: its own members, a branch's with those of its groups."""
    count = pd.Series(st.m_org).value_counts()
    own = count.reindex(ids, fill_value=0).to_numpy(dtype=np.int64)
    pos = {i: k for k, i in enumerate(ids)}
    total = own.copy()
    for k, o in enumerate(st.orgs):
        if o["level"] == OrgLevel.group and o["parent_id"] in pos:
            total[pos[o["parent_id"]]] += own[k]
    return total


def _rows(rng: np.random.Generator, ids: np.ndarray, orgs: IntArray, kind: MeetingKind, held: np.ndarray,
          day: np.ndarray, months: IntArray, size: IntArray, p: CountyProfile) -> pd.DataFrame:
    """Meeting rows of ``orgs`` (rows of ``held``) in ``months`` (its columns) on ``day``."""
    o, k = np.nonzero(held)
    if not len(o):
        return pd.DataFrame(columns=["org_id", "kind", "date", "attendance"])
    days = np.broadcast_to(day, held.shape)[o, k]
    dates = pd.to_datetime(pd.DataFrame({"year": p.meeting_year, "month": months[k], "day": days})).dt.date
    n = size[orgs[o]]
    attendance = np.where(n > 0, np.maximum(1, rng.binomial(n, p.attendance_share)), 0)
    return pd.DataFrame({"org_id": ids[orgs[o]], "kind": kind.value, "date": dates.to_numpy(dtype=object),
                         "attendance": attendance})
