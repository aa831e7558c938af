"""Likert counts and percentages vs ``plot_likert.likert_counts``.

Kit: ``analysis.likert_counts(responses, answers, "cop_climate")`` (every item x
option per CoP and wave, in one pass). Alternative: for each (CoP, wave), the
respondents x items table of answers passed to ``plot_likert.likert_counts``,
and percentages as ``plot_likert.likert_percentages`` computes them (count /
row total x 100).

plot-likert 0.5.0 (the release on PyPI) calls ``DataFrame.applymap``, which
pandas 3 removed, and its ``likert_percentages`` indexes a Series by position
(``[0]``), which pandas 3 refuses. For this comparison the benchmark aliases
``applymap`` to ``DataFrame.map`` (the same function under its new name) and
applies likert_percentages' own formula to the plot_likert counts.
Counts must be equal exactly, percentages to 1e-9.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ._common import Row, check, timed

INSTRUMENT = "cop_climate"


def _plot_likert():
    import plot_likert

    if not hasattr(pd.DataFrame, "applymap"):  # removed in pandas 3.0
        pd.DataFrame.applymap = pd.DataFrame.map
    return plot_likert


def plot_likert_loop(responses: pd.DataFrame, answers: pd.DataFrame,
                     scale: list[float]) -> pd.DataFrame:
    pl = _plot_likert()
    resp = responses.loc[responses["instrument_id"] == INSTRUMENT,
                         ["response_id", "cop_id", "wave"]]
    long = answers.merge(resp, on="response_id")
    parts = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # plot_likert's pandas deprecation warnings
        for (cop_id, wave), g in long.groupby(["cop_id", "wave"], sort=True):
            wide = g.pivot(index="response_id", columns="item_id", values="value")
            wide.columns = [str(c) for c in wide.columns]
            counts = pl.likert_counts(wide, scale, label_max_width=200)
            pct = counts.apply(lambda row: row / row.sum(), axis=1).map(lambda v: 100 * v)
            c = counts.stack().rename("count").to_frame()
            c["percent_answered"] = pct.stack()
            c.index.names = ["item_id", "option"]
            parts.append(c.reset_index().assign(cop_id=cop_id, wave=wave))
    return pd.concat(parts, ignore_index=True)


def bench(tables: dict[str, pd.DataFrame]) -> list[Row]:
    import cocope_kit as ck
    from cocope_kit import analysis

    _plot_likert()  # imports are not timed, on either side
    inst = ck.load_instrument(INSTRUMENT)
    scale = sorted({v for it in inst.items for v in inst.scales[it.scale].values})
    resp, ans = tables["response"], tables["answer"]
    kit, t_kit = timed(lambda: analysis.likert_counts(resp, ans, INSTRUMENT))
    alt, t_alt = timed(lambda: plot_likert_loop(resp, ans, scale))
    keys = ["cop_id", "wave", "item_id", "option"]
    k = kit[kit["option"].notna()].astype({c: str for c in keys[:3]})
    a = alt.astype({c: str for c in keys[:3]}).astype({"option": float})
    m = k.merge(a, on=keys, how="outer", suffixes=("_kit", "_alt"), indicator=True)
    # plot_likert has no row for an item nobody in the group answered: count 0 both ways
    only_alt = m["_merge"] == "right_only"
    check(not only_alt.any(), f"{int(only_alt.sum())} plot_likert cells missing in the kit")
    cnt_alt = m["count_alt"].fillna(0).to_numpy()
    check((m["count_kit"].to_numpy() == cnt_alt).all(), "Likert counts differ")
    both = m["_merge"] == "both"
    check(np.allclose(m.loc[both, "percent_answered_kit"], m.loc[both, "percent_answered_alt"],
                      rtol=0, atol=1e-9, equal_nan=True), "Likert percentages differ")
    groups = kit.groupby(["cop_id", "wave"]).ngroups
    return [Row(f"Likert counts + %, {groups:,} CoP x wave groups, {len(k):,} cells", t_kit, "s",
                t_alt, "plot_likert loop", note="plot-likert 0.5.0 with applymap alias")]
