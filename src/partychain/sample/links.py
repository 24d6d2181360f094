"""The ties of the chain below the organizations: bases linked to members (基地联党员), households that
joined cooperatives, and households employed at bases."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .allocation import exact_total
from .state import CountyState, groups, pick

__all__ = ["draw_base_members", "draw_cooperative_households", "draw_employment", "link_role"]


def link_role(first: bool, technician: bool) -> str:
    """The role of a base–member link: the first member leads, the others are technicians or liaisons."""
    return "lead" if first else ("technician" if technician else "liaison")


def draw_base_members(st: CountyState, rng: np.random.Generator) -> None:
    """A base has linked members with a probability by owner (cooperative run or not, company with a branch
    or not); 1–3 of them: the owner's chair or company-branch secretary first, then members of the base's
    village."""
    p = st.profile
    bases = st.tables["bases"]
    n = len(bases)
    oc, ok = st.b_owner_c, st.b_owner_k
    run = np.zeros(n, dtype=bool)
    run[oc >= 0] = st.c_run[oc[oc >= 0]] != ""
    branch = np.zeros(n, dtype=bool)
    branch[ok >= 0] = st.k_branch[ok[ok >= 0]] != ""
    p_run, p_unrun, p_branch, p_company = p.base_link_share
    prob = np.where(oc >= 0, np.where(run, p_run, p_unrun), np.where(branch, p_branch, p_company))
    linked = rng.random(n) < prob
    lo, hi = p.base_link_members
    k = rng.integers(lo, hi + 1, n)
    cand = pick(rng, groups(st.m_village, st.n_v), np.repeat(st.b_village, hi)).reshape(n, hi)
    extra_role = rng.random((n, hi)) < 0.5
    b_ids = bases["id"].to_numpy(dtype=object)
    out_b: list[str] = []
    out_m: list[str] = []
    out_r: list[str] = []
    for b in np.flatnonzero(linked):
        first = -1
        if oc[b] >= 0:
            first = int(st.c_chair[oc[b]])
        elif branch[b]:
            first = int(st.k_secretary[ok[b]])
        chosen: list[int] = [first] if first >= 0 else []
        for m in cand[b]:
            if len(chosen) >= k[b]:
                break
            if m >= 0 and m not in chosen:
                chosen.append(int(m))
        for j, m in enumerate(chosen):
            out_b.append(b_ids[b])
            out_m.append(st.m_id[m])
            out_r.append(link_role(j == 0, bool(extra_role[b, j])))
            st.m_base[m] = True
    st.tables["base_members"] = pd.DataFrame({"base_id": np.array(out_b, dtype=object),
                                              "member_id": np.array(out_m, dtype=object),
                                              "role": np.array(out_r, dtype=object)})


def draw_cooperative_households(st: CountyState, rng: np.random.Generator) -> None:
    """Households join a cooperative of their village (or town), poor households more often; some join a
    second one of their town."""
    p = st.profile
    n = len(st.h_id)
    joins = rng.random(n) < np.where(st.h_poor, p.join_share_poor, p.join_share_nonpoor)
    second = joins & (rng.random(n) < p.join_second_share)
    hh = np.concatenate([np.flatnonzero(joins), np.flatnonzero(second)])
    own = np.r_[rng.random(int(joins.sum())) < p.join_own_village_share, np.zeros(int(second.sum()), bool)]
    in_village = pick(rng, groups(st.c_village, st.n_v), st.h_village[hh])
    in_town = pick(rng, groups(st.v_town[st.c_village], st.n_t), st.v_town[st.h_village[hh]])
    coop = np.where(own & (in_village >= 0), in_village, in_town)
    keep = coop >= 0
    frame = pd.DataFrame({"c": coop[keep], "h": hh[keep]}).drop_duplicates().sort_values(["c", "h"])
    shares = np.maximum(1, np.rint(rng.lognormal(np.log(3.0), 0.6, len(frame)))).astype(np.int64)
    shares = shares + np.where(st.h_poor[frame["h"].to_numpy()], 2, 0)
    st.tables["cooperative_households"] = pd.DataFrame({
        "cooperative_id": st.c_id[frame["c"].to_numpy()], "household_id": st.h_id[frame["h"].to_numpy()],
        "shares": shares})


def draw_employment(st: CountyState, rng: np.random.Generator) -> None:
    """Households employed at bases in one year, from the base's village or town, poor households preferred;
    person-times scaled to the targeted total."""
    p = st.profile
    bases = st.tables["bases"]
    scale = bases["scale"].to_numpy(dtype=np.float64)
    median = dict(p.base_scale_median)
    med = np.array([median[u] for u in st.b_unit], dtype=np.float64)
    lam = np.clip(p.workers_per_base * np.sqrt(scale / med), 1.0, 60.0)
    b = np.repeat(np.arange(len(bases)), 1 + rng.poisson(lam))
    village = st.b_village[b]
    h_by_village = groups(st.h_village, st.n_v)
    h_by_town = groups(st.v_town[st.h_village], st.n_t)
    own = rng.random(len(b)) < p.employ_own_village_share
    first = np.where(own, pick(rng, h_by_village, village), pick(rng, h_by_town, st.v_town[village]))
    second = np.where(own, pick(rng, h_by_village, village), pick(rng, h_by_town, st.v_town[village]))
    # poor households first: of two candidates, a poor one is taken
    hh = np.where(~st.h_poor[first] & (second >= 0) & st.h_poor[np.maximum(second, 0)], second, first)
    frame = pd.DataFrame({"b": b, "h": hh})
    frame = frame[frame["h"] >= 0].drop_duplicates().sort_values(["b", "h"])
    raw = rng.lognormal(np.log(p.person_times_median), p.person_times_sigma, len(frame))
    target = st.targets.employment_person_times
    person_times = exact_total(raw, target) if target is not None else np.maximum(1, np.rint(raw)).astype(np.int64)
    st.tables["employment"] = pd.DataFrame({
        "base_id": bases["id"].to_numpy(dtype=object)[frame["b"].to_numpy()],
        "household_id": st.h_id[frame["h"].to_numpy()], "year": p.employment_year,
        "person_times": person_times})
