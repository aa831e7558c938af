"""Charts of participation and voice (meeting 3, Practice): who came, who spoke.

Compute, then draw (STYLE 2): :func:`attendance_data` and :func:`lorenz_data`
are pure pandas tables (documented below); the charts draw them and the tables
of :func:`cocope_kit.analysis.voice_equity`. Members are shown by pseudonym,
never by name. Texts are in the reader's language (``language=``, English by
default); the alt text is returned by :func:`cocope_kit.charts.describe`.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import pandas as pd
>>> from cocope_kit.charts import describe
>>> eq = pd.DataFrame({"cop_id": ["at-graz"], "student_share_of_members": [0.25],
...                    "student_share_of_voice": [0.10]})
>>> ax = voice_shares(eq, language="nl")
>>> [c.get_label() for c in ax.containers]
['aandeel in de leden', 'aandeel in de inbreng']
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from ..i18n import translator
from ..model import role_group
from . import _style as st
from ._common import cop_styles, done, empty_panel, need, one, role_group_label
from .palette import MEANING

__all__ = ["attendance_data", "attendance_heatmap", "lorenz_data", "voice_equity",
           "voice_shares"]



def attendance_data(attendance: pd.DataFrame, members: pd.DataFrame,
                    meetings: pd.DataFrame) -> pd.DataFrame:
    """Members × meetings of each CoP, present or absent, with their contributions.

    Parameters
    ----------
    attendance, members, meetings : pandas.DataFrame
        The store tables ``attendance``, ``member`` and ``meeting`` (as
        :func:`cocope_kit.analysis.load_tables` returns them, consent applied).

    Returns
    -------
    pandas.DataFrame
        One row per member and meeting of the member's CoP, sorted by
        ``cop_id``, meeting date, then member order: ``cop_id, meeting_id,
        phase, held_on, member_id, pseudonym, role, role_group, present``
        (bool; a member without an attendance row counts as absent) and
        ``contributions`` (float, NaN when not tallied). No names.

    Examples
    --------
    >>> members = pd.DataFrame({"member_id": ["t", "s"], "cop_id": "c",
    ...     "name": ["Ana", "Bo"], "pseudonym": ["Teacher A", "Student A"],
    ...     "role": ["teacher", "student"]})
    >>> meetings = pd.DataFrame({"meeting_id": ["m1"], "cop_id": "c", "phase": "domain",
    ...                          "held_on": ["2026-01-10"]})
    >>> att = pd.DataFrame({"meeting_id": ["m1"], "member_id": ["t"], "present": [True],
    ...                     "contributions": [4]})
    >>> attendance_data(att, members, meetings)[["pseudonym", "present", "contributions"]]
       pseudonym  present  contributions
    0  Teacher A     True            4.0
    1  Student A    False            NaN
    """
    att = need(attendance, "attendance", ["meeting_id", "member_id", "present"],
                "the 'attendance' table")
    mem = need(members, "members", ["member_id", "cop_id", "pseudonym"], "the 'member' table")
    mtg = need(meetings, "meetings", ["meeting_id", "cop_id", "phase"], "the 'meeting' table")
    mem = mem.drop_duplicates("member_id").reset_index(drop=True)
    mem = mem.assign(_order=np.arange(len(mem)))
    mtg = mtg.drop_duplicates("meeting_id").copy()
    if "held_on" not in mtg.columns:
        mtg["held_on"] = pd.NaT
    mtg["held_on"] = pd.to_datetime(mtg["held_on"])
    role = mem["role"] if "role" in mem.columns else pd.Series("other", index=mem.index)
    mem = mem.assign(role=role, role_group=[role_group(r) for r in role])
    grid = mtg[["meeting_id", "cop_id", "phase", "held_on"]].merge(
        mem[["member_id", "cop_id", "pseudonym", "role", "role_group", "_order"]], on="cop_id")
    a = att.drop_duplicates(["meeting_id", "member_id"], keep="last").copy()
    if "contributions" not in a.columns:
        a["contributions"] = np.nan
    grid = grid.merge(a[["meeting_id", "member_id", "present", "contributions"]],
                      on=["meeting_id", "member_id"], how="left")
    grid["present"] = grid["present"].fillna(False).astype(bool)
    grid["contributions"] = pd.to_numeric(grid["contributions"], errors="coerce").astype(float)
    grid = grid.sort_values(["cop_id", "held_on", "meeting_id", "_order"], kind="stable")
    cols = ["cop_id", "meeting_id", "phase", "held_on", "member_id", "pseudonym", "role",
            "role_group", "present", "contributions"]
    return grid[cols].reset_index(drop=True)



def _meeting_label(phase: object, held: object, tr) -> str:
    names = {"domain": tr.gettext("Meeting 1"), "community": tr.gettext("Meeting 2"),
             "practice": tr.gettext("Meeting 3")}
    head = names.get(str(phase), tr.gettext("Other meeting"))
    day = "" if held is None or pd.isna(held) else "\n" + tr.date(pd.Timestamp(held), "d MMM y")
    return head + day


def attendance_heatmap(table: pd.DataFrame, *, ax: Axes | None = None,
                       language: str | None = None, cop_id: str | None = None) -> Axes:
    """Members (by pseudonym) × meetings: present or absent, contributions written in.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`attendance_data` (one CoP, or choose one with ``cop_id``).
    ax : matplotlib Axes, optional
    language : {"en", "de", "nl", "pt", "sk"}, optional
        The language of every text (English when omitted).
    cop_id : str, optional
        The CoP to draw when ``table`` holds several.

    Returns
    -------
    matplotlib Axes
        One rectangle per cell, gid ``"present:<member_id>|<meeting_id>"`` or
        ``"absent:..."``; the cell text is the number of contributions
        (``"–"`` when present but not counted, "absent" when absent).
        Meetings are named "Meeting 1" to "Meeting 3" with their date.
    """
    tr = translator(language)
    t = need(table, "table", ["meeting_id", "phase", "member_id", "pseudonym", "present",
                              "contributions"], "the table of attendance_data")
    t = one(t, "table", ["cop_id"], cop_id=cop_id)
    meets = list(dict.fromkeys(t["meeting_id"].astype(str)))
    mem = list(dict.fromkeys(t["member_id"].astype(str)))
    first = t.drop_duplicates("member_id")
    first = first.set_index(first["member_id"].astype(str))
    mfirst = t.drop_duplicates("meeting_id")
    mfirst = mfirst.set_index(mfirst["meeting_id"].astype(str))
    if t.empty:
        return empty_panel(ax, tr.gettext("Who came, and how often they spoke"),
                           tr.gettext("No attendance recorded yet."), tr)
    ax = st.new_ax(ax, (max(6.5, 2.3 * len(meets) + 4), max(3.5, 0.55 * len(mem) + 2.2)))
    present_col, absent_col = st.tint(MEANING["progress"], 0.6), "white"
    absent_word = tr.gettext("absent")
    n_present = 0
    for _, r in t.iterrows():
        x, y = meets.index(str(r["meeting_id"])), mem.index(str(r["member_id"]))
        here = bool(r["present"])
        n_present += here
        rect = Rectangle((x - 0.5, y - 0.5), 1, 1, facecolor=present_col if here else absent_col,
                         edgecolor=st.GREY, hatch="" if here else "//", linewidth=1)
        rect.set_gid(f"{'present' if here else 'absent'}:{r['member_id']}|{r['meeting_id']}")
        ax.add_patch(rect)
        c = r["contributions"]
        label = (absent_word if not here else ("–" if pd.isna(c) else tr.number(c, 0)))
        ax.text(x, y, label, ha="center", va="center",
                fontsize=st.TEXT_SIZE if here else st.SMALL_SIZE,
                color=st.BLACK if here else "#555555", fontweight="bold" if here else "normal",
                bbox=None if here else {"facecolor": "white", "edgecolor": "none", "pad": 1})
    held = "held_on" in t.columns
    ax.set_xticks(range(len(meets)),
                  [_meeting_label(mfirst.loc[m, "phase"], mfirst.loc[m, "held_on"] if held
                                  else None, tr) for m in meets])
    ax.set_yticks(range(len(mem)), [str(first.loc[m, "pseudonym"]) for m in mem])
    if "role_group" in t.columns:
        for lab, m in zip(ax.get_yticklabels(), mem, strict=True):
            lab.set_color(st.ROLE_COLORS.get(str(first.loc[m, "role_group"]), st.BLACK))
    ax.set_xlim(-0.5, len(meets) - 0.5)
    ax.set_ylim(len(mem) - 0.5, -0.5)
    ax.xaxis.tick_top()
    ax.tick_params(length=0, labelsize=st.TICK_SIZE)
    for s in ax.spines.values():
        s.set_visible(False)
    ax.set_title(tr.gettext("Who came, and how often they spoke"), pad=12)
    groups = [g for g in st.ROLE_COLORS if "role_group" in t.columns
              and g in set(t["role_group"].astype(str))]
    handles = [Patch(facecolor=present_col, edgecolor=st.GREY,
                     label=tr.gettext("present (number: contributions)")),
               Patch(facecolor="white", edgecolor=st.GREY, hatch="//", label=absent_word)]
    handles += [Line2D([], [], color=st.ROLE_COLORS[g], marker="s", linestyle="none",
                       markersize=10, label=role_group_label(g, tr)) for g in groups]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0),
              ncol=min(3, len(handles)), fontsize=st.LEGEND_SIZE - 1, frameon=False)
    per_meeting = []
    for m in meets:
        sub = t[t["meeting_id"].astype(str) == m]
        name = _meeting_label(mfirst.loc[m, "phase"], None, tr)
        per_meeting.append(name + ": " + tr.ngettext(
            "{present} of {n} present", "{present} of {n} present", len(sub)).format(
            present=int(sub["present"].sum()), n=len(sub)) + ", " + tr.ngettext(
            "{n} contribution", "{n} contributions", int(sub["contributions"].sum())).format(
            n=tr.number(sub["contributions"].sum(), 0)))
    totals = t.groupby(t["member_id"].astype(str))["contributions"].sum()
    text = (tr.ngettext("Attendance of {n} member", "Attendance of {n} members", len(mem))
            .format(n=len(mem)) + " (" + tr.gettext("by pseudonym") + "), "
            + tr.ngettext("{n} meeting", "{n} meetings", len(meets)).format(n=len(meets))
            + ". " + "; ".join(per_meeting) + ".")
    if len(totals) and totals.max() > 0:
        text += " " + tr.gettext("Most contributions: {who} ({n}).").format(
            who=first.loc[totals.idxmax(), "pseudonym"], n=tr.number(totals.max(), 0))
    never = [str(first.loc[m, "pseudonym"]) for m in mem
             if not t.loc[t["member_id"].astype(str) == m, "present"].any()]
    if never:
        text += " " + tr.gettext("Never present: {who}.").format(who=", ".join(never))
    return done(ax, text)


# ----------------------------------------------------------------------------- voice
def lorenz_data(shares: pd.DataFrame) -> pd.DataFrame:
    """Points of the Lorenz curve of contributions, per CoP.

    Parameters
    ----------
    shares : pandas.DataFrame
        :func:`cocope_kit.analysis.contribution_shares` per member:
        ``contribution_shares(att, members, meetings, by=("cop_id", "member_id"),
        within="cop_id")`` (columns ``cop_id, member_id, contributions``).

    Returns
    -------
    pandas.DataFrame
        Per CoP, ``members + 1`` rows (the origin first), members sorted from
        fewest to most contributions: ``cop_id, point`` (int, 0 = origin),
        ``member_id`` (missing at the origin), ``contributions``,
        ``cum_share_members`` and ``cum_share_contributions`` (both in [0, 1];
        the latter NaN when the CoP has no contribution).

    Examples
    --------
    >>> s = pd.DataFrame({"cop_id": "c", "member_id": ["a", "b"], "contributions": [3.0, 1.0]})
    >>> lorenz_data(s)[["point", "cum_share_members", "cum_share_contributions"]]
       point  cum_share_members  cum_share_contributions
    0      0                0.0                     0.00
    1      1                0.5                     0.25
    2      2                1.0                     1.00
    """
    s = need(shares, "shares", ["cop_id", "member_id", "contributions"],
              "contribution_shares(..., by=('cop_id', 'member_id'), within='cop_id')")
    rows = []
    for cop, g in s.groupby("cop_id", sort=True):
        g = g.assign(_c=g["contributions"].fillna(0).astype(float))
        g = g.sort_values(["_c", "member_id"], kind="stable")
        total, n = g["_c"].sum(), len(g)
        rows.append({"cop_id": cop, "point": 0, "member_id": None, "contributions": 0.0,
                     "cum_share_members": 0.0,
                     "cum_share_contributions": 0.0 if total > 0 else np.nan})
        cum = g["_c"].cumsum().to_numpy()
        for i, (m, c) in enumerate(zip(g["member_id"], g["_c"], strict=True), start=1):
            rows.append({"cop_id": cop, "point": i, "member_id": m, "contributions": c,
                         "cum_share_members": i / n,
                         "cum_share_contributions": cum[i - 1] / total if total > 0 else np.nan})
    cols = ["cop_id", "point", "member_id", "contributions", "cum_share_members",
            "cum_share_contributions"]
    return pd.DataFrame(rows, columns=cols)



def voice_equity(lorenz: pd.DataFrame, equity: pd.DataFrame, *, ax: Axes | None = None,
                 language: str | None = None) -> Axes:
    """How evenly the contributions were spread: Lorenz curves per CoP, the diagonal for equal.

    Parameters
    ----------
    lorenz : pandas.DataFrame
        :func:`lorenz_data`.
    equity : pandas.DataFrame
        :func:`cocope_kit.analysis.voice_equity` with ``by="cop_id"`` (its
        ``gini`` is named in the legend, as an "unevenness" from 0 to 1).
    ax : matplotlib Axes, optional
    language : {"en", "de", "nl", "pt", "sk"}, optional
        The language of every text (English when omitted).

    Returns
    -------
    matplotlib Axes
        One line per CoP with gid ``"lorenz:<cop_id>"`` and label
        ``"<cop_id> (unevenness 0.46)"``, and the equality line (gid ``"equality"``).
    """
    tr = translator(language)
    lz = need(lorenz, "lorenz", ["cop_id", "cum_share_members", "cum_share_contributions"],
              "the table of lorenz_data")
    eq = need(equity, "equity", ["cop_id", "gini"], "the table of analysis.voice_equity")
    gini = dict(zip(eq["cop_id"].astype(str), eq["gini"].astype(float), strict=True))
    if lz.empty or lz["cum_share_contributions"].isna().all():
        return empty_panel(ax, tr.gettext("Who speaks? How evenly contributions were spread"),
                           tr.gettext("No contributions counted yet."), tr)
    ax = st.new_ax(ax, (8.5, 7.5))
    (line,) = ax.plot([0, 100], [0, 100], color=MEANING["reference"], linestyle="--",
                      linewidth=2, label=tr.gettext("everyone equally often"))
    line.set_gid("equality")
    cops = list(dict.fromkeys(lz["cop_id"].astype(str)))
    sty = cop_styles(cops)
    parts = []
    for cop in cops:
        g = lz[lz["cop_id"].astype(str) == cop]
        gv = gini.get(cop, np.nan)
        value = tr.number(gv, 2) if gv == gv else tr.gettext("not collected yet")
        color, marker = sty[cop]
        (ln,) = ax.plot(100 * g["cum_share_members"], 100 * g["cum_share_contributions"],
                        color=color, marker=marker, markersize=7, linewidth=2.5,
                        label=tr.gettext("{name} (unevenness {value})").format(name=cop,
                                                                              value=value))
        ln.set_gid(f"lorenz:{cop}")
        parts.append(tr.gettext("{name}: unevenness {value}").format(name=cop, value=value))
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 100)
    ax.set_aspect("equal")
    ax.set_xlabel(tr.gettext("members, from quietest to most vocal (%)"))
    ax.set_ylabel(tr.gettext("share of all contributions (%)"))
    ax.set_title(tr.gettext("Who speaks? How evenly contributions were spread"))
    st.style_axes(ax, grid="both")
    ax.legend(loc="upper left", fontsize=st.LEGEND_SIZE, frameon=True)
    return done(ax, tr.ngettext(
        "How evenly the contributions were spread in {n} CoP",
        "How evenly the contributions were spread in {n} CoPs", len(cops)).format(n=len(cops))
        + ". " + tr.gettext("The further a curve sags below the diagonal, the fewer people did "
                            "most of the talking (unevenness 0: everyone equally often, 1: one "
                            "person only).") + " " + "; ".join(parts) + ".")


def voice_shares(equity: pd.DataFrame, *, ax: Axes | None = None,
                 language: str | None = None) -> Axes:
    """Students' share of voice next to their share of members, per CoP (paired bars).

    Parameters
    ----------
    equity : pandas.DataFrame
        :func:`cocope_kit.analysis.voice_equity` (``cop_id,
        student_share_of_members, student_share_of_voice``).
    ax : matplotlib Axes, optional
    language : {"en", "de", "nl", "pt", "sk"}, optional
        The language of every text (English when omitted).

    Returns
    -------
    matplotlib Axes
        Horizontal bars in percent: two containers, "share of members" and
        "share of voice" (translated), one bar per CoP each, in table order
        (top down), in the students' colour. A CoP without a share (hidden or
        not collected) gets no bar and the words "not collected yet".
    """
    tr = translator(language)
    eq = need(equity, "equity", ["cop_id", "student_share_of_members",
                                 "student_share_of_voice"], "the table of analysis.voice_equity")
    cops = eq["cop_id"].astype(str).tolist()
    n = len(cops)
    if eq.empty or (eq["student_share_of_members"].isna().all()
                    and eq["student_share_of_voice"].isna().all()):
        return empty_panel(ax, tr.gettext("Are the students heard as often as they are many?"),
                           tr.gettext("No contributions counted yet."), tr)
    ax = st.new_ax(ax, (10, max(3.8, 1.2 * n + 2)))
    y = np.arange(n)
    h = 0.38
    mem = 100 * pd.to_numeric(eq["student_share_of_members"], errors="coerce").to_numpy(float)
    voice = 100 * pd.to_numeric(eq["student_share_of_voice"], errors="coerce").to_numpy(float)
    color = st.ROLE_COLORS["student"]
    b1 = ax.barh(y - h / 2, np.nan_to_num(mem), height=h, color=st.tint(color, 0.55),
                 edgecolor=color, hatch="..", label=tr.gettext("share of members"))
    b2 = ax.barh(y + h / 2, np.nan_to_num(voice), height=h, color=color, edgecolor=st.BLACK,
                 label=tr.gettext("share of voice"))
    for bars, vals in ((b1, mem), (b2, voice)):
        for bar, v in zip(bars, vals, strict=True):
            ax.text(bar.get_width() + 0.6, bar.get_y() + bar.get_height() / 2,
                    tr.gettext("not collected yet") if v != v else tr.percent(v / 100),
                    va="center", fontsize=st.SMALL_SIZE)
    ax.set_yticks(y, cops)
    ax.set_ylim(n - 0.4, -0.6)
    top = np.nanmax(np.r_[mem, voice, 10]) if n else 10
    ax.set_xlim(0, min(100, top * 1.25 + 8))
    ax.set_xlabel(tr.gettext("students' share (%)"))
    ax.set_title(tr.gettext("Are the students heard as often as they are many?"))
    st.style_axes(ax, grid="x")
    ax.legend(loc="lower right", fontsize=st.LEGEND_SIZE)
    parts = [tr.gettext("{name}: {members} of the members, {voice} of the contributions").format(
        name=c, members=tr.percent(m / 100) if m == m else tr.gettext("not collected yet"),
        voice=tr.percent(v / 100) if v == v else tr.gettext("not collected yet"))
        for c, m, v in zip(cops, mem, voice, strict=True)]
    less = [c for c, m, v in zip(cops, mem, voice, strict=True) if v < m]
    text = (tr.ngettext("Students' share of the members and of the contributions in {n} CoP",
                        "Students' share of the members and of the contributions in {n} CoPs",
                        n).format(n=n) + ". " + "; ".join(parts) + ".")
    if less:
        text += " " + tr.gettext("Students were heard less often than their number suggests "
                                 "in: {names}.").format(names=", ".join(less))
    return done(ax, text)
