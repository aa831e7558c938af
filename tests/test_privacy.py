"""Privacy: consent/assent register, consent filtering, small-cell suppression, formulas."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cocope_kit as ck
from cocope_kit.demo import write_demo
from cocope_kit.errors import CocopeError
from cocope_kit.privacy import (
    PERSON_COLUMNS,
    consent_register,
    filter_consented,
    neutralise_formulas,
    suppress_small_cells,
)

MEMBERS = pd.DataFrame({
    "member_id": ["a1", "a2", "a3", "s1", "s2", "s3", "p1"],
    "cop_id": ["c"] * 7,
    "role": ["teacher", "school_leader", "therapist", "student", "student", "student", "parent"],
})
CONSENT = pd.DataFrame({
    "member_id": ["a1", "a2", "s1", "s1", "s2", "s2", "s3", "p1", "p1"],
    "kind": ["consent", "consent", "consent", "assent", "consent", "assent", "assent",
             "consent", "consent"],
    "status": ["given", "withdrawn", "given", "given", "given", "refused", "given",
               "pending", "given"],  # p1: the later record (given) counts
})


def test_consent_register_applies_the_adult_and_student_rules():
    reg = consent_register(MEMBERS, CONSENT).set_index("member_id")
    assert reg.included.to_dict() == {
        "a1": True, "a2": False, "a3": False, "s1": True, "s2": False, "s3": False, "p1": True,
    }
    assert reg.loc["a2", "reason"] == "consent withdrawn"
    assert reg.loc["a3", "reason"] == "consent missing"
    assert reg.loc["s2", "reason"] == "assent refused"
    assert reg.loc["s3", "reason"] == "consent missing"  # a student's own assent is not enough


@pytest.fixture(scope="module")
def demo_tables():
    store = write_demo(ck.open_store(":memory:"))
    return {t: store.read(t) for t in ck.schema.TABLE_ORDER}


def test_filter_consented_removes_every_row_of_people_without_consent(demo_tables):
    kept, reg = filter_consented(demo_tables)
    out = set(reg.loc[~reg.included, "member_id"])
    assert len(out) == 2  # the demo's pending assent and withdrawn consent
    for table, cols in PERSON_COLUMNS.items():
        for c in cols:
            assert not kept[table][c].isin(out).any(), (table, c)
    gone = set(demo_tables["response"].response_id) - set(kept["response"].response_id)
    assert gone and not kept["answer"].response_id.isin(gone).any()
    assert len(kept["answer"]) < len(demo_tables["answer"])
    # ideas stay with the group, without the author
    assert len(kept["idea"]) == len(demo_tables["idea"])
    assert not kept["idea"].member_id.isin(out).any()
    # nobody else lost a row
    inc = set(reg.loc[reg.included, "member_id"])
    assert set(kept["member"].member_id) == inc


def test_filter_consented_needs_the_register(demo_tables):
    with pytest.raises(CocopeError, match="member"):
        filter_consented({"attendance": demo_tables["attendance"]})


def test_a_role_group_of_two_is_suppressed_and_cannot_be_recovered_from_totals():
    # survey respondents per role group in one CoP; the published total is 17
    t = pd.DataFrame({"cop_id": ["c", "c", "c"], "role_group": ["professional", "student", "family"],
                      "n": [9, 2, 6], "mean_score": [3.9, 4.6, 3.2]})
    total = t.n.sum()
    s = suppress_small_cells(t, within=["cop_id"], values=["mean_score"])
    assert s.loc[1, "suppressed"] == "small cell" and np.isnan(s.loc[1, "n"])
    assert s.loc[1, "mean_score"] != s.loc[1, "mean_score"]  # NaN
    # total minus the visible cells leaves two unknowns: the students' n is not determined
    hidden = s[s.suppressed != ""]
    assert len(hidden) == 2
    assert total - s.n.sum(skipna=True) == 8  # = 2 + 6, split unknown
    assert s.loc[0, "n"] == 9 and s.loc[0, "mean_score"] == 3.9


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.integers(0, 30), min_size=1, max_size=6), min_size=1, max_size=6),
       st.integers(2, 8))
def test_suppression_never_leaves_a_lonely_hidden_cell(groups, k):
    rows = [{"g": gi, "cell": ci, "n": n} for gi, cells in enumerate(groups) for ci, n in enumerate(cells)]
    t = pd.DataFrame(rows)
    s = suppress_small_cells(t, within=["g"], k=k)
    shown = s[s.suppressed == ""]
    assert not ((shown.n > 0) & (shown.n < k)).any()
    for g, grp in s.groupby("g"):
        n_cells = len(grp)
        n_hidden = int((grp.suppressed != "").sum())
        raw = t[t.g == g]
        # a lonely hidden cell only where the group's total is itself a small cell (then the
        # total is hidden too, and the known zeros beside it give nothing away)
        if n_cells > 1 and not 0 < raw.n.sum() < k:
            assert n_hidden != 1, (g, grp)
        # nothing hidden that did not need to be
        if not ((raw.n > 0) & (raw.n < k)).any():
            assert n_hidden == 0
    # row order does not change which cells are hidden
    s2 = suppress_small_cells(t.iloc[::-1], within=["g"], k=k)
    key = ["g", "cell"]
    a = s.sort_values(key).set_index(key).suppressed != ""
    b = s2.sort_values(key).set_index(key).suppressed != ""
    assert a.sum() == b.sum()


def test_suppression_rejects_bad_arguments():
    t = pd.DataFrame({"n": [1, 2]})
    for kwargs in ({"k": 0}, {"k": "5"}, {"n": "count"}, {"within": ["nope"]}):
        with pytest.raises(CocopeError):
            suppress_small_cells(t, **kwargs)


def test_formulas_are_neutralised_in_text_only():
    df = pd.DataFrame({"t": ['=HYPERLINK("http://x","y")', "+1", "@SUM(A1)", "ok", None],
                       "v": [-1.0, 2.0, 3.0, 4.0, 5.0]})
    out = neutralise_formulas(df)
    assert out.t.tolist()[:4] == ['\'=HYPERLINK("http://x","y")', "'+1", "'@SUM(A1)", "ok"]
    assert out.v.tolist() == df.v.tolist()
