"""Charts of the interviews (meeting 3): codes by role, codes given together, coder agreement.

Compute, then draw (STYLE 2): each chart takes a table of
:mod:`cocope_kit.analysis` (``code_frequencies``, ``cooccurrence``,
``coder_agreement``). Codes are named by their codebook label; texts are in the
reader's language (``language=``, English by default).

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import pandas as pd
>>> a = pd.DataFrame({"code_id": ["cb:trust", "cb:time"], "kappa": [0.82, 0.41],
...                   "alpha": [0.80, 0.39]})
>>> ax = coder_agreement(a, language="sk")
>>> [t.get_text() for t in ax.get_yticklabels()]
['Trust', 'Time']
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator

from ..i18n import translator
from . import _style as st
from ._common import done, empty_panel, human, need, one, role_label, text_color
from .palette import BLUE, GREY, SKY_BLUE

__all__ = ["code_frequencies", "cooccurrence", "coder_agreement"]


def _code_label(code_id: object, label: object = None) -> str:
    if label is not None and not (isinstance(label, float) and label != label) and str(label):
        return human(label)
    return human(code_id)


def _labels(codes: pd.DataFrame | None) -> dict[str, object]:
    if codes is None:
        return {}
    cd = need(codes, "codes", ["code_id"], "the 'code' table")
    if "label" not in cd.columns:
        return {}
    return dict(zip(cd["code_id"].astype(str), cd["label"], strict=True))


def code_frequencies(freq: pd.DataFrame, *, ax: Axes | None = None,
                     language: str | None = None, value: str = "segments",
                     **group: object) -> Axes:
    """Heatmap of codes × respondent role: passages (or interviews) with each code.

    Parameters
    ----------
    freq : pandas.DataFrame
        :func:`cocope_kit.analysis.code_frequencies` with ``respondent_role``
        in ``by`` (e.g. ``by="respondent_role"`` across CoPs, or the default
        ``("cop_id", "respondent_role")`` and ``cop_id=...`` here).
    ax : matplotlib Axes, optional
    language : {"en", "de", "nl", "pt", "sk"}, optional
        The language of every text (English when omitted).
    value : str, default "segments"
        The column to show: ``segments``, ``interviews``, ``share_segments``
        or ``share_interviews``.

    Returns
    -------
    matplotlib Axes
        An image (rows codes, columns roles) whose array equals the pivoted
        ``value``, every cell annotated.
    """
    tr = translator(language)
    f = need(freq, "freq", ["respondent_role", "code_id", value],
             "analysis.code_frequencies(..., by='respondent_role')")
    by = [k for k in f.columns if k not in {"respondent_role", "code_id", "label", "segments",
                                            "interviews", "total_segments", "total_interviews",
                                            "share_segments", "share_interviews"}]
    f = one(f, "freq", by, **group)
    if f.empty:
        return empty_panel(ax, tr.gettext("What the interviews talked about, by role"),
                           tr.gettext("No coded interviews yet."), tr)
    codes = list(dict.fromkeys(f["code_id"].astype(str)))
    roles = list(dict.fromkeys(f["respondent_role"].astype(str)))
    mat = (f.pivot_table(index="code_id", columns="respondent_role", values=value,
                         aggfunc="first").reindex(index=codes, columns=roles).astype(float))
    labels = (dict(zip(f["code_id"].astype(str), f["label"], strict=True))
              if "label" in f.columns else {})
    ax = st.new_ax(ax, (max(6.5, 1.6 * len(roles) + 4.5), max(4.0, 0.6 * len(codes) + 2.5)))
    im = ax.imshow(mat.to_numpy(), cmap="Blues", aspect="auto",
                   vmin=0, vmax=max(float(np.nanmax(mat.to_numpy())) if mat.size else 1, 1e-9))
    share = value.startswith("share")
    for i in range(len(codes)):
        for j in range(len(roles)):
            v = mat.iat[i, j]
            ax.text(j, i, "" if v != v else (tr.percent(v) if share else tr.number(v, 0)),
                    ha="center", va="center", fontsize=st.TEXT_SIZE,
                    color=text_color(im.cmap(im.norm(v))) if v == v else st.BLACK)
    ax.set_xticks(range(len(roles)), [role_label(r_, tr) for r_ in roles], rotation=25,
                  ha="right", rotation_mode="anchor")
    ax.set_yticks(range(len(codes)), [_code_label(c, labels.get(c)) for c in codes])
    ax.tick_params(length=0)
    cb = ax.figure.colorbar(im, ax=ax, shrink=0.8)
    what = (tr.gettext("interviews with the code") if "interviews" in value
            else tr.gettext("passages with the code"))
    if share:
        what = tr.gettext("share of {what}").format(what=what)
    cb.set_label(what, fontsize=st.LABEL_SIZE - 2)
    if not share:
        cb.locator = MaxNLocator(integer=True)
        cb.update_ticks()
    ax.set_xlabel(tr.gettext("who was interviewed"))
    ax.set_title(tr.gettext("What the interviews talked about, by role"))
    tot = mat.sum(axis=1)
    top = ", ".join(f"{_code_label(c, labels.get(c))} {tr.number(tot[c], 0)}"
                    for c in tot.sort_values(ascending=False).index[:3]) if not share else ""
    text = (tr.ngettext("Heatmap of {n} code", "Heatmap of {n} codes", len(codes))
            .format(n=len(codes)) + " × " + tr.ngettext("{n} role", "{n} roles", len(roles))
            .format(n=len(roles)) + f" ({what}).")
    if top:
        text += " " + tr.gettext("Most frequent: {codes}.").format(codes=top)
    return done(ax, text)


def cooccurrence(pairs: pd.DataFrame, *, ax: Axes | None = None, language: str | None = None,
                 codes: pd.DataFrame | None = None) -> Axes:
    """Code × code heatmap: passages where two codes were given together.

    Parameters
    ----------
    pairs : pandas.DataFrame
        :func:`cocope_kit.analysis.cooccurrence` (``code_a, code_b, segments``).
    ax : matplotlib Axes, optional
    language : {"en", "de", "nl", "pt", "sk"}, optional
        The language of every text (English when omitted).
    codes : pandas.DataFrame, optional
        The ``code`` table: its ``label`` names the codes. Only codes that
        occur in a pair get a row and column (sorted by label).

    Returns
    -------
    matplotlib Axes
        A symmetric image (both triangles), diagonal empty; cell (a, b) equals
        the ``segments`` of the pair.
    """
    tr = translator(language)
    p = need(pairs, "pairs", ["code_a", "code_b", "segments"],
             "the table of analysis.cooccurrence")
    if p.empty:
        return empty_panel(ax, tr.gettext("Topics that came up together"),
                           tr.gettext("No coded interviews yet."), tr)
    ids = list(dict.fromkeys([*p["code_a"].astype(str), *p["code_b"].astype(str)]))
    labels = _labels(codes)
    ids = sorted(ids, key=lambda c: _code_label(c, labels.get(c)))
    n = len(ids)
    idx = {c: i for i, c in enumerate(ids)}
    mat = np.zeros((n, n))
    np.fill_diagonal(mat, np.nan)
    for a, b, s in zip(p["code_a"].astype(str), p["code_b"].astype(str), p["segments"],
                       strict=True):
        mat[idx[a], idx[b]] = mat[idx[b], idx[a]] = float(s)
    ax = st.new_ax(ax, (max(7.0, 0.85 * n + 4.5), max(6.0, 0.75 * n + 3)))
    vmax = float(np.nanmax(mat)) if n > 1 and np.isfinite(mat).any() else 1.0
    im = ax.imshow(np.ma.masked_invalid(mat), cmap="Blues", vmin=0, vmax=max(vmax, 1))
    for i in range(n):
        for j in range(n):
            v = mat[i, j]
            if v == v and v > 0:
                ax.text(j, i, tr.number(v, 0), ha="center", va="center",
                        fontsize=st.SMALL_SIZE, color=text_color(im.cmap(im.norm(v))))
    lab = [_code_label(c, labels.get(c)) for c in ids]
    ax.set_xticks(range(n), lab, rotation=40, ha="right", rotation_mode="anchor")
    ax.set_yticks(range(n), lab)
    ax.tick_params(length=0)
    cb = ax.figure.colorbar(im, ax=ax, shrink=0.75)
    cb.set_label(tr.gettext("passages with both codes"), fontsize=st.LABEL_SIZE - 2)
    cb.locator = MaxNLocator(integer=True)
    cb.update_ticks()
    ax.set_title(tr.gettext("Topics that came up together"))
    top = p.sort_values("segments", ascending=False, kind="stable").head(3)
    text = (tr.ngettext("{n} code", "{n} codes", n).format(n=n) + ", "
            + tr.ngettext("{n} pair given together at least once",
                          "{n} pairs given together at least once", len(p)).format(n=len(p))
            + ". ")
    if len(top):
        text += tr.gettext("Most often together: {pairs}.").format(pairs="; ".join(
            f"{_code_label(a, labels.get(a))} + {_code_label(b, labels.get(b))} "
            f"({tr.number(s, 0)})"
            for a, b, s in zip(top["code_a"], top["code_b"], top["segments"], strict=True)))
    return done(ax, text)


def coder_agreement(agreement: pd.DataFrame, *, ax: Axes | None = None,
                    language: str | None = None, codes: pd.DataFrame | None = None,
                    references: Sequence[float] = (0.6, 0.8)) -> Axes:
    """How far two coders agree, per code (Cohen's kappa and Krippendorff's alpha).

    Parameters
    ----------
    agreement : pandas.DataFrame
        :func:`cocope_kit.analysis.coder_agreement` (``code_id, kappa, alpha``).
    ax : matplotlib Axes, optional
    language : {"en", "de", "nl", "pt", "sk"}, optional
        The language of every text (English when omitted).
    codes : pandas.DataFrame, optional
        The ``code`` table, for labels.
    references : sequence of float, default (0.6, 0.8)
        Vertical reference lines (0.6: the usual lowest acceptable kappa;
        0.8: Krippendorff's level for reliable data, Krippendorff 2004).

    Returns
    -------
    matplotlib Axes
        Two bar containers (kappa, alpha), one horizontal bar per code (width
        = value; NaN drawn as 0 and marked "cannot be computed"); reference
        lines with gid ``"reference:<value>"``, in black and grey.
    """
    tr = translator(language)
    a = need(agreement, "agreement", ["code_id", "kappa", "alpha"],
             "the table of analysis.coder_agreement")
    labels = _labels(codes)
    ids = a["code_id"].astype(str).tolist()
    n = len(ids)
    if a.empty:
        return empty_panel(ax, tr.gettext("Do the two coders agree?"),
                           tr.gettext("No interviews coded by two coders yet."), tr)
    ax = st.new_ax(ax, (10, max(4.0, 0.8 * n + 2.5)))
    y = np.arange(n)
    h = 0.38
    kap = a["kappa"].astype(float).to_numpy()
    alp = a["alpha"].astype(float).to_numpy()
    ax.barh(y - h / 2, np.nan_to_num(kap), height=h, color=SKY_BLUE, edgecolor=st.BLACK,
            label=tr.gettext("Cohen's kappa"))
    ax.barh(y + h / 2, np.nan_to_num(alp), height=h, color=BLUE, edgecolor=st.BLACK,
            hatch="..", label=tr.gettext("Krippendorff's alpha"))
    nan_text = tr.gettext("cannot be computed (no variation)")
    for yy, vals in ((y - h / 2, kap), (y + h / 2, alp)):
        for yi, v in zip(yy, vals, strict=True):
            ax.text(max(0.0, np.nan_to_num(v)) + 0.01, yi,
                    nan_text if v != v else tr.number(v, 2), va="center",
                    fontsize=st.SMALL_SIZE - 1)
    styles = [(GREY, (0, (4, 2))), (st.BLACK, "-"), (GREY, ":")]
    for i, r_ in enumerate(references):
        color, ls = styles[i % len(styles)]
        ln = ax.axvline(r_, color=color, linestyle=ls, linewidth=2.2, label=tr.number(r_, 2))
        ln.set_gid(f"reference:{r_:g}")
    ax.set_yticks(y, [_code_label(c, labels.get(c)) for c in ids])
    ax.set_ylim(n - 0.5, -0.5)
    lo = min(0.0, float(np.nanmin(np.r_[kap, alp, 0])))
    ax.set_xlim(lo, 1.12)
    ax.set_xlabel(tr.gettext("agreement between the two coders (1 = complete)"))
    ax.set_title(tr.gettext("Do the two coders agree?"))
    st.style_axes(ax, grid="x")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2 + len(references),
              fontsize=st.LEGEND_SIZE - 1, frameon=False)
    low = [_code_label(c, labels.get(c)) for c, v in zip(ids, kap, strict=True)
           if v == v and v < min(references, default=0.6)]
    text = (tr.ngettext("Agreement of two coders on {n} code",
                        "Agreement of two coders on {n} codes", n).format(n=n) + ": "
            + "; ".join(f"{_code_label(c, labels.get(c))}: kappa "
                        f"{nan_text if k != k else tr.number(k, 2)}, alpha "
                        f"{nan_text if al != al else tr.number(al, 2)}"
                        for c, k, al in zip(ids, kap, alp, strict=True)) + ".")
    if low:
        text += " " + tr.gettext("Below {value}: {codes}.").format(
            value=tr.number(min(references), 2), codes=", ".join(low))
    return done(ax, text)
