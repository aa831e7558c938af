"""Forms of meeting 1 (Domain): the board of ideas and the shared SMART goal.

:class:`IdeaBoard` collects the starting challenge, everyone's perspectives,
the connections between them, promising approaches and inspirations, each
stored the moment it is added; +1 votes are stored per click. Its shortlist
comes from :func:`cocope_kit.analysis.ideas.shortlist`.

:class:`GoalBuilder` writes the ONE shared goal, the trunk of the CoP tree,
and checks it against the five SMART criteria while the group types
(:func:`cocope_kit.analysis.goals.smart_check`).

:class:`PreviousLessons` shows, read-only and grouped by kind, what the
earlier cycles of the CoP learned (:func:`cocope_kit.cycle.previous_lessons`),
so a CoP started with "Start the next cycle" begins from its own harvest. The
idea board shows it at the top when the CoP follows an earlier one.
"""

from __future__ import annotations

import datetime as dt
import html
import json

import ipywidgets as W
import pandas as pd

from ..analysis.goals import gas_levels, smart_check
from ..analysis.harvest import KIND_LABELS, KIND_ORDER
from ..analysis.ideas import shortlist
from ..cycle import previous_lessons
from ..errors import Problem, StoreError, ValidationError
from ..harvest_doc import safe_link
from ..model import Direction, IdeaKind, values
from ._base import Form, safe_handler
from .setup import (
    _cop_row,
    _date,
    _day,
    _esc,
    _fill,
    _member_label,
    _members,
    _new_id,
    _row,
    _style,
    _text,
)

__all__ = [
    "GAS_LEVEL_LABELS",
    "GoalBuilder",
    "IDEA_KINDS",
    "IdeaBoard",
    "PreviousLessons",
    "SMART_LABELS",
    "previous_lessons_html",
    "goal_from_form",
    "parse_number",
]

IDEA_KINDS: dict[str, tuple[str, str]] = {
    "challenge": ("Starting challenge",
                  "a concrete problem, or an experience that inspired us"),
    "perspective": ("Perspectives",
                    "how each of us sees it: teachers, support staff, students, parents"),
    "connection": ("Connections", "what our perspectives have in common"),
    "approach": ("Promising approaches", "what we could try"),
    "inspiration": ("Inspirations", "examples from elsewhere that give us ideas"),
}
"""Columns of the board: (heading, one-line explanation) per idea kind, in meeting order."""

SMART_LABELS: dict[str, tuple[str, str]] = {
    "specific": ("S", "Specific"),
    "measurable": ("M", "Measurable"),
    "achievable": ("A", "Achievable"),
    "relevant": ("R", "Relevant"),
    "time_bound": ("T", "Time-bound"),
}

GAS_LEVEL_LABELS: dict[int, str] = {
    -2: "−2 much less than expected",
    -1: "−1 somewhat less than expected",
    0: "0 the expected outcome",
    1: "+1 somewhat more than expected",
    2: "+2 much more than expected",
}
"""Goal Attainment Scaling levels (Kiresuk & Sherman 1968) as the form names them."""

_GROUP = "__group__"
_KIND_BUTTON = {"challenge": "Challenge", "perspective": "Perspective",
                "connection": "Connection", "approach": "Approach", "inspiration": "Inspiration"}


# ----------------------------------------------------------------------------- pure logic
def parse_number(text):
    """A number typed by a person: ``'6,5'`` → ``6.5``; blank → ``None``.

    Text that is not a number comes back as the stripped text, so the schema
    can reject it with a message naming the field.

    >>> parse_number("55"), parse_number(" 6,5 "), parse_number(""), parse_number("abc")
    (55.0, 6.5, None, 'abc')
    """
    s = (text or "").strip().replace("\u00a0", "").replace(" ", "")
    if not s:
        return None
    if s.count(",") == 1 and "." not in s:
        s = s.replace(",", ".")
    try:
        return float(s)
    except ValueError:
        return s


def goal_from_form(values_: dict) -> dict:
    """Goal row from form values; numbers parsed, text stripped, GAS levels as JSON.

    ``values_`` holds ``statement, indicator, unit, direction, baseline,
    target, deadline, agreed_on, achievable_note, relevant_note`` and
    optionally ``gas`` (``{-2: text, ..., 2: text}``). All five GAS texts
    blank means no GAS levels.
    """
    row = {k: _text(values_.get(k)) for k in ("statement", "indicator", "unit",
                                              "achievable_note", "relevant_note")}
    row["direction"] = values_.get("direction") or "increase"
    row["baseline"] = parse_number(values_.get("baseline"))
    row["target"] = parse_number(values_.get("target"))
    row["deadline"] = values_.get("deadline")
    row["agreed_on"] = values_.get("agreed_on")
    gas = {int(k): _text(v) for k, v in (values_.get("gas") or {}).items()}
    row["gas_levels"] = (json.dumps({str(k): v for k, v in sorted(gas.items()) if v},
                                    ensure_ascii=False)
                         if any(gas.values()) else None)
    return row


# ----------------------------------------------------------------------------- previous lessons
def previous_lessons_html(found: pd.DataFrame) -> str:
    """The lessons of earlier cycles as HTML, one heading per kind (user text escaped;
    only http/https links are clickable)."""
    if found.empty:
        return ("<p style='color:#444;margin:4px 0'><i>No lessons from an earlier cycle: this is "
                "the first cycle of this CoP, or the previous one wrote none down.</i></p>")
    parts = []
    for kind in KIND_ORDER:
        sub = found[found["kind"] == kind]
        if sub.empty:
            continue
        items = []
        for r in sub.itertuples():
            meta = " · ".join(x for x in (f"cycle {int(r.cycle)}" if pd.notna(r.cycle) else "",
                                          _day(r.created_on)) if x)
            extra = ""
            if _text(r.tags):
                extra += f"<br><span style='color:#444'>Tags: {_esc(r.tags)}</span>"
            if _text(r.link):
                href = safe_link(r.link)
                extra += (f"<br><a href='{html.escape(href, quote=True)}' target='_blank' "
                          f"rel='noopener noreferrer' style='color:#0b57d0;text-decoration:underline'>"
                          f"{html.escape(href)}</a>" if href else f"<br>{_esc(r.link)}")
            items.append(f"<li style='margin:4px 0'><b>{_esc(r.title)}</b>"
                         f"{' — ' + _esc(r.text) if _text(r.text) else ''}"
                         f" <span style='color:#444;font-size:0.9em'>({html.escape(meta)})</span>"
                         f"{extra}</li>")
        parts.append(f"<h4 style='margin:10px 0 2px 0'>{html.escape(KIND_LABELS[kind])} "
                     f"({len(sub)})</h4><ul style='margin:0 0 0 18px'>{''.join(items)}</ul>")
    return "".join(parts)


class PreviousLessons(W.VBox):
    """What the earlier cycles of a CoP learned: a read-only list grouped by kind.

    Parameters
    ----------
    store : Store
    cop_id : str

    Attributes
    ----------
    lessons : DataFrame
        :func:`cocope_kit.cycle.previous_lessons` of the CoP (names in the
        texts replaced by pseudonyms, following the consent rule).
    """

    def __init__(self, store, cop_id: str):
        cop = _cop_row(store, cop_id)
        self.lessons = previous_lessons(store, cop_id)
        prev = _text(cop["previous_cop_id"])
        n = len(self.lessons)
        head = (f"<h4 style='margin:4px 0'>What our previous cycle learned ({n} lesson"
                f"{'s' if n != 1 else ''})</h4>" if prev else
                "<h4 style='margin:4px 0'>Lessons of earlier cycles</h4>")
        self._html = W.HTML(head + previous_lessons_html(self.lessons))
        super().__init__(children=[self._html])
        self.add_class("cocope-previous-lessons")

    @property
    def html(self) -> str:
        """The HTML shown (for tests and saving to a file)."""
        return self._html.value


# ----------------------------------------------------------------------------- idea board
class IdeaBoard(Form):
    """The ideas of meeting 1 in five columns, with +1 votes and a shortlist.

    Parameters
    ----------
    store : Store
    cop_id : str
    meeting_id : str, optional
        The meeting new ideas belong to; default: the CoP's latest Domain
        meeting, if any.

    Notes
    -----
    When the CoP follows an earlier one (``previous_cop_id``), the lessons
    of the earlier cycles are shown above the board (:class:`PreviousLessons`):
    a natural place to look for the starting challenge and inspirations.

    An idea is attributed to a member (by pseudonym) or to the whole group.
    Every idea and every vote is stored at once; a vote reads the current
    count inside its transaction, so votes from two screens add up. The
    board shows every idea of the CoP; the shortlist lists the approaches
    with most votes (:func:`cocope_kit.analysis.ideas.shortlist`).
    """

    def __init__(self, store, cop_id: str, meeting_id: str | None = None, *, shortlist_n: int = 3):
        self._cop_id = cop_id
        name = str(_cop_row(store, cop_id)["name"])
        if meeting_id is None:
            ms = store.read("meeting", where={"cop_id": cop_id, "phase": "domain"})
            if len(ms):
                meeting_id = str(ms.sort_values("held_on", kind="stable")["meeting_id"].iloc[-1])
        elif store.read("meeting", where={"meeting_id": meeting_id}).empty:
            raise StoreError(f"no meeting with meeting_id {meeting_id!r} in {store.path}")
        self._meeting_id = meeting_id
        self._n = shortlist_n
        self._kind = W.ToggleButtons(
            options=[(_KIND_BUTTON[k], k) for k in values(IdeaKind)], value="challenge",
            style={"button_width": "8.5em"})
        self._kind_hint = W.HTML()
        self._text_in = W.Textarea(placeholder="Write the idea in a few words…", rows=2,
                                   layout=_fill())
        self._author = W.Dropdown(layout=W.Layout(width="22em"))
        self._add = W.Button(description="Add idea", button_style="primary", icon="plus",
                             layout=W.Layout(width="12em", height="40px"))
        self._add.on_click(self._on_add)
        self._kind.observe(self._on_kind, "value")
        self._board = W.GridBox(layout=W.Layout(
            grid_template_columns="repeat(auto-fit, minmax(10.5em, 1fr))", grid_gap="8px",
            width="100%"))
        self._short = W.HTML()
        self._vote_buttons: dict[str, W.Button] = {}
        self.previous: PreviousLessons | None = None
        top = []
        if _text(_cop_row(store, cop_id)["previous_cop_id"]):
            self.previous = PreviousLessons(store, cop_id)
            acc = W.Accordion(children=[self.previous],
                              titles=(f"What our previous cycle learned "
                                      f"({len(self.previous.lessons)})",))
            acc.selected_index = 0
            top = [acc]
        super().__init__(store, f"Ideas · {name}", [
            _style(), *top, _row("Kind", self._kind), self._kind_hint, _row("Idea", self._text_in),
            _row("From", self._author), self._add, self._board, self._short,
        ])
        self.add_class("cocope-meeting")
        self._fill_authors()
        self._on_kind()
        self._refresh()

    def _fill_authors(self) -> None:
        mem = _members(self._store, self._cop_id)
        mem = mem[mem["left_on"].isna()]
        self._author.options = [("the whole group", _GROUP)] + [
            (_member_label(r), r.member_id) for r in mem.itertuples()]
        self._author.value = _GROUP

    def _on_kind(self, _change=None) -> None:
        head, hint = IDEA_KINDS[self._kind.value]
        self._kind_hint.value = (f"<p style='margin:0 0 4px 10.5em;color:#333'>"
                                 f"{html.escape(head)}: {html.escape(hint)}</p>")

    def _ideas(self) -> pd.DataFrame:
        return self._store.read("idea", where={"cop_id": self._cop_id})

    def vote_button(self, idea_id: str) -> W.Button:
        """The +1 button of an idea (for tests and scripts)."""
        return self._vote_buttons[idea_id]

    def _refresh(self) -> None:
        ideas = self._ideas()
        pseud = _members(self._store, self._cop_id).set_index("member_id")["pseudonym"]
        self._vote_buttons = {}
        columns = []
        for kind in values(IdeaKind):
            head, hint = IDEA_KINDS[kind]
            sub = ideas[ideas["kind"] == kind]
            sub = sub.assign(_v=sub["votes"].fillna(0)).sort_values(
                ["_v", "idea_id"], ascending=[False, True], kind="stable")
            cards = [W.HTML(f"<div style='background:#0d3c61;color:white;padding:6px 10px;"
                            f"border-radius:6px 6px 0 0'><b style='font-size:18px'>"
                            f"{html.escape(head)}</b> ({len(sub)})<br>"
                            f"<span style='font-size:14px'>{html.escape(hint)}</span></div>")]
            for r in sub.itertuples():
                who = pseud.get(r.member_id, "") if _text(r.member_id) else "the group"
                votes = 0 if pd.isna(r.votes) else int(r.votes)
                btn = W.Button(description=f"+1  ({votes})", tooltip=f"vote for: {r.text}",
                               layout=W.Layout(width="7em", height="36px"))
                btn.on_click(lambda _b, iid=r.idea_id: self._on_vote(iid))
                self._vote_buttons[r.idea_id] = btn
                cards.append(W.VBox([
                    W.HTML(f"<div style='font-size:16px;line-height:1.3'>{_esc(r.text)}</div>"
                           f"<div style='color:#444;font-size:14px'>— {_esc(who)}</div>"),
                    btn,
                ], layout=W.Layout(border="1px solid #bbb", padding="6px", margin="0")))
            if len(cards) == 1:
                cards.append(W.HTML("<i style='color:#555'>nothing yet</i>"))
            columns.append(W.VBox(cards, layout=W.Layout(grid_gap="6px")))
        self._board.children = columns
        self._short.value = self._shortlist_html(ideas)

    def _shortlist_html(self, ideas: pd.DataFrame) -> str:
        parts = []
        top = shortlist(ideas, n=self._n) if len(ideas) else ideas.iloc[0:0]
        ch = shortlist(ideas, n=1, kinds="challenge") if len(ideas) else ideas.iloc[0:0]
        if len(ch):
            parts.append(f"<p style='font-size:18px;margin:4px 0'><b>Challenge with most votes:"
                         f"</b> {_esc(ch['text'].iloc[0])} ({int(ch['votes'].iloc[0])})</p>")
        if len(top):
            items = "".join(f"<li>{_esc(r.text)} <b>({int(r.votes)} vote"
                            f"{'s' if int(r.votes) != 1 else ''})</b></li>"
                            for r in top.itertuples())
            parts.append(f"<p style='font-size:18px;margin:4px 0'><b>Most promising approaches"
                         f"</b></p><ol style='font-size:18px;margin:0'>{items}</ol>")
        else:
            parts.append("<p><i>No approach yet: the shortlist appears when the group adds "
                         "approaches and votes.</i></p>")
        return "<h4>Shortlist</h4>" + "".join(parts)

    @safe_handler
    def _on_add(self, _button=None) -> None:
        author = None if self._author.value == _GROUP else self._author.value
        row = {"idea_id": _new_id(self._cop_id, "idea"), "cop_id": self._cop_id,
               "meeting_id": self._meeting_id, "member_id": author, "kind": self._kind.value,
               "text": _text(self._text_in.value), "votes": 0}
        self._store.insert("idea", row)
        self._text_in.value = ""
        self._refresh()
        self._status.show("ok", f"Added to {IDEA_KINDS[row['kind']][0]}: “{row['text']}”.")

    @safe_handler
    def _on_vote(self, idea_id: str, step: int = 1) -> None:
        with self._store.transaction():
            cur = self._store.read("idea", where={"idea_id": idea_id})
            if cur.empty:
                raise StoreError("this idea is no longer in the store; reload the board")
            v = cur["votes"].iloc[0]
            votes = max((0 if pd.isna(v) else int(v)) + step, 0)
            self._store.update("idea", {"idea_id": idea_id, "votes": votes})
        self._refresh()
        self._status.show("ok", f"{votes} vote{'s' if votes != 1 else ''} for "
                                f"“{cur['text'].iloc[0]}”.")


# ----------------------------------------------------------------------------- goal builder
def _smart_html(check: pd.DataFrame, extra: dict[str, list[str]]) -> str:
    blocks = []
    for r in check.itertuples():
        letter, word = SMART_LABELS[r.criterion]
        hints = extra.get(r.criterion, [])
        ok = bool(r.passed) and not hints
        fg, bg, mark, state = (("#1b5e20", "#e8f5e9", "✓", "done") if ok
                               else ("#8b0000", "#fdecea", "✗", "to do"))
        msg = str(r.message)
        blocks.append(
            f"<div class='cocope-smart-{r.criterion}' style='border-left:10px solid {fg};"
            f"background:{bg};padding:6px 12px;margin:6px 0;border-radius:4px'>"
            f"<span style='font-size:30px;font-weight:bold;color:{fg}'>{mark} {letter}</span> "
            f"<b style='font-size:20px;color:{fg}'>{word}</b> "
            f"<span style='color:{fg}'>({state})</span>"
            f"<div style='font-size:17px;color:#111;margin-top:2px'>{html.escape(msg)}</div></div>")
    return "<div role='status' aria-live='polite'>" + "".join(blocks) + "</div>"


class GoalBuilder(Form):
    """The group's ONE shared goal, with live SMART feedback.

    Parameters
    ----------
    store : Store
    cop_id : str

    Notes
    -----
    Every change in a field re-runs
    :func:`cocope_kit.analysis.goals.smart_check` and shows a ✓ or a hint
    per criterion (S, M, A, R, T); :attr:`smart` holds that table. *Save*
    inserts the CoP's goal, or updates it once it exists (a CoP has one
    goal; with several in the store the first is edited).

    What is stored stays consistent with the schema, and the SMART check
    decides only whether the goal is a *draft*:

    * A goal that fails SMART criteria (e.g. **target equal to baseline**,
      no deadline yet) **is stored as a draft**: the group may agree the
      wording before it knows every number. The status says "draft" and the
      failing criteria stay red until fixed.
    * **Deadline before the day of agreement**, **non-numeric baseline or
      target**, a blank statement, or incomplete GAS levels are rejected by
      the schema: the message names the field and **nothing is stored**.

    Goal Attainment Scaling levels are optional: leave all five blank, or
    describe all five (−2 … +2).
    """

    def __init__(self, store, cop_id: str):
        self._cop_id = cop_id
        cop = _cop_row(store, cop_id)
        goals = store.read("goal", where={"cop_id": cop_id})
        self._goal_id: str | None = str(goals["goal_id"].iloc[0]) if len(goals) else None
        self._n_goals = len(goals)
        self._ideas = store.read("idea", where={"cop_id": cop_id})
        self._statement = W.Textarea(
            placeholder="By <when>, <who> will <what changes, how much>.", rows=3,
            layout=_fill())
        self._indicator = W.Text(placeholder="what we count or observe", layout=_fill())
        self._unit = W.Combobox(options=["pupils", "% of pupils", "% of lesson time",
                                         "minutes per week", "incidents per month"],
                                placeholder="e.g. pupils, % of lesson time",
                                ensure_option=False, layout=W.Layout(width="20em"))
        self._direction = W.ToggleButtons(
            options=[("increase ↑", "increase"), ("decrease ↓", "decrease")],
            value="increase", style={"button_width": "9em"})
        self._baseline = W.Text(placeholder="today's value", layout=W.Layout(width="10em"))
        self._target = W.Text(placeholder="value to reach", layout=W.Layout(width="10em"))
        self._agreed = W.DatePicker(value=None)
        self._deadline = W.DatePicker(value=None)
        self._achievable = W.Textarea(placeholder="time, people, resources we can count on",
                                      rows=3, layout=_fill())
        self._relevant = W.Textarea(placeholder="how the goal answers our starting challenge",
                                    rows=3, layout=_fill())
        self._gas = {lv: W.Text(placeholder="what the result would look like", layout=_fill())
                     for lv in GAS_LEVEL_LABELS}
        gas_box = W.VBox([W.HTML("<p style='margin:2px 0'>Optional. Describe five possible "
                                 "results, from much less to much more than expected; leave all "
                                 "blank to skip.</p>")]
                         + [_row(GAS_LEVEL_LABELS[lv], self._gas[lv], width="14em")
                            for lv in GAS_LEVEL_LABELS])
        self._gas_acc = W.Accordion(children=[gas_box],
                                    titles=("Goal Attainment Scaling levels (optional)",))
        self._save = W.Button(description="Save goal", button_style="primary", icon="check",
                              layout=W.Layout(width="12em", height="44px"))
        self._save.on_click(self._on_save)
        self._smart_html = W.HTML()
        self.smart: pd.DataFrame = pd.DataFrame(columns=["criterion", "passed", "message"])
        challenge = self._top_challenge()
        intro = W.HTML(
            f"<p style='margin:2px 0 6px 0'><b>Starting challenge:</b> {_esc(challenge)}</p>"
            if challenge else "<p style='margin:2px 0 6px 0'>Write the goal the group agrees "
                              "on, in one sentence.</p>")
        fields = W.VBox([
            intro,
            _row("Goal", self._statement), _row("Indicator", self._indicator),
            _row("Unit", self._unit), _row("Direction", self._direction),
            W.HBox([_row("Baseline", self._baseline), _row("Target", self._target, width="5em")]),
            _row("Agreed on", self._agreed), _row("Deadline", self._deadline),
            _row("Why achievable", self._achievable), _row("Why relevant", self._relevant),
            self._gas_acc, self._save,
        ], layout=W.Layout(flex="3 1 30em", min_width="22em", margin="0 14px 0 0"))
        smart_box = W.VBox([W.HTML("<h4 style='margin-top:0'>Is our goal SMART?</h4>"),
                            self._smart_html],
                           layout=W.Layout(flex="2 1 18em", min_width="16em"))
        super().__init__(store, f"Our shared goal · {cop['name']}", [])
        fields.children = (*fields.children, self._status)  # the outcome right under "Save"
        self.children = [self._title, _style(),
                         W.HBox([fields, smart_box], layout=W.Layout(flex_flow="row wrap",
                                                                     align_items="flex-start"))]
        self.add_class("cocope-meeting")
        self._load()
        for w in self._inputs():
            w.observe(self._on_change, "value")
        self._on_change()
        if self._n_goals > 1:
            self._status.show("info", f"This CoP has {self._n_goals} goals in the store; "
                                      "this form edits the first. A CoP agrees on one goal.")

    # -- helpers --------------------------------------------------------------------------
    def _inputs(self) -> list:
        return [self._statement, self._indicator, self._unit, self._direction, self._baseline,
                self._target, self._agreed, self._deadline, self._achievable, self._relevant,
                *self._gas.values()]

    def _top_challenge(self) -> str | None:
        ch = self._ideas[self._ideas["kind"] == "challenge"]
        if ch.empty:
            return None
        ch = ch.assign(_v=ch["votes"].fillna(0)).sort_values(["_v", "idea_id"],
                                                             ascending=[False, True])
        return str(ch["text"].iloc[0])

    def _default_agreed(self) -> dt.date:
        ms = self._store.read("meeting", where={"cop_id": self._cop_id, "phase": "domain"})
        if len(ms):
            return _date(ms["held_on"].max()) or dt.date.today()
        return dt.date.today()

    def _load(self) -> None:
        if self._goal_id is None:
            self._agreed.value = self._default_agreed()
            return
        g = self._store.read("goal", where={"goal_id": self._goal_id}).iloc[0]
        for w, col in ((self._statement, "statement"), (self._indicator, "indicator"),
                       (self._unit, "unit"), (self._achievable, "achievable_note"),
                       (self._relevant, "relevant_note")):
            w.value = _text(g[col]) or ""
        self._direction.value = g["direction"] if g["direction"] in values(Direction) else "increase"
        self._baseline.value = "" if pd.isna(g["baseline"]) else f"{float(g['baseline']):g}"
        self._target.value = "" if pd.isna(g["target"]) else f"{float(g['target']):g}"
        self._agreed.value = _date(g["agreed_on"])
        self._deadline.value = _date(g["deadline"])
        try:
            levels = gas_levels(g["gas_levels"]) if _text(g["gas_levels"]) else {}
        except ValidationError:
            levels = {}
        for lv, w in self._gas.items():
            w.value = levels.get(lv, "")
        if levels:
            self._gas_acc.selected_index = 0

    def _values(self) -> dict:
        return {"statement": self._statement.value, "indicator": self._indicator.value,
                "unit": self._unit.value, "direction": self._direction.value,
                "baseline": self._baseline.value, "target": self._target.value,
                "deadline": self._deadline.value, "agreed_on": self._agreed.value,
                "achievable_note": self._achievable.value, "relevant_note": self._relevant.value,
                "gas": {lv: w.value for lv, w in self._gas.items()}}

    def _row_now(self) -> dict:
        return {"goal_id": self._goal_id or "draft", "cop_id": self._cop_id,
                **goal_from_form(self._values())}

    # -- live SMART check -----------------------------------------------------------------
    def _on_change(self, _change=None) -> None:
        row = self._row_now()
        extra: dict[str, list[str]] = {}
        for col, word in (("baseline", "baseline"), ("target", "target")):
            if isinstance(row[col], str):
                extra.setdefault("measurable", []).append(
                    f"The {word} {row[col]!r} is not a number; write digits, e.g. 55 or 6.5.")
                row[col] = None
        d, a = row["deadline"], row["agreed_on"]
        if d is not None and a is not None and d < a:
            extra.setdefault("time_bound", []).append(
                "The deadline is before the day the goal was agreed; it cannot be saved so.")
        check = smart_check({k: v for k, v in row.items() if k != "gas_levels"},
                            ideas=self._ideas)
        check["passed"] = [bool(p) and not extra.get(c) for c, p in
                           zip(check["criterion"], check["passed"], strict=True)]
        check["message"] = [" ".join([*extra.get(c, []), str(m)]) for c, m in
                            zip(check["criterion"], check["message"], strict=True)]
        self.smart = check
        self._smart_html.value = _smart_html(check, extra)

    @property
    def goal_id(self) -> str | None:
        """The id of the stored goal (None until it is saved)."""
        return self._goal_id

    # -- save -----------------------------------------------------------------------------
    @safe_handler
    def _on_save(self, _button=None) -> None:
        row = self._row_now()
        if row["gas_levels"] is not None:
            try:
                levels = gas_levels(row["gas_levels"])
            except ValidationError as e:
                missing = [GAS_LEVEL_LABELS[lv].split(" ")[0] for lv in GAS_LEVEL_LABELS
                           if not _text(self._gas[lv].value)]
                raise ValidationError([Problem(
                    "goal", None, "gas_levels", None,
                    "describe all five levels or none; still blank: " + ", ".join(missing))],
                    "goal") from e
            row["gas_levels"] = json.dumps({str(k): v for k, v in levels.items()},
                                           ensure_ascii=False)
        new = self._goal_id is None
        if new:
            row["goal_id"] = _new_id(self._cop_id, "goal")
            self._store.insert("goal", row)
            self._goal_id = row["goal_id"]
        else:
            self._store.update("goal", row)
        self._on_change()
        todo = [SMART_LABELS[c][1] for c, p in zip(self.smart["criterion"], self.smart["passed"],
                                                   strict=True) if not p]
        if todo:
            self._status.show("info", "Saved as a draft: the goal is not yet SMART. Still to do: "
                                      + ", ".join(todo) + ".")
        else:
            self._status.show("ok", "Saved the shared goal. It meets all five SMART criteria.")

    def criteria(self) -> dict[str, bool]:
        """``{criterion: passed}`` of the live SMART check."""
        return dict(zip(self.smart["criterion"], self.smart["passed"], strict=True))
