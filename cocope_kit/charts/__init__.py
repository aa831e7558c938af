"""Charts: a table in, a matplotlib Axes (or, for the CoP tree, a Figure) out.

Compute, then draw (STYLE 2): every chart takes the table an analysis
function returned and draws it; the CoP tree's tables come from
:func:`cop_tree_data`. Every chart stores a plain-text description of what it
shows, returned by :func:`describe` (the alt text of the chart).

Every chart function takes ``language=`` (one of en, de, nl, pt, sk; ``None``
means English) and draws every title, label, legend and its alt text in that
language. Colours and what they mean: :mod:`cocope_kit.charts.palette`
(problems only in vermillion, progress in bluish green). :func:`gas_scores`
returns ``None`` when no CoP has a T-score (no empty GAS chart); every other
chart draws a "not collected yet" panel when its table holds nothing to show
(:func:`goal_progress` also for a goal without measurements), and
:func:`is_placeholder` tells such a panel apart so a caller may leave it out.

Importing this package imports matplotlib (``import cocope_kit`` does not).

>>> from cocope_kit import charts
>>> "describe" in charts.__all__
True
"""

from ._common import is_placeholder
from ._style import describe, save, set_description
from .palette import MEANING, PALETTE
from .plan import dependency_graph, dependency_layout, gantt, gantt_data, responsibility_matrix
from .tree import cop_tree, cop_tree_data, draw_cop_tree

__all__ = [
    # alt text and saving
    "describe",
    "set_description",
    "save",
    # colours and their meanings
    "PALETTE",
    "MEANING",
    # thin data
    "is_placeholder",
    # plan (meeting 2)
    "gantt_data",
    "gantt",
    "dependency_layout",
    "dependency_graph",
    "responsibility_matrix",
    # the CoP tree
    "cop_tree_data",
    "cop_tree",
    "draw_cop_tree",
]

# --- evaluation (meeting 3, Practice) ---
from .evaluation import (  # noqa: E402
    attendance_data,
    attendance_heatmap,
    code_frequencies,
    coder_agreement,
    construct_means,
    cooccurrence,
    gas_scores,
    goal_progress,
    level_profile,
    level_transitions,
    likert_bars,
    lorenz_data,
    network,
    voice_equity,
    voice_shares,
)

__all__ += [
    "attendance_data",
    "attendance_heatmap",
    "lorenz_data",
    "voice_equity",
    "voice_shares",
    "level_profile",
    "level_transitions",
    "likert_bars",
    "construct_means",
    "goal_progress",
    "gas_scores",
    "network",
    "code_frequencies",
    "cooccurrence",
    "coder_agreement",
]
