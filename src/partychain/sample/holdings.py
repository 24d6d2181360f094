"""Village collectives' shares in cooperatives and companies (村集体持股), and company–cooperative
contracts (订单 / 收购)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from partychain.graph_model import TABLE_BY_NAME
from partychain.graph_model.enums import ContractKind, CooperativeKind

from .state import CountyState, groups, pick

__all__ = ["draw_contracts", "draw_shareholdings"]


def draw_shareholdings(st: CountyState, rng: np.random.Generator) -> None:
    """Demonstration cooperatives always have their village as shareholder; branch-run specialized and
    other cooperatives with a probability; a company with a branch 1–3 villages of its town, another
    company its village with a probability."""
    p = st.profile
    n_c = len(st.c_id)
    run_spec = (st.c_run != "") & ~st.c_demo & (st.c_kind == CooperativeKind.specialized)
    u = rng.random(n_c)
    holds = st.c_demo | (run_spec & (u < p.share_prob_branch_run_specialized)) | \
        (~st.c_demo & ~run_spec & (u < p.share_prob_other))
    pct = np.where(st.c_demo, rng.uniform(*p.share_pct_demo, n_c), rng.uniform(*p.share_pct_cooperative, n_c))
    rows_v: list[str] = list(st.v_code[st.c_village[holds]])
    rows_h: list[str] = list(st.c_id[holds])
    rows_p: list[float] = list(np.round(pct[holds], 1))
    town_index = groups(st.v_town, st.n_t)
    for k in range(len(st.k_id)):
        v = int(st.k_village[k])
        if st.k_branch[k]:
            others = pick(rng, town_index, np.full(int(rng.integers(1, 4)) - 1, st.v_town[v]))
            villages = list(dict.fromkeys([v, *[int(x) for x in others if x >= 0]]))
        elif rng.random() < p.share_prob_company:
            villages = [v]
        else:
            villages = []
        for x in villages:
            rows_v.append(st.v_code[x])
            rows_h.append(st.k_id[k])
            rows_p.append(round(float(rng.uniform(*p.share_pct_company)), 1))
    st.tables["shareholdings"] = pd.DataFrame({"village_code": np.array(rows_v, dtype=object),
                                               "holder_of": np.array(rows_h, dtype=object), "pct": rows_p})


def draw_contracts(st: CountyState, rng: np.random.Generator) -> None:
    """Each company contracts with 2–8 cooperatives: of its industry in its town first, then in the county,
    then any; order farming mostly, else purchase."""
    p = st.profile
    c_town = st.v_town[st.c_village]
    out: list[tuple[str, str, str, int]] = []
    lo, hi = p.contracts_per_company
    for k in range(len(st.k_id)):
        want = int(rng.integers(lo, hi + 1))
        t = st.v_town[st.k_village[k]]
        same_ind = st.c_industry == st.k_industry[k]
        tiers = [np.flatnonzero(same_ind & (c_town == t)), np.flatnonzero(same_ind & (c_town != t)),
                 np.flatnonzero(~same_ind)]
        chosen: list[int] = []
        for tier in tiers:
            if len(chosen) >= want:
                break
            chosen.extend(int(c) for c in rng.permutation(tier)[: want - len(chosen)])
        for c in sorted(chosen):
            kind = ContractKind.order if rng.random() < p.order_contract_share else ContractKind.purchase
            out.append((st.k_id[k], st.c_id[c], kind.value,
                        int(rng.integers(p.contract_years[0], p.contract_years[1] + 1))))
    st.tables["contracts"] = pd.DataFrame(out, columns=[c.name for c in TABLE_BY_NAME["contracts"].columns])
