"""Helpers that drive the participant forms in a Playwright page (sync API)."""

from __future__ import annotations

from pathlib import Path

import cocope_kit as ck

PHONE = {"width": 390, "height": 844}
TIMEOUT = 30_000

# What has the keyboard focus?
ACTIVE = """() => {
  const a = document.activeElement;
  if (!a) { return {tag: ''}; }
  return {tag: a.tagName, type: a.type || '', name: a.name || '', id: a.id || '',
          submit: a.classList.contains('submit'), inForm: !!a.closest('form.answers'),
          checked: a.type === 'radio' ? !!a.checked : null};
}"""


def open_page(browser, url: str):
    """A phone-sized page in its own context (its own cookies and cache) on ``url``."""
    ctx = browser.new_context(viewport=PHONE, device_scale_factor=1, is_mobile=True,
                              has_touch=True)
    page = ctx.new_page()
    page.goto(url, timeout=TIMEOUT)
    return page


def groups(page):
    return page.locator("form.answers fieldset.item")


def fill_by_mouse(page, choose=lambda n, k: 0, skip=()) -> dict[str, str]:
    """Tap one choice in every group (``choose(n, k)``: group n 1-based, k choices).

    Returns ``{field name: value}`` of what was chosen.
    """
    chosen = {}
    gs = groups(page)
    for i in range(gs.count()):
        n = i + 1
        if n in skip:
            continue
        radios = gs.nth(i).locator("input[type=radio]")
        r = radios.nth(choose(n, radios.count()))
        r.locator("xpath=..").tap()
        chosen[r.get_attribute("name")] = r.get_attribute("value")
    return chosen


def submit(page) -> None:
    """Tap the submit button and wait for the page that answers."""
    with page.expect_navigation(timeout=TIMEOUT):
        page.locator("button.submit").tap()


def fill_by_keyboard(page, *, role_steps: int = 0, max_steps: int = 600) -> tuple[int, int]:
    """Answer every group and submit with Tab, arrow keys, Space and Enter only.

    Group n gets its first choice (Space) when n is odd and its second
    (ArrowDown from the first) when n is even. Returns (groups answered, key presses).
    """
    answered = presses = 0
    for _ in range(max_steps):
        page.keyboard.press("Tab")
        presses += 1
        a = page.evaluate(ACTIVE)
        if not a.get("inForm"):
            continue
        if a["tag"] == "INPUT" and a["type"] == "radio":
            answered += 1
            page.keyboard.press("Space")
            presses += 1
            if answered % 2 == 0:
                page.keyboard.press("ArrowDown")
                presses += 1
        elif a["tag"] == "SELECT":
            for _ in range(role_steps):
                page.keyboard.press("ArrowDown")
                presses += 1
        elif a["tag"] == "BUTTON" and a["submit"]:
            with page.expect_navigation(timeout=TIMEOUT):
                page.keyboard.press("Enter")
            return answered, presses + 1
    raise AssertionError(f"the submit button was not reached by Tab ({answered} groups answered)")


def assert_axe_clean(page) -> None:
    """axe-core (all rules of axe-playwright-python's default run) finds no violation."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def responses(store_path: Path, wave: str):
    """(response rows, answer rows) stored for ``wave``."""
    with ck.open_store(store_path) as s:
        resp = s.read("response", where={"wave": wave})
        ans = s.read("answer", where={"response_id": resp["response_id"].tolist()})
    return resp, ans


def ratings(store_path: Path, wave: str):
    with ck.open_store(store_path) as s:
        return s.read("pair_rating", where={"wave": wave})
