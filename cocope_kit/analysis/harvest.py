"""Knowledge harvest: the lessons of many CoPs, searchable by text, tag, kind and country.

A lesson (table ``lesson``) is one fruit of the CoP tree: a success, a
challenge, an unexpected benefit, a side effect, an insight or a resource
worth sharing. Once several schools have finished a cycle, their lessons form
a small knowledge repository. The functions here search it and summarise it;
:mod:`cocope_kit.harvest_doc` turns the result into a standalone document, and
:func:`cocope_kit.cycle.previous_lessons` shows it to the next cycle.

Searching is forgiving about how words are typed: case and accents do not
matter (``"schuler"`` finds ``"Schüler"``, ``"ESCOLA"`` finds ``"escola"``,
``"kosice"`` finds ``"Košice"``), see :func:`fold`.

Examples
--------
>>> import cocope_kit as ck
>>> from cocope_kit.demo import write_demo
>>> from cocope_kit.analysis import search_lessons
>>> store = write_demo(ck.open_store(":memory:"))
>>> hits = search_lessons(store.read("lesson"), store.read("cop"), text="student voice")
>>> hits[["lesson_id", "country", "kind", "score"]]
     lesson_id country       kind  score
0  pt-porto:l1      PT  challenge      6
1   at-graz:l1      AT    success      4
2  pt-porto:l2      PT   resource      4
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import numpy as np
import pandas as pd

from ..errors import UsageError
from ..model import LessonKind, values
from ..privacy import mask_names_in_text
from ..schema import COUNTRIES

__all__ = [
    "HARVEST_COLUMNS",
    "KIND_LABELS",
    "KIND_ORDER",
    "fold",
    "harvest_table",
    "mask_names",
    "search_lessons",
    "split_tags",
    "tag_counts",
]

KIND_ORDER: list[str] = list(values(LessonKind))
"""Lesson kinds in the order documents show them."""

KIND_LABELS: dict[str, str] = {
    "success": "Successes",
    "challenge": "Challenges",
    "unexpected_benefit": "Unexpected benefits",
    "side_effect": "Side effects",
    "insight": "Insights",
    "resource": "Resources",
}
"""Headings of the lesson kinds in harvest documents and widgets."""

HARVEST_COLUMNS: list[str] = [
    "lesson_id", "cop_id", "cop_name", "country", "school", "cycle", "kind", "title", "text",
    "tags", "link", "created_on", "score",
]
"""Columns of :func:`search_lessons` (and of :func:`cocope_kit.cycle.previous_lessons`)."""

# weight of a query term found in each field (see search_lessons, Notes)
_WEIGHTS = {"title": 3, "tags": 2, "text": 1}
_TERM_RE = re.compile(r'"([^"]*)"|(\S+)')


# ----------------------------------------------------------------------------- text helpers
def fold(text: object) -> str:
    """Text for matching: case folded, accents removed, spaces collapsed.

    Uses Unicode normalisation (NFKD) and drops the combining marks, so
    ``ü → u``, ``č → c``, ``ã → a``; ``str.casefold`` turns ``ß`` into ``ss``.
    Missing values give ``""``.

    >>> fold("  Schüler  und Straße "), fold("Košice"), fold("Educação"), fold(None)
    ('schuler und strasse', 'kosice', 'educacao', '')
    """
    if text is None or text is pd.NA or (isinstance(text, float) and text != text):
        return ""
    s = unicodedata.normalize("NFKD", str(text).casefold())
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return " ".join(s.split())


def split_tags(tags: object) -> list[str]:
    """The tags of a lesson: the comma-separated ``tags`` cell as a list (trimmed, no blanks,
    no repeats; repeats are found case- and accent-insensitively, the first spelling is kept).

    >>> split_tags(" student voice, Pictograms,,pictograms ")
    ['student voice', 'Pictograms']
    >>> split_tags(None)
    []
    """
    if tags is None or tags is pd.NA or (isinstance(tags, float) and tags != tags):
        return []
    out, seen = [], set()
    for t in str(tags).split(","):
        t = " ".join(t.split())
        if t and fold(t) not in seen:
            seen.add(fold(t))
            out.append(t)
    return out


def _query_terms(text: str) -> list[str]:
    """Folded terms of a query: words, or phrases in double quotes."""
    terms = []
    for phrase, word in _TERM_RE.findall(text):
        t = fold(phrase if phrase else word)
        if t:
            terms.append(t)
    return list(dict.fromkeys(terms))


def _as_list(value, name: str) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    if isinstance(value, Iterable):
        items = list(value)
        bad = [v for v in items if not isinstance(v, str)]
        if bad:
            raise UsageError(f"{name} must be text or a list of texts, got {bad[0]!r}")
        return items
    raise UsageError(f"{name} must be text or a list of texts, got {value!r}")


def _check_kinds(kind) -> list[str] | None:
    kinds = _as_list(kind, "kind")
    if kinds is None:
        return None
    clean = [k.strip().lower() for k in kinds]
    bad = [k for k, c in zip(kinds, clean, strict=True) if c not in KIND_ORDER]
    if bad:
        raise UsageError(f"kind {bad[0]!r} is not a lesson kind; allowed: {', '.join(KIND_ORDER)}")
    return clean


def _check_countries(country) -> list[str] | None:
    codes = _as_list(country, "country")
    if codes is None:
        return None
    clean = [c.strip().upper() for c in codes]
    bad = [c for c, u in zip(codes, clean, strict=True) if u not in COUNTRIES]
    if bad:
        raise UsageError(f"country {bad[0]!r} is not an ISO 3166-1 alpha-2 code; "
                         "allowed: two letters such as AT, BE, PT, SK")
    return clean


def _frame(df, name: str, needed: list[str]) -> pd.DataFrame:
    if not isinstance(df, pd.DataFrame):
        raise UsageError(f"{name} must be a DataFrame shaped like the store table {name!r}, "
                         f"got {type(df).__name__}")
    missing = [c for c in needed if c not in df.columns]
    if missing:
        raise UsageError(f"{name} has no column(s) {', '.join(missing)}; needed: {', '.join(needed)}")
    return df


# ----------------------------------------------------------------------------- search
def search_lessons(
    lessons: pd.DataFrame,
    cops: pd.DataFrame | None = None,
    *,
    text: str | None = None,
    tags: str | Iterable[str] | None = None,
    tag_match: str = "any",
    kind: str | Iterable[str] | None = None,
    country: str | Iterable[str] | None = None,
    cop_ids: str | Iterable[str] | None = None,
) -> pd.DataFrame:
    """Lessons that satisfy every filter given, best matches first.

    Parameters
    ----------
    lessons : DataFrame
        Rows of the ``lesson`` table (columns ``lesson_id, cop_id, kind,
        title``; ``text, tags, link, created_on`` when present).
    cops : DataFrame, optional
        Rows of the ``cop`` table; adds ``cop_name, country, school, cycle``
        and is needed to filter by ``country``.
    text : str, optional
        Words to find in title, text and tags. **Every** word must occur
        (in any of the three fields); words in double quotes form a phrase
        (``'"student voice" pupils'``). Case and accents are ignored
        (:func:`fold`); a word matches inside longer words (``"plan"``
        finds ``"planning"``).
    tags : str or list of str, optional
        Whole tags, compared case- and accent-insensitively.
    tag_match : {"any", "all"}, default "any"
        ``"any"``: a lesson with at least one of ``tags``; ``"all"``: only
        lessons that carry every one of them.
    kind : str or list of str, optional
        One or more of ``success, challenge, unexpected_benefit,
        side_effect, insight, resource``.
    country : str or list of str, optional
        ISO 3166-1 alpha-2 codes (any case).
    cop_ids : str or list of str, optional
        Only lessons of these CoPs. With ``cops``, every id must be a CoP.

    Returns
    -------
    DataFrame
        Columns :data:`HARVEST_COLUMNS`: ``lesson_id, cop_id, cop_name,
        country, school, cycle, kind, title, text, tags, link, created_on,
        score``. ``tags`` is the cleaned comma-separated text
        (:func:`split_tags` joined by ``", "``). Without ``cops`` the CoP
        columns are empty. Rows are sorted by ``score`` (highest first),
        then country, CoP, kind (in :data:`KIND_ORDER`) and ``lesson_id``,
        so the result does not depend on the order of the input rows.

    Raises
    ------
    UsageError
        An unknown kind, a country that is not an ISO code, ``country``
        without ``cops``, an unknown ``cop_id``, a ``tag_match`` other than
        any/all, or input frames without the needed columns.

    Notes
    -----
    ``score`` is 0 without ``text``. With ``text`` it adds, for every query
    term, 3 if the term is in the title, 2 if it is in a tag and 1 if it is
    in the text (so a term found everywhere gives 6). It only orders the
    results; every row returned contains every term.

    Search works on the text as stored. Lessons may name people: run
    :func:`mask_names` first when the result is shown to others (the harvest
    document and :func:`cocope_kit.cycle.previous_lessons` do).

    Examples
    --------
    >>> import cocope_kit as ck
    >>> from cocope_kit.demo import write_demo
    >>> store = write_demo(ck.open_store(":memory:"))
    >>> les, cops = store.read("lesson"), store.read("cop")
    >>> search_lessons(les, cops, tags=["co-teaching", "student agency"])["lesson_id"].tolist()
    ['at-graz:l2', 'be-gent:l1', 'be-gent:l2']
    >>> search_lessons(les, cops, kind="resource", country="pt")[["lesson_id", "link"]].values.tolist()
    [['pt-porto:l2', 'https://example.org/cocope/pt-porto/pictogram-board']]
    >>> search_lessons(les, cops, kind="tip")
    Traceback (most recent call last):
    ...
    cocope_kit.errors.UsageError: kind 'tip' is not a lesson kind; allowed: success, challenge, unexpected_benefit, side_effect, insight, resource
    """
    les = _frame(lessons, "lesson", ["lesson_id", "cop_id", "kind", "title"])
    if tag_match not in ("any", "all"):
        raise UsageError(f"tag_match must be 'any' or 'all', got {tag_match!r}")
    kinds = _check_kinds(kind)
    countries = _check_countries(country)
    wanted_tags = _as_list(tags, "tags")
    ids = _as_list(cop_ids, "cop_ids")
    if text is not None and not isinstance(text, str):
        raise UsageError(f"text must be text, got {text!r}")
    if countries is not None and cops is None:
        raise UsageError("filtering by country needs the cop table: search_lessons(lessons, cops, ...)")

    out = pd.DataFrame({
        "lesson_id": les["lesson_id"].astype(object),
        "cop_id": les["cop_id"].astype(object),
    })
    if cops is not None:
        cp = _frame(cops, "cop", ["cop_id", "name", "school", "country", "cycle"])
        cp = cp.drop_duplicates("cop_id").set_index("cop_id")
        if ids is not None:
            unknown = [i for i in ids if i not in cp.index]
            if unknown:
                known = ", ".join(map(str, cp.index[:8])) + (" ..." if len(cp) > 8 else "")
                raise UsageError(f"cop_id {unknown[0]!r} is not in the cop table; known: {known}")
        out["cop_name"] = out["cop_id"].map(cp["name"]).astype(object)
        out["country"] = out["cop_id"].map(cp["country"]).astype(object)
        out["school"] = out["cop_id"].map(cp["school"]).astype(object)
        out["cycle"] = out["cop_id"].map(cp["cycle"]).astype("Int64")
    else:
        for c in ("cop_name", "country", "school"):
            out[c] = pd.Series([None] * len(les), index=les.index, dtype=object)
        out["cycle"] = pd.Series([pd.NA] * len(les), index=les.index, dtype="Int64")
    out["kind"] = les["kind"].astype(object)
    out["title"] = les["title"].astype(object)
    for c in ("text", "link"):
        out[c] = les[c].astype(object).where(les[c].notna(), None) if c in les else None
    tag_lists = (les["tags"] if "tags" in les else pd.Series([None] * len(les), index=les.index)
                 ).map(split_tags)
    out["tags"] = tag_lists.map(lambda ts: ", ".join(ts) if ts else None).astype(object)
    created = les["created_on"] if "created_on" in les else pd.Series(pd.NaT, index=les.index)
    out["created_on"] = pd.to_datetime(created, errors="coerce")
    out["score"] = 0

    keep = pd.Series(True, index=les.index)
    if kinds is not None:
        keep &= out["kind"].isin(kinds)
    if countries is not None:
        keep &= out["country"].isin(countries)
    if ids is not None:
        keep &= out["cop_id"].isin(ids)
    if wanted_tags is not None:
        want = {fold(t) for t in wanted_tags if fold(t)}
        folded_tags = tag_lists.map(lambda ts: {fold(t) for t in ts})
        if want:
            test = (want.issubset if tag_match == "all" else want.intersection)
            keep &= folded_tags.map(lambda have: bool(test(have))).astype(bool)
    if text is not None:
        terms = _query_terms(text)
        if terms:
            fields = {"title": out["title"].map(fold), "text": out["text"].map(fold),
                      "tags": tag_lists.map(lambda ts: "\n".join(fold(t) for t in ts))}
            score = pd.Series(0, index=les.index)
            for term in terms:
                found = pd.Series(False, index=les.index)
                for field, weight in _WEIGHTS.items():
                    hit = fields[field].map(lambda s, t=term: t in s).astype(bool)
                    score += hit.astype(int) * weight
                    found |= hit
                keep &= found
            out["score"] = score
    out = out[keep]
    order = {k: i for i, k in enumerate(KIND_ORDER)}
    out = out.assign(_k=out["kind"].map(order).fillna(len(order)),
                     _c=out["country"].fillna(""))
    out = out.sort_values(["score", "_c", "cop_id", "_k", "lesson_id"],
                          ascending=[False, True, True, True, True], kind="mergesort")
    out = out.drop(columns=["_k", "_c"]).reset_index(drop=True)
    out["score"] = out["score"].astype(np.int64)
    return out[HARVEST_COLUMNS]


# ----------------------------------------------------------------------------- summaries
def harvest_table(found: pd.DataFrame) -> pd.DataFrame:
    """How many lessons of each kind, from how many CoPs and countries.

    Parameters
    ----------
    found : DataFrame
        The result of :func:`search_lessons`.

    Returns
    -------
    DataFrame
        One row per kind of :data:`KIND_ORDER` (kinds without lessons
        included, with 0): ``kind, label, lessons, cops, countries, tags``.
        ``countries`` lists the country codes (sorted, comma-separated);
        ``tags`` the three most frequent tags of the kind, most frequent
        first (ties alphabetically), each with its count.

    Examples
    --------
    >>> import cocope_kit as ck
    >>> from cocope_kit.demo import write_demo
    >>> store = write_demo(ck.open_store(":memory:"))
    >>> t = harvest_table(search_lessons(store.read("lesson"), store.read("cop")))
    >>> t[["kind", "lessons", "cops", "countries"]]
                     kind  lessons  cops countries
    0             success        1     1        AT
    1           challenge        1     1        PT
    2  unexpected_benefit        1     1        AT
    3         side_effect        1     1        SK
    4             insight        2     2    BE, SK
    5            resource        2     2    BE, PT
    """
    f = _frame(found, "found", ["lesson_id", "cop_id", "kind", "tags"])
    rows = []
    for k in KIND_ORDER:
        sub = f[f["kind"] == k]
        countries = (sorted(set(sub["country"].dropna())) if "country" in sub else [])
        counts = tag_counts(sub)
        top = ", ".join(f"{r.tag} ({r.lessons})" for r in counts.head(3).itertuples())
        rows.append({"kind": k, "label": KIND_LABELS[k], "lessons": int(len(sub)),
                     "cops": int(sub["cop_id"].nunique()), "countries": ", ".join(countries),
                     "tags": top})
    out = pd.DataFrame(rows, columns=["kind", "label", "lessons", "cops", "countries", "tags"])
    return out.astype({"lessons": np.int64, "cops": np.int64})


def tag_counts(found: pd.DataFrame) -> pd.DataFrame:
    """The tags of some lessons, with how many lessons and CoPs use each.

    Tags that differ only in case or accents count as one; the spelling
    seen first (in the order of ``found``) is shown.

    Returns
    -------
    DataFrame
        ``tag, lessons, cops``, most used first, ties alphabetically.

    >>> import pandas as pd
    >>> f = pd.DataFrame({"lesson_id": ["a", "b", "c"], "cop_id": ["x", "x", "y"],
    ...                   "tags": ["Pausen, Schüler", "schuler", None]})
    >>> tag_counts(f)
           tag  lessons  cops
    0  Schüler        2     1
    1   Pausen        1     1
    """
    f = _frame(found, "found", ["lesson_id", "cop_id", "tags"])
    seen: dict[str, str] = {}
    lessons: dict[str, set] = {}
    cops: dict[str, set] = {}
    for lid, cid, tags in zip(f["lesson_id"], f["cop_id"], f["tags"], strict=True):
        for t in split_tags(tags):
            key = fold(t)
            seen.setdefault(key, t)
            lessons.setdefault(key, set()).add(lid)
            cops.setdefault(key, set()).add(cid)
    out = pd.DataFrame({"tag": [seen[k] for k in seen],
                        "lessons": [len(lessons[k]) for k in seen],
                        "cops": [len(cops[k]) for k in seen],
                        "_f": list(seen)}, columns=["tag", "lessons", "cops", "_f"])
    out = out.sort_values(["lessons", "_f"], ascending=[False, True], kind="mergesort")
    return out.drop(columns="_f").reset_index(drop=True).astype({"lessons": np.int64,
                                                                   "cops": np.int64})


# ----------------------------------------------------------------------------- privacy
def mask_names(lessons: pd.DataFrame, members: pd.DataFrame,
               consent: pd.DataFrame | None = None) -> pd.DataFrame:
    """Lessons with people's real names replaced, following the kit's consent rule.

    Lessons have no member column, but their free text may name people.
    Every full real name of a member (``member.name``, matched as whole
    words, ignoring case, with or without accents) in ``title``,
    ``text``, ``tags`` and ``link`` is replaced:

    * by the member's **pseudonym** when the lesson belongs to the member's
      CoP and :func:`cocope_kit.privacy.consent_register` includes them;
    * by ``"a member"`` otherwise (no consent or assent, withdrawn, or a
      member of another CoP, whose pseudonym would mean someone else here).

    A pseudonym of an excluded member of the lesson's CoP is replaced by
    ``"a member"`` too. Without ``consent`` everybody counts as excluded.
    First names alone are not recognised: write pseudonyms in lessons.

    Returns
    -------
    DataFrame
        A copy of ``lessons``; only ``title``, ``text``, ``tags`` and ``link`` change.

    Examples
    --------
    >>> import pandas as pd
    >>> les = pd.DataFrame({"lesson_id": ["l1"], "cop_id": ["c"], "title": ["Thanks to Ana Silva"],
    ...                     "text": ["ANA SILVA and Ben Peeters (Student B) led it"]})
    >>> mem = pd.DataFrame({"member_id": ["m1", "m2"], "cop_id": ["c", "c"],
    ...                     "name": ["Ana Silva", "Ben Peeters"],
    ...                     "pseudonym": ["Teacher A", "Student B"], "role": ["teacher", "student"]})
    >>> con = pd.DataFrame({"member_id": ["m1"], "kind": ["consent"], "status": ["given"]})
    >>> out = mask_names(les, mem, con)
    >>> out.loc[0, "title"], out.loc[0, "text"]
    ('Thanks to Teacher A', 'Teacher A and a member (a member) led it')
    """
    les = _frame(lessons, "lesson", ["lesson_id", "cop_id"])
    mem = _frame(members, "member", ["member_id", "cop_id", "pseudonym", "role"])
    out = les.copy()
    if mem.empty or les.empty:
        return out
    # the one masking rule of every pseudonymised output (accents ignored both ways)
    masked = mask_names_in_text({"lesson": out}, mem, consent)["lesson"]
    for col in ("title", "text", "tags", "link"):
        if col in out:
            out[col] = pd.Series(masked[col].tolist(), index=out.index, dtype=out[col].dtype
                                 if out[col].dtype != "category" else object)
    return out
