"""`figures` compares each reported figure with the ledger year of its as-of date when that year is loaded."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from partychain.loaders import check_ledger
from partychain.services.figures import figures
from partychain.storage.embedded import EmbeddedStore
from partychain.testing import mini_ledger_path


def _ledger(root: Path, year: int, edit_csv: Callable[..., None], *, second_jc: bool) -> Path:
    dst = root / str(year)
    shutil.copytree(mini_ledger_path(), dst)
    (dst / "ledger.csv").write_text(f"year,as_of\n{year},\n", encoding="utf-8")
    # the joint-committee figure refers to the end of 2020
    edit_csv(dst, "reported_figures", lambda f: f.assign(as_of=f["as_of"].where(
        f["metric"] != "joint_committees", "2020-12-31")))
    if second_jc:  # founded in 2021
        edit_csv(dst, "party_orgs", lambda f: pd.concat([f, pd.DataFrame([{
            "id": "JC-2021", "name": "新建联合党委", "level": "joint_committee", "kind": "joint_village",
            "parent_id": "TC-1", "seat_code": "520628101"}])], ignore_index=True).fillna(""))
    return dst


def test_a_figure_is_compared_with_the_year_of_its_date(tmp_path: Path, edit_csv: Callable[..., None]) -> None:
    store = EmbeddedStore(tmp_path / "graph")
    store.load(check_ledger(_ledger(tmp_path, 2021, edit_csv, second_jc=True)), source="2021")
    alone = {r.metric: r for r in figures(store)}
    assert alone["joint_committees"].computed == 2 and alone["joint_committees"].status == "mismatch"
    assert alone["joint_committees"].year == 2021  # 2020 not loaded: compared with what is

    store.load(check_ledger(_ledger(tmp_path, 2020, edit_csv, second_jc=False)), source="2020")
    rows = {r.metric: r for r in figures(store)}
    assert rows["joint_committees"].year == 2020
    assert rows["joint_committees"].computed == 1 and rows["joint_committees"].status == "match"
    assert rows["planting_mu"].year == 2021 and rows["planting_mu"].computed == alone["planting_mu"].computed
    with store.pinned(2021) as view:  # a view of 2021 reaches the 2020 version the same way
        assert {r.metric: r.year for r in figures(view)} == {r.metric: r.year for r in rows.values()}
