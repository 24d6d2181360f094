"""The four linkage models of the county report: counts and instances in a division."""

from __future__ import annotations

from typing import Any

from partychain.errors import InvalidArgument
from partychain.storage.base import GraphStore

from .pages import page
from .scopes import validate_scope

MODELS: tuple[str, ...] = (
    "jc_coop_poor",
    "branch_specialized_coop_collective_poor",
    "branch_company_collective_households",
    "village_branch_industry_group",
)
"""The four linkage models of the county report; each is the named query ``list_model_<model>``."""


def model_counts(store: GraphStore, scope: str) -> dict[str, int]:
    """Instances of each linkage model of :data:`MODELS` in a division (query ``count_linkage_models``).

    >>> from partychain.testing import mini_store
    >>> list(model_counts(mini_store(), "520628101").values())
    [1, 1, 0, 1]
    """
    validate_scope(scope)
    got = {r["model"]: int(r["instances"]) for r in store.named("count_linkage_models", scope=scope).records()}
    return {m: got[m] for m in MODELS}


def model_instances(store: GraphStore, scope: str, model: str, *, limit: int = 50,
                    cursor: str | None = None) -> dict[str, Any]:
    """One page of a linkage model's instances in a division (query ``list_model_<model>``).

    Items are ``{"org_id", "org_name", "unit_id", "unit_name", "village_code",
    "village_name", "households"}``, ordered by org then unit.

    >>> from partychain.testing import mini_store
    >>> page = model_instances(mini_store(), "520628", "jc_coop_poor")
    >>> [(i["org_id"], i["unit_id"], i["households"]) for i in page["items"]], page["total"]
    ([('JC-1', 'CO-2', 1)], 1)
    """
    validate_scope(scope)
    if model not in MODELS:
        raise InvalidArgument(f"unknown linkage model {model!r}; expected one of {', '.join(MODELS)}")
    return page(store, f"list_model_{model}", {"scope": scope}, limit=limit, cursor=cursor)
