"""Party organizations: profiles, trees, and everything downstream of one."""

from __future__ import annotations

from typing import Any

from partychain import cypher
from partychain.errors import InvalidArgument, NotFound
from partychain.storage.base import GraphStore

from .pages import page
from .scopes import one, validate_id

ORG_DOWNSTREAM_ENTITIES: tuple[str, ...] = ("units", "bases", "members", "households")
"""What :func:`org_downstream_items` lists; each is the named query ``list_org_downstream_<entity>``."""


def downstream_record_labels(entity: str) -> tuple[str, ...]:
    """The node labels of the records of a downstream ``entity``, as its query ``list_org_downstream_<entity>``
    declares them (its ``records:`` header line); their ``id`` is the key of one of them.

    >>> downstream_record_labels("units"), downstream_record_labels("households")
    (('Cooperative', 'Company'), ('Household',))
    """
    if entity not in ORG_DOWNSTREAM_ENTITIES:
        raise InvalidArgument(f"unknown entity {entity!r}; expected one of {', '.join(ORG_DOWNSTREAM_ENTITIES)}")
    return cypher.get(f"list_org_downstream_{entity}").records


def org(store: GraphStore, org_id: str) -> dict[str, Any]:
    """A party organization's profile (query ``get_org``); :class:`NotFound` for an unknown id.

    >>> from partychain.testing import mini_store
    >>> o = org(mini_store(), "JC-1")
    >>> o["level"], o["kind"], o["seat_name"], o["covers"], o["children"], o["units"]
    ('joint_committee', 'joint_village', '盘石镇', ['520628101001', '520628101002'], 1, ['CO-2'])
    """
    validate_id(org_id, "org_id")
    rec = one(store, "get_org", f"no party organization {org_id!r}", org_id=org_id)
    rec["covers"] = sorted(rec["covers"] or [])
    rec["units"] = sorted(rec["units"] or [])
    return rec


def org_downstream(store: GraphStore, org_id: str, *, live: bool = False) -> dict[str, Any]:
    """Everything downstream of a party organization, counted: the counts the load derived
    (:meth:`GraphStore.derived`); with ``live``, or on a store without a derived index, the query
    ``count_org_downstream`` (the reference: the parity tests compare both).

    ``{"id": org_id, "counts": {"orgs", "cooperatives", "companies", "bases", "members",
    "households", "poor_households"}}``: organizations under it; cooperatives and companies
    it or those run (RUNS) or lead (LEADS); the bases those build; the members those bases
    link; the households those members drive.  The lists behind the counts are paged by
    :func:`org_downstream_items`.

    >>> from partychain.testing import mini_store
    >>> org_downstream(mini_store(), "JC-1")["counts"]
    {'orgs': 4, 'cooperatives': 2, 'companies': 0, 'bases': 2, 'members': 2, 'households': 2, 'poor_households': 2}
    """
    validate_id(org_id, "org_id")
    index = None if live else store.derived()
    if index is not None:
        counts = index.org_counts(org_id)
        if counts is None:
            raise NotFound(f"no party organization {org_id!r}")
        return {"id": org_id, "counts": counts}
    rec = one(store, "count_org_downstream", f"no party organization {org_id!r}", org_id=org_id)
    return {"id": org_id, "counts": {k: int(v) for k, v in rec.items()}}


def org_downstream_items(store: GraphStore, org_id: str, entity: str, *, limit: int = 50,
                         cursor: str | None = None) -> dict[str, Any]:
    """One page of what is downstream of a party organization (query ``list_org_downstream_<entity>``).

    ``entity`` is one of :data:`ORG_DOWNSTREAM_ENTITIES`: ``units`` (cooperatives and
    companies, with ``type``), ``bases`` (with ``owner_id``), ``members``, ``households``
    (with ``poor``); every item has ``id``, ``name``, ``village_code``, ``village_name``.

    >>> from partychain.testing import mini_store
    >>> [b["id"] for b in org_downstream_items(mini_store(), "JC-1", "bases")["items"]]
    ['BS-1', 'BS-2']
    """
    validate_id(org_id, "org_id")
    if entity not in ORG_DOWNSTREAM_ENTITIES:
        raise InvalidArgument(f"unknown entity {entity!r}; expected one of {', '.join(ORG_DOWNSTREAM_ENTITIES)}")
    if not store.named("list_org_tree", org_id=org_id).rows:
        raise NotFound(f"no party organization {org_id!r}")
    return page(store, f"list_org_downstream_{entity}", {"org_id": org_id}, limit=limit, cursor=cursor)


def org_tree(store: GraphStore, org_id: str) -> list[dict[str, Any]]:
    """The organization and every organization under it (query ``list_org_tree``), by depth then id.

    Each node is ``{"id", "name", "level", "kind", "parent_id", "depth"}``; the organization
    asked for comes first, at depth 0.

    >>> from partychain.testing import mini_store
    >>> for n in org_tree(mini_store(), "GB-1"):
    ...     print(n["id"], n["level"], n["parent_id"], n["depth"])
    GB-1 general_branch JC-1 0
    BR-1 branch GB-1 1
    BR-2 branch GB-1 1
    PG-1 group BR-1 2
    """
    validate_id(org_id, "org_id")
    rows = store.named("list_org_tree", org_id=org_id).records()
    if not rows:
        raise NotFound(f"no party organization {org_id!r}")
    return sorted(rows, key=lambda r: (r["depth"], r["id"]))
