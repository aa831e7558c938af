"""Forms of meetings 1 and 2 and the CoP setup, driven from Python: set values, click, check the store.

Each test works on its own copy of a one-CoP demo store (``be-gent``) in a file,
so "reopen" means a new connection and a new form instance on the same file,
as after a kernel restart.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil

import pandas as pd
import pytest

import cocope_kit as ck
from cocope_kit import widgets as cw
from cocope_kit.analysis.plan import validate_plan
from cocope_kit.demo import write_demo
from cocope_kit.errors import StoreError, UsageError
from cocope_kit.widgets.community import plan_tables, plan_with_step, readable_problems
from cocope_kit.widgets.domain import goal_from_form, parse_number
from cocope_kit.widgets.setup import (
    consent_kinds,
    current_cop,
    parse_country,
    parse_language,
    suggest_pseudonym,
)

COP = "be-gent"
TEACHER_A, TEACHER_B, SNT, ASSISTANT = "be-gent:p1", "be-gent:p2", "be-gent:p3", "be-gent:p4"
STUDENT_A, STUDENT_B, PARENT = "be-gent:p5", "be-gent:p6", "be-gent:p7"


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    write_demo(path, n_cops=1).close()
    return path


@pytest.fixture
def path(tmp_path, demo_file):
    p = tmp_path / "school.sqlite"
    shutil.copy(demo_file, p)
    return p


@pytest.fixture
def db(path):
    s = ck.open_store(path)
    yield s
    s.close()


@pytest.fixture
def empty(tmp_path):
    s = ck.open_store(tmp_path / "empty.sqlite")
    yield s
    s.close()


@pytest.fixture
def bare_cop(db):
    """A second CoP in the same store with three members and no goal, meeting or plan."""
    db.write({
        "cop": [{"cop_id": "at-new", "name": "Pause für alle", "school": "MS Graz",
                 "country": "AT", "language": "de", "created_on": "2026-01-10"}],
        "member": [
            {"member_id": "at-new:m1", "cop_id": "at-new", "pseudonym": "Teacher A",
             "role": "teacher"},
            {"member_id": "at-new:m2", "cop_id": "at-new", "pseudonym": "Student A",
             "role": "student"},
            {"member_id": "at-new:m3", "cop_id": "at-new", "pseudonym": "Parent A",
             "role": "parent"},
        ],
    })
    return "at-new"


def plain(html_text: str) -> str:
    """Text of an HTML snippet (tags dropped, entities of quotes decoded)."""
    text = re.sub(r"<[^>]+>", " ", html_text)
    text = text.replace("&#x27;", "'").replace("&quot;", '"').replace("&amp;", "&")
    return re.sub(r"\s+", " ", text)


def counts(store, *tables):
    return {t: store.count(t) for t in tables}


# ============================================================================ pure helpers
def test_suggest_pseudonym_takes_the_next_free_letter():
    assert suggest_pseudonym("teacher", ["Teacher A", "teacher b"]) == "Teacher C"
    assert suggest_pseudonym("special_needs_teacher", []) == "Special needs teacher A"
    taken = [f"Student {chr(65 + i)}" for i in range(26)]
    assert suggest_pseudonym("student", taken) == "Student AA"


def test_consent_kinds_students_need_parent_consent_and_assent():
    assert [k for k, _ in consent_kinds("student")] == ["consent", "assent"]
    for role in ("teacher", "parent", "school_leader"):
        assert [k for k, _ in consent_kinds(role)] == ["consent"]


@pytest.mark.parametrize(("typed", "code"), [
    ("AT — Austria", "AT"), ("at", "AT"), ("US", "US"), ("Slovakia", "SK"), ("", None),
    ("Atlantis", "Atlantis"),
])
def test_parse_country(typed, code):
    assert parse_country(typed) == code


def test_parse_language():
    assert parse_language("de — Deutsch") == "de"
    assert parse_language("Nederlands") == "nl"
    assert parse_language(None) is None


def test_current_cop(db, bare_cop, monkeypatch):
    monkeypatch.delenv("COCOPE_COP", raising=False)
    assert current_cop(db, COP) == COP
    assert current_cop(db, "nope") == bare_cop  # created last
    monkeypatch.setenv("COCOPE_COP", COP)
    assert current_cop(db) == COP


def test_current_cop_on_an_empty_store(empty):
    with pytest.raises(StoreError, match="no CoP"):
        current_cop(empty)


def test_parse_number_and_goal_from_form():
    assert parse_number("6,5") == 6.5
    assert parse_number("1 000") == 1000.0
    assert parse_number("12a") == "12a"
    row = goal_from_form({"statement": "  Goal ", "baseline": "4", "target": "",
                          "gas": {-2: "", -1: " ", 0: "", 1: "", 2: ""}})
    assert row["statement"] == "Goal" and row["baseline"] == 4.0 and row["target"] is None
    assert row["gas_levels"] is None and row["direction"] == "increase"


# ============================================================================ CopSetup
def test_copsetup_on_an_empty_store_creates_a_cop(empty):
    setup = cw.CopSetup(empty)
    assert setup.cop_id is None
    assert "No CoP yet" in setup.status
    seen = []
    setup.observe(lambda ch: seen.append(ch["new"]), "cop_id")
    setup._c_name.value = "Samen in de klas"
    setup._c_school.value = "Basisschool De Vlindertuin"
    setup._c_country.value = "BE — Belgium"
    assert setup._c_language.value.startswith("nl")  # suggested from the country
    setup._c_created.value = dt.date(2026, 9, 1)
    setup._c_save.click()
    cops = empty.read("cop")
    assert len(cops) == 1
    row = cops.iloc[0]
    assert (row["country"], row["language"], row["name"]) == ("BE", "nl", "Samen in de klas")
    assert row["created_on"] == pd.Timestamp("2026-09-01")
    assert re.fullmatch(r"be-samen-in-de-klas-[0-9a-f]{6}", row["cop_id"])
    assert setup.cop_id == row["cop_id"] and seen == [row["cop_id"]]
    assert setup._status.kind == "ok"


def test_copsetup_accepts_any_iso_code_typed(empty):
    setup = cw.CopSetup(empty)
    setup._c_name.value, setup._c_school.value = "Recess for all", "PS 12"
    setup._c_country.value, setup._c_language.value = "us", "en"
    setup._c_save.click()
    assert empty.read("cop")["country"].tolist() == ["US"]


@pytest.mark.parametrize(("field", "value", "column"), [
    ("_c_country", "ZZ", "country"), ("_c_name", "", "name"), ("_c_language", "Klingon",
                                                                "language"),
])
def test_copsetup_bad_cop_shows_a_message_and_stores_nothing(empty, field, value, column):
    setup = cw.CopSetup(empty)
    setup._c_name.value, setup._c_school.value = "Recess for all", "PS 12"
    setup._c_country.value, setup._c_language.value = "AT", "de"
    getattr(setup, field).value = value
    setup._c_save.click()
    assert setup._status.kind == "error"
    assert column in plain(setup._status.value)
    assert empty.count("cop") == 0


def test_copsetup_chooses_a_cop_and_shows_its_roster_with_pseudonyms(db, bare_cop):
    setup = cw.CopSetup(db, COP)
    assert setup.cop_id == COP
    roster = plain(setup._roster.value)
    assert "Teacher A" in roster and "Student B" in roster
    assert "Wout Mertens" not in roster  # names are personal data
    assert "pending" in roster  # Student B's assent
    setup._show_names.value = True
    assert "Wout Mertens" in plain(setup._roster.value)
    setup._cop.value = bare_cop
    assert setup.cop_id == bare_cop
    assert "Parent A" in plain(setup._roster.value)
    assert "not recorded" in plain(setup._roster.value)  # no consent rows yet


def test_add_member_suggests_a_pseudonym_and_stores_consent_and_assent(db):
    setup = cw.CopSetup(db, COP)
    assert setup._member.value == "__new__"
    assert setup._m_pseudonym.value == "Teacher C"
    setup._m_role.value = "student"
    assert setup._m_pseudonym.value == "Student C"  # follows the role while untouched
    assert setup._consent_rows["assent"].layout.display is None
    setup._m_name.value = "Jonas Peeters"
    setup._m_core.value = False
    setup._consent["consent"].value = "given"
    setup._consent["assent"].value = "pending"
    before = db.count("member")
    setup._m_save.click()
    assert setup._status.kind == "ok" and "Student C" in setup.status
    assert db.count("member") == before + 1
    m = db.read("member", where={"cop_id": COP, "pseudonym": "Student C"}).iloc[0]
    assert m["name"] == "Jonas Peeters" and m["role"] == "student" and not m["core"]
    assert re.fullmatch(r"be-gent:member-[0-9a-f]{8}", m["member_id"])
    cons = db.read("consent", where={"member_id": m["member_id"]}).set_index("kind")["status"]
    assert cons.to_dict() == {"consent": "given", "assent": "pending"}
    assert "Student C" in plain(setup._roster.value)
    assert setup._member.value == "__new__"  # ready for the next member


def test_edited_pseudonym_is_kept_and_adults_get_no_assent(db):
    setup = cw.CopSetup(db, COP)
    setup._m_pseudonym.value = "Coach"
    setup._m_role.value = "support_professional"
    assert setup._m_pseudonym.value == "Coach"
    assert setup._consent_rows["assent"].layout.display == "none"
    setup._m_save.click()
    mid = db.read("member", where={"pseudonym": "Coach"})["member_id"].item()
    assert db.read("consent", where={"member_id": mid})["kind"].tolist() == ["consent"]
    labels = [lbl for lbl, _ in setup._member.options]
    assert "Coach (Support professional)" in labels and "Teacher A" in labels


def test_duplicate_pseudonym_is_refused(db):
    setup = cw.CopSetup(db, COP)
    setup._m_pseudonym.value = "teacher a"
    before = counts(db, "member", "consent")
    setup._m_save.click()
    assert setup._status.kind == "error"
    assert "pseudonym" in plain(setup._status.value)
    assert counts(db, "member", "consent") == before


def test_blank_pseudonym_is_refused(db):
    setup = cw.CopSetup(db, COP)
    setup._m_pseudonym.value = "  "
    setup._m_role.value = "parent"  # a blank field gets a suggestion again ...
    setup._m_pseudonym.value = ""  # ... unless it is cleared afterwards
    before = counts(db, "member", "consent")
    setup._m_save.click()
    assert setup._status.kind == "error" and "pseudonym" in plain(setup._status.value)
    assert counts(db, "member", "consent") == before


def test_edit_member_updates_member_and_assent_in_place(db):
    setup = cw.CopSetup(db, COP)
    setup._member.value = STUDENT_B
    assert setup._m_pseudonym.value == "Student B"
    assert setup._consent["assent"].value == "pending"
    assert setup._m_save.description == "Save changes"
    setup._consent["assent"].value = "given"
    setup._m_recorded.value = dt.date(2025, 10, 1)
    setup._m_left.value = dt.date(2026, 6, 30)
    before = counts(db, "member", "consent")
    setup._m_save.click()
    assert setup._status.kind == "ok"
    assert counts(db, "member", "consent") == before
    cons = db.read("consent", where={"member_id": STUDENT_B}).set_index("kind")
    assert cons.loc["assent", "status"] == "given"
    assert cons.loc["assent", "recorded_on"] == pd.Timestamp("2025-10-01")
    assert cons.loc["consent", "recorded_on"] == pd.Timestamp("2025-09-22")  # unchanged
    assert db.read("member", where={"member_id": STUDENT_B})["left_on"].item() == pd.Timestamp(
        "2026-06-30")


def test_withdrawn_consent_points_to_forget(db):
    setup = cw.CopSetup(db, COP)
    setup._member.value = PARENT
    setup._consent["consent"].value = "withdrawn"
    setup._m_save.click()
    assert "cocope forget" in setup.status and PARENT in setup.status
    assert "withdrawn" in plain(setup._roster.value)


def test_left_before_joined_is_refused(db):
    setup = cw.CopSetup(db, COP)
    setup._member.value = TEACHER_A
    setup._m_left.value = dt.date(2020, 1, 1)
    setup._m_save.click()
    assert setup._status.kind == "error" and "left_on" in plain(setup._status.value)
    assert pd.isna(db.read("member", where={"member_id": TEACHER_A})["left_on"].item())


def test_copsetup_reopens_with_the_saved_roster(path):
    s = ck.open_store(path)
    setup = cw.CopSetup(s, COP)
    setup._m_role.value = "psychologist"
    setup._m_save.click()
    s.close()
    with ck.open_store(path) as again:
        setup2 = cw.CopSetup(again, COP)
        assert "Psychologist A" in plain(setup2._roster.value)
        assert "Psychologist A" in [lbl for lbl, _ in setup2._member.options]


# ============================================================================ AttendanceTaker
def test_attendance_preselects_the_meeting_of_the_phase(db):
    taker = cw.AttendanceTaker(db, cop_id=COP, phase="community")
    assert taker.meeting_id == "be-gent:m2"
    assert set(taker._tallies) >= {TEACHER_A, STUDENT_A, PARENT}
    assert taker.controls(TEACHER_A).present.value is True  # from the demo
    assert "present" in plain(taker._summary.value)


def test_attendance_needs_a_meeting_or_a_cop(db, bare_cop):
    with pytest.raises(UsageError):
        cw.AttendanceTaker(db)
    with pytest.raises(UsageError, match="belongs to CoP"):
        cw.AttendanceTaker(db, meeting_id="be-gent:m1", cop_id=bare_cop)
    with pytest.raises(UsageError, match="phase"):
        cw.AttendanceTaker(db, cop_id=COP, phase="lunch")


def test_attendance_each_click_is_stored_at_once(db, bare_cop):
    taker = cw.AttendanceTaker(db, cop_id=bare_cop, phase="domain")
    assert taker.meeting_id is None and "no Domain (meeting 1) meeting" in taker.status
    taker._new_held.value = dt.date(2026, 2, 2)
    taker._new_save.click()
    mid = taker.meeting_id
    assert db.read("meeting", where={"meeting_id": mid})["phase"].item() == "domain"
    t, s = taker.controls("at-new:m1"), taker.controls("at-new:m2")
    key = {"meeting_id": mid}

    def row(member):
        return db.read("attendance", where={**key, "member_id": member}).iloc[0]

    t.present.value = True
    assert bool(row("at-new:m1")["present"]) and row("at-new:m1")["contributions"] == 0
    t.plus.click()
    t.plus.click()
    t.plus.click()
    t.minus.click()
    assert row("at-new:m1")["contributions"] == 2
    assert "2" in plain(t.count.value)
    s.plus.click()  # a contribution marks a member present
    assert bool(row("at-new:m2")["present"]) and row("at-new:m2")["contributions"] == 1
    assert s.present.value is True
    s.minus.click()
    s.minus.click()  # never below 0
    assert row("at-new:m2")["contributions"] == 0
    t.present.value = False
    assert not bool(row("at-new:m1")["present"])
    assert db.count("attendance") >= 2
    summary = plain(taker._summary.value)
    assert "1 of 3 present" in summary


def test_attendance_everyone_is_here_and_reopen(path):
    s = ck.open_store(path)
    s.insert("meeting", {"meeting_id": "be-gent:m9", "cop_id": COP, "phase": "other",
                         "held_on": "2026-03-03"})
    taker = cw.AttendanceTaker(s, meeting_id="be-gent:m9")
    taker.controls(STUDENT_A).present.value = False  # absent, recorded first
    taker._all.click()
    att = s.read("attendance", where={"meeting_id": "be-gent:m9"})
    assert len(att) == len(taker._tallies) and att["present"].all()
    taker.controls(STUDENT_A).plus.click()
    s.close()
    with ck.open_store(path) as again:
        t2 = cw.AttendanceTaker(again, meeting_id="be-gent:m9")
        assert t2.controls(STUDENT_A).present.value is True
        assert "1" in plain(t2.controls(STUDENT_A).count.value)


# ============================================================================ IdeaBoard
def test_idea_board_shows_five_columns_and_the_shortlist(db):
    board = cw.IdeaBoard(db, COP)
    assert board._meeting_id == "be-gent:m1"
    heads = [plain(col.children[0].value) for col in board._board.children]
    assert [h.split(" (")[0].strip() for h in heads] == [
        "Starting challenge", "Perspectives", "Connections", "Promising approaches",
        "Inspirations"]
    short = plain(board._short.value)
    assert "Co-teach two maths lessons a week" in short.split("Most promising approaches")[1]


def test_idea_added_with_author_and_votes_stored_per_click(db):
    board = cw.IdeaBoard(db, COP)
    board._kind.value = "approach"
    board._text_in.value = "A buddy bench in the playground"
    board._author.value = STUDENT_A
    board._add.click()
    assert board._status.kind == "ok"
    idea = db.read("idea", where={"text": "A buddy bench in the playground"}).iloc[0]
    assert (idea["member_id"], idea["kind"], idea["meeting_id"], idea["votes"]) == (
        STUDENT_A, "approach", "be-gent:m1", 0)
    assert board._text_in.value == ""
    for n in range(1, 8):
        board.vote_button(idea["idea_id"]).click()
        assert db.read("idea", where={"idea_id": idea["idea_id"]})["votes"].item() == n
    assert "(7)" in board.vote_button(idea["idea_id"]).description
    top = plain(board._short.value).split("Most promising approaches")[1]
    assert top.strip().startswith("A buddy bench in the playground (7 votes)")
    cards = [w for col in board._board.children for w in col.children[1:]
             if hasattr(w, "children")]
    card = next(c for c in cards if "buddy bench" in plain(c.children[0].value))
    assert "Student A" in plain(card.children[0].value)


def test_idea_from_the_group_has_no_author(db):
    board = cw.IdeaBoard(db, COP, meeting_id="be-gent:m2")
    board._kind.value = "inspiration"
    board._text_in.value = "Visit to a school with co-teaching"
    board._add.click()
    idea = db.read("idea", where={"text": "Visit to a school with co-teaching"}).iloc[0]
    assert pd.isna(idea["member_id"]) and idea["meeting_id"] == "be-gent:m2"


def test_blank_idea_is_refused(db):
    board = cw.IdeaBoard(db, COP)
    before = db.count("idea")
    board._text_in.value = "   "
    board._add.click()
    assert board._status.kind == "error" and "text" in plain(board._status.value)
    assert db.count("idea") == before


def test_idea_board_reopens_with_ideas_and_votes(path):
    s = ck.open_store(path)
    board = cw.IdeaBoard(s, COP)
    board._kind.value = "connection"
    board._text_in.value = "We all want pupils to stay in class"
    board._add.click()
    iid = s.read("idea", where={"kind": "connection"})["idea_id"].iloc[-1]
    board.vote_button(iid).click()
    board.vote_button(iid).click()
    s.close()
    with ck.open_store(path) as again:
        board2 = cw.IdeaBoard(again, COP)
        assert board2.vote_button(iid).description.endswith("(2)")


# ============================================================================ GoalBuilder
def _fill_goal(g):
    g._statement.value = ("By 30 June 2026, 8 pupils of grade 4 play in mixed groups at break "
                          "at least three days a week")
    g._indicator.value = "pupils who play in mixed groups at break"
    g._unit.value = "pupils"
    g._baseline.value = "4"
    g._target.value = "8"
    g._agreed.value = dt.date(2026, 2, 2)
    g._deadline.value = dt.date(2026, 6, 30)
    g._achievable.value = "two playground helpers and a games box"
    g._relevant.value = "answers the challenge that some pupils are alone at break"


def test_smart_feedback_updates_live_as_fields_change(db, bare_cop):
    g = cw.GoalBuilder(db, bare_cop)
    assert g.goal_id is None
    assert not any(g.criteria().values())
    g._statement.value = "Improve break times"
    assert g.criteria()["specific"] is False
    assert "Vague wording" in g.smart.set_index("criterion").loc["specific", "message"]
    _fill_goal(g)
    assert all(g.criteria().values()), g.smart
    html_now = g._smart_html.value
    assert html_now.count("✓") == 5 and "✗" not in html_now
    g._target.value = "4"  # equal to the baseline
    assert g.criteria()["measurable"] is False
    assert "equals the baseline" in plain(g._smart_html.value)
    assert "✗ M" in g._smart_html.value
    g._target.value = "9"
    assert g.criteria()["measurable"] is True
    g._deadline.value = None
    assert g.criteria()["time_bound"] is False
    assert "Set a deadline" in plain(g._smart_html.value)
    assert db.count("goal") == 1  # nothing stored while typing (the demo CoP's goal)


def test_goal_is_inserted_once_then_updated(db, bare_cop):
    g = cw.GoalBuilder(db, bare_cop)
    _fill_goal(g)
    g._gas[-2].value = "no pupil"
    g._gas[-1].value = "2 to 3 pupils more"
    g._gas[0].value = "4 pupils more"
    g._gas[1].value = "6 pupils more"
    g._gas[2].value = "8 pupils more"
    g._save.click()
    assert g._status.kind == "ok" and "all five SMART criteria" in g.status
    goals = db.read("goal", where={"cop_id": bare_cop})
    assert len(goals) == 1
    goal = goals.iloc[0]
    assert goal["goal_id"] == g.goal_id and re.fullmatch(r"at-new:goal-[0-9a-f]{8}", g.goal_id)
    assert (goal["baseline"], goal["target"], goal["direction"]) == (4.0, 8.0, "increase")
    assert goal["deadline"] == pd.Timestamp("2026-06-30")
    assert json.loads(goal["gas_levels"]) == {"-2": "no pupil", "-1": "2 to 3 pupils more",
                                              "0": "4 pupils more", "1": "6 pupils more",
                                              "2": "8 pupils more"}
    g._target.value = "7,5"
    g._save.click()
    goals = db.read("goal", where={"cop_id": bare_cop})
    assert len(goals) == 1 and goals["target"].item() == 7.5


def test_deadline_before_agreement_is_refused_and_nothing_changes(db, bare_cop):
    g = cw.GoalBuilder(db, bare_cop)
    _fill_goal(g)
    g._deadline.value = dt.date(2026, 1, 15)
    assert g.criteria()["time_bound"] is False
    assert "before the day the goal was agreed" in plain(g._smart_html.value)
    g._save.click()
    assert g._status.kind == "error" and "deadline" in plain(g._status.value)
    assert db.read("goal", where={"cop_id": bare_cop}).empty
    assert g.goal_id is None


def test_deadline_before_agreement_leaves_a_stored_goal_unchanged(db):
    g = cw.GoalBuilder(db, COP)
    before = db.read("goal", where={"cop_id": COP})
    g._deadline.value = dt.date(2025, 10, 1)
    g._save.click()
    assert g._status.kind == "error"
    pd.testing.assert_frame_equal(db.read("goal", where={"cop_id": COP}), before)


def test_target_equal_to_baseline_is_stored_as_a_draft_with_m_red(db, bare_cop):
    g = cw.GoalBuilder(db, bare_cop)
    _fill_goal(g)
    g._target.value = "4"
    g._save.click()
    assert g._status.kind == "info" and "draft" in g.status and "Measurable" in g.status
    goal = db.read("goal", where={"cop_id": bare_cop}).iloc[0]
    assert goal["baseline"] == goal["target"] == 4.0
    assert g.criteria()["measurable"] is False
    again = cw.GoalBuilder(db, bare_cop)  # reopening keeps the hint red
    assert again.criteria()["measurable"] is False


def test_non_numeric_baseline_shows_a_message_and_stores_nothing(db, bare_cop):
    g = cw.GoalBuilder(db, bare_cop)
    _fill_goal(g)
    g._baseline.value = "about four"
    assert g.criteria()["measurable"] is False
    assert "is not a number" in plain(g._smart_html.value)
    g._save.click()
    assert g._status.kind == "error" and "baseline" in plain(g._status.value)
    assert db.read("goal", where={"cop_id": bare_cop}).empty


def test_incomplete_gas_levels_are_refused(db, bare_cop):
    g = cw.GoalBuilder(db, bare_cop)
    _fill_goal(g)
    g._gas[0].value = "4 pupils more"
    g._save.click()
    assert g._status.kind == "error"
    assert "still blank: −2, −1, +1, +2" in plain(g._status.value)
    assert db.read("goal", where={"cop_id": bare_cop}).empty


def test_blank_statement_is_refused(db, bare_cop):
    g = cw.GoalBuilder(db, bare_cop)
    g._save.click()
    assert g._status.kind == "error" and "statement" in plain(g._status.value)
    assert db.read("goal", where={"cop_id": bare_cop}).empty


def test_goal_builder_reopens_with_the_saved_goal(path):
    s = ck.open_store(path)
    g = cw.GoalBuilder(s, COP)
    assert g.goal_id == "be-gent:g1"
    assert g._baseline.value == "55" and g._target.value == "80"
    assert g._gas[0].value  # the demo goal has GAS levels
    g._relevant.value = "Pupils say leaving the class makes them feel different."
    g._save.click()
    s.close()
    with ck.open_store(path) as again:
        g2 = cw.GoalBuilder(again, COP)
        assert g2._relevant.value == "Pupils say leaving the class makes them feel different."
        assert g2._agreed.value == dt.date(2025, 10, 14)
        assert again.count("goal") == 1


def test_goal_builder_quotes_the_starting_challenge(db):
    g = cw.GoalBuilder(db, COP)
    relevant = g.smart.set_index("criterion").loc["relevant", "message"]
    assert "Starting challenge: 'Pupils with an individual support plan" in relevant


# ============================================================================ ActionPlanEditor
@pytest.fixture
def editor(db):
    return cw.ActionPlanEditor(db, COP, as_of="2026-03-01")


def _plan_counts(db):
    return counts(db, "action", "action_owner", "action_dependency")


def test_plan_editor_lists_steps_problems_and_the_gantt(editor):
    titles = [lbl.split("  ·  ")[0] for lbl, _ in editor._steps.options]
    assert titles[0] == "+ a new step" and "Map current pull-out hours" in titles
    assert "no problems" in plain(editor._problems.value)
    assert editor.gantt_description.startswith("Action plan of 7 steps")
    (out,) = editor._gantt.outputs
    assert set(out["data"]) == {"image/png", "text/plain"}


def test_add_a_step_with_shared_owners_lead_and_dependency(db, editor):
    import matplotlib.pyplot as plt

    editor.select(None)
    editor._title_in.value = "Games corner run by pupils"
    editor._desc.value = "pupils choose the games"
    editor._start.value = dt.date(2026, 3, 2)
    editor._due.value = dt.date(2026, 3, 27)
    editor._owners.value = (TEACHER_B, STUDENT_A, PARENT)
    assert editor._lead.value == TEACHER_B  # the first chosen owner leads by default
    editor._lead.value = STUDENT_A
    editor._deps.value = ("be-gent:a3",)
    editor._save.click()
    assert editor._status.kind == "ok", editor.status
    act = db.read("action", where={"title": "Games corner run by pupils"}).iloc[0]
    aid = act["action_id"]
    assert re.fullmatch(r"be-gent:action-[0-9a-f]{8}", aid)
    assert act["goal_id"] == "be-gent:g1" and act["status"] == "planned"
    own = db.read("action_owner", where={"action_id": aid}).set_index("member_id")["lead"]
    assert own.to_dict() == {TEACHER_B: False, STUDENT_A: True, PARENT: False}
    assert db.read("action_dependency", where={"action_id": aid})["depends_on_id"].tolist() == [
        "be-gent:a3"]
    assert editor.action_id == aid  # the saved step stays open
    assert editor.gantt_description.startswith("Action plan of 8 steps")
    assert plt.get_fignums() == []  # the figure was closed


def test_end_before_start_shows_a_message_and_stores_nothing(db, editor):
    before = _plan_counts(db)
    editor.select(None)
    editor._title_in.value = "Backwards step"
    editor._start.value = dt.date(2026, 4, 10)
    editor._due.value = dt.date(2026, 4, 1)
    editor._owners.value = (TEACHER_A,)
    assert "Dates out of order" in plain(editor._draft.value)
    editor._save.click()
    assert editor._status.kind == "error"
    assert "end date is before the start date" in plain(editor._status.value)
    assert _plan_counts(db) == before


def test_end_before_start_of_an_existing_step_changes_nothing(db, editor):
    before = db.read("action", where={"action_id": "be-gent:a2"})
    editor.select("be-gent:a2")
    editor._due.value = dt.date(2025, 12, 1)
    editor._save.click()
    assert editor._status.kind == "error"
    pd.testing.assert_frame_equal(db.read("action", where={"action_id": "be-gent:a2"}), before)


def test_a_dependency_cycle_shows_the_path_and_stores_nothing(db, editor):
    before = _plan_counts(db)
    deps_before = db.read("action_dependency")
    editor.select("be-gent:a1")  # a1 → a3 → a5 already; a1 waiting for a5 closes the circle
    editor._deps.value = ("be-gent:a5",)
    assert "circle" in plain(editor._draft.value)
    editor._save.click()
    assert editor._status.kind == "error"
    msg = plain(editor._status.value)
    assert ("“Map current pull-out hours” → “Plan two co-taught maths lessons per week” → "
            "“Teaching assistant supports group work” → “Map current pull-out hours”") in msg
    assert "nothing was saved" in msg and "be-gent:a" not in msg
    assert _plan_counts(db) == before
    pd.testing.assert_frame_equal(db.read("action_dependency"), deps_before)


def test_a_new_step_closing_a_cycle_is_not_stored_either(db, editor):
    editor.select("be-gent:a1")
    editor._deps.value = ()
    editor._save.click()  # a1 now waits for nothing
    editor.select(None)
    editor._title_in.value = "Middle step"
    editor._start.value, editor._due.value = dt.date(2026, 1, 1), dt.date(2026, 1, 2)
    editor._deps.value = ("be-gent:a7",)
    editor._save.click()
    mid = editor.action_id
    editor.select("be-gent:a1")
    editor._deps.value = (mid,)
    before = _plan_counts(db)
    editor._save.click()
    assert editor._status.kind == "error" and "“Middle step”" in plain(editor._status.value)
    assert _plan_counts(db) == before


def test_edit_a_step_replaces_owners_and_dependencies_in_one_go(db, editor):
    editor.select("be-gent:a3")
    assert set(editor._owners.value) == {TEACHER_A, SNT}
    assert editor._lead.value == TEACHER_A
    editor._owners.value = (SNT, STUDENT_B)
    assert editor._lead.value == SNT  # the lead left: the first chosen owner leads
    editor._deps.value = ("be-gent:a2",)
    editor._title_in.value = "Co-teach maths twice a week"
    editor._save.click()
    assert editor._status.kind == "ok"
    own = db.read("action_owner", where={"action_id": "be-gent:a3"}).set_index("member_id")
    assert own["lead"].to_dict() == {SNT: True, STUDENT_B: False}
    deps = db.read("action_dependency", where={"action_id": "be-gent:a3"})
    assert deps["depends_on_id"].tolist() == ["be-gent:a2"]
    assert db.read("action", where={"action_id": "be-gent:a3"})["title"].item() == (
        "Co-teach maths twice a week")
    audit = db.read("audit")
    assert {"action_owner", "action_dependency"} <= set(audit["table_name"].dropna())


def test_status_update_later_in_the_cycle(db, editor):
    editor.select("be-gent:a6")
    assert editor._state.value == "in_progress"
    assert editor._done_row.layout.display == "none"
    editor._state.value = "done"
    assert editor._done_row.layout.display is None and editor._done_on.value is not None
    editor._done_on.value = dt.date(2026, 3, 20)
    editor._save.click()
    row = db.read("action", where={"action_id": "be-gent:a6"}).iloc[0]
    assert row["status"] == "done" and row["done_on"] == pd.Timestamp("2026-03-20")


def test_live_problems_name_steps_and_people_not_ids(db, editor):
    editor.select(None)
    editor._title_in.value = "Step nobody owns"
    editor._start.value, editor._due.value = dt.date(2026, 3, 1), dt.date(2026, 3, 5)
    editor._save.click()
    assert editor._status.kind == "ok" and "look at below" in editor.status
    text = plain(editor._problems.value)
    assert "Nobody is responsible" in text and "“Step nobody owns”" in text
    assert "be-gent:" not in text
    # overload: Special needs teacher A owns four steps at the same time (three stored directly)
    db.write({"action": [{"action_id": f"be-gent:busy{i}", "cop_id": COP, "title": f"Busy {i}",
                          "start_on": "2026-04-01", "due_on": "2026-04-30"} for i in range(3)],
              "action_owner": [{"action_id": f"be-gent:busy{i}", "member_id": SNT, "lead": True}
                               for i in range(3)]})
    editor = cw.ActionPlanEditor(db, COP, as_of="2026-03-01")
    editor._title_in.value = "One step too many"
    editor._start.value, editor._due.value = dt.date(2026, 4, 1), dt.date(2026, 4, 30)
    editor._owners.value = (SNT,)
    assert "Too much at the same time" in plain(editor._draft.value)  # before saving
    editor._save.click()
    text = plain(editor._problems.value)
    assert "Too much at the same time for one person" in text
    assert "“Special needs teacher A” owns 4 steps at the same time" in text
    assert set(editor.problems["problem"]) >= {"no_owner", "overloaded_member"}


def test_remove_a_step_needs_a_second_click(db, editor):
    editor.select("be-gent:a3")
    before = _plan_counts(db)
    editor._remove.click()
    assert "Yes, remove it" == editor._remove.description
    assert _plan_counts(db) == before
    editor._remove.click()
    assert editor._status.kind == "ok" and "Removed" in editor.status
    assert db.read("action", where={"action_id": "be-gent:a3"}).empty
    assert db.read("action_owner", where={"action_id": "be-gent:a3"}).empty
    deps = db.read("action_dependency")
    assert "be-gent:a3" not in set(deps["action_id"]) | set(deps["depends_on_id"])
    assert editor.action_id is None


def test_switching_steps_cancels_a_pending_removal(db, editor):
    editor.select("be-gent:a3")
    editor._remove.click()
    editor.select("be-gent:a4")
    assert editor._remove.description == "Remove step"
    editor._remove.click()
    assert db.count("action") == 7


def test_plan_editor_reopens_with_the_saved_plan(path):
    s = ck.open_store(path)
    e = cw.ActionPlanEditor(s, COP, as_of="2026-03-01")
    e.select(None)
    e._title_in.value = "Parents' evening on support in class"
    e._start.value, e._due.value = dt.date(2026, 3, 10), dt.date(2026, 3, 10)
    e._owners.value = (PARENT, TEACHER_A)
    e._deps.value = ("be-gent:a1",)
    e._save.click()
    aid = e.action_id
    s.close()
    with ck.open_store(path) as again:
        e2 = cw.ActionPlanEditor(again, COP, as_of="2026-03-01")
        assert aid in [v for _, v in e2._steps.options]
        e2.select(aid)
        assert set(e2._owners.value) == {PARENT, TEACHER_A}
        assert e2._lead.value == TEACHER_A  # first in list order when saved
        assert e2._deps.value == ("be-gent:a1",)


def test_plan_editor_on_a_cop_without_steps(db, bare_cop):
    e = cw.ActionPlanEditor(db, bare_cop)
    assert e._steps.options == (("+ a new step", "__new__"),)
    assert e._gantt.outputs == () and e.gantt_description == ""
    assert "No shared goal yet" in plain(e.children[2].value)
    e._title_in.value = "Ask pupils which games they miss"
    e._start.value, e._due.value = dt.date(2026, 2, 1), dt.date(2026, 2, 14)
    e._owners.value = ("at-new:m2",)
    e._save.click()
    row = db.read("action", where={"cop_id": bare_cop}).iloc[0]
    assert pd.isna(row["goal_id"])
    assert e.gantt_description.startswith("Action plan of 1 step")


def test_plan_with_step_and_readable_problems(db):
    t = plan_tables(db, COP)
    step = {"action_id": "be-gent:a1", "cop_id": COP, "title": "Map current pull-out hours",
            "start_on": "2025-11-19", "due_on": "2025-12-05"}
    plan = plan_with_step(t, step, owners=[SNT], lead=SNT, depends_on=["be-gent:a7"])
    assert len(plan["actions"]) == len(t["actions"])
    probs = validate_plan(plan["actions"], plan["owners"], plan["dependencies"])
    assert "cycle" in set(probs["problem"])
    labels = {"be-gent:a1": "Map", "be-gent:a3": "Co-teach", "be-gent:a7": "Ask pupils"}
    out = readable_problems(probs[probs["problem"] == "cycle"], labels)
    assert len(out) == 1  # one message per cycle, not one per step on it
    assert out["message"].item().startswith("circular dependency “Map” → “Co-teach” → "
                                            "“Ask pupils” → “Map”")
