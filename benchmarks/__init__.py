"""Benchmark harness comparing ``logreg`` with scikit-learn and glum.

Run from the repository root with ``.venv/bin/python -m benchmarks.run``;
see ``benchmarks/README.md``.
"""
