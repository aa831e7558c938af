"""Cross-feature privacy probes (issue 15, second pass on the merged code).

The fixes of issue 15 were made on separate branches; these probes try what
none of them could see alone: the form server's logs and error pages for
malformed requests, real names written in free text reaching pseudonymised
outputs made by other features (exports, harvest, the group report), and
``forget`` against invitations and the exports added since. The list of
probes and their results is in docs/privacy.md, "How we tested this".
"""

from __future__ import annotations

import http.client
import logging
import re
import sys
import time
from pathlib import Path

import pytest

import cocope_kit as ck
from cocope_kit import invitations as inv
from cocope_kit.formserver import FormPages

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent / "browser"))
from _store import COP, make_store  # noqa: E402
from test_erasure import MID, _add_victim, _found, _in_bytes, _raw_cells  # noqa: E402
from test_formserver import _serving  # noqa: E402


# ----------------------------------------------------------------------------- form server
@pytest.fixture
def served(tmp_path):
    path = tmp_path / "forms.sqlite"
    make_store(path)
    with ck.open_store(path) as s:
        (card,) = inv.create_invitations(s, COP, "cop_climate", "post", anonymous=1)
    port, loop, thread = _serving(path)
    yield port, card.token
    loop.add_callback(loop.stop)
    thread.join(timeout=10)


def _raw(port: int, method: str, target: str, body: bytes | None = None,
         headers: dict | None = None) -> tuple[int, str]:
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        c.request(method, target, body=body, headers=headers or {})
        r = c.getresponse()
        return r.status, r.read().decode("utf-8", "replace")
    finally:
        c.close()


def _wait_for(caplog, text: str) -> None:
    for _ in range(100):  # the server logs after it has answered
        if text in caplog.text:
            return
        time.sleep(0.02)


FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def test_malformed_requests_never_put_a_token_in_the_log(served, caplog):
    port, token = served
    with caplog.at_level(logging.DEBUG):
        # a real token with one byte that is not UTF-8: tornado refuses it with a 400
        assert _raw(port, "GET", f"/?t={token}%ff")[0] == 400
        assert _raw(port, "POST", "/", f"t={token}%ff".encode(), FORM)[0] == 400
        assert _raw(port, "POST", f"/?t={token}%fe", b"--x\r\nbroken",
                    {"Content-Type": "multipart/form-data; boundary=x"})[0] == 400
        _wait_for(caplog, "400 POST")
    assert "400 GET /" in caplog.text and "400 POST /" in caplog.text
    assert token not in caplog.text
    assert token[:12] not in caplog.text


def test_an_unexpected_error_logs_the_traceback_but_not_the_link(served, caplog, monkeypatch):
    port, token = served

    def broken(self, token, accept_language=None):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(FormPages, "get", broken)
    with caplog.at_level(logging.DEBUG):
        status, body = _raw(port, "GET", f"/?t={token}")
        _wait_for(caplog, "500 GET")
    assert status == 500
    # the participant sees the neutral page, nothing of the store or the error
    assert "disk is full" not in body and "Traceback" not in body and COP not in body
    # the facilitator's log has the traceback, without the link
    assert "RuntimeError: the disk is full" in caplog.text
    assert token not in caplog.text and token[:12] not in caplog.text


@pytest.mark.parametrize("method", ["HEAD", "OPTIONS", "PUT", "DELETE", "PATCH"])
def test_other_methods_get_no_page_about_the_store(served, method):
    port, token = served
    status, body = _raw(port, method, f"/?t={token}", b"x" if method in ("PUT", "PATCH") else None)
    assert status == 405
    for bit in (COP, "sqlite", "Traceback", "Pausenhof", "cop_climate", token):
        assert bit not in body


# ----------------------------------------------------------------------------- names in free text
def _pseudonymised_outputs(path: Path, out: Path) -> dict[str, str]:
    """Every output made without --names, as text (files inside archives unpacked)."""
    import zipfile

    import pyreadstat

    from cocope_kit.cli import main

    for fmt in ("csv", "xlsx", "sav", "qdpx", "qdc"):
        assert main(["export", "--store", str(path), "--out", str(out / fmt), "--format", fmt]) == 0
    assert main(["export", "--store", str(path), "--out", str(out / "agg"), "--aggregates"]) == 0
    for f in ("h.md", "h.html"):
        assert main(["harvest", "--store", str(path), "--out", str(out / f)]) == 0
    assert main(["report", "--store", str(path), "--out", str(out / "all.html")]) == 0
    assert main(["report", "--store", str(path), "--out", str(out / "cop.html"),
                 "--cop", "be-gent"]) == 0
    texts = {}
    for f in sorted(out.rglob("*")):
        if not f.is_file():
            continue
        if f.suffix in (".qdpx", ".xlsx"):
            with zipfile.ZipFile(f) as z:
                for n in z.namelist():
                    texts[f"{f.name}:{n}"] = z.read(n).decode("utf-8", "replace")
        elif f.suffix == ".sav":
            df, _ = pyreadstat.read_sav(f)
            texts[f.name] = df.astype(str).to_csv(index=False)
        else:
            texts[str(f.relative_to(out))] = f.read_text(encoding="utf-8")
    return texts


def test_real_names_written_in_free_text_reach_no_pseudonymised_output(tmp_path):
    import json

    from cocope_kit.demo import write_demo
    from cocope_kit.privacy import NAME_MASK, _text_columns, consent_register
    from cocope_kit.schema import TABLE_ORDER, TABLES

    path = tmp_path / "school.sqlite"
    s = write_demo(ck.open_store(path))
    members = s.read("member")
    register = consent_register(members, s.read("consent")).set_index("member_id")
    gent = members[members.cop_id == "be-gent"].set_index("member_id")
    shown = next(m for m in gent.index if register.loc[m, "included"])
    hidden = next(m for m in gent.index if not register.loc[m, "included"])
    name_in, name_out = gent.loc[shown, "name"], gent.loc[hidden, "name"]
    mention = f"asked {name_in.upper()} and {name_out}"
    # the mention in every free-text column of one row of be-gent (or of its children)
    written = []
    for table in TABLE_ORDER:
        cols = _text_columns(table)
        df = s.read(table)
        if "cop_id" in df:
            df = df[df.cop_id == "be-gent"]
        else:
            df = df[df[TABLES[table].key[0]].astype(str).str.startswith("be-gent")]
        if not cols or df.empty or table in ("cop", "member", "code"):
            continue
        row = df.iloc[0]
        change = {k: row[k] for k in TABLES[table].key}
        for c in cols:
            if TABLES[table].column(c).type == "json":
                levels = json.loads(row[c])
                levels["2"] = f"{levels['2']} {mention}"
                change[c] = json.dumps(levels)
            else:
                change[c] = f"{row[c] if isinstance(row[c], str) else ''} {mention}".strip()
            written.append(f"{table}.{c}")
        s.update(table, change)
    s.close()
    assert {"lesson.text", "lesson.tags", "lesson.link", "interview.transcript", "answer.text",
            "action.title", "goal.gas_levels", "reflection.text"} <= set(written)

    texts = _pseudonymised_outputs(path, tmp_path / "out")

    def hits(name):
        return sorted(k for k, v in texts.items() if re.search(re.escape(name), v, re.I))
    assert hits(name_in) == [] and hits(name_out) == []
    for part in (name_in, name_out):  # not even its HTML- or XML-escaped form
        assert hits(part.replace("'", "&#x27;")) == [] and hits(part.replace("'", "&apos;")) == []
    # the consented member's pseudonym stands where the name was, in the CoP's rows
    lesson = texts["csv/lesson.csv"]
    assert f"asked {gent.loc[shown, 'pseudonym']} and {NAME_MASK}" in lesson
    assert f"asked {gent.loc[shown, 'pseudonym']} and {NAME_MASK}" in texts["cop.html"]


# ----------------------------------------------------------------------------- forget, across features
def test_forget_reaches_invitations_submissions_and_every_later_export(tmp_path):
    """Zofia of tests/test_erasure.py, plus two invitation cards and a submitted form:
    after forget no table of the file, no export format (qdpx and qdc included), no
    aggregate table and no report holds her; her cards no longer open."""
    import sqlite3

    from cocope_kit.demo import write_demo

    path = tmp_path / "school.sqlite"
    s = write_demo(ck.open_store(path))
    _add_victim(s)
    cards = inv.create_invitations(s, "be-gent", "cop_climate", "post", members=[MID])
    cards += inv.create_invitations(s, "be-gent", "collaboration_network", "post",
                                    members=[MID])
    assert FormPages(s).get(cards[0].token).kind == "form"
    s.close()
    with_names = _pseudonymised_outputs(path, tmp_path / "before")
    assert [k for k, v in with_names.items() if _found(v)]  # she is in the outputs before

    with ck.open_store(path) as s:
        counts = s.forget(MID)
        assert counts["invitation"] == 2
        assert FormPages(s).get(cards[0].token).kind == "invalid"
        assert FormPages(s).get(cards[1].token).kind == "invalid"
    con = sqlite3.connect(path)
    try:
        assert con.execute("SELECT count(*) FROM invitation WHERE member_id = ?",
                           (MID,)).fetchone() == (0,)
    finally:
        con.close()
    assert [c for c in _raw_cells(path) if _found(c[3])] == []
    assert _in_bytes(path) == {}
    after = _pseudonymised_outputs(path, tmp_path / "after")
    assert {k: _found(v) for k, v in after.items() if _found(v)} == {}


# ----------------------------------------------------------------------------- import-survey text
def test_import_survey_names_the_file_row_and_column_of_a_bad_free_text(tmp_path):
    """A control character in a free-text answer is reported where the user can find it:
    the spreadsheet row and the column header of the file, with the cell as written."""
    import csv

    from cocope_kit.demo import write_demo
    from cocope_kit.survey_import import SurveyImportError, import_survey

    f = tmp_path / "reflections.csv"
    with open(f, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([
            ["id", "rp_domain_1", "rp_domain_2"],
            ["a1", "We care about breaks", "Quiet corners\nand buddies"],  # a line break is fine
            ["a2", "x" * 1_100_000, "fine\x1b[31m"],
            ["a3", "We care\x00about it", "ok"],
        ])
    s = write_demo(ck.open_store(tmp_path / "s.sqlite"))
    before = s.count("answer")
    with pytest.raises(SurveyImportError) as e:
        import_survey(s, f, "reflection_prompts", cop_id="be-gent", wave="post", role="teacher")
    where = sorted((p.row, p.column, p.value) for p in e.value.problems)
    assert where == [(3, "rp_domain_2", "fine\x1b[31m"), (4, "rp_domain_1", "We care\x00about it")]
    assert "row 3, column 'rp_domain_2'" in str(e.value)
    assert s.count("answer") == before
    # without the two bad cells the same file imports, the 1.1 MB answer included
    with open(f, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([["id", "rp_domain_1"], ["a2", "x" * 1_100_000]])
    import_survey(s, f, "reflection_prompts", cop_id="be-gent", wave="post", role="teacher")
    assert s.read("answer").text.str.len().max() == 1_100_000
    s.close()


def test_the_wall_poster_shows_pseudonyms_for_names_typed_into_the_plan(tmp_path):
    """The CoP tree hangs in the staff room: a goal or step that names a member shows the
    pseudonym (read from the PDF's text with poppler's pdftotext)."""
    import shutil
    import subprocess

    from cocope_kit.cli import main
    from cocope_kit.demo import write_demo

    path = tmp_path / "school.sqlite"
    s = write_demo(ck.open_store(path))
    m = s.read("member", where={"cop_id": "be-gent"}).iloc[0]
    goal = s.read("goal", where={"cop_id": "be-gent"}).iloc[0]
    step = s.read("action", where={"cop_id": "be-gent"}).iloc[0]
    s.update("goal", {"goal_id": goal.goal_id, "statement": f"{goal.statement} with {m['name']}"})
    s.update("action", {"action_id": step.action_id, "title": f"{m['name']} maps the hours"})
    s.close()
    pdf = tmp_path / "tree.pdf"
    assert main(["poster", "--store", str(path), "--cop", "be-gent", "--out", str(pdf)]) == 0
    text = " ".join(subprocess.run([shutil.which("pdftotext"), str(pdf), "-"], check=True,
                                   capture_output=True, text=True).stdout.split())
    assert m["name"] not in text and m["name"].split()[-1] not in text
    assert f"{m['pseudonym']} maps the" in text and f"with {m['pseudonym']}" in text


def test_a_pseudonymised_qdpx_comes_back_after_coding(tmp_path):
    """A researcher codes the pseudonymised REFI-QDA project and the codings go back into
    the school's store, although transcripts that named a member were masked on export."""
    from cocope_kit.demo import write_demo

    s = write_demo(ck.open_store(tmp_path / "school.sqlite"))
    m = s.read("member", where={"cop_id": "be-gent"}).iloc[0]
    iv = s.read("interview", where={"cop_id": "be-gent"}).iloc[0]
    paragraphs = iv.transcript.split("\n\n")
    paragraphs[0] = f"{paragraphs[0]} {m['name'].replace(' ', chr(10))} helped."  # over a line
    s.update("interview", {"interview_id": iv.interview_id, "transcript": "\n\n".join(paragraphs)})
    s.export(tmp_path / "q", format="qdpx")
    qdpx = tmp_path / "q" / "interviews.qdpx"
    import zipfile
    with zipfile.ZipFile(qdpx) as z:
        sources = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("sources/"))
    assert m["name"].split()[-1] not in sources and f"{m['pseudonym']} helped." in sources
    codings = s.read("coding")
    mine = codings[codings.interview_id == iv.interview_id]
    assert len(mine) > 0
    for cid in mine.coding_id:
        s.delete("coding", cid, reason="recoded in another program")
    counts = s.import_file(qdpx)
    assert counts["coding"] == len(mine)
    back = s.read("coding")
    assert sorted(back[back.interview_id == iv.interview_id].segment) == sorted(mine.segment)
    s.close()


@pytest.mark.parametrize("coder, shown", [("coder\u0085x", "'coder\\x85x'"),
                                          ("coder\x7fx", "'coder\\x7fx'")])
def test_qdpx_import_applies_the_text_rules_to_coder_names(tmp_path, coder, shown):
    import sqlite3
    import zipfile

    from cocope_kit.demo import write_demo
    from cocope_kit.errors import ValidationError

    path = tmp_path / "school.sqlite"
    s = write_demo(ck.open_store(path))
    s.export(tmp_path / "q", format="qdpx")
    s.close()
    con = sqlite3.connect(path)
    con.execute("DELETE FROM coding")
    con.execute("DELETE FROM code")
    con.commit()
    con.close()
    src, bad = tmp_path / "q" / "interviews.qdpx", tmp_path / "bad.qdpx"
    with zipfile.ZipFile(src) as zi, zipfile.ZipFile(bad, "w") as zo:
        for n in zi.namelist():
            data = zi.read(n)
            if n == "project.qde":
                data = re.sub(r'(<User [^>]*name=")coder_a"', rf'\g<1>{coder}"',
                              data.decode(), count=1).encode()
            zo.writestr(n, data)
    with ck.open_store(path) as s:
        with pytest.raises(ValidationError) as e:
            s.import_file(bad)
        assert s.count("coding") == 0 and s.count("code") == 0
    assert "column 'coder'" in str(e.value) and shown in str(e.value)
    assert "control characters" in str(e.value)


# ----------------------------------------------------------------------------- thin stores
def _cop(cid: str) -> dict:
    return {"cop_id": cid, "name": f"Recreio {cid}", "school": "EB Norte", "country": "PT",
            "language": "pt", "created_on": "2026-01-12"}


def _people(cid: str, roles: list[str], status: str = "given") -> dict:
    member, consent = [], []
    for n, role in enumerate(roles, start=1):
        mid = f"{cid}:{n}"
        member.append({"member_id": mid, "cop_id": cid, "name": f"Pessoa {n}",
                       "pseudonym": f"P {n}", "role": role})
        for kind in ("consent", "assent") if role == "student" else ("consent",):
            consent.append({"member_id": mid, "kind": kind, "status": status,
                            "recorded_on": "2026-01-12"})
    return {"member": member, "consent": consent}


THIN_STORES = {
    "a CoP and nothing else": {"cop": [_cop("a")]},
    "one member": {"cop": [_cop("a")], **_people("a", ["teacher"])},
    "only students": {"cop": [_cop("a")], **_people("a", ["student"] * 3)},
    "everyone withdrew": {"cop": [_cop("a")], **_people("a", ["teacher"] * 3, "withdrawn")},
    "a meeting nobody attended": {"cop": [_cop("a")], "meeting": [
        {"meeting_id": "a:m1", "cop_id": "a", "phase": "domain", "held_on": "2026-02-01"}]},
    "a goal without measurements": {"cop": [_cop("a")], "goal": [
        {"goal_id": "a:g1", "cop_id": "a", "statement": "More play", "agreed_on": "2026-02-01"}]},
}


@pytest.mark.parametrize("case", list(THIN_STORES))
def test_a_store_that_passed_validation_never_makes_an_output_fail(tmp_path, case, capsys):
    """Finding 6's promise for stores that are valid but thin: no survey yet, one member,
    nobody with consent. Every report, export, harvest and poster works (exit 0)."""
    from cocope_kit.cli import main

    path = tmp_path / "s.sqlite"
    with ck.open_store(path) as s:
        s.write(THIN_STORES[case])
    out = tmp_path / "out"
    runs = [["report", "--out", out / "all.html"], ["report", "--out", out / "a.html", "--cop", "a"],
            ["export", "--out", out / "agg", "--aggregates"],
            ["export", "--out", out / "sav", "--format", "sav"],
            ["export", "--out", out / "xlsx", "--format", "xlsx"],
            ["harvest", "--out", out / "h.md"],
            ["poster", "--cop", "a", "--out", out / "tree.pdf"]]
    failed = {}
    for args in runs:
        rc = main([args[0], "--store", str(path), *map(str, args[1:])])
        if rc != 0:
            failed[" ".join(map(str, args[:1] + args[-2:]))] = capsys.readouterr().err[-300:]
    assert failed == {}


def test_aggregate_csvs_use_the_one_csv_writer(tmp_path, monkeypatch):
    """Finding 3's rule for every CSV the kit writes: a lone carriage return inside a text
    cell is quoted (a reader that splits rows at CR keeps the row) and the formula rule holds.
    No aggregate column holds long text today; a future one must not bring the bug back."""
    import csv
    import io

    import pandas as pd

    from cocope_kit import report_cross

    table = pd.DataFrame({"cop_id": ["a", "b"], "note": ["first\r=1+2", "plain"], "n": [5, 6]})
    monkeypatch.setattr(report_cross, "cross_cop_tables", lambda *a, **k: {"notes": table})
    (path, _readme) = report_cross.write_aggregates(object(), tmp_path / "agg")
    raw = path.read_bytes().decode("utf-8")
    inside, lone = False, []
    for i, ch in enumerate(raw):
        if ch == '"':
            inside = not inside
        elif ch == "\r" and not inside and raw[i + 1:i + 2] != "\n":
            lone.append(i)
    assert lone == []
    rows = list(csv.reader(io.StringIO(raw, newline="")))
    assert rows[1] == ["a", "first\r'=1+2", "5"] and len(rows) == 3


# ----------------------------------------------------------------------------- merge
def test_merge_lists_collisions_and_the_new_rows_problems_together(tmp_path):
    """Finding 5's "all problems listed": a store that both collides with the target and
    brings hostile new rows gets one answer naming both, and nothing is merged."""
    import shutil
    import sqlite3

    from cocope_kit.demo import write_demo
    from cocope_kit.errors import MergeConflictError

    target = tmp_path / "target.sqlite"
    write_demo(ck.open_store(target)).close()
    src = tmp_path / "other.sqlite"
    shutil.copy(target, src)
    con = sqlite3.connect(src)
    con.execute("PRAGMA foreign_keys = OFF")
    con.execute("UPDATE cop SET name = 'Another name' WHERE cop_id = 'be-gent'")  # collision
    con.execute("INSERT INTO member (member_id, cop_id, name, pseudonym, role, core) "
                "VALUES ('be-gent:p99', 'be-gent', 'Ana', 'Teacher Z', 'pilot', 1)")
    con.execute("INSERT INTO cop (cop_id, name, school, country, language, cycle, created_on) "
                "VALUES ('../../x', 'N', 'S', 'ZZ', 'en', 1, '2026-01-01')")
    con.commit()
    con.close()
    con = sqlite3.connect(target)
    before = list(con.iterdump())
    con.close()
    with ck.open_store(target) as s, pytest.raises(MergeConflictError) as e:
        s.merge(src)
    text = str(e.value)
    assert "column 'name' is 'Samen in de klas' here but 'Another name' there" in text
    found = {(p.table, p.column, p.value) for p in e.value.problems}
    assert {("member", "role", "pilot"), ("cop", "cop_id", "../../x"),
            ("cop", "country", "ZZ")} <= found
    assert "'pilot' is not allowed" in text and "'../../x' is not allowed" in text
    con = sqlite3.connect(target)
    assert list(con.iterdump()) == before
    con.close()


# ----------------------------------------------------------------------------- masking, properties
_WORDS = ["Ana", "Silva", "Ben", "the", "plan", "José", "Peeters", "buddy", "Sílva", "ANA", "and"]


@pytest.fixture(scope="module")
def people():
    import pandas as pd

    mem = pd.DataFrame({"member_id": ["c:1", "c:2", "d:1"], "cop_id": ["c", "c", "d"],
                        "name": ["Ana Silva", "Ben Peeters", "José Peeters"],
                        "pseudonym": ["Teacher A", "Student B", "Parent A"],
                        "role": ["teacher", "student", "parent"]})
    con = pd.DataFrame({"member_id": ["c:1", "d:1"], "kind": ["consent", "consent"],
                        "status": ["given", "given"]})
    return mem, con


def _property_cases():
    from hypothesis import strategies as st

    word = st.sampled_from(_WORDS)
    gap = st.sampled_from([" ", "  ", "\n", " \n ", ", ", "\n\n"])
    text = st.lists(st.tuples(word, gap), max_size=12).map(
        lambda parts: "".join(w + g for w, g in parts))
    return st.tuples(text, st.sampled_from(["c", "d", None]))


def test_masking_leaves_no_full_name_and_changes_nothing_else(people):
    """Properties of mask_names_in_text on random texts of names and words: no full name is
    left (any case, accents, blanks, one line break), a second pass changes nothing, a text
    without any name is returned as it was, and paragraphs are never joined."""
    import unicodedata

    import pandas as pd
    from hypothesis import given, settings

    from cocope_kit.privacy import mask_names_in_text

    mem, con = people

    def plain(t):
        return " ".join("".join(ch for ch in unicodedata.normalize("NFKD", t)
                                if not unicodedata.combining(ch)).casefold().split())

    def full_names_in(t):
        # a full name within one paragraph, however its words are spaced or cased
        return [n for n in ("ana silva", "ben peeters", "jose peeters")
                if any(n in plain(p) for p in t.split("\n\n"))]

    @settings(max_examples=300, deadline=None, derandomize=True)
    @given(_property_cases())
    def check(case):
        text, cop = case
        df = pd.DataFrame({"lesson_id": ["x"], "cop_id": [cop], "text": [text]})
        once = mask_names_in_text({"lesson": df}, mem, con)["lesson"].text.item()
        twice = mask_names_in_text({"lesson": df.assign(text=[once])}, mem, con)
        assert full_names_in(once) == []
        assert twice["lesson"].text.item() == once
        if not full_names_in(text):
            assert once == text
        assert once.count("\n\n") == text.count("\n\n")
        if cop != "c":  # Teacher A is somebody else outside CoP c
            assert "Teacher A" not in once

    check()


def test_harvest_masks_a_name_written_with_an_accent_the_register_lacks(tmp_path):
    from cocope_kit.demo import write_demo
    from cocope_kit.harvest_doc import harvest_markdown

    s = write_demo(ck.open_store(tmp_path / "s.sqlite"))
    m = s.read("member", where={"cop_id": "be-gent"}).iloc[0]
    first, last = m["name"].split()[0], m["name"].split()[-1]
    accented = f"{first} {last[0]}{'é' if last[1] == 'e' else last[1] + chr(0x301)}{last[2:]}"
    les = s.read("lesson", where={"cop_id": "be-gent"}).iloc[0]
    s.update("lesson", {"lesson_id": les.lesson_id, "title": f"Thanks to {accented}",
                        "tags": f"planning, {m['name'].lower()}"})
    md = harvest_markdown(s)
    s.close()
    assert f"Thanks to {m['pseudonym']}" in md and last not in md and last.lower() not in md


def test_forget_finds_a_name_written_with_decomposed_accents(tmp_path):
    """Text pasted from a Mac often holds "í" as "i" + a combining accent (NFD); forget
    must find the name in that spelling too."""
    import unicodedata

    from cocope_kit.erasure import Mentions

    m = Mentions("c:1", "José Sílva", "Teacher A")
    nfd = unicodedata.normalize("NFD", "José Sílva told Sílva's class; Jose Silva too")
    assert nfd != unicodedata.normalize("NFC", nfd)
    assert m.sub(nfd) == "[removed] told [removed]'s class; [removed] too"
    assert m.sub("nothing here") == "nothing here"
    s = ck.open_store(":memory:")
    s.write({"cop": [_cop("c")],
             "member": [{"member_id": "c:1", "cop_id": "c", "name": "José Sílva",
                         "pseudonym": "Teacher A", "role": "teacher"},
                        {"member_id": "c:2", "cop_id": "c", "name": "Rita Lopes",
                         "pseudonym": "Teacher B", "role": "teacher"}],
             "lesson": [{"lesson_id": "c:l1", "cop_id": "c", "kind": "insight", "title": "T",
                         "text": unicodedata.normalize("NFD", "Ask Sílva first"),
                         "created_on": "2026-05-01"}]})
    s.forget("c:1")
    assert s.read("lesson").text.item() == "Ask [removido] first"
    s.close()
