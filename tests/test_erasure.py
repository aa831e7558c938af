"""Erasure (issue 15, finding 2): ``forget`` leaves no trace of a person anywhere.

The store below is the demo plus one student, Zofia Quennell ("Student Q",
``be-gent:zq7``), who has a row in every table that holds a member id and is
mentioned in every free-text column of somebody else's row. After ``forget``
no cell of any table of the file (schema tables and bookkeeping alike), no
audit entry, no report, harvest, export or analysis table, and no byte of the
``.sqlite`` or ``-wal`` file holds her name, a part of it, her pseudonym or
her id. The lists of tables and columns come from the schema, not from this
file.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
import warnings
from pathlib import Path

import openpyxl
import pandas as pd
import pyreadstat
import pytest

import cocope_kit as ck
from cocope_kit import analysis
from cocope_kit.cli import main
from cocope_kit.demo import write_demo
from cocope_kit.erasure import (
    MARKER,
    MARKERS,
    ErasureWarning,
    Mentions,
    clean_file,
    free_text_columns,
)
from cocope_kit.errors import CocopeError, StoreError
from cocope_kit.harvest_doc import harvest_html, harvest_markdown
from cocope_kit.privacy import PERSON_COLUMNS
from cocope_kit.report import report_html
from cocope_kit.schema import TABLE_ORDER, TABLES

ROOT = Path(__file__).resolve().parents[1]
AS_OF = "2026-06-30"
COP = "be-gent"
MID, NAME, PSEUDONYM = "be-gent:zq7", "Zofia Quennell", "Student Q"
# every way she is named; whole words, any case
NEEDLES = (NAME, "Zofia", "Quennell", PSEUDONYM, MID)
NL = MARKERS["nl"]  # be-gent works in Dutch: the marker in its rows; English in the audit
MENTION = f"as Zofia Quennell said ({PSEUDONYM}; zofia, QUENNELL, {MID})"


def _found(text: str, needles=NEEDLES) -> list[str]:
    return [n for n in needles
            if re.search(rf"(?<![^\W_]){re.escape(n)}(?![^\W_])", text, re.IGNORECASE)]


def _person_columns() -> dict[str, list[str]]:
    """Columns that hold a member id, from the schema (references to member, respondent ids)."""
    out = {}
    for t in TABLE_ORDER:
        cols = [c.name for c in TABLES[t].columns if c.ref == ("member", "member_id")]
        cols += [c for c in PERSON_COLUMNS.get(t, ()) if c not in cols]
        if cols:
            out[t] = cols
    return out


def _raw_cells(path: Path) -> list[tuple[str, str, int, str]]:
    """(table, column, rowid, text) of every non-empty cell of every table in the file."""
    con = sqlite3.connect(path)
    try:
        out = []
        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        for t in tables:
            cols = [r[1] for r in con.execute(f"PRAGMA table_info({t})")]
            for row in con.execute(f"SELECT rowid, * FROM {t}"):
                for c, v in zip(cols, row[1:], strict=True):
                    if v is not None:
                        out.append((t, c, row[0], str(v)))
        return out
    finally:
        con.close()


def _add_victim(s: ck.Store) -> None:
    """Zofia: a row in every member-id table, a mention in every free-text column of others."""
    resp = s.read("response", where={"cop_id": COP, "instrument_id": "cop_climate"}).iloc[0]
    action = s.read("action", where={"cop_id": COP}).action_id.iloc[0]
    item = s.read("answer", where={"response_id": resp.response_id}).item_id.iloc[0]
    s.write({
        "member": [{"member_id": MID, "cop_id": COP, "name": NAME, "pseudonym": PSEUDONYM,
                    "role": "student", "joined_on": "2025-09-29"}],
        "consent": [{"member_id": MID, "kind": "consent", "status": "given",
                     "recorded_on": "2025-09-29", "note": "given by her father"},
                    {"member_id": MID, "kind": "assent", "status": "given",
                     "recorded_on": "2025-09-29", "note": "easy-read sheet"}],
        "attendance": [{"meeting_id": f"{COP}:m{i}", "member_id": MID, "present": True,
                        "contributions": 4} for i in (1, 2, 3)],
        "idea": [{"idea_id": f"{COP}:iz1", "cop_id": COP, "meeting_id": f"{COP}:m1",
                  "member_id": MID, "kind": "perspective", "text": "Quiet corners at break",
                  "votes": 3}],
        "action_owner": [{"action_id": action, "member_id": MID, "lead": False}],
        "response": [{"response_id": f"{COP}:rz1", "cop_id": COP, "instrument_id": "cop_climate",
                      "instrument_version": resp.instrument_version, "respondent_id": MID,
                      "respondent_role": "student", "wave": "pre", "language": "en",
                      "submitted_at": "2026-02-01T10:00:00Z"}],
        "answer": [{"response_id": f"{COP}:rz1", "item_id": item, "value": 3.0,
                    "text": "I like the buddies"}],
        "pair_rating": [{"rating_id": f"{COP}:prz1", "cop_id": COP, "wave": "pre",
                         "rater_id": MID, "ratee_id": f"{COP}:p1", "level": 2},
                        {"rating_id": f"{COP}:prz2", "cop_id": COP, "wave": "pre",
                         "rater_id": f"{COP}:p1", "ratee_id": MID, "level": 3}],
        "interview": [{"interview_id": f"{COP}:ivz", "cop_id": COP, "respondent_id": MID,
                       "respondent_role": "student", "conducted_on": "2026-05-12",
                       "interviewer": "Hanne Verstraete", "language": "en",
                       "transcript": "I can say what I need now.\n\nThe buddies help."}],
        "coding": [{"coding_id": f"{COP}:cdz", "interview_id": f"{COP}:ivz", "segment": 1,
                    "code_id": "cocope-themes:student_voice", "coder": "coder_a"}],
        "reflection": [{"reflection_id": f"{COP}:rfz", "cop_id": COP, "member_id": MID,
                        "phase": "practice", "text": "I was heard.", "written_on": "2026-05-20"}],
        "result_feedback": [{"feedback_id": f"{COP}:fbz", "cop_id": COP, "member_id": MID,
                             "result_key": "attendance", "verdict": "matches",
                             "created_on": "2026-05-20"}],
        "value_story": [{"story_id": f"{COP}:vsz", "cop_id": COP, "author_id": MID,
                         "immediate": "I spoke up", "created_on": "2026-05-20"}],
    })
    # a submission key of her form, and an earlier deletion that names her
    s._con.execute("INSERT INTO submission VALUES ('k-zofia-1', 'response', ?, '2026-02-01')",
                   (f"{COP}:rz1",))
    for who, why in ((f"{COP}:p1", f"entered twice, noticed by Zofia Quennell ({MID})"),
                     (MID, "entered twice")):
        row = s.read("attendance", where={"meeting_id": f"{COP}:m3", "member_id": who})
        s.delete("attendance", (f"{COP}:m3", who), reason=why)
        s.insert("attendance", row)
    # a mention in every free-text column of a row of somebody else (in her CoP where rows have one)
    own = {t: set(TABLES[t].key) for t in TABLE_ORDER}
    for table, cols in free_text_columns().items():
        df = s.read(table)
        if "cop_id" in df:
            df = df[df.cop_id == COP]
        for c in _person_columns().get(table, []):
            df = df[df[c].astype(object) != MID]
        if table == "answer":
            df = df[df.response_id.str.startswith(COP) & (df.response_id != f"{COP}:rz1")]
        if table == "coding":
            df = df[df.interview_id.str.startswith(COP) & (df.interview_id != f"{COP}:ivz")]
        if table == "goal_measurement":
            df = df[df.goal_id.str.startswith(COP)]
        if table == "consent":
            df = df[df.member_id.str.startswith(COP)]
        row = df.iloc[0]
        change = {k: row[k] for k in own[table]}
        for c in cols:
            if TABLES[table].columns[TABLES[table].column_names.index(c)].type == "json":
                levels = json.loads(row[c])
                levels["2"] = f"{levels['2']} {MENTION}"
                change[c] = json.dumps(levels)
            else:
                old = row[c] if isinstance(row[c], str) else ""
                change[c] = f"{old} {MENTION}".strip()
        s.update(table, change)


@pytest.fixture(scope="module")
def victim_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("erasure") / "school.sqlite"
    s = write_demo(ck.open_store(path))
    _add_victim(s)
    s.close()
    return path


@pytest.fixture
def victim(victim_file, tmp_path):
    path = tmp_path / "school.sqlite"
    shutil.copy(victim_file, path)
    s = ck.open_store(path)
    yield s
    s.close()


# ----------------------------------------------------------------------------- completeness
def test_forget_leaves_no_cell_in_any_table_that_names_the_person(victim):
    path = Path(victim.path)
    # the fixture is complete: a row in every table with a member id, a mention in every
    # free-text column, and every table of the file holds something about her
    for table, cols in _person_columns().items():
        df = victim.read(table)
        assert df[cols].isin([MID]).any(axis=None), f"no row of hers in {table}"
    cells = _raw_cells(path)
    for table, cols in free_text_columns().items():
        for c in cols:
            assert any(t == table and cc == c and _found(v) for t, cc, _, v in cells), (table, c)
    before = {t: victim.count(t) for t in TABLE_ORDER}

    counts = victim.forget(MID)

    left = [(t, c, r, v[:80]) for t, c, r, v in _raw_cells(path) if _found(v)]
    assert left == []
    # her own rows are gone; ideas stay with the group; other people's rows stay
    assert {t: before[t] - victim.count(t) for t in TABLE_ORDER if before[t] != victim.count(t)} \
        == {"member": 1, "consent": 2, "attendance": 3, "action_owner": 1, "response": 1,
            "answer": 1, "pair_rating": 2, "interview": 1, "coding": 1, "reflection": 1,
            "result_feedback": 1, "value_story": 1, "audit": -1}
    idea = victim.read("idea").set_index("idea_id").loc[f"{COP}:iz1"]
    assert pd.isna(idea.member_id) and idea.text == "Quiet corners at break"
    assert victim._con.execute("SELECT count(*) FROM submission WHERE row_id = ?",
                               (f"{COP}:rz1",)).fetchone()[0] == 0
    # each mention became the marker, the rest of the text is kept
    lesson = victim.read("lesson", where={"cop_id": COP}).iloc[0]
    assert lesson.text.endswith(f"as {NL} said ({NL}; {NL}, {NL}, {NL})")
    gas = json.loads(victim.read("goal", where={"cop_id": COP}).gas_levels.iloc[0])
    assert len(gas) == 5 and gas["2"].endswith(f"as {NL} said ({NL}; {NL}, "
                                               f"{NL}, {NL})")
    # interviewer and coder labels are replaced whole
    assert NL in set(victim.read("interview").interviewer)
    assert MARKER in set(victim.read("coding").coder)
    # the audit says that someone was forgotten and when, not who, and no counts
    audit = victim.read("audit")
    entry = audit[audit.action == "forget"]
    assert len(entry) == 1
    assert entry.table_name.item() == "member" and pd.isna(entry.row_id.item())
    assert entry.detail.item() == "a person was forgotten (consent withdrawn)"
    assert not re.search(r"\d", entry.detail.item())
    deleted = audit[(audit.action == "delete") & (audit.table_name == "attendance")]
    assert deleted.row_id.tolist() == [f"{COP}:m3|{COP}:p1", f"{COP}:m3|{MARKER}"]
    assert deleted.detail.tolist() == [f"entered twice, noticed by {MARKER} ({MARKER})",
                                       "entered twice"]
    assert counts["member"] == 1 and counts["lesson"] == 1
    assert victim.integrity_check() == "ok"
    assert victim._con.execute("PRAGMA foreign_key_check").fetchall() == []


def _outputs(s: ck.Store, out: Path) -> dict[str, str]:
    """Every output a user can make, as text: reports, harvest, exports, analysis tables."""
    texts = {
        "report cop names": report_html(s, cop_id=COP, names=True, as_of=AS_OF),
        "report cop": report_html(s, cop_id=COP, as_of=AS_OF),
        "report all names": report_html(s, names=True, as_of=AS_OF),
        "harvest html": harvest_html(s), "harvest md": harvest_markdown(s),
    }
    for fmt in ("csv", "xlsx", "sav"):
        d = out / fmt
        s.export(d, format=fmt, names=True, consented_only=False)
        for f in sorted(d.glob("*.csv")):
            texts[f"csv {f.name}"] = f.read_text(encoding="utf-8")
        for f in sorted(d.glob("*.xlsx")):
            wb = openpyxl.load_workbook(f, read_only=True)
            for ws in wb.worksheets:
                texts[f"xlsx {ws.title}"] = "\n".join(
                    "\t".join("" if v is None else str(v) for v in row)
                    for row in ws.iter_rows(values_only=True))
        for f in sorted(d.glob("*.sav")):
            df, meta = pyreadstat.read_sav(f)
            texts[f"sav {f.name}"] = df.astype(str).to_csv(index=False) + json.dumps(
                meta.variable_value_labels, default=str)
    tables = analysis.load_tables(s, consented_only=False)  # she has consent: the same rows
    for name, df in tables.items():
        texts[f"table {name}"] = df.astype(str).to_csv(index=False)
    for name, df in analysis.run_catalogue(tables, as_of=AS_OF).items():
        texts[f"analysis {name}"] = df.astype(str).to_csv(index=False)
    return texts


def test_no_output_names_the_person_after_forget(victim, tmp_path):
    before = _outputs(victim, tmp_path / "before")
    assert _found(before["report cop names"]) and _found(before["harvest html"])
    assert _found(before["csv member.csv"]) and _found(before["sav member.sav"])
    assert _found(before["analysis segments"]) and _found(before["table member"])
    victim.forget(MID)
    after = _outputs(victim, tmp_path / "after")
    leaks = {k: _found(v) for k, v in after.items() if _found(v)}
    assert leaks == {}


# ----------------------------------------------------------------------------- the file's bytes
def _encodings(text: str) -> list[bytes]:
    return [text.encode(e) for e in ("utf-8", "utf-16-le", "utf-16-be")]


def _in_bytes(path: Path) -> dict[str, list[str]]:
    """Which needles occur in the raw bytes of the file and its -wal file (any encoding)."""
    hits = {}
    for f in (path, Path(f"{path}-wal")):
        if not f.exists():
            continue
        data = f.read_bytes()
        low = data.lower()
        found = [n for n in NEEDLES if any(b in data or b.lower() in low for b in _encodings(n))]
        if found:
            hits[f.name] = found
    return hits


def test_the_files_bytes_hold_no_trace(victim):
    path = Path(victim.path)
    assert victim._con.execute("PRAGMA secure_delete").fetchone()[0] == 1
    victim._con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert _in_bytes(path)[path.name] == list(NEEDLES)  # it can fail: she is there before
    victim.forget(MID)
    # while the store is still open (the -wal file exists, emptied) and after closing it
    wal = Path(f"{path}-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    assert _in_bytes(path) == {}
    victim.close()
    assert _in_bytes(path) == {}


def test_clean_file_reports_a_reader_that_keeps_the_log(victim, tmp_path):
    reader = sqlite3.connect(victim.path, timeout=0.1)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM member").fetchone()  # holds a read snapshot
    victim._con.execute("PRAGMA busy_timeout = 200")
    with pytest.warns(ErasureWarning, match="another program is reading"):
        victim.forget(MID)
    reader.rollback()
    reader.close()
    assert clean_file(victim) is None
    assert _in_bytes(Path(victim.path)) == {}


# ----------------------------------------------------------------------------- kill -9
CHILD = textwrap.dedent("""
    import os, signal, sys, time
    import cocope_kit as ck
    path, mode, arg, mid = sys.argv[1:5]
    s = ck.open_store(path)
    con = s._con
    n = 0
    def die():
        os.kill(os.getpid(), signal.SIGKILL)
    if mode == "statement":  # killed when the arg-th statement starts
        def trace(sql):
            global n
            n += 1
            if n == int(arg):
                die()
        con.set_trace_callback(trace)
    elif mode == "starts":  # killed when a statement starting with arg starts
        con.set_trace_callback(lambda sql: die() if sql.lstrip().upper().startswith(arg) else None)
    elif mode == "opcodes":  # killed in the middle of a statement, after arg*1000 VM steps
        def progress():
            global n
            n += 1
            if n == int(arg):
                die()
            return 0
        con.set_progress_handler(progress, 1000)
    elif mode == "slow":  # slow triggers; the parent kills from outside
        from cocope_kit.schema import TABLE_ORDER
        con.create_function("pause", 0, lambda: time.sleep(0.05))
        for t in TABLE_ORDER:  # every row deleted or changed takes 50 ms
            for what in ("DELETE", "UPDATE"):
                con.execute(f"CREATE TEMP TRIGGER slow_{what}_{t} AFTER {what} ON main.{t} "
                            "BEGIN SELECT pause(); END")
        print("ready", flush=True)
    elif mode == "count":
        ops = 0
        def trace(sql):
            global n
            n += 1
        def progress():
            global ops
            ops += 1
            return 0
        con.set_trace_callback(trace)
        con.set_progress_handler(progress, 1000)
    t0 = time.perf_counter()
    s.forget(mid)
    print("done", n, ops if mode == "count" else 0, round(time.perf_counter() - t0, 3), flush=True)
""")


def _state(path: Path) -> dict[str, list]:
    """Content of every table; the forget audit entry without its random id and time."""
    con = sqlite3.connect(path)
    try:
        out = {}
        for (t,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                "AND name NOT LIKE 'sqlite_%' ORDER BY name"):
            rows = con.execute(f"SELECT * FROM {t}").fetchall()
            if t == "audit":
                rows = [r[2:] if r[2] == "forget" else r for r in rows]
            out[t] = sorted(rows, key=repr)
        return out
    finally:
        con.close()


def _child(path: Path, mode: str, arg: str, **kw) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen([sys.executable, "-c", CHILD, str(path), mode, arg, MID],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            **kw)


def test_kill_9_during_forget_leaves_the_old_or_the_forgotten_store(victim_file, tmp_path):
    old = _state(victim_file)
    ref = tmp_path / "ref.sqlite"
    shutil.copy(victim_file, ref)
    out, _ = _child(ref, "count", "0").communicate(timeout=120)
    assert out.startswith("done")
    total, ops = int(out.split()[1]), int(out.split()[2])
    new = _state(ref)
    assert new != old and total > 20
    runs = [("statement", str(i)) for i in sorted({1, 2, 3, total // 4, total // 2,
                                                   3 * total // 4, total - 3, total - 1})]
    runs += [("starts", "COMMIT"), ("starts", "VACUUM"), ("starts", "PRAGMA WAL_CHECKPOINT")]
    runs += [("opcodes", str(k)) for k in (5, ops // 3, 2 * ops // 3, ops - 2)]
    seen: list[str] = []
    for i, (mode, arg) in enumerate(runs):
        path = tmp_path / f"k{i}.sqlite"
        shutil.copy(victim_file, path)
        p = _child(path, mode, arg)
        p.communicate(timeout=120)
        assert p.returncode == -signal.SIGKILL, (mode, arg, p.returncode)
        seen.append(_check_after_kill(path, old, new, (mode, arg)))
    for i, delay in enumerate((0.1, 0.6, 1.2)):  # kill -9 from outside while triggers are slow
        path = tmp_path / f"x{i}.sqlite"
        shutil.copy(victim_file, path)
        p = _child(path, "slow", "0")
        assert p.stdout.readline().strip() == "ready"
        time.sleep(delay)
        p.send_signal(signal.SIGKILL)
        p.communicate(timeout=120)
        assert p.returncode == -signal.SIGKILL, ("slow", delay, p.returncode)  # killed mid-way
        seen.append(_check_after_kill(path, old, new, ("slow", delay)))
    # the kill points fall on both sides of the commit
    assert "old" in seen and "new" in seen, seen
    assert seen[runs.index(("starts", "COMMIT"))] == "old"
    assert seen[runs.index(("starts", "VACUUM"))] == "new"
    assert seen[-3:] == ["old"] * 3  # the slow runs were killed before their commit


def _check_after_kill(path: Path, old, new, where) -> str:
    s = ck.open_store(path)
    try:
        assert s.integrity_check() == "ok", where
        assert s._con.execute("PRAGMA foreign_key_check").fetchall() == [], where
    finally:
        s.close()
    state = _state(path)
    assert state in (old, new), where
    return "old" if state == old else "new"


# ----------------------------------------------------------------------------- particular cases
def test_harvest_shows_no_real_name_after_forget(tmp_path):
    """The probe of issue 15: a lesson naming a member; the pseudonymised harvest showed the
    pseudonym before forget and the REAL name after it (the member was gone, so nothing
    masked the name left in the lesson's text)."""
    s = write_demo(ck.open_store(tmp_path / "s.sqlite"))
    mid = f"{COP}:p1"
    name, pseudonym = s.read("member").set_index("member_id").loc[mid, ["name", "pseudonym"]]
    s.insert("lesson", {"lesson_id": f"{COP}:l9", "cop_id": COP, "kind": "success",
                        "title": f"{name}'s timetable", "created_on": "2026-05-30",
                        "text": f"{name} moved the support hour; ask {name.split()[0]}."})
    html_before, md_before = harvest_html(s), harvest_markdown(s)
    assert pseudonym in html_before and name not in html_before
    assert pseudonym in md_before and name not in md_before
    s.forget(mid)
    for doc in (harvest_html(s), harvest_markdown(s), harvest_html(s, text="timetable")):
        assert _found(doc, (name, *name.split(), mid)) == []
        assert "timetable" in doc
    lesson = s.read("lesson").set_index("lesson_id").loc[f"{COP}:l9"]
    assert lesson.title == f"{NL}'s timetable"
    assert lesson.text == f"{NL} moved the support hour; ask {NL}."
    # the pseudonym, now nobody's, does not come back either
    assert f"{pseudonym}'s timetable" not in harvest_html(s)


def test_forget_a_student_whose_parent_is_a_member(tmp_path):
    s = write_demo(ck.open_store(tmp_path / "s.sqlite"))
    members = s.read("member").set_index("member_id")
    student, parent = f"{COP}:p5", f"{COP}:p7"
    assert members.loc[student, "name"] == "Lars Vermeulen"
    assert members.loc[parent, "name"] == "Stijn Vermeulen"
    ref = s.read("reflection", where={"member_id": f"{COP}:p2"}).iloc[0]
    s.update("reflection", {"reflection_id": ref.reflection_id,
                            "text": "Stijn Vermeulen came with Lars Vermeulen; Lars spoke "
                                    "first. The Vermeulen family liked it."})
    def parents_rows():  # rows of the parent that are not also the student's (ratings of each other)
        return {t: (s.read(t)[cols].isin([parent]).any(axis=1)
                    & ~s.read(t)[cols].isin([student]).any(axis=1)).sum()
                for t, cols in _person_columns().items()}

    parent_rows = parents_rows()
    assert parent_rows["pair_rating"] > 0 and parent_rows["response"] > 0
    s.forget(student)
    after = s.read("member").set_index("member_id")
    assert student not in after.index
    assert after.loc[parent, "name"] == "Stijn Vermeulen"  # the parent's own data stays
    assert parents_rows() == parent_rows
    consent = s.read("consent")
    assert student not in set(consent.member_id)  # the consent the parent gave for the child
    assert set(consent[consent.member_id == parent].status) == {"given"}
    text = s.read("reflection").set_index("reflection_id").loc[ref.reflection_id, "text"]
    # the parent's full name stays; the student's full name, first name and the
    # surname alone (it may mean the student) go
    assert text == (f"Stijn Vermeulen came with {NL}; {NL} spoke first. "
                    f"The {NL} family liked it.")
    # the parent is still in the reports, under their pseudonym
    assert members.loc[parent, "pseudonym"] in report_html(s, cop_id=COP, as_of=AS_OF)


def test_forget_someone_named_in_another_persons_interview(tmp_path):
    s = write_demo(ck.open_store(tmp_path / "s.sqlite"))
    mid = f"{COP}:p6"  # Bram Maes, Student B
    iv = s.read("interview", where={"respondent_id": f"{COP}:p1"}).iloc[0]
    segments = iv.transcript.split("\n\n")
    transcript = "\n\n".join(segments[:1] + ["Bram Maes (Student B) asked for pictograms; "
                                             "BRAM was right, Maes said later."] + segments[1:])
    s.update("interview", {"interview_id": iv.interview_id, "transcript": transcript})
    codings = s.read("coding", where={"interview_id": iv.interview_id})
    s.forget(mid)
    after = s.read("interview").set_index("interview_id").loc[iv.interview_id]
    parts = after.transcript.split("\n\n")
    assert len(parts) == len(segments) + 1  # segment numbers of the codings still fit
    assert parts[1] == (f"{NL} ({NL}) asked for pictograms; {NL} was right, "
                        f"{NL} said later.")
    assert parts[0] == segments[0] and parts[2:] == segments[1:]
    pd.testing.assert_frame_equal(s.read("coding", where={"interview_id": iv.interview_id}),
                                  codings)
    quotes = analysis.run_catalogue(analysis.load_tables(s), as_of=AS_OF)["segments"]
    assert not quotes.astype(str).apply(lambda c: c.str.contains("Bram|Maes", case=False)).any(
        axis=None)


def test_pseudonym_is_only_removed_in_the_persons_own_cop(tmp_path):
    s = write_demo(ck.open_store(tmp_path / "s.sqlite"))
    members = s.read("member").set_index("member_id")
    graz = members[(members.cop_id == "at-graz") & (members.pseudonym == "Teacher A")].index[0]
    for cop in (COP, "at-graz", "pt-porto"):
        les = s.read("lesson", where={"cop_id": cop}).iloc[0]
        s.update("lesson", {"lesson_id": les.lesson_id,
                            "text": "Teacher A led the first step, as Wout Mertens showed us."})
    s.forget(f"{COP}:p1")  # Wout Mertens, Teacher A of be-gent
    les = s.read("lesson").groupby("cop_id").text.first()
    assert les[COP] == f"{NL} led the first step, as {NL} showed us."
    # somebody else's Teacher A; the name in the marker of the CoP's language
    assert les["at-graz"] == "Teacher A led the first step, as [entfernt] showed us."
    assert les["pt-porto"] == "Teacher A led the first step, as [removido] showed us."
    assert graz in set(s.read("member").member_id)


def test_mentions_whole_words_ids_and_accents():
    m = Mentions("be:1", "Ana Silva de Sousa", "Teacher A", keep=["Anabela Sousa"])
    assert m.name_parts() == ["Ana", "Silva", "Sousa"]  # the particle "de" is not a mention
    text = ("Ána, banana, Anabela Sousa, ANA_SILVA.csv, ana.silva@school.pt, be:1, be:10, "
            "be:1.2, be:1:r3, xbe:1, de la casa, teacher a.")
    assert m.sub(text) == (f"{MARKER}, banana, Anabela Sousa, {MARKER}_{MARKER}.csv, "
                           f"{MARKER}.{MARKER}@school.pt, "
                           f"{MARKER}, be:10, be:1.2, {MARKER}:r3, xbe:1, de la casa, {MARKER}.")
    assert m.sub("teacher a.", in_cop=False) == "teacher a."
    assert Mentions("x", None, None).sub("x and xy") == f"{MARKER} and xy"
    # an id of one or two digits is no mention (it is a number); names of 2 letters are
    short = Mentions("7", "Al", "B")
    assert short.sub("Step 7: Al and B went, 7 of 9") == f"Step 7: {MARKER} and B went, 7 of 9"
    assert Mentions("107", None, None).sub("room 107") == f"room {MARKER}"


# ----------------------------------------------------------------------------- errors
def _snapshot(path: Path) -> dict:
    return _state(path)


def test_forget_unknown_member_names_the_id_and_changes_nothing(victim):
    path = Path(victim.path)
    before = _snapshot(path)
    for typed in ("be-gent:zq8", " BE-GENT:ZQ7 ", ""):
        with pytest.raises(StoreError) as e:
            victim.forget(typed)
        assert f"no member with member_id {typed!r}" in str(e.value)
        assert "nothing was changed" in str(e.value)
    assert _snapshot(path) == before
    with pytest.raises(StoreError, match=r"did you mean 'be-gent:zq7'"):
        victim.forget(" BE-GENT:ZQ7 ")
    with pytest.raises(CocopeError, match="must be text"):
        victim.forget(7)
    assert _snapshot(path) == before


def test_forget_twice_on_the_command_line(victim, capsys):
    path = victim.path
    victim.close()
    assert main(["forget", "--store", path, "--member", MID, "--yes"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith(f"erased member {MID}") and "not who" in out and err == ""
    after = _snapshot(Path(path))
    assert main(["forget", "--store", path, "--member", MID, "--yes"]) == 1
    out, err = capsys.readouterr()
    assert out == "" and "Traceback" not in err
    assert f"no member with member_id {MID!r}" in err and "already forgotten" in err
    assert len(err.strip().splitlines()) == 1
    assert _snapshot(Path(path)) == after


def test_forget_on_memory_store_and_in_a_transaction(tmp_path):
    s = write_demo(ck.open_store(":memory:"))
    s.forget(f"{COP}:p2")
    assert f"{COP}:p2" not in set(s.read("member").member_id)
    f = write_demo(ck.open_store(tmp_path / "t.sqlite"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with f.transaction():
            f.forget(f"{COP}:p2")
    assert [type(w.message) for w in caught] == [ErasureWarning]
    assert clean_file(f) is None


def test_cli_prints_the_erasure_warning(victim, capsys, monkeypatch):
    from cocope_kit import erasure

    monkeypatch.setattr(erasure, "clean_file", lambda store, tables=None: "another program is reading it")
    path = victim.path
    victim.close()
    assert main(["forget", "--store", path, "--member", MID, "--yes"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith(f"erased member {MID}")
    assert err == "warning: another program is reading it\n"
