"""Interview transcripts, codebooks and blind double coding, as pure functions.

Meeting 3 (Practice) evaluates results with interviews of the people the CoP
works for. This module reads transcripts, cuts them into numbered segments,
builds validated ``interview`` rows, moves codebooks in and out of CSV files
and tells whether blind double coding of an interview is complete. It never
touches the store: :class:`cocope_kit.widgets.CodingPanel` does the storing.

Segments
    A transcript is cut at blank lines; each paragraph is one segment,
    numbered from 1. Whitespace inside a segment is reduced to single spaces;
    speaker prefixes such as ``I:`` or ``R:`` stay part of the text. The
    ``interview`` table keeps the transcript with its segments joined by one
    blank line, so the numbers in ``coding.segment`` never shift.

When is a coder done? (the rule behind blind double coding)
    A coder is *done* with an interview when **every segment carries at least
    one of their codings**. A segment where nothing in the codebook applies
    gets the reserved code :data:`NO_CODE_ID` ("no code applies"), so "I looked
    at this and nothing fits" is recorded as a coding decision like any other
    and is never confused with "not looked at yet". Blind coding is
    *complete* when every coder of the pair is done; only then does either
    coder see the other's codes.

    Why this rule: it needs no extra table and no hidden state (the status
    follows from the ``coding`` rows alone, so it survives merges of stores
    and is the same in every notebook that opens the store); it cannot be
    reached by accident with segments left open; and "no code applies" is a
    real category for agreement (two coders who both find nothing agree).
    Rejected alternatives: an "I'm done" mark in the ``audit`` table (the
    audit records deletions, imports and merges, not working state) or in the
    ``reflection`` table (not a reflection); a done-code on segment 1 (says
    nothing about segments 2..n). Analyses that count codes should leave out
    :data:`NO_CODE_ID` (see :func:`substantive_codings`).

Examples
--------
>>> from cocope_kit.interviews import split_segments, coding_status
>>> split_segments("I: How did it go?\\n\\nR: Better  than\\nbefore.")
   segment                  text
0        1     I: How did it go?
1        2  R: Better than before.
>>> import pandas as pd
>>> codings = pd.DataFrame({"interview_id": ["iv1"] * 3, "segment": [1, 2, 1],
...                         "code_id": ["k:trust", NO_CODE_ID, "k:trust"],
...                         "coder": ["coder_a", "coder_a", "coder_b"]})
>>> st = coding_status(codings, "iv1", n_segments=2)
>>> st.done, st.complete, st.open_for("coder_b")
(('coder_a',), False, (2,))
"""

from __future__ import annotations

import csv
import importlib
import io
import re
import unicodedata
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import schema
from .errors import CocopeError, Problem, UsageError, ValidationError
from .privacy import neutralise_formulas, restore_formulas, write_csv

__all__ = [
    "CODEBOOK_COLUMNS",
    "NO_CODE_ID",
    "NO_CODE_ROW",
    "CodingStatus",
    "coding_status",
    "export_codebook",
    "import_codebook",
    "interview_record",
    "read_transcript",
    "segment_agreement",
    "split_segments",
    "substantive_codings",
]

CODEBOOK_COLUMNS = ("code_id", "codebook", "label", "description", "parent_id")
"""Columns of a codebook CSV file (those of the ``code`` table)."""

NO_CODE_ID = "cocope:no_code"
"""Reserved code a coder puts on a segment where no code of the codebook applies."""

NO_CODE_ROW = {
    "code_id": NO_CODE_ID,
    "codebook": "cocope",
    "label": "no code applies",
    "description": "The coder read this segment and no code of the codebook fits it.",
    "parent_id": None,
}
"""The ``code`` row of :data:`NO_CODE_ID` (codebook ``cocope``, reserved by the kit)."""

_TRANSCRIPT_SUFFIXES = (".txt", ".md", ".docx")


# ----------------------------------------------------------------------------- transcripts
def _decode(raw: bytes, path: Path) -> str:
    """UTF-8 (with or without BOM), or UTF-16 with a BOM; anything else names the line."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise CocopeError(f"{path}: the file starts like UTF-16 text but is damaged; "
                              "save it again as UTF-8 text") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[:e.start].count(b"\n") + 1
        col = e.start - (raw.rfind(b"\n", 0, e.start) + 1) + 1
        raise CocopeError(
            f"{path}, line {line}: byte 0x{raw[e.start]:02x} (character {col} of the line) is "
            "not UTF-8 text; open the file in a text editor and save it with the encoding UTF-8"
        ) from None


def _read_docx(path: Path) -> str:
    try:
        docx = importlib.import_module("docx")
    except ImportError:
        raise CocopeError(
            f"{path}: reading .docx files needs the optional package python-docx, which is not "
            "installed. In Word choose File > Save As > Plain Text (.txt) with the encoding "
            "UTF-8 and read that file instead, or install python-docx (pip install python-docx)."
        ) from None
    try:
        document = docx.Document(str(path))
    except Exception as e:  # noqa: BLE001 - any unreadable document
        raise CocopeError(f"{path} is not a readable .docx document ({e.__class__.__name__}); "
                          "save it again from Word, or as a .txt file") from None
    return "\n\n".join(p.text for p in document.paragraphs if p.text and p.text.strip())


def read_transcript(path) -> str:
    """Read an interview transcript from a ``.txt``, ``.md`` or ``.docx`` file.

    Text files must be UTF-8 (a byte-order mark is fine; UTF-16 with a
    byte-order mark, as older Windows Notepad writes it, is accepted too).
    Line endings become ``\\n``. A ``.docx`` file is read only when the
    optional package ``python-docx`` is installed; its paragraphs become
    segments.

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    str
        The text, ready for :func:`split_segments`.

    Raises
    ------
    CocopeError
        When the file is missing, empty, of another type, not UTF-8 (naming
        the file and the line), or a ``.docx`` without python-docx installed.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "iv.txt"
    >>> _ = p.write_bytes(b"I: Hello\\r\\n\\r\\nR: Ol\\xe1")
    >>> read_transcript(p)
    Traceback (most recent call last):
    ...
    cocope_kit.errors.CocopeError: .../iv.txt, line 3: byte 0xe1 (character 6 of the line) is not UTF-8 text; ...
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in _TRANSCRIPT_SUFFIXES:
        kind = f"{suffix} files" if suffix else "files without an extension"
        raise CocopeError(f"{p}: cannot read {kind} as a transcript; save it as "
                          ".txt (UTF-8), .md or .docx")
    if not p.is_file():
        raise CocopeError(f"transcript {p} not found")
    if suffix == ".docx":
        text = _read_docx(p)
    else:
        text = _decode(p.read_bytes(), p).replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise CocopeError(f"{p}: the transcript is empty")
    return text


def split_segments(text: str) -> pd.DataFrame:
    """Cut a transcript into segments: paragraphs separated by blank lines.

    Parameters
    ----------
    text : str
        The transcript. Any line break counts (``\\n``, ``\\r\\n``, ...); a
        line of only spaces is blank.

    Returns
    -------
    pandas.DataFrame
        Columns ``segment`` (int, 1..n in order) and ``text`` (the paragraph
        with every run of whitespace reduced to one space; speaker prefixes
        such as ``I:`` kept). Joining the texts with blank lines and
        splitting again gives the same segments.

    Examples
    --------
    >>> split_segments("I: Why?\\n   \\nR: Because\\n  we could.\\n\\n\\n").text.tolist()
    ['I: Why?', 'R: Because we could.']
    """
    if not isinstance(text, str):
        raise UsageError(f"split_segments needs text, got {type(text).__name__}")
    paragraphs: list[str] = []
    current: list[str] = []
    for line in text.splitlines():
        if line.strip():
            current.append(line)
        elif current:
            paragraphs.append(" ".join(" ".join(current).split()))
            current = []
    if current:
        paragraphs.append(" ".join(" ".join(current).split()))
    return pd.DataFrame({
        "segment": pd.Series(range(1, len(paragraphs) + 1), dtype="int64"),
        "text": pd.Series(paragraphs, dtype=schema.TEXT_DTYPE),
    })


def _new_id(prefix: str, kind: str) -> str:
    return f"{prefix}:{kind}-{uuid.uuid4().hex[:8]}"


def interview_record(
    *,
    cop_id: str,
    transcript: str,
    interview_id: str | None = None,
    respondent_id: str | None = None,
    respondent_role: str | None = None,
    conducted_on=None,
    interviewer: str | None = None,
    language: str | None = None,
) -> dict:
    """A validated row for the ``interview`` table, ready for ``store.insert``.

    The transcript is stored as its segments joined by one blank line (see
    :func:`split_segments`), so segment numbers stay the same whenever it is
    read again. ``interview_id`` defaults to ``<cop_id>:interview-<8 hex>``.
    References (``cop_id``) are checked by the store when the row is inserted.

    Raises
    ------
    ValidationError
        Listing every problem (column, value, what is allowed).

    Examples
    --------
    >>> row = interview_record(cop_id="be-1", transcript="I: Hi\\n\\nR: Hello", language="nl",
    ...                        conducted_on="2026-05-04", interview_id="be-1:iv1")
    >>> row["transcript"], row["conducted_on"]
    ('I: Hi\\n\\nR: Hello', '2026-05-04')
    >>> interview_record(cop_id="be-1", transcript="  ", respondent_role="pilot")
    Traceback (most recent call last):
    ...
    cocope_kit.errors.ValidationError: 2 problems in table 'interview':
      - interview row 1, column 'respondent_role': 'pilot' is not allowed; one of: ...
      - interview row 1, column 'transcript': a value is required (text)
    """
    text = transcript if isinstance(transcript, str) else ("" if transcript is None else str(transcript))
    joined = "\n\n".join(split_segments(text).text) or None
    cop = cop_id.strip() if isinstance(cop_id, str) else cop_id
    row = {
        "interview_id": interview_id or (_new_id(cop, "interview") if cop else None),
        "cop_id": cop,
        "respondent_id": respondent_id,
        "respondent_role": respondent_role,
        "conducted_on": conducted_on,
        "interviewer": interviewer,
        "language": language,
        "transcript": joined,
    }
    typed = schema.validate("interview", pd.DataFrame([row]))
    return dict(zip(schema.TABLES["interview"].column_names,
                    schema.to_records("interview", typed)[0], strict=True))


# ----------------------------------------------------------------------------- codebooks
def _protect(v):
    """An apostrophe starting the text or a line gets one more, so import can undo
    neutralising (:func:`cocope_kit.privacy.restore_formulas`)."""
    if isinstance(v, str):
        return re.sub(r"(?:^|(?<=[\r\n]))'", "''", v)
    return v


def _unprotect(v: str) -> str:
    return restore_formulas(v)


def export_codebook(codes, path) -> Path:
    """Write codes to a CSV file (UTF-8) that a spreadsheet opens safely.

    Parameters
    ----------
    codes : pandas.DataFrame
        Rows of the ``code`` table, e.g. ``store.read("code", where={"codebook": "cocope-themes"})``.
    path : str or Path
        The CSV file to write; its folder must exist.

    Returns
    -------
    Path

    Notes
    -----
    Columns are :data:`CODEBOOK_COLUMNS`. Cells that a spreadsheet would run
    as a formula (starting with ``= + - @`` or a control character) get a
    leading apostrophe (:func:`cocope_kit.privacy.neutralise_formulas`);
    :func:`import_codebook` removes it again, so the round trip keeps every
    label as it was.
    """
    if not isinstance(codes, pd.DataFrame):
        raise UsageError(f"export_codebook needs a DataFrame of codes, got {type(codes).__name__}")
    missing = [c for c in CODEBOOK_COLUMNS if c not in codes.columns]
    if missing:
        raise UsageError(f"codes lack the column(s) {', '.join(missing)}; "
                         f"a codebook has {', '.join(CODEBOOK_COLUMNS)}")
    p = Path(path)
    if not p.parent.exists():
        raise CocopeError(f"cannot write {p}: folder {p.parent} does not exist")
    flat = codes[list(CODEBOOK_COLUMNS)].astype(object)
    flat = flat.where(flat.notna(), None).map(_protect)
    flat = neutralise_formulas(flat)
    try:
        write_csv(flat, p)
    except OSError as e:
        raise CocopeError(f"cannot write {p}: {e.strerror or e}") from None
    return p


def _slug(label: str) -> str:
    """ASCII letters, digits and '_' (ids follow :data:`cocope_kit.schema_rules.ID_PATTERN`).

    >>> _slug("Schülerstimme / voz"), _slug("?!")
    ('schulerstimme_voz', 'code')
    """
    ascii_ = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    s = re.sub(r"[^a-z0-9]+", "_", ascii_.strip().lower()).strip("_")
    return s[:48].strip("_") or "code"


def import_codebook(path, codebook: str, *, known_ids: Iterable[str] = ()) -> pd.DataFrame:
    """Read a codebook CSV file and check it, reporting every problem at once.

    Parameters
    ----------
    path : str or Path
        UTF-8 CSV (BOM fine), comma or semicolon separated, with a header.
        Columns: ``label`` (required), ``code_id``, ``codebook``,
        ``description``, ``parent_id``. A blank ``code_id`` becomes
        ``<codebook>:<label in lower case with _>``; a ``parent_id`` may name
        another code of the file by its id or by its label, or a code in
        ``known_ids``. A blank ``codebook`` cell takes ``codebook``.
    codebook : str
        The codebook the file is imported into.
    known_ids : iterable of str, optional
        Code ids already in the store that parents may refer to.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`CODEBOOK_COLUMNS`, validated and typed like
        ``store.read("code")``.

    Raises
    ------
    ValidationError
        Naming the file, the line (header = line 1) and the column of every
        problem: unknown or missing columns, blank labels, duplicate ids,
        another codebook, unknown or circular parents.
    CocopeError
        When the file is missing or not UTF-8 (naming the line).
    """
    if not isinstance(codebook, str) or not codebook.strip():
        raise UsageError("codebook must be a non-empty name, e.g. 'cocope-themes'")
    codebook = codebook.strip()
    p = Path(path)
    src = str(p)
    if not p.is_file():
        raise CocopeError(f"codebook file {p} not found")
    text = _decode(p.read_bytes(), p)
    problems: list[Problem] = []

    def add(row, column, value, allowed):
        problems.append(Problem("code", row, column, value, allowed, src))

    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for rec in reader:
            line, start = start, reader.line_num + 1
            if any(c.strip() for c in rec):
                records.append((line, rec))
    except csv.Error as e:
        raise ValidationError([Problem("code", reader.line_num, None, None,
                                       f"not readable as CSV ({e})", src)]) from None
    if not records:
        raise ValidationError([Problem("code", None, None, None,
                                       "the file is empty; the first line must be a header such as "
                                       + ",".join(CODEBOOK_COLUMNS), src)])
    header_line, header = records[0]
    cols = [h.strip().lstrip("\ufeff").lower() for h in header]
    seen: set[str] = set()
    for c in cols:
        if c in seen:
            add(header_line, c, None, "this column appears more than once in the header")
        seen.add(c)
        if c not in CODEBOOK_COLUMNS:
            add(header_line, c or "(blank)", None,
                f"unknown column; a codebook has the columns {', '.join(CODEBOOK_COLUMNS)}")
    if "label" not in cols:
        add(header_line, "label", None,
            f"required column is missing; a codebook has the columns {', '.join(CODEBOOK_COLUMNS)}")
    if problems:
        raise ValidationError(problems, f"codebook file {src}")
    body = records[1:]
    if not body:
        raise ValidationError([Problem("code", header_line + 1, None, None,
                                       "the file has a header but no codes", src)])

    rows, lines = [], []
    for line, rec in body:
        if len(rec) > len(cols):
            add(line, None, None, f"{len(rec)} fields but the header has {len(cols)}; "
                                  "put text with commas in double quotes")
            continue
        cells = [c.strip() for c in rec] + [""] * (len(cols) - len(rec))
        row = {c: (_unprotect(v) if v else None) for c, v in zip(cols, cells, strict=True)}
        rows.append({c: row.get(c) for c in CODEBOOK_COLUMNS})
        lines.append(line)

    for row, line in zip(rows, lines, strict=True):
        book = row["codebook"]
        if book is None:
            row["codebook"] = codebook
        elif book != codebook:
            add(line, "codebook", book, f"this import is for codebook {codebook!r}; "
                                        "change the cell or import into that codebook")
        if row["code_id"] is None and row["label"]:
            row["code_id"] = f"{re.sub(r'[^A-Za-z0-9._-]+', '-', codebook)}:{_slug(row['label'])}"
    ids = {r["code_id"] for r in rows if r["code_id"]}
    known = set(known_ids)
    by_label: dict[str, list[str]] = {}
    for r in rows:
        if r["label"] and r["code_id"]:
            by_label.setdefault(r["label"], []).append(r["code_id"])
    for row, line in zip(rows, lines, strict=True):
        parent = row["parent_id"]
        if parent is None or parent in ids or parent in known:
            continue
        if len(by_label.get(parent, [])) == 1:
            row["parent_id"] = by_label[parent][0]
        else:
            add(line, "parent_id", parent,
                "must be the code_id (or the label) of another code in this file or in the store")
    parent_of = {r["code_id"]: r["parent_id"] for r in rows if r["code_id"]}
    for row, line in zip(rows, lines, strict=True):
        cid = row["code_id"]
        if cid is None or row["parent_id"] is None:
            continue
        if row["parent_id"] == cid:
            add(line, "parent_id", cid, "a code cannot be its own parent")
            continue
        walk, node = {cid}, parent_of.get(row["parent_id"])
        while node is not None and node not in walk:
            walk.add(node)
            node = parent_of.get(node)
        if node == cid:
            add(line, "parent_id", row["parent_id"], "parents go round in a circle; a code "
                                                    "cannot be below one of its own sub-codes")
    frame = pd.DataFrame(rows, columns=list(CODEBOOK_COLUMNS))
    try:
        typed = schema.validate("code", frame, source=src, row_numbers=lines, header_row=header_line,
                                refs={"code.code_id": ids | known})
    except ValidationError as e:
        problems += [q for q in e.problems if q.column != "parent_id" or "existing" not in q.allowed]
        typed = None
    if problems:
        problems.sort(key=lambda q: (q.row if q.row is not None else -1))
        raise ValidationError(problems, f"codebook file {src}")
    return typed


# ----------------------------------------------------------------------------- coding status
def substantive_codings(codings: pd.DataFrame) -> pd.DataFrame:
    """Codings without the reserved "no code applies" marker (for counting codes)."""
    return codings[codings["code_id"] != NO_CODE_ID]


@dataclass(frozen=True)
class CodingStatus:
    """Where blind double coding of one interview stands.

    Attributes
    ----------
    interview_id : str
    n_segments : int
        Segments of the transcript.
    coders : tuple of str
        The coders of the pair (or group), in the order given.
    open_segments : tuple of tuple of int
        For each coder (same order), the segments that have none of their codings.
    """

    interview_id: str
    n_segments: int
    coders: tuple[str, ...]
    open_segments: tuple[tuple[int, ...], ...]

    def open_for(self, coder: str) -> tuple[int, ...]:
        """Segments ``coder`` has not coded yet."""
        if coder not in self.coders:
            raise UsageError(f"{coder!r} is not one of the coders {', '.join(self.coders)}")
        return self.open_segments[self.coders.index(coder)]

    def is_done(self, coder: str) -> bool:
        """True when ``coder`` has coded every segment."""
        return not self.open_for(coder)

    @property
    def done(self) -> tuple[str, ...]:
        """Coders who have coded every segment."""
        return tuple(c for c, o in zip(self.coders, self.open_segments, strict=True) if not o)

    @property
    def complete(self) -> bool:
        """True when every coder is done: the codes of all coders may be shown."""
        return len(self.done) == len(self.coders)


def _check_codings(codings) -> pd.DataFrame:
    if not isinstance(codings, pd.DataFrame):
        raise UsageError(f"codings must be a DataFrame (store.read('coding')), got {type(codings).__name__}")
    need = {"interview_id", "segment", "code_id", "coder"}
    missing = need - set(codings.columns)
    if missing:
        raise UsageError(f"codings lack the column(s) {', '.join(sorted(missing))}")
    return codings


def _check_coders(coders) -> tuple[str, ...]:
    if isinstance(coders, str):
        coders = (coders,)
    out = tuple(coders)
    if not out or not all(isinstance(c, str) and c for c in out) or len(set(out)) != len(out):
        raise UsageError(f"coders must be distinct non-empty names, got {coders!r}")
    return out


def _check_n(n_segments) -> int:
    if isinstance(n_segments, bool) or not isinstance(n_segments, int) or n_segments < 1:
        raise UsageError(f"n_segments must be a whole number of at least 1 "
                         f"(len(split_segments(transcript))), got {n_segments!r}")
    return n_segments


def coding_status(codings: pd.DataFrame, interview_id: str,
                  coders: Sequence[str] = ("coder_a", "coder_b"), *,
                  n_segments: int) -> CodingStatus:
    """Tell whether blind double coding of an interview is complete.

    A coder is done when every segment 1..``n_segments`` carries at least one
    of their codings; the reserved code :data:`NO_CODE_ID` counts (see the
    module docstring for why). Coding is complete when every coder is done.

    Parameters
    ----------
    codings : pandas.DataFrame
        Rows of the ``coding`` table (other interviews and coders are ignored).
    interview_id : str
    coders : sequence of str, default ("coder_a", "coder_b")
    n_segments : int
        Number of segments of the transcript, ``len(split_segments(transcript))``.

    Returns
    -------
    CodingStatus
    """
    c = _check_codings(codings)
    who = _check_coders(coders)
    n = _check_n(n_segments)
    mine = c[c["interview_id"] == interview_id]
    opens = []
    for coder in who:
        segs = pd.to_numeric(mine.loc[mine["coder"] == coder, "segment"], errors="coerce")
        coded = {int(s) for s in segs.dropna()}
        opens.append(tuple(s for s in range(1, n + 1) if s not in coded))
    return CodingStatus(str(interview_id), n, who, tuple(opens))


def segment_agreement(codings: pd.DataFrame, interview_id: str,
                      coders: Sequence[str] = ("coder_a", "coder_b"), *,
                      n_segments: int) -> pd.DataFrame:
    """The codes each coder gave each segment, and whether the coders agree.

    Returns
    -------
    pandas.DataFrame
        One row per segment and coder: ``segment`` (int), ``coder``,
        ``code_ids`` (sorted tuple, :data:`NO_CODE_ID` included), ``agree``
        (bool: every coder gave this segment the same set of codes).

    Examples
    --------
    >>> import pandas as pd
    >>> c = pd.DataFrame({"interview_id": "iv", "segment": [1, 1, 1],
    ...                   "code_id": ["trust", "trust", "time"],
    ...                   "coder": ["coder_a", "coder_b", "coder_b"]})
    >>> segment_agreement(c, "iv", n_segments=1)
       segment    coder       code_ids  agree
    0        1  coder_a       (trust,)  False
    1        1  coder_b  (time, trust)  False
    """
    c = _check_codings(codings)
    who = _check_coders(coders)
    n = _check_n(n_segments)
    mine = c[c["interview_id"] == interview_id]
    sets: dict[tuple[int, str], tuple[str, ...]] = {}
    for (seg, coder), grp in mine.groupby(["segment", "coder"], sort=False):
        sets[(int(seg), str(coder))] = tuple(sorted(set(grp["code_id"].astype(str))))
    rows = []
    for s in range(1, n + 1):
        per = [sets.get((s, coder), ()) for coder in who]
        agree = all(x == per[0] for x in per)
        rows += [{"segment": s, "coder": coder, "code_ids": x, "agree": agree}
                 for coder, x in zip(who, per, strict=True)]
    return pd.DataFrame(rows, columns=["segment", "coder", "code_ids", "agree"]).astype(
        {"segment": "int64", "agree": bool})
