"""One county's synthetic ledger: the generation steps in order, each drawing from its own generator.

:func:`generate_county` draws every table of the ledger format for one county from its division
rows (real NBS names and codes) and a :class:`~.profile.CountyProfile`; optional
:class:`~.profile.CountyTargets` pin published figures exactly (counts are drawn at those sizes, sums
adjusted by largest-remainder rounding).  Every id embeds the county code (``HH-520628-000123``), so
ids stay unique across counties.

All randomness comes from one ``numpy.random.Generator``; each step draws from its own child
generator (``Generator.spawn``, at a fixed position of :data:`STREAMS`), so a change in one step
(e.g. the pairing effect) leaves every other table byte-identical.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import numpy as np
import pandas as pd

from partychain.graph_model.enums import VillageKind

from .bases import draw_bases, draw_dam_areas
from .companies import draw_companies
from .cooperatives import draw_cooperatives
from .divisions import CountyDivisions, divisions_frame
from .driving import draw_member_households
from .holdings import draw_contracts, draw_shareholdings
from .incomes import INCOME_STREAMS, draw_income_sources, draw_incomes
from .links import draw_base_members, draw_cooperative_households, draw_employment
from .organizations import draw_organizations
from .party_life import draw_meetings, draw_org_work_rules
from .people import FAKE_REGION
from .population import draw_households, draw_members
from .profile import CountyProfile, CountyTargets
from .staffing import draw_roles, draw_staffing
from .state import ORG_COLUMNS, CountyState
from .writer import TABLE_COLUMNS

log = logging.getLogger(__name__)

__all__ = ["COUNTY_WIDE", "PHASES", "STREAMS", "generate_county"]

PHASES: tuple[str, ...] = (
    "households", "members", "cooperatives", "organizations", "companies", "staffing", "bases",
    "dam_areas", "links", "driving", "party_life", "incomes",
)
"""Generation steps of one county, in order (reported to the progress callback)."""

STREAMS: dict[str, int] = {
    "households": 0, "members": 1, "cooperatives": 2, "organizations": 3, "companies": 4, "staffing": 5,
    "bases": 6, "dam_areas": 7, "base_members": 8, "member_households": 9, "cooperative_households": 10,
    "employment": 11, "holdings": 12, "roles": 13, "org_work_rules": 17, "meetings": 18, "income_sources": 19,
}
"""Position of each step's child generator among those the county spawns (incomes: :data:`INCOME_STREAMS`)."""

COUNTY_WIDE: tuple[str, ...] = ("ledger", "industries", "work_rules", "reported_figures")
"""Tables :func:`generate_county` leaves empty: written once per ledger by the caller."""


def generate_county(div: CountyDivisions, profile: CountyProfile, rng: np.random.Generator, *,
                    targets: CountyTargets | None = None, pairing_effect: float = 40_000.0,
                    on_step: Callable[[str], None] | None = None,
                    id_region: str = FAKE_REGION) -> dict[str, pd.DataFrame]:
    """Every table of one county's ledger (those of :data:`COUNTY_WIDE` empty).

    Args:
        div: the county's divisions (:func:`~.divisions.county_divisions`).
        profile: distribution parameters.
        rng: the generator all draws come from; each step uses its own child generator.
        targets: figures to reproduce exactly.
        pairing_effect: yuan added to each paired weak village's income from the pairing year on.
        on_step: called with each name of :data:`PHASES` once that step is done.
        id_region: the six-digit (non-existent) region code of households' ID numbers; ID numbers
            are unique within one call, so a province gives each county its own region.

    Returns:
        table name → frame with the columns of :data:`~.writer.TABLE_COLUMNS` (bools as bool).
    """
    vil = div.villages
    st = CountyState(div=div, profile=profile, targets=targets or CountyTargets(), n_v=len(vil),
                     n_t=len(div.towns), v_code=vil["code"].to_numpy(dtype=object),
                     v_town=vil["town"].to_numpy(dtype=np.int64),
                     v_comm=(vil["kind"] == VillageKind.community).to_numpy(), id_region=id_region)
    spawned = rng.spawn(max(*STREAMS.values(), *INCOME_STREAMS) + 1)
    streams = {name: spawned[i] for name, i in STREAMS.items()}

    def done(step: str) -> None:
        log.debug("county %s: %s done", div.code, step)
        if on_step is not None:
            on_step(step)

    for name, draw in (("households", draw_households), ("members", draw_members),
                       ("cooperatives", draw_cooperatives), ("organizations", draw_organizations),
                       ("companies", draw_companies), ("staffing", draw_staffing), ("bases", draw_bases),
                       ("dam_areas", draw_dam_areas)):
        draw(st, streams[name])
        done(name)
    draw_base_members(st, streams["base_members"])
    draw_cooperative_households(st, streams["cooperative_households"])
    draw_employment(st, streams["employment"])
    draw_shareholdings(st, streams["holdings"])
    draw_contracts(st, streams["holdings"])
    done("links")
    draw_member_households(st, streams["member_households"])
    members = st.tables["members"]
    members["org_id"] = st.m_org
    members["roles"] = draw_roles(st, streams["roles"])
    done("driving")
    draw_org_work_rules(st, streams["org_work_rules"])
    draw_meetings(st, streams["meetings"])
    done("party_life")
    draw_incomes(st, [spawned[i] for i in INCOME_STREAMS], pairing_effect)
    draw_income_sources(st, streams["income_sources"])
    done("incomes")
    st.tables["divisions"] = divisions_frame(div)
    st.tables["party_orgs"] = pd.DataFrame(st.orgs, columns=list(ORG_COLUMNS))
    for name in COUNTY_WIDE:
        st.tables[name] = pd.DataFrame(columns=list(TABLE_COLUMNS[name]))
    return {name: st.tables[name] for name in TABLE_COLUMNS}
