"""The store: one SQLite file per school, or one PostgreSQL database for many.

``open_store("school.sqlite")`` opens (or creates) a file: the embedded
default for one facilitator on one laptop. ``open_store("postgresql://...")``
opens a database on a server: the shared deployment, where several
facilitators and the form service write at once and PostgreSQL's roles and
row-level security decide who sees which CoP (:mod:`cocope_kit.store_access`).
Both have the same tables, migrations, API and all-or-nothing transactions
(:mod:`cocope_kit.store_backend` hides the few differences).

The store is the only module that talks SQL. Every write is one transaction
that is validated against :mod:`cocope_kit.schema` first, so a rejected batch
leaves the store exactly as it was. Deletions leave an entry in the ``audit``
table.

Examples
--------
>>> import cocope_kit as ck
>>> store = ck.open_store(":memory:")
>>> store.insert("cop", [{"cop_id": "be-1", "name": "Reading buddies", "school": "GO! Gent",
...                        "country": "BE", "language": "nl", "created_on": "2026-01-12"}])
1
>>> store.read("cop")[["cop_id", "country", "cycle"]]
  cop_id country  cycle
0   be-1      BE      1
>>> store.insert("member", [{"member_id": "be-1:1", "cop_id": "be-9", "pseudonym": "T1",
...                           "role": "teacher"}])
Traceback (most recent call last):
...
cocope_kit.errors.ValidationError: 1 problem in table 'member':
  - member row 1, column 'cop_id': 'be-9' is not allowed; must be the cop_id of an existing cop
>>> len(store.read("member"))
0
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import tempfile
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from . import schema
from .errors import Problem, StoreError, UsageError, ValidationError
from .migrations import MIGRATIONS
from .schema import TABLE_ORDER, TABLES
from .store_backend import (
    WRITE_LOCK,
    connect_postgres,
    database_errors,
    integrity_errors,
    is_postgres,
    migration_statements,
    redact,
)

__all__ = ["Store", "open_store", "LATEST_VERSION"]

LATEST_VERSION = MIGRATIONS[-1][0]
_CHUNK = 900  # stays below SQLite's limit of host parameters per statement
_BUSY_MS = 60_000

Rows = pd.DataFrame | Sequence[Mapping] | Mapping


def _use_wal(con: sqlite3.Connection, busy_ms: int = _BUSY_MS) -> None:
    """Put the store in WAL mode, waiting for other processes that open it at the same time.

    Switching to WAL needs the file to itself, and SQLite does not run the busy
    handler for ``PRAGMA journal_mode`` (so ``busy_timeout`` does not help): when
    several processes open a new store at once, one may get "database is locked"
    at once, or have the switch refused (the pragma then answers the old mode).
    WAL stays set in the file, so a store opened before needs no switch and no
    lock. Otherwise the switch is tried again, waiting 5 ms, then twice as long
    each time up to 0.1 s, for at most ``busy_ms``; another process finishing the
    switch meanwhile counts as done.
    """
    deadline = time.monotonic() + busy_ms / 1000
    pause = 0.005
    while True:
        try:
            if str(con.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal":
                return
            if str(con.execute("PRAGMA journal_mode = WAL").fetchone()[0]).lower() == "wal":
                return
            error = sqlite3.OperationalError("database is locked (the switch to WAL was refused)")
        except sqlite3.OperationalError as e:
            if "locked" not in str(e) and "busy" not in str(e):
                raise
            error = e
        if time.monotonic() >= deadline:
            raise error
        time.sleep(pause)
        pause = min(2 * pause, 0.1)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _frame(rows: Rows) -> pd.DataFrame:
    if isinstance(rows, pd.DataFrame):
        return rows
    if isinstance(rows, Mapping):
        return pd.DataFrame([dict(rows)])
    rows = list(rows)
    if rows and not all(isinstance(r, Mapping) for r in rows):
        raise UsageError("rows must be a DataFrame, a mapping, or a list of mappings")
    return pd.DataFrame([dict(r) for r in rows])


def _chunks(seq: Sequence, n: int = _CHUNK) -> Iterator[Sequence]:
    for i in range(0, len(seq), n):
        yield seq[i:i + n]


class Store:
    """A cocope_kit store in an SQLite file (or ``":memory:"``) or a PostgreSQL database.

    Open it with :func:`open_store`. An SQLite connection runs in WAL mode
    with foreign keys on and a busy timeout, so several processes (for
    example several participants submitting forms through one server) can
    write at once; each write takes the write lock for its whole
    transaction. On PostgreSQL each write transaction takes the store's
    advisory lock instead (:data:`~cocope_kit.store_backend.WRITE_LOCK`).

    Parameters
    ----------
    path : str or Path
        The database file, created when missing; ``":memory:"`` for tests;
        or a ``postgresql://user@host/dbname`` URL (libpq syntax, e.g.
        ``postgresql://alice@/cocope?host=/run/postgresql`` for a unix socket).
    upto : int, optional
        Migrate only up to this schema version (for tests of migrations).

    Attributes
    ----------
    backend : str
        ``"sqlite"`` or ``"postgresql"``.
    path : str
        The file, or the URL without its password.
    """

    def __init__(self, path: str | os.PathLike = ":memory:", *, upto: int | None = None):
        self._depth = 0
        self._errors = database_errors()
        if is_postgres(path):
            self._open_postgres(str(path))
        else:
            self._open_sqlite(str(path))
        self._migrate(upto)

    def _open_postgres(self, url: str) -> None:
        self.backend = "postgresql"
        self.path = redact(url)
        try:
            self._con = connect_postgres(url)
        except self._errors as e:
            first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            raise StoreError(f"cannot open the store {self.path} (PostgreSQL says: {first})") from None

    def _open_sqlite(self, path: str) -> None:
        self.backend = "sqlite"
        self.path = path
        if self.path != ":memory:":
            parent = Path(self.path).parent
            if not parent.exists():
                raise StoreError(f"cannot create store {self.path}: folder {parent} does not exist")
        try:
            self._con = sqlite3.connect(self.path, timeout=_BUSY_MS / 1000, isolation_level=None)
            self._con.execute(f"PRAGMA busy_timeout = {_BUSY_MS}")
            if self.path != ":memory:":
                _use_wal(self._con)
                self._con.execute("PRAGMA synchronous = NORMAL")
            self._con.execute("PRAGMA foreign_keys = ON")
            self._con.execute("PRAGMA secure_delete = ON")  # deleted content is zeroed (erasure)
            self._con.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.DatabaseError as e:
            raise StoreError(f"{self.path} is not a cocope_kit store (SQLite says: {e})") from None

    # ------------------------------------------------------------------ basics
    def __repr__(self) -> str:
        return f"<Store {self.path!r} schema v{self.schema_version}>"

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection (a checkpoint folds the WAL file back in)."""
        with contextlib.suppress(*self._errors):
            self._con.close()

    @property
    def schema_version(self) -> int:
        """Highest migration applied to this store."""
        row = self._con.execute("SELECT max(version) FROM schema_migrations").fetchone()
        return int(row[0] or 0)

    def migrations(self) -> pd.DataFrame:
        """Applied migrations: version, name, applied_at."""
        return self._query("SELECT version, name, applied_at FROM schema_migrations ORDER BY version")

    def _query(self, sql: str, params: Sequence = ()) -> pd.DataFrame:
        """The result of one SELECT as a DataFrame (columns as the SELECT names them)."""
        cur = self._con.execute(sql, params)
        cols = [d[0] for d in cur.description]
        return pd.DataFrame.from_records(cur.fetchall(), columns=cols)

    def _has_migrations_table(self) -> bool:
        if self.backend == "postgresql":
            return self._con.execute("SELECT to_regclass('schema_migrations')").fetchone()[0] is not None
        return self._con.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                                 "AND name = 'schema_migrations'").fetchone() is not None

    def _migrate(self, upto: int | None) -> None:
        if not self._has_migrations_table():
            try:  # in a write transaction: two processes creating a new store do not collide
                with self.transaction():
                    if not self._has_migrations_table():
                        self._con.execute(
                            "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, "
                            "name TEXT NOT NULL, applied_at TEXT NOT NULL)")
            except self._errors as e:
                raise StoreError(f"cannot create the tables of a new store in {self.path} "
                                 f"({_engine_says(self, e)})") from None
        current = self.schema_version
        if current > LATEST_VERSION:
            raise StoreError(
                f"{self.path} has schema version {current}, newer than this cocope_kit "
                f"understands ({LATEST_VERSION}); update cocope_kit"
            )
        for version, name, sql in MIGRATIONS:
            if version <= current or (upto is not None and version > upto):
                continue
            try:
                with self.transaction():
                    if self.schema_version >= version:  # another process migrated it meanwhile
                        continue
                    for statement in migration_statements(sql, self.backend == "postgresql"):
                        self._con.execute(statement)
                    self._con.execute(
                        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                        (version, name, _now()),
                    )
            except self._errors as e:
                raise StoreError(
                    f"{self.path}: migration {version} ({name}) failed and was rolled back; "
                    f"the store stays at version {self.schema_version} ({_engine_says(self, e)})"
                ) from None

    @contextlib.contextmanager
    def transaction(self):
        """One transaction: everything inside commits together or not at all.

        Takes the write lock at the start (SQLite: ``BEGIN IMMEDIATE``;
        PostgreSQL: the advisory lock :data:`~cocope_kit.store_backend.WRITE_LOCK`),
        so reads made inside see a state no other writer can change before
        commit. Nested uses join the outer transaction. Yields the connection
        (``execute``/``executemany`` with ``?`` placeholders on both engines).
        """
        if self._depth:
            self._depth += 1
            try:
                yield self._con
            finally:
                self._depth -= 1
            return
        if self.backend == "postgresql":
            self._con.execute("BEGIN")
            try:
                self._con.execute("SELECT pg_advisory_xact_lock(?)", (WRITE_LOCK,))
            except BaseException:
                self._con.execute("ROLLBACK")
                raise
        else:
            self._con.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield self._con
        except BaseException:
            self._depth = 0
            self._con.execute("ROLLBACK")
            raise
        else:
            self._depth = 0
            try:
                self._con.execute("COMMIT")
            except integrity_errors() as e:  # deferred foreign keys, should not pass validation
                if self.backend == "sqlite":  # PostgreSQL has ended the transaction itself
                    self._con.execute("ROLLBACK")
                raise StoreError(f"the change breaks a reference between tables ({e}); "
                                 "nothing was stored") from None

    # ------------------------------------------------------------------ reading
    def read(self, table: str, *, where: Mapping[str, object] | None = None) -> pd.DataFrame:
        """One table as a DataFrame with the dtypes of :func:`cocope_kit.schema.validate`.

        Parameters
        ----------
        table : str
            A table of DESIGN section 3 (see :data:`cocope_kit.schema.TABLES`).
        where : mapping, optional
            Equality filters, e.g. ``{"cop_id": "be-1"}``; a list value means "one of".

        >>> import cocope_kit as ck
        >>> ck.open_store(":memory:").read("goal").columns[:4].tolist()
        ['goal_id', 'cop_id', 'statement', 'indicator']
        """
        spec = schema.TABLES.get(table)
        if spec is None:
            raise UsageError(f"unknown table {table!r}; one of: {', '.join(TABLE_ORDER)}")
        sql = f"SELECT {', '.join(spec.column_names)} FROM {table}"
        params: list = []
        if where:
            clauses = []
            for col, val in where.items():
                if col not in spec.column_names:
                    raise UsageError(f"{table} has no column {col!r}; columns: {', '.join(spec.column_names)}")
                if isinstance(val, (list, tuple, set, pd.Series)):
                    vals = list(val)
                    clauses.append(f"{col} IN ({', '.join('?' * len(vals))})" if vals else "1 = 0")
                    params += vals
                else:
                    clauses.append(f"{col} = ?")
                    params.append(val)
            sql += " WHERE " + " AND ".join(clauses)
        sql += " ORDER BY rowid"
        cur = self._con.execute(sql, params)
        raw = pd.DataFrame.from_records(cur.fetchall(), columns=spec.column_names)
        return schema.typed(table, raw)

    def _raw(self, table: str) -> pd.DataFrame:
        """One table as stored (object columns, SQLite's values, row order), unchecked:
        what :func:`cocope_kit.store_io.merge` validates before taking rows in."""
        cols = TABLES[table].column_names
        cur = self._con.execute(f"SELECT {', '.join(cols)} FROM {table} ORDER BY rowid")
        return pd.DataFrame.from_records(cur.fetchall(), columns=cols).astype(object)

    @property
    def invitations(self):
        """The ``invitation`` table (:class:`~cocope_kit.store_invitations.InvitationTable`)."""
        from .store_invitations import InvitationTable

        return InvitationTable(self)

    def count(self, table: str) -> int:
        """Number of rows in a table."""
        if table not in TABLES:
            raise UsageError(f"unknown table {table!r}; one of: {', '.join(TABLE_ORDER)}")
        return int(self._con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])

    def _distinct(self, table: str, column: str) -> list:
        """The distinct values of ``table.column`` (e.g. the waves used; answer_checks)."""
        if table not in TABLES or column not in TABLES[table].column_names:
            raise UsageError(f"{table} has no column {column!r}")
        return [r[0] for r in self._con.execute(
            f"SELECT DISTINCT {column} FROM {table} WHERE {column} IS NOT NULL")]

    def _existing(self, table: str, column: str, values: Iterable) -> set:
        """Which of ``values`` occur in ``table.column``."""
        vals = [v for v in pd.unique(pd.Series(list(values), dtype=object).dropna())]
        found: set = set()
        for chunk in _chunks(vals):
            q = f"SELECT DISTINCT {column} FROM {table} WHERE {column} IN ({', '.join('?' * len(chunk))})"
            found.update(r[0] for r in self._con.execute(q, list(chunk)))
        return found

    def _existing_keys(self, table: str, df: pd.DataFrame) -> set[tuple]:
        """Keys in ``table`` (as stored) whose first part equals one of ``df`` (raw values),
        ignoring case: ids differing only in case are the same id (schema_rules)."""
        key = list(TABLES[table].key)
        if key[0] not in df.columns:
            return set()
        firsts = df[key[0]].astype(object).map(_as_key).dropna().astype(str)
        # a one-part key is an id of its own: match it ignoring case; the first part of a
        # longer key refers to another table and must match exactly (indexed lookup)
        wanted = pd.unique(firsts.str.lower() if len(key) == 1 else firsts)
        col = f"lower({key[0]})" if len(key) == 1 else key[0]
        cols = ", ".join(key)
        found: set[tuple] = set()
        for chunk in _chunks(list(wanted)):
            q = f"SELECT {cols} FROM {table} WHERE {col} IN ({', '.join('?' * len(chunk))})"
            found.update(tuple(r) for r in self._con.execute(q, list(chunk)))
        return found

    # ------------------------------------------------------------------ writing
    def insert(
        self,
        table: str,
        rows: Rows,
        *,
        source: str | None = None,
        row_numbers: Sequence[int] | None = None,
        header_row: int | None = None,
        submission_key: str | None = None,
    ) -> int:
        """Validate and add rows to one table in one transaction; return the number added.

        Raises :class:`~cocope_kit.errors.ValidationError` listing every
        problem (bad values, unknown references, ids already in the store);
        then nothing is stored.
        """
        counts = self.write(
            {table: _frame(rows)},
            source=source,
            row_numbers={table: row_numbers} if row_numbers is not None else None,
            header_row=header_row,
            submission_key=submission_key,
        )
        return counts.get(table, 0)

    def write(
        self,
        batch: Mapping[str, Rows],
        *,
        source: str | None = None,
        row_numbers: Mapping[str, Sequence[int]] | None = None,
        header_row: int | None = None,
        submission_key: str | None = None,
        audit: str | None = None,
    ) -> dict[str, int]:
        """Add rows to several tables at once, all or nothing.

        Parameters
        ----------
        batch : mapping of table name to rows
            Rows may refer to rows elsewhere in the same batch.
        source : str, optional
            File the rows came from, named in problems and in the audit.
        submission_key : str, optional
            Idempotency key of a form submission: a second write with the
            same key stores nothing and returns an empty dict.
        audit : str, optional
            Action to record in the audit table (e.g. ``"import"``).

        Returns
        -------
        dict
            Rows added per table.
        """
        unknown = [t for t in batch if t not in TABLES]
        if unknown:
            raise UsageError(f"unknown table {unknown[0]!r}; one of: {', '.join(TABLE_ORDER)}")
        frames = {t: _frame(batch[t]) for t in TABLE_ORDER if t in batch}
        for t, f in frames.items():  # no rows (e.g. an empty list): nothing to check or add
            if len(f) == 0 and len(f.columns) == 0:
                frames[t] = pd.DataFrame(columns=TABLES[t].column_names)
        with self.transaction() as con:
            if submission_key is not None:
                hit = con.execute(
                    "SELECT 1 FROM submission WHERE submission_key = ?", (submission_key,)
                ).fetchone()
                if hit:
                    return {}
            typed, problems = self._validate_batch(frames, source, row_numbers, header_row)
            if problems:
                raise ValidationError(problems, ", ".join(f"table {t!r}" for t in frames)
                                      + (f" from {source}" if source else ""))
            counts = {}
            for t, df in typed.items():
                counts[t] = self._insert_rows(t, df)
            if submission_key is not None:
                first = next(iter(typed))
                row_id = str(typed[first][TABLES[first].key[0]].iloc[0]) if len(typed[first]) else ""
                con.execute(
                    "INSERT INTO submission (submission_key, table_name, row_id, at) VALUES (?, ?, ?, ?)",
                    (submission_key, first, row_id, _now()),
                )
            if audit:
                for t, n in counts.items():
                    self._audit(audit, t, None, f"{n} rows" + (f" from {source}" if source else ""))
        return counts

    def _validate_batch(self, frames, source, row_numbers, header_row):
        typed: dict[str, pd.DataFrame] = {}
        raw_ids: dict[str, pd.DataFrame] = {}
        problems: list[Problem] = []
        for t, df in frames.items():
            spec = TABLES[t]
            refs = {}
            for col in spec.columns:
                if not col.ref or col.name not in df.columns:
                    continue
                rt, rc = col.ref
                wanted = df[col.name].astype(object).map(_as_key)
                known = self._existing(rt, rc, wanted)
                if rt in typed:
                    known |= set(typed[rt][rc].dropna())
                elif rt in raw_ids and rc in raw_ids[rt].columns:
                    known |= set(raw_ids[rt][rc].dropna().astype(object).map(_as_key))
                # several columns may refer to the same target (rater_id, ratee_id): add up
                refs.setdefault(f"{rt}.{rc}", set()).update(known)
            try:
                typed[t] = schema.validate(
                    t, df, source=source, refs=refs,
                    existing_keys=self._existing_keys(t, df),
                    row_numbers=(row_numbers or {}).get(t),
                    header_row=header_row,
                )
            except ValidationError as e:
                problems.extend(e.problems)
                raw_ids[t] = df
        if not problems:  # rules across tables, on rows that passed their own table's rules
            problems += _cross_checks(self, typed, frames, row_numbers, source)
        return typed, problems

    def _insert_rows(self, table: str, df: pd.DataFrame) -> int:
        spec = TABLES[table]
        cols = spec.column_names
        sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
        records = schema.to_records(table, df)
        try:
            self._con.executemany(sql, records)
        except integrity_errors() as e:
            raise StoreError(f"{table}: {e}; nothing was stored") from None
        return len(records)

    def update(self, table: str, rows: Rows, *, source: str | None = None) -> int:
        """Change existing rows, found by their key; columns not given keep their values.

        The changed rows are validated as whole rows; one transaction.

        >>> import cocope_kit as ck
        >>> s = ck.open_store(":memory:")
        >>> _ = s.insert("cop", {"cop_id": "c", "name": "n", "school": "s", "country": "AT",
        ...                      "language": "de", "created_on": "2026-01-01"})
        >>> s.update("cop", {"cop_id": "c", "name": "Inclusive break times"})
        1
        >>> s.read("cop").name.item()
        'Inclusive break times'
        """
        df = _frame(rows)
        spec = TABLES.get(table)
        if spec is None:
            raise UsageError(f"unknown table {table!r}; one of: {', '.join(TABLE_ORDER)}")
        key = list(spec.key)
        missing = [k for k in key if k not in df.columns]
        if missing:
            raise UsageError(f"update of {table} needs the key column(s) {', '.join(missing)}")
        if len(key) == len(spec.columns):
            raise UsageError(f"{table} has only key columns; delete the row and insert a new one")
        unknown = [str(c) for c in df.columns if c not in spec.column_names]
        if unknown:  # as insert does; a misspelt column would otherwise be ignored silently
            raise ValidationError([Problem(table, None, c, None, f"unknown column; the columns of "
                                           f"{table!r} are: {', '.join(spec.column_names)}", source)
                                   for c in unknown], f"update of {table!r}")
        with self.transaction():
            current = self.read(table, where={key[0]: list(df[key[0]].astype(object).map(_as_key))})
            raw = schema.to_records(table, current)
            cur = pd.DataFrame(raw, columns=spec.column_names, dtype=object)
            cur_idx = {tuple(r[k] for k in key): i for i, r in cur.iterrows()}
            merged, problems = [], []
            for pos, (_, r) in enumerate(df.iterrows()):
                k = tuple(_as_key(r[c]) for c in key)
                if k not in cur_idx:
                    problems.append(Problem(table, pos + 1, " + ".join(key), k if len(k) > 1 else k[0],
                                            "no row with this key in the store; insert it instead", source))
                    continue
                base = cur.iloc[cur_idx[k]].to_dict()
                base.update({c: r[c] for c in df.columns if c not in key})  # key as stored
                if spec.derive is not None and "value" in df.columns \
                        and "status" not in df.columns:
                    base["status"] = None  # a new value: the status follows it (answer)
                merged.append(base)
            if problems:
                raise ValidationError(problems, f"update of {table!r}")
            new = pd.DataFrame(merged, columns=spec.column_names)
            refs = {}
            for col in spec.columns:
                if col.ref:
                    rt, rc = col.ref
                    refs.setdefault(f"{rt}.{rc}", set()).update(
                        self._existing(rt, rc, new[col.name].astype(object).map(_as_key)))
            typed_new = schema.validate(table, new, source=source, refs=refs)
            problems = _cross_checks(self, {table: typed_new}, {table: new}, None, source)
            if problems:
                raise ValidationError(problems, f"update of {table!r}")
            sets = [c for c in spec.column_names if c not in key]
            sql = (f"UPDATE {table} SET {', '.join(f'{c} = ?' for c in sets)} "
                   f"WHERE {' AND '.join(f'{k} = ?' for k in key)}")
            recs = schema.to_records(table, typed_new)
            idx = {c: i for i, c in enumerate(spec.column_names)}
            params = [tuple(r[idx[c]] for c in sets) + tuple(r[idx[k]] for k in key) for r in recs]
            self._con.executemany(sql, params)
        return len(params)

    def delete(self, table: str, key, *, cascade: bool = False, reason: str = "") -> int:
        """Delete one row by key and record it in the audit table.

        Parameters
        ----------
        key : str or tuple
            The row's key (a tuple for tables with a composite key).
        cascade : bool, default False
            Also delete rows that refer to it (each one audited). Without
            it, a row that others still refer to is not deleted.

        Returns
        -------
        int
            Rows deleted, including cascaded ones.
        """
        spec = TABLES.get(table)
        if spec is None:
            raise UsageError(f"unknown table {table!r}; one of: {', '.join(TABLE_ORDER)}")
        key_t = key if isinstance(key, tuple) else (key,)
        if len(key_t) != len(spec.key):
            raise UsageError(f"{table} is keyed by {', '.join(spec.key)}; got {key!r}")
        with self.transaction():
            where = " AND ".join(f"{k} = ?" for k in spec.key)
            if not self._con.execute(f"SELECT 1 FROM {table} WHERE {where}", key_t).fetchone():
                raise StoreError(f"no {table} with {' + '.join(spec.key)} = {key!r}")
            return self._delete_rows(table, list(spec.key), [key_t], cascade, reason)

    def _dependents(self, table: str) -> list[tuple[str, str, str]]:
        """(child table, child column, parent column) referring to ``table``."""
        out = []
        for t in TABLE_ORDER:
            for c in TABLES[t].columns:
                if c.ref and c.ref[0] == table:
                    out.append((t, c.name, c.ref[1]))
        return out

    def _delete_rows(self, table, cols, keys, cascade, reason) -> int:
        if not keys:
            return 0
        n = 0
        spec = TABLES[table]
        for child, ccol, pcol in self._dependents(table):
            pvals = [k[cols.index(pcol)] for k in keys] if pcol in cols else [
                r[0] for r in self._select(table, [pcol], cols, keys)]
            child_keys = self._select(child, list(TABLES[child].key), [ccol], [(v,) for v in pvals])
            if child == table:
                child_keys = [k for k in child_keys if k not in set(keys)]
            if not child_keys:
                continue
            if not cascade:
                raise StoreError(
                    f"{table} {keys[0] if len(keys) == 1 else keys} is still used in {child}.{ccol} "
                    f"({len(child_keys)} rows); delete those first or use cascade=True"
                )
            n += self._delete_rows(child, list(TABLES[child].key), child_keys, cascade, reason)
        where = " AND ".join(f"{c} = ?" for c in cols)
        for k in keys:
            self._con.execute(f"DELETE FROM {table} WHERE {where}", tuple(k))
            self._audit("delete", table, "|".join(map(str, k)), reason)
        del spec
        return n + len(keys)

    def _select(self, table: str, out_cols: list[str], by_cols: list[str], keys: list[tuple]) -> list[tuple]:
        if not keys:
            return []
        res: list[tuple] = []
        if len(by_cols) == 1:
            vals = list(dict.fromkeys(k[0] for k in keys))
            for chunk in _chunks(vals):
                q = (f"SELECT {', '.join(out_cols)} FROM {table} "
                     f"WHERE {by_cols[0]} IN ({', '.join('?' * len(chunk))})")
                res += [tuple(r) for r in self._con.execute(q, list(chunk))]
            return res
        where = " AND ".join(f"{c} = ?" for c in by_cols)
        for k in keys:
            res += [tuple(r) for r in self._con.execute(
                f"SELECT {', '.join(out_cols)} FROM {table} WHERE {where}", tuple(k))]
        return res

    def _audit(self, action: str, table: str | None, row_id: str | None, detail: str = "") -> None:
        self._con.execute(
            "INSERT INTO audit (audit_id, at, action, table_name, row_id, detail) VALUES (?, ?, ?, ?, ?, ?)",
            (str(uuid.uuid4()), _now(), action, table, row_id, detail),
        )

    # ------------------------------------------------------------------ consent withdrawal
    def forget(self, member_id: str) -> dict[str, int]:
        """Erase a person everywhere after consent is withdrawn; keep one audit entry.

        Deletes the member and every row of theirs (consent records,
        attendance, plan ownership, pair ratings given or received, survey
        responses with answers, interviews with them and their codings,
        reflections, feedback, value stories); ideas they wrote stay with the
        group, without their id. Their name, name parts, id and (in their
        CoP) pseudonym are replaced by ``[removed]`` in every free-text cell
        of other rows, interviewer and coder columns and older audit entries
        included. The audit records that a person was forgotten and when,
        not who. Then the file is vacuumed and its write-ahead log emptied,
        so its bytes hold no trace. One transaction; see
        :func:`cocope_kit.erasure.forget`.

        Returns
        -------
        dict
            Rows deleted or changed per table (only returned, never stored).
        """
        from .erasure import forget

        return forget(self, member_id)

    # ------------------------------------------------------------------ files
    def import_file(self, path, *, table: str | None = None) -> dict[str, int]:
        """Import a CSV, XLSX or REFI-QDA file, all or nothing.

        A CSV file goes into ``table``, or the table named by the file name
        (``member.csv`` → ``member``). An XLSX workbook goes sheet by sheet into
        the tables its sheets are named after (all in one transaction), or
        its first sheet into ``table``. A REFI-QDA project (``.qdpx``) or
        codebook (``.qdc``) adds codes and the codings of stored interviews
        (:func:`cocope_kit.refiqda.import_qda`).

        Raises
        ------
        ValidationError
            Naming file, row (as numbered in the file) and column of every problem.
        """
        from . import store_io

        return store_io.import_file(self, path, table=table)

    def export(self, out_dir, *, format: str = "csv", names: bool = False,
               tables: Sequence[str] | None = None,
               consented_only: bool = True, wide_waves: bool = False) -> list[Path]:
        """Write every table (or ``tables``) to ``out_dir`` as CSV files, one XLSX workbook,
        SPSS ``.sav`` files or a REFI-QDA codebook.

        People the consent/assent register excludes are left out, with every
        row about them (:func:`cocope_kit.privacy.filter_consented`) unless
        ``consented_only=False``; names are replaced by pseudonyms unless
        ``names=True``; CSV cells a spreadsheet would run as formulas are
        neutralised (XLSX keeps them as text cells, as written); a data
        dictionary (``columns.csv`` or sheet ``columns``) describes every column. ``format="sav"`` writes one ``.sav`` per table
        plus one per survey instrument, with variable and value labels and
        ``.sps`` syntax for the scale scores (:mod:`cocope_kit.spss`;
        ``wide_waves=True``: one row per respondent, waves side by side);
        ``format="qdc"`` writes the ``code`` table as ``codebook.qdc`` and
        ``format="qdpx"`` the interviews, codings and codes as a REFI-QDA
        project (:mod:`cocope_kit.refiqda`). Every format but CSV is written
        by :func:`cocope_kit.exports.export_store`.

        Examples
        --------
        >>> import tempfile
        >>> from cocope_kit.demo import write_demo
        >>> store = write_demo(open_store(":memory:"))
        >>> out = tempfile.mkdtemp()
        >>> [f.name for f in store.export(out, tables=["member"])]
        ['member.csv', 'columns.csv']
        >>> member = pd.read_csv(f"{out}/member.csv")
        >>> len(store.read("member")) - len(member)   # two people without consent/assent
        2
        >>> member["name"].equals(member["pseudonym"])
        True

        Returns
        -------
        list of Path
            The files written.
        """
        from . import store_io

        return store_io.export(self, out_dir, format=format, names=names, tables=tables,
                               consented_only=consented_only, wide_waves=wide_waves)

    # ------------------------------------------------------------------ merging
    def merge(self, *sources) -> pd.DataFrame:
        """Merge other stores (paths or Store objects) into this one, all or nothing.

        Rows whose key is new are added; rows already present with the same
        content are skipped; a key present with *different* content is a
        collision: every collision is reported in a
        :class:`~cocope_kit.errors.MergeConflictError` and nothing is merged.

        Returns
        -------
        pandas.DataFrame
            Columns ``source, table, added, identical``.
        """
        from . import store_io

        return store_io.merge(self, *sources)

    # ------------------------------------------------------------------ summary
    def info(self) -> pd.DataFrame:
        """What the store holds, one row per CoP.

        Columns: ``cop_id, name, school, country, cycle, members, core_members,
        students, parents, meetings, ideas, goals, actions, responses,
        pair_ratings, interviews, reflections, lessons, value_stories``.
        """
        q = """
        SELECT c.cop_id, c.name, c.school, c.country, c.cycle,
          (SELECT count(*) FROM member m WHERE m.cop_id = c.cop_id) AS members,
          (SELECT count(*) FROM member m WHERE m.cop_id = c.cop_id AND m.core = 1) AS core_members,
          (SELECT count(*) FROM member m WHERE m.cop_id = c.cop_id AND m.role = 'student') AS students,
          (SELECT count(*) FROM member m WHERE m.cop_id = c.cop_id AND m.role = 'parent') AS parents,
          (SELECT count(*) FROM meeting x WHERE x.cop_id = c.cop_id) AS meetings,
          (SELECT count(*) FROM idea x WHERE x.cop_id = c.cop_id) AS ideas,
          (SELECT count(*) FROM goal x WHERE x.cop_id = c.cop_id) AS goals,
          (SELECT count(*) FROM action x WHERE x.cop_id = c.cop_id) AS actions,
          (SELECT count(*) FROM response x WHERE x.cop_id = c.cop_id) AS responses,
          (SELECT count(*) FROM pair_rating x WHERE x.cop_id = c.cop_id) AS pair_ratings,
          (SELECT count(*) FROM interview x WHERE x.cop_id = c.cop_id) AS interviews,
          (SELECT count(*) FROM reflection x WHERE x.cop_id = c.cop_id) AS reflections,
          (SELECT count(*) FROM lesson x WHERE x.cop_id = c.cop_id) AS lessons,
          (SELECT count(*) FROM value_story x WHERE x.cop_id = c.cop_id) AS value_stories
        FROM cop c ORDER BY c.country, c.cop_id
        """
        return self._query(q)

    def integrity_check(self) -> str:
        """``"ok"`` when the store is sound, else what is wrong.

        SQLite: ``PRAGMA integrity_check`` (pages, indexes) and
        ``PRAGMA foreign_key_check``. PostgreSQL checks its pages itself; here
        every reference between tables is checked (a row whose reference
        points nowhere is reported as ``table.column: n rows``).
        """
        if self.backend == "sqlite":
            pages = str(self._con.execute("PRAGMA integrity_check").fetchone()[0])
            if pages != "ok":
                return pages
        broken = []
        for table in TABLE_ORDER:
            for col in TABLES[table].columns:
                if not col.ref:
                    continue
                rt, rc = col.ref
                n = self._con.execute(
                    f"SELECT count(*) FROM {table} c WHERE c.{col.name} IS NOT NULL AND NOT EXISTS "
                    f"(SELECT 1 FROM {rt} p WHERE p.{rc} = c.{col.name})").fetchone()[0]
                if n:
                    broken.append(f"{table}.{col.name}: {n} rows refer to no {rt}")
        return "; ".join(broken) or "ok"


def _cross_checks(store, typed, frames, row_numbers, source) -> list[Problem]:
    """:func:`cocope_kit.store_checks.cross_table_problems` with the batch's row numbers."""
    from .store_checks import cross_table_problems

    def row_number(table: str, pos: int) -> int:
        numbers = (row_numbers or {}).get(table)
        return int(numbers[pos]) if numbers is not None else pos + 1

    raw = {t: f.reset_index(drop=True) for t, f in frames.items()}
    return cross_table_problems(store, typed, raw, row_number, source)


def _as_key(v):
    """Raw cell → the text a key has in the store (``1.0`` → ``'1'``)."""
    if v is None or (isinstance(v, float) and v != v):
        return None
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, str):
        return v.strip() or None
    return str(v)


def _engine_says(store: Store, e: BaseException) -> str:
    """``SQLite says: ...`` / ``PostgreSQL says: ...`` (first line of the engine's message)."""
    text = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    return f"{'PostgreSQL' if store.backend == 'postgresql' else 'SQLite'} says: {text}"


@contextlib.contextmanager
def _open_for_reading(path) -> Iterator[Store]:
    """Open another store without changing it (an older schema is migrated on a temporary copy;
    a PostgreSQL store must be at this kit's schema version)."""
    if is_postgres(path):
        store = Store.__new__(Store)
        store._depth = 0
        store._errors = database_errors()
        store._open_postgres(str(path))
        try:
            if store.schema_version != LATEST_VERSION:
                raise StoreError(f"{store.path} has schema version {store.schema_version}; open it "
                                 f"once with this cocope_kit (version {LATEST_VERSION}) to migrate it")
            yield store
        finally:
            store.close()
        return
    p = Path(path)
    if not p.exists():
        raise StoreError(f"store {path} not found")
    try:
        con = sqlite3.connect(f"file:{p}?mode=ro", uri=True)
        version = con.execute("SELECT max(version) FROM schema_migrations").fetchone()[0] or 0
        con.close()
    except sqlite3.DatabaseError as e:
        raise StoreError(f"{path} is not a cocope_kit store (SQLite says: {e})") from None
    tmp = tempfile.mkdtemp(prefix="cocope_merge_")
    try:
        copy = Path(tmp) / "copy.sqlite"
        src = sqlite3.connect(f"file:{p}?mode=ro", uri=True)
        dst = sqlite3.connect(copy)
        src.backup(dst)
        src.close()
        dst.close()
        del version
        store = Store(copy)
        try:
            yield store
        finally:
            store.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def open_store(path: str | os.PathLike = ":memory:") -> Store:
    """Open (creating or migrating) a store.

    Parameters
    ----------
    path : str or Path
        SQLite file; ``":memory:"`` for a throw-away store; or a
        ``postgresql://`` URL (see :class:`Store`).

    Returns
    -------
    Store

    Examples
    --------
    >>> import cocope_kit as ck
    >>> ck.open_store(":memory:").schema_version == LATEST_VERSION
    True
    """
    return Store(path)
