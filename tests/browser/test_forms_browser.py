"""The participant forms in a real browser: ``cocope forms`` + headless Chromium at phone size.

Every test makes its own invitations (in its own wave) in the session's store
and opens their links as a participant would, on a 390 x 844 viewport.
Screenshots for a human look go to ``tests/browser/screenshots/forms_*.png``.
"""

from __future__ import annotations

import re
import urllib.parse
from pathlib import Path

import pytest
from _pages import (
    ACTIVE,
    PHONE,
    assert_axe_clean,
    fill_by_keyboard,
    fill_by_mouse,
    groups,
    open_page,
    ratings,
    responses,
    submit,
)
from _store import COP, RATEES, RATER, STUDENT

import cocope_kit as ck
from cocope_kit.formserver import LANGUAGES

pytestmark = pytest.mark.browser

SECRET_BITS = ["at-test", "Pausenhof", "Anna", "Gina", "withdrawn", "Traceback"]


def _close(page) -> None:
    page.context.close()


def _children(pid: int) -> list[str]:
    """Process ids of a process's children (a kernel would be one)."""
    out = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        out += (task / "children").read_text().split()
    return out


def test_student_survey_is_stored_exactly_and_a_second_use_stores_nothing(forms, chromium,
                                                                          screenshots):
    (url,) = forms.invite("cop_climate", "b-student", members=[STUDENT])
    page = open_page(chromium, url)
    assert page.evaluate("document.documentElement.lang") == "de"
    chosen = fill_by_mouse(page, choose=lambda n, k: n % k)
    submit(page)
    heading = page.locator("h1#message")
    assert heading.inner_text() == "Vielen Dank!"
    assert page.evaluate(ACTIVE)["id"] == "message"  # focus went to the thank-you text
    page.screenshot(path=str(screenshots / "forms_thanks_de.png"))
    resp, ans = responses(forms.store_path, "b-student")
    assert resp[["respondent_id", "respondent_role", "instrument_id"]].values.tolist() == [
        [STUDENT, "student", "cop_climate"]]
    stored = {f"q:{r.item_id}": ("dont_know" if r.status == "dont_know" else f"{r.value:g}")
              for r in ans.itertuples() if r.status != "not_answered"}
    assert set(ans.status) <= {"answered", "dont_know"}  # every shown item was answered
    assert stored == chosen
    # reload (the browser sends the answers again), the link again, a second tab
    page.reload()
    assert "Schon beantwortet" in page.inner_text("h1")
    page.goto(url)
    assert "Schon beantwortet" in page.inner_text("h1")
    other = open_page(chromium, url)
    assert "Schon beantwortet" in other.inner_text("h1")
    assert len(responses(forms.store_path, "b-student")[0]) == 1
    _close(page)
    _close(other)


def test_two_tabs_and_double_clicks_store_one_response(forms, chromium):
    (url,) = forms.invite("working_together", "c-double", anonymous=1)
    a, b = open_page(chromium, url), open_page(chromium, url)
    fill_by_mouse(a)
    chosen = fill_by_mouse(b, choose=lambda n, k: 1)
    with a.expect_navigation():
        a.locator("button.submit").dblclick()
    assert a.inner_text("h1") == "Vielen Dank!"
    # the other tab still shows its form; its submit comes too late
    submit(b)
    assert "Schon beantwortet" in b.inner_text("h1")
    # a double submit that bypasses the page's script: the server stores nothing more
    token = urllib.parse.parse_qs(urllib.parse.urlparse(url).query)["t"][0]
    for _ in range(2):
        r = b.request.post(forms.base_url + "/", form={"t": token, **chosen})
        assert r.status == 200 and "Schon beantwortet" in r.text()
    assert len(responses(forms.store_path, "c-double")[0]) == 1
    _close(a)
    _close(b)


def test_teacher_rates_the_network_once(forms, chromium, screenshots):
    (url,) = forms.invite("collaboration_network", "d-network", members=[RATER], language="en")
    page = open_page(chromium, url)
    assert groups(page).count() == len(RATEES)
    assert not any(m in page.content() for m in RATEES)
    fill_by_mouse(page, choose=lambda n, k: n)  # levels 1, 2, 3
    page.screenshot(path=str(screenshots / "forms_network_en.png"))
    submit(page)
    got = ratings(forms.store_path, "d-network").sort_values("ratee_id")
    assert got[["rater_id", "ratee_id", "level"]].values.tolist() == [
        [RATER, RATEES[0], 1], [RATER, RATEES[1], 2], [RATER, RATEES[2], 3]]
    page.goto(url)
    assert page.inner_text("h1") == "Already answered. Thank you!"
    assert len(ratings(forms.store_path, "d-network")) == 3
    _close(page)


def test_bad_links_store_nothing_and_show_nothing(forms, chromium, screenshots):
    with ck.open_store(forms.store_path) as s:
        s.write({"cop": [{"cop_id": "pt-other", "name": "Recreio", "school": "EB Porto",
                          "country": "PT", "language": "pt", "created_on": "2026-01-12"}],
                 "member": [{"member_id": "pt-other:p1", "cop_id": "pt-other",
                             "pseudonym": "Prof X", "role": "teacher"}],
                 "consent": [{"member_id": "pt-other:p1", "kind": "consent", "status": "given",
                              "recorded_on": "2026-01-12"}]})
    (other,) = forms.invite("working_together", "e-bad", cop="pt-other", members=["pt-other:p1"])
    base = forms.base_url
    bad = [f"{base}/?t=" + "A" * 32,
           f"{base}/?cop={COP}&instrument=working_together&wave=e-bad",
           f"{base}/voila/render/survey.ipynb?cop={COP}&instrument=working_together&wave=e-bad",
           f"{base}/voila/render/network.ipynb?cop={COP}&wave=e-bad&rater={RATER}",
           f"{base}/voila/tree", f"{base}/api/kernels"]
    page = open_page(chromium, bad[0])
    page.screenshot(path=str(screenshots / "forms_error_en.png"))
    for url in bad:
        page.goto(url)
        text = page.content()
        assert "This link cannot be opened" in text, url
        assert page.locator("form").count() == 0
        for bit in SECRET_BITS:
            assert bit not in text, (url, bit)
    # another CoP's token with this CoP's ids added: it opens the other CoP's form only
    page.goto(other + f"&cop={COP}&respondent={RATER}&rater={RATER}")
    assert page.evaluate("document.documentElement.lang") == "pt"
    assert "Pausenhof" not in page.content()
    fill_by_mouse(page)
    submit(page)
    resp, _ = responses(forms.store_path, "e-bad")
    assert resp[["cop_id", "respondent_id"]].values.tolist() == [["pt-other", "pt-other:p1"]]
    _close(page)


def test_ten_participants_submit_at_once(forms, chromium):
    urls = forms.invite("working_together", "f-ten", anonymous=10, language="en")
    pages = [open_page(chromium, u) for u in urls]
    for p in pages:
        fill_by_mouse(p, choose=lambda n, k: 2)
    for p in pages:  # all ten submits leave before any answer comes back
        p.locator("button.submit").click(no_wait_after=True)
    for p in pages:
        p.wait_for_selector("h1#message", timeout=30_000)
        assert p.inner_text("h1") == "Thank you!"
    resp, ans = responses(forms.store_path, "f-ten")
    assert len(resp) == 10 and resp["respondent_id"].nunique() == 10
    assert len(ans) == 10 * 13 and set(ans["value"]) == {3.0}
    for p in pages:
        _close(p)


def test_offline_no_kernel_sticky_bar_and_focus_on_the_first_missing(forms, chromium,
                                                                      screenshots):
    (url,) = forms.invite("cop_climate", "g-offline", anonymous=1, language="en",
                          audience="student")
    ctx = chromium.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    seen = []

    def guard(route):
        seen.append(route.request.url)
        if urllib.parse.urlparse(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            route.abort()

    ctx.route("**/*", guard)
    page = ctx.new_page()
    page.goto(url)
    assert all(urllib.parse.urlparse(u).hostname == "127.0.0.1" for u in seen), seen
    assert {urllib.parse.urlparse(u).path for u in seen} == {"/", "/static/forms.css",
                                                             "/static/forms.js"}
    assert _children(forms.proc.pid) == []  # no kernel, no child process at all
    # the submit bar stays on screen while the participant scrolls
    page.mouse.wheel(0, 1500)
    page.wait_for_timeout(200)
    box = page.locator("button.submit").bounding_box()
    assert box and 0 <= box["y"] and box["y"] + box["height"] <= PHONE["height"]
    fill_by_mouse(page, skip=(4, 9))
    submit(page)
    # focus and scroll go to the first missing question (4), clear of the sticky bar
    active = page.evaluate(ACTIVE)
    assert active["type"] == "radio" and active["name"] == page.locator(
        "fieldset.missing").first.locator("input").first.get_attribute("name")
    assert page.locator("fieldset.missing").count() == 2
    q = page.locator("fieldset.missing").first.bounding_box()
    bar = page.locator(".bar").bounding_box()
    assert q["y"] >= 0 and q["y"] < bar["y"]
    page.screenshot(path=str(screenshots / "forms_missing_en.png"))
    assert len(responses(forms.store_path, "g-offline")[0]) == 0
    fill_by_mouse(page)
    submit(page)
    assert page.inner_text("h1") == "Thank you!"
    assert _children(forms.proc.pid) == []
    assert len(responses(forms.store_path, "g-offline")[0]) == 1
    ctx.close()


@pytest.mark.parametrize("form", ["survey", "network"])
def test_keyboard_only(forms, chromium, form):
    wave = f"h-keys-{form}"
    if form == "survey":
        (url,) = forms.invite("working_together", wave, anonymous=1, language="en")
    else:
        (url,) = forms.invite("collaboration_network", wave, members=[RATER], language="en")
    page = open_page(chromium, url)
    n = groups(page).count()
    answered, presses = fill_by_keyboard(page, role_steps=2)
    assert answered == n
    assert page.inner_text("h1") == "Thank you!"
    if form == "survey":
        resp, ans = responses(forms.store_path, wave)
        assert resp["respondent_role"].tolist() == ["special_needs_teacher"]  # 2 steps down
        assert len(ans) == n
        # odd questions got the first choice, even ones the second
        first = ans.set_index("item_id")["value"].tolist()
        assert first[0] != first[1]
    else:
        assert ratings(forms.store_path, wave)["level"].tolist() == [0, 1, 0]
    assert presses < 4 * n + 30, presses
    _close(page)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_axe_and_screenshots_in_every_language(forms, chromium, screenshots, lang):
    wave = f"i-axe-{lang}"
    url_student, url_adult = forms.invite("cop_climate", wave, anonymous=2, language=lang,
                                          audience="student")
    page = open_page(chromium, url_student)
    title = page.title()
    assert page.evaluate("document.documentElement.lang") == lang
    assert title == ck.load_instrument("cop_climate").title_for(lang, easy_read=True)
    assert_axe_clean(page)
    page.screenshot(path=str(screenshots / f"forms_form_{lang}.png"))
    fill_by_mouse(page, skip=(2,))
    submit(page)  # incomplete: the form again, with the missing question marked
    assert page.locator("fieldset.missing").count() == 1
    assert_axe_clean(page)
    fill_by_mouse(page)
    submit(page)
    assert page.locator("h1#message").count() == 1
    assert_axe_clean(page)
    page.goto(url_student)  # "already answered"
    assert_axe_clean(page)
    page.goto(re.sub(r"t=.*", "t=" + "B" * 32, url_adult))  # the neutral error page
    assert_axe_clean(page)
    if lang != "en":
        page.set_extra_http_headers({"Accept-Language": f"{lang},en;q=0.5"})
        page.goto(re.sub(r"t=.*", "t=" + "C" * 32, url_adult))
        assert page.evaluate("document.documentElement.lang") == lang
        page.screenshot(path=str(screenshots / f"forms_error_{lang}.png"))
    _close(page)

