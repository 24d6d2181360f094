"""Households (农户) and party members (党员) of each village: how many, who, and their attributes."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from partychain.graph_model.enums import Gender

from .people import draw_id_numbers, draw_names, draw_phones
from .state import CountyState, ids

log = logging.getLogger(__name__)

__all__ = ["draw_households", "draw_members"]


def draw_households(st: CountyState, rng: np.random.Generator) -> None:
    """Households per village (lognormal), their size, head, poverty registration and exit, phone."""
    p = st.profile
    n_h = np.maximum(p.households_min, np.rint(rng.lognormal(np.log(p.households_median), p.households_sigma,
                                                             st.n_v))).astype(np.int64)
    village = np.repeat(np.arange(st.n_v), n_h)
    n = len(village)
    share = rng.beta(p.poor_share * p.poor_share_concentration,
                     (1 - p.poor_share) * p.poor_share_concentration, st.n_v)
    poor = rng.random(n) < share[village]
    size = np.minimum(1 + rng.poisson(p.household_extra_persons, n), 12)
    male = rng.random(n) < p.head_male_share
    mean, sd, lo, hi = p.head_birth
    birth = np.clip(np.rint(rng.normal(mean, sd, n)), lo, hi).astype(np.int64)
    names = draw_names(rng, male)
    id_numbers = draw_id_numbers(rng, birth, male, region=st.id_region)
    ew = np.asarray(p.exit_weights, dtype=np.float64)
    exit_year = np.asarray(p.exit_years, dtype=np.int64)[rng.choice(len(ew), size=n, p=ew / ew.sum())]
    exited = poor & (rng.random(n) < p.poor_exited_share)
    has_phone = rng.random(n) < p.household_phone_share
    phones = draw_phones(rng, n)
    st.h_village, st.h_poor = village, poor
    st.h_id = ids("HH", st.county, n, 6)
    st.tables["households"] = pd.DataFrame({
        "id": st.h_id, "head_name": names.astype(object), "id_number": id_numbers.astype(object),
        "village_code": st.v_code[village], "size": size, "poor": poor,
        "poverty_exit_year": pd.Series(exit_year).where(exited).astype("Int64"),
        "phone": np.where(has_phone, phones, "").astype(object),
    })
    log.debug("county %s: %d households (%d poor)", st.county, n, int(poor.sum()))


def draw_members(st: CountyState, rng: np.random.Generator) -> None:
    """Members per village (a share of its households), gender, birth and joining years, phone."""
    p = st.profile
    n_h = np.bincount(st.h_village, minlength=st.n_v)
    ratio = rng.uniform(*p.members_per_household, st.n_v)
    n_m = np.clip(np.rint(n_h * ratio), *p.members_bounds).astype(np.int64)
    village = np.repeat(np.arange(st.n_v), n_m)
    n = len(village)
    male = rng.random(n) < p.member_male_share
    mean, sd, lo, hi = p.member_birth
    birth = np.clip(np.rint(rng.normal(mean, sd, n)), lo, hi).astype(np.int64)
    join_age = 18 + np.floor(rng.gamma(*p.join_age_gamma, n)).astype(np.int64)
    joined = np.minimum(birth + join_age, p.last_join_year)
    st.m_village = village
    st.m_id = ids("PM", st.county, n, 5)
    st.m_joined = joined
    st.m_org = np.zeros(n, dtype=object)  # filled once the village branches exist
    st.m_chair = np.zeros(n, dtype=bool)
    st.m_group = np.zeros(n, dtype=bool)
    st.m_base = np.zeros(n, dtype=bool)
    st.tables["members"] = pd.DataFrame({
        "id": st.m_id, "name": draw_names(rng, male).astype(object),
        "gender": np.where(male, Gender.male.value, Gender.female.value).astype(object),
        "birth_year": birth, "joined_year": joined, "village_code": st.v_code[village],
        "phone": draw_phones(rng, n).astype(object),
    })
