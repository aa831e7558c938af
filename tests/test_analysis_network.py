"""The collaboration network from pair ratings: density, reciprocity, role x role matrix and
pairs who rate each other very differently. Values are counted by hand (networkx is not
a dependency); the rules are those of docs/instruments/collaboration_network.md."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cocope_kit.analysis import asymmetric_pairs, network_measures, role_matrix
from cocope_kit.errors import UsageError

MEMBERS = pd.DataFrame({
    "member_id": ["t1", "t2", "s1", "p1", "u1", "v1"],
    "cop_id": ["c1", "c1", "c1", "c1", "c2", "c2"],
    "pseudonym": ["Teacher A", "Teacher B", "Student A", "Parent A", "Teacher A", "Student A"],
    "role": ["teacher", "teacher", "student", "parent", "teacher", "student"],
})
# c1 pre: 4 people. t1<->t2 3/3, t1<->s1 3/1 (differ by 2), t2->s1 2 (s1 did not rate t2),
# s1->p1 0, p1->s1 2 (differ by 2), t1->t1 self-rating (ignored), t2->p1 twice (last counts: 1)
# c2 pre: u1<->v1 1/0.
PR = pd.DataFrame({
    "rating_id": [f"r{i}" for i in range(12)],
    "cop_id": ["c1"] * 9 + ["c2"] * 2 + ["c1"],
    "wave": "pre",
    "rater_id": ["t1", "t2", "t1", "s1", "t2", "s1", "p1", "t1", "t2", "u1", "v1", "t2"],
    "ratee_id": ["t2", "t1", "s1", "t1", "s1", "p1", "s1", "t1", "p1", "v1", "u1", "p1"],
    "level": [3, 3, 3, 1, 2, 0, 2, 3, 3, 1, 0, 1],
})


def test_network_measures_by_hand():
    out = network_measures(PR, MEMBERS)
    assert list(out.columns) == ["cop_id", "wave", "members", "possible_pairs", "ratings", "ties",
                                 "density", "mean_level", "rated_both_ways", "mutual_ties",
                                 "reciprocity", "asymmetric"]
    c1 = out.set_index("cop_id").loc["c1"]
    # ratings: t1t2 3, t2t1 3, t1s1 3, s1t1 1, t2s1 2, s1p1 0, p1s1 2, t2p1 1 -> 8
    assert (c1.members, c1.possible_pairs, c1.ratings, c1.ties) == (4, 12, 8, 7)
    assert c1.density == pytest.approx(7 / 12)
    assert c1.mean_level == pytest.approx(15 / 8)
    # both ways: t1-t2 (3,3), t1-s1 (3,1), s1-p1 (0,2); mutual: the first two; at least one
    # tie: all three -> 2/3
    assert (c1.rated_both_ways, c1.mutual_ties) == (3, 2)
    assert c1.reciprocity == pytest.approx(2 / 3)
    assert c1.asymmetric == 2
    c2 = out.set_index("cop_id").loc["c2"]
    assert (c2.density, c2.reciprocity) == (0.5, 0.0)


def test_members_filter_and_grouping():
    fewer = MEMBERS[MEMBERS.member_id != "p1"]  # e.g. left out for consent
    c1 = network_measures(PR, fewer).set_index("cop_id").loc["c1"]
    assert (c1.members, c1.ratings) == (3, 5)
    cop = pd.DataFrame({"cop_id": ["c1", "c2"], "name": "x", "school": "s",
                        "country": ["BE", "BE"], "language": "nl", "created_on": "2026-01-01"})
    be = network_measures(PR, by="country", cop=cop).iloc[0]
    assert (be.members, be.possible_pairs, be.ties) == (6, 14, 8)
    assert be.density == pytest.approx(8 / 14)
    with pytest.raises(UsageError, match="by"):
        network_measures(PR, by="role")


def test_role_matrix_by_hand():
    out = role_matrix(PR, MEMBERS)
    assert list(out.columns) == ["cop_id", "wave", "rater_role", "ratee_role", "ratings",
                                 "mean_level", "share_ties"]
    c1 = out[out.cop_id == "c1"].set_index(["rater_role", "ratee_role"])
    # teacher -> student: t1s1 3, t2s1 2
    assert c1.loc[("teacher", "student"), ["ratings", "mean_level"]].tolist() == [2, 2.5]
    assert c1.loc[("teacher", "teacher"), "ratings"] == 2  # self-rating left out
    assert c1.loc[("student", "parent"), "share_ties"] == 0.0
    groups = role_matrix(PR, MEMBERS, by=(), roles="role_group").set_index(
        ["rater_role", "ratee_role"])
    assert groups.loc[("professional", "family"), "mean_level"] == 1.0
    with pytest.raises(UsageError, match="roles"):
        role_matrix(PR, MEMBERS, roles="job")


def test_asymmetric_pairs_by_hand():
    out = asymmetric_pairs(PR, MEMBERS)
    assert list(out.columns) == ["cop_id", "wave", "member_a", "member_b", "level_ab",
                                 "level_ba", "difference", "pseudonym_a", "pseudonym_b"]
    assert out[["member_a", "member_b", "level_ab", "level_ba", "difference"]].values.tolist() == [
        ["p1", "s1", 2, 0, 2], ["t1", "s1", 3, 1, 2]]
    assert out.pseudonym_b.tolist() == ["Student A", "Student A"]
    assert "name" not in out.columns
    assert len(asymmetric_pairs(PR, min_difference=1)) == 3  # + u1/v1 (1, 0)
    assert asymmetric_pairs(PR).pseudonym_a.isna().all()
    with pytest.raises(UsageError, match="min_difference"):
        asymmetric_pairs(PR, min_difference=4)


@settings(max_examples=8, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4), st.integers(0, 3)),
                min_size=1, max_size=40), st.randoms(use_true_random=False))
def test_measures_in_range_and_independent_of_row_order(triples, rnd):
    pr = pd.DataFrame({"rating_id": [f"r{i}" for i in range(len(triples))], "cop_id": "c",
                       "wave": "pre", "rater_id": [f"m{a}" for a, _, _ in triples],
                       "ratee_id": [f"m{b}" for _, b, _ in triples],
                       "level": [lv for _, _, lv in triples]})
    pr = pr.drop_duplicates(["rater_id", "ratee_id"], keep="last")  # order-free input
    out = network_measures(pr)
    shuffled = pr.sample(frac=1, random_state=rnd.randint(0, 1000))
    pd.testing.assert_frame_equal(out, network_measures(shuffled))
    pd.testing.assert_frame_equal(asymmetric_pairs(pr), asymmetric_pairs(shuffled))
    for c in ("density", "reciprocity"):
        assert out[c].dropna().between(0, 1).all()
    assert out.mean_level.dropna().between(0, 3).all()
    assert (out.ties <= out.ratings).all() and (out.ratings <= out.possible_pairs).all()
    assert np.all(asymmetric_pairs(pr).difference >= 2)
