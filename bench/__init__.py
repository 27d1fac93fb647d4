"""Benchmarks and load tests; results are written to docs/benchmarks.md by ``bench/run.py``."""
