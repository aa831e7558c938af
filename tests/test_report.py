"""The HTML report: sections, numbers equal to the analysis tables, privacy, CLI.

Numbers are compared with the analysis functions called directly on the
consent-filtered tables (the report must show what the analysis computed,
rounded only for display with :func:`cocope_kit.report.fmt`).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pandas as pd
import pytest

import cocope_kit as ck
from cocope_kit import analysis
from cocope_kit.cli import main
from cocope_kit.demo import write_demo
from cocope_kit.errors import CocopeError
from cocope_kit.privacy import filter_consented
from cocope_kit.report import fmt, report_html, write_report

AS_OF = "2026-06-30"
COP = "be-gent"
XSS = "<script>alert(1)</script>"


# ----------------------------------------------------------------------------- helpers
class _Parse(HTMLParser):
    """Collect ids, headings, images, tables (by id) and every tag name."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids, self.headings, self.imgs, self.tags, self.links = set(), [], [], [], []
        self.tables: dict[str, dict] = {}
        self._table = None
        self._cell = None
        self._row = None
        self._h = None
        self.html_lang = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "html":
            self.html_lang = a.get("lang")
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self._h = [int(tag[1]), ""]
        if tag == "img":
            self.imgs.append(a)
        if tag == "a":
            self.links.append(a.get("href"))
        if tag == "table":
            self._table = {"head": [], "rows": []}
            self.tables[a.get("id")] = self._table
        if tag == "tr" and self._table is not None:
            self._row = []
        if tag in ("td", "th") and self._row is not None:
            self._cell = [a.get("data-col"), ""]

    def handle_endtag(self, tag):
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6") and self._h:
            self.headings.append(tuple(self._h))
            self._h = None
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(self._cell)
            self._cell = None
        if tag == "tr" and self._row is not None:
            if self._row and self._row[0][0] is None:
                self._table["head"] = [c[1] for c in self._row]
            else:
                self._table["rows"].append({c[0]: c[1] for c in self._row})
            self._row = None
        if tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell[1] += data
        if self._h is not None:
            self._h[1] += data


def parse(text: str) -> _Parse:
    p = _Parse()
    p.feed(text)
    return p


def consented(store, cop_id=None):
    t = analysis.load_tables(store, cop_ids=None if cop_id is None else [cop_id],
                             consented_only=False)
    kept, _ = filter_consented(t)
    return kept


@pytest.fixture(scope="module")
def store():
    s = write_demo(ck.open_store(":memory:"))
    s.insert("lesson", [{"lesson_id": f"{COP}:lx", "cop_id": COP, "kind": "side_effect",
                         "title": f"Title {XSS}", "text": f"Text {XSS} & more",
                         "created_on": "2026-06-02"}])
    refl = s.read("reflection")
    row = refl[refl.cop_id == COP].iloc[0].to_dict()
    row.update(reflection_id=f"{COP}:rx", text=f"Reflection {XSS}")
    row = {k: (None if pd.isna(v) else v) for k, v in row.items()}
    for k in ("written_on",):
        if row.get(k) is not None:
            row[k] = str(pd.Timestamp(row[k]).date())
    s.insert("reflection", [row])
    return s


@pytest.fixture(scope="module")
def cop_html(store):
    return report_html(store, cop_id=COP, as_of=AS_OF, language="en")


@pytest.fixture(scope="module")
def all_html(store):
    return report_html(store, as_of=AS_OF)


# ----------------------------------------------------------------------------- structure
COP_SECTIONS = ["summary", "tree", "trunk", "branches", "fruits", "goal-attainment",
                "participation", "working-together", "surveys", "interviews", "lessons", "value",
                "who-did-what"]
ALL_SECTIONS = ["overview", "goals", "participation", "working-together", "surveys",
                "interviews", "lessons"]


def test_cop_report_sections(cop_html):
    p = parse(cop_html)
    for sid in COP_SECTIONS:
        assert sid in p.ids, sid
    # the responsibility matrix is shown once, as the chart f-responsibility (issue 16)
    for tid in (f"t-smart-{COP}-g1", "t-steps", "t-goal-attainment",
                "t-gas", "t-reliability-working-together", "t-levels", "t-themes",
                "t-value-summary", "f-tree", "f-gantt", "f-responsibility"):
        assert tid in p.ids, tid


def test_cross_report_sections(all_html):
    p = parse(all_html)
    for sid in ALL_SECTIONS:
        assert sid in p.ids, sid
    cops = {r["cop_id"] for r in p.tables["t-cops"]["rows"]}
    assert cops == {"be-gent", "at-graz", "pt-porto", "sk-kosice"}
    assert {r["country"] for r in p.tables["t-gas-country"]["rows"]} == {"AT", "BE", "PT", "SK"}


@pytest.mark.parametrize("which", ["cop", "all"])
def test_accessible_structure(which, cop_html, all_html):
    text = cop_html if which == "cop" else all_html
    p = parse(text)
    assert p.html_lang == "en"
    levels = [h[0] for h in p.headings]
    assert levels[0] == 1 and levels.count(1) == 1
    for a, b in zip(levels, levels[1:], strict=False):
        assert b <= a + 1, f"heading jumps from h{a} to h{b}"
    assert "contents" in p.ids  # table of contents
    for href in p.links:
        assert href.startswith("#") and href[1:] in p.ids, href
    for img in p.imgs:
        assert img["src"].startswith("data:image/svg+xml;base64,")
        assert len(img.get("alt", "").strip()) > 20
    assert "@media print" in text and "break-before:page" in text


def test_self_contained_no_scripts_no_external(cop_html, all_html):
    for text in (cop_html, all_html):
        assert "<script" not in text.lower()
        assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", text, re.I)
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", text, re.I)
        assert "<link" not in text.lower() and "@import" not in text
        assert "<iframe" not in text.lower() and "<object" not in text.lower()


# ----------------------------------------------------------------------------- numbers
def test_goal_numbers_equal_analysis(store, cop_html):
    t = consented(store, COP)
    ga = analysis.goal_attainment(t["goal"], t["goal_measurement"], as_of=AS_OF)
    gs = analysis.gas_scores(t["goal"], t["goal_measurement"], by="cop_id", as_of=AS_OF)
    p = parse(cop_html)
    row = p.tables["t-goal-attainment"]["rows"][0]
    assert row["progress"] == fmt(ga.progress.iloc[0], "progress")
    assert row["progress"] == f"{ga.progress.iloc[0] * 100:.1f}%"
    assert row["attainment"] == fmt(ga.attainment.iloc[0], "attainment")
    assert p.tables["t-gas"]["rows"][0]["tscore"] == f"{gs.tscore.iloc[0]:.1f}"


def test_cross_gas_equal_analysis(store, all_html):
    t = consented(store)
    gs = analysis.gas_scores(t["goal"], t["goal_measurement"], by="cop_id", as_of=AS_OF)
    rows = {r["cop_id"]: r for r in parse(all_html).tables["t-gas"]["rows"]}
    for cop_id, ts in zip(gs.cop_id, gs.tscore, strict=True):
        assert rows[cop_id]["tscore"] == f"{ts:.1f}"


@pytest.mark.parametrize("inst", ["working_together", "cop_climate", "learning_community"])
def test_reliability_equals_analysis(store, cop_html, inst):
    t = consented(store, COP)
    resp = t["response"][t["response"].instrument_id == inst]
    ans = t["answer"][t["answer"].response_id.isin(resp.response_id)]
    rel = analysis.reliability(resp, ans, inst, by=("cop_id", "wave"))
    shown = {(r["construct"], r["wave"]): r for r in
             parse(cop_html).tables[f"t-reliability-{inst.replace('_', '-')}"]["rows"]}
    assert set(shown) == set(zip(rel.construct, rel.wave, strict=True))
    # the per-CoP report is for the group itself: nothing is hidden, small n included
    for _, r in rel.iterrows():
        cell = shown[(r.construct, r.wave)]
        assert cell["n"] == str(int(r.n))
        assert cell["alpha"] == fmt(r.alpha, "alpha")


def test_levels_equal_analysis(store, cop_html):
    t = consented(store, COP)
    resp = t["response"][t["response"].instrument_id == "working_together"]
    ans = t["answer"][t["answer"].response_id.isin(resp.response_id)]
    lv = analysis.level_of_working_together(analysis.scale_scores(resp, ans, "working_together"),
                                            ans, by=("cop_id", "wave"))
    rows = {r["wave"]: r for r in parse(cop_html).tables["t-levels"]["rows"]}
    for _, r in lv.iterrows():
        assert rows[r.wave]["level"] == r.level
        assert rows[r.wave]["collaboration"] == f"{r.collaboration:.2f}"
        assert rows[r.wave]["n"] == str(r.n)


# ----------------------------------------------------------------------------- many CoPs
def test_shown_cops_round_robin_over_countries():
    from cocope_kit.report import _shown_cops

    cop = pd.DataFrame({"cop_id": ["b2", "a1", "b1", "a2", "a3", "c1"],
                        "country": ["BE", "AT", "BE", "AT", "AT", "CZ"]})
    assert _shown_cops(cop, 3) == {"a1", "b1", "c1"}
    assert _shown_cops(cop, 5) == {"a1", "b1", "c1", "a2", "b2"}


def test_cross_report_row_and_chart_limits(store, all_html, monkeypatch):
    """With more CoPs than the limits, per-CoP tables keep the rows of the chosen CoPs
    (numbers unchanged), say how many rows were left out, and per-CoP charts give way to
    the chart per country and a note; summaries still use every CoP."""
    import cocope_kit.report_common as rep

    monkeypatch.setattr(rep, "CROSS_COP_ROWS", 2)
    monkeypatch.setattr(rep, "CROSS_COP_CHARTS", 2)
    text = report_html(store, as_of=AS_OF)
    p, full = parse(text), parse(all_html)
    shown = {"at-graz", "be-gent"}  # the first CoP of the first two countries
    assert {r["cop_id"] for r in p.tables["t-cops"]["rows"]} == shown
    # numbers of the shown CoPs are those of the full report and of the analysis
    t = consented(store)
    gs = analysis.gas_scores(t["goal"], t["goal_measurement"], by="cop_id", as_of=AS_OF)
    rows = {r["cop_id"]: r for r in p.tables["t-gas"]["rows"]}
    assert set(rows) == shown
    for cop_id, ts in zip(gs.cop_id, gs.tscore, strict=True):
        if cop_id in shown:
            assert rows[cop_id]["tscore"] == f"{ts:.1f}"
    for tid in ("t-levels", "t-scores-working-together", "t-reliability-cop-climate"):
        assert p.tables[tid]["rows"] == [r for r in full.tables[tid]["rows"]
                                         if r["cop_id"] in shown], tid
    # summaries keep every CoP
    assert p.tables["t-gas-country"] == full.tables["t-gas-country"]
    assert p.tables["t-transitions"] == full.tables["t-transitions"]
    countries = {r["country"]: r for r in p.tables["t-countries"]["rows"]}
    assert set(countries) == {"AT", "BE", "PT", "SK"}
    assert all(r["cops"] == "1" for r in countries.values())
    assert sum(int(r["members"]) for r in countries.values()) == len(t["member"])
    # the notes: counts of left-out rows, and where to get them
    left = len(full.tables["t-levels"]["rows"]) - len(p.tables["t-levels"]["rows"])
    assert left > 0
    notes = re.findall(r'<p class="note rows-left-out">(.*?)</p>', text)
    assert len(notes) >= 10
    assert f"Left out here: {left} rows about 2 more CoPs (per-CoP tables show at most 2 of " \
           "the 4 CoPs)." in text
    assert "Left out here: 2 rows about 2 more CoPs" in notes[0]
    assert all("notebook 05_cross_cop_evaluation.ipynb" in n and "cocope export" in n
               for n in notes)
    assert "This report covers 4 CoPs. Tables with one row per CoP show 2 of them" in text
    # charts: per country / all CoPs together instead of one bar or line per CoP
    assert {"f-gas-country", "f-level-profile-all"} <= p.ids
    assert not {"f-gas", "f-voice-shares", "f-lorenz", "f-level-profile",
                "f-level-transitions"} & p.ids
    assert {"f-gas", "f-level-profile"} <= full.ids
    assert "4 CoPs are more than 2 that can be told apart in one picture" in text
    alt = [i["alt"] for i in p.imgs if "GAS T-scores of 4 countries" in i["alt"]]
    assert len(alt) == 1 and "AT " in alt[0] and "CoPs" not in alt[0].split(":")[1]
    assert any("all CoPs, before: cooperation" in i["alt"] for i in p.imgs)  # waves labelled


def test_cross_report_within_limits_has_no_notes(all_html):
    assert "rows-left-out" not in all_html and "can be told apart" not in all_html


# ----------------------------------------------------------------------------- privacy
def test_consent_statement(cop_html, all_html):
    assert "1 person is left out because consent/assent is missing, pending, refused or withdrawn" \
        in cop_html
    # for outside readers, fewer than k people left out is not counted (a small cell)
    assert "Fewer than 5 people are left out because consent/assent is missing, pending, " \
        "refused or withdrawn" in all_html
    assert "2 people are left out" not in all_html


def test_excluded_member_absent(store, cop_html):
    m = store.read("member").set_index("member_id")
    assert "be-gent:p6" not in cop_html  # assent pending
    assert m.loc["be-gent:p6", "pseudonym"] not in cop_html


def test_names_only_with_names(store, cop_html, all_html):
    m = store.read("member")
    for text, names in ((cop_html, m[m.cop_id == COP].name), (all_html, m.name)):
        for name in names:
            assert name not in text, name
    with_names = report_html(store, cop_id=COP, names=True, as_of=AS_OF,
                             language="en")
    shown = [n for n in m[m.cop_id == COP].name if n in with_names]
    assert len(shown) >= 3
    assert "personal data" in with_names


def test_user_text_is_escaped(cop_html):
    assert XSS not in cop_html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in cop_html
    assert "Reflection &lt;script&gt;" in cop_html and "Title &lt;script&gt;" in cop_html
    assert "<script" not in cop_html.lower()


def test_cop_report_is_for_the_group_and_hides_nothing(store):
    """The per-CoP report's audience is the group itself (DESIGN section 7): pt-porto's 2
    students are shown like everyone else (the attendance grid shows each member anyway),
    and the report says it stays within the CoP (issue 15, finding 1)."""
    html_text = report_html(store, cop_id="pt-porto", as_of=AS_OF, language="en")
    p = parse(html_text)
    att = p.tables["t-attendance-role-group"]["rows"]
    assert [r["n"] for r in att if r["role_group"] == "student"] == ["2"]
    assert all("–" not in r.values() for r in att)
    assert "suppressed" not in {c for r in att for c in r}
    assert "For the CoP itself: keep it within the CoP." in html_text
    assert "This report is for the CoP itself" in html_text


def test_cross_report_hides_small_role_groups_with_complement(store, all_html):
    """pt-porto has 2 students and 1 family member: in the cross-CoP report every number
    about them is hidden, and no role group of a CoP is the only hidden one of its CoP."""
    p = parse(all_html)
    att = p.tables["t-attendance-role-group"]["rows"]
    for _cop_id, grp in pd.DataFrame(att).groupby("cop_id"):
        hidden = grp[grp["n"] == "–"]
        assert set(grp.loc[grp.role_group != "professional", "n"]) <= {"–"}
        assert len(hidden) != 1
        assert set(hidden["suppressed"]) <= {"small cell", "complementary"}
    voice = {r["cop_id"]: r for r in p.tables["t-voice-equity"]["rows"]}
    assert voice["pt-porto"]["student_share_of_members"] == "–"
    assert "Numbers about fewer than 5 people are hidden" in all_html


def test_min_cell_changes_suppression(store):
    p = parse(report_html(store, min_cell=1, as_of=AS_OF))
    att = p.tables["t-attendance-role-group"]["rows"]
    assert [r["n"] for r in att if r["cop_id"] == "pt-porto" and r["role_group"] == "student"
            ] == ["2"]


def test_forgotten_member_absent_everywhere(tmp_path):
    s = write_demo(ck.open_store(tmp_path / "s.sqlite"))
    mid = "be-gent:p9"
    pseudonym = s.read("member").set_index("member_id").loc[mid, "pseudonym"]
    before = report_html(s, cop_id=COP, as_of=AS_OF)
    assert pseudonym in before  # owner of a step: shown before
    s.forget(mid)
    for cop_id in (COP, None):
        after = report_html(s, cop_id=cop_id, as_of=AS_OF)
        assert mid not in after
        if cop_id is not None:
            assert pseudonym not in after


def test_language_fallback_and_bad_args(store):
    de = report_html(store, cop_id=COP, language="de", as_of=AS_OF)
    assert '<html lang="de">' in de and "Auf einen Blick" in de
    # the technical appendix is English for now, and says so to screen readers
    assert '<details class="appendix" id="appendix" lang="en">' in de
    with pytest.raises(CocopeError, match="not available"):
        report_html(store, cop_id=COP, language="fr")
    with pytest.raises(CocopeError, match="language"):
        report_html(store, language="<b>")
    with pytest.raises(CocopeError, match="min_cell"):
        report_html(store, min_cell=0)
    with pytest.raises(CocopeError, match="nope"):
        report_html(store, cop_id="nope")


def test_write_report_path(store, tmp_path):
    out = write_report(store, tmp_path / "sub" / "r.html", cop_id=COP, as_of=AS_OF)
    assert out.exists() and out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


# ----------------------------------------------------------------------------- CLI
@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("rep") / "demo.sqlite"
    write_demo(path).close()
    return path


def test_cli_report(db, tmp_path, capsys):
    out = tmp_path / "r.html"
    code = main(["report", "--store", str(db), "--out", str(out), "--cop", COP,
                 "--as-of", AS_OF])
    o, e = capsys.readouterr()
    assert code == 0, e
    assert out.exists() and str(out) in o
    assert 'id="fruits"' in out.read_text(encoding="utf-8")


def test_cli_report_out_dir(db, tmp_path, capsys):
    code = main(["report", "--store", str(db), "--out-dir", str(tmp_path / "reports"),
                 "--as-of", AS_OF])
    o, e = capsys.readouterr()
    assert code == 0, e
    files = sorted(p.name for p in (tmp_path / "reports").iterdir())
    assert files == ["report_all.html", "report_at-graz.html", "report_be-gent.html",
                     "report_pt-porto.html", "report_sk-kosice.html"]
    assert o.count("wrote report") == 5


@pytest.mark.parametrize("argv, code, msg", [
    (["report", "--store", "{db}"], 2, "--out"),
    (["report", "--store", "{db}", "--out", "x.html", "--out-dir", "d"], 2, "not allowed"),
    (["report", "--store", "{db}", "--out", "{tmp}/x.html", "--min-cell", "zero"], 2, "min-cell"),
    (["report", "--store", "{db}", "--out", "{tmp}/x.html", "--cop", "nope"], 1, "nope"),
    (["report", "--store", "{db}", "--out", "{tmp}/x.html", "--min-cell", "0"], 1, "min_cell"),
    (["report", "--store", "{tmp}/missing.sqlite", "--out", "{tmp}/x.html"], 1, "not found"),
    (["report", "--store", "{db}", "--out", "{tmp}/x.html", "--as-of", "soon"], 1, "as_of"),
    (["report", "--store", "{db}", "--out-dir", "{tmp}/d", "--cop", COP], 1, "--cop"),
])
def test_cli_report_bad_args(db, tmp_path, capsys, argv, code, msg):
    args = [a.format(db=db, tmp=tmp_path) for a in argv]
    assert main(args) == code
    _, err = capsys.readouterr()
    assert msg in err and "Traceback" not in err


def test_waves_in_the_order_collected(cop_html, all_html):
    # the analysis tables sort wave labels alphabetically (post before pre); the report shows
    # them as collected, keeping the CoP order of the cross-CoP tables
    for html, tid in ((cop_html, "t-reliability-learning-community"), (cop_html, "t-levels"),
                      (all_html, "t-reliability-all-cop-climate")):
        waves = [r["wave"] for r in parse(html).tables[tid]["rows"]]
        assert waves == sorted(waves, key=["pre", "post"].index), tid
        assert set(waves) == {"pre", "post"}
    rows = parse(all_html).tables["t-levels"]["rows"]
    assert [(r["cop_id"], r["wave"]) for r in rows][:4] == [
        ("at-graz", "pre"), ("at-graz", "post"), ("be-gent", "pre"), ("be-gent", "post")]


def test_reliability_note_explains_intervals_below_zero(cop_html):
    # with 6-9 answers per wave the Feldt interval of alpha reaches below 0 in the demo; the
    # note under the table says what that means
    rows = parse(cop_html).tables["t-reliability-learning-community"]["rows"]
    assert any(r["ci_low"].startswith(("-", "−")) for r in rows)
    assert ("can reach below 0: then these answers cannot tell whether the items of the "
            "construct agree") in cop_html


def test_latest_wave_and_tables_of_left_out_cops_only():
    from cocope_kit.report import _Doc

    doc = _Doc()
    doc.waves = ["pre", "post"]
    assert doc.latest_wave(pd.Series(["post", "pre", None])) == "post"
    # ratings in a wave without survey answers: counted as later than the known waves
    assert doc.latest_wave(pd.Series(["pre", "follow-up", "extra"])) == "follow-up"
    assert doc.latest_wave(pd.Series([None], dtype=object)) == ""
    # a per-CoP table whose rows are all about CoPs not shown: an empty line and the note
    doc.shown_cops, doc.n_cops = frozenset({"a"}), 3
    doc.table(pd.DataFrame({"cop_id": ["b", "c", "c"], "x": [1, 2, 3]}), "t", "Caption")
    from cocope_kit.report_model import Paragraph

    assert doc.parts == [
        Paragraph("Caption: No data yet.", "empty", "t-t"),
        Paragraph("Left out here: 3 rows about 2 more CoPs (per-CoP "
                  "tables show at most 1 of the 3 CoPs). All rows: notebook "
                  "05_cross_cop_evaluation.ipynb, or the data with `cocope export`.",
                  "note rows-left-out")]
