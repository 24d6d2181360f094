"""Leadership chains of households: 党员带农户 ← 基地联党员 ← 合作社建基地 ← 支部办合作社 ← 联合党委."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from partychain.errors import NotFound
from partychain.storage.base import GraphStore

from .scopes import validate_id

CHAIN_COLUMNS = ("member_id", "base_id", "owner_id", "org_id", "general_branch_id", "joint_committee_id",
                 "town_committee_id")
"""The columns of a chain: the five links of the slogan (member, base, owner, the organization that runs or leads
the owner), then the organizations above that organization."""


def household_chains(store: GraphStore, household_id: str, *, live: bool = False) -> list[dict[str, Any]]:
    """The leadership chains of a household, one per distinct path (as the query ``list_household_chains``).

    Assembled from the chain links the load derived (:meth:`GraphStore.derived`); with ``live``, or on a
    store without a derived index, from the query ``list_household_chain_links``.

    Each chain is a dict of :data:`CHAIN_COLUMNS`, null from where it breaks; a chain is complete
    when ``org_id`` is set (household ← member ← base ← owner ← a branch that runs it or a joint
    committee that leads it).  A household no member drives has no chain (``[]``); an unknown
    household raises :class:`NotFound`.

    >>> from partychain.testing import mini_store
    >>> [list(c.values()) for c in household_chains(mini_store(), "HH-1")]
    [['PM-1', 'BS-1', 'CO-1', 'BR-2', 'GB-1', 'JC-1', 'TC-1']]
    >>> [list(c.values()) for c in household_chains(mini_store(), "HH-2")]  # its member is linked to no base
    [['PM-3', None, None, None, None, None, None]]
    >>> list(household_chains(mini_store(), "HH-3")[0].items())[3:]  # CO-2 is led by the joint committee
    [('org_id', 'JC-1'), ('general_branch_id', None), ('joint_committee_id', 'JC-1'), ('town_committee_id', 'TC-1')]
    >>> household_chains(mini_store(), "HH-4")  # no member drives it
    []
    """
    validate_id(household_id, "household_id")
    index = None if live else store.derived()
    links = (index.chain_links(household_id) if index is not None
             else store.named("list_household_chain_links", household_id=household_id).rows)
    if not links and not int(store.named("check_household", household_id=household_id).rows[0][0]):
        raise NotFound(f"no household {household_id!r}")
    rows = [dict(zip(CHAIN_COLUMNS, chain, strict=True)) for chain in assemble_chains(links)]
    return sorted(rows, key=lambda r: null_last(r.values()))


def assemble_chains(links: Iterable[Sequence[Any]]) -> set[tuple[Any, ...]]:
    """The rows of ``list_household_chains`` from the rows (hop, a, b) of ``list_household_chain_links``.

    The same left-join semantics as the one-query spelling: every member; each of its bases, or
    none; each base's owners; each owner's running or leading organizations, or none; for an
    organization, every general branch, joint committee and town committee above it, or none.

    >>> sorted(assemble_chains([("member", "PM-1", "HH-1"), ("base", "PM-1", "BS-1"), ("owner", "BS-1", "CO-1"),
    ...                         ("org", "CO-1", "JC-1"), ("joint_committee", "JC-1", "JC-1")]))
    [('PM-1', 'BS-1', 'CO-1', 'JC-1', None, 'JC-1', None)]
    """
    below: dict[tuple[str, Any], set[Any]] = {}
    members: list[Any] = []
    for hop, a, b in links:
        if hop == "member":
            members.append(a)
        else:
            below.setdefault((hop, a), set()).add(b)

    def each(hop: str, a: Any) -> list[Any]:
        return sorted(below.get((hop, a), ())) or [None] if a is not None else [None]

    out: set[tuple[Any, ...]] = set()
    for m in dict.fromkeys(members):
        for b in each("base", m):
            for o in each("owner", b):
                for r in each("org", o):
                    for g in each("general_branch", r):
                        for j in each("joint_committee", r):
                            for t in each("town_committee", r):
                                out.add((m, b, o, r, g, j, t))
    return out


def null_last(values: Iterable[Any]) -> tuple[tuple[bool, str], ...]:
    return tuple((v is None, "" if v is None else str(v)) for v in values)
