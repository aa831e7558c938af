"""Answers checked against their instrument at every entry point (issue 17 item 2).

One place checks (cocope_kit.answer_checks, called from store_checks for every
write): the instrument exists, the version is the instrument's, the item belongs to
it, the value is on the item's scale, "don't know" only where the scale offers it,
and one spelling per wave. Each case is tried through store.insert; each entry point
(write, CSV import, merge, import-survey, the notebook form, the form server) is shown
to run the same checks; the store is unchanged after every refusal.
"""

from __future__ import annotations

import sqlite3

import pandas as pd
import pytest

import cocope_kit as ck
from cocope_kit import invitations as inv
from cocope_kit.errors import CocopeError, ValidationError
from cocope_kit.formserver import FormPages
from cocope_kit.survey_import import import_survey
from cocope_kit.widgets.survey import SurveyForm

COP = "be-1"
RESP = {"response_id": "r1", "cop_id": COP, "instrument_id": "working_together",
        "instrument_version": "1.0", "respondent_id": "anon-1", "respondent_role": "teacher",
        "wave": "pre", "language": "nl", "submitted_at": "2026-02-02T10:00:00Z"}


@pytest.fixture
def store():
    s = ck.open_store(":memory:")
    s.insert("cop", {"cop_id": COP, "name": "Reading buddies", "school": "GO! Gent",
                     "country": "BE", "language": "nl", "created_on": "2026-01-12"})
    s.insert("response", RESP)
    yield s
    s.close()


def _snapshot(s) -> dict[str, int]:
    return {t: s.count(t) for t in ("response", "answer", "audit")}


def _problems(e: ValidationError) -> list[tuple]:
    return [(p.table, p.row, p.column, p.value) for p in e.problems]


# ---------------------------------------------------------------- each rule, through insert
def test_misspelt_instrument_is_refused_with_the_nearest_id(store):
    before = _snapshot(store)
    with pytest.raises(ValidationError) as e:
        store.insert("response", dict(RESP, response_id="r2", instrument_id="working_togther"))
    assert _problems(e.value) == [("response", 1, "instrument_id", "working_togther")]
    msg = str(e.value)
    assert "did you mean 'working_together'?" in msg and "cop_climate" in msg
    assert _snapshot(store) == before


def test_instrument_version_must_be_the_instruments(store):
    with pytest.raises(ValidationError) as e:
        store.insert("response", dict(RESP, response_id="r2", instrument_version="0.9"))
    assert _problems(e.value) == [("response", 1, "instrument_version", "0.9")]
    assert "version must be 1.0" in str(e.value)


def test_item_of_another_instrument_or_misspelt_is_refused(store):
    before = _snapshot(store)
    with pytest.raises(ValidationError) as e:
        store.insert("answer", [{"response_id": "r1", "item_id": "wt_coop_1", "value": 4},
                                {"response_id": "r1", "item_id": "wt_cop_2", "value": 4},
                                {"response_id": "r1", "item_id": "cl_safety_1", "value": 4}])
    assert _problems(e.value) == [("answer", 2, "item_id", "wt_cop_2"),
                                  ("answer", 3, "item_id", "cl_safety_1")]
    assert "did you mean 'wt_coop_2'?" in str(e.value)
    assert "working_together 1.0 has no such item" in str(e.value)
    assert _snapshot(store) == before


def test_values_off_the_scale_are_refused_with_the_scale(store):
    before = _snapshot(store)
    with pytest.raises(ValidationError) as e:
        store.insert("answer", [{"response_id": "r1", "item_id": "wt_coop_1", "value": 7},
                                {"response_id": "r1", "item_id": "wt_coop_2", "value": "2.5"},
                                {"response_id": "r1", "item_id": "wt_fit", "value": 4},
                                {"response_id": "r1", "item_id": "wt_coop_3", "value": 5}])
    assert _problems(e.value) == [("answer", 1, "value", 7), ("answer", 2, "value", "2.5"),
                                  ("answer", 3, "value", 4)]
    msg = str(e.value)
    assert "not on the scale agree5 of item wt_coop_1: one of 1, 2, 3, 4, 5" in msg
    assert "not on the scale fit3 of item wt_fit: one of 1, 2, 3 (" in msg
    assert _snapshot(store) == before


def test_dont_know_only_where_the_scale_offers_it(store):
    with pytest.raises(ValidationError) as e:
        store.insert("answer", [{"response_id": "r1", "item_id": "wt_fit",
                                 "status": "dont_know"}])
    assert _problems(e.value) == [("answer", 1, "status", "dont_know")]
    assert 'offers no "don\'t know"' in str(e.value)
    store.insert("answer", [{"response_id": "r1", "item_id": "wt_coop_1", "status": "dont_know"},
                            {"response_id": "r1", "item_id": "wt_fit",
                             "status": "not_answered"}])
    assert store.read("answer").status.tolist() == ["dont_know", "not_answered"]


def test_status_must_fit_value_and_text(store):
    with pytest.raises(ValidationError) as e:
        store.insert("answer", [{"response_id": "r1", "item_id": "wt_coop_1", "value": 4,
                                 "status": "dont_know"},
                                {"response_id": "r1", "item_id": "wt_coop_2",
                                 "status": "answered"},
                                {"response_id": "r1", "item_id": "wt_coop_3", "value": 4,
                                 "status": "maybe"}])
    assert [(p.row, p.column) for p in e.value.problems] == [(1, "status"), (2, "status"),
                                                             (3, "status")]
    assert "one of: answered, dont_know, not_answered" in str(e.value)


def test_free_text_item_takes_text_not_a_value(store):
    store.insert("response", dict(RESP, response_id="r2", instrument_id="reflection_prompts"))
    with pytest.raises(ValidationError, match="free-text item"):
        store.insert("answer", {"response_id": "r2", "item_id": "rp_domain_1", "value": 3})
    store.insert("answer", {"response_id": "r2", "item_id": "rp_domain_1", "text": "We met."})
    assert store.read("answer").status.tolist() == ["answered"]


@pytest.mark.parametrize("wave, stored", [("Pre", "pre"), ("PRE", "pre"), (" pre", None),
                                          ("pre ", None)])
def test_a_wave_spelt_differently_from_a_stored_one_is_refused(store, wave, stored):
    before = _snapshot(store)
    with pytest.raises(ValidationError) as e:
        store.insert("response", dict(RESP, response_id="r2", wave=wave))
    assert _problems(e.value) == [("response", 1, "wave", wave)]
    if stored:
        assert f"already spelt {stored!r}" in str(e.value)
    else:
        assert "without spaces around it" in str(e.value) and "'pre'" in str(e.value)
    assert _snapshot(store) == before
    store.insert("response", dict(RESP, response_id="r3", wave="post"))  # a new wave is fine


def test_two_spellings_in_one_batch_and_in_pair_ratings(store):
    with pytest.raises(ValidationError) as e:
        store.insert("response", [dict(RESP, response_id="r2", wave="post"),
                                  dict(RESP, response_id="r3", wave="Post")])
    assert _problems(e.value) == [("response", 2, "wave", "Post")]
    store.write({"member": [{"member_id": "m1", "cop_id": COP, "pseudonym": "T1",
                             "role": "teacher"},
                            {"member_id": "m2", "cop_id": COP, "pseudonym": "T2",
                             "role": "teacher"}]})
    with pytest.raises(ValidationError, match="already spelt 'pre'"):
        store.insert("pair_rating", {"rating_id": "p1", "cop_id": COP, "wave": "PRE",
                                     "rater_id": "m1", "ratee_id": "m2", "level": 2})


def test_update_is_checked_too(store):
    store.insert("answer", {"response_id": "r1", "item_id": "wt_coop_1", "value": 4})
    with pytest.raises(ValidationError, match="not on the scale agree5"):
        store.update("answer", {"response_id": "r1", "item_id": "wt_coop_1", "value": 6})
    assert store.read("answer").value.tolist() == [4.0]


def test_update_of_a_value_lets_the_status_follow(store):
    store.insert("answer", {"response_id": "r1", "item_id": "wt_coop_1", "status": "dont_know"})
    store.update("answer", {"response_id": "r1", "item_id": "wt_coop_1", "value": 3})
    a = store.read("answer")
    assert (a.value.item(), a.status.item()) == (3.0, "answered")
    store.update("answer", {"response_id": "r1", "item_id": "wt_coop_1", "value": None,
                            "status": "not_answered"})
    assert store.read("answer").status.item() == "not_answered"


# ---------------------------------------------------------------- the entry points
def test_csv_import_names_file_row_column_and_value(store, tmp_path):
    f = tmp_path / "answer.csv"
    f.write_text("response_id,item_id,value,text\nr1,wt_coop_1,4,\nr1,wt_coop_2,7,\n"
                 "r1,wt_coop_x,2,\n", encoding="utf-8")
    before = _snapshot(store)
    with pytest.raises(ValidationError) as e:
        store.import_file(f)
    assert sorted((p.row, p.column, p.value, p.source) for p in e.value.problems) == [
        (3, "value", "7", str(f)), (4, "item_id", "wt_coop_x", str(f))]
    assert _snapshot(store) == before


def test_merge_refuses_a_store_with_answers_off_the_scale(store, tmp_path):
    other_path = tmp_path / "other.sqlite"
    with ck.open_store(other_path) as other:
        other.insert("cop", {"cop_id": "nl-1", "name": "n", "school": "s", "country": "NL",
                             "language": "nl", "created_on": "2026-01-12"})
        other.insert("response", dict(RESP, response_id="nl-r1", cop_id="nl-1", wave="Pre"))
        # a store written by another tool: rows that never passed the checks
        other._con.execute("INSERT INTO answer VALUES ('nl-r1', 'wt_coop_1', 2.5, NULL, "
                           "'answered')")
    before = _snapshot(store)
    with pytest.raises(ValidationError) as e:
        store.merge(other_path)
    got = {(p.table, p.row, p.column, p.value) for p in e.value.problems}
    assert got == {("response", 1, "wave", "Pre"), ("answer", 1, "value", 2.5)}
    assert all(p.source == str(other_path) for p in e.value.problems)
    assert _snapshot(store) == before


def test_import_survey_refuses_a_second_spelling_of_a_wave(store, tmp_path):
    f = tmp_path / "export.csv"
    f.write_text("id,wt_coop_1,wt_coop_2\n1,4,5\n2,3,\n", encoding="utf-8")
    before = _snapshot(store)
    with pytest.raises(ValidationError) as e:
        import_survey(store, f, "working_together", cop_id=COP, wave="Pre")
    assert {(p.table, p.column, p.value) for p in e.value.problems} == {
        ("response", "wave", "Pre")}
    assert _snapshot(store) == before
    r = import_survey(store, f, "working_together", cop_id=COP, wave="pre")
    assert (r.responses, r.answers, r.stored) == (2, 4, True)
    ans = store.read("answer")
    assert ans.status.tolist() == ["answered", "answered", "answered", "not_answered"]


def test_notebook_form_shows_the_wave_problem_and_stores_nothing(store):
    form = SurveyForm(store, COP, "working_together", "PRE", "en")
    for it in form.items:
        form.set_answer(it.item_id, 2.0)
    before = _snapshot(store)
    form.submit()
    assert _snapshot(store) == before
    shown = form._status.value
    assert "already spelt" in shown and "pre" in shown and "wave" in shown


def test_form_server_checks_through_the_store(store):
    store.write({"member": [{"member_id": "m1", "cop_id": COP, "pseudonym": "T1",
                             "role": "teacher"}],
                 "consent": [{"member_id": "m1", "kind": "consent", "status": "given",
                              "recorded_on": "2026-01-12"}]})
    (card,) = inv.create_invitations(store, COP, "working_together", "post", anonymous=1,
                                     language="nl")
    # a second spelling arrives after the card was made (another import)
    store.insert("response", dict(RESP, response_id="r-other", wave="Post"))
    pages = FormPages(store)
    html = pages.get(card.token).html
    import re

    fields = {m: "2" for m in set(re.findall(r'name="(q:[^"]+)"', html))}
    before = _snapshot(store)
    # the web handler turns this CocopeError into its error page (no details shown)
    with pytest.raises(ValidationError, match="already spelt 'Post'"):
        pages.post(card.token, {"t": card.token, **fields})
    assert _snapshot(store) == before


def test_invitations_refuse_a_second_spelling_of_a_wave_before_any_card_is_made(store):
    with pytest.raises(CocopeError, match="already spelt 'pre'"):
        inv.create_invitations(store, COP, "working_together", "PRE", anonymous=2)
    assert store._con.execute("SELECT count(*) FROM invitation").fetchone()[0] == 0
    assert len(inv.create_invitations(store, COP, "working_together", "pre", anonymous=2)) == 2


def test_a_project_instrument_file_is_known_once_loaded(store, tmp_path):
    path = tmp_path / "mini.yaml"
    path.write_text("id: mini\nversion: \"0.3\"\ntitle: {en: Mini}\nscales:\n"
                    "  yes3: {values: [0, 1, 2], labels: {en: [\"No\", \"Partly\", \"Yes\"]}}\n"
                    "items:\n  - {id: q1, text: {en: Did it work?}, construct: c, scale: yes3,"
                    " reverse: false, audience: [all]}\n", encoding="utf-8")
    row = dict(RESP, response_id="r9", instrument_id="mini", instrument_version="0.3")
    ck.load_instrument(path)
    store.insert("response", row)
    with pytest.raises(ValidationError, match="one of 0, 1, 2"):
        store.insert("answer", {"response_id": "r9", "item_id": "q1", "value": 3})


def test_every_refusal_is_a_cocope_error_not_sqlite(store):
    with pytest.raises(CocopeError):
        store.insert("answer", {"response_id": "r1", "item_id": "wt_coop_1", "value": 4,
                                "status": "not_answered"})
    assert not issubclass(ValidationError, sqlite3.Error)
    assert isinstance(store.read("answer"), pd.DataFrame) and store.count("answer") == 0
