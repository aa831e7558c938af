"""Invitations: creation rules, one use, neutral outcomes, what is kept (issue 14)."""

from __future__ import annotations

import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

import cocope_kit as ck
from cocope_kit import invitations as inv
from cocope_kit.errors import UsageError
from cocope_kit.schema import SERVICE_TABLES
from cocope_kit.widgets.survey import build_response, survey_items

sys.path.insert(0, str(Path(__file__).parent / "browser"))
from _store import COP, RATER, STUDENT, make_store  # noqa: E402

T0 = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


@pytest.fixture
def store(tmp_path):
    path = tmp_path / "s.sqlite"
    make_store(path)
    s = ck.open_store(path)
    yield s
    s.close()


def _answers(audience="all"):
    return {it.item_id: (it.choices[0][1] if it.choices else "ok")
            for it in survey_items("working_together", audience=audience)}


def _builder(answers):
    def build(i):
        rid = i.member_id or "anon-x"
        return build_response("working_together", answers, cop_id=i.cop_id, wave=i.wave,
                              language=i.language, respondent_id=rid, audience=i.audience)
    return build


def test_table_has_the_columns_of_its_schema(store):
    info = store._con.execute("PRAGMA table_info(invitation)").fetchall()
    assert [r[1] for r in info] == SERVICE_TABLES["invitation"].column_names
    assert {r[1] for r in info if r[3]} == {c.name for c in SERVICE_TABLES["invitation"].columns
                                            if c.required}


def test_all_members_get_cards_except_left_and_without_consent(store):
    # m7 withdrew consent: naming them refuses the whole batch, nothing created
    with pytest.raises(UsageError, match=r"at-test:m7 \(consent withdrawn\); nothing was created"):
        inv.create_invitations(store, COP, "working_together", "post",
                               members=[RATER, f"{COP}:m7"], now=T0)
    assert store._con.execute("SELECT count(*) FROM invitation").fetchone()[0] == 0
    # 'all' leaves out m6 (left) and m7 (withdrew)
    ok = [f"{COP}:m{i}" for i in (1, 2, 3, 4, 5)]
    cards = inv.create_invitations(store, COP, "working_together", "post", members="all", now=T0)
    assert [c.member_id for c in cards] == ok
    assert [c.pseudonym for c in cards] == ["Teacher A", "Student B", "Parent C", "Teacher D",
                                            "Helper E"]
    assert [c.audience for c in cards] == ["professional", "student", "family", "professional",
                                           "professional"]
    assert {c.language for c in cards} == {"de"}
    assert [c.card_no for c in cards] == [1, 2, 3, 4, 5]
    assert cards[0].expires_at == "2026-05-18T09:00:00.000000Z"
    out = inv.invitable_members(store, COP, today=T0.date())
    assert out.loc[~out["included"], ["member_id", "reason"]].values.tolist() == [
        [f"{COP}:m7", "consent withdrawn"]]


def test_one_live_card_per_member_form_and_wave(store):
    inv.create_invitations(store, COP, "cop_climate", "post", members=[RATER])
    with pytest.raises(UsageError, match=f"already invited to cop_climate, wave post: {RATER}"):
        inv.create_invitations(store, COP, "cop_climate", "post", members=[RATER, STUDENT])
    # 'all' invites the others only; another wave or form is a new card
    more = inv.create_invitations(store, COP, "cop_climate", "post", members="all")
    assert RATER not in [c.member_id for c in more] and len(more) == 4
    with pytest.raises(UsageError, match="already has a card"):
        inv.create_invitations(store, COP, "cop_climate", "post", members="all")
    assert len(inv.create_invitations(store, COP, "cop_climate", "pre", members=[RATER])) == 1
    assert len(inv.create_invitations(store, COP, "working_together", "post",
                                      members=[RATER])) == 1
    # anonymous cards are not limited
    assert len(inv.create_invitations(store, COP, "cop_climate", "post", members="all",
                                      anonymous=2)) == 2


def test_student_without_assent_is_refused(store):
    store._con.execute("UPDATE consent SET status = 'pending' WHERE member_id = ? "
                       "AND kind = 'assent'", (STUDENT,))
    with pytest.raises(UsageError, match="assent pending"):
        inv.create_invitations(store, COP, "cop_climate", "post", members=[STUDENT])


def test_token_is_random_and_only_its_hash_is_stored(store):
    cards = inv.create_invitations(store, COP, "working_together", "post", anonymous=20)
    tokens = [c.token for c in cards]
    assert len(set(tokens)) == 20 and all(len(t) == 22 for t in tokens)  # 16 bytes = 128 bits
    dump = "\n".join(store._con.iterdump())
    assert not any(t in dump for t in tokens)
    stored = {r[0] for r in store._con.execute("SELECT token_hash FROM invitation")}
    assert stored == {inv.hash_token(t) for t in tokens}


def test_bad_parameters_are_refused(store):
    for kwargs, msg in [
        (dict(form="reflection_prompts", wave="post", anonymous=1), "form 'reflection_prompts'"),
        (dict(form="cop_climate", wave="p re", anonymous=1), "wave 'p re'"),
        (dict(form="cop_climate", wave="post"), "nobody to invite"),
        (dict(form="collaboration_network", wave="post", anonymous=2), "members only"),
        (dict(form="cop_climate", wave="post", members=["at-test:m99"]), "not members"),
        (dict(form="cop_climate", wave="post", anonymous=1, language="deutsch"), "'deutsch'"),
        (dict(form="cop_climate", wave="post", anonymous=1, audience="teen"), "'teen'"),
    ]:
        with pytest.raises(UsageError, match=msg):
            inv.create_invitations(store, COP, **kwargs)
    with pytest.raises(UsageError, match="unknown CoP 'nope'"):
        inv.create_invitations(store, "nope", "cop_climate", "post", anonymous=1)


def test_open_used_and_neutral_outcomes(store):
    a, b, c = inv.create_invitations(store, COP, "working_together", "post",
                                     members=[RATER, f"{COP}:m3", f"{COP}:m4"], now=T0,
                                     expires_days=1)
    assert inv.open_invitation(store, a.token, now=T0).status == "open"
    # expired, revoked, unknown, malformed: the same outcome, nothing about the store
    assert inv.open_invitation(store, b.token, now=T0 + timedelta(days=2)) == \
        inv.Opened("invalid", None, "de")
    inv.revoke(store, c.invitation_id, now=T0)
    assert inv.open_invitation(store, c.token, now=T0).status == "invalid"
    for bad in ["x" * 32, "", "' OR 1=1 --", a.token + "x"]:
        assert inv.open_invitation(store, bad, now=T0) == inv.Opened("invalid", None, None)
    # consent withdrawn after the card was printed: the card opens nothing
    store._con.execute("UPDATE consent SET status = 'withdrawn' WHERE member_id = ?", (RATER,))
    assert inv.open_invitation(store, a.token, now=T0).status == "invalid"


def test_redeem_stores_once_with_member_role(store):
    (card,) = inv.create_invitations(store, COP, "working_together", "post", members=[RATER])
    first = inv.redeem(store, card.token, _builder(_answers("professional")))
    assert first.status == "stored" and first.counts["response"] == 1
    second = inv.redeem(store, card.token, _builder(_answers("professional")))
    assert second == inv.Redeemed("used", {}, "de")
    assert store.count("response") == 1
    resp = store.read("response").iloc[0]
    assert (resp.respondent_id, resp.cop_id, resp.wave) == (RATER, COP, "post")
    assert inv.open_invitation(store, card.token).status == "used"


def test_failed_build_stores_nothing_and_keeps_the_card_open(store):
    (card,) = inv.create_invitations(store, COP, "working_together", "post", anonymous=1)

    def broken(_i):
        raise UsageError("boom")

    with pytest.raises(UsageError):
        inv.redeem(store, card.token, broken)
    assert store.count("response") == 0
    assert inv.open_invitation(store, card.token).status == "open"


def test_anonymous_card_keeps_only_that_it_was_used(store):
    (card,) = inv.create_invitations(store, COP, "working_together", "post", anonymous=1, now=T0)
    inv.open_invitation(store, card.token, now=T0 + timedelta(hours=1))
    inv.redeem(store, card.token, _builder(_answers()), now=T0 + timedelta(hours=2))
    row = store._con.execute("SELECT member_id, opened_at, used_at, created_at FROM invitation"
                             ).fetchone()
    assert row[0] is None and row[1] == row[2] == row[3]  # when it was used is not kept
    resp = store.read("response").iloc[0]
    assert card.invitation_id not in resp.tolist() and resp.respondent_id == "anon-x"


def test_concurrent_redeems_store_exactly_one(tmp_path):
    path = tmp_path / "c.sqlite"
    make_store(path)
    with ck.open_store(path) as s:
        (card,) = inv.create_invitations(s, COP, "working_together", "post", anonymous=1)
    results = []

    def go():
        with ck.open_store(path) as s:
            results.append(inv.redeem(s, card.token, _builder(_answers())).status)

    threads = [threading.Thread(target=go) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["stored"] + ["used"] * 5
    with ck.open_store(path) as s:
        assert s.count("response") == 1


def test_revoke_reissue_and_progress(store):
    cards = inv.create_invitations(store, COP, "cop_climate", "post",
                                   members=[RATER, STUDENT], anonymous=2, now=T0)
    inv.open_invitation(store, cards[1].token, now=T0)
    new = inv.reissue(store, cards[2].invitation_id, now=T0)
    assert new.member_id is None and new.card_no == 5 and new.token != cards[2].token
    assert inv.open_invitation(store, cards[2].token, now=T0).status == "invalid"
    table = inv.progress(store, COP, now=T0)
    assert table.columns.tolist() == inv.PROGRESS_COLUMNS
    assert table[["card", "status"]].values.tolist() == [
        ["Teacher A", "waiting"], ["Student B", "opened"], ["anonymous card 3", "revoked"],
        ["anonymous card 4", "waiting"], ["anonymous card 5", "waiting"]]
    assert "Anna" not in table.to_string()  # pseudonyms only
    totals = inv.progress_totals(table)
    assert totals.iloc[0].to_dict() == {"form": "cop_climate", "wave": "post", "cards": 4,
                                        "opened": 1, "answered": 0, "open": 4, "revoked": 1,
                                        "expired": 0}
    assert inv.progress(store, COP, wave="pre").empty
    with pytest.raises(UsageError, match="no invitation 'nope'"):
        inv.revoke(store, "nope")


def test_forget_deletes_the_members_invitations(store):
    inv.create_invitations(store, COP, "cop_climate", "post", members=[RATER], anonymous=1)
    store.forget(RATER)
    left = pd.read_sql_query("SELECT member_id FROM invitation", store._con)
    assert left["member_id"].isna().all() and len(left) == 1


def test_invitation_url():
    assert inv.invitation_url("http://10.0.0.5:8866", "T") == "http://10.0.0.5:8866/?t=T"
    with pytest.raises(UsageError, match="base URL"):
        inv.invitation_url("http://x/?cop=at-graz", "T")
    with pytest.raises(UsageError, match="base URL"):
        inv.invitation_url("javascript:alert(1)", "T")
