"""Cronbach's alpha for every CoP x construct vs ``pingouin.cronbach_alpha`` in a loop.

Kit: ``analysis.reliability(responses, answers, "learning_community", by="cop_id")``
(one vectorised pass, :func:`cocope_kit.stats.cronbach_alpha_grouped`).
Alternative: what a researcher writes with pingouin: join answers to their
response and item (construct, reverse keying), then for each (CoP, construct)
pivot to respondents x items and call ``pingouin.cronbach_alpha(...,
nan_policy="listwise")``. Both start from the same store frames and the
alternative's preparation is timed with it. Alphas must agree to 1e-9.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._common import Row, check, timed

INSTRUMENT = "learning_community"
TARGET_RATIO = 20.0


def pingouin_loop(responses: pd.DataFrame, answers: pd.DataFrame) -> pd.DataFrame:
    import pingouin as pg

    import cocope_kit as ck

    inst = ck.load_instrument(INSTRUMENT)
    items = pd.DataFrame([
        {"item_id": it.id, "construct": it.construct, "reverse": it.reverse,
         "lo": min(inst.scales[it.scale].values), "hi": max(inst.scales[it.scale].values)}
        for it in inst.items if it.construct])
    resp = responses.loc[responses["instrument_id"] == INSTRUMENT, ["response_id", "cop_id"]]
    long = answers.merge(resp, on="response_id").merge(items, on="item_id")
    long["value"] = np.where(long["reverse"], long["lo"] + long["hi"] - long["value"],
                             long["value"])
    long = long.dropna(subset=["value"])
    rows = []
    for (cop_id, construct), g in long.groupby(["cop_id", "construct"], sort=True):
        wide = g.pivot(index="response_id", columns="item_id", values="value")
        complete = wide.dropna()
        if wide.shape[1] < 2 or len(complete) < 2:
            alpha = np.nan  # pingouin needs two items and two complete rows
        else:
            alpha = pg.cronbach_alpha(data=wide, nan_policy="listwise")[0]
        rows.append((cop_id, construct, alpha, len(complete), wide.shape[1]))
    return pd.DataFrame(rows, columns=["cop_id", "construct", "alpha", "n", "k"])


def bench(tables: dict[str, pd.DataFrame]) -> list[Row]:
    import pingouin  # noqa: F401  (imports are not timed, on either side)
    import scipy.special  # noqa: F401

    import cocope_kit as ck
    from cocope_kit import analysis

    ck.load_instrument(INSTRUMENT)

    resp, ans = tables["response"], tables["answer"]
    kit, t_kit = timed(lambda: analysis.reliability(resp, ans, INSTRUMENT, by="cop_id"))
    alt, t_alt = timed(lambda: pingouin_loop(resp, ans))
    k = kit.set_index(["cop_id", "construct"]).sort_index()
    a = alt.astype({"cop_id": str, "construct": str}).set_index(["cop_id", "construct"])
    a = a.sort_index()
    check(list(k.index) == list(a.index),
          f"alpha groups differ: kit {len(k)}, pingouin {len(a)}")
    check(np.allclose(k["alpha"], a["alpha"], rtol=0, atol=1e-9, equal_nan=True),
          "alpha differs from pingouin.cronbach_alpha")
    check((k["n"].to_numpy() == a["n"].to_numpy()).all()
          and (k["k"].to_numpy() == a["k"].to_numpy()).all(), "alpha n or k differs")
    ratio = t_alt / t_kit
    return [Row(f"alpha, {len(k):,} CoP x construct groups", t_kit, "s", t_alt,
                "pingouin loop", f">= {TARGET_RATIO:g}x faster", ratio >= TARGET_RATIO,
                note=f"{int(np.isnan(k['alpha']).sum())} groups NaN in both")]
