"""Forms used before and at every meeting: set up a CoP and its roster, take attendance.

:class:`CopSetup` creates a CoP (or picks an existing one) and keeps its
roster: members with a pseudonym, role, core or extended membership, and the
consent (adults, parents for their child) or assent (students) each person
gave. :class:`AttendanceTaker` records who came to a meeting and keeps a tally
of contributions, one click at a time.

Every click that changes something is stored at once, in one transaction; a
new instance of a form on the same store shows what was saved. The small
helpers below (:func:`suggest_pseudonym`, :func:`parse_country`, ...) hold the
logic without widgets, so they can be tested and reused on their own.

The look is meant for a projector: large type and big buttons (see
:data:`MEETING_CSS`).
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import uuid
from collections.abc import Iterable

import ipywidgets as W
import pandas as pd
import traitlets

from ..cycle import carry_over, default_next_id, start_next_cycle
from ..errors import Problem, StoreError, UsageError, ValidationError
from ..model import ConsentStatus, Phase, Role, role_group, values
from ..schema import COUNTRIES
from ._base import Form, field_label, safe_handler

__all__ = [
    "AttendanceTaker",
    "CopSetup",
    "CONSENT_LABELS",
    "EUROPEAN_COUNTRIES",
    "LANGUAGES",
    "MEETING_CSS",
    "PHASE_LABELS",
    "ROLE_LABELS",
    "consent_kinds",
    "current_cop",
    "parse_country",
    "parse_language",
    "suggest_pseudonym",
]

ROLE_LABELS: dict[str, str] = {
    "teacher": "Teacher",
    "special_needs_teacher": "Special needs teacher",
    "teaching_assistant": "Teaching assistant",
    "school_leader": "School leader",
    "social_worker": "Social worker",
    "psychologist": "Psychologist",
    "therapist": "Therapist",
    "support_professional": "Support professional",
    "student": "Student",
    "parent": "Parent",
    "other": "Member",
}
"""How each role reads in forms; also the first word(s) of a suggested pseudonym."""

PHASE_LABELS: dict[str, str] = {
    "domain": "Domain (meeting 1)",
    "community": "Community (meeting 2)",
    "practice": "Practice (meeting 3)",
    "other": "Other meeting",
}

CONSENT_LABELS: dict[str, str] = {
    "given": "✓ given",
    "pending": "… pending",
    "refused": "✗ refused",
    "withdrawn": "✗ withdrawn",
}

EUROPEAN_COUNTRIES: dict[str, str] = {
    "AL": "Albania", "AD": "Andorra", "AT": "Austria", "BE": "Belgium",
    "BA": "Bosnia and Herzegovina", "BG": "Bulgaria", "HR": "Croatia", "CY": "Cyprus",
    "CZ": "Czechia", "DK": "Denmark", "EE": "Estonia", "FI": "Finland", "FR": "France",
    "DE": "Germany", "GR": "Greece", "HU": "Hungary", "IS": "Iceland", "IE": "Ireland",
    "IT": "Italy", "XK": "Kosovo", "LV": "Latvia", "LI": "Liechtenstein", "LT": "Lithuania",
    "LU": "Luxembourg", "MT": "Malta", "MD": "Moldova", "MC": "Monaco", "ME": "Montenegro",
    "NL": "Netherlands", "MK": "North Macedonia", "NO": "Norway", "PL": "Poland",
    "PT": "Portugal", "RO": "Romania", "SM": "San Marino", "RS": "Serbia", "SK": "Slovakia",
    "SI": "Slovenia", "ES": "Spain", "SE": "Sweden", "CH": "Switzerland", "TR": "Türkiye",
    "UA": "Ukraine", "GB": "United Kingdom",
}
"""Countries offered in the country list (ISO 3166-1 alpha-2). Any other ISO code may be typed."""

LANGUAGES: dict[str, str] = {
    "en": "English", "de": "Deutsch", "nl": "Nederlands", "pt": "Português", "sk": "Slovenčina",
    "fr": "Français", "it": "Italiano", "es": "Español", "pl": "Polski", "cs": "Čeština",
    "hu": "Magyar", "sl": "Slovenščina", "hr": "Hrvatski", "ro": "Română", "el": "Ελληνικά",
    "sv": "Svenska", "da": "Dansk", "fi": "Suomi", "et": "Eesti", "lv": "Latviešu",
    "lt": "Lietuvių", "bg": "Български", "ga": "Gaeilge", "mt": "Malti", "tr": "Türkçe",
    "uk": "Українська",
}
"""Working languages offered (ISO 639-1). Any other two-letter code may be typed."""

_COUNTRY_LANGUAGE = {
    "AT": "de", "DE": "de", "CH": "de", "LI": "de", "BE": "nl", "NL": "nl", "PT": "pt",
    "SK": "sk", "FR": "fr", "LU": "fr", "MC": "fr", "IT": "it", "SM": "it", "ES": "es",
    "AD": "es", "PL": "pl", "CZ": "cs", "HU": "hu", "SI": "sl", "HR": "hr", "RO": "ro",
    "MD": "ro", "GR": "el", "CY": "el", "SE": "sv", "DK": "da", "FI": "fi", "EE": "et",
    "LV": "lv", "LT": "lt", "BG": "bg", "IE": "en", "GB": "en", "MT": "mt", "TR": "tr",
    "UA": "uk",
}

MEETING_CSS = """<style>
.cocope-meeting { --jp-widgets-font-size: 16px; --jp-widgets-inline-height: 34px;
  --jp-widgets-inline-label-width: 10em; font-size: 16px; line-height: 1.4; }
.cocope-meeting h3 { font-size: 1.6em !important; }
.cocope-meeting h4 { font-size: 1.25em; margin: 14px 0 4px 0; }
.cocope-meeting .widget-checkbox { align-items: center; height: auto; }
.cocope-meeting .widget-checkbox label { display: flex; align-items: center; }
.cocope-meeting .widget-checkbox input[type=checkbox] { width: 1.5em; height: 1.5em;
  margin: 0 8px 0 0; }
.cocope-meeting select, .cocope-meeting input { font-size: 16px; }
.cocope-meeting .widget-button { font-size: 16px; }
.cocope-meeting .cocope-tally .widget-button { font-size: 26px; font-weight: bold; }
.cocope-meeting table { font-size: 16px; }
.cocope-meeting textarea { font-size: 16px; font-family: var(--jp-ui-font-family, sans-serif); }
</style>"""
"""Styles for forms shown on a projector: large type, big click targets."""

_WIDE = W.Layout(width="min(100%, 40em)")


# ----------------------------------------------------------------------------- small helpers
def _new_id(prefix: str, kind: str) -> str:
    return f"{prefix}:{kind}-{uuid.uuid4().hex[:8]}"


def _text(value) -> str | None:
    """Stripped text, or None when blank."""
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return None
    s = str(value).strip()
    return s or None


def _esc(value) -> str:
    return html.escape(_text(value) or "")


def _day(value) -> str:
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return ""
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError):
        return str(value)
    return "" if pd.isna(ts) else ts.strftime("%Y-%m-%d")


def _date(value) -> dt.date | None:
    """A store date (Timestamp/NaT) as a ``datetime.date`` for a DatePicker."""
    if value is None or value is pd.NaT:
        return None
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError):
        return None
    return None if pd.isna(ts) else ts.date()


def _table(headers: list[str], rows: list[list[str]], empty: str) -> str:
    """An HTML table; the caller escapes the cells."""
    if not rows:
        return f"<p style='color:#444;margin:4px 0'><i>{html.escape(empty)}</i></p>"
    th = "".join(f"<th style='text-align:left;padding:4px 10px;border-bottom:2px solid #555'>"
                 f"{html.escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td style='padding:4px 10px;vertical-align:top;"
                         f"border-bottom:1px solid #ccc'>{c}</td>" for c in r) + "</tr>"
        for r in rows
    )
    return (f"<table style='border-collapse:collapse;margin:4px 0'>"
            f"<thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>")


def _row(label: str, widget, width: str = "10em") -> W.HBox:
    """A label of fixed width (it never shrinks) and a field."""
    lbl = field_label(label, width=width)
    lbl.layout.min_width = width
    lbl.layout.flex = "0 0 auto"
    return W.HBox([lbl, widget], layout=W.Layout(align_items="center", margin="3px 0"))


def _fill() -> W.Layout:
    """Layout of a field that takes the rest of its row."""
    return W.Layout(flex="1 1 auto", width="auto")


def _heading(text: str) -> W.HTML:
    return W.HTML(f"<h4>{html.escape(text)}</h4>")


def _style() -> W.HTML:
    return W.HTML(MEETING_CSS, layout=W.Layout(height="0px", margin="0"))


def _problem(table: str, column: str | None, allowed: str, value=None) -> ValidationError:
    return ValidationError([Problem(table, None, column, value, allowed)])


def _cop_row(store, cop_id: str) -> pd.Series:
    cop = store.read("cop", where={"cop_id": cop_id})
    if cop.empty:
        raise StoreError(f"no CoP with cop_id {cop_id!r} in {store.path}")
    return cop.iloc[0]


def _members(store, cop_id: str) -> pd.DataFrame:
    return store.read("member", where={"cop_id": cop_id})


def _member_label(r) -> str:
    """``Teacher C``, or ``Coach (Support professional)`` when the pseudonym does not say the role."""
    role = ROLE_LABELS.get(r.role, r.role)
    if str(r.pseudonym).casefold().startswith(str(role).casefold()):
        return str(r.pseudonym)
    return f"{r.pseudonym} ({role})"


# ----------------------------------------------------------------------------- pure logic
def _letters(i: int) -> str:
    """0 -> 'A', 25 -> 'Z', 26 -> 'AA'."""
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def suggest_pseudonym(role: str, taken: Iterable[str]) -> str:
    """The first free pseudonym ``<Role> <letter>`` for a new member.

    Parameters
    ----------
    role : str
        A role of :class:`cocope_kit.model.Role`.
    taken : iterable of str
        Pseudonyms already used in the CoP (compared without case).

    >>> suggest_pseudonym("teacher", ["Teacher A", "Teacher B", "Student A"])
    'Teacher C'
    >>> suggest_pseudonym("student", ["Teacher A"])
    'Student A'
    """
    base = ROLE_LABELS.get(str(role), "Member")
    used = {str(t).strip().casefold() for t in taken if isinstance(t, str)}
    i = 0
    while f"{base} {_letters(i)}".casefold() in used:
        i += 1
    return f"{base} {_letters(i)}"


def consent_kinds(role: str) -> list[tuple[str, str]]:
    """Which consent records a member needs: ``(kind, label)`` pairs.

    Adults give their own consent; for a student a parent or guardian gives
    consent and the student gives assent.

    >>> [k for k, _ in consent_kinds("student")], [k for k, _ in consent_kinds("parent")]
    (['consent', 'assent'], ['consent'])
    """
    if role == Role.STUDENT.value:
        return [("consent", "Consent (parent)"), ("assent", "Assent (student)")]
    return [("consent", "Consent")]


_CODE_RE = re.compile(r"^\s*([A-Za-z]{2})(?:\s*(?:[—–:-].*)?)?$")


def parse_country(text) -> str | None:
    """An ISO 3166-1 alpha-2 code from what was typed or picked: ``"at"``, ``"AT — Austria"``,
    ``"Austria"``. Unknown text comes back as typed, for the schema to reject with a message.

    >>> parse_country("AT — Austria"), parse_country(" us "), parse_country("slovakia")
    ('AT', 'US', 'SK')
    """
    s = _text(text)
    if s is None:
        return None
    m = _CODE_RE.match(s)
    if m:
        return m.group(1).upper()
    by_name = {name.casefold(): code for code, name in EUROPEAN_COUNTRIES.items()}
    return by_name.get(s.casefold(), s)


def parse_language(text) -> str | None:
    """An ISO 639-1 code from ``"de"``, ``"de — Deutsch"`` or ``"Deutsch"``.

    >>> parse_language("nl — Nederlands"), parse_language("EN"), parse_language("Português")
    ('nl', 'en', 'pt')
    """
    s = _text(text)
    if s is None:
        return None
    m = _CODE_RE.match(s)
    if m:
        return m.group(1).lower()
    by_name = {name.casefold(): code for code, name in LANGUAGES.items()}
    return by_name.get(s.casefold(), s)


def _slug(text: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", (text or "").casefold()).strip("-")
    return s[:24].strip("-") or "cop"


def new_cop_id(country: str, name: str) -> str:
    """A readable, globally unique id: ``<country>-<name slug>-<6 hex digits>``."""
    return f"{(country or 'xx').lower()}-{_slug(name)}-{uuid.uuid4().hex[:6]}"


def current_cop(store, cop_id: str | None = None) -> str:
    """The CoP a notebook works on.

    ``cop_id`` when it is in the store; else the CoP named by the environment
    variable ``COCOPE_COP``; else the CoP created last.

    Raises
    ------
    StoreError
        If the store holds no CoP yet (create one with :class:`CopSetup`).
    """
    cops = store.read("cop")
    if cops.empty:
        raise StoreError(f"{store.path} holds no CoP yet; create one with widgets.CopSetup")
    known = set(cops["cop_id"])
    for wanted in (cop_id, os.environ.get("COCOPE_COP", "").strip() or None):
        if wanted and wanted in known:
            return wanted
    last = cops.sort_values("created_on", kind="stable").iloc[-1]
    return str(last["cop_id"])


# ----------------------------------------------------------------------------- CopSetup
_NEW = "__new__"


class CopSetup(Form):
    """Create a CoP or choose one, and keep its roster and consent register.

    Parameters
    ----------
    store : Store
    cop_id : str, optional
        The CoP to show first; default: the one created last.
    show_names : bool, default False
        Show real names in the roster (they are personal data: keep this off
        when the screen is projected).

    Attributes
    ----------
    cop_id : str or None
        The chosen CoP (a traitlet: ``setup.observe(fn, "cop_id")`` follows it).

    Notes
    -----
    A member's name is optional and never shown in outputs; the pseudonym is
    what everyone sees. It is suggested from the role (``Teacher C``) and can
    be changed. Pseudonyms are unique within a CoP. Adults have one consent
    record; students have their parent's consent and their own assent. A
    member is added with their consent records in one transaction.

    *Start the next cycle from this CoP* (at the end of meeting 3) previews
    who moves on, and after a second click ("Yes, start it") creates the new
    CoP with :func:`cocope_kit.cycle.start_next_cycle`: cycle + 1, linked to
    this one, the chosen members with their consent carried over by the rule
    of :mod:`cocope_kit.cycle`. The form then shows the new CoP.
    """

    cop_id = traitlets.Unicode(None, allow_none=True)

    def __init__(self, store, cop_id: str | None = None, *, show_names: bool = False):
        self._loading = False
        self._auto_pseudonym: str | None = None
        # -- choose
        self._cop = W.Dropdown(layout=W.Layout(width="min(100%, 40em)"))
        self._cop_info = W.HTML()
        # -- new CoP
        self._c_name = W.Text(placeholder="e.g. Together in class", layout=_WIDE)
        self._c_school = W.Text(placeholder="school (and town)", layout=_WIDE)
        self._c_country = W.Combobox(
            options=[f"{c} — {n}" for c, n in sorted(EUROPEAN_COUNTRIES.items(),
                                                     key=lambda kv: kv[1])],
            placeholder="pick or type an ISO code, e.g. AT", ensure_option=False,
            layout=W.Layout(width="20em"))
        self._c_language = W.Combobox(
            options=[f"{c} — {n}" for c, n in LANGUAGES.items()],
            placeholder="e.g. de", ensure_option=False, layout=W.Layout(width="20em"))
        self._c_created = W.DatePicker(value=dt.date.today())
        self._c_save = W.Button(description="Create CoP", button_style="primary", icon="plus",
                                layout=W.Layout(width="12em", height="40px"))
        self._c_save.on_click(self._on_create_cop)
        self._c_country.observe(self._on_country, "value")
        new_box = W.VBox([
            _row("Name", self._c_name), _row("School", self._c_school),
            _row("Country", self._c_country), _row("Language", self._c_language),
            _row("Created on", self._c_created), self._c_save,
        ])
        self._new_cop = W.Accordion(children=[new_box], titles=("+ Create a new CoP",))
        # -- roster
        self._roster_head = W.HTML()
        self._show_names = W.Checkbox(value=bool(show_names),
                                      description="Show real names (not on a projector)",
                                      indent=False, layout=W.Layout(width="30em"))
        self._show_names.observe(self._on_show_names, "value")
        self._roster = W.HTML()
        self._member = W.Dropdown(layout=W.Layout(width="min(100%, 30em)"))
        self._m_name = W.Text(placeholder="optional; personal data, never shown in outputs",
                              layout=_WIDE)
        self._m_role = W.Dropdown(options=[(ROLE_LABELS[r], r) for r in values(Role)],
                                  value="teacher", layout=W.Layout(width="20em"))
        self._m_pseudonym = W.Text(layout=W.Layout(width="20em"))
        self._m_core = W.ToggleButtons(options=[("core member", True), ("extended network", False)],
                                       value=True, style={"button_width": "11em"})
        self._m_joined = W.DatePicker(value=dt.date.today())
        self._m_left = W.DatePicker(value=None)
        self._consent: dict[str, W.Dropdown] = {
            kind: W.Dropdown(options=[(CONSENT_LABELS[s], s) for s in values(ConsentStatus)],
                             value="pending", layout=W.Layout(width="14em"))
            for kind in ("consent", "assent")
        }
        self._consent_rows = {kind: _row(kind.capitalize(), self._consent[kind])
                              for kind in ("consent", "assent")}
        self._m_recorded = W.DatePicker(value=dt.date.today())
        self._m_save = W.Button(description="Add member", button_style="primary", icon="plus",
                                layout=W.Layout(width="14em", height="40px"))
        self._m_save.on_click(self._on_save_member)
        self._member.observe(self._on_member, "value")
        self._m_role.observe(self._on_role, "value")
        self._member_box = W.VBox([
            _row("Member", self._member),
            _row("Role", self._m_role), _row("Pseudonym", self._m_pseudonym),
            _row("Name", self._m_name), _row("Membership", self._m_core),
            _row("Joined on", self._m_joined), _row("Left on", self._m_left),
            self._consent_rows["consent"], self._consent_rows["assent"],
            _row("Recorded on", self._m_recorded), self._m_save,
        ])
        # -- next cycle
        self._n_members = W.ToggleButtons(
            options=[("core members", "core"), ("everyone still in the CoP", "all")],
            value="core", style={"button_width": "15em"})
        self._n_start = W.DatePicker(value=dt.date.today())
        self._n_id = W.Text(layout=W.Layout(width="20em"))
        self._n_preview = W.HTML()
        self._n_go = W.Button(description="Start the next cycle…", icon="refresh",
                              layout=W.Layout(width="16em", height="40px"))
        self._n_question = W.HTML()
        self._n_yes = W.Button(description="Yes, start it", button_style="warning", icon="check",
                               layout=W.Layout(width="12em", height="40px"))
        self._n_no = W.Button(description="Cancel", layout=W.Layout(width="8em", height="40px"))
        self._n_confirm = W.VBox([self._n_question, W.HBox([self._n_yes, self._n_no])],
                                 layout=W.Layout(display="none", border="2px solid #8a5300",
                                                 padding="6px 10px", margin="6px 0"))
        self._n_go.on_click(self._on_next_ask)
        self._n_yes.on_click(self._on_next_confirm)
        self._n_no.on_click(self._on_next_cancel)
        self._n_members.observe(self._on_next_options, "value")
        self._next = W.Accordion(children=[W.VBox([
            W.HTML("<p style='margin:2px 0 6px 0'>At the end of meeting 3: a new CoP for the next "
                   "cycle, linked to this one. Its Domain meeting shows this cycle's lessons.</p>"),
            _row("Who moves on", self._n_members), _row("Starts on", self._n_start),
            _row("New CoP id", self._n_id), self._n_preview, self._n_go, self._n_confirm,
        ])], titles=("↻ Start the next cycle from this CoP",))
        super().__init__(store, "Our Community of Practice", [
            _style(), _row("CoP", self._cop), self._cop_info, self._new_cop,
            self._roster_head, self._show_names, self._roster,
            _heading("Add or edit a member"), self._member_box, self._next,
        ])
        self.add_class("cocope-meeting")
        self._cop.observe(self._on_cop, "value")
        first = None
        if store.count("cop"):
            first = current_cop(store, cop_id)
        elif cop_id is not None:
            raise StoreError(f"no CoP with cop_id {cop_id!r} in {store.path}")
        self._fill_cops(first)
        if first is None:
            self._new_cop.selected_index = 0
            self._status.show("info", "No CoP yet: create one under “Create a new CoP”.")

    # -- CoP ------------------------------------------------------------------------------
    def _fill_cops(self, select: str | None) -> None:
        cops = self._store.read("cop").sort_values(["created_on", "cop_id"], kind="stable")
        self._loading = True
        try:
            self._cop.options = [(f"{r.name} · {r.school} ({r.country})"
                                  + (f" · cycle {int(r.cycle)}" if pd.notna(r.cycle)
                                     and int(r.cycle) > 1 else ""), r.cop_id)
                                 for r in cops.itertuples()]
            self._cop.value = select
        finally:
            self._loading = False
        self._on_cop()

    def _on_cop(self, _change=None) -> None:
        if self._loading:
            return
        self.cop_id = self._cop.value
        self._member_box.layout.display = None if self.cop_id else "none"
        self._next.layout.display = None if self.cop_id else "none"
        self._n_confirm.layout.display = "none"
        if self.cop_id is None:
            self._cop_info.value = ""
            self._roster_head.value = ""
            self._roster.value = ""
            return
        r = _cop_row(self._store, self.cop_id)
        prev = f" · follows {_esc(r['previous_cop_id'])}" if _text(r["previous_cop_id"]) else ""
        self._cop_info.value = (
            f"<p style='margin:2px 0 6px 0'><code>{_esc(r['cop_id'])}</code> · "
            f"{_esc(EUROPEAN_COUNTRIES.get(r['country'], r['country']))} · language "
            f"{_esc(r['language'])} · cycle {int(r['cycle']) if pd.notna(r['cycle']) else 1} · "
            f"set up on {_day(r['created_on'])}{prev}</p>")
        self._fill_members(None)
        self._show_roster()
        self._n_id.value = default_next_id(self.cop_id, int(r["cycle"]) if pd.notna(r["cycle"]) else 1)
        self._on_next_options()

    def _on_country(self, _change=None) -> None:
        code = parse_country(self._c_country.value)
        lang = _COUNTRY_LANGUAGE.get(code or "")
        if lang and not _text(self._c_language.value):
            self._c_language.value = f"{lang} — {LANGUAGES[lang]}"

    @safe_handler
    def _on_create_cop(self, _button=None) -> None:
        country = parse_country(self._c_country.value)
        name = _text(self._c_name.value)
        row = {"cop_id": new_cop_id(country if country in COUNTRIES else "xx", name or ""),
               "name": name, "school": _text(self._c_school.value), "country": country,
               "language": parse_language(self._c_language.value),
               "created_on": self._c_created.value}
        self._store.insert("cop", row)
        for w in (self._c_name, self._c_school, self._c_country, self._c_language):
            w.value = ""
        self._new_cop.selected_index = None
        self._fill_cops(row["cop_id"])
        self._status.show("ok", f"Created the CoP “{name}”. Now add its members below.")

    # -- roster ---------------------------------------------------------------------------
    def _consents(self, member_ids: list[str]) -> pd.DataFrame:
        return self._store.read("consent", where={"member_id": member_ids})

    def _show_roster(self) -> None:
        mem = _members(self._store, self.cop_id)
        cons = self._consents(list(mem["member_id"]))
        status = {(r.member_id, r.kind): r.status for r in cons.itertuples()}
        names = self._show_names.value
        rows = []
        for r in mem.itertuples():
            kinds = dict(consent_kinds(r.role))
            cells = [f"<b>{_esc(r.pseudonym)}</b>"]
            if names:
                cells.append(_esc(r.name))
            cells += [_esc(ROLE_LABELS.get(r.role, r.role)),
                      "core" if bool(r.core) else "extended",
                      _esc(_day(r.joined_on)) + (f" – left {_day(r.left_on)}"
                                                 if _day(r.left_on) else "")]
            for kind in ("consent", "assent"):
                if kind not in kinds:
                    cells.append("—")
                    continue
                st = status.get((r.member_id, kind))
                label = CONSENT_LABELS.get(st, "not recorded") if st else "✗ not recorded"
                colour = "#1b5e20" if st == "given" else ("#8a5300" if st == "pending"
                                                          else "#8b0000")
                cells.append(f"<span style='color:{colour};font-weight:bold'>"
                             f"{html.escape(label)}</span>")
            rows.append(cells)
        headers = ["pseudonym"] + (["name"] if names else []) + [
            "role", "membership", "joined", "consent", "assent (students)"]
        self._roster.value = _table(headers, rows, "No members yet: add the first one below.")
        self._roster_head.value = "<h4>Members</h4>" + self._balance(mem)

    @staticmethod
    def _balance(mem: pd.DataFrame) -> str:
        """A line on the CoP's make-up: core size, students and families."""
        if mem.empty:
            return ""
        active = mem[mem["left_on"].isna()]
        core = int(active["core"].fillna(True).astype(bool).sum())
        groups = active["role"].map(role_group)
        n_students = int((groups == "student").sum())
        n_family = int((groups == "family").sum())
        tips = []
        if not 6 <= core <= 8:
            tips.append("a CoP works best with about 6–8 core members")
        if not n_students:
            tips.append("no student yet: students' voice belongs in the CoP")
        if not n_family:
            tips.append("no parent yet: families see what school cannot")
        tip = (" <span style='color:#8a5300'>(" + html.escape("; ".join(tips)) + ")</span>"
               if tips else "")
        return (f"<p style='margin:2px 0'>{core} core member{'s' if core != 1 else ''}, "
                f"{len(active) - core} in the extended network; {n_students} student"
                f"{'s' if n_students != 1 else ''}, {n_family} parent"
                f"{'s' if n_family != 1 else ''}.{tip}</p>")

    def _on_show_names(self, _change=None) -> None:
        if self.cop_id:
            self._show_roster()

    def _fill_members(self, select: str | None) -> None:
        mem = _members(self._store, self.cop_id)
        self._loading = True
        try:
            self._member.options = [("+ a new member", _NEW)] + [
                (_member_label(r), r.member_id) for r in mem.itertuples()]
            self._member.value = select or _NEW
        finally:
            self._loading = False
        self._on_member()

    def _on_member(self, _change=None) -> None:
        if self._loading:
            return
        mid = self._member.value
        self._loading = True
        try:
            if mid in (None, _NEW):
                self._m_name.value = ""
                self._m_pseudonym.value = ""
                self._m_role.value = "teacher"
                self._m_core.value = True
                self._m_joined.value = dt.date.today()
                self._m_left.value = None
                for dd in self._consent.values():
                    dd.value = "pending"
                self._m_recorded.value = dt.date.today()
                self._m_save.description = "Add member"
                self._m_save.icon = "plus"
                self._auto_pseudonym = None
            else:
                r = self._store.read("member", where={"member_id": mid}).iloc[0]
                cons = self._consents([mid])
                self._m_name.value = _text(r["name"]) or ""
                self._m_role.value = r["role"]
                self._m_pseudonym.value = r["pseudonym"]
                self._m_core.value = bool(r["core"]) if pd.notna(r["core"]) else True
                self._m_joined.value = _date(r["joined_on"])
                self._m_left.value = _date(r["left_on"])
                for kind, dd in self._consent.items():
                    hit = cons[cons["kind"] == kind]
                    dd.value = hit["status"].iloc[0] if len(hit) else "pending"
                recorded = cons["recorded_on"].max() if len(cons) else None
                self._m_recorded.value = _date(recorded) or dt.date.today()
                self._m_save.description = "Save changes"
                self._m_save.icon = "check"
                self._auto_pseudonym = None
        finally:
            self._loading = False
        self._on_role()

    def _on_role(self, _change=None) -> None:
        kinds = dict(consent_kinds(self._m_role.value))
        for kind, row in self._consent_rows.items():
            row.layout.display = None if kind in kinds else "none"
            row.children[0].value = f"<b>{html.escape(kinds.get(kind, kind))}</b>"
        if self._loading or not self.cop_id:
            return
        current = _text(self._m_pseudonym.value)
        if current is None or current == self._auto_pseudonym:
            mem = _members(self._store, self.cop_id)
            taken = mem.loc[mem["member_id"] != self._member.value, "pseudonym"]
            self._auto_pseudonym = suggest_pseudonym(self._m_role.value, taken)
            self._m_pseudonym.value = self._auto_pseudonym

    @safe_handler
    def _on_save_member(self, _button=None) -> None:
        if not self.cop_id:
            raise _problem("member", "cop_id", "choose or create a CoP first")
        mid = self._member.value
        new = mid in (None, _NEW)
        pseudonym = _text(self._m_pseudonym.value)
        mem = _members(self._store, self.cop_id)
        others = mem[mem["member_id"] != (None if new else mid)]
        if pseudonym and pseudonym.casefold() in {p.casefold() for p in others["pseudonym"]}:
            raise _problem("member", "pseudonym",
                           "another member of this CoP has this pseudonym; choose another, "
                           f"e.g. {suggest_pseudonym(self._m_role.value, mem['pseudonym'])!r}",
                           pseudonym)
        if new:
            mid = _new_id(self.cop_id, "member")
        row = {"member_id": mid, "cop_id": self.cop_id, "name": _text(self._m_name.value),
               "pseudonym": pseudonym, "role": self._m_role.value, "core": self._m_core.value,
               "joined_on": self._m_joined.value, "left_on": self._m_left.value}
        recorded = self._m_recorded.value or dt.date.today()
        wanted = {kind: self._consent[kind].value for kind, _ in consent_kinds(row["role"])}
        if new:
            self._store.write({"member": [row], "consent": [
                {"member_id": mid, "kind": k, "status": s, "recorded_on": recorded}
                for k, s in wanted.items()]})
        else:
            old = self._consents([mid]).set_index("kind")["status"].to_dict()
            with self._store.transaction():
                self._store.update("member", row)
                for kind, st in wanted.items():
                    if kind not in old:
                        self._store.insert("consent", {"member_id": mid, "kind": kind,
                                                       "status": st, "recorded_on": recorded})
                    elif old[kind] != st:
                        self._store.update("consent", {"member_id": mid, "kind": kind,
                                                       "status": st, "recorded_on": recorded})
        self._fill_members(None)
        self._show_roster()
        note = ""
        if "withdrawn" in wanted.values() or "refused" in wanted.values():
            note = (" Without consent they are left out of analyses; to erase their data run "
                    f"`cocope forget --store … --member {mid}`.")
        self._status.show("ok", f"{'Added' if new else 'Saved'} {pseudonym}.{note}")


    # -- next cycle -----------------------------------------------------------------------
    def _next_plan(self) -> pd.DataFrame:
        return carry_over(self._store, self.cop_id, members=self._n_members.value,
                          new_cop_id=_text(self._n_id.value))

    def _on_next_options(self, _change=None) -> None:
        self._n_confirm.layout.display = "none"
        if self.cop_id is None:
            self._n_preview.value = ""
            return
        plan = self._next_plan()
        go = plan[plan["carried"]]
        stay = plan[~plan["carried"]]
        moving = ", ".join(_esc(p) for p in go["pseudonym"]) or "<i>nobody</i>"
        html_ = (f"<p style='margin:4px 0'><b>Moves on ({len(go)}):</b> {moving}</p>")
        if len(stay):
            items = "".join(f"<li>{_esc(r.pseudonym)}: {_esc(r.reason)}</li>"
                            for r in stay.itertuples())
            html_ += (f"<p style='margin:4px 0'><b>Stays behind ({len(stay)}):</b></p>"
                      f"<ul style='margin:0 0 4px 18px'>{items}</ul>")
        html_ += ("<p style='margin:4px 0;color:#333'>Consent given in this cycle is carried "
                  "over (noted as such); pending stays pending; anyone who refused or withdrew "
                  "is not carried over.</p>")
        self._n_preview.value = html_

    @safe_handler
    def _on_next_ask(self, _button=None) -> None:
        if self.cop_id is None:
            raise UsageError("choose a CoP first")
        plan = self._next_plan()
        n = int(plan["carried"].sum())
        new_id = _text(self._n_id.value) or ""
        start = self._n_start.value or dt.date.today()
        self._n_question.value = (
            f"<p style='margin:2px 0 6px 0;font-size:1.05em'>Create the CoP <code>{_esc(new_id)}"
            f"</code> for the next cycle, starting on {_day(start)}, with {n} member"
            f"{'s' if n != 1 else ''}? This is stored at once.</p>")
        self._n_confirm.layout.display = None
        self._status.show("info", "Please confirm: “Yes, start it” or “Cancel”.")

    @safe_handler
    def _on_next_confirm(self, _button=None) -> None:
        old = self.cop_id
        new = start_next_cycle(self._store, old, new_cop_id=_text(self._n_id.value),
                               members=self._n_members.value,
                               today=self._n_start.value or dt.date.today())
        n = len(_members(self._store, new))
        self._next.selected_index = None
        self._fill_cops(new)
        cycle = int(_cop_row(self._store, new)["cycle"])
        self._status.show("ok", f"Started cycle {cycle}: the CoP {new} follows {old}, with {n} "
                                f"member{'s' if n != 1 else ''}. Its Domain meeting shows the "
                                "lessons of the previous cycle.")

    def _on_next_cancel(self, _button=None) -> None:
        self._n_confirm.layout.display = "none"
        self._status.show("info", "Nothing was started.")


# ----------------------------------------------------------------------------- attendance
class _Tally:
    """The controls of one member in the attendance list."""

    def __init__(self, member_id: str, label: str, on_present, on_step):
        self.member_id = member_id
        self.present = W.Checkbox(value=False, description=label, indent=False,
                                  layout=W.Layout(width="22em"))
        self.minus = W.Button(description="−", tooltip=f"one contribution less: {label}",
                              layout=W.Layout(width="3.2em", height="48px"))
        self.plus = W.Button(description="+", tooltip=f"one more contribution: {label}",
                             button_style="info", layout=W.Layout(width="3.2em", height="48px"))
        self.count = W.HTML(layout=W.Layout(width="3.5em"))
        self.note = W.HTML(layout=W.Layout(width="10em"))
        self.present.observe(lambda ch: on_present(self, ch), "value")
        self.minus.on_click(lambda _b: on_step(self, -1))
        self.plus.on_click(lambda _b: on_step(self, +1))
        tally = W.HBox([self.minus, self.count, self.plus], layout=W.Layout(align_items="center"))
        tally.add_class("cocope-tally")
        self.box = W.HBox([self.present, tally, self.note],
                          layout=W.Layout(align_items="center", margin="2px 0",
                                          border_bottom="1px solid #ddd"))

    def show(self, present: bool | None, contributions: int | None) -> None:
        self.count.value = (f"<div style='font-size:26px;font-weight:bold;text-align:center'>"
                            f"{'' if contributions is None else int(contributions)}</div>")
        self.note.value = ("<span style='color:#555'>not recorded</span>" if present is None
                           else ("" if present else "<span style='color:#555'>absent</span>"))


class AttendanceTaker(Form):
    """Who is at a meeting, and how often each person spoke.

    Parameters
    ----------
    store : Store
    meeting_id : str, optional
        The meeting to take attendance for.
    cop_id : str, optional
        Without ``meeting_id``: the CoP whose meetings are offered (the
        latest meeting of ``phase``, or the latest meeting, is chosen).
    phase : {"domain", "community", "practice", "other"}, optional
        Preselects the latest meeting of this phase and the phase of a new
        meeting.

    Notes
    -----
    Every tick and every +/− click is stored at once (one transaction that
    reads the current row, so two facilitators counting at once do not lose
    clicks). A ``+`` for a member marked absent marks them present. A new
    attendance row starts at 0 contributions. Members who left before the
    meeting, or joined after it, are not listed unless they have a row.
    """

    def __init__(self, store, meeting_id: str | None = None, cop_id: str | None = None,
                 phase: str | None = None):
        if phase is not None and phase not in values(Phase):
            raise UsageError(f"phase must be one of {', '.join(values(Phase))}, got {phase!r}")
        if meeting_id is not None:
            m = store.read("meeting", where={"meeting_id": meeting_id})
            if m.empty:
                raise StoreError(f"no meeting with meeting_id {meeting_id!r} in {store.path}")
            if cop_id is not None and cop_id != m["cop_id"].iloc[0]:
                raise UsageError(f"meeting {meeting_id!r} belongs to CoP {m['cop_id'].iloc[0]!r}, "
                                 f"not {cop_id!r}")
            cop_id = str(m["cop_id"].iloc[0])
        elif cop_id is None:
            raise UsageError("AttendanceTaker needs a meeting_id or a cop_id")
        self._cop_id = cop_id
        self._cop_name = str(_cop_row(store, cop_id)["name"])
        self._loading = False
        self._tallies: dict[str, _Tally] = {}
        self._meeting = W.Dropdown(layout=W.Layout(width="min(100%, 30em)"))
        self._new_phase = W.Dropdown(options=[(PHASE_LABELS[p], p) for p in values(Phase)],
                                     value=phase or "domain", layout=W.Layout(width="16em"))
        self._new_held = W.DatePicker(value=dt.date.today())
        self._new_note = W.Text(placeholder="optional note", layout=W.Layout(width="20em"))
        self._new_save = W.Button(description="Create meeting", icon="plus",
                                  layout=W.Layout(width="12em", height="40px"))
        self._new_save.on_click(self._on_create_meeting)
        self._new_box = W.Accordion(children=[W.VBox([
            _row("Phase", self._new_phase), _row("Held on", self._new_held),
            _row("Note", self._new_note), self._new_save])], titles=("+ A new meeting",))
        self._all = W.Button(description="Everyone is here", icon="users",
                             layout=W.Layout(width="14em", height="40px"))
        self._all.on_click(self._on_all_present)
        self._list = W.VBox()
        self._summary = W.HTML()
        super().__init__(store, f"Attendance · {self._cop_name}", [
            _style(), _row("Meeting", self._meeting), self._new_box,
            W.HTML("<p style='margin:6px 0'>Tick who is here. Press <b>+</b> each time a person "
                   "speaks up with an idea or a question (<b>−</b> to undo).</p>"),
            self._all, self._list, self._summary,
        ])
        self.add_class("cocope-meeting")
        self._meeting.observe(self._on_meeting, "value")
        self._fill_meetings(meeting_id, phase)

    # -- meetings -------------------------------------------------------------------------
    @property
    def meeting_id(self) -> str | None:
        """The meeting shown."""
        return self._meeting.value

    def _fill_meetings(self, select: str | None, phase: str | None = None) -> None:
        ms = self._store.read("meeting", where={"cop_id": self._cop_id})
        ms = ms.sort_values(["held_on", "meeting_id"], kind="stable")
        if select is None and len(ms):
            pool = ms[ms["phase"] == phase] if phase else ms
            select = pool["meeting_id"].iloc[-1] if len(pool) else None
        self._loading = True
        try:
            self._meeting.options = [(f"{PHASE_LABELS.get(r.phase, r.phase)} · {_day(r.held_on)}",
                                      r.meeting_id) for r in ms.itertuples()]
            self._meeting.value = select
        finally:
            self._loading = False
        if select is None:
            self._new_box.selected_index = 0
            what = f"no {PHASE_LABELS[phase]} meeting" if phase else "no meeting"
            self._status.show("info", f"This CoP has {what} yet: create it under “A new meeting”.")
        self._on_meeting()

    @safe_handler
    def _on_create_meeting(self, _button=None) -> None:
        row = {"meeting_id": _new_id(self._cop_id, "meeting"), "cop_id": self._cop_id,
               "phase": self._new_phase.value, "held_on": self._new_held.value,
               "note": _text(self._new_note.value)}
        self._store.insert("meeting", row)
        self._new_note.value = ""
        self._new_box.selected_index = None
        self._fill_meetings(row["meeting_id"])
        self._status.show("ok", f"Created the meeting {PHASE_LABELS[row['phase']]} on "
                                f"{_day(row['held_on'])}.")

    def _held_on(self) -> pd.Timestamp | None:
        m = self._store.read("meeting", where={"meeting_id": self.meeting_id})
        return None if m.empty else m["held_on"].iloc[0]

    def _on_meeting(self, _change=None) -> None:
        if self._loading:
            return
        mid = self.meeting_id
        self._all.disabled = mid is None
        if mid is None:
            self._tallies = {}
            self._list.children = []
            self._summary.value = ""
            return
        held = self._held_on()
        mem = _members(self._store, self._cop_id)
        att = self._store.read("attendance", where={"meeting_id": mid})
        recorded = set(att["member_id"])
        keep = mem["member_id"].isin(recorded)
        if held is not None and not pd.isna(held):
            in_time = ~(mem["left_on"] < held).fillna(False) & ~(mem["joined_on"] > held).fillna(False)
            keep |= in_time.astype(bool)
        else:
            keep[:] = True
        self._tallies = {}
        for r in mem[keep].itertuples():
            self._tallies[r.member_id] = _Tally(r.member_id, _member_label(r),
                                                self._on_present, self._on_step)
        self._list.children = [t.box for t in self._tallies.values()]
        if not self._tallies:
            self._list.children = [W.HTML("<i>No members yet: add them with CopSetup.</i>")]
        self._show(att)

    def _show(self, att: pd.DataFrame | None = None) -> None:
        if att is None:
            att = self._store.read("attendance", where={"meeting_id": self.meeting_id})
        by = {r.member_id: r for r in att.itertuples()}
        self._loading = True
        try:
            for mid, t in self._tallies.items():
                r = by.get(mid)
                present = None if r is None else bool(r.present)
                n = None if r is None or pd.isna(r.contributions) else int(r.contributions)
                t.present.value = bool(present)
                t.show(present, n if present else (n or None))
        finally:
            self._loading = False
        self._summary.value = self._summary_html(att)

    def _summary_html(self, att: pd.DataFrame) -> str:
        mem = _members(self._store, self._cop_id).set_index("member_id")
        here = att[att["present"].fillna(False).astype(bool)]
        total = int(here["contributions"].fillna(0).sum())
        parts = [f"<b>{len(here)}</b> of {len(self._tallies)} present",
                 f"<b>{total}</b> contribution{'s' if total != 1 else ''}"]
        if total:
            groups = here["member_id"].map(mem["role"]).map(role_group)
            for g, word in (("student", "students"), ("family", "parents")):
                n = int(here.loc[groups == g, "contributions"].fillna(0).sum())
                share_members = (groups == g).sum() / max(len(here), 1)
                parts.append(f"{word} {n} ({n / total:.0%} of contributions, "
                             f"{share_members:.0%} of those present)")
        return "<p style='font-size:18px;margin:8px 0'>" + " · ".join(parts) + "</p>"

    # -- clicks ---------------------------------------------------------------------------
    def controls(self, member_id: str) -> _Tally:
        """The checkbox and +/− buttons of one member (for tests and scripts)."""
        return self._tallies[member_id]

    def _record(self, member_id: str, *, present: bool | None = None, step: int = 0) -> None:
        """Store one change in one transaction, starting from the row as it is now."""
        key = {"meeting_id": self.meeting_id, "member_id": member_id}
        with self._store.transaction():
            cur = self._store.read("attendance", where=key)
            if cur.empty:
                was_present, n = False, 0
            else:
                was_present = bool(cur["present"].iloc[0])
                c = cur["contributions"].iloc[0]
                n = 0 if pd.isna(c) else int(c)
            new_present = was_present if present is None else present
            if step > 0:
                new_present = True
            n = max(n + step, 0)
            row = {**key, "present": new_present, "contributions": n}
            if cur.empty:
                self._store.insert("attendance", row)
            else:
                self._store.update("attendance", row)

    @safe_handler
    def _on_present_safe(self, tally: _Tally, value: bool) -> None:
        self._record(tally.member_id, present=value)
        self._show()
        label = tally.present.description
        self._status.show("ok", f"{label}: {'present' if value else 'absent'}.")

    def _on_present(self, tally: _Tally, change) -> None:
        if self._loading:
            return
        self._on_present_safe(tally, bool(change["new"]))

    @safe_handler
    def _on_step(self, tally: _Tally, step: int) -> None:
        self._record(tally.member_id, step=step)
        self._show()
        self._status.clear()

    @safe_handler
    def _on_all_present(self, _button=None) -> None:
        att = self._store.read("attendance", where={"meeting_id": self.meeting_id})
        have = {r.member_id: r for r in att.itertuples()}
        new, changed = [], []
        for mid in self._tallies:
            r = have.get(mid)
            if r is None:
                new.append({"meeting_id": self.meeting_id, "member_id": mid, "present": True,
                            "contributions": 0})
            elif not bool(r.present):
                changed.append({"meeting_id": self.meeting_id, "member_id": mid, "present": True})
        with self._store.transaction():
            if new:
                self._store.insert("attendance", new)
            if changed:
                self._store.update("attendance", changed)
        self._show()
        self._status.show("ok", f"Marked {len(new) + len(changed)} more member"
                                f"{'s' if len(new) + len(changed) != 1 else ''} present. "
                                "Untick anyone who is not here.")
