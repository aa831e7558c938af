"""The store's ``invitation`` table: the SQL behind :mod:`cocope_kit.invitations`.

The store is the only layer that talks SQL (DESIGN section 2). This module is
part of it: :attr:`Store.invitations <cocope_kit.store.Store.invitations>` is an
:class:`InvitationTable` bound to the store's connection, and
:mod:`cocope_kit.invitations` (the rules: tokens, consent, one use) calls only
its methods, :meth:`Store.read`, :meth:`Store.write` and
:meth:`Store.transaction`. Every method runs in the store's transaction, so a
caller that wraps several calls in ``with store.transaction():`` gets them
atomically under the write lock (the redeem: token check, answers, used mark).

Rows go in and come out as plain dicts keyed by :data:`COLUMNS` (the token
itself is never given to the store, only its hash).

Examples
--------
>>> import cocope_kit as ck
>>> store = ck.open_store(":memory:")
>>> _ = store.insert("cop", {"cop_id": "be-1", "name": "Reading buddies", "school": "GO! Gent",
...                          "country": "BE", "language": "nl", "created_on": "2026-01-12"})
>>> table = store.invitations
>>> table.next_card_no("be-1")
1
>>> table.add([{"invitation_id": "i1", "cop_id": "be-1", "form": "working_together",
...             "wave": "post", "audience": "all", "language": "nl", "member_id": None,
...             "card_no": 1, "created_at": "2026-01-12T09:00:00.000000Z",
...             "expires_at": "2026-01-26T09:00:00.000000Z", "opened_at": None,
...             "used_at": None, "revoked_at": None, "token_hash": "ab" * 32}])
1
>>> table.by_token_hash("ab" * 32)["card_no"], table.by_token_hash("cd" * 32)
(1, None)
>>> table.mark_used("i1", "2026-01-12T09:00:00.000000Z"), table.mark_used("i1", "later")
(True, False)
>>> [r["used_at"] for r in table.rows("be-1")]
['2026-01-12T09:00:00.000000Z']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .errors import UsageError

__all__ = ["COLUMNS", "InvitationTable"]

#: Columns of the ``invitation`` table (migration 3), in order; ``token_hash`` last.
COLUMNS: tuple[str, ...] = (
    "invitation_id", "cop_id", "form", "wave", "audience", "language", "member_id", "card_no",
    "created_at", "expires_at", "opened_at", "used_at", "revoked_at", "token_hash",
)
_SELECT = f"SELECT {', '.join(COLUMNS)} FROM invitation"


class InvitationTable:
    """Reads and writes of the ``invitation`` table of one store (``store.invitations``).

    Parameters
    ----------
    store : Store
        Its :meth:`~cocope_kit.store.Store.transaction` gives the connection.
    """

    def __init__(self, store):
        self._store = store

    def _one(self, sql: str, params: Sequence) -> dict | None:
        with self._store.transaction() as con:
            row = con.execute(sql, tuple(params)).fetchone()
        return None if row is None else dict(zip(COLUMNS, row, strict=True))

    def by_token_hash(self, token_hash: str) -> dict | None:
        """The row with this token hash (a unique index), or None."""
        return self._one(f"{_SELECT} WHERE token_hash = ?", (str(token_hash),))

    def get(self, invitation_id: str) -> dict:
        """The row of one invitation; :class:`UsageError` when there is none."""
        row = self._one(f"{_SELECT} WHERE invitation_id = ?", (str(invitation_id),))
        if row is None:
            raise UsageError(f"no invitation {invitation_id!r}; see 'cocope invitations' "
                             "for the ids")
        return row

    def rows(self, cop_id: str, *, wave: str | None = None) -> list[dict]:
        """Every invitation of a CoP (of one wave), in card order."""
        sql, params = f"{_SELECT} WHERE cop_id = ?", [str(cop_id)]
        if wave is not None:
            sql += " AND wave = ?"
            params.append(str(wave))
        with self._store.transaction() as con:
            found = con.execute(sql + " ORDER BY card_no", params).fetchall()
        return [dict(zip(COLUMNS, r, strict=True)) for r in found]

    def live_members(self, cop_id: str, form: str, wave: str) -> set[str]:
        """Members with a card for this form and wave that is not revoked."""
        with self._store.transaction() as con:
            return {r[0] for r in con.execute(
                "SELECT member_id FROM invitation WHERE cop_id = ? AND form = ? AND wave = ? "
                "AND revoked_at IS NULL AND member_id IS NOT NULL",
                (str(cop_id), str(form), str(wave)))}

    def next_card_no(self, cop_id: str) -> int:
        """The number the CoP's next card gets (cards are numbered per CoP from 1)."""
        with self._store.transaction() as con:
            n = con.execute("SELECT coalesce(max(card_no), 0) FROM invitation WHERE cop_id = ?",
                            (str(cop_id),)).fetchone()[0]
        return int(n) + 1

    def add(self, rows: Sequence[Mapping[str, object]]) -> int:
        """Insert invitations (every column of :data:`COLUMNS`), all or none."""
        sql = (f"INSERT INTO invitation ({', '.join(COLUMNS)}) "
               f"VALUES ({', '.join('?' * len(COLUMNS))})")
        with self._store.transaction() as con:
            for r in rows:
                con.execute(sql, tuple(r[c] for c in COLUMNS))
        return len(rows)

    def _set(self, sql: str, params: Sequence) -> bool:
        with self._store.transaction() as con:
            return con.execute(sql, tuple(params)).rowcount == 1

    def mark_opened(self, invitation_id: str, stamp: str) -> bool:
        """Note the first opening; False when it was noted before."""
        return self._set("UPDATE invitation SET opened_at = ? "
                         "WHERE invitation_id = ? AND opened_at IS NULL",
                         (stamp, str(invitation_id)))

    def mark_used(self, invitation_id: str, stamp: str) -> bool:
        """Mark the card used (and opened, if it was not); False when it was used already."""
        return self._set("UPDATE invitation SET used_at = ?, opened_at = coalesce(opened_at, ?) "
                         "WHERE invitation_id = ? AND used_at IS NULL",
                         (stamp, stamp, str(invitation_id)))

    def mark_revoked(self, invitation_id: str, stamp: str) -> bool:
        """Revoke a card; False when it was revoked before."""
        return self._set("UPDATE invitation SET revoked_at = ? "
                         "WHERE invitation_id = ? AND revoked_at IS NULL",
                         (stamp, str(invitation_id)))
