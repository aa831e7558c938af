"""Interviews: segments (same rule as interviews.split_segments), code frequencies and
co-occurrence counted by hand, coder agreement per code against sklearn's
cohen_kappa_score and the krippendorff package, disagreements and exemplar quotes."""

from __future__ import annotations

import krippendorff
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score

from cocope_kit.analysis import (
    code_frequencies,
    coder_agreement,
    cooccurrence,
    disagreements,
    exemplar_quotes,
    segments,
)
from cocope_kit.analysis.qualitative import _paragraphs
from cocope_kit.errors import UsageError
from cocope_kit.interviews import NO_CODE_ID, split_segments

IV = pd.DataFrame({
    "interview_id": ["a", "b", "c"],
    "cop_id": ["c1", "c1", "c2"],
    "respondent_id": ["s1", "t1", "u1"],
    "respondent_role": ["student", "teacher", "teacher"],
    "transcript": [
        "I: How was it?\n\nR: We trust each other now.\n\nR: But time was short and we\n"
        "had too much work.",
        "We decided together.\r\n\r\nThe plan was ours.",
        "Nothing to add.",
    ],
})
CODES = pd.DataFrame({"code_id": ["trust", "time", "work", "ownership", "unused"],
                      "codebook": "cb", "label": ["Trust", "Time", "Workload", "Ownership",
                                                  "Never used"]})


def codings(rows):
    return pd.DataFrame(rows, columns=["interview_id", "segment", "code_id", "coder"]).assign(
        coding_id=lambda d: [f"cd{i}" for i in range(len(d))])


CODING = codings([
    ("a", 1, NO_CODE_ID, "coder_a"), ("a", 1, NO_CODE_ID, "coder_b"),
    ("a", 2, "trust", "coder_a"), ("a", 2, "trust", "coder_b"),
    ("a", 3, "time", "coder_a"), ("a", 3, "work", "coder_a"),
    ("a", 3, "time", "coder_b"),                                     # b misses "work"
    ("b", 1, "ownership", "coder_a"), ("b", 1, "trust", "coder_b"),  # disagree
    ("b", 2, "ownership", "coder_a"), ("b", 2, "ownership", "coder_b"),
    ("c", 1, "trust", "coder_a"),                                    # b has not coded c yet
])


def test_segments_follow_split_segments():
    out = segments(IV)
    assert list(out.columns) == ["interview_id", "cop_id", "respondent_id", "respondent_role",
                                 "segment", "text", "n_words"]
    assert out.groupby("interview_id").segment.max().to_dict() == {"a": 3, "b": 2, "c": 1}
    assert out.text[2] == "R: But time was short and we had too much work."
    for row in IV.itertuples():
        ref = split_segments(row.transcript)
        mine = out[out.interview_id == row.interview_id]
        assert mine.segment.tolist() == ref.segment.tolist()
        assert mine.text.tolist() == ref.text.tolist()


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab .:\n\r\t\x0b\x0c\u2028\u00a0")), max_size=60))
def test_fast_paragraphs_equal_split_segments(text):
    assert _paragraphs(text) == split_segments(text).text.tolist()


def test_code_frequencies_by_hand():
    out = code_frequencies(CODING, IV, CODES, by="cop_id")
    assert list(out.columns) == ["cop_id", "code_id", "label", "segments", "interviews",
                                 "total_segments", "total_interviews", "share_segments",
                                 "share_interviews"]
    c1 = out[out.cop_id == "c1"].set_index("code_id")
    # c1 has 5 segments in 2 interviews; trust: a2 (both coders: once), b1 (coder_b)
    assert c1.loc["trust", ["segments", "interviews", "total_segments"]].tolist() == [2, 2, 5]
    assert c1.segments.to_dict() == {"ownership": 2, "time": 1, "trust": 2, "unused": 0,
                                     "work": 1}
    assert c1.label["work"] == "Workload"
    assert NO_CODE_ID not in set(out.code_id)
    only_b = code_frequencies(CODING, IV, by=(), coder="coder_b").set_index("code_id")
    assert only_b.segments.to_dict() == {"ownership": 1, "time": 1, "trust": 2}
    by_role = code_frequencies(CODING, IV, by="role_group")
    assert set(by_role.role_group) == {"professional", "student"}


def test_cooccurrence_by_hand():
    out = cooccurrence(CODING)
    # a3: time+work (any coder); b1: ownership+trust (different coders, same segment)
    assert out.values.tolist() == [["ownership", "trust", 1], ["time", "work", 1]]
    assert cooccurrence(CODING, coder="coder_b").empty
    assert list(out.columns) == ["code_a", "code_b", "segments"]


def test_coder_agreement_against_sklearn_and_krippendorff():
    out = coder_agreement(CODING)
    assert list(out.columns) == ["code_id", "n_segments", "both", "first_only", "second_only",
                                 "neither", "agreement", "kappa", "alpha"]
    # compared segments: a1 a2 a3 b1 b2 (c1 only coder_a) -> 5
    assert set(out.n_segments) == {5}
    seg = [("a", 1), ("a", 2), ("a", 3), ("b", 1), ("b", 2)]
    for row in out.itertuples():
        a = [int(((CODING.interview_id == i) & (CODING.segment == s) & (CODING.coder == "coder_a")
                  & (CODING.code_id == row.code_id)).any()) for i, s in seg]
        b = [int(((CODING.interview_id == i) & (CODING.segment == s) & (CODING.coder == "coder_b")
                  & (CODING.code_id == row.code_id)).any()) for i, s in seg]
        assert row.agreement == pytest.approx(np.mean(np.equal(a, b)))
        assert row.kappa == pytest.approx(cohen_kappa_score(a, b), nan_ok=True)
        ref = krippendorff.alpha(reliability_data=[a, b], level_of_measurement="nominal")
        assert row.alpha == pytest.approx(ref, nan_ok=True)
    work = out.set_index("code_id").loc["work"]
    assert (work.both, work.first_only, work.second_only, work.neither) == (0, 1, 0, 4)
    with pytest.raises(UsageError, match="coders"):
        coder_agreement(CODING, coders=("coder_a", "coder_a"))


def test_coder_agreement_on_a_larger_random_coding_against_both_oracles():
    rng = np.random.default_rng(7)
    rows = []
    for s in range(1, 61):
        for coder in ("coder_a", "coder_b"):
            given_codes = [c for c in ("x", "y", "z") if rng.random() < 0.35]
            rows += [("iv", s, c, coder) for c in given_codes] or [("iv", s, NO_CODE_ID, coder)]
    cd = codings(rows)
    out = coder_agreement(cd).set_index("code_id")
    for code in ("x", "y", "z"):
        a = [int(((cd.segment == s) & (cd.coder == "coder_a") & (cd.code_id == code)).any())
             for s in range(1, 61)]
        b = [int(((cd.segment == s) & (cd.coder == "coder_b") & (cd.code_id == code)).any())
             for s in range(1, 61)]
        assert out.kappa[code] == pytest.approx(cohen_kappa_score(a, b))
        assert out.alpha[code] == pytest.approx(
            krippendorff.alpha(reliability_data=[a, b], level_of_measurement="nominal"))


def test_disagreements_list():
    out = disagreements(CODING, IV)
    assert list(out.columns) == ["interview_id", "cop_id", "segment", "code_id", "coded_by",
                                 "not_coded_by", "text"]
    assert out[["interview_id", "segment", "code_id", "coded_by"]].values.tolist() == [
        ["a", 3, "work", "coder_a"], ["b", 1, "ownership", "coder_a"],
        ["b", 1, "trust", "coder_b"]]
    assert out.text[1] == "We decided together."
    assert disagreements(CODING).text.isna().all()


def test_exemplar_quotes_rule():
    out = exemplar_quotes(CODING, IV, CODES, n=2)
    assert list(out.columns) == ["code_id", "label", "rank", "interview_id", "cop_id",
                                 "respondent_role", "segment", "text", "n_codes", "n_words"]
    # agreed: a2 trust, a3 time, b2 ownership (b1 disputed, c1 not double coded)
    assert out[["code_id", "interview_id", "segment"]].values.tolist() == [
        ["ownership", "b", 2], ["time", "a", 3], ["trust", "a", 2]]
    assert out.label.tolist() == ["Ownership", "Time", "Trust"]
    with pytest.raises(UsageError, match="n must"):
        exemplar_quotes(CODING, IV, n=0)


def test_exemplar_quotes_prefer_single_code_short_segments_from_different_interviews():
    iv = pd.DataFrame({"interview_id": ["p", "q"], "cop_id": "c", "respondent_role": "parent",
                       "transcript": ["Trust, yes.\n\nTrust and time, both mattered a lot.\n\n"
                                      "Trust is what we built over a long time together.",
                                      "We trust them a lot more than before."]})
    both = [("p", 1, "trust"), ("p", 2, "trust"), ("p", 2, "time"), ("p", 3, "trust"),
            ("q", 1, "trust")]
    cd = codings([(i, s, c, who) for i, s, c in both for who in ("coder_a", "coder_b")])
    out = exemplar_quotes(cd, iv, n=3)
    trust = out[out.code_id == "trust"]
    # one code only first; shortest first; a second interview before a second quote of p
    assert trust[["interview_id", "segment"]].values.tolist() == [["p", 1], ["q", 1], ["p", 3]]


def test_results_independent_of_row_order():
    shuffled = CODING.sample(frac=1, random_state=3)
    for f in (cooccurrence, coder_agreement):
        pd.testing.assert_frame_equal(f(CODING), f(shuffled))
    pd.testing.assert_frame_equal(disagreements(CODING, IV), disagreements(shuffled, IV))
    pd.testing.assert_frame_equal(code_frequencies(CODING, IV, CODES),
                                  code_frequencies(shuffled, IV.iloc[::-1], CODES))
    pd.testing.assert_frame_equal(exemplar_quotes(CODING, IV), exemplar_quotes(shuffled, IV))
