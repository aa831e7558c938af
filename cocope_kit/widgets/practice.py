"""Forms of meeting 3 (Practice): reflections, lessons, value stories, goal measurements, step status.

Each form is stored the moment it is submitted (one transaction; the store
validates it against the schema, so bad input shows a message and stores
nothing). A new instance of a form on the same store shows what was saved.
New ids look like ``<cop_id>:<kind>-<8 hex digits>``.
"""

from __future__ import annotations

import datetime as dt
import html
import uuid

import ipywidgets as W
import pandas as pd

from ..errors import Problem, StoreError, UsageError, ValidationError
from ..instruments import load_instrument
from ..model import ActionStatus, Phase, values
from ._base import Form, field_label, safe_handler

__all__ = [
    "ActionStatusUpdate",
    "GoalMeasurementEntry",
    "LessonLog",
    "ReflectionJournal",
    "ValueStoryForm",
    "LESSON_KINDS",
    "VALUE_CYCLES",
]

LESSON_KINDS = {
    "success": "Success: something that worked",
    "challenge": "Challenge: something that was hard",
    "unexpected_benefit": "Unexpected benefit: a good effect nobody planned",
    "side_effect": "Side effect: an effect we did not intend",
    "insight": "Insight: something we understand better now",
    "resource": "Resource: material, tool or link worth sharing",
}
"""Kinds of lesson with the words the form shows."""

VALUE_CYCLES = {
    "immediate": ("Immediate value",
                  "What the meetings gave us right away: a good conversation, help from a "
                  "colleague, feeling less alone with a problem."),
    "potential": ("Potential value",
                  "What we now have in hand but have not used yet: ideas, materials, contacts, "
                  "confidence, trust in each other."),
    "applied": ("Applied value",
                "What we actually do differently in class, in the school or at home because "
                "of the CoP."),
    "realized": ("Realized value",
                 "What changed as a result for students, families or staff, ideally something "
                 "we can point to or measure."),
    "reframing": ("Reframing value",
                  "How our idea of success, of inclusion or of our own roles has shifted; what "
                  "we now count as important."),
}
"""The five kinds of value in a value-creation story: (heading, one-line explanation)."""

_PHASE_LABEL = {
    "domain": "Domain (meeting 1)",
    "community": "Community (meeting 2)",
    "practice": "Practice (meeting 3)",
    "other": "other meeting",
}
_STATUS_LABEL = {
    "planned": "planned",
    "in_progress": "in progress",
    "done": "done",
    "dropped": "dropped",
}
_WIDE = W.Layout(width="min(100%, 46em)")


def _new_id(prefix: str, kind: str) -> str:
    return f"{prefix}:{kind}-{uuid.uuid4().hex[:8]}"


def _text(value) -> str | None:
    """Stripped text, or None when blank or missing (None, NaN, NA)."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    s = str(value).strip()
    return s or None


def _esc(value) -> str:
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return ""
    return html.escape(str(value))


def _day(value) -> str:
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return ""
    try:
        return pd.Timestamp(value).strftime("%Y-%m-%d")
    except (ValueError, TypeError):
        return str(value)


def _num(value) -> str:
    if value is None or pd.isna(value):
        return ""
    f = float(value)
    return f"{f:g}"


def _button(description: str) -> W.Button:
    """A primary button as wide as its text."""
    return W.Button(description=description, button_style="primary", icon="check",
                    layout=W.Layout(width="fit-content", min_width="11em", margin="8px 0 4px 0"))


def _table(headers: list[str], rows: list[list[str]], empty: str, nowrap=(0,)) -> str:
    """An HTML table; cells are escaped by the caller; columns in ``nowrap`` do not wrap."""
    if not rows:
        return f"<p style='color:#555;margin:4px 0'><i>{html.escape(empty)}</i></p>"
    th = "".join(f"<th style='text-align:left;padding:3px 8px;border-bottom:1px solid #999'>"
                 f"{html.escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td style='padding:3px 8px;vertical-align:top;"
                         f"{'white-space:nowrap;' if i in nowrap else ''}"
                         f"border-bottom:1px solid #ddd'>{c}</td>" for i, c in enumerate(r))
        + "</tr>"
        for r in rows
    )
    return (f"<table style='border-collapse:collapse;margin:4px 0;max-width:60em'>"
            f"<thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>")


def _cop_name(store, cop_id: str) -> str:
    cop = store.read("cop", where={"cop_id": cop_id})
    if cop.empty:
        raise StoreError(f"no CoP with cop_id {cop_id!r} in {store.path}")
    return str(cop["name"].iloc[0])


def _row(label: str, widget, width: str = "11em") -> W.HBox:
    return W.HBox([field_label(label, width=width), widget],
                  layout=W.Layout(align_items="flex-start", margin="2px 0"))


# ----------------------------------------------------------------------------- reflections
class ReflectionJournal(Form):
    """Written reflections on one meeting, answering the prompts of its phase.

    Parameters
    ----------
    store : Store
    cop_id : str
    phase : {"domain", "community", "practice", "other"}
        Prompts come from the ``reflection_prompts`` instrument (items whose
        construct is the phase); ``other`` has one free question.
    member_id : str, optional
        The member writing. Without it the reflection is the whole group's.
    anonymous : bool, default False
        Store no member id (even when ``member_id`` is given).

    Every answered prompt becomes one ``reflection`` row; all answers of one
    submit are stored together.
    """

    def __init__(self, store, cop_id: str, phase: str, member_id: str | None = None, *,
                 anonymous: bool = False):
        if phase not in values(Phase):
            raise UsageError(f"phase must be one of {', '.join(values(Phase))}, got {phase!r}")
        self._cop_id, self._phase = cop_id, phase
        self._anonymous = bool(anonymous)
        self._member_id = None if anonymous else member_id
        cop_name = _cop_name(store, cop_id)
        lang = str(store.read("cop", where={"cop_id": cop_id})["language"].iloc[0])
        inst = load_instrument("reflection_prompts")
        self._prompts = [(it.id, inst.text(it.id, lang)) for it in inst.items if it.construct == phase]
        if not self._prompts:
            self._prompts = [(None, "What do you want to remember from this meeting?")]
        if self._anonymous:
            who = "Anonymous: your name is not stored with what you write."
        elif member_id:
            m = store.read("member", where={"member_id": member_id})
            if m.empty:
                raise StoreError(f"no member with member_id {member_id!r} in {store.path}")
            who = f"Writing as {m['pseudonym'].iloc[0]}."
        else:
            who = "A reflection of the whole group (no single author)."
        self._intro = W.HTML(
            f"<p style='margin:2px 0'>{html.escape(cop_name)} · {_PHASE_LABEL[phase]}. "
            f"{html.escape(who)} Answer the questions you want to; blank ones are skipped.</p>")
        self._answers: list[W.Textarea] = []
        blocks = []
        for n, (_pid, text) in enumerate(self._prompts, start=1):
            area = W.Textarea(placeholder="Your thoughts…", tooltip=text, layout=_WIDE,
                              rows=3)
            self._answers.append(area)
            blocks.append(W.HTML(f"<b>{n}. {html.escape(text)}</b>",
                                 layout=W.Layout(margin="8px 0 2px 0")))
            blocks.append(area)
        self._date = W.DatePicker(value=dt.date.today())
        self._save = _button("Save reflection")
        self._save.on_click(self._on_save)
        self._saved = W.HTML()
        super().__init__(store, "Reflection", [self._intro, *blocks,
                                               _row("Written on", self._date, "7em"),
                                               self._save, self._saved])
        self._show_saved()

    def _scope(self) -> pd.DataFrame:
        where = {"cop_id": self._cop_id, "phase": self._phase}
        if self._member_id:
            where["member_id"] = self._member_id
        df = self._store.read("reflection", where=where)
        if not self._member_id:
            df = df[df["member_id"].isna()]
        return df

    def _show_saved(self) -> None:
        df = self._scope()
        if self._anonymous:
            self._saved.value = (f"<p style='color:#555'>{len(df)} reflection(s) without a name "
                                 "saved for this meeting so far.</p>")
            return
        prompts = {pid: text for pid, text in self._prompts if pid}
        rows = [[_esc(_day(r.written_on)), _esc(prompts.get(r.prompt_id, r.prompt_id)), _esc(r.text)]
                for r in df.itertuples()]
        self._saved.value = ("<b>Saved so far</b>"
                             + _table(["day", "question", "reflection"], rows, "nothing yet"))

    @safe_handler
    def _on_save(self, _button=None) -> None:
        rows = []
        for (pid, _), area in zip(self._prompts, self._answers, strict=True):
            text = _text(area.value)
            if text:
                rows.append({"reflection_id": _new_id(self._cop_id, "reflection"),
                             "cop_id": self._cop_id, "member_id": self._member_id,
                             "phase": self._phase, "prompt_id": pid, "text": text,
                             "written_on": self._date.value})
        if not rows:
            raise ValidationError([Problem("reflection", None, "text", None,
                                           "write an answer to at least one question")])
        self._store.insert("reflection", rows)
        for area in self._answers:
            area.value = ""
        self._show_saved()
        self._status.show("ok", f"Saved {len(rows)} answer{'s' if len(rows) != 1 else ''}. Thank you!")


# ----------------------------------------------------------------------------- lessons
class LessonLog(Form):
    """The CoP's knowledge repository: successes, challenges, side effects, insights, resources.

    Each saved lesson is one ``lesson`` row; the list below the form shows
    every lesson of the CoP, grouped by kind.
    """

    def __init__(self, store, cop_id: str):
        self._cop_id = cop_id
        name = _cop_name(store, cop_id)
        self._kind = W.Dropdown(options=[(label, k) for k, label in LESSON_KINDS.items()],
                                value="insight", layout=W.Layout(width="min(100%, 30em)"))
        self._title_in = W.Text(placeholder="A short title, e.g. 'Ask the pupils first'",
                                layout=_WIDE)
        self._text = W.Textarea(placeholder="What happened, and what do we take from it?",
                                rows=4, layout=_WIDE)
        self._tags = W.Text(placeholder="comma-separated, e.g. student voice, timetable",
                            layout=_WIDE)
        self._link = W.Text(placeholder="https://… or where to find the material", layout=_WIDE)
        self._link_row = _row("Link", self._link)
        self._date = W.DatePicker(value=dt.date.today())
        self._save = _button("Save lesson")
        self._save.on_click(self._on_save)
        self._kind.observe(self._on_kind, "value")
        self._list = W.HTML()
        intro = W.HTML(f"<p style='margin:2px 0'>Lessons of <b>{html.escape(name)}</b>: the fruits "
                       "of the CoP tree, kept for the next cycle and for other schools.</p>")
        super().__init__(store, "Lessons learned", [
            intro,
            _row("Kind", self._kind), _row("Title", self._title_in), _row("What we learned", self._text),
            _row("Tags", self._tags), self._link_row, _row("Date", self._date),
            self._save, self._list,
        ])
        self._on_kind()
        self._show_list()

    def _on_kind(self, _change=None) -> None:
        self._link_row.layout.display = None if self._kind.value == "resource" else "none"

    def _show_list(self) -> None:
        df = self._store.read("lesson", where={"cop_id": self._cop_id})
        order = list(LESSON_KINDS)
        df = df.assign(_k=df["kind"].map(order.index)).sort_values(["_k", "created_on"])
        rows = []
        for r in df.itertuples():
            link = _text(r.link)
            link_html = ""
            if link:
                href = link if link.lower().startswith(("http://", "https://")) else None
                link_html = (f"<br><a href='{html.escape(href, quote=True)}' target='_blank' "
                             f"rel='noopener' style='color:#0b57d0;text-decoration:underline'>"
                             f"{html.escape(link)}</a>" if href
                             else f"<br>{html.escape(link)}")
            rows.append([_esc(LESSON_KINDS[r.kind].split(":")[0]),
                         f"<b>{_esc(r.title)}</b><br>{_esc(r.text)}{link_html}",
                         _esc((r.tags or "").replace(",", ", ") if isinstance(r.tags, str) else ""),
                         _esc(_day(r.created_on))])
        self._list.value = (f"<b>Lessons so far ({len(rows)})</b>"
                            + _table(["kind", "lesson", "tags", "day"], rows, "no lessons yet",
                                     nowrap=(0, 3)))

    @safe_handler
    def _on_save(self, _button=None) -> None:
        tags = [t.strip() for t in (self._tags.value or "").split(",")]
        tags = list(dict.fromkeys(t for t in tags if t))
        row = {"lesson_id": _new_id(self._cop_id, "lesson"), "cop_id": self._cop_id,
               "kind": self._kind.value, "title": _text(self._title_in.value),
               "text": _text(self._text.value), "tags": ",".join(tags) or None,
               "link": _text(self._link.value) if self._kind.value == "resource" else None,
               "created_on": self._date.value}
        self._store.insert("lesson", row)
        for w in (self._title_in, self._text, self._tags, self._link):
            w.value = ""
        self._show_list()
        self._status.show("ok", f"Saved the lesson “{row['title']}”.")


# ----------------------------------------------------------------------------- value stories
class ValueStoryForm(Form):
    """A value-creation story: what the CoP's work was worth, in five kinds of value.

    Parameters
    ----------
    store : Store
    cop_id : str
    author_id : str, optional
        The member telling the story; without it the story is the group's.
    """

    def __init__(self, store, cop_id: str, author_id: str | None = None):
        self._cop_id, self._author_id = cop_id, author_id
        name = _cop_name(store, cop_id)
        if author_id is not None and store.read("member", where={"member_id": author_id}).empty:
            raise StoreError(f"no member with member_id {author_id!r} in {store.path}")
        self._areas: dict[str, W.Textarea] = {}
        blocks = [W.HTML(
            f"<p style='margin:2px 0'>Tell the story of what <b>{html.escape(name)}</b> was worth. "
            "Fill in the kinds of value you can speak about; leave the others blank.</p>")]
        for key, (head, hint) in VALUE_CYCLES.items():
            area = W.Textarea(rows=2, layout=_WIDE, tooltip=head, placeholder=head + "…")
            self._areas[key] = area
            blocks.append(W.HTML(f"<b>{html.escape(head)}</b> "
                                 f"<span style='color:#444'>— {html.escape(hint)}</span>",
                                 layout=W.Layout(margin="8px 0 2px 0", max_width="46em")))
            blocks.append(area)
        self._date = W.DatePicker(value=dt.date.today())
        self._save = _button("Save story")
        self._save.on_click(self._on_save)
        self._list = W.HTML()
        super().__init__(store, "Value-creation story", [*blocks, _row("Date", self._date, "7em"),
                                                         self._save, self._list])
        self._show_list()

    def _show_list(self) -> None:
        df = self._store.read("value_story", where={"cop_id": self._cop_id})
        rows = []
        for r in df.itertuples():
            parts = [f"<b>{html.escape(VALUE_CYCLES[k][0])}:</b> {_esc(getattr(r, k))}"
                     for k in VALUE_CYCLES if _text(getattr(r, k)) and not pd.isna(getattr(r, k))]
            rows.append([_esc(_day(r.created_on)), "<br>".join(parts)])
        self._list.value = (f"<b>Stories so far ({len(rows)})</b>"
                            + _table(["day", "story"], rows, "no stories yet"))

    @safe_handler
    def _on_save(self, _button=None) -> None:
        texts = {k: _text(a.value) for k, a in self._areas.items()}
        if not any(texts.values()):
            raise ValidationError([Problem("value_story", None, None, None,
                                           "write about at least one kind of value")])
        row = {"story_id": _new_id(self._cop_id, "story"), "cop_id": self._cop_id,
               "author_id": self._author_id, **texts, "created_on": self._date.value}
        self._store.insert("value_story", row)
        for a in self._areas.values():
            a.value = ""
        self._show_list()
        self._status.show("ok", "Saved the story. Thank you!")


# ----------------------------------------------------------------------------- goal measurements
def _parse_number(text: str):
    """'6,5' (decimal comma) -> '6.5'; anything else is left for the schema to judge."""
    s = (text or "").strip().replace("\u00a0", "").replace(" ", "")
    if s.count(",") == 1 and "." not in s:
        s = s.replace(",", ".")
    return s or None


class GoalMeasurementEntry(Form):
    """Add a measurement of the shared goal's indicator; shows baseline, target and earlier values."""

    def __init__(self, store, goal_id: str):
        goal = store.read("goal", where={"goal_id": goal_id})
        if goal.empty:
            raise StoreError(f"no goal with goal_id {goal_id!r} in {store.path}")
        self._goal_id = goal_id
        self._goal = goal.iloc[0]
        self._cop_id = str(self._goal["cop_id"])
        self._info = W.HTML()
        self._date = W.DatePicker(value=dt.date.today())
        self._value = W.Text(placeholder="a number, e.g. 62.5", layout=W.Layout(width="12em"))
        self._source = W.Combobox(placeholder="observation, register, survey …",
                                  options=["observation", "register", "survey", "school records"],
                                  ensure_option=False, layout=W.Layout(width="min(100%, 24em)"))
        self._note = W.Textarea(rows=2, placeholder="anything that helps to read the number",
                                layout=_WIDE)
        self._save = _button("Save measurement")
        self._save.on_click(self._on_save)
        self._history = W.HTML()
        unit = _text(self._goal["unit"]) if isinstance(self._goal["unit"], str) else None
        super().__init__(store, "Measure the goal", [
            self._info, _row("Measured on", self._date),
            _row("Value" + (f" ({unit})" if unit else ""), self._value),
            _row("Source", self._source), _row("Note", self._note), self._save, self._history,
        ])
        self._show()

    def _show(self) -> None:
        g = self._goal
        unit = _esc(g["unit"])
        direction = _esc(g["direction"])
        self._info.value = (
            f"<p style='margin:2px 0;max-width:46em'><b>Goal:</b> {_esc(g['statement'])}</p>"
            f"<p style='margin:2px 0'><b>Indicator:</b> {_esc(g['indicator'])}"
            f"{' (' + unit + ')' if unit else ''} · <b>baseline</b> {_num(g['baseline'])} → "
            f"<b>target</b> {_num(g['target'])} ({direction}) · <b>deadline</b> "
            f"{_esc(_day(g['deadline']))}</p>")
        df = self._store.read("goal_measurement", where={"goal_id": self._goal_id})
        df = df.sort_values("measured_on", kind="stable")
        rows = [[_esc(_day(r.measured_on)), _num(r.value), _esc(r.source), _esc(r.note)]
                for r in df.itertuples()]
        progress = ""
        base, target = g["baseline"], g["target"]
        if len(df) and not pd.isna(base) and not pd.isna(target) and target != base:
            last = float(df["value"].iloc[-1])
            share = (last - base) / (target - base)
            progress = (f"<p style='margin:2px 0'>Latest value {last:g}: "
                        f"{share:.0%} of the way from baseline to target.</p>")
        self._history.value = ("<b>Measurements so far</b>"
                               + _table(["day", "value", "source", "note"], rows, "none yet")
                               + progress)

    @safe_handler
    def _on_save(self, _button=None) -> None:
        row = {"measurement_id": _new_id(self._cop_id, "measurement"), "goal_id": self._goal_id,
               "measured_on": self._date.value, "value": _parse_number(self._value.value),
               "source": _text(self._source.value), "note": _text(self._note.value)}
        self._store.insert("goal_measurement", row)
        for w in (self._value, self._note):
            w.value = ""
        self._show()
        self._status.show("ok", f"Saved {row['value']} for {_day(row['measured_on'])}.")


# ----------------------------------------------------------------------------- action status
class ActionStatusUpdate(Form):
    """Set the status of a step of the action plan (planned, in progress, done, dropped)."""

    def __init__(self, store, cop_id: str):
        self._cop_id = cop_id
        _cop_name(store, cop_id)
        self._step = W.Dropdown(layout=W.Layout(width="min(100%, 36em)"))
        self._state = W.ToggleButtons(
            options=[(_STATUS_LABEL[s], s) for s in values(ActionStatus)], value="planned",
            style={"button_width": "8em"})
        self._done_on = W.DatePicker(value=None)
        self._done_row = _row("Done on", self._done_on)
        self._save = _button("Save status")
        self._save.on_click(self._on_save)
        self._plan = W.HTML()
        self._loading = False
        super().__init__(store, "Progress of the action plan", [
            _row("Step", self._step), _row("Status", self._state), self._done_row,
            self._save, self._plan,
        ])
        self._step.observe(self._on_step, "value")
        self._state.observe(self._on_state, "value")
        self._refresh()

    def _actions(self) -> pd.DataFrame:
        df = self._store.read("action", where={"cop_id": self._cop_id})
        return df.sort_values(["start_on", "due_on"], kind="stable", na_position="last")

    def _refresh(self, keep: str | None = None) -> None:
        df = self._actions()
        self._loading = True
        try:
            self._step.options = [(f"{r.title} ({_STATUS_LABEL.get(r.status, r.status)})",
                                   r.action_id) for r in df.itertuples()]
            if keep is not None and keep in set(df["action_id"]):
                self._step.value = keep
            elif len(df):
                self._step.value = df["action_id"].iloc[0]
        finally:
            self._loading = False
        if df.empty:
            self._status.show("info", "This CoP has no steps yet; the action plan is made in "
                                      "meeting 2 (Community).")
        self._on_step()
        rows = [[_esc(r.title), _esc(_STATUS_LABEL.get(r.status, r.status)),
                 _esc(_day(r.due_on)), _esc(_day(r.done_on))] for r in df.itertuples()]
        self._plan.value = "<b>All steps</b>" + _table(["step", "status", "due", "done on"],
                                                        rows, "no steps", nowrap=(1, 2, 3))

    def _on_step(self, _change=None) -> None:
        if self._loading:
            return
        aid = self._step.value
        if aid is None:
            self._save.disabled = True
            return
        self._save.disabled = False
        r = self._store.read("action", where={"action_id": aid}).iloc[0]
        self._loading = True
        try:
            self._state.value = r["status"] if isinstance(r["status"], str) else "planned"
            self._done_on.value = None if pd.isna(r["done_on"]) else r["done_on"].date()
        finally:
            self._loading = False
        self._on_state()

    def _on_state(self, _change=None) -> None:
        done = self._state.value == "done"
        self._done_row.layout.display = None if done else "none"
        if not self._loading and done and self._done_on.value is None:
            self._done_on.value = dt.date.today()

    @safe_handler
    def _on_save(self, _button=None) -> None:
        aid = self._step.value
        if aid is None:
            raise ValidationError([Problem("action", None, "action_id", None, "pick a step first")])
        status = self._state.value
        done_on = self._done_on.value if status == "done" else None
        if status == "done" and done_on is None:
            raise ValidationError([Problem("action", None, "done_on", None,
                                           "give the day the step was done")])
        self._store.update("action", {"action_id": aid, "status": status, "done_on": done_on})
        title = str(self._store.read("action", where={"action_id": aid})["title"].iloc[0])
        self._refresh(keep=aid)
        self._status.show("ok", f"“{title}” is now {_STATUS_LABEL[status]}.")
