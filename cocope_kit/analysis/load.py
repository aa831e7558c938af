"""Tables from a store, privacy filtering, and the grouping columns every analysis shares.

:func:`load_tables` is the **only** place where the analysis layer touches a
store: it calls ``store.read(table)`` and nothing else, so any object with
that method works (a :class:`~cocope_kit.store.Store`, or a stand-in in a
test). Every analysis function takes plain frames, so frames a researcher
built or imported elsewhere work the same way (text columns are coerced with
:func:`cocope_kit.schema.typed`).

:func:`enrich` attaches what a ``by=`` grouping may ask for: a CoP's
``school``, ``country``, ``language`` and ``cycle`` (from the ``cop`` table)
and a member's ``role`` and ``role_group`` (from the ``member`` table, or a
``respondent_role`` column).

Examples
--------
>>> import cocope_kit as ck
>>> from cocope_kit.demo import write_demo
>>> from cocope_kit.analysis import load_tables
>>> store = write_demo(ck.open_store(":memory:"))
>>> t = load_tables(store, tables=["cop", "member"], cop_ids=["be-gent"])
>>> sorted(t), t["cop"].cop_id.tolist()
(['cop', 'member'], ['be-gent'])
>>> len(t["member"]), len(load_tables(store, tables=["member"], cop_ids="be-gent",
...                                   consented_only=False)["member"])
(8, 9)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from ..errors import UsageError
from ..model import ROLE_GROUP, RoleGroup
from ..privacy import consent_register, filter_consented
from ..schema import TABLE_ORDER, TABLES, TEXT_DTYPE
from ._util import _frame

__all__ = [
    "ANALYSIS_TABLES",
    "COP_COLUMNS",
    "load_tables",
    "consented_member_ids",
    "enrich",
]

ANALYSIS_TABLES: tuple[str, ...] = tuple(t for t in TABLE_ORDER if t != "audit")
"""Tables :func:`load_tables` reads by default (every table of DESIGN section 3 but ``audit``)."""

COP_COLUMNS: tuple[str, ...] = ("school", "country", "language", "cycle")
"""Columns of the ``cop`` table that :func:`enrich` attaches by ``cop_id``."""

# how each table hangs on a CoP: a cop_id column, or a parent table and the linking column
_PARENT: dict[str, tuple[str, str, str]] = {
    # table: (column in table, parent table, parent key)
    "consent": ("member_id", "member", "member_id"),
    "attendance": ("meeting_id", "meeting", "meeting_id"),
    "goal_measurement": ("goal_id", "goal", "goal_id"),
    "action_owner": ("action_id", "action", "action_id"),
    "action_dependency": ("action_id", "action", "action_id"),
    "answer": ("response_id", "response", "response_id"),
    "coding": ("interview_id", "interview", "interview_id"),
}

# tables whose rows belong to a row of another table that may be left out
_CHILD_OF: dict[str, tuple[str, str]] = {
    "answer": ("response", "response_id"),
    "coding": ("interview", "interview_id"),
}


def _names(value: object, param: str, allowed: Sequence[str] | None = None) -> list[str]:
    """A str or an iterable of str as a list; optionally checked against ``allowed``."""
    if isinstance(value, str):
        out = [value]
    elif isinstance(value, Iterable) and not isinstance(value, (bytes, dict)):
        out = list(value)
    else:
        raise UsageError(f"{param} must be a name or a list of names, got {value!r}")
    bad = [v for v in out if not isinstance(v, str) or (allowed is not None and v not in allowed)]
    if bad:
        what = f"one of: {', '.join(allowed)}" if allowed is not None else "text"
        raise UsageError(f"{param} has {bad!r}, not allowed; each must be {what}")
    return out


def consented_member_ids(members: pd.DataFrame, consent: pd.DataFrame) -> pd.Index:
    """Ids of the members whose data may be analysed (DESIGN section 7).

    Parameters
    ----------
    members, consent : pandas.DataFrame
        Rows of the ``member`` and ``consent`` tables.

    Returns
    -------
    pandas.Index
        Sorted member ids (text) of the members that
        :func:`cocope_kit.privacy.consent_register` includes (the kit's one
        consent rule): a ``consent`` record with status ``given`` and, for
        students, also their own ``assent`` with status ``given``. Missing,
        pending, refused or withdrawn records leave a person out: no consent
        is not consent.

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"member_id": ["t", "s1", "s2", "p"], "cop_id": "c",
    ...                   "pseudonym": list("ABCD"),
    ...                   "role": ["teacher", "student", "student", "parent"]})
    >>> c = pd.DataFrame({"member_id": ["t", "s1", "s1", "s2", "s2", "p"],
    ...                   "kind": ["consent", "consent", "assent", "consent", "assent", "consent"],
    ...                   "status": ["given", "given", "given", "given", "pending", "withdrawn"]})
    >>> consented_member_ids(m, c).tolist()
    ['s1', 't']
    """
    mem = _frame("member", members, param="members", need=("member_id", "role"))
    con = _frame("consent", consent, param="consent", need=("member_id", "kind", "status"))
    if "cop_id" not in mem.columns:
        mem = mem.assign(cop_id=pd.NA)
    register = consent_register(mem, con)
    keep = register.loc[register["included"], "member_id"].dropna().drop_duplicates().sort_values()
    return pd.Index(keep.to_numpy(), dtype=TEXT_DTYPE)


def load_tables(
    store: object,
    *,
    tables: str | Iterable[str] | None = None,
    cop_ids: str | Iterable[str] | None = None,
    consented_only: bool = True,
) -> dict[str, pd.DataFrame]:
    """Read tables from a store for analysis, optionally for some CoPs, privacy first.

    Parameters
    ----------
    store : object with a ``read(table)`` method
        A :class:`~cocope_kit.store.Store` or anything that returns a store
        table as a DataFrame from ``read(table)``; nothing else is called.
    tables : str or list of str, optional
        Tables to return; default :data:`ANALYSIS_TABLES` (all but ``audit``).
        Tables needed for filtering (``cop``, ``member``, ``consent`` and the
        parent of a child table) are read as well but only returned when asked for.
    cop_ids : str or list of str, optional
        Keep only rows of these CoPs. Tables without a ``cop_id`` column follow
        their parent (``attendance`` its meeting, ``answer`` its response,
        ``consent`` its member, ...); the codebook (``code``) is kept whole.
    consented_only : bool, default True
        Leave out every row about a member whose data may not be analysed
        (see :func:`cocope_kit.privacy.filter_consented`): their ``member``
        and ``consent`` rows, attendance, plan ownership, responses (and
        answers), pair ratings given or received, interviews (and codings),
        reflections, feedback and value stories. Ideas they wrote stay with
        the group without their id. Rows by anonymous respondents (a
        ``respondent_id`` that is no member) are kept.

    Returns
    -------
    dict of str to pandas.DataFrame
        Table name -> frame with the dtypes of :func:`cocope_kit.schema.validate`,
        in the order of :data:`ANALYSIS_TABLES`.

    Raises
    ------
    UsageError
        On an unknown table name, a ``cop_ids`` entry that is no CoP of the
        store, or a ``store`` without ``read``.

    Examples
    --------
    >>> import cocope_kit as ck
    >>> from cocope_kit.demo import write_demo
    >>> store = write_demo(ck.open_store(":memory:"))
    >>> t = load_tables(store, tables="answer", cop_ids=["at-graz", "pt-porto"])
    >>> list(t), t["answer"].response_id.str.split(":").str[0].unique().tolist()
    (['answer'], ['at-graz', 'pt-porto'])
    """
    if not callable(getattr(store, "read", None)):
        raise UsageError(f"store must have a read(table) method (e.g. ck.open_store(path)), "
                         f"got {type(store).__name__}")
    wanted = list(ANALYSIS_TABLES) if tables is None else _names(tables, "tables", ANALYSIS_TABLES)
    cops = None if cop_ids is None else _names(cop_ids, "cop_ids")
    need = set(wanted)
    if cops is not None:
        need.add("cop")
        need |= {_PARENT[t][1] for t in wanted if t in _PARENT}
    if consented_only:
        need |= {"member", "consent"}
        need |= {_CHILD_OF[t][0] for t in wanted if t in _CHILD_OF}
    frames: dict[str, pd.DataFrame] = {}
    for name in ANALYSIS_TABLES:  # parents before children
        if name in need:
            df = store.read(name)
            frames[name] = _frame(name, df, param=f"store.read({name!r})")

    if cops is not None:
        known = set(frames["cop"]["cop_id"].dropna())
        unknown = [c for c in cops if c not in known]
        if unknown:
            shown = ", ".join(sorted(known)[:10]) + (", ..." if len(known) > 10 else "")
            raise UsageError(f"cop_ids has {unknown!r}, not in the store; CoPs: {shown or 'none'}")
        for name in ANALYSIS_TABLES:
            if name not in frames or name == "code":
                continue
            df = frames[name]
            if "cop_id" in TABLES[name].column_names:
                frames[name] = df[df["cop_id"].isin(cops).to_numpy()]
        for name, (col, parent, key) in _PARENT.items():
            if name in frames:
                df = frames[name]
                frames[name] = df[df[col].isin(frames[parent][key].dropna()).to_numpy()]

    if consented_only:
        frames, _ = filter_consented(frames)

    return {name: frames[name].reset_index(drop=True) for name in ANALYSIS_TABLES
            if name in wanted}


# ---------------------------------------------------------------------------
# grouping columns (shared by the analysis modules)
# ---------------------------------------------------------------------------


def _role_group(role: pd.Series) -> pd.Series:
    """Role group of each role; unknown roles -> ``other``, missing role -> missing."""
    group = role.map(ROLE_GROUP, na_action="ignore")
    group = group.where(role.isna() | group.notna(), RoleGroup.OTHER.value)
    return group.astype(TEXT_DTYPE)


def _cop_info(cop: pd.DataFrame) -> pd.DataFrame:
    c = _frame("cop", cop, param="cop", need=("cop_id",))
    c = c.dropna(subset=["cop_id"]).drop_duplicates("cop_id")
    return c[["cop_id", *COP_COLUMNS]]


def enrich(
    df: pd.DataFrame,
    *,
    cop: pd.DataFrame | None = None,
    members: pd.DataFrame | None = None,
    member_col: str = "member_id",
    role_col: str | None = None,
) -> pd.DataFrame:
    """Attach the columns a ``by=`` grouping may ask for.

    Parameters
    ----------
    df : pandas.DataFrame
        Any frame, e.g. a store table or the output of an analysis.
    cop : pandas.DataFrame, optional
        Rows of the ``cop`` table: adds ``school, country, language, cycle``
        by ``cop_id`` (``df`` needs ``cop_id``, or ``members`` to find it).
    members : pandas.DataFrame, optional
        Rows of the ``member`` table: adds ``role`` (and ``cop_id`` when
        ``df`` has none) by ``member_col``.
    member_col : str, default "member_id"
        Column of ``df`` holding member ids (e.g. ``"rater_id"``, ``"author_id"``).
    role_col : str, optional
        Column of ``df`` that already holds roles (e.g. ``"respondent_role"``);
        copied to ``role`` instead of looking members up.

    Returns
    -------
    pandas.DataFrame
        A copy of ``df`` with, where they can be computed and are not there
        yet, the columns ``cop_id``, ``school``, ``country``, ``language``,
        ``cycle``, ``role`` and ``role_group`` (``professional``, ``student``,
        ``family`` or ``other``; see :func:`cocope_kit.model.role_group`).
        Existing columns are never overwritten.

    Raises
    ------
    UsageError
        If a named column is not in ``df``.

    Examples
    --------
    >>> import pandas as pd
    >>> from cocope_kit.demo import demo_tables
    >>> t = demo_tables()
    >>> att = enrich(t["attendance"], members=t["member"], cop=t["cop"])
    >>> att[["member_id", "cop_id", "country", "role", "role_group"]].head(2)
        member_id   cop_id country     role    role_group
    0  be-gent:p1  be-gent      BE  teacher  professional
    1  be-gent:p1  be-gent      BE  teacher  professional
    """
    if not isinstance(df, pd.DataFrame):
        raise UsageError(f"df must be a pandas DataFrame, got {type(df).__name__}")
    out = df.copy()
    if role_col is not None:
        if role_col not in out.columns:
            raise UsageError(f"role_col {role_col!r} is not a column of df; columns: "
                             f"{', '.join(map(str, out.columns))}")
        if "role" not in out.columns:
            out["role"] = out[role_col].astype(TEXT_DTYPE)
    if members is not None:
        if member_col not in out.columns:
            raise UsageError(f"member_col {member_col!r} is not a column of df; columns: "
                             f"{', '.join(map(str, out.columns))}")
        mem = _frame("member", members, param="members", need=("member_id",))
        mem = mem.dropna(subset=["member_id"]).drop_duplicates("member_id").set_index("member_id")
        ids = out[member_col]
        if "role" not in out.columns:
            out["role"] = ids.map(mem["role"]).astype(TEXT_DTYPE)
        if "cop_id" not in out.columns:
            out["cop_id"] = ids.map(mem["cop_id"]).astype(TEXT_DTYPE)
    if "role" in out.columns and "role_group" not in out.columns:
        out["role_group"] = _role_group(out["role"].astype(TEXT_DTYPE))
    if cop is not None:
        if "cop_id" not in out.columns:
            raise UsageError("df needs a cop_id column (or pass members=) to attach CoP columns")
        info = _cop_info(cop).set_index("cop_id")
        for col in COP_COLUMNS:
            if col not in out.columns:
                out[col] = out["cop_id"].map(info[col])
    return out


def _by(
    by: object,
    allowed: Sequence[str],
    *,
    param: str = "by",
    add: Sequence[str] = (),
) -> list[str]:
    """Normalise a ``by=`` argument to a list of allowed column names (``add`` appended)."""
    if by is None:
        keys: list[str] = []
    else:
        keys = _names(by, param, allowed)
    if len(set(keys)) != len(keys):
        raise UsageError(f"{param} names a column twice: {keys!r}")
    return keys + [a for a in add if a not in keys]


def _with_cop(df: pd.DataFrame, keys: Sequence[str], cop: pd.DataFrame | None,
              param: str = "by") -> pd.DataFrame:
    """Attach the CoP columns among ``keys`` (school, country, ...) from ``cop``."""
    missing = [k for k in keys if k in COP_COLUMNS and k not in df.columns]
    if not missing:
        return df
    if cop is None:
        raise UsageError(f"{param}={tuple(keys)!r} groups by {', '.join(missing)}: pass the CoP "
                         "table too, e.g. cop=tables['cop'] (or store.read('cop'))")
    info = _cop_info(cop).set_index("cop_id")
    out = df.copy()
    for col in missing:
        out[col] = out["cop_id"].map(info[col])
    return out


def _key_frame(df: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """Group-key columns with stable, readable dtypes (text as ``str``)."""
    out = pd.DataFrame(index=df.index)
    for k in keys:
        s = df[k]
        if k == "cycle":
            out[k] = s.astype("Int64")
        elif k == "core":
            out[k] = s.astype("boolean")
        else:
            out[k] = s.astype(TEXT_DTYPE)
    return out


def _need(df: object, cols: Sequence[str], param: str, what: str) -> pd.DataFrame:
    """Check ``df`` is a frame with ``cols``; ``what`` says where such a frame comes from."""
    if not isinstance(df, pd.DataFrame):
        raise UsageError(f"{param} must be a pandas DataFrame ({what}), got {type(df).__name__}")
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise UsageError(f"{param} lacks the column(s) {', '.join(missing)} ({what}); "
                         f"it has: {', '.join(map(str, df.columns))}")
    return df


def _grouped(df: pd.DataFrame, keys: Sequence[str], **aggs) -> pd.DataFrame:
    """Named aggregation per group of ``keys`` (sorted, missing keys kept as a group).

    With no keys the whole frame is one group (no row when it is empty).
    """
    if keys:
        out = df.groupby(list(keys), sort=True, dropna=False, observed=True).agg(**aggs)
        out = out.reset_index()
        return pd.concat([_key_frame(out, keys), out.drop(columns=list(keys))], axis=1)
    out = df.groupby(np.zeros(len(df), dtype=np.int64)).agg(**aggs)
    return out.reset_index(drop=True)


def _merge_keys(left: pd.DataFrame, right: pd.DataFrame, keys: Sequence[str],
                how: str = "left") -> pd.DataFrame:
    """Merge on ``keys`` (a cross join with no keys); missing keys match each other."""
    if keys:
        return left.merge(right, on=list(keys), how=how)
    return left.merge(right, how="cross")


def _codes(df: pd.DataFrame, keys: Sequence[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """Group number of each row of ``df`` by ``keys`` (sorted; missing keys are a group)
    and the table of groups (one row per number). No keys: one group when ``df`` has rows."""
    if not keys:
        return (np.zeros(len(df), dtype=np.int64),
                pd.DataFrame(index=pd.RangeIndex(1 if len(df) else 0)))
    gb = df.groupby(list(keys), sort=True, dropna=False, observed=True)
    codes = gb.ngroup().to_numpy().astype(np.int64)
    table = gb.size().index.to_frame(index=False)
    return codes, _key_frame(table, keys).reset_index(drop=True)


def _lookup(df: pd.DataFrame, table: pd.DataFrame, keys: Sequence[str]) -> np.ndarray:
    """Position in ``table`` of each row's key combination (-1 when absent)."""
    if not keys:
        return np.zeros(len(df), dtype=np.int64) if len(table) else np.full(len(df), -1)
    t = table[list(keys)].assign(_pos=np.arange(len(table)))
    left = _key_frame(df, keys).reset_index(drop=True)
    m = left.merge(t, on=list(keys), how="left")
    return m["_pos"].fillna(-1).to_numpy().astype(np.int64)
