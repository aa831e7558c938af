"""Charts of the surveys (meeting 3): answers per item and scale means.

Compute, then draw (STYLE 2): :func:`likert_bars` takes
:func:`cocope_kit.analysis.likert_counts`, :func:`construct_means`
:func:`cocope_kit.analysis.construct_scores`. Items and constructs are labelled
with their wording from the instrument (:mod:`cocope_kit.instruments`) in the
reader's language (``language=``), never with their keys.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import pandas as pd
>>> s = pd.DataFrame({"wave": ["pre", "post"], "construct": "safety", "n": [8, 8],
...                   "mean": [3.1, 3.8], "ci_low": [2.7, 3.4], "ci_high": [3.5, 4.2]})
>>> ax = construct_means(s, language="pt")
>>> [t.get_text().split("\\n")[0] for t in ax.get_yticklabels()]
['Segurança']
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from ..i18n import translator
from . import _style as st
from ._common import (
    construct_label,
    done,
    empty_panel,
    item_label,
    need,
    one,
    role_group_label,
    suppressed_text,
    text_color,
    wave_label,
)
from ._style import wrap_text as wrap
from .palette import BLUE, GREY, ORANGE, REDDISH_PURPLE, SKY_BLUE

__all__ = ["likert_bars", "construct_means"]


def _diverging_colors(k: int) -> list:
    """k colours from reddish purple (disagree) through grey to blue (agree).

    Disagreeing is not a problem in itself, so it is not drawn in vermillion.
    """
    if k <= 1:
        return [GREY]
    out = []
    for i in range(k):
        t = i / (k - 1)
        if abs(t - 0.5) < 1e-9:
            out.append("#BBBBBB")
        elif t < 0.5:
            out.append(st.tint(REDDISH_PURPLE, 0.6 * t / 0.5))
        else:
            out.append(st.tint(BLUE, 0.6 * (1 - t) / 0.5))
    return out


def _group_text(df: pd.DataFrame, by: list[str], tr) -> str:
    """The chosen group in words: CoP ids as they are, waves as "before"/"after"."""
    parts = []
    for k in by:
        if k in df.columns and len(df):
            v = df[k].iloc[0]
            parts.append(wave_label(v, tr) if k == "wave" else str(v))
    return " · ".join(parts)


def likert_bars(counts: pd.DataFrame, *, ax: Axes | None = None, language: str | None = None,
                item_labels: Mapping[str, str] | None = None, **group: object) -> Axes:
    """Diverging stacked bars of Likert answers, centred on the neutral point, one bar per item.

    Parameters
    ----------
    counts : pandas.DataFrame
        :func:`cocope_kit.analysis.likert_counts` for one group (choose it with
        keyword arguments, e.g. ``cop_id="pt-porto", wave="post"``).
    ax : matplotlib Axes, optional
    language : {"en", "de", "nl", "pt", "sk"}, optional
        The language of every text (English when omitted); item wording comes
        from the instrument in this language.
    item_labels : mapping item_id -> text, optional
        Row labels (default: the item's wording from the instrument).
    **group
        ``column=value`` filters for the grouping columns of ``counts``.

    Returns
    -------
    matplotlib Axes
        One bar container per answer option (label = option label); bar widths
        are ``percent_answered`` (the answered responses are 100 %), the
        neutral option split half left, half right of 0. Don't know / missing
        is a separate grey bar right of the scale (width = its ``percent`` of
        all responses).
    """
    tr = translator(language)
    c = need(counts, "counts", ["item_id", "option", "label", "count", "n", "percent",
                                "percent_answered"], "the table of analysis.likert_counts")
    fixed = {"item_id", "construct", "option", "label", "count", "n", "percent",
             "percent_answered"}
    by = [k for k in c.columns if k not in fixed]
    c = one(c, "counts", by, **group)
    if c.empty or c["option"].notna().sum() == 0:
        return empty_panel(ax, tr.gettext("Survey answers"), tr.gettext("No survey answers yet."),
                           tr)
    items = list(dict.fromkeys(c["item_id"].astype(str)))
    ans = c[c["option"].notna()]
    miss = c[c["option"].isna()]
    opts = sorted(ans["option"].astype(float).unique())
    olabel = {o: str(lab) for o, lab in zip(ans["option"].astype(float), ans["label"],
                                            strict=True)}
    k = len(opts)
    colors = _diverging_colors(k)
    mid = (k - 1) / 2
    n_items = len(items)
    ax = st.new_ax(ax, (13, max(3.8, 0.62 * n_items + 2.8)))
    pct = ans.pivot_table(index="item_id", columns="option", values="percent_answered",
                          aggfunc="first").reindex(index=items, columns=opts).fillna(0.0)
    left_edge = -(pct[[o for j, o in enumerate(opts) if j < mid]].sum(axis=1).to_numpy()
                  + (pct[opts[int(mid)]].to_numpy() / 2 if k % 2 else 0))
    neg = left_edge.copy()
    y = np.arange(n_items)
    for j, o in enumerate(opts):
        w = pct[o].to_numpy()
        ax.barh(y, w, left=neg, height=0.7, color=colors[j], edgecolor="white", linewidth=0.8,
                label=olabel[o])
        for yi, (lft, wi) in enumerate(zip(neg, w, strict=True)):
            if wi >= 8:
                ax.text(lft + wi / 2, yi, tr.number(wi, 0), ha="center", va="center",
                        fontsize=st.SMALL_SIZE - 1, color=text_color(colors[j]))
        neg = neg + w
    gap = 112
    mpct = (miss.set_index(miss["item_id"].astype(str))["percent"].reindex(items).fillna(0.0)
            .to_numpy())
    dk = tr.gettext("don't know / no answer")
    ax.barh(y, mpct, left=gap, height=0.7, color=st.LIGHT_GREY, edgecolor=GREY, hatch="xx",
            label=dk)
    for yi, v in enumerate(mpct):
        ax.text(gap + v + 1.5, yi, tr.percent(v / 100), va="center", fontsize=st.SMALL_SIZE - 1)
    ax.axvline(0, color=st.BLACK, linewidth=1.2)
    ax.axvline(gap - 4, color=GREY, linewidth=0.8, linestyle=":")
    ax.set_yticks(y, [wrap(item_label(i, tr, item_labels), 40, 2) for i in items])
    ax.set_ylim(n_items - 0.5, -0.5)
    ax.set_xlim(-100, gap + 40)
    ticks = [-100, -50, 0, 50, 100]
    ax.set_xticks(ticks + [gap + 20], [tr.percent(abs(t) / 100) for t in ticks]
                  + [wrap(tr.gettext("don't know"), 10)])
    ax.set_xlabel(tr.gettext("share of the answers (the middle answer split around 0)"))
    grp = _group_text(c, by, tr)
    ax.set_title(tr.gettext("Survey answers") + (f" · {grp}" if grp else ""))
    st.style_axes(ax, grid="x")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.6 / max(n_items, 1) - 0.02),
              ncol=3, fontsize=st.LEGEND_SIZE - 1, frameon=False)
    agree = pct[[o for j, o in enumerate(opts) if j > mid]].sum(axis=1)
    parts = [tr.gettext("{item}: {share} agree").format(item=item_label(i, tr, item_labels),
                                                        share=tr.percent(agree[i] / 100))
             for i in items]
    n_resp = int(c["n"].max()) if len(c) else 0
    text = (tr.ngettext("Answers to {n} question", "Answers to {n} questions", n_items)
            .format(n=n_items) + (f" ({grp})" if grp else "") + ", "
            + tr.ngettext("up to {n} person answered", "up to {n} people answered", n_resp)
            .format(n=n_resp) + ". "
            + (tr.gettext("From {first} (left) to {last} (right).").format(
                first=olabel[opts[0]], last=olabel[opts[-1]]) + " " if k else "")
            + "; ".join(parts) + ".")
    return done(ax, text)


def construct_means(scores: pd.DataFrame, *, ax: Axes | None = None,
                    language: str | None = None, scale: tuple[float, float] = (1, 5),
                    hue: str = "wave", min_cell: int | None = None,
                    construct_labels: Mapping[str, str] | None = None,
                    **group: object) -> Axes:
    """Scale means with confidence intervals, before vs after (or by role group).

    Parameters
    ----------
    scores : pandas.DataFrame
        :func:`cocope_kit.analysis.construct_scores` with ``hue`` in ``by``
        (``construct, <hue>, n, mean, ci_low, ci_high``), for one group (choose
        it with keyword arguments, e.g. ``cop_id="pt-porto"``). A table that
        went through :func:`cocope_kit.privacy.suppress_small_cells` keeps its
        ``suppressed`` column: those cells are drawn as **no point** and
        labelled "hidden" (the chart shows what the table shows).
    ax : matplotlib Axes, optional
    language : {"en", "de", "nl", "pt", "sk"}, optional
        The language of every text (English when omitted); constructs are
        labelled from the instruments in this language.
    scale : (min, max), default (1, 5)
    hue : str, default "wave"
        The column whose values are the series (e.g. ``"role_group"`` with
        ``wave="post"`` chosen).
    min_cell : int, optional
        The ``k`` the table was suppressed with, only for the label
        "hidden (fewer than k answers)".
    construct_labels : mapping construct -> text, optional
        Row labels (default: the construct's label from the instrument).

    Returns
    -------
    matplotlib Axes
        One errorbar container per series (label ``"<value> (95% CI)"``),
        points at x = ``mean``, y = construct position (series slightly
        apart); intervals from ``ci_low`` to ``ci_high``. A series whose cells
        are all hidden has an empty container labelled ``"<value>: hidden ..."``.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> from cocope_kit.privacy import suppress_small_cells
    >>> t = pd.DataFrame({"wave": "post", "construct": "agency",
    ...                   "role_group": ["professional", "student", "family"],
    ...                   "n": [9, 2, 6], "mean": [3.9, 4.5, 3.1], "ci_low": [3.5, 3.0, 2.6],
    ...                   "ci_high": [4.3, 6.0, 3.6]})
    >>> hidden = suppress_small_cells(t, within=["wave", "construct"], k=5)
    >>> ax = construct_means(hidden, hue="role_group", min_cell=5)
    >>> [c.get_label() for c in ax.containers]  # doctest: +NORMALIZE_WHITESPACE
    ['professionals (95% CI)', 'students: hidden (fewer than 5 answers)',
     'families: hidden (so a small group cannot be worked out)']
    >>> [len(c.lines[0].get_xdata()) for c in ax.containers]
    [1, 0, 0]
    """
    tr = translator(language)
    s = need(scores, "scores", ["construct", hue, "n", "mean", "ci_low", "ci_high"],
             f"analysis.construct_scores(..., by=('cop_id', {hue!r}))")
    by = [k for k in s.columns if k not in {"construct", hue, "n", "mean", "sd", "median",
                                            "ci_low", "ci_high", "suppressed"}]
    s = one(s, "scores", by, **group)
    if s.empty:
        return empty_panel(ax, tr.gettext("Scale means"), tr.gettext("No survey answers yet."), tr)
    why = (s["suppressed"].fillna("").astype(str) if "suppressed" in s.columns
           else pd.Series("", index=s.index))
    hidden = why != ""
    cons = list(dict.fromkeys(s["construct"].astype(str)))
    waves = list(dict.fromkeys(s[hue].astype(str)))
    if hue == "wave":
        waves.sort(key=lambda w: {"pre": 0, "post": 1}.get(w, 2))

    def series_name(w: str) -> str:
        if hue == "wave":
            return wave_label(w, tr)
        if hue == "role_group":
            return role_group_label(w, tr)
        return w

    def clabel(c_: str) -> str:
        return construct_label(c_, tr, construct_labels)

    ax = st.new_ax(ax, (10, max(4.0, 0.8 * len(cons) + 2.5)))
    if hue == "role_group":
        styles = [(st.ROLE_COLORS.get(w, GREY), m) for w, m in
                  zip(waves, ("o", "s", "D", "^", "v", "P"), strict=False)]
    else:
        styles = [(SKY_BLUE, "o"), (BLUE, "s"), (ORANGE, "D")]
    parts, gone = [], []
    beyond = False
    ci = tr.gettext("95% CI")
    for i, w in enumerate(waves):
        in_w = s[hue].astype(str) == w
        g = s[in_w & ~hidden].set_index("construct").reindex(cons)
        off = (i - (len(waves) - 1) / 2) * 0.22
        color, marker = styles[i] if i < len(styles) else (GREY, "^")
        mean = g["mean"].astype(float).to_numpy()
        lo = mean - g["ci_low"].astype(float).to_numpy()
        hi = g["ci_high"].astype(float).to_numpy() - mean
        ok = ~np.isnan(mean)
        gone += [f"{clabel(cn)}, {series_name(w)}: {suppressed_text(r, min_cell, tr)}"
                 for cn, r in zip(s.loc[in_w & hidden, "construct"].astype(str),
                                  why[in_w & hidden], strict=True)]
        if ok.any():
            label = f"{series_name(w)} ({ci})"
        else:
            reasons = set(why[in_w & hidden]) or {"small cell"}
            label = f"{series_name(w)}: " + suppressed_text(
                "complementary" if reasons == {"complementary"} else "small cell", min_cell, tr)
        ys = np.arange(len(cons)) + off
        ax.errorbar(mean[ok], ys[ok], xerr=np.nan_to_num(np.vstack([lo, hi])[:, ok]),
                    fmt=marker, color=color, markersize=10, capsize=4, linewidth=2, label=label)
        for yy, lo_, hi_ in zip(ys[ok], (mean - lo)[ok], (mean + hi)[ok], strict=True):
            if lo_ < scale[0]:
                ax.plot([scale[0]], [yy], marker="<", color=color, markersize=9, clip_on=False)
                beyond = True
            if hi_ > scale[1]:
                ax.plot([scale[1]], [yy], marker=">", color=color, markersize=9, clip_on=False)
                beyond = True
        for cn, m, n in zip(cons, mean, g["n"], strict=True):
            if m == m:
                parts.append(f"{clabel(cn)}, {series_name(w)}: {tr.number(m, 1)} "
                             + tr.ngettext("({n} answer)", "({n} answers)", int(n)).format(
                                 n=int(n)))
    shown = s[~hidden]
    ns = shown.pivot_table(index="construct", columns=hue, values="n", aggfunc="first")

    def _ns(c_: str) -> str:
        out = []
        for w in waves:
            if c_ in ns.index and w in ns.columns and ns.loc[c_, w] == ns.loc[c_, w]:
                out.append(f"{series_name(w)} n = {int(ns.loc[c_, w])}")
        return ", ".join(out)

    ax.set_yticks(range(len(cons)), [f"{wrap(clabel(c_), 30, 2)}\n{_ns(c_)}".rstrip()
                                     for c_ in cons])
    ax.set_ylim(len(cons) - 0.5, -0.5)
    ax.set_xlim(scale[0], scale[1])
    ax.set_xlabel(tr.gettext("mean score ({low} to {high})").format(
        low=tr.number(scale[0]), high=tr.number(scale[1]))
        + ("\n" + tr.gettext("◄ ► the interval goes beyond the scale") if beyond else ""))
    grp = _group_text(s, by, tr)
    ax.set_title(tr.gettext("Scale means") + (f" · {grp}" if grp else ""))
    st.style_axes(ax, grid="x")
    long = any(len(c.get_label()) > 26 for c in ax.containers)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14),
              ncol=1 if long else min(len(waves), 3), fontsize=st.LEGEND_SIZE, frameon=False)
    no_ci = int((s["ci_low"].isna() & s["mean"].notna() & ~hidden).sum())
    text = (tr.ngettext("Means of {n} scale with 95% confidence intervals",
                        "Means of {n} scales with 95% confidence intervals", len(cons))
            .format(n=len(cons)) + (f" ({grp})" if grp else "") + ": "
            + ("; ".join(parts) or tr.gettext("not collected yet")) + ".")
    if no_ci:
        text += " " + tr.ngettext("{n} mean without an interval (fewer than 2 answers).",
                                  "{n} means without an interval (fewer than 2 answers).",
                                  no_ci).format(n=no_ci)
    if gone:
        text += " " + tr.gettext("Not shown: {what}.").format(what="; ".join(gone))
    return done(ax, text)
