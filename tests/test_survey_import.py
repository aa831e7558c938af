"""cocope import-survey: platform exports in, the same numbers out as a hand computation.

The export files in tests/data/survey_exports are written by make_exports.py there, in
the shapes the platforms produce (LimeSurvey codes and full answers, Kobo labels and
XML values, Google Forms, Microsoft Forms, a plain wide workbook with title rows).
The hand computation reads each file with plain pandas, turns the answer labels into
numbers with the label lists written out below (not with the importer's matching),
reverse-keys with the instrument's ``reverse`` flags and applies the scoring rule of
docs/instruments/working_together.md (mean of the answered items of a construct when
at least 2/3 of its items are answered).
"""

from __future__ import annotations

import csv
import math
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import cocope_kit as ck
from cocope_kit.analysis import construct_scores, likert_counts, scale_scores
from cocope_kit.cli import main
from cocope_kit.errors import CocopeError
from cocope_kit.instruments import list_instruments, load_instrument
from cocope_kit.survey_format import SurveyImportError, parse_time, read_map
from cocope_kit.survey_import import (
    MATCH_THRESHOLD,
    _item_texts,
    import_survey,
    propose_map,
    pseudonym,
)

DATA = Path(__file__).resolve().parent / "data" / "survey_exports"

# answer labels written out by hand (1..5), and what counts as missing
AGREE = {
    "de": ["Stimme überhaupt nicht zu", "Stimme nicht zu", "Teils, teils", "Stimme zu",
           "Stimme voll und ganz zu"],
    "pt": ["Discordo totalmente", "Discordo", "Não concordo nem discordo", "Concordo",
           "Concordo totalmente"],
    "xml": ["strongly_disagree", "disagree", "neither_agree_nor_disagree", "agree",
            "strongly_agree"],
}
MISSING = {"Weiß nicht", "Não sei", "Sem resposta", "dont_know"}

# file, instrument, CoP language, label set, (first item column, number of item columns),
# read options, extra CLI options
CASES = {
    "limesurvey_wt_de_codes.csv": ("working_together", "num", (7, 13), {}, ["--role", "teacher"]),
    "limesurvey_cc_pt_full.csv": ("cop_climate", "pt", (6, 25), {}, []),
    "kobo_wt_pt_labels.csv": ("working_together", "pt", (3, 13),
                              {"sep": ";", "encoding": "utf-8-sig"}, []),
    "kobo_cc_de_xml.xlsx": ("cop_climate", "xml", (3, 25), {}, []),
    "google_forms_wt_de.csv": ("working_together", "de", (3, 13), {}, []),
    "google_forms_cc_pt.csv": ("cop_climate", "pt", (3, 25), {},
                               ["--timezone", "Europe/Lisbon"]),
    "msforms_wt_pt.xlsx": ("working_together", "pt", (6, 13), {},
                           ["--timezone", "Europe/Lisbon"]),
    "msforms_cc_de.xlsx": ("cop_climate", "de", (7, 21), {}, ["--timezone", "Europe/Vienna"]),
    "wide_cc_title.xlsx": ("cop_climate", "num", (2, 21), {"header": 3}, []),
}


def run(argv, capsys):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def store_path(tmp_path):
    path = tmp_path / "study.sqlite"
    with ck.open_store(path) as s:
        s.insert("cop", [
            {"cop_id": "at-linz", "name": "Linz", "school": "MS Linz-Auhof", "country": "AT",
             "language": "de", "created_on": "2026-09-01"},
            {"cop_id": "pt-porto", "name": "Porto", "school": "AE Porto", "country": "PT",
             "language": "pt", "created_on": "2026-09-01"},
        ])
    return path


def _copy(name, tmp_path):
    dst = tmp_path / name
    shutil.copy(DATA / name, dst)
    return dst


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def _read_plain(name, opts):
    if name.endswith(".csv"):
        return pd.read_csv(DATA / name, dtype=str, keep_default_na=False, **opts)
    return pd.read_excel(DATA / name, dtype=str, keep_default_na=False, **opts)


def _hand_value(cell: str, labels: str) -> float:
    cell = cell.strip()
    if cell == "" or cell in MISSING:
        return math.nan
    if labels == "num":
        return float(cell)
    return float(AGREE[labels].index(cell) + 1)


def _hand_scores(name):
    """Per construct: (n respondents with a score, mean score), from the file by hand."""
    inst_id, labels, (first, n), opts, _ = CASES[name]
    inst = load_instrument(inst_id)
    df = _read_plain(name, opts)
    items = list(inst.items)[:n]
    raw = df.iloc[:, first:first + n]
    raw.columns = [it.id for it in items]
    out = {}
    for construct in inst.constructs:
        all_items = [it for it in inst.items if it.construct == construct]
        if construct == "level_fit":
            continue
        cols = [it for it in all_items if it.id in raw.columns]
        vals = pd.DataFrame({it.id: [_hand_value(c, labels) for c in raw[it.id]]
                             for it in cols})
        for it in cols:
            if it.reverse:
                vals[it.id] = 6 - vals[it.id]
        answered = vals.notna().sum(axis=1)
        score = vals.mean(axis=1).where(answered >= 2 / 3 * len(all_items) - 1e-9)
        out[construct] = (int(score.notna().sum()), float(score.mean()))
    return out


# ------------------------------------------------------------------ the acceptance test


@pytest.mark.parametrize("name", sorted(CASES))
def test_import_gives_the_numbers_of_a_hand_computation(name, tmp_path, store_path, capsys):
    inst_id, labels, (first, n), opts, extra = CASES[name]
    cop = "pt-porto" if "_pt" in name else "at-linz"
    code, out, err = run(["import-survey", _copy(name, tmp_path), "--instrument", inst_id,
                          "--cop", cop, "--wave", "post", "--store", store_path, *extra], capsys)
    assert code == 0, err
    assert out.startswith("imported ")
    expected = _hand_scores(name)
    with ck.open_store(store_path) as s:
        resp, ans = s.read("response"), s.read("answer")
    assert len(resp) == len(_read_plain(name, opts))
    got = construct_scores(scale_scores(resp, ans, inst_id)).set_index("construct")
    for construct, (n_scored, mean) in expected.items():
        assert got.loc[construct, "n"] == n_scored, construct
        if n_scored:
            assert got.loc[construct, "mean"] == pytest.approx(mean, abs=1e-12), construct
        else:
            assert np.isnan(got.loc[construct, "mean"])
    # the tidy export's construct scores (cocope export) give the same numbers
    with ck.open_store(store_path) as s:
        s.export(tmp_path / "out", tables=["construct_scores", "answers_long"])
    tidy = pd.read_csv(tmp_path / "out" / "construct_scores.csv")
    assert len(pd.read_csv(tmp_path / "out" / "answers_long.csv")) == len(ans)
    for construct, (n_scored, mean) in expected.items():
        sc = tidy.loc[tidy.construct == construct, "score"].dropna()
        assert len(sc) == n_scored, construct
        if n_scored:
            assert sc.mean() == pytest.approx(mean, abs=1e-12), construct
    # Likert counts of the first item: the hand count of each value in the file
    item = load_instrument(inst_id).items[0]
    col = _read_plain(name, opts).iloc[:, first]
    hand = pd.Series([_hand_value(c, labels) for c in col]).value_counts()
    lc = likert_counts(resp, ans, inst_id)
    lc = lc[lc.item_id == item.id].set_index("option")
    for option in (1.0, 2.0, 3.0, 4.0, 5.0):
        assert lc.loc[option, "count"] == hand.get(option, 0), (name, option)


# ------------------------------------------------------------------ matching


def test_columns_are_matched_by_id_code_text_and_easy_read():
    lime = propose_map(DATA / "limesurvey_wt_de_codes.csv", "working_together")
    assert lime.columns["WT[coop1]"].item_id == "wt_coop_1"
    assert lime.columns["WTfit"].how == "item id"
    assert lime.columns["startdate"].kind == lime.columns["submitdate"].kind == "timestamp"
    assert lime.columns["lastpage"].kind == "ignore"
    kobo = propose_map(DATA / "kobo_cc_de_xml.xlsx", "cop_climate")
    assert kobo.columns["grp_trust/cl_trust_2"].item_id == "cl_trust_2"
    assert kobo.columns["_uuid"].kind == "respondent"  # the best id column, _id ignored
    assert kobo.columns["_id"].kind == "ignore"
    assert kobo.values["agree5"]["neither_agree_nor_disagree"] == 3.0
    assert kobo.values["agree5"]["dont_know"] == "dont_know"
    assert kobo.language is None  # XML names tell no language: the CoP's is used
    google = propose_map(DATA / "google_forms_wt_de.csv", "working_together")
    edited = next(c for c in google.columns if "Reihenfolge" in c)
    m = google.columns[edited]
    assert (m.item_id, m.how) == ("wt_coord_2", "text de")
    assert MATCH_THRESHOLD <= m.score < 1.0
    assert google.language == "de"
    assert google.columns["E-Mail-Adresse"].kind == "respondent"
    assert google.roles["Förderlehrkraft"] == "special_needs_teacher"
    pt = propose_map(DATA / "google_forms_cc_pt.csv", "cop_climate")
    student = [m for m in pt.columns.values() if m.item_id and "student_agency" in m.item_id]
    assert [m.how for m in student] == ["easy-read pt"] * 4
    lime_pt = propose_map(DATA / "limesurvey_cc_pt_full.csv", "cop_climate")
    assert lime_pt.values["agree5"]["Sem resposta"] == "blank"
    assert lime_pt.values["agree5"]["Não sei"] == "dont_know"
    assert lime_pt.columns["Qual é a sua função no grupo?"].kind == "role"
    ms = propose_map(DATA / "msforms_cc_de.xlsx", "cop_climate")
    assert ms.columns["E-Mail"].kind == ms.columns["Name"].kind == "ignore"
    assert ms.columns["ID"].kind == "respondent"


def test_a_text_below_the_threshold_stays_unmatched(tmp_path):
    p = tmp_path / "x.csv"
    # a different question entirely, and a near miss that is still far from any item
    p.write_text("id,Wie alt sind Sie?,Wir helfen uns manchmal\n1,45,Stimme zu\n",
                 encoding="utf-8")
    m = propose_map(p, "working_together")
    assert m.columns["Wie alt sind Sie?"].kind is None
    assert m.columns["Wir helfen uns manchmal"].kind is None
    near = m.columns["Wir helfen uns manchmal"]
    assert near.score is None or near.score < MATCH_THRESHOLD
    # a near miss is shown with its best candidate, to help writing the map
    q = propose_map(_write(tmp_path / "y.csv", "id,Wir helfen einander wenn wer bittet\n1,4\n"),
                    "working_together")
    hint = q.columns["Wir helfen einander wenn wer bittet"]
    assert hint.kind is None and "wt_coop_1" in hint.how and 0.5 < hint.score < MATCH_THRESHOLD


# ------------------------------------------------------------------ what is stored


def test_responses_look_like_form_submissions(tmp_path, store_path, capsys):
    code, _, err = run(["import-survey", _copy("limesurvey_cc_pt_full.csv", tmp_path),
                        "--instrument", "cop_climate", "--cop", "pt-porto", "--wave", "pre",
                        "--store", store_path], capsys)
    assert code == 0, err
    with ck.open_store(store_path) as s:
        resp, ans = s.read("response"), s.read("answer")
    assert set(resp.instrument_version) == {"1.0"} and set(resp.language) == {"pt"}
    assert set(resp.wave) == {"pre"}
    assert resp.respondent_role.value_counts().to_dict() == {
        "teacher": 3, "student": 2, "social_worker": 1, "school_leader": 1}
    # "Não sei" is a don't-know answer, "Sem resposta" and a blank cell are not answered
    raw = _read_plain("limesurvey_cc_pt_full.csv", {})
    items = raw.iloc[:, 6:]
    assert (ans.status == "dont_know").sum() == int((items == "Não sei").sum().sum())
    assert ans.loc[ans.status != "answered", ["value", "text"]].isna().all().all()
    not_answered = int(((items == "") | (items == "Sem resposta")).sum().sum())
    assert (ans.status == "not_answered").sum() == not_answered
    answered = int(((items != "") & (items != "Sem resposta") & (items != "Não sei")).sum().sum())
    assert (ans.status == "answered").sum() == answered
    assert len(ans) == items.size  # one row per item and respondent
    # LimeSurvey writes server time without an offset: read as UTC by default
    first = resp.sort_values("submitted_at").submitted_at.iloc[0]
    assert first == pd.Timestamp("2026-11-04T09:05:12Z")


def test_personal_data_never_reaches_the_store(tmp_path, store_path, capsys):
    for name, extra in (("google_forms_wt_de.csv", []), ("msforms_wt_pt.xlsx", [])):
        code, _, err = run(["import-survey", _copy(name, tmp_path), "--instrument",
                            "working_together", "--cop", "at-linz", "--wave", "pre",
                            "--store", store_path, *extra], capsys)
        assert code == 0, err
    with ck.open_store(store_path) as s:
        ids = s.read("response").respondent_id
    assert ids.str.fullmatch(r"r-[0-9a-f]{16}").all() and ids.is_unique
    blob = store_path.read_bytes()
    for wal in tmp_path.glob("study.sqlite-*"):
        blob += wal.read_bytes()
    for secret in ("schule-linz", "anna.berger", "gmx.at", "agrupamento-porto", "Ana Sousa",
                   "Filipe Reis", "Sousa"):
        assert secret.encode() not in blob, secret


def test_the_same_key_links_pre_and_post_and_no_key_does_not(tmp_path, store_path, capsys):
    key = tmp_path / "keys" / "study.key"
    f = _copy("google_forms_wt_de.csv", tmp_path)
    for wave in ("pre", "post"):
        code, _, err = run(["import-survey", f, "--instrument", "working_together", "--cop",
                            "at-linz", "--wave", wave, "--store", store_path,
                            "--respondent-key", key], capsys)
        assert code == 0, err
    assert key.stat().st_mode & 0o077 == 0  # the key file is private
    code, _, err = run(["import-survey", f, "--instrument", "working_together", "--cop",
                        "at-linz", "--wave", "later", "--store", store_path], capsys)
    assert code == 0, err
    with ck.open_store(store_path) as s:
        r = s.read("response")
    by_wave = {w: set(g.respondent_id) for w, g in r.groupby("wave")}
    assert by_wave["pre"] == by_wave["post"] and len(by_wave["pre"]) == 8
    assert not by_wave["later"] & by_wave["pre"]
    k = key.read_text().strip().encode()
    assert pseudonym(k, "E-Mail-Adresse\x00anna.berger@schule-linz.at") in by_wave["pre"]


def test_a_respondent_twice_is_refused(tmp_path, store_path):
    p = tmp_path / "twice.csv"
    p.write_text("Timestamp,Email address,wt_coop_1\n"
                 "2026/11/03 9:01:00 AM GMT+1,a@b.at,4\n"
                 "2026/11/03 9:05:00 AM GMT+1,A@b.at ,5\n", encoding="utf-8")
    with pytest.raises(SurveyImportError) as e, ck.open_store(store_path) as s:
        import_survey(s, p, "working_together", cop_id="at-linz", wave="pre")
    (prob,) = e.value.problems
    assert (prob.row, prob.column) == (3, "Email address") and "row 2" in prob.allowed
    assert "a@b.at" not in str(e.value)


@pytest.mark.parametrize("value, tz, day_first, expected", [
    ("2026/11/03 9:05:12 AM GMT+1", "UTC", True, "2026-11-03T08:05:12Z"),       # Google Forms
    ("2026/11/03 1:05:12 PM GMT-03:00", "UTC", True, "2026-11-03T16:05:12Z"),
    ("2026-11-05T09:12:12.000+00:00", "Europe/Vienna", True, "2026-11-05T09:12:12Z"),  # Kobo
    ("2026-11-03 10:15:22", "Europe/Vienna", True, "2026-11-03T09:15:22Z"),  # LimeSurvey
    ("07/11/2026 16:02:11", "Europe/Lisbon", True, "2026-11-07T16:02:11Z"),  # sheet, day first
    ("11/7/2026 4:02:11 PM", "UTC", False, "2026-11-07T16:02:11Z"),          # US, month first
    ("03.11.2026 10:15", "Europe/Vienna", True, "2026-11-03T09:15:00Z"),
    ("2026-07-01 12:00:00", "Europe/Lisbon", True, "2026-07-01T11:00:00Z"),  # summer time
])
def test_timestamps_become_utc(value, tz, day_first, expected):
    assert parse_time(value, tz, day_first=day_first) == expected


def test_times_of_each_platform(tmp_path, store_path):
    with ck.open_store(store_path) as s:
        import_survey(s, DATA / "msforms_cc_de.xlsx", "cop_climate", cop_id="at-linz",
                      wave="w1", timezone="Europe/Vienna")
        import_survey(s, DATA / "kobo_cc_de_xml.xlsx", "cop_climate", cop_id="at-linz",
                      wave="w2")
        import_survey(s, DATA / "limesurvey_wt_de_codes.csv", "working_together",
                      cop_id="at-linz", wave="w3")
        r = s.read("response")
    t = {w: sorted(g.submitted_at) for w, g in r.groupby("wave")}
    # Microsoft Forms: date cells in local time; the completion time is used
    assert t["w1"][0] == pd.Timestamp("2026-11-09T08:13:12Z")
    # Kobo: _submission_time (UTC) before end and start
    assert t["w2"][0] == pd.Timestamp("2026-11-06T08:14:42Z")
    # LimeSurvey: the unfinished response (blank submitdate) takes datestamp
    assert pd.Timestamp("2026-11-03T12:17:07Z") in t["w3"]


# ------------------------------------------------------------------ dry run and map


def test_dry_run_map_round_trip(tmp_path, store_path, capsys):
    f = _copy("limesurvey_wt_generic_codes.csv", tmp_path)
    base = ["import-survey", f, "--instrument", "working_together", "--cop", "at-linz",
            "--wave", "pre", "--store", store_path]
    # 1. without a map: every generic column is listed, nothing stored
    code, _, err = run(base, capsys)
    assert code == 1
    for k in range(1, 13):
        assert f"G01Q01[SQ{k:03d}]" in err
    assert "G01Q02" in err and "Traceback" not in err
    # 2. dry run: the mapping is printed, the map written next to the file
    code, out, err = run([*base, "--dry-run"], capsys)
    assert code == 1 and "UNMATCHED" in out
    mp = tmp_path / "limesurvey_wt_generic_codes.map.yaml"
    assert mp.exists() and f"wrote map {mp}" in out
    doc = yaml.safe_load(mp.read_text(encoding="utf-8"))
    assert doc["columns"]["G01Q01[SQ001]"] is None and doc["columns"]["seed"] == "ignore"
    assert "#   wt_coop_1 (agree5): In unserer Gruppe helfen" in mp.read_text(encoding="utf-8")
    # 3. the researcher names the items; a second dry run lists every unmapped answer code
    wt = load_instrument("working_together")
    for k, it in enumerate(wt.items[:12]):
        doc["columns"][f"G01Q01[SQ{k + 1:03d}]"] = {"item": it.id}
    doc["columns"]["G01Q02"] = {"item": "wt_fit"}
    mp.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    code, out, err = run([*base, "--map", mp, "--dry-run"], capsys)
    assert code == 1
    raw = pd.read_csv(f, dtype=str, keep_default_na=False)
    codes = sorted({c for col in raw.columns[5:17] for c in raw[col] if c})
    for c in codes:
        assert f"{c!r} is not allowed" in err
    assert "'F1'" in err or "'F2'" in err or "'F3'" in err
    assert "rows " in err
    # 4. the answer codes mapped: the import uses the map exactly
    doc["values"] = {"agree5": {f"AO0{v}": v for v in range(1, 6)} | {"DK": "dont_know"},
                     "fit3": {f"F{v}": v for v in range(1, 4)}}
    mp.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    code, out, err = run([*base, "--map", mp], capsys)
    assert code == 0, err
    with ck.open_store(store_path) as s:
        resp, ans = s.read("response"), s.read("answer")
    assert len(resp) == 6
    # hand computation from the codes
    vals = raw.iloc[:, 5:17].replace({"DK": "", **{f"AO0{v}": str(v) for v in range(1, 6)}})
    vals = vals.apply(lambda c: pd.to_numeric(c, errors="coerce"))
    vals.columns = [it.id for it in wt.items[:12]]
    for it in wt.items[:12]:
        if it.reverse:
            vals[it.id] = 6 - vals[it.id]
    got = construct_scores(scale_scores(resp, ans, "working_together")).set_index("construct")
    for construct in ("cooperation", "coordination", "collaboration"):
        cols = [it.id for it in wt.items if it.construct == construct]
        sub = vals[cols]
        score = sub.mean(axis=1).where(sub.notna().sum(axis=1) >= 2 / 3 * len(cols) - 1e-9)
        assert got.loc[construct, "mean"] == pytest.approx(score.mean(), abs=1e-12)
    assert (ans.status == "dont_know").sum() == int((raw.iloc[:, 5:17] == "DK").sum().sum())


def test_dry_run_never_overwrites_a_map_and_stores_nothing(tmp_path, store_path, capsys):
    f = _copy("google_forms_wt_de.csv", tmp_path)
    mp = tmp_path / "google_forms_wt_de.map.yaml"
    mp.write_text("# my edits\n", encoding="utf-8")
    code, out, _ = run(["import-survey", f, "--instrument", "working_together", "--cop",
                        "at-linz", "--wave", "pre", "--store", store_path, "--dry-run"], capsys)
    assert code == 0
    assert "exists and was not overwritten" in out and "0.96" in out
    assert mp.read_text(encoding="utf-8") == "# my edits\n"
    with ck.open_store(store_path) as s:
        assert s.count("response") == 0


def test_the_map_is_used_exactly(tmp_path, store_path):
    f = _copy("google_forms_wt_de.csv", tmp_path)
    with ck.open_store(store_path) as s:
        r = import_survey(s, f, "working_together", cop_id="at-linz", wave="pre",
                          map_path=tmp_path / "m.yaml", dry_run=True)
        assert r.map_path == tmp_path / "m.yaml" and not r.problems
        text = (tmp_path / "m.yaml").read_text(encoding="utf-8")
        # declare wt_fit's column ignored, and map "Teils, teils" to don't know on purpose
        text = re.sub(r'("Welche Aussage[^"]*"): \{item: wt_fit\}.*', r"\1: ignore", text)
        text = text.replace('"Teils, teils": 3', '"Teils, teils": dont_know')
        (tmp_path / "m.yaml").write_text(text, encoding="utf-8")
        import_survey(s, f, "working_together", cop_id="at-linz", wave="pre",
                      map_path=tmp_path / "m.yaml")
        ans = s.read("answer")
    assert "wt_fit" not in set(ans.item_id)
    assert not (ans.value == 3).any() and (ans.status == "dont_know").sum() > 0


def test_a_column_missing_from_the_map_is_refused(tmp_path, store_path):
    f = _copy("msforms_cc_de.xlsx", tmp_path)
    with ck.open_store(store_path) as s:
        import_survey(s, f, "cop_climate", cop_id="at-linz", wave="pre",
                      map_path=tmp_path / "m.yaml", dry_run=True)
        lines = (tmp_path / "m.yaml").read_text(encoding="utf-8").splitlines()
        (tmp_path / "m.yaml").write_text(
            "\n".join(ln for ln in lines if not ln.startswith('  "Name"')), encoding="utf-8")
        with pytest.raises(SurveyImportError) as e:
            import_survey(s, f, "cop_climate", cop_id="at-linz", wave="pre",
                          map_path=tmp_path / "m.yaml")
        assert s.count("response") == 0
    (prob,) = e.value.problems
    assert prob.column == "Name" and "not in the map" in prob.allowed


def test_bad_maps_list_every_problem(tmp_path):
    mp = tmp_path / "bad.yaml"
    mp.write_text(
        "instrument: working_together\nversion: '0.9'\nlanguage: german\n"
        "columns:\n  Q1: {item: wt_coop_9}\n  Q2: respondant\n  Q3: {item: wt_coop_1}\n"
        "values:\n  agree5: {'Stimme zu': 9, 'Weiß nicht': dont_know, 'egal': 2.5}\n"
        "  likert7: {a: 1}\n"
        "roles: {Lehrkraft: lehrer}\n", encoding="utf-8")
    with pytest.raises(SurveyImportError) as e:
        read_map(mp, "working_together")
    where = [(p.column, p.value) for p in e.value.problems]
    assert ("version", "0.9") in where
    assert ("language", "german") in where
    assert ("Q1", "wt_coop_9") in where
    assert ("Q2", "respondant") in where
    assert ("values.agree5", 9) in where and ("values.agree5", 2.5) in where
    assert ("values", "likert7") in where
    assert ("roles", "lehrer") in where
    assert len(e.value.problems) == 8
    assert all(p.source == str(mp) for p in e.value.problems)


def test_a_map_for_another_instrument_is_refused(tmp_path):
    mp = tmp_path / "m.yaml"
    mp.write_text("instrument: cop_climate\nversion: '1.0'\ncolumns: {}\n", encoding="utf-8")
    with pytest.raises(SurveyImportError, match="must be for 'working_together'"):
        read_map(mp, "working_together")


# ------------------------------------------------------------------ bad input


def test_off_scale_unknown_labels_and_unknown_columns_all_listed(tmp_path, store_path):
    with open(DATA / "google_forms_wt_de.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    rows[0].append("Wie alt sind Sie?")  # a question that is not in the instrument
    for r in rows[1:]:
        r.append("45")
    rows[2][3] = "7"           # file row 3: off the 1-5 scale
    rows[4][3] = "2.5"         # file row 5: between two scale points
    rows[5][5] = "vielleicht"  # file row 6: no label of the scale in any language
    p = tmp_path / "bad.csv"
    with open(p, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    with ck.open_store(store_path) as s, pytest.raises(SurveyImportError) as e:
        import_survey(s, p, "working_together", cop_id="at-linz", wave="pre")
    with ck.open_store(store_path) as s:
        assert s.count("response") == 0 and s.count("answer") == 0
    probs = {(q.row, q.column, q.value) for q in e.value.problems}
    assert probs == {(1, "Wie alt sind Sie?", None), (3, rows[0][3], "7"),
                     (5, rows[0][3], "2.5"), (6, rows[0][5], "vielleicht")}
    assert all(q.source == str(p) for q in e.value.problems)
    assert "1, 2, 3, 4, 5, dont_know or blank" in str(e.value)


def test_title_rows_above_the_header_keep_file_row_numbers(tmp_path, store_path):
    import openpyxl

    wb = openpyxl.load_workbook(DATA / "wide_cc_title.xlsx")
    ws = wb.active
    ws.cell(row=7, column=5).value = 6  # file row 7: off the 1-5 scale
    p = tmp_path / "wide.xlsx"
    wb.save(p)
    with ck.open_store(store_path) as s, pytest.raises(SurveyImportError) as e:
        import_survey(s, p, "cop_climate", cop_id="at-linz", wave="post")
    (prob,) = e.value.problems
    assert (prob.row, prob.column, prob.value) == (7, ws.cell(row=4, column=5).value, "6")


def test_misspelled_instrument_unknown_cop_and_bad_wave(tmp_path, store_path, capsys):
    f = _copy("google_forms_wt_de.csv", tmp_path)
    base = ["import-survey", f, "--store", store_path]
    code, _, err = run([*base, "--instrument", "working_togther", "--cop", "at-linz",
                        "--wave", "pre"], capsys)
    assert code == 1 and "did you mean 'working_together'" in err
    code, _, err = run([*base, "--instrument", "working_together", "--cop", "at-lnz",
                        "--wave", "pre"], capsys)
    assert code == 1 and "at-lnz" in err and "at-linz" in err
    code, _, err = run([*base, "--instrument", "working_together", "--cop", "at-linz",
                        "--wave", "Post "], capsys)
    assert code == 1 and "'Post '" in err
    code, _, err = run([*base, "--instrument", "working_together", "--cop", "at-linz",
                        "--wave", "pre", "--timezone", "Mars/Olympus"], capsys)
    assert code == 1 and "Mars/Olympus" in err
    with ck.open_store(store_path) as s:
        assert s.count("response") == 0


def test_every_error_is_a_cocope_error():
    assert issubclass(SurveyImportError, CocopeError)


def test_rows_without_a_respondent_value_are_never_linked(tmp_path, store_path):
    p = tmp_path / "anonymous.csv"
    p.write_text("wt_coop_1,wt_coop_2\n4,5\n3,2\n", encoding="utf-8")
    key = b"k" * 32
    with ck.open_store(store_path) as s:
        for wave in ("pre", "post"):
            import_survey(s, p, "working_together", cop_id="at-linz", wave=wave, key=key)
        r = s.read("response")
    ids = {w: set(g.respondent_id) for w, g in r.groupby("wave")}
    assert len(ids["pre"]) == 2 and not ids["pre"] & ids["post"]


@pytest.mark.parametrize("instrument_id", list_instruments())
def test_no_two_items_of_an_instrument_are_near_the_threshold(instrument_id):
    # the guard behind MATCH_THRESHOLD: a question text (any language, easy-read too) is
    # never within 0.05 of another item's text, so the best match above the threshold
    # is the right item
    import difflib

    texts = _item_texts(load_instrument(instrument_id))
    worst = max((difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()
                 for a, ia, _ in texts for b, ib, _ in texts if ia < ib), default=0.0)
    assert worst < MATCH_THRESHOLD - 0.05
