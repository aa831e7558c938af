"""Tidy exports (issue 17 item 3): answers long, construct scores, item codebook, and a
description for every column of the data dictionary.

Oracles: the long table is checked cell by cell against a join written out here from the
store's own tables; the construct scores against a hand computation from the answers
(mean of the scored values, at least 2/3 of the construct's items answered); the codebook
against the instrument files.
"""

from __future__ import annotations

import math

import openpyxl
import pandas as pd
import pytest

import cocope_kit as ck
from cocope_kit.demo import write_demo
from cocope_kit.errors import UsageError
from cocope_kit.instruments import load_instrument
from cocope_kit.schema import describe
from cocope_kit.tidy import TIDY_COLUMNS, TIDY_TABLES, item_codebook


@pytest.fixture(scope="module")
def demo():
    return write_demo(ck.open_store(":memory:"), n_cops=2)


@pytest.fixture(scope="module")
def csv_dir(demo, tmp_path_factory):
    d = tmp_path_factory.mktemp("tidy")
    demo.export(d)
    return d


def _consented_ids(store) -> set[str]:
    from cocope_kit.privacy import filter_consented

    raw = {t: store.read(t) for t in ("member", "consent", "response", "interview")}
    kept, _ = filter_consented(raw)
    return set(kept["response"].response_id)


def test_answers_long_is_the_join_of_the_stored_tables(demo, csv_dir):
    got = pd.read_csv(csv_dir / "answers_long.csv", keep_default_na=False, na_values=[""],
                      dtype={"instrument_version": str})
    assert got.columns.tolist() == [c for c, _, _ in TIDY_COLUMNS["answers_long"]]
    kept = _consented_ids(demo)
    ans = demo.read("answer")
    ans = ans[ans.response_id.isin(kept)].reset_index(drop=True)
    assert len(got) == len(ans) > 1000
    resp = demo.read("response").set_index("response_id")
    cop = demo.read("cop").set_index("cop_id")
    member = demo.read("member").set_index("member_id")
    items = {(i, it.id): (it, load_instrument(i).scales[it.scale])
             for i in resp.instrument_id.unique() for it in load_instrument(i).items}
    for k in range(0, len(ans), 97):  # every 97th answer, cell by cell
        a, g = ans.iloc[k], got.iloc[k]
        r = resp.loc[a.response_id]
        it, sc = items[(r.instrument_id, a.item_id)]
        assert (g.response_id, g.cop_id, g.country, g.wave, g.instrument_id,
                g.instrument_version, g.item_id, g.construct, g.status) == (
            a.response_id, r.cop_id, cop.loc[r.cop_id, "country"], r.wave, r.instrument_id,
            r.instrument_version, a.item_id, it.construct, a.status)
        assert g.respondent == member.loc[r.respondent_id, "pseudonym"]
        assert g.respondent_role == r.respondent_role
        if a.status == "answered":
            assert g.value == a.value
            want = sc.min + sc.max - a.value if it.reverse else a.value
            assert g.value_scored == want
        else:
            assert math.isnan(g.value) and math.isnan(g.value_scored)
        assert pd.Timestamp(g.submitted_at) == r.submitted_at
    # reverse keying really happens somewhere
    rev = got[got.reverse & (got.status == "answered")]
    assert len(rev) > 10 and ((rev.value + rev.value_scored) == 6).all()
    assert set(got.status) == {"answered", "dont_know", "not_answered"}


def test_construct_scores_equal_a_hand_computation(csv_dir):
    long = pd.read_csv(csv_dir / "answers_long.csv")
    scores = pd.read_csv(csv_dir / "construct_scores.csv")
    assert scores.columns.tolist() == [c for c, _, _ in TIDY_COLUMNS["construct_scores"]]
    sub = long[long.instrument_id == "cop_climate"]
    checked = 0
    for (rid, construct), g in sub.groupby(["response_id", "construct"]):
        answered = g.value_scored.dropna()
        hand = answered.mean() if len(answered) >= 2 / 3 * len(g) - 1e-9 else math.nan
        row = scores[(scores.response_id == rid) & (scores.construct == construct)]
        assert len(row) == 1
        assert int(row.n_items.item()) == len(g) and int(row.n_answered.item()) == len(answered)
        if math.isnan(hand):
            assert math.isnan(row.score.item())
        else:
            assert row.score.item() == pytest.approx(hand, abs=1e-12)
        checked += 1
    assert checked > 200
    assert "level_fit" not in set(scores.construct)  # the vignette is not a scale


def test_item_codebook_has_the_texts_of_every_language():
    cb = item_codebook(["cop_climate", "working_together"])
    inst = load_instrument("cop_climate")
    assert len(cb) == len(inst.items) + len(load_instrument("working_together").items)
    row = cb.set_index("item_id").loc[inst.items[0].id]
    for lang in ("en", "de", "nl", "pt", "sk"):
        assert row[f"text_{lang}"] == inst.items[0].text[lang]
    assert (row.construct, row.scale, row.scale_values, bool(row.dont_know)) == (
        inst.items[0].construct, "agree5", "1|2|3|4|5", True)
    assert row.scale_labels_en.split("|")[0] == "Strongly disagree"
    fit = cb.set_index("item_id").loc["wt_fit"]
    assert fit.scale_values == "1|2|3" and not bool(fit.dont_know)
    assert cb.position.tolist()[:3] == [1, 2, 3]


def test_every_column_of_the_data_dictionary_is_described(csv_dir):
    d = describe()
    assert (d.description.str.strip().str.len() > 0).all(), d[d.description == ""]
    cols = pd.read_csv(csv_dir / "columns.csv", keep_default_na=False)
    assert (cols.description.str.strip() != "").all()
    # every column of every written file is in the dictionary
    for f in csv_dir.glob("*.csv"):
        if f.name == "columns.csv":
            continue
        header = pd.read_csv(f, nrows=0).columns.tolist()
        listed = cols.loc[cols.table == f.stem, "column"].tolist()
        assert header == listed, f.name
    assert set(TIDY_TABLES) <= set(cols.table)


def test_names_only_with_names_and_consent_filtered(demo, tmp_path):
    member = demo.read("member")
    a, b = tmp_path / "a", tmp_path / "b"
    demo.export(a, tables=["answers_long"])
    demo.export(b, tables=["answers_long", "construct_scores"], names=True)
    plain = pd.read_csv(a / "answers_long.csv")
    named = pd.read_csv(b / "answers_long.csv")
    names = set(member.name.dropna())
    assert not names & set(plain.respondent)
    assert set(named.respondent) & names
    # nobody without consent or assent
    kept = _consented_ids(demo)
    left_out = set(demo.read("response").response_id) - kept
    assert left_out and not left_out & set(plain.response_id)
    assert not left_out & set(pd.read_csv(b / "construct_scores.csv").response_id)
    assert sorted(f.name for f in a.iterdir()) == ["answers_long.csv", "columns.csv"]


def test_formula_text_is_neutralised_in_csv_and_kept_in_xlsx(tmp_path):
    s = ck.open_store(":memory:")
    s.insert("cop", {"cop_id": "be-1", "name": "n", "school": "s", "country": "BE",
                     "language": "nl", "created_on": "2026-01-12"})
    s.insert("response", {"response_id": "r1", "cop_id": "be-1",
                          "instrument_id": "reflection_prompts", "instrument_version": "1.0",
                          "respondent_id": "anon-1", "wave": "post", "language": "nl",
                          "submitted_at": "2026-05-02T09:00:00Z"})
    s.insert("answer", {"response_id": "r1", "item_id": "rp_domain_1",
                        "text": "-2 incidents =SUM(A1)"})
    s.export(tmp_path, tables=["answers_long"])
    got = pd.read_csv(tmp_path / "answers_long.csv")
    assert got.text.item() == "'-2 incidents =SUM(A1)"
    (x,) = s.export(tmp_path / "x", format="xlsx", tables=["answers_long"])
    ws = openpyxl.load_workbook(x)["answers_long"]
    header = [c.value for c in ws[1]]
    cell = ws.cell(2, header.index("text") + 1)
    assert cell.value == "-2 incidents =SUM(A1)" and cell.data_type == "s" and cell.quotePrefix
    when = ws.cell(2, header.index("submitted_at") + 1)
    assert when.value == pd.Timestamp("2026-05-02T09:00:00").to_pydatetime()
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:")


def test_xlsx_has_typed_tidy_sheets(demo, tmp_path):
    (x,) = demo.export(tmp_path, format="xlsx", tables=["construct_scores", "item_codebook"])
    wb = openpyxl.load_workbook(x)
    assert wb.sheetnames == ["construct_scores", "item_codebook", "columns"]
    ws = wb["construct_scores"]
    header = [c.value for c in ws[1]]
    scores = [r[header.index("score")] for r in ws.iter_rows(min_row=2, values_only=True)]
    assert all(v is None or isinstance(v, (int, float)) for v in scores)
    assert any(isinstance(v, float) and not v.is_integer() for v in scores)
    n = [r[header.index("n_items")] for r in ws.iter_rows(min_row=2, values_only=True)]
    assert all(isinstance(v, int) for v in n)


def test_unknown_table_names_the_tidy_tables(demo, tmp_path):
    with pytest.raises(UsageError, match="answers_long"):
        demo.export(tmp_path, tables=["answer_long"])
