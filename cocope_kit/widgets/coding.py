"""CodingPanel: blind double coding of an interview, with the codebook edited in place.

A coder sees the transcript cut into numbered segments and ticks codes per
segment; each tick is stored at once as a ``coding`` row, each untick deletes
it (the audit table records the deletion). While coding is *blind* a coder
sees only their own codes. Blind coding is complete when every coder has coded
every segment, using "no code applies" where nothing fits (the rule is
explained in :mod:`cocope_kit.interviews`). Then the panel shows, per segment,
the codes of all coders side by side with the differences marked, and locks
the coder's ticks so that the agreement stays the agreement of blind coding;
a checkbox unlocks them for revisions agreed in discussion.
"""

from __future__ import annotations

import functools
import html
import uuid
from pathlib import Path

import ipywidgets as W
import pandas as pd

from ..errors import Problem, StoreError, UsageError, ValidationError
from ..interviews import (
    NO_CODE_ID,
    NO_CODE_ROW,
    coding_status,
    export_codebook,
    import_codebook,
    segment_agreement,
    split_segments,
)
from ._base import Form, field_label, safe_handler

__all__ = ["CodingPanel"]

_NEW = ""


def _new_id(prefix: str, kind: str) -> str:
    return f"{prefix}:{kind}-{uuid.uuid4().hex[:8]}"


def _shown(label: str) -> str:
    """How a code label is shown on its button (``student_voice`` -> ``student voice``)."""
    return str(label).replace("_", " ")


def _fit(**kw) -> W.Layout:
    return W.Layout(width="fit-content", flex="0 0 auto", **kw)


class CodingPanel(Form):
    """Code one interview as one coder of a blind double-coding pair.

    Parameters
    ----------
    store : Store
    interview_id : str
    coder : str
        Who is coding; one of ``coders``.
    codebook : str, default "cocope-themes"
        The codebook whose codes are offered (created when it has no codes yet).
    coders : sequence of str, default ("coder_a", "coder_b")
        The coders who code blind; the codes of all of them appear once all are done.

    Notes
    -----
    For tests and notebooks: :meth:`toggle` returns the tick button of a
    segment and code, :attr:`revealed` says whether the other coders' codes
    are shown, :meth:`visible_codings` lists what the panel shows.
    """

    def __init__(self, store, interview_id: str, coder: str, codebook: str = "cocope-themes",
                 *, coders=("coder_a", "coder_b")):
        coders = (coders,) if isinstance(coders, str) else tuple(coders)
        if coder not in coders:
            raise UsageError(f"coder {coder!r} is not one of the coders {', '.join(coders)}; "
                             "pass coders=(...) to name the coders of this interview")
        if not isinstance(codebook, str) or not codebook.strip():
            raise UsageError("codebook must be a non-empty name, e.g. 'cocope-themes'")
        iv = store.read("interview", where={"interview_id": interview_id})
        if iv.empty:
            raise StoreError(f"no interview with interview_id {interview_id!r} in {store.path}")
        self._iv = iv.iloc[0]
        self._interview_id, self._coder, self._coders = interview_id, coder, coders
        self._codebook = codebook.strip()
        self._cop_id = str(self._iv["cop_id"])
        self._segments = split_segments(str(self._iv["transcript"]))
        self._n = len(self._segments)
        self._updating = False
        self._toggles: dict[tuple[int, str], W.ToggleButton] = {}
        self._revealed = False

        self._info = W.HTML()
        self._notice = W.HTML()
        self._segbox = W.VBox()
        self._revise = W.Checkbox(value=False, indent=False,
                                  description="Let me revise my codes after our discussion "
                                              "(the changes are no longer blind)",
                                  layout=W.Layout(width="auto"))
        self._revise.observe(self._on_revise, "value")
        self._refresh_btn = W.Button(description="Check the other coders' progress", icon="refresh",
                                     layout=_fit(margin="2px 0"))
        self._refresh_btn.on_click(self._on_refresh)

        # codebook editor
        self._pick = W.Dropdown(layout=W.Layout(width="min(100%, 26em)"))
        self._pick.observe(self._on_pick, "value")
        self._label = W.Text(placeholder="short name of the code", layout=W.Layout(width="min(100%, 26em)"))
        self._desc = W.Textarea(rows=2, placeholder="when to use this code",
                                layout=W.Layout(width="min(100%, 40em)"))
        self._parent = W.Dropdown(layout=W.Layout(width="min(100%, 26em)"))
        self._save_code = W.Button(description="Save code", button_style="primary", icon="check",
                                   layout=_fit(min_width="10em", margin="6px 0"))
        self._save_code.on_click(self._on_save_code)
        self._export_path = W.Text(value=f"{self._codebook}.csv", layout=W.Layout(width="min(100%, 30em)"))
        self._export_btn = W.Button(description="Export codebook (CSV)", icon="download",
                                    layout=_fit())
        self._export_btn.on_click(self._on_export)
        self._import_path = W.Text(placeholder="path/to/codebook.csv", layout=W.Layout(width="min(100%, 30em)"))
        self._import_btn = W.Button(description="Import codebook (CSV)", icon="upload",
                                    layout=_fit())
        self._import_btn.on_click(self._on_import)

        def row(label, widget):
            return W.HBox([field_label(label, width="9em"), widget],
                          layout=W.Layout(align_items="flex-start", margin="2px 0"))

        editor = W.VBox([
            W.HTML(f"<h4 style='margin:12px 0 4px 0'>Codebook “{html.escape(self._codebook)}”</h4>"
                   "<p style='margin:0 0 4px 0;color:#444'>Pick a code to change its name or "
                   "description, or “New code” to add one. Changes are saved at once and seen by "
                   "every coder.</p>"),
            row("Code", self._pick), row("Label", self._label), row("Description", self._desc),
            row("Part of", self._parent), self._save_code,
            W.HTML("<h4 style='margin:12px 0 4px 0'>Codebook file</h4>"),
            row("Export to", W.HBox([self._export_path, self._export_btn])),
            row("Import from", W.HBox([self._import_path, self._import_btn])),
        ], layout=W.Layout(border_top="1px solid #ccc", margin="12px 0 0 0", padding="4px 0 0 0"))
        super().__init__(store, "Coding an interview", [
            self._info, self._notice, self._revise, self._refresh_btn, self._segbox, editor,
        ])
        self.add_class("cocope-coding")
        self._render()

    # ------------------------------------------------------------------ public helpers
    @property
    def revealed(self) -> bool:
        """True when every coder is done and the codes of all coders are shown."""
        return self._revealed

    def toggle(self, segment: int, code: str) -> W.ToggleButton:
        """The tick button of ``segment`` for ``code`` (a code_id or label, or "no code applies")."""
        codes = self._codes()
        code_id = code
        if (segment, code) not in self._toggles:
            hit = codes.loc[(codes["label"] == code) | (codes["label"].map(_shown) == code),
                            "code_id"]
            if len(hit) == 1:
                code_id = hit.iloc[0]
            elif code == NO_CODE_ROW["label"]:
                code_id = NO_CODE_ID
        try:
            return self._toggles[(segment, code_id)]
        except KeyError:
            raise UsageError(f"no tick button for segment {segment} and code {code!r}") from None

    def visible_codings(self) -> pd.DataFrame:
        """The codings the panel shows now: columns ``segment, coder, code_id``."""
        c = self._codings()
        if not self._revealed:
            c = c[c["coder"] == self._coder]
        return c[["segment", "coder", "code_id"]].reset_index(drop=True)

    # ------------------------------------------------------------------ reading
    def _codes(self) -> pd.DataFrame:
        return self._store.read("code", where={"codebook": self._codebook})

    def _codings(self) -> pd.DataFrame:
        c = self._store.read("coding", where={"interview_id": self._interview_id})
        return c[c["coder"].isin(self._coders)]

    def _ordered_codes(self, codes: pd.DataFrame) -> list[tuple[str, str, str, int]]:
        """(code_id, label, description, depth), parents followed by their children."""
        kids: dict[object, list] = {}
        ids = set(codes["code_id"])
        for r in codes.itertuples():
            parent = r.parent_id if isinstance(r.parent_id, str) and r.parent_id in ids else None
            kids.setdefault(parent, []).append(r)
        out, seen = [], set()

        def walk(parent, depth):
            for r in kids.get(parent, []):
                if r.code_id in seen:
                    continue
                seen.add(r.code_id)
                desc = r.description if isinstance(r.description, str) else ""
                out.append((r.code_id, r.label, desc, depth))
                walk(r.code_id, depth + 1)

        walk(None, 0)
        for r in codes.itertuples():  # codes in a parent cycle (should not happen)
            if r.code_id not in seen:
                out.append((r.code_id, r.label, r.description if isinstance(r.description, str)
                            else "", 0))
        return out

    # ------------------------------------------------------------------ drawing
    def _render(self) -> None:
        codes = self._codes()
        ordered = self._ordered_codes(codes)
        labels = {cid: _shown(lab) for cid, lab, _, _ in ordered}
        labels[NO_CODE_ID] = NO_CODE_ROW["label"]
        codings = self._codings()
        status = coding_status(codings, self._interview_id, self._coders, n_segments=self._n)
        self._revealed = status.complete
        mine = codings[codings["coder"] == self._coder]
        have = {(int(s), c) for s, c in zip(mine["segment"], mine["code_id"], strict=True)}
        locked = self._revealed and not self._revise.value

        iv = self._iv
        bits = [f"<b>{html.escape(self._interview_id)}</b>"]
        if isinstance(iv["respondent_role"], str):
            bits.append("respondent: " + html.escape(iv["respondent_role"].replace("_", " ")))
        if not pd.isna(iv["conducted_on"]):
            bits.append("on " + pd.Timestamp(iv["conducted_on"]).strftime("%Y-%m-%d"))
        bits.append(f"{self._n} segment{'s' if self._n != 1 else ''}")
        bits.append(f"you code as <b>{html.escape(self._coder)}</b>")
        self._info.value = "<p style='margin:2px 0'>" + " · ".join(bits) + "</p>"
        self._show_notice(status, codings)
        self._revise.layout.display = None if self._revealed else "none"
        self._refresh_btn.layout.display = "none" if self._revealed else None

        agreement = None
        if self._revealed:
            agreement = segment_agreement(codings, self._interview_id, self._coders,
                                          n_segments=self._n)
        self._toggles = {}
        blocks = []
        for seg, text in zip(self._segments["segment"], self._segments["text"], strict=True):
            seg = int(seg)
            head = W.HTML(
                f"<div style='margin:10px 0 2px 0;padding:4px 8px;border-left:4px solid #5c6bc0;"
                f"background:#f5f6fb;max-width:52em'><b>Segment {seg}</b><br>"
                f"{html.escape(str(text))}</div>")
            groups, group = [], []
            for cid, lab, desc, depth in [*ordered, (NO_CODE_ID, NO_CODE_ROW["label"],
                                                     NO_CODE_ROW["description"], 0)]:
                on = (seg, cid) in have
                t = W.ToggleButton(value=on, description=_shown(lab), tooltip=desc or _shown(lab),
                                   disabled=locked, icon="check" if on else "",
                                   button_style="info" if on else "",
                                   layout=W.Layout(width="auto", margin="2px"))
                if cid == NO_CODE_ID:
                    t.add_class("cocope-no-code")
                    t.style.font_style = "italic"
                if depth == 0:
                    t.style.font_weight = "bold"
                    if group:
                        groups.append(group)
                    group = []
                t.observe(functools.partial(self._on_toggle, seg, cid), "value")
                self._toggles[(seg, cid)] = t
                group.append(t)
            groups.append(group)
            buttons = [W.HBox(g, layout=W.Layout(flex_flow="row wrap", margin="2px 10px 2px 0",
                                                 padding="0 4px 0 0", border_right="1px solid #ccc"
                                                 if len(g) > 1 else "none"))
                       for g in groups]
            parts = [head, W.HBox(buttons, layout=W.Layout(flex_flow="row wrap", max_width="56em"))]
            if agreement is not None:
                parts.append(W.HTML(self._agreement_html(agreement[agreement["segment"] == seg],
                                                         labels)))
            blocks.append(W.VBox(parts))
        if not ordered:
            blocks.insert(0, W.HTML("<p><i>This codebook has no codes yet: add one below or "
                                    "import a codebook file.</i></p>"))
        self._segbox.children = blocks
        self._fill_editor(ordered)

    def _show_notice(self, status, codings) -> None:
        others = [c for c in self._coders if c != self._coder]
        if status.complete:
            agree = segment_agreement(codings, self._interview_id, self._coders, n_segments=self._n)
            same = int(agree.drop_duplicates("segment")["agree"].sum())
            share = same / self._n
            msg = (f"<b>Blind coding is complete.</b> Every coder has coded every segment. The coders "
                   f"gave the same codes to <b>{same} of {self._n}</b> segment"
                   f"{'s' if self._n != 1 else ''} ({share:.0%}); differences are marked "
                   "<b>differs</b>. Talk them through together; your ticks are locked so the "
                   "agreement stays that of blind coding.")
            style = "background:#e8f5e9;border-left:4px solid #2e7d32"
        else:
            mine = status.open_for(self._coder)
            done = self._n - len(mine)
            waiting = [c for c in others if not status.is_done(c)]
            if mine:
                you = (f"You have coded {done} of {self._n} segments; still open: "
                       f"{', '.join(map(str, mine))}.")
            else:
                you = "You have coded every segment."
            them = (f" Not finished yet: {html.escape(', '.join(waiting))}." if waiting else "")
            msg = (f"<b>Blind coding:</b> you see only your own codes. {you}{them} The codes of "
                   "the other coders appear here when every coder has coded every segment. Where "
                   "nothing fits, tick <i>no code applies</i>.")
            style = "background:#e8f1fb;border-left:4px solid #0d3c61"
        self._notice.value = (f"<div role='status' style='{style};padding:6px 10px;margin:4px 0;"
                              f"max-width:52em'>{msg}</div>")

    def _agreement_html(self, rows: pd.DataFrame, labels: dict) -> str:
        sets = {r.coder: set(r.code_ids) for r in rows.itertuples()}
        shared = set.intersection(*sets.values()) if sets else set()
        agree = bool(rows["agree"].iloc[0]) if len(rows) else True
        lines = []
        for coder in self._coders:
            items = []
            for cid in sorted(sets.get(coder, set()), key=lambda c: labels.get(c, c)):
                lab = html.escape(labels.get(cid, cid))
                if cid in shared:
                    items.append(lab)
                else:
                    items.append(f"<mark style='background:#ffd7d5;padding:0 3px'><b>{lab}</b></mark>")
            who = html.escape(coder) + (" (you)" if coder == self._coder else "")
            lines.append(f"<tr><td style='padding:2px 10px 2px 0;white-space:nowrap'>{who}</td>"
                         f"<td style='padding:2px 0'>{', '.join(items) or '<i>nothing</i>'}</td></tr>")
        if agree:
            badge, style = "✓ same codes", "border-left:4px solid #2e7d32;background:#eef7ee"
        else:
            badge, style = "≠ differs", "border-left:4px solid #b3261e;background:#fdecea"
        return (f"<div style='{style};padding:4px 8px;margin:2px 0 6px 0;max-width:52em'>"
                f"<b>{badge}</b><table style='border-collapse:collapse'>{''.join(lines)}</table></div>")

    def _fill_editor(self, ordered) -> None:
        self._updating = True
        try:
            keep = self._pick.value
            options = [("New code", _NEW)] + [("  " * d + lab, cid) for cid, lab, _, d in ordered]
            self._pick.options = options
            self._pick.value = keep if keep in {v for _, v in options} else _NEW
        finally:
            self._updating = False
        self._on_pick()

    # ------------------------------------------------------------------ handlers
    def _set_quietly(self, seg: int, cid: str, value: bool) -> None:
        t = self._toggles.get((seg, cid))
        if t is not None and t.value != value:
            self._updating = True
            try:
                t.value = value
            finally:
                self._updating = False
        if t is not None:
            t.icon = "check" if t.value else ""
            t.button_style = "info" if t.value else ""

    @safe_handler
    def _on_toggle(self, seg: int, cid: str, change) -> None:
        if self._updating:
            return
        on = bool(change["new"])
        if self._revealed and not self._revise.value:
            self._set_quietly(seg, cid, not on)
            raise ValidationError([Problem("coding", None, "code_id", None,
                                           "blind coding is complete and the ticks are locked; "
                                           "tick 'Let me revise my codes' to change them")])
        try:
            with self._store.transaction():
                mine = self._store.read("coding", where={"interview_id": self._interview_id,
                                                         "segment": seg, "coder": self._coder})
                if on:
                    drop = mine[mine["code_id"] == NO_CODE_ID] if cid != NO_CODE_ID else mine
                    for coding_id in drop["coding_id"]:
                        self._store.delete("coding", coding_id, reason="coder changed the codes")
                    if not mine["code_id"].eq(cid).any():
                        if cid == NO_CODE_ID and self._store.read(
                                "code", where={"code_id": NO_CODE_ID}).empty:
                            self._store.insert("code", NO_CODE_ROW)
                        self._store.insert("coding", {
                            "coding_id": _new_id(self._cop_id, "coding"),
                            "interview_id": self._interview_id, "segment": seg,
                            "code_id": cid, "coder": self._coder})
                else:
                    for coding_id in mine.loc[mine["code_id"] == cid, "coding_id"]:
                        self._store.delete("coding", coding_id, reason="coder unticked the code")
        except Exception:
            self._set_quietly(seg, cid, not on)
            raise
        mine = self._store.read("coding", where={"interview_id": self._interview_id,
                                                 "segment": seg, "coder": self._coder})
        now = set(mine["code_id"])
        for (s, c) in self._toggles:
            if s == seg:
                self._set_quietly(s, c, c in now)
        label = self._toggles[(seg, cid)].description
        self._after_change()
        self._status.show("ok", f"Saved: {'ticked' if on else 'removed'} “{label}” on segment {seg}.")

    def _after_change(self) -> None:
        codings = self._codings()
        status = coding_status(codings, self._interview_id, self._coders, n_segments=self._n)
        if status.complete != self._revealed:
            self._render()
        elif self._revealed:
            self._render()  # agreement marks follow revisions
        else:
            self._show_notice(status, codings)

    @safe_handler
    def _on_refresh(self, _button=None) -> None:
        self._render()
        self._status.show("info", "Blind coding is complete." if self._revealed
                          else "Updated. The other codes stay hidden until every coder is done.")

    def _on_revise(self, _change=None) -> None:
        if self._revealed:
            for t in self._toggles.values():
                t.disabled = not self._revise.value

    def _on_pick(self, _change=None) -> None:
        if self._updating:
            return
        cid = self._pick.value
        codes = self._codes()
        others = codes[codes["code_id"] != cid] if cid else codes
        self._updating = True
        try:
            self._parent.options = [("(top level)", _NEW)] + [
                (lab, c) for c, lab in zip(others["code_id"], others["label"], strict=True)]
            if cid:
                r = codes[codes["code_id"] == cid].iloc[0]
                self._label.value = r["label"]
                self._desc.value = r["description"] if isinstance(r["description"], str) else ""
                p = r["parent_id"] if isinstance(r["parent_id"], str) else _NEW
                self._parent.value = p if p in set(others["code_id"]) else _NEW
                self._save_code.description = "Save changes"
            else:
                self._label.value, self._desc.value, self._parent.value = "", "", _NEW
                self._save_code.description = "Add code"
        finally:
            self._updating = False

    @safe_handler
    def _on_save_code(self, _button=None) -> None:
        cid = self._pick.value
        label = (self._label.value or "").strip()
        desc = (self._desc.value or "").strip() or None
        parent = self._parent.value or None
        codes = self._codes()
        problems = []
        clash = codes[(codes["label"].str.casefold() == label.casefold()) & (codes["code_id"] != cid)]
        if label and len(clash):
            problems.append(Problem("code", None, "label", label,
                                    "another code of this codebook already has this label"))
        if cid and parent:
            up = dict(zip(codes["code_id"], codes["parent_id"], strict=True))
            node, seen = parent, set()
            while isinstance(node, str) and node not in seen:
                if node == cid:
                    problems.append(Problem("code", None, "parent_id", parent,
                                            "a code cannot be placed below one of its own sub-codes"))
                    break
                seen.add(node)
                node = up.get(node)
        if problems:
            raise ValidationError(problems)
        if cid:
            self._store.update("code", {"code_id": cid, "label": label, "description": desc,
                                        "parent_id": parent})
            msg = f"Saved the code “{label}”."
        else:
            cid = _new_id(self._codebook, "code")
            self._store.insert("code", {"code_id": cid, "codebook": self._codebook, "label": label,
                                        "description": desc, "parent_id": parent})
            msg = f"Added the code “{label}”."
        self._updating = True
        try:
            self._pick.value = _NEW
        finally:
            self._updating = False
        self._render()
        self._status.show("ok", msg)

    @safe_handler
    def _on_export(self, _button=None) -> None:
        path = (self._export_path.value or "").strip()
        if not path:
            raise ValidationError([Problem("codebook file", None, "path", None,
                                           "give a file name, e.g. codebook.csv")])
        codes = self._codes()
        out = export_codebook(codes, Path(path).expanduser())
        self._status.show("ok", f"Exported {len(codes)} codes to {out}.")

    @safe_handler
    def _on_import(self, _button=None) -> None:
        path = (self._import_path.value or "").strip()
        if not path:
            raise ValidationError([Problem("codebook file", None, "path", None,
                                           "give the path of a CSV file")])
        every = self._store.read("code")
        df = import_codebook(Path(path).expanduser(), self._codebook,
                             known_ids=set(every["code_id"]))
        where = dict(zip(every["code_id"], every["codebook"], strict=True))
        foreign = [c for c in df["code_id"] if c in where and where[c] != self._codebook]
        if foreign:
            raise ValidationError([Problem("code", None, "code_id", c,
                                           f"this id belongs to codebook {where[c]!r}")
                                   for c in foreign])
        new = df[~df["code_id"].isin(where)]
        old = df[df["code_id"].isin(where)]
        with self._store.transaction():
            if len(new):
                self._store.insert("code", new, source=path)
            if len(old):
                self._store.update("code", old, source=path)
        self._render()
        self._status.show("ok", f"Imported {path}: {len(new)} new code{'s' if len(new) != 1 else ''}, "
                                f"{len(old)} updated.")
