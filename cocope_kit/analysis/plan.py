"""The action plan of meeting 2 (Community): checks, schedule, progress, responsibility.

Every function takes frames shaped like the store tables ``action``,
``action_owner``, ``action_dependency`` and ``member`` (what ``store.read(table)``
returns, or a frame a researcher built with text columns; both are coerced with
:func:`cocope_kit.schema.typed`) and returns a tidy frame with the columns listed
in its docstring.

A dependency row ``(action_id, depends_on_id)`` means *depends_on_id must be
done before action_id starts* (finish-to-start). In messages an arrow
``a → b`` reads "a comes before b".

Examples
--------
>>> import pandas as pd
>>> from cocope_kit.analysis.plan import validate_plan
>>> actions = pd.DataFrame({"action_id": ["a1", "a2"], "cop_id": "c1", "title": ["Map", "Games"],
...                         "start_on": ["2026-03-01", "2026-03-05"],
...                         "due_on": ["2026-03-10", "2026-03-20"]})
>>> owners = pd.DataFrame({"action_id": ["a1"], "member_id": ["m1"]})
>>> deps = pd.DataFrame({"action_id": ["a2"], "depends_on_id": ["a1"]})
>>> validate_plan(actions, owners, deps)[["problem", "action_id"]]
                         problem action_id
0  starts_before_dependency_ends        a2
1                       no_owner        a2
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence

import numpy as np
import pandas as pd

from ..errors import Problem, UsageError, ValidationError
from ..model import ActionStatus, values
from ..schema import TEXT_DTYPE
from ._util import _as_date, _day, _frame, _text

__all__ = [
    "PLAN_PROBLEMS",
    "validate_plan",
    "schedule",
    "plan_progress",
    "step_status",
    "responsibility_matrix",
    "plan_indicators",
]

PLAN_PROBLEMS: tuple[str, ...] = (
    "cycle",
    "unknown_step",
    "starts_before_dependency_ends",
    "no_owner",
    "overloaded_member",
    "due_after_goal_deadline",
    "dates_out_of_order",
    "missing_dates",
)
"""Kinds of problem :func:`validate_plan` reports, in the order its rows are sorted."""

MAX_CYCLES = 200
"""At most this many elementary cycles are enumerated (Johnson's algorithm); beyond
that, every step on a cycle is still reported with one shortest cycle through it."""

_STATUSES = values(ActionStatus)
_DAY = pd.Timedelta(days=1)


# ---------------------------------------------------------------------------
# helpers shared by the analysis modules
# ---------------------------------------------------------------------------


def _check_status(actions: pd.DataFrame) -> pd.Series:
    """Status with blanks read as ``planned``; unknown values raise a ValidationError."""
    status = actions["status"].fillna("planned")
    bad = ~status.isin(_STATUSES)
    if bad.any():
        problems = [
            Problem("action", int(i) + 1, "status", status.iloc[i],
                    f"one of: {', '.join(_STATUSES)}")
            for i in np.flatnonzero(bad.to_numpy())
        ]
        raise ValidationError(problems, "table 'action'")
    return status


# ---------------------------------------------------------------------------
# graph algorithms (plain Python; plans have tens of steps, the scale data thousands)
# ---------------------------------------------------------------------------


def _sccs(nodes: Sequence[Hashable], succ: Mapping[Hashable, Sequence[Hashable]]) -> list[list]:
    """Strongly connected components (Tarjan 1972, iterative)."""
    index: dict = {}
    low: dict = {}
    on_stack: set = set()
    stack: list = []
    out: list[list] = []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work = [(root, iter(succ.get(root, ())))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            v, it = work[-1]
            advanced = False
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(succ.get(w, ()))))
                    advanced = True
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                out.append(comp)
    return out


def _johnson(succ: Mapping[Hashable, set], component: Iterable) -> Iterator[list]:
    """Elementary cycles inside one strongly connected component (Johnson 1975)."""
    todo = [sorted(component)]
    while todo:
        comp = todo.pop()
        members = set(comp)
        graph = {v: sorted(w for w in succ.get(v, ()) if w in members) for v in comp}
        start = comp[0]
        path = [start]
        blocked = {start}
        closed: set = set()
        blocked_by: dict = defaultdict(set)
        stack = [(start, list(reversed(graph[start])))]
        while stack:
            node, nbrs = stack[-1]
            if nbrs:
                nxt = nbrs.pop()
                if nxt == start:
                    yield list(path)
                    closed.update(path)
                elif nxt not in blocked:
                    path.append(nxt)
                    stack.append((nxt, list(reversed(graph[nxt]))))
                    closed.discard(nxt)
                    blocked.add(nxt)
                    continue
            if not nbrs:
                if node in closed:
                    pending = {node}
                    while pending:
                        u = pending.pop()
                        if u in blocked:
                            blocked.discard(u)
                            pending.update(blocked_by[u])
                            blocked_by[u].clear()
                else:
                    for w in graph[node]:
                        blocked_by[w].add(node)
                stack.pop()
                path.pop()
        rest = comp[1:]
        sub = {v: [w for w in graph[v] if w != start] for v in rest}
        todo.extend(sorted(c) for c in _sccs(rest, sub) if len(c) > 1)


def _shortest_cycle_through(succ: Mapping[Hashable, set], node: Hashable, members: set) -> list:
    """A shortest cycle through ``node`` inside ``members`` (breadth-first search)."""
    parent = {node: None}
    queue = [node]
    for v in queue:
        for w in sorted(succ.get(v, ())):
            if w not in members:
                continue
            if w == node:
                path = [v]
                while parent[path[-1]] is not None:
                    path.append(parent[path[-1]])
                return path[::-1]
            if w not in parent:
                parent[w] = v
                queue.append(w)
    return [node]  # pragma: no cover - node is on a cycle by construction


def _canonical(cycle: list) -> tuple:
    i = cycle.index(min(cycle))
    return tuple(cycle[i:] + cycle[:i])


def _cyclic_core(succ: Mapping[Hashable, set]) -> set:
    """The nodes left after taking away, again and again, every node that no edge leaves
    or no edge enters (Kahn's peeling): those cannot lie on a cycle, so in a plan without
    cycles nothing is left and no component search is needed.

    >>> sorted(_cyclic_core({"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set()}))
    ['a', 'b', 'c']
    """
    pred: dict[Hashable, set] = {v: set() for v in succ}
    for v, ws in succ.items():
        for w in ws:
            pred.setdefault(w, set()).add(v)
    out_deg = {v: len(succ.get(v, ())) for v in pred}
    in_deg = {v: len(ps) for v, ps in pred.items()}
    gone: set = set()
    todo = [v for v in pred if out_deg[v] == 0 or in_deg[v] == 0]
    while todo:
        v = todo.pop()
        if v in gone:
            continue
        gone.add(v)
        for w in succ.get(v, ()):
            in_deg[w] -= 1
            if in_deg[w] == 0 and w not in gone:
                todo.append(w)
        for u in pred[v]:
            out_deg[u] -= 1
            if out_deg[u] == 0 and u not in gone:
                todo.append(u)
    return set(pred) - gone


def _find_cycles(nodes: Sequence[Hashable], succ: Mapping[Hashable, set]) -> list[tuple]:
    """Elementary cycles, each rotated to start at its smallest id, sorted by length then ids.

    Every node on some cycle lies on at least one returned cycle, also when more
    than :data:`MAX_CYCLES` exist.
    """
    found: set[tuple] = set()
    cyclic: set = set()
    for v in nodes:
        if v in succ.get(v, ()):
            found.add((v,))
            cyclic.add(v)
    no_loops = {v: {w for w in succ.get(v, ()) if w != v} for v in nodes}
    core = _cyclic_core(no_loops)
    comps = [sorted(c) for c in _sccs(sorted(core), {v: sorted(no_loops[v] & core) for v in core})]
    comps = [c for c in comps if len(c) > 1]
    for comp in sorted(comps):
        cyclic.update(comp)
        for cycle in _johnson(no_loops, comp):
            found.add(_canonical(cycle))
            if len(found) >= MAX_CYCLES:
                break
        if len(found) >= MAX_CYCLES:
            break
    covered = {v for c in found for v in c}
    for comp in comps:
        members = set(comp)
        for v in comp:
            if v not in covered:
                cycle = _canonical(_shortest_cycle_through(no_loops, v, members))
                found.add(cycle)
                covered.update(cycle)
    return sorted(found, key=lambda c: (len(c), c))


def _path(cycle: tuple) -> str:
    return " → ".join(str(v) for v in cycle + (cycle[0],))


def _graph(actions: pd.DataFrame, deps: pd.DataFrame) -> tuple[list, dict[Hashable, set]]:
    """Nodes (action ids) and precedence successors ``depends_on_id → action_id`` among them."""
    ids = actions["action_id"].dropna().tolist()
    known = set(ids)
    ok = deps["action_id"].isin(known) & deps["depends_on_id"].isin(known)
    succ: dict[Hashable, set] = {v: set() for v in ids}
    for a, b in zip(deps.loc[ok, "action_id"].tolist(), deps.loc[ok, "depends_on_id"].tolist(),
                    strict=True):
        succ[b].add(a)
    return ids, succ


# ---------------------------------------------------------------------------
# validate_plan
# ---------------------------------------------------------------------------


def _deadline_per_action(goal_deadline: object, actions: pd.DataFrame) -> pd.Series:
    n = len(actions)
    if goal_deadline is None:
        return pd.Series(pd.NaT, index=actions.index, dtype="datetime64[ns]")
    if isinstance(goal_deadline, pd.DataFrame):
        goals = _frame("goal", goal_deadline, param="goal_deadline", need=("goal_id", "deadline"))
        by_goal = goals.dropna(subset=["goal_id"]).drop_duplicates("goal_id").set_index("goal_id")
        return actions["goal_id"].map(by_goal["deadline"]).astype("datetime64[ns]")
    day = _as_date(goal_deadline, "goal_deadline")
    return pd.Series([day] * n, index=actions.index, dtype="datetime64[ns]")


def _overloads(
    actions: pd.DataFrame, owners: pd.DataFrame, max_concurrent: int
) -> list[tuple[str, object, str, str]]:
    """Periods in which a member owns more than ``max_concurrent`` overlapping steps."""
    dated = actions[
        actions["start_on"].notna() & actions["due_on"].notna()
        & (actions["due_on"] >= actions["start_on"]) & (actions["_status"] != "dropped")
    ][["action_id", "start_on", "due_on"]]
    load = (owners[["action_id", "member_id"]].dropna().drop_duplicates()
            .merge(dated, on="action_id"))
    load = load[load.groupby("member_id")["action_id"].transform("size") > max_concurrent]
    if load.empty:
        return []
    # sweep line over all members at once: +1 on a step's first day, -1 the day after its last
    ev = pd.concat([
        pd.DataFrame({"member_id": load["member_id"], "day": load["start_on"], "delta": 1}),
        pd.DataFrame({"member_id": load["member_id"], "day": load["due_on"] + _DAY, "delta": -1}),
    ]).groupby(["member_id", "day"], sort=True)["delta"].sum().reset_index()
    ev["running"] = ev.groupby("member_id")["delta"].cumsum()
    ev["over"] = ev["running"] > max_concurrent
    # the count holds from one change day to the next; a run of overloaded days starts where
    # `over` switches on and ends the day before it switches off (the count ends at 0, so
    # every run ends within its member)
    before = ev.groupby("member_id")["over"].shift(fill_value=False).astype(bool)
    opens = ev["over"] & ~before
    ev["run"] = opens.cumsum()
    runs = pd.DataFrame({
        "member_id": ev.loc[opens, "member_id"].to_numpy(),
        "first": ev.loc[opens, "day"].to_numpy(),
        "last": (ev.loc[~ev["over"] & before, "day"] - _DAY).to_numpy(),
        "peak": ev[ev["over"]].groupby("run")["running"].max().to_numpy(),
        "run": ev.loc[opens, "run"].to_numpy(),
    })
    active = runs.merge(load, on="member_id")
    active = active[(active["start_on"] <= active["last"]) & (active["due_on"] >= active["first"])]
    steps = active.sort_values("action_id").groupby("run")["action_id"].agg(", ".join)
    rows = []
    for member, first, last, peak, run in runs.itertuples(index=False, name=None):
        when = f"on {_day(first)}" if first == last else f"from {_day(first)} to {_day(last)}"
        rows.append((
            "overloaded_member", np.nan,
            f"member {member!r} owns {int(peak)} steps at the same time {when} "
            f"({steps[run]}), more than max_concurrent={max_concurrent}; "
            "share one of them with someone else or move its dates",
            f"{member}|{_day(first)}",
        ))
    return rows


def validate_plan(
    actions: pd.DataFrame,
    owners: pd.DataFrame,
    dependencies: pd.DataFrame,
    *,
    goal_deadline: object = None,
    max_concurrent: int = 3,
) -> pd.DataFrame:
    """Check an action plan and list every problem, each with a hint.

    Parameters
    ----------
    actions : pandas.DataFrame
        Rows of the ``action`` table (one CoP or several).
    owners : pandas.DataFrame
        Rows of the ``action_owner`` table.
    dependencies : pandas.DataFrame
        Rows of the ``action_dependency`` table.
    goal_deadline : date-like or pandas.DataFrame, optional
        The goal's deadline (``"2026-06-30"``, a Timestamp), or the ``goal``
        table, whose ``deadline`` applies to the steps with that ``goal_id``.
    max_concurrent : int, default 3
        Most steps one member may own at the same time.

    Returns
    -------
    pandas.DataFrame
        Columns ``problem, action_id, message``; one row per problem, sorted by
        the kinds in :data:`PLAN_PROBLEMS`, then ``action_id`` (rows of one
        cycle, or of one member's overload, stay together). Empty (same
        columns) when the plan is fine.

    Raises
    ------
    UsageError
        If a frame lacks a key column, or ``max_concurrent`` is not a whole
        number of at least 1.
    ValidationError
        If a ``status`` is not one of planned, in_progress, done, dropped.

    Notes
    -----
    Kinds of problem:

    ``cycle``
        Steps wait for each other in a circle. Every elementary cycle is
        reported (Johnson's algorithm, up to :data:`MAX_CYCLES`), with one row
        per step on it whose message names the path ``a → b → c → a``
        (``→`` = "comes before"), starting at the smallest ``action_id``.
        A step depending on itself is a cycle ``a → a``.
    ``unknown_step``
        A dependency or owner row names a step that is not in ``actions``.
    ``starts_before_dependency_ends``
        ``start_on`` of a step is before ``due_on`` of a step it depends on
        (starting on that very day is fine).
    ``no_owner``
        Nobody is responsible for the step.
    ``overloaded_member``
        A member owns more than ``max_concurrent`` steps whose
        ``[start_on, due_on]`` (both days included) overlap on some day;
        ``action_id`` is empty, the message names the member, the days and
        the steps. One row per uninterrupted run of such days.
    ``due_after_goal_deadline``
        ``due_on`` is after the goal's deadline.
    ``dates_out_of_order``
        ``due_on`` (or ``done_on``) is before ``start_on``.
    ``missing_dates``
        ``start_on`` or ``due_on`` is blank.

    Dropped steps (``status == "dropped"``) stay in the dependency checks but
    are skipped by the owner, load and date checks.

    Examples
    --------
    >>> import pandas as pd
    >>> actions = pd.DataFrame({"action_id": ["a", "b", "c"], "cop_id": "c1",
    ...                         "title": ["A", "B", "C"], "start_on": "2026-03-01",
    ...                         "due_on": "2026-03-01"})
    >>> owners = pd.DataFrame({"action_id": ["a", "b", "c"], "member_id": "m1"})
    >>> deps = pd.DataFrame({"action_id": ["b", "c", "a"], "depends_on_id": ["a", "b", "c"]})
    >>> out = validate_plan(actions, owners, deps)
    >>> out.action_id.tolist()
    ['a', 'b', 'c']
    >>> print(out.message[0])
    circular dependency a → b → c → a ('→' = comes before); remove one of these dependencies
    """
    if (isinstance(max_concurrent, bool) or not isinstance(max_concurrent, (int, np.integer))
            or max_concurrent < 1):
        raise UsageError("max_concurrent must be a whole number of at least 1, "
                         f"got {max_concurrent!r}")
    act = _frame("action", actions, param="actions", need=("action_id",))
    own = _frame("action_owner", owners, param="owners", need=("action_id", "member_id"))
    dep = _frame("action_dependency", dependencies, param="dependencies",
                 need=("action_id", "depends_on_id"))
    _check_status(act)  # before dropping rows, so problems name the user's row numbers
    act = act.dropna(subset=["action_id"]).drop_duplicates("action_id").reset_index(drop=True)
    act["_status"] = _check_status(act)
    dep = dep.dropna(subset=["action_id", "depends_on_id"]).drop_duplicates()
    live = act["_status"] != "dropped"
    known = set(act["action_id"])
    rows: list[tuple[str, object, str, str]] = []  # (problem, action_id, message, group)

    # cycles
    ids, succ = _graph(act, dep)
    for i, cycle in enumerate(_find_cycles(ids, succ)):
        msg = (f"circular dependency {_path(cycle)} ('→' = comes before); "
               "remove one of these dependencies")
        rows += [("cycle", v, msg, f"{i:09d}") for v in sorted(cycle)]

    # unknown steps
    odd = ~(dep["action_id"].isin(known) & dep["depends_on_id"].isin(known))
    for a, b in zip(dep.loc[odd, "action_id"], dep.loc[odd, "depends_on_id"], strict=True):
        if a not in known:
            rows.append(("unknown_step", a,
                         f"a dependency is listed for step {a!r}, which is not in the plan "
                         f"(it depends on {b!r}); add the step or remove the dependency", ""))
        elif b not in known:
            rows.append(("unknown_step", a,
                         f"step {a!r} depends on {b!r}, which is not in the plan; "
                         "add that step or remove the dependency", ""))
    odd = own["action_id"].notna() & ~own["action_id"].isin(known)
    for a, m in zip(own.loc[odd, "action_id"], own.loc[odd, "member_id"], strict=True):
        if pd.notna(a) and a not in known:
            rows.append(("unknown_step", a,
                         f"member {m!r} is named as owner of step {a!r}, which is not in the plan",
                         ""))

    # starts before a dependency ends
    both = dep[dep["action_id"].isin(known) & dep["depends_on_id"].isin(known)
               & (dep["action_id"] != dep["depends_on_id"])]  # a self-dependency is a cycle
    dates = act.drop_duplicates("action_id").set_index("action_id")[["start_on", "due_on"]]
    # reindex, not Series.map: map of an empty Series onto datetimes raises in pandas
    start_on = pd.Series(dates["start_on"].reindex(both["action_id"]).to_numpy(), index=both.index)
    dep_due = pd.Series(dates["due_on"].reindex(both["depends_on_id"]).to_numpy(), index=both.index)
    early = (start_on < dep_due).to_numpy(dtype=bool)
    for a, b, s, d in zip(both["action_id"][early], both["depends_on_id"][early],
                          start_on[early], dep_due[early], strict=True):
        rows.append(("starts_before_dependency_ends", a,
                     f"step {a!r} starts on {_day(s)} but depends on {b!r}, due on {_day(d)}; "
                     f"start {a!r} on or after {_day(d)} or finish {b!r} earlier", ""))

    # no owner
    owned = set(own.loc[own["action_id"].notna() & own["member_id"].notna(), "action_id"].tolist())
    for a in act.loc[live & ~act["action_id"].isin(owned), "action_id"]:
        rows.append(("no_owner", a, f"nobody is responsible for step {a!r}; "
                                    "name at least one owner (responsibility can be shared)", ""))

    # overloaded members
    rows += _overloads(act, own, int(max_concurrent))

    # after the goal's deadline
    deadline = _deadline_per_action(goal_deadline, act)
    late = live & (act["due_on"] > deadline).fillna(False).astype(bool)
    for a, d, g in zip(act.loc[late, "action_id"], act.loc[late, "due_on"], deadline[late],
                       strict=True):
        rows.append(("due_after_goal_deadline", a,
                     f"step {a!r} is due on {_day(d)}, after the goal's deadline {_day(g)}; "
                     "bring it forward or check the deadline", ""))

    # dates out of order
    for col, word in (("due_on", "due"), ("done_on", "done")):
        bad = live & (act[col] < act["start_on"]).fillna(False).astype(bool)
        for a, s, d in zip(act.loc[bad, "action_id"], act.loc[bad, "start_on"], act.loc[bad, col],
                           strict=True):
            rows.append(("dates_out_of_order", a,
                         f"step {a!r} is {word} on {_day(d)}, before it starts on {_day(s)}; "
                         f"check {col} and start_on", ""))

    # missing dates
    gap = live & (act["start_on"].isna() | act["due_on"].isna())
    for a, s, d in zip(act.loc[gap, "action_id"], act.loc[gap, "start_on"],
                       act.loc[gap, "due_on"], strict=True):
        gaps = [c for c, v in (("start_on", s), ("due_on", d)) if pd.isna(v)]
        if gaps:
            rows.append(("missing_dates", a,
                         f"step {a!r} has no {' and no '.join(gaps)}; "
                         "agree when it starts and when it is due", ""))

    kind_rank = {k: i for i, k in enumerate(PLAN_PROBLEMS)}
    # by kind, then group (one cycle, one member's overload), then step, then message
    rows.sort(key=lambda r: (kind_rank[r[0]], r[3], "" if pd.isna(r[1]) else str(r[1]), r[2]))
    return pd.DataFrame({
        "problem": _text(r[0] for r in rows),
        "action_id": _text(r[1] for r in rows),
        "message": _text(r[2] for r in rows),
    })


# ---------------------------------------------------------------------------
# schedule
# ---------------------------------------------------------------------------


def _cycle_error(cycles: list[tuple]) -> ValidationError:
    problems = [
        Problem("action_dependency", None, None, None,
                f"circular dependency {_path(c)} ('→' = comes before); "
                "remove one of these dependencies")
        for c in cycles
    ]
    return ValidationError(problems, "the action plan (a schedule needs steps without cycles)")


def schedule(actions: pd.DataFrame, dependencies: pd.DataFrame) -> pd.DataFrame:
    """Order the steps, compute earliest dates, slack and the critical path.

    Parameters
    ----------
    actions : pandas.DataFrame
        Rows of the ``action`` table (one CoP or several).
    dependencies : pandas.DataFrame
        Rows of the ``action_dependency`` table. Rows naming a step that is
        not in ``actions`` are ignored (:func:`validate_plan` reports them).

    Returns
    -------
    pandas.DataFrame
        One row per step, in topological order, with columns ``action_id,
        order`` (1, 2, ...), ``earliest_start, earliest_finish``
        (datetime64), ``slack_days`` (Int64) and ``critical`` (bool).

    Raises
    ------
    ValidationError
        When steps depend on each other in a circle; every cycle is named,
        e.g. ``a → b → a``.
        Also when no step has a ``start_on`` date.

    Notes
    -----
    Critical path method (Kelley & Walker 1959), finish-to-start:

    * order: Kahn's algorithm (1962); among steps that are ready, the one
      with the earliest ``start_on`` (blank last), then the smallest
      ``action_id``, comes first, so the order is deterministic.
    * duration ``d`` = ``due_on - start_on`` in days, at least 1; 1 when a
      date is blank.
    * earliest start ``ES`` = the later of the step's own ``start_on`` and
      the earliest finish of every step it depends on; a step with neither
      starts on the earliest ``start_on`` of its CoP. ``EF = ES + d``.
    * backward pass: a step nothing depends on has latest finish ``LF`` =
      the largest ``EF`` of its CoP (the project end); otherwise ``LF`` =
      the smallest latest start of the steps depending on it; ``LS = LF - d``.
    * ``slack_days = LS - ES`` (never negative); ``critical`` = slack 0.

    Examples
    --------
    >>> import pandas as pd
    >>> actions = pd.DataFrame({"action_id": ["a", "b", "c"], "cop_id": "c1",
    ...                         "title": ["A", "B", "C"],
    ...                         "start_on": ["2026-03-01", "2026-03-01", "2026-03-06"],
    ...                         "due_on": ["2026-03-06", "2026-03-03", "2026-03-10"]})
    >>> deps = pd.DataFrame({"action_id": ["c", "c"], "depends_on_id": ["a", "b"]})
    >>> schedule(actions, deps)
      action_id  order earliest_start earliest_finish  slack_days  critical
    0         a      1     2026-03-01      2026-03-06           0      True
    1         b      2     2026-03-01      2026-03-03           3     False
    2         c      3     2026-03-06      2026-03-10           0      True
    """
    act = _frame("action", actions, param="actions", need=("action_id",))
    dep = _frame("action_dependency", dependencies, param="dependencies",
                 need=("action_id", "depends_on_id"))
    act = act.dropna(subset=["action_id"]).drop_duplicates("action_id").reset_index(drop=True)
    dep = dep.dropna(subset=["action_id", "depends_on_id"]).drop_duplicates()
    ids, succ = _graph(act, dep)
    cycles = _find_cycles(ids, succ)
    if cycles:
        raise _cycle_error(cycles)
    columns = ["action_id", "order", "earliest_start", "earliest_finish", "slack_days", "critical"]
    if not ids:
        return pd.DataFrame({
            "action_id": _text([]), "order": pd.array([], dtype="Int64"),
            "earliest_start": pd.Series([], dtype="datetime64[ns]"),
            "earliest_finish": pd.Series([], dtype="datetime64[ns]"),
            "slack_days": pd.array([], dtype="Int64"), "critical": pd.Series([], dtype=bool),
        })[columns]
    if act["start_on"].isna().all():
        raise ValidationError(
            [Problem("action", None, "start_on", None,
                     "no step has a start date; give at least one step a start_on")],
            "the action plan")

    epoch = np.datetime64("1970-01-01", "D")
    start = act["start_on"].to_numpy(dtype="datetime64[D]")
    due = act["due_on"].to_numpy(dtype="datetime64[D]")
    has_start = ~np.isnat(start)
    start_day = np.where(has_start, (start - epoch).astype("int64"), 0)
    dur = np.where(has_start & ~np.isnat(due), (due - start).astype("int64"), 1)
    dur = np.maximum(dur, 1)
    cop = act["cop_id"].astype(object).where(act["cop_id"].notna(), None).tolist()
    pos = {a: i for i, a in enumerate(ids)}
    first_day: dict = {}
    for i, c in enumerate(cop):
        if has_start[i]:
            first_day[c] = min(first_day.get(c, start_day[i]), start_day[i])
    overall_first = int(start_day[has_start].min())

    pred: dict[Hashable, list] = {a: [] for a in ids}
    indeg = {a: 0 for a in ids}
    for b, after in succ.items():
        for a in after:
            pred[a].append(b)
            indeg[a] += 1
    big = np.iinfo(np.int64).max

    def key(a: Hashable) -> tuple:
        i = pos[a]
        return (int(start_day[i]) if has_start[i] else big, str(a))

    ready = [(key(a), a) for a in ids if indeg[a] == 0]
    heapq.heapify(ready)
    order: list = []
    es = np.zeros(len(ids), dtype=np.int64)
    ef = np.zeros(len(ids), dtype=np.int64)
    while ready:
        _, a = heapq.heappop(ready)
        i = pos[a]
        order.append(a)
        own = int(start_day[i]) if has_start[i] else None
        dep_finish = max((int(ef[pos[b]]) for b in pred[a]), default=None)
        if own is None and dep_finish is None:
            own = int(first_day.get(cop[i], overall_first))
        es[i] = max(x for x in (own, dep_finish) if x is not None)
        ef[i] = es[i] + dur[i]
        for w in succ[a]:
            indeg[w] -= 1
            if indeg[w] == 0:
                heapq.heappush(ready, (key(w), w))

    end: dict = {}
    for i, c in enumerate(cop):
        end[c] = max(end.get(c, ef[i]), int(ef[i]))
    ls = np.zeros(len(ids), dtype=np.int64)
    for a in reversed(order):
        i = pos[a]
        lf = min((int(ls[pos[w]]) for w in succ[a]), default=end[cop[i]])
        ls[i] = lf - dur[i]
    idx = np.array([pos[a] for a in order], dtype=np.int64)
    slack = ls[idx] - es[idx]
    return pd.DataFrame({
        "action_id": _text(order),
        "order": pd.array(np.arange(1, len(order) + 1), dtype="Int64"),
        "earliest_start": (epoch + es[idx]).astype("datetime64[ns]"),
        "earliest_finish": (epoch + ef[idx]).astype("datetime64[ns]"),
        "slack_days": pd.array(slack, dtype="Int64"),
        "critical": slack == 0,
    })


# ---------------------------------------------------------------------------
# progress
# ---------------------------------------------------------------------------


def step_status(actions: pd.DataFrame, *, as_of: object) -> pd.DataFrame:
    """Status of each step on a given day, with overdue steps and days late.

    Parameters
    ----------
    actions : pandas.DataFrame
        Rows of the ``action`` table.
    as_of : date-like
        The day to look from (e.g. the day of meeting 3).

    Returns
    -------
    pandas.DataFrame
        Columns ``action_id, status, overdue, days_late``, sorted by
        ``due_on`` (blank last) then ``action_id``.

        * ``status``: the step's status; blank counts as ``planned``.
        * ``overdue``: not done or dropped, and ``due_on`` is before ``as_of``.
        * ``days_late`` (Int64): for a done step, days ``done_on`` was after
          ``due_on`` (0 if on time); for an open step, days ``as_of`` is past
          ``due_on`` (0 if not yet due); blank for dropped steps or when a
          needed date is missing.

    Raises
    ------
    UsageError
        If ``as_of`` is not a date.
    ValidationError
        If a ``status`` is not one of planned, in_progress, done, dropped.

    Examples
    --------
    >>> import pandas as pd
    >>> actions = pd.DataFrame({"action_id": ["a", "b", "c"], "cop_id": "c1",
    ...     "title": ["A", "B", "C"], "due_on": ["2026-03-01", "2026-03-10", "2026-04-01"],
    ...     "status": ["done", "in_progress", "planned"],
    ...     "done_on": ["2026-03-03", None, None]})
    >>> step_status(actions, as_of="2026-03-15")
      action_id       status  overdue  days_late
    0         a         done    False          2
    1         b  in_progress     True          5
    2         c      planned    False          0
    """
    act = _frame("action", actions, param="actions", need=("action_id",))
    day = _as_date(as_of, "as_of")
    status = _check_status(act)
    open_ = ~status.isin(["done", "dropped"])
    overdue = open_ & (act["due_on"] < day).fillna(False).astype(bool)
    late_done = (act["done_on"] - act["due_on"]).dt.days
    late_open = (day - act["due_on"]).dt.days
    days = late_open.where(open_, late_done.where(status == "done"))
    days = days.where(status != "dropped")
    out = pd.DataFrame({
        "action_id": act["action_id"].astype(TEXT_DTYPE),
        "status": status.astype(TEXT_DTYPE),
        "overdue": overdue.to_numpy(dtype=bool),
        "days_late": pd.array(days.clip(lower=0).to_numpy(dtype=float), dtype="Float64")
        .round().astype("Int64"),
        "_due": act["due_on"],
    })
    out = out.sort_values(["_due", "action_id"], na_position="last", kind="mergesort")
    return out.drop(columns="_due").reset_index(drop=True)


def plan_progress(actions: pd.DataFrame, *, as_of: object) -> pd.DataFrame:
    """Progress of the action plan per CoP on a given day.

    Parameters
    ----------
    actions : pandas.DataFrame
        Rows of the ``action`` table (one CoP or several).
    as_of : date-like
        The day to look from.

    Returns
    -------
    pandas.DataFrame
        One row per ``cop_id`` (sorted) with columns ``cop_id, steps, done,
        in_progress, planned, dropped, overdue, on_time_rate``.

        * ``steps``: all steps; the next four count steps per status (a blank
          status counts as ``planned``).
        * ``overdue``: steps not done or dropped whose ``due_on`` is before
          ``as_of``.
        * ``on_time_rate``: among done steps with both ``done_on`` and
          ``due_on``, the share with ``done_on <= due_on``; NaN when there is
          none.

    Raises
    ------
    UsageError
        If ``as_of`` is not a date.
    ValidationError
        If a ``status`` is not one of planned, in_progress, done, dropped.

    Examples
    --------
    >>> import pandas as pd
    >>> actions = pd.DataFrame({"action_id": ["a", "b", "c", "d"], "cop_id": "c1",
    ...     "title": list("ABCD"),
    ...     "due_on": ["2026-03-01", "2026-03-10", "2026-03-12", "2026-04-01"],
    ...     "status": ["done", "done", "in_progress", "planned"],
    ...     "done_on": ["2026-03-03", "2026-03-09", None, None]})
    >>> plan_progress(actions, as_of="2026-03-15")
      cop_id  steps  done  in_progress  planned  dropped  overdue  on_time_rate
    0     c1      4     2            1        1        0        1           0.5
    """
    act = _frame("action", actions, param="actions", need=("action_id", "cop_id"))
    day = _as_date(as_of, "as_of")
    status = _check_status(act)
    done = status == "done"
    judged = done & act["done_on"].notna() & act["due_on"].notna()
    parts = pd.DataFrame({
        "cop_id": act["cop_id"],
        "steps": 1,
        "done": done,
        "in_progress": status == "in_progress",
        "planned": status == "planned",
        "dropped": status == "dropped",
        "overdue": ~status.isin(["done", "dropped"]) & (act["due_on"] < day).fillna(False),
        "_on_time": judged & (act["done_on"] <= act["due_on"]).fillna(False),
        "_judged": judged,
    })
    counts = ["steps", "done", "in_progress", "planned", "dropped", "overdue",
              "_on_time", "_judged"]
    parts[counts] = parts[counts].astype("int64")
    g = parts.groupby("cop_id", sort=True)[counts].sum()
    g["on_time_rate"] = (g["_on_time"] / g["_judged"].where(g["_judged"] > 0)).astype(float)
    g = g.drop(columns=["_on_time", "_judged"]).reset_index()
    g["cop_id"] = g["cop_id"].astype(TEXT_DTYPE)
    return g


# ---------------------------------------------------------------------------
# responsibility
# ---------------------------------------------------------------------------


def _owner_rows(act: pd.DataFrame, own: pd.DataFrame) -> pd.DataFrame:
    """Distinct (action_id, member_id, lead) for steps in the plan; lead = any lead row."""
    o = own.dropna(subset=["action_id", "member_id"])
    o = o[o["action_id"].isin(act["action_id"].dropna())]
    lead = o["lead"].fillna(False).astype(bool)
    return (o.assign(lead=lead).groupby(["action_id", "member_id"], sort=True, as_index=False)
            ["lead"].any())


def responsibility_matrix(
    actions: pd.DataFrame, owners: pd.DataFrame, members: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Who is responsible for which step, in long (tidy) form.

    Parameters
    ----------
    actions : pandas.DataFrame
        Rows of the ``action`` table.
    owners : pandas.DataFrame
        Rows of the ``action_owner`` table; owners of steps not in
        ``actions`` are left out.
    members : pandas.DataFrame, optional
        Rows of the ``member`` table; adds each owner's ``role``.

    Returns
    -------
    pandas.DataFrame
        One row per step and owner, sorted by ``action_id`` then
        ``member_id``: ``action_id, member_id, role`` (only when ``members``
        is given; blank for an unknown member), ``responsibility``:

        * ``"sole"``: the only owner of the step;
        * ``"lead"``: one of several owners, marked ``lead``;
        * ``"shared"``: one of several owners, not marked ``lead``.

        Steps without an owner do not appear (:func:`validate_plan` reports
        them as ``no_owner``). Pivot with ``.pivot(index="action_id",
        columns="member_id", values="responsibility")`` for a grid.

    Examples
    --------
    >>> import pandas as pd
    >>> actions = pd.DataFrame({"action_id": ["a", "b"], "cop_id": "c1", "title": ["A", "B"]})
    >>> owners = pd.DataFrame({"action_id": ["a", "b", "b"], "member_id": ["m1", "m1", "m2"],
    ...                        "lead": [False, True, False]})
    >>> responsibility_matrix(actions, owners)
      action_id member_id responsibility
    0         a        m1           sole
    1         b        m1           lead
    2         b        m2         shared
    """
    act = _frame("action", actions, param="actions", need=("action_id",))
    own = _frame("action_owner", owners, param="owners", need=("action_id", "member_id"))
    o = _owner_rows(act, own)
    n = o.groupby("action_id")["member_id"].transform("size")
    resp = np.where(n == 1, "sole", np.where(o["lead"], "lead", "shared"))
    out = pd.DataFrame({
        "action_id": o["action_id"].astype(TEXT_DTYPE),
        "member_id": o["member_id"].astype(TEXT_DTYPE),
    })
    if members is not None:
        mem = _frame("member", members, param="members", need=("member_id",))
        role = mem.dropna(subset=["member_id"]).drop_duplicates("member_id").set_index("member_id")
        out["role"] = out["member_id"].map(role["role"]).astype(TEXT_DTYPE)
    out["responsibility"] = _text(resp)
    return out.reset_index(drop=True)


def plan_indicators(
    actions: pd.DataFrame,
    owners: pd.DataFrame,
    dependencies: pd.DataFrame,
    members: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Plan-derived indicators of working together, one row per CoP.

    Parameters
    ----------
    actions, owners, dependencies : pandas.DataFrame
        Rows of the ``action``, ``action_owner`` and ``action_dependency``
        tables.
    members : pandas.DataFrame, optional
        Rows of the ``member`` table; needed for ``members_without_step``.

    Returns
    -------
    pandas.DataFrame
        One row per ``cop_id`` of ``actions`` (sorted), columns:

        * ``steps``: number of steps (all statuses).
        * ``shared_share``: share of steps with two or more owners.
        * ``cross_owner_dependencies``: among dependencies between two steps
          of the CoP that both have an owner, the share whose two steps have
          no owner in common (a hand-over between people); NaN when there is
          no such dependency.
        * ``members_without_step`` (Int64): members of the CoP who own no
          step; blank when ``members`` is not given.
        * ``mean_owners_per_step``: mean number of owners per step (steps
          without owner count as 0).

    Notes
    -----
    Shared ownership and hand-overs between people are signs of
    collaboration and coordination in the levels of working together
    (DESIGN section 1); these are descriptive counts, not a classification.

    Examples
    --------
    >>> import pandas as pd
    >>> actions = pd.DataFrame({"action_id": ["a", "b"], "cop_id": "c1", "title": ["A", "B"]})
    >>> owners = pd.DataFrame({"action_id": ["a", "a", "b"], "member_id": ["m1", "m2", "m3"]})
    >>> deps = pd.DataFrame({"action_id": ["b"], "depends_on_id": ["a"]})
    >>> plan_indicators(actions, owners, deps).T  # doctest: +NORMALIZE_WHITESPACE
                                 0
    cop_id                      c1
    steps                        2
    shared_share               0.5
    cross_owner_dependencies   1.0
    members_without_step      <NA>
    mean_owners_per_step       1.5
    """
    act = _frame("action", actions, param="actions", need=("action_id", "cop_id"))
    own = _frame("action_owner", owners, param="owners", need=("action_id", "member_id"))
    dep = _frame("action_dependency", dependencies, param="dependencies",
                 need=("action_id", "depends_on_id"))
    act = act.dropna(subset=["action_id"]).drop_duplicates("action_id")
    o = _owner_rows(act, own)
    n_owners = act["action_id"].map(o.groupby("action_id").size()).fillna(0).astype("int64")
    steps = pd.DataFrame({"cop_id": act["cop_id"].to_numpy(), "n": n_owners.to_numpy(),
                          "shared": (n_owners >= 2).to_numpy(dtype=float)})
    g = steps.groupby("cop_id", sort=True)
    out = pd.DataFrame({
        "steps": g.size().astype("int64"),
        "shared_share": g["shared"].mean().astype(float),
        "mean_owners_per_step": g["n"].mean().astype(float),
    })

    # dependencies inside one CoP between owned steps; "cross" = owner sets disjoint
    cop_of = act.set_index("action_id")["cop_id"]
    d = dep.dropna(subset=["action_id", "depends_on_id"]).drop_duplicates(
        ["action_id", "depends_on_id"])
    d = d.assign(cop_id=d["action_id"].map(cop_of), cop_b=d["depends_on_id"].map(cop_of))
    has_owner = set(o["action_id"])
    d = d[d["cop_id"].notna() & (d["cop_id"] == d["cop_b"])
          & d["action_id"].isin(has_owner) & d["depends_on_id"].isin(has_owner)]
    common = d.merge(o[["action_id", "member_id"]], on="action_id").merge(
        o[["action_id", "member_id"]].rename(columns={"action_id": "depends_on_id"}),
        on=["depends_on_id", "member_id"],
    )[["action_id", "depends_on_id"]].drop_duplicates()
    key = pd.MultiIndex.from_frame(d[["action_id", "depends_on_id"]])
    if len(common):
        shared_pair = key.isin(pd.MultiIndex.from_frame(common))
    else:
        shared_pair = np.zeros(len(d), dtype=bool)
    d = d.assign(cross=~np.asarray(shared_pair, dtype=bool))
    out["cross_owner_dependencies"] = d.groupby("cop_id")["cross"].mean().astype(float)

    if members is not None:
        mem = _frame("member", members, param="members", need=("member_id", "cop_id"))
        mem = mem.dropna(subset=["member_id"]).drop_duplicates("member_id")
        owner_ids = set(o["member_id"])
        idle = mem.assign(idle=~mem["member_id"].isin(owner_ids)).groupby("cop_id")["idle"].sum()
        out["members_without_step"] = pd.array(
            out.index.map(idle).fillna(0).to_numpy(dtype=float), dtype="Float64").astype("Int64")
    else:
        out["members_without_step"] = pd.array([pd.NA] * len(out), dtype="Int64")
    out = out.reset_index()
    out["cop_id"] = out["cop_id"].astype(TEXT_DTYPE)
    return out[["cop_id", "steps", "shared_share", "cross_owner_dependencies",
                "members_without_step", "mean_owners_per_step"]]
