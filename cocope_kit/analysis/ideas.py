"""Ideas of meeting 1 (Domain): the board of ideas, a shortlist by votes, a summary.

Functions take rows of the ``idea`` table (what ``store.read("idea")`` returns,
or a frame a researcher built with text columns; coerced with
:func:`cocope_kit.schema.typed`, blank votes count as 0).

Examples
--------
>>> import pandas as pd
>>> from cocope_kit.analysis.ideas import shortlist
>>> ideas = pd.DataFrame({"idea_id": ["i1", "i2", "i3"], "cop_id": "c1",
...                       "kind": ["approach", "approach", "challenge"],
...                       "text": ["Buddy bench", "Games corner", "Lonely breaks"],
...                       "votes": [2, 5, 9]})
>>> shortlist(ideas, n=1)[["idea_id", "text", "votes"]]
  idea_id          text  votes
0      i2  Games corner      5
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..errors import UsageError
from ..model import IdeaKind, values
from ..schema import TEXT_DTYPE
from ._util import _frame

__all__ = ["idea_board", "shortlist", "idea_summary"]

_KINDS = values(IdeaKind)
_KIND_ORDER = {k: i for i, k in enumerate(_KINDS)}


def _ideas(ideas: pd.DataFrame) -> pd.DataFrame:
    df = _frame("idea", ideas, param="ideas", need=("idea_id", "cop_id", "kind"))
    df = df.dropna(subset=["idea_id"]).drop_duplicates("idea_id").copy()
    df["votes"] = df["votes"].fillna(0).astype("int64")
    return df


def _kind_rank(kind: pd.Series) -> pd.Series:
    """Meeting order of kinds (challenge first); unknown kinds after, alphabetically."""
    return kind.map(_KIND_ORDER).fillna(len(_KINDS)).astype("int64")


def _board_columns(df: pd.DataFrame, rank: pd.Series) -> pd.DataFrame:
    return pd.DataFrame({
        "cop_id": df["cop_id"].astype(TEXT_DTYPE).to_numpy(),
        "kind": df["kind"].astype(TEXT_DTYPE).to_numpy(),
        "idea_id": df["idea_id"].astype(TEXT_DTYPE).to_numpy(),
        "text": df["text"].astype(TEXT_DTYPE).to_numpy(),
        "votes": df["votes"].to_numpy(dtype="int64"),
        "rank": rank.to_numpy(dtype="int64"),
    })


def idea_board(ideas: pd.DataFrame) -> pd.DataFrame:
    """All ideas, ranked by votes within each CoP and kind.

    Parameters
    ----------
    ideas : pandas.DataFrame
        Rows of the ``idea`` table.

    Returns
    -------
    pandas.DataFrame
        Columns ``cop_id, kind, idea_id, text, votes, rank``, sorted by
        ``cop_id``, kind in meeting order (challenge, perspective,
        connection, approach, inspiration), ``rank``, ``idea_id``. ``rank``
        is 1 for the most votes; ideas with equal votes share a rank and the
        next rank is skipped (1, 2, 2, 4: "competition" ranking).

    Examples
    --------
    >>> import pandas as pd
    >>> ideas = pd.DataFrame({"idea_id": ["i1", "i2", "i3", "i4"], "cop_id": "c1",
    ...     "kind": ["approach", "approach", "approach", "challenge"],
    ...     "text": ["Buddy bench", "Games corner", "Quiet room", "Lonely breaks"],
    ...     "votes": [5, 2, 5, 1]})
    >>> idea_board(ideas)
      cop_id       kind idea_id           text  votes  rank
    0     c1  challenge      i4  Lonely breaks      1     1
    1     c1   approach      i1    Buddy bench      5     1
    2     c1   approach      i3     Quiet room      5     1
    3     c1   approach      i2   Games corner      2     3
    """
    df = _ideas(ideas)
    df["rank"] = (df.groupby(["cop_id", "kind"], dropna=False)["votes"]
                  .rank(method="min", ascending=False).astype("int64"))
    df["_k"] = _kind_rank(df["kind"])
    df = df.sort_values(["cop_id", "_k", "kind", "rank", "idea_id"], kind="mergesort")
    return _board_columns(df, df["rank"])


def shortlist(
    ideas: pd.DataFrame, *, n: int = 3, kinds: Sequence[str] | str | None = ("approach",)
) -> pd.DataFrame:
    """The ``n`` ideas with most votes per CoP, e.g. the promising approaches.

    Parameters
    ----------
    ideas : pandas.DataFrame
        Rows of the ``idea`` table.
    n : int, default 3
        How many ideas per CoP.
    kinds : str or sequence of str or None, default ("approach",)
        Kinds of idea to choose from; ``None`` for all kinds.

    Returns
    -------
    pandas.DataFrame
        Columns ``cop_id, kind, idea_id, text, votes, rank``: at most ``n``
        rows per ``cop_id``, most votes first; equal votes are ordered by
        ``idea_id`` and ``rank`` is the position 1..n.

    Raises
    ------
    UsageError
        If ``n`` is not a positive whole number or a kind is unknown.

    Examples
    --------
    >>> import pandas as pd
    >>> ideas = pd.DataFrame({"idea_id": ["i1", "i2", "i3"], "cop_id": ["c1", "c1", "c2"],
    ...     "kind": "approach", "text": ["Buddy bench", "Games corner", "Quiet room"],
    ...     "votes": [5, 5, 1]})
    >>> shortlist(ideas, n=1)
      cop_id      kind idea_id         text  votes  rank
    0     c1  approach      i1  Buddy bench      5     1
    1     c2  approach      i3   Quiet room      1     1
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise UsageError(f"n must be a whole number of at least 1, got {n!r}")
    if isinstance(kinds, str):
        kinds = (kinds,)
    df = _ideas(ideas)
    if kinds is not None:
        kinds = tuple(kinds)
        unknown = [k for k in kinds if k not in _KINDS]
        if unknown:
            raise UsageError(f"kinds: unknown kind(s) {', '.join(map(repr, unknown))}; "
                             f"one of: {', '.join(_KINDS)}")
        df = df[df["kind"].isin(kinds)]
    df = df.sort_values(["cop_id", "votes", "idea_id"], ascending=[True, False, True],
                        kind="mergesort")
    pos = df.groupby("cop_id", dropna=False).cumcount() + 1
    keep = pos <= n
    return _board_columns(df[keep], pos[keep])


def idea_summary(ideas: pd.DataFrame) -> pd.DataFrame:
    """Number of ideas and votes per CoP and kind.

    Parameters
    ----------
    ideas : pandas.DataFrame
        Rows of the ``idea`` table.

    Returns
    -------
    pandas.DataFrame
        Columns ``cop_id, kind, ideas, votes``: one row for every CoP and
        each of the five kinds (in meeting order), with 0 where a CoP has no
        idea of a kind, so charts show empty categories too. Kinds outside
        the vocabulary (in a hand-built frame) get rows after the five.

    Examples
    --------
    >>> import pandas as pd
    >>> ideas = pd.DataFrame({"idea_id": ["i1", "i2", "i3"], "cop_id": "c1",
    ...     "kind": ["approach", "approach", "challenge"], "text": ["a", "b", "c"],
    ...     "votes": [2, 3, 4]})
    >>> idea_summary(ideas)
      cop_id         kind  ideas  votes
    0     c1    challenge      1      4
    1     c1  perspective      0      0
    2     c1   connection      0      0
    3     c1     approach      2      5
    4     c1  inspiration      0      0
    """
    df = _ideas(ideas)
    df = df[df["cop_id"].notna() & df["kind"].notna()]
    kinds = list(_KINDS) + sorted(set(df["kind"]) - set(_KINDS))
    cops = sorted(set(df["cop_id"]))
    grid = pd.MultiIndex.from_product([cops, kinds], names=["cop_id", "kind"])
    agg = df.groupby(["cop_id", "kind"]).agg(ideas=("idea_id", "size"), votes=("votes", "sum"))
    agg = agg.reindex(grid, fill_value=0).reset_index()
    return pd.DataFrame({
        "cop_id": agg["cop_id"].astype(TEXT_DTYPE),
        "kind": agg["kind"].astype(TEXT_DTYPE),
        "ideas": agg["ideas"].astype("int64"),
        "votes": agg["votes"].astype("int64"),
    })
