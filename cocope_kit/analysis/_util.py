"""Helpers shared by the analysis modules (private).

:func:`_frame` checks an input frame and gives it the store's dtypes;
:func:`_as_date`, :func:`_day` and :func:`_text` convert dates and text.
:func:`shared_work` and :func:`_memo` let one run of several analyses on the
same frames (:func:`cocope_kit.analysis.run_catalogue`) do shared
intermediate work once: outside a :func:`shared_work` block a memoised helper
simply runs.

Examples
--------
>>> import pandas as pd
>>> _frame("cop", pd.DataFrame({"cop_id": ["a"]}), param="cop").columns.tolist()[:4]
['cop_id', 'name', 'school', 'country']
>>> _day(_as_date("2026-06-30T12:00", "as_of"))
'2026-06-30'
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

import pandas as pd

from ..errors import UsageError
from ..schema import TABLES, TEXT_DTYPE, typed

__all__ = ["shared_work"]

F = TypeVar("F", bound=Callable)

def _frame(table: str, df: object, *, param: str, need: Sequence[str] = ()) -> pd.DataFrame:
    """Check ``df`` is a frame with the columns ``need`` and give it the dtypes of ``table``."""
    if not isinstance(df, pd.DataFrame):
        raise UsageError(
            f"{param} must be a pandas DataFrame shaped like the {table!r} table "
            f"(e.g. store.read({table!r})), got {type(df).__name__}"
        )
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise UsageError(
            f"{param} lacks the column(s) {', '.join(missing)}; the {table!r} table has: "
            f"{', '.join(TABLES[table].column_names)}"
        )
    return _coerce(table, df)


_DTYPES = {"text": TEXT_DTYPE, "json": TEXT_DTYPE, "int": "Int64", "real": "float64",
           "bool": "boolean", "date": "datetime64[ns]", "timestamp": "datetime64[ns, UTC]"}


def _already_typed(table: str, df: pd.DataFrame) -> bool:
    """True when ``df`` has every column of ``table`` with its schema dtype (as the store gives)."""
    if df.columns.has_duplicates:
        return False
    for col in TABLES[table].columns:
        if col.name not in df.columns or df[col.name].dtype != _DTYPES[col.type]:
            return False
    return True


def _as_date(value: object, param: str) -> pd.Timestamp:
    """A day (midnight, tz-naive) from a date-like value, or a UsageError naming ``param``."""
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise UsageError(f"{param} needs a date such as '2026-06-30', got {value!r}") from None
    if pd.isna(ts):
        raise UsageError(f"{param} needs a date such as '2026-06-30', got {value!r}")
    if ts.tzinfo is not None:
        ts = ts.tz_convert("UTC").tz_localize(None)
    return ts.normalize()


def _text(values_: Iterable) -> pd.Series:
    return pd.Series(list(values_), dtype=TEXT_DTYPE)


def _day(ts: object) -> str:
    return "?" if pd.isna(ts) else pd.Timestamp(ts).strftime("%Y-%m-%d")


# ---------------------------------------------------------------------------
# shared intermediate results within one run of several analyses
# ---------------------------------------------------------------------------

_SHARED: ContextVar[dict | None] = ContextVar("cocope_analysis_shared", default=None)


@contextmanager
def shared_work() -> Iterator[None]:
    """Within the block, memoised helpers compute once per set of input frames.

    Frames are recognised by identity (the same object), so the caller must
    not change a frame inside the block. Results are handed out as shallow
    copies (pandas copy-on-write), so a caller that adds a column does not
    change what the next caller gets.

    Examples
    --------
    >>> calls = []
    >>> @_memo
    ... def double(df):
    ...     calls.append(1)
    ...     return df * 2
    >>> df = pd.DataFrame({"x": [1]})
    >>> with shared_work():
    ...     a, b = double(df), double(df)
    >>> len(calls), a.equals(b)
    (1, True)
    >>> _ = double(df); len(calls)   # outside the block: no memory
    2
    """
    token = _SHARED.set({})
    try:
        yield
    finally:
        _SHARED.reset(token)


def _key_part(value: object) -> object:
    if isinstance(value, (pd.DataFrame, pd.Series)):
        return ("frame", id(value))
    if isinstance(value, (list, tuple)):
        return tuple(_key_part(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _key_part(v)) for k, v in value.items()))
    try:
        hash(value)
    except TypeError:
        return ("object", id(value))
    return value


def _handout(value: object) -> object:
    if isinstance(value, (pd.DataFrame, pd.Series)):
        return value.copy(deep=False)
    if isinstance(value, tuple):
        return tuple(_handout(v) for v in value)
    if isinstance(value, dict):
        return {k: _handout(v) for k, v in value.items()}
    return value


def _memo(fn: F) -> F:
    """Memoise ``fn`` inside :func:`shared_work` (keyed by argument identity and value)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        cache = _SHARED.get()
        if cache is None:
            return fn(*args, **kwargs)
        key = (fn.__module__, fn.__qualname__, _key_part(args), _key_part(kwargs))
        if key not in cache:
            # keep the arguments alive so their ids are not reused within the block
            cache[key] = (args, kwargs, fn(*args, **kwargs))
        return _handout(cache[key][2])

    return wrapper  # type: ignore[return-value]


@_memo
def _coerce(table: str, df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with the columns and dtypes of ``table`` (memoised inside :func:`shared_work`)."""
    if _already_typed(table, df):
        return df[TABLES[table].column_names].reset_index(drop=True)
    return typed(table, df)
