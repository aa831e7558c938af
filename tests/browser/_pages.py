"""Helpers that drive the participant forms in a Playwright page (sync API)."""

from __future__ import annotations

from pathlib import Path

import cocope_kit as ck

# ms: every page starts its own kernel, and many pages load at once on a small machine
LOAD_TIMEOUT = 300_000
KERNEL_TIMEOUT = 120_000
VIEWPORT = {"width": 1000, "height": 900}

READY = ".cocope-form [role=radiogroup], .cocope-message, .cocope-thanks"

# What has the keyboard focus (tag, type, radio group, button class)?
ACTIVE = """() => {
  const a = document.activeElement;
  if (!a) { return {tag: ''}; }
  return {tag: a.tagName, type: a.type || '', name: a.name || '',
          submit: !!a.closest('.cocope-submit'), inForm: !!a.closest('.cocope-form'),
          checked: a.type === 'radio' ? !!a.checked : null};
}"""


class PagePool:
    """Pages opened a few tests ahead of use, each in its own browser context.

    Opening a page starts a kernel on the server, which takes seconds; opening
    the pages of the next tests while the current one runs lets those kernels
    start in the background. At most ``ahead`` pages are opened in advance,
    so that a small machine is not flooded.
    """

    def __init__(self, browser, upcoming: list[tuple[str, str]], ahead: int = 3):
        self._browser = browser
        self._upcoming = list(upcoming)
        self._ahead = ahead
        self._pages: dict[str, tuple] = {}
        self._prefetch()

    def _open(self, key: str, url: str) -> None:
        if key not in self._pages:
            ctx = self._browser.new_context(viewport=VIEWPORT)
            self._pages[key] = (ctx, open_form(ctx, url, wait=False))

    def _prefetch(self) -> None:
        for key, url in self._upcoming[: self._ahead]:
            self._open(key, url)

    def take(self, key: str, url: str):
        """The page for ``key`` (opened now if it was not opened ahead), ready to use."""
        self._upcoming = [(k, u) for k, u in self._upcoming if k != key]
        self._open(key, url)
        self._prefetch()
        page = self._pages[key][1]
        wait_ready(page)
        return page

    def release(self, key: str) -> None:
        """Close a page that is no longer needed (its kernel shuts down)."""
        ctx, _ = self._pages.pop(key, (None, None))
        if ctx is not None:
            ctx.close()

    def close(self) -> None:
        for key in list(self._pages):
            self.release(key)


def open_form(context, url: str, *, wait: bool = True):
    """A new page on ``url``; with ``wait`` until the form (or its message) is usable."""
    page = context.new_page()
    page.goto(url, wait_until="commit", timeout=LOAD_TIMEOUT)
    if wait:
        wait_ready(page)
    return page


def wait_ready(page) -> None:
    page.wait_for_selector(READY, timeout=LOAD_TIMEOUT)
    # the accessibility script has named every group once the form is there
    page.wait_for_function(
        "() => document.querySelectorAll('.cocope-choice .widget-radio-box:not([role])')"
        ".length === 0", timeout=KERNEL_TIMEOUT)


def groups(page):
    return page.locator(".cocope-form [role=radiogroup]")


def fill_by_mouse(page, choose=lambda n, labels: 0, skip=()) -> None:
    """Click one choice in every radio group (1-based group number ``n``) and wait
    until the kernel has counted them all in the progress line."""
    gs = groups(page)
    total = gs.count()
    for i in range(total):
        n = i + 1
        if n in skip:
            continue
        labels = gs.nth(i).locator("label")
        labels.nth(choose(n, labels.count())).click()
    done = total - len(skip)
    page.wait_for_function(
        "n => (document.querySelector('.cocope-progress') || {}).textContent"
        "?.startsWith(n + ' ')", arg=done, timeout=KERNEL_TIMEOUT)


def submit_button(page):
    return page.locator("button.cocope-submit")


def wait_thanks(page) -> None:
    page.wait_for_selector(".cocope-thanks", timeout=KERNEL_TIMEOUT)


def fill_by_keyboard(page, *, role_steps: int = 0, max_steps: int = 500) -> int:
    """Answer every radio group and submit with Tab, arrow keys, Space and Enter only.

    Group n (1-based) gets its first choice (Space) when n is odd and its second
    (ArrowRight) when n is even. ``role_steps`` presses ArrowDown that often on a
    select (the role picker). Returns the number of groups answered.
    """
    answered = 0
    for _ in range(max_steps):
        page.keyboard.press("Tab")
        a = page.evaluate(ACTIVE)
        if not a.get("inForm"):
            continue
        if a["tag"] == "INPUT" and a["type"] == "radio":
            answered += 1
            page.keyboard.press("Space" if answered % 2 else "ArrowRight")
        elif a["tag"] == "SELECT":
            for _ in range(role_steps):
                page.keyboard.press("ArrowDown")
        elif a["tag"] == "TEXTAREA":
            page.keyboard.type("Typed with the keyboard.")
        elif a["tag"] == "BUTTON" and a["submit"]:
            page.keyboard.press("Enter")
            return answered
    raise AssertionError(f"the submit button was not reached by Tab ({answered} groups answered)")


def full_screenshot(page, path: Path) -> None:
    """The whole form: Voilà scrolls inside #rendered_cells, so grow the viewport to fit it."""
    height = page.evaluate(
        "() => { const e = document.querySelector('#rendered_cells') || document.body;"
        " return Math.max(e.scrollHeight, document.body.scrollHeight); }")
    width = page.viewport_size["width"]
    page.set_viewport_size({"width": width, "height": min(int(height) + 40, 16000)})
    page.wait_for_timeout(300)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size({"width": width, "height": VIEWPORT["height"]})


def code_or_traceback_visible(page) -> list[str]:
    """Code cells, editors or error outputs a participant could see."""
    found = page.locator(
        ".jp-CodeCell .jp-InputArea:visible, .jp-CodeMirrorEditor:visible, "
        ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']:visible, "
        ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']:visible")
    out = [found.nth(i).inner_text()[:200] for i in range(found.count())]
    body = page.inner_text("body")
    out += [w for w in ("Traceback", "Error:", "cocope_kit", "survey_page()") if w in body]
    return out


def responses(store_path: Path, wave: str):
    """(response rows, answer rows) stored for ``wave``."""
    with ck.open_store(store_path) as s:
        resp = s.read("response", where={"wave": wave})
        ans = s.read("answer", where={"response_id": resp["response_id"].tolist()})
    return resp, ans


def ratings(store_path: Path, wave: str):
    with ck.open_store(store_path) as s:
        return s.read("pair_rating", where={"wave": wave})
