"""Invitations to the participant forms: one-use links, stored as token hashes only.

A participant form opens only with an invitation token (DESIGN section 9). The
facilitator creates one invitation per member, or a number of anonymous cards,
for one form (a questionnaire or the collaboration network) and one wave; each
invitation has a random token that is printed on a card as a link and a QR code
and then forgotten: the store keeps only its SHA-256 hash.

Life of an invitation
---------------------
========  =====================================================================
created   :func:`create_invitations` (members need consent, students also assent)
opened    :func:`open_invitation` with the token: the form, or "already
          answered", or one neutral "cannot be opened" for an unknown, expired
          or revoked token
used      :func:`redeem`: the used check, the answers and the "used" mark are
          one store transaction, so a double click, a second tab or a reload
          stores nothing more
revoked   :func:`revoke`; :func:`reissue` revokes a card and makes a new one
========  =====================================================================

What is kept (table ``invitation``)
-----------------------------------
* ``invitation_id, cop_id, form, wave, audience, language, card_no``,
  ``created_at, expires_at, revoked_at`` and ``token_hash`` (SHA-256 of the
  token, hex). The token itself is never stored; a lost card cannot be printed
  again, only reissued.
* **Member cards**: ``member_id``, and ``opened_at``/``used_at`` as times. The
  answers are stored under the member id with the member's role from the roster,
  as for any named response; a link never carries a member or CoP id.
* **Anonymous cards**: no ``member_id``. ``opened_at`` and ``used_at`` are set to
  the card's ``created_at`` when the card is first opened and used: they record
  *that* it was opened and used, never *when*, so the time of a response cannot
  be matched to a card. The response gets a fresh random respondent id; nothing
  in ``response`` or ``answer`` refers to the invitation, and nothing in
  ``invitation`` refers to the response.
* Forgetting a member (:meth:`~cocope_kit.store.Store.forget`) deletes their
  invitations.

Why SHA-256 and not a password hash: the token has 128 random bits from
:mod:`secrets`, so nobody can guess it or search for it from its hash; a slow
password hash (bcrypt, scrypt) protects *low-entropy* secrets and would only
slow down every page view. The hash is looked up through an index and then
compared again with :func:`hmac.compare_digest`.

This module holds the rules (tokens, consent, one use) and runs no SQL: it
reads and writes the ``invitation`` table through the store's
:attr:`Store.invitations <cocope_kit.store.Store.invitations>`
(:class:`~cocope_kit.store_invitations.InvitationTable`), the answers through
:meth:`Store.write <cocope_kit.store.Store.write>`, and groups the steps of an
opening or a redeem in one :meth:`Store.transaction
<cocope_kit.store.Store.transaction>`.

Examples
--------
>>> import cocope_kit as ck
>>> from cocope_kit import invitations as inv
>>> store = ck.open_store(":memory:")
>>> _ = store.insert("cop", {"cop_id": "be-1", "name": "Reading buddies", "school": "GO! Gent",
...                          "country": "BE", "language": "nl", "created_on": "2026-01-12"})
>>> cards = inv.create_invitations(store, "be-1", "working_together", "post", anonymous=2)
>>> [(c.card_no, c.member_id, c.language) for c in cards]
[(1, None, 'nl'), (2, None, 'nl')]
>>> inv.progress(store, "be-1")[["card", "form", "status"]].values.tolist()
[['anonymous card 1', 'working_together', 'waiting'], ['anonymous card 2', 'working_together', 'waiting']]
>>> inv.open_invitation(store, cards[0].token).status
'open'
>>> inv.open_invitation(store, "made-up").status
'invalid'
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pandas as pd

from .errors import StoreError, UsageError
from .instruments import AUDIENCES, list_instruments
from .model import role_group

__all__ = [
    "DEFAULT_EXPIRES_DAYS",
    "NETWORK_FORM",
    "PROGRESS_COLUMNS",
    "TOKEN_BYTES",
    "Card",
    "Invitation",
    "Opened",
    "Redeemed",
    "create_invitations",
    "form_ids",
    "hash_token",
    "invitable_members",
    "invitation_url",
    "open_invitation",
    "progress",
    "progress_totals",
    "redeem",
    "reissue",
    "revoke",
]

#: Random bytes per token (128 bits; ``secrets.token_urlsafe`` makes 22 characters of them,
#: short enough to type from a card).
TOKEN_BYTES = 16
#: Days an invitation stays valid unless told otherwise.
DEFAULT_EXPIRES_DAYS = 14
#: The form id of the collaboration network (rated by members only).
NETWORK_FORM = "collaboration_network"
_NOT_FORMS = ("reflection_prompts",)

_WAVE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$")
_LANG_RE = re.compile(r"^[a-z]{2}$")
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{16,128}$")


@dataclass(frozen=True)
class Invitation:
    """One row of the ``invitation`` table (without the token hash)."""

    invitation_id: str
    cop_id: str
    form: str
    wave: str
    audience: str
    language: str
    member_id: str | None
    card_no: int
    created_at: str
    expires_at: str
    opened_at: str | None
    used_at: str | None
    revoked_at: str | None

    @property
    def anonymous(self) -> bool:
        """True for an anonymous card (no member)."""
        return self.member_id is None

    @property
    def easy_read(self) -> bool:
        """Students get the easy-read wording."""
        return self.audience == "student"


@dataclass(frozen=True)
class Card:
    """A new invitation with its token: what is printed on one card (the token only here)."""

    invitation: Invitation
    token: str
    pseudonym: str | None = None
    name: str | None = None

    def __getattr__(self, item):  # card.cop_id, card.card_no, ... from the invitation
        if item.startswith("_"):
            raise AttributeError(item)
        return getattr(self.invitation, item)


@dataclass(frozen=True)
class Opened:
    """What a token opens: ``status`` is ``"open"``, ``"used"`` or ``"invalid"``.

    ``invitation`` is None for ``"invalid"``: an unknown, expired or revoked
    token (or a member who no longer has consent) all look the same.
    ``language`` is the invitation's language, or None when unknown.
    """

    status: str
    invitation: Invitation | None = None
    language: str | None = None


@dataclass(frozen=True)
class Redeemed:
    """Outcome of :func:`redeem`: ``status`` ``"stored"``, ``"used"`` or ``"invalid"``."""

    status: str
    counts: Mapping[str, int]
    language: str | None = None


# ---------------------------------------------------------------- small helpers


def _now() -> datetime:
    return datetime.now(UTC)


def _ts(t: datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _parse(ts: str) -> datetime:
    return datetime.strptime(ts, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def hash_token(token: str) -> str:
    """SHA-256 of a token, as 64 hex digits.

    >>> hash_token("abc")[:16]
    'ba7816bf8f01cfea'
    """
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def form_ids() -> list[str]:
    """Forms an invitation can open: every questionnaire and the collaboration network.

    >>> "collaboration_network" in form_ids(), "reflection_prompts" in form_ids()
    (True, False)
    """
    return [i for i in list_instruments() if i not in _NOT_FORMS]


def invitation_url(base_url: str, token: str) -> str:
    """The link on a card: the forms server's address and ``?t=TOKEN``, nothing else.

    >>> invitation_url("http://192.168.1.20:8866", "abc")
    'http://192.168.1.20:8866/?t=abc'
    >>> invitation_url("https://forms.example.org/school/", "abc")
    'https://forms.example.org/school/?t=abc'
    """
    base = str(base_url).strip()
    if not re.match(r"^https?://[^\s/?#]+(/[^\s?#]*)?$", base):
        raise UsageError(f"base URL {base_url!r} is not allowed; an address such as "
                         "http://192.168.1.20:8866 (http or https, no ? or #)")
    if base.count("/") == 2:
        base += "/"
    return f"{base}?t={token}"


def _row(r: Mapping[str, object]) -> Invitation:
    return Invitation(**{f: r[f] for f in Invitation.__dataclass_fields__})


def _check_form(form: str) -> str:
    forms = form_ids()
    if form not in forms:
        raise UsageError(f"form {form!r} is not allowed; one of: {', '.join(forms)}")
    return form


def _check_wave(wave: str) -> str:
    w = str(wave or "").strip()
    if not _WAVE_RE.match(w):
        raise UsageError(f"wave {wave!r} is not allowed; letters, digits, '-', '_' or '.', "
                         "for example pre or post")
    return w


def _check_language(language: str) -> str:
    lang = str(language or "").strip().lower().split("-")[0]
    if not _LANG_RE.match(lang):
        raise UsageError(f"language {language!r} is not allowed; a two-letter code such as "
                         "en, de, nl, pt or sk")
    return lang


def _audience_for(requested: str | None, role: str | None) -> str:
    """The audience stored on a card: ``student``/``adult`` as asked, else from the role."""
    group = role_group(role) if role else None
    if requested is None:
        return group if group in AUDIENCES else "all"
    if requested == "student":
        return "student"
    if requested == "adult":
        return group if group in ("professional", "family") else "all"
    if requested in AUDIENCES:
        return requested
    raise UsageError(f"audience {requested!r} is not allowed; student or adult")


# ---------------------------------------------------------------- create


def create_invitations(
    store,
    cop_id: str,
    form: str,
    wave: str,
    *,
    members: Sequence[str] | str | None = None,
    anonymous: int = 0,
    language: str | None = None,
    audience: str | None = None,
    expires_days: float = DEFAULT_EXPIRES_DAYS,
    now: datetime | None = None,
) -> list[Card]:
    """Create invitations and return them with their tokens (the only time a token is known).

    Parameters
    ----------
    store : Store
    cop_id : str
    form : str
        An instrument id (:func:`form_ids`) or ``"collaboration_network"``.
    wave : str
    members : "all" or list of str, optional
        ``"all"``: every current member of the CoP who may be invited
        (:func:`invitable_members`: members who left, and members without
        consent or, for students, assent, are left out) and has no card for
        this form and wave yet. A list: these member ids; each must have
        consent (students also assent) by
        :func:`cocope_kit.privacy.consent_register` and no card that is not
        revoked for this form and wave, otherwise nothing is created and the
        error names each refused member.
    anonymous : int
        Number of anonymous cards (not for the collaboration network).
    language : str, optional
        Default: the CoP's language.
    audience : {"student", "adult"}, optional
        ``student`` shows the easy-read wording. Default: from each member's
        role (``all`` on anonymous cards).
    expires_days : float
    now : datetime, optional
        For tests.

    Returns
    -------
    list of Card
        Member cards in roster order, then anonymous cards.
    """
    from .privacy import consent_register

    form, wave = _check_form(form), _check_wave(wave)
    from .answer_checks import stored_spelling

    other = stored_spelling(store, wave)
    if other is not None:  # the answers would be refused at submit (answer_checks)
        raise UsageError(f"wave {wave!r} is already spelt {other!r} in the store; use "
                         f"{other!r}, so both are one wave")
    if isinstance(anonymous, bool) or not isinstance(anonymous, int) or not 0 <= anonymous <= 500:
        raise UsageError(f"anonymous {anonymous!r} is not allowed; a whole number from 0 to 500")
    if not isinstance(expires_days, (int, float)) or not 0 < expires_days <= 366:
        raise UsageError(f"expires {expires_days!r} is not allowed; a number of days from 1 to 366")
    if (members is None or (not isinstance(members, str) and not members)) and not anonymous:
        raise UsageError("nobody to invite: give members (or 'all') or a number of anonymous cards")
    if anonymous and form == NETWORK_FORM:
        raise UsageError("the collaboration network is answered by members only: "
                         "anonymous cards cannot rate anyone")
    cops = store.read("cop", where={"cop_id": cop_id})
    if cops.empty:
        raise UsageError(f"unknown CoP {cop_id!r}; CoPs in this store: "
                         f"{', '.join(store.read('cop')['cop_id'].astype(str)) or 'none'}")
    lang = _check_language(language or str(cops["language"].iloc[0]))
    roster = store.read("member", where={"cop_id": cop_id})
    today = pd.Timestamp((now or _now()).date())
    if isinstance(members, str):
        if members != "all":
            raise UsageError(f"members {members!r} is not allowed; 'all' or a list of member ids")
        ok = invitable_members(store, cop_id, today=today)
        chosen = roster[roster["member_id"].isin(ok.loc[ok["included"], "member_id"])]
        if chosen.empty and not anonymous:
            raise UsageError(f"CoP {cop_id!r} has no current members with consent to invite")
    else:
        wanted = list(members or [])
        unknown = [m for m in wanted if m not in set(roster["member_id"])]
        if unknown:
            raise UsageError(f"not members of CoP {cop_id!r}: {', '.join(map(str, unknown))}")
        if len(set(wanted)) != len(wanted):
            raise UsageError("a member is named twice; each member gets one card")
        chosen = roster.set_index("member_id").loc[wanted].reset_index()
    if len(chosen):
        reg = consent_register(chosen, store.read("consent", where={
            "member_id": chosen["member_id"].tolist()}))
        refused = reg[~reg["included"]]
        if len(refused):
            who = "; ".join(f"{r.member_id} ({r.reason})" for r in refused.itertuples())
            raise UsageError(f"no invitation without consent (students also need their own "
                             f"assent): {who}; nothing was created")
    t0 = now or _now()
    created, expires = _ts(t0), _ts(t0 + timedelta(days=float(expires_days)))
    specs = [(r.member_id, r.role, r.pseudonym, r.name) for r in chosen.itertuples()]
    specs += [(None, None, None, None)] * anonymous
    cards: list[Card] = []
    table = store.invitations
    with store.transaction():
        # one live card per member, form and wave: nobody answers the same form twice
        live = table.live_members(cop_id, form, wave)
        if isinstance(members, str):
            specs = [sp for sp in specs if sp[0] is None or sp[0] not in live]
            if not specs:
                raise UsageError(f"every member of {cop_id} with consent already has a card for "
                                 f"{form}, wave {wave}; nothing was created")
        else:
            twice = [sp[0] for sp in specs if sp[0] in live]
            if twice:
                raise UsageError(f"already invited to {form}, wave {wave}: {', '.join(twice)}; "
                                 "revoke or reissue their card instead; nothing was created")
        n = table.next_card_no(cop_id)
        for member_id, role, pseudonym, name in specs:
            token = secrets.token_urlsafe(TOKEN_BYTES)
            inv = Invitation(str(uuid.uuid4()), cop_id, form, wave, _audience_for(audience, role),
                             lang, member_id, n, created, expires, None, None, None)
            n += 1
            cards.append(Card(inv, token, None if pd.isna(pseudonym) else str(pseudonym),
                              None if pd.isna(name) else str(name)))
        table.add([{**c.invitation.__dict__, "token_hash": hash_token(c.token)} for c in cards])
    return cards


def invitable_members(store, cop_id: str, *, today=None) -> pd.DataFrame:
    """Current members of a CoP and whether they may get a card.

    Returns
    -------
    pandas.DataFrame
        ``member_id, pseudonym, role, included, reason`` for every member who
        has not left; ``reason`` says why someone is left out (e.g.
        ``"assent pending"``). Members who left are not listed.
    """
    from .privacy import consent_register

    roster = store.read("member", where={"cop_id": cop_id})
    day = pd.Timestamp(today if today is not None else _now().date())
    roster = roster[~(roster["left_on"].notna() & (roster["left_on"] <= day))]
    reg = consent_register(roster, store.read("consent", where={
        "member_id": roster["member_id"].tolist()}))
    out = roster[["member_id", "pseudonym", "role"]].reset_index(drop=True)
    out["included"] = reg["included"].to_numpy()
    out["reason"] = reg["reason"].to_numpy()
    return out


# ---------------------------------------------------------------- open and redeem


def _lookup(store, token: str) -> Invitation | None:
    if not isinstance(token, str) or not _TOKEN_RE.match(token):
        return None
    h = hash_token(token)
    row = store.invitations.by_token_hash(h)
    if row is None or not hmac.compare_digest(str(row["token_hash"]), h):
        return None
    return _row(row)


def _still_allowed(store, inv: Invitation) -> bool:
    """A member card needs the member's consent (and assent) also when it is opened."""
    if inv.member_id is None:
        return True
    from .privacy import consent_register

    member = store.read("member", where={"member_id": inv.member_id, "cop_id": inv.cop_id})
    if member.empty:
        return False
    reg = consent_register(member, store.read("consent", where={"member_id": inv.member_id}))
    return bool(reg["included"].iloc[0])


def _state(store, inv: Invitation | None, now: datetime) -> str:
    if inv is None or inv.revoked_at is not None:
        return "invalid"
    if inv.used_at is not None:
        return "used"
    if _parse(inv.expires_at) <= now or not _still_allowed(store, inv):
        return "invalid"
    return "open"


def open_invitation(store, token: str, *, now: datetime | None = None) -> Opened:
    """What ``token`` opens, and note the first opening (see the module notes).

    ``"invalid"`` covers an unknown, expired or revoked token and a member
    without consent alike, so the answer reveals nothing about the store.
    """
    t = now or _now()
    with store.transaction():
        inv = _lookup(store, token)
        status = _state(store, inv, t)
        if status == "invalid":
            return Opened("invalid", None, inv.language if inv else None)
        if status == "open" and inv.opened_at is None:
            stamp = inv.created_at if inv.anonymous else _ts(t)
            store.invitations.mark_opened(inv.invitation_id, stamp)
            inv = Invitation(**{**inv.__dict__, "opened_at": stamp})
        return Opened(status, inv, inv.language)


def redeem(
    store,
    token: str,
    build: Callable[[Invitation], Mapping[str, pd.DataFrame]],
    *,
    now: datetime | None = None,
) -> Redeemed:
    """Store one form's answers for ``token`` and mark it used, in one transaction.

    ``build(invitation)`` returns the rows to write (it may raise a
    :class:`~cocope_kit.errors.CocopeError`; then nothing is stored and the
    token stays open). The used check, the write and the used mark happen
    under the store's write lock, so of two submits with the same token
    exactly one stores anything; the other gets ``"used"``.
    """
    t = now or _now()
    with store.transaction():
        inv = _lookup(store, token)
        status = _state(store, inv, t)
        if status != "open":
            return Redeemed(status, {}, inv.language if inv else None)
        counts = store.write(dict(build(inv)))
        stamp = inv.created_at if inv.anonymous else _ts(t)
        if not store.invitations.mark_used(inv.invitation_id, stamp):  # cannot happen under
            raise StoreError("the invitation was used meanwhile; nothing was stored")  # the lock
    return Redeemed("stored", counts, inv.language)


# ---------------------------------------------------------------- facilitator


def _get(store, invitation_id: str) -> Invitation:
    return _row(store.invitations.get(invitation_id))


def revoke(store, invitation_id: str, *, now: datetime | None = None) -> Invitation:
    """Revoke a card that has not been used: its link then opens nothing."""
    with store.transaction():
        inv = _get(store, invitation_id)
        if inv.used_at is not None:
            raise UsageError(f"invitation {invitation_id!r} has been answered already; "
                             "a used card opens nothing anyway")
        if inv.revoked_at is None:
            stamp = _ts(now or _now())
            store.invitations.mark_revoked(inv.invitation_id, stamp)
            inv = Invitation(**{**inv.__dict__, "revoked_at": stamp})
        return inv


def reissue(store, invitation_id: str, *, expires_days: float = DEFAULT_EXPIRES_DAYS,
            now: datetime | None = None) -> Card:
    """Revoke a card and make a new one for the same member (or a new anonymous card).

    The new card keeps form, wave, audience and language; the member must still
    have consent.
    """
    with store.transaction():
        old = _get(store, invitation_id)
        revoke(store, invitation_id, now=now)
        members = [old.member_id] if old.member_id else None
        cards = create_invitations(store, old.cop_id, old.form, old.wave, members=members,
                                   anonymous=0 if old.member_id else 1, language=old.language,
                                   audience=old.audience, expires_days=expires_days, now=now)
    return cards[0]


#: Columns of :func:`progress`.
PROGRESS_COLUMNS = ["invitation_id", "card", "member_id", "form", "wave", "language",
                    "audience", "created_at", "opened", "answered", "expires_at", "status"]


def progress(store, cop_id: str, *, wave: str | None = None,
             now: datetime | None = None) -> pd.DataFrame:
    """One row per card of a CoP: who (pseudonym or "anonymous card 3"), and how far.

    Returns
    -------
    pandas.DataFrame
        Columns of :data:`PROGRESS_COLUMNS`; ``opened``/``answered`` are booleans;
        ``status`` is one of ``waiting, opened, answered, expired, revoked``.
        Member cards show the pseudonym, never the name.
    """
    t = now or _now()
    rows = [_row(r) for r in store.invitations.rows(cop_id, wave=wave)]
    roster = store.read("member", where={"cop_id": cop_id}).set_index("member_id")["pseudonym"]
    out = []
    for r in rows:
        if r.revoked_at:
            status = "revoked"
        elif r.used_at:
            status = "answered"
        elif _parse(r.expires_at) <= t:
            status = "expired"
        else:
            status = "opened" if r.opened_at else "waiting"
        card = (f"anonymous card {r.card_no}" if r.member_id is None
                else str(roster.get(r.member_id, r.member_id)))
        out.append([r.invitation_id, card, r.member_id, r.form, r.wave, r.language, r.audience,
                    r.created_at, r.opened_at is not None, r.used_at is not None, r.expires_at,
                    status])
    return pd.DataFrame(out, columns=PROGRESS_COLUMNS)


def progress_totals(table: pd.DataFrame) -> pd.DataFrame:
    """Cards per form and wave: ``form, wave, cards, opened, answered, open, revoked, expired``.

    ``cards`` counts the cards not revoked; ``open`` those that can still be answered.
    """
    cols = ["form", "wave", "cards", "opened", "answered", "open", "revoked", "expired"]
    if table.empty:
        return pd.DataFrame(columns=cols)
    g = table.assign(
        live=table["status"] != "revoked",
        open_=table["status"].isin(["waiting", "opened"]),
        revoked=table["status"] == "revoked",
        expired=table["status"] == "expired",
        opened_live=table["opened"] & (table["status"] != "revoked"),
    ).groupby(["form", "wave"], sort=True)
    out = pd.DataFrame({
        "cards": g["live"].sum(), "opened": g["opened_live"].sum(), "answered": g["answered"].sum(),
        "open": g["open_"].sum(), "revoked": g["revoked"].sum(), "expired": g["expired"].sum(),
    }).reset_index()
    for c in cols[2:]:
        out[c] = out[c].astype(int)
    return out[cols]
