"""The disclosure-control step (cocope_kit.disclosure): hand-worked examples and properties.

The worked examples follow the reasoning of Hundepool et al. (2012), *Statistical
Disclosure Control*, section 5.5 (secondary cell suppression in a two-way table with
margins): a single hidden cell in a row or column whose total is published is found by
subtraction, so a second cell of that line must be hidden, and the second cell may in turn
need a partner in its other line, until the hidden cells form a pattern in which every
line holds two or more (here a 2 x 2 block). The expected cells were worked out by hand
in the comments below.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.linalg
from hypothesis import given, settings
from hypothesis import strategies as st

from cocope_kit.disclosure import (
    MARK_COLUMN,
    Disclosure,
    DisclosureError,
    derivable_cells,
)
from cocope_kit.errors import CocopeError


def persons(spec: dict[tuple[str, str], int]) -> pd.DataFrame:
    rows = []
    for (cop, role), n in spec.items():
        rows += [{"member_id": f"{cop}-{role}-{i}", "cop_id": cop, "role_group": role}
                 for i in range(n)]
    return pd.DataFrame(rows)


def two_way(spec, k=5, margins=("rows", "cols", "all")):
    """The 2 x 3 table of ``spec`` with the margins published, through one Disclosure."""
    p = persons(spec)
    d = Disclosure("outside", k)
    d.population("m", p, hierarchy=[("cop_id",), ("role_group",)])
    d.add("inner", p.groupby(["cop_id", "role_group"]).size().rename("n").reset_index(),
          population="m", by=["cop_id", "role_group"], values=["n"])
    if "rows" in margins:
        d.add("rows", p.groupby("cop_id").size().rename("n").reset_index(), population="m",
              by=["cop_id"], values=["n"])
    if "cols" in margins:
        d.add("cols", p.groupby("role_group").size().rename("n").reset_index(),
              population="m", by=["role_group"], values=["n"])
    if "all" in margins:
        d.add("all", pd.DataFrame({"n": [len(p)]}), population="m", values=["n"])
    return d, d.publish()


def hidden_of(table: pd.DataFrame) -> dict[tuple, str]:
    return {tuple(r[:-1]): r[-1] for r in
            table[["cop_id", "role_group", MARK_COLUMN]].itertuples(index=False, name=None)
            if r[-1]}


# ----------------------------------------------------------------------------- worked examples
SPEC = {("A", "professional"): 9, ("A", "student"): 2, ("A", "family"): 6,
        ("B", "professional"): 7, ("B", "student"): 6, ("B", "family"): 8}


def test_two_by_three_table_with_margins_hand_worked():
    #            prof  student  family | total
    #   A          9      2        6   |  17
    #   B          7      6        8   |  21
    #   total     16      8       14   |  38
    # (A, student) = 2 < 5 is hidden (primary). Row A then has one hidden cell: 17 - 9 - 6.
    # Hiding (A, family) alone leaves column family: 14 - 8 = 6 -> (A, family) -> (A, student).
    # Hiding (B, student) alone leaves row A: 17 - 9 - 6. So two cells are not enough, and the
    # cheapest pattern with two hidden cells in every line it touches is the 2 x 2 block
    # {A, B} x {student, family}: 4 unknowns, 4 equations of rank 3 -> none determined.
    _, out = two_way(SPEC)
    assert hidden_of(out["inner"]) == {("A", "student"): "small cell",
                                       ("A", "family"): "complementary",
                                       ("B", "student"): "complementary",
                                       ("B", "family"): "complementary"}
    # published numbers are the true ones; hidden ones are NaN
    inner = out["inner"].set_index(["cop_id", "role_group"])["n"]
    assert inner[("A", "professional")] == 9 and inner[("B", "professional")] == 7
    assert np.isnan(inner[("A", "student")])
    # the margins are all published (none is small)
    assert (out["rows"][MARK_COLUMN] == "").all() and (out["cols"][MARK_COLUMN] == "").all()


def test_two_small_cells_in_one_row_protect_each_other():
    # row A: 9 + 2 + 1 = 12; the two small cells share their row, but the columns still
    # single them out (8 - 6 = 2, 9 - 8 = 1): B's student and family cells are hidden too.
    spec = dict(SPEC)
    spec[("A", "family")] = 1
    spec[("B", "family")] = 8
    _, out = two_way(spec)
    assert set(hidden_of(out["inner"])) == {("A", "student"), ("A", "family"),
                                           ("B", "student"), ("B", "family")}
    assert hidden_of(out["inner"])[("A", "family")] == "small cell"


def test_without_published_margins_nothing_more_is_hidden():
    _, out = two_way(SPEC, margins=())
    assert hidden_of(out["inner"]) == {("A", "student"): "small cell"}


def test_a_small_margin_is_hidden_and_protected():
    # country X = one CoP of 3 people: the country total is as small as the CoP's
    p = pd.DataFrame({"member_id": [f"p{i}" for i in range(3 + 8 + 7)],
                      "country": ["X"] * 3 + ["Y"] * 15,
                      "cop_id": ["x1"] * 3 + ["y1"] * 8 + ["y2"] * 7,
                      "role_group": "professional"})
    d = Disclosure("outside", 5)
    d.population("m", p, hierarchy=[("country", "cop_id"), ("role_group",)])
    d.add("cops", p.groupby(["country", "cop_id"]).size().rename("n").reset_index(),
          population="m", by=["country", "cop_id"], values=["n"])
    d.add("countries", p.groupby("country").size().rename("n").reset_index(),
          population="m", by=["country"], values=["n"])
    d.add("all", pd.DataFrame({"n": [18]}), population="m", values=["n"])
    out = d.publish()
    cops = out["cops"].set_index("cop_id")[MARK_COLUMN]
    countries = out["countries"].set_index("country")[MARK_COLUMN]
    assert cops["x1"] == "small cell" and countries["X"] == "small cell"
    # all = X + Y with Y published would give X = 3: Y (or all) must go too
    assert countries["Y"] == "complementary" or out["all"][MARK_COLUMN].iloc[0] != ""


def test_shares_and_other_cells_columns_follow_the_cells():
    # voice table per CoP: the students' share of members is about the (CoP, student) cell
    p = persons({("A", "professional"): 6, ("A", "student"): 2})
    d = Disclosure("outside", 5)
    d.population("m", p, hierarchy=[("cop_id",), ("role_group",)])
    voice = pd.DataFrame({"cop_id": ["A"], "members": [8], "student_share_of_members": [0.25],
                          "gini": [0.3]})
    d.add("voice", voice, population="m", by=["cop_id"], values=["members", "gini"],
          depends={"student_share_of_members": [{"role_group": "student"}, {}]})
    out = d.publish()["voice"]
    assert out["members"].iloc[0] == 8 and out["gini"].iloc[0] == 0.3
    assert np.isnan(out["student_share_of_members"].iloc[0])  # 25 % x 8 = 2 students
    assert out[MARK_COLUMN].iloc[0] == "columns hidden: student_share_of_members"


def test_every_number_must_be_declared_and_audiences_are_checked():
    p = persons({("A", "professional"): 6})
    d = Disclosure("outside")
    d.population("m", p, hierarchy=[("cop_id",), ("role_group",)])
    with pytest.raises(DisclosureError, match="not declared"):
        d.add("t", pd.DataFrame({"cop_id": ["A"], "n": [6], "mean": [1.0]}), population="m",
              by=["cop_id"], values=["n"])
    with pytest.raises(DisclosureError, match="unknown population"):
        d.add("u", pd.DataFrame({"n": [1]}), population="nobody", values=["n"])
    with pytest.raises(CocopeError, match="audience"):
        Disclosure("everyone")
    with pytest.raises(CocopeError, match="k must"):
        Disclosure("outside", k=0)


def test_group_audience_hides_nothing_but_checks_consent():
    p = persons({("A", "professional"): 6, ("A", "student"): 1})
    register = pd.DataFrame({"member_id": p.member_id, "included": True})
    d = Disclosure("group", 5, register=register)
    d.population("m", p, hierarchy=[("cop_id",), ("role_group",)])
    t = p.groupby(["cop_id", "role_group"]).size().rename("n").reset_index()
    d.add("t", t, population="m", by=["cop_id", "role_group"], values=["n"])
    out = d.publish()["t"]
    assert out["n"].tolist() == [6, 1] and (out[MARK_COLUMN] == "").all()
    register.loc[register.member_id == "A-student-0", "included"] = False
    d2 = Disclosure("group", 5, register=register)
    with pytest.raises(DisclosureError, match="consent"):
        d2.population("m", p, hierarchy=[("cop_id",), ("role_group",)])


def test_derivable_cells_is_exact_linear_algebra():
    # T = a + b + c, U = a + d: with T, U, c, d published, a and b are both determined?
    # a = U - d (determined); b = T - a - c (determined).
    eqs = [("T", ["a", "b", "c"]), ("U", ["a", "d"])]
    assert derivable_cells(eqs, {"a", "b"}) == {"a", "b"}
    # hide d too: a, b, d unknown; T - c = a + b, U = a + d: two equations, three unknowns
    assert derivable_cells(eqs, {"a", "b", "d"}) == set()


# ----------------------------------------------------------------------------- properties
def _null_space_check(spec, out, k):
    """Independent check: from the published cells and margin equations, no small hidden
    cell is determined (scipy null space of the equations over the unknown cells)."""
    cops = sorted({c for c, _ in spec})
    roles = sorted({r for _, r in spec})
    cells = ([(c, r) for c in cops for r in roles if spec.get((c, r), 0) > 0]
             + [(c, None) for c in cops] + [(None, r) for r in roles] + [(None, None)])
    n = {(c, r): spec.get((c, r), 0) for c in cops for r in roles}
    n.update({(c, None): sum(spec.get((c, r), 0) for r in roles) for c in cops})
    n.update({(None, r): sum(spec.get((c, r), 0) for c in cops) for r in roles})
    n[(None, None)] = sum(spec.values())
    published = set()
    for _, r in out["inner"].iterrows():
        if not r[MARK_COLUMN]:
            published.add((r.cop_id, r.role_group))
    for _, r in out["rows"].iterrows():
        if not r[MARK_COLUMN]:
            published.add((r.cop_id, None))
    for _, r in out["cols"].iterrows():
        if not r[MARK_COLUMN]:
            published.add((None, r.role_group))
    if not out["all"][MARK_COLUMN].iloc[0]:
        published.add((None, None))
    unknown = [c for c in cells if c not in published and n[c] > 0]
    idx = {c: i for i, c in enumerate(unknown)}
    rows = []
    for c in cops:  # row equations: (c, None) = sum over roles
        rows.append({(c, None): 1, **{(c, r): -1 for r in roles}})
    for r in roles:
        rows.append({(None, r): 1, **{(c, r): -1 for c in cops}})
    rows.append({(None, None): 1, **{(c, None): -1 for c in cops}})
    rows.append({(None, None): 1, **{(None, r): -1 for r in roles}})
    a = np.zeros((len(rows), len(unknown)))
    for i, eq in enumerate(rows):
        for c, v in eq.items():
            if c in idx:
                a[i, idx[c]] = v
    null = scipy.linalg.null_space(a) if len(unknown) else np.zeros((0, 0))
    for c in unknown:
        if 0 < n[c] < k:
            assert null.shape[1] and np.abs(null[idx[c]]).max() > 1e-9, \
                f"hidden small cell {c} = {n[c]} is determined by the published cells"


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 4), st.integers(2, 4), st.data(), st.integers(2, 6))
def test_no_hidden_small_cell_is_a_linear_combination_of_published_cells(nc, nr, data, k):
    cops = [f"c{i}" for i in range(nc)]
    roles = [f"r{j}" for j in range(nr)]
    spec = {(c, r): data.draw(st.integers(1, 12)) for c in cops for r in roles}
    _, out = two_way(spec, k=k)
    # every small published cell is hidden
    for _, r in out["inner"].iterrows():
        if 0 < spec[(r.cop_id, r.role_group)] < k:
            assert r[MARK_COLUMN] and np.isnan(r["n"])
    _null_space_check(spec, out, k)
    # and no small cell is the only hidden cell of a row or column whose total is published
    # (the simpler statement; a complementary cell may be alone: it is not small)
    inner = out["inner"]
    for col, margin, key in (("cop_id", out["rows"], "cop_id"),
                             ("role_group", out["cols"], "role_group")):
        total_shown = set(margin.loc[margin[MARK_COLUMN] == "", key])
        for value, grp in inner.groupby(col):
            hidden = grp[grp[MARK_COLUMN] != ""]
            if value in total_shown and len(hidden) == 1:
                r = hidden.iloc[0]
                assert not 0 < spec[(r.cop_id, r.role_group)] < k, (col, value)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 9), min_size=4, max_size=9), st.permutations(range(9)))
def test_result_does_not_depend_on_row_order(ns, order):
    cops = ["a", "b", "c"]
    roles = ["x", "y", "z"]
    spec = {(c, r): n for (c, r), n in zip([(c, r) for c in cops for r in roles], ns,
                                            strict=False) if n > 0}
    if not spec:
        return
    _, out1 = two_way(spec)
    p = persons(spec)
    d = Disclosure("outside", 5)
    d.population("m", p.iloc[np.random.default_rng(len(ns)).permutation(len(p))],
                 hierarchy=[("cop_id",), ("role_group",)])
    inner = p.groupby(["cop_id", "role_group"]).size().rename("n").reset_index()
    d.add("inner", inner.iloc[[i for i in order if i < len(inner)]], population="m",
          by=["cop_id", "role_group"], values=["n"])
    d.add("rows", p.groupby("cop_id").size().rename("n").reset_index(), population="m",
          by=["cop_id"], values=["n"])
    d.add("cols", p.groupby("role_group").size().rename("n").reset_index(), population="m",
          by=["role_group"], values=["n"])
    d.add("all", pd.DataFrame({"n": [len(p)]}), population="m", values=["n"])
    out2 = d.publish()
    assert hidden_of(out1["inner"]) == hidden_of(out2["inner"])
