"""What the generation steps of one county share: the draws so far (:class:`CountyState`, arrays indexed
by row position) and the small array helpers the steps use."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd

from partychain.graph_model import TABLE_BY_NAME

from .divisions import CountyDivisions
from .people import FAKE_REGION
from .profile import CountyProfile, CountyTargets

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
ObjArray = npt.NDArray[np.object_]
Index = tuple[IntArray, IntArray, IntArray]

ORG_COLUMNS: tuple[str, ...] = tuple(c.name for c in TABLE_BY_NAME["party_orgs"].columns)


def _ints() -> IntArray:
    return np.zeros(0, np.int64)


def _bools() -> BoolArray:
    return np.zeros(0, bool)


def _objs() -> ObjArray:
    return np.zeros(0, object)


@dataclass
class CountyState:
    """Everything drawn so far for one county (arrays indexed by row position)."""

    div: CountyDivisions
    profile: CountyProfile
    targets: CountyTargets
    n_v: int
    n_t: int
    v_code: ObjArray
    v_town: IntArray
    v_comm: BoolArray
    id_region: str = FAKE_REGION  # region code of synthetic ID numbers
    # households
    h_village: IntArray = field(default_factory=_ints)
    h_poor: BoolArray = field(default_factory=_bools)
    h_id: ObjArray = field(default_factory=_objs)
    # members
    m_village: IntArray = field(default_factory=_ints)
    m_id: ObjArray = field(default_factory=_objs)
    m_org: ObjArray = field(default_factory=_objs)
    m_joined: IntArray = field(default_factory=_ints)
    m_chair: BoolArray = field(default_factory=_bools)
    m_group: BoolArray = field(default_factory=_bools)
    m_base: BoolArray = field(default_factory=_bools)
    # cooperatives
    c_village: IntArray = field(default_factory=_ints)
    c_industry: ObjArray = field(default_factory=_objs)
    c_kind: ObjArray = field(default_factory=_objs)
    c_demo: BoolArray = field(default_factory=_bools)
    c_id: ObjArray = field(default_factory=_objs)
    c_run: ObjArray = field(default_factory=_objs)
    c_led: ObjArray = field(default_factory=_objs)
    c_chair: IntArray = field(default_factory=_ints)
    # organizations: rows of party_orgs; structures kept for later steps
    orgs: list[dict[str, str]] = field(default_factory=list)
    cc_id: str = ""  # the county committee
    tc_id: ObjArray = field(default_factory=_objs)  # town committee per town
    vb_id: ObjArray = field(default_factory=_objs)  # village branch per village
    cj_coops: list[IntArray] = field(default_factory=list)  # cooperatives per cooperative joint branch
    cj_row: list[int] = field(default_factory=list)  # row in orgs per cooperative joint branch
    next_branch: int = 1
    # companies
    k_village: IntArray = field(default_factory=_ints)
    k_industry: ObjArray = field(default_factory=_objs)
    k_id: ObjArray = field(default_factory=_objs)
    k_branch: ObjArray = field(default_factory=_objs)
    k_branch_row: dict[int, int] = field(default_factory=dict)
    k_secretary: IntArray = field(default_factory=_ints)
    # bases
    b_village: IntArray = field(default_factory=_ints)
    b_unit: ObjArray = field(default_factory=_objs)
    b_owner_c: IntArray = field(default_factory=_ints)  # cooperative owner or -1
    b_owner_k: IntArray = field(default_factory=_ints)  # company owner or -1
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def county(self) -> str:
        return self.div.code

    def add_org(self, **row: str) -> int:
        """Append a ``party_orgs`` row (missing columns empty); its position in :attr:`orgs`."""
        self.orgs.append({c: row.get(c, "") for c in ORG_COLUMNS})
        return len(self.orgs) - 1


def ids(prefix: str, county: str, n: int, width: int, start: int = 1) -> ObjArray:
    """``n`` ids ``PREFIX-COUNTY-0001`` … numbered from ``start``.

    >>> ids("HH", "520628", 2, 6).tolist()
    ['HH-520628-000001', 'HH-520628-000002']
    """
    nums = np.char.zfill(np.arange(start, start + n).astype(str), width)
    return np.char.add(f"{prefix}-{county}-", nums).astype(object)


def groups(keys: IntArray, n_groups: int) -> Index:
    """CSR index of ``keys``: (positions sorted by key, start per key, count per key)."""
    order = np.argsort(keys, kind="stable").astype(np.int64)
    counts = np.bincount(keys, minlength=n_groups).astype(np.int64)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    return order, starts, counts


def members_of(index: Index, g: int) -> IntArray:
    """The positions in group ``g`` of a :func:`groups` index."""
    order, starts, counts = index
    return order[starts[g]:starts[g] + counts[g]]


def pick(rng: np.random.Generator, index: Index, wanted: IntArray) -> IntArray:
    """One random element of each requested group (``-1`` where the group is empty)."""
    order, starts, counts = index
    c = counts[wanted]
    r = np.minimum((rng.random(len(wanted)) * c).astype(np.int64), np.maximum(c - 1, 0))
    pos = starts[wanted] + r
    safe = np.minimum(pos, max(len(order) - 1, 0))
    return np.where(c > 0, order[safe] if len(order) else -1, -1).astype(np.int64)


def ordinal(k: int) -> str:
    """'' for the first, 第二 … for later ones (names of several organizations in one village).

    >>> ordinal(0), ordinal(1), ordinal(12)
    ('', '第二', '第13')
    """
    numerals = "一二三四五六七八九十"
    return "" if k == 0 else f"第{numerals[k] if k < 10 else k + 1}"


def join(codes: Iterable[str]) -> str:
    """A ``;``-list cell."""
    return ";".join(codes)


class MemberPool:
    """Members of each village in a random order; :meth:`take` hands out the next ones not yet placed."""

    def __init__(self, rng: np.random.Generator, village_of: IntArray, n_villages: int) -> None:
        perm = rng.permutation(len(village_of))
        self.order = perm[np.argsort(village_of[perm], kind="stable")]
        self.counts = np.bincount(village_of, minlength=n_villages)
        self.starts = np.concatenate([[0], np.cumsum(self.counts)[:-1]])
        self.used = np.zeros(n_villages, dtype=np.int64)

    def take(self, v: int, k: int) -> list[int]:
        """Up to ``k`` members of village ``v`` not handed out before."""
        k = max(0, min(k, int(self.counts[v] - self.used[v])))
        s = int(self.starts[v] + self.used[v])
        self.used[v] += k
        return [int(x) for x in self.order[s:s + k]]
