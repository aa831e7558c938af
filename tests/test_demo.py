"""The demo generator: deterministic, schema-valid, realistic and distinct CoP profiles."""

from __future__ import annotations

import json
import re
from collections import defaultdict

import numpy as np
import pandas as pd
import pytest

import cocope_kit as ck
from cocope_kit import schema
from cocope_kit.demo import DEMO_COPS, demo_tables, write_demo
from cocope_kit.errors import StoreError, UsageError
from cocope_kit.model import role_group

TABLES = [t for t in schema.TABLE_ORDER if t != "audit"]
SURVEYS = ("working_together", "cop_climate", "learning_community")


@pytest.fixture(scope="module")
def tables():
    return demo_tables()


@pytest.fixture(scope="module")
def scored(tables):
    """Answers with construct and reverse-keyed score (min + max - value)."""
    items = pd.concat([ck.load_instrument(i).item_table() for i in SURVEYS], ignore_index=True)
    a = tables["answer"].merge(tables["response"], on="response_id").merge(
        items[["item_id", "construct", "reverse", "scale_min", "scale_max", "audience"]],
        on="item_id", how="left")
    a["score"] = np.where(a.reverse, a.scale_min + a.scale_max - a.value, a.value)
    return a


def _collab(scored, cop, wave=None):
    s = scored[(scored.cop_id == cop) & (scored.construct == "collaboration")]
    if wave:
        s = s[s.wave == wave]
    return s.score.mean()


# --------------------------------------------------------------------------- determinism


def test_same_seed_gives_identical_tables(tables):
    again = demo_tables(seed=0)
    assert list(again) == list(tables)
    for t in TABLES:
        pd.testing.assert_frame_equal(again[t], tables[t], obj=t)


def test_different_seed_gives_different_tables(tables):
    other = demo_tables(seed=1)
    assert not other["member"]["name"].equals(tables["member"]["name"])
    assert not other["answer"]["value"].equals(tables["answer"]["value"])
    assert not other["pair_rating"]["level"].equals(tables["pair_rating"]["level"])
    # the story (which CoPs, which ids) stays the same
    assert other["cop"]["cop_id"].tolist() == tables["cop"]["cop_id"].tolist()


def test_no_wall_clock_in_the_data():
    a, b = demo_tables(1), demo_tables(1)
    pd.testing.assert_frame_equal(a["response"], b["response"])
    assert a["response"].submitted_at.dt.year.isin([2025, 2026]).all()


# --------------------------------------------------------------------------- schema and store


def test_every_table_is_present_non_empty_and_valid(tables):
    assert set(tables) == set(TABLES)
    for t in TABLES:
        df = tables[t]
        assert len(df) > 0, t
        assert list(df.columns) == schema.TABLES[t].column_names, t
        # the frames already carry validate()'s dtypes: validating changes nothing
        pd.testing.assert_frame_equal(schema.validate(t, df), df, obj=t)


def test_loads_into_memory_store_and_round_trips(tables):
    store = write_demo(ck.open_store(":memory:"))
    for t in TABLES:
        assert store.count(t) == len(tables[t]), t
        pd.testing.assert_frame_equal(store.read(t), tables[t], obj=t)
    audit = store.read("audit")
    assert set(audit.action) == {"demo"}
    assert set(audit.table_name) == set(TABLES)


def test_info_shows_four_cops_with_a_proper_core(tables):
    store = write_demo(ck.open_store(":memory:"))
    info = store.info().set_index("cop_id")
    assert sorted(info.index) == ["at-graz", "be-gent", "pt-porto", "sk-kosice"]
    assert info.core_members.between(6, 8).all()
    assert (info.members - info.core_members).between(0, 2).all()
    assert (info.students >= 1).all() and (info.parents >= 1).all()
    assert (info.meetings == 3).all() and (info.goals == 1).all()
    assert info.actions.between(6, 10).all()
    assert info.interviews.between(2, 3).all()
    assert (info.value_stories == 1).all()
    assert set(info.country) == {"BE", "AT", "PT", "SK"}


def test_ids_follow_cop_kind_number(tables):
    pat = re.compile(r"^[a-z]{2}-[a-z]+:[a-z]+\d+$")
    for t, col in [("member", "member_id"), ("meeting", "meeting_id"), ("idea", "idea_id"),
                   ("goal", "goal_id"), ("action", "action_id"), ("response", "response_id"),
                   ("pair_rating", "rating_id"), ("interview", "interview_id"),
                   ("coding", "coding_id"), ("reflection", "reflection_id"),
                   ("lesson", "lesson_id"), ("result_feedback", "feedback_id")]:
        assert tables[t][col].map(bool).all()
        assert tables[t][col].str.match(pat).all(), t
    assert tables["meeting"].meeting_id.iloc[2] == "be-gent:m3"


# --------------------------------------------------------------------------- people and consent


def test_roster_roles_and_pseudonyms(tables):
    m = tables["member"]
    for cop, g in m[m.core].groupby("cop_id"):
        roles = g.role.value_counts()
        assert 2 <= roles.get("teacher", 0) <= 3, cop
        assert roles.get("special_needs_teacher", 0) == 1, cop
        support = {"school_leader", "social_worker", "psychologist", "therapist",
                   "teaching_assistant"}
        assert roles[roles.index.isin(support)].sum() >= 1, cop
        assert roles.get("student", 0) >= 1 and roles.get("parent", 0) >= 1, cop
    assert m.pseudonym.str.match(r"^[A-Z][a-z ]+ [A-Z]+$").all()
    assert {"Teacher A", "Student B", "Parent A"} <= set(m.pseudonym)
    assert not m.name.isin(m.pseudonym).any()
    assert m.groupby("cop_id").pseudonym.apply(lambda s: s.is_unique).all()


def test_consent_and_assent(tables):
    c = tables["consent"]
    m = tables["member"]
    assert set(c.member_id) == set(m.member_id)
    students = set(m.member_id[m.role == "student"])
    kinds = c.groupby("member_id").kind.apply(set)
    for mid, k in kinds.items():
        assert k == ({"consent", "assent"} if mid in students else {"consent"}), mid
    odd = c[c.status != "given"]
    assert len(odd) == 2
    pending = odd[odd.status == "pending"]
    withdrawn = odd[odd.status == "withdrawn"]
    assert len(pending) == 1 and pending.kind.item() == "assent"
    assert pending.member_id.item() in students
    assert len(withdrawn) == 1 and withdrawn.member_id.item() not in students
    assert (pending.member_id.str.split(":").str[0].item()
            != withdrawn.member_id.str.split(":").str[0].item())


# --------------------------------------------------------------------------- meetings and plan


def test_school_year_calendar(tables):
    mt = tables["meeting"].pivot(index="cop_id", columns="phase", values="held_on")
    assert (mt.domain.dt.strftime("%Y-%m") == "2025-10").all()
    assert (mt.community.dt.strftime("%Y-%m") == "2025-11").all()
    assert mt.practice.dt.strftime("%Y-%m").isin(["2026-05", "2026-06"]).all()
    att = tables["attendance"]
    m = tables["member"]
    assert len(att) == 3 * len(m)  # everyone, every meeting
    assert (att.contributions[~att.present] == 0).all()
    r = tables["response"].merge(mt.reset_index(), on="cop_id")
    assert str(r.submitted_at.dt.tz) == "UTC"
    pre = r[r.wave == "pre"]
    assert (pre.submitted_at.dt.tz_localize(None) >= pre.domain).all()


def test_action_plan_is_an_ordered_dag(tables):
    a = tables["action"].set_index("action_id")
    assert (a.start_on <= a.due_on).all()
    done = a.status == "done"
    assert a.done_on[done].notna().all() and a.done_on[~done].isna().all()
    assert (a.done_on[done] >= a.start_on[done]).all()
    dep = tables["action_dependency"]
    edges = defaultdict(set)
    for x, y in zip(dep.action_id, dep.depends_on_id, strict=True):
        assert x.split(":")[0] == y.split(":")[0]  # within one CoP
        assert a.start_on[x] >= a.due_on[y], (x, y)  # a step starts after what it needs
        edges[x].add(y)
    # acyclic: Kahn's algorithm removes every step
    indegree = {k: len(v) for k, v in edges.items()}
    ready = [k for k in a.index if not edges.get(k)]
    removed = 0
    users = defaultdict(set)
    for x, ys in edges.items():
        for y in ys:
            users[y].add(x)
    while ready:
        y = ready.pop()
        removed += 1
        for x in users[y]:
            indegree[x] -= 1
            if indegree[x] == 0:
                ready.append(x)
    assert removed == len(a)


def test_owners_share_responsibility_with_one_lead(tables):
    o = tables["action_owner"]
    per = o.groupby("action_id").agg(n=("member_id", "size"), leads=("lead", "sum"))
    assert set(per.index) == set(tables["action"].action_id)
    assert (per.leads == 1).all()
    assert per.n.between(1, 3).all()
    shared = per.n.ge(2).groupby(per.index.str.split(":").str[0]).sum()
    assert (shared >= 2).all()
    owner_cop = o.merge(tables["member"], on="member_id").cop_id
    assert (owner_cop == o.action_id.str.split(":").str[0]).all()


def test_goal_is_smart(tables):
    g = tables["goal"]
    assert g.groupby("cop_id").size().eq(1).all()
    for col in ("statement", "indicator", "unit", "achievable_note", "relevant_note"):
        assert g[col].str.len().gt(5).all(), col
    assert (g.deadline > g.agreed_on).all()
    assert (g.weight == 1).all()
    for text in g.gas_levels:
        assert list(json.loads(text)) == ["-2", "-1", "0", "1", "2"]
    n = tables["goal_measurement"].groupby("goal_id").size()
    assert n.between(3, 4).all() and len(n) == len(g)


def test_ideas_reflections_lessons_feedback(tables):
    ideas = tables["idea"]
    for cop, g in ideas.groupby("cop_id"):
        k = g.kind.value_counts()
        assert k.get("challenge", 0) >= 1 and 3 <= k.get("perspective", 0) <= 5, cop
        assert k.get("connection", 0) >= 1 and k.get("approach", 0) >= 1, cop
        assert k.get("inspiration", 0) >= 1, cop
    refl = tables["reflection"]
    assert refl.groupby("cop_id").phase.apply(set).map(
        lambda s: s == {"domain", "community", "practice"}).all()
    assert refl.member_id.isna().any() and refl.member_id.notna().any()
    prompts = {it.id for it in ck.load_instrument("reflection_prompts").items}
    assert refl.prompt_id.isin(prompts).all()
    les = tables["lesson"]
    assert les.groupby("cop_id").size().between(1, 2).all()
    assert {"unexpected_benefit", "side_effect", "resource"} <= set(les.kind)
    assert les.link[les.kind == "resource"].notna().all()
    fb = tables["result_feedback"]
    assert fb.groupby("cop_id").result_key.nunique().between(2, 3).all()
    assert {"goal_progress", "collaboration_level"} <= set(fb.result_key)
    assert fb.member_id.isna().any()


# --------------------------------------------------------------------------- surveys


def test_every_member_answers_each_survey_in_each_wave(tables):
    r = tables["response"]
    m = tables["member"].set_index("member_id")
    got = r.groupby(["respondent_id", "wave"]).instrument_id.apply(frozenset)
    for mid in m.index:
        for wave in ("pre", "post"):
            left = m.left_on[mid]
            if wave == "post" and pd.notna(left):
                assert (mid, wave) not in got.index  # left before the practice meeting
                continue
            assert got[(mid, wave)] == frozenset(SURVEYS), (mid, wave)
    assert (r.respondent_role.to_numpy() == m.role[r.respondent_id].to_numpy()).all()
    lang = tables["cop"].set_index("cop_id").language
    assert (r.language.to_numpy() == lang[r.cop_id].to_numpy()).all()
    versions = {i: ck.load_instrument(i).version for i in SURVEYS}
    assert (r.instrument_version == r.instrument_id.map(versions)).all()


def test_answers_fit_items_scales_and_audiences(scored):
    a = scored
    assert a.construct.notna().all()  # every item exists in its instrument
    ok = a.value.isna() | a.value.between(a.scale_min, a.scale_max)
    assert ok.all()
    assert np.allclose(a.value.dropna() % 1, 0)
    assert 0.01 < a.value.isna().mean() < 0.06  # about 3 % don't know
    agency = a.construct == "student_agency"
    assert (a.respondent_role[agency] == "student").all()
    students = a[a.respondent_role == "student"]
    per = students[students.instrument_id == "cop_climate"].groupby("response_id").size()
    assert (per == len(ck.load_instrument("cop_climate").items_for("student"))).all()


def test_reverse_keyed_items_follow_the_latent_level(scored):
    a = scored[scored.instrument_id != "working_together"]
    a = pd.concat([a, scored[scored.construct.isin(["cooperation", "coordination",
                                                    "collaboration"])]])
    plain = (a[~a.reverse.astype(bool)].groupby(["response_id", "construct"]).value.mean()
             .rename("plain"))
    rev = a[a.reverse.astype(bool)].set_index(["response_id", "construct"]).value.rename("rev")
    both = pd.concat([plain, rev], axis=1, join="inner").dropna()
    assert len(both) > 100
    assert both.plain.corr(both.rev) < -0.3  # high on the construct -> disagrees


# --------------------------------------------------------------------------- pair ratings


def test_pair_ratings_cover_every_core_pair(tables):
    pr = tables["pair_rating"]
    m = tables["member"]
    assert pr.level.between(0, 3).all()
    assert (pr.rater_id != pr.ratee_id).all()
    core = m[m.core].groupby("cop_id").size()
    per = pr.groupby(["cop_id", "wave"]).size()
    for (cop, _wave), n in per.items():
        k = core[cop]
        assert n == k * (k - 1)
    back = pr.merge(pr, left_on=["wave", "rater_id", "ratee_id"],
                    right_on=["wave", "ratee_id", "rater_id"])
    assert ((back.level_x - back.level_y).abs() >= 2).sum() >= 2 * 4


# --------------------------------------------------------------------------- interviews


def test_interviews_codebook_and_two_coders(tables):
    iv = tables["interview"]
    assert (iv.language == "en").all()
    assert set(iv.respondent_role) == {"student", "parent", "teacher"}
    assert iv.respondent_id.isin(tables["member"].member_id).all()
    segments = iv.set_index("interview_id").transcript.str.split("\n\n").map(len)
    assert (segments >= 3).all()
    code = tables["code"]
    assert (code.codebook == "cocope-themes").all()
    assert {"trust", "shared_responsibility", "student_voice", "communication", "workload",
            "time_constraints", "unexpected_benefit", "leadership_support"} <= set(code.label)
    cd = tables["coding"]
    assert set(cd.coder) == {"coder_a", "coder_b"}
    assert (cd.segment <= cd.interview_id.map(segments)).all()
    assert set(cd.interview_id) == set(iv.interview_id)
    wide = cd.assign(x=1).pivot_table(index=["interview_id", "segment", "code_id"],
                                      columns="coder", values="x", fill_value=0)
    agree = (wide.coder_a == wide.coder_b).mean()
    assert 0.6 < agree < 1.0  # mostly, not always


# --------------------------------------------------------------------------- profiles


def test_belgium_stays_at_cooperation(tables, scored):
    be = scored[scored.cop_id == "be-gent"]
    coop = be[be.construct == "cooperation"].score.mean()
    assert coop - _collab(scored, "be-gent") > 1.0
    assert _collab(scored, "be-gent") < _collab(scored, "at-graz")
    assert be[be.item_id == "wt_fit"].value.value_counts().idxmax() == 1
    pr = tables["pair_rating"]
    assert pr[pr.cop_id == "be-gent"].level.value_counts(normalize=True)[1] > 0.6


def test_austria_reaches_collaboration(tables, scored):
    assert _collab(scored, "at-graz", "post") >= 4
    assert _collab(scored, "at-graz", "post") > _collab(scored, "at-graz", "pre") + 0.5
    pr = tables["pair_rating"]
    assert pr[pr.cop_id == "at-graz"].level.value_counts().idxmax() == 3


def test_portugal_students_hardly_speak(tables):
    att = tables["attendance"].merge(tables["member"], on="member_id")
    att["group"] = att.role.map(role_group)
    pt = att[att.cop_id == "pt-porto"]
    share = pt.contributions[pt.group == "student"].sum() / pt.contributions.sum()
    assert share < 0.10
    per_student = pt[pt.group == "student"].groupby("member_id").contributions.sum().mean()
    per_prof = pt[pt.group == "professional"].groupby("member_id").contributions.sum().mean()
    assert per_prof > 10 * max(per_student, 0.1)
    others = att[att.cop_id != "pt-porto"]
    other_share = (others.contributions[others.group == "student"].sum()
                   / others.contributions.sum())
    assert other_share > share


def test_slovakia_misses_its_target(tables):
    gm = tables["goal_measurement"].merge(tables["goal"], on="goal_id")
    last = gm.sort_values("measured_on").groupby("cop_id").tail(1).set_index("cop_id")
    sk = last.loc["sk-kosice"]
    assert sk.direction == "increase"
    assert sk.value < sk.target
    assert (sk.value - sk.baseline) / (sk.target - sk.baseline) < 0.5
    at = last.loc["at-graz"]
    assert at.value <= at.target  # a decrease goal that was met
    a = tables["action"]
    today = pd.Timestamp("2026-06-30")
    late = a.status.isin(["planned", "in_progress"]) & (a.due_on < today)
    per = a.assign(late=late, dropped=a.status == "dropped").groupby("cop_id")[
        ["late", "dropped"]].sum()
    assert per.loc["sk-kosice", "late"] >= 3 and per.loc["sk-kosice", "dropped"] >= 1
    assert per.late.idxmax() == "sk-kosice"


def test_profiles_are_documented_in_demo_cops():
    assert [c["country"] for c in DEMO_COPS] == ["BE", "AT", "PT", "SK"]
    assert [c["language"] for c in DEMO_COPS] == ["nl", "de", "pt", "sk"]
    for c in DEMO_COPS:
        assert {"profile", "survey", "pair_levels", "level_fit", "contributions",
                "goal"} <= set(c)


# --------------------------------------------------------------------------- parameters


def test_today_moves_every_date():
    a, b = demo_tables(1), demo_tables(1, today="2027-06-30")
    shift = pd.Timedelta(days=365)
    pd.testing.assert_series_equal(b["meeting"].held_on, a["meeting"].held_on + shift)
    pd.testing.assert_series_equal(b["response"].submitted_at,
                                   a["response"].submitted_at + shift)
    pd.testing.assert_series_equal(b["action"].done_on, a["action"].done_on + shift)


@pytest.mark.parametrize("kwargs", [{"n_cops": 0}, {"n_cops": 2.5}, {"seed": -1},
                                    {"today": "next week"}])
def test_bad_parameters_raise_usage_error(kwargs):
    with pytest.raises(UsageError):
        demo_tables(**kwargs)


def test_small_scale_mode_cycles_profiles():
    t = demo_tables(8, seed=3)
    assert t["cop"].cop_id.str.match(r"^c\d{4}-[a-z]{2}$").all()
    assert t["cop"].cop_id.iloc[0].startswith("c0001-")
    for name in ("member", "response", "answer", "pair_rating", "interview"):
        pd.testing.assert_frame_equal(schema.validate(name, t[name]), t[name], obj=name)
    core = t["member"][t["member"].core].groupby("cop_id").size()
    assert core.between(6, 8).all()


# --------------------------------------------------------------------------- write_demo


def test_write_demo_refuses_a_store_with_cops_and_leaves_it_unchanged():
    store = write_demo(ck.open_store(":memory:"), n_cops=2)
    before = {t: store.read(t) for t in schema.TABLE_ORDER}
    with pytest.raises(StoreError, match=r":memory: already holds 2 CoPs"):
        write_demo(store, n_cops=2, seed=5)
    for t, df in before.items():
        pd.testing.assert_frame_equal(store.read(t), df, obj=t)


def test_write_demo_to_a_path(tmp_path):
    path = tmp_path / "demo.sqlite"
    messages = []
    store = write_demo(path, progress=messages.append)
    assert path.exists() and store.count("cop") == 4
    assert messages and all(isinstance(m, str) for m in messages)
    store.close()
    with pytest.raises(StoreError, match=re.escape(str(path))):
        write_demo(path)
    again = ck.open_store(path)
    assert again.count("cop") == 4 and again.count("audit") == len(TABLES)
    again.close()


def test_write_demo_rejects_a_non_store(tmp_path):
    bad = tmp_path / "notes.sqlite"
    bad.write_text("not a database, just notes " * 50)
    with pytest.raises(StoreError, match="notes.sqlite"):
        write_demo(bad)
    with pytest.raises(UsageError):
        write_demo(42)


@pytest.mark.slow
def test_two_thousand_cops(tmp_path):
    store = write_demo(tmp_path / "big.sqlite", 2000)
    try:
        assert store.count("cop") == 2000
        assert 650_000 <= store.count("answer") <= 750_000
        assert store.count("interview") > 0
        cops = store.read("cop")
        assert cops.cop_id.iloc[0].startswith("c0001-") and cops.country.nunique() >= 8
        assert store.integrity_check() == "ok"
    finally:
        store.close()
