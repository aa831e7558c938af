"""Texts in five languages: the gettext catalogs are complete, current and used.

DESIGN section 10 and issue 16: every text a participant, parent or student reads exists in
en, de, nl, pt and sk; a test fails on any message missing in any language. The catalogs are
checked three ways: (1) the template ``cocope_kit.pot`` holds exactly the messages marked in
the source today (re-extracted with Babel here), (2) every language's ``.po`` translates every
message, in every plural form, with the same ``{placeholders}``, and (3) the CoP tree drawn in
each language shows no English message text.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from cocope_kit import i18n
from cocope_kit.errors import CocopeError

ROOT = Path(__file__).resolve().parents[1]
POT = ROOT / "cocope_kit" / "locale" / "cocope_kit.pot"
OTHERS = [lang for lang in i18n.LANGUAGES if lang != "en"]
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def _ids(catalog) -> set:
    return {m.id for m in catalog if m.id}


def _forms(message) -> tuple:
    return tuple(message.string) if isinstance(message.id, tuple) else (message.string,)


def test_template_holds_exactly_the_messages_marked_in_the_source(tmp_path):
    """Fails when a text was marked (or unmarked) without `make messages`."""
    fresh = tmp_path / "fresh.pot"
    subprocess.run(
        [str(Path(sys.executable).parent / "pybabel"), "-q", "extract", "-F", "babel.cfg",
         "-k", "N_", "-k", "gettext", "-k", "ngettext:1,2", "--no-location",
         "-o", str(fresh), "."],
        cwd=ROOT, check=True, capture_output=True, text=True,
    )
    with open(fresh, "rb") as fh:
        extracted = _ids(read_po(fh))
    with open(POT, "rb") as fh:
        committed = _ids(read_po(fh))
    assert extracted, "no message extracted at all: is babel.cfg right?"
    assert extracted - committed == set(), "marked in the source, missing from the template"
    assert committed - extracted == set(), "in the template, no longer in the source"


def test_makefile_extracts_with_the_same_keywords():
    text = (ROOT / "Makefile").read_text()
    assert "-k N_ -k gettext -k ngettext:1,2" in text


@pytest.mark.parametrize("lang", OTHERS)
def test_every_message_is_translated_in_every_language(lang):
    with open(POT, "rb") as fh:
        template = {m.id: m for m in read_po(fh) if m.id}
    path = i18n.catalog_path(lang)
    with open(path, "rb") as fh:
        catalog = read_po(fh, locale=i18n.Translator(lang).locale)
    messages = {m.id: m for m in catalog if m.id}
    assert set(messages) == set(template), f"{path.name}: run make messages"
    nplurals = catalog.num_plurals
    problems = []
    for mid, msg in messages.items():
        forms = _forms(msg)
        if msg.fuzzy:
            problems.append((mid, "fuzzy"))
        if isinstance(mid, tuple) and len(forms) != nplurals:
            problems.append((mid, f"{len(forms)} plural forms, {nplurals} needed"))
        if not all(forms):
            problems.append((mid, "not translated"))
            continue
        want = set(PLACEHOLDER.findall(mid if isinstance(mid, str) else mid[1]))
        for form in forms:
            if set(PLACEHOLDER.findall(form)) != want:
                problems.append((mid, f"placeholders {sorted(PLACEHOLDER.findall(form))}"))
        source = mid if isinstance(mid, str) else mid[1]
        if len(source.split()) > 3 and forms[-1] == source:
            problems.append((mid, "left in English"))
    assert not problems, f"{lang}: {problems}"


def test_translator_uses_the_catalog_plural_rules_and_locale_formats():
    sk = i18n.translator("sk")
    assert [sk.ngettext("{n} step", "{n} steps", n).format(n=n) for n in (1, 3, 5)] == \
        ["1 krok", "3 kroky", "5 krokov"]
    de = i18n.translator("de")
    assert de.number(1234.5) == "1.234,5"
    assert de.percent(0.5) == "50\xa0%"
    assert i18n.translator("pt").date("2026-06-30") == "30/06/2026"
    assert i18n.translator("en").gettext("not a message") == "not a message"
    assert i18n.translator("DE").language == "de"
    with pytest.raises(CocopeError, match="'xx' is not available; one of en, de, nl, pt, sk"):
        i18n.translator("xx")


def _texts(fig) -> list[str]:
    from matplotlib.text import Text

    return [t.get_text() for t in fig.findobj(Text) if t.get_text().strip()]


@pytest.fixture(scope="module")
def demo_store():
    import cocope_kit as ck
    from cocope_kit.demo import write_demo

    return write_demo(ck.open_store(":memory:"))


@pytest.mark.parametrize("lang", OTHERS)
def test_cop_tree_shows_no_english_message(demo_store, lang):
    """The tree in each language: every catalog message of more than one word that appears
    in the English tree is replaced (goal statements and titles are the group's own data)."""
    import matplotlib

    matplotlib.use("Agg")
    from cocope_kit import charts

    with open(POT, "rb") as fh:
        english = [m.id for m in read_po(fh) if m.id]
    phrases = set()
    for mid in english:
        for text in (mid if isinstance(mid, tuple) else (mid,)):
            phrases |= {p.strip() for p in re.split(r"\{[a-z_]+\}|\n", text)
                        if len(p.strip().split()) >= 2}
    # pseudonyms such as "Special needs teacher A" are the store's data, not messages
    data = " ".join(demo_store.read("member")["pseudonym"].astype(str))
    phrases = {p for p in phrases if p not in data}
    for cop_id in ("be-gent", "at-graz"):
        en = " ".join(_texts(charts.cop_tree(demo_store, cop_id, as_of="2026-06-30",
                                             language="en")))
        other_fig = charts.cop_tree(demo_store, cop_id, as_of="2026-06-30", language=lang)
        other = " ".join(_texts(other_fig)) + " " + charts.describe(other_fig)
        shown = [p for p in phrases if p in en]
        assert len(shown) >= 8, shown  # the check has something to bite on
        left = [p for p in shown if p in other]
        assert not left, f"{lang}, {cop_id}: English left: {left}"
        assert i18n.translator(lang).gettext("OUR SHARED GOAL") in other


def test_cop_tree_defaults_to_the_cop_language(demo_store):
    import matplotlib

    matplotlib.use("Agg")
    from cocope_kit import charts

    cops = demo_store.read("cop").set_index("cop_id")["language"]
    for cop_id, lang in cops.items():
        fig = charts.cop_tree(demo_store, cop_id, as_of="2026-06-30")
        assert i18n.translator(lang).gettext("OUR SHARED GOAL") in _texts(fig), (cop_id, lang)
