"""Participant mode: the forms as Voilà pages, configured by the link.

``make forms`` serves ``notebooks/forms/`` with Voilà. Each page has one code
cell calling :func:`survey_page` or :func:`network_page`, which read

* the store from the environment variable ``COCOPE_STORE`` (default: the demo
  store ``data/demo.sqlite`` of this repository), and
* everything else from the page's query string, which Voilà hands to the
  kernel in the ``QUERY_STRING`` environment variable:

=============  ============================================  ================================
parameter      meaning                                        example
=============  ============================================  ================================
cop            the CoP (required)                             ``cop=at-graz``
instrument     questionnaire id (survey page, required)       ``instrument=cop_climate``
wave           round of the survey (required)                 ``wave=post``
lang           two-letter language (default: the CoP's)       ``lang=de``
respondent     member id (survey: optional, default anonymous; network: required; ``rater`` works too)
audience       all, professional, student or family           ``audience=student``
easy_read      yes/no (default yes for students)              ``easy_read=no``
=============  ============================================  ================================

Example: ``http://127.0.0.1:8866/voila/render/survey.ipynb?cop=at-graz&instrument=cop_climate&wave=post&lang=de&audience=student``

A missing or wrong parameter gives a friendly page that says what is wrong and
lists the valid CoPs and questionnaires; a participant never sees a traceback.
"""

from __future__ import annotations

import html
import logging
import os
import re
import traceback
from pathlib import Path
from urllib.parse import parse_qs

import ipywidgets as W

from ..errors import CocopeError
from ..instruments import AUDIENCES, list_instruments, load_instrument
from .survey import _CSS, NON_SURVEY_INSTRUMENTS, _pick, normalise_language

__all__ = [
    "STORE_ENV",
    "default_store_path",
    "network_page",
    "network_widget",
    "query_params",
    "store_path",
    "survey_instruments",
    "survey_page",
    "survey_widget",
]

log = logging.getLogger("cocope_kit.widgets")

#: Environment variable naming the store the participant forms write to.
STORE_ENV = "COCOPE_STORE"

_WAVE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$")
_YES = {"1", "yes", "true", "y", "on"}
_NO = {"0", "no", "false", "n", "off"}

_TITLE = {
    "en": "This form cannot be opened yet. Please ask the facilitator for the right link.",
    "de": "Dieses Formular kann noch nicht geöffnet werden. Bitte die Moderation nach dem "
          "richtigen Link fragen.",
    "nl": "Dit formulier kan nog niet worden geopend. Vraag de begeleider om de juiste link.",
    "pt": "Este formulário ainda não pode ser aberto. Peça o link certo a quem dinamiza a sessão.",
    "sk": "Tento formulár sa zatiaľ nedá otvoriť. Požiadajte moderátora o správny odkaz.",
}


def default_store_path() -> Path:
    """``<repository>/data/demo.sqlite``, found relative to the package."""
    return Path(__file__).resolve().parents[2] / "data" / "demo.sqlite"


def store_path() -> Path:
    """The store of the participant forms: ``$COCOPE_STORE`` or the demo store."""
    value = os.environ.get(STORE_ENV, "").strip()
    return Path(value).expanduser() if value else default_store_path()


def query_params(query_string: str | None = None) -> dict[str, str]:
    """Parameters of the page's link (``$QUERY_STRING`` by default); the last value wins.

    >>> query_params("cop=at-graz&lang=de&wave=%20post%20")
    {'cop': 'at-graz', 'lang': 'de', 'wave': 'post'}
    """
    qs = os.environ.get("QUERY_STRING", "") if query_string is None else query_string
    parsed = parse_qs(qs.lstrip("?"), keep_blank_values=True)
    return {k: v[-1].strip() for k, v in parsed.items()}


def survey_instruments() -> list[str]:
    """Ids of the questionnaires the survey page can show."""
    return [i for i in list_instruments() if i not in NON_SURVEY_INSTRUMENTS]


# ---------------------------------------------------------------- messages


class _Problems(Exception):
    def __init__(self, problems: list[str], language: str = "en"):
        super().__init__("; ".join(problems))
        self.problems, self.language = problems, language


def message_widget(problems: list[str], language: str = "en") -> W.HTML:
    """A friendly page listing what is wrong with the link (no traceback)."""
    title = _TITLE.get(language, _TITLE["en"])
    items = "".join(f"<li>{html.escape(p)}</li>" for p in problems)
    w = W.HTML(
        f"{_CSS}<div class='cocope-form cocope-message' role='alert' "
        f"style='border:2px solid #8b0000;border-radius:10px;padding:14px 18px;background:#fdf3f2'>"
        f"<h2 class='cocope-title' style='color:#8b0000'>{html.escape(title)}</h2>"
        f"<ul style='margin:0;padding-left:1.2em;line-height:1.5'>{items}</ul></div>",
        layout=W.Layout(width="auto"),
    )
    w.add_class("cocope-message")
    return w


def _open_store(lang: str):
    from ..store import open_store

    path = store_path()
    if not path.is_file():
        raise _Problems([f"The data store {path} does not exist. Start the forms with "
                         f"'make forms', or set {STORE_ENV} to an existing store."], lang)
    return open_store(path)


def _cop_list(store) -> str:
    cops = store.read("cop")
    if cops.empty:
        return "none (the store holds no CoP yet)"
    return "; ".join(f"{r.cop_id} ({r.name})" for r in cops.itertuples())


def _instrument_list() -> str:
    out = []
    for i in survey_instruments():
        try:
            out.append(f"{i} ({_pick(load_instrument(i).title, 'en')})")
        except CocopeError:  # a broken file is reported by 'cocope validate', not here
            continue
    return "; ".join(out)


def _language(params: dict, problems: list[str]) -> str | None:
    raw = params.get("lang") or params.get("language")
    if not raw:
        return None
    try:
        return normalise_language(raw)
    except CocopeError:
        problems.append(f"lang={raw!r} is not a language code; use two letters such as "
                        "en, de, nl, pt or sk.")
        return None


def _common(params: dict, store, problems: list[str]) -> tuple[str | None, str | None]:
    cop_id = params.get("cop") or params.get("cop_id")
    cop_lang = None
    if not cop_id:
        problems.append(f"The link names no CoP (cop=...). CoPs in this store: {_cop_list(store)}.")
    else:
        cops = store.read("cop", where={"cop_id": cop_id})
        if cops.empty:
            problems.append(f"There is no CoP {cop_id!r}. CoPs in this store: "
                            f"{_cop_list(store)}.")
            cop_id = None
        else:
            cop_lang = str(cops["language"].iloc[0])
    wave = params.get("wave")
    if not wave:
        problems.append("The link names no survey round (wave=pre, wave=post, ...).")
    elif not _WAVE_RE.match(wave):
        problems.append(f"wave={wave!r} is not a valid round name; use letters, digits, "
                        "'-' or '_', for example wave=pre or wave=post.")
    return cop_id, cop_lang


def _member_ok(store, cop_id: str | None, member_id: str, problems: list[str], what: str) -> None:
    if cop_id is None:
        return
    found = store.read("member", where={"cop_id": cop_id, "member_id": member_id})
    if found.empty:
        # the member list is personal: it is not shown here
        problems.append(f"{what}={member_id!r} is not a member of CoP {cop_id!r}.")


def _guard(build, lang_hint: str = "en") -> W.Widget:
    try:
        return build()
    except _Problems as e:
        return message_widget(e.problems, e.language)
    except CocopeError as e:
        return message_widget([str(e)], lang_hint)
    except Exception:  # noqa: BLE001 - a participant never sees a traceback
        log.error("participant page failed:\n%s", traceback.format_exc())
        return message_widget(["Something went wrong while opening the form. "
                               "Nothing was saved."], lang_hint)


# ---------------------------------------------------------------- pages


def survey_widget(params: dict | None = None) -> W.Widget:
    """The questionnaire page for the link's parameters, or a friendly message."""
    params = query_params() if params is None else params

    def build():
        from .survey import SurveyForm

        problems: list[str] = []
        lang = _language(params, problems)
        store = _open_store(lang or "en")
        cop_id, cop_lang = _common(params, store, problems)
        instrument = params.get("instrument") or params.get("instrument_id")
        valid = survey_instruments()
        if not instrument:
            problems.append(f"The link names no questionnaire (instrument=...). "
                            f"Questionnaires: {_instrument_list()}.")
        elif instrument not in valid:
            problems.append(f"There is no questionnaire {instrument!r} for this page. "
                            f"Questionnaires: {_instrument_list()}.")
        respondent = params.get("respondent") or None
        if respondent:
            _member_ok(store, cop_id, respondent, problems, "respondent")
        audience = params.get("audience") or None
        if audience and audience not in AUDIENCES:
            problems.append(f"audience={audience!r} is not allowed; one of: "
                            f"{', '.join(AUDIENCES)}.")
        easy = params.get("easy_read", "").lower()
        easy_read = True if easy in _YES else False if easy in _NO else None
        if easy and easy_read is None:
            problems.append(f"easy_read={easy!r} is not allowed; use yes or no.")
        if problems:
            raise _Problems(problems, lang or cop_lang or "en")
        try:
            return SurveyForm(store, cop_id, instrument, params["wave"], lang or cop_lang,
                              respondent, audience=audience, easy_read=easy_read)
        except CocopeError as e:
            raise _Problems([str(e)], lang or cop_lang or "en") from None

    return _guard(build, _hint(params))


def network_widget(params: dict | None = None) -> W.Widget:
    """The collaboration-network page for the link's parameters, or a friendly message."""
    params = query_params() if params is None else params

    def build():
        from .network import PairRatingForm

        problems: list[str] = []
        lang = _language(params, problems)
        store = _open_store(lang or "en")
        cop_id, cop_lang = _common(params, store, problems)
        rater = params.get("rater") or params.get("respondent")
        if not rater:
            problems.append("The link names nobody to answer (rater=<member id>); every member "
                            "gets their own link from the facilitator.")
        else:
            _member_ok(store, cop_id, rater, problems, "rater")
        if problems:
            raise _Problems(problems, lang or cop_lang or "en")
        try:
            return PairRatingForm(store, cop_id, params["wave"], rater, lang or cop_lang)
        except CocopeError as e:
            raise _Problems([str(e)], lang or cop_lang or "en") from None

    return _guard(build, _hint(params))


def _hint(params: dict) -> str:
    try:
        return normalise_language(params.get("lang") or params.get("language") or "en")
    except CocopeError:
        return "en"


def survey_page() -> None:
    """Show the questionnaire named by the page's link (for ``notebooks/forms/survey.ipynb``)."""
    from IPython.display import display

    display(survey_widget())


def network_page() -> None:
    """Show the collaboration-network form (for ``notebooks/forms/network.ipynb``)."""
    from IPython.display import display

    display(network_widget())
