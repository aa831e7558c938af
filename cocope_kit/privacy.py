"""Privacy by default: pseudonyms in outputs and spreadsheet-safe exports.

Names are personal data. Outputs show pseudonyms unless a user asks for names
explicitly; columns marked ``personal`` in :mod:`cocope_kit.schema` are replaced
or blanked. Text cells that a spreadsheet would run as a formula are
neutralised with a leading apostrophe (OWASP "CSV injection" guidance).

Examples
--------
>>> import pandas as pd
>>> from cocope_kit.privacy import neutralise_formulas
>>> out = neutralise_formulas(pd.DataFrame({"t": ["=SUM(A1:A9)", "fine", "-5 pts"], "n": [-1, 2, 3]}))
>>> out["t"].tolist(), out["n"].tolist()
(["'=SUM(A1:A9)", 'fine', "'-5 pts"], [-1, 2, 3])
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .schema import TABLE_ORDER, TABLES

__all__ = [
    "CONSENT_COLUMNS",
    "DEFAULT_MIN_CELL",
    "FORMULA_PREFIXES",
    "PERSON_COLUMNS",
    "consent_register",
    "filter_consented",
    "neutralise_formulas",
    "neutralise_text",
    "output_tables",
    "looks_like_formula",
    "restore_formulas",
    "write_csv",
    "NAME_MASK",
    "NamesMasked",
    "mask_names_in_text",
    "pseudonymise",
    "pseudonymise_tables",
    "suppress_small_cells",
]

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")
"""First characters that make Excel, LibreOffice or Google Sheets treat a cell as a formula."""

# a cell is live when, after spaces, tabs and line breaks, it starts with = + - @, or when
# it starts with a tab or a line break; a line inside a cell is live when, after spaces and
# tabs, it starts with = + - @ (a reader that splits the file at every line break, as a
# naive import does, would start a new row with it)
_LIVE_START = re.compile(r"[ \t\r\n]*[=+\-@]|[\t\r\n]")
_LIVE_LINE = re.compile(r"(?<=[\r\n])(?=[ \t]*[=+\-@])")
_UNDO = re.compile(r"(?:^|(?<=[\r\n]))'(?=['\t\r\n]|[ \t\r\n]*[=+\-@])")


def neutralise_text(v: str) -> str:
    """One text made safe for a spreadsheet: an apostrophe before the cell and before
    every line inside it that a spreadsheet would run as a formula.

    >>> neutralise_text("\\r=cmd|' /C calc'!A0")
    "'\\r'=cmd|' /C calc'!A0"
    >>> neutralise_text("  @SUM(A1)"), neutralise_text("fine\\n- a list"), neutralise_text("ok")
    ("'  @SUM(A1)", "fine\\n'- a list", 'ok')
    """
    out = _LIVE_LINE.sub("'", v)
    return "'" + out if _LIVE_START.match(v) else out


def looks_like_formula(v: str) -> bool:
    """Whether a spreadsheet could run the text, or a line of it, as a formula: the rule
    :func:`neutralise_text` applies (XLSX exports flag such cells as text instead).

    >>> looks_like_formula("  @SUM(A1)"), looks_like_formula("fine\\n=1+1"), looks_like_formula("ok")
    (True, True, False)
    """
    return bool(_LIVE_START.match(v) or _LIVE_LINE.search(v))


def restore_formulas(v: str) -> str:
    """Undo :func:`neutralise_text` for a text whose own apostrophes at the start of the
    text or of a line were doubled before (as :func:`cocope_kit.interviews.export_codebook` does).

    >>> restore_formulas(neutralise_text("\\r=1+1\\n@x")) == "\\r=1+1\\n@x"
    True
    """
    return _UNDO.sub("", v)


def write_csv(df: pd.DataFrame, path) -> None:
    """Write a frame as CSV (UTF-8, RFC 4180 line ends) with every cell that holds a
    carriage return or a line feed in quotes, so no CSV reader splits a row inside a cell.

    Python's csv writer quotes a cell only for the characters of its line end; with CRLF
    line ends a cell holding a lone carriage return is quoted too (with ``\\n`` it was not,
    and a reader started a new row inside the cell: issue 15, finding 3).
    """
    df.to_csv(path, index=False, encoding="utf-8", lineterminator="\r\n")


def _neutral(v):
    if isinstance(v, str):
        return neutralise_text(v)
    return v


def neutralise_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """Return a copy where every text cell a spreadsheet would run as a formula gets a
    leading apostrophe, so a spreadsheet shows it as text; so does every line inside a
    cell that would (see :func:`neutralise_text`). Numbers are left alone."""
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if s.dtype == object or pd.api.types.is_string_dtype(s.dtype):
            # each distinct value once: ids, codes and labels repeat down a column
            obj = s.astype(object)
            codes, uniq = pd.factorize(obj, use_na_sentinel=True)
            done = np.array([_neutral(v) for v in uniq], dtype=object)
            vals = np.where(codes >= 0, done[np.maximum(codes, 0)] if len(done) else None,
                            obj.to_numpy(dtype=object))
            out[col] = pd.Series(vals, index=s.index, dtype=object)
    return out


def pseudonymise(table: str, df: pd.DataFrame) -> pd.DataFrame:
    """Replace personal columns of a store table for output.

    ``member.name`` becomes the member's pseudonym; other personal columns
    (such as ``interview.interviewer``) become stable labels ``interviewer 1``,
    ``interviewer 2``, ... in order of first appearance.

    >>> import pandas as pd
    >>> m = pd.DataFrame({"member_id": ["a"], "cop_id": ["c"], "name": ["Ana Silva"],
    ...                   "pseudonym": ["Teacher A"]})
    >>> pseudonymise("member", m)["name"].tolist()
    ['Teacher A']
    """
    spec = TABLES[table]
    out = df.copy()
    for col in spec.columns:
        if not col.personal or col.name not in out.columns:
            continue
        if table == "member" and col.name == "name":
            out["name"] = out["pseudonym"] if "pseudonym" in out.columns else None
            continue
        s = out[col.name]
        labels = {v: f"{col.name} {i}" for i, v in enumerate(pd.unique(s.dropna()), start=1)}
        out[col.name] = s.map(labels).astype(object).where(s.notna(), None)
    return out


# ---------------------------------------------------------------------------
# Consent and assent
# ---------------------------------------------------------------------------

CONSENT_COLUMNS = ["member_id", "cop_id", "role", "included", "reason"]


def consent_register(members: pd.DataFrame, consent: pd.DataFrame) -> pd.DataFrame:
    """Who may appear in analyses and outputs, and why not.

    Rule: an adult needs a ``consent`` record with status ``given``; a student
    needs both a ``consent`` (from a parent) **and** their own ``assent``
    with status ``given``. Missing, pending, refused or withdrawn records
    leave the person out, and a refused or withdrawn record of either kind
    leaves out anyone. This is the kit's one consent rule: analyses
    (:func:`cocope_kit.analysis.load_tables`), reports and exports all use it.

    Returns
    -------
    pandas.DataFrame
        Columns ``member_id, cop_id, role, included, reason`` (reason is empty
        for included members, else e.g. ``"assent pending"``).

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"member_id": ["t", "s"], "cop_id": ["c", "c"],
    ...                   "role": ["teacher", "student"]})
    >>> c = pd.DataFrame({"member_id": ["t", "s", "s"], "kind": ["consent", "consent", "assent"],
    ...                   "status": ["given", "given", "pending"]})
    >>> consent_register(m, c)[["member_id", "included", "reason"]]
      member_id  included          reason
    0         t      True
    1         s     False  assent pending
    """
    from .model import ROLE_GROUP

    m = members[["member_id", "cop_id", "role"]].copy()
    c = consent[["member_id", "kind", "status"]].drop_duplicates(["member_id", "kind"], keep="last")
    for kind in ("consent", "assent"):
        status = c.loc[c["kind"] == kind].set_index("member_id")["status"]
        m[kind] = m["member_id"].map(status).astype(object)
    student = (m["role"].astype(object).map(ROLE_GROUP) == "student").to_numpy()

    def why(kind: str, need: np.ndarray) -> pd.Series:
        status = m[kind]
        text = (kind + " " + status.fillna("missing").astype(str)).where(status.ne("given"), "")
        return text.where(need, "")

    con = why("consent", np.ones(len(m), dtype=bool))
    # assent is asked of students; a refusal or withdrawal on record blocks anyone
    ass = why("assent", student | m["assent"].isin(["refused", "withdrawn"]).to_numpy())
    both = (con != "") & (ass != "")
    m["reason"] = (con + np.where(both, "; ", "") + ass).astype(object)
    m["included"] = m["reason"] == ""
    return m[CONSENT_COLUMNS].reset_index(drop=True)


# Columns that tie a row to a member, per table (the member's own rows).
PERSON_COLUMNS: dict[str, tuple[str, ...]] = {
    "member": ("member_id",),
    "consent": ("member_id",),
    "attendance": ("member_id",),
    "action_owner": ("member_id",),
    "pair_rating": ("rater_id", "ratee_id"),
    "response": ("respondent_id",),
    "interview": ("respondent_id",),
    "reflection": ("member_id",),
    "result_feedback": ("member_id",),
    "value_story": ("author_id",),
}


def filter_consented(tables: dict[str, pd.DataFrame]) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Leave out every row of people without consent (or assent), for analyses and outputs.

    Rows of excluded members go from the tables of :data:`PERSON_COLUMNS`
    (and answers of their responses, codings of their interviews); ideas they
    wrote stay with the group, without their id. Anonymous responses
    (respondent ids that are not member ids) are kept.

    Parameters
    ----------
    tables : dict of str to DataFrame
        Store tables by name; must hold ``member`` and ``consent``.

    Returns
    -------
    (dict, DataFrame)
        The filtered tables, and :func:`consent_register` (so outputs can say
        how many were left out and why).

    Examples
    --------
    >>> import cocope_kit as ck
    >>> from cocope_kit.demo import write_demo
    >>> store = write_demo(ck.open_store(":memory:"))
    >>> tables = {t: store.read(t) for t in ("member", "consent", "attendance", "response")}
    >>> kept, register = filter_consented(tables)
    >>> print(register.loc[~register.included, ["cop_id", "role", "reason"]].to_string(index=False))
       cop_id    role            reason
      be-gent student    assent pending
    sk-kosice teacher consent withdrawn
    >>> len(tables["member"]) - len(kept["member"])
    2
    """
    if "member" not in tables or "consent" not in tables:
        from .errors import UsageError

        raise UsageError("filter_consented needs the 'member' and 'consent' tables")
    register = consent_register(tables["member"], tables["consent"])
    out_ids = set(register.loc[~register.included, "member_id"])
    out: dict[str, pd.DataFrame] = {}
    for name, df in tables.items():
        cols = [c for c in PERSON_COLUMNS.get(name, ()) if c in df.columns]
        if cols and out_ids:
            keep = ~df[cols].isin(out_ids).any(axis=1)
            df = df[keep]
        if name == "idea" and "member_id" in df.columns and out_ids:
            df = df.copy()
            df.loc[df.member_id.isin(out_ids), "member_id"] = None
        out[name] = df.reset_index(drop=True)
    if "answer" in out and "response" in tables:
        gone = set(tables["response"].response_id) - set(out["response"].response_id)
        out["answer"] = out["answer"][~out["answer"].response_id.isin(gone)].reset_index(drop=True)
    if "coding" in out and "interview" in tables:
        gone = set(tables["interview"].interview_id) - set(out["interview"].interview_id)
        out["coding"] = out["coding"][~out["coding"].interview_id.isin(gone)].reset_index(drop=True)
    return out, register


# ---------------------------------------------------------------------------
# Small cells
# ---------------------------------------------------------------------------

DEFAULT_MIN_CELL = 5
"""Cells of grouped tables with fewer respondents than this are suppressed
(the same ``k`` as :data:`cocope_kit.disclosure.DEFAULT_K`)."""


def suppress_small_cells(
    table: pd.DataFrame,
    *,
    n: str = "n",
    values: list[str] | None = None,
    within: list[str] | None = None,
    k: int = DEFAULT_MIN_CELL,
) -> pd.DataFrame:
    """One table on its own through the disclosure step (:mod:`cocope_kit.disclosure`).

    For a table that is published alone. A document with several tables
    (a report, a notebook, an export) must register them all with one
    :class:`cocope_kit.disclosure.Disclosure`, so that complementary
    suppression works across them; this function is that step for a
    one-table document whose ``within`` totals count as published.

    Primary suppression hides every row with ``0 < n < k``; complementary
    suppression hides further rows of the same ``within`` group until no
    hidden row can be worked out from the group's total and the rows shown.
    Hidden rows keep their group labels; ``n`` and ``values`` become NaN and
    ``suppressed`` says why.

    Parameters
    ----------
    table : DataFrame
        One row per cell, with a count column ``n``.
    n : str, default "n"
        The column counting respondents in the cell.
    values : list of str, optional
        Columns to hide in suppressed rows (default: every numeric column).
    within : list of str, optional
        Columns that define the groups whose cells add up to a total; without
        it the whole table is one group.
    k : int, default 5
        Smallest cell shown.

    Returns
    -------
    DataFrame
        A copy with a column ``suppressed`` ("" | "small cell" | "complementary").

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"cop_id": ["c"] * 3, "role_group": ["professional", "student", "family"],
    ...                   "n": [9, 2, 6], "mean": [3.9, 4.5, 3.1]})
    >>> suppress_small_cells(t, within=["cop_id"])
      cop_id    role_group    n  mean     suppressed
    0      c  professional  9.0   3.9
    1      c       student  NaN   NaN     small cell
    2      c        family  NaN   NaN  complementary
    """
    from .disclosure import Disclosure
    from .errors import UsageError

    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise UsageError(f"k must be a whole number of at least 1, got {k!r}")
    if n not in table.columns:
        raise UsageError(f"no count column {n!r}; the columns are: {', '.join(map(str, table.columns))}")
    within = list(within or [])
    missing = [c for c in within if c not in table.columns]
    if missing:
        raise UsageError(f"within names unknown columns: {', '.join(missing)}")
    out = table.copy().reset_index(drop=True)
    if values is None:
        values = [c for c in out.columns
                  if c != n and c not in within and pd.api.types.is_numeric_dtype(out[c])
                  and not pd.api.types.is_bool_dtype(out[c])]
    counts = pd.to_numeric(out[n], errors="coerce").fillna(0).clip(lower=0).astype(int)
    group = (out[within].astype(object).apply(lambda r: repr(tuple(r)), axis=1) if within
             else pd.Series("all", index=out.index))
    cells = pd.DataFrame({"_group": group.to_numpy(), "_cell": np.arange(len(out))})
    persons = cells.loc[cells.index.repeat(counts.to_numpy())].reset_index(drop=True)
    persons["person"] = np.arange(len(persons))
    d = Disclosure("outside", k)
    d.population("cells", persons, hierarchy=[("_group", "_cell")], person="person")
    d.add("table", cells.assign(_n=counts.to_numpy()), population="cells",
          by=["_group", "_cell"], values=["_n"])
    totals = cells.assign(_n=counts.to_numpy()).groupby("_group", as_index=False)["_n"].sum()
    d.add("totals", totals, population="cells", by=["_group"], values=["_n"])
    reason = d.publish(only=["table"])["table"]["suppressed"].to_numpy()
    hide = reason != ""
    out[n] = pd.to_numeric(out[n], errors="coerce").where(~hide)
    for c in values:
        out[c] = out[c].where(~hide)
    out["suppressed"] = reason.astype(str)
    return out


# ---------------------------------------------------------------------------
# Real names written in free text
# ---------------------------------------------------------------------------

NAME_MASK = "a member"
"""What a real name in free text becomes when no pseudonym may stand for it."""

_TEXT_TYPES = ("text", "json")


def _text_columns(table: str) -> list[str]:
    """Free-text columns of a table: text or JSON, not a key, reference, closed list,
    pattern-checked id, personal column (those are replaced whole) or a member's pseudonym."""
    spec = TABLES[table]
    return [c.name for c in spec.columns
            if c.type in _TEXT_TYPES and c.ref is None and c.allowed is None
            and c.pattern is None and not c.personal and c.name not in spec.key
            and not (table == "member" and c.name == "pseudonym")]


def _plain(text: str) -> str:
    """Case-folded, accents removed, runs of blanks as one space (how names are compared)."""
    import unicodedata

    s = "".join(ch for ch in unicodedata.normalize("NFKD", str(text))
                if not unicodedata.combining(ch))
    return " ".join(s.casefold().split())


_ACCENTED: dict[str, str] = {}


def _accent_blind(word: str) -> str:
    """A pattern for a plain (accent-free) word that also matches it written with accents,
    precomposed (``í``) or decomposed (``i`` + combining acute).

    >>> import re
    >>> bool(re.fullmatch(_accent_blind("silva"), "SÍlva", re.IGNORECASE))
    True
    """
    import re
    import unicodedata

    if not _ACCENTED:
        for cp in range(0xC0, 0x250):
            ch = chr(cp)
            base = "".join(c for c in unicodedata.normalize("NFKD", ch)
                           if not unicodedata.combining(c)).casefold()
            if len(base) == 1 and base.isalpha() and base != ch.casefold():
                _ACCENTED[base] = _ACCENTED.get(base, "") + ch
    out = []
    for c in word:
        more = _ACCENTED.get(c, "")
        out.append((f"[{re.escape(c)}{re.escape(more)}]" if more else re.escape(c))
                   + "[\u0300-\u036f]*")
    return "".join(out)


def _row_cops(table: str, df: pd.DataFrame, tables: dict[str, pd.DataFrame]) -> pd.Series:
    """The CoP of each row: its own ``cop_id``, or its parent's (answer -> response, ...);
    empty where neither is known."""
    if "cop_id" in df.columns:
        return df["cop_id"].astype(object)
    for c in TABLES[table].columns:
        parent = c.ref[0] if c.ref else None
        if parent and parent != table and c.name in df.columns and parent in tables \
                and "cop_id" in tables[parent].columns:
            pkey = c.ref[1]
            lookup = dict(zip(tables[parent][pkey], tables[parent]["cop_id"], strict=True))
            return df[c.name].map(lookup).astype(object)
    return pd.Series([None] * len(df), index=df.index, dtype=object)


def mask_names_in_text(tables: dict[str, pd.DataFrame], members: pd.DataFrame,
                       consent: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """Replace members' real names written in free text, for a pseudonymised output.

    Every full real name of a member (``member.name``; whole words, ignoring
    case, accents and the blanks between the words) in every free-text cell of
    every table (notes, texts, titles, transcripts, tags, links, GAS level
    descriptions, free-text answers, ...) becomes

    * the member's **pseudonym** in a row of the member's own CoP, when
      :func:`consent_register` includes the member;
    * :data:`NAME_MASK` ("a member") otherwise: without consent or assent,
      withdrawn, in a row of another CoP (where the pseudonym means somebody
      else) or a row whose CoP is not known.

    The pseudonym of an excluded member in a row of their CoP becomes
    :data:`NAME_MASK` too. First names alone are not recognised (write
    pseudonyms in texts); ``forget`` goes further (:mod:`cocope_kit.erasure`).

    Parameters
    ----------
    tables : dict of str to DataFrame
        Store tables by name, with their real names (mask before
        :func:`pseudonymise`). A table without a ``cop_id`` finds its CoP
        through its parent when the parent is in ``tables``.
    members, consent : DataFrame
        The ``member`` table with names, and the ``consent`` table (without
        it, everybody counts as excluded).

    Returns
    -------
    dict of str to DataFrame
        Copies; only free-text cells change.

    Examples
    --------
    >>> import pandas as pd
    >>> mem = pd.DataFrame({"member_id": ["c:1", "c:2"], "cop_id": ["c", "c"],
    ...                     "name": ["José Silva", "Ben Peeters"],
    ...                     "pseudonym": ["Teacher A", "Student B"], "role": ["teacher", "student"]})
    >>> con = pd.DataFrame({"member_id": ["c:1"], "kind": ["consent"], "status": ["given"]})
    >>> act = pd.DataFrame({"action_id": ["c:a1"], "cop_id": ["c"],
    ...                     "title": ["JOSE  silva and Ben Peeters (Student B) ask the class"]})
    >>> mask_names_in_text({"action": act}, mem, con)["action"].title.item()
    'Teacher A and a member (a member) ask the class'
    """
    import json
    import re

    if members is None or members.empty:
        return {t: df.copy() for t, df in tables.items()}
    if consent is None:
        consent = pd.DataFrame(columns=["member_id", "kind", "status"])
    included = set(consent_register(members, consent).query("included")["member_id"])
    by_name: dict[str, dict[object, str | None]] = {}  # plain name -> {cop: pseudonym or None}
    excluded_pseudonyms: dict[object, set[str]] = {}  # cop -> plain pseudonyms to mask
    spellings: set[str] = set()
    names = members["name"] if "name" in members.columns else [None] * len(members)
    for mid, cid, name, pseud in zip(members["member_id"], members["cop_id"], names,
                                     members["pseudonym"], strict=True):
        ok = mid in included and isinstance(pseud, str) and bool(pseud.strip())
        if isinstance(name, str) and len(_plain(name)) >= 3:
            by_name.setdefault(_plain(name), {})[cid] = pseud if ok else None
            spellings.add(_plain(name))
        if not ok and isinstance(pseud, str) and len(_plain(pseud)) >= 2:
            excluded_pseudonyms.setdefault(cid, set()).add(_plain(pseud))
            spellings.add(_plain(pseud))
    if not spellings:
        return {t: df.copy() for t, df in tables.items()}
    # blanks between the words, at most one line break: a name never spans a paragraph
    gap = r"(?:[^\S\n]+|[^\S\n]*\n[^\S\n]*)"
    alts = sorted({gap.join(_accent_blind(w) for w in s.split()) for s in spellings},
                  key=len, reverse=True)
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(alts) + r")(?!\w)", re.IGNORECASE)

    def sub(text: str, cop) -> str:
        def one(m: re.Match) -> str:
            key = _plain(m.group(0))
            if key in by_name:
                pseud = by_name[key].get(cop)
                return pseud if isinstance(pseud, str) else NAME_MASK
            if key in excluded_pseudonyms.get(cop, ()):
                return NAME_MASK
            return m.group(0)  # another CoP's pseudonym: somebody else here
        return pattern.sub(one, text)

    def sub_json(text: str, cop) -> str:
        try:
            obj = json.loads(text)
        except (TypeError, ValueError):
            return sub(text, cop)

        def walk(o):
            if isinstance(o, str):
                return sub(o, cop)
            if isinstance(o, list):
                return [walk(v) for v in o]
            if isinstance(o, dict):
                return {k: walk(v) for k, v in o.items()}
            return o
        new = walk(obj)
        return text if new == obj else json.dumps(new, ensure_ascii=False)

    out: dict[str, pd.DataFrame] = {}
    for table, df in tables.items():
        cols = [c for c in _text_columns(table) if c in df.columns] if table in TABLES else []
        if not cols or df.empty:
            out[table] = df.copy()
            continue
        df = df.copy()
        cops = _row_cops(table, df, tables).tolist()
        for c in cols:
            fn = sub_json if TABLES[table].column(c).type == "json" else sub
            df[c] = pd.Series([fn(v, cop) if isinstance(v, str) and v else v
                               for v, cop in zip(df[c].tolist(), cops, strict=True)],
                              index=df.index, dtype=object)
        out[table] = df
    return out


def pseudonymise_tables(tables: dict[str, pd.DataFrame], members: pd.DataFrame,
                        consent: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """Tables for a pseudonymised output: real names in free text masked
    (:func:`mask_names_in_text`), then personal columns replaced (:func:`pseudonymise`).

    ``members`` and ``consent`` are the store's tables *before* consent filtering, so the
    names of people left out are masked too.

    >>> import pandas as pd
    >>> mem = pd.DataFrame({"member_id": ["c:1"], "cop_id": ["c"], "name": ["Ana Silva"],
    ...                     "pseudonym": ["Teacher A"], "role": ["teacher"]})
    >>> con = pd.DataFrame({"member_id": ["c:1"], "kind": ["consent"], "status": ["given"]})
    >>> les = pd.DataFrame({"lesson_id": ["c:l1"], "cop_id": ["c"], "text": ["Ask Ana Silva"]})
    >>> out = pseudonymise_tables({"member": mem, "lesson": les}, mem, con)
    >>> out["member"].name.item(), out["lesson"].text.item()
    ('Teacher A', 'Ask Teacher A')
    """
    masked = mask_names_in_text(tables, members, consent)
    return {t: pseudonymise(t, df) if t in TABLES else df for t, df in masked.items()}


def output_tables(store: object, tables, *, names: bool = False,
                  consented_only: bool = True) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Read ``tables`` from ``store`` for an output: the one consent and pseudonym step of
    every export (CSV, XLSX, SPSS, REFI-QDA).

    People the register excludes are left out with every row about them
    (:func:`filter_consented`) unless ``consented_only=False``; unless ``names``, real
    names written in free text are masked and personal columns replaced
    (:func:`pseudonymise_tables`, with the members and consent *before* filtering, so the
    names of people left out are masked too). The tables the register needs are read as
    well; the result holds every table read.

    Parameters
    ----------
    store : object with ``read(table)``
    tables : iterable of str
        Tables of :data:`cocope_kit.schema.TABLES` the output needs.
    names : bool, default False
    consented_only : bool, default True

    Returns
    -------
    (dict of DataFrame, DataFrame)
        The tables, and the consent register (:func:`consent_register`).

    Examples
    --------
    >>> import cocope_kit as ck
    >>> from cocope_kit.demo import write_demo
    >>> store = write_demo(ck.open_store(":memory:"))
    >>> kept, register = output_tables(store, ["member"])
    >>> len(store.read("member")) - len(kept["member"]), int((~register.included).sum())
    (2, 2)
    >>> kept["member"]["name"].equals(kept["member"]["pseudonym"])
    True
    """
    need = set(tables) | {"member", "consent"}
    if consented_only:  # answers and codings follow their responses and interviews
        need |= {"response", "interview"}
    raw = {t: store.read(t) for t in TABLE_ORDER if t in need}
    if consented_only:
        kept, register = filter_consented(raw)
    else:
        kept, register = dict(raw), consent_register(raw["member"], raw["consent"])
    if not names:
        kept = pseudonymise_tables(kept, raw["member"], raw["consent"])
    return dict(kept), register


class NamesMasked:
    """A read-only view of a store whose ``read`` masks real names written in free text.

    For outputs drawn straight from ``store.read`` (the CoP tree poster): every table
    read through it passes :func:`mask_names_in_text` with the store's members and
    consent, so a goal, step or lesson that names a member shows the pseudonym.
    Member names themselves stay in ``member.name``: the output decides what it shows.

    >>> import cocope_kit as ck
    >>> s = ck.open_store(":memory:")
    >>> _ = s.write({"cop": [{"cop_id": "c", "name": "N", "school": "S", "country": "PT",
    ...                       "language": "pt", "created_on": "2026-01-12"}],
    ...              "member": [{"member_id": "c:1", "cop_id": "c", "name": "Ana Silva",
    ...                          "pseudonym": "Teacher A", "role": "teacher"}],
    ...              "consent": [{"member_id": "c:1", "kind": "consent", "status": "given",
    ...                           "recorded_on": "2026-01-12"}],
    ...              "goal": [{"goal_id": "c:g1", "cop_id": "c", "statement": "Ana Silva leads",
    ...                        "agreed_on": "2026-01-12"}]})
    >>> NamesMasked(s).read("goal").statement.item()
    'Teacher A leads'
    """

    def __init__(self, store):
        self._store = store
        self._people: tuple[pd.DataFrame, pd.DataFrame] | None = None

    def __getattr__(self, name):  # path, count, ... of the store itself
        return getattr(self._store, name)

    def read(self, table: str, *args, **kwargs) -> pd.DataFrame:
        df = self._store.read(table, *args, **kwargs)
        if table not in TABLES or not _text_columns(table):
            return df
        if self._people is None:
            self._people = (self._store.read("member"), self._store.read("consent"))
        tables = {table: df}
        if "cop_id" not in df.columns:  # the parent tells the CoP of a row
            for c in TABLES[table].columns:
                if c.ref and c.ref[0] != table and "cop_id" in TABLES[c.ref[0]].column_names:
                    tables[c.ref[0]] = self._store.read(c.ref[0])
                    break
        return mask_names_in_text(tables, *self._people)[table]
