"""Descriptions of the store's columns for the data dictionary (``columns.csv``).

:func:`cocope_kit.schema.describe` takes a column's ``description`` from its
:class:`~cocope_kit.schema.Column` where the schema gives one and from
:data:`COLUMN_DOCS` otherwise, so every column of every table is described
(a test checks that none is empty). Kept apart from ``schema.py`` so the
schema stays a list of rules.

Examples
--------
>>> COLUMN_DOCS[("pair_rating", "rater_id")]
'the member who gives the rating'
"""

from __future__ import annotations

__all__ = ["COLUMN_DOCS"]

_COP = "the CoP this row belongs to"
_LANG = "language code (ISO 639-1) of the text, e.g. en, de, nl, pt, sk"
_ROLE = ("role: teacher, special_needs_teacher, assistant, school_leader, social_worker, "
         "psychologist, therapist, support_professional, student, parent or other")

COLUMN_DOCS: dict[tuple[str, str], str] = {
    ("member", "cop_id"): "the CoP the person is a member of",
    ("member", "role"): "the person's " + _ROLE,
    ("member", "joined_on"): "day the person joined the CoP (blank: from the start)",
    ("member", "left_on"): "day the person left the CoP (blank: still a member)",
    ("consent", "member_id"): "the person the consent or assent is about",
    ("consent", "kind"): "consent (an adult, or a parent for a child) or assent (the student)",
    ("consent", "status"): "given, pending, refused or withdrawn; only given counts",
    ("consent", "recorded_on"): "day the status was recorded",
    ("consent", "note"): "a note on the record (e.g. who signed)",
    ("meeting", "cop_id"): _COP,
    ("meeting", "phase"): "domain (meeting 1), community (meeting 2), practice (meeting 3) "
                          "or other",
    ("meeting", "held_on"): "day of the meeting",
    ("meeting", "note"): "a note on the meeting",
    ("attendance", "meeting_id"): "the meeting",
    ("attendance", "member_id"): "the member",
    ("attendance", "present"): "true when the member was at the meeting",
    ("idea", "cop_id"): _COP,
    ("idea", "meeting_id"): "the meeting where the idea came up (blank: outside a meeting)",
    ("idea", "kind"): "challenge, perspective, connection, approach or inspiration",
    ("idea", "text"): "the idea in the words it was written down",
    ("idea", "votes"): "votes (dots) the idea got when the group chose",
    ("goal", "cop_id"): _COP,
    ("goal", "direction"): "increase or decrease: which way the indicator should move",
    ("goal", "baseline"): "the indicator's value when the goal was agreed",
    ("goal", "target"): "the value the CoP wants to reach by the deadline",
    ("goal", "deadline"): "day by which the target should be reached (time-bound)",
    ("goal", "agreed_on"): "day the group agreed on the goal",
    ("goal_measurement", "goal_id"): "the goal whose indicator was measured",
    ("goal_measurement", "measured_on"): "day of the measurement",
    ("goal_measurement", "value"): "the indicator's value, in the goal's unit",
    ("goal_measurement", "source"): "where the value comes from (observation, register, ...)",
    ("goal_measurement", "note"): "a note on the measurement",
    ("action", "cop_id"): _COP,
    ("action", "goal_id"): "the goal the step serves",
    ("action", "title"): "the step in a few words",
    ("action", "description"): "what the step involves",
    ("action", "start_on"): "planned first day",
    ("action", "due_on"): "planned last day",
    ("action", "status"): "planned, in_progress, done or dropped",
    ("action", "done_on"): "day the step was done",
    ("action_owner", "action_id"): "the step",
    ("action_owner", "member_id"): "a member responsible for it",
    ("action_owner", "lead"): "true for the member who leads the step",
    ("action_dependency", "action_id"): "the step that waits",
    ("action_dependency", "depends_on_id"): "the step that must be done first",
    ("response", "cop_id"): _COP,
    ("response", "instrument_id"): "the questionnaire (an instrument of data/instruments)",
    ("response", "respondent_role"): "the respondent's " + _ROLE,
    ("response", "language"): "language the questionnaire was answered in",
    ("response", "submitted_at"): "when the answers were submitted (UTC)",
    ("answer", "response_id"): "the response (filled-in questionnaire) the answer belongs to",
    ("answer", "item_id"): "the item (question) of the response's instrument",
    ("pair_rating", "cop_id"): _COP,
    ("pair_rating", "wave"): "pre, post, or another wave label (as in response.wave)",
    ("pair_rating", "rater_id"): "the member who gives the rating",
    ("pair_rating", "ratee_id"): "the member who is rated",
    ("interview", "cop_id"): _COP,
    ("interview", "respondent_role"): "the interviewee's " + _ROLE,
    ("interview", "conducted_on"): "day of the interview",
    ("interview", "interviewer"): "who interviewed (personal data; a label in outputs)",
    ("interview", "language"): _LANG,
    ("code", "codebook"): "the codebook the code belongs to",
    ("code", "label"): "the code's name as coders see it",
    ("code", "description"): "when to apply the code",
    ("code", "parent_id"): "the code one level up (blank for a top-level code)",
    ("coding", "interview_id"): "the coded interview",
    ("coding", "segment"): "number of the transcript segment (1 = first paragraph)",
    ("coding", "code_id"): "the code applied",
    ("coding", "coder"): "who coded (a name or label)",
    ("reflection", "cop_id"): _COP,
    ("reflection", "phase"): "the phase reflected on: domain, community, practice or other",
    ("reflection", "prompt_id"): "the reflection prompt answered (an item of "
                                 "reflection_prompts), blank for a free reflection",
    ("reflection", "text"): "the reflection",
    ("reflection", "written_on"): "day it was written",
    ("lesson", "cop_id"): _COP,
    ("lesson", "kind"): "success, challenge, unexpected_benefit, side_effect, insight or "
                        "resource",
    ("lesson", "title"): "the lesson in a few words",
    ("lesson", "text"): "the lesson in full",
    ("lesson", "link"): "a link to a resource",
    ("lesson", "created_on"): "day it was written",
    ("result_feedback", "cop_id"): _COP,
    ("result_feedback", "member_id"): "who gave the feedback (blank: anonymous or the group)",
    ("result_feedback", "verdict"): "matches, partly or does_not_match the member's experience",
    ("result_feedback", "comment"): "what the member said about the result",
    ("result_feedback", "created_on"): "day of the feedback",
    ("value_story", "cop_id"): _COP,
    ("value_story", "author_id"): "the member who told the story",
    ("value_story", "immediate"): "immediate value: activities and interactions, how they felt",
    ("value_story", "potential"): "potential value: knowledge, skills, relations gained",
    ("value_story", "applied"): "applied value: what changed in practice",
    ("value_story", "realized"): "realized value: what difference it made for results",
    ("value_story", "reframing"): "reframing value: what changed in how success is seen",
    ("value_story", "created_on"): "day the story was written",
    ("audit", "at"): "when it happened (UTC)",
    ("audit", "action"): "what happened: delete, import, import-survey, merge, forget, ...",
    ("audit", "table_name"): "the table concerned",
    ("audit", "row_id"): "the row's key (blank after forget, which records no person)",
    ("audit", "detail"): "the reason given, or what was imported or merged from where",
}
"""``(table, column)`` -> description, for columns the schema describes no further."""
