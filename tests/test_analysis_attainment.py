"""Goal attainment: the GAS level rule (numeric GAS levels, else progress bands), progress
across CoPs (built on analysis.goals.goal_progress) and the Kiresuk & Sherman (1968)
T-score, compared group by group with cocope_kit.stats.gas_tscore."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cocope_kit import stats
from cocope_kit.analysis import gas_scores, goal_attainment, progress_summary
from cocope_kit.errors import UsageError

NUMERIC = json.dumps({"-2": "4", "-1": "6", "0": "8", "1": "10", "2": "12"})
FALLING = json.dumps({"-2": "14", "-1": "11", "0": "8", "+1": "6", "2": "4"})
WORDS = json.dumps({"-2": "none", "-1": "a few", "0": "half", "1": "most", "2": "all"})


def goals(rows):
    cols = ["goal_id", "cop_id", "direction", "baseline", "target", "weight", "gas_levels"]
    g = pd.DataFrame(rows, columns=cols)
    return g.assign(statement="...", agreed_on="2026-01-01", deadline="2026-06-30")


def measurements(values):
    return pd.DataFrame({"measurement_id": [f"m{i}" for i in range(len(values))],
                         "goal_id": [g for g, _ in values], "measured_on": "2026-05-01",
                         "value": [v for _, v in values]})


@pytest.mark.parametrize("latest, level", [
    # baseline 10, target 20 (increase): p = (latest - 10) / 10
    (10.0, -2), (12.4, -2), (12.5, -1), (17.4, -1), (17.5, 0), (20.0, 0), (22.4, 0),
    (22.5, 1), (27.5, 2), (5.0, -2), (40.0, 2),
])
def test_progress_bands(latest, level):
    out = goal_attainment(goals([("g", "c", "increase", 10, 20, 1, None)]),
                          measurements([("g", latest)])).iloc[0]
    assert out.attainment == level and out.attainment_rule == "progress"


def test_decrease_goal_progress_counts_the_right_way():
    # 14 -> 5 with target 6: p = 9 / 8 = 1.125 -> expected (0), target reached
    out = goal_attainment(goals([("g", "c", "decrease", 14, 6, 1, None)]),
                          measurements([("g", 5.0)])).iloc[0]
    assert out.progress == pytest.approx(1.125) and out.attainment == 0 and out.target_reached


@pytest.mark.parametrize("levels, direction, latest, level", [
    (NUMERIC, "increase", 9.0, 0),    # reached 8, not 10
    (NUMERIC, "increase", 10.0, 1),
    (NUMERIC, "increase", 5.0, -2),   # below the -1 number (6)
    (NUMERIC, "increase", 99.0, 2),
    (FALLING, "decrease", 7.0, 0),    # at or below 8, above 6
    (FALLING, "decrease", 4.0, 2),
    (FALLING, "decrease", 12.0, -2),
])
def test_numeric_gas_levels_are_thresholds(levels, direction, latest, level):
    baseline, target = (4, 8) if direction == "increase" else (14, 8)
    out = goal_attainment(goals([("g", "c", direction, baseline, target, 1, levels)]),
                          measurements([("g", latest)])).iloc[0]
    assert (out.attainment, out.attainment_rule) == (level, "gas_levels")


def test_words_or_non_monotone_levels_fall_back_to_progress():
    bumpy = json.dumps({"-2": "4", "-1": "9", "0": "8", "1": "10", "2": "12"})
    g = goals([("a", "c", "increase", 4, 8, 1, WORDS), ("b", "c", "increase", 4, 8, 1, bumpy),
               ("c", "c", "decrease", 4, 8, 1, NUMERIC), ("d", "c", "increase", 4, 8, 1, None)])
    out = goal_attainment(g, measurements([("a", 8.0), ("b", 8.0), ("c", 8.0)]))
    assert out.attainment_rule.tolist()[:3] == ["progress"] * 3
    assert out.attainment.tolist()[:2] == [0.0, 0.0]
    assert np.isnan(out.attainment[3]) and pd.isna(out.attainment_rule[3])  # no measurement


def test_gas_scores_equal_stats_per_cop_with_weights():
    g = goals([("g1", "a", "increase", 0, 10, 2.0, None), ("g2", "a", "increase", 0, 10, 1.0, None),
               ("g3", "b", "increase", 0, 10, None, None), ("g4", "c", "increase", 0, 10, 1, None)])
    m = measurements([("g1", 15.0), ("g2", 5.0), ("g3", 10.0)])  # +1, -1, 0; g4 unmeasured
    out = gas_scores(g, m)
    assert list(out.columns) == ["cop_id", "goals", "scored", "mean_attainment", "tscore"]
    got = out.set_index("cop_id")
    assert got.tscore["a"] == pytest.approx(stats.gas_tscore([1, -1], weights=[2, 1]))
    assert got.mean_attainment["a"] == pytest.approx(1 / 3)
    assert got.tscore["b"] == 50.0  # blank weight counts as 1; as expected -> 50
    assert np.isnan(got.tscore["c"]) and got.scored["c"] == 0
    assert gas_scores(g, m, rho=0).tscore[0] == pytest.approx(
        stats.gas_tscore([1, -1], weights=[2, 1], rho=0))
    with pytest.raises(UsageError, match="rho"):
        gas_scores(g, m, rho=2)
    zero = gas_scores(g.assign(weight=[0.0, 0.0, 1, 1]), m).set_index("cop_id")
    assert np.isnan(zero.tscore["a"]) and zero.tscore["b"] == 50.0  # one odd CoP: NaN
    with pytest.raises(UsageError, match="weights"):
        gas_scores(g.assign(weight=[-1.0, 1, 1, 1]), m)


@settings(max_examples=10, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), st.floats(-5, 40),
                          st.sampled_from([0.0, 0.5, 1.0, 1.5, 2.0, 3.0])),
                min_size=1, max_size=25))
def test_grouped_tscore_equals_stats_gas_tscore(rows):
    g = goals([(f"g{i}", f"c{c}", "increase", 10, 20, w, None)
               for i, (c, _, w) in enumerate(rows)])
    m = measurements([(f"g{i}", v) for i, (_, v, _) in enumerate(rows)])
    a = goal_attainment(g, m)
    out = gas_scores(g, m).set_index("cop_id")
    for cop, grp in a.groupby("cop_id"):
        if grp.weight[grp.attainment.notna()].sum() == 0:
            assert np.isnan(out.tscore[cop])
            continue
        ref = stats.gas_tscore(grp.attainment.to_numpy(), weights=grp.weight.to_numpy())
        assert out.tscore[cop] == pytest.approx(ref)


def test_progress_summary():
    g = goals([("g1", "a", "increase", 0, 10, 1, None), ("g2", "a", "increase", 0, 10, 1, None),
               ("g3", "b", "decrease", 10, 0, 1, None)])
    m = measurements([("g1", 10.0), ("g2", 4.0)])
    out = progress_summary(g, m).set_index("cop_id")
    assert list(out.reset_index().columns) == [
        "cop_id", "goals", "measured", "mean_progress", "median_progress", "min_progress",
        "max_progress", "reached", "share_reached", "on_track", "share_on_track"]
    assert out.loc["a", ["goals", "measured", "reached"]].tolist() == [2, 2, 1]
    assert out.mean_progress["a"] == pytest.approx(0.7)
    assert out.share_reached["a"] == 0.5
    assert out.measured["b"] == 0 and np.isnan(out.share_reached["b"])
    by_direction = progress_summary(g, m, by="direction")
    assert by_direction.direction.tolist() == ["decrease", "increase"]
