"""Query benchmark: latency of the linkage questions in-process, beside pandas on the ledger tables.

* **graph, in-process**: :mod:`partychain.services` on an opened :class:`EmbeddedStore`
  (household chains of random households; coverage of random villages, towns, counties and
  the province; the first page of every gap list in random counties; pairing lookups of
  random villages), each call timed, p50/p90/p99 reported over many calls.
* **pandas (the baseline)**: what an analyst would otherwise do: load the ledger CSVs once
  (timed separately, with their memory), then compute the same answer with boolean masks,
  ``isin`` and merges per question. The first answers are checked against the graph's.
* **every named query**: each query of the catalog once per sample parameter set (a random
  county, household, village, organization, ...), p50 and max.

Each family runs a warm-up call first (not counted): the first query on a fresh database
pays for reading pages from disk.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from .common import percentiles

log = logging.getLogger(__name__)

# how many calls per family: (graph, pandas)
SAMPLES = {"chain": (300, 40), "coverage_village": (60, 15), "coverage_town": (40, 10), "coverage_county": (20, 5),
           "coverage_prefecture": (20, 5), "org_downstream": (200, 0),
           "coverage_province": (3, 2), "gap_page": (30, 12), "pairing": (200, 40)}
QUICK = {k: (max(3, g // 10), max(2, p // 5)) for k, (g, p) in SAMPLES.items()}
# pandas calls at province scale (each coverage answer scans 7 million households several times)
PROVINCE_PANDAS = {"chain": 8, "coverage_village": 2, "coverage_town": 1, "coverage_county": 1, "coverage_province": 1,
                   "gap_page": 2, "pairing": 40}


def _timed(fn: Callable[[Any], Any], args: list[Any], warmup: int = 2) -> tuple[dict[str, float], list[Any]]:
    for a in args[:warmup]:
        fn(a)
    times, out = [], []
    for a in args:
        t = time.perf_counter()
        out.append(fn(a))
        times.append((time.perf_counter() - t) * 1000)
    return percentiles(times), out


# --- the ledger as an analyst loads it ------------------------------------------------------------

_COLUMNS = {
    "divisions": ["code", "name", "level", "parent_code"],
    "party_orgs": ["id", "level", "parent_id"],
    "cooperatives": ["id", "village_code", "run_by", "led_by", "demo_point"],
    "companies": ["id", "village_code", "run_by"],
    "bases": ["id", "owner_id", "village_code"],
    "households": ["id", "village_code", "poor"],
    "members": ["id", "village_code"],
    "base_members": ["base_id", "member_id"],
    "member_households": ["member_id", "household_id"],
    "pairings": ["strong_code", "weak_code", "since", "kind"],
}


def load_tables(ledger: Path) -> dict[str, pd.DataFrame]:
    """The ledger tables the questions need, as pandas frames (Arrow-backed text, empty cells "")."""
    out = {}
    for name, cols in _COLUMNS.items():
        tbl = pa_csv.read_csv(ledger / f"{name}.csv", convert_options=pa_csv.ConvertOptions(
            include_columns=cols, column_types=dict.fromkeys(cols, pa.string()), strings_can_be_null=False))
        frame = tbl.to_pandas()
        for c in ("poor", "demo_point"):
            if c in frame:
                frame[c] = frame[c] == "true"
        out[name] = frame
    return out


class PandasAnswers:
    """The linkage questions answered from the ledger frames with pandas (one call per answer)."""

    def __init__(self, t: dict[str, pd.DataFrame]) -> None:
        self.t = t

    def _orgs(self) -> tuple[dict[str, str], dict[str, str]]:
        o = self.t["party_orgs"]
        return dict(zip(o["id"], o["parent_id"], strict=True)), dict(zip(o["id"], o["level"], strict=True))

    def _up(self, org: str, parent: dict[str, str], level: dict[str, str]) -> tuple[str | None, str | None, str | None]:
        """(nearest general branch, joint committee, town committee) at or above an organization."""
        found: dict[str, str] = {}
        x, seen = org, 0
        while x and seen < 9:
            lv = level.get(x, "")
            if lv in ("general_branch", "joint_committee", "town_committee") and lv not in found \
                    and (x != org or lv == "joint_committee"):
                found[lv] = x
            x, seen = parent.get(x, ""), seen + 1
        return found.get("general_branch"), found.get("joint_committee"), found.get("town_committee")

    def _owner_orgs(self) -> dict[str, list[str]]:
        """Cooperative or company id → the organizations that run (a branch) or lead (a joint committee) it."""
        co, cp = self.t["cooperatives"], self.t["companies"]
        out: dict[str, list[str]] = {}
        for frame, cols in ((co, ("run_by", "led_by")), (cp, ("run_by",))):
            for row in frame[["id", *cols]].itertuples(index=False):
                out[row[0]] = [o for o in row[1:] if isinstance(o, str) and o]
        return out

    def chain(self, household_id: str) -> list[tuple[Any, ...]]:
        t = self.t
        mh = t["member_households"]
        members = mh.loc[mh["household_id"] == household_id, "member_id"]
        bm = t["base_members"]
        links = bm[bm["member_id"].isin(members)]
        owner = dict(zip(t["bases"]["id"], t["bases"]["owner_id"], strict=True))
        orgs_of = self._owner_orgs()
        parent, level = self._orgs()
        rows = set()
        for m in members:
            mine = links.loc[links["member_id"] == m, "base_id"]
            if not len(mine):
                rows.add((m, None, None, None, None, None, None))
            for b in mine:
                o = owner.get(b) or None
                for org in orgs_of.get(o, []) if o else []:
                    rows.add((m, b, o, org, *self._up(org, parent, level)))
                if not (o and orgs_of.get(o)):
                    rows.add((m, b, o, None, None, None, None))
        return sorted(rows, key=lambda r: tuple((v is None, v or "") for v in r))

    def coverage(self, scope: str) -> dict[str, tuple[int, int]]:
        t = self.t
        orgs_of = self._owner_orgs()
        co = t["cooperatives"][t["cooperatives"]["village_code"].str.startswith(scope)]
        co_run = co["id"].map(lambda c: bool(orgs_of.get(c))).astype(bool)
        hh = t["households"][t["households"]["village_code"].str.startswith(scope)]
        mh = t["member_households"]
        driven = hh["id"].isin(mh["household_id"])
        poor = hh["poor"]
        bs = t["bases"][t["bases"]["village_code"].str.startswith(scope)]
        linked = bs["id"].isin(t["base_members"]["base_id"])
        # complete: household <- member <- base <- owner <- an organization that runs or leads the owner;
        # under a joint committee: that organization is, or is under, a joint committee
        parent, level = self._orgs()
        owners_ok = {o for o, orgs in orgs_of.items() if orgs}
        owners_jc = {o for o, orgs in orgs_of.items() if any(self._up(g, parent, level)[1] for g in orgs)}
        poor_ids = hh.loc[poor, "id"]
        mh_poor = mh[mh["household_id"].isin(poor_ids)]

        def reached(owners: set[str]) -> int:
            bases_ok = t["bases"].loc[t["bases"]["owner_id"].isin(owners), "id"]
            members_ok = t["base_members"].loc[t["base_members"]["base_id"].isin(bases_ok), "member_id"]
            return int(mh_poor.loc[mh_poor["member_id"].isin(members_ok), "household_id"].nunique())

        return {"cooperative_party_org": (int(co_run.sum()), len(co)),
                "demo_point_party_org": (int((co_run & co["demo_point"]).sum()), int(co["demo_point"].sum())),
                "poor_households_driven": (int((driven & poor).sum()), int(poor.sum())),
                "households_driven": (int(driven.sum()), len(hh)),
                "bases_linked": (int(linked.sum()), len(bs)),
                "poor_chain_complete": (reached(owners_ok), int(poor.sum())),
                "poor_chain_joint_committee": (reached(owners_jc), int(poor.sum()))}

    def gap_page(self, scope: str, limit: int = 50) -> tuple[list[str], int]:
        """First page of poor households no member drives, in id order, and the total."""
        hh = self.t["households"]
        sel = hh[hh["village_code"].str.startswith(scope) & hh["poor"]]
        gap = sel.loc[~sel["id"].isin(self.t["member_households"]["household_id"]), "id"].sort_values()
        return gap.head(limit).tolist(), len(gap)

    def pairing(self, village: str) -> dict[str, list[str]]:
        p = self.t["pairings"]
        return {"as_strong": sorted(p.loc[p["strong_code"] == village, "weak_code"]),
                "as_weak": sorted(p.loc[p["weak_code"] == village, "strong_code"])}


# --- samples ------------------------------------------------------------------------------------


def _samples(ledger: Path, seed: int, quick: bool) -> dict[str, list[Any]]:
    rng = random.Random(seed)
    n = QUICK if quick else SAMPLES
    ids = pa_csv.read_csv(ledger / "households.csv", convert_options=pa_csv.ConvertOptions(
        include_columns=["id", "village_code", "poor"], column_types={"id": pa.string(), "village_code": pa.string(),
                                                                     "poor": pa.string()}))
    divs = pa_csv.read_csv(ledger / "divisions.csv", convert_options=pa_csv.ConvertOptions(
        include_columns=["code", "level"], column_types={"code": pa.string(), "level": pa.string()})).to_pandas()
    orgs = pa_csv.read_csv(ledger / "party_orgs.csv", convert_options=pa_csv.ConvertOptions(
        include_columns=["id", "level"], column_types={"id": pa.string(), "level": pa.string()})).to_pandas()
    coops = pa_csv.read_csv(ledger / "cooperatives.csv", convert_options=pa_csv.ConvertOptions(
        include_columns=["id"], column_types={"id": pa.string()})).column("id").to_pylist()
    members = pa_csv.read_csv(ledger / "members.csv", convert_options=pa_csv.ConvertOptions(
        include_columns=["id"], column_types={"id": pa.string()})).column("id").to_pylist()
    hh_idx = [rng.randrange(ids.num_rows) for _ in range(max(n["chain"][0], 20))]
    households = ids.column("id").take(pa.array(hh_idx)).to_pylist()
    poor_idx = np.flatnonzero(pc.equal(ids.column("poor"), "true").to_numpy(zero_copy_only=False))
    poor_households = ids.column("id").take(pa.array([int(poor_idx[rng.randrange(len(poor_idx))])
                                                     for _ in range(20)])).to_pylist()
    by_level = {lv: sorted(divs.loc[divs["level"] == lv, "code"]) for lv in ("county", "town", "village")}
    province = sorted({c[:2] for c in by_level["county"]})
    return {
        "households": households, "poor_households": poor_households,
        "villages": [rng.choice(by_level["village"]) for _ in range(max(n["pairing"][0], n["coverage_village"][0]))],
        "towns": [rng.choice(by_level["town"]) for _ in range(n["coverage_town"][0])],
        "counties": [rng.choice(by_level["county"]) for _ in range(max(n["coverage_county"][0], n["gap_page"][0]))],
        "prefectures": [rng.choice(sorted({c[:4] for c in by_level["county"]}))
                        for _ in range(n.get("coverage_prefecture", (3, 0))[0])],
        "every_org": [rng.choice(orgs["id"].tolist()) for _ in range(n.get("org_downstream", (20, 0))[0])],
        "province": province * n["coverage_province"][0],
        "orgs": {lv: [rng.choice(sorted(orgs.loc[orgs["level"] == lv, "id"])) for _ in range(3)]
                 for lv in ("joint_committee", "general_branch", "branch") if (orgs["level"] == lv).any()},
        "cooperatives": [rng.choice(coops) for _ in range(3)],
        "members": [rng.choice(members) for _ in range(3)],
    }


def _named_params(name: str, params: list[str], s: dict[str, Any], i: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for p in params:
        if p == "scope":
            out[p] = "" if name == "search_villages" else s["counties"][i % len(s["counties"])]
        elif p in ("household_id",):
            out[p] = s["households"][i]
        elif p in ("village_code", "code"):
            out[p] = s["villages"][i]
        elif p == "org_id":
            pool = [o for lv in ("joint_committee", "general_branch", "branch") for o in s["orgs"].get(lv, [])]
            out[p] = pool[i % len(pool)]
        elif p == "cooperative_id":
            out[p] = s["cooperatives"][i % len(s["cooperatives"])]
        elif p == "member_id":
            out[p] = s["members"][i % len(s["members"])]
        elif p in ("codes", "ids"):
            out[p] = []
        elif p == "skip":
            out[p] = 0
        elif p == "limit":
            out[p] = 50
        elif p == "q":
            out[p] = "村"
        elif p == "roots":
            out[p] = 1
        elif p == "level":
            out[p] = ""
        else:
            raise ValueError(f"no sample value for parameter {p!r} of {name}")
    return out


def run(store: Any, ledger: Path, *, quick: bool = False, seed: int = 2021, named_repeat: int = 3,
        pandas_baseline: bool = True, live_baseline: bool = True) -> dict[str, Any]:
    """Latency of the linkage questions on ``store`` and, from ``ledger``'s CSVs, with pandas; ``live_baseline``:
    the same questions asked of the live queries too (``live=True``)."""
    from partychain import services

    n = QUICK if quick else SAMPLES
    s = _samples(ledger, seed, quick)
    res: dict[str, Any] = {"graph": {}, "pandas": {}, "named": {}}
    g = res["graph"]
    g["chain"], chains = _timed(lambda h: services.household_chains(store, h), s["households"][: n["chain"][0]])
    g["chains_found"] = sum(1 for c in chains if c)
    for level, key in (("village", "villages"), ("town", "towns"), ("county", "counties"), ("province", "province")):
        g[f"coverage_{level}"], _ = _timed(lambda sc: services.coverage(store, sc), s[key][: n[f"coverage_{level}"][0]],
                                           warmup=1)
    pages = [(c, k) for c in s["counties"][: max(1, n["gap_page"][0] // len(services.GAP_KINDS))]
             for k in services.GAP_KINDS]
    g["gap_page"], _ = _timed(lambda ck: services.gaps(store, ck[0], ck[1], limit=50), pages, warmup=1)
    g["pairing"], _ = _timed(lambda v: services.pairings(store, v), s["villages"][: n["pairing"][0]])
    # every scope level (issue 15's targets): coverage of prefectures, the first page of every gap list at every level
    g["coverage_prefecture"], _ = _timed(lambda sc: services.coverage(store, sc), s["prefectures"], warmup=1)
    every_level = [*s["province"][:1], *s["prefectures"][:3], *s["counties"][:3], *s["towns"][:3], *s["villages"][:3]]
    g["gap_page_every_level"], _ = _timed(lambda ck: services.gaps(store, ck[0], ck[1], limit=50),
                                          [(sc, k) for sc in every_level for k in services.GAP_KINDS], warmup=1)
    g["coverage_every_level"], _ = _timed(lambda sc: services.coverage(store, sc), every_level * 4, warmup=1)
    g["org_downstream"], _ = _timed(lambda o: services.org_downstream(store, o), s["every_org"])
    if not live_baseline:
        return _named_and_pandas(store, ledger, res, s, n, quick=quick, named_repeat=named_repeat,
                                 pandas_baseline=pandas_baseline, chains=chains)
    # the same questions asked of the live queries (what was served before the derived index, issue 15)
    g["org_downstream_live"], _ = _timed(lambda o: services.org_downstream(store, o, live=True),
                                         s["every_org"][:40])
    g["pairing_live"], _ = _timed(lambda v: services.pairings(store, v, live=True), s["villages"][: n["pairing"][0]])
    g["chain_live"], _ = _timed(lambda h: services.household_chains(store, h, live=True),
                                s["households"][: n["chain"][0]])
    for level, key in (("village", "villages"), ("town", "towns"), ("county", "counties"), ("province", "province")):
        g[f"coverage_{level}_live"], _ = _timed(lambda sc: services.coverage(store, sc, live=True),
                                                s[key][: n[f"coverage_{level}"][0]], warmup=1)
    g["gap_page_live"], _ = _timed(lambda ck: services.gaps(store, ck[0], ck[1], limit=50, live=True), pages,
                                   warmup=1)
    return _named_and_pandas(store, ledger, res, s, n, quick=quick, named_repeat=named_repeat,
                             pandas_baseline=pandas_baseline, chains=chains)


def _named_and_pandas(store: Any, ledger: Path, res: dict[str, Any], s: dict[str, Any], n: dict[str, Any], *,
                      quick: bool, named_repeat: int, pandas_baseline: bool, chains: list[Any]) -> dict[str, Any]:
    from partychain import cypher
    from partychain.storage import derived

    g = res["graph"]
    print("  graph: " + ", ".join(f"{k} p50 {v['p50_ms']:,.1f} ms" for k, v in g.items() if isinstance(v, dict)),
          flush=True)
    # every named query of the catalog, on sample parameters
    for name in cypher.names():
        if name in (derived.CHAIN_QUERY, derived.DRIVEN_QUERY, derived.DOWNSTREAM_QUERY, derived.PAIRING_QUERY):
            continue  # every link of the whole graph: run once per load by the derivation, timed with it
        q = cypher.get(name)
        times = []
        for i in range(named_repeat):
            params = _named_params(name, q.parameters, s, i)
            t = time.perf_counter()
            store.named(name, **params)
            times.append((time.perf_counter() - t) * 1000)
        res["named"][name] = {"p50_ms": float(np.median(times)), "max_ms": max(times), "n": len(times),
                              "scope": "county" if "scope" in q.parameters else "record"}
        print(f"  {name}: p50 {np.median(times):,.1f} ms", flush=True)
    if not pandas_baseline:
        return res
    # pandas: load once (timed), then time each answer
    import resource

    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    answers = PandasAnswers(load_tables(ledger))
    p = res["pandas"]
    p["load_s"] = time.perf_counter() - t0
    p["load_peak_rss_growth_mb"] = max(0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss0) / 1024
    warm = 1
    if len(answers.t["households"]) > 1_000_000:  # a province: a pandas coverage answer takes a minute or more
        n = {k: (g, min(pn, PROVINCE_PANDAS.get(k, 0))) for k, (g, pn) in n.items()}
        p["samples_capped"], warm = True, 0
    p["chain"], pchains = _timed(answers.chain, s["households"][: n["chain"][1]], warmup=1)
    for level, key in (("village", "villages"), ("town", "towns"), ("county", "counties"), ("province", "province")):
        p[f"coverage_{level}"], _ = _timed(answers.coverage, s[key][: n[f"coverage_{level}"][1]], warmup=warm)
        print(f"  pandas coverage of a {level}: p50 {p[f'coverage_{level}']['p50_ms']:,.0f} ms", flush=True)
    p["gap_page"], _ = _timed(answers.gap_page, s["counties"][: n["gap_page"][1]], warmup=warm)
    p["pairing"], _ = _timed(answers.pairing, s["villages"][: n["pairing"][1]], warmup=1)
    res["agreement"] = _agreement(store, answers, s, chains, pchains, few=bool(p.get("samples_capped")))
    return res


def _agreement(store: Any, answers: PandasAnswers, s: dict[str, Any], chains: list[Any],
               pchains: list[Any], *, few: bool = False) -> dict[str, Any]:
    """Do pandas and the graph give the same answers? (checked on the first samples)"""
    from partychain import services

    out: dict[str, Any] = {}
    same = 0
    for got, want in zip(chains, pchains, strict=False):
        if [tuple(c.values()) for c in got] == want:
            same += 1
    out["chains_equal"] = f"{same}/{len(pchains)}"
    cov_same = 0
    scopes = s["villages"][:1] + s["counties"][:1] if few else s["villages"][:3] + s["counties"][:2]
    for sc in scopes:
        gcov = {k: (v["covered"], v["total"]) for k, v in services.coverage(store, sc).items()}
        cov_same += gcov == answers.coverage(sc)
    out["coverage_equal"] = f"{cov_same}/{len(scopes)}"
    gap_same = 0
    for c in s["counties"][: 1 if few else 2]:
        page = services.gaps(store, c, "poor_households_not_driven", limit=50)
        gap_same += ([i["id"] for i in page["items"]], page["total"]) == answers.gap_page(c)
    out["gap_page_equal"] = f"{gap_same}/{1 if few else 2}"
    return out
