"""Shared fixtures: an in-memory store, one valid row per table, a temporary store path,
the demo store as the analyses load it, and a PostgreSQL server for the suite.

``pg_server`` starts one PostgreSQL (Debian's binaries, a temporary folder, a unix
socket only; :class:`cocope_kit.pg_sandbox.PostgresSandbox`) for the whole run and
stops it by its pid at the end; ``pg_url`` gives each test a database of its own,
already migrated. ``backend_target`` runs a test once per backend: SQLite in memory
and PostgreSQL. A machine without PostgreSQL fails these tests: it never skips them.
"""

from __future__ import annotations

import pytest

import cocope_kit as ck


@pytest.fixture
def store():
    s = ck.open_store(":memory:")
    yield s
    s.close()


BACKENDS = ("sqlite", "postgresql")
PG_TEMPLATE = "cocope_template"


@pytest.fixture(scope="session")
def pg_server():
    from cocope_kit.pg_sandbox import PostgresSandbox

    with PostgresSandbox() as pg:
        url = pg.create_database(PG_TEMPLATE)  # migrated once; every test's database copies it
        ck.open_store(url).close()
        yield pg


@pytest.fixture
def pg_url(pg_server):
    url = pg_server.create_database(template=PG_TEMPLATE)
    yield url
    pg_server.drop_database(url.split("/")[-1].split("?")[0])


@pytest.fixture(params=BACKENDS)
def backend_target(request):
    """``":memory:"`` or the URL of a fresh PostgreSQL database: a test runs on both."""
    if request.param == "sqlite":
        return ":memory:"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def tmp_store_path(tmp_path):
    return tmp_path / "store.sqlite"


def _minimal_rows() -> dict[str, list[dict]]:
    c, m1, m2 = "be-1", "be-1:m1", "be-1:m2"
    return {
        "cop": [{"cop_id": c, "name": "Reading buddies", "school": "GO! Gent", "country": "BE",
                 "language": "nl", "cycle": 1, "previous_cop_id": None, "created_on": "2026-01-12"}],
        "member": [
            {"member_id": m1, "cop_id": c, "name": "Ana Silva", "pseudonym": "Teacher A",
             "role": "teacher", "core": True, "joined_on": "2026-01-12", "left_on": None},
            {"member_id": m2, "cop_id": c, "name": "Ben Peeters", "pseudonym": "Student B",
             "role": "student", "core": False, "joined_on": "2026-01-12", "left_on": "2026-06-30"},
        ],
        "consent": [{"member_id": m1, "kind": "consent", "status": "given",
                     "recorded_on": "2026-01-12", "note": "signed form"}],
        "meeting": [{"meeting_id": "be-1:mt1", "cop_id": c, "phase": "domain",
                     "held_on": "2026-02-02", "note": "first meeting"}],
        "attendance": [{"meeting_id": "be-1:mt1", "member_id": m1, "present": True,
                        "contributions": 4}],
        "idea": [{"idea_id": "be-1:i1", "cop_id": c, "meeting_id": "be-1:mt1", "member_id": m1,
                  "kind": "challenge", "text": "Break times exclude some pupils", "votes": 3}],
        "goal": [{"goal_id": "be-1:g1", "cop_id": c, "statement": "More pupils play together",
                  "indicator": "pupils in mixed play", "unit": "pupils", "direction": "increase",
                  "baseline": 4.0, "target": 12.5, "deadline": "2026-06-30",
                  "achievable_note": "two playground helpers", "relevant_note": "from challenge",
                  "agreed_on": "2026-02-02", "weight": 1.5,
                  "gas_levels": '{"-2": "4", "-1": "6", "0": "8", "1": "10", "2": "12"}'}],
        "goal_measurement": [{"measurement_id": "be-1:gm1", "goal_id": "be-1:g1",
                              "measured_on": "2026-03-01", "value": 6.25, "source": "observation",
                              "note": "sunny day"}],
        "action": [
            {"action_id": "be-1:a1", "cop_id": c, "goal_id": "be-1:g1", "title": "Map the playground",
             "description": "walk and draw", "start_on": "2026-02-10", "due_on": "2026-02-20",
             "status": "done", "done_on": "2026-02-19"},
            {"action_id": "be-1:a2", "cop_id": c, "goal_id": "be-1:g1", "title": "Games corner",
             "description": None, "start_on": "2026-02-21", "due_on": "2026-03-15",
             "status": "in_progress", "done_on": None},
        ],
        "action_owner": [{"action_id": "be-1:a1", "member_id": m1, "lead": True}],
        "action_dependency": [{"action_id": "be-1:a2", "depends_on_id": "be-1:a1"}],
        "response": [{"response_id": "be-1:r1", "cop_id": c, "instrument_id": "cop_climate",
                      "instrument_version": "1.0", "respondent_id": m1,
                      "respondent_role": "teacher", "wave": "pre", "language": "nl",
                      "submitted_at": "2026-02-02T10:30:00Z"}],
        "answer": [{"response_id": "be-1:r1", "item_id": "cl_safety_1", "value": 3.0,
                    "text": "fine", "status": "answered"}],
        "pair_rating": [{"rating_id": "be-1:pr1", "cop_id": c, "wave": "pre", "rater_id": m1,
                         "ratee_id": m2, "level": 2}],
        "interview": [{"interview_id": "be-1:iv1", "cop_id": c, "respondent_id": m1,
                       "respondent_role": "teacher", "conducted_on": "2026-05-05",
                       "interviewer": "Dr. Interviewer", "language": "nl",
                       "transcript": "We talked.\n\nIt went well."}],
        "code": [{"code_id": "k1", "codebook": "cb", "label": "trust", "description": "trust",
                  "parent_id": None}],
        "coding": [{"coding_id": "be-1:cd1", "interview_id": "be-1:iv1", "segment": 1,
                    "code_id": "k1", "coder": "coder A"}],
        "reflection": [{"reflection_id": "be-1:rf1", "cop_id": c, "member_id": m1,
                        "phase": "practice", "prompt_id": "p1", "text": "We grew.",
                        "written_on": "2026-05-10"}],
        "lesson": [{"lesson_id": "be-1:l1", "cop_id": c, "kind": "insight", "title": "Ask pupils",
                    "text": "Pupils know best", "tags": "agency,play", "link": "http://example.org",
                    "created_on": "2026-05-10"}],
        "result_feedback": [{"feedback_id": "be-1:f1", "cop_id": c, "member_id": m1,
                             "result_key": "participation", "verdict": "partly",
                             "comment": "mostly", "created_on": "2026-05-10"}],
        "value_story": [{"story_id": "be-1:v1", "cop_id": c, "author_id": m1, "immediate": "fun",
                         "potential": "skills", "applied": "new games", "realized": "less conflict",
                         "reframing": "play is learning", "created_on": "2026-05-10"}],
    }


@pytest.fixture
def minimal_rows():
    """One valid, mutually consistent set of rows for every table except ``audit``."""
    return _minimal_rows()


@pytest.fixture(scope="module")
def demo_analysis_tables():
    """``analysis.load_tables`` of the demo store (built once per test module)."""
    from cocope_kit import analysis
    from cocope_kit.demo import write_demo

    store = write_demo(ck.open_store(":memory:"))
    try:
        yield analysis.load_tables(store)
    finally:
        store.close()
