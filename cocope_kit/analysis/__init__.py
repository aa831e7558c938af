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
