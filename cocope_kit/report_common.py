"""Shared parts of the HTML reports: cell formatting, the document builder, page and styles.

:class:`_Doc` collects a report's body while its sections are built. Every
table a report publishes goes through :meth:`_Doc.tab`, which hands it to the
document's :class:`cocope_kit.disclosure.Disclosure`: for outside readers the
sections are built twice, once to collect every table (nothing is drawn), then,
after the disclosure step decided across the whole document, to render the
publishable tables; for the group itself once, as nothing is suppressed.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from .disclosure import MARK_COLUMN, Disclosure
from .errors import UsageError
from .report_model import (
    Facts,
    Heading,
    Paragraph,
    Report,
    Section,
    Table,
    figure_from_chart,
    render_html,
)

__all__ = ["BASE_CSS", "SUPPORTED_LANGUAGES", "fmt"]

SUPPORTED_LANGUAGES: tuple[str, ...] = ("en", "de", "nl", "pt", "sk")
"""Languages the per-CoP report (group view) is written in (:data:`cocope_kit.i18n.LANGUAGES`);
the cross-CoP report for evaluators is in English."""

_INSTRUMENTS = ("working_together", "cop_climate", "learning_community")
_PCT = re.compile(r"^(progress|rate|retention.*|share_.*|.*_share|share|percent.*|agreement|"
                  r"student_share_of_.*|on_time_rate|density|reciprocity|cross_owner_dependencies)$")

_COUNT = re.compile(r"^(n|n_.*|members|expected|attended|steps|goals|stories|segments|interviews|"
                    r"ratings|ties|people|pairs|scored|meetings|contributions|k|total_.*)$")

CROSS_COP_ROWS = 60
"""Per-CoP tables of the cross-CoP report show the rows of at most this many CoPs.

With more CoPs, the report picks them round-robin over the countries (the
first CoPs of each country by id), says under each table how many rows were
left out, and points to notebook 05 and ``cocope export`` for all of them.
Summaries by country, by role group and over all CoPs always use every CoP."""

CROSS_COP_CHARTS = 12
"""Charts with one bar or line per CoP are drawn for at most this many CoPs.

With more, the GAS chart is drawn per country and the level profile over all
CoPs together; the other per-CoP charts are left out with a note (the tables
carry the numbers)."""

_LEFT_OUT = ("{n} {people} left out because consent/assent is missing, pending, refused "
             "or withdrawn.")


# ----------------------------------------------------------------------------- helpers
class _Tables:
    """A read-only stand-in store over already filtered tables (for chart functions)."""

    def __init__(self, tables: Mapping[str, pd.DataFrame]):
        self._t = tables

    def read(self, table: str) -> pd.DataFrame:
        if table not in self._t:
            raise UsageError(f"table {table!r} is not part of this report's data")
        return self._t[table].copy()


def _blank(v: object) -> bool:
    if v is None:
        return True
    try:
        if v is pd.NA or v is pd.NaT:
            return True
        return isinstance(v, float) and math.isnan(v)
    except (TypeError, ValueError):
        return False


def fmt(value: object, column: str = "") -> str:
    """Plain text of one table cell as the report shows it (not yet escaped).

    Percentages (``progress``, ``rate``, ``share_*``, ...) get one decimal and
    ``%``; other floats two decimals (``tscore`` and means one); whole numbers
    as integers; missing values an en dash.

    >>> fmt(0.6812, "progress"), fmt(47.234, "tscore"), fmt(0.8123, "alpha"), fmt(None)
    ('68.1%', '47.2', '0.81', '–')
    """
    if _blank(value):
        return "–"
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (pd.Timestamp, _dt.date, np.datetime64)):
        return str(pd.Timestamp(value).date())
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        v = float(value)
        if _PCT.match(column):
            return f"{v * 100:.1f}%"
        if column in ("tscore",) or column.startswith(("mean", "median")):
            return f"{v:.1f}" if column == "tscore" else f"{v:.2f}"
        if v.is_integer() and _COUNT.match(column):
            return str(int(v))
        return f"{v:.2f}"
    if isinstance(value, (tuple, list)):
        return " | ".join(str(x) for x in value)
    return str(value)


def _label(col: str) -> str:
    labels = {"cop_id": "CoP", "role_group": "role group", "tscore": "GAS T-score",
              "n": "n", "pct": "%", "alpha": "Cronbach's α", "ci_low": "CI low",
              "ci_high": "CI high", "dz": "d_z", "g": "Hedges' g", "p_value": "p",
              "gini": "Gini", "entropy_norm": "evenness (entropy)", "k": "items (k)"}
    return labels.get(col, col.replace("_", " "))


class _Doc:
    """Collects the body and the table of contents while a report is built."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.toc: list[tuple[int, str, str]] = []
        self.footnotes: list[str] = []
        self._ids: set[str] = set()
        self.hidden: set[str] = set()
        self.shown_cops: frozenset[str] | None = None  # cross-CoP report: CoPs given rows
        self.n_cops = 0
        self.waves: list[str] = []  # survey waves in the order collected (analysis.wave_order)
        self.disclosure: Disclosure | None = None
        self.published: dict[str, pd.DataFrame] | None = None  # set for the rendering pass
        self.collecting = False  # the first pass for outside readers: collect, draw nothing
        self.label = _label  # column heading of an analysis column
        self._open: list[Section] = []  # the sections being filled

    def tab(self, name: str, compute: Callable[[], pd.DataFrame | None] | pd.DataFrame | None,
            **declare) -> pd.DataFrame | None:
        """A table this document publishes, as the reader may see it.

        ``compute`` (a function, run through :func:`_safe`, or a table) gives
        the analysis table; ``declare`` is what
        :meth:`cocope_kit.disclosure.Disclosure.add` needs to know about its
        columns. Returns the publishable table (with the column ``suppressed``),
        or None when there is nothing to show.
        """
        if self.published is not None and not self.collecting:
            out = self.published.get(name)
        else:
            df = _safe(compute) if callable(compute) else compute
            pop = declare.get("population")
            if df is None and pop is not None and pop not in self.disclosure.populations:
                return None  # nothing collected about anyone (a CoP without surveys)
            self.disclosure.add(name, df, **declare)
            if self.collecting:  # the first pass only collects: nothing of it is shown
                out = pd.DataFrame() if df is None else df.assign(**{MARK_COLUMN: ""})
            elif self.disclosure.audience == "group":
                out = self.disclosure.publish(only=[name])[name]
            else:
                raise UsageError(f"table {name!r} was not collected before rendering")
        if out is None or not len(out.columns) or not len(out):
            return None
        return out

    def shown(self, df: pd.DataFrame | None) -> pd.DataFrame | None:
        """The rows of a published table with nothing hidden in the row's own cell."""
        if df is None or MARK_COLUMN not in df:
            return df
        return df[~df[MARK_COLUMN].isin(["small cell", "complementary"])]

    def in_wave_order(self, df: pd.DataFrame, cols: Sequence[str]) -> pd.DataFrame:
        """Rows with waves in the order they were collected (``pre`` before ``post``), the
        columns shown before ``wave`` keeping their order, rows within a wave theirs."""
        from .analysis import in_wave_order

        if "wave" not in cols:
            return df
        return in_wave_order(df, self.waves, before=list(cols[:list(cols).index("wave")]))

    def latest_wave(self, waves: pd.Series) -> str:
        """The last collected of these waves, in the order of :meth:`in_wave_order` (labels
        not in :attr:`waves` count as later, by label); "" when there is none."""
        from .analysis import in_wave_order

        have = pd.DataFrame({"wave": sorted(set(waves.dropna().astype(str)))})
        return str(in_wave_order(have, self.waves)["wave"].iloc[-1]) if len(have) else ""

    def _uid(self, base: str) -> str:
        base = re.sub(r"[^a-z0-9-]+", "-", base.lower()).strip("-") or "x"
        uid, i = base, 2
        while uid in self._ids:
            uid, i = f"{base}-{i}", i + 1
        self._ids.add(uid)
        return uid

    def add(self, block: object) -> object:
        """Append a model block to the open section (or the top level) and return it."""
        (self._open[-1].blocks if self._open else self.parts).append(block)
        return block

    def h(self, level: int, text: str, sid: str | None = None) -> str:
        uid = self._uid(sid or text)
        if level in (2, 3):
            self.toc.append((level, uid, text))
        self.add(Heading(level, uid, text))
        return uid

    def open_section(self, sid: str, title: str, level: int = 2) -> None:
        sec = Section(self._uid(sid), title, level=level)
        self.toc.append((level, sec.id, title))
        self.add(sec)
        self._open.append(sec)

    def close_section(self) -> None:
        self._open.pop()

    def p(self, text: str, cls: str | None = None) -> None:
        self.add(Paragraph(text, cls or ""))

    def dl(self, items: Iterable[tuple[str, object]]) -> None:
        self.add(Facts([(str(k), fmt(v)) for k, v in items]))

    def table(self, df: pd.DataFrame, tid: str, caption: str, *, columns: Sequence[str] | None = None,
              labels: Mapping[str, str] | None = None, note: str | None = None,
              empty: str = "No data yet.") -> None:
        uid = self._uid("t-" + tid)
        if self.collecting:
            return
        if df is not None and MARK_COLUMN in df.columns and not (df[MARK_COLUMN] != "").any():
            df = df.drop(columns=MARK_COLUMN)
        if df is None or len(df) == 0:
            self.add(Paragraph(f"{caption}: {empty}", "empty", uid))
            return
        left_out = None
        if self.shown_cops is not None and "cop_id" in df.columns:
            keep = df["cop_id"].astype("string").isin(list(self.shown_cops))
            keep = keep.fillna(False).to_numpy(bool)
            if not keep.all():
                gone = df.loc[~keep, "cop_id"]
                left_out = self._left_out_note(int((~keep).sum()), int(gone.nunique()))
                df = df.loc[keep]
        if len(df) == 0:
            self.add(Paragraph(f"{caption}: {empty}", "empty", uid))
            if left_out:
                self.add(Paragraph(left_out, "note rows-left-out"))
            return
        order = [c for c in (columns or list(df.columns)) if c in df.columns]
        if MARK_COLUMN in df.columns and MARK_COLUMN not in order:
            order.append(MARK_COLUMN)
        df = self.in_wave_order(df, order)
        cols = [c for c in order if c not in self.hidden]
        labels = dict(labels or {})
        rows, numeric = [], []
        for row in df[cols].itertuples(index=False, name=None):
            rows.append([fmt(v, c) for c, v in zip(cols, row, strict=True)])
            numeric.append([isinstance(v, (int, float, np.integer, np.floating))
                            and not isinstance(v, bool) for v in row])
        notes = [Paragraph(note, "note")] if note else []
        if left_out:
            notes.append(Paragraph(left_out, "note rows-left-out"))
        self.add(Table(uid, caption, cols, [labels.get(c, self.label(c)) for c in cols], rows,
                       numeric, notes))

    def _left_out_note(self, rows: int, cops: int) -> str:
        return (f"Left out here: {rows:,} {'row' if rows == 1 else 'rows'} about {cops:,} more "
                f"{'CoP' if cops == 1 else 'CoPs'} (per-CoP tables show at most "
                f"{len(self.shown_cops or ())} of the {self.n_cops:,} CoPs). All rows: notebook "
                "05_cross_cop_evaluation.ipynb, or the data with `cocope export`.")

    def figure(self, chart: object, caption: str, fid: str) -> None:
        """Embed a cocope_kit chart (Axes or Figure) as an SVG image, its description as alt
        text (:func:`cocope_kit.report_model.figure_from_chart`)."""
        import matplotlib.pyplot as plt
        from matplotlib.axes import Axes

        if self.collecting:
            plt.close(chart.figure if isinstance(chart, Axes) else chart)
            return
        self.add(figure_from_chart(chart, caption, self._uid("f-" + fid)))

    def footnote(self, text: str) -> str:
        if text not in self.footnotes:
            self.footnotes.append(text)
        i = self.footnotes.index(text) + 1
        return f"[{i}]"


BASE_CSS = """
:root{color-scheme:light}
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",Arial,sans-serif;
 color:#1a1a1a;background:#fff;margin:0;line-height:1.5;font-size:16px}
header,main,footer{max-width:64rem;margin:0 auto;padding:0 1.25rem}
header{padding-top:1.5rem;border-bottom:4px solid #009E73}
h1{font-size:2rem;margin:.2rem 0 .5rem}
h2{font-size:1.55rem;margin-top:2.5rem;border-bottom:2px solid #ddd;padding-bottom:.2rem}
h3{font-size:1.2rem;margin-top:1.8rem}
.lead{font-size:1.1rem;color:#333}
.privacy{background:#f3f7f5;border-left:4px solid #006e50;padding:.6rem 1rem}
.note,.empty{font-size:.92rem;color:#444}
a{color:#005a8c}
.table-wrap{overflow-x:auto;margin:.8rem 0}
table{border-collapse:collapse;width:100%;font-size:.92rem}
caption{text-align:left;font-weight:600;padding:.3rem 0}
th,td{border:1px solid #ccc;padding:.3rem .5rem;vertical-align:top;text-align:left}
th{background:#eef2f0}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
footer.foot{border-top:1px solid #ddd;margin-top:3rem;padding-bottom:2rem;font-size:.9rem}
@media print{
 body{font-size:11pt;background:#fff;color:#000}
 h2,h3,h4{break-after:avoid;page-break-after:avoid}
 table{break-inside:avoid;page-break-inside:avoid}
 th,.privacy{background:#fff}
 a{color:#000;text-decoration:none}
 header,main,footer,nav{max-width:none;padding:0}
}
@page{size:A4;margin:1.6cm}
"""
"""Page, heading, table and print styles shared by the report and the harvest document
(:mod:`cocope_kit.harvest_doc`); each adds its own rules after these."""

_CSS = BASE_CSS + """
.lang-note{background:#fff6d6;border-left:4px solid #8a6d00;padding:.6rem 1rem}
nav{max-width:64rem;margin:1rem auto;padding:0 1.25rem}
nav ol{padding-left:1.4rem;margin:.2rem 0}
nav ol ol{font-size:.95rem}
figure{margin:1rem 0}
figure img{max-width:100%;height:auto;display:block;border:1px solid #e5e5e5}
figcaption{font-size:.92rem;color:#333;margin-top:.3rem}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}
dl.facts dt{font-weight:600}
dl.facts dd{margin:0}
blockquote{margin:.6rem 0;padding:.4rem 1rem;border-left:4px solid #56B4E9;background:#f5f9fc}
blockquote footer{font-size:.9rem;color:#444;padding:0;margin:0}
.card{border:1px solid #ddd;border-radius:6px;padding:.6rem 1rem;margin:.8rem 0}
.card h4{margin:.2rem 0}
.kind{font-size:.85rem;font-weight:600;color:#333}
ul.headline{font-size:1.12rem;padding-left:1.3rem;margin:.6rem 0}
ul.headline li{margin:.25rem 0}
.group figure img{max-height:36rem;width:auto;margin:0 auto}
.group figure.chart img{max-height:22rem}
.card.k-challenge,.card.k-side_effect{border-left:6px solid #D55E00}
.card.k-success,.card.k-unexpected_benefit{border-left:6px solid #009E73}
.card.k-insight,.card.k-resource,.card.k-story{border-left:6px solid #999}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(18rem,1fr));gap:0 1rem}
.prompts li{margin:.3rem 0}
details.appendix{margin-top:3rem;border-top:2px solid #ddd;padding-top:1rem}
details.appendix>summary{cursor:pointer;font-size:1.3rem;font-weight:600}
details.appendix>summary .note{font-weight:400;font-size:.92rem;display:block}
.group h2{margin-top:1.6rem}
@media print{
 .group h2{break-before:auto;page-break-before:auto}
 .group figure img{max-height:10.5cm}
 body{font-size:10pt}
 .group table{break-inside:auto;page-break-inside:auto}
 .group tr{break-inside:avoid}
 .group blockquote{margin:.3rem 0;padding:.2rem .8rem}
 .group .card{margin:.4rem 0;padding:.3rem .8rem}
 .group figure.chart img{max-height:6.5cm}
 nav{display:none}
 .group h2{margin-top:1rem}
 .group ul.headline{font-size:11pt}
 details.appendix{break-before:page;page-break-before:always}
 details.appendix::details-content{content-visibility:visible;display:block}
 details.appendix>summary{list-style:none}
 h2{break-before:page;page-break-before:always}
 nav h2,h2#summary,h2#notes{break-before:auto;page-break-before:auto}
 figure,blockquote,.card{break-inside:avoid;page-break-inside:avoid}
 figure img{max-width:100%;max-height:24cm;border:0}
 .table-wrap{overflow:visible}
 .lang-note,blockquote{background:#fff}
}
@page{size:A4;margin:1.3cm 1.4cm}
"""


def _page(title: str, doc: _Doc, header: Sequence[Paragraph], lang: str, *,
          subtitle: str = "", sections: Sequence | None = None, appendix: Sequence = (),
          labels: Mapping[str, str] | None = None, appendix_lang: str | None = None) -> str:
    """The page of a report built with ``doc``, rendered with the base template."""
    report = Report(language=lang, title=title, subtitle=subtitle, notes=list(header),
                    sections=list(doc.parts if sections is None else sections),
                    appendix=list(appendix), footnotes=list(doc.footnotes),
                    labels=dict(labels or {}), css=_CSS, appendix_lang=appendix_lang)
    return render_html(report)


# ----------------------------------------------------------------------------- data
def _load(store: object, cop_id: str | None, names: bool) -> tuple[dict, pd.DataFrame]:
    from .analysis import load_tables
    from .privacy import filter_consented, pseudonymise_tables

    tables = load_tables(store, cop_ids=None if cop_id is None else [cop_id],
                         consented_only=False)
    kept, register = filter_consented(tables)
    kept = dict(kept)
    if names:
        m = kept["member"].copy()
        m["pseudonym"] = m["name"].where(m["name"].notna(), m["pseudonym"])
        kept["member"] = m
    else:  # real names written in free text masked too (issue 15, second pass)
        kept = pseudonymise_tables(kept, tables["member"], tables["consent"])
    return kept, register


def _left_out_text(register: pd.DataFrame, k: int | None = None) -> str:
    """How many people consent leaves out; with ``k`` (outside readers) a number below ``k``
    is not given (it would be a small cell of people without consent)."""
    n = int((~register["included"]).sum())
    if k is not None and 0 < n < k:
        return (f"Fewer than {k} people are left out because consent/assent is missing, "
                "pending, refused or withdrawn.")
    return _LEFT_OUT.format(n=n, people="person is" if n == 1 else "people are")


def _safe(fn: Callable[[], pd.DataFrame | None]) -> pd.DataFrame | None:
    """Run an analysis; a CoP without the data it needs gets an empty table, not a crash."""
    from .errors import CocopeError

    try:
        return fn()
    except (CocopeError, KeyError, ValueError):
        return None


def _survey_instruments(responses: pd.DataFrame) -> list[str]:
    have = set(responses["instrument_id"].dropna())
    return [i for i in _INSTRUMENTS if i in have]


def _scores(t: dict, inst: str) -> pd.DataFrame | None:
    """Scale scores of one instrument, computed once per report (several sections use them)."""
    from . import analysis

    memo = t.setdefault("_scale_scores", {})
    if inst not in memo:
        resp, ans = _inst_data(t, inst)
        memo[inst] = None if resp.empty else analysis.scale_scores(resp, ans, inst)
    return memo[inst]


def _inst_data(t: dict, inst: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Responses and answers of one instrument (selected once per report)."""
    memo = t.setdefault("_inst_data", {})
    if inst not in memo:
        resp = t["response"][t["response"]["instrument_id"] == inst]
        ans = t["answer"][t["answer"]["response_id"].isin(set(resp["response_id"]))]
        memo[inst] = (resp, ans)
    return memo[inst]


def _inst_title(inst: str) -> str:
    try:
        from .instruments import load_instrument

        title = load_instrument(inst).title
        if isinstance(title, Mapping):
            return str(title.get("en") or next(iter(title.values())))
        return str(title)
    except Exception:  # noqa: BLE001 - a title is decoration
        return inst.replace("_", " ")


def _evaluation_charts():
    """The survey/participation/network charts module, when it exists."""
    try:
        from .charts import evaluation  # type: ignore[attr-defined]
    except ImportError:
        return None
    return evaluation


def _chart(doc: _Doc, draw: Callable[[object], object], caption: str, fid: str) -> None:
    """Draw one chart of :mod:`cocope_kit.charts.evaluation` into the report.

    A chart that cannot be drawn (missing module, too little data) is left
    out with a short note; the tables next to it still carry the numbers.
    """
    ev = _evaluation_charts()
    if ev is None or doc.collecting:
        return
    import matplotlib.pyplot as plt

    try:
        chart = draw(ev)
    except Exception as e:  # noqa: BLE001 - a missing picture must not stop the report
        plt.close("all")
        doc.p(f"(Chart not drawn: {e})", "empty")
        return
    if chart is None:  # nothing to draw (e.g. no goal scored yet); the table says so
        return
    doc.figure(chart, caption, fid)


def _many_cops(doc: _Doc, what: str) -> bool:
    """True (and a note in place of the chart) when a chart with one bar or line per CoP
    would have more than :data:`CROSS_COP_CHARTS` of them."""
    if doc.n_cops <= CROSS_COP_CHARTS:
        return False
    doc.p(f"(Chart of {what} not drawn: {doc.n_cops:,} CoPs are more than "
          f"{CROSS_COP_CHARTS} that can be told apart in one picture; the table carries the "
          "numbers.)", "note")
    return True


