"""Shared pieces of every form: a status line, safe handlers, one store write per submit.

A form is a small ``VBox`` subclass: private child widgets, ``_on_*`` handlers,
and a submit that reads the values, lets the store validate them against the
schema, writes them in one transaction and shows the outcome. Nothing lives
only in widget state: each submit or change is stored at once.
"""

from __future__ import annotations

import functools
import html
import logging
import traceback
from collections.abc import Callable

import ipywidgets as W

from ..errors import CocopeError, ValidationError

__all__ = ["Form", "StatusLine", "safe_handler", "field_label"]

log = logging.getLogger("cocope_kit.widgets")

_STYLE = {
    "ok": ("#1b5e20", "#e8f5e9", "✓"),
    "error": ("#8b0000", "#fdecea", "!"),
    "info": ("#0d3c61", "#e8f1fb", "i"),
}


class StatusLine(W.HTML):
    """A line that says what just happened, announced to screen readers."""

    def __init__(self, **kwargs):
        super().__init__(value="", **kwargs)
        self.kind = ""
        self.text = ""

    def show(self, kind: str, text: str, details: list[str] | None = None) -> None:
        fg, bg, mark = _STYLE[kind]
        role = "alert" if kind == "error" else "status"
        items = "".join(f"<li>{html.escape(d)}</li>" for d in (details or []))
        body = html.escape(text) + (f"<ul style='margin:4px 0 0 18px'>{items}</ul>" if items else "")
        self.kind, self.text = kind, text
        self.value = (
            f"<div role='{role}' aria-live='polite' style='color:{fg};background:{bg};"
            f"padding:8px 12px;border-radius:6px;font-size:1.05em'>"
            f"<span aria-hidden='true' style='font-weight:bold'>{mark}</span> {body}</div>"
        )

    def clear(self) -> None:
        self.kind, self.text, self.value = "", "", ""


def safe_handler(method: Callable) -> Callable:
    """Wrap an ``_on_*`` handler: a CocopeError shows its message; anything else is
    logged and shown as a short apology. No traceback reaches a participant."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except ValidationError as e:
            self._status.show("error", _first_line(e), [_plain_problem(p) for p in e.problems[:10]])
        except CocopeError as e:
            self._status.show("error", str(e))
        except Exception:  # noqa: BLE001 - shown politely, logged in full
            log.error("form handler failed:\n%s", traceback.format_exc())
            self._status.show("error", "Sorry, something went wrong and nothing was saved. "
                                       "Please tell the facilitator.")
        return None

    return wrapper


def _first_line(e: ValidationError) -> str:
    n = len(e.problems)
    return "Please check this answer:" if n == 1 else f"Please check these {n} answers:"


def _plain_problem(p) -> str:
    where = p.column or ""
    if p.value is None:
        return f"{where}: {p.allowed}" if where else p.allowed
    return f"{where}: {p.value!r} — {p.allowed}"


def field_label(text: str, *, width: str = "14em") -> W.HTML:
    """A visible label for a field (escaped)."""
    return W.HTML(f"<b>{html.escape(text)}</b>", layout=W.Layout(width=width))


class Form(W.VBox):
    """Base class of the kit's forms: a title, children, and a status line at the bottom."""

    def __init__(self, store, title: str, children: list | None = None, **kwargs):
        self._store = store
        self._title = W.HTML(f"<h3 style='margin:4px 0'>{html.escape(title)}</h3>")
        self._status = StatusLine()
        super().__init__(children=[self._title, *(children or []), self._status], **kwargs)
        self.add_class("cocope-form")

    def _set_body(self, children: list) -> None:
        self.children = [self._title, *children, self._status]

    @property
    def status(self) -> str:
        """Text of the last outcome shown (for tests and notebooks)."""
        return self._status.text
