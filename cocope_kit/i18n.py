r"""Texts in the reader's language: gettext catalogs and locale formatting.

Everything a participant, parent or student reads exists in English, German, Dutch,
Portuguese and Slovak (DESIGN section 10). Texts of the code are marked in the
source and kept in gettext message catalogs, one ``.po`` file per language under
``cocope_kit/locale/<lang>/LC_MESSAGES/cocope_kit.po``; the template
``cocope_kit/locale/cocope_kit.pot`` is extracted from the source with Babel
(``make messages``). English is the source language: its texts are the message ids.

The catalogs are read from the ``.po`` files themselves (with Babel's reader), so no
compiled ``.mo`` file is kept in the repository. Numbers, percentages and dates are
formatted with the language's conventions through Babel (``0,5`` in German,
``5. decembra 2026`` in Slovak).

Examples
--------
>>> from cocope_kit.i18n import translator
>>> de = translator("de")
>>> de.gettext("Goal progress")
'Fortschritt beim Ziel'
>>> de.ngettext("{n} lesson", "{n} lessons", 3).format(n=3)
'3 Lehren'
>>> de.percent(0.285714)   # a no-break space before the sign, as German writes it
'29\xa0%'
>>> translator("sk").date("2026-12-05")
'5. 12. 2026'
>>> translator("en").number(1234.5)
'1,234.5'
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .errors import CocopeError

__all__ = [
    "DOMAIN",
    "LANGUAGES",
    "LOCALE_DIR",
    "N_",
    "Translator",
    "catalog_path",
    "language_name",
    "reader_language",
    "translator",
]

#: The languages every reader-facing text exists in; English is the source language.
LANGUAGES: tuple[str, ...] = ("en", "de", "nl", "pt", "sk")

#: The gettext domain (the catalogs' file name).
DOMAIN = "cocope_kit"

#: Where the catalogs live (package data).
LOCALE_DIR: Path = Path(__file__).resolve().parent / "locale"

# Babel locales for formatting: Portuguese as written in Portugal (the project's CoPs).
_LOCALE = {"en": "en_GB", "de": "de_DE", "nl": "nl_NL", "pt": "pt_PT", "sk": "sk_SK"}

_NAMES = {"en": "English", "de": "Deutsch", "nl": "Nederlands", "pt": "Português",
          "sk": "Slovenčina"}


def N_(message: str) -> str:
    """Mark a text for extraction without translating it (for module-level constants).

    Translate it where it is shown, with :meth:`Translator.gettext`.

    >>> N_("Goal progress")
    'Goal progress'
    """
    return message


def language_name(lang: str) -> str:
    """A language's name in that language.

    >>> language_name("nl")
    'Nederlands'
    """
    return _NAMES[_check(lang)]


def _check(lang: object) -> str:
    code = str(lang).strip().lower() if lang is not None else ""
    code = code.replace("-", "_").split("_")[0]
    if code not in LANGUAGES:
        raise CocopeError(
            f"language {lang!r} is not available; one of {', '.join(LANGUAGES)}"
        )
    return code


def reader_language(lang: object, default: str = "en") -> str:
    """``lang`` as one of :data:`LANGUAGES` when the kit has its texts, else ``default``.

    For a CoP's declared language (any ISO code): the texts are shown in it when they
    exist, in English otherwise.

    >>> reader_language("de-AT"), reader_language("fr"), reader_language(None)
    ('de', 'en', 'en')
    """
    try:
        return _check(lang)
    except CocopeError:
        return default


def catalog_path(lang: str) -> Path:
    """The ``.po`` file of a language.

    >>> catalog_path("pt").relative_to(LOCALE_DIR).as_posix()
    'pt/LC_MESSAGES/cocope_kit.po'
    """
    return LOCALE_DIR / _check(lang) / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def _catalog(lang: str) -> tuple[dict[object, object], str]:
    """(msgid or (singular, plural) -> msgstr or tuple of plural forms, plural expression).

    Fuzzy and empty translations are left out, so those texts fall back to English.
    """
    if lang == "en":
        return {}, "(n != 1)"
    from babel.messages.pofile import read_po

    with open(catalog_path(lang), "rb") as fh:
        catalog = read_po(fh, locale=_LOCALE[lang], domain=DOMAIN)
    out: dict[object, object] = {}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        if isinstance(message.id, tuple):
            forms = tuple(message.string)
            if all(forms):
                out[message.id] = forms
        elif message.string:
            out[message.id] = message.string
    return out, str(catalog.plural_expr)


@cache
def _plural_rule(lang: str):
    """The catalog's plural expression (C syntax, from its header) as a function of n."""
    from gettext import c2py

    return c2py(_catalog(lang)[1])


@dataclass(frozen=True)
class Translator:
    """Texts and formats of one language.

    Attributes
    ----------
    language : str
        Two-letter code, one of :data:`LANGUAGES`.
    """

    language: str

    @property
    def locale(self) -> str:
        """The Babel locale used for numbers and dates (``pt_PT`` for ``pt``)."""
        return _LOCALE[self.language]

    def gettext(self, message: str) -> str:
        """The text in this language (English when a translation is missing)."""
        return str(_catalog(self.language)[0].get(message, message))


    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """The singular or plural form for ``n`` (each language's own plural rule)."""
        forms = _catalog(self.language)[0].get((singular, plural))
        if not forms:
            return singular if n == 1 else plural
        index = _plural_rule(self.language)(int(n))
        return str(forms[min(index, len(forms) - 1)])

    def number(self, value: float, digits: int = 1) -> str:
        """A number with up to ``digits`` decimals, in the language's notation."""
        from babel.numbers import format_decimal

        return format_decimal(round(float(value), digits), locale=self.locale,
                              format=None if digits else "#,##0")

    def percent(self, share: float, digits: int = 0) -> str:
        """A share (0.5) as a percentage (``50 %``) in the language's notation."""
        from babel.numbers import format_percent

        return format_percent(round(float(share), digits + 2), locale=self.locale,
                              decimal_quantization=False)

    def date(self, day: object, format: str = "medium") -> str:
        """A day (``YYYY-MM-DD``, date or timestamp) written the language's way."""
        from babel.dates import format_date

        if isinstance(day, str):
            day = dt.date.fromisoformat(day[:10])
        elif isinstance(day, dt.datetime):
            day = day.date()
        elif hasattr(day, "date") and not isinstance(day, dt.date):  # pandas Timestamp
            day = day.date()
        return format_date(day, format=format, locale=self.locale)


@cache
def translator(lang: str | None = "en") -> Translator:
    """The :class:`Translator` of a language (``None`` means English).

    Raises
    ------
    CocopeError
        The language is not one of :data:`LANGUAGES`.

    Examples
    --------
    >>> translator("pt").gettext("Goal progress")
    'Progresso no objetivo'
    >>> translator("fr")
    Traceback (most recent call last):
    ...
    cocope_kit.errors.CocopeError: language 'fr' is not available; one of en, de, nl, pt, sk
    """
    return Translator(_check(lang or "en"))
