"""Printable invitation cards (A4 sheets to cut) and the CSV of links.

One card per person: the form's title in the participant's language, a QR code
(an SVG made with ``segno``, embedded in the page), the short link, and on
member cards the pseudonym (the name only when asked for). Anonymous cards
show nothing personal, only their number, so a lost card can be revoked.

Examples
--------
>>> import cocope_kit as ck
>>> from cocope_kit import invitations as inv
>>> from cocope_kit.cards import render_cards
>>> store = ck.open_store(":memory:")
>>> _ = store.insert("cop", {"cop_id": "be-1", "name": "Reading buddies", "school": "GO! Gent",
...                          "country": "BE", "language": "nl", "created_on": "2026-01-12"})
>>> cards = inv.create_invitations(store, "be-1", "working_together", "post", anonymous=2)
>>> page = render_cards(cards, "http://192.168.1.20:8866")
>>> page.count("<svg"), "Kaart 2" in page, cards[1].token in page
(2, True, True)
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from .form_texts import form_text
from .invitations import Card, invitation_url

__all__ = ["CARDS_PER_PAGE", "card_text", "links_csv", "render_cards", "write_cards",
           "write_links"]

#: Cards on one A4 sheet (2 columns, 4 rows).
CARDS_PER_PAGE = 8

def card_text(key: str, language: str, **fmt) -> str:
    """A text printed on the cards, in ``language`` (English where there is none).

    The texts are :data:`cocope_kit.form_texts.FORM_TEXTS`, translated by the catalogs.

    >>> card_text("for", "de", name="Teacher A")
    'Für: Teacher A'
    """
    return form_text(key, language, **fmt)


def _date(ts: str, language: str) -> str:
    from babel.dates import format_date

    day = datetime.strptime(ts[:10], "%Y-%m-%d").date()
    try:
        return format_date(day, format="long", locale=language)
    except Exception:  # noqa: BLE001 - a locale Babel does not know: ISO date
        return day.isoformat()


def _title(form: str, language: str, easy_read: bool) -> str:
    from .instruments import load_instrument

    return load_instrument(form).title_for(language, easy_read=easy_read)


def render_cards(cards: Sequence[Card], base_url: str, *, names: bool = False) -> str:
    """The HTML page of the cards (A4, 8 per sheet, print CSS and cut lines).

    Parameters
    ----------
    cards : sequence of Card
        From :func:`cocope_kit.invitations.create_invitations` or ``reissue``.
    base_url : str
        Address of the forms server as participants' devices reach it.
    names : bool
        Print names instead of pseudonyms on member cards.
    """
    import jinja2
    import segno

    from .formserver import TEMPLATES

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True)
    models = []
    for c in cards:
        lang = c.language
        url = invitation_url(base_url, c.token)
        if c.member_id is None:
            who = card_text("card", lang, n=c.card_no)
        else:
            shown = c.name if names and c.name else c.pseudonym or c.member_id
            who = card_text("for", lang, name=shown)
        # a viewBox (omitsize) lets the code scale to the 30 mm of its box in print
        qr = segno.make(url, error="m").svg_inline(scale=3, border=2, omitsize=True,
                                                   title=card_text("qr", lang))
        models.append(dict(
            lang=lang, title=_title(c.form, lang, c.easy_read), who=who, url=url,
            qr=jinja2.utils.markupsafe.Markup(qr),  # segno's own SVG: no user text in it
            scan=card_text("scan", lang),
            once=card_text("once", lang, date=_date(c.expires_at, lang)),
            label=who,
        ))
    pages = [models[i:i + CARDS_PER_PAGE] for i in range(0, len(models), CARDS_PER_PAGE)]
    lang = models[0]["lang"] if models else "en"
    return env.get_template("cards.html.j2").render(
        lang=lang, title=card_text("cards_title", lang), help=card_text("cards_help", lang),
        pages=pages)


def write_cards(cards: Sequence[Card], out, base_url: str, *, names: bool = False) -> Path:
    """Write the cards page to ``out`` (an .html file) and return its path."""
    path = Path(out)
    path.write_text(render_cards(cards, base_url, names=names), encoding="utf-8")
    return path


def links_csv(cards: Sequence[Card], base_url: str) -> str:
    """CSV text with columns ``member`` (pseudonym, empty for anonymous cards) and ``url``.

    Cells a spreadsheet would run as a formula are neutralised.
    """
    import pandas as pd

    from .privacy import neutralise_formulas

    rows = [("" if c.member_id is None else (c.pseudonym or c.member_id),
             invitation_url(base_url, c.token)) for c in cards]
    table = neutralise_formulas(pd.DataFrame(rows, columns=["member", "url"], dtype=object))
    return table.to_csv(index=False, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")


def write_links(cards: Sequence[Card], out, base_url: str) -> Path:
    """Write :func:`links_csv` to ``out`` (UTF-8)."""
    path = Path(out)
    path.write_text(links_csv(cards, base_url), encoding="utf-8")
    return path
