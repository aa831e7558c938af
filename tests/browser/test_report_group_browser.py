"""The group view of each demo CoP in Chromium (issue 16): length, print, axe, language.

Each per-CoP report is opened from disk in its CoP's language at 1280 x 800. The group
view (everything before the technical appendix) must fit in 8 screens and, printed
to A4 by the browser with the appendix left out, in 6 pages; the whole page, with the
appendix opened, has no axe-core violations. Screenshots:
``tests/browser/screenshots/group_<cop>.png``.
"""

from __future__ import annotations

import re
import subprocess

import pytest

import cocope_kit as ck
from cocope_kit.demo import write_demo
from cocope_kit.report import write_report

pytestmark = pytest.mark.browser

AS_OF = "2026-06-30"
COPS = {"be-gent": "nl", "at-graz": "de", "pt-porto": "pt", "sk-kosice": "sk"}
SCREEN = {"width": 1280, "height": 800}
MAX_SCREENS = 8
MAX_PAGES = 6


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    store = write_demo(ck.open_store(":memory:"))
    d = tmp_path_factory.mktemp("group")
    return {c: write_report(store, d / f"{c}.html", cop_id=c, as_of=AS_OF) for c in COPS}


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport=SCREEN)
    pg = context.new_page()
    try:
        yield pg
    finally:
        context.close()


def _pages(path) -> int:
    out = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True,
                         text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", out, re.M).group(1))


@pytest.mark.parametrize("cop_id", list(COPS))
def test_group_view_length_print_and_axe(cop_id, reports, page, screenshots, tmp_path):
    from axe_playwright_python.sync_playwright import Axe

    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(reports[cop_id].as_uri(), wait_until="load")
    assert errors == []
    assert page.evaluate("() => document.documentElement.lang") == COPS[cop_id]
    top = page.evaluate("() => document.getElementById('appendix').getBoundingClientRect().top"
                        " + window.scrollY")
    screens = top / SCREEN["height"]
    assert 3 < screens <= MAX_SCREENS, screens
    assert page.evaluate("() => document.getElementById('appendix').open") is False
    page.screenshot(path=str(screenshots / f"group_{cop_id}.png"), full_page=True)

    # printed: the group view alone in at most 6 pages; with the appendix, more pages
    page.emulate_media(media="print")
    full = tmp_path / "full.pdf"
    page.pdf(path=str(full), format="A4", print_background=True)
    page.evaluate("() => document.getElementById('appendix').remove()")
    group = tmp_path / "group.pdf"
    page.pdf(path=str(group), format="A4", print_background=True)
    assert _pages(group) <= MAX_PAGES, _pages(group)
    assert _pages(full) > _pages(group)  # the appendix prints, on its own pages

    page.emulate_media(media="screen")
    page.goto(reports[cop_id].as_uri(), wait_until="load")
    page.evaluate("() => { document.getElementById('appendix').open = true; }")
    result = Axe().run(page)
    violations = [(v["id"], v["impact"], len(v["nodes"])) for v in result.response["violations"]]
    assert violations == [], violations
