"""Helpers shared by the evaluation and plan charts: checks, words, labels, placeholders.

Every text a chart draws goes through :func:`cocope_kit.i18n.translator`; the
labels of the fixed vocabularies (levels, roles, waves, statuses) are marked
here with ``N_`` and translated where they are shown. Construct and item labels
come from the instruments (:mod:`cocope_kit.instruments`), never the snake_case
keys.

>>> from cocope_kit.i18n import translator
>>> level_label("below_cooperation", translator("de"))
'unter Kooperation'
>>> construct_label("inclusion_voice", translator("en"))
'Inclusion and voice'
>>> human("collective_ownership")
'Collective ownership'
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from functools import cache

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import to_rgb
from matplotlib.patches import FancyBboxPatch

from ..errors import UsageError
from ..i18n import N_, Translator
from . import _style as st
from .palette import CATEGORICAL

__all__ = [
    "need", "one", "done", "text_color", "cop_styles", "suppressed_text", "level_label",
    "role_group_label", "role_label", "wave_label", "human", "construct_label", "item_label", "date_formatter",
    "fit_title", "not_collected", "empty_panel", "is_placeholder", "NOT_COLLECTED", "LEVEL_LABELS", "ROLE_GROUP_LABELS",
]

LEVEL_LABELS: dict[str, str] = {
    "none": N_("none"),
    "below_cooperation": N_("below cooperation"),
    "cooperation": N_("cooperation"),
    "coordination": N_("coordination"),
    "collaboration": N_("collaboration"),
}
ROLE_GROUP_LABELS: dict[str, str] = {
    "professional": N_("professionals"),
    "student": N_("students"),
    "family": N_("families"),
    "other": N_("others"),
}
WAVE_LABELS: dict[str, str] = {"pre": N_("before"), "post": N_("after")}
ROLE_LABELS: dict[str, str] = {
    "teacher": N_("teacher"),
    "special_needs_teacher": N_("special needs teacher"),
    "teaching_assistant": N_("teaching assistant"),
    "school_leader": N_("school leader"),
    "social_worker": N_("social worker"),
    "psychologist": N_("psychologist"),
    "therapist": N_("therapist"),
    "support_professional": N_("support professional"),
    "student": N_("student"),
    "parent": N_("parent"),
    "other": N_("other role"),
}
NOT_COLLECTED = N_("not collected yet")
_MARKERS = ("o", "s", "D", "^", "v", "P", "X", "*")


def need(df: object, param: str, cols: Sequence[str], hint: str) -> pd.DataFrame:
    """``df`` if it is a DataFrame with ``cols``; a :class:`UsageError` naming what lacks."""
    if not isinstance(df, pd.DataFrame):
        raise UsageError(f"{param} must be a pandas DataFrame ({hint}), got {type(df).__name__}")
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise UsageError(f"{param} lacks the column(s) {', '.join(missing)} ({hint}); "
                         f"it has: {', '.join(map(str, df.columns))}")
    return df


def one(df: pd.DataFrame, param: str, cols: Sequence[str], **chosen: object) -> pd.DataFrame:
    """Keep the rows of ``chosen`` values; then each of ``cols`` must hold one value."""
    for col, val in chosen.items():
        if val is not None:
            if col not in df.columns:
                raise UsageError(f"{param} has no column {col!r} to choose {val!r} from")
            df = df[df[col].astype(str) == str(val)]
            if df.empty:
                raise UsageError(f"{param} has no rows with {col} = {val!r}")
    for col in cols:
        if col in df.columns:
            vals = list(dict.fromkeys(df[col].dropna().astype(str)))
            if len(vals) > 1:
                raise UsageError(f"{param} holds several values of {col} ({', '.join(vals[:6])}); "
                                 f"pass {col}=... to choose one")
    return df


def done(ax: Axes, text: str) -> Axes:
    """Projector-sized title, axis labels and ticks; the title fitted; then the alt text."""
    if ax.title.get_fontsize() < st.LABEL_SIZE:
        ax.title.set_fontsize(st.TITLE_SIZE)
    ax.xaxis.label.set_fontsize(st.LABEL_SIZE)
    ax.yaxis.label.set_fontsize(st.LABEL_SIZE)
    ax.tick_params(which="major", labelsize=st.TICK_SIZE)
    fit_title(ax)
    st.set_description(ax, text)
    return ax


def fit_title(ax: Axes) -> None:
    """Wrap the titles (centre, left, right) so they stay inside the figure, at most 3 lines.

    A first wrap estimates the width of a character (0.6 em); then the figure is
    laid out (without rendering) and a title that still sticks out is wrapped
    narrower, in proportion to the room it has: a centred title has twice the
    distance from its centre to the nearer figure edge, a left title the
    distance to the right edge.
    """
    fig = ax.figure
    titles = [t for t in (ax.title, ax._left_title, ax._right_title)  # noqa: SLF001
              if t.get_text().strip()]
    if not titles:
        return

    def wrap(title, chars: int) -> None:
        text = " ".join(title.get_text().split())
        lines = textwrap.wrap(text, max(chars, 12), break_long_words=True,
                              break_on_hyphens=False)
        if len(lines) > 3:
            lines = lines[:3]
            lines[-1] = lines[-1][: max(chars, 12) - 1].rstrip() + "…"
        title.set_text("\n".join(lines))

    for title in titles:
        em_in = title.get_fontsize() / 72
        wrap(title, int(fig.get_figwidth() * 0.94 / (0.6 * em_in)))
    for _ in range(4):
        try:
            fig.draw_without_rendering()
        except Exception:  # noqa: BLE001 - a layout problem must not stop a chart
            return
        width = fig.bbox.width
        moved = False
        for title in titles:
            box = title.get_window_extent()
            if box.width <= 0 or (box.x0 >= 2 and box.x1 <= width - 2):
                continue
            if title is ax.title:
                cx = (box.x0 + box.x1) / 2
                room = 2 * min(cx, width - cx) - 8
            elif title is ax._left_title:  # noqa: SLF001
                room = width - max(box.x0, 0) - 8
            else:
                room = max(box.x1, 0) - 8
            longest = max(len(line) for line in title.get_text().split("\n"))
            wrap(title, int(longest * max(room, 40) / box.width * 0.95))
            moved = True
        if not moved:
            return


def text_color(color: object) -> str:
    """Black or white, whichever reads on ``color``."""
    r, g, b = to_rgb(color)
    return "white" if 0.299 * r + 0.587 * g + 0.114 * b < 0.5 else st.BLACK


def cop_styles(cops: Sequence[str]) -> dict[str, tuple[str, str]]:
    """(colour, marker) per CoP: the categorical colours (never the reserved ones)."""
    return {c: (CATEGORICAL[i % len(CATEGORICAL)], _MARKERS[i % len(_MARKERS)])
            for i, c in enumerate(cops)}


def suppressed_text(reason: object, min_cell: int | None, tr: Translator) -> str:
    """How a chart names a cell that :func:`cocope_kit.privacy.suppress_small_cells` hid."""
    if str(reason) == "complementary":
        return tr.gettext("hidden (so a small group cannot be worked out)")
    if min_cell:
        return tr.gettext("hidden (fewer than {k} answers)").format(k=min_cell)
    return tr.gettext("hidden (small group)")


def level_label(level: object, tr: Translator) -> str:
    """A level of working together in words (``below_cooperation`` → "below cooperation")."""
    if level is None or (isinstance(level, float) and level != level):
        return tr.gettext(NOT_COLLECTED)
    key = str(level)
    return tr.gettext(LEVEL_LABELS[key]) if key in LEVEL_LABELS else human(key)


def role_group_label(group: object, tr: Translator) -> str:
    """A role group in words, plural ("students")."""
    key = str(group)
    return tr.gettext(ROLE_GROUP_LABELS[key]) if key in ROLE_GROUP_LABELS else human(key)


def role_label(role: object, tr: Translator) -> str:
    """A role in words (``special_needs_teacher`` → "special needs teacher"), capitalised."""
    key = str(role)
    text = tr.gettext(ROLE_LABELS[key]) if key in ROLE_LABELS else human(key)
    return text[:1].upper() + text[1:]


def wave_label(wave: object, tr: Translator) -> str:
    """A survey wave in words: ``pre`` → "before", ``post`` → "after", others as written."""
    key = str(wave)
    return tr.gettext(WAVE_LABELS[key]) if key in WAVE_LABELS else human(key)


def human(key: object) -> str:
    """A key for people: ``collective_ownership`` → "Collective ownership" (last resort)."""
    s = str(key).split(":")[-1].replace("_", " ").strip()
    return s[:1].upper() + s[1:]


@cache
def _instrument_texts(language: str) -> tuple[dict[str, str], dict[str, str]]:
    """(construct id -> label, item id -> text) over every shipped instrument."""
    from ..instruments import list_instruments, load_instrument

    constructs: dict[str, str] = {}
    items: dict[str, str] = {}
    for iid in list_instruments():
        try:
            inst = load_instrument(iid)
        except Exception:  # noqa: BLE001 - a broken file must not stop a chart
            continue
        for cid, spec in inst.constructs.items():
            label = spec.get("label") or {}
            text = label.get(language) or label.get("en")
            if text and cid not in constructs:
                constructs[cid] = str(text)
        for it in inst.items:
            if it.id not in items:
                items[it.id] = inst.text(it.id, language)
    return constructs, items


def construct_label(construct: object, tr: Translator,
                    labels: Mapping[str, str] | None = None) -> str:
    """A construct's label from ``labels``, else from the instruments, else made readable."""
    key = str(construct)
    if labels and key in labels:
        return str(labels[key])
    return _instrument_texts(tr.language)[0].get(key) or human(key)


def item_label(item: object, tr: Translator, labels: Mapping[str, str] | None = None) -> str:
    """An item's wording from ``labels``, else from the instruments, else made readable."""
    key = str(item)
    if labels and key in labels:
        return str(labels[key])
    return _instrument_texts(tr.language)[1].get(key) or human(key)


def date_formatter(tr: Translator, pattern: str = "MMM y"):
    """A tick formatter writing dates the language's way (Babel pattern, e.g. ``MMM y``)."""
    import matplotlib.dates as mdates
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda x, _pos: tr.date(mdates.num2date(x), pattern))


def empty_panel(ax: Axes | None, title: str, message: str, tr: Translator) -> Axes:
    """A "not collected yet" panel on ``ax`` or on a new figure (10 × 4.5 inches)."""
    return not_collected(st.new_ax(ax, (10, 4.5)), title, message, tr)


def is_placeholder(ax: object) -> bool:
    """True when a chart function drew a "not collected yet" panel instead of data.

    A caller (a report, a notebook) may leave such a chart out and say it in words.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> from cocope_kit.i18n import translator
    >>> is_placeholder(empty_panel(None, "Survey answers", "No answers yet.", translator("en")))
    True
    """
    if ax is None or not isinstance(ax, Axes):
        return False
    return any(p.get_gid() == "not-collected" for p in ax.patches)


def not_collected(ax: Axes, title: str, message: str, tr: Translator) -> Axes:
    """Turn ``ax`` into a clear "not collected yet" panel: a title and one framed message.

    The panel has no ticks (nothing to pile up); the framed box has gid
    ``"not-collected"``. The alt text says the same.
    """
    ax.clear()
    ax.set_axis_off()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    box = FancyBboxPatch((0.06, 0.22), 0.88, 0.5, boxstyle="round,pad=0.02,rounding_size=0.04",
                         facecolor=st.tint(st.GREY, 0.8), edgecolor=st.GREY, linewidth=1.5,
                         linestyle=(0, (5, 3)), transform=ax.transAxes)
    box.set_gid("not-collected")
    ax.add_patch(box)
    head = tr.gettext(NOT_COLLECTED)
    ax.text(0.5, 0.56, head[:1].upper() + head[1:], ha="center", va="center",
            fontsize=st.TITLE_SIZE, fontweight="bold", color="#444444", transform=ax.transAxes)
    ax.text(0.5, 0.38, textwrap.fill(message, 56), ha="center", va="center",
            fontsize=st.TEXT_SIZE, color="#444444", transform=ax.transAxes)
    ax.set_title(title, loc="left")
    return done(ax, f"{title} – {head}. {message}")
