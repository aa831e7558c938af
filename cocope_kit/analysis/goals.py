"""The shared goal of meeting 1 (Domain): SMART check, progress, GAS levels.

Functions take a goal as a mapping (``{"statement": ..., "baseline": 4, ...}``)
or as rows of the ``goal`` table (what ``store.read("goal")`` returns, or a frame
a researcher built with text columns; both are coerced with
:func:`cocope_kit.schema.typed`).

Examples
--------
>>> from cocope_kit.analysis.goals import smart_check
>>> goal = {"statement": "Improve break times", "indicator": "pupils playing in mixed groups",
...         "unit": "pupils", "direction": "increase", "baseline": 4, "target": 8,
...         "agreed_on": "2026-02-02", "deadline": "2026-06-30",
...         "achievable_note": "two playground helpers", "relevant_note": "answers the challenge"}
>>> smart_check(goal)[["criterion", "passed"]]
    criterion  passed
0    specific   False
1  measurable    True
2  achievable    True
3    relevant    True
4  time_bound    True
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..errors import Problem, UsageError, ValidationError
from ..schema import TEXT_DTYPE
from ._util import _as_date, _day, _frame, _memo, _text

__all__ = [
    "SMART_CRITERIA",
    "VAGUE_WORDS",
    "GROUP_WORDS",
    "MAX_RELATIVE_CHANGE",
    "smart_check",
    "goal_progress",
    "gas_levels",
]

SMART_CRITERIA: tuple[str, ...] = ("specific", "measurable", "achievable", "relevant", "time_bound")
"""The five criteria, in the order :func:`smart_check` reports them."""

VAGUE_WORDS: dict[str, tuple[str, ...]] = {
    "en": (r"improv\w*", r"better", r"more", r"enhanc\w*", r"increas\w* (?:the )?awareness",
           r"rais\w* awareness", r"promot\w*", r"foster\w*", r"strengthen\w*"),
    "de": (r"verbesser\w*", r"besser\w*", r"mehr", r"förder\w*", r"stärk\w*",
           r"bewusstsein\w*"),
    "nl": (r"verbeter\w*", r"beter\w*", r"meer", r"bevorder\w*", r"versterk\w*",
           r"bewustzijn\w*"),
    "pt": (r"melhor\w*", r"mais", r"promov\w*", r"refor[çc]\w*", r"consci[êe]ncia\w*"),
    "sk": (r"zlepš\w*", r"lepš\w*", r"viac", r"posil\w*", r"povedomi\w*"),
}
"""Vague wording per language (regular expressions matched as whole words, any case)."""

GROUP_WORDS: dict[str, tuple[str, ...]] = {
    "en": (r"students?", r"pupils?", r"learners?", r"child\w*", r"kids?", r"parents?",
           r"famil(?:y|ies)", r"class\w*", r"grades? ?\d+", r"year ?\d+", r"teachers?",
           r"staff", r"colleagues?", r"boys?", r"girls?", r"peers?", r"assistants?",
           r"newcomers?"),
    "de": (r"schüler\w*", r"kinder\w*", r"eltern\w*", r"klasse\w*", r"lehrer\w*",
           r"lehrkr[äa]ft\w*", r"famili\w*", r"jahrgang\w*", r"kolleg\w*"),
    "nl": (r"leerling\w*", r"kinderen", r"ouders?", r"klas\w*", r"leerkracht\w*",
           r"leraren", r"leraar", r"docent\w*", r"groep\w*", r"gezin\w*", r"collega\w*"),
    "pt": (r"alun[oa]s?", r"estudantes?", r"crian[çc]as?", r"pais", r"encarregados",
           r"fam[íi]lias?", r"turmas?", r"professor\w*", r"docentes?", r"colegas?"),
    "sk": (r"žia\w*", r"deti", r"detí", r"rodič\w*", r"tried\w*", r"učiteľ\w*",
           r"študent\w*", r"ročník\w*", r"koleg\w*"),
}
"""Words that say for whom (groups of people), per language (whole words, any case)."""

MAX_RELATIVE_CHANGE = 1.0
"""An increase by more than this share of the baseline (100 %) is flagged as a stretch."""

_VAGUE_RE = re.compile(
    r"\b(?:" + "|".join(p for ps in VAGUE_WORDS.values() for p in ps) + r")\b", re.IGNORECASE)
_GROUP_RE = re.compile(
    r"\b(?:" + "|".join(p for ps in GROUP_WORDS.values() for p in ps) + r")\b", re.IGNORECASE)
_NUMBER_RE = re.compile(r"\d")
_PERCENT_RE = re.compile(r"%|\bper ?cent\b|\bprozent\b|\bprocent\b|\bpercent\w*\b|\bpercento\b",
                         re.IGNORECASE)


def _goal_frame(goal: object, param: str = "goal") -> pd.DataFrame:
    if isinstance(goal, pd.Series):
        goal = goal.to_dict()
    if isinstance(goal, Mapping):
        goal = pd.DataFrame([dict(goal)])
    if not isinstance(goal, pd.DataFrame):
        raise UsageError(
            f"{param} must be a mapping or a one-row DataFrame of the 'goal' table, "
            f"got {type(goal).__name__}"
        )
    if len(goal) != 1:
        raise UsageError(f"{param} must be one goal (one row); got {len(goal)} rows. "
                         "Pick one, e.g. goals.iloc[[0]], or loop over the rows.")
    return _frame("goal", goal, param=param)


def _blank(v: object) -> bool:
    return v is None or (not isinstance(v, str) and pd.isna(v)) or (
        isinstance(v, str) and not v.strip())


def _num(x: float) -> str:
    return f"{x:g}"


def _challenges(ideas: pd.DataFrame, cop_id: object) -> list[str]:
    df = _frame("idea", ideas, param="ideas", need=("kind", "text"))
    df = df[(df["kind"] == "challenge") & df["text"].notna()]
    if not _blank(cop_id):
        df = df[df["cop_id"] == cop_id]
    df = df.assign(_v=df["votes"].fillna(0)).sort_values(["_v", "idea_id"],
                                                         ascending=[False, True])
    return df["text"].tolist()


def _specific(g: dict) -> tuple[bool, str]:
    text = g["statement"]
    if _blank(text):
        return False, "Write the goal as one sentence: what should change, for whom, by when."
    vague = sorted({m.group(0).lower() for m in _VAGUE_RE.finditer(text)})
    has_group = _GROUP_RE.search(text) is not None
    has_number = _NUMBER_RE.search(text) is not None
    if vague and not (has_group and has_number):
        hints = []
        if not has_group:
            hints.append("Say who benefits: e.g. 'students in grade 5'.")
        if not has_number:
            hints.append("Say how much: e.g. 'from 4 to 8 pupils' or 'at least 80% of lessons'.")
        words = ", ".join(repr(w) for w in vague)
        return False, f"Vague wording ({words}). " + " ".join(hints)
    if not has_group:
        return True, ("No vague wording. Tip: name who benefits, e.g. 'students in grade 5'.")
    return True, "Says what changes and for whom."


def _measurable(g: dict) -> tuple[bool, str]:
    hints = []
    if _blank(g["indicator"]):
        hints.append("Name the indicator: what will you count or observe? e.g. "
                     "'pupils who play in mixed groups at break'.")
    if _blank(g["unit"]):
        hints.append("Give the unit of the indicator, e.g. 'pupils', '% of lessons', "
                     "'minutes per week'.")
    base, target = g["baseline"], g["target"]
    if _blank(base):
        hints.append("Give a baseline: the value today (measure it before you start).")
    if _blank(target):
        hints.append("Give a target: the value you want to reach by the deadline.")
    direction = "increase" if _blank(g["direction"]) else str(g["direction"])
    if direction not in ("increase", "decrease"):
        hints.append(f"Set the direction to 'increase' or 'decrease' (not {direction!r}).")
    elif not _blank(base) and not _blank(target):
        if target == base:
            hints.append(f"The target equals the baseline ({_num(base)}); "
                         "set a target that shows the change you want.")
        elif direction == "increase" and target < base:
            hints.append(f"The goal is to increase the indicator, but the target ({_num(target)}) "
                         f"is below the baseline ({_num(base)}); check the numbers or set the "
                         "direction to 'decrease'.")
        elif direction == "decrease" and target > base:
            hints.append(f"The goal is to decrease the indicator, but the target ({_num(target)}) "
                         f"is above the baseline ({_num(base)}); check the numbers or set the "
                         "direction to 'increase'.")
    if hints:
        return False, " ".join(hints)
    return True, (f"Measured by '{g['indicator']}' in {g['unit']}: from {_num(base)} to "
                  f"{_num(target)} ({direction}).")


def _achievable(g: dict) -> tuple[bool, str]:
    hints = []
    if _blank(g["achievable_note"]):
        hints.append("Say why the target is within reach: the time, people and resources you "
                     "can count on (achievable_note).")
    base, target = g["baseline"], g["target"]
    direction = "increase" if _blank(g["direction"]) else str(g["direction"])
    if not _blank(base) and not _blank(target):
        if direction == "increase" and base != 0:
            change = (target - base) / abs(base)
            if change > MAX_RELATIVE_CHANGE:
                hints.append(
                    f"The target ({_num(target)}) is {change:.0%} above the baseline "
                    f"({_num(base)}), more than {MAX_RELATIVE_CHANGE:.0%}; check it is within "
                    "reach, or set an intermediate target for this cycle.")
        if direction == "decrease" and target < 0:
            hints.append(f"The target ({_num(target)}) is below 0; a decrease can at most "
                         "reach 0.")
        if not _blank(g["unit"]) and _PERCENT_RE.search(str(g["unit"])) and not 0 <= target <= 100:
            hints.append(f"The target ({_num(target)}) is outside 0-100%; a share cannot go "
                         "beyond that.")
    if hints:
        return False, " ".join(hints)
    return True, f"Within reach because: {g['achievable_note']}"


def _relevant(g: dict, challenges: list[str] | None) -> tuple[bool, str]:
    about = ""
    if challenges is not None:
        if challenges:
            more = f" (and {len(challenges) - 1} more)" if len(challenges) > 1 else ""
            about = f" Starting challenge: '{challenges[0]}'{more}."
        else:
            about = " No challenge is recorded for this CoP; note the challenge you started from."
    if _blank(g["relevant_note"]):
        return False, ("Say how the goal answers the starting challenge (relevant_note)." + about)
    return True, f"Answers the challenge: {g['relevant_note']}" + about


def _time_bound(g: dict) -> tuple[bool, str]:
    deadline, agreed = g["deadline"], g["agreed_on"]
    hints = []
    if _blank(deadline):
        hints.append("Set a deadline: by when should the target be reached? "
                     "e.g. 'by 30 June 2026'.")
    if _blank(agreed):
        hints.append("Record the day the goal was agreed (agreed_on), so progress can be "
                     "followed over time.")
    if not hints and deadline <= agreed:
        hints.append(f"The deadline ({_day(deadline)}) is not after the day the goal was agreed "
                     f"({_day(agreed)}); pick a later deadline.")
    if hints:
        return False, " ".join(hints)
    days = (deadline - agreed).days
    return True, (f"Deadline {_day(deadline)}, {days} days after the goal was agreed on "
                  f"{_day(agreed)}.")


def smart_check(goal: object, *, ideas: pd.DataFrame | None = None) -> pd.DataFrame:
    """Check a goal against the five SMART criteria, with hints the group can act on.

    Parameters
    ----------
    goal : mapping or pandas.DataFrame
        One goal: a mapping of ``goal`` table columns, or a one-row frame of
        the ``goal`` table. Missing columns count as blank.
    ideas : pandas.DataFrame, optional
        Rows of the ``idea`` table; the ``challenge`` ideas of the goal's CoP
        (most votes first) are quoted in the ``relevant`` hint.

    Returns
    -------
    pandas.DataFrame
        Five rows, one per criterion, columns ``criterion`` (``specific,
        measurable, achievable, relevant, time_bound``), ``passed`` (bool)
        and ``message`` (what is fine, or what to do). No score.

    Raises
    ------
    UsageError
        If ``goal`` is not one goal.

    Notes
    -----
    The rules (simple, so a group can see why a criterion failed):

    specific
        Fails when the statement is blank, or when it uses vague wording
        (:data:`VAGUE_WORDS`: "improve", "better", "more", "enhance",
        "increase awareness", ..., and the de/nl/pt/sk equivalents such as
        "verbessern", "verbeteren", "melhorar", "zlepšiť") **and** does not
        say both *what* (a number, any digit) and *for whom* (a group word of
        :data:`GROUP_WORDS`: students, pupils, parents, class, teachers,
        "grade 5", ...). A statement without vague wording passes.
    measurable
        Needs an ``indicator``, a ``unit``, a numeric ``baseline`` and
        ``target``, ``target != baseline``, and a target that points in the
        goal's ``direction`` (increase: target > baseline; decrease: target <
        baseline; blank direction = increase).
    achievable
        Needs a rationale (``achievable_note``), and fails when the target is
        far beyond what the baseline suggests: for an increase, a relative
        change ``(target - baseline) / |baseline|`` above
        :data:`MAX_RELATIVE_CHANGE` (100 %; not judged when the baseline is
        0); for a decrease, a target below 0; for a unit in percent, a
        target outside 0-100.
    relevant
        Needs ``relevant_note``: how the goal answers the starting challenge.
    time_bound
        Needs ``agreed_on`` and a ``deadline`` after it.

    Examples
    --------
    >>> goal = {"statement": "By June, 8 pupils of class 3B play in mixed groups at break",
    ...         "indicator": "pupils playing in mixed groups", "unit": "pupils",
    ...         "baseline": 4, "target": 20, "agreed_on": "2026-02-02",
    ...         "deadline": "2026-06-30", "relevant_note": "answers exclusion at break"}
    >>> out = smart_check(goal)
    >>> out.passed.tolist()
    [True, True, False, True, True]
    >>> print(out.message[2])  # doctest: +NORMALIZE_WHITESPACE
    Say why the target is within reach: the time, people and resources you can count on
    (achievable_note). The target (20) is 400% above the baseline (4), more than 100%; check
    it is within reach, or set an intermediate target for this cycle.
    """
    g = _goal_frame(goal).iloc[0].to_dict()
    challenges = None if ideas is None else _challenges(ideas, g.get("cop_id"))
    results = [
        _specific(g),
        _measurable(g),
        _achievable(g),
        _relevant(g, challenges),
        _time_bound(g),
    ]
    return pd.DataFrame({
        "criterion": _text(SMART_CRITERIA),
        "passed": np.array([r[0] for r in results], dtype=bool),
        "message": _text(r[1] for r in results),
    })


@_memo
def goal_progress(
    goals: pd.DataFrame, measurements: pd.DataFrame, *, as_of: object = None
) -> pd.DataFrame:
    """Progress of each goal from its baseline towards its target.

    Parameters
    ----------
    goals : pandas.DataFrame
        Rows of the ``goal`` table.
    measurements : pandas.DataFrame
        Rows of the ``goal_measurement`` table.
    as_of : date-like, optional
        Only measurements up to this day count, and ``days_left`` is counted
        from it. Default: all measurements, and today.

    Returns
    -------
    pandas.DataFrame
        One row per goal, sorted by ``cop_id`` then ``goal_id``, columns
        ``goal_id, cop_id, baseline, target, latest_value, latest_on,
        progress, on_track, deadline, days_left``.

        * ``latest_value``, ``latest_on``: the last measurement (by
          ``measured_on``, then ``measurement_id``) up to ``as_of``.
        * ``progress = (latest_value - baseline) / (target - baseline)``,
          not clipped: below 0 means the indicator moved the wrong way, above
          1 means the target was passed. NaN when a value is missing or
          ``target == baseline``.
        * ``on_track`` (boolean): ``progress`` is at least the share of time
          that had elapsed between ``agreed_on`` and ``deadline`` on
          ``latest_on`` (clipped to [0, 1]); blank when it cannot be judged.
        * ``days_left`` (Int64): days from ``as_of`` to ``deadline``
          (negative once the deadline has passed).

    Examples
    --------
    >>> import pandas as pd
    >>> goals = pd.DataFrame({"goal_id": ["g1"], "cop_id": ["c1"], "statement": ["..."],
    ...     "baseline": [4.0], "target": [12.0], "agreed_on": ["2026-02-01"],
    ...     "deadline": ["2026-06-30"]})
    >>> meas = pd.DataFrame({"measurement_id": ["m1", "m2"], "goal_id": "g1",
    ...     "measured_on": ["2026-03-01", "2026-04-01"], "value": [6.0, 8.0]})
    >>> out = goal_progress(goals, meas, as_of="2026-04-10")
    >>> out[["latest_value", "progress", "on_track", "days_left"]]
       latest_value  progress  on_track  days_left
    0           8.0       0.5      True         81
    """
    gl = _frame("goal", goals, param="goals", need=("goal_id",))
    ms = _frame("goal_measurement", measurements, param="measurements",
                need=("goal_id", "measured_on", "value"))
    day = pd.Timestamp.today().normalize() if as_of is None else _as_date(as_of, "as_of")
    gl = gl.dropna(subset=["goal_id"]).drop_duplicates("goal_id")
    ms = ms[ms["goal_id"].notna() & ms["measured_on"].notna() & ms["value"].notna()]
    if as_of is not None:
        ms = ms[ms["measured_on"] <= day]
    last = (ms.sort_values(["goal_id", "measured_on", "measurement_id"], kind="mergesort")
            .drop_duplicates("goal_id", keep="last")[["goal_id", "value", "measured_on"]])
    gl = gl.reset_index(drop=True)
    joined = gl[["goal_id"]].merge(last, on="goal_id", how="left")
    out = pd.DataFrame({
        "goal_id": gl["goal_id"].astype(TEXT_DTYPE),
        "cop_id": gl["cop_id"].astype(TEXT_DTYPE),
        "baseline": gl["baseline"].astype(float),
        "target": gl["target"].astype(float),
        "latest_value": joined["value"].astype(float),
        "latest_on": joined["measured_on"].astype("datetime64[ns]"),
    })
    span = out["target"] - out["baseline"]
    out["progress"] = (out["latest_value"] - out["baseline"]) / span.where(span != 0)
    total = (gl["deadline"] - gl["agreed_on"]).dt.days
    elapsed = (out["latest_on"] - gl["agreed_on"]).dt.days
    expected = (elapsed / total.where(total > 0)).clip(0, 1)
    judged = out["progress"].notna() & expected.notna()
    on_track = pd.array(np.where(judged, out["progress"] >= expected, False), dtype="boolean")
    on_track[~judged.to_numpy()] = pd.NA
    out["on_track"] = on_track
    out["deadline"] = gl["deadline"].astype("datetime64[ns]")
    left = (gl["deadline"] - day).dt.days
    out["days_left"] = pd.array(left.to_numpy(dtype=float), dtype="Float64").astype("Int64")
    return out.sort_values(["cop_id", "goal_id"], kind="mergesort").reset_index(drop=True)


_LEVEL_RE = re.compile(r"^\s*([+-]?\d+)(?:\.0*)?\s*$")


def gas_levels(goal: object) -> dict[int, str]:
    """The Goal Attainment Scaling levels of a goal, parsed from its ``gas_levels`` JSON.

    Parameters
    ----------
    goal : mapping, pandas.DataFrame or str
        One goal (a mapping or a one-row frame of the ``goal`` table), or the
        JSON text of its ``gas_levels`` column.

    Returns
    -------
    dict of int to str
        ``{-2: ..., -1: ..., 0: ..., 1: ..., 2: ...}`` in that order; empty
        when the goal has no ``gas_levels``.

    Raises
    ------
    ValidationError
        Listing every problem: text that is not a JSON object, a level that
        is not a whole number from -2 to +2 (``"+1"`` and ``"1"`` are the same
        level, so only one may appear), a description that is blank or not
        text, or a missing level. GAS describes all five outcome levels, from
        much less (-2) to much more (+2) than expected, 0 being the expected
        outcome (Kiresuk & Sherman 1968).

    Examples
    --------
    >>> gas_levels('{"-2": "none", "-1": "2 pupils", "0": "4 pupils", "1": "6", "+2": "8"}')
    {-2: 'none', -1: '2 pupils', 0: '4 pupils', 1: '6', 2: '8'}
    >>> try:
    ...     gas_levels('{"0": "4 pupils", "3": "lots"}')
    ... except ValidationError as err:
    ...     for problem in err.problems:
    ...         print(problem)
    goal, column 'gas_levels': '3' is not allowed; a level from -2 to +2
    goal, column 'gas_levels': levels -2, -1, 1, 2 are missing; describe all five levels ...
    """
    if isinstance(goal, str):
        raw, goal_id = goal, None
    else:
        g = _goal_frame(goal).iloc[0]  # checks the shape; typed() would blank bad JSON, so
        goal_id = g["goal_id"]         # the raw value is read from the input itself
        if isinstance(goal, pd.DataFrame):
            goal = goal.iloc[0]
        raw = goal.get("gas_levels")
        if isinstance(raw, (dict, list)):
            raw = json.dumps(raw)
    context = "gas_levels" + ("" if _blank(goal_id) else f" of goal {goal_id!r}")
    if _blank(raw):
        return {}

    def problem(value: object, allowed: str) -> Problem:
        return Problem("goal", None, "gas_levels", value, allowed)

    try:
        data = json.loads(raw)
    except (TypeError, ValueError):
        raise ValidationError([problem(raw, "JSON text such as "
                                            '{"-2": "...", "-1": "...", "0": "...", "1": "...", '
                                            '"2": "..."}')], context) from None
    if not isinstance(data, dict):
        raise ValidationError([problem(raw, "a JSON object with keys -2 to 2")], context)
    problems: list[Problem] = []
    levels: dict[int, str] = {}
    for key, text in data.items():
        m = _LEVEL_RE.match(str(key))
        level = int(m.group(1)) if m else None
        if level is None or not -2 <= level <= 2:
            problems.append(problem(key, "a level from -2 to +2"))
            continue
        if level in levels:
            problems.append(problem(key, f"level {level} appears more than once"))
            continue
        if isinstance(text, bool) or not isinstance(text, (str, int, float)) or (
                isinstance(text, float) and math.isnan(text)) or not str(text).strip():
            problems.append(problem(text, f"a description of level {level} (text)"))
            continue
        levels[level] = str(text).strip()
    missing = [lv for lv in range(-2, 3) if lv not in levels and not any(
        p.allowed.startswith(f"a description of level {lv} ") for p in problems)]
    if missing:
        names = ", ".join(str(lv) for lv in missing)
        problems.append(problem(None, f"level{'s' if len(missing) > 1 else ''} {names} "
                                      f"{'are' if len(missing) > 1 else 'is'} missing; "
                                      "describe all five levels from -2 to +2"))
    if problems:
        raise ValidationError(problems, context)
    return {lv: levels[lv] for lv in range(-2, 3)}
