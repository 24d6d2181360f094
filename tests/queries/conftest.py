"""Expected answers of the named queries, computed from the ledger tables with pandas and networkx.

:class:`Oracle` reads the raw CSV tables (strings, as the ``*_tables`` fixtures of
``tests/conftest.py`` give them) and answers every question the query library answers,
without the graph: the queries' tests compare the embedded engine with it.  Nothing here
is typed in by hand: each expectation follows from the tables and the definitions in the
queries' headers.

The ``ledger`` fixture runs each test on the bundled mini ledger and on the generated
Songtao sample (seed 2021); ``samples`` picks, deterministically, the households, orgs,
villages, cooperatives and scopes a test walks through (all of them on the mini ledger).
"""

from __future__ import annotations

import random
import shutil
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd
import pytest

from partychain.graph_model import TABLE_BY_NAME
from partychain.loaders import check_ledger
from partychain.storage.base import GraphStore
from partychain.storage.embedded import EmbeddedStore
from partychain.testing import mini_ledger_path

# The ledger format's yes/no vocabulary (docs: true/false/1/0/是/否, and a few more spellings).
TRUE = frozenset({"true", "1", "是", "yes", "y", "t", "√", "true.0", "1.0"})
UNDER_HOPS = 8  # the bound of UNDER*1..8 in the queries
Chain = tuple[str | None, str | None, str | None, str | None, str | None, str | None, str | None]
CHAIN_COLUMNS = ("member_id", "base_id", "owner_id", "org_id", "general_branch_id", "joint_committee_id",
                 "town_committee_id")


def _truthy(s: pd.Series) -> pd.Series:
    return s.str.strip().str.lower().isin(TRUE)


def _none(v: str) -> str | None:
    return v if v != "" else None


def _float(v: str) -> float | None:
    v = v.replace(",", "").strip()
    return float(v) if v else None


def _int(v: str) -> int | None:
    v = v.strip()
    return int(float(v)) if v else None


def _split(v: str) -> list[str]:
    return [x.strip() for x in v.replace("；", ";").split(";") if x.strip()]


class Oracle:
    """Answers from the ledger tables alone."""

    def __init__(self, tables: dict[str, pd.DataFrame]) -> None:
        t: dict[str, pd.DataFrame] = {}
        for name, spec in TABLE_BY_NAME.items():
            frame = tables.get(name)
            if frame is None:
                frame = pd.DataFrame({c.name: pd.Series(dtype=str) for c in spec.columns})
            t[name] = frame.astype(str).apply(lambda s: s.str.strip())
        self.t = t
        d = t["divisions"]
        self.div_name = dict(zip(d.code, d.name, strict=True))
        self.div_level = dict(zip(d.code, d.level, strict=True))
        # the County node has no kind property
        self.div_kind = {c: _none(k) if lv != "county" else None for c, k, lv in zip(d.code, d.kind, d.level,
                                                                                      strict=True)}
        v = d[d.level == "village"]
        self.villages = sorted(v.code)
        self.village_town = dict(zip(v.code, v.parent_code, strict=True))
        self.towns = sorted(d[d.level == "town"].code)
        self.counties = sorted(d[d.level == "county"].code)

        o = t["party_orgs"]
        self.org_ids = sorted(o.id)
        self.org_name = dict(zip(o.id, o.name, strict=True))
        self.org_level = dict(zip(o.id, o.level, strict=True))
        self.org_kind = {i: _none(k) for i, k in zip(o.id, o.kind, strict=True)}
        self.org_seat = {i: _none(s) for i, s in zip(o.id, o.seat_code, strict=True)}
        self.org_parent = {i: p for i, p in zip(o.id, o.parent_id, strict=True) if p}
        self.org_secretary = {i: s for i, s in zip(o.id, o.secretary_id, strict=True) if s}
        self.org_covers = {i: _split(c) for i, c in zip(o.id, o.covers, strict=True)}
        # the org tree, child -> parent
        self.tree = nx.DiGraph()
        self.tree.add_nodes_from(o.id)
        self.tree.add_edges_from(self.org_parent.items())

        c = t["cooperatives"]
        self.coop_ids = sorted(c.id)
        self.coop = {r["id"]: r for r in c.to_dict("records")}
        self.coop_demo = dict(zip(c.id, _truthy(c.demo_point), strict=True))
        p = t["companies"]
        self.company_ids = sorted(p.id)
        self.company = {r["id"]: r for r in p.to_dict("records")}
        self.runs: dict[str, list[str]] = defaultdict(list)  # unit -> branches running it
        for unit, br in [*zip(c.id, c.run_by, strict=True), *zip(p.id, p.run_by, strict=True)]:
            if br:
                self.runs[unit].append(br)
        self.led_by = {i: j for i, j in zip(c.id, c.led_by, strict=True) if j}
        b = t["bases"]
        self.base_ids = sorted(b.id)
        self.base = {r["id"]: r for r in b.to_dict("records")}
        self.base_owner = dict(zip(b.id, b.owner_id, strict=True))
        m = t["members"]
        self.member_ids = sorted(m.id)
        self.member = {r["id"]: r for r in m.to_dict("records")}
        h = t["households"]
        self.household_ids = sorted(h.id)
        self.household = {r["id"]: r for r in h.to_dict("records")}
        self.poor = dict(zip(h.id, _truthy(h.poor), strict=True))

        self.links: dict[str, list[str]] = defaultdict(list)  # member -> bases
        self.base_members: dict[str, list[str]] = defaultdict(list)
        for base, mem in zip(t["base_members"].base_id, t["base_members"].member_id, strict=True):
            self.links[mem].append(base)
            self.base_members[base].append(mem)
        self.drivers: dict[str, list[str]] = defaultdict(list)  # household -> members
        self.driven: dict[str, list[str]] = defaultdict(list)  # member -> households
        mh = t["member_households"]
        for mem, hh in zip(mh.member_id, mh.household_id, strict=True):
            self.drivers[hh].append(mem)
            self.driven[mem].append(hh)
        self.joined: dict[str, set[str]] = defaultdict(set)  # cooperative -> households
        ch = t["cooperative_households"]
        for coop, hh in zip(ch.cooperative_id, ch.household_id, strict=True):
            self.joined[coop].add(hh)
        self.shareholders: dict[str, set[str]] = defaultdict(set)  # unit -> villages
        for vil, unit in zip(t["shareholdings"].village_code, t["shareholdings"].holder_of, strict=True):
            self.shareholders[unit].add(vil)
        self.contracts: dict[str, set[str]] = defaultdict(set)  # company -> cooperatives
        self.contracted_by: dict[str, set[str]] = defaultdict(set)  # cooperative -> companies
        for comp, coop in zip(t["contracts"].company_id, t["contracts"].cooperative_id, strict=True):
            self.contracts[comp].add(coop)
            self.contracted_by[coop].add(comp)
        self.employment = t["employment"]
        # a blank base unit is its industry's (the loader fills it; a different one is rejected)
        unit_of = dict(zip(t["industries"].code, t["industries"].unit, strict=True))
        for r in self.base.values():
            r["unit"] = r["unit"] or unit_of.get(r["industry"], "")
        self._chains: dict[str, set[Chain]] = {}

    # --- helpers ----------------------------------------------------------------------------

    def vname(self, code: str | None) -> str | None:
        return self.div_name.get(code) if code else None

    def ancestors(self, org: str | None) -> list[tuple[str, int]]:
        """Orgs above ``org`` within UNDER_HOPS hops, with their distance."""
        out: list[tuple[str, int]] = []
        cur, depth = org, 0
        while cur in self.org_parent and depth < UNDER_HOPS:
            cur, depth = self.org_parent[cur], depth + 1
            out.append((cur, depth))
        return out

    def under(self, org: str) -> dict[str, int]:
        """Orgs under ``org`` (not itself) within UNDER_HOPS hops, with their depth."""
        lengths = nx.single_source_shortest_path_length(self.tree.reverse(copy=False), org, cutoff=UNDER_HOPS)
        return {o: d for o, d in lengths.items() if o != org}

    # --- chains -------------------------------------------------------------------------------

    def chains(self, household: str) -> set[Chain]:
        if household not in self._chains:
            self._chains[household] = self._chains_of(household)
        return set(self._chains[household])

    def orgs_of(self, owner: str | None) -> list[str]:
        """The organizations that run (branches) or lead (joint committees) a cooperative or company."""
        if owner is None:
            return []
        lead = self.led_by.get(owner)
        return sorted({*self.runs.get(owner, []), *([lead] if lead else [])})

    def _chains_of(self, household: str) -> set[Chain]:
        rows: set[Chain] = set()
        for mem in self.drivers.get(household, []):
            for base in self.links.get(mem) or [None]:
                owner = self.base_owner[base] if base else None
                for org in self.orgs_of(owner) or [None]:
                    ups = self.ancestors(org) if org else []
                    gbs = [o for o, _ in ups if self.org_level[o] == "general_branch"] or [None]
                    own = [org] if org and self.org_level[org] == "joint_committee" else []
                    jcs = own + [o for o, _ in ups if self.org_level[o] == "joint_committee"] or [None]
                    tcs = [o for o, _ in ups if self.org_level[o] == "town_committee"] or [None]
                    for g in gbs:
                        for j in jcs:
                            for tc in tcs:
                                rows.add((mem, base, owner, org, g, j, tc))
        return rows

    @cached_property
    def complete(self) -> set[str]:
        """Poor households with a complete chain (household ← member ← base ← owner ← running or leading org)."""
        return {h for h in self.household_ids if self.poor[h] and any(c[3] for c in self.chains(h))}

    @cached_property
    def complete_under_joint_committee(self) -> set[str]:
        """Poor households with a complete chain whose organization is, or is under, a joint committee."""
        return {h for h in self.household_ids if self.poor[h] and any(c[3] and c[5] for c in self.chains(h))}

    def breaks_at(self, household: str) -> str:
        chains = self.chains(household)
        if not chains:
            return "member"
        if all(c[1] is None for c in chains):
            return "base"
        return "party_org"

    # --- scope ----------------------------------------------------------------------------------

    def in_scope(self, rows: Iterable[str], village_of: dict[str, dict[str, str]], scope: str) -> list[str]:
        return sorted(r for r in rows if village_of[r]["village_code"].startswith(scope))

    def coops_in(self, scope: str) -> list[str]:
        return self.in_scope(self.coop_ids, self.coop, scope)

    def companies_in(self, scope: str) -> list[str]:
        return self.in_scope(self.company_ids, self.company, scope)

    def bases_in(self, scope: str) -> list[str]:
        return self.in_scope(self.base_ids, self.base, scope)

    def households_in(self, scope: str) -> list[str]:
        return self.in_scope(self.household_ids, self.household, scope)

    def members_in(self, scope: str) -> list[str]:
        return self.in_scope(self.member_ids, self.member, scope)

    # --- coverage and gaps -----------------------------------------------------------------------

    def coverage(self, scope: str) -> dict[str, tuple[int, int]]:
        coops = self.coops_in(scope)
        demos = [c for c in coops if self.coop_demo[c]]
        run = {c for c in coops if self.orgs_of(c)}
        hh = self.households_in(scope)
        poor = [h for h in hh if self.poor[h]]
        driven = {h for h in hh if self.drivers.get(h)}
        bases = self.bases_in(scope)
        return {
            "cooperative_party_org": (len(run), len(coops)),
            "demo_point_party_org": (len([c for c in demos if c in run]), len(demos)),
            "poor_households_driven": (len([h for h in poor if h in driven]), len(poor)),
            "households_driven": (len(driven), len(hh)),
            "bases_linked": (len([b for b in bases if self.base_members.get(b)]), len(bases)),
            "poor_chain_complete": (len([h for h in poor if h in self.complete]), len(poor)),
            "poor_chain_joint_committee": (len([h for h in poor if h in self.complete_under_joint_committee]),
                                           len(poor)),
        }

    def _item(self, id_: str, name: str | None, village: str) -> dict[str, Any]:
        """A list record; people's records carry no name (names are not in the graph: ``name=None``)."""
        head = {"id": id_} if name is None else {"id": id_, "name": name}
        return {**head, "village_code": village, "village_name": self.vname(village)}

    def gap(self, kind: str, scope: str) -> list[dict[str, Any]]:
        if kind in ("cooperatives_without_org", "demo_points_without_org"):
            ids = [c for c in self.coops_in(scope) if not self.orgs_of(c)
                   and (kind == "cooperatives_without_org" or self.coop_demo[c])]
            return [self._item(c, self.coop[c]["name"], self.coop[c]["village_code"]) for c in ids]
        if kind == "bases_without_member":
            ids = [b for b in self.bases_in(scope) if not self.base_members.get(b)]
            return [self._item(b, self.base[b]["name"], self.base[b]["village_code"]) for b in ids]
        if kind == "members_driving_nobody":
            ids = [m for m in self.members_in(scope) if not self.driven.get(m)]
            return [self._item(m, None, self.member[m]["village_code"]) for m in ids]
        poor = [h for h in self.households_in(scope) if self.poor[h]]
        if kind == "poor_households_not_driven":
            ids = [h for h in poor if not self.drivers.get(h)]
        elif kind == "poor_households_chain_incomplete":
            ids = [h for h in poor if h not in self.complete]
        else:
            raise KeyError(kind)
        items = [self._item(h, None, self.household[h]["village_code"]) for h in ids]
        if kind == "poor_households_chain_incomplete":
            for it in items:
                it["breaks_at"] = self.breaks_at(it["id"])
        return items

    # --- linkage models -----------------------------------------------------------------------------

    def _instance(self, org: str, unit: str, unit_name: str, village: str | None, households: int,
                  village_name: str | None = None) -> dict[str, Any]:
        return {"org_id": org, "org_name": self.org_name[org], "unit_id": unit, "unit_name": unit_name,
                "village_code": village, "village_name": village_name or self.vname(village),
                "households": households}

    def model(self, name: str, scope: str) -> list[dict[str, Any]]:
        out = []
        if name == "jc_coop_poor":
            for c in self.coops_in(scope):
                poor = {h for h in self.joined.get(c, ()) if self.poor[h]}
                if c in self.led_by and poor:
                    out.append(self._instance(self.led_by[c], c, self.coop[c]["name"], self.coop[c]["village_code"],
                                              len(poor)))
        elif name == "branch_specialized_coop_collective_poor":
            for c in self.coops_in(scope):
                poor = {h for h in self.joined.get(c, ()) if self.poor[h]}
                if self.coop[c]["kind"] == "specialized" and self.shareholders.get(c) and poor:
                    out += [self._instance(b, c, self.coop[c]["name"], self.coop[c]["village_code"], len(poor))
                            for b in self.runs.get(c, [])]
        elif name == "branch_company_collective_households":
            emp = self.employment
            village_branches = [o for o in self.org_ids if self.org_level[o] == "branch"
                                and self.org_kind[o] == "village"]
            for p in self.companies_in(scope):
                bases = {b for b in self.base_ids if self.base_owner[b] == p}
                hh = set(emp[emp.base_id.isin(bases)].household_id)
                for coop in self.contracts.get(p, ()):
                    hh |= self.joined.get(coop, set())
                if not (self.shareholders.get(p) and hh):
                    continue
                partners = set(self.runs.get(p, []))  # the company's own branch
                partners |= {b for b in village_branches  # partnering through the collective's shares
                             if set(self.org_covers[b]) & self.shareholders.get(p, set())}
                partners |= {b for b in village_branches  # or through an order contract
                             if any(b in self.runs.get(c, []) for c in self.contracts.get(p, ()))}
                out += [self._instance(b, p, self.company[p]["name"], self.company[p]["village_code"], len(hh))
                        for b in partners]
        elif name == "village_branch_industry_group":
            members_of: dict[str, list[str]] = defaultdict(list)
            for m in self.member_ids:
                members_of[self.member[m]["org_id"]].append(m)
            for g in self.org_ids:
                b = self.org_parent.get(g)
                if (self.org_level[g] != "group" or self.org_kind[g] != "industry" or b is None
                        or self.org_level[b] != "branch" or self.org_kind[b] != "village"):
                    continue
                seat = self.org_seat[g] or self.org_seat[b]
                if seat is None or not seat.startswith(scope):
                    continue
                hh = {h for m in members_of.get(g, []) for h in self.driven.get(m, [])}
                vname = self.div_name.get(seat) if self.div_level.get(seat) == "village" else None
                out.append({**self._instance(b, g, self.org_name[g], seat, len(hh)), "village_name": vname})
        else:
            raise KeyError(name)
        return sorted(out, key=lambda r: (r["org_id"], r["unit_id"]))

    # --- records ----------------------------------------------------------------------------------

    def pairings(self, code: str) -> list[dict[str, Any]]:
        out = []
        for r in self.t["pairings"].to_dict("records"):
            if r["strong_code"] == code:
                role, other = "as_strong", r["weak_code"]
            elif r["weak_code"] == code:
                role, other = "as_weak", r["strong_code"]
            else:
                continue
            out.append({"role": role, "code": other, "name": self.div_name[other], "since": _int(r["since"]),
                        "kind": _none(r["kind"])})
        return sorted(out, key=lambda r: (r["role"], r["code"]))

    def village(self, code: str) -> dict[str, Any]:
        inc = self.t["village_income"]
        inc = inc[inc.village_code == code]
        pair = self.t["pairings"]
        hh = [h for h in self.household_ids if self.household[h]["village_code"] == code]
        town = self.village_town[code]
        return {
            "code": code, "name": self.div_name[code], "kind": self.div_kind[code],
            "town_code": town, "town_name": self.div_name.get(town),
            "incomes": sorted(({"year": int(y), "yuan": int(v)} for y, v in
                               zip(inc.year, inc.collective_income, strict=True)), key=lambda i: i["year"]),
            "cooperatives": len(self.coops_in(code)), "companies": len(self.companies_in(code)),
            "bases": len(self.bases_in(code)), "households": len(hh),
            "poor_households": sum(self.poor[h] for h in hh), "members": len(self.members_in(code)),
            "covering_orgs": sum(code in cv for cv in self.org_covers.values()),
            "pairings_as_strong": pair[pair.strong_code == code].weak_code.nunique(),
            "pairings_as_weak": pair[pair.weak_code == code].strong_code.nunique(),
        }

    def cooperative(self, cid: str) -> dict[str, Any]:
        c = self.coop[cid]
        br = self.runs.get(cid, [None])[0]
        jc = self.led_by.get(cid)
        ind = self.t["industries"]
        ind_name = dict(zip(ind.code, ind.name, strict=True))
        hh = self.joined.get(cid, set())
        return {
            "id": cid, "name": c["name"], "kind": c["kind"], "demo_point": bool(self.coop_demo[cid]),
            "village_code": c["village_code"], "village_name": self.vname(c["village_code"]),
            "branch_id": br, "branch_name": self.org_name.get(br) if br else None,
            "joint_committee_id": jc, "joint_committee_name": self.org_name.get(jc) if jc else None,
            "industry_code": _none(c["industry"]), "industry_name": ind_name.get(c["industry"]),
            "chair_id": _none(c["chair_id"]),
            "bases": sorted(b for b in self.base_ids if self.base_owner[b] == cid),
            "companies": sorted(self.contracted_by.get(cid, ())),
            "shareholders": sorted(self.shareholders.get(cid, ())),
            "households": len(hh), "poor_households": sum(self.poor[h] for h in hh),
        }

    def org(self, oid: str) -> dict[str, Any]:
        parent = self.org_parent.get(oid)
        seat = self.org_seat[oid]
        units = sorted([u for u, brs in self.runs.items() if oid in brs]
                       + [c for c, j in self.led_by.items() if j == oid])
        return {
            "id": oid, "name": self.org_name[oid], "level": self.org_level[oid], "kind": self.org_kind[oid],
            "seat_code": seat, "seat_name": self.div_name.get(seat) if seat else None,
            "parent_id": parent, "parent_name": self.org_name.get(parent) if parent else None,
            "secretary_id": self.org_secretary.get(oid),
            "covers": sorted(set(self.org_covers[oid])),
            "children": sum(1 for p in self.org_parent.values() if p == oid),
            "members": sum(1 for m in self.member.values() if m["org_id"] == oid),
            "units": units,
        }

    def org_tree(self, oid: str) -> list[dict[str, Any]]:
        nodes = {oid: 0, **self.under(oid)}
        return sorted(({"id": o, "name": self.org_name[o], "level": self.org_level[o], "kind": self.org_kind[o],
                        "parent_id": self.org_parent.get(o), "depth": d} for o, d in nodes.items()),
                      key=lambda r: (r["depth"], r["id"]))

    def downstream(self, oid: str) -> dict[str, Any]:
        """Counts and id lists downstream of an org."""
        orgs = set(self.under(oid)) | {oid}
        coops = {c for c in self.coop_ids if any(b in orgs for b in self.runs.get(c, []))
                 or self.led_by.get(c) in orgs}
        comps = {p for p in self.company_ids if any(b in orgs for b in self.runs.get(p, []))}
        bases = {b for b in self.base_ids if self.base_owner[b] in coops | comps}
        members = {m for b in bases for m in self.base_members.get(b, [])}
        households = {h for m in members for h in self.driven.get(m, [])}
        return {
            "counts": {"orgs": len(orgs) - 1, "cooperatives": len(coops), "companies": len(comps),
                       "bases": len(bases), "members": len(members), "households": len(households),
                       "poor_households": sum(self.poor[h] for h in households)},
            "units": sorted(coops | comps), "bases": sorted(bases), "members": sorted(members),
            "households": sorted(households),
        }

    def industry_totals(self, scope: str) -> list[dict[str, Any]]:
        out = []
        emp = self.employment
        for r in self.t["industries"].sort_values("code").to_dict("records"):
            code, unit = r["code"], r["unit"]
            bases = [b for b in self.bases_in(scope) if self.base[b]["industry"] == code]
            scale = sum(_float(self.base[b]["scale"]) or 0.0 for b in bases
                        if self.base[b]["unit"] in ("", unit))
            e = emp[emp.base_id.isin(bases)]
            out.append({
                "code": code, "name": r["name"], "unit": unit,
                "cooperatives": sum(self.coop[c]["industry"] == code for c in self.coops_in(scope)),
                "companies": sum(self.company[p]["industry"] == code for p in self.companies_in(scope)),
                "bases": len(bases), "scale": scale, "households_employed": e.household_id.nunique(),
                "person_times": int(sum(_int(x) or 0 for x in e.person_times)),
            })
        return out

    def search(self, q: str, scope: str = "") -> list[dict[str, Any]]:
        out = []
        for code in self.villages:
            town = self.village_town[code]
            tname = self.div_name.get(town)
            if code.startswith(scope) and (q in self.div_name[code] or (tname is not None and q in tname)):
                out.append({"code": code, "name": self.div_name[code], "kind": self.div_kind[code],
                            "town_code": town if town in self.div_name else None, "town_name": tname})
        return out

    def metrics(self, scope: str) -> dict[str, float]:
        """The figures of ``partychain.services.figures.METRICS``."""
        def orgs(level: str, kind: str | None = None) -> int:
            return sum(1 for o in self.org_ids if self.org_level[o] == level
                       and (self.org_seat[o] or "\0").startswith(scope) and (kind is None or self.org_kind[o] == kind))

        coops = self.coops_in(scope)
        bases = self.bases_in(scope)
        hh = self.households_in(scope)
        unit_sum: dict[str, float] = defaultdict(float)
        planned: dict[str, float | None] = {}
        per_year: dict[str, float | None] = {}
        for b in bases:
            unit = self.base[b]["unit"]
            unit_sum[unit] += _float(self.base[b]["scale"]) or 0.0
            for col, acc in (("planned_scale", planned), ("annual_output", per_year)):
                v = _float(self.base[b].get(col, ""))
                if v is not None:
                    acc[unit] = (acc.get(unit) or 0.0) + v
        emp = self.employment
        dams = self.t["dam_areas"]
        in_scope_dams = set(dams.loc[dams.town_code.str.startswith(scope), "id"])
        held = {self.base[b]["dam_area_id"] for b in self.base_ids} - {""}
        units = {"mu": "planting_mu", "stick": "fungus_sticks", "bird": "poultry_birds", "head": "pigs_head"}
        out: dict[str, float | None] = {
            "joint_committees": orgs("joint_committee"), "general_branches": orgs("general_branch"),
            "cooperative_joint_branches": orgs("branch", "cooperative_joint"),
            "demo_points": sum(self.coop_demo[c] for c in coops),
            "demo_points_with_party_org": sum(self.coop_demo[c] and bool(self.orgs_of(c)) for c in coops),
            "dam_areas": len(in_scope_dams), "dam_areas_with_bases": len(in_scope_dams & held),
            "employment_person_times": sum(_int(x) or 0 for x in emp[emp.base_id.isin(bases)].person_times),
            "cooperative_work_rules": self.work_rules(scope),
            "cooperatives": len(coops), "cooperatives_with_party_org": sum(bool(self.orgs_of(c)) for c in coops),
            "party_members": len(self.members_in(scope)), "households": len(hh),
            "poor_households": sum(self.poor[h] for h in hh),
        }
        for unit, metric in units.items():
            out[metric] = unit_sum[unit]
            out[f"{metric}_planned"] = planned.get(unit)
            out[f"{metric}_per_year"] = per_year.get(unit)
        return out

    def work_rules(self, scope: str) -> int:
        """Distinct work rules adopted by the organizations running or leading a cooperative of the scope, and by
        the cooperative joint branches seated in it."""
        orgs = {o for c in self.coops_in(scope) for o in self.orgs_of(c)}
        orgs |= {o for o in self.org_ids if self.org_kind[o] == "cooperative_joint"
                 and (self.org_seat[o] or "\0").startswith(scope)}
        owr = self.t.get("org_work_rules")
        if owr is None:
            return 0
        return owr.loc[owr.org_id.isin(orgs), "rule_code"].nunique()


@dataclass
class Ledger:
    """A loaded ledger: its store, its oracle, and the things the tests walk through."""

    name: str
    store: GraphStore
    oracle: Oracle
    samples: dict[str, list[str]] = field(default_factory=dict)


def _sample(items: list[str], n: int, rng: random.Random) -> list[str]:
    return sorted(items) if len(items) <= n else sorted(rng.sample(sorted(items), n))


def _samples(name: str, o: Oracle) -> dict[str, list[str]]:
    """Everything on the mini ledger; on Songtao a deterministic sample covering every kind of case."""
    if name == "mini":
        return {"households": o.household_ids, "orgs": o.org_ids, "villages": o.villages, "coops": o.coop_ids,
                "scopes": ["52", "5206", *o.counties, *o.towns, *o.villages], "page_scopes": [*o.counties, *o.towns],
                "downstream_orgs": o.org_ids}
    rng = random.Random(2021)
    by_shape: dict[tuple[bool, ...], list[str]] = defaultdict(list)
    for h in o.household_ids:
        chains = o.chains(h)
        shape = (bool(chains), any(c[1] for c in chains), any(c[3] for c in chains), any(c[4] for c in chains),
                 any(c[5] for c in chains), len(chains) > 1, bool(o.poor[h]))
        by_shape[shape].append(h)
    households = sorted({h for hs in by_shape.values() for h in _sample(hs, 12, rng)})
    orgs: list[str] = []
    by_kind: dict[tuple[str, str | None], list[str]] = defaultdict(list)
    for org in o.org_ids:
        by_kind[(o.org_level[org], o.org_kind[org])].append(org)
    for kind_orgs in by_kind.values():
        orgs += _sample(kind_orgs, 8, rng)
    paired = sorted(set(o.t["pairings"].strong_code) | set(o.t["pairings"].weak_code))
    villages = sorted(set(_sample(paired, 15, rng)) | set(_sample(o.villages, 15, rng)))
    jc_towns = sorted({(o.org_seat[j] or "")[:9] for j in o.org_ids if o.org_level[j] == "joint_committee"} - {""})
    towns = sorted(set(jc_towns) | set(_sample(o.towns, 3, rng)))
    big = [org for org in o.org_ids if o.org_level[org] in ("joint_committee", "general_branch")]
    return {
        "households": households, "orgs": sorted(set(orgs)), "villages": villages,
        "coops": _sample(o.coop_ids, 40, rng),
        "scopes": ["52", "5206", *o.counties, *towns, *_sample(o.villages, 4, rng)],
        "page_scopes": towns[:2], "downstream_orgs": sorted(set(_sample(orgs, 12, rng)) | set(big)),
    }


@pytest.fixture(scope="session", params=["mini", "songtao"])
def ledger(request: pytest.FixtureRequest) -> Ledger:
    """The mini ledger, then the Songtao sample: the store, the oracle and the samples to walk."""
    name = request.param
    tables = request.getfixturevalue(f"{name}_tables")
    store = request.getfixturevalue(f"{name}_graph")
    oracle = Oracle(tables)
    return Ledger(name, store, oracle, _samples(name, oracle))


def _edit(ledger: Path, table: str, fn: Any) -> None:
    path = ledger / f"{table}.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    fn(frame).to_csv(path, index=False)


def _set(frame: pd.DataFrame, key: str, value: str, column: str, new: str) -> pd.DataFrame:
    assert (frame[key] == value).sum() == 1, (key, value)
    frame.loc[frame[key] == value, column] = new
    return frame


@pytest.fixture(scope="session")
def edited(tmp_path_factory: pytest.TempPathFactory) -> Ledger:
    """The mini ledger with other shapes: BR-3 straight under JC-1 running CO-3, whose base BS-3 links
    PM-4, who drives HH-4; CO-1 (a demonstration point) run by no branch."""
    root = tmp_path_factory.mktemp("edited")
    ledger = root / "ledger"
    shutil.copytree(mini_ledger_path(), ledger)
    _edit(ledger, "party_orgs", lambda f: _set(f, "id", "BR-3", "parent_id", "JC-1"))
    _edit(ledger, "cooperatives", lambda f: _set(_set(f, "id", "CO-3", "run_by", "BR-3"), "id", "CO-1", "run_by", ""))
    _edit(ledger, "base_members", lambda f: pd.concat(
        [f, pd.DataFrame([{"base_id": "BS-3", "member_id": "PM-4", "role": ""}])], ignore_index=True))
    _edit(ledger, "member_households", lambda f: pd.concat(
        [f, pd.DataFrame([{"member_id": "PM-4", "household_id": "HH-4", "since": "2020"}])], ignore_index=True))
    store = EmbeddedStore(root / "graph")
    store.load(check_ledger(ledger), source="edited mini")
    tables = {p.stem: pd.read_csv(p, dtype=str, keep_default_na=False) for p in ledger.glob("*.csv")}
    oracle = Oracle(tables)
    return Ledger("edited", store, oracle, _samples("mini", oracle))


@pytest.fixture(scope="session")
def mini(mini_graph: GraphStore, mini_tables: dict[str, pd.DataFrame]) -> Ledger:
    """The mini ledger alone, for tests of specific rows."""
    oracle = Oracle(mini_tables)
    return Ledger("mini", mini_graph, oracle, _samples("mini", oracle))


def _page_all(fetch: Any, limit: int) -> tuple[list[dict[str, Any]], int]:
    """Every item of a paged service function, following next_cursor; checks each page's shape."""
    items: list[dict[str, Any]] = []
    cursor = None
    totals = set()
    for _ in range(100_000):
        page = fetch(limit=limit, cursor=cursor)
        assert set(page) == {"items", "total", "next_cursor"}
        assert len(page["items"]) <= limit
        totals.add(page["total"])
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
        assert page["items"], "a page with a next_cursor must not be empty"
    assert len(totals) == 1, f"total changed between pages: {totals}"
    return items, totals.pop()


@pytest.fixture(scope="session")
def page_all() -> Any:
    """``page_all(fetch, limit) -> (items, total)``: follow a paged function's cursors to the end."""
    return _page_all
