"""Every cross-CoP analysis table in one call (DESIGN section 6).

:func:`run_catalogue` takes the frames of :func:`~cocope_kit.analysis.load_tables`
and returns each analysis of the catalogue with its default grouping (mostly
one row per CoP, or per CoP and wave). It is what an evaluator runs to compare
all CoPs of a merged store, and what ``make bench`` times.

Examples
--------
>>> import cocope_kit as ck
>>> from cocope_kit.demo import write_demo
>>> from cocope_kit.analysis import load_tables, run_catalogue
>>> store = write_demo(ck.open_store(":memory:"))
>>> out = run_catalogue(load_tables(store))
>>> out["voice_equity"].cop_id.tolist()
['at-graz', 'be-gent', 'pt-porto', 'sk-kosice']
>>> len(out) == len(CATALOGUE)
True
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from ..errors import UsageError
from ._util import shared_work
from .attainment import gas_scores, goal_attainment, progress_summary
from .collaboration import (
    level_of_working_together,
    level_transitions,
    scale_scores,
    transition_matrix,
)
from .goals import goal_progress
from .ideas import idea_summary
from .network import asymmetric_pairs, network_measures, role_matrix
from .participation import (
    attendance_rates,
    contribution_shares,
    retention,
    role_diversity,
    voice_equity,
)
from .plan import plan_indicators, plan_progress, responsibility_matrix, validate_plan
from .qualitative import (
    code_frequencies,
    coder_agreement,
    cooccurrence,
    disagreements,
    exemplar_quotes,
    segments,
)
from .surveys import construct_scores, likert_counts, prepost_change, reliability
from .value import feedback_summary, story_cycles, value_stories

__all__ = ["CATALOGUE", "CATALOGUE_TABLES", "run_catalogue"]

CATALOGUE: tuple[str, ...] = (
    # participation
    "attendance_rates", "retention", "contribution_shares", "voice_equity", "role_diversity",
    # collaboration
    "working_together_scores", "level_of_working_together", "level_transitions",
    "transition_matrix", "plan_indicators",
    # surveys
    "climate_scores", "learning_community_scores", "likert_counts", "construct_scores",
    "reliability", "prepost_change",
    # network
    "network_measures", "role_matrix", "asymmetric_pairs",
    # goals and plan
    "goal_progress", "goal_attainment", "progress_summary", "gas_scores", "validate_plan",
    "plan_progress", "responsibility_matrix", "idea_summary",
    # qualitative
    "segments", "code_frequencies", "cooccurrence", "coder_agreement", "disagreements",
    "exemplar_quotes",
    # value creation
    "value_stories", "story_cycles", "feedback_summary",
)
"""Keys of :func:`run_catalogue`'s result, in the order they are computed."""

CATALOGUE_TABLES: tuple[str, ...] = (
    "cop", "member", "meeting", "attendance", "idea", "goal", "goal_measurement", "action",
    "action_owner", "action_dependency", "response", "answer", "pair_rating", "interview",
    "code", "coding", "result_feedback", "value_story",
)
"""Store tables :func:`run_catalogue` needs (keys of ``tables``)."""


def run_catalogue(
    tables: Mapping[str, pd.DataFrame],
    *,
    as_of: object = None,
) -> dict[str, pd.DataFrame]:
    """Run every cross-CoP analysis of the catalogue on the tables of a store.

    Parameters
    ----------
    tables : mapping of str to pandas.DataFrame
        Frames shaped like the store tables, normally
        ``load_tables(store)`` (consent already applied); needs
        :data:`CATALOGUE_TABLES`.
    as_of : date-like, optional
        Reference date for goal progress and the plan (overdue steps);
        default: the latest ``due_on`` of the plan, or today when there is none.

    Returns
    -------
    dict of str to pandas.DataFrame
        One entry per name of :data:`CATALOGUE`, each the table of the
        analysis function of that name with its default grouping, except:

        - ``working_together_scores``, ``climate_scores``,
          ``learning_community_scores``: :func:`scale_scores` of the three
          survey instruments;
        - ``likert_counts``: the CoP climate items per CoP and wave;
        - ``construct_scores``, ``prepost_change``: CoP climate constructs;
        - ``reliability``: the learning-community constructs per CoP and survey wave;
        - ``validate_plan``: the plan problems found (empty when there are none).

    Raises
    ------
    UsageError
        If ``tables`` lacks one of :data:`CATALOGUE_TABLES`.

    See Also
    --------
    cocope_kit.analysis.load_tables : the tables, consent applied.

    Examples
    --------
    >>> import cocope_kit as ck
    >>> from cocope_kit.demo import write_demo
    >>> from cocope_kit.analysis import load_tables
    >>> store = write_demo(ck.open_store(":memory:"))
    >>> out = run_catalogue(load_tables(store), as_of="2026-06-30")
    >>> out["plan_progress"].set_index("cop_id").overdue.idxmax()
    'sk-kosice'
    >>> out["level_transitions"][["cop_id", "change"]].head(2)
        cop_id change
    0  at-graz     up
    1  be-gent   same
    """
    if not isinstance(tables, Mapping):
        raise UsageError(f"tables must be a dict of store tables (load_tables(store)), "
                         f"got {type(tables).__name__}")
    missing = [n for n in CATALOGUE_TABLES if n not in tables]
    if missing:
        raise UsageError(f"tables lacks {', '.join(missing)}; pass load_tables(store) "
                         f"(needs: {', '.join(CATALOGUE_TABLES)})")
    t = tables
    if as_of is None:
        due = pd.to_datetime(t["action"]["due_on"], errors="coerce").dropna()
        as_of = due.max().date() if len(due) else pd.Timestamp.today().date()
    with shared_work():  # intermediate tables shared by several analyses are made once
        out = _run(t, as_of)
    return {name: out[name] for name in CATALOGUE}


def _run(t: Mapping[str, pd.DataFrame], as_of: object) -> dict[str, pd.DataFrame]:
    at, mem, mt, cop = t["attendance"], t["member"], t["meeting"], t["cop"]
    resp, ans = t["response"], t["answer"]
    act, own, dep = t["action"], t["action_owner"], t["action_dependency"]
    goal, gm = t["goal"], t["goal_measurement"]
    coding, itv = t["coding"], t["interview"]
    out: dict[str, pd.DataFrame] = {}
    out["attendance_rates"] = attendance_rates(at, mem, mt)
    out["retention"] = retention(at, mem, mt)
    out["contribution_shares"] = contribution_shares(at, mem, mt)
    out["voice_equity"] = voice_equity(at, mem, mt)
    out["role_diversity"] = role_diversity(mem)
    wt = out["working_together_scores"] = scale_scores(resp, ans, "working_together")
    levels = out["level_of_working_together"] = level_of_working_together(wt, ans)
    transitions = out["level_transitions"] = level_transitions(levels)
    out["transition_matrix"] = transition_matrix(transitions)
    out["plan_indicators"] = plan_indicators(act, own, dep, mem)
    climate = out["climate_scores"] = scale_scores(resp, ans, "cop_climate")
    out["learning_community_scores"] = scale_scores(resp, ans, "learning_community")
    out["likert_counts"] = likert_counts(resp, ans, "cop_climate")
    out["construct_scores"] = construct_scores(climate)
    out["reliability"] = reliability(resp, ans, "learning_community")
    out["prepost_change"] = prepost_change(climate)
    out["network_measures"] = network_measures(t["pair_rating"], mem)
    out["role_matrix"] = role_matrix(t["pair_rating"], mem)
    out["asymmetric_pairs"] = asymmetric_pairs(t["pair_rating"], mem)
    out["goal_progress"] = goal_progress(goal, gm, as_of=as_of)
    out["goal_attainment"] = goal_attainment(goal, gm, as_of=as_of)
    out["progress_summary"] = progress_summary(goal, gm, as_of=as_of)
    out["gas_scores"] = gas_scores(goal, gm, as_of=as_of)
    out["validate_plan"] = validate_plan(act, own, dep)
    out["plan_progress"] = plan_progress(act, as_of=as_of)
    out["responsibility_matrix"] = responsibility_matrix(act, own, mem)
    out["idea_summary"] = idea_summary(t["idea"])
    out["segments"] = segments(itv)
    out["code_frequencies"] = code_frequencies(coding, itv, t["code"])
    out["cooccurrence"] = cooccurrence(coding)
    out["coder_agreement"] = coder_agreement(coding)
    out["disagreements"] = disagreements(coding, itv)
    out["exemplar_quotes"] = exemplar_quotes(coding, itv, t["code"])
    out["value_stories"] = value_stories(t["value_story"], cop)
    out["story_cycles"] = story_cycles(t["value_story"])
    out["feedback_summary"] = feedback_summary(t["result_feedback"])
    return out
