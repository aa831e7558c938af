"""Import, export and merge of a store: files and other stores in, files out.

:class:`~cocope_kit.store.Store` keeps thin methods (``import_file``,
``export``, ``merge``) that call the functions here; everything coming in goes
through the same validation as :meth:`Store.write <cocope_kit.store.Store.write>`
(schema, references, ids, plan rules), so a file and another school's store
are held to one standard.

Examples
--------
>>> import cocope_kit as ck
>>> from cocope_kit.demo import write_demo
>>> a = write_demo(ck.open_store(":memory:"), n_cops=1)
>>> b = ck.open_store(":memory:")
>>> int(merge(b, a)["added"].sum()) == sum(a.count(t) for t in TABLE_ORDER)
True
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from . import privacy, schema
from .errors import MergeConflictError, Problem, UsageError, ValidationError
from .schema import TABLE_ORDER, TABLES
from .store import Store, _as_key, _open_for_reading, open_store  # noqa: F401 - open_store: examples

__all__ = ["import_file", "export", "merge"]


def import_file(store, path, *, table: str | None = None) -> dict[str, int]:
    """Import a CSV, XLSX or REFI-QDA file, all or nothing (see
    :meth:`cocope_kit.store.Store.import_file`)."""
    from .tabular import read_table_file, read_workbook

    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in (".qdpx", ".qdc"):  # REFI-QDA project or codebook: codes and codings
        from .refiqda import import_qda

        if table is not None:
            raise UsageError(f"{p.name} is a REFI-QDA file; it fills code and coding, "
                             "leave out the table")
        return import_qda(store, p)
    if table is not None and table not in TABLES:
        raise UsageError(f"unknown table {table!r}; one of: {', '.join(TABLE_ORDER)}")
    jobs: list[tuple[str, str | None]] = []
    if suffix == ".xlsx" and table is None and p.exists():
        try:
            sheets = read_workbook(p)
        except Exception as e:  # noqa: BLE001 - any unreadable workbook
            raise ValidationError([Problem("file", None, None, None,
                                           f"not a readable .xlsx workbook ({e.__class__.__name__})",
                                           str(path))]) from None
        jobs = [(s, s) for s in sheets if s in TABLES]
        if not jobs:
            raise ValidationError([Problem("file", None, None, None,
                                           "no sheet is named after a table; name sheets like "
                                           "'member', 'meeting', ... or pass --table",
                                           str(path))])
    else:
        t = table or p.stem.lower()
        if t not in TABLES:
            raise ValidationError([Problem("file", None, None, None,
                                           f"cannot tell which table {p.name!r} is for; name the file "
                                           f"after a table (e.g. member.csv) or pass --table "
                                           f"({', '.join(TABLE_ORDER)})", str(path))])
        jobs = [(t, None)]
    frames, numbers = {}, {}
    header_rows = set()
    problems: list[Problem] = []
    for t, sheet in jobs:
        try:
            tf = read_table_file(p, expected=TABLES[t].column_names, sheet=sheet)
        except ValidationError as e:
            problems += e.problems
            continue
        frames[t] = tf.frame.reset_index(drop=True)
        numbers[t] = list(tf.frame.index)
        header_rows.add(tf.header_row)
    if problems:
        raise ValidationError(problems, f"file {path}")
    if all(len(f) == 0 for f in frames.values()):
        raise ValidationError([Problem(jobs[0][0], 2, None, None,
                                       "the file has a header but no rows", str(path))])
    src = str(path) + (f" [sheet {jobs[0][1]}]" if len(jobs) == 1 and jobs[0][1] else "")
    return store.write(frames, source=src, row_numbers=numbers,
                      header_row=header_rows.pop() if len(header_rows) == 1 else None,
                      audit="import")


def export(store, out_dir, *, format: str = "csv", names: bool = False,
           tables: Sequence[str] | None = None,
           consented_only: bool = True, wide_waves: bool = False) -> list[Path]:
    """Write the tables to ``out_dir``: :meth:`cocope_kit.store.Store.export` (CSV here,
    every other format by :func:`cocope_kit.exports.export_store`)."""
    if format != "csv" or wide_waves:
        from .exports import export_store

        return export_store(store, out_dir, format=format, names=names, tables=tables,
                            consented_only=consented_only, wide_waves=wide_waves)
    from .tidy import export_tidy, split_tables, tidy_dictionary

    tables, tidy = split_tables(tables)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    extra = ["cop", "member", "response", "answer"] if tidy else []
    raw, _ = privacy.output_tables(store, [*tables, *extra], names=names,
                                   consented_only=consented_only)
    sheets = {}
    for t in tables:
        df = raw[t]
        flat = pd.DataFrame(schema.to_records(t, df), columns=TABLES[t].column_names)
        sheets[t] = privacy.neutralise_formulas(flat)
    for t, df in export_tidy(raw, tidy, names=names).items():
        flat = df.astype(object).where(df.notna(), None)
        if "submitted_at" in flat:
            flat["submitted_at"] = df["submitted_at"].dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        sheets[t] = privacy.neutralise_formulas(flat)
    dictionary = pd.concat([schema.describe(), tidy_dictionary()], ignore_index=True)
    dictionary = privacy.neutralise_formulas(dictionary)
    dictionary = dictionary[dictionary.table.isin(tables + tidy)]
    written = []
    for t, df in sheets.items():
        f = out / f"{t}.csv"
        privacy.write_csv(df, f)
        written.append(f)
    f = out / "columns.csv"
    privacy.write_csv(dictionary, f)
    written.append(f)
    return written


def merge(store, *sources) -> pd.DataFrame:
    """Merge other stores (paths or Store objects) into ``store``, all or nothing.

    Each source is checked as an import is: its new rows go through the same
    validation as :meth:`Store.write <cocope_kit.store.Store.write>` (schema,
    references, ids, pair ratings within a CoP, a plan without circles). Every
    problem is listed, naming the source, table, row (its position in that
    store's table) and column, and nothing is merged. Rows already present with
    the same content are skipped; a key present with different content is a
    collision (:class:`~cocope_kit.errors.MergeConflictError`).

    Returns
    -------
    pandas.DataFrame
        Columns ``source, table, added, identical``.
    """
    report = []
    with contextlib.ExitStack() as stack:
        others = []
        for src in sources:
            if isinstance(src, Store):
                others.append((src.path, src))
            else:
                others.append((str(src), stack.enter_context(_open_for_reading(src))))
        with store.transaction():
            conflicts: list[tuple] = []
            problems: list[Problem] = []
            for label, other in others:
                frames, numbers = {}, {}
                clashed = False
                for t in TABLE_ORDER:
                    theirs = other._raw(t)
                    if theirs.empty:
                        report.append((label, t, 0, 0))
                        continue
                    key = list(TABLES[t].key)
                    ours = store.read(t, where={key[0]: list(pd.unique(
                        theirs[key[0]].map(_as_key).dropna()))})
                    new_pos, same, clash = _compare(t, ours, schema.typed(t, theirs))
                    conflicts += clash
                    clashed = clashed or bool(clash)
                    if new_pos:
                        frames[t] = theirs.iloc[new_pos].reset_index(drop=True)
                        numbers[t] = [p + 1 for p in new_pos]  # row in that store's table
                    report.append((label, t, len(new_pos), same))
                if not frames:
                    continue
                # the new rows are checked even beside a collision, so one answer lists all
                typed, found = store._validate_batch(frames, label, numbers, None)
                if found or clashed:
                    problems += found
                    continue
                for t, df in typed.items():  # later sources may refer to these rows
                    store._insert_rows(t, df)
            labels = ", ".join(lab for lab, _ in others)
            if conflicts:
                raise MergeConflictError(conflicts, labels, problems=problems)
            if problems:
                raise ValidationError(problems, f"the merge of {labels} (nothing was merged)")
            for label, _ in others:
                store._audit("merge", None, None, f"merged {label}")
    return pd.DataFrame(report, columns=["source", "table", "added", "identical"])


def _same_value(a, b) -> bool:
    if a is None or (isinstance(a, float) and a != a):
        return b is None or (isinstance(b, float) and b != b)
    return a == b


def _compare(table: str, ours: pd.DataFrame, theirs: pd.DataFrame):
    """Positions of the rows of ``theirs`` that are new, a count of identical rows, and
    collisions with ``ours`` (both typed as :meth:`Store.read` returns them)."""
    spec = TABLES[table]
    key = list(spec.key)
    cols = spec.column_names
    o = pd.DataFrame(schema.to_records(table, ours), columns=cols, dtype=object)
    t = pd.DataFrame(schema.to_records(table, theirs), columns=cols, dtype=object)
    o_idx = {tuple(r): i for i, r in enumerate(o[key].itertuples(index=False, name=None))}
    new_pos, same, clash = [], 0, []
    for pos, k in enumerate(t[key].itertuples(index=False, name=None)):
        i = o_idx.get(tuple(k))
        if i is None:
            new_pos.append(pos)
            continue
        diff = [c for c in cols if not _same_value(o.iat[i, cols.index(c)], t.iat[pos, cols.index(c)])]
        if table == "audit" or not diff:
            same += 1
        else:
            label = k[0] if len(k) == 1 else k
            for c in diff:
                clash.append((table, label, c, o.iat[i, cols.index(c)], t.iat[pos, cols.index(c)]))
    return new_pos, same, clash
