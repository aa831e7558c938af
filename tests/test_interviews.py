"""cocope_kit.interviews: transcripts, segments, interview rows, codebook CSV, blind-coding status."""

from __future__ import annotations

import sys
import types

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cocope_kit as ck
from cocope_kit import schema
from cocope_kit.errors import CocopeError, UsageError, ValidationError
from cocope_kit.interviews import (
    CODEBOOK_COLUMNS,
    NO_CODE_ID,
    coding_status,
    export_codebook,
    import_codebook,
    interview_record,
    read_transcript,
    segment_agreement,
    split_segments,
    substantive_codings,
)

# ----------------------------------------------------------------------------- read_transcript


def test_read_txt_utf8_with_bom_and_crlf(tmp_path):
    p = tmp_path / "iv.txt"
    p.write_bytes("\ufeffI: Olá, como foi?\r\n\r\nR: Muito bem.\r\n".encode())
    text = read_transcript(p)
    assert text == "I: Olá, como foi?\n\nR: Muito bem.\n"
    assert split_segments(text).text.tolist() == ["I: Olá, como foi?", "R: Muito bem."]


def test_read_md_and_utf16_with_bom(tmp_path):
    md = tmp_path / "iv.md"
    md.write_text("# Interview 1\n\nI: Grüß Gott\n", encoding="utf-8")
    assert read_transcript(md).startswith("# Interview 1")
    u16 = tmp_path / "notepad.txt"
    u16.write_bytes("I: Dobrý deň\r\n\r\nR: Ahoj".encode("utf-16"))
    assert split_segments(read_transcript(u16)).text.tolist() == ["I: Dobrý deň", "R: Ahoj"]


def test_non_utf8_names_file_and_line(tmp_path):
    p = tmp_path / "latin1.txt"
    p.write_bytes("I: first line\n\nR: caf\u00e9 au lait\n".encode("latin-1"))
    with pytest.raises(CocopeError) as e:
        read_transcript(p)
    msg = str(e.value)
    assert str(p) in msg and "line 3" in msg and "UTF-8" in msg


@pytest.mark.parametrize("name, content, words", [
    ("empty.txt", b"  \n\n ", "empty"),
    ("notes.rtf", b"{\\rtf1}", ".rtf"),
    ("noext", b"text", "without an extension"),
])
def test_bad_transcript_files(tmp_path, name, content, words):
    p = tmp_path / name
    p.write_bytes(content)
    with pytest.raises(CocopeError, match=words):
        read_transcript(p)


def test_missing_transcript(tmp_path):
    with pytest.raises(CocopeError, match="not found"):
        read_transcript(tmp_path / "nope.txt")


def test_docx_without_python_docx_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "docx", None)  # import docx -> ImportError
    p = tmp_path / "iv.docx"
    p.write_bytes(b"PK\x03\x04 not really a docx")
    with pytest.raises(CocopeError) as e:
        read_transcript(p)
    assert "python-docx" in str(e.value) and ".txt" in str(e.value) and str(p) in str(e.value)


def test_docx_with_python_docx_reads_paragraphs(tmp_path, monkeypatch):
    # a stand-in for python-docx: Document(path).paragraphs[i].text
    fake = types.ModuleType("docx")
    para = types.SimpleNamespace
    fake.Document = lambda path: types.SimpleNamespace(
        paragraphs=[para(text="I: Hello"), para(text=""), para(text="R: Hi  there")])
    monkeypatch.setitem(sys.modules, "docx", fake)
    p = tmp_path / "iv.docx"
    p.write_bytes(b"PK")
    assert split_segments(read_transcript(p)).text.tolist() == ["I: Hello", "R: Hi there"]


# ----------------------------------------------------------------------------- split_segments


def test_split_segments_numbering_whitespace_and_speakers():
    text = "\n\n  I:  How did   it go?\n\t\nR: We planned\ntogether.\r\n\r\n\r\nI: And then?  "
    seg = split_segments(text)
    assert seg.columns.tolist() == ["segment", "text"]
    assert seg.segment.tolist() == [1, 2, 3]
    assert seg.text.tolist() == ["I: How did it go?", "R: We planned together.", "I: And then?"]
    assert split_segments("").empty and split_segments(" \n \n").empty


def test_split_segments_rejects_non_text():
    with pytest.raises(UsageError):
        split_segments(None)


# text with many kinds of whitespace and line breaks, including blank lines of spaces
_pieces = st.sampled_from(["\n", "\n\n", " \n \n", "\r\n", "\t", "  ", "\u2028", "\x0c", "\u00a0"])
_words = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=0, max_size=12)
_texts = st.lists(st.one_of(_words, _pieces), max_size=30).map("".join)


@settings(max_examples=200, deadline=None)
@given(_texts)
def test_join_and_resplit_is_stable(text):
    seg = split_segments(text)
    assert seg.segment.tolist() == list(range(1, len(seg) + 1))
    assert all(t and t == " ".join(t.split()) for t in seg.text)
    again = split_segments("\n\n".join(seg.text))
    pd.testing.assert_frame_equal(again, seg)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(alphabet="abc :I\u00e9", min_size=1, max_size=8).filter(str.strip),
                min_size=1, max_size=8))
def test_paragraphs_become_segments_in_order(paragraphs):
    seg = split_segments("\n\n".join(paragraphs))
    assert seg.text.tolist() == [" ".join(p.split()) for p in paragraphs]


# ----------------------------------------------------------------------------- interview_record


def test_interview_record_goes_into_the_store(store, minimal_rows):
    store.insert("cop", minimal_rows["cop"])
    row = interview_record(cop_id="be-1", transcript="I: Hi\n\n\nR:  Hello\nthere",
                           respondent_role="parent", conducted_on="2026-05-04", language="nl",
                           interviewer="Researcher 1")
    assert row["interview_id"].startswith("be-1:interview-") and len(row["interview_id"]) == 23
    assert row["transcript"] == "I: Hi\n\nR: Hello there"
    store.insert("interview", row)
    got = store.read("interview")
    assert got.transcript.item() == "I: Hi\n\nR: Hello there"
    assert len(split_segments(got.transcript.item())) == 2


def test_interview_record_reports_every_problem():
    with pytest.raises(ValidationError) as e:
        interview_record(cop_id="be-1", transcript=" \n ", conducted_on="2026-02-30",
                         language="English")
    cols = sorted(p.column for p in e.value.problems)
    assert cols == ["conducted_on", "language", "transcript"]


# ----------------------------------------------------------------------------- codebook CSV


def _codes():
    return pd.DataFrame({
        "code_id": ["cb:collab", "cb:trust", "cb:f"],
        "codebook": ["cb", "cb", "cb"],
        "label": ["collaboration", "trust", "=HYPERLINK(\"http://x\")"],
        "description": ["working together", "'quoted' and, commas\nand a new line", None],
        "parent_id": [None, "cb:collab", "cb:collab"],
    })


def test_codebook_round_trip_and_formula_neutralised(tmp_path):
    p = export_codebook(_codes(), tmp_path / "cb.csv")
    raw = p.read_text(encoding="utf-8")
    assert raw.splitlines()[0] == ",".join(CODEBOOK_COLUMNS)
    assert "'=HYPERLINK" in raw  # a spreadsheet shows it as text
    back = import_codebook(p, "cb")
    expected = schema.validate("code", _codes())
    pd.testing.assert_frame_equal(back, expected)


def test_codebook_round_trip_through_the_store(tmp_path):
    store = ck.open_store(":memory:")
    store.insert("code", _codes())
    p = export_codebook(store.read("code"), tmp_path / "cb.csv")
    other = ck.open_store(":memory:")
    other.insert("code", import_codebook(p, "cb"))
    pd.testing.assert_frame_equal(other.read("code"), store.read("code"))


_cell = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1,
                max_size=15).map(str.strip).filter(bool)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_cell, st.one_of(st.none(), _cell)), min_size=1, max_size=6,
                unique_by=lambda t: t[0].casefold()))
def test_codebook_round_trip_property(tmp_path_factory, rows):
    codes = pd.DataFrame({
        "code_id": [f"cb:{i}" for i in range(len(rows))],
        "codebook": "cb",
        "label": [lab for lab, _ in rows],
        "description": [d for _, d in rows],
        "parent_id": [None] + [f"cb:{i - 1}" for i in range(1, len(rows))],
    })
    p = export_codebook(codes, tmp_path_factory.mktemp("cb") / "cb.csv")
    back = import_codebook(p, "cb")
    pd.testing.assert_frame_equal(back, schema.validate("code", codes))


def test_import_hand_written_semicolon_codebook(tmp_path):
    p = tmp_path / "mine.csv"
    p.write_text("\ufefflabel;description;parent_id\nConditions;what helps;\n"
                 "Time;lack of time;Conditions\n", encoding="utf-8")
    df = import_codebook(p, "school-x")
    assert df.code_id.tolist() == ["school-x:conditions", "school-x:time"]
    assert df.parent_id.tolist()[1] == "school-x:conditions"
    assert (df.codebook == "school-x").all()


def test_import_reports_every_problem_with_line_and_column(tmp_path):
    p = tmp_path / "bad.csv"
    p.write_text(
        "code_id,codebook,label,description,parent_id\n"
        "a,cb,Alpha,,\n"
        "\n"
        "b,other,Beta,,\n"            # line 4: wrong codebook
        "a,cb,Again,,\n"              # line 5: duplicate id
        "c,cb,,\"multi\nline\",\n"    # line 6: missing label (record spans lines 6-7)
        "d,cb,Delta,,zzz\n"           # line 8: unknown parent
        "e,cb,Echo,,e\n",             # line 9: own parent
        encoding="utf-8")
    with pytest.raises(ValidationError) as e:
        import_codebook(p, "cb")
    got = {(q.row, q.column) for q in e.value.problems}
    assert got == {(4, "codebook"), (5, "code_id"), (6, "label"), (8, "parent_id"),
                   (9, "parent_id")}
    assert all(q.source == str(p) for q in e.value.problems)
    assert str(p) in str(e.value)


def test_import_header_problems(tmp_path):
    p = tmp_path / "h.csv"
    p.write_text("code,name\nx,y\n", encoding="utf-8")
    with pytest.raises(ValidationError) as e:
        import_codebook(p, "cb")
    assert {(q.row, q.column) for q in e.value.problems} == {(1, "code"), (1, "name"), (1, "label")}


def test_import_circular_parents_and_known_ids(tmp_path):
    p = tmp_path / "c.csv"
    p.write_text("code_id,label,parent_id\na,A,b\nb,B,a\nc,C,stored\n", encoding="utf-8")
    with pytest.raises(ValidationError) as e:
        import_codebook(p, "cb", known_ids={"stored"})
    assert {(q.row, q.column) for q in e.value.problems} == {(2, "parent_id"), (3, "parent_id")}


def test_import_not_utf8_and_empty(tmp_path):
    p = tmp_path / "l1.csv"
    p.write_bytes("label\nCaf\u00e9\n".encode("cp1252"))
    with pytest.raises(CocopeError, match="line 2"):
        import_codebook(p, "cb")
    e = tmp_path / "e.csv"
    e.write_text("", encoding="utf-8")
    with pytest.raises(ValidationError, match="empty"):
        import_codebook(e, "cb")


def test_export_needs_codebook_columns_and_a_folder(tmp_path):
    with pytest.raises(UsageError, match="parent_id"):
        export_codebook(_codes().drop(columns="parent_id"), tmp_path / "x.csv")
    with pytest.raises(CocopeError, match="does not exist"):
        export_codebook(_codes(), tmp_path / "no" / "x.csv")


# ----------------------------------------------------------------------------- blind-coding status


def _codings(rows):
    return pd.DataFrame(rows, columns=["interview_id", "segment", "code_id", "coder"])


def test_coder_is_done_when_every_segment_has_a_coding():
    c = _codings([("iv", 1, "k:trust", "coder_a"), ("iv", 2, NO_CODE_ID, "coder_a"),
                  ("iv", 3, "k:time", "coder_a"), ("iv", 1, "k:trust", "coder_b"),
                  ("iv", 3, "k:trust", "coder_b"), ("other", 2, "k:x", "coder_b"),
                  ("iv", 2, "k:x", "someone_else")])
    st_ = coding_status(c, "iv", n_segments=3)
    assert st_.done == ("coder_a",) and not st_.complete
    assert st_.open_for("coder_b") == (2,) and st_.is_done("coder_a")
    c2 = pd.concat([c, _codings([("iv", 2, NO_CODE_ID, "coder_b")])])
    assert coding_status(c2, "iv", n_segments=3).complete
    # no codings at all: nobody is done
    none = coding_status(c.iloc[0:0], "iv", n_segments=2)
    assert none.done == () and none.open_for("coder_a") == (1, 2)


def test_coding_status_arguments():
    c = _codings([])
    with pytest.raises(UsageError, match="n_segments"):
        coding_status(c, "iv", n_segments=0)
    with pytest.raises(UsageError, match="coders"):
        coding_status(c, "iv", ("a", "a"), n_segments=2)
    with pytest.raises(UsageError, match="not one of"):
        coding_status(c, "iv", n_segments=2).open_for("coder_c")
    with pytest.raises(UsageError, match="columns?"):
        coding_status(c.drop(columns="coder"), "iv", n_segments=2)


def test_segment_agreement_marks_differences():
    c = _codings([("iv", 1, "t", "coder_a"), ("iv", 1, "t", "coder_b"),
                  ("iv", 2, "t", "coder_a"), ("iv", 2, "w", "coder_b"),
                  ("iv", 3, NO_CODE_ID, "coder_a"), ("iv", 3, NO_CODE_ID, "coder_b")])
    a = segment_agreement(c, "iv", n_segments=3)
    assert a.columns.tolist() == ["segment", "coder", "code_ids", "agree"]
    assert a.drop_duplicates("segment").agree.tolist() == [True, False, True]
    assert a.loc[(a.segment == 2) & (a.coder == "coder_b"), "code_ids"].item() == ("w",)
    assert NO_CODE_ID not in set(substantive_codings(c).code_id)


def test_demo_interviews_follow_the_rule():
    from cocope_kit.demo import write_demo

    store = write_demo(ck.open_store(":memory:"), n_cops=1)
    codings = store.read("coding")
    for iv in store.read("interview").itertuples():
        n = len(split_segments(iv.transcript))
        st_ = coding_status(codings, iv.interview_id, n_segments=n)
        assert st_.is_done("coder_a")  # the demo's first coder codes every segment
