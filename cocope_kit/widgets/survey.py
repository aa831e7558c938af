"""Questionnaire form for participants (meeting 3, Practice).

:class:`SurveyForm` shows any instrument (DESIGN section 4) to one participant:
one block per item with the wording and the labelled answer choices of its
scale (a text box for free-text items), an optional "don't know" choice, a
progress line, a check of required items and a thank-you. One submission is
one :meth:`~cocope_kit.store.Store.write` of a ``response`` row and its
``answer`` rows with a ``submission_key``, so a double click stores one
response.

The logic lives in plain functions that the form calls and tests use without
widgets: :func:`survey_items`, :func:`missing_required`, :func:`count_answered`,
:func:`build_response` and :func:`submit_response`.

How answers are stored (table ``answer``):

=====================  ==========  ==============  ================
answer                 ``value``   ``text``        ``status``
=====================  ==========  ==============  ================
a scale point          the value   missing         ``answered``
"don't know"           missing     missing         ``dont_know``
free text              missing     the text        ``answered``
skipped (optional)     missing     missing         ``not_answered``
=====================  ==========  ==============  ================

Every item shown gets a row, so "not answered" and "don't know" stay apart
(:mod:`cocope_kit.answer_status`).

Examples
--------
>>> import cocope_kit as ck
>>> from cocope_kit.widgets.survey import SurveyForm
>>> store = ck.open_store(":memory:")
>>> _ = store.insert("cop", {"cop_id": "be-1", "name": "Reading buddies", "school": "GO! Gent",
...                          "country": "BE", "language": "nl", "created_on": "2026-01-12"})
>>> form = SurveyForm(store, "be-1", "working_together", "post", "en")
>>> form.progress
'0 of 13 answered'
>>> for item_id in form.item_ids:
...     form.set_answer(item_id, 3.0 if item_id != "wt_fit" else 2.0)
>>> form.set_answer("wt_coop_4", "dont_know")
>>> form.submit()
>>> form.status
'Your answers have been saved. You can close this page now.'
>>> answers = store.read("answer")
>>> len(answers), int(answers["value"].isna().sum()), answers["status"].value_counts().to_dict()
(13, 1, {'answered': 12, 'dont_know': 1})
"""

from __future__ import annotations

import html
import math
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import ipywidgets as W
import pandas as pd
from IPython.display import Javascript

from ..answer_status import ANSWERED, NOT_ANSWERED
from ..errors import Problem, UsageError, ValidationError
from ..form_texts import form_text, role_text
from ..instruments import AUDIENCES, Instrument, load_instrument
from ..model import Role, role_group, values
from ._base import Form, safe_handler

__all__ = [
    "DONT_KNOW",
    "NON_SURVEY_INSTRUMENTS",
    "SurveyForm",
    "SurveyItem",
    "build_response",
    "count_answered",
    "is_answered",
    "missing_required",
    "new_key",
    "normalise_language",
    "role_label",
    "submit_response",
    "survey_items",
    "ui_text",
]

#: Value of a "don't know" choice in the form, and ``answer.text`` of such an answer.
DONT_KNOW = "dont_know"  # = cocope_kit.answer_status.DONT_KNOW

#: Instruments that are not filled in with this form: the collaboration network
#: has its own form (PairRatingForm); reflection prompts go to the reflection table.
NON_SURVEY_INSTRUMENTS = ("collaboration_network", "reflection_prompts")

_LANG_RE = re.compile(r"^[a-z]{2}$")

# The wording of the form itself (intro, buttons, messages) and the role labels are in
# cocope_kit.form_texts, translated through the gettext catalogs.


def normalise_language(language: object) -> str:
    """``'DE'`` and ``'de-AT'`` become ``'de'``; anything that is not a two-letter code is refused.

    >>> normalise_language("de-AT")
    'de'
    """
    code = re.split(r"[-_]", str(language or "").strip().lower(), maxsplit=1)[0]
    if not _LANG_RE.match(code):
        raise UsageError(f"language {language!r} is not allowed; "
                         "a two-letter language code such as en, de, nl, pt, sk")
    return code


def ui_text(key: str, language: str = "en", **fmt) -> str:
    """Wording of the form's own labels in ``language`` (English where not translated).

    The texts are :data:`cocope_kit.form_texts.FORM_TEXTS`, translated by the catalogs.

    >>> ui_text("progress", "de", n=3, total=13)
    '3 von 13 beantwortet'
    >>> ui_text("submit", "fi")
    'Submit my answers'
    """
    return form_text(key, language, **fmt)


def role_label(role: str, language: str = "en") -> str:
    """Human label of a role (English where not translated).

    >>> role_label("special_needs_teacher", "nl")
    'Zorgleerkracht'
    """
    return role_text(role, language)


def new_key() -> str:
    """A fresh submission key (uuid4 hex)."""
    return uuid.uuid4().hex


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _pick(texts: Mapping[str, str], language: str) -> str:
    return texts.get(language) or texts.get("en") or next(iter(texts.values()), "")


# ---------------------------------------------------------------- plain functions


@dataclass(frozen=True)
class SurveyItem:
    """One item as a participant sees it.

    ``choices`` are ``(label, value)`` pairs in scale order, followed by
    ``("Don't know", DONT_KNOW)`` when the scale offers it; empty for a
    free-text item (``kind == "text"``).
    """

    item_id: str
    number: int
    text: str
    kind: str
    choices: tuple[tuple[str, object], ...]
    required: bool
    dont_know: bool = False
    language: str = "en"

    def allows(self, value: object) -> bool:
        """Whether ``value`` is a valid answer (``None`` = skipped is always allowed here)."""
        if value is None:
            return True
        if self.kind == "text":
            return isinstance(value, str)
        return any(_same_value(value, v) for _, v in self.choices)


def _same_value(a: object, b: object) -> bool:
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    try:
        return float(a) == float(b)
    except (TypeError, ValueError):
        return False


def _instrument(instrument: Instrument | str) -> Instrument:
    return instrument if isinstance(instrument, Instrument) else load_instrument(instrument)


def _check_audience(audience: str) -> str:
    if audience not in AUDIENCES:
        raise UsageError(f"audience {audience!r} is not allowed; one of: {', '.join(AUDIENCES)}")
    return audience


def survey_items(
    instrument: Instrument | str,
    *,
    audience: str = "all",
    language: str = "en",
    easy_read: bool = False,
) -> list[SurveyItem]:
    """The items shown to one participant, in file order, with wording and choices.

    Parameters
    ----------
    instrument : Instrument or str
    audience : {"all", "professional", "student", "family"}
        Items whose audience list holds ``"all"`` or this audience are shown.
    language : str
        Item text and labels in this language; English per item where missing.
    easy_read : bool
        Use the easy-read wording where an item has one, and the easy-read
        labels where its scale has them.

    Examples
    --------
    >>> items = survey_items("cop_climate", audience="student", easy_read=True)
    >>> len(items), items[-1].text
    (25, 'I can say: I do not agree. That is okay.')
    >>> items[0].choices[-1]
    ("Don't know", 'dont_know')
    """
    inst = _instrument(instrument)
    lang = normalise_language(language)
    out = []
    for number, it in enumerate(inst.items_for(_check_audience(audience)), start=1):
        scale = inst.scales[it.scale]
        text = inst.text(it.id, lang, easy_read=bool(easy_read))
        shown_in = lang if (lang in it.text or (easy_read and lang in it.easy_read)) else "en"
        if scale.type == "text":
            choices: tuple = ()
            kind = "text"
        else:
            kind = "ordinal"
            labels = scale.labels_for(lang, easy_read=bool(easy_read))  # plain labels for students
            choices = tuple(zip(labels, scale.values, strict=True))
            if scale.dont_know:
                choices += ((scale.dont_know_label(lang), DONT_KNOW),)
        out.append(SurveyItem(it.id, number, text, kind, choices, bool(it.required),
                              bool(scale.dont_know and kind == "ordinal"), shown_in))
    return out


def is_answered(item: SurveyItem, value: object) -> bool:
    """An answer counts when a choice is made or a text is more than blanks."""
    if value is None:
        return False
    if item.kind == "text":
        return isinstance(value, str) and bool(value.strip())
    if isinstance(value, float) and math.isnan(value):
        return False
    return True


def count_answered(items: Sequence[SurveyItem], answers: Mapping[str, object]) -> int:
    """Number of shown items with an answer ("don't know" counts)."""
    return sum(is_answered(it, answers.get(it.item_id)) for it in items)


def missing_required(items: Sequence[SurveyItem], answers: Mapping[str, object]) -> list[SurveyItem]:
    """Required items without an answer, in display order."""
    return [it for it in items if it.required and not is_answered(it, answers.get(it.item_id))]


def build_response(
    instrument: Instrument | str,
    answers: Mapping[str, object],
    *,
    cop_id: str,
    wave: str,
    language: str,
    respondent_id: str,
    respondent_role: str | None = None,
    audience: str = "all",
    response_id: str | None = None,
    submitted_at: str | None = None,
) -> dict[str, pd.DataFrame]:
    """The rows of one submitted questionnaire: ``{"response": 1 row, "answer": n rows}``.

    Parameters
    ----------
    instrument : Instrument or str
    answers : mapping item_id -> answer
        A scale value, :data:`DONT_KNOW`, a text (free-text items) or ``None``
        (skipped: a row with status ``not_answered``).
    cop_id, wave, respondent_id : str
    language : str
        The participant's language (stored as given; items fall back to English).
    respondent_role : str, optional
        A :class:`~cocope_kit.model.Role` value.
    audience : str
        Decides which items are shown (and so which are required).
    response_id, submitted_at : str, optional
        Default: a new uuid4 and the current UTC time.

    Raises
    ------
    UsageError
        An answer to an item that is not shown, or a value not on its scale.
    ValidationError
        A required item has no answer; ``problems`` name every such item.

    Examples
    --------
    >>> from cocope_kit.widgets.survey import build_response, survey_items
    >>> answers = {it.item_id: 4.0 for it in survey_items("working_together")}
    >>> answers["wt_fit"], answers["wt_coop_2"] = 3.0, "dont_know"
    >>> b = build_response("working_together", answers, cop_id="be-1", wave="pre",
    ...                    language="de", respondent_id="anon1", respondent_role="parent")
    >>> b["response"][["instrument_id", "instrument_version", "language"]].iloc[0].tolist()
    ['working_together', '1.0', 'de']
    >>> b["answer"].iloc[1].to_dict()
    {'response_id': '...', 'item_id': 'wt_coop_2', 'value': nan, 'text': None, 'status': 'dont_know'}
    """
    inst = _instrument(instrument)
    lang = normalise_language(language)
    for name, value in (("cop_id", cop_id), ("wave", wave), ("respondent_id", respondent_id)):
        if not isinstance(value, str) or not value.strip():
            raise UsageError(f"{name} must be a non-empty text, not {value!r}")
    if respondent_role is not None and respondent_role not in values(Role):
        raise UsageError(f"respondent_role {respondent_role!r} is not allowed; "
                         f"one of: {', '.join(values(Role))}")
    items = survey_items(inst, audience=audience, language=lang)
    by_id = {it.item_id: it for it in items}
    unknown = [k for k in answers if k not in by_id]
    if unknown:
        raise UsageError(f"answers to items not shown to audience {audience!r}: "
                         f"{', '.join(map(str, unknown))}; shown: {', '.join(by_id)}")
    for item_id, value in answers.items():
        item = by_id[item_id]
        if not item.allows(value):
            allowed = "a text" if item.kind == "text" else \
                "one of: " + ", ".join(str(v) for _, v in item.choices)
            raise UsageError(f"answer {value!r} to item {item_id!r} is not allowed; {allowed}")
    missing = missing_required(items, answers)
    if missing:
        raise ValidationError(
            [Problem("answer", None, it.item_id, None, f"question {it.number} needs an answer")
             for it in missing],
            f"the answers to {inst.id}",
        )
    rid = response_id or str(uuid.uuid4())
    response = pd.DataFrame([{
        "response_id": rid,
        "cop_id": cop_id,
        "instrument_id": inst.id,
        "instrument_version": inst.version,
        "respondent_id": respondent_id,
        "respondent_role": respondent_role,
        "wave": wave,
        "language": lang,
        "submitted_at": submitted_at or _now(),
    }])
    rows = []
    for it in items:
        value = answers.get(it.item_id)
        if not is_answered(it, value):
            rows.append((rid, it.item_id, math.nan, None, NOT_ANSWERED))
        elif it.kind == "text":
            rows.append((rid, it.item_id, math.nan, value.strip(), ANSWERED))
        elif value == DONT_KNOW:
            rows.append((rid, it.item_id, math.nan, None, DONT_KNOW))
        else:
            rows.append((rid, it.item_id, float(value), None, ANSWERED))
    answer = pd.DataFrame(rows, columns=["response_id", "item_id", "value", "text", "status"])
    answer["value"] = answer["value"].astype(float)
    return {"response": response, "answer": answer}


def submit_response(store, batch: Mapping[str, pd.DataFrame], submission_key: str) -> dict[str, int]:
    """Write one submission in one transaction; a repeated ``submission_key`` stores nothing.

    Returns the rows added per table (``{}`` for a repeated key).
    """
    return store.write(dict(batch), submission_key=submission_key)


# ---------------------------------------------------------------- store look-ups


def _cop(store, cop_id: str) -> dict:
    cops = store.read("cop")
    row = cops[cops["cop_id"] == cop_id]
    if row.empty:
        known = ", ".join(cops["cop_id"].astype(str)) or "none yet"
        raise UsageError(f"unknown CoP {cop_id!r}; CoPs in this store: {known}")
    return row.iloc[0].to_dict()


_BLOCKING_CONSENT = ("refused", "withdrawn")


def _member(store, cop_id: str, member_id: str) -> dict:
    members = store.read("member", where={"cop_id": cop_id})
    row = members[members["member_id"] == member_id]
    if row.empty:
        raise UsageError(f"{member_id!r} is not a member of CoP {cop_id!r}")
    consent = store.read("consent", where={"member_id": member_id})
    if consent["status"].isin(_BLOCKING_CONSENT).any():
        raise UsageError(f"member {member_id!r} has refused or withdrawn consent: "
                         "no answers can be collected from them")
    return row.iloc[0].to_dict()


def submit_footer(language: str, on_submit) -> tuple[W.Button, W.HTML, W.HBox]:
    """The big submit button and the progress line under a participant form.

    Returns ``(button, progress, footer)``; ``on_submit`` is called on a click.
    Shared by :class:`SurveyForm` and :class:`~cocope_kit.widgets.PairRatingForm`.
    """
    button = W.Button(description=ui_text("submit", language), button_style="primary",
                      layout=W.Layout(width="auto", height="auto"))
    button.add_class("cocope-big")
    button.add_class("cocope-submit")
    button.on_click(on_submit)
    progress = W.HTML()
    footer = W.HBox([button, progress], layout=W.Layout(width="auto"))
    footer.add_class("cocope-footer")
    return button, progress, footer


def default_audience(role: str | None) -> str:
    """Audience of a role: professional, student or family (``all`` for other or unknown)."""
    group = role_group(role) if role else "other"
    return group if group in AUDIENCES else "all"


# ---------------------------------------------------------------- look and keyboard

_CSS = """
<style>
.cocope-form { max-width: 54rem; margin: 0; padding: 0 0 8px; color: #1f2328;
  font-size: 1.0625rem; line-height: 1.45; }
.cocope-form .widget-html-content { font-size: 1.0625rem; line-height: 1.45; }
.cocope-form [role=alert], .cocope-form [role=status] { font-size: 1.05rem !important;
  line-height: 1.45; }
.cocope-form h2.cocope-title { font-size: 1.6rem; line-height: 1.25; margin: 0.3em 0 0.3em; }
.cocope-form .cocope-intro { margin: 0 0 0.9em; font-size: 1.05rem; }
.cocope-form .cocope-item { border: 1px solid #c9d1d9; border-radius: 10px; background: #fff;
  padding: 12px 14px 14px; margin: 0 0 14px; overflow: visible; }
.cocope-form .cocope-item.cocope-missing { border: 2px solid #b3261e; background: #fff7f6; }
.cocope-form .cocope-qtext { font-size: 1.12rem; font-weight: 600; line-height: 1.4;
  margin: 0 0 10px; white-space: normal; }
.cocope-form .cocope-qtext .cocope-num { color: #424a53; margin-right: 0.35em; }
.cocope-form .cocope-qtext .cocope-opt { font-weight: 400; color: #424a53; }
.cocope-form .cocope-choice { width: 100% !important; margin: 0 !important; }
.cocope-form .cocope-choice .widget-radio-box { display: flex; gap: 8px; margin: 0 !important;
  flex-grow: 1; }
.cocope-form .cocope-v .widget-radio-box { flex-direction: column; }
.cocope-form .cocope-h .widget-radio-box { flex-direction: row; flex-wrap: wrap; }
.cocope-form .cocope-h .widget-radio-box label { flex: 1 1 9.5rem; }
.cocope-form .cocope-choice .widget-radio-box label { display: flex; align-items: center;
  gap: 10px; height: auto !important; min-height: 46px; line-height: 1.3 !important;
  font-size: 1rem !important; padding: 8px 12px; margin: 0 !important; box-sizing: border-box;
  border: 1px solid #6e7781; border-radius: 8px; background: #fff; cursor: pointer;
  white-space: normal; }
.cocope-form .cocope-choice .widget-radio-box input { order: -1; flex: none; width: 22px;
  height: 22px; margin: 0 !important; float: none !important; accent-color: #0b5cad;
  cursor: pointer; }
.cocope-form .cocope-choice .widget-radio-box label:hover { background: #f3f7fc; }
.cocope-form .cocope-choice .widget-radio-box label:has(input:checked) { background: #e3eefb;
  border-color: #0b5cad; box-shadow: inset 0 0 0 1px #0b5cad; }
.cocope-form .cocope-choice .widget-radio-box label:has(input:focus-visible) {
  outline: 3px solid #0b5cad; outline-offset: 2px; }
.cocope-form .cocope-dk .widget-radio-box label:last-child { border-style: dashed; }
.cocope-form .cocope-text { width: 100% !important; }
.cocope-form .cocope-text textarea { min-height: 6.5em; font-size: 1rem; padding: 8px;
  border: 1px solid #6e7781; border-radius: 8px; }
.cocope-form .cocope-role { margin: 0 0 14px; }
.cocope-form .cocope-role label.widget-label { font-size: 1rem; font-weight: 600;
  margin-right: 10px; }
.cocope-form .cocope-role select { font-size: 1rem; min-height: 40px; }
.cocope-form .cocope-footer { position: sticky; bottom: 0; z-index: 2; background: #fff;
  border-top: 1px solid #c9d1d9; padding: 10px 4px; margin-top: 4px; align-items: center;
  flex-wrap: wrap; gap: 8px 20px; }
.cocope-form .cocope-progress { font-size: 1.05rem; font-weight: 600; color: #1f2328; }
.cocope-form button.cocope-big { height: auto !important; min-height: 48px; width: auto;
  font-size: 1.1rem !important; padding: 10px 26px !important; border-radius: 8px; }
.cocope-form button.cocope-big:focus-visible { outline: 3px solid #0b5cad; outline-offset: 3px; }
.cocope-form .cocope-thanks { padding: 24px 20px; margin: 8px 0 14px; border-radius: 12px;
  background: #e8f5e9; border: 1px solid #2e7d32; }
.cocope-form .cocope-thanks h2 { font-size: 2rem; margin: 0 0 0.2em; color: #1b5e20; }
.cocope-form .cocope-who { margin: 0 0 10px; font-weight: 600; }
.cocope-form .cocope-levels { margin: 0 0 14px; padding-left: 1.2em; }
.cocope-form .cocope-levels li { margin: 0 0 4px; }
.cocope-form .cocope-role select { min-width: 0; flex: 1 1 12em; }
@media (max-width: 600px) {
  .cocope-form { font-size: 1rem; }
  .cocope-form .cocope-h .widget-radio-box { flex-direction: column; }
  .cocope-form .cocope-h .widget-radio-box label { flex: 0 0 auto; }
  .cocope-form .cocope-role { flex-wrap: wrap; width: 100% !important; }
  .cocope-form .cocope-item { padding: 10px; }
}
</style>
"""

# ipywidgets' RadioButtons render bare <input type=radio> elements without a shared
# name and without a radiogroup role (see @jupyter-widgets/controls RadioButtonsView),
# so a screen reader cannot tell which question a choice belongs to and arrow keys do
# not move between choices. This script gives each group its question as accessible
# name (aria-labelledby), role=radiogroup, aria-required/aria-invalid and a shared
# name, sets the form's lang attribute (widgets cannot set attributes, only classes),
# shows only the participant's language of a multilingual page intro, and re-applies
# all that whenever ipywidgets re-renders. Buttons, text boxes and
# the submit logic work without it.
_ENHANCE_JS = r"""
(function () {
  if (window.__cocopeEnhance) { window.__cocopeEnhance(); return; }
  function refOf(el) {
    for (var i = 0; i < el.classList.length; i++) {
      var c = el.classList[i];
      if (c.indexOf('cocope-ref-') === 0) { return c.slice(11); }
    }
    return null;
  }
  function enhance() {
    // Voila's page has no landmark; its cell area is the page's main content
    var cells = document.getElementById('rendered_cells');
    if (cells && !document.querySelector('main, [role=main]')) {
      cells.setAttribute('role', 'main');
    }
    var forms = document.querySelectorAll('.cocope-form'), formLang = null;
    for (var f = 0; f < forms.length; f++) {
      for (var k = 0; k < forms[f].classList.length; k++) {
        var cl = forms[f].classList[k];
        if (cl.indexOf('cocope-lang-') === 0) {
          formLang = formLang || cl.slice(12);
          if (forms[f].lang !== cl.slice(12)) { forms[f].lang = cl.slice(12); }
        }
      }
    }
    // a page intro written once per language (blocks with a lang attribute):
    // show the participant's language only, English when it has no block
    if (formLang) {
      var blocks = document.querySelectorAll('.jp-RenderedMarkdown > [lang]'), has = false;
      for (var b = 0; b < blocks.length; b++) { has = has || blocks[b].lang === formLang; }
      var want = has ? formLang : 'en';
      for (var c = 0; c < blocks.length; c++) {
        var hide = blocks[c].lang !== want;
        if (blocks[c].hidden !== hide) { blocks[c].hidden = hide; }
      }
    }
    var els = document.querySelectorAll('.cocope-choice, .cocope-text');
    for (var i = 0; i < els.length; i++) {
      var el = els[i], ref = refOf(el);
      if (!ref) { continue; }
      var required = el.classList.contains('cocope-required');
      var item = el.closest('.cocope-item');
      var invalid = !!(item && item.classList.contains('cocope-missing'));
      var target = el.querySelector('.widget-radio-box') || el.querySelector('textarea');
      if (!target) { continue; }
      if (target.tagName !== 'TEXTAREA') {
        target.setAttribute('role', 'radiogroup');
        var radios = target.querySelectorAll('input[type=radio]');
        for (var j = 0; j < radios.length; j++) {
          if (radios[j].name !== ref) { radios[j].name = ref; }
        }
      }
      if (target.getAttribute('aria-labelledby') !== ref) {
        target.setAttribute('aria-labelledby', ref);
      }
      if (required) { target.setAttribute('aria-required', 'true'); }
      else { target.removeAttribute('aria-required'); }
      if (invalid) { target.setAttribute('aria-invalid', 'true'); }
      else { target.removeAttribute('aria-invalid'); }
    }
  }
  var queued = false;
  function schedule() {
    if (queued) { return; }
    queued = true;
    window.requestAnimationFrame(function () { queued = false; enhance(); });
  }
  new MutationObserver(schedule).observe(document.body, {
    childList: true, subtree: true, attributes: true, attributeFilter: ['class']
  });
  window.__cocopeEnhance = enhance;
  enhance();
})();
"""


def _enhancer() -> W.Output:
    """An (invisible) output that runs the accessibility script where the form is shown."""
    out = W.Output(layout=W.Layout(margin="0", padding="0"))
    out.append_display_data(Javascript(_ENHANCE_JS))
    return out


def choice_widget(choices, ref: str, *, required: bool, dont_know: bool = False) -> W.RadioButtons:
    """Radio buttons for one question; ``ref`` is the DOM id of the question text."""
    labels = [label for label, _ in choices]
    horizontal = len(labels) <= 7 and max((len(x) for x in labels), default=0) <= 30
    rb = W.RadioButtons(options=list(choices), value=None, layout=W.Layout(width="100%"))
    for cls in ("cocope-choice", f"cocope-ref-{ref}", "cocope-h" if horizontal else "cocope-v"):
        rb.add_class(cls)
    if required:
        rb.add_class("cocope-required")
    if dont_know:
        rb.add_class("cocope-dk")
    return rb


def question_html(ref: str, number: int | None, text: str, *, optional_note: str = "",
                  text_language: str | None = None) -> W.HTML:
    """The visible question text, the accessible name of its answer group.

    ``text_language`` marks a text shown in another language than the form
    (an item not translated yet), so that screen readers pronounce it right.
    """
    num = f"<span class='cocope-num'>{number}.</span>" if number is not None else ""
    opt = f" <span class='cocope-opt'>{html.escape(optional_note)}</span>" if optional_note else ""
    body = html.escape(text)
    if text_language:
        body = f"<span lang='{text_language}'>{body}</span>"
    return W.HTML(f"<div class='cocope-qtext' id='{ref}'>{num}{body}{opt}</div>",
                  layout=W.Layout(width="100%"))


def _short(text: str, n: int = 70) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


# ---------------------------------------------------------------- the form


class SurveyForm(Form):
    """A questionnaire for one participant, stored as one response when submitted.

    Parameters
    ----------
    store : Store
    cop_id : str
        The CoP (must be in the store).
    instrument_id : str
        Any instrument except the collaboration network and the reflection prompts.
    wave : str
        ``pre``, ``post`` or another label.
    language : str
        Two-letter code; items and labels fall back to English where not translated.
    respondent : str, optional
        ``None``: anonymous (a new token per submission; the participant may pick
        a role). Otherwise a ``member_id`` of the CoP; the role comes from the
        member table.
    audience : {"all", "professional", "student", "family"}, optional
        Default: the member's role group, or ``"all"`` for anonymous participants.
    easy_read : bool, optional
        Easy-read wording where available; default ``True`` for students.
    """

    def __init__(self, store, cop_id: str, instrument_id: str, wave: str, language: str,
                 respondent: str | None = None, *, audience: str | None = None,
                 easy_read: bool | None = None):
        lang = normalise_language(language)
        inst = load_instrument(instrument_id)
        if inst.id in NON_SURVEY_INSTRUMENTS:
            hint = ("use PairRatingForm" if inst.id == "collaboration_network"
                    else "reflections are written in the ReflectionJournal")
            raise UsageError(f"instrument {inst.id!r} is not a questionnaire for this form; {hint}")
        if not isinstance(wave, str) or not wave.strip():
            raise UsageError(f"wave must be a non-empty text such as pre or post, not {wave!r}")
        _cop(store, cop_id)
        member = _member(store, cop_id, respondent) if respondent is not None else None
        role = str(member["role"]) if member else None
        audience = _check_audience(audience) if audience is not None else default_audience(role)
        if easy_read is None:
            easy_read = audience == "student"

        self.cop_id, self.wave, self.language = cop_id, wave.strip(), lang
        self.instrument, self.audience, self.easy_read = inst, audience, bool(easy_read)
        self.respondent = respondent
        self._member_role = role
        self._token = uuid.uuid4().hex[:8]
        self._items = survey_items(inst, audience=audience, language=lang, easy_read=easy_read)
        self._done = False
        self.last_response_id: str | None = None

        super().__init__(store, _pick(inst.title, lang))
        self.add_class("cocope-survey")
        self.add_class(f"cocope-lang-{lang}")
        self._title.value = (f"{_CSS}<h2 class='cocope-title' lang='{lang}'>"
                             f"{html.escape(_pick(inst.title, lang))}</h2>")
        self._intro = W.HTML(f"<p class='cocope-intro'>{html.escape(ui_text('intro', lang))}</p>")
        parts: list = [self._intro]
        if member is not None:
            who = ui_text("participant", lang, name=str(member["pseudonym"]))
            parts.append(W.HTML(f"<p class='cocope-who'>{html.escape(who)}</p>"))
            self._role = None
        else:
            preset = {"student": "student", "family": "parent"}.get(audience)
            # "" rather than None: a Dropdown shows value None as an empty box
            options = [(ui_text("role_none", lang), "")] + [
                (role_label(r, lang), r) for r in values(Role)]
            preset = preset or ""
            self._role = W.Dropdown(options=options, value=preset,
                                    description=ui_text("role", lang),
                                    style={"description_width": "initial"},
                                    layout=W.Layout(width="32em", max_width="100%"))
            self._role.add_class("cocope-role")
            self._role_default = preset
            parts.append(self._role)

        self._inputs: dict[str, W.Widget] = {}
        self._rows: dict[str, W.VBox] = {}
        for it in self._items:
            ref = f"cq-{self._token}-{it.number}"
            note = "" if it.required else ui_text("optional", lang)
            text = question_html(ref, it.number, it.text, optional_note=note,
                                 text_language=it.language if it.language != lang else None)
            if it.kind == "text":
                widget = W.Textarea(value="", rows=4, layout=W.Layout(width="100%"))
                widget.add_class("cocope-text")
                widget.add_class(f"cocope-ref-{ref}")
                if it.required:
                    widget.add_class("cocope-required")
            else:
                widget = choice_widget(it.choices, ref, required=it.required,
                                       dont_know=it.dont_know)
            widget.observe(self._on_change, names="value")
            row = W.VBox([text, widget], layout=W.Layout(width="auto"))
            row.add_class("cocope-item")
            self._inputs[it.item_id], self._rows[it.item_id] = widget, row
            parts.append(row)

        self._submit, self._progress, footer = submit_footer(lang, self._on_submit)
        parts.append(footer)
        self._questions = parts

        self._again = W.Button(description=ui_text("again", lang),
                               layout=W.Layout(width="auto", height="auto",
                                               align_self="flex-start", margin="6px 0 0"))
        self._again.add_class("cocope-big")
        self._again.add_class("cocope-again")
        self._again.on_click(self._on_again)
        self._thanks = W.HTML(f"<div class='cocope-thanks'><h2>"
                              f"{html.escape(ui_text('thanks_title', lang))}</h2></div>")
        self._enhance = _enhancer()
        self._key = new_key()
        self._update_progress()
        self._set_body([self._enhance, *self._questions])

    # ------------------------------------------------------------ reading state
    @property
    def item_ids(self) -> list[str]:
        """Ids of the items shown, in order."""
        return [it.item_id for it in self._items]

    @property
    def items(self) -> list[SurveyItem]:
        """The items shown, with wording and choices."""
        return list(self._items)

    @property
    def submission_key(self) -> str:
        """Key of the next submission (new after each successful submit)."""
        return self._key

    @property
    def progress(self) -> str:
        """The progress line, e.g. ``'7 of 13 answered'``."""
        return ui_text("progress", self.language, n=count_answered(self._items, self.answers()),
                       total=len(self._items))

    @property
    def submitted(self) -> bool:
        """True while the thank-you is shown."""
        return self._done

    def answers(self) -> dict[str, object]:
        """Current answers: item id -> value, :data:`DONT_KNOW`, text or ``None``."""
        out = {}
        for item_id, w in self._inputs.items():
            v = w.value
            out[item_id] = (v if v.strip() else None) if isinstance(w, W.Textarea) else v
        return out

    def set_answer(self, item_id: str, value: object) -> None:
        """Answer one item as a participant would (a scale value, :data:`DONT_KNOW` or text)."""
        if item_id not in self._inputs:
            raise UsageError(f"no item {item_id!r} in this form; items: {', '.join(self._inputs)}")
        w = self._inputs[item_id]
        if isinstance(w, W.Textarea):
            w.value = "" if value is None else str(value)
        elif value is None or value == DONT_KNOW:
            w.value = value
        else:
            w.value = float(value)

    def input_widget(self, item_id: str) -> W.Widget:
        """The input widget of one item (RadioButtons or Textarea)."""
        return self._inputs[item_id]

    @property
    def role_widget(self) -> W.Dropdown | None:
        """The role picker of anonymous participants (None for a named member)."""
        return self._role

    def submit(self) -> None:
        """Press the submit button."""
        self._submit.click()

    # ------------------------------------------------------------ handlers
    def _update_progress(self) -> None:
        self._progress.value = (f"<span class='cocope-progress'>"
                                f"{html.escape(self.progress)}</span>")

    def _on_change(self, change) -> None:
        self._update_progress()
        owner = change["owner"]
        for item_id, w in self._inputs.items():
            if w is owner:
                it = next(i for i in self._items if i.item_id == item_id)
                if is_answered(it, self.answers()[item_id]):
                    self._rows[item_id].remove_class("cocope-missing")
                break

    @safe_handler
    def _on_submit(self, _button=None) -> None:
        if self._done:  # a second click on a submitted form: already stored
            return
        answers = self.answers()
        missing = missing_required(self._items, answers)
        for it in self._items:
            if it in missing:
                self._rows[it.item_id].add_class("cocope-missing")
            else:
                self._rows[it.item_id].remove_class("cocope-missing")
        if missing:
            self._status.show("error", ui_text("missing", self.language),
                              [f"{it.number}. {_short(it.text)}" for it in missing])
            return
        if self.respondent is not None:
            respondent_id, role = self.respondent, self._member_role
        else:
            respondent_id, role = uuid.uuid4().hex, self._role.value or None
        batch = build_response(
            self.instrument, {k: v for k, v in answers.items() if v is not None},
            cop_id=self.cop_id, wave=self.wave, language=self.language,
            respondent_id=respondent_id, respondent_role=role, audience=self.audience,
        )
        submit_response(self._store, batch, self._key)
        self.last_response_id = str(batch["response"]["response_id"].iloc[0])
        self._reset_answers()
        self._done = True
        self._status.show("ok", ui_text("thanks", self.language))
        self.children = [self._title, self._enhance, self._thanks, self._status, self._again]

    def _reset_answers(self) -> None:
        for w in self._inputs.values():
            w.value = "" if isinstance(w, W.Textarea) else None
        for row in self._rows.values():
            row.remove_class("cocope-missing")
        if self._role is not None:
            self._role.value = self._role_default
        self._key = new_key()
        self._update_progress()

    @safe_handler
    def _on_again(self, _button=None) -> None:
        self._done = False
        self._status.clear()
        self._set_body([self._enhance, *self._questions])
