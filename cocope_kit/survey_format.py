"""The MAP.yaml format, the cells and the timestamps of survey-platform exports.

The shared vocabulary of :mod:`cocope_kit.survey_import`: what a column is
(:class:`ColumnMap`), how a whole file maps onto an instrument
(:class:`SurveyMap`, read and written as MAP.yaml by :func:`read_map` and
:func:`write_map`), the pseudonymous respondent id (:func:`pseudonym`) and the
timestamp formats the platforms write. The format is described in
``docs/survey_import.md``.

Examples
--------
>>> parse_time("2026/11/03 10:15:22 AM GMT+1", "UTC")
'2026-11-03T09:15:22Z'
>>> parse_time("03.11.2026 10:15", "Europe/Vienna")
'2026-11-03T09:15:00Z'
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from .errors import Problem, UsageError, ValidationError
from .instruments import Instrument, Scale, load_instrument
from .model import Role, values

__all__ = [
    "DONT_KNOW",
    "BLANK",
    "KINDS",
    "SurveyImportError",
    "ColumnMap",
    "SurveyMap",
    "read_map",
    "write_map",
    "format_map",
    "pseudonym",
    "parse_time",
]

DONT_KNOW = "dont_know"
"""A "don't know" answer: stored as a blank value with ``answer.status`` ``dont_know`` (as the forms do)."""

BLANK = "blank"
"""A value that means "not answered" (LimeSurvey's "No answer"): status ``not_answered``."""


KINDS = ("item", "respondent", "timestamp", "role", "language", "ignore")


class SurveyImportError(ValidationError):
    """A survey export cannot be imported as it is; ``problems`` lists every one.

    Each problem names the file, the row (file row, header = its own row
    number), the column, the value as written and what is allowed.
    """

    max_listed = 500



def _norm(text: object) -> str:
    """Casefold, drop accents, punctuation to spaces, collapse blanks.

    >>> _norm("  Não concordo — nem discordo! ")
    'nao concordo nem discordo'
    """
    s = unicodedata.normalize("NFKD", str(text)).casefold()
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    s = re.sub(r"[^0-9a-z]+", " ", s.replace("ß", "ss"))
    return " ".join(s.split())



# --------------------------------------------------------------------------- the map


@dataclass
class ColumnMap:
    """What one column of the file is.

    Attributes
    ----------
    column : str
        Header as written in the file.
    kind : str or None
        ``item``, ``respondent``, ``timestamp``, ``role``, ``language``,
        ``ignore``, or ``None`` (unmatched).
    item_id : str or None
        The instrument item of an ``item`` column.
    score : float or None
        Similarity of a text match (1.0 for an id match).
    how : str
        How it was matched (``item id``, ``text de``, ``easy-read pt``,
        ``name``, ``map``, ...) or why it is left out.
    """

    column: str
    kind: str | None
    item_id: str | None = None
    score: float | None = None
    how: str = ""


@dataclass
class SurveyMap:
    """How a file maps onto an instrument; written to and read from MAP.yaml.

    ``values`` maps, per scale id, each answer as written to a scale value,
    :data:`DONT_KNOW`, :data:`BLANK` or ``None`` (not mapped yet).
    ``roles`` maps each role as written to a :class:`~cocope_kit.model.Role`
    value or ``None``.
    """

    instrument_id: str
    instrument_version: str
    columns: dict[str, ColumnMap]
    values: dict[str, dict[str, object]] = field(default_factory=dict)
    roles: dict[str, str | None] = field(default_factory=dict)
    language: str | None = None
    timezone: str = "UTC"
    source: str = ""

    def kind_columns(self, kind: str) -> list[str]:
        """Columns of one kind, in file order."""
        return [c for c, m in self.columns.items() if m.kind == kind]



def _cell_text(v: object) -> str | None:
    """A cell as text; ``None`` when blank. Whole floats lose their ``.0``."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, datetime):
        return v.isoformat(sep=" ")
    s = str(v).strip()
    return s or None



# --------------------------------------------------------------------------- MAP.yaml


def _q(s: object) -> str:
    """A YAML scalar for any text (JSON strings are YAML double-quoted scalars)."""
    return json.dumps(str(s), ensure_ascii=False)


def _num_text(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else repr(float(v))


def _allowed_values(scale: Scale) -> str:
    opts = [_num_text(v) for v in scale.values]
    if scale.dont_know:
        opts.append(DONT_KNOW)
    return ", ".join(opts) + f" or {BLANK} (not answered)"


def write_map(smap: SurveyMap, path, inst: Instrument | None = None) -> Path:
    """Write ``smap`` as MAP.yaml (format in ``docs/survey_import.md``); return the path."""
    inst = inst or load_instrument(smap.instrument_id)
    lines = [
        f"# cocope import-survey map for {Path(smap.source).name}",
        "# Check every line, fill in each 'null', then import with --map THIS_FILE.",
        "# columns: {item: ITEM_ID}, respondent, timestamp, role, language or ignore.",
        "# values (per scale): a scale value, dont_know, or blank (= not answered).",
        f"instrument: {inst.id}",
        f"version: {_q(inst.version)}",
        f"language: {smap.language or 'null'}   # language of the responses (en, de, nl, pt, sk)",
        f"timezone: {_q(smap.timezone)}   # of times written without an offset",
        "columns:",
    ]
    for c, m in smap.columns.items():
        if m.kind == "item":
            score = f"score {m.score:.2f}" if m.score is not None else ""
            lines.append(f"  {_q(c)}: {{item: {m.item_id}}}   # {m.how}, {score}".rstrip(", "))
        elif m.kind is None:
            hint = f"; {m.how}" if m.how else ""
            lines.append(f"  {_q(c)}: null   # UNMATCHED{hint}: write {{item: ITEM_ID}} or ignore")
        else:
            lines.append(f"  {_q(c)}: {m.kind}" + (f"   # {m.how}" if m.how else ""))
    if any(m.kind is None for m in smap.columns.values()):
        lines.append(f"# the items of {inst.id} {inst.version} (scale; text in "
                     f"{smap.language or 'en'}):")
        for it in inst.items:
            text = it.text.get(smap.language or "en") or it.text["en"]
            text = text if len(text) <= 70 else text[:67] + "..."
            lines.append(f"#   {it.id} ({it.scale}): {text}")
    lines.append("values:")
    for scale_id, mapping in smap.values.items():
        sc = inst.scales[scale_id]
        lines.append(f"  {scale_id}:   # {_allowed_values(sc)}")
        for raw, v in mapping.items():
            if v is None:
                lines.append(f"    {_q(raw)}: null   # NOT MAPPED")
            else:
                lines.append(f"    {_q(raw)}: {v if isinstance(v, str) else _num_text(v)}")
    lines.append("roles:" + ("" if smap.roles else " {}"))
    for raw, r in smap.roles.items():
        lines.append(f"  {_q(raw)}: {r or 'null'}" + ("" if r else "   # NOT MAPPED: "
                                                        + ", ".join(values(Role))))
    p = Path(path)
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p


def read_map(path, instrument: str | Instrument) -> SurveyMap:
    """Read a MAP.yaml written by :func:`write_map` (and edited); check it against the instrument.

    Raises
    ------
    SurveyImportError
        Listing every problem: an item the instrument does not have, a value
        off the scale, an unknown kind or role, a map for another instrument.
    """
    import yaml

    inst = load_instrument(instrument) if not isinstance(instrument, Instrument) else instrument
    src = str(path)
    try:
        doc = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SurveyImportError([Problem("map", None, None, None, "map file not found; write "
                                         "one with --dry-run", src)], f"map {src}") from None
    except yaml.YAMLError as e:
        line = getattr(getattr(e, "problem_mark", None), "line", None)
        raise SurveyImportError([Problem("map", None if line is None else line + 1, None, None,
                                         f"not valid YAML ({getattr(e, 'problem', e)})", src)],
                                f"map {src}") from None
    problems: list[Problem] = []

    def bad(key, value, allowed):
        problems.append(Problem("map", None, key, value, allowed, src))

    if not isinstance(doc, dict):
        raise SurveyImportError([Problem("map", None, None, None, "a mapping with instrument, "
                                         "columns and values is expected", src)], f"map {src}")
    if doc.get("instrument") != inst.id:
        bad("instrument", doc.get("instrument"), f"this map must be for {inst.id!r}")
    if str(doc.get("version")) != inst.version:
        bad("version", doc.get("version"), f"the instrument's version is {inst.version!r}; "
            "make a new map with --dry-run")
    item_ids = {it.id for it in inst.items}
    cols: dict[str, ColumnMap] = {}
    for c, spec in (doc.get("columns") or {}).items():
        c = str(c)
        if isinstance(spec, dict) and set(spec) == {"item"}:
            iid = str(spec["item"])
            if iid not in item_ids:
                bad(c, iid, f"not an item of {inst.id} {inst.version}; items: "
                    + ", ".join(sorted(item_ids)))
                cols[c] = ColumnMap(c, None, how="unknown item")
            else:
                cols[c] = ColumnMap(c, "item", iid, None, "map")
        elif spec is None:
            cols[c] = ColumnMap(c, None, how="not mapped in the map")
        elif isinstance(spec, str) and spec in KINDS and spec != "item":
            cols[c] = ColumnMap(c, spec, how="map")
        else:
            bad(c, spec, "{item: ITEM_ID}, respondent, timestamp, role, language or ignore")
            cols[c] = ColumnMap(c, None, how="bad entry")
    vals: dict[str, dict[str, object]] = {}
    for scale_id, mapping in (doc.get("values") or {}).items():
        sc = inst.scales.get(str(scale_id))
        if sc is None:
            bad("values", scale_id, "a scale of the instrument: " + ", ".join(inst.scales))
            continue
        out: dict[str, object] = {}
        for raw, v in (mapping or {}).items():
            raw = _cell_text(raw) or ""
            if v is None:
                out[raw] = None
            elif v == DONT_KNOW and sc.dont_know or v == BLANK:
                out[raw] = v
            elif isinstance(v, (int, float)) and not isinstance(v, bool) and float(v) in sc.values:
                out[raw] = float(v)
            else:
                bad(f"values.{scale_id}", v, f"for {raw!r}: {_allowed_values(sc)}")
        vals[sc.id] = out
    roles: dict[str, str | None] = {}
    for raw, r in (doc.get("roles") or {}).items():
        if r is not None and r not in values(Role):
            bad("roles", r, f"for {raw!r}: one of " + ", ".join(values(Role)))
        roles[str(raw)] = r
    lang = doc.get("language")
    if lang is not None and not re.fullmatch(r"[a-z]{2}", str(lang)):
        bad("language", lang, "a two-letter code: en, de, nl, pt or sk")
    if problems:
        raise SurveyImportError(problems, f"map {src}")
    return SurveyMap(inst.id, inst.version, cols, vals, roles, lang,
                     str(doc.get("timezone") or "UTC"), src)


def format_map(smap: SurveyMap, width: int = 48) -> str:
    """The mapping as a readable table (what ``--dry-run`` prints)."""
    def short(s: str) -> str:
        return s if len(s) <= width else s[: width - 3] + "..."

    lines = [f"instrument {smap.instrument_id} {smap.instrument_version}, "
             f"language {smap.language or '?'}, naive times in {smap.timezone}",
             f"{'column':<{width}}  {'->':<2} {'maps to':<28} {'score':>5}  how"]
    for c, m in smap.columns.items():
        to = {"item": m.item_id, None: "UNMATCHED"}.get(m.kind, m.kind)
        score = f"{m.score:.2f}" if m.score is not None else ""
        lines.append(f"{short(c):<{width}}  -> {to:<28} {score:>5}  {m.how}")
    for scale_id, mapping in smap.values.items():
        lines.append(f"answers on scale {scale_id}:")
        for raw, v in mapping.items():
            shown = "NOT MAPPED" if v is None else (v if isinstance(v, str) else _num_text(v))
            lines.append(f"  {short(raw):<{width - 2}}  -> {shown}")
    if smap.roles:
        lines.append("roles:")
        for raw, r in smap.roles.items():
            lines.append(f"  {short(raw):<{width - 2}}  -> {r or 'NOT MAPPED'}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- rows


def pseudonym(key: bytes, value: str) -> str:
    """Pseudonymous respondent id: HMAC-SHA256 of the value under ``key``, 16 hex digits.

    The value is compared without case and surrounding blanks, so ``Ana@X.pt``
    and ``ana@x.pt`` are one person. Without the key the id cannot be traced
    back to the value.

    >>> pseudonym(b"k", "ana@example.org") == pseudonym(b"k", " ANA@example.org")
    True
    >>> pseudonym(b"k", "ana@example.org")[:2]
    'r-'
    """
    mac = hmac.new(key, value.strip().casefold().encode("utf-8"), hashlib.sha256)
    return "r-" + mac.hexdigest()[:16]


_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$")
_GOOGLE = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*"
                     r"([AaPp]\.?[Mm]\.?)?\s*(?:GMT|UTC)?\s*([+-]\d{1,2})?(?::?(\d{2}))?$")
_SLASHED = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{2,4})(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?"
                      r"\s*([AaPp]\.?[Mm]\.?)?)?$")


def _zone(name: str):
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(f"time zone {name!r} is not known; an IANA name such as "
                         "Europe/Vienna, Europe/Lisbon or UTC") from None


def _hour(h: str, ampm: str | None) -> int:
    hh = int(h)
    if ampm:
        pm = ampm.lower().startswith("p")
        hh = hh % 12 + (12 if pm else 0)
    return hh


def _parse_time(v: object, tz, day_first: bool) -> datetime | None:
    if isinstance(v, datetime):
        dt = v
    else:
        s = str(v).strip()
        if _ISO.match(s):
            dt = datetime.fromisoformat(s.replace(" Z", "Z"))
        elif (m := _GOOGLE.match(s)):
            y, mo, d, h, mi, sec, ampm, off_h, off_m = m.groups()
            dt = datetime(int(y), int(mo), int(d), _hour(h, ampm), int(mi), int(sec or 0))
            if off_h is not None or re.search(r"GMT|UTC", s):
                sign = -1 if off_h and off_h.startswith("-") else 1
                delta = timedelta(hours=abs(int(off_h or 0)), minutes=int(off_m or 0))
                dt = dt.replace(tzinfo=timezone(sign * delta))
        elif (m := _SLASHED.match(s)):
            a, b, y, h, mi, sec, ampm = m.groups()
            d, mo = (a, b) if day_first else (b, a)
            year = int(y) + (2000 if len(y) == 2 else 0)
            dt = datetime(year, int(mo), int(d), _hour(h or "0", ampm), int(mi or 0),
                          int(sec or 0))
        else:
            return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=tz)
    return dt.astimezone(UTC)


def _day_first(raws: list[object]) -> bool:
    """Slashed dates of one column: day first unless a value proves month first or uses AM/PM."""
    month_first = day_first = ampm = False
    for v in raws:
        m = _SLASHED.match(str(v).strip()) if isinstance(v, str) else None
        if m:
            a, b = int(m.group(1)), int(m.group(2))
            day_first |= a > 12
            month_first |= b > 12
            ampm |= m.group(7) is not None
    if day_first:
        return True
    return not (month_first or ampm)  # 24-hour slashed and dotted dates: day first (Europe)


def parse_time(value: object, tz: str = "UTC", *, day_first: bool = True) -> str | None:
    """One timestamp of an export as UTC ISO-8601 (``None`` if it is not one).

    Parameters
    ----------
    value : str or datetime
        ISO-8601 (Kobo, LimeSurvey), ``2026/11/03 10:15:22 AM GMT+1`` (Google
        Forms), ``11/3/2026 10:15:22 AM`` or ``03/11/2026 10:15`` (Microsoft
        Forms, spreadsheets), ``03.11.2026 10:15``, or a workbook's date cell.
    tz : str, default "UTC"
        IANA zone of a time written without an offset.
    day_first : bool, default True
        How to read ``03/11/2026``; :func:`cocope_kit.survey_import.survey_frames`
        decides it per column (month first when a value proves it or uses AM/PM).

    Examples
    --------
    >>> parse_time("2026-11-03T10:15:22.123+01:00")
    '2026-11-03T09:15:22Z'
    >>> parse_time("11/3/2026 4:05:00 PM", "Europe/Lisbon", day_first=False)
    '2026-11-03T16:05:00Z'
    >>> parse_time("next Tuesday") is None
    True
    """
    dt = _parse_time(value, _zone(tz), day_first)
    return None if dt is None else dt.strftime("%Y-%m-%dT%H:%M:%SZ")
