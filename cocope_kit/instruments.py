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

import functools
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pandas as pd

from .errors import InstrumentError, UsageError
from .instrument_file import _ID_RE, AUDIENCES, SCALE_TYPES, check_file

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
    "loaded_from_files",
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

class _DontKnowLabels(Mapping):
    """Language code -> the "don't know" label, read from the gettext catalogs when asked."""

    def __getitem__(self, lang: str) -> str:
        from .form_texts import form_text
        from .i18n import LANGUAGES

        if lang not in LANGUAGES:
            raise KeyError(lang)
        return form_text("dont_know", lang)

    def __iter__(self):
        from .i18n import LANGUAGES

        return iter(LANGUAGES)

    def __len__(self) -> int:
        from .i18n import LANGUAGES

        return len(LANGUAGES)


#: Label of the "don't know" option of scales with ``dont_know: true``, per language
#: (the text is ``FORM_TEXTS["dont_know"]`` of :mod:`cocope_kit.form_texts`, translated by
#: the gettext catalogs).
DONT_KNOW_LABELS: Mapping[str, str] = _DontKnowLabels()


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
        from .form_texts import form_text

        return form_text("dont_know", language)


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
    inst = _load_cached(str(path), st.st_mtime_ns, st.st_size)
    if path.parent.resolve() != INSTRUMENT_DIR.resolve():
        _FROM_FILES[inst.id] = inst  # a project's own instrument: answers to it are accepted
    return inst


_FROM_FILES: dict[str, Instrument] = {}


def loaded_from_files() -> dict[str, Instrument]:
    """Instruments loaded from a file outside the kit's folder in this session, by id.

    The store checks answers against the shipped instruments and these
    (:mod:`cocope_kit.answer_checks`): load a project's own instrument file
    once (``load_instrument(path)``, as the forms and ``import-survey`` do)
    before writing or merging answers to it.
    """
    return dict(_FROM_FILES)


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
    data, problems = check_file(path)
    if problems:
        # in file order; problems of the whole file (no line) first
        problems.sort(key=lambda p: (p.row is not None, p.row or 0))
        raise InstrumentError(problems, f"instrument file {path}")
    return _build(data, str(path))


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
