"""Research exports: SPSS .sav (read back with pyreadstat) and the REFI-QDA codebook (.qdc).

The .qdc structure is checked against the rules of the published REFI-QDA
Codebook schema, version 1.0 (``Codebook.xsd``, namespace
``urn:QDA-XML:codebook:1.0``, REFI-QDA standard 1.5 section 5.2; the schema
text as shipped in QualCoder's ``xsd.py``): root ``CodeBook`` (attribute
``origin``) holding exactly one ``Codes`` (one or more ``Code``) and an
optional ``Sets``; each ``Code`` has the required attributes ``guid``
(GUIDType: 8-4-4-4-12 hex digits, optionally in braces), ``name`` and
``isCodable`` (xsd:boolean), an optional ``color`` (#RGB or #RRGGBB), and
holds an optional ``Description`` followed by nested ``Code`` elements.
These rules are checked by hand below; tests/test_refiqda.py validates the same files
against the schema itself with lxml. XLSX: typed cells, frozen header, autofilter, text
that looks like a formula kept as written (issue 17 point 3).
"""

from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET

import numpy as np
import openpyxl
import pandas as pd
import pyreadstat
import pytest

import cocope_kit as ck
from cocope_kit.cli import main
from cocope_kit.demo import write_demo
from cocope_kit.errors import CocopeError, ValidationError
from cocope_kit.exports import QDC_NAMESPACE, code_guid, read_qdc, sav_frames, write_qdc, write_sav
from cocope_kit.instruments import load_instrument
from cocope_kit.privacy import consent_register
from cocope_kit.report import report_html
from cocope_kit.schema import TABLES
from cocope_kit.spss import variable_label
from cocope_kit.tidy import TIDY_TABLES

Q = f"{{{QDC_NAMESPACE}}}"
GUID = re.compile(r"^(\{)?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
                  r"[0-9a-fA-F]{12}(?(1)\})$")


@pytest.fixture(scope="module")
def store():
    return write_demo(ck.open_store(":memory:"))


@pytest.fixture(scope="module")
def sav_dir(store, tmp_path_factory):
    d = tmp_path_factory.mktemp("sav")
    write_sav(store, d)
    return d


# ----------------------------------------------------------------------------- SPSS
def test_sav_files_one_per_table_and_instrument(sav_dir, store):
    names = sorted(p.name for p in sav_dir.iterdir())
    insts = sorted(set(store.read("response").instrument_id))
    assert names == sorted([f"{t}.sav" for t in TABLES] + [f"survey_{i}.sav" for i in insts]
                           + [f"survey_{i}.sps" for i in insts])


def test_sav_member_values_labels_and_pseudonyms(sav_dir, store):
    df, meta = pyreadstat.read_sav(sav_dir / "member.sav")
    reg = consent_register(store.read("member"), store.read("consent"))
    kept = store.read("member").merge(reg.loc[reg.included, ["member_id"]], on="member_id")
    kept = kept.set_index("member_id").loc[df.member_id]
    # everyone the register excludes is absent, everyone else present
    assert set(df.member_id) == set(reg.member_id[reg.included])
    assert len(df) == int(reg.included.sum()) < len(reg)
    # names replaced by pseudonyms
    assert df["name"].tolist() == kept["pseudonym"].tolist()
    assert not set(store.read("member").name) & set(df["name"])
    # role coded with value labels that give back the stored role
    labels = meta.variable_value_labels["role"]
    assert [labels[v] for v in df["role"]] == kept["role"].astype(str).tolist()
    assert sorted(labels.values()) == sorted(TABLES["member"].columns[4].allowed)
    # booleans 0/1 with no/yes; dates as SPSS dates
    assert meta.variable_value_labels["core"] == {0.0: "no", 1.0: "yes"}
    assert df["core"].tolist() == kept["core"].astype(int).tolist()
    assert meta.original_variable_types["joined_on"] == "DATE11"
    assert [str(d) for d in df["joined_on"]] == kept["joined_on"].dt.strftime("%Y-%m-%d").tolist()
    # variable labels: the schema descriptions where there are, a built label otherwise
    for c in TABLES["member"].columns:
        label = meta.column_names_to_labels[c.name]
        assert label == variable_label("member", c.name) and label.startswith("member: ")
        if c.description and c.name != "member_id":
            assert label == "member: " + " ".join(c.description.split())


def test_sav_names_only_when_asked(store, tmp_path):
    write_sav(store, tmp_path, names=True, tables=["member"], surveys=False)
    df, _ = pyreadstat.read_sav(tmp_path / "member.sav")
    real = store.read("member").set_index("member_id").loc[df.member_id, "name"]
    assert df["name"].tolist() == real.tolist()


def test_sav_apply_value_formats_gives_the_stored_text(sav_dir, store):
    df, _ = pyreadstat.read_sav(sav_dir / "pair_rating.sav", apply_value_formats=True)
    raw = store.read("pair_rating").set_index("rating_id").loc[df.rating_id]
    names = {0: "none", 1: "cooperation", 2: "coordination", 3: "collaboration"}
    assert df["level"].tolist() == [names[int(v)] for v in raw["level"]]
    df, _ = pyreadstat.read_sav(sav_dir / "action.sav", apply_value_formats=True)
    raw = store.read("action").set_index("action_id").loc[df.action_id]
    assert df["status"].tolist() == raw["status"].astype(str).tolist()


def test_sav_survey_wide_with_scale_labels(sav_dir, store):
    inst = load_instrument("cop_climate")
    df, meta = pyreadstat.read_sav(sav_dir / "survey_cop_climate.sav")
    assert [c for c in df.columns[8:]] == [it.id for it in inst.items]
    ans = store.read("answer")
    resp = store.read("response")
    reg = consent_register(store.read("member"), store.read("consent"))
    out_ids = set(reg.member_id[~reg.included])
    want = resp[(resp.instrument_id == "cop_climate") & ~resp.respondent_id.isin(out_ids)]
    assert sorted(df.response_id) == sorted(want.response_id)
    # every answer value equals the stored one (NaN = missing / don't know)
    wide = ans.pivot_table(index="response_id", columns="item_id", values="value",
                           aggfunc="first").reindex(index=df.response_id)
    for it in inst.items:
        got = df[it.id].to_numpy(dtype=float)
        exp = wide[it.id].to_numpy(dtype=float) if it.id in wide else np.full(len(df), np.nan)
        np.testing.assert_array_equal(got, exp)
    it = inst.items[0]
    scale = inst.scales[it.scale]
    assert meta.variable_value_labels[it.id] == {
        **{float(v): lab for v, lab in zip(scale.values, scale.labels["en"], strict=False)},
        8.0: "don't know", 9.0: "not answered"}
    assert meta.column_names_to_labels[it.id].startswith(f"{it.construct}: ")
    assert it.text["en"][:40] in meta.column_names_to_labels[it.id]


def test_sav_frames_report_the_register(store):
    frames = sav_frames(store, tables=["cop"], surveys=False)
    assert set(frames) == {"cop", "_register"}
    assert (~frames["_register"].included).sum() == 2


def test_sav_bad_arguments(store, tmp_path):
    with pytest.raises(CocopeError, match="unknown table 'members'"):
        write_sav(store, tmp_path, tables=["members"])
    f = tmp_path / "file.txt"
    f.write_text("x")
    with pytest.raises(CocopeError, match="must be a folder"):
        write_sav(store, f, tables=["cop"])


# ----------------------------------------------------------------------------- REFI-QDA
def _check_codebook_schema(root: ET.Element) -> list[str]:
    """The rules of Codebook.xsd v1.0 (see the module docstring); returns the problems."""
    problems = []
    if root.tag != Q + "CodeBook":
        return [f"root is {root.tag}"]
    kids = [c.tag for c in root]
    if kids not in ([Q + "Codes"], [Q + "Codes", Q + "Sets"]):
        problems.append(f"CodeBook holds {kids}")
    if set(root.attrib) - {"origin"}:
        problems.append(f"CodeBook attributes {sorted(root.attrib)}")

    def code(el, where):
        for a in ("guid", "name", "isCodable"):
            if a not in el.attrib:
                problems.append(f"{where}: no {a}")
        if not GUID.match(el.get("guid", "")):
            problems.append(f"{where}: guid {el.get('guid')!r}")
        if el.get("isCodable") not in ("true", "false", "1", "0"):
            problems.append(f"{where}: isCodable {el.get('isCodable')!r}")
        if set(el.attrib) - {"guid", "name", "isCodable", "color"}:
            problems.append(f"{where}: attributes {sorted(el.attrib)}")
        tags = [c.tag for c in el]
        n_desc = tags.count(Q + "Description")
        if n_desc > 1 or (n_desc == 1 and tags[0] != Q + "Description"):
            problems.append(f"{where}: Description must come first, once")
        for i, c in enumerate(el):
            if c.tag == Q + "Code":
                code(c, f"{where}/Code[{i}]")
            elif c.tag != Q + "Description":
                problems.append(f"{where}: unexpected {c.tag}")

    codes = root.find(Q + "Codes")
    if codes is not None:
        if len(codes) == 0:
            problems.append("Codes holds no Code")
        for i, c in enumerate(codes):
            if c.tag != Q + "Code":
                problems.append(f"Codes: unexpected {c.tag}")
            else:
                code(c, f"Codes/Code[{i}]")
    return problems


def test_qdc_matches_the_codebook_schema_and_the_code_table(store, tmp_path):
    path = write_qdc(store, tmp_path / "c.qdc")
    root = ET.parse(path).getroot()
    assert _check_codebook_schema(root) == []
    codes = store.read("code").set_index("code_id")
    by_guid = {code_guid(c): c for c in codes.index}
    seen = {}

    def walk(el, parent):
        for c in el.findall(Q + "Code"):
            cid = by_guid[c.get("guid")]
            seen[cid] = parent
            assert c.get("name") == codes.loc[cid, "label"]
            assert c.get("isCodable") == "true"
            desc = c.find(Q + "Description").text
            assert desc.startswith(codes.loc[cid, "description"])
            walk(c, cid)

    walk(root.find(Q + "Codes"), None)
    # every code once, nested under exactly its parent
    assert set(seen) == set(codes.index)
    want = {c: (None if pd.isna(p) else p) for c, p in codes["parent_id"].items()}
    assert seen == want
    assert sum(p is not None for p in seen.values()) == 6  # the demo has a two-level tree
    # GUIDs are UUID version 5, stable across exports
    g = root.find(Q + "Codes")[0].get("guid")
    assert uuid.UUID(g).version == 5
    again = ET.parse(write_qdc(store, tmp_path / "d.qdc")).getroot()
    assert again.find(Q + "Codes")[0].get("guid") == g


def test_qdc_round_trip(store, tmp_path):
    back = read_qdc(write_qdc(store, tmp_path / "c.qdc"))
    codes = store.read("code")
    merged = codes.merge(back, on="code_id", suffixes=("", "_back"))
    assert len(merged) == len(codes) == len(back)
    for col in ("codebook", "label", "description"):
        assert merged[col].tolist() == merged[f"{col}_back"].tolist()
    assert merged["parent_id"].fillna("").tolist() == merged["parent_id_back"].fillna("").tolist()


def test_read_qdc_from_another_program(tmp_path):
    f = tmp_path / "other.qdc"
    g1, g2 = str(uuid.uuid4()), "{" + str(uuid.uuid4()).upper() + "}"
    f.write_text(f'<?xml version="1.0" encoding="utf-8"?><CodeBook xmlns="{QDC_NAMESPACE}" '
                 f'origin="x"><Codes><Code guid="{g1}" name="Barriers" isCodable="true">'
                 f'<Description>What stops us</Description><Code guid="{g2}" name="Time" '
                 f'isCodable="false"/></Code></Codes></CodeBook>', encoding="utf-8")
    back = read_qdc(f, codebook="mine")
    assert back.to_dict("records") == [
        {"code_id": f"mine:{g1}", "codebook": "mine", "label": "Barriers",
         "description": "What stops us", "parent_id": None},
        {"code_id": f"mine:{g2}", "codebook": "mine", "label": "Time", "description": None,
         "parent_id": f"mine:{g1}"}]


def test_qdc_errors(store, tmp_path):
    f = tmp_path / "bad.qdc"
    f.write_text('<Project xmlns="urn:QDA-XML:project:1.0"/>', encoding="utf-8")
    with pytest.raises(ValidationError, match="expected CodeBook"):
        read_qdc(f)
    f.write_text(f'<CodeBook xmlns="{QDC_NAMESPACE}"><Codes><Code name="x"/></Codes></CodeBook>',
                 encoding="utf-8")
    with pytest.raises(ValidationError, match=r"Codes/Code\[1\]'?: a Code needs both guid and name"):
        read_qdc(f)

    class Broken:
        def read(self, table):
            return pd.DataFrame({"code_id": ["a", "b"], "codebook": ["k", "k"],
                                 "label": ["A", "B"], "description": [None, None],
                                 "parent_id": ["b", "zzz"]})

    with pytest.raises(ValidationError, match=r"code row 2, column 'parent_id': 'zzz' is not allowed"):
        write_qdc(Broken(), tmp_path / "x.qdc")
    with pytest.raises(CocopeError, match="no codebook 'nope'"):
        write_qdc(store, tmp_path / "x.qdc", codebook="nope")

    class Loop(Broken):
        def read(self, table):
            return super().read(table).assign(parent_id=["b", "a"])

    with pytest.raises(ValidationError, match=r"code row 1, column 'parent_id'.*loops back to 'a'"):
        write_qdc(Loop(), tmp_path / "loop.qdc")
    assert not (tmp_path / "loop.qdc").exists()
    f.write_text("<CodeBook", encoding="utf-8")
    with pytest.raises(ValidationError, match="not a readable XML file"):
        read_qdc(f)


# ----------------------------------------------------------------------------- store + CLI
def test_store_export_formats(store, tmp_path):
    files = store.export(tmp_path / "q", format="qdc")
    assert [f.name for f in files] == ["codebook.qdc"]
    files = store.export(tmp_path / "s", format="sav", tables=["cop"])
    assert files[0].name == "cop.sav"
    with pytest.raises(CocopeError, match="'csv', 'xlsx', 'sav', 'qdc', 'qdpx', got 'dta'"):
        store.export(tmp_path, format="dta")


@pytest.mark.parametrize("fmt, first", [("sav", "cop.sav"), ("qdc", "codebook.qdc")])
def test_cli_export(fmt, first, tmp_path, capsys):
    db = tmp_path / "d.sqlite"
    write_demo(ck.open_store(db))
    assert main(["export", "--store", str(db), "--out", str(tmp_path / "o"), "--format", fmt]) == 0
    assert "(pseudonymised)" in capsys.readouterr().out
    assert (tmp_path / "o" / first).exists()


# ----------------------------------------------------------------------------- forget probe
def test_forgotten_member_leaves_no_trace_in_any_output(tmp_path):
    """Issue 6 point 6: after ``forget``, neither the member's id, nor their name, nor their
    pseudonym within their CoP appears in the report, CSV, XLSX or SAV exports."""
    s = write_demo(ck.open_store(tmp_path / "s.sqlite"))
    mid = "be-gent:p1"
    m = s.read("member").set_index("member_id").loc[mid]
    name, pseudonym = m["name"], m["pseudonym"]

    def outputs(tag):
        out = {"report": report_html(s, cop_id="be-gent", names=True, as_of="2026-06-30"),
               "report_pseudonyms": report_html(s, cop_id="be-gent", as_of="2026-06-30"),
               "report_all": report_html(s, names=True, as_of="2026-06-30")}
        for fmt in ("csv", "xlsx", "sav"):
            d = tmp_path / f"{tag}-{fmt}"
            s.export(d, format=fmt, names=True)
            out[fmt] = d
        return out

    def texts(o):
        for key in ("report", "report_pseudonyms", "report_all"):
            yield key, o[key]
        for f in sorted(o["csv"].glob("*.csv")):
            yield f.name, f.read_text(encoding="utf-8")
        wb = openpyxl.load_workbook(next(o["xlsx"].glob("*.xlsx")), read_only=True)
        for ws in wb.worksheets:
            yield f"xlsx:{ws.title}", "\n".join(
                "\t".join("" if v is None else str(v) for v in row)
                for row in ws.iter_rows(values_only=True))
        for f in sorted(o["sav"].glob("*.sav")):
            df, _ = pyreadstat.read_sav(f)
            yield f.name, df.astype(str).to_csv(index=False)

    before = dict(texts(outputs("before")))
    assert mid in before["member.csv"] and name in before["report"] and name in before["member.sav"]
    assert pseudonym in before["report_pseudonyms"]
    s.forget(mid)
    after = outputs("after")
    for where, text in texts(after):  # the audit too: it says that someone was forgotten, not who
        assert mid not in text, where
        assert name not in text, where
    assert pseudonym not in after["report_pseudonyms"]
    sav, _ = pyreadstat.read_sav(after["sav"] / "member.sav")
    assert not ((sav.cop_id == "be-gent") & (sav.pseudonym == pseudonym)).any()


# ----------------------------------------------------------------------------- XLSX
@pytest.fixture(scope="module")
def tricky(tmp_path_factory):
    """The demo store with text a spreadsheet would take for a formula."""
    s = write_demo(ck.open_store(tmp_path_factory.mktemp("x") / "t.sqlite"))
    lesson = s.read("lesson").iloc[0]
    s.update("lesson", {"lesson_id": lesson.lesson_id, "title": "-2 incidents",
                        "text": "=SUM(A1:A9)", "tags": "@home, +1"})
    return s


def test_xlsx_cells_are_typed_with_frozen_header_and_autofilter(tricky, tmp_path):
    (f,) = tricky.export(tmp_path, format="xlsx", names=True, consented_only=False)
    wb = openpyxl.load_workbook(f)
    assert wb.sheetnames == [*TABLES, *TIDY_TABLES, "columns"]
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2", ws.title
        assert ws.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(ws.max_column)}" \
            f"{ws.max_row}", ws.title
        assert all(c.font.bold for c in ws[1])
        assert all(c.data_type != "f" for row in ws.iter_rows() for c in row), ws.title
    for t, spec in TABLES.items():
        ws = wb[t]
        header = [c.value for c in ws[1]]
        assert header == spec.column_names
        stored = tricky.read(t)
        rows = list(ws.iter_rows(min_row=2))
        assert len(rows) == len(stored), t
        for col in spec.columns:
            j = header.index(col.name)
            got = [r[j] for r in rows]
            want = stored[col.name]
            for cell, w in zip(got, want, strict=True):
                if pd.isna(w):
                    assert cell.value is None, (t, col.name)
                elif col.type == "date":
                    assert cell.is_date and cell.number_format == "yyyy-mm-dd"
                    assert cell.value == pd.Timestamp(w).to_pydatetime(), (t, col.name)
                elif col.type == "timestamp":
                    assert cell.is_date and cell.number_format == "yyyy-mm-dd hh:mm:ss"
                    assert abs(pd.Timestamp(cell.value) - pd.Timestamp(w).tz_localize(None)) \
                        < pd.Timedelta(milliseconds=1), (t, col.name)
                elif col.type == "bool":
                    assert cell.value is bool(w) and cell.data_type == "b"
                elif col.type in ("int", "real"):
                    assert cell.value == w and cell.data_type == "n", (t, col.name)
                else:
                    assert cell.value == str(w) and cell.data_type == "s", (t, col.name)


def test_xlsx_formula_looking_text_is_text_as_written(tricky, tmp_path):
    (f,) = tricky.export(tmp_path, format="xlsx", tables=["lesson"])
    ws = openpyxl.load_workbook(f)["lesson"]
    header = [c.value for c in ws[1]]
    rows = {r[0].value: r for r in ws.iter_rows(min_row=2)}
    lid = tricky.read("lesson").lesson_id.iloc[0]
    title, text, tags = (rows[lid][header.index(c)] for c in ("title", "text", "tags"))
    assert (title.value, text.value, tags.value) == ("-2 incidents", "=SUM(A1:A9)", "@home, +1")
    assert all(c.data_type == "s" and c.quotePrefix for c in (title, text, tags))
    plain = rows[tricky.read("lesson").lesson_id.iloc[1]][header.index("title")]
    assert plain.data_type == "s" and not plain.quotePrefix
    # the raw sheet XML holds no formula element at all
    import zipfile

    with zipfile.ZipFile(f) as z:
        sheet = next(n for n in z.namelist() if n.startswith("xl/worksheets/sheet"))
        assert b"<f>" not in z.read(sheet) and b"<f " not in z.read(sheet)


def test_xlsx_round_trip_gives_the_same_store(tricky, tmp_path):
    (f,) = tricky.export(tmp_path, format="xlsx", names=True, consented_only=False,
                         tables=["cop", "member", "meeting", "lesson", "goal"])
    fresh = ck.open_store(":memory:")
    fresh.import_file(f)
    for t in ("cop", "member", "meeting", "lesson", "goal"):
        pd.testing.assert_frame_equal(fresh.read(t), tricky.read(t), check_like=True, obj=t)
