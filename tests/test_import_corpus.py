"""Bad input corpus: every file in tests/data/bad must be rejected with a problem that names
the file, the row (file line, or sheet row for .xlsx) and the column, and the store must not
change. The corpus is written by tests/data/bad/make_corpus.py; EXPECTED.csv is its manifest.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

import cocope_kit as ck
from cocope_kit.errors import CocopeError, ValidationError
from cocope_kit.schema import TABLE_ORDER

BAD = Path(__file__).parent / "data" / "bad"
GOOD = Path(__file__).parent / "data" / "good"


def _manifest() -> list[dict]:
    with open(BAD / "EXPECTED.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


CASES = _manifest()


def dump(s: ck.Store) -> list[str]:
    return list(s._con.iterdump())


@pytest.fixture(scope="module")
def base():
    """One store for the whole corpus: no case may change it, so it can be shared."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("_store_conftest", Path(__file__).with_name("conftest.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    _minimal_rows = mod._minimal_rows
    s = ck.open_store(":memory:")
    s.write(_minimal_rows())
    snap = {t: s.read(t) for t in TABLE_ORDER}
    yield s, dump(s), snap
    s.close()


def test_corpus_is_complete():
    files = sorted(str(p.relative_to(BAD)) for p in BAD.rglob("*") if p.is_file()
                   and p.parent != BAD)
    assert files == sorted(c["file"] for c in CASES)
    assert len(CASES) >= 22
    assert sum(c["file"].endswith(".xlsx") for c in CASES) >= 3


@pytest.mark.parametrize("case", CASES, ids=[c["file"].split("/")[0] for c in CASES])
def test_bad_file_is_rejected_naming_file_row_and_column(base, case):
    store, raw, _ = base
    path = BAD / case["file"]
    with pytest.raises(CocopeError) as ei:
        store.import_file(path)
    assert isinstance(ei.value, ValidationError)
    problems = ei.value.problems
    row = int(case["row"]) if case["row"] else None
    column = case["column"] or None
    hits = [p for p in problems if (p.table, p.row, p.column) == (case["table"], row, column)]
    assert hits, f"no problem at {case['table']} row {row}, column {column}: {problems}"
    assert all(p.source and p.source.startswith(str(path)) for p in problems)
    assert str(path) in str(ei.value)
    # one mistake per file: nothing else may be reported
    assert len(problems) == 1, problems
    assert dump(store) == raw


def test_store_reads_the_same_after_the_whole_corpus(base):
    store, raw, snap = base
    for case in CASES:
        with pytest.raises(CocopeError):
            store.import_file(BAD / case["file"])
    for t in TABLE_ORDER:
        pd.testing.assert_frame_equal(store.read(t), snap[t], obj=t)
    assert dump(store) == raw


def test_problem_messages_are_helpful(base):
    store = base[0]
    with pytest.raises(ValidationError) as ei:
        store.import_file(BAD / "level_out_of_range" / "pair_rating.csv")
    assert "a whole number from 0 to 3" in str(ei.value)
    with pytest.raises(ValidationError) as ei:
        store.import_file(BAD / "not_utf8" / "member.csv")
    assert "UTF-8" in str(ei.value) and "Save as: CSV UTF-8" in str(ei.value)
    with pytest.raises(ValidationError) as ei:
        store.import_file(BAD / "id_already_in_store" / "meeting.csv")
    assert "already in the store" in str(ei.value)
    with pytest.raises(ValidationError) as ei:
        store.import_file(BAD / "duplicate_id_in_file" / "meeting.csv")
    assert "already appears in row 2" in str(ei.value)


def test_several_mistakes_are_all_reported(tmp_path, base):
    store, raw, _ = base
    f = tmp_path / "meeting.csv"
    f.write_text("meeting_id,cop_id,phase,held_on\n"
                 "be-1:mt8,xx-9,party,2026-02-30\n"
                 "be-1:mt9,be-1,domain,2026-03-01\n"
                 ",be-1,practice,\n", encoding="utf-8")
    with pytest.raises(ValidationError) as ei:
        store.import_file(f)
    got = sorted((p.row, p.column) for p in ei.value.problems)
    assert got == [(2, "cop_id"), (2, "held_on"), (2, "phase"), (4, "held_on"), (4, "meeting_id")]
    assert dump(store) == raw


# ---------------------------------------------------------------- good variants
GOOD_CASES = {
    "bom/meeting.csv": [("be-1:mt8", "community", "2026-03-02", "with BOM")],
    "semicolon/meeting.csv": [("be-1:mt8", "community", "2026-03-02", "tea, cake"),
                              ("be-1:mt9", "practice", "2026-04-02", None)],
    "title_rows/meeting.csv": [("be-1:mt8", "community", "2026-03-02", None)],
    "title_rows/meetings.xlsx": [("be-1:mt8", "community", "2026-03-02", "spreadsheet date"),
                                 ("be-1:mt9", "practice", "2026-04-02", None)],
}


@pytest.mark.parametrize("rel", sorted(GOOD_CASES))
def test_good_variants_import(rel, minimal_rows):
    s = ck.open_store(":memory:")
    s.write(minimal_rows)
    path = GOOD / rel
    want = GOOD_CASES[rel]
    assert s.import_file(path) == {"meeting": len(want)}
    got = s.read("meeting", where={"meeting_id": [w[0] for w in want]})
    assert got.cop_id.tolist() == ["be-1"] * len(want)
    assert got.phase.tolist() == [w[1] for w in want]
    assert got.held_on.tolist() == [pd.Timestamp(w[2]) for w in want]
    assert [None if pd.isna(v) else v for v in got.note] == [w[3] for w in want]
    audit = s.read("audit")
    assert audit.action.tolist() == ["import"] and audit.table_name.tolist() == ["meeting"]
    assert str(path) in audit.detail.item()
    # importing the same file again is refused: the ids are in the store now
    before = dump(s)
    with pytest.raises(ValidationError, match="already in the store"):
        s.import_file(path)
    assert dump(s) == before


def test_workbook_with_two_table_sheets_imports_all_or_nothing(tmp_path, minimal_rows):
    import openpyxl

    s = ck.open_store(":memory:")
    s.write(minimal_rows)
    wb = openpyxl.load_workbook(BAD / "xlsx_two_sheets" / "plan.xlsx")
    wb["action_owner"]["C4"] = "no"  # repair the one bad cell
    fixed = tmp_path / "plan.xlsx"
    wb.save(fixed)
    assert s.import_file(fixed) == {"action": 1, "action_owner": 2}
    owners = s.read("action_owner", where={"action_id": "be-1:a8"})
    assert owners.member_id.tolist() == ["be-1:m1", "be-1:m2"]
    assert owners.lead.tolist() == [True, False]
    assert s.read("action", where={"action_id": "be-1:a8"}).due_on.item() == pd.Timestamp("2026-04-09")
