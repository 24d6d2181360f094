"""Field metadata attached to model fields with ``typing.Annotated``.

Every property of a node or relationship model can carry a :class:`Prop`
that says what it means, which Chinese ledger headers map to it and whether it
holds personal data.  Everything derived from the model (validation, templates,
data dictionary, masking in the API) reads this metadata, so a field flagged
``personal`` here is masked everywhere without touching any other code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

PersonalKind = Literal["name", "id_number", "phone"]


@dataclass(frozen=True, slots=True)
class Prop:
    """Metadata of one property.

    Attributes:
        description: one line for the data dictionary and the OpenAPI schema.
        zh: Chinese column headers a ledger may use instead of the English name.
        personal: which kind of personal data the field holds (``None`` if none);
            decides how the API masks it for roles that may not see it.
        unit: unit of a quantity (``yuan``, ``mu`` ...), for the dictionary.
        not_future: for years and dates, values after the current year are refused.
        example: an example value for templates and OpenAPI.
    """

    description: str
    zh: tuple[str, ...] = ()
    personal: PersonalKind | None = None
    unit: str | None = None
    not_future: bool = False
    example: object = None
