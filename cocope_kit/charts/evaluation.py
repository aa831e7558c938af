"""Charts of the evaluation (meeting 3, Practice), gathered in one namespace.

The charts live in topic modules and are re-exported here (the report calls
them as ``evaluation.<chart>``): participation and voice
(:mod:`~cocope_kit.charts.participation`), the level of working together
(:mod:`~cocope_kit.charts.levels`), surveys (:mod:`~cocope_kit.charts.surveys`),
the goal (:mod:`~cocope_kit.charts.goals`), the collaboration network
(:mod:`~cocope_kit.charts.network`) and interviews
(:mod:`~cocope_kit.charts.qualitative`).

Every chart takes ``language=`` (``None``: English) and draws every text in it;
its alt text (:func:`cocope_kit.charts.describe`) is in the same language.
Colours follow :mod:`cocope_kit.charts.palette`.

>>> from cocope_kit.charts import evaluation
>>> sorted(evaluation.__all__)[:3]
['attendance_data', 'attendance_heatmap', 'code_frequencies']
"""

from __future__ import annotations

from .goals import gas_scores, goal_progress
from .levels import level_profile, level_transitions
from .network import network
from .participation import (
    attendance_data,
    attendance_heatmap,
    lorenz_data,
    voice_equity,
    voice_shares,
)
from .qualitative import code_frequencies, coder_agreement, cooccurrence
from .surveys import construct_means, likert_bars

__all__ = [
    "attendance_data", "attendance_heatmap",
    "lorenz_data", "voice_equity", "voice_shares",
    "level_profile", "level_transitions",
    "likert_bars", "construct_means",
    "goal_progress", "gas_scores",
    "network",
    "code_frequencies", "cooccurrence", "coder_agreement",
]
