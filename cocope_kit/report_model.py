"""The report model: sections, headline sentences, figures, tables and notes -- no HTML.

Reports are built in three steps (DESIGN section 11): analysis tables (through
the disclosure step), then a :class:`Report` made of :class:`Section` objects
holding plain blocks (:class:`Paragraph`, :class:`Table` with formatted cells,
:class:`Figure` with an SVG, its alt text and caption, :class:`Quote`,
:class:`Card`, ...), then :func:`render_html`, which fills the one Jinja2 base
template ``templates/report_base.html.j2`` (autoescape on: every text of the
model is escaped there, nothing is escaped or concatenated in Python). The
per-CoP report, its technical appendix, its print styles and the cross-CoP
report are variants of that template; notebook 04 shows the same model with
:func:`frame` (a table as a DataFrame with its column labels).

Examples
--------
>>> sec = Section("summary", "At a glance", headline=["The goal is reached <b>."])
>>> html = render_html(Report(language="de", title="T", sections=[sec]))
>>> '<html lang="de">' in html, "&lt;b&gt;" in html, "<b>" in html
(True, True, False)
"""

from __future__ import annotations

import base64
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

__all__ = [
    "Card",
    "Facts",
    "Figure",
    "Heading",
    "Items",
    "Paragraph",
    "Quote",
    "Report",
    "Section",
    "Table",
    "TEMPLATE",
    "figure_from_chart",
    "find_table",
    "frame",
    "render_html",
]

TEMPLATE = "report_base.html.j2"
"""The one base template of the reports (in ``cocope_kit/templates``)."""


@dataclass
class Paragraph:
    """A paragraph of plain text; ``cls`` is ``"empty"`` (nothing collected), ``"note"``,
    ``"lead"`` or ``""``."""

    text: str
    cls: str = ""
    id: str = ""
    kind: str = field(default="paragraph", init=False)


@dataclass
class Heading:
    """A sub-heading inside a section (level 3 or 4)."""

    level: int
    id: str
    text: str
    kind: str = field(default="heading", init=False)


@dataclass
class Facts:
    """Label-value pairs (a definition list), already formatted."""

    items: list[tuple[str, str]]
    kind: str = field(default="facts", init=False)


@dataclass
class Items:
    """A bulleted list of plain texts."""

    items: list[str]
    kind: str = field(default="items", init=False)


@dataclass
class Quote:
    """A quote and who said it (in words, never an id)."""

    text: str
    source: str
    kind: str = field(default="quote", init=False)


@dataclass
class Card:
    """A lesson, a value-creation story: a kind label, a title, text, notes and facts."""

    title: str
    text: str = ""
    label: str = ""
    tag: str = ""  # lesson kind: the colour band (one meaning per colour)
    notes: list[str] = field(default_factory=list)
    facts: list[tuple[str, str]] = field(default_factory=list)
    kind: str = field(default="card", init=False)


@dataclass
class Figure:
    """A chart as an SVG ``data:`` URI, its alt text and caption."""

    id: str
    src: str
    alt: str
    caption: str
    cls: str = ""
    kind: str = field(default="figure", init=False)


@dataclass
class Table:
    """A table of formatted cells.

    ``keys`` are the analysis columns (kept as ``data-col`` for tests and
    scripts), ``labels`` the column headings a reader sees, ``rows`` the cell
    texts and ``numeric`` which cells are numbers (right-aligned).
    """

    id: str
    caption: str
    keys: list[str]
    labels: list[str]
    rows: list[list[str]]
    numeric: list[list[bool]] = field(default_factory=list)
    notes: list[Paragraph] = field(default_factory=list)
    kind: str = field(default="table", init=False)


@dataclass
class Section:
    """A section: a title, headline sentences, then blocks in order.

    ``appendix`` sections go into the collapsed technical appendix.
    ``blocks`` may hold nested :class:`Section` objects (the appendix keeps the
    report's order of sub-sections).
    """

    id: str
    title: str
    headline: list[str] = field(default_factory=list)
    blocks: list = field(default_factory=list)
    level: int = 2
    appendix: bool = False
    cls: str = ""
    kind: str = field(default="section", init=False)

    def add(self, block: object) -> object:
        """Append a block and return it."""
        self.blocks.append(block)
        return block


@dataclass
class Report:
    """A whole document: header texts, group sections, appendix sections, notes.

    ``labels`` holds the fixed texts of the page (contents, appendix summary,
    footer) in the report's language; :func:`render_html` fills English ones
    where a label is missing.
    """

    language: str
    title: str
    subtitle: str = ""
    notes: list[Paragraph] = field(default_factory=list)
    sections: list = field(default_factory=list)
    appendix: list = field(default_factory=list)
    footnotes: list[str] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)
    css: str = ""
    appendix_lang: str | None = None

    def toc(self) -> list[tuple[int, str, str]]:
        """(level, id, title) of the sections and level-3 headings, in order."""
        out: list[tuple[int, str, str]] = []

        def walk(blocks: Sequence, level: int) -> None:
            for b in blocks:
                if isinstance(b, Section):
                    out.append((level, b.id, b.title))
                    walk(b.blocks, level + 1)
                elif isinstance(b, Heading) and b.level == 3 and level <= 3:
                    out.append((3, b.id, b.text))

        walk(self.sections, 2)
        return out


_DEFAULT_LABELS = {
    "contents": "Contents",
    "appendix": "Technical appendix",
    "appendix_hint": "Reliability, tests and effect sizes, coder agreement, full tables and "
                     "notes on the methods. Click to open.",
    "notes": "Notes",
    "footer": "Made with cocope_kit. Self-contained file: it loads nothing from the internet. "
              "Print it with your browser's “Print to PDF”.",
}


@cache
def _environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    folder = Path(__file__).resolve().parent / "templates"
    return Environment(loader=FileSystemLoader(str(folder)), autoescape=True,
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def render_html(report: Report, *, template: str = TEMPLATE) -> str:
    """The HTML page of ``report`` (one self-contained file, every text escaped).

    Parameters
    ----------
    report : Report
        The model.
    template : str
        A template in ``cocope_kit/templates`` that extends the base one.

    Returns
    -------
    str
        The page, starting with ``<!DOCTYPE html>``.
    """
    from markupsafe import Markup

    labels = {**_DEFAULT_LABELS, **report.labels}
    env = _environment()
    return env.get_template(template).render(
        r=report, labels=labels, toc=report.toc(), css=Markup(report.css))  # noqa: S704 - ours


def figure_from_chart(chart: object, caption: str, fid: str, *, cls: str = "",
                      alt: str | None = None) -> Figure:
    """A :class:`Figure` from a matplotlib Axes or Figure (closed afterwards).

    The SVG goes in an ``<img>`` as a ``data:`` URI: isolated from the page
    (no id clashes, no scripts), scalable for print. Its alt text is the
    chart's own description (:func:`cocope_kit.charts.describe`), else
    ``alt``, else the caption.
    """
    import matplotlib.pyplot as plt
    from matplotlib.axes import Axes

    from .charts import describe
    from .errors import UsageError

    fig = chart.figure if isinstance(chart, Axes) else chart
    if alt is None:
        try:
            alt = describe(chart)
        except UsageError:
            alt = caption
    buf = io.BytesIO()
    fig.savefig(buf, format="svg", facecolor="white", metadata={"Date": None})
    plt.close(fig)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return Figure(fid, f"data:image/svg+xml;base64,{data}", alt, caption, cls)


def frame(table: Table):
    """A :class:`Table` as a DataFrame with the reader's column labels (for notebooks).

    >>> t = Table("t", "Steps", ["steps", "done"], ["Steps", "Done"], [["7", "6"]])
    >>> frame(t).to_dict("records")
    [{'Steps': '7', 'Done': '6'}]
    """
    import pandas as pd

    labels = list(table.labels)
    seen: Mapping[str, int] = {}
    for i, lab in enumerate(labels):  # equal labels would collapse columns
        if lab in seen:
            labels[i] = f"{lab} ({table.keys[i]})"
        seen = {**seen, lab: i}
    return pd.DataFrame(table.rows, columns=labels)


def find_table(report: Report, table_id: str) -> Table:
    """The :class:`Table` with id ``table_id`` anywhere in ``report`` (group view or appendix).

    Raises
    ------
    KeyError
        No table has this id; the message lists the ids there are.

    >>> r = Report("en", "T", sections=[Section("s", "S", blocks=[
    ...     Table("t-a", "A", ["x"], ["X"], [["1"]])])])
    >>> find_table(r, "t-a").caption
    'A'
    """
    found: dict[str, Table] = {}

    def walk(blocks: Sequence) -> None:
        for b in blocks:
            if isinstance(b, Table):
                found.setdefault(b.id, b)
            elif isinstance(b, Section):
                walk(b.blocks)

    walk([*report.sections, *report.appendix])
    if table_id not in found:
        raise KeyError(f"no table {table_id!r} in this report; there are: "
                       f"{', '.join(sorted(found))}")
    return found[table_id]
