"""The label table (``partychain/labels.json``) names everything the model, the queries and the services name.

The spreadsheets and the dashboard show these labels; a key missing from the table would show as a bare
English identifier in a Chinese workbook, so every key the code can produce is checked here in both
languages.
"""

from __future__ import annotations

import re
import typing

import pytest

from partychain import cypher, services
from partychain.graph_model import enums
from partychain.graph_model.metrics import METRICS
from partychain.labels import label, table
from partychain.services.figures import FigureRow


def _breaks_at() -> set[str]:
    """The values the chain-incomplete gap list writes in its ``breaks_at`` column (read from the query)."""
    text = cypher.get("list_poor_households_chain_incomplete").text
    case = text[text.index("CASE"):text.index("END AS breaks_at")]
    return set(re.findall(r"'(\w+)'", case))


KEYS = sorted(
    {f"metric.{m}" for m in services.COVERAGE_METRICS}
    | {f"gap.{k}" for k in services.GAP_KINDS}
    | {f"model.{m}" for m in services.MODELS}
    | {f"figure.{m.name}" for m in METRICS}
    | {f"unit.{m.unit}" for m in METRICS}
    | {f"org_level.{v.value}" for v in enums.OrgLevel}
    | {f"level.{v.value}" for v in enums.DivisionLevel}
    | {f"qualifier.{v.value}" for v in enums.FigureQualifier}
    | {f"status.{s}" for s in typing.get_args(typing.get_type_hints(FigureRow)["status"])}
    | {f"breaks_at.{b}" for b in _breaks_at()}
)


def test_the_breaks_at_values_are_read_from_the_query() -> None:
    assert _breaks_at() == {"member", "base", "party_org"}


@pytest.mark.parametrize("key", KEYS)
def test_every_key_has_a_label_in_both_languages(key: str) -> None:
    for lang in ("zh", "en"):
        assert key in table()[lang], f"labels.json has no {lang} label for {key!r}"
    if key != "unit.count":  # a count has no unit word in English ("3", not "3 count")
        assert re.search(r"[\u4e00-\u9fff]", label(key, "zh")), f"{key}: the Chinese label has no Chinese"


def test_both_languages_have_the_same_keys() -> None:
    assert set(table()["zh"]) == set(table()["en"])
