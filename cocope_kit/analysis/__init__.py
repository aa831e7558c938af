"""CoP-specific analyses: tables in, tables out (DESIGN section 6).

Each function takes frames shaped like the store tables and returns a tidy
DataFrame with a fixed, documented set of columns. No plotting, no SQL.

>>> from cocope_kit import analysis
>>> "smart_check" in analysis.__all__
True
"""

from .goals import gas_levels, goal_progress, smart_check
from .ideas import idea_board, idea_summary, shortlist
from .plan import (
    plan_indicators,
    plan_progress,
    responsibility_matrix,
    schedule,
    step_status,
    validate_plan,
)

__all__ = [
    # goals
    "smart_check",
    "goal_progress",
    "gas_levels",
    # plan
    "validate_plan",
    "schedule",
    "plan_progress",
    "step_status",
    "responsibility_matrix",
    "plan_indicators",
    # ideas
    "idea_board",
    "shortlist",
    "idea_summary",
]

# --- load, participation, collaboration, surveys, network, attainment, qualitative, value ---
from .attainment import gas_scores, goal_attainment, progress_summary  # noqa: E402
from .catalogue import CATALOGUE, run_catalogue  # noqa: E402
from .collaboration import (  # noqa: E402
    level_of_working_together,
    level_transitions,
    scale_scores,
    transition_matrix,
)
from .load import consented_member_ids, enrich, load_tables  # noqa: E402
from .network import asymmetric_pairs, network_measures, role_matrix  # noqa: E402
from .participation import (  # noqa: E402
    attendance_rates,
    contribution_shares,
    retention,
    role_diversity,
    voice_equity,
)
from .qualitative import (  # noqa: E402
    code_frequencies,
    coder_agreement,
    cooccurrence,
    disagreements,
    exemplar_quotes,
    segments,
)
from .surveys import (  # noqa: E402
    construct_scores,
    in_wave_order,
    likert_counts,
    prepost_change,
    reliability,
    wave_order,
)
from .value import feedback_summary, story_cycles, value_stories  # noqa: E402

__all__ += [
    # load
    "load_tables",
    "enrich",
    "consented_member_ids",
    # participation
    "attendance_rates",
    "retention",
    "contribution_shares",
    "voice_equity",
    "role_diversity",
    # collaboration (plan_indicators: see plan)
    "scale_scores",
    "level_of_working_together",
    "level_transitions",
    "transition_matrix",
    # surveys
    "likert_counts",
    "construct_scores",
    "reliability",
    "prepost_change",
    "wave_order",
    "in_wave_order",
    # network
    "network_measures",
    "role_matrix",
    "asymmetric_pairs",
    # attainment
    "goal_attainment",
    "progress_summary",
    "gas_scores",
    # qualitative
    "segments",
    "code_frequencies",
    "cooccurrence",
    "coder_agreement",
    "disagreements",
    "exemplar_quotes",
    # value
    "value_stories",
    "story_cycles",
    "feedback_summary",
    # everything at once
    "CATALOGUE",
    "run_catalogue",
]

# --- harvest (issue 6) ---
from .harvest import harvest_table, mask_names, search_lessons, tag_counts  # noqa: E402

__all__ += ["search_lessons", "harvest_table", "tag_counts", "mask_names"]
