"""Benchmarks run by `loa bench NAME`; each module exposes `run(options) -> dict` of metrics."""
