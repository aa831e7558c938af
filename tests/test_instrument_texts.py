"""The wording of the shipped instruments: five languages, easy-read for students, no copies.

Checks the texts themselves (every language present, no English left in a translation, an
easy-read rewrite that is really plainer), the ``easy_read_labels`` key of the instrument
format (validated like ``labels``), and that the survey and network forms give students the
easy-read item texts and the easy-read labels on their choice widgets, in every language.
"""

from __future__ import annotations

import difflib
import itertools
import re
from pathlib import Path

import pytest
import yaml

import cocope_kit as ck
from cocope_kit.errors import InstrumentError
from cocope_kit.instruments import (
    DONT_KNOW_LABELS,
    Instrument,
    list_instruments,
    load_instrument,
    validate_instrument_file,
)
from cocope_kit.widgets import PairRatingForm, SurveyForm
from cocope_kit.widgets.survey import NON_SURVEY_INSTRUMENTS

LANGS = ("en", "de", "nl", "pt", "sk")
SHIPPED = list_instruments()
SURVEYS = [i for i in SHIPPED if i not in NON_SURVEY_INSTRUMENTS]

# An easy-read text is a real rewrite when it shares less than 80 % of its characters with
# the adult wording (difflib ratio, case-folded). At least 80 % of the items a student sees
# must be such rewrites in every language: the rest are items whose adult wording is already
# plain ("Which statement fits our group best?"), where a rewrite for its own sake would only
# change the meaning. Issue 14 found 4 of 50 items (8 %) rewritten.
REWRITE_SIMILARITY = 0.8
MIN_REWRITTEN_SHARE = 0.8
# easy-read is shorter: at most 85 % of the adult words (items and the labels students see),
# per instrument and language
MAX_WORD_RATIO = 0.85
# and no sentence of an easy-read text is longer than this many words
MAX_SENTENCE_WORDS = 15

# words a 10-14-year-old should not meet in easy-read wording (the project's own jargon)
JARGON = {
    "en": r"\b(CoP|collaborat\w*|cooperat\w*|coordinat\w*|stakeholders?|empower\w*|"
    r"community of practice)\b",
    "de": r"\b(CoP|Kollaboration|Kooperation|Koordination|Stakeholder|Empowerment|"
    r"Praxisgemeinschaft)\b",
    "nl": r"\b(CoP|collaboratie|coöperatie|coördinatie|co-creatie|stakeholders?|"
    r"praktijkgemeenschap)\b",
    "pt": r"\b(CoP|colaboração|cooperação|coordenação|stakeholders?|capacitação|"
    r"comunidade de prática)\b",
    "sk": r"\b(CoP|kolaborácia|kooperácia|koordinácia|stakeholder\w*|komunita praxe)\b",
}
# students are addressed informally: du, je/jij, tu, ty; never Sie, u, você, vy
FORMAL_ADDRESS = {
    "de": r"(?<![.?!:] )(?<!^)\b(Sie|Ihnen|Ihr|Ihre|Ihren|Ihrem|Ihrer)\b",
    "nl": r"\b(u|uw)\b",
    "pt": r"\b(você|vocês|o senhor|a senhora)\b",
    "sk": r"\b(vy|vás|vám|váš|vaša|vaše|vami)\b",
}


def _student_items(inst: Instrument):
    return inst.items_for("student")


def _student_scales(inst: Instrument):
    ids = dict.fromkeys(it.scale for it in _student_items(inst))
    return [inst.scales[s] for s in ids if inst.scales[s].type == "ordinal"]


def _words(text: str) -> int:
    return len(text.split())


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.?!:])\s+", text) if s.strip()]


# --------------------------------------------------------------------------- coverage


@pytest.mark.parametrize("instrument_id", SHIPPED)
def test_every_student_item_and_scale_has_easy_read_in_five_languages(instrument_id):
    inst = load_instrument(instrument_id)
    items = _student_items(inst)
    assert items, f"{instrument_id}: students see no item"
    for it in items:
        missing = [lang for lang in LANGS if not it.easy_read.get(lang, "").strip()]
        assert not missing, f"{it.id}: no easy_read in {missing}"
    for sc in _student_scales(inst):
        for lang in LANGS:
            labels = sc.easy_read_labels.get(lang)
            assert labels, f"{instrument_id}.{sc.id}: no easy_read_labels in {lang}"
            assert len(labels) == len(sc.values) and all(lab.strip() for lab in labels)
            assert sc.labels_for(lang, easy_read=True) == labels
            assert sc.labels_for(lang) == sc.labels[lang]  # adults keep the standard labels


@pytest.mark.parametrize("lang", LANGS)
def test_learning_community_is_complete_in_every_language(lang):
    lc = load_instrument("learning_community")
    assert lang in lc.languages()
    assert lc.title[lang].strip()
    assert [lc.text(it.id, lang) for it in lc.items] == [it.text[lang] for it in lc.items]
    assert all(it.text[lang].strip() for it in lc.items) and len(lc.items) == 12
    assert len(lc.scales["agree5"].labels[lang]) == 5
    for cid, spec in lc.constructs.items():
        assert spec["label"].get(lang), f"construct {cid} has no {lang} label"
    if lang != "en":
        assert lc.title[lang] != lc.title["en"]
        assert all(it.text[lang] != it.text["en"] for it in lc.items)


def _texts(inst: Instrument):
    """(where, {lang: text}) for every text a participant reads."""
    yield "title", dict(inst.title)
    yield "easy_read_title", dict(inst.easy_read_title)
    for it in inst.items:
        yield f"{it.id}.text", dict(it.text)
        if it.easy_read:
            yield f"{it.id}.easy_read", dict(it.easy_read)
    for sc in inst.scales.values():
        for kind, table in (("labels", sc.labels), ("easy_read_labels", sc.easy_read_labels)):
            for n in range(len(sc.values)):
                yield (f"{sc.id}.{kind}[{n}]",
                       {lang: labels[n] for lang, labels in table.items()})


@pytest.mark.parametrize("instrument_id", SHIPPED)
def test_no_language_is_a_copy_of_another(instrument_id):
    """A text of more than three words is never the same in two languages: a translation that
    was left in English (or pasted from another language) is caught here."""
    copies = []
    for where, texts in _texts(load_instrument(instrument_id)):
        for a, b in itertools.combinations(sorted(texts), 2):
            if _words(texts[a]) > 3 and texts[a].strip().lower() == texts[b].strip().lower():
                copies.append(f"{where}: {a} == {b}: {texts[a]!r}")
    assert not copies, "\n".join(copies)


# --------------------------------------------------------------------------- easy-read quality


@pytest.mark.parametrize("lang", LANGS)
def test_easy_read_is_a_real_rewrite_for_most_items(lang):
    rewritten, close = 0, []
    items = [it for i in SHIPPED for it in _student_items(load_instrument(i))]
    for it in items:
        ratio = difflib.SequenceMatcher(
            None, it.text[lang].casefold(), it.easy_read[lang].casefold()).ratio()
        if ratio < REWRITE_SIMILARITY:
            rewritten += 1
        else:
            close.append(it.id)
        assert it.easy_read[lang] != it.text[lang], f"{it.id}: easy_read is the adult text"
    share = rewritten / len(items)
    assert share >= MIN_REWRITTEN_SHARE, (
        f"{lang}: only {rewritten} of {len(items)} easy-read texts are rewrites; close: {close}")


@pytest.mark.parametrize("instrument_id", SHIPPED)
@pytest.mark.parametrize("lang", LANGS)
def test_easy_read_is_shorter_and_plain(instrument_id, lang):
    inst = load_instrument(instrument_id)
    items = _student_items(inst)
    scales = _student_scales(inst)
    adult = sum(_words(it.text[lang]) for it in items)
    adult += sum(_words(lab) for sc in scales for lab in sc.labels[lang])
    easy = sum(_words(it.easy_read[lang]) for it in items)
    easy += sum(_words(lab) for sc in scales for lab in sc.easy_read_labels[lang])
    assert easy <= MAX_WORD_RATIO * adult, f"{easy} easy-read words vs {adult} adult words"
    jargon, formal = re.compile(JARGON[lang], re.I), FORMAL_ADDRESS.get(lang)
    texts = [(it.id, it.easy_read[lang]) for it in items]
    texts += [(sc.id, lab) for sc in _student_scales(inst) for lab in sc.easy_read_labels[lang]]
    for where, text in texts:
        assert not jargon.search(text), f"{where}: jargon in {text!r}"
        if formal:
            flags = 0 if lang == "de" else re.I
            assert not re.search(formal, text, flags), f"{where}: formal address in {text!r}"
        longest = max(_words(s) for s in _sentences(text))
        assert longest <= MAX_SENTENCE_WORDS, f"{where}: a sentence of {longest} words"


@pytest.mark.parametrize("instrument_id", SHIPPED)
def test_the_title_a_student_sees_is_plain(instrument_id):
    inst = load_instrument(instrument_id)
    for lang in LANGS:
        title = inst.title_for(lang, easy_read=True)
        assert title and not re.search(JARGON[lang], title, re.I), f"{lang}: {title!r}"
        assert inst.title_for(lang) == inst.title[lang]  # adults keep the standard title
        if inst.easy_read_title:
            assert title == inst.easy_read_title[lang] != inst.title[lang]


def test_easy_read_title_is_validated_and_falls_back(tmp_path):
    doc = _doc()
    doc["title"] = {"en": "Climate of our CoP", "nl": "Klimaat in onze CoP"}
    doc["easy_read_title"] = {"en": "How it feels in our group"}
    inst = validate_instrument_file(_file(tmp_path, doc))
    assert inst.title_for("nl", easy_read=True) == "Klimaat in onze CoP"  # own language first
    assert inst.title_for("de", easy_read=True) == "How it feels in our group"
    assert inst.title_for("de") == "Climate of our CoP"
    doc["easy_read_title"] = {"de": "Wie es uns geht"}
    path = _file(tmp_path, doc)
    with pytest.raises(InstrumentError) as info:
        validate_instrument_file(path)
    (p,) = info.value.problems
    assert (p.column, p.value, p.row) == ("easy_read_title.en", None,
                                          _line_of(path, "easy_read_title:"))
    assert "English (en) is required" in p.allowed


def test_easy_read_labels_of_agree5_are_the_same_everywhere():
    """One plain agreement scale for students across the three questionnaires."""
    scales = [load_instrument(i).scales["agree5"] for i in SURVEYS]
    assert all(sc.easy_read_labels == scales[0].easy_read_labels for sc in scales)
    assert scales[0].labels_for("en", easy_read=True) == (
        "Not true at all", "Not true", "Partly true", "True", "Very true")
    assert scales[0].labels_for("sk", easy_read=True)[-1] == "Úplne platí"


def test_students_are_addressed_informally_where_a_question_speaks_to_them():
    cn = load_instrument("collaboration_network")
    rp = load_instrument("reflection_prompts")
    er = {lang: cn.text("cn_level", lang, easy_read=True) for lang in LANGS}
    assert "du" in er["de"].split() and "jij" in er["nl"].split()
    assert er["pt"] == "Como trabalhas com esta pessoa?"  # tu, pt-PT
    assert er["sk"] == "Ako pracuješ s touto osobou?"  # ty
    assert "dich" in rp.text("rp_domain_4", "de", easy_read=True).split()
    assert "te" in rp.text("rp_domain_4", "pt", easy_read=True).split()
    assert "ťa" in rp.text("rp_domain_4", "sk", easy_read=True).split()


# --------------------------------------------------------------------------- the file format


def _doc(**scale) -> dict:
    agree = {"values": [1, 2, 3], "labels": {"en": ["No", "Maybe", "Yes"]}}
    agree.update(scale)
    return {
        "id": "er",
        "version": "1",
        "title": {"en": "Easy"},
        "scales": {"agree": agree, "notes": {"type": "text", "values": []}},
        "items": [{"id": "q1", "text": {"en": "First?"}, "construct": "c", "scale": "agree",
                   "reverse": False, "audience": ["student"]}],
    }


def _file(tmp_path: Path, doc: dict) -> Path:
    path = tmp_path / "er.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if needle in line)


def test_easy_read_labels_load_and_fall_back(tmp_path):
    er = {"en": ["Not true", "A bit", "True"], "de": ["Stimmt nicht", "Ein bisschen", "Stimmt"]}
    doc = _doc(easy_read_labels=er)
    doc["scales"]["agree"]["labels"]["nl"] = ["Nee", "Misschien", "Ja"]
    inst = validate_instrument_file(_file(tmp_path, doc))
    sc = inst.scales["agree"]
    assert sc.easy_read_labels == {"en": tuple(er["en"]), "de": tuple(er["de"])}
    assert sc.labels_for("de", easy_read=True) == tuple(er["de"])
    assert sc.labels_for("de-AT", easy_read=True) == tuple(er["de"])
    assert sc.labels_for("de") == ("No", "Maybe", "Yes")  # adults: English standard labels
    # own language first (standard Dutch), then English easy-read, then English
    assert sc.labels_for("nl", easy_read=True) == ("Nee", "Misschien", "Ja")
    assert sc.labels_for("fr", easy_read=True) == tuple(er["en"])
    assert inst.languages() == {"en"}
    plain = validate_instrument_file(_file(tmp_path, _doc()))
    assert plain.scales["agree"].easy_read_labels == {}
    assert plain.scales["agree"].labels_for("de", easy_read=True) == ("No", "Maybe", "Yes")


@pytest.mark.parametrize(
    ("easy_read_labels", "column", "value", "allowed", "row_offset"),
    [
        ({"en": ["Not true", "True"]}, "scales.agree.easy_read_labels.en", "2 labels",
         "3 labels, one per value in 'values'", 1),
        ({"de": ["Nein", "Halb", "Ja"]}, "scales.agree.easy_read_labels.en", None,
         "English (en) labels are required", 0),
        ({"en": ["Not true", "", "True"]}, "scales.agree.easy_read_labels.en[1]", "",
         "non-empty text", 3),
        ({"en": "Not true, True"}, "scales.agree.easy_read_labels.en", "Not true, True",
         "a list of labels, one per value", 1),
        ({"EN": ["a", "b", "c"], "en": ["a", "b", "c"]}, "scales.agree.easy_read_labels.EN",
         "EN", "a language code of two lowercase letters", 1),
        (["Not true", "Partly", "True"], "scales.agree.easy_read_labels",
         ["Not true", "Partly", "True"], "a mapping from language code to a list of plain labels",
         0),
        ({}, "scales.agree.easy_read_labels", {}, "a mapping from language code", 0),
    ],
)
def test_bad_easy_read_labels_are_located_problems(
    tmp_path, easy_read_labels, column, value, allowed, row_offset
):
    """Each problem names the file, the line (counted from the ``easy_read_labels:`` line of
    the dumped file), the dotted column, the value as written and what is allowed."""
    path = _file(tmp_path, _doc(easy_read_labels=easy_read_labels))
    with pytest.raises(InstrumentError) as info:
        validate_instrument_file(path)
    problems = info.value.problems
    assert len(problems) == 1, problems
    p = problems[0]
    assert (p.source, p.table, p.column, p.value) == (str(path), "er", column, value)
    assert allowed in p.allowed
    assert p.row == _line_of(path, "easy_read_labels:") + row_offset
    assert str(path) in str(info.value)


def test_easy_read_labels_on_a_free_text_scale_are_refused(tmp_path):
    doc = _doc()
    doc["scales"]["notes"]["easy_read_labels"] = {"en": ["x"]}
    path = _file(tmp_path, doc)
    with pytest.raises(InstrumentError) as info:
        validate_instrument_file(path)
    (p,) = info.value.problems
    assert p.column == "scales.notes.easy_read_labels"
    assert p.row == _line_of(path, "easy_read_labels:")
    assert "free-text scale has no labels" in p.allowed


def test_a_misspelt_key_gets_a_hint(tmp_path):
    doc = _doc()
    doc["scales"]["agree"]["easy_read_label"] = {"en": ["a", "b", "c"]}
    path = _file(tmp_path, doc)
    with pytest.raises(InstrumentError) as info:
        validate_instrument_file(path)
    (p,) = info.value.problems
    assert p.column == "scales.agree.easy_read_label"
    assert "did you mean 'easy_read_labels'?" in p.allowed


# --------------------------------------------------------------------------- the forms

COP = "sk-1"


@pytest.fixture
def class_store(store):
    members = [{"member_id": f"{COP}:m{i}", "cop_id": COP, "name": f"Person {i}",
                "pseudonym": p, "role": r, "core": True, "joined_on": "2026-01-10"}
               for i, (p, r) in enumerate([("Teacher A", "teacher"), ("Student B", "student"),
                                           ("Student C", "student")], start=1)]
    consent = [{"member_id": m["member_id"], "kind": "consent", "status": "given",
                "recorded_on": "2026-01-10"} for m in members]
    store.write({"cop": [{"cop_id": COP, "name": "Trieda 7.B", "school": "ZŠ Košice",
                          "country": "SK", "language": "sk", "created_on": "2026-01-10"}],
                 "member": members, "consent": consent})
    return store


def _labels(widget) -> list[str]:
    return [label for label, _ in widget.options]


def _html(widget) -> str:
    out, stack = [], [widget]
    while stack:
        w = stack.pop()
        if hasattr(w, "value") and isinstance(w.value, str):
            out.append(w.value)
        stack.extend(getattr(w, "children", ()))
    return "\n".join(out)


@pytest.mark.parametrize("instrument_id", SURVEYS)
@pytest.mark.parametrize("lang", LANGS)
def test_student_survey_shows_easy_read_texts_and_labels(class_store, instrument_id, lang):
    inst = load_instrument(instrument_id)
    form = SurveyForm(class_store, COP, instrument_id, "post", lang, audience="student")
    assert form.easy_read and form.item_ids == [it.id for it in inst.items_for("student")]
    shown = _html(form)
    for item in form.items:
        it = inst.item(item.item_id)
        assert item.text == it.easy_read[lang] and item.language == lang
        assert it.easy_read[lang] in shown.replace("&#x27;", "'")
        scale = inst.scales[it.scale]
        expected = list(scale.easy_read_labels[lang])
        if scale.dont_know:
            expected.append(DONT_KNOW_LABELS[lang])
        assert _labels(form.input_widget(it.id)) == expected
    # an adult in the same language gets the standard wording and labels
    adult = SurveyForm(class_store, COP, instrument_id, "post", lang, audience="professional")
    first = adult.items[0]
    it = inst.item(first.item_id)
    assert first.text == it.text[lang] != it.easy_read[lang]
    scale = inst.scales[it.scale]
    assert _labels(adult.input_widget(it.id))[: len(scale.values)] == list(scale.labels[lang])


def test_a_student_member_gets_easy_read_without_asking(class_store):
    form = SurveyForm(class_store, COP, "learning_community", "post", "nl",
                      respondent=f"{COP}:m2")
    assert form.audience == "student" and form.easy_read
    assert form.items[0].text == "In onze groep leer ik nuttige dingen."
    assert _labels(form.input_widget("lc_shared_learning_1"))[0] == "Klopt helemaal niet"
    form.set_answer("lc_shared_learning_1", 5.0)
    for item in form.items[1:]:
        form.set_answer(item.item_id, 4.0)
    form.submit()
    answers = class_store.read("answer").set_index("item_id")["value"]
    assert answers["lc_shared_learning_1"] == 5.0  # the plain label stores the same value


@pytest.mark.parametrize("lang", LANGS)
def test_network_form_gives_students_the_easy_read_levels(class_store, lang):
    cn = load_instrument("collaboration_network")
    student = PairRatingForm(class_store, COP, "post", f"{COP}:m2", language=lang)
    assert student.easy_read
    rb = student.input_widget(f"{COP}:m1")
    assert _labels(rb) == list(cn.scales["level4"].easy_read_labels[lang])
    assert cn.text("cn_level", lang, easy_read=True) in _html(student).replace("&#x27;", "'")
    teacher = PairRatingForm(class_store, COP, "post", f"{COP}:m1", language=lang)
    assert not teacher.easy_read
    assert _labels(teacher.input_widget(f"{COP}:m2")) == list(cn.scales["level4"].labels[lang])
    student.set_rating(f"{COP}:m1", 2)
    student.set_rating(f"{COP}:m3", 3)
    student.submit()
    pr = class_store.read("pair_rating").set_index("ratee_id")["level"].to_dict()
    assert pr == {f"{COP}:m1": 2, f"{COP}:m3": 3}


def test_every_shipped_instrument_is_in_this_file():
    assert set(SHIPPED) == {"collaboration_network", "cop_climate", "learning_community",
                            "reflection_prompts", "working_together"}
    assert ck.load_instrument("reflection_prompts").items_for("student")


@pytest.mark.parametrize("instrument_id", SHIPPED)
def test_docs_point_to_the_easy_read_rule(instrument_id):
    docs = Path(__file__).resolve().parents[1] / "docs" / "instruments"
    text = (docs / f"{instrument_id}.md").read_text(encoding="utf-8")
    assert "(easy_read.md)" in text
    assert "fall back to English" not in text  # every shipped instrument is complete
    rule = (docs / "easy_read.md").read_text(encoding="utf-8")
    for key in ("easy_read_labels", "du", "je/jij", "tu", "ty", "15 words", "80 %", "85 %"):
        assert key in rule
