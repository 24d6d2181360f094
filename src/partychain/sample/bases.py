"""Industry bases (产业基地) of cooperatives and companies, their sizes, and the dam areas (坝区) they lie in.

A base's size is read three ways, as the source's figures are worded: what stands at it (``scale``),
what is planned (``planned_scale``, planting bases: 规划种植项目) and what it puts out a year
(``annual_output``, livestock: 生猪年出栏).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from partychain.graph_model.enums import TownKind, Unit

from .allocation import bounded_allocation, exact_total
from .industries import INDUSTRY
from .profile import SampleError
from .state import BoolArray, CountyState, FloatArray, IntArray, ObjArray, groups, ids, pick

__all__ = ["draw_bases", "draw_dam_areas"]

_MU = Unit.mu.value


def draw_bases(st: CountyState, rng: np.random.Generator) -> None:
    """0–3 bases per cooperative and 1–3 per company, in the owner's village (or another of its town), of
    the owner's industry, sized from a lognormal per unit and scaled to the targeted totals."""
    p = st.profile
    probs = np.asarray(p.bases_per_cooperative, dtype=np.float64)
    n_per = rng.choice(len(probs), size=len(st.c_id), p=probs / probs.sum())
    owner_c = np.repeat(np.arange(len(st.c_id)), n_per)
    lo, hi = p.company_bases
    owner_k = np.repeat(np.arange(len(st.k_id)), rng.integers(lo, hi + 1, len(st.k_id)))
    owner_id = np.concatenate([st.c_id[owner_c], st.k_id[owner_k]]).astype(object)
    home = np.concatenate([st.c_village[owner_c], st.k_village[owner_k]]).astype(np.int64)
    industry = np.concatenate([st.c_industry[owner_c], st.k_industry[owner_k]]).astype(object)
    company = np.r_[np.zeros(len(owner_c), bool), np.ones(len(owner_k), bool)]
    n = len(owner_id)
    elsewhere = rng.random(n) < p.base_other_village_share
    other = pick(rng, groups(st.v_town, st.n_t), st.v_town[home])
    village = np.where(elsewhere & (other >= 0), other, home)
    unit = np.array([INDUSTRY[i].unit for i in industry], dtype=object)
    median = dict(p.base_scale_median)
    med = np.array([median[u] for u in unit], dtype=np.float64)
    raw = med * rng.lognormal(0.0, p.base_scale_sigma, n) * np.where(company, p.company_scale_factor, 1.0)
    planted = rng.uniform(*p.planted_share, n)
    turn_lo, turn_hi = _turnover(st, industry)
    turnover = turn_lo + (turn_hi - turn_lo) * rng.random(n)
    scale, planned, output = _sizes(st, unit, raw, planted, turnover, ~np.isnan(turn_lo))
    shorts = st.div.villages["short"].to_numpy(dtype=object)
    stem_names = [f"{shorts[v]}{INDUSTRY[i].name}{INDUSTRY[i].base_word}" for v, i in
                  zip(village, industry, strict=True)]
    dup = pd.Series(stem_names).groupby(stem_names, sort=False).cumcount().to_numpy()
    names = [s if k == 0 else f"{s}（{k + 1}）" for s, k in zip(stem_names, dup, strict=True)]
    st.tables["bases"] = pd.DataFrame({
        "id": ids("BS", st.county, n, 5), "name": np.array(names, dtype=object), "owner_id": owner_id,
        "village_code": st.v_code[village], "dam_area_id": "", "industry": industry, "scale": scale, "unit": unit,
        "planned_scale": pd.array(planned, dtype="Int64"), "annual_output": pd.array(output, dtype="Int64")})
    st.b_village = village.astype(np.int64)
    st.b_unit = unit
    st.b_owner_c = np.r_[owner_c, np.full(len(owner_k), -1)].astype(np.int64)
    st.b_owner_k = np.r_[np.full(len(owner_c), -1), owner_k].astype(np.int64)


def _turnover(st: CountyState, industry: ObjArray) -> tuple[FloatArray, FloatArray]:
    """Per base, the profile's range of head marketed a year per head standing (NaN: no yearly output)."""
    ranges = {code: (lo, hi) for code, lo, hi in st.profile.turnover}
    lo = np.array([ranges.get(i, (np.nan, np.nan))[0] for i in industry], dtype=np.float64)
    hi = np.array([ranges.get(i, (np.nan, np.nan))[1] for i in industry], dtype=np.float64)
    return lo, hi


def _sizes(st: CountyState, unit: ObjArray, raw: FloatArray, planted: FloatArray, turnover: FloatArray,
           yearly: BoolArray) -> tuple[IntArray, Any, Any]:
    """(scale, planned_scale, annual_output) of every base; planned and output are NA where not recorded.

    Planting bases (mu): ``raw`` is the planned area, scaled to the targeted planned total; a share of it
    stands planted.  Bases with a turnover (pigs, cattle): ``raw`` × turnover is the yearly output, scaled
    to the targeted output total; the standing head is output / turnover.  Other units: ``raw`` is what
    stands, scaled to the targeted total.
    """
    t = st.targets
    scale = np.maximum(1, np.rint(raw)).astype(np.int64)
    planned = np.full(len(raw), pd.NA, dtype=object)
    output = np.full(len(raw), pd.NA, dtype=object)
    totals = {"scale": dict(t.scale_totals), "planned": dict(t.planned_totals), "output": dict(t.output_totals)}
    for kind, by_unit in totals.items():
        for u in by_unit:
            if not (unit == u).any():
                raise SampleError(f"no base of unit {u!r} to carry the published {kind} total {by_unit[u]}")
    mu = unit == _MU
    if mu.any():
        plan = exact_total(raw[mu], totals["planned"][_MU]) if _MU in totals["planned"] else \
            np.maximum(1, np.rint(raw[mu])).astype(np.int64)
        planned[mu] = plan
        scale[mu] = np.maximum(1, np.rint(plan * planted[mu])).astype(np.int64)
    for u, total in totals["scale"].items():
        sel = unit == u
        scale[sel] = exact_total(raw[sel], total)
    for u in np.unique(unit[yearly]):
        sel = yearly & (unit == u)
        if u in totals["output"]:
            if (sel != (unit == u)).any():
                raise SampleError(f"the bases of unit {u!r} do not all have a yearly output (profile turnover)")
            out = exact_total(raw[sel] * turnover[sel], totals["output"][u])
            scale[sel] = np.maximum(1, np.rint(out / turnover[sel])).astype(np.int64)
        else:
            out = np.maximum(1, np.rint(scale[sel] * turnover[sel])).astype(np.int64)
        output[sel] = out
    for u in totals["output"]:
        if not (yearly & (unit == u)).any():
            raise SampleError(f"no base of unit {u!r} has a yearly output (profile turnover) for the published total")
    return scale, planned, output


def draw_dam_areas(st: CountyState, rng: np.random.Generator) -> None:
    """Dam areas with bases, allocated to towns in proportion to their planting bases (each gets one of
    them, and each other planting base of a town with d dam areas lies in one with p = 1 − (1 − s)^d),
    and dam areas without bases in rural towns; sized from the planned mu of their bases."""
    p, t = st.profile, st.targets
    bases = st.tables["bases"]
    mu = np.flatnonzero(st.b_unit == _MU)
    b_town = st.v_town[st.b_village]
    mu_per_town = np.bincount(b_town[mu], minlength=st.n_t)
    n_with = t.dam_areas_with_bases if t.dam_areas_with_bases is not None else \
        round(p.dam_areas_per_town * int((mu_per_town > 0).sum()))
    n_without = t.dam_areas - n_with if t.dam_areas is not None else p.dam_areas_without_bases
    if n_with > len(mu):
        raise SampleError(f"{n_with} dam areas with bases need as many planting bases (have {len(mu)})")
    if n_without < 0:
        raise SampleError(f"{t.dam_areas} dam areas cannot hold the {n_with} dam areas with bases")
    towns = st.div.towns
    subdistrict = (towns["kind"] == TownKind.subdistrict).to_numpy()
    rural_w = np.where(subdistrict, 0.3, 1.0)  # few dam areas in subdistricts
    per_town = bounded_allocation(n_with, mu_per_town * rural_w, 0, mu_per_town) if n_with else \
        np.zeros(st.n_t, np.int64)
    rural = np.flatnonzero(~subdistrict)
    extra_per_town = np.bincount(rng.choice(rural if len(rural) else np.arange(st.n_t), size=n_without),
                                 minlength=st.n_t)
    rows: list[dict[str, Any]] = []
    dam = np.full(len(bases), -1, dtype=np.int64)  # row in ``rows`` of each base's dam area
    for town in range(st.n_t):
        _town_dam_areas(st, rng, town, int(per_town[town]), int(extra_per_town[town]), mu[b_town[mu] == town],
                        rows, dam)
    da_ids = ids("DA", st.county, len(rows), 3)
    mapped = np.where(dam >= 0, da_ids[np.maximum(dam, 0)], "").astype(object)
    bases["dam_area_id"] = mapped
    planned = pd.to_numeric(bases["planned_scale"]).fillna(0).to_numpy(dtype=np.float64)
    in_da = mapped != ""
    sums = pd.Series(planned[in_da]).groupby(mapped[in_da]).sum()
    area = np.zeros(len(rows), dtype=np.float64)
    for i, r in enumerate(rows):
        held = float(sums.get(da_ids[i], 0.0))
        area[i] = max(500.0, held * rng.uniform(1.1, 1.6)) if r["_active"] else 500.0 + float(
            rng.lognormal(np.log(600.0), 0.6))
    st.tables["dam_areas"] = pd.DataFrame({
        "id": da_ids, "name": [r["name"] for r in rows], "town_code": [r["town_code"] for r in rows],
        "area_mu": (np.ceil(area / 10) * 10).astype(np.int64)})


def _town_dam_areas(st: CountyState, rng: np.random.Generator, town: int, d: int, e: int, mu_in_town: IntArray,
                    rows: list[dict[str, Any]], dam: IntArray) -> None:
    """The d dam areas with bases and e without of one town; sets ``dam`` for the bases placed in them."""
    if not d and not e:
        return
    towns, stems = st.div.towns, st.div.villages["stem"].to_numpy(dtype=object)
    in_town = rng.permutation(mu_in_town)
    first = len(rows)
    names_used: dict[str, int] = {}
    for j in range(d + e):
        anchor = int(st.b_village[in_town[j]]) if j < d else int(rng.choice(np.flatnonzero(st.v_town == town)))
        base_name = f"{towns['name'][town]}{stems[anchor]}坝区"
        k = names_used.get(base_name, 0)
        names_used[base_name] = k + 1
        rows.append({"name": base_name if k == 0 else f"{towns['name'][town]}{stems[anchor]}{k + 1}号坝区",
                     "town_code": towns["code"][town], "_active": j < d})
    if not d:
        return
    assign = np.full(len(in_town), -1, dtype=np.int64)
    assign[:d] = np.arange(d)
    rest = rng.random(len(in_town) - d) < 1.0 - (1.0 - st.profile.dam_area_base_share) ** d
    assign[d:] = np.where(rest, rng.integers(0, d, len(in_town) - d), -1)
    placed = assign >= 0
    dam[in_town[placed]] = first + assign[placed]
