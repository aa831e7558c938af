"""Shared helpers: cached demo stores, timing, result rows, loud equality checks."""

from __future__ import annotations

import math
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PYTHON = sys.executable
CACHE = ROOT / "out" / "bench"
SEED = 0
SMALL = 4  # the four contrasting demo CoPs
LARGE = 2000  # about 700,000 answers


class MismatchError(AssertionError):
    """The kit and the alternative gave different numbers: the timing is worthless."""


def check(ok: bool, what: str) -> None:
    """Fail loudly when a side-by-side comparison does not give the same numbers."""
    if not ok:
        raise MismatchError(f"benchmark comparison failed: {what}")


def cocope() -> str:
    """The ``cocope`` command of this interpreter's environment."""
    exe = BIN / "cocope"
    return str(exe) if exe.exists() else "cocope"


def store_path(cops: int, seed: int = SEED) -> Path:
    """A demo store with ``cops`` CoPs in :data:`CACHE`, made with ``cocope demo`` if missing.

    The file name carries the number of CoPs and the seed, so a store is reused
    only when both match (``cocope demo`` is deterministic for a seed).
    """
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"cops{cops}-seed{seed}.sqlite"
    if path.exists():
        return path
    tmp = path.with_name(path.name + ".tmp")
    for p in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        p.unlink(missing_ok=True)
    print(f"  generating {path.name} with cocope demo --cops {cops} --seed {seed} ...",
          flush=True)
    t0 = time.perf_counter()
    subprocess.run([cocope(), "demo", "--out", str(tmp), "--cops", str(cops),
                    "--seed", str(seed)], check=True, stdout=subprocess.DEVNULL)
    os.replace(tmp, path)
    print(f"  ... {time.perf_counter() - t0:.1f} s", flush=True)
    return path


def timed(fn: Callable[[], object]) -> tuple[object, float]:
    """Result of ``fn()`` and its wall time in seconds."""
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def run_child(args: Sequence[str], *, timeout: float = 900, env: dict | None = None,
              cwd: Path = ROOT) -> tuple[subprocess.CompletedProcess, float]:
    """Run a command in a fresh process; its completed process and wall time (s)."""
    t0 = time.perf_counter()
    proc = subprocess.run(list(args), capture_output=True, text=True, timeout=timeout,
                          env=env, cwd=cwd)
    return proc, time.perf_counter() - t0


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


@dataclass
class Row:
    """One line of the printed table.

    ``ratio`` is alternative / kit, so for times a ratio above 1 means the kit
    is faster. ``met`` is None when the figure has no target.
    """

    figure: str
    kit: float
    unit: str
    alternative: float | None = None
    alternative_name: str = ""
    target: str = ""
    met: bool | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.alternative is None or not self.kit:
            return None
        return self.alternative / self.kit

    def as_dict(self) -> dict:
        d = asdict(self)
        d["ratio"] = self.ratio
        return d


def _num(value: float | None, unit: str = "") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if unit == "x":
        return f"{value:,.1f}x"
    if unit == "MB":
        return f"{value:,.0f} MB"
    if unit == "s":
        return f"{value:,.3f} s" if value < 1 else f"{value:,.2f} s"
    if unit == "":
        return f"{value:,.0f}"
    return f"{value:,.3g} {unit}"


def cells(row: Row) -> list[str]:
    met = "-" if row.met is None else ("yes" if row.met else "NO")
    alt = _num(row.alternative, row.unit)
    if row.alternative is not None and row.alternative_name:
        alt = f"{alt} ({row.alternative_name})"
    return [row.figure, _num(row.kit, row.unit), alt, _num(row.ratio, "x"), row.target or "-",
            met]


HEADER = ["figure", "kit", "alternative", "ratio alt/kit", "target", "met?"]


def text_table(rows: Sequence[Row]) -> str:
    body = [HEADER] + [cells(r) for r in rows]
    widths = [max(len(r[i]) for r in body) for i in range(len(HEADER))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
             for r in body]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown_table(rows: Sequence[Row]) -> str:
    out = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    out += ["| " + " | ".join(c.replace("|", "/") for c in cells(r)) + " |" for r in rows]
    return "\n".join(out)
