"""Coder agreement for every code vs the ``krippendorff`` package and scikit-learn.

Kit: ``analysis.coder_agreement(coding)`` (presence/absence of each code on the
segments both coders looked at; Cohen's kappa and Krippendorff's nominal alpha
per code). Alternative: the same segments found with pandas, then for each code
the two 0/1 vectors passed to ``sklearn.metrics.cohen_kappa_score`` and
``krippendorff.alpha(level_of_measurement="nominal")``. Values must agree to
1e-9 (NaN where a code has no variation, in both).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ._common import Row, check, timed

CODERS = ("coder_a", "coder_b")


def package_loop(coding: pd.DataFrame) -> pd.DataFrame:
    import krippendorff
    from sklearn.metrics import cohen_kappa_score

    from cocope_kit.interviews import NO_CODE_ID

    c = coding[coding["coder"].isin(CODERS)]
    seg = ["interview_id", "segment"]
    looked = c.groupby(seg)["coder"].nunique()
    units = looked[looked == 2].index  # segments both coders coded
    c = c.set_index(seg)
    c = c[c.index.isin(units)]
    rows = []
    for code, g in c[c["code_id"] != NO_CODE_ID].groupby("code_id", sort=True):
        a = units.isin(g.index[g["coder"] == CODERS[0]]).astype(int)
        b = units.isin(g.index[g["coder"] == CODERS[1]]).astype(int)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            kappa = cohen_kappa_score(a, b)
            try:
                alpha = krippendorff.alpha(reliability_data=np.vstack([a, b]).astype(float),
                                           level_of_measurement="nominal")
            except ValueError:  # one value only: no variation
                alpha = np.nan
        if a.sum() + b.sum() == 0 or (a == b).all() and len(set(a)) == 1:
            kappa = alpha = np.nan
        rows.append((code, len(units), float(np.mean(a == b)), kappa, alpha))
    return pd.DataFrame(rows, columns=["code_id", "n_segments", "agreement", "kappa", "alpha"])


def bench(tables: dict[str, pd.DataFrame]) -> list[Row]:
    import krippendorff  # noqa: F401  (imports are not timed, on either side)
    import sklearn.metrics  # noqa: F401

    import cocope_kit.stats  # noqa: F401
    from cocope_kit import analysis

    coding = tables["coding"]
    kit, t_kit = timed(lambda: analysis.coder_agreement(coding))
    alt, t_alt = timed(lambda: package_loop(coding))
    k = kit.astype({"code_id": str}).set_index("code_id").sort_index()
    a = alt.astype({"code_id": str}).set_index("code_id").sort_index()
    check(list(k.index) == list(a.index), "coder agreement: different codes")
    check((k["n_segments"] == a["n_segments"]).all(), "coder agreement: segment counts differ")
    for col in ("agreement", "kappa", "alpha"):
        check(np.allclose(k[col], a[col], rtol=0, atol=1e-9, equal_nan=True),
              f"coder agreement: {col} differs from "
              f"{'krippendorff' if col == 'alpha' else 'sklearn'}")
    n = int(k["n_segments"].iloc[0]) if len(k) else 0
    return [Row(f"coder agreement, {len(k)} codes x {n:,} segments", t_kit, "s", t_alt,
                "krippendorff + sklearn loop")]
