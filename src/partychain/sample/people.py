"""Synthetic people: Chinese names, resident ID numbers and phone numbers.

Everything here is made up and built so that it can never be a real person's data:

* ID numbers follow the layout of GB 11643-1999 (6-digit region, 8-digit birth date,
  3-digit sequence whose parity is the gender, one ISO 7064 MOD 11-2 check character) but
  use the region code ``999999``, which no region has.
* Phone numbers have 11 digits and start with ``100``, a prefix no mobile network uses.

All draws are vectorised over numpy arrays and take an explicit ``numpy.random.Generator``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

__all__ = [
    "FAKE_REGION",
    "check_character",
    "check_characters",
    "draw_birth_dates",
    "draw_id_numbers",
    "draw_names",
    "draw_phones",
    "is_valid_id_number",
]

FAKE_REGION = "999999"
PHONE_PREFIX = "100"

# surnames, weighted towards the Miao, Tujia and Han families common in Songtao
_SURNAMES: dict[str, float] = {
    "龙": 10, "吴": 9, "杨": 8, "石": 7, "麻": 5, "田": 5, "张": 4, "王": 4, "李": 4, "刘": 3,
    "陈": 3, "滕": 3, "彭": 3, "向": 2, "姚": 2, "罗": 2, "黄": 2, "欧": 1.5, "隆": 1.5, "代": 1.5,
    "周": 1.5, "胡": 1.5, "唐": 1.5, "冉": 1, "金": 1, "白": 1, "谭": 1, "舒": 1, "熊": 1, "秦": 1,
    "蒋": 1, "徐": 1, "邓": 1, "杜": 0.8, "任": 0.8,
}
_GIVEN_MALE = list("国建明军华平勇强文成林海波伟峰永光德福贵忠富兴志红刚云发学昌胜祥龙生清坤江鹏飞辉")
_GIVEN_FEMALE = list("英芳兰秀梅霞珍丽娟桂花艳玲凤琴燕萍红春翠敏莲菊雪云慧婷娥美香")
_TWO_CHAR_SHARE = 0.65

_ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
_CHECK = np.array(list("10X98765432"))

StrArray = npt.NDArray[np.str_]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]


def draw_names(rng: np.random.Generator, male: BoolArray) -> StrArray:
    """A full name (surname plus one or two given-name characters) per person.

    Given-name characters come from a male or a female list according to ``male``.
    """
    n = len(male)
    names = np.array(list(_SURNAMES))
    p = np.array(list(_SURNAMES.values()), dtype=float)
    surname = names[rng.choice(len(names), size=n, p=p / p.sum())]
    gm, gf = np.array(_GIVEN_MALE), np.array(_GIVEN_FEMALE)
    first = np.where(male, gm[rng.integers(0, len(gm), n)], gf[rng.integers(0, len(gf), n)])
    second = np.where(male, gm[rng.integers(0, len(gm), n)], gf[rng.integers(0, len(gf), n)])
    two = rng.random(n) < _TWO_CHAR_SHARE
    given = np.where(two, np.char.add(first, second), first)
    return np.char.add(surname, given)


def draw_birth_dates(rng: np.random.Generator, birth_years: IntArray) -> IntArray:
    """A uniformly drawn day of each birth year, as the integer ``YYYYMMDD``."""
    years = np.asarray(birth_years, dtype=np.int64)
    start = (years - 1970).astype("datetime64[Y]").astype("datetime64[D]")
    leap = ((years % 4 == 0) & (years % 100 != 0)) | (years % 400 == 0)
    offset = np.floor(rng.random(len(years)) * np.where(leap, 366, 365)).astype(np.int64)
    days = start + offset.astype("timedelta64[D]")
    month = days.astype("datetime64[M]").astype(np.int64) % 12 + 1
    day = (days - days.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64) + 1
    dates: IntArray = years * 10_000 + month * 100 + day
    return dates


def check_characters(first17: StrArray) -> StrArray:
    """The ISO 7064 MOD 11-2 check character (GB 11643) of each 17-digit string."""
    arr = np.asarray(first17, dtype="S17")
    if arr.size == 0:
        return np.array([], dtype="<U1")
    digits = np.frombuffer(arr.tobytes(), dtype=np.uint8).reshape(-1, 17).astype(np.int64) - ord("0")
    if (digits < 0).any() or (digits > 9).any():
        raise ValueError("the first 17 characters of an ID number must be digits")
    checks: StrArray = _CHECK[(digits @ _ID_WEIGHTS) % 11]
    return checks


def check_character(first17: str) -> str:
    """The check character of one 17-digit string (``X`` stands for 10).

    >>> check_character("11010519491231002")
    'X'
    """
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError(f"expected 17 digits, got {first17!r}")
    return str(check_characters(np.array([first17]))[0])


def is_valid_id_number(value: str) -> bool:
    """True when ``value`` has 17 digits and the right check character.

    >>> is_valid_id_number("11010519491231002X"), is_valid_id_number("110105194912310021")
    (True, False)
    """
    return (len(value) == 18 and value[:17].isdigit()
            and check_character(value[:17]) == value[17].upper())


def _unique(draw: Callable[[IntArray], IntArray], n: int) -> IntArray:
    """``n`` integers where ``draw(positions)`` makes the values at ``positions``; repeats are redrawn."""
    values = draw(np.arange(n, dtype=np.int64))
    for _ in range(100):
        _, first = np.unique(values, return_index=True)
        dup = np.ones(n, dtype=bool)
        dup[first] = False
        if not dup.any():
            return values
        idx = np.flatnonzero(dup).astype(np.int64)
        values[idx] = draw(idx)
    raise RuntimeError("could not draw unique values")  # pragma: no cover - the space is far larger than n


def draw_id_numbers(rng: np.random.Generator, birth_years: IntArray, male: BoolArray, *,
                    region: str = FAKE_REGION) -> StrArray:
    """Unique synthetic 18-character ID numbers in the non-existent region ``999999``.

    Layout: region ``999999``, birth date ``YYYYMMDD`` (a random day of the birth year),
    a 3-digit sequence that is odd for men and even for women, and the check character.
    ``region`` replaces ``999999`` (six digits; a province-wide sample gives each county its
    own non-existent region ``99`` + the county code's last four digits, so numbers drawn
    unique within a county are unique across the province).
    """
    if len(region) != 6 or not region.isdigit():
        raise ValueError(f"a region code has six digits, got {region!r}")
    n = len(birth_years)
    parity = np.asarray(male, dtype=np.int64)
    dates = draw_birth_dates(rng, np.asarray(birth_years, dtype=np.int64))

    def draw(idx: IntArray) -> IntArray:
        seq: IntArray = dates[idx] * 1000 + rng.integers(0, 500, len(idx)) * 2 + parity[idx]
        return seq

    first17 = np.char.add(region, _unique(draw, n).astype(str))
    return np.char.add(first17, check_characters(first17))


def draw_phones(rng: np.random.Generator, n: int) -> StrArray:
    """Unique 11-digit phone numbers starting with ``100`` (a prefix no mobile network uses)."""

    def draw(idx: IntArray) -> IntArray:
        return rng.integers(0, 100_000_000, len(idx))

    return np.char.add(PHONE_PREFIX, np.char.zfill(_unique(draw, n).astype(str), 8))
