"""Participation (DESIGN section 6): attendance, retention, contribution shares, voice, roles.

Numbers below are counted by hand in the comments. Gini, normalised entropy and
Blau's index are compared group by group with cocope_kit.stats (themselves tested
against published values and scipy), since the analysis computes them for all
groups at once."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cocope_kit import stats
from cocope_kit.analysis import (
    attendance_rates,
    contribution_shares,
    retention,
    role_diversity,
    voice_equity,
)
from cocope_kit.errors import CocopeError, UsageError

# CoP "c1": teacher t1, teacher t2, student s1 (joins after meeting 1), parent p1.
# CoP "c2": teacher u1, student v1.
MEMBERS = pd.DataFrame({
    "member_id": ["t1", "t2", "s1", "p1", "u1", "v1"],
    "cop_id": ["c1", "c1", "c1", "c1", "c2", "c2"],
    "pseudonym": ["Teacher A", "Teacher B", "Student A", "Parent A", "Teacher A", "Student A"],
    "role": ["teacher", "teacher", "student", "parent", "teacher", "student"],
    "core": [True, True, True, False, True, True],
    "joined_on": ["2026-01-01", "2026-01-01", "2026-02-01", "2026-01-01", None, None],
    "left_on": [None, None, None, None, None, None],
})
MEETINGS = pd.DataFrame({
    "meeting_id": ["m1", "m2", "m3", "n1", "n2"],
    "cop_id": ["c1", "c1", "c1", "c2", "c2"],
    "phase": ["domain", "community", "practice", "domain", "community"],
    "held_on": ["2026-01-10", "2026-02-10", "2026-05-10", "2026-01-12", "2026-02-12"],
})
ATT = pd.DataFrame({
    "meeting_id": ["m1", "m1", "m1",   # s1 not yet a member at m1
                   "m2", "m2", "m2",   # p1 has no row at m2: absent
                   "m3", "m3", "m3", "m3",
                   "n1", "n1", "n2", "n2"],
    "member_id": ["t1", "t2", "p1",
                  "t1", "t2", "s1",
                  "t1", "t2", "s1", "p1",
                  "u1", "v1", "u1", "v1"],
    "present": [True, True, True,
                True, False, True,
                True, True, True, False,
                True, True, True, False],
    "contributions": [5, 3, 2,
                      6, 0, 1,
                      4, 4, 0, None,
                      None, None, None, None],   # c2: nothing tallied
})


def test_attendance_rate_per_member_by_hand():
    out = attendance_rates(ATT, MEMBERS, MEETINGS)
    assert list(out.columns) == ["cop_id", "member_id", "expected", "attended", "rate"]
    got = out.set_index("member_id")
    # t1: m1 m2 m3 all present 3/3; t2: 2/3; s1: expected at m2, m3 only, 2/2;
    # p1: m1 present, m2 no row (absent), m3 absent -> 1/3; u1 2/2; v1 1/2
    assert got.expected.to_dict() == {"p1": 3, "s1": 2, "t1": 3, "t2": 3, "u1": 2, "v1": 2}
    assert got.attended.to_dict() == {"p1": 1, "s1": 2, "t1": 3, "t2": 2, "u1": 2, "v1": 1}
    assert got.rate["p1"] == pytest.approx(1 / 3)
    assert out.cop_id.tolist() == ["c1"] * 4 + ["c2"] * 2
    assert str(out.expected.dtype) == "int64" and str(out.cop_id.dtype) == "str"


def test_attendance_rate_by_role_meeting_and_phase():
    by_role = attendance_rates(ATT, MEMBERS, MEETINGS, by="role").set_index("role")
    # teachers t1 t2 u1: 8 expected, 7 attended; students s1 v1: 4, 3; parent 3, 1
    assert by_role.expected.to_dict() == {"parent": 3, "student": 4, "teacher": 8}
    assert by_role.rate["teacher"] == pytest.approx(7 / 8)
    by_meeting = attendance_rates(ATT, MEMBERS, MEETINGS, by=("meeting_id",)).set_index(
        "meeting_id")
    # m2: t1, t2, s1 and p1 expected (p1 without a row) -> 2 of 4
    assert by_meeting.loc["m2", ["expected", "attended"]].tolist() == [4, 2]
    by_phase = attendance_rates(ATT, MEMBERS, MEETINGS, by="phase").set_index("phase")
    assert by_phase.loc["domain", "expected"] == 5  # m1: t1 t2 p1, n1: u1 v1
    overall = attendance_rates(ATT, MEMBERS, MEETINGS, by=())
    assert overall[["expected", "attended"]].iloc[0].tolist() == [15, 11]  # 8+4+3, 7+3+1


def test_meeting_without_attendance_is_not_counted_and_left_members_are_not_expected():
    meetings = pd.concat([MEETINGS, pd.DataFrame({"meeting_id": ["m4"], "cop_id": ["c1"],
                                                  "phase": ["other"],
                                                  "held_on": ["2026-06-01"]})])
    members = MEMBERS.assign(left_on=["2026-03-01", None, None, None, None, None])
    out = attendance_rates(ATT, members, meetings).set_index("member_id")
    # t1 left before m3 but has a row there (present): counted anyway; m4 has no rows at all
    assert out.loc["t1", "expected"] == 3
    m = attendance_rates(ATT.iloc[:-1], members, meetings, by="meeting_id")
    assert "m4" not in set(m.meeting_id)


def test_by_country_needs_the_cop_table():
    cop = pd.DataFrame({"cop_id": ["c1", "c2"], "name": ["A", "B"], "school": ["S1", "S2"],
                        "country": ["BE", "AT"], "language": ["nl", "de"],
                        "created_on": "2026-01-01"})
    with pytest.raises(UsageError, match="cop="):
        attendance_rates(ATT, MEMBERS, MEETINGS, by="country")
    out = attendance_rates(ATT, MEMBERS, MEETINGS, by=("country", "role_group"), cop=cop)
    assert out.country.tolist()[:1] == ["AT"]
    with pytest.raises(UsageError, match="by"):
        attendance_rates(ATT, MEMBERS, MEETINGS, by="favourite_colour")
    with pytest.raises(CocopeError):
        attendance_rates("attendance.csv", MEMBERS, MEETINGS)


def test_text_frames_from_a_csv_give_the_same_result():
    as_text = [df.astype(str).replace({"None": "", "nan": "", "<NA>": ""})
               for df in (ATT, MEMBERS, MEETINGS)]
    pd.testing.assert_frame_equal(attendance_rates(*as_text), attendance_rates(ATT, MEMBERS,
                                                                              MEETINGS))


def test_retention_by_hand():
    out = retention(ATT, MEMBERS, MEETINGS).set_index("cop_id")
    c1 = out.loc["c1"]
    # at domain m1: t1, t2, p1; at community: t1, s1; practice: t1, t2, s1
    assert c1[["members", "present_domain", "present_community", "present_practice",
               "domain_and_community", "all_three"]].tolist() == [4, 3, 2, 3, 1, 1]
    assert c1.retention_community == pytest.approx(1 / 3)
    assert c1.retention == pytest.approx(1 / 3)
    c2 = out.loc["c2"]
    # c2 has no practice meeting: retention cannot be judged, community can (u1 came back)
    assert np.isnan(c2.retention) and c2.retention_community == pytest.approx(0.5)


def test_contribution_shares_add_up_within_each_cop():
    out = contribution_shares(ATT, MEMBERS, MEETINGS)
    # c2 tallied nothing: no rows; c1 totals 25 (5+3+2 + 6+0+1 + 4+4+0)
    assert set(out.cop_id) == {"c1"}
    got = out.set_index("role_group")
    assert got.contributions.to_dict() == {"family": 2.0, "professional": 22.0, "student": 1.0}
    assert got.share_of_contributions.sum() == pytest.approx(1)
    assert got.share_of_members.to_dict() == {"family": 0.25, "professional": 0.5,
                                              "student": 0.25}
    assert got.ratio["student"] == pytest.approx((1 / 25) / 0.25)
    per_member = contribution_shares(ATT, MEMBERS, MEETINGS, by=("cop_id", "member_id"))
    assert per_member.set_index("member_id").contributions["t1"] == 15
    with pytest.raises(UsageError, match="within"):
        contribution_shares(ATT, MEMBERS, MEETINGS, by="role", within="cop_id")


def test_voice_equity_by_hand_and_against_stats():
    out = voice_equity(ATT, MEMBERS, MEETINGS)
    assert list(out.columns) == ["cop_id", "meetings", "members", "contributions", "gini",
                                 "entropy_norm", "student_share_of_members",
                                 "student_share_of_voice", "voice_ratio"]
    c1 = out.iloc[0]
    totals = [15, 7, 1, 2]  # t1, t2, s1, p1 over m1-m3
    assert c1.members == 4 and c1.contributions == 25 and c1.meetings == 3
    assert c1.gini == pytest.approx(stats.gini(totals))
    assert c1.entropy_norm == pytest.approx(stats.normalised_entropy(totals))
    assert c1.student_share_of_members == 0.25
    assert c1.student_share_of_voice == pytest.approx(1 / 25)
    assert c1.voice_ratio == pytest.approx(0.16)


@settings(max_examples=15, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 30)), min_size=1, max_size=40))
def test_grouped_gini_and_entropy_equal_stats_group_by_group(rows):
    # one meeting per CoP, one member per row; contributions as drawn
    cops = [f"c{g}" for g, _ in rows]
    members = pd.DataFrame({"member_id": [f"m{i}" for i in range(len(rows))], "cop_id": cops,
                            "pseudonym": "P", "role": "teacher"})
    meetings = pd.DataFrame({"meeting_id": sorted(set(cops)), "cop_id": sorted(set(cops)),
                             "phase": "domain", "held_on": "2026-01-10"})
    att = pd.DataFrame({"meeting_id": cops, "member_id": members.member_id, "present": True,
                        "contributions": [x for _, x in rows]})
    out = voice_equity(att, members, meetings).set_index("cop_id")
    for cop, grp in att.assign(cop_id=cops).groupby("cop_id"):
        x = grp.contributions.to_numpy()
        assert out.gini[cop] == pytest.approx(stats.gini(x), abs=1e-12)
        ent = stats.normalised_entropy(x) if x.sum() > 0 else np.nan
        if np.isnan(ent):
            assert np.isnan(out.entropy_norm[cop])
        else:
            assert out.entropy_norm[cop] == pytest.approx(ent, abs=1e-12)


def test_role_diversity_against_blau_index():
    out = role_diversity(MEMBERS).set_index("cop_id")
    # c1: teacher x2, student, parent -> roles 3; c2: teacher, student
    assert out.roles.to_dict() == {"c1": 3, "c2": 2}
    assert out.blau_roles["c1"] == pytest.approx(stats.blau_index([2, 1, 1]))  # 0.625
    assert out.blau_role_groups["c2"] == pytest.approx(0.5)
    assert out.loc["c1", ["share_professional", "share_student", "share_family",
                          "share_other"]].tolist() == [0.5, 0.25, 0.25, 0.0]
    core = role_diversity(MEMBERS, by=("cop_id", "core"))
    assert len(core) == 3  # c1 core, c1 extended (p1), c2 core


@settings(max_examples=4, deadline=None)
@given(st.permutations(range(len(ATT))), st.permutations(range(len(MEMBERS))))
def test_rates_in_unit_interval_and_independent_of_row_order(att_order, mem_order):
    att, mem = ATT.iloc[list(att_order)], MEMBERS.iloc[list(mem_order)]
    for by in [("cop_id", "member_id"), ("role",), ("meeting_id",)]:
        a = attendance_rates(att, mem, MEETINGS, by=by)
        b = attendance_rates(ATT, MEMBERS, MEETINGS, by=by)
        pd.testing.assert_frame_equal(a, b)
        assert a.rate.between(0, 1).all()
    for f in (retention, contribution_shares, voice_equity):
        pd.testing.assert_frame_equal(f(att, mem, MEETINGS), f(ATT, MEMBERS, MEETINGS),
                                      check_exact=False)
    v = voice_equity(att, mem, MEETINGS)
    for c in ("gini", "entropy_norm", "student_share_of_members", "student_share_of_voice"):
        assert v[c].dropna().between(0, 1).all()
