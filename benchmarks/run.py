"""Run every benchmark and print one table (``make bench``).

Usage: ``python -m benchmarks.run [--only NAME ...]`` from the repository root.
Names: catalogue, alpha, likert, agreement, reports, import, notebooks,
concurrency, forms. Stores come from ``cocope demo`` into ``out/bench/`` (reused when
present for the same seed). Results: ``out/bench/results.json`` and
``out/bench/results.md``. A comparison whose two sides give different numbers
stops with an error (exit code 1): its time would mean nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import time
import traceback

from . import agreement, alpha, catalogue, concurrency, forms, likert, startup
from ._common import (
    CACHE,
    LARGE,
    ROOT,
    SMALL,
    MismatchError,
    Row,
    markdown_table,
    store_path,
    text_table,
)

NAMES = ("catalogue", "alpha", "likert", "agreement", "reports", "import", "notebooks",
         "concurrency", "forms")


def machine() -> dict:
    mem_gb = None
    try:
        with open("/proc/meminfo") as fh:
            kb = int(next(line for line in fh if line.startswith("MemTotal")).split()[1])
        mem_gb = round(kb / 1024 ** 2, 1)
    except (OSError, StopIteration, ValueError):
        pass
    import numpy
    import pandas

    return {"date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "nproc": os.cpu_count(), "ram_gb": mem_gb, "python": platform.python_version(),
            "platform": platform.platform(), "pandas": pandas.__version__,
            "numpy": numpy.__version__,
            "load_avg": os.getloadavg() if hasattr(os, "getloadavg") else None}


RESULTS = ROOT / "benchmarks" / "RESULTS.md"
FINDINGS_MARKER = "<!-- findings: written by hand, kept by --record -->"


def record(info: dict, rows: list[Row], notes: list[str], command: str) -> None:
    """Write the measured table at the top of RESULTS.md, keeping the findings below the marker."""
    old = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    findings = old.split(FINDINGS_MARKER, 1)[1] if FINDINGS_MARKER in old else "\n"
    load = info.get("load_avg")
    head = [
        "# Benchmark results",
        "",
        f"- date: {info['date']}",
        f"- machine: {info['nproc']} cores, {info['ram_gb']} GB RAM, {info['platform']}, "
        f"Python {info['python']}, pandas {info['pandas']}, numpy {info['numpy']}",
        f"- load average at the start: {', '.join(f'{x:.2f}' for x in load) if load else 'n/a'}",
        f"- command: `{command}` (`make bench`)",
        "",
        markdown_table(rows),
        "",
        *notes,
        "",
        FINDINGS_MARKER,
    ]
    RESULTS.write_text("\n".join(head) + findings, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n")[0])
    ap.add_argument("--only", nargs="+", choices=NAMES, help="run only these benchmarks")
    ap.add_argument("--record", action="store_true",
                    help="also write the table into benchmarks/RESULTS.md (the hand-written "
                    "findings below its marker line are kept)")
    args = ap.parse_args(argv)
    wanted = args.only or list(NAMES)
    info = machine()
    print(f"cocope_kit benchmarks  {info['date']}  nproc={info['nproc']}  RAM={info['ram_gb']} GB"
          f"  Python {info['python']}  pandas {info['pandas']}", flush=True)
    store_path(SMALL)
    store_path(LARGE)

    tables = None

    def large_tables():
        nonlocal tables
        if tables is None:
            import cocope_kit as ck
            from cocope_kit import analysis

            print("  loading the 2,000-CoP store for the side-by-side comparisons ...",
                  flush=True)
            store = ck.open_store(store_path(LARGE))
            tables = analysis.load_tables(store)
            store.close()
        return tables

    steps = {
        "catalogue": catalogue.bench,
        "alpha": lambda: alpha.bench(large_tables()),
        "likert": lambda: likert.bench(large_tables()),
        "agreement": lambda: agreement.bench(large_tables()),
        "reports": startup.bench_reports,
        "import": startup.bench_import,
        "notebooks": startup.bench_notebooks,
        "concurrency": concurrency.bench,
        "forms": forms.bench,
    }
    rows: list[Row] = []
    failed: list[str] = []
    for name in NAMES:
        if name not in wanted:
            continue
        print(f"- {name} ...", flush=True)
        t0 = time.perf_counter()
        try:
            new = steps[name]()
        except (MismatchError, Exception) as exc:  # report, go on, fail at the end
            failed.append(name)
            traceback.print_exc()
            new = [Row(f"{name}: FAILED ({type(exc).__name__})", float("nan"), "s", met=False,
                       note=str(exc).splitlines()[0][:300])]
        rows += new
        for r in new:
            print(f"    {r.figure}: {r.kit:.3f} {r.unit}"
                  + (f" vs {r.alternative:.3f} {r.unit}" if r.alternative is not None else "")
                  + (f"  [{r.note}]" if r.note else ""), flush=True)
        print(f"  ({time.perf_counter() - t0:.0f} s)", flush=True)

    print()
    print(text_table(rows))
    notes = [f"- {r.figure}: {r.note}" for r in rows if r.note]
    if notes:
        print("\nNotes:\n" + "\n".join(notes))
    CACHE.mkdir(parents=True, exist_ok=True)
    (CACHE / "results.json").write_text(json.dumps(
        {"machine": info, "command": "make bench", "rows": [r.as_dict() for r in rows]},
        indent=2, default=str))
    (CACHE / "results.md").write_text(markdown_table(rows) + "\n\n" + "\n".join(notes) + "\n")
    print(f"\nwritten: {CACHE / 'results.json'}, {CACHE / 'results.md'}")
    if args.record:
        record(info, rows, notes, " ".join(["python -m benchmarks.run", *(argv or sys.argv[1:])]))
        print(f"recorded in {RESULTS}")
    if failed:
        print(f"FAILED: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
