"""Benchmarks of cocope_kit (issue 7): ``make bench`` or ``python -m benchmarks.run``.

Each module measures one figure, side by side with what a researcher would
otherwise use, in the same run and on the same data, and checks that both
give the same numbers before it reports a time. :mod:`benchmarks.run` prints
one table and writes ``out/bench/results.json`` and ``out/bench/results.md``.
"""
