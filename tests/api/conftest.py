"""Fixtures of the API tests: the mini ledger in a real embedded store per test module, and clients per role."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from partychain.api.app import create_app
from partychain.loaders import check_ledger
from partychain.settings import Settings
from partychain.storage.embedded import EmbeddedStore
from partychain.testing import mini_ledger_path

KEYS = {"researcher": "rk-3f9c1e7a52d84b06", "officer": "ok-8b2d4f6a1c3e5709"}
PREFIX = "/api/v1"


def make_settings(tmp: Path | None = None, **overrides: Any) -> Settings:
    """Settings for tests: the two test keys, no .env file, no key file unless given."""
    values: dict[str, Any] = {
        "api_keys": ",".join(f"{k}:{role}" for role, k in KEYS.items()),
        "api_keys_file": None, "query_timeout_s": 2.0, "query_max_rows": 1000,
        "anonymous_rate": 1e6, "anonymous_burst": 1_000_000,  # tests send many anonymous requests
    }
    if tmp is not None:
        values["db"] = tmp
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def auth(role: str) -> dict[str, str]:
    """Headers of a request made with ``role``'s key (none for anonymous)."""
    return {"Authorization": f"Bearer {KEYS[role]}"} if role in KEYS else {}


# Researcher Cypher text in these modules is LadybugDB's dialect and exercises the embedded engine's
# sandbox (workers, memory limit); on Neo4j it is covered by tests/neo4j and the hostile corpus.
EMBEDDED_ONLY = frozenset({"test_cypher.py"})


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    keep, drop = [], []
    for item in items:
        param = getattr(item, "callspec", None)
        on_neo4j = param is not None and param.params.get("store") == "neo4j"
        (drop if on_neo4j and item.path.name in EMBEDDED_ONLY else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def load_mini(path: Path) -> EmbeddedStore:
    store = EmbeddedStore(path)
    store.load(check_ledger(mini_ledger_path()), source="mini")
    return store


@pytest.fixture(scope="module", params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The mini ledger in an embedded store of this test module's own, and on the session's Neo4j server."""
    if request.param == "neo4j":
        yield request.getfixturevalue("neo4j_graphs").holding("mini")
        return
    s = load_mini(tmp_path_factory.mktemp("api-graph") / "graph")
    yield s
    s.close()


@pytest.fixture(scope="module")
def app(store: Any) -> FastAPI:
    # A high failure limit: tests that send bad keys must not lock the others out.
    return create_app(store, make_settings(), auth_failures_per_minute=10_000)


@pytest.fixture(scope="module")
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


class Caller:
    """A client bound to a role: ``callers["researcher"].get("/coverage", params=...)``."""

    def __init__(self, client: TestClient, role: str) -> None:
        self.client, self.role = client, role

    def get(self, path: str, **kw: Any) -> Any:
        return self.client.get(PREFIX + path, headers={**auth(self.role), **kw.pop("headers", {})}, **kw)

    def post(self, path: str, **kw: Any) -> Any:
        return self.client.post(PREFIX + path, headers={**auth(self.role), **kw.pop("headers", {})}, **kw)


@pytest.fixture(scope="module")
def callers(client: TestClient) -> dict[str, Caller]:
    return {role: Caller(client, role) for role in ("anonymous", "researcher", "officer")}


@pytest.fixture(scope="session")
def keys() -> dict[str, str]:
    """The test API keys by role."""
    return dict(KEYS)


@pytest.fixture(scope="session")
def settings_for() -> Any:
    """``settings_for(tmp=None, **overrides)`` → test :class:`Settings`."""
    return make_settings


@pytest.fixture(scope="session")
def mini_loader() -> Any:
    """``mini_loader(path)`` → an embedded store at ``path`` holding the mini ledger."""
    return load_mini


@pytest.fixture(scope="session")
def caller_for() -> Any:
    """``caller_for(client, role)`` → a :class:`Caller`."""
    return Caller


# --- expected values, computed from the ledger's CSV tables with pandas ------------------------

TRUE = frozenset({"true", "1", "是", "yes", "y", "t", "√", "true.0", "1.0"})


def truthy(s: pd.Series) -> pd.Series:
    return s.str.strip().str.lower().isin(TRUE)


class Expected:
    """What the API should answer, derived from a ledger's tables (strings) without the graph."""

    def __init__(self, tables: dict[str, pd.DataFrame]) -> None:
        self.t = tables
        orgs = tables["party_orgs"]
        self.parent = dict(zip(orgs["id"], orgs["parent_id"], strict=True))
        self.level = dict(zip(orgs["id"], orgs["level"], strict=True))
        hh = tables["households"]
        self.poor = set(hh.loc[truthy(hh["poor"]), "id"])
        self.hh_village = dict(zip(hh["id"], hh["village_code"], strict=True))
        coops, companies = tables["cooperatives"], tables["companies"]
        self.run_by = {**dict(zip(coops["id"], coops["run_by"], strict=True)),
                       **dict(zip(companies["id"], companies["run_by"], strict=True))}
        self.led_by = dict(zip(coops["id"], coops["led_by"], strict=True))
        bases = tables["bases"]
        self.owner = dict(zip(bases["id"], bases["owner_id"], strict=True))
        self.drivers = tables["member_households"].groupby("household_id")["member_id"].apply(set).to_dict()
        self.bases_of_member = tables["base_members"].groupby("member_id")["base_id"].apply(set).to_dict()

    # --- organizations
    def ancestors(self, org_id: str) -> list[str]:
        out: list[str] = []
        cur = self.parent.get(org_id, "")
        while cur:
            out.append(cur)
            cur = self.parent.get(cur, "")
        return out

    def subtree(self, org_id: str) -> set[str]:
        """The organization and every organization under it."""
        return {o for o in self.parent if o == org_id or org_id in self.ancestors(o)}

    # --- chains
    def orgs_of(self, owner: str) -> list[str]:
        """The organizations running (a branch) or leading (a joint committee) a cooperative or company."""
        return sorted({x for x in (self.run_by.get(owner), self.led_by.get(owner)) if x})

    def chains(self, household_id: str) -> set[tuple[str | None, ...]]:
        out = set()
        for m in self.drivers.get(household_id, set()):
            bases = self.bases_of_member.get(m, set())
            if not bases:
                out.add((m, None, None, None, None, None, None))
            for b in bases:
                o = self.owner[b]
                for org in self.orgs_of(o) or [None]:
                    up = self.ancestors(org) if org else []
                    gb = next((x for x in up if self.level[x] == "general_branch"), None)
                    jc = org if org and self.level[org] == "joint_committee" else \
                        next((x for x in up if self.level[x] == "joint_committee"), None)
                    tc = next((x for x in up if self.level[x] == "town_committee"), None)
                    out.add((m, b, o, org, gb, jc, tc))
        return out

    def complete_with(self, rule: Any) -> set[str]:
        """Households with a complete chain whose organization satisfies ``rule`` (set-wise, as :meth:`chains`)."""
        owners = {o for o in self.owner.values() if any(rule(org) for org in self.orgs_of(o))}
        bases = {b for b, o in self.owner.items() if o in owners}
        members = {m for m, bs in self.bases_of_member.items() if bs & bases}
        return {h for h, ms in self.drivers.items() if ms & members}

    @cached_property
    def complete(self) -> set[str]:
        """Households with a complete chain: household ← member ← base ← owner ← an organization running or
        leading the owner."""
        return self.complete_with(lambda org: True)

    @cached_property
    def complete_under_joint_committee(self) -> set[str]:
        return self.complete_with(lambda org: self.level[org] == "joint_committee" or any(
            self.level[x] == "joint_committee" for x in self.ancestors(org)))

    def chain_complete(self, household_id: str) -> bool:
        return household_id in self.complete

    # --- scope
    def households_in(self, scope: str) -> pd.DataFrame:
        hh = self.t["households"]
        return hh[hh["village_code"].str.startswith(scope)]

    def located_in(self, table: str, scope: str) -> pd.DataFrame:
        df = self.t[table]
        return df[df["village_code"].str.startswith(scope)]

    def coverage(self, scope: str) -> dict[str, tuple[int, int]]:
        coops = self.located_in("cooperatives", scope)
        run = (coops["run_by"] != "") | (coops["led_by"] != "")
        demo = truthy(coops["demo_point"])
        hh = self.households_in(scope)
        driven = hh["id"].isin(self.drivers)
        poor = hh["id"].isin(self.poor)
        bases = self.located_in("bases", scope)
        linked = bases["id"].isin(self.t["base_members"]["base_id"])
        complete = sum(self.chain_complete(h) for h in hh.loc[poor, "id"])
        under_jc = sum(h in self.complete_under_joint_committee for h in hh.loc[poor, "id"])
        return {
            "cooperative_party_org": (int(run.sum()), len(coops)),
            "demo_point_party_org": (int((demo & run).sum()), int(demo.sum())),
            "poor_households_driven": (int((poor & driven).sum()), int(poor.sum())),
            "households_driven": (int(driven.sum()), len(hh)),
            "bases_linked": (int(linked.sum()), len(bases)),
            "poor_chain_complete": (complete, int(poor.sum())),
            "poor_chain_joint_committee": (under_jc, int(poor.sum())),
        }

    def gap_ids(self, scope: str, kind: str) -> list[str]:
        if kind in ("cooperatives_without_org", "demo_points_without_org"):
            coops = self.located_in("cooperatives", scope)
            gap = coops[(coops["run_by"] == "") & (coops["led_by"] == "")]
            if kind == "demo_points_without_org":
                gap = gap[truthy(gap["demo_point"])]
            return sorted(gap["id"])
        if kind == "bases_without_member":
            bases = self.located_in("bases", scope)
            return sorted(bases.loc[~bases["id"].isin(self.t["base_members"]["base_id"]), "id"])
        if kind == "members_driving_nobody":
            members = self.located_in("members", scope)
            return sorted(members.loc[~members["id"].isin(self.t["member_households"]["member_id"]), "id"])
        hh = self.households_in(scope)
        poor = hh[hh["id"].isin(self.poor)]
        if kind == "poor_households_not_driven":
            return sorted(poor.loc[~poor["id"].isin(self.drivers), "id"])
        assert kind == "poor_households_chain_incomplete", kind
        return sorted(h for h in poor["id"] if not self.chain_complete(h))

    def model_counts(self, scope: str) -> dict[str, int]:
        t = self.t
        joined = t["cooperative_households"]
        poor_joined = set(joined.loc[joined["household_id"].isin(self.poor), "cooperative_id"])
        held = set(t["shareholdings"]["holder_of"])
        coops = self.located_in("cooperatives", scope)
        m1 = coops[(coops["led_by"] != "") & coops["id"].isin(poor_joined)]
        m2 = coops[(coops["run_by"] != "") & (coops["kind"] == "specialized") & coops["id"].isin(held)
                   & coops["id"].isin(poor_joined)]
        companies = self.located_in("companies", scope)
        employed_bases = set(t["employment"]["base_id"])
        with_households = {self.owner[b] for b in employed_bases}
        joined_coops = set(joined["cooperative_id"])
        contracts = t["contracts"]
        with_households |= set(contracts.loc[contracts["cooperative_id"].isin(joined_coops), "company_id"])
        orgs = t["party_orgs"].set_index("id")
        village_branches = orgs[(orgs["level"] == "branch") & (orgs["kind"] == "village")]
        shares = t["shareholdings"]
        m3 = 0
        for p in companies.loc[companies["id"].isin(held) & companies["id"].isin(with_households), "id"]:
            partners = {self.run_by[p]} - {""}  # the company's own branch,
            holders = set(shares.loc[shares["holder_of"] == p, "village_code"])
            partners |= {b for b, covers in village_branches["covers"].items()  # a village branch through shares
                         if holders & set(filter(None, covers.split(";")))}
            contracted = set(contracts.loc[contracts["company_id"] == p, "cooperative_id"])
            partners |= {b for b in village_branches.index  # or through an order contract
                         if any(self.run_by.get(c) == b for c in contracted)}
            m3 += len(partners)
        m4 = 0
        for _, g in orgs[(orgs["level"] == "group") & (orgs["kind"] == "industry")].iterrows():
            parent = g["parent_id"]
            if parent and orgs.loc[parent, "level"] == "branch" and orgs.loc[parent, "kind"] == "village":
                seat = g["seat_code"] or orgs.loc[parent, "seat_code"]
                m4 += seat.startswith(scope)
        return {"jc_coop_poor": len(m1), "branch_specialized_coop_collective_poor": len(m2),
                "branch_company_collective_households": m3, "village_branch_industry_group": m4}

    def downstream(self, org_id: str) -> dict[str, int]:
        under = self.subtree(org_id)
        coops = self.t["cooperatives"]
        c = set(coops.loc[coops["run_by"].isin(under) | coops["led_by"].isin(under), "id"])
        companies = self.t["companies"]
        p = set(companies.loc[companies["run_by"].isin(under), "id"])
        bases = {b for b, o in self.owner.items() if o in c | p}
        bm = self.t["base_members"]
        members = set(bm.loc[bm["base_id"].isin(bases), "member_id"])
        mh = self.t["member_households"]
        households = set(mh.loc[mh["member_id"].isin(members), "household_id"])
        return {"orgs": len(under) - 1, "cooperatives": len(c), "companies": len(p), "bases": len(bases),
                "members": len(members), "households": len(households),
                "poor_households": len(households & self.poor)}

    def pairings(self, code: str) -> tuple[list[str], list[str]]:
        p = self.t["pairings"]
        weak = sorted(p.loc[p["strong_code"] == code, "weak_code"])
        return weak, sorted(p.loc[p["weak_code"] == code, "strong_code"])

    def search(self, q: str) -> list[str]:
        d = self.t["divisions"]
        town = dict(zip(d["code"], d["name"], strict=True))
        v = d[d["level"] == "village"]
        hit = v["name"].str.contains(q, regex=False) | v["parent_code"].map(town).str.contains(q, regex=False)
        return sorted(v.loc[hit, "code"])

    def industry_totals(self, scope: str) -> dict[str, dict[str, Any]]:
        out = {}
        ind = self.t["industries"]
        coops, companies = self.located_in("cooperatives", scope), self.located_in("companies", scope)
        bases = self.located_in("bases", scope)
        emp = self.t["employment"]
        for code, unit in zip(ind["code"], ind["unit"], strict=True):
            b = bases[bases["industry"] == code]
            same_unit = b[(b["unit"] == unit) | (b["unit"] == "")]
            e = emp[emp["base_id"].isin(b["id"])]
            out[code] = {"cooperatives": int((coops["industry"] == code).sum()),
                         "companies": int((companies["industry"] == code).sum()), "bases": len(b),
                         "scale": float(pd.to_numeric(same_unit["scale"]).fillna(0).sum()),
                         "households_employed": e["household_id"].nunique(),
                         "person_times": int(pd.to_numeric(e["person_times"]).sum())}
        return out


@pytest.fixture(scope="session")
def expected_for() -> Any:
    """``expected_for(tables)`` → :class:`Expected`."""
    return Expected
