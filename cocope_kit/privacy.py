"""Privacy by default: pseudonyms in outputs and spreadsheet-safe exports.

Names are personal data. Outputs show pseudonyms unless a user asks for names
explicitly; columns marked ``personal`` in :mod:`cocope_kit.schema` are replaced
or blanked. Text cells that a spreadsheet would run as a formula are
neutralised with a leading apostrophe (OWASP "CSV injection" guidance).

Examples
--------
>>> import pandas as pd
>>> from cocope_kit.privacy import neutralise_formulas
>>> out = neutralise_formulas(pd.DataFrame({"t": ["=SUM(A1:A9)", "fine", "-5 pts"], "n": [-1, 2, 3]}))
>>> out["t"].tolist(), out["n"].tolist()
(["'=SUM(A1:A9)", 'fine', "'-5 pts"], [-1, 2, 3])
"""

from __future__ import annotations

import pandas as pd

from .schema import TABLES

__all__ = ["FORMULA_PREFIXES", "neutralise_formulas", "pseudonymise"]

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")
"""First characters that make Excel, LibreOffice or Google Sheets treat a cell as a formula."""


def _neutral(v):
    if isinstance(v, str) and v.startswith(FORMULA_PREFIXES):
        return "'" + v
    return v


def neutralise_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """Return a copy where every text cell starting with ``= + - @`` or a control character
    gets a leading apostrophe, so a spreadsheet shows it as text. Numbers are left alone."""
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if s.dtype == object or pd.api.types.is_string_dtype(s.dtype):
            out[col] = s.astype(object).map(_neutral, na_action="ignore")
    return out


def pseudonymise(table: str, df: pd.DataFrame) -> pd.DataFrame:
    """Replace personal columns of a store table for output.

    ``member.name`` becomes the member's pseudonym; other personal columns
    (such as ``interview.interviewer``) become stable labels ``interviewer 1``,
    ``interviewer 2``, ... in order of first appearance.

    >>> import pandas as pd
    >>> m = pd.DataFrame({"member_id": ["a"], "cop_id": ["c"], "name": ["Ana Silva"],
    ...                   "pseudonym": ["Teacher A"]})
    >>> pseudonymise("member", m)["name"].tolist()
    ['Teacher A']
    """
    spec = TABLES[table]
    out = df.copy()
    for col in spec.columns:
        if not col.personal or col.name not in out.columns:
            continue
        if table == "member" and col.name == "name":
            out["name"] = out["pseudonym"] if "pseudonym" in out.columns else None
            continue
        s = out[col.name]
        labels = {v: f"{col.name} {i}" for i, v in enumerate(pd.unique(s.dropna()), start=1)}
        out[col.name] = s.map(labels).astype(object).where(s.notna(), None)
    return out
