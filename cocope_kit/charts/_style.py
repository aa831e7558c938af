"""The look shared by every chart of the kit: colours, symbols, font sizes, alt text.

Colours come from the Okabe–Ito palette (Okabe & Ito 2008, *Color Universal
Design*), which stays distinguishable for the common forms of colour-vision
deficiency; they and their meanings are defined once, in
:mod:`cocope_kit.charts.palette` (vermillion only for problems, bluish green
only for progress). Nothing is told by colour alone: each status also has a hatch (for
bars and boxes), a line style and a marker (for lines and points), so a chart
printed in grey still reads.

Font sizes are large enough to read on a projector at the back of a classroom.

The alt-text convention
-----------------------
Every chart function of the kit calls :func:`set_description` with a
one-paragraph, plain-text description of what the chart shows, numbers
included. :func:`describe` returns it, for a screen reader, the ``alt``
attribute of an HTML report, or a caption:

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> from cocope_kit.charts._style import new_ax, set_description, describe
>>> ax = new_ax(None, (4, 3))
>>> set_description(ax, "Bar chart of 3 steps: 2 done, 1 planned.")
>>> describe(ax)
'Bar chart of 3 steps: 2 done, 1 planned.'
>>> describe(ax.figure)  # a figure falls back to the descriptions of its axes
'Bar chart of 3 steps: 2 done, 1 planned.'
"""

from __future__ import annotations

import os
import textwrap
import weakref

from matplotlib.axes import Axes
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure, SubFigure

from ..errors import UsageError
from ..i18n import N_

__all__ = [
    # Okabe–Ito palette
    "BLACK", "ORANGE", "SKY_BLUE", "BLUISH_GREEN", "YELLOW", "BLUE", "VERMILLION",
    "REDDISH_PURPLE", "GREY", "LIGHT_GREY", "OKABE_ITO",
    # statuses of plan steps
    "STATUSES", "STATUS_COLORS", "STATUS_HATCHES", "STATUS_MARKERS", "STATUS_LINESTYLES",
    "STATUS_LABELS", "display_status",
    # responsibility, roles, levels, lessons
    "RESPONSIBILITY_STYLE", "ROLE_COLORS", "LEVELS", "LEVEL_COLORS", "LESSON_KIND_COLORS",
    "LESSON_KIND_LABELS",
    # text
    "FONT_FAMILY", "TITLE_SIZE", "LABEL_SIZE", "TICK_SIZE", "TEXT_SIZE", "SMALL_SIZE",
    "LEGEND_SIZE", "RC_PARAMS",
    # helpers
    "new_ax", "style_axes", "wrap_text", "tint", "plural", "set_description", "describe", "save",
]

# ----------------------------------------------------------------------------- Okabe–Ito
# the colours and their meanings live in one place: cocope_kit.charts.palette
from .palette import (  # noqa: E402
    BLACK,
    BLUE,
    BLUISH_GREEN,
    GREY,
    LIGHT_GREY,
    OKABE_ITO,
    ORANGE,
    REDDISH_PURPLE,
    SKY_BLUE,
    VERMILLION,
    YELLOW,
)

# ----------------------------------------------------------------------------- plan statuses
STATUSES: tuple[str, ...] = ("planned", "in_progress", "done", "dropped", "overdue")
"""The four values of ``action.status`` plus ``overdue`` (not done or dropped, past due)."""

STATUS_COLORS: dict[str, str] = {
    "planned": "#A9BCCB",
    "in_progress": "#8CCFBB",
    "done": BLUISH_GREEN,
    "dropped": GREY,
    "overdue": VERMILLION,
}
"""Colour per status (see :mod:`~cocope_kit.charts.palette`): progress in bluish green (in
progress a light tint of it, done the full colour), planned a neutral blue-grey,
dropped grey, and only overdue in vermillion."""
STATUS_HATCHES: dict[str, str] = {
    "planned": "..",
    "in_progress": "//",
    "done": "",
    "dropped": "xx",
    "overdue": "\\\\",
}
"""Hatch of bars and boxes per status (done is solid), so grey prints still tell them apart."""
STATUS_MARKERS: dict[str, str] = {
    "planned": "s",
    "in_progress": ">",
    "done": "o",
    "dropped": "X",
    "overdue": "^",
}
STATUS_LINESTYLES: dict[str, str | tuple] = {
    "planned": (0, (4, 2)),
    "in_progress": (0, (6, 1.5, 1.5, 1.5)),
    "done": "-",
    "dropped": (0, (1, 1.5)),
    "overdue": "-",
}
"""Line style per status: planned dashed ("not grown yet"), dropped dotted ("dead wood")."""
STATUS_LABELS: dict[str, str] = {
    "planned": N_("planned"),
    "in_progress": N_("in progress"),
    "done": N_("done"),
    "dropped": N_("dropped"),
    "overdue": N_("overdue"),
}
"""English labels; translate where shown (``translator(lang).gettext(label)``)."""


def display_status(status: object, overdue: object = False) -> str:
    """The status a chart shows: ``overdue`` when the step is overdue, else its status.

    A blank status counts as ``planned`` (as in :func:`cocope_kit.analysis.step_status`).

    >>> display_status("in_progress", True), display_status(None), display_status("done")
    ('overdue', 'planned', 'done')
    """
    if _truthy(overdue):
        return "overdue"
    if _blank(status):
        return "planned"
    text = str(status)
    if text not in STATUS_COLORS:
        raise UsageError(f"unknown step status {text!r}; one of: {', '.join(STATUSES[:4])}")
    return text


def _blank(value: object) -> bool:
    if value is None:
        return True
    try:
        return bool(value != value) or (isinstance(value, str) and not value.strip())
    except (TypeError, ValueError):  # pd.NA
        return True


def _truthy(value: object) -> bool:
    if _blank(value) or isinstance(value, str):
        return False
    return bool(value)


# ----------------------------------------------------------------------------- responsibility
RESPONSIBILITY_STYLE: dict[str, dict] = {
    "lead": {"marker": "*", "color": BLACK, "size": 520, "filled": True,
             "label": N_("lead (one of several)")},
    "sole": {"marker": "o", "color": BLUE, "size": 300, "filled": True,
             "label": N_("sole owner")},
    "shared": {"marker": "o", "color": SKY_BLUE, "size": 300, "filled": False,
               "label": N_("shared (not lead)")},
}
"""Marker, colour and size of each value of ``responsibility_matrix().responsibility``.

Lead, sole and shared differ by symbol (star, filled disc, ring) *and* colour."""

# ----------------------------------------------------------------------------- roles
ROLE_COLORS: dict[str, str] = {
    "professional": BLUE,
    "student": ORANGE,
    "family": REDDISH_PURPLE,
    "other": GREY,
}
"""Colour per role group (:func:`cocope_kit.model.role_group`)."""

# ----------------------------------------------------------------------------- levels
LEVELS: tuple[str, ...] = ("none", "cooperation", "coordination", "collaboration")
LEVEL_COLORS: dict[str, str] = {
    "none": "#EDF8B1",
    "cooperation": "#7FCDBB",
    "coordination": "#2C7FB8",
    "collaboration": "#253494",
}
"""Levels of working together, light to dark (ColorBrewer YlGnBu, colour-blind safe).

The lightness falls with the level, so the order survives a grey print. Use
black text on none/cooperation and white text on coordination/collaboration."""

# ----------------------------------------------------------------------------- lessons
LESSON_KIND_COLORS: dict[str, str] = {
    "success": BLUISH_GREEN,
    "challenge": ORANGE,
    "unexpected_benefit": YELLOW,
    "side_effect": REDDISH_PURPLE,
    "insight": SKY_BLUE,
    "resource": BLUE,
}
LESSON_KIND_LABELS: dict[str, str] = {
    "success": N_("Success"),
    "challenge": N_("Challenge"),
    "unexpected_benefit": N_("Unexpected benefit"),
    "side_effect": N_("Side effect"),
    "insight": N_("Insight"),
    "resource": N_("Resource"),
}
"""English labels; translate where shown (``translator(lang).gettext(label)``)."""

# ----------------------------------------------------------------------------- text
FONT_FAMILY = "DejaVu Sans"
TITLE_SIZE = 20
LABEL_SIZE = 16
TICK_SIZE = 14
TEXT_SIZE = 14
SMALL_SIZE = 12
LEGEND_SIZE = 13
RC_PARAMS: dict[str, object] = {
    "font.family": "sans-serif",
    "font.sans-serif": [FONT_FAMILY],
    "axes.titlesize": TITLE_SIZE,
    "axes.labelsize": LABEL_SIZE,
    "xtick.labelsize": TICK_SIZE,
    "ytick.labelsize": TICK_SIZE,
    "legend.fontsize": LEGEND_SIZE,
    "legend.title_fontsize": LEGEND_SIZE,
    "figure.titlesize": TITLE_SIZE + 2,
    "svg.fonttype": "none",
    "pdf.fonttype": 42,
}
"""Matplotlib settings for projected charts: ``with matplotlib.rc_context(RC_PARAMS): ...``.

``svg.fonttype = none`` keeps SVG text as text (searchable, read by screen
readers); ``pdf.fonttype = 42`` embeds TrueType fonts in PDFs."""


# ----------------------------------------------------------------------------- helpers
def new_ax(ax: Axes | None, figsize: tuple[float, float]) -> Axes:
    """Return ``ax``, or the axes of a new figure of size ``figsize`` (inches).

    The new figure uses the constrained layout, so labels are not cut off.
    ``pyplot`` is imported only here, when a figure is needed.
    """
    if ax is not None:
        if not isinstance(ax, Axes):
            raise UsageError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}")
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def style_axes(ax: Axes, *, grid: str | None = "x") -> Axes:
    """Large tick labels, no top/right frame, a light grid along ``grid`` (x, y, both, None)."""
    ax.tick_params(labelsize=TICK_SIZE)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if grid:
        ax.grid(True, axis=grid, color=LIGHT_GREY, linewidth=1, zorder=0)
        ax.set_axisbelow(True)
    return ax


def wrap_text(text: object, width: int, max_lines: int | None = None) -> str:
    """Wrap ``text`` into lines of at most ``width`` characters; ``…`` ends a cut text.

    >>> print(wrap_text("Train twelve buddies in conflict mediation", 16, 2))
    Train twelve
    buddies in…
    """
    s = "" if text is None or (isinstance(text, float) and text != text) else str(text)
    lines = textwrap.wrap(" ".join(s.split()), width=width, break_long_words=True,
                          break_on_hyphens=False) or [""]
    if max_lines is not None and len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        lines[-1] = (last[: width - 1].rstrip() if len(last) >= width else last) + "…"
    return "\n".join(lines)


def tint(color: str, amount: float) -> tuple[float, float, float]:
    """``color`` mixed with white: ``amount`` 0 keeps the colour, 1 gives white."""
    r, g, b = to_rgb(color)
    return (r + (1 - r) * amount, g + (1 - g) * amount, b + (1 - b) * amount)


def plural(k: int, word: str, many: str | None = None) -> str:
    """``"1 step"``, ``"2 steps"``; ``many`` for irregular plurals (``"people"``)."""
    return f"{k} {word if k == 1 else (many or word + 's')}"


_DESCRIPTIONS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _check_target(obj: object, param: str) -> None:
    if not isinstance(obj, (Axes, Figure, SubFigure)):
        raise UsageError(f"{param} must be a matplotlib Axes or Figure, got {type(obj).__name__}")


def set_description(ax: Axes | Figure, text: str) -> None:
    """Store the plain-text description (alt text) of a chart on its Axes or Figure.

    Parameters
    ----------
    ax : matplotlib Axes or Figure
        What the chart function returns.
    text : str
        One paragraph saying what the chart shows, with its key numbers.
        Whitespace runs (also line breaks) become single spaces.
    """
    _check_target(ax, "ax")
    if not isinstance(text, str) or not text.strip():
        raise UsageError("a chart description must be non-empty text")
    _DESCRIPTIONS[ax] = " ".join(text.split())


def describe(ax: Axes | Figure) -> str:
    """The plain-text description (alt text) of a chart made by cocope_kit.

    Parameters
    ----------
    ax : matplotlib Axes or Figure
        What a chart function returned. For an Axes without its own
        description, its figure's is used; for a Figure without one, the
        descriptions of its axes are joined, in the order of the axes.

    Returns
    -------
    str
        One paragraph of plain text, numbers included.

    Raises
    ------
    UsageError
        (a :class:`~cocope_kit.errors.CocopeError`) if the chart has no
        description, e.g. it was not drawn by a cocope_kit chart function.
    """
    _check_target(ax, "ax")
    if ax in _DESCRIPTIONS:
        return _DESCRIPTIONS[ax]
    if isinstance(ax, Axes):
        fig = ax.figure
        if fig is not None and fig in _DESCRIPTIONS:
            return _DESCRIPTIONS[fig]
    else:
        parts = [_DESCRIPTIONS[a] for a in ax.get_axes() if a in _DESCRIPTIONS]
        if parts:
            return " ".join(parts)
    raise UsageError("this chart has no description; describe() knows the charts drawn by "
                     "cocope_kit.charts functions (a chart function calls set_description)")


_META_KEYS = {"png": "Description", "svg": "Description", "pdf": "Subject"}


def save(chart: Axes | Figure, path: str | os.PathLike, *, dpi: float | None = None,
         title: str | None = None, **kwargs) -> None:
    """Save a chart's figure, embedding its description as file metadata.

    PNG and SVG get it as ``Description``, PDF as ``Subject`` (and ``title``
    as ``Title`` when given), so the alt text travels with the file. Other
    keyword arguments go to :meth:`matplotlib.figure.Figure.savefig`.
    """
    _check_target(chart, "chart")
    fig = chart.figure if isinstance(chart, Axes) else chart
    fmt = (kwargs.get("format") or os.fspath(path).rsplit(".", 1)[-1]).lower()
    meta: dict[str, str] = dict(kwargs.pop("metadata", None) or {})
    try:
        text = describe(chart)
    except UsageError:
        text = None
    if fmt in _META_KEYS and text:
        meta.setdefault(_META_KEYS[fmt], text)
    if fmt in ("svg", "pdf") and title:
        meta.setdefault("Title", title)
    fig.savefig(path, dpi=dpi, metadata=meta or None, **kwargs)
