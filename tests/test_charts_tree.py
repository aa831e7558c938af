"""The CoP tree poster, tested through its artists and its tables (STYLE 2 and 12).

Run ``python tests/test_charts_tree.py`` to redraw the PNGs in ``docs/img`` from the demo.
"""

from __future__ import annotations

import itertools

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Circle  # noqa: E402
from matplotlib.text import Text  # noqa: E402

import cocope_kit as ck  # noqa: E402
from cocope_kit import analysis, charts  # noqa: E402
from cocope_kit.charts import _style as st  # noqa: E402
from cocope_kit.charts import tree as ct  # noqa: E402
from cocope_kit.errors import CocopeError  # noqa: E402

AS_OF = "2026-05-10"
C = "be-1"
STATEMENT = ("By 30 June 2026, at least 12 pupils of class 3B, among them the four pupils with "
             "an individual plan, play in mixed groups at the big break.")
NAMES = ["Ana Silva", "Ben Peeters", "Carla Mendes", "Dirk Janssens", "Eva Novak"]


def tree_rows(n_lessons: int = 3, measurements: bool = True) -> dict[str, list[dict]]:
    """Five members (one withdrew, one student's assent pending), a goal, five steps owned by
    0-3 people, two dependencies, lessons (one written after AS_OF)."""
    pseud = ["Teacher A", "Student B", "Parent A", "Teacher B", "Student C"]
    roles = ["teacher", "student", "parent", "teacher", "student"]
    members = [{"member_id": f"{C}:m{i + 1}", "cop_id": C, "name": NAMES[i],
                "pseudonym": pseud[i], "role": roles[i]} for i in range(5)]
    consent = [{"member_id": f"{C}:m{i + 1}", "kind": "consent",
                "status": "withdrawn" if i == 3 else "given", "recorded_on": "2026-01-12"}
               for i in range(5)]
    consent += [{"member_id": f"{C}:m2", "kind": "assent", "status": "given",
                 "recorded_on": "2026-01-12"},
                {"member_id": f"{C}:m5", "kind": "assent", "status": "pending",
                 "recorded_on": "2026-01-12"}]
    act = [("a1", "Map the playground", "2026-02-10", "2026-02-20", "done", "2026-02-19"),
           ("a2", "Games corner", "2026-02-21", "2026-06-15", "in_progress", None),
           ("a3", "Buddy training with pupils", "2026-03-01", "2026-06-20", "planned", None),
           ("a4", "Rain plan", "2026-03-05", "2026-04-01", "dropped", None),
           ("a5", "Tell the parents", "2026-03-10", "2026-04-20", "planned", None)]
    actions = [{"action_id": f"{C}:{a}", "cop_id": C, "goal_id": f"{C}:g1", "title": t,
                "start_on": s, "due_on": d, "status": stt, "done_on": done}
               for a, t, s, d, stt, done in act]
    owners = [("a1", 1, True), ("a2", 1, True), ("a2", 2, False), ("a3", 2, False),
              ("a3", 3, False), ("a3", 4, False), ("a4", 5, True)]  # a5: nobody
    kinds = ["success", "challenge", "insight", "resource", "side_effect",
             "unexpected_benefit", "success", "insight"]
    lessons = [{"lesson_id": f"{C}:l{i}", "cop_id": C, "kind": kinds[i % len(kinds)],
                "title": f"Lesson {i}: pupils know best", "text": "…",
                "created_on": "2026-05-01"} for i in range(n_lessons)]
    lessons.append({"lesson_id": f"{C}:late", "cop_id": C, "kind": "insight",
                    "title": "Written after the day shown", "text": "…",
                    "created_on": "2026-06-01"})
    rows = {
        "cop": [{"cop_id": C, "name": "Reading buddies", "school": "GO! Gent", "country": "BE",
                 "language": "nl", "created_on": "2026-01-12"}],
        "member": members,
        "consent": consent,
        "goal": [{"goal_id": f"{C}:g1", "cop_id": C, "statement": STATEMENT,
                  "indicator": "pupils in mixed play", "unit": "pupils", "baseline": 4.0,
                  "target": 12.0, "deadline": "2026-06-30", "agreed_on": "2026-02-02"}],
        "action": actions,
        "action_owner": [{"action_id": f"{C}:{a}", "member_id": f"{C}:m{m}", "lead": lead}
                         for a, m, lead in owners],
        "action_dependency": [{"action_id": f"{C}:a2", "depends_on_id": f"{C}:a1"},
                              {"action_id": f"{C}:a3", "depends_on_id": f"{C}:a2"}],
        "lesson": lessons,
    }
    if measurements:
        rows["goal_measurement"] = [
            {"measurement_id": f"{C}:gm1", "goal_id": f"{C}:g1", "measured_on": "2026-03-01",
             "value": 6.0},
            {"measurement_id": f"{C}:gm2", "goal_id": f"{C}:g1", "measured_on": "2026-05-01",
             "value": 8.0},
            {"measurement_id": f"{C}:gm3", "goal_id": f"{C}:g1", "measured_on": "2026-06-01",
             "value": 11.0},  # after AS_OF
        ]
    return rows


def _store(rows):
    s = ck.open_store(":memory:")
    s.write(rows)
    return s


@pytest.fixture(scope="module")
def store():
    s = _store(tree_rows())
    yield s
    s.close()


@pytest.fixture(scope="module")
def data(store):
    return charts.cop_tree_data(store, C, as_of=AS_OF)


@pytest.fixture(scope="module")
def fig(data):
    return charts.draw_cop_tree(data, language="en")


def _gid(fig, prefix, kind=object):
    return [a for a in fig.findobj(lambda a: isinstance(a, kind)
                                   and str(a.get_gid() or "").startswith(prefix))]


def _all_text(fig) -> str:
    return "\n".join(t.get_text() for t in fig.findobj(Text))


# ----------------------------------------------------------------------------- the tables
def test_tree_data_tables(data, store):
    assert sorted(data) == ["cop", "fruits", "goal", "links", "plan", "steps"]
    steps = data["steps"].set_index("action_id")
    assert list(data["steps"]["action_id"]) == [f"{C}:a{i}" for i in range(1, 6)]  # by start
    assert steps["n_owners"].tolist() == [1, 2, 3, 1, 0]
    assert steps["display_status"].tolist() == ["done", "in_progress", "planned", "dropped",
                                                "overdue"]
    assert steps["side"].tolist() == ["left", "right", "left", "right", "left"]
    assert steps["level"].tolist() == [0, 0, 1, 1, 2]
    # pseudonyms only; the withdrawn teacher and the student without assent are counted, not named
    assert steps.loc[f"{C}:a2", "owners"] == "Teacher A, Student B"
    assert steps.loc[f"{C}:a2", "lead"] == "Teacher A"
    assert steps.loc[f"{C}:a3", "owners"] == "Student B, Parent A"
    assert steps.loc[f"{C}:a3", "hidden_owners"] == 1
    assert pd.isna(steps.loc[f"{C}:a4", "owners"]) and steps.loc[f"{C}:a4", "hidden_owners"] == 1
    # links: pairs of steps with a common owner, counted independently here
    own = store.read("action_owner")
    sets = own.groupby("action_id")["member_id"].agg(set).to_dict()
    want = {(a, b): len(sets[a] & sets[b]) for a, b in itertools.combinations(sorted(sets), 2)
            if sets[a] & sets[b]}
    got = {(r.action_id, r.other_action_id): r.shared_owners for r in data["links"].itertuples()}
    assert got == want == {(f"{C}:a1", f"{C}:a2"): 1, (f"{C}:a2", f"{C}:a3"): 1}
    # the goal comes with goal_progress as of AS_OF (the June measurement does not count)
    prog = analysis.goal_progress(store.read("goal"), store.read("goal_measurement"),
                                  as_of=AS_OF)
    g = data["goal"].iloc[0]
    assert g["statement"] == STATEMENT
    assert g["latest_value"] == prog["latest_value"].iloc[0] == 8.0
    assert g["progress"] == pytest.approx(0.5)
    # fruits: the progress fruit and the lessons written up to AS_OF
    assert data["fruits"]["kind"].tolist() == ["progress", "success", "challenge", "insight"]
    assert data["fruits"]["fruit_id"].iloc[0] == f"progress:{C}:g1"
    plan = analysis.plan_indicators(store.read("action"), store.read("action_owner"),
                                    store.read("action_dependency"), store.read("member"))
    pd.testing.assert_frame_equal(data["plan"], plan.reset_index(drop=True))
    assert data["cop"]["as_of"].iloc[0] == pd.Timestamp(AS_OF)


def test_tree_reads_the_store_only_through_read(store):
    class ReadOnly:
        def __init__(self, inner):
            self._inner, self.tables = inner, []

        def read(self, table):
            self.tables.append(table)
            return self._inner.read(table)

    proxy = ReadOnly(store)
    fig = charts.cop_tree(proxy, C, as_of=AS_OF, language="en")
    assert isinstance(fig, Figure)
    assert set(proxy.tables) <= set(ct._TABLES)


def test_tree_bad_input(store):
    with pytest.raises(CocopeError, match="be-1"):
        charts.cop_tree(store, "nope", as_of=AS_OF, language="en")
    with pytest.raises(CocopeError, match="read"):
        charts.cop_tree(object(), C)
    with pytest.raises(CocopeError, match="paper"):
        charts.cop_tree(store, C, as_of=AS_OF, paper="letter")
    with pytest.raises(CocopeError, match="lacks"):
        charts.draw_cop_tree({"cop": pd.DataFrame()})


# ----------------------------------------------------------------------------- the drawing
def test_one_branch_per_step_coloured_by_status_thicker_with_owners(fig, data):
    steps = data["steps"]
    branches = {b.get_gid()[7:]: b for b in _gid(fig, "branch:", Line2D)}
    assert set(branches) == set(steps["action_id"])
    for s in steps.itertuples():
        b = branches[s.action_id]
        assert to_hex(b.get_color()) == st.STATUS_COLORS[s.display_status].lower()
    widths = sorted((s.n_owners, branches[s.action_id].get_linewidth())
                    for s in steps.itertuples())
    for (n1, w1), (n2, w2) in itertools.pairwise(widths):
        assert (w2 > w1) if n2 > n1 else (w2 == w1)
    # status also by line style (grey prints): done solid, planned dashed, dropped dotted
    # (Line2D has no public getter for a dash pattern; _unscaled_dash_pattern is (offset, seq))
    dashes = {s.display_status: branches[s.action_id]._unscaled_dash_pattern[1]
              for s in steps.itertuples()}
    assert dashes["done"] is None and dashes["overdue"] is None
    assert dashes["planned"] == (4, 2) and dashes["dropped"] == (1, 1.5)
    assert dashes["in_progress"] not in (None, dashes["planned"], dashes["dropped"])
    # and by the marker at the tip
    tips = {t.get_gid()[4:]: t.get_marker() for t in _gid(fig, "tip:", Line2D)}
    assert tips == {s.action_id: st.STATUS_MARKERS[s.display_status] for s in steps.itertuples()}


def test_trunk_label_is_the_goal_and_its_numbers(fig):
    (label,) = _gid(fig, "trunk-label", Text)
    assert " ".join(label.get_text().split()) == STATEMENT
    (detail,) = _gid(fig, "trunk-detail", Text)
    assert "4 → 12 pupils" in detail.get_text() and "by 30 Jun 2026" in detail.get_text()
    assert _gid(fig, "trunk")


def test_fruits_are_the_lessons_plus_progress(fig, data):
    fruits = _gid(fig, "fruit:", Circle)
    n_lessons = int((data["fruits"]["kind"] != "progress").sum())
    assert len(fruits) == n_lessons + 1 == 4
    # the ripe part of the progress fruit is the progress (0.5 = half the circle)
    (fill,) = _gid(fig, "fruit-fill:")
    assert (fill.theta2 - fill.theta1) == pytest.approx(360 * 0.5)
    assert "50% of the way from baseline to target" in _all_text(fig)


def test_no_progress_fruit_without_measurements():
    s = _store(tree_rows(n_lessons=2, measurements=False))
    fig = charts.cop_tree(s, C, as_of=AS_OF, language="en")
    assert len(_gid(fig, "fruit:", Circle)) == 2
    assert "No measurement yet" in charts.describe(fig)


def test_many_lessons_are_capped_and_counted():
    s = _store(tree_rows(n_lessons=8))
    fig = charts.cop_tree(s, C, as_of=AS_OF, language="en")
    assert len(_gid(fig, "fruit:", Circle)) == ct.MAX_LESSON_FRUITS + 1
    assert "+ 2 more lessons in the lesson table" in _all_text(fig)


def test_one_vine_per_pair_of_steps_sharing_people(fig, data):
    vines = _gid(fig, "vine:", Line2D)
    assert sorted(v.get_gid() for v in vines) == sorted(
        f"vine:{r.action_id}|{r.other_action_id}" for r in data["links"].itertuples())


def test_only_pseudonyms_in_the_figure(fig):
    text = _all_text(fig)
    assert not any(name in text for name in NAMES)
    assert "Teacher A ★" in text and "Student B" in text and "+1 more" in text
    # withdrawn consent (Teacher B) and pending assent (Student C): not named
    assert "Teacher B" not in text and "Student C" not in text


def test_title_legend_and_caption(fig):
    text = _all_text(fig)
    (title,) = _gid(fig, "title", Text)
    assert title.get_text() == "Reading buddies — GO! Gent, BE"
    assert "as of 10 May 2026" in text
    legend_texts = {t.get_text() for leg in fig.axes[0].findobj(matplotlib.legend.Legend)
                    for t in leg.get_texts()}
    assert {"planned", "in progress", "done", "dropped", "overdue"} <= legend_texts
    assert {"1 person responsible", "3 people responsible"} <= legend_texts
    (caption,) = _gid(fig, "caption", Text)
    assert caption.get_text().startswith(
        "5 steps: 1 planned, 1 in progress, 1 done, 1 dropped, 1 overdue\n"
        "2 of 5 steps shared by two or more people")


def test_description_has_the_key_numbers(fig):
    text = charts.describe(fig)
    assert text.startswith('CoP tree of "Reading buddies" (GO! Gent, BE) as of 10 May 2026.')
    for part in (STATEMENT, "from baseline 4 to target 12 pupils by 30 Jun 2026",
                 "Latest value 8 pupils on 1 May 2026: 50% of the way",
                 "5 branches", "1 in progress, 1 done, 1 dropped, 1 overdue",
                 "2 of 5 steps have two or more people", "2 pairs of steps share people",
                 "Fruits: 3 lessons", "1 progress fruit", "Overdue: Tell the parents"):
        assert part in text, part
    assert charts.describe(fig.axes[0]) == text  # the axes falls back to its figure


@pytest.mark.parametrize("ext", ["png", "svg", "pdf"])
def test_tree_saves_as_png_svg_and_pdf(fig, tmp_path, ext):
    path = tmp_path / f"tree.{ext}"
    fig.savefig(path, dpi=30)
    head = path.read_bytes()[:8]
    assert {"png": b"\x89PNG", "svg": b"<?xml", "pdf": b"%PDF"}[ext] in head
    charts.save(fig, tmp_path / f"tree2.{ext}", dpi=30)
    assert (tmp_path / f"tree2.{ext}").stat().st_size > 1000


def test_paper_sizes(data):
    a3 = charts.draw_cop_tree(data, language="en")
    a4 = charts.draw_cop_tree(data, paper="A4", language="en")
    assert tuple(a3.get_size_inches()) == pytest.approx(ct.PAPER_SIZES["A3"])
    assert tuple(a4.get_size_inches()) == pytest.approx(ct.PAPER_SIZES["A4"])
    size = {f.get_gid(): f.get_fontsize() for f in _gid(a3, "title", Text)}
    size4 = {f.get_gid(): f.get_fontsize() for f in _gid(a4, "title", Text)}
    assert size4["title"] == pytest.approx(size["title"] / np.sqrt(2), rel=0.01)


def test_an_empty_cop_gets_a_tree_with_hints():
    rows = tree_rows()
    s = _store({"cop": rows["cop"]})
    fig = charts.cop_tree(s, C, as_of=AS_OF, language="en")
    assert not _gid(fig, "branch:") and not _gid(fig, "fruit:")
    text = _all_text(fig)
    assert "No shared goal agreed yet" in text and "Branches grow at meeting 2" in text
    assert "Fruits grow at meeting 3" in text
    assert "No shared goal yet. No action plan yet. No fruits yet." in charts.describe(fig)


# ----------------------------------------------------------------------------- readable layout
def _overlaps(fig) -> list[tuple[str, str]]:
    """Pairs of labelled texts (and legends) whose boxes overlap, or that leave the figure."""
    FigureCanvasAgg(fig)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = {}
    for t in fig.findobj(Text):
        gid = str(t.get_gid() or "")
        if gid and t.get_text().strip() and gid.split(":")[0] in (
                "title", "subtitle", "caption", "trunk-label", "trunk-detail", "branch-label",
                "branch-detail", "fruit-label", "fruit-kind", "progress-head",
                "progress-label"):
            boxes[gid] = t.get_window_extent(renderer)
    for i, leg in enumerate(fig.axes[0].findobj(matplotlib.legend.Legend)):
        boxes[f"legend{i}"] = leg.get_window_extent(renderer)
    page = fig.bbox
    bad = [(g, "page") for g, b in boxes.items()
           if b.x0 < page.x0 - 1 or b.x1 > page.x1 + 1 or b.y0 < page.y0 - 1
           or b.y1 > page.y1 + 1]
    for (g1, b1), (g2, b2) in itertools.combinations(boxes.items(), 2):
        if b1.shrunk(0.98, 0.9).overlaps(b2.shrunk(0.98, 0.9)):
            bad.append((g1, g2))
    return bad


def test_texts_do_not_overlap(fig):
    assert _overlaps(fig) == []


def test_ten_steps_with_long_titles_stay_readable():
    rows = tree_rows(n_lessons=3)
    rows["action"] = [
        {"action_id": f"{C}:s{i}", "cop_id": C, "goal_id": f"{C}:g1",
         "title": f"Step {i}: organise a long named activity with colleagues and pupils",
         "start_on": f"2026-02-{i + 1:02d}", "due_on": "2026-06-25",
         "status": ["done", "in_progress", "planned", "dropped"][i % 4]} for i in range(10)]
    rows["action_owner"] = [{"action_id": f"{C}:s{i}", "member_id": f"{C}:m{1 + (i + j) % 5}",
                             "lead": j == 0} for i in range(10) for j in range(1 + i % 3)]
    rows["action_dependency"] = []
    fig = charts.cop_tree(_store(rows), C, as_of=AS_OF, language="en")
    assert len(_gid(fig, "branch:", Line2D)) == 10
    assert _overlaps(fig) == []


@pytest.mark.slow
def test_demo_trees():
    from cocope_kit import demo

    store = demo.write_demo(ck.open_store(":memory:"))
    actions, lessons = store.read("action"), store.read("lesson")
    for cop_id in store.read("cop")["cop_id"]:
        fig = charts.cop_tree(store, cop_id, as_of="2026-06-30", language="en")
        assert len(_gid(fig, "branch:", Line2D)) == int((actions.cop_id == cop_id).sum())
        assert len(_gid(fig, "fruit:", Circle)) == int((lessons.cop_id == cop_id).sum()) + 1
        assert _overlaps(fig) == [], cop_id
        names = store.read("member").query("cop_id == @cop_id")["name"].dropna()
        text = _all_text(fig)
        assert not any(n in text for n in names)


# ----------------------------------------------------------------------------- docs images
def render_docs_images(out_dir="docs/img", dpi=110, max_kb=400):  # pragma: no cover
    """Draw the CoP tree of each demo CoP and a Gantt chart of one into ``out_dir``."""
    from pathlib import Path

    from PIL import Image

    from cocope_kit.charts.plan import gantt, gantt_data
    from cocope_kit.demo import DEFAULT_TODAY, write_demo

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    store = write_demo(ck.open_store(":memory:"))

    def shrink(path):  # an adaptive 256-colour palette keeps the PNGs small and crisp
        from PIL.PngImagePlugin import PngInfo

        im = Image.open(path)
        info = PngInfo()
        for key, value in im.info.items():
            if isinstance(value, str):
                info.add_text(key, value)  # keeps the alt text (Description)
        im.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(
            path, optimize=True, pnginfo=info)
        assert path.stat().st_size < max_kb * 1024, path

    for cop_id in store.read("cop")["cop_id"]:
        fig = charts.cop_tree(store, cop_id, as_of=DEFAULT_TODAY, language="en")
        path = out / f"cop_tree_{cop_id}.png"
        charts.save(fig, path, dpi=dpi)
        shrink(path)
    cop_id = "sk-kosice"
    acts = store.read("action").query("cop_id == @cop_id")
    deps = store.read("action_dependency")
    deps = deps[deps.action_id.isin(acts.action_id)]
    table = gantt_data(acts, dependencies=deps, owners=store.read("action_owner"),
                       members=store.read("member"), as_of=DEFAULT_TODAY)
    goal = store.read("goal").query("cop_id == @cop_id")
    ax = gantt(table, today=DEFAULT_TODAY, deadline=goal["deadline"].iloc[0], dependencies=deps)
    path = out / f"gantt_{cop_id}.png"
    charts.save(ax, path, dpi=dpi)
    shrink(path)


if __name__ == "__main__":  # pragma: no cover
    render_docs_images()
