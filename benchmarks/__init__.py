"""Benchmark of every GET endpoint through the full Django stack (``scripts/benchmark``).

See docs/PERFORMANCE.md for what it measures and the results it produced.
"""
