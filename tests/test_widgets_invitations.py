"""InvitationDesk (notebook 03): set values, click, look in the store."""

from __future__ import annotations

import base64
import re
import sys
from pathlib import Path

import pytest

import cocope_kit as ck
from cocope_kit import invitations as inv
from cocope_kit.widgets import InvitationDesk

sys.path.insert(0, str(Path(__file__).parent / "browser"))
from _store import COP, RATER, STUDENT, make_store  # noqa: E402


@pytest.fixture
def store(tmp_path):
    path = tmp_path / "s.sqlite"
    make_store(path)
    s = ck.open_store(path)
    yield s
    s.close()


def _desk(store):
    return InvitationDesk(store, COP, base_url="http://10.1.2.3:8866")


def test_choosing_who_shows_only_the_matching_field(store):
    desk = _desk(store)
    others = [desk.form, desk.wave, desk.language, desk.audience, desk.base_url,
              desk.wave_filter, desk.card]
    for who, shown in [("all", ()), ("members", (desk.members,)),
                       ("anonymous", (desk.anonymous,))]:
        desk.who.value = who
        assert [w.layout.display for w in (desk.members, desk.anonymous)] == [
            "" if w in shown else "none" for w in (desk.members, desk.anonymous)]
        assert all(w.layout.display in (None, "") for w in others), who


def test_member_list_leaves_out_those_without_consent(store):
    desk = _desk(store)
    ids = [v for _, v in desk.members.options]
    assert RATER in ids and STUDENT in ids
    assert f"{COP}:m7" not in ids and f"{COP}:m6" not in ids  # withdrew; left
    assert "Teacher G (consent withdrawn)" in desk._left_out.value
    assert all("Berger" not in label for label, _ in desk.members.options)


def test_make_cards_for_chosen_members_with_preview_and_downloads(store):
    desk = _desk(store)
    desk.form.value = "collaboration_network"
    desk.wave.value = "post"
    desk.who.value = "members"
    desk.members.value = (RATER, STUDENT)
    desk.create_button.click()
    assert desk.status.startswith("2 cards made"), desk.status
    assert [c.member_id for c in desk.last_cards] == [RATER, STUDENT]
    assert desk.cards_html.count("<svg") == 2 and "Für: Teacher A" in desk.cards_html
    assert "srcdoc" in desk._preview.value
    links = re.findall(r"href='data:text/csv;base64,([^']+)'", desk._downloads.value)
    csv_text = base64.b64decode(links[0]).decode()
    assert csv_text.splitlines()[0] == "member,url"
    assert csv_text.splitlines()[1].startswith("Teacher A,http://10.1.2.3:8866/?t=")
    table = desk.progress_table()
    assert table[["card", "form", "status"]].values.tolist() == [
        ["Teacher A", "collaboration_network", "waiting"],
        ["Student B", "collaboration_network", "waiting"]]
    assert "Teacher A" in desk._table.value and "0 of 2 answered" in desk._table.value


def test_refusals_show_a_message_and_store_nothing(store):
    desk = _desk(store)
    desk.who.value = "members"
    desk.create_button.click()
    assert "choose at least one member" in desk.status
    desk.who.value = "anonymous"
    desk.form.value = "collaboration_network"
    desk.create_button.click()
    assert "members only" in desk.status
    desk.form.value = "cop_climate"
    desk.base_url.value = "192.168.1.5"
    desk.create_button.click()
    assert "base URL" in desk.status
    assert inv.progress(store, COP).empty


def test_progress_revoke_and_reissue(store):
    desk = _desk(store)
    desk.who.value = "anonymous"
    desk.anonymous.value = 2
    desk.create_button.click()
    first = desk.last_cards[0]
    # a participant answers card 1 meanwhile
    inv.redeem(store, first.token, lambda i: {})
    desk.refresh_button.click()
    assert "1 of 2 answered" in desk._table.value
    assert [label for label, _ in desk.card.options] == ["anonymous card 2 · working_together · post"]
    desk.card.value = desk.card.options[0][1]
    desk.reissue_button.click()
    assert "A new card is ready" in desk.status
    assert desk.last_cards[0].card_no == 3
    assert desk.progress_table()["status"].tolist() == ["answered", "revoked", "waiting"]
    desk.card.value = desk.card.options[0][1]
    desk.revoke_button.click()
    assert desk.progress_table()["status"].tolist() == ["answered", "revoked", "revoked"]
    assert desk.card.options == ()
    desk.revoke_button.click()
    assert "choose a card" in desk.status
    desk.wave_filter.value = "post"
    assert "anonymous card 3" in desk._table.value
