"""Value creation: value-creation stories by cycle, and participatory feedback on results.

A value-creation story (Wenger, Trayner & de Laat 2011) follows one change
through five *cycles*: immediate value (activities and interactions),
potential value (knowledge capital), applied value (changes in practice),
realized value (performance improvement) and reframing value (redefining
success). The ``value_story`` table keeps one text per cycle; a cycle is
*filled* when its text is not blank.

Examples
--------
>>> from cocope_kit.demo import demo_tables
>>> from cocope_kit.analysis import value_stories
>>> t = demo_tables()
>>> value_stories(t["value_story"], t["cop"])[["cop_id", "stories", "realized", "reframing"]]
      cop_id  stories  realized  reframing
0    at-graz        1         1          1
1    be-gent        1         1          1
2   pt-porto        1         1          1
3  sk-kosice        1         1          1
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..model import Verdict, values
from ..schema import TEXT_DTYPE
from .load import COP_COLUMNS, _by, _codes, _frame, _grouped, _with_cop

__all__ = ["VALUE_CYCLES", "value_stories", "story_cycles", "feedback_summary"]

VALUE_CYCLES: tuple[str, ...] = ("immediate", "potential", "applied", "realized", "reframing")
"""The five cycles of value creation, in order (Wenger, Trayner & de Laat 2011)."""

_VERDICTS = values(Verdict)


def _stories(value_story: pd.DataFrame) -> pd.DataFrame:
    vs = _frame("value_story", value_story, param="value_story", need=("story_id", "cop_id"))
    vs = vs.dropna(subset=["story_id"]).drop_duplicates("story_id", keep="last")
    for c in VALUE_CYCLES:
        vs[c] = vs[c].where(vs[c].str.strip().str.len() > 0)
    return vs.reset_index(drop=True)


def value_stories(
    value_story: pd.DataFrame,
    cop: pd.DataFrame | None = None,
    *,
    by: str | Sequence[str] = ("cop_id",),
) -> pd.DataFrame:
    """How far the value-creation stories of each CoP reach, cycle by cycle.

    Parameters
    ----------
    value_story : pandas.DataFrame
        Rows of the ``value_story`` table.
    cop : pandas.DataFrame, optional
        Rows of the ``cop`` table: every CoP gets a row (0 stories when it has
        none), and ``by`` may use ``school, country, language, cycle`` (the
        CoP's cycle number: 1 for the first cycle, 2 for the next, ...).
    by : str or sequence of str, default ("cop_id",)
        Any of ``cop_id`` and (with ``cop``) ``school, country, language,
        cycle``; ``()`` for all stories together.

    Returns
    -------
    pandas.DataFrame
        One row per group, sorted: the ``by`` columns, ``stories`` (int),
        then per value-creation cycle the number of stories with that cycle
        filled: ``immediate, potential, applied, realized, reframing`` (int),
        ``mean_cycles`` (mean number of filled cycles per story, 0-5) and
        ``share_realized`` (share of stories that reach realized value).

    Examples
    --------
    >>> import pandas as pd
    >>> vs = pd.DataFrame({"story_id": ["s1", "s2"], "cop_id": "c", "author_id": ["a", "b"],
    ...                    "immediate": ["fun", "met parents"], "potential": ["skills", None],
    ...                    "applied": ["new games", "  "]})
    >>> value_stories(vs)[["stories", "immediate", "potential", "applied", "realized",
    ...                    "mean_cycles"]]
       stories  immediate  potential  applied  realized  mean_cycles
    0        2          2          1        1         0          2.0
    """
    keys = _by(by, ("cop_id", *COP_COLUMNS))
    vs = _stories(value_story)
    filled = vs[list(VALUE_CYCLES)].notna().astype("int64")
    vs = pd.concat([vs[["story_id", "cop_id"]], filled], axis=1)
    vs["_n"] = filled.sum(axis=1)
    vs["_one"] = 1
    if cop is not None:
        c = _frame("cop", cop, param="cop", need=("cop_id",))
        c = c.dropna(subset=["cop_id"]).drop_duplicates("cop_id")
        extra = c.loc[~c["cop_id"].isin(vs["cop_id"]).to_numpy(), ["cop_id"]]
        empty = extra.assign(story_id=None, _n=0, _one=0, **{k: 0 for k in VALUE_CYCLES})
        vs = pd.concat([vs, empty[vs.columns]], ignore_index=True)
    vs = _with_cop(vs, keys, cop)
    out = _grouped(vs, keys, stories=("_one", "sum"), **{k: (k, "sum") for k in VALUE_CYCLES},
                   _n=("_n", "sum"))
    out[["stories", *VALUE_CYCLES]] = out[["stories", *VALUE_CYCLES]].astype("int64")
    den = out["stories"].where(out["stories"] > 0)
    out["mean_cycles"] = (out["_n"] / den).astype(float)
    out["share_realized"] = (out["realized"] / den).astype(float)
    return out.drop(columns="_n")


def story_cycles(value_story: pd.DataFrame) -> pd.DataFrame:
    """The stories in long form, one row per filled cycle, for reading them cycle by cycle.

    Parameters
    ----------
    value_story : pandas.DataFrame
        Rows of the ``value_story`` table.

    Returns
    -------
    pandas.DataFrame
        Sorted by ``cop_id, story_id`` and cycle order: ``cop_id, story_id,
        author_id, cycle`` (one of :data:`VALUE_CYCLES`), ``step`` (int,
        1-5) and ``text``.

    Examples
    --------
    >>> import pandas as pd
    >>> vs = pd.DataFrame({"story_id": ["s1"], "cop_id": "c", "author_id": "a",
    ...                    "immediate": ["fun"], "realized": ["less conflict"]})
    >>> story_cycles(vs)[["cycle", "step", "text"]]
           cycle  step           text
    0  immediate     1            fun
    1   realized     4  less conflict
    """
    vs = _stories(value_story)
    long = vs.melt(id_vars=["cop_id", "story_id", "author_id"], value_vars=list(VALUE_CYCLES),
                   var_name="cycle", value_name="text").dropna(subset=["text"])
    step = {c: i for i, c in enumerate(VALUE_CYCLES, start=1)}
    long = long.assign(step=long["cycle"].map(step).astype("int64"))
    long = long.sort_values(["cop_id", "story_id", "step"], kind="mergesort")
    out = pd.DataFrame({c: long[c].astype(TEXT_DTYPE).to_numpy()
                        for c in ("cop_id", "story_id", "author_id", "cycle")})
    out["step"] = long["step"].to_numpy(dtype="int64")
    out["text"] = pd.Series(long["text"].to_numpy(), dtype=TEXT_DTYPE)
    return out


def feedback_summary(
    result_feedback: pd.DataFrame,
    *,
    by: str | Sequence[str] = ("cop_id",),
    cop: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Participatory evaluation: do the results match the members' experience?

    Parameters
    ----------
    result_feedback : pandas.DataFrame
        Rows of the ``result_feedback`` table.
    by : str or sequence of str, default ("cop_id",)
        Any of ``cop_id`` and (with ``cop``) ``school, country, language,
        cycle``; ``result_key`` is always added.
    cop : pandas.DataFrame, optional
        Rows of the ``cop`` table (for school, country, ...).

    Returns
    -------
    pandas.DataFrame
        One row per group and result, sorted: the ``by`` columns,
        ``result_key``, then ``n`` (int: verdicts), ``matches``, ``partly``,
        ``does_not_match`` (int), ``share_matches``, ``share_partly``,
        ``share_does_not_match``, ``n_comments`` (int) and ``comments`` (a
        tuple of the non-blank comments, in input order). Rows with a blank
        or unknown verdict are left out.

    Examples
    --------
    >>> import pandas as pd
    >>> fb = pd.DataFrame({"feedback_id": list("abc"), "cop_id": "c",
    ...                    "result_key": "goal_progress",
    ...                    "verdict": ["matches", "partly", "matches"],
    ...                    "comment": [None, "slower than shown", " "]})
    >>> out = feedback_summary(fb)
    >>> out[["result_key", "n", "matches", "share_matches", "comments"]]
          result_key  n  matches  share_matches               comments
    0  goal_progress  3        2       0.666667  (slower than shown,)
    """
    keys = _by(by, ("cop_id", *COP_COLUMNS), add=("result_key",))
    fb = _frame("result_feedback", result_feedback, param="result_feedback",
                need=("cop_id", "result_key", "verdict"))
    fb = fb[fb["verdict"].isin(_VERDICTS).to_numpy()].reset_index(drop=True)
    fb = _with_cop(fb, keys, cop)
    comment = fb["comment"].where(fb["comment"].str.strip().str.len() > 0)
    fb = fb.assign(_comment=comment.astype(object), _has=comment.notna().astype("int64"),
                   **{f"_{v}": (fb["verdict"] == v).astype("int64") for v in _VERDICTS})
    out = _grouped(fb, keys, n=("verdict", "size"),
                   **{v: (f"_{v}", "sum") for v in _VERDICTS},
                   n_comments=("_has", "sum"))
    # the comments of each group as a tuple: one split of the sorted comments, no groupby-apply
    codes, table = _codes(fb, keys)
    has = comment.notna().to_numpy()
    g = codes[has]
    order = np.argsort(g, kind="stable")
    text = comment.to_numpy(dtype=object)[has][order]
    bounds = np.cumsum(np.bincount(g, minlength=len(table)))[:-1]
    out["comments"] = pd.Series([tuple(x) for x in np.split(text, bounds)], dtype=object)
    ints = ["n", *_VERDICTS, "n_comments"]
    out[ints] = out[ints].astype("int64")
    for v in _VERDICTS:
        out[f"share_{v}"] = (out[v] / out["n"].where(out["n"] > 0)).astype(float)
    cols = [*keys, "n", *_VERDICTS, *(f"share_{v}" for v in _VERDICTS), "n_comments",
            "comments"]
    return out[cols]

