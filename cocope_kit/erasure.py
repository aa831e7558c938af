"""Erasure: forget a person everywhere in a store when consent is withdrawn.

:func:`forget` is what ``Store.forget`` and ``cocope forget`` run. In one
transaction it

1. **deletes the person's own rows**: every row whose member column holds
   their id (columns that refer to ``member.member_id`` in
   :mod:`cocope_kit.schema`, plus the ``respondent_id`` of responses and
   interviews), and every row that hangs on a deleted row (answers of their
   responses, codings of interviews with them, form-submission keys of
   deleted rows). Ideas they wrote are the group's work and stay, without
   their id (:data:`ANONYMISED`);
2. **removes every mention** of them from every free-text cell of every other
   row, the interviewer and coder columns and older audit entries included:
   their full name, their member id, each part of their name (3 letters or
   more, name particles such as "van" or "de" not counted) and, in rows of
   their own CoP, their pseudonym. Each mention becomes :data:`MARKER`
   (in the CoP's language, :data:`MARKERS`)
   (:class:`Mentions`);
3. **records that someone was forgotten, and when**, in one audit entry with
   no id, name, pseudonym, CoP or count.

Then the file is cleaned (:func:`clean_file`): the store's connection runs
with ``PRAGMA secure_delete = ON`` (deleted content is overwritten with
zeros), ``VACUUM`` rewrites the file without free pages, and
``PRAGMA wal_checkpoint(TRUNCATE)`` folds the write-ahead log back and
empties it, so neither the ``.sqlite`` file nor its ``-wal`` file holds the
name in its bytes.

Examples
--------
>>> import cocope_kit as ck
>>> s = ck.open_store(":memory:")
>>> _ = s.write({
...     "cop": [{"cop_id": "c", "name": "Break times", "school": "S", "country": "BE",
...              "language": "en", "created_on": "2026-01-12"}],
...     "member": [{"member_id": "c:1", "cop_id": "c", "name": "Ana Silva",
...                 "pseudonym": "Teacher A", "role": "teacher"},
...                {"member_id": "c:2", "cop_id": "c", "name": "Ben Peeters",
...                 "pseudonym": "Teacher B", "role": "teacher"}],
...     "lesson": [{"lesson_id": "c:l1", "cop_id": "c", "kind": "insight",
...                 "title": "Ask Ana", "text": "ana silva (Teacher A, id c:1) and Ben planned it",
...                 "created_on": "2026-05-01"}]})
>>> forget(s, "c:1")
{'member': 1, 'lesson': 1}
>>> s.read("lesson")[["title", "text"]].values.tolist()
[['Ask [removed]', '[removed] ([removed], id [removed]) and Ben planned it']]
>>> s.read("audit")[["action", "table_name", "row_id", "detail"]].values.tolist()
[['forget', 'member', nan, 'a person was forgotten (consent withdrawn)']]
>>> forget(s, "c:1")
Traceback (most recent call last):
...
cocope_kit.errors.StoreError: no member with member_id 'c:1' in :memory:; nothing was changed (a member already forgotten is not found again)
"""

from __future__ import annotations

import json
import re
import unicodedata
import uuid
import warnings
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime

from .errors import StoreError, UsageError
from .privacy import PERSON_COLUMNS
from .schema import TABLE_ORDER, TABLES

__all__ = [
    "ANONYMISED",
    "FORGET_DETAIL",
    "MARKER",
    "MARKERS",
    "NAME_PARTICLES",
    "ErasureWarning",
    "Mentions",
    "clean_file",
    "forget",
    "free_text_columns",
]

MARKER = "[removed]"
"""What a mention of a forgotten person becomes (in English; see :data:`MARKERS`)."""

MARKERS: dict[str, str] = {
    "en": "[removed]",
    "de": "[entfernt]",
    "nl": "[verwijderd]",
    "pt": "[removido]",
    "sk": "[odstránené]",
}
"""The marker in the working language of the row's CoP (``cop.language``); rows of a CoP
in another language, and rows without a CoP (audit, codebook), get :data:`MARKER`."""

FORGET_DETAIL = "a person was forgotten (consent withdrawn)"
"""The ``detail`` of the audit entry that :func:`forget` leaves (it says nothing about who)."""

ANONYMISED: frozenset[tuple[str, str]] = frozenset({("idea", "member_id")})
"""(table, column) whose rows stay with the group, the forgotten id set to empty.

Ideas are written on the wall in meeting 1, voted on by everyone and lead to
the shared goal: they are the group's work. Every other row of the person is
deleted."""

NAME_PARTICLES: frozenset[str] = frozenset(
    """van von vom den der des de del della dei di da das do dos du la le les lo ten ter
    zu zum zur und and y e i al el bin ibn mac mc st""".split()
)
"""Parts of a name that are never matched alone (words every text has)."""

# columns that name a person by a free label (not a member id): a match replaces the whole cell
_LABEL_COLUMNS: frozenset[tuple[str, str]] = frozenset({("interview", "interviewer"),
                                                         ("coding", "coder")})


class ErasureWarning(UserWarning):
    """The person is erased, but the file could not be cleaned yet (see :func:`clean_file`)."""


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# ----------------------------------------------------------------------------- matching
def _fold(text: str) -> str:
    """Casefolded, accents removed, runs of separators as one space."""
    s = unicodedata.normalize("NFKD", str(text).casefold())
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return " ".join(re.split(r"[\s_.\-]+", s)).strip()


def _variants() -> dict[str, str]:
    """Letter → the letters that fold to it (``"a"`` → ``"aàáâãäåāăą..."``)."""
    out: dict[str, set[str]] = {}
    for cp in range(0xC0, 0x250):
        ch = chr(cp)
        base = unicodedata.normalize("NFKD", ch)[0].lower()
        if base.isascii() and base.isalpha():
            out.setdefault(base, set()).update({ch.lower(), ch.upper()})
    return {k: "".join(sorted(v)) for k, v in out.items()}


_VARIANTS = _variants()


def _letters(word: str) -> str:
    """Regex for one word that ignores accents (either way): ``"José"`` also finds ``"Jose"``."""
    parts = []
    for ch in unicodedata.normalize("NFC", word):
        base = unicodedata.normalize("NFKD", ch)[0].lower()
        if base.isascii() and base.isalpha():
            parts.append(f"[{re.escape(base + _VARIANTS.get(base, ''))}]")
        else:
            parts.append(re.escape(ch))
    return "".join(parts)


def _words_pattern(text: str) -> str:
    """Regex for a phrase: its words with any run of spaces, dots, hyphens or underscores between."""
    words = [w for w in re.split(r"[\s_.]+", text.strip()) if w]
    return r"[\s_.\-]+".join(_letters(w) for w in words)


_B = r"(?<![^\W_])"  # not after a letter or digit (an underscore counts as a separator)
_E = r"(?![^\W_])"  # not before a letter or digit


def _n_letters(text: str) -> int:
    return sum(ch.isalpha() for ch in text)


def _alternation(pieces: Iterable[str]) -> str:
    return "|".join(sorted(set(pieces), key=len, reverse=True))


class Mentions:
    """Finds and replaces the mentions of one person in text.

    Parameters
    ----------
    member_id, name, pseudonym : str
        The person (name may be None).
    keep : iterable of str
        Full names and pseudonyms of the people who stay. A stretch of text
        that is one of them is left alone even when it holds a part of the
        forgotten name (forgetting a student "Lars Vermeulen" keeps the
        parent "Stijn Vermeulen" intact; "Vermeulen" alone is removed).

    Notes
    -----
    Matching ignores case and accents and takes whole words only (letters
    and digits; an underscore or a dot separates words, so file names and
    e-mail addresses are covered). What counts as a mention:

    * the full name (2 letters or more), with any spaces, dots, hyphens or underscores between
      its words ("Ana Silva", "ana.silva@", "ANA_SILVA");
    * each part of the name with 3 letters or more that is not a name
      particle (:data:`NAME_PARTICLES`): a first name or surname alone;
      a part that is also an everyday word ("Will", "Rose") is removed
      wherever that word is written, which is the price of not missing a
      mention;
    * the member id, not when it is the start of a longer id (``c:1`` is not
      found in ``c:10`` nor in ``c:1.2``, but in ``c:1:x``); an id of one or
      two digits only is not looked for in text (it cannot be told from a
      number);
    * the pseudonym, only in rows of the person's own CoP (``in_cop=True``),
      because "Teacher A" of another CoP is somebody else.

    Examples
    --------
    >>> m = Mentions("be:7", "José Peña Ramos", "Parent A", keep=["Lucía Peña"])
    >>> m.sub("Jose PENA told Lucía Peña; see be:7, not be:70. Parent A agreed.")
    '[removed] [removed] told Lucía Peña; see [removed], not be:70. [removed] agreed.'
    >>> m.sub("Parent A agreed.", in_cop=False)
    'Parent A agreed.'
    """

    def __init__(self, member_id: str, name: str | None, pseudonym: str | None,
                 keep: Iterable[str] = ()):
        self.member_id = member_id
        self.name = name if isinstance(name, str) and name.strip() else None
        self.pseudonym = pseudonym if isinstance(pseudonym, str) and pseudonym.strip() else None
        terms = {_fold(t) for t in self.terms(in_cop=True)}
        # only names that share a word with the forgotten terms can need protecting
        words = {w for t in terms for w in t.split()}
        kept = {k for k in keep if isinstance(k, str) and k.strip() and _fold(k) not in terms
                and words & set(_fold(k).split())}
        self.keep = tuple(sorted(kept))
        self._kept = frozenset(_fold(k) for k in self.keep)
        self._all = self._compile(True)
        self._outside = self._compile(False)

    def __repr__(self) -> str:
        return f"<Mentions of one person: {len(self.terms())} terms, {len(self.keep)} kept names>"

    def name_parts(self) -> list[str]:
        """Parts of the name matched alone (3+ letters, not a particle)."""
        if self.name is None:
            return []
        parts = []
        for w in re.split(r"[\s\-]+", self.name):
            w = w.strip(".,;:'\"()")
            if _n_letters(w) >= 3 and _fold(w) not in NAME_PARTICLES:
                parts.append(w)
        return list(dict.fromkeys(parts))

    def terms(self, *, in_cop: bool = True) -> list[str]:
        """The texts that count as a mention (see Notes of the class); the id first, if any."""
        return ([self.member_id] if self._id_counts() else []) + self._words(in_cop)

    def _id_counts(self) -> bool:
        # an id of one or two digits ("7") cannot be told from a number in a text
        return bool(self.member_id.strip()) and not (self.member_id.strip().isdigit()
                                                     and len(self.member_id.strip()) < 3)

    def _words(self, in_cop: bool) -> list[str]:
        out = []
        if self.name and _n_letters(self.name) >= 2:
            out += [self.name] + self.name_parts()
        if in_cop and self.pseudonym and _n_letters(self.pseudonym) >= 2:
            out.append(self.pseudonym)
        return out

    def _compile(self, in_cop: bool) -> re.Pattern:
        pieces = []
        alts = _alternation(_words_pattern(w) for w in self._words(in_cop) + list(self.keep))
        if alts:
            pieces.append(rf"{_B}(?:{alts}){_E}")
        if self._id_counts():
            # an id is not found inside a longer id: not after/before a letter, digit or a
            # '.'/'-'/':' that joins it to one; a following ':' (a derived id) still counts
            pieces.append(rf"(?<![^\W_])(?<![^\W_][:.\-]){re.escape(self.member_id)}"
                          rf"(?![^\W_])(?![.\-][^\W_])")
        return re.compile("|".join(pieces) or r"(?!x)x", re.IGNORECASE)

    def sub(self, text: str, *, in_cop: bool = True, marker: str = MARKER) -> str:
        """``text`` with every mention replaced by ``marker``."""
        if not isinstance(text, str) or not text:
            return text
        pat = self._all if in_cop else self._outside

        def repl(m: re.Match) -> str:
            return m.group(0) if _fold(m.group(0)) in self._kept else marker

        # accents written as a letter plus a combining mark (NFD, as macOS pastes them) are
        # composed first; a cell without a mention is returned exactly as it was
        composed = unicodedata.normalize("NFC", text)
        out = pat.sub(repl, composed)
        return text if out == composed else out


# ----------------------------------------------------------------------------- schema helpers
def free_text_columns() -> dict[str, list[str]]:
    """Columns that may mention a person, per table: text and JSON columns that are not a key,
    not a reference, not a closed list of values, not an id (an id pattern), and not a
    member's own name or pseudonym.

    >>> free_text_columns()["interview"]
    ['interviewer', 'transcript']
    """
    out: dict[str, list[str]] = {}
    for t in TABLE_ORDER:
        spec = TABLES[t]
        cols = [c.name for c in spec.columns
                if c.type in ("text", "json") and c.ref is None and c.allowed is None
                and c.pattern is None and c.name not in spec.key
                and not (t == "member" and c.name in ("name", "pseudonym"))]
        if cols:
            out[t] = cols
    return out


def _person_columns() -> dict[str, list[str]]:
    """Columns holding a member id, per table: references to member plus PERSON_COLUMNS."""
    out: dict[str, list[str]] = {}
    for t in TABLE_ORDER:
        cols = [c.name for c in TABLES[t].columns if c.ref == ("member", "member_id")]
        cols += [c for c in PERSON_COLUMNS.get(t, ()) if c not in cols]
        if cols:
            out[t] = cols
    return out


def _cop_expr(table: str) -> str | None:
    """SQL giving the CoP of a row of ``table`` (its own cop_id, or its parent's)."""
    spec = TABLES[table]
    if "cop_id" in spec.column_names:
        return "cop_id"
    for c in spec.columns:
        if c.ref and c.ref[0] != table and "cop_id" in TABLES[c.ref[0]].column_names:
            pt, pc = c.ref
            return f"(SELECT p.cop_id FROM {pt} p WHERE p.{pc} = {table}.{c.name})"
    return None


# ----------------------------------------------------------------------------- forget
def forget(store, member_id: str) -> dict[str, int]:
    """Erase a person from ``store`` after consent is withdrawn; see the module text.

    Parameters
    ----------
    store : cocope_kit.store.Store
    member_id : str
        Exactly as stored.

    Returns
    -------
    dict
        Rows deleted or changed per table (changed: an idea that lost its
        author, a text that lost a mention). Only returned, never stored.

    Raises
    ------
    StoreError
        No member with this id (also when they were forgotten before); the
        store is unchanged.

    Warns
    -----
    ErasureWarning
        When another program keeps the store busy so the file could not be
        cleaned; the erasure itself is committed.
    """
    if not isinstance(member_id, str):
        raise UsageError(f"member_id must be text, got {member_id!r}")
    with store.transaction() as con:
        row = con.execute("SELECT cop_id, name, pseudonym FROM member WHERE member_id = ?",
                          (member_id,)).fetchone()
        if row is None:
            raise StoreError(_not_found(con, store.path, member_id))
        cop_id, name, pseudonym = row
        keep = [v for r in con.execute(
            "SELECT name, pseudonym FROM member WHERE member_id <> ?", (member_id,)) for v in r]
        mentions = Mentions(member_id, name, pseudonym, keep=keep)
        touched: dict[str, set] = {}  # table -> rowids deleted or changed
        _delete_own_rows(con, member_id, touched)
        _delete_invitations(con, member_id, touched)
        _scrub_texts(con, mentions, cop_id, touched)
        con.execute(
            "INSERT INTO audit (audit_id, at, action, table_name, row_id, detail) "
            "VALUES (?, ?, 'forget', 'member', NULL, ?)", (str(uuid.uuid4()), _now(), FORGET_DETAIL))
    busy = clean_file(store, sorted(t for t, rows in touched.items() if rows))
    if busy:
        warnings.warn(ErasureWarning(busy), stacklevel=2)
    return {t: len(rows) for t, rows in touched.items() if rows}


def _not_found(con, path: str, member_id: str) -> str:
    msg = f"no member with member_id {member_id!r} in {path}; nothing was changed"
    folded = member_id.strip().casefold()
    near = [r[0] for r in con.execute(
        "SELECT member_id FROM member WHERE lower(trim(member_id)) = lower(?)", (member_id.strip(),))
        if r[0].strip().casefold() == folded]
    if near:
        return msg + f"; did you mean {near[0]!r}?"
    return msg + " (a member already forgotten is not found again)"


def _delete_own_rows(con, member_id: str, touched: dict[str, set]) -> None:
    """Delete (or, for :data:`ANONYMISED`, detach) every row of the person, with its dependents."""
    doomed: dict[str, dict[int, None]] = {}  # table -> rowids, in order
    for table, cols in _person_columns().items():
        for col in cols:
            if (table, col) in ANONYMISED:
                ids = [r[0] for r in con.execute(f"SELECT rowid FROM {table} WHERE {col} = ?",
                                                 (member_id,))]
                con.execute(f"UPDATE {table} SET {col} = NULL WHERE {col} = ?", (member_id,))
                touched.setdefault(table, set()).update(ids)
                continue
            ids = [r[0] for r in con.execute(f"SELECT rowid FROM {table} WHERE {col} = ?",
                                             (member_id,))]
            doomed.setdefault(table, {}).update(dict.fromkeys(ids))
    # rows that hang on a doomed row (answers of a response, codings of an interview, ...)
    queue = [t for t in TABLE_ORDER if doomed.get(t)]
    while queue:
        parent = queue.pop(0)
        for child in TABLE_ORDER:
            for c in TABLES[child].columns:
                if not c.ref or c.ref[0] != parent or child == parent \
                        or (child, c.name) in ANONYMISED:
                    continue
                ids = _rowids_referring(con, child, c.name, parent, c.ref[1], list(doomed[parent]))
                new = [i for i in ids if i not in doomed.get(child, {})]
                if new:
                    doomed.setdefault(child, {}).update(dict.fromkeys(new))
                    if child not in queue:
                        queue.append(child)
    for table in reversed(TABLE_ORDER):
        ids = list(doomed.get(table, {}))
        if not ids:
            continue
        key = list(TABLES[table].key)
        keys = _select_by_rowid(con, table, key, ids)
        if len(key) == 1:  # form submissions that stored one of these rows
            subs = [r for chunk in _chunks([k[0] for k in keys]) for (r,) in con.execute(
                f"SELECT rowid FROM submission WHERE table_name = ? "
                f"AND row_id IN ({', '.join('?' * len(chunk))})", (table, *chunk))]
            _delete_rowids(con, "submission", subs)
            touched.setdefault("submission", set()).update(subs)
        _delete_rowids(con, table, ids)
        touched.setdefault(table, set()).update(ids)


def _delete_invitations(con, member_id: str, touched: dict[str, set]) -> None:
    """Delete the person's invitation cards (a service table, outside TABLE_ORDER)."""
    ids = [r[0] for r in con.execute("SELECT rowid FROM invitation WHERE member_id = ?",
                                     (member_id,))]
    _delete_rowids(con, "invitation", ids)
    if ids:
        touched.setdefault("invitation", set()).update(ids)


def _rowids_referring(con, child: str, ccol: str, parent: str, pcol: str,
                      parent_rowids: Sequence[int]) -> list[int]:
    out: list[int] = []
    for chunk in _chunks(list(parent_rowids)):
        q = (f"SELECT c.rowid FROM {child} c JOIN {parent} p ON c.{ccol} = p.{pcol} "
             f"WHERE p.rowid IN ({', '.join('?' * len(chunk))})")
        out += [r[0] for r in con.execute(q, chunk)]
    return out


def _select_by_rowid(con, table: str, cols: list[str], rowids: Sequence[int]) -> list[tuple]:
    out: list[tuple] = []
    for chunk in _chunks(list(rowids)):
        q = f"SELECT {', '.join(cols)} FROM {table} WHERE rowid IN ({', '.join('?' * len(chunk))})"
        out += [tuple(r) for r in con.execute(q, chunk)]
    return out


def _delete_rowids(con, table: str, rowids: Sequence[int]) -> None:
    for chunk in _chunks(list(rowids)):
        con.execute(f"DELETE FROM {table} WHERE rowid IN ({', '.join('?' * len(chunk))})", chunk)


def _chunks(seq: list, n: int = 900) -> Iterable[list]:
    for i in range(0, len(seq), n):
        yield seq[i:i + n]


def _scrub_json(value: str, sub) -> str:
    try:
        obj = json.loads(value)
    except (TypeError, ValueError):
        return sub(value)

    def walk(o):
        if isinstance(o, str):
            return sub(o)
        if isinstance(o, list):
            return [walk(v) for v in o]
        if isinstance(o, Mapping):
            return {walk(k): walk(v) for k, v in o.items()}
        return o

    new = walk(obj)
    return value if new == obj else json.dumps(new, ensure_ascii=False)


def _scrub_texts(con, mentions: Mentions, cop_id: str, touched: dict[str, set]) -> None:
    """Replace the person's mentions in every free-text cell of every remaining row."""
    tables = dict(free_text_columns())
    tables["submission"] = ["row_id"]  # form-submission bookkeeping, outside the schema
    coders: str | None = None
    language = dict(con.execute("SELECT cop_id, language FROM cop").fetchall())
    for table, cols in tables.items():
        cop = _cop_expr(table) if table in TABLES else None
        json_cols = {c.name for c in TABLES[table].columns if c.type == "json"} \
            if table in TABLES else set()
        sql = f"SELECT rowid, {cop or 'NULL'}, {', '.join(cols)} FROM {table}"
        updates = []
        for r in con.execute(sql).fetchall():
            rowid, row_cop, values = r[0], r[1], r[2:]
            # rows without a CoP (audit, codebook) count as hers: a pseudonym there is ambiguous
            same_cop = cop is None or row_cop == cop_id
            marker = MARKERS.get(language.get(row_cop), MARKER)
            changed = {}
            for col, v in zip(cols, values, strict=True):
                if not isinstance(v, str) or not v:
                    continue

                def sub(text, same_cop=same_cop, marker=marker):
                    return mentions.sub(text, in_cop=same_cop, marker=marker)

                new = _scrub_json(v, sub) if col in json_cols else sub(v)
                if new != v and (table, col) in _LABEL_COLUMNS:
                    if table == "coding":
                        if coders is None:
                            coders = _free_coder_label(con)
                        new = coders
                    else:
                        new = marker
                if new != v:
                    changed[col] = new
            if changed:
                updates.append((rowid, changed))
        for rowid, changed in updates:
            sets = ", ".join(f"{c} = ?" for c in changed)
            con.execute(f"UPDATE {table} SET {sets} WHERE rowid = ?", (*changed.values(), rowid))
        touched.setdefault(table, set()).update(rowid for rowid, _ in updates)


def _free_coder_label(con) -> str:
    """``[removed]``, or ``[removed 2]``, ... when an earlier erasure took it, so the codings
    of two forgotten coders stay apart in agreement tables."""
    used = {r[0] for r in con.execute("SELECT DISTINCT coder FROM coding WHERE coder LIKE '[removed%'")}
    label, n = MARKER, 1
    while label in used:
        n += 1
        label = f"[removed {n}]"
    return label


# ----------------------------------------------------------------------------- the file
def _clean_postgres(store, tables: Sequence[str] | None) -> str | None:

    names = list(tables) if tables is not None else [*TABLE_ORDER, "invitation", "submission"]
    done = []
    for table in names:
        try:
            store._con.execute(f"VACUUM (FULL) {table}")
            done.append(table)
        except Exception as e:  # noqa: BLE001 - psycopg errors; this layer does not import it
            first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            return (f"the person is erased, but {store.path} keeps old row versions of "
                    f"{', '.join(n for n in names if n not in done)} until the database's "
                    f"owner runs VACUUM (FULL) on them (PostgreSQL says: {first})")
    return None


def clean_file(store, tables: Sequence[str] | None = None) -> str | None:
    """Leave no readable copy of deleted or replaced content in the store's files.

    On PostgreSQL, ``VACUUM (FULL)`` rewrites ``tables`` (the ones the
    erasure touched) into new files without the old row versions; that needs
    the database user that owns the tables (a facilitator's role does not:
    then the message says so, and the administrator's next ``VACUUM FULL``
    or autovacuum removes them). The server's write-ahead log and backups are
    the administrator's: they keep old content for as long as they are kept.

    Runs ``VACUUM`` (the file is rewritten without free pages, so content
    from before ``secure_delete`` was on goes too) and then
    ``PRAGMA wal_checkpoint(TRUNCATE)``, which copies the log back into the
    file and empties the ``-wal`` file. Nothing to do for ``":memory:"``.

    Returns
    -------
    str or None
        None when clean; else why not (another program is reading the store,
        so the log could not be emptied: it is, once that program closes the
        store).
    """
    if store.path == ":memory:":
        return None
    if getattr(store, "_depth", 0):
        return ("the file is cleaned after the transaction: call clean_file(store) once the "
                "surrounding transaction has committed")
    if getattr(store, "backend", "sqlite") == "postgresql":
        return _clean_postgres(store, tables)
    con = store._con
    con.execute("PRAGMA secure_delete = ON")
    try:
        con.execute("VACUUM")
        busy, _, _ = con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    except Exception as e:  # noqa: BLE001 - sqlite3 errors; this layer does not import sqlite3
        return (f"the person is erased, but the file {store.path} could not be rewritten "
                f"(SQLite says: {e}); free pages may still hold old content until it can: "
                "run cocope_kit.erasure.clean_file(store) again")
    if busy:
        return (f"the person is erased, but another program is reading {store.path}, so old "
                f"pages stay in {store.path}-wal until it closes the store; close the other "
                "programs (notebooks, the forms server) to finish")
    return None


