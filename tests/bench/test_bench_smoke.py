"""Smoke test of ``python -m bench``: the county-scale run completes and writes valid JSON.

No timing is asserted (speed goals live in docs/benchmarks.md, measured on purpose, not in CI).  A trial
(``pytest -m trial``): a minute of benchmark runs, not a check of any answer the other tests do not make.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.trial
def test_county_bench_runs_and_writes_json(tmp_path: Path) -> None:
    before = (REPO / "docs" / "benchmarks.md").read_bytes()
    proc = subprocess.run(
        [sys.executable, "-m", "bench", "all", "--scale", "county", "--repeat", "1", "--quick", "--no-doc",
         "--results", str(tmp_path)],
        check=False, cwd=REPO, capture_output=True, text=True, timeout=1200,
        env={**os.environ, "PYTHONWARNINGS": "ignore"})
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    results = json.loads((tmp_path / "county.json").read_text(encoding="utf-8"))
    assert results["scale"] == "county" and results["quick"] is True
    assert {"machine", "load", "queries", "api", "analysis"} <= set(results)
    load = results["load"]
    assert load["graph_rows"] > 0 and load["validated_load"]["seconds"]["n"] == 1
    assert load["raw_copy"]["rows_per_s"]["median"] > 0 and load["row_merge"]["rows"] > 0
    q = results["queries"]
    assert q["graph"]["chain"]["n"] > 0 and q["pandas"]["chain"]["n"] > 0
    assert q["agreement"]["coverage_equal"].split("/")[0] == q["agreement"]["coverage_equal"].split("/")[1]
    assert set(q["named"]) >= {"list_household_chains", "count_coverage_in_scope"}
    api = results["api"]
    assert api["api_chains"]["requests"] > 0 and api["api_chains"]["non_2xx"] == 0
    assert api["bare_fastapi"]["requests"] > 0
    # --no-doc leaves the report alone; the rendered tables appear on stdout
    assert (REPO / "docs" / "benchmarks.md").read_bytes() == before
    assert "| loader |" in proc.stdout
