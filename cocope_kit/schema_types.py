"""Column types of the schema: turning cells as users write them into typed columns.

:func:`cocope_kit.schema.validate` and :func:`cocope_kit.schema.typed` call
:func:`_coerce`; each cell that cannot become its column's type is reported
with the cell as written. Numbers must be finite (no ``inf``, ``NaN`` or
``1e400``) and whole numbers have at most 15 digits
(:data:`cocope_kit.schema_rules.INT_LIMIT`).

Examples
--------
>>> import pandas as pd
>>> from cocope_kit.schema import TABLES
>>> out, problems = _coerce(TABLES["attendance"], pd.DataFrame(
...     {"meeting_id": ["m"], "member_id": ["p"], "present": ["yes"], "contributions": ["1e400"]}))
>>> out["present"].tolist(), problems[0][:3]
([True], (0, 'contributions', '1e400'))
"""

from __future__ import annotations

import json
import math
import re
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .schema_rules import INT_LIMIT

if TYPE_CHECKING:  # pragma: no cover
    from .schema import Column, Table

__all__ = ["TEXT_DTYPE"]

TEXT_DTYPE = pd.StringDtype(na_value=np.nan)
"""pandas' default string dtype (``str``): text columns use it, missing text is NaN."""

_TRUE = {"true", "yes", "y", "1", "t"}
_FALSE = {"false", "no", "n", "0", "f"}


def _blank(s: pd.Series) -> pd.Series:
    """Missing: None, NaN, NaT, NA, or a string of only spaces."""
    miss = s.isna()
    if s.dtype == object or pd.api.types.is_string_dtype(s.dtype):
        codes, uniq = _distinct(s)  # each distinct value once: ids and codes repeat
        blank_u = np.fromiter((isinstance(v, str) and v.strip() == "" for v in uniq),
                              dtype=bool, count=len(uniq))
        if blank_u.any():
            miss = miss | pd.Series(np.where(codes >= 0, blank_u[np.maximum(codes, 0)], False),
                                    index=s.index)
    return miss.astype(bool)


def _coerce_column(col: Column, s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Return (typed series, mask of cells that could not be converted)."""
    blank = _blank(s)
    bad = pd.Series(False, index=s.index)
    t = col.type
    if t == "text":
        out = s.astype(object).where(~blank, None)
        if not (pd.api.types.is_string_dtype(s.dtype) and s.dtype != object) \
                and pd.api.types.infer_dtype(out, skipna=True) not in ("string", "empty"):
            out = out.map(lambda v: v if v is None or isinstance(v, str) else _as_text(v))
        return out.astype(TEXT_DTYPE), bad
    if t == "json":
        def conv(v):
            if isinstance(v, (dict, list)):
                return json.dumps(v, ensure_ascii=False, sort_keys=True)
            return v

        out = s.astype(object).where(~blank, None).map(conv)

        def ok(v):
            if v is None:
                return True
            try:
                json.loads(v)
                return True
            except (TypeError, ValueError):
                return False

        bad = ~out.map(ok).astype(bool)
        return out.where(~bad, None).astype(TEXT_DTYPE), bad
    if t in ("int", "real"):
        src = s.where(~blank, None)
        if src.dtype == object:
            src = src.map(lambda v: v.strip() if isinstance(v, str) else v)
            src = src.map(lambda v: np.nan if isinstance(v, bool) else v)  # True is not a number here
        num = pd.to_numeric(src, errors="coerce")
        if num.dtype == bool:
            num = num.astype(float)
        numf = num.astype(float)
        finite = pd.Series(np.isfinite(numf.to_numpy()), index=s.index)
        bad = (num.isna() & ~blank) | (num.notna() & ~finite)  # inf, 1e400, NaN written out
        if t == "int":
            bad = bad | (finite & (numf.abs() > INT_LIMIT))  # would overflow or lose digits
        num = numf.where(~bad)
        if t == "int":
            frac = (num.notna()) & (np.floor(num.astype(float)) != num.astype(float))
            bad = bad | frac
            num = num.where(~frac)
            out = pd.array(num.astype(float), dtype="Float64").round().astype("Int64")
            out = pd.Series(out, index=s.index)
        else:
            out = num.astype(float)
        return out, bad.astype(bool)
    if t == "bool":
        def conv_bool(v):
            if isinstance(v, (bool, np.bool_)):
                return bool(v)
            if isinstance(v, (int, np.integer, float, np.floating)) and v in (0, 1):
                return bool(v)
            if isinstance(v, str):
                k = v.strip().lower()
                if k in _TRUE:
                    return True
                if k in _FALSE:
                    return False
            return "bad"

        mapped = s.where(~blank, None).map(lambda v: None if v is None else conv_bool(v))
        bad = mapped.map(lambda v: isinstance(v, str)).astype(bool)
        out = pd.Series(pd.array(mapped.where(~bad, None).tolist(), dtype="boolean"), index=s.index)
        return out, bad
    if t == "date":
        if pd.api.types.is_datetime64_any_dtype(s.dtype):
            out = s.dt.tz_localize(None) if getattr(s.dt, "tz", None) is not None else s
            out = out.dt.normalize()
            bad = out.notna() & ~_in_ns_range(out)
            return out.where(~bad).astype("datetime64[ns]"), bad.astype(bool)
        strs = _map_distinct(s.where(~blank, None), _date_text)
        parsed = pd.to_datetime(strs, format="%Y-%m-%d", errors="coerce")
        bad = (parsed.isna() | ~_in_ns_range(parsed)) & ~blank
        return parsed.where(~bad).astype("datetime64[ns]"), bad.astype(bool)
    if t == "timestamp":
        if pd.api.types.is_datetime64_any_dtype(s.dtype):
            out = s.dt.tz_localize("UTC") if getattr(s.dt, "tz", None) is None else s.dt.tz_convert("UTC")
            bad = out.notna() & ~_in_ns_range(out)
            return out.where(~bad).astype("datetime64[ns, UTC]"), bad.astype(bool)
        # numbers become text, so they are rejected rather than read as epochs
        src = _map_distinct(s.where(~blank, None), lambda v: v.strip() if isinstance(v, str)
                            else str(v) if isinstance(v, (int, float, np.number)) else v)
        parsed = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns, UTC]")
        ok = ~blank
        if ok.any():
            conv = pd.to_datetime(src[ok], errors="coerce", utc=True, format="ISO8601")
            parsed.loc[ok] = conv.where(_in_ns_range(conv)).astype("datetime64[ns, UTC]")
        bad = parsed.isna() & ~blank
        return parsed, bad.astype(bool)
    raise AssertionError(f"unknown column type {t}")  # pragma: no cover - schema bug


def _in_ns_range(s: pd.Series) -> pd.Series:
    """Cells a ``datetime64[ns]`` column can hold (years 1677 to 2262); False for NaT."""
    lo, hi = pd.Timestamp.min, pd.Timestamp.max
    if getattr(s.dt, "tz", None) is not None:
        lo, hi = lo.tz_localize("UTC"), hi.tz_localize("UTC")
    return ((s >= lo) & (s <= hi)).astype(bool)


_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _map_distinct(s: pd.Series, fn) -> pd.Series:
    """``fn`` of each cell (object Series; missing cells stay None), called once per distinct value.

    Only for functions that give equal results for equal values (pandas hashes
    ``1``, ``1.0`` and ``True`` alike).
    """
    codes, uniq = _distinct(s)
    done = np.empty(len(uniq) + 1, dtype=object)  # the last slot: missing
    done[:-1] = [None if _missing(v) else fn(v) for v in uniq]
    return pd.Series(done[codes], index=s.index, dtype=object)


def _distinct(s: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Codes (-1 = missing) and distinct values of ``s``, as :func:`pandas.factorize`.

    A column holding unhashable cells (a dict or list given for a json column)
    cannot be factorised; then every cell is its own value.

    >>> codes, uniq = _distinct(pd.Series(["a", None, "a", {"x": 1}]))
    >>> codes.tolist(), [type(v).__name__ for v in uniq]
    ([0, -1, 2, 3], ['str', 'NoneType', 'str', 'dict'])
    >>> _distinct(pd.Series(["a", None, "a"]))[0].tolist()
    [0, -1, 0]
    """
    values = s.to_numpy(dtype=object)
    try:
        return pd.factorize(values, use_na_sentinel=True)
    except TypeError:
        codes = np.array([-1 if _missing(v) else i for i, v in enumerate(values)], dtype=np.intp)
        return codes, values


def _missing(v: object) -> bool:
    """True for None, NaN, NaT, NA (a scalar test that copes with lists and dicts)."""
    if v is None:
        return True
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):  # list-likes
        return False


def _date_text(v):
    """Keep strictly ISO dates; datetime-like objects become ISO text; anything else is invalid."""
    if isinstance(v, str):
        v = v.strip()
        if _DATE_RE.match(v):
            return v
        if re.match(r"^\d{4}-\d{2}-\d{2}[T ]00:00(:00)?$", v):  # spreadsheets add midnight
            return v[:10]
        return None
    if hasattr(v, "isoformat") and hasattr(v, "year"):
        return f"{v.year:04d}-{v.month:02d}-{v.day:02d}"
    return None


def _as_text(v) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _coerce(table: Table, df: pd.DataFrame) -> tuple[pd.DataFrame, list[tuple[int, str, object, str]]]:
    """Convert every column; return the typed frame and (pos, column, value, allowed) problems."""
    problems: list[tuple[int, str, object, str]] = []
    out = {}
    n = len(df)
    for col in table.columns:
        if col.name in df.columns:
            s = df[col.name]
            if isinstance(s, pd.DataFrame):  # duplicated header; reported by validate
                s = s.iloc[:, 0]
            s = s.reset_index(drop=True)
        else:
            s = pd.Series([None] * n, dtype=object)
        if col.is_id:  # spreadsheets pad cells; ids are compared without the spaces
            s = s.map(lambda v: v.strip() if isinstance(v, str) else v)
        typed_s, bad = _coerce_column(col, s)
        for pos in np.flatnonzero(bad.to_numpy()):
            raw = df[col.name].iloc[pos] if col.name in df.columns else None
            if isinstance(raw, pd.Series):
                raw = raw.iloc[0]
            problems.append((int(pos), col.name, raw, col.allowed_text() + _number_note(col, raw)))
        if col.default is not None and not col.required:
            fill = typed_s.isna() & ~bad
            if fill.any():
                if col.type == "bool":
                    typed_s = typed_s.fillna(bool(col.default))
                else:
                    typed_s = typed_s.where(~fill, col.default)
                    if col.type == "int":
                        typed_s = typed_s.astype("Int64")
                    elif col.type == "real":
                        typed_s = typed_s.astype(float)
        out[col.name] = typed_s
    return pd.DataFrame(out, index=range(n)), problems


def _number_note(col: Column, v: object) -> str:
    """Why a cell of a number column that looks like a number is still refused."""
    if col.type not in ("int", "real"):
        return ""
    try:
        x = float(v.strip() if isinstance(v, str) else v)
    except (TypeError, ValueError, OverflowError):
        return ""
    if not math.isfinite(x):
        return "; inf, -inf, NaN and numbers too large to hold (such as 1e400) are not numbers here"
    if col.type == "int" and abs(x) > INT_LIMIT:
        return f"; at most {len(str(INT_LIMIT))} digits"
    return ""
