"""The store: round trips, update/delete/audit, migrations, merge, export, forget,
and property tests of validation and insert (DESIGN sections 3 and 5).

The fixtures ``store`` and ``full`` run each test on both backends: SQLite in memory
and a PostgreSQL database of the suite's server (tests/conftest.py). Tests of files,
migrations of old files and merging of files are SQLite's; PostgreSQL's own checks
(catalog, concurrency, moving between backends) are in test_store_postgres.py."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import cocope_kit as ck
from cocope_kit import schema
from cocope_kit import store as store_mod
from cocope_kit.errors import CocopeError, MergeConflictError, StoreError, ValidationError
from cocope_kit.schema import TABLE_ORDER, TABLES
from cocope_kit.tidy import TIDY_COLUMNS, TIDY_TABLES

DATA = Path(__file__).parent / "data"
V1_FIXTURE = DATA / "store_v1.sqlite"
DATA_TABLES = [t for t in TABLE_ORDER if t != "audit"]

# The dtypes promised by schema's module docstring, written out independently.
DTYPES = {
    "text": "str",
    "json": "str",
    "int": "Int64",
    "bool": "boolean",
    "real": "float64",
    "date": "datetime64[ns]",
    "timestamp": "datetime64[ns, UTC]",
}


def expected_frame(table: str, rows: list[dict]) -> pd.DataFrame:
    """Build, with plain pandas, the frame ``read(table)`` must return for ``rows``."""
    cols = {}
    for col in TABLES[table].columns:
        vals = [r.get(col.name) for r in rows]
        if col.type in ("text", "json"):
            s = pd.Series(vals, dtype="str")
        elif col.type == "int":
            s = pd.Series(vals, dtype="Int64")
        elif col.type == "bool":
            s = pd.Series(vals, dtype="boolean")
        elif col.type == "real":
            s = pd.Series([np.nan if v is None else v for v in vals], dtype="float64")
        elif col.type == "date":
            s = pd.Series(pd.to_datetime(vals, format="%Y-%m-%d")).astype("datetime64[ns]")
        else:
            s = pd.Series(pd.to_datetime(vals, utc=True)).astype("datetime64[ns, UTC]")
        cols[col.name] = s
    return pd.DataFrame(cols)


def snapshot(s: ck.Store) -> dict[str, pd.DataFrame]:
    return {t: s.read(t) for t in TABLE_ORDER}


def assert_same_content(before: dict[str, pd.DataFrame], s: ck.Store) -> None:
    for t in TABLE_ORDER:
        pd.testing.assert_frame_equal(s.read(t), before[t], obj=t)


_TEMPLATE: dict = {}
BACKENDS = ("sqlite", "postgresql")
PG_TEMPLATE = "cocope_template"  # tests/conftest.py: the migrated empty database
PG_FULL = "cocope_full"


def _filled_store(minimal_rows, pg=None) -> tuple[ck.Store, dict]:
    """A fresh store holding ``minimal_rows`` (copied from a template: fast): in memory,
    or with ``pg`` (the suite's PostgreSQL server) a new database."""
    if not _TEMPLATE:
        t = ck.open_store(":memory:")
        t.write(minimal_rows)
        _TEMPLATE.update(store=t, snap=snapshot(t))
    if pg is not None:
        if _TEMPLATE.get("pg") is not pg:
            pg.drop_database(PG_FULL)
            with ck.open_store(pg.create_database(PG_FULL, template=PG_TEMPLATE)) as t:
                t.write(minimal_rows)
            _TEMPLATE["pg"] = pg
        return ck.open_store(pg.create_database(template=PG_FULL)), _TEMPLATE["snap"]
    s = ck.open_store(":memory:")
    _TEMPLATE["store"]._con.backup(s._con)
    return s, _TEMPLATE["snap"]


def dump(s: ck.Store) -> list[str]:
    """The whole database as text: equal dumps mean equal content, row order included.

    SQLite: its own SQL dump. PostgreSQL: every row of every table of the store, as
    ``INSERT INTO "table" ...`` lines in row order (the shape the tests compare)."""
    if s.backend == "sqlite":
        return list(s._con.iterdump())
    out = []
    for t in (*TABLE_ORDER, "submission", "invitation", "schema_migrations"):
        order = "version" if t == "schema_migrations" else "rowid"
        for row in s._con.execute(f"SELECT * FROM {t} ORDER BY {order}"):
            out.append(f'INSERT INTO "{t}" VALUES{tuple(row)!r}')
    return out


def _drop(s: ck.Store, pg) -> None:
    s.close()
    if pg is not None:
        pg.drop_database(s.path.split("/")[-1].split("?")[0])


@pytest.fixture
def store(backend_target):
    s = ck.open_store(backend_target)
    yield s
    s.close()


@pytest.fixture(params=BACKENDS)
def full(request, minimal_rows):
    pg = request.getfixturevalue("pg_server") if request.param == "postgresql" else None
    s, _ = _filled_store(minimal_rows, pg)
    yield s
    _drop(s, pg)


# ---------------------------------------------------------------- round trips
def test_minimal_rows_cover_every_table_and_column(minimal_rows):
    assert set(minimal_rows) == set(TABLE_ORDER) - {"audit"}
    for t, rows in minimal_rows.items():
        for r in rows:
            assert list(r) == TABLES[t].column_names, t


def test_insert_table_by_table_round_trips_values_and_dtypes(store, minimal_rows):
    for t in DATA_TABLES:  # one insert per table: references are found in the store
        assert store.insert(t, minimal_rows[t]) == len(minimal_rows[t])
    for t in DATA_TABLES:
        got = store.read(t)
        assert got.dtypes.astype(str).tolist() == [DTYPES[c.type] for c in TABLES[t].columns], t
        pd.testing.assert_frame_equal(got, expected_frame(t, minimal_rows[t]), obj=t)


def test_write_batch_equals_inserts_and_keeps_python_values(store, minimal_rows):
    counts = store.write(minimal_rows)
    assert counts == {t: len(minimal_rows[t]) for t in DATA_TABLES}
    assert list(counts) == DATA_TABLES  # written in dependency order
    assert store.count("audit") == 0  # plain writes are not audited
    goal = store.read("goal").iloc[0]
    assert goal.baseline == 4.0 and goal.target == 12.5 and goal.weight == 1.5
    assert json.loads(goal.gas_levels)["2"] == "12"
    resp = store.read("response").iloc[0]
    assert resp.submitted_at == pd.Timestamp("2026-02-02T10:30:00", tz="UTC")
    member = store.read("member").set_index("member_id")
    assert member.core.tolist() == [True, False]
    assert member.name.tolist() == ["Ana Silva", "Ben Peeters"]
    assert pd.isna(member.loc["be-1:m1", "left_on"])
    assert member.loc["be-1:m2", "left_on"] == pd.Timestamp("2026-06-30")
    assert pd.isna(store.read("cop").previous_cop_id.iloc[0])


def test_read_where_filters_and_file_store_round_trip(tmp_store_path, minimal_rows):
    with ck.open_store(tmp_store_path) as s:
        s.write(minimal_rows)
    with ck.open_store(tmp_store_path) as s:
        for t in DATA_TABLES:
            pd.testing.assert_frame_equal(s.read(t), expected_frame(t, minimal_rows[t]), obj=t)
        assert s.read("member", where={"role": "student"}).member_id.tolist() == ["be-1:m2"]
        assert s.read("action", where={"action_id": ["be-1:a2", "zz"]}).title.tolist() == ["Games corner"]
        assert s.read("action", where={"action_id": []}).empty


def test_timestamp_with_offset_is_stored_as_utc(full):
    full.insert("response", {"response_id": "r-tz", "cop_id": "be-1", "instrument_id": "cop_climate",
                             "instrument_version": "1.0", "respondent_id": "anon-7", "wave": "post",
                             "language": "nl", "submitted_at": "2026-05-04T12:30:00+02:00"})
    got = full.read("response", where={"response_id": "r-tz"}).submitted_at.item()
    assert got == pd.Timestamp("2026-05-04T10:30:00", tz="UTC")


def test_second_reference_column_to_same_table_is_checked_against_the_store(full):
    # rater and ratee both refer to member.member_id; each must be found in the store
    full.insert("pair_rating", {"rating_id": "pr-x", "cop_id": "be-1", "wave": "post",
                                "rater_id": "be-1:m2", "ratee_id": "be-1:m1", "level": 1})
    # (a1 depending on a2 would close a circle with the fixture's a2 after a1: refused now)
    full.write({"action": [{"action_id": "be-1:a3", "cop_id": "be-1", "title": "Rota"}],
                "action_dependency": [{"action_id": "be-1:a3", "depends_on_id": "be-1:a2"}]})
    with pytest.raises(ValidationError) as ei:
        full.insert("pair_rating", {"rating_id": "pr-y", "cop_id": "be-1", "wave": "post",
                                    "rater_id": "be-1:m2", "ratee_id": "nobody", "level": 1})
    assert [(p.row, p.column) for p in ei.value.problems] == [(1, "ratee_id")]


# ---------------------------------------------------------------- update
def test_update_keeps_untouched_columns(full, minimal_rows):
    before = snapshot(full)
    assert full.update("member", {"member_id": "be-1:m2", "role": "parent", "left_on": None}) == 1
    after = full.read("member").set_index("member_id")
    old = before["member"].set_index("member_id")
    assert after.loc["be-1:m2", "role"] == "parent"
    assert pd.isna(after.loc["be-1:m2", "left_on"])
    for c in ["cop_id", "name", "pseudonym", "core", "joined_on"]:
        assert after.loc["be-1:m2", c] == old.loc["be-1:m2", c], c
    pd.testing.assert_series_equal(after.loc["be-1:m1"], old.loc["be-1:m1"])
    for t in TABLE_ORDER:
        if t != "member":
            pd.testing.assert_frame_equal(full.read(t), before[t], obj=t)


def test_update_second_reference_column(full):
    assert full.update("pair_rating", {"rating_id": "be-1:pr1", "rater_id": "be-1:m2",
                                       "ratee_id": "be-1:m1"}) == 1
    got = full.read("pair_rating").iloc[0]
    assert (got.rater_id, got.ratee_id, got.level) == ("be-1:m2", "be-1:m1", 2)


@pytest.mark.parametrize("change, column", [
    ({"member_id": "be-1:m1", "role": "pilot"}, "role"),
    ({"member_id": "be-1:m1", "cop_id": "xx-9"}, "cop_id"),
    ({"member_id": "be-1:m1", "joined_on": "2026-02-30"}, "joined_on"),
    ({"member_id": "nobody", "role": "parent"}, "member_id"),
])
def test_update_rejected_changes_nothing(full, change, column):
    before = snapshot(full)
    with pytest.raises(ValidationError) as ei:
        full.update("member", change)
    assert [p.column for p in ei.value.problems] == [column]
    assert_same_content(before, full)


def test_update_misspelt_column_is_an_error_not_ignored(full):
    before = dump(full)
    with pytest.raises(ValidationError) as ei:
        full.update("member", {"member_id": "be-1:m1", "rol": "parent"})
    assert [(p.row, p.column) for p in ei.value.problems] == [(None, "rol")]
    assert dump(full) == before


def test_update_finds_a_key_typed_with_spaces(full):
    assert full.update("member", {"member_id": " be-1:m1 ", "role": "parent"}) == 1
    assert full.read("member", where={"member_id": "be-1:m1"}).role.item() == "parent"


def test_update_of_a_key_only_table_is_refused_cleanly(full):
    before = dump(full)
    with pytest.raises(CocopeError, match="only key columns"):
        full.update("action_dependency", {"action_id": "be-1:a2", "depends_on_id": "be-1:a1"})
    assert dump(full) == before


def test_insert_no_rows_and_empty_row(full):
    before = dump(full)
    assert full.insert("answer", []) == 0
    assert full.write({"response": [], "answer": pd.DataFrame()}) == {"response": 0, "answer": 0}
    with pytest.raises(ValidationError) as ei:
        full.insert("answer", [{}])  # a row without values is not "no rows"
    assert sorted(p.column for p in ei.value.problems) == ["item_id", "response_id"]
    assert dump(full) == before


@pytest.mark.parametrize("value", ["9999-12-31", "0033-07-17", dt.date(9999, 12, 31),
                                   dt.datetime(1500, 1, 1)])
def test_dates_outside_the_supported_range_are_validation_errors(full, value):
    before = dump(full)
    with pytest.raises(ValidationError) as ei:
        full.insert("meeting", {"meeting_id": "m-far", "cop_id": "be-1", "phase": "other",
                                "held_on": value})
    assert [(p.row, p.column) for p in ei.value.problems] == [(1, "held_on")]
    assert dump(full) == before


@pytest.mark.parametrize("value", [0, 1.5e9, True, "9999-12-31T10:00:00Z", "0033-01-01T00:00:00Z"])
def test_timestamps_that_are_numbers_or_out_of_range_are_rejected(value):
    df = pd.DataFrame({"audit_id": ["a"], "at": [value], "action": ["x"]}, dtype=object)
    with pytest.raises(ValidationError) as ei:
        schema.validate("audit", df)
    assert [(p.row, p.column) for p in ei.value.problems] == [(1, "at")]


# ---------------------------------------------------------------- delete
def test_delete_writes_an_audit_row(full):
    n_before = full.count("answer")
    assert full.delete("answer", ("be-1:r1", "cl_safety_1"), reason="typo") == 1
    assert full.count("answer") == n_before - 1
    audit = full.read("audit")
    assert len(audit) == 1
    row = audit.iloc[0]
    assert (row.action, row.table_name, row.row_id, row.detail) == ("delete", "answer", "be-1:r1|cl_safety_1",
                                                                 "typo")
    age = pd.Timestamp.now(tz="UTC") - row["at"]
    assert pd.Timedelta(0) <= age < pd.Timedelta(minutes=5)


@pytest.mark.parametrize("table, key, child", [
    ("cop", "be-1", "member"),
    ("member", "be-1:m1", "consent"),
    ("meeting", "be-1:mt1", "attendance"),
    ("action", "be-1:a1", "action_owner"),
    ("response", "be-1:r1", "answer"),
    ("code", "k1", "coding"),
])
def test_delete_of_referenced_row_without_cascade_raises_and_changes_nothing(full, table, key, child):
    before = snapshot(full)
    with pytest.raises(StoreError, match=child):
        full.delete(table, key)
    assert_same_content(before, full)


def test_delete_unknown_row_raises(full):
    before = snapshot(full)
    with pytest.raises(StoreError, match="no meeting"):
        full.delete("meeting", "nope")
    with pytest.raises(CocopeError):
        full.delete("attendance", "be-1:mt1")  # composite key needs a tuple
    assert_same_content(before, full)


def test_cascade_deletes_children_and_audits_each(full):
    before = {t: full.count(t) for t in DATA_TABLES}
    n = full.delete("action", "be-1:a1", cascade=True, reason="plan changed")
    # a1, its owner, and the dependency of a2 on a1
    assert n == 3
    assert full.read("action").action_id.tolist() == ["be-1:a2"]
    assert full.count("action_owner") == 0 and full.count("action_dependency") == 0
    audit = full.read("audit")
    assert sorted(zip(audit.table_name, audit.row_id, strict=True)) == [
        ("action", "be-1:a1"), ("action_dependency", "be-1:a2|be-1:a1"),
        ("action_owner", "be-1:a1|be-1:m1")]
    assert set(audit.action) == {"delete"} and set(audit.detail) == {"plan changed"}
    for t in DATA_TABLES:
        if t not in ("action", "action_owner", "action_dependency"):
            assert full.count(t) == before[t], t


def test_cascade_delete_of_a_cop_empties_everything_that_hangs_on_it(full):
    before = {t: full.count(t) for t in DATA_TABLES}
    n = full.delete("cop", "be-1", cascade=True)
    after = {t: full.count(t) for t in DATA_TABLES}
    # only the codebook (not tied to a CoP) survives; coding hangs on interview
    assert {t: c for t, c in after.items() if c} == {"code": 1}
    removed = {t: before[t] - after[t] for t in DATA_TABLES if before[t] != after[t]}
    assert n == sum(removed.values())
    audit = full.read("audit")
    assert audit.table_name.value_counts().to_dict() == removed
    assert full.integrity_check() == "ok"


def test_self_reference_cascade(store, minimal_rows):
    store.write({"cop": minimal_rows["cop"]})
    store.insert("code", [{"code_id": "p", "codebook": "cb", "label": "parent"},
                          {"code_id": "c", "codebook": "cb", "label": "child", "parent_id": "p"}])
    with pytest.raises(StoreError):
        store.delete("code", "p")
    assert store.delete("code", "p", cascade=True) == 2
    assert store.count("code") == 0
    assert sorted(store.read("audit").row_id) == ["c", "p"]


# ---------------------------------------------------------------- migrations
def test_new_store_is_at_latest_version(store):
    assert store.schema_version == 4 == store_mod.LATEST_VERSION
    m = store.migrations()
    assert m.version.tolist() == [1, 2, 3, 4]
    assert m.columns.tolist() == ["version", "name", "applied_at"]
    assert m.name.str.len().min() > 0


@pytest.mark.parametrize("where", ["memory", "file"])
def test_columns_of_every_table_equal_the_schema(where, tmp_store_path):
    """Guards against changing schema.py without adding a migration."""
    s = ck.open_store(":memory:" if where == "memory" else tmp_store_path)
    con = s._con
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert set(TABLE_ORDER) <= tables
    for t in TABLE_ORDER:
        info = con.execute(f"PRAGMA table_info({t})").fetchall()
        assert [r[1] for r in info] == TABLES[t].column_names, t
        pk = [r[1] for r in sorted(info, key=lambda r: r[5]) if r[5]]
        assert pk == list(TABLES[t].key), t
        notnull = {r[1] for r in info if r[3]}
        assert {c.name for c in TABLES[t].columns if c.required} == notnull, t
    s.close()


def test_every_reference_has_a_foreign_key_and_an_index():
    con = ck.open_store(":memory:")._con  # PostgreSQL's catalog: test_store_postgres.py
    for t in TABLE_ORDER:
        fks = {(r[3], r[2], r[4]) for r in con.execute(f"PRAGMA foreign_key_list({t})")}
        assert fks == {(c, rt, rc) for c, (rt, rc) in TABLES[t].refs.items()}, t
        indexed = set()
        for ix in con.execute(f"PRAGMA index_list({t})").fetchall():
            first = con.execute(f"PRAGMA index_info({ix[1]})").fetchall()
            indexed.add(sorted(first, key=lambda r: r[0])[0][2])
        assert set(TABLES[t].refs) <= indexed, t


def _v1_copy(tmp_path) -> Path:
    dst = tmp_path / "old.sqlite"
    shutil.copyfile(V1_FIXTURE, dst)
    return dst


def test_v1_fixture_is_small_and_really_v1():
    assert V1_FIXTURE.stat().st_size < 100_000
    con = sqlite3.connect(f"file:{V1_FIXTURE}?mode=ro", uri=True)
    try:
        assert con.execute("SELECT max(version) FROM schema_migrations").fetchone()[0] == 1
        names = {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
        assert "submission" not in names and "ix_member_cop_id" not in names
    finally:
        con.close()


def test_opening_a_v1_store_migrates_and_keeps_rows(tmp_path):
    path = _v1_copy(tmp_path)
    with ck.Store(path, upto=1) as s:  # upto stops early: nothing happens
        assert s.schema_version == 1
    s = ck.open_store(path)
    assert s.schema_version == 4
    assert s.migrations().version.tolist() == [1, 2, 3, 4]
    names = {r[0] for r in s._con.execute("SELECT name FROM sqlite_master")}
    assert {"submission", "ix_member_cop_id", "ix_pair_rating_ratee_id", "invitation"} <= names
    assert s.read("cop").name.tolist() == ["Recreio para todos"]
    m = s.read("member")
    assert m.name.tolist() == ["Maria Costa", "João Lima"]
    assert m.core.tolist() == [True, False]
    assert m.joined_on.tolist() == [pd.Timestamp("2025-09-15")] * 2
    a = s.read("attendance")
    assert a.contributions.tolist()[0] == 5 and pd.isna(a.contributions.tolist()[1])
    assert s.read("pair_rating").level.tolist() == [3]
    # the migrated store works as usual
    s.insert("meeting", {"meeting_id": "pt-1:mt2", "cop_id": "pt-1", "phase": "community",
                         "held_on": "2025-11-05"})
    assert s.write({"answer": []}, submission_key="k") == {"answer": 0}
    s.close()
    with ck.open_store(path) as again:  # reopening does not migrate twice
        assert again.migrations().version.tolist() == [1, 2, 3, 4]
        assert again.count("meeting") == 2


def _v3_store_with_answers(path) -> None:
    """A store at schema version 3 holding the four kinds of answer rows an older kit wrote."""
    with ck.Store(path, upto=3) as s:
        assert s.schema_version == 3
        con = s._con
        con.execute("INSERT INTO cop VALUES ('be-1', 'n', 's', 'BE', 'nl', 1, NULL, '2026-01-12')")
        con.execute("INSERT INTO response VALUES ('r1', 'be-1', 'cop_climate', '1.0', 'x', "
                    "'teacher', 'pre', 'nl', '2026-02-02T10:00:00.000000Z')")
        con.executemany("INSERT INTO answer (response_id, item_id, value, text) VALUES (?,?,?,?)",
                        [("r1", "cl_safety_1", 4.0, None),        # a scale point
                         ("r1", "cl_safety_2", None, "dont_know"),  # the forms' "don't know"
                         ("r1", "cl_trust_1", None, None),        # blank: cannot tell
                         ("r1", "cl_open_dialogue_1", None, "we talk")])   # a text
        assert [r[1] for r in con.execute("PRAGMA table_info(answer)")] == [
            "response_id", "item_id", "value", "text"]


def test_opening_a_v3_store_gives_every_answer_a_status_and_keeps_rows(tmp_path):
    path = tmp_path / "v3.sqlite"
    _v3_store_with_answers(path)
    with ck.open_store(path) as s:
        assert s.schema_version == 4
        assert s.migrations().version.tolist() == [1, 2, 3, 4]
        a = s.read("answer").set_index("item_id")
        assert a.status.to_dict() == {"cl_safety_1": "answered", "cl_safety_2": "dont_know",
                                      "cl_trust_1": "not_answered", "cl_open_dialogue_1": "answered"}
        assert a.loc["cl_safety_1", "value"] == 4.0
        assert pd.isna(a.loc["cl_safety_2", "text"])  # the marker text is gone
        assert a.loc["cl_open_dialogue_1", "text"] == "we talk"
        assert s.read("response").response_id.tolist() == ["r1"]
        # the column refuses what the schema refuses, also below the schema
        with pytest.raises(sqlite3.IntegrityError):
            s._con.execute("UPDATE answer SET status = 'maybe'")


def test_merging_a_v3_store_brings_its_answers_with_their_status(tmp_path):
    old = tmp_path / "v3.sqlite"
    _v3_store_with_answers(old)
    before = old.read_bytes()
    with ck.open_store(tmp_path / "all.sqlite") as s:
        s.merge(old)
        a = s.read("answer").set_index("item_id")
        assert a.status.to_dict() == {"cl_safety_1": "answered", "cl_safety_2": "dont_know",
                                      "cl_trust_1": "not_answered", "cl_open_dialogue_1": "answered"}
    assert old.read_bytes() == before  # the source is migrated on a copy only


def test_an_answer_file_of_the_old_layout_gets_its_status(full, tmp_path):
    f = tmp_path / "answer.csv"
    f.write_text("response_id,item_id,value,text\nbe-1:r1,cl_safety_2,,dont_know\n"
                 "be-1:r1,cl_trust_1,,\nbe-1:r1,cl_open_dialogue_1,5,\n", encoding="utf-8")
    full.import_file(f)
    a = full.read("answer").set_index("item_id")
    assert a.loc[["cl_safety_2", "cl_trust_1", "cl_open_dialogue_1"], "status"].tolist() == [
        "dont_know", "not_answered", "answered"]
    assert pd.isna(a.loc["cl_safety_2", "text"])


def test_newer_schema_version_raises(tmp_store_path):
    ck.open_store(tmp_store_path).close()
    con = sqlite3.connect(tmp_store_path)
    con.execute("INSERT INTO schema_migrations VALUES (99, 'from the future', '2030-01-01')")
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="newer"):
        ck.open_store(tmp_store_path)


@pytest.mark.parametrize("content", [b"member_id,cop_id\nm1,c1\n", b"\x00" * 10 + os.urandom(600)])
def test_non_sqlite_file_raises(tmp_path, content):
    f = tmp_path / "notes.sqlite"
    f.write_bytes(content)
    with pytest.raises(StoreError, match="not a cocope_kit store"):
        ck.open_store(f)
    assert f.read_bytes() == content


def test_missing_folder_raises(tmp_path):
    with pytest.raises(StoreError, match="does not exist"):
        ck.open_store(tmp_path / "no" / "such" / "store.sqlite")


def test_failed_migration_is_rolled_back(tmp_store_path, monkeypatch):
    ck.open_store(tmp_store_path).close()
    nxt = store_mod.LATEST_VERSION + 1
    broken = (nxt, "broken", "CREATE TABLE extra (a TEXT); CREATE TABLE cop (a TEXT)")
    monkeypatch.setattr(store_mod, "MIGRATIONS", store_mod.MIGRATIONS + (broken,))
    monkeypatch.setattr(store_mod, "LATEST_VERSION", nxt)
    with pytest.raises(StoreError, match=f"migration {nxt} .broken. failed and was rolled back.*already exists"):
        store_mod.Store(tmp_store_path)
    monkeypatch.undo()
    with ck.open_store(tmp_store_path) as s:
        assert s.schema_version == nxt - 1
        assert s._con.execute("SELECT name FROM sqlite_master WHERE name = 'extra'").fetchone() is None


# ---------------------------------------------------------------- merge
def _school(path, minimal_rows, prefix: str, country: str):
    """A store like ``minimal_rows`` with every id of CoP be-1 renamed to ``prefix``."""
    def ren(v):
        return v.replace("be-1", prefix) if isinstance(v, str) else v

    rows = {t: [{k: ren(v) for k, v in r.items()} for r in rs] for t, rs in minimal_rows.items()}
    rows["cop"][0]["country"] = country
    rows["code"] = minimal_rows["code"]  # the codebook is shared by both schools
    s = ck.open_store(path)
    s.write(rows)
    return s


def test_merge_disjoint_cops_then_same_store_twice(tmp_path, minimal_rows):
    a = ck.open_store(tmp_path / "a.sqlite")
    a.write(minimal_rows)
    a.close()
    b = _school(tmp_path / "b.sqlite", minimal_rows, "nl-1", "NL")
    b.close()
    into = ck.open_store(tmp_path / "into.sqlite")
    rep = into.merge(tmp_path / "a.sqlite", tmp_path / "b.sqlite")
    assert rep.columns.tolist() == ["source", "table", "added", "identical"]
    assert into.read("cop").cop_id.tolist() == ["be-1", "nl-1"]
    for t in DATA_TABLES:
        want = len(minimal_rows[t]) * (1 if t == "code" else 2)
        assert into.count(t) == want, t
    assert rep.added.sum() == sum(into.count(t) for t in DATA_TABLES)
    assert rep[rep.identical > 0][["source", "table", "identical"]].values.tolist() == [
        [str(tmp_path / "b.sqlite"), "code", 1]]
    snap = {t: into.read(t) for t in DATA_TABLES}
    rep2 = into.merge(tmp_path / "a.sqlite")
    assert rep2.added.sum() == 0
    assert rep2.identical.sum() == sum(len(r) for r in minimal_rows.values())
    for t in DATA_TABLES:
        pd.testing.assert_frame_equal(into.read(t), snap[t], obj=t)
    assert into.read("audit").action.tolist() == ["merge", "merge", "merge"]


def test_merge_collision_names_table_key_column_and_changes_nothing(tmp_path, minimal_rows):
    a = ck.open_store(tmp_path / "a.sqlite")
    a.write(minimal_rows)
    changed = {t: [dict(r) for r in rs] for t, rs in minimal_rows.items()}
    changed["meeting"][0]["held_on"] = "2026-02-03"
    changed["member"][1]["pseudonym"] = "Pupil B"
    changed["lesson"] = [dict(changed["lesson"][0], lesson_id="be-1:l2")]  # a new row, not merged
    ck.open_store(tmp_path / "b.sqlite").write(changed)
    before = snapshot(a)
    with pytest.raises(MergeConflictError) as ei:
        a.merge(tmp_path / "b.sqlite")
    conflicts = sorted(ei.value.conflicts)
    assert conflicts == [
        ("meeting", "be-1:mt1", "held_on", "2026-02-02", "2026-02-03"),
        ("member", "be-1:m2", "pseudonym", "Student B", "Pupil B"),
    ]
    msg = str(ei.value)
    assert "meeting be-1:mt1: column 'held_on'" in msg and "b.sqlite" in msg
    assert_same_content(before, a)


def test_merge_from_v1_store_leaves_the_source_untouched(tmp_path, minimal_rows):
    src = _v1_copy(tmp_path)
    raw = src.read_bytes()
    mtime = src.stat().st_mtime_ns
    into = ck.open_store(tmp_path / "into.sqlite")
    into.write(minimal_rows)
    rep = into.merge(src)
    assert rep.set_index("table").added[["cop", "member", "meeting", "attendance", "pair_rating"]].tolist() \
        == [1, 2, 1, 2, 1]
    assert into.read("member", where={"cop_id": "pt-1"}).pseudonym.tolist() == ["Professora A", "Aluno B"]
    assert src.read_bytes() == raw and src.stat().st_mtime_ns == mtime
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("old")) == ["old.sqlite"]
    con = sqlite3.connect(f"file:{src}?mode=ro", uri=True)
    assert con.execute("SELECT max(version) FROM schema_migrations").fetchone()[0] == 1
    con.close()


def test_merge_missing_or_bad_source_raises(tmp_path, store):
    with pytest.raises(StoreError):
        store.merge(tmp_path / "none.sqlite")
    bad = tmp_path / "bad.sqlite"
    bad.write_text("hello")
    with pytest.raises(StoreError):
        store.merge(bad)


# ---------------------------------------------------------------- export
FORMULA = '=HYPERLINK("http://x","y")'


@pytest.fixture
def exportable(full):
    full.insert("lesson", {"lesson_id": "be-1:l2", "cop_id": "be-1", "kind": "resource",
                           "title": FORMULA, "text": "+1 for this", "created_on": "2026-05-11"})
    return full


def test_export_csv_pseudonymised_and_safe(exportable, tmp_path):
    files = exportable.export(tmp_path / "out")
    assert sorted(f.name for f in files) == sorted(
        [f"{t}.csv" for t in (*TABLE_ORDER, *TIDY_TABLES)] + ["columns.csv"])
    member = pd.read_csv(tmp_path / "out" / "member.csv", dtype=str)
    # Student B has no assent recorded: left out, with their consent rows
    assert member.name.tolist() == member.pseudonym.tolist() == ["Teacher A"]
    assert pd.read_csv(tmp_path / "out" / "consent.csv").member_id.tolist() == ["be-1:m1"]
    text = "".join(f.read_text(encoding="utf-8") for f in files)
    assert "Ana Silva" not in text and "Ben Peeters" not in text and "Dr. Interviewer" not in text
    interview = pd.read_csv(tmp_path / "out" / "interview.csv", dtype=str)
    assert interview.interviewer.tolist() == ["interviewer 1"]
    lesson = pd.read_csv(tmp_path / "out" / "lesson.csv", dtype=str, keep_default_na=False)
    assert lesson.title.tolist() == ["Ask pupils", "'" + FORMULA]
    assert lesson.text.tolist() == ["Pupils know best", "'+1 for this"]
    cols = pd.read_csv(tmp_path / "out" / "columns.csv")
    assert set(cols.table) == set(TABLE_ORDER) | set(TIDY_TABLES)
    assert len(cols) == sum(len(TABLES[t].columns) for t in TABLE_ORDER) + sum(
        len(TIDY_COLUMNS[t]) for t in TIDY_TABLES)
    assert {"table", "column", "type", "description"} <= set(cols.columns)
    goal = pd.read_csv(tmp_path / "out" / "goal.csv")
    assert goal.baseline.tolist() == [4.0] and goal.deadline.tolist() == ["2026-06-30"]


def test_export_csv_with_names(exportable, tmp_path):
    exportable.export(tmp_path / "out", names=True, tables=["member", "interview"],
                      consented_only=False)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == \
        ["columns.csv", "interview.csv", "member.csv"]
    member = pd.read_csv(tmp_path / "out" / "member.csv", dtype=str)
    assert member.name.tolist() == ["Ana Silva", "Ben Peeters"]
    assert member.pseudonym.tolist() == ["Teacher A", "Student B"]
    assert pd.read_csv(tmp_path / "out" / "interview.csv").interviewer.tolist() == ["Dr. Interviewer"]


@pytest.mark.parametrize("names", [False, True])
def test_export_xlsx(exportable, tmp_path, names):
    (f,) = exportable.export(tmp_path / "x", format="xlsx", names=names, consented_only=False)
    wb = openpyxl.load_workbook(f)
    assert wb.sheetnames == list(TABLE_ORDER) + list(TIDY_TABLES) + ["columns"]

    def rows(sheet):
        ws = wb[sheet]
        values = list(ws.iter_rows(values_only=True))
        return [dict(zip(values[0], r, strict=True)) for r in values[1:]]

    members = rows("member")
    want = ["Ana Silva", "Ben Peeters"] if names else ["Teacher A", "Student B"]
    assert [m["name"] for m in members] == want
    lessons = rows("lesson")
    assert [lsn["title"] for lsn in lessons] == ["Ask pupils", FORMULA]  # as written
    cell = wb["lesson"]["D3"]
    assert cell.value == FORMULA and cell.data_type == "s" and cell.quotePrefix
    assert all(c.data_type != "f" for ws in wb.worksheets for row in ws.iter_rows() for c in row)
    assert len(rows("columns")) == sum(len(TABLES[t].columns) for t in TABLE_ORDER) + sum(
        len(TIDY_COLUMNS[t]) for t in TIDY_TABLES)


def test_export_bad_format(store, tmp_path):
    with pytest.raises(CocopeError):
        store.export(tmp_path, format="ods")


# ---------------------------------------------------------------- forget
def _mentions(s: ck.Store, needle: str) -> list[tuple[str, str, int]]:
    hits = []
    for t in TABLE_ORDER:
        df = s.read(t)
        for c in TABLES[t].columns:
            if c.type in ("text", "json"):
                col = df[c.name].astype(object)
                for i, v in col.items():
                    if isinstance(v, str) and needle in v:
                        hits.append((t, c.name, i))
    return hits


def test_forget_removes_every_row_that_references_the_member(full):
    m = "be-1:m1"
    assert len(_mentions(full, m)) > 10  # the member is all over the store
    counts = full.forget(m)
    assert counts["member"] == 1 and counts["idea"] == 1 and counts["answer"] == 1
    assert _mentions(full, m) == []  # the audit entry too: it says that, not who (issue 15)
    audit = full.read("audit")
    forget_rows = audit.index[audit.action == "forget"].tolist()
    assert len(forget_rows) == 1
    row = audit.loc[forget_rows[0]]
    assert row.table_name == "member" and pd.isna(row.row_id)
    idea = full.read("idea")
    assert idea.idea_id.tolist() == ["be-1:i1"] and pd.isna(idea.member_id.item())
    assert full.read("member").member_id.tolist() == ["be-1:m2"]
    assert full.count("response") == 0 and full.count("interview") == 0 and full.count("coding") == 0
    assert full.count("action") == 2  # the plan stays, only the ownership goes
    assert full.integrity_check() == "ok"


def test_forget_scrubs_earlier_audit_entries_but_only_of_this_member(full, minimal_rows):
    other = dict(minimal_rows["member"][0], member_id="be-1:m10", name="Ann Other", pseudonym="T10")
    full.insert("member", other)
    full.insert("consent", {"member_id": "be-1:m10", "kind": "consent", "status": "given",
                            "recorded_on": "2026-01-12"})
    full.delete("consent", ("be-1:m1", "consent"), reason="be-1:m1 asked to leave")
    full.delete("consent", ("be-1:m10", "consent"), reason="duplicate of be-1:m10's form")
    full.forget("be-1:m1")
    audit = full.read("audit")
    deletes = audit[audit.action == "delete"]
    assert deletes.row_id.tolist() == ["[removed]|consent", "be-1:m10|consent"]
    assert deletes.detail.tolist() == ["[removed] asked to leave", "duplicate of be-1:m10's form"]
    assert not [h for h in _mentions(full, "be-1:m1|") if h[0] == "audit"]


def test_forget_unknown_member_raises_and_changes_nothing(full):
    before = snapshot(full)
    with pytest.raises(StoreError, match="no member"):
        full.forget("be-1:m99")
    assert_same_content(before, full)


# ---------------------------------------------------------------- properties
JUNK_COLUMNS = st.sampled_from(["", " ", "nickname", "Member_ID", "x" * 40, "level ", "é"])
CELLS = st.one_of(
    st.none(),
    st.just(np.nan),
    st.text(max_size=12),
    st.sampled_from(["", " ", "true", "maybe", "2026-02-30", "12/03/2026", "2026-03-02",
                     "2026-05-04T10:30:00Z", "1e400", "-0", "NaN", "inf", "=1+1", "\x00", "\ufeff"]),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(min_value=dt.date(1, 1, 1)),
    st.datetimes(),
    st.binary(max_size=6),
    st.binary(max_size=6).map(lambda b: b.decode("latin-1")),
)


@st.composite
def frames(draw, table: str):
    spec = TABLES[table]
    cols = draw(st.lists(st.one_of(st.sampled_from(spec.column_names), JUNK_COLUMNS),
                         max_size=len(spec.columns) + 2))
    if draw(st.booleans()):  # mostly the real header, so the cells get checked
        cols = [c for c in spec.column_names if c in cols or draw(st.booleans())]
    n = draw(st.integers(0, 4))
    data = [[draw(CELLS) for _ in cols] for _ in range(n)]
    return pd.DataFrame(data, columns=cols, dtype=object) if cols else pd.DataFrame(index=range(n))


@pytest.mark.filterwarnings("error::DeprecationWarning", "error::FutureWarning",
                            "error::RuntimeWarning")  # code that the next pandas breaks
@settings(max_examples=200, deadline=None)
@given(data=st.data(), table=st.sampled_from(TABLE_ORDER))
def test_validate_raises_only_cocope_errors(data, table):
    df = data.draw(frames(table))
    try:
        out = schema.validate(table, df, refs={})
    except CocopeError as e:
        assert isinstance(e, ValidationError) and e.problems
        for p in e.problems:
            assert p.table == table
            assert p.column is None or isinstance(p.column, str)
        return
    assert out.columns.tolist() == TABLES[table].column_names
    assert len(out) == len(df)
    assert out.dtypes.astype(str).tolist() == [DTYPES[c.type] for c in TABLES[table].columns]


def _valid_cells(minimal_rows) -> dict[str, dict[str, list]]:
    pool: dict[str, dict[str, list]] = {}
    for t, rows in minimal_rows.items():
        pool[t] = {c: [r[c] for r in rows] for c in TABLES[t].column_names}
    return pool


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data(), table=st.sampled_from(DATA_TABLES))
@pytest.mark.parametrize("backend", BACKENDS)
def test_insert_succeeds_or_changes_nothing(data, table, minimal_rows, backend, request):
    pool = _valid_cells(minimal_rows)[table]
    key = TABLES[table].key
    pg = request.getfixturevalue("pg_server") if backend == "postgresql" else None
    s, before = _filled_store(minimal_rows, pg)
    try:
        n = data.draw(st.integers(1, 3))
        rows = []
        for _ in range(n):
            messy = data.draw(st.booleans())  # else every cell is a valid value
            row = {}
            for c in TABLES[table].column_names:
                if messy and data.draw(st.integers(0, 4)) == 0:
                    continue  # column left out
                good = st.sampled_from(pool[c])
                if c in key and len(key) == 1:
                    good = st.text(min_size=1, max_size=6).map(lambda v: "new:" + v)
                row[c] = data.draw(st.one_of(good, good, CELLS) if messy else good)
            if messy and data.draw(st.integers(0, 9)) == 0:
                row[data.draw(JUNK_COLUMNS)] = data.draw(CELLS)
            rows.append(row)
        raw = dump(s)
        try:
            added = s.insert(table, rows)
        except CocopeError:
            assert dump(s) == raw
        else:
            event("inserted")
            assert added == n
            assert s.count(table) == len(before[table]) + n
            mine = f'INSERT INTO "{table}" '
            assert [x for x in dump(s) if not x.startswith(mine)] == \
                [x for x in raw if not x.startswith(mine)]
    finally:
        _drop(s, pg)


@st.composite
def meeting_frames(draw):
    n = draw(st.integers(1, 8))
    ids = draw(st.lists(st.text("abcdefgh0123456789:-", min_size=1, max_size=5),
                        min_size=n, max_size=n, unique_by=str.strip).filter(
        lambda xs: all(x.strip() for x in xs)))
    rows = []
    for i in ids:
        rows.append({
            "meeting_id": i,
            "cop_id": draw(st.sampled_from(["be-1", "be-1", "xx-9"])),
            "phase": draw(st.sampled_from(["domain", "community", "practice", "other", "party", ""])),
            "held_on": draw(st.one_of(
                st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)).map(str),
                st.sampled_from(["2026-02-30", "12/03/2026", None]))),
            "note": draw(st.one_of(st.none(), st.text(max_size=5))),
        })
    return pd.DataFrame(rows, dtype=object)


def _problem_set(e: ValidationError) -> set:
    return {(p.row, p.column, repr(p.value), p.allowed) for p in e.problems}


@settings(max_examples=40, deadline=None)
@given(df=meeting_frames(), seed=st.integers(0, 2**32 - 1))
def test_validation_does_not_depend_on_row_order(df, seed):
    refs = {"cop.cop_id": {"be-1"}}
    order = np.random.default_rng(seed).permutation(len(df))
    shuffled = df.iloc[order].reset_index(drop=True)
    numbers = (order + 2).tolist()  # each row keeps the line number it had in the file

    def run(frame, rows):
        try:
            return schema.validate("meeting", frame, refs=refs, row_numbers=rows), None
        except ValidationError as e:
            return None, _problem_set(e)

    out1, err1 = run(df, list(range(2, len(df) + 2)))
    out2, err2 = run(shuffled, numbers)
    assert err1 == err2
    if out1 is not None:
        a = out1.sort_values("meeting_id").reset_index(drop=True)
        b = out2.sort_values("meeting_id").reset_index(drop=True)
        pd.testing.assert_frame_equal(a, b)
