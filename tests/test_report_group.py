"""The group view of the per-CoP report (issue 16): numbers, languages, thin data, hand-out.

Headline numbers are compared with the analysis functions called directly on the
consent-filtered tables; every language is checked against the messages of the group
view extracted from the source with Babel (none of the English texts may be left).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

import cocope_kit as ck
from cocope_kit import analysis
from cocope_kit.cli import main
from cocope_kit.demo import write_demo
from cocope_kit.errors import CocopeError
from cocope_kit.i18n import translator
from cocope_kit.privacy import filter_consented
from cocope_kit.report import report_html
from cocope_kit.report_cop import group_report_model
from cocope_kit.report_group import _reliability_word, headline
from cocope_kit.report_handout import write_handout
from cocope_kit.report_model import Section, Table, frame

AS_OF = "2026-06-30"
COPS = {"be-gent": "nl", "at-graz": "de", "pt-porto": "pt", "sk-kosice": "sk"}
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def store():
    return write_demo(ck.open_store(":memory:"))


@pytest.fixture(scope="module")
def models(store):
    return {(c, lang): group_report_model(store, c, as_of=AS_OF, language=lang)
            for c in COPS for lang in ("en", None)}


def consented(store, cop_id):
    t = analysis.load_tables(store, cop_ids=[cop_id], consented_only=False)
    return filter_consented(t)[0]


def group_part(html: str) -> str:
    """The page up to the technical appendix (what is projected)."""
    return html.split('<details class="appendix"', 1)[0]


# ----------------------------------------------------------------------------- numbers
@pytest.mark.parametrize("cop_id", list(COPS))
def test_headline_numbers_equal_analysis(store, models, cop_id):
    t = consented(store, cop_id)
    tr = translator("en")
    head = models[(cop_id, "en")].sections[0].headline
    assert 4 <= len(head) <= 6
    ga = analysis.goal_attainment(t["goal"], t["goal_measurement"], as_of=AS_OF).iloc[0]
    g = t["goal"].iloc[0]
    start, now = tr.number(ga.baseline, 1), tr.number(ga.latest_value, 1)
    assert f"from {start} to {now} {g['unit']}" in head[0]
    if ga.target_reached:
        assert head[0].startswith("The goal is reached")
    else:  # every demo goal's deadline is before AS_OF
        assert pd.Timestamp(g["deadline"]) < pd.Timestamp(AS_OF)
        assert head[0].startswith(f"Deadline passed: target not reached "
                                  f"({tr.percent(ga.progress)} of the way)")
    pp = analysis.plan_progress(t["action"], as_of=AS_OF).iloc[0]
    done = t["action"][t["action"].status == "done"]
    on_time = int((done.done_on <= done.due_on).sum())
    if pp.done == pp.steps:
        assert head[1].startswith(f"All {pp.steps} steps of the plan are done.")
    else:
        assert head[1].startswith(f"{pp.done} of {pp.steps} steps of the plan are done.")
    assert f"{on_time} of them" in head[1]
    if pp.overdue:  # named the same way as in the appendix's plan table
        assert re.search(rf"\b{pp.overdue} steps? (is|are) overdue", head[1])
    else:
        assert "overdue" not in head[1]
    sh = analysis.contribution_shares(t["attendance"], t["member"], t["meeting"],
                                      by=("cop_id", "role_group"), within="cop_id")
    st = sh[sh.role_group == "student"].iloc[0]
    assert (f"Students were {int(st.members)} of {int(sh.members.sum())} members "
            f"({tr.percent(st.share_of_members)}) and made {int(st.contributions)} of "
            f"{int(sh.contributions.sum())} contributions") in head[2]
    assert f"{len(t['member'])} people took part" in head[2]


def test_deadline_passed_wording(models):
    head = models[("be-gent", "en")].sections[0].headline
    assert head[0].startswith("Deadline passed: target not reached (68% of the way)")
    assert "behind schedule" not in " ".join(head)
    assert models[("at-graz", "en")].sections[0].headline[0].startswith("The goal is reached")


def test_headline_function_is_the_report_s(store, models):
    assert headline(store, "pt-porto", as_of=AS_OF, language="en") == \
        models[("pt-porto", "en")].sections[0].headline


# ----------------------------------------------------------------------------- layout
GROUP_ORDER = ["summary", "tree", "goal", "steps", "who-took-part", "together", "said",
               "lessons-and-side-effects", "stories", "match"]


def test_group_view_first_then_appendix(store):
    html = report_html(store, cop_id="be-gent", as_of=AS_OF)
    group, appendix = group_part(html), html.split('<details class="appendix"', 1)[1]
    pos = [group.index(f'id="{sid}"') for sid in GROUP_ORDER]
    assert pos == sorted(pos)
    for word in ("Cronbach", "p_value", "rank-biserial", "Krippendorff", "T-score", "Blau",
                 "cocope_kit.analysis", "cop_id", "n fit", "shared share"):
        assert word not in group, word
    for tid in ("t-reliability-working-together", "t-change-cop-climate", "t-coder-agreement",
                "t-gas", "t-steps"):
        assert f'id="{tid}"' in appendix, tid
    # each result once: quotes, lesson cards and stories only in the group view
    assert appendix.count("<blockquote>") == 0 and group.count("<blockquote>") >= 3
    assert 'class="card' not in appendix


def test_no_raw_keys_in_group_view(models):
    for (cop_id, _lang), model in models.items():
        for sec in model.sections:
            texts = [sec.title, *sec.headline]
            texts += [b.caption for b in sec.blocks if isinstance(b, Table)]
            texts += [c for b in sec.blocks if isinstance(b, Table) for c in b.labels]
            texts += [r[0] for b in sec.blocks if isinstance(b, Table) for r in b.rows]
            for text in texts:
                assert not re.search(r"\b[a-z]+_[a-z_]+\b", text), (cop_id, text)
                assert "cop_id=" not in text and cop_id not in text, (cop_id, text)


def test_reliability_below_ten_answers():
    assert _reliability_word(9, 0.95, translator("en")) == "too few answers to check"
    assert _reliability_word(10, 0.95, translator("en")) == "yes, the questions agree"
    assert _reliability_word(40, 0.5, translator("en")) == "read with care"
    assert _reliability_word(9, 0.95, translator("sk")) == "príliš málo odpovedí na overenie"


def test_scale_tables_use_instrument_labels(models):
    model = models[("at-graz", None)]
    tables = [b for s in model.sections for b in s.blocks if isinstance(b, Table)]
    wt = next(t for t in tables if t.id == "t-scales-working-together")
    assert [r[0] for r in wt.rows][0].startswith("Kollaboration")
    assert {r[3] for r in wt.rows} == {"zu wenige Antworten zum Prüfen"}  # n = 8 < 10
    assert list(frame(wt).columns) == ["Skala", "Am Anfang", "Am Ende",
                                       "Können wir uns darauf verlassen?"]


# ----------------------------------------------------------------------------- languages
def _group_messages() -> list[str]:
    """Every English message of the group view (extracted from the source with Babel)."""
    from babel.messages.extract import extract_from_file

    out = []
    for mod in ("report_group.py", "report_cop.py"):
        for _line, msg, _c, _ctx in extract_from_file(
                "python", str(ROOT / "cocope_kit" / mod),
                keywords={"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}):
            out += list(msg) if isinstance(msg, tuple) else [msg]
    return out


def _phrases(messages: list[str]) -> set[str]:
    out = {p.strip(" .,:;()“”·") for m in messages for p in re.split(r"\{[a-z_]+\}", m)}
    return {p for p in out if len(p.split()) >= 2}


def _has(text: str, phrase: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text) is not None


@pytest.mark.parametrize("cop_id", list(COPS))
def test_each_cop_in_its_own_language(store, cop_id):
    html = report_html(store, cop_id=cop_id, as_of=AS_OF)
    lang = COPS[cop_id]
    assert f'<html lang="{lang}">' in html
    assert translator(lang).gettext("At a glance") in html


@pytest.fixture(scope="module")
def group_html(store):
    memo = {}

    def get(cop_id, lang):
        if (cop_id, lang) not in memo:
            memo[cop_id, lang] = group_part(report_html(store, cop_id=cop_id, as_of=AS_OF,
                                                        language=lang))
        return memo[cop_id, lang]
    return get


@pytest.mark.parametrize("lang", ["de", "nl", "pt", "sk"])
def test_no_english_message_left(store, group_html, lang):
    phrases = _phrases(_group_messages())
    assert len(phrases) > 80
    for cop_id in COPS:
        en, other = group_html(cop_id, "en"), group_html(cop_id, lang)
        assert f'<html lang="{lang}">' in other
        t = consented(store, cop_id)  # the group's own texts (English in the demo)
        data = " ".join(str(x) for name in ("goal", "lesson", "value_story", "interview",
                                            "action", "code", "cop")
                        for x in t[name].astype(str).to_numpy().ravel())
        shown = [p for p in phrases if _has(en, p) and not _has(data, p)]
        assert len(shown) >= 25, shown  # the check has something to bite on
        left = [p for p in shown if _has(other, p)]
        assert not left, (lang, cop_id, left)


def test_language_override_and_bad_language(store):
    assert '<html lang="pt">' in report_html(store, cop_id="at-graz", as_of=AS_OF,
                                             language="pt")
    with pytest.raises(CocopeError, match="not available"):
        report_html(store, cop_id="at-graz", language="fr")


# ----------------------------------------------------------------------------- thin data
@pytest.fixture(scope="module")
def thin():
    s = ck.open_store(":memory:")
    s.insert("cop", [{"cop_id": "nl-thin", "name": "Dun", "school": "School X",
                      "country": "NL", "language": "nl", "cycle": 1,
                      "created_on": "2026-01-10"}])
    s.insert("member", [{"member_id": f"nl-thin:p{i}", "cop_id": "nl-thin", "name": f"N{i}",
                         "pseudonym": f"P {i}", "role": r, "core": True,
                         "joined_on": "2026-01-10"}
                        for i, r in enumerate(["teacher", "teacher", "parent"], 1)])
    s.insert("consent", [{"member_id": f"nl-thin:p{i}", "kind": "consent", "status": "given",
                          "recorded_on": "2026-01-10"} for i in (1, 2, 3)])
    s.insert("goal", [{"goal_id": "nl-thin:g1", "cop_id": "nl-thin",
                       "statement": "More reading", "indicator": "books", "unit": "books",
                       "direction": "increase", "baseline": 2, "target": 6,
                       "deadline": "2026-06-01", "agreed_on": "2026-01-20", "weight": 1}])
    return s


def test_thin_data_says_not_collected_and_draws_no_empty_chart(thin):
    html = report_html(thin, cop_id="nl-thin", as_of="2026-03-01", language="en")
    group = group_part(html)
    for text in ("Progress towards the goal: not collected yet", "Action plan: not collected "
                 "yet.", "Level of working together: not collected yet", "Lessons: not "
                 "collected yet.", "Measurements of the indicator: not collected yet.",
                 "Interviews: not collected yet.", "Value stories: not collected yet."):
        assert text in group, text
    assert "3 people took part (2 professionals, 1 family member)." in group
    assert group.count("<img") == 1  # the tree, no empty goal or level chart
    assert 'id="f-goal-group"' not in group and 'id="f-levels-group"' not in group
    assert ">none<" not in html and "none." not in group
    nl = report_html(thin, cop_id="nl-thin", as_of="2026-03-01")
    assert '<html lang="nl">' in nl and "nog niet verzameld" in nl


def test_plurals(thin, store):
    from cocope_kit.report import report_html as rh

    assert "1 CoP in 1 country" in rh(thin, as_of="2026-03-01")
    assert "4 CoPs in 4 countries" in rh(store, as_of=AS_OF)
    model = group_report_model(thin, "nl-thin", as_of="2026-03-01", language="sk")
    assert "3 osoby" in model.sections[0].headline[2]


def test_model_is_plain_data(models):
    model = models[("be-gent", None)]
    assert model.language == "nl" and model.appendix_lang == "en"
    assert all(isinstance(s, Section) for s in model.sections)
    assert [s.id for s in model.sections] == GROUP_ORDER


# ----------------------------------------------------------------------------- hand-out
def _pages(path: Path) -> int:
    out = subprocess.run([shutil.which("pdfinfo") or "pdfinfo", str(path)], check=True,
                         capture_output=True, text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", out, re.M).group(1))


@pytest.mark.parametrize("cop_id", ["be-gent", "sk-kosice"])
def test_handout_has_two_a4_pages(store, cop_id, tmp_path):
    out = write_handout(store, cop_id, tmp_path / "h.pdf", as_of=AS_OF)
    assert _pages(out) == 2
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True).stdout
    assert "841.68 x 595.44 pts (A4)" in info or "842 x 595" in info
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True,
                          text=True).stdout
    assert translator(COPS[cop_id]).gettext("At a glance") in text


def test_handout_thin_data(thin, tmp_path):
    out = write_handout(thin, "nl-thin", tmp_path / "thin.pdf", as_of="2026-03-01",
                        language="en")
    assert _pages(out) == 2
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
    assert "not collected yet" in text


def test_handout_bad_name(store, tmp_path):
    with pytest.raises(CocopeError, match=".pdf"):
        write_handout(store, "be-gent", tmp_path / "h.png", as_of=AS_OF)


def test_cli_report_with_handout(tmp_path, capsys):
    db = tmp_path / "demo.sqlite"
    write_demo(db).close()
    out, pdf = tmp_path / "r.html", tmp_path / "h.pdf"
    code = main(["report", "--store", str(db), "--cop", "sk-kosice", "--out", str(out),
                 "--handout", str(pdf), "--as-of", AS_OF])
    o, e = capsys.readouterr()
    assert code == 0, e
    assert f"wrote hand-out {pdf}" in o and _pages(pdf) == 2
    assert '<html lang="sk">' in out.read_text(encoding="utf-8")
    code = main(["report", "--store", str(db), "--cop", "sk-kosice", "--out", str(out),
                 "--language", "en", "--as-of", AS_OF])
    assert code == 0 and '<html lang="en">' in out.read_text(encoding="utf-8")
    assert main(["report", "--store", str(db), "--out", str(out), "--handout",
                 str(pdf)]) == 1
    assert "--handout goes with --cop" in capsys.readouterr().err
