"""Self-contained HTML reports: the fruits of the CoP tree, shown back to the group.

:func:`write_report` writes **one** HTML file: charts are embedded as base64
SVG images, the style sheet is inline, and nothing is loaded from elsewhere
(no script, no web font, no CDN), so the file opens offline, can be mailed,
and prints cleanly to PDF from a browser.

* With ``cop_id`` it is the group's report for meeting 3, in the CoP's language
  (:mod:`cocope_kit.report_group`): first the **group view** -- "At a glance"
  with sentences computed from the data, the CoP tree, the goal, participation
  and voice, working together, what people said, lessons, value stories and
  "does this match your experience?" -- then the **technical appendix**,
  collapsed on screen and on its own pages in print (the trunk, branches and
  fruits in detail: reliability, tests and effect sizes, coder agreement, full
  tables, method notes). :func:`cocope_kit.report_handout.write_handout` draws
  the group view as a 2-page A4 hand-out.
* Without ``cop_id`` it is the evaluators' report: every CoP side by side, by
  country and by role group.

Privacy by default (DESIGN section 7)
-------------------------------------
* :func:`cocope_kit.privacy.filter_consented` is applied to the tables
  **before** any analysis; the report says how many people were left out
  (never who, and for outside readers not how many when they are fewer than
  ``min_cell``).
* People appear by pseudonym; names only with ``names=True``.
* Every table and chart passes the one disclosure step,
  :class:`cocope_kit.disclosure.Disclosure`. The per-CoP report's audience is
  the group itself (nothing suppressed against each other, a note says it stays
  within the CoP); the cross-CoP report's is outside readers: cells of fewer
  than ``min_cell`` people are hidden with complementary suppression across
  the whole document, and a footnote says so.

The code lives in :mod:`cocope_kit.report_common` (document builder, styles),
:mod:`cocope_kit.report_sections` (the fruits), :mod:`cocope_kit.report_cop`
and :mod:`cocope_kit.report_cross`; this module is the public entry.
Pages are a report model (:mod:`cocope_kit.report_model`) rendered with one
Jinja2 base template (autoescape on), so all text from the store is escaped;
links are shown as text, never followed.

Examples
--------
>>> import cocope_kit as ck, tempfile, pathlib
>>> from cocope_kit.demo import write_demo
>>> from cocope_kit.report import write_report
>>> store = write_demo(ck.open_store(":memory:"))
>>> path = write_report(store, pathlib.Path(tempfile.mkdtemp()) / "gent.html",
...                     cop_id="be-gent", as_of="2026-06-30")
>>> text = path.read_text(encoding="utf-8")
>>> '<html lang="nl">' in text, "<script" in text, 'id="fruits"' in text
(True, False, True)
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import UsageError
from .i18n import LANGUAGES
from .report_common import (
    BASE_CSS,
    CROSS_COP_CHARTS,
    CROSS_COP_ROWS,
    SUPPORTED_LANGUAGES,
    _Doc,
    _left_out_text,
    _load,
    _page,
    _safe,
    fmt,
)
from .report_cop import group_report_model
from .report_cross import _shown_cops, build_cross, cross_cop_tables, cross_document
from .report_model import Paragraph, render_html

__all__ = ["BASE_CSS", "CROSS_COP_CHARTS", "CROSS_COP_ROWS", "SUPPORTED_LANGUAGES",
           "cross_cop_tables", "fmt", "report_html", "write_report", "write_reports"]

_ = _shown_cops  # re-exported for the tests of the row limit

# ----------------------------------------------------------------------------- public
def _check_args(min_cell: object, language: object, names: object) -> None:
    if isinstance(min_cell, bool) or not isinstance(min_cell, (int, np.integer)) or min_cell < 1:
        raise UsageError(f"min_cell must be a whole number of at least 1, got {min_cell!r}")
    if language is not None and (not isinstance(language, str) or not re.fullmatch(
            r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})?", language)):
        raise UsageError(f"language must be a language code such as 'en', got {language!r}")
    if language is not None and language.split("-")[0] not in LANGUAGES:
        raise UsageError(f"language {language!r} is not available; one of "
                         f"{', '.join(LANGUAGES)}")
    if not isinstance(names, bool):
        raise UsageError(f"names must be True or False, got {names!r}")


def report_html(store: object, *, cop_id: str | None = None, names: bool = False,
                min_cell: int = 5, language: str | None = None, as_of: object = None) -> str:
    """The HTML text of the report :func:`write_report` writes (same parameters, no file)."""
    import matplotlib

    from . import analysis
    from .charts._style import RC_PARAMS

    _check_args(min_cell, language, names)
    if cop_id is not None and not isinstance(cop_id, str):
        raise UsageError(f"cop_id must be a CoP id (text) or None, got {cop_id!r}")
    lang = None if language is None else language.split("-")[0]
    if cop_id is not None:  # the group itself: group view first, appendix collapsed
        return render_html(group_report_model(store, cop_id, as_of=as_of, language=lang,
                                              names=names, min_cell=int(min_cell)))
    try:
        day = pd.Timestamp(as_of if as_of is not None else _dt.date.today()).normalize()
    except (ValueError, TypeError) as e:
        raise UsageError(f"as_of must be a date like 2026-06-30, got {as_of!r}") from e
    t, register = _load(store, cop_id, names)
    k = int(min_cell)
    waves = _safe(lambda: analysis.wave_order(t["response"])) or []
    doc = _Doc()
    doc.waves = waves
    with matplotlib.rc_context(RC_PARAMS):  # outside readers: collect every table, decide, render
        doc.disclosure, doc.published = cross_document(t, as_of=day, k=k, register=register,
                                                       waves=waves)
        title, sub = build_cross(doc, t, as_of=day)
    audience = ("For readers outside the school: numbers about fewer than "
                f"{k} people are hidden.")
    left_out = _left_out_text(register, k)
    notes = [Paragraph(f"{left_out} {audience} " + ("People are shown by pseudonym." if not names
                       else "This copy shows real names: it holds personal data; do not share "
                            "it."), "privacy")]
    if lang not in (None, "en"):
        notes.append(Paragraph("The cross-CoP report is written for evaluators and is in "
                               f"English only; the per-CoP reports are in {lang}.", "lang-note"))
    return _page(title, doc, notes, "en", subtitle=f"{sub} · as of {day.date()}")


def write_report(store: object, out: str | os.PathLike, *, cop_id: str | None = None,
                 names: bool = False, min_cell: int = 5, language: str | None = None,
                 as_of: object = None) -> Path:
    """Write one self-contained HTML report and return its path.

    Parameters
    ----------
    store : Store or object with ``read(table)``
        Where the data comes from (only ``read`` is called).
    out : path
        The HTML file to write (its folder is created).
    cop_id : str, optional
        One CoP (the CoP-tree report); ``None`` for all CoPs side by side.
    names : bool, default False
        Show real names instead of pseudonyms (personal data!).
    min_cell : int, default 5
        Smallest group shown in tables grouped by role group.
    language : {"en", "de", "nl", "pt", "sk"}, optional
        Language of the per-CoP report; default the CoP's language (its
        ``language`` column; English when the kit has no texts in it). The
        cross-CoP report for evaluators is in English.
    as_of : date-like, optional
        Day the status of the plan and goals is seen from (default today).

    Returns
    -------
    pathlib.Path
        ``out``.

    Raises
    ------
    UsageError
        On an unknown ``cop_id`` or bad parameters.
    """
    text = report_html(store, cop_id=cop_id, names=names, min_cell=min_cell, language=language,
                       as_of=as_of)
    path = Path(out)
    if path.is_dir():
        raise UsageError(f"out must be a file name, {path} is a folder")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def write_reports(store: object, directory: str | os.PathLike, **kwargs) -> list[Path]:
    """Write one report per CoP (``report_<cop_id>.html``) and the cross-CoP one
    (``report_all.html``) into ``directory``; return their paths.

    A file name made from a ``cop_id`` that would lead out of ``directory``
    (``../x``, from a store older than the id rules) raises
    :class:`~cocope_kit.errors.UsageError` before anything is written."""
    from .schema_rules import inside

    d = Path(directory)
    cops = sorted(store.read("cop")["cop_id"].dropna().astype(str))
    targets = [inside(d, f"report_{c}.html") for c in cops]
    paths = [write_report(store, f, cop_id=c, **kwargs) for f, c in zip(targets, cops, strict=True)]
    paths.append(write_report(store, d / "report_all.html", **kwargs))
    return paths
