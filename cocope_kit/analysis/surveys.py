"""Surveys: Likert distributions, construct scores, reliability, and change from pre to post.

Start from the ``response`` and ``answer`` tables and an instrument; score with
:func:`cocope_kit.analysis.scale_scores` (reverse keying, minimum answered).
Every table is computed for all groups at once: the same call serves one CoP
or 2,000. The statistics equal those of :mod:`cocope_kit.stats` applied group
by group (checked in the tests): :func:`~cocope_kit.stats.mean_ci`,
:func:`~cocope_kit.stats.cronbach_alpha_grouped`,
:func:`~cocope_kit.stats.wilcoxon_paired`, :func:`~cocope_kit.stats.cohen_dz`,
:func:`~cocope_kit.stats.mann_whitney` and :func:`~cocope_kit.stats.hedges_g`.

Grouping columns (``by=``): ``cop_id``, ``wave``, ``role`` (the respondent's
role), ``role_group``, ``instrument_id``, and with ``cop=`` the CoP's
``school``, ``country``, ``language``, ``cycle``.

Examples
--------
>>> from cocope_kit.demo import demo_tables
>>> from cocope_kit.analysis import scale_scores, prepost_change
>>> t = demo_tables()
>>> s = scale_scores(t["response"], t["answer"], "working_together")
>>> ch = prepost_change(s)
>>> ch[ch.construct == "collaboration"][["cop_id", "method", "n_pairs", "mean_diff"]].round(2)
      cop_id  method  n_pairs  mean_diff
0    at-graz  paired        9       1.45
3    be-gent  paired        9       0.06
6   pt-porto  paired        8       0.29
9  sk-kosice  paired        7      -0.05
"""

from __future__ import annotations

import functools
import numbers
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..errors import Problem, UsageError, ValidationError
from ..instruments import Instrument
from ..model import ROLE_GROUP
from ..schema import TEXT_DTYPE
from ..stats import cronbach_alpha_grouped
from .collaboration import (
    _answer_keys,
    _instrument,
    _keyed_answers,
    _positions,
    _responses,
    _score_frame,
    _scored_items,
)
from .load import COP_COLUMNS, _by, _codes, _frame, _role_group, _with_cop

__all__ = [
    "MISSING_LABEL",
    "SMALL_N",
    "PAIRED_SHARE",
    "DECIMALS",
    "likert_counts",
    "construct_scores",
    "reliability",
    "prepost_change",
    "wave_order",
    "in_wave_order",
]

MISSING_LABEL = "don't know / missing"
"""Label of the row of :func:`likert_counts` that counts blank answers."""

SMALL_N = 10
"""Below this many pairs (or respondents per wave) a change gets a caution."""

PAIRED_SHARE = 0.5
"""A group is paired when at least this share of the smaller wave's respondents (and at
least one) also have a score at the other wave."""

DECIMALS = 10
"""Scores are rounded to this many decimals before ranking, so that equal scores reached
by different sums (4 - 11/3 and 11/3 - 10/3) tie as they should."""

_KEYS = ("cop_id", "wave", "role", "role_group", "instrument_id", *COP_COLUMNS)
_SMALL_TEXT = "small n: read as a description, not a test"


def _check_ci(ci: object) -> float:
    if isinstance(ci, bool) or not isinstance(ci, numbers.Real) or not 0 < ci < 1:
        raise UsageError(f"ci must be a number strictly between 0 and 1, got {ci!r}")
    return float(ci)


def _response_keys(resp: pd.DataFrame, keys: Sequence[str], cop: pd.DataFrame | None
                   ) -> pd.DataFrame:
    """Responses with ``role``/``role_group`` (from ``respondent_role``) and CoP columns."""
    out = resp.assign(role=resp["respondent_role"].astype(TEXT_DTYPE))
    out = out.assign(role_group=_role_group(out["role"]))
    return _with_cop(out, keys, cop)


# ---------------------------------------------------------------------------
# Likert distributions
# ---------------------------------------------------------------------------


def _audience_ok(group: np.ndarray, audience: np.ndarray) -> np.ndarray:
    """Matrix [respondent, item]: is an item with ``audience`` (comma list) shown to ``group``?"""
    g_codes, g_uniq = pd.factorize(pd.Series(group, dtype=object), use_na_sentinel=False)
    table = np.array([[("all" in a.split(",")) or (isinstance(g, str) and g in a.split(","))
                       for a in audience] for g in g_uniq], dtype=bool).reshape(
        len(g_uniq), len(audience))
    return table[g_codes]


def likert_counts(
    responses: pd.DataFrame,
    answers: pd.DataFrame,
    instrument: str | Instrument,
    *,
    by: str | Sequence[str] = ("cop_id", "wave"),
    language: str = "en",
    cop: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Counts and percentages of every answer option of every item, per group.

    Parameters
    ----------
    responses, answers : pandas.DataFrame
        Rows of the ``response`` and ``answer`` tables (responses to other
        instruments are left out).
    instrument : str or Instrument
        Instrument id, path or loaded instrument (its ordinal items count;
        free-text items do not).
    by : str or sequence of str, default ("cop_id", "wave")
        Grouping columns (module docstring); ``()`` for all responses together.
    language : str, default "en"
        Language of the option labels (English where not translated).
    cop : pandas.DataFrame, optional
        Rows of the ``cop`` table (for school, country, ...).

    Returns
    -------
    pandas.DataFrame
        Long form, one row per group, item and option, sorted by group, item
        (instrument order) and option, the missing row last: the ``by``
        columns, then ``item_id``, ``construct``, ``option`` (the scale value;
        NaN for the missing row), ``label`` (the option's label;
        :data:`MISSING_LABEL` for the missing row), ``count`` (int), ``n``
        (int: responses of the group the item was shown to), ``percent``
        (``100 * count / n``, the missing row included, so the rows of an
        item add up to 100) and ``percent_answered`` (``100 * count`` over
        the answered responses; NaN for the missing row).

        A response is shown an item when it has an answer row for it or the
        respondent's role group is in the item's audience (``all`` reaches
        everyone). Items not shown to anyone in a group have no rows there.

    Raises
    ------
    ValidationError
        Listing every answer that is not one of its scale's values.

    Examples
    --------
    >>> import pandas as pd
    >>> resp = pd.DataFrame({"response_id": ["r1", "r2", "r3"], "cop_id": "c",
    ...     "respondent_id": ["a", "b", "c"], "respondent_role": "teacher",
    ...     "instrument_id": "working_together", "wave": "pre"})
    >>> ans = pd.DataFrame({"response_id": ["r1", "r2", "r3"], "item_id": "wt_fit",
    ...                     "value": [3, 3, None]})
    >>> out = likert_counts(resp, ans, "working_together")
    >>> fit = out[out.item_id == "wt_fit"].reset_index(drop=True)
    >>> fit[["option", "count", "n", "percent", "percent_answered"]].round(1)
       option  count  n  percent  percent_answered
    0     1.0      0  3      0.0               0.0
    1     2.0      0  3      0.0               0.0
    2     3.0      2  3     66.7             100.0
    3     NaN      1  3     33.3               NaN
    >>> print(fit.label[3])
    don't know / missing
    """
    inst = _instrument(instrument)
    keys = _by(by, _KEYS)
    items = inst.item_table(language)
    items = items[items["n_points"] > 0].reset_index(drop=True)
    n_items = len(items)
    resp = _response_keys(_responses(responses, inst), keys, cop).reset_index(drop=True)
    # the answers' ids factorised once (shared with scale_scores inside run_catalogue)
    ans, r_code, r_uniq, i_code, i_uniq = _answer_keys(answers)
    r = _positions(resp["response_id"], r_code, r_uniq)
    i = _positions(items["item_id"], i_code, i_uniq)
    ok = (r >= 0) & (i >= 0)
    r, i, v = r[ok], i[ok], ans["value"].to_numpy(dtype=float)[ok]

    # options of each item: its scale's values, then the missing row
    opt_val, opt_lab, opt_item = [], [], []
    for k, sid in enumerate(items["scale"]):
        sc = inst.scales[sid]
        labels = sc.labels_for(language)
        for j, val in enumerate(sc.values):
            opt_val.append(float(val))
            opt_lab.append(labels[j] if j < len(labels) else f"{val:g}")
            opt_item.append(k)
        opt_val.append(np.nan)
        opt_lab.append(MISSING_LABEL)
        opt_item.append(k)
    opt_item = np.array(opt_item, dtype=np.int64)
    opt_val = np.array(opt_val, dtype=float)
    first_opt = np.searchsorted(opt_item, np.arange(n_items))
    n_opt = np.bincount(opt_item, minlength=n_items)

    # which option each answer is (missing = last option of the item)
    rank = np.full(v.shape, -1, dtype=np.int64)
    for k in np.unique(i):
        sel = i == k
        vals = opt_val[first_opt[k]:first_opt[k] + n_opt[k] - 1]
        where = np.searchsorted(vals, v[sel])
        hit = (where < vals.size) & (vals[np.minimum(where, vals.size - 1)] == v[sel])
        rank[sel] = np.where(np.isnan(v[sel]), n_opt[k] - 1, np.where(hit, where, -1))
    bad = rank < 0
    if bad.any():
        rid = resp["response_id"].to_numpy(dtype=object)
        iid = items["item_id"].to_numpy(dtype=object)
        scales = items["scale"].to_numpy(dtype=object)
        allowed = {sid: ", ".join(f"{x:g}" for x in inst.scales[sid].values) for sid in scales}
        problems = [Problem("answer", None, "value", float(val),
                            f"response {rid[rr]}, item {iid[ii]}: one of the values of scale "
                            f"{scales[ii]} ({allowed[scales[ii]]}), or blank for don't know / "
                            "missing")
                    for rr, ii, val in zip(r[bad], i[bad], v[bad], strict=True)]
        raise ValidationError(problems, f"answers to instrument {inst.id!r}")

    # respondents x items: shown? which option? (last answer row wins)
    n_resp = len(resp)
    cell = np.full((n_resp, n_items), -1, dtype=np.int64)
    cell[r, i] = rank
    group = resp["role"].map(ROLE_GROUP, na_action="ignore").to_numpy(dtype=object)
    shown = (cell >= 0) | _audience_ok(group, items["audience"].to_numpy(dtype=object))
    cell = np.where(shown & (cell < 0), (n_opt - 1)[None, :], cell)  # shown, no row: missing
    codes, table = _codes(resp, keys)
    ng = len(table)
    gi = (codes[:, None] * n_items + np.arange(n_items)[None, :])
    n = np.bincount(gi[shown], minlength=ng * n_items)
    flat_opt = (first_opt[None, :] + cell)[shown]
    count = np.bincount(gi[shown] * opt_val.size + flat_opt, minlength=ng * n_items * opt_val.size)
    count = count.reshape(ng * n_items, opt_val.size)

    # rows: (group, item) with n > 0, each with the item's options
    gi_keep = np.flatnonzero(n > 0)
    g_of, i_of = gi_keep // max(n_items, 1), gi_keep % max(n_items, 1)
    reps = n_opt[i_of]
    row_gi = np.repeat(gi_keep, reps)
    row_g = np.repeat(g_of, reps)
    row_i = np.repeat(i_of, reps)
    start = np.repeat(first_opt[i_of], reps)
    offset = np.arange(row_gi.size) - np.repeat(np.cumsum(reps) - reps, reps)
    row_opt = start + offset
    cnt = count[row_gi, row_opt]
    nn = n[row_gi]
    miss_idx = first_opt[i_of] + n_opt[i_of] - 1
    answered = np.repeat(n[gi_keep] - count[gi_keep, miss_idx], reps)
    is_missing = offset == np.repeat(n_opt[i_of] - 1, reps)
    out = table.iloc[row_g].reset_index(drop=True) if keys else pd.DataFrame(
        index=range(row_gi.size))
    out["item_id"] = pd.Series(items["item_id"].to_numpy()[row_i], dtype=TEXT_DTYPE)
    out["construct"] = pd.Series(items["construct"].to_numpy()[row_i], dtype=TEXT_DTYPE)
    out["option"] = opt_val[row_opt]
    out["label"] = pd.Series(np.array(opt_lab, dtype=object)[row_opt], dtype=TEXT_DTYPE)
    out["count"] = cnt.astype("int64")
    out["n"] = nn.astype("int64")
    out["percent"] = 100 * cnt / nn
    with np.errstate(invalid="ignore", divide="ignore"):
        out["percent_answered"] = np.where(is_missing | (answered == 0), np.nan,
                                           100 * cnt / np.where(answered > 0, answered, 1))
    return out


# ---------------------------------------------------------------------------
# construct scores and reliability
# ---------------------------------------------------------------------------


def _t_half_width(sd: np.ndarray, n: np.ndarray, ci: float) -> np.ndarray:
    from scipy.special import stdtrit  # the t quantile (as scipy.stats.t.ppf), lighter import

    ok = n >= 2
    q = stdtrit(np.where(ok, n - 1, 1), (1 + ci) / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(ok, q * sd / np.sqrt(np.where(ok, n, 1)), np.nan)


def construct_scores(
    scores: pd.DataFrame,
    *,
    by: str | Sequence[str] = ("cop_id", "wave"),
    ci: float = 0.95,
    cop: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Mean, spread and confidence interval of each construct score, per group.

    Parameters
    ----------
    scores : pandas.DataFrame
        What :func:`~cocope_kit.analysis.scale_scores` returns.
    by : str or sequence of str, default ("cop_id", "wave")
        Grouping columns (module docstring); ``construct`` is always added.
    ci : float, default 0.95
        Confidence level of the interval of the mean.
    cop : pandas.DataFrame, optional
        Rows of the ``cop`` table (for school, country, ...).

    Returns
    -------
    pandas.DataFrame
        One row per group and construct (also when no score is left, with
        ``n = 0``), sorted: the ``by`` columns, ``construct``, then ``n``
        (int: non-missing scores), ``mean``,
        ``sd`` (``ddof=1``), ``median``, ``ci_low``, ``ci_high``
        (:func:`cocope_kit.stats.mean_ci`: t interval; NaN with n < 2).

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"response_id": list("abcd"), "respondent_id": list("abcd"),
    ...                   "cop_id": "c", "wave": "pre", "construct": "trust",
    ...                   "score": [2.0, 4.0, 4.0, None]})
    >>> construct_scores(s).round(3)
      cop_id wave construct  n   mean     sd  median  ci_low  ci_high
    0      c  pre     trust  3  3.333  1.155     4.0   0.465    6.202
    """
    level = _check_ci(ci)
    keys = _by(by, _KEYS, add=("construct",))
    s = _score_frame(scores, keys, cop)
    codes, table = _codes(s, keys)
    ng = len(table)
    x = s["score"].to_numpy(dtype=float)
    ok = ~np.isnan(x)
    codes, x = codes[ok], x[ok]
    n = np.bincount(codes, minlength=ng)
    tot = np.bincount(codes, weights=x, minlength=ng)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n > 0, tot / np.where(n > 0, n, 1), np.nan)
        ss = np.bincount(codes, weights=(x - mean[codes]) ** 2, minlength=ng)
        sd = np.where(n >= 2, np.sqrt(ss / np.where(n >= 2, n - 1, 1)), np.nan)
    half = _t_half_width(sd, n, level)
    med = pd.Series(x).groupby(codes).median().reindex(range(ng)).to_numpy(dtype=float)
    out = table.copy()
    out["n"] = n.astype("int64")
    out["mean"] = mean
    out["sd"] = sd
    out["median"] = med
    out["ci_low"] = mean - half
    out["ci_high"] = mean + half
    return out


def wave_order(responses: pd.DataFrame) -> list[str]:
    """The survey waves in the order they were collected.

    Wave labels are free text (``pre``, ``post``, ``mid``, ``2027-spring``), so
    the tables sort them alphabetically, which puts ``post`` before ``pre``.
    Reports and notebooks can show them in time order with this list.

    Parameters
    ----------
    responses : pandas.DataFrame
        Rows of the ``response`` table (``wave``, ``submitted_at``).

    Returns
    -------
    list of str
        Every wave label once, by its earliest ``submitted_at``; waves
        submitted at the same moment, and waves without a time, follow by
        label (those without a time last).

    Examples
    --------
    >>> from cocope_kit.demo import demo_tables
    >>> wave_order(demo_tables()["response"])
    ['pre', 'post']
    """
    resp = _frame("response", responses, param="responses", need=("wave", "submitted_at"))
    resp = resp[resp["wave"].notna().to_numpy(dtype=bool)]
    first = resp.groupby(resp["wave"].astype(str), sort=False)["submitted_at"].min()
    dated = first.dropna()
    undated = sorted(set(first.index) - set(dated.index))
    return [str(w) for w, _ in sorted(dated.items(), key=lambda x: (x[1], x[0]))] + undated


def in_wave_order(df: pd.DataFrame, waves: Sequence[str], *,
                  before: Sequence[str] | None = None) -> pd.DataFrame:
    """The rows of a table with its waves in the given order (e.g. :func:`wave_order`).

    Parameters
    ----------
    df : pandas.DataFrame
        Any table with a ``wave`` column, such as :func:`construct_scores` or
        :func:`reliability` (whose rows sort wave labels alphabetically).
    waves : sequence of str
        The wave labels in the wanted order; other labels (and a missing
        wave) follow, in their order in ``df``.
    before : sequence of str, optional
        Columns whose groups keep their order in ``df`` (in order of first
        appearance), the waves being put in order within each group. Default:
        the columns left of ``wave``.

    Returns
    -------
    pandas.DataFrame
        ``df``'s rows, reordered, with a new index 0, 1, ... (like the analysis
        tables); within a group and wave, rows keep their order. ``df``
        itself when it has no ``wave`` column.

    Examples
    --------
    >>> from cocope_kit.demo import demo_tables
    >>> from cocope_kit.analysis import level_of_working_together, scale_scores
    >>> t = demo_tables()
    >>> lv = level_of_working_together(scale_scores(t["response"], t["answer"],
    ...                                             "working_together"), t["answer"])
    >>> lv[["cop_id", "wave"]].head(2).values.tolist()
    [['at-graz', 'post'], ['at-graz', 'pre']]
    >>> in_wave_order(lv, wave_order(t["response"]))[["cop_id", "wave"]].head(2).values.tolist()
    [['at-graz', 'pre'], ['at-graz', 'post']]
    """
    if not isinstance(df, pd.DataFrame):
        raise UsageError(f"df must be a pandas DataFrame with a wave column, got {type(df).__name__}")
    if isinstance(waves, str) or not isinstance(waves, Sequence):
        raise UsageError(f"waves must be a list of wave labels such as ['pre', 'post'] "
                         f"(wave_order(responses)), got {waves!r}")
    if "wave" not in df.columns:
        return df
    if before is None:
        before = list(df.columns[:list(df.columns).index("wave")])
    missing = [c for c in before if c not in df.columns]
    if missing:
        raise UsageError(f"before names column(s) df does not have: {', '.join(map(str, missing))}")
    rank = {str(w): i for i, w in enumerate(waves)}
    wave = np.fromiter((rank.get(str(w), len(rank)) if pd.notna(w) else len(rank)
                        for w in df["wave"].to_numpy(dtype=object)), dtype=np.int64, count=len(df))
    keys = [pd.factorize(df[c].to_numpy(dtype=object), use_na_sentinel=False)[0] for c in before]
    order = np.lexsort([np.arange(len(df)), wave, *keys[::-1]])
    return df.iloc[order].reset_index(drop=True)


def reliability(
    responses: pd.DataFrame,
    answers: pd.DataFrame,
    instrument: str | Instrument,
    *,
    by: str | Sequence[str] = ("cop_id", "wave"),
    ci: float = 0.95,
    cop: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Cronbach's alpha of every construct, per group, for all groups at once.

    Parameters
    ----------
    responses, answers : pandas.DataFrame
        Rows of the ``response`` and ``answer`` tables.
    instrument : str or Instrument
        Instrument id, path or loaded instrument.
    by : str or sequence of str, default ("cop_id", "wave")
        Grouping columns (module docstring); ``construct`` is always added.
        Each response is one row of the respondents x items table. Keep
        ``wave`` in ``by``: without it the pre and post responses of one
        person are two rows of the same table, which breaks the independence
        that alpha and its Feldt interval assume.
    ci : float, default 0.95
        Confidence level of the Feldt interval.
    cop : pandas.DataFrame, optional
        Rows of the ``cop`` table (for school, country, ...).

    Returns
    -------
    pandas.DataFrame
        One row per group and construct with at least one answer, sorted:
        the ``by`` columns, ``construct``, then ``alpha``, ``ci_low``,
        ``ci_high``, ``n`` (int: responses complete on the ``k`` items,
        listwise) and ``k`` (int: items answered by someone in the group).

    Notes
    -----
    Reverse-keyed items are recoded first, as in
    :func:`~cocope_kit.analysis.scale_scores`. The values are those of
    :func:`cocope_kit.stats.cronbach_alpha_grouped` (equal to
    :func:`~cocope_kit.stats.cronbach_alpha` per group; NaN with fewer than
    2 complete responses, fewer than 2 items or no variance).

    Examples
    --------
    >>> from cocope_kit.demo import demo_tables
    >>> t = demo_tables()
    >>> r = reliability(t["response"], t["answer"], "working_together", by=())
    >>> r[["construct", "alpha", "n", "k"]].round(2)
           construct  alpha   n  k
    0  collaboration   0.83  54  4
    1    cooperation   0.62  58  4
    2   coordination   0.67  61  4
    """
    level = _check_ci(ci)
    inst = _instrument(instrument)
    keys = _by(by, _KEYS, add=("construct",))
    items = _scored_items(inst).reset_index(drop=True)
    resp, a = _keyed_answers(responses, answers, inst, items)
    resp = _response_keys(resp, keys, cop).assign(instrument_id=inst.id)
    resp_keys = [k for k in keys if k != "construct"]
    r_code, r_table = _codes(resp, resp_keys)
    c_of_item, constructs = pd.factorize(items["construct"])
    n_c = len(constructs)
    cell = r_code[a["r"]] * n_c + c_of_item[a["i"]]
    used, g = np.unique(cell, return_inverse=True)
    table = r_table.iloc[used // n_c].reset_index(drop=True) if resp_keys else pd.DataFrame(
        index=range(used.size))
    table["construct"] = pd.Series(np.asarray(constructs, dtype=object)[used % n_c],
                                   dtype=TEXT_DTYPE)
    order = table.sort_values(keys, kind="mergesort", na_position="last").index.to_numpy()
    long = pd.DataFrame({"_g": g, "r": a["r"], "i": a["i"], "value": a["value"]})
    res = cronbach_alpha_grouped(long, group="_g", respondent="r", item="i", value="value",
                                 ci=level)
    res = res.set_index("_g").reindex(range(len(table)))
    table = table.iloc[order].reset_index(drop=True)
    res = res.iloc[order].reset_index(drop=True)
    out = table
    for c in ("alpha", "ci_low", "ci_high"):
        out[c] = res[c].to_numpy(dtype=float)
    out["n"] = res["n"].fillna(0).to_numpy(dtype="int64")
    out["k"] = res["k"].fillna(0).to_numpy(dtype="int64")
    return out


# ---------------------------------------------------------------------------
# pre/post change: grouped Wilcoxon signed-rank and Mann-Whitney U
# ---------------------------------------------------------------------------


@functools.lru_cache(maxsize=64)
def _wilcoxon_pmf(n: int) -> np.ndarray:
    """Null distribution of W+ for n pairs without ties (subset sums of 1..n)."""
    c = np.zeros(n * (n + 1) // 2 + 1)
    c[0] = 1.0
    for k in range(1, n + 1):
        c[k:] = c[k:] + c[:-k].copy()
    return c / c.sum()


@functools.lru_cache(maxsize=256)
def _mwu_pmf(m: int, n: int) -> np.ndarray:
    """Null distribution of U for samples of m and n without ties (Gaussian binomial)."""
    m, n = min(m, n), max(m, n)
    poly = np.zeros(m * n + 1)
    poly[0] = 1.0
    for i in range(1, m + 1):
        shift = n + i
        if shift < poly.size:
            poly[shift:] = poly[shift:] - poly[:-shift].copy()
        for r in range(i):
            poly[r::i] = np.cumsum(poly[r::i])
    poly = np.clip(poly, 0, None)
    return poly / poly.sum()


def _ranks(codes: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Average ranks of ``x`` within each group."""
    return pd.Series(x).groupby(codes).rank(method="average").to_numpy(dtype=float)


def _tie_term(codes: np.ndarray, x: np.ndarray, n_groups: int) -> tuple[np.ndarray, np.ndarray]:
    """(sum of t^3 - t over tied values, any tie) per group."""
    t = pd.DataFrame({"g": codes, "x": x}).value_counts().reset_index(name="t")
    tt = t["t"].to_numpy(dtype=float)
    g = t["g"].to_numpy(dtype=np.int64)
    term = np.bincount(g, weights=tt ** 3 - tt, minlength=n_groups)
    return term, np.bincount(g, weights=(tt > 1).astype(float), minlength=n_groups) > 0


def _wilcoxon_grouped(codes: np.ndarray, d: np.ndarray, n_groups: int) -> dict[str, np.ndarray]:
    """:func:`cocope_kit.stats.wilcoxon_paired` for every group of differences at once."""
    from scipy.special import ndtr

    nz = d != 0
    g, d = codes[nz], d[nz]
    n = np.bincount(g, minlength=n_groups)
    absd = np.abs(d)
    r = _ranks(g, absd)
    w_plus = np.bincount(g, weights=np.where(d > 0, r, 0.0), minlength=n_groups)
    w_minus = np.bincount(g, weights=np.where(d < 0, r, 0.0), minlength=n_groups)
    term, ties = _tie_term(g, absd, n_groups)
    exact = (n >= 1) & (n <= 50) & ~ties
    p = np.full(n_groups, np.nan)
    nf = n.astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        mn = nf * (nf + 1) / 4
        se = np.sqrt((nf * (nf + 1) * (2 * nf + 1) - term / 2) / 24)
        z = (w_plus - mn) / se
        z = z - np.sign(z) * 0.5 / se
        p_norm = 2 * ndtr(-np.abs(z))
    approx = (n >= 1) & ~exact
    p[approx] = np.clip(p_norm[approx], 0, 1)
    for k in np.unique(n[exact]):
        pmf = _wilcoxon_pmf(int(k))
        cdf = np.cumsum(pmf)
        sf = 1 - np.concatenate([[0.0], cdf[:-1]])
        sel = exact & (n == k)
        w = np.rint(w_plus[sel]).astype(np.int64)
        p[sel] = np.clip(2 * np.minimum(sf[w], cdf[w]), 0, 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        rbc = np.where(n > 0, (w_plus - w_minus) / (w_plus + w_minus), np.nan)
    method = np.where(n == 0, "no non-zero differences",
                      np.where(exact, "exact",
                               "normal approximation with tie and continuity correction"))
    return {"n_nonzero": n, "w_plus": w_plus, "w_minus": w_minus, "p_value": p,
            "rank_biserial": rbc, "method": method}


def _mwu_grouped(codes: np.ndarray, x: np.ndarray, is_a: np.ndarray,
                 n_groups: int) -> dict[str, np.ndarray]:
    """:func:`cocope_kit.stats.mann_whitney` (sample a vs b) for every group at once."""
    from scipy.special import ndtr

    n_a = np.bincount(codes, weights=is_a.astype(float), minlength=n_groups)
    n_b = np.bincount(codes, weights=(~is_a).astype(float), minlength=n_groups)
    r = _ranks(codes, x)
    r_a = np.bincount(codes, weights=np.where(is_a, r, 0.0), minlength=n_groups)
    u = r_a - n_a * (n_a + 1) / 2
    term, ties = _tie_term(codes, x, n_groups)
    ok = (n_a > 0) & (n_b > 0)
    exact = ok & ((n_a <= 8) | (n_b <= 8)) & ~ties
    big = np.maximum(u, n_a * n_b - u)
    nn = n_a + n_b
    with np.errstate(invalid="ignore", divide="ignore"):
        s = np.sqrt(n_a * n_b / 12 * ((nn + 1) - term / (nn * (nn - 1))))
        z = (big - n_a * n_b / 2 - 0.5) / s
        p_norm = np.clip(2 * ndtr(-z), 0, 1)
    p = np.where(ok & ~exact, p_norm, np.nan)
    for (a, b) in set(zip(n_a[exact].astype(int).tolist(), n_b[exact].astype(int).tolist(),
                          strict=True)):
        pmf = _mwu_pmf(a, b)
        sf = np.cumsum(pmf[::-1])[::-1]  # sf[k] = P(U >= k)
        sel = exact & (n_a == a) & (n_b == b)
        k = np.rint(big[sel]).astype(np.int64)
        p[sel] = np.clip(2 * sf[np.minimum(k, sf.size - 1)], 0, 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        rbc = np.where(ok, 2 * u / (n_a * n_b) - 1, np.nan)
    return {"u": np.where(ok, u, np.nan), "p_value": p, "rank_biserial": rbc,
            "method": np.where(exact, "exact",
                               "normal approximation with tie and continuity correction")}


def _moments(codes: np.ndarray, x: np.ndarray, n_groups: int
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(n, mean, variance with ddof=1) per group; NaN where undefined."""
    n = np.bincount(codes, minlength=n_groups).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.bincount(codes, weights=x, minlength=n_groups) / n
        ss = np.bincount(codes, weights=(x - mean[codes]) ** 2, minlength=n_groups)
        var = np.where(n >= 2, ss / np.where(n >= 2, n - 1, 1), np.nan)
    return n, mean, var


def prepost_change(
    scores: pd.DataFrame,
    *,
    by: str | Sequence[str] = ("cop_id",),
    pre: str = "pre",
    post: str = "post",
    cop: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Change of each construct score from ``pre`` to ``post``, with effect size and caution.

    Parameters
    ----------
    scores : pandas.DataFrame
        What :func:`~cocope_kit.analysis.scale_scores` returns (both waves).
    by : str or sequence of str, default ("cop_id",)
        Grouping columns (module docstring) except ``wave``; ``construct`` is
        always added.
    pre, post : str, default "pre", "post"
        The two ``wave`` labels.
    cop : pandas.DataFrame, optional
        Rows of the ``cop`` table (for school, country, ...).

    Returns
    -------
    pandas.DataFrame
        One row per group and construct, sorted: the ``by`` columns,
        ``construct``, then

        * ``method``: ``"paired"`` when respondents can be matched between
          the waves by ``respondent_id``: at least one, and at least
          :data:`PAIRED_SHARE` of the smaller wave, have a score at both;
          otherwise ``"unpaired"`` (e.g. anonymous tokens that change between
          waves); missing when a wave has no score;
        * ``test``: the test and how its p-value was found;
        * ``n_pre``, ``n_post`` (int): respondents with a score at each wave;
        * ``n_pairs`` (int): respondents with both;
        * ``mean_pre``, ``mean_post``, ``mean_diff`` (post - pre): over the
          pairs when paired, over everyone when unpaired;
        * ``w_plus``, ``w_minus``: Wilcoxon signed-rank sums of positive and
          negative differences (paired only);
        * ``u``: Mann-Whitney U of the post scores (unpaired only);
        * ``p_value``: two-sided;
        * ``rank_biserial``: positive when scores rose (matched-pairs or
          two-sample rank-biserial correlation);
        * ``dz``: Cohen's d_z (paired only); ``g``: Hedges' g, post vs pre
          (unpaired only);
        * ``caution``: ``"small n: read as a description, not a test"`` when
          fewer than :data:`SMALL_N` pairs (unpaired: respondents in the
          smaller wave), a note when the waves could not be paired or a wave
          is missing; otherwise missing.

    Raises
    ------
    UsageError
        If ``by`` holds ``wave`` or ``pre == post``.

    Notes
    -----
    A respondent with several responses in a wave counts once, with the mean
    of their scores; scores are rounded to :data:`DECIMALS` decimals.

    Paired groups use :func:`cocope_kit.stats.wilcoxon_paired` (zero
    differences dropped; exact p-value for up to 50 pairs without ties,
    otherwise the normal approximation with tie and continuity correction)
    and :func:`cocope_kit.stats.cohen_dz`. Unpaired groups use
    :func:`cocope_kit.stats.mann_whitney` (exact when a sample has at most 8
    values and there are no ties) and :func:`cocope_kit.stats.hedges_g`. The
    values are those functions' results group by group, computed for all
    groups at once.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"response_id": [f"r{i}" for i in range(8)],
    ...     "respondent_id": list("abcd") * 2, "cop_id": "c", "construct": "trust",
    ...     "wave": ["pre"] * 4 + ["post"] * 4,
    ...     "score": [3.0, 2.0, 4.0, 3.0, 4.0, 4.0, 4.0, 5.0]})
    >>> out = prepost_change(s)
    >>> out[["method", "n_pairs", "mean_diff", "w_plus", "w_minus", "dz"]].round(3)
       method  n_pairs  mean_diff  w_plus  w_minus     dz
    0  paired        4       1.25     6.0      0.0  1.306
    >>> print(out.caution[0])
    small n: read as a description, not a test
    """
    keys = _by(by, [k for k in _KEYS if k != "wave"], add=("construct",))
    if not isinstance(pre, str) or not isinstance(post, str) or pre == post:
        raise UsageError(f"pre and post must be two different wave labels, got {pre!r}, {post!r}")
    s = _score_frame(scores, [*keys, "wave"], cop)
    s = s[s["score"].notna().to_numpy() & s["wave"].isin([pre, post]).to_numpy()]
    per = (s.groupby([*keys, "respondent_id", "wave"], sort=False, dropna=False, observed=True)
           ["score"].mean().reset_index())
    codes, table = _codes(per, keys)
    ng = len(table)
    is_post = (per["wave"] == post).to_numpy(dtype=bool)
    x = np.round(per["score"].to_numpy(dtype=float), DECIMALS)
    n_pre = np.bincount(codes[~is_post], minlength=ng)
    n_post = np.bincount(codes[is_post], minlength=ng)

    # pairs
    a = pd.DataFrame({"g": codes[~is_post], "r": per["respondent_id"].to_numpy()[~is_post],
                      "pre": x[~is_post]})
    b = pd.DataFrame({"g": codes[is_post], "r": per["respondent_id"].to_numpy()[is_post],
                      "post": x[is_post]})
    pairs = a.merge(b, on=["g", "r"])
    pg = pairs["g"].to_numpy(dtype=np.int64)
    n_pairs = np.bincount(pg, minlength=ng)
    paired = (n_pairs >= 1) & (n_pairs >= PAIRED_SHARE * np.minimum(n_pre, n_post))
    unpaired = ~paired & (n_pre > 0) & (n_post > 0)

    out = table.copy()
    method = np.where(paired, "paired", np.where(unpaired, "unpaired", None))
    out["method"] = pd.Series(method, dtype=TEXT_DTYPE)

    # paired statistics
    use = paired[pg]
    pg_u, dpre, dpost = pg[use], pairs["pre"].to_numpy()[use], pairs["post"].to_numpy()[use]
    d = dpost - dpre
    _, m_pre_p, _ = _moments(pg_u, dpre, ng)
    _, m_post_p, _ = _moments(pg_u, dpost, ng)
    nd, m_d, v_d = _moments(pg_u, d, ng)
    with np.errstate(invalid="ignore", divide="ignore"):
        dz = np.where((nd >= 2) & (v_d > 0), m_d / np.sqrt(v_d), np.nan)
    wil = _wilcoxon_grouped(pg_u, d, ng)

    # unpaired statistics (post = sample a, pre = sample b)
    use = unpaired[codes]
    mw = _mwu_grouped(codes[use], x[use], is_post[use], ng)
    na, m_a, v_a = _moments(codes[use & is_post], x[use & is_post], ng)
    nb, m_b, v_b = _moments(codes[use & ~is_post], x[use & ~is_post], ng)
    with np.errstate(invalid="ignore", divide="ignore"):
        pooled = ((na - 1) * v_a + (nb - 1) * v_b) / (na + nb - 2)
        g = (m_a - m_b) / np.sqrt(pooled) * (1 - 3 / (4 * (na + nb) - 9))
        g = np.where((na >= 2) & (nb >= 2) & (pooled > 0), g, np.nan)
    _, all_pre, _ = _moments(codes[~is_post], x[~is_post], ng)
    _, all_post, _ = _moments(codes[is_post], x[is_post], ng)

    out["test"] = pd.Series(np.where(
        paired, np.char.add("Wilcoxon signed-rank, ", wil["method"].astype(str)),
        np.where(unpaired, np.char.add("Mann-Whitney U, ", mw["method"].astype(str)), None)),
        dtype=TEXT_DTYPE)
    out["n_pre"] = n_pre.astype("int64")
    out["n_post"] = n_post.astype("int64")
    out["n_pairs"] = n_pairs.astype("int64")
    out["mean_pre"] = np.where(paired, m_pre_p, all_pre)
    out["mean_post"] = np.where(paired, m_post_p, all_post)
    out["mean_diff"] = out["mean_post"] - out["mean_pre"]
    out["w_plus"] = np.where(paired, wil["w_plus"], np.nan)
    out["w_minus"] = np.where(paired, wil["w_minus"], np.nan)
    out["u"] = np.where(unpaired, mw["u"], np.nan)
    out["p_value"] = np.where(paired, wil["p_value"], np.where(unpaired, mw["p_value"], np.nan))
    out["rank_biserial"] = np.where(paired, wil["rank_biserial"],
                                    np.where(unpaired, mw["rank_biserial"], np.nan))
    out["dz"] = np.where(paired, dz, np.nan)
    out["g"] = np.where(unpaired, g, np.nan)
    small = np.where(paired, n_pairs < SMALL_N, np.minimum(n_pre, n_post) < SMALL_N)
    notes = np.where(~paired & ~unpaired, f"needs scores at both {pre} and {post}",
                     np.where(small, _SMALL_TEXT, ""))
    notes = np.where(unpaired, np.char.add(
        "respondents could not be matched between waves: compared as independent groups",
        np.where(small, "; " + _SMALL_TEXT, "")), notes)
    out["caution"] = pd.Series(np.where(notes == "", None, notes), dtype=TEXT_DTYPE)
    return out
