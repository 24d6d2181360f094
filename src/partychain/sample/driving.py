"""Members drive households (党员带农户), so that the chains the source describes hold together.

A member drives households of the villages of their bases or of the village they live in, at most
``drive_max`` of them.  In each village a share of the poor and of the other households is driven,
households that work at a base or joined a cooperative with a base first.

A *chain base* is a base whose owner a party organization runs or leads (:func:`chain_bases`); a
village's *chain members* are the members linked to a chain base that lies in the village and the
members living there who are linked to a chain base; a *joint* chain member is linked to a chain base
whose organization is, or is under, a joint committee.  Chain members are never idle.  A village's
driven poor households go to its joint chain members when it has any (联合党委+合作社+贫困户), else to
its other chain members, else to the members living there; where the chain members cannot take them
all, more members living in the village, none of them chain members yet, are linked to a chain base
of the same kind (one lying in the village, else one its chain members are linked to).  Other
households go to the members living in the village first.  So a driven poor household has a complete
chain exactly when its village has a chain member, and one under a joint committee exactly when its
village has a joint chain member.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .links import link_role
from .organizations import under_joint_committee
from .state import BoolArray, CountyState, Index, IntArray, groups, members_of

__all__ = ["ChainBases", "chain_bases", "draw_member_households"]

_NONE = np.zeros(0, np.int64)


@dataclass(frozen=True)
class ChainBases:
    """Per base: whether a party organization runs or leads its owner (``complete``), and whether that
    organization is, or is under, a joint committee (``joint``)."""

    complete: BoolArray
    joint: BoolArray


def chain_bases(st: CountyState) -> ChainBases:
    """Which bases complete a chain: a cooperative owner a branch runs (RUNS) or a joint committee leads
    (LEADS), or a company owner its branch runs; and which of them complete it under a joint committee."""
    jc = sorted(under_joint_committee(st.orgs))
    oc, ok = st.b_owner_c, st.b_owner_k
    complete, joint = np.zeros(len(oc), bool), np.zeros(len(oc), bool)
    coop, comp = oc >= 0, ok >= 0
    run, led = st.c_run[oc[coop]], st.c_led[oc[coop]]
    complete[coop] = (run != "") | (led != "")
    joint[coop] = np.isin(run, jc) | (led != "")
    branch = st.k_branch[ok[comp]]
    complete[comp] = branch != ""
    joint[comp] = np.isin(branch, jc)
    return ChainBases(complete=complete, joint=joint)


@dataclass
class _Links:
    """Base–member links as positions, and the links added to carry a village's poor households."""

    base: IntArray
    member: IntArray
    added: list[tuple[int, int]] = field(default_factory=list)


def draw_member_households(st: CountyState, rng: np.random.Generator) -> None:
    """The ``member_households`` table, and the ``base_members`` rows it adds."""
    p = st.profile
    n_m = len(st.m_id)
    idle_draw = rng.random(n_m) < p.idle_member_share
    link_order = rng.random(n_m)  # order in which members of a village are linked to carry its poor households
    attached = _attached(st)
    driven_poor = _driven(st, rng, st.h_poor, attached, p.poor_driven_share)
    driven_other = _driven(st, rng, ~st.h_poor, attached, p.nonpoor_driven_share)
    chain = chain_bases(st)
    links = _Links(base=pd.Index(st.tables["bases"]["id"]).get_indexer(st.tables["base_members"]["base_id"]),
                   member=pd.Index(st.m_id).get_indexer(st.tables["base_members"]["member_id"]))
    chain_member, joint_member = np.zeros(n_m, bool), np.zeros(n_m, bool)
    chain_member[links.member[chain.complete[links.base]]] = True
    joint_member[links.member[chain.joint[links.base]]] = True
    idle = idle_draw & ~chain_member
    chain_pool = _pools(st, links, chain.complete)
    residents = groups(st.m_village, st.n_v)
    load = np.zeros(n_m, dtype=np.int64)
    pairs: list[tuple[IntArray, IntArray]] = []
    for v in range(st.n_v):
        pool = members_of(chain_pool, v)
        living = members_of(residents, v)
        living = living[~idle[living]]
        village = _Village(v=v, joint=pool[joint_member[pool]], other=pool[~joint_member[pool]],
                           local=living[np.argsort(link_order[living], kind="stable")])
        village.local = village.local[~np.isin(village.local, pool)]
        pairs.extend(_drive_village(st, chain, links, village, members_of(driven_poor, v),
                                    members_of(driven_other, v), load))
    mm = np.concatenate([m for m, _ in pairs]) if pairs else _NONE
    hh = np.concatenate([h for _, h in pairs]) if pairs else _NONE
    order = np.lexsort((hh, mm))
    mm, hh = mm[order], hh[order]
    start = rng.integers(p.drive_years[0], p.drive_years[1] + 1, len(mm))
    st.tables["member_households"] = pd.DataFrame({"member_id": st.m_id[mm], "household_id": st.h_id[hh],
                                                   "since": np.maximum(start, st.m_joined[mm])})
    _add_links(st, rng, links)


@dataclass
class _Village:
    """The members who may drive a village's households: its joint and other chain members, and the other
    active members living there (in the order they are linked when more are needed)."""

    v: int
    joint: IntArray
    other: IntArray
    local: IntArray


def _drive_village(st: CountyState, chain: ChainBases, links: _Links, village: _Village, poor: IntArray,
                   others: IntArray, load: IntArray) -> list[tuple[IntArray, IntArray]]:
    """(members, households) pairs of one village: its driven poor households to its joint chain members, else
    its other chain members (more linked if needed), then the rest; its other households to the members
    living there first."""
    joint, other, local = village.joint, village.other, village.local
    first = joint if len(joint) else other
    if len(first) and len(poor):
        anchors = chain.joint if len(joint) else chain.complete & ~chain.joint
        first = _carry(st, anchors, links, village.v, first, local, load, len(poor))
    out: list[tuple[IntArray, IntArray]] = []
    for households, tiers in ((poor, (first, other if len(joint) else _NONE, local)), (others, (local, other, joint))):
        left = households
        for tier in tiers:
            if not len(left):
                break
            taken, left = _assign(tier, left, load, st.profile.drive_max)
            out.append(taken)
    return out


def _attached(st: CountyState) -> BoolArray:
    """Households that work at a base or joined a cooperative that built one."""
    ch = st.tables["cooperative_households"]
    joined = ch.loc[ch["cooperative_id"].isin(st.tables["bases"]["owner_id"]), "household_id"]
    ids = pd.concat([st.tables["employment"]["household_id"], joined], ignore_index=True)
    out = np.zeros(len(st.h_id), bool)
    out[pd.Index(st.h_id).get_indexer(ids)] = True
    return out


def _driven(st: CountyState, rng: np.random.Generator, among: BoolArray, attached: BoolArray,
            share: float) -> Index:
    """Per village, the households of ``among`` a member drives: Binomial(n, share) of them, attached ones
    first; as an index by village (households in the order they are handed out)."""
    hh = np.flatnonzero(among)
    village = st.h_village[hh]
    count = rng.binomial(np.bincount(village, minlength=st.n_v), share)
    key = (~attached[hh]).astype(np.float64) + rng.random(len(hh))
    order = np.lexsort((key, village))
    hh, village = hh[order], village[order]
    rank = np.arange(len(hh)) - np.searchsorted(village, village)
    keep = rank < count[village]
    counts = np.bincount(village[keep], minlength=st.n_v).astype(np.int64)
    return hh[keep].astype(np.int64), np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64), counts


def _pools(st: CountyState, links: _Links, chain: BoolArray) -> Index:
    """Per village, the members linked to a base of ``chain`` that lies in the village, and the members living
    there linked to one: an index by village of member positions."""
    sel = chain[links.base]
    member = links.member[sel]
    village = np.r_[st.b_village[links.base[sel]], st.m_village[member]]
    frame = pd.DataFrame({"v": village, "m": np.r_[member, member]}).drop_duplicates().sort_values(["v", "m"])
    counts = np.bincount(frame["v"].to_numpy(), minlength=st.n_v).astype(np.int64)
    return (frame["m"].to_numpy(dtype=np.int64), np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64),
            counts)


def _carry(st: CountyState, chain: BoolArray, links: _Links, v: int, first: IntArray, local: IntArray,
           load: IntArray, need: int) -> IntArray:
    """``first`` with, if its members cannot take ``need`` more households, members of ``local`` (living in
    village ``v``, no chain members) linked to a base of ``chain`` (one lying in ``v``, else one a member of
    ``first`` is linked to) until they can."""
    cap = st.profile.drive_max
    room = int(np.maximum(cap - load[first], 0).sum())
    if room >= need:
        return first
    located = np.flatnonzero(chain & (st.b_village == v))
    if len(located):
        anchor = int(located[0])
    else:
        via = chain[links.base] & np.isin(links.member, first)
        if not via.any():
            return first
        anchor = int(links.base[np.flatnonzero(via)[0]])
    added: list[int] = []
    for m in local:
        if room >= need:
            break
        links.added.append((anchor, int(m)))
        st.m_base[m] = True
        added.append(int(m))
        room += max(cap - int(load[m]), 0)
    return np.r_[first, np.array(added, dtype=np.int64)]


def _assign(pool: IntArray, households: IntArray, load: IntArray, cap: int) -> tuple[tuple[IntArray, IntArray],
                                                                                       IntArray]:
    """Hand ``households`` out to ``pool`` in turn, least loaded first, up to ``cap`` each: the (members,
    households) pairs and the households left."""
    pool = pool[load[pool] < cap]
    if not len(pool) or not len(households):
        return (_NONE, _NONE), households
    pool = pool[np.argsort(load[pool], kind="stable")]
    room = cap - load[pool]
    slots = np.concatenate([pool[room > r] for r in range(int(room.max()))])
    n = min(len(slots), len(households))
    taken = slots[:n]
    np.add.at(load, taken, 1)
    return (taken, households[:n]), households[n:]


def _add_links(st: CountyState, rng: np.random.Generator, links: _Links) -> None:
    """The links added to carry poor households, as ``base_members`` rows (technicians or liaisons)."""
    if not links.added:
        return
    base = np.array([b for b, _ in links.added], dtype=np.int64)
    member = np.array([m for _, m in links.added], dtype=np.int64)
    technician = rng.random(len(base)) < 0.5
    extra = pd.DataFrame({"base_id": st.tables["bases"]["id"].to_numpy(dtype=object)[base],
                          "member_id": st.m_id[member],
                          "role": [link_role(False, bool(t)) for t in technician]})
    st.tables["base_members"] = pd.concat([st.tables["base_members"], extra], ignore_index=True)
