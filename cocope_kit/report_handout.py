"""A 2-page A4 hand-out of the group view, drawn without a browser (matplotlib PDF).

Page 1 is the CoP tree (:func:`cocope_kit.charts.draw_cop_tree` on A4, as the
poster of ``cocope poster``); page 2 holds the sentences of "At a glance" of the
per-CoP report (:mod:`cocope_kit.report_group`) beside the goal chart and the
level of working together, in the CoP's language. Where the data is missing the
page says "not collected yet" instead of drawing an empty chart.

Examples
--------
>>> import cocope_kit as ck, tempfile, pathlib
>>> from cocope_kit.demo import write_demo
>>> store = write_demo(ck.open_store(":memory:"))
>>> out = write_handout(store, "pt-porto", pathlib.Path(tempfile.mkdtemp()) / "h.pdf",
...                     as_of="2026-06-30")
>>> out.read_bytes()[:4]
b'%PDF'
"""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

__all__ = ["A4_LANDSCAPE", "write_handout"]

A4_LANDSCAPE = (11.69, 8.27)
"""The hand-out's page size in inches."""


def _text_page(report, data, tr):
    """Page 2: the headline sentences left, one or two key charts right."""
    import matplotlib.pyplot as plt

    from .charts import evaluation as ev
    from .report_group import _levels

    _ = tr.gettext
    fig = plt.figure(figsize=A4_LANDSCAPE)
    fig.text(0.04, 0.94, report.title, fontsize=17, fontweight="bold", va="top")
    fig.text(0.04, 0.895, report.subtitle, fontsize=10.5, color="#333333", va="top")
    fig.text(0.04, 0.84, _("At a glance"), fontsize=13.5, fontweight="bold", va="top")
    y = 0.795
    for sentence in report.sections[0].headline:
        lines = textwrap.wrap(sentence, 62)
        fig.text(0.045, y, "•", fontsize=10.5, va="top")
        fig.text(0.06, y, "\n".join(lines), fontsize=10.5, va="top", linespacing=1.35)
        y -= 0.026 * len(lines) + 0.018
    y -= 0.01
    fig.text(0.04, y, _("Does this match your experience?"), fontsize=12, fontweight="bold",
             va="top")
    fig.text(0.045, y - 0.04, "\n".join(textwrap.wrap(
        _("Does the progress towards our goal match what you saw in class and at school?"),
        66)), fontsize=10, va="top", style="italic")
    fig.text(0.04, 0.03, "\n".join(textwrap.wrap(report.notes[0].text, 150)) if report.notes
             else "", fontsize=7.5, color="#444444", va="bottom")
    t = data["t"]
    goals, meas = t["goal"], t["goal_measurement"]
    top = fig.add_axes([0.60, 0.60, 0.37, 0.31])
    if len(goals) and len(meas[meas["goal_id"] == goals["goal_id"].iloc[0]]):
        ev.goal_progress(goals, meas, ax=top, goal_id=goals["goal_id"].iloc[0],
                         as_of=data["as_of"], language=tr.language)
        top.set_title("")
        top.set_title(_("Our goal and how far we got"), fontsize=11, loc="left")
    else:
        top.set_axis_off()
        top.text(0, 0.5, _("Measurements of the indicator: not collected yet."), fontsize=11)
    bottom = fig.add_axes([0.60, 0.16, 0.37, 0.30])
    lv = _levels(data)
    if lv is not None:
        ev.level_profile(lv, ax=bottom, min_cell=1, language=tr.language)
        bottom.set_title("")
        bottom.set_title(_("How we worked together"), fontsize=11, loc="left")
    else:
        bottom.set_axis_off()
        bottom.text(0, 0.5, _("Level of working together: not collected yet (no survey "
                              "answers)."), fontsize=11, wrap=True)
    for ax in (top, bottom):
        leg = ax.get_legend()
        if leg is not None:
            handles, labels = ax.get_legend_handles_labels()
            leg.remove()
            ax.legend(handles, labels, ncol=4, fontsize=7, loc="upper center",
                      bbox_to_anchor=(0.5, -0.2), frameon=False)
        ax.xaxis.label.set_visible(False)
    return fig


def write_handout(store: object, cop_id: str, out: str | os.PathLike, *, as_of: object = None,
                  language: str | None = None, names: bool = False) -> Path:
    """Write the 2-page A4 hand-out of one CoP's group view as a PDF and return its path.

    Parameters
    ----------
    store : Store or object with ``read(table)``
    cop_id : str
        The CoP.
    out : path
        The ``.pdf`` file to write (its folder is created).
    as_of : date-like, optional
        Day the plan and goal are seen from (default today).
    language : {"en", "de", "nl", "pt", "sk"}, optional
        Default the CoP's language.
    names : bool, default False
        Real names instead of pseudonyms (personal data!).

    Raises
    ------
    UsageError
        ``out`` is not a ``.pdf`` file name, or the CoP is unknown.
    """
    import matplotlib
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    from .charts import cop_tree
    from .charts._style import RC_PARAMS
    from .errors import UsageError
    from .i18n import translator
    from .report_common import _Tables
    from .report_cop import group_parts

    path = Path(out)
    if path.suffix.lower() != ".pdf":
        raise UsageError(f"the hand-out is written as a .pdf file, got {path.name!r}")
    report, data = group_parts(store, cop_id, as_of=as_of, language=language, names=names)
    tr = translator(report.language)
    path.parent.mkdir(parents=True, exist_ok=True)
    with matplotlib.rc_context(RC_PARAMS):
        tree = cop_tree(_Tables(data["t"]), cop_id, as_of=data["as_of"], paper="A4",
                        language=tr.language)
        page2 = _text_page(report, data, tr)
        try:
            with PdfPages(path, metadata={"Title": report.title, "Creator": "cocope_kit"}) as pdf:
                pdf.savefig(tree)
                pdf.savefig(page2)
        finally:
            plt.close(tree)
            plt.close(page2)
    return path
