"""The printed invitation cards in Chromium: A4 pages, and QR codes that carry the printed link.

No QR decoder is installed on this machine (no zbar, no OpenCV), so each code is read the
way a decoder starts: the printed symbol is sampled module by module from Chromium's print
rendering and compared with the QR symbol of the link printed under it (segno's encoding).
"""

from __future__ import annotations

import io
import re
import subprocess

import pytest
from _store import COP, STUDENT, make_store

import cocope_kit as ck
from cocope_kit import invitations as inv
from cocope_kit.cards import write_cards

pytestmark = pytest.mark.browser

BASE = "http://192.168.1.20:8866"


def _modules(png: bytes, n: int, border: int = 2) -> list[list[bool]]:
    """Dark (True) or light at the centre of each of the n x n modules of a code's picture."""
    from PIL import Image

    img = Image.open(io.BytesIO(png)).convert("L")
    w, h = img.size
    side = n + 2 * border
    return [[img.getpixel((int((x + border + 0.5) * w / side),
                           int((y + border + 0.5) * h / side))) < 128 for x in range(n)]
            for y in range(n)]


def test_printed_codes_carry_their_links_and_cards_fill_a4_sheets(tmp_path, chromium,
                                                                   screenshots):
    import segno

    path = tmp_path / "cards.sqlite"
    make_store(path)
    with ck.open_store(path) as s:
        cards = inv.create_invitations(s, COP, "cop_climate", "post", members="all")
        cards += inv.create_invitations(s, COP, "cop_climate", "post", anonymous=6)
    out = write_cards(cards, tmp_path / "cards.html", BASE)
    ctx = chromium.new_context(device_scale_factor=4)
    page = ctx.new_page()
    try:
        page.goto(out.as_uri())
        page.emulate_media(media="print")
        shown = page.locator("section.card")
        assert shown.count() == len(cards) == 11
        for i, card in enumerate(cards):
            link = shown.nth(i).locator(".link").inner_text().strip()
            assert link == inv.invitation_url(BASE, card.token)
            want = [[bool(v) for v in row] for row in segno.make(link, error="m").matrix]
            got = _modules(shown.nth(i).locator(".qr svg").screenshot(), len(want))
            assert got == want, f"card {i + 1}: the printed code is not the link's QR symbol"
        pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
        page.screenshot(path=str(screenshots / "cards_print.png"), full_page=True)
    finally:
        ctx.close()
    (tmp_path / "cards.pdf").write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(tmp_path / "cards.pdf")], capture_output=True,
                          text=True, check=True).stdout  # poppler-utils
    assert re.search(r"^Pages:\s+2$", info, re.M)  # 11 cards, 8 to a sheet
    assert re.search(r"^Page size:\s+59[45]\.\d+ x 841\.\d+ pts \(A4\)", info, re.M)
    assert STUDENT not in out.read_text(encoding="utf-8")  # no member id on a card
