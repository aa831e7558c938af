"""The participant forms in a real browser: Voilà + headless Chromium (Playwright, sync API).

(a) a complete survey lands in the store; (b) a missing required answer stores
nothing; (c) a double click stores one response; (d) ten participants
submitting at once give ten responses; (e) every form works with the keyboard
alone; (f) axe-core finds no violations; (g) screenshots for a human look
(``tests/browser/screenshots/form_*.png``).

Each test's page is opened ahead (see ``pages``) so that the kernels of
several pages start side by side.
"""

from __future__ import annotations

import math

import pytest
from _pages import (
    VIEWPORT,
    PagePool,
    code_or_traceback_visible,
    fill_by_keyboard,
    fill_by_mouse,
    full_screenshot,
    groups,
    open_form,
    ratings,
    responses,
    submit_button,
    wait_ready,
    wait_thanks,
)
from _store import COP, RATEES, RATER

pytestmark = pytest.mark.browser

FORMS = {
    "survey_en": ("survey.ipynb", {"instrument": "working_together", "lang": "en"}),
    "survey_de": ("survey.ipynb", {"instrument": "working_together", "lang": "de"}),
    "climate_student_easy_read": ("survey.ipynb", {"instrument": "cop_climate", "lang": "en",
                                                   "audience": "student"}),
    "network": ("network.ipynb", {"rater": RATER, "lang": "en"}),
}

# test (name as pytest shows it) -> (page key = wave, form)
SINGLE_PAGES = {
    "test_a_complete_survey_is_stored": ("a-complete", "survey_en"),
    "test_b_missing_required_answer_stores_nothing": ("b-missing", "survey_en"),
    "test_c_double_click_stores_one_response": ("c-double", "survey_en"),
    **{f"test_e_keyboard_only[{f}]": (f"e-keys-{f}", f) for f in FORMS},
    **{f"test_f_axe_and_g_screenshot[{f}]": (f"f-axe-{f}", f) for f in FORMS},
}


def _assert_axe_clean(page) -> None:
    """axe-core (all rules of axe-playwright-python's default run) finds no violation."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def _url(voila, form: str, wave: str) -> str:
    notebook, params = FORMS[form]
    return voila.url(notebook, cop=COP, wave=wave, **params)


@pytest.fixture(scope="module")
def pages(request, chromium, voila):
    """Opens the pages of the selected tests of this module a few tests ahead."""
    upcoming = []
    for item in request.session.items:
        if item.name in SINGLE_PAGES:
            wave, form = SINGLE_PAGES[item.name]
            upcoming.append((wave, _url(voila, form, wave)))
    pool = PagePool(chromium, upcoming)
    try:
        yield pool
    finally:
        pool.close()


@pytest.fixture
def page_and_wave(request, pages, voila):
    """The page of this test, ready; closed (and its kernel stopped) afterwards."""
    wave, form = SINGLE_PAGES[request.node.name]
    yield pages.take(wave, _url(voila, form, wave)), wave
    pages.release(wave)


def test_a_complete_survey_is_stored(page_and_wave, voila, screenshots):
    page, wave = page_and_wave
    assert groups(page).count() == 13
    page.select_option(".cocope-role select", label="Teacher")
    # item n gets choice (n - 1) % 5; item 4 gets "Don't know" (the 6th choice)
    fill_by_mouse(page, lambda n, k: 5 if n == 4 else (n - 1) % k)
    assert page.inner_text(".cocope-progress") == "13 of 13 answered"
    submit_button(page).click()
    wait_thanks(page)
    assert "Your answers have been saved" in page.inner_text(".cocope-form")
    full_screenshot(page, screenshots / "form_thank_you.png")
    _assert_axe_clean(page)

    resp, ans = responses(voila.store_path, wave)
    assert len(resp) == 1
    r = resp.iloc[0]
    assert (r.cop_id, r.instrument_id, r.instrument_version, r.language, r.respondent_role) == (
        COP, "working_together", "1.0", "en", "teacher")
    assert len(ans) == 13
    by_item = ans.set_index("item_id")
    assert math.isnan(by_item.loc["wt_coop_4", "value"])
    assert by_item.loc["wt_coop_4", "text"] == "dont_know"
    assert by_item.loc["wt_coop_1", "value"] == 1.0 and by_item.loc["wt_coop_2", "value"] == 2.0
    assert by_item.loc["wt_fit", "value"] == 1.0  # item 13: (13 - 1) % 3 -> first choice


def test_b_missing_required_answer_stores_nothing(page_and_wave, voila, screenshots):
    page, wave = page_and_wave
    fill_by_mouse(page, skip={3, 13})
    submit_button(page).click()
    alert = page.locator(".cocope-form [role=alert]")
    alert.wait_for(timeout=120_000)
    text = alert.inner_text()
    assert "These questions still need an answer. Nothing has been saved yet." in text
    assert "3. Each of us looks after our own tasks" in text
    assert "13. Which statement fits our group best?" in text
    assert "1. In our group" not in text
    # the unanswered groups are marked for screen readers too
    page.wait_for_selector(".cocope-missing [role=radiogroup][aria-invalid=true]")
    assert page.locator("[role=radiogroup][aria-invalid=true]").count() == 2
    full_screenshot(page, screenshots / "form_required_missing.png")
    _assert_axe_clean(page)
    resp, _ = responses(voila.store_path, wave)
    assert resp.empty


def test_c_double_click_stores_one_response(page_and_wave, voila):
    page, wave = page_and_wave
    fill_by_mouse(page)
    page.evaluate("""() => { window.__submitClicks = 0;
        document.addEventListener('click', e => {
            if (e.target.closest('.cocope-submit')) { window.__submitClicks++; } }, true); }""")
    submit_button(page).dblclick()
    wait_thanks(page)
    assert page.evaluate("window.__submitClicks") == 2  # both clicks reached the button
    page.wait_for_timeout(1500)  # let the kernel handle the second click too
    resp, ans = responses(voila.store_path, wave)
    assert len(resp) == 1 and len(ans) == 13


def test_d_ten_participants_submit_at_once(voila, chromium):
    n, wave = 10, "d-concurrent"
    url = _url(voila, "survey_en", wave)
    contexts = [chromium.new_context(viewport=VIEWPORT) for _ in range(n)]
    try:
        pages = [open_form(ctx, url, wait=False) for ctx in contexts]  # kernels start together
        for page in pages:
            wait_ready(page)
        for i, page in enumerate(pages):
            fill_by_mouse(page, lambda g, k, i=i: (g + i) % k)
        for page in pages:  # all submits in quick succession
            submit_button(page).click(no_wait_after=True)
        for page in pages:
            wait_thanks(page)
    finally:
        for ctx in contexts:
            ctx.close()
    resp, ans = responses(voila.store_path, wave)
    assert len(resp) == n
    assert resp["respondent_id"].nunique() == n and resp["response_id"].is_unique
    assert len(ans) == 13 * n
    assert ans.groupby("response_id").size().eq(13).all()


@pytest.mark.parametrize("form", list(FORMS))
def test_e_keyboard_only(page_and_wave, voila, form):
    page, wave = page_and_wave
    n_groups = groups(page).count()
    # anonymous adults: ArrowDown once on the role picker chooses "Teacher"
    role_steps = 1 if form in ("survey_en", "survey_de") else 0
    answered = fill_by_keyboard(page, role_steps=role_steps)
    assert answered == n_groups
    wait_thanks(page)
    expected = [1.0 if i % 2 == 0 else 2.0 for i in range(n_groups)]  # Space, ArrowRight, ...
    if form == "network":
        pr = ratings(voila.store_path, wave)
        assert pr["ratee_id"].tolist() == RATEES
        assert pr["level"].tolist() == [int(v) - 1 for v in expected]  # levels start at 0
        return
    resp, ans = responses(voila.store_path, wave)
    assert len(resp) == 1 and len(ans) == n_groups
    assert ans["value"].tolist() == expected
    r = resp.iloc[0]
    if form == "climate_student_easy_read":
        assert r.respondent_role == "student" and n_groups == 25
        assert ans["item_id"].str.startswith("cl_student_agency").sum() == 4
    else:
        assert r.respondent_role == "teacher"
        assert r.language == ("de" if form == "survey_de" else "en")


@pytest.mark.parametrize("form", list(FORMS))
def test_f_axe_and_g_screenshot(page_and_wave, form, screenshots):
    page, _ = page_and_wave
    full_screenshot(page, screenshots / f"form_{form}.png")
    if form == "climate_student_easy_read":  # students often answer on a phone
        page.set_viewport_size({"width": 390, "height": 844})
        page.wait_for_timeout(300)
        page.screenshot(path=str(screenshots / "form_climate_student_phone.png"))
        page.set_viewport_size(VIEWPORT)
    assert code_or_traceback_visible(page) == []
    _assert_axe_clean(page)
    text = page.inner_text(".cocope-form")
    if form == "climate_student_easy_read":
        assert "I help choose what we work on." in text
    if form == "survey_de":
        assert "In unserer Gruppe helfen wir einander" in text
    if form == "network":
        assert "Student B" in text and "Ben Huber" not in text  # pseudonyms, never names
