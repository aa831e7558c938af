"""Cold-process figures: ``import cocope_kit``, the per-CoP and cross-CoP reports, notebooks.

Each is measured in a fresh process. Import time is measured inside the child
(``time.perf_counter`` around the import statement, interpreter start-up
excluded), median of 5, next to ``import pandas`` measured the same way as a
yardstick. Report times are the wall time of ``cocope report`` as a command
(interpreter start-up included): per CoP on the 4-CoP demo store (median of 3
runs), and all CoPs side by side on the 2,000-CoP store (one run). Notebook
time is the wall time of ``pytest --nbval-lax notebooks/`` (every notebook
run top to bottom, as ``make test`` runs them).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ._common import LARGE, PYTHON, ROOT, SMALL, Row, check, cocope, median, run_child, store_path

IMPORT_TARGET_S = 0.3
REPORT_TARGET_S = 3.0
NOTEBOOK_TARGET_S = 60.0


def _import_time(module: str) -> float:
    code = f"import time; t = time.perf_counter(); import {module}; " \
           "print(time.perf_counter() - t)"
    proc, _ = run_child([PYTHON, "-c", code], timeout=120)
    check(proc.returncode == 0, f"import {module} failed: {proc.stderr[-2000:]}")
    return float(proc.stdout.strip())


def bench_import() -> list[Row]:
    kit = median([_import_time("cocope_kit") for _ in range(5)])
    pandas = median([_import_time("pandas") for _ in range(5)])
    return [Row("import cocope_kit (median of 5 fresh processes)", kit, "s", pandas,
                "import pandas", f"<= {IMPORT_TARGET_S:g} s", kit <= IMPORT_TARGET_S)]


def _compile_kit() -> None:
    """Byte-compile cocope_kit first, as any Python does on a package's first run.

    Environments with PYTHONDONTWRITEBYTECODE set (this one) otherwise recompile
    the kit's source in every cold process (~0.15 s), which a user's machine does not.
    """
    proc, _ = run_child([PYTHON, "-m", "compileall", "-q", str(ROOT / "cocope_kit")],
                        timeout=300)
    check(proc.returncode == 0, f"compileall failed: {proc.stderr[-2000:]}")


def bench_reports() -> list[Row]:
    small, large = store_path(SMALL), store_path(LARGE)
    _compile_kit()
    rows = []
    with tempfile.TemporaryDirectory(prefix="cocope-bench-") as tmp:
        times = []
        for i in range(3):
            out = Path(tmp) / f"cop-{i}.html"
            proc, wall = run_child([cocope(), "report", "--store", str(small), "--out", str(out),
                                    "--cop", "at-graz"], timeout=300)
            check(proc.returncode == 0 and out.stat().st_size > 0,
                  f"cocope report --cop failed: {proc.stderr[-2000:]}")
            times.append(wall)
        t = median(times)
        rows.append(Row("per-CoP report, cold process (cocope report --cop, median of 3)", t, "s",
                        target=f"<= {REPORT_TARGET_S:g} s", met=t <= REPORT_TARGET_S,
                        note=f"runs: {', '.join(f'{x:.2f}' for x in times)} s"))
        out = Path(tmp) / "all.html"
        proc, wall = run_child([cocope(), "report", "--store", str(large), "--out", str(out)],
                               timeout=1800)
        check(proc.returncode == 0 and out.stat().st_size > 0,
              f"cocope report (2,000 CoPs) failed: {proc.stderr[-2000:]}")
        rows.append(Row(f"cross-CoP report, {LARGE:,} CoPs (cocope report)", wall, "s",
                        note=f"{out.stat().st_size / 1e6:.1f} MB of HTML"))
    return rows


def bench_notebooks() -> list[Row]:
    notebooks = sorted((ROOT / "notebooks").rglob("*.ipynb"))
    notebooks = [p for p in notebooks if ".ipynb_checkpoints" not in p.parts]
    env = dict(os.environ)
    proc, wall = run_child([PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                            "notebooks/"], timeout=1800, env=env)
    tail = proc.stdout.strip().splitlines()[-1:] or [""]
    check(proc.returncode == 0, f"notebooks failed under nbval: {proc.stdout[-3000:]}")
    return [Row(f"run every notebook ({len(notebooks)}, pytest --nbval-lax notebooks/)", wall,
                "s", target=f"<= {NOTEBOOK_TARGET_S:g} s", met=wall <= NOTEBOOK_TARGET_S,
                note=tail[0])]
