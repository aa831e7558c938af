"""Full cross-CoP analysis (``analysis.run_catalogue``) on 2,000 CoPs: time and peak memory.

Runs in a fresh child process (``python -m benchmarks.catalogue STORE``) so the
imports the analyses need on first use are counted, and peak memory is the
child's own ``resource.getrusage(RUSAGE_SELF).ru_maxrss``: the peak resident
set of the whole process (interpreter, imports, the loaded tables and every
analysis table), not only Python allocations.
"""

from __future__ import annotations

import json
import sys

from ._common import LARGE, PYTHON, Row, check, median, run_child, store_path

TARGET_S = 3.0
TARGET_MB = 1024.0


def child(path: str) -> dict:
    import resource
    import time

    t0 = time.perf_counter()
    import cocope_kit as ck
    from cocope_kit import analysis

    store = ck.open_store(path)
    t1 = time.perf_counter()
    tables = analysis.load_tables(store)
    t2 = time.perf_counter()
    out = analysis.run_catalogue(tables)
    t3 = time.perf_counter()
    # a second run in the same process: the same work without first-use imports
    again = analysis.run_catalogue(tables)
    t4 = time.perf_counter()
    for name, df in out.items():
        assert df.equals(again[name]), name
    rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return {
        "import_open_s": t1 - t0, "load_s": t2 - t1, "catalogue_s": t3 - t2,
        "catalogue_warm_s": t4 - t3, "maxrss_mb": rss_kb / 1024,
        "rows": {name: len(df) for name, df in out.items()},
        "cops": int(tables["cop"].shape[0]), "answers": int(tables["answer"].shape[0]),
    }


RUNS = 3
"""Fresh child processes per run of ``make bench``: the VM's speed drifts (see RESULTS.md),
so the figures are medians of three, each run's figure in the note."""


def bench() -> list[Row]:
    path = store_path(LARGE)
    runs = []
    for _ in range(RUNS):
        proc, _wall = run_child([PYTHON, "-m", "benchmarks.catalogue", str(path)])
        check(proc.returncode == 0, f"catalogue child failed:\n{proc.stderr[-3000:]}")
        runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    r = runs[0]
    empty = [name for name, n in r["rows"].items() if n == 0 and name != "validate_plan"]
    check(not empty, f"empty catalogue tables on {r['cops']} CoPs: {empty}")
    cops = f"{r['cops']:,} CoPs, {r['answers']:,} answers"

    def med(key: str) -> tuple[float, str]:
        values = [x[key] for x in runs]
        return median(values), f"runs: {', '.join(f'{v:.2f}' for v in values)} s"

    load, load_note = med("load_s")
    cold, cold_note = med("catalogue_s")
    warm, warm_note = med("catalogue_warm_s")
    rss = max(x["maxrss_mb"] for x in runs)
    return [
        Row(f"load_tables, {cops} (median of {RUNS})", load, "s",
            note=f"store.read + consent filtering (no target of its own); {load_note}"),
        Row(f"run_catalogue ({len(r['rows'])} tables), cold process (median of {RUNS})", cold,
            "s", target=f"<= {TARGET_S:g} s", met=cold <= TARGET_S,
            note=f"first call in a fresh process, after load_tables; {cold_note}"),
        Row("run_catalogue, second call (warm)", warm, "s",
            note=f"same process, imports done; {warm_note}"),
        Row("peak memory (child ru_maxrss: load + catalogue x2; largest run)", rss, "MB",
            target=f"<= {TARGET_MB:,.0f} MB", met=rss <= TARGET_MB),
    ]


if __name__ == "__main__":
    print(json.dumps(child(sys.argv[1])))
