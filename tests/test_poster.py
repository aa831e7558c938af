"""`cocope poster`: the CoP tree as an A3 poster PDF in the CoP's language (issue 16, item 5).

Checked with poppler's own readers (pdfinfo, pdftotext, pdftoppm), which `make test` installs:
one A3 landscape page, the texts in the CoP's language, pseudonyms and never names, the alt
text as the PDF's subject, and a page that renders to an image.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest

from cocope_kit.cli import main
from cocope_kit.demo import write_demo
from cocope_kit.store import open_store


def _tool(name: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} (Debian package poppler-utils) is missing: run make test"
    return path


@pytest.fixture(scope="module")
def store_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("poster") / "demo.sqlite"
    write_demo(path).close()
    return path


@pytest.mark.parametrize(("cop", "lang", "heading"), [
    ("at-graz", "de", "UNSER GEMEINSAMES ZIEL"),
    ("pt-porto", "pt", "O NOSSO OBJETIVO COMUM"),
    ("sk-kosice", "sk", "NÁŠ SPOLOČNÝ CIEĽ"),
])
def test_poster_is_one_a3_page_in_the_cop_language(store_path, tmp_path, cop, lang, heading):
    out = tmp_path / f"{cop}.pdf"
    assert main(["poster", "--store", str(store_path), "--cop", cop, "--out", str(out),
                 "--as-of", "2026-06-30"]) == 0
    info = subprocess.run([_tool("pdfinfo"), str(out)], capture_output=True, text=True,
                          check=True).stdout
    assert "Pages:           1" in info
    assert "1190.88 x 841.68 pts (A3)" in info
    text = subprocess.run([_tool("pdftotext"), "-layout", str(out), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert heading in text
    store = open_store(store_path)
    members = store.read("member", where={"cop_id": cop})
    assert any(p in text for p in members["pseudonym"])  # people appear by pseudonym
    for name in members["name"].dropna():
        assert name not in text, name
    name = store.read("cop", where={"cop_id": cop})["name"].iloc[0]
    assert "Title:           " in info and name in info  # title and alt text (Subject)
    assert "Subject:" in info
    png = subprocess.run([_tool("pdftoppm"), "-r", "30", "-png", "-singlefile", str(out),
                          str(tmp_path / cop)], capture_output=True, text=True)
    assert png.returncode == 0 and (tmp_path / f"{cop}.png").stat().st_size > 10_000


def test_poster_language_and_paper_options(store_path, tmp_path):
    out = tmp_path / "graz_en.pdf"
    assert main(["poster", "--store", str(store_path), "--cop", "at-graz", "--out", str(out),
                 "--language", "en", "--paper", "A4"]) == 0
    info = subprocess.run([_tool("pdfinfo"), str(out)], capture_output=True, text=True,
                          check=True).stdout
    assert "841.68 x 595.44 pts (A4)" in info or "841.92 x 595.44 pts (A4)" in info, info
    text = subprocess.run([_tool("pdftotext"), str(out), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "OUR SHARED GOAL" in text


def test_poster_bad_input_is_one_line_and_writes_nothing(store_path, tmp_path, capsys):
    assert main(["poster", "--store", str(store_path), "--cop", "nope",
                 "--out", str(tmp_path / "x.pdf")]) == 1
    err = capsys.readouterr().err
    assert "'nope' is not in the store" in err and "Traceback" not in err
    assert main(["poster", "--store", str(store_path), "--cop", "at-graz",
                 "--out", str(tmp_path / "x.docx")]) == 1
    assert ".pdf, .png or .svg" in capsys.readouterr().err
    assert main(["poster", "--store", str(store_path), "--cop", "at-graz", "--language", "fr",
                 "--out", str(tmp_path / "x.pdf")]) == 1
    assert "'fr' is not available" in capsys.readouterr().err
    assert not list(tmp_path.glob("x.*"))
