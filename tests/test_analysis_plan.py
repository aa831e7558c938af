"""Action plan analyses (DESIGN section 6, "goals and plan"): validation, schedule, progress,
responsibility. Expected values are worked out by hand in the comments; graph results are
checked against an independent Tarjan SCC and a brute-force cycle enumeration written here."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cocope_kit.analysis import (
    plan_indicators,
    plan_progress,
    responsibility_matrix,
    schedule,
    step_status,
    validate_plan,
)
from cocope_kit.analysis.plan import MAX_CYCLES, PLAN_PROBLEMS
from cocope_kit.errors import UsageError, ValidationError
from cocope_kit.schema import typed

D = pd.Timestamp


def actions_frame(rows):
    """rows: (action_id, start_on, due_on[, status[, done_on[, cop_id]]])"""
    out = []
    for r in rows:
        r = tuple(r) + (None,) * (6 - len(r))
        aid, start, due, status, done, cop = r
        out.append({"action_id": aid, "cop_id": cop or "c1", "goal_id": None, "title": aid.upper(),
                    "description": None, "start_on": start, "due_on": due,
                    "status": status or "planned", "done_on": done})
    return pd.DataFrame(out)


def owners_frame(pairs):
    return pd.DataFrame([{"action_id": a, "member_id": m, "lead": lead}
                         for a, m, lead in ((p + (False,))[:3] for p in pairs)],
                        columns=["action_id", "member_id", "lead"])


def deps_frame(pairs):
    """pairs: (action_id, depends_on_id)"""
    return pd.DataFrame(pairs, columns=["action_id", "depends_on_id"])


NO_DEPS = deps_frame([])


# --------------------------------------------------------------------------- schedule

# Five steps, March 2026 (day numbers = day of March):
#   A 2..6 (d=4)   B 2..4 (d=2)   C after A, 6..13 (d=7)   D after B, 4..9 (d=5)
#   E after C and D, 13..16 (d=3)
# forward:  ES A=2 EF=6; B=2 EF=4; C=max(6,EF_A=6)=6 EF=13; D=max(4,EF_B=4)=4 EF=9;
#           E=max(13,EF_C=13,EF_D=9)=13 EF=16; project end 16
# backward: E LF=16 LS=13; C LF=13 LS=6; D LF=13 LS=8; A LF=LS_C=6 LS=2; B LF=LS_D=8 LS=6
# slack = LS-ES: A 0, B 4, C 0, D 4, E 0 -> critical path A, C, E
# Kahn order (ties: start_on, then id): ready {A,B} -> A; ready {B, C(6)} -> B;
#   ready {C(6), D(4)} -> D; then C; then E
FIVE = actions_frame([
    ("a", "2026-03-02", "2026-03-06"),
    ("b", "2026-03-02", "2026-03-04"),
    ("c", "2026-03-06", "2026-03-13"),
    ("d", "2026-03-04", "2026-03-09"),
    ("e", "2026-03-13", "2026-03-16"),
])
FIVE_DEPS = deps_frame([("c", "a"), ("d", "b"), ("e", "c"), ("e", "d")])


def test_schedule_five_step_plan_by_hand():
    out = schedule(FIVE, FIVE_DEPS)
    assert list(out.columns) == ["action_id", "order", "earliest_start", "earliest_finish",
                                 "slack_days", "critical"]
    assert out.action_id.tolist() == ["a", "b", "d", "c", "e"]
    assert out.order.tolist() == [1, 2, 3, 4, 5]
    by = out.set_index("action_id")
    assert by.earliest_start.dt.day.to_dict() == {"a": 2, "b": 2, "c": 6, "d": 4, "e": 13}
    assert by.earliest_finish.dt.day.to_dict() == {"a": 6, "b": 4, "c": 13, "d": 9, "e": 16}
    assert by.slack_days.to_dict() == {"a": 0, "b": 4, "c": 0, "d": 4, "e": 0}
    assert sorted(by.index[by.critical]) == ["a", "c", "e"]
    assert str(out.earliest_start.dtype) == "datetime64[ns]"
    assert str(out.slack_days.dtype) == "Int64"


def test_schedule_own_start_later_than_dependencies_and_blank_dates():
    # x 1..3 (d=2); y after x but planned to start on the 10th, due 12th (d=2): ES 10, EF 12
    # z has no dates and no dependency: starts on the CoP's first day (1st), d=1, EF 2
    # end = 12; x: LF = LS_y = 10, LS = 8, slack 7; z: LF = 12, LS = 11, slack 10
    acts = actions_frame([("x", "2026-03-01", "2026-03-03"), ("y", "2026-03-10", "2026-03-12"),
                          ("z", None, None)])
    out = schedule(acts, deps_frame([("y", "x")])).set_index("action_id")
    assert out.earliest_start.dt.day.to_dict() == {"x": 1, "y": 10, "z": 1}
    assert out.earliest_finish.dt.day.to_dict() == {"x": 3, "y": 12, "z": 2}
    assert out.slack_days.to_dict() == {"x": 7, "y": 0, "z": 10}


def test_schedule_zero_length_step_lasts_one_day_and_cops_have_own_end():
    # c1: p 5..5 -> d=1, EF 6. c2: q 1..20, EF 20. Each CoP ends at its own last finish,
    # so p has no slack even though c2's plan ends later.
    acts = actions_frame([("p", "2026-03-05", "2026-03-05"),
                          ("q", "2026-03-01", "2026-03-20", None, None, "c2")])
    out = schedule(acts, NO_DEPS).set_index("action_id")
    assert out.earliest_finish.dt.day.to_dict() == {"p": 6, "q": 20}
    assert out.slack_days.to_dict() == {"p": 0, "q": 0}


def test_schedule_cycle_is_named():
    acts = actions_frame([(a, "2026-03-01", "2026-03-02") for a in "abcd"])
    deps = deps_frame([("b", "a"), ("c", "b"), ("a", "c"), ("d", "c")])
    with pytest.raises(ValidationError, match="a → b → c → a") as err:
        schedule(acts, deps)
    assert len(err.value.problems) == 1


def test_schedule_ignores_unknown_steps_and_needs_a_start():
    out = schedule(FIVE, pd.concat([FIVE_DEPS, deps_frame([("a", "zz")])]))
    assert out.slack_days.tolist() == schedule(FIVE, FIVE_DEPS).slack_days.tolist()
    with pytest.raises(ValidationError, match="start_on"):
        schedule(actions_frame([("a", None, None)]), NO_DEPS)
    empty = schedule(FIVE.iloc[:0], NO_DEPS)
    assert empty.empty and list(empty.columns) == list(schedule(FIVE, FIVE_DEPS).columns)


def test_schedule_accepts_plain_text_frames_and_typed_store_frames(store, minimal_rows):
    store.write({k: minimal_rows[k] for k in ("cop", "member", "goal", "action",
                                               "action_owner", "action_dependency")})
    out = schedule(store.read("action"), store.read("action_dependency"))
    # a1 10..20 Feb (d=10), a2 after a1, own start 21 Feb, due 15 Mar (d=22)
    assert out.action_id.tolist() == ["be-1:a1", "be-1:a2"]
    assert out.earliest_finish.tolist() == [D("2026-02-20"), D("2026-03-15")]
    assert out.slack_days.tolist() == [1, 0]
    with pytest.raises(UsageError, match="DataFrame"):
        schedule([{"action_id": "a"}], NO_DEPS)
    with pytest.raises(UsageError, match="depends_on_id"):
        schedule(FIVE, pd.DataFrame({"action_id": ["a"]}))


# --------------------------------------------------------------------------- validate_plan

OWNED = owners_frame([(a, "m1") for a in "abcde"])


def test_validate_plan_clean_plan_is_empty_with_fixed_columns():
    owners = owners_frame([("a", "m1"), ("b", "m2"), ("c", "m1"), ("d", "m2"), ("e", "m3")])
    out = validate_plan(FIVE, owners, FIVE_DEPS, goal_deadline="2026-06-30")
    assert out.empty
    assert list(out.columns) == ["problem", "action_id", "message"]


def test_validate_plan_cycle_rows_name_the_path():
    acts = actions_frame([(a, "2026-03-01", "2026-03-01") for a in "abcde"])
    # two cycles: a -> b -> c -> a and d -> e -> d (a -> b means b depends on a)
    deps = deps_frame([("b", "a"), ("c", "b"), ("a", "c"), ("e", "d"), ("d", "e")])
    out = validate_plan(acts, OWNED, deps)
    cyc = out[out.problem == "cycle"]
    assert cyc.action_id.tolist() == ["d", "e", "a", "b", "c"]  # shorter cycle first
    assert set(cyc.message[cyc.action_id == "a"].str.extract(r"dependency (.*?) \(")[0]) == {
        "a → b → c → a"}
    assert cyc.message[cyc.action_id == "e"].str.contains("d → e → d").all()


def test_validate_plan_overlapping_cycles_each_reported():
    acts = actions_frame([(a, "2026-03-01", "2026-03-01") for a in "abc"])
    # a <-> b and b <-> c: two elementary cycles sharing b (and no cycle a->b->c->... since
    # c does not reach a except through b)
    deps = deps_frame([("b", "a"), ("a", "b"), ("c", "b"), ("b", "c")])
    cyc = validate_plan(acts, OWNED, deps).query("problem == 'cycle'")
    paths = sorted(set(cyc.message.str.extract(r"dependency (.*?) \(")[0]))
    assert paths == ["a → b → a", "b → c → b"]
    assert cyc.action_id.tolist() == ["a", "b", "b", "c"]


def test_validate_plan_self_dependency_is_a_cycle():
    acts = actions_frame([("a", "2026-03-01", "2026-03-02")])
    out = validate_plan(acts, owners_frame([("a", "m1")]), deps_frame([("a", "a")]))
    assert out.problem.tolist() == ["cycle"]
    assert "a → a" in out.message[0]


def test_validate_plan_each_kind_once():
    acts = actions_frame([
        ("a", "2026-03-01", "2026-03-10"),
        ("b", "2026-03-05", "2026-03-20"),   # starts before a is due
        ("c", "2026-03-12", "2026-07-15"),   # after the goal deadline
        ("d", "2026-03-20", "2026-03-18"),   # due before start
        ("e", None, "2026-03-30"),           # no start
        ("f", "2026-03-01", "2026-03-02", "dropped"),  # dropped: no owner is fine
    ])
    owners = owners_frame([("a", "m1"), ("b", "m2"), ("c", "m1"), ("d", "m3"), ("e", "m3"),
                           ("zz", "m9")])
    deps = deps_frame([("b", "a"), ("c", "a"), ("c", "nope")])
    out = validate_plan(acts, owners, deps, goal_deadline="2026-06-30")
    got = list(zip(out.problem, out.action_id.fillna("-"), strict=True))
    assert got == [
        ("unknown_step", "c"),
        ("unknown_step", "zz"),
        ("starts_before_dependency_ends", "b"),
        ("due_after_goal_deadline", "c"),
        ("dates_out_of_order", "d"),
        ("missing_dates", "e"),
    ]
    msg = dict(zip(out.problem + ":" + out.action_id, out.message, strict=True))
    assert "'nope'" in msg["unknown_step:c"] and "not in the plan" in msg["unknown_step:c"]
    assert "2026-03-05" in msg["starts_before_dependency_ends:b"]
    assert "2026-03-10" in msg["starts_before_dependency_ends:b"]
    assert "2026-06-30" in msg["due_after_goal_deadline:c"]
    assert "no start_on" in msg["missing_dates:e"]


def test_validate_plan_no_owner_and_goal_table_deadline():
    acts = actions_frame([("a", "2026-03-01", "2026-03-10"), ("b", "2026-03-01", "2026-09-01")])
    acts["goal_id"] = ["g1", "g2"]
    goals = pd.DataFrame({"goal_id": ["g1", "g2"], "cop_id": "c1", "statement": "s",
                          "deadline": ["2026-06-30", "2026-12-31"]})
    out = validate_plan(acts, owners_frame([("a", "m1")]), NO_DEPS, goal_deadline=goals)
    assert out.problem.tolist() == ["no_owner"]
    assert out.action_id.tolist() == ["b"]
    out = validate_plan(acts, owners_frame([("a", "m1"), ("b", "m1")]), NO_DEPS,
                        goal_deadline="2026-06-30")
    assert out.problem.tolist() == ["due_after_goal_deadline"]


def test_validate_plan_overloaded_member():
    # m1 owns s1 1..10, s2 5..12, s3 8..9, s4 9..20, s5 25..26 (s6 dropped, overlapping).
    # steps per day: 8th: s1 s2 s3 (3); 9th: s1 s2 s3 s4 (4); 10th: s1 s2 s4 (3); 11th: 2
    acts = actions_frame([
        ("s1", "2026-03-01", "2026-03-10"), ("s2", "2026-03-05", "2026-03-12"),
        ("s3", "2026-03-08", "2026-03-09"), ("s4", "2026-03-09", "2026-03-20"),
        ("s5", "2026-03-25", "2026-03-26"), ("s6", "2026-03-01", "2026-03-30", "dropped"),
    ])
    owners = owners_frame([(f"s{i}", "m1") for i in range(1, 7)] + [("s1", "m2")])
    out = validate_plan(acts, owners, NO_DEPS)  # max_concurrent=3: only the 9th
    assert out.problem.tolist() == ["overloaded_member"]
    assert pd.isna(out.action_id[0])
    msg = out.message[0]
    assert "'m1'" in msg and "4 steps" in msg and "2026-03-09" in msg
    assert "(s1, s2, s3, s4)" in msg and "s5" not in msg and "s6" not in msg
    out = validate_plan(acts, owners, NO_DEPS, max_concurrent=2)  # 8th to 10th
    assert len(out) == 1
    assert "from 2026-03-08 to 2026-03-10" in out.message[0]
    out = validate_plan(acts, owners, NO_DEPS, max_concurrent=1)
    # >1 step: 5th-12th (s1,s2 then s3,s4 join) and 25th-26th only s5 -> one run 5th..12th;
    # 13th-20th only s4. m2 owns one step.
    assert len(out) == 1 and "from 2026-03-05 to 2026-03-12" in out.message[0]
    with pytest.raises(UsageError, match="max_concurrent"):
        validate_plan(acts, owners, NO_DEPS, max_concurrent=0)


def test_validate_plan_two_separate_overload_periods():
    acts = actions_frame([("a", "2026-03-01", "2026-03-02"), ("b", "2026-03-02", "2026-03-03"),
                          ("c", "2026-03-10", "2026-03-11"), ("d", "2026-03-11", "2026-03-12")])
    out = validate_plan(acts, owners_frame([(a, "m1") for a in "abcd"]), NO_DEPS,
                        max_concurrent=1)
    assert out.message.str.contains("on 2026-03-02 .a, b.", regex=True).tolist() == [True, False]
    assert "on 2026-03-11 (c, d)" in out.message[1]


def test_unknown_status_is_reported_with_its_row():
    acts = actions_frame([("a", "2026-03-01", "2026-03-02"), ("a", "2026-03-01", "2026-03-02"),
                          ("b", "2026-03-01", "2026-03-02", "finished")])
    for call in (lambda: validate_plan(acts, OWNED, NO_DEPS),
                 lambda: plan_progress(acts, as_of="2026-03-01"),
                 lambda: step_status(acts, as_of="2026-03-01")):
        with pytest.raises(ValidationError, match="row 3, column 'status': 'finished'"):
            call()


# --------------------------------------------------------------------------- property tests


def tarjan_cyclic_nodes(nodes, edges):
    """Nodes on some cycle: members of SCCs with > 1 node, or with a self-loop (Tarjan 1972)."""
    succ = {v: [] for v in nodes}
    for a, b in edges:
        succ[a].append(b)
    index, low, stack, on, out = {}, {}, [], set(), set()
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in succ[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1 or v in succ[v]:
                out.update(comp)

    for v in nodes:
        if v not in index:
            visit(v)
    return out


def brute_force_cycles(nodes, edges):
    """Every elementary cycle, as a tuple starting at its smallest node (plain DFS)."""
    succ = {v: sorted({b for a, b in edges if a == v}) for v in nodes}
    found = set()
    for s in sorted(nodes):
        stack = [(s, [s])]
        while stack:
            v, path = stack.pop()
            for w in succ[v]:
                if w == s:
                    found.add(tuple(path))
                elif w > s and w not in path:
                    stack.append((w, path + [w]))
    return found


@st.composite
def dags(draw):
    n = draw(st.integers(1, 9))
    labels = draw(st.permutations([f"s{i:02d}" for i in range(n)]))
    edges = []
    for j in range(n):
        for i in range(j):
            if draw(st.booleans()) and draw(st.booleans()):
                edges.append((labels[j], labels[i]))  # labels[j] depends on labels[i]
    rows = []
    for a in labels:
        if draw(st.integers(0, 9)) == 0:
            rows.append((a, None, None))
        else:
            s = draw(st.integers(0, 20))
            rows.append((a, (D("2026-03-01") + pd.Timedelta(days=s)).date().isoformat(),
                         (D("2026-03-01") + pd.Timedelta(days=s + draw(st.integers(0, 8))))
                         .date().isoformat()))
    if all(r[1] is None for r in rows):
        rows[0] = (rows[0][0], "2026-03-01", "2026-03-04")
    # typed once here (the store's dtypes), so the examples run fast
    return typed("action", actions_frame(rows)), typed("action_dependency", deps_frame(edges))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=dags(), seed=st.integers(0, 2**16))
def test_schedule_properties_on_random_dags(plan, seed):
    acts, deps = plan
    out = schedule(acts, deps)
    pos = dict(zip(out.action_id, out.order, strict=True))
    assert sorted(pos) == sorted(acts.action_id)
    for a, b in zip(deps.action_id, deps.depends_on_id, strict=True):
        assert pos[b] < pos[a]
    by = out.set_index("action_id")
    ef = by.earliest_finish
    for a, b in zip(deps.action_id, deps.depends_on_id, strict=True):
        assert by.earliest_start[a] >= ef[b]
    starts = acts.set_index("action_id").start_on
    assert all(by.earliest_start[a] >= s for a, s in starts.dropna().items())
    assert (out.slack_days >= 0).all()
    assert out.critical.any()
    assert (out.critical == (out.slack_days == 0)).all()

    # independent oracle for slack (one CoP): latest start = end - longest chain of durations
    # from the step to the end of the plan; slack = LS - ES
    dur = {a: max(1, (d - s).days) if pd.notna(s) and pd.notna(d) else 1
           for a, s, d in zip(acts.action_id, acts.start_on, acts.due_on, strict=True)}
    succ = {a: [x for x, y in zip(deps.action_id, deps.depends_on_id, strict=True) if y == a]
            for a in acts.action_id}
    memo = {}

    def tail(a):
        if a not in memo:
            memo[a] = max((dur[w] + tail(w) for w in succ[a]), default=0)
        return memo[a]

    end = ef.max()
    for a in acts.action_id:
        ls = end - pd.Timedelta(days=tail(a) + dur[a])
        assert by.slack_days[a] == (ls - by.earliest_start[a]).days

    # independent of row order
    rng = np.random.default_rng(seed)
    shuffled = schedule(acts.sample(frac=1, random_state=rng),
                        deps.sample(frac=1, random_state=rng))
    pd.testing.assert_frame_equal(out, shuffled)


@st.composite
def graphs(draw):
    n = draw(st.integers(2, 6))
    nodes = [f"n{i}" for i in range(n)]
    pairs = [(a, b) for a in nodes for b in nodes if a != b]
    edges = draw(st.lists(st.sampled_from(pairs), max_size=12, unique=True))
    # inject a cycle through a random subset of nodes
    ring = draw(st.lists(st.sampled_from(nodes), min_size=2, max_size=n, unique=True))
    edges = sorted(set(edges) | {(ring[i], ring[(i + 1) % len(ring)]) for i in range(len(ring))})
    if draw(st.integers(0, 5)) == 0:
        edges.append((nodes[0], nodes[0]))
    return nodes, edges


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(g=graphs(), seed=st.integers(0, 2**16))
def test_every_cycle_found_on_random_graphs(g, seed):
    nodes, edges = g  # edge (x, y): x comes before y, i.e. y depends on x
    acts = typed("action", actions_frame([(v, "2026-03-01", "2026-03-01") for v in nodes]))
    deps = typed("action_dependency", deps_frame([(y, x) for x, y in edges]))
    owners = typed("action_owner", owners_frame([(v, v.replace("n", "m")) for v in nodes]))
    out = validate_plan(acts, owners, deps)
    cyc = out[out.problem == "cycle"]
    assert set(cyc.action_id) == tarjan_cyclic_nodes(nodes, edges)
    paths = set()
    for msg, a in zip(cyc.message, cyc.action_id, strict=True):
        path = re.search(r"dependency (.*?) \(", msg).group(1).split(" → ")
        assert path[0] == path[-1] and len(set(path[:-1])) == len(path) - 1
        assert a in path
        assert all((x, y) in set(edges) for x, y in zip(path, path[1:], strict=False))
        paths.add(tuple(path[:-1]))
    truth = brute_force_cycles(nodes, edges)
    if len(truth) <= MAX_CYCLES:
        assert paths == truth
    assert set(out.problem) <= {"cycle"}
    with pytest.raises(ValidationError, match="circular dependency"):
        schedule(acts, deps)
    rng = np.random.default_rng(seed)
    again = validate_plan(acts.sample(frac=1, random_state=rng), owners,
                          deps.sample(frac=1, random_state=rng))
    pd.testing.assert_frame_equal(out, again)


def test_many_cycles_still_cover_every_step():
    # the complete digraph on 7 nodes has sum_k C(7,k)(k-1)! = 2,365 elementary cycles
    # (> MAX_CYCLES); every step must still appear in a cycle row
    nodes = [f"n{i}" for i in range(7)]
    edges = [(a, b) for a in nodes for b in nodes if a != b]
    acts = actions_frame([(v, "2026-03-01", "2026-03-01") for v in nodes])
    out = validate_plan(acts, owners_frame([(v, "m") for v in nodes]),
                        deps_frame([(y, x) for x, y in edges]), max_concurrent=10)
    cyc = out[out.problem == "cycle"]
    assert set(cyc.action_id) == set(nodes)
    assert cyc.message.nunique() >= MAX_CYCLES
    assert PLAN_PROBLEMS[0] == "cycle"


# --------------------------------------------------------------------------- progress

PROGRESS = actions_frame([
    ("a", "2026-03-01", "2026-03-06", "done", "2026-03-05"),      # on time
    ("b", "2026-03-01", "2026-03-10", "done", "2026-03-12"),      # 2 days late
    ("c", "2026-03-01", "2026-03-14", "in_progress"),             # overdue by 1 day
    ("d", "2026-03-10", "2026-03-20", "planned"),                 # not yet due
    ("e", "2026-02-20", "2026-03-01", "dropped"),                 # dropped: never overdue
    ("f", "2026-02-20", "2026-03-01", None, None, "c2"),          # blank status = planned
])
PROGRESS.loc[5, "status"] = None
AS_OF = "2026-03-15"


def test_plan_progress_by_hand():
    out = plan_progress(PROGRESS, as_of=AS_OF)
    assert list(out.columns) == ["cop_id", "steps", "done", "in_progress", "planned", "dropped",
                                 "overdue", "on_time_rate"]
    # c1: 5 steps; done a, b; in progress c; planned d; dropped e; overdue c;
    #     on time 1 of 2 done -> 0.5.  c2: 1 planned step, overdue, nothing done -> NaN
    assert out.cop_id.tolist() == ["c1", "c2"]
    assert out.iloc[0, 1:7].tolist() == [5, 2, 1, 1, 1, 1]
    assert out.on_time_rate[0] == 0.5
    assert out.iloc[1, 1:7].tolist() == [1, 0, 0, 1, 0, 1]
    assert np.isnan(out.on_time_rate[1])
    rev = plan_progress(PROGRESS.iloc[::-1], as_of=pd.Timestamp(AS_OF))
    pd.testing.assert_frame_equal(out, rev)


def test_step_status_by_hand():
    out = step_status(PROGRESS, as_of=AS_OF)
    assert list(out.columns) == ["action_id", "status", "overdue", "days_late"]
    by = out.set_index("action_id")
    assert by.status.to_dict() == {"a": "done", "b": "done", "c": "in_progress",
                                   "d": "planned", "e": "dropped", "f": "planned"}
    assert sorted(by.index[by.overdue]) == ["c", "f"]
    # b done 12th, due 10th: 2; c due 14th, as_of 15th: 1; f due 1st: 14; e dropped: blank
    assert by.days_late.astype(object).where(by.days_late.notna(), None).to_dict() == {
        "a": 0, "b": 2, "c": 1, "d": 0, "e": None, "f": 14}
    with pytest.raises(UsageError, match="as_of"):
        step_status(PROGRESS, as_of="someday")


# --------------------------------------------------------------------------- responsibility

RESP_ACTIONS = actions_frame([("a1", None, None), ("a2", None, None), ("a3", None, None),
                              ("a4", None, None), ("a5", None, None, None, None, "c2")])
RESP_OWNERS = owners_frame([("a1", "m1", True), ("a1", "m2"), ("a2", "m2", True),
                            ("a3", "m3"), ("a3", "m4"), ("a5", "m6"), ("gone", "m7")])
RESP_DEPS = deps_frame([("a2", "a1"), ("a3", "a2"), ("a4", "a3")])
MEMBERS = pd.DataFrame({
    "member_id": ["m1", "m2", "m3", "m4", "m5", "m6", "m7"],
    "cop_id": ["c1"] * 5 + ["c2"] * 2,
    "pseudonym": list("ABCDEFG"),
    "role": ["teacher", "student", "parent", "teacher", "school_leader", "teacher", "student"],
})


def test_responsibility_matrix_by_hand():
    out = responsibility_matrix(RESP_ACTIONS, RESP_OWNERS, MEMBERS)
    assert list(out.columns) == ["action_id", "member_id", "role", "responsibility"]
    assert list(out.itertuples(index=False, name=None)) == [
        ("a1", "m1", "teacher", "lead"),
        ("a1", "m2", "student", "shared"),
        ("a2", "m2", "student", "sole"),     # single owner: sole, even if marked lead
        ("a3", "m3", "parent", "shared"),
        ("a3", "m4", "teacher", "shared"),
        ("a5", "m6", "teacher", "sole"),
    ]
    plain = responsibility_matrix(RESP_ACTIONS, RESP_OWNERS)
    assert list(plain.columns) == ["action_id", "member_id", "responsibility"]
    shuffled = responsibility_matrix(RESP_ACTIONS.iloc[::-1], RESP_OWNERS.iloc[::-1], MEMBERS)
    pd.testing.assert_frame_equal(out, shuffled)


def test_plan_indicators_by_hand():
    out = plan_indicators(RESP_ACTIONS, RESP_OWNERS, RESP_DEPS, MEMBERS)
    assert list(out.columns) == ["cop_id", "steps", "shared_share", "cross_owner_dependencies",
                                 "members_without_step", "mean_owners_per_step"]
    c1, c2 = out.iloc[0], out.iloc[1]
    # c1: owners a1 {m1,m2}, a2 {m2}, a3 {m3,m4}, a4 {} -> 4 steps, 2 shared -> 0.5;
    # mean owners (2+1+2+0)/4 = 1.25; dependencies a1->a2 share m2 (not cross),
    # a2->a3 disjoint (cross), a3->a4 left out (a4 has no owner) -> 1/2;
    # members m1..m5, m5 owns nothing -> 1
    assert (c1.cop_id, c1.steps, c1.shared_share, c1.cross_owner_dependencies,
            c1.members_without_step, c1.mean_owners_per_step) == ("c1", 4, 0.5, 0.5, 1, 1.25)
    # c2: a5 {m6}; no dependency -> NaN; m7 owns only a step not in the plan -> 1
    assert (c2.steps, c2.shared_share, c2.members_without_step, c2.mean_owners_per_step) == (
        1, 0.0, 1, 1.0)
    assert np.isnan(c2.cross_owner_dependencies)
    no_members = plan_indicators(RESP_ACTIONS, RESP_OWNERS, RESP_DEPS)
    assert no_members.members_without_step.isna().all()
    assert str(no_members.members_without_step.dtype) == "Int64"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(st.tuples(st.sampled_from(["m1", "m2", "m3"]), st.integers(0, 15),
                                st.integers(0, 6)), min_size=1, max_size=14),
       cap=st.integers(1, 3))
def test_overload_days_match_a_day_by_day_count(steps, cap):
    # oracle: count, for every member and day, the steps whose [start_on, due_on] hold that day
    day0 = D("2026-03-01")
    acts, owners, truth = [], [], {}
    for i, (m, s, d) in enumerate(steps):
        a = f"s{i:02d}"
        first, last = day0 + pd.Timedelta(days=s), day0 + pd.Timedelta(days=s + d)
        acts.append((a, first.date().isoformat(), last.date().isoformat()))
        owners.append((a, m))
    for m in {m for m, _, _ in steps}:
        for k in range(0, 25):
            day = day0 + pd.Timedelta(days=k)
            on = [s for mm, s, d in steps if mm == m and s <= k <= s + d]
            if len(on) > cap:
                truth.setdefault(m, set()).add(day)
    out = validate_plan(typed("action", actions_frame(acts)),
                        typed("action_owner", owners_frame(owners)), NO_DEPS,
                        max_concurrent=cap)
    found: dict[str, set] = {}
    for msg in out.message:
        m = re.search(r"member '(\w+)'", msg).group(1)
        span = re.search(r"(?:on (\S+) |from (\S+) to (\S+) )\(", msg)
        first = D(span.group(1) or span.group(2))
        last = D(span.group(1) or span.group(3))
        days = set(pd.date_range(first, last))
        assert not days & found.get(m, set())  # runs do not overlap
        found.setdefault(m, set()).update(days)
    assert found == truth
    assert set(out.problem) <= {"overloaded_member"}


def test_an_empty_plan_gives_empty_tables_not_errors():
    """A CoP at its Community meeting starts with no steps: every plan function answers."""
    from cocope_kit.analysis import plan_progress, responsibility_matrix, schedule, validate_plan
    from cocope_kit.schema import TABLES

    def empty(t):
        return pd.DataFrame(columns=TABLES[t].column_names)

    problems = validate_plan(empty("action"), empty("action_owner"), empty("action_dependency"))
    assert list(problems.columns) == ["problem", "action_id", "message"] and problems.empty
    assert schedule(empty("action"), empty("action_dependency")).empty
    assert plan_progress(empty("action"), as_of="2026-01-01").empty
    assert responsibility_matrix(empty("action"), empty("action_owner")).empty
