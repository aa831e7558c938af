"""load_tables: the only door from a store into the analyses (it only calls store.read),
CoP filtering, privacy by default (DESIGN section 7) and the grouping columns of enrich."""

from __future__ import annotations

import pandas as pd
import pytest

import cocope_kit as ck
from cocope_kit.analysis import consented_member_ids, enrich, load_tables
from cocope_kit.analysis.load import ANALYSIS_TABLES
from cocope_kit.demo import demo_tables, write_demo
from cocope_kit.errors import UsageError
from cocope_kit.schema import TABLES

PENDING = "be-gent:p6"     # student whose assent is pending
WITHDRAWN = "sk-kosice:p2"  # teacher who withdrew consent


@pytest.fixture(scope="module")
def demo_store():
    store = write_demo(ck.open_store(":memory:"))
    yield store
    store.close()


class ReadOnly:
    """A stand-in store that has nothing but read(), and records what was read."""

    def __init__(self, tables, as_text=False):
        self.tables, self.as_text, self.calls = tables, as_text, []

    def read(self, table):
        self.calls.append(table)
        df = self.tables[table]
        return df.astype(str).replace({"nan": "", "NaT": "", "<NA>": "", "None": ""}) \
            if self.as_text else df


def test_every_table_with_schema_dtypes(demo_store):
    t = load_tables(demo_store)
    assert list(t) == list(ANALYSIS_TABLES) and "audit" not in t
    for name, df in t.items():
        assert list(df.columns) == TABLES[name].column_names
    assert str(t["attendance"].present.dtype) == "boolean"
    assert str(t["member"].member_id.dtype) == "str"


def test_privacy_by_default_leaves_out_members_without_consent_or_assent(demo_store):
    t = load_tables(demo_store)
    raw = load_tables(demo_store, consented_only=False)
    gone = {PENDING, WITHDRAWN}
    assert gone <= set(raw["member"].member_id) and not gone & set(t["member"].member_id)
    for name, cols in [("attendance", ["member_id"]), ("response", ["respondent_id"]),
                       ("pair_rating", ["rater_id", "ratee_id"]), ("action_owner", ["member_id"]),
                       ("idea", ["member_id"]), ("interview", ["respondent_id"]),
                       ("result_feedback", ["member_id"]), ("consent", ["member_id"])]:
        for c in cols:
            assert not gone & set(t[name][c].dropna()), (name, c)
    assert len(t["pair_rating"]) < len(raw["pair_rating"])
    # answers follow their responses, codings their interviews
    assert set(t["answer"].response_id) <= set(t["response"].response_id)
    assert len(t["answer"]) < len(raw["answer"])
    assert set(t["coding"].interview_id) <= set(t["interview"].interview_id)
    # rows that belong to the group, not to a person, stay
    assert len(t["action"]) == len(raw["action"]) and len(t["goal"]) == 4


def test_consent_rule():
    m = pd.DataFrame({"member_id": ["a", "b", "c", "d", "e"], "cop_id": "c",
                      "pseudonym": list("ABCDE"),
                      "role": ["teacher", "student", "student", "parent", "teacher"]})
    c = pd.DataFrame({"member_id": ["a", "b", "c", "c", "d", "d"],
                      "kind": ["consent", "consent", "consent", "assent", "consent", "assent"],
                      "status": ["given", "given", "given", "given", "given", "refused"]})
    # b: student without assent; d: a refusal blocks; e: no record at all
    assert consented_member_ids(m, c).tolist() == ["a", "c"]


def test_cop_filter_follows_parents(demo_store):
    t = load_tables(demo_store, cop_ids=["at-graz"])
    assert t["cop"].cop_id.tolist() == ["at-graz"]
    assert t["attendance"].meeting_id.str.startswith("at-graz:").all()
    assert t["answer"].response_id.str.startswith("at-graz:").all()
    assert t["goal_measurement"].goal_id.str.startswith("at-graz:").all()
    assert t["coding"].interview_id.str.startswith("at-graz:").all()
    assert len(t["code"]) == 10  # the codebook is shared
    with pytest.raises(UsageError, match="not in the store"):
        load_tables(demo_store, cop_ids=["xx-nowhere"])
    with pytest.raises(UsageError, match="tables"):
        load_tables(demo_store, tables=["audit"])
    with pytest.raises(UsageError, match="read"):
        load_tables("data/demo.sqlite")


def test_only_read_is_called_and_text_frames_are_coerced():
    spy = ReadOnly(demo_tables(2), as_text=True)
    t = load_tables(spy, tables=["attendance"], cop_ids="be-gent")
    assert set(spy.calls) == {"attendance", "cop", "meeting", "member", "consent"}
    assert list(t) == ["attendance"]
    assert str(t["attendance"].contributions.dtype) == "Int64"
    assert t["attendance"].meeting_id.str.startswith("be-gent:").all()
    assert not t["attendance"].member_id.eq(PENDING).any()


def test_enrich_attaches_grouping_columns():
    t = demo_tables(2)
    out = enrich(t["pair_rating"], members=t["member"], member_col="rater_id", cop=t["cop"])
    assert {"role", "role_group", "school", "country", "language", "cycle"} <= set(out.columns)
    assert set(out.role_group) <= {"professional", "student", "family", "other"}
    resp = enrich(t["response"], role_col="respondent_role")
    assert (resp.role == resp.respondent_role).all()
    kept = enrich(t["member"].assign(role_group="mine"))
    assert (kept.role_group == "mine").all()  # never overwritten
    with pytest.raises(UsageError, match="member_col"):
        enrich(t["attendance"], members=t["member"], member_col="who")
    with pytest.raises(UsageError, match="cop_id"):
        enrich(t["answer"], cop=t["cop"])
