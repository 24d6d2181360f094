"""Integer allocation: splitting a total into integers that sum to it exactly.

The sample reproduces published totals exactly (600,000 mu planned, 300 branches ...): counts are
split with :func:`bounded_allocation`, sums with :func:`exact_total`, both built on the
largest-remainder (Hamilton) method.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from .profile import SampleError

IntArray = npt.NDArray[np.int64]

__all__ = ["bounded_allocation", "exact_total", "largest_remainder"]


def largest_remainder(weights: npt.ArrayLike, total: int) -> IntArray:
    """Non-negative integers proportional to ``weights`` that sum exactly to ``total``.

    Each share is rounded down; the units left go to the largest fractional parts (ties
    to the earlier position), the largest-remainder (Hamilton) method.

    >>> largest_remainder([1, 1, 1], 10).tolist()
    [4, 3, 3]
    """
    w = np.asarray(weights, dtype=np.float64)
    if total < 0 or (w < 0).any():
        raise ValueError("total and weights must be non-negative")
    if total == 0 or not len(w):
        if total:
            raise ValueError("cannot allocate to no positions")
        return np.zeros(len(w), dtype=np.int64)
    if w.sum() <= 0:
        raise ValueError("weights sum to zero")
    q = w / w.sum() * total
    base: IntArray = np.floor(q).astype(np.int64)
    frac = q - base
    rest = int(total - base.sum())
    idx = np.arange(len(q))
    if rest > 0:
        order = np.lexsort((idx, -frac))
        base[order[:rest]] += 1
    elif rest < 0:  # floating error pushed the floors over the total
        order = np.lexsort((idx, frac))
        order = order[base[order] > 0]
        base[order[:-rest]] -= 1
    return base


def bounded_allocation(total: int, weights: npt.ArrayLike, lo: int | npt.ArrayLike,
                       hi: int | npt.ArrayLike) -> IntArray:
    """Integers in ``[lo, hi]`` (per position) summing to ``total``, the part above ``lo``
    roughly proportional to ``weights``.

    >>> bounded_allocation(12, [1, 1, 10], 2, 5).tolist()
    [4, 3, 5]
    """
    w = np.asarray(weights, dtype=np.float64)
    n = len(w)
    low = np.broadcast_to(np.asarray(lo, dtype=np.int64), (n,)).copy()
    high = np.broadcast_to(np.asarray(hi, dtype=np.int64), (n,)).copy()
    if not low.sum() <= total <= high.sum():
        raise ValueError(f"cannot split {total} into {n} parts within the bounds")
    k = low
    extra = total - int(k.sum())
    while extra > 0:
        free = k < high
        fw = np.where(free, w, 0.0)
        if fw.sum() <= 0:
            fw = free.astype(np.float64)
        k = k + largest_remainder(fw, extra)
        over = np.maximum(k - high, 0)
        k = k - over
        extra = int(over.sum())
    return k


def exact_total(raw: npt.ArrayLike, total: int) -> IntArray:
    """Positive integers proportional to ``raw`` that sum exactly to ``total`` (each at least 1).

    >>> exact_total([1.0, 3.0], 10).tolist()
    [3, 7]
    """
    r = np.asarray(raw, dtype=np.float64)
    if total < len(r):
        raise SampleError(f"cannot split {total} into {len(r)} positive parts")
    return 1 + largest_remainder(r, total - len(r))
