"""Read CSV and XLSX files into frames, with errors that point at the line.

Handles what spreadsheets really produce: a UTF-8 byte-order mark, semicolon
delimiters (European Excel), title rows above the header, trailing empty rows
and columns. Everything else that is wrong becomes a :class:`CocopeError`
naming the file, row and column.

Examples
--------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "meeting.csv"
>>> _ = p.write_bytes("\\ufeffmeeting_id;cop_id;phase;held_on\\nm1;c1;domain;2026-03-02\\n".encode())
>>> t = read_table_file(p, expected=["meeting_id", "cop_id", "phase", "held_on", "note"])
>>> t.header_row, t.frame.columns.tolist()
(1, ['meeting_id', 'cop_id', 'phase', 'held_on'])
"""

from __future__ import annotations

import contextlib
import csv
import io
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .errors import Problem, ValidationError

__all__ = ["TableFile", "read_table_file", "read_workbook", "SUFFIXES"]

SUFFIXES = (".csv", ".txt", ".xlsx")
_SCAN_ROWS = 10


@dataclass
class TableFile:
    """A table read from a file: the data as text, and the file row of the header."""

    frame: pd.DataFrame
    header_row: int
    source: str

    @property
    def first_row(self) -> int:
        """File row number of the first data row."""
        return self.header_row + 1


def _fail(source, row, column, value, allowed, table="file"):
    raise ValidationError([Problem(table, row, column, value, allowed, source)], f"file {source}")


def _decode(raw: bytes, source: str) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        start = raw.rfind(b"\n", 0, e.start) + 1
        prefix = raw[start:e.start].decode("utf-8", "replace")
        sep = ";" if prefix.count(";") > prefix.count(",") else ","
        col = prefix.count(sep) + 1
        _fail(source, line, f"field {col}", raw[e.start:e.start + 4],
              "the file must be UTF-8 text; in Excel use 'Save as: CSV UTF-8', "
              "in LibreOffice choose character set 'Unicode (UTF-8)'")
    raise AssertionError  # pragma: no cover


def _find_header(rows: list[list[str]], expected: Sequence[str] | None) -> int:
    """Index of the header row: the first of the first rows that names an expected column."""
    if not expected:
        return 0
    want = {e.lower() for e in expected}
    for i, row in enumerate(rows[:_SCAN_ROWS]):
        # title rows of a workbook may hold numbers or dates: compare everything as text
        cells = [str(c).strip().lower() for c in row if c is not None and str(c).strip()]
        if cells and sum(c in want for c in cells) >= max(1, min(2, len(cells))):
            return i
    return 0


def _to_frame(rows: list[list], header_idx: int, source: str) -> pd.DataFrame:
    header = ["" if h is None else str(h).strip() for h in rows[header_idx]]
    while header and header[-1] == "":
        header.pop()
    width = len(header)
    for j, h in enumerate(header):
        if h == "":
            _fail(source, header_idx + 1, f"column {j + 1}", None,
                  "the header has an empty column name; give every column a name from the table's columns")
    body = []
    for i, row in enumerate(rows[header_idx + 1:], start=header_idx + 2):
        row = list(row)
        if all(c is None or (isinstance(c, str) and c.strip() == "") for c in row):
            body.append(None)  # blank line: dropped below, keeps numbering
            continue
        extra = [c for c in row[width:] if not (c is None or (isinstance(c, str) and c.strip() == ""))]
        if extra:
            _fail(source, i, f"column {width + 1}", extra[0],
                  f"this row has more values than the header has columns ({width}); "
                  "check for an unquoted delimiter inside a value")
        body.append((row + [None] * width)[:width])
    keep = [i for i, r in enumerate(body) if r is not None]
    frame = pd.DataFrame([body[i] for i in keep], columns=header, dtype=object)
    frame.index = [header_idx + 2 + i for i in keep]  # file row numbers
    return frame


def read_table_file(path, *, expected: Sequence[str] | None = None, sheet: str | None = None) -> TableFile:
    """Read one table from a CSV or XLSX file as text cells.

    Parameters
    ----------
    path : str or Path
        ``.csv`` (UTF-8, comma or semicolon) or ``.xlsx``.
    expected : sequence of str, optional
        Column names of the target table; used to find the header when title
        rows stand above it and to pick the delimiter.
    sheet : str, optional
        Sheet of a workbook; default the first.

    Returns
    -------
    TableFile
        ``frame`` has object columns and an index of file row numbers.
    """
    p = Path(path)
    source = str(path)
    if not p.exists():
        _fail(source, None, None, None, "file not found")
    suffix = p.suffix.lower()
    if suffix == ".xlsx":
        rows = _xlsx_rows(p, sheet)
    elif suffix in (".csv", ".txt"):
        text = _decode(p.read_bytes(), source)
        if not text.strip():
            _fail(source, 1, None, None,
                  "the file is empty; expected a header line naming the columns"
                  + (f" ({', '.join(expected)})" if expected else ""))
        rows = _csv_rows(text, expected, source)
    else:
        _fail(source, None, None, None, f"unsupported file type {suffix!r}; use .csv or .xlsx")
    rows = [r for r in rows]
    if not any(any(c not in (None, "") for c in r) for r in rows):
        _fail(source, 1, None, None, "the file has no data (no header line)")
    h = _find_header(rows, expected)
    return TableFile(_to_frame(rows, h, source), h + 1, source)


def _csv_rows(text: str, expected, source: str) -> list[list[str]]:
    lines = text.splitlines()
    first = next((ln for ln in lines[:_SCAN_ROWS] if ln.strip()), "")
    if expected:
        # choose the delimiter under which the most lines in the first rows name expected columns
        want = {e.lower() for e in expected}

        def score(sep):
            return max((sum(c.strip().lower() in want for c in ln.split(sep)) for ln in lines[:_SCAN_ROWS]), default=0)

        sep = ";" if score(";") > score(",") else ","
    else:
        sep = ";" if first.count(";") > first.count(",") else ","
    try:
        with _field_limit(len(text) + 1):
            return list(csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True))
    except csv.Error as e:
        reader_line = getattr(e, "line_num", None)
        _fail(source, reader_line, None, None, f"the CSV cannot be parsed ({e}); check quotes")
    raise AssertionError  # pragma: no cover


@contextlib.contextmanager
def _field_limit(n: int) -> Iterator[None]:
    """Let the csv module read fields of up to ``n`` characters (its default stops at 131,072;
    a transcript of 1 MB is realistic). Bounded by the text being read, restored afterwards."""
    old = csv.field_size_limit()
    csv.field_size_limit(max(old, min(n, sys.maxsize)))
    try:
        yield
    finally:
        csv.field_size_limit(old)


def _xlsx_rows(p: Path, sheet: str | None) -> list[list]:
    import zipfile

    try:
        import openpyxl
    except ImportError:  # pragma: no cover - declared dependency
        _fail(str(p), None, None, None, "reading .xlsx needs the openpyxl package")
    try:
        wb = openpyxl.load_workbook(p, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as e:
        _fail(str(p), None, None, None, f"not a readable .xlsx workbook ({e.__class__.__name__})")
    try:
        if sheet is not None and sheet not in wb.sheetnames:
            _fail(str(p), None, None, sheet, f"no such sheet; the sheets are: {', '.join(wb.sheetnames)}")
        ws = wb[sheet] if sheet else wb.worksheets[0]
        return [list(r) for r in ws.iter_rows(values_only=True)]
    finally:
        wb.close()


def read_workbook(path) -> list[str]:
    """Sheet names of an ``.xlsx`` workbook."""
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return list(wb.sheetnames)
    finally:
        wb.close()
