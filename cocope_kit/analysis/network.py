"""The collaboration network: who works with whom, at which level, and whether it is mutual.

Input is the ``pair_rating`` table: in each wave every member rates every other
member of their CoP from 0 (we do not work together) to 3 (collaboration); see
``docs/instruments/collaboration_network.md``. A missing rating is missing,
not 0. Before anything is counted, self-ratings and blank levels are dropped
and, where a rater rated the same person twice in a wave, the last row counts.
Everything is computed with merges and grouped sums (no loop per CoP).

Examples
--------
>>> from cocope_kit.demo import demo_tables
>>> from cocope_kit.analysis import network_measures
>>> t = demo_tables()
>>> nm = network_measures(t["pair_rating"], t["member"])
>>> nm[nm.wave == "post"][["cop_id", "members", "density", "mean_level", "reciprocity"]].round(2)
      cop_id  members  density  mean_level  reciprocity
0    at-graz        8     1.00        2.71         1.00
2    be-gent        7     0.95        1.19         0.90
4   pt-porto        7     0.98        2.24         0.95
6  sk-kosice        6     0.67        1.03         0.43
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..errors import UsageError
from ..schema import TEXT_DTYPE
from ._util import _memo
from .load import COP_COLUMNS, _by, _frame, _grouped, _key_frame, _role_group, _with_cop

__all__ = ["network_measures", "role_matrix", "asymmetric_pairs"]

_UNIT = ["cop_id", "wave"]
_KEYS = ("cop_id", "wave", *COP_COLUMNS)


class _Net:
    """Ratings as integer codes: unit (CoP-wave) ``u``, rater ``a``, ratee ``b``, ``level``.

    ``units`` is the sorted (cop_id, wave) table and ``ids`` the member id of each code.
    """

    def __init__(self, pair_rating: pd.DataFrame, members: pd.DataFrame | None):
        pr = _frame("pair_rating", pair_rating, param="pair_rating",
                    need=("cop_id", "wave", "rater_id", "ratee_id", "level"))
        pr = pr.dropna(subset=["cop_id", "wave", "rater_id", "ratee_id", "level"])
        rater = pr["rater_id"].to_numpy(dtype=object)
        ratee = pr["ratee_id"].to_numpy(dtype=object)
        keep = rater != ratee
        if members is not None:
            mem = _frame("member", members, param="members", need=("member_id",))
            known = pd.Index(mem["member_id"].dropna().to_numpy(dtype=object))
            keep &= (known.get_indexer(rater) >= 0) & (known.get_indexer(ratee) >= 0)
        pr, rater, ratee = pr[keep], rater[keep], ratee[keep]
        gb = pr.groupby(_UNIT, sort=True)
        u = gb.ngroup().to_numpy().astype(np.int64)
        self.units = _key_frame(gb.size().index.to_frame(index=False), _UNIT)
        codes, ids = pd.factorize(np.concatenate([rater, ratee]))
        n = len(rater)
        a, b = codes[:n].astype(np.int64), codes[n:].astype(np.int64)
        self.ids = np.asarray(ids, dtype=object)
        self.m = max(len(self.ids), 1)
        key = (u * self.m + a) * self.m + b
        last = ~pd.Series(key).duplicated(keep="last").to_numpy()
        self.u, self.a, self.b = u[last], a[last], b[last]
        self.level = pr["level"].to_numpy(dtype=float)[last]
        self.key = key[last]

    def dyads(self) -> dict[str, np.ndarray]:
        """Unordered pairs rated both ways (a < b): unit, a, b, level_ab, level_ba."""
        back = (self.u * self.m + self.b) * self.m + self.a
        pos = pd.Index(self.key).get_indexer(back)
        sel = (pos >= 0) & (self.a < self.b)
        return {"u": self.u[sel], "a": self.a[sel], "b": self.b[sel],
                "level_ab": self.level[sel], "level_ba": self.level[pos[sel]]}


@_memo
def _net(pair_rating: pd.DataFrame, members: pd.DataFrame | None) -> _Net:
    """:class:`_Net` of the ratings, built once per run of several analyses (read-only)."""
    return _Net(pair_rating, members)


def network_measures(
    pair_rating: pd.DataFrame,
    members: pd.DataFrame | None = None,
    *,
    by: str | Sequence[str] = ("cop_id", "wave"),
    cop: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Density, mean level and reciprocity of the collaboration network per CoP and wave.

    Parameters
    ----------
    pair_rating : pandas.DataFrame
        Rows of the ``pair_rating`` table.
    members : pandas.DataFrame, optional
        Rows of the ``member`` table; ratings given by or to anyone not in it
        are left out (e.g. members without consent, when ``members`` comes
        from :func:`~cocope_kit.analysis.load_tables`).
    by : str or sequence of str, default ("cop_id", "wave")
        Any of ``cop_id, wave`` and (with ``cop``) ``school, country,
        language, cycle``. Networks are always built per CoP and wave; other
        groupings add their counts up.
    cop : pandas.DataFrame, optional
        Rows of the ``cop`` table (for school, country, ...).

    Returns
    -------
    pandas.DataFrame
        One row per group, sorted: the ``by`` columns, then

        * ``members`` (int): people in the network, i.e. everyone who rated
          or was rated (summed over the CoP-waves of a group);
        * ``possible_pairs`` (int): ordered pairs among them, ``m (m - 1)``;
        * ``ratings`` (int): ordered pairs with a rating;
        * ``ties`` (int): ratings of level 1 or more;
        * ``density``: ``ties / possible_pairs``; an unrated pair counts as
          no tie here;
        * ``mean_level``: mean of the ratings (0-3);
        * ``rated_both_ways`` (int): unordered pairs rated in both directions;
        * ``mutual_ties`` (int): of those, pairs where both ratings are >= 1;
        * ``reciprocity``: ``mutual_ties`` over the pairs rated both ways
          with at least one rating >= 1 (pairs with a missing direction are
          left out: a missing rating is missing, not 0);
        * ``asymmetric`` (int): pairs whose ratings of each other differ by
          2 or more (listed by :func:`asymmetric_pairs`).

    Examples
    --------
    >>> import pandas as pd
    >>> pr = pd.DataFrame({"rating_id": list("abcde"), "cop_id": "c", "wave": "pre",
    ...     "rater_id": ["x", "y", "x", "z", "y"], "ratee_id": ["y", "x", "z", "x", "z"],
    ...     "level": [3, 1, 2, 0, 1]})
    >>> out = network_measures(pr)
    >>> out[["members", "possible_pairs", "ratings", "ties", "density", "mean_level"]].round(3)
       members  possible_pairs  ratings  ties  density  mean_level
    0        3               6        5     4    0.667         1.4
    >>> out[["rated_both_ways", "mutual_ties", "reciprocity", "asymmetric"]]
       rated_both_ways  mutual_ties  reciprocity  asymmetric
    0                2            1          0.5           2

    x-y (3, 1) and x-z (2, 0) are rated both ways; only x-y is mutual; both
    differ by 2. y-z has one direction only: it counts for density, not for
    reciprocity.
    """
    keys = _by(by, _KEYS)
    net = _net(pair_rating, members)
    nu = len(net.units)
    people = np.unique(np.concatenate([net.u * net.m + net.a, net.u * net.m + net.b]))
    u = net.units.copy()
    u["members"] = np.bincount(people // net.m, minlength=nu)
    u["possible_pairs"] = u["members"] * (u["members"] - 1)
    u["ratings"] = np.bincount(net.u, minlength=nu)
    u["ties"] = np.bincount(net.u, weights=(net.level >= 1).astype(float), minlength=nu)
    u["_level_sum"] = np.bincount(net.u, weights=net.level, minlength=nu)
    d = net.dyads()
    both = (d["level_ab"] >= 1) & (d["level_ba"] >= 1)
    any_ = (d["level_ab"] >= 1) | (d["level_ba"] >= 1)
    asym = np.abs(d["level_ab"] - d["level_ba"]) >= 2
    u["rated_both_ways"] = np.bincount(d["u"], minlength=nu)
    u["mutual_ties"] = np.bincount(d["u"], weights=both.astype(float), minlength=nu)
    u["_any"] = np.bincount(d["u"], weights=any_.astype(float), minlength=nu)
    u["asymmetric"] = np.bincount(d["u"], weights=asym.astype(float), minlength=nu)
    u = _with_cop(u, keys, cop)
    counts = ["members", "possible_pairs", "ratings", "ties", "_level_sum", "rated_both_ways",
              "mutual_ties", "_any", "asymmetric"]
    out = _grouped(u, keys, **{c: (c, "sum") for c in counts})
    ints = [c for c in counts if c != "_level_sum"]
    out[ints] = out[ints].astype("int64")
    with np.errstate(invalid="ignore", divide="ignore"):
        out["density"] = out["ties"] / out["possible_pairs"].where(out["possible_pairs"] > 0)
        out["mean_level"] = out["_level_sum"] / out["ratings"].where(out["ratings"] > 0)
        out["reciprocity"] = out["mutual_ties"] / out["_any"].where(out["_any"] > 0)
    for c in ("density", "mean_level", "reciprocity"):
        out[c] = out[c].astype(float)
    return out[[*keys, "members", "possible_pairs", "ratings", "ties", "density", "mean_level",
                "rated_both_ways", "mutual_ties", "reciprocity", "asymmetric"]]


def role_matrix(
    pair_rating: pd.DataFrame,
    members: pd.DataFrame,
    *,
    by: str | Sequence[str] = ("cop_id", "wave"),
    roles: str = "role",
    cop: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Mean level of working together from each role to each role, in long form.

    Parameters
    ----------
    pair_rating, members : pandas.DataFrame
        Rows of the ``pair_rating`` and ``member`` tables (ratings given by or
        to someone not in ``members`` are left out).
    by : str or sequence of str, default ("cop_id", "wave")
        Any of ``cop_id, wave`` and (with ``cop``) ``school, country,
        language, cycle``; ``()`` pools every CoP.
    roles : {"role", "role_group"}, default "role"
        Whether to cross roles (teacher, student, ...) or role groups
        (professional, student, family, other).
    cop : pandas.DataFrame, optional
        Rows of the ``cop`` table (for school, country, ...).

    Returns
    -------
    pandas.DataFrame
        One row per group and observed (rater role, ratee role), sorted: the
        ``by`` columns, ``rater_role``, ``ratee_role``, then ``ratings``
        (int), ``mean_level`` (0-3) and ``share_ties`` (share of ratings >= 1).
        Pivot with ``.pivot(index="rater_role", columns="ratee_role",
        values="mean_level")`` for one group.

    Raises
    ------
    UsageError
        If ``roles`` is not ``"role"`` or ``"role_group"``.

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"member_id": ["t", "s", "p"], "cop_id": "c", "pseudonym": list("TSP"),
    ...                   "role": ["teacher", "student", "parent"]})
    >>> pr = pd.DataFrame({"rating_id": list("abcd"), "cop_id": "c", "wave": "pre",
    ...     "rater_id": ["t", "t", "s", "p"], "ratee_id": ["s", "p", "t", "t"],
    ...     "level": [2, 1, 3, 0]})
    >>> role_matrix(pr, m, by=())
      rater_role ratee_role  ratings  mean_level  share_ties
    0     parent    teacher        1         0.0         0.0
    1    student    teacher        1         3.0         1.0
    2    teacher     parent        1         1.0         1.0
    3    teacher    student        1         2.0         1.0
    """
    if roles not in ("role", "role_group"):
        raise UsageError(f"roles must be 'role' or 'role_group', got {roles!r}")
    keys = _by(by, _KEYS)
    net = _net(pair_rating, members)
    mem = _frame("member", members, param="members", need=("member_id", "role"))
    mem = mem.dropna(subset=["member_id"]).drop_duplicates("member_id").set_index("member_id")
    role = mem["role"] if roles == "role" else _role_group(mem["role"])
    role_of = pd.Series(net.ids).map(role).to_numpy(dtype=object)
    r = net.units.iloc[net.u].reset_index(drop=True)
    r = r.assign(rater_role=pd.Series(role_of[net.a], dtype=TEXT_DTYPE),
                 ratee_role=pd.Series(role_of[net.b], dtype=TEXT_DTYPE),
                 level=net.level, tie=(net.level >= 1).astype(float))
    r = _with_cop(r, keys, cop)
    out = _grouped(r, [*keys, "rater_role", "ratee_role"], ratings=("level", "size"),
                   mean_level=("level", "mean"), share_ties=("tie", "mean"))
    out["ratings"] = out["ratings"].astype("int64")
    return out


def asymmetric_pairs(
    pair_rating: pd.DataFrame,
    members: pd.DataFrame | None = None,
    *,
    min_difference: int = 2,
) -> pd.DataFrame:
    """Pairs who see their working together differently: ratings of each other differ a lot.

    Parameters
    ----------
    pair_rating : pandas.DataFrame
        Rows of the ``pair_rating`` table.
    members : pandas.DataFrame, optional
        Rows of the ``member`` table: fills ``pseudonym_a``/``pseudonym_b``
        (and leaves out ratings by or of anyone not in it).
    min_difference : int, default 2
        Smallest difference (1 to 3) between the two ratings that is listed.

    Returns
    -------
    pandas.DataFrame
        One row per pair rated in both directions whose ratings differ by at
        least ``min_difference``, sorted by ``cop_id, wave, member_a,
        member_b``: ``cop_id, wave, member_a, member_b, level_ab`` (how
        ``member_a`` rated ``member_b``), ``level_ba``, ``difference``
        (``level_ab - level_ba``; ``member_a`` is the one who gave the higher
        rating, so it is positive), ``pseudonym_a, pseudonym_b`` (missing
        without ``members``). Ids and pseudonyms only, never names.

    Raises
    ------
    UsageError
        If ``min_difference`` is not a whole number from 1 to 3.

    Examples
    --------
    >>> import pandas as pd
    >>> pr = pd.DataFrame({"rating_id": list("abcd"), "cop_id": "c", "wave": "pre",
    ...     "rater_id": ["x", "y", "x", "z"], "ratee_id": ["y", "x", "z", "x"],
    ...     "level": [1, 3, 2, 1]})
    >>> asymmetric_pairs(pr)[["member_a", "member_b", "level_ab", "level_ba", "difference"]]
      member_a member_b  level_ab  level_ba  difference
    0        y        x         3         1           2
    """
    if (isinstance(min_difference, bool) or not isinstance(min_difference, numbers.Integral)
            or not 1 <= min_difference <= 3):
        raise UsageError(f"min_difference must be a whole number from 1 to 3, "
                         f"got {min_difference!r}")
    net = _net(pair_rating, members)
    d = net.dyads()
    sel = np.abs(d["level_ab"] - d["level_ba"]) >= min_difference
    d = {k: v[sel] for k, v in d.items()}
    flip = d["level_ba"] > d["level_ab"]
    a = net.ids[np.where(flip, d["b"], d["a"])]
    b = net.ids[np.where(flip, d["a"], d["b"])]
    hi = np.where(flip, d["level_ba"], d["level_ab"])
    lo = np.where(flip, d["level_ab"], d["level_ba"])
    unit = net.units.iloc[d["u"]]
    out = pd.DataFrame({
        "cop_id": pd.Series(unit["cop_id"].to_numpy(), dtype=TEXT_DTYPE),
        "wave": pd.Series(unit["wave"].to_numpy(), dtype=TEXT_DTYPE),
        "member_a": pd.Series(a, dtype=TEXT_DTYPE),
        "member_b": pd.Series(b, dtype=TEXT_DTYPE),
        "level_ab": pd.array(hi.astype(np.int64), dtype="Int64"),
        "level_ba": pd.array(lo.astype(np.int64), dtype="Int64"),
    })
    out["difference"] = (out["level_ab"] - out["level_ba"]).astype("Int64")
    if members is not None:
        mem = _frame("member", members, param="members", need=("member_id",))
        ps = mem.dropna(subset=["member_id"]).drop_duplicates("member_id").set_index(
            "member_id")["pseudonym"]
        out["pseudonym_a"] = out["member_a"].map(ps).astype(TEXT_DTYPE)
        out["pseudonym_b"] = out["member_b"].map(ps).astype(TEXT_DTYPE)
    else:
        out["pseudonym_a"] = pd.Series([None] * len(out), dtype=TEXT_DTYPE)
        out["pseudonym_b"] = pd.Series([None] * len(out), dtype=TEXT_DTYPE)
    return out.sort_values(["cop_id", "wave", "member_a", "member_b"],
                           kind="mergesort").reset_index(drop=True)
