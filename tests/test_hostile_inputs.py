"""Hostile inputs through every entry point (issue 15, findings 3-7).

Each hostile value goes in by insert, CSV import, XLSX import, merge (a store
of another school written without our checks, as an older version or another
tool would), update and the participant forms. Every attempt must raise a
CocopeError naming the table, row, column and the value as written, and leave
the store byte-for-byte as it was (an SQL dump of every table, audit and
submissions included, compared before and after).
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import cocope_kit as ck
from cocope_kit.errors import CocopeError, MergeConflictError, UsageError, ValidationError
from cocope_kit.schema import TABLES

ROOT = Path(__file__).resolve().parents[1]
OTHER_COP = {"cop_id": "nl-2", "name": "Samen spelen", "school": "De Regenboog",
             "country": "NL", "language": "nl", "cycle": 1, "created_on": "2026-01-20"}
OTHER_MEMBER = {"member_id": "nl-2:m1", "cop_id": "nl-2", "name": "Joke de Vries",
                "pseudonym": "Teacher J", "role": "teacher", "core": True}


# ----------------------------------------------------------------------------- fixtures
_TEMPLATE: dict[str, Path] = {}


def _template(tmp_path_factory, minimal_rows) -> Path:
    """A store file with one valid row per table and a second CoP with one member
    (built once, copied for every test)."""
    if "path" not in _TEMPLATE:
        path = tmp_path_factory.mktemp("template") / "school.sqlite"
        rows = dict(minimal_rows)
        rows["cop"] = rows["cop"] + [OTHER_COP]
        rows["member"] = rows["member"] + [OTHER_MEMBER]
        with ck.open_store(path) as s:
            s.write(rows)
        _TEMPLATE["path"] = path
    return _TEMPLATE["path"]


def _copy(src: Path, dst: Path) -> Path:
    a, b = sqlite3.connect(src), sqlite3.connect(dst)
    a.backup(b)
    a.close()
    b.close()
    return dst


@pytest.fixture
def base(tmp_path, tmp_path_factory, minimal_rows):
    """A fresh copy of the template store, open."""
    s = ck.open_store(_copy(_template(tmp_path_factory, minimal_rows),
                            tmp_path / "school.sqlite"))
    yield s
    s.close()


def dump(store: ck.Store) -> list[str]:
    """Every table of the store file as SQL (schema, rows, audit, submissions)."""
    con = sqlite3.connect(store.path)
    try:
        return list(con.iterdump())
    finally:
        con.close()


def _row(minimal: dict, table: str, **changes) -> dict:
    """The first minimal row of ``table`` with a fresh key and ``changes``."""
    row = dict(minimal[table][0]) if table in minimal else {}
    if table == "pair_rating":
        row = {"rating_id": "be-1:pr9", "cop_id": "be-1", "wave": "post",
               "rater_id": "be-1:m2", "ratee_id": "be-1:m1", "level": 1}
    key = TABLES[table].key
    if len(key) == 1:
        row[key[0]] = f"be-1:new-{table}"
    elif table == "attendance":
        row.update(member_id="be-1:m2")
    elif table == "action_dependency":
        row = {"action_id": "be-1:a2", "depends_on_id": "be-1:a1"}
    row.update(changes)
    return row


# ----------------------------------------------------------------------------- the cases
# (name, table, changes, column of the problem, entry points that apply)
ALL = ("insert", "csv", "xlsx", "merge", "update")
NO_XLSX = ("insert", "csv", "merge", "update")  # openpyxl refuses control characters itself
KEYS = ("insert", "csv", "xlsx", "merge")  # a key cannot be changed by update
KEYS_NO_XLSX = ("insert", "csv", "merge")
CASES = [
    # finding 4: ids that could become a path or markup
    ("id_dotdot", "cop", {"cop_id": "../../../escape1"}, "cop_id", KEYS),
    ("id_slash", "cop", {"cop_id": "be/evil"}, "cop_id", KEYS),
    ("id_backslash", "cop", {"cop_id": "..\\..\\evil"}, "cop_id", KEYS),
    ("id_markup", "cop", {"cop_id": "<script>alert(1)</script>"}, "cop_id", KEYS),
    ("id_inner_space", "member", {"member_id": "be-1:m 3"}, "member_id", KEYS),
    ("id_too_long", "idea", {"idea_id": "x" * 129}, "idea_id", KEYS),
    ("id_rtl_override", "member", {"member_id": "be-1:m3\u202egpj.exe"}, "member_id", KEYS),
    ("id_leading_dot", "lesson", {"lesson_id": ".hidden"}, "lesson_id", KEYS),
    ("ref_dotdot", "response", {"respondent_id": "../x"}, "respondent_id", ALL),
    ("item_markup", "answer", {"response_id": "be-1:r1", "item_id": "<b>q1</b>"}, "item_id", KEYS),
    ("prompt_quote", "reflection", {"prompt_id": "p1'; DROP TABLE cop;--"}, "prompt_id", ALL),
    ("instrument_path", "response", {"instrument_id": "../../etc/passwd"}, "instrument_id", ALL),
    # finding 7: ids unique ignoring case and surrounding spaces
    ("id_case", "cop", {"cop_id": "BE-1"}, "cop_id", KEYS),
    ("id_case_member", "member", {"member_id": "Be-1:M1"}, "member_id", KEYS),
    ("id_case_idea", "idea", {"idea_id": "BE-1:I1"}, "idea_id", KEYS),
    # finding 5: what merge let in
    ("role_made_up", "member", {"role": "pilot"}, "role", ALL),
    ("country_zz", "cop", {"country": "ZZ"}, "country", ALL),
    ("level_99", "pair_rating", {"level": "99"}, "level", ALL),
    ("level_minus_1", "pair_rating", {"level": "-1"}, "level", ALL),
    ("self_rating", "pair_rating", {"ratee_id": "be-1:m2"}, "ratee_id", ALL),
    ("rating_across_cops", "pair_rating", {"ratee_id": "nl-2:m1"}, "ratee_id", ALL),
    ("rater_across_cops", "pair_rating", {"rater_id": "nl-2:m1"}, "rater_id", ALL),
    ("self_dependency", "action_dependency", {"depends_on_id": "be-1:a2"}, "depends_on_id",
     KEYS),
    # finding 6: a circle in the plan
    ("dependency_cycle", "action_dependency", {"action_id": "be-1:a1", "depends_on_id": "be-1:a2"},
     "depends_on_id", KEYS),
    # finding 7: text hygiene
    ("nul_in_name", "member", {"name": "Ana\x00Silva"}, "name", NO_XLSX),
    ("escape_in_pseudonym", "member", {"pseudonym": "T\x1b[31mA"}, "pseudonym", NO_XLSX),
    ("tab_in_short_text", "cop", {"name": "Reading\tbuddies"}, "name", NO_XLSX),
    ("newline_in_title", "lesson", {"title": "Ask\npupils"}, "title", NO_XLSX),
    ("cr_in_school", "cop", {"school": "GO!\rGent"}, "school", NO_XLSX),
    ("nul_in_long_text", "idea", {"text": "Break\x00times"}, "text", NO_XLSX),
    ("bell_in_transcript", "interview", {"transcript": "We talked.\x07"}, "transcript", NO_XLSX),
    ("del_in_school", "cop", {"school": "GO!\x7fGent"}, "school", NO_XLSX),
    ("c1_control_in_note", "meeting", {"note": "first\x85meeting"}, "note", NO_XLSX),
    ("form_feed_in_comment", "result_feedback", {"comment": "mostly\x0c"}, "comment", NO_XLSX),
    ("vertical_tab_in_story", "value_story", {"immediate": "fun\x0bgames"}, "immediate",
     NO_XLSX),
    # finding 7: numbers that are not numbers
    ("inf_value", "goal_measurement", {"value": "inf"}, "value", ALL),
    ("minus_inf_value", "goal_measurement", {"value": "-inf"}, "value", ALL),
    ("nan_value", "goal_measurement", {"value": "NaN"}, "value", ALL),
    ("overflowing_real", "goal_measurement", {"value": "1e400"}, "value", ALL),
    ("inf_weight", "goal", {"weight": "Infinity"}, "weight", ALL),
    ("int64_overflow", "attendance", {"contributions": "9223372036854775808"}, "contributions",
     ALL),
    ("int64_underflow", "idea", {"votes": "-9223372036854775809"}, "votes", ALL),
    ("int_too_long", "coding", {"segment": "99999999999999999999"}, "segment", ALL),
    ("int_1e400", "cop", {"cycle": "1e400"}, "cycle", ALL),
    # enums and booleans
    ("phase_made_up", "meeting", {"phase": "sabotage"}, "phase", ALL),
    ("consent_status_yes", "consent", {"member_id": "be-1:m2", "status": "yes"}, "status", KEYS),
    # (the store's CHECK constraint keeps "maybe" out of any store file, so no merge case)
    ("core_maybe", "member", {"core": "maybe"}, "core", ("insert", "csv", "xlsx", "update")),
]
assert len(CASES) >= 40


def _cases(entry):
    return [pytest.param(name, table, changes, column, id=name)
            for name, table, changes, column, entries in CASES if entry in entries]


def _check(err: CocopeError, table: str, column: str, row: int, value, source: str | None):
    """The error names table, row, column and the value as written (and the source)."""
    assert isinstance(err, ValidationError), err
    hits = [p for p in err.problems if p.table == table and p.column == column]
    assert hits, f"no problem for {table}.{column} in:\n{err}"
    p = hits[0]
    assert p.row == row, str(err)
    assert p.value == value, (p.value, value)
    text = str(err)
    assert repr(value)[:40] in text
    assert f"{table} row {row}, column {column!r}" in text
    if source is not None:
        assert source in text and p.source is not None and source in p.source


# ----------------------------------------------------------------------------- insert
@pytest.mark.parametrize(("name", "table", "changes", "column"), _cases("insert"))
def test_insert_refuses(base, minimal_rows, name, table, changes, column):
    before = dump(base)
    with pytest.raises(CocopeError) as ei:
        base.insert(table, _row(minimal_rows, table, **changes))
    _check(ei.value, table, column, 1, changes[column], None)
    assert dump(base) == before


@pytest.mark.parametrize(
    ("value", "shown"),
    [(math.inf, "inf"), (-math.inf, "-inf"), (1e308 * 10, "inf"), (float("nan"), None)],
)
def test_insert_refuses_python_non_finite_floats(base, minimal_rows, value, shown):
    before = dump(base)
    row = _row(minimal_rows, "goal_measurement", value=value)
    with pytest.raises(ValidationError) as ei:
        base.insert("goal_measurement", row)
    p = ei.value.problems[0]
    assert (p.table, p.row, p.column) == ("goal_measurement", 1, "value")
    if shown is None:  # NaN from Python is a missing value; value is required
        assert "a value is required" in str(ei.value)
    else:
        assert f"{shown} is not allowed" in str(ei.value)
        assert "not numbers here" in str(ei.value)
    assert dump(base) == before


# ----------------------------------------------------------------------------- CSV import
def _write_csv(path: Path, row: dict) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(list(row))
        w.writerow(["" if v is None else v for v in row.values()])
    return path


@pytest.mark.parametrize(("name", "table", "changes", "column"), _cases("csv"))
def test_csv_import_refuses(base, minimal_rows, tmp_path, name, table, changes, column):
    before = dump(base)
    f = _write_csv(tmp_path / f"{table}.csv", _row(minimal_rows, table, **changes))
    with pytest.raises(CocopeError) as ei:
        base.import_file(f)
    _check(ei.value, table, column, 2, changes[column], f.name)
    assert dump(base) == before


# ----------------------------------------------------------------------------- XLSX import
def _write_xlsx(path: Path, table: str, row: dict, *, title_rows=()) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = table
    for t in title_rows:
        ws.append(list(t))
    ws.append(list(row))
    ws.append([v for v in row.values()])
    wb.save(path)
    return path


@pytest.mark.parametrize(("name", "table", "changes", "column"), _cases("xlsx"))
def test_xlsx_import_refuses(base, minimal_rows, tmp_path, name, table, changes, column):
    before = dump(base)
    f = _write_xlsx(tmp_path / "upload.xlsx", table, _row(minimal_rows, table, **changes))
    with pytest.raises(CocopeError) as ei:
        base.import_file(f)
    _check(ei.value, table, column, 2, changes[column], f.name)
    assert dump(base) == before


# ----------------------------------------------------------------------------- merge
def _hostile_store(base: ck.Store, tmp_path: Path, table: str, row: dict) -> Path:
    """A copy of ``base`` with ``row`` added by plain SQL, as another tool could write it."""
    src = _copy(Path(base.path), tmp_path / "other_school.sqlite")
    out = sqlite3.connect(src)
    cols = TABLES[table].column_names
    vals = [row.get(c) for c in cols]
    vals = [int(v) if isinstance(v, bool) else v for v in vals]
    out.execute(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                vals)
    out.commit()
    out.close()
    return src


@pytest.mark.parametrize(("name", "table", "changes", "column"), _cases("merge"))
def test_merge_refuses(base, minimal_rows, tmp_path, name, table, changes, column):
    src = _hostile_store(base, tmp_path, table, _row(minimal_rows, table, **changes))
    # the same rows as the source, apart from the hostile one
    target = ck.open_store(_copy(Path(base.path), tmp_path / "target.sqlite"))
    before = dump(target)
    with pytest.raises(CocopeError) as ei:
        target.merge(src)
    # the row as numbered in the source's table, the value as the source holds it
    con = sqlite3.connect(src)
    n = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    stored = con.execute(f"SELECT {column} FROM {table} ORDER BY rowid DESC LIMIT 1").fetchone()[0]
    con.close()
    _check(ei.value, table, column, n, stored, "other_school.sqlite")
    assert "nothing was merged" in str(ei.value)
    assert dump(target) == before
    target.close()


def test_merge_lists_every_problem_of_every_table(base, minimal_rows, tmp_path):
    # the five kinds the issue found merged in at once: role, level, self-rating, country, ../ id
    src = _hostile_store(base, tmp_path, "cop", _row(minimal_rows, "cop", cop_id="../x",
                                                     country="ZZ"))
    con = sqlite3.connect(src)
    con.execute("UPDATE member SET role = 'pilot' WHERE member_id = 'be-1:m2'")
    con.execute("INSERT INTO pair_rating VALUES ('be-1:pr7', 'be-1', 'post', 'be-1:m1', "
                "'be-1:m1', 99)")
    con.execute("INSERT INTO action_dependency VALUES ('be-1:a1', 'be-1:a1')")
    con.commit()
    con.close()
    target = ck.open_store(tmp_path / "target.sqlite")
    before = dump(target)
    with pytest.raises(ValidationError) as ei:
        target.merge(src)
    found = {(p.table, p.column, p.value) for p in ei.value.problems}
    assert {("cop", "cop_id", "../x"), ("cop", "country", "ZZ"), ("member", "role", "pilot"),
            ("pair_rating", "level", 99), ("pair_rating", "ratee_id", "be-1:m1"),
            ("action_dependency", "depends_on_id", "be-1:a1")} <= found
    assert dump(target) == before


def test_merge_still_reports_collisions(base, minimal_rows, tmp_path):
    src = _hostile_store(base, tmp_path, "lesson", _row(minimal_rows, "lesson"))
    con = sqlite3.connect(src)
    con.execute("UPDATE cop SET name = 'Other name' WHERE cop_id = 'be-1'")
    con.commit()
    con.close()
    before = dump(base)
    with pytest.raises(MergeConflictError):
        base.merge(src)
    assert dump(base) == before


# ----------------------------------------------------------------------------- update
@pytest.mark.parametrize(("name", "table", "changes", "column"), _cases("update"))
def test_update_refuses(base, minimal_rows, name, table, changes, column):
    key = TABLES[table].key
    existing = (minimal_rows[table][0] if table != "pair_rating"
                else {"rating_id": "be-1:pr1"})
    row = {k: existing[k] for k in key}
    row.update({c: v for c, v in changes.items() if c not in key})
    if table == "pair_rating" and column == "ratee_id" and changes[column] == "be-1:m2":
        row["rater_id"] = "be-1:m2"  # the stored rating is m1 -> m2; make it m2 -> m2
    before = dump(base)
    with pytest.raises(CocopeError) as ei:
        base.update(table, row)
    _check(ei.value, table, column, 1, changes[column], None)
    assert dump(base) == before


def test_update_refuses_moving_a_rated_member_to_another_cop(base):
    before = dump(base)
    with pytest.raises(ValidationError) as ei:
        base.update("member", {"member_id": "be-1:m2", "cop_id": "nl-2"})
    p = ei.value.problems[0]
    assert (p.table, p.row, p.column, p.value) == ("member", 1, "cop_id", "nl-2")
    assert "pair ratings in CoP 'be-1'" in str(ei.value)
    assert dump(base) == before


# ----------------------------------------------------------------------------- forms
def test_survey_form_submission_refuses_hostile_ids_and_text(base):
    from cocope_kit.widgets.survey import build_response, submit_response, survey_items

    answers = {it.item_id: 4.0 for it in survey_items("working_together")}
    answers["wt_fit"] = 3.0
    for field, value, column, table in [
        ("respondent_id", "../../x", "respondent_id", "response"),
        ("wave", "pre\x00", "wave", "response"),
        ("cop_id", "BE-1 ", "cop_id", "response"),
    ]:
        kw = {"cop_id": "be-1", "wave": "pre", "language": "en", "respondent_id": "anon1",
              field: value}
        batch = build_response("working_together", answers, **kw)
        before = dump(base)
        with pytest.raises(ValidationError) as ei:
            submit_response(base, batch, submission_key=f"key-{field}")
        p = next(p for p in ei.value.problems if p.column == column)
        assert (p.table, p.row, p.value) == (table, 1, value)
        assert dump(base) == before


def test_network_form_refuses_a_rating_across_cops(base):
    from cocope_kit.widgets.network import build_pair_ratings
    from cocope_kit.widgets.survey import submit_response

    batch = build_pair_ratings({"nl-2:m1": 3}, cop_id="be-1", wave="post", rater_id="be-1:m1",
                               targets=["nl-2:m1"])
    before = dump(base)
    with pytest.raises(ValidationError) as ei:
        submit_response(base, batch, submission_key="k-net")
    p = ei.value.problems[0]
    assert (p.table, p.row, p.column, p.value) == ("pair_rating", 1, "ratee_id", "nl-2:m1")
    assert "belongs to 'nl-2'" in str(ei.value)
    assert dump(base) == before


def test_idea_board_shows_the_problem_and_stores_nothing(base):
    from cocope_kit import widgets as cw

    board = cw.IdeaBoard(base, "be-1")
    before = dump(base)
    board._text_in.value = "Break\x00times"
    board._add.click()
    assert board._status.kind == "error"
    assert "text: &#x27;Break\\x00times&#x27; — text without control characters" \
        in board._status.value
    assert dump(base) == before


# ----------------------------------------------------------------------------- one batch
def test_ids_differing_in_case_or_spaces_within_one_file_name_both_rows(base, tmp_path):
    f = tmp_path / "lesson.csv"
    f.write_text("lesson_id,cop_id,kind,title,created_on\n"
                 "be-1:x,be-1,insight,One,2026-05-01\n"
                 " BE-1:X ,be-1,insight,Two,2026-05-01\n", encoding="utf-8")
    before = dump(base)
    with pytest.raises(ValidationError) as ei:
        base.import_file(f)
    p = ei.value.problems[0]
    assert (p.row, p.column, p.value) == (3, "lesson_id", " BE-1:X ")
    assert "already appears in row 2 as 'be-1:x'" in str(ei.value)
    assert dump(base) == before


def test_surrounding_spaces_of_an_id_are_dropped(base, minimal_rows):
    base.insert("lesson", _row(minimal_rows, "lesson", lesson_id="  be-1:l2 "))
    assert "be-1:l2" in set(base.read("lesson")["lesson_id"])


def test_legitimate_ids_pass_the_pattern():
    from cocope_kit.schema_rules import ID_PATTERN

    rx = re.compile(ID_PATTERN)
    for ok in ["be-gent", "at-graz:p1", "cocope-themes:student_voice", "wt_coop_1",
               "1b4e28ba-2fa1-41d2-883f-0016d3cca427", "rp_domain_2", "x" * 128, "AT-Graz:P1",
               "be-gent:measurement-1a2b3c4d"]:
        assert rx.fullmatch(ok), ok
    for bad in ["", "../x", ".x", "-x", "a b", "a/b", "a\\b", "<b>", "x" * 129, "é"]:
        assert not rx.fullmatch(bad), bad


def test_every_id_in_the_demo_and_the_instruments_passes(tmp_path):
    from cocope_kit.demo import write_demo
    from cocope_kit.schema_rules import ID_PATTERN

    s = write_demo(ck.open_store(":memory:"), n_cops=2)
    rx = re.compile(ID_PATTERN)
    checked = 0
    for t, spec in TABLES.items():
        df = s.read(t)
        for col in spec.columns:
            if col.is_id:
                vals = df[col.name].dropna().astype(str)
                bad = [v for v in vals if not rx.fullmatch(v)]
                assert not bad, (t, col.name, bad[:3])
                checked += len(vals)
    assert checked > 5000


# ----------------------------------------------------------------------------- finding 6
def test_import_of_a_plan_with_a_cycle_is_refused_and_reports_build(tmp_path):
    from cocope_kit.demo import write_demo
    from cocope_kit.report import write_reports

    s = write_demo(ck.open_store(tmp_path / "demo.sqlite"), n_cops=1)
    deps = s.read("action_dependency")
    a, b = deps.iloc[0]["action_id"], deps.iloc[0]["depends_on_id"]
    # a three-step circle through the demo's own a <- b: c after a, b after c
    f = tmp_path / "plan.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "action"
    ws.append(["action_id", "cop_id", "title"])
    ws.append(["be-gent:a99", "be-gent", "Evaluate the bench"])
    ws2 = wb.create_sheet("action_dependency")
    ws2.append(["action_id", "depends_on_id"])
    ws2.append(["be-gent:a99", a])
    ws2.append([b, "be-gent:a99"])
    wb.save(f)
    before = dump(s)
    with pytest.raises(ValidationError) as ei:
        s.import_file(f)
    p = ei.value.problems[0]
    assert (p.table, p.row, p.column) == ("action_dependency", 2, "depends_on_id")
    assert "closes a circle" in str(ei.value) and "be-gent:a99" in str(ei.value)
    assert dump(s) == before
    # every hostile attempt of this module on the same store, then the reports of every CoP
    for name, table, changes, _column, entries in CASES:
        if "insert" in entries and not name.startswith("id_case"):  # be-1 is no demo id
            with pytest.raises(CocopeError):
                s.insert(table, {**_demo_row(s, table), **changes})
    assert dump(s) == before
    paths = write_reports(s, tmp_path / "reports")
    assert [p.name for p in paths] == ["report_be-gent.html", "report_all.html"]
    assert all(p.stat().st_size > 10_000 for p in paths)


def _demo_row(s: ck.Store, table: str) -> dict:
    """A row of the demo store's ``table`` with a fresh key (valid apart from the changes)."""
    df = s.read(table)
    rec = {c: (None if pd.isna(v) else v) for c, v in df.iloc[0].items()}
    for c, v in list(rec.items()):
        if isinstance(v, pd.Timestamp):
            rec[c] = v.strftime("%Y-%m-%dT%H:%M:%SZ" if TABLES[table].column(c).type
                                == "timestamp" else "%Y-%m-%d")
    key = TABLES[table].key
    if len(key) == 1:
        rec[key[0]] = f"be-gent:new-{table}"
    # the placeholder ids of CASES refer to the minimal rows; map them onto the demo
    for c, v in list(rec.items()):
        if isinstance(v, str) and v.startswith("be-1"):
            rec[c] = v.replace("be-1", "be-gent")
    return rec


# ----------------------------------------------------------------------------- finding 4
def test_report_out_dir_never_writes_outside(tmp_path, base):
    from cocope_kit.cli import main
    from cocope_kit.report import write_reports

    # a store from before the id rules, holding a cop_id that is a path
    con = sqlite3.connect(base.path)
    con.execute("PRAGMA foreign_keys = OFF")
    con.execute("UPDATE cop SET cop_id = '../../escape1' WHERE cop_id = 'nl-2'")
    con.commit()
    con.close()
    out = tmp_path / "a" / "b" / "reports"
    with pytest.raises(UsageError) as ei:
        write_reports(base, out)
    assert "'report_../../escape1.html' would leave the folder" in str(ei.value)
    code = main(["report", "--store", str(base.path), "--out-dir", str(out)])
    assert code == 1
    assert not list(tmp_path.rglob("*escape1*"))
    assert not out.exists() or not list(out.iterdir())


@pytest.mark.parametrize("name", ["../x.html", "/etc/passwd", "a/b.html", "..", "a\x00b",
                                  "..\\x.html", ""])
def test_inside_refuses_names_leading_out(tmp_path, name):
    from cocope_kit.schema_rules import inside

    with pytest.raises(UsageError):
        inside(tmp_path, name)


def test_inside_keeps_ordinary_names(tmp_path):
    from cocope_kit.schema_rules import inside

    assert inside(tmp_path, "report_be-gent.html") == tmp_path / "report_be-gent.html"
    assert inside(tmp_path, "report_at-graz:p1.html").parent == tmp_path


def test_inside_refuses_a_symlink_that_leads_out(tmp_path):
    from cocope_kit.schema_rules import inside

    (tmp_path / "out").mkdir()
    (tmp_path / "elsewhere").mkdir()
    os.symlink(tmp_path / "elsewhere" / "x.html", tmp_path / "out" / "report_x.html")
    with pytest.raises(UsageError):
        inside(tmp_path / "out", "report_x.html")


# ----------------------------------------------------------------------------- finding 3
HOSTILE_TEXTS = ["\r=HYPERLINK(\"http://evil\",\"click\")", "\n=1+1", "\t=cmd|' /C calc'!A0",
                 "  @SUM(A1:A9)", "ok\r=2+2", "ok\n  +3", "line\r\n-4+4", " \r\n=5"]


def test_csv_export_leaves_no_live_formula(base, tmp_path):
    for i, text in enumerate(HOSTILE_TEXTS):
        base.insert("lesson", {"lesson_id": f"be-1:f{i}", "cop_id": "be-1", "kind": "insight",
                               "title": f"formula {i}", "text": text,
                               "created_on": "2026-05-11"})
    out = tmp_path / "export"
    base.export(out, tables=["lesson"], consented_only=False)
    raw = (out / "lesson.csv").read_bytes().decode("utf-8")
    # 1. the csv module reads every row back, one row per lesson, text neutralised
    with open(out / "lesson.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(HOSTILE_TEXTS) + 1
    texts = {r["lesson_id"]: r["text"] for r in rows}
    for i, text in enumerate(HOSTILE_TEXTS):
        cell = texts[f"be-1:f{i}"]
        assert cell.replace("'", "") == text.replace("'", "")
        assert not re.match(r"[ \t\r\n]*[=+\-@]", cell)
        for line in re.split(r"\r\n|\r|\n", cell)[1:]:
            assert not re.match(r"[ \t]*[=+\-@]", line), repr(cell)
    # 2. a reader that splits at every line break, as a naive import does
    for line in re.split(r"\r\n|\r|\n", raw):
        assert not re.match(r"[ \t]*[=+\-@]", line), repr(line)


def test_xlsx_export_keeps_hostile_text_as_text(base, tmp_path):
    for i, text in enumerate(HOSTILE_TEXTS):
        base.insert("lesson", {"lesson_id": f"be-1:f{i}", "cop_id": "be-1", "kind": "insight",
                               "title": f"t{i}", "text": text,
                               "created_on": "2026-05-11"})
    [f] = base.export(tmp_path / "x", format="xlsx", tables=["lesson"], consented_only=False)
    ws = openpyxl.load_workbook(f)["lesson"]
    cells = [c for row in ws.iter_rows(min_row=2) for c in row]
    assert all(c.data_type != "f" for c in cells)
    # text is kept as written, as a text cell with Excel's quote-prefix flag (the hidden
    # apostrophe), so neither opening nor editing the cell runs it (cocope_kit.exports)
    live = [c for c in cells if isinstance(c.value, str) and re.match(r"[ \t\r\n]*[=+\-@]", c.value)]
    assert live and all(c.data_type == "s" and c.quotePrefix for c in live)
    texts = {c.value for c in cells if isinstance(c.value, str)}
    assert set(HOSTILE_TEXTS) <= texts


# ----------------------------------------------------------------------------- finding 7: readers
def test_xlsx_with_a_number_and_a_date_above_the_header_imports(base, tmp_path):
    row = {"lesson_id": "be-1:l5", "cop_id": "be-1", "kind": "insight", "title": "Title rows",
           "created_on": "2026-05-11"}
    f = _write_xlsx(tmp_path / "lesson.xlsx", "lesson", row,
                    title_rows=[(2026,), (dt.date(2026, 5, 11), "exported"), (3.5, None)])
    assert base.import_file(f) == {"lesson": 1}
    assert base.read("lesson", where={"lesson_id": "be-1:l5"})["title"].item() == "Title rows"


def test_csv_cells_of_a_megabyte_and_more_import(base, tmp_path):
    transcript = ("We talked about the playground. " * 40_000)[:1_200_000] + "end"
    f = tmp_path / "interview.csv"
    f.write_text("interview_id,cop_id,transcript\n"
                 f'be-1:iv9,be-1,"{transcript}"\n', encoding="utf-8")
    limit = csv.field_size_limit()
    assert base.import_file(f) == {"interview": 1}
    assert base.read("interview", where={"interview_id": "be-1:iv9"})["transcript"].item() \
        == transcript
    assert csv.field_size_limit() == limit  # raised for the read only


def test_integer_overflow_shows_the_cell_as_written(base, tmp_path):
    f = tmp_path / "attendance.csv"
    f.write_text("meeting_id,member_id,present,contributions\n"
                 "be-1:mt1,be-1:m2,yes,-9223372036854775809\n", encoding="utf-8")
    with pytest.raises(ValidationError) as ei:
        base.import_file(f)
    text = str(ei.value)
    assert "'-9223372036854775809' is not allowed" in text
    assert "np.int64" not in text and "-9223372036854775808" not in text


# ----------------------------------------------------------------------------- kill -9
_MERGER = """
import sys
import cocope_kit as ck
s = ck.open_store(sys.argv[1])
print("merging", flush=True)
s.merge(sys.argv[2])
print("done", flush=True)
"""


def test_kill_9_during_merge_leaves_all_or_nothing(tmp_path):
    from cocope_kit.demo import write_demo

    src = tmp_path / "src.sqlite"
    write_demo(ck.open_store(src)).close()
    con = sqlite3.connect(src)
    total = sum(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES)
    con.close()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    outcomes = []
    # the merge of the demo takes about 0.5 s: kills early, late and after it ends
    for i, delay in enumerate([0.0, 0.05, 0.1, 0.2, 0.35, 0.6, 3.0]):
        target = tmp_path / f"target{i}.sqlite"
        ck.open_store(target).close()
        proc = subprocess.Popen([sys.executable, "-c", _MERGER, str(target), str(src)],
                                stdout=subprocess.PIPE, env=env, text=True)
        assert proc.stdout.readline().strip() == "merging"
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        with ck.open_store(target) as s:
            assert s.integrity_check() == "ok"
            counts = {t: s.count(t) for t in TABLES}
        data = sum(n for t, n in counts.items() if t != "audit")
        if data == 0:
            assert counts["audit"] == 0
            outcomes.append("nothing")
        else:
            assert sum(counts.values()) == total + 1  # everything, plus the merge's audit entry
            outcomes.append("everything")
    print("kill -9 during merge:", outcomes)
    assert "nothing" in outcomes  # at least one kill landed inside the merge


def test_hostile_corpus_is_large_enough():
    entries = sum(len(e) for *_, e in CASES)
    assert len(CASES) >= 40 and entries >= 150
