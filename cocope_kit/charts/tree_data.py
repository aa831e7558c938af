"""The tables the CoP tree is drawn from (compute, then draw).

:func:`cop_tree_data` reads the store only through ``store.read(table)`` and
returns every table :func:`cocope_kit.charts.draw_cop_tree` draws: the CoP,
its goal with progress, the steps (branches) with status and owners, the
links between steps that share people (vines), the fruits (progress and
lessons) and the plan indicators. Members without consent are left out.

>>> import cocope_kit as ck
>>> from cocope_kit.demo import write_demo
>>> store = write_demo(ck.open_store(":memory:"))
>>> sorted(cop_tree_data(store, "at-graz", as_of="2026-06-30"))
['cop', 'fruits', 'goal', 'links', 'plan', 'steps']
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import analysis
from ..errors import UsageError
from ..schema import TEXT_DTYPE
from . import _style as st

__all__ = ["cop_tree_data"]

_TABLES = ("cop", "goal", "goal_measurement", "action", "action_owner", "action_dependency",
           "member", "consent", "lesson")


# ----------------------------------------------------------------------------- data
def _read(store: object, table: str) -> pd.DataFrame:
    reader = getattr(store, "read", None)
    if not callable(reader):
        raise UsageError("store must be a cocope_kit store (an object with read(table)), "
                         f"got {type(store).__name__}; open one with cocope_kit.open_store(path)")
    return reader(table)


def _shown_members(members: pd.DataFrame, consent: pd.DataFrame) -> set:
    """Members whose pseudonym may appear: consent given and, for students, assent given.

    Anyone with a ``withdrawn`` or ``refused`` record is left out (DESIGN section 7).
    """
    c = consent.dropna(subset=["member_id"])
    given = c[c["status"] == "given"]
    with_consent = set(given.loc[given["kind"] == "consent", "member_id"])
    with_assent = set(given.loc[given["kind"] == "assent", "member_id"])
    out_ = set(c.loc[c["status"].isin(["withdrawn", "refused"]), "member_id"])
    shown = set()
    for mid, role in zip(members["member_id"], members["role"], strict=True):
        if mid in out_ or mid not in with_consent:
            continue
        if role == "student" and mid not in with_assent:
            continue
        shown.add(mid)
    return shown


def cop_tree_data(store: object, cop_id: str, *, as_of: object = None) -> dict[str, pd.DataFrame]:
    """Every table the CoP tree of one CoP is drawn from.

    Reads the store only through ``store.read(table)`` and computes with
    :func:`cocope_kit.analysis.goal_progress`,
    :func:`~cocope_kit.analysis.step_status` and
    :func:`~cocope_kit.analysis.plan_indicators`; the rest is joins and
    ordering.

    Parameters
    ----------
    store : Store
        An open store (anything with ``read(table) -> DataFrame``).
    cop_id : str
        The CoP to draw.
    as_of : date-like, optional
        The day the tree shows: measurements and lessons up to this day
        count, and steps are overdue when due before it. Default: today, with
        all measurements and lessons.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``cop``
            One row: ``cop_id, name, school, country, language, cycle, as_of``.
        ``goal``
            The trunk, one row per goal of the CoP (usually one), by
            ``agreed_on``: ``goal_id, statement, indicator, unit, direction,
            baseline, target, deadline, agreed_on`` and, from
            ``goal_progress``, ``latest_value, latest_on, progress, on_track,
            days_left``.
        ``steps``
            The branches, one row per step, ordered by ``start_on``, ``due_on``,
            ``action_id`` (lower branches start earlier): ``action_id, goal_id,
            title, start_on, due_on, done_on, status, overdue, days_late``
            (from ``step_status``), ``display_status`` (``overdue`` for an
            overdue step, else ``status``), ``n_owners`` (everyone responsible;
            the branch's thickness), ``lead`` (pseudonym of the sole owner or
            lead), ``owners`` (pseudonyms, lead first), ``hidden_owners``
            (owners whose pseudonym is not shown because their consent, or a
            student's assent, is not given), ``rank`` (0, 1, ... in this
            order), ``side`` (``left`` for even ranks, ``right`` for odd) and
            ``level`` (height on its side, 0 = lowest).
        ``links``
            Pairs of steps that share at least one owner (their branches are
            joined by a vine): ``action_id, other_action_id, shared_owners``.
        ``fruits``
            One row per fruit: ``fruit_id, kind, title, text, goal_id,
            progress, latest_value, created_on``. A goal with a measurement
            gives a fruit of kind ``progress`` (``fruit_id`` =
            ``progress:<goal_id>``); each lesson (meeting 3) gives a fruit of
            its kind (success, challenge, unexpected_benefit, side_effect,
            insight, resource), ordered by ``created_on``.
        ``plan``
            ``plan_indicators`` of the CoP (no rows when it has no steps).

    Raises
    ------
    UsageError
        If ``store`` has no ``read`` or ``cop_id`` is not in the store.
    """
    tables = {t: _read(store, t) for t in _TABLES}
    cops = tables["cop"]
    row = cops[cops["cop_id"] == cop_id]
    if row.empty:
        known = ", ".join(sorted(cops["cop_id"].dropna().astype(str))) or "none"
        raise UsageError(f"cop_id {cop_id!r} is not in the store; CoPs in it: {known}")
    day = pd.Timestamp.today().normalize() if as_of is None else pd.Timestamp(as_of).normalize()
    if pd.isna(day):
        raise UsageError(f"as_of needs a date such as '2026-06-30', got {as_of!r}")

    cop = row[["cop_id", "name", "school", "country", "language", "cycle"]].reset_index(drop=True)
    cop["as_of"] = pd.Series([day], dtype="datetime64[ns]")

    # trunk
    goals = tables["goal"]
    goals = goals[goals["cop_id"] == cop_id].sort_values(["agreed_on", "goal_id"],
                                                         na_position="last", kind="mergesort")
    meas = tables["goal_measurement"]
    meas = meas[meas["goal_id"].isin(goals["goal_id"])]
    prog = analysis.goal_progress(goals, meas, as_of=as_of)
    goal = goals[["goal_id", "statement", "indicator", "unit", "direction", "baseline", "target",
                  "deadline", "agreed_on"]].merge(
        prog[["goal_id", "latest_value", "latest_on", "progress", "on_track", "days_left"]],
        on="goal_id", how="left").reset_index(drop=True)

    # branches
    act = tables["action"]
    act = act[act["cop_id"] == cop_id].sort_values(["start_on", "due_on", "action_id"],
                                                   na_position="last", kind="mergesort")
    act = act.reset_index(drop=True)
    status = analysis.step_status(act, as_of=day)
    steps = act[["action_id", "goal_id", "title", "start_on", "due_on", "done_on"]].merge(
        status, on="action_id", how="left")
    steps["display_status"] = pd.Series(
        [st.display_status(s, o) for s, o in zip(steps["status"], steps["overdue"], strict=True)],
        dtype=TEXT_DTYPE)
    owners = tables["action_owner"]
    owners = owners[owners["action_id"].isin(act["action_id"])]
    members = tables["member"]
    members = members[members["cop_id"] == cop_id]
    shown = _shown_members(members, tables["consent"])
    pseud = dict(zip(members["member_id"], members["pseudonym"], strict=True))
    rm = analysis.responsibility_matrix(act, owners) if len(act) else pd.DataFrame(
        columns=["action_id", "member_id", "responsibility"])
    owner_sets: dict[str, list[str]] = {a: [] for a in act["action_id"]}
    leads: dict[str, str] = {}
    hidden: dict[str, int] = {a: 0 for a in act["action_id"]}
    shown_names: dict[str, list[str]] = {a: [] for a in act["action_id"]}
    rank_resp = {"sole": 0, "lead": 0, "shared": 1}
    rm = rm.assign(_r=rm["responsibility"].map(rank_resp)).sort_values(
        ["action_id", "_r", "member_id"], kind="mergesort")
    for a, mid, resp in zip(rm["action_id"], rm["member_id"], rm["responsibility"], strict=True):
        owner_sets[a].append(mid)
        if mid in shown and pd.notna(pseud.get(mid)):
            shown_names[a].append(str(pseud[mid]))
            if resp in ("sole", "lead") and a not in leads:
                leads[a] = str(pseud[mid])
        else:
            hidden[a] += 1
    ids = list(act["action_id"])
    n = len(ids)
    steps["n_owners"] = np.array([len(owner_sets[a]) for a in ids], dtype="int64")
    steps["lead"] = pd.Series([leads.get(a) for a in ids], dtype=TEXT_DTYPE)
    steps["owners"] = pd.Series([", ".join(shown_names[a]) or None for a in ids],
                                dtype=TEXT_DTYPE)
    steps["hidden_owners"] = np.array([hidden[a] for a in ids], dtype="int64")
    steps["rank"] = np.arange(n, dtype="int64")
    steps["side"] = pd.Series(["left" if i % 2 == 0 else "right" for i in range(n)],
                              dtype=TEXT_DTYPE)
    steps["level"] = np.arange(n, dtype="int64") // 2

    # vines between branches with a common owner
    pairs = []
    for i in range(n):
        for j in range(i + 1, n):
            common = set(owner_sets[ids[i]]) & set(owner_sets[ids[j]])
            if common:
                pairs.append((ids[i], ids[j], len(common)))
    links = pd.DataFrame({
        "action_id": pd.Series([p[0] for p in pairs], dtype=TEXT_DTYPE),
        "other_action_id": pd.Series([p[1] for p in pairs], dtype=TEXT_DTYPE),
        "shared_owners": np.array([p[2] for p in pairs], dtype="int64"),
    })

    # fruits
    rows = []
    for g in goal.itertuples(index=False):
        if pd.notna(g.latest_value):
            rows.append({"fruit_id": f"progress:{g.goal_id}", "kind": "progress",
                         "title": "Progress towards the target", "text": None,
                         "goal_id": g.goal_id, "progress": g.progress,
                         "latest_value": g.latest_value, "created_on": g.latest_on})
    lessons = tables["lesson"]
    lessons = lessons[lessons["cop_id"] == cop_id]
    if as_of is not None:
        lessons = lessons[lessons["created_on"].isna() | (lessons["created_on"] <= day)]
    lessons = lessons.sort_values(["created_on", "lesson_id"], na_position="last",
                                  kind="mergesort")
    for les in lessons.itertuples(index=False):
        rows.append({"fruit_id": les.lesson_id, "kind": les.kind, "title": les.title,
                     "text": les.text, "goal_id": None, "progress": np.nan,
                     "latest_value": np.nan, "created_on": les.created_on})
    fruits = pd.DataFrame(rows, columns=["fruit_id", "kind", "title", "text", "goal_id",
                                         "progress", "latest_value", "created_on"])
    for c in ("fruit_id", "kind", "title", "text", "goal_id"):
        fruits[c] = fruits[c].astype(object).where(fruits[c].notna(), None).astype(TEXT_DTYPE)
    fruits["progress"] = fruits["progress"].astype(float)
    fruits["latest_value"] = fruits["latest_value"].astype(float)
    fruits["created_on"] = pd.to_datetime(fruits["created_on"]).astype("datetime64[ns]")

    plan = (analysis.plan_indicators(act, owners, tables["action_dependency"], members)
            if len(act) else analysis.plan_indicators(act, owners, tables["action_dependency"]))
    return {"cop": cop, "goal": goal, "steps": steps.reset_index(drop=True), "links": links,
            "fruits": fruits, "plan": plan.reset_index(drop=True)}
