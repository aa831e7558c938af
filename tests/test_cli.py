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
