"""The next cycle: a new CoP that grows from a finished one.

At the end of meeting 3 the fruits of the CoP tree (its lessons) can seed the
next cycle. :func:`start_next_cycle` creates the new CoP (cycle + 1, linked to
the previous one through ``previous_cop_id``) and carries the roster over;
:func:`previous_lessons` gives the new CoP what the earlier cycles learned, to
show at its Domain meeting.

This module writes to the store, so it sits at the store's rank; it only uses
the store's public methods (``read``, ``write``, ``transaction``) and no SQL.

Why consent is carried over the way it is
-----------------------------------------
Consent is given for taking part in the project, and DESIGN section 7 says
consent decides what appears in analyses. A new cycle is the same project
with (mostly) the same people, so asking everyone again on day one would
leave the new CoP empty in every analysis until the forms come back. The
rule here is the cautious middle way:

* a record with status ``given`` is carried over as ``given``, keeping the
  day it was recorded, with the note ``carried over from <cop_id>``;
* a ``pending`` record stays ``pending`` (recorded on the start day);
* a member with a ``refused`` or ``withdrawn`` record of any kind is **not
  carried over** (asking them again is a personal conversation, not a
  click; add them by hand in CopSetup if they want to join);
* a missing record stays missing (the member is left out until recorded).

Examples
--------
>>> import cocope_kit as ck
>>> from cocope_kit.demo import write_demo
>>> from cocope_kit.cycle import previous_lessons, start_next_cycle
>>> store = write_demo(ck.open_store(":memory:"))
>>> start_next_cycle(store, "at-graz", today="2026-09-14")
'at-graz-c2'
>>> store.read("cop", where={"cop_id": "at-graz-c2"})[["cycle", "previous_cop_id", "created_on"]]
   cycle previous_cop_id created_on
0      2         at-graz 2026-09-14
>>> previous_lessons(store, "at-graz-c2")[["lesson_id", "kind"]]
    lesson_id                kind
0  at-graz:l1             success
1  at-graz:l2  unexpected_benefit
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

import pandas as pd

from .analysis.harvest import HARVEST_COLUMNS, KIND_ORDER, mask_names, search_lessons
from .errors import StoreError, UsageError

__all__ = ["CARRY_COLUMNS", "carry_over", "default_next_id", "previous_lessons", "start_next_cycle"]

CARRY_COLUMNS = ["member_id", "pseudonym", "role", "core", "carried", "reason", "new_member_id"]
"""Columns of :func:`carry_over`."""

_BLOCKING = ("refused", "withdrawn")


def _cop(store, cop_id: str) -> pd.Series:
    if not isinstance(cop_id, str) or not cop_id.strip():
        raise UsageError(f"cop_id must be the id of a CoP, got {cop_id!r}")
    cop = store.read("cop", where={"cop_id": cop_id})
    if cop.empty:
        raise StoreError(f"no CoP with cop_id {cop_id!r} in {store.path}")
    return cop.iloc[0]


def _day(today) -> dt.date:
    if today is None:
        return dt.date.today()
    try:
        ts = pd.Timestamp(today)
    except (ValueError, TypeError):
        ts = pd.NaT
    if pd.isna(ts):
        raise UsageError(f"today must be a date (YYYY-MM-DD), got {today!r}")
    return ts.date()


def default_next_id(cop_id: str, cycle: int) -> str:
    """The id suggested for the next cycle: ``<cop_id>-c<cycle+1>`` (an old ``-c<n>`` dropped).

    >>> default_next_id("at-graz", 1), default_next_id("at-graz-c2", 2)
    ('at-graz-c2', 'at-graz-c3')
    """
    base = re.sub(r"-c\d+$", "", cop_id)
    return f"{base}-c{int(cycle) + 1}"


def _new_member_id(old: str, cop_id: str, new_cop_id: str, taken: set[str]) -> str:
    suffix = old[len(cop_id) + 1:] if old.startswith(cop_id + ":") else re.sub(r"[^\w.-]+", "-", old)
    mid = f"{new_cop_id}:{suffix}"
    n = 2
    while mid in taken:
        mid = f"{new_cop_id}:{suffix}-{n}"
        n += 1
    taken.add(mid)
    return mid


def carry_over(store, cop_id: str, *, members: str | Iterable[str] = "core",
               new_cop_id: str | None = None) -> pd.DataFrame:
    """Who would move into the next cycle, and why not (a preview; nothing is stored).

    Parameters
    ----------
    store : Store
    cop_id : str
        The finished CoP.
    members : {"core", "all"} or list of member_id
        ``"core"``: core members who have not left; ``"all"``: everybody who
        has not left; a list: exactly these members (each must belong to the
        CoP and not have left).
    new_cop_id : str, optional
        Id of the new CoP (default :func:`default_next_id`), used for the
        new member ids ``<new_cop_id>:<old suffix>``.

    Returns
    -------
    DataFrame
        One row per member of the CoP: ``member_id, pseudonym, role, core,
        carried, reason, new_member_id`` (``reason`` says why a member stays
        behind; ``new_member_id`` is empty then).

    Examples
    --------
    >>> import cocope_kit as ck
    >>> from cocope_kit.demo import write_demo
    >>> store = write_demo(ck.open_store(":memory:"))
    >>> plan = carry_over(store, "sk-kosice")
    >>> plan.loc[~plan.carried, ["member_id", "reason"]]
          member_id                      reason
    1  sk-kosice:p2        consent was withdrawn
    6  sk-kosice:p7      left on 2026-03-31
    7  sk-kosice:p8  extended network (not core)
    """
    cop = _cop(store, cop_id)
    nid = new_cop_id or default_next_id(cop_id, int(cop["cycle"]) if pd.notna(cop["cycle"]) else 1)
    mem = store.read("member", where={"cop_id": cop_id})
    cons = store.read("consent", where={"member_id": list(mem["member_id"])})
    blocked: dict[str, str] = {}
    for r in cons.itertuples():
        if r.status in _BLOCKING:
            blocked.setdefault(r.member_id, f"{r.kind} was {r.status}")
    if isinstance(members, str):
        if members not in ("core", "all"):
            raise UsageError(f"members must be 'core', 'all' or a list of member ids, got {members!r}")
        chosen = None
    else:
        chosen = list(members)
        bad = [m for m in chosen if not isinstance(m, str)]
        if bad:
            raise UsageError(f"members must be 'core', 'all' or a list of member ids, got {bad[0]!r}")
        unknown = [m for m in chosen if m not in set(mem["member_id"])]
        if unknown:
            raise UsageError(f"member {unknown[0]!r} is not a member of CoP {cop_id!r}")
        for m in chosen:
            left = mem.loc[mem["member_id"] == m, "left_on"].iloc[0]
            if pd.notna(left):
                raise UsageError(f"member {m!r} left CoP {cop_id!r} on {left:%Y-%m-%d}; "
                                 "only current members can be carried over")
            if m in blocked:
                raise UsageError(f"member {m!r} cannot be carried over: their {blocked[m]}; "
                                 "add them again with fresh consent in CopSetup if they want to join")
    taken: set[str] = set()
    rows = []
    for r in mem.itertuples():
        reason = ""
        if pd.notna(r.left_on):
            reason = f"left on {r.left_on:%Y-%m-%d}"
        elif r.member_id in blocked:
            reason = blocked[r.member_id]
        elif chosen is not None and r.member_id not in chosen:
            reason = "not chosen"
        elif chosen is None and members == "core" and not bool(r.core):
            reason = "extended network (not core)"
        carried = not reason
        rows.append({"member_id": r.member_id, "pseudonym": r.pseudonym, "role": r.role,
                     "core": bool(r.core), "carried": carried, "reason": reason,
                     "new_member_id": _new_member_id(r.member_id, cop_id, nid, taken)
                     if carried else None})
    return pd.DataFrame(rows, columns=CARRY_COLUMNS).astype({"core": bool, "carried": bool})


def start_next_cycle(store, cop_id: str, *, new_cop_id: str | None = None,
                     members: str | Iterable[str] = "core", today=None,
                     name: str | None = None) -> str:
    """Start the next cycle from a CoP: a new linked CoP with the roster carried over.

    Parameters
    ----------
    store : Store
    cop_id : str
        The CoP whose cycle ends.
    new_cop_id : str, optional
        Id of the new CoP; default ``<cop_id>-c<cycle+1>``
        (:func:`default_next_id`).
    members : {"core", "all"} or list of member_id, default "core"
        Who moves on (see :func:`carry_over`). Members who left, and
        members with a refused or withdrawn consent or assent, never do.
    today : date or str, optional
        The day the new cycle starts (``created_on`` of the CoP,
        ``joined_on`` of its members); default today.
    name : str, optional
        Name of the new CoP; default the previous name.

    Returns
    -------
    str
        The id of the new CoP.

    Raises
    ------
    StoreError
        Unknown ``cop_id``.
    UsageError
        ``new_cop_id`` already in the store, a bad ``members`` value, or a
        start day before the previous CoP was set up.

    Notes
    -----
    The new CoP keeps school, country and language, has ``cycle`` one
    higher and ``previous_cop_id`` set. Each member carried over gets a new
    ``member_id`` (``<new_cop_id>:<old suffix>``), the same name, pseudonym,
    role and core flag, and ``joined_on = today``. Consent records follow the
    rule in the module notes. Everything is written in one transaction with
    an audit entry; on any error the store is unchanged.
    """
    day = _day(today)
    with store.transaction():
        cop = _cop(store, cop_id)
        cycle = int(cop["cycle"]) if pd.notna(cop["cycle"]) else 1
        nid = new_cop_id if new_cop_id is not None else default_next_id(cop_id, cycle)
        if not isinstance(nid, str) or not nid.strip():
            raise UsageError(f"new_cop_id must be a non-empty id, got {new_cop_id!r}")
        nid = nid.strip()
        if not store.read("cop", where={"cop_id": nid}).empty:
            raise UsageError(f"a CoP with cop_id {nid!r} is already in the store; "
                             "pass another new_cop_id")
        if pd.notna(cop["created_on"]) and pd.Timestamp(day) < cop["created_on"]:
            raise UsageError(f"the next cycle cannot start on {day:%Y-%m-%d}, before CoP "
                             f"{cop_id!r} was set up ({cop['created_on']:%Y-%m-%d})")
        plan = carry_over(store, cop_id, members=members, new_cop_id=nid)
        plan = plan[plan["carried"]]
        mem = store.read("member", where={"member_id": list(plan["member_id"])}).set_index("member_id")
        cons = store.read("consent", where={"member_id": list(plan["member_id"])})
        new_ids = dict(zip(plan["member_id"], plan["new_member_id"], strict=True))
        cop_row = {"cop_id": nid, "name": (name or "").strip() or cop["name"],
                   "school": cop["school"], "country": cop["country"],
                   "language": cop["language"], "cycle": cycle + 1,
                   "previous_cop_id": cop_id, "created_on": day}
        member_rows = []
        for old, new in new_ids.items():
            m = mem.loc[old]
            member_rows.append({"member_id": new, "cop_id": nid,
                                "name": m["name"] if pd.notna(m["name"]) else None,
                                "pseudonym": m["pseudonym"], "role": m["role"],
                                "core": bool(m["core"]), "joined_on": day, "left_on": None})
        consent_rows = []
        for r in cons.itertuples():
            if r.status == "given":
                consent_rows.append({"member_id": new_ids[r.member_id], "kind": r.kind,
                                     "status": "given", "recorded_on": r.recorded_on,
                                     "note": f"carried over from {cop_id}"})
            elif r.status == "pending":
                consent_rows.append({"member_id": new_ids[r.member_id], "kind": r.kind,
                                     "status": "pending", "recorded_on": day,
                                     "note": f"carried over from {cop_id}: still pending"})
        store.write({"cop": [cop_row], "member": member_rows, "consent": consent_rows},
                    audit="next cycle", source=f"next cycle of {cop_id}")
    return nid


def _chain(store, cop_id: str) -> list[str]:
    """The earlier CoPs of ``cop_id``, newest first (a loop in the links ends the walk)."""
    cops = store.read("cop").set_index("cop_id")
    if cop_id not in cops.index:
        raise StoreError(f"no CoP with cop_id {cop_id!r} in {store.path}")
    seen = {cop_id}
    out = []
    prev = cops.at[cop_id, "previous_cop_id"]
    while isinstance(prev, str) and prev in cops.index and prev not in seen:
        out.append(prev)
        seen.add(prev)
        prev = cops.at[prev, "previous_cop_id"]
    return out


def previous_lessons(store, cop_id: str) -> pd.DataFrame:
    """The lessons of every earlier cycle of a CoP (following ``previous_cop_id``).

    Returns
    -------
    DataFrame
        Columns :data:`cocope_kit.analysis.harvest.HARVEST_COLUMNS`, the
        most recent cycle first, then by kind and ``lesson_id``. Real names
        in title and text are replaced following the consent rule
        (:func:`cocope_kit.analysis.harvest.mask_names`). Empty for a CoP
        in its first cycle.

    Raises
    ------
    StoreError
        Unknown ``cop_id``.
    """
    chain = _chain(store, cop_id)
    les = store.read("lesson", where={"cop_id": chain}) if chain else store.read("lesson").iloc[0:0]
    if les.empty:
        return search_lessons(les, store.read("cop")).iloc[0:0]
    mem = store.read("member", where={"cop_id": chain})
    cons = store.read("consent", where={"member_id": list(mem["member_id"])})
    found = search_lessons(mask_names(les, mem, cons), store.read("cop"), cop_ids=chain)
    rank = {c: i for i, c in enumerate(chain)}
    order = {k: i for i, k in enumerate(KIND_ORDER)}
    found = found.assign(_r=found["cop_id"].map(rank), _k=found["kind"].map(order).fillna(99))
    found = found.sort_values(["_r", "_k", "lesson_id"], kind="mergesort")
    return found[HARVEST_COLUMNS].reset_index(drop=True)
