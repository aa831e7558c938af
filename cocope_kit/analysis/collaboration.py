"""Levels of working together: instrument scoring, a group's level, change between waves.

* :func:`scale_scores` scores any instrument (reverse keying, missing answers,
  a minimum share of answered items), one row per response and construct.
* :func:`level_of_working_together` classifies each group (a CoP in a wave)
  by **the** rule of ``docs/instruments/working_together.md``, and reports the
  ``wt_fit`` answers beside it.
* :func:`level_transitions` and :func:`transition_matrix` follow the level
  from one wave to the next.
* :func:`~cocope_kit.analysis.plan.plan_indicators` (shared owners,
  hand-overs between people) is re-exported here: plan-derived signs of
  coordination and collaboration.

Examples
--------
>>> from cocope_kit.demo import demo_tables
>>> from cocope_kit.analysis import scale_scores, level_of_working_together
>>> t = demo_tables()
>>> s = scale_scores(t["response"], t["answer"], "working_together")
>>> lv = level_of_working_together(s, t["answer"])
>>> lv.pivot(index="cop_id", columns="wave", values="level")[["pre", "post"]]
wave                pre           post
cop_id
at-graz    coordination  collaboration
be-gent     cooperation    cooperation
pt-porto   coordination  collaboration
sk-kosice   cooperation    cooperation
"""

from __future__ import annotations

import numbers
import os
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..errors import Problem, UsageError, ValidationError
from ..instruments import Instrument, load_instrument, reverse_key
from ..schema import TEXT_DTYPE
from ._util import _memo
from .load import (
    COP_COLUMNS,
    _by,
    _codes,
    _frame,
    _key_frame,
    _lookup,
    _need,
    _role_group,
    _with_cop,
)
from .plan import plan_indicators

__all__ = [
    "LEVELS",
    "LEVEL_ORDER",
    "LEVEL_THRESHOLD",
    "UNSCORED_CONSTRUCTS",
    "scale_scores",
    "level_of_working_together",
    "level_transitions",
    "transition_matrix",
    "plan_indicators",
]

LEVELS: tuple[str, ...] = ("cooperation", "coordination", "collaboration")
"""The three levels of working together, from least to most shared."""

LEVEL_ORDER: tuple[str, ...] = ("below_cooperation", *LEVELS)
"""Every result of the classification, lowest first (``steps`` counts along it)."""

LEVEL_THRESHOLD = 3.5
"""A level qualifies when its group mean is at least this (unrounded)."""

UNSCORED_CONSTRUCTS: dict[str, tuple[str, ...]] = {"working_together": ("level_fit",)}
"""Constructs that are no subscale (per instrument id): ``wt_fit`` is a choice of one
description, reported by :func:`level_of_working_together`, never averaged."""

FIT_ITEM = "wt_fit"
"""Item of ``working_together`` asking which description fits the group best (1, 2, 3)."""

SMALL_GROUP = 5
"""With fewer respondents a classification is a conversation starter, not a finding."""

_SCORE_KEYS = ("cop_id", "wave", "role", "role_group", "instrument_id", *COP_COLUMNS)


# ---------------------------------------------------------------------------
# scoring
# ---------------------------------------------------------------------------


def _instrument(instrument: object) -> Instrument:
    if isinstance(instrument, Instrument):
        return instrument
    if isinstance(instrument, (str, os.PathLike)):
        return load_instrument(instrument)
    raise UsageError("instrument must be an instrument id such as 'working_together', a path "
                     f"to an instrument file, or a loaded Instrument; got {instrument!r}")


def _scored_items(inst: Instrument) -> pd.DataFrame:
    items = inst.item_table()
    skip = UNSCORED_CONSTRUCTS.get(inst.id, ())
    items = items[(items["n_points"] > 0) & ~items["construct"].isin(skip)]
    return items[["item_id", "construct", "scale", "reverse", "scale_min", "scale_max"]]


def _responses(responses: pd.DataFrame, inst: Instrument) -> pd.DataFrame:
    """Responses to ``inst`` (rows without an instrument_id are taken to be for it)."""
    resp = _frame("response", responses, param="responses",
                  need=("response_id", "cop_id", "respondent_id", "wave"))
    mine = resp["instrument_id"].isna() | (resp["instrument_id"] == inst.id)
    resp = resp[mine.to_numpy(dtype=bool)]
    return resp.dropna(subset=["response_id"]).drop_duplicates("response_id", keep="last")


@_memo
def _answer_keys(answers: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray, pd.Index,
                                                 np.ndarray, pd.Index]:
    """The typed answers and their response and item ids factorised (codes, distinct ids).

    Several instruments are scored from the same answers; inside
    :func:`~cocope_kit.analysis._util.shared_work` this runs once for all of them.
    """
    ans = _frame("answer", answers, param="answers", need=("response_id", "item_id", "value"))
    r_code, r_uniq = pd.factorize(ans["response_id"].to_numpy(dtype=object))
    i_code, i_uniq = pd.factorize(ans["item_id"].to_numpy(dtype=object))
    return ans, r_code, pd.Index(r_uniq, dtype=object), i_code, pd.Index(i_uniq, dtype=object)


def _positions(ids: pd.Series, code: np.ndarray, uniq: pd.Index) -> np.ndarray:
    """Position in ``ids`` of each factorised value (-1 when absent or missing), as
    ``pd.Index(ids).get_indexer(values)`` but one lookup per distinct value."""
    pos = pd.Index(ids.to_numpy(dtype=object)).get_indexer(uniq)
    return np.where(code >= 0, pos[np.maximum(code, 0)] if len(pos) else -1, -1)


def _keyed_answers(responses: pd.DataFrame, answers: pd.DataFrame, inst: Instrument,
                   items: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """Responses to ``inst`` and their answers to ``items``, reverse keying applied.

    Returns the responses (index 0..R-1) and the answers as integer codes:
    ``r`` (response position), ``i`` (item position in ``items``) and
    ``value`` (float, NaN = missing).
    """
    resp = _responses(responses, inst).reset_index(drop=True)
    ans, r_code, r_uniq, i_code, i_uniq = _answer_keys(answers)
    r = _positions(resp["response_id"], r_code, r_uniq)
    i = _positions(items["item_id"], i_code, i_uniq)
    rows = np.flatnonzero((r >= 0) & (i >= 0))
    r, i = r[rows].astype(np.int64), i[rows].astype(np.int64)
    v = ans["value"].to_numpy(dtype=float)[rows]
    key = r * max(len(items), 1) + i
    uniq, counts = np.unique(key, return_counts=True)
    if (counts > 1).any():
        rid = resp["response_id"].to_numpy(dtype=object)
        iid = items["item_id"].to_numpy(dtype=object)
        ex = uniq[counts > 1][:3]
        shown = "; ".join(f"{rid[k // len(items)]} {iid[k % len(items)]}" for k in ex)
        raise UsageError(f"answers has {int((counts[counts > 1]).sum())} rows for the same "
                         f"(response_id, item_id), e.g. {shown}; keep one answer per item of "
                         "a response")
    lo = items["scale_min"].to_numpy(dtype=float)[i]
    hi = items["scale_max"].to_numpy(dtype=float)[i]
    bad = ~np.isnan(v) & ((v < lo) | (v > hi))
    if bad.any():
        iid = items["item_id"].to_numpy(dtype=object)
        scale = items["scale"].to_numpy(dtype=object)
        problems = [
            Problem("answer", int(row) + 1, "value", float(val),
                    f"item {iid[k]} uses scale {scale[k]} ({a:g} to {b:g}); blank means "
                    "missing or don't know")
            for row, k, val, a, b in zip(rows[bad], i[bad], v[bad], lo[bad], hi[bad],
                                         strict=True)
        ]
        raise ValidationError(problems, f"answers to instrument {inst.id!r}")
    rev = items["reverse"].to_numpy(dtype=bool)[i]
    if rev.any():
        v = v.copy()
        for a, b in set(zip(lo[rev].tolist(), hi[rev].tolist(), strict=True)):
            sel = rev & (lo == a) & (hi == b)
            v[sel] = np.asarray(reverse_key(pd.Series(v[sel]), (a, b)), dtype=float)
    return resp, {"r": r, "i": i, "value": v}


def _check_share(value: object, param: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 < value <= 1:
        raise UsageError(f"{param} must be a share greater than 0 and at most 1 "
                         f"(e.g. 2/3), got {value!r}")
    return float(value)


def scale_scores(
    responses: pd.DataFrame,
    answers: pd.DataFrame,
    instrument: str | Instrument,
    *,
    min_answered: float = 2 / 3,
) -> pd.DataFrame:
    """Construct (subscale) scores of every response to an instrument.

    Parameters
    ----------
    responses, answers : pandas.DataFrame
        Rows of the ``response`` and ``answer`` tables. Responses to other
        instruments are left out (a blank ``instrument_id`` counts as this one).
    instrument : str or Instrument
        Instrument id (``"working_together"``, ``"cop_climate"``, ...), path
        of an instrument file, or a loaded :class:`~cocope_kit.instruments.Instrument`.
    min_answered : float, default 2/3
        Share of a construct's items that must be answered for a score.

    Returns
    -------
    pandas.DataFrame
        One row per response and construct (constructs in instrument order),
        sorted by ``cop_id, wave, response_id``: ``response_id,
        respondent_id, respondent_role, cop_id, wave, instrument_id,
        construct, score, n_items, n_answered``.

    Raises
    ------
    ValidationError
        Listing every answer outside its item's scale.
    UsageError
        On an unknown instrument, a bad ``min_answered`` or two answers to
        the same item of one response.

    Notes
    -----
    The scoring of ``docs/instruments/working_together.md``, for any instrument:

    1. A blank ``value`` ("don't know" or unanswered) and an item without an
       answer row are missing.
    2. Reverse-keyed items are recoded ``min + max - value``
       (:func:`cocope_kit.instruments.reverse_key`).
    3. ``score`` is the mean of the answered items of the construct when
       ``n_answered >= min_answered * n_items`` (compared with a tolerance of
       1e-9, so 2/3 of 3 items is 2), otherwise missing.

    Free-text items and the constructs of :data:`UNSCORED_CONSTRUCTS`
    (``wt_fit``) get no score. Items shown to one audience only (e.g.
    students) count in ``n_items`` for everyone, so other respondents get a
    missing score there.

    Examples
    --------
    >>> import pandas as pd
    >>> resp = pd.DataFrame({"response_id": ["r1"], "cop_id": "c", "respondent_id": "p1",
    ...                      "instrument_id": "working_together", "wave": "pre"})
    >>> ans = pd.DataFrame({"response_id": "r1",
    ...                     "item_id": ["wt_coop_1", "wt_coop_2", "wt_coop_3", "wt_coop_4",
    ...                                 "wt_coord_1", "wt_coord_2"],
    ...                     "value": [4, 5, None, 2, 3, 3]})
    >>> scale_scores(resp, ans, "working_together")[["construct", "score", "n_answered"]]
           construct     score  n_answered
    0    cooperation  4.333333           3
    1   coordination       NaN           2
    2  collaboration       NaN           0

    ``wt_coop_4`` is reverse-keyed: 2 becomes 6 - 2 = 4, so cooperation is
    (4 + 5 + 4) / 3; coordination has 2 of 4 items answered, fewer than 2/3.
    """
    inst = _instrument(instrument)
    share = _check_share(min_answered, "min_answered")
    items = _scored_items(inst).reset_index(drop=True)
    resp, a = _keyed_answers(responses, answers, inst, items)
    c_of_item, constructs = pd.factorize(items["construct"])
    n_c = len(constructs)
    n_items = np.bincount(c_of_item, minlength=n_c)
    ok = ~np.isnan(a["value"])
    cell = a["r"][ok] * n_c + c_of_item[a["i"][ok]]
    size = len(resp) * n_c
    total = np.bincount(cell, weights=a["value"][ok], minlength=size).reshape(len(resp), n_c)
    n_ans = np.bincount(cell, minlength=size).reshape(len(resp), n_c)
    enough = (n_ans >= share * n_items[None, :] - 1e-9) & (n_ans > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        score = np.where(enough, total / np.where(n_ans > 0, n_ans, 1), np.nan)
    order = resp.sort_values(["cop_id", "wave", "response_id"], kind="mergesort").index.to_numpy()
    rr = np.repeat(order, n_c)
    cc = np.tile(np.arange(n_c), len(order))
    out = pd.DataFrame({
        c: pd.Series(resp[c].to_numpy(dtype=object)[rr], dtype=TEXT_DTYPE)
        for c in ("response_id", "respondent_id", "respondent_role", "cop_id", "wave")
    })
    out["instrument_id"] = pd.Series([inst.id] * len(out), dtype=TEXT_DTYPE)
    out["construct"] = pd.Series(np.asarray(constructs, dtype=object)[cc], dtype=TEXT_DTYPE)
    out["score"] = score[rr, cc]
    out["n_items"] = n_items[cc].astype("int64")
    out["n_answered"] = n_ans[rr, cc].astype("int64")
    return out


# ---------------------------------------------------------------------------
# the level of a group
# ---------------------------------------------------------------------------


def _score_frame(scores: object, keys: Sequence[str], cop: pd.DataFrame | None,
                 param: str = "scores") -> pd.DataFrame:
    """Scores with the grouping columns (role, role_group from respondent_role; CoP columns)."""
    own = [k for k in keys if k not in ("role", "role_group", *COP_COLUMNS)]
    if any(k in keys for k in ("role", "role_group")):
        own.append("respondent_role")
    if any(k in COP_COLUMNS for k in keys):
        own.append("cop_id")
    df = _need(scores, ["response_id", "respondent_id", "construct", "score", *own], param,
               "what scale_scores returns")
    df = df.copy()
    if "role" in keys and "role" not in df.columns:
        df["role"] = df["respondent_role"].astype(TEXT_DTYPE)
    if "role_group" in keys and "role_group" not in df.columns:
        df["role_group"] = _role_group(df["respondent_role"].astype(TEXT_DTYPE))
    df["score"] = pd.to_numeric(df["score"], errors="coerce").astype(float)
    return _with_cop(df, keys, cop)


def _classify(coop: np.ndarray, coord: np.ndarray, collab: np.ndarray) -> np.ndarray:
    """The documented rule: first of collaboration, coordination, cooperation with mean >= 3.5."""
    with np.errstate(invalid="ignore"):
        return np.select(
            [collab >= LEVEL_THRESHOLD, coord >= LEVEL_THRESHOLD, coop >= LEVEL_THRESHOLD],
            ["collaboration", "coordination", "cooperation"],
            default="below_cooperation",
        )


def level_of_working_together(
    scores: pd.DataFrame,
    answers: pd.DataFrame | None = None,
    *,
    by: str | Sequence[str] = ("cop_id", "wave"),
    cop: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Classify each group as cooperation, coordination or collaboration (the documented rule).

    Parameters
    ----------
    scores : pandas.DataFrame
        What :func:`scale_scores` returns for ``working_together`` (rows of
        other constructs are ignored).
    answers : pandas.DataFrame, optional
        Rows of the ``answer`` table; its ``wt_fit`` answers of the responses
        in ``scores`` give the ``fit`` columns (0 and NaN without it).
    by : str or sequence of str, default ("cop_id", "wave")
        Any of ``cop_id, wave, role, role_group, instrument_id`` (``role`` is
        the respondent's role) and (with ``cop``) ``school, country,
        language, cycle``.
    cop : pandas.DataFrame, optional
        Rows of the ``cop`` table (for school, country, ...).

    Returns
    -------
    pandas.DataFrame
        One row per group, sorted by ``by``: the ``by`` columns, then

        * ``n`` (int): respondents with at least one of the three scores;
        * ``cooperation``, ``coordination``, ``collaboration``: group means;
        * ``n_cooperation``, ``n_coordination``, ``n_collaboration`` (int):
          respondents behind each mean;
        * ``level``: ``collaboration``, ``coordination``, ``cooperation`` or
          ``below_cooperation`` (shown as "below cooperation");
        * ``n_fit`` (int): responses with a ``wt_fit`` answer (the same as
          respondents when ``wave`` is in ``by``);
        * ``fit_cooperation``, ``fit_coordination``, ``fit_collaboration``
          (int): how many chose description 1, 2, 3;
        * ``share_fit_cooperation``, ``share_fit_coordination``,
          ``share_fit_collaboration``: those counts over ``n_fit``;
        * ``fit_most_frequent``: the level chosen most often (``"tie"`` when
          two share the top; missing without answers);
        * ``matches_fit`` (boolean): ``level == fit_most_frequent`` (missing
          when there is no single most frequent answer); when it is False,
          show both, the difference is a good question for the group;
        * ``caution``: ``"fewer than 5 respondents: a conversation starter,
          not a finding"`` when ``n < 5`` (``"no respondent has a score"``
          when ``n == 0``), else missing.

    Notes
    -----
    The rule (``docs/instruments/working_together.md``): each group mean is
    the mean of the respondents' scores on that construct, over respondents
    with a score (a respondent with several responses in a group counts once,
    with the mean of their scores). The level is the first of collaboration,
    coordination, cooperation whose group mean is at least
    :data:`LEVEL_THRESHOLD` (3.5, unrounded; a missing mean never qualifies),
    otherwise ``below_cooperation``. It is not cumulative. ``wt_fit`` is
    reported beside the level, never mixed into it.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"response_id": ["r1"] * 3 + ["r2"] * 3, "cop_id": "c", "wave": "pre",
    ...     "respondent_id": ["a"] * 3 + ["b"] * 3,
    ...     "construct": ["cooperation", "coordination", "collaboration"] * 2,
    ...     "score": [3.0, 4.0, 3.5, 3.0, 3.5, 3.0]})
    >>> out = level_of_working_together(s)
    >>> out[["cooperation", "coordination", "collaboration", "level"]]
       cooperation  coordination  collaboration         level
    0          3.0          3.75           3.25  coordination
    """
    keys = _by(by, _SCORE_KEYS)
    s = _score_frame(scores, keys, cop)
    s = s[s["construct"].isin(LEVELS).to_numpy()]
    # one value per respondent and construct within a group
    per = (s.groupby([*keys, "respondent_id", "construct"], sort=False, dropna=False,
                     observed=True)["score"].mean().reset_index())
    codes, table = _codes(per, keys)
    n_groups = len(table)
    scored = per["score"].notna().to_numpy()
    out = table.copy()
    who = per.loc[scored, "respondent_id"].to_numpy()
    first = ~pd.DataFrame({"g": codes[scored], "r": who}).duplicated().to_numpy()
    out["n"] = np.bincount(codes[scored][first], minlength=n_groups).astype("int64")
    x = per["score"].to_numpy(dtype=float)
    for lvl in LEVELS:
        m = scored & (per["construct"] == lvl).to_numpy()
        cnt = np.bincount(codes[m], minlength=n_groups)
        tot = np.bincount(codes[m], weights=x[m], minlength=n_groups)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[lvl] = np.where(cnt > 0, tot / np.where(cnt > 0, cnt, 1), np.nan)
    for lvl in LEVELS:
        m = scored & (per["construct"] == lvl).to_numpy()
        out[f"n_{lvl}"] = np.bincount(codes[m], minlength=n_groups).astype("int64")
    out["level"] = pd.Series(
        _classify(out["cooperation"].to_numpy(), out["coordination"].to_numpy(),
                  out["collaboration"].to_numpy()), index=out.index, dtype=TEXT_DTYPE)

    # wt_fit beside the level: one answer per response, of the responses in the groups
    counts = np.zeros((n_groups, 3))
    if answers is not None:
        ans, _, _, i_code, i_uniq = _answer_keys(answers)  # factorised once in run_catalogue
        fit = ans[_positions(pd.Series([FIT_ITEM]), i_code, i_uniq) == 0]
        fit = fit[fit["value"].isin([1, 2, 3]).to_numpy()]
        fit = fit.drop_duplicates("response_id", keep="last")[["response_id", "value"]]
        where = s.drop_duplicates("response_id")[["response_id", *keys]]
        fit = fit.merge(where, on="response_id")
        pos = _lookup(fit, table, keys)
        ok = pos >= 0
        v = fit["value"].to_numpy(dtype=float)[ok].astype(np.int64) - 1
        counts = np.bincount(pos[ok] * 3 + v, minlength=n_groups * 3).reshape(n_groups, 3)
        counts = counts.astype(float)
    n_fit = counts.sum(axis=1)
    out["n_fit"] = n_fit.astype("int64")
    for j, lvl in enumerate(LEVELS):
        out[f"fit_{lvl}"] = counts[:, j].astype("int64")
    with np.errstate(invalid="ignore", divide="ignore"):
        for j, lvl in enumerate(LEVELS):
            out[f"share_fit_{lvl}"] = np.where(n_fit > 0, counts[:, j] / np.where(
                n_fit > 0, n_fit, 1), np.nan)
    top = counts.max(axis=1) if n_groups else np.zeros(0)
    n_top = (counts == top[:, None]).sum(axis=1)
    mode = np.array(LEVELS, dtype=object)[counts.argmax(axis=1)] if n_groups else np.zeros(0)
    mode = np.where(n_fit == 0, None, np.where(n_top > 1, "tie", mode))
    out["fit_most_frequent"] = pd.Series(mode, index=out.index, dtype=TEXT_DTYPE)
    single = (n_fit > 0) & (n_top == 1)
    matches = pd.array(out["level"].to_numpy(dtype=object) == mode, dtype="boolean")
    matches[~single] = pd.NA
    out["matches_fit"] = matches
    caution = np.where(out["n"] == 0, "no respondent has a score",
                       np.where(out["n"] < SMALL_GROUP,
                                "fewer than 5 respondents: a conversation starter, not a finding",
                                None))
    out["caution"] = pd.Series(caution, index=out.index, dtype=TEXT_DTYPE)
    return out.reset_index(drop=True)


# ---------------------------------------------------------------------------
# change between waves
# ---------------------------------------------------------------------------


def level_transitions(
    levels: pd.DataFrame,
    *,
    by: str | Sequence[str] = ("cop_id",),
    pre: str = "pre",
    post: str = "post",
) -> pd.DataFrame:
    """The level of each CoP (or other unit) before and after, and the step between them.

    Parameters
    ----------
    levels : pandas.DataFrame
        What :func:`level_of_working_together` returns with ``wave`` among
        its ``by`` columns.
    by : str or sequence of str, default ("cop_id",)
        Columns of ``levels`` that identify a unit followed over time.
    pre, post : str, default "pre", "post"
        The two ``wave`` labels to compare.

    Returns
    -------
    pandas.DataFrame
        One row per unit found in either wave, sorted by ``by``: the ``by``
        columns, then ``from_level``, ``to_level`` (missing when the unit
        has no row in that wave), ``steps`` (Int64: positions moved along
        :data:`LEVEL_ORDER`, positive = towards collaboration), ``change``
        (``"up"``, ``"same"``, ``"down"``, missing when a wave is missing),
        ``n_pre``, ``n_post`` (Int64: respondents behind each level).

    Raises
    ------
    UsageError
        If ``levels`` lacks ``wave``, ``level`` or a ``by`` column, or
        ``pre == post``.

    Examples
    --------
    >>> import pandas as pd
    >>> lv = pd.DataFrame({"cop_id": ["a", "a", "b", "b"], "wave": ["pre", "post"] * 2,
    ...                    "level": ["coordination", "collaboration", "cooperation",
    ...                              "below_cooperation"], "n": [6, 7, 5, 5]})
    >>> level_transitions(lv)[["cop_id", "from_level", "to_level", "steps", "change"]]
      cop_id    from_level           to_level  steps change
    0      a  coordination      collaboration      1     up
    1      b   cooperation  below_cooperation     -1   down
    """
    keys = _by(by, [c for c in getattr(levels, "columns", []) if c not in ("wave", "level")]
               or ["cop_id"])
    df = _need(levels, [*keys, "wave", "level"], "levels", "what level_of_working_together "
               "returns with by=(..., 'wave')")
    if not isinstance(pre, str) or not isinstance(post, str) or pre == post:
        raise UsageError(f"pre and post must be two different wave labels, got {pre!r}, {post!r}")
    bad = df["level"].dropna()
    bad = bad[~bad.isin(LEVEL_ORDER)]
    if len(bad):
        raise UsageError(f"levels has level {bad.iloc[0]!r}; allowed: {', '.join(LEVEL_ORDER)}")
    n = df["n"] if "n" in df.columns else pd.Series(pd.NA, index=df.index)
    df = df.assign(_n=pd.array(pd.to_numeric(n, errors="coerce"), dtype="Float64"))
    a = df[(df["wave"] == pre).to_numpy()].drop_duplicates(keys, keep="last")
    b = df[(df["wave"] == post).to_numpy()].drop_duplicates(keys, keep="last")
    a = a[[*keys, "level", "_n"]].rename(columns={"level": "from_level", "_n": "n_pre"})
    b = b[[*keys, "level", "_n"]].rename(columns={"level": "to_level", "_n": "n_post"})
    out = a.merge(b, on=keys, how="outer").sort_values(keys, kind="mergesort")
    out = out.reset_index(drop=True)
    rank = {lvl: i for i, lvl in enumerate(LEVEL_ORDER)}
    steps = (out["to_level"].map(rank).astype("Float64")
             - out["from_level"].map(rank).astype("Float64")).astype("Int64")
    s = steps.fillna(0).to_numpy(dtype=np.int64)
    change = np.where(steps.isna().to_numpy(), None,
                      np.where(s > 0, "up", np.where(s < 0, "down", "same")))
    res = _key_frame(out, keys)
    res["from_level"] = out["from_level"].astype(TEXT_DTYPE)
    res["to_level"] = out["to_level"].astype(TEXT_DTYPE)
    res["steps"] = steps
    res["change"] = pd.Series(change, dtype=TEXT_DTYPE)
    res["n_pre"] = out["n_pre"].round().astype("Int64")
    res["n_post"] = out["n_post"].round().astype("Int64")
    return res


def transition_matrix(transitions: pd.DataFrame) -> pd.DataFrame:
    """How many units moved from each level to each level, in long form.

    Parameters
    ----------
    transitions : pandas.DataFrame
        What :func:`level_transitions` returns.

    Returns
    -------
    pandas.DataFrame
        16 rows, every pair of :data:`LEVEL_ORDER` (lowest first):
        ``from_level, to_level, cops`` (int: units with that pair; units
        missing a wave are not counted). Pivot with
        ``.pivot(index="from_level", columns="to_level", values="cops")``.

    Examples
    --------
    >>> import pandas as pd
    >>> tr = pd.DataFrame({"cop_id": ["a", "b", "c"],
    ...                    "from_level": ["cooperation", "cooperation", "coordination"],
    ...                    "to_level": ["cooperation", "coordination", None]})
    >>> m = transition_matrix(tr)
    >>> m[m.cops > 0]
         from_level      to_level  cops
    5   cooperation   cooperation     1
    6   cooperation  coordination     1
    """
    df = _need(transitions, ["from_level", "to_level"], "transitions",
               "what level_transitions returns")
    both = df.dropna(subset=["from_level", "to_level"])
    counts = both.groupby(["from_level", "to_level"]).size()
    grid = pd.MultiIndex.from_product([LEVEL_ORDER, LEVEL_ORDER], names=["from_level", "to_level"])
    cnt = counts.reindex(grid, fill_value=0)
    return pd.DataFrame({
        "from_level": pd.Series(grid.get_level_values(0), dtype=TEXT_DTYPE),
        "to_level": pd.Series(grid.get_level_values(1), dtype=TEXT_DTYPE),
        "cops": cnt.to_numpy(dtype="int64"),
    })
