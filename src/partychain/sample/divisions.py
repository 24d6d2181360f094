"""Real divisions: one county's towns and villages from the packaged NBS division file, with the
kinds and short names the sample derives from their official names."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib.resources import files

import numpy as np
import pandas as pd

from partychain.graph_model.enums import DivisionLevel, TownKind, VillageKind

from .profile import SampleError

__all__ = ["CountyDivisions", "county_divisions", "county_short_name", "divisions_frame", "load_divisions",
           "town_kind", "village_kind"]


@functools.cache
def load_divisions() -> pd.DataFrame:
    """All divisions of Guizhou (package data; NBS codes as of 2022-10-31), as strings."""
    path = files("partychain.sample.data").joinpath("guizhou_divisions.csv")
    with path.open("rb") as f:
        frame = pd.read_csv(f, dtype=str, keep_default_na=False, encoding="utf-8")
    return frame


@dataclass(frozen=True)
class CountyDivisions:
    """One county's division rows with derived names and kinds.

    ``towns``: code, name, kind. ``villages``: code, name, town (index into ``towns``),
    kind, short (白岩村 / 白岩社区), stem (白岩); both sorted by code.
    """

    code: str
    name: str
    parent_code: str
    towns: pd.DataFrame
    villages: pd.DataFrame

    @property
    def short_name(self) -> str:
        """The county name without its suffix (松桃苗族自治县 → 松桃)."""
        return county_short_name(self.name)


_ETHNIC = ("仡佬族", "布依族", "土家族", "苗族", "侗族", "水族", "彝族", "回族", "瑶族", "壮族")
_VILLAGE_SUFFIXES = (("社区居民委员会", "社区"), ("居民委员会", "社区"), ("居民委会员", "社区"),
                     ("村民委员会", "村"), ("村民委会员", "村"), ("村村委员会", "村"), ("村委会", "村"),
                     ("居委会", "社区"))


def county_short_name(name: str) -> str:
    """松桃苗族自治县 → 松桃; 道真仡佬族苗族自治县 → 道真; 湄潭县 → 湄潭."""
    cut = [name.find(e) for e in _ETHNIC if e in name]
    if cut and "自治" in name:
        return name[: min(cut)]
    for suffix in ("特区", "县", "市", "区"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def village_kind(name: str) -> str:
    """``community`` for urban communities (社区, 居委会, 居民委员会), else ``village``."""
    urban = name.endswith(("社区", "居委会", "居民委员会")) or "社区居" in name
    return VillageKind.community.value if urban else VillageKind.village.value


def town_kind(name: str) -> str:
    """``subdistrict`` (街道), ``township`` (乡) or ``town`` (镇 and anything else)."""
    if name.endswith("街道"):
        return TownKind.subdistrict.value
    if name.endswith("乡"):
        return TownKind.township.value
    return TownKind.town.value


def _village_short(name: str) -> str:
    for suffix, rep in _VILLAGE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            stem = name[: -len(suffix)]
            return stem if stem.endswith(rep) else stem + rep
    return name


def _stem(short: str) -> str:
    for suffix in ("社区", "村"):
        if short.endswith(suffix) and len(short) > len(suffix):
            return short[: -len(suffix)]
    return short


def county_divisions(code: str, divisions: pd.DataFrame | None = None) -> CountyDivisions:
    """The division rows of county ``code`` (from the packaged Guizhou file by default)."""
    frame = load_divisions() if divisions is None else divisions
    county = frame[(frame["code"] == code) & (frame["level"] == DivisionLevel.county)]
    if len(county) != 1:
        raise SampleError(f"no county with code {code!r} in the divisions")
    towns = frame[(frame["level"] == DivisionLevel.town) & (frame["parent_code"] == code)].sort_values("code")
    towns = towns[["code", "name"]].reset_index(drop=True)
    towns["kind"] = towns["name"].map(town_kind)
    town_index = pd.Series(np.arange(len(towns)), index=towns["code"])
    vil = frame[(frame["level"] == DivisionLevel.village) & frame["parent_code"].isin(towns["code"])]
    vil = vil.sort_values("code")
    villages = pd.DataFrame({
        "code": vil["code"].to_numpy(), "name": vil["name"].to_numpy(),
        "town": town_index.reindex(vil["parent_code"]).to_numpy(dtype=np.int64),
    })
    villages["kind"] = villages["name"].map(village_kind)
    villages["short"] = villages["name"].map(_village_short)
    villages["stem"] = villages["short"].map(_stem)
    if not len(villages):
        raise SampleError(f"county {code!r} has no villages in the divisions")
    row = county.iloc[0]
    return CountyDivisions(code=code, name=str(row["name"]), parent_code=str(row["parent_code"]),
                           towns=towns, villages=villages)


def divisions_frame(div: CountyDivisions) -> pd.DataFrame:
    """The ``divisions`` table of one county: the county, its towns and villages (real codes and names)."""
    towns, vil = div.towns, div.villages
    return pd.DataFrame({
        "code": [div.code, *towns["code"], *vil["code"]],
        "name": [div.name, *towns["name"], *vil["name"]],
        "level": [DivisionLevel.county.value] + [DivisionLevel.town.value] * len(towns)
        + [DivisionLevel.village.value] * len(vil),
        "parent_code": [div.parent_code, *[div.code] * len(towns), *towns["code"].to_numpy()[vil["town"]]],
        "kind": ["", *towns["kind"], *vil["kind"]],  # a county has no kind
    })
