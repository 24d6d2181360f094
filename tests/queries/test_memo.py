"""Answers kept per graph version (services/memo.py): kept for one version of one engine, never across."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import pytest

from partychain.services import economy
from partychain.services.memo import memo


@dataclass
class _Store:
    engine: ClassVar[str] = "embedded"
    version: str

    def dataset(self) -> Any:
        return type("Info", (), {"version": self.version})()


class _OtherEngine(_Store):
    engine: ClassVar[str] = "neo4j"


def _counting() -> tuple[list[int], Any]:
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    return calls, compute


def test_an_answer_is_kept_per_version_and_engine() -> None:
    calls, compute = _counting()
    a, b = _Store("v1"), _Store("v1")
    assert memo("test-kept", a, "52", compute) == memo("test-kept", b, "52", compute) == 1  # same version
    assert memo("test-kept", _Store("v2"), "52", compute) == 2  # a load makes a new version: asked again
    assert memo("test-kept", _OtherEngine("v1"), "52", compute) == 3  # an imported Neo4j keeps the version id
    assert memo("test-kept", a, "5206", compute) == 4  # another scope
    assert memo("other-kind", a, "52", compute) == 5
    assert len(calls) == 5


def test_a_failure_is_not_kept() -> None:
    def boom() -> int:
        raise RuntimeError("the server went away")

    with pytest.raises(RuntimeError):
        memo("test-failure", _Store("v1"), "52", boom)
    assert memo("test-failure", _Store("v1"), "52", lambda: 7) == 7


def test_village_models_of_a_new_version_is_not_the_old_answer(mini_graph: Any, monkeypatch: Any) -> None:
    first = economy.village_models_of(mini_graph, "520628")
    first["520628101001"] = frozenset()  # the caller's copy: the kept answer is not changed
    assert economy.village_models_of(mini_graph, "520628")["520628101001"]
    monkeypatch.setattr(economy, "_village_models", lambda store, scope: {"x": frozenset({"m"})})
    assert economy.village_models_of(mini_graph, "520628") != {"x": frozenset({"m"})}  # kept
    monkeypatch.setattr(type(mini_graph), "dataset", lambda self: type("Info", (), {"version": "another"})())
    assert economy.village_models_of(mini_graph, "520628") == {"x": frozenset({"m"})}  # a new version: asked again


def test_a_hostile_scope_is_refused_before_anything_is_kept(mini_graph: Any) -> None:
    from partychain.errors import InvalidArgument
    from partychain.services import memo as memo_module

    before = len(memo_module._CACHE)
    for scope in ("520628' OR 1=1", "", "52" * 40, "５２"):
        with pytest.raises(InvalidArgument):
            economy.village_models_of(mini_graph, scope)
    assert len(memo_module._CACHE) == before


def test_a_flood_of_unknown_scopes_keeps_the_cache_bounded(mini_graph: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from partychain.services import memo as memo_module

    monkeypatch.setattr(memo_module, "SIZE", 16)  # the bound is read at each insertion; 256 would take ~20 s
    for n in range(memo_module.SIZE + 40):
        assert economy.village_models_of(mini_graph, f"5299{n:05d}") == {}  # well-formed, in no graph
    assert len(memo_module._CACHE) <= memo_module.SIZE
    assert economy.village_models_of(mini_graph, "520628")  # the real answer is still computed right
