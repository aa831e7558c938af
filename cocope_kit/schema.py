"""One declarative schema per table of the store, and validation against it.

:func:`validate` checks a whole frame and reports **every** problem at once,
each naming the table, the row (as the user counts it), the column, the bad
value and what is allowed. It returns a copy with proper dtypes:

======== ===================================== ==============================
type     accepted input                        dtype after validation
======== ===================================== ==============================
text     anything; blank = missing             ``str`` (missing = NaN)
int      whole numbers                         ``Int64``
real     numbers                               ``float64`` (NaN = missing)
bool     true/false, yes/no, 1/0               ``boolean``
date     ``YYYY-MM-DD`` (a real calendar day)  ``datetime64[ns]``
timestamp ISO-8601, converted to UTC           ``datetime64[ns, UTC]``
json     JSON text or a dict/list              ``str`` (JSON text)
======== ===================================== ==============================

Every id column (one-column keys, references, ``instrument_id``, ``item_id``,
``prompt_id``, ``respondent_id``) matches :data:`ID_PATTERN`
(``[A-Za-z0-9][A-Za-z0-9._:-]{0,127}``), ids are unique ignoring case and
surrounding spaces, text holds no control characters (tab and line breaks in
long text only) and numbers are finite: see :mod:`cocope_kit.schema_rules` and
``docs/input_rules.md``.

Examples
--------
>>> import pandas as pd
>>> from cocope_kit import schema
>>> df = pd.DataFrame({"meeting_id": ["m1"], "cop_id": ["be-1"], "phase": ["domain"],
...                    "held_on": ["2026-02-30"]})
>>> schema.validate("meeting", df)
Traceback (most recent call last):
...
cocope_kit.errors.ValidationError: 1 problem in table 'meeting':
  - meeting row 1, column 'held_on': '2026-02-30' is not allowed; a date as YYYY-MM-DD that exists in the calendar
>>> schema.TABLES["attendance"].key
('meeting_id', 'member_id')
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .answer_status import STATUSES, derive_status, status_conflicts
from .errors import Problem, UsageError, ValidationError
from .model import (
    ActionStatus,
    ConsentKind,
    ConsentStatus,
    Direction,
    IdeaKind,
    LessonKind,
    Phase,
    Role,
    Verdict,
    values,
)
from .schema_docs import COLUMN_DOCS
from .schema_rules import (
    ID_ALLOWED,
    ID_EXTRA_COLUMNS,
    ID_PATTERN,
    LONG_TEXT,
    TEXT_ALLOWED,
    bad_text,
    id_norm,
)
from .schema_types import TEXT_DTYPE, _coerce

__all__ = [
    "Column",
    "Table",
    "TABLES",
    "TABLE_ORDER",
    "SERVICE_TABLES",
    "TEXT_DTYPE",
    "COUNTRIES",
    "ID_PATTERN",
    "validate",
    "typed",
    "to_records",
    "describe",
]


TYPES = ("text", "int", "real", "bool", "date", "timestamp", "json")

COUNTRIES = frozenset(
    """AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ
    BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO
    DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU
    GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW
    KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU
    MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW
    PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF
    TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA
    ZM ZW XK""".split()
)
"""ISO 3166-1 alpha-2 codes, plus the widely used user-assigned XK (Kosovo)."""

_LANG = r"[a-z]{2}"


@dataclass(frozen=True)
class Column:
    """One column of a table.

    ``ref`` names the ``(table, column)`` a value must exist in (a foreign key);
    ``personal`` marks personal data that exports replace or drop unless names
    are asked for; ``default`` fills blanks of a column that is not required.
    """

    name: str
    type: str = "text"
    required: bool = False
    allowed: tuple | frozenset | None = None
    ref: tuple[str, str] | None = None
    min: float | None = None
    max: float | None = None
    pattern: str | None = None
    default: object = None
    personal: bool = False
    description: str = ""

    def allowed_text(self) -> str:
        """Human wording of what the column accepts."""
        if self.allowed is not None:
            vals = sorted(self.allowed) if isinstance(self.allowed, frozenset) else self.allowed
            shown = ", ".join(map(str, vals[:12])) + (", ..." if len(vals) > 12 else "")
            return f"one of: {shown}"
        text = {
            "text": "text",
            "int": "a whole number",
            "real": "a number",
            "bool": "true or false (also yes/no, 1/0)",
            "date": "a date as YYYY-MM-DD that exists in the calendar",
            "timestamp": "an ISO-8601 date and time, e.g. 2026-05-04T10:30:00Z",
            "json": "valid JSON text",
        }[self.type]
        if self.min is not None and self.max is not None:
            text += f" from {_num(self.min)} to {_num(self.max)}"
        elif self.min is not None:
            text += f" of at least {_num(self.min)}"
        elif self.max is not None:
            text += f" of at most {_num(self.max)}"
        if self.pattern == _LANG:
            text = "a two-letter language code such as en, de, nl, pt, sk"
        elif self.pattern == ID_PATTERN:
            text = ID_ALLOWED
        return text

    @property
    def is_id(self) -> bool:
        """True for a column holding ids (checked against :data:`ID_PATTERN`)."""
        return self.pattern == ID_PATTERN


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


@dataclass(frozen=True)
class RowRule:
    """A rule across columns of one row; ``bad(df)`` returns a boolean mask of rows that break it."""

    column: str
    bad: Callable[[pd.DataFrame], pd.Series]
    message: str


@dataclass(frozen=True)
class Table:
    """A table of the store: its columns, key and cross-column rules."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    description: str = ""
    rules: tuple[RowRule, ...] = field(default=())
    derive: Callable[[pd.DataFrame], pd.DataFrame] | None = None
    """Fills columns that follow from others once cells are typed (``answer.status``)."""

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def refs(self) -> dict[str, tuple[str, str]]:
        return {c.name: c.ref for c in self.columns if c.ref}


def _before(a: str, b: str) -> Callable[[pd.DataFrame], pd.Series]:
    """Rows where both dates are given and ``b`` is earlier than ``a``."""

    def bad(df: pd.DataFrame) -> pd.Series:
        return (df[b] < df[a]).fillna(False).astype(bool)

    return bad


def _same(a: str, b: str) -> Callable[[pd.DataFrame], pd.Series]:
    def bad(df: pd.DataFrame) -> pd.Series:
        return (df[a] == df[b]).fillna(False).astype(bool)

    return bad


C = Column
_ID = "a unique id (text)"

_TABLE_LIST = [
    Table(
        "cop",
        (
            C("cop_id", required=True, description=_ID),
            C("name", required=True, description="name of the CoP"),
            C("school", required=True, description="school (or schools) the CoP belongs to"),
            C("country", required=True, allowed=COUNTRIES, description="ISO 3166-1 alpha-2 code"),
            C("language", required=True, pattern=_LANG, description="working language, ISO 639-1"),
            C("cycle", "int", min=1, default=1, description="1 for the first cycle, 2 for the next, ..."),
            C("previous_cop_id", ref=("cop", "cop_id"), description="the CoP of the previous cycle"),
            C("created_on", "date", required=True, description="day the CoP was set up"),
        ),
        ("cop_id",),
        "A Community of Practice at one school, for one cycle of three meetings.",
    ),
    Table(
        "member",
        (
            C("member_id", required=True, description=_ID),
            C("cop_id", required=True, ref=("cop", "cop_id")),
            C("name", personal=True, description="real name (personal data; never in outputs by default)"),
            C("pseudonym", required=True, description="name shown in outputs"),
            C("role", required=True, allowed=values(Role)),
            C("core", "bool", default=True, description="core member (true) or extended network (false)"),
            C("joined_on", "date"),
            C("left_on", "date"),
        ),
        ("member_id",),
        "A person in a CoP.",
        (RowRule("left_on", _before("joined_on", "left_on"), "left_on must not be before joined_on"),),
    ),
    Table(
        "consent",
        (
            C("member_id", required=True, ref=("member", "member_id")),
            C("kind", required=True, allowed=values(ConsentKind)),
            C("status", required=True, allowed=values(ConsentStatus)),
            C("recorded_on", "date", required=True),
            C("note"),
        ),
        ("member_id", "kind"),
        "Consent (adults, parents) and assent (students) register.",
    ),
    Table(
        "meeting",
        (
            C("meeting_id", required=True, description=_ID),
            C("cop_id", required=True, ref=("cop", "cop_id")),
            C("phase", required=True, allowed=values(Phase)),
            C("held_on", "date", required=True),
            C("note"),
        ),
        ("meeting_id",),
        "A CoP meeting (domain, community, practice or other).",
    ),
    Table(
        "attendance",
        (
            C("meeting_id", required=True, ref=("meeting", "meeting_id")),
            C("member_id", required=True, ref=("member", "member_id")),
            C("present", "bool", required=True),
            C("contributions", "int", min=0, description="number of contributions (tally), blank if not counted"),
        ),
        ("meeting_id", "member_id"),
        "Who was at a meeting and how often they spoke.",
    ),
    Table(
        "idea",
        (
            C("idea_id", required=True, description=_ID),
            C("cop_id", required=True, ref=("cop", "cop_id")),
            C("meeting_id", ref=("meeting", "meeting_id")),
            C("member_id", ref=("member", "member_id"), description="author, blank for the group"),
            C("kind", required=True, allowed=values(IdeaKind)),
            C("text", required=True),
            C("votes", "int", min=0, default=0),
        ),
        ("idea_id",),
        "Challenges, perspectives, connections, approaches and inspirations from the Domain meeting.",
    ),
    Table(
        "goal",
        (
            C("goal_id", required=True, description=_ID),
            C("cop_id", required=True, ref=("cop", "cop_id")),
            C("statement", required=True, description="the shared goal in one sentence"),
            C("indicator", description="what is measured"),
            C("unit", description="unit of the indicator"),
            C("direction", allowed=values(Direction), default="increase"),
            C("baseline", "real"),
            C("target", "real"),
            C("deadline", "date"),
            C("achievable_note", description="why the target is within reach"),
            C("relevant_note", description="how the goal answers the starting challenge"),
            C("agreed_on", "date"),
            C("weight", "real", min=0, default=1.0, description="weight in Goal Attainment Scaling"),
            C("gas_levels", "json", description='JSON object {"-2": "...", ..., "2": "..."}'),
        ),
        ("goal_id",),
        "The shared SMART goal (the trunk of the CoP tree).",
        (RowRule("deadline", _before("agreed_on", "deadline"), "the deadline must not be before the day the goal was agreed"),),
    ),
    Table(
        "goal_measurement",
        (
            C("measurement_id", required=True, description=_ID),
            C("goal_id", required=True, ref=("goal", "goal_id")),
            C("measured_on", "date", required=True),
            C("value", "real", required=True),
            C("source"),
            C("note"),
        ),
        ("measurement_id",),
        "A measurement of the goal's indicator.",
    ),
    Table(
        "action",
        (
            C("action_id", required=True, description=_ID),
            C("cop_id", required=True, ref=("cop", "cop_id")),
            C("goal_id", ref=("goal", "goal_id")),
            C("title", required=True),
            C("description"),
            C("start_on", "date"),
            C("due_on", "date"),
            C("status", allowed=values(ActionStatus), default="planned"),
            C("done_on", "date"),
        ),
        ("action_id",),
        "A step of the action plan (a branch of the CoP tree).",
        (
            RowRule("due_on", _before("start_on", "due_on"), "due_on must not be before start_on"),
            RowRule("done_on", _before("start_on", "done_on"), "done_on must not be before start_on"),
        ),
    ),
    Table(
        "action_owner",
        (
            C("action_id", required=True, ref=("action", "action_id")),
            C("member_id", required=True, ref=("member", "member_id")),
            C("lead", "bool", default=False),
        ),
        ("action_id", "member_id"),
        "Who is responsible for a step (responsibility may be shared).",
    ),
    Table(
        "action_dependency",
        (
            C("action_id", required=True, ref=("action", "action_id")),
            C("depends_on_id", required=True, ref=("action", "action_id")),
        ),
        ("action_id", "depends_on_id"),
        "Step action_id starts once step depends_on_id is done (finish-to-start).",
        (RowRule("depends_on_id", _same("action_id", "depends_on_id"), "a step cannot depend on itself"),),
    ),
    Table(
        "response",
        (
            C("response_id", required=True, description=_ID),
            C("cop_id", required=True, ref=("cop", "cop_id")),
            C("instrument_id", required=True),
            C("instrument_version", required=True, pattern=ID_PATTERN,
              description="the version of the instrument file answered (e.g. 1.0)"),
            C("respondent_id", required=True, description="member_id, or an anonymous token"),
            C("respondent_role", allowed=values(Role)),
            C("wave", required=True, description="pre, post, or another label"),
            C("language", required=True, pattern=_LANG),
            C("submitted_at", "timestamp", required=True),
        ),
        ("response_id",),
        "One filled-in questionnaire.",
    ),
    Table(
        "answer",
        (
            C("response_id", required=True, ref=("response", "response_id")),
            C("item_id", required=True),
            C("value", "real", description="the scale value; blank unless status is answered"),
            C("text", description="free-text answer"),
            C("status", allowed=STATUSES,
              description="answered, dont_know (the respondent chose \"don't know\") or "
                          "not_answered (shown, left out); blank: derived from value and text "
                          "(docs/exports.md)"),
        ),
        ("response_id", "item_id"),
        "One answer to one item.",
        (RowRule("status", status_conflicts, "answered needs a value or a text; dont_know "
                 "and not_answered need a blank value"),),
        derive_status,
    ),
    Table(
        "pair_rating",
        (
            C("rating_id", required=True, description=_ID),
            C("cop_id", required=True, ref=("cop", "cop_id")),
            C("wave", required=True),
            C("rater_id", required=True, ref=("member", "member_id")),
            C("ratee_id", required=True, ref=("member", "member_id")),
            C("level", "int", required=True, min=0, max=3,
              description="0 none, 1 cooperation, 2 coordination, 3 collaboration"),
        ),
        ("rating_id",),
        "How a member describes working with another member.",
        (RowRule("ratee_id", _same("rater_id", "ratee_id"), "a member cannot rate themselves"),),
    ),
    Table(
        "interview",
        (
            C("interview_id", required=True, description=_ID),
            C("cop_id", required=True, ref=("cop", "cop_id")),
            C("respondent_id", description="member_id or a label for someone outside the CoP"),
            C("respondent_role", allowed=values(Role)),
            C("conducted_on", "date"),
            C("interviewer", personal=True),
            C("language", pattern=_LANG),
            C("transcript", required=True, description="segments separated by blank lines"),
        ),
        ("interview_id",),
        "An interview transcript.",
    ),
    Table(
        "code",
        (
            C("code_id", required=True, description=_ID),
            C("codebook", required=True),
            C("label", required=True),
            C("description"),
            C("parent_id", ref=("code", "code_id")),
        ),
        ("code_id",),
        "A code of a codebook for interview analysis.",
    ),
    Table(
        "coding",
        (
            C("coding_id", required=True, description=_ID),
            C("interview_id", required=True, ref=("interview", "interview_id")),
            C("segment", "int", required=True, min=1),
            C("code_id", required=True, ref=("code", "code_id")),
            C("coder", required=True),
        ),
        ("coding_id",),
        "A code applied to a transcript segment by a coder.",
    ),
    Table(
        "reflection",
        (
            C("reflection_id", required=True, description=_ID),
            C("cop_id", required=True, ref=("cop", "cop_id")),
            C("member_id", ref=("member", "member_id"), description="blank for the group or anonymous"),
            C("phase", required=True, allowed=values(Phase)),
            C("prompt_id"),
            C("text", required=True),
            C("written_on", "date", required=True),
        ),
        ("reflection_id",),
        "A reflection on the process.",
    ),
    Table(
        "lesson",
        (
            C("lesson_id", required=True, description=_ID),
            C("cop_id", required=True, ref=("cop", "cop_id")),
            C("kind", required=True, allowed=values(LessonKind)),
            C("title", required=True),
            C("text"),
            C("tags", description="comma-separated tags"),
            C("link"),
            C("created_on", "date", required=True),
        ),
        ("lesson_id",),
        "A lesson for the knowledge repository (a fruit of the CoP tree).",
    ),
    Table(
        "result_feedback",
        (
            C("feedback_id", required=True, description=_ID),
            C("cop_id", required=True, ref=("cop", "cop_id")),
            C("member_id", ref=("member", "member_id")),
            C("result_key", required=True, description="which result the feedback is about"),
            C("verdict", required=True, allowed=values(Verdict)),
            C("comment"),
            C("created_on", "date", required=True),
        ),
        ("feedback_id",),
        "Participatory evaluation: does a result match a member's experience?",
    ),
    Table(
        "value_story",
        (
            C("story_id", required=True, description=_ID),
            C("cop_id", required=True, ref=("cop", "cop_id")),
            C("author_id", ref=("member", "member_id")),
            C("immediate"),
            C("potential"),
            C("applied"),
            C("realized"),
            C("reframing"),
            C("created_on", "date", required=True),
        ),
        ("story_id",),
        "A value-creation story (immediate, potential, applied, realized, reframing value).",
    ),
    Table(
        "audit",
        (
            C("audit_id", required=True),
            C("at", "timestamp", required=True),
            C("action", required=True),
            C("table_name"),
            C("row_id"),
            C("detail"),
        ),
        ("audit_id",),
        "What was deleted, imported, merged or forgotten, and when.",
    ),
]



def _with_id_rules(t: Table) -> Table:
    """The table with :data:`ID_PATTERN` on its id columns: a one-column key, every
    reference, and the columns of :data:`~cocope_kit.schema_rules.ID_EXTRA_COLUMNS`."""
    def is_id(c: Column) -> bool:
        return (c.type == "text" and (bool(c.ref) or c.name in ID_EXTRA_COLUMNS
                                      or (len(t.key) == 1 and c.name == t.key[0])))

    cols = tuple(dataclasses.replace(c, pattern=ID_PATTERN) if is_id(c) else c for c in t.columns)
    return dataclasses.replace(t, columns=cols)


_TABLE_LIST = [_with_id_rules(t) for t in _TABLE_LIST]

TABLES: dict[str, Table] = {t.name: t for t in _TABLE_LIST}
"""Every table of the store by name."""

TABLE_ORDER: tuple[str, ...] = tuple(t.name for t in _TABLE_LIST)
"""Tables in an order where every table comes after the tables it refers to."""


SERVICE_TABLES: dict[str, Table] = {t.name: t for t in [
    Table(
        "invitation",
        (
            C("invitation_id", required=True, description=_ID),
            C("cop_id", required=True, ref=("cop", "cop_id")),
            C("form", required=True, description="an instrument id or collaboration_network"),
            C("wave", required=True),
            C("audience", required=True, description="all, professional, student or family"),
            C("language", required=True, pattern=_LANG),
            C("member_id", ref=("member", "member_id"), description="blank on an anonymous card"),
            C("card_no", "int", required=True, min=1,
              description="number of the card among the CoP's cards (anonymous card 3)"),
            C("created_at", "timestamp", required=True),
            C("expires_at", "timestamp", required=True),
            C("opened_at", "timestamp", description="first time the link was opened"),
            C("used_at", "timestamp", description="when the answers were stored"),
            C("revoked_at", "timestamp"),
            C("token_hash", required=True, description="SHA-256 of the token (hex)"),
        ),
        ("invitation_id",),
        "A one-use invitation to a participant form; the token itself is never stored.",
    ),
]}
"""Tables the store keeps for running the kit, not part of the data model (DESIGN section 3):
not imported, exported, merged or analysed. Written by :mod:`cocope_kit.invitations`."""


def _table(name: str) -> Table:
    try:
        return TABLES[name]
    except KeyError:
        raise UsageError(
            f"unknown table {name!r}; one of: {', '.join(TABLE_ORDER)}"
        ) from None


def validate(
    table: str,
    df: pd.DataFrame,
    *,
    source: str | None = None,
    first_row: int = 1,
    row_numbers: Sequence[int] | None = None,
    header_row: int | None = None,
    refs: Mapping[str, Iterable] | None = None,
    existing_keys: Iterable[tuple] | None = None,
) -> pd.DataFrame:
    """Check a frame against the schema of ``table`` and return it with proper dtypes.

    Parameters
    ----------
    table : str
        Name of a table of :data:`TABLES`.
    df : pandas.DataFrame
        Rows to check. Columns of the table that are absent are treated as
        blank (an error only for required columns); extra columns are errors.
    source : str, optional
        File the rows came from; named in every problem.
    first_row : int, default 1
        Row number the user sees for the first row of ``df`` (2 for a CSV
        file with a header line).
    row_numbers : sequence of int, optional
        The row number the user sees for each row of ``df`` (overrides
        ``first_row``; used when blank lines were skipped).
    header_row : int, optional
        Row of the header in the file, named in problems with the header.
    refs : mapping of str to iterable, optional
        Known ids per referenced ``"table.column"`` (e.g. ``{"cop.cop_id":
        {...}}``). When given, every reference is checked; ids defined in
        ``df`` itself count for self-references.
    existing_keys : iterable of tuple, optional
        Keys already present (e.g. in the store); a row repeating one is a
        problem.

    Returns
    -------
    pandas.DataFrame
        The table's columns in schema order, typed as described in the
        module docstring, index ``0..n-1``.

    Raises
    ------
    ValidationError
        Listing every problem: table, row, column, value and what is allowed.
    """
    spec = _table(table)
    if not isinstance(df, pd.DataFrame):
        raise UsageError(f"validate() needs a pandas DataFrame, got {type(df).__name__}")
    problems: list[Problem] = []

    def add(row, column, value, allowed):
        problems.append(Problem(table, row, column, value, allowed, source))

    if row_numbers is not None:
        numbers = [int(r) for r in row_numbers]
        if len(numbers) != len(df):
            raise UsageError("row_numbers must have one number per row of df")

        def rn(pos: int) -> int:
            return numbers[pos]
    else:
        def rn(pos: int) -> int:
            return int(pos) + first_row

    cols = [str(c) for c in df.columns]
    names = spec.column_names
    seen = set()
    for c in cols:
        if c in seen:
            add(header_row, c, None, "this column appears more than once in the header")
        seen.add(c)
    unknown = [c for c in cols if c not in names]
    for c in unknown:
        add(header_row, c, None, f"unknown column; the columns of {table!r} are: {', '.join(names)}")
    for col in spec.columns:
        if col.required and col.name not in cols:
            add(header_row, col.name, None, f"required column is missing; the columns of {table!r} are: {', '.join(names)}")
    if problems:  # a wrong header makes every row wrong; say it once
        raise ValidationError(problems, f"table {table!r}")

    frame = df.copy()
    frame.columns = cols
    frame = frame.reset_index(drop=True)
    typed_df, cell_problems = _coerce(spec, frame)
    if spec.derive is not None:
        typed_df = spec.derive(typed_df)
    bad_cells = set()
    for pos, column, value, allowed in cell_problems:
        add(rn(pos), column, value, allowed)
        bad_cells.add((pos, column))

    def raw(pos: int, column: str):
        """The cell as the user wrote it (not as converted)."""
        return frame[column].iloc[pos] if column in frame.columns else typed_df[column].iloc[pos]

    for col in spec.columns:
        s = typed_df[col.name]
        present = s.notna().to_numpy()
        if col.required:
            for pos in np.flatnonzero(~present):
                if (pos, col.name) not in bad_cells:
                    add(rn(pos), col.name, None, f"a value is required ({col.allowed_text()})")
        if col.type in ("text", "json"):
            long = col.name in LONG_TEXT
            mask = present & bad_text(s.to_numpy(dtype=object), long=long)
            for pos in np.flatnonzero(mask):
                add(rn(pos), col.name, raw(pos, col.name), TEXT_ALLOWED[long])
                bad_cells.add((pos, col.name))
        if col.allowed is not None:
            allowed = set(col.allowed)
            mask = present & ~s.map(lambda v, allowed=allowed: v in allowed, na_action="ignore").astype(object).fillna(True).astype(bool).to_numpy()
            for pos in np.flatnonzero(mask):
                add(rn(pos), col.name, raw(pos, col.name), col.allowed_text())
        if col.pattern is not None:
            rx = re.compile(col.pattern)
            mask = present & ~s.map(lambda v, rx=rx: bool(rx.fullmatch(str(v))), na_action="ignore").astype(object).fillna(True).astype(bool).to_numpy()
            for pos in np.flatnonzero(mask):
                if (pos, col.name) not in bad_cells:
                    add(rn(pos), col.name, raw(pos, col.name), col.allowed_text())
                    bad_cells.add((pos, col.name))
        if col.min is not None or col.max is not None:
            num = s.astype(float)
            mask = np.zeros(len(s), dtype=bool)
            if col.min is not None:
                mask |= (num < col.min).fillna(False).to_numpy(dtype=bool)
            if col.max is not None:
                mask |= (num > col.max).fillna(False).to_numpy(dtype=bool)
            for pos in np.flatnonzero(mask):
                add(rn(pos), col.name, raw(pos, col.name), col.allowed_text())

    for rule in spec.rules:
        mask = rule.bad(typed_df).to_numpy(dtype=bool)
        for pos in np.flatnonzero(mask):
            add(rn(pos), rule.column, raw(pos, rule.column), rule.message)

    # keys: unique ignoring case and surrounding spaces (P1 and p1 are one id)
    key = list(spec.key)
    keys_known = typed_df[key].notna().all(axis=1)
    norm = pd.DataFrame({k: typed_df[k].astype(object).map(id_norm) for k in key})
    dup = norm.duplicated(keep="first") & keys_known
    key_label = " + ".join(key)
    first_of: dict[tuple, int] = {}
    for pos, k in enumerate(norm.itertuples(index=False, name=None)):
        if not keys_known.iloc[pos]:
            continue
        if dup.iloc[pos]:
            first = first_of[k]
            add(rn(pos), key_label, _plain(_raw_key(raw, key, pos)),
                f"each {key_label} may appear once (ignoring case and surrounding spaces); "
                f"it already appears in row {rn(first)} as {_plain(_raw_key(raw, key, first))!r}")
        else:
            first_of[k] = pos
    if existing_keys is not None:
        existing = {tuple(id_norm(v) for v in k): k for k in existing_keys}
        if existing:
            for pos, k in enumerate(norm.itertuples(index=False, name=None)):
                if k in existing and not dup.iloc[pos]:
                    stored = existing[k]
                    add(rn(pos), key_label, _plain(_raw_key(raw, key, pos)),
                        "this id is already in the store"
                        + ("" if tuple(typed_df[key].iloc[pos]) == stored else
                           f" as {_plain(stored if len(stored) > 1 else stored[0])!r} (ids are "
                           "the same when they differ only in case or surrounding spaces)")
                        + "; use a new id or update the existing row")

    if refs is not None:
        for col in spec.columns:
            if not col.ref:
                continue
            rtable, rcol = col.ref
            known = set(refs.get(f"{rtable}.{rcol}", ()))
            if rtable == table:
                known |= set(typed_df[rcol].dropna())
            s = typed_df[col.name]
            mask = s.notna().to_numpy() & ~s.isin(known).to_numpy()
            for pos in np.flatnonzero(mask):
                if (pos, col.name) not in bad_cells:
                    add(rn(pos), col.name, raw(pos, col.name),
                        f"must be the {rcol} of an existing {rtable}")

    if problems:
        problems.sort(key=lambda p: (p.row if p.row is not None else -1))
        raise ValidationError(problems, f"table {table!r}" + (f" from {source}" if source else ""))
    return typed_df


def _raw_key(raw, key: list[str], pos: int):
    vals = tuple(raw(pos, k) for k in key)
    return vals[0] if len(vals) == 1 else vals


def _plain(v):
    if isinstance(v, pd.Timestamp):
        return v.strftime("%Y-%m-%d")
    return v


def typed(table: str, df: pd.DataFrame) -> pd.DataFrame:
    """Give trusted rows (e.g. read from the store) the dtypes of :func:`validate`, without checks.

    >>> import pandas as pd
    >>> typed("attendance", pd.DataFrame({"meeting_id": ["m"], "member_id": ["p"],
    ...       "present": [1], "contributions": [None]})).dtypes.astype(str).tolist()
    ['str', 'str', 'boolean', 'Int64']
    """
    spec = _table(table)
    out, _ = _coerce(spec, df)
    return out


def to_records(table: str, df: pd.DataFrame) -> list[tuple]:
    """Rows of a validated frame as tuples of SQLite-ready Python values (schema column order).

    Dates become ``YYYY-MM-DD`` text, timestamps ``YYYY-MM-DDTHH:MM:SS.ffffffZ``,
    booleans 0/1, missing values ``None``.
    """
    spec = _table(table)
    cols = []
    for col in spec.columns:
        s = df[col.name]
        if col.type == "date":
            v = s.dt.strftime("%Y-%m-%d").astype(object)
        elif col.type == "timestamp":
            v = s.dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ").astype(object)
        elif col.type == "bool":
            v = s.astype("Int64").astype(object)
        elif col.type == "int":
            v = s.astype(object)
        elif col.type == "real":
            v = s.astype(object)
        else:
            v = s.astype(object)
        v = v.where(s.notna(), None)
        cols.append(v.tolist())
    return list(zip(*cols, strict=True)) if cols else []


def describe(table: str | None = None) -> pd.DataFrame:
    """A data dictionary: one row per column with type, rules and description.

    >>> d = describe("pair_rating")
    >>> d.loc[d.column == "level", "allowed"].item()
    'a whole number from 0 to 3'
    """
    rows = []
    for t in [_table(table)] if table else _TABLE_LIST:
        for c in t.columns:
            rows.append(
                {
                    "table": t.name,
                    "column": c.name,
                    "type": c.type,
                    "required": c.required,
                    "key": c.name in t.key,
                    "references": f"{c.ref[0]}.{c.ref[1]}" if c.ref else "",
                    "allowed": c.allowed_text(),
                    "personal": c.personal,
                    "description": (c.description or COLUMN_DOCS.get((t.name, c.name))
                                    or (t.description if c.name in t.key else "")),
                }
            )
    return pd.DataFrame(rows)
