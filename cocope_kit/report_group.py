"""The group view of the per-CoP report: what is projected in meeting 3, in plain words.

:func:`group_sections` turns one CoP's consent-filtered tables (and the tables the
report published for the group, :class:`cocope_kit.disclosure.Disclosure` with
audience ``"group"``) into :class:`~cocope_kit.report_model.Section` objects in the
CoP's language: "At a glance" (4-6 sentences computed from the data), the CoP
tree, the goal, the steps, participation and voice, working together, what people
said, lessons and side effects, value stories and "does this match your
experience?". Numbers are written the way a parent or a student reads them
("6 of 7 steps are done"); where nothing was collected it says so, and no empty
chart is drawn. The statistics behind it are in the technical appendix
(:mod:`cocope_kit.report_cop`).

:func:`headline` gives the sentences of "At a glance" alone (notebook 04, the
hand-out).

Examples
--------
>>> import cocope_kit as ck
>>> from cocope_kit.demo import write_demo
>>> store = write_demo(ck.open_store(":memory:"))
>>> for s in headline(store, "at-graz", as_of="2026-06-30", language="en")[:2]:
...     print(s)
The goal is reached: from 14 to 5 incidents per month, the target was 6.
7 of 8 steps of the plan are done. 7 of them were finished by their due date.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from .i18n import N_, Translator
from .report_model import Card, Figure, Items, Paragraph, Quote, Section, Table

__all__ = ["GroupData", "group_data", "group_sections", "headline", "RELIABLE_N"]

RELIABLE_N = 10
"""Below this many answers the group view says "too few answers to check" instead of a
reliability (the number stays in the appendix)."""

ROLE_GROUPS = {"professional": N_("professionals"), "student": N_("students"),
               "family": N_("family members"), "other": N_("others")}
LESSON_KINDS = {"success": N_("Success"), "insight": N_("Insight"),
                "unexpected_benefit": N_("Unexpected benefit"), "challenge": N_("Challenge"),
                "side_effect": N_("Side effect"), "resource": N_("Resource")}
TOP_LESSON_ORDER = ("success", "insight", "unexpected_benefit", "challenge", "side_effect",
                    "resource")
STORY_CYCLES = {"immediate": N_("Straight away"), "potential": N_("What it could lead to"),
                "applied": N_("What we now do differently"), "realized": N_("What changed"),
                "reframing": N_("How we now think about it")}
FEEDBACK_KEYS = {"goal_progress": N_("the progress towards the goal"),
                 "participation": N_("who took part and whose voice was heard"),
                 "collaboration_level": N_("the level of working together")}
PROMPTS = (N_("Does the progress towards our goal match what you saw in class and at school?"),
           N_("Whose voice was heard in our meetings, and whose was missing?"),
           N_("Does the level of working together fit how it felt to work in this group?"),
           N_("Which lesson or side effect surprised you, and what would you add?"),
           N_("What do we take into the next cycle?"))


class GroupData(dict):
    """The tables the group view is computed from (a dict with a few helpers)."""


def group_data(t: Mapping[str, pd.DataFrame], published: Mapping[str, pd.DataFrame], *,
               as_of: pd.Timestamp) -> GroupData:
    """Collect the tables of the group view (analysis tables of one CoP).

    ``t`` are the consent-filtered tables, ``published`` the report's tables after
    the group disclosure step (by name, as :meth:`Disclosure.publish` returns them).
    """
    from . import analysis
    from .report_common import _safe

    d = GroupData(t=t, as_of=as_of, **{k: v for k, v in published.items()})
    goals, meas = t["goal"], t["goal_measurement"]
    d["attainment"] = _safe(lambda: analysis.goal_attainment(goals, meas, as_of=as_of))
    d["plan"] = _safe(lambda: analysis.plan_progress(t["action"], as_of=as_of))
    d["quotes"] = _safe(lambda: analysis.exemplar_quotes(t["coding"], t["interview"], t["code"],
                                                         n=1))
    return d


def _first(df: pd.DataFrame | None) -> pd.Series | None:
    return None if df is None or not len(df) else df.iloc[0]


def _n(tr: Translator, x: float, digits: int = 0) -> str:
    return tr.number(float(x), digits)


# ----------------------------------------------------------------------------- sentences
def _goal_sentence(d: GroupData, tr: Translator) -> str:
    _ = tr.gettext
    goals = d["t"]["goal"]
    if goals.empty:
        return _("No shared goal agreed yet.")
    ga = d["attainment"]
    g = goals.iloc[0]
    row = None if ga is None else _first(ga[ga["goal_id"] == g["goal_id"]])
    if row is None or pd.isna(row["latest_value"]):
        return _("Progress towards the goal: not collected yet (no measurement of the "
                 "indicator).")
    unit = "" if pd.isna(g["unit"]) else f" {g['unit']}"
    vals = {"start": _n(tr, row["baseline"], 1), "now": _n(tr, row["latest_value"], 1) + unit,
            "target": _n(tr, row["target"], 1), "share": tr.percent(row["progress"])}
    if pd.isna(row["progress"]):
        return _("Progress towards the goal cannot be judged: the target equals the starting "
                 "value.")
    if bool(row["target_reached"]):
        return _("The goal is reached: from {start} to {now}, the target was {target}.").format(
            **vals)
    deadline = pd.Timestamp(g["deadline"]) if not pd.isna(g["deadline"]) else None
    if row["progress"] < 0:
        text = _("Moving away from the goal: from {start} to {now}, the target is {target}.")
    elif deadline is not None and d["as_of"] > deadline:
        text = _("Deadline passed: target not reached ({share} of the way): from {start} to "
                 "{now}, the target was {target}.")
    else:
        text = _("On the way to the goal: {share} of the way from {start} to {now}; the target "
                 "is {target}.")
    return text.format(**vals)


def _on_time(actions: pd.DataFrame) -> int:
    done = actions[actions["status"] == "done"]
    ok = pd.to_datetime(done["done_on"]) <= pd.to_datetime(done["due_on"])
    return int(ok.sum())


def _steps_sentence(d: GroupData, tr: Translator) -> str:
    _ = tr.gettext
    p = _first(d["plan"])
    if p is None or not int(p["steps"]):
        return _("Action plan: not collected yet.")
    n, done, late = int(p["steps"]), int(p["done"]), int(p["overdue"])
    if done == n:
        text = tr.ngettext("{n} of {n} step of the plan is done.",
                           "All {n} steps of the plan are done.", n).format(n=n)
    else:
        text = tr.ngettext("{done} of {n} step of the plan is done.",
                           "{done} of {n} steps of the plan are done.", n).format(done=done, n=n)
    if done:
        text += " " + tr.ngettext("{k} of them was finished by its due date.",
                                  "{k} of them were finished by their due date.",
                                  _on_time(d["t"]["action"])).format(k=_on_time(d["t"]["action"]))
    if late:
        text += " " + tr.ngettext("{k} step is overdue (not done, due date passed).",
                                  "{k} steps are overdue (not done, due date passed).",
                                  late).format(k=late)
    return text


def _people_sentence(d: GroupData, tr: Translator) -> str:
    _ = tr.gettext
    mem = d["t"]["member"]
    if mem.empty:
        return _("Members: not collected yet.")
    from .analysis import enrich

    groups = enrich(mem[["member_id", "cop_id", "role"]])["role_group"].value_counts()
    parts = [_role_count(str(g), int(k), tr) for g, k in groups.items()]
    text = tr.ngettext("{n} person took part ({who}).", "{n} people took part ({who}).",
                       len(mem)).format(n=len(mem), who=", ".join(parts))
    ret = _first(d.get("retention"))
    if ret is not None and not pd.isna(ret.get("all_three")):
        text += " " + tr.ngettext("{k} came to all three meetings.",
                                  "{k} came to all three meetings.",
                                  int(ret["all_three"])).format(k=int(ret["all_three"]))
    return text


def _role_count(group: str, k: int, tr: Translator) -> str:
    """``"1 student"``, ``"2 students"`` in the reader's language."""
    if group == "professional":
        return tr.ngettext("{k} professional", "{k} professionals", k).format(k=k)
    if group == "student":
        return tr.ngettext("{k} student", "{k} students", k).format(k=k)
    if group == "family":
        return tr.ngettext("{k} family member", "{k} family members", k).format(k=k)
    return tr.ngettext("{k} other", "{k} others", k).format(k=k)


def _voice_sentence(d: GroupData, tr: Translator) -> str | None:
    _ = tr.gettext
    shares = d.get("voice_by_role_group")
    if shares is None or not len(shares) or not shares["contributions"].notna().any():
        return _("Who spoke in the meetings: not collected yet.")
    total = float(shares["contributions"].sum())
    st = shares[shares["role_group"] == "student"]
    if not len(st) or not int(st["members"].iloc[0]):
        return _("There are no students in this CoP, so no student voice could be heard in "
                 "the meetings.")
    s = st.iloc[0]
    return _("Students were {m} of {n} members ({pm}) and made {c} of {t} contributions "
             "in the meetings ({pc}).").format(
        m=int(s["members"]), n=int(shares["members"].sum()), pm=tr.percent(s["share_of_members"]),
        c=_n(tr, s["contributions"]), t=_n(tr, total), pc=tr.percent(s["share_of_contributions"]))


def _level_name(level: object, tr: Translator) -> str:
    from .instruments import load_instrument

    try:
        label = load_instrument("working_together").constructs[str(level)]["label"]
        return str(label.get(tr.language) or label["en"])
    except (KeyError, Exception):  # noqa: BLE001 - a label is decoration
        return str(level).replace("_", " ")


def _levels(d: GroupData) -> pd.DataFrame | None:
    from .analysis import in_wave_order, wave_order

    lv = d.get("levels")
    if lv is None or not len(lv):
        return None
    waves = wave_order(d["t"]["response"]) if len(d["t"]["response"]) else []
    return in_wave_order(lv, waves)


def _level_sentence(d: GroupData, tr: Translator) -> str:
    _ = tr.gettext
    lv = _levels(d)
    if lv is None:
        return _("Level of working together: not collected yet (no survey answers).")
    first, last = lv.iloc[0], lv.iloc[-1]
    if len(lv) == 1:
        return _("Working together: the group sees itself at the level “{level}” ({n} "
                 "answers).").format(level=_level_name(first["level"], tr), n=int(first["n"]))
    a, b = _level_name(first["level"], tr), _level_name(last["level"], tr)
    if a == b:
        return _("Working together: at the start and at the end the group saw itself at the "
                 "level “{level}”.").format(level=a)
    return _("Working together: from “{before}” at the start to “{after}” at the "
             "end.").format(before=a, after=b)


def _quote(d: GroupData, tr: Translator) -> tuple[str, str] | None:
    """The first quote (text, who said it in words), preferring students."""
    ex = d.get("quotes")
    if ex is None or not len(ex):
        return None
    from .analysis import enrich

    ex = ex.assign(_g=enrich(ex[["respondent_role"]], role_col="respondent_role")["role_group"]
                   .to_numpy()).drop_duplicates("text")
    ex = ex.assign(_o=(ex["_g"] != "student").astype(int)).sort_values(["_o", "rank"],
                                                                      kind="stable")
    r = ex.iloc[0]
    return str(r["text"]), _who(r["_g"], tr)


def _who(group: object, tr: Translator) -> str:
    _ = tr.gettext
    return {"student": _("a student"), "family": _("a family member"),
            "professional": _("a member of staff")}.get(str(group), _("a member"))


def _top_lesson(d: GroupData) -> pd.Series | None:
    les = d["t"]["lesson"]
    if les.empty:
        return None
    order = {k: i for i, k in enumerate(TOP_LESSON_ORDER)}
    return les.assign(_o=les["kind"].map(order).fillna(99)).sort_values(
        ["_o", "created_on", "lesson_id"]).iloc[0]


def headline_sentences(d: GroupData, tr: Translator) -> list[str]:
    """The 4-6 sentences of "At a glance"."""
    _ = tr.gettext
    out = [_goal_sentence(d, tr), _steps_sentence(d, tr),
           _people_sentence(d, tr) + " " + _voice_sentence(d, tr), _level_sentence(d, tr)]
    q = _quote(d, tr)
    if q is not None:
        out.append(_("In an interview {who} said: “{quote}”").format(who=q[1], quote=q[0]))
    top = _top_lesson(d)
    if top is not None:
        out.append(_("A lesson we take along: {title}.").format(title=str(top["title"]).rstrip(".")))
    else:
        out.append(_("Lessons: not collected yet."))
    return out


def headline(store: object, cop_id: str, *, as_of: object = None,
             language: str | None = None) -> list[str]:
    """The sentences of "At a glance" of one CoP (as in its report), in ``language``
    (default the CoP's language)."""
    from .report_cop import group_report_model

    return group_report_model(store, cop_id, as_of=as_of, language=language).sections[0].headline


# ----------------------------------------------------------------------------- sections
def _table(tid: str, caption: str, labels: list[str], rows: list[list[str]],
           numeric: list[bool], notes: list[str] = ()) -> Table:
    return Table(tid, caption, [f"c{i}" for i in range(len(labels))], labels, rows,
                 [list(numeric) for _ in rows], [Paragraph(n, "note") for n in notes])


def _chart(draw, caption: str, fid: str, cls: str = "") -> Figure | Paragraph:
    import matplotlib.pyplot as plt

    from .report_model import figure_from_chart

    try:
        chart = draw()
    except Exception:  # noqa: BLE001 - a missing picture must not stop the report
        plt.close("all")
        return Paragraph("", "")
    return figure_from_chart(chart, caption, fid, cls=cls)


def _goal_section(d: GroupData, tr: Translator) -> Section:
    from .analysis import gas_levels
    from .charts import evaluation as ev

    _ = tr.gettext
    sec = Section("goal", _("Our goal and how far we got"), cls="group")
    goals, meas = d["t"]["goal"], d["t"]["goal_measurement"]
    if goals.empty:
        return sec
    g = goals.iloc[0]
    sec.add(Paragraph(str(g["statement"]), "lead"))
    ga = d["attainment"]
    row = None if ga is None else _first(ga[ga["goal_id"] == g["goal_id"]])
    levels = gas_levels(g.to_dict()) or {}
    if row is not None and not pd.isna(row["attainment"]):
        lv = int(row["attainment"])
        text = _("On the group's own scale from −2 (much less than hoped) to +2 (much more "
                 "than hoped) this is {level}").format(level=f"{lv:+d}".replace("-", "−"))
        if levels.get(lv):
            text += ": " + str(levels[lv])
        sec.add(Paragraph(text + "."))
    if len(meas[meas["goal_id"] == g["goal_id"]]):
        sec.add(_chart(lambda: ev.goal_progress(goals, meas, goal_id=g["goal_id"], as_of=d["as_of"],
                                                language=tr.language),
                       _("The indicator over time: the starting value, each measurement and "
                         "the target."), "f-goal-group", cls="chart"))
    else:
        sec.add(Paragraph(_("Measurements of the indicator: not collected yet."), "empty"))
    return sec


def _steps_section(d: GroupData, tr: Translator) -> Section | None:
    _ = tr.gettext
    sec = Section("steps", _("Overdue steps"), cls="group")
    act = d["t"]["action"]
    if act.empty:
        return None
    day = d["as_of"]
    due = pd.to_datetime(act["due_on"])
    late = act[~act["status"].isin(["done", "dropped"]) & (due < day)]
    if len(late):
        rows = [[str(r["title"]), tr.date(r["due_on"]),
                 tr.ngettext("{n} day", "{n} days", n).format(n=n)]
                for _i, r in late.sort_values("due_on").iterrows()
                for n in [int((day - pd.Timestamp(r["due_on"])).days)]]
        sec.add(_table("t-overdue-group", _("Steps not done whose due date has passed"),
                       [_("Step"), _("Due on"), _("Late by")], rows, [False, False, True]))
    else:
        return None
    sec.add(Paragraph(_("“Finished by the due date” counts the steps done on or before the "
                        "day they were due; “overdue” are steps not done whose due date has "
                        "passed."), "note"))
    return sec


def _participation_section(d: GroupData, tr: Translator) -> Section:
    _ = tr.gettext
    sec = Section("who-took-part", _("Who took part and whose voice was heard"), cls="group")
    shares = d.get("voice_by_role_group")
    rates = d.get("attendance_by_role_group")
    if shares is None or not len(shares):
        return sec
    rate = {} if rates is None else dict(zip(rates["role_group"], rates["rate"], strict=False))
    rows = []
    for _i, r in shares.iterrows():
        rg = str(r["role_group"])
        rows.append([_(ROLE_GROUPS.get(rg, ROLE_GROUPS["other"])), _n(tr, r["members"]),
                     tr.percent(rate[rg]) if not pd.isna(rate.get(rg, np.nan)) else
                     _("not collected yet"),
                     tr.percent(r["share_of_members"]),
                     tr.percent(r["share_of_contributions"])
                     if not pd.isna(r["share_of_contributions"]) else _("not collected yet")])
    sec.add(_table("t-voice-group", _("Taking part and speaking, by group"),
                   [_("Group"), _("Members"), _("Meetings attended"), _("Share of members"),
                    _("Share of what was said")], rows, [False, True, True, True, True],
                   [_("“Share of what was said” counts the contributions noted in the meetings. "
                      "A group that says less than its share of members is heard less.")]))
    return sec


def _reliability_word(n: float, alpha: float, tr: Translator) -> str:
    _ = tr.gettext
    if pd.isna(n) or n < RELIABLE_N:
        return _("too few answers to check")
    if pd.isna(alpha):
        return _("cannot be checked")
    return _("yes, the questions agree") if alpha >= 0.7 else _("read with care")


def _scale_table(d: GroupData, inst: str, tr: Translator) -> Table | None:
    from .instruments import load_instrument

    _ = tr.gettext
    sc = d.get(f"scores:{inst}")
    rel = d.get(f"reliability:{inst}")
    lv = _levels(d)
    if sc is None or not len(sc):
        return None
    waves = list(dict.fromkeys(lv["wave"])) if lv is not None else sorted(set(sc["wave"]))
    if inst != "working_together":
        from .analysis import in_wave_order, wave_order

        waves = list(dict.fromkeys(in_wave_order(sc, wave_order(d["t"]["response"]))["wave"]))
    first, last = waves[0], waves[-1]
    ins = load_instrument(inst)
    rows = []
    for construct in dict.fromkeys(sc["construct"]):
        one = sc[sc["construct"] == construct].set_index("wave")
        lab = ins.constructs.get(construct, {}).get("label", {}) if hasattr(
            ins, "constructs") else {}
        name = str(lab.get(tr.language) or lab.get("en") or construct.replace("_", " "))
        before = one["mean"].get(first, np.nan) if first != last else np.nan
        after = one["mean"].get(last, np.nan)
        r = None if rel is None else rel[(rel["construct"] == construct) & (rel["wave"] == last)]
        n = one["n"].get(last, np.nan)
        rows.append([name, _n(tr, before, 1) if not pd.isna(before) else "–",
                     _n(tr, after, 1) if not pd.isna(after) else "–",
                     _reliability_word(n, np.nan if r is None or not len(r) else
                                       r["alpha"].iloc[0], tr)])
    title = ins.title.get(tr.language) or ins.title["en"]
    return _table(f"t-scales-{inst.replace('_', '-')}",
                  _("{survey}: average answer from 1 to 5").format(survey=title),
                  [_("Scale"), _("At the start"), _("At the end"), _("Can we rely on it?")],
                  rows, [False, True, True, False])


def _together_section(d: GroupData, tr: Translator) -> Section:
    from .charts import evaluation as ev

    _ = tr.gettext
    sec = Section("together", _("How we worked together"), cls="group")
    lv = _levels(d)
    if lv is not None:
        sec.add(_chart(lambda: ev.level_profile(lv, min_cell=1, language=tr.language),
                       _("Average answer for each level of working together (1 to 5), at the "
                         "start and at the end."), "f-levels-group", cls="chart"))
    asym = d.get("asymmetric")
    if asym is not None and len(asym):
        k = int(asym.iloc[-1]["pairs"])
        sec.add(Paragraph(tr.ngettext(
            "{k} pair of members sees their working together very differently (their ratings "
            "of each other are two or more levels apart): worth talking about.",
            "{k} pairs of members see their working together very differently (their ratings "
            "of each other are two or more levels apart): worth talking about.", k).format(k=k)))
    for inst in ("working_together", "cop_climate"):  # learning community: in the appendix
        tab = _scale_table(d, inst, tr)
        if tab is not None:
            sec.add(tab)
    if lv is None:
        sec.add(Paragraph(_("Survey answers: not collected yet."), "empty"))
    return sec


def _said_section(d: GroupData, tr: Translator) -> Section:
    _ = tr.gettext
    sec = Section("said", _("What people said"), cls="group")
    ex = d.get("quotes")
    themes = d.get("themes")
    if themes is not None and len(themes):
        top = themes.sort_values(["interviews", "segments"], ascending=False).head(3)
        tot = int(top["total_interviews"].iloc[0])
        sec.headline.append(_("Themes named most often in the {n} interviews: {themes}.").format(
            n=tot, themes=", ".join(f"{str(r['label']).replace('_', ' ')} ({int(r['interviews'])})"
                                    for _i, r in top.iterrows())))
    if ex is None or not len(ex):
        sec.add(Paragraph(_("Interviews: not collected yet."), "empty"))
        return sec
    from .analysis import enrich

    ex = ex.assign(_g=enrich(ex[["respondent_role"]], role_col="respondent_role")["role_group"]
                   .to_numpy()).drop_duplicates("text")
    for _i, r in ex.head(4).iterrows():
        sec.add(Quote(str(r["text"]), _("{who}, on {theme}").format(
            who=_who(r["_g"], tr), theme=str(r["label"]).replace("_", " "))))
    return sec


def _lessons_section(d: GroupData, tr: Translator) -> Section:
    _ = tr.gettext
    les = d["t"]["lesson"]
    sec = Section("lessons-and-side-effects", _("Lessons and side effects"), cls="group")
    if les.empty:
        sec.add(Paragraph(_("Lessons: not collected yet."), "empty"))
        return sec
    counts = les["kind"].value_counts()
    sec.headline.append(tr.ngettext("{n} lesson written down.", "{n} lessons written down.",
                                    len(les)).format(n=len(les)) + " " + ", ".join(
        f"{_(LESSON_KINDS.get(k, k))}: {int(c)}" for k, c in counts.items()))
    order = {k: i for i, k in enumerate(TOP_LESSON_ORDER)}
    for _i, r in les.assign(_o=les["kind"].map(order).fillna(99)).sort_values(
            ["_o", "lesson_id"]).iterrows():
        sec.add(Card(str(r["title"]), str(r["text"]),
                     _(LESSON_KINDS.get(str(r["kind"]), str(r["kind"]))), str(r["kind"])))
    return sec


def _value_section(d: GroupData, tr: Translator) -> Section:
    from . import analysis
    from .report_common import _safe

    _ = tr.gettext
    sec = Section("stories", _("Value stories"), cls="group")
    cyc = _safe(lambda: analysis.story_cycles(d["t"]["value_story"]))
    if cyc is None or cyc.empty:
        sec.add(Paragraph(_("Value stories: not collected yet."), "empty"))
        return sec
    n = int(cyc["story_id"].nunique())
    sec.headline.append(tr.ngettext("{n} member told how the CoP made a difference for them.",
                                    "{n} members told how the CoP made a difference for them.",
                                    n).format(n=n))
    for i, (_sid, story) in enumerate(cyc.groupby("story_id", sort=True), start=1):
        facts = [(_(STORY_CYCLES.get(str(c), str(c))), str(x))
                 for c, x in zip(story["cycle"], story["text"], strict=True) if not pd.isna(x)]
        sec.add(Card(_("Story {i}").format(i=i), tag="story", facts=facts))
    return sec


def _prompts_section(d: GroupData, tr: Translator) -> Section:
    _ = tr.gettext
    sec = Section("match", _("Does this match your experience?"), cls="group")
    fb = d.get("feedback")
    if fb is not None and len(fb):
        for _i, r in fb.iterrows():
            what = _(FEEDBACK_KEYS.get(str(r["result_key"]), str(r["result_key"])))
            sec.headline.append(_("On {what}: {m} of {n} said it matches, {p} partly, {x} not.")
                                .format(what=what, m=int(r["matches"]), n=int(r["n"]),
                                        p=int(r["partly"]), x=int(r["does_not_match"])))
    else:
        sec.headline.append(_("Members' answers to this question: not collected yet."))
    sec.add(Paragraph(_("Talk about it together:")))
    sec.add(Items([_(p) for p in PROMPTS]))
    return sec


def group_sections(d: GroupData, tr: Translator, *, tree: Figure | Paragraph | None) -> list:
    """The sections of the group view, in the order they are projected."""
    _ = tr.gettext
    glance = Section("summary", _("At a glance"), headline=headline_sentences(d, tr),
                     cls="group")
    out = [glance]
    if tree is not None:
        out.append(Section("tree", _("Our CoP tree"), blocks=[tree], cls="group"))
    out += [_goal_section(d, tr), _steps_section(d, tr), _participation_section(d, tr),
            _together_section(d, tr), _said_section(d, tr), _lessons_section(d, tr),
            _value_section(d, tr), _prompts_section(d, tr)]
    out = [s for s in out if s is not None]
    for s in out:  # a chart that could not be drawn leaves an empty paragraph: drop it
        s.blocks = [b for b in s.blocks if not (isinstance(b, Paragraph) and not b.text)]
    return out
