"""Empty ledger templates: one table per file (or sheet) with its headers, plus the dictionary."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Literal

from partychain.graph_model import TABLES, render_dictionary
from partychain.graph_model.ledger import Column, Table

DICTIONARY_SHEET = "_dictionary"  # sheets whose name starts with "_" are skipped when reading


Language = Literal["en", "zh"]


def table_name(table: Table, lang: Language = "en") -> str:
    """The file (or sheet) name of ``table`` in ``lang``; the reader accepts both.

    >>> from partychain.graph_model import TABLE_BY_NAME
    >>> table_name(TABLE_BY_NAME["party_orgs"]), table_name(TABLE_BY_NAME["party_orgs"], "zh")
    ('party_orgs', '党组织')
    """
    return table.zh if lang == "zh" else table.name


def header(column: Column, lang: Language = "en") -> str:
    """The header of ``column`` in ``lang`` (Chinese: its first alias); the reader accepts every alias.

    >>> from partychain.graph_model import TABLE_BY_NAME
    >>> [header(c, "zh") for c in TABLE_BY_NAME["party_orgs"].columns][:4]
    ['编号', '名称', '层级', '类型']
    """
    return column.aliases[0] if lang == "zh" and column.aliases else column.name


def write_templates(out_dir: Path, *, xlsx: bool = False, lang: Language = "en") -> list[Path]:
    """Write empty tables with headers into ``out_dir`` and return the files written.

    ``lang="zh"`` names the files and writes the headers in Chinese (the table's Chinese name, each
    column's first Chinese alias), as county ledgers are kept; the loader reads either.

    >>> import tempfile
    >>> files = write_templates(Path(tempfile.mkdtemp()))
    >>> sorted(f.name for f in files)[:3]
    ['base_members.csv', 'bases.csv', 'companies.csv']
    >>> files = write_templates(Path(tempfile.mkdtemp()), lang="zh")
    >>> orgs = next(f for f in files if f.name == "党组织.csv")
    >>> orgs.read_text(encoding="utf-8").split(",")[:4]
    ['编号', '名称', '层级', '类型']
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    if xlsx:
        import openpyxl

        wb = openpyxl.Workbook()
        wb.remove(wb.active)
        for t in TABLES:
            ws = wb.create_sheet(table_name(t, lang))
            ws.append([header(c, lang) for c in t.columns])
        ws = wb.create_sheet(DICTIONARY_SHEET)
        ws.append(["table", "column", "required", "type", "personal", "aliases", "meaning"])
        for t in TABLES:
            for c in t.columns:
                ws.append([t.name, c.name, "yes" if c.required else "", c.spec.type_label(), c.personal or "",
                           ", ".join(c.aliases), c.description])
        path = out_dir / "ledger.xlsx"
        wb.save(path)
        written.append(path)
    else:
        for t in TABLES:
            path = out_dir / f"{table_name(t, lang)}.csv"
            with path.open("w", encoding="utf-8", newline="") as fh:
                csv.writer(fh).writerow([header(c, lang) for c in t.columns])
            written.append(path)
    dictionary = out_dir / "data-dictionary.md"
    dictionary.write_text(render_dictionary(), encoding="utf-8")
    written.append(dictionary)
    return written
