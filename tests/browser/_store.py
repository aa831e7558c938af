"""A small store for the browser tests: one CoP, six members (one a student), consent rows."""

from __future__ import annotations

import cocope_kit as ck

COP = "at-test"
RATER = "at-test:m1"
STUDENT = "at-test:m2"
#: core members the rater is asked about (m5 is not core, m6 left, m7 withdrew consent)
RATEES = ["at-test:m2", "at-test:m3", "at-test:m4"]


def make_store(path) -> None:
    """Write the test store to ``path`` (a new file)."""
    members = [
        ("m1", "Anna Berger", "Teacher A", "teacher", True, None),
        ("m2", "Ben Huber", "Student B", "student", True, None),
        ("m3", "Clara Maier", "Parent C", "parent", True, None),
        ("m4", "David Gruber", "Teacher D", "special_needs_teacher", True, None),
        ("m5", "Eva Wolf", "Helper E", "support_professional", False, None),
        ("m6", "Felix Bauer", "Teacher F", "teacher", True, "2026-03-01"),
        ("m7", "Gina Moser", "Teacher G", "teacher", True, None),
    ]
    consent = [
        {"member_id": f"{COP}:{m}", "kind": "consent", "status": "given",
         "recorded_on": "2026-01-12", "note": None} for m, *_ in members if m != "m7"
    ]
    consent += [
        {"member_id": STUDENT, "kind": "assent", "status": "given", "recorded_on": "2026-01-12",
         "note": None},
        {"member_id": f"{COP}:m7", "kind": "consent", "status": "withdrawn",
         "recorded_on": "2026-02-01", "note": "withdrew"},
    ]
    with ck.open_store(path) as store:
        store.write({
            "cop": [{"cop_id": COP, "name": "Pausenhof für alle", "school": "Mittelschule Test",
                     "country": "AT", "language": "de", "created_on": "2026-01-12"}],
            "member": [{"member_id": f"{COP}:{m}", "cop_id": COP, "name": name, "pseudonym": ps,
                        "role": role, "core": core, "joined_on": "2026-01-12", "left_on": left}
                       for m, name, ps, role, core, left in members],
            "consent": consent,
        })
