"""Benchmarks of partychain (run: ``python -m bench --help``); results go to docs/benchmarks.md."""
