"""Tidy survey tables for researchers: answers long, construct scores, an item codebook.

The store keeps answers normalised (``response`` and ``answer`` rows, item
texts in the instrument files). For R, SPSS, Excel or pandas a researcher wants
them joined once, the way Wickham's tidy data has it: one row per observation,
one column per variable. :func:`tidy_tables` gives three tables, written by
``cocope export`` next to the store's tables (CSV files, XLSX sheets):

``answers_long``
    One row per answer: CoP, country, respondent (pseudonym), role, wave,
    instrument and version, construct, item, value, the reverse-scored value,
    status and time.
``construct_scores``
    One row per response and construct: the scale score by the rule of
    :func:`cocope_kit.analysis.scale_scores` (mean of the answered items,
    reverse-keyed items scored ``min + max - value``, at least 2/3 answered).
``item_codebook``
    One row per item of every instrument answered in the store (or shipped):
    text in each of the five languages, construct, scale, its values and
    English labels, "don't know" offered, reverse keying, audience.

Every column is described in :data:`TIDY_COLUMNS`, which the exports' data
dictionary (``columns.csv`` / sheet ``columns``) includes.

Examples
--------
>>> import cocope_kit as ck
>>> from cocope_kit.demo import write_demo
>>> store = write_demo(ck.open_store(":memory:"), n_cops=1)
>>> t = tidy_tables({n: store.read(n) for n in ("cop", "member", "response", "answer")})
>>> t["answers_long"].columns.tolist()[:6]
['response_id', 'cop_id', 'country', 'respondent', 'respondent_role', 'wave']
>>> row = t["answers_long"].query("reverse and status == 'answered'").iloc[0]
>>> float(row.value + row.value_scored)   # a 1-5 item, reverse keyed: 6 - value
6.0
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from .errors import CocopeError
from .schema_types import TEXT_DTYPE

__all__ = ["TIDY_TABLES", "TIDY_COLUMNS", "LANGUAGES", "answers_long", "construct_scores_long",
           "split_tables", "export_tidy",
           "item_codebook", "tidy_tables", "tidy_dictionary"]

LANGUAGES = ("en", "de", "nl", "pt", "sk")
"""Languages of the item texts in the codebook."""

_RESP = "the respondent's "
TIDY_COLUMNS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "answers_long": (
        ("response_id", "text", "the response (questionnaire) this answer belongs to"),
        ("cop_id", "text", "the CoP of the response"),
        ("country", "text", "ISO 3166-1 alpha-2 code of the CoP's country"),
        ("respondent", "text", "the member's pseudonym, or the anonymous token of someone "
                               "outside the member list (the name with --names)"),
        ("respondent_role", "text", _RESP + "role (teacher, student, parent, ...)"),
        ("wave", "text", "pre, post, or another wave label"),
        ("instrument_id", "text", "the questionnaire"),
        ("instrument_version", "text", "its version, as answered"),
        ("construct", "text", "the construct (subscale) the item measures"),
        ("item_id", "text", "the item; its wording is in item_codebook"),
        ("reverse", "bool", "true when the item is reverse keyed"),
        ("value", "real", "the scale value as answered; blank unless status is answered"),
        ("value_scored", "real", "the value in the construct's direction: min + max - value "
                                 "for a reverse-keyed item, else the value"),
        ("text", "text", "a free-text answer"),
        ("status", "text", "answered, dont_know or not_answered"),
        ("submitted_at", "timestamp", "when the response was submitted (UTC)"),
    ),
    "construct_scores": (
        ("response_id", "text", "the response the score is computed from"),
        ("cop_id", "text", "the CoP of the response"),
        ("country", "text", "ISO 3166-1 alpha-2 code of the CoP's country"),
        ("respondent", "text", "the member's pseudonym or an anonymous token (the name with "
                               "--names)"),
        ("respondent_role", "text", _RESP + "role"),
        ("wave", "text", "pre, post, or another wave label"),
        ("instrument_id", "text", "the questionnaire"),
        ("instrument_version", "text", "its version, as answered"),
        ("construct", "text", "the construct (subscale)"),
        ("score", "real", "mean of the answered items, reverse-keyed ones scored min + max - "
                          "value; blank when fewer than 2/3 of the items are answered "
                          "(don't know and not answered count as not answered)"),
        ("n_items", "int", "items of the construct shown to this respondent"),
        ("n_answered", "int", "of those, items answered with a scale value"),
    ),
    "item_codebook": (
        ("instrument_id", "text", "the questionnaire"),
        ("instrument_version", "text", "its version"),
        ("item_id", "text", "the item"),
        ("position", "int", "the item's place in the questionnaire (1 = first)"),
        ("construct", "text", "the construct (subscale) the item measures"),
        ("scale", "text", "the answer scale"),
        ("scale_values", "text", "the values of the scale, separated by |; blank for free "
                                 "text"),
        ("scale_labels_en", "text", "the English labels of those values, separated by |"),
        ("dont_know", "bool", "true when the scale offers \"don't know\""),
        ("reverse", "bool", "true when the item is reverse keyed (scored min + max - value)"),
        ("audience", "text", "who is asked: all, professional, student, family (comma "
                             "separated)"),
        ("required", "bool", "true when the forms require an answer"),
        *((f"text_{lang}", "text", f"the item's wording in {name}; blank when not translated")
          for lang, name in zip(LANGUAGES, ("English", "German", "Dutch", "Portuguese",
                                            "Slovak"), strict=True)),
    ),
}
"""Columns of each tidy table: ``(name, type, description)``."""

TIDY_TABLES: tuple[str, ...] = tuple(TIDY_COLUMNS)
"""Names of the tidy tables (file and sheet names of the exports)."""


def _instruments(ids) -> dict[str, object]:
    from .answer_checks import known_instruments

    known = known_instruments()
    return {i: known[i] for i in ids if i in known}


def _respondents(resp: pd.DataFrame, member: pd.DataFrame | None, names: bool) -> pd.Series:
    """The pseudonym (or with ``names`` the name) of member respondents; tokens as they are."""
    out = resp["respondent_id"].astype(object)
    if member is None or member.empty:
        return out
    col = "name" if names and "name" in member.columns else "pseudonym"
    label = member.set_index("member_id")[col].astype(object)
    if col == "name":  # a member without a stored name keeps the pseudonym
        label = label.where(label.notna(), member.set_index("member_id")["pseudonym"])
    mapped = out.map(label)
    return mapped.where(mapped.notna(), out)


def _frame(columns, data: Mapping[str, object], n: int) -> pd.DataFrame:
    out = {}
    for name, kind, _ in columns:
        v = data.get(name, [None] * n)
        s = pd.Series(v, index=range(n)) if not isinstance(v, pd.Series) else \
            v.reset_index(drop=True)
        if kind == "text":
            s = s.astype(object).where(s.notna(), None).astype(TEXT_DTYPE)
        elif kind == "real":
            s = pd.to_numeric(s, errors="coerce").astype("float64")
        elif kind == "int":
            s = pd.to_numeric(s, errors="coerce").astype("Int64")
        elif kind == "bool":
            s = s.astype("boolean")
        out[name] = s
    return pd.DataFrame(out, index=range(n))


def answers_long(tables: Mapping[str, pd.DataFrame], *, names: bool = False) -> pd.DataFrame:
    """One row per answer, joined with its response, CoP and item (columns of
    :data:`TIDY_COLUMNS` ``["answers_long"]``), ordered as the answers are stored.

    Parameters
    ----------
    tables : mapping
        ``cop``, ``member`` (optional), ``response`` and ``answer`` as
        :meth:`~cocope_kit.store.Store.read` returns them (consent-filtered
        by the caller when it should be).
    names : bool
        Name member respondents by name instead of pseudonym.
    """
    resp, ans = tables["response"], tables["answer"]
    cop = tables["cop"].set_index("cop_id")
    r = resp.set_index("response_id")
    rid = ans["response_id"].astype(object)
    ok = rid.isin(r.index).to_numpy()
    ans, rid = ans[ok].reset_index(drop=True), rid[ok].reset_index(drop=True)
    n = len(ans)
    if n == 0:
        out = _frame(TIDY_COLUMNS["answers_long"], {}, 0)
        out["submitted_at"] = pd.Series([], dtype="datetime64[ns, UTC]")
        return out
    who = pd.Series(_respondents(resp, tables.get("member"), names).to_numpy(),
                    index=resp["response_id"].astype(object))
    inst_id = rid.map(r["instrument_id"].astype(object))
    insts = _instruments(pd.unique(inst_id.dropna()))
    construct, reverse, lo, hi = {}, {}, {}, {}
    for iid, inst in insts.items():
        for it in inst.items:
            sc = inst.scales[it.scale]
            construct[(iid, it.id)] = it.construct
            reverse[(iid, it.id)] = bool(it.reverse)
            lo[(iid, it.id)] = sc.min
            hi[(iid, it.id)] = sc.max
    key = pd.Series(list(zip(inst_id, ans["item_id"].astype(object), strict=True)), dtype=object)
    rev = key.map(reverse).astype("boolean")
    value = ans["value"].astype(float)
    scored = np.where(rev.fillna(False).to_numpy(dtype=bool),
                      key.map(lo).astype(float) + key.map(hi).astype(float) - value, value)
    cop_of = rid.map(r["cop_id"].astype(object))
    data = {
        "response_id": rid, "cop_id": cop_of,
        "country": cop_of.map(cop["country"].astype(object)),
        "respondent": rid.map(who), "respondent_role": rid.map(r["respondent_role"]),
        "wave": rid.map(r["wave"]), "instrument_id": inst_id,
        "instrument_version": rid.map(r["instrument_version"]),
        "construct": key.map(construct), "item_id": ans["item_id"], "reverse": rev,
        "value": value, "value_scored": pd.Series(scored),
        "text": ans["text"], "status": ans["status"],
        "submitted_at": rid.map(r["submitted_at"]),
    }
    out = _frame(TIDY_COLUMNS["answers_long"], data, n)
    out["submitted_at"] = pd.to_datetime(data["submitted_at"], utc=True).reset_index(drop=True)
    return out


def construct_scores_long(tables: Mapping[str, pd.DataFrame], *,
                          names: bool = False) -> pd.DataFrame:
    """Scale scores per response (so per respondent and wave) and construct, for every
    instrument answered (columns of :data:`TIDY_COLUMNS` ``["construct_scores"]``).

    Constructs that are not scored (the "which statement fits" vignette,
    free-text prompts) have no rows.
    """
    from .analysis import scale_scores
    from .analysis.collaboration import UNSCORED_CONSTRUCTS

    resp, ans = tables["response"], tables["answer"]
    cop = tables["cop"].set_index("cop_id")
    who = pd.Series(_respondents(resp, tables.get("member"), names).to_numpy(),
                    index=resp["response_id"].astype(object))
    r = resp.set_index("response_id")
    parts = []
    for iid, inst in _instruments(pd.unique(resp["instrument_id"].dropna())).items():
        if not any(len(sc.values) for sc in inst.scales.values()):
            continue  # free text only
        mine = resp[resp["instrument_id"] == iid]
        try:
            s = scale_scores(mine, ans[ans["response_id"].isin(mine["response_id"])], inst)
        except CocopeError:
            continue  # answers the store checks would refuse (an older store): not scored
        s = s[~s["construct"].isin(UNSCORED_CONSTRUCTS.get(iid, ()))]
        parts.append(s)
    if not parts:
        return _frame(TIDY_COLUMNS["construct_scores"], {}, 0)
    s = pd.concat(parts, ignore_index=True)
    rid = s["response_id"].astype(object)
    data = {c: s[c] for c in ("response_id", "cop_id", "respondent_role", "wave",
                              "instrument_id", "construct", "score", "n_items", "n_answered")}
    data["country"] = s["cop_id"].astype(object).map(cop["country"].astype(object))
    data["respondent"] = rid.map(who)
    data["instrument_version"] = rid.map(r["instrument_version"])
    return _frame(TIDY_COLUMNS["construct_scores"], data, len(s))


def item_codebook(instrument_ids=None) -> pd.DataFrame:
    """One row per item of the given instruments (default: every shipped one), columns of
    :data:`TIDY_COLUMNS` ``["item_codebook"]``.

    >>> cb = item_codebook(["working_together"])
    >>> row = cb.set_index("item_id").loc["wt_coop_1"]
    >>> row.scale_values, bool(row.dont_know), row.text_de
    ('1|2|3|4|5', True, 'In unserer Gruppe helfen wir einander, wenn jemand um Hilfe bittet.')
    """
    from .answer_checks import known_instruments

    known = known_instruments()
    ids = list(known) if instrument_ids is None else [i for i in instrument_ids if i in known]
    rows = []
    for iid in ids:
        inst = known[iid]
        for pos, it in enumerate(inst.items, start=1):
            sc = inst.scales[it.scale]
            labels = sc.labels.get("en", ())
            row = {"instrument_id": iid, "instrument_version": inst.version, "item_id": it.id,
                   "position": pos, "construct": it.construct, "scale": sc.id,
                   "scale_values": "|".join(f"{v:g}" for v in sc.values) or None,
                   "scale_labels_en": "|".join(labels) or None,
                   "dont_know": bool(sc.dont_know), "reverse": bool(it.reverse),
                   "audience": ",".join(it.audience), "required": bool(it.required)}
            for lang in LANGUAGES:
                row[f"text_{lang}"] = it.text.get(lang)
            rows.append(row)
    cols = TIDY_COLUMNS["item_codebook"]
    return _frame(cols, {c: [r[c] for r in rows] for c, _, _ in cols}, len(rows))


def tidy_tables(tables: Mapping[str, pd.DataFrame], *, names: bool = False
                ) -> dict[str, pd.DataFrame]:
    """The three tidy tables from ``cop``, ``member``, ``response`` and ``answer``.

    The codebook lists the items of the instruments answered in ``tables`` (every
    shipped instrument when there are no responses).
    """
    ids = list(pd.unique(tables["response"]["instrument_id"].dropna()))
    return {"answers_long": answers_long(tables, names=names),
            "construct_scores": construct_scores_long(tables, names=names),
            "item_codebook": item_codebook(ids or None)}


def tidy_dictionary() -> pd.DataFrame:
    """Rows of the data dictionary for the tidy tables (the columns of
    :func:`cocope_kit.schema.describe`).

    >>> d = tidy_dictionary()
    >>> bool(d.description.str.len().gt(0).all()), sorted(d.table.unique())
    (True, ['answers_long', 'construct_scores', 'item_codebook'])
    """
    rows = [{"table": t, "column": c, "type": kind, "required": False, "key": False,
             "references": "", "allowed": "", "personal": c == "respondent",
             "description": desc}
            for t, cols in TIDY_COLUMNS.items() for c, kind, desc in cols]
    return pd.DataFrame(rows)


_NEEDS = ("cop", "member", "response", "answer")


def split_tables(tables) -> tuple[list[str], list[str]]:
    """Store tables and tidy tables of an export's ``tables`` (``None``: all of both).

    >>> split_tables(["member", "answers_long"])
    (['member'], ['answers_long'])
    """
    from .errors import UsageError
    from .schema import TABLE_ORDER, TABLES

    if not tables:
        return list(TABLE_ORDER), list(TIDY_TABLES)
    names = list(tables)
    unknown = [t for t in names if t not in TABLES and t not in TIDY_TABLES]
    if unknown:
        raise UsageError(f"unknown table {unknown[0]!r}; one of: {', '.join(TABLE_ORDER)}, "
                         f"or the tidy tables {', '.join(TIDY_TABLES)}")
    return [t for t in names if t in TABLES], [t for t in names if t in TIDY_TABLES]


def export_tidy(raw: Mapping[str, pd.DataFrame], wanted, *, names: bool = False
                ) -> dict[str, pd.DataFrame]:
    """The tidy tables named in ``wanted`` from tables read (and consent-filtered) by an
    export; ``raw`` must hold ``cop``, ``member``, ``response`` and ``answer``."""
    if not wanted:
        return {}
    return {k: v for k, v in tidy_tables({t: raw[t] for t in _NEEDS}, names=names).items()
            if k in wanted}
