"""The kit's colours in one place: Okabe–Ito, and what each colour means.

Every chart of :mod:`cocope_kit.charts` (and the HTML report, which may import
this module for its CSS) takes its colours from here. The colours are the
Okabe–Ito palette (Okabe & Ito 2008, *Color Universal Design*), distinguishable
for the common forms of colour-vision deficiency. Nothing is told by colour
alone: statuses also differ by hatch, marker and line style (see
:mod:`cocope_kit.charts._style`).

One meaning per colour
----------------------
Two colours are **reserved** for a meaning and used for nothing else, in any chart:

* **vermillion** (``#D55E00``): a problem. Overdue steps, a goal behind its
  deadline, a GAS T-score below 50, a step without owner.
* **bluish green** (``#009E73``): progress and success. Steps done (a light
  tint: in progress), the target line, a GAS T-score at or above 50, the ripe
  part of a goal fruit, present at a meeting, the lesson kind "success".

Grey is for what is missing, dropped or not collected yet. The other colours
(orange, sky blue, blue, yellow, reddish purple, black) tell the categories of
one chart apart (roles, lesson kinds, CoPs, waves) and are explained by that
chart's legend; they never stand for good or bad. A "challenge" lesson is
orange, so it never looks like an overdue step.

Examples
--------
>>> from cocope_kit.charts.palette import MEANING, VERMILLION, CATEGORICAL
>>> MEANING["problem"] == VERMILLION == "#D55E00"
True
>>> MEANING["progress"]
'#009E73'
>>> VERMILLION in CATEGORICAL or MEANING["progress"] in CATEGORICAL
False
"""

from __future__ import annotations

from types import MappingProxyType

__all__ = [
    "BLACK", "ORANGE", "SKY_BLUE", "BLUISH_GREEN", "YELLOW", "BLUE", "VERMILLION",
    "REDDISH_PURPLE", "GREY", "LIGHT_GREY", "OKABE_ITO", "MEANING", "RESERVED", "CATEGORICAL",
    "PALETTE",
]

BLACK = "#000000"
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
BLUISH_GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
REDDISH_PURPLE = "#CC79A7"
GREY = "#999999"
"""Not part of Okabe–Ito: missing, dropped, not collected yet."""
LIGHT_GREY = "#E5E5E5"
"""Not part of Okabe–Ito: grid lines, empty cells."""

OKABE_ITO: tuple[str, ...] = (ORANGE, SKY_BLUE, BLUISH_GREEN, YELLOW, BLUE, VERMILLION,
                              REDDISH_PURPLE, BLACK)
"""The eight Okabe–Ito colours, in the order of the original figure (black last)."""

MEANING = MappingProxyType({
    "problem": VERMILLION,
    "progress": BLUISH_GREEN,
    "missing": GREY,
    "neutral": BLUE,
    "reference": BLACK,
})
"""What a colour stands for wherever it is used (read-only).

``problem`` and ``progress`` are reserved (see the module text); ``missing`` is
for what was not collected or was dropped; ``neutral`` draws a measured value
that is neither good nor bad in itself (a measurement line, a bar of counts);
``reference`` draws lines to compare with (baseline, 50, thresholds)."""

RESERVED: frozenset[str] = frozenset({VERMILLION, BLUISH_GREEN})
"""Colours that carry a meaning and are never used for a category."""

CATEGORICAL: tuple[str, ...] = (BLUE, ORANGE, SKY_BLUE, REDDISH_PURPLE, BLACK, YELLOW)
"""Colours for the categories of one chart (CoPs, owners, waves), in the order to use them.

Never vermillion or bluish green. Past six categories, repeat with another marker."""

PALETTE = MappingProxyType({
    "black": BLACK, "orange": ORANGE, "sky_blue": SKY_BLUE, "bluish_green": BLUISH_GREEN,
    "yellow": YELLOW, "blue": BLUE, "vermillion": VERMILLION,
    "reddish_purple": REDDISH_PURPLE, "grey": GREY, "light_grey": LIGHT_GREY,
})
"""Every colour of the kit by name (read-only), e.g. for CSS custom properties."""
