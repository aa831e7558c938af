"""Charts of the level of working together (cooperation, coordination, collaboration).

Compute, then draw (STYLE 2): both charts take tables of
:mod:`cocope_kit.analysis` (``level_of_working_together``,
``level_transitions``). Texts are in the reader's language (``language=``,
English by default); the alt text is returned by :func:`cocope_kit.charts.describe`.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import pandas as pd
>>> t = pd.DataFrame({"cop_id": ["a", "b"], "from_level": ["cooperation", "coordination"],
...                   "to_level": ["coordination", "coordination"]})
>>> ax = level_transitions(t, language="de")
>>> [lab.get_text() for lab in ax.get_xticklabels()]
['vorher', 'nachher']
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from ..errors import UsageError
from ..i18n import translator
from . import _style as st
from ._common import (
    cop_styles,
    done,
    empty_panel,
    level_label,
    need,
    suppressed_text,
    wave_label,
)
from ._style import wrap_text as wrap
from .palette import MEANING

__all__ = ["level_profile", "level_transitions", "LEVEL_ORDER"]

LEVEL_ORDER = ("below_cooperation", "cooperation", "coordination", "collaboration")
"""The classified levels, lowest first."""
_SUBSCALES = ("cooperation", "coordination", "collaboration")


def level_profile(levels: pd.DataFrame, *, ax: Axes | None = None,
                  language: str | None = None, threshold: float = 3.5,
                  scale: tuple[float, float] = (1, 5), min_cell: int | None = None) -> Axes:
    """Subscale means (cooperation, coordination, collaboration) per CoP and wave.

    Parameters
    ----------
    levels : pandas.DataFrame
        :func:`cocope_kit.analysis.level_of_working_together` (default
        ``by=("cop_id", "wave")``): the three subscale means and ``level``.
    ax : matplotlib Axes, optional
    language : {"en", "de", "nl", "pt", "sk"}, optional
        The language of every text (English when omitted).
    threshold : float, default 3.5
        Drawn as a horizontal reference line (the classification threshold).
    scale : (min, max), default (1, 5)
        The answer scale; bars start at its minimum.
    min_cell : int, optional
        The ``k`` of :func:`cocope_kit.privacy.suppress_small_cells`, only for
        the label of hidden groups. Rows whose ``suppressed`` column is not
        empty get no bars and the text "hidden (fewer than k answers)"; rows
        without any mean get "not collected yet".

    Returns
    -------
    matplotlib Axes
        Three bar containers labelled by subscale, one bar per shown group (top
        ``= mean``, bottom at the scale minimum); the threshold line has gid
        ``"threshold"``; the classified level is written above each group.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> lv = pd.DataFrame({"cop_id": "c", "wave": ["pre", "post"], "n": [3.0, 8.0],
    ...                    "cooperation": [None, 3.9], "coordination": [None, 3.6],
    ...                    "collaboration": [None, 3.2], "level": [None, "coordination"],
    ...                    "suppressed": ["small cell", ""]})
    >>> ax = level_profile(lv, min_cell=5)
    >>> [len(c) for c in ax.containers], [t.get_text() for t in ax.texts]
    ([1, 1, 1], ['hidden\\n(fewer than 5 answers)', 'coordination'])
    """
    tr = translator(language)
    lv = need(levels, "levels", [*_SUBSCALES, "level"],
              "the table of analysis.level_of_working_together")
    if "wave" in lv.columns:
        order = {"pre": 0, "post": 1}
        lv = lv.assign(_w=lv["wave"].map(lambda w: order.get(str(w), 2)))
        lv = lv.sort_values([k for k in ("cop_id",) if k in lv.columns] + ["_w", "wave"],
                            kind="stable")
    lv = lv.reset_index(drop=True)
    n = len(lv)
    if lv.empty:
        return empty_panel(ax, tr.gettext("How we work together"),
                           tr.gettext("No answers to the survey on working together yet."), tr)
    ax = st.new_ax(ax, (max(8.0, 1.55 * n + 3), 6.8))
    lo, hi = scale
    w = 0.26
    x = np.arange(n, dtype=float)
    if "cop_id" in lv.columns:  # a gap between CoPs
        x += np.cumsum(np.r_[0, (lv["cop_id"].astype(str).to_numpy()[1:]
                                 != lv["cop_id"].astype(str).to_numpy()[:-1])]) * 0.5
    hatches = {"cooperation": "..", "coordination": "//", "collaboration": ""}
    why = (lv["suppressed"].fillna("").astype(str) if "suppressed" in lv.columns
           else pd.Series("", index=lv.index))
    empty = lv[list(_SUBSCALES)].apply(pd.to_numeric, errors="coerce").isna().all(axis=1)
    shown = ((why == "") & ~empty).to_numpy()
    for i, sub in enumerate(_SUBSCALES):
        vals = pd.to_numeric(lv[sub], errors="coerce").astype(float).to_numpy()
        ax.bar((x + (i - 1) * w)[shown], vals[shown] - lo, bottom=lo, width=w,
               color=st.LEVEL_COLORS[sub], edgecolor=st.BLACK, linewidth=0.6,
               hatch=hatches[sub], label=level_label(sub, tr))
    ln = ax.axhline(threshold, color=MEANING["reference"], linestyle="--", linewidth=2,
                    label=tr.gettext("threshold {value}").format(value=tr.number(threshold)))
    ln.set_gid("threshold")
    for xi, level, r, e in zip(x, lv["level"], why, empty, strict=True):
        if r:
            text = suppressed_text(r, min_cell, tr).replace(" (", "\n(", 1)
        elif e:
            text = wrap(tr.gettext("not collected yet"), 12)
        else:
            text = wrap(level_label(level, tr), 13)
        ax.text(xi, hi + 0.08 if not (r or e) else (lo + hi) / 2, text, ha="center",
                va="bottom", fontsize=st.SMALL_SIZE, fontweight="normal" if r or e else "bold",
                color="#555555" if r or e else st.BLACK)
    labels = [wave_label(wv, tr) if "wave" in lv.columns else "" for wv in
              (lv["wave"] if "wave" in lv.columns else [None] * n)]
    if "cop_id" in lv.columns and lv["cop_id"].nunique() > 1:
        labels = [f"{lab}\n{c}" if lab else str(c) for lab, c in zip(labels, lv["cop_id"],
                                                                       strict=True)]
    ax.set_xticks(x, labels)
    ax.set_ylim(lo, hi + 0.75)
    ax.set_yticks(np.arange(lo, hi + 0.01, 1))
    ax.set_ylabel(tr.gettext("mean score ({low} to {high})").format(low=tr.number(lo),
                                                                   high=tr.number(hi)))
    ax.set_title(tr.gettext("How we work together"), pad=10)
    st.style_axes(ax, grid="y")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=4,
              fontsize=st.LEGEND_SIZE, frameon=False)
    parts = []
    for (_, r), rw, e in zip(lv.iterrows(), why, empty, strict=True):
        name = ", ".join(x for x in (str(r["cop_id"]) if "cop_id" in lv.columns else "",
                                     wave_label(r["wave"], tr) if "wave" in lv.columns else "")
                         if x)
        if rw:
            parts.append(f"{name}: {suppressed_text(rw, min_cell, tr)}")
        elif e:
            parts.append(f"{name}: {tr.gettext('not collected yet')}")
        else:
            parts.append(name + ": " + ", ".join(
                f"{level_label(s, tr)} {tr.number(r[s], 1)}" for s in _SUBSCALES)
                + " → " + level_label(r["level"], tr))
    return done(ax, tr.gettext(
        "Mean scores for cooperation, coordination and collaboration ({low} to {high}), "
        "threshold {value}").format(low=tr.number(lo), high=tr.number(hi),
                                    value=tr.number(threshold)) + ". " + "; ".join(parts) + ".")


def level_transitions(transitions: pd.DataFrame, *, ax: Axes | None = None,
                      language: str | None = None) -> Axes:
    """Slope chart of the level of working together from before to after, one line per CoP.

    Parameters
    ----------
    transitions : pandas.DataFrame
        :func:`cocope_kit.analysis.level_transitions` (``cop_id, from_level,
        to_level``).
    ax : matplotlib Axes, optional
    language : {"en", "de", "nl", "pt", "sk"}, optional
        The language of every text (English when omitted).

    Returns
    -------
    matplotlib Axes
        One line per CoP with both levels (gid ``"transition:<cop_id>"``,
        x = 0 before and 1 after, y = position in below cooperation <
        cooperation < coordination < collaboration, moved apart by up to ±0.18
        where CoPs share a path); CoPs missing a wave are named in the
        description.
    """
    tr = translator(language)
    t = need(transitions, "transitions", ["cop_id", "from_level", "to_level"],
             "the table of analysis.level_transitions")
    full = t.dropna(subset=["from_level", "to_level"])
    if full.empty:
        return empty_panel(ax, tr.gettext("Level of working together, before and after"),
                           tr.gettext("This needs survey answers from before and after."), tr)
    ax = st.new_ax(ax, (8.5, 6.5))
    pos = {lv: i for i, lv in enumerate(LEVEL_ORDER)}
    missing = [str(c) for c in t.loc[~t.index.isin(full.index), "cop_id"]]
    paths = list(zip(full["from_level"].astype(str), full["to_level"].astype(str), strict=True))
    cops = full["cop_id"].astype(str).tolist()
    sty = cop_styles(cops)
    seen: dict[tuple[str, str], int] = {}
    counts = {p: paths.count(p) for p in paths}
    parts, moves = [], {"up": 0, "down": 0, "same": 0}
    for cop, (a, b) in zip(cops, paths, strict=True):
        if a not in pos or b not in pos:
            raise UsageError(f"unknown level {a if a not in pos else b!r}; one of: "
                             f"{', '.join(LEVEL_ORDER)}")
        k = seen.get((a, b), 0)
        seen[(a, b)] = k + 1
        m = counts[(a, b)]
        off = 0.0 if m == 1 else -0.18 + 0.36 * k / (m - 1)
        color, marker = sty[cop]
        change = "up" if pos[b] > pos[a] else ("down" if pos[b] < pos[a] else "same")
        moves[change] += 1
        (ln,) = ax.plot([0, 1], [pos[a] + off, pos[b] + off], color=color, marker=marker,
                        markersize=11, linewidth=3,
                        linestyle="-" if change != "same" else (0, (4, 2)), label=cop)
        ln.set_gid(f"transition:{cop}")
        ax.text(1.04, pos[b] + off, cop, va="center", fontsize=st.SMALL_SIZE, color=color,
                fontweight="bold")
        parts.append(f"{cop}: {level_label(a, tr)} → {level_label(b, tr)}")
    ax.set_yticks(range(len(LEVEL_ORDER)), [level_label(v, tr) for v in LEVEL_ORDER])
    for lab in ax.get_yticklabels():
        lab.set_fontweight("bold")
    ax.set_xticks([0, 1], [wave_label("pre", tr), wave_label("post", tr)])
    ax.set_xlim(-0.25, 1.45)
    ax.set_ylim(-0.5, len(LEVEL_ORDER) - 0.5)
    ax.set_title(tr.gettext("Level of working together, before and after"))
    st.style_axes(ax, grid="y")
    handles = [Line2D([], [], color=st.BLACK, linewidth=3, label=tr.gettext("changed")),
               Line2D([], [], color=st.BLACK, linewidth=3, linestyle=(0, (4, 2)),
                      label=tr.gettext("same level"))]
    ax.legend(handles=handles, loc="lower right", fontsize=st.LEGEND_SIZE)
    text = (tr.ngettext("Level of working together before and after, for {n} CoP",
                        "Level of working together before and after, for {n} CoPs",
                        len(cops)).format(n=len(cops)) + ": "
            + tr.gettext("{up} up, {down} down, {same} the same").format(**moves) + ". "
            + "; ".join(parts) + ".")
    if missing:
        text += " " + tr.gettext("Not collected yet for: {names}.").format(
            names=", ".join(missing))
    return done(ax, text)
