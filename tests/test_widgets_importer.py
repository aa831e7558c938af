"""SurveyImporter (notebook 05): set values, click, look at the mapping and in the store."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

import cocope_kit as ck
from cocope_kit.widgets import SurveyImporter

DATA = Path(__file__).resolve().parent / "data" / "survey_exports"


@pytest.fixture
def store():
    s = ck.open_store(":memory:")
    s.insert("cop", [{"cop_id": "at-linz", "name": "Linz", "school": "MS Linz-Auhof",
                      "country": "AT", "language": "de", "created_on": "2026-09-01"},
                     {"cop_id": "pt-porto", "name": "Porto", "school": "AE Porto",
                      "country": "PT", "language": "pt", "created_on": "2026-09-01"}])
    yield s
    s.close()


def _copy(name: str, tmp_path: Path) -> Path:
    dst = tmp_path / name
    shutil.copy(DATA / name, dst)
    return dst


def _set(w, path, instrument, cop, wave):
    w.path.value, w.instrument.value, w.cop.value, w.wave.value = str(path), instrument, cop, wave


def test_check_shows_the_mapping_and_stores_nothing_then_import_stores(store, tmp_path):
    f = _copy("google_forms_wt_de.csv", tmp_path)
    w = SurveyImporter(store)
    _set(w, f, "working_together", "at-linz", "pre")
    w.check_button.click()
    assert store.count("response") == 0
    assert w._status.kind == "ok" and not w.problems
    items = w.mapping[~w.mapping.maps_to.isin(["respondent", "timestamp", "role", "ignore",
                                               "language"])]
    assert set(items.maps_to) == {it.id for it in ck.load_instrument("working_together").items}
    assert "Zeitstempel" in set(w.mapping.column)
    assert "Stimme zu" in set(w.values.answer)
    assert w.values.set_index("answer").loc["Stimme zu", "maps_to"] == "4"
    assert "would be stored" in w._summary.value and "UNMATCHED" not in w._mapping.value
    assert (tmp_path / "google_forms_wt_de.map.yaml").exists()  # as the CLI writes it
    w.import_button.click()
    resp = store.read("response")
    assert w._status.kind == "ok" and w.status.startswith(f"{len(resp)} responses")
    assert len(resp) > 3 and set(resp.wave) == {"pre"} and set(resp.cop_id) == {"at-linz"}
    assert set(store.read("answer").status) <= {"answered", "dont_know", "not_answered"}


def test_bad_values_are_listed_with_row_and_column_and_nothing_is_stored(store, tmp_path):
    f = tmp_path / "bad.csv"
    f.write_text("id,wt_coop_1,wt_coop_2,Mystery column\n1,4,7,x\n2,2.5,2,y\n",
                 encoding="utf-8")
    w = SurveyImporter(store)
    _set(w, f, "working_together", "at-linz", "pre")
    w.check_button.click()
    assert w._status.kind == "error"
    lines = "\n".join(w.problems)
    assert "row 1, column 'Mystery column'" in lines  # the header row of the file
    assert "row 2, column 'wt_coop_2': '7'" in lines
    assert "row 3, column 'wt_coop_1': '2.5'" in lines
    assert "UNMATCHED" in w._mapping.value
    assert "<ol" in w._problems.value and "Mystery column" in w._problems.value
    w.import_button.click()
    assert w._status.kind == "error" and len(w.problems) == 3
    assert store.count("response") == 0 and store.count("answer") == 0


def test_store_checks_reach_the_widget_as_a_list(store, tmp_path):
    f = tmp_path / "ok.csv"
    f.write_text("id,wt_coop_1\n1,4\n", encoding="utf-8")
    w = SurveyImporter(store)
    _set(w, f, "working_together", "at-linz", "post")
    w.import_button.click()
    assert store.count("response") == 1
    w2 = SurveyImporter(store)
    assert "post" in w2.wave.options  # the waves already stored are offered
    _set(w2, f, "working_together", "pt-porto", "Post")
    w2.import_button.click()
    assert store.count("response") == 1
    assert any("'Post'" in p and "already spelt 'post'" in p for p in w2.problems)


def test_missing_file_and_upload(store, tmp_path):
    w = SurveyImporter(store, upload_dir=tmp_path / "up")
    w.check_button.click()
    assert w._status.kind == "error" and "choose the export file" in w.status
    content = (DATA / "limesurvey_cc_pt_full.csv").read_bytes()
    w.upload.value = ({"name": "limesurvey_cc_pt_full.csv", "type": "text/csv",
                       "size": len(content), "content": memoryview(content),
                       "last_modified": datetime(2026, 11, 4, tzinfo=UTC)},)
    assert w.path.value == str(tmp_path / "up" / "limesurvey_cc_pt_full.csv")
    _set(w, w.path.value, "cop_climate", "pt-porto", "pre")
    w.import_button.click()
    assert w._status.kind == "ok", w.status
    assert store.count("response") == 7
    w.upload.value = ({"name": "notes.txt", "type": "text/plain", "size": 1,
                       "content": memoryview(b"x"), "last_modified": datetime(2026, 11, 4, tzinfo=UTC)},)
    assert w._status.kind == "error" and ".csv or .xlsx" in w.status
