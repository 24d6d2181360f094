"""Personal data in API answers: joined from the personal-data store by id, masked by type, audited.

The graph holds no personal data (:mod:`partychain.storage.personal`), so no query result, Cypher
answer or export can carry any.  The only way a name, ID number or phone gets into an answer is
an endpoint joining the dataset version's personal-data store by id, through
:class:`PersonalReader`.  What reaches the caller then depends on the response *type*:

* a field typed :func:`personal` (every property the model flags personal, via
  :func:`partychain.api.schemas.property_fields`, and the person ``name`` of gap and downstream
  records) serializes masked (``张*``, ``520628**********12``, ``138****5678``) unless the request's
  role is officer — the masking is the field's serializer, so no endpoint can forget it;
* the role is set once per request by :func:`set_reveal` (from :func:`partychain.api.deps.current_role`);
  its default is *masked*, so a response serialized anywhere else is masked too;
* every officer read is written to the audit log (:mod:`partychain.api.audit`): who, which records,
  when — never the values.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from contextvars import ContextVar
from typing import Annotated, Any

from pydantic import Field, PlainSerializer

from partychain.graph_model import NODES, personal_properties_of

_reveal: ContextVar[bool] = ContextVar("partychain_reveal_personal", default=False)


def set_reveal(on: bool) -> None:
    """Whether personal fields of this request's answer serialize unmasked (officers only)."""
    _reveal.set(on)


def revealed() -> bool:
    return _reveal.get()


def mask_text(kind: str, value: str) -> str:
    """Mask one value of a personal kind (idempotent: a masked value masks to itself).

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


def _serializer(kind: str) -> Any:
    def serialize(value: Any) -> Any:
        if value is None or _reveal.get():
            return value
        return mask_text(kind, value) if isinstance(value, str) else "*"

    return PlainSerializer(serialize, return_type=str | None, when_used="always")


def personal(kind: str, description: str = "") -> Any:
    """The type of a personal field of ``kind`` (``name``, ``id_number``, ``phone``): text that serializes
    masked unless the request's role is officer.

    >>> from pydantic import BaseModel
    >>> class P(BaseModel):
    ...     name: personal("name") = None
    >>> P(name="张三").model_dump()
    {'name': '张*'}
    """
    desc = (description + " " if description else "") + \
        f"(personal data, {kind}: masked unless the caller is an officer)"
    return Annotated[str | None, _serializer(kind), Field(description=desc, json_schema_extra={"x-personal": kind})]


NAME_FIELD: dict[str, str] = {
    label: next(n for n, s in personal_properties_of(NODES[label]).items() if s.personal == "name")
    for label in NODES if any(s.personal == "name" for s in personal_properties_of(NODES[label]).values())
}
"""Per label with a personal name, the property holding it (``Household`` → ``head_name``)."""


class PersonalReader:
    """Joins the personal-data store of the request's graph version by id, and audits officers' reads.

    Built per request by :func:`partychain.api.deps.personal_reader`.
    """

    def __init__(self, store: Any, *, on_read: Any = None) -> None:
        self._store = store
        self._on_read = on_read

    def fetch(self, label: str, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Personal properties by id (only ids the store holds)."""
        wanted = [i for i in ids if isinstance(i, str)]
        if not wanted or label not in NODES or not personal_properties_of(NODES[label]):
            return {}
        found = self._store.personal().fetch(label, wanted)
        if self._on_read is not None and found:
            self._on_read(label, sorted(found))
        return found

    def with_names(self, items: Sequence[Mapping[str, Any]], label: str, *, key: str = "id",
                   field: str = "name") -> list[dict[str, Any]]:
        """``items`` with ``field`` set to each record's personal name (``None`` where the store has none)."""
        prop = NAME_FIELD[label]
        found = self.fetch(label, (i[key] for i in items))
        out = []
        for item in items:
            rec = dict(item)
            rec[field] = found.get(item[key], {}).get(prop)
            out.append(rec)
        return out

    def search(self, text: str, *, limit: int, offset: int) -> tuple[list[dict[str, Any]], int]:
        """Records whose personal name contains ``text`` (or whose ID number / phone equals it)."""
        rows, total = self._store.personal().search(text, limit=limit, offset=offset)
        if self._on_read is not None:
            for label in dict.fromkeys(r["label"] for r in rows):
                self._on_read(label, [r["id"] for r in rows if r["label"] == label])
        return rows, total
