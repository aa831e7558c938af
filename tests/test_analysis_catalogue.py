"""run_catalogue: every cross-CoP table at once, each equal to calling its function alone."""

from __future__ import annotations

import pandas as pd
import pytest

from cocope_kit import analysis as A
from cocope_kit.errors import CocopeError


@pytest.fixture(scope="module")
def t(demo_analysis_tables):
    return demo_analysis_tables


@pytest.fixture(scope="module")
def out(t):
    return A.run_catalogue(t, as_of="2026-06-30")


def test_every_key_is_there_in_order_and_every_table_has_rows(out):
    assert tuple(out) == A.CATALOGUE
    assert len(A.CATALOGUE) == len(set(A.CATALOGUE)) == 36
    for name, df in out.items():
        assert isinstance(df, pd.DataFrame), name
        if name == "validate_plan":  # the demo plans have no problems: an empty list of them
            assert df.empty and list(df.columns)[:3] == ["problem", "action_id", "message"]
        else:
            assert len(df) > 0, name


def test_each_table_equals_its_function_called_alone(t, out):
    pd.testing.assert_frame_equal(out["voice_equity"],
                                  A.voice_equity(t["attendance"], t["member"], t["meeting"]))
    climate = A.scale_scores(t["response"], t["answer"], "cop_climate")
    pd.testing.assert_frame_equal(out["climate_scores"], climate)
    pd.testing.assert_frame_equal(out["prepost_change"], A.prepost_change(climate))
    pd.testing.assert_frame_equal(out["reliability"],
                                  A.reliability(t["response"], t["answer"], "learning_community"))
    pd.testing.assert_frame_equal(out["plan_progress"],
                                  A.plan_progress(t["action"], as_of="2026-06-30"))
    pd.testing.assert_frame_equal(out["coder_agreement"], A.coder_agreement(t["coding"]))


def test_the_demo_cops_differ_as_designed(out):
    # as in test_analysis_demo: AT reaches collaboration, BE stays; SK is most overdue
    tr = out["level_transitions"].set_index("cop_id").change
    assert tr["at-graz"] == "up" and tr["be-gent"] == "same"
    assert out["plan_progress"].set_index("cop_id").overdue.idxmax() == "sk-kosice"
    assert out["voice_equity"].set_index("cop_id").voice_ratio.idxmin() == "pt-porto"
    assert set(out["retention"].cop_id) == {"at-graz", "be-gent", "pt-porto", "sk-kosice"}


def test_default_as_of_is_the_last_due_date(t):
    last = pd.to_datetime(t["action"]["due_on"]).max().date()
    a = A.run_catalogue(t)["plan_progress"]
    pd.testing.assert_frame_equal(a, A.plan_progress(t["action"], as_of=last))


def test_missing_tables_are_named(t):
    with pytest.raises(CocopeError, match="lacks answer, pair_rating"):
        A.run_catalogue({k: v for k, v in t.items() if k not in ("answer", "pair_rating")})
    with pytest.raises(CocopeError, match="dict of store tables"):
        A.run_catalogue([t["cop"]])
