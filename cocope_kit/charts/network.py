"""The collaboration network (meeting 3): who works with whom, as each person sees it.

For a group of up to 12 people (the usual CoP) the pair ratings are drawn as a
**matrix**, rater (row) × rated person (column), each cell coloured and numbered
by the level (0 none … 3 collaboration). Pairs whose two ratings of each other
are far apart (A rates B 2 or more levels apart from how B rates A; ``min_difference=1``
marks every difference) are framed, both cells. Every rating is written in its cell. A
larger group is drawn on a circle, one arrow per rating. Texts are in the
reader's language (``language=``); members by pseudonym, never by name.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import pandas as pd
>>> from cocope_kit.charts import describe
>>> members = pd.DataFrame({"member_id": ["a", "b", "c"], "cop_id": "x",
...                         "pseudonym": ["Teacher A", "Parent A", "Student A"],
...                         "role": ["teacher", "parent", "student"]})
>>> r = pd.DataFrame({"cop_id": "x", "wave": "post", "rater_id": ["a", "b", "a", "c"],
...                   "ratee_id": ["b", "a", "c", "a"], "level": [3, 1, 2, 2]})
>>> ax = network(r, members)
>>> sorted(p.get_gid() for p in ax.patches if str(p.get_gid()).startswith("uneven"))
['uneven:a->b', 'uneven:b->a']
>>> print(describe(ax))  # doctest: +NORMALIZE_WHITESPACE
Who works with whom (after), as each of 3 members sees it: a matrix of 4 ratings, rows rate
columns (0 none, 1 cooperation, 2 coordination, 3 collaboration): 0 none, 1 cooperation,
2 coordination, 1 collaboration. 1 pair rated each other 2 or more apart (framed): Teacher A
rated Parent A 3, Parent A rated Teacher A 1.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, FancyArrowPatch, Patch, Rectangle

from .. import analysis
from ..i18n import translator
from ..model import role_group
from . import _style as st
from ._common import (
    done,
    empty_panel,
    level_label,
    need,
    one,
    role_group_label,
    text_color,
    wave_label,
)
from ._style import wrap_text as wrap

__all__ = ["network", "MATRIX_UP_TO"]

MATRIX_UP_TO = 12
"""Groups of up to this many people are drawn as a matrix, larger ones on a circle."""

_EDGE_WIDTH = {1: 1.2, 2: 2.6, 3: 4.2}


def network(ratings: pd.DataFrame, members: pd.DataFrame, *, ax: Axes | None = None,
            language: str | None = None, asymmetric: pd.DataFrame | None = None,
            cop_id: str | None = None, wave: str | None = None,
            matrix_up_to: int = MATRIX_UP_TO, min_difference: int = 2) -> Axes:
    """The collaboration network of one CoP and wave: a matrix for small groups, else a circle.

    Parameters
    ----------
    ratings : pandas.DataFrame
        Rows of the ``pair_rating`` table (``cop_id, wave, rater_id,
        ratee_id, level``); one CoP and wave, or choose with ``cop_id``/``wave``.
    members : pandas.DataFrame
        Rows of the ``member`` table (``member_id, pseudonym, role``): labels
        (pseudonyms, never names) and role colours. Every member of the CoP
        gets a row and column (a node), also one without ratings.
    ax : matplotlib Axes, optional
    language : {"en", "de", "nl", "pt", "sk"}, optional
        The language of every text (English when omitted).
    asymmetric : pandas.DataFrame, optional
        :func:`cocope_kit.analysis.asymmetric_pairs`: the uneven pairs to
        mark. Default: ``analysis.asymmetric_pairs(ratings,
        min_difference=min_difference)``, the pairs whose ratings of each
        other are ``min_difference`` or more apart.
    cop_id, wave : str, optional
    matrix_up_to : int, default 12
        Up to this many members, a matrix; more, a circle.
    min_difference : int, default 2
        How far apart two ratings of each other must be for the pair to be
        marked as uneven (1: any difference; 2, the default: the pair sees
        its working together very differently, as in
        :func:`~cocope_kit.analysis.asymmetric_pairs`). Every rating is
        written in its cell, so smaller differences can still be read.

    Returns
    -------
    matplotlib Axes
        Matrix: one cell per rater and rated person, a Rectangle with gid
        ``"cell:<rater>-><ratee>"`` whose face is the level's colour and whose
        text is the level (0-3); cells without a rating are white and hatched
        (gid ``"unrated:..."``); uneven pairs get a black frame on both cells
        (gid ``"uneven:<rater>-><ratee>"``). Circle: nodes with gid
        ``"node:<member_id>"``, one arrow per rating of level 1-3 with gid
        ``"edge:<rater>-><ratee>:<level>"``, uneven pairs dashed black lines
        with gid ``"uneven:<member_a>|<member_b>"``.
    """
    tr = translator(language)
    r = need(ratings, "ratings", ["rater_id", "ratee_id", "level"], "the 'pair_rating' table")
    for col, val in (("cop_id", cop_id), ("wave", wave)):
        if val is not None and col in r.columns:
            r = r[r[col].astype(str) == str(val)]
    if r.empty or r["level"].isna().all():
        head = (tr.gettext("Who works with whom ({wave})").format(wave=wave_label(wave, tr))
                if wave else tr.gettext("Who works with whom"))
        return empty_panel(ax, head, tr.gettext("No ratings of working together yet."), tr)
    r = one(r, "ratings", ["cop_id", "wave"])
    mem = need(members, "members", ["member_id", "pseudonym"], "the 'member' table")
    cop = str(r["cop_id"].iloc[0]) if "cop_id" in r.columns and len(r) else cop_id
    wv = str(r["wave"].iloc[0]) if "wave" in r.columns and len(r) else wave
    ids = list(dict.fromkeys(
        ([str(x) for x in mem.loc[mem["cop_id"].astype(str) == cop, "member_id"]]
         if cop is not None and "cop_id" in mem.columns else [])
        + [str(x) for x in pd.concat([r["rater_id"], r["ratee_id"]]).dropna()]))
    mem = mem.drop_duplicates("member_id")
    mem = mem.set_index(mem["member_id"].astype(str))
    label = {m: (str(mem.loc[m, "pseudonym"]) if m in mem.index else m) for m in ids}
    group = {m: role_group(mem.loc[m, "role"] if m in mem.index and "role" in mem.columns
                           else "other") for m in ids}
    if asymmetric is None:
        rr = r.assign(rater_id=r["rater_id"].astype(str), ratee_id=r["ratee_id"].astype(str))
        if "rating_id" not in rr.columns:
            rr = rr.assign(rating_id=[f"r{i}" for i in range(len(rr))])
        for col, val in (("cop_id", cop or "cop"), ("wave", wv or "wave")):
            if col not in rr.columns:
                rr[col] = val
        asymmetric = analysis.asymmetric_pairs(rr, min_difference=min_difference)
    asy = need(asymmetric, "asymmetric", ["member_a", "member_b", "level_ab", "level_ba"],
               "the table of analysis.asymmetric_pairs")
    if cop is not None and "cop_id" in asy.columns:
        asy = asy[asy["cop_id"].astype(str) == cop]
    if wv is not None and "wave" in asy.columns:
        asy = asy[asy["wave"].astype(str) == wv]
    uneven = [(a, b, int(x), int(y)) for a, b, x, y in zip(
        asy["member_a"].astype(str), asy["member_b"].astype(str), asy["level_ab"],
        asy["level_ba"], strict=True) if a in label and b in label]
    levels = {(str(a), str(b)): int(lv) for a, b, lv in zip(r["rater_id"], r["ratee_id"],
                                                             r["level"], strict=True)
              if pd.notna(lv) and str(a) != str(b)}
    draw = _matrix if len(ids) <= matrix_up_to else _circle
    apart = wrap(tr.gettext("the two rate each other {k} or more apart").format(
        k=min_difference), 34)
    ax = draw(ax, ids, label, group, levels, uneven, tr, apart)
    head = (tr.gettext("Who works with whom ({wave})").format(wave=wave_label(wv, tr)) if wv
            else tr.gettext("Who works with whom"))
    ax.set_title(head, pad=14)
    counts = [sum(v == lv for v in levels.values()) for lv in range(4)]
    key = ", ".join(f"{lv} {level_label(st.LEVELS[lv], tr)}" for lv in range(4))
    text = (head + ", " + tr.ngettext("as {n} member sees it", "as each of {n} members sees it",
                                      len(ids)).format(n=len(ids)) + ": ")
    text += (tr.ngettext("a matrix of {n} rating, rows rate columns",
                         "a matrix of {n} ratings, rows rate columns", len(levels))
             if draw is _matrix else
             tr.ngettext("{n} rating drawn as arrows from rater to rated person",
                         "{n} ratings drawn as arrows from rater to rated person", len(levels))
             ).format(n=len(levels))
    text += f" ({key}): " + ", ".join(f"{counts[lv]} {level_label(st.LEVELS[lv], tr)}"
                                      for lv in range(4)) + ". "
    text += tr.ngettext("{n} pair rated each other {k} or more apart (framed)",
                        "{n} pairs rated each other {k} or more apart (framed)",
                        len(uneven)).format(n=len(uneven), k=min_difference)
    if uneven:
        text += ": " + "; ".join(
            tr.gettext("{a} rated {b} {ab}, {b} rated {a} {ba}").format(
                a=label[a], b=label[b], ab=x, ba=y) for a, b, x, y in uneven)
    text += "."
    rated = {m for pair in levels for m in pair}
    unrated = [label[m] for m in ids if m not in rated]
    if unrated:
        text += " " + tr.gettext("Not collected yet for: {names}.").format(
            names=", ".join(unrated))
    return done(ax, text)


def _legend_levels(tr) -> list:
    return [Patch(facecolor=st.LEVEL_COLORS[st.LEVELS[lv]], edgecolor=st.GREY,
                  label=f"{lv} {level_label(st.LEVELS[lv], tr)}") for lv in range(4)]


def _matrix(ax, ids, label, group, levels, uneven, tr, apart) -> Axes:
    k = len(ids)
    ax = st.new_ax(ax, (max(8.0, 0.8 * k + 5), max(6.5, 0.72 * k + 4)))
    for i, a in enumerate(ids):
        for j, b in enumerate(ids):
            if a == b:
                ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, facecolor=st.LIGHT_GREY,
                                       edgecolor="white", linewidth=1.5))
                continue
            lv = levels.get((a, b))
            if lv is None:
                cell = Rectangle((j - 0.5, i - 0.5), 1, 1, facecolor="white",
                                 edgecolor=st.LIGHT_GREY, hatch="..", linewidth=1.5)
                cell.set_gid(f"unrated:{a}->{b}")
                ax.add_patch(cell)
                continue
            face = st.LEVEL_COLORS[st.LEVELS[lv]]
            cell = Rectangle((j - 0.5, i - 0.5), 1, 1, facecolor=face, edgecolor="white",
                             linewidth=1.5)
            cell.set_gid(f"cell:{a}->{b}")
            ax.add_patch(cell)
            ax.text(j, i, str(lv), ha="center", va="center", fontsize=st.TEXT_SIZE,
                    fontweight="bold", color=text_color(face))
    pos = {m: i for i, m in enumerate(ids)}
    for a, b, _x, _y in uneven:
        for p, q in ((a, b), (b, a)):
            frame = Rectangle((pos[q] - 0.44, pos[p] - 0.44), 0.88, 0.88, facecolor="none",
                              edgecolor=st.BLACK, linewidth=3.2, zorder=4)
            frame.set_gid(f"uneven:{p}->{q}")
            ax.add_patch(frame)
    names = [wrap(label[m], 14, 2) for m in ids]
    ax.set_xticks(range(k), names, rotation=35, ha="left", rotation_mode="anchor")
    ax.set_yticks(range(k), names)
    for ticks in (ax.get_xticklabels(), ax.get_yticklabels()):
        for t, m in zip(ticks, ids, strict=True):
            t.set_color(st.ROLE_COLORS.get(group[m], st.BLACK))
            t.set_fontweight("bold")
    ax.xaxis.tick_top()
    ax.xaxis.set_label_position("top")
    ax.set_xlim(-0.5, k - 0.5)
    ax.set_ylim(k - 0.5, -0.5)
    ax.set_aspect("equal")
    ax.tick_params(length=0)
    for s in ax.spines.values():
        s.set_visible(False)
    ax.set_ylabel(tr.gettext("this person rates …"))
    ax.set_xlabel(tr.gettext("… working together with this person"))
    handles = _legend_levels(tr)
    handles.append(Patch(facecolor="white", edgecolor=st.GREY, hatch="..",
                         label=tr.gettext("not collected yet")))
    handles.append(Patch(facecolor="none", edgecolor=st.BLACK, linewidth=3, label=apart))
    groups = [g for g in st.ROLE_COLORS if g in set(group.values())]
    handles += [Line2D([], [], color=st.ROLE_COLORS[g], marker="s", linestyle="none",
                       markersize=10, label=role_group_label(g, tr)) for g in groups]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.02), ncol=3,
              fontsize=st.LEGEND_SIZE - 1, frameon=False)
    return ax


def _circle(ax, ids, label, group, levels, uneven, tr, apart) -> Axes:
    k = len(ids)
    ax = st.new_ax(ax, (10, 9.5))
    ang = np.pi / 2 - 2 * np.pi * np.arange(k) / max(k, 1)
    xy = {m: (np.cos(a), np.sin(a)) for m, a in zip(ids, ang, strict=True)}
    for (a, b), lv in levels.items():
        if lv < 1 or a not in xy or b not in xy:
            continue
        ar = FancyArrowPatch(xy[a], xy[b], arrowstyle="-|>", mutation_scale=10 + 3 * lv,
                             connectionstyle="arc3,rad=0.12", linewidth=_EDGE_WIDTH[lv],
                             color=st.LEVEL_COLORS[st.LEVELS[lv]], shrinkA=22, shrinkB=24,
                             alpha=0.9, zorder=2)
        ar.set_gid(f"edge:{a}->{b}:{lv}")
        ax.add_patch(ar)
    for a, b, _x, _y in uneven:
        (ln,) = ax.plot(*zip(xy[a], xy[b], strict=True), color=st.BLACK,
                        linestyle=(0, (5, 3)), linewidth=2.5, zorder=3)
        ln.set_gid(f"uneven:{a}|{b}")
    for m in ids:
        c = Circle(xy[m], 0.11, facecolor=st.ROLE_COLORS[group[m]], edgecolor=st.BLACK,
                   linewidth=1.2, zorder=4)
        c.set_gid(f"node:{m}")
        ax.add_patch(c)
        x, y = xy[m]
        ha = "left" if x > 0.3 else ("right" if x < -0.3 else "center")
        ax.text(1.17 * x + (0.02 if ha == "left" else -0.02 if ha == "right" else 0),
                1.17 * y, wrap(label[m], 14, 2), ha=ha, va="center",
                fontsize=st.SMALL_SIZE + 1, zorder=5, fontweight="bold")
    ax.set_xlim(-1.9, 1.9)
    ax.set_ylim(-1.4, 1.4)
    ax.set_aspect("equal")
    ax.set_axis_off()
    handles = [Line2D([], [], color=st.LEVEL_COLORS[st.LEVELS[lv]], linewidth=_EDGE_WIDTH[lv],
                      label=f"{lv} {level_label(st.LEVELS[lv], tr)}") for lv in (1, 2, 3)]
    handles.append(Line2D([], [], color=st.BLACK, linestyle=(0, (5, 3)), linewidth=2.2,
                          label=apart))
    handles += [Line2D([], [], marker="o", linestyle="none", markersize=13,
                       markerfacecolor=st.ROLE_COLORS[g], markeredgecolor=st.BLACK,
                       label=role_group_label(g, tr))
                for g in st.ROLE_COLORS if g in set(group.values())]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.02), ncol=2,
              fontsize=st.LEGEND_SIZE - 1, frameon=False)
    return ax
