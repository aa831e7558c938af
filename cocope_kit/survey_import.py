"""Import survey-platform exports (LimeSurvey, KoboToolbox, Google Forms, Microsoft Forms).

One row per respondent, one column per item: the wide CSV or XLSX file every
platform exports. :func:`propose_map` matches the file's columns to the items
of an instrument and its answer labels to scale values; :func:`import_survey`
stores the responses the way the participant forms do (``response`` and
``answer`` rows with a status: a platform's "don't know" label is ``dont_know``,
a blank cell or a "no answer" label ``not_answered``; see
:mod:`cocope_kit.answer_status`),
in one transaction, all or nothing. The rules, the MAP.yaml format and what is
kept about respondents are in ``docs/survey_import.md``.

Matching a column to an item, in this order:

1. the item id (``wt_coop_1``, case and separators ignored, so LimeSurvey's
   ``WT[coop1]`` and ``WTcoop1`` match too; a Kobo group path
   ``grp/wt_coop_1`` is read by its last part);
2. the question text in en, de, nl, pt or sk, or its easy-read wording: the
   similarity of the normalised texts (case, accents, punctuation and a leading
   number ignored) by :class:`difflib.SequenceMatcher` ``ratio()``, the best of
   the whole header, the text in square brackets (LimeSurvey and Google Forms
   grids: ``Question [row]``) and the part after the last ``/`` (Kobo group
   labels). Below :data:`MATCH_THRESHOLD` the column stays unmatched.

Examples
--------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "answers.csv"
>>> _ = p.write_text('id,wt_fit,"1. In unserer Gruppe helfen wir einander, wenn jemand um '
...                  'Hilfe bittet."\\n7,2,Stimme zu\\n', encoding="utf-8")
>>> m = propose_map(p, "working_together")
>>> [(c.column[:10], c.kind, c.item_id, c.how) for c in m.columns.values()]
[('id', 'respondent', None, 'name'), ('wt_fit', 'item', 'wt_fit', 'item id'), \
('1. In unse', 'item', 'wt_coop_1', 'text de')]
>>> m.values["agree5"]["Stimme zu"], m.language
(4.0, 'de')
"""

from __future__ import annotations

import difflib
import math
import re
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from .answer_status import ANSWERED, NOT_ANSWERED
from .errors import Problem, UsageError
from .instruments import DONT_KNOW_LABELS, Instrument, Scale, load_instrument
from .model import Role, values
from .schema_rules import TEXT_ALLOWED, bad_text
from .survey_format import (
    BLANK,
    DONT_KNOW,
    ColumnMap,
    SurveyImportError,
    SurveyMap,
    _allowed_values,
    _cell_text,
    _day_first,
    _norm,
    _parse_time,
    _zone,
    format_map,
    pseudonym,
    read_map,
    write_map,
)
from .tabular import read_table_file

__all__ = [
    "MATCH_THRESHOLD",
    "DONT_KNOW",
    "BLANK",
    "SurveyImportError",
    "ColumnMap",
    "SurveyMap",
    "ImportResult",
    "propose_map",
    "read_map",
    "write_map",
    "format_map",
    "survey_frames",
    "import_survey",
    "default_map_path",
    "respondent_key",
    "pseudonym",
]

MATCH_THRESHOLD = 0.80
"""Lowest text similarity (0-1) at which a column is matched to an item."""


@dataclass(frozen=True)
class ImportResult:
    """What :func:`import_survey` did (or would do, with ``dry_run``)."""

    map: SurveyMap
    responses: int
    answers: int
    skipped_rows: tuple[int, ...]
    map_path: Path | None
    stored: bool
    problems: tuple[Problem, ...] = ()


# --------------------------------------------------------------------------- normalising


def _code(text: object) -> str:
    """Letters and digits only: ``WT[coop1]`` and ``wt_coop_1`` both become ``wtcoop1``."""
    return _norm(text).replace(" ", "")


_NUMBERING = re.compile(r"^\s*(?:q(?:uestion)?\s*)?\d+[a-z]?\s*[.):\-]\s*|^\s*\*+|\*+\s*$", re.I)


def _header_variants(header: str) -> list[str]:
    """Parts of a header that may carry the question text."""
    h = header.strip()
    out = [h]
    m = re.search(r"\[([^\[\]]+)\]\s*$", h)
    if m:
        out.append(m.group(1))
    parts = h.split("/")
    out += ["/".join(parts[k:]) for k in range(1, len(parts))]  # Kobo group labels: any depth
    return [_norm(_NUMBERING.sub("", v)) for v in out if v.strip()]


def _similarity(a: str, b: str, floor: float = 0.0) -> float:
    """``SequenceMatcher.ratio()`` of two normalised texts; 0.0 when it cannot exceed ``floor``.

    ``real_quick_ratio`` and ``quick_ratio`` are upper bounds of ``ratio``, so
    skipping on them never changes a result above ``floor``.

    >>> round(_similarity("wir helfen einander", "wir helfen uns"), 2)
    0.73
    """
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if sm.real_quick_ratio() <= floor or sm.quick_ratio() <= floor:
        return 0.0
    return sm.ratio()


# --------------------------------------------------------------------------- platform columns

def _aliases(*names: str) -> tuple[str, ...]:
    return tuple(_norm(n) for n in names)


#: Respondent id columns, best first (LimeSurvey, Kobo, Microsoft Forms, any file).
_RESPONDENT = _aliases(
    "Response ID", "_uuid", "meta/instanceID", "id", "_id", "respondent", "respondent_id",
    "Antwort ID", "ID da resposta", "Antwoord ID", "ID odpovede", "record_id", "token",
)
#: E-mail columns: the respondent when no id column exists; never stored.
_EMAIL = _aliases(
    "Email address", "Email", "E-mail", "E-Mail-Adresse", "E-Mail", "Endereço de e-mail",
    "E-mailadres", "E-mailová adresa", "Correio eletrónico", "email_address",
)
#: Personal columns that are never stored.
_PERSONAL = _aliases(
    "Name", "Full name", "Nome", "Naam", "Meno", "Vorname", "Nachname", "ipaddr", "IP address",
    "IP-Adresse", "_submitted_by", "username", "Responder", "Respondent name",
)
#: Timestamp columns, best first: completion, submission, end, then start.
_TIMESTAMP = _aliases(
    "Completion time", "Fertigstellungszeit", "Hora de conclusão", "Voltooiingstijd",
    "Čas dokončenia", "submitdate", "Date submitted", "Datum Abgeschickt", "Data de submissão",
    "Timestamp", "Zeitstempel", "Carimbo de data/hora", "Tijdstempel", "Časová pečiatka",
    "_submission_time", "end", "datestamp", "Date last action", "Datum der letzten Aktivität",
    "Start time", "Startzeit", "Hora de início", "Begintijd", "Čas začiatku",
    "startdate", "Date started", "Startdatum", "start", "submitted_at",
)
_ROLE_WORDS = {"role", "rolle", "funcao", "papel", "rol", "rola", "respondent role"}
_LANGUAGE = _aliases("startlanguage", "Start language", "Start-Sprache", "Idioma inicial",
                     "language", "Sprache", "Idioma", "Taal", "Jazyk")
#: Platform bookkeeping columns ignored without asking.
_PLATFORM = _aliases(
    "lastpage", "Last page", "Letzte Seite", "Última página", "Laatste pagina", "seed",
    "Zufallsstartwert", "Semente", "refurl", "Referrer URL", "_index", "_validation_status",
    "_notes", "_status", "__version__", "_tags", "_attachments", "_geolocation", "today",
    "deviceid", "Last modified time", "Zeitpunkt der letzten Änderung",
    "Hora da última modificação", "Total score", "Score", "Punktzahl", "Pontuação",
    "interviewtime", "_submission__id", "_submission__uuid", "formhub/uuid",
)

# Role labels in the five languages (as the participant forms show them) and common synonyms.
_ROLE_LABELS: dict[str, tuple[str, ...]] = {
    "teacher": ("Teacher", "Lehrkraft", "Lehrer", "Lehrerin", "Leerkracht", "Leraar",
                "Professor/a", "Professor", "Professora", "Docente", "Učiteľ/ka", "Učiteľ",
                "Učiteľka"),
    "special_needs_teacher": ("Special needs teacher", "Förderlehrkraft", "Sonderpädagoge",
                              "Sonderpädagogin", "Zorgleerkracht",
                              "Professor/a de educação especial",
                              "Špeciálny pedagóg/špeciálna pedagogička", "Špeciálny pedagóg"),
    "teaching_assistant": ("Teaching assistant", "Schulassistenz", "Onderwijsassistent",
                           "Assistente educativo/a", "Asistent/ka učiteľa"),
    "school_leader": ("School leader", "Schulleitung", "Directie", "Direção da escola",
                      "Vedenie školy", "Head teacher", "Principal"),
    "social_worker": ("Social worker", "Schulsozialarbeit", "Maatschappelijk werker",
                      "Assistente social", "Sociálny pedagóg/sociálna pedagogička"),
    "psychologist": ("Psychologist", "Schulpsychologie", "Psycholoog", "Psicólogo/a",
                     "Psychológ/psychologička"),
    "therapist": ("Therapist", "Therapie", "Therapeut", "Terapeuta", "Terapeut/ka"),
    "support_professional": ("Other support professional", "Andere unterstützende Fachkraft",
                             "Andere ondersteuner", "Outro/a profissional de apoio",
                             "Iný odborný zamestnanec"),
    "student": ("Student", "Pupil", "Schülerin oder Schüler", "Schüler", "Schülerin",
                "Leerling", "Aluno/a", "Aluno", "Aluna", "Žiak/žiačka", "Žiak", "Žiačka"),
    "parent": ("Parent or family member", "Parent", "Elternteil oder Familie", "Elternteil",
               "Ouder of familielid", "Ouder", "Pai, mãe ou familiar", "Encarregado de educação",
               "Rodič alebo člen rodiny", "Rodič"),
    "other": ("Other", "Andere", "Anders", "Outro", "Iné"),
}
_ROLE_BY_LABEL = {_norm(lab): role for role, labs in _ROLE_LABELS.items() for lab in labs}
_ROLE_BY_LABEL.update({_norm(r): r for r in values(Role)})

# "No answer" of the platforms: status not_answered, unlike "don't know" (dont_know).
_NO_ANSWER = {_norm(x) for x in ("No answer", "Keine Antwort", "Geen antwoord", "Sem resposta",
                                  "Bez odpovede", "N/A")}
_DONT_KNOW = {_norm(x) for x in (*DONT_KNOW_LABELS.values(), "dont know", "don't know",
                                  "dont_know", "Weiss nicht", "Ich weiß nicht", "Não sei",
                                  "Weet niet", "Neviem posúdiť", "DK")}


# --------------------------------------------------------------------------- reading


def _read(path, inst: Instrument):
    """The file as text cells, the header found below any title rows."""
    expected = [*_RESPONDENT, *_EMAIL, *_TIMESTAMP, *_PLATFORM, *_LANGUAGE]
    expected += [it.id for it in inst.items]
    for it in inst.items:
        expected += list(it.text.values()) + list(it.easy_read.values())
    plain = {"id", "start", "end", "today", "seed", "score", "token", "language"}
    # the header finder compares cells as written (casefolded): give it both spellings
    raw_names = ["Response ID", "_uuid", "_id", "meta/instanceID", "Timestamp", "submitdate",
                 "_submission_time", "Completion time", "Start time", "ID", "Email", "Name",
                 "Email address", "lastpage", "startlanguage", "_index", "__version__",
                 "Carimbo de data/hora", "Zeitstempel", "Startzeit", "Fertigstellungszeit",
                 "E-Mail-Adresse", "Endereço de e-mail", "ID da resposta", "Antwort ID"]
    tf = read_table_file(path, expected=[*expected, *plain, *raw_names])
    frame = tf.frame
    seen: dict[str, int] = {}
    problems = []
    for j, c in enumerate(frame.columns):
        if c in seen:
            problems.append(Problem("survey", tf.header_row, c, c,
                                    f"two columns have this name (columns {seen[c] + 1} and "
                                    f"{j + 1}); rename one", str(path)))
        seen.setdefault(c, j)
    if problems:
        raise SurveyImportError(problems, f"file {path}")
    return tf


# --------------------------------------------------------------------------- proposing


def _item_texts(inst: Instrument) -> list[tuple[str, str, str]]:
    """(normalised text, item id, how) for every item text and easy-read text."""
    out = []
    for it in inst.items:
        for lang, t in it.text.items():
            out.append((_norm(t), it.id, f"text {lang}"))
        for lang, t in it.easy_read.items():
            out.append((_norm(t), it.id, f"easy-read {lang}"))
    return out


def _match_item(header: str, inst: Instrument, texts) -> tuple[str | None, float, str]:
    codes = {_code(it.id): it.id for it in inst.items}
    parts = [header.strip(), header.rsplit("/", 1)[-1]]
    for p in parts:
        c = _code(p)
        if c in codes:
            return codes[c], 1.0, "item id"
    variants = _header_variants(header)
    for v in variants:  # the exact wording (normalised) first: no need to compare
        for t, item_id, how in texts:
            if v == t:
                return item_id, 1.0, how
    # shown as a hint below the threshold, so texts far below it are not compared in full
    best: tuple[str | None, float, str] = (None, MATCH_THRESHOLD - 0.3, "")
    for v in variants:
        for t, item_id, how in texts:
            s = _similarity(v, t, best[1])
            if s > best[1]:
                best = (item_id, s, how)
    return best if best[0] is not None else (None, 0.0, "")


def _meta_kind(header: str) -> tuple[str | None, str]:
    n = _norm(header)
    if n in _RESPONDENT:
        return "respondent", "name"
    if n in _EMAIL:
        return "email", "name"
    if n in _PERSONAL:
        return "ignore", "personal data, never stored"
    if n in _TIMESTAMP:
        return "timestamp", "name"
    if n in _LANGUAGE:
        return "language", "name"
    if n in _PLATFORM:
        return "ignore", "platform bookkeeping"
    words = n.split()
    if n in _ROLE_WORDS or (len(words) <= 8 and set(words) & _ROLE_WORDS):
        return "role", "name"
    return None, ""


def _scale_value(scale: Scale, raw: str, labels: Mapping[str, float]):
    """The scale value of one answer as written, :data:`DONT_KNOW`, :data:`BLANK` or None."""
    n = _norm(raw)
    try:
        x = float(raw.replace(",", "."))
    except ValueError:
        x = None
    if x is not None and math.isfinite(x):
        return x if x in scale.values else None
    if n in labels:
        return labels[n]
    if n in _NO_ANSWER:
        return BLANK
    if scale.dont_know and n in _DONT_KNOW:
        return DONT_KNOW
    return None


def _scale_labels(scale: Scale) -> dict[str, float]:
    """Normalised label (any language, easy-read too) -> value; ambiguous labels left out."""
    found: dict[str, set[float]] = {}
    sets = [scale.labels, getattr(scale, "easy_read_labels", {}) or {}]
    for labels in sets:
        for labs in labels.values():
            for lab, v in zip(labs, scale.values, strict=False):
                found.setdefault(_norm(lab), set()).add(float(v))
    return {k: next(iter(v)) for k, v in found.items() if len(v) == 1 and k}


def _language_of(matches: list[ColumnMap]) -> str | None:
    """The language most question texts matched in (None when no column matched by text)."""
    votes: dict[str, int] = {}
    for m in matches:
        if m.kind == "item" and m.how.startswith(("text", "easy-read")):
            lang = m.how.split()[-1]
            votes[lang] = votes.get(lang, 0) + 1
    if not votes:
        return None
    return max(votes, key=lambda k: (votes[k], k != "en"))


def propose_map(path, instrument: str | Instrument, *, language: str | None = None,
                timezone: str = "UTC") -> SurveyMap:
    """Match the columns and answers of an export to an instrument.

    Parameters
    ----------
    path : str or Path
        CSV (UTF-8, comma or semicolon) or XLSX export, one row per respondent.
    instrument : str or Instrument
        Instrument id or loaded instrument.
    language : str, optional
        Language of the responses; default: the language most item texts
        and answer labels matched in.
    timezone : str, default "UTC"
        IANA zone of timestamps written without an offset.

    Returns
    -------
    SurveyMap
        Every column with its kind (``None`` = unmatched), and every answer
        as written mapped to a value (``None`` = not mapped).
    """
    inst = _instrument(instrument)
    return _propose(_read(path, inst), inst, language, timezone)


def _propose(tf, inst: Instrument, language: str | None, timezone: str) -> SurveyMap:
    path, frame = tf.source, tf.frame
    texts = _item_texts(inst)
    cols: dict[str, ColumnMap] = {}
    claimed: dict[str, str] = {}
    emails = []
    for c in frame.columns:
        kind, how = _meta_kind(c)
        if kind == "email":
            emails.append(c)
            cols[c] = ColumnMap(c, "ignore", how="personal data, never stored")
            continue
        if kind is not None:
            cols[c] = ColumnMap(c, kind, how=how)
            continue
        item_id, score, how = _match_item(c, inst, texts)
        if item_id is None or score < MATCH_THRESHOLD:
            note = f"best: {item_id} {score:.2f}, below {MATCH_THRESHOLD:.2f}" if item_id else ""
            cols[c] = ColumnMap(c, None, None, round(score, 3) if item_id else None, note)
            continue
        other = claimed.get(item_id)
        if other is not None:
            if cols[other].score >= score:
                cols[c] = ColumnMap(c, None, None, round(score, 3),
                                    f"{item_id} is already matched by column {other!r}")
                continue
            cols[other] = ColumnMap(other, None, None, cols[other].score,
                                    f"{item_id} is matched better by column {c!r}")
        claimed[item_id] = c
        cols[c] = ColumnMap(c, "item", item_id, round(score, 3), how)
    # one respondent, language and role column (the best); every timestamp column, best first
    for kind, order in (("respondent", _RESPONDENT), ("language", _LANGUAGE), ("role", None)):
        found = [c for c, m in cols.items() if m.kind == kind]
        if order is not None:
            found.sort(key=lambda c: order.index(_norm(c)) if _norm(c) in order else len(order))
        for c in found[1:]:
            cols[c] = ColumnMap(c, "ignore", how=f"another {kind} column is used: {found[0]!r}")
    if not any(m.kind == "respondent" for m in cols.values()) and emails:
        cols[emails[0]] = ColumnMap(emails[0], "respondent",
                                    how="e-mail: pseudonymised, never stored")
    # answers as written, per scale
    values_seen: dict[str, list[str]] = {}
    for c, m in cols.items():
        if m.kind != "item":
            continue
        sc = inst.scales[inst.item(m.item_id).scale]
        if sc.type == "text":
            continue
        raws = values_seen.setdefault(sc.id, [])
        for v in frame[c]:
            s = _cell_text(v)
            if s is not None and s not in raws:
                raws.append(s)
    vals: dict[str, dict[str, object]] = {}
    for scale_id, raws in values_seen.items():
        sc = inst.scales[scale_id]
        labels = _scale_labels(sc)
        vals[scale_id] = {r: _scale_value(sc, r, labels) for r in raws}
    roles: dict[str, str | None] = {}
    for c in (c for c, m in cols.items() if m.kind == "role"):
        for v in frame[c]:
            s = _cell_text(v)
            if s is not None and s not in roles:
                roles[s] = _ROLE_BY_LABEL.get(_norm(s))
    lang = language or _language_of(list(cols.values()))
    return SurveyMap(inst.id, inst.version, cols, vals, roles, lang, timezone, str(path))


def _rows_text(rows: list[int]) -> str:
    shown = ", ".join(map(str, rows[:12]))
    return shown + (f" and {len(rows) - 12} more" if len(rows) > 12 else "")


def survey_frames(tf, inst: Instrument, smap: SurveyMap, *, cop_id: str, wave: str,
                  language: str, role: str | None = None, key: bytes | None = None):
    """The ``response`` and ``answer`` rows of a read file under a map, and every problem.

    Parameters
    ----------
    tf : cocope_kit.tabular.TableFile
        The export as read by :func:`cocope_kit.tabular.read_table_file`.
    inst : Instrument
    smap : SurveyMap
    cop_id, wave, language : str
        Stored in every response (``language`` where no language column says otherwise).
    role : str, optional
        Role of respondents whose row names none.
    key : bytes, optional
        Key of the respondent pseudonyms (:func:`pseudonym`); default a new
        random key, so the ids cannot be linked to another import.

    Returns
    -------
    (response, answer, problems, skipped_rows)
        Two DataFrames with the columns of the tables, a list of
        :class:`~cocope_kit.errors.Problem` and the file rows without any answer.
    """
    frame, src = tf.frame, tf.source
    key = key if key is not None else secrets.token_bytes(32)
    tz = _zone(smap.timezone)
    problems: list[Problem] = []

    def bad(row, column, value, allowed):
        problems.append(Problem("survey", row, column, value, allowed, src))

    for c in frame.columns:
        m = smap.columns.get(c)
        if m is None:
            bad(tf.header_row, c, None, "this column is not in the map; add it as "
                "{item: ITEM_ID} or ignore")
        elif m.kind is None:
            hint = f" ({m.how})" if m.how else ""
            bad(tf.header_row, c, None, f"no item of {inst.id} {inst.version} matches this "
                f"column{hint}; map it to an item or declare it 'ignore' in MAP.yaml "
                "(cocope import-survey --dry-run writes one)")
    for c in smap.columns:
        if c not in frame.columns:
            bad(tf.header_row, c, None, "the map names this column but the file has none")
    by_item: dict[str, list[str]] = {}
    for c, m in smap.columns.items():
        if m.kind == "item" and c in frame.columns:
            by_item.setdefault(m.item_id, []).append(c)
    for iid, cs in by_item.items():
        if len(cs) > 1:
            bad(tf.header_row, cs[1], None, f"columns {', '.join(map(repr, cs))} all map to "
                f"item {iid}; one column per item")
    if not by_item:
        bad(tf.header_row, None, None, f"no column maps to an item of {inst.id}")
    for kind in ("respondent", "role", "language"):
        cs = [c for c in smap.kind_columns(kind) if c in frame.columns]
        if len(cs) > 1:
            bad(tf.header_row, cs[1], None, f"one {kind} column only; also: {cs[0]!r}")
    resp_col = next((c for c in smap.kind_columns("respondent") if c in frame.columns), None)
    role_col = next((c for c in smap.kind_columns("role") if c in frame.columns), None)
    lang_col = next((c for c in smap.kind_columns("language") if c in frame.columns), None)
    time_cols = sorted((c for c in smap.kind_columns("timestamp") if c in frame.columns),
                       key=lambda c: _TIMESTAMP.index(_norm(c)) if _norm(c) in _TIMESTAMP
                       else len(_TIMESTAMP))
    day_first = {c: _day_first([v for v in frame[c] if isinstance(v, str)]) for c in time_cols}
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    unmapped: dict[tuple[str, str], list[int]] = {}
    responses, answers, skipped, seen_resp = [], [], [], {}
    columns = {c: frame[c].tolist() for c in frame.columns}  # plain lists: fast cell access
    for k, row_no in enumerate(frame.index):
        rec = {c: cells[k] for c, cells in columns.items()}
        rid = str(uuid.uuid4())
        rows = []
        for iid, cs in by_item.items():
            item = inst.item(iid)
            sc = inst.scales[item.scale]
            raw = _cell_text(rec[cs[0]])
            if raw is None:
                rows.append((rid, iid, math.nan, None, NOT_ANSWERED))
                continue
            if sc.type == "text":
                if bad_text([raw], long=True)[0]:  # located here, not as an answer row
                    bad(row_no, cs[0], raw, TEXT_ALLOWED[True])
                rows.append((rid, iid, math.nan, raw, ANSWERED))
                continue
            v = smap.values.get(sc.id, {}).get(raw)
            if v is None:
                v = _scale_value(sc, raw, {})  # a number on the scale is itself
                v = v if isinstance(v, float) else None
            if v is None:
                unmapped.setdefault((cs[0], raw), []).append(row_no)
            elif v == DONT_KNOW:
                rows.append((rid, iid, math.nan, None, DONT_KNOW))
            elif v == BLANK:
                rows.append((rid, iid, math.nan, None, NOT_ANSWERED))
            else:
                rows.append((rid, iid, float(v), None, ANSWERED))
        has_any = any(_cell_text(rec[c]) is not None for cs in by_item.values() for c in cs)
        if not has_any:
            skipped.append(row_no)
            continue
        # respondent
        who = _cell_text(rec[resp_col]) if resp_col else None
        # no respondent value: a random id, so that row positions never link two imports
        respondent = pseudonym(key, f"{resp_col}\x00{who}") if who else \
            "r-" + secrets.token_hex(8)
        if who:
            if respondent in seen_resp:
                bad(row_no, resp_col, None, f"the same respondent as in row {seen_resp[respondent]}"
                    " (value not shown); keep one response per respondent and wave")
            seen_resp[respondent] = row_no
        # role
        r = role
        if role_col:
            raw_role = _cell_text(rec[role_col])
            if raw_role is not None:
                r = smap.roles.get(raw_role)
                if r is None:
                    bad(row_no, role_col, raw_role, "a role the map names; one of "
                        + ", ".join(values(Role)) + " (add it under 'roles' in MAP.yaml)")
        # language
        lang = language
        if lang_col and (raw_lang := _cell_text(rec[lang_col])) is not None:
            code = re.split(r"[-_]", raw_lang.lower(), maxsplit=1)[0]
            if re.fullmatch(r"[a-z]{2}", code):
                lang = code
            else:
                bad(row_no, lang_col, raw_lang, "a language code such as de or pt-BR")
        # time
        when = None
        for c in time_cols:
            v = rec[c]
            if _cell_text(v) is None:
                continue
            dt = _parse_time(v, tz, day_first[c])
            if dt is None:
                bad(row_no, c, _cell_text(v), "a date and time such as 2026-11-03 10:15:22, "
                    "2026/11/03 10:15:22 AM GMT+1 or 03.11.2026 10:15")
            when = dt.strftime("%Y-%m-%dT%H:%M:%SZ") if dt else ""
            break
        if when is None:
            if time_cols:
                bad(row_no, time_cols[0], None, "every timestamp column of this row is blank")
            when = now
        responses.append({"response_id": rid, "cop_id": cop_id, "instrument_id": inst.id,
                          "instrument_version": inst.version, "respondent_id": respondent,
                          "respondent_role": r, "wave": wave, "language": lang,
                          "submitted_at": when})
        answers.extend(rows)
    for (c, raw), rws in unmapped.items():
        m = smap.columns[c]
        sc = inst.scales[inst.item(m.item_id).scale]
        bad(rws[0], c, raw, f"answer to item {m.item_id} not on scale {sc.id}: "
            f"{_allowed_values(sc)}; rows {_rows_text(rws)} (map it under values.{sc.id})")
    response = pd.DataFrame(responses, columns=["response_id", "cop_id", "instrument_id",
                                                "instrument_version", "respondent_id",
                                                "respondent_role", "wave", "language",
                                                "submitted_at"])
    answer = pd.DataFrame(answers, columns=["response_id", "item_id", "value", "text", "status"])
    answer["value"] = answer["value"].astype(float)
    return response, answer, problems, skipped


# --------------------------------------------------------------------------- the command


def _instrument(instrument) -> Instrument:
    if isinstance(instrument, Instrument):
        return instrument
    try:
        return load_instrument(instrument)
    except UsageError as e:
        from .instruments import list_instruments

        close = difflib.get_close_matches(str(instrument), list_instruments(), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise UsageError(f"{e}{hint}") from None


def respondent_key(path) -> bytes:
    """The secret key of the respondent pseudonyms kept in a file; a new one if it is missing.

    Keep the file outside the store and outside shared folders: with it, the
    pseudonyms of a list of e-mail addresses can be recomputed. The same key
    gives the same person the same id in every import, so pre and post pair up.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "study.key"
    >>> respondent_key(p) == respondent_key(p), len(respondent_key(p))
    (True, 64)
    """
    import os

    p = Path(path)
    if not p.exists():
        p.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(secrets.token_hex(32) + "\n")
    key = p.read_text(encoding="utf-8", errors="replace").strip()
    if len(key) < 32:
        raise UsageError(f"respondent key file {p} holds {len(key)} characters; at least 32 "
                         "are needed (delete it to get a new random key)")
    return key.encode("utf-8")


def default_map_path(path) -> Path:
    """Where ``--dry-run`` writes the map when no ``--map`` is given: ``FILE.map.yaml``."""
    p = Path(path)
    return p.with_name(p.stem + ".map.yaml")


def import_survey(store, path, instrument, *, cop_id: str, wave: str, map_path=None,
                  dry_run: bool = False, language: str | None = None,
                  timezone: str | None = None, role: str | None = None,
                  key: bytes | None = None) -> ImportResult:
    """Import a survey-platform export into ``store``, all or nothing.

    Parameters
    ----------
    store : cocope_kit.store.Store
    path : str or Path
        The export (CSV or XLSX).
    instrument : str or Instrument
    cop_id, wave : str
        The CoP (must be in the store) and the wave of every response.
    map_path : str or Path, optional
        A MAP.yaml: the import uses it exactly. With ``dry_run`` and no such
        file yet, the proposed map is written there.
    dry_run : bool
        Match and check only; write the map (to ``map_path`` or
        :func:`default_map_path`, never over an existing file); store nothing.
    language : str, optional
        Language of the responses; default: the map's, else the language the
        texts matched in, else the CoP's language.
    timezone : str, optional
        IANA zone of times without an offset (default the map's, else UTC).
    role : str, optional
        Role of respondents whose row names none (a :class:`~cocope_kit.model.Role`).
    key : bytes, optional
        Secret key of the respondent pseudonyms; the same key gives the same
        person the same id in every import (pre and post pair up). Default a
        new random key per import.

    Returns
    -------
    ImportResult

    Raises
    ------
    SurveyImportError
        Listing every unmatched column and every unmapped or off-scale answer
        with its row and column; nothing is stored.
    UsageError
        Unknown instrument, CoP, role or time zone; a wave with blanks around it.
    """
    inst = _instrument(instrument)
    if not isinstance(wave, str) or not wave.strip() or wave != wave.strip():
        raise UsageError(f"wave {wave!r} is not allowed; a label without blanks around it, "
                         "e.g. pre or post")
    if role is not None and role not in values(Role):
        raise UsageError(f"role {role!r} is not allowed; one of: {', '.join(values(Role))}")
    cop = store.read("cop", where={"cop_id": cop_id})
    if cop.empty:
        known = ", ".join(store.read("cop")["cop_id"].astype(str).tolist()[:20]) or "none yet"
        raise UsageError(f"CoP {cop_id!r} is not in the store; CoPs: {known}")
    tf = _read(path, inst)
    from_file = map_path is not None and Path(map_path).exists()
    if from_file:
        smap = read_map(map_path, inst)
        if timezone:
            smap.timezone = timezone
    elif map_path is not None and not dry_run:
        raise UsageError(f"map {map_path} not found; write one with --dry-run")
    else:
        smap = _propose(tf, inst, language, timezone or "UTC")
    lang = language or smap.language or str(cop["language"].iloc[0])
    smap.language = lang
    _zone(smap.timezone)
    response, answer, problems, skipped = survey_frames(
        tf, inst, smap, cop_id=cop_id, wave=wave, language=lang, role=role, key=key)
    if dry_run:
        written = None
        if not from_file:
            target = Path(map_path) if map_path is not None else default_map_path(path)
            if not target.exists():
                written = write_map(smap, target, inst)
        return ImportResult(smap, len(response), len(answer), tuple(skipped), written, False,
                            tuple(problems))
    if problems:
        raise SurveyImportError(problems, f"file {path} (nothing was stored)")
    store.write({"response": response, "answer": answer}, source=str(path),
                audit="import-survey")
    return ImportResult(smap, len(response), len(answer), tuple(skipped),
                        Path(map_path) if from_file else None, True, ())
