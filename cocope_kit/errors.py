"""Errors raised by cocope_kit.

Every problem caused by input (a file, a form, a parameter) raises a subclass of
:class:`CocopeError`. The command line turns these into a one-line message and
exit code 1; forms show the message next to the field.

Examples
--------
>>> from cocope_kit.errors import Problem, ValidationError
>>> p = Problem(table="member", row=3, column="role", value="pilot",
...             allowed="one of: teacher, student, ...")
>>> str(p)
"member row 3, column 'role': 'pilot' is not allowed; one of: teacher, student, ..."
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "CocopeError",
    "ValidationError",
    "StoreError",
    "MergeConflictError",
    "InstrumentError",
    "UsageError",
    "Problem",
]


@dataclass(frozen=True)
class Problem:
    """One problem found in input data.

    Attributes
    ----------
    table : str
        Table (or instrument, or form) the problem belongs to.
    row : int or None
        Row number as the user sees it (line in a CSV file, row in a sheet,
        1-based position in a frame), or ``None`` when the problem is not
        tied to a row.
    column : str or None
        Column (or field) name, or ``None``.
    value : object
        The offending value, shown with ``repr``.
    allowed : str
        What would have been accepted, or what to do.
    source : str or None
        File the data came from, when known.
    """

    table: str
    row: int | None
    column: str | None
    value: object
    allowed: str
    source: str | None = None

    def __str__(self) -> str:
        where = []
        if self.source:
            where.append(str(self.source))
        loc = self.table
        if self.row is not None:
            loc += f" row {self.row}"
        if self.column is not None:
            loc += f", column {self.column!r}"
        where.append(loc)
        head = ": ".join(where)
        if self.value is None:
            return f"{head}: {self.allowed}"
        return f"{head}: {_short_repr(self.value)} is not allowed; {self.allowed}"


def _short_repr(value: object, limit: int = 60) -> str:
    """``repr`` of a cell as the user wrote it: a numpy scalar (``np.float64(inf)``,
    ``np.int64(7)``) is shown as the plain number it holds.

    >>> import numpy as np
    >>> _short_repr(np.float64("inf")), _short_repr(np.int64(7)), _short_repr("x" * 70)[-5:]
    ('inf', '7', 'xx...')
    """
    if type(value).__module__ == "numpy" and hasattr(value, "item"):
        value = value.item()
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class CocopeError(Exception):
    """Base class of every error cocope_kit raises on bad input."""


class ValidationError(CocopeError, ValueError):
    """Input data broke one or more rules; ``problems`` lists every one.

    Parameters
    ----------
    problems : sequence of Problem
        All problems found (never only the first).
    context : str, optional
        A short phrase saying what was being checked.
    """

    max_listed = 20

    def __init__(self, problems: Sequence[Problem], context: str | None = None):
        self.problems = list(problems)
        self.context = context
        super().__init__(self._message())

    def _message(self) -> str:
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''}"
        if self.context:
            head += f" in {self.context}"
        lines = [head + ":"]
        lines += [f"  - {p}" for p in self.problems[: self.max_listed]]
        if n > self.max_listed:
            lines.append(f"  ... and {n - self.max_listed} more")
        return "\n".join(lines)


class StoreError(CocopeError):
    """The store cannot do what was asked (missing file, unknown id, newer schema, ...)."""


class MergeConflictError(StoreError):
    """Two stores hold the same id with different content.

    ``conflicts`` is a list of ``(table, key, column, ours, theirs)`` tuples;
    ``problems`` the :class:`Problem` s of the source's new rows found beside them.
    """

    def __init__(self, conflicts: Sequence[tuple], source: str | None = None, *,
                 problems: Sequence[Problem] = ()):
        self.conflicts = list(conflicts)
        self.problems = list(problems)
        n = len(self.conflicts)
        lines = [
            f"{n} id collision{'s' if n != 1 else ''} with different content"
            + (f" in {source}" if source else "")
            + "; nothing was merged:"
        ]
        for table, key, column, ours, theirs in self.conflicts[:20]:
            lines.append(
                f"  - {table} {key}: column {column!r} is {ours!r} here but {theirs!r} there"
            )
        if n > 20:
            lines.append(f"  ... and {n - 20} more")
        if self.problems:
            m = len(self.problems)
            lines.append(f"and {m} problem{'s' if m != 1 else ''} in the new rows:")
            lines += [f"  - {p}" for p in self.problems[:20]]
            if m > 20:
                lines.append(f"  ... and {m - 20} more")
        super().__init__("\n".join(lines))


class InstrumentError(ValidationError):
    """An instrument file is malformed; ``problems`` lists every issue."""


class UsageError(CocopeError):
    """A function or command was called with arguments it does not accept."""
