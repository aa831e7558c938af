"""1,000 survey submissions by 20 concurrent writer processes: time, and that none is lost.

Each writer opens the same store file and writes its submissions one by one,
each as one ``store.write({"response": ..., "answer": ...}, submission_key=...)``
(what ``widgets.survey.submit_response`` does when a participant presses
submit). All writers start together (a barrier file) and the time runs from
the start signal until the last writer has exited. The alternative is the
same 1,000 submissions written by one process one after the other. Afterwards
the store must hold exactly every response id and every answer, and no writer
may have had an error.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

from ._common import PYTHON, ROOT, Row, check

WRITERS = 20
SUBMISSIONS = 1000
INSTRUMENT = "cop_climate"
COP = {"cop_id": "bench-1", "name": "Benchmark CoP", "school": "Bench school",
       "country": "BE", "language": "en", "cycle": 1, "created_on": "2026-01-12"}


def _batch(worker: str, i: int, items: list[str]) -> tuple[dict, str]:
    import pandas as pd

    rid = f"bench-1:w{worker}-r{i}"
    response = pd.DataFrame([{
        "response_id": rid, "cop_id": "bench-1", "instrument_id": INSTRUMENT,
        "instrument_version": "1", "respondent_id": f"anon-{worker}-{i}",
        "respondent_role": "teacher", "wave": "pre", "language": "en",
        "submitted_at": "2026-03-01T10:00:00Z"}])
    answer = pd.DataFrame({"response_id": rid, "item_id": items,
                           "value": [float(1 + (i + j) % 5) for j in range(len(items))],
                           "text": None})
    return {"response": response, "answer": answer}, rid


def writer(path: str, worker: str, n: int, folder: str) -> None:
    import cocope_kit as ck

    items = [it.id for it in ck.load_instrument(INSTRUMENT).items]
    batches = [_batch(worker, i, items) for i in range(n)]
    store = ck.open_store(path)
    (Path(folder) / f"ready-{worker}").touch()
    while not (Path(folder) / "go").exists():
        time.sleep(0.001)
    failed = 0
    for batch, rid in batches:
        try:
            store.write(batch, submission_key=rid)
        except Exception as exc:  # counted and reported; the benchmark then fails
            failed += 1
            print(f"{rid}: {type(exc).__name__}: {exc}", file=sys.stderr)
            if failed == 1:
                traceback.print_exc()
    store.close()
    sys.exit(1 if failed else 0)


def _round(folder: Path, writers: int) -> tuple[float, int, list[str]]:
    import cocope_kit as ck

    path = folder / "store.sqlite"
    ck.open_store(path).write({"cop": [COP]})
    per = SUBMISSIONS // writers
    procs = [subprocess.Popen([PYTHON, "-m", "benchmarks.concurrency", str(path), f"{w:02d}",
                               str(per), str(folder)], cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for w in range(writers)]
    deadline = time.monotonic() + 300
    while len(list(folder.glob("ready-*"))) < writers:
        check(time.monotonic() < deadline and all(p.poll() is None for p in procs),
              "a writer failed to start: " + "".join(p.stderr.read() for p in procs
                                                     if p.poll() is not None)[-2000:])
        time.sleep(0.01)
    t0 = time.perf_counter()
    (folder / "go").touch()
    errors = []
    for p in procs:
        _, err = p.communicate(timeout=600)
        if p.returncode:
            errors.append(err[-1000:])
    wall = time.perf_counter() - t0
    store = ck.open_store(path)
    resp, ans = store.read("response"), store.read("answer")
    store.close()
    expected = {f"bench-1:w{w:02d}-r{i}" for w in range(writers) for i in range(per)}
    check(not errors, f"{len(errors)} writers reported errors: {errors[:2]}")
    check(set(resp["response_id"]) == expected and len(resp) == len(expected),
          f"{len(expected - set(resp['response_id']))} of {len(expected)} submissions lost")
    n_items = len(ck.load_instrument(INSTRUMENT).items)
    check(len(ans) == len(expected) * n_items,
          f"answers: {len(ans)} stored, {len(expected) * n_items} submitted")
    return wall, len(resp), errors


def bench() -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="cocope-bench-") as a, \
            tempfile.TemporaryDirectory(prefix="cocope-bench-") as b:
        t_conc, n, _ = _round(Path(a), WRITERS)
        t_seq, _, _ = _round(Path(b), 1)
    return [Row(f"{n:,} survey submissions, {WRITERS} concurrent writers (0 lost)", t_conc, "s",
                t_seq, "1 writer in sequence", "none lost", True,
                note=f"{n / t_conc:,.0f} submissions/s")]


if __name__ == "__main__":
    writer(*sys.argv[1:3], int(sys.argv[3]), sys.argv[4])
    print(json.dumps({"ok": True}))
