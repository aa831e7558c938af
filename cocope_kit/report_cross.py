"""The cross-CoP document: every CoP side by side, for readers outside the school.

Its audience is *outside readers* (DESIGN section 7). :func:`build_cross` builds
its sections; every table (and the data of every chart) is declared through
:meth:`_Doc.tab` to one :class:`~cocope_kit.disclosure.Disclosure`, so primary
and complementary suppression are decided across the whole document before
anything is rendered. :func:`cross_cop_tables` gives the same publishable
tables as DataFrames (notebook 05 and ``cocope export --aggregates`` use it),
so the report, the notebook and the export publish the same numbers.

Examples
--------
>>> import cocope_kit as ck
>>> from cocope_kit.demo import write_demo
>>> from cocope_kit.report_cross import cross_cop_tables
>>> tables = cross_cop_tables(write_demo(ck.open_store(":memory:")), as_of="2026-06-30")
>>> a = tables["attendance_by_role_group"]
>>> a.loc[a.role_group == "family", ["n", "suppressed"]].drop_duplicates().values.tolist()
[[nan, 'small cell']]
"""

from __future__ import annotations

import pandas as pd

from . import report_common as rc
from .disclosure import DEFAULT_K, Disclosure
from .report_common import _chart, _Doc, _load
from .report_sections import (
    _fruit_interviews,
    _fruit_participation,
    _fruit_surveys,
    _fruit_value,
    _fruit_working_together,
    declare_populations,
)

__all__ = ["AGGREGATES_README", "build_cross", "cross_cop_tables", "write_aggregates"]

AGGREGATES_README = """Aggregate tables of the cross-CoP document (cocope export --aggregates)

Audience: readers outside the school. These are the tables of the cross-CoP
report and notebook 05, decided together by one disclosure step: consent
applied, no person named, every number about fewer than {k} people hidden
(empty cell; column 'suppressed' = 'small cell'), and as many other numbers
hidden ('complementary'; 'columns hidden: ...' for a row's columns about a
hidden group) that no hidden number can be worked out from totals,
differences or shares of these tables and the report. Do not add tables by
role group computed elsewhere: they could undo this protection.
See docs/privacy.md, section "Disclosure control".
"""


def build_cross(doc: _Doc, t: dict, *, as_of: pd.Timestamp) -> tuple[str, str]:
    """Build the cross-CoP report's sections into ``doc`` (its disclosure already set up)."""
    from . import analysis

    cop = t["cop"]
    title = "Evaluation report: all CoPs side by side"
    doc.n_cops = len(cop)
    if len(cop) > rc.CROSS_COP_ROWS:
        doc.shown_cops = _shown_cops(cop, rc.CROSS_COP_ROWS)
    doc.open_section("overview", "The CoPs")
    if doc.shown_cops is not None:
        doc.p(f"This report covers {len(cop):,} CoPs. Tables with one row per CoP show "
              f"{len(doc.shown_cops)} of them (the first CoPs of each country, by CoP id) and "
              "say under each table how many rows were left out; the summaries by country, by "
              "role group and over all CoPs use every CoP. For the tables with every CoP, run "
              "notebook 05_cross_cop_evaluation.ipynb; `cocope export --store <file> --out "
              "<folder>` writes the data as CSV or XLSX.", "lead")
    meetings = t["meeting"].groupby("cop_id").size()

    def overview() -> pd.DataFrame:
        div = analysis.role_diversity(t["member"], by=("cop_id",))
        over = cop[["cop_id", "name", "school", "country", "language", "cycle"]].merge(
            div[["cop_id", "members", "roles", "role_groups", "blau_role_groups"]],
            on="cop_id", how="left")
        over["members"] = over["members"].fillna(0).astype("int64")
        over["meetings"] = over["cop_id"].map(meetings).fillna(0).astype(int)
        return over.sort_values(["country", "cop_id"])

    every_group = [{"role_group": "*"}]
    over = doc.tab("cops", overview, population="members",
                   by=["cop_id", "name", "school", "country", "language"],
                   values=["members"], public=["cycle", "meetings"],
                   depends={c: every_group for c in ("roles", "role_groups",
                                                     "blau_role_groups")})

    def countries() -> pd.DataFrame:
        o = overview()
        out = o.groupby("country", dropna=False).agg(
            cops=("cop_id", "size"), members=("members", "sum"),
            meetings=("meetings", "sum")).reset_index()
        return out[["country", "cops", "members", "meetings"]]

    ctab = doc.tab("countries", countries, population="members", by=["country"],
                   values=["members"], public=["cops", "meetings"])
    doc.table(ctab, "countries", "CoPs per country", labels={"cops": "CoPs"})
    doc.table(over, "cops", "CoPs in this report", labels={"blau_role_groups": "role mix (Blau)"})
    doc.close_section()

    doc.open_section("goals", "Goals: attainment and progress")
    # goals, plans and lessons are about the CoP's work, not about persons: public
    ga = doc.tab("goal_attainment", lambda: analysis.enrich(analysis.goal_attainment(
        t["goal"], t["goal_measurement"], as_of=as_of), cop=cop)[
        ["country", "cop_id", "goal_id", "baseline", "target", "latest_value", "progress",
         "on_track", "target_reached", "attainment"]],
        by=["country", "cop_id", "goal_id"],
        public=["baseline", "target", "latest_value", "progress", "attainment"])
    doc.table(ga, "goal-attainment", "Progress towards the target per goal")
    gas_public = ["goals", "scored", "mean_attainment", "tscore"]
    gs = doc.tab("gas", lambda: analysis.gas_scores(
        t["goal"], t["goal_measurement"], by=("country", "cop_id"), as_of=as_of, cop=cop),
        by=["country", "cop_id"], public=gas_public)
    gc = doc.tab("gas_country", lambda: analysis.gas_scores(
        t["goal"], t["goal_measurement"], by="country", as_of=as_of, cop=cop),
        by=["country"], public=gas_public)
    if gs is not None and len(gs) <= rc.CROSS_COP_CHARTS:
        _chart(doc, lambda ev: ev.gas_scores(gs),
               "GAS T-scores per CoP (50 = every goal attained as expected).", "gas")
    elif gc is not None:
        _chart(doc, lambda ev: _country_gas_chart(ev, gc),
               f"GAS T-scores per country, {len(cop):,} CoPs (50 = every goal attained as "
               "expected); the tables give each CoP.", "gas-country")
    doc.table(gs, "gas", "Goal Attainment Scaling T-score per CoP",
              columns=["country", "cop_id", *gas_public])
    doc.table(gc, "gas-country", "Goal Attainment Scaling T-score per country",
              columns=["country", *gas_public])
    prog = doc.tab("plan_progress", lambda: analysis.plan_progress(t["action"], as_of=as_of),
                   by=["cop_id"], public=["steps", "done", "in_progress", "planned", "dropped",
                                          "overdue", "on_time_rate"])
    doc.table(prog, "plan-progress", "Progress of the action plans")
    ind = doc.tab("plan_indicators", lambda: analysis.plan_indicators(
        t["action"], t["action_owner"], t["action_dependency"], t["member"]),
        by=["cop_id"], counts=["members_without_step"],
        public=["steps", "shared_share", "cross_owner_dependencies", "mean_owners_per_step"])
    doc.table(ind, "plan-indicators", "Working together in the plans",
              columns=["cop_id", "steps", "shared_share", "cross_owner_dependencies",
                       "members_without_step", "mean_owners_per_step"])
    doc.close_section()

    doc.open_section("participation", "Participation and voice")
    _fruit_participation(doc, t, by_cop=True, cop=cop)
    doc.close_section()
    doc.open_section("working-together", "Level of working together and its change")
    levels = _fruit_working_together(doc, t, by_cop=True, cop=cop)
    if levels is not None and len(doc.shown(levels)):
        # counts of CoPs, from the published levels only
        tm = _safe_matrix(doc.shown(levels))
        doc.table(tm, "transitions", "How many CoPs moved from one level to another "
                  "(CoPs whose level is shown in both waves)",
                  empty="no CoP has both waves shown yet.")
    doc.close_section()
    doc.open_section("surveys", "Survey results")
    _fruit_surveys(doc, t, by_cop=True, cop=cop)
    doc.close_section()
    doc.open_section("interviews", "Interview themes")
    _fruit_interviews(doc, t, quotes=False)
    doc.close_section()
    doc.open_section("lessons", "Lessons and value creation")
    les = t["lesson"]
    lk = doc.tab("lesson_kinds", lambda: les.groupby(["cop_id", "kind"]).size().rename(
        "lessons").reset_index(), by=["cop_id", "kind"], public=["lessons"])
    if lk is not None:
        doc.table(lk, "lesson-kinds", "Lessons written down, by kind")
    else:
        doc.p("No lessons written down yet.", "empty")
    _fruit_value(doc, t, stories=False)
    doc.close_section()
    from .i18n import translator

    tr = translator("en")  # the cross-CoP report is written for evaluators, in English
    n_countries = int(cop["country"].nunique())
    return title, (tr.ngettext("{n} CoP", "{n} CoPs", len(cop)).format(n=len(cop)) + " "
                   + tr.ngettext("in {n} country", "in {n} countries", n_countries)
                   .format(n=n_countries))


def _safe_matrix(levels: pd.DataFrame) -> pd.DataFrame | None:
    from . import analysis
    from .report_common import _safe

    tm = _safe(lambda: analysis.transition_matrix(analysis.level_transitions(levels)))
    return None if tm is None else tm[tm["cops"] > 0]


def cross_document(t: dict, *, as_of: pd.Timestamp, k: int, register: pd.DataFrame | None,
                   waves: list[str]) -> tuple[Disclosure, dict[str, pd.DataFrame]]:
    """Collect every table of the cross-CoP document and decide what is published."""
    d = Disclosure("outside", k, register=register)
    declare_populations(d, t)
    doc = _Doc()
    doc.waves = waves
    doc.disclosure = d
    doc.collecting = True
    build_cross(doc, t, as_of=as_of)
    return d, d.publish()


def cross_cop_tables(store: object, *, k: int = DEFAULT_K, as_of: object = None
                     ) -> dict[str, pd.DataFrame]:
    """The publishable tables of the cross-CoP document, for outside readers.

    The same tables, decided together, as the cross-CoP report
    (:func:`cocope_kit.report.write_report` without ``cop_id``): consent
    applied, pseudonymised, small cells and their complements hidden across
    all of them (:mod:`cocope_kit.disclosure`). Keys: ``cops``, ``countries``,
    ``goal_attainment``, ``gas``, ``gas_country``, ``plan_progress``,
    ``plan_indicators``, ``retention``, ``attendance_by_role_group``,
    ``voice``, ``voice_by_role_group``, ``levels``, ``network``,
    ``asymmetric``, ``level_change``, ``transitions``, ``scores:<instrument>``, ``scores_all:<instrument>``,
    ``reliability:<instrument>``, ``reliability_all:<instrument>``,
    ``change:<instrument>``, ``scores_by_role_group:<instrument>``,
    ``themes``, ``coder_agreement``, ``lesson_kinds``, ``value_stories``
    (those with data).

    Parameters
    ----------
    store : Store or object with ``read(table)``
    k : int, default 5
        Smallest cell published.
    as_of : date-like, optional
        Day goals and plans are seen from (default today).
    """
    import datetime as _dt

    from . import analysis
    from .report_common import _safe

    day = pd.Timestamp(as_of if as_of is not None else _dt.date.today()).normalize()
    t, register = _load(store, None, False)
    waves = _safe(lambda: analysis.wave_order(t["response"])) or []
    _, published = cross_document(t, as_of=day, k=k, register=register, waves=waves)
    out = {name: df for name, df in published.items() if len(df.columns)}
    out.update(level_change_tables(out.get("levels")))
    return out


def write_aggregates(store: object, out_dir: object, *, k: int = DEFAULT_K,
                     as_of: object = None) -> list:
    """Write :func:`cross_cop_tables` as CSV files (one per table, formula-safe) and a
    ``README.txt`` naming the audience and the rule; return the paths written.

    ``scores:cop_climate`` becomes ``scores__cop_climate.csv``.
    """
    from pathlib import Path

    from .privacy import neutralise_formulas, write_csv

    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        from .errors import UsageError

        raise UsageError(f"--out must be a folder, {out} is a file")
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, df in cross_cop_tables(store, k=k, as_of=as_of).items():
        path = out / (name.replace(":", "__") + ".csv")
        write_csv(neutralise_formulas(df), path)  # the one CSV writer (finding 3)
        paths.append(path)
    readme = out / "README.txt"
    readme.write_text(AGGREGATES_README.format(k=k), encoding="utf-8")
    return [*paths, readme]


def level_change_tables(levels: pd.DataFrame | None) -> dict[str, pd.DataFrame]:
    """``level_change`` (per CoP, pre to post) and ``transitions`` (how many CoPs moved from
    one level to another), computed from the **published** levels only, so a hidden level
    never enters them (the report shows the same two tables)."""
    from . import analysis
    from .report_common import _safe

    if levels is None or "suppressed" not in levels:
        return {}
    shown = levels[~levels["suppressed"].isin(["small cell", "complementary"])]
    if not len(shown):
        return {}
    tr = _safe(lambda: analysis.level_transitions(shown, by=("cop_id",)))
    tm = _safe_matrix(shown)
    return {k: v for k, v in (("level_change", tr), ("transitions", tm)) if v is not None}


def _shown_cops(cop: pd.DataFrame, limit: int) -> frozenset[str]:
    """``limit`` CoPs, round-robin over the countries: the first of each country (by CoP id),
    then the second, and so on, so that every country has rows in the per-CoP tables."""
    c = cop[["cop_id", "country"]].astype({"cop_id": "string"}).dropna(subset=["cop_id"])
    c = c.assign(country=c["country"].astype("string").fillna(""))
    c = c.sort_values(["country", "cop_id"], kind="stable")
    c["_rank"] = c.groupby("country").cumcount()
    c = c.sort_values(["_rank", "country", "cop_id"], kind="stable")
    return frozenset(c["cop_id"].head(limit).astype(str))


def _country_gas_chart(ev: object, gc: pd.DataFrame) -> object:
    """The GAS chart with one bar per country (its alt text says countries, not CoPs)."""
    from .charts import set_description

    ax = ev.gas_scores(gc[["country", "goals", "scored", "tscore"]])
    if ax is None:  # no goal scored yet: no chart (the table says so)
        return None
    parts = [f"{c} {'n/a' if v != v else f'{v:.1f}'} ({int(sc)} of {int(g)} goals scored)"
             for c, g, sc, v in zip(gc["country"], gc["goals"], gc["scored"],
                                    gc["tscore"].astype(float), strict=True)]
    set_description(ax, f"GAS T-scores of {len(gc)} countries, all their CoPs together (50 = "
                        "every goal attained as expected): " + ", ".join(parts) + ".")
    return ax
