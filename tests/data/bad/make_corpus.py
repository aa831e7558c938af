"""Write the bad-input corpus (tests/data/bad) and the good variants (tests/data/good).

Run from the repository root:  .venv/bin/python tests/data/bad/make_corpus.py

Every bad case is one file in its own folder, named after the table it is for
(``import_file`` picks the table from the file name). ``EXPECTED.csv`` lists,
per file, the table the problem names (``file`` for problems with the file as a
whole), the row the error must name (the row as a spreadsheet shows it: the CSV
line, or the sheet row for .xlsx) and the column (blank when the problem is not
tied to a column). The
files are meant to be imported into a store holding ``conftest._minimal_rows()``
(CoP ``be-1``, members ``be-1:m1`` and ``be-1:m2``, meeting ``be-1:mt1``, ...).
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
GOOD = HERE.parent / "good"

MEMBER_HEAD = "member_id,cop_id,name,pseudonym,role,core,joined_on"
MEETING_HEAD = "meeting_id,cop_id,phase,held_on,note"

# (case folder, file name, content as text or bytes, table, row, column)
CSV_CASES: list[tuple[str, str, str | bytes, str, int | None, str]] = [
    ("wrong_header", "member.csv",
     "member_id,cop_id,nickname,pseudonym,role\nbe-1:m9,be-1,Zed,P9,teacher\n",
     "member", 1, "nickname"),
    ("missing_required_column", "member.csv",
     "member_id,cop_id,name,role\nbe-1:m9,be-1,Zed,teacher\n",
     "member", 1, "pseudonym"),
    ("unknown_enum", "member.csv",
     f"{MEMBER_HEAD}\nbe-1:m8,be-1,Yve,P8,teacher,true,2026-01-12\n"
     "be-1:m9,be-1,Zed,P9,pilot,true,2026-01-12\n",
     "member", 3, "role"),
    ("impossible_date", "meeting.csv",
     f"{MEETING_HEAD}\nbe-1:mt8,be-1,community,2026-02-30,\n",
     "meeting", 2, "held_on"),
    ("date_wrong_format", "meeting.csv",
     f"{MEETING_HEAD}\nbe-1:mt8,be-1,community,2026-03-12,\nbe-1:mt9,be-1,practice,12/03/2026,\n",
     "meeting", 3, "held_on"),
    ("level_out_of_range", "pair_rating.csv",
     "rating_id,cop_id,wave,rater_id,ratee_id,level\nbe-1:pr9,be-1,post,be-1:m2,be-1:m1,4\n",
     "pair_rating", 2, "level"),
    ("negative_contributions", "attendance.csv",
     "meeting_id,member_id,present,contributions\nbe-1:mt1,be-1:m2,true,-3\n",
     "attendance", 2, "contributions"),
    ("non_integer_votes", "idea.csv",
     "idea_id,cop_id,meeting_id,member_id,kind,text,votes\n"
     "be-1:i8,be-1,be-1:mt1,,approach,Buddy bench,2\n"
     "be-1:i9,be-1,be-1:mt1,be-1:m2,approach,Games box,2.5\n",
     "idea", 3, "votes"),
    ("duplicate_id_in_file", "meeting.csv",
     f"{MEETING_HEAD}\nbe-1:mt8,be-1,community,2026-03-02,\nbe-1:mt8,be-1,practice,2026-04-02,\n",
     "meeting", 3, "meeting_id"),
    ("id_already_in_store", "meeting.csv",
     f"{MEETING_HEAD}\nbe-1:mt8,be-1,community,2026-03-02,\nbe-1:mt1,be-1,practice,2026-04-02,\n",
     "meeting", 3, "meeting_id"),
    ("dangling_reference", "member.csv",
     f"{MEMBER_HEAD}\nbe-1:m9,xx-9,Zed,P9,teacher,true,2026-01-12\n",
     "member", 2, "cop_id"),
    ("empty_file", "member.csv", b"", "file", 1, ""),
    ("header_only", "member.csv", f"{MEMBER_HEAD}\n", "member", 2, ""),
    ("not_utf8", "member.csv",
     f"{MEMBER_HEAD}\n".encode() + "be-1:m9,be-1,Zoé,P9,teacher,true,2026-01-12\n".encode("latin-1"),
     "file", 2, "field 3"),
    ("bom_bad_value", "meeting.csv",
     "\ufeff" + f"{MEETING_HEAD}\nbe-1:mt8,be-1,brainstorm,2026-03-02,\n",
     "meeting", 2, "phase"),
    ("semicolon_bad_value", "meeting.csv",
     "meeting_id;cop_id;phase;held_on;note\nbe-1:mt8;be-1;community;2026-03-02;a, b and c\n"
     "be-1:mt9;be-1;practice;2026-13-01;\n",
     "meeting", 3, "held_on"),
    ("more_fields_than_header", "meeting.csv",
     f"{MEETING_HEAD}\nbe-1:mt8,be-1,community,2026-03-02,ok\n"
     "be-1:mt9,be-1,practice,2026-04-02,tea, cake\n",
     "file", 3, "column 6"),
    ("unknown_country", "cop.csv",
     "cop_id,name,school,country,language,created_on\nuk-1,Play,Elm School,UK,en,2026-01-10\n",
     "cop", 2, "country"),
    ("bad_language", "cop.csv",
     "cop_id,name,school,country,language,created_on\nie-1,Play,Elm School,IE,english,2026-01-10\n",
     "cop", 2, "language"),
    ("due_before_start", "action.csv",
     "action_id,cop_id,goal_id,title,start_on,due_on,status\n"
     "be-1:a9,be-1,be-1:g1,Paint lines,2026-04-10,2026-04-01,planned\n",
     "action", 2, "due_on"),
    ("self_rating", "pair_rating.csv",
     "rating_id,cop_id,wave,rater_id,ratee_id,level\nbe-1:pr9,be-1,post,be-1:m2,be-1:m2,3\n",
     "pair_rating", 2, "ratee_id"),
    ("bool_maybe", "attendance.csv",
     "meeting_id,member_id,present,contributions\nbe-1:mt1,be-1:m2,maybe,1\n",
     "attendance", 2, "present"),
    ("self_dependency", "action_dependency.csv",
     "action_id,depends_on_id\nbe-1:a1,be-1:a1\n",
     "action_dependency", 2, "depends_on_id"),
    ("open_end_date", "action.csv",
     "action_id,cop_id,title,start_on,due_on\nbe-1:a9,be-1,Keep it going,2026-04-10,9999-12-31\n",
     "action", 2, "due_on"),
    ("blank_line_then_bad", "meeting.csv",
     f"{MEETING_HEAD}\nbe-1:mt8,be-1,community,2026-03-02,\n\n\nbe-1:mt9,be-1,,2026-04-02,\n",
     "meeting", 5, "phase"),
    ("quoted_newline_then_bad", "meeting.csv",
     f'{MEETING_HEAD}\nbe-1:mt8,be-1,community,2026-03-02,"two\nlines"\n'
     "be-1:mt9,be-1,practise,2026-04-02,\n",
     "meeting", 3, "phase"),  # row as a spreadsheet shows it: the two-line cell is one row
]


def _workbook(sheets: dict[str, list[list]]) -> openpyxl.Workbook:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    fixed = dt.datetime(2026, 1, 1)
    wb.properties.created = fixed
    wb.properties.modified = fixed
    wb.properties.creator = "cocope_kit tests"
    return wb


MEETING_COLS = ["meeting_id", "cop_id", "phase", "held_on", "note"]

XLSX_CASES: list[tuple[str, str, dict[str, list[list]], str, int | None, str]] = [
    ("xlsx_title_rows", "meetings.xlsx", {
        "meeting": [
            ["Meetings of CoP be-1"],
            ["exported by the facilitator, spring 2026"],
            MEETING_COLS,
            ["be-1:mt8", "be-1", "community", "2026-03-02", None],
            ["be-1:mt9", "be-1", "practice", "2026-02-30", None],
        ]}, "meeting", 5, "held_on"),
    ("xlsx_no_table_sheet", "meetings.xlsx", {
        "Sheet1": [MEETING_COLS, ["be-1:mt8", "be-1", "community", "2026-03-02", None]],
    }, "file", None, ""),
    ("xlsx_two_sheets", "plan.xlsx", {
        "action": [
            ["action_id", "cop_id", "goal_id", "title", "start_on", "due_on", "status"],
            ["be-1:a8", "be-1", "be-1:g1", "Paint lines", dt.date(2026, 4, 1), dt.date(2026, 4, 9),
             "planned"],
        ],
        "action_owner": [
            ["Owners"],
            ["action_id", "member_id", "lead"],
            ["be-1:a8", "be-1:m1", True],
            ["be-1:a8", "be-1:m2", "perhaps"],
        ],
    }, "action_owner", 4, "lead"),
]

GOOD_FILES: dict[str, str | bytes] = {
    "bom/meeting.csv": "\ufeff" + f"{MEETING_HEAD}\nbe-1:mt8,be-1,community,2026-03-02,with BOM\n",
    "semicolon/meeting.csv":
        "meeting_id;cop_id;phase;held_on;note\nbe-1:mt8;be-1;community;2026-03-02;tea, cake\n"
        "be-1:mt9;be-1;practice;2026-04-02;\n",
    "title_rows/meeting.csv":
        "Meetings of CoP be-1,,,,\nspring 2026,,,,\n" + f"{MEETING_HEAD}\n"
        "be-1:mt8,be-1,community,2026-03-02,\n",
}
GOOD_XLSX: dict[str, dict[str, list[list]]] = {
    "title_rows/meetings.xlsx": {"meeting": [
        ["Meetings of CoP be-1"], [None], MEETING_COLS,
        ["be-1:mt8", "be-1", "community", dt.datetime(2026, 3, 2), "spreadsheet date"],
        ["be-1:mt9", "be-1", "practice", "2026-04-02", None],
    ]},
}


def main() -> None:
    for d in HERE.iterdir():
        if d.is_dir():
            shutil.rmtree(d)
    manifest = []
    for case, name, content, table, row, column in CSV_CASES:
        f = HERE / case / name
        f.parent.mkdir(parents=True)
        if isinstance(content, str):
            f.write_bytes(content.encode("utf-8"))
        else:
            f.write_bytes(content)
        manifest.append((f"{case}/{name}", table, "" if row is None else row, column))
    for case, name, sheets, table, row, column in XLSX_CASES:
        f = HERE / case / name
        f.parent.mkdir(parents=True)
        _workbook(sheets).save(f)
        manifest.append((f"{case}/{name}", table, "" if row is None else row, column))
    with open(HERE / "EXPECTED.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["file", "table", "row", "column"])
        w.writerows(manifest)

    if GOOD.exists():
        shutil.rmtree(GOOD)
    for rel, content in GOOD_FILES.items():
        f = GOOD / rel
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    for rel, sheets in GOOD_XLSX.items():
        f = GOOD / rel
        f.parent.mkdir(parents=True, exist_ok=True)
        _workbook(sheets).save(f)


if __name__ == "__main__":
    main()
