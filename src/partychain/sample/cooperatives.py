"""Cooperatives (合作社): how many per village, their industry (a town mix), kind, the 村社合一
demonstration points, and their names."""

from __future__ import annotations

import numpy as np
import pandas as pd

from partychain.graph_model.enums import CooperativeKind

from .industries import INDUSTRY, Industry, industry_weights
from .profile import SampleError
from .state import CountyState, IntArray, ids

__all__ = ["draw_cooperatives"]

_BRANDS = ("绿源", "丰收", "富民", "兴旺", "金穗", "惠农", "鑫源", "益农", "众诚", "同心", "聚富", "协力",
           "康达", "宏发", "顺达", "苗乡")
_SPECIALIZED, _FARMER = CooperativeKind.specialized.value, CooperativeKind.farmer.value


def _name(county_short: str, stem: str, brand: str, ind: Industry, kind: str) -> str:
    word = "农民专业合作社" if kind == _SPECIALIZED else "农民合作社"
    return f"{county_short}{stem}{brand}{ind.name}{ind.verb}{word}"


def draw_cooperatives(st: CountyState, rng: np.random.Generator) -> None:
    """Cooperatives per village: 1 + Poisson in villages, Poisson in urban communities; then the
    demonstration points among the first cooperatives of rural villages."""
    p = st.profile
    vil = st.div.villages
    n_c = np.where(st.v_comm, rng.poisson(p.cooperatives_community, st.n_v),
                   1 + rng.poisson(p.cooperatives_extra_village, st.n_v)).astype(np.int64)
    village = np.repeat(np.arange(st.n_v), n_c)
    n = len(village)
    codes, w = industry_weights(p)
    town_mix = rng.dirichlet(w * p.industry_concentration, st.n_t)
    cum = np.cumsum(town_mix, axis=1)
    u = rng.random(n)
    ind_idx = np.minimum((cum[st.v_town[village]] < u[:, None]).sum(axis=1), len(codes) - 1)
    industry = np.array(codes, dtype=object)[ind_idx]
    kind = np.where(rng.random(n) < p.specialized_share, _SPECIALIZED, _FARMER).astype(object)
    demo = _demo_points(st, rng, village)
    kind[demo] = _FARMER
    brands = np.array(_BRANDS, dtype=object)[rng.integers(0, len(_BRANDS), n)]
    cs = st.div.short_name
    stems = vil["stem"].to_numpy(dtype=object)
    shorts = vil["short"].to_numpy(dtype=object)
    names = [f"{cs}{shorts[v]}股份经济合作社" if d else _name(cs, stems[v], b, INDUSTRY[i], k)
             for v, b, i, k, d in zip(village, brands, industry, kind, demo, strict=True)]
    st.c_village, st.c_industry, st.c_kind, st.c_demo = village, industry, kind, demo
    st.c_id = ids("CO", st.county, n, 4)
    st.c_run = np.full(n, "", dtype=object)
    st.c_led = np.full(n, "", dtype=object)
    st.c_chair = np.full(n, -1, dtype=np.int64)
    st.tables["cooperatives"] = pd.DataFrame({"id": st.c_id, "name": np.array(names, dtype=object),
                                              "kind": kind, "village_code": st.v_code[village],
                                              "industry": industry, "demo_point": demo})


def _demo_points(st: CountyState, rng: np.random.Generator, village: IntArray) -> np.ndarray:
    """村社合一 demonstration points: the first cooperative of chosen villages (urban communities last)."""
    p, n = st.profile, len(village)
    first = np.flatnonzero(np.r_[True, village[1:] != village[:-1]]) if n else np.zeros(0, np.int64)
    n_demo = st.targets.demo_points if st.targets.demo_points is not None else round(p.demo_point_share * st.n_v)
    rural = first[~st.v_comm[village[first]]]
    urban = first[st.v_comm[village[first]]]
    if n_demo > len(first):
        raise SampleError(f"{n_demo} demonstration points need as many villages with a cooperative")
    chosen = rng.choice(rural, size=min(n_demo, len(rural)), replace=False)
    if n_demo > len(rural):
        chosen = np.concatenate([chosen, rng.choice(urban, size=n_demo - len(rural), replace=False)])
    demo = np.zeros(n, dtype=bool)
    demo[chosen] = True
    return demo
