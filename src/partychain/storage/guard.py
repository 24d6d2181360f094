"""What untrusted Cypher may not do beyond writing: touch the server's files, the engine's state or settings.

Every ``run_readonly`` (the path for untrusted query text, whoever calls it: the API's ``/cypher``,
a notebook, a script) calls :func:`check` before the engine sees the text.

Writes (``CREATE``, ``MERGE``, ``SET``, ``DELETE``, DDL, ``COPY ... FROM``) are refused by the
engine itself — the embedded graph is opened read-only, Neo4j runs the query in READ access
mode — and this module does not look for them.  A read-only engine still lets a query

* read any file the server can (``LOAD FROM '/etc/passwd'``, Neo4j ``LOAD CSV``, ``apoc.load.*``),
* write one (``COPY (MATCH ...) TO '/path'`` — unmasked personal data, or over the key file),
* change its own limits (``CALL timeout=...`` lifts the time limit), checkpoint (``CHECKPOINT`` on
  a read-only LadybugDB database leaves files that stop it reopening), switch databases (``USE``),
  list other users' queries (Neo4j ``SHOW TRANSACTIONS``), install extensions, or call table
  functions that crash the engine (``read_csv_serial``),
* run query text built at run time (APOC's ``apoc.cypher.*`` functions), out of this module's sight.

So a query is refused (:class:`StatementNotAllowed`) when, outside string literals and comments,
it holds one of the keywords in :data:`DENIED_KEYWORDS`, a ``CALL`` of a procedure that is not in
:data:`ALLOWED_PROCEDURES` (``CALL { ... }`` and ``CALL (x) { ... }`` subqueries stay allowed; the
engine judges what is inside), or a name in a namespace of :data:`DENIED_NAMESPACES` (``apoc.*``
outside :data:`ALLOWED_APOC`).  Comments and strings are stripped in every way an engine might
read them (backslash escapes or not; a comment as a space or as nothing), and the text is also
read after Unicode compatibility folding (``ＬＯＡＤ`` → ``LOAD``): a keyword found in any reading
refuses the query, so a keyword hidden by a quoting trick cannot pass.

The engine's parser is itself a hazard (:class:`QueryTooComplex`): LadybugDB needs seconds for a
few hundred nested brackets and crashes the whole process at a few thousand (:data:`MAX_NESTING`),
and nested ``CASE`` expressions parse in exponential time — 20 levels take seconds, 25 more than a
minute, and the engine's time limit does not apply to parsing (:data:`MAX_CASE_NESTING`).
Oversized text or parameters are refused too (:class:`QueryTooLarge`), as are parameter names
that are not identifiers and parameter values nested too deep (:class:`BadParameters`).

None of this makes the engine safe against a crash nobody has found yet: the embedded engine
also runs untrusted queries in worker processes (:mod:`partychain.storage.sandbox`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from partychain.errors import BadParameters, QueryTooComplex, QueryTooLarge, StatementNotAllowed

DENIED_KEYWORDS = frozenset({
    "LOAD", "COPY", "ATTACH", "CHECKPOINT", "INSTALL", "UNINSTALL", "EXPORT", "IMPORT", "USE",
    "BEGIN", "COMMIT", "ROLLBACK", "TERMINATE", "SHOW",
})
ALLOWED_PROCEDURES = frozenset({
    # LadybugDB: schema discovery
    "show_tables", "table_info", "show_connection", "show_functions", "show_indexes", "db_version",
    # Neo4j: schema discovery
    "db.labels", "db.relationshiptypes", "db.propertykeys", "db.schema.visualization",
    "db.schema.nodetypeproperties", "db.schema.reltypeproperties",
})
DENIED_NAMESPACES = ("apoc.", "genai.", "dbms.")
"""Qualified function names refused (lower-case prefixes): APOC runs query text, reads files and URLs;
``genai.*`` calls out to the network; ``dbms.*`` is server administration."""
ALLOWED_APOC = ("apoc.coll.", "apoc.text.", "apoc.map.", "apoc.math.", "apoc.number.", "apoc.convert.",
                "apoc.date.", "apoc.temporal.", "apoc.agg.", "apoc.label.", "apoc.node.", "apoc.nodes.",
                "apoc.rel.", "apoc.any.", "apoc.bitwise.", "apoc.hashing.", "apoc.scoring.")
"""APOC function namespaces that only compute on their arguments."""

MAX_NESTING = 64
"""Brackets nested deeper than this are refused: LadybugDB's parser takes seconds at a few hundred
levels (uninterruptibly) and crashes the process at a few thousand."""
MAX_CASE_NESTING = 10
"""``CASE`` expressions nested deeper than this are refused: LadybugDB parses them in exponential time
(15 levels ~0.2 s, 20 ~3.5 s, 25 more than a minute), before its time limit applies."""
MAX_QUERY_CHARS = 100_000
MAX_PARAMETER_BYTES = 1 << 20
"""Parameters larger than this (strings counted by length, other scalars as 8 bytes) are refused."""
MAX_PARAMETER_DEPTH = 32

_TOKEN = re.compile(r"\$?[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*|\S")
_DOT = re.compile(r"\s*\.\s*")
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _nesting(text: str) -> int:
    depth = deepest = 0
    for c in text:
        if c in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif c in ")]}":
            depth -= 1
    return deepest


def _case_nesting(tokens: list[str]) -> int:
    depth = deepest = 0
    for tok in tokens:
        word = tok.upper()
        if word == "CASE":
            depth += 1
            deepest = max(deepest, depth)
        elif word == "END":
            depth = max(0, depth - 1)
    return deepest


def _strip(query: str, *, backslash: bool, comment: str) -> str:
    """``query`` with string literals, backtick names and comments replaced (as a lexer would)."""
    out: list[str] = []
    i, n = 0, len(query)
    while i < n:
        c = query[i]
        if query.startswith("//", i):
            j = query.find("\n", i)
            i = n if j < 0 else j
            out.append(comment)
        elif query.startswith("/*", i):
            j = query.find("*/", i + 2)
            i = n if j < 0 else j + 2
            out.append(comment)
        elif c in "'\"`":
            j = i + 1
            while j < n and query[j] != c:
                j += 2 if (backslash and query[j] == "\\") else 1
            i = j + 1
            out.append(" 's' " if c != "`" else " name ")
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _readings(query: str) -> list[str]:
    texts = [query]
    folded = unicodedata.normalize("NFKC", query)
    if folded != query:
        texts.append(folded)
    # `apoc . cypher . run(...)` is one qualified name to the engine: read it as one token
    return [_DOT.sub(".", _strip(t, backslash=b, comment=c)) for t in texts for b in (True, False) for c in (" ", "")]


def _denied_name(word: str) -> bool:
    low = word.lower()
    return low.startswith(DENIED_NAMESPACES) and not low.startswith(ALLOWED_APOC)


def _parameter_size(value: Any, depth: int = 0) -> int:
    if depth > MAX_PARAMETER_DEPTH:
        raise BadParameters(f"a parameter value is nested more than {MAX_PARAMETER_DEPTH} deep")
    if isinstance(value, str | bytes | bytearray):
        return len(value)
    if isinstance(value, Mapping):
        total = 0
        for k, v in value.items():
            total += len(str(k)) + _parameter_size(v, depth + 1)
            if total > MAX_PARAMETER_BYTES:
                break
        return total
    if isinstance(value, list | tuple):
        total = 0
        for v in value:
            total += 8 + _parameter_size(v, depth + 1)
            if total > MAX_PARAMETER_BYTES:
                break
        return total
    return 8


def check_parameters(parameters: Mapping[str, Any] | None) -> None:
    """Raise :class:`BadParameters` or :class:`QueryTooLarge` for parameters untrusted Cypher may not send.

    >>> check_parameters({"scope": "520628", "ids": ["HH-1", "HH-2"]})
    >>> check_parameters({"x) RETURN 1 //": 1})  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    ...
    partychain.errors.BadParameters: parameter names must be identifiers ...
    """
    if not parameters:
        return
    if not isinstance(parameters, Mapping):
        raise BadParameters("parameters must be a mapping of names to values")
    for name in parameters:
        if not isinstance(name, str) or not _IDENTIFIER.match(name):
            raise BadParameters(f"parameter names must be identifiers, not {str(name)[:40]!r}")
    if _parameter_size(parameters) > MAX_PARAMETER_BYTES:
        raise QueryTooLarge(f"parameters are larger than {MAX_PARAMETER_BYTES:,} bytes")


def check(query: str, parameters: Mapping[str, Any] | None = None) -> None:
    """Raise :class:`StatementNotAllowed` when ``query`` may not run as untrusted Cypher
    (:class:`QueryTooComplex`, :class:`QueryTooLarge`, :class:`BadParameters` for the other hazards).

    >>> check("MATCH (v:Village) WHERE v.name = 'load' RETURN v.code // COPY")
    >>> check("LOAD FROM '/etc/passwd' RETURN *")  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    ...
    partychain.errors.StatementNotAllowed: LOAD is not allowed in researcher Cypher
    >>> check("CALL timeout=100000; MATCH (n) RETURN count(n)")  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    ...
    partychain.errors.StatementNotAllowed: CALL is allowed only for schema procedures ...
    >>> check("CALL show_tables() RETURN *")
    >>> check("RETURN " + "CASE WHEN true THEN " * 11 + "1" + " END" * 11)  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    ...
    partychain.errors.QueryTooComplex: CASE expressions are nested more than 10 deep
    """
    if not isinstance(query, str):
        raise BadParameters("the query must be text")
    if len(query) > MAX_QUERY_CHARS:
        raise QueryTooLarge(f"the query is longer than {MAX_QUERY_CHARS:,} characters")
    check_parameters(parameters)
    for text in _readings(query):
        if _nesting(text) > MAX_NESTING:
            raise QueryTooComplex(f"brackets are nested more than {MAX_NESTING} deep")
        tokens = _TOKEN.findall(text)
        if _case_nesting(tokens) > MAX_CASE_NESTING:
            raise QueryTooComplex(f"CASE expressions are nested more than {MAX_CASE_NESTING} deep")
        for i, tok in enumerate(tokens):
            if tok.startswith("$"):
                continue
            word = tok.upper()
            if word in DENIED_KEYWORDS:
                raise StatementNotAllowed(f"{word} is not allowed in researcher Cypher")
            if "." in tok and _denied_name(tok):
                raise StatementNotAllowed(f"{tok} is not allowed in researcher Cypher")
            if word == "CALL":
                nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
                after = tokens[i + 2] if i + 2 < len(tokens) else ""
                name = re.sub(r"\s+", "", nxt).lower()
                if nxt in ("{", "(") or (name in ALLOWED_PROCEDURES and after == "("):
                    continue
                raise StatementNotAllowed("CALL is allowed only for schema procedures (show_tables, ...) "
                                          "and subqueries")
