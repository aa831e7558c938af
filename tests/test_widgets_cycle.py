"""The next cycle (issue 6): start_next_cycle, previous_lessons, and the widgets that use them.

Works on a copy of the demo store in a file. The second cycle is made with
start_next_cycle itself (demo.py is not changed). Expected rosters are read off
the demo data: sk-kosice has 8 members; p2 withdrew consent, p7 left on
2026-03-31, p8 is extended network. be-gent: p6 (student) has assent pending,
p8 and p9 are extended network.
"""

from __future__ import annotations

import re
import shutil

import pandas as pd
import pytest

import cocope_kit as ck
from cocope_kit import widgets as cw
from cocope_kit.analysis.harvest import HARVEST_COLUMNS
from cocope_kit.cycle import carry_over, default_next_id, previous_lessons, start_next_cycle
from cocope_kit.demo import write_demo
from cocope_kit.errors import CocopeError, StoreError, UsageError
from cocope_kit.privacy import consent_register
from cocope_kit.widgets.domain import PreviousLessons, previous_lessons_html

TABLES = ("cop", "member", "consent", "lesson", "audit")


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    write_demo(path).close()
    return path


@pytest.fixture
def db(tmp_path, demo_file):
    p = tmp_path / "school.sqlite"
    shutil.copy(demo_file, p)
    s = ck.open_store(p)
    yield s
    s.close()


def plain(html_text: str) -> str:
    text = re.sub(r"<[^>]+>", " ", html_text)
    text = text.replace("&#x27;", "'").replace("&quot;", '"').replace("&amp;", "&")
    return re.sub(r"\s+", " ", text)


def snapshot(store) -> dict[str, pd.DataFrame]:
    return {t: store.read(t) for t in TABLES}


def assert_unchanged(store, before):
    for t in TABLES:
        pd.testing.assert_frame_equal(store.read(t), before[t], obj=t)


# ============================================================================ start_next_cycle
def test_new_cop_is_linked_and_keeps_school_country_language(db):
    new = start_next_cycle(db, "sk-kosice", today="2026-09-02")
    assert new == "sk-kosice-c2"
    old = db.read("cop", where={"cop_id": "sk-kosice"}).iloc[0]
    row = db.read("cop", where={"cop_id": new}).iloc[0]
    assert (row["cycle"], row["previous_cop_id"]) == (2, "sk-kosice")
    for c in ("name", "school", "country", "language"):
        assert row[c] == old[c]
    assert row["created_on"] == pd.Timestamp("2026-09-02")
    # a third cycle from the second
    assert start_next_cycle(db, new, today="2027-09-01", name="Škola pre všetkých II") == "sk-kosice-c3"
    third = db.read("cop", where={"cop_id": "sk-kosice-c3"}).iloc[0]
    assert (third["cycle"], third["previous_cop_id"], third["name"]) == (
        3, "sk-kosice-c2", "Škola pre všetkých II")


def test_core_roster_is_carried_over_without_leavers_or_withdrawn(db):
    old = db.read("member", where={"cop_id": "sk-kosice"}).set_index("member_id")
    new = start_next_cycle(db, "sk-kosice", today="2026-09-02")
    mem = db.read("member", where={"cop_id": new})
    assert mem["member_id"].tolist() == [f"{new}:p{i}" for i in (1, 3, 4, 5, 6)]
    for r in mem.itertuples():
        o = old.loc[r.member_id.replace(new, "sk-kosice")]
        assert (r.name, r.pseudonym, r.role, r.core) == (o["name"], o["pseudonym"], o["role"], True)
        assert r.joined_on == pd.Timestamp("2026-09-02") and pd.isna(r.left_on)


def test_all_members_and_an_explicit_list(db):
    new = start_next_cycle(db, "sk-kosice", members="all", today="2026-09-02")
    ids = db.read("member", where={"cop_id": new})["member_id"].tolist()
    assert ids == [f"{new}:p{i}" for i in (1, 3, 4, 5, 6, 8)]  # p8 extended joins; p2, p7 not
    other = start_next_cycle(db, "be-gent", new_cop_id="be-gent-2027",
                             members=["be-gent:p1", "be-gent:p9"], today="2026-09-02")
    assert db.read("member", where={"cop_id": other})["member_id"].tolist() == [
        "be-gent-2027:p1", "be-gent-2027:p9"]


def test_consent_is_carried_over_by_the_documented_rule(db):
    before = db.read("consent", where={"member_id": ["be-gent:p1", "be-gent:p6"]})
    new = start_next_cycle(db, "be-gent", today="2026-09-02")
    con = db.read("consent", where={"member_id": [f"{new}:p1", f"{new}:p6"]})
    got = {(r.member_id, r.kind): (r.status, r.note) for r in con.itertuples()}
    assert got == {
        (f"{new}:p1", "consent"): ("given", "carried over from be-gent"),
        (f"{new}:p6", "consent"): ("given", "carried over from be-gent"),
        (f"{new}:p6", "assent"): ("pending", "carried over from be-gent: still pending"),
    }
    # a given record keeps the day it was given; a pending one is recorded on the start day
    given_day = before[(before.member_id == "be-gent:p1")]["recorded_on"].iloc[0]
    assert con[con.member_id == f"{new}:p1"]["recorded_on"].iloc[0] == given_day
    assert con[con.kind == "assent"]["recorded_on"].iloc[0] == pd.Timestamp("2026-09-02")
    # the one consent rule gives the same verdicts in the new cycle as in the old one
    old_reg = consent_register(db.read("member", where={"cop_id": "be-gent"}), db.read("consent"))
    new_reg = consent_register(db.read("member", where={"cop_id": new}), db.read("consent"))
    old_in = dict(zip(old_reg.member_id.str.split(":").str[1], old_reg.included, strict=True))
    new_in = dict(zip(new_reg.member_id.str.split(":").str[1], new_reg.included, strict=True))
    assert new_in == {k: old_in[k] for k in new_in}
    assert new_in["p6"] is False or not new_in["p6"]


def test_one_transaction_with_an_audit_entry(db):
    n_audit = db.count("audit")
    start_next_cycle(db, "at-graz", today="2026-09-02")
    audit = db.read("audit").iloc[n_audit:]
    assert set(audit["action"]) == {"next cycle"}
    assert set(audit["table_name"]) == {"cop", "member", "consent"}


@pytest.mark.parametrize(("kwargs", "error", "words"), [
    ({"cop_id": "nope"}, StoreError, "no CoP with cop_id 'nope'"),
    ({"new_cop_id": "pt-porto"}, UsageError, "'pt-porto' is already in the store"),
    ({"members": "some"}, UsageError, "'core', 'all' or a list"),
    ({"members": ["at-graz:p1", "be-gent:p1"]}, UsageError, "'be-gent:p1' is not a member"),
    ({"cop_id": "sk-kosice", "members": ["sk-kosice:p7"]}, UsageError, "left CoP 'sk-kosice'"),
    ({"cop_id": "sk-kosice", "members": ["sk-kosice:p2"]}, UsageError, "consent was withdrawn"),
    ({"today": "2025-01-01"}, UsageError, "before CoP 'at-graz' was set up"),
    ({"today": "someday"}, UsageError, "today must be a date"),
    ({"new_cop_id": "  "}, UsageError, "non-empty id"),
])
def test_errors_leave_the_store_unchanged(db, kwargs, error, words):
    before = snapshot(db)
    kw = {"cop_id": "at-graz", "today": "2026-09-02", **kwargs}
    cop_id = kw.pop("cop_id")
    with pytest.raises(error, match=re.escape(words)) as e:
        start_next_cycle(db, cop_id, **kw)
    assert isinstance(e.value, CocopeError)
    assert_unchanged(db, before)


def test_a_second_start_with_the_default_id_is_refused(db):
    start_next_cycle(db, "at-graz", today="2026-09-02")
    before = snapshot(db)
    with pytest.raises(UsageError, match="at-graz-c2"):
        start_next_cycle(db, "at-graz", today="2026-09-03")
    assert_unchanged(db, before)


def test_member_id_taken_elsewhere_rolls_everything_back(db):
    # another CoP already uses the id the carried-over member would get
    db.write({"cop": [{"cop_id": "x", "name": "x", "school": "x", "country": "AT",
                       "language": "de", "created_on": "2026-01-01"}],
              "member": [{"member_id": "at-graz-c2:p1", "cop_id": "x", "pseudonym": "T",
                          "role": "teacher"}]})
    before = snapshot(db)
    with pytest.raises(CocopeError, match="at-graz-c2:p1"):
        start_next_cycle(db, "at-graz", today="2026-09-02")
    assert_unchanged(db, before)


def test_carry_over_preview_and_default_id(db):
    plan = carry_over(db, "be-gent", members="core")
    assert plan["carried"].dtype == bool
    assert plan.loc[~plan.carried, "member_id"].tolist() == ["be-gent:p8", "be-gent:p9"]
    assert set(plan.loc[~plan.carried, "reason"]) == {"extended network (not core)"}
    assert default_next_id("pt-porto-c7", 7) == "pt-porto-c8"
    assert db.count("cop") == 4  # a preview stores nothing


# ============================================================================ previous_lessons
def test_previous_lessons_follow_the_chain_newest_first(db):
    c2 = start_next_cycle(db, "pt-porto", today="2026-09-02")
    db.insert("lesson", {"lesson_id": f"{c2}:l1", "cop_id": c2, "kind": "success",
                         "title": "Pupils chaired a meeting", "created_on": "2027-06-01"})
    c3 = start_next_cycle(db, c2, today="2027-09-01")
    out = previous_lessons(db, c3)
    assert list(out.columns) == HARVEST_COLUMNS
    assert out["lesson_id"].tolist() == [f"{c2}:l1", "pt-porto:l1", "pt-porto:l2"]
    assert out["cycle"].tolist() == [2, 1, 1]
    assert previous_lessons(db, c2)["lesson_id"].tolist() == ["pt-porto:l1", "pt-porto:l2"]
    assert previous_lessons(db, "pt-porto").empty  # first cycle
    with pytest.raises(StoreError, match="no CoP with cop_id 'nope'"):
        previous_lessons(db, "nope")


def test_previous_lessons_mask_names(db):
    db.insert("lesson", {"lesson_id": "be-gent:l9", "cop_id": "be-gent", "kind": "insight",
                         "title": "Thanks to Wout Mertens", "text": "Bram Maes drew the plan.",
                         "created_on": "2026-06-02"})
    new = start_next_cycle(db, "be-gent", today="2026-09-02")
    out = previous_lessons(db, new).set_index("lesson_id")
    mem = db.read("member", where={"cop_id": "be-gent"}).set_index("member_id")
    # p1 Wout Mertens consented; p6 Bram Maes is a student whose assent is pending
    assert out.loc["be-gent:l9", "title"] == f"Thanks to {mem.loc['be-gent:p1', 'pseudonym']}"
    assert out.loc["be-gent:l9", "text"] == "a member drew the plan."


def test_a_loop_in_the_links_ends_the_walk(db):
    db.update("cop", {"cop_id": "at-graz", "previous_cop_id": "be-gent"})
    db.update("cop", {"cop_id": "be-gent", "previous_cop_id": "at-graz"})
    assert sorted(previous_lessons(db, "at-graz")["cop_id"].unique()) == ["be-gent"]


# ============================================================================ widgets
def test_copsetup_starts_the_next_cycle_after_confirming(db):
    setup = cw.CopSetup(db, "sk-kosice")
    assert setup._n_id.value == "sk-kosice-c2"
    preview = plain(setup._n_preview.value)
    assert "Moves on (5)" in preview and "Stays behind (3)" in preview
    assert "Teacher B: consent was withdrawn" in preview
    assert "left on 2026-03-31" in preview
    setup._n_members.value = "all"
    assert "Moves on (6)" in plain(setup._n_preview.value)
    setup._n_start.value = pd.Timestamp("2026-09-07").date()
    setup._n_go.click()
    # nothing stored before the confirmation
    assert db.count("cop") == 4
    assert setup._n_confirm.layout.display is None
    assert "sk-kosice-c2" in plain(setup._n_question.value) and "6 members" in plain(
        setup._n_question.value)
    setup._n_yes.click()
    assert setup._status.kind == "ok", setup.status
    assert setup.cop_id == "sk-kosice-c2"
    row = db.read("cop", where={"cop_id": "sk-kosice-c2"}).iloc[0]
    assert (row["cycle"], row["previous_cop_id"]) == (2, "sk-kosice")
    assert row["created_on"] == pd.Timestamp("2026-09-07")
    assert len(db.read("member", where={"cop_id": "sk-kosice-c2"})) == 6
    assert "Started cycle 2" in setup.status
    # the form now shows the new CoP, its roster, and the link
    assert "follows sk-kosice" in plain(setup._cop_info.value)
    assert "cycle 2" in plain(setup._cop_info.value)
    assert "Teacher A" in plain(setup._roster.value)
    assert setup._n_id.value == "sk-kosice-c3"
    assert any("cycle 2" in label for label, _ in setup._cop.options)


def test_copsetup_cancel_and_errors_store_nothing(db):
    setup = cw.CopSetup(db, "at-graz")
    before = snapshot(db)
    setup._n_go.click()
    setup._n_no.click()
    assert setup._n_confirm.layout.display == "none" and "Nothing was started" in setup.status
    setup._n_id.value = "pt-porto"  # taken
    setup._n_go.click()
    setup._n_yes.click()
    assert setup._status.kind == "error" and "already in the store" in setup.status
    assert setup.cop_id == "at-graz"
    assert_unchanged(db, before)


def test_ideaboard_shows_previous_lessons_only_when_there_is_a_previous_cycle(db):
    board = cw.IdeaBoard(db, "at-graz")
    assert board.previous is None
    new = start_next_cycle(db, "at-graz", today="2026-09-02")
    board = cw.IdeaBoard(db, new)
    assert board.previous is not None
    text = plain(board.previous.html)
    assert "What our previous cycle learned (2 lessons)" in text
    assert text.index("Successes (1)") < text.index("Unexpected benefits (1)")
    assert "Pupils as co-designers of break-time rules" in text
    assert "Tags: student voice, break time, peer mediation" in text
    # it is on the board, above the idea fields (read-only: no inputs inside)
    acc = board.children[2]
    assert acc.children[0] is board.previous and acc.selected_index == 0
    assert all(type(w).__name__ == "HTML" for w in board.previous.children)


def test_previous_lessons_html_escapes_and_links_only_web_addresses(db):
    db.insert("lesson", [
        {"lesson_id": "at-graz:x", "cop_id": "at-graz", "kind": "resource",
         "title": "<script>alert(1)</script>", "link": "javascript:alert(2)",
         "created_on": "2026-06-10"},
        {"lesson_id": "at-graz:y", "cop_id": "at-graz", "kind": "resource", "title": "Guide",
         "link": "https://example.org/g", "created_on": "2026-06-10"}])
    new = start_next_cycle(db, "at-graz", today="2026-09-02")
    html = PreviousLessons(db, new).html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "href='https://example.org/g'" in html
    assert "href='javascript" not in html and "javascript:alert(2)" in html
    assert "No lessons from an earlier cycle" in previous_lessons_html(
        previous_lessons(db, "at-graz"))
