"""Participant forms driven from Python: set widget values, click, look in the store.

SurveyForm (questionnaires) and PairRatingForm (collaboration network), as a
facilitator uses them in a notebook. The participant pages served by
``cocope forms`` are tested in tests/test_formserver.py.
"""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest

import cocope_kit as ck
from cocope_kit.errors import UsageError, ValidationError
from cocope_kit.widgets import PairRatingForm, SurveyForm
from cocope_kit.widgets.network import build_pair_ratings, rating_targets
from cocope_kit.widgets.survey import (
    DONT_KNOW,
    build_response,
    submit_response,
    survey_items,
    ui_text,
)

COP = "at-1"
TEACHER, STUDENT, PARENT, SNT, HELPER, LEFT, WITHDRAWN = (f"{COP}:m{i}" for i in range(1, 8))
NAMES = ["Anna Berger", "Ben Huber", "Clara Maier", "David Gruber", "Eva Wolf", "Felix Bauer",
         "Gina Moser"]


def _rows() -> dict[str, list[dict]]:
    roles = ["teacher", "student", "parent", "special_needs_teacher", "support_professional",
             "teacher", "teacher"]
    pseudonyms = ["Teacher A", "Student B", "Parent C", "Teacher D", "Helper E", "Teacher F",
                  "Teacher G"]
    members = []
    for i, (name, ps, role) in enumerate(zip(NAMES, pseudonyms, roles, strict=True), start=1):
        members.append({"member_id": f"{COP}:m{i}", "cop_id": COP, "name": name, "pseudonym": ps,
                        "role": role, "core": i != 5, "joined_on": "2025-10-01",
                        "left_on": "2026-01-31" if i == 6 else None})
    consent = [{"member_id": m["member_id"], "kind": "consent", "status": "given",
                "recorded_on": "2025-10-01"} for m in members if m["member_id"] != WITHDRAWN]
    consent += [
        {"member_id": STUDENT, "kind": "assent", "status": "given", "recorded_on": "2025-10-01"},
        {"member_id": WITHDRAWN, "kind": "consent", "status": "withdrawn",
         "recorded_on": "2025-12-01"},
    ]
    cop = [{"cop_id": COP, "name": "Pausenhof für alle", "school": "Mittelschule Linz",
            "country": "AT", "language": "de", "created_on": "2025-10-01"}]
    return {"cop": cop, "member": members, "consent": consent}


@pytest.fixture
def cop_store(store):
    store.write(_rows())
    return store


def _fill(form: SurveyForm, value: float = 4.0, **special) -> None:
    """Answer every item of the form by setting its widget's value."""
    for item in form.items:
        w = form.input_widget(item.item_id)
        if item.item_id in special:
            w.value = special[item.item_id]
        elif item.kind == "text":
            w.value = "We listened to each other."
        else:
            w.value = value if value in [v for _, v in item.choices] else item.choices[0][1]


# ---------------------------------------------------------------- SurveyForm


def test_complete_anonymous_survey_is_stored_and_form_resets(cop_store):
    form = SurveyForm(cop_store, COP, "working_together", "pre", "en")
    assert form.progress == "0 of 13 answered"
    first_key = form.submission_key
    _fill(form, 4.0, wt_fit=3.0, wt_coop_4=2.0)
    form.role_widget.value = "parent"
    assert form.progress == "13 of 13 answered"

    form._submit.click()

    resp = cop_store.read("response")
    assert len(resp) == 1
    r = resp.iloc[0]
    assert (r.cop_id, r.instrument_id, r.instrument_version, r.wave, r.language) == (
        COP, "working_together", "1.0", "pre", "en")
    assert r.respondent_role == "parent"
    assert re.fullmatch(r"[0-9a-f]{32}", r.respondent_id)  # anonymous token
    assert re.fullmatch(r"[0-9a-f-]{36}", r.response_id)  # uuid4
    assert r.response_id == form.last_response_id
    ans = cop_store.read("answer").set_index("item_id")
    assert len(ans) == 13 and set(ans.index) == set(form.item_ids)
    assert ans.loc["wt_fit", "value"] == 3.0 and ans.loc["wt_coop_4", "value"] == 2.0
    assert (ans.drop(index=["wt_fit", "wt_coop_4"])["value"] == 4.0).all()
    assert ans["text"].isna().all()

    # thank-you shown, answers cleared for the next participant, new key
    assert form.status == "Your answers have been saved. You can close this page now."
    assert form._status.kind == "ok" and form.submitted
    assert all(v is None for v in form.answers().values())
    assert form.role_widget.value == ""
    assert form.progress == "0 of 13 answered"
    assert form.submission_key != first_key

    # the next person starts again and is stored as a second, separate response
    form._again.click()
    assert not form.submitted and form.status == ""
    _fill(form, 1.0)
    form._submit.click()
    resp = cop_store.read("response")
    assert len(resp) == 2 and resp["respondent_id"].nunique() == 2
    assert resp["respondent_role"].isna().iloc[1]  # role not given: stays missing


def test_progress_counts_answers_including_dont_know(cop_store):
    form = SurveyForm(cop_store, COP, "working_together", "pre", "en")
    for item_id in form.item_ids[:6]:
        form.input_widget(item_id).value = 5.0
    form.input_widget(form.item_ids[6]).value = DONT_KNOW
    assert form.progress == "7 of 13 answered"
    assert "7 of 13 answered" in form._progress.value


def test_dont_know_is_stored_as_missing_value_and_marked(cop_store):
    form = SurveyForm(cop_store, COP, "cop_climate", "post", "en")
    _fill(form, 5.0, cl_trust_1=DONT_KNOW)
    dk_labels = [label for label, v in form.input_widget("cl_trust_1").options if v == DONT_KNOW]
    assert dk_labels == ["Don't know"]
    form.submit()
    ans = cop_store.read("answer").set_index("item_id")
    assert math.isnan(ans.loc["cl_trust_1", "value"])
    assert ans.loc["cl_trust_1", "status"] == "dont_know"
    assert pd.isna(ans.loc["cl_trust_1", "text"])
    assert (ans.drop(index="cl_trust_1")["status"] == "answered").all()  # not confused


def test_no_dont_know_choice_where_the_scale_has_none(cop_store):
    form = SurveyForm(cop_store, COP, "working_together", "pre", "en")
    values = [v for _, v in form.input_widget("wt_fit").options]
    assert values == [1.0, 2.0, 3.0]
    assert DONT_KNOW in [v for _, v in form.input_widget("wt_coop_1").options]


def test_missing_required_items_show_a_message_and_store_nothing(cop_store):
    form = SurveyForm(cop_store, COP, "working_together", "pre", "en")
    key = form.submission_key
    _fill(form, 3.0, wt_coop_3=None, wt_fit=None)
    form._submit.click()

    assert cop_store.count("response") == 0 and cop_store.count("answer") == 0
    assert form._status.kind == "error"
    assert form.status == "These questions still need an answer. Nothing has been saved yet."
    shown = form._status.value
    assert "3. Each of us looks after our own tasks" in shown
    assert "13. Which statement fits our group best?" in shown
    assert "wt_coop_1" not in shown and "1. In our group" not in shown
    assert "cocope-missing" in form._rows["wt_coop_3"]._dom_classes
    assert "cocope-missing" not in form._rows["wt_coop_1"]._dom_classes
    assert not form.submitted and form.submission_key == key  # answers kept, same key

    form.input_widget("wt_coop_3").value = 2.0  # answering clears the mark
    assert "cocope-missing" not in form._rows["wt_coop_3"]._dom_classes
    form.input_widget("wt_fit").value = 1.0
    form._submit.click()
    assert cop_store.count("response") == 1 and cop_store.count("answer") == 13


def test_double_click_stores_one_response(cop_store):
    form = SurveyForm(cop_store, COP, "learning_community", "post", "en")
    _fill(form, 2.0)
    form._submit.click()
    form._submit.click()
    assert cop_store.count("response") == 1
    assert form.status == "Your answers have been saved. You can close this page now."


def test_same_submission_key_twice_stores_one_response(cop_store):
    """The store-level guard: a handler running twice with the same key writes once."""
    answers = {it.item_id: 3.0 for it in survey_items("working_together")}
    batch = build_response("working_together", answers, cop_id=COP, wave="pre", language="en",
                           respondent_id="tok")
    assert submit_response(cop_store, batch, "key-1") == {"response": 1, "answer": 13}
    assert submit_response(cop_store, batch, "key-1") == {}
    assert cop_store.count("response") == 1 and cop_store.count("answer") == 13


def test_member_respondent_takes_role_from_member_table(cop_store):
    form = SurveyForm(cop_store, COP, "working_together", "post", "de", respondent=SNT)
    assert form.role_widget is None
    assert "Participant: Teacher D" not in _all_html(form)  # German form
    assert "Teilnehmende Person: Teacher D" in _all_html(form)
    assert "David Gruber" not in _all_html(form)  # pseudonym, never the name
    _fill(form, 5.0)
    form.submit()
    r = cop_store.read("response").iloc[0]
    assert (r.respondent_id, r.respondent_role, r.language, r.wave) == (
        SNT, "special_needs_teacher", "de", "post")


def test_students_get_student_items_in_easy_read(cop_store):
    form = SurveyForm(cop_store, COP, "cop_climate", "post", "en", respondent=STUDENT)
    assert form.audience == "student" and form.easy_read
    inst = ck.load_instrument("cop_climate")
    assert len(form.item_ids) == len(inst.items_for("student")) == 25
    texts = {it.item_id: it.text for it in form.items}
    assert texts["cl_student_agency_1"] == "I help choose what we work on."
    assert "I help choose what we work on." in _all_html(form)
    _fill(form, 4.0)
    form.submit()
    ans = cop_store.read("answer")
    assert ans["item_id"].str.startswith("cl_student_agency").sum() == 4
    assert cop_store.read("response")["respondent_role"].tolist() == ["student"]


def test_professionals_do_not_see_student_items(cop_store):
    form = SurveyForm(cop_store, COP, "cop_climate", "post", "en", respondent=TEACHER)
    assert form.audience == "professional" and not form.easy_read
    assert not any(i.startswith("cl_student_agency") for i in form.item_ids)
    assert len(form.item_ids) == 21


def test_anonymous_student_audience_and_easy_read_switch(cop_store):
    form = SurveyForm(cop_store, COP, "cop_climate", "pre", "de", audience="student")
    assert form.easy_read and form.role_widget.value == "student"
    assert {it.item_id: it.text for it in form.items}["cl_student_agency_2"] == (
        "Wenn ich meine Idee sage, hören die Erwachsenen zu.")
    plain = SurveyForm(cop_store, COP, "cop_climate", "pre", "de", audience="student",
                       easy_read=False)
    assert {it.item_id: it.text for it in plain.items}["cl_student_agency_2"] == (
        "Wenn ich eine Idee einbringe, nehmen die Erwachsenen in unserer Gruppe sie ernst.")
    _fill(form, 3.0)
    form.submit()
    assert cop_store.read("response")["respondent_role"].tolist() == ["student"]


def test_language_falls_back_to_english_per_item(cop_store, tmp_path):
    # an instrument without Slovak items: they fall back to English, the form itself is Slovak
    path = tmp_path / "en_only.yaml"
    path.write_text(
        """
id: en_only
version: "1"
title: {en: English only, sk: Len po anglicky}
scales:
  agree5:
    values: [1, 2, 3, 4, 5]
    labels: {en: ["No", Rather not, Half, Rather yes, "Yes"]}
items:
  - {id: q1, text: {en: We help each other.}, construct: c, scale: agree5, reverse: false,
     audience: [all]}
""",
        encoding="utf-8",
    )
    form = SurveyForm(cop_store, COP, str(path), "pre", "sk")
    inst = ck.load_instrument(path)
    first = form.items[0]
    assert first.text == inst.text(first.item_id, "en") and first.language == "en"
    assert form._submit.description == ui_text("submit", "sk") != ui_text("submit", "en")
    assert "lang='en'" in _all_html(form)  # the English text is marked for screen readers
    # working_together has German wording and labels
    wt = SurveyForm(cop_store, COP, "working_together", "pre", "de")
    assert wt.items[0].text.startswith("In unserer Gruppe helfen wir einander")
    assert wt.items[0].choices[-1] == ("Weiß nicht", DONT_KNOW)
    _fill(form, 4.0)
    form.submit()
    assert cop_store.read("response")["language"].tolist() == ["sk"]
    assert form.status == ui_text("thanks", "sk") == "Odpovede sú uložené. Túto stránku teraz môžete zavrieť."


def test_free_text_items_are_text_boxes(cop_store, tmp_path):
    path = tmp_path / "mini.yaml"
    path.write_text(
        """
id: mini
version: "0.3"
title: {en: Mini}
scales:
  yes3: {values: [0, 1, 2], labels: {en: ["No", "Partly", "Yes"]}, dont_know: true}
  notes: {type: text, values: []}
items:
  - {id: q1, text: {en: Did it work?}, construct: c, scale: yes3, reverse: false, audience: [all]}
  - {id: q2, text: {en: What helped?}, construct: c, scale: notes, reverse: false,
     audience: [all], required: false}
  - {id: q3, text: {en: What was hard?}, construct: c, scale: notes, reverse: false,
     audience: [all]}
""",
        encoding="utf-8",
    )
    import ipywidgets as W

    form = SurveyForm(cop_store, COP, str(path), "pre", "en")
    assert isinstance(form.input_widget("q2"), W.Textarea)
    assert "(optional)" in _all_html(form)
    form.input_widget("q1").value = 2.0
    form.input_widget("q3").value = "   "  # blanks are no answer
    form.submit()
    assert cop_store.count("response") == 0 and "3. What was hard?" in form._status.value
    form.input_widget("q3").value = "  Finding time  "
    form.submit()
    ans = cop_store.read("answer").set_index("item_id")
    assert list(ans.index) == ["q1", "q2", "q3"]  # the skipped optional item: not answered
    assert ans.status.tolist() == ["answered", "not_answered", "answered"]
    assert math.isnan(ans.loc["q2", "value"]) and pd.isna(ans.loc["q2", "text"])
    assert math.isnan(ans.loc["q3", "value"]) and ans.loc["q3", "text"] == "Finding time"
    assert cop_store.read("response")["instrument_version"].tolist() == ["0.3"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"cop_id": "nope"}, "unknown CoP 'nope'; CoPs in this store: at-1"),
        ({"instrument_id": "nope"}, "unknown instrument 'nope'"),
        ({"instrument_id": "collaboration_network"}, "use PairRatingForm"),
        ({"respondent": "at-1:m99"}, "is not a member of CoP"),
        ({"respondent": WITHDRAWN}, "withdrawn consent"),
        ({"language": "deutsch"}, "two-letter language code"),
        ({"wave": " "}, "wave must be a non-empty text"),
        ({"audience": "teachers"}, "audience 'teachers' is not allowed"),
    ],
)
def test_survey_form_refuses_bad_arguments(cop_store, kwargs, message):
    args = {"cop_id": COP, "instrument_id": "working_together", "wave": "pre", "language": "en"}
    args.update(kwargs)
    with pytest.raises(UsageError, match=re.escape(message)):
        SurveyForm(cop_store, **args)


def test_build_response_checks_every_answer():
    ok = {it.item_id: 3.0 for it in survey_items("working_together")}
    base = dict(cop_id=COP, wave="pre", language="en", respondent_id="tok")
    with pytest.raises(UsageError, match="answer 7.0 to item 'wt_coop_1' is not allowed"):
        build_response("working_together", {**ok, "wt_coop_1": 7.0}, **base)
    with pytest.raises(UsageError, match="answer 'dont_know' to item 'wt_fit'"):
        build_response("working_together", {**ok, "wt_fit": DONT_KNOW}, **base)
    with pytest.raises(UsageError, match="items not shown"):
        build_response("cop_climate", {"cl_student_agency_1": 3.0}, **base)
    with pytest.raises(ValidationError) as e:
        build_response("working_together", {**ok, "wt_coop_2": None, "wt_fit": None}, **base)
    assert [p.column for p in e.value.problems] == ["wt_coop_2", "wt_fit"]


def _all_html(widget) -> str:
    """Every HTML/label text in a widget tree (what a participant can see)."""
    out = []
    stack = [widget]
    while stack:
        w = stack.pop()
        for attr in ("value", "description"):
            v = getattr(w, attr, None)
            if isinstance(v, str):
                out.append(v)
        if hasattr(w, "options"):
            out.extend(str(o[0] if isinstance(o, tuple) else o) for o in w.options)
        stack.extend(getattr(w, "children", ()))
    return "\n".join(out)


# ---------------------------------------------------------------- PairRatingForm


def test_pair_rating_form_writes_one_rating_per_other_core_member(cop_store):
    form = PairRatingForm(cop_store, COP, "post", TEACHER, language="en")
    # not the rater, not the non-core helper, not who left, not who withdrew consent
    assert form.ratee_ids == [STUDENT, PARENT, SNT]
    assert form.pseudonyms == ["Student B", "Parent C", "Teacher D"]
    shown = _all_html(form)
    assert not any(name in shown for name in NAMES)  # pseudonyms only, never names
    assert "Collaboration: we create something together" in shown  # what each level means
    for ratee, level in zip(form.ratee_ids, (3, 0, 2), strict=True):
        form.input_widget(ratee).value = level
    assert form.progress == "3 of 3 answered"
    form._submit.click()
    form._submit.click()  # double click

    pr = cop_store.read("pair_rating")
    assert len(pr) == len(form.ratee_ids) == 3
    assert (pr["rater_id"] == TEACHER).all() and TEACHER not in set(pr["ratee_id"])
    assert pr.set_index("ratee_id")["level"].to_dict() == {STUDENT: 3, PARENT: 0, SNT: 2}
    assert set(pr["wave"]) == {"post"} and set(pr["cop_id"]) == {COP}
    assert pr["rating_id"].is_unique
    assert form.status == "Your answers have been saved. You can close this page now."

    # the same rater opening the link again cannot add a second set for this wave
    again = PairRatingForm(cop_store, COP, "post", TEACHER, language="en")
    assert again.submitted and "already saved" in again.status
    again._submit.click()
    assert cop_store.count("pair_rating") == 3


def test_pair_rating_requires_every_member(cop_store):
    form = PairRatingForm(cop_store, COP, "pre", STUDENT, language="de")
    assert form.ratee_ids == [TEACHER, PARENT, SNT]
    form.input_widget(TEACHER).value = 1
    form._submit.click()
    assert cop_store.count("pair_rating") == 0
    assert form._status.kind == "error"
    assert form.status.startswith("Bitte für diese Personen noch eine Antwort wählen")
    assert "Parent C" in form._status.value and "Teacher D" in form._status.value
    assert "cocope-missing" in form._rows[PARENT]._dom_classes


def test_pair_ratings_refuse_self_and_strangers(cop_store):
    targets = rating_targets(cop_store, COP, TEACHER)["member_id"].tolist()
    ok = dict.fromkeys(targets, 1)
    with pytest.raises(UsageError, match="cannot rate themselves"):
        build_pair_ratings({**ok, TEACHER: 2}, cop_id=COP, wave="pre", rater_id=TEACHER,
                           targets=targets)
    with pytest.raises(UsageError, match="not in the list"):
        build_pair_ratings({**ok, HELPER: 2}, cop_id=COP, wave="pre", rater_id=TEACHER,
                           targets=targets)
    with pytest.raises(UsageError, match="level 4"):
        build_pair_ratings({**ok, STUDENT: 4}, cop_id=COP, wave="pre", rater_id=TEACHER,
                           targets=targets)
    with pytest.raises(ValidationError):
        build_pair_ratings({STUDENT: 1}, cop_id=COP, wave="pre", rater_id=TEACHER,
                           targets=targets)
    with pytest.raises(UsageError, match="not a member"):
        PairRatingForm(cop_store, COP, "pre", "at-1:m99")
    with pytest.raises(UsageError, match="withdrawn consent"):
        PairRatingForm(cop_store, COP, "pre", WITHDRAWN)
    # the store's own rule agrees
    bad = pd.DataFrame([{"rating_id": "x", "cop_id": COP, "wave": "pre", "rater_id": TEACHER,
                         "ratee_id": TEACHER, "level": 1}])
    with pytest.raises(ValidationError):
        cop_store.write({"pair_rating": bad})
