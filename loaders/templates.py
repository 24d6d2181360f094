"""Empty ledger templates: one table per file (or sheet) with its headers, plus the dictionary."""

from __future__ import annotations

import csv
from pathlib import Path

from partychain.graph_model import TABLES, render_dictionary

DICTIONARY_SHEET = "_dictionary"  # sheets whose name starts with "_" are skipped when reading


def write_templates(out_dir: Path, *, xlsx: bool = False) -> list[Path]:
    """Write empty tables with headers into ``out_dir`` and return the files written.

    >>> import tempfile
    >>> files = write_templates(Path(tempfile.mkdtemp()))
    >>> sorted(f.name for f in files)[:3]
    ['base_members.csv', 'bases.csv', 'companies.csv']
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    if xlsx:
        import openpyxl

        wb = openpyxl.Workbook()
        wb.remove(wb.active)
        for t in TABLES:
            ws = wb.create_sheet(t.name)
            ws.append([c.name for c in t.columns])
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
            path = out_dir / f"{t.name}.csv"
            with path.open("w", encoding="utf-8", newline="") as fh:
                csv.writer(fh).writerow([c.name for c in t.columns])
            written.append(path)
    dictionary = out_dir / "data-dictionary.md"
    dictionary.write_text(render_dictionary(), encoding="utf-8")
    written.append(dictionary)
    return written
