"""The party-organization tree of one county and who runs or leads each cooperative.

One tree under the county committee (县委): a committee per town (乡镇党委 / 街道党工委); the
joint-village committee (联村党委) under its town committee with its area general branches
(片区党总支); the industry committee (产业党委) under the county committee with its general branches;
village branches under the general branch whose area covers the village, else their town committee;
cooperative joint branches (合作社联合党支部) under the industry committee's general branch (or the
committee) when they serve its industry in its area, else the joint-village general branch covering
their seat, else their town committee.  Company branches and industry groups are added by
:mod:`.companies` and :mod:`.staffing`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from partychain.graph_model.enums import (
    BranchKind,
    GeneralBranchKind,
    JointCommitteeKind,
    OrgLevel,
    TownKind,
)

from .allocation import bounded_allocation
from .industries import INDUSTRY
from .profile import SampleError
from .state import BoolArray, CountyState, IntArray, ids, join, ordinal

__all__ = ["JointAreas", "draw_organizations", "under_joint_committee"]

_JOINT_VILLAGE, _INDUSTRY = JointCommitteeKind.joint_village.value, JointCommitteeKind.industry.value


@dataclass
class IndustryArea:
    """The industry committee: its row, industry, the villages it covers, the general branch row per village."""

    row: int
    industry: str
    covers: BoolArray
    gb_of: IntArray


@dataclass
class JointAreas:
    """Where the joint committees reach: per village, the row of the joint-village general branch and
    committee covering it (-1 for none), and the industry committee's area."""

    village_gb: IntArray
    village_jc: IntArray
    industry: IndustryArea | None = None


def draw_organizations(st: CountyState, rng: np.random.Generator) -> None:
    """The whole tree down to branches, and which organization runs or leads each cooperative."""
    _committees(st)
    areas = _joint_committees(st, rng)
    _village_branches(st, areas)
    _cooperative_joint_branches(st, rng, areas)
    _runs(st, rng)
    _leads(st, rng, areas)


def _committees(st: CountyState) -> None:
    """The county committee (the root) and one committee per town under it."""
    st.cc_id = f"CC-{st.county}"
    st.add_org(id=st.cc_id, name=f"中共{st.div.name}委员会", level=OrgLevel.county_committee.value,
               seat_code=st.county)
    towns = st.div.towns
    st.tc_id = ids("TC", st.county, st.n_t, 2)
    for t in range(st.n_t):
        kind = str(towns["kind"][t])
        word = "工作委员会" if kind == TownKind.subdistrict else "委员会"  # 街道党工委
        st.add_org(id=st.tc_id[t], name=f"中共{towns['name'][t]}{word}", level=OrgLevel.town_committee.value,
                   kind=kind, parent_id=st.cc_id, seat_code=str(towns["code"][t]))


def _general_branch_counts(st: CountyState, rng: np.random.Generator, kinds: tuple[str, ...]) -> list[int]:
    p, t = st.profile, st.targets
    n_gb = t.general_branches if t.general_branches is not None else \
        int(sum(rng.integers(p.general_branches_per_committee[0], p.general_branches_per_committee[1] + 1)
                for _ in kinds))
    if n_gb and not kinds:
        raise SampleError("general branches need a joint committee to stand under")
    return [len(a) for a in np.array_split(np.arange(n_gb), len(kinds))] if kinds else []


def _joint_committees(st: CountyState, rng: np.random.Generator) -> JointAreas:
    """The joint committees of the profile (or targets) with their general branches."""
    p, t = st.profile, st.targets
    kinds = t.joint_committee_kinds if t.joint_committee_kinds is not None else p.joint_committee_kinds
    gb_per_jc = _general_branch_counts(st, rng, kinds)
    jc_ids = ids("JC", st.county, len(kinds), 2)
    areas = JointAreas(village_gb=np.full(st.n_v, -1, np.int64), village_jc=np.full(st.n_v, -1, np.int64))
    used_towns: set[int] = set()
    for j, kind in enumerate(kinds):
        if kind == _JOINT_VILLAGE:
            _joint_village_committee(st, rng, areas, str(jc_ids[j]), gb_per_jc[j], used_towns)
        elif kind == _INDUSTRY:
            taken = areas.industry.industry if areas.industry else None
            areas.industry = _industry_committee(st, rng, str(jc_ids[j]), gb_per_jc[j], taken)
        else:
            raise SampleError(f"unknown joint committee kind {kind!r}")
    placed = sum(o["level"] == OrgLevel.general_branch for o in st.orgs)
    if t.general_branches is not None and placed != t.general_branches:
        raise SampleError(f"could only place {placed} of {t.general_branches} general branches")
    return areas


def _general_branch(st: CountyState, parent: str, chunk: IntArray, word: str = "") -> int:
    vil, towns = st.div.villages, st.div.towns
    n = sum(o["level"] == OrgLevel.general_branch for o in st.orgs) + 1
    seat_v = int(chunk[0])
    return st.add_org(id=f"GB-{st.county}-{n:02d}",
                      name=f"{towns['name'][st.v_town[seat_v]]}{vil['stem'][seat_v]}{word}片区党总支",
                      level=OrgLevel.general_branch.value, kind=GeneralBranchKind.area.value,
                      parent_id=parent, seat_code=st.v_code[seat_v], covers=join(st.v_code[chunk]))


def _joint_village_committee(st: CountyState, rng: np.random.Generator, areas: JointAreas, jc_id: str, g: int,
                             used_towns: set[int]) -> None:
    """联村党委: the villages of one rural town with at least ``g`` villages (drawn in proportion to its
    villages), under the town's committee; its g general branches split those villages into runs of
    neighbouring codes."""
    towns = st.div.towns
    town_sizes = np.bincount(st.v_town, minlength=st.n_t)
    rural = (towns["kind"] != TownKind.subdistrict).to_numpy()
    w = np.zeros(st.n_t)
    for allowed in (rural & (town_sizes >= g), town_sizes >= g, town_sizes > 0):
        w = np.where(allowed, town_sizes, 0).astype(np.float64)
        w[list(used_towns)] = 0
        if w.sum() > 0:
            break
    seat = int(rng.choice(st.n_t, p=w / w.sum()))
    used_towns.add(seat)
    cover = np.flatnonzero(st.v_town == seat)
    row = st.add_org(id=jc_id, name=f"{towns['name'][seat]}联村党委", level=OrgLevel.joint_committee.value,
                     kind=_JOINT_VILLAGE, parent_id=st.tc_id[seat], seat_code=str(towns["code"][seat]),
                     covers=join(st.v_code[cover]))
    areas.village_jc[cover] = row
    for chunk in np.array_split(cover, min(g, len(cover))) if g else []:
        areas.village_gb[chunk] = _general_branch(st, jc_id, chunk)


def _industry_committee(st: CountyState, rng: np.random.Generator, jc_id: str, g: int,
                        taken: str | None) -> IndustryArea:
    """产业党委 of the county's most common cooperative industry, under the county committee: it covers the
    villages with such cooperatives in the towns with most of them; its general branches cover a share."""
    p, towns = st.profile, st.div.towns
    ranked = sorted(Counter(st.c_industry).items(), key=lambda kv: (-kv[1], str(kv[0])))
    ind = next((str(i) for i, _ in ranked if i != taken), str(ranked[0][0]))
    has = np.bincount(st.c_village[st.c_industry == ind], minlength=st.n_v) > 0
    per_town = np.bincount(st.v_town[has], minlength=st.n_t)
    top = np.argsort(-per_town, kind="stable")[:max(2, g)]
    cover_mask = has & np.isin(st.v_town, top)
    cover = np.flatnonzero(cover_mask)
    seat = int(top[0])
    name = INDUSTRY[ind].name
    row = st.add_org(id=jc_id, name=f"{st.div.short_name}{name}产业党委", level=OrgLevel.joint_committee.value,
                     kind=_INDUSTRY, parent_id=st.cc_id, seat_code=str(towns["code"][seat]),
                     covers=join(st.v_code[cover]))
    gb_of = np.full(st.n_v, -1, dtype=np.int64)
    in_gb = np.sort(rng.choice(cover, size=round(p.industry_gb_cover_share * len(cover)), replace=False))
    for chunk in np.array_split(in_gb, g) if g else []:
        if len(chunk):
            gb_of[chunk] = _general_branch(st, jc_id, chunk, name)
    return IndustryArea(row=row, industry=ind, covers=cover_mask, gb_of=gb_of)


def _village_branches(st: CountyState, areas: JointAreas) -> None:
    """One branch per village, under the general branch (or joint-village committee) covering the village,
    else under its town committee; every member starts in the branch of the village they live in."""
    st.vb_id = ids("BR", st.county, st.n_v, 4)
    town_names = st.div.towns["name"].to_numpy(dtype=object)
    shorts = st.div.villages["short"].to_numpy(dtype=object)
    for v in range(st.n_v):
        above = areas.village_gb[v] if areas.village_gb[v] >= 0 else areas.village_jc[v]
        parent = st.orgs[above]["id"] if above >= 0 else st.tc_id[st.v_town[v]]
        st.add_org(id=st.vb_id[v], name=f"{town_names[st.v_town[v]]}{shorts[v]}党支部",
                   level=OrgLevel.branch.value, kind=BranchKind.village.value, parent_id=parent,
                   seat_code=st.v_code[v], covers=st.v_code[v])
    st.m_org = st.vb_id[st.m_village].copy()


def _cooperative_joint_branches(st: CountyState, rng: np.random.Generator, areas: JointAreas) -> None:
    """合作社联合党支部, allocated to towns in proportion to their non-demo cooperatives; each runs 2–5
    cooperatives of its town."""
    p, t = st.profile, st.targets
    nondemo = ~st.c_demo
    n_cj = t.cooperative_joint_branches if t.cooperative_joint_branches is not None else \
        round(p.coop_joint_branch_share * len(st.c_id))
    sizes_p = np.asarray(p.coop_joint_sizes, dtype=np.float64)
    c_town = st.v_town[st.c_village]
    avail = np.bincount(c_town[nondemo], minlength=st.n_t)
    caps = np.floor(avail * p.coop_joint_max_use / 2).astype(np.int64)
    if n_cj > caps.sum():
        raise SampleError(f"{n_cj} cooperative joint branches need at least {2 * n_cj} non-demo cooperatives "
                          f"(have {int(nondemo.sum())})")
    per_town = bounded_allocation(n_cj, avail, 0, caps)
    seen: Counter[int] = Counter()
    st.next_branch = st.n_v + 1
    for town in np.flatnonzero(per_town):
        sizes = 2 + rng.choice(len(sizes_p), size=int(per_town[town]), p=sizes_p / sizes_p.sum())
        limit = int(np.floor(avail[town] * p.coop_joint_max_use))
        while sizes.sum() > limit:
            big = np.flatnonzero(sizes > 2)
            sizes[big[rng.integers(0, len(big))]] -= 1
        pool = np.flatnonzero(nondemo & (c_town == town))
        chosen = np.sort(rng.choice(pool, size=int(sizes.sum()), replace=False))
        for chunk in np.split(chosen, np.cumsum(sizes)[:-1]):
            _cooperative_joint_branch(st, areas, chunk, seen)


def _cooperative_joint_branch(st: CountyState, areas: JointAreas, chunk: IntArray, seen: Counter[int]) -> None:
    seat_v = int(st.c_village[chunk[0]])
    k = seen[seat_v]
    seen[seat_v] += 1
    branch_id = f"BR-{st.county}-{st.next_branch:04d}"
    st.next_branch += 1
    main_ind = str(Counter(st.c_industry[chunk]).most_common(1)[0][0])
    ia = areas.industry
    if ia is not None and main_ind == ia.industry and ia.covers[seat_v]:
        parent = st.orgs[ia.gb_of[seat_v] if ia.gb_of[seat_v] >= 0 else ia.row]["id"]
    elif areas.village_gb[seat_v] >= 0:
        parent = st.orgs[areas.village_gb[seat_v]]["id"]
    elif areas.village_jc[seat_v] >= 0:
        parent = st.orgs[areas.village_jc[seat_v]]["id"]
    else:
        parent = str(st.tc_id[st.v_town[seat_v]])
    villages = np.unique(st.c_village[chunk])
    town_name = st.div.towns["name"][st.v_town[seat_v]]
    short = st.div.villages["short"][seat_v]
    row = st.add_org(id=branch_id, name=f"{town_name}{short}{ordinal(k)}合作社联合党支部",
                     level=OrgLevel.branch.value, kind=BranchKind.cooperative_joint.value, parent_id=parent,
                     seat_code=st.v_code[seat_v], covers=join(st.v_code[villages]))
    st.c_run[chunk] = branch_id
    st.cj_coops.append(chunk)
    st.cj_row.append(row)


def _runs(st: CountyState, rng: np.random.Generator) -> None:
    """Demonstration points are run by their village branch (村社合一); other cooperatives no joint branch
    runs are run by their village branch with the probability that brings the run share of non-demo
    cooperatives to the profile's coverage."""
    p = st.profile
    nondemo = ~st.c_demo
    st.c_run[st.c_demo] = st.vb_id[st.c_village[st.c_demo]]
    n_cj_run = int((st.c_run != "").sum() - st.c_demo.sum())
    rest = nondemo & (st.c_run == "")
    p_village = 0.0 if not rest.any() else \
        float(np.clip((p.branch_coverage * int(nondemo.sum()) - n_cj_run) / rest.sum(), 0.0, 1.0))
    by_village = rest & (rng.random(len(st.c_id)) < p_village)
    st.c_run[by_village] = st.vb_id[st.c_village[by_village]]


def _leads(st: CountyState, rng: np.random.Generator, areas: JointAreas) -> None:
    """Joint committees lead cooperatives directly (联合党委+合作社): of their villages (joint-village) or of
    their industry in their villages (industry); a few cooperatives no branch runs are led only by one."""
    p = st.profile
    draw = rng.random(len(st.c_id))
    covered_vj = areas.village_jc[st.c_village] >= 0
    led_vj = covered_vj & (draw < p.led_by_share_village)
    st.c_led[led_vj] = [st.orgs[r]["id"] for r in areas.village_jc[st.c_village[led_vj]]]
    ia = areas.industry
    if ia is not None:
        led_ind = (st.c_industry == ia.industry) & ia.covers[st.c_village] & \
            (rng.random(len(st.c_id)) < p.led_by_share_industry)
        st.c_led[led_ind] = st.orgs[ia.row]["id"]
    jc_of_coop = np.full(len(st.c_id), "", dtype=object)
    jc_of_coop[covered_vj] = [st.orgs[r]["id"] for r in areas.village_jc[st.c_village[covered_vj]]]
    if ia is not None:
        ind_cov = ia.covers[st.c_village] & (jc_of_coop == "")
        jc_of_coop[ind_cov] = st.orgs[ia.row]["id"]
    unrun = (st.c_run == "") & (jc_of_coop != "")
    missing = p.led_only_min - int(((st.c_run == "") & (st.c_led != "")).sum())
    if missing > 0:
        cand = np.flatnonzero(unrun & (st.c_led == ""))
        chosen = rng.choice(cand, size=min(missing, len(cand)), replace=False)
        st.c_led[chosen] = jc_of_coop[chosen]


def under_joint_committee(orgs: list[dict[str, str]]) -> set[str]:
    """Ids of the organizations that are, or are under (through their parents), a joint committee.

    >>> under_joint_committee([{"id": "T", "level": "town_committee", "parent_id": ""},
    ...                        {"id": "J", "level": "joint_committee", "parent_id": "T"},
    ...                        {"id": "B", "level": "branch", "parent_id": "J"},
    ...                        {"id": "C", "level": "branch", "parent_id": "T"}]) == {"J", "B"}
    True
    """
    parent = {o["id"]: o["parent_id"] for o in orgs}
    joint = {o["id"] for o in orgs if o["level"] == OrgLevel.joint_committee}
    out: set[str] = set()
    for o in orgs:
        node, seen = o["id"], 0
        while node and seen <= len(orgs):
            if node in joint:
                out.add(o["id"])
                break
            node, seen = parent.get(node, ""), seen + 1
    return out
