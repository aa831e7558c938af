"""Goal attainment across CoPs: progress, Goal Attainment Scaling levels and T-scores.

Builds on :func:`cocope_kit.analysis.goals.goal_progress` (progress from
baseline to target of each goal's latest measurement).

How a goal gets its attainment level (-2 .. +2)
    1. **From its GAS levels, when they are numbers.** If every one of the
       five ``gas_levels`` descriptions is a plain number (``{"-2": "4",
       "-1": "6", "0": "8", "1": "10", "2": "12"}``) and the numbers run
       strictly one way (up for an increase, down for a decrease), the level
       is the highest one whose number the latest value has reached: at or
       above it for rising numbers, at or below for falling ones; below the
       ``-1`` number it is ``-2``. (``attainment_rule = "gas_levels"``)
    2. **Otherwise from progress** ``p = (latest - baseline) / (target -
       baseline)``, in bands of half the planned change centred on the
       target (``attainment_rule = "progress"``):

       ============================ ===== ===================================
       progress                     level reads
       ============================ ===== ===================================
       p < 0.25                      -2   much less than expected (little or
                                          no change, or the wrong way)
       0.25 <= p < 0.75              -1   less than expected
       0.75 <= p < 1.25               0   the expected outcome (about the
                                          target)
       1.25 <= p < 1.75              +1   more than expected
       p >= 1.75                     +2   much more than expected
       ============================ ===== ===================================

    A goal without a measurement, baseline or target has no level and is
    left out of the T-score (with its weight), as in
    :func:`cocope_kit.stats.gas_tscore`.

Examples
--------
>>> from cocope_kit.demo import demo_tables
>>> from cocope_kit.analysis import gas_scores
>>> t = demo_tables()
>>> gas_scores(t["goal"], t["goal_measurement"])[["cop_id", "goals", "tscore"]].round(1)
      cop_id  goals  tscore
0    at-graz      1    50.0
1    be-gent      1    40.0
2   pt-porto      1    40.0
3  sk-kosice      1    40.0
"""

from __future__ import annotations

import json
import math
import numbers
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..errors import UsageError, ValidationError
from ..schema import TEXT_DTYPE
from ._util import _memo
from .goals import gas_levels, goal_progress
from .load import COP_COLUMNS, _by, _frame, _grouped, _with_cop

__all__ = ["PROGRESS_BANDS", "goal_attainment", "progress_summary", "gas_scores"]

PROGRESS_BANDS: tuple[float, ...] = (0.25, 0.75, 1.25, 1.75)
"""Progress at which the level steps up from -2 to -1, -1 to 0, 0 to +1 and +1 to +2."""

_LEVELS = (-2, -1, 0, 1, 2)


def _is_number(v: object) -> bool:
    try:
        float(str(v).strip())
    except ValueError:
        return False
    return True


def _numeric_anchors(text: object) -> list[float] | None:
    """The five GAS numbers of a goal, or None when its levels are not all plain numbers."""
    if not isinstance(text, str) or not text.strip():
        return None
    try:  # cheap first look: descriptions in words are the common case
        raw = json.loads(text)
        if not isinstance(raw, dict) or not all(_is_number(v) for v in raw.values()):
            return None
    except ValueError:
        return None
    try:
        levels = gas_levels(text)
    except ValidationError:
        return None
    if sorted(levels) != list(_LEVELS):
        return None
    try:
        nums = [float(str(levels[k]).strip()) for k in _LEVELS]
    except ValueError:
        return None
    if not all(math.isfinite(v) for v in nums):
        return None
    return nums


def _from_anchors(value: float, anchors: list[float], direction: str) -> float:
    up = all(b > a for a, b in zip(anchors, anchors[1:], strict=False))
    down = all(b < a for a, b in zip(anchors, anchors[1:], strict=False))
    if not (up if direction == "increase" else down) or math.isnan(value):
        return math.nan
    level = -2
    for lvl, a in zip(_LEVELS[1:], anchors[1:], strict=True):
        if (value >= a) if up else (value <= a):
            level = lvl
    return float(level)


@_memo
def goal_attainment(
    goals: pd.DataFrame,
    measurements: pd.DataFrame,
    *,
    as_of: object = None,
) -> pd.DataFrame:
    """Attainment level (-2 .. +2) of each goal, with its progress.

    Parameters
    ----------
    goals, measurements : pandas.DataFrame
        Rows of the ``goal`` and ``goal_measurement`` tables.
    as_of : date-like, optional
        Only measurements up to this day count (default: all).

    Returns
    -------
    pandas.DataFrame
        One row per goal, sorted by ``cop_id, goal_id``: ``goal_id, cop_id,
        direction, baseline, target, latest_value, latest_on, progress,
        on_track`` (as :func:`~cocope_kit.analysis.goal_progress`),
        ``target_reached`` (boolean: ``progress >= 1``), ``attainment``
        (float, -2 .. +2; NaN when it cannot be judged), ``attainment_rule``
        (``"gas_levels"`` or ``"progress"``, module docstring) and ``weight``
        (the goal's GAS weight; blank counts as 1).

    Examples
    --------
    >>> import pandas as pd
    >>> goals = pd.DataFrame({"goal_id": ["g1", "g2"], "cop_id": "c", "statement": "...",
    ...     "baseline": [4.0, 10.0], "target": [8.0, 20.0],
    ...     "gas_levels": ['{"-2": "4", "-1": "6", "0": "8", "1": "10", "2": "12"}', None]})
    >>> meas = pd.DataFrame({"measurement_id": ["m1", "m2"], "goal_id": ["g1", "g2"],
    ...                      "measured_on": "2026-05-01", "value": [9.0, 14.0]})
    >>> goal_attainment(goals, meas)[["goal_id", "progress", "attainment", "attainment_rule"]]
      goal_id  progress  attainment attainment_rule
    0      g1      1.25         0.0      gas_levels
    1      g2      0.40        -1.0        progress
    """
    prog = goal_progress(goals, measurements, as_of=as_of)
    gl = _frame("goal", goals, param="goals", need=("goal_id",))
    gl = gl.dropna(subset=["goal_id"]).drop_duplicates("goal_id").set_index("goal_id")
    direction = prog["goal_id"].map(gl["direction"]).fillna("increase").astype(str)
    weight = prog["goal_id"].map(gl["weight"]).astype(float).fillna(1.0)
    p = prog["progress"].to_numpy(dtype=float)
    from_progress = np.where(np.isnan(p), np.nan,
                             np.searchsorted(np.array(PROGRESS_BANDS), p, side="right") - 2.0)
    anchors = prog["goal_id"].map(gl["gas_levels"]).map(_numeric_anchors, na_action="ignore")
    value = prog["latest_value"].to_numpy(dtype=float)
    from_gas = np.array([
        _from_anchors(v, a, d) if isinstance(a, list) else math.nan
        for v, a, d in zip(value, anchors, direction, strict=True)
    ], dtype=float)
    use_gas = ~np.isnan(from_gas)
    out = prog[["goal_id", "cop_id"]].copy()
    out["direction"] = direction.astype(TEXT_DTYPE).to_numpy()
    for c in ("baseline", "target", "latest_value", "latest_on", "progress", "on_track"):
        out[c] = prog[c]
    reached = pd.array(p >= 1, dtype="boolean")
    reached[np.isnan(p)] = pd.NA
    out["target_reached"] = reached
    out["attainment"] = np.where(use_gas, from_gas, from_progress)
    rule = np.where(use_gas, "gas_levels", np.where(np.isnan(from_progress), None, "progress"))
    out["attainment_rule"] = pd.Series(rule, index=out.index, dtype=TEXT_DTYPE)
    out["weight"] = weight.to_numpy(dtype=float)
    return out.reset_index(drop=True)


def progress_summary(
    goals: pd.DataFrame,
    measurements: pd.DataFrame,
    *,
    by: str | Sequence[str] = ("cop_id",),
    as_of: object = None,
    cop: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Goal progress across CoPs: how far goals got, and how many reached their target.

    Parameters
    ----------
    goals, measurements : pandas.DataFrame
        Rows of the ``goal`` and ``goal_measurement`` tables.
    by : str or sequence of str, default ("cop_id",)
        Any of ``cop_id, direction`` and (with ``cop``) ``school, country,
        language, cycle``; ``()`` for all goals together.
    as_of : date-like, optional
        Only measurements up to this day count.
    cop : pandas.DataFrame, optional
        Rows of the ``cop`` table (for school, country, ...).

    Returns
    -------
    pandas.DataFrame
        One row per group, sorted: the ``by`` columns, then ``goals`` (int),
        ``measured`` (int: goals with a progress value), ``mean_progress``,
        ``median_progress``, ``min_progress``, ``max_progress`` (over the
        measured goals), ``reached`` (int: progress >= 1), ``share_reached``
        (of measured goals), ``on_track`` (int) and ``share_on_track`` (of
        the goals where it could be judged).

    Examples
    --------
    >>> from cocope_kit.demo import demo_tables
    >>> t = demo_tables()
    >>> progress_summary(t["goal"], t["goal_measurement"], by=())[
    ...     ["goals", "measured", "mean_progress", "reached"]].round(2)
       goals  measured  mean_progress  reached
    0      4         4            0.7        1
    """
    keys = _by(by, ("cop_id", "direction", *COP_COLUMNS))
    a = _with_cop(goal_attainment(goals, measurements, as_of=as_of), keys, cop)
    a = a.assign(_reached=a["target_reached"].fillna(False).astype(float),
                 _judged=a["on_track"].notna().astype(float),
                 _on=a["on_track"].fillna(False).astype(float))
    out = _grouped(a, keys, goals=("goal_id", "size"), measured=("progress", "count"),
                   mean_progress=("progress", "mean"), median_progress=("progress", "median"),
                   min_progress=("progress", "min"), max_progress=("progress", "max"),
                   reached=("_reached", "sum"), _judged=("_judged", "sum"),
                   on_track=("_on", "sum"))
    for c in ("goals", "measured", "reached", "on_track", "_judged"):
        out[c] = out[c].astype("int64")
    out["share_reached"] = (out["reached"] / out["measured"].where(out["measured"] > 0)).astype(
        float)
    out["share_on_track"] = (out["on_track"] / out["_judged"].where(out["_judged"] > 0)).astype(
        float)
    return out[[*keys, "goals", "measured", "mean_progress", "median_progress", "min_progress",
                "max_progress", "reached", "share_reached", "on_track", "share_on_track"]]


def gas_scores(
    goals: pd.DataFrame,
    measurements: pd.DataFrame,
    *,
    by: str | Sequence[str] = "cop_id",
    rho: float = 0.3,
    as_of: object = None,
    cop: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Goal Attainment Scaling T-score per CoP (or other group), weighted by goal weight.

    Parameters
    ----------
    goals, measurements : pandas.DataFrame
        Rows of the ``goal`` and ``goal_measurement`` tables.
    by : str or sequence of str, default "cop_id"
        Any of ``cop_id, direction`` and (with ``cop``) ``school, country,
        language, cycle``; ``()`` for all goals together.
    rho : float, default 0.3
        Assumed correlation between goal scores (Kiresuk & Sherman).
    as_of : date-like, optional
        Only measurements up to this day count.
    cop : pandas.DataFrame, optional
        Rows of the ``cop`` table (for school, country, ...).

    Returns
    -------
    pandas.DataFrame
        One row per group, sorted: the ``by`` columns, then ``goals`` (int),
        ``scored`` (int: goals with an attainment level),
        ``mean_attainment`` (weighted mean level of the scored goals) and
        ``tscore`` (:func:`cocope_kit.stats.gas_tscore`; 50 = every goal as
        expected; NaN when no goal is scored or the scored goals all have
        weight 0, so one odd CoP never stops the table).

    Raises
    ------
    UsageError
        If ``rho`` is not in [0, 1] or a goal weight is negative.

    Notes
    -----
    .. math::

        T = 50 + \\frac{10 \\sum_i w_i x_i}
                       {\\sqrt{(1 - \\rho) \\sum_i w_i^2 + \\rho \\left(\\sum_i w_i\\right)^2}}

    computed for all groups at once; equal to :func:`cocope_kit.stats.gas_tscore`
    group by group. Levels come from :func:`goal_attainment`.

    Examples
    --------
    >>> import pandas as pd
    >>> goals = pd.DataFrame({"goal_id": ["g1", "g2"], "cop_id": "c", "statement": "...",
    ...     "baseline": [0.0, 0.0], "target": [10.0, 10.0], "weight": [2.0, 1.0]})
    >>> meas = pd.DataFrame({"measurement_id": ["m1", "m2"], "goal_id": ["g1", "g2"],
    ...                      "measured_on": "2026-05-01", "value": [15.0, 5.0]})
    >>> gas_scores(goals, meas).round(2)  # levels +1 (weight 2) and -1 (weight 1)
      cop_id  goals  scored  mean_attainment  tscore
    0      c      2       2             0.33   54.02
    """
    if isinstance(rho, bool) or not isinstance(rho, numbers.Real) or not 0 <= rho <= 1:
        raise UsageError(f"rho must be a number between 0 and 1, got {rho!r}")
    keys = _by(by, ("cop_id", "direction", *COP_COLUMNS))
    a = _with_cop(goal_attainment(goals, measurements, as_of=as_of), keys, cop)
    if (a["weight"] < 0).any():
        bad = a.loc[a["weight"] < 0, "goal_id"].tolist()[:5]
        raise UsageError(f"goal weights must be 0 or more; negative for {bad!r}")
    x = a["attainment"].to_numpy(dtype=float)
    w = np.where(np.isnan(x), 0.0, a["weight"].to_numpy(dtype=float))
    a = a.assign(_wx=np.where(np.isnan(x), 0.0, w * x), _w=w, _w2=w ** 2,
                 _scored=(~np.isnan(x)).astype(float))
    out = _grouped(a, keys, goals=("goal_id", "size"), scored=("_scored", "sum"),
                   _wx=("_wx", "sum"), _w=("_w", "sum"), _w2=("_w2", "sum"))
    out["goals"] = out["goals"].astype("int64")
    out["scored"] = out["scored"].astype("int64")
    den = (1 - rho) * out["_w2"] + rho * out["_w"] ** 2
    ok = (out["scored"] > 0) & (den > 0)
    out["mean_attainment"] = (out["_wx"] / out["_w"].where(ok & (out["_w"] > 0))).astype(float)
    out["tscore"] = (50 + 10 * out["_wx"] / np.sqrt(den.where(ok))).astype(float)
    return out[[*keys, "goals", "scored", "mean_attainment", "tscore"]]
