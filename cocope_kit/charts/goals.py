"""Charts of the shared goal (meeting 3, Practice): progress over time and GAS T-scores.

Compute, then draw (STYLE 2): :func:`goal_progress` takes the ``goal`` and
``goal_measurement`` tables, :func:`gas_scores` the table of
:func:`cocope_kit.analysis.gas_scores`. Texts are in the reader's language
(``language=``, English by default); the alt text is returned by
:func:`cocope_kit.charts.describe`.

Thin data: a goal without measurements is drawn as a "not collected yet" panel
(no axes, no ticks); :func:`gas_scores` returns ``None`` when no row has a
T-score, so the caller leaves the chart out.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import pandas as pd
>>> from cocope_kit.charts import describe
>>> table = pd.DataFrame({"cop_id": ["a", "b"], "goals": [1, 2], "scored": [1, 2],
...                       "mean_attainment": [0.0, -1.0], "tscore": [50.0, 40.0]})
>>> ax = gas_scores(table)
>>> [float(p.get_y() + p.get_height()) for p in ax.patches]
[50.0, 40.0]
>>> print(describe(ax))  # doctest: +NORMALIZE_WHITESPACE
Goal attainment (GAS T-score) of 2 CoPs; 50 means every goal was reached as expected: a 50
(1 of 1 goal scored), b 40 (2 of 2 goals scored). 1 at or above 50, 1 below.
>>> gas_scores(table.iloc[:0]) is None
True
"""

from __future__ import annotations

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import Patch

from ..i18n import translator
from . import _style as st
from ._common import date_formatter, done, need, not_collected, one
from .palette import MEANING

__all__ = ["goal_progress", "gas_scores"]


def _num(x: float, tr) -> str:
    return tr.number(x, 0 if float(x).is_integer() else 1)


def goal_progress(goals: pd.DataFrame, measurements: pd.DataFrame, *, ax: Axes | None = None,
                  language: str | None = None, goal_id: str | None = None,
                  as_of: object = None) -> Axes:
    """One goal over time: baseline, measurements, target and deadline.

    Parameters
    ----------
    goals : pandas.DataFrame
        Rows of the ``goal`` table (``goal_id, baseline, target, deadline``;
        ``statement``, ``unit``, ``agreed_on`` used when present). One goal,
        or choose it with ``goal_id``.
    measurements : pandas.DataFrame
        Rows of the ``goal_measurement`` table (``goal_id, measured_on, value``).
    ax : matplotlib Axes, optional
    language : {"en", "de", "nl", "pt", "sk"}, optional
        The language of every text (English when omitted).
    goal_id : str, optional
    as_of : date-like, optional
        The day the chart is seen from (default today): once the deadline
        has passed, the chart says whether the target was reached.

    Returns
    -------
    matplotlib Axes
        The measurements line (gid ``"measurements"``, one point per row, in
        date order, drawn in the neutral colour), horizontal lines
        ``"baseline"`` and ``"target"`` (bluish green: progress) and the
        vertical ``"deadline"`` line. After the deadline a verdict (gid
        ``"verdict"``) says "deadline passed: target not reached (68 % of the
        way)" in vermillion, or "target reached" in bluish green. The x-axis
        runs from the agreement (or first measurement) to the deadline, with
        at most six date ticks. Without any measurement the Axes is a "not
        collected yet" panel without ticks (:func:`_common.not_collected`).

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> g = pd.DataFrame({"goal_id": ["g"], "statement": ["More pupils in the games corner"],
    ...                   "baseline": [10], "target": [30], "deadline": ["2026-06-30"]})
    >>> m = pd.DataFrame({"goal_id": ["g"], "measured_on": ["2026-05-01"], "value": [23.6]})
    >>> ax = goal_progress(g, m, as_of="2026-09-01")
    >>> bool(ax.get_xlim()[1] < mdates.date2num(pd.Timestamp("2026-07-31")))
    True
    >>> [t.get_text() for t in ax.texts if t.get_gid() == "verdict"]
    ['deadline passed: target not reached (68% of the way)']
    >>> ax = goal_progress(g, m.iloc[:0], language="de")
    >>> [t.get_text() for t in ax.texts][0]
    'Noch nicht erhoben'
    """
    tr = translator(language)
    g = need(goals, "goals", ["goal_id", "baseline", "target", "deadline"], "the 'goal' table")
    g = one(g, "goals", ["goal_id"], goal_id=goal_id).iloc[0]
    m = need(measurements, "measurements", ["goal_id", "measured_on", "value"],
             "the 'goal_measurement' table")
    m = m[m["goal_id"].astype(str) == str(g["goal_id"])].copy()
    m["measured_on"] = pd.to_datetime(m["measured_on"])
    m["value"] = pd.to_numeric(m["value"], errors="coerce")
    m = m.dropna(subset=["measured_on", "value"]).sort_values("measured_on", kind="stable")
    ax = st.new_ax(ax, (10, 6))
    base, target = float(g["baseline"]), float(g["target"])
    deadline = pd.to_datetime(g["deadline"])
    unit = str(g["unit"]) if "unit" in g.index and pd.notna(g["unit"]) else ""
    stmt = str(g["statement"]) if "statement" in g.index and pd.notna(g["statement"]) else ""
    title = stmt or tr.gettext("Our shared goal")
    when = (tr.gettext("by {date}").format(date=tr.date(deadline))
            if pd.notna(deadline) else "")
    if m.empty:
        msg = tr.gettext("No measurement of the goal yet. Baseline {baseline}, target "
                         "{target}.").format(baseline=_num(base, tr), target=_num(target, tr))
        return not_collected(ax, title, f"{msg} {when}".strip(), tr)

    bl = ax.axhline(base, color=MEANING["reference"], linestyle=(0, (4, 2)), linewidth=2,
                    label=tr.gettext("baseline {value}").format(value=_num(base, tr)))
    bl.set_gid("baseline")
    tl = ax.axhline(target, color=MEANING["progress"], linestyle="-", linewidth=2.5,
                    label=tr.gettext("target {value}").format(value=_num(target, tr)))
    tl.set_gid("target")
    if pd.notna(deadline):
        dl = ax.axvline(deadline, color=MEANING["reference"], linestyle=":", linewidth=2.5,
                        label=tr.gettext("deadline {date}").format(date=tr.date(deadline)))
        dl.set_gid("deadline")
    (ln,) = ax.plot(m["measured_on"], m["value"].astype(float), color=MEANING["neutral"],
                    marker="o", markersize=9, linewidth=2.5, label=tr.gettext("measurements"))
    ln.set_gid("measurements")
    for d, v in zip(m["measured_on"], m["value"].astype(float), strict=True):
        ax.annotate(_num(v, tr), (d, v), textcoords="offset points", xytext=(0, 10),
                    ha="center", fontsize=st.SMALL_SIZE)
    ax.set_ylabel(unit or tr.gettext("value of the indicator"))
    ax.set_title(title, fontsize=st.LABEL_SIZE, loc="left")
    vals = [base, target, *m["value"].astype(float)]
    pad = 0.12 * (max(vals) - min(vals) or 1)
    ax.set_ylim(min(vals) - pad, max(vals) + 2.4 * pad)

    # x: from the agreement (or the first measurement) to the deadline (or the last one)
    days = list(m["measured_on"])
    if "agreed_on" in g.index and pd.notna(g["agreed_on"]):
        days.append(pd.Timestamp(g["agreed_on"]))
    if pd.notna(deadline):
        days.append(deadline)
    lo, hi = min(days), max(days)
    span = max((hi - lo).days, 60)
    pad_days = pd.Timedelta(days=max(7, round(0.05 * span)))
    mid = lo + (hi - lo) / 2
    lo, hi = (min(lo, mid - pd.Timedelta(days=span / 2)) - pad_days,
              max(hi, mid + pd.Timedelta(days=span / 2)) + pad_days)
    ax.set_xlim(mdates.date2num(lo), mdates.date2num(hi))
    ax.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=2, maxticks=6))
    ax.xaxis.set_major_formatter(date_formatter(tr, "MMM y"))
    st.style_axes(ax, grid="y")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=4,
              fontsize=st.LEGEND_SIZE, frameon=False)

    latest = float(m["value"].iloc[-1])
    share = (latest - base) / (target - base) if target != base else float("nan")
    day = pd.Timestamp(as_of) if as_of is not None else pd.Timestamp.today().normalize()
    verdict = ""
    if share == share and share >= 1:
        verdict, color = tr.gettext("target reached"), MEANING["progress"]
    elif pd.notna(deadline) and day > deadline and share == share:
        verdict = tr.gettext("deadline passed: target not reached ({share} of the way)").format(
            share=tr.percent(max(share, 0.0)))
        color = MEANING["problem"]
    if verdict:
        ax.text(0.01, 0.97, verdict, transform=ax.transAxes, ha="left", va="top",
                fontsize=st.TEXT_SIZE, fontweight="bold", color=color, gid="verdict",
                bbox={"facecolor": "white", "edgecolor": color, "pad": 4})
    series = "; ".join(f"{tr.date(d)}: {_num(v, tr)}"
                       for d, v in zip(m["measured_on"], m["value"], strict=True))
    text = tr.gettext("Goal over time ({unit}): baseline {baseline}, target {target}").format(
        unit=unit or tr.gettext("value of the indicator"), baseline=_num(base, tr),
        target=_num(target, tr))
    if when:
        text += " " + when
    text += ". " + tr.ngettext("{n} measurement", "{n} measurements", len(m)).format(n=len(m))
    text += f": {series}."
    if share == share:
        text += " " + tr.gettext("{share} of the way from baseline to target").format(
            share=tr.percent(share)) + "."
    if verdict:
        text += f" {verdict[:1].upper()}{verdict[1:]}."
    return done(ax, text)


def gas_scores(scores: pd.DataFrame, *, ax: Axes | None = None,
               language: str | None = None) -> Axes | None:
    """Goal attainment (GAS T-score) per CoP, as bars from the line at 50.

    Parameters
    ----------
    scores : pandas.DataFrame
        :func:`cocope_kit.analysis.gas_scores` (``cop_id, goals, scored, tscore``),
        or any table whose first column names the bars (e.g. ``country``).
    ax : matplotlib Axes, optional
    language : {"en", "de", "nl", "pt", "sk"}, optional
        The language of every text (English when omitted).

    Returns
    -------
    matplotlib Axes or None
        ``None`` when no row has a T-score (nothing scored yet): the caller
        leaves the chart out rather than show an empty one. Otherwise one bar
        per row from 50 to ``tscore`` (``y + height == tscore``): bluish green
        at or above 50, vermillion and hatched below; rows without a T-score
        are written "not collected yet" and get no bar. The 50 line has gid
        ``"expected"``; a T-score of exactly 50 is marked by a diamond on the
        line (gid ``"at_expected"``).
    """
    tr = translator(language)
    s = need(scores, "scores", ["tscore"], "the table of analysis.gas_scores")
    t_all = pd.to_numeric(s["tscore"], errors="coerce").astype(float).to_numpy()
    if not np.isfinite(t_all).any():
        return None
    key = "cop_id" if "cop_id" in s.columns else s.columns[0]
    names = s[key].astype(str).tolist()
    t = t_all
    n = len(names)
    ax = st.new_ax(ax, (min(max(6.5, 1.5 * n + 3), 13.0), 6))
    ok = np.isfinite(t)
    good = ok & (t >= 50)
    colors = [MEANING["progress"] if g_ else MEANING["problem"] for g_ in good]
    hatch = ["" if g_ else "//" for g_ in good]
    bars = ax.bar(np.flatnonzero(ok), (t - 50)[ok], bottom=50,
                  color=[c for c, o in zip(colors, ok, strict=True) if o],
                  hatch=[h for h, o in zip(hatch, ok, strict=True) if o],
                  edgecolor=st.BLACK, width=0.6)
    at_50 = ok & np.isclose(np.nan_to_num(t), 50.0)
    if at_50.any():
        ax.plot(np.flatnonzero(at_50), t[at_50], linestyle="none", marker="D", markersize=11,
                color=MEANING["progress"], markeredgecolor=st.BLACK, zorder=3, gid="at_expected")
    for b_, v in zip(bars, t[ok], strict=True):
        ax.text(b_.get_x() + b_.get_width() / 2, v + (1 if v >= 50 else -1), tr.number(v, 1),
                ha="center", va="bottom" if v >= 50 else "top", fontsize=st.TEXT_SIZE,
                fontweight="bold")
    for i in np.flatnonzero(~ok):
        ax.text(i, 51, tr.gettext("not collected yet"), ha="center", va="bottom",
                rotation=90, fontsize=st.SMALL_SIZE, color="#555555", gid="not-collected")
    ln = ax.axhline(50, color=MEANING["reference"], linewidth=1.8,
                    label=tr.gettext("50 = goals reached as expected"))
    ln.set_gid("expected")
    ax.set_xticks(range(n), names)
    finite = t[ok]
    ax.set_ylim(min(30.0, float(finite.min()) - 5), max(70.0, float(finite.max()) + 5))
    ax.set_ylabel(tr.gettext("GAS T-score"))
    ax.set_title(tr.gettext("Goal attainment"))
    st.style_axes(ax, grid="y")
    handles = [ln, Patch(facecolor=MEANING["progress"], edgecolor=st.BLACK,
                         label=tr.gettext("at or above 50")),
               Patch(facecolor=MEANING["problem"], edgecolor=st.BLACK, hatch="//",
                     label=tr.gettext("below 50"))]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=3,
              fontsize=st.LEGEND_SIZE - 1, frameon=False)
    parts = []
    for i, name in enumerate(names):
        value = tr.number(t[i], 1) if ok[i] else tr.gettext("not collected yet")
        if {"scored", "goals"} <= set(s.columns):
            sc, gl = int(s["scored"].iloc[i]), int(s["goals"].iloc[i])
            value += " (" + tr.ngettext("{scored} of {n} goal scored",
                                        "{scored} of {n} goals scored", gl).format(
                scored=sc, n=gl) + ")"
        parts.append(f"{name} {value}")
    above, below = int(good.sum()), int((ok & ~good).sum())
    return done(ax, tr.ngettext(
        "Goal attainment (GAS T-score) of {n} CoP; 50 means every goal was reached as expected",
        "Goal attainment (GAS T-score) of {n} CoPs; 50 means every goal was reached as expected",
        n).format(n=n) + ": " + ", ".join(parts) + ". "
        + tr.gettext("{above} at or above 50, {below} below.").format(above=above, below=below))
