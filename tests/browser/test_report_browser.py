"""The demo reports in a real browser: no console errors, no requests, axe-clean, printable.

Each report (one per demo CoP and the cross-CoP one) is opened from disk
(``file://``) in headless Chromium. Screenshots go to
``tests/browser/screenshots/report_<name>.png``; ``report_be-gent.pdf`` is the
browser's "Print to PDF" of the Gent report (print CSS applied).
"""

from __future__ import annotations

import pytest

import cocope_kit as ck
from cocope_kit.demo import write_demo
from cocope_kit.report import write_reports

pytestmark = pytest.mark.browser

AS_OF = "2026-06-30"
NAMES = ["be-gent", "at-graz", "pt-porto", "sk-kosice", "all"]


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    store = write_demo(ck.open_store(":memory:"))
    paths = write_reports(store, tmp_path_factory.mktemp("reports"), as_of=AS_OF)
    return {p.stem.removeprefix("report_"): p for p in paths}


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport={"width": 1100, "height": 900})
    pg = context.new_page()
    try:
        yield pg
    finally:
        context.close()


def _open(page, path):
    errors, failed, requests = [], [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri(), wait_until="load")
    return errors, failed, requests


@pytest.mark.parametrize("name", NAMES)
def test_report_in_browser(name, reports, page, screenshots):
    from axe_playwright_python.sync_playwright import Axe

    errors, failed, requests = _open(page, reports[name])
    assert errors == [], errors
    assert failed == [], failed
    outside = [u for u in requests if not u.startswith(("file://", "data:"))]
    assert outside == [], outside
    # every image decoded and shown
    broken = page.evaluate("() => [...document.images].filter(i => !i.complete || "
                           "i.naturalWidth === 0).length")
    assert broken == 0
    result = Axe().run(page)
    violations = [(v["id"], v["impact"], len(v["nodes"])) for v in result.response["violations"]]
    assert violations == [], violations
    page.screenshot(path=str(screenshots / f"report_{name}.png"), full_page=True)


def test_report_prints_to_pdf(reports, page, screenshots):
    _open(page, reports["be-gent"])
    page.emulate_media(media="print")
    out = screenshots / "report_be-gent.pdf"
    page.pdf(path=str(out), format="A4", print_background=True)
    data = out.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 10_000
    pages = data.count(b"/Type /Page") - data.count(b"/Type /Pages")
    assert pages > 2, pages


def test_harvest_document_in_browser(page, screenshots, tmp_path):
    """The standalone harvest document (shares the report's styles): clean, axe-clean."""
    from axe_playwright_python.sync_playwright import Axe

    from cocope_kit.harvest_doc import write_harvest

    store = write_demo(ck.open_store(":memory:"))
    path = write_harvest(store, tmp_path / "harvest.html")
    errors, failed, requests = _open(page, path)
    assert errors == [] and failed == []
    assert [u for u in requests if not u.startswith(("file://", "data:"))] == []
    assert page.locator("article.lesson").count() == len(store.read("lesson"))
    result = Axe().run(page)
    violations = [(v["id"], v["impact"], len(v["nodes"])) for v in result.response["violations"]]
    assert violations == [], violations
    page.screenshot(path=str(screenshots / "harvest.png"), full_page=True)
