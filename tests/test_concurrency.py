"""Several processes on one store file, and a process killed in the middle of an import.

DESIGN section 3: every write is one transaction and a rejected (or interrupted) batch
leaves the store unchanged. The store runs in WAL mode with a busy timeout, so parallel
writers wait for each other instead of failing with "database is locked".
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import cocope_kit as ck
import cocope_kit.store  # noqa: F401  (ck.store.MIGRATIONS)

COP = {"cop_id": "be-1", "name": "Reading buddies", "school": "GO! Gent", "country": "BE",
       "language": "nl", "created_on": "2026-01-12"}

# the answers of these tests go to a test instrument "climate" with many items (the store
# checks every answer against its instrument): each process loads it from this file
CLIMATE_ENV = "COCOPE_TEST_CLIMATE"
_LOAD = "import os, cocope_kit as ck; ck.load_instrument(os.environ['COCOPE_TEST_CLIMATE'])"


def _climate(folder: Path) -> Path:
    """Write the test instrument and load it in this process; later processes find it
    through the environment."""
    items = [f"c{j}" for j in range(10)] + [f"item{j}" for j in range(1000)] + ["before",
                                                                                "after"]
    lines = ["id: climate", 'version: "1.0"', "title: {en: Test climate}", "scales:",
             "  p5: {values: [0, 1, 2, 3, 4], labels: {en: [a, b, c, d, e]}}", "items:"]
    lines += [f"  - {{id: {i}, text: {{en: Item {i}}}, construct: x, scale: p5, "
              "reverse: false, audience: [all]}" for i in items]
    path = folder / "climate.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    os.environ[CLIMATE_ENV] = str(path)
    ck.load_instrument(path)
    return path


@pytest.fixture(autouse=True)
def climate(tmp_path, monkeypatch):
    monkeypatch.setenv(CLIMATE_ENV, "")
    return _climate(tmp_path)


WRITER = textwrap.dedent("""
    import sys, time, traceback
    from pathlib import Path
    import cocope_kit as ck
    """ + _LOAD + """

    path, worker, n, k, folder = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), Path(sys.argv[5])
    store = ck.open_store(path)
    (folder / f"ready-{worker}").touch()
    while not (folder / "go").exists():
        time.sleep(0.002)
    failed = 0
    for i in range(n):
        rid = f"w{worker}:r{i}"
        try:
            store.write({
                "response": [{"response_id": rid, "cop_id": "be-1", "instrument_id": "climate",
                              "instrument_version": "1.0", "respondent_id": f"anon-{worker}-{i}",
                              "wave": "pre", "language": "nl",
                              "submitted_at": "2026-03-01T10:00:00Z"}],
                "answer": [{"response_id": rid, "item_id": f"c{j}", "value": float((i + j) % 5)}
                           for j in range(k)],
            })
        except BaseException:
            failed += 1
            traceback.print_exc()
    store.close()
    sys.exit(1 if failed else 0)
""")


def _run_all(cmds: list[list[str]], folder: Path, timeout: float = 240) -> list[tuple[int, str]]:
    """Start every command, release them at once (file ``go``), return (exit code, stderr)."""
    procs = [subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              cwd=folder) for c in cmds]
    try:
        deadline = time.monotonic() + timeout
        while len(list(folder.glob("ready-*"))) < len(cmds):
            if any(p.poll() is not None for p in procs) or time.monotonic() > deadline:
                break
            time.sleep(0.01)
        (folder / "go").touch()
        out = []
        for p in procs:
            _, err = p.communicate(timeout=max(1.0, deadline - time.monotonic()))
            out.append((p.returncode, err))
        return out
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()


@pytest.mark.slow
def test_eight_processes_write_at_once(tmp_path):
    path = tmp_path / "shared.sqlite"
    with ck.open_store(path) as s:
        s.insert("cop", COP)
    n, k, workers = 50, 4, 8
    cmds = [[sys.executable, "-c", WRITER, str(path), str(w), str(n), str(k), str(tmp_path)]
            for w in range(workers)]
    results = _run_all(cmds, tmp_path)
    for code, err in results:
        assert "database is locked" not in err
        assert code == 0 and "Traceback" not in err, err
    with ck.open_store(path) as s:
        assert s.count("response") == workers * n
        assert s.count("answer") == workers * n * k
        per_worker = s.read("response").response_id.str.split(":").str[0].value_counts()
        assert per_worker.to_dict() == {f"w{w}": n for w in range(workers)}
        answers = s.read("answer")
        assert answers.groupby("response_id").size().eq(k).all()
        assert s.integrity_check() == "ok"


OPENER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    import cocope_kit as ck
    import cocope_kit.store  # noqa: F401  (imported before "go", so all open at the same moment)
    path, worker, folder = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    (folder / f"ready-{worker}").touch()
    while not (folder / "go").exists():
        time.sleep(0.001)
    s = ck.open_store(path)
    assert s.schema_version == cocope_kit.store.LATEST_VERSION, s.schema_version
    s.close()
""")


@pytest.mark.slow
def test_many_processes_create_the_same_new_store_at_once(tmp_path):
    """Several form kernels may open a store that does not exist yet at the same moment
    (three rounds of six processes: one round of four missed the WAL-switch race)."""
    for r in range(3):
        folder = tmp_path / f"round{r}"
        folder.mkdir()
        path = folder / "new.sqlite"
        cmds = [[sys.executable, "-c", OPENER, str(path), str(w), str(folder)] for w in range(6)]
        results = _run_all(cmds, folder)
        for code, err in results:
            assert code == 0, err
        with ck.open_store(path) as s:
            assert s.migrations().version.tolist() == [m[0] for m in ck.store.MIGRATIONS]
            assert s._con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


class _Pragmas:
    """A connection whose ``PRAGMA journal_mode`` answers from a script: a mode, or an error."""

    def __init__(self, script):
        self.script, self.calls = list(script), []

    def execute(self, sql):
        self.calls.append(sql)
        answer = self.script.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return type("Cursor", (), {"fetchone": lambda _self: (answer,)})()


def test_wal_switch_waits_for_other_openers():
    """SQLite runs no busy handler for the switch to WAL; the store tries again itself.

    With six processes opening one new store at once, 4 of 40 rounds had one fail with
    "database is locked" before this, 0 of 40 after (a stress run, 23 Nov 2026). The same
    bug and fix: russellromney/honker pull request 102.
    """
    from cocope_kit.store import _use_wal

    locked = sqlite3.OperationalError("database is locked")
    # locked twice, then refused once (answers the old mode), then switched
    con = _Pragmas([locked, locked, "delete", "delete", "delete", "wal"])
    _use_wal(con, busy_ms=5_000)
    assert con.calls == ["PRAGMA journal_mode", "PRAGMA journal_mode", "PRAGMA journal_mode",
                         "PRAGMA journal_mode = WAL", "PRAGMA journal_mode",
                         "PRAGMA journal_mode = WAL"]
    # another process finished the switch meanwhile: nothing more to do
    con = _Pragmas([locked, "wal"])
    _use_wal(con, busy_ms=5_000)
    assert con.calls == ["PRAGMA journal_mode"] * 2
    # still locked when the time is up: the error is raised (Store turns it into a StoreError)
    con = _Pragmas([locked] * 1000)
    t0 = time.monotonic()
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        _use_wal(con, busy_ms=200)
    assert 0.2 <= time.monotonic() - t0 < 2
    # other errors are not waited for
    con = _Pragmas([sqlite3.OperationalError("disk I/O error")])
    with pytest.raises(sqlite3.OperationalError, match="disk I/O"):
        _use_wal(con, busy_ms=5_000)
    assert len(con.calls) == 1


# ---------------------------------------------------------------- killed mid-import
IMPORTER = textwrap.dedent("""
    import os, sys, time
    from pathlib import Path
    import cocope_kit as ck
    """ + _LOAD + """
    from cocope_kit import store as store_mod

    path, csv_path, marker = sys.argv[1], sys.argv[2], sys.argv[3]
    original = store_mod.Store._insert_rows

    def insert_then_hang(self, table, df):
        n = original(self, table, df)
        if table == "answer":  # rows are written, the transaction is still open
            seen = self._con.execute("SELECT count(*) FROM answer").fetchone()[0]
            open_tx = self._con.in_transaction
            Path(marker + ".tmp").write_text(f"{n} {seen} {open_tx}")
            os.replace(marker + ".tmp", marker)
            time.sleep(600)
        return n

    store_mod.Store._insert_rows = insert_then_hang
    ck.open_store(path).import_file(csv_path)
    print("the import finished; it should have been killed")
""")


def _store_with_responses(path: Path, n_responses: int) -> None:
    with ck.open_store(path) as s:
        s.insert("cop", COP)
        s.insert("response", [
            {"response_id": f"r{i}", "cop_id": "be-1", "instrument_id": "climate",
             "instrument_version": "1.0", "respondent_id": f"anon-{i}", "wave": "pre",
             "language": "nl", "submitted_at": "2026-03-01T10:00:00Z"} for i in range(n_responses)])
        s.insert("answer", [{"response_id": "r0", "item_id": "before", "value": 1.0}])


def _answers_csv(path: Path, n_rows: int, n_responses: int) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("response_id,item_id,value,text\n")
        for i in range(n_rows):
            fh.write(f"r{i % n_responses},item{i // n_responses},{i % 5},\n")


def _wal(path: Path) -> Path:
    return Path(str(path) + "-wal")


def _check_untouched(path: Path) -> None:
    with ck.open_store(path) as s:
        assert s.integrity_check() == "ok"
        assert s.count("answer") == 1
        assert s.read("answer").item_id.tolist() == ["before"]
        assert "import" not in set(s.read("audit").action)
        # the store is usable: a later import of a small file works
        small = path.parent / "small" / "answer.csv"
        small.parent.mkdir(exist_ok=True)
        small.write_text("response_id,item_id,value\nr1,after,2\n", encoding="utf-8")
        assert s.import_file(small) == {"answer": 1}
        assert s.count("answer") == 2


@pytest.mark.slow
def test_kill_during_import_transaction_leaves_store_unchanged(tmp_path):
    n_rows, n_responses = 200_000, 1000
    path = tmp_path / "store.sqlite"
    _store_with_responses(path, n_responses)
    csv_path = tmp_path / "answer.csv"
    _answers_csv(csv_path, n_rows, n_responses)
    marker = tmp_path / "inserted"
    proc = subprocess.Popen([sys.executable, "-c", IMPORTER, str(path), str(csv_path), str(marker)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 180
        while not marker.exists():
            assert proc.poll() is None, f"the importer ended early: {proc.communicate()}"
            assert time.monotonic() < deadline, "the importer never reached the insert"
            time.sleep(0.02)
        wal_size = _wal(path).stat().st_size
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    inserted, seen, open_tx = marker.read_text().split()
    # killed mid-transaction: all rows were inserted but not committed
    assert (int(inserted), int(seen), open_tx) == (n_rows, n_rows + 1, "True")
    assert wal_size > 1_000_000, "uncommitted pages should have spilled into the WAL file"
    _check_untouched(path)


@pytest.mark.slow
def test_kill_while_wal_grows_during_real_import(tmp_path):
    """No hooks: kill the importer as soon as its transaction has written pages to the WAL.

    All or nothing: afterwards the store holds either none of the file (killed inside
    the transaction) or all of it (the commit won the race). In the second case retry
    with a file twice as big; the test never passes without a kill inside the transaction.
    """
    path = tmp_path / "store.sqlite"
    n_responses = 1000
    _store_with_responses(path, n_responses)
    n_rows = 100_000  # ~4 MB of pages: more than SQLite's page cache, so it spills early
    for attempt in range(3):
        csv_path = tmp_path / f"try{attempt}" / "answer.csv"
        csv_path.parent.mkdir()
        _answers_csv(csv_path, n_rows, n_responses)
        code = _LOAD + "; import sys; ck.open_store(sys.argv[1]).import_file(sys.argv[2])"
        proc = subprocess.Popen([sys.executable, "-c", code, str(path), str(csv_path)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            while proc.poll() is None:
                wal = _wal(path)
                if wal.exists() and wal.stat().st_size > 256 * 1024:
                    os.kill(proc.pid, signal.SIGKILL)
                    break
                time.sleep(0.002)
            proc.wait(timeout=120)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        with ck.open_store(path) as s:
            n = s.count("answer")
        assert n in (1, n_rows + 1), f"a partial import was committed: {n} answers"
        if n == 1:
            assert proc.returncode == -signal.SIGKILL
            break
        # the commit won the race: undo it and try again with a bigger file
        with ck.open_store(path) as s:
            s._con.execute("DELETE FROM answer WHERE item_id != 'before'")
            s._con.execute("DELETE FROM audit")
        n_rows *= 2
    else:
        pytest.fail("every import was committed before it could be killed")
    _check_untouched(path)
