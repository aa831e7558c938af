"""Rules every row passes on its way in: safe ids, clean text, finite numbers, safe paths.

:func:`cocope_kit.schema.validate` applies these to every frame, so insert,
update, import, merge and the forms share one set of rules (DESIGN section 7:
ids "match one documented pattern everywhere").

Ids
---
Every id (the key of a table, every column that refers to one, and
``instrument_id``, ``item_id``, ``prompt_id``, ``respondent_id``) matches
:data:`ID_PATTERN`::

    [A-Za-z0-9][A-Za-z0-9._:-]{0,127}

1 to 128 characters: letters a-z and A-Z, digits, dot, underscore, colon and
hyphen, starting with a letter or a digit. That keeps every id the kit makes
(uuid4 such as ``1b4e28ba-2fa1-41d2-883f-0016d3cca427``, ``be-gent:p1``,
``cocope-themes:student_voice``, ``wt_coop_1``) and every id a spreadsheet
user is likely to type, and it rules out what could turn an id into a path or
markup: slashes, backslashes, ``..`` at the start, spaces, quotes, angle
brackets, control characters. 128 rather than 64 characters, because the forms
make ids from a CoP's id (``<cop_id>:measurement-1a2b3c4d``). Surrounding spaces are dropped on the way in.
Ids of one table are unique **ignoring case** (``P1`` and ``p1`` cannot both
exist), so files named after ids cannot collide on case-insensitive disks.

Text
----
No text may hold NUL or another control character (U+0000-U+001F, U+007F-U+009F)
or a lone surrogate. Tab and line breaks (``\\t``, ``\\n``, ``\\r``) are allowed
in the long-text columns of :data:`LONG_TEXT` only.

Numbers
-------
``inf``, ``-inf``, ``NaN`` written as text and values that overflow
(``1e400``) are not numbers; whole numbers have at most 15 digits.

Examples
--------
>>> bool(ID_RE.fullmatch("be-gent:p1")), bool(ID_RE.fullmatch("../../escape"))
(True, False)
>>> bad_text(["fine", "tab\\there", "nul\\x00"], long=False).tolist()
[False, True, True]
>>> bad_text(["tab\\there", "two\\nlines"], long=True).tolist()
[False, False]
>>> inside("/tmp/out", "report_be-gent.html").name
'report_be-gent.html'
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from .errors import UsageError

__all__ = [
    "ID_PATTERN",
    "ID_RE",
    "ID_ALLOWED",
    "ID_EXTRA_COLUMNS",
    "LONG_TEXT",
    "INT_LIMIT",
    "TEXT_ALLOWED",
    "bad_text",
    "id_norm",
    "inside",
]

ID_PATTERN = r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}"
"""The one pattern every id matches (see the module docstring)."""

ID_RE = re.compile(ID_PATTERN)

ID_ALLOWED = ("an id of 1 to 128 characters: letters, digits, '.', '_', ':' and '-', "
              "starting with a letter or a digit")
"""What :data:`ID_PATTERN` allows, in words for error messages."""

ID_EXTRA_COLUMNS = frozenset({"instrument_id", "item_id", "prompt_id", "respondent_id"})
"""Columns that hold ids although they are neither keys nor references."""

LONG_TEXT = frozenset({
    "note", "text", "description", "statement", "achievable_note", "relevant_note",
    "transcript", "comment", "immediate", "potential", "applied", "realized", "reframing",
    "detail", "gas_levels",
})
"""Text columns where tab and line breaks are allowed (free text of several lines)."""

INT_LIMIT = 10**15 - 1
"""Largest magnitude of a whole number (15 digits; floats hold it exactly)."""

TEXT_ALLOWED = {
    False: "text without control characters (no tab, line break or NUL in this column)",
    True: "text without control characters other than tab and line breaks (no NUL)",
}
"""What :func:`bad_text` allows, for short (False) and long (True) text columns."""

_CONTROL_SHORT = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_CONTROL_LONG = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def bad_text(values: Iterable, *, long: bool) -> np.ndarray:
    """Which cells hold a character text may not hold (see the module docstring).

    Parameters
    ----------
    values : iterable
        Cells; only strings are looked at.
    long : bool
        True for a long-text column (tab and line breaks allowed).

    Returns
    -------
    numpy.ndarray of bool
    """
    rx = _CONTROL_LONG if long else _CONTROL_SHORT
    seen: dict[str, bool] = {}
    out = []
    for v in values:
        if isinstance(v, str):
            hit = seen.get(v)
            if hit is None:
                hit = seen[v] = rx.search(v) is not None
            out.append(hit)
        else:
            out.append(False)
    return np.array(out, dtype=bool)


def id_norm(v: object) -> object:
    """The form two ids are compared in: without surrounding spaces, case folded.

    >>> id_norm(" At-Graz:P1 ") == id_norm("at-graz:p1")
    True
    """
    return v.strip().casefold() if isinstance(v, str) else v


def inside(directory: str | os.PathLike, name: str) -> Path:
    """The path of file ``name`` in ``directory``, refused when it would lie elsewhere.

    For file names made from ids (``report_<cop_id>.html``): a name holding a
    path separator, ``..``, a drive or a NUL would write outside the folder.

    Raises
    ------
    UsageError
        Naming the folder and the file name.

    Examples
    --------
    >>> inside("/tmp/out", "../escape.html")
    Traceback (most recent call last):
    ...
    cocope_kit.errors.UsageError: the file name '../escape.html' would leave the folder /tmp/out; ...
    """
    d = Path(directory)
    bad = (not name or "\x00" in name or "/" in name or "\\" in name
           or name in (".", "..") or Path(name).is_absolute() or Path(name).drive)
    target = d / name
    if not bad:
        root = d.resolve()
        resolved = target.resolve()
        bad = resolved.parent != root
    if bad:
        raise UsageError(f"the file name {name!r} would leave the folder {d}; "
                         "a file name made from an id may hold letters, digits, '.', '_', ':' "
                         "and '-' only")
    return target
