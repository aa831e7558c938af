"""The CoP tree: the group's poster of its goal, its plan and its results.

The trunk is the shared SMART goal (meeting 1, Domain), the branches are the
steps of the action plan (meeting 2, Community), the fruits are the results of
Practice (meeting 3): the goal's progress towards its target, and the lessons
the group wrote down.

Compute, then draw: :func:`cop_tree_data` reads the store (only through
``store.read(table)``) and returns every table the tree is drawn from;
:func:`draw_cop_tree` draws those tables; :func:`cop_tree` does both.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import cocope_kit as ck
>>> from cocope_kit.demo import write_demo
>>> from cocope_kit.charts import cop_tree, cop_tree_data, describe
>>> store = write_demo(ck.open_store(":memory:"))
>>> data = cop_tree_data(store, "be-gent", as_of="2026-06-30")
>>> sorted(data)
['cop', 'fruits', 'goal', 'links', 'plan', 'steps']
>>> data["steps"][["action_id", "display_status", "n_owners", "side", "level"]].head(3)
    action_id display_status  n_owners   side  level
0  be-gent:a1           done         1   left      0
1  be-gent:a2           done         1  right      0
2  be-gent:a3           done         2   left      1
>>> fig = cop_tree(store, "be-gent", as_of="2026-06-30", language="en")
>>> print(describe(fig))  # doctest: +ELLIPSIS
CoP tree of "Samen in de klas" (Basisschool De Vlindertuin, Gent, BE) as of 30 Jun 2026. ...
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, Ellipse, FancyBboxPatch, Patch, Polygon, Wedge

from ..errors import UsageError
from ..i18n import Translator, reader_language, translator
from . import _style as st
from ._style import tint as _tint
from ._style import wrap_text as wrap

__all__ = ["cop_tree_data", "draw_cop_tree", "cop_tree", "PAPER_SIZES", "MAX_LESSON_FRUITS"]

PAPER_SIZES: dict[str, tuple[float, float]] = {
    "A3": (16.54, 11.69),
    "A4": (11.69, 8.27),
}
"""Landscape paper sizes in inches; A4 is A3 scaled by 1/√2 (text scales with it)."""

TRUNK_BROWN = "#6B4423"
SIGN_CREAM = "#FFF8E7"
VINE_COLOR = st.REDDISH_PURPLE
PROGRESS_COLOR = st.BLUISH_GREEN  # progress is green, never the problem colour


from .tree_data import _TABLES, cop_tree_data  # noqa: E402, F401  (re-exported)


# ----------------------------------------------------------------------------- drawing helpers
def _num(x: float, tr: Translator) -> str:
    if x is None or pd.isna(x):
        return "?"
    return tr.number(x, 0 if float(x).is_integer() else 1)


def _date(ts: object, tr: Translator) -> str:
    return "?" if ts is None or pd.isna(ts) else tr.date(pd.Timestamp(ts), "medium")


def _status_label(status: str, tr: Translator) -> str:
    return tr.gettext(st.STATUS_LABELS.get(status, status))


def _kind_label(kind: str, tr: Translator) -> str:
    return tr.gettext(st.LESSON_KIND_LABELS.get(kind, kind))


def _language(cop: pd.Series, language: str | None) -> Translator:
    """The translator of ``language``, else of the CoP's language, else English."""
    if language is not None:
        return translator(language)
    return translator(reader_language(cop.get("language") if len(cop) else None))


def _bezier(p0, p1, p2, k: int = 40) -> np.ndarray:
    t = np.linspace(0, 1, k)[:, None]
    return ((1 - t) ** 2 * np.asarray(p0) + 2 * (1 - t) * t * np.asarray(p1)
            + t ** 2 * np.asarray(p2))


def _deadline_passed(g: Mapping, as_of: object) -> bool:
    """True when the goal's deadline lies before the day the tree is seen from."""
    d, day = g.get("deadline"), as_of
    if d is None or day is None or pd.isna(d) or pd.isna(day):
        return False
    return pd.Timestamp(day).normalize() > pd.Timestamp(d).normalize()


def _progress_phrase(g: Mapping, tr: Translator, as_of: object = None) -> str:
    p = g.get("progress")
    if p is None or pd.isna(p):
        return tr.gettext("progress cannot be judged (target equals baseline)")
    if p >= 1:
        return tr.gettext("target reached ({share} of the way)").format(share=tr.percent(p))
    if _deadline_passed(g, as_of):
        return tr.gettext("deadline passed: target not reached ({share} of the way)").format(
            share=tr.percent(max(float(p), 0.0)))
    if p < 0:
        return tr.gettext("moved away from the target ({share} of the way)").format(
            share=tr.percent(p))
    return tr.gettext("{share} of the way from baseline to target").format(share=tr.percent(p))


def _wrap_names(names: list[str], width: int, max_lines: int) -> str:
    """Names joined by ", ", broken into lines between names (never inside one)."""
    lines: list[str] = []
    for name in names:
        if lines and len(lines[-1]) + 2 + len(name) <= width:
            lines[-1] += ", " + name
        else:
            if lines:
                lines[-1] += ","
            lines.append(name)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1].rstrip(",") + " …"
    return "\n".join(lines)


def _owner_width(n_owners: int, k: float = 1.0) -> float:
    """Line width (points) of a branch with ``n_owners`` people responsible."""
    return min(4.0 + 4.5 * max(int(n_owners), 0), 31.0) * k


# Geometry of the poster, in data units: x from -10 to 10, y from 0 to 20 * height / width
# (14.14 for A3/A4 landscape); one unit is 1/20 of the paper's width.
_GROUND = 1.25
_TRUNK_TOP = 7.7
_SIGN_W = 4.9
_CROWN = (0.0, 7.9, 6.9, 4.75)  # centre x, centre y, half width, half height
_TIP_Y = (4.35, 10.25)  # lowest and highest branch tip
_TIP_X = (4.35, 5.55)  # nearest and farthest branch tip from the trunk
_PROGRESS_DROP = 0.95  # from the subtitle's bottom to the centre of the progress fruit
_FRUIT_ROWS = ((1.35,), (1.25, 2.45))  # below the progress fruit: one row, or two compact rows


def _trunk_half_width(y: float) -> float:
    """Half width of the trunk at height y: flared at the ground, narrower at the crown."""
    if y <= _GROUND:
        return 2.6
    return 0.95 + 0.55 * (_TRUNK_TOP - y) / (_TRUNK_TOP - _GROUND) + \
        1.1 * math.exp(-(y - _GROUND) / 0.35)


class _Tree:
    """Draws one poster; the methods follow the tree from the ground up."""

    def __init__(self, data: Mapping[str, pd.DataFrame], paper: str, language: str | None):
        w_in, h_in = PAPER_SIZES[paper]
        self.k = w_in / PAPER_SIZES["A3"][0]  # text scale
        self.fig = Figure(figsize=(w_in, h_in))
        self.ax = ax = self.fig.add_axes((0, 0, 1, 1))
        self.top = 20 * h_in / w_in
        ax.set_xlim(-10, 10)
        ax.set_ylim(0, self.top)
        ax.set_axis_off()
        self.cop = data["cop"].iloc[0] if len(data["cop"]) else pd.Series(dtype=object)
        self.tr = _language(self.cop, language)
        self.goals = data["goal"].reset_index(drop=True)
        self.steps = data["steps"].reset_index(drop=True)
        self.links = data["links"].reset_index(drop=True)
        self.fruits = data["fruits"].reset_index(drop=True)
        self.plan = data["plan"].reset_index(drop=True)
        self.curves: dict[str, np.ndarray] = {}
        self.half_width: dict[str, float] = {}  # of each branch, in data units

    # ---------------------------------------------------------------- title
    def title(self) -> None:
        ax, k, cop, tr = self.ax, self.k, self.cop, self.tr
        name = str(cop.get("name", "CoP"))
        where = ", ".join(str(x) for x in (cop.get("school"), cop.get("country")) if pd.notna(x))
        text = f"{name} — {where}" if where else name
        big = 26 if len(text) <= 62 else 21
        head = wrap(text, 62 if big == 26 else 80, 2)
        ax.text(0, self.top - 0.3, head, ha="center", va="top", fontsize=big * k,
                fontweight="bold", color=st.BLACK, gid="title", linespacing=1.05)
        title_h = (head.count("\n") + 1) * big * 1.2 / 72 / (self.fig.get_figwidth() / 20) * k
        sub = tr.gettext("Our CoP tree")
        if pd.notna(cop.get("cycle")):
            sub += " · " + tr.gettext("cycle {n}").format(n=int(cop["cycle"]))
        if pd.notna(cop.get("as_of")):
            sub += " · " + tr.gettext("as of {date}").format(date=_date(cop["as_of"], tr))
        sub += "   |   " + tr.gettext(
            "trunk: our shared goal · branches: our action plan · fruits: our results")
        sub_top = self.top - 0.3 - title_h - 0.12
        ax.text(0, sub_top, sub, ha="center", va="top", fontsize=13 * k, color="#333333",
                gid="subtitle")
        self.fruit_y = min(11.9, sub_top - 0.3 - _PROGRESS_DROP)

    # ---------------------------------------------------------------- ground, trunk, sign
    def ground_and_trunk(self) -> None:
        ax, k = self.ax, self.k
        cx, cy, a, b = _CROWN
        ax.add_patch(Ellipse((cx, cy), 2 * a, 2 * b, facecolor=_tint(st.BLUISH_GREEN, 0.87),
                             edgecolor="none", zorder=0, gid="crown"))
        ax.add_patch(Polygon([(-10, 0), (-10, _GROUND), (10, _GROUND), (10, 0)],
                             facecolor="#F1EADF", edgecolor="none", zorder=0))
        ax.plot([-10, 10], [_GROUND, _GROUND], color="#8C7355", linewidth=2, zorder=1)
        for end_x, end_y in ((-3.4, 0.95), (-1.6, 0.78), (1.5, 0.8), (3.3, 0.98)):
            ax.plot(*_bezier((end_x * 0.45, _GROUND), (end_x * 0.8, _GROUND - 0.05),
                             (end_x, end_y)).T, color=TRUNK_BROWN, linewidth=5 * k,
                    solid_capstyle="round", zorder=1)
        ys = np.linspace(_GROUND, _TRUNK_TOP, 60)
        left = [(-_trunk_half_width(y), y) for y in ys]
        right = [(_trunk_half_width(y), y) for y in ys[::-1]]
        dome = [(x, _TRUNK_TOP + 0.3 * math.cos(x / 0.95 * math.pi / 2))
                for x in np.linspace(-0.9, 0.9, 9)]
        ax.add_patch(Polygon(left + dome + right, closed=True, facecolor=TRUNK_BROWN,
                             edgecolor="#3E2612", linewidth=1.5, zorder=2, gid="trunk"))

    def sign(self) -> float:
        """The shared goal on a sign nailed to the trunk; returns the sign's top."""
        ax, k, goals, tr = self.ax, self.k, self.goals, self.tr
        one = len(goals) <= 1
        longest = max((len(str(g)) for g in goals["statement"]), default=0)
        if one and longest <= 170:
            chars, size, width = 31, 15.0, _SIGN_W
        elif one and longest <= 330:
            chars, size, width = 38, 13.5, _SIGN_W + 0.8
        else:
            chars, size, width = 46, 12.0, _SIGN_W + 1.5
        if len(goals):
            statement = "\n\n".join(wrap(g, chars, 14 if one else 5)
                                    for g in goals["statement"])
        else:
            statement = wrap(tr.gettext(
                "No shared goal agreed yet: agree on one at meeting 1 (Domain)"), chars)
        details = []
        for g in goals.to_dict("records"):
            unit = f" {g['unit']}" if pd.notna(g.get("unit")) else ""
            line = f"{_num(g.get('baseline'), tr)} → {_num(g.get('target'), tr)}{unit}"
            if pd.notna(g.get("deadline")):
                line += "\n" + tr.gettext("by {date}").format(date=_date(g["deadline"], tr))
            details.append(wrap(line, 34, 3) if "\n" not in line else line)
        detail = "\n".join(details)
        size *= k
        line_h = size * 1.22 / 72 / (self.fig.get_figwidth() / 20)  # points -> data units
        n_lines = statement.count("\n") + 1
        n_detail = detail.count("\n") + 1 if detail else 0
        height = 0.62 + n_lines * line_h + (0.25 + n_detail * line_h * 0.95 if detail else 0) + 0.3
        y0 = _GROUND + 0.45
        y1 = y0 + height
        x0 = -width / 2
        ax.add_patch(FancyBboxPatch((x0, y0), width, height,
                                    boxstyle="round,pad=0.04,rounding_size=0.22",
                                    facecolor=SIGN_CREAM, edgecolor=TRUNK_BROWN, linewidth=2.5,
                                    zorder=3, gid="sign"))
        for sx in (x0 + 0.22, -x0 - 0.22):
            ax.plot([sx], [y1 - 0.2], marker="o", markersize=5 * k, color="#3E2612", zorder=4)
        ax.text(0, y1 - 0.14, tr.gettext("OUR SHARED GOAL"), ha="center", va="top", fontsize=12.5 * k,
                fontweight="bold", color=TRUNK_BROWN, zorder=4)
        ax.text(0, y1 - 0.6, statement, ha="center", va="top", fontsize=size, color=st.BLACK,
                zorder=4, linespacing=1.22, gid="trunk-label")
        if detail:
            ax.text(0, y0 + 0.2, detail, ha="center", va="bottom", fontsize=(size / k - 0.5) * k,
                    fontweight="bold", color=st.BLACK, zorder=4, linespacing=1.15,
                    gid="trunk-detail")
        return y1

    # ---------------------------------------------------------------- branches
    def branches(self, sign_top: float) -> None:
        ax, k, steps = self.ax, self.k, self.steps
        n = len(steps)
        if not n:
            ax.text(0, 8.3, self.tr.gettext("Branches grow at meeting 2 (Community):\nthe "
                                            "steps of the action plan"), ha="center", va="center", fontsize=13 * k, style="italic",
                    color="#333333", zorder=10, gid="no-branches")
        per_side = {"left": (n + 1) // 2, "right": n // 2}
        crowded = max(per_side.values(), default=0)
        # (title size, title lines, detail size, detail lines) by branches per side
        if crowded <= 4:
            fmt = (13.5, 3, 11.0, 3)
        elif crowded <= 5:
            fmt = (12.5, 3, 11.0, 3)
        elif crowded <= 7:
            fmt = (12.0, 2, 10.0, 2)
        elif crowded <= 10:
            fmt = (11.0, 2, 9.5, 1)
        else:
            fmt = (10.0, 1, 9.0, 1)
        title_size, title_lines, detail_size = fmt[0] * k, fmt[1], fmt[2] * k
        self.detail_lines = fmt[3]
        attach_lo = max(sign_top + 0.45, 5.2)
        cx, cy, a, b = _CROWN
        for s in steps.to_dict("records"):
            side = -1.0 if s["side"] == "left" else 1.0
            m = max(per_side[s["side"]], 1)
            f = int(s["level"]) / (m - 1) if m > 1 else 0.5
            attach_y = attach_lo + (_TRUNK_TOP - attach_lo) * f
            tip_y = _TIP_Y[0] + (_TIP_Y[1] - _TIP_Y[0]) * f
            # tips follow the crown's outline, between _TIP_X[0] and _TIP_X[1]
            u = (tip_y - cy) / (b * 1.15)
            tip_x = side * (_TIP_X[0] + (_TIP_X[1] - _TIP_X[0]) * math.sqrt(max(0.0, 1 - u * u)))
            p0 = (side * 0.55 * _trunk_half_width(attach_y), attach_y)
            p1 = (side * abs(tip_x) * 0.5, attach_y + 0.35 * (tip_y - attach_y) + 0.45)
            pts = _bezier(p0, p1, (tip_x, tip_y), 160)
            self.curves[s["action_id"]] = pts
            self.half_width[s["action_id"]] = (_owner_width(s["n_owners"], k) / 72 / 2
                                               / (self.fig.get_figwidth() / 20))
            status = str(s["display_status"])
            ax.add_line(Line2D(pts[:, 0], pts[:, 1], color=st.STATUS_COLORS[status],
                               linewidth=_owner_width(s["n_owners"], k),
                               linestyle=st.STATUS_LINESTYLES[status], solid_capstyle="round",
                               dash_capstyle="butt", zorder=5, gid=f"branch:{s['action_id']}"))
            ax.plot([tip_x], [tip_y], marker=st.STATUS_MARKERS[status], markersize=17 * k,
                    color=st.STATUS_COLORS[status], markeredgecolor=st.BLACK,
                    markeredgewidth=1.2, linestyle="none", zorder=7,
                    gid=f"tip:{s['action_id']}")
            ha = "right" if side < 0 else "left"
            x_text = tip_x + side * 0.42
            ax.text(x_text, tip_y + 0.04, wrap(s.get("title"), 25, title_lines), ha=ha,
                    va="bottom", fontsize=title_size, fontweight="bold", color=st.BLACK,
                    zorder=8, linespacing=1.1, gid=f"branch-label:{s['action_id']}")
            ax.text(x_text, tip_y - 0.04,
                    self._branch_detail(s, status, self.tr, self.detail_lines),
                    ha=ha, va="top",
                    fontsize=detail_size, color="#303030", zorder=8, linespacing=1.15,
                    gid=f"branch-detail:{s['action_id']}")

    @staticmethod
    def _branch_detail(s: Mapping, status: str, tr: Translator, max_lines: int = 3) -> str:
        due = ""
        if status == "overdue":
            info = _status_label("overdue", tr)
            if pd.notna(s.get("days_late")):
                late = int(s["days_late"])
                info += " · " + tr.ngettext("{n} day late", "{n} days late", late).format(n=late)
        elif status == "done":
            info = (tr.gettext("done {date}").format(date=_date(s["done_on"], tr))
                    if pd.notna(s.get("done_on")) else _status_label("done", tr))
        elif status == "dropped":
            info = _status_label("dropped", tr)
        else:
            info = _status_label(status, tr)
            if pd.notna(s.get("due_on")):
                due = " · " + tr.gettext("due {date}").format(date=_date(s["due_on"], tr))
        nobody = tr.gettext("nobody responsible yet")
        people: list[str] = []
        if pd.notna(s.get("owners")) and s.get("owners"):
            people = str(s["owners"]).split(", ")
            if pd.notna(s.get("lead")) and people[0] == s["lead"] and int(s["n_owners"]) > 1:
                people[0] += " ★"
        if s.get("hidden_owners"):
            people.append(tr.gettext("+{n} more").format(n=int(s["hidden_owners"])))
        if max_lines == 1:  # status and the first person only
            if not people:
                return f"{info} · {nobody}"
            more = int(s["n_owners"]) - 1
            return wrap(f"{info} · {people[0]}" + (f" +{more}" if more > 0 else ""), 40, 1)
        who = _wrap_names(people, 34, max_lines - 1) if people else nobody
        return f"{info}{due}\n{who}"

    # ---------------------------------------------------------------- vines
    def vines(self) -> None:
        """A vine for each pair of steps sharing people: it winds along one branch, crosses
        near the trunk and winds along the other, so shared branches look braided."""
        ax, k = self.ax, self.k
        many = len(self.links) > 2 * max(len(self.curves), 1)  # a dense web: lighter strands
        strands: dict[str, int] = {}
        degree = pd.concat([self.links["action_id"], self.links["other_action_id"]]
                           ).value_counts().to_dict() if len(self.links) else {}
        for ln in self.links.to_dict("records"):
            a, b = ln["action_id"], ln["other_action_id"]
            if a not in self.curves or b not in self.curves:
                continue
            ca, cb = self.curves[a], self.curves[b]
            i0, i1 = int(len(ca) * 0.1), int(len(ca) * 0.62)
            seg_a, seg_b = ca[i0:i1][::-1], cb[i0:i1]
            pa, pb = seg_a[-1], seg_b[0]
            ctrl = ((pa[0] + pb[0]) * 0.3, max(pa[1], pb[1]) + 0.35)
            bridge = _bezier(pa, ctrl, pb, 30)[1:-1]
            pts = np.vstack([seg_a, bridge, seg_b])
            d = np.gradient(pts, axis=0)
            norm = np.hypot(d[:, 0], d[:, 1])[:, None]
            perp = np.column_stack([-d[:, 1], d[:, 0]]) / np.where(norm == 0, 1, norm)
            arc = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(pts, axis=0).T))])
            # wind around the branch: amplitude just beyond its half width, a phase per strand
            half = np.interp(arc, [0, arc[len(seg_a) - 1], arc[-len(seg_b)], arc[-1]],
                             [self.half_width[a], self.half_width[a] * 0.6,
                              self.half_width[b] * 0.6, self.half_width[b]])
            n_a, n_b = strands.get(a, 0), strands.get(b, 0)
            strands[a], strands[b] = n_a + 1, n_b + 1
            phase = 2 * np.pi * n_a / max(degree.get(a, 1), 1)
            twist = (half + 0.05) * np.sin(2 * np.pi * arc / 1.1 + phase)
            pts = pts + perp * twist[:, None]
            ax.add_line(Line2D(pts[:, 0], pts[:, 1], color=VINE_COLOR,
                               linewidth=(0.8 if many else 1.2) * k
                               + 0.8 * (int(ln["shared_owners"]) - 1) * k,
                               alpha=0.6 if many else 0.85, zorder=6, solid_capstyle="round",
                               gid=f"vine:{a}|{b}"))

    # ---------------------------------------------------------------- fruits
    def fruits_(self) -> None:
        ax, k, fruits = self.ax, self.k, self.fruits
        progress = fruits[fruits["kind"] == "progress"].to_dict("records")
        lessons = fruits[fruits["kind"] != "progress"].to_dict("records")
        goal_by_id = {g["goal_id"]: g for g in self.goals.to_dict("records")}
        for i, fr in enumerate(progress):
            cx = -1.9 + (i - (len(progress) - 1) / 2) * 6.0
            self._progress_fruit(fr, goal_by_id.get(fr.get("goal_id"), {}), cx, self.fruit_y,
                                 single=len(progress) == 1)
        shown = lessons[:MAX_LESSON_FRUITS]
        compact = len(shown) > 3
        for i, fr in enumerate(shown):
            row, col = divmod(i, 3)
            in_row = min(3, len(shown) - row * 3)
            cx = (col - (in_row - 1) / 2) * (2.3 if compact else 2.55)
            self._lesson_fruit(fr, cx, self.fruit_y - _FRUIT_ROWS[1 if compact else 0][row],
                               compact)
        if len(lessons) > MAX_LESSON_FRUITS:
            more = len(lessons) - MAX_LESSON_FRUITS
            ax.text(0, self.fruit_y - _FRUIT_ROWS[1][1] - 0.85,
                    self.tr.ngettext("+ {n} more lesson in the lesson table",
                                     "+ {n} more lessons in the lesson table", more).format(n=more),
                    ha="center", va="top", fontsize=11 * k,
                    style="italic", zorder=10)
        if not progress and not lessons:
            ax.text(0, 10.9, self.tr.gettext("Fruits grow at meeting 3 (Practice):\nmeasure the "
                                             "goal, write down what you learned"), ha="center", va="center", fontsize=13 * k,
                    style="italic", color="#333333", zorder=10, gid="no-fruits")

    def _progress_fruit(self, fr: Mapping, g: Mapping, cx: float, cy: float,
                        single: bool) -> None:
        ax, k, r, tr = self.ax, self.k, 0.62, self.tr
        p = fr.get("progress")
        ripe = 0.0 if p is None or pd.isna(p) else float(min(max(p, 0.0), 1.0))
        ax.plot([cx, cx + 0.12], [cy + r - 0.05, cy + r + 0.3], color=TRUNK_BROWN,
                linewidth=3 * k, zorder=8, solid_capstyle="round")
        ax.add_patch(Circle((cx, cy), r, facecolor="white", edgecolor=st.BLACK, linewidth=2,
                            zorder=9, gid=f"fruit:{fr['fruit_id']}"))
        if ripe > 0:
            ax.add_patch(Wedge((cx, cy), r, 90 - 360 * ripe, 90, facecolor=PROGRESS_COLOR,
                               edgecolor=st.BLACK, linewidth=1, hatch="..", zorder=10,
                               gid=f"fruit-fill:{fr['fruit_id']}"))
        ax.add_patch(Circle((cx, cy), r, facecolor="none", edgecolor=st.BLACK, linewidth=2,
                            zorder=11))
        ax.text(cx, cy, "?" if p is None or pd.isna(p) else tr.percent(p), ha="center",
                va="center", fontsize=15 * k, fontweight="bold", color=st.BLACK, zorder=12,
                bbox=dict(boxstyle="round,pad=0.12", facecolor="white", edgecolor="none",
                          alpha=0.9))
        unit = f" {g['unit']}" if pd.notna(g.get("unit")) else ""
        track = g.get("on_track")
        as_of = self.cop.get("as_of")
        track_text = ("" if track is None or pd.isna(track) or _deadline_passed(g, as_of)
                      else tr.gettext("on track") if bool(track) else tr.gettext("behind schedule"))
        lines = [_progress_phrase(g, tr, as_of),
                 tr.gettext("now {value} ({date})").format(
                     value=_num(fr.get("latest_value"), tr) + unit,
                     date=_date(fr.get("created_on"), tr)),
                 tr.gettext("baseline {baseline} → target {target}").format(
                     baseline=_num(g.get("baseline"), tr), target=_num(g.get("target"), tr))
                 + (f" · {track_text}" if track_text else "")]
        head = (tr.gettext("Goal progress") if single
                else tr.gettext("Goal progress ({goal})").format(goal=fr.get("goal_id")))
        ax.text(cx + r + 0.25, cy + 0.05, head, ha="left", va="bottom", fontsize=13 * k,
                fontweight="bold", color=st.BLACK, zorder=12,
                gid=f"progress-head:{fr['fruit_id']}")
        ax.text(cx + r + 0.25, cy, "\n".join(wrap(x, 42, 2) for x in lines), ha="left",
                va="top", fontsize=11.5 * k, color=st.BLACK, zorder=12, linespacing=1.15,
                gid=f"progress-label:{fr['fruit_id']}")

    def _lesson_fruit(self, fr: Mapping, cx: float, cy: float, compact: bool = False) -> None:
        ax, k = self.ax, self.k
        kind = str(fr["kind"])
        label = _kind_label(kind, self.tr)
        r = 0.27 if compact else 0.34
        ax.plot([cx, cx + 0.08], [cy + r - 0.04, cy + r + 0.28], color=TRUNK_BROWN,
                linewidth=2.5 * k, zorder=8, solid_capstyle="round")
        ax.add_patch(Circle((cx, cy), r, facecolor=st.LESSON_KIND_COLORS.get(kind, st.GREY),
                            edgecolor=st.BLACK, linewidth=1.5, zorder=9,
                            gid=f"fruit:{fr['fruit_id']}"))
        ax.text(cx, cy, label[0], ha="center", va="center", fontsize=(11 if compact else 13) * k,
                fontweight="bold", color=st.BLACK, zorder=10)
        if compact:
            ax.text(cx, cy - r - 0.06, wrap(f"{label}: {fr.get('title') or ''}", 21, 2),
                    ha="center", va="top", fontsize=10 * k, color=st.BLACK, zorder=10,
                    linespacing=1.05, gid=f"fruit-label:{fr['fruit_id']}",
                    bbox=dict(boxstyle="round,pad=0.12", facecolor="white", edgecolor="none",
                              alpha=0.8))
            return
        ax.text(cx, cy - 0.42, label, ha="center", va="top", fontsize=11.5 * k,
                fontweight="bold", color=st.BLACK, zorder=10, gid=f"fruit-kind:{fr['fruit_id']}")
        ax.text(cx, cy - 0.72, wrap(fr.get("title"), 22, 3), ha="center", va="top",
                fontsize=11 * k, color=st.BLACK, zorder=10, linespacing=1.1,
                gid=f"fruit-label:{fr['fruit_id']}",
                bbox=dict(boxstyle="round,pad=0.15", facecolor="white", edgecolor="none",
                          alpha=0.75))

    # ---------------------------------------------------------------- legends and caption
    def legends(self) -> None:
        ax, k, steps, tr = self.ax, self.k, self.steps, self.tr
        status_handles = [
            Line2D([], [], color=st.STATUS_COLORS[s], linewidth=7 * k,
                   linestyle=st.STATUS_LINESTYLES[s], marker=st.STATUS_MARKERS[s],
                   markersize=13 * k, markeredgecolor=st.BLACK, label=_status_label(s, tr))
            for s in st.STATUSES]
        leg = ax.legend(handles=status_handles, title=tr.gettext("Branches: the steps"), loc="lower left",
                        bbox_to_anchor=(0.004, 0.006), fontsize=11.5 * k,
                        title_fontsize=12 * k, frameon=True, framealpha=0.95,
                        handlelength=3.4, borderpad=0.5, labelspacing=0.45,
                        handletextpad=0.9)
        leg._legend_box.align = "left"
        ax.add_artist(leg)
        counts = sorted({int(c) for c in steps["n_owners"] if int(c) > 0}) or [1]
        if len(counts) > 3:
            counts = [counts[0], counts[len(counts) // 2], counts[-1]]
        other: list = [Line2D([], [], color="#555555", linewidth=_owner_width(c, k),
                              label=tr.ngettext("{n} person responsible",
                                                "{n} people responsible", c).format(n=c))
                       for c in counts]
        if len(self.links):
            other.append(Line2D([], [], color=VINE_COLOR, linewidth=2.2 * k,
                                label=tr.gettext("vine: the steps share people")))
        if (self.fruits["kind"] == "progress").any():
            other.append(Patch(facecolor=PROGRESS_COLOR, hatch="..", edgecolor=st.BLACK,
                               label=tr.gettext("ripe part: progress to the target")))
        if (self.fruits["kind"] != "progress").any():
            other.append(Line2D([], [], marker="o", linestyle="none", markersize=14 * k,
                                markerfacecolor=_tint(st.GREY, 0.5), markeredgecolor=st.BLACK,
                                label=tr.gettext("a lesson (letter and colour: its kind)")))
        thickest = _owner_width(max(counts), k)
        leg2 = ax.legend(handles=other, title=tr.gettext("Thickness, vines and fruits"), loc="lower right",
                         bbox_to_anchor=(0.996, 0.006), fontsize=11.5 * k,
                         title_fontsize=12 * k, frameon=True, framealpha=0.95,
                         handlelength=3.4, borderpad=0.5, labelspacing=0.45,
                         handletextpad=0.9, handleheight=max(0.7, thickest / (11.5 * k)))
        leg2._legend_box.align = "left"

    def caption(self) -> None:
        steps, plan, tr = self.steps, self.plan, self.tr
        n = len(steps)
        lines = []
        if n:
            lines.append(tr.ngettext("{n} step", "{n} steps", n).format(n=n) + ": "
                         + _status_counts(steps, tr))
        if len(plan):
            shared = int((steps["n_owners"] >= 2).sum())
            line = tr.ngettext("{shared} of {n} step shared by two or more people",
                               "{shared} of {n} steps shared by two or more people",
                               n).format(shared=shared, n=n)
            if shared:  # the star's key on a line of its own when both do not fit between
                star = tr.gettext("★ after a name: leads the step")  # the two legends
                line += ("\n" if len(line) + len(star) > 78 else " · ") + star
            lines.append(line)
        text = "\n".join(lines) if lines else tr.gettext("No action plan yet (meeting 2)")
        three = text.count("\n") >= 2  # smaller, so the lines stay below the roots
        self.ax.text(0, 0.45 if three else 0.5, text, ha="center", va="center",
                     fontsize=(11.5 if three else 12.5) * self.k,
                     color="#222222", zorder=4, linespacing=1.3, gid="caption")


MAX_LESSON_FRUITS = 6
"""At most this many lessons are drawn as fruits; the poster names how many more there are."""


# ----------------------------------------------------------------------------- drawing
def _status_count(status: str, n: int, tr: Translator) -> str:
    """``"2 done"`` with the status word agreeing with the number (``"2 feitos"``)."""
    forms = {
        "planned": tr.ngettext("{n} planned", "{n} planned", n),
        "in_progress": tr.ngettext("{n} in progress", "{n} in progress", n),
        "done": tr.ngettext("{n} done", "{n} done", n),
        "dropped": tr.ngettext("{n} dropped", "{n} dropped", n),
        "overdue": tr.ngettext("{n} overdue", "{n} overdue", n),
    }
    return forms[status].format(n=n) if status in forms else f"{n} {status}"


def _status_counts(steps: pd.DataFrame, tr: Translator) -> str:
    """``"2 done, 1 overdue"``: the steps per status, in the statuses' order."""
    counts = {s: int((steps["display_status"] == s).sum()) for s in st.STATUSES}
    return ", ".join(_status_count(s, v, tr) for s, v in counts.items() if v)


def draw_cop_tree(data: Mapping[str, pd.DataFrame], *, paper: str = "A3",
                  language: str | None = None) -> Figure:
    """Draw the CoP tree from the tables of :func:`cop_tree_data`.

    Parameters
    ----------
    data : mapping of str to DataFrame
        What :func:`cop_tree_data` returned (it may be edited, e.g. shorter titles).
    paper : {"A3", "A4"}
        Landscape size of the figure; A4 is the A3 poster scaled down.
    language : {"en", "de", "nl", "pt", "sk"}, optional
        Language of every text on the poster and of its description; default the
        CoP's language (English when the CoP's language has no texts).

    Returns
    -------
    matplotlib.figure.Figure
        A figure not managed by pyplot (it does not pile up in notebooks); save it
        with ``fig.savefig("tree.pdf")`` (PNG, SVG, PDF) or
        :func:`cocope_kit.charts.save` (which embeds the description). Artists
        have gids: ``"trunk"``, ``"trunk-label"`` (the goal statement),
        ``"branch:<action_id>"`` (one Line2D per step), ``"vine:<a>|<b>"``
        (one per row of ``links``), ``"fruit:<fruit_id>"`` (one Circle per
        fruit; at most :data:`MAX_LESSON_FRUITS` lessons).
    """
    if paper not in PAPER_SIZES:
        raise UsageError(f"paper must be one of {', '.join(PAPER_SIZES)}, got {paper!r}")
    missing = [t for t in ("cop", "goal", "steps", "links", "fruits", "plan") if t not in data]
    if missing:
        raise UsageError(f"data lacks the table(s) {', '.join(missing)}; pass what "
                         "cop_tree_data(store, cop_id) returned")
    tree = _Tree(data, paper, language)
    tree.title()
    tree.ground_and_trunk()
    sign_top = tree.sign()
    tree.branches(sign_top)
    tree.vines()
    tree.fruits_()
    tree.legends()
    tree.caption()
    text = _tree_description(tree.cop, tree.goals, tree.steps, tree.links, tree.fruits, tree.tr)
    st.set_description(tree.fig, text)
    return tree.fig


def _tree_description(cop, goals, steps, links, fruits, tr: Translator) -> str:
    where = ", ".join(str(x) for x in (cop.get("school"), cop.get("country")) if pd.notna(x))
    name = cop.get("name", "CoP")
    head = tr.gettext('CoP tree of "{name}"').format(name=name) + (f" ({where})" if where else "")
    if pd.notna(cop.get("as_of")):
        head += " " + tr.gettext("as of {date}").format(
            date=_date(cop['as_of'], tr))
    out = [head + "."]
    if len(goals):
        for g in goals.to_dict("records"):
            unit = f" {g['unit']}" if pd.notna(g.get("unit")) else ""
            s = tr.gettext('Trunk (shared goal): "{statement}", from baseline {baseline} to '
                           "target {target}").format(
                statement=g["statement"], baseline=_num(g.get("baseline"), tr),
                target=_num(g.get("target"), tr) + unit)
            if pd.notna(g.get("deadline")):
                s += " " + tr.gettext("by {date}").format(
                    date=_date(g['deadline'], tr))
            s += "."
            if pd.notna(g.get("latest_value")):
                s += " " + tr.gettext("Latest value {value} on {date}: {phrase}").format(
                    value=_num(g["latest_value"], tr) + unit,
                    date=_date(g['latest_on'], tr),
                    phrase=_progress_phrase(g, tr, cop.get("as_of")))
                if pd.notna(g.get("on_track")) and not _deadline_passed(g, cop.get("as_of")):
                    s += ", " + (tr.gettext("on track") if bool(g["on_track"])
                                 else tr.gettext("behind schedule"))
                s += "."
            else:
                s += " " + tr.gettext("No measurement yet.")
            out.append(s)
    else:
        out.append(tr.gettext("No shared goal yet."))
    n = len(steps)
    if n:
        out.append(tr.ngettext("{n} branch (steps of the action plan)",
                               "{n} branches (steps of the action plan)", n).format(n=n)
                   + ": " + _status_counts(steps, tr) + ".")
        shared = int((steps["n_owners"] >= 2).sum())
        out.append(tr.ngettext("{shared} of {n} step has two or more people responsible "
                               "(thicker branches)",
                               "{shared} of {n} steps have two or more people responsible "
                               "(thicker branches)", n).format(shared=shared, n=n)
                   + "; " + tr.ngettext("{n} pair of steps shares people (joined by vines).",
                                        "{n} pairs of steps share people (joined by vines).",
                                        len(links)).format(n=len(links)))
        late = steps.loc[steps["display_status"] == "overdue", "title"].astype(str).tolist()
        if late:
            out.append(tr.gettext("Overdue: {steps}.").format(steps="; ".join(late)))
    else:
        out.append(tr.gettext("No action plan yet."))
    lessons = fruits[fruits["kind"] != "progress"]
    n_prog = int((fruits["kind"] == "progress").sum())
    if len(fruits):
        parts = [f"{_kind_label(str(k), tr)}: {t}"
                 for k, t in zip(lessons["kind"], lessons["title"], strict=True)]
        text = tr.gettext("Fruits: {lessons}").format(lessons=tr.ngettext(
            "{n} lesson", "{n} lessons", len(lessons)).format(n=len(lessons)))
        if parts:
            text += f" ({'; '.join(parts)})"
        if n_prog:
            text += " " + tr.ngettext("and {n} progress fruit", "and {n} progress fruits",
                                      n_prog).format(n=n_prog)
        out.append(text + ".")
        if len(lessons) > MAX_LESSON_FRUITS:
            out.append(tr.gettext("The poster shows the first {n} lessons.").format(
                n=MAX_LESSON_FRUITS))
    else:
        out.append(tr.gettext("No fruits yet."))
    return " ".join(out)


def cop_tree(store: object, cop_id: str, *, as_of: object = None, paper: str = "A3",
             language: str | None = None) -> Figure:
    """Draw the CoP tree of one CoP: the group's poster.

    Trunk = the shared goal (statement, baseline → target, deadline); branches =
    the steps of the action plan, coloured by status (also told by line style and
    the marker at the tip, for grey prints), thicker with more people
    responsible, joined by a vine when they share people; fruits = the goal's
    progress (a fruit that ripens from baseline to target) and the lessons of
    meeting 3. Owners appear by pseudonym only.

    Parameters
    ----------
    store : Store
        An open store (only ``store.read(table)`` is used).
    cop_id : str
        The CoP.
    as_of : date-like, optional
        The day the tree shows (default today); see :func:`cop_tree_data`.
    paper : {"A3", "A4"}
        Landscape size of the figure.
    language : {"en", "de", "nl", "pt", "sk"}, optional
        Language of the poster; default the CoP's language.

    Returns
    -------
    matplotlib.figure.Figure
        Not managed by pyplot; ``fig.savefig("tree.png", dpi=150)`` (or .svg,
        .pdf). :func:`cocope_kit.charts.describe` gives its alt text.
    """
    return draw_cop_tree(cop_tree_data(store, cop_id, as_of=as_of), paper=paper,
                         language=language)
