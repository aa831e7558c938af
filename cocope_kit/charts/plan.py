"""Charts of the action plan (meeting 2, Community): Gantt, dependency graph, responsibility.

Compute, then draw: each chart takes the tables of
:mod:`cocope_kit.analysis.plan` (or the joined table of :func:`gantt_data`),
draws on ``ax`` (or a new figure) and returns the Axes, with a plain-text
description for :func:`cocope_kit.charts.describe`.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import pandas as pd
>>> from cocope_kit.charts import describe
>>> from cocope_kit.charts.plan import gantt, gantt_data
>>> actions = pd.DataFrame({"action_id": ["a1", "a2"], "cop_id": "c1",
...     "title": ["Map the playground", "Games corner"],
...     "start_on": ["2026-03-01", "2026-03-10"], "due_on": ["2026-03-10", "2026-04-01"],
...     "status": ["done", "in_progress"], "done_on": ["2026-03-09", None]})
>>> deps = pd.DataFrame({"action_id": ["a2"], "depends_on_id": ["a1"]})
>>> table = gantt_data(actions, dependencies=deps, as_of="2026-03-20")
>>> table[["action_id", "earliest_start", "earliest_finish", "status", "overdue"]]
  action_id earliest_start earliest_finish       status  overdue
0        a1     2026-03-01      2026-03-10         done    False
1        a2     2026-03-10      2026-04-01  in_progress    False
>>> ax = gantt(table, today="2026-03-20", dependencies=deps)
>>> len(ax.patches) - 1  # bars, plus one dependency arrow
2
>>> print(describe(ax))  # doctest: +NORMALIZE_WHITESPACE
Action plan of 2 steps from 1 Mar 2026 to 1 Apr 2026: 1 in progress, 1 done. Critical path:
Map the playground → Games corner. 1 arrow shows a step that must wait for another. Seen on
20 Mar 2026.
>>> ax = gantt(table, today="2026-03-20", dependencies=deps, language="nl")
>>> ax.get_title(loc="left")
'Ons actieplan in de tijd'
"""

from __future__ import annotations

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Patch

from .. import analysis
from ..errors import UsageError
from ..i18n import translator
from ..schema import TEXT_DTYPE, typed
from . import _style as st
from ._common import date_formatter, empty_panel, fit_title, need
from ._style import tint as _tint
from ._style import wrap_text as wrap
from .palette import CATEGORICAL, MEANING

__all__ = ["gantt_data", "gantt", "dependency_layout", "dependency_graph",
           "responsibility_matrix"]

_DAY = pd.Timedelta(days=1)


# ----------------------------------------------------------------------------- small helpers
def _day(value: object) -> pd.Timestamp | None:
    if value is None:
        return None
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise UsageError(f"expected a date such as '2026-06-30', got {value!r}") from None
    if pd.isna(ts):
        return None
    if ts.tzinfo is not None:
        ts = ts.tz_convert("UTC").tz_localize(None)
    return ts.normalize()


def _count_phrase(counts: dict[str, int], tr) -> str:
    """"2 done, 1 overdue" in the reader's language (the tree's messages)."""
    words = {"planned": tr.ngettext("{n} planned", "{n} planned", counts.get("planned", 0)),
             "in_progress": tr.ngettext("{n} in progress", "{n} in progress",
                                        counts.get("in_progress", 0)),
             "done": tr.ngettext("{n} done", "{n} done", counts.get("done", 0)),
             "dropped": tr.ngettext("{n} dropped", "{n} dropped", counts.get("dropped", 0)),
             "overdue": tr.ngettext("{n} overdue", "{n} overdue", counts.get("overdue", 0))}
    parts = [words[k].format(n=n) for k, n in counts.items() if n and k in words]
    return ", ".join(parts) if parts else tr.gettext("no steps")


def _labels(df: pd.DataFrame) -> pd.Series:
    if "title" in df.columns:
        t = df["title"].astype(object)
        return t.where(t.notna() & (t.astype(str).str.strip() != ""), df["action_id"])
    return df["action_id"].astype(object)


def _statuses(df: pd.DataFrame) -> list[str] | None:
    if "status" not in df.columns:
        return None
    overdue = df["overdue"] if "overdue" in df.columns else pd.Series(False, index=df.index)
    return [st.display_status(s, o) for s, o in zip(df["status"], overdue, strict=True)]


# ----------------------------------------------------------------------------- gantt data
def gantt_data(
    actions: pd.DataFrame,
    *,
    dependencies: pd.DataFrame | None = None,
    owners: pd.DataFrame | None = None,
    members: pd.DataFrame | None = None,
    as_of: object = None,
) -> pd.DataFrame:
    """The table a Gantt chart of the plan is drawn from: schedule, status and owners joined.

    Nothing new is computed here: the rows of :func:`cocope_kit.analysis.schedule`,
    :func:`~cocope_kit.analysis.step_status` and
    :func:`~cocope_kit.analysis.responsibility_matrix` are joined by ``action_id``.

    Parameters
    ----------
    actions : pandas.DataFrame
        Rows of the ``action`` table (usually of one CoP).
    dependencies : pandas.DataFrame, optional
        Rows of the ``action_dependency`` table.
    owners, members : pandas.DataFrame, optional
        Rows of the ``action_owner`` and ``member`` tables; owners are shown
        by ``pseudonym`` (by ``member_id`` when ``members`` is not given),
        never by name.
    as_of : date-like, optional
        Day the status is seen from (default today).

    Returns
    -------
    pandas.DataFrame
        One row per step in the schedule's order, columns ``action_id, title,
        order, start_on, due_on, done_on, earliest_start, earliest_finish,
        slack_days, critical, status, overdue, days_late, n_owners, owner,
        owners``. ``owner`` is the pseudonym of the sole owner or the lead
        (``"shared"`` when several own the step and none leads, blank when
        nobody does); ``owners`` lists every owner, lead first, separated by
        ``", "``.
    """
    act = typed("action", need(actions, "actions", ["action_id"], "the 'action' table"))
    act = act.dropna(subset=["action_id"]).drop_duplicates("action_id")
    deps = dependencies if dependencies is not None else pd.DataFrame(
        {"action_id": pd.Series([], dtype=TEXT_DTYPE),
         "depends_on_id": pd.Series([], dtype=TEXT_DTYPE)})
    day = _day(as_of) if as_of is not None else pd.Timestamp.today().normalize()
    sched = analysis.schedule(act, deps)
    status = analysis.step_status(act, as_of=day)
    out = (sched
           .merge(act[["action_id", "title", "start_on", "due_on", "done_on"]], on="action_id",
                  how="left")
           .merge(status, on="action_id", how="left"))
    n_owners = pd.Series(0, index=out.index, dtype="int64")
    owner = pd.Series(np.nan, index=out.index, dtype=TEXT_DTYPE)
    owners_col = pd.Series(np.nan, index=out.index, dtype=TEXT_DTYPE)
    if owners is not None:
        rm = analysis.responsibility_matrix(act, owners)
        rm["label"] = _owner_labels(rm["member_id"], members)
        rank = rm["responsibility"].map({"sole": 0, "lead": 0, "shared": 1})
        rm = rm.assign(_rank=rank).sort_values(["action_id", "_rank", "member_id"],
                                               kind="mergesort")
        grouped = rm.groupby("action_id", sort=False)
        joined = grouped["label"].agg(", ".join)
        heads = rm[rm["responsibility"] != "shared"].groupby("action_id")["label"].first()
        n = grouped.size()
        n_owners = out["action_id"].map(n).fillna(0).astype("int64")
        owners_col = out["action_id"].map(joined).astype(TEXT_DTYPE)
        owner = out["action_id"].map(heads).astype(object)
        owner = owner.where(owner.notna() | (n_owners == 0), "shared").astype(TEXT_DTYPE)
    out["n_owners"] = n_owners.to_numpy()
    out["owner"] = owner.to_numpy()
    out["owners"] = owners_col.to_numpy()
    cols = ["action_id", "title", "order", "start_on", "due_on", "done_on", "earliest_start",
            "earliest_finish", "slack_days", "critical", "status", "overdue", "days_late",
            "n_owners", "owner", "owners"]
    out["owner"] = out["owner"].astype(TEXT_DTYPE)
    out["owners"] = out["owners"].astype(TEXT_DTYPE)
    return out[cols].reset_index(drop=True)


def _owner_labels(member_ids: pd.Series, members: pd.DataFrame | None) -> pd.Series:
    """Pseudonyms of members (their member_id when unknown); never names."""
    ids = member_ids.astype(object)
    if members is None:
        return ids.astype(str)
    mem = need(members, "members", ["member_id", "pseudonym"], "the 'member' table")
    lookup = mem.dropna(subset=["member_id"]).drop_duplicates("member_id").set_index(
        "member_id")["pseudonym"]
    return ids.map(lookup).astype(object).where(lambda s: s.notna(), ids).astype(str)


# ----------------------------------------------------------------------------- gantt
def _bar_columns(df: pd.DataFrame, start: str | None, end: str | None) -> tuple[str, str]:
    if start is None and end is None:
        if {"earliest_start", "earliest_finish"} <= set(df.columns):
            return "earliest_start", "earliest_finish"
        if {"start_on", "due_on"} <= set(df.columns):
            return "start_on", "due_on"
        raise UsageError("the table needs bar dates: earliest_start and earliest_finish "
                         "(from analysis.schedule) or start_on and due_on (the action table); "
                         f"it has: {', '.join(map(str, df.columns))}")
    if start is None or end is None:
        raise UsageError("give both start= and end= (column names), or neither")
    need(df, "the table", [start, end], "columns named by start= and end=")
    return start, end


def gantt(
    schedule_or_steps: pd.DataFrame,
    *,
    ax: Axes | None = None,
    language: str | None = None,
    color_by: str = "status",
    today: object = None,
    deadline: object = None,
    dependencies: pd.DataFrame | None = None,
    start: str | None = None,
    end: str | None = None,
) -> Axes:
    """Gantt chart of the action plan: one bar per step, dependency arrows, today and deadline.

    Parameters
    ----------
    schedule_or_steps : pandas.DataFrame
        One row per step. Best: the table of :func:`gantt_data` (schedule,
        status and owners joined). Columns used:

        * ``action_id`` (required);
        * bar dates: ``earliest_start``/``earliest_finish`` (from
          :func:`cocope_kit.analysis.schedule`) if present, else
          ``start_on``/``due_on`` (the ``action`` table), or the columns
          named by ``start=``/``end=``. A step without both dates gets a row
          but no bar; a bar is at least one day wide;
        * ``title``: the row label (else ``action_id``);
        * ``order``: top-to-bottom order (else the row order);
        * ``status`` and ``overdue`` (from :func:`~cocope_kit.analysis.step_status`):
          colour (``color_by="status"``) and hatch of the bars; an overdue
          step shows as overdue. ``days_late`` of overdue steps is written
          next to their bar;
        * ``owner``: one label per step for ``color_by="owner"`` (pseudonyms,
          see :func:`gantt_data`);
        * ``critical``: steps on the critical path get a thick black outline.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when omitted.
    language : {"en", "de", "nl", "pt", "sk"}, optional
        The language of every text, date and number (English when omitted).
    color_by : {"status", "owner"}
        What the bar colour shows. The hatch always shows the status (when
        known), so the chart also reads in grey.
    today : date-like, optional
        Draws a dashed "today" line when today lies within the plan; after
        the plan's end it is not drawn (the axis does not run on to today)
        and a note at the right edge says "today: <date>".
    deadline : date-like, optional
        Draws the goal's deadline as a solid line.
    dependencies : pandas.DataFrame, optional
        Rows of the ``action_dependency`` table; an arrow runs from the end
        of ``depends_on_id`` to the start of ``action_id`` for every row whose
        two steps have bars.
    start, end : str, optional
        Column names of the bar dates, overriding the defaults above.

    Returns
    -------
    matplotlib Axes
        Bars are ``ax.patches`` with ``gid`` ``"bar:<action_id>"``, arrows
        ``"dependency:<depends_on_id>-><action_id>"``; the lines have gid
        ``"today"`` and ``"deadline"``. The time axis runs from the first
        step's start to the cycle's end: the last step's end or the goal's
        deadline, whichever is later (plus a margin of 3 % of the span, at
        least 2 days). Bars are coloured by :data:`~cocope_kit.charts._style.STATUS_COLORS`:
        only overdue steps in vermillion.
    """
    tr = translator(language)
    df = need(schedule_or_steps, "schedule_or_steps", ["action_id"],
                     "a table of steps, e.g. gantt_data(...) or analysis.schedule(...)")
    if color_by not in ("status", "owner"):
        raise UsageError(f"color_by must be 'status' or 'owner', got {color_by!r}")
    if color_by == "owner" and "owner" not in df.columns:
        raise UsageError("color_by='owner' needs an 'owner' column (one pseudonym per step); "
                         "gantt_data(actions, owners=..., members=...) provides it")
    s_col, e_col = _bar_columns(df, start, end)
    if "order" in df.columns:
        df = df.sort_values("order", kind="mergesort", na_position="last")
    df = df.reset_index(drop=True)
    n = len(df)
    if n == 0:
        return empty_panel(ax, tr.gettext("Our action plan over time"),
                           tr.gettext("No action plan yet (meeting 2)"), tr)
    ax = st.new_ax(ax, (13, max(4.0, 0.62 * n + 2.4)))
    starts = pd.to_datetime(df[s_col])
    ends = pd.to_datetime(df[e_col])
    statuses = _statuses(df)
    labels = _labels(df)

    # colours
    if color_by == "owner":
        owner = df["owner"].astype(object).where(df["owner"].notna(), None)
        names = [o for o in dict.fromkeys(owner) if o is not None]
        palette = [c for c in CATEGORICAL if c != st.BLACK]
        owner_color = {o: (st.GREY if o == "shared" else palette[i % len(palette)])
                       for i, o in enumerate(n for n in names)}
        colors = [st.LIGHT_GREY if o is None else owner_color[o] for o in owner]
    elif statuses is not None:
        colors = [st.STATUS_COLORS[s] for s in statuses]
    else:
        colors = [st.BLUE] * n
    critical = (df["critical"].fillna(False).astype(bool).tolist()
                if "critical" in df.columns else [False] * n)

    bars: dict[str, tuple[float, float, int]] = {}  # action_id -> (x0, x1, y)
    for i in range(n):
        s, e = starts.iloc[i], ends.iloc[i]
        if pd.isna(s) or pd.isna(e):
            ax.text(0.005, i, "  " + tr.gettext("no dates yet"), transform=ax.get_yaxis_transform(), va="center",
                    ha="left", fontsize=st.SMALL_SIZE, color=st.GREY, style="italic")
            continue
        x0 = mdates.date2num(s)
        width = max(mdates.date2num(e) - x0, 1.0)
        hatch = st.STATUS_HATCHES[statuses[i]] if statuses is not None else ""
        (bar,) = ax.barh(i, width, left=x0, height=0.62, color=colors[i],
                         edgecolor=st.BLACK if critical[i] else "#333333",
                         linewidth=2.8 if critical[i] else 0.8, hatch=hatch, zorder=3)
        bar.set_gid(f"bar:{df['action_id'].iloc[i]}")
        bars[str(df["action_id"].iloc[i])] = (x0, x0 + width, i)
        if (statuses is not None and statuses[i] == "overdue" and "days_late" in df.columns
                and pd.notna(df["days_late"].iloc[i]) and df["days_late"].iloc[i] > 0):
            late = int(df["days_late"].iloc[i])
            ax.text(x0 + width, i, " " + tr.ngettext("{n} day late", "{n} days late", late)
                    .format(n=late), va="center",
                    ha="left", fontsize=st.SMALL_SIZE, color=MEANING["problem"], zorder=7,
                    fontweight="bold",
                    bbox=dict(facecolor="white", edgecolor="none", alpha=0.85, pad=1.5))

    # dependency arrows
    n_arrows = 0
    if dependencies is not None:
        dep = need(dependencies, "dependencies", ["action_id", "depends_on_id"],
                          "the 'action_dependency' table")
        for a, b in zip(dep["action_id"].astype(str), dep["depends_on_id"].astype(str),
                        strict=True):
            if a not in bars or b not in bars or a == b:
                continue
            xb, yb = bars[b][1], bars[b][2]
            xa, ya = bars[a][0], bars[a][2]
            arrow = FancyArrowPatch(
                (xb, yb), (xa, ya), arrowstyle="-|>", mutation_scale=16,
                connectionstyle="angle,angleA=0,angleB=90,rad=6" if xa > xb + 0.5
                else "arc3,rad=0.35",
                color="#444444", linewidth=1.4, shrinkA=2, shrinkB=3, zorder=5)
            arrow.set_gid(f"dependency:{b}->{a}")
            ax.add_patch(arrow)
            n_arrows += 1

    # axes: from the first start to the cycle's end (last step's end or the deadline)
    ax.set_yticks(range(n), [wrap(t, 34, 2) for t in labels])
    ax.set_ylim(n - 0.4, -0.6)
    xs = [v for x0, x1, _ in bars.values() for v in (x0, x1)]
    dl = _day(deadline)
    if dl is not None:
        xs.append(mdates.date2num(dl))
    now = _day(today)
    lines: dict[str, pd.Timestamp] = {}
    lo = hi = None
    if xs:
        lo, hi = min(xs), max(xs)
        pad = max((hi - lo) * 0.03, 2.0)
        ax.set_xlim(lo - pad, hi + pad)
    if dl is not None:
        lines["deadline"] = dl
    if now is not None and (lo is None or lo <= mdates.date2num(now) <= hi):
        lines["today"] = now
    span_days = (hi - lo) if xs else 0
    ax.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=3, maxticks=8))
    ax.xaxis.set_major_formatter(date_formatter(tr, "d MMM" if span_days < 120 else "MMM y"))
    st.style_axes(ax, grid="x")
    ax.tick_params(axis="y", length=0)

    # today and deadline lines, their labels facing away from each other
    styles = {"today": dict(color=st.BLACK, linestyle=(0, (5, 3)), linewidth=2.2),
              "deadline": dict(color=st.BLUE, linestyle="-", linewidth=2.6)}
    words = {"today": tr.gettext("today"), "deadline": tr.gettext("goal deadline")}
    for key, d in lines.items():
        x = mdates.date2num(d)
        line = ax.axvline(x, zorder=6, **styles[key])
        line.set_gid(key)
        other = lines.get("deadline" if key == "today" else "today")
        right = other is None or d >= other
        if other is not None and d == other:
            right = key == "today"
        if hi is not None and x > hi - 0.1 * (hi - lo):
            right = False
        ax.text(x, 1.0, f" {words[key]} {tr.date(d)} ",
                transform=ax.get_xaxis_transform(), ha="left" if right else "right",
                va="bottom", fontsize=st.SMALL_SIZE + 1, color=styles[key]["color"],
                fontweight="bold", clip_on=False)
    if now is not None and "today" not in lines and hi is not None:
        after = mdates.date2num(now) > hi
        ax.annotate((tr.gettext("today: {date} (after the end of the plan)") if after
                     else tr.gettext("today: {date} (before the plan starts)"))
                    .format(date=tr.date(now)), xy=(1.0, 1.0), xycoords="axes fraction",
                    xytext=(0, 22), textcoords="offset points", ha="right", va="bottom",
                    fontsize=st.SMALL_SIZE, color="#444444", gid="today-note")

    # legend
    handles: list = []
    if color_by == "owner":
        handles += [Patch(facecolor=c, edgecolor="#333333",
                          label=tr.gettext("shared") if o == "shared" else o)
                    for o, c in owner_color.items()]
        if any(c == st.LIGHT_GREY for c in colors):
            handles.append(Patch(facecolor=st.LIGHT_GREY, edgecolor="#333333",
                                 label=tr.gettext("nobody responsible yet")))
    if statuses is not None:
        present = [s for s in st.STATUSES if s in statuses]
        for s in present:
            face = st.STATUS_COLORS[s] if color_by == "status" else "white"
            handles.append(Patch(facecolor=face, edgecolor="#333333", hatch=st.STATUS_HATCHES[s],
                                 label=tr.gettext(st.STATUS_LABELS[s])))
    if any(critical):
        handles.append(Patch(facecolor="white", edgecolor=st.BLACK, linewidth=2.8,
                             label=tr.gettext("critical path (a delay here delays the end)")))
    if n_arrows:
        handles.append(Line2D([], [], color="#444444", marker=">", markersize=8,
                              label=tr.gettext("must wait for")))
    for key in lines:
        handles.append(Line2D([], [], label=words[key], **styles[key]))
    if handles:
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.07),
                  ncol=min(len(handles), 3), fontsize=st.LEGEND_SIZE, frameon=False,
                  handlelength=2.2, handleheight=1.2)
    ax.set_title(tr.gettext("Our action plan over time"), loc="left", pad=26)

    # description
    dated = [pd.Timestamp(v) for v in list(starts.dropna()) + list(ends.dropna())]
    if n == 0:
        text = [tr.gettext("Action plan without steps.")]
    else:
        head = tr.ngettext("Action plan of {n} step", "Action plan of {n} steps", n).format(n=n)
        if dated:
            head += " " + tr.gettext("from {start} to {end}").format(
                start=tr.date(min(dated)), end=tr.date(max(dated)))
        text = [head + ": " + (_count_phrase({k: statuses.count(k) for k in st.STATUSES}, tr)
                               if statuses is not None else tr.gettext("status not given"))
                + "."]
    if color_by == "owner":
        per = pd.Series([o or tr.gettext("nobody responsible yet") for o in owner]
                        ).value_counts(sort=False)
        text.append(tr.gettext("Bars coloured by the person responsible: {list}.").format(
            list=", ".join(f"{k} {v}" for k, v in per.items())))
    if any(critical):
        path = [str(t) for t, c in zip(labels, critical, strict=True) if c]
        text.append(tr.gettext("Critical path: {steps}.").format(steps=" → ".join(path)))
    if dependencies is not None and n_arrows:
        text.append(tr.ngettext("{n} arrow shows a step that must wait for another.",
                                "{n} arrows show steps that must wait for another.",
                                n_arrows).format(n=n_arrows))
    if "deadline" in lines:
        text.append(tr.gettext("Goal deadline: {date}.").format(date=tr.date(lines["deadline"])))
    if now is not None:
        text.append(tr.gettext("Seen on {date}.").format(date=tr.date(now)))
    if statuses is not None and "overdue" in statuses:
        late = [str(t) for t, s in zip(labels, statuses, strict=True) if s == "overdue"]
        text.append(tr.gettext("Overdue: {steps}.").format(steps="; ".join(late)))
    undated = [str(t) for t, s, e in zip(labels, starts, ends, strict=True)
               if pd.isna(s) or pd.isna(e)]
    if undated:
        text.append(tr.gettext("No dates yet: {steps}.").format(steps="; ".join(undated)))
    st.set_description(ax, " ".join(text))
    fit_title(ax)
    return ax


# ----------------------------------------------------------------------------- dependency graph
def dependency_layout(actions: pd.DataFrame, dependencies: pd.DataFrame,
                      *, schedule: pd.DataFrame | None = None) -> pd.DataFrame:
    """Positions of the steps in a left-to-right dependency graph.

    Parameters
    ----------
    actions, dependencies : pandas.DataFrame
        Rows of the ``action`` and ``action_dependency`` tables.
    schedule : pandas.DataFrame, optional
        :func:`cocope_kit.analysis.schedule` of the same steps; its ``order``
        breaks ties within a layer (else ``start_on``, then ``action_id``).

    Returns
    -------
    pandas.DataFrame
        One row per step, columns ``action_id, layer, row``: ``layer`` (0, 1,
        ...) is the length of the longest chain of dependencies leading to
        the step (steps depending on nothing are in layer 0); ``row`` (0, 1,
        ...) is the position within the layer, top to bottom, chosen by the
        mean row of the steps it depends on (barycentre heuristic, Sugiyama
        et al. 1981), then the tie-break above.

    Raises
    ------
    UsageError
        If the dependencies form a cycle (:func:`cocope_kit.analysis.validate_plan`
        names it).
    """
    act = need(actions, "actions", ["action_id"], "the 'action' table")
    dep = need(dependencies, "dependencies", ["action_id", "depends_on_id"],
                      "the 'action_dependency' table")
    ids = [str(a) for a in dict.fromkeys(act["action_id"].dropna())]
    known = set(ids)
    pred: dict[str, list[str]] = {a: [] for a in ids}
    succ: dict[str, list[str]] = {a: [] for a in ids}
    for a, b in zip(dep["action_id"].astype(str), dep["depends_on_id"].astype(str), strict=True):
        if a in known and b in known and b not in pred[a]:
            pred[a].append(b)
            succ[b].append(a)
    if schedule is not None:
        sched = need(schedule, "schedule", ["action_id", "order"],
                            "the table of analysis.schedule")
        tie = dict(zip(sched["action_id"].astype(str), sched["order"].astype(float), strict=True))
        key = {a: (tie.get(a, np.inf), a) for a in ids}
    else:
        starts = (pd.to_datetime(act["start_on"]) if "start_on" in act.columns
                  else pd.Series(pd.NaT, index=act.index))
        first = dict(zip(act["action_id"].astype(str), starts, strict=False))
        key = {a: (first[a].value if pd.notna(first.get(a)) else np.iinfo(np.int64).max, a)
               for a in ids}
    indeg = {a: len(pred[a]) for a in ids}
    layer = {a: 0 for a in ids}
    ready = sorted((a for a in ids if indeg[a] == 0), key=key.get)
    seen = 0
    while ready:
        a = ready.pop(0)
        seen += 1
        for w in succ[a]:
            layer[w] = max(layer[w], layer[a] + 1)
            indeg[w] -= 1
            if indeg[w] == 0:
                ready.append(w)
    if seen < len(ids):
        stuck = sorted(a for a in ids if indeg[a] > 0)
        raise UsageError("the dependencies form a cycle among the steps "
                         f"{', '.join(stuck)}; analysis.validate_plan names it")
    row: dict[str, int] = {}
    for lv in range(max(layer.values(), default=-1) + 1):
        members = [a for a in ids if layer[a] == lv]

        def bary(a: str) -> float:
            rows = [row[b] for b in pred[a] if b in row]
            return float(np.mean(rows)) if rows else -1.0

        members.sort(key=lambda a: (bary(a), key[a]))
        for i, a in enumerate(members):
            row[a] = i
    return pd.DataFrame({
        "action_id": pd.Series(ids, dtype=TEXT_DTYPE),
        "layer": pd.array([layer[a] for a in ids], dtype="Int64"),
        "row": pd.array([row[a] for a in ids], dtype="Int64"),
    })


def dependency_graph(
    actions: pd.DataFrame,
    dependencies: pd.DataFrame,
    *,
    ax: Axes | None = None,
    language: str | None = None,
    schedule: pd.DataFrame | None = None,
) -> Axes:
    """The action plan as a left-to-right graph of steps, the critical path highlighted.

    Parameters
    ----------
    actions : pandas.DataFrame
        Rows of the ``action`` table: ``action_id`` (required), ``title`` (the
        box label, else ``action_id``), ``status`` (box colour and marker).
        An ``overdue`` column (from :func:`~cocope_kit.analysis.step_status`)
        marks overdue steps.
    dependencies : pandas.DataFrame
        Rows of the ``action_dependency`` table; one arrow per row between two
        known steps, from ``depends_on_id`` to ``action_id``.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when omitted.
    language : {"en", "de", "nl", "pt", "sk"}, optional
        The language of every text (English when omitted).
    schedule : pandas.DataFrame, optional
        :func:`cocope_kit.analysis.schedule` of these steps; its ``critical``
        steps get a thick black outline, and arrows between two critical
        steps where one starts as the other finishes are drawn thick and
        black. Computed with ``analysis.schedule(actions, dependencies)``
        when omitted (needs dates; without any, nothing is highlighted).

    Returns
    -------
    matplotlib Axes
        Boxes are patches with gid ``"step:<action_id>"``, arrows
        ``"dependency:<depends_on_id>-><action_id>"`` (``"critical:..."`` on
        the critical path). Layout: :func:`dependency_layout`.
    """
    tr = translator(language)
    act = need(actions, "actions", ["action_id"], "the 'action' table")
    act = act.dropna(subset=["action_id"]).drop_duplicates("action_id").reset_index(drop=True)
    dep = need(dependencies, "dependencies", ["action_id", "depends_on_id"],
                      "the 'action_dependency' table")
    if schedule is None:
        has_dates = "start_on" in act.columns and pd.to_datetime(act["start_on"]).notna().any()
        if has_dates:
            schedule = analysis.schedule(act, dep)
    layout = dependency_layout(act, dep, schedule=schedule)
    n_layers = int(layout["layer"].max()) + 1 if len(layout) else 0
    per_layer = layout.groupby("layer")["row"].max() + 1 if len(layout) else pd.Series(dtype=int)
    n_rows = int(per_layer.max()) if len(per_layer) else 0
    if act.empty:
        return empty_panel(ax, tr.gettext("Which step waits for which"),
                           tr.gettext("No action plan yet (meeting 2)"), tr)
    ax = st.new_ax(ax, (max(6.0, 2.9 * n_layers + 0.8), max(3.5, 1.25 * n_rows + 1.6)))

    labels = dict(zip(act["action_id"].astype(str), _labels(act).astype(str), strict=True))
    statuses = _statuses(act)
    status_of = (dict(zip(act["action_id"].astype(str), statuses, strict=True))
                 if statuses is not None else {})
    crit: set[str] = set()
    es: dict[str, pd.Timestamp] = {}
    ef: dict[str, pd.Timestamp] = {}
    if schedule is not None and "critical" in schedule.columns:
        crit = set(schedule.loc[schedule["critical"].fillna(False).astype(bool),
                                "action_id"].astype(str))
        if {"earliest_start", "earliest_finish"} <= set(schedule.columns):
            es = dict(zip(schedule["action_id"].astype(str),
                          pd.to_datetime(schedule["earliest_start"]), strict=True))
            ef = dict(zip(schedule["action_id"].astype(str),
                          pd.to_datetime(schedule["earliest_finish"]), strict=True))

    pos: dict[str, tuple[float, float]] = {}
    for a, lv, r in zip(layout["action_id"], layout["layer"], layout["row"], strict=True):
        height = int(per_layer[lv])
        pos[str(a)] = (float(lv), float(r) - (height - 1) / 2)
    w, h = 0.8, 0.64
    for a, (x, y) in pos.items():
        s = status_of.get(a)
        face = _tint(st.STATUS_COLORS[s], 0.55) if s else _tint(st.SKY_BLUE, 0.7)
        edge = st.BLACK if a in crit else (st.STATUS_COLORS[s] if s else st.BLUE)
        box = FancyBboxPatch((x - w / 2, y - h / 2), w, h,
                             boxstyle="round,pad=0,rounding_size=0.08", facecolor=face,
                             edgecolor=edge, linewidth=3.2 if a in crit else 1.6, zorder=3)
        box.set_gid(f"step:{a}")
        ax.add_patch(box)
        ax.text(x + 0.03, y, wrap(labels[a], 20, 3), ha="center", va="center",
                fontsize=st.SMALL_SIZE, zorder=4, linespacing=1.1)
        if s:
            ax.plot([x - w / 2 + 0.07], [y - h / 2 + 0.1], marker=st.STATUS_MARKERS[s],
                    markersize=9, color=st.STATUS_COLORS[s], markeredgecolor=st.BLACK,
                    markeredgewidth=0.8, linestyle="none", zorder=5)

    n_edges = 0
    n_crit_edges = 0
    for a, b in zip(dep["action_id"].astype(str), dep["depends_on_id"].astype(str), strict=True):
        if a not in pos or b not in pos or a == b:
            continue
        (xb, yb), (xa, ya) = pos[b], pos[a]
        tight = (a in crit and b in crit and a in es and b in ef
                 and pd.notna(es[a]) and es[a] == ef[b])
        # an arrow over more than one layer arcs around the boxes between, away from the middle
        rad = 0.0 if xa - xb <= 1 else (0.5 if (ya + yb) >= 0 else -0.5)
        arrow = FancyArrowPatch((xb + w / 2, yb), (xa - w / 2, ya), arrowstyle="-|>",
                                mutation_scale=18, connectionstyle=f"arc3,rad={rad}",
                                color=st.BLACK if tight else "#555555",
                                linewidth=3.2 if tight else 1.4, shrinkA=1, shrinkB=1,
                                zorder=2, clip_on=False)
        arrow.set_gid(("critical:" if tight else "dependency:") + f"{b}->{a}")
        ax.add_patch(arrow)
        n_edges += 1
        n_crit_edges += bool(tight)

    ax.set_xlim(-0.55, max(n_layers - 1, 0) + 0.55)
    half = max(n_rows - 1, 0) / 2
    ax.set_ylim(half + 0.55, -half - 0.55)
    ax.set_axis_off()

    handles: list = []
    if statuses is not None:
        for s in [s for s in st.STATUSES if s in statuses]:
            handles.append(Line2D([], [], marker=st.STATUS_MARKERS[s], markersize=11,
                                  linestyle="none", color=st.STATUS_COLORS[s],
                                  markeredgecolor=st.BLACK,
                                  label=tr.gettext(st.STATUS_LABELS[s])))
    if crit:
        handles.append(Line2D([], [], color=st.BLACK, linewidth=3.2,
                              label=tr.gettext("critical path (a delay here delays the end)")))
    if handles:
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0),
                  ncol=min(len(handles), 6), fontsize=st.LEGEND_SIZE, frameon=False)

    path = [labels[a] for a in (schedule["action_id"].astype(str) if schedule is not None
                                else []) if a in crit and a in pos]
    ax.set_title(tr.gettext("Which step waits for which"), loc="left")
    text = (tr.ngettext("Order of the steps: {n} step", "Order of the steps: {n} steps",
                        len(pos)).format(n=len(pos)) + ", "
            + tr.ngettext("{n} dependency", "{n} dependencies", n_edges).format(n=n_edges)
            + " " + tr.gettext("(an arrow points from a step to the steps that wait for it).")
            )
    if statuses is not None:
        text += " " + _count_phrase({k: statuses.count(k) for k in st.STATUSES}, tr) + "."
    if path:
        text += " " + tr.gettext("Critical path: {steps}.").format(steps=" → ".join(path))
    roots = [labels[a] for a in layout.loc[layout["layer"] == 0, "action_id"].astype(str)]
    if roots:
        text += " " + tr.gettext("Steps that can start at once: {steps}.").format(
            steps="; ".join(roots))
    fit_title(ax)
    st.set_description(ax, text)
    return ax


from .responsibility import responsibility_matrix  # noqa: E402  (re-exported)
