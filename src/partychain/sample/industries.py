"""The industries of the sample: their units, the words that name their cooperatives, bases and
companies, and a profile's industry weights."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from partychain.graph_model.enums import Unit

from .profile import CountyProfile, SampleError

__all__ = ["INDUSTRIES", "INDUSTRY", "Industry", "industries_frame", "industry_weights"]


@dataclass(frozen=True, slots=True)
class Industry:
    """An industry of the sample and the words used to name its cooperatives, bases and companies."""

    code: str
    name: str
    unit: str
    verb: str  # 种植 / 养殖, used in cooperative names
    base_word: str  # used in base names
    company_word: str  # used in company names ("" = the industry name + 开发)


INDUSTRIES: tuple[Industry, ...] = (
    Industry("tea", "茶叶", Unit.mu.value, "种植", "种植基地", ""),
    Industry("vegetables", "蔬菜", Unit.mu.value, "种植", "种植基地", ""),
    Industry("fruit", "精品水果", Unit.mu.value, "种植", "种植基地", ""),
    Industry("chinese_herbs", "中药材", Unit.mu.value, "种植", "种植基地", ""),
    Industry("edible_fungi", "食用菌", Unit.stick.value, "种植", "生产基地", "菌业"),
    Industry("poultry", "生态家禽", Unit.bird.value, "养殖", "养殖基地", "禽业"),
    Industry("pigs", "生猪", Unit.head.value, "养殖", "养殖场", "牧业"),
    Industry("cattle", "牛", Unit.head.value, "养殖", "养殖场", "牧业"),
)
INDUSTRY: dict[str, Industry] = {i.code: i for i in INDUSTRIES}
"""Industry code → industry."""


def industries_frame(codes: Iterable[str] | None = None) -> pd.DataFrame:
    """The ``industries`` table (all industries of the sample, or those in ``codes``).

    >>> industries_frame(["tea", "pigs"]).to_dict("records")
    [{'code': 'tea', 'name': '茶叶', 'unit': 'mu'}, {'code': 'pigs', 'name': '生猪', 'unit': 'head'}]
    """
    keep = [i for i in INDUSTRIES if codes is None or i.code in set(codes)]
    return pd.DataFrame({"code": [i.code for i in keep], "name": [i.name for i in keep],
                         "unit": [i.unit for i in keep]})


def industry_weights(profile: CountyProfile) -> tuple[list[str], npt.NDArray[np.float64]]:
    """The industries a profile weights positively and their normalised weights."""
    codes = [c for c, w in profile.industry_weights if w > 0]
    w = np.array([w for _, w in profile.industry_weights if w > 0], dtype=np.float64)
    if not codes:
        raise SampleError("the profile gives no industry a positive weight")
    unknown = set(codes) - set(INDUSTRY)
    if unknown:
        raise SampleError(f"unknown industries in the profile: {sorted(unknown)}")
    return codes, w / w.sum()
