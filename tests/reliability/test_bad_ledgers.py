"""The bad-ledger corpus: every case gives the expected exit code and problems, and never touches the graph.

For each case of ``tests/data/bad_ledgers``:

* ``partychain validate`` (table output) and ``partychain load --format json`` exit with the
  case's code; the JSON names the expected table, row, column and message;
* a rejected ledger leaves the previously loaded graph as it was (checksum and version);
* a ledger that must load does, and reads back the expected values;
* rows are accounted for: per table, the data rows counted in the file independently are
  ``rows_in``; a loaded ledger has ``rows_in == rows_loaded + rows_skipped`` with
  ``rows_loaded`` equal to the nodes or relationships of that table in the graph; a
  rejected one has ``rows_rejected`` equal to the rows named by its errors.

A case is a folder holding ``case.toml`` and only the files that differ from the bundled mini
ledger (a file given replaces the mini ledger's; ``remove`` lists globs of files to delete).
``case.toml`` holds ``description``, ``valid``, ``exit`` (of validate and load: 0, 1 invalid,
2 unreadable), ``[[expect]]`` problems (``table``, ``row``, ``column``, ``message`` fragment,
``severity``), ``warnings = []`` when a loading case must warn about nothing, ``values``
([label, key, property, value] read back after the load) and ``title_rows`` (per table, rows
above the header, for the independent row count).  Workbook cases are described
declaratively under ``[xlsx]`` and written by the test with openpyxl, from the mini ledger
(with the case's CSV files applied):

* ``file`` (default ``ledger.xlsx``) or ``copies`` (several file names): where to write it;
* ``tables``: only these tables become sheets (default: all); ``keep_csv``: keep the CSV files;
* ``sheet_names = "zh"``: name sheets by the Chinese table names;
* ``numbers_as_text``: number cells stored as text (Excel's green triangles);
* ``[[xlsx.ops]]``, applied in order: ``set`` (sheet, cell, ``value`` or ISO ``date``),
  ``title_row`` (sheet, text: a title row merged across the top), ``merge`` (sheet, range),
  ``blank_rows`` (sheet, count: formatted but empty rows at the end), ``sheet`` (name, rows).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from partychain.cli import app
from partychain.errors import LedgerInvalid
from partychain.graph_model import NODES, TABLE_BY_NAME, TABLES, personal_properties_of
from partychain.loaders import check_ledger
from partychain.storage.embedded import EmbeddedStore
from partychain.testing import mini_ledger_path

runner = CliRunner()


CORPUS = Path(__file__).resolve().parents[1] / "data" / "bad_ledgers"


@dataclass
class Case:
    name: str
    folder: Path
    description: str
    valid: bool
    exit: int
    expect: list[dict[str, Any]]
    values: list[list[Any]] = field(default_factory=list)
    warnings: list[str] | None = None  # exactly these warnings (when given)
    remove: list[str] = field(default_factory=list)
    title_rows: dict[str, int] = field(default_factory=dict)
    xlsx: dict[str, Any] | None = None


def load_cases() -> list[Case]:
    cases = []
    for d in sorted(p for p in CORPUS.iterdir() if (p / "case.toml").exists()):
        spec = tomllib.loads((d / "case.toml").read_text(encoding="utf-8"))
        cases.append(Case(name=d.name, folder=d, description=spec["description"], valid=spec["valid"],
                          exit=spec["exit"], expect=spec.get("expect", []), values=spec.get("values", []),
                          warnings=spec.get("warnings"), remove=spec.get("remove", []),
                          title_rows=spec.get("title_rows", {}), xlsx=spec.get("xlsx")))
    return cases


def _typed(table: str, column: str, text: str, as_text: bool) -> Any:
    """A CSV cell as the value a clerk's workbook would hold: numbers as numbers, unless stored as text."""
    t = TABLE_BY_NAME[table]
    spec = next((c.spec for c in t.columns if c.name == column), None)
    if as_text or spec is None or spec.type not in ("int", "float") or text == "":
        return text or None
    try:
        return int(text) if spec.type == "int" else float(text)
    except ValueError:
        return text


def write_workbook(ledger: Path, spec: dict[str, Any]) -> None:
    import csv

    import openpyxl

    tables = spec.get("tables") or sorted(p.stem for p in ledger.glob("*.csv"))
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    sheets = {}
    for name in tables:
        with open(ledger / f"{name}.csv", encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        title = TABLE_BY_NAME[name].zh if spec.get("sheet_names") == "zh" else name
        ws = wb.create_sheet(title)
        sheets[name] = ws
        header = rows[0]
        ws.append(header)
        for r in rows[1:]:
            ws.append([_typed(name, c, v, spec.get("numbers_as_text", False)) for c, v in zip(header, r, strict=True)])
    for op in spec.get("ops", []):
        kind = op["op"]
        if kind == "sheet":
            ws = wb.create_sheet(op["name"])
            for r in op["rows"]:
                ws.append(r)
            continue
        ws = sheets[op["sheet"]]
        if kind == "set":
            cell = ws[op["cell"]]
            if "date" in op:
                cell.value = dt.datetime.fromisoformat(op["date"])
                cell.number_format = "yyyy-mm-dd"
            else:
                cell.value = op["value"]
                cell.number_format = "General"
        elif kind == "title_row":
            width = ws.max_column
            ws.insert_rows(1)
            ws.cell(row=1, column=1, value=op["text"])
            ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
        elif kind == "merge":
            ws.merge_cells(op["range"])
        elif kind == "blank_rows":
            start = ws.max_row + 1
            for r in range(start, start + op["count"]):
                for c in range(1, ws.max_column + 1):
                    ws.cell(row=r, column=c).number_format = "@"  # styled, no value: Excel keeps such rows
        else:
            raise ValueError(f"unknown xlsx op {kind!r}")
    names = spec.get("copies") or [spec.get("file", "ledger.xlsx")]
    for n in names:
        wb.save(ledger / n)
    if not spec.get("keep_csv"):
        for name in tables:
            (ledger / f"{name}.csv").unlink()


def build_case(case: Case, dst: Path) -> Path:
    """The case as a ledger folder: the mini ledger, the case's files over it, then removals and the workbook."""
    shutil.copytree(mini_ledger_path(), dst)
    for pattern in case.remove:
        for f in dst.glob(pattern):
            f.unlink()
    for f in case.folder.iterdir():
        if f.name != "case.toml":
            shutil.copy(f, dst / f.name)
    if case.xlsx is not None:
        write_workbook(dst, case.xlsx)
    return dst


CASES = load_cases()



def cli(*args: str) -> tuple[int, str, str]:
    res = runner.invoke(app, list(args))
    if res.exception is not None and not isinstance(res.exception, SystemExit):
        raise res.exception
    return res.exit_code, res.stdout, res.stderr


Graph = tuple[Path, str, str, Any]  # (directory, checksum, version, counts) of the mini ledger's graph


@pytest.fixture(scope="module")
def loaded_db(tmp_path_factory: pytest.TempPathFactory) -> Graph:
    """A graph directory holding the mini ledger: (path, checksum, version, counts)."""
    db = tmp_path_factory.mktemp("corpus") / "db"
    code, out, _ = cli("load", str(mini_ledger_path()), "--db", str(db), "--format", "json")
    assert code == 0, out
    store = EmbeddedStore(db)
    info = store.dataset()
    assert info is not None
    checksum, counts = store.checksum(), store.counts()
    store.close()
    return db, checksum, info.version, counts


def matches(p: dict[str, Any], e: dict[str, Any]) -> bool:
    return (e["message"] in p["reason"] and all(p[k] == e[k] for k in ("table", "row", "column") if k in e)
            and p["severity"] == e.get("severity", "error"))


def file_rows(ledger: Path, case: Case) -> dict[str, int]:
    """Data rows per table counted straight from the files (csv module / openpyxl), title rows excluded."""
    counts: dict[str, int] = {}
    names = {t.name: t.name for t in TABLES} | {t.zh: t.name for t in TABLES}
    for f in ledger.glob("*.csv"):
        data = f.read_bytes()
        if f.stem not in names or data[:2] == b"PK":
            continue
        if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
            text = data.decode("utf-16")
        else:
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                continue  # reported as a whole file
        first = text.split("\n", 1)[0]
        delim = "\t" if "\t" in first and "," not in first else ","
        try:
            records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delim, strict=True))
        except csv.Error:
            continue  # reported as a whole file
        counts[f.stem] = max(0, len(records) - 1 - case.title_rows.get(f.stem, 0))
    for book in ledger.glob("*.xlsx"):
        import openpyxl

        wb = openpyxl.load_workbook(book, read_only=True)
        for ws in wb.worksheets:
            if ws.title in names:
                n = sum(1 for _ in ws.iter_rows(values_only=True))
                counts[names[ws.title]] = max(0, n - 1 - case.title_rows.get(names[ws.title], 0))
        wb.close()
    return counts


def graph_rows(store: EmbeddedStore) -> dict[str, int]:
    """Per ledger table, the nodes (node tables) or relationships (link tables) it produced in the graph."""
    nodes, rels = store.counts()
    return {t.name: sum(nodes[lab] for lab in t.labels) if t.kind == "nodes" else rels[t.rel or ""] for t in TABLES}


def check_invalid_accounting(report: dict[str, Any], counted: dict[str, int]) -> None:
    rows_in, skipped, rejected = report["rows_in"], report["rows_skipped"], report["rows_rejected"]
    errors = [p for p in report["problems"] if p["severity"] == "error"]
    for t in TABLES:
        name = t.name
        if name in counted and rows_in[name]:
            assert rows_in[name] == counted[name], name
        assert 0 <= rejected[name] <= rows_in[name] - skipped[name], name
    # every row named by an error is counted as rejected, and only those (no case lists > 200 of a kind)
    named: dict[str, set[int]] = {}
    first_row = {name: 2 for name in rows_in}
    for p in report["problems"]:
        if "title row" in p["reason"]:
            first_row[p["table"]] = 3
    for p in errors:
        t, r = p["table"], p["row"]
        if r is not None and t in rows_in and first_row[t] <= r < first_row[t] + rows_in[t]:
            named.setdefault(t, set()).add(r)
    assert {t: n for t, n in rejected.items() if n} == {t: len(rs) for t, rs in named.items()}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_ledger_case(case: Case, tmp_path: Path, loaded_db: Graph) -> None:
    ledger = build_case(case, tmp_path / "ledger")
    db, checksum, version, counts = loaded_db

    code_v, out_v, err_v = cli("validate", str(ledger))  # the table output people read
    assert code_v == case.exit, out_v + err_v
    for e in case.expect:
        assert e["message"] in out_v + err_v, (e, out_v + err_v)

    target = db if not case.valid else tmp_path / "db"
    code, out, err = cli("load", str(ledger), "--db", str(target), "--format", "json")
    assert code == case.exit, out + err
    if case.exit == 2:
        return
    report = json.loads(out)
    if isinstance(report, list):  # a load prints its summary as one row
        report = report[0]
    problems = report["problems"]
    for e in case.expect:
        assert any(matches(p, e) for p in problems), (e, problems)
    if case.warnings is not None:
        assert [p for p in problems if p["severity"] == "warning"] == case.warnings
    counted = file_rows(ledger, case)

    if not case.valid:
        assert report.get("valid") is False
        assert any(p["severity"] == "error" for p in problems)
        check_invalid_accounting(report, counted)
        store = EmbeddedStore(db)
        info = store.dataset()
        assert info is not None and info.version == version  # the previous graph is still the current one
        assert store.counts() == counts
        assert store.checksum() == checksum
        store.close()
        return

    assert not [p for p in problems if p["severity"] == "error"]
    store = EmbeddedStore(target)
    info = store.dataset()
    assert info is not None
    in_graph = graph_rows(store)
    for name, t in report["tables"].items():
        assert t["rows_in"] == t["rows_loaded"] + t["rows_skipped"], name
        assert t["rows_loaded"] == in_graph[name], name
        if name in counted:
            assert t["rows_in"] == counted[name], name
        if t["rows_skipped"]:
            assert any(p["table"] == name and "empty row(s) ignored" in p["reason"] for p in problems), name
    assert info.rows_loaded == {n: t["rows_loaded"] for n, t in report["tables"].items()}
    for label, key, prop, value in case.values:
        if prop in personal_properties_of(NODES[label]):  # personal values live in the personal-data store
            with store.pinned() as g:
                got = g.personal().fetch(label, [key]).get(key, {}).get(prop)
        else:
            got = store.run(f"MATCH (n:{label}) WHERE n.{NODES[label].KEY} = $k RETURN n.{prop}", {"k": key}).scalar()
        assert got == value, (label, key, prop)
    store.close()


def test_corpus_is_large_and_varied() -> None:
    assert len(CASES) >= 40
    valid = [c for c in CASES if c.valid]
    assert len(valid) >= 10 and len(CASES) - len(valid) >= 30
    for c in CASES:  # one defect each: the case folder holds only what differs from the mini ledger
        assert c.expect or c.warnings is not None or c.values, c.name
        assert len([f for f in c.folder.iterdir() if f.name != "case.toml"]) <= 2, c.name


# --- generated cases: a huge file and pathological lines ---------------------------------------


def _households(n: int) -> str:
    lines = ["id,head_name,id_number,village_code,size,poor,poverty_exit_year,phone"]
    lines += [f"HX-{i},户主{i},,520628101001,{1 + i % 6},{'true' if i % 4 == 0 else 'false'},,"
              for i in range(n)]
    return "\n".join(lines) + "\n"


def test_huge_file_reports_the_bad_cell_at_the_end(mini_copy: Path, loaded_db: Graph) -> None:
    n = 200_000
    lines = _households(n).splitlines()[1:]
    lines[-1] = f"HX-{n - 1},户主,,520628101001,many,false,,"  # one bad cell, in the very last row
    path = mini_copy / "households.csv"
    path.write_text(path.read_text(encoding="utf-8") + "\n".join(lines) + "\n", encoding="utf-8")
    last_row = 1 + 5 + n  # header, the mini ledger's 5 households, then n more

    started = time.perf_counter()
    with pytest.raises(LedgerInvalid) as exc:
        check_ledger(mini_copy)
    seconds = time.perf_counter() - started
    errors = [p for p in exc.value.problems if p.severity == "error"]
    assert [(p.table, p.row, p.column) for p in errors] == [("households", last_row, "size")]
    assert exc.value.rows_in["households"] == 5 + n
    assert exc.value.bad_rows["households"] == {last_row}
    print(f"validated {n + 5:,} household rows in {seconds:.1f} s")  # speed goals live in docs, not asserts

    db, checksum, _, _ = loaded_db
    code, out, _ = cli("load", str(mini_copy), "--db", str(db), "--format", "json")
    assert code == 1 and len(out) < 10_000  # bounded output
    assert json.loads(out)["rows_rejected"]["households"] == 1
    store = EmbeddedStore(db)
    assert store.checksum() == checksum
    store.close()


def test_many_bad_cells_are_capped_but_all_counted(mini_copy: Path) -> None:
    n = 20_000
    path = mini_copy / "households.csv"
    body = _households(n).split("\n", 1)[1].replace(",false,,", ",nope,,")
    path.write_text(path.read_text(encoding="utf-8") + body, encoding="utf-8")
    with pytest.raises(LedgerInvalid) as exc:
        check_ledger(mini_copy)
    bad = n - n // 4  # every row not flagged true
    listed = [p for p in exc.value.problems if p.column == "poor" and p.row is not None]
    assert len(listed) == 200
    assert any(f"{bad - 200} more problems" in p.reason for p in exc.value.problems)
    assert len(exc.value.bad_rows["households"]) == bad
    assert exc.value.rows_rejected["households"] == bad


@pytest.mark.parametrize("shape", ["long_cell", "wide_line", "one_line_file"])
def test_pathological_lines_are_refused_quickly(shape: str, mini_copy: Path) -> None:
    mb = 16 * 1024 * 1024
    path = mini_copy / "households.csv"
    header = path.read_text(encoding="utf-8").split("\n", 1)[0]
    if shape == "long_cell":  # a 16 MB name in row 2
        path.write_text(f"{header}\nHH-1,{'名' * (mb // 3)},,520628101001,4,true,2019,\n", encoding="utf-8")
        where, reason = (2, "head_name"), "characters long"
    elif shape == "wide_line":  # a 16 MB line of separators
        path.write_text(f"{header}\nHH-1{',' * mb}\n", encoding="utf-8")
        where, reason = (2, None), "Expected 8 fields in line 2"
    else:  # 16 MB without a line break: one giant header cell
        path.write_text("x" * mb, encoding="utf-8")
        where, reason = (None, "id"), "required column is missing"
    started = time.perf_counter()
    code, out, _ = cli("validate", str(mini_copy), "--format", "json")
    seconds = time.perf_counter() - started
    assert code == 1
    assert len(out) < 20_000  # the problem quotes at most a clip of the cell
    problems = json.loads(out)["problems"]
    assert any(p["table"] == "households" and (p["row"], p["column"]) == where and reason in p["reason"]
               for p in problems), problems
    print(f"{shape}: refused in {seconds:.1f} s")


# --- a formula in a name is data: stored as typed, inert wherever a spreadsheet may open it --------


FORMULA = '=HYPERLINK("http://x","y")'


def test_formula_in_a_name_is_inert_text(tmp_path: Path) -> None:
    case = next(c for c in CASES if c.name == "formula_injection_name")
    ledger = build_case(case, tmp_path / "ledger")
    db = tmp_path / "db"
    assert cli("load", str(ledger), "--db", str(db))[0] == 0

    code, out, _ = cli("query", "get_division", "--param", "code=520628101001", "--db", str(db), "--format", "json")
    assert code == 0 and json.loads(out)[0]["name"] == FORMULA  # JSON: the plain string, nothing added
    code, out, _ = cli("query", "get_division", "--param", "code=520628101001", "--db", str(db))
    assert code == 0 and "HYPERLINK" in out

    from partychain.export import export_neo4j_admin, spreadsheet_safe

    assert spreadsheet_safe(FORMULA) == "'" + FORMULA
    store = EmbeddedStore(db)
    # neo4j-admin input is machine input, documented as verbatim (never for spreadsheets)
    export_neo4j_admin(store, tmp_path / "admin")
    villages = (tmp_path / "admin" / "nodes_Village.csv").read_text(encoding="utf-8")
    assert '"=HYPERLINK(""http://x"",""y"")"' in villages

    analysis = pytest.importorskip("partychain.analysis.export")
    projections = pytest.importorskip("partychain.analysis.projections")
    nodes_csv, _ = analysis.write_csv(projections.pairing_graph(store), tmp_path)
    with open(nodes_csv, encoding="utf-8-sig", newline="") as fh:
        names = [r["name"] for r in csv.DictReader(fh)]
    assert "'" + FORMULA in names and FORMULA not in names  # a spreadsheet shows it, never runs it
    store.close()

    # an export edited and fed back as a ledger: Excel's ' text marker is dropped again, the value is unchanged
    edited = tmp_path / "ledger2"
    edited.mkdir()
    for f in ledger.iterdir():
        text = f.read_text(encoding="utf-8")
        (edited / f.name).write_text(text.replace(f'"{FORMULA.replace(chr(34), chr(34) * 2)}"',
                                                  f'"\'{FORMULA.replace(chr(34), chr(34) * 2)}"'), encoding="utf-8")
    assert "'=HYPERLINK" in (edited / "divisions.csv").read_text(encoding="utf-8")
    villages_frame = check_ledger(edited).nodes["Village"].set_index("code")
    assert villages_frame.loc["520628101001", "name"] == FORMULA


def test_every_table_has_a_row_count() -> None:
    """The manifest of a load names every table of the model, also the empty ones."""
    ledger = check_ledger(mini_ledger_path())
    assert set(ledger.rows_in) == set(ledger.rows_loaded) == set(ledger.rows_skipped) == set(TABLE_BY_NAME)
    for name in TABLE_BY_NAME:
        assert ledger.rows_in[name] == ledger.rows_loaded[name] + ledger.rows_skipped[name]
