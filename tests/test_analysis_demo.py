"""End to end on the demo store: every analysis runs on load_tables(store) and returns its
documented columns, and the four demo CoPs differ the way cocope_kit.demo designs them
(BE stays at cooperation, AT reaches collaboration, PT's students are hardly heard,
SK misses its target)."""

from __future__ import annotations

import pandas as pd
import pytest

from cocope_kit import analysis as A


@pytest.fixture(scope="module")
def t(demo_analysis_tables):
    return demo_analysis_tables


@pytest.fixture(scope="module")
def wt(t):
    return A.scale_scores(t["response"], t["answer"], "working_together")


def catalogue(t, wt):
    """(function, call, documented columns) of every analysis of this change."""
    at, mem, mt, cop = t["attendance"], t["member"], t["meeting"], t["cop"]
    levels = A.level_of_working_together(wt, t["answer"])
    climate = A.scale_scores(t["response"], t["answer"], "cop_climate")
    transitions = A.level_transitions(levels)
    return [
        (A.attendance_rates, lambda: A.attendance_rates(at, mem, mt),
         ["cop_id", "member_id", "expected", "attended", "rate"]),
        (A.retention, lambda: A.retention(at, mem, mt),
         ["cop_id", "members", "present_domain", "present_community", "present_practice",
          "domain_and_community", "all_three", "retention_community", "retention"]),
        (A.contribution_shares, lambda: A.contribution_shares(at, mem, mt),
         ["cop_id", "role_group", "members", "contributions", "share_of_members",
          "share_of_contributions", "ratio"]),
        (A.voice_equity, lambda: A.voice_equity(at, mem, mt),
         ["cop_id", "meetings", "members", "contributions", "gini", "entropy_norm",
          "student_share_of_members", "student_share_of_voice", "voice_ratio"]),
        (A.role_diversity, lambda: A.role_diversity(mem, by="country", cop=cop),
         ["country", "members", "roles", "role_groups", "blau_roles", "blau_role_groups",
          "share_professional", "share_student", "share_family", "share_other"]),
        (A.scale_scores, lambda: wt,
         ["response_id", "respondent_id", "respondent_role", "cop_id", "wave", "instrument_id",
          "construct", "score", "n_items", "n_answered"]),
        (A.level_of_working_together, lambda: levels,
         ["cop_id", "wave", "n", "cooperation", "coordination", "collaboration",
          "n_cooperation", "n_coordination", "n_collaboration", "level", "n_fit",
          "fit_cooperation", "fit_coordination", "fit_collaboration", "share_fit_cooperation",
          "share_fit_coordination", "share_fit_collaboration", "fit_most_frequent",
          "matches_fit", "caution"]),
        (A.level_transitions, lambda: transitions,
         ["cop_id", "from_level", "to_level", "steps", "change", "n_pre", "n_post"]),
        (A.transition_matrix, lambda: A.transition_matrix(transitions),
         ["from_level", "to_level", "cops"]),
        (A.plan_indicators,
         lambda: A.plan_indicators(t["action"], t["action_owner"], t["action_dependency"], mem),
         ["cop_id", "steps", "shared_share", "cross_owner_dependencies",
          "members_without_step", "mean_owners_per_step"]),
        (A.likert_counts, lambda: A.likert_counts(t["response"], t["answer"], "cop_climate"),
         ["cop_id", "wave", "item_id", "construct", "option", "label", "count", "n", "percent",
          "percent_answered"]),
        (A.construct_scores, lambda: A.construct_scores(climate, by=("country", "wave"), cop=cop),
         ["country", "wave", "construct", "n", "mean", "sd", "median", "ci_low", "ci_high"]),
        (A.reliability, lambda: A.reliability(t["response"], t["answer"], "learning_community"),
         ["cop_id", "wave", "construct", "alpha", "ci_low", "ci_high", "n", "k"]),
        (A.prepost_change, lambda: A.prepost_change(climate),
         ["cop_id", "construct", "method", "test", "n_pre", "n_post", "n_pairs", "mean_pre",
          "mean_post", "mean_diff", "w_plus", "w_minus", "u", "p_value", "rank_biserial", "dz",
          "g", "caution"]),
        (A.network_measures, lambda: A.network_measures(t["pair_rating"], mem),
         ["cop_id", "wave", "members", "possible_pairs", "ratings", "ties", "density",
          "mean_level", "rated_both_ways", "mutual_ties", "reciprocity", "asymmetric"]),
        (A.role_matrix, lambda: A.role_matrix(t["pair_rating"], mem),
         ["cop_id", "wave", "rater_role", "ratee_role", "ratings", "mean_level", "share_ties"]),
        (A.asymmetric_pairs, lambda: A.asymmetric_pairs(t["pair_rating"], mem),
         ["cop_id", "wave", "member_a", "member_b", "level_ab", "level_ba", "difference",
          "pseudonym_a", "pseudonym_b"]),
        (A.goal_attainment, lambda: A.goal_attainment(t["goal"], t["goal_measurement"]),
         ["goal_id", "cop_id", "direction", "baseline", "target", "latest_value", "latest_on",
          "progress", "on_track", "target_reached", "attainment", "attainment_rule", "weight"]),
        (A.progress_summary, lambda: A.progress_summary(t["goal"], t["goal_measurement"]),
         ["cop_id", "goals", "measured", "mean_progress", "median_progress", "min_progress",
          "max_progress", "reached", "share_reached", "on_track", "share_on_track"]),
        (A.gas_scores, lambda: A.gas_scores(t["goal"], t["goal_measurement"]),
         ["cop_id", "goals", "scored", "mean_attainment", "tscore"]),
        (A.segments, lambda: A.segments(t["interview"]),
         ["interview_id", "cop_id", "respondent_id", "respondent_role", "segment", "text",
          "n_words"]),
        (A.code_frequencies, lambda: A.code_frequencies(t["coding"], t["interview"], t["code"]),
         ["cop_id", "respondent_role", "code_id", "label", "segments", "interviews",
          "total_segments", "total_interviews", "share_segments", "share_interviews"]),
        (A.cooccurrence, lambda: A.cooccurrence(t["coding"]), ["code_a", "code_b", "segments"]),
        (A.coder_agreement, lambda: A.coder_agreement(t["coding"]),
         ["code_id", "n_segments", "both", "first_only", "second_only", "neither", "agreement",
          "kappa", "alpha"]),
        (A.disagreements, lambda: A.disagreements(t["coding"], t["interview"]),
         ["interview_id", "cop_id", "segment", "code_id", "coded_by", "not_coded_by", "text"]),
        (A.exemplar_quotes, lambda: A.exemplar_quotes(t["coding"], t["interview"], t["code"]),
         ["code_id", "label", "rank", "interview_id", "cop_id", "respondent_role", "segment",
          "text", "n_codes", "n_words"]),
        (A.value_stories, lambda: A.value_stories(t["value_story"], cop),
         ["cop_id", "stories", "immediate", "potential", "applied", "realized", "reframing",
          "mean_cycles", "share_realized"]),
        (A.story_cycles, lambda: A.story_cycles(t["value_story"]),
         ["cop_id", "story_id", "author_id", "cycle", "step", "text"]),
        (A.feedback_summary, lambda: A.feedback_summary(t["result_feedback"]),
         ["cop_id", "result_key", "n", "matches", "partly", "does_not_match", "share_matches",
          "share_partly", "share_does_not_match", "n_comments", "comments"]),
    ]


def test_every_analysis_runs_on_the_store_and_returns_its_documented_columns(t, wt):
    seen = set()
    for func, call, columns in catalogue(t, wt):
        out = call()
        assert isinstance(out, pd.DataFrame), func.__name__
        assert list(out.columns) == columns, func.__name__
        assert len(out) > 0, func.__name__
        for c in columns:  # every documented column is in the docstring
            assert f"``{c}``" in (func.__doc__ or "") or c in (func.__doc__ or ""), (
                func.__name__, c)
        seen.add(func.__name__)
    new = {"attendance_rates", "retention", "contribution_shares", "voice_equity",
           "role_diversity", "scale_scores", "level_of_working_together", "level_transitions",
           "transition_matrix", "likert_counts", "construct_scores", "reliability",
           "prepost_change", "network_measures", "role_matrix", "asymmetric_pairs",
           "goal_attainment", "progress_summary", "gas_scores", "segments",
           "code_frequencies", "cooccurrence", "coder_agreement", "disagreements",
           "exemplar_quotes", "value_stories", "story_cycles", "feedback_summary"}
    assert new <= seen and new <= set(A.__all__)


def test_be_gent_stays_at_cooperation_and_at_graz_reaches_collaboration(t, wt):
    lv = A.level_of_working_together(wt, t["answer"]).set_index(["cop_id", "wave"]).level
    assert lv[("be-gent", "pre")] == lv[("be-gent", "post")] == "cooperation"
    assert lv[("at-graz", "pre")] != "collaboration"
    assert lv[("at-graz", "post")] == "collaboration"
    tr = A.level_transitions(A.level_of_working_together(wt)).set_index("cop_id")
    assert tr.change["be-gent"] == "same" and tr.change["at-graz"] == "up"
    change = A.prepost_change(wt).set_index(["cop_id", "construct"])
    assert change.mean_diff[("at-graz", "collaboration")] > 1
    assert change.method.eq("paired").all()
    net = A.network_measures(t["pair_rating"], t["member"]).set_index(["cop_id", "wave"])
    assert net.mean_level[("at-graz", "post")] > 2.5 > net.mean_level[("be-gent", "post")]
    plan = A.plan_indicators(t["action"], t["action_owner"], t["action_dependency"]).set_index(
        "cop_id")
    assert plan.shared_share["at-graz"] == 1.0 > plan.shared_share["be-gent"]


def test_pt_porto_students_are_heard_far_less_than_their_number(t):
    v = A.voice_equity(t["attendance"], t["member"], t["meeting"]).set_index("cop_id")
    pt = v.loc["pt-porto"]
    assert pt.student_share_of_voice < 0.1 * pt.student_share_of_members
    assert v.voice_ratio.idxmin() == "pt-porto"


def test_sk_kosice_misses_its_target(t):
    a = A.goal_attainment(t["goal"], t["goal_measurement"]).set_index("cop_id")
    assert not a.target_reached["sk-kosice"] and a.attainment["sk-kosice"] < 0
    assert a.progress.idxmin() == "sk-kosice"
    assert a.target_reached["at-graz"]
    gas = A.gas_scores(t["goal"], t["goal_measurement"]).set_index("cop_id")
    assert gas.tscore["sk-kosice"] < 50 <= gas.tscore["at-graz"]
    overdue = A.plan_progress(t["action"], as_of="2026-06-30").set_index("cop_id")
    assert overdue.overdue.idxmax() == "sk-kosice"


def test_privacy_by_default_reaches_the_results(t):
    wt_all = A.scale_scores(t["response"], t["answer"], "working_together")
    assert not wt_all.respondent_id.isin(["be-gent:p6", "sk-kosice:p2"]).any()
    pairs = A.asymmetric_pairs(t["pair_rating"], t["member"])
    assert "name" not in pairs.columns and pairs.pseudonym_a.notna().all()
