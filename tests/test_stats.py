"""Tests of cocope_kit.stats against independent implementations and published examples.

Every value test names its oracle in a comment. Oracles:

- pingouin 0.7 (``cronbach_alpha``, ``wilcoxon``, ``mwu``, ``compute_effsize``),
  itself validated against R ``psych``;
- scikit-learn ``cohen_kappa_score`` and statsmodels ``cohens_kappa`` / ``fleiss_kappa``;
- the ``krippendorff`` package;
- scipy.stats (``wilcoxon``, ``mannwhitneyu``, ``bootstrap``, ``entropy``, ``f``,
  ``ttest_rel``) and statsmodels ``DescrStatsW``;
- published worked examples (Krippendorff 2011; Fleiss 1971; the Wikipedia Fleiss'
  kappa example; R psych values quoted in pingouin's tests);
- formulas written out by hand in this file (brute-force enumeration, double sums).
"""

from __future__ import annotations

import itertools
import math
import subprocess
import sys
import time
from pathlib import Path

import krippendorff
import numpy as np
import pandas as pd
import pingouin as pg
import pytest
import scipy.stats as ss
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import aggregate_raters, cohens_kappa
from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss_kappa
from statsmodels.stats.weightstats import DescrStatsW

from cocope_kit import stats
from cocope_kit.errors import CocopeError, UsageError

TOL = 1e-10
ROOT = Path(__file__).resolve().parents[1]
NAN = np.nan

# Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability, p. 3 (reliability
# data matrix, 4 coders x 12 units); published alphas: nominal .743 (p. 4), ordinal .815,
# interval .849, ratio .797 (pp. 5-6).
KRIPP_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
    [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
]
KRIPP_2011_ALPHA = {"nominal": 0.743, "ordinal": 0.815, "interval": 0.849, "ratio": 0.797}
LEVELS = ["nominal", "ordinal", "interval", "ratio"]


def likert_items(rng, n, k, missing=0.0, noise=1.0):
    """Correlated 1..5 items (latent trait + noise), optionally with missing cells."""
    latent = rng.normal(size=(n, 1))
    raw = latent + noise * rng.normal(size=(n, k))
    x = np.clip(np.round(raw + 3), 1, 5)
    if missing:
        x[rng.random((n, k)) < missing] = np.nan
    return pd.DataFrame(x, columns=[f"q{j + 1}" for j in range(k)])


# ---------------------------------------------------------------------------
# Module hygiene
# ---------------------------------------------------------------------------


def test_import_does_not_load_heavy_modules():
    # DESIGN.md: stats imports numpy/pandas only; scipy lazily. Load stats.py (and errors.py)
    # under a bare package so that cocope_kit/__init__.py's own imports do not interfere.
    code = f"""
import sys, types
import numpy, pandas
pkg = types.ModuleType("cocope_kit"); pkg.__path__ = [{str(ROOT / "cocope_kit")!r}]
sys.modules["cocope_kit"] = pkg
import cocope_kit.stats
bad = sorted(m for m in sys.modules
             if m.split(".")[0] in ("scipy", "matplotlib", "ipywidgets", "sqlite3"))
print(bad)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_public_surface():
    assert set(stats.__all__) <= set(dir(stats))
    for name in [
        "cronbach_alpha",
        "item_total",
        "cohen_kappa",
        "krippendorff_alpha",
        "wilcoxon_paired",
        "gini",
        "gas_tscore",
        "cronbach_alpha_grouped",
    ]:
        assert name in stats.__all__
    res = stats.cronbach_alpha(likert_items(np.random.default_rng(0), 20, 3))
    assert [f for f in res.__dataclass_fields__] == ["alpha", "ci_low", "ci_high", "n", "k"]
    with pytest.raises(AttributeError):
        res.alpha = 1.0  # frozen


# ---------------------------------------------------------------------------
# Cronbach's alpha, Feldt CI, item-total
# ---------------------------------------------------------------------------


def pingouin_feldt(alpha, n, k, ci=0.95):
    # Feldt interval written exactly as in pingouin.reliability.cronbach_alpha (unrounded).
    df1, df2 = n - 1, (n - 1) * (k - 1)
    a = 1 - ci
    return (
        1 - (1 - alpha) * ss.f.isf(a / 2, df1, df2),
        1 - (1 - alpha) * ss.f.isf(1 - a / 2, df1, df2),
    )


@pytest.mark.parametrize(
    "seed,n,k,ci",
    [(1, 30, 4, 0.95), (2, 200, 10, 0.9), (3, 12, 2, 0.99), (4, 57, 6, 0.95), (5, 8, 3, 0.8)],
)
def test_cronbach_alpha_vs_pingouin(seed, n, k, ci):
    df = likert_items(np.random.default_rng(seed), n, k)
    res = stats.cronbach_alpha(df, ci=ci)
    # Oracle: pingouin.cronbach_alpha (tested against R psych); its CI is rounded to 3 dp.
    pa, pci = pg.cronbach_alpha(df, ci=ci)
    assert abs(res.alpha - pa) < TOL
    assert abs(res.ci_low - pci[0]) <= 5e-4 + 1e-12
    assert abs(res.ci_high - pci[1]) <= 5e-4 + 1e-12
    # Unrounded CI: pingouin's formula with scipy's F.isf.
    lo, hi = pingouin_feldt(pa, n, k, ci)
    assert abs(res.ci_low - lo) < TOL and abs(res.ci_high - hi) < TOL
    assert (res.n, res.k) == (n, k)
    # Same on a plain 2-D array.
    assert abs(stats.cronbach_alpha(df.to_numpy(), ci=ci).alpha - pa) < TOL


def test_cronbach_alpha_missing_values_listwise():
    df = likert_items(np.random.default_rng(7), 80, 5, missing=0.05)
    assert df.isna().any(axis=1).sum() > 5
    res = stats.cronbach_alpha(df)
    # Oracle: pingouin with nan_policy="listwise" (R psych use="complete.obs") for alpha.
    pa, _ = pg.cronbach_alpha(df, nan_policy="listwise")
    assert abs(res.alpha - pa) < TOL
    # pingouin takes n for the CI *before* deleting rows, so compare the CI on pre-deleted data.
    complete = df.dropna()
    _, pci = pg.cronbach_alpha(complete)
    assert res.n == len(complete)
    assert abs(res.ci_low - pci[0]) <= 5e-4 + 1e-12 and abs(res.ci_high - pci[1]) <= 5e-4 + 1e-12
    lo, hi = pingouin_feldt(pa, len(complete), 5)
    assert abs(res.ci_low - lo) < TOL and abs(res.ci_high - hi) < TOL


def test_cronbach_alpha_published_r_psych_values():
    # pingouin tests/test_reliability.py: R psych::alpha on pingouin's "cronbach_alpha"
    # dataset gives alpha = .592, 95% CI [.195, .840]; on "cronbach_wide_missing" with
    # use="complete.obs" alpha = .80.
    df = pg.read_dataset("cronbach_alpha").pivot(index="Subj", columns="Items", values="Scores")
    res = stats.cronbach_alpha(df)
    assert round(res.alpha, 3) == 0.592
    assert round(res.ci_low, 3) == 0.195 and round(res.ci_high, 3) == 0.840
    wide = pg.read_dataset("cronbach_wide_missing")
    assert round(stats.cronbach_alpha(wide).alpha, 2) == 0.80


def test_cronbach_alpha_degenerate_data_gives_nan():
    one_row = pd.DataFrame({"a": [1.0], "b": [2.0]})
    res = stats.cronbach_alpha(one_row)
    assert math.isnan(res.alpha) and math.isnan(res.ci_low) and res.n == 1
    constant = pd.DataFrame({"a": [3, 3, 3], "b": [2, 2, 2]})
    assert math.isnan(stats.cronbach_alpha(constant).alpha)
    empty = pd.DataFrame({"a": [NAN, 1], "b": [2, NAN]})
    assert stats.cronbach_alpha(empty).n == 0


def test_feldt_ci_vs_pingouin_formula():
    for alpha, n, k, ci in [(0.8, 30, 5, 0.95), (0.3, 10, 2, 0.9), (-0.5, 100, 12, 0.99)]:
        res = stats.feldt_ci(alpha, n, k, ci)
        lo, hi = pingouin_feldt(alpha, n, k, ci)  # oracle: pingouin's F.isf formula
        assert abs(res.ci_low - lo) < TOL and abs(res.ci_high - hi) < TOL
        assert res.ci_low < alpha < res.ci_high
    assert math.isnan(stats.feldt_ci(0.5, 1, 3).ci_low)


def test_item_total_vs_pandas_and_alpha_without_item():
    df = likert_items(np.random.default_rng(11), 60, 5, missing=0.04)
    out = stats.item_total(df)
    assert list(out.columns) == ["item", "r_corrected", "alpha_if_deleted"]
    assert out["item"].tolist() == list(df.columns)
    complete = df.dropna()
    for _, row in out.iterrows():
        rest = complete.drop(columns=row["item"])
        # Oracle: pandas Series.corr of the item with the sum of the other items.
        r = complete[row["item"]].corr(rest.sum(axis=1))
        assert abs(row["r_corrected"] - r) < TOL
        # Oracle: cronbach_alpha / pingouin on the same rows without the item.
        assert abs(row["alpha_if_deleted"] - stats.cronbach_alpha(rest).alpha) < TOL
        assert abs(row["alpha_if_deleted"] - pg.cronbach_alpha(rest)[0]) < TOL


def test_item_total_two_items():
    df = likert_items(np.random.default_rng(12), 30, 2)
    out = stats.item_total(df)
    assert out["alpha_if_deleted"].isna().all()
    assert abs(out["r_corrected"].iloc[0] - df["q1"].corr(df["q2"])) < TOL


# ---------------------------------------------------------------------------
# Grouped alpha
# ---------------------------------------------------------------------------


def random_long(rng, n_cops=15, constructs=("c1", "c2", "c3"), missing=0.08):
    rows = []
    for cop in range(n_cops):
        for c in constructs:
            n_resp = int(rng.integers(1, 14))
            n_items = int(rng.integers(1, 7))
            items = [f"{c}_i{j}" for j in rng.choice(8, n_items, replace=False)]
            latent = rng.normal(size=n_resp)
            for r in range(n_resp):
                for it in items:
                    v = float(np.clip(np.round(latent[r] + rng.normal() + 3), 1, 5))
                    if rng.random() < missing:
                        v = NAN
                    rows.append((f"cop{cop}", c, f"m{r}", it, v))
    df = pd.DataFrame(rows, columns=["cop", "construct", "member", "item", "score"])
    # One group whose answers are all missing, and one item column that is all missing.
    df.loc[(df.cop == "cop0") & (df.construct == "c1"), "score"] = NAN
    return df.sample(frac=1, random_state=int(rng.integers(1000))).reset_index(drop=True)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_grouped_alpha_equals_per_group_alpha(seed):
    long = random_long(np.random.default_rng(seed))
    out = stats.cronbach_alpha_grouped(
        long, group=["cop", "construct"], respondent="member", item="item", value="score", ci=0.9
    )
    assert list(out.columns) == ["cop", "construct", "alpha", "ci_low", "ci_high", "n", "k"]
    assert len(out) == long.groupby(["cop", "construct"]).ngroups
    checked = 0
    for _, row in out.iterrows():
        sub = long[(long.cop == row.cop) & (long.construct == row.construct)]
        wide = sub.pivot(index="member", columns="item", values="score").dropna(axis=1, how="all")
        assert row.k == wide.shape[1]
        if wide.shape[1] < 2:
            assert math.isnan(row.alpha)
            continue
        # Oracle: cronbach_alpha on the group's own pivoted table.
        ref = stats.cronbach_alpha(wide, ci=0.9)
        assert row.n == ref.n
        for f in ("alpha", "ci_low", "ci_high"):
            a, b = row[f], getattr(ref, f)
            assert (math.isnan(a) and math.isnan(b)) or abs(a - b) < TOL
        checked += not math.isnan(ref.alpha)
    assert checked >= 10


def test_grouped_alpha_single_group_key_and_vs_pingouin():
    long = random_long(np.random.default_rng(5), n_cops=6, constructs=("c1",), missing=0.0)
    out = stats.cronbach_alpha_grouped(
        long, group="cop", respondent="member", item="item", value="score"
    )
    for _, row in out.iterrows():
        wide = long[long.cop == row.cop].pivot(index="member", columns="item", values="score")
        wide = wide.dropna(axis=1, how="all")
        if wide.shape[1] >= 2 and len(wide) >= 2 and not math.isnan(row.alpha):
            assert abs(row.alpha - pg.cronbach_alpha(wide)[0]) < TOL  # oracle: pingouin


def test_grouped_alpha_scales_to_2000_cops_x_10_constructs():
    rng = np.random.default_rng(3)
    n_cops, n_con, n_resp, n_items = 2000, 10, 12, 5
    cop, con, resp, item = np.meshgrid(
        np.arange(n_cops), np.arange(n_con), np.arange(n_resp), np.arange(n_items), indexing="ij"
    )
    latent = rng.normal(size=(n_cops, n_con, n_resp, 1))
    score = np.clip(np.round(latent + rng.normal(size=cop.shape) + 3), 1, 5)
    score[rng.random(score.shape) < 0.02] = NAN
    long = pd.DataFrame(
        {
            "cop": cop.ravel(),
            "construct": con.ravel(),
            "member": resp.ravel(),
            "item": con.ravel() * 100 + item.ravel(),
            "score": score.ravel(),
        }
    )
    t0 = time.perf_counter()
    out = stats.cronbach_alpha_grouped(
        long, group=["cop", "construct"], respondent="member", item="item", value="score"
    )
    elapsed = time.perf_counter() - t0
    assert len(out) == n_cops * n_con
    assert elapsed < 30, elapsed  # about 1 s on a laptop; generous for CI machines
    # Spot-check a few groups against cronbach_alpha.
    for idx in [0, 1234, 19999]:
        row = out.iloc[idx]
        sub = long[(long.cop == row.cop) & (long.construct == row.construct)]
        ref = stats.cronbach_alpha(sub.pivot(index="member", columns="item", values="score"))
        assert abs(row.alpha - ref.alpha) < TOL and row.n == ref.n


def test_grouped_alpha_bad_arguments():
    long = random_long(np.random.default_rng(1), n_cops=2)
    kw = dict(group="cop", respondent="member", item="item", value="score")
    with pytest.raises(UsageError, match="no column"):
        stats.cronbach_alpha_grouped(long, **{**kw, "item": "question"})
    dup = pd.concat([long, long.head(1)])
    with pytest.raises(UsageError, match="repeated"):
        stats.cronbach_alpha_grouped(dup, **kw)
    with pytest.raises(UsageError, match="empty cells"):
        stats.cronbach_alpha_grouped(long.assign(member=None), **kw)
    with pytest.raises(UsageError, match="different columns"):
        stats.cronbach_alpha_grouped(long, **{**kw, "item": "member"})
    with pytest.raises(UsageError, match="numbers"):
        stats.cronbach_alpha_grouped(long.assign(score="x"), **kw)
    with pytest.raises(UsageError, match="DataFrame"):
        stats.cronbach_alpha_grouped(long.to_numpy(), **kw)


# ---------------------------------------------------------------------------
# Agreement: Cohen, Fleiss, Krippendorff
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("weights", [None, "linear", "quadratic"])
@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_cohen_kappa_vs_sklearn_and_statsmodels(weights, seed):
    rng = np.random.default_rng(seed)
    a = rng.integers(1, 6, 80)
    b = np.where(rng.random(80) < 0.6, a, rng.integers(1, 6, 80))
    ours = stats.cohen_kappa(a, b, weights=weights)
    # Oracle 1: scikit-learn.
    assert abs(ours - cohen_kappa_score(a, b, weights=weights)) < TOL
    # Oracle 2: statsmodels cohens_kappa on the contingency table.
    table = pd.crosstab(a, b).reindex(index=range(1, 6), columns=range(1, 6), fill_value=0)
    wt = {None: None, "linear": "linear", "quadratic": "quadratic"}[weights]
    sm = cohens_kappa(table.to_numpy(), wt=wt, return_results=False)
    assert abs(ours - sm) < TOL


def test_cohen_kappa_missing_pairs_and_categories():
    rng = np.random.default_rng(9)
    a = rng.integers(1, 5, 50).astype(float)
    b = np.where(rng.random(50) < 0.5, a, rng.integers(1, 5, 50)).astype(float)
    a[[3, 7]] = NAN
    b[[7, 20]] = NAN
    keep = ~(np.isnan(a) | np.isnan(b))
    for w in [None, "linear", "quadratic"]:
        # Oracle: sklearn on the complete pairs.
        assert (
            abs(stats.cohen_kappa(a, b, w) - cohen_kappa_score(a[keep], b[keep], weights=w)) < TOL
        )
    # Unobserved category 7 counts in the weights when categories are given (sklearn labels=).
    cats = [1, 2, 3, 4, 7]
    ref = cohen_kappa_score(a[keep], b[keep], weights="linear", labels=cats)
    assert abs(stats.cohen_kappa(a, b, "linear", categories=cats) - ref) < TOL
    # Text labels, unweighted.
    la = ["x", "y", "y", "z", None, "x"]
    lb = ["x", "y", "z", "z", "y", "y"]
    assert (
        abs(stats.cohen_kappa(la, lb) - cohen_kappa_score(la[:4] + la[5:], lb[:4] + lb[5:])) < TOL
    )


@pytest.mark.parametrize("weights", ["linear", "quadratic"])
def test_cohen_kappa_full_scale_vs_statsmodels(weights):
    # Small samples leave scale points unobserved. statsmodels weights by position on the
    # table it is given (the full 1..5 scale), as does categories=[1, ..., 5]; sklearn and
    # the default (observed categories only) would differ here.
    for seed in range(30):
        rng = np.random.default_rng(seed)
        n = int(rng.integers(3, 12))
        a = rng.integers(1, 6, n)
        b = np.where(rng.random(n) < 0.6, a, rng.integers(1, 6, n))
        table = pd.crosstab(a, b).reindex(index=range(1, 6), columns=range(1, 6), fill_value=0)
        ref = cohens_kappa(table.to_numpy(), wt=weights, return_results=False)  # oracle
        ours = stats.cohen_kappa(a, b, weights, categories=[1, 2, 3, 4, 5])
        assert (math.isnan(ours) and math.isnan(ref)) or abs(ours - ref) < TOL


def test_cohen_kappa_degenerate():
    assert math.isnan(stats.cohen_kappa([1, 1, 1], [1, 1, 1]))  # chance agreement is 1
    assert math.isnan(stats.cohen_kappa([NAN], [1]))
    assert stats.cohen_kappa([1, 2, 3], [1, 2, 3], "quadratic") == 1.0


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_fleiss_kappa_vs_statsmodels(seed):
    rng = np.random.default_rng(seed)
    ratings = np.where(
        rng.random((40, 6)) < 0.5, rng.integers(0, 4, (40, 1)), rng.integers(0, 4, (40, 6))
    )
    table, _ = aggregate_raters(ratings)
    # Oracle: statsmodels.stats.inter_rater.fleiss_kappa.
    assert abs(stats.fleiss_kappa(table) - sm_fleiss_kappa(table)) < TOL
    assert abs(stats.fleiss_kappa(pd.DataFrame(table)) - sm_fleiss_kappa(table)) < TOL


def test_fleiss_kappa_published_examples():
    # Wikipedia "Fleiss' kappa" worked example (10 subjects, 14 raters, 5 categories):
    # kappa = 0.210. Also statsmodels test_inter_rater.table1.
    wiki = [
        [0, 0, 0, 0, 14],
        [0, 2, 6, 4, 2],
        [0, 0, 3, 5, 6],
        [0, 3, 9, 2, 0],
        [2, 2, 8, 1, 1],
        [7, 7, 0, 0, 0],
        [3, 2, 6, 3, 0],
        [2, 5, 3, 2, 2],
        [6, 5, 2, 1, 0],
        [0, 2, 2, 3, 7],
    ]
    assert round(stats.fleiss_kappa(wiki), 3) == 0.210
    # Fleiss (1971), Psychological Bulletin 76(5), Table 1: 30 patients, 6 psychiatrists,
    # 5 diagnoses; kappa = .430 (the `diagnoses` data of R irr / statsmodels tests).
    diagnoses = np.array(
        [
            [4, 4, 4, 4, 4, 4],
            [2, 2, 2, 5, 5, 5],
            [2, 3, 3, 3, 3, 5],
            [5, 5, 5, 5, 5, 5],
            [2, 2, 2, 4, 4, 4],
            [1, 1, 3, 3, 3, 3],
            [3, 3, 3, 3, 5, 5],
            [1, 1, 3, 3, 3, 4],
            [1, 1, 4, 4, 4, 4],
            [5, 5, 5, 5, 5, 5],
            [1, 4, 4, 4, 4, 4],
            [1, 2, 4, 4, 4, 4],
            [2, 2, 2, 3, 3, 3],
            [1, 4, 4, 4, 4, 4],
            [2, 2, 4, 4, 4, 5],
            [3, 3, 3, 3, 3, 5],
            [1, 1, 1, 4, 5, 5],
            [1, 1, 1, 1, 1, 2],
            [2, 2, 4, 4, 4, 4],
            [1, 3, 3, 5, 5, 5],
            [5, 5, 5, 5, 5, 5],
            [2, 4, 4, 4, 4, 4],
            [2, 2, 4, 5, 5, 5],
            [1, 1, 4, 4, 4, 4],
            [1, 4, 4, 4, 4, 5],
            [2, 2, 2, 2, 2, 4],
            [1, 1, 1, 1, 5, 5],
            [2, 2, 4, 4, 4, 4],
            [1, 3, 3, 3, 3, 3],
            [5, 5, 5, 5, 5, 5],
        ]
    )
    table, _ = aggregate_raters(diagnoses)
    assert round(stats.fleiss_kappa(table), 3) == 0.430


@pytest.mark.parametrize("level", LEVELS)
def test_krippendorff_2011_worked_example(level):
    # The krippendorff package agrees with the published values on this data ...
    assert (
        round(krippendorff.alpha(KRIPP_2011, level_of_measurement=level), 3)
        == KRIPP_2011_ALPHA[level]
    )
    # ... and so do we: published value (3 dp) and package (full precision).
    ours = stats.krippendorff_alpha(KRIPP_2011, level)
    assert round(ours, 3) == KRIPP_2011_ALPHA[level]
    assert abs(ours - krippendorff.alpha(KRIPP_2011, level_of_measurement=level)) < TOL
    df = pd.DataFrame(KRIPP_2011, index=["A", "B", "C", "D"])
    assert abs(stats.krippendorff_alpha(df, level) - ours) < TOL


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_krippendorff_vs_package_random(level, seed):
    rng = np.random.default_rng(seed)
    n_coders, n_units = int(rng.integers(2, 7)), int(rng.integers(5, 60))
    truth = rng.integers(0, 6, n_units)
    data = np.where(
        rng.random((n_coders, n_units)) < 0.7, truth, rng.integers(0, 6, (n_coders, n_units))
    ).astype(float)
    if level in ("interval", "ratio"):
        data = data * 1.7 + rng.integers(0, 2, data.shape) * 0.3
    data[rng.random(data.shape) < 0.25] = NAN
    # Oracle: krippendorff package.
    ref = krippendorff.alpha(data, level_of_measurement=level)
    assert abs(stats.krippendorff_alpha(data, level) - ref) < TOL


def test_krippendorff_text_labels_and_degenerate():
    labels = [["a", "b", None], ["a", "c", "c"], ["a", "b", "c"]]
    as_str = np.array([[v if v else "nan" for v in row] for row in labels])
    # Oracle: krippendorff package (strings, nominal).
    ref = krippendorff.alpha(as_str, level_of_measurement="nominal")
    assert abs(stats.krippendorff_alpha(labels, "nominal") - ref) < TOL
    assert math.isnan(stats.krippendorff_alpha([[1, 1], [1, 1]]))  # no disagreement possible
    assert math.isnan(stats.krippendorff_alpha([[1, NAN], [NAN, 2]]))  # nothing pairable
    with pytest.raises(UsageError, match="level"):
        stats.krippendorff_alpha(labels, "interval")
    with pytest.raises(UsageError, match="non-negative"):
        stats.krippendorff_alpha([[-1, 2], [1, 2]], "ratio")


# ---------------------------------------------------------------------------
# Wilcoxon, Mann-Whitney, effect sizes
# ---------------------------------------------------------------------------


def exact_wilcoxon_p(d):
    """Two-sided exact p by enumerating all 2^n sign patterns (no ties, no zeros)."""
    ranks = ss.rankdata(np.abs(d))
    w = ranks[d > 0].sum()
    dist = np.array(
        [
            sum(r for r, s in zip(ranks, signs, strict=True) if s)
            for signs in itertools.product([0, 1], repeat=len(d))
        ]
    )
    return min(1.0, 2 * min((dist <= w).mean(), (dist >= w).mean()))


def normal_wilcoxon_p(d):
    """Normal approximation with tie and continuity correction (Wilcoxon/Pratt textbook)."""
    n = len(d)
    ranks = ss.rankdata(np.abs(d))
    w = ranks[d > 0].sum()
    _, t = np.unique(np.abs(d), return_counts=True)
    var = n * (n + 1) * (2 * n + 1) / 24 - (t**3 - t).sum() / 48
    z = (abs(w - n * (n + 1) / 4) - 0.5) / math.sqrt(var)
    return 2 * ss.norm.sf(abs(z))


@pytest.mark.parametrize("seed,n", [(0, 12), (1, 30), (2, 80), (3, 9)])
def test_wilcoxon_with_zeros_and_ties(seed, n):
    rng = np.random.default_rng(seed)
    before = rng.integers(1, 6, n).astype(float)
    after = np.clip(before + rng.integers(-2, 4, n), 1, 7).astype(float)
    after[0] = before[0]  # at least one zero difference
    before[1] = NAN  # and one missing pair
    res = stats.wilcoxon_paired(before, after)
    keep = ~np.isnan(before)
    d = (after - before)[keep]
    d = d[d != 0]
    assert res.n == len(d)
    assert res.w_plus + res.w_minus == pytest.approx(res.n * (res.n + 1) / 2, abs=1e-12)
    assert res.method == "normal approximation with tie and continuity correction"
    # Oracle 1: scipy.stats.wilcoxon, asymptotic, zero_method="wilcox", continuity correction.
    sp = ss.wilcoxon(
        after[keep], before[keep], zero_method="wilcox", correction=True, method="asymptotic"
    )
    assert abs(res.p_value - sp.pvalue) < TOL
    assert min(res.w_plus, res.w_minus) == sp.statistic
    # Oracle 2: the normal approximation written out by hand.
    assert abs(res.p_value - normal_wilcoxon_p(d)) < TOL
    # Oracle 3: pingouin's matched-pairs rank-biserial (Kerby 2014).
    pgr = pg.wilcoxon(after[keep], before[keep])
    assert abs(res.rank_biserial - pgr["RBC"].iloc[0]) < TOL


@pytest.mark.parametrize("seed,n", [(0, 8), (1, 11), (2, 12)])
def test_wilcoxon_exact_without_ties(seed, n):
    rng = np.random.default_rng(seed)
    before = rng.normal(size=n)
    after = before + rng.normal(0.4, 1, n)
    res = stats.wilcoxon_paired(before, after)
    assert res.method == "exact"
    d = after - before
    # Oracle 1: brute-force enumeration of the exact null distribution.
    assert abs(res.p_value - exact_wilcoxon_p(d)) < TOL
    # Oracle 2: pingouin.wilcoxon (scipy default picks exact here): p and RBC.
    pgr = pg.wilcoxon(after, before)
    assert abs(res.p_value - pgr["p_val"].iloc[0]) < TOL
    assert abs(res.rank_biserial - pgr["RBC"].iloc[0]) < TOL


def test_wilcoxon_large_sample_matches_scipy_default():
    rng = np.random.default_rng(4)
    before = rng.normal(size=120)
    after = before + rng.normal(0.1, 1, 120)
    res = stats.wilcoxon_paired(before, after)
    # Oracle: scipy default (auto -> asymptotic for n > 50, continuity correction on).
    sp = ss.wilcoxon(after, before, correction=True)
    assert res.method.startswith("normal") and abs(res.p_value - sp.pvalue) < TOL


def test_wilcoxon_all_zero_differences():
    res = stats.wilcoxon_paired([1, 2, 3], [1, 2, 3])
    assert res.n == 0 and math.isnan(res.p_value) and math.isnan(res.rank_biserial)


@pytest.mark.parametrize(
    "seed,na,nb,ties", [(0, 6, 9, False), (1, 20, 25, True), (2, 15, 12, False), (3, 5, 7, True)]
)
def test_mann_whitney_vs_scipy_and_pingouin(seed, na, nb, ties):
    rng = np.random.default_rng(seed)
    a = rng.normal(0.5, 1, na)
    b = rng.normal(0, 1, nb)
    if ties:
        a, b = np.round(a), np.round(b)
    res = stats.mann_whitney(a, b)
    # Oracle 1: U by counting pairs (a > b plus half of ties).
    u = (a[:, None] > b).sum() + 0.5 * (a[:, None] == b).sum()
    assert abs(res.u - u) < TOL
    # Oracle 2: scipy.stats.mannwhitneyu default ("auto") gives U of the first sample and p.
    sp = ss.mannwhitneyu(a, b)
    assert abs(res.u - sp.statistic) < TOL and abs(res.p_value - sp.pvalue) < TOL
    # Oracle 3: pingouin.mwu rank-biserial (Wendt 1972).
    assert abs(res.rank_biserial - pg.mwu(a, b)["RBC"].iloc[0]) < TOL
    assert res.method == (
        "exact"
        if (min(na, nb) <= 8 and not ties)
        else "normal approximation with tie and continuity correction"
    )


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_cohen_dz_and_hedges_g_vs_pingouin(seed):
    rng = np.random.default_rng(seed)
    before = rng.normal(3, 1, 25)
    after = before + rng.normal(0.3, 0.8, 25)
    # Oracle: pingouin.compute_effsize (paired cohen_dz, difference x - y = after - before).
    dz = pg.compute_effsize(after, before, paired=True, eftype="cohen_dz")
    assert abs(stats.cohen_dz(before, after) - dz) < TOL
    # Oracle: paired t / sqrt(n).
    t = ss.ttest_rel(after, before).statistic
    assert abs(stats.cohen_dz(before, after) - t / math.sqrt(25)) < TOL
    a, b = rng.normal(0.5, 1, 14), rng.normal(0, 1.3, 19)
    g = pg.compute_effsize(a, b, paired=False, eftype="hedges")
    assert abs(stats.hedges_g(a, b) - g) < TOL
    # Missing values are dropped (pairwise for dz, per group for g).
    b2 = np.append(b, NAN)
    assert abs(stats.hedges_g(a, b2) - g) < TOL
    bef = np.append(before, [NAN, 1.0])
    aft = np.append(after, [2.0, NAN])
    assert abs(stats.cohen_dz(bef, aft) - dz) < TOL


# ---------------------------------------------------------------------------
# Confidence intervals
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("ci", [0.8, 0.95, 0.99])
def test_mean_ci_vs_statsmodels(ci):
    x = np.random.default_rng(2).normal(10, 3, 37)
    res = stats.mean_ci(np.append(x, NAN), ci)
    lo, hi = DescrStatsW(x).tconfint_mean(alpha=1 - ci)  # oracle: statsmodels
    assert abs(res.estimate - x.mean()) < TOL
    assert abs(res.ci_low - lo) < TOL and abs(res.ci_high - hi) < TOL
    assert math.isnan(stats.mean_ci([4.0]).ci_low)


@pytest.mark.parametrize("statistic", [np.mean, np.median, np.std])
def test_bootstrap_ci_vs_scipy(statistic):
    x = np.random.default_rng(5).exponential(2, 40)
    res = stats.bootstrap_ci(x, statistic=statistic, n_boot=1500, ci=0.9, seed=42)
    # Oracle: scipy.stats.bootstrap percentile method with the same generator, which draws
    # rng.integers(0, n, (n_resamples, n)) in one batch, like bootstrap_ci.
    sp = ss.bootstrap(
        (x,),
        statistic,
        n_resamples=1500,
        confidence_level=0.9,
        method="percentile",
        rng=np.random.default_rng(42),
        vectorized=True,
    )
    assert abs(res.ci_low - sp.confidence_interval.low) < TOL
    assert abs(res.ci_high - sp.confidence_interval.high) < TOL
    assert abs(res.estimate - statistic(x)) < TOL
    # A statistic without axis= goes through the per-resample loop and gives the same numbers.
    loop = stats.bootstrap_ci(x, statistic=lambda v: statistic(v), n_boot=1500, ci=0.9, seed=42)
    assert abs(loop.ci_low - res.ci_low) < TOL and abs(loop.ci_high - res.ci_high) < TOL
    assert stats.bootstrap_ci(x, statistic, n_boot=1500, ci=0.9, seed=42) == res


# ---------------------------------------------------------------------------
# Gini, entropy, Blau
# ---------------------------------------------------------------------------


def test_gini_hand_and_closed_form():
    # By hand: [1, 2, 3, 4]: sum_ij |xi - xj| = 2 * (1+2+3+1+2+1) = 20; 2 n^2 mean = 80.
    assert stats.gini([1, 2, 3, 4]) == pytest.approx(0.25, abs=1e-15)
    # Closed form: one member holds everything among n -> (n - 1) / n.
    for n in [1, 2, 5, 50]:
        assert stats.gini([0] * (n - 1) + [1]) == pytest.approx((n - 1) / n, abs=1e-15)
    assert stats.gini([0, 0, 0]) == 0.0
    assert stats.gini([3, NAN, 3]) == 0.0
    assert math.isnan(stats.gini([NAN]))


@pytest.mark.parametrize("seed", range(5))
def test_gini_vs_double_sum_and_mean_abs_difference(seed):
    x = np.random.default_rng(seed).exponential(1, 30)
    n = x.size
    double_sum = np.abs(x[:, None] - x[None, :]).sum() / (2 * n**2 * x.mean())
    mad = np.abs(x[:, None] - x[None, :]).mean()  # mean absolute difference over n^2 pairs
    assert abs(stats.gini(x) - double_sum) < TOL
    assert abs(stats.gini(x) - mad / (2 * x.mean())) < TOL


def test_normalised_entropy_vs_scipy_and_blau_closed_forms():
    for counts in ([3, 1, 0, 6], [1, 1], [10, 0, 0], [0.2, 0.3, 0.5], [4, 4, 4, 4, 4]):
        c = np.asarray(counts, dtype=float)
        # Oracle: scipy.stats.entropy (natural log) / log(k).
        assert abs(stats.normalised_entropy(c) - ss.entropy(c) / math.log(c.size)) < TOL
        # Oracle: probability that two draws with replacement differ.
        p = c / c.sum()
        differ = sum(p[i] * p[j] for i in range(c.size) for j in range(c.size) if i != j)
        assert abs(stats.blau_index(c) - differ) < TOL
    assert math.isnan(stats.normalised_entropy([7]))
    assert math.isnan(stats.normalised_entropy([0, 0]))
    for k in [2, 3, 10]:
        assert stats.blau_index([5] * k) == pytest.approx(1 - 1 / k, abs=1e-15)  # closed form
    assert stats.blau_index([0, 9]) == 0.0


# ---------------------------------------------------------------------------
# GAS T-score
# ---------------------------------------------------------------------------


def test_gas_tscore_hand_computed():
    # Kiresuk & Sherman (1968): T = 50 + 10 sum(w x) / sqrt((1-rho) sum w^2 + rho (sum w)^2).
    assert stats.gas_tscore([0, 0, 0, 0]) == 50.0
    # Three goals, all +1, equal weights, rho = .3: 50 + 30 / sqrt(.7*3 + .3*9) = 50 + 30/sqrt(4.8)
    assert stats.gas_tscore([1, 1, 1]) == pytest.approx(50 + 30 / math.sqrt(4.8), abs=1e-12)
    assert stats.gas_tscore([1, 1, 1]) == pytest.approx(63.693064, abs=1e-6)
    # One goal at +2: 50 + 20 / sqrt(.7 + .3) = 70 whatever rho.
    for rho in (0.0, 0.3, 0.9):
        assert stats.gas_tscore([2], rho=rho) == pytest.approx(70.0, abs=1e-12)
    # rho = 0, equal weights: 50 + 10 sum(x) / sqrt(k).
    assert stats.gas_tscore([2, -1, 1, 0], rho=0) == pytest.approx(50 + 20 / 2, abs=1e-12)
    # Weighted: x = [1, 0, -1, 2], w = [2, 1, 1, 1]: sum wx = 3, sum w^2 = 7, sum w = 5,
    # 50 + 30 / sqrt(.7*7 + .3*25) = 50 + 30 / sqrt(12.4).
    assert stats.gas_tscore([1, 0, -1, 2], [2, 1, 1, 1]) == pytest.approx(
        50 + 30 / math.sqrt(12.4), abs=1e-12
    )
    # Unscored goals are left out with their weight.
    assert stats.gas_tscore([1, NAN, 1, 1], [1, 5, 1, 1]) == stats.gas_tscore([1, 1, 1])
    assert math.isnan(stats.gas_tscore([NAN, NAN]))


@pytest.mark.parametrize("seed", range(5))
def test_gas_tscore_vs_numpy(seed):
    rng = np.random.default_rng(seed)
    x = rng.integers(-2, 3, 7).astype(float)
    w = rng.uniform(0.5, 3, 7)
    rho = float(rng.uniform(0, 0.9))
    ref = 50 + 10 * np.dot(w, x) / np.sqrt((1 - rho) * np.sum(w**2) + rho * np.sum(w) ** 2)
    assert abs(stats.gas_tscore(x, w, rho) - ref) < TOL


# ---------------------------------------------------------------------------
# Bad arguments: UsageError naming the parameter
# ---------------------------------------------------------------------------

GOOD = pd.DataFrame({"a": [1, 2, 3], "b": [2, 3, 3]})

BAD_CALLS = [
    (stats.cronbach_alpha, (GOOD[["a"]],), {}, "at least 2 item"),
    (stats.cronbach_alpha, ([1, 2, 3],), {}, "items_wide must be two-dimensional"),
    (stats.cronbach_alpha, (GOOD,), {"ci": 1.5}, "ci must be"),
    (stats.cronbach_alpha, (GOOD.assign(b=["x", "y", "z"]),), {}, "column 'b'"),
    (stats.cronbach_alpha, (GOOD.assign(b=[1, np.inf, 2]),), {}, "finite"),
    (stats.item_total, ("abc",), {}, "items_wide"),
    (stats.feldt_ci, (0.5, 10, 1), {}, "k"),
    (stats.feldt_ci, (1.5, 10, 3), {}, "alpha"),
    (stats.cohen_kappa, ([1, 2], [1, 2, 3]), {}, "same length"),
    (stats.cohen_kappa, ([1, 2], [1, 2]), {"weights": "cubic"}, "weights must be one of"),
    (stats.cohen_kappa, ([1, 2], [1, 2]), {"categories": [1]}, "not in categories"),
    (stats.cohen_kappa, ([1, "a"], [1, 2]), {"weights": "linear"}, "ordered"),
    (stats.krippendorff_alpha, ([1, 2, 3],), {}, "two-dimensional"),
    (stats.krippendorff_alpha, ([[1, 2]],), {"level": "metric"}, "level must be one of"),
    (stats.wilcoxon_paired, ([1, 2], [1]), {}, "same length"),
    (stats.wilcoxon_paired, ([[1, 2]], [[1, 2]]), {}, "before must be one-dimensional"),
    (stats.mann_whitney, (["a"], [1]), {}, "a must hold numbers"),
    (stats.gini, ([1, -1],), {}, "non-negative"),
    (stats.gini, (5,), {}, "values"),
    (stats.gas_tscore, ([3],), {}, r"between -2 and \+2"),
    (stats.gas_tscore, ([1, 2], [1]), {}, "one value per goal"),
    (stats.gas_tscore, ([1, 2], [1, -1]), {}, "non-negative"),
    (stats.gas_tscore, ([1, 2], [0, 0]), {}, "not all be zero"),
    (stats.gas_tscore, ([1],), {"rho": 2}, "rho"),
    (stats.normalised_entropy, ([],), {}, "at least one"),
    (stats.blau_index, ([1, NAN],), {}, "missing"),
    (stats.fleiss_kappa, ([[1, 2], [3, 1]],), {}, "same number of raters"),
    (stats.fleiss_kappa, ([[1, 0], [0, 1]],), {}, "at least 2 raters"),
    (stats.fleiss_kappa, ([[1.5, 0.5]],), {}, "whole"),
    (stats.bootstrap_ci, ([1, 2],), {"n_boot": 0}, "n_boot"),
    (stats.bootstrap_ci, ([1, 2],), {"statistic": "mean"}, "statistic"),
    (stats.bootstrap_ci, ([1, 2],), {"seed": -1}, "seed"),
    (stats.mean_ci, ([1, 2],), {"ci": 0}, "ci"),
]


@pytest.mark.parametrize("func,args,kwargs,match", BAD_CALLS)
def test_bad_arguments_raise_usage_error(func, args, kwargs, match):
    with pytest.raises(UsageError, match=match):
        func(*args, **kwargs)


# ---------------------------------------------------------------------------
# Property tests (hypothesis)
# ---------------------------------------------------------------------------

likert = st.integers(1, 5)


@st.composite
def item_frames(draw, min_rows=3, max_rows=25):
    k = draw(st.integers(2, 6))
    n = draw(st.integers(min_rows, max_rows))
    cells = draw(hnp.arrays(np.float64, (n, k), elements=st.integers(1, 5).map(float)))
    holes = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, k - 1)), max_size=4))
    for i, j in holes:
        cells[i, j] = NAN
    return pd.DataFrame(cells, columns=[f"q{j}" for j in range(k)])


def same(a, b, tol=1e-9):
    return (math.isnan(a) and math.isnan(b)) or abs(a - b) <= tol * max(1.0, abs(a))


@settings(max_examples=60, deadline=None)
@given(item_frames(), st.randoms(use_true_random=False))
def test_cronbach_alpha_row_order_invariant(df, rnd):
    order = list(range(len(df)))
    rnd.shuffle(order)
    a, b = stats.cronbach_alpha(df), stats.cronbach_alpha(df.iloc[order])
    assert same(a.alpha, b.alpha) and same(a.ci_low, b.ci_low) and a.n == b.n


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(likert, likert), min_size=2, max_size=40),
    st.randoms(use_true_random=False),
    st.sampled_from([None, "linear", "quadratic"]),
)
def test_cohen_kappa_order_invariant_and_symmetric(pairs, rnd, weights):
    a, b = [p[0] for p in pairs], [p[1] for p in pairs]
    k = stats.cohen_kappa(a, b, weights)
    shuffled = pairs[:]
    rnd.shuffle(shuffled)
    assert same(k, stats.cohen_kappa([p[0] for p in shuffled], [p[1] for p in shuffled], weights))
    assert same(k, stats.cohen_kappa(b, a, weights))
    assert math.isnan(k) or -1 - 1e-12 <= k <= 1 + 1e-12


@settings(max_examples=60, deadline=None)
@given(
    st.lists(likert, min_size=2, max_size=40).filter(lambda v: len(set(v)) >= 2),
    st.sampled_from([None, "linear", "quadratic"]),
)
def test_kappa_of_identical_ratings_is_one(ratings, weights):
    assert stats.cohen_kappa(ratings, ratings, weights) == pytest.approx(1.0, abs=1e-12)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    hnp.arrays(
        np.float64,
        st.tuples(st.integers(2, 5), st.integers(2, 12)),
        elements=st.one_of(st.integers(0, 4).map(float), st.just(NAN)),
    ),
    st.sampled_from(LEVELS),
    st.randoms(use_true_random=False),
)
def test_krippendorff_unit_and_coder_order_invariant(data, level, rnd):
    units = list(range(data.shape[1]))
    coders = list(range(data.shape[0]))
    rnd.shuffle(units)
    rnd.shuffle(coders)
    a = stats.krippendorff_alpha(data, level)
    assert same(a, stats.krippendorff_alpha(data[np.ix_(coders, units)], level))


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.floats(0, 1e6, allow_nan=False), min_size=1, max_size=60),
    st.floats(1e-3, 1e3),
    st.randoms(use_true_random=False),
)
def test_gini_range_scale_and_order(values, scale, rnd):
    g = stats.gini(values)
    assert 0.0 <= g < 1.0
    assert g <= (len(values) - 1) / len(values) + 1e-12
    assert same(g, stats.gini([v * scale for v in values]), tol=1e-9)
    shuffled = values[:]
    rnd.shuffle(shuffled)
    assert same(g, stats.gini(shuffled), tol=1e-12)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 10), st.integers(0, 10)), min_size=1, max_size=40),
    st.randoms(use_true_random=False),
)
def test_wilcoxon_order_invariant_and_rank_sums(pairs, rnd):
    res = stats.wilcoxon_paired([p[0] for p in pairs], [p[1] for p in pairs])
    assert res.w_plus + res.w_minus == pytest.approx(res.n * (res.n + 1) / 2)
    shuffled = pairs[:]
    rnd.shuffle(shuffled)
    res2 = stats.wilcoxon_paired([p[0] for p in shuffled], [p[1] for p in shuffled])
    assert (res.n, res.w_plus, res.w_minus, res.method) == (
        res2.n,
        res2.w_plus,
        res2.w_minus,
        res2.method,
    )
    assert same(res.p_value, res2.p_value, tol=1e-12)
    assert math.isnan(res.p_value) or 0 <= res.p_value <= 1


# Fuzzing: whatever the argument, the only exception allowed is a CocopeError.

scalars = st.one_of(
    st.integers(-5, 5),
    st.floats(allow_nan=True, allow_infinity=True, width=32),
    st.text(max_size=3),
    st.none(),
    st.booleans(),
    st.just(pd.NA),
    st.just(10**400),
    st.just(1 + 2j),
)
cells = st.one_of(
    st.integers(-3, 6),
    st.floats(-10, 10),
    st.just(NAN),
    st.text(max_size=2),
    st.none(),
    st.booleans(),
)


@st.composite
def odd_frames(draw):
    n, k = draw(st.integers(0, 6)), draw(st.integers(0, 4))
    cols = {f"c{j}": draw(st.lists(cells, min_size=n, max_size=n)) for j in range(k)}
    return pd.DataFrame(cols) if draw(st.booleans()) else pd.DataFrame(cols).to_numpy()


anything = st.one_of(
    scalars,
    st.lists(scalars, max_size=6),
    st.lists(st.lists(cells, max_size=4), max_size=4),
    odd_frames(),
    st.dictionaries(st.text(max_size=2), cells, max_size=3),
)


def only_cocope_errors(func, *args, **kwargs):
    try:
        func(*args, **kwargs)
    except CocopeError:
        pass


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(odd_frames(), st.one_of(st.floats(-1, 2), st.just(0.95), scalars))
def test_fuzz_cronbach_alpha_raises_only_cocope_errors(frame, ci):
    only_cocope_errors(stats.cronbach_alpha, frame, ci=ci)
    only_cocope_errors(stats.item_total, frame)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    anything,
    anything,
    st.one_of(st.sampled_from([None, "linear", "quadratic"]), scalars),
    st.one_of(st.sampled_from(LEVELS), scalars),
)
def test_fuzz_other_functions_raise_only_cocope_errors(x, y, weights, level):
    only_cocope_errors(stats.cohen_kappa, x, y, weights)
    only_cocope_errors(stats.krippendorff_alpha, x, level)
    only_cocope_errors(stats.fleiss_kappa, x)
    only_cocope_errors(stats.wilcoxon_paired, x, y)
    only_cocope_errors(stats.mann_whitney, x, y)
    only_cocope_errors(stats.cohen_dz, x, y)
    only_cocope_errors(stats.hedges_g, x, y)
    only_cocope_errors(stats.gini, x)
    only_cocope_errors(stats.normalised_entropy, x)
    only_cocope_errors(stats.blau_index, x)
    only_cocope_errors(stats.gas_tscore, x)
    only_cocope_errors(stats.gas_tscore, x, y, 0.3)
    only_cocope_errors(stats.mean_ci, x)
    only_cocope_errors(stats.bootstrap_ci, x, n_boot=20)
    only_cocope_errors(stats.feldt_ci, x, y, 3)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(odd_frames(), st.sampled_from(["cop", "member", "item", "score", "nope"]))
def test_fuzz_grouped_alpha_raises_only_cocope_errors(frame, col):
    df = pd.DataFrame(frame)
    df.columns = ["cop", "member", "item", "score"][: df.shape[1]]
    only_cocope_errors(
        stats.cronbach_alpha_grouped, df, group="cop", respondent="member", item="item", value=col
    )
