"""Parity of the two engines on the session's Neo4j server: every named query and every answer built from them.

For the mini ledger and the Songtao sample, each in the embedded engine and in Neo4j:

* **every query in the catalog** (``cypher.names()``), run with at least five parameter sets that
  :class:`Sampler` draws from the graph for the parameters the query's header declares, empty
  scopes and unknown ids included (the scope's province prefix and short unknown code on the mini
  ledger only), returns the same rows on both engines: in the same order where
  the query's final ``RETURN`` has an ``ORDER BY``, as multisets where it does not.  A query whose
  parameter the sampler does not know fails with the parameter's declaration, so a new query or
  parameter cannot slip by unchecked;
* counts, the checksum, the reported-vs-computed figures, coverage, every gap list, household
  chains, linkage models and pairings are equal.

Values are compared by type too (``0`` is not ``0.0``); floats to nine decimals; a list inside a
row (a ``collect()``) as a multiset.

The same harness checks the **bulk import** path (marked ``trial``: ``pytest -m trial``): for each
sample, ``partychain export DIR --format neo4j-admin`` from the embedded store, ``partychain neo4j
import DIR --data D`` (Neo4j's own importer) into a fresh store, ``partychain neo4j start --data D``
(which creates the constraints), and every test below against that server.
"""

from __future__ import annotations

import json
import os
import random
import re
import secrets
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from partychain import cypher, services
from partychain.errors import PartychainError
from partychain.graph_model import DIVISION_LABELS, NODES, PARTY_ORG_LABELS
from partychain.services.figures import figures
from partychain.storage.base import GraphStore
from partychain.storage.neo4j import DATASET_LABEL, Neo4jStore

pytestmark = pytest.mark.neo4j

SEED = 20210408
MIN_SETS = 5
UNKNOWN_CODE = "520699999999"  # a well-formed village code of a county the samples do not hold
UNKNOWN_ID = "NO-SUCH-ID-1"


def declared(name: str) -> dict[str, str]:
    """The parameters a query's header declares, with their declarations (``- $name: text``)."""
    q = cypher.get(name)
    out = {}
    for line in q.header.splitlines():
        m = re.match(r"-\s*\$(\w+)\s*:\s*(.*)", line.strip())
        if m and m.group(1) in q.parameters:
            out[m.group(1)] = m.group(2)
    assert list(out) == q.parameters, (name, out, q.parameters)
    return out


def ordered(name: str) -> bool:
    """Whether the query's final ``RETURN`` orders its rows."""
    text = "\n".join(line for line in cypher.get(name).text.splitlines() if not line.lstrip().startswith("//"))
    tail = re.split(r"\bRETURN\b", text, flags=re.IGNORECASE)[-1]
    return re.search(r"\bORDER\s+BY\b", tail, flags=re.IGNORECASE) is not None


@dataclass
class Sampler:
    """Parameter values drawn from a loaded graph (the embedded one), by the declared parameter."""

    store: GraphStore
    rng: random.Random = field(default_factory=lambda: random.Random(SEED))
    every_scope_shape: bool = True  # False: see values("scope")

    def keys(self, label: str, n: int = 3) -> list[str]:
        """``n`` keys of ``label``: the best-connected node's first (so that queries about one node find
        something), then random ones."""
        key = NODES[label].KEY
        found = [r[0] for r in self.store.run(f"MATCH (x:{label}) RETURN x.{key} ORDER BY x.{key}").rows]
        top = self.store.run(f"MATCH (x:{label})--() RETURN x.{key} AS k, count(*) AS d "
                             "ORDER BY d DESC, k LIMIT 1").rows
        rest = [k for k in found if not top or k != top[0][0]]
        return [r[0] for r in top][:n] + self.rng.sample(rest, min(n - len(top[:n]), len(rest)))

    def names(self, label: str, n: int = 2) -> list[str]:
        found = [r[0] for r in self.store.run(f"MATCH (x:{label}) RETURN x.name ORDER BY x.name").rows if r[0]]
        return self.rng.sample(found, min(n, len(found)))

    def values(self, param: str, declaration: str) -> list[Any]:
        """At least one real value and the edge cases (empty, unknown) for one declared parameter."""
        low = declaration.lower()
        if "list of" in low:
            if "code" in param or "village code" in low:
                real = self.keys("Village", 4)
            else:
                real = [k for label in ("Cooperative", "Household", "Branch", "Village") for k in self.keys(label, 1)]
            return [[], real, [UNKNOWN_CODE, UNKNOWN_ID], real[:1]]
        if param == "skip":  # no page far past the end: see test_embedded_engine_survives_a_far_page
            return [0, 0, 2, 1]
        if param == "limit":
            return [1000, 3, 1, 100]
        if param == "scope":
            county, town, village = (self.keys(label, 1)[0] for label in DIVISION_LABELS)
            if not self.every_scope_shape:
                # the Songtao sample is one county: its province prefix selects the county again (the largest
                # answers twice), and a town-length unknown code is the unknown code again; the mini ledger
                # runs both shapes
                return ["", county, town, village, UNKNOWN_CODE]
            return ["", county, town, village, county[:2], UNKNOWN_CODE, UNKNOWN_CODE[:9]]
        if param == "roots":
            return [0, 1]
        if param == "level":  # a division level, or '' for every level
            return ["", "county", "town", "village", "province"]
        if param == "q":
            village, town = self.names("Village", 1)[0], self.names("Town", 1)[0]
            return ["", village[:1], town, village, "不存在的村"]
        if param == "code" or param.endswith("_code"):
            labels = ["Village"] if "village" in param or "village" in low.split(";")[0] else list(DIVISION_LABELS)
            return [k for label in labels for k in self.keys(label, 2)] + [UNKNOWN_CODE, ""]
        if param.endswith("_id"):
            prefix = "".join(part.title() for part in param[:-3].split("_"))
            prefix = {"Member": "PartyMember"}.get(prefix, prefix)
            labels = list(PARTY_ORG_LABELS) if prefix == "Org" else [prefix] if prefix in NODES else []
            if labels:
                return [k for label in labels for k in self.keys(label, 2)] + [UNKNOWN_ID, ""]
        pytest.fail(f"the parity harness cannot sample ${param} ({declaration!r}): teach Sampler.values", pytrace=False)
        return []  # unreachable

    def parameter_sets(self, name: str) -> list[dict[str, Any]]:
        """At least :data:`MIN_SETS` parameter sets; every value of every parameter appears in one."""
        decl = declared(name)
        if not decl:
            return [{}]
        values = {p: self.values(p, d) for p, d in decl.items()}
        n = max(MIN_SETS, *(len(v) for v in values.values()))
        return [{p: v[i % len(v)] for p, v in values.items()} for i in range(n)]


def canonical(v: Any, *, top: bool = True) -> Any:
    """Floats to nine decimals; a list inside a row as a multiset (``collect()`` has no order on
    either engine, and the queries do not promise one)."""
    if isinstance(v, float):
        return round(v, 9)
    if isinstance(v, list | tuple):
        items = [canonical(x, top=False) for x in v]
        return items if top else sorted(items, key=lambda x: json.dumps(x, sort_keys=True, ensure_ascii=False))
    if isinstance(v, dict):
        return {k: canonical(x, top=False) for k, x in v.items()}
    return v


def rows_of(store: GraphStore, name: str, params: dict[str, Any]) -> list[str] | str:
    """The rows as JSON text (types kept), or the error class when the engine refuses the parameters."""
    try:
        res = store.named(name, **params)
    except PartychainError as e:
        return f"error: {type(e).__name__}"
    recs = res.records()
    if name == "count_nodes":  # labels(n) is a one-element list on Neo4j; the manifest is Neo4j's own
        recs = [{**r, "label": r["label"][0] if isinstance(r["label"], list) else r["label"]} for r in recs]
        recs = [r for r in recs if r["label"] != DATASET_LABEL]
    return [json.dumps(canonical(r), sort_keys=True, ensure_ascii=False) for r in recs]


@dataclass
class Engines:
    dataset: str
    embedded: GraphStore
    neo4j: GraphStore
    sampler: Sampler


class ImportedServers:
    """Neo4j servers built offline from an export of an embedded store, through the CLI; one runs at a time."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.password = secrets.token_urlsafe(18)
        self.running: Path | None = None
        self.store: Neo4jStore | None = None

    def _cli(self, *args: str, engine: str = "embedded") -> str:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PARTYCHAIN_NEO4J_")}
        env.update(PARTYCHAIN_ENGINE=engine, PARTYCHAIN_NEO4J_PASSWORD=self.password,
                   PARTYCHAIN_DB=str(self.root / "personal"))
        proc = subprocess.run([sys.executable, "-m", "partychain.cli", *args], env=env, capture_output=True,
                              text=True, timeout=3600, check=False)
        assert proc.returncode == 0, (args, proc.stderr[-3000:])
        return proc.stdout.strip()

    def serving(self, name: str, embedded: Any) -> Neo4jStore:
        self.close()
        export, data = self.root / f"{name}-export", self.root / f"{name}-neo4j"
        self._cli("export", str(export), "--format", "neo4j-admin", "--db", str(embedded.path))
        self._cli("neo4j", "import", str(export), "--data", str(data))
        self.running = data
        uri = self._cli("neo4j", "start", "--data", str(data), "--port", "0", "--heap", "1g", "--pagecache", "256m")
        self.store = Neo4jStore(uri, password=self.password, personal_dir=self.root / "personal")
        return self.store

    def close(self) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None
        if self.running is not None:
            self._cli("neo4j", "stop", "--data", str(self.running))
            self.running = None


@pytest.fixture(scope="module")
def imported_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ImportedServers]:
    missing = [tool for tool in ("java", "mvn") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"the bulk import needs {' and '.join(missing)} on the PATH")
    servers = ImportedServers(tmp_path_factory.mktemp("imported"))
    yield servers
    servers.close()


@pytest.fixture(scope="module", params=["mini", "songtao",
                                        pytest.param("mini-imported", marks=pytest.mark.trial),
                                        pytest.param("songtao-imported", marks=pytest.mark.trial)])
def engines(request: pytest.FixtureRequest, neo4j_graphs: Any) -> Engines:
    sample = request.param.removesuffix("-imported")
    emb = request.getfixturevalue("mini_graph" if sample == "mini" else "songtao_graph")
    if request.param.endswith("-imported"):
        neo = request.getfixturevalue("imported_servers").serving(sample, emb)
    elif sample == "mini":
        neo = neo4j_graphs.holding("mini")
    else:
        neo = neo4j_graphs.holding("songtao", request.getfixturevalue("songtao_path"))
    return Engines(request.param, emb, neo, Sampler(emb, every_scope_shape=sample == "mini"))


@pytest.mark.parametrize("name", cypher.names())
def test_query_returns_the_same_rows(engines: Engines, name: str) -> None:
    sets = engines.sampler.parameter_sets(name)
    assert len(sets) >= MIN_SETS or not declared(name)
    in_order = ordered(name)
    for params in sets:
        emb, neo = rows_of(engines.embedded, name, params), rows_of(engines.neo4j, name, params)
        if in_order or isinstance(emb, str) or isinstance(neo, str):  # an error on either side: shown as such
            assert neo == emb, (engines.dataset, name, params)
        else:
            assert Counter(neo) == Counter(emb), (engines.dataset, name, params)


def test_counts_and_checksum_are_equal(engines: Engines) -> None:
    assert engines.neo4j.counts() == engines.embedded.counts()
    assert engines.neo4j.checksum() == engines.embedded.checksum()
    a, b = engines.neo4j.dataset(), engines.embedded.dataset()
    assert a is not None and b is not None
    assert (a.fingerprint, a.nodes, a.relationships, a.rows_in) == (b.fingerprint, b.nodes, b.relationships, b.rows_in)


def scopes(engines: Engines) -> list[str]:
    """Division codes for the answers built from queries (which refuse ``''``): the province, a county,
    town and village of the graph, and a county the graph does not hold."""
    s = engines.sampler
    return ["52", *(s.keys(label, 2)[0] for label in DIVISION_LABELS), UNKNOWN_CODE[:6]]


def test_figures_and_coverage_are_equal(engines: Engines) -> None:
    for scope in scopes(engines):
        assert [r.to_dict() for r in figures(engines.neo4j, scope=scope, include_unreported=True)] == \
            [r.to_dict() for r in figures(engines.embedded, scope=scope, include_unreported=True)], scope
        assert services.coverage(engines.neo4j, scope) == services.coverage(engines.embedded, scope), scope
        assert services.model_counts(engines.neo4j, scope) == services.model_counts(engines.embedded, scope), scope
        assert services.industry_totals(engines.neo4j, scope) == services.industry_totals(engines.embedded, scope)


def test_gap_lists_are_equal_page_by_page(engines: Engines) -> None:
    for scope in scopes(engines)[1:3]:
        for kind in services.GAP_KINDS:
            ca = cb = None  # each engine's own cursors: they are signed for its own graph version
            for _ in range(2):
                a = services.gaps(engines.neo4j, scope, kind, limit=50, cursor=ca)
                b = services.gaps(engines.embedded, scope, kind, limit=50, cursor=cb)
                assert (a["items"], a["total"]) == (b["items"], b["total"]), (scope, kind, ca)
                assert (a["next_cursor"] is None) == (b["next_cursor"] is None)
                ca, cb = a["next_cursor"], b["next_cursor"]
                if ca is None:
                    break


def test_models_chains_and_pairings_are_equal(engines: Engines) -> None:
    s = engines.sampler
    for scope in scopes(engines)[:3]:
        for model in services.MODELS:
            a = services.model_instances(engines.neo4j, scope, model, limit=100)
            b = services.model_instances(engines.embedded, scope, model, limit=100)
            assert (a["items"], a["total"]) == (b["items"], b["total"]), (scope, model)
    households = s.keys("Household", 20)
    for hh in households:
        assert services.household_chains(engines.neo4j, hh) == services.household_chains(engines.embedded, hh), hh
    for code in s.keys("Village", 20):
        assert services.pairings(engines.neo4j, code) == services.pairings(engines.embedded, code), code
    for org_id in [k for label in PARTY_ORG_LABELS for k in s.keys(label, 2)]:
        assert services.org_downstream(engines.neo4j, org_id) == services.org_downstream(engines.embedded, org_id)
        assert services.org_tree(engines.neo4j, org_id) == services.org_tree(engines.embedded, org_id)


def test_embedded_engine_survives_a_far_page(tmp_path: Any) -> None:
    """Found by this harness: the embedded engine (ladybug 0.22.0) crashes the *process* (SIGSEGV) when a
    paged query runs with ``skip`` far past the end right after the same query ran with another scope
    and a small page.  Nothing outside can ask it to: every offset comes from a cursor signed for one list
    of one graph version and below the list's total (:mod:`partychain.services.cursors`).  Run in a child
    process; xfail while the engine crashes."""
    import subprocess
    import sys

    code = ("from partychain.testing import mini_store\n"
            "s = mini_store()\n"
            "s.named('list_bases_without_member', scope='520628101', skip=2, limit=1)\n"
            "s.named('list_bases_without_member', scope='520628102002', skip=1000000, limit=100)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=120, check=False)
    if proc.returncode < 0:
        pytest.xfail(f"the embedded engine crashed with signal {-proc.returncode} (known bug, reported)")
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
