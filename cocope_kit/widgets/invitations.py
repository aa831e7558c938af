"""The facilitator's invitation desk: make cards for the participant forms, see who answered.

:class:`InvitationDesk` (notebook 03) creates invitations with
:func:`cocope_kit.invitations.create_invitations`, shows the cards as they will
print and offers them (and the CSV of links) for download; below, the progress
of every card of the CoP (pseudonym or "anonymous card 3", form, wave, opened,
answered, expires) with totals, and buttons to revoke a card or to revoke it and
issue a new one. Tokens are shown only in the cards made in this session; the
store keeps their hashes.

Examples
--------
>>> import cocope_kit as ck
>>> from cocope_kit.widgets.invitations import InvitationDesk
>>> store = ck.open_store(":memory:")
>>> _ = store.insert("cop", {"cop_id": "be-1", "name": "Reading buddies", "school": "GO! Gent",
...                          "country": "BE", "language": "nl", "created_on": "2026-01-12"})
>>> desk = InvitationDesk(store, "be-1", base_url="http://192.168.1.20:8866")
>>> desk.who.value = "anonymous"; desk.anonymous.value = 3
>>> desk.create_button.click()
>>> desk.status
'3 cards made for Levels of working together (post). Print them from the download link.'
>>> desk.progress_table()["card"].tolist()
['anonymous card 1', 'anonymous card 2', 'anonymous card 3']
"""

from __future__ import annotations

import base64
import html

import ipywidgets as W
import pandas as pd

from .. import invitations as inv
from ..errors import UsageError
from ..instruments import load_instrument
from ._base import Form, safe_handler

__all__ = ["InvitationDesk"]

_LANGS = [("CoP's language", ""), ("English", "en"), ("Deutsch", "de"), ("Nederlands", "nl"),
          ("Português", "pt"), ("Slovenčina", "sk")]


def _title(form: str) -> str:
    t = load_instrument(form).title
    return t.get("en") or form


def _download(label: str, filename: str, data: str, mime: str) -> str:
    b64 = base64.b64encode(data.encode("utf-8")).decode("ascii")
    return (f"<a download='{html.escape(filename)}' href='data:{mime};base64,{b64}' "
            f"style='margin-right:1.5em;font-weight:600'>{html.escape(label)}</a>")


class InvitationDesk(Form):
    """Create invitation cards for one CoP and follow who has answered.

    Parameters
    ----------
    store : Store
    cop_id : str
    base_url : str, optional
        Address of ``cocope forms`` as participants' devices reach it (default:
        this computer's network address, port 8866).
    """

    def __init__(self, store, cop_id: str, *, base_url: str | None = None):
        cops = store.read("cop", where={"cop_id": cop_id})
        if cops.empty:
            raise UsageError(f"unknown CoP {cop_id!r}")
        self.cop_id = cop_id
        if base_url is None:
            from ..formserver import lan_address

            base_url = f"http://{lan_address() or '127.0.0.1'}:8866"
        self.last_cards: list[inv.Card] = []
        self.cards_html = ""
        self.links_csv = ""
        wide = {"description_width": "10em"}

        def box():  # one Layout per widget: hiding one must not hide the others
            return W.Layout(width="36em", max_width="100%")

        self.form = W.Dropdown(options=[(f"{_title(f)} ({f})", f) for f in inv.form_ids()],
                               value="working_together" if "working_together" in inv.form_ids()
                               else inv.form_ids()[0],
                               description="Form", style=wide, layout=box())
        self.wave = W.Text(value="post", description="Wave", style=wide, layout=box())
        self.who = W.RadioButtons(options=[("every member with consent", "all"),
                                           ("chosen members", "members"),
                                           ("anonymous cards", "anonymous")],
                                  value="all", description="Cards for", style=wide)
        self.members = W.SelectMultiple(options=[], rows=6, description="Members", style=wide,
                                        layout=box())
        self.anonymous = W.BoundedIntText(value=10, min=1, max=500, description="How many",
                                          style=wide, layout=W.Layout(width="16em"))
        self.language = W.Dropdown(options=_LANGS, value="", description="Language",
                                   style=wide, layout=box())
        self.audience = W.Dropdown(options=[("from each member's role", ""),
                                            ("students (easy-read wording)", "student"),
                                            ("adults", "adult")],
                                   value="", description="Wording", style=wide, layout=box())
        self.base_url = W.Text(value=base_url, description="Forms address", style=wide,
                               layout=box())
        self.expires = W.BoundedIntText(value=inv.DEFAULT_EXPIRES_DAYS, min=1, max=366,
                                        description="Valid (days)", style=wide,
                                        layout=W.Layout(width="16em"))
        self.names = W.Checkbox(value=False, description="print names instead of pseudonyms",
                                indent=False)
        self.create_button = W.Button(description="Make cards", button_style="primary")
        self.create_button.on_click(self._on_create)
        self._left_out = W.HTML()
        self._preview = W.HTML()
        self._downloads = W.HTML()
        self.wave_filter = W.Dropdown(options=[("all waves", "")], value="",
                                      description="Show", style=wide, layout=box())
        self.wave_filter.observe(self._on_filter, names="value")
        self.refresh_button = W.Button(description="Refresh")
        self.refresh_button.on_click(self._on_refresh)
        self._table = W.HTML()
        self.card = W.Dropdown(options=[], description="Card", style=wide, layout=box())
        self.revoke_button = W.Button(description="Revoke card", button_style="warning")
        self.revoke_button.on_click(self._on_revoke)
        self.reissue_button = W.Button(description="Revoke and make a new card",
                                       layout=W.Layout(width="auto"))
        self.reissue_button.on_click(self._on_reissue)
        self.who.observe(self._on_who, names="value")
        super().__init__(store, f"Invitations to the participant forms: {cop_id}")
        self._set_body([
            W.HTML("<h4 style='margin:8px 0 4px'>New cards</h4>"),
            self.form, self.wave, self.who, self.members, self.anonymous, self._left_out,
            self.language, self.audience, self.base_url, self.expires, self.names,
            self.create_button, self._downloads, self._preview,
            W.HTML("<h4 style='margin:14px 0 4px'>Who has answered</h4>"),
            W.HBox([self.wave_filter, self.refresh_button]), self._table,
            W.HBox([self.card, self.revoke_button, self.reissue_button],
                   layout=W.Layout(flex_flow="row wrap")),
        ])
        self._load_members()
        self._on_who()
        self._refresh()

    # ------------------------------------------------------------ state
    def progress_table(self) -> pd.DataFrame:
        """The progress rows shown (see :func:`cocope_kit.invitations.progress`)."""
        return inv.progress(self._store, self.cop_id, wave=self.wave_filter.value or None)

    def _load_members(self) -> None:
        members = inv.invitable_members(self._store, self.cop_id)
        ok = members[members["included"]]
        self.members.options = [(f"{r.pseudonym} ({r.role})", r.member_id)
                                for r in ok.itertuples()]
        out = members[~members["included"]]
        self._left_out.value = "" if out.empty else (
            "<p style='margin:2px 0 6px;color:#5f1410'>No card without consent (students: "
            "also assent): " + html.escape(", ".join(f"{r.pseudonym} ({r.reason})"
                                                        for r in out.itertuples())) + "</p>")

    def _refresh(self) -> None:
        table = inv.progress(self._store, self.cop_id)
        waves = sorted(set(table["wave"]))
        current = self.wave_filter.value
        self.wave_filter.options = [("all waves", "")] + [(w, w) for w in waves]
        self.wave_filter.value = current if current in waves else ""
        shown = self.progress_table()
        self.card.options = [(f"{r.card} · {r.form} · {r.wave}", r.invitation_id)
                             for r in shown.itertuples() if r.status in ("waiting", "opened")]
        self._table.value = _table_html(shown)

    # ------------------------------------------------------------ handlers
    def _on_who(self, _change=None) -> None:
        self.members.layout.display = "" if self.who.value == "members" else "none"
        self.anonymous.layout.display = "" if self.who.value == "anonymous" else "none"

    def _on_filter(self, _change=None) -> None:
        self._table.value = _table_html(self.progress_table())

    @safe_handler
    def _on_refresh(self, _button=None) -> None:
        self._load_members()
        self._refresh()
        self._status.clear()

    def _show_cards(self, cards: list[inv.Card]) -> None:
        from ..cards import links_csv, render_cards

        self.last_cards = cards
        self.cards_html = render_cards(cards, self.base_url.value, names=self.names.value)
        self.links_csv = links_csv(cards, self.base_url.value)
        stem = f"cards_{self.cop_id}_{cards[0].form}_{cards[0].wave}".replace(":", "-")
        self._downloads.value = (
            _download("Download the cards (HTML, print on A4)", f"{stem}.html",
                      self.cards_html, "text/html")
            + _download("Download the links (CSV)", f"{stem}.csv", self.links_csv, "text/csv"))
        self._preview.value = (
            "<iframe title='Preview of the cards' style='width:100%;max-width:52em;height:30em;"
            "border:1px solid #ccc;background:#fff' sandbox srcdoc=\""
            + html.escape(self.cards_html, quote=True) + "\"></iframe>")

    @safe_handler
    def _on_create(self, _button=None) -> None:
        inv.invitation_url(self.base_url.value, "x")  # a bad address fails first
        who = self.who.value
        if who == "members" and not self.members.value:
            raise UsageError("choose at least one member (hold Ctrl or Shift for several)")
        cards = inv.create_invitations(
            self._store, self.cop_id, self.form.value, self.wave.value,
            members="all" if who == "all" else list(self.members.value) if who == "members"
            else None,
            anonymous=int(self.anonymous.value) if who == "anonymous" else 0,
            language=self.language.value or None, audience=self.audience.value or None,
            expires_days=int(self.expires.value))
        self._show_cards(cards)
        self._refresh()
        self._status.show("ok", f"{len(cards)} cards made for {_title(self.form.value)} "
                                f"({self.wave.value.strip()}). Print them from the download link.")

    @safe_handler
    def _on_revoke(self, _button=None) -> None:
        if not self.card.value:
            raise UsageError("choose a card that has not been answered")
        label = self.card.label
        inv.revoke(self._store, self.card.value)
        self._refresh()
        self._status.show("ok", f"Revoked: {label}. Its link opens nothing now.")

    @safe_handler
    def _on_reissue(self, _button=None) -> None:
        if not self.card.value:
            raise UsageError("choose a card that has not been answered")
        label = self.card.label
        inv.invitation_url(self.base_url.value, "x")
        card = inv.reissue(self._store, self.card.value, expires_days=int(self.expires.value))
        self._show_cards([card])
        self._refresh()
        self._status.show("ok", f"Revoked: {label}. A new card is ready to download.")


def _table_html(table: pd.DataFrame) -> str:
    if table.empty:
        return "<p><i>No invitations yet.</i></p>"
    totals = inv.progress_totals(table)
    head = ["card", "form", "wave", "opened", "answered", "expires", "status"]
    rows = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in (
            r.card, r.form, r.wave, "yes" if r.opened else "", "yes" if r.answered else "",
            r.expires_at[:10], r.status)) + "</tr>"
        for r in table.itertuples())
    tot = "".join(
        f"<li>{html.escape(t.form)} · {html.escape(t.wave)}: {t.answered} of {t.cards} answered, "
        f"{t.opened} opened, {t.open} still open, {t.revoked} revoked, {t.expired} expired</li>"
        for t in totals.itertuples())
    th = "".join(f"<th style='text-align:left;padding:2px 10px 2px 0'>{h}</th>" for h in head)
    return (f"<ul style='margin:4px 0 8px'>{tot}</ul>"
            f"<table style='border-collapse:collapse'><thead><tr>{th}</tr></thead>"
            f"<tbody>{rows}</tbody></table>")
