"""Levels of working together: scoring and THE classification rule of
docs/instruments/working_together.md, wt_fit beside it, change between waves, and
the plan-derived indicators re-exported from analysis.plan."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cocope_kit.analysis import collaboration as collab
from cocope_kit.analysis import (
    level_of_working_together,
    level_transitions,
    scale_scores,
    transition_matrix,
)
from cocope_kit.analysis.plan import plan_indicators
from cocope_kit.errors import UsageError, ValidationError
from cocope_kit.instruments import load_instrument, reverse_key

WT = load_instrument("working_together")
COOP = ["wt_coop_1", "wt_coop_2", "wt_coop_3", "wt_coop_4"]     # wt_coop_4 reversed
COORD = ["wt_coord_1", "wt_coord_2", "wt_coord_3", "wt_coord_4"]
COLLAB = ["wt_collab_1", "wt_collab_2", "wt_collab_3", "wt_collab_4"]


def responses(*ids, cop="c", wave="pre", who=None):
    return pd.DataFrame({"response_id": list(ids), "cop_id": cop, "instrument_id":
                         "working_together", "instrument_version": "1.0",
                         "respondent_id": who or [f"p_{i}" for i in ids],
                         "respondent_role": "teacher", "wave": wave, "language": "en"})


def answers(rid, values: dict):
    return pd.DataFrame({"response_id": rid, "item_id": list(values),
                         "value": list(values.values())})


def test_scoring_reverse_keys_and_needs_two_thirds():
    resp = responses("r1")
    ans = answers("r1", {
        # cooperation: 5, 4, 4 and reversed 2 -> 4: mean 4.25
        "wt_coop_1": 5, "wt_coop_2": 4, "wt_coop_3": 4, "wt_coop_4": 2,
        # coordination: 3 of 4 answered (don't know = blank): 2, 3, reversed 5 -> 1: mean 2
        "wt_coord_1": 2, "wt_coord_2": 3, "wt_coord_3": None, "wt_coord_4": 5,
        # collaboration: 2 of 4 answered: 2 < 2/3 * 4, missing
        "wt_collab_1": 5, "wt_collab_2": 5,
        "wt_fit": 3,
    })
    out = scale_scores(resp, ans, "working_together")
    assert list(out.columns) == ["response_id", "respondent_id", "respondent_role", "cop_id",
                                 "wave", "instrument_id", "construct", "score", "n_items",
                                 "n_answered"]
    got = out.set_index("construct")
    assert got.index.tolist() == ["cooperation", "coordination", "collaboration"]  # no wt_fit
    assert got.score["cooperation"] == 4.25
    assert got.score["coordination"] == 2.0
    assert np.isnan(got.score["collaboration"])
    assert got.n_answered.tolist() == [4, 3, 2] and got.n_items.tolist() == [4, 4, 4]
    # with min_answered=0.5, two of four items are enough
    loose = scale_scores(resp, ans, WT, min_answered=0.5).set_index("construct")
    assert loose.score["collaboration"] == 5.0


def test_two_thirds_of_three_items_is_two(tmp_path):
    # cop_climate constructs have 3 items: 2 answered is exactly 2/3 -> scored
    resp = responses("r1").assign(instrument_id="cop_climate")
    ans = answers("r1", {"cl_trust_1": 4, "cl_trust_2": 2, "cl_safety_1": 5})
    got = scale_scores(resp, ans, "cop_climate").set_index("construct")
    assert got.score["trust"] == 3.0
    assert np.isnan(got.score["safety"])  # 1 of 3


def test_responses_to_other_instruments_are_left_out():
    resp = pd.concat([responses("r1"), responses("r2").assign(instrument_id="cop_climate")])
    out = scale_scores(resp, answers("r1", dict.fromkeys(COOP, 4)), "working_together")
    assert set(out.response_id) == {"r1"}


def test_bad_answers_and_arguments_raise_cocope_errors():
    resp = responses("r1", "r2")
    bad = pd.concat([answers("r1", {"wt_coop_1": 7}), answers("r2", {"wt_coop_4": 0})])
    with pytest.raises(ValidationError) as err:
        scale_scores(resp, bad, "working_together")
    assert len(err.value.problems) == 2  # every problem at once
    assert "wt_coop_1" in str(err.value) and "1 to 5" in str(err.value)
    twice = pd.concat([answers("r1", {"wt_coop_1": 4}), answers("r1", {"wt_coop_1": 5})])
    with pytest.raises(UsageError, match="same \\(response_id, item_id\\)"):
        scale_scores(resp, twice, "working_together")
    with pytest.raises(UsageError, match="min_answered"):
        scale_scores(resp, bad.iloc[:0], "working_together", min_answered=0)
    with pytest.raises(UsageError, match="unknown instrument"):
        scale_scores(resp, bad, "no_such_instrument")


@settings(max_examples=50, deadline=None)
@given(st.lists(st.one_of(st.none(), st.floats(1, 5)), min_size=1, max_size=20))
def test_reverse_keying_twice_is_identity(values):
    once = reverse_key(values, WT.scales["agree5"])
    twice = reverse_key(once, WT.scales["agree5"])
    for a, b in zip(values, twice, strict=True):
        assert (a is None and b is None) or b == pytest.approx(a)


def frame_of_means(rows):
    """Scores as scale_scores returns them: one row per respondent x construct."""
    out = []
    for k, (cop, wave, coop, coord, coll) in enumerate(rows):
        for construct, v in (("cooperation", coop), ("coordination", coord),
                             ("collaboration", coll)):
            out.append({"response_id": f"r{k}", "respondent_id": f"p{k}", "cop_id": cop,
                        "wave": wave, "construct": construct, "score": v})
    return pd.DataFrame(out)


@pytest.mark.parametrize("means, level", [
    ((4.0, 4.0, 4.0), "collaboration"),
    ((2.0, 2.0, 3.5), "collaboration"),        # not cumulative; 3.5 exactly qualifies
    ((4.5, 3.6, 3.4999), "coordination"),      # compared unrounded
    ((3.5, 3.49, np.nan), "cooperation"),      # a missing mean never qualifies
    ((3.49, 3.0, 2.0), "below_cooperation"),
    ((np.nan, np.nan, np.nan), "below_cooperation"),
])
def test_classification_rule(means, level):
    out = level_of_working_together(frame_of_means([("c", "pre", *means)]))
    assert out.level.item() == level


def test_group_means_over_respondents_with_a_score_and_the_n_behind_each():
    scores = frame_of_means([
        ("c", "pre", 4.0, 3.0, np.nan),
        ("c", "pre", 3.0, 4.0, 4.0),
        ("c", "pre", 2.0, 3.5, 3.0),
    ])
    row = level_of_working_together(scores).iloc[0]
    # cooperation (4+3+2)/3 = 3; coordination 3.5 -> coordination; collaboration (4+3)/2 = 3.5!
    assert row.cooperation == 3.0 and row.coordination == 3.5 and row.collaboration == 3.5
    assert row.level == "collaboration"
    assert (row.n, row.n_cooperation, row.n_collaboration) == (3, 3, 2)
    assert row.caution == "fewer than 5 respondents: a conversation starter, not a finding"


def test_fit_distribution_beside_the_level():
    resp = responses("r1", "r2", "r3", "r4")
    ans = pd.concat([answers(r, dict.fromkeys(COOP, 5) | {"wt_fit": f})
                     for r, f in zip(["r1", "r2", "r3", "r4"], [1, 3, 3, None], strict=True)])
    scores = scale_scores(resp, ans, "working_together")
    out = level_of_working_together(scores, ans).iloc[0]
    assert out.level == "cooperation"
    assert (out.n_fit, out.fit_cooperation, out.fit_coordination, out.fit_collaboration) == (
        3, 1, 0, 2)
    assert out.share_fit_collaboration == pytest.approx(2 / 3)
    assert out.fit_most_frequent == "collaboration" and not out.matches_fit
    without = level_of_working_together(scores).iloc[0]
    assert without.n_fit == 0 and np.isnan(without.share_fit_cooperation)
    assert pd.isna(without.fit_most_frequent) and pd.isna(without.matches_fit)


def test_columns_and_grouping():
    scores = frame_of_means([("a", "pre", 4, 3, 2), ("a", "post", 4, 4, 4),
                             ("b", "pre", 4, 3, 2), ("b", "post", 2, 2, 2)])
    out = level_of_working_together(scores)
    assert list(out.columns) == [
        "cop_id", "wave", "n", "cooperation", "coordination", "collaboration", "n_cooperation",
        "n_coordination", "n_collaboration", "level", "n_fit", "fit_cooperation",
        "fit_coordination", "fit_collaboration", "share_fit_cooperation",
        "share_fit_coordination", "share_fit_collaboration", "fit_most_frequent",
        "matches_fit", "caution"]
    assert out[["cop_id", "wave"]].values.tolist() == [["a", "post"], ["a", "pre"],
                                                        ["b", "post"], ["b", "pre"]]
    tr = level_transitions(out)
    assert tr.to_dict("list") == {
        "cop_id": ["a", "b"], "from_level": ["cooperation", "cooperation"],
        "to_level": ["collaboration", "below_cooperation"], "steps": [2, -1],
        "change": ["up", "down"], "n_pre": [1, 1], "n_post": [1, 1]}
    m = transition_matrix(tr)
    assert len(m) == 16 and m.cops.sum() == 2
    assert m.set_index(["from_level", "to_level"]).cops[("cooperation", "collaboration")] == 1
    everyone = level_of_working_together(scores, by=())
    assert everyone.n.item() == 4  # respondents p0..p3, each once


def test_transitions_keep_units_seen_in_one_wave():
    lv = pd.DataFrame({"cop_id": ["a", "b"], "wave": ["pre", "post"],
                       "level": ["cooperation", "coordination"], "n": [5, 6]})
    tr = level_transitions(lv)
    assert tr.from_level.isna().tolist() == [False, True]
    assert tr.steps.isna().all() and tr.change.isna().all()
    assert transition_matrix(tr).cops.sum() == 0
    with pytest.raises(UsageError, match="level"):
        level_transitions(lv.assign(level="great"))
    with pytest.raises(UsageError, match="pre and post"):
        level_transitions(lv, pre="pre", post="pre")


@settings(max_examples=5, deadline=None)
@given(st.randoms(use_true_random=False))
def test_results_independent_of_row_order(rnd):
    rng = np.random.default_rng(rnd.randint(0, 10**6))
    ids = [f"r{i}" for i in range(12)]
    resp = responses(*ids, cop=["a", "b"] * 6, wave=["pre"] * 6 + ["post"] * 6,
                     who=[f"p{i % 6}" for i in range(12)])
    items = COOP + COORD + COLLAB + ["wt_fit"]
    ans = pd.DataFrame([(r, it, float(rng.integers(1, 4 if it == "wt_fit" else 6)))
                        for r in ids for it in items], columns=["response_id", "item_id",
                                                                "value"])
    ans.loc[rng.random(len(ans)) < 0.1, "value"] = np.nan
    a = scale_scores(resp, ans, "working_together")
    b = scale_scores(resp.sample(frac=1, random_state=1), ans.sample(frac=1, random_state=2),
                     "working_together")
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(level_of_working_together(a, ans),
                                  level_of_working_together(b.sample(frac=1), ans))


def test_plan_indicators_are_re_exported():
    assert collab.plan_indicators is plan_indicators
    assert "plan_indicators" in collab.__all__
