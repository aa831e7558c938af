"""Value creation: stories by value-creation cycle (Wenger, Trayner & de Laat 2011) and the
participatory feedback on results, counted by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cocope_kit.analysis import feedback_summary, story_cycles, value_stories
from cocope_kit.analysis.value import VALUE_CYCLES

COP = pd.DataFrame({"cop_id": ["c1", "c2", "c3"], "name": "x", "school": ["S", "S", "T"],
                    "country": ["BE", "BE", "PT"], "language": "nl", "cycle": [1, 2, 1],
                    "created_on": "2026-01-01"})
STORIES = pd.DataFrame({
    "story_id": ["s1", "s2", "s3"], "cop_id": ["c1", "c1", "c2"], "author_id": ["a", "b", "c"],
    "immediate": ["met parents", "fun", "new ideas"],
    "potential": ["skills", None, "a toolkit"],
    "applied": ["new games", "   ", "used in class"],   # blank text is not filled
    "realized": [None, None, "fewer conflicts"],
    "reframing": [None, None, "play is learning"],
})


def test_value_stories_by_cycle():
    out = value_stories(STORIES, COP)
    assert list(out.columns) == ["cop_id", "stories", *VALUE_CYCLES, "mean_cycles",
                                 "share_realized"]
    got = out.set_index("cop_id")
    assert got.loc["c1", ["stories", *VALUE_CYCLES]].tolist() == [2, 2, 1, 1, 0, 0]
    assert got.mean_cycles["c1"] == 2.0   # 3 + 1 filled cycles
    assert got.loc["c2", ["realized", "reframing"]].tolist() == [1, 1]
    assert got.stories["c3"] == 0 and np.isnan(got.mean_cycles["c3"])  # every CoP listed
    assert len(value_stories(STORIES)) == 2  # without the cop table: only CoPs with stories
    by_cycle = value_stories(STORIES, COP, by="cycle").set_index("cycle")
    assert by_cycle.stories.to_dict() == {1: 2, 2: 1}
    by_country = value_stories(STORIES, COP, by=("country",))
    assert by_country.stories.tolist() == [3, 0]


def test_story_cycles_long_form():
    out = story_cycles(STORIES)
    assert list(out.columns) == ["cop_id", "story_id", "author_id", "cycle", "step", "text"]
    assert out[out.story_id == "s2"].cycle.tolist() == ["immediate"]
    assert out[out.story_id == "s3"].step.tolist() == [1, 2, 3, 4, 5]


def test_feedback_summary_by_hand():
    fb = pd.DataFrame({
        "feedback_id": list("abcdefg"), "cop_id": ["c1"] * 5 + ["c2"] * 2,
        "member_id": None,
        "result_key": ["goal", "goal", "goal", "level", "goal", "goal", "goal"],
        "verdict": ["matches", "partly", "matches", "does_not_match", "bogus", "partly",
                    "partly"],
        "comment": ["fits", None, "  ", "we rarely meet", "x", "slow", "slower"],
    })
    out = feedback_summary(fb)
    assert list(out.columns) == ["cop_id", "result_key", "n", "matches", "partly",
                                 "does_not_match", "share_matches", "share_partly",
                                 "share_does_not_match", "n_comments", "comments"]
    goal = out.set_index(["cop_id", "result_key"]).loc[("c1", "goal")]
    assert (goal.n, goal.matches, goal.partly) == (3, 2, 1)  # unknown verdict left out
    assert goal.share_matches == pytest.approx(2 / 3)
    assert goal.comments == ("fits",) and goal.n_comments == 1
    c2 = out.set_index("cop_id").loc["c2"]
    assert c2.comments == ("slow", "slower")
    everything = feedback_summary(fb, by=())
    assert everything.result_key.tolist() == ["goal", "level"]
    assert everything.n.tolist() == [5, 1]
    shuffled = feedback_summary(fb.iloc[::-1]).set_index("cop_id").loc["c2"]
    assert set(shuffled.comments) == {"slow", "slower"}
