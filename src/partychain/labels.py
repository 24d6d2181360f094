"""Names of the project's metrics, gap lists, linkage models, figures and columns, in Chinese and English.

One table (``labels.json`` beside this module) serves the spreadsheets (:mod:`partychain.report`,
the gap exports) and the dashboard, which loads the same file (``/assets/labels.json``).  Keys
are namespaced: ``metric.``, ``gap.``, ``model.``, ``figure.``, ``status.``, ``unit.``,
``breaks_at.``, ``level.``, ``org_level.``, ``count.``, ``col.``.

>>> label("gap.bases_without_member"), label("gap.bases_without_member", "en")
('未联系党员的基地', 'Bases linked to no member')
>>> label("figure.no_such_metric")
'no_such_metric'
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Literal

Language = Literal["zh", "en"]


@cache
def table() -> dict[str, dict[str, str]]:
    """``{"zh": {key: text}, "en": {key: text}}``."""
    return json.loads((files("partychain") / "labels.json").read_text(encoding="utf-8"))


def label(key: str, lang: Language = "zh") -> str:
    """The text of ``key`` in ``lang``; the key's last part when the table has none (never an empty cell)."""
    return table()[lang].get(key) or key.rsplit(".", 1)[-1]
