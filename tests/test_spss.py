"""SPSS files checked with a real reader: GNU PSPP opens every ``.sav`` and runs the ``.sps``.

PSPP (``pspp``, Debian package ``pspp``, version 1.6.2 here) is called with a syntax
file and its output written as CSV tables (``-O format=csv``). The tests FAIL when PSPP
is missing: ``make test`` installs it (issue 17 point 4).

What is checked: the dictionary PSPP reports (labels, print formats, measurement
levels, value labels, user-missing codes), the N and means of DESCRIPTIVES against
pandas on the same data, means computed by PSPP's AGGREGATE against pandas to 1e-9, and
the scale scores the generated syntax computes in PSPP against
:func:`cocope_kit.analysis.scale_scores` to 1e-9, on the demo store and on a 2,000-CoP
store (whose ``member.left_on`` starts with more than 100 empty dates: the store size
at which the old export crashed).
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat
import pytest

import cocope_kit as ck
from cocope_kit.analysis import scale_scores
from cocope_kit.cli import main
from cocope_kit.demo import demo_tables, write_demo
from cocope_kit.errors import CocopeError
from cocope_kit.instruments import load_instrument
from cocope_kit.schema import TABLES
from cocope_kit.spss import missing_codes, sav_frames, syntax_text, variable_label, write_sav


def _pspp(syntax: str, tmp: Path) -> dict[str, list[list[str]]]:
    """Run ``syntax`` in GNU PSPP; return its output tables by title (repeated titles numbered)."""
    exe = shutil.which("pspp")
    assert exe, "GNU PSPP is missing: install it (apt-get install pspp); make test does"
    tmp.mkdir(parents=True, exist_ok=True)
    f = tmp / "run.sps"
    f.write_text(syntax, encoding="utf-8")
    out = tmp / "out.csv"
    r = subprocess.run([exe, "-O", "format=csv", "-o", str(out), str(f)], capture_output=True,
                       text=True, timeout=300)
    text = out.read_text(encoding="utf-8") if out.exists() else ""
    assert r.returncode == 0, r.stdout + r.stderr + text
    assert "error" not in text.lower() and "warning" not in text.lower(), text[:3000]
    tables: dict[str, list[list[str]]] = {}
    for block in text.split("Table: ")[1:]:
        title, _, body = block.partition("\n")
        key, i = title.strip(), 2
        while key in tables:
            key, i = f"{title.strip()} {i}", i + 1
        tables[key] = [row for row in csv.reader(io.StringIO(body)) if row]
    return tables


def _dictionary(tables) -> dict[str, dict[str, str]]:
    head, *rows = tables["Variables"]
    return {r[0]: dict(zip(head, r, strict=False)) for r in rows}


def _value_labels(tables) -> dict[str, dict[str, str]]:
    """``{variable label: {value: label}}`` from PSPP's "Value Labels" table."""
    out: dict[str, dict[str, str]] = {}
    cur = None
    for r in tables.get("Value Labels", [])[1:]:
        if len(r) < 3:  # "Footnote: a. User-missing value"
            continue
        if r[0]:
            cur = r[0]
        out.setdefault(cur, {})[re.sub(r"\[\w\]|\*", "", r[1]).strip()] = r[2]
    return out


@pytest.fixture(scope="module")
def demo_store():
    return write_demo(ck.open_store(":memory:"))


@pytest.fixture(scope="module")
def demo_sav(demo_store, tmp_path_factory):
    d = tmp_path_factory.mktemp("sav")
    write_sav(demo_store, d)
    return d


# ----------------------------------------------------------------------------- dictionary
def test_pspp_reads_the_member_table_with_labels_formats_and_levels(demo_sav, demo_store,
                                                                    tmp_path):
    f = demo_sav / "member.sav"
    t = _pspp(f"GET FILE='{f}'.\nDISPLAY DICTIONARY.\nDESCRIPTIVES core joined_on.\n", tmp_path)
    d = _dictionary(t)
    assert list(d) == TABLES["member"].column_names
    for name in d:  # every variable has the kit's label
        assert d[name]["Label"] == variable_label("member", name)
    assert d["core"]["Label"] == "member: core member (true) or extended network (false)"
    assert (d["joined_on"]["Print Format"], d["joined_on"]["Measurement Level"]) == \
        ("DATE11", "Scale")
    assert (d["core"]["Print Format"], d["core"]["Measurement Level"]) == ("F1.0", "Nominal")
    assert (d["role"]["Print Format"], d["role"]["Measurement Level"]) == ("F2.0", "Nominal")
    assert d["member_id"]["Print Format"].startswith("A")
    labels = _value_labels(t)
    assert labels[variable_label("member", "core")] == {"0": "no", "1": "yes"}
    assert labels[variable_label("member", "role")]["1"] == "teacher"
    # N and mean as pandas computes them on the same file
    df, _ = pyreadstat.read_sav(f)
    head, *rows = t["Descriptive Statistics"]
    core = next(r for r in rows if r[0] == variable_label("member", "core"))
    assert int(core[1]) == df["core"].count() == len(df)
    assert float(core[2]) == pytest.approx(df["core"].mean(), abs=0.005)
    joined = next(r for r in rows if r[0] == variable_label("member", "joined_on"))
    assert int(joined[1]) == df["joined_on"].notna().sum()
    assert joined[4] == pd.Timestamp(df["joined_on"].min()).strftime("%d-%b-%Y").upper()


def test_pspp_survey_items_are_ordinal_f1_with_labels_and_user_missing(demo_sav, tmp_path):
    f = demo_sav / "survey_working_together.sav"
    t = _pspp(f"GET FILE='{f}'.\nDISPLAY DICTIONARY.\n", tmp_path)
    d = _dictionary(t)
    inst = load_instrument("working_together")
    for it in inst.items:
        assert d[it.id]["Print Format"] == "F1.0", it.id
        want = "Nominal" if it.id == "wt_fit" else "Ordinal"
        assert d[it.id]["Measurement Level"] == want, it.id
        assert d[it.id]["Label"].startswith(f"{it.construct}: {it.text['en'][:30]}")
    assert d["wt_coop_4"]["Label"].endswith("(reverse keyed)")
    assert d["wt_coop_1"]["Missing Values"] == "8; 9"
    labels = _value_labels(t)[d["wt_coop_1"]["Label"]]
    scale = inst.scales["agree5"]
    assert labels == {**{f"{v:g}": lab for v, lab in zip(scale.values, scale.labels["en"],
                                                         strict=True)},
                      "8": "don't know", "9": "not answered"}
    assert d["submitted_at"]["Print Format"] == "DATETIME20.0"
    assert d["submitted_at"]["Label"] == "response: submitted at (date and time, UTC)"


def test_pspp_means_equal_pandas(demo_sav, tmp_path):
    f = demo_sav / "survey_cop_climate.sav"
    df, _ = pyreadstat.read_sav(f)
    items = [it.id for it in load_instrument("cop_climate").items]
    agg = tmp_path / "means.sav"
    syntax = (f"GET FILE='{f}'.\nDESCRIPTIVES {' '.join(items)}.\n"
              f"AGGREGATE OUTFILE='{agg}' /BREAK=cop_id\n"
              + "\n".join(f"  /m_{i} = MEAN({i}) /n_{i} = NU({i})" for i in items) + ".\n")
    t = _pspp(syntax, tmp_path)
    _, *rows = t["Descriptive Statistics"]
    n_by_label = {r[0]: int(r[1]) for r in rows}
    _, meta = pyreadstat.read_sav(f)
    for i in items:
        assert n_by_label[meta.column_names_to_labels[i]] == df[i].count()
    got, _ = pyreadstat.read_sav(agg)
    want = df.groupby("cop_id")[items].mean()
    counts = df.groupby("cop_id")[items].count()
    got = got.set_index("cop_id").loc[want.index]
    for i in items:
        np.testing.assert_allclose(got[f"m_{i}"], want[i], rtol=0, atol=1e-9)
        np.testing.assert_array_equal(got[f"n_{i}"], counts[i])


# ----------------------------------------------------------------------------- syntax
def _scores_in_pspp(sav: Path, sps: Path, tmp: Path) -> pd.DataFrame:
    scored = tmp / "scored.sav"
    _pspp(f"GET FILE='{sav}'.\nINSERT FILE='{sps}'.\nSAVE OUTFILE='{scored}'.\n", tmp)
    df, _ = pyreadstat.read_sav(scored)
    return df


@pytest.mark.parametrize("inst", ["working_together", "cop_climate", "learning_community"])
def test_pspp_runs_the_syntax_and_gets_the_kits_scale_scores(inst, demo_sav, demo_store,
                                                             tmp_path):
    df = _scores_in_pspp(demo_sav / f"survey_{inst}.sav", demo_sav / f"survey_{inst}.sps",
                         tmp_path)
    kit = scale_scores(demo_store.read("response"), demo_store.read("answer"), inst)
    kit = kit[kit.response_id.isin(set(df.response_id))]
    assert set(kit.response_id) == set(df.response_id)
    wide = kit.pivot(index="response_id", columns="construct", values="score")
    for construct in kit.construct.unique():
        got = df.set_index("response_id")[f"sc_{construct}"].reindex(wide.index)
        np.testing.assert_allclose(got.to_numpy(dtype=float),
                                   wide[construct].to_numpy(dtype=float), rtol=0, atol=1e-9,
                                   equal_nan=True, err_msg=construct)
        assert wide[construct].notna().any()
    if inst == "cop_climate":  # student items: other respondents get no score, in PSPP too
        assert df["sc_student_agency"].isna().sum() == wide["student_agency"].isna().sum() > 10


def test_syntax_states_the_rule_and_reverse_codes(demo_store):
    frames = sav_frames(demo_store, tables=["cop"])
    text = syntax_text(frames["survey_working_together"], "survey_working_together")
    assert "COMPUTE wt_coop_4_r = 6 - wt_coop_4." in text
    assert "MEAN.3(wt_coop_1, wt_coop_2, wt_coop_3, wt_coop_4_r)" in text
    assert "* The rule is that of cocope_kit.analysis.scale_scores:" in text
    assert "2/3 of its items are answered" in text
    assert "sc_level_fit" not in text and "Not scored: level_fit" in text
    with pytest.raises(CocopeError, match="survey files only"):
        syntax_text(frames["cop"], "cop")


def test_dont_know_status_becomes_user_missing_and_is_left_out_of_scores(tmp_path):
    """The store will get an answer status ("don't know", "not answered"); the files take it
    already: such an answer is the user-missing code, which PSPP leaves out of the score."""
    t = demo_tables()
    resp = t["response"]
    ans = t["answer"].copy()
    rid = resp.loc[resp.instrument_id == "working_together", "response_id"].iloc[0]
    sel = (ans.response_id == rid) & ans.item_id.isin(["wt_coop_1", "wt_coop_2"])
    ans.loc[sel, "value"] = np.nan
    ans["status"] = None
    ans.loc[sel, "status"] = ["dont_know", "not_answered"]

    class Tables:
        def read(self, table):
            return ans if table == "answer" else t[table]

    write_sav(Tables(), tmp_path, tables=["cop"])
    df, meta = pyreadstat.read_sav(tmp_path / "survey_working_together.sav",
                                   user_missing=True)
    row = df.set_index("response_id").loc[rid]
    assert (row["wt_coop_1"], row["wt_coop_2"]) == (8.0, 9.0)
    scored = _scores_in_pspp(tmp_path / "survey_working_together.sav",
                             tmp_path / "survey_working_together.sps", tmp_path)
    # two of four cooperation items missing: fewer than 2/3, no score (as in the kit)
    assert np.isnan(scored.set_index("response_id").loc[rid, "sc_cooperation"])
    kit = scale_scores(resp, ans, "working_together")
    assert np.isnan(kit[(kit.response_id == rid) & (kit.construct == "cooperation")].score.item())


def test_statuses_written_by_the_store_become_the_user_missing_codes(tmp_path):
    """The store's own answer.status (migration 4), not a frame made up for the test."""
    store = write_demo(ck.open_store(":memory:"), n_cops=1)
    resp = store.read("response")
    rid = resp.loc[resp.instrument_id == "working_together", "response_id"].iloc[0]
    store.update("answer", [
        {"response_id": rid, "item_id": "wt_coop_1", "value": None, "status": "dont_know"},
        {"response_id": rid, "item_id": "wt_coop_2", "value": None, "status": "not_answered"}])
    write_sav(store, tmp_path, tables=["cop"], consented_only=False)
    df, meta = pyreadstat.read_sav(tmp_path / "survey_working_together.sav", user_missing=True)
    row = df.set_index("response_id").loc[rid]
    assert (row["wt_coop_1"], row["wt_coop_2"]) == (8.0, 9.0)
    assert meta.variable_value_labels["wt_coop_1"][8.0] == "don't know"
    assert meta.variable_value_labels["wt_coop_1"][9.0] == "not answered"
    plain, _ = pyreadstat.read_sav(tmp_path / "survey_working_together.sav")
    assert plain.set_index("response_id").loc[rid, ["wt_coop_1", "wt_coop_2"]].isna().all()


def test_missing_codes_sit_above_the_scale():
    assert missing_codes([1, 2, 3, 4, 5]) == {"dont_know": 8.0, "not_answered": 9.0}
    assert missing_codes(range(0, 8)) == {"dont_know": 8.0, "not_answered": 9.0}
    assert missing_codes(range(0, 9)) == {"dont_know": 98.0, "not_answered": 99.0}
    assert missing_codes(range(0, 101)) == {"dont_know": 998.0, "not_answered": 999.0}


# ----------------------------------------------------------------------------- wide waves
def test_wide_waves_one_row_per_respondent_pre_and_post_side_by_side(demo_store, tmp_path):
    files = demo_store.export(tmp_path, format="sav", wide_waves=True, tables=["cop"])
    assert {f.name for f in files} >= {"survey_working_together_wide.sav",
                                       "survey_working_together_wide.sps"}
    f = tmp_path / "survey_working_together_wide.sav"
    df, meta = pyreadstat.read_sav(f)
    resp = demo_store.read("response")
    ans = demo_store.read("answer")
    frames = sav_frames(demo_store, tables=["cop"])
    long = frames["survey_working_together"].frame
    wt = resp[resp.response_id.isin(set(long.response_id))]
    assert len(df) == wt.groupby(["cop_id", "respondent_id"]).ngroups
    assert not df.duplicated(["cop_id", "respondent_id"]).any()
    assert meta.column_names_to_labels["wt_coop_1_post"].startswith("[post] cooperation: ")
    # each cell is the respondent's answer in that wave
    v = ans.set_index(["response_id", "item_id"])["value"]
    for r in df.itertuples():
        for wave in ("pre", "post"):
            rid = getattr(r, f"response_id_{wave}")
            mine = wt[(wt.cop_id == r.cop_id) & (wt.respondent_id == r.respondent_id)
                      & (wt.wave == wave)]
            assert rid == (mine.response_id.item() if len(mine) else "")
            if rid:
                got = getattr(r, f"wt_coop_1_{wave}")
                want = v.get((rid, "wt_coop_1"), np.nan)
                assert (np.isnan(got) and np.isnan(want)) or got == want
    # the syntax scores each wave; PSPP's scores equal the kit's, matched by response id
    scored = _scores_in_pspp(f, tmp_path / "survey_working_together_wide.sps", tmp_path / "p")
    kit = scale_scores(resp, ans, "working_together").set_index(["response_id", "construct"])
    n = 0
    for wave in ("pre", "post"):
        for r in scored.itertuples():
            rid = getattr(r, f"response_id_{wave}")
            if not rid:
                continue
            got = getattr(r, f"sc_collaboration_{wave}")
            want = kit.loc[(rid, "collaboration"), "score"]
            assert (np.isnan(got) and np.isnan(want)) or abs(got - want) < 1e-9
            n += 1
    assert n == len(long)


def test_cli_wide_waves(tmp_path, capsys):
    db = tmp_path / "d.sqlite"
    write_demo(ck.open_store(db)).close()
    out = tmp_path / "o"
    assert main(["export", "--store", str(db), "--out", str(out), "--format", "sav",
                 "--wide-waves"]) == 0
    assert (out / "survey_cop_climate_wide.sav").exists()
    assert not (out / "survey_cop_climate.sav").exists()
    assert main(["export", "--store", str(db), "--out", str(out), "--format", "csv",
                 "--wide-waves"]) == 1
    assert "wide waves are for SPSS files" in capsys.readouterr().err


# ----------------------------------------------------------------------------- size
def test_many_leading_empty_dates_keep_the_date_type(tmp_path):
    """The old export let pyreadstat guess a type from the values; a date column whose first
    rows are empty crashed it. 150 empty ``left_on`` before one date now give a DATE11."""
    t = demo_tables()
    m = pd.concat([t["member"]] * 1, ignore_index=True)
    extra = pd.DataFrame({"member_id": [f"at-graz:x{i}" for i in range(150)],
                          "cop_id": "at-graz", "name": "N", "pseudonym": "P",
                          "role": "teacher", "core": True,
                          "joined_on": pd.Timestamp("2025-09-01"), "left_on": pd.NaT})
    m = pd.concat([extra, m.assign(left_on=pd.NaT)], ignore_index=True)
    m.loc[len(m) - 1, "left_on"] = pd.Timestamp("2026-04-01")
    t = dict(t, member=m)

    class Tables:
        def read(self, table):
            return t[table]

    write_sav(Tables(), tmp_path, tables=["member"], surveys=False, consented_only=False)
    df, meta = pyreadstat.read_sav(tmp_path / "member.sav")
    assert meta.original_variable_types["left_on"] == "DATE11"
    assert df["left_on"].iloc[:150].isna().all()
    assert str(df["left_on"].iloc[-1]) == "2026-04-01"


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    """A 2,000-CoP demo store and its SPSS export (about 25 s)."""
    store = write_demo(ck.open_store(":memory:"), n_cops=2000)
    d = tmp_path_factory.mktemp("big")
    write_sav(store, d)
    return store, d


@pytest.mark.slow
def test_2000_cops_open_in_pspp_and_the_syntax_runs(big, tmp_path):
    store, d = big
    member = store.read("member")
    assert member["left_on"].iloc[:100].isna().all()  # what crashed the old export
    # every file opens in PSPP with a full dictionary
    syntax = "".join(f"GET FILE='{f}'.\nDISPLAY DICTIONARY.\n" for f in sorted(d.glob("*.sav")))
    t = _pspp(syntax, tmp_path / "all")
    assert sum(k.startswith("Variables") for k in t) == len(list(d.glob("*.sav"))) >= 25
    # member.sav: N of left_on is the number of stored dates of the kept members
    f = d / "member.sav"
    t = _pspp(f"GET FILE='{f}'.\nDESCRIPTIVES left_on joined_on.\n", tmp_path / "m")
    df, _ = pyreadstat.read_sav(f)
    _, *rows = t["Descriptive Statistics"]
    assert int(rows[0][1]) == df["left_on"].notna().sum() > 100
    assert int(rows[1][1]) == len(df) > 15000
    # the syntax of the biggest instrument file gives the kit's scores for every response
    df = _scores_in_pspp(d / "survey_working_together.sav", d / "survey_working_together.sps",
                         tmp_path / "s")
    kit = scale_scores(store.read("response"), store.read("answer"), "working_together")
    kit = kit[kit.response_id.isin(set(df.response_id))]
    wide = kit.pivot(index="response_id", columns="construct", values="score")
    assert len(wide) == len(df) > 25000
    got = df.set_index("response_id").reindex(wide.index)
    for c in ("cooperation", "coordination", "collaboration"):
        np.testing.assert_allclose(got[f"sc_{c}"].to_numpy(dtype=float),
                                   wide[c].to_numpy(dtype=float), rtol=0, atol=1e-9,
                                   equal_nan=True, err_msg=c)


def test_wide_waves_keep_the_later_of_two_responses_in_a_wave(tmp_path):
    t = demo_tables()
    resp, ans = t["response"], t["answer"]
    first = resp[(resp.instrument_id == "learning_community") & (resp.wave == "pre")].iloc[0]
    again = first.copy()
    again["response_id"] = first.response_id + "b"
    again["submitted_at"] = first.submitted_at + pd.Timedelta(days=1)
    extra = ans[ans.response_id == first.response_id].assign(response_id=again.response_id,
                                                             value=1.0)
    t = dict(t, response=pd.concat([resp, again.to_frame().T], ignore_index=True),
             answer=pd.concat([ans, extra], ignore_index=True))

    class Tables:
        def read(self, table):
            return t[table]

    frames = sav_frames(Tables(), tables=["cop"], wide_waves=True)
    wide = frames["survey_learning_community_wide"]
    row = wide.frame[(wide.frame.cop_id == first.cop_id)
                     & (wide.frame.respondent_id == first.respondent_id)]
    assert row.response_id_pre.item() == again.response_id
    item = load_instrument("learning_community").items[0].id
    assert row[f"{item}_pre"].item() == 1.0
    assert wide.notes == ("1 response left out: the same respondent answered twice in one "
                          "wave; the later response is kept",)
    write_sav(Tables(), tmp_path, tables=["cop"], wide_waves=True)
    _, meta = pyreadstat.read_sav(tmp_path / "survey_learning_community_wide.sav")
    assert " ".join(meta.notes) == wide.notes[0]


def test_text_longer_than_spss_allows_is_cut_with_a_note(tmp_path):
    t = demo_tables()
    iv = t["interview"].copy()
    iv.loc[0, "transcript"] = "é" * 20000  # 40,000 bytes in UTF-8
    t = dict(t, interview=iv)

    class Tables:
        def read(self, table):
            return t[table]

    write_sav(Tables(), tmp_path, tables=["interview"], surveys=False, consented_only=False)
    df, meta = pyreadstat.read_sav(tmp_path / "interview.sav")
    assert df.transcript.iloc[0] == "é" * 16383  # 32,766 bytes: no character is split
    assert " ".join(meta.notes) == ("interview.transcript: 1 value longer than 32767 bytes "
                                    "(the longest SPSS string) was cut; the CSV or XLSX export "
                                    "has the whole text")
    assert df.transcript.iloc[1:].tolist() == iv.transcript.iloc[1:].tolist()


def test_reserved_words_are_not_variable_names():
    from cocope_kit.spss import _spss_name

    taken: set[str] = set()
    assert [_spss_name(n, taken) for n in ("to", "with", "1st", "to")] == \
        ["to_", "with_", "v_1st", "to__2"]


def test_every_variable_of_every_file_has_label_format_and_level(demo_store):
    frames = sav_frames(demo_store, wide_waves=False)
    frames.pop("_register")
    frames.update({k: v for k, v in sav_frames(demo_store, tables=["cop"],
                                               wide_waves=True).items() if k != "_register"})
    assert len(frames) == len(TABLES) + 6
    for stem, sav in frames.items():
        for name in sav.frame.columns:
            label = sav.labels[name]
            assert label and len(label.encode()) <= 255, (stem, name)
            assert label != f"{stem} {name}" and label.lower() != name.lower(), (stem, name)
            assert sav.measures[name] in ("nominal", "ordinal", "scale"), (stem, name)
            assert re.fullmatch(r"(F\d+\.\d|A\d+|DATE11|DATETIME20)", sav.formats[name]), \
                (stem, name, sav.formats[name])
            kind = sav.frame[name].dtype
            if sav.formats[name].startswith("A"):
                assert all(isinstance(v, str) for v in sav.frame[name]), (stem, name)
            elif sav.formats[name].startswith("DATE"):
                assert str(kind).startswith("datetime64"), (stem, name)
            else:
                assert kind == "float64", (stem, name)
