"""The participant forms server: pages from tokens, one use, nothing else served (issue 14).

``FormPages`` is tested in-process (fast); the HTTP part with a real server on
127.0.0.1 in a thread, stopped at the end of each test.
"""

from __future__ import annotations

import queue
import re
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pandas as pd
import pytest

import cocope_kit as ck
from cocope_kit import invitations as inv
from cocope_kit.formserver import LANGUAGES, FormPages, lan_address, serve
from cocope_kit.instruments import load_instrument
from cocope_kit.widgets.network import level_choices
from cocope_kit.widgets.survey import survey_items

sys.path.insert(0, str(Path(__file__).parent / "browser"))
from _store import COP, RATEES, RATER, STUDENT, make_store  # noqa: E402

SECRET_BITS = ["at-test", "Pausenhof", "Anna", "Gina", "withdrawn", "m7", "cop_climate"]


@pytest.fixture
def store_path(tmp_path):
    path = tmp_path / "forms.sqlite"
    make_store(path)
    return path


@pytest.fixture
def store(store_path):
    s = ck.open_store(store_path)
    yield s
    s.close()


def _fields(page_html: str, choose: int = 0, skip: int = 0) -> dict[str, str]:
    """Answer every radio group of a page with its ``choose``-th choice (leave out ``skip``)."""
    names = list(dict.fromkeys(re.findall(r'type="radio" name="([^"]+)"', page_html)))
    out = {}
    for name in names[skip:]:
        values = re.findall(rf'name="{re.escape(name)}" value="([^"]+)"', page_html)
        out[name] = values[choose]
    return out


def test_student_card_shows_easy_read_form_in_its_language(store):
    (card,) = inv.create_invitations(store, COP, "cop_climate", "post", members=[STUDENT])
    page = FormPages(store).get(card.token)
    assert page.kind == "form" and page.status == 200
    title = load_instrument("cop_climate").title_for("de", easy_read=True)
    assert title == "Wie es uns in unserer Gruppe geht"  # the easy-read title, not the adult one
    assert '<html lang="de">' in page.html and f"<title>{title}</title>" in page.html
    assert f">{title}</h1>" in page.html
    items = survey_items("cop_climate", audience="student", language="de", easy_read=True)
    for it in items:
        assert it.text.replace("'", "&#39;") in page.html
    assert page.html.count('role="radiogroup"') == len(items)
    assert "Teilnehmende Person: Student B" in page.html
    assert STUDENT not in page.html and card.invitation_id not in page.html


def test_all_five_languages_set_lang_and_title(store):
    for lang in LANGUAGES:
        (card,) = inv.create_invitations(store, COP, "working_together", "post", anonymous=1,
                                         language=lang)
        page = FormPages(store).get(card.token)
        assert f'<html lang="{lang}">' in page.html
        assert f"<title>{load_instrument('working_together').title[lang]}</title>" in page.html


def test_incomplete_submit_stores_nothing_and_points_at_the_first_missing(store):
    (card,) = inv.create_invitations(store, COP, "working_together", "post", anonymous=1)
    pages = FormPages(store)
    form = pages.get(card.token).html
    fields = _fields(form, skip=2)  # questions 1 and 2 left out
    page = pages.post(card.token, {"t": card.token, **fields})
    assert page.kind == "form" and store.count("response") == 0
    first = re.search(r"<input[^>]*data-focus[^>]*>", page.html).group(0)
    assert 'name="q:wt_coop_1"' in first
    assert page.html.count('aria-invalid="true"') == 2
    assert 'href="#q1"' in page.html and 'href="#q2"' in page.html
    # the answers given are kept
    for name, value in fields.items():
        assert f'name="{name}" value="{value}" checked' in page.html


def test_submit_stores_exactly_the_answers_once(store):
    (card,) = inv.create_invitations(store, COP, "working_together", "post", anonymous=1,
                                     language="nl")
    pages = FormPages(store)
    fields = _fields(pages.get(card.token).html, choose=1)
    fields["q:wt_coop_2"] = "dont_know"
    fields["role"] = "parent"
    page = pages.post(card.token, {"t": card.token, **fields})
    assert page.kind == "thanks" and "Dank je wel!" in page.html
    resp = store.read("response")
    assert len(resp) == 1
    assert resp[["cop_id", "instrument_id", "wave", "language", "respondent_role"]].iloc[0].tolist() \
        == [COP, "working_together", "post", "nl", "parent"]
    answers = store.read("answer").set_index("item_id")
    expected = {k[2:]: v for k, v in fields.items() if k.startswith("q:")}
    assert set(answers.index) == set(expected)
    for item_id, value in expected.items():
        if value == "dont_know":
            assert answers.loc[item_id, "status"] == "dont_know"
            assert pd.isna(answers.loc[item_id, "value"]) and pd.isna(answers.loc[item_id, "text"])
        else:
            assert answers.loc[item_id, "value"] == float(value)
    again = pages.post(card.token, {"t": card.token, **fields})
    assert again.kind == "used" and "Al beantwoord" in again.html
    assert pages.get(card.token).kind == "used"
    assert store.count("response") == 1 and store.count("answer") == len(expected)


def test_network_card_rates_the_others_by_pseudonym(store):
    (card,) = inv.create_invitations(store, COP, "collaboration_network", "post",
                                     members=[RATER], language="en")
    pages = FormPages(store)
    html_ = pages.get(card.token).html
    for label, _ in level_choices("en"):
        assert label in html_
    for ps in ("Student B", "Parent C", "Teacher D"):
        assert f"{ps}:" in html_
    assert not any(m in html_ for m in [*RATEES, RATER])  # no member ids in the page
    fields = _fields(html_, choose=3)
    names = list(fields)
    fields[names[1]] = "0"
    page = pages.post(card.token, {"t": card.token, **fields})
    assert page.kind == "thanks"
    got = store.read("pair_rating").sort_values("ratee_id")
    assert got[["rater_id", "ratee_id", "level"]].values.tolist() == [
        [RATER, RATEES[0], 3], [RATER, RATEES[1], 0], [RATER, RATEES[2], 3]]
    assert pages.post(card.token, {"t": card.token, **fields}).kind == "used"
    assert store.count("pair_rating") == 3


def test_cards_speak_the_cards_language_and_students_get_the_easy_title(store):
    from cocope_kit.cards import render_cards

    cards = inv.create_invitations(store, COP, "cop_climate", "post", members=[STUDENT],
                                   now=None)
    cards += inv.create_invitations(store, COP, "cop_climate", "post", anonymous=1,
                                    audience="adult", language="sk")
    page = render_cards(cards, "http://192.168.1.20:8866")
    assert '<html lang="de">' in page and "<title>Einladungskarten</title>" in page
    assert "Auf A4 in 100 % (ohne Skalierung) drucken" in page and "Print on A4" not in page
    inst = load_instrument("cop_climate")
    assert f'<h2 lang="de">{inst.title_for("de", easy_read=True)}</h2>' in page
    assert f'<h2 lang="sk">{inst.title["sk"]}</h2>' in page
    assert "Pre: Student B" not in page and "Für: Student B" in page
    assert "Kartička 2" in page and "Naskenujte kód" in page
    # the QR code scales to its 30 mm box: a viewBox, no fixed pixel size
    svgs = re.findall(r"<svg[^>]*>", page)
    assert len(svgs) == 2 and all('viewBox="0 0 ' in s and "width=" not in s for s in svgs)


def test_student_network_card_shows_easy_read_labels(store):
    # a student rating the others reads the plain level labels and question, in German
    (card,) = inv.create_invitations(store, COP, "collaboration_network", "post",
                                     members=[STUDENT])
    html_ = FormPages(store).get(card.token).html
    inst = load_instrument("collaboration_network")
    easy, adult = level_choices("de", easy_read=True), level_choices("de")
    assert [lab for lab, _ in easy] != [lab for lab, _ in adult]
    for (label, _), (adult_label, _) in zip(easy, adult, strict=True):
        assert label.replace("'", "&#39;") in html_
        assert adult_label.replace("'", "&#39;") not in html_
    question = inst.text(inst.items[0].id, "de", easy_read=True)
    assert question.replace("'", "&#39;") in html_
    assert f"<title>{inst.title_for('de', easy_read=True)}</title>" in html_


@pytest.mark.parametrize("token", ["", "x" * 32, "abc", "<script>alert(1)</script>"])
def test_bad_tokens_get_one_neutral_page(store, token):
    page = FormPages(store).get(token)
    assert (page.status, page.kind) == (404, "invalid")
    assert "This link cannot be opened" in page.html
    for bit in SECRET_BITS:
        assert bit not in page.html
    assert "<script>alert" not in page.html


def test_expired_and_revoked_look_like_unknown(store):
    from datetime import UTC, datetime, timedelta

    old = datetime.now(UTC) - timedelta(days=30)
    (expired,) = inv.create_invitations(store, COP, "cop_climate", "post", anonymous=1, now=old)
    (revoked,) = inv.create_invitations(store, COP, "cop_climate", "post", anonymous=1,
                                        language="en")
    inv.revoke(store, revoked.invitation_id)
    unknown = FormPages(store).get("y" * 32)
    pages = [FormPages(store).get(c.token) for c in (expired, revoked)]
    assert pages[1].html == unknown.html  # the same page, byte for byte
    assert pages[0].kind == "invalid" and "Dieser Link kann nicht" in pages[0].html
    assert FormPages(store).post(expired.token, {"q:cl_safety_1": "3"}).kind == "invalid"
    assert store.count("response") == 0


# ---------------------------------------------------------------- HTTP


def _serving(store_path, **kwargs):
    import tornado.ioloop

    started: queue.Queue = queue.Queue()
    thread = threading.Thread(
        target=serve, args=(store_path,),
        kwargs=dict(port=0, say=lambda _m: None, **kwargs,
                    ready=lambda port: started.put((port, tornado.ioloop.IOLoop.current()))),
        daemon=True)
    thread.start()
    port, loop = started.get(timeout=30)
    return port, loop, thread


@pytest.fixture
def server(store_path):
    port, loop, thread = _serving(store_path)
    yield f"http://127.0.0.1:{port}"
    loop.add_callback(loop.stop)
    thread.join(timeout=10)


def test_https_with_certfile_and_keyfile(store_path):
    import ssl

    import tornado.test

    # tornado's own self-signed test certificate (CN foo.example.com)
    here = Path(tornado.test.__file__).parent
    port, loop, thread = _serving(store_path, certfile=str(here / "test.crt"),
                                  keyfile=str(here / "test.key"))
    try:
        ctx = ssl.create_default_context(cafile=str(here / "test.crt"))
        ctx.check_hostname = False
        with urllib.request.urlopen(f"https://127.0.0.1:{port}/static/forms.css", context=ctx,
                                    timeout=10) as r:
            assert r.status == 200 and b".choice" in r.read()
        with pytest.raises((urllib.error.URLError, ConnectionError)):  # plain HTTP: no page
            urllib.request.urlopen(f"http://127.0.0.1:{port}/static/forms.css", timeout=5)
    finally:
        loop.add_callback(loop.stop)
        thread.join(timeout=10)


def _http(url, data=None):
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    try:
        with urllib.request.urlopen(url, data=body, timeout=10) as r:
            return r.status, dict(r.headers), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode()


@pytest.mark.parametrize("path", [
    "/voila/tree", "/voila/render/survey.ipynb?cop=at-test&instrument=cop_climate&wave=post",
    "/voila/render/network.ipynb?cop=at-test&wave=post&rater=at-test:m1", "/api/kernels",
    "/api/contents", "/api/sessions", "/tree", "/lab", "/static/../formserver.py",
    "/static/page.html.j2", "/voila/static/voila.js", "/?cop=at-test&instrument=cop_climate&wave=post",
    "/?t=at-test:m1", "/files/forms.sqlite", "/forms.sqlite",
])
def test_server_serves_nothing_but_forms(server, path):
    status, headers, body = _http(server + path)
    assert status == 404
    assert "This link cannot be opened" in body
    for bit in SECRET_BITS:
        assert bit not in body
    assert "Server" not in headers


def test_server_headers_and_a_whole_submit(server, store_path):
    with ck.open_store(store_path) as s:
        (card,) = inv.create_invitations(s, COP, "working_together", "post", anonymous=1)
    status, headers, body = _http(f"{server}/?t={card.token}")
    assert status == 200
    assert headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert headers["Referrer-Policy"] == "no-referrer" and headers["Cache-Control"] == "no-store"
    assert "http://" not in body and "https://" not in body  # nothing from elsewhere
    for name in ("forms.css", "forms.js"):
        st, hd, _ = _http(f"{server}/static/{name}")
        assert st == 200 and hd["Content-Type"].startswith(("text/css", "text/javascript"))
    fields = _fields(body)
    status, _, body = _http(server + "/", {"t": card.token, **fields})
    assert status == 200 and "Vielen Dank!" in body
    status, _, body = _http(server + "/", {"t": card.token, **fields})
    assert status == 200 and "Schon beantwortet" in body
    with ck.open_store(store_path) as s:
        assert s.count("response") == 1


def test_announce_warns_on_the_network_and_https_needs_both_files(store_path):
    from cocope_kit.errors import UsageError
    from cocope_kit.formserver import announce

    local = announce("s", "127.0.0.1", 8866)
    assert "WARNING" not in " ".join(local) and "--host 0.0.0.0" in local[1]
    lan = announce("s", "0.0.0.0", 9000, https=True, lan="10.0.0.7")
    assert lan[1].startswith("WARNING") and lan[2].endswith("--base-url https://10.0.0.7:9000")
    assert "No network address" in announce("s", "0.0.0.0", 1, lan=None)[2]
    with pytest.raises(UsageError, match="both --certfile and --keyfile"):
        serve(store_path, certfile="cert.pem")
    with pytest.raises(UsageError, match="cannot use certificate"):
        serve(store_path, certfile=str(store_path), keyfile=str(store_path))


def test_lan_address_is_none_or_a_private_looking_address():
    addr = lan_address()
    assert addr is None or re.fullmatch(r"\d+\.\d+\.\d+\.\d+", addr)
    assert addr is None or not addr.startswith("127.")


def test_member_text_is_escaped_on_pages_and_cards(store):
    from cocope_kit.cards import render_cards

    store.update("member", {"member_id": f"{COP}:m3", "pseudonym": "<img src=x onerror=alert(1)>"})
    (card,) = inv.create_invitations(store, COP, "collaboration_network", "post", members=[RATER])
    page = FormPages(store).get(card.token).html
    assert "&lt;img src=x onerror=alert(1)&gt;:" in page and "<img src=x" not in page
    (own,) = inv.create_invitations(store, COP, "cop_climate", "post", members=[f"{COP}:m3"])
    cards = render_cards([own], "http://h:1")
    assert "&lt;img src=x onerror=alert(1)&gt;" in cards and "<img src=x" not in cards


def test_tokens_never_reach_the_log(server, store_path, caplog):
    import logging

    with ck.open_store(store_path) as s:
        (card,) = inv.create_invitations(s, COP, "working_together", "post", anonymous=1)
    with caplog.at_level(logging.DEBUG):
        _http(f"{server}/?t={card.token}")
        _http(f"{server}/?t=made-up-token-1234567")
        _http(server + "/", {"t": card.token})
        for _ in range(100):  # the server logs a request after it has answered it
            if "POST /" in caplog.text:
                break
            time.sleep(0.02)
    text = caplog.text
    assert "GET /" in text and "POST /" in text
    assert card.token not in text and "made-up-token" not in text


def test_every_page_and_card_text_comes_from_the_catalogs_in_five_languages():
    from cocope_kit import cards, formserver
    from cocope_kit.form_texts import FORM_TEXTS, ROLE_TEXTS, form_text, role_text
    from cocope_kit.i18n import translator

    for key, english in FORM_TEXTS.items():
        fmt = {"n": 3, "total": 9, "name": "Teacher A", "date": "2026-12-19"}
        texts = {lang: form_text(key, lang, **fmt) for lang in LANGUAGES}
        assert texts["en"] == english.format(**fmt)
        assert len(set(texts.values())) == len(LANGUAGES), key  # really translated
        for lang in LANGUAGES:  # the pages and cards show the catalog's text
            assert translator(lang).gettext(english).format(**fmt) == texts[lang]
            if "{" not in english:
                assert formserver.page_text(key, lang) == texts[lang]
            if "{" not in english:
                assert cards.card_text(key, lang) == texts[lang]
    for role in ROLE_TEXTS:
        assert len({role_text(role, lang) for lang in LANGUAGES}) == len(LANGUAGES), role
    assert form_text("submit", "fi") == FORM_TEXTS["submit"]  # no texts for fi: English
    assert formserver._best_language("sk-SK,sk;q=0.9,en;q=0.5") == "sk"
    assert formserver._best_language("fr-FR, pt;q=0.8") == "pt"
    assert formserver._best_language("fr") == formserver._best_language(None) == "en"
