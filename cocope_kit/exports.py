"""Exports for researchers: one entry point for every file format but CSV.

:func:`export_store` is what :meth:`cocope_kit.store.Store.export` calls for
``xlsx``, ``sav``, ``qdc`` and ``qdpx``; the formats themselves live in

* :func:`write_xlsx` (here): one workbook, a sheet per table and a data
  dictionary. Dates are date cells (``yyyy-mm-dd``), times date-time cells
  (UTC), true/false boolean cells, numbers number cells; every sheet has its
  header row frozen and an autofilter. Text is always a text cell, never a
  formula: a value such as ``=SUM(A1)`` or ``-2 incidents`` is stored exactly
  as written, with Excel's "quote prefix" flag (the hidden apostrophe Excel
  itself uses) so editing the cell does not turn it into a formula either.
  The data keep no added apostrophe.
* :mod:`cocope_kit.spss`: ``.sav`` files and ``.sps`` syntax;
* :mod:`cocope_kit.refiqda`: the REFI-QDA codebook (``.qdc``) and project
  (``.qdpx``).

The names of those modules that this module had before they were split off
(``write_sav``, ``sav_frames``, ``write_qdc``, ``read_qdc``, ``code_guid``,
``QDC_NAMESPACE``, ``LEVEL_LABELS``) stay importable from here.

Examples
--------
>>> import cocope_kit as ck, tempfile, openpyxl
>>> from cocope_kit.demo import write_demo
>>> store = write_demo(ck.open_store(":memory:"))
>>> (path,) = export_store(store, tempfile.mkdtemp(), format="xlsx", tables=["meeting"])
>>> ws = openpyxl.load_workbook(path)["meeting"]
>>> ws.freeze_panes, ws.auto_filter.ref, ws["D2"].number_format, type(ws["D2"].value).__name__
('A2', 'A1:E13', 'yyyy-mm-dd', 'datetime')
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from .errors import CocopeError, UsageError
from .privacy import looks_like_formula
from .refiqda import QDC_NAMESPACE, code_guid, read_qdc, write_qdc, write_qdpx
from .spss import LEVEL_LABELS, sav_frames, write_sav

__all__ = [
    "FORMATS",
    "QDC_NAMESPACE",
    "LEVEL_LABELS",
    "code_guid",
    "export_store",
    "sav_frames",
    "write_sav",
    "write_qdc",
    "read_qdc",
    "write_qdpx",
    "write_xlsx",
]

FORMATS = ("csv", "xlsx", "sav", "qdc", "qdpx")
"""Export formats of :meth:`cocope_kit.store.Store.export` (``csv`` is written by the store)."""

_XLSX_ROWS = 1_048_576  # rows of an Excel sheet, header included


def _sheets(store: object, tables: Sequence[str], names: bool, consented_only: bool
            ) -> dict[str, pd.DataFrame]:
    """The tables as exported (consent register applied, pseudonymised)."""
    from .privacy import output_tables

    kept, _ = output_tables(store, tables, names=names, consented_only=consented_only)
    return {t: kept[t] for t in tables}


def _cells(table: str | None, df: pd.DataFrame, kinds: dict[str, str] | None = None
           ) -> list[tuple[str, str | None, list]]:
    """``(column, kind, values)`` per column, values as Python objects for openpyxl
    (``kinds``: the column types of a table that is not a store table)."""
    from .schema import TABLES

    spec = TABLES[table] if table and kinds is None else None
    out = []
    for name in (spec.column_names if spec else list(df.columns)):
        kind = spec.column(name).type if spec else (kinds or {}).get(name, "text")
        s = df[name] if name in df.columns else pd.Series([None] * len(df), dtype=object)
        if kind == "date":
            v = pd.to_datetime(s, errors="coerce")
            vals = [None if pd.isna(x) else x.to_pydatetime() for x in v]
        elif kind == "timestamp":
            v = pd.to_datetime(s, errors="coerce", utc=True).dt.tz_localize(None)
            vals = [None if pd.isna(x) else x.to_pydatetime() for x in v]
        elif kind == "bool":
            vals = [None if pd.isna(x) else bool(x) for x in s.astype(object)]
        elif kind == "int":
            vals = [None if pd.isna(x) else int(x) for x in s.astype(object)]
        elif kind == "real":
            vals = [None if pd.isna(x) else float(x) for x in s.astype(object)]
        else:
            vals = [None if (x is None or (not isinstance(x, str) and pd.isna(x))) else
                    (x if isinstance(x, str) else str(x)) for x in s.astype(object)]
        out.append((name, kind, vals))
    return out


def _write_sheet(wb, title: str, columns: list[tuple[str, str | None, list]]) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title)
    n_rows = len(columns[0][2]) if columns else 0
    if n_rows + 1 > _XLSX_ROWS:
        raise CocopeError(f"table {title} has {n_rows} rows, more than an Excel sheet holds "
                          f"({_XLSX_ROWS - 1}); export it as CSV (--format csv)")
    ws.freeze_panes = "A2"
    if columns:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{n_rows + 1}"
    bold = Font(bold=True)
    header = []
    for name, _, _ in columns:
        c = WriteOnlyCell(ws, value=name)
        c.font = bold
        header.append(c)
    ws.append(header)
    fmt = {"date": "yyyy-mm-dd", "timestamp": "yyyy-mm-dd hh:mm:ss"}
    for i in range(n_rows):
        row = []
        for _, kind, vals in columns:
            v = vals[i]
            if v is None:
                row.append(None)
                continue
            if isinstance(v, str):
                c = WriteOnlyCell(ws)
                c.value = v
                c.data_type = "s"  # text, even when it starts with "="
                if looks_like_formula(v):
                    c.quotePrefix = True
                row.append(c)
            elif kind in fmt:
                c = WriteOnlyCell(ws, value=v)
                c.number_format = fmt[kind]
                row.append(c)
            else:
                row.append(v)
        ws.append(row)


def write_xlsx(store: object, path: str | os.PathLike, *, names: bool = False,
               tables: Sequence[str] | None = None, consented_only: bool = True) -> Path:
    """Write the tables and the data dictionary into one ``.xlsx`` workbook.

    Parameters
    ----------
    store : Store or object with ``read(table)``
    path : path
        The workbook to write.
    names, tables, consented_only
        As for :meth:`cocope_kit.store.Store.export`.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    CocopeError
        A table has more rows than an Excel sheet holds.
    """
    import openpyxl

    from .schema import describe
    from .tidy import TIDY_COLUMNS, export_tidy, split_tables, tidy_dictionary

    tables, tidy = split_tables(tables)
    sheets = _sheets(store, list(dict.fromkeys(
        tables + (["cop", "member", "response", "answer"] if tidy else []))), names,
        consented_only)
    dictionary = pd.concat([describe(), tidy_dictionary()], ignore_index=True)
    dictionary = dictionary[dictionary.table.isin(tables + tidy)].reset_index(drop=True)
    wb = openpyxl.Workbook(write_only=True)
    for t in tables:
        _write_sheet(wb, t, _cells(t, sheets[t]))
    for t, df in export_tidy(sheets, tidy, names=names).items():
        _write_sheet(wb, t, _cells(t, df, {c: k for c, k, _ in TIDY_COLUMNS[t]}))
    _write_sheet(wb, "columns", [(c, "bool" if dictionary[c].dtype == bool else "text",
                                  list(dictionary[c])) for c in dictionary.columns])
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out


def export_store(store: object, out_dir: str | os.PathLike, *, format: str,
                 names: bool = False, tables: Sequence[str] | None = None,
                 consented_only: bool = True, wide_waves: bool = False) -> list[Path]:
    """Write a store in one of the formats ``xlsx``, ``sav``, ``qdc`` or ``qdpx``.

    Parameters
    ----------
    store : Store or object with ``read(table)``
    out_dir : path
        Folder to write into (created).
    format : str
        ``xlsx`` (``cocope_export.xlsx``), ``sav`` (a ``.sav`` per table and
        per survey instrument, with ``.sps`` syntax), ``qdc``
        (``codebook.qdc``) or ``qdpx`` (``interviews.qdpx``).
    names, tables, consented_only
        As for :meth:`cocope_kit.store.Store.export`.
    wide_waves : bool, default False
        ``sav`` only: survey files with one row per respondent, waves side by side.

    Returns
    -------
    list of Path
        The files written.
    """
    if wide_waves and format != "sav":
        raise UsageError("wide waves are for SPSS files: use them with format 'sav'")
    if format not in FORMATS or format == "csv":
        raise UsageError(f"format must be one of {', '.join(repr(f) for f in FORMATS)}, "
                         f"got {format!r}")
    out = Path(out_dir)
    if format == "sav":
        return write_sav(store, out, names=names, tables=tables, consented_only=consented_only,
                         wide_waves=wide_waves)
    if format in ("qdc", "qdpx") and tables and list(tables) != ["code"]:
        raise UsageError(f"format {format!r} exports the interview codes (and codings); "
                         "leave out tables")
    if format == "qdc":
        return [write_qdc(store, out / "codebook.qdc")]
    if format == "qdpx":
        return [write_qdpx(store, out / "interviews.qdpx", names=names,
                           consented_only=consented_only)]
    return [write_xlsx(store, out / "cocope_export.xlsx", names=names, tables=tables,
                       consented_only=consented_only)]
