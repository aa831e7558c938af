"""Surveys: Likert counts against a hand count, construct scores against stats.mean_ci,
reliability against pingouin.cronbach_alpha per group, pre/post change against scipy
(Wilcoxon signed-rank, Mann-Whitney U) and cocope_kit.stats group by group.

plot_likert is not installed (and is not installed for this): the oracle for
likert_counts is a count with collections.Counter."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
import scipy.stats as ss
from hypothesis import given, settings
from hypothesis import strategies as st

from cocope_kit import stats
from cocope_kit.analysis import (
    construct_scores,
    in_wave_order,
    likert_counts,
    prepost_change,
    reliability,
    scale_scores,
    surveys,
    wave_order,
)
from cocope_kit.errors import UsageError, ValidationError
from cocope_kit.instruments import load_instrument


def survey(seed=0, n=30, cops=("a", "b", "c"), missing=0.08, instrument="cop_climate"):
    """Random responses and answers to an instrument, with roles, waves and blanks."""
    rng = np.random.default_rng(seed)
    items = load_instrument(instrument).item_table()
    items = items[items.n_points > 0]
    roles = ["teacher", "student", "parent", "psychologist"]
    rows, ans = [], []
    for k in range(n):
        rid = f"r{k}"
        role = roles[k % 4]
        rows.append({"response_id": rid, "cop_id": cops[k % len(cops)],
                     "instrument_id": instrument, "instrument_version": "1.0",
                     "respondent_id": f"p{k % (n // 2)}", "respondent_role": role,
                     "wave": "pre" if k < n // 2 else "post", "language": "en"})
        for it in items.itertuples():
            if it.audience != "all" and role != "student":
                continue  # not shown: no row
            v = float(rng.integers(int(it.scale_min), int(it.scale_max) + 1))
            ans.append({"response_id": rid, "item_id": it.item_id,
                        "value": np.nan if rng.random() < missing else v})
    return pd.DataFrame(rows), pd.DataFrame(ans)


# ---------------------------------------------------------------------------- Likert


def test_likert_counts_match_a_hand_count():
    resp, ans = survey()
    out = likert_counts(resp, ans, "cop_climate")
    assert list(out.columns) == ["cop_id", "wave", "item_id", "construct", "option", "label",
                                 "count", "n", "percent", "percent_answered"]
    merged = ans.merge(resp, on="response_id")
    for (cop, wave, item), grp in merged.groupby(["cop_id", "wave", "item_id"]):
        hand = Counter("missing" if np.isnan(v) else v for v in grp.value)
        mine = out[(out.cop_id == cop) & (out.wave == wave) & (out.item_id == item)]
        assert mine.n.iloc[0] == len(grp)
        for row in mine.itertuples():
            key = "missing" if np.isnan(row.option) else row.option
            assert row.count == hand.get(key, 0), (cop, wave, item, key)
        assert mine.percent.sum() == pytest.approx(100)
        assert mine.percent_answered.sum() == pytest.approx(100 if hand.total() > hand[
            "missing"] else 0)
    assert set(out.option.dropna()) == {1.0, 2.0, 3.0, 4.0, 5.0}
    assert out[out.option.isna()].label.unique().tolist() == ["don't know / missing"]
    assert out[out.option == 5].label.unique().tolist() == ["Strongly agree"]


def test_likert_counts_shown_items_without_answer_row_count_as_missing():
    resp = pd.DataFrame({"response_id": ["r1", "r2"], "cop_id": "c", "respondent_id": ["a", "b"],
                         "respondent_role": ["student", "teacher"], "wave": "pre",
                         "instrument_id": "cop_climate"})
    ans = pd.DataFrame({"response_id": ["r1"], "item_id": ["cl_trust_1"], "value": [4.0]})
    out = likert_counts(resp, ans, "cop_climate", by=())
    trust = out[out.item_id == "cl_trust_1"].set_index("option", drop=False)
    # both were shown cl_trust_1 (audience all); r2 has no row -> missing
    assert trust.n.iloc[0] == 2 and trust["count"].tolist() == [0, 0, 0, 1, 0, 1]
    agency = out[out.item_id == "cl_student_agency_1"]
    # only the student is in the audience of the student-agency items
    assert agency.n.iloc[0] == 1 and agency[agency.option.isna()]["count"].item() == 1
    de = likert_counts(resp, ans, "cop_climate", by=(), language="de")
    assert "Stimme zu" in set(de.label)


def test_likert_counts_reject_values_off_the_scale():
    resp, ans = survey(n=4)
    ans.loc[0, "value"] = 2.5
    with pytest.raises(ValidationError, match="one of the values of scale agree5"):
        likert_counts(resp, ans, "cop_climate")


# ---------------------------------------------------------------------------- scores


def test_construct_scores_equal_stats_mean_ci_per_group():
    resp, ans = survey(seed=3, n=40)
    sc = scale_scores(resp, ans, "cop_climate")
    out = construct_scores(sc, by=("cop_id", "role"), ci=0.9)
    assert list(out.columns) == ["cop_id", "role", "construct", "n", "mean", "sd", "median",
                                 "ci_low", "ci_high"]
    sc = sc.assign(role=sc.respondent_role)
    for (cop, role, construct), grp in sc.groupby(["cop_id", "role", "construct"]):
        row = out[(out.cop_id == cop) & (out.role == role) & (out.construct == construct)]
        x = grp.score.dropna()
        ref = stats.mean_ci(x, ci=0.9)
        assert row.n.item() == len(x)
        if len(x) == 0:
            continue
        assert row["mean"].item() == pytest.approx(ref.estimate)
        assert row["median"].item() == pytest.approx(x.median())
        if len(x) >= 2:
            assert row.ci_low.item() == pytest.approx(ref.ci_low)
            assert row.ci_high.item() == pytest.approx(ref.ci_high)
            assert row.sd.item() == pytest.approx(x.std(ddof=1))
    with pytest.raises(UsageError, match="ci"):
        construct_scores(sc, ci=95)


def test_reliability_equals_pingouin_per_group():
    resp, ans = survey(seed=5, n=90, missing=0.03)
    out = reliability(resp, ans, "cop_climate", by=("cop_id",))
    assert list(out.columns) == ["cop_id", "construct", "alpha", "ci_low", "ci_high", "n", "k"]
    items = load_instrument("cop_climate").item_table().set_index("item_id")
    keyed = ans.merge(resp[["response_id", "cop_id"]], on="response_id")
    rev = keyed.item_id.map(items.reverse).astype(bool)
    keyed.loc[rev, "value"] = 6 - keyed.loc[rev, "value"]  # agree5: min + max - value
    keyed["construct"] = keyed.item_id.map(items.construct)
    checked = 0
    for (cop, construct), grp in keyed.groupby(["cop_id", "construct"]):
        wide = grp.pivot(index="response_id", columns="item_id", values="value")
        wide = wide.dropna(axis=1, how="all").dropna()
        row = out[(out.cop_id == cop) & (out.construct == construct)].iloc[0]
        assert (row.n, row.k) == wide.shape
        if wide.shape[0] >= 3:
            a, (lo, hi) = pg.cronbach_alpha(wide)
            assert row.alpha == pytest.approx(a, abs=1e-9)
            assert (row.ci_low, row.ci_high) == pytest.approx((lo, hi), abs=1e-3)  # pg rounds
            checked += 1
    assert checked >= 20


def test_reliability_is_fast_for_many_cops():
    # 2,000 CoPs x 8 constructs without a loop per group (budget generous for a busy CI box)
    import time
    resp, ans = survey(seed=1, n=6000, cops=[f"c{i}" for i in range(2000)], missing=0.0)
    t0 = time.perf_counter()
    out = reliability(resp, ans, "cop_climate")
    assert time.perf_counter() - t0 < 20
    assert out.cop_id.nunique() == 2000


# ---------------------------------------------------------------------------- change


def long_scores(pre, post, respondents_pre=None, respondents_post=None, cop="c"):
    rp = respondents_pre or [f"p{i}" for i in range(len(pre))]
    rq = respondents_post or [f"p{i}" for i in range(len(post))]
    return pd.DataFrame({
        "response_id": [f"a{i}" for i in range(len(pre))] + [f"b{i}" for i in range(len(post))],
        "respondent_id": rp + rq, "cop_id": cop, "construct": "trust",
        "wave": ["pre"] * len(pre) + ["post"] * len(post),
        "score": list(pre) + list(post)})


def test_paired_change_against_scipy_and_stats():
    pre = [3.0, 2.0, 4.0, 3.0, 2.5, 4.5, 3.25, 1.0, 2.0, 3.0, 4.0, 2.0]
    post = [4.0, 4.0, 4.0, 5.0, 3.0, 4.0, 4.5, 3.5, 2.5, 3.5, 5.0, 4.0]
    out = prepost_change(long_scores(pre, post)).iloc[0]
    res = stats.wilcoxon_paired(pre, post)
    ref = ss.wilcoxon(np.subtract(post, pre), correction=True, method="approx")
    assert out.method == "paired" and out.n_pairs == 12
    assert (out.w_plus, out.w_minus) == (res.w_plus, res.w_minus)
    assert out.p_value == pytest.approx(res.p_value) == pytest.approx(ref.pvalue)
    assert out.rank_biserial == pytest.approx(res.rank_biserial)
    assert out.dz == pytest.approx(stats.cohen_dz(pre, post))
    assert out.mean_diff == pytest.approx(np.mean(post) - np.mean(pre))
    assert pd.isna(out.caution) and np.isnan(out.u) and np.isnan(out.g)
    assert out.test == "Wilcoxon signed-rank, " + res.method


def test_unpaired_fallback_against_scipy_and_stats():
    pre = [3.0, 2.0, 4.25, 3.5, 2.5]   # no ties: exact p, as scipy's method="exact"
    post = [4.0, 4.5, 3.75, 5.0]
    # anonymous tokens: nobody can be matched
    s = long_scores(pre, post, [f"x{i}" for i in range(5)], [f"y{i}" for i in range(4)])
    out = prepost_change(s).iloc[0]
    res = stats.mann_whitney(post, pre)
    ref = ss.mannwhitneyu(post, pre, method="exact")
    assert out.method == "unpaired" and out.n_pairs == 0 and (out.n_pre, out.n_post) == (5, 4)
    assert out.u == res.u == ref.statistic
    assert out.p_value == pytest.approx(res.p_value) == pytest.approx(ref.pvalue)
    assert out.rank_biserial == pytest.approx(res.rank_biserial)
    assert out.g == pytest.approx(stats.hedges_g(post, pre))
    assert np.isnan(out.dz) and np.isnan(out.w_plus)
    assert "could not be matched" in out.caution and surveys._SMALL_TEXT in out.caution


def test_small_and_one_sided_groups_get_a_caution():
    s = pd.concat([long_scores([3, 4, 2], [4, 5, 2]),
                   long_scores([3, 4], [], cop="only_pre")])
    out = prepost_change(s).set_index("cop_id")
    assert out.caution["c"] == "small n: read as a description, not a test"
    assert pd.isna(out.method["only_pre"])
    assert out.caution["only_pre"] == "needs scores at both pre and post"
    with pytest.raises(UsageError, match="by"):
        prepost_change(s, by=("cop_id", "wave"))
    with pytest.raises(UsageError, match="pre and post"):
        prepost_change(s, pre="t1", post="t1")


def groups_strategy():
    value = st.sampled_from([1.0, 1.5, 2.0, 2.5, 3.0, 3.25, 3.5, 4.0, 4.75, 5.0])
    group = st.lists(st.tuples(value, value), min_size=1, max_size=25)
    return st.lists(group, min_size=1, max_size=6)


@settings(max_examples=25, deadline=None)
@given(groups_strategy(), st.booleans())
def test_grouped_tests_equal_stats_group_by_group(groups, matched):
    frames = []
    for g, pairs in enumerate(groups):
        pre, post = [a for a, _ in pairs], [b for _, b in pairs]
        who_post = None if matched else [f"q{i}" for i in range(len(post))]
        frames.append(long_scores(pre, post, None, who_post, cop=f"c{g}"))
    out = prepost_change(pd.concat(frames)).set_index("cop_id")
    for g, pairs in enumerate(groups):
        row = out.loc[f"c{g}"]
        pre, post = [a for a, _ in pairs], [b for _, b in pairs]
        if matched:
            res = stats.wilcoxon_paired(pre, post)
            assert row.method == "paired"
            assert (row.w_plus, row.w_minus) == (res.w_plus, res.w_minus)
            assert row.test.endswith(res.method)
            if res.n:
                assert row.p_value == pytest.approx(res.p_value, rel=1e-9, abs=1e-12)
                assert row.rank_biserial == pytest.approx(res.rank_biserial)
            dz = stats.cohen_dz(pre, post)
            assert (np.isnan(row.dz) and np.isnan(dz)) or row.dz == pytest.approx(dz)
        else:
            res = stats.mann_whitney(post, pre)
            assert row.method == "unpaired"
            assert row.u == pytest.approx(res.u)
            assert row.p_value == pytest.approx(res.p_value, rel=1e-9, abs=1e-12)
            assert row.test.endswith(res.method)
            g_ref = stats.hedges_g(post, pre)
            assert (np.isnan(row.g) and np.isnan(g_ref)) or row.g == pytest.approx(g_ref)


@pytest.mark.parametrize("n", [1, 2, 5, 12, 30, 50])
def test_exact_wilcoxon_distribution_equals_scipy(n):
    # exact two-sided p of every possible W+ for n pairs without ties
    pmf = surveys._wilcoxon_pmf(n)
    cdf = np.cumsum(pmf)
    sf = 1 - np.concatenate([[0.0], cdf[:-1]])
    for w in sorted({0, n * (n + 1) // 4, n * (n + 1) // 2, min(3, n)}):
        d = _diffs_with_w_plus(n, w)
        ref = ss.wilcoxon(d, method="exact").pvalue
        assert min(1.0, 2 * min(sf[w], cdf[w])) == pytest.approx(ref, rel=1e-9)


def _diffs_with_w_plus(n, w):
    """Differences 1..n (ranks 1..n) signed so that the positive ranks sum to w."""
    signs = -np.ones(n)
    for r in range(n, 0, -1):
        if r <= w:
            signs[r - 1] = 1
            w -= r
    return signs * np.arange(1, n + 1)


@pytest.mark.parametrize("m, n", [(1, 1), (3, 5), (8, 8), (2, 30), (8, 60)])
def test_exact_mann_whitney_distribution_equals_scipy(m, n):
    pmf = surveys._mwu_pmf(m, n)
    assert pmf.size == m * n + 1 and pmf.sum() == pytest.approx(1)
    rng = np.random.default_rng(m * 100 + n)
    for _ in range(5):
        x = rng.permutation(m + n).astype(float)
        a, b = x[:m], x[m:]
        ref = ss.mannwhitneyu(a, b, method="exact")
        u = ref.statistic
        big = max(u, m * n - u)
        sf = np.cumsum(pmf[::-1])[::-1]
        assert min(1.0, 2 * sf[int(big)]) == pytest.approx(ref.pvalue, rel=1e-9)


def test_scores_are_rounded_so_equal_means_tie():
    # 11/3 and 10/3 reached by different sums: differences 1/3 must be ties
    pre = [10 / 3, 3.0, 2 + 1 / 3, 4.0]
    post = [11 / 3, (4 + 4 + 3) / 3 - 1 / 3, 2 + 2 / 3, 4.0]
    out = prepost_change(long_scores(pre, post)).iloc[0]
    assert out.test.endswith("normal approximation with tie and continuity correction")


def test_everything_independent_of_row_order():
    resp, ans = survey(seed=9, n=24)
    sc = scale_scores(resp, ans, "cop_climate")
    shuffled = sc.sample(frac=1, random_state=4)
    for f in (construct_scores, prepost_change):
        pd.testing.assert_frame_equal(f(sc), f(shuffled))
    pd.testing.assert_frame_equal(
        likert_counts(resp, ans, "cop_climate"),
        likert_counts(resp.sample(frac=1, random_state=1), ans.sample(frac=1, random_state=2),
                      "cop_climate"))
    pd.testing.assert_frame_equal(
        reliability(resp, ans, "cop_climate"),
        reliability(resp.sample(frac=1, random_state=1), ans.sample(frac=1, random_state=2),
                    "cop_climate"))


def test_wave_order_follows_the_first_submission_not_the_label():
    t = pd.DataFrame({
        "response_id": list("abcdefg"), "cop_id": "c", "respondent_id": list("pqrstuv"),
        # alphabetically: end, mid, start, zzz; collected: start, mid, end; zzz has no time
        "wave": ["end", "start", "mid", "start", "end", "zzz", None],
        "submitted_at": pd.to_datetime(["2026-06-01", "2026-01-10", "2026-03-05", "2026-01-09",
                                        "2026-05-30", None, "2025-01-01"]),
    })
    assert wave_order(t) == ["start", "mid", "end", "zzz"]
    # two waves whose first answers come at the same moment: by label
    t.loc[2, "submitted_at"] = pd.Timestamp("2026-01-09")
    assert wave_order(t) == ["mid", "start", "end", "zzz"]
    with pytest.raises(UsageError, match="submitted_at"):
        wave_order(t.drop(columns="submitted_at"))


def test_in_wave_order_keeps_the_groups_and_their_rows():
    df = pd.DataFrame({
        "cop_id": ["b", "b", "b", "a", "a", None, None],
        "wave": ["post", "pre", "zzz", "post", "pre", "post", None],
        "x": [1, 2, 3, 4, 5, 6, 7],
    }, index=[10, 11, 12, 13, 14, 15, 16])
    out = in_wave_order(df, ["pre", "post"])
    # groups in order of appearance (b, a, missing); in each: pre, post, then the rest
    assert out["x"].tolist() == [2, 1, 3, 5, 4, 6, 7]
    assert out.index.tolist() == list(range(7))
    # by the waves alone
    assert in_wave_order(df, ["pre", "post"], before=[])["x"].tolist() == [2, 5, 1, 4, 6, 3, 7]
    # no wave column: unchanged
    pd.testing.assert_frame_equal(in_wave_order(df[["x"]], ["pre"]), df[["x"]])
    with pytest.raises(UsageError, match="list of wave labels"):
        in_wave_order(df, "pre")
    with pytest.raises(UsageError, match="country"):
        in_wave_order(df, ["pre"], before=["country"])
