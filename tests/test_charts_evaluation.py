"""Charts of the evaluation (meeting 3), tested through their artists (STYLE 12).

Each chart is drawn from the table its analysis function returns on the demo
store; the tests check that bars, lines, points, nodes and edges equal that
table, that legends and descriptions carry the key numbers, and that no
member name appears anywhere in a chart's text. One PNG per chart goes to
``docs/img/eval_<name>.png``.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.container import BarContainer, ErrorbarContainer  # noqa: E402
from matplotlib.image import AxesImage  # noqa: E402
from matplotlib.patches import Circle, FancyArrowPatch, Rectangle  # noqa: E402
from matplotlib.text import Text  # noqa: E402

import cocope_kit as ck  # noqa: E402
from cocope_kit import analysis as A  # noqa: E402
from cocope_kit import (
    charts,  # noqa: E402
    stats,  # noqa: E402
)
from cocope_kit.charts import evaluation as ev  # noqa: E402
from cocope_kit.demo import write_demo  # noqa: E402
from cocope_kit.errors import CocopeError  # noqa: E402

IMG = Path(__file__).resolve().parents[1] / "docs" / "img"
COP = "pt-porto"


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


@pytest.fixture(scope="module")
def names(store):
    """Every member name of the demo store (also those left out for missing consent)."""
    return [n for n in store.read("member")["name"].dropna().astype(str) if n.strip()]


def _texts(ax) -> list[str]:
    fig = ax.figure
    out = [a.get_text() for a in fig.findobj(Text)]
    out.append(charts.describe(ax))
    return [s for s in out if s]


def _no_names(ax, names):
    texts = " | ".join(_texts(ax))
    found = [n for n in names if n in texts]
    assert not found, f"member names in chart text: {found}"


def _save(ax, name):
    IMG.mkdir(parents=True, exist_ok=True)
    charts.save(ax, IMG / f"eval_{name}.png", dpi=110)
    assert (IMG / f"eval_{name}.png").stat().st_size > 1000


def _bars(ax) -> list[BarContainer]:
    return [c for c in ax.containers if isinstance(c, BarContainer)]


def _gid_patches(ax, prefix):
    return [p for p in ax.patches if (p.get_gid() or "").startswith(prefix)]


def _line(ax, gid):
    found = [ln for ln in ax.get_lines() if ln.get_gid() == gid]
    assert len(found) == 1, gid
    return found[0]


# ----------------------------------------------------------------------------- 1. attendance
def test_attendance_data_marks_missing_rows_absent(t):
    grid = ev.attendance_data(t["attendance"], t["member"], t["meeting"])
    assert list(grid.columns) == ["cop_id", "meeting_id", "phase", "held_on", "member_id",
                                  "pseudonym", "role", "role_group", "present", "contributions"]
    assert "name" not in grid.columns
    # every member of a CoP × every meeting of it
    per_cop = t["member"].groupby("cop_id").size() * t["meeting"].groupby("cop_id").size()
    assert grid.groupby("cop_id").size().sort_index().tolist() == per_cop.sort_index().tolist()
    att = t["attendance"].merge(grid, on=["meeting_id", "member_id"], suffixes=("", "_g"))
    assert (att["present"].astype(bool) == att["present_g"]).all()
    # attended pairs agree with analysis.attendance_rates per member
    rates = A.attendance_rates(t["attendance"], t["member"], t["meeting"])
    got = grid.groupby("member_id")["present"].sum()
    assert (rates.set_index("member_id")["attended"].reindex(got.index) == got).all()


def test_attendance_heatmap(t, names):
    grid = ev.attendance_data(t["attendance"], t["member"], t["meeting"])
    ax = ev.attendance_heatmap(grid, cop_id=COP)
    sub = grid[grid.cop_id == COP]
    cells = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_gid()]
    assert len(cells) == len(sub)
    present = {g.split(":", 1)[1] for g in (p.get_gid() for p in cells)
               if g.startswith("present:")}
    want = {f"{m}|{g}" for m, g, p in zip(sub.member_id, sub.meeting_id, sub.present,
                                          strict=True) if p}
    assert present == want
    # the cell numbers are the contributions of the present cells
    nums = sorted(int(x.get_text()) for x in ax.texts if x.get_text().isdigit())
    assert nums == sorted(int(c) for c, p in zip(sub.contributions, sub.present, strict=True)
                          if p and pd.notna(c))
    assert [x.get_text() for x in ax.get_yticklabels()] == list(dict.fromkeys(sub.pseudonym))
    assert sum(x.get_text() == "absent" for x in ax.texts) == int((~sub.present).sum())
    d = charts.describe(ax)
    for phase, n in zip(["Meeting 1", "Meeting 2", "Meeting 3"],
                        sub.groupby("held_on", sort=True)["present"].sum(), strict=True):
        assert f"{phase}: {int(n)} of " in d
    _no_names(ax, names)
    _save(ax, "attendance_heatmap")


def test_attendance_heatmap_needs_one_cop(t):
    grid = ev.attendance_data(t["attendance"], t["member"], t["meeting"])
    with pytest.raises(CocopeError, match="cop_id"):
        ev.attendance_heatmap(grid)


# ----------------------------------------------------------------------------- 2. voice
@pytest.fixture(scope="module")
def voice(t):
    att, mem, mtg = t["attendance"], t["member"], t["meeting"]
    shares = A.contribution_shares(att, mem, mtg, by=("cop_id", "member_id"), within="cop_id")
    return ev.lorenz_data(shares), A.voice_equity(att, mem, mtg)


def test_lorenz_area_gives_the_gini_of_voice_equity(voice):
    lorenz, equity = voice
    for cop, g in lorenz.groupby("cop_id"):
        x, y = g.cum_share_members.to_numpy(), g.cum_share_contributions.to_numpy()
        assert x[0] == 0 and y[0] == 0 and x[-1] == 1 and y[-1] == pytest.approx(1)
        assert np.all(np.diff(y) >= -1e-12)  # non-decreasing, convex from below
        # Gini = 1 - 2 * area under the Lorenz curve (trapezoids), as stats.gini
        area = float(np.sum((x[1:] - x[:-1]) * (y[1:] + y[:-1]) / 2))
        gini = float(equity.loc[equity.cop_id == cop, "gini"].iloc[0])
        assert 1 - 2 * area == pytest.approx(gini, abs=1e-9)
        assert gini == pytest.approx(stats.gini(g.contributions.to_numpy()[1:]), abs=1e-9)


def test_voice_equity_chart(voice, names):
    lorenz, equity = voice
    ax = ev.voice_equity(lorenz, equity)
    eq = _line(ax, "equality")
    assert list(eq.get_xdata()) == [0, 100] and list(eq.get_ydata()) == [0, 100]
    labels = [x.get_text() for x in ax.get_legend().get_texts()]
    for cop, gini in zip(equity.cop_id, equity.gini, strict=True):
        ln = _line(ax, f"lorenz:{cop}")
        g = lorenz[lorenz.cop_id == cop]
        np.testing.assert_allclose(ln.get_ydata(), 100 * g.cum_share_contributions)
        assert f"{cop} (unevenness {gini:.2f})" in labels
        assert f"{cop}: unevenness {gini:.2f}" in charts.describe(ax)
    _no_names(ax, names)
    _save(ax, "voice_equity")


def test_voice_shares_chart(voice, names):
    _, equity = voice
    ax = ev.voice_shares(equity)
    mem, voi = _bars(ax)
    assert mem.get_label() == "share of members" and voi.get_label() == "share of voice"
    np.testing.assert_allclose([b.get_width() for b in mem], 100 * equity.student_share_of_members)
    np.testing.assert_allclose([b.get_width() for b in voi], 100 * equity.student_share_of_voice)
    assert [x.get_text() for x in ax.get_yticklabels()] == equity.cop_id.tolist()
    porto = equity[equity.cop_id == COP].iloc[0]
    assert (f"{COP}: {100 * porto.student_share_of_members:.0f}% of the members, "
            f"{100 * porto.student_share_of_voice:.0f}% of the contributions"
            ) in charts.describe(ax)
    _no_names(ax, names)
    _save(ax, "voice_shares")


# ----------------------------------------------------------------------------- 3. levels
@pytest.fixture(scope="module")
def levels(t):
    sc = A.scale_scores(t["response"], t["answer"], "working_together")
    return A.level_of_working_together(sc, t["answer"])


def test_level_profile(levels, names):
    ax = ev.level_profile(levels)
    bars = _bars(ax)
    assert [b.get_label() for b in bars] == ["cooperation", "coordination", "collaboration"]
    order = levels.assign(_w=levels.wave.map({"pre": 0, "post": 1})).sort_values(["cop_id", "_w"])
    for cont, col in zip(bars, ["cooperation", "coordination", "collaboration"], strict=True):
        tops = [p.get_y() + p.get_height() for p in cont]
        np.testing.assert_allclose(tops, order[col])
        assert all(p.get_y() == 1 for p in cont)  # from the scale minimum
    thr = _line(ax, "threshold")
    assert set(thr.get_ydata()) == {3.5}
    shown = [x.get_text().replace("\n", " ") for x in ax.texts]
    assert shown == [str(v).replace("_", " ") for v in order.level]
    assert "threshold 3.5" in [x.get_text() for x in ax.get_legend().get_texts()]
    r = order.iloc[0]
    assert f"cooperation {r.cooperation:.1f}" in charts.describe(ax)
    _no_names(ax, names)
    _save(ax, "level_profile")


def test_level_transitions(levels, names):
    tr = A.level_transitions(levels)
    ax = ev.level_transitions(tr)
    from cocope_kit.charts.levels import LEVEL_ORDER

    pos = {v: i for i, v in enumerate(LEVEL_ORDER)}
    for cop, a, b in zip(tr.cop_id, tr.from_level, tr.to_level, strict=True):
        y0, y1 = _line(ax, f"transition:{cop}").get_ydata()
        assert round(y0) == pos[a] and round(y1) == pos[b]
        assert y1 - y0 == pytest.approx(pos[b] - pos[a])
        assert (f"{cop}: {a.replace('_', ' ')} → {b.replace('_', ' ')}"
                in charts.describe(ax))
    n_up = int((tr.change == "up").sum())
    assert f"{n_up} up" in charts.describe(ax)
    _no_names(ax, names)
    _save(ax, "level_transitions")


# ----------------------------------------------------------------------------- 4. surveys
def test_likert_bars(t, names):
    lc = A.likert_counts(t["response"], t["answer"], "cop_climate")
    ax = ev.likert_bars(lc, cop_id=COP, wave="post")
    sub = lc[(lc.cop_id == COP) & (lc.wave == "post")]
    items = list(dict.fromkeys(sub.item_id))
    bars = _bars(ax)
    opts = sub[sub.option.notna()].drop_duplicates("option").sort_values("option")
    assert [b.get_label() for b in bars[:-1]] == opts.label.tolist()
    assert bars[-1].get_label() == "don't know / no answer"
    for cont, o in zip(bars[:-1], opts.option, strict=True):
        want = sub[sub.option == o].set_index("item_id").percent_answered.reindex(items)
        np.testing.assert_allclose([p.get_width() for p in cont], want.fillna(0))
    # centred: the neutral option (3) straddles 0 symmetrically
    for p in bars[2]:
        assert p.get_x() == pytest.approx(-p.get_width() / 2)
    # answered options add to 100 % per item
    right = np.array([p.get_x() + p.get_width() for p in bars[-2]])
    left = np.array([p.get_x() for p in bars[0]])
    np.testing.assert_allclose(right - left, 100)
    miss = sub[sub.option.isna()].set_index("item_id").percent.reindex(items)
    np.testing.assert_allclose([p.get_width() for p in bars[-1]], miss)
    assert all(p.get_x() > 100 for p in bars[-1])  # shown apart from the scale
    assert "Answers to 25 questions" in charts.describe(ax)
    # rows are the items' wording from the instrument, never their ids
    from cocope_kit.instruments import load_instrument

    inst = load_instrument("cop_climate")
    shown = [x.get_text().replace("\n", " ") for x in ax.get_yticklabels()]
    assert shown[0].rstrip("…")[:20] == inst.text(items[0], "en")[:20]
    assert not set(items) & set(shown)
    _no_names(ax, names)
    _save(ax, "likert_bars")


def test_likert_bars_needs_one_group(t):
    lc = A.likert_counts(t["response"], t["answer"], "cop_climate")
    with pytest.raises(CocopeError, match="several values of cop_id"):
        ev.likert_bars(lc)


def test_construct_means(t, names):
    cs = A.construct_scores(A.scale_scores(t["response"], t["answer"], "cop_climate"))
    ax = ev.construct_means(cs, cop_id=COP)
    sub = cs[cs.cop_id == COP]
    conts = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
    assert [c.get_label() for c in conts] == ["before (95% CI)", "after (95% CI)"]
    cons = list(dict.fromkeys(sub.construct))
    for c, w in zip(conts, ["pre", "post"], strict=True):
        g = sub[sub.wave == w].set_index("construct").reindex(cons)
        np.testing.assert_allclose(c.lines[0].get_xdata(), g["mean"])
        (coll,) = c.lines[2]
        segs = coll.get_segments()
        assert len(segs) == len(g)
        np.testing.assert_allclose([sg[0][0] for sg in segs], g.ci_low)
        np.testing.assert_allclose([sg[1][0] for sg in segs], g.ci_high)
    r = sub[(sub.wave == "post") & (sub.construct == "trust")].iloc[0]
    from cocope_kit.instruments import load_instrument

    label = load_instrument("cop_climate").constructs["trust"]["label"]["en"]
    assert f"{label}, after: {r['mean']:.1f} ({int(r.n)} answers)" in charts.describe(ax)
    assert label in ax.get_yticklabels()[cons.index("trust")].get_text()
    _no_names(ax, names)
    _save(ax, "construct_means")


# ----------------------------------------------------------------------------- 5. goals
def test_goal_progress(t, names):
    gid = f"{COP}:g1"
    ax = ev.goal_progress(t["goal"], t["goal_measurement"], goal_id=gid)
    goal = t["goal"].set_index("goal_id").loc[gid]
    meas = t["goal_measurement"][t["goal_measurement"].goal_id == gid].sort_values("measured_on")
    assert set(_line(ax, "baseline").get_ydata()) == {goal.baseline}
    assert set(_line(ax, "target").get_ydata()) == {goal.target}
    dl = _line(ax, "deadline").get_xdata()
    assert pd.Timestamp(matplotlib.dates.num2date(matplotlib.dates.date2num(dl[0]))).date() \
        == pd.Timestamp(goal.deadline).date()
    np.testing.assert_allclose(_line(ax, "measurements").get_ydata(), meas.value)
    labels = [x.get_text() for x in ax.get_legend().get_texts()]
    assert f"target {goal.target:g}" in labels and f"baseline {goal.baseline:g}" in labels
    d = charts.describe(ax)
    assert f"baseline {goal.baseline:g}, target {goal.target:g}" in d
    assert f": {meas.value.iloc[-1]:g}." in d
    _no_names(ax, names)
    _save(ax, "goal_progress")


def test_gas_scores(t, names):
    gs = A.gas_scores(t["goal"], t["goal_measurement"])
    ax = ev.gas_scores(gs)
    (bars,) = _bars(ax)
    np.testing.assert_allclose([p.get_y() + p.get_height() for p in bars], gs.tscore)
    assert set(_line(ax, "expected").get_ydata()) == {50}
    assert [x.get_text() for x in ax.get_xticklabels()] == gs.cop_id.tolist()
    for cop, ts in zip(gs.cop_id, gs.tscore, strict=True):
        assert f"{cop} {ts:.1f}".removesuffix(".0") + " (" in charts.describe(ax)
    _no_names(ax, names)
    _save(ax, "gas_scores")


def test_gas_score_of_exactly_50_is_visible():
    gs = pd.DataFrame({"cop_id": ["a", "b", "c"], "goals": 1, "scored": 1,
                       "tscore": [50.0, 61.2, 38.8]})
    ax = ev.gas_scores(gs)
    (bars,) = _bars(ax)
    assert bars[0].get_height() == 0  # no bar of its own ...
    (mark,) = [ln for ln in ax.lines if ln.get_gid() == "at_expected"]
    assert list(mark.get_xdata()) == [0] and list(mark.get_ydata()) == [50.0]  # ... a diamond


def test_construct_means_names_the_arrow_only_when_drawn():
    t = pd.DataFrame({"wave": ["pre", "post"], "construct": "trust", "n": [8, 8],
                      "mean": [3.0, 4.6], "ci_low": [2.5, 4.1], "ci_high": [3.5, 5.3]})
    ax = ev.construct_means(t)
    assert "beyond the scale" in ax.get_xlabel()  # post reaches 5.3 on a 1-5 scale
    ax = ev.construct_means(t.assign(ci_high=[3.5, 4.9]))
    assert ax.get_xlabel() == "mean score (1 to 5)"


# ----------------------------------------------------------------------------- 6. network
def test_network(t, names):
    pr, mem = t["pair_rating"], t["member"]
    asym = A.asymmetric_pairs(pr, mem)
    ax = ev.network(pr, mem, asymmetric=asym, cop_id=COP, wave="post", matrix_up_to=0)
    sub = pr[(pr.cop_id == COP) & (pr.wave == "post")]
    nodes = [p for p in ax.patches if isinstance(p, Circle)]
    ids = set(sub.rater_id) | set(sub.ratee_id) | set(mem[mem.cop_id == COP].member_id)
    assert {p.get_gid() for p in nodes} == {f"node:{i}" for i in ids}
    edges = [p for p in ax.patches if isinstance(p, FancyArrowPatch)]
    want = {f"edge:{a}->{b}:{lv}" for a, b, lv in zip(sub.rater_id, sub.ratee_id, sub.level,
                                                      strict=True) if lv >= 1}
    assert {e.get_gid() for e in edges} == want
    widths = {int(e.get_gid().rsplit(":", 1)[1]): e.get_linewidth() for e in edges}
    assert widths[1] < widths[2] < widths[3]
    a_sub = asym[(asym.cop_id == COP) & (asym.wave == "post")]
    marked = [ln for ln in ax.get_lines() if (ln.get_gid() or "").startswith("uneven:")]
    assert {ln.get_gid() for ln in marked} == {f"uneven:{a}|{b}" for a, b in
                                               zip(a_sub.member_a, a_sub.member_b, strict=True)}
    assert all(ln.get_linestyle() == "--" for ln in marked)
    # labels are the pseudonyms
    pseud = set(mem[mem.member_id.isin(ids)].pseudonym)
    shown = {x.get_text().replace("\n", " ") for x in ax.texts}
    assert pseud <= shown
    d = charts.describe(ax)
    assert f"{len(sub)} ratings drawn as arrows" in d
    assert f"{len(a_sub)} pairs rated each other 2 or more apart" in d
    _no_names(ax, names)
    _save(ax, "network")


def test_network_circular_layout_is_deterministic(t):
    pr, mem = t["pair_rating"], t["member"]
    a = ev.network(pr, mem, cop_id=COP, wave="pre", matrix_up_to=0)
    b = ev.network(pr.sample(frac=1, random_state=3), mem, cop_id=COP, wave="pre",
                   matrix_up_to=0)
    ca = {p.get_gid(): p.center for p in a.patches if isinstance(p, Circle)}
    cb = {p.get_gid(): p.center for p in b.patches if isinstance(p, Circle)}
    assert ca == cb
    np.testing.assert_allclose([np.hypot(*c) for c in ca.values()], 1.0)


# ----------------------------------------------------------------------------- 7. interviews
def test_code_frequencies(t, names):
    cf = A.code_frequencies(t["coding"], t["interview"], t["code"], by="respondent_role")
    ax = ev.code_frequencies(cf)
    (im,) = [a for a in ax.get_children() if isinstance(a, AxesImage)]
    want = cf.pivot(index="code_id", columns="respondent_role", values="segments")
    want = want.reindex(index=list(dict.fromkeys(cf.code_id)),
                        columns=list(dict.fromkeys(cf.respondent_role)))
    np.testing.assert_array_equal(im.get_array(), want.to_numpy(dtype=float))
    assert [x.get_text() for x in ax.get_xticklabels()] == [c.replace("_", " ").capitalize()
                                                             for c in want.columns]
    assert "Student voice" in [x.get_text() for x in ax.get_yticklabels()]
    assert "Most frequent: " in charts.describe(ax)
    _no_names(ax, names)
    _save(ax, "code_frequencies")


def test_cooccurrence(t, names):
    co = A.cooccurrence(t["coding"])
    ax = ev.cooccurrence(co, codes=t["code"])
    (im,) = [a for a in ax.get_children() if isinstance(a, AxesImage)]
    arr = np.ma.filled(im.get_array().astype(float), np.nan)
    labels = [x.get_text() for x in ax.get_yticklabels()]
    lab = dict(zip(t["code"].code_id, t["code"].label.str.replace("_", " ").str.capitalize(),
                   strict=True))
    for a, b, s in zip(co.code_a, co.code_b, co.segments, strict=True):
        i, j = labels.index(lab[a]), labels.index(lab[b])
        assert arr[i, j] == s == arr[j, i]
    assert np.isnan(np.diag(arr)).all()
    assert int(np.nansum(arr)) == 2 * int(co.segments.sum())
    assert "Communication + Student voice (4)" in charts.describe(ax)
    _no_names(ax, names)
    _save(ax, "cooccurrence")


def test_coder_agreement(t, names):
    ag = A.coder_agreement(t["coding"])
    ax = ev.coder_agreement(ag, codes=t["code"])
    kap, alp = _bars(ax)
    assert kap.get_label() == "Cohen's kappa" and alp.get_label() == "Krippendorff's alpha"
    np.testing.assert_allclose([p.get_width() for p in kap], ag.kappa.fillna(0))
    np.testing.assert_allclose([p.get_width() for p in alp], ag.alpha.fillna(0))
    for ref in (0.6, 0.8):
        assert set(_line(ax, f"reference:{ref:g}").get_xdata()) == {ref}
    labels = [x.get_text() for x in ax.get_legend().get_texts()]
    assert {"0.6", "0.8", "Cohen's kappa", "Krippendorff's alpha"} <= set(labels)
    assert {ln.get_color() for ln in ax.lines} <= {"#999999", "#000000"}  # no meaning colours
    r = ag.iloc[0]
    assert f"kappa {r.kappa:.2f}, alpha {r.alpha:.2f}" in charts.describe(ax)
    _no_names(ax, names)
    _save(ax, "coder_agreement")


def test_coder_agreement_nan_kappa_is_marked():
    ag = pd.DataFrame({"code_id": ["x:a", "x:b"], "kappa": [0.5, np.nan],
                       "alpha": [0.52, np.nan]})
    ax = ev.coder_agreement(ag)
    assert sum(x.get_text() == "cannot be computed (no variation)" for x in ax.texts) == 2
    assert "Below 0.6: A." in charts.describe(ax)


# ----------------------------------------------------------------------------- API
def test_exported_and_no_ipywidgets():
    for name in ev.__all__:
        assert getattr(charts, name) is getattr(ev, name)
        assert name in charts.__all__
    src = Path(ev.__file__).read_text()
    assert "ipywidgets" not in src


def test_bad_table_is_a_cocope_error():
    with pytest.raises(CocopeError, match="lacks the column"):
        ev.gas_scores(pd.DataFrame({"cop_id": ["a"]}))
    with pytest.raises(CocopeError, match="DataFrame"):
        ev.voice_shares([1, 2])
