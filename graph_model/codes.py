"""Division codes: the statistical codes (NBS) that name every division and key every scope.

A code is all ASCII digits; its length gives its level (2 province, 4 prefecture, 6 county, 9 town,
12 village), and its parent is its prefix at the level above (a village's town is its first 9
digits).  A *scope* is a code of any level: things count in a scope when their village code starts
with it.

>>> level_of("520628101001"), parent_of("520628101001")
('village', '520628101')
>>> is_code("52062", levels=SCOPE_LEVELS)
False
"""

from __future__ import annotations

from types import MappingProxyType

CODE_LENGTHS = MappingProxyType({"province": 2, "prefecture": 4, "county": 6, "town": 9, "village": 12})
"""Digits of a division code per level."""
LEVEL_OF_LENGTH = MappingProxyType({n: level for level, n in CODE_LENGTHS.items()})
SCOPE_LEVELS: tuple[str, ...] = tuple(CODE_LENGTHS)
"""Levels a scope may be given at."""
LEDGER_LEVELS: tuple[str, ...] = ("county", "town", "village")
PARENT_LEVEL = MappingProxyType({lv: SCOPE_LEVELS[i - 1] for i, lv in enumerate(SCOPE_LEVELS) if i})
"""The level of the division a division of each level lies in (a county's is the prefecture)."""
"""Levels a ledger's ``divisions`` table holds (nodes ``County``, ``Town``, ``Village``)."""


def level_of(code: object) -> str | None:
    """The level of a division code, or ``None`` when it is not one.

    >>> level_of("520628"), level_of("5206281"), level_of(520628)
    ('county', None, None)
    """
    if not isinstance(code, str) or not code.isascii() or not code.isdigit():
        return None
    return LEVEL_OF_LENGTH.get(len(code))


def is_code(code: object, *, levels: tuple[str, ...] = SCOPE_LEVELS) -> bool:
    """Whether ``code`` is a division code of one of ``levels``."""
    return level_of(code) in levels


def parent_of(code: str) -> str | None:
    """The code of the enclosing division (``None`` for a province or a malformed code).

    >>> parent_of("520628101"), parent_of("52")
    ('520628', None)
    """
    level = level_of(code)
    if level is None:
        return None
    i = SCOPE_LEVELS.index(level)
    return code[:CODE_LENGTHS[SCOPE_LEVELS[i - 1]]] if i > 0 else None


def describe(levels: tuple[str, ...] = SCOPE_LEVELS) -> str:
    """Human words for the codes of ``levels`` (for error messages).

    >>> describe(("county", "town", "village"))
    'digits only, 6, 9 or 12 of them'
    """
    n = [str(CODE_LENGTHS[level]) for level in levels]
    return "digits only, " + (", ".join(n[:-1]) + " or " + n[-1] if len(n) > 1 else n[0]) + " of them"
