"""Charts of the evaluation (meeting 3, Practice): participation, working together, surveys,
goals, the collaboration network and interviews.

Compute, then draw (STYLE 2): each chart takes the table an analysis function of
:mod:`cocope_kit.analysis` returned (or one of the small ``*_data`` tables of this
module, which are pure pandas and documented), draws on ``ax`` (or a new figure)
and returns the Axes, with a plain-text description for
:func:`cocope_kit.charts.describe`. Members are shown by pseudonym, never by name.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import pandas as pd
>>> from cocope_kit.charts import describe
>>> from cocope_kit.charts.evaluation import gas_scores
>>> table = pd.DataFrame({"cop_id": ["a", "b"], "goals": [1, 2], "scored": [1, 2],
...                       "mean_attainment": [0.0, -1.0], "tscore": [50.0, 40.0]})
>>> ax = gas_scores(table)
>>> [float(p.get_y() + p.get_height()) for p in ax.patches]
[50.0, 40.0]
>>> print(describe(ax))  # doctest: +NORMALIZE_WHITESPACE
GAS T-scores of 2 CoPs (50 = every goal attained as expected): a 50.0 (1 of 1 goal scored),
b 40.0 (2 of 2 goals scored). 1 CoP at or above 50, 1 below.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import to_rgb
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, FancyArrowPatch, Patch, Rectangle
from matplotlib.ticker import MaxNLocator

from ..errors import UsageError
from ..model import role_group
from . import _style as st
from ._style import plural as _n
from ._style import tint as _tint
from ._style import wrap_text as wrap

__all__ = [
    "attendance_data", "attendance_heatmap",
    "lorenz_data", "voice_equity", "voice_shares",
    "level_profile", "level_transitions",
    "likert_bars", "construct_means",
    "goal_progress", "gas_scores",
    "network",
    "code_frequencies", "cooccurrence", "coder_agreement",
]

PHASES = ("domain", "community", "practice", "other")
LEVEL_ORDER = ("below_cooperation", "cooperation", "coordination", "collaboration")
_LEVEL_SHOWN = {"below_cooperation": "below cooperation"}
_CROSS_COP_MARKERS = ("o", "s", "D", "^", "v", "P", "X", "*")


# ----------------------------------------------------------------------------- helpers
def _need(df: object, param: str, need: Sequence[str], hint: str) -> pd.DataFrame:
    if not isinstance(df, pd.DataFrame):
        raise UsageError(f"{param} must be a pandas DataFrame ({hint}), got {type(df).__name__}")
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise UsageError(f"{param} lacks the column(s) {', '.join(missing)} ({hint}); "
                         f"it has: {', '.join(map(str, df.columns))}")
    return df


def _one(df: pd.DataFrame, param: str, cols: Sequence[str], **chosen: object) -> pd.DataFrame:
    """Keep the rows of ``chosen`` values; then each of ``cols`` must hold one value."""
    for col, val in chosen.items():
        if val is not None:
            if col not in df.columns:
                raise UsageError(f"{param} has no column {col!r} to choose {val!r} from")
            df = df[df[col].astype(str) == str(val)]
            if df.empty:
                raise UsageError(f"{param} has no rows with {col} = {val!r}")
    for col in cols:
        if col in df.columns:
            vals = list(dict.fromkeys(df[col].dropna().astype(str)))
            if len(vals) > 1:
                raise UsageError(f"{param} holds several values of {col} ({', '.join(vals[:6])}); "
                                 f"pass {col}=... to choose one")
    return df


def _level_shown(level: object) -> str:
    return _LEVEL_SHOWN.get(str(level), str(level))


def _code_label(code_id: object, label: object = None) -> str:
    if label is not None and not (isinstance(label, float) and label != label) and str(label):
        return str(label).replace("_", " ")
    return str(code_id).split(":")[-1].replace("_", " ")


def _pct(x: float) -> str:
    return "n/a" if x != x else f"{100 * x:.0f}%"


def _text_color(color: object) -> str:
    r, g, b = to_rgb(color)
    return "white" if 0.299 * r + 0.587 * g + 0.114 * b < 0.5 else st.BLACK


def _done(ax: Axes, text: str) -> None:
    """Projector-sized title, axis labels and ticks; then the alt text."""
    if ax.title.get_fontsize() < st.LABEL_SIZE:
        ax.title.set_fontsize(st.TITLE_SIZE)
    ax.xaxis.label.set_fontsize(st.LABEL_SIZE)
    ax.yaxis.label.set_fontsize(st.LABEL_SIZE)
    ax.tick_params(which="major", labelsize=st.TICK_SIZE)
    st.set_description(ax, text)


def _cop_styles(cops: Sequence[str]) -> dict[str, tuple[str, str]]:
    colors = [st.BLUE, st.ORANGE, st.BLUISH_GREEN, st.REDDISH_PURPLE, st.VERMILLION,
              st.SKY_BLUE, st.BLACK, st.YELLOW]
    return {c: (colors[i % len(colors)], _CROSS_COP_MARKERS[i % len(_CROSS_COP_MARKERS)])
            for i, c in enumerate(cops)}


# ============================================================================= 1. attendance
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
    att = _need(attendance, "attendance", ["meeting_id", "member_id", "present"],
                "the 'attendance' table")
    mem = _need(members, "members", ["member_id", "cop_id", "pseudonym"], "the 'member' table")
    mtg = _need(meetings, "meetings", ["meeting_id", "cop_id", "phase"], "the 'meeting' table")
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


def attendance_heatmap(table: pd.DataFrame, *, ax: Axes | None = None,
        language: str | None = None,
                       cop_id: str | None = None) -> Axes:
    """Members (by pseudonym) × meetings: present or absent, contributions written in.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`attendance_data` (one CoP, or choose one with ``cop_id``).
    ax : matplotlib Axes, optional
    cop_id : str, optional
        The CoP to draw when ``table`` holds several.

    Returns
    -------
    matplotlib Axes
        One rectangle per cell, gid ``"present:<member_id>|<meeting_id>"`` or
        ``"absent:..."``; the cell text is the number of contributions
        (``"–"`` when present but not tallied, ``"absent"`` when absent).
    """
    t = _need(table, "table", ["meeting_id", "phase", "member_id", "pseudonym", "present",
                               "contributions"], "the table of attendance_data")
    t = _one(t, "table", ["cop_id"], cop_id=cop_id)
    meets = list(dict.fromkeys(t["meeting_id"].astype(str)))
    mem = list(dict.fromkeys(t["member_id"].astype(str)))
    first = t.drop_duplicates("member_id").set_index(t.drop_duplicates("member_id")["member_id"]
                                                     .astype(str))
    mfirst = t.drop_duplicates("meeting_id")
    mfirst = mfirst.set_index(mfirst["meeting_id"].astype(str))
    ax = st.new_ax(ax, (max(6.5, 2.3 * len(meets) + 4), max(3.5, 0.55 * len(mem) + 2.2)))
    present_col, absent_col = _tint(st.BLUISH_GREEN, 0.35), "white"
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
        label = ("absent" if not here else ("–" if pd.isna(c) else f"{c:.0f}"))
        ax.text(x, y, label, ha="center", va="center",
                fontsize=st.TEXT_SIZE if here else st.SMALL_SIZE,
                color=st.BLACK if here else "#555555", fontweight="bold" if here else "normal",
                bbox=None if here else {"facecolor": "white", "edgecolor": "none", "pad": 1})
    xl = []
    for m in meets:
        ph, held = mfirst.loc[m, "phase"], mfirst.loc[m, "held_on"] if "held_on" in t else None
        day = "" if held is None or pd.isna(held) else f"\n{pd.Timestamp(held):%Y-%m-%d}"
        xl.append(f"{str(ph).capitalize()}{day}")
    ax.set_xticks(range(len(meets)), xl)
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
    cop = str(t["cop_id"].iloc[0]) if "cop_id" in t.columns and len(t) else ""
    ax.set_title(f"Attendance and contributions{' – ' + cop if cop else ''}", pad=12)
    groups = [g for g in st.ROLE_COLORS if "role_group" in t.columns
              and g in set(t["role_group"].astype(str))]
    handles = [Patch(facecolor=present_col, edgecolor=st.GREY, label="present (number = "
                     "contributions)"),
               Patch(facecolor="white", edgecolor=st.GREY, hatch="//", label="absent")]
    handles += [Line2D([], [], color=st.ROLE_COLORS[g], marker="s", linestyle="none",
                       markersize=10, label=f"{g} (name colour)") for g in groups]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0),
              ncol=min(3, len(handles)), fontsize=st.LEGEND_SIZE - 1, frameon=False)
    per_meeting = []
    for m in meets:
        sub = t[t["meeting_id"].astype(str) == m]
        per_meeting.append(f"{str(mfirst.loc[m, 'phase'])} {int(sub['present'].sum())} of "
                           f"{len(sub)} present, {sub['contributions'].sum():.0f} contributions")
    totals = t.groupby(t["member_id"].astype(str))["contributions"].sum()
    top = (f" Most contributions: {first.loc[totals.idxmax(), 'pseudonym']} "
           f"({totals.max():.0f})." if len(totals) and totals.max() > 0 else "")
    never = [str(first.loc[m, "pseudonym"]) for m in mem
             if not t.loc[t["member_id"].astype(str) == m, "present"].any()]
    _done(ax, (
        f"Attendance grid{' of ' + cop if cop else ''}: {_n(len(mem), 'member')} by pseudonym × "
        f"{_n(len(meets), 'meeting')}; {n_present} of {len(t)} cells present. "
        + "; ".join(per_meeting) + "." + top
        + (f" Never present: {', '.join(never)}." if never else "")))
    return ax


# ============================================================================= 2. voice
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
    s = _need(shares, "shares", ["cop_id", "member_id", "contributions"],
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
    """Lorenz curves of contributions per CoP, with the line of equality; Gini in the legend.

    Parameters
    ----------
    lorenz : pandas.DataFrame
        :func:`lorenz_data`.
    equity : pandas.DataFrame
        :func:`cocope_kit.analysis.voice_equity` with ``by="cop_id"`` (its
        ``gini`` is named in the legend).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
        One line per CoP with gid ``"lorenz:<cop_id>"`` and label
        ``"<cop_id> (Gini 0.46)"``, and the equality line (gid ``"equality"``).
    """
    lz = _need(lorenz, "lorenz", ["cop_id", "cum_share_members", "cum_share_contributions"],
               "the table of lorenz_data")
    eq = _need(equity, "equity", ["cop_id", "gini"], "the table of analysis.voice_equity")
    gini = dict(zip(eq["cop_id"].astype(str), eq["gini"].astype(float), strict=True))
    ax = st.new_ax(ax, (8.5, 7.5))
    (line,) = ax.plot([0, 100], [0, 100], color=st.GREY, linestyle="--", linewidth=2,
                      label="equality (everyone the same)")
    line.set_gid("equality")
    cops = list(dict.fromkeys(lz["cop_id"].astype(str)))
    sty = _cop_styles(cops)
    parts = []
    for cop in cops:
        g = lz[lz["cop_id"].astype(str) == cop]
        gv = gini.get(cop, np.nan)
        color, marker = sty[cop]
        (ln,) = ax.plot(100 * g["cum_share_members"], 100 * g["cum_share_contributions"],
                        color=color, marker=marker, markersize=7, linewidth=2.5,
                        label=f"{cop} (Gini {gv:.2f})")
        ln.set_gid(f"lorenz:{cop}")
        parts.append(f"{cop} Gini {gv:.2f}")
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 100)
    ax.set_aspect("equal")
    ax.set_xlabel("members, from quietest to most vocal (cumulative %)")
    ax.set_ylabel("contributions (cumulative %)")
    ax.set_title("Who speaks? Lorenz curves of contributions")
    st.style_axes(ax, grid="both")
    ax.legend(loc="upper left", fontsize=st.LEGEND_SIZE, frameon=True)
    most = max(cops, key=lambda c: gini.get(c, -1)) if cops else None
    _done(ax, (
        f"Lorenz curves of tallied contributions for {_n(len(cops), 'CoP')}: the further a curve "
        "sags below the diagonal line of equality, the more unequal the voice. "
        + "; ".join(parts) + "." + (f" Most unequal: {most}." if most else "")))
    return ax


def voice_shares(equity: pd.DataFrame, *, ax: Axes | None = None,
        language: str | None = None) -> Axes:
    """Students' share of voice next to their share of members, per CoP (paired bars).

    Parameters
    ----------
    equity : pandas.DataFrame
        :func:`cocope_kit.analysis.voice_equity` (``cop_id,
        student_share_of_members, student_share_of_voice, voice_ratio``).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
        Horizontal bars in percent: containers labelled ``"share of members"``
        and ``"share of voice"``, one bar per CoP each, in table order (top down).
    """
    eq = _need(equity, "equity", ["cop_id", "student_share_of_members",
                                  "student_share_of_voice"], "the table of analysis.voice_equity")
    cops = eq["cop_id"].astype(str).tolist()
    n = len(cops)
    ax = st.new_ax(ax, (10, max(3.8, 1.2 * n + 2)))
    y = np.arange(n)
    h = 0.38
    mem = 100 * eq["student_share_of_members"].astype(float).to_numpy()
    voice = 100 * eq["student_share_of_voice"].astype(float).to_numpy()
    b1 = ax.barh(y - h / 2, mem, height=h, color=_tint(st.ORANGE, 0.55), edgecolor=st.ORANGE,
                 hatch="..", label="share of members")
    b2 = ax.barh(y + h / 2, voice, height=h, color=st.ORANGE, edgecolor=st.BLACK,
                 label="share of voice")
    for bars, vals in ((b1, mem), (b2, voice)):
        for bar, v in zip(bars, vals, strict=True):
            ax.text(bar.get_width() + 0.6, bar.get_y() + bar.get_height() / 2,
                    "n/a" if v != v else f"{v:.0f}%", va="center", fontsize=st.SMALL_SIZE)
    ax.set_yticks(y, cops)
    ax.set_ylim(n - 0.4, -0.6)
    top = np.nanmax(np.r_[mem, voice, 10]) if n else 10
    ax.set_xlim(0, min(100, top * 1.2 + 3))
    ax.set_xlabel("students' share (%)")
    ax.set_title("Students' share of voice vs. share of members")
    st.style_axes(ax, grid="x")
    ax.legend(loc="lower right", fontsize=st.LEGEND_SIZE)
    parts = [f"{c}: {_pct(m / 100)} of members, {_pct(v / 100)} of contributions"
             for c, m, v in zip(cops, mem, voice, strict=True)]
    less = [c for c, m, v in zip(cops, mem, voice, strict=True) if v < m]
    _done(ax, (
        f"Students' share of the members and of the tallied contributions in {_n(n, 'CoP')}. "
        + "; ".join(parts) + "."
        + (f" Students are heard less than their number suggests in {', '.join(less)}."
           if less else "")))
    return ax


# ============================================================================= 3. levels
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
    threshold : float, default 3.5
        Drawn as a horizontal line (the classification threshold).
    scale : (min, max), default (1, 5)
        The answer scale; bars start at its minimum.
    min_cell : int, optional
        The ``k`` of :func:`cocope_kit.privacy.suppress_small_cells`, only for
        the label of suppressed groups. Rows whose ``suppressed`` column is not
        empty get no bars and the text "suppressed (n < k)" instead of a level.

    Returns
    -------
    matplotlib Axes
        Three bar containers labelled by subscale, one bar per shown group (top
        ``= mean``, bottom at the scale minimum); the threshold line has gid
        ``"threshold"``; the classified level is written above each group.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import pandas as pd
    >>> lv = pd.DataFrame({"cop_id": "c", "wave": ["pre", "post"], "n": [3.0, 8.0],
    ...                    "cooperation": [None, 3.9], "coordination": [None, 3.6],
    ...                    "collaboration": [None, 3.2], "level": [None, "coordination"],
    ...                    "suppressed": ["small cell", ""]})
    >>> ax = level_profile(lv, min_cell=5)
    >>> [len(c) for c in ax.containers], [t.get_text() for t in ax.texts]
    ([1, 1, 1], ['suppressed\\n(n < 5)', 'coordination'])
    """
    lv = _need(levels, "levels", [*_SUBSCALES, "level"],
               "the table of analysis.level_of_working_together")
    keys = [c for c in ("cop_id", "wave") if c in lv.columns]
    if "wave" in lv.columns:
        order = {"pre": 0, "post": 1}
        lv = lv.assign(_w=lv["wave"].map(lambda w: order.get(str(w), 2)))
        lv = lv.sort_values([k for k in ("cop_id",) if k in lv.columns] + ["_w", "wave"],
                            kind="stable")
    lv = lv.reset_index(drop=True)
    n = len(lv)
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
    shown = (why == "").to_numpy()
    for i, sub in enumerate(_SUBSCALES):
        vals = lv[sub].astype(float).to_numpy()
        ax.bar((x + (i - 1) * w)[shown], vals[shown] - lo, bottom=lo, width=w,
               color=st.LEVEL_COLORS[sub], edgecolor=st.BLACK, linewidth=0.6,
               hatch=hatches[sub], label=sub)
    ln = ax.axhline(threshold, color=st.VERMILLION, linestyle="--", linewidth=2,
                    label=f"threshold {threshold:g}")
    ln.set_gid("threshold")
    for xi, level, r in zip(x, lv["level"], why, strict=True):
        text = (wrap(_level_shown(level), 13) if not r else
                _suppressed_text(r, min_cell).replace(" (", "\n(", 1))
        ax.text(xi, hi + 0.08 if not r else (lo + hi) / 2, text, ha="center", va="bottom",
                fontsize=st.SMALL_SIZE, fontweight="bold" if not r else "normal",
                color=st.BLACK if not r else "#555555")
    labels = [" ".join(str(r[k]) for k in keys[1:]) if keys[1:] else "" for _, r in lv.iterrows()]
    if "cop_id" in lv.columns:
        labels = [f"{lab}\n{c}" if lab else str(c) for lab, c in zip(labels, lv["cop_id"],
                                                                       strict=True)]
    ax.set_xticks(x, labels)
    ax.set_ylim(lo, hi + 0.75)
    ax.set_yticks(np.arange(lo, hi + 0.01, 1))
    ax.set_ylabel(f"mean score ({lo:g}–{hi:g})")
    ax.set_title("Levels of working together: subscale means", pad=10)
    st.style_axes(ax, grid="y")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=4,
              fontsize=st.LEGEND_SIZE, frameon=False)
    parts = []
    for lab, (_, r), rw in zip(labels, lv.iterrows(), why, strict=True):
        if rw:
            parts.append(f"{' '.join(lab.split(chr(10))[::-1])}: "
                         f"{_suppressed_text(rw, min_cell)}")
            continue
        parts.append(f"{' '.join(lab.split(chr(10))[::-1])}: cooperation {r['cooperation']:.2f}, "
                     f"coordination {r['coordination']:.2f}, collaboration "
                     f"{r['collaboration']:.2f}, level {_level_shown(r['level'])}")
    _done(ax, (
        f"Mean subscale scores of working together ({lo:g} to {hi:g}) for "
        f"{_n(n, 'group')}, with the threshold line at {threshold:g}. " + "; ".join(parts) + "."))
    return ax


def level_transitions(transitions: pd.DataFrame, *, ax: Axes | None = None,
        language: str | None = None) -> Axes:
    """Slope chart of the level of working together from pre to post, one line per CoP.

    Parameters
    ----------
    transitions : pandas.DataFrame
        :func:`cocope_kit.analysis.level_transitions` (``cop_id, from_level,
        to_level, change``).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
        One line per CoP with both levels (gid ``"transition:<cop_id>"``,
        x = 0 pre and 1 post, y = position in below cooperation < cooperation
        < coordination < collaboration, moved apart by up to ±0.18 where
        CoPs share a path); CoPs missing a wave are named in the description.
    """
    tr = _need(transitions, "transitions", ["cop_id", "from_level", "to_level"],
               "the table of analysis.level_transitions")
    ax = st.new_ax(ax, (8.5, 6.5))
    pos = {lv: i for i, lv in enumerate(LEVEL_ORDER)}
    full = tr.dropna(subset=["from_level", "to_level"])
    missing = [str(c) for c in tr.loc[~tr.index.isin(full.index), "cop_id"]]
    paths = list(zip(full["from_level"].astype(str), full["to_level"].astype(str), strict=True))
    cops = full["cop_id"].astype(str).tolist()
    sty = _cop_styles(cops)
    seen: dict[tuple[str, str], int] = {}
    counts = {p: paths.count(p) for p in paths}
    parts = []
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
        (ln,) = ax.plot([0, 1], [pos[a] + off, pos[b] + off], color=color, marker=marker,
                        markersize=11, linewidth=3,
                        linestyle="-" if change != "same" else (0, (4, 2)), label=cop)
        ln.set_gid(f"transition:{cop}")
        ax.text(1.04, pos[b] + off, cop, va="center", fontsize=st.SMALL_SIZE, color=color,
                fontweight="bold")
        parts.append(f"{cop} {_level_shown(a)} → {_level_shown(b)} ({change})")
    ax.set_yticks(range(len(LEVEL_ORDER)), [_level_shown(v) for v in LEVEL_ORDER])
    for lab, lv in zip(ax.get_yticklabels(), LEVEL_ORDER, strict=True):
        lab.set_fontweight("bold")
        lab.set_color(st.LEVEL_COLORS.get(lv, st.GREY) if lv != "cooperation" else "#2A9D8F")
    ax.set_xticks([0, 1], ["pre", "post"])
    ax.set_xlim(-0.25, 1.45)
    ax.set_ylim(-0.5, len(LEVEL_ORDER) - 0.5)
    ax.set_xlabel("wave")
    ax.set_title("Level of working together: pre → post")
    st.style_axes(ax, grid="y")
    handles = [Line2D([], [], color=st.BLACK, linewidth=3, label="changed"),
               Line2D([], [], color=st.BLACK, linewidth=3, linestyle=(0, (4, 2)),
                      label="same level")]
    ax.legend(handles=handles, loc="lower right", fontsize=st.LEGEND_SIZE)
    up = sum(p.endswith("(up)") for p in parts)
    down = sum(p.endswith("(down)") for p in parts)
    _done(ax, (
        f"Level of working together before and after, for {_n(len(cops), 'CoP')}: {up} up, "
        f"{down} down, {len(cops) - up - down} same. " + "; ".join(parts) + "."
        + (f" Missing a wave: {', '.join(missing)}." if missing else "")))
    return ax


# ============================================================================= 4. surveys
def _diverging_colors(k: int) -> list:
    """k colours from vermillion (disagree) through grey to blue (agree)."""
    if k <= 1:
        return [st.GREY]
    out = []
    for i in range(k):
        t = i / (k - 1)
        if abs(t - 0.5) < 1e-9:
            out.append("#BBBBBB")
        elif t < 0.5:
            out.append(_tint(st.VERMILLION, 0.6 * t / 0.5))
        else:
            out.append(_tint(st.BLUE, 0.6 * (1 - t) / 0.5))
    return out


def likert_bars(counts: pd.DataFrame, *, ax: Axes | None = None,
        language: str | None = None,
                item_labels: Mapping[str, str] | None = None, **group: object) -> Axes:
    """Diverging stacked bars of Likert answers, centred on the neutral point, one bar per item.

    Parameters
    ----------
    counts : pandas.DataFrame
        :func:`cocope_kit.analysis.likert_counts` for one group (choose it with
        keyword arguments, e.g. ``cop_id="pt-porto", wave="post"``).
    ax : matplotlib Axes, optional
    item_labels : mapping item_id -> text, optional
        Row labels (default ``item_id (construct)``).
    **group
        ``column=value`` filters for the grouping columns of ``counts``.

    Returns
    -------
    matplotlib Axes
        One bar container per answer option (label = option label); bar widths
        are ``percent_answered`` (the answered responses are 100 %), the
        neutral option split half left, half right of 0. Don't know / missing
        is a separate grey bar right of the scale (container label
        ``"don't know / missing"``, width = its ``percent`` of all responses).
    """
    c = _need(counts, "counts", ["item_id", "option", "label", "count", "n", "percent",
                                 "percent_answered"], "the table of analysis.likert_counts")
    fixed = {"item_id", "construct", "option", "label", "count", "n", "percent",
             "percent_answered"}
    by = [k for k in c.columns if k not in fixed]
    c = _one(c, "counts", by, **{k: v for k, v in group.items()})
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
    # the bars start left of 0 by the disagree options and half the neutral one
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
                ax.text(lft + wi / 2, yi, f"{wi:.0f}", ha="center", va="center",
                        fontsize=st.SMALL_SIZE - 1, color=_text_color(colors[j]))
        neg = neg + w
    gap = 112
    mpct = (miss.set_index(miss["item_id"].astype(str))["percent"].reindex(items).fillna(0.0)
            .to_numpy())
    ax.barh(y, mpct, left=gap, height=0.7, color=st.LIGHT_GREY, edgecolor=st.GREY,
            hatch="xx", label=str(miss["label"].iloc[0]) if len(miss) else "don't know / missing")
    for yi, v in enumerate(mpct):
        ax.text(gap + v + 1.5, yi, f"{v:.0f}%", va="center", fontsize=st.SMALL_SIZE - 1)
    ax.axvline(0, color=st.BLACK, linewidth=1.2)
    ax.axvline(gap - 4, color=st.GREY, linewidth=0.8, linestyle=":")
    labels = item_labels or {}
    cons = (dict(zip(c["item_id"].astype(str), c["construct"].astype(str), strict=True))
            if "construct" in c.columns else {})
    ax.set_yticks(y, [wrap(labels.get(i, f"{i} ({cons[i]})" if i in cons else i), 34, 2)
                      for i in items])
    ax.set_ylim(n_items - 0.5, -0.5)
    ax.set_xlim(-100, gap + 40)
    ticks = [-100, -50, 0, 50, 100]
    ax.set_xticks(ticks + [gap + 20], [f"{abs(t)}%" for t in ticks] + ["don't\nknow"])
    ax.set_xlabel("% of answers (neutral split around 0)")
    grp = ", ".join(f"{k_}={c[k_].iloc[0]}" for k_ in by if k_ in c.columns and len(c))
    ax.set_title(f"Survey answers{' – ' + grp if grp else ''}")
    st.style_axes(ax, grid="x")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.6 / max(n_items, 1) - 0.02),
              ncol=3, fontsize=st.LEGEND_SIZE - 1, frameon=False)
    agree = pct[[o for j, o in enumerate(opts) if j > mid]].sum(axis=1)
    parts = [f"{i} {agree[i]:.0f}% agree" for i in items]
    n_resp = int(c["n"].max()) if len(c) else 0
    _done(ax, (
        f"Diverging bars of {_n(n_items, 'item')} ({grp or 'all'}; up to {n_resp} responses), "
        f"{k} options from {olabel[opts[0]] if k else ''} (left) to "
        f"{olabel[opts[-1]] if k else ''} (right), centred on the neutral point; "
        f"don't know / missing shown apart ({mpct.sum() / max(n_items, 1):.0f}% on average). "
        + "; ".join(parts) + "."))
    return ax


def _suppressed_text(reason: object, min_cell: int | None) -> str:
    """How a chart names a cell that :func:`cocope_kit.privacy.suppress_small_cells` hid."""
    if str(reason) == "complementary":
        return "suppressed (hidden so a small group cannot be worked out)"
    return f"suppressed (n < {min_cell})" if min_cell else "suppressed (small group)"


def construct_means(scores: pd.DataFrame, *, ax: Axes | None = None,
        language: str | None = None,
                    scale: tuple[float, float] = (1, 5), hue: str = "wave",
                    min_cell: int | None = None, **group: object) -> Axes:
    """Construct means with confidence intervals, pre vs post (or by role group).

    Parameters
    ----------
    scores : pandas.DataFrame
        :func:`cocope_kit.analysis.construct_scores` with ``hue`` in ``by``
        (``construct, <hue>, n, mean, ci_low, ci_high``), for one group (choose
        it with keyword arguments, e.g. ``cop_id="pt-porto"``). A table that
        went through :func:`cocope_kit.privacy.suppress_small_cells` keeps its
        ``suppressed`` column: those cells are drawn as **no point** and
        labelled "suppressed" (the chart shows what the table shows).
    ax : matplotlib Axes, optional
    scale : (min, max), default (1, 5)
    hue : str, default "wave"
        The column whose values are the series (e.g. ``"role_group"`` with
        ``wave="post"`` chosen).
    min_cell : int, optional
        The ``k`` the table was suppressed with, only for the label
        "suppressed (n < k)".

    Returns
    -------
    matplotlib Axes
        One errorbar container per series (label ``"<value> (95% CI)"``),
        points at x = ``mean``, y = construct position (series slightly
        apart); intervals from ``ci_low`` to ``ci_high``. A series whose cells
        are all suppressed has an empty container labelled
        ``"<value>: suppressed ..."``.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import pandas as pd
    >>> from cocope_kit.privacy import suppress_small_cells
    >>> t = pd.DataFrame({"wave": "post", "construct": "agency",
    ...                   "role_group": ["professional", "student", "family"],
    ...                   "n": [9, 2, 6], "mean": [3.9, 4.5, 3.1], "ci_low": [3.5, 3.0, 2.6],
    ...                   "ci_high": [4.3, 6.0, 3.6]})
    >>> hidden = suppress_small_cells(t, within=["wave", "construct"], k=5)
    >>> ax = construct_means(hidden, hue="role_group", min_cell=5)
    >>> [c.get_label() for c in ax.containers]  # doctest: +NORMALIZE_WHITESPACE
    ['professional (95% CI)', 'student: suppressed (n < 5)',
     'family: suppressed (hidden so a small group cannot be worked out)']
    >>> [len(c.lines[0].get_xdata()) for c in ax.containers]
    [1, 0, 0]
    """
    s = _need(scores, "scores", ["construct", hue, "n", "mean", "ci_low", "ci_high"],
              f"analysis.construct_scores(..., by=('cop_id', {hue!r}))")
    by = [k for k in s.columns if k not in {"construct", hue, "n", "mean", "sd", "median",
                                            "ci_low", "ci_high", "suppressed"}]
    s = _one(s, "scores", by, **group)
    hidden = (s["suppressed"].fillna("").astype(str) != "") if "suppressed" in s.columns \
        else pd.Series(False, index=s.index)
    why = s["suppressed"].fillna("").astype(str) if "suppressed" in s.columns \
        else pd.Series("", index=s.index)
    cons = list(dict.fromkeys(s["construct"].astype(str)))
    waves = list(dict.fromkeys(s[hue].astype(str)))
    if hue == "wave":
        waves.sort(key=lambda w: {"pre": 0, "post": 1}.get(w, 2))
    ax = st.new_ax(ax, (10, max(4.0, 0.75 * len(cons) + 2.5)))
    if hue == "role_group":
        styles = [(st.ROLE_COLORS.get(w, st.GREY), m) for w, m in
                  zip(waves, ("o", "s", "D", "^", "v", "P"), strict=False)]
    else:
        styles = [(st.ORANGE, "o"), (st.BLUE, "s"), (st.BLUISH_GREEN, "D")]
    parts, gone = [], []
    beyond = False
    for i, w in enumerate(waves):
        in_w = s[hue].astype(str) == w
        g = s[in_w & ~hidden].set_index("construct").reindex(cons)
        off = (i - (len(waves) - 1) / 2) * 0.22
        color, marker = styles[i] if i < len(styles) else (st.GREY, "^")
        mean = g["mean"].astype(float).to_numpy()
        lo = mean - g["ci_low"].astype(float).to_numpy()
        hi = g["ci_high"].astype(float).to_numpy() - mean
        ok = ~np.isnan(mean)
        w_gone = [f"{cn.replace('_', ' ')} {w}: {_suppressed_text(r, min_cell)}"
                  for cn, r in zip(s.loc[in_w & hidden, "construct"].astype(str),
                                   why[in_w & hidden], strict=True)]
        gone += w_gone
        if ok.any():
            label = f"{w} (95% CI)"
        else:
            reasons = set(why[in_w & hidden]) or {"small cell"}
            label = f"{w}: " + _suppressed_text(
                "complementary" if reasons == {"complementary"} else "small cell", min_cell)
        ys = np.arange(len(cons)) + off
        ax.errorbar(mean[ok], ys[ok], xerr=np.vstack([lo, hi])[:, ok], fmt=marker,
                    color=color, markersize=10, capsize=4, linewidth=2, label=label)
        # an interval beyond the scale is cut at its edge and marked with an arrow head
        for yy, lo_, hi_ in zip(ys[ok], (mean - lo)[ok], (mean + hi)[ok], strict=True):
            if lo_ < scale[0]:
                ax.plot([scale[0]], [yy], marker="<", color=color, markersize=9, clip_on=False)
                beyond = True
            if hi_ > scale[1]:
                ax.plot([scale[1]], [yy], marker=">", color=color, markersize=9, clip_on=False)
                beyond = True
        for cn, m, n in zip(cons, mean, g["n"], strict=True):
            if m == m:
                parts.append(f"{cn.replace('_', ' ')} {w} {m:.2f} (n={int(n)})")
    shown = s[~hidden]
    ns = shown.pivot_table(index="construct", columns=hue, values="n", aggfunc="first")

    def _ns(c_: str) -> str:
        out = []
        for w in waves:
            if c_ in ns.index and w in ns.columns and ns.loc[c_, w] == ns.loc[c_, w]:
                out.append(f"n={int(ns.loc[c_, w])} {w}")
        return ", ".join(out)

    ax.set_yticks(range(len(cons)), [f"{c_.replace('_', ' ')}\n{_ns(c_)}" for c_ in cons])
    ax.set_ylim(len(cons) - 0.5, -0.5)
    ax.set_xlim(scale[0], scale[1])
    ax.set_xlabel(f"mean score ({scale[0]:g}–{scale[1]:g})"
                  + ("; ◄ ► interval goes beyond the scale" if beyond else ""))
    grp = ", ".join(f"{k}={s[k].iloc[0]}" for k in by if len(s))
    ax.set_title(f"Construct means{' by ' + hue.replace('_', ' ') if hue != 'wave' else ''}"
                 f"{' – ' + grp if grp else ''}")
    st.style_axes(ax, grid="x")
    long = any(len(c.get_label()) > 26 for c in ax.containers)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14),
              ncol=1 if long else min(len(waves), 3), fontsize=st.LEGEND_SIZE, frameon=False)
    no_ci = int((s["ci_low"].isna() & s["mean"].notna() & ~hidden).sum())
    series = "wave" if hue == "wave" else hue.replace("_", " ")
    _done(ax, (
        f"Means of {_n(len(cons), 'construct')} with 95% confidence intervals by {series}"
        f"{' (' + grp + ')' if grp else ''}: " + ("; ".join(parts) or "no mean shown") + "."
        + (f" {no_ci} mean(s) without an interval (fewer than 2 scores)." if no_ci else "")
        + (" Not shown: " + "; ".join(gone) + "." if gone else "")))
    return ax


# ============================================================================= 5. goals
def goal_progress(goals: pd.DataFrame, measurements: pd.DataFrame, *, ax: Axes | None = None,
        language: str | None = None,
                  goal_id: str | None = None) -> Axes:
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

    Returns
    -------
    matplotlib Axes
        The measurements line (gid ``"measurements"``, one point per row, in
        date order), horizontal lines ``"baseline"`` and ``"target"`` at their
        values and the vertical ``"deadline"`` line.
    """
    g = _need(goals, "goals", ["goal_id", "baseline", "target", "deadline"], "the 'goal' table")
    g = _one(g, "goals", ["goal_id"], goal_id=goal_id).iloc[0]
    m = _need(measurements, "measurements", ["goal_id", "measured_on", "value"],
              "the 'goal_measurement' table")
    m = m[m["goal_id"].astype(str) == str(g["goal_id"])].copy()
    m["measured_on"] = pd.to_datetime(m["measured_on"])
    m = m.dropna(subset=["measured_on", "value"]).sort_values("measured_on", kind="stable")
    ax = st.new_ax(ax, (10, 6))
    base, target = float(g["baseline"]), float(g["target"])
    deadline = pd.to_datetime(g["deadline"])
    bl = ax.axhline(base, color=st.GREY, linestyle=(0, (4, 2)), linewidth=2,
                    label=f"baseline {base:g}")
    bl.set_gid("baseline")
    tl = ax.axhline(target, color=st.BLUISH_GREEN, linestyle="-", linewidth=2.5,
                    label=f"target {target:g}")
    tl.set_gid("target")
    if pd.notna(deadline):
        dl = ax.axvline(deadline, color=st.VERMILLION, linestyle=":", linewidth=2.5,
                        label=f"deadline {deadline:%Y-%m-%d}")
        dl.set_gid("deadline")
    (ln,) = ax.plot(m["measured_on"], m["value"].astype(float), color=st.BLUE, marker="o",
                    markersize=9, linewidth=2.5, label="measurements")
    ln.set_gid("measurements")
    for d, v in zip(m["measured_on"], m["value"].astype(float), strict=True):
        ax.annotate(f"{v:g}", (d, v), textcoords="offset points", xytext=(0, 10), ha="center",
                    fontsize=st.SMALL_SIZE)
    unit = str(g["unit"]) if "unit" in g.index and pd.notna(g["unit"]) else "value"
    ax.set_ylabel(wrap(unit, 28, 2))
    ax.set_xlabel("date")
    cop = str(g["cop_id"]) if "cop_id" in g.index else ""
    stmt = str(g["statement"]) if "statement" in g.index and pd.notna(g["statement"]) else ""
    ax.set_title(wrap(f"{cop + ': ' if cop else ''}{stmt or g['goal_id']}", 70, 3),
                 fontsize=st.LABEL_SIZE, loc="left")
    vals = [base, target, *m["value"].astype(float)]
    pad = 0.12 * (max(vals) - min(vals) or 1)
    ax.set_ylim(min(vals) - pad, max(vals) + 2 * pad)
    import matplotlib.dates as mdates
    ax.xaxis.set_major_locator(mdates.MonthLocator(interval=2))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
    st.style_axes(ax, grid="y")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=4,
              fontsize=st.LEGEND_SIZE, frameon=False)
    latest = (f"latest {m['value'].iloc[-1]:g} on {m['measured_on'].iloc[-1]:%Y-%m-%d}"
              if len(m) else "no measurement yet")
    series = ", ".join(f"{d:%Y-%m-%d} {v:g}" for d, v in zip(m["measured_on"], m["value"],
                                                            strict=True))
    _done(ax, (
        f"Progress of goal {g['goal_id']} ({unit}): baseline {base:g}, target {target:g}"
        + (f", deadline {deadline:%Y-%m-%d}" if pd.notna(deadline) else "")
        + f"; {_n(len(m), 'measurement')}{': ' + series if series else ''}; {latest}."))
    return ax


def gas_scores(scores: pd.DataFrame, *, ax: Axes | None = None,
        language: str | None = None) -> Axes:
    """GAS T-scores per CoP, as bars from the line at 50 (every goal as expected).

    Parameters
    ----------
    scores : pandas.DataFrame
        :func:`cocope_kit.analysis.gas_scores` (``cop_id, goals, scored, tscore``).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
        One bar per row from 50 to ``tscore`` (so ``y + height == tscore``);
        the 50 line has gid ``"expected"``; a T-score of exactly 50 (a bar of
        no height) is also marked by a diamond on the line (gid
        ``"at_expected"``).
    """
    s = _need(scores, "scores", ["tscore"], "the table of analysis.gas_scores")
    key = "cop_id" if "cop_id" in s.columns else s.columns[0]
    names = s[key].astype(str).tolist()
    t = s["tscore"].astype(float).to_numpy()
    n = len(names)
    ax = st.new_ax(ax, (min(max(6.5, 1.5 * n + 3), 13.0), 6))  # wider would shrink the text
    colors = [st.BLUISH_GREEN if v >= 50 else st.VERMILLION for v in t]
    hatch = ["" if v >= 50 else "//" for v in t]
    bars = ax.bar(range(n), np.nan_to_num(t - 50), bottom=50, color=colors, hatch=hatch,
                  edgecolor=st.BLACK, width=0.6)
    # a score of exactly 50 has a bar of no height: a diamond on the line shows it is there
    at_50 = np.isclose(t, 50.0)
    if at_50.any():
        ax.plot(np.flatnonzero(at_50), t[at_50], linestyle="none", marker="D", markersize=11,
                color=st.BLUISH_GREEN, markeredgecolor=st.BLACK, zorder=3, gid="at_expected")
    for b_, v in zip(bars, t, strict=True):
        ax.text(b_.get_x() + b_.get_width() / 2, v + (1 if v >= 50 else -1),
                "n/a" if v != v else f"{v:.1f}", ha="center", va="bottom" if v >= 50 else "top",
                fontsize=st.TEXT_SIZE, fontweight="bold")
    ln = ax.axhline(50, color=st.BLACK, linewidth=1.8, label="50 = goals attained as expected")
    ln.set_gid("expected")
    ax.set_xticks(range(n), names)
    finite = t[np.isfinite(t)]
    lo = min(30.0, float(finite.min()) - 5 if len(finite) else 30.0)
    hi = max(70.0, float(finite.max()) + 5 if len(finite) else 70.0)
    ax.set_ylim(lo, hi)
    ax.set_ylabel("GAS T-score")
    ax.set_title("Goal Attainment Scaling T-scores")
    st.style_axes(ax, grid="y")
    handles = [ln, Patch(facecolor=st.BLUISH_GREEN, edgecolor=st.BLACK, label="at or above 50"),
               Patch(facecolor=st.VERMILLION, edgecolor=st.BLACK, hatch="//", label="below 50")]
    ax.legend(handles=handles, loc="upper right", fontsize=st.LEGEND_SIZE - 1)
    parts = []
    for i, name in enumerate(names):
        extra = ""
        if {"scored", "goals"} <= set(s.columns):
            sc, gl = int(s["scored"].iloc[i]), int(s["goals"].iloc[i])
            extra = f" ({sc} of {_n(gl, 'goal')} scored)"
        parts.append(f"{name} {'n/a' if t[i] != t[i] else f'{t[i]:.1f}'}{extra}")
    above = int((t >= 50).sum())
    _done(ax, (
        f"GAS T-scores of {_n(n, 'CoP')} (50 = every goal attained as expected): "
        + ", ".join(parts) + f". {_n(above, 'CoP')} at or above 50, "
        f"{int((t < 50).sum())} below."))
    return ax


# ============================================================================= 6. network
_EDGE_WIDTH = {1: 1.2, 2: 2.6, 3: 4.2}


def network(ratings: pd.DataFrame, members: pd.DataFrame, *, ax: Axes | None = None,
        language: str | None = None,
            asymmetric: pd.DataFrame | None = None, cop_id: str | None = None,
            wave: str | None = None) -> Axes:
    """The collaboration network of one CoP and wave, on a circle.

    Parameters
    ----------
    ratings : pandas.DataFrame
        Rows of the ``pair_rating`` table (``cop_id, wave, rater_id,
        ratee_id, level``); one CoP and wave, or choose with ``cop_id``/``wave``.
    members : pandas.DataFrame
        Rows of the ``member`` table (``member_id, pseudonym, role``): node
        labels (pseudonyms, never names) and role colours. Every member of
        the CoP is a node, also one without ratings.
    asymmetric : pandas.DataFrame, optional
        :func:`cocope_kit.analysis.asymmetric_pairs`; its pairs (of this CoP
        and wave) get a dashed vermillion line.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
        Nodes are circles with gid ``"node:<member_id>"`` placed on a circle in
        member order, starting at the top, clockwise; each rating of level 1-3
        is an arrow from rater to ratee with gid ``"edge:<rater>-><ratee>:<level>"``
        (width and colour by level); asymmetric pairs are lines with gid
        ``"asymmetric:<member_a>|<member_b>"``.
    """
    r = _need(ratings, "ratings", ["rater_id", "ratee_id", "level"], "the 'pair_rating' table")
    r = _one(r, "ratings", ["cop_id", "wave"], cop_id=cop_id, wave=wave)
    mem = _need(members, "members", ["member_id", "pseudonym"], "the 'member' table")
    cop = str(r["cop_id"].iloc[0]) if "cop_id" in r.columns and len(r) else cop_id
    wv = str(r["wave"].iloc[0]) if "wave" in r.columns and len(r) else wave
    ids = list(dict.fromkeys(
        ([str(x) for x in mem.loc[mem["cop_id"].astype(str) == cop, "member_id"]]
         if cop is not None and "cop_id" in mem.columns else [])
        + [str(x) for x in pd.concat([r["rater_id"], r["ratee_id"]]).dropna()]))
    mem = mem.drop_duplicates("member_id").set_index(mem.drop_duplicates("member_id")["member_id"]
                                                     .astype(str))
    k = len(ids)
    ax = st.new_ax(ax, (10, 9.5))
    ang = np.pi / 2 - 2 * np.pi * np.arange(k) / max(k, 1)
    xy = {m: (np.cos(a), np.sin(a)) for m, a in zip(ids, ang, strict=True)}
    rad = 0.11
    n_edges = {1: 0, 2: 0, 3: 0}
    for a_, b_, lv in zip(r["rater_id"].astype(str), r["ratee_id"].astype(str),
                          r["level"], strict=True):
        if pd.isna(lv) or int(lv) < 1 or a_ == b_:
            continue
        lv = int(lv)
        ar = FancyArrowPatch(xy[a_], xy[b_], arrowstyle="-|>", mutation_scale=10 + 3 * lv,
                             connectionstyle="arc3,rad=0.12", linewidth=_EDGE_WIDTH[lv],
                             color=st.LEVEL_COLORS[st.LEVELS[lv]], shrinkA=22, shrinkB=24,
                             alpha=0.9, zorder=2)
        ar.set_gid(f"edge:{a_}->{b_}:{lv}")
        ax.add_patch(ar)
        n_edges[lv] += 1
    asym_pairs = []
    if asymmetric is not None:
        asy = _need(asymmetric, "asymmetric", ["member_a", "member_b", "level_ab", "level_ba"],
                    "the table of analysis.asymmetric_pairs")
        if cop is not None and "cop_id" in asy.columns:
            asy = asy[asy["cop_id"].astype(str) == cop]
        if wv is not None and "wave" in asy.columns:
            asy = asy[asy["wave"].astype(str) == wv]
        for a_, b_, lab, lba in zip(asy["member_a"].astype(str), asy["member_b"].astype(str),
                                    asy["level_ab"], asy["level_ba"], strict=True):
            if a_ not in xy or b_ not in xy:
                continue
            (ln,) = ax.plot(*zip(xy[a_], xy[b_], strict=True), color=st.VERMILLION,
                            linestyle=(0, (5, 3)), linewidth=3, zorder=3)
            ln.set_gid(f"asymmetric:{a_}|{b_}")
            asym_pairs.append((a_, b_, int(lab), int(lba)))
    label = {m: (str(mem.loc[m, "pseudonym"]) if m in mem.index else m) for m in ids}
    groups_present = []
    for m in ids:
        role = mem.loc[m, "role"] if m in mem.index and "role" in mem.columns else "other"
        g = role_group(role)
        if g not in groups_present:
            groups_present.append(g)
        c = Circle(xy[m], rad, facecolor=st.ROLE_COLORS[g], edgecolor=st.BLACK, linewidth=1.2,
                   zorder=4)
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
    ax.set_title(f"Collaboration network{' – ' + cop if cop else ''}"
                 f"{' (' + wv + ')' if wv else ''}")
    handles = [Line2D([], [], color=st.LEVEL_COLORS[st.LEVELS[lv]], linewidth=_EDGE_WIDTH[lv],
                      label=st.LEVELS[lv]) for lv in (1, 2, 3)]
    handles.append(Line2D([], [], color=st.VERMILLION, linestyle=(0, (5, 3)), linewidth=2.2,
                          label="ratings differ by ≥ 2"))
    handles += [Line2D([], [], marker="o", linestyle="none", markersize=13,
                       markerfacecolor=st.ROLE_COLORS[g], markeredgecolor=st.BLACK, label=g)
                for g in st.ROLE_COLORS if g in groups_present]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.02), ncol=4,
              fontsize=st.LEGEND_SIZE - 1, frameon=False)
    total = sum(n_edges.values())
    rated = set(r["rater_id"].astype(str)) | set(r["ratee_id"].astype(str))
    unrated = [label[m] for m in ids if m not in rated]
    asym_txt = "; ".join(f"{label[a_]} rated {label[b_]} {lab}, {label[b_]} rated {label[a_]} "
                         f"{lba}" for a_, b_, lab, lba in asym_pairs)
    _done(ax, (
        f"Collaboration network{' of ' + cop if cop else ''}{' (' + wv + ')' if wv else ''}: "
        f"{_n(k, 'member')} on a circle, {_n(total, 'rating')} of level 1 or more drawn as "
        f"arrows from rater to ratee ({n_edges[1]} cooperation, {n_edges[2]} coordination, "
        f"{n_edges[3]} collaboration). {_n(len(asym_pairs), 'pair')} whose ratings differ by "
        f"2 or more" + (f": {asym_txt}." if asym_txt else ".")
        + (f" Without ratings in this wave: {', '.join(unrated)}." if unrated else "")))
    return ax


# ============================================================================= 7. qualitative
def code_frequencies(freq: pd.DataFrame, *, ax: Axes | None = None,
        language: str | None = None,
                     value: str = "segments", **group: object) -> Axes:
    """Heatmap of codes × respondent role: segments (or interviews) with each code.

    Parameters
    ----------
    freq : pandas.DataFrame
        :func:`cocope_kit.analysis.code_frequencies` with ``respondent_role``
        in ``by`` (e.g. ``by="respondent_role"`` across CoPs, or the default
        ``("cop_id", "respondent_role")`` and ``cop_id=...`` here).
    value : str, default "segments"
        The column to show: ``segments``, ``interviews``, ``share_segments``
        or ``share_interviews``.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
        An image (rows codes, columns roles) whose array equals the pivoted
        ``value``, every cell annotated.
    """
    f = _need(freq, "freq", ["respondent_role", "code_id", value],
              "analysis.code_frequencies(..., by='respondent_role')")
    by = [k for k in f.columns if k not in {"respondent_role", "code_id", "label", "segments",
                                            "interviews", "total_segments", "total_interviews",
                                            "share_segments", "share_interviews"}]
    f = _one(f, "freq", by, **group)
    codes = list(dict.fromkeys(f["code_id"].astype(str)))
    roles = list(dict.fromkeys(f["respondent_role"].astype(str)))
    mat = (f.pivot_table(index="code_id", columns="respondent_role", values=value,
                         aggfunc="first").reindex(index=codes, columns=roles).astype(float))
    labels = (dict(zip(f["code_id"].astype(str), f["label"], strict=True))
              if "label" in f.columns else {})
    ax = st.new_ax(ax, (max(6.5, 1.6 * len(roles) + 4.5), max(4.0, 0.6 * len(codes) + 2.5)))
    im = ax.imshow(mat.to_numpy(), cmap="Blues", aspect="auto",
                   vmin=0, vmax=max(float(np.nanmax(mat.to_numpy())) if mat.size else 1, 1e-9))
    share = value.startswith("share")
    for i in range(len(codes)):
        for j in range(len(roles)):
            v = mat.iat[i, j]
            ax.text(j, i, "" if v != v else (f"{100 * v:.0f}%" if share else f"{v:.0f}"),
                    ha="center", va="center", fontsize=st.TEXT_SIZE,
                    color=_text_color(im.cmap(im.norm(v))) if v == v else st.BLACK)
    ax.set_xticks(range(len(roles)), [r_.replace("_", " ") for r_ in roles], rotation=25,
                  ha="right", rotation_mode="anchor")
    ax.set_yticks(range(len(codes)), [_code_label(c, labels.get(c)) for c in codes])
    ax.tick_params(length=0)
    cb = ax.figure.colorbar(im, ax=ax, shrink=0.8)
    what = value.replace("_", " ")
    cb.set_label(f"{what} with the code", fontsize=st.LABEL_SIZE - 2)
    if not share:
        cb.locator = MaxNLocator(integer=True)
        cb.update_ticks()
    ax.set_xlabel("respondent role")
    grp = ", ".join(f"{k}={f[k].iloc[0]}" for k in by if len(f))
    ax.set_title(f"Codes by respondent role{' – ' + grp if grp else ''}")
    tot = mat.sum(axis=1)
    top = ", ".join(f"{_code_label(c, labels.get(c))} {tot[c]:.0f}"
                    for c in tot.sort_values(ascending=False).index[:3]) if not share else ""
    _done(ax, (
        f"Heatmap of {_n(len(codes), 'code')} × {_n(len(roles), 'respondent role')} "
        f"({what}{', ' + grp if grp else ''}). "
        + (f"Most frequent overall: {top}. " if top else "")
        + "; ".join(f"{r_.replace('_', ' ')}: most often "
                    f"{_code_label(mat[r_].idxmax(), labels.get(mat[r_].idxmax()))}"
                    for r_ in roles if mat[r_].notna().any() and mat[r_].max() > 0) + "."))
    return ax


def cooccurrence(pairs: pd.DataFrame, *, ax: Axes | None = None,
        language: str | None = None,
                 codes: pd.DataFrame | None = None) -> Axes:
    """Code × code heatmap: segments where two codes were given together.

    Parameters
    ----------
    pairs : pandas.DataFrame
        :func:`cocope_kit.analysis.cooccurrence` (``code_a, code_b, segments``).
    codes : pandas.DataFrame, optional
        The ``code`` table: its ``label`` names the codes. Only codes that
        occur in a pair get a row and column (sorted by label).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
        A symmetric image (both triangles), diagonal empty; cell (a, b) equals
        the ``segments`` of the pair.
    """
    p = _need(pairs, "pairs", ["code_a", "code_b", "segments"],
              "the table of analysis.cooccurrence")
    ids = list(dict.fromkeys([*p["code_a"].astype(str), *p["code_b"].astype(str)]))
    labels: dict[str, object] = {}
    if codes is not None:
        cd = _need(codes, "codes", ["code_id"], "the 'code' table")
        if "label" in cd.columns:
            labels = dict(zip(cd["code_id"].astype(str), cd["label"], strict=True))
    ids = sorted(ids, key=lambda c: _code_label(c, labels.get(c)))
    n = len(ids)
    idx = {c: i for i, c in enumerate(ids)}
    mat = np.zeros((n, n))
    np.fill_diagonal(mat, np.nan)
    for a, b, s in zip(p["code_a"].astype(str), p["code_b"].astype(str), p["segments"],
                       strict=True):
        mat[idx[a], idx[b]] = mat[idx[b], idx[a]] = float(s)
    ax = st.new_ax(ax, (max(7.0, 0.85 * n + 4.5), max(6.0, 0.75 * n + 3)))
    vmax = float(np.nanmax(mat)) if n > 1 and np.isfinite(mat).any() else 1.0
    im = ax.imshow(np.ma.masked_invalid(mat), cmap="Blues", vmin=0, vmax=max(vmax, 1))
    for i in range(n):
        for j in range(n):
            v = mat[i, j]
            if v == v and v > 0:
                ax.text(j, i, f"{v:.0f}", ha="center", va="center", fontsize=st.SMALL_SIZE,
                        color=_text_color(im.cmap(im.norm(v))))
    lab = [_code_label(c, labels.get(c)) for c in ids]
    ax.set_xticks(range(n), lab, rotation=40, ha="right", rotation_mode="anchor")
    ax.set_yticks(range(n), lab)
    ax.tick_params(length=0)
    cb = ax.figure.colorbar(im, ax=ax, shrink=0.75)
    cb.set_label("segments with both codes", fontsize=st.LABEL_SIZE - 2)
    cb.locator = MaxNLocator(integer=True)
    cb.update_ticks()
    ax.set_title("Codes given together")
    top = p.sort_values("segments", ascending=False, kind="stable").head(3)
    _done(ax, (
        f"Co-occurrence heatmap of {_n(n, 'code')}: {_n(len(p), 'pair')} given together in at "
        "least one segment. Most frequent: "
        + "; ".join(f"{_code_label(a, labels.get(a))} and {_code_label(b, labels.get(b))} "
                    f"{int(s)}" for a, b, s in zip(top["code_a"], top["code_b"],
                                                   top["segments"], strict=True))
        + "."))
    return ax


def coder_agreement(agreement: pd.DataFrame, *, ax: Axes | None = None,
        language: str | None = None,
                    codes: pd.DataFrame | None = None,
                    references: Sequence[float] = (0.6, 0.8)) -> Axes:
    """Cohen's kappa and Krippendorff's alpha per code, with reference lines.

    Parameters
    ----------
    agreement : pandas.DataFrame
        :func:`cocope_kit.analysis.coder_agreement` (``code_id, kappa, alpha``).
    codes : pandas.DataFrame, optional
        The ``code`` table, for labels.
    references : sequence of float, default (0.6, 0.8)
        Vertical reference lines (0.6: the usual lowest acceptable kappa;
        0.8: Krippendorff's level for reliable data, 0.667 for tentative
        conclusions, Krippendorff 2004).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
        Two bar containers, ``"Cohen's kappa"`` and ``"Krippendorff's alpha"``,
        one horizontal bar per code (width = value; NaN drawn as 0 and marked
        "n/a"); reference lines with gid ``"reference:<value>"``.
    """
    a = _need(agreement, "agreement", ["code_id", "kappa", "alpha"],
              "the table of analysis.coder_agreement")
    labels: dict[str, object] = {}
    if codes is not None:
        cd = _need(codes, "codes", ["code_id"], "the 'code' table")
        if "label" in cd.columns:
            labels = dict(zip(cd["code_id"].astype(str), cd["label"], strict=True))
    ids = a["code_id"].astype(str).tolist()
    n = len(ids)
    ax = st.new_ax(ax, (10, max(4.0, 0.8 * n + 2.5)))
    y = np.arange(n)
    h = 0.38
    kap = a["kappa"].astype(float).to_numpy()
    alp = a["alpha"].astype(float).to_numpy()
    ax.barh(y - h / 2, np.nan_to_num(kap), height=h, color=st.SKY_BLUE, edgecolor=st.BLACK,
            label="Cohen's kappa")
    ax.barh(y + h / 2, np.nan_to_num(alp), height=h, color=st.BLUE, edgecolor=st.BLACK,
            hatch="..", label="Krippendorff's alpha")
    for yy, vals in ((y - h / 2, kap), (y + h / 2, alp)):
        for yi, v in zip(yy, vals, strict=True):
            ax.text(max(0.0, np.nan_to_num(v)) + 0.01, yi,
                    "n/a (no variation)" if v != v else f"{v:.2f}", va="center",
                    fontsize=st.SMALL_SIZE - 1)
    styles = [(st.ORANGE, (0, (4, 2))), (st.BLUISH_GREEN, "-"), (st.GREY, ":")]
    for i, r_ in enumerate(references):
        color, ls = styles[i % len(styles)]
        ln = ax.axvline(r_, color=color, linestyle=ls, linewidth=2.2, label=f"{r_:g}")
        ln.set_gid(f"reference:{r_:g}")
    ax.set_yticks(y, [_code_label(c, labels.get(c)) for c in ids])
    ax.set_ylim(n - 0.5, -0.5)
    lo = min(0.0, float(np.nanmin(np.r_[kap, alp, 0])))
    ax.set_xlim(lo, 1.12)
    ax.set_xlabel("agreement between the two coders (1 = perfect)")
    ax.set_title("Coder agreement per code")
    st.style_axes(ax, grid="x")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2 + len(references),
              fontsize=st.LEGEND_SIZE - 1, frameon=False)
    low = [_code_label(c, labels.get(c)) for c, v in zip(ids, kap, strict=True)
           if v == v and v < min(references, default=0.6)]
    _done(ax, (
        f"Cohen's kappa and Krippendorff's alpha for {_n(n, 'code')}, reference lines at "
        + " and ".join(f"{r_:g}" for r_ in references) + ": "
        + "; ".join(f"{_code_label(c, labels.get(c))} kappa "
                    f"{'n/a' if k != k else f'{k:.2f}'}, alpha "
                    f"{'n/a' if al != al else f'{al:.2f}'}"
                    for c, k, al in zip(ids, kap, alp, strict=True)) + "."
        + (f" Below {min(references):g}: {', '.join(low)}." if low else "")))
    return ax
