"""Participation: attendance, retention over the three meetings, voice and role diversity.

Functions take rows of the ``attendance``, ``member`` and ``meeting`` tables
(as ``store.read`` or :func:`~cocope_kit.analysis.load_tables` returns them,
or frames with text columns) and return one row per group of ``by``.

Who was expected at a meeting (the rule behind every rate)
    A member is expected at every meeting of their CoP held while they were a
    member (``joined_on <= held_on <= left_on``; a blank date is no limit),
    counting only meetings where attendance was taken (the meeting has at
    least one ``attendance`` row). An expected member without an attendance
    row counts as absent. Attendance rows of members outside that period
    (a guest, a late leaver) count too. Attendance rows of meetings missing
    from ``meetings`` are left out.

Contributions (voice)
    Only meetings where contributions were tallied count: at least one
    attendance row of the meeting has a number. At such a meeting a blank
    tally counts as 0 (present but silent, or absent).

All groups are computed at once (no loop per CoP).

Examples
--------
>>> from cocope_kit.demo import demo_tables
>>> from cocope_kit.analysis import voice_equity
>>> t = demo_tables()
>>> v = voice_equity(t["attendance"], t["member"], t["meeting"])
>>> v[["cop_id", "student_share_of_members", "student_share_of_voice"]].round(2)
      cop_id  student_share_of_members  student_share_of_voice
0    at-graz                      0.11                    0.11
1    be-gent                      0.22                    0.12
2   pt-porto                      0.25                    0.01
3  sk-kosice                      0.12                    0.07
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..errors import UsageError
from ..model import RoleGroup
from ._util import _memo
from .load import (
    COP_COLUMNS,
    _by,
    _codes,
    _frame,
    _grouped,
    _merge_keys,
    _role_group,
    _with_cop,
)

__all__ = [
    "attendance_rates",
    "retention",
    "contribution_shares",
    "voice_equity",
    "role_diversity",
]

_MEMBER_KEYS = ("cop_id", "member_id", "role", "role_group", "core", *COP_COLUMNS)
_MEETING_KEYS = ("meeting_id", "phase")
_ROLE_GROUPS = tuple(g.value for g in RoleGroup)


# ---------------------------------------------------------------------------
# grouped inequality measures (vectorised; equal to cocope_kit.stats per group)
# ---------------------------------------------------------------------------


def _gini_grouped(codes: np.ndarray, x: np.ndarray, n_groups: int) -> np.ndarray:
    """Population Gini of ``x`` within each group code; as :func:`cocope_kit.stats.gini`."""
    order = np.lexsort((x, codes))
    gs, xs = codes[order], x[order]
    n = np.bincount(gs, minlength=n_groups)
    start = np.concatenate([[0], np.cumsum(n)[:-1]])
    rank = np.arange(gs.size) - start[gs] + 1
    coef = 2 * rank - n[gs] - 1
    num = np.bincount(gs, weights=coef * xs, minlength=n_groups)
    tot = np.bincount(gs, weights=xs, minlength=n_groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        g = np.where(tot > 0, num / (n * np.where(tot > 0, tot, 1)), 0.0)
    g = np.maximum(g, 0.0)
    return np.where(n > 0, g, np.nan)


def _entropy_grouped(codes: np.ndarray, x: np.ndarray, n_groups: int) -> np.ndarray:
    """Normalised entropy of ``x`` per group, as :func:`cocope_kit.stats.normalised_entropy`.

    Each value is one category (``k`` = values in the group, zeros included).
    """
    k = np.bincount(codes, minlength=n_groups)
    tot = np.bincount(codes, weights=x, minlength=n_groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = x / tot[codes]
        terms = np.where(p > 0, -p * np.log(np.where(p > 0, p, 1)), 0.0)
        h = np.bincount(codes, weights=terms, minlength=n_groups)
        j = h / np.log(np.where(k > 1, k, 2))
    return np.where((k > 1) & (tot > 0), np.clip(j, 0.0, 1.0), np.nan)


def _blau_grouped(codes: np.ndarray, category: pd.Series, n_groups: int) -> np.ndarray:
    """Blau index (1 - sum of squared shares) of ``category`` within each group."""
    cat = pd.factorize(category)[0]
    n_cat = max(int(cat.max()) + 1, 1) if cat.size else 1
    cell = np.bincount(codes * n_cat + cat, minlength=n_groups * n_cat).astype(float)
    cell = cell.reshape(n_groups, n_cat)
    tot = cell.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        b = 1 - ((cell / tot[:, None]) ** 2).sum(axis=1)
    return np.where(tot > 0, np.maximum(b, 0.0), np.nan)


# ---------------------------------------------------------------------------
# expected (member, meeting) pairs
# ---------------------------------------------------------------------------


@_memo
def _expected(attendance: pd.DataFrame, members: pd.DataFrame,
              meetings: pd.DataFrame) -> pd.DataFrame:
    """One row per expected (meeting, member): the rule of the module docstring."""
    att = _frame("attendance", attendance, param="attendance",
                 need=("meeting_id", "member_id", "present"))
    mem = _frame("member", members, param="members", need=("member_id", "cop_id"))
    mtg = _frame("meeting", meetings, param="meetings", need=("meeting_id", "cop_id", "phase"))
    att = att.dropna(subset=["meeting_id", "member_id"]).drop_duplicates(
        ["meeting_id", "member_id"], keep="last")
    mem = mem.dropna(subset=["member_id"]).drop_duplicates("member_id")
    mtg = mtg.dropna(subset=["meeting_id"]).drop_duplicates("meeting_id")
    att = att[att["meeting_id"].isin(mtg["meeting_id"]).to_numpy()]
    taken = mtg[mtg["meeting_id"].isin(att["meeting_id"]).to_numpy()]
    pairs = taken[["meeting_id", "cop_id", "held_on"]].merge(
        mem[["member_id", "cop_id", "joined_on", "left_on"]], on="cop_id")
    held = pairs["held_on"]
    inside = ((pairs["joined_on"].isna() | held.isna() | (pairs["joined_on"] <= held))
              & (pairs["left_on"].isna() | held.isna() | (held <= pairs["left_on"])))
    pairs = pairs.loc[inside.to_numpy(dtype=bool), ["meeting_id", "member_id"]]
    e = pairs.merge(att[["meeting_id", "member_id", "present", "contributions"]],
                    on=["meeting_id", "member_id"], how="outer")
    e = e.merge(mtg[["meeting_id", "cop_id", "phase"]], on="meeting_id", how="left")
    info = mem.set_index("member_id")
    e["role"] = e["member_id"].map(info["role"])
    e["role_group"] = _role_group(e["role"])
    e["core"] = e["member_id"].map(info["core"]).astype("boolean")
    e["present"] = e["present"].fillna(False).astype(bool)
    contrib = e["contributions"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    tallied = pd.Series(~np.isnan(contrib)).groupby(e["meeting_id"].to_numpy()).transform("any")
    e["tallied"] = tallied.to_numpy(dtype=bool)
    e["contributions"] = np.where(e["tallied"], np.nan_to_num(contrib, nan=0.0), np.nan)
    return e.reset_index(drop=True)


# ---------------------------------------------------------------------------
# public functions
# ---------------------------------------------------------------------------


def attendance_rates(
    attendance: pd.DataFrame,
    members: pd.DataFrame,
    meetings: pd.DataFrame,
    *,
    by: str | Sequence[str] = ("cop_id", "member_id"),
    cop: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Attendance rate per member, role, meeting, CoP, ... (any grouping).

    Parameters
    ----------
    attendance, members, meetings : pandas.DataFrame
        Rows of the ``attendance``, ``member`` and ``meeting`` tables.
    by : str or sequence of str, default ("cop_id", "member_id")
        Any of ``cop_id, member_id, role, role_group, core, meeting_id, phase``
        and (with ``cop``) ``school, country, language, cycle``. ``()`` gives
        one row for everything.
    cop : pandas.DataFrame, optional
        Rows of the ``cop`` table, needed to group by school, country, ...

    Returns
    -------
    pandas.DataFrame
        One row per group, sorted by ``by``: the ``by`` columns, then

        * ``expected`` (int): expected (member, meeting) pairs (module docstring);
        * ``attended`` (int): of those, pairs marked present;
        * ``rate``: ``attended / expected`` (in [0, 1]).

    Examples
    --------
    >>> import pandas as pd
    >>> members = pd.DataFrame({"member_id": ["t", "s"], "cop_id": "c", "pseudonym": ["T", "S"],
    ...                         "role": ["teacher", "student"]})
    >>> meetings = pd.DataFrame({"meeting_id": ["m1", "m2"], "cop_id": "c",
    ...                          "phase": ["domain", "community"],
    ...                          "held_on": ["2026-01-10", "2026-02-10"]})
    >>> att = pd.DataFrame({"meeting_id": ["m1", "m1", "m2"], "member_id": ["t", "s", "t"],
    ...                     "present": [True, True, True]})
    >>> attendance_rates(att, members, meetings, by="role")  # s has no row at m2: absent
          role  expected  attended  rate
    0  student         2         1   0.5
    1  teacher         2         2   1.0
    """
    keys = _by(by, ("cop_id", "member_id", "role", "role_group", "core", "meeting_id", "phase",
                    *COP_COLUMNS))
    e = _with_cop(_expected(attendance, members, meetings), keys, cop)
    out = _grouped(e, keys, expected=("present", "size"), attended=("present", "sum"))
    out["expected"] = out["expected"].astype("int64")
    out["attended"] = out["attended"].astype("int64")
    out["rate"] = out["attended"] / out["expected"]
    return out


def retention(
    attendance: pd.DataFrame,
    members: pd.DataFrame,
    meetings: pd.DataFrame,
    *,
    by: str | Sequence[str] = ("cop_id",),
    cop: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Who stays: of the members present at the Domain meeting, who comes back.

    Parameters
    ----------
    attendance, members, meetings : pandas.DataFrame
        Rows of the ``attendance``, ``member`` and ``meeting`` tables.
    by : str or sequence of str, default ("cop_id",)
        Any of ``cop_id, role, role_group, core`` and (with ``cop``)
        ``school, country, language, cycle``.
    cop : pandas.DataFrame, optional
        Rows of the ``cop`` table (for school, country, ...).

    Returns
    -------
    pandas.DataFrame
        One row per group: the ``by`` columns, then

        * ``members`` (int): members expected at one or more meetings;
        * ``present_domain``, ``present_community``, ``present_practice``
          (int): members present at a meeting of that phase (any one, if a
          CoP held several);
        * ``domain_and_community``, ``all_three`` (int): present at Domain
          and Community, at all three;
        * ``retention_community``: ``domain_and_community / present_domain``;
        * ``retention``: ``all_three / present_domain``, the share of the
          members present at Domain who were also present at Community and
          at Practice.

        A CoP whose Community (Practice) meeting has no attendance yet adds
        nothing to ``retention_community`` (``retention``); a share with an
        empty denominator is NaN.

    Examples
    --------
    >>> import pandas as pd
    >>> members = pd.DataFrame({"member_id": list("abc"), "cop_id": "c", "pseudonym": list("ABC"),
    ...                         "role": "teacher"})
    >>> meetings = pd.DataFrame({"meeting_id": ["m1", "m2", "m3"], "cop_id": "c",
    ...     "phase": ["domain", "community", "practice"],
    ...     "held_on": ["2026-01-10", "2026-02-10", "2026-05-10"]})
    >>> att = pd.DataFrame({"meeting_id": ["m1"] * 3 + ["m2"] * 3 + ["m3"] * 3,
    ...     "member_id": list("abc") * 3,
    ...     "present": [1, 1, 0, 1, 0, 1, 1, 1, 1]})
    >>> retention(att, members, meetings)[["present_domain", "all_three", "retention"]]
       present_domain  all_three  retention
    0               2          1        0.5
    """
    keys = _by(by, ("cop_id", "role", "role_group", "core", *COP_COLUMNS))
    e = _expected(attendance, members, meetings)
    recorded = e[["cop_id", "phase"]].drop_duplicates()
    has = {ph: set(recorded.loc[recorded["phase"] == ph, "cop_id"])
           for ph in ("community", "practice")}
    per = ["cop_id", "member_id"]
    flags = e.assign(
        dom=e["present"] & (e["phase"] == "domain").fillna(False),
        com=e["present"] & (e["phase"] == "community").fillna(False),
        pra=e["present"] & (e["phase"] == "practice").fillna(False),
    ).groupby(per, sort=False, dropna=False)[["dom", "com", "pra"]].any().reset_index()
    info = (e.drop_duplicates(per)[[*per, "role", "role_group", "core"]])
    m = flags.merge(info, on=per, how="left")
    m = _with_cop(m, keys, cop)
    com_ok = m["cop_id"].isin(has["community"]).to_numpy()
    both_ok = com_ok & m["cop_id"].isin(has["practice"]).to_numpy()
    m = m.assign(
        d_and_c=m["dom"] & m["com"],
        all3=m["dom"] & m["com"] & m["pra"],
        den_c=m["dom"] & com_ok,
        num_c=m["dom"] & m["com"] & com_ok,
        den_all=m["dom"] & both_ok,
        num_all=m["dom"] & m["com"] & m["pra"] & both_ok,
    )
    out = _grouped(m, keys, members=("member_id", "size"), present_domain=("dom", "sum"),
                   present_community=("com", "sum"), present_practice=("pra", "sum"),
                   domain_and_community=("d_and_c", "sum"), all_three=("all3", "sum"),
                   _den_c=("den_c", "sum"), _num_c=("num_c", "sum"),
                   _den_all=("den_all", "sum"), _num_all=("num_all", "sum"))
    counts = ["members", "present_domain", "present_community", "present_practice",
              "domain_and_community", "all_three"]
    out[counts] = out[counts].astype("int64")
    out["retention_community"] = out["_num_c"] / out["_den_c"].where(out["_den_c"] > 0)
    out["retention"] = out["_num_all"] / out["_den_all"].where(out["_den_all"] > 0)
    out["retention_community"] = out["retention_community"].astype(float)
    out["retention"] = out["retention"].astype(float)
    return out.drop(columns=["_den_c", "_num_c", "_den_all", "_num_all"])


def contribution_shares(
    attendance: pd.DataFrame,
    members: pd.DataFrame,
    meetings: pd.DataFrame,
    *,
    by: str | Sequence[str] = ("cop_id", "role_group"),
    within: str | Sequence[str] | None = None,
    cop: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Each group's share of the contributions, next to its share of the members.

    Parameters
    ----------
    attendance, members, meetings : pandas.DataFrame
        Rows of the ``attendance``, ``member`` and ``meeting`` tables.
    by : str or sequence of str, default ("cop_id", "role_group")
        Any of ``cop_id, member_id, role, role_group, core, meeting_id, phase``
        and (with ``cop``) ``school, country, language, cycle``.
    within : str or sequence of str, optional
        The columns of ``by`` whose groups the shares add up to 1 in. Default:
        ``("cop_id",)`` when ``by`` has ``cop_id``, otherwise everything.
    cop : pandas.DataFrame, optional
        Rows of the ``cop`` table (for school, country, ...).

    Returns
    -------
    pandas.DataFrame
        One row per group: the ``by`` columns, then

        * ``members`` (int): members expected at a meeting with tallied
          contributions (module docstring);
        * ``contributions`` (float): their tallied contributions;
        * ``share_of_members``, ``share_of_contributions``: of the totals
          within the ``within`` group;
        * ``ratio``: ``share_of_contributions / share_of_members``; 1 means
          the group speaks as much as its size suggests, below 1 less.

    Raises
    ------
    UsageError
        If ``within`` names a column that is not in ``by``.

    Examples
    --------
    >>> from cocope_kit.demo import demo_tables
    >>> t = demo_tables()
    >>> s = contribution_shares(t["attendance"], t["member"], t["meeting"])
    >>> s[s.cop_id == "pt-porto"][["role_group", "members", "share_of_members",
    ...                             "share_of_contributions", "ratio"]].round(2)
         role_group  members  share_of_members  share_of_contributions  ratio
    6        family        1              0.12                    0.07   0.54
    7  professional        5              0.62                    0.93   1.48
    8       student        2              0.25                    0.01   0.03
    """
    keys = _by(by, ("cop_id", "member_id", "role", "role_group", "core", "meeting_id", "phase",
                    *COP_COLUMNS))
    if within is None:
        inner = ["cop_id"] if "cop_id" in keys else []
    else:
        inner = _by(within, keys, param="within")
    e = _expected(attendance, members, meetings)
    e = _with_cop(e[e["tallied"].to_numpy()], keys, cop)
    out = _grouped(e, keys, members=("member_id", "nunique"),
                   contributions=("contributions", "sum"))
    tot = _grouped(e, inner, _members=("member_id", "nunique"),
                   _contributions=("contributions", "sum"))
    out = _merge_keys(out, tot, inner)
    out["members"] = out["members"].astype("int64")
    out["contributions"] = out["contributions"].astype(float)
    out["share_of_members"] = (out["members"] / out["_members"].where(out["_members"] > 0)
                               ).astype(float)
    out["share_of_contributions"] = (
        out["contributions"] / out["_contributions"].where(out["_contributions"] > 0)
    ).astype(float)
    out["ratio"] = (out["share_of_contributions"]
                    / out["share_of_members"].where(out["share_of_members"] > 0)).astype(float)
    return out.drop(columns=["_members", "_contributions"])


def voice_equity(
    attendance: pd.DataFrame,
    members: pd.DataFrame,
    meetings: pd.DataFrame,
    *,
    by: str | Sequence[str] = ("cop_id",),
    cop: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """How evenly the members of each CoP are heard, and how much the students are.

    Parameters
    ----------
    attendance, members, meetings : pandas.DataFrame
        Rows of the ``attendance``, ``member`` and ``meeting`` tables.
    by : str or sequence of str, default ("cop_id",)
        Any of ``cop_id, meeting_id, phase`` and (with ``cop``) ``school,
        country, language, cycle``.
    cop : pandas.DataFrame, optional
        Rows of the ``cop`` table (for school, country, ...).

    Returns
    -------
    pandas.DataFrame
        One row per group: the ``by`` columns, then

        * ``meetings`` (int): meetings with tallied contributions;
        * ``members`` (int): members expected at one of them;
        * ``contributions`` (float): total tallied contributions;
        * ``gini``: Gini coefficient of the members' contribution totals
          (:func:`cocope_kit.stats.gini`; 0 = everyone equal; silent
          members count with 0);
        * ``entropy_norm``: normalised entropy of the same totals
          (:func:`cocope_kit.stats.normalised_entropy`, Pielou's evenness;
          1 = everyone equal; NaN for one member or no contribution);
        * ``student_share_of_members``: students among ``members``;
        * ``student_share_of_voice``: students' share of ``contributions``;
        * ``voice_ratio``: ``student_share_of_voice / student_share_of_members``
          (NaN without students); below 1 means students are heard less
          than their number suggests.

    Notes
    -----
    The values equal :func:`cocope_kit.stats.gini` and
    :func:`cocope_kit.stats.normalised_entropy` applied group by group; they
    are computed for all groups at once.

    Examples
    --------
    >>> import pandas as pd
    >>> members = pd.DataFrame({"member_id": ["t1", "t2", "s1", "s2"], "cop_id": "c",
    ...     "pseudonym": list("ABCD"), "role": ["teacher", "teacher", "student", "student"]})
    >>> meetings = pd.DataFrame({"meeting_id": ["m1"], "cop_id": "c", "phase": "domain",
    ...                          "held_on": "2026-01-10"})
    >>> att = pd.DataFrame({"meeting_id": "m1", "member_id": ["t1", "t2", "s1", "s2"],
    ...                     "present": True, "contributions": [4, 4, 2, 0]})
    >>> v = voice_equity(att, members, meetings)
    >>> v[["members", "contributions", "gini", "student_share_of_voice", "voice_ratio"]]
       members  contributions  gini  student_share_of_voice  voice_ratio
    0        4           10.0  0.35                     0.2          0.4
    """
    keys = _by(by, ("cop_id", "meeting_id", "phase", *COP_COLUMNS))
    e = _expected(attendance, members, meetings)
    e = _with_cop(e[e["tallied"].to_numpy()], keys, cop)
    e = e.assign(student=(e["role_group"] == RoleGroup.STUDENT.value).fillna(False).astype(bool))
    per_member = _grouped(e, [*keys, "member_id"], total=("contributions", "sum"),
                          student=("student", "any"))
    codes, table = _codes(per_member, keys)
    n_groups = len(table)
    x = per_member["total"].to_numpy(dtype=float)
    gini = _gini_grouped(codes, x, n_groups)
    ent = _entropy_grouped(codes, x, n_groups)
    n_mem = np.bincount(codes, minlength=n_groups)
    tot = np.bincount(codes, weights=x, minlength=n_groups)
    stud = per_member["student"].to_numpy(dtype=bool)
    n_stud = np.bincount(codes, weights=stud.astype(float), minlength=n_groups)
    stud_tot = np.bincount(codes, weights=np.where(stud, x, 0.0), minlength=n_groups)
    meetings_n = _grouped(e, keys, meetings=("meeting_id", "nunique"))
    out = meetings_n.copy()
    if len(out) != n_groups:  # pragma: no cover - both come from the same rows
        raise UsageError("internal error: group tables disagree")
    out["meetings"] = out["meetings"].astype("int64")
    out["members"] = n_mem.astype("int64")
    out["contributions"] = tot
    out["gini"] = gini
    out["entropy_norm"] = ent
    with np.errstate(invalid="ignore", divide="ignore"):
        share_m = np.where(n_mem > 0, n_stud / np.where(n_mem > 0, n_mem, 1), np.nan)
        share_v = np.where(tot > 0, stud_tot / np.where(tot > 0, tot, 1), np.nan)
        ratio = np.where(share_m > 0, share_v / np.where(share_m > 0, share_m, 1), np.nan)
    out["student_share_of_members"] = share_m
    out["student_share_of_voice"] = share_v
    out["voice_ratio"] = ratio
    return out


def role_diversity(
    members: pd.DataFrame,
    *,
    by: str | Sequence[str] = ("cop_id",),
    cop: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Who is in each CoP: role mix and Blau's index of role diversity.

    Parameters
    ----------
    members : pandas.DataFrame
        Rows of the ``member`` table (every listed member counts, core and
        extended; group by ``core`` to tell them apart).
    by : str or sequence of str, default ("cop_id",)
        Any of ``cop_id, core`` and (with ``cop``) ``school, country,
        language, cycle``.
    cop : pandas.DataFrame, optional
        Rows of the ``cop`` table (for school, country, ...).

    Returns
    -------
    pandas.DataFrame
        One row per group: the ``by`` columns, then ``members`` (int),
        ``roles`` and ``role_groups`` (int: distinct roles, role groups),
        ``blau_roles`` and ``blau_role_groups`` (Blau's index
        :math:`1 - \\sum p^2` over roles and over role groups,
        :func:`cocope_kit.stats.blau_index`), and ``share_professional``,
        ``share_student``, ``share_family``, ``share_other`` (shares of the
        members in each role group). A blank role counts as ``other``.

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"member_id": list("abcd"), "cop_id": "c", "pseudonym": list("ABCD"),
    ...                   "role": ["teacher", "teacher", "student", "parent"]})
    >>> role_diversity(m)[["cop_id", "members", "roles", "blau_roles", "share_student"]]
      cop_id  members  roles  blau_roles  share_student
    0      c        4      3       0.625           0.25
    """
    keys = _by(by, ("cop_id", "core", *COP_COLUMNS))
    mem = _frame("member", members, param="members", need=("member_id", "cop_id", "role"))
    mem = mem.dropna(subset=["member_id"]).drop_duplicates("member_id")
    mem = mem.assign(role=mem["role"].fillna("other"))
    mem = mem.assign(role_group=_role_group(mem["role"]))
    mem = _with_cop(mem, keys, cop).reset_index(drop=True)
    codes, table = _codes(mem, keys)
    n_groups = len(table)
    out = _grouped(mem, keys, members=("member_id", "size"), roles=("role", "nunique"),
                   role_groups=("role_group", "nunique"))
    out[["members", "roles", "role_groups"]] = out[["members", "roles", "role_groups"]].astype(
        "int64")
    out["blau_roles"] = _blau_grouped(codes, mem["role"], n_groups)
    out["blau_role_groups"] = _blau_grouped(codes, mem["role_group"], n_groups)
    n = out["members"].to_numpy(dtype=float)
    for g in _ROLE_GROUPS:
        cnt = np.bincount(codes, weights=(mem["role_group"] == g).to_numpy(dtype=float),
                          minlength=n_groups)
        out[f"share_{g}"] = cnt / n
    return out
