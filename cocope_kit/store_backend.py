"""Where a store lives: an SQLite file or a PostgreSQL database, behind one connection.

The store modules write their SQL once, in the portable subset both engines
understand, with ``?`` placeholders (DB-API ``qmark``, SQLite's own). This
module opens the connection and hides the differences that remain:

* **Placeholders.** PostgreSQL's driver, psycopg 3, takes ``%s``:
  :class:`PgConnection` rewrites ``?`` to ``%s`` (and a literal ``%`` to
  ``%%``) in statements that have parameters. The store's SQL never puts a
  ``?`` inside a string literal.
* **Row order.** SQLite numbers every row (``rowid``) and the store reads in
  that order and erases by it. On PostgreSQL every table gets a column
  ``rowid`` (``BIGINT GENERATED ALWAYS AS IDENTITY``) added by the same
  migrations (:func:`migration_statements`), so the same SQL runs on both.
* **Types.** ``REAL`` is SQLite's 8-byte float; on PostgreSQL it becomes
  ``DOUBLE PRECISION`` (``REAL`` there is 4 bytes and would lose digits).
* **One writer at a time.** SQLite's ``BEGIN IMMEDIATE`` takes the write lock
  for the whole transaction. On PostgreSQL a transaction of the store takes
  the transaction-level advisory lock :data:`WRITE_LOCK` instead, so a
  validation read inside a write sees a state no other writer can change
  before commit, exactly as on SQLite. Reads never wait for it.

Why psycopg 3 and not SQLAlchemy Core: the store is about 2,000 lines of
plain DB-API code whose SQL is already portable; SQLAlchemy would have meant
rewriting every statement into its expression language (and a second
migration tool) for two engines we know. psycopg 3 is PostgreSQL's
maintained driver, ships binary wheels with libpq (nothing to compile),
pipelines ``executemany`` and is what SQLAlchemy itself uses underneath.

Examples
--------
>>> is_postgres("postgresql://alice@/cocope?host=/run/postgresql")
True
>>> is_postgres("data/school.sqlite")
False
>>> redact("postgresql://alice:s3cret@db.example.org/cocope")
'postgresql://alice:***@db.example.org/cocope'
>>> to_pg("SELECT * FROM member WHERE member_id = ? AND name LIKE 'A%'", True)
"SELECT * FROM member WHERE member_id = %s AND name LIKE 'A%%'"
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit, urlunsplit

__all__ = ["PgConnection", "WRITE_LOCK", "database_errors", "integrity_errors", "is_postgres",
           "migration_statements", "redact", "to_pg", "connect_postgres"]

WRITE_LOCK = 0x636F636F7065  # "cocope" as a number: the advisory lock every writer takes
"""Key of the PostgreSQL advisory lock a write transaction of the store holds."""

_SCHEMES = ("postgresql://", "postgres://")


def is_postgres(target: str | os.PathLike) -> bool:
    """Whether ``target`` names a PostgreSQL database (a ``postgresql://`` URL)."""
    return str(target).startswith(_SCHEMES)


def redact(url: str) -> str:
    """The URL without its password, for messages and ``Store.path``."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def to_pg(sql: str, has_params: bool) -> str:
    """Rewrite ``?`` placeholders to psycopg's ``%s`` (literal ``%`` doubled)."""
    if not has_params:
        return sql
    return sql.replace("%", "%%").replace("?", "%s")


_CREATE = re.compile(r"CREATE TABLE\s+(?:IF NOT EXISTS\s+)?(\w+)\s*\(", re.IGNORECASE)
_REAL = re.compile(r"\bREAL\b")


def migration_statements(sql: str, postgres: bool) -> list[str]:
    """The statements of one migration for one engine.

    >>> migration_statements("CREATE TABLE t (x REAL); CREATE INDEX i ON t(x)", True)
    ['CREATE TABLE t (x DOUBLE PRECISION)', 'ALTER TABLE t ADD COLUMN rowid BIGINT GENERATED ALWAYS AS IDENTITY', 'CREATE INDEX i ON t(x)']
    """
    out: list[str] = []
    for statement in (s.strip() for s in sql.split(";")):
        if not statement:
            continue
        if not postgres:
            out.append(statement)
            continue
        out.append(_REAL.sub("DOUBLE PRECISION", statement))
        created = _CREATE.match(statement)
        if created:
            out.append(f"ALTER TABLE {created.group(1)} ADD COLUMN rowid "
                       "BIGINT GENERATED ALWAYS AS IDENTITY")
    return out


def database_errors() -> tuple[type[BaseException], ...]:
    """The exceptions either engine raises for a failed statement."""
    import psycopg

    return (sqlite3.DatabaseError, psycopg.Error)


def integrity_errors() -> tuple[type[BaseException], ...]:
    """The exceptions either engine raises for a broken key, reference or check."""
    import psycopg

    return (sqlite3.IntegrityError, psycopg.IntegrityError)


class PgConnection:
    """A psycopg 3 connection that takes the store's SQLite-style SQL.

    ``execute`` and ``executemany`` accept ``?`` placeholders and return a
    cursor (``fetchone``, ``fetchall``, iteration, ``rowcount``), as
    :class:`sqlite3.Connection` does. The connection is in autocommit mode:
    the store opens its transactions itself with ``BEGIN``.
    """

    def __init__(self, raw):
        self.raw = raw

    def execute(self, sql: str, params: Sequence | None = None):
        cur = self.raw.cursor()
        has = params is not None and len(params) > 0
        cur.execute(to_pg(sql, has), _plain(params) if has else None)
        return cur

    def executemany(self, sql: str, seq: Iterable[Sequence]):
        cur = self.raw.cursor()
        rows = [_plain(r) for r in seq]
        if rows:
            cur.executemany(to_pg(sql, True), rows)
        return cur

    def close(self) -> None:
        self.raw.close()


def _plain(params: Sequence) -> tuple:
    """numpy scalars (which psycopg does not adapt) as Python values."""
    return tuple(p.item() if hasattr(p, "item") and not isinstance(p, (str, bytes)) else p
                 for p in params)


def connect_postgres(url: str) -> PgConnection:
    """Open a PostgreSQL database given as a ``postgresql://`` URL (libpq syntax).

    The connection is in autocommit mode (the store issues ``BEGIN`` itself).
    """
    import psycopg

    raw = psycopg.connect(url, autocommit=True)
    return PgConnection(raw)
