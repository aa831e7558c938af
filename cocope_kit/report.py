"""Self-contained HTML reports: the fruits of the CoP tree, shown back to the group.

:func:`write_report` writes **one** HTML file: charts are embedded as base64
SVG images, the style sheet is inline, and nothing is loaded from elsewhere
(no script, no web font, no CDN), so the file opens offline, can be mailed,
and prints cleanly to PDF from a browser.

* With ``cop_id`` the report follows the CoP tree: the **trunk** (the shared
  goal and its SMART check), the **branches** (the action plan: Gantt chart,
  progress, who does what) and the **fruits** (goal attainment, participation
  and voice, the level of working together, survey results with reliability,
  interview themes, lessons, value-creation stories), with the tree picture.
* Without ``cop_id`` it is the evaluators' report: every CoP side by side, by
  country and by role group.

Privacy by default (DESIGN section 7)
-------------------------------------
* :func:`cocope_kit.privacy.filter_consented` is applied to the tables
  **before** any analysis; the report says how many people were left out
  (never who).
* People appear by pseudonym; names only with ``names=True``.
* Tables grouped by role group go through
  :func:`cocope_kit.privacy.suppress_small_cells` (``k=min_cell``) with
  complementary suppression, and a footnote says so.
* All text from the store is escaped with :func:`html.escape`; links are shown
  as text, never followed.

Examples
--------
>>> import cocope_kit as ck, tempfile, pathlib
>>> from cocope_kit.demo import write_demo
>>> from cocope_kit.report import write_report
>>> store = write_demo(ck.open_store(":memory:"))
>>> path = write_report(store, pathlib.Path(tempfile.mkdtemp()) / "gent.html",
...                     cop_id="be-gent", as_of="2026-06-30")
>>> text = path.read_text(encoding="utf-8")
>>> '<html lang="en">' in text, "<script" in text, 'id="fruits"' in text
(True, False, True)
"""

from __future__ import annotations

import base64
import datetime as _dt
import io
import math
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from html import escape
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import UsageError

__all__ = ["BASE_CSS", "write_report", "write_reports", "report_html", "SUPPORTED_LANGUAGES"]

SUPPORTED_LANGUAGES: tuple[str, ...] = ("en",)
"""Languages the report texts exist in; others fall back to English with a note."""

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

    def h(self, level: int, text: str, sid: str | None = None) -> str:
        uid = self._uid(sid or text)
        if level in (2, 3):
            self.toc.append((level, uid, text))
        self.parts.append(f'<h{level} id="{uid}">{escape(text)}</h{level}>')
        return uid

    def open_section(self, sid: str, title: str, level: int = 2) -> None:
        self.parts.append(f'<section class="s{level}" aria-labelledby="{self._uid_peek(sid)}">')
        self.h(level, title, sid)

    def _uid_peek(self, sid: str) -> str:
        base = re.sub(r"[^a-z0-9-]+", "-", sid.lower()).strip("-") or "x"
        uid, i = base, 2
        while uid in self._ids:
            uid, i = f"{base}-{i}", i + 1
        return uid

    def close_section(self) -> None:
        self.parts.append("</section>")

    def p(self, text: str, cls: str | None = None) -> None:
        c = f' class="{cls}"' if cls else ""
        self.parts.append(f"<p{c}>{escape(text)}</p>")

    def raw(self, html_text: str) -> None:
        self.parts.append(html_text)

    def dl(self, items: Iterable[tuple[str, object]]) -> None:
        rows = "".join(f"<dt>{escape(k)}</dt><dd>{escape(fmt(v))}</dd>" for k, v in items)
        self.parts.append(f'<dl class="facts">{rows}</dl>')

    def table(self, df: pd.DataFrame, tid: str, caption: str, *, columns: Sequence[str] | None = None,
              labels: Mapping[str, str] | None = None, note: str | None = None,
              empty: str = "No data yet.") -> None:
        uid = self._uid("t-" + tid)
        if df is None or len(df) == 0:
            self.parts.append(f'<p class="empty" id="{uid}">{escape(caption)}: {escape(empty)}</p>')
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
            self.parts.append(f'<p class="empty" id="{uid}">{escape(caption)}: '
                              f"{escape(empty)}</p>")
            if left_out:
                self.parts.append(f'<p class="note rows-left-out">{escape(left_out)}</p>')
            return
        order = [c for c in (columns or list(df.columns)) if c in df.columns]
        df = self.in_wave_order(df, order)
        cols = [c for c in order if c not in self.hidden]
        labels = dict(labels or {})
        head = "".join(f'<th scope="col">{escape(labels.get(c, _label(c)))}</th>' for c in cols)
        body = []
        for row in df[cols].itertuples(index=False, name=None):
            cells = []
            for c, v in zip(cols, row, strict=True):
                text = fmt(v, c)
                num = isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)
                cls = ' class="num"' if num else ""
                cells.append(f'<td data-col="{escape(c)}"{cls}>{escape(text)}</td>')
            body.append("<tr>" + "".join(cells) + "</tr>")
        cap = escape(caption)
        self.parts.append(
            f'<div class="table-wrap" role="region" aria-label="{cap}" tabindex="0">'
            f'<table id="{uid}"><caption>{cap}</caption><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table></div>')
        if note:
            self.parts.append(f'<p class="note">{escape(note)}</p>')
        if left_out:
            self.parts.append(f'<p class="note rows-left-out">{escape(left_out)}</p>')

    def _left_out_note(self, rows: int, cops: int) -> str:
        return (f"Left out here: {rows:,} {'row' if rows == 1 else 'rows'} about {cops:,} more "
                f"{'CoP' if cops == 1 else 'CoPs'} (per-CoP tables show at most "
                f"{len(self.shown_cops or ())} of the {self.n_cops:,} CoPs). All rows: notebook "
                "05_cross_cop_evaluation.ipynb, or the data with `cocope export`.")

    def figure(self, chart: object, caption: str, fid: str) -> None:
        """Embed a cocope_kit chart (Axes or Figure) as an SVG image, its description as alt text.

        The SVG goes in an ``<img>`` as a ``data:`` URI: isolated from the page
        (no id clashes, no scripts), scalable for print, and four times faster
        to write than a PNG. Text stays text (``svg.fonttype = none``).
        """
        import matplotlib.pyplot as plt
        from matplotlib.axes import Axes

        from .charts import describe

        fig = chart.figure if isinstance(chart, Axes) else chart
        try:
            alt = describe(chart)
        except UsageError:
            alt = caption
        buf = io.BytesIO()
        fig.savefig(buf, format="svg", facecolor="white", metadata={"Date": None})
        plt.close(fig)
        data = base64.b64encode(buf.getvalue()).decode("ascii")
        uid = self._uid("f-" + fid)
        self.parts.append(
            f'<figure id="{uid}"><img src="data:image/svg+xml;base64,{data}" alt="{escape(alt)}">'
            f"<figcaption>{escape(caption)}</figcaption></figure>")

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
@media print{
 h2{break-before:page;page-break-before:always}
 nav h2,h2#summary,h2#notes{break-before:auto;page-break-before:auto}
 figure,blockquote,.card{break-inside:avoid;page-break-inside:avoid}
 figure img{max-width:100%;max-height:24cm;border:0}
 .table-wrap{overflow:visible}
 .lang-note,blockquote{background:#fff}
}
"""


def _page(title: str, doc: _Doc, header_html: str, lang: str) -> str:
    toc = ['<nav aria-label="Contents"><h2 class="toc-title" id="contents">Contents</h2><ol>']
    open_sub = False
    for i, (level, uid, text) in enumerate(doc.toc):
        link = f'<a href="#{uid}">{escape(text)}</a>'
        if level == 2:
            if open_sub:
                toc.append("</ol></li>")
                open_sub = False
            nxt = doc.toc[i + 1][0] if i + 1 < len(doc.toc) else 2
            if nxt == 3:
                toc.append(f"<li>{link}<ol>")
                open_sub = True
            else:
                toc.append(f"<li>{link}</li>")
        else:
            toc.append(f"<li>{link}</li>")
    if open_sub:
        toc.append("</ol></li>")
    toc.append("</ol></nav>")
    notes = ""
    if doc.footnotes:
        items = "".join(f'<li id="fn{i}">{escape(t)}</li>' for i, t in enumerate(doc.footnotes, 1))
        notes = f'<section aria-labelledby="notes"><h2 id="notes">Notes</h2><ol>{items}</ol></section>'
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{escape(lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="referrer" content="no-referrer">\n'
        f"<title>{escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f"<header>{header_html}</header>\n{''.join(toc)}\n"
        f'<main>{"".join(doc.parts)}{notes}</main>\n'
        '<footer class="foot"><p>Made with cocope_kit. Self-contained file: it loads nothing '
        "from the internet. Print it with your browser's “Print to PDF”.</p></footer>\n"
        "</body>\n</html>\n")


# ----------------------------------------------------------------------------- data
def _load(store: object, cop_id: str | None, names: bool) -> tuple[dict, pd.DataFrame]:
    from .analysis import load_tables
    from .privacy import filter_consented, pseudonymise

    tables = load_tables(store, cop_ids=None if cop_id is None else [cop_id],
                         consented_only=False)
    kept, register = filter_consented(tables)
    kept = dict(kept)
    if names:
        m = kept["member"].copy()
        m["pseudonym"] = m["name"].where(m["name"].notna(), m["pseudonym"])
        kept["member"] = m
    else:
        for t in ("member", "interview"):
            kept[t] = pseudonymise(t, kept[t])
    return kept, register


def _left_out_text(register: pd.DataFrame) -> str:
    n = int((~register["included"]).sum())
    return _LEFT_OUT.format(n=n, people="person is" if n == 1 else "people are")


def _suppress(df: pd.DataFrame, *, n: str, within: list[str], k: int,
              values: list[str] | None = None) -> pd.DataFrame:
    from .privacy import suppress_small_cells

    if df is None or len(df) == 0:
        return df
    return suppress_small_cells(df, n=n, within=within or None, k=k, values=values)


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
    if ev is None:
        return
    import matplotlib.pyplot as plt

    try:
        chart = draw(ev)
    except Exception as e:  # noqa: BLE001 - a missing picture must not stop the report
        plt.close("all")
        doc.p(f"(Chart not drawn: {e})", "empty")
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


# ----------------------------------------------------------------------------- sections
SUPPRESSION_NOTE = ("Cells with fewer than {k} people are hidden (–), and so is one more cell "
                    "of the same group where needed, so that a hidden cell cannot be worked "
                    "out from the totals.")


def _fruit_participation(doc: _Doc, t: dict, *, k: int, by_cop: bool, cop: pd.DataFrame) -> None:
    from . import analysis

    att, mem, meet = t["attendance"], t["member"], t["meeting"]
    group = ["cop_id"] if by_cop else []
    ret = _safe(lambda: analysis.retention(att, mem, meet, by=("country", "cop_id") if by_cop
                                           else ("cop_id",), cop=cop))
    doc.table(ret, "retention", "Who came to the three meetings (retention)",
              columns=[c for c in (ret.columns if ret is not None else [])])
    rates = _safe(lambda: analysis.attendance_rates(att, mem, meet, by=(*group, "role_group")
                                                    if group else ("cop_id", "role_group")))
    if rates is not None and len(rates):
        people = analysis.enrich(mem[["member_id", "cop_id", "role"]])
        counts = people.groupby(["cop_id", "role_group"]).size().rename("n").reset_index()
        rates = rates.merge(counts, on=["cop_id", "role_group"], how="left")
        rates["n"] = rates["n"].fillna(0).astype("int64")
        rates = rates[["cop_id", "role_group", "n", "expected", "attended", "rate"]]
        rates = _suppress(rates, n="n", within=["cop_id"], k=k,
                          values=["expected", "attended", "rate"])
    mark = doc.footnote(SUPPRESSION_NOTE.format(k=k))
    doc.table(rates, "attendance-role-group", f"Attendance by role group {mark}",
              columns=["cop_id", "role_group", "n", "expected", "attended", "rate", "suppressed"],
              labels={"n": "people"})
    voice = _safe(lambda: analysis.voice_equity(att, mem, meet, by=("cop_id",)))
    if voice is not None and len(voice) and not (
            by_cop and _many_cops(doc, "students' share of voice and the Lorenz curves per CoP")):
        per_member = _safe(lambda: analysis.contribution_shares(
            att, mem, meet, by=("cop_id", "member_id"), within="cop_id"))
        if by_cop:
            _chart(doc, lambda ev: ev.voice_shares(voice),
                   "Students' share of voice next to their share of members, per CoP.",
                   "voice-shares")
        if per_member is not None and len(per_member):
            _chart(doc, lambda ev: ev.voice_equity(ev.lorenz_data(per_member), voice),
                   "How evenly the contributions were spread (Lorenz curve; the diagonal is "
                   "everyone equal).", "lorenz")
    if not by_cop and len(att):
        _chart(doc, lambda ev: ev.attendance_heatmap(ev.attendance_data(att, mem, meet)),
               "Who was at which meeting, and how often they spoke.", "attendance")
    doc.table(voice, "voice-equity", "Voice: how evenly the contributions were spread",
              note="Gini 0 means everyone spoke equally often; evenness 1 means the same. "
                   "A voice ratio below 1 means students spoke less than their share of members.")
    shares = _safe(lambda: analysis.contribution_shares(att, mem, meet, by=("cop_id", "role_group"),
                                                        within="cop_id"))
    if shares is not None and len(shares):
        shares = _suppress(shares, n="members", within=["cop_id"], k=k,
                           values=["contributions", "share_of_members", "share_of_contributions",
                                   "ratio"])
    doc.table(shares, "voice-role-group", f"Share of voice by role group {mark}")


def _fruit_working_together(doc: _Doc, t: dict, *, k: int, by_cop: bool,
                            cop: pd.DataFrame) -> pd.DataFrame | None:
    """The working-together fruits; returns the levels per CoP and wave before suppression."""
    from . import analysis

    scores = _safe(lambda: _scores(t, "working_together"))
    levels = raw = None
    if scores is not None and len(scores):
        _, ans = _inst_data(t, "working_together")
        levels = _safe(lambda: analysis.level_of_working_together(scores, ans, by=("cop_id", "wave")))
        raw = None if levels is None else levels.copy()
    if levels is not None and len(levels):
        levels = _suppress_levels(levels, ["cop_id", "wave"], k)
    if levels is not None and (levels["suppressed"] == "").any():
        if by_cop and doc.n_cops > CROSS_COP_CHARTS:
            _pooled_level_profile(doc, scores, t, k=k)
        else:
            _chart(doc, lambda ev: ev.level_profile(levels, min_cell=k),
                   "Subscale means of working together per wave (1–5), with the level reached.",
                   "level-profile")
    doc.table(levels, "levels", "Level of working together per wave (means of the subscales, 1–5)",
              columns=["cop_id", "wave", "n", "cooperation", "coordination", "collaboration",
                       "level", "n_fit", "fit_most_frequent"],
              note="The level is classified from the three subscale means by the rule documented "
                   "in cocope_kit.analysis.collaboration; 'fit' counts which description "
                   "respondents chose as fitting best.")
    if levels is not None and len(levels):
        tr = _safe(lambda: analysis.level_transitions(levels, by=("cop_id",)))
        if by_cop and tr is not None and len(tr) and not _many_cops(
                doc, "the level of working together from pre to post per CoP"):
            _chart(doc, lambda ev: ev.level_transitions(tr),
                   "Level of working together from pre to post, one line per CoP.",
                   "level-transitions")
        doc.table(tr, "level-change", "Change of the level between the waves")
    net = _safe(lambda: analysis.network_measures(t["pair_rating"], t["member"],
                                                  by=("cop_id", "wave")))
    doc.table(net, "network", "Collaboration network from the pair ratings",
              columns=["cop_id", "wave", "members", "ratings", "ties", "density", "mean_level",
                       "reciprocity"])
    asym = _safe(lambda: analysis.asymmetric_pairs(t["pair_rating"]))
    pr = t["pair_rating"]
    if not by_cop and len(pr):
        wave = doc.latest_wave(pr["wave"])
        _chart(doc, lambda ev: ev.network(pr, t["member"], asymmetric=asym,
                                          cop_id=str(pr["cop_id"].iloc[0]), wave=wave),
               f"The collaboration network ({wave}): who rates working together with whom.",
               "network")
    if asym is not None:
        n_asym = asym.groupby(["cop_id", "wave"]).size().rename("pairs").reset_index()
        doc.table(n_asym, "asymmetric", "Pairs who see their working together very differently "
                  "(ratings of each other differ by 2 or more)", empty="none.")
    return raw


def _suppress_levels(levels: pd.DataFrame, within: list[str], k: int) -> pd.DataFrame:
    """Levels of working together with a group answered by fewer than ``k`` people hidden:
    its subscale means, ``n_fit`` and, derived from them, its level and most frequent fit."""
    levels = _suppress(levels, n="n", within=within, k=k,
                       values=["cooperation", "coordination", "collaboration", "n_fit"])
    hidden = levels["suppressed"] != ""
    for col in ("level", "fit_most_frequent"):
        if col in levels:
            levels[col] = levels[col].where(~hidden, None)
    return levels


def _pooled_level_profile(doc: _Doc, scores: pd.DataFrame, t: dict, *, k: int) -> None:
    """The level profile over all CoPs together, per wave (for too many CoPs to draw one by one)."""
    from . import analysis

    _, ans = _inst_data(t, "working_together")
    pooled = _safe(lambda: analysis.level_of_working_together(scores, ans, by=("wave",)))
    if pooled is None or not len(pooled):
        return
    pooled = _suppress_levels(pooled, ["wave"], k)
    pooled.insert(0, "cop_id", "all CoPs")  # level_profile labels the bars by CoP and wave
    if (pooled["suppressed"] == "").any():
        _chart(doc, lambda ev: ev.level_profile(pooled, min_cell=k),
               f"Subscale means of working together per wave (1–5), all {doc.n_cops:,} CoPs "
               "together, with the level reached (the table gives each CoP).",
               "level-profile-all")


def _fruit_surveys(doc: _Doc, t: dict, *, k: int, by_cop: bool, cop: pd.DataFrame) -> None:
    from . import analysis

    insts = _survey_instruments(t["response"])
    if not insts:
        doc.p("No survey responses yet.", "empty")
        return
    mark = doc.footnote(SUPPRESSION_NOTE.format(k=k))
    for inst in insts:
        title = _inst_title(inst)
        doc.h(3 if by_cop else 4, title, f"survey-{inst}")
        resp, ans = _inst_data(t, inst)
        scores = _safe(lambda inst=inst: _scores(t, inst))
        by = ("country", "cop_id", "wave") if by_cop else ("cop_id", "wave")
        cs = _safe(lambda scores=scores, by=by: analysis.construct_scores(scores, by=by, cop=cop))
        if cs is not None and len(cs):
            cs = _suppress(cs, n="n", within=[*by, "construct"], k=k)
        shown = None if cs is None or not len(cs) else cs[cs["suppressed"] == ""]
        if shown is not None and len(shown):
            if by_cop:
                pooled = _safe(lambda scores=scores: analysis.construct_scores(scores, by=("wave",)))
                if pooled is not None and len(pooled):
                    pooled = _suppress(pooled[pooled["n"] > 0], n="n", within=["wave", "construct"],
                                       k=k, values=["mean", "sd", "median", "ci_low", "ci_high"])
                if pooled is not None and (pooled["suppressed"] == "").any():
                    _chart(doc, lambda ev, pooled=pooled: ev.construct_means(pooled, min_cell=k),
                           f"{title}: scale means with 95% CI, pre and post, all CoPs together.",
                           f"means-{inst}")
            else:
                # the suppressed table itself: hidden cells show as "suppressed", not as points
                _chart(doc, lambda ev, cs=cs: ev.construct_means(cs, min_cell=k),
                       f"{title}: scale means with 95% CI, pre and post.", f"means-{inst}")
        doc.table(cs, f"scores-{inst}", f"{title}: scale scores per wave",
                  columns=[*by, "construct", "n", "mean", "sd", "median", "ci_low", "ci_high"])
        rel = _safe(lambda resp=resp, ans=ans, inst=inst: analysis.reliability(
            resp, ans, inst, by=("cop_id", "wave")))
        if rel is not None and len(rel):
            rel = _suppress(rel, n="n", within=["cop_id", "construct"], k=k)
        doc.table(rel, f"reliability-{inst}",
                  f"{title}: reliability (Cronbach's α, listwise, per survey wave)",
                  columns=["cop_id", "wave", "construct", "alpha", "ci_low", "ci_high", "n", "k"],
                  note="α below 0.7 with few respondents: read the scale scores with care. The "
                       "95% interval (Feldt) is wide with few respondents and can reach below 0: "
                       "then these answers cannot tell whether the items of the construct agree.")
        if by_cop:
            pooled = _safe(lambda resp=resp, ans=ans, inst=inst: analysis.reliability(
                resp, ans, inst, by=("wave",)))
            doc.table(pooled, f"reliability-all-{inst}",
                      f"{title}: reliability over all CoPs together, per survey wave",
                      columns=["wave", "construct", "alpha", "ci_low", "ci_high", "n", "k"])
        pp = _safe(lambda scores=scores: analysis.prepost_change(scores, by=("cop_id",)))
        if pp is not None and len(pp):
            for col in ("n_pre", "n_post"):
                pp = _suppress(pp, n=col, within=["cop_id", "construct"], k=k).drop(
                    columns="suppressed")
        doc.table(pp, f"change-{inst}", f"{title}: change from pre to post",
                  columns=["cop_id", "construct", "method", "n_pre", "n_post", "n_pairs",
                           "mean_pre", "mean_post", "mean_diff", "p_value", "rank_biserial",
                           "caution"])
        rg = None if by_cop else _safe(lambda scores=scores: analysis.construct_scores(
            scores, by=("cop_id", "wave", "role_group")))
        if rg is not None and len(rg):
            rg = rg[rg["n"] > 0]
            rg = _suppress(rg, n="n", within=["cop_id", "wave", "construct"], k=k,
                           values=["mean", "sd", "median", "ci_low", "ci_high"])
        if not by_cop:
            _role_group_chart(doc, rg, k=k, title=title, inst=inst)
            doc.table(rg, f"scores-role-group-{inst}",
                      f"{title}: scale scores by role group {mark}",
                      columns=["cop_id", "wave", "construct", "role_group", "n", "mean", "sd",
                               "suppressed"])
        if by_cop:
            rgp = _safe(lambda scores=scores: analysis.construct_scores(
                scores, by=("wave", "role_group")))
            if rgp is not None and len(rgp):
                rgp = rgp[rgp["n"] > 0]
                rgp = _suppress(rgp, n="n", within=["wave", "construct"], k=k,
                                values=["mean", "sd", "median", "ci_low", "ci_high"])
            doc.table(rgp, f"scores-role-group-all-{inst}",
                      f"{title}: scale scores by role group, all CoPs {mark}",
                      columns=["wave", "construct", "role_group", "n", "mean", "sd", "suppressed"])


def _role_group_chart(doc: _Doc, rg: pd.DataFrame | None, *, k: int, title: str,
                      inst: str) -> None:
    """Scale means by role group (latest wave) from the **suppressed** table, and a sentence
    naming the role groups that are hidden (never their numbers)."""
    if rg is None or not len(rg):
        return
    wave = doc.latest_wave(rg["wave"])
    one = rg[rg["wave"].astype(str) == wave]
    if not (one["suppressed"] == "").any():
        doc.p(f"{title}: every role group in the {wave} wave has fewer than {k} respondents "
              f"(or protects one that has), so no means by role group are shown.", "note")
        return
    _chart(doc, lambda ev: ev.construct_means(one, hue="role_group", min_cell=k, wave=wave),
           f"{title}: scale means by role group ({wave} wave), from the suppressed table.",
           f"means-role-group-{inst}")
    hidden = one.loc[one["suppressed"] != "", ["role_group", "suppressed"]].drop_duplicates()
    if len(hidden):
        small = sorted(set(hidden.loc[hidden["suppressed"] == "small cell", "role_group"]))
        comp = sorted(set(hidden.loc[hidden["suppressed"] == "complementary", "role_group"])
                      - set(small))
        text = []
        if small:
            text.append(f"suppressed because fewer than {k} people answered: "
                        + ", ".join(small))
        if comp:
            text.append("also suppressed, so that a hidden group cannot be worked out from the "
                        "others: " + ", ".join(comp))
        doc.p("Not shown in the chart and the table: " + "; ".join(text) + ".", "note")


def _fruit_interviews(doc: _Doc, t: dict, *, quotes: bool) -> None:
    from . import analysis

    iv, cod, codes = t["interview"], t["coding"], t["code"]
    if iv.empty:
        doc.p("No interviews yet.", "empty")
        return
    freq = _safe(lambda: analysis.code_frequencies(cod, iv, codes, by=("cop_id",)))
    if freq is not None and len(freq):
        freq = freq.sort_values(["cop_id", "interviews", "segments"], ascending=[True, False, False])
    doc.table(freq, "themes", "Interview themes: how often each code was given",
              columns=["cop_id", "label", "segments", "interviews", "total_interviews",
                       "share_interviews"])
    agree = _safe(lambda: analysis.coder_agreement(cod))
    if agree is not None and len(agree):
        agree = agree.merge(codes[["code_id", "label"]], on="code_id", how="left")
    if agree is not None and len(agree):
        _chart(doc, lambda ev: ev.coder_agreement(agree.drop(columns="label"), codes=codes),
               "Agreement between the two coders per code (Cohen's κ and Krippendorff's α).",
               "coder-agreement")
    doc.table(agree, "coder-agreement", "Agreement between the two coders per code",
              columns=["label", "n_segments", "both", "first_only", "second_only", "agreement",
                       "kappa", "alpha"],
              labels={"alpha": "Krippendorff's α", "kappa": "Cohen's κ", "label": "code"})
    if not quotes:
        return
    ex = _safe(lambda: analysis.exemplar_quotes(cod, iv, codes, n=1))
    if ex is None or ex.empty:
        return
    doc.h(4, "Quotes")
    groups = analysis.enrich(ex[["respondent_role"]], role_col="respondent_role")["role_group"]
    for (_, r), grp in zip(ex.iterrows(), groups, strict=True):
        who = f"a {grp} member" if isinstance(grp, str) else "a member"
        doc.raw(f"<blockquote><p>“{escape(str(r['text']))}”</p>"
                f"<footer>Theme: {escape(str(r['label']))} — {escape(who)}</footer></blockquote>")


def _fruit_lessons(doc: _Doc, t: dict) -> None:
    from . import analysis
    from .charts._style import LESSON_KIND_LABELS

    les = t["lesson"]
    if les.empty:
        doc.p("No lessons written down yet.", "empty")
    order = list(LESSON_KIND_LABELS)
    les = les.assign(_o=les["kind"].map({k: i for i, k in enumerate(order)}).fillna(99))
    for _, r in les.sort_values(["_o", "lesson_id"]).iterrows():
        kind = LESSON_KIND_LABELS.get(str(r["kind"]), str(r["kind"]))
        extra = ""
        if not _blank(r.get("tags")):
            extra += f'<p class="note">Tags: {escape(str(r["tags"]))}</p>'
        if not _blank(r.get("link")):
            extra += f'<p class="note">Link (copy into a browser): {escape(str(r["link"]))}</p>'
        doc.raw(f'<div class="card"><p class="kind">{escape(kind)}</p>'
                f"<h4>{escape(str(r['title']))}</h4><p>{escape(str(r['text']))}</p>{extra}</div>")
    ref = t["reflection"]
    ref = ref[ref["text"].notna()] if "text" in ref else ref
    if len(ref):
        doc.h(4, "From the reflections (anonymous)")
        items = "".join(f"<li>{escape(str(x))}</li>" for x in ref.sort_values(
            ["phase", "reflection_id"])["text"])
        doc.raw(f"<ul>{items}</ul>")
    fb = _safe(lambda: analysis.feedback_summary(t["result_feedback"], by=("cop_id",)))
    doc.table(fb, "feedback", "Do the results match the members' experience?",
              columns=["cop_id", "result_key", "n", "matches", "partly", "does_not_match",
                       "share_matches"])


def _fruit_value(doc: _Doc, t: dict, *, stories: bool) -> None:
    from . import analysis

    vs = _safe(lambda: analysis.value_stories(t["value_story"], by=("cop_id",)))
    doc.table(vs, "value-summary", "Value-creation stories per cycle",
              columns=["cop_id", "stories", "immediate", "potential", "applied", "realized",
                       "reframing", "share_realized"])
    if not stories:
        return
    cyc = _safe(lambda: analysis.story_cycles(t["value_story"]))
    if cyc is None or cyc.empty:
        return
    for i, (_, story) in enumerate(cyc.groupby("story_id", sort=True), start=1):
        rows = "".join(f"<dt>{escape(str(c).capitalize())}</dt><dd>{escape(str(x))}</dd>"
                       for c, x in zip(story["cycle"], story["text"], strict=True) if not _blank(x))
        doc.raw(f'<div class="card"><h4>Story {i}</h4><dl class="facts">{rows}</dl></div>')


# ----------------------------------------------------------------------------- CoP report
def _cop_report(doc: _Doc, t: dict, cop_id: str, *, as_of: pd.Timestamp, k: int,
                register: pd.DataFrame) -> tuple[str, str]:
    from . import analysis, charts

    cop = t["cop"]
    c = cop.iloc[0]
    doc.hidden = {"cop_id"}
    title = f"CoP report: {c['name']}"
    goals, meas = t["goal"], t["goal_measurement"]
    actions, owners, deps = t["action"], t["action_owner"], t["action_dependency"]

    # --- summary
    doc.open_section("summary", "At a glance")
    doc.dl([("School", c["school"]), ("Country", c["country"]), ("Language", c["language"]),
            ("Cycle", c["cycle"]), ("Members in this report", len(t["member"])),
            ("Meetings", len(t["meeting"])), ("As of", as_of.date())])
    doc.close_section()

    # --- tree
    doc.open_section("tree", "The CoP tree")
    doc.p("The trunk is the shared goal, the branches are the steps of the action plan, the "
          "fruits are the results and lessons.")
    try:
        fig = charts.cop_tree(_Tables(t), cop_id, as_of=as_of, paper="A4")
        doc.figure(fig, f"The CoP tree of {c['name']} as of {as_of.date()}.", "tree")
    except Exception as e:  # noqa: BLE001 - a missing picture must not stop the report
        doc.p(f"The tree could not be drawn: {e}", "empty")
    doc.close_section()

    # --- trunk
    doc.open_section("trunk", "Trunk: the shared goal")
    if goals.empty:
        doc.p("No shared goal agreed yet.", "empty")
    for _, g in goals.iterrows():
        doc.raw(f'<p class="lead">{escape(str(g["statement"]))}</p>')
        doc.dl([("Indicator", g["indicator"]), ("Unit", g["unit"]),
                ("Baseline", g["baseline"]), ("Target", g["target"]),
                ("Direction", g["direction"]), ("Deadline", g["deadline"]),
                ("Agreed on", g["agreed_on"])])
        sc = analysis.smart_check(goals[goals.goal_id == g["goal_id"]], ideas=t["idea"])
        doc.table(sc, f"smart-{g['goal_id']}", "SMART check",
                  columns=["criterion", "passed", "message"])
        lv = analysis.gas_levels(g.to_dict())
        if lv:
            doc.table(pd.DataFrame({"level": list(lv), "description": list(lv.values())}),
                      f"gas-levels-{g['goal_id']}", "Goal Attainment Scale (−2 to +2)")
    doc.close_section()

    # --- branches
    doc.open_section("branches", "Branches: the action plan")
    if actions.empty:
        doc.p("No action plan yet.", "empty")
    else:
        deadline = goals["deadline"].dropna().max() if len(goals) else None
        gd = charts.gantt_data(actions, dependencies=deps, owners=owners, members=t["member"],
                               as_of=as_of)
        ax = charts.gantt(gd, today=as_of, deadline=deadline, dependencies=deps)
        doc.figure(ax, "Gantt chart of the action plan (bars: planned dates; colour and hatch: "
                   "status).", "gantt")
        doc.table(gd, "steps", "Steps and their status",
                  columns=["order", "title", "start_on", "due_on", "done_on", "status", "overdue",
                           "days_late", "owners"])
        doc.table(analysis.plan_progress(actions, as_of=as_of), "plan-progress", "Progress of the plan",
                  columns=["steps", "done", "in_progress", "planned", "dropped", "overdue",
                           "on_time_rate"])
        doc.h(3, "Who did what", "who-did-what")
        rm = analysis.responsibility_matrix(actions, owners, t["member"])
        if len(rm):
            ax = charts.responsibility_matrix(rm, members=t["member"], actions=actions)
            doc.figure(ax, "Who is responsible for which step (star: lead; disc: sole owner; "
                       "ring: shared).", "responsibility")
            ps = t["member"].set_index("member_id")["pseudonym"]
            titles = actions.set_index("action_id")["title"]
            grid = (rm.assign(person=rm["member_id"].map(ps), step=rm["action_id"].map(titles))
                    .pivot_table(index="step", columns="person", values="responsibility",
                                 aggfunc="first").fillna("").reset_index())
            grid.columns.name = None
            doc.table(grid, "responsibility", "Responsibility matrix (steps × members)")
        ind = analysis.plan_indicators(actions, owners, deps, t["member"])
        doc.table(ind, "plan-indicators", "Working together in the plan",
                  columns=["steps", "shared_share", "cross_owner_dependencies",
                           "members_without_step", "mean_owners_per_step"])
    doc.close_section()

    # --- fruits
    doc.open_section("fruits", "Fruits: results and lessons")
    doc.h(3, "Goal attainment and progress", "goal-attainment")
    ga = _safe(lambda: analysis.goal_attainment(goals, meas, as_of=as_of))
    for gid in goals["goal_id"]:
        _chart(doc, lambda ev, gid=gid: ev.goal_progress(goals, meas, goal_id=gid),
               "The indicator over time: baseline, measurements, target and deadline.",
               f"goal-{gid}")
    doc.table(ga, "goal-attainment", "Progress towards the target",
              columns=["goal_id", "baseline", "target", "latest_value", "latest_on", "progress",
                       "on_track", "target_reached", "attainment", "attainment_rule"],
              note="Progress = (latest value − baseline) / (target − baseline); 100% means the "
                   "target is reached. Attainment is the GAS level (−2 … +2).")
    gs = _safe(lambda: analysis.gas_scores(goals, meas, by="cop_id", as_of=as_of))
    doc.table(gs, "gas", "Goal Attainment Scaling summary",
              columns=["goals", "scored", "mean_attainment", "tscore"],
              note="T-score after Kiresuk & Sherman (ρ = 0.3): 50 means every goal was attained "
                   "as expected; above 50 better, below worse.")
    doc.table(meas.sort_values("measured_on"), "measurements", "Measurements of the indicator",
              columns=["measured_on", "value", "source", "note"])
    doc.h(3, "Participation and voice", "participation")
    _fruit_participation(doc, t, k=k, by_cop=False, cop=cop)
    doc.h(3, "Level of working together", "working-together")
    _fruit_working_together(doc, t, k=k, by_cop=False, cop=cop)
    doc.h(3, "Survey results", "surveys")
    _fruit_surveys(doc, t, k=k, by_cop=False, cop=cop)
    doc.h(3, "Interview themes", "interviews")
    _fruit_interviews(doc, t, quotes=True)
    doc.h(3, "Lessons and unexpected effects", "lessons")
    _fruit_lessons(doc, t)
    doc.h(3, "Value-creation stories", "value")
    _fruit_value(doc, t, stories=True)
    doc.close_section()
    return title, str(c["school"])


# ----------------------------------------------------------------------------- cross-CoP
def _cross_report(doc: _Doc, t: dict, *, as_of: pd.Timestamp, k: int) -> tuple[str, str]:
    from . import analysis

    cop = t["cop"]
    title = "Evaluation report: all CoPs side by side"
    doc.n_cops = len(cop)
    if len(cop) > CROSS_COP_ROWS:
        doc.shown_cops = _shown_cops(cop, CROSS_COP_ROWS)
    doc.open_section("overview", "The CoPs")
    if doc.shown_cops is not None:
        doc.p(f"This report covers {len(cop):,} CoPs. Tables with one row per CoP show "
              f"{len(doc.shown_cops)} of them (the first CoPs of each country, by CoP id) and "
              "say under each table how many rows were left out; the summaries by country, by "
              "role group and over all CoPs use every CoP. For the tables with every CoP, run "
              "notebook 05_cross_cop_evaluation.ipynb; `cocope export --store <file> --out "
              "<folder>` writes the data as CSV or XLSX.", "lead")
    div = _safe(lambda: analysis.role_diversity(t["member"], by=("cop_id",)))
    over = cop[["cop_id", "name", "school", "country", "language", "cycle"]].copy()
    if div is not None:
        over = over.merge(div[["cop_id", "members", "roles", "role_groups", "blau_role_groups"]],
                          on="cop_id", how="left")
    over["meetings"] = over["cop_id"].map(t["meeting"].groupby("cop_id").size()).fillna(0).astype(int)
    over = over.sort_values(["country", "cop_id"])
    agg = {"cops": ("cop_id", "size"), "meetings": ("meetings", "sum")}
    if "members" in over:
        agg["members"] = ("members", "sum")
    countries = over.groupby("country", dropna=False).agg(**agg).reset_index()
    if "members" in countries:
        countries["members"] = countries["members"].fillna(0).astype("int64")
        countries = countries[["country", "cops", "members", "meetings"]]
    doc.table(countries, "countries", "CoPs per country", labels={"cops": "CoPs"})
    doc.table(over, "cops", "CoPs in this report", labels={"blau_role_groups": "role mix (Blau)"})
    doc.close_section()

    doc.open_section("goals", "Goals: attainment and progress")
    ga = _safe(lambda: analysis.enrich(analysis.goal_attainment(t["goal"], t["goal_measurement"],
                                                                as_of=as_of), cop=cop))
    doc.table(ga, "goal-attainment", "Progress towards the target per goal",
              columns=["country", "cop_id", "goal_id", "baseline", "target", "latest_value",
                       "progress", "on_track", "target_reached", "attainment"])
    gs = _safe(lambda: analysis.gas_scores(t["goal"], t["goal_measurement"],
                                           by=("country", "cop_id"), as_of=as_of, cop=cop))
    gc = _safe(lambda: analysis.gas_scores(t["goal"], t["goal_measurement"], by="country",
                                           as_of=as_of, cop=cop))
    if gs is not None and len(gs) and len(gs) <= CROSS_COP_CHARTS:
        _chart(doc, lambda ev: ev.gas_scores(gs),
               "GAS T-scores per CoP (50 = every goal attained as expected).", "gas")
    elif gc is not None and len(gc):
        _chart(doc, lambda ev: _country_gas_chart(ev, gc),
               f"GAS T-scores per country, {len(cop):,} CoPs (50 = every goal attained as "
               "expected); the tables give each CoP.", "gas-country")
    doc.table(gs, "gas", "Goal Attainment Scaling T-score per CoP",
              columns=["country", "cop_id", "goals", "scored", "mean_attainment", "tscore"])
    doc.table(gc, "gas-country", "Goal Attainment Scaling T-score per country",
              columns=["country", "goals", "scored", "mean_attainment", "tscore"])
    prog = _safe(lambda: analysis.plan_progress(t["action"], as_of=as_of))
    doc.table(prog, "plan-progress", "Progress of the action plans",
              columns=["cop_id", "steps", "done", "in_progress", "planned", "dropped", "overdue",
                       "on_time_rate"])
    ind = _safe(lambda: analysis.plan_indicators(t["action"], t["action_owner"],
                                                 t["action_dependency"], t["member"]))
    doc.table(ind, "plan-indicators", "Working together in the plans",
              columns=["cop_id", "steps", "shared_share", "cross_owner_dependencies",
                       "members_without_step", "mean_owners_per_step"])
    doc.close_section()

    doc.open_section("participation", "Participation and voice")
    _fruit_participation(doc, t, k=k, by_cop=True, cop=cop)
    doc.close_section()
    doc.open_section("working-together", "Level of working together and its change")
    levels = _fruit_working_together(doc, t, k=k, by_cop=True, cop=cop)
    if levels is not None and len(levels):
        tm = _safe(lambda: analysis.transition_matrix(analysis.level_transitions(levels)))
        if tm is not None:
            tm = tm[tm["cops"] > 0]
        doc.table(tm, "transitions", "How many CoPs moved from one level to another",
                  empty="no CoP has both waves yet.")
    doc.close_section()
    doc.open_section("surveys", "Survey results")
    _fruit_surveys(doc, t, k=k, by_cop=True, cop=cop)
    doc.close_section()
    doc.open_section("interviews", "Interview themes")
    _fruit_interviews(doc, t, quotes=False)
    doc.close_section()
    doc.open_section("lessons", "Lessons and value creation")
    les = t["lesson"]
    if len(les):
        lk = les.groupby(["cop_id", "kind"]).size().rename("lessons").reset_index()
        doc.table(lk, "lesson-kinds", "Lessons written down, by kind")
    else:
        doc.p("No lessons written down yet.", "empty")
    _fruit_value(doc, t, stories=False)
    doc.close_section()
    return title, f"{len(cop)} CoPs in {cop['country'].nunique()} countries"


def _shown_cops(cop: pd.DataFrame, limit: int) -> frozenset[str]:
    """``limit`` CoPs, round-robin over the countries: the first of each country (by CoP id),
    then the second, and so on, so that every country has rows in the per-CoP tables."""
    c = cop[["cop_id", "country"]].astype({"cop_id": "string"}).dropna(subset=["cop_id"])
    c = c.assign(country=c["country"].astype("string").fillna(""))
    c = c.sort_values(["country", "cop_id"], kind="stable")
    c["_rank"] = c.groupby("country").cumcount()
    c = c.sort_values(["_rank", "country", "cop_id"], kind="stable")
    return frozenset(c["cop_id"].head(limit).astype(str))


def _country_gas_chart(ev: object, gc: pd.DataFrame) -> object:
    """The GAS chart with one bar per country (its alt text says countries, not CoPs)."""
    from .charts import set_description

    ax = ev.gas_scores(gc[["country", "goals", "scored", "tscore"]])
    parts = [f"{c} {'n/a' if v != v else f'{v:.1f}'} ({int(sc)} of {int(g)} goals scored)"
             for c, g, sc, v in zip(gc["country"], gc["goals"], gc["scored"],
                                    gc["tscore"].astype(float), strict=True)]
    set_description(ax, f"GAS T-scores of {len(gc)} countries, all their CoPs together (50 = "
                        "every goal attained as expected): " + ", ".join(parts) + ".")
    return ax


# ----------------------------------------------------------------------------- public
def _check_args(min_cell: object, language: object, names: object) -> None:
    if isinstance(min_cell, bool) or not isinstance(min_cell, (int, np.integer)) or min_cell < 1:
        raise UsageError(f"min_cell must be a whole number of at least 1, got {min_cell!r}")
    if not isinstance(language, str) or not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})?", language):
        raise UsageError(f"language must be a language code such as 'en', got {language!r}")
    if not isinstance(names, bool):
        raise UsageError(f"names must be True or False, got {names!r}")


def report_html(store: object, *, cop_id: str | None = None, names: bool = False,
                min_cell: int = 5, language: str = "en", as_of: object = None) -> str:
    """The HTML text of the report :func:`write_report` writes (same parameters, no file)."""
    import matplotlib

    from . import analysis
    from .charts._style import RC_PARAMS

    _check_args(min_cell, language, names)
    if cop_id is not None and not isinstance(cop_id, str):
        raise UsageError(f"cop_id must be a CoP id (text) or None, got {cop_id!r}")
    try:
        day = pd.Timestamp(as_of if as_of is not None else _dt.date.today()).normalize()
    except (ValueError, TypeError) as e:
        raise UsageError(f"as_of must be a date like 2026-06-30, got {as_of!r}") from e
    t, register = _load(store, cop_id, names)
    doc = _Doc()
    doc.waves = _safe(lambda: analysis.wave_order(t["response"])) or []
    with matplotlib.rc_context(RC_PARAMS):
        if cop_id is None:
            title, sub = _cross_report(doc, t, as_of=day, k=int(min_cell))
        else:
            title, sub = _cop_report(doc, t, cop_id, as_of=day, k=int(min_cell), register=register)
    notes = [f'<p class="privacy">{escape(_left_out_text(register))} '
             + escape("People are shown by pseudonym." if not names else
                      "This copy shows real names: it holds personal data; do not share it.")
             + "</p>"]
    if language not in SUPPORTED_LANGUAGES:
        notes.append(f'<p class="lang-note" lang="en">The report texts are not yet translated '
                     f"into {escape(language)}; this report is in English.</p>")
    header = (f"<h1>{escape(title)}</h1><p class=\"lead\">{escape(sub)} · as of "
              f"{day.date()}</p>{''.join(notes)}")
    return _page(title, doc, header, "en")


def write_report(store: object, out: str | os.PathLike, *, cop_id: str | None = None,
                 names: bool = False, min_cell: int = 5, language: str = "en",
                 as_of: object = None) -> Path:
    """Write one self-contained HTML report and return its path.

    Parameters
    ----------
    store : Store or object with ``read(table)``
        Where the data comes from (only ``read`` is called).
    out : path
        The HTML file to write (its folder is created).
    cop_id : str, optional
        One CoP (the CoP-tree report); ``None`` for all CoPs side by side.
    names : bool, default False
        Show real names instead of pseudonyms (personal data!).
    min_cell : int, default 5
        Smallest group shown in tables grouped by role group.
    language : str, default "en"
        Report language; only English texts exist yet, other codes get English
        with a note.
    as_of : date-like, optional
        Day the status of the plan and goals is seen from (default today).

    Returns
    -------
    pathlib.Path
        ``out``.

    Raises
    ------
    UsageError
        On an unknown ``cop_id`` or bad parameters.
    """
    text = report_html(store, cop_id=cop_id, names=names, min_cell=min_cell, language=language,
                       as_of=as_of)
    path = Path(out)
    if path.is_dir():
        raise UsageError(f"out must be a file name, {path} is a folder")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def write_reports(store: object, directory: str | os.PathLike, **kwargs) -> list[Path]:
    """Write one report per CoP (``report_<cop_id>.html``) and the cross-CoP one
    (``report_all.html``) into ``directory``; return their paths.

    A file name made from a ``cop_id`` that would lead out of ``directory``
    (``../x``, from a store older than the id rules) raises
    :class:`~cocope_kit.errors.UsageError` before anything is written."""
    from .schema_rules import inside

    d = Path(directory)
    cops = sorted(store.read("cop")["cop_id"].dropna().astype(str))
    targets = [inside(d, f"report_{c}.html") for c in cops]
    paths = [write_report(store, f, cop_id=c, **kwargs) for f, c in zip(targets, cops, strict=True)]
    paths.append(write_report(store, d / "report_all.html", **kwargs))
    return paths
