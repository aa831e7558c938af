"""Rules across tables that need the rows already in the store.

:meth:`Store.write <cocope_kit.store.Store.write>` (and so insert, import, merge
and the forms) and :meth:`Store.update <cocope_kit.store.Store.update>` run
these after the per-table checks of :func:`cocope_kit.schema.validate`:

* **pair ratings within one CoP**: the rater and the rated member are members
  of the rating's CoP (a member moved to another CoP takes no ratings along);
* **survey rows fit their instrument** and **one spelling per wave**: see
  :mod:`cocope_kit.answer_checks`;
* **a plan without circles**: a new dependency that closes a circle of steps
  (``a`` waits for ``b`` waits for ``a``) is refused, with the circle named;
  the cycle search is the plan analysis' own
  (:func:`cocope_kit.analysis.plan.validate_plan`), so a store that passed
  these checks never makes a schedule or a report fail.

Every problem names the table, row, column and the value as written.

Examples
--------
>>> import cocope_kit as ck
>>> from cocope_kit.demo import write_demo
>>> store = write_demo(ck.open_store(":memory:"), n_cops=1)
>>> dep = store.read("action_dependency").iloc[0]
>>> store.insert("action_dependency", {"action_id": dep.depends_on_id,
...                                    "depends_on_id": dep.action_id})
Traceback (most recent call last):
...
cocope_kit.errors.ValidationError: 1 problem in table 'action_dependency':
  - action_dependency row 1, column 'depends_on_id': 'be-gent:a2' is not allowed; this dependency closes a circle: ... → ... → ...
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd

from .errors import Problem

__all__ = ["cross_table_problems"]


def cross_table_problems(
    store,
    typed: Mapping[str, pd.DataFrame],
    raw: Mapping[str, pd.DataFrame],
    row_number: Callable[[str, int], int],
    source: str | None = None,
) -> list[Problem]:
    """Problems of rows that passed their table's checks, against each other and the store.

    Parameters
    ----------
    store : Store
        Read with ``read(table, where=...)`` only.
    typed : mapping of table name to frame
        Rows of the batch as :func:`cocope_kit.schema.validate` returned them.
    raw : mapping of table name to frame
        The same rows as written (index ``0..n-1``), for the messages.
    row_number : callable
        ``row_number(table, pos)`` gives the row the user sees.
    source : str, optional
        File or store the rows came from.

    Returns
    -------
    list of Problem
    """
    problems: list[Problem] = []
    if "response" in typed or "answer" in typed:  # instruments, items, scales (answer_checks)
        from .answer_checks import instrument_problems, wave_problems

        problems += instrument_problems(store, typed, raw, row_number, source)
        problems += wave_problems(store, typed, raw, row_number, source)
    elif "pair_rating" in typed:
        from .answer_checks import wave_problems

        problems += wave_problems(store, typed, raw, row_number, source)
    if "pair_rating" in typed:
        problems += _ratings_within_cop(store, typed, raw, row_number, source)
    if "member" in typed:
        problems += _members_keep_their_ratings(store, typed["member"], raw.get("member"),
                                                row_number, source)
    if "action_dependency" in typed:
        problems += _no_circles(store, typed["action_dependency"], raw.get("action_dependency"),
                                row_number, source)
    return problems


def _cell(raw: pd.DataFrame | None, typed: pd.DataFrame, column: str, pos: int):
    if raw is not None and column in raw.columns:
        return raw[column].iloc[pos]
    return typed[column].iloc[pos]


def _ratings_within_cop(store, typed, raw, row_number, source) -> list[Problem]:
    pr = typed["pair_rating"]
    people = pd.unique(pd.concat([pr["rater_id"], pr["ratee_id"]]).dropna().astype(str))
    cop_of: dict[str, str] = {}
    if len(people):
        known = store.read("member", where={"member_id": list(people)})
        cop_of.update(zip(known["member_id"], known["cop_id"], strict=True))
    if "member" in typed:  # members added in the same batch
        cop_of.update(zip(typed["member"]["member_id"], typed["member"]["cop_id"], strict=True))
    out = []
    for pos, (cop, rater, ratee) in enumerate(
            pr[["cop_id", "rater_id", "ratee_id"]].itertuples(index=False, name=None)):
        for column, who in (("rater_id", rater), ("ratee_id", ratee)):
            theirs = cop_of.get(who)
            if theirs is not None and theirs != cop:
                out.append(Problem(
                    "pair_rating", row_number("pair_rating", pos), column,
                    _cell(raw.get("pair_rating"), pr, column, pos),
                    f"pair ratings stay within one CoP: this member belongs to {theirs!r}, "
                    f"the rating to {cop!r}", source))
    return out


def _members_keep_their_ratings(store, members, raw, row_number, source) -> list[Problem]:
    """A member whose CoP changes (update) may not leave pair ratings in the old CoP."""
    ids = list(members["member_id"].dropna())
    if not ids:
        return []
    new_cop = dict(zip(members["member_id"], members["cop_id"], strict=True))
    given = store.read("pair_rating", where={"rater_id": ids})
    got = store.read("pair_rating", where={"ratee_id": ids})
    out = []
    for pos, mid in enumerate(members["member_id"]):
        cops = set(given.loc[given.rater_id == mid, "cop_id"]) | set(got.loc[got.ratee_id == mid,
                                                                             "cop_id"])
        other = sorted(c for c in cops if c != new_cop[mid])
        if other:
            out.append(Problem(
                "member", row_number("member", pos), "cop_id", _cell(raw, members, "cop_id", pos),
                f"this member has pair ratings in CoP {other[0]!r}, and pair ratings stay within "
                "one CoP; delete those ratings first", source))
    return out


def _no_circles(store, deps, raw, row_number, source) -> list[Problem]:
    from .analysis.plan import _find_cycles, _path  # the plan analysis' own cycle search

    actions = pd.unique(pd.concat([deps["action_id"], deps["depends_on_id"]]).dropna())
    if not len(actions):
        return []
    # the circle can only run through steps of the CoPs these steps belong to
    cops = store.read("action", where={"action_id": list(actions)})["cop_id"].dropna().unique()
    in_cops = store.read("action", where={"cop_id": list(cops)})["action_id"]
    old = store.read("action_dependency", where={"action_id": list(in_cops) + list(actions)})
    new_edges = {}
    for pos, (a, b) in enumerate(deps[["action_id", "depends_on_id"]].itertuples(index=False,
                                                                                  name=None)):
        new_edges.setdefault((a, b), pos)
    edges = set(zip(old["action_id"], old["depends_on_id"], strict=True)) | set(new_edges)
    nodes = sorted({v for e in edges for v in e})
    succ: dict = {v: set() for v in nodes}
    for a, b in edges:  # b comes before a
        succ[b].add(a)
    out, named = [], set()
    for cycle in _find_cycles(nodes, succ):
        ring = list(cycle) + [cycle[0]]
        on_it = [new_edges[(ring[i + 1], ring[i])] for i in range(len(cycle))
                 if (ring[i + 1], ring[i]) in new_edges]
        if not on_it:
            continue  # an old circle (a store from before these checks); not this batch's doing
        pos = min(on_it)
        if pos in named:
            continue
        named.add(pos)
        out.append(Problem(
            "action_dependency", row_number("action_dependency", pos), "depends_on_id",
            _cell(raw, deps, "depends_on_id", pos),
            f"this dependency closes a circle: {_path(cycle)} ('→' = comes before); "
            "a plan needs steps that can be done one after another", source))
    return out
