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

import pandas as pd

from .report_common import _CSS, _Doc, _safe, _Tables
from .report_model import Paragraph, Report, figure_from_chart
from .report_sections import (
    _fruit_interviews,
    _fruit_lessons,
    _fruit_participation,
    _fruit_surveys,
    _fruit_value,
    _fruit_working_together,
)

__all__ = ["cop_tables", "group_parts", "group_report_model"]


def _cop_report(doc: _Doc, t: dict, cop_id: str, *, as_of: pd.Timestamp) -> tuple[str, str]:
    """The technical appendix of one CoP's report (the group view is
    :mod:`cocope_kit.report_group`): the goal in detail, the plan, every table of the
    results with reliability, tests and effect sizes, coder agreement and method notes."""
    from . import analysis, charts

    cop = t["cop"]
    c = cop.iloc[0]
    doc.hidden = {"cop_id"}
    title = f"CoP report: {c['name']}"
    goals, meas = t["goal"], t["goal_measurement"]
    actions, owners, deps = t["action"], t["action_owner"], t["action_dependency"]

    # --- trunk
    doc.open_section("trunk", "Trunk: the shared goal in detail")
    if goals.empty:
        doc.p("No shared goal agreed yet.", "empty")
    for _, g in goals.iterrows():
        doc.dl([("Goal", g["statement"]), ("Indicator", g["indicator"]), ("Unit", g["unit"]),
                ("Starting value (baseline)", g["baseline"]), ("Target", g["target"]),
                ("Direction", g["direction"]), ("Deadline", g["deadline"]),
                ("Agreed on", g["agreed_on"])])
        sc = analysis.smart_check(goals[goals.goal_id == g["goal_id"]], ideas=t["idea"])
        doc.table(sc, f"smart-{g['goal_id']}", "SMART check",
                  columns=["criterion", "passed", "message"])
        lv = analysis.gas_levels(g.to_dict())
        if lv:
            doc.table(pd.DataFrame({"level": list(lv), "description": list(lv.values())}),
                      f"gas-levels-{g['goal_id']}", "The group's goal scale (−2 to +2)")
    doc.close_section()

    # --- branches
    doc.open_section("branches", "Branches: the action plan in detail")
    if actions.empty:
        doc.p("No action plan yet.", "empty")
    else:
        deadline = goals["deadline"].dropna().max() if len(goals) else None
        gd = charts.gantt_data(actions, dependencies=deps, owners=owners, members=t["member"],
                               as_of=as_of)
        ax = charts.gantt(gd, today=as_of, deadline=deadline, dependencies=deps)
        doc.figure(ax, "The steps of the action plan over time (bars: planned dates; colour and "
                   "hatch: status).", "gantt")
        doc.table(gd, "steps", "Steps and their status",
                  columns=["order", "title", "start_on", "due_on", "done_on", "status", "overdue",
                           "days_late", "owners"])
        doc.table(analysis.plan_progress(actions, as_of=as_of), "plan-progress",
                  "Progress of the plan",
                  columns=["steps", "done", "in_progress", "planned", "dropped", "overdue",
                           "on_time_rate"],
                  labels={"on_time_rate": "finished by the due date (share of done steps)",
                          "overdue": "overdue (not done, due date passed)"})
        doc.h(3, "Who did what", "who-did-what")
        rm = analysis.responsibility_matrix(actions, owners, t["member"])
        if len(rm):
            ax = charts.responsibility_matrix(rm, members=t["member"], actions=actions)
            doc.figure(ax, "Who is responsible for which step (star: lead; disc: sole owner; "
                       "ring: shared).", "responsibility")
        ind = analysis.plan_indicators(actions, owners, deps, t["member"])
        doc.table(ind, "plan-indicators", "Working together in the plan",
                  columns=["steps", "shared_share", "cross_owner_dependencies",
                           "members_without_step", "mean_owners_per_step"],
                  labels={"shared_share": "steps with two or more people responsible",
                          "cross_owner_dependencies": "steps that wait for another person's "
                                                      "step",
                          "members_without_step": "members without a step",
                          "mean_owners_per_step": "people per step (mean)"})
    doc.close_section()

    # --- fruits
    doc.open_section("fruits", "Fruits: all results and their statistics")
    doc.h(3, "Goal attainment and progress", "goal-attainment")
    ga = _safe(lambda: analysis.goal_attainment(goals, meas, as_of=as_of))
    doc.table(ga, "goal-attainment", "Progress towards the target",
              columns=["goal_id", "baseline", "target", "latest_value", "latest_on", "progress",
                       "on_track", "target_reached", "attainment", "attainment_rule"],
              labels={"goal_id": "goal", "latest_value": "latest value",
                      "latest_on": "measured on", "attainment": "level on the goal scale"},
              note="Progress = (latest value − baseline) / (target − baseline); 100% means the "
                   "target is reached. The level on the goal scale is the group's own "
                   "−2 … +2 scale (Goal Attainment Scaling).")
    gs = _safe(lambda: analysis.gas_scores(goals, meas, by="cop_id", as_of=as_of))
    doc.table(gs, "gas", "Goal Attainment Scaling summary",
              columns=["goals", "scored", "mean_attainment", "tscore"],
              note="T-score (Kiresuk & Sherman, correlation between goals assumed 0.3): 50 means "
                   "every goal reached the level the group expected (0 on its scale); above 50 "
                   "better, below worse. A target reached by more than 100% can still be "
                   "level 0 when the group's scale puts the target there.")
    doc.table(meas.sort_values("measured_on"), "measurements", "Measurements of the indicator",
              columns=["measured_on", "value", "source", "note"],
              empty="not collected yet.")
    doc.h(3, "Participation and voice", "participation")
    _fruit_participation(doc, t, by_cop=False, cop=cop)
    doc.h(3, "Level of working together", "working-together")
    _fruit_working_together(doc, t, by_cop=False, cop=cop)
    doc.h(3, "Survey results", "surveys")
    _fruit_surveys(doc, t, by_cop=False, cop=cop)
    doc.h(3, "Interview themes and coder agreement", "interviews")
    _fruit_interviews(doc, t, quotes=False)
    doc.h(3, "Reflections and feedback", "lessons")
    _fruit_lessons(doc, t, cards=False)
    doc.h(3, "Value-creation stories", "value")
    _fruit_value(doc, t, stories=False)
    doc.close_section()
    return title, str(c["school"])


def group_report_model(store: object, cop_id: str, *, as_of: object = None,
                       language: str | None = None, names: bool = False,
                       min_cell: int = 5) -> Report:
    """The report model of one CoP: the group view in the CoP's language (or ``language``)
    and the technical appendix.

    >>> import cocope_kit as ck
    >>> from cocope_kit.demo import write_demo
    >>> r = group_report_model(write_demo(ck.open_store(":memory:")), "at-graz",
    ...                        as_of="2026-06-30")
    >>> r.language, r.sections[0].title, len(r.sections[0].headline)
    ('de', 'Auf einen Blick', 6)
    """
    return group_parts(store, cop_id, as_of=as_of, language=language, names=names,
                       min_cell=min_cell)[0]


def group_parts(store: object, cop_id: str, *, as_of: object = None,
                language: str | None = None, names: bool = False,
                min_cell: int = 5) -> tuple[Report, dict]:
    """:func:`group_report_model` and the tables of the group view
    (:func:`cocope_kit.report_group.group_data`), for the hand-out."""
    import datetime as _dt

    import matplotlib

    from . import analysis, charts
    from .charts._style import RC_PARAMS
    from .disclosure import Disclosure
    from .errors import UsageError
    from .i18n import reader_language, translator
    from .report_common import _left_out_text, _load
    from .report_group import group_data, group_sections
    from .report_sections import declare_populations

    if not isinstance(cop_id, str):
        raise UsageError(f"cop_id must be a CoP id (text), got {cop_id!r}")
    try:
        day = pd.Timestamp(as_of if as_of is not None else _dt.date.today()).normalize()
    except (ValueError, TypeError) as e:
        raise UsageError(f"as_of must be a date like 2026-06-30, got {as_of!r}") from e
    t, register = _load(store, cop_id, names)
    if t["cop"].empty:
        raise UsageError(f"unknown CoP {cop_id!r}: the store has no CoP with this id")
    c = t["cop"].iloc[0]
    tr = translator(language or reader_language(c.get("language")))
    _ = tr.gettext
    doc = _Doc()
    doc.waves = _safe(lambda: analysis.wave_order(t["response"])) or []
    doc.disclosure = Disclosure("group", min_cell, register=register)
    declare_populations(doc.disclosure, t)
    with matplotlib.rc_context(RC_PARAMS):
        _cop_report(doc, t, cop_id, as_of=day)
        published = doc.disclosure.publish()
        data = group_data(t, published, as_of=day)
        try:
            fig = charts.cop_tree(_Tables(t), cop_id, as_of=day, paper="A4",
                                  language=tr.language)
            tree = figure_from_chart(fig, _("Our CoP tree on {date}: the trunk is the shared "
                                            "goal, the branches are the steps, the fruits are "
                                            "the results and lessons.").format(
                                                date=tr.date(day, "long")), "f-tree", cls="tree")
        except Exception:  # noqa: BLE001 - a missing picture must not stop the report
            tree = Paragraph(_("The tree could not be drawn."), "empty")
        sections = group_sections(data, tr, tree=tree)
    n_out = int((~register["included"]).sum())
    privacy = " ".join([
        tr.ngettext("{n} person is left out because consent/assent is missing, pending, "
                    "refused or withdrawn.",
                    "{n} people are left out because consent/assent is missing, pending, "
                    "refused or withdrawn.", n_out).format(n=n_out),
        _("For the CoP itself: keep it within the CoP."),
        _("People are shown by pseudonym.") if not names else
        _("This copy shows real names: it holds personal data; do not share it.")])
    del _left_out_text
    labels = {"contents": _("Contents"), "appendix": _("Technical appendix"),
              "appendix_hint": _("Reliability, tests and effect sizes, coder agreement, full "
                                 "tables and notes on the methods. Click to open."),
              "notes": _("Notes"),
              "footer": _("Made with cocope_kit. Self-contained file: it loads nothing from "
                          "the internet. Print it with your browser's “Print to PDF”.")}
    return Report(language=tr.language,
                  title=_("CoP report: {name}").format(name=c["name"]),
                  subtitle=_("{school} · as of {date}").format(school=c["school"],
                                                               date=tr.date(day, "long")),
                  notes=[Paragraph(privacy, "privacy")], sections=sections,
                  appendix=list(doc.parts), footnotes=list(doc.footnotes), labels=labels,
                  css=_CSS, appendix_lang=None if tr.language == "en" else "en"), data


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
