"""SPSS export: ``.sav`` files with the conventions SPSS users expect, and a ``.sps`` syntax file.

Every variable is written with an explicit type, so a file of any size has
the same dictionary (pyreadstat never has to guess a type from the values):

=========================== ================= ============== ===================
store column                SPSS type         format         measurement level
=========================== ================= ============== ===================
date                        numeric (date)    ``DATE11``     scale
timestamp (UTC)             numeric           ``DATETIME20`` scale
true/false                  numeric 0/1       ``F1.0``       nominal, no/yes
fixed set of values         numeric 1, 2, ... ``F1.0``/F2.0  nominal, labels
whole number                numeric           ``Fw.0``       scale
number                      numeric           ``Fw.d``       scale
text, JSON                  string            ``Aw``         nominal
survey item (Likert)        numeric           ``F1.0``       ordinal, labels
=========================== ================= ============== ===================

``w`` is the widest value of the column, ``d`` the fewest decimals (at most 4)
that show every value. ``pair_rating.level`` is ordinal with the names of the
levels of working together. Every variable has a label: the item text for
survey items, the column's description (:mod:`cocope_kit.schema`) or a label
built from the table, the column and what it refers to otherwise
(:func:`variable_label`).

Missing values
    Every survey item declares the user-missing codes of :func:`missing_codes`
    (``8`` don't know, ``9`` not answered on one-digit scales; ``98``/``99``
    on two-digit scales), with value labels. An answer whose
    ``answer.status`` (:mod:`cocope_kit.answer_status`) is ``dont_know`` or
    ``not_answered`` is written as that code (:data:`STATUS_CODES`); an item
    without any answer row (a response from an older store, or an item not
    shown to the respondent's audience) is system-missing.

Syntax
    :func:`write_sav` writes next to each ``survey_<instrument>.sav`` a
    ``survey_<instrument>.sps`` that reverse-codes the reverse-keyed items
    into new variables and computes each construct's scale score with the
    rule of :func:`cocope_kit.analysis.scale_scores` (stated in the file's
    comments): ``MEAN.k`` over the construct's items with ``k`` the smallest
    whole number of answered items that reaches 2/3 of them.

Wide waves
    With ``wide_waves=True`` the survey files hold one row per respondent
    (matched by ``respondent_id`` within CoP and instrument) with the
    variables of each wave side by side, suffixed ``_pre``, ``_post``, ...
    (waves in the order they were first answered,
    :func:`cocope_kit.analysis.wave_order`). A respondent with two responses
    in one wave keeps the later one; the file's note says how many were left
    out.

Examples
--------
>>> import cocope_kit as ck, tempfile, pyreadstat
>>> from cocope_kit.demo import write_demo
>>> store = write_demo(ck.open_store(":memory:"))
>>> files = write_sav(store, tempfile.mkdtemp(), tables=["member"])
>>> [f.name for f in files][:3]
['member.sav', 'survey_cop_climate.sav', 'survey_cop_climate.sps']
>>> df, meta = pyreadstat.read_sav(files[0])
>>> meta.variable_value_labels["role"][1.0], meta.variable_measure["joined_on"]
('teacher', 'scale')
>>> missing_codes((1, 2, 3, 4, 5))
{'dont_know': 8.0, 'not_answered': 9.0}
"""

from __future__ import annotations

import math
import os
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import UsageError

__all__ = [
    "LEVEL_LABELS",
    "MISSING_LABELS",
    "STATUS_CODES",
    "SavFile",
    "missing_codes",
    "variable_label",
    "sav_frames",
    "syntax_text",
    "write_sav",
]

LEVEL_LABELS: dict[int, str] = {0: "none", 1: "cooperation", 2: "coordination", 3: "collaboration"}
"""Value labels of ``pair_rating.level``."""

MISSING_LABELS: dict[str, str] = {"dont_know": "don't know", "not_answered": "not answered"}
"""Value labels of the user-missing codes of survey items."""

STATUS_CODES: tuple[str, ...] = ("dont_know", "not_answered")
"""Answer statuses written as user-missing codes (``answer.status``)."""

_RESERVED = frozenset("ALL AND BY EQ GE GT LE LT NE NOT OR TO WITH".split())
"""SPSS keywords that cannot be variable names."""
_MAX_CODED = 20  # enums with more values (e.g. country codes) stay text
_MAX_STRING = 32767  # longest SPSS string, in bytes
_MAX_LABEL = 255  # longest SPSS variable label, in bytes
_HEAD = ("response_id", "cop_id", "respondent_id", "respondent_role", "wave", "language",
         "instrument_version", "submitted_at")
_PER_WAVE = ("response_id", "language", "instrument_version", "submitted_at")


@dataclass(frozen=True)
class SavFile:
    """One ``.sav`` file before writing: the data and its dictionary.

    Attributes
    ----------
    frame : pandas.DataFrame
        Columns already typed for SPSS: float64 (numeric), datetime64
        (dates, times) or Python ``str`` (text; ``""`` for missing).
    labels : dict
        Variable label of every variable.
    value_labels : dict
        ``{variable: {code: label}}``.
    formats : dict
        Print/write format of every variable (``F1.0``, ``DATE11``, ``A12``).
    measures : dict
        ``nominal``, ``ordinal`` or ``scale`` for every variable.
    missing : dict
        User-missing codes per variable.
    notes : tuple of str
        File notes (what was left out or cut, and why); written as document
        lines of at most 80 characters (``DISPLAY DOCUMENTS``).
    items : dict
        Survey files only: ``{item_id: {suffix: variable}}`` for the syntax.
    instrument : str or None
        Survey files only: the instrument id.
    """

    frame: pd.DataFrame
    labels: dict[str, str]
    value_labels: dict[str, dict[float, str]]
    formats: dict[str, str]
    measures: dict[str, str]
    missing: dict[str, list[float]] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    items: dict[str, dict[str, str]] = field(default_factory=dict)
    instrument: str | None = None


# ----------------------------------------------------------------------------- helpers
def _clip(text: str, limit: int = _MAX_LABEL) -> str:
    """One line of at most ``limit`` UTF-8 bytes (cut at a character boundary)."""
    text = " ".join(str(text).split())
    raw = text.encode("utf-8")
    if len(raw) <= limit:
        return text
    return raw[:limit].decode("utf-8", errors="ignore").rstrip()


def _spss_name(name: str, taken: set[str]) -> str:
    """A valid SPSS variable name (letter first; letters, digits, _ .; at most 64 bytes)."""
    base = re.sub(r"[^A-Za-z0-9_.]", "_", str(name))
    if not base or not base[0].isalpha():
        base = "v_" + base
    base = base[:64].rstrip(".")
    if base.upper() in _RESERVED:
        base += "_"
    out, i = base, 2
    while out.lower() in taken:
        out, i = f"{base[:60]}_{i}", i + 1
    taken.add(out.lower())
    return out


def _enum_values(col) -> tuple | None:
    allowed = col.allowed
    if allowed is None or col.type != "text" or len(allowed) > _MAX_CODED:
        return None
    return tuple(sorted(allowed)) if isinstance(allowed, frozenset) else tuple(allowed)


def _digits(n: float) -> int:
    return len(str(int(abs(n)))) + (1 if n < 0 else 0)


def _number_format(values: np.ndarray, whole: bool) -> str:
    """``Fw.d``: ``w`` fits the widest value, ``d`` the fewest decimals (<= 4) that show all."""
    v = values[np.isfinite(values)]
    if not len(v):
        return "F8.0" if whole else "F8.2"
    d = 0
    if not whole:
        while d < 4 and not np.allclose(v * 10 ** d, np.round(v * 10 ** d), rtol=0, atol=1e-6):
            d += 1
    w = max(_digits(v.max()), _digits(v.min())) + (d + 1 if d else 0)
    return f"F{min(max(w, 1), 40)}.{d}"


def _text(s: pd.Series, notes: list[str], name: str) -> tuple[pd.Series, str]:
    """Text as Python ``str`` (``""`` for missing) and its ``Aw`` format (w in UTF-8 bytes)."""
    out = s.astype(object).where(s.notna(), "").map(str)
    nbytes = out.map(lambda x: len(x.encode("utf-8"))) if len(out) else pd.Series([], dtype=int)
    too_long = nbytes > _MAX_STRING
    if too_long.any():
        out = out.where(~too_long, out[too_long].map(lambda x: _clip(x, _MAX_STRING)))
        n = int(too_long.sum())
        notes.append(f"{name}: {n} value{'s' if n != 1 else ''} longer than {_MAX_STRING} "
                     f"bytes (the longest SPSS string) {'were' if n != 1 else 'was'} cut; the "
                     "CSV or XLSX export has the whole text")
    width = int(min(max(nbytes.max() if len(nbytes) else 1, 1), _MAX_STRING))
    return out, f"A{width}"


def _words(column: str) -> str:
    return column.replace("_", " ")


def variable_label(table: str, column: str) -> str:
    """The SPSS variable label of a store column.

    The column's description in :mod:`cocope_kit.schema` when it has one,
    else a label built from the table and the column: what a reference
    points to, the values a fixed set allows, or the column's name in words
    with its type. Key columns say whose id they are.

    Examples
    --------
    >>> variable_label("member", "core")
    'member: core member (true) or extended network (false)'
    >>> variable_label("meeting", "cop_id")
    'meeting: the CoP it belongs to (cop_id of table cop)'
    >>> variable_label("meeting", "held_on")
    'meeting: held on (date)'
    >>> variable_label("meeting", "meeting_id")
    'meeting: unique id of the meeting'
    >>> variable_label("meeting", "phase")
    'meeting: phase (coded 1-4, see the value labels)'
    """
    from .schema import TABLES

    spec = TABLES[table]
    col = spec.column(column)
    what = {"cop": "the CoP it belongs to", "member": "the member", "meeting": "the meeting",
            "goal": "the goal", "action": "the step of the plan", "response": "the response",
            "interview": "the interview", "code": "the code"}
    if column in spec.key and len(spec.key) == 1:
        text = f"unique id of the {table.replace('_', ' ')}"
    elif col.description:
        text = col.description
    elif col.ref:
        rt, rc = col.ref
        text = f"{what.get(rt, rt)} ({rc} of table {rt})"
    elif col.allowed is not None and len(col.allowed) <= _MAX_CODED:
        text = f"{_words(column)} (coded 1-{len(col.allowed)}, see the value labels)"
    else:
        kind = {"date": "date", "timestamp": "date and time, UTC", "bool": "yes/no",
                "int": "whole number", "real": "number", "json": "JSON text"}.get(col.type)
        text = _words(column) + (f" ({kind})" if kind else "")
    if col.type == "timestamp" and "UTC" not in text:
        text += " (UTC)"
    return _clip(f"{table}: {text}")


# ----------------------------------------------------------------------------- tables
def _table_file(table: str, df: pd.DataFrame) -> SavFile:
    """One store table as an SPSS file: typed columns, labels, formats, measurement levels."""
    from .schema import TABLES

    spec = TABLES[table]
    out: dict[str, pd.Series] = {}
    labels, value_labels, formats, measures = {}, {}, {}, {}
    notes: list[str] = []
    df = df.reset_index(drop=True)
    for col in spec.columns:
        name = col.name
        s = df[name] if name in df.columns else pd.Series([None] * len(df), dtype=object)
        labels[name] = variable_label(table, name)
        codes = _enum_values(col)
        if codes is not None:
            mapping = {v: i for i, v in enumerate(codes, start=1)}
            out[name] = s.astype(object).map(mapping).astype("float64")
            value_labels[name] = {float(i): str(v) for v, i in mapping.items()}
            formats[name], measures[name] = f"F{_digits(len(codes))}.0", "nominal"
        elif col.type == "bool":
            out[name] = s.astype("boolean").astype("Float64").astype("float64")
            value_labels[name] = {0.0: "no", 1.0: "yes"}
            formats[name], measures[name] = "F1.0", "nominal"
        elif col.type in ("int", "real"):
            v = pd.to_numeric(s, errors="coerce").astype("float64")
            out[name] = v
            formats[name] = _number_format(v.to_numpy(), col.type == "int")
            measures[name] = "scale"
            if table == "pair_rating" and name == "level":
                value_labels[name] = {float(k): lab for k, lab in LEVEL_LABELS.items()}
                formats[name], measures[name] = "F1.0", "ordinal"
        elif col.type == "date":
            out[name] = pd.to_datetime(s, errors="coerce").dt.normalize().astype("datetime64[ns]")
            formats[name], measures[name] = "DATE11", "scale"
        elif col.type == "timestamp":
            d = pd.to_datetime(s, errors="coerce", utc=True).dt.tz_localize(None)
            out[name] = d.astype("datetime64[ns]")
            formats[name], measures[name] = "DATETIME20", "scale"
        else:
            out[name], formats[name] = _text(s, notes, f"{table}.{name}")
            measures[name] = "nominal"
    frame = pd.DataFrame(out, index=range(len(df)))
    return SavFile(frame, labels, value_labels, formats, measures, notes=tuple(notes))


# ----------------------------------------------------------------------------- surveys
def missing_codes(values: Sequence[float]) -> dict[str, float]:
    """User-missing codes of a scale: ``8``/``9`` above one-digit scales, ``98``/``99``, ...

    >>> missing_codes((0, 1, 2, 3)), missing_codes(range(0, 11))
    ({'dont_know': 8.0, 'not_answered': 9.0}, {'dont_know': 98.0, 'not_answered': 99.0})
    """
    top = max((float(v) for v in values), default=0.0)
    n = 1
    while 10 ** n - 2 <= top:
        n += 1
    return {"dont_know": float(10 ** n - 2), "not_answered": float(10 ** n - 1)}


def _item_values(ans: pd.DataFrame, codes: dict[str, float]) -> pd.Series:
    """Numeric answers with the user-missing code of their status (when the store has one)."""
    v = pd.to_numeric(ans["value"], errors="coerce").astype("float64")
    if "status" in ans.columns:
        status = ans["status"].astype(object)
        for st in STATUS_CODES:
            v = v.mask((status == st).to_numpy(dtype=bool) & v.isna().to_numpy(), codes[st])
    return v


def _survey_long(inst, resp: pd.DataFrame, ans: pd.DataFrame) -> SavFile:
    """Answers of one instrument: one row per response, one variable per item."""
    from .analysis.collaboration import UNSCORED_CONSTRUCTS

    base = _table_file("response", resp)
    head = list(_HEAD)
    frame = base.frame[head].copy()
    labels = {k: base.labels[k] for k in head}
    value_labels = {k: v for k, v in base.value_labels.items() if k in head}
    formats = {k: base.formats[k] for k in head}
    measures = {k: base.measures[k] for k in head}
    missing: dict[str, list[float]] = {}
    notes = list(base.notes)
    taken = {h.lower() for h in head}
    pos = pd.Index(resp["response_id"].astype(object).to_numpy())
    unscored = set(UNSCORED_CONSTRUCTS.get(inst.id, ()))
    items: dict[str, dict[str, str]] = {}
    cols: dict[str, pd.Series] = {}
    for it in inst.items:
        name = _spss_name(it.id, taken)
        items[it.id] = {"": name}
        mine = ans[ans["item_id"].to_numpy() == it.id]
        rows = pos.get_indexer(mine["response_id"].astype(object).to_numpy())
        ok = rows >= 0
        scale = inst.scales[it.scale]
        text = it.text.get("en") or next(iter(it.text.values()), it.id)
        labels[name] = _clip(f"{it.construct}: {text}" + (" (reverse keyed)" if it.reverse else ""))
        if not len(scale.values):  # free text
            vals = pd.Series([""] * len(resp), dtype=object)
            txt = mine["text"].astype(object).where(mine["text"].notna(), "").map(str)
            vals.iloc[rows[ok]] = txt.to_numpy()[ok]
            cols[name], formats[name] = _text(vals, notes, it.id)
            measures[name] = "nominal"
            continue
        codes = missing_codes(scale.values)
        vals = np.full(len(resp), np.nan)
        vals[rows[ok]] = _item_values(mine, codes).to_numpy()[ok]
        cols[name] = pd.Series(vals)
        labs = scale.labels.get("en") or next(iter(scale.labels.values()), ())
        value_labels[name] = {float(v): _clip(lab, 120)
                              for v, lab in zip(scale.values, labs, strict=False)}
        value_labels[name].update({codes[k]: MISSING_LABELS[k] for k in STATUS_CODES})
        missing[name] = [codes[k] for k in STATUS_CODES]
        formats[name] = f"F{_digits(codes['not_answered'])}.0"
        measures[name] = "nominal" if it.construct in unscored else "ordinal"
    frame = pd.concat([frame, pd.DataFrame(cols, index=frame.index)], axis=1)
    return SavFile(frame, labels, value_labels, formats, measures, missing, tuple(notes), items,
                   inst.id)


def _wave_suffixes(waves: Sequence[str]) -> dict[str, str]:
    out, taken = {}, set()
    for w in waves:
        s = re.sub(r"[^A-Za-z0-9]", "_", str(w)).strip("_").lower() or "wave"
        base, i = s, 2
        while s in taken:
            s, i = f"{base}{i}", i + 1
        taken.add(s)
        out[w] = "_" + s
    return out


def _survey_wide(inst, resp: pd.DataFrame, ans: pd.DataFrame) -> SavFile:
    """One row per respondent (within CoP), the waves side by side."""
    from .analysis.surveys import wave_order

    long = _survey_long(inst, resp, ans)
    f = long.frame
    waves = wave_order(resp) if len(resp) else []
    suffix = _wave_suffixes(waves)
    f = f.sort_values(["submitted_at", "response_id"], kind="mergesort", na_position="first")
    dup = f.duplicated(["cop_id", "respondent_id", "wave"], keep="last")
    notes = list(long.notes)
    if dup.any():
        n = int(dup.sum())
        notes.append(f"{n} response{'s' if n != 1 else ''} left out: the same respondent "
                     "answered twice in one wave; the later response is kept")
    f = f[~dup.to_numpy()]
    keys = f[["cop_id", "respondent_id"]].drop_duplicates().sort_values(
        ["cop_id", "respondent_id"], kind="mergesort").reset_index(drop=True)
    key_index = pd.MultiIndex.from_frame(keys)
    frame = keys.copy()
    labels = {"cop_id": long.labels["cop_id"],
              "respondent_id": long.labels["respondent_id"],
              "respondent_role": "respondent's role (in the first wave answered)"}
    value_labels = {"respondent_role": long.value_labels["respondent_role"]}
    formats = {k: long.formats[k] for k in ("cop_id", "respondent_id", "respondent_role")}
    measures = {"cop_id": "nominal", "respondent_id": "nominal", "respondent_role": "nominal"}
    missing: dict[str, list[float]] = {}
    by_wave_order = {w: i for i, w in enumerate(waves)}
    first = f.assign(_w=f["wave"].map(by_wave_order)).sort_values("_w", kind="mergesort")
    first = first.drop_duplicates(["cop_id", "respondent_id"])
    idx = key_index.get_indexer(pd.MultiIndex.from_frame(first[["cop_id", "respondent_id"]]))
    role = np.full(len(keys), np.nan)
    role[idx] = first["respondent_role"].to_numpy(dtype=float)
    frame["respondent_role"] = role
    taken = {c.lower() for c in frame.columns}
    items: dict[str, dict[str, str]] = {it.id: {} for it in inst.items}
    item_vars = {v[""]: k for k, v in long.items.items()}
    cols: dict[str, pd.Series] = {}
    for w in waves:
        sub = f[f["wave"] == w]
        rows = key_index.get_indexer(pd.MultiIndex.from_frame(sub[["cop_id", "respondent_id"]]))
        for var in [*_PER_WAVE, *item_vars]:
            name = _spss_name(f"{var}{suffix[w]}", taken)
            src = sub[var]
            if long.formats[var].startswith("A"):
                col = pd.Series([""] * len(keys), dtype=object)
                col.iloc[rows] = src.to_numpy()
                col, formats[name] = _text(col, notes, name)
            elif str(src.dtype).startswith("datetime64"):
                col = pd.Series(pd.NaT, index=range(len(keys)), dtype="datetime64[ns]")
                col.iloc[rows] = src.to_numpy()
                formats[name] = long.formats[var]
            else:
                vals = np.full(len(keys), np.nan)
                vals[rows] = src.to_numpy(dtype=float)
                col = pd.Series(vals)
                formats[name] = long.formats[var]
            cols[name] = col
            labels[name] = _clip(f"[{w}] {long.labels[var]}")
            measures[name] = long.measures[var]
            if var in long.value_labels:
                value_labels[name] = long.value_labels[var]
            if var in long.missing:
                missing[name] = long.missing[var]
            if var in item_vars:
                items[item_vars[var]][suffix[w]] = name
    frame = pd.concat([frame, pd.DataFrame(cols, index=frame.index)], axis=1)
    return SavFile(frame, labels, value_labels, formats, measures, missing, tuple(notes), items,
                   inst.id)


# ----------------------------------------------------------------------------- frames
def sav_frames(store: object, *, names: bool = False, tables: Sequence[str] | None = None,
               consented_only: bool = True, surveys: bool = True,
               wide_waves: bool = False) -> dict[str, object]:
    """The files :func:`write_sav` writes, by file stem, without writing them.

    Returns
    -------
    dict
        ``{stem: SavFile}`` plus the key ``"_register"`` holding the consent
        register used. Survey files are ``survey_<instrument>`` (one row per
        response) or, with ``wide_waves``, ``survey_<instrument>_wide``.
    """
    from . import privacy
    from .instruments import list_instruments, load_instrument
    from .schema import TABLE_ORDER, TABLES

    want = list(tables) if tables else list(TABLE_ORDER)
    for t in want:
        if t not in TABLES:
            raise UsageError(f"unknown table {t!r}; one of: {', '.join(TABLE_ORDER)}")
    kept, register = privacy.output_tables(
        store, [*want, "response", "answer", "interview", "coding"], names=names,
        consented_only=consented_only)
    out: dict[str, object] = {t: _table_file(t, kept[t]) for t in want}
    resp_all, ans_all = kept["response"], kept["answer"]
    if surveys and len(resp_all):
        shipped = set(list_instruments())
        for inst_id in sorted(set(resp_all["instrument_id"].dropna()) & shipped):
            inst = load_instrument(inst_id)
            resp = resp_all[resp_all["instrument_id"] == inst_id].reset_index(drop=True)
            ans = ans_all[ans_all["response_id"].isin(set(resp["response_id"]))]
            if wide_waves:
                out[f"survey_{inst_id}_wide"] = _survey_wide(inst, resp, ans)
            else:
                out[f"survey_{inst_id}"] = _survey_long(inst, resp, ans)
    out["_register"] = register
    return out


# ----------------------------------------------------------------------------- syntax
def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _wrap(words: Sequence[str], indent: str = "    ", width: int = 78) -> str:
    lines, cur = [], ""
    for w in words:
        if cur and len(cur) + len(w) + 2 > width:
            lines.append(cur + ",")
            cur = indent + w
        else:
            cur = (cur + ", " + w) if cur else w
    lines.append(cur)
    return "\n".join(lines)


def syntax_text(sav: SavFile, stem: str, *, min_answered: float = 2 / 3) -> str:
    """SPSS syntax that reverse-codes and computes the scale scores of a survey file.

    Parameters
    ----------
    sav : SavFile
        A survey file of :func:`sav_frames` (long or wide).
    stem : str
        File stem, named in the comments (``survey_working_together``).
    min_answered : float, default 2/3
        The kit's minimum share of a construct's items that must be answered.

    Returns
    -------
    str
        Syntax for SPSS and GNU PSPP; it works on the active dataset.
    """
    from . import __version__
    from .analysis.collaboration import UNSCORED_CONSTRUCTS
    from .instruments import load_instrument

    if sav.instrument is None:
        raise UsageError(f"{stem} is not a survey file; syntax is written for survey files only")
    inst = load_instrument(sav.instrument)
    table = inst.item_table()
    skip = UNSCORED_CONSTRUCTS.get(inst.id, ())
    scored = table[(table["n_points"] > 0) & ~table["construct"].isin(skip)]
    suffixes = list(dict.fromkeys(s for v in sav.items.values() for s in v))
    taken = {c.lower() for c in sav.frame.columns}
    share = Fraction(min_answered).limit_denominator(100)
    lines = [
        "* Encoding: UTF-8.",
        f"* Scale scores of instrument {inst.id} (version {inst.version}), written by "
        f"cocope_kit {__version__}.",
        f"* Open {stem}.sav first, for example:",
        f"*   GET FILE='{stem}.sav'.",
        f"*   INSERT FILE='{stem}.sps'.",
        "* The rule is that of cocope_kit.analysis.scale_scores:",
        "*   1. A blank answer (system-missing) and the user-missing codes (don't know,",
        "*      not answered) are missing.",
        "*   2. A reverse-keyed item is recoded min + max - value, into a new variable",
        "*      <item>_r; the original stays as answered.",
        "*   3. A construct's score is the mean of its answered items when at least",
        f"*      {share} of its items are answered (MEAN.k with k = the smallest",
        "*      whole number reaching that share, at least 1); otherwise system-missing.",
        "*      Items for one audience only (e.g. students) count for everyone.",
    ]
    if skip:
        lines.append(f"*   Not scored: {', '.join(skip)} (a choice of one description, "
                     "not a subscale).")
    for sfx in suffixes:
        tag = f" ({sfx.lstrip('_')})" if sfx else ""
        lines += ["", f"* Reverse-keyed items{tag}."]
        use: dict[str, str] = {}
        for r in scored.itertuples():
            var = sav.items.get(r.item_id, {}).get(sfx)
            if var is None:
                continue
            use[r.item_id] = var
            if r.reverse:
                new = _spss_name(f"{var}_r", taken)
                total = r.scale_min + r.scale_max
                lines += [f"COMPUTE {new} = {total:g} - {var}.",
                          f"VARIABLE LABELS {new} {_quote(_clip(f'{var} reverse coded ({total:g} - {var})', 200))}.",
                          f"FORMATS {new} (F{_digits(r.scale_max)}.0).",
                          f"VARIABLE LEVEL {new} (ORDINAL)."]
                use[r.item_id] = new
        lines += ["", f"* Scale scores{tag}."]
        for construct, grp in scored.groupby("construct", sort=False):
            vars_ = [use[i] for i in grp["item_id"] if i in use]
            n = len(grp)
            if len(vars_) < n:
                continue
            k = max(1, math.ceil(min_answered * n - 1e-9))
            name = _spss_name(f"sc_{construct}{sfx}", taken)
            label = _clip(f"{construct}{tag}: scale score, mean of {n} items, "
                          f"at least {k} answered", 200)
            lines += [f"COMPUTE {name} = MEAN.{k}({_wrap(vars_)}).",
                      f"VARIABLE LABELS {name} {_quote(label)}.",
                      f"FORMATS {name} (F8.2).",
                      f"VARIABLE LEVEL {name} (SCALE)."]
    lines += ["EXECUTE.", ""]
    return "\n".join(lines)


# ----------------------------------------------------------------------------- writing
def write_sav(store: object, out_dir: str | os.PathLike, *, names: bool = False,
              tables: Sequence[str] | None = None, consented_only: bool = True,
              surveys: bool = True, wide_waves: bool = False) -> list[Path]:
    """Write SPSS ``.sav`` files (one per table, one per survey instrument) and survey syntax.

    Parameters
    ----------
    store : Store or object with ``read(table)``
    out_dir : path
        Folder to write into (created).
    names : bool, default False
        Keep real names (personal data!); otherwise pseudonyms and labels.
    tables : sequence of str, optional
        Tables to write (default every table).
    consented_only : bool, default True
        Leave out everyone the consent/assent register excludes.
    surveys : bool, default True
        Also write ``survey_<instrument>.sav`` (answers wide, scale labels) and
        ``survey_<instrument>.sps`` (reverse coding and scale scores).
    wide_waves : bool, default False
        Survey files with one row per respondent and the waves side by side
        (``survey_<instrument>_wide.sav`` and ``.sps``).

    Returns
    -------
    list of Path
        The files written.
    """
    import pyreadstat

    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise UsageError(f"out_dir must be a folder, {out} is a file")
    files = sav_frames(store, names=names, tables=tables, consented_only=consented_only,
                       surveys=surveys, wide_waves=wide_waves)
    files.pop("_register")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for stem, sav in files.items():
        f = out / f"{stem}.sav"
        pyreadstat.write_sav(
            sav.frame, str(f), column_labels=sav.labels,
            variable_value_labels=sav.value_labels or None,
            variable_format=sav.formats, variable_measure=sav.measures,
            missing_ranges=sav.missing or None,
            note=[ln for n in sav.notes for ln in textwrap.wrap(n, 80)] or None,
            file_label=_clip(f"cocope_kit export: {stem}", 64))
        written.append(f)
        if sav.instrument is not None:
            s = out / f"{stem}.sps"
            s.write_text(syntax_text(sav, stem), encoding="utf-8")
            written.append(s)
    return written
