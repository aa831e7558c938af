"""Tests for cocope_kit.instruments: shipped instruments, translations, validation, properties."""

from __future__ import annotations

import itertools
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cocope_kit.errors import CocopeError, InstrumentError, UsageError, ValidationError
from cocope_kit.instruments import (
    AUDIENCES,
    INSTRUMENT_DIR,
    Instrument,
    Scale,
    list_instruments,
    load_instrument,
    reverse_key,
    validate_instrument_file,
)

SHIPPED = [
    "collaboration_network",
    "cop_climate",
    "learning_community",
    "reflection_prompts",
    "working_together",
]
TRANSLATED = SHIPPED  # every shipped instrument is complete in en, de, nl, pt, sk
OTHER_LANGS = ["de", "nl", "pt", "sk"]
DOCS = Path(__file__).resolve().parents[1] / "docs" / "instruments"

ITEM_TABLE_COLUMNS = [
    "item_id",
    "construct",
    "scale",
    "reverse",
    "audience",
    "required",
    "text",
    "easy_read",
    "scale_min",
    "scale_max",
    "n_points",
]


# --------------------------------------------------------------------------- shipped files


def test_list_instruments_names_every_shipped_file():
    assert list_instruments() == SHIPPED


@pytest.mark.parametrize("instrument_id", SHIPPED)
def test_every_shipped_instrument_loads_and_validates(instrument_id):
    inst = load_instrument(instrument_id)
    assert isinstance(inst, Instrument)
    assert inst.id == instrument_id
    assert inst.version == "1.0"
    assert Path(inst.source) == (INSTRUMENT_DIR / f"{instrument_id}.yaml").resolve()
    # the uncached validator agrees
    assert validate_instrument_file(inst.source) == inst
    for lang in OTHER_LANGS + ["en"]:
        assert inst.title.get(lang), f"{instrument_id}: title missing in {lang}"


@pytest.mark.parametrize("instrument_id", SHIPPED)
def test_item_table_has_the_documented_columns(instrument_id):
    inst = load_instrument(instrument_id)
    table = inst.item_table("de")
    assert list(table.columns) == ITEM_TABLE_COLUMNS
    assert table["item_id"].tolist() == [it.id for it in inst.items]
    assert table["text"].notna().all()
    assert table["reverse"].dtype == bool and table["required"].dtype == bool
    assert table["n_points"].dtype == np.int64


def _ids(inst):
    return [it.id for it in inst.items]


def test_working_together_contract():
    wt = load_instrument("working_together")
    expected = [f"wt_{p}_{n}" for p in ("coop", "coord", "collab") for n in range(1, 5)]
    assert _ids(wt) == expected + ["wt_fit"]
    by_construct = {"coop": "cooperation", "coord": "coordination", "collab": "collaboration"}
    for prefix, construct in by_construct.items():
        items = [it for it in wt.items if it.construct == construct]
        assert [it.id for it in items] == [f"wt_{prefix}_{n}" for n in range(1, 5)]
        assert all(it.scale == "agree5" for it in items)
        assert any(it.reverse for it in items), f"{construct} needs a reverse-keyed item"
        assert not all(it.reverse for it in items)
    agree5 = wt.scales["agree5"]
    assert agree5.values == (1, 2, 3, 4, 5) and agree5.dont_know and agree5.type == "ordinal"
    assert agree5.labels["en"][0] == "Strongly disagree"
    assert agree5.labels["en"][-1] == "Strongly agree"
    fit = wt.item("wt_fit")
    assert (fit.construct, fit.scale, fit.reverse) == ("level_fit", "fit3", False)
    assert wt.text("wt_fit") == "Which statement fits our group best?"
    fit3 = wt.scales["fit3"]
    assert fit3.values == (1, 2, 3)
    labels = [lab.lower() for lab in fit3.labels["en"]]
    assert labels[0].startswith("we help each other")
    assert labels[1].startswith("we organise ourselves to avoid chaos")
    assert labels[2].startswith("we create something together")
    assert list(wt.constructs) == ["cooperation", "coordination", "collaboration", "level_fit"]


def test_cop_climate_contract():
    cl = load_instrument("cop_climate")
    three = [
        "safety",
        "empowerment",
        "inclusion_voice",
        "shared_purpose",
        "trust",
        "open_dialogue",
        "collective_ownership",
    ]
    expected = [f"cl_{c}_{n}" for c in three for n in (1, 2, 3)]
    expected += [f"cl_student_agency_{n}" for n in range(1, 5)]
    assert _ids(cl) == expected
    assert list(cl.constructs) == three + ["student_agency"]
    for it in cl.items:
        assert it.id.startswith(f"cl_{it.construct}_")
        assert it.scale == "agree5"
        if it.construct == "student_agency":
            assert it.audience == ("student",)
            assert set(it.easy_read) >= {"en", *OTHER_LANGS}
            # easy-read is shorter than the standard wording in every language
            for lang in ["en", *OTHER_LANGS]:
                assert len(it.easy_read[lang]) < len(it.text[lang])
        else:
            assert it.audience == ("all",)
    assert 2 <= sum(it.reverse for it in cl.items) <= 8
    assert len(cl.items_for("student")) == 25
    assert len(cl.items_for("professional")) == 21
    assert len(cl.items_for("family")) == 21


def test_learning_community_contract():
    lc = load_instrument("learning_community")
    constructs = [
        "shared_learning",
        "reflective_dialogue",
        "knowledge_sharing",
        "improvement_focus",
    ]
    assert _ids(lc) == [f"lc_{c}_{n}" for c in constructs for n in (1, 2, 3)]
    assert [it.construct for it in lc.items] == [c for c in constructs for _ in range(3)]
    assert {it.scale for it in lc.items} == {"agree5"}


def test_collaboration_network_contract():
    cn = load_instrument("collaboration_network")
    assert _ids(cn) == ["cn_level"]
    item = cn.item("cn_level")
    assert (item.construct, item.scale) == ("level", "level4")
    assert cn.text("cn_level") == "How do you work with this person?"
    level4 = cn.scales["level4"]
    assert level4.values == (0, 1, 2, 3)
    names = ["none", "cooperation", "coordination", "collaboration"]
    for label, name in zip(level4.labels["en"], names, strict=True):
        head, _, explanation = label.partition(":")
        assert head.lower() == name
        assert len(explanation.split()) >= 5  # a one-line explanation, not just the word


def test_reflection_prompts_contract():
    rp = load_instrument("reflection_prompts")
    assert rp.scales["text"].type == "text" and rp.scales["text"].values == ()
    for phase in ("domain", "community", "practice"):
        items = [it for it in rp.items if it.construct == phase]
        assert 4 <= len(items) <= 6
        assert [it.id for it in items] == [f"rp_{phase}_{n}" for n in range(1, len(items) + 1)]
        assert all(not it.required and not it.reverse and it.scale == "text" for it in items)
    assert {it.construct for it in rp.items} == {"domain", "community", "practice"}
    table = rp.item_table()
    assert table["n_points"].eq(0).all()
    assert table["scale_min"].isna().all() and table["scale_max"].isna().all()


@pytest.mark.parametrize("instrument_id", TRANSLATED)
@pytest.mark.parametrize("lang", OTHER_LANGS)
def test_translated_instruments_cover_every_item_and_label(instrument_id, lang):
    inst = load_instrument(instrument_id)
    assert lang in inst.languages()
    for it in inst.items:
        assert it.text.get(lang), f"{it.id} has no {lang} text"
        assert it.text[lang] != it.text["en"], f"{it.id}: {lang} text is a copy of English"
        if it.easy_read:
            assert it.easy_read.get(lang), f"{it.id} has no {lang} easy_read"
    for sc in inst.scales.values():
        if sc.type != "ordinal":
            continue
        assert len(sc.labels[lang]) == len(sc.values)
        assert sc.labels[lang] != sc.labels["en"]
        assert sc.labels_for(lang) == sc.labels[lang]
    assert inst.item_table(lang)["text"].tolist() == [it.text[lang] for it in inst.items]


@pytest.mark.parametrize("instrument_id", SHIPPED)
def test_other_languages_fall_back_to_english(instrument_id):
    """A language the kit does not ship (French) falls back to English per item and label;
    with easy_read it falls back to the English easy-read wording."""
    inst = load_instrument(instrument_id)
    languages = {"en", *OTHER_LANGS}
    missing = "fr"
    assert inst.languages() == languages
    first = inst.items[0]
    assert missing not in first.text
    assert inst.text(first.id, missing) == first.text["en"]
    assert inst.text(first.id, missing, easy_read=True) == first.easy_read["en"]
    assert inst.item_table(missing)["text"].tolist() == inst.item_table("en")["text"].tolist()
    for lang in languages - {"en"}:
        assert inst.text(first.id, lang) != first.text["en"]
    for sc in inst.scales.values():
        if missing not in sc.labels:
            assert sc.labels_for(missing) == sc.labels_for("en")
        if sc.easy_read_labels:
            assert sc.labels_for(missing, easy_read=True) == sc.easy_read_labels["en"]
    assert inst.title["de"] != inst.title["en"]  # titles are translated everywhere


def test_language_tags_are_normalised_and_unknown_languages_fall_back():
    wt = load_instrument("working_together")
    assert wt.text("wt_coop_1", "DE") == wt.text("wt_coop_1", "de-AT") == wt.text("wt_coop_1", "de")
    assert wt.text("wt_coop_1", "fr") == wt.text("wt_coop_1", "en")
    assert wt.scales["agree5"].labels_for("fr") == wt.scales["agree5"].labels["en"]
    assert wt.scales["agree5"].dont_know_label("sk") == "Neviem"
    assert wt.scales["agree5"].dont_know_label("fr") == "Don't know"


def test_easy_read_fallback_order(tmp_path):
    path = _write(
        tmp_path,
        "er",
        _minimal(
            items=[
                {
                    "id": "q1",
                    "text": {"en": "Long English", "de": "Langes Deutsch"},
                    "easy_read": {"en": "Short English"},
                    "construct": "c",
                    "scale": "agree",
                    "reverse": False,
                    "audience": ["student"],
                },
            ],
            id="er",
        ),
    )
    inst = load_instrument(path)
    assert inst.text("q1", "en", easy_read=True) == "Short English"
    assert inst.text("q1", "de", easy_read=True) == "Langes Deutsch"  # own language first
    assert inst.text("q1", "fr", easy_read=True) == "Short English"
    assert inst.item_table("de")["easy_read"].tolist() == ["Langes Deutsch"]


def test_items_for_and_unknown_ids_raise_usage_errors():
    wt = load_instrument("working_together")
    assert wt.items_for("family") == wt.items
    with pytest.raises(UsageError, match="one of: all, professional, student, family"):
        wt.items_for("parents")
    with pytest.raises(UsageError, match="wt_coop_1"):
        wt.text("wt_nope")
    with pytest.raises(UsageError, match="available: collaboration_network, cop_climate"):
        load_instrument("climate")
    with pytest.raises(UsageError):
        load_instrument(42)  # type: ignore[arg-type]


def test_instruments_are_immutable_and_cached():
    a = load_instrument("cop_climate")
    assert load_instrument("cop_climate") is a
    with pytest.raises(TypeError):
        a.title["en"] = "changed"  # type: ignore[index]
    with pytest.raises(TypeError):
        a.items[0].text["en"] = "changed"  # type: ignore[index]
    assert hash(a) == hash(load_instrument(Path(a.source)))


def test_cache_notices_a_changed_file(tmp_path):
    path = _write(tmp_path, "demo", _minimal())
    first = load_instrument(path)
    assert load_instrument(str(path)) is first
    doc = _minimal()
    doc["version"] = "2.0-with-longer-text"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    assert load_instrument(path).version == "2.0-with-longer-text"


@pytest.mark.parametrize("instrument_id", SHIPPED)
def test_docs_name_every_item_and_construct(instrument_id):
    text = (DOCS / f"{instrument_id}.md").read_text(encoding="utf-8")
    inst = load_instrument(instrument_id)
    for it in inst.items:
        assert it.id in text, f"docs/instruments/{instrument_id}.md does not mention {it.id}"
    for construct in inst.constructs:
        assert construct in text


def test_working_together_docs_state_the_classification_rule():
    text = (DOCS / "working_together.md").read_text(encoding="utf-8")
    for phrase in ("3.5", "below_cooperation", "wt_fit", "2/3"):
        assert phrase in text


# --------------------------------------------------------------------------- broken files


def _minimal(**overrides) -> dict:
    doc = {
        "id": "demo",
        "version": "1",
        "title": {"en": "Demo"},
        "scales": {
            "agree": {"values": [1, 2, 3], "labels": {"en": ["No", "Maybe", "Yes"]}},
        },
        "items": [
            {
                "id": "q1",
                "text": {"en": "First?"},
                "construct": "c",
                "scale": "agree",
                "reverse": False,
                "audience": ["all"],
            },
            {
                "id": "q2",
                "text": {"en": "Second?"},
                "construct": "c",
                "scale": "agree",
                "reverse": True,
                "audience": ["professional", "family"],
                "required": False,
            },
        ],
    }
    doc.update(overrides)
    return doc


def _write(folder: Path, name: str, content: dict | str | bytes) -> Path:
    path = folder / f"{name}.yaml"
    if isinstance(content, dict):
        content = yaml.safe_dump(content, allow_unicode=True, sort_keys=False)
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def _problems(path: Path) -> list:
    with pytest.raises(InstrumentError) as info:
        validate_instrument_file(path)
    err = info.value
    assert isinstance(err, ValidationError) and isinstance(err, CocopeError)
    assert err.problems, "an InstrumentError must list its problems"
    for p in err.problems:
        assert p.source == str(path)
        assert p.table == path.stem
        assert str(path) in str(err)
    return err.problems


def test_minimal_file_is_valid(tmp_path):
    inst = validate_instrument_file(_write(tmp_path, "demo", _minimal()))
    assert inst.items[1].audience == ("professional", "family")
    assert inst.items[0].required and not inst.items[1].required
    assert list(inst.constructs) == ["c"]  # taken from the items when not declared
    assert inst.scales["agree"].dont_know is False


BROKEN_LINE = """\
id: demo
version: "1"
title: {en: Demo}
scales:
  agree: {values: [1, 2, 3], labels: {en: ["No", "Maybe", "Yes"]}}
items:
  - id: q1
    text: {en: First question}
    construct: c
    scale: agree
    reverse: false
    audience: [all]
"""


@pytest.mark.parametrize(
    ("name", "mutate", "column", "row"),
    [
        (
            "missing_en",
            lambda s: s.replace("{en: First question}", "{de: Erste Frage}"),
            "items[0].text.en",
            8,
        ),
        ("duplicate_id", lambda s: s + s[s.index("  - id: q1") :], "items[1].id", 13),
        (
            "unknown_scale",
            lambda s: s.replace("scale: agree", "scale: agree7"),
            "items[0].scale",
            10,
        ),
        ("label_count", lambda s: s.replace('"Maybe", ', ""), "scales.agree.labels.en", 5),
        (
            "bad_reverse",
            lambda s: s.replace("reverse: false", "reverse: sometimes"),
            "items[0].reverse",
            11,
        ),
        (
            "reverse_int",
            lambda s: s.replace("reverse: false", "reverse: 1"),
            "items[0].reverse",
            11,
        ),
        (
            "unknown_key",
            lambda s: s.replace("    audience", "    weight: 2\n    audience"),
            "items[0].weight",
            12,
        ),
        ("top_unknown_key", lambda s: s + "author: me\n", "author", 13),
        ("wrong_id", lambda s: s.replace("id: demo", "id: other"), "id", 1),
        ("bad_audience", lambda s: s.replace("[all]", "[parents]"), "items[0].audience[0]", 12),
        (
            "values_not_ascending",
            lambda s: s.replace("[1, 2, 3]", "[1, 3, 2]"),
            "scales.agree.values",
            5,
        ),
        (
            "value_not_number",
            lambda s: s.replace("[1, 2, 3]", "[1, two, 3]"),
            "scales.agree.values[1]",
            5,
        ),
        ("bad_lang", lambda s: s.replace("{en: Demo}", "{en: Demo, DE: Demo}"), "title.DE", 3),
        ("long_lang", lambda s: s.replace("{en: Demo}", "{en: Demo, deu: Demo}"), "title.deu", 3),
        ("version_number", lambda s: s.replace('"1"', "1.0"), "version", 2),
        ("missing_key", lambda s: s.replace("    construct: c\n", ""), "items[0].construct", 7),
        (
            "empty_text",
            lambda s: s.replace("{en: First question}", '{en: ""}'),
            "items[0].text.en",
            8,
        ),
        ("yes_as_label", lambda s: s.replace('"Yes"', "Yes"), "scales.agree.labels.en[2]", 5),
        (
            "duplicate_key",
            lambda s: s.replace("    construct: c\n", "    construct: c\n    construct: d\n"),
            "items[0].construct",
            10,
        ),
        (
            "alias",
            lambda s: s.replace("title: {en: Demo}", "title: &t {en: Demo}\ndescription: *t"),
            "description",
            4,
        ),
    ],
)
def test_each_kind_of_broken_file_names_field_and_line(tmp_path, name, mutate, column, row):
    path = _write(tmp_path, "demo", mutate(BROKEN_LINE))
    problems = _problems(path)
    hits = [p for p in problems if p.column == column]
    assert hits, f"{name}: no problem for {column}; got {[str(p) for p in problems]}"
    assert hits[0].row == row, f"{name}: {hits[0]}"
    assert hits[0].allowed  # says what to do


def test_missing_en_in_scale_labels_and_title(tmp_path):
    doc = _minimal(title={"de": "Demo"})
    doc["scales"]["agree"]["labels"] = {"de": ["Nein", "Vielleicht", "Ja"]}
    problems = _problems(_write(tmp_path, "demo", doc))
    columns = {p.column for p in problems}
    assert {"title.en", "scales.agree.labels.en"} <= columns
    assert all("English" in p.allowed for p in problems)


def test_undeclared_construct_is_a_problem(tmp_path):
    doc = _minimal(constructs={"other": {"label": {"en": "Other"}}})
    problems = _problems(_write(tmp_path, "demo", doc))
    assert [p.column for p in problems] == ["items[0].construct", "items[1].construct"]
    assert "other" in problems[0].allowed


def test_free_text_scale_rules(tmp_path):
    doc = _minimal()
    doc["scales"]["notes"] = {"type": "text", "values": [1]}
    doc["scales"]["odd"] = {"type": "essay", "values": []}
    doc["items"][1]["scale"] = "notes"  # reverse: true on a text scale
    problems = _problems(_write(tmp_path, "demo", doc))
    assert {p.column for p in problems} == {
        "scales.notes.values",
        "scales.odd.type",
        "items[1].reverse",
    }


def test_empty_ordinal_scale_asks_for_type_text(tmp_path):
    doc = _minimal()
    doc["scales"]["agree"] = {"values": [], "labels": {"en": []}}
    (p,) = _problems(_write(tmp_path, "demo", doc))
    assert p.column == "scales.agree.values" and "type: text" in p.allowed


def test_many_problems_in_one_file_are_all_listed(tmp_path):
    text = (
        BROKEN_LINE.replace("id: demo", "id: wrong")
        .replace("text: {en: First question}", "text: {de: Erste Frage}")
        .replace("scale: agree", "scale: nope")
        .replace("reverse: false", "reverse: maybe")
        .replace('"Maybe", ', "")
        .replace("    audience", "    colour: red\n    audience")
        + "  - {id: q1, text: {en: Again}, construct: c, scale: agree, reverse: false,"
        " audience: [all]}\n"
    )
    path = _write(tmp_path, "demo", text)
    problems = _problems(path)
    columns = [p.column for p in problems]
    for expected in [
        "id",
        "items[0].text.en",
        "items[0].scale",
        "items[0].reverse",
        "scales.agree.labels.en",
        "items[0].colour",
        "items[1].id",
    ]:
        assert expected in columns, f"{expected} missing from {columns}"
    assert len(problems) == 7
    message = str(InstrumentError(problems, f"instrument file {path}"))
    assert message.startswith(f"7 problems in instrument file {path}:")


@pytest.mark.parametrize(
    ("name", "content", "row", "needle"),
    [
        ("syntax", "id: demo\nitems: [1, 2\nversion: '1'\n", 3, "not valid YAML"),
        ("tabs", "id: demo\n\tversion: '1'\n", 2, "not valid YAML"),
        ("empty", "", None, "empty"),
        ("only_comments", "# nothing here\n\n", None, "empty"),
        ("two_documents", "id: demo\n---\nid: demo\n", 2, "not valid YAML"),
        ("top_level_list", "- id: demo\n", 1, "mapping"),
        ("just_null", "null\n", 1, "a mapping of id, version"),
        ("control_char", "id: demo\x07\n", 1, "not valid YAML"),
    ],
)
def test_unparsable_files(tmp_path, name, content, row, needle):
    problems = _problems(_write(tmp_path, "demo", content))
    assert problems[0].row == row, str(problems[0])
    assert needle in problems[0].allowed


def test_non_utf8_bytes_are_reported_with_their_line_and_other_problems_too(tmp_path):
    text = BROKEN_LINE.replace("First question", "Größe").replace("scale: agree", "scale: nope")
    path = _write(tmp_path, "demo", text.encode("cp1252"))
    problems = _problems(path)
    enc = [p for p in problems if "UTF-8" in p.allowed]
    assert len(enc) == 1 and enc[0].row == 8 and enc[0].column is None
    assert any(p.column == "items[0].scale" for p in problems)  # parsing went on


def test_utf8_bom_is_accepted(tmp_path):
    path = _write(tmp_path, "demo", b"\xef\xbb\xbf" + BROKEN_LINE.encode("utf-8"))
    assert validate_instrument_file(path).id == "demo"


def test_missing_file_and_directory(tmp_path):
    (p,) = _problems(tmp_path / "absent.yaml")
    assert "cannot read" in p.allowed
    folder = tmp_path / "folder.yaml"
    folder.mkdir()
    (p,) = _problems(folder)
    assert "cannot read" in p.allowed
    with pytest.raises(InstrumentError):
        load_instrument(tmp_path / "absent.yaml")


def test_unsafe_tags_are_problems_not_code(tmp_path):
    text = BROKEN_LINE.replace('version: "1"', "version: !!python/object/apply:os.system [x]")
    problems = _problems(_write(tmp_path, "demo", text))
    assert problems[0].column == "version"


# --------------------------------------------------------------------------- reverse keying


def test_reverse_key_on_the_kinds_of_input():
    agree5 = load_instrument("working_together").scales["agree5"]
    assert reverse_key(2, agree5) == 4.0
    assert reverse_key((1, None, 5), agree5) == (5.0, None, 1.0)
    s = pd.Series([1, np.nan, 3], index=["a", "b", "c"])
    out = reverse_key(s, agree5)
    assert out.index.tolist() == ["a", "b", "c"] and math.isnan(out["b"])
    assert out[["a", "c"]].tolist() == [5.0, 3.0]
    assert reverse_key(np.array([0, 3]), (0, 3)).tolist() == [3.0, 0.0]
    df = pd.DataFrame({"x": [1, 2]})
    assert reverse_key(df, agree5)["x"].tolist() == [5.0, 4.0]
    level4 = load_instrument("collaboration_network").scales["level4"]
    assert reverse_key([0, 1, 2, 3], level4) == [3.0, 2.0, 1.0, 0.0]


def test_reverse_key_refuses_what_it_cannot_do():
    agree5 = load_instrument("working_together").scales["agree5"]
    text = load_instrument("reflection_prompts").scales["text"]
    with pytest.raises(UsageError, match="free text"):
        reverse_key([1], text)
    with pytest.raises(UsageError, match="between 1 and 5"):
        reverse_key(pd.Series([1, 6]), agree5)
    with pytest.raises(UsageError, match="between 1 and 5"):
        reverse_key(np.array([0, 1]), agree5)
    with pytest.raises(UsageError, match="numbers"):
        reverse_key(["a"], agree5)
    with pytest.raises(UsageError):
        reverse_key([1], "agree5")  # type: ignore[arg-type]


_scales = st.lists(
    st.integers(min_value=-10, max_value=10), min_size=2, max_size=7, unique=True
).map(lambda vs: Scale(id="s", values=tuple(float(v) for v in sorted(vs)), labels={}))


@given(scale=_scales, data=st.data())
def test_reverse_key_twice_is_identity_on_scale_values(scale, data):
    values = data.draw(st.lists(st.sampled_from(scale.values) | st.none(), max_size=20))
    once = reverse_key(values, scale)
    assert reverse_key(once, scale) == values
    answered = [v for v in once if v is not None]
    assert all(scale.min <= v <= scale.max for v in answered)
    # reversing turns the order around
    pairs = [
        (a, b) for a, b in itertools.combinations(values, 2) if a is not None and b is not None
    ]
    for a, b in pairs:
        ra, rb = reverse_key(a, scale), reverse_key(b, scale)
        assert (a < b) == (ra > rb)


@given(
    lo=st.floats(-100, 100),
    width=st.floats(0, 100),
    fractions=st.lists(st.floats(0, 1) | st.just(math.nan), max_size=20),
)
def test_reverse_key_twice_is_identity_for_series(lo, width, fractions):
    hi = lo + width
    s = pd.Series([min(max(lo + f * width, lo), hi) for f in fractions], dtype=float)
    twice = reverse_key(reverse_key(s, (lo, hi)), (lo, hi))
    assert twice.isna().equals(s.isna())
    assert np.allclose(twice.dropna(), s.dropna(), rtol=1e-9, atol=1e-9)


# --------------------------------------------------------------------------- robustness


_counter = itertools.count()


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


def _only_cocope_errors(folder: Path, content: str | bytes) -> None:
    path = _write(folder, f"fuzz{next(_counter)}", content)
    try:
        validate_instrument_file(path)
    except CocopeError as err:
        assert isinstance(err, InstrumentError)
        assert str(err)
    finally:
        path.unlink()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_arbitrary_text_raises_only_cocope_errors(fuzz_dir, text):
    _only_cocope_errors(fuzz_dir, text)


@settings(max_examples=200, deadline=None)
@given(st.binary())
def test_arbitrary_bytes_raise_only_cocope_errors(fuzz_dir, raw):
    _only_cocope_errors(fuzz_dir, raw)


_yaml_alphabet = st.sampled_from(list("abc:-[]{},'\"&*!|>#?%@` \n\t0123456789."))


@settings(max_examples=300, deadline=None)
@given(st.text(_yaml_alphabet, max_size=80))
def test_yaml_like_text_raises_only_cocope_errors(fuzz_dir, text):
    _only_cocope_errors(fuzz_dir, "id: demo\n" + text)


_keys = st.sampled_from(
    [
        "id",
        "version",
        "title",
        "scales",
        "items",
        "constructs",
        "description",
        "en",
        "de",
        "values",
        "labels",
        "type",
        "dont_know",
        "text",
        "easy_read",
        "construct",
        "scale",
        "reverse",
        "audience",
        "required",
        "label",
        "agree",
        "q1",
        "x",
    ]
)
_leaves = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True)
    | st.text(max_size=5)
    | st.sampled_from(["agree", "all", "text", "en", "demo"])
)
_json_like = st.recursive(
    _leaves,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(_keys, children, max_size=5),
    max_leaves=25,
)


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, (*prefix, i))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_valid_instrument_raises_only_cocope_errors(fuzz_dir, data):
    doc = _minimal(constructs={"c": {"label": {"en": "C"}}})
    paths = [p for p in _paths(doc) if p]
    target = data.draw(st.sampled_from(paths))
    junk = data.draw(_json_like)
    node = doc
    for step in target[:-1]:
        node = node[step]
    node[target[-1]] = junk
    _only_cocope_errors(fuzz_dir, yaml.safe_dump(doc, allow_unicode=True))


@settings(max_examples=100, deadline=None)
@given(_json_like)
def test_arbitrary_structures_raise_only_cocope_errors(fuzz_dir, doc):
    _only_cocope_errors(fuzz_dir, yaml.safe_dump(doc, allow_unicode=True))


def test_deep_nesting_and_alias_bombs_are_problems(tmp_path):
    problems = _problems(_write(tmp_path, "deep", "[" * 5000 + "]" * 5000))
    assert problems
    bomb = "a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\nd: [*c, *c]\n"
    problems = _problems(_write(tmp_path, "bomb", bomb))
    assert any("aliases" in p.allowed for p in problems)
    loop = "id: &a [*a]\n"
    assert _problems(_write(tmp_path, "loop", loop))


def test_error_message_reads_well(tmp_path):
    text = BROKEN_LINE.replace("scale: agree", "scale: agre")
    path = _write(tmp_path, "demo", text)
    with pytest.raises(InstrumentError) as info:
        validate_instrument_file(path)
    line = str(info.value).splitlines()[1]
    assert re.search(
        r"demo row 10, column 'items\[0\]\.scale': 'agre' is not allowed; "
        r"one of the scales defined under 'scales': agree",
        line,
    ), line


@pytest.mark.parametrize(
    "content",
    [
        BROKEN_LINE.replace("scale: agree", "scale: nope").replace("id: demo", "id: x"),
        BROKEN_LINE + "  - {id: q1}\n",
        "id: demo\nitems: [1, 2\n",
        "[" * 1100 + "]" * 1100,
        "",
    ],
)
def test_pure_python_yaml_parser_reports_the_same_places(tmp_path, monkeypatch, content):
    import cocope_kit.instrument_file as mod

    path = _write(tmp_path, "demo", content)
    fast = [(p.row, p.column) for p in _problems(path)]
    monkeypatch.setattr(mod, "_YAML_LOADER", yaml.SafeLoader)
    assert [(p.row, p.column) for p in _problems(path)] == fast


def test_audience_constant_matches_docs():
    assert AUDIENCES == ("all", "professional", "student", "family")


_BLOCK_DEEP = "".join(f"{'  ' * i}k{i}:\n" for i in range(40)) + "  " * 40 + "x: 1\n"


@pytest.mark.parametrize("loader", ["C", "pure"])
@pytest.mark.parametrize(
    ("content", "line"),
    [
        ("[" * 1100 + "]" * 1100, 1),
        ("[" * 5000 + "]" * 5000, 1),
        ("id: demo\nitems:\n  - " + "{a: " * 40 + "1" + "}" * 40 + "\n", 3),
        (_BLOCK_DEEP, 33),  # block style: the 33rd mapping starts on line 33
    ],
)
def test_pathological_nesting_is_a_located_problem_with_either_loader(
    tmp_path, monkeypatch, loader, content, line
):
    """Deeply nested files give one located problem, whichever YAML loader is in use (the
    pure-Python composer would otherwise run out of recursion and report no line)."""
    import cocope_kit.instrument_file as mod

    if loader == "pure":
        monkeypatch.setattr(mod, "_YAML_LOADER", yaml.SafeLoader)
    else:
        assert mod._YAML_LOADER is yaml.CSafeLoader  # libyaml is in the lock's PyYAML wheel
    problems = _problems(_write(tmp_path, "deep", content))
    assert [(p.row, p.column) for p in problems] == [(line, None)]
    assert f"more than {mod.MAX_NESTING} levels" in problems[0].allowed
    with pytest.raises(InstrumentError, match=rf"deep row {line}\b"):
        validate_instrument_file(tmp_path / "deep.yaml")
