"""Questionnaires and reflection prompts: load and validate instrument files.

An instrument is a YAML file ``data/instruments/<id>.yaml`` holding its items,
the answer scales they use, the constructs (subscales) they measure and the
wording in one or more languages. Loading checks the whole file and reports
**every** problem at once as an :class:`~cocope_kit.errors.InstrumentError`,
each problem naming the file, the line and the dotted path of the field
(``items[3].scale``; list positions count from 0).

File format::

    id: working_together            # must equal the file name
    version: "1.0"                  # text: quote it
    title: {en: ..., de: ...}
    easy_read_title: {en: ...}      # optional: the title in plain words, for students
    description: {en: ...}          # optional
    constructs:                     # optional; if given, every item's construct must be here
      cooperation: {label: {en: ...}, description: {en: ...}}
    scales:
      agree5:
        values: [1, 2, 3, 4, 5]     # numbers, ascending
        labels: {en: [...], de: [...]}   # one label per value
        easy_read_labels: {en: [...]}    # optional: plain labels for students, one per value
        dont_know: true             # optional, default false
      notes: {type: text, values: []}    # free text (reflection prompts)
    items:
      - id: wt_coop_1
        text: {en: ..., de: ...}
        easy_read: {en: ...}        # optional, short everyday wording
        construct: cooperation
        scale: agree5
        reverse: false
        audience: [all]             # all | professional | student | family
        required: true              # optional, default true

English (``en``) is required for every text and every label list; any other
language falls back to English per text (or per label list) where it is missing.

Students read the easy-read wording: an item's ``easy_read`` text and a scale's
``easy_read_labels`` (see :meth:`Instrument.text` and :meth:`Scale.labels_for`
for the fallback order). ``easy_read_labels`` needs English when it is given,
and every language's list has one label per value, like ``labels``.

Examples
--------
>>> from cocope_kit.instruments import list_instruments, load_instrument
>>> list_instruments()  # doctest: +NORMALIZE_WHITESPACE
['collaboration_network', 'cop_climate', 'learning_community', 'reflection_prompts',
 'working_together']
>>> wt = load_instrument("working_together")
>>> wt.version, len(wt.items), sorted(wt.languages())
('1.0', 13, ['de', 'en', 'nl', 'pt', 'sk'])
>>> wt.text("wt_coop_1", language="de")
'In unserer Gruppe helfen wir einander, wenn jemand um Hilfe bittet.'
>>> wt.scales["agree5"].labels_for("pt")[-1]
'Concordo totalmente'
"""

from __future__ import annotations

import difflib
import functools
import math
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pandas as pd
import yaml

from .errors import InstrumentError, Problem, UsageError

__all__ = [
    "AUDIENCES",
    "DONT_KNOW_LABELS",
    "INSTRUMENT_DIR",
    "SCALE_TYPES",
    "Instrument",
    "Item",
    "Scale",
    "list_instruments",
    "load_instrument",
    "reverse_key",
    "validate_instrument_file",
]

#: Folder of the instruments shipped with the kit.
def _instrument_dir() -> Path:
    """``data/instruments`` of the project, or the copy a wheel carries inside the package."""
    project = Path(__file__).resolve().parents[1] / "data" / "instruments"
    if project.is_dir():
        return project
    return Path(__file__).resolve().parent / "_instruments"


INSTRUMENT_DIR: Path = _instrument_dir()

#: Allowed values of an item's ``audience`` list.
AUDIENCES: tuple[str, ...] = ("all", "professional", "student", "family")

#: Allowed values of a scale's ``type``.
SCALE_TYPES: tuple[str, ...] = ("ordinal", "text")

#: Label of the "don't know" option of scales with ``dont_know: true``.
DONT_KNOW_LABELS: Mapping[str, str] = MappingProxyType(
    {"en": "Don't know", "de": "Weiß nicht", "nl": "Weet ik niet", "pt": "Não sei", "sk": "Neviem"}
)

_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_LANG_RE = re.compile(r"^[a-z]{2}$")

_TOP_KEYS = (
    "id",
    "version",
    "title",
    "easy_read_title",
    "description",
    "constructs",
    "scales",
    "items",
)
_TOP_REQUIRED = ("id", "version", "title", "scales", "items")
_SCALE_KEYS = ("values", "labels", "easy_read_labels", "dont_know", "type")
_CONSTRUCT_KEYS = ("label", "description")
_ITEM_KEYS = (
    "id",
    "text",
    "easy_read",
    "construct",
    "scale",
    "reverse",
    "audience",
    "required",
)
_ITEM_REQUIRED = ("id", "text", "construct", "scale", "reverse", "audience")

_EXAMPLES = {
    "id": "id: my_instrument (the file name without .yaml)",
    "version": 'version: "1.0"',
    "title": "title: {en: My questionnaire}",
    "scales": "scales: {agree5: {values: [1, 2, 3, 4, 5], labels: {en: [...]}}}",
    "items": "items: [{id: q1, text: {en: ...}, construct: ..., scale: ..., reverse: false, "
    "audience: [all]}]",
    "values": "values: [1, 2, 3, 4, 5], or values: [] with type: text",
    "label": "label: {en: Trust}",
    "text": "text: {en: ...}",
    "construct": "construct: trust",
    "scale": "scale: agree5 (a scale defined under 'scales')",
    "reverse": "reverse: false",
    "audience": "audience: [all]",
}

# libyaml's parser when available: much faster, and linear on deeply nested input
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# An instrument is at most five levels deep (items -> item -> text -> language); anything
# nested deeper than this is not an instrument. Checked on the parser's event stream, which
# both loaders produce without recursion, so the C and the pure-Python loader report the same
# line; composing such input would hit Python's recursion limit in the pure-Python composer.
MAX_NESTING = 32
_TOO_DEEP = (
    f"the file is nested more than {MAX_NESTING} levels deep here; an instrument nests at "
    "most a few levels (items, an item, its text in each language)"
)

_TEXT_HINT = "quote it if it looks like a number, yes/no, a date or is empty"


def _frozen(mapping: Mapping) -> Mapping:
    return MappingProxyType(dict(mapping))


def _lang(language: object) -> str:
    """Normalise a language tag: ``'DE'`` and ``'de-AT'`` become ``'de'``."""
    return re.split(r"[-_]", str(language).strip().lower(), maxsplit=1)[0]


def _pick(texts: Mapping[str, str], language: str) -> str | None:
    return texts.get(_lang(language), texts.get("en"))


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Scale:
    """An answer scale.

    Attributes
    ----------
    id : str
        Scale id, unique within its instrument.
    values : tuple of float
        Stored answer values, ascending; empty for free-text scales.
    labels : Mapping[str, tuple of str]
        Language code -> one label per value.
    easy_read_labels : Mapping[str, tuple of str]
        Language code -> one plain label per value, for students; empty when
        the scale has none.
    dont_know : bool
        Whether a "don't know" option is offered (stored as a missing value).
    type : str
        ``"ordinal"`` or ``"text"``.

    Examples
    --------
    >>> from cocope_kit.instruments import load_instrument
    >>> s = load_instrument("collaboration_network").scales["level4"]
    >>> s.values, s.type
    ((0.0, 1.0, 2.0, 3.0), 'ordinal')
    >>> s.labels_for("sk")[0]
    'Žiadna: v tejto CoP spolu nepracujeme.'
    >>> s.labels_for("fr") == s.labels_for("en")   # no French labels: English is used
    True
    >>> load_instrument("working_together").scales["agree5"].dont_know_label("nl")
    'Weet ik niet'
    """

    id: str
    values: tuple[float, ...]
    labels: Mapping[str, tuple[str, ...]]
    dont_know: bool = False
    type: str = "ordinal"
    easy_read_labels: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: MappingProxyType({})
    )

    def __hash__(self) -> int:
        return hash((self.id, self.values, self.type))

    @property
    def min(self) -> float:
        """Smallest value (NaN for a free-text scale)."""
        return self.values[0] if self.values else math.nan

    @property
    def max(self) -> float:
        """Largest value (NaN for a free-text scale)."""
        return self.values[-1] if self.values else math.nan

    def labels_for(self, language: str = "en", easy_read: bool = False) -> tuple[str, ...]:
        """Labels in ``language``, falling back to English (``()`` for free text).

        With ``easy_read=True`` the easy-read labels are used where the scale
        has them, in the same order as :meth:`Instrument.text`: easy-read in
        ``language``, the standard labels in ``language``, easy-read in
        English, the standard labels in English.

        Examples
        --------
        >>> from cocope_kit.instruments import load_instrument
        >>> agree5 = load_instrument("cop_climate").scales["agree5"]
        >>> agree5.labels_for("de")[0], agree5.labels_for("de", easy_read=True)[0]
        ('Stimme überhaupt nicht zu', 'Stimmt gar nicht')
        """
        lang = _lang(language)
        if easy_read:
            for labels in (self.easy_read_labels, self.labels):
                if lang in labels:
                    return tuple(labels[lang])
            if "en" in self.easy_read_labels:
                return tuple(self.easy_read_labels["en"])
        return tuple(_pick(self.labels, lang) or ())

    def dont_know_label(self, language: str = "en") -> str:
        """Label of the "don't know" option in ``language`` (English if not translated)."""
        return _pick(DONT_KNOW_LABELS, language) or DONT_KNOW_LABELS["en"]


@dataclass(frozen=True)
class Item:
    """One question (or reflection prompt) of an instrument.

    ``text`` and ``easy_read`` map language codes to wording; ``easy_read`` is
    empty when the item has no easy-read version.
    """

    id: str
    text: Mapping[str, str]
    easy_read: Mapping[str, str]
    construct: str
    scale: str
    reverse: bool
    audience: tuple[str, ...]
    required: bool = True

    def __hash__(self) -> int:
        return hash((self.id, self.construct, self.scale))


@dataclass(frozen=True)
class Instrument:
    """A validated instrument; build it with :func:`load_instrument`.

    Attributes
    ----------
    id, version : str
    title : Mapping[str, str]
        Language code -> title.
    scales : Mapping[str, Scale]
    items : tuple of Item
        In file order.
    constructs : Mapping[str, Mapping]
        Construct id -> ``{"label": {lang: text}, "description": {lang: text}}``
        in file order. When the file declares no constructs they are taken
        from the items, labelled with their id.
    source : str
        Path of the file it was read from.
    description : Mapping[str, str]
        Language code -> description (may be empty).
    easy_read_title : Mapping[str, str]
        Language code -> the title in plain words, for students (may be empty).
    """

    id: str
    version: str
    title: Mapping[str, str]
    scales: Mapping[str, Scale]
    items: tuple[Item, ...]
    constructs: Mapping[str, Mapping[str, Mapping[str, str]]]
    source: str
    description: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    easy_read_title: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def __hash__(self) -> int:
        return hash((self.id, self.version, self.source))

    def item(self, item_id: str) -> Item:
        """The item with id ``item_id``; :class:`UsageError` naming the valid ids otherwise.

        Examples
        --------
        >>> from cocope_kit.instruments import load_instrument
        >>> load_instrument("working_together").item("wt_fit").scale
        'fit3'
        """
        for it in self.items:
            if it.id == item_id:
                return it
        ids = ", ".join(it.id for it in self.items)
        raise UsageError(f"instrument {self.id!r} has no item {item_id!r}; its items are: {ids}")

    def title_for(self, language: str = "en", easy_read: bool = False) -> str:
        """The title in ``language``; with ``easy_read=True`` the plain title for students.

        Same fallback as :meth:`text`: easy-read in ``language``, the title in
        ``language``, easy-read in English, the English title.

        Examples
        --------
        >>> from cocope_kit.instruments import load_instrument
        >>> lc = load_instrument("learning_community")
        >>> lc.title_for("nl"), lc.title_for("nl", easy_read=True)
        ('Onze CoP als lerende gemeenschap', 'Wat we leren in onze groep')
        """
        lang = _lang(language)
        if easy_read:
            for titles in (self.easy_read_title, self.title):
                if lang in titles:
                    return titles[lang]
            if "en" in self.easy_read_title:
                return self.easy_read_title["en"]
        return self.title.get(lang, self.title["en"])

    def text(self, item_id: str, language: str = "en", easy_read: bool = False) -> str:
        """Wording of one item in ``language``.

        Falls back to English when the item is not translated. With
        ``easy_read=True`` the easy-read wording is used where the item has one,
        in this order: easy-read in ``language``, the standard wording in
        ``language``, easy-read in English, the standard wording in English
        (a reader gets their own language before they get simpler English).

        Examples
        --------
        >>> from cocope_kit.instruments import load_instrument
        >>> cl = load_instrument("cop_climate")
        >>> cl.text("cl_student_agency_2", "en", easy_read=True)
        'When I say my idea, the adults listen.'
        >>> cl.text("cl_trust_2", "en")
        'Members of our group treat each other with respect, even when they disagree.'
        >>> cl.text("cl_trust_2", "nl", easy_read=True)
        'We gaan goed met elkaar om, ook als we het niet eens zijn.'
        """
        it = self.item(item_id)
        lang = _lang(language)
        if easy_read:
            for texts in (it.easy_read, it.text):
                if lang in texts:
                    return texts[lang]
            if "en" in it.easy_read:
                return it.easy_read["en"]
        return it.text.get(lang, it.text["en"])

    def items_for(self, audience: str) -> tuple[Item, ...]:
        """Items shown to ``audience`` (all, professional, student or family).

        An item is shown when its audience list holds ``"all"`` or ``audience``.

        Examples
        --------
        >>> from cocope_kit.instruments import load_instrument
        >>> cl = load_instrument("cop_climate")
        >>> len(cl.items_for("student")), len(cl.items_for("professional"))
        (25, 21)
        """
        if audience not in AUDIENCES:
            raise UsageError(
                f"audience {audience!r} is not allowed; one of: {', '.join(AUDIENCES)}"
            )
        return tuple(it for it in self.items if "all" in it.audience or audience in it.audience)

    def languages(self) -> set[str]:
        """Languages in which everything a respondent sees is translated.

        That is the title (and its easy-read version, if any), every item's text, every easy-read text (of items
        that have one), the labels of every ordinal scale and its easy-read
        labels (where it has them). Construct labels and descriptions are not
        counted.

        Examples
        --------
        >>> from cocope_kit.instruments import load_instrument
        >>> sorted(load_instrument("learning_community").languages())
        ['de', 'en', 'nl', 'pt', 'sk']
        """
        langs = set(self.title)
        if self.easy_read_title:
            langs &= set(self.easy_read_title)
        for it in self.items:
            langs &= set(it.text)
            if it.easy_read:
                langs &= set(it.easy_read)
        for sc in self.scales.values():
            if sc.type == "ordinal":
                langs &= set(sc.labels)
                if sc.easy_read_labels:
                    langs &= set(sc.easy_read_labels)
        return langs

    def item_table(self, language: str = "en") -> pd.DataFrame:
        """One row per item, in file order.

        Parameters
        ----------
        language : str
            Language of ``text`` and ``easy_read`` (English where not translated).

        Returns
        -------
        pandas.DataFrame
            Columns ``item_id, construct, scale, reverse, audience, required,
            text, easy_read, scale_min, scale_max, n_points``. ``audience`` is
            the audience list joined with commas (``"professional,family"``);
            ``easy_read`` is missing for items without an easy-read version
            (see :meth:`text` for the fallback order); ``scale_min`` and
            ``scale_max`` are NaN and ``n_points`` is 0 for free-text scales.

        Examples
        --------
        >>> from cocope_kit.instruments import load_instrument
        >>> t = load_instrument("working_together").item_table("nl")
        >>> t.loc[t.reverse, "item_id"].tolist()
        ['wt_coop_4', 'wt_coord_4', 'wt_collab_4']
        >>> t.iloc[-1][["item_id", "scale", "scale_min", "scale_max", "n_points"]].to_dict()
        {'item_id': 'wt_fit', 'scale': 'fit3', 'scale_min': 1.0, 'scale_max': 3.0, 'n_points': 3}
        """
        lang = _lang(language)
        rows = []
        for it in self.items:
            sc = self.scales[it.scale]
            er = None
            if it.easy_read:
                er = self.text(it.id, lang, easy_read=True)
            rows.append(
                {
                    "item_id": it.id,
                    "construct": it.construct,
                    "scale": it.scale,
                    "reverse": it.reverse,
                    "audience": ",".join(it.audience),
                    "required": it.required,
                    "text": self.text(it.id, lang),
                    "easy_read": er,
                    "scale_min": sc.min,
                    "scale_max": sc.max,
                    "n_points": len(sc.values),
                }
            )
        columns = [
            "item_id",
            "construct",
            "scale",
            "reverse",
            "audience",
            "required",
            "text",
            "easy_read",
            "scale_min",
            "scale_max",
            "n_points",
        ]
        df = pd.DataFrame(rows, columns=columns)
        return df.astype(
            {
                "reverse": bool,
                "required": bool,
                "scale_min": float,
                "scale_max": float,
                "n_points": "int64",
            }
        )


# --------------------------------------------------------------------------- public functions


def list_instruments() -> list[str]:
    """Ids of the instruments shipped with the kit, sorted.

    Examples
    --------
    >>> from cocope_kit.instruments import list_instruments
    >>> "cop_climate" in list_instruments()
    True
    """
    if not INSTRUMENT_DIR.is_dir():
        return []
    return sorted(p.stem for p in INSTRUMENT_DIR.glob("*.yaml") if p.is_file())


def load_instrument(instrument_id_or_path: str | os.PathLike) -> Instrument:
    """Load and validate an instrument.

    Parameters
    ----------
    instrument_id_or_path : str or path-like
        The id of a shipped instrument (see :func:`list_instruments`), or the
        path of a ``.yaml``/``.yml`` file.

    Returns
    -------
    Instrument

    Raises
    ------
    UsageError
        Unknown instrument id (the message lists the available ids).
    InstrumentError
        The file is unreadable or malformed; ``problems`` lists every issue.

    Notes
    -----
    Parsed instruments are cached per resolved path, modification time and
    size, so a changed file is read again.

    Examples
    --------
    >>> from cocope_kit.instruments import load_instrument
    >>> load_instrument("reflection_prompts").items_for("family")[0].id
    'rp_domain_1'
    >>> load_instrument("no_such_thing")
    Traceback (most recent call last):
    ...
    cocope_kit.errors.UsageError: unknown instrument 'no_such_thing'; available: ...
    """
    path = _resolve(instrument_id_or_path)
    try:
        st = path.stat()
    except OSError:
        return _validate_path(path)  # reports the unreadable file as a problem
    return _load_cached(str(path), st.st_mtime_ns, st.st_size)


def validate_instrument_file(path: str | os.PathLike) -> Instrument:
    """Check an instrument file and return the instrument if it is valid.

    The file is always read afresh (no cache).

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    Instrument

    Raises
    ------
    InstrumentError
        Listing every problem of the file; each problem has the file as
        ``source``, the line as ``row`` (where known) and the dotted path of
        the field as ``column``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from cocope_kit.instruments import validate_instrument_file
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> bad = folder / "demo.yaml"
    >>> _ = bad.write_text('''
    ... id: demo
    ... version: "1"
    ... title: {de: Demo}
    ... scales:
    ...   yes_no: {values: [0, 1], labels: {en: ["No", "Yes"]}}
    ... items:
    ...   - {id: q1, text: {en: All good}, construct: c, scale: yesno, reverse: false,
    ...      audience: [all]}
    ... ''', encoding="utf-8")
    >>> validate_instrument_file(bad)
    Traceback (most recent call last):
    ...
    cocope_kit.errors.InstrumentError: 2 problems in instrument file .../demo.yaml:
      - .../demo.yaml: demo row 4, column 'title.en': English (en) is required; ...
      - .../demo.yaml: demo row 8, column 'items[0].scale': 'yesno' is not allowed; ...
    """
    return _validate_path(Path(os.fspath(path)))


def reverse_key(values: Any, scale: Scale | tuple[float, float]) -> Any:
    """Reverse-key answers: ``min + max - value``.

    Parameters
    ----------
    values : number, sequence, numpy array, pandas Series or DataFrame
        Answers on ``scale``; missing values (None, NaN) stay missing.
    scale : Scale or (min, max)
        The scale the answers are on.

    Returns
    -------
    Same kind as ``values``: a float for a number, a list or tuple for a
    list or tuple (``None`` kept), otherwise the result of the arithmetic.
    Applying it twice gives back the input.

    Raises
    ------
    UsageError
        Free-text scale, or a value outside ``[min, max]``.

    Examples
    --------
    >>> from cocope_kit.instruments import load_instrument, reverse_key
    >>> agree5 = load_instrument("working_together").scales["agree5"]
    >>> reverse_key([1, 2, None, 5], agree5)
    [5.0, 4.0, None, 1.0]
    >>> reverse_key(reverse_key(4, agree5), agree5)
    4.0
    >>> reverse_key(7, agree5)
    Traceback (most recent call last):
    ...
    cocope_kit.errors.UsageError: values must lie between 1 and 5 to be reverse-keyed; got 7
    """
    if isinstance(scale, Scale):
        if scale.type != "ordinal" or not scale.values:
            raise UsageError(f"scale {scale.id!r} is free text and cannot be reverse-keyed")
        lo, hi = scale.min, scale.max
    else:
        try:
            lo, hi = (float(v) for v in scale)
        except (TypeError, ValueError):
            raise UsageError(
                f"scale must be a Scale or a (min, max) pair of numbers, not {scale!r}"
            ) from None
        if not (math.isfinite(lo) and math.isfinite(hi) and lo <= hi):
            raise UsageError(
                f"scale (min, max) must be finite numbers with min <= max, not {scale!r}"
            )
    total = lo + hi
    tol = 1e-9 * (abs(lo) + abs(hi) + 1.0)  # rounding of min + max - v must not count as outside
    lo_ok, hi_ok = lo - tol, hi + tol

    def bad(v: object) -> UsageError:
        return UsageError(
            f"values must lie between {_num(lo)} and {_num(hi)} to be reverse-keyed; got {v!r}"
        )

    def one(v: Any) -> Any:
        if v is None:
            return None
        try:
            x = float(v)
        except (TypeError, ValueError):
            raise UsageError(f"values to reverse-key must be numbers; got {v!r}") from None
        if math.isnan(x):
            return x
        if not lo_ok <= x <= hi_ok:
            raise bad(v)
        return total - x

    if isinstance(values, (pd.Series, pd.DataFrame)):
        try:
            num = values.astype(float)
        except (TypeError, ValueError):
            raise UsageError("values to reverse-key must be numeric") from None
        outside = (num < lo_ok) | (num > hi_ok)
        if bool(outside.to_numpy().any()):
            first = num.to_numpy()[outside.to_numpy()][0]
            raise bad(first)
        return total - num
    if isinstance(values, (list, tuple)):
        return type(values)(one(v) for v in values)
    if hasattr(values, "__array__") and hasattr(values, "shape") and values.shape != ():
        try:
            arr = values.astype(float)  # numpy arrays and other array-likes
        except (TypeError, ValueError):
            raise UsageError("values to reverse-key must be numeric") from None
        outside = (arr < lo_ok) | (arr > hi_ok)
        if outside.any():
            raise bad(arr[outside][0])
        return total - arr
    return one(values)


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


# --------------------------------------------------------------------------- loading


def _resolve(ref: str | os.PathLike) -> Path:
    if isinstance(ref, os.PathLike):
        return Path(os.fspath(ref)).resolve()
    if not isinstance(ref, str):
        raise UsageError(
            f"an instrument id (str) or a file path is expected, not {type(ref).__name__}"
        )
    if _ID_RE.match(ref):
        path = INSTRUMENT_DIR / f"{ref}.yaml"
        if not path.is_file():
            raise UsageError(
                f"unknown instrument {ref!r}; available: {', '.join(list_instruments())}"
            )
        return path.resolve()
    if ref.endswith((".yaml", ".yml")) or os.sep in ref or "/" in ref:
        return Path(ref).expanduser().resolve()
    raise UsageError(
        f"{ref!r} is neither an instrument id nor a .yaml path; "
        f"available ids: {', '.join(list_instruments())}"
    )


@functools.lru_cache(maxsize=64)
def _load_cached(path: str, mtime_ns: int, size: int) -> Instrument:
    return _validate_path(Path(path))


def _validate_path(path: Path) -> Instrument:
    table = path.stem or "instrument"
    source = str(path)
    problems: list[Problem] = []

    def fail() -> InstrumentError:
        # in file order; problems of the whole file (no line) first
        problems.sort(key=lambda p: (p.row is not None, p.row or 0))
        return InstrumentError(problems, f"instrument file {source}")

    try:
        raw = path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        problems.append(
            Problem(
                table, None, None, None, f"cannot read the file ({reason}); check the path", source
            )
        )
        raise fail() from None
    text = _decode(raw, table, source, problems)
    data, lines = _parse(text, table, source, problems)
    if data is None:
        raise fail()
    checker = _Checker(table, source, lines, problems)
    checker.check(data)
    if problems:
        raise fail()
    return _build(data, source)


def _decode(raw: bytes, table: str, source: str, problems: list[Problem]) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    bad_lines: dict[int, bytes] = {}
    for number, line in enumerate(raw.split(b"\n"), start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as exc:
            bad_lines[number] = line[exc.start : exc.end]
    for line, chunk in bad_lines.items():
        problems.append(
            Problem(
                table,
                line,
                None,
                chunk,
                "the file must be UTF-8 text (this looks like another encoding, "
                "e.g. Windows-1252); save it again as UTF-8",
                source,
            )
        )
    return raw.decode("utf-8", errors="replace")


def _parse(
    text: str, table: str, source: str, problems: list[Problem]
) -> tuple[Any, dict[str, int]]:
    """Parse YAML into plain data plus a map from dotted path to line number."""

    def add(line: int | None, allowed: str) -> None:
        problems.append(Problem(table, line, None, None, allowed, source))

    try:
        deep_line = _too_deep(text)
        if deep_line is not None:
            add(deep_line, _TOO_DEEP)
            return None, {}
        root = yaml.compose(text, Loader=_YAML_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = " ".join(str(s) for s in (exc.context, exc.problem) if s)
        if "nesting depth" in what:  # libyaml's own limit, met while it scans ahead
            add(mark.line + 1 if mark else None, _TOO_DEEP)
            return None, {}
        add(
            mark.line + 1 if mark else None,
            f"the file is not valid YAML ({what}); check indentation, colons and quotes",
        )
        return None, {}
    except yaml.YAMLError as exc:
        line = None
        position = getattr(exc, "position", None)
        if isinstance(position, int):
            line = text.count("\n", 0, position) + 1
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        add(line, f"the file is not valid YAML ({reason}); remove special characters")
        return None, {}
    except RecursionError:
        add(None, "the file is nested too deeply to be an instrument")
        return None, {}
    if root is None:
        add(None, "the file is empty; an instrument needs id, version, title, scales and items")
        return None, {}
    builder = _NodeReader(table, source, problems)
    try:
        data = builder.read(root, "")
    except RecursionError:
        add(None, "the file is nested too deeply to be an instrument")
        return None, {}
    return data, builder.lines


def _too_deep(text: str) -> int | None:
    """The line (1-based) where the YAML first nests deeper than MAX_NESTING, else None."""
    depth = 0
    for event in yaml.parse(text, Loader=_YAML_LOADER):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_NESTING:
                return event.start_mark.line + 1
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
    return None


class _NodeReader:
    """Turn a composed YAML node tree into Python data, recording line numbers.

    Mapping keys are kept as written (``no:`` stays ``'no'``); duplicate keys,
    non-text keys, aliases and unusual tags are reported as problems.
    """

    _MAP = "tag:yaml.org,2002:map"
    _SEQ = "tag:yaml.org,2002:seq"

    def __init__(self, table: str, source: str, problems: list[Problem]):
        self.table, self.source, self.problems = table, source, problems
        self.lines: dict[str, int] = {}
        self.seen: set[int] = set()
        self.constructor = yaml.SafeLoader("")

    def add(self, node: yaml.Node, path: str, value: object, allowed: str) -> None:
        self.problems.append(
            Problem(self.table, node.start_mark.line + 1, path or None, value, allowed, self.source)
        )

    def read(self, node: yaml.Node, path: str) -> Any:
        self.lines.setdefault(path, node.start_mark.line + 1)
        if id(node) in self.seen:
            self.problems.append(
                Problem(
                    self.table,
                    self.lines[path],
                    path or None,
                    None,
                    "anchors and aliases (&name, *name) are not supported; write the value out",
                    self.source,
                )
            )
            return None
        self.seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            if node.tag != self._MAP:
                self.add(node, path, node.tag, "only plain mappings are supported; remove the tag")
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    self.add(key_node, path, None, "keys must be plain words")
                    continue
                key = key_node.value
                child = f"{path}.{key}" if path else key
                if key in out:
                    self.add(
                        key_node,
                        child,
                        key,
                        f"duplicate key; it already appears on line {self.lines[child]}",
                    )
                    continue
                self.lines[child] = key_node.start_mark.line + 1
                out[key] = self.read(value_node, child)
            return out
        if isinstance(node, yaml.SequenceNode):
            if node.tag != self._SEQ:
                self.add(node, path, node.tag, "only plain lists are supported; remove the tag")
            return [self.read(n, f"{path}[{i}]") for i, n in enumerate(node.value)]
        try:
            return self.constructor.construct_object(node, deep=True)
        except Exception as exc:  # any construction failure of a scalar is a problem of the file
            self.add(node, path, node.value, f"cannot read this value ({exc}); quote it as text")
            return None


# --------------------------------------------------------------------------- checking


def _parent(path: str) -> str:
    if path.endswith("]"):
        return path[: path.rindex("[")]
    return path.rpartition(".")[0]


class _Checker:
    def __init__(self, table: str, source: str, lines: dict[str, int], problems: list[Problem]):
        self.table, self.source, self.lines, self.problems = table, source, lines, problems

    # helpers ---------------------------------------------------------------
    def line(self, path: str) -> int | None:
        p = path
        while p:
            if p in self.lines:
                return self.lines[p]
            p = _parent(p)
        return self.lines.get("")

    def add(self, path: str, value: object, allowed: str) -> None:
        self.problems.append(
            Problem(self.table, self.line(path), path or None, value, allowed, self.source)
        )

    def mapping(
        self, path: str, value: object, keys: Iterable[str], required: Iterable[str], what: str
    ) -> dict | None:
        """Check that ``value`` is a mapping with known keys and all required keys."""
        if not isinstance(value, dict):
            self.add(path, value, f"{what}: a mapping of {', '.join(keys)}")
            return None
        keys = tuple(keys)
        for k in value:
            if k not in keys:
                hint = difflib.get_close_matches(k, keys, n=1)
                extra = f" (did you mean {hint[0]!r}?)" if hint else ""
                self.add(
                    f"{path}.{k}" if path else k,
                    k,
                    f"unknown key{extra}; allowed keys here: {', '.join(keys)}",
                )
        for k in required:
            if k not in value:
                self.add(
                    f"{path}.{k}" if path else k,
                    None,
                    f"required key {k!r} is missing; add it, e.g. {_EXAMPLES[k]}",
                )
        return value

    def name(self, path: str, value: object, what: str, pattern: re.Pattern = _NAME_RE) -> bool:
        if isinstance(value, str) and pattern.match(value):
            return True
        rule = (
            "lowercase letters, digits and _, starting with a letter"
            if pattern is _ID_RE
            else "letters, digits and _, starting with a letter"
        )
        self.add(path, value, f"{what}: {rule}")
        return False

    def text(self, path: str, value: object) -> bool:
        if isinstance(value, str) and value.strip():
            return True
        self.add(path, value, f"non-empty text; {_TEXT_HINT}")
        return False

    def lang_code(self, path: str, code: str) -> bool:
        if _LANG_RE.match(code):
            return True
        self.add(path, code, "a language code of two lowercase letters (en, de, nl, pt, sk, ...)")
        return False

    def lang_texts(self, path: str, value: object) -> None:
        """A mapping language -> text with English present."""
        if not isinstance(value, dict):
            hint = " (write it as en: <text>)" if isinstance(value, str) else ""
            self.add(path, value, f"a mapping from language code to text{hint}, e.g. {{en: ...}}")
            return
        for code, text in value.items():
            if self.lang_code(f"{path}.{code}", code):
                self.text(f"{path}.{code}", text)
        if "en" not in value:
            self.add(
                f"{path}.en", None, "English (en) is required; other languages fall back to it"
            )

    def boolean(self, path: str, value: object) -> None:
        if not isinstance(value, bool):
            self.add(path, value, "true or false")

    # the file --------------------------------------------------------------
    def check(self, data: object) -> None:
        doc = self.mapping("", data, _TOP_KEYS, _TOP_REQUIRED, "an instrument file")
        if doc is None:
            return
        if "id" in doc and self.name("id", doc["id"], "the instrument id", _ID_RE):
            if doc["id"] != self.table:
                self.add(
                    "id",
                    doc["id"],
                    f"the file name without .yaml ({self.table!r}); "
                    "rename the file or change the id",
                )
        if "version" in doc:
            v = doc["version"]
            if not (isinstance(v, str) and v.strip()):
                self.add("version", v, 'non-empty text; quote it, e.g. version: "1.0"')
        if "title" in doc:
            self.lang_texts("title", doc["title"])
        if "easy_read_title" in doc:
            self.lang_texts("easy_read_title", doc["easy_read_title"])
        if "description" in doc:
            self.lang_texts("description", doc["description"])
        constructs = None
        if "constructs" in doc:
            constructs = self.check_constructs(doc["constructs"])
        scales = self.check_scales(doc["scales"]) if "scales" in doc else None
        if "items" in doc:
            self.check_items(doc["items"], scales, constructs)

    def check_constructs(self, value: object) -> set[str] | None:
        if not isinstance(value, dict) or not value:
            self.add(
                "constructs",
                value,
                "a mapping of construct id -> {label: {en: ...}, description: {en: ...}}",
            )
            return None
        for cid, spec in value.items():
            path = f"constructs.{cid}"
            self.name(path, cid, "a construct id")
            spec = self.mapping(path, spec, _CONSTRUCT_KEYS, ("label",), f"construct {cid!r}")
            if spec is None:
                continue
            if "label" in spec:
                self.lang_texts(f"{path}.label", spec["label"])
            if "description" in spec:
                self.lang_texts(f"{path}.description", spec["description"])
        return set(value)

    def check_scales(self, value: object) -> dict[str, str] | None:
        """Returns scale id -> type for scales whose type could be read."""
        if not isinstance(value, dict) or not value:
            self.add(
                "scales", value, "a mapping of scale id -> {values: [...], labels: {en: [...]}}"
            )
            return None
        types: dict[str, str] = {}
        for sid, spec in value.items():
            path = f"scales.{sid}"
            self.name(path, sid, "a scale id")
            spec = self.mapping(path, spec, _SCALE_KEYS, ("values",), f"scale {sid!r}")
            if spec is None:
                types[sid] = "?"
                continue
            stype = spec.get("type", "ordinal")
            if stype not in SCALE_TYPES:
                self.add(f"{path}.type", stype, f"one of: {', '.join(SCALE_TYPES)}")
                stype = "?"
            types[sid] = stype
            if "dont_know" in spec:
                self.boolean(f"{path}.dont_know", spec["dont_know"])
            n = self.check_values(f"{path}.values", spec.get("values"), stype)
            if "easy_read_labels" in spec:
                self.check_easy_read_labels(
                    f"{path}.easy_read_labels", spec["easy_read_labels"], n, stype
                )
            if "labels" in spec:
                self.check_labels(f"{path}.labels", spec["labels"], n, stype)
            elif stype == "ordinal":
                self.add(
                    f"{path}.labels",
                    None,
                    "required key 'labels' is missing: give {en: [one label per value]}",
                )
        return types

    def check_values(self, path: str, values: object, stype: str) -> int | None:
        if not isinstance(values, list):
            if path in self.lines:  # present but wrong
                self.add(path, values, "a list of numbers in ascending order, e.g. [1, 2, 3, 4, 5]")
            return None
        if stype == "?":  # unknown type, already reported
            return len(values)
        if stype == "text":
            if values:
                self.add(path, values, "[] (a free-text scale has no values)")
            return 0
        ok = True
        for i, v in enumerate(values):
            if not _finite_number(v):
                self.add(f"{path}[{i}]", v, "a number")
                ok = False
        if not ok:
            return len(values)
        if len(values) < 2:
            self.add(
                path,
                values,
                "at least two values; for a free-text scale write type: text and values: []",
            )
        elif any(b <= a for a, b in zip(values, values[1:], strict=False)):
            self.add(path, values, "values in strictly ascending order, e.g. [1, 2, 3, 4, 5]")
        return len(values)

    def check_labels(self, path: str, labels: object, n: int | None, stype: str) -> None:
        if not isinstance(labels, dict):
            self.add(
                path,
                labels,
                "a mapping from language code to a list of labels, e.g. {en: [Disagree, Agree]}",
            )
            return
        for code, lst in labels.items():
            lpath = f"{path}.{code}"
            self.lang_code(lpath, code)
            if not isinstance(lst, list):
                self.add(lpath, lst, "a list of labels, one per value")
                continue
            for i, lab in enumerate(lst):
                self.text(f"{lpath}[{i}]", lab)
            if n is not None and len(lst) != n:
                self.add(lpath, f"{len(lst)} labels", f"{n} labels, one per value in 'values'")
        if stype == "ordinal" and "en" not in labels:
            self.add(
                f"{path}.en",
                None,
                "English (en) labels are required; other languages fall back to them",
            )

    def check_easy_read_labels(
        self, path: str, labels: object, n: int | None, stype: str
    ) -> None:
        """Plain labels for students: like ``labels``, English required when present."""
        if stype == "text":
            self.add(path, labels, "no easy_read_labels: a free-text scale has no labels")
            return
        if not isinstance(labels, dict) or not labels:
            self.add(
                path,
                labels,
                "a mapping from language code to a list of plain labels, one per value, "
                "e.g. {en: [No, Yes]}",
            )
            return
        self.check_labels(path, labels, n, stype)

    def check_items(
        self, value: object, scales: dict[str, str] | None, constructs: set[str] | None
    ) -> None:
        if not isinstance(value, list) or not value:
            self.add("items", value, "a non-empty list of items")
            return
        first_seen: dict[str, int] = {}
        for i, spec in enumerate(value):
            path = f"items[{i}]"
            spec = self.mapping(path, spec, _ITEM_KEYS, _ITEM_REQUIRED, f"item {i}")
            if spec is None:
                continue
            iid = spec.get("id")
            if "id" in spec and self.name(f"{path}.id", iid, "an item id"):
                if iid in first_seen:
                    j = first_seen[iid]
                    self.add(
                        f"{path}.id",
                        iid,
                        f"item ids must be unique; {iid!r} is already "
                        f"used by items[{j}] (line {self.line(f'items[{j}].id')})",
                    )
                else:
                    first_seen[iid] = i
            if "text" in spec:
                self.lang_texts(f"{path}.text", spec["text"])
            if "easy_read" in spec:
                self.lang_texts(f"{path}.easy_read", spec["easy_read"])
            if "construct" in spec:
                c = spec["construct"]
                if self.name(f"{path}.construct", c, "a construct id") and constructs is not None:
                    if c not in constructs:
                        self.add(
                            f"{path}.construct",
                            c,
                            "one of the constructs declared under "
                            f"'constructs': {', '.join(sorted(constructs))}",
                        )
            stype = None
            if "scale" in spec:
                s = spec["scale"]
                if isinstance(s, str) and scales is not None and s in scales:
                    stype = scales[s]
                elif scales is not None:
                    self.add(
                        f"{path}.scale",
                        s,
                        "one of the scales defined under 'scales': "
                        f"{', '.join(sorted(str(k) for k in scales))}",
                    )
                elif not isinstance(s, str):
                    self.add(f"{path}.scale", s, "a scale id")
            if "reverse" in spec:
                self.boolean(f"{path}.reverse", spec["reverse"])
                if spec["reverse"] is True and stype == "text":
                    self.add(
                        f"{path}.reverse", True, "false: free-text items cannot be reverse-keyed"
                    )
            if "required" in spec:
                self.boolean(f"{path}.required", spec["required"])
            if "audience" in spec:
                self.check_audience(f"{path}.audience", spec["audience"])

    def check_audience(self, path: str, value: object) -> None:
        allowed = f"a non-empty list of: {', '.join(AUDIENCES)}, e.g. [all]"
        if not isinstance(value, list) or not value:
            self.add(path, value, allowed)
            return
        seen = set()
        for j, a in enumerate(value):
            if not isinstance(a, str) or a not in AUDIENCES:
                self.add(f"{path}[{j}]", a, f"one of: {', '.join(AUDIENCES)}")
            elif a in seen:
                self.add(f"{path}[{j}]", a, "each audience once")
            else:
                seen.add(a)


def _finite_number(v: object) -> bool:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return False
    try:
        return math.isfinite(v)
    except OverflowError:
        return False


# --------------------------------------------------------------------------- building


def _build(doc: dict, source: str) -> Instrument:
    scales = {}
    for sid, spec in doc["scales"].items():
        stype = spec.get("type", "ordinal")
        scales[sid] = Scale(
            id=sid,
            values=tuple(float(v) for v in spec["values"]),
            labels=_frozen({k: tuple(v) for k, v in (spec.get("labels") or {}).items()}),
            dont_know=bool(spec.get("dont_know", False)),
            type=stype,
            easy_read_labels=_frozen(
                {k: tuple(v) for k, v in (spec.get("easy_read_labels") or {}).items()}
            ),
        )
    items = tuple(
        Item(
            id=spec["id"],
            text=_frozen(spec["text"]),
            easy_read=_frozen(spec.get("easy_read") or {}),
            construct=spec["construct"],
            scale=spec["scale"],
            reverse=spec["reverse"],
            audience=tuple(spec["audience"]),
            required=spec.get("required", True),
        )
        for spec in doc["items"]
    )
    if "constructs" in doc:
        constructs = {
            cid: _frozen(
                {
                    "label": _frozen(spec["label"]),
                    "description": _frozen(spec.get("description", {})),
                }
            )
            for cid, spec in doc["constructs"].items()
        }
    else:
        constructs = {}
        for it in items:
            constructs.setdefault(
                it.construct,
                _frozen({"label": _frozen({"en": it.construct}), "description": _frozen({})}),
            )
    return Instrument(
        id=doc["id"],
        version=doc["version"],
        title=_frozen(doc["title"]),
        scales=_frozen(scales),
        items=items,
        constructs=_frozen(constructs),
        source=source,
        description=_frozen(doc.get("description", {})),
        easy_read_title=_frozen(doc.get("easy_read_title") or {}),
    )
