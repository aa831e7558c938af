"""The per-CoP report: the CoP tree (trunk, branches, fruits), for the group itself.

Its audience is the group (DESIGN section 7): members see their own CoP by
pseudonym, consent decides who is in, and nothing is suppressed against each
other -- the attendance grid, the Lorenz curve and the network show single
members anyway, so hiding a role group's row elsewhere would protect nobody.
Its tables still pass the one disclosure step (:class:`~cocope_kit.disclosure.
Disclosure` with audience ``"group"``), which checks that everyone in them is
covered by consent. A note in the report says it is not for readers outside
the school.
"""

from __future__ import annotations

from html import escape

import pandas as pd

from .report_common import _chart, _Doc, _safe, _Tables
from .report_sections import (
    _fruit_interviews,
    _fruit_lessons,
    _fruit_participation,
    _fruit_surveys,
    _fruit_value,
    _fruit_working_together,
)

__all__ = ["cop_tables"]


def _cop_report(doc: _Doc, t: dict, cop_id: str, *, as_of: pd.Timestamp) -> tuple[str, str]:
    from . import analysis, charts

    cop = t["cop"]
    c = cop.iloc[0]
    doc.hidden = {"cop_id"}
    title = f"CoP report: {c['name']}"
    goals, meas = t["goal"], t["goal_measurement"]
    actions, owners, deps = t["action"], t["action_owner"], t["action_dependency"]

    # --- summary
    doc.open_section("summary", "At a glance")
    doc.dl([("School", c["school"]), ("Country", c["country"]), ("Language", c["language"]),
            ("Cycle", c["cycle"]), ("Members in this report", len(t["member"])),
            ("Meetings", len(t["meeting"])), ("As of", as_of.date())])
    doc.close_section()

    # --- tree
    doc.open_section("tree", "The CoP tree")
    doc.p("The trunk is the shared goal, the branches are the steps of the action plan, the "
          "fruits are the results and lessons.")
    try:
        fig = charts.cop_tree(_Tables(t), cop_id, as_of=as_of, paper="A4")
        doc.figure(fig, f"The CoP tree of {c['name']} as of {as_of.date()}.", "tree")
    except Exception as e:  # noqa: BLE001 - a missing picture must not stop the report
        doc.p(f"The tree could not be drawn: {e}", "empty")
    doc.close_section()

    # --- trunk
    doc.open_section("trunk", "Trunk: the shared goal")
    if goals.empty:
        doc.p("No shared goal agreed yet.", "empty")
    for _, g in goals.iterrows():
        doc.raw(f'<p class="lead">{escape(str(g["statement"]))}</p>')
        doc.dl([("Indicator", g["indicator"]), ("Unit", g["unit"]),
                ("Baseline", g["baseline"]), ("Target", g["target"]),
                ("Direction", g["direction"]), ("Deadline", g["deadline"]),
                ("Agreed on", g["agreed_on"])])
        sc = analysis.smart_check(goals[goals.goal_id == g["goal_id"]], ideas=t["idea"])
        doc.table(sc, f"smart-{g['goal_id']}", "SMART check",
                  columns=["criterion", "passed", "message"])
        lv = analysis.gas_levels(g.to_dict())
        if lv:
            doc.table(pd.DataFrame({"level": list(lv), "description": list(lv.values())}),
                      f"gas-levels-{g['goal_id']}", "Goal Attainment Scale (−2 to +2)")
    doc.close_section()

    # --- branches
    doc.open_section("branches", "Branches: the action plan")
    if actions.empty:
        doc.p("No action plan yet.", "empty")
    else:
        deadline = goals["deadline"].dropna().max() if len(goals) else None
        gd = charts.gantt_data(actions, dependencies=deps, owners=owners, members=t["member"],
                               as_of=as_of)
        ax = charts.gantt(gd, today=as_of, deadline=deadline, dependencies=deps)
        doc.figure(ax, "Gantt chart of the action plan (bars: planned dates; colour and hatch: "
                   "status).", "gantt")
        doc.table(gd, "steps", "Steps and their status",
                  columns=["order", "title", "start_on", "due_on", "done_on", "status", "overdue",
                           "days_late", "owners"])
        doc.table(analysis.plan_progress(actions, as_of=as_of), "plan-progress", "Progress of the plan",
                  columns=["steps", "done", "in_progress", "planned", "dropped", "overdue",
                           "on_time_rate"])
        doc.h(3, "Who did what", "who-did-what")
        rm = analysis.responsibility_matrix(actions, owners, t["member"])
        if len(rm):
            ax = charts.responsibility_matrix(rm, members=t["member"], actions=actions)
            doc.figure(ax, "Who is responsible for which step (star: lead; disc: sole owner; "
                       "ring: shared).", "responsibility")
            ps = t["member"].set_index("member_id")["pseudonym"]
            titles = actions.set_index("action_id")["title"]
            grid = (rm.assign(person=rm["member_id"].map(ps), step=rm["action_id"].map(titles))
                    .pivot_table(index="step", columns="person", values="responsibility",
                                 aggfunc="first").fillna("").reset_index())
            grid.columns.name = None
            doc.table(grid, "responsibility", "Responsibility matrix (steps × members)")
        ind = analysis.plan_indicators(actions, owners, deps, t["member"])
        doc.table(ind, "plan-indicators", "Working together in the plan",
                  columns=["steps", "shared_share", "cross_owner_dependencies",
                           "members_without_step", "mean_owners_per_step"])
    doc.close_section()

    # --- fruits
    doc.open_section("fruits", "Fruits: results and lessons")
    doc.h(3, "Goal attainment and progress", "goal-attainment")
    ga = _safe(lambda: analysis.goal_attainment(goals, meas, as_of=as_of))
    for gid in goals["goal_id"]:
        _chart(doc, lambda ev, gid=gid: ev.goal_progress(goals, meas, goal_id=gid),
               "The indicator over time: baseline, measurements, target and deadline.",
               f"goal-{gid}")
    doc.table(ga, "goal-attainment", "Progress towards the target",
              columns=["goal_id", "baseline", "target", "latest_value", "latest_on", "progress",
                       "on_track", "target_reached", "attainment", "attainment_rule"],
              note="Progress = (latest value − baseline) / (target − baseline); 100% means the "
                   "target is reached. Attainment is the GAS level (−2 … +2).")
    gs = _safe(lambda: analysis.gas_scores(goals, meas, by="cop_id", as_of=as_of))
    doc.table(gs, "gas", "Goal Attainment Scaling summary",
              columns=["goals", "scored", "mean_attainment", "tscore"],
              note="T-score after Kiresuk & Sherman (ρ = 0.3): 50 means every goal was attained "
                   "as expected; above 50 better, below worse.")
    doc.table(meas.sort_values("measured_on"), "measurements", "Measurements of the indicator",
              columns=["measured_on", "value", "source", "note"])
    doc.h(3, "Participation and voice", "participation")
    _fruit_participation(doc, t, by_cop=False, cop=cop)
    doc.h(3, "Level of working together", "working-together")
    _fruit_working_together(doc, t, by_cop=False, cop=cop)
    doc.h(3, "Survey results", "surveys")
    _fruit_surveys(doc, t, by_cop=False, cop=cop)
    doc.h(3, "Interview themes", "interviews")
    _fruit_interviews(doc, t, quotes=True)
    doc.h(3, "Lessons and unexpected effects", "lessons")
    _fruit_lessons(doc, t)
    doc.h(3, "Value-creation stories", "value")
    _fruit_value(doc, t, stories=True)
    doc.close_section()
    return title, str(c["school"])



def cop_tables(store: object, cop_id: str, *, as_of: object = None) -> dict[str, pd.DataFrame]:
    """The tables of one CoP's report, for the group itself (notebook 04 shows them).

    The same tables as :func:`cocope_kit.report.write_report` with ``cop_id``:
    consent applied, members by pseudonym, and passed through the disclosure
    step with audience ``"group"``: nothing is hidden against each other, the
    column ``suppressed`` is empty. Keys as in
    :func:`cocope_kit.report_cross.cross_cop_tables`, plus
    ``contributions_by_member`` and ``attendance_grid`` (single members) and
    ``feedback``.

    >>> import cocope_kit as ck
    >>> from cocope_kit.demo import write_demo
    >>> g = cop_tables(write_demo(ck.open_store(":memory:")), "pt-porto", as_of="2026-06-30")
    >>> v = g["voice_by_role_group"]
    >>> v.loc[v.role_group == "student", ["members", "suppressed"]].values.tolist()
    [[2, '']]
    """
    import datetime as _dt

    import matplotlib

    from . import analysis
    from .charts._style import RC_PARAMS
    from .disclosure import Disclosure
    from .errors import UsageError
    from .report_common import _load
    from .report_sections import declare_populations

    if not isinstance(cop_id, str):
        raise UsageError(f"cop_id must be a CoP id (text), got {cop_id!r}")
    day = pd.Timestamp(as_of if as_of is not None else _dt.date.today()).normalize()
    t, register = _load(store, cop_id, False)
    if t["cop"].empty:
        raise UsageError(f"unknown CoP {cop_id!r}")
    doc = _Doc()
    doc.waves = _safe(lambda: analysis.wave_order(t["response"])) or []
    doc.disclosure = Disclosure("group", register=register)
    declare_populations(doc.disclosure, t)
    doc.collecting = True
    with matplotlib.rc_context(RC_PARAMS):
        _cop_report(doc, t, cop_id, as_of=day)
    return {n: df for n, df in doc.disclosure.publish().items() if len(df.columns)}
