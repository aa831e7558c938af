"""The participant forms server (``cocope forms``): invitation links in, answers stored.

Each page is rendered on the server from a Jinja2 template (autoescape on) as
plain HTML with native form controls, and a submit is one HTTP POST. There is
no notebook, no Jupyter kernel and no way to run code: the server answers
exactly four URLs and a neutral "not found" page for everything else.

========================  ==================================================
URL                       answer
========================  ==================================================
``GET /?t=TOKEN``         the form of the invitation, "already answered",
                          or one neutral "this link cannot be opened"
``POST /``                the answers (with the token); stored together with
                          the used mark in one transaction
                          (:func:`cocope_kit.invitations.redeem`)
``GET /static/forms.css`` the page's style and its small script
``GET /static/forms.js``
anything else             404 with the neutral page
========================  ==================================================

Why not Voilà, which served these forms before: every Voilà page is a Jupyter
kernel (93 MB resident once the form is built, measured 2026-12-05; about 107 MB
and 27-36 s for 20 pages opened together in issue 14), so 30 participants need
about 3 GB, twice the goal of 1.5 GB, however quickly kernels are culled; and
the page's kernel websocket takes execute requests from the browser (Voilà
0.5 only hides the ``execute_input`` messages going out, see
``voila/tornado/kernel_websocket_handler.py``), so a form page is a way to run
code. Rendering on the server needs one process of about 100 MB whatever the
class size, shows a form in milliseconds, and works without JavaScript
(``benchmarks/forms.py`` measures a class of 30).

Every response carries a strict Content-Security-Policy (only this server's
own CSS and script), ``Referrer-Policy: no-referrer`` (the token in the address
never leaves the page) and ``Cache-Control: no-store``; nothing is loaded from
the internet. Tracebacks never reach a participant; they go to the log.

Examples
--------
>>> import cocope_kit as ck
>>> from cocope_kit import invitations as inv
>>> from cocope_kit.formserver import FormPages
>>> store = ck.open_store(":memory:")
>>> _ = store.insert("cop", {"cop_id": "be-1", "name": "Reading buddies", "school": "GO! Gent",
...                          "country": "BE", "language": "nl", "created_on": "2026-01-12"})
>>> (card,) = inv.create_invitations(store, "be-1", "working_together", "post", anonymous=1)
>>> page = FormPages(store).get(card.token)
>>> page.status, page.kind, '<html lang="nl">' in page.html
(200, 'form', True)
>>> FormPages(store).get("made-up-token-123456").kind
'invalid'
"""

from __future__ import annotations

import hashlib
import logging
import signal
import socket
import ssl
import threading
import traceback
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import invitations as inv_mod
from .errors import CocopeError, StoreError, UsageError
from .form_texts import form_text
from .instruments import load_instrument
from .model import Role, values

__all__ = [
    "LANGUAGES",
    "FormPages",
    "announce",
    "Page",
    "lan_address",
    "make_app",
    "page_text",
    "serve",
]

log = logging.getLogger("cocope_kit.forms")

#: Languages of the pages' own texts.
LANGUAGES = ("en", "de", "nl", "pt", "sk")
TEMPLATES = Path(__file__).with_name("templates")
STATIC_FILES = {"forms.css": "text/css; charset=utf-8",
                "forms.js": "text/javascript; charset=utf-8"}

def page_text(key: str, language: str = "en") -> str:
    """A text of the pages in ``language`` (English where there is none).

    The texts are :data:`cocope_kit.form_texts.FORM_TEXTS`, translated by the catalogs.

    >>> page_text("invalid_title", "nl")
    'Deze link kan niet worden geopend'
    """
    return form_text(key, language)


def _best_language(accept: str | None) -> str:
    """The first of :data:`LANGUAGES` named in an Accept-Language header, else English."""
    for part in (accept or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return "en"


@lru_cache(maxsize=1)
def _env():
    import jinja2

    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)),
                              autoescape=True, trim_blocks=False, lstrip_blocks=False)


@dataclass(frozen=True)
class Page:
    """A rendered page: HTTP status, what it is (``form``, ``thanks``, ``used``,
    ``invalid``, ``error``) and its HTML."""

    status: int
    kind: str
    html: str


def _fmt(v: object) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


class FormPages:
    """The pages of the forms server, without the HTTP part (tests call it directly).

    Parameters
    ----------
    store : Store
    static : str
        Where the page finds ``forms.css`` and ``forms.js`` (relative by default,
        so the server also works behind a path prefix).
    """

    def __init__(self, store, *, static: str = "static/"):
        self.store = store
        self.static = static

    # ------------------------------------------------------------ pages
    def _render(self, template: str, status: int, kind: str, **ctx) -> Page:
        html_ = _env().get_template(template).render(static=self.static, **ctx)
        return Page(status, kind, html_)

    def message(self, kind: str, language: str) -> Page:
        """A page with one message: ``invalid``, ``used``, ``thanks`` or ``error``."""
        lang = language if language in LANGUAGES else "en"
        if kind == "invalid":
            head, paras, status, ok = "invalid_title", ["invalid_text"], 404, False
        elif kind == "used":
            head, paras, status, ok = "used_title", ["used_text"], 200, True
        elif kind == "thanks":
            head, paras, status, ok = "thanks_title", ["thanks"], 200, True
        else:
            head, paras, status, ok = "error_title", ["error_text"], 500, False
        heading = page_text(head, lang)
        return self._render("message.html.j2", status, kind, lang=lang, title=heading,
                            heading=heading, paragraphs=[page_text(p, lang) for p in paras], ok=ok)

    def get(self, token: str | None, accept_language: str | None = None) -> Page:
        """The page for a link: the form, "already answered" or the neutral message."""
        opened = inv_mod.open_invitation(self.store, token or "")
        lang = opened.language or _best_language(accept_language)
        if opened.status != "open":
            return self.message(opened.status, lang)
        return self._form(token, opened.invitation, {}, submitted=False)

    def post(self, token: str | None, fields: Mapping[str, str],
             accept_language: str | None = None) -> Page:
        """Store the answers of one submit, or show the form again with what is missing."""
        opened = inv_mod.open_invitation(self.store, token or "")
        lang = opened.language or _best_language(accept_language)
        if opened.status != "open":
            return self.message(opened.status, lang)
        invitation = opened.invitation
        if invitation.form == inv_mod.NETWORK_FORM:
            parsed, build, missing = self._network_answers(token, invitation, fields)
        else:
            parsed, build, missing = self._survey_answers(invitation, fields)
        if missing:
            return self._form(token, invitation, fields, submitted=True)
        result = inv_mod.redeem(self.store, token, build)
        if result.status != "stored":
            return self.message(result.status, lang)
        return self.message("thanks", lang)

    # ------------------------------------------------------------ survey
    def _survey_items(self, invitation):
        from .widgets.survey import survey_items

        return survey_items(invitation.form, audience=invitation.audience,
                            language=invitation.language, easy_read=invitation.easy_read)

    def _survey_answers(self, invitation, fields):
        from .widgets.survey import build_response, is_answered

        items = self._survey_items(invitation)
        answers: dict[str, object] = {}
        for it in items:
            raw = str(fields.get(f"q:{it.item_id}", "") or "")
            if it.kind == "text":
                answers[it.item_id] = raw.strip()[:5000] or None
            else:
                by_text = {_fmt(v): v for _, v in it.choices}
                answers[it.item_id] = by_text.get(raw)
        missing = [it for it in items if it.required and not is_answered(it, answers[it.item_id])]
        role = str(fields.get("role", "") or "")
        role = role if role in values(Role) else None
        inst = load_instrument(invitation.form)

        def build(i):
            if i.member_id is not None:
                member = self.store.read("member", where={"member_id": i.member_id})
                respondent, who_role = i.member_id, str(member["role"].iloc[0])
            else:
                respondent, who_role = uuid.uuid4().hex, role
            return build_response(inst, {k: v for k, v in answers.items() if v is not None},
                                  cop_id=i.cop_id, wave=i.wave, language=i.language,
                                  respondent_id=respondent, respondent_role=who_role,
                                  audience=i.audience)

        return answers, build, missing

    # ------------------------------------------------------------ network
    def _targets(self, invitation):
        from .widgets.network import rating_targets

        return rating_targets(self.store, invitation.cop_id, invitation.member_id)

    @staticmethod
    def _key(token: str, member_id: str) -> str:
        # a field name that stays the same for this card and never shows a member id
        return "r:" + hashlib.sha256(f"{token}\x00{member_id}".encode()).hexdigest()[:16]

    def _network_answers(self, token, invitation, fields):
        from .widgets.network import build_pair_ratings

        targets = self._targets(invitation)
        ratings: dict[str, int | None] = {}
        for m in targets["member_id"]:
            raw = str(fields.get(self._key(token, m), "") or "")
            ratings[m] = int(raw) if raw in ("0", "1", "2", "3") else None
        missing = [m for m, v in ratings.items() if v is None]

        def build(i):
            return build_pair_ratings(ratings, cop_id=i.cop_id, wave=i.wave,
                                      rater_id=i.member_id, targets=list(ratings))

        return ratings, build, missing

    # ------------------------------------------------------------ the form page
    def _form(self, token: str, invitation, fields: Mapping[str, str], *,
              submitted: bool) -> Page:
        from .widgets.survey import role_label, ui_text

        lang = invitation.language
        inst = load_instrument(invitation.form)
        title = inst.title_for(lang, easy_read=invitation.easy_read)
        ctx = dict(lang=lang, title=title, heading=title, token=token, action="./",
                   submit=ui_text("submit", lang), need_text=page_text("need", lang),
                   missing_text=ui_text("missing", lang), who=None, role=None, levels=None,
                   progress_pattern=ui_text("progress", lang, n="{n}", total="{total}"))
        who = None
        if invitation.member_id is not None:
            member = self.store.read("member", where={"member_id": invitation.member_id})
            who = ui_text("participant", lang, name=str(member["pseudonym"].iloc[0]))
        questions: list[dict] = []
        if invitation.form == inv_mod.NETWORK_FORM:
            targets = self._targets(invitation)
            if targets.empty:
                return self._render("message.html.j2", 200, "nobody", lang=lang, title=title,
                                    heading=title, ok=False,
                                    paragraphs=[ui_text("network_nobody", lang)])
            from .widgets.network import level_choices

            item = inst.items[0]
            question = inst.text(item.id, lang, easy_read=invitation.easy_read)
            q_lang = None if lang in item.text else "en"
            choices = level_choices(lang, easy_read=invitation.easy_read)
            for n, m in enumerate(targets.itertuples(index=False), start=1):
                name = self._key(token, m.member_id)
                value = str(fields.get(name, "") or "")
                questions.append(dict(
                    kind="choice", number=None, anchor=f"q{n}", name=name, required=True,
                    text=f"{m.pseudonym}: {question}", text_lang=q_lang, optional="",
                    horizontal=False,
                    missing=submitted and value not in ("0", "1", "2", "3"),
                    choices=[dict(label=label, value=str(v), checked=value == str(v), dk=False)
                             for label, v in choices]))
            ctx.update(intro=ui_text("network_intro", lang), who=who)
        else:
            from .widgets.survey import DONT_KNOW, is_answered

            for it in self._survey_items(invitation):
                name = f"q:{it.item_id}"
                raw = str(fields.get(name, "") or "")
                q = dict(kind=it.kind, number=it.number, anchor=f"q{it.number}", name=name,
                         required=it.required, text=it.text,
                         text_lang=it.language if it.language != lang else None,
                         optional="" if it.required else ui_text("optional", lang))
                if it.kind == "text":
                    q.update(value=raw, horizontal=False,
                             missing=submitted and it.required and not raw.strip())
                else:
                    labels = [lab for lab, _ in it.choices]
                    by_text = {_fmt(v): v for _, v in it.choices}
                    q.update(horizontal=len(labels) <= 7 and max(map(len, labels)) <= 30,
                             missing=submitted and it.required
                             and not is_answered(it, by_text.get(raw)),
                             choices=[dict(label=lab, value=_fmt(v), checked=raw == _fmt(v),
                                           dk=v == DONT_KNOW) for lab, v in it.choices])
                questions.append(q)
            ctx.update(intro=ui_text("intro", lang), who=who)
            if invitation.member_id is None:
                preset = {"student": "student", "family": "parent"}.get(invitation.audience, "")
                chosen = str(fields.get("role", preset) or "")
                ctx["role"] = dict(
                    label=ui_text("role", lang), value=chosen,
                    options=[(ui_text("role_none", lang), "")]
                    + [(role_label(r, lang), r) for r in values(Role)])
        missing = [q for q in questions if q["missing"]]
        if missing:
            missing[0]["focus"] = True
        ctx["missing"] = [dict(anchor=q["anchor"],
                               label=(f"{q['number']}. " if q["number"] else "") + _short(q["text"]))
                          for q in missing]
        answered = sum(1 for q in questions if _has_value(q, fields))
        ctx["questions"] = questions
        ctx["progress"] = ui_text("progress", lang, n=answered, total=len(questions))
        return self._render("form.html.j2", 200, "form", **ctx)


def _has_value(q: dict, fields: Mapping[str, str]) -> bool:
    if q["kind"] == "text":
        return bool(str(fields.get(q["name"], "") or "").strip())
    return any(c["checked"] for c in q["choices"])


def _short(text: str, n: int = 70) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


# ---------------------------------------------------------------- HTTP


_HEADERS = {
    "Content-Security-Policy": ("default-src 'none'; style-src 'self'; script-src 'self'; "
                                "img-src 'self'; form-action 'self'; base-uri 'none'; "
                                "frame-ancestors 'none'"),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


def _access_log(handler) -> None:
    """One line per request, without the query string: a token never reaches a log."""
    r = handler.request
    log.info("%d %s %s %.0f ms", handler.get_status(), r.method, r.path,
             1000 * r.request_time())


def _without_values(message: str) -> str:
    """A tornado log message up to its first colon: the kind of problem, never the value.

    >>> _without_values("Invalid unicode in t: b'AbC\\\\xff'")
    'Invalid unicode in t'
    """
    return message.split(":", 1)[0]


def make_app(store, *, on_page: Callable[[Page], None] | None = None):
    """The tornado application serving the forms of ``store`` (and nothing else).

    ``on_page`` is called with every page served (tests and the benchmark count them).
    """
    import tornado.web

    pages = FormPages(store)

    class Base(tornado.web.RequestHandler):
        def set_default_headers(self):
            self.clear_header("Server")
            for k, v in _HEADERS.items():
                self.set_header(k, v)

        def compute_etag(self):  # pages are never cached (Cache-Control: no-store)
            return None

        def send(self, page: Page) -> None:
            if on_page is not None:
                on_page(page)
            self.set_status(page.status)
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.finish(page.html)

        def log_exception(self, typ, value, tb):
            # tornado's own logging names the request with its query string, and its
            # messages quote the argument that failed to decode: both may hold a token.
            # Method, path and status only; the traceback is logged by write_error.
            if isinstance(value, tornado.web.HTTPError):
                if value.log_message:
                    log.warning("forms server: %d %s %s: request refused (%s)",
                                value.status_code, self.request.method, self.request.path,
                                _without_values(value.log_message))

        def write_error(self, status_code, **kwargs):
            if "exc_info" in kwargs and status_code >= 500:
                log.error("forms server: %s %s: %s", self.request.method, self.request.path,
                          "".join(traceback.format_exception(*kwargs["exc_info"])))
            lang = _best_language(self.request.headers.get("Accept-Language"))
            page = pages.message("invalid" if status_code in (404, 405) else "error", lang)
            self.set_status(status_code)
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.finish(page.html)

    class FormHandler(Base):
        def get(self):
            self.send(pages.get(self.get_query_argument("t", ""),
                                self.request.headers.get("Accept-Language")))

        def post(self):
            token = self.get_body_argument("t", "") or self.get_query_argument("t", "")
            fields = {k: self.get_body_argument(k, "") for k in self.request.body_arguments}
            try:
                page = pages.post(token, fields, self.request.headers.get("Accept-Language"))
            except CocopeError as e:  # a tampered or stale submit: nothing stored
                log.warning("forms server: submit refused: %s", e)
                page = pages.message("error", _best_language(
                    self.request.headers.get("Accept-Language")))
            self.send(page)

    class StaticHandler(Base):
        def get(self, name):
            if name not in STATIC_FILES:
                raise tornado.web.HTTPError(404)
            self.set_header("Content-Type", STATIC_FILES[name])
            self.set_header("Cache-Control", "max-age=3600")
            self.finish((TEMPLATES / "static" / name).read_bytes())

    class NotFound(Base):
        def prepare(self):
            raise tornado.web.HTTPError(404)

    return tornado.web.Application(
        [(r"/", FormHandler), (r"/static/([a-z]+\.(?:css|js))", StaticHandler)],
        default_handler_class=NotFound, compress_response=True, xsrf_cookies=False,
        log_function=_access_log,
        debug=False, serve_traceback=False, autoreload=False,
    )


def lan_address() -> str | None:
    """The address other devices of the local network reach this machine by, if any.

    Opens no connection: a UDP socket is only pointed at a documentation address
    (RFC 5737) so that the system picks the outgoing interface.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))
            addr = s.getsockname()[0]
        except OSError:
            return None
    return None if addr.startswith("127.") or addr == "0.0.0.0" else addr


def announce(store_path, host: str, port: int, *, https: bool = False,
             lan: str | None = None) -> list[str]:
    """What ``cocope forms`` prints when it starts: where it listens, and a warning on a network.

    >>> for line in announce("s.sqlite", "0.0.0.0", 8866, lan="192.168.1.20"):
    ...     print(line)
    Participant forms of s.sqlite at http://0.0.0.0:8866/ (Ctrl+C stops)
    WARNING: the forms are reachable by every device of this network. Invitation links are the only key; stop the server (Ctrl+C) when the session is over.
    Address for the invitation cards: --base-url http://192.168.1.20:8866
    """
    scheme = "https" if https else "http"
    out = [f"Participant forms of {store_path} at {scheme}://{host}:{port}/ (Ctrl+C stops)"]
    if host in ("0.0.0.0", "::", ""):
        out.append("WARNING: the forms are reachable by every device of this network. "
                   "Invitation links are the only key; stop the server (Ctrl+C) when the "
                   "session is over.")
        if lan:
            out.append(f"Address for the invitation cards: --base-url {scheme}://{lan}:{port}")
        else:
            out.append("No network address found: is this computer connected to the "
                       "school network?")
    elif host.startswith("127.") or host == "localhost":
        out.append("Only this computer can open the forms; --host 0.0.0.0 serves the school "
                   "network.")
    return out


def serve(store_path, *, host: str = "127.0.0.1", port: int = 8866,
          certfile: str | None = None, keyfile: str | None = None,
          say: Callable[[str], None] = print, ready: Callable[[int], None] | None = None) -> None:
    """Serve the forms of the store at ``store_path`` until interrupted (Ctrl+C).

    Parameters
    ----------
    store_path : path
        An existing store (the forms never create one).
    host : str
        ``127.0.0.1`` (default: this computer only) or ``0.0.0.0`` for the school
        network (a warning and the LAN address are printed).
    port : int
        0 picks a free port (``ready`` gets the port).
    certfile, keyfile : str, optional
        Serve HTTPS with this certificate and key.
    """
    import asyncio

    import tornado.httpserver
    import tornado.ioloop
    import tornado.netutil

    from .store import open_store

    path = Path(store_path)
    if not path.is_file():
        raise StoreError(f"store {path} not found; create it first (cocope demo --out {path}, "
                         "or your school's store)")
    if (certfile is None) != (keyfile is None):
        raise UsageError("HTTPS needs both --certfile and --keyfile")
    ssl_ctx = None
    if certfile:
        ssl_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        try:
            ssl_ctx.load_cert_chain(certfile, keyfile)
        except (OSError, ssl.SSLError) as e:
            raise UsageError(f"cannot use certificate {certfile} with key {keyfile}: {e}") from None
    store = open_store(path)
    app = make_app(store)
    asyncio.set_event_loop(asyncio.new_event_loop())
    server = tornado.httpserver.HTTPServer(app, ssl_options=ssl_ctx, max_body_size=1_000_000,
                                           xheaders=False)
    try:
        sockets = tornado.netutil.bind_sockets(port, address=host)
    except OSError as e:
        store.close()
        raise UsageError(f"cannot listen on {host}:{port} ({e.strerror}); is another server "
                         "running there? choose another --port") from None
    server.add_sockets(sockets)
    real_port = sockets[0].getsockname()[1]
    for line in announce(path, host, real_port, https=ssl_ctx is not None, lan=lan_address()):
        say(line)
    if ready is not None:
        ready(real_port)
    loop = tornado.ioloop.IOLoop.current()
    if threading.current_thread() is threading.main_thread():
        # Ctrl+C, and a plain kill (SIGTERM), stop the server cleanly: the store is closed
        def stop(_signum, _frame):
            loop.add_callback_from_signal(loop.stop)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
    try:
        loop.start()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        store.close()
        say("stopped")

