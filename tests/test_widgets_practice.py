"""Meeting 3 forms and the CodingPanel, driven from Python: set values, click, check the store."""

from __future__ import annotations

import datetime as dt

import ipywidgets as W
import pandas as pd
import pytest

import cocope_kit as ck
from cocope_kit import widgets as cw
from cocope_kit.errors import StoreError, UsageError
from cocope_kit.instruments import load_instrument
from cocope_kit.interviews import NO_CODE_ID, coding_status, export_codebook, split_segments
from cocope_kit.model import LessonKind, values
from cocope_kit.widgets.practice import LESSON_KINDS, VALUE_CYCLES

COP = "be-1"
ID_RE = r"^be-1:{kind}-[0-9a-f]{{8}}$"


def _fill(s, minimal_rows):
    rows = dict(minimal_rows)
    rows["interview"] = [dict(rows["interview"][0], transcript="I: How was it?\n\nR: Good.\n\n"
                                                               "I: Anything else?")]
    rows["code"] = [
        {"code_id": "cb:collab", "codebook": "cb", "label": "collaboration",
         "description": "working together", "parent_id": None},
        {"code_id": "cb:trust", "codebook": "cb", "label": "trust",
         "description": "trust between members", "parent_id": "cb:collab"},
        {"code_id": "cb:time", "codebook": "cb", "label": "time", "description": None,
         "parent_id": None},
    ]
    rows.pop("coding")
    rows.pop("reflection")
    rows.pop("lesson")
    rows.pop("value_story")
    s.write(rows)
    return s


@pytest.fixture
def db(minimal_rows):
    """An in-memory store with one CoP, a goal, two steps, an interview and a small codebook."""
    s = _fill(ck.open_store(":memory:"), minimal_rows)
    yield s
    s.close()


def reopen(store):
    """The same store, for a new instance of a form (file stores: a new connection)."""
    return store if store.path == ":memory:" else ck.open_store(store.path)


def test_forms_reopen_from_a_file_store(tmp_path, minimal_rows):
    path = tmp_path / "s.sqlite"
    s = _fill(ck.open_store(path), minimal_rows)
    log = cw.LessonLog(s, COP)
    log._title_in.value = "Ask the pupils first"
    log._save.click()
    panel = cw.CodingPanel(s, "be-1:iv1", "coder_a", codebook="cb")
    panel.toggle(2, "time").value = True
    s.close()
    with ck.open_store(path) as again:
        assert "Ask the pupils first" in texts(cw.LessonLog(again, COP))
        assert cw.CodingPanel(again, "be-1:iv1", "coder_a", codebook="cb").toggle(2, "time").value


def counts(store):
    return {t: store.count(t) for t in ("reflection", "lesson", "value_story",
                                         "goal_measurement", "coding", "code")}


def texts(widget) -> str:
    """Every text a widget tree shows (HTML values, descriptions, options, tooltips)."""
    out = []
    stack = [widget]
    while stack:
        w = stack.pop()
        for attr in ("value", "description", "tooltip", "placeholder"):
            v = getattr(w, attr, None)
            if isinstance(v, str):
                out.append(v)
        for opt in getattr(w, "options", ()) or ():
            out.append(str(opt))
        stack.extend(getattr(w, "children", ()) or ())
    return "\n".join(out)


# ----------------------------------------------------------------------------- ReflectionJournal


def test_reflection_prompts_come_from_the_instrument(db):
    form = cw.ReflectionJournal(db, COP, "practice", "be-1:m1")
    inst = load_instrument("reflection_prompts")
    want = [it.id for it in inst.items if it.construct == "practice"]
    assert [pid for pid, _ in form._prompts] == want
    lang = db.read("cop", where={"cop_id": COP})["language"].iloc[0]
    assert lang == "nl"  # the prompts are shown in the CoP's language
    for it in inst.items:
        if it.construct == "practice":
            assert inst.text(it.id, lang) == it.text["nl"] != it.text["en"]
            assert inst.text(it.id, lang) in texts(form)


def test_reflection_individual_submit_and_reopen(db):
    form = cw.ReflectionJournal(db, COP, "practice", "be-1:m1")
    form._answers[0].value = "  We planned together for once. "
    form._answers[3].value = "Parents came to the games afternoon."
    form._date.value = dt.date(2026, 5, 20)
    form._save.click()
    assert form._status.kind == "ok" and "2 answers" in form.status
    got = reopen(db).read("reflection")
    assert got.member_id.tolist() == ["be-1:m1"] * 2
    assert got.prompt_id.tolist() == ["rp_practice_1", "rp_practice_4"]
    assert got.text.tolist()[0] == "We planned together for once."
    assert got.reflection_id.str.match(ID_RE.format(kind="reflection")).all()
    assert (got.written_on == pd.Timestamp("2026-05-20")).all()
    assert all(a.value == "" for a in form._answers)
    again = cw.ReflectionJournal(reopen(db), COP, "practice", "be-1:m1")
    assert "Parents came to the games afternoon." in texts(again)


def test_reflection_anonymous_and_group_store_no_member(db):
    anon = cw.ReflectionJournal(db, COP, "practice", "be-1:m1", anonymous=True)
    anon._answers[1].value = "Meetings were too short."
    anon._save.click()
    group = cw.ReflectionJournal(db, COP, "community")
    group._answers[0].value = "Everyone spoke."
    group._save.click()
    got = db.read("reflection")
    assert got.member_id.isna().all() and got.phase.tolist() == ["practice", "community"]
    assert "not stored" in texts(anon) and "1 reflection" in anon._saved.value
    # an individual's list does not show the anonymous text
    assert "too short" not in texts(cw.ReflectionJournal(db, COP, "practice", "be-1:m1"))


def test_reflection_bad_input_stores_nothing(db):
    before = counts(db)
    form = cw.ReflectionJournal(db, COP, "practice", "be-1:m1")
    form._save.click()  # nothing written
    assert form._status.kind == "error" and "at least one" in form._status.value
    form._answers[0].value = "text"
    form._date.value = None  # the store requires written_on
    form._save.click()
    assert form._status.kind == "error" and "written_on" in form._status.value
    assert form._answers[0].value == "text"  # kept for another try
    assert counts(db) == before


def test_reflection_arguments(db):
    with pytest.raises(UsageError, match="phase"):
        cw.ReflectionJournal(db, COP, "harvest")
    with pytest.raises(StoreError, match="no CoP"):
        cw.ReflectionJournal(db, "xx-9", "practice")
    with pytest.raises(StoreError, match="no member"):
        cw.ReflectionJournal(db, COP, "practice", "be-1:nobody")
    other = cw.ReflectionJournal(db, COP, "other")
    assert other._prompts[0][0] is None
    other._answers[0].value = "An extra session on the playground."
    other._save.click()
    assert db.read("reflection").prompt_id.isna().all()


# ----------------------------------------------------------------------------- LessonLog


def test_lesson_kinds_match_the_model():
    assert list(LESSON_KINDS) == list(values(LessonKind))


def test_lesson_save_list_and_reopen(db):
    log = cw.LessonLog(db, COP)
    assert log._link_row.layout.display == "none"  # link only for resources
    log._kind.value = "resource"
    assert log._link_row.layout.display is None
    log._title_in.value = "Visual timetable templates"
    log._text.value = "Cards for the class timetable."
    log._tags.value = " visual support, , timetable,visual support "
    log._link.value = "https://example.org/cards"
    log._date.value = dt.date(2026, 6, 1)
    log._save.click()
    assert log._status.kind == "ok" and "Visual timetable templates" in log.status
    log._kind.value = "side_effect"
    log._title_in.value = "More noise in the corridor"
    log._link.value = "ignored for side effects"
    log._save.click()
    got = reopen(db).read("lesson")
    assert got.kind.tolist() == ["resource", "side_effect"]
    assert got.tags.tolist()[0] == "visual support,timetable"
    assert got.link.tolist()[0] == "https://example.org/cards" and pd.isna(got.link.tolist()[1])
    assert got.lesson_id.str.match(ID_RE.format(kind="lesson")).all()
    shown = texts(cw.LessonLog(reopen(db), COP))
    assert "Visual timetable templates" in shown and "More noise in the corridor" in shown
    assert "Lessons so far (2)" in shown


def test_lesson_bad_input_stores_nothing_and_escapes_html(db):
    log = cw.LessonLog(db, COP)
    log._save.click()  # no title
    assert log._status.kind == "error" and "title" in log._status.value
    log._title_in.value = "x"
    log._date.value = None
    log._save.click()
    assert log._status.kind == "error" and "created_on" in log._status.value
    assert db.count("lesson") == 0
    log._date.value = dt.date(2026, 6, 1)
    log._title_in.value = "<script>alert(1)</script>"
    log._save.click()
    assert "<script>" not in log._list.value and "&lt;script&gt;" in log._list.value


# ----------------------------------------------------------------------------- ValueStoryForm


def test_value_story_explains_each_value_and_stores(db):
    form = cw.ValueStoryForm(db, COP, author_id="be-1:m1")
    shown = texts(form)
    for head, hint in VALUE_CYCLES.values():
        assert head in shown and hint in shown
    form._areas["applied"].value = "We co-teach maths twice a week."
    form._areas["reframing"].value = "Inclusion is everybody's job."
    form._save.click()
    assert form._status.kind == "ok"
    got = reopen(db).read("value_story")
    assert got.author_id.item() == "be-1:m1" and pd.isna(got.immediate.item())
    assert got.applied.item() == "We co-teach maths twice a week."
    assert got.story_id.str.match(ID_RE.format(kind="story")).all()
    assert "Inclusion is everybody" in texts(cw.ValueStoryForm(reopen(db), COP))


def test_value_story_bad_input_stores_nothing(db):
    form = cw.ValueStoryForm(db, COP)
    form._save.click()
    assert form._status.kind == "error" and "at least one" in form._status.value
    form._areas["immediate"].value = "fun"
    form._date.value = None
    form._save.click()
    assert form._status.kind == "error" and db.count("value_story") == 0
    with pytest.raises(StoreError):
        cw.ValueStoryForm(db, COP, author_id="nobody")


# ----------------------------------------------------------------------------- GoalMeasurementEntry


def test_goal_measurement_shows_goal_and_history(db):
    form = cw.GoalMeasurementEntry(db, "be-1:g1")
    shown = texts(form)
    assert "More pupils play together" in shown and "baseline</b> 4" in shown
    assert "target</b> 12.5" in shown and "6.25" in shown  # the earlier measurement
    form._date.value = dt.date(2026, 5, 2)
    form._value.value = "8,5"  # decimal comma
    form._source.value = "observation"
    form._note.value = "rainy week"
    form._save.click()
    assert form._status.kind == "ok"
    got = reopen(db).read("goal_measurement").sort_values("measured_on")
    assert got.value.tolist() == [6.25, 8.5]
    assert got.measurement_id.iloc[-1].startswith("be-1:measurement-")
    again = texts(cw.GoalMeasurementEntry(reopen(db), "be-1:g1"))
    assert "8.5" in again and "rainy week" in again and "53% of the way" in again


@pytest.mark.parametrize("value", ["", "abc", "1,2,3"])
def test_goal_measurement_bad_value_stores_nothing(db, value):
    form = cw.GoalMeasurementEntry(db, "be-1:g1")
    form._value.value = value
    form._save.click()
    assert form._status.kind == "error" and "value" in form._status.value
    assert db.count("goal_measurement") == 1


def test_goal_measurement_unknown_goal(db):
    with pytest.raises(StoreError, match="no goal"):
        cw.GoalMeasurementEntry(db, "be-1:g9")


# ----------------------------------------------------------------------------- ActionStatusUpdate


def test_action_status_update_and_reopen(db):
    form = cw.ActionStatusUpdate(db, COP)
    assert [v for _, v in form._step.options] == ["be-1:a1", "be-1:a2"]
    form._step.value = "be-1:a2"
    assert form._state.value == "in_progress" and form._done_row.layout.display == "none"
    form._state.value = "done"
    assert form._done_on.value == dt.date.today()  # a sensible default
    form._done_on.value = dt.date(2026, 3, 10)
    form._save.click()
    assert form._status.kind == "ok" and "now done" in form.status
    a2 = reopen(db).read("action", where={"action_id": "be-1:a2"}).iloc[0]
    assert a2.status == "done" and a2.done_on == pd.Timestamp("2026-03-10")
    again = cw.ActionStatusUpdate(reopen(db), COP)
    again._step.value = "be-1:a2"
    assert again._state.value == "done" and again._done_on.value == dt.date(2026, 3, 10)
    # back to in progress: done_on is cleared
    again._state.value = "in_progress"
    again._save.click()
    a2 = db.read("action", where={"action_id": "be-1:a2"}).iloc[0]
    assert a2.status == "in_progress" and pd.isna(a2.done_on)


def test_action_status_bad_input_stores_nothing(db):
    before = db.read("action")
    form = cw.ActionStatusUpdate(db, COP)
    form._step.value = "be-1:a2"
    form._state.value = "done"
    form._done_on.value = None
    form._save.click()
    assert form._status.kind == "error" and "done_on" in form._status.value
    form._done_on.value = dt.date(2026, 1, 1)  # before start_on 2026-02-21
    form._save.click()
    assert form._status.kind == "error" and "done_on" in form._status.value
    pd.testing.assert_frame_equal(db.read("action"), before)


def test_action_status_without_steps(store, minimal_rows):
    store.insert("cop", minimal_rows["cop"])
    form = cw.ActionStatusUpdate(store, COP)
    assert form._status.kind == "info" and "no steps" in form.status
    form._save.click()
    assert form._status.kind == "error"


# ----------------------------------------------------------------------------- CodingPanel


def test_coding_toggle_is_stored_and_reopened(db):
    panel = cw.CodingPanel(db, "be-1:iv1", "coder_a", codebook="cb")
    shown = texts(panel)
    assert "Segment 1" in shown and "I: How was it?" in shown and "I: Anything else?" in shown
    panel.toggle(1, "trust").value = True
    assert panel._status.kind == "ok" and "segment 1" in panel.status
    got = reopen(db).read("coding")
    assert got[["segment", "code_id", "coder"]].values.tolist() == [[1, "cb:trust", "coder_a"]]
    assert got.coding_id.str.match(ID_RE.format(kind="coding")).all()
    again = cw.CodingPanel(reopen(db), "be-1:iv1", "coder_a", codebook="cb")
    assert again.toggle(1, "cb:trust").value and not again.toggle(2, "trust").value
    again.toggle(1, "trust").value = False
    assert db.count("coding") == 0
    assert db.read("audit").action.tolist()[-1] == "delete"


def test_no_code_applies_excludes_other_codes(db):
    panel = cw.CodingPanel(db, "be-1:iv1", "coder_a", codebook="cb")
    panel.toggle(2, "trust").value = True
    panel.toggle(2, "time").value = True
    panel.toggle(2, "no code applies").value = True
    c = db.read("coding")
    assert c.code_id.tolist() == [NO_CODE_ID]
    assert not panel.toggle(2, "trust").value and not panel.toggle(2, "time").value
    panel.toggle(2, "time").value = True
    assert db.read("coding").code_id.tolist() == ["cb:time"]
    assert not panel.toggle(2, NO_CODE_ID).value
    assert db.read("code", where={"code_id": NO_CODE_ID}).codebook.item() == "cocope"


def _code_all(panel, plan):
    for seg, label in plan:
        panel.toggle(seg, label).value = True


def test_blind_coding_hides_the_other_coder_until_both_are_done(db):
    a = cw.CodingPanel(db, "be-1:iv1", "coder_a", codebook="cb")
    b = cw.CodingPanel(db, "be-1:iv1", "coder_b", codebook="cb")
    _code_all(a, [(1, "trust"), (2, "time"), (3, "no code applies")])
    assert not a.revealed and "You have coded every segment" in a._notice.value
    assert "coder_b" in a._notice.value  # who is not finished yet
    _code_all(b, [(1, "collaboration"), (2, "time")])
    # b is not done (segment 3 open): neither sees the other's codes
    for panel, other_code in ((a, "cb:collab"), (b, "cb:trust")):
        assert not panel.revealed
        assert set(panel.visible_codings().coder) == {panel._coder}
        assert not panel.visible_codings().code_id.eq(other_code).any()
    # b's tick buttons show b's codes only (a ticked trust on segment 1)
    assert not b.toggle(1, "trust").value and b.toggle(1, "collaboration").value
    seg1 = b._segbox.children[0]
    assert "differs" not in texts(b) and "(you)" not in texts(seg1)
    # a reopened panel of a is still blind
    assert not cw.CodingPanel(reopen(db), "be-1:iv1", "coder_a", codebook="cb").revealed
    b.toggle(3, "no code applies").value = True  # b's last open segment
    assert b.revealed and "Blind coding is complete" in b._notice.value
    assert "2 of 3" in b._notice.value  # segments 2 and 3 agree
    a._refresh_btn.click()
    assert a.revealed
    seen = a.visible_codings()
    assert set(seen.coder) == {"coder_a", "coder_b"}
    blocks = [texts(box) for box in a._segbox.children]
    assert "≠ differs" in blocks[0] and "trust" in blocks[0] and "collaboration" in blocks[0]
    assert "✓ same codes" in blocks[1] and "✓ same codes" in blocks[2]
    # a new panel shows the agreement at once
    assert cw.CodingPanel(reopen(db), "be-1:iv1", "coder_b", codebook="cb").revealed


def test_ticks_are_locked_after_reveal_until_revision_is_asked_for(db):
    a = cw.CodingPanel(db, "be-1:iv1", "coder_a", codebook="cb")
    b = cw.CodingPanel(db, "be-1:iv1", "coder_b", codebook="cb")
    _code_all(a, [(1, "trust"), (2, "time"), (3, "time")])
    _code_all(b, [(1, "trust"), (2, "trust"), (3, "time")])
    a._render()
    assert a.revealed and all(t.disabled for t in a._toggles.values())
    n = db.count("coding")
    a.toggle(2, "trust").value = True  # set from code although disabled
    assert a._status.kind == "error" and "locked" in a._status.value
    assert not a.toggle(2, "trust").value and db.count("coding") == n
    a._revise.value = True
    assert not any(t.disabled for t in a._toggles.values())
    a.toggle(2, "trust").value = True
    a.toggle(2, "time").value = False
    assert "3 of 3" in a._notice.value


def test_coding_panel_arguments(db):
    with pytest.raises(UsageError, match="coder_c"):
        cw.CodingPanel(db, "be-1:iv1", "coder_c", codebook="cb")
    with pytest.raises(StoreError, match="no interview"):
        cw.CodingPanel(db, "be-1:iv9", "coder_a", codebook="cb")
    with pytest.raises(UsageError):
        cw.CodingPanel(db, "be-1:iv1", "coder_a", codebook="cb").toggle(9, "trust")
    solo = cw.CodingPanel(db, "be-1:iv1", "me", codebook="cb", coders=("me",))
    _code_all(solo, [(1, "trust"), (2, "trust"), (3, "trust")])
    assert solo.revealed


def test_create_and_edit_codes_in_place(db):
    panel = cw.CodingPanel(db, "be-1:iv1", "coder_a", codebook="cb")
    panel._pick.value = ""
    panel._label.value = "student voice"
    panel._desc.value = "pupils speak and are heard"
    panel._save_code.click()
    assert panel._status.kind == "ok"
    new = db.read("code", where={"label": "student voice"})
    assert new.code_id.item().startswith("cb:code-") and new.codebook.item() == "cb"
    panel.toggle(1, "student voice").value = True  # a tick button appeared at once
    panel._pick.value = "cb:trust"
    assert panel._label.value == "trust" and panel._parent.value == "cb:collab"
    panel._label.value = "mutual trust"
    panel._desc.value = "members rely on each other"
    panel._save_code.click()
    t = db.read("code", where={"code_id": "cb:trust"}).iloc[0]
    assert t.label == "mutual trust" and t.description == "members rely on each other"
    assert panel.toggle(1, "mutual trust").description == "mutual trust"
    assert "mutual trust" in texts(cw.CodingPanel(reopen(db), "be-1:iv1", "coder_b", codebook="cb"))


def test_code_editing_bad_input_stores_nothing(db):
    before = db.read("code")
    panel = cw.CodingPanel(db, "be-1:iv1", "coder_a", codebook="cb")
    panel._pick.value = ""
    panel._save_code.click()  # blank label
    assert panel._status.kind == "error" and "label" in panel._status.value
    panel._label.value = "Time"  # clashes with "time"
    panel._save_code.click()
    assert panel._status.kind == "error" and "already has this label" in panel._status.value
    panel._pick.value = "cb:collab"
    panel._parent.value = "cb:trust"  # trust is below collaboration
    panel._save_code.click()
    assert panel._status.kind == "error" and "sub-codes" in panel._status.value
    pd.testing.assert_frame_equal(db.read("code"), before)


def test_codebook_export_and_import_buttons(db, tmp_path):
    panel = cw.CodingPanel(db, "be-1:iv1", "coder_a", codebook="cb")
    out = tmp_path / "cb.csv"
    panel._export_path.value = str(out)
    panel._export_btn.click()
    assert panel._status.kind == "ok" and "3 codes" in panel.status
    text = out.read_text(encoding="utf-8")
    assert "cb:trust" in text and "cocope:no_code" not in text
    # edit the file: one label changed, one code added
    out.write_text(text.replace(",time,", ",time pressure,") + ",cb,workload,who does the work,\n",
                   encoding="utf-8")
    panel._import_path.value = str(out)
    panel._import_btn.click()
    assert panel._status.kind == "ok" and "1 new code, 3 updated" in panel.status
    labels = set(db.read("code", where={"codebook": "cb"}).label)
    assert labels == {"collaboration", "trust", "time pressure", "workload"}
    assert panel.toggle(1, "workload").description == "workload"


def test_codebook_import_errors_store_nothing(db, tmp_path):
    panel = cw.CodingPanel(db, "be-1:iv1", "coder_a", codebook="cb")
    before = db.read("code")
    bad = tmp_path / "bad.csv"
    bad.write_text("code_id,label,parent_id\nx,,\ny,Y,nowhere\n", encoding="utf-8")
    panel._import_path.value = str(bad)
    panel._import_btn.click()
    assert panel._status.kind == "error"
    assert "label" in panel._status.value and "parent_id" in panel._status.value
    panel._import_path.value = str(tmp_path / "missing.csv")
    panel._import_btn.click()
    assert panel._status.kind == "error" and "not found" in panel.status
    other = ck.open_store(":memory:")
    other.insert("code", {"code_id": "k1", "codebook": "elsewhere", "label": "k"})
    foreign = tmp_path / "f.csv"
    export_codebook(other.read("code").assign(codebook="cb"), foreign)
    db.insert("code", {"code_id": "k1", "codebook": "elsewhere", "label": "k"})
    before = db.read("code")
    panel._import_path.value = str(foreign)
    panel._import_btn.click()
    assert panel._status.kind == "error" and "elsewhere" in panel._status.value
    pd.testing.assert_frame_equal(db.read("code"), before)


def test_empty_codebook_says_so(db):
    panel = cw.CodingPanel(db, "be-1:iv1", "coder_a", codebook="new-book")
    assert "no codes yet" in texts(panel)
    assert isinstance(panel.toggle(1, "no code applies"), W.ToggleButton)


def test_demo_store_panels():
    from cocope_kit.demo import write_demo

    store = write_demo(ck.open_store(":memory:"), n_cops=1)
    codings = store.read("coding")
    for iv in store.read("interview").itertuples():
        status = coding_status(codings, iv.interview_id, n_segments=len(split_segments(iv.transcript)))
        panel = cw.CodingPanel(store, iv.interview_id, "coder_a")
        assert panel.revealed == status.complete
        if not panel.revealed:
            assert set(panel.visible_codings().coder) == {"coder_a"}
    for cls, args in ((cw.ReflectionJournal, ("be-gent", "practice")),
                      (cw.LessonLog, ("be-gent",)), (cw.ValueStoryForm, ("be-gent",)),
                      (cw.GoalMeasurementEntry, ("be-gent:g1",)),
                      (cw.ActionStatusUpdate, ("be-gent",))):
        form = cls(store, *args)
        assert isinstance(form, W.VBox) and form._status.kind in ("", "info")
