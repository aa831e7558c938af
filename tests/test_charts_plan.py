"""Charts of the action plan, tested through their artists (STYLE 12; seaborn ``_testing.py``)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as hst  # noqa: E402
from matplotlib.colors import to_hex, to_rgba  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from cocope_kit import analysis, charts  # noqa: E402
from cocope_kit.charts import _style as st  # noqa: E402
from cocope_kit.charts import plan as cp  # noqa: E402
from cocope_kit.errors import CocopeError  # noqa: E402

AS_OF = "2026-04-10"
NAMES = ["Ana Silva", "Ben Peeters", "Carla Mendes", "Dirk Janssens"]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def plan():
    """Five steps of one CoP: a chain a1 → a2 → a4, a1 → a3, and a5 without dates."""
    actions = pd.DataFrame({
        "action_id": ["a1", "a2", "a3", "a4", "a5"],
        "cop_id": "c1",
        "goal_id": "g1",
        "title": ["Map the playground", "Games corner at the big break",
                  "Buddy training for pupils and teachers together", "Evaluate with pupils",
                  "Parents' evening"],
        "start_on": ["2026-03-01", "2026-03-12", "2026-03-05", "2026-04-20", None],
        "due_on": ["2026-03-10", "2026-04-05", "2026-03-20", "2026-05-15", None],
        "status": ["done", "in_progress", "planned", "planned", "dropped"],
        "done_on": ["2026-03-09", None, None, None, None],
    })
    deps = pd.DataFrame({"action_id": ["a2", "a3", "a4"],
                         "depends_on_id": ["a1", "a1", "a2"]})
    owners = pd.DataFrame({"action_id": ["a1", "a2", "a2", "a3", "a3", "a3", "a4"],
                           "member_id": ["m1", "m1", "m2", "m2", "m3", "m4", "m4"],
                           "lead": [True, False, True, False, False, False, False]})
    members = pd.DataFrame({"member_id": ["m1", "m2", "m3", "m4", "m5"], "cop_id": "c1",
                            "name": NAMES + ["Eva Novak"],
                            "pseudonym": ["Teacher A", "Student A", "Parent A", "Teacher B",
                                          "Psychologist A"],
                            "role": ["teacher", "student", "parent", "teacher",
                                     "psychologist"]})
    return {"actions": actions, "deps": deps, "owners": owners, "members": members}


@pytest.fixture
def table(plan):
    return cp.gantt_data(plan["actions"].iloc[:4], dependencies=plan["deps"],
                         owners=plan["owners"], members=plan["members"], as_of=AS_OF)


def _bars(ax):
    return {p.get_gid()[4:]: p for p in ax.patches if (p.get_gid() or "").startswith("bar:")}


def _arrows(ax, prefix=("dependency:", "critical:")):
    return [p for p in ax.patches if (p.get_gid() or "").startswith(prefix)]


def _texts(fig) -> str:
    return "\n".join(t.get_text() for t in fig.findobj(Text))


# ----------------------------------------------------------------------------- gantt_data
def test_gantt_data_is_a_join_of_analysis_tables(plan, table):
    sched = analysis.schedule(plan["actions"].iloc[:4], plan["deps"])
    status = analysis.step_status(plan["actions"].iloc[:4], as_of=AS_OF)
    assert table.columns.tolist() == [
        "action_id", "title", "order", "start_on", "due_on", "done_on", "earliest_start",
        "earliest_finish", "slack_days", "critical", "status", "overdue", "days_late",
        "n_owners", "owner", "owners"]
    assert table["action_id"].tolist() == sched["action_id"].tolist()
    for col in ("earliest_start", "earliest_finish", "slack_days", "critical"):
        assert table[col].tolist() == sched[col].tolist()
    merged = table.merge(status, on="action_id", suffixes=("", "_s"))
    assert (merged["overdue"] == merged["overdue_s"]).all()
    by_id = table.set_index("action_id")
    assert by_id.loc["a3", "n_owners"] == 3 and by_id.loc["a3", "owner"] == "shared"
    assert by_id.loc["a2", "owner"] == "Student A"  # the lead
    assert by_id.loc["a2", "owners"] == "Student A, Teacher A"  # lead first
    assert by_id.loc["a4", "owner"] == "Teacher B"  # sole owner
    assert not any(n in " ".join(table["owners"].dropna()) for n in NAMES)


def test_gantt_data_without_owners(plan):
    t = cp.gantt_data(plan["actions"].iloc[:4], as_of=AS_OF)
    assert (t["n_owners"] == 0).all() and t["owner"].isna().all()


# ----------------------------------------------------------------------------- gantt
def test_gantt_bars_match_the_schedule(table):
    ax = cp.gantt(table)
    bars = _bars(ax)
    assert len(bars) == len(table)
    for row in table.itertuples():
        bar = bars[row.action_id]
        start = mdates.date2num(row.earliest_start)
        assert bar.get_x() == pytest.approx(start)
        assert bar.get_width() == pytest.approx(mdates.date2num(row.earliest_finish) - start)
        assert bar.get_y() + bar.get_height() / 2 == pytest.approx(row.order - 1)  # top to bottom
        shown = "overdue" if row.overdue else row.status
        assert to_hex(bar.get_facecolor()) == st.STATUS_COLORS[shown].lower()
        assert (bar.get_hatch() or "") == st.STATUS_HATCHES[shown]
    labels = [t.get_text().replace("\n", " ") for t in ax.get_yticklabels()]
    assert labels == table["title"].tolist()
    assert ax.yaxis_inverted()


def test_gantt_marks_overdue_and_critical_steps(table):
    ax = cp.gantt(table)
    bars = _bars(ax)
    # a2 is due 2026-04-05 and still in progress on 2026-04-10: overdue, 5 days late
    assert to_hex(bars["a2"].get_facecolor()) == st.VERMILLION.lower()
    assert any(t.get_text().strip() == "5 days late" for t in ax.texts)
    critical = set(table.loc[table["critical"], "action_id"])
    assert critical
    for aid, bar in bars.items():
        assert (bar.get_linewidth() > 2) == (aid in critical)


def test_gantt_from_action_table_uses_start_and_due(plan):
    acts = plan["actions"]
    ax = cp.gantt(acts)
    bars = _bars(ax)
    assert set(bars) == {"a1", "a2", "a3", "a4"}  # a5 has no dates: a row but no bar
    assert len(ax.get_yticks()) == 5
    a3 = acts.set_index("action_id").loc["a3"]
    assert bars["a3"].get_x() == pytest.approx(mdates.date2num(pd.Timestamp(a3.start_on)))
    assert bars["a3"].get_width() == pytest.approx(15)
    assert "no dates" in " ".join(t.get_text() for t in ax.texts)
    assert "No dates yet: Parents' evening" in charts.describe(ax)


def test_gantt_today_and_deadline_lines(table):
    ax = cp.gantt(table, today=AS_OF, deadline="2026-06-30")
    lines = {ln.get_gid(): ln for ln in ax.lines}
    assert lines["today"].get_xdata()[0] == pytest.approx(mdates.date2num(pd.Timestamp(AS_OF)))
    assert lines["deadline"].get_xdata()[0] == pytest.approx(
        mdates.date2num(pd.Timestamp("2026-06-30")))
    lo, hi = ax.get_xlim()
    assert lo < mdates.date2num(pd.Timestamp("2026-03-01")) and hi > lines["deadline"].get_xdata()[0]
    words = " ".join(t.get_text() for t in ax.texts)
    assert "today 10 Apr 2026" in words and "goal deadline 30 Jun 2026" in words
    assert {"today", "goal deadline"} <= {t.get_text() for t in ax.get_legend().get_texts()}


def test_gantt_without_lines_has_none(table):
    ax = cp.gantt(table)
    assert not [ln for ln in ax.lines if ln.get_gid() in ("today", "deadline")]


def test_gantt_one_arrow_per_dependency_between_bars(plan, table):
    deps = pd.concat([plan["deps"], pd.DataFrame({"action_id": ["a5"],
                                                  "depends_on_id": ["a4"]})])
    ax = cp.gantt(table, dependencies=deps)  # a5 is not in the table: no arrow
    arrows = _arrows(ax)
    assert len(arrows) == len(plan["deps"])
    assert {a.get_gid() for a in arrows} == {f"dependency:{b}->{a}" for a, b in
                                             zip(plan["deps"].action_id,
                                                 plan["deps"].depends_on_id, strict=True)}
    assert "3 arrows show steps that must wait for another" in charts.describe(ax)


def test_gantt_color_by_owner(table):
    ax = cp.gantt(table, color_by="owner")
    bars = _bars(ax)
    by_owner = table.set_index("action_id")["owner"]
    colors = {by_owner[a]: to_hex(b.get_facecolor()) for a, b in bars.items()}
    assert len(set(colors.values())) == len(colors)  # one colour per owner label
    assert colors["shared"] == st.GREY.lower()
    legend = {t.get_text() for t in ax.get_legend().get_texts()}
    assert {"Teacher A", "Student A", "Teacher B", "shared"} <= legend
    assert not any(n in _texts(ax.figure) for n in NAMES)
    assert "Bars coloured by the person responsible" in charts.describe(ax)


def test_gantt_description_has_the_numbers(table):
    ax = cp.gantt(table, today=AS_OF, deadline="2026-06-30", dependencies=None)
    text = charts.describe(ax)
    assert text.startswith("Action plan of 4 steps from 1 Mar 2026 to 15 May 2026:")
    # a2 (in progress, due 5 Apr) and a3 (planned, due 20 Mar) are overdue on 10 Apr
    assert ": 1 planned, 1 done, 2 overdue." in text
    assert "Seen on 10 Apr 2026" in text and "Goal deadline: 30 Jun 2026" in text
    assert "Overdue: Buddy training for pupils and teachers together; Games corner" in text


def test_gantt_draws_on_a_given_axes(table):
    fig, ax = plt.subplots()
    assert cp.gantt(table, ax=ax) is ax


@pytest.mark.parametrize("kwargs, match", [
    ({"color_by": "role"}, "color_by"),
    ({"start": "start_on"}, "both start= and end="),
    ({"today": "not a day"}, "date"),
])
def test_gantt_bad_arguments(table, kwargs, match):
    with pytest.raises(CocopeError, match=match):
        cp.gantt(table, **kwargs)


def test_gantt_bad_tables(table):
    with pytest.raises(CocopeError, match="DataFrame"):
        cp.gantt([1, 2])
    with pytest.raises(CocopeError, match="owner"):
        cp.gantt(table.drop(columns="owner"), color_by="owner")
    with pytest.raises(CocopeError, match="bar dates"):
        cp.gantt(table[["action_id", "title"]])
    with pytest.raises(CocopeError, match="unknown step status"):
        cp.gantt(table.assign(status="finished", overdue=False))


def test_gantt_without_status_column_is_neutral():
    sched = pd.DataFrame({"action_id": ["a"], "earliest_start": [pd.Timestamp("2026-01-01")],
                          "earliest_finish": [pd.Timestamp("2026-01-05")]})
    ax = cp.gantt(sched)
    assert to_hex(_bars(ax)["a"].get_facecolor()) == st.BLUE.lower()
    assert "status not given" in charts.describe(ax)


# ----------------------------------------------------------------------------- dependency graph
def test_dependency_layout_layers_are_longest_chains(plan):
    lay = cp.dependency_layout(plan["actions"], plan["deps"]).set_index("action_id")
    assert lay["layer"].to_dict() == {"a1": 0, "a2": 1, "a3": 1, "a4": 2, "a5": 0}
    assert sorted(lay.loc[lay.layer == 1, "row"]) == [0, 1]


def test_dependency_layout_rejects_cycles(plan):
    deps = pd.concat([plan["deps"], pd.DataFrame({"action_id": ["a1"],
                                                  "depends_on_id": ["a4"]})])
    with pytest.raises(CocopeError, match="cycle"):
        cp.dependency_layout(plan["actions"], deps)


@settings(max_examples=40, deadline=None)
@given(hst.lists(hst.tuples(hst.integers(0, 9), hst.integers(0, 9)), max_size=25))
def test_dependency_layout_puts_every_step_right_of_what_it_waits_for(edges):
    # edges only from a lower to a higher index: never a cycle
    deps = pd.DataFrame([(f"s{max(a, b)}", f"s{min(a, b)}") for a, b in edges if a != b],
                        columns=["action_id", "depends_on_id"])
    actions = pd.DataFrame({"action_id": [f"s{i}" for i in range(10)]})
    lay = cp.dependency_layout(actions, deps).set_index("action_id")
    for a, b in zip(deps.action_id, deps.depends_on_id, strict=True):
        assert lay.loc[a, "layer"] > lay.loc[b, "layer"]
    # rows within a layer are 0..k-1
    for _, grp in lay.groupby("layer"):
        assert sorted(grp["row"]) == list(range(len(grp)))


def test_dependency_graph_boxes_arrows_and_critical_path(plan):
    acts = plan["actions"].iloc[:4]
    sched = analysis.schedule(acts, plan["deps"])
    ax = cp.dependency_graph(acts, plan["deps"], schedule=sched)
    boxes = {p.get_gid()[5:]: p for p in ax.patches if (p.get_gid() or "").startswith("step:")}
    assert set(boxes) == set(acts.action_id)
    assert len(_arrows(ax)) == len(plan["deps"])
    critical = set(sched.loc[sched.critical, "action_id"])
    for aid, box in boxes.items():
        assert (box.get_linewidth() > 3) == (aid in critical)
    es = sched.set_index("action_id")["earliest_start"]
    ef = sched.set_index("action_id")["earliest_finish"]
    tight = {f"{b}->{a}" for a, b in zip(plan["deps"].action_id, plan["deps"].depends_on_id,
                                         strict=True)
             if a in critical and b in critical and es[a] == ef[b]}
    assert {p.get_gid()[9:] for p in _arrows(ax, ("critical:",))} == tight
    lay = cp.dependency_layout(acts, plan["deps"], schedule=sched).set_index("action_id")
    xs = {aid: box.get_x() + box.get_width() / 2 for aid, box in boxes.items()}
    for aid, x in xs.items():
        assert x == pytest.approx(lay.loc[aid, "layer"])  # left to right by layer
    text = charts.describe(ax)
    assert "4 steps, 3 dependencies" in text
    assert "Critical path" in text


def test_dependency_graph_computes_the_schedule_when_not_given(plan):
    acts = plan["actions"].iloc[:4]
    ax = cp.dependency_graph(acts, plan["deps"])
    ax2 = cp.dependency_graph(acts, plan["deps"],
                              schedule=analysis.schedule(acts, plan["deps"]))
    assert charts.describe(ax) == charts.describe(ax2)


def test_dependency_graph_statuses_by_colour_and_marker(plan):
    acts = plan["actions"].iloc[:4].merge(
        analysis.step_status(plan["actions"].iloc[:4], as_of=AS_OF)[["action_id", "overdue"]])
    ax = cp.dependency_graph(acts, plan["deps"])
    markers = {ln.get_marker() for ln in ax.lines}
    assert {st.STATUS_MARKERS[s] for s in ("done", "overdue", "planned")} <= markers
    legend = {t.get_text() for t in ax.get_legend().get_texts()}
    assert {"done", "overdue", "planned"} <= legend


# ----------------------------------------------------------------------------- responsibility
def test_responsibility_matrix_markers_match_lead_and_shared(plan):
    acts = plan["actions"].iloc[:4]
    m = analysis.responsibility_matrix(acts, plan["owners"], plan["members"])
    ax = cp.responsibility_matrix(m, members=plan["members"], actions=acts)
    cols = plan["members"]["member_id"].tolist()  # every member, also m5 without a step
    rows = acts["action_id"].tolist()
    colls = {c.get_gid(): c for c in ax.collections}
    for kind in ("sole", "lead", "shared"):
        sub = m[m.responsibility == kind]
        want = sorted((cols.index(p), rows.index(a)) for a, p in
                      zip(sub.action_id, sub.member_id, strict=True))
        got = sorted(map(tuple, colls[f"responsibility:{kind}"].get_offsets().tolist()))
        assert got == want
    # symbol and colour differ between lead, sole and shared
    assert len({c.get_paths()[0].vertices.shape for c in colls.values()}) >= 2
    faces = {k: to_hex(colls[f"responsibility:{k}"].get_facecolor()[0])
             for k in ("sole", "lead", "shared")}
    assert faces["lead"] == st.BLACK.lower() and faces["sole"] == st.BLUE.lower()
    assert faces["shared"] == "#ffffff"  # a ring
    assert to_hex(colls["responsibility:shared"].get_edgecolor()[0]) == st.SKY_BLUE.lower()
    # leading a step is not a problem: never the problem colour (charts.palette)
    assert st.VERMILLION.lower() not in set(faces.values())


def test_responsibility_matrix_labels_are_pseudonyms(plan):
    m = analysis.responsibility_matrix(plan["actions"], plan["owners"])
    ax = cp.responsibility_matrix(m, members=plan["members"], actions=plan["actions"])
    xlabels = [t.get_text().replace("\n", " ") for t in ax.get_xticklabels()]
    assert xlabels == plan["members"]["pseudonym"].tolist()
    assert not any(n in _texts(ax.figure) for n in NAMES + ["Eva Novak"])
    # role colours on the member labels
    colours = {t.get_text(): to_hex(t.get_color()) for t in ax.get_xticklabels()}
    assert colours["Student A"] == st.ROLE_COLORS["student"].lower()
    assert colours["Parent A"] == st.ROLE_COLORS["family"].lower()
    # steps without an owner are marked
    marked = [t for t in ax.get_yticklabels() if "(nobody responsible yet)" in t.get_text()]
    assert marked and all(to_hex(t.get_color()) == st.VERMILLION.lower() for t in marked)
    text = charts.describe(ax)
    assert "5 steps, 5 members" in text and "Without a step: Psychologist A" in text
    assert "Nobody responsible yet: Parents' evening" in text


def test_responsibility_matrix_without_members_uses_ids(plan):
    m = analysis.responsibility_matrix(plan["actions"], plan["owners"])
    ax = cp.responsibility_matrix(m)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["m1", "m2", "m3", "m4"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a1", "a2", "a3", "a4"]


def test_responsibility_matrix_rejects_unknown_kinds(plan):
    m = analysis.responsibility_matrix(plan["actions"], plan["owners"])
    with pytest.raises(CocopeError, match="responsibility"):
        cp.responsibility_matrix(m.assign(responsibility="boss"))
    with pytest.raises(CocopeError, match="lacks the column"):
        cp.responsibility_matrix(m.drop(columns="responsibility"))


# ----------------------------------------------------------------------------- style, alt text
def test_describe_needs_a_description():
    fig, ax = plt.subplots()
    with pytest.raises(CocopeError, match="no description"):
        charts.describe(ax)
    with pytest.raises(CocopeError):
        charts.describe("not a chart")
    charts.set_description(ax, "  A chart\n of  3 things. ")
    assert charts.describe(ax) == "A chart of 3 things."
    assert charts.describe(fig) == "A chart of 3 things."  # figure falls back to its axes


def test_descriptions_do_not_keep_figures_alive():
    import gc

    fig, ax = plt.subplots()
    charts.set_description(ax, "x")
    n = len(st._DESCRIPTIONS)
    plt.close(fig)
    del fig, ax
    gc.collect()
    assert len(st._DESCRIPTIONS) < n


def test_save_embeds_the_description(table, tmp_path):
    from PIL import Image

    ax = cp.gantt(table)
    charts.save(ax, tmp_path / "g.png", dpi=40)
    charts.save(ax, tmp_path / "g.svg")
    charts.save(ax, tmp_path / "g.pdf", title="Plan")
    assert Image.open(tmp_path / "g.png").info["Description"] == charts.describe(ax)
    assert "Action plan of 4 steps" in (tmp_path / "g.svg").read_text()
    assert (tmp_path / "g.pdf").read_bytes().startswith(b"%PDF")


def test_palette_and_status_encodings_are_distinct():
    assert len(set(st.OKABE_ITO)) == 8
    for enc in (st.STATUS_COLORS, st.STATUS_HATCHES, st.STATUS_MARKERS):
        assert set(enc) == set(st.STATUSES)
        assert len(set(map(str, enc.values()))) == len(st.STATUSES)
    # level colours get darker with the level (order survives a grey print)
    lum = [np.dot(to_rgba(st.LEVEL_COLORS[lv])[:3], [0.2126, 0.7152, 0.0722])
           for lv in st.LEVELS]
    assert lum == sorted(lum, reverse=True)
    assert set(st.ROLE_COLORS) == {"professional", "student", "family", "other"}
    assert st.TICK_SIZE >= 14 and st.TITLE_SIZE >= 18


def test_display_status():
    assert st.display_status("done", False) == "done"
    assert st.display_status("in_progress", np.bool_(True)) == "overdue"
    assert st.display_status(None, pd.NA) == "planned"
    with pytest.raises(CocopeError):
        st.display_status("finished")
