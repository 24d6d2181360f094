"""The query services: the industry chain, question by question.

Plain functions over a :class:`~partychain.storage.base.GraphStore` that the API, the CLI, the
dashboard and the analysis call.  Each runs named queries from the catalog
(:mod:`partychain.cypher`; their headers define every column and every rule), passes values only
as parameters, and returns plain dicts and lists.

* :mod:`.scopes` — arguments: scopes, ids, page sizes; the division a scope names;
* :mod:`.cursors`, :mod:`.pages` — signed paging cursors and pages of lists;
* :mod:`.chains` — leadership chains of households;
* :mod:`.coverage` — coverage metrics and the gap lists behind them;
* :mod:`.models` — the four linkage models;
* :mod:`.orgs` — party organizations, their trees and what is downstream of them;
* :mod:`.records` — cooperatives, villages, households, members, pairings, search, industries;
* :mod:`.figures` — published figures beside the values computed from the graph;
* :mod:`.changes` — what changed in a division between two ledger years;
* :mod:`.economy` — the village collective economy by source and year, hollow villages.

Scopes are division codes: 2 digits (province), 4 (prefecture), 6 (county), 9 (town) or 12
(village).  Things count where they are: cooperatives, companies and bases by the village
they are ``LOCATED_IN``, households and members by the village they ``LIVE_IN``, party
organizations by their ``seat_code``.

Paged functions return ``{"items": [...], "total": int, "next_cursor": str | None}``; a
cursor is an opaque string handed out by the previous page (:mod:`.cursors`: signed, valid for
one list of one graph version), and ``None`` asks for the first page.

The graph holds no personal data, so neither do these answers: records of people carry their
pseudonymous ids.  Which node label a list's records are is a fact of its query, declared once on the
``records:`` line of its header (:attr:`partychain.cypher.NamedQuery.records`):
:func:`gap_record_label` and :func:`downstream_record_labels` read it for the gap kinds and the
downstream entities, so whoever types a list's records, or joins the personal-data store by id, asks
the catalog.
"""

from __future__ import annotations

from .chains import CHAIN_COLUMNS, assemble_chains, household_chains
from .changes import CHANGE_KINDS, changes
from .coverage import COVERAGE_METRICS, GAP_KINDS, activity_days, coverage, gap_record_label, gaps
from .cursors import decode_cursor, encode_cursor, list_identity
from .economy import HOLLOW_BELOW, INCOME_SOURCES, collective_economy
from .models import MODELS, model_counts, model_instances
from .orgs import (
    ORG_DOWNSTREAM_ENTITIES,
    downstream_record_labels,
    org,
    org_downstream,
    org_downstream_items,
    org_tree,
)
from .pages import page_of
from .records import cooperative, household, industry_totals, member, pairings, search_villages, village
from .scopes import MAX_LIMIT, check_scope, validate_scope, version_of

__all__ = [
    "CHAIN_COLUMNS", "CHANGE_KINDS", "COVERAGE_METRICS", "GAP_KINDS", "HOLLOW_BELOW", "INCOME_SOURCES", "MAX_LIMIT",
    "MODELS", "ORG_DOWNSTREAM_ENTITIES", "activity_days", "assemble_chains", "changes", "check_scope",
    "collective_economy", "cooperative", "coverage", "decode_cursor", "downstream_record_labels", "encode_cursor",
    "gap_record_label", "gaps", "household", "household_chains", "industry_totals", "list_identity",
    "member", "model_counts", "model_instances", "org", "org_downstream", "org_downstream_items", "org_tree",
    "page_of", "pairings", "search_villages", "validate_scope", "version_of", "village",
]
