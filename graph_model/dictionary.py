"""Render the data dictionary (``docs/data-dictionary.md``) from the model."""

from __future__ import annotations

from .ledger import TABLES
from .nodes import NODE_TYPES
from .properties import PropertySpec, properties_of
from .relationships import REL_TYPES


def _range(spec: PropertySpec) -> str:
    parts = []
    if spec.ge is not None:
        parts.append(f"≥ {spec.ge:g}")
    if spec.le is not None:
        parts.append(f"≤ {spec.le:g}")
    if spec.meta.not_future:
        parts.append("not in the future")
    if spec.enum:
        parts.append(spec.accepted().replace("|", "\\|"))
    return "; ".join(parts)


def _personal(spec: PropertySpec) -> str:
    return f"{spec.personal} (personal-data store, not in the graph)" if spec.personal else ""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_dictionary() -> str:
    """The data dictionary as Markdown: ledger tables, node labels, relationship types."""
    lines = [
        "# Data dictionary",
        "",
        "Generated from `graph_model/` by `partychain dictionary`; do not edit by hand",
        "(a test fails when this file is stale).",
        "",
        "Personal fields (column *personal*) are read from the ledger but never stored in the graph:",
        "the loader writes them to the dataset version's personal-data store, keyed by the record's",
        "id, and only officers read them unmasked, through the API (see `docs/security.md`).",
        "",
        "## Ledger tables",
        "",
        "A ledger is a folder of tables, each `NAME.csv` (UTF-8, BOM tolerated) or a sheet `NAME`",
        "of one `.xlsx`. A missing table is empty, except `divisions`. Ids are unique across the",
        "whole ledger. Booleans accept true/false/1/0/是/否; lists are `;`-separated. A table may be",
        "named by its Chinese name (`党组织.csv`, sheet `党组织`), headers may be the English column",
        "name or one of its Chinese aliases, and enumerated values the English value or one of the",
        "Chinese labels and variants listed beside it (`male (男, M)`: 男 and M both read as male;",
        "`partychain templates DIR --lang zh` writes Chinese file names and headers).",
        "",
    ]
    for t in TABLES:
        lines += [f"### `{t.name}` ({t.zh})", "", t.description, ""]
        lines += ["| column | required | type | range / values | references | personal | aliases | meaning |",
                  "| --- | --- | --- | --- | --- | --- | --- | --- |"]
        for c in t.columns:
            refs = ""
            if c.ref:
                refs = " \\| ".join(c.ref.targets)
                if c.ref.rel:
                    arrow = f"-[:{c.ref.rel}]->" if c.ref.outgoing else f"<-[:{c.ref.rel}]-"
                    refs += f" (row {arrow} target)"
            lines.append(
                f"| `{c.name}` | {'yes' if c.required else ''} | {c.spec.type_label()} | {_cell(_range(c.spec))} "
                f"| {refs} | {c.personal or ''} | {', '.join(c.aliases)} | {_cell(c.description)} |"
            )
        lines.append("")
    lines += ["## Node labels", ""]
    for n in NODE_TYPES:
        lines += [f"### `{n.label()}` ({n.ZH}), key `{n.KEY}`", "", n.DESCRIPTION, "",
                  "| property | type | required | range / values | personal | meaning |",
                  "| --- | --- | --- | --- | --- | --- |"]
        for name, spec in properties_of(n).items():
            lines.append(f"| `{name}` | {spec.type_label()} | {'yes' if spec.required else ''} "
                         f"| {_cell(_range(spec))} | {_personal(spec)} | {_cell(spec.meta.description)} |")
        lines.append("")
    lines += ["## Relationship types", "", "| type | from → to | properties | meaning |", "| --- | --- | --- | --- |"]
    for r in REL_TYPES:
        ends = "<br>".join(f"{a} → {b}" for a, b in r.ENDPOINTS)
        props = ", ".join(f"`{k}` {v.type_label()}" for k, v in properties_of(r).items())
        lines.append(f"| `{r.TYPE}` | {ends} | {props} | {_cell(r.DESCRIPTION)} |")
    lines.append("")
    return "\n".join(lines)
