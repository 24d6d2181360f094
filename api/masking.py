"""Masking of personal data in responses, decided from the model's personal-data flags only.

:func:`mask` walks any JSON value and masks every value whose key is a personal property:

* a dict that says what it is (``_label`` for a node, ``_type`` for a relationship, or the
  engine's raw ``_LABEL``) is masked by that label's own flags (``Village.name`` is not
  personal, ``PartyMember.name`` is);
* a dict under a key the endpoint declared (``labels={"items": "Household"}``) is masked by
  that label's flags;
* any other dict is masked by the union of all flags (:func:`graph_model.personal_properties`).

Query results (``/cypher``) are masked by :func:`mask_query_result`: node and relationship
values as above, and a column whose name mentions a personal property of *any* label (``m.name``,
``collect(h.id_number)``), or a name the query bound to such a value (``m.name AS x``, followed
through ``WITH``), has every string in it masked.  That is conservative — a village's ``v.name``
column is masked too, unless the village is returned as a node — and it is best effort: a property
name built at run time (``m['na' + 'me']``) or a predicate (``WHERE h.id_number STARTS WITH ...``)
can still reveal personal values, which is why researcher keys go to trusted researchers only.

The flags are read from the model on every call (:func:`graph_model.properties_of` caches them),
so a field newly flagged personal in ``graph_model`` is masked everywhere without touching
endpoint code.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from partychain import graph_model

LABEL_KEYS = ("_label", "_type", "_LABEL")
_WORD = re.compile(r"[^\W\d]\w*")  # identifiers, Unicode ones too (`AS 姓名`)


def mask_text(kind: str, value: str) -> str:
    """Mask one value of a personal kind.

    >>> mask_text("name", "张三"), mask_text("name", "欧阳修文")
    ('张*', '欧***')
    >>> mask_text("id_number", "999999197001010012")
    '999999**********12'
    >>> mask_text("phone", "13812345678")
    '138****5678'
    >>> mask_text("phone", "12345")
    '*****'
    """
    if kind == "name":
        return value[:1] + "*" * (len(value) - 1)
    if kind == "id_number":
        return value[:6] + "*" * 10 + value[-2:] if len(value) > 8 else "*" * len(value)
    if kind == "phone":
        return value[:3] + "****" + value[-4:] if len(value) > 7 else "*" * len(value)
    return "*" * len(value)  # a kind this module does not know yet: hide it all


def _mask_value(kind: str, value: Any) -> Any:
    if isinstance(value, str):
        return mask_text(kind, value)
    if isinstance(value, list):
        return [_mask_value(kind, v) for v in value]
    if isinstance(value, dict):
        return {k: (v if k in LABEL_KEYS else _mask_value(kind, v)) for k, v in value.items()}
    return value


Labels = str | Sequence[str]


def flags_of(label: Labels | None) -> dict[str, str] | None:
    """Personal properties of a node label or relationship type, or of several together.

    ``None`` when no label is given or one is not in the model.

    >>> flags_of("Household")
    {'head_name': 'name', 'id_number': 'id_number', 'phone': 'phone'}
    >>> flags_of(["Branch", "JointCommittee"]), flags_of("Nonsense")
    ({}, None)
    """
    if label is None:
        return None
    out: dict[str, str] = {}
    for one in ([label] if isinstance(label, str) else label):
        model = graph_model.NODES.get(one) or graph_model.RELS.get(one)
        if model is None:
            return None
        out.update({name: spec.personal for name, spec in graph_model.properties_of(model).items() if spec.personal})
    return out


def mask(value: Any, *, label: Labels | None = None, labels: Mapping[str, Labels] | None = None) -> Any:
    """``value`` with every personal field masked.

    ``label`` says what the top-level record is; ``labels`` maps keys to the label of the
    records found under them (anywhere in the tree).  Either may name several labels (a record
    that is one of them): their flags are united.

    >>> mask({"_label": "Village", "name": "甲村"})
    {'_label': 'Village', 'name': '甲村'}
    >>> mask({"items": [{"id": "HH-1", "head_name": "杨一"}]}, labels={"items": "Household"})
    {'items': [{'id': 'HH-1', 'head_name': '杨*'}]}
    >>> mask({"secretary": {"id": "PM-1", "name": "张三"}})
    {'secretary': {'id': 'PM-1', 'name': '张*'}}
    """
    hints = dict(labels or {})
    return _walk(value, label, hints, graph_model.personal_properties())


def _walk(value: Any, label: Labels | None, hints: Mapping[str, Labels], every: dict[str, str]) -> Any:
    if isinstance(value, list):
        return [_walk(v, label, hints, every) for v in value]
    if not isinstance(value, dict):
        return value
    own: Labels | None = next((value[k] for k in LABEL_KEYS if isinstance(value.get(k), str)), None) or label
    flags = flags_of(own)
    if flags is None:
        flags = every
    out = {}
    for k, v in value.items():
        if k in flags:
            out[k] = _mask_value(flags[k], v)
        else:
            out[k] = _walk(v, hints.get(k), hints, every)
    return out


_LEX = re.compile(r"//[^\n]*|/\*.*?(?:\*/|$)|'(?:\\.|[^'\\])*'?|\"(?:\\.|[^\"\\])*\"?|`[^`]*`?"
                  r"|\$?[^\W\d]\w*|\S", re.S)
_ITEM_START = frozenset({"WITH", "RETURN", "UNWIND", "DISTINCT", "YIELD"})


def _kind_of(kinds: set[str]) -> str:
    return kinds.pop() if len(kinds) == 1 else "name"  # the name mask hides the most


def personal_aliases(query: str, parameters: Mapping[str, Any] | None = None) -> dict[str, str]:
    """Names a query binds (``expr AS name``) to values derived from personal properties, with their kind.

    Taint follows bindings in order, so ``WITH m.name AS a RETURN a AS b`` marks both ``a`` and ``b``;
    a property named in a string (``m['name']``) or through a parameter (``m[$p]``) counts too.

    >>> personal_aliases("MATCH (m:PartyMember) WITH m.name AS a, m.id AS i RETURN a AS b, i")
    {'a': 'name', 'b': 'name'}
    >>> personal_aliases("MATCH (h:Household) RETURN h[$p] AS x", {"p": "id_number"})
    {'x': 'id_number'}
    """
    every = graph_model.personal_properties()
    via_params = {f"${k}": every[v] for k, v in (parameters or {}).items() if isinstance(v, str) and v in every}
    tokens = []
    for t in _LEX.findall(query):
        if t.startswith(("//", "/*")):
            continue
        tokens.append(t[1:].rstrip(t[0]) if t[:1] in "'\"`" else t)
    tainted: dict[str, str] = {}
    starts = [0]
    for i, t in enumerate(tokens):
        if t in ("(", "[", "{"):
            starts.append(i + 1)
        elif t in (")", "]", "}"):
            if len(starts) > 1:
                starts.pop()
        elif t == "," or t.upper() in _ITEM_START:
            starts[-1] = i + 1
        elif t.upper() == "AS" and i + 1 < len(tokens):
            kinds = set()
            for x in tokens[starts[-1]:i]:
                kind = every.get(x) or tainted.get(x) or via_params.get(x)
                if kind:
                    kinds.add(kind)
            if kinds:
                tainted[tokens[i + 1]] = _kind_of(kinds)
    return tainted


def column_kind(column: str, aliases: Mapping[str, str] | None = None) -> str | None:
    """The personal kind a query column's name mentions, if any (``name`` when it mentions several).

    >>> column_kind("m.name"), column_kind("collect(h.id_number)"), column_kind("v.code")
    ('name', 'id_number', None)
    >>> column_kind("x", {"x": "phone"})
    'phone'
    """
    every = graph_model.personal_properties()
    aliases = aliases or {}
    kinds = {k for w in _WORD.findall(column) if (k := every.get(w) or aliases.get(w))}
    if column in aliases:  # a quoted alias: `AS \`h.id\``
        kinds.add(aliases[column])
    return _kind_of(kinds) if kinds else None


def mask_query_result(result: Mapping[str, Any], *, query: str = "",
                      parameters: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A ``{"columns", "rows", ...}`` query result with personal values masked (see the module doc)."""
    aliases = personal_aliases(query, parameters) if query else {}
    kinds = [column_kind(c, aliases) for c in result.get("columns", [])]
    every = graph_model.personal_properties()
    rows = []
    for row in result.get("rows", []):
        out = []
        for i, v in enumerate(row):
            kind = kinds[i] if i < len(kinds) else None
            walked = _walk(v, None, {}, every)
            out.append(_mask_value(kind, walked) if kind else walked)
        rows.append(out)
    return {**result, "rows": rows}
