"""REFI-QDA exchange: the .qdc codebook and .qdpx project, validated against the published
schemas, imported back from the kit and from another tool.

The schemas (``tests/data/refi-qda``, MIT, see its README) are the REFI-QDA Project
Exchange schema ``Project.xsd`` (QDA-XML 1.0, 18 March 2019) and the Codebook Exchange
schema ``Codebook.xsd``, both as kept by QualCoder; they are checked with lxml's
XMLSchema (libxml2). The "other tool" project is written here the way QualCoder 3 writes
one: upper-case GUIDs, the coder on the selection only, a UTF-8 BOM in the source file,
selections inside and across paragraphs.
"""

from __future__ import annotations

import re
import uuid
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

import cocope_kit as ck
from cocope_kit.cli import main
from cocope_kit.demo import write_demo
from cocope_kit.errors import CocopeError, ValidationError
from cocope_kit.refiqda import (
    QDE_NAMESPACE,
    import_qda,
    read_qdc,
    read_qdpx,
    segment_spans,
    write_qdc,
    write_qdpx,
)

DATA = Path(__file__).parent / "data" / "refi-qda"
Q = f"{{{QDE_NAMESPACE}}}"


@pytest.fixture(scope="module")
def project_schema():
    return etree.XMLSchema(etree.parse(str(DATA / "Project.xsd")))


@pytest.fixture(scope="module")
def codebook_schema():
    return etree.XMLSchema(etree.parse(str(DATA / "Codebook.xsd")))


@pytest.fixture(scope="module")
def demo():
    return write_demo(ck.open_store(":memory:"))


def _fresh_with_interviews(demo) -> ck.Store:
    s = ck.open_store(":memory:")
    s.write({"cop": demo.read("cop"), "interview": demo.read("interview")})
    return s


def _codings(store) -> pd.DataFrame:
    c = store.read("coding")
    return c.sort_values("coding_id").reset_index(drop=True).astype(str)


# ----------------------------------------------------------------------------- schemas
def test_the_codebook_schema_is_qualcoders_copy_with_the_documented_repair():
    original = (DATA / "Codebook.qualcoder-original.txt").read_text(encoding="utf-8")
    with pytest.raises(etree.XMLSyntaxError):
        etree.fromstring(original.encode())
    fixed = original.replace("\u2010", "-")
    fixed = re.sub(r"<xsd:(element|complexType|simpleType|attribute|restriction|pattern)"
                   r"(name|base|value)=", r"<xsd:\1 \2=", fixed)
    fixed = re.sub(r'"(?=[A-Za-z]+=")', '" ', fixed)
    assert fixed == (DATA / "Codebook.xsd").read_text(encoding="utf-8")
    assert "MIT" in (DATA / "LICENSE").read_text() and "MIT" in (DATA / "LICENSE-QualCoder").read_text()


def test_qdc_is_valid_against_the_codebook_schema(demo, codebook_schema, tmp_path):
    doc = etree.parse(str(write_qdc(demo, tmp_path / "c.qdc")))
    assert codebook_schema.validate(doc), codebook_schema.error_log
    # the schema can fail: a Code without isCodable is refused
    bad = etree.fromstring(etree.tostring(doc))
    del bad.find(".//{urn:QDA-XML:codebook:1.0}Code").attrib["isCodable"]
    assert not codebook_schema.validate(bad)


def test_qdpx_is_valid_against_the_project_schema(demo, project_schema, tmp_path):
    path = write_qdpx(demo, tmp_path / "p.qdpx")
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        doc = etree.fromstring(z.read("project.qde"))
        texts = {n: z.read(n).decode("utf-8") for n in names if n.startswith("sources/")}
    assert project_schema.validate(doc), project_schema.error_log
    interviews = demo.read("interview")
    codings = demo.read("coding")
    sources = doc.findall(f"{Q}Sources/{Q}TextSource")
    assert [s.get("name") for s in sources] == sorted(interviews.interview_id)
    assert len(texts) == len(interviews) and names[0] == "project.qde"
    users = {u.get("guid"): u.get("name") for u in doc.findall(f"{Q}Users/{Q}User")}
    assert sorted(users.values()) == sorted(set(codings.coder))
    by_id = interviews.set_index("interview_id")
    n = 0
    for src in sources:
        text = texts["sources/" + src.get("plainTextPath").removeprefix("internal://")]
        assert text == by_id.loc[src.get("name"), "transcript"]
        for sel in src.findall(f"{Q}PlainTextSelection"):
            seg = int(sel.get("name").removeprefix("segment "))
            a, b = int(sel.get("startPosition")), int(sel.get("endPosition"))
            assert text[a:b] == text.split("\n\n")[seg - 1]  # the whole paragraph
            coder = users[sel.get("creatingUser")]
            want = codings[(codings.interview_id == src.get("name")) & (codings.segment == seg)
                           & (codings.coder == coder)]
            got = sel.findall(f"{Q}Coding")
            assert len(got) == len(want) > 0
            assert all(users[c.get("creatingUser")] == coder for c in got)
            n += len(got)
    assert n == len(codings)
    # the schema can fail: a selection without endPosition is refused
    doc.find(f".//{Q}PlainTextSelection").attrib.pop("endPosition")
    assert not project_schema.validate(doc)


def test_empty_codebook_is_an_error_not_an_invalid_file(tmp_path, capsys):
    s = ck.open_store(tmp_path / "e.sqlite")
    for fn, name in ((write_qdc, "c.qdc"), (write_qdpx, "p.qdpx")):
        with pytest.raises(CocopeError, match="nothing to export: the store has no interview codes"):
            fn(s, tmp_path / name)
        assert not (tmp_path / name).exists()
    s.close()
    for fmt in ("qdc", "qdpx"):
        code = main(["export", "--store", str(tmp_path / "e.sqlite"), "--out",
                     str(tmp_path / fmt), "--format", fmt])
        assert code == 1
        assert "nothing to export: the store has no interview codes" in capsys.readouterr().err


# ----------------------------------------------------------------------------- round trips
def test_qdpx_round_trip_gives_identical_codings(demo, tmp_path):
    path = write_qdpx(demo, tmp_path / "p.qdpx")
    fresh = _fresh_with_interviews(demo)
    counts = fresh.import_file(path)
    assert counts == {"code": len(demo.read("code")), "coding": len(demo.read("coding"))}
    pd.testing.assert_frame_equal(_codings(fresh), _codings(demo))
    codes = ["code_id", "codebook", "label", "description", "parent_id"]
    pd.testing.assert_frame_equal(
        fresh.read("code")[codes].sort_values("code_id").reset_index(drop=True).astype(str),
        demo.read("code")[codes].sort_values("code_id").reset_index(drop=True).astype(str))
    # importing again adds nothing; the audit records the import
    assert fresh.import_file(path) == {"code": 0, "coding": 0}
    assert (fresh.read("audit").action == "import").sum() == 2


def test_cli_export_and_import_qdpx(demo, tmp_path, capsys):
    db = tmp_path / "d.sqlite"
    write_demo(ck.open_store(db)).close()
    assert main(["export", "--store", str(db), "--out", str(tmp_path / "o"),
                 "--format", "qdpx"]) == 0
    f = tmp_path / "o" / "interviews.qdpx"
    fresh_db = tmp_path / "f.sqlite"
    with ck.open_store(fresh_db) as s:
        s.write({"cop": demo.read("cop"), "interview": demo.read("interview")})
    capsys.readouterr()
    assert main(["import", str(f), "--store", str(fresh_db)]) == 0
    out = capsys.readouterr().out
    assert f"imported {len(demo.read('coding'))} rows into coding" in out
    with ck.open_store(fresh_db) as s:
        pd.testing.assert_frame_equal(_codings(s), _codings(demo))


def _other_tool_project(path: Path, interviews: pd.DataFrame, *, doctype: str = "",
                        extra_coding: str = "", user_guid: str | None = None) -> Path:
    """A project as QualCoder writes one: its own GUIDs, coders on the selections."""
    iv = interviews.sort_values("interview_id").iloc[0]
    text = iv["transcript"]
    spans = segment_spans(text)
    g = {k: str(uuid.uuid4()).upper() for k in ("user1", "user2", "c1", "c2", "src", "s1", "s2",
                                               "s3", "k1", "k2", "k3")}
    u2 = user_guid or g["user2"]
    # a selection inside paragraph 1, one across paragraphs 2 and 3, one inside paragraph 2
    a1, b1 = spans[0][0] + 3, spans[0][1] - 2
    a2, b2 = spans[1][1] - 5, spans[2][0] + 4
    a3, b3 = spans[1][0], spans[1][0] + 10
    qde = f"""<?xml version="1.0" encoding="utf-8"?>{doctype}
<Project xmlns="urn:QDA-XML:project:1.0" name="Interviews" origin="QualCoder 3.5"
  creatingUserGUID="{g['user1']}" creationDateTime="2026-11-30T10:00:00Z">
 <Users><User guid="{g['user1']}" name="Maria"/><User guid="{g['user2']}" name="Jonas"/></Users>
 <CodeBook><Codes>
  <Code guid="{g['c1']}" name="Barriers" isCodable="true" color="#F08080">
   <Description>What stops us</Description>
   <Code guid="{g['c2']}" name="Time" isCodable="true"/>
  </Code>
 </Codes></CodeBook>
 <Sources>
  <TextSource guid="{g['src']}" name="Interview with a parent.txt"
    plainTextPath="internal://{g['src']}.txt" creatingUser="{g['user1']}">
   <PlainTextSelection guid="{g['s1']}" name="" startPosition="{a1}" endPosition="{b1}"
     creatingUser="{g['user1']}" creationDateTime="2026-11-30T10:05:00Z">
    <Description/>
    <Coding guid="{g['k1']}" creatingUser="{g['user1']}"><CodeRef targetGUID="{g['c1']}"/></Coding>
   </PlainTextSelection>
   <PlainTextSelection guid="{g['s2']}" startPosition="{a2}" endPosition="{b2}"
     creatingUser="{u2}">
    <Coding guid="{g['k2']}"><CodeRef targetGUID="{g['c2']}"/></Coding>{extra_coding}
   </PlainTextSelection>
   <PlainTextSelection guid="{g['s3']}" startPosition="{a3}" endPosition="{b3}"
     creatingUser="{g['user2']}">
    <Coding guid="{g['k3']}"><CodeRef targetGUID="{g['c2']}"/></Coding>
   </PlainTextSelection>
  </TextSource>
 </Sources>
</Project>"""
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("project.qde", qde.encode("utf-8"))
        z.writestr(f"sources/{g['src']}.txt", text.encode("utf-8-sig"))
    return path


def test_import_a_project_made_by_another_tool(demo, project_schema, tmp_path):
    fresh = _fresh_with_interviews(demo)
    iv = fresh.read("interview").sort_values("interview_id").iloc[0]
    f = _other_tool_project(tmp_path / "qualcoder.qdpx", fresh.read("interview"))
    with zipfile.ZipFile(f) as z:
        assert project_schema.validate(etree.fromstring(z.read("project.qde")))
    counts = fresh.import_file(f)
    assert counts == {"code": 2, "coding": 3}
    codes = fresh.read("code")
    cid = dict(zip(codes.label, codes.code_id, strict=True))
    barriers = codes.set_index("label").loc["Barriers"]
    assert (barriers.codebook, barriers.description) == ("imported", "What stops us")
    assert cid["Barriers"] == "imported:" + barriers.code_id.split(":", 1)[1]
    assert codes.set_index("label").loc["Time", "parent_id"] == cid["Barriers"]
    got = fresh.read("coding")
    got = sorted(zip(got.interview_id, got.segment.astype(int), got.code_id, got.coder,
                     strict=True))
    # Maria inside paragraph 1; Jonas across paragraphs 2 and 3, and again inside paragraph 2
    # with the same code (one coding per segment, code and coder)
    assert got == [(iv.interview_id, 1, cid["Barriers"], "Maria"),
                   (iv.interview_id, 2, cid["Time"], "Jonas"),
                   (iv.interview_id, 3, cid["Time"], "Jonas")]


def test_import_errors_are_located_and_store_nothing(demo, tmp_path):
    fresh = _fresh_with_interviews(demo)
    before = {t: len(fresh.read(t)) for t in ("code", "coding", "audit")}
    bad_user = _other_tool_project(tmp_path / "u.qdpx", fresh.read("interview"),
                                   user_guid=str(uuid.uuid4()),
                                   extra_coding=f'<Coding guid="{uuid.uuid4()}" creatingUser='
                                                f'"{uuid.uuid4()}"><CodeRef targetGUID='
                                                f'"{uuid.uuid4()}"/></Coding>')
    with pytest.raises(ValidationError) as e:
        fresh.import_file(bad_user)
    msg = str(e.value)
    assert "u.qdpx" in msg
    assert "Sources/TextSource[1] (Interview with a parent.txt)/PlainTextSelection[2]/Coding[1]" \
        in msg and "names no User" in msg
    assert "PlainTextSelection[2]/Coding[2]" in msg and "refers to no Code of the CodeBook" in msg
    # a source that matches no interview
    other = ck.open_store(":memory:")
    other.write({"cop": demo.read("cop"),
                 "interview": demo.read("interview").assign(transcript="Q: Other?\n\nA: Yes.")})
    with pytest.raises(ValidationError, match=r"matches no interview of the store"):
        import_qda(other, _other_tool_project(tmp_path / "n.qdpx", demo.read("interview")))
    assert {t: len(fresh.read(t)) for t in ("code", "coding", "audit")} == before


def test_unsafe_or_broken_files_are_refused(demo, tmp_path):
    fresh = _fresh_with_interviews(demo)
    laughs = ('<!DOCTYPE Project [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
              '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>')
    f = _other_tool_project(tmp_path / "l.qdpx", fresh.read("interview"), doctype=laughs)
    with pytest.raises(ValidationError, match="document type declaration"):
        fresh.import_file(f)
    ext = tmp_path / "x.qdc"
    guid = uuid.uuid4()
    ext.write_text('<?xml version="1.0"?><!DOCTYPE CodeBook [<!ENTITY e SYSTEM '
                   '"file:///etc/passwd">]><CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
                   f'<Code guid="{guid}" name="&e;" isCodable="true"/></Codes></CodeBook>',
                   encoding="utf-8")
    with pytest.raises(ValidationError, match="document type declaration"):
        read_qdc(ext)
    junk = tmp_path / "j.qdpx"
    junk.write_bytes(b"not a zip")
    with pytest.raises(ValidationError, match="not a readable .qdpx"):
        fresh.import_file(junk)
    nozip = tmp_path / "e.qdpx"
    with zipfile.ZipFile(nozip, "w") as z:
        z.writestr("other.xml", "<x/>")
    with pytest.raises(ValidationError, match="must hold project.qde"):
        read_qdpx(nozip, fresh.read("interview"))
    assert len(fresh.read("coding")) == 0


def test_import_qdc_from_another_tool(tmp_path):
    s = ck.open_store(":memory:")
    f = tmp_path / "other.qdc"
    g1 = str(uuid.uuid4())
    f.write_text(f'<?xml version="1.0" encoding="utf-8"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0"'
                 f' origin="MAXQDA"><Codes><Code guid="{g1}" name="Barriers" isCodable="true">'
                 '<Description>What stops us</Description></Code></Codes></CodeBook>',
                 encoding="utf-8")
    assert s.import_file(f) == {"code": 1}
    assert s.read("code").code_id.tolist() == [f"imported:{g1}"]
    with pytest.raises(CocopeError, match="REFI-QDA file"):
        s.import_file(f, table="code")


def test_conflicting_code_is_refused(demo, tmp_path):
    path = write_qdpx(demo, tmp_path / "p.qdpx")
    fresh = _fresh_with_interviews(demo)
    code = demo.read("code").iloc[[0]].assign(label="renamed")
    code["parent_id"] = None
    fresh.write({"code": code})
    with pytest.raises(ValidationError, match=r"code row \d+, column 'label'.*is in the store"):
        fresh.import_file(path)
    assert len(fresh.read("coding")) == 0


def test_segment_spans_match_split_segments():
    from cocope_kit.interviews import split_segments

    text = "I: Hi  there\r\n\r\n   R: Hello,\nhow are you?\n \n\n\u2028Q: Next\u2029\nA: ok\n"
    spans = segment_spans(text)
    assert [s for _, _, s in spans] == split_segments(text).text.tolist()
    assert [text[a:b] for a, b, _ in spans][:2] == ["I: Hi  there", "R: Hello,\nhow are you?"]


# ----------------------------------------------------------------------------- property
_WORD = st.text(st.characters(codec="utf-8", categories=("L", "N", "P")), min_size=1,
                max_size=8)
_PARAGRAPH = st.lists(_WORD, min_size=1, max_size=6).map(" ".join)
_CODERS = ("coder_a", "Zoë", "Ana Sílva")


@st.composite
def _coded_store(draw):
    n_iv = draw(st.integers(1, 3))
    interviews = []
    for i in range(n_iv):
        paras = draw(st.lists(_PARAGRAPH, min_size=1, max_size=5))
        interviews.append({"interview_id": f"c1:iv{i}", "cop_id": "c1",
                           "transcript": "\n\n".join(paras), "n": len(paras)})
    n_codes = draw(st.integers(1, 4))
    codes = [{"code_id": f"k:{j}", "codebook": "k", "label": draw(_PARAGRAPH),
              "description": draw(st.none() | _PARAGRAPH),
              "parent_id": "k:0" if j and draw(st.booleans()) else None}
             for j in range(n_codes)]
    keys = set()
    for iv in interviews:
        for seg in range(1, iv["n"] + 1):
            for coder in _CODERS:
                for j in range(n_codes):
                    if draw(st.integers(0, 3)) == 0:
                        keys.add((iv["interview_id"], seg, f"k:{j}", coder))
    codings = [{"coding_id": f"c1:cd{n}", "interview_id": a, "segment": b, "code_id": c,
                "coder": d} for n, (a, b, c, d) in enumerate(sorted(keys))]
    return interviews, codes, codings


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=_coded_store())
def test_property_qdpx_round_trip_and_schema(data, tmp_path_factory, project_schema):
    interviews, codes, codings = data
    cop = {"cop_id": "c1", "name": "n", "school": "s", "country": "BE", "language": "nl",
           "created_on": "2026-01-12"}
    ivs = [{k: v for k, v in iv.items() if k != "n"} for iv in interviews]
    src = ck.open_store(":memory:")
    src.write({"cop": [cop], "interview": ivs, "code": codes, "coding": codings or []})
    path = write_qdpx(src, tmp_path_factory.mktemp("p") / "p.qdpx", consented_only=False)
    with zipfile.ZipFile(path) as z:
        assert project_schema.validate(etree.fromstring(z.read("project.qde")))
    dst = ck.open_store(":memory:")
    dst.write({"cop": [cop], "interview": ivs})
    dst.import_file(path)
    pd.testing.assert_frame_equal(_codings(dst), _codings(src))
    assert sorted(dst.read("code").label) == sorted(src.read("code").label)
