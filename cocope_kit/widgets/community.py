"""The form of meeting 2 (Community): the action plan, the branches of the CoP tree.

:class:`ActionPlanEditor` lists the steps of a CoP's plan; a step is added,
edited or removed with its owners (responsibility may be shared; one owner
leads) and the steps it depends on, in ONE transaction. Before anything is
written the plan *as it would be* is checked with
:func:`cocope_kit.analysis.plan.validate_plan`: an end date before the start
date, or a dependency that closes a circle, shows a message and stores
nothing. Problems of the stored plan (no owner, a member with too much at
once, dates out of order, ...) are listed live, and the Gantt chart
(:func:`cocope_kit.charts.plan.gantt`) is redrawn after every change.

The logic without widgets lives in small functions (:func:`plan_tables`,
:func:`plan_with_step`, :func:`readable_problems`) that tests and notebooks
can call on their own.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import re
from collections.abc import Iterable, Mapping, Sequence

import ipywidgets as W
import pandas as pd

from ..analysis.plan import PLAN_PROBLEMS, validate_plan
from ..errors import CocopeError, Problem, ValidationError
from ..model import ActionStatus, values
from ._base import Form, safe_handler
from .setup import (
    _cop_row,
    _date,
    _day,
    _esc,
    _fill,
    _heading,
    _member_label,
    _new_id,
    _row,
    _style,
    _text,
)

__all__ = [
    "ActionPlanEditor",
    "PROBLEM_LABELS",
    "STATUS_LABELS",
    "plan_tables",
    "plan_with_step",
    "readable_problems",
]

STATUS_LABELS: dict[str, str] = {
    "planned": "planned",
    "in_progress": "in progress",
    "done": "done",
    "dropped": "dropped",
}

PROBLEM_LABELS: dict[str, str] = {
    "cycle": "Steps wait for each other in a circle",
    "unknown_step": "A step that is not in the plan",
    "starts_before_dependency_ends": "Starts before a step it depends on is due",
    "no_owner": "Nobody is responsible",
    "overloaded_member": "Too much at the same time for one person",
    "due_after_goal_deadline": "Due after the goal's deadline",
    "dates_out_of_order": "Dates out of order",
    "missing_dates": "Dates missing",
}
"""Headings for the kinds of problem of :data:`cocope_kit.analysis.plan.PLAN_PROBLEMS`."""

_NEW = "__new__"


# ----------------------------------------------------------------------------- pure logic
def plan_tables(store, cop_id: str) -> dict[str, pd.DataFrame]:
    """The stored plan of one CoP: ``actions, owners, dependencies, members, goals``.

    ``owners`` and ``dependencies`` are the rows of the CoP's steps only.
    """
    actions = store.read("action", where={"cop_id": cop_id})
    ids = list(actions["action_id"])
    return {
        "actions": actions,
        "owners": store.read("action_owner", where={"action_id": ids}),
        "dependencies": store.read("action_dependency", where={"action_id": ids}),
        "members": store.read("member", where={"cop_id": cop_id}),
        "goals": store.read("goal", where={"cop_id": cop_id}),
    }


def plan_with_step(
    tables: Mapping[str, pd.DataFrame],
    step: Mapping,
    owners: Sequence[str] = (),
    lead: str | None = None,
    depends_on: Iterable[str] = (),
) -> dict[str, pd.DataFrame]:
    """The plan as it would be with ``step`` added or replaced (nothing is written).

    Parameters
    ----------
    tables : mapping
        ``actions``, ``owners`` and ``dependencies`` as :func:`plan_tables` returns them.
    step : mapping
        A row of the ``action`` table; its ``action_id`` replaces a step of
        the same id, or is added.
    owners : sequence of str
        Member ids responsible for the step.
    lead : str, optional
        The owner who leads (must be one of ``owners``).
    depends_on : iterable of str
        Ids of the steps that must be done before this one starts.

    Returns
    -------
    dict
        ``actions``, ``owners``, ``dependencies`` (the rows of the other steps
        unchanged), ready for :func:`cocope_kit.analysis.plan.validate_plan`.
    """
    aid = step["action_id"]
    act = tables["actions"]
    act = pd.concat([act[act["action_id"] != aid].astype(object),
                     pd.DataFrame([dict(step)], dtype=object)], ignore_index=True)
    own = tables["owners"]
    own = pd.concat([own[own["action_id"] != aid].astype(object),
                     pd.DataFrame({"action_id": [aid] * len(owners), "member_id": list(owners),
                                   "lead": [m == lead for m in owners]}, dtype=object)],
                    ignore_index=True)
    deps = list(depends_on)
    dep = tables["dependencies"]
    dep = pd.concat([dep[dep["action_id"] != aid].astype(object),
                     pd.DataFrame({"action_id": [aid] * len(deps), "depends_on_id": deps},
                                  dtype=object)], ignore_index=True)
    return {"actions": act, "owners": own, "dependencies": dep}


def _step_label(step: object, owners: Sequence[str], *, title_chars: int = 42) -> str:
    """One line of the step list: short title, dates, status, lead (+ how many share it).

    The list cannot wrap or scroll sideways, so long titles are cut with "…";
    the whole step shows in the editor when it is picked.

    Examples
    --------
    >>> import pandas as pd
    >>> step = pd.Series({"title": "Teaching assistant supports group work in every lesson",
    ...                   "start_on": pd.Timestamp("2026-02-23"), "due_on": None,
    ...                   "status": "in_progress"})
    >>> _step_label(step, ["Teaching assistant A", "Teacher B"])
    'Teaching assistant supports group work in…  ·  2026-02-23 → ?  ·  in progress  ·  Teaching assistant A +1'
    """
    title = str(step.title)
    if len(title) > title_chars:
        title = title[: title_chars - 1].rstrip() + "…"
    when = f"{_day(step.start_on) or '?'} → {_day(step.due_on) or '?'}"
    who = f"{owners[0]}{f' +{len(owners) - 1}' if len(owners) > 1 else ''}" if owners \
        else "nobody yet"
    return f"{title}  ·  {when}  ·  {STATUS_LABELS.get(step.status, step.status)}  ·  {who}"


def _label_re(labels: Mapping[str, str]) -> re.Pattern | None:
    ids = sorted((k for k in labels if k), key=len, reverse=True)
    if not ids:
        return None
    alt = "|".join(re.escape(i) for i in ids)
    return re.compile(rf"'({alt})'|(?<![\w:-])({alt})(?![\w:-])")


def readable_problems(problems: pd.DataFrame, labels: Mapping[str, str]) -> pd.DataFrame:
    """Problems of :func:`~cocope_kit.analysis.plan.validate_plan` with ids replaced by labels.

    Parameters
    ----------
    problems : pandas.DataFrame
        Columns ``problem, action_id, message``.
    labels : mapping
        Step ids to titles and member ids to pseudonyms.

    Returns
    -------
    pandas.DataFrame
        Columns ``problem, message``: one row per distinct message (the rows
        of one cycle say the same), in the order of the input.
    """
    pattern = _label_re(labels)

    def swap(msg: str) -> str:
        if pattern is None:
            return msg
        return pattern.sub(lambda m: f"“{labels[m.group(1) or m.group(2)]}”", msg)

    out = pd.DataFrame({"problem": problems["problem"].astype(str).to_numpy(),
                        "message": [swap(str(m)) for m in problems["message"]]})
    return out.drop_duplicates().reset_index(drop=True)


def _cycles_through(problems: pd.DataFrame, action_id: str) -> pd.DataFrame:
    """Cycle rows whose circle passes through ``action_id``."""
    cyc = problems[problems["problem"] == "cycle"]
    hit = set(cyc.loc[cyc["action_id"] == action_id, "message"])
    return cyc[cyc["message"].isin(hit)]


def _problems_html(rows: pd.DataFrame, empty: str) -> str:
    if rows.empty:
        return (f"<p style='color:#1b5e20;font-size:17px;margin:4px 0'><b>✓</b> "
                f"{html.escape(empty)}</p>")
    order = {k: i for i, k in enumerate(PLAN_PROBLEMS)}
    parts = []
    for kind in sorted(set(rows["problem"]), key=lambda k: order.get(k, len(order))):
        items = "".join(f"<li>{html.escape(m)}</li>"
                        for m in rows.loc[rows["problem"] == kind, "message"])
        parts.append(f"<div style='margin:4px 0'><b style='color:#8b0000'>! "
                     f"{html.escape(PROBLEM_LABELS.get(kind, kind))}</b>"
                     f"<ul style='margin:2px 0 2px 22px;font-size:16px'>{items}</ul></div>")
    return "".join(parts)


# ----------------------------------------------------------------------------- the editor
class ActionPlanEditor(Form):
    """The action plan of a CoP: steps, shared owners, timeframes, dependencies, status.

    Parameters
    ----------
    store : Store
    cop_id : str
    max_concurrent : int, default 3
        Most steps one member should own at the same time (passed to
        :func:`~cocope_kit.analysis.plan.validate_plan`).
    as_of : date-like, optional
        The day the Gantt chart marks as today (default: today).

    Notes
    -----
    *Lead rule*: a step with owners has exactly one lead, chosen in the
    *Lead* list; it starts as the first chosen owner (in list order) and
    stays the same while that person remains an owner.

    A save is one transaction over ``action``, ``action_owner`` and
    ``action_dependency`` (removed owners and dependencies are deleted with
    an audit entry). Nothing is written when the end date is before the
    start date, or when a dependency would close a circle (the message names
    the circle, e.g. “A” → “B” → “A”). Other problems, such as a step without
    an owner, do not block saving: they are listed under the plan so the
    group can see and fix them. Removing a step asks for a second click and
    removes its owners and dependencies with it.
    """

    def __init__(self, store, cop_id: str, *, max_concurrent: int = 3, as_of=None):
        self._cop_id = cop_id
        cop = _cop_row(store, cop_id)
        self._max = max_concurrent
        self._as_of = as_of
        self._loading = False
        self._confirm_remove: str | None = None
        self._t: dict[str, pd.DataFrame] = {}
        self._stored_probs: pd.DataFrame | None = None  # validate_plan of the stored plan
        self.problems = pd.DataFrame(columns=["problem", "message"])
        # min_width 0: a native list is as wide as its longest option unless allowed to shrink
        self._steps = W.Select(rows=8, layout=W.Layout(flex="1 1 auto", width="auto",
                                                       min_width="0"))
        self._title_in = W.Text(placeholder="what will be done, e.g. 'Co-teach two maths "
                                            "lessons a week'", continuous_update=False,
                                layout=_fill())
        self._desc = W.Textarea(rows=2, placeholder="optional: how, where, with whom",
                                layout=_fill())
        self._start = W.DatePicker(value=None)
        self._due = W.DatePicker(value=None)
        self._state = W.ToggleButtons(options=[(STATUS_LABELS[s], s) for s in values(ActionStatus)],
                                      value="planned", style={"button_width": "8.5em"})
        self._done_on = W.DatePicker(value=None)
        self._done_row = _row("Done on", self._done_on)
        self._owners = W.SelectMultiple(rows=6, layout=W.Layout(width="22em"))
        self._lead = W.Dropdown(layout=W.Layout(width="22em"))
        self._deps = W.SelectMultiple(rows=6, layout=W.Layout(width="min(100%, 34em)"))
        self._save = W.Button(description="Add step", button_style="primary", icon="plus",
                              layout=W.Layout(width="12em", height="44px"))
        self._remove = W.Button(description="Remove step", button_style="", icon="trash",
                                layout=W.Layout(width="14em", height="44px"))
        self._save.on_click(self._on_save)
        self._remove.on_click(self._on_remove)
        self._draft = W.HTML()
        self._problems = W.HTML()
        self._gantt = W.Output(layout=W.Layout(width="100%"))
        self._gantt_text = W.HTML()
        self.gantt_description = ""
        editor = W.VBox([
            _row("Step", self._title_in), _row("Description", self._desc),
            W.HBox([_row("Starts on", self._start), _row("Due on", self._due, width="5em")],
                   layout=W.Layout(flex_flow="row wrap")),
            _row("Status", self._state), self._done_row,
            W.HBox([_row("Responsible", self._owners),
                    W.HTML("<p style='margin:0 0 0 8px;color:#333;max-width:16em'>Hold Ctrl "
                           "(⌘ on a Mac) to choose several people: responsibility can be "
                           "shared.</p>")], layout=W.Layout(align_items="center")),
            _row("Lead", self._lead),
            _row("Waits for", self._deps),
            self._draft,
            W.HBox([self._save, self._remove]),
        ])
        super().__init__(store, f"Our action plan · {cop['name']}", [])
        # the status line sits under the buttons, above the problems and the timeline
        self.children = [
            self._title, _style(), self._goal_line(), _row("Steps", self._steps),
            _heading("Add or edit a step"), editor, self._status,
            _heading("What to look at in the plan"), self._problems,
            _heading("Timeline"), self._gantt, self._gantt_text,
        ]
        self.add_class("cocope-meeting")
        self._steps.observe(self._on_step, "value")
        self._owners.observe(self._on_owners, "value")
        self._state.observe(self._on_state, "value")
        for w in (self._title_in, self._start, self._due, self._state, self._done_on,
                  self._owners, self._lead, self._deps):
            w.observe(self._on_draft, "value")
        self._refresh(None)

    # -- reading --------------------------------------------------------------------------
    def _tables(self) -> dict[str, pd.DataFrame]:
        return plan_tables(self._store, self._cop_id)

    def _goal_line(self) -> W.HTML:
        goals = self._store.read("goal", where={"cop_id": self._cop_id})
        if goals.empty:
            return W.HTML("<p style='margin:2px 0'><i>No shared goal yet: agree on it in meeting "
                          "1 (GoalBuilder) before planning.</i></p>")
        g = goals.iloc[0]
        dl = _day(g["deadline"])
        return W.HTML(f"<p style='margin:2px 0 6px 0;max-width:60em'><b>Our goal:</b> "
                      f"{_esc(g['statement'])}{' (deadline ' + dl + ')' if dl else ''}</p>")

    def _labels(self, t: Mapping[str, pd.DataFrame]) -> dict[str, str]:
        labels = dict(zip(t["actions"]["action_id"], t["actions"]["title"], strict=True))
        labels.update(zip(t["members"]["member_id"], t["members"]["pseudonym"], strict=True))
        return labels

    @property
    def action_id(self) -> str | None:
        """The step being edited (None for a new step)."""
        v = self._steps.value
        return None if v in (None, _NEW) else v

    def select(self, action_id: str | None) -> None:
        """Open a step in the editor (None: a new step)."""
        self._steps.value = action_id or _NEW

    # -- refresh --------------------------------------------------------------------------
    def _refresh(self, select: str | None) -> None:
        t = self._t = self._tables()
        act = t["actions"].sort_values(["start_on", "due_on", "action_id"], kind="stable",
                                       na_position="last")
        pseud = t["members"].set_index("member_id")["pseudonym"]
        own = t["owners"]
        opts = [("+ a new step", _NEW)]
        for r in act.itertuples():
            o = own[own["action_id"] == r.action_id]
            o = o.assign(_l=~o["lead"].fillna(False).astype(bool)).sort_values("_l")
            opts.append((_step_label(r, [str(pseud.get(m, m)) for m in o["member_id"]]),
                         r.action_id))
        members = t["members"]
        members = members[members["left_on"].isna()
                          | members["member_id"].isin(set(own["member_id"]))]
        self._loading = True
        try:
            self._steps.options = opts
            self._steps.rows = min(max(len(opts), 3), 12)
            self._owners.options = [(_member_label(r), r.member_id) for r in members.itertuples()]
            self._owners.rows = min(max(len(members), 3), 10)
            self._steps.value = select if select in {v for _, v in opts} else _NEW
        finally:
            self._loading = False
        self._show_problems(t)
        self._on_step()
        self._draw_gantt(t)

    def _on_step(self, _change=None) -> None:
        if self._loading:
            return
        self._confirm_remove = None
        self._remove.description = "Remove step"
        self._remove.button_style = ""
        aid = self.action_id
        t = self._t
        others = t["actions"][t["actions"]["action_id"] != aid]
        self._loading = True
        try:
            self._deps.options = [(str(r.title), r.action_id) for r in others.itertuples()]
            self._deps.rows = min(max(len(others), 3), 10)
            if aid is None:
                self._title_in.value = ""
                self._desc.value = ""
                self._start.value = None
                self._due.value = None
                self._state.value = "planned"
                self._done_on.value = None
                self._owners.value = ()
                self._deps.value = ()
                self._save.description = "Add step"
                self._save.icon = "plus"
                self._remove.disabled = True
                lead = None
            else:
                r = t["actions"][t["actions"]["action_id"] == aid].iloc[0]
                o = t["owners"][t["owners"]["action_id"] == aid]
                d = t["dependencies"][t["dependencies"]["action_id"] == aid]
                self._title_in.value = str(r["title"])
                self._desc.value = _text(r["description"]) or ""
                self._start.value = _date(r["start_on"])
                self._due.value = _date(r["due_on"])
                self._state.value = r["status"] if r["status"] in STATUS_LABELS else "planned"
                self._done_on.value = _date(r["done_on"])
                valid = {v for _, v in self._owners.options}
                self._owners.value = tuple(m for m in o["member_id"] if m in valid)
                self._deps.value = tuple(x for x in d["depends_on_id"]
                                         if x in set(others["action_id"]))
                leads = o.loc[o["lead"].fillna(False).astype(bool), "member_id"]
                lead = leads.iloc[0] if len(leads) else None
                self._save.description = "Save step"
                self._save.icon = "check"
                self._remove.disabled = False
            self._fill_lead(lead)
        finally:
            self._loading = False
        self._on_state()
        self._on_draft()

    def _fill_lead(self, keep: str | None) -> None:
        labels = dict((v, k) for k, v in self._owners.options)
        picked = set(self._owners.value)
        chosen = [m for m in labels if m in picked]  # in list order, as a browser sends them
        self._lead.options = [(labels[m], m) for m in chosen]
        self._lead.value = keep if keep in chosen else (chosen[0] if chosen else None)
        self._lead.disabled = len(chosen) < 2

    def _on_owners(self, _change=None) -> None:
        if self._loading:
            return
        self._loading = True
        try:
            self._fill_lead(self._lead.value)
        finally:
            self._loading = False

    def _on_state(self, _change=None) -> None:
        done = self._state.value == "done"
        self._done_row.layout.display = None if done else "none"
        if not self._loading and done and self._done_on.value is None:
            self._done_on.value = dt.date.today()

    # -- the step as it is in the form ----------------------------------------------------
    def _draft_row(self, aid: str, t: Mapping[str, pd.DataFrame]) -> dict:
        goals = t["goals"]
        cur = t["actions"][t["actions"]["action_id"] == aid]
        goal_id = (cur["goal_id"].iloc[0] if len(cur) and _text(cur["goal_id"].iloc[0])
                   else (goals["goal_id"].iloc[0] if len(goals) else None))
        status = self._state.value
        return {"action_id": aid, "cop_id": self._cop_id, "goal_id": goal_id,
                "title": _text(self._title_in.value), "description": _text(self._desc.value),
                "start_on": self._start.value, "due_on": self._due.value, "status": status,
                "done_on": self._done_on.value if status == "done" else None}

    def _check(self, t, row) -> tuple[pd.DataFrame, dict]:
        plan = plan_with_step(t, row, list(self._owners.value), self._lead.value,
                              list(self._deps.value))
        probs = validate_plan(plan["actions"], plan["owners"], plan["dependencies"],
                              goal_deadline=t["goals"] if len(t["goals"]) else None,
                              max_concurrent=self._max)
        return probs, plan

    def _on_draft(self, change=None) -> None:
        """Check the step as it stands in the form (``change`` None: just loaded from the store)."""
        if self._loading:
            return
        if self.action_id is None and not _text(self._title_in.value):
            self._draft.value = ""
            return
        aid = self.action_id or "__draft__"
        t = self._t
        row = self._draft_row(aid, t)
        if change is None and self.action_id is not None and self._stored_probs is not None:
            probs = self._stored_probs  # the form shows the stored step: no need to check again
        else:
            try:
                probs, _ = self._check(t, row)
            except CocopeError as e:  # pragma: no cover - the form only offers valid values
                self._draft.value = f"<p>{html.escape(str(e))}</p>"
                return
        labels = self._labels(t)
        labels[aid] = row["title"] or "this step"
        mine = probs[(probs["action_id"] == aid) | probs["message"].isin(
            _cycles_through(probs, aid)["message"])]
        over = probs[(probs["problem"] == "overloaded_member")
                     & probs["message"].str.contains(aid, regex=False)]
        mine = pd.concat([mine, over])
        self._draft.value = ("<div style='margin:6px 0'><b>This step as it stands:</b>"
                             + _problems_html(readable_problems(mine, labels),
                                              "no problems with this step") + "</div>")

    # -- saving ---------------------------------------------------------------------------
    @safe_handler
    def _on_save(self, _button=None) -> None:
        new = self.action_id is None
        aid = _new_id(self._cop_id, "action") if new else self.action_id
        t = self._tables()
        row = self._draft_row(aid, t)
        if row["start_on"] and row["due_on"] and row["due_on"] < row["start_on"]:
            raise ValidationError([Problem(
                "action", None, "due_on", _day(row["due_on"]),
                f"the end date is before the start date ({_day(row['start_on'])}); "
                "nothing was saved")])
        probs, _ = self._check(t, row)
        cyc = _cycles_through(probs, aid)
        if len(cyc):
            labels = self._labels(t)
            labels[aid] = row["title"] or "this step"
            paths = readable_problems(cyc, labels)["message"].tolist()
            raise ValidationError([Problem("action_dependency", None, "waits for", None,
                                           p + "; nothing was saved") for p in paths])
        owners = list(self._owners.value)
        lead = self._lead.value if self._lead.value in owners else (owners[0] if owners else None)
        own_rows = [{"action_id": aid, "member_id": m, "lead": m == lead} for m in owners]
        dep_rows = [{"action_id": aid, "depends_on_id": d} for d in self._deps.value]
        if new:
            self._store.write({"action": [row], "action_owner": own_rows,
                               "action_dependency": dep_rows})
        else:
            self._replace(aid, row, own_rows, dep_rows)
        self._refresh(aid)
        n = len(probs[probs["problem"] != "cycle"])
        tail = (" The plan has things to look at below." if n else "")
        self._status.show("ok", f"{'Added' if new else 'Saved'} “{row['title']}”.{tail}")

    def _replace(self, aid: str, row: dict, own_rows: list[dict], dep_rows: list[dict]) -> None:
        """Update a step with its owners and dependencies in one transaction."""
        s = self._store
        why = "changed in the action plan editor"
        with s.transaction():
            s.update("action", row)
            cur_own = s.read("action_owner", where={"action_id": aid})
            have = {m: bool(lead) if pd.notna(lead) else False
                    for m, lead in zip(cur_own["member_id"], cur_own["lead"], strict=True)}
            want = {r["member_id"]: r["lead"] for r in own_rows}
            for m in have.keys() - want.keys():
                s.delete("action_owner", (aid, m), reason=why)
            changed = [r for r in own_rows if r["member_id"] in have
                       and have[r["member_id"]] != r["lead"]]
            if changed:
                s.update("action_owner", changed)
            added = [r for r in own_rows if r["member_id"] not in have]
            if added:
                s.insert("action_owner", added)
            cur_dep = set(s.read("action_dependency", where={"action_id": aid})["depends_on_id"])
            want_dep = {r["depends_on_id"] for r in dep_rows}
            for d in cur_dep - want_dep:
                s.delete("action_dependency", (aid, d), reason=why)
            added_dep = [r for r in dep_rows if r["depends_on_id"] not in cur_dep]
            if added_dep:
                s.insert("action_dependency", added_dep)

    @safe_handler
    def _on_remove(self, _button=None) -> None:
        aid = self.action_id
        if aid is None:
            return
        title = str(self._store.read("action", where={"action_id": aid})["title"].iloc[0])
        if self._confirm_remove != aid:
            self._confirm_remove = aid
            self._remove.description = "Yes, remove it"
            self._remove.button_style = "danger"
            self._status.show("info", f"Remove “{title}” with its owners and dependencies? "
                                      "Click “Yes, remove it” to confirm.")
            return
        self._store.delete("action", aid, cascade=True, reason="removed in the action plan editor")
        self._confirm_remove = None
        self._refresh(None)
        self._status.show("ok", f"Removed “{title}”.")

    # -- problems and chart ---------------------------------------------------------------
    def _show_problems(self, t) -> None:
        self._stored_probs = None
        if t["actions"].empty:  # validate_plan fails on an empty plan (pandas 3); nothing to check
            self.problems = pd.DataFrame(columns=["problem", "message"])
            self._problems.value = _problems_html(self.problems, "no steps yet")
            return
        try:
            probs = validate_plan(t["actions"], t["owners"], t["dependencies"],
                                  goal_deadline=t["goals"] if len(t["goals"]) else None,
                                  max_concurrent=self._max)
        except CocopeError as e:
            self._problems.value = f"<p>{html.escape(str(e))}</p>"
            self.problems = pd.DataFrame(columns=["problem", "message"])
            return
        self._stored_probs = probs
        self.problems = readable_problems(probs, self._labels(t))
        empty = ("no steps yet" if t["actions"].empty
                 else "no problems: every step has an owner, dates in order, nobody overloaded")
        self._problems.value = _problems_html(self.problems, empty)

    def _draw_gantt(self, t) -> None:
        """Redraw the Gantt chart into the Output widget; the figure is closed at once."""
        if t["actions"].empty:
            self._gantt.outputs = ()
            self._gantt_text.value = "<p><i>The timeline appears once the plan has steps.</i></p>"
            self.gantt_description = ""
            return
        import matplotlib.pyplot as plt

        from ..charts import describe
        from ..charts.plan import gantt, gantt_data

        as_of = self._as_of if self._as_of is not None else dt.date.today()
        goals = t["goals"]
        deadline = goals["deadline"].iloc[0] if len(goals) and pd.notna(
            goals["deadline"].iloc[0]) else None
        try:
            table = gantt_data(t["actions"], dependencies=t["dependencies"], owners=t["owners"],
                               members=t["members"], as_of=as_of)
            ax = gantt(table, today=as_of, deadline=deadline, dependencies=t["dependencies"])
        except CocopeError:  # e.g. no step has a start date yet: draw the dates as given
            ax = gantt(t["actions"], start="start_on", end="due_on", today=as_of,
                       deadline=deadline)
        fig = ax.figure
        try:
            text = describe(ax)
            buf = io.BytesIO()
            fig.savefig(buf, format="png", dpi=90)
        finally:
            plt.close(fig)
        self.gantt_description = text
        self._gantt.outputs = ({
            "output_type": "display_data",
            "data": {"image/png": base64.b64encode(buf.getvalue()).decode("ascii"),
                     "text/plain": text},
            "metadata": {},
        },)
        self._gantt_text.value = (f"<details><summary>The timeline in words</summary>"
                                  f"<p style='max-width:60em'>{html.escape(text)}</p></details>")
