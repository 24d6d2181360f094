"""Who holds which post: secretaries, cooperative chairs, the members of cooperative joint branches,
company branches and industry party groups (产业党小组), and every member's roles."""

from __future__ import annotations

import numpy as np

from partychain.graph_model.enums import MemberRole, OrgLevel, PartyGroupKind

from .industries import INDUSTRY
from .state import CountyState, IntArray, MemberPool, ObjArray

__all__ = ["draw_roles", "draw_staffing"]

_SERVICE_ROLES = (MemberRole.policy_publicist, MemberRole.mediator, MemberRole.patroller, MemberRole.sanitation,
                  MemberRole.service)
"""The five service roles towards the masses the source names (政策宣传员 … 便民服务员)."""


def draw_staffing(st: CountyState, rng: np.random.Generator) -> None:
    """Fill the posts, each member placed once (members not placed stay in their village branch)."""
    pool = MemberPool(rng, st.m_village, st.n_v)
    secretary = _village_secretaries(st, pool)
    _cooperative_joint_members(st, rng, pool)
    _company_branch_members(st, rng, pool)
    _industry_groups(st, rng, pool)
    _chairs(st, rng, pool, secretary)
    _committee_secretaries(st, secretary)
    coop = st.tables["cooperatives"]
    coop["run_by"] = st.c_run
    coop["led_by"] = st.c_led
    coop["chair_id"] = np.where(st.c_chair >= 0, st.m_id[np.maximum(st.c_chair, 0)], "").astype(object)


def _village_secretaries(st: CountyState, pool: MemberPool) -> IntArray:
    """A member of the village heads each village branch; returns the secretary per village (-1 for none)."""
    row_of = {o["id"]: i for i, o in enumerate(st.orgs)}
    secretary = np.full(st.n_v, -1, dtype=np.int64)
    for v in range(st.n_v):
        got = pool.take(v, 1)
        if got:
            secretary[v] = got[0]
            st.orgs[row_of[st.vb_id[v]]]["secretary_id"] = st.m_id[got[0]]
    return secretary


def _cooperative_joint_members(st: CountyState, rng: np.random.Generator, pool: MemberPool) -> None:
    """A cooperative joint branch: the chairs of its cooperatives plus members of their villages."""
    lo, hi = st.profile.coop_joint_members
    for coops, row in zip(st.cj_coops, st.cj_row, strict=True):
        members: list[int] = []
        for c in coops:
            got = pool.take(int(st.c_village[c]), 1)
            if got:
                st.c_chair[c] = got[0]
                members.extend(got)
        want = int(rng.integers(lo, hi + 1)) - len(members)
        villages = np.unique(st.c_village[coops])
        i = 0
        while want > 0 and i < 4 * len(villages) * hi:
            got = pool.take(int(villages[i % len(villages)]), 1)
            members.extend(got)
            want -= len(got)
            i += 1
        if members:
            st.m_org[members] = st.orgs[row]["id"]
            st.orgs[row]["secretary_id"] = st.m_id[members[0]]


def _company_branch_members(st: CountyState, rng: np.random.Generator, pool: MemberPool) -> None:
    """A company branch: members of the company's village; the first is its secretary."""
    lo, hi = st.profile.company_branch_members
    st.k_secretary = np.full(len(st.k_id), -1, dtype=np.int64)
    for k, row in st.k_branch_row.items():
        got = pool.take(int(st.k_village[k]), int(rng.integers(lo, hi + 1)))
        if got:
            st.m_org[got] = st.orgs[row]["id"]
            st.orgs[row]["secretary_id"] = st.m_id[got[0]]
            st.k_secretary[k] = got[0]


def _industry_groups(st: CountyState, rng: np.random.Generator, pool: MemberPool) -> None:
    """村党支部+产业党小组: a group under the village branch of a share of villages with cooperatives."""
    p = st.profile
    with_coops = np.unique(st.c_village)
    n_groups = round(p.industry_group_share * len(with_coops))
    group_villages = np.sort(rng.choice(with_coops, size=n_groups, replace=False))
    shorts = st.div.villages["short"].to_numpy(dtype=object)
    first_coop = {int(v): i for i, v in reversed(list(enumerate(st.c_village)))}
    for g, v in enumerate(group_villages):
        got = pool.take(int(v), int(rng.integers(p.group_members[0], p.group_members[1] + 1)))
        if not got:
            continue
        ind = INDUSTRY[st.c_industry[first_coop[int(v)]]]
        gid = f"PG-{st.county}-{g + 1:04d}"
        st.add_org(id=gid, name=f"{shorts[v]}{ind.name}产业党小组", level=OrgLevel.group.value,
                   kind=PartyGroupKind.industry.value, parent_id=st.vb_id[v], seat_code=st.v_code[v],
                   secretary_id=st.m_id[got[0]])
        st.m_org[got] = gid
        st.m_group[got] = True


def _chairs(st: CountyState, rng: np.random.Generator, pool: MemberPool, secretary: IntArray) -> None:
    """Chairs of the other cooperatives: demonstration points share the village leadership (村社合一);
    a cooperative a branch runs has a member of its village; one no branch runs, a member with a
    small probability (else its chair is no member)."""
    for c in np.flatnonzero(st.c_chair < 0):
        v = int(st.c_village[c])
        if st.c_demo[c]:
            st.c_chair[c] = secretary[v]
        elif st.c_run[c]:
            got = pool.take(v, 1)
            st.c_chair[c] = got[0] if got else secretary[v]
        elif rng.random() < st.profile.chair_member_unrun:
            got = pool.take(v, 1)
            st.c_chair[c] = got[0] if got else -1
    st.m_chair[st.c_chair[st.c_chair >= 0]] = True


def _committee_secretaries(st: CountyState, secretary: IntArray) -> None:
    """General branches and joint committees are headed by the secretary of the first village they cover."""
    code_pos = {c: i for i, c in enumerate(st.v_code)}
    for o in st.orgs:
        if o["level"] in (OrgLevel.general_branch, OrgLevel.joint_committee) and o["covers"]:
            first_v = code_pos[o["covers"].split(";")[0]]
            if secretary[first_v] >= 0:
                o["secretary_id"] = st.m_id[secretary[first_v]]


def draw_roles(st: CountyState, rng: np.random.Generator) -> ObjArray:
    """Each member's roles (a ``;``-list in the order of :class:`MemberRole`): lead goose for chairs and
    base-linked members mostly, each service role for some, entrepreneur for chairs, grower for group and
    base-linked members."""
    roles = list(MemberRole)
    n = len(st.m_id)
    r = rng.random((n, len(roles)))
    has = np.zeros((n, len(roles)), dtype=bool)
    col = {role: j for j, role in enumerate(roles)}
    has[:, col[MemberRole.lead_goose]] = r[:, col[MemberRole.lead_goose]] < np.where(st.m_chair | st.m_base, 0.7,
                                                                                     0.03)
    for role in _SERVICE_ROLES:
        has[:, col[role]] = r[:, col[role]] < 0.18
    has[:, col[MemberRole.entrepreneur]] = r[:, col[MemberRole.entrepreneur]] < np.where(st.m_chair, 0.3, 0.04)
    has[:, col[MemberRole.grower]] = r[:, col[MemberRole.grower]] < np.where(
        st.m_group, 0.5, np.where(st.m_base, 0.4, 0.08))
    values = np.array([role.value for role in roles], dtype=object)
    return np.array([";".join(values[row]) for row in has], dtype=object)
