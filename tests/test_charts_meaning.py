"""Issue 16 item 6 in the charts: one meaning per colour, the Gantt axis, the network matrix,
thin data, titles that fit, and every chart in five languages (tested through the artists).
"""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from babel.messages.pofile import read_po  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402
from matplotlib.patches import Rectangle, Wedge  # noqa: E402
from matplotlib.text import Text  # noqa: E402

import cocope_kit as ck  # noqa: E402
from cocope_kit import analysis as A  # noqa: E402
from cocope_kit import charts, i18n  # noqa: E402
from cocope_kit.charts import _style as st  # noqa: E402
from cocope_kit.charts import palette  # noqa: E402
from cocope_kit.demo import write_demo  # noqa: E402

POT = Path(__file__).resolve().parents[1] / "cocope_kit" / "locale" / "cocope_kit.pot"
COP = "pt-porto"
AS_OF = "2026-06-30"
PROBLEM = palette.VERMILLION.lower()


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def store():
    return write_demo(ck.open_store(":memory:"))


@pytest.fixture(scope="module")
def t(store):
    return A.load_tables(store)


def _hexes(ax) -> set[str]:
    """Every face and edge colour drawn in an Axes (patches, lines, collections, texts)."""
    out = set()
    for a in ax.figure.findobj():
        for getter in ("get_facecolor", "get_edgecolor", "get_color"):
            f = getattr(a, getter, None)
            if f is None:
                continue
            try:
                c = f()
            except (TypeError, ValueError, AttributeError):
                continue
            arr = np.atleast_2d(np.asarray(c, dtype=object))
            for row in arr:
                try:
                    out.add(to_hex(tuple(float(x) for x in row) if len(row) in (3, 4)
                                   else row[0]))
                except (TypeError, ValueError):
                    continue
    return out


def _every_chart(t, lang: str | None) -> dict[str, object]:
    """Each public chart of the kit (but the tree) drawn from the demo store in ``lang``."""
    ev = charts
    pr, mem = t["pair_rating"], t["member"]
    grid = ev.attendance_data(t["attendance"], mem, t["meeting"])
    per_member = A.contribution_shares(t["attendance"], mem, t["meeting"],
                                       by=("cop_id", "member_id"), within="cop_id")
    equity = A.voice_equity(t["attendance"], mem, t["meeting"], by="cop_id")
    levels = A.level_of_working_together(A.scale_scores(t["response"], t["answer"],
                                                        "working_together"), t["answer"])
    lc = A.likert_counts(t["response"], t["answer"], "cop_climate")
    cs = A.construct_scores(A.scale_scores(t["response"], t["answer"], "cop_climate"))
    acts = t["action"][t["action"].cop_id == COP]
    deps = t["action_dependency"][t["action_dependency"].action_id.isin(acts.action_id)]
    owners = t["action_owner"][t["action_owner"].action_id.isin(acts.action_id)]
    gd = ev.gantt_data(acts, dependencies=deps, owners=owners, members=mem, as_of=AS_OF)
    gid = f"{COP}:g1"
    goal = t["goal"][t["goal"].goal_id == gid]
    return {
        "attendance_heatmap": ev.attendance_heatmap(grid, cop_id=COP, language=lang),
        "voice_equity": ev.voice_equity(ev.lorenz_data(per_member), equity, language=lang),
        "voice_shares": ev.voice_shares(equity, language=lang),
        "level_profile": ev.level_profile(levels, language=lang),
        "level_transitions": ev.level_transitions(A.level_transitions(levels), language=lang),
        "likert_bars": ev.likert_bars(lc, cop_id=COP, wave="post", language=lang),
        "construct_means": ev.construct_means(cs, cop_id=COP, language=lang),
        "goal_progress": ev.goal_progress(goal, t["goal_measurement"], as_of=AS_OF,
                                          language=lang),
        "goal_progress_empty": ev.goal_progress(goal, t["goal_measurement"].iloc[:0],
                                                language=lang),
        "gas_scores": ev.gas_scores(A.gas_scores(t["goal"], t["goal_measurement"]),
                                    language=lang),
        "network": ev.network(pr, mem, cop_id=COP, wave="post", language=lang),
        "network_circle": ev.network(pr, mem, cop_id=COP, wave="post", language=lang,
                                     matrix_up_to=0),
        "code_frequencies": ev.code_frequencies(A.code_frequencies(
            t["coding"], t["interview"], t["code"], by="respondent_role"), language=lang),
        "cooccurrence": ev.cooccurrence(A.cooccurrence(t["coding"]), codes=t["code"],
                                        language=lang),
        "coder_agreement": ev.coder_agreement(A.coder_agreement(t["coding"]), codes=t["code"],
                                              language=lang),
        "gantt": ev.gantt(gd, today=AS_OF, deadline=goal["deadline"].iloc[0],
                          dependencies=deps, language=lang),
        "dependency_graph": ev.dependency_graph(acts, deps, language=lang),
        "responsibility_matrix": ev.responsibility_matrix(
            A.responsibility_matrix(acts, owners), members=mem, actions=acts, language=lang),
    }


def _texts(ax) -> str:
    parts = [a.get_text() for a in ax.figure.findobj(Text) if a.get_text().strip()]
    parts.append(charts.describe(ax))
    return " | ".join(parts).replace("\n", " ")


# ----------------------------------------------------------------------------- colour meaning
def test_palette_has_one_place_and_reserved_meanings():
    assert palette.MEANING["problem"] == "#D55E00" and palette.MEANING["progress"] == "#009E73"
    # the problem colour is used for one status only: overdue
    assert [s for s, c in st.STATUS_COLORS.items() if c == palette.VERMILLION] == ["overdue"]
    assert st.STATUS_COLORS["done"] == palette.BLUISH_GREEN
    # categories never take a reserved colour: roles, CoPs, lesson kinds (success is progress)
    assert not set(st.ROLE_COLORS.values()) & palette.RESERVED
    assert not set(palette.CATEGORICAL) & palette.RESERVED
    assert palette.VERMILLION not in st.LESSON_KIND_COLORS.values()
    assert st.LESSON_KIND_COLORS["challenge"] not in (palette.VERMILLION,
                                                      st.STATUS_COLORS["in_progress"])
    assert len(set(st.LESSON_KIND_COLORS.values())) == len(st.LESSON_KIND_COLORS)
    assert charts.PALETTE["vermillion"] == palette.VERMILLION


def test_overdue_bar_is_the_problem_colour_and_nothing_else_is(t):
    drawn = _every_chart(t, None)
    ax = drawn["gantt"]
    table = charts.gantt_data(t["action"][t["action"].cop_id == COP], as_of=AS_OF)
    late = set(table.loc[table["overdue"].fillna(False).astype(bool), "action_id"])
    assert late  # the demo plan has overdue steps on this day
    bars = {p.get_gid()[4:]: to_hex(p.get_facecolor()) for p in ax.patches
            if (p.get_gid() or "").startswith("bar:")}
    assert {a for a, c in bars.items() if c == PROBLEM} == late
    # charts that show no problem use no vermillion at all
    calm = ["attendance_heatmap", "voice_equity", "voice_shares", "level_profile",
            "level_transitions", "likert_bars", "construct_means", "network", "network_circle",
            "code_frequencies", "cooccurrence", "coder_agreement", "dependency_graph"]
    for name in calm:
        assert PROBLEM not in _hexes(drawn[name]), name


def test_goal_progress_is_neutral_or_green_and_the_verdict_is_the_problem_colour(t):
    goal = t["goal"][t["goal"].goal_id == f"{COP}:g1"]
    ax = charts.goal_progress(goal, t["goal_measurement"], as_of=AS_OF)
    lines = {ln.get_gid(): to_hex(ln.get_color()) for ln in ax.lines if ln.get_gid()}
    assert lines["target"] == palette.BLUISH_GREEN.lower()
    assert PROBLEM not in lines.values()
    ga = A.goal_attainment(goal, t["goal_measurement"], as_of=AS_OF).iloc[0]
    (verdict,) = [x for x in ax.texts if x.get_gid() == "verdict"]
    if ga["progress"] >= 1:
        assert verdict.get_text() == "target reached"
        assert to_hex(verdict.get_color()) == palette.BLUISH_GREEN.lower()
    else:
        share = f"{round(100 * ga['progress'])}%"
        assert verdict.get_text() == (f"deadline passed: target not reached ({share} of the "
                                      "way)")
        assert to_hex(verdict.get_color()) == PROBLEM
    # before the deadline no verdict is drawn
    early = charts.goal_progress(goal, t["goal_measurement"], as_of="2025-12-01")
    assert not [x for x in early.texts if x.get_gid() == "verdict"] or ga["progress"] >= 1


def test_tree_progress_fruit_is_green_not_the_problem_colour(store):
    fig = charts.cop_tree(store, COP, as_of=AS_OF)
    fills = [p for p in fig.findobj(Wedge) if (p.get_gid() or "").startswith("fruit-fill:")]
    assert fills
    assert {to_hex(p.get_facecolor()) for p in fills} == {palette.BLUISH_GREEN.lower()}


# ----------------------------------------------------------------------------- Gantt axis
def test_gantt_axis_ends_at_the_plan_end_not_today(t):
    acts = t["action"][t["action"].cop_id == COP]
    table = charts.gantt_data(acts, as_of=AS_OF)
    plan_end = pd.to_datetime(table["earliest_finish"]).max()
    deadline = pd.Timestamp("2026-05-01")  # before the plan's end: the plan decides
    today = plan_end + pd.Timedelta(days=180)
    ax = charts.gantt(table, today=today, deadline=deadline)
    start = pd.to_datetime(table["earliest_start"]).min()
    lo, hi = ax.get_xlim()
    pad = max(0.03 * (mdates.date2num(plan_end) - mdates.date2num(start)), 2.0)
    assert hi == pytest.approx(mdates.date2num(plan_end) + pad)
    assert hi < mdates.date2num(today)
    assert not [ln for ln in ax.lines if ln.get_gid() == "today"]  # not stretched to today
    (note,) = [x for x in ax.texts if x.get_gid() == "today-note"]
    assert "after the end of the plan" in note.get_text()
    # a deadline after the last step is the cycle's end
    later = plan_end + pd.Timedelta(days=40)
    ax = charts.gantt(table, today=start + pd.Timedelta(days=3), deadline=later)
    assert ax.get_xlim()[1] == pytest.approx(mdates.date2num(later) + max(
        0.03 * (mdates.date2num(later) - mdates.date2num(start)), 2.0))
    assert [ln.get_gid() for ln in ax.lines if ln.get_gid() in ("today", "deadline")] \
        == ["deadline", "today"]


# ----------------------------------------------------------------------------- network
def test_network_of_up_to_12_is_a_matrix_with_uneven_pairs_framed(t):
    pr, mem = t["pair_rating"], t["member"]
    sub = pr[(pr.cop_id == COP) & (pr.wave == "post")]
    ids = list(dict.fromkeys([*mem.loc[mem.cop_id == COP, "member_id"], *sub.rater_id,
                              *sub.ratee_id]))
    assert len(ids) <= 12
    ax = charts.network(pr, mem, cop_id=COP, wave="post")
    cells = {p.get_gid(): p for p in ax.patches if isinstance(p, Rectangle)
             and re.match(r"(cell|unrated):", p.get_gid() or "")}
    assert len(cells) == len(ids) * (len(ids) - 1)  # every ordered pair, no diagonal
    level = {(a, b): int(v) for a, b, v in zip(sub.rater_id, sub.ratee_id, sub.level,
                                               strict=True)}
    for (a, b), v in level.items():
        cell = cells[f"cell:{a}->{b}"]
        assert to_hex(cell.get_facecolor()) == st.LEVEL_COLORS[st.LEVELS[v]].lower()
        x, y = cell.get_x() + 0.5, cell.get_y() + 0.5
        (num,) = [x_ for x_ in ax.texts if x_.get_position() == (x, y)]
        assert num.get_text() == str(v)
    # uneven: both rated, 2 or more apart by default, any difference with min_difference=1
    # (worked out here without the kit)
    for k, drawn in ((2, ax), (1, charts.network(pr, mem, cop_id=COP, wave="post",
                                                 min_difference=1))):
        want = {f"uneven:{a}->{b}" for (a, b), v in level.items()
                if (b, a) in level and abs(level[(b, a)] - v) >= k}
        assert want  # the demo has uneven pairs
        framed = {p.get_gid() for p in drawn.patches
                  if (p.get_gid() or "").startswith("uneven:")}
        assert framed == want
        assert f"{len(want) // 2} pairs rated each other {k} or more apart" in \
            charts.describe(drawn)
    assert not [p for p in ax.patches if p.__class__.__name__ == "FancyArrowPatch"]  # no hairball
    # more than 12 people: the circle
    big = charts.network(pr, mem, cop_id=COP, wave="post", matrix_up_to=len(ids) - 1)
    assert [p for p in big.patches if (p.get_gid() or "").startswith("node:")]


# ----------------------------------------------------------------------------- thin data
def test_goal_without_measurements_is_a_not_collected_panel(t):
    goal = t["goal"][t["goal"].goal_id == f"{COP}:g1"]
    for lang in i18n.LANGUAGES:
        ax = charts.goal_progress(goal, t["goal_measurement"].iloc[:0], language=lang)
        word = i18n.translator(lang).gettext("not collected yet")
        assert word[:1].upper() + word[1:] in [x.get_text() for x in ax.texts]
        assert [p for p in ax.patches if p.get_gid() == "not-collected"]
        assert not ax.axison and not ax.lines
        assert word in charts.describe(ax)


def test_goal_with_one_measurement_has_few_ticks_that_do_not_pile(t):
    goal = t["goal"][t["goal"].goal_id == f"{COP}:g1"].assign(agreed_on=None)
    meas = t["goal_measurement"][t["goal_measurement"].goal_id == f"{COP}:g1"].iloc[:1]
    for m in (meas, meas.assign(measured_on=goal["deadline"].iloc[0])):
        ax = charts.goal_progress(goal, m, as_of=AS_OF)
        fig = ax.figure
        fig.canvas.draw()
        labels = [lab for lab in ax.get_xticklabels() if lab.get_text()]
        assert 2 <= len(labels) <= 7
        boxes = sorted((lab.get_window_extent() for lab in labels), key=lambda b: b.x0)
        for left, right in zip(boxes, boxes[1:], strict=False):
            assert left.x1 <= right.x0, "tick labels overlap"


def test_gas_chart_without_scores_is_none_not_empty():
    empty = pd.DataFrame({"cop_id": pd.Series([], dtype=str), "goals": [], "scored": [],
                          "tscore": []})
    assert charts.gas_scores(empty) is None
    assert charts.gas_scores(pd.DataFrame({"cop_id": ["a"], "goals": [1], "scored": [0],
                                           "tscore": [np.nan]})) is None
    ax = charts.gas_scores(pd.DataFrame({"cop_id": ["a", "b"], "goals": [1, 1],
                                         "scored": [1, 0], "tscore": [43.0, np.nan]}))
    assert len(ax.patches) == 1
    assert [x.get_gid() for x in ax.texts].count("not-collected") == 1


# ----------------------------------------------------------------------------- titles fit
def test_titles_are_not_cut_off(t):
    long = t["goal"][t["goal"].goal_id == f"{COP}:g1"].assign(statement=(
        "By the end of the school year, at least half of the pupils with special educational "
        "needs take part in a games group at the big break at least twice a week, and say in "
        "the student survey that they feel welcome there"))
    drawn = _every_chart(t, "de")
    drawn["goal_long"] = charts.goal_progress(long, t["goal_measurement"], language="de")
    for name, ax in drawn.items():
        fig = ax.figure
        fig.canvas.draw()
        width = fig.bbox.width
        for title in (ax.title, ax._left_title, ax._right_title):  # noqa: SLF001
            if not title.get_text():
                continue
            box = title.get_window_extent()
            assert box.x0 >= -1 and box.x1 <= width + 1, (name, title.get_text())
        legend = ax.get_legend()
        if legend is not None:  # a legend wider than the figure is cut and squeezes the chart
            box = legend.get_window_extent()
            assert box.x0 >= -1 and box.x1 <= width + 1, (name, "legend")
        if ax.axison or name.startswith("network"):
            assert ax.get_window_extent().width >= 0.4 * width, (name, "chart squeezed")


# ----------------------------------------------------------------------------- languages
def _english_phrases() -> set[str]:
    with open(POT, "rb") as fh:
        ids = [m.id for m in read_po(fh) if m.id]
    out = set()
    for mid in ids:
        for text in (mid if isinstance(mid, tuple) else (mid,)):
            out |= {p.strip(" .,:;()") for p in re.split(r"\{[a-z_]+\}|\n", text)
                    if len(p.strip(" .,:;()").split()) >= 2}
    return out


@pytest.fixture(scope="module")
def english(t):
    drawn = _every_chart(t, "en")
    texts = {name: _texts(ax) for name, ax in drawn.items()}
    plt.close("all")
    return texts


@pytest.mark.parametrize("lang", [lang for lang in i18n.LANGUAGES if lang != "en"])
def test_every_chart_renders_without_english_left(t, english, lang):
    # the codebook's labels are the group's own words (data), not the kit's messages
    data = {str(v).replace("_", " ").capitalize() for v in t["code"]["label"]}
    # so are the pseudonyms ("Special needs teacher A" holds the role label's words)
    pseudonyms = [str(v) for v in t["member"]["pseudonym"]]
    phrases = {p for p in _english_phrases()
               if p not in data and not any(p in ps for ps in pseudonyms)}
    drawn = _every_chart(t, lang)
    assert set(drawn) == set(english)
    bite = 0
    for name, ax in drawn.items():
        shown = [p for p in phrases if p in english[name]]
        bite += len(shown)
        other = _texts(ax)
        left = [p for p in shown if p in other]
        assert not left, f"{lang}, {name}: English left: {left}"
    assert bite >= 60  # the check has something to bite on


@pytest.mark.parametrize("lang", [lang for lang in i18n.LANGUAGES if lang != "en"])
def test_single_words_of_the_vocabularies_are_translated(t, english, lang):
    """Levels, roles, role groups, waves and statuses: no label stays in English."""
    from cocope_kit.charts import _common as cm

    tr = i18n.translator(lang)
    words = [*cm.LEVEL_LABELS.values(), *cm.ROLE_LABELS.values(),
             *cm.ROLE_GROUP_LABELS.values(), *cm.WAVE_LABELS.values(),
             *st.STATUS_LABELS.values()]
    data = {str(v).replace("_", " ").lower() for v in t["code"]["label"]}  # the group's words
    words = [w for w in words if tr.gettext(w).lower() != w.lower() and w not in data]
    drawn = _every_chart(t, lang)
    hits = 0
    for name, ax in drawn.items():
        en_labels = {x.strip().lower() for x in english[name].split(" | ")}
        labels = {a.get_text().replace("\n", " ").strip().lower()
                  for a in ax.figure.findobj(Text)}
        for w in words:
            hits += w.lower() in en_labels
            assert w.lower() not in labels, f"{lang}, {name}: {w!r} left in English"
    assert hits >= 10


def test_tree_after_the_deadline_says_the_target_was_not_reached(store, t):
    goal = t["goal"][t["goal"].cop_id == COP].iloc[0]
    ga = A.goal_attainment(t["goal"][t["goal"].goal_id == goal.goal_id], t["goal_measurement"],
                           as_of=AS_OF).iloc[0]
    assert pd.Timestamp(goal.deadline) < pd.Timestamp(AS_OF) and ga["progress"] < 1
    fig = charts.cop_tree(store, COP, as_of=AS_OF, language="en")
    shown = " ".join(x.get_text().replace("\n", " ") for x in fig.findobj(Text))
    share = f"{round(100 * ga['progress'])}%"
    phrase = f"deadline passed: target not reached ({share} of the way)"
    assert phrase in shown and phrase in charts.describe(fig)
    assert "behind schedule" not in shown + charts.describe(fig)
    # before the deadline the tree still says whether the goal is on track
    early = charts.cop_tree(store, COP, as_of="2026-05-30", language="en")
    assert "deadline passed" not in charts.describe(early)


EMPTY = {
    "attendance_heatmap": lambda t: charts.attendance_heatmap(
        charts.attendance_data(t["attendance"], t["member"], t["meeting"]).iloc[:0]),
    "voice_shares": lambda t: charts.voice_shares(
        A.voice_equity(t["attendance"], t["member"], t["meeting"], by="cop_id").iloc[:0]),
    "level_profile": lambda t: charts.level_profile(A.level_of_working_together(
        A.scale_scores(t["response"], t["answer"], "working_together"), t["answer"]).iloc[:0]),
    "likert_bars": lambda t: charts.likert_bars(
        A.likert_counts(t["response"], t["answer"], "cop_climate").iloc[:0]),
    "construct_means": lambda t: charts.construct_means(A.construct_scores(
        A.scale_scores(t["response"], t["answer"], "cop_climate")).iloc[:0]),
    "network": lambda t: charts.network(t["pair_rating"].iloc[:0], t["member"], cop_id=COP),
    "code_frequencies": lambda t: charts.code_frequencies(A.code_frequencies(
        t["coding"], t["interview"], t["code"], by="respondent_role").iloc[:0]),
    "cooccurrence": lambda t: charts.cooccurrence(A.cooccurrence(t["coding"]).iloc[:0]),
    "coder_agreement": lambda t: charts.coder_agreement(A.coder_agreement(t["coding"]).iloc[:0]),
    "gantt": lambda t: charts.gantt(charts.gantt_data(t["action"].iloc[:0])),
    "dependency_graph": lambda t: charts.dependency_graph(t["action"].iloc[:0],
                                                          t["action_dependency"].iloc[:0]),
    "responsibility_matrix": lambda t: charts.responsibility_matrix(
        A.responsibility_matrix(t["action"], t["action_owner"]).iloc[:0]),
}


@pytest.mark.parametrize("name", sorted(EMPTY))
def test_a_chart_without_data_is_a_not_collected_panel(t, name):
    ax = EMPTY[name](t)
    assert charts.is_placeholder(ax)
    assert not ax.axison and not ax.lines and not ax.collections and not ax.images
    assert "Not collected yet" in [x.get_text() for x in ax.texts]
    assert "not collected yet" in charts.describe(ax)
    # a chart with data is no placeholder
    assert not charts.is_placeholder(_every_chart_one(t, name))


def _every_chart_one(t, name):
    return _every_chart(t, None)[name]
