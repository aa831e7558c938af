"""Goal analyses (DESIGN section 6, "goals and plan") and the idea board of meeting 1.

SMART criteria after Doran (1981), "There's a S.M.A.R.T. way to write management's goals
and objectives", Management Review 70(11); Goal Attainment Scaling levels -2..+2 after
Kiresuk & Sherman (1968). The rules themselves are the kit's own, documented in
``smart_check``; each failing case below must fail exactly one criterion."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cocope_kit.analysis import (
    gas_levels,
    goal_progress,
    idea_board,
    idea_summary,
    shortlist,
    smart_check,
)
from cocope_kit.analysis.goals import MAX_RELATIVE_CHANGE, SMART_CRITERIA
from cocope_kit.errors import UsageError, ValidationError

GOOD = {
    "goal_id": "g1", "cop_id": "c1",
    "statement": "Improve break times so that 8 pupils of grade 4 play in mixed groups by June",
    "indicator": "pupils of grade 4 playing in mixed groups at break", "unit": "pupils",
    "direction": "increase", "baseline": 5, "target": 8,
    "agreed_on": "2026-02-02", "deadline": "2026-06-30",
    "achievable_note": "two playground helpers and a games corner",
    "relevant_note": "answers the challenge that some pupils are alone at break",
}


def check(**changes):
    out = smart_check({**GOOD, **changes})
    return out.set_index("criterion")


def failed(out) -> list[str]:
    return out.index[~out.passed].tolist()


def test_good_goal_passes_all_five():
    out = smart_check(GOOD)
    assert list(out.columns) == ["criterion", "passed", "message"]
    assert out.criterion.tolist() == list(SMART_CRITERIA) == [
        "specific", "measurable", "achievable", "relevant", "time_bound"]
    assert out.passed.tolist() == [True] * 5
    assert out.passed.dtype == bool
    assert out.message.str.len().gt(0).all()
    assert "148 days" in out.message[4]  # 2 Feb to 30 Jun 2026


def test_one_row_frame_same_as_mapping():
    frame = pd.DataFrame([GOOD])
    pd.testing.assert_frame_equal(smart_check(frame), smart_check(GOOD))
    pd.testing.assert_frame_equal(smart_check(frame.iloc[0]), smart_check(GOOD))
    with pytest.raises(UsageError, match="one goal"):
        smart_check(pd.concat([frame, frame]))
    with pytest.raises(UsageError, match="mapping"):
        smart_check("a goal")


@pytest.mark.parametrize("statement", [
    "Improve inclusion at our school",
    "Die Inklusion an unserer Schule verbessern",      # de
    "Inclusie op school verbeteren",                   # nl
    "Melhorar a inclusão na escola",                   # pt
    "Zlepšiť inklúziu v škole",                        # sk
    "Better break times",
    "Enhance the school climate",
    "Increase awareness of diversity",
])
def test_vague_statement_fails_specific_only(statement):
    out = check(statement=statement)
    assert failed(out) == ["specific"]
    msg = out.loc["specific", "message"]
    assert msg.startswith("Vague wording")
    assert "Say who benefits: e.g. 'students in grade 5'" in msg
    assert "Say how much" in msg


def test_vague_statement_with_group_but_no_number_asks_how_much():
    out = check(statement="More pupils play together at break")
    assert failed(out) == ["specific"]
    msg = out.loc["specific", "message"]
    assert "'more'" in msg and "Say how much" in msg and "Say who benefits" not in msg


@pytest.mark.parametrize("statement", [
    "Verbessern: 8 Schüler der Klasse 4 spielen in gemischten Gruppen",
    "Verbeteren: 8 leerlingen van groep 4 spelen samen",
    "Melhorar: 8 alunos do 4.º ano brincam juntos",
    "Zlepšiť: 8 žiakov 4. ročníka sa hrá spolu",
    "By June, 8 pupils of grade 4 play in mixed groups",   # no vague word
])
def test_specific_passes_with_number_and_group(statement):
    assert check(statement=statement).loc["specific", "passed"]


def test_blank_statement_fails_specific():
    out = check(statement="  ")
    assert failed(out) == ["specific"]
    assert "one sentence" in out.loc["specific", "message"]


def test_no_unit_fails_measurable_only():
    out = check(unit=None)
    assert failed(out) == ["measurable"]
    assert "unit" in out.loc["measurable", "message"]


def test_no_indicator_or_numbers_fails_measurable_only():
    out = check(indicator="", baseline=None, target=None)
    assert failed(out) == ["measurable"]
    msg = out.loc["measurable", "message"]
    assert "indicator" in msg and "baseline" in msg and "target" in msg


def test_target_equal_to_baseline_fails_measurable_only():
    out = check(target=5)
    assert failed(out) == ["measurable"]
    assert "equals the baseline (5)" in out.loc["measurable", "message"]


def test_target_pointing_the_wrong_way_fails_measurable_only():
    out = check(baseline=8, target=5)  # direction increase
    assert failed(out) == ["measurable"]
    msg = out.loc["measurable", "message"]
    assert "below the baseline" in msg and "'decrease'" in msg
    out = check(direction="decrease", baseline=5, target=8)
    assert failed(out) == ["measurable"]
    assert "above the baseline" in out.loc["measurable", "message"]
    # a decrease pointing the right way passes
    out = check(direction="decrease", baseline=8, target=5,
                statement="By June, at most 5 pupils of grade 4 are alone at break")
    assert failed(out) == []


def test_deadline_before_agreed_on_fails_time_bound_only():
    out = check(deadline="2026-01-15")
    assert failed(out) == ["time_bound"]
    msg = out.loc["time_bound", "message"]
    assert "2026-01-15" in msg and "2026-02-02" in msg
    assert failed(check(deadline="2026-02-02")) == ["time_bound"]  # same day is not after


def test_missing_deadline_or_agreed_on_fails_time_bound():
    assert "Set a deadline" in check(deadline=None).loc["time_bound", "message"]
    out = check(agreed_on=None)
    assert failed(out) == ["time_bound"]
    assert "agreed_on" in out.loc["time_bound", "message"]


def test_no_rationale_fails_achievable_only():
    out = check(achievable_note=None)
    assert failed(out) == ["achievable"]
    assert "within reach" in out.loc["achievable", "message"]


def test_huge_target_fails_achievable_only():
    # (15 - 5) / 5 = 200 % > 100 %
    out = check(target=15)
    assert failed(out) == ["achievable"]
    msg = out.loc["achievable", "message"]
    assert "200%" in msg and "100%" in msg
    assert MAX_RELATIVE_CHANGE == 1.0
    # exactly +100 % is still fine; baseline 0 cannot be judged
    assert failed(check(target=10)) == []
    assert failed(check(baseline=0, target=30)) == []


def test_decrease_below_zero_and_percent_beyond_100_fail_achievable():
    out = check(direction="decrease", baseline=8, target=-1,
                statement="By June, at most 0 pupils of grade 4 are alone")
    assert failed(out) == ["achievable"]
    assert "below 0" in out.loc["achievable", "message"]
    out = check(unit="% of pupils", baseline=60, target=110)
    assert failed(out) == ["achievable"]
    assert "0-100%" in out.loc["achievable", "message"]


def test_relevant_needs_note_and_quotes_the_challenge():
    ideas = pd.DataFrame({
        "idea_id": ["i1", "i2", "i3"], "cop_id": ["c1", "c1", "c2"],
        "kind": ["challenge", "challenge", "challenge"],
        "text": ["Some pupils are alone at break", "Noise in class", "Other school"],
        "votes": [7, 2, 9],
    })
    out = smart_check({**GOOD, "relevant_note": None}, ideas=ideas).set_index("criterion")
    assert failed(out) == ["relevant"]
    msg = out.loc["relevant", "message"]
    assert "starting challenge" in msg
    assert "'Some pupils are alone at break' (and 1 more)" in msg
    assert "Other school" not in msg
    ok = smart_check(GOOD, ideas=ideas).set_index("criterion")
    assert ok.loc["relevant", "passed"]
    assert "Some pupils are alone at break" in ok.loc["relevant", "message"]
    none = smart_check(GOOD, ideas=ideas.iloc[:0]).set_index("criterion")
    assert "No challenge is recorded" in none.loc["relevant", "message"]


# --------------------------------------------------------------------------- progress

GOALS = pd.DataFrame({
    "goal_id": ["g1", "g2", "g3", "g4"], "cop_id": ["c1", "c1", "c2", "c2"],
    "statement": "s",
    "direction": ["increase", "decrease", "increase", "increase"],
    "baseline": [4.0, 10.0, 2.0, 1.0], "target": [12.0, 5.0, 6.0, 1.0],
    "agreed_on": "2026-02-01", "deadline": ["2026-06-30", "2026-06-30", "2026-04-01",
                                            "2026-06-30"],
})
MEAS = pd.DataFrame({
    "measurement_id": ["m1", "m2", "m3", "m4", "m5", "m6"],
    "goal_id": ["g1", "g1", "g1", "g2", "g3", "g4"],
    "measured_on": ["2026-03-01", "2026-04-01", "2026-05-20", "2026-03-01", "2026-03-01",
                    "2026-03-01"],
    "value": [6.0, 8.0, 20.0, 11.0, 7.0, 3.0],
})


def test_goal_progress_by_hand():
    out = goal_progress(GOALS, MEAS, as_of="2026-04-10")
    assert list(out.columns) == ["goal_id", "cop_id", "baseline", "target", "latest_value",
                                 "latest_on", "progress", "on_track", "deadline", "days_left"]
    by = out.set_index("goal_id")
    # g1: m3 (20 May) is after as_of -> latest m2 = 8 on 1 Apr; (8-4)/(12-4) = 0.5;
    #     elapsed 1 Feb..1 Apr = 59 of 149 days = 0.396 -> on track; 81 days to 30 Jun
    assert by.loc["g1", "latest_value"] == 8.0
    assert by.loc["g1", "latest_on"] == pd.Timestamp("2026-04-01")
    assert by.loc["g1", "progress"] == 0.5
    assert bool(by.loc["g1", "on_track"]) is True
    assert by.loc["g1", "days_left"] == 81
    # g2: decrease 10 -> 5, value 11: (11-10)/(5-10) = -0.2 (wrong way, not clipped)
    assert by.loc["g2", "progress"] == pytest.approx(-0.2)
    assert bool(by.loc["g2", "on_track"]) is False
    # g3: (7-2)/(6-2) = 1.25 (target passed); deadline 1 Apr -> 9 days past
    assert by.loc["g3", "progress"] == 1.25
    assert by.loc["g3", "days_left"] == -9
    assert bool(by.loc["g3", "on_track"]) is True
    # g4: target == baseline -> progress NaN, on_track blank
    assert np.isnan(by.loc["g4", "progress"])
    assert pd.isna(by.loc["g4", "on_track"])
    assert str(out.on_track.dtype) == "boolean" and str(out.days_left.dtype) == "Int64"
    later = goal_progress(GOALS, MEAS, as_of="2026-06-01").set_index("goal_id")
    assert later.loc["g1", "progress"] == 2.0  # (20-4)/8


def test_goal_progress_without_measurements_and_row_order():
    out = goal_progress(GOALS, MEAS.iloc[:0], as_of="2026-04-10")
    assert out.latest_value.isna().all() and out.on_track.isna().all()
    a = goal_progress(GOALS, MEAS, as_of="2026-04-10")
    b = goal_progress(GOALS.iloc[::-1], MEAS.iloc[::-1], as_of="2026-04-10")
    pd.testing.assert_frame_equal(a, b)


# --------------------------------------------------------------------------- GAS levels

def test_gas_levels_parses_and_orders():
    text = '{"2": "12", "1": "10", "0": "8", "-1": "6", "-2": "4"}'
    assert gas_levels({"goal_id": "g1", "statement": "s", "gas_levels": text}) == {
        -2: "4", -1: "6", 0: "8", 1: "10", 2: "12"}
    assert list(gas_levels(text)) == [-2, -1, 0, 1, 2]
    as_dict = {"-2": "4", "-1": "6", "0": "8", "+1": "10", "2": "12"}
    assert gas_levels(pd.DataFrame([{"goal_id": "g1", "statement": "s",
                                     "gas_levels": as_dict}]))[1] == "10"
    assert gas_levels({"goal_id": "g1", "statement": "s"}) == {}


@pytest.mark.parametrize("text, fragment", [
    ("not json", "JSON text"),
    ("[1, 2]", "JSON object"),
    ('{"-3": "a", "-2": "b", "-1": "c", "0": "d", "1": "e", "2": "f"}', "from -2 to +2"),
    ('{"-2": "a", "-1": "b", "0": "", "1": "d", "2": "e"}', "description of level 0"),
    ('{"-2": "a", "-1": "b", "0": "c", "1": "d", "+1": "x", "2": "e"}', "more than once"),
    ('{"-2": "a", "0": "c", "1": "d", "2": "e"}', "level -1 is missing"),
    ('{"-2": "a", "-1": null, "0": "c", "1": "d", "2": "e"}', "description of level -1"),
])
def test_gas_levels_bad_content(text, fragment):
    with pytest.raises(ValidationError, match="gas_levels") as err:
        gas_levels({"goal_id": "g9", "statement": "s", "gas_levels": text})
    assert fragment in str(err.value)
    assert "'g9'" in str(err.value)


# --------------------------------------------------------------------------- ideas

IDEAS = pd.DataFrame({
    "idea_id": ["i1", "i2", "i3", "i4", "i5", "i6", "i7"],
    "cop_id": ["c1", "c1", "c1", "c1", "c1", "c2", "c2"],
    "kind": ["approach", "approach", "approach", "approach", "challenge", "approach",
             "perspective"],
    "text": ["Buddy bench", "Games corner", "Quiet room", "Rota", "Lonely breaks", "Clubs",
             "As a parent"],
    "votes": [4, 6, 4, None, 9, 1, 3],
})


def test_idea_board_ranks_within_cop_and_kind():
    out = idea_board(IDEAS)
    assert list(out.columns) == ["cop_id", "kind", "idea_id", "text", "votes", "rank"]
    # c1 approach: i2 6 -> 1; i1, i3 4 -> 2, 2; i4 blank = 0 -> 4 (competition ranking)
    assert list(zip(out.idea_id, out["rank"], strict=True)) == [
        ("i5", 1), ("i2", 1), ("i1", 2), ("i3", 2), ("i4", 4), ("i7", 1), ("i6", 1)]
    assert out.votes.tolist() == [9, 6, 4, 4, 0, 3, 1]
    pd.testing.assert_frame_equal(out, idea_board(IDEAS.iloc[::-1]))


def test_shortlist_top_n_per_cop():
    out = shortlist(IDEAS, n=2)
    assert list(out.columns) == ["cop_id", "kind", "idea_id", "text", "votes", "rank"]
    # c1: i2 (6), then i1 and i3 tie at 4 -> i1 by id; c2: only i6 is an approach
    assert out.idea_id.tolist() == ["i2", "i1", "i6"]
    assert out["rank"].tolist() == [1, 2, 1]
    assert shortlist(IDEAS, n=1, kinds=None).idea_id.tolist() == ["i5", "i7"]
    assert shortlist(IDEAS, n=5, kinds="challenge").idea_id.tolist() == ["i5"]
    pd.testing.assert_frame_equal(out, shortlist(IDEAS.iloc[::-1], n=2))
    with pytest.raises(UsageError, match="n must"):
        shortlist(IDEAS, n=0)
    with pytest.raises(UsageError, match="unknown kind"):
        shortlist(IDEAS, kinds=("approaches",))


def test_idea_summary_counts_and_zero_fills():
    out = idea_summary(IDEAS)
    assert list(out.columns) == ["cop_id", "kind", "ideas", "votes"]
    assert len(out) == 10  # 2 CoPs x 5 kinds
    c1 = out[out.cop_id == "c1"].set_index("kind")
    assert c1.ideas.to_dict() == {"challenge": 1, "perspective": 0, "connection": 0,
                                  "approach": 4, "inspiration": 0}
    assert c1.loc["approach", "votes"] == 14
    c2 = out[out.cop_id == "c2"].set_index("kind")
    assert (c2.loc["approach", "ideas"], c2.loc["perspective", "votes"]) == (1, 3)


def test_goal_functions_on_store_tables(store, minimal_rows):
    store.write({k: minimal_rows[k] for k in ("cop", "member", "meeting", "idea", "goal",
                                               "goal_measurement")})
    goals = store.read("goal")
    out = smart_check(goals, ideas=store.read("idea")).set_index("criterion")
    # "More pupils play together": vague, names a group, no number -> not specific;
    # 4 -> 12.5 is +212 % -> not achievable; the rest is complete
    assert failed(out) == ["specific", "achievable"]
    assert "212%" in out.loc["achievable", "message"]
    assert "Break times exclude some pupils" in out.loc["relevant", "message"]
    prog = goal_progress(goals, store.read("goal_measurement"), as_of="2026-03-01")
    # (6.25 - 4) / (12.5 - 4) = 0.2647; elapsed 2 Feb..1 Mar = 27 of 148 days = 0.18
    assert prog.progress[0] == pytest.approx(2.25 / 8.5)
    assert bool(prog.on_track[0]) is True
    assert prog.days_left[0] == 121
    assert gas_levels(goals) == {-2: "4", -1: "6", 0: "8", 1: "10", 2: "12"}
