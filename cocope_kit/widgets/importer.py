"""Survey-platform exports into the store from a notebook (notebook 05): what
``cocope import-survey`` does, as a form.

:class:`SurveyImporter` asks for the export file (a path, or a file uploaded in
the browser), the instrument, the CoP and the wave; **Check** runs the import
as a dry run and shows how each column and each answer label maps to the
instrument (the table ``cocope import-survey --dry-run`` prints) and every
problem as a list with row, column and the value as written; **Import**
stores the responses, all or nothing, through
:func:`cocope_kit.survey_import.import_survey` (so through the store's checks
against the instrument). Rules and the MAP.yaml format: ``docs/survey_import.md``.

Examples
--------
>>> import cocope_kit as ck, tempfile, pathlib
>>> store = ck.open_store(":memory:")
>>> _ = store.insert("cop", {"cop_id": "be-1", "name": "n", "school": "s", "country": "BE",
...                          "language": "nl", "created_on": "2026-01-12"})
>>> f = pathlib.Path(tempfile.mkdtemp()) / "export.csv"
>>> _ = f.write_text("id,wt_coop_1,wt_coop_2\\n1,4,5\\n2,3,2\\n", encoding="utf-8")
>>> w = SurveyImporter(store)
>>> w.path.value, w.instrument.value, w.wave.value = str(f), "working_together", "pre"
>>> w.check_button.click()
>>> w.mapping["maps_to"].tolist()
['respondent', 'wt_coop_1', 'wt_coop_2']
>>> w.import_button.click()
>>> w.status, store.count("response")
('2 responses with 4 answers imported into be-1 (working_together, wave pre).', 2)
"""

from __future__ import annotations

import html
import tempfile
from pathlib import Path

import ipywidgets as W
import pandas as pd

from ..errors import UsageError, ValidationError
from ._base import Form, safe_handler

__all__ = ["SurveyImporter", "mapping_table", "problem_lines"]

_MAX_SHOWN = 200


def mapping_table(smap) -> pd.DataFrame:
    """The columns of a :class:`~cocope_kit.survey_format.SurveyMap` as a table:
    ``column, maps_to, score, how`` (``maps_to`` is the item id, the kind of a
    respondent/role/time/language column, ``ignore`` or ``UNMATCHED``)."""
    rows = [{"column": c, "maps_to": m.item_id if m.kind == "item" else (m.kind or "UNMATCHED"),
             "score": m.score, "how": m.how} for c, m in smap.columns.items()]
    return pd.DataFrame(rows, columns=["column", "maps_to", "score", "how"])


def value_table(smap) -> pd.DataFrame:
    """Answer labels as written and what they map to: ``scale, answer, maps_to``."""
    rows = []
    for sid, mapping in smap.values.items():
        for raw, v in mapping.items():
            shown = "NOT MAPPED" if v is None else (v if isinstance(v, str) else f"{v:g}")
            rows.append({"scale": sid, "answer": raw, "maps_to": shown})
    for raw, r in smap.roles.items():
        rows.append({"scale": "role", "answer": raw, "maps_to": r or "NOT MAPPED"})
    return pd.DataFrame(rows, columns=["scale", "answer", "maps_to"])


def problem_lines(problems) -> list[str]:
    """Problems as plain sentences: ``row 5, column 'Q3': '7' — what is allowed``.

    >>> from cocope_kit.errors import Problem
    >>> problem_lines([Problem("survey", 5, "Q3", "7", "one of 1, 2, 3", "f.csv")])
    ["row 5, column 'Q3': '7' — one of 1, 2, 3"]
    """
    out = []
    for p in problems:
        where = ", ".join(x for x in (
            f"{p.table} row {p.row}" if p.table not in (None, "survey") and p.row is not None
            else (f"row {p.row}" if p.row is not None else ""),
            f"column {p.column!r}" if p.column else "") if x)
        what = f"{p.value!r} — {p.allowed}" if p.value is not None else p.allowed
        out.append(f"{where}: {what}" if where else what)
    return out


def _html_table(df: pd.DataFrame) -> str:
    if df.empty:
        return ""
    th = "".join(f"<th style='text-align:left;padding:2px 12px 2px 0'>{html.escape(c)}</th>"
                 for c in df.columns)

    def cell(v):
        if v is None or (isinstance(v, float) and v != v):
            return ""
        text = f"{v:.2f}" if isinstance(v, float) else str(v)
        bold = text in ("UNMATCHED", "NOT MAPPED")
        text = html.escape(text)
        return f"<b style='color:#8b0000'>{text}</b>" if bold else text

    body = "".join("<tr>" + "".join(f"<td style='padding:2px 12px 2px 0'>{cell(v)}</td>"
                                    for v in r) + "</tr>"
                   for r in df.itertuples(index=False, name=None))
    return (f"<table style='border-collapse:collapse'><thead><tr>{th}</tr></thead>"
            f"<tbody>{body}</tbody></table>")


class SurveyImporter(Form):
    """Import a LimeSurvey, KoboToolbox, Google Forms, Microsoft Forms or any wide export.

    Parameters
    ----------
    store : Store
    upload_dir : path, optional
        Where an uploaded file is kept for the import (default: a new temporary
        folder; the map file ``--dry-run`` writes goes next to it).

    Attributes
    ----------
    mapping : pandas.DataFrame
        The column mapping of the last check or import (:func:`mapping_table`).
    values : pandas.DataFrame
        Answer labels and roles as written and what they map to.
    problems : list of str
        The problems of the last check or import, as shown.
    """

    def __init__(self, store, *, upload_dir=None):
        from ..instruments import list_instruments

        self._upload_dir = Path(upload_dir) if upload_dir else None
        wide = {"description_width": "9em"}
        box = W.Layout(width="40em")
        self.path = W.Text(description="Export file", placeholder="path of the CSV or XLSX",
                           style=wide, layout=box)
        self.upload = W.FileUpload(accept=".csv,.xlsx", multiple=False,
                                   description="or upload")
        self.instrument = W.Dropdown(options=list_instruments(), description="Instrument",
                                     style=wide, layout=box)
        cops = store.read("cop")
        self.cop = W.Dropdown(options=[(f"{r.cop_id} · {r.name}", r.cop_id)
                                       for r in cops.itertuples()],
                              description="CoP", style=wide, layout=box)
        waves = sorted({str(w) for t in ("response", "pair_rating")
                        for w in store.read(t)["wave"].dropna()})
        self.wave = W.Combobox(value="post" if "post" in waves or not waves else waves[0],
                               options=waves or ["pre", "post"], ensure_option=False,
                               description="Wave", style=wide, layout=box)
        self.map_path = W.Text(description="Map (optional)",
                               placeholder="MAP.yaml to use or to write", style=wide,
                               layout=box)
        self.key_path = W.Text(description="Key file (optional)",
                               placeholder="respondent key, so pre and post pair up",
                               style=wide, layout=box)
        self.check_button = W.Button(description="Check (dry run)", button_style="info")
        self.import_button = W.Button(description="Import", button_style="primary")
        self.check_button.on_click(self._on_check)
        self.import_button.on_click(self._on_import)
        self.upload.observe(self._on_upload, names="value")
        self._summary = W.HTML()
        self._mapping = W.HTML()
        self._problems = W.HTML()
        self.mapping = pd.DataFrame(columns=["column", "maps_to", "score", "how"])
        self.values = pd.DataFrame(columns=["scale", "answer", "maps_to"])
        self.problems: list[str] = []
        super().__init__(store, "Import a survey-platform export", [
            W.HBox([self.path, self.upload]), self.instrument, self.cop, self.wave,
            self.map_path, self.key_path, W.HBox([self.check_button, self.import_button]),
            self._summary, self._problems, self._mapping])

    # ------------------------------------------------------------------ helpers
    def _args(self) -> dict:
        from ..survey_import import respondent_key

        if not self.path.value.strip():
            raise UsageError("choose the export file: its path, or upload it")
        if not self.cop.value:
            raise UsageError("the store has no CoP yet; set one up first (notebook 00)")
        key = respondent_key(self.key_path.value.strip()) if self.key_path.value.strip() else None
        return {"path": self.path.value.strip(), "instrument": self.instrument.value,
                "cop_id": self.cop.value, "wave": self.wave.value,
                "map_path": self.map_path.value.strip() or None, "key": key}

    def _show_map(self, smap) -> None:
        self.mapping, self.values = mapping_table(smap), value_table(smap)
        self._mapping.value = (
            "<h4 style='margin:10px 0 4px'>Columns</h4>" + _html_table(self.mapping)
            + ("<h4 style='margin:10px 0 4px'>Answers and roles</h4>"
               + _html_table(self.values) if not self.values.empty else ""))

    def _show_problems(self, problems) -> None:
        self.problems = problem_lines(problems)
        if not self.problems:
            self._problems.value = ""
            return
        shown = self.problems[:_MAX_SHOWN]
        more = len(self.problems) - len(shown)
        items = "".join(f"<li>{html.escape(x)}</li>" for x in shown)
        self._problems.value = (
            f"<div role='alert' style='color:#8b0000'><b>{len(self.problems)} "
            f"problem{'s' if len(self.problems) != 1 else ''}</b> (nothing was stored):"
            f"<ol style='margin:4px 0 0 18px'>{items}</ol>"
            + (f"<p>… and {more} more</p>" if more else "") + "</div>")

    # ------------------------------------------------------------------ handlers
    @safe_handler
    def _on_upload(self, _change=None) -> None:
        files = self.upload.value
        if not files:
            return
        f = files[0] if isinstance(files, (list, tuple)) else next(iter(files.values()))
        name = Path(str(f["name"])).name
        if Path(name).suffix.lower() not in (".csv", ".xlsx"):
            raise UsageError(f"{name}: a .csv or .xlsx export, please")
        folder = self._upload_dir or Path(tempfile.mkdtemp(prefix="cocope_upload_"))
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / name
        target.write_bytes(bytes(f["content"]))
        self.path.value = str(target)
        self._status.show("info", f"{name} uploaded; choose instrument, CoP and wave, "
                                  "then Check.")

    @safe_handler
    def _on_check(self, _button=None) -> None:
        from ..survey_import import import_survey

        self._show_problems([])
        a = self._args()
        r = import_survey(self._store, a["path"], a["instrument"], cop_id=a["cop_id"],
                          wave=a["wave"], map_path=a["map_path"], dry_run=True, key=a["key"])
        self._show_map(r.map)
        self._show_problems(r.problems)
        would = "would be stored" if not r.problems else \
            "can be read so far; solve the problems below first"
        self._summary.value = (
            f"<p>{r.responses} responses with {r.answers} answers {would}"
            + (f"; {len(r.skipped_rows)} empty rows skipped" if r.skipped_rows else "")
            + (f". Map written to <code>{html.escape(str(r.map_path))}</code>: edit it and "
               "give it as the map to use it." if r.map_path else ".") + "</p>")
        if r.problems:
            self._status.show("error", f"{len(r.problems)} problems: see the list; "
                                       "nothing was stored.")
        else:
            self._status.show("ok", "The file can be imported: check the mapping, then Import.")

    @safe_handler
    def _on_import(self, _button=None) -> None:
        from ..survey_import import import_survey

        self._show_problems([])
        a = self._args()
        try:
            r = import_survey(self._store, a["path"], a["instrument"], cop_id=a["cop_id"],
                              wave=a["wave"], map_path=a["map_path"], key=a["key"])
        except ValidationError as e:
            self._show_problems(e.problems)
            self._status.show("error", f"{len(e.problems)} problems: see the list; "
                                       "nothing was stored.")
            return
        self._show_map(r.map)
        self._summary.value = ""
        self._status.show("ok", f"{r.responses} responses with {r.answers} answers imported "
                                f"into {a['cop_id']} ({a['instrument']}, wave "
                                f"{a['wave']}).")
