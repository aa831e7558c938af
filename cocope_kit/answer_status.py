"""The status of an answer: answered, "don't know" or not answered (``answer.status``).

Until schema version 4 the store could not tell "don't know" from "not
answered": both were a blank ``answer.value``. Since migration 4 every answer
row has a status:

================  =====================================  ==========================
status            meaning                                ``value`` / ``text``
================  =====================================  ==========================
``answered``      a scale point or a free text was given  the value, or the text
``dont_know``     the respondent chose "don't know"      both blank
                  (only on scales that offer it)
``not_answered``  the item was shown and left out         both blank
================  =====================================  ==========================

A blank status is derived from the row (:func:`derive_status`), so files and
callers that know nothing of the column keep working: a value or a text
means ``answered``; the text ``dont_know`` (how the forms and ``import-survey``
wrote "don't know" before version 4) means ``dont_know`` and the text is
cleared; otherwise ``not_answered``. Migration 4 gives the rows of an older
store their status by the same rule, so a blank value without a text, which
an older store cannot attribute, becomes ``not_answered`` (never a "don't
know" nobody chose). Scale scores and every other statistic ignore both
``dont_know`` and ``not_answered`` (their value is blank); the exports show them
apart (``answers_long.status``, SPSS user-missing codes 8 and 9), while
:func:`cocope_kit.analysis.likert_counts` still counts both in its one
"don't know / missing" row.

Examples
--------
>>> import pandas as pd
>>> df = pd.DataFrame({"response_id": ["r"] * 4, "item_id": ["a", "b", "c", "d"],
...                    "value": [4.0, None, None, None],
...                    "text": [None, "dont_know", "a free text", None]})
>>> derive_status(df)[["status", "text"]].values.tolist()
[['answered', nan], ['dont_know', nan], ['answered', 'a free text'], ['not_answered', nan]]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .schema_types import TEXT_DTYPE

__all__ = ["ANSWERED", "DONT_KNOW", "NOT_ANSWERED", "STATUSES", "derive_status",
           "status_conflicts"]

ANSWERED = "answered"
DONT_KNOW = "dont_know"
NOT_ANSWERED = "not_answered"
STATUSES: tuple[str, ...] = (ANSWERED, DONT_KNOW, NOT_ANSWERED)
"""Allowed values of ``answer.status``."""


def _blank(s: pd.Series) -> np.ndarray:
    miss = s.isna().to_numpy(dtype=bool)
    if s.dtype == object or pd.api.types.is_string_dtype(s.dtype):
        miss = miss | _stripped(s).eq("").to_numpy(dtype=bool)
    return miss


def _stripped(s: pd.Series) -> pd.Series:
    """Text cells without surrounding spaces; anything else (numbers, blanks) as NA."""
    obj = s.astype(object)
    is_text = np.fromiter((isinstance(v, str) for v in obj), dtype=bool, count=len(obj))
    return obj.where(is_text).astype("string").str.strip().fillna("")


def derive_status(df: pd.DataFrame) -> pd.DataFrame:
    """Fill blank ``status`` cells from ``value`` and ``text`` (a copy; see the module notes).

    Parameters
    ----------
    df : pandas.DataFrame
        Answer rows, typed (:func:`cocope_kit.schema.validate` calls this after
        converting the cells) or as written.

    Returns
    -------
    pandas.DataFrame
        The rows with a ``status`` column; the text ``dont_know`` of a row that
        is "don't know" is cleared.
    """
    out = df.copy()
    n = len(out)
    status = out["status"] if "status" in out.columns else pd.Series([None] * n, index=out.index)
    value = out["value"] if "value" in out.columns else pd.Series([None] * n, index=out.index)
    text = out["text"] if "text" in out.columns else pd.Series([None] * n, index=out.index)
    no_value, no_text = _blank(value), _blank(text)
    dk_text = _stripped(text).eq(DONT_KNOW).to_numpy(dtype=bool)
    derived = np.where(~no_value | (~no_text & ~dk_text), ANSWERED,
                       np.where(dk_text, DONT_KNOW, NOT_ANSWERED))
    blank = _blank(status)
    filled = status.astype(object).where(~blank, pd.Series(derived, index=out.index))
    out["status"] = filled.astype(TEXT_DTYPE)
    clear = dk_text & no_value & (filled.to_numpy(dtype=object) == DONT_KNOW)
    if clear.any() and "text" in out.columns:
        out["text"] = text.mask(pd.Series(clear, index=out.index))
    return out


def status_conflicts(df: pd.DataFrame) -> pd.Series:
    """Rows whose status does not fit their value and text (a boolean mask).

    ``answered`` needs a value or a text; ``dont_know`` and ``not_answered`` need
    a blank value.

    >>> import pandas as pd
    >>> status_conflicts(pd.DataFrame({"status": ["answered", "dont_know", "not_answered"],
    ...                                "value": [None, 3.0, None], "text": [None, None, None]})
    ...                  ).tolist()
    [True, True, False]
    """
    status = df["status"].astype(object)
    no_value, no_text = _blank(df["value"]), _blank(df["text"])
    bad = ((status == ANSWERED).to_numpy(dtype=bool) & no_value & no_text) | (
        status.isin([DONT_KNOW, NOT_ANSWERED]).to_numpy(dtype=bool) & ~no_value)
    return pd.Series(bad, index=df.index)
