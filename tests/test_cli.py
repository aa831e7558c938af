"""The ``cocope`` command, tested in-process: exit codes, messages, no tracebacks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import cocope_kit as ck
from cocope_kit.cli import _COMMANDS, build_parser, main

COP = "cop_id,name,school,country,language,created_on\nbe-1,Reading together,GO! Gent,BE,nl,2025-10-01\n"
MEMBERS_BAD = (
    "member_id,cop_id,pseudonym,role\n"
    "be-1:1,be-1,Teacher A,teacher\n"
    "be-1:2,be-1,Student A,pupil\n"  # line 3: unknown role
)


def run(argv, capsys):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db(tmp_path, capsys):
    path = tmp_path / "school.sqlite"
    (tmp_path / "cop.csv").write_text(COP)
    code, _, err = run(["import", tmp_path / "cop.csv", "--store", path], capsys)
    assert code == 0, err
    return path


@pytest.mark.parametrize("command", sorted(_COMMANDS))
def test_every_command_has_help(command, capsys):
    code, out, _ = run([command, "--help"], capsys)
    assert code == 0
    assert out.startswith(f"usage: cocope {command}")
    assert any(opt in out for opt in ("--store", "--out", "--into"))


def test_top_level_help_lists_every_command(capsys):
    code, out, _ = run(["--help"], capsys)
    assert code == 0
    for command in _COMMANDS:
        assert command in out


def test_usage_errors_exit_2_without_traceback(capsys):
    for argv in (["import"], ["frobnicate"], ["export", "--store"], []):
        code, _, err = run(argv, capsys)
        assert code == 2, argv
        assert "Traceback" not in err


def test_bad_import_exits_1_names_row_and_column_and_leaves_store_unchanged(db, tmp_path, capsys):
    bad = tmp_path / "member.csv"
    bad.write_text(MEMBERS_BAD)
    before = ck.open_store(db).read("member")
    code, _, err = run(["import", bad, "--store", db], capsys)
    assert code == 1
    assert "Traceback" not in err
    assert "row 3" in err and "'role'" in err and "'pupil'" in err
    assert str(bad) in err
    after = ck.open_store(db).read("member")
    assert len(before) == len(after) == 0


def test_import_then_info(db, tmp_path, capsys):
    (tmp_path / "member.csv").write_text(MEMBERS_BAD.replace("pupil", "student"))
    code, out, _ = run(["import", tmp_path / "member.csv", "--store", db], capsys)
    assert code == 0 and "imported 2 rows into member" in out
    code, out, _ = run(["info", "--store", db], capsys)
    assert code == 0
    assert "be-1" in out and "1 CoPs" in out and "2 member rows" in out


def test_missing_store_is_bad_input_not_a_crash(tmp_path, capsys):
    code, _, err = run(["info", "--store", tmp_path / "nope.sqlite"], capsys)
    assert code == 1 and "not found" in err and "Traceback" not in err


def test_export_is_pseudonymised_unless_names(db, tmp_path, capsys):
    store = ck.open_store(db)
    store.insert("member", {"member_id": "be-1:1", "cop_id": "be-1", "name": "Lotte Peeters",
                            "pseudonym": "Teacher A", "role": "teacher"})
    store.insert("consent", {"member_id": "be-1:1", "kind": "consent", "status": "given",
                             "recorded_on": "2026-01-12"})
    store.insert("member", {"member_id": "be-1:2", "cop_id": "be-1", "name": "Noor Jacobs",
                            "pseudonym": "Student B", "role": "student"})
    store.insert("consent", {"member_id": "be-1:2", "kind": "consent", "status": "given",
                             "recorded_on": "2026-01-12"})
    store.close()
    code, out, _ = run(["export", "--store", db, "--out", tmp_path / "anon"], capsys)
    assert code == 0
    text = (tmp_path / "anon" / "member.csv").read_text()
    assert "Lotte" not in text and "Teacher A" in text
    # the student has consent from a parent but no assent of their own: left out, and said so
    assert "Student B" not in text and "Noor" not in text
    assert "left out 1 person without consent or assent" in out
    code, _, _ = run(["export", "--store", db, "--out", tmp_path / "named", "--names"], capsys)
    assert "Lotte Peeters" in (tmp_path / "named" / "member.csv").read_text()
    code, _, _ = run(["export", "--store", db, "--out", tmp_path / "x", "--format", "xlsx"], capsys)
    assert code == 0 and (tmp_path / "x" / "cocope_export.xlsx").exists()


def test_merge_and_conflict(tmp_path, capsys):
    a, b, c = (tmp_path / f"{n}.sqlite" for n in "abc")
    (tmp_path / "cop.csv").write_text(COP)
    assert run(["import", tmp_path / "cop.csv", "--store", a], capsys)[0] == 0
    other = tmp_path / "other" / "cop.csv"
    other.parent.mkdir()
    other.write_text(COP.replace("be-1,Reading together", "at-1,Pausen für alle").replace(",BE,nl,", ",AT,de,"))
    assert run(["import", other, "--store", b], capsys)[0] == 0
    code, out, _ = run(["merge", a, b, "--into", c], capsys)
    assert code == 0 and "1 rows added (cop 1)" in out
    assert sorted(ck.open_store(c).read("cop").cop_id) == ["at-1", "be-1"]
    clash = tmp_path / "clash" / "cop.csv"
    clash.parent.mkdir()
    clash.write_text(COP.replace("Reading together", "Something else"))
    d = tmp_path / "d.sqlite"
    assert run(["import", clash, "--store", d], capsys)[0] == 0
    code, _, err = run(["merge", d, "--into", c], capsys)
    assert code == 1 and "be-1" in err and "'name'" in err and "nothing was merged" in err
    assert ck.open_store(c).read("cop").set_index("cop_id").loc["be-1", "name"] == "Reading together"


def test_validate_data_file(tmp_path, capsys):
    good = tmp_path / "cop.csv"
    good.write_text(COP)
    code, out, _ = run(["validate", good], capsys)
    assert code == 0 and "ok: 1 rows of table cop" in out
    bad = tmp_path / "member.csv"
    bad.write_text(MEMBERS_BAD)
    code, _, err = run(["validate", bad], capsys)
    assert code == 1 and "row 3" in err and "pupil" in err


def test_validate_checks_references_against_a_store(db, tmp_path, capsys):
    f = tmp_path / "member.csv"
    f.write_text("member_id,cop_id,pseudonym,role\nx:1,zz-9,Teacher A,teacher\n")
    code, _, err = run(["validate", f, "--store", db], capsys)
    assert code == 1 and "zz-9" in err and "row 2" in err


def test_forget_needs_confirmation_when_not_interactive(db, capsys, monkeypatch):
    store = ck.open_store(db)
    store.insert("member", {"member_id": "be-1:1", "cop_id": "be-1", "pseudonym": "Teacher A",
                            "role": "teacher"})
    store.close()
    monkeypatch.setattr(sys, "stdin", open("/dev/null"))
    code, _, err = run(["forget", "--store", db, "--member", "be-1:1"], capsys)
    assert code == 1 and "--yes" in err
    code, out, _ = run(["forget", "--store", db, "--member", "be-1:1", "--yes"], capsys)
    assert code == 0 and "erased member be-1:1" in out
    assert ck.open_store(db).count("member") == 0
    code, _, err = run(["forget", "--store", db, "--member", "be-1:1", "--yes"], capsys)
    assert code == 1 and "no member" in err


def test_unexpected_errors_are_one_line_not_a_traceback(monkeypatch, tmp_path, capsys):
    def boom(args):
        raise RuntimeError("kaboom")

    monkeypatch.setitem(_COMMANDS, "info", boom)
    code, _, err = run(["info", "--store", tmp_path / "x"], capsys)
    assert code == 1 and "kaboom" in err and "--debug" in err and "Traceback" not in err


def test_console_script_runs_as_a_process(tmp_path):
    exe = Path(sys.executable).with_name("cocope")
    proc = subprocess.run([str(exe), "info", "--store", str(tmp_path / "none.sqlite")],
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert proc.stderr.startswith("error:") and "Traceback" not in proc.stderr


def test_parser_builds_once_per_call():
    assert build_parser() is not build_parser()
    assert isinstance(pd.__version__, str)


# ---------------------------------------------------------------- invite, invitations (issue 14)


@pytest.fixture
def school(tmp_path):
    sys.path.insert(0, str(Path(__file__).parent / "browser"))
    from _store import make_store

    path = tmp_path / "forms.sqlite"
    make_store(path)
    return path


def test_invite_writes_cards_and_links(school, tmp_path, capsys):
    cards, links = tmp_path / "cards.html", tmp_path / "links.csv"
    code, out, err = run(["invite", "--store", school, "--cop", "at-test", "--instrument",
                          "cop_climate", "--wave", "post", "--all-members", "--base-url",
                          "http://10.0.0.5:8866", "--out", cards, "--links", links], capsys)
    assert code == 0, err
    assert "wrote 5 cards" in out and "no card for Teacher G (consent withdrawn)" in err
    table = pd.read_csv(links, keep_default_na=False)
    assert table.columns.tolist() == ["member", "url"]
    assert table["member"].tolist() == ["Teacher A", "Student B", "Parent C", "Teacher D",
                                        "Helper E"]
    assert table["url"].str.fullmatch(r"http://10\.0\.0\.5:8866/\?t=[A-Za-z0-9_-]{22}").all()
    page = cards.read_text(encoding="utf-8")
    assert page.count("<svg") == 5 and page.count('class="card"') == 5
    assert "Für: Teacher A" in page and "Anna Berger" not in page  # pseudonyms, no names
    assert "Klima in unserer" in page  # the form's title in the CoP's language
    for url in table["url"]:
        assert url in page
    # the tokens themselves are nowhere in the store
    with ck.open_store(school) as s:
        dump = "\n".join(s._con.iterdump())
    assert not any(u.split("t=")[1] in dump for u in table["url"])


def test_invite_names_and_anonymous_cards(school, tmp_path, capsys):
    cards = tmp_path / "c.html"
    code, _, err = run(["invite", "--store", school, "--cop", "at-test", "--instrument",
                        "cop_climate", "--wave", "post", "--member", "at-test:m1", "--names",
                        "--base-url", "http://h:1", "--out", cards], capsys)
    assert code == 0, err
    assert "Für: Anna Berger" in cards.read_text(encoding="utf-8")
    links = tmp_path / "a.csv"
    code, _, err = run(["invite", "--store", school, "--cop", "at-test", "--instrument",
                        "working_together", "--wave", "post", "--anonymous", "3", "--language",
                        "pt", "--audience", "student", "--base-url", "http://h:1",
                        "--out", cards, "--links", links], capsys)
    assert code == 0, err
    page = cards.read_text(encoding="utf-8")
    assert pd.read_csv(links, keep_default_na=False)["member"].tolist() == ["", "", ""]
    assert "Cartão 2" in page and "Cartão 3" in page and "Para:" not in page
    assert '<html lang="pt">' in page


@pytest.mark.parametrize(("extra", "message"), [
    (["--member", "at-test:m7"], "consent withdrawn"),
    (["--member", "at-test:m99"], "not members of CoP"),
    (["--anonymous", "2", "--base-url", "ftp://x"], "base URL"),
])
def test_invite_refuses_with_exit_1(school, tmp_path, capsys, extra, message):
    code, _, err = run(["invite", "--store", school, "--cop", "at-test", "--instrument",
                        "cop_climate", "--wave", "post", *extra, "--out", tmp_path / "c.html"],
                       capsys)
    assert code == 1 and message in err and "Traceback" not in err
    assert not (tmp_path / "c.html").exists()
    with ck.open_store(school) as s:
        assert s._con.execute("SELECT count(*) FROM invitation").fetchone()[0] == 0


def test_invitations_lists_revokes_and_reissues(school, tmp_path, capsys):
    for who in (["--member", "at-test:m1"], ["--anonymous", "2"]):
        code, _, err = run(["invite", "--store", school, "--cop", "at-test", "--instrument",
                            "cop_climate", "--wave", "post", *who, "--base-url", "http://h:1",
                            "--out", tmp_path / "c.html"], capsys)
        assert code == 0, err
    code, out, _ = run(["invitations", "--store", school, "--cop", "at-test"], capsys)
    assert code == 0
    assert "Teacher A" in out and "anonymous card 3" in out and "Anna" not in out
    with ck.open_store(school) as s:
        ids = s._con.execute("SELECT invitation_id FROM invitation ORDER BY card_no").fetchall()
    first, second = ids[0][0], ids[1][0]
    code, out, _ = run(["invitations", "--store", school, "--cop", "at-test", "--revoke", first],
                       capsys)
    assert code == 0 and f"revoked {first}" in out
    code, out, err = run(["invitations", "--store", school, "--cop", "at-test", "--reissue",
                          second], capsys)
    assert code == 1 and "--out" in err
    code, out, err = run(["invitations", "--store", school, "--cop", "at-test", "--reissue",
                          second, "--out", tmp_path / "new.html", "--base-url", "http://h:1"],
                         capsys)
    assert code == 0, err
    assert "wrote 1 cards" in out and "anonymous card 4" in out
    assert "Karte 4" in (tmp_path / "new.html").read_text(encoding="utf-8")
    def line(card):
        return next(ln for ln in out.splitlines() if ln.strip().startswith(card))

    assert "revoked" in line("Teacher A") and "revoked" in line("anonymous card 2")
    assert "waiting" in line("anonymous card 4")
    code, _, err = run(["invitations", "--store", school, "--cop", "at-test", "--revoke", "nope"],
                       capsys)
    assert code == 1 and "no invitation 'nope'" in err


def test_forms_refuses_a_missing_store(tmp_path, capsys):
    code, _, err = run(["forms", "--store", tmp_path / "none.sqlite"], capsys)
    assert code == 1 and "not found" in err
    assert not (tmp_path / "none.sqlite").exists()
