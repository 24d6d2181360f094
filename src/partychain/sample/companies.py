"""Agribusiness companies (公司) and their branches (企业党支部, under the town committee)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from partychain.graph_model.enums import BranchKind, OrgLevel

from .industries import INDUSTRY, industry_weights
from .state import CountyState, ids

__all__ = ["draw_companies"]

_FIRST = "梵苗武黔盛润惠鑫禾瑞"
_SECOND = "山乡绿农华康益泰丰源"


def draw_companies(st: CountyState, rng: np.random.Generator) -> None:
    """Companies in villages (communities three times as likely), an industry from the county weights, and
    a company branch for a share of them (at least one)."""
    p = st.profile
    n = int(rng.integers(p.companies[0], p.companies[1] + 1))
    w = np.where(st.v_comm, 3.0, 1.0)
    village = rng.choice(st.n_v, size=n, p=w / w.sum())
    codes, iw = industry_weights(p)
    industry = np.array(codes, dtype=object)[rng.choice(len(codes), size=n, p=iw)]
    n_brands = len(_FIRST) * len(_SECOND)
    brand_idx = rng.choice(n_brands, size=n, replace=n > n_brands)
    cs = st.div.short_name
    names = []
    for b, ind in zip(brand_idx, industry, strict=True):
        spec = INDUSTRY[ind]
        brand = _FIRST[b // len(_SECOND)] + _SECOND[b % len(_SECOND)]
        names.append(f"{cs}{brand}{spec.company_word or spec.name + '开发'}有限公司")
    has_branch = rng.random(n) < p.company_branch_share
    if n and not has_branch.any():
        has_branch[0] = True
    st.k_village, st.k_industry = village, industry
    st.k_id = ids("CP", st.county, n, 3)
    st.k_branch = np.full(n, "", dtype=object)
    for i in np.flatnonzero(has_branch):
        bid = f"BR-{st.county}-{st.next_branch:04d}"
        st.next_branch += 1
        st.k_branch[i] = bid
        st.k_branch_row[int(i)] = st.add_org(
            id=bid, name=f"{names[i]}党支部", level=OrgLevel.branch.value, kind=BranchKind.company.value,
            parent_id=str(st.tc_id[st.v_town[village[i]]]), seat_code=st.v_code[village[i]])
    st.tables["companies"] = pd.DataFrame({"id": st.k_id, "name": np.array(names, dtype=object),
                                           "village_code": st.v_code[village], "run_by": st.k_branch,
                                           "industry": industry})
