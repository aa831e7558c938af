"""The fruits sections shared by the per-CoP and the cross-CoP report.

Each section computes its analysis tables through :meth:`_Doc.tab`, which
declares them to the document's disclosure step (:mod:`cocope_kit.disclosure`):
which population their cells belong to, which columns identify the cell, and
which numbers are about it. Charts draw from the tables ``tab`` returns (the
publishable ones), never from the analysis tables. :func:`declare_populations`
declares the persons the cells are counted from.
"""

from __future__ import annotations

import pandas as pd

from . import report_common as rc
from .disclosure import MARK_COLUMN, Disclosure
from .report_common import (
    _blank,
    _chart,
    _Doc,
    _inst_data,
    _inst_title,
    _many_cops,
    _safe,
    _scores,
    _survey_instruments,
)
from .report_model import Card, Items, Quote

__all__ = ["OUTSIDE_NOTE", "GROUP_NOTE", "declare_populations"]

OUTSIDE_NOTE = ("Numbers about fewer than {k} people are hidden (–), and so are as many other "
                "numbers of this report as needed so that no hidden number can be worked out "
                "from totals, differences or shares anywhere in it; the column 'suppressed' "
                "says why ('small cell', 'complementary', or which columns were hidden).")
GROUP_NOTE = ("This report is for the CoP itself: every member is shown by pseudonym, small "
              "groups included (the group knows who is in it). It holds numbers about single "
              "people: keep it within the CoP. For readers outside the school use the "
              "cross-CoP report, where small groups are hidden.")

PLACE = ("country", "cop_id")
_HIER = [PLACE, ("role_group",)]
_SHARE = [{}, {"role_group": None}]


def _role_group(df: pd.DataFrame, role_col: str) -> pd.Series:
    from . import analysis

    return analysis.enrich(df[[role_col]].rename(columns={role_col: "_r"}),
                           role_col="_r")["role_group"].to_numpy()


def declare_populations(d: Disclosure, t: dict) -> None:
    """Declare to ``d`` the persons behind every table of a report on the tables ``t``.

    * ``members``: the consented members, by country > CoP and role group;
    * ``people``: the same, one cell per member (tables about single members);
    * ``respondents:<instrument>``: who has a score, per wave and construct;
    * ``levels``: who answered the working-together survey, per wave;
    * ``raters``: who gave pair ratings, per wave;
    * ``interviewees`` and ``authors`` (of value-creation stories).
    """
    from . import analysis

    country = t["cop"].set_index("cop_id")["country"]
    mem = t["member"][["member_id", "cop_id", "role"]].copy()
    mem["role_group"] = _role_group(mem, "role")
    mem["country"] = mem["cop_id"].map(country)
    d.population("members", mem, hierarchy=_HIER)
    d.population("people", mem, hierarchy=[("country", "cop_id", "member_id")])
    role_of = mem.set_index("member_id")["role_group"]

    def persons(df: pd.DataFrame, pid: str, role: str | None) -> pd.DataFrame:
        out = df.rename(columns={pid: "person"}).copy()
        out["role_group"] = (_role_group(out, role) if role else
                             out["person"].map(role_of).fillna("other").to_numpy())
        out["country"] = out["cop_id"].map(country)
        return out

    for inst in _survey_instruments(t["response"]):
        sc = _safe(lambda inst=inst: _scores(t, inst))
        if sc is None or not len(sc):
            continue
        sc = persons(sc[sc["score"].notna()], "respondent_id", "respondent_role")
        d.population(f"respondents:{inst}", sc, hierarchy=_HIER, fixed=("wave", "construct"),
                     person="person")
        if inst == "working_together":
            d.population("levels", sc.drop(columns="construct"), hierarchy=_HIER,
                         fixed=("wave",), person="person")
    pr = t["pair_rating"]
    d.population("raters", persons(pr[["rater_id", "cop_id", "wave"]], "rater_id", None),
                 hierarchy=_HIER, fixed=("wave",), person="person")
    iv = t["interview"]
    d.population("interviewees", persons(iv[["respondent_id", "cop_id", "respondent_role"]],
                                         "respondent_id", "respondent_role"),
                 hierarchy=_HIER, person="person")
    vs = t["value_story"]
    d.population("authors", persons(vs[["author_id", "cop_id"]], "author_id", None),
                 hierarchy=_HIER, person="person")
    fb = t["result_feedback"]
    who = fb["member_id"].where(fb["member_id"].notna(), "anonymous:" + fb["feedback_id"])
    d.population("feedback", persons(fb.assign(who=who)[["who", "cop_id", "result_key"]],
                                     "who", None),
                 hierarchy=_HIER, fixed=("result_key",), person="person")
    del analysis


def _note(doc: _Doc) -> str:
    d = doc.disclosure
    text = OUTSIDE_NOTE.format(k=d.k) if d.audience == "outside" else GROUP_NOTE
    return doc.footnote(text)


# ----------------------------------------------------------------------------- participation
def _fruit_participation(doc: _Doc, t: dict, *, by_cop: bool, cop: pd.DataFrame) -> None:
    from . import analysis

    att, mem, meet = t["attendance"], t["member"], t["meeting"]
    mark = _note(doc)
    ret = doc.tab("retention", lambda: analysis.retention(
        att, mem, meet, by=("country", "cop_id") if by_cop else ("cop_id",), cop=cop),
        population="members", by=["country", "cop_id"], values="*")
    doc.table(ret, "retention", "Who came to the three meetings (retention)")

    def rates_table() -> pd.DataFrame:
        rates = analysis.attendance_rates(att, mem, meet, by=("cop_id", "role_group"))
        people = analysis.enrich(mem[["member_id", "cop_id", "role"]])
        counts = people.groupby(["cop_id", "role_group"]).size().rename("n").reset_index()
        rates = rates.merge(counts, on=["cop_id", "role_group"], how="left")
        rates["n"] = rates["n"].fillna(0).astype("int64")
        return rates[["cop_id", "role_group", "n", "expected", "attended", "rate"]]

    rates = doc.tab("attendance_by_role_group", rates_table, population="members",
                    by=["cop_id", "role_group"], values="*")
    doc.table(rates, "attendance-role-group", f"Attendance by role group {mark}",
              columns=["cop_id", "role_group", "n", "expected", "attended", "rate"],
              labels={"n": "people"})
    voice = doc.tab("voice", lambda: analysis.voice_equity(att, mem, meet, by=("cop_id",)),
                    population="members", by=["cop_id"], public=["meetings"],
                    depends={c: [{"role_group": "student"}, {}] for c in
                             ("student_share_of_members", "student_share_of_voice",
                              "voice_ratio")},
                    values=["members", "contributions", "gini", "entropy_norm"])
    if voice is not None and not (by_cop and _many_cops(
            doc, "students' share of voice per CoP")):
        if by_cop and not voice["student_share_of_members"].notna().any():
            doc.p("(No chart of the students' share of voice: in every CoP the students are "
                  "too few to show.)", "note")
        elif by_cop:
            _chart(doc, lambda ev: ev.voice_shares(voice),
                   "Students' share of voice next to their share of members, per CoP "
                   "(hidden where the students of a CoP are too few to show).", "voice-shares")
    if not by_cop:  # the group's own view: single members are shown (people)
        per_member = doc.tab("contributions_by_member", lambda: analysis.contribution_shares(
            att, mem, meet, by=("cop_id", "member_id"), within="cop_id"),
            population="people", by=["cop_id", "member_id"], values="*")
        if per_member is not None and voice is not None:
            _chart(doc, lambda ev: ev.voice_equity(ev.lorenz_data(per_member), voice),
                   "How evenly the contributions were spread (Lorenz curve; the diagonal is "
                   "everyone equal).", "lorenz")
        grid = doc.tab("attendance_grid", lambda: _attendance_grid(att, mem, meet),
                       population="people", by=["cop_id", "member_id", "meeting_id"],
                       values="*")
        if grid is not None:
            _chart(doc, lambda ev: ev.attendance_heatmap(grid),
                   "Who was at which meeting, and how often they spoke.", "attendance")
    doc.table(voice, "voice-equity", "Voice: how evenly the contributions were spread",
              note="Gini 0 means everyone spoke equally often; evenness 1 means the same. "
                   "A voice ratio below 1 means students spoke less than their share of members.")
    shares = doc.tab("voice_by_role_group", lambda: analysis.contribution_shares(
        att, mem, meet, by=("cop_id", "role_group"), within="cop_id"),
        population="members", by=["cop_id", "role_group"], values=["members", "contributions"],
        depends={c: _SHARE for c in ("share_of_members", "share_of_contributions", "ratio")})
    doc.table(shares, "voice-role-group", f"Share of voice by role group {mark}")


def _attendance_grid(att: pd.DataFrame, mem: pd.DataFrame, meet: pd.DataFrame) -> pd.DataFrame:
    from .charts.evaluation import attendance_data

    return attendance_data(att, mem, meet)


# ----------------------------------------------------------------------------- working together
_LEVEL_COLS = ["cop_id", "wave", "n", "cooperation", "coordination", "collaboration", "level",
               "n_fit", "fit_most_frequent"]


def _fruit_working_together(doc: _Doc, t: dict, *, by_cop: bool,
                            cop: pd.DataFrame) -> pd.DataFrame | None:
    """The working-together fruits; returns the published levels per CoP and wave."""
    from . import analysis

    def levels_table(by=("cop_id", "wave")) -> pd.DataFrame | None:
        scores = _scores(t, "working_together")
        if scores is None or not len(scores):
            return None
        _, ans = _inst_data(t, "working_together")
        lv = analysis.level_of_working_together(scores, ans, by=by)
        return lv[[c for c in _LEVEL_COLS if c in lv.columns]]

    levels = doc.tab("levels", levels_table, population="levels", by=["cop_id", "wave"],
                     values="*")
    if levels is not None and len(doc.shown(levels)):
        if by_cop and doc.n_cops > rc.CROSS_COP_CHARTS:
            pooled = doc.tab("levels_all", lambda: levels_table(by=("wave",)),
                             population="levels", by=["wave"], values="*")
            if pooled is not None and len(doc.shown(pooled)):
                pooled = pooled.assign(cop_id="all CoPs")[["cop_id", *pooled.columns]]
                _chart(doc, lambda ev: ev.level_profile(pooled, min_cell=doc.disclosure.k),
                       f"Subscale means of working together per wave (1–5), all "
                       f"{doc.n_cops:,} CoPs together, with the level reached (the table gives "
                       "each CoP).", "level-profile-all")
        else:
            _chart(doc, lambda ev: ev.level_profile(levels, min_cell=doc.disclosure.k),
                   "Subscale means of working together per wave (1–5), with the level reached.",
                   "level-profile")
    doc.table(levels, "levels", "Level of working together per wave (means of the subscales, 1–5)",
              columns=_LEVEL_COLS,
              note="The level is classified from the three subscale means by the rule documented "
                   "in cocope_kit.analysis.collaboration; 'fit' counts which description "
                   "respondents chose as fitting best.")
    tr = None
    if levels is not None and len(doc.shown(levels)):
        # from the published levels only: a hidden level never enters a transition
        tr = _safe(lambda: analysis.level_transitions(doc.shown(levels), by=("cop_id",)))
        if by_cop and tr is not None and len(tr) and not _many_cops(
                doc, "the level of working together from pre to post per CoP"):
            _chart(doc, lambda ev: ev.level_transitions(tr),
                   "Level of working together from pre to post, one line per CoP.",
                   "level-transitions")
        doc.table(tr, "level-change", "Change of the level between the waves")
    net = doc.tab("network", lambda: analysis.network_measures(
        t["pair_rating"], t["member"], by=("cop_id", "wave")),
        population="raters", by=["cop_id", "wave"], values="*")
    doc.table(net, "network", "Collaboration network from the pair ratings",
              columns=["cop_id", "wave", "members", "ratings", "ties", "density", "mean_level",
                       "reciprocity"])
    pr = t["pair_rating"]
    if not by_cop and len(pr):  # the group's own view: the network of named members
        asym = _safe(lambda: analysis.asymmetric_pairs(pr))
        wave = doc.latest_wave(pr["wave"])
        _chart(doc, lambda ev: ev.network(pr, t["member"], asymmetric=asym,
                                          cop_id=str(pr["cop_id"].iloc[0]), wave=wave),
               f"The collaboration network ({wave}): who rates working together with whom.",
               "network")
    n_asym = doc.tab("asymmetric", lambda: analysis.asymmetric_pairs(pr).groupby(
        ["cop_id", "wave"]).size().rename("pairs").reset_index(),
        population="raters", by=["cop_id", "wave"], values="*")
    doc.table(n_asym, "asymmetric", "Pairs who see their working together very differently "
              "(ratings of each other differ by 2 or more)", empty="none.")
    return levels


# ----------------------------------------------------------------------------- surveys
_SCORE_VALUES = ["n", "mean", "sd", "median", "ci_low", "ci_high"]


def _fruit_surveys(doc: _Doc, t: dict, *, by_cop: bool, cop: pd.DataFrame) -> None:
    from . import analysis

    insts = _survey_instruments(t["response"])
    if not insts:
        doc.p("No survey responses yet.", "empty")
        return
    mark = _note(doc)
    first, last = (doc.waves[0], doc.waves[-1]) if len(doc.waves) >= 2 else ("pre", "post")
    for inst in insts:
        title = _inst_title(inst)
        pop = f"respondents:{inst}"
        if pop not in doc.disclosure.populations:
            continue
        doc.h(3 if by_cop else 4, title, f"survey-{inst}")
        resp, ans = _inst_data(t, inst)
        by = ("country", "cop_id", "wave") if by_cop else ("cop_id", "wave")
        cs = doc.tab(f"scores:{inst}", lambda by=by, inst=inst: analysis.construct_scores(
            _scores(t, inst), by=by, cop=cop), population=pop, by=[*by, "construct"],
            values="*")
        if cs is not None and len(doc.shown(cs)):
            if by_cop:
                pooled = doc.tab(f"scores_all:{inst}", lambda inst=inst: (lambda p: p[p["n"] > 0])(
                    analysis.construct_scores(_scores(t, inst), by=("wave",))),
                    population=pop, by=["wave", "construct"], values="*")
                if pooled is not None and len(doc.shown(pooled)):
                    _chart(doc, lambda ev, pooled=pooled: ev.construct_means(
                        pooled, min_cell=doc.disclosure.k),
                        f"{title}: scale means with 95% CI, pre and post, all CoPs together.",
                        f"means-{inst}")
            else:
                _chart(doc, lambda ev, cs=cs: ev.construct_means(cs, min_cell=doc.disclosure.k),
                       f"{title}: scale means with 95% CI, pre and post.", f"means-{inst}")
        doc.table(cs, f"scores-{inst}", f"{title}: scale scores per wave",
                  columns=[*by, "construct", *_SCORE_VALUES])
        rel = doc.tab(f"reliability:{inst}", lambda resp=resp, ans=ans, inst=inst:
                      analysis.reliability(resp, ans, inst, by=("cop_id", "wave")),
                      population=pop, by=["cop_id", "wave", "construct"],
                      values=["alpha", "ci_low", "ci_high"], counts=["n"], public=["k"])
        doc.table(rel, f"reliability-{inst}",
                  f"{title}: reliability (Cronbach's α, listwise, per survey wave)",
                  columns=["cop_id", "wave", "construct", "alpha", "ci_low", "ci_high", "n", "k"],
                  note="α below 0.7 with few respondents: read the scale scores with care. The "
                       "95% interval (Feldt) is wide with few respondents and can reach below 0: "
                       "then these answers cannot tell whether the items of the construct agree.")
        if by_cop:
            pooled_rel = doc.tab(f"reliability_all:{inst}", lambda resp=resp, ans=ans, inst=inst:
                                 analysis.reliability(resp, ans, inst, by=("wave",)),
                                 population=pop, by=["wave", "construct"],
                                 values=["alpha", "ci_low", "ci_high"], counts=["n"],
                                 public=["k"])
            doc.table(pooled_rel, f"reliability-all-{inst}",
                      f"{title}: reliability over all CoPs together, per survey wave",
                      columns=["wave", "construct", "alpha", "ci_low", "ci_high", "n", "k"])
        waves = [{"wave": first}, {"wave": last}]
        pp_cols = ["method", "test", "n_pre", "n_post", "mean_pre", "mean_post", "mean_diff",
                   "w_plus", "w_minus", "u", "p_value", "rank_biserial", "dz", "g", "caution"]
        pp = doc.tab(f"change:{inst}", lambda inst=inst: analysis.prepost_change(
            _scores(t, inst), by=("cop_id",), pre=first, post=last),
            population=pop, by=["cop_id", "construct"], counts=["n_pairs"],
            depends={c: waves for c in pp_cols})
        doc.table(pp, f"change-{inst}", f"{title}: change from {first} to {last}",
                  columns=["cop_id", "construct", "method", "n_pre", "n_post", "n_pairs",
                           "mean_pre", "mean_post", "mean_diff", "p_value", "rank_biserial",
                           "caution"])
        rby = ("wave", "role_group") if by_cop else ("cop_id", "wave", "role_group")
        rg = doc.tab(f"scores_by_role_group:{inst}", lambda inst=inst, rby=rby: (
            lambda p: p[p["n"] > 0])(analysis.construct_scores(_scores(t, inst), by=rby)),
            population=pop, by=[*rby, "construct"], values="*")
        if not by_cop:
            _role_group_chart(doc, rg, title=title, inst=inst)
        doc.table(rg, f"scores-role-group{'-all' if by_cop else ''}-{inst}",
                  f"{title}: scale scores by role group{', all CoPs' if by_cop else ''} {mark}",
                  columns=[*rby[:-1], "construct", "role_group", "n", "mean", "sd"])


def _role_group_chart(doc: _Doc, rg: pd.DataFrame | None, *, title: str, inst: str) -> None:
    """Scale means by role group (latest wave), from the published table."""
    if rg is None or not len(rg):
        return
    wave = doc.latest_wave(rg["wave"])
    one = rg[rg["wave"].astype(str) == wave]
    if not len(doc.shown(one)):
        doc.p(f"{title}: no means by role group can be shown for the {wave} wave.", "note")
        return
    _chart(doc, lambda ev: ev.construct_means(one, hue="role_group",
                                              min_cell=doc.disclosure.k, wave=wave),
           f"{title}: scale means by role group ({wave} wave).", f"means-role-group-{inst}")
    hidden = sorted(set(one.loc[one[MARK_COLUMN].isin(["small cell", "complementary"]),
                                "role_group"]))
    if hidden:
        doc.p("Not shown in the chart and the table: " + ", ".join(hidden) + " (see the note "
              "on hidden numbers).", "note")
def _fruit_interviews(doc: _Doc, t: dict, *, quotes: bool) -> None:
    from . import analysis

    iv, cod, codes = t["interview"], t["coding"], t["code"]
    if iv.empty:
        doc.p("No interviews yet.", "empty")
        return
    freq = doc.tab("themes", lambda: analysis.code_frequencies(cod, iv, codes, by=("cop_id",))
                   .sort_values(["cop_id", "interviews", "segments"],
                                ascending=[True, False, False]),
                   population="interviewees", by=["cop_id", "code_id", "label"], values="*")
    doc.table(freq, "themes", "Interview themes: how often each code was given",
              columns=["cop_id", "label", "segments", "interviews", "total_interviews",
                       "share_interviews"])
    # about the two coders' work on the segments, not about the people interviewed
    agree = doc.tab("coder_agreement", lambda: analysis.coder_agreement(cod).merge(
        codes[["code_id", "label"]], on="code_id", how="left"),
        by=["code_id", "label"], public=["n_segments", "both", "first_only", "second_only",
                                        "neither", "agreement", "kappa", "alpha"])
    if agree is not None and len(agree):
        _chart(doc, lambda ev: ev.coder_agreement(agree.drop(columns=["label", MARK_COLUMN]),
                                                  codes=codes),
               "Agreement between the two coders per code (Cohen's κ and Krippendorff's α).",
               "coder-agreement")
    doc.table(agree, "coder-agreement", "Agreement between the two coders per code",
              columns=["label", "n_segments", "both", "first_only", "second_only", "agreement",
                       "kappa", "alpha"],
              labels={"alpha": "Krippendorff's α", "kappa": "Cohen's κ", "label": "code"})
    if not quotes:
        return
    ex = _safe(lambda: analysis.exemplar_quotes(cod, iv, codes, n=1))
    if ex is None or ex.empty:
        return
    doc.h(4, "Quotes")
    groups = analysis.enrich(ex[["respondent_role"]], role_col="respondent_role")["role_group"]
    for (_, r), grp in zip(ex.iterrows(), groups, strict=True):
        who = f"a {grp} member" if isinstance(grp, str) else "a member"
        doc.add(Quote(str(r["text"]), f"Theme: {r['label']} — {who}"))


def _fruit_lessons(doc: _Doc, t: dict, *, cards: bool = True) -> None:
    from . import analysis
    from .charts._style import LESSON_KIND_LABELS

    les = t["lesson"] if cards else t["lesson"].iloc[:0]
    if cards and les.empty:
        doc.p("No lessons written down yet.", "empty")
    order = list(LESSON_KIND_LABELS)
    les = les.assign(_o=les["kind"].map({k: i for i, k in enumerate(order)}).fillna(99))
    for _, r in les.sort_values(["_o", "lesson_id"]).iterrows():
        kind = LESSON_KIND_LABELS.get(str(r["kind"]), str(r["kind"]))
        extra = []
        if not _blank(r.get("tags")):
            extra.append(f"Tags: {r['tags']}")
        if not _blank(r.get("link")):
            extra.append(f"Link (copy into a browser): {r['link']}")
        doc.add(Card(str(r["title"]), str(r["text"]), kind, str(r["kind"]), extra))
    ref = t["reflection"]
    ref = ref[ref["text"].notna()] if "text" in ref else ref
    if len(ref):
        doc.h(4, "From the reflections (anonymous)")
        doc.add(Items([str(x) for x in ref.sort_values(["phase", "reflection_id"])["text"]]))
    fb = doc.tab("feedback", lambda: analysis.feedback_summary(t["result_feedback"],
                                                               by=("cop_id",)),
                 population="feedback", by=["cop_id", "result_key"], values="*")
    doc.table(fb, "feedback", "Do the results match the members' experience?",
              columns=["cop_id", "result_key", "n", "matches", "partly", "does_not_match",
                       "share_matches"])


def _fruit_value(doc: _Doc, t: dict, *, stories: bool) -> None:
    from . import analysis

    vs = doc.tab("value_stories", lambda: analysis.value_stories(t["value_story"],
                                                                 by=("cop_id",)),
                 population="authors", by=["cop_id"], values="*")
    doc.table(vs, "value-summary", "Value-creation stories per cycle",
              columns=["cop_id", "stories", "immediate", "potential", "applied", "realized",
                       "reframing", "share_realized"])
    if not stories:
        return
    cyc = _safe(lambda: analysis.story_cycles(t["value_story"]))
    if cyc is None or cyc.empty:
        return
    for i, (_, story) in enumerate(cyc.groupby("story_id", sort=True), start=1):
        rows = [(str(c).capitalize(), str(x))
                for c, x in zip(story["cycle"], story["text"], strict=True) if not _blank(x)]
        doc.add(Card(f"Story {i}", tag="story", facts=rows))

