"""Numbered migrations of the store, frozen as SQL text.

Never edit a migration that has shipped: add a new one at the end. A test
checks that a store migrated from empty has exactly the columns of
:mod:`cocope_kit.schema`, so a schema change without a migration fails.
"""

from __future__ import annotations

__all__ = ["MIGRATIONS"]

_V1 = """
CREATE TABLE cop (
    cop_id TEXT NOT NULL,
    name TEXT NOT NULL,
    school TEXT NOT NULL,
    country TEXT NOT NULL,
    language TEXT NOT NULL,
    cycle INTEGER,
    previous_cop_id TEXT,
    created_on TEXT NOT NULL,
    PRIMARY KEY (cop_id),
    FOREIGN KEY (previous_cop_id) REFERENCES cop(cop_id) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE member (
    member_id TEXT NOT NULL,
    cop_id TEXT NOT NULL,
    name TEXT,
    pseudonym TEXT NOT NULL,
    role TEXT NOT NULL,
    core INTEGER CHECK (core IN (0, 1)),
    joined_on TEXT,
    left_on TEXT,
    PRIMARY KEY (member_id),
    FOREIGN KEY (cop_id) REFERENCES cop(cop_id) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE consent (
    member_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    recorded_on TEXT NOT NULL,
    note TEXT,
    PRIMARY KEY (member_id, kind),
    FOREIGN KEY (member_id) REFERENCES member(member_id) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE meeting (
    meeting_id TEXT NOT NULL,
    cop_id TEXT NOT NULL,
    phase TEXT NOT NULL,
    held_on TEXT NOT NULL,
    note TEXT,
    PRIMARY KEY (meeting_id),
    FOREIGN KEY (cop_id) REFERENCES cop(cop_id) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE attendance (
    meeting_id TEXT NOT NULL,
    member_id TEXT NOT NULL,
    present INTEGER NOT NULL CHECK (present IN (0, 1)),
    contributions INTEGER,
    PRIMARY KEY (meeting_id, member_id),
    FOREIGN KEY (meeting_id) REFERENCES meeting(meeting_id) DEFERRABLE INITIALLY DEFERRED,
    FOREIGN KEY (member_id) REFERENCES member(member_id) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE idea (
    idea_id TEXT NOT NULL,
    cop_id TEXT NOT NULL,
    meeting_id TEXT,
    member_id TEXT,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    votes INTEGER,
    PRIMARY KEY (idea_id),
    FOREIGN KEY (cop_id) REFERENCES cop(cop_id) DEFERRABLE INITIALLY DEFERRED,
    FOREIGN KEY (meeting_id) REFERENCES meeting(meeting_id) DEFERRABLE INITIALLY DEFERRED,
    FOREIGN KEY (member_id) REFERENCES member(member_id) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE goal (
    goal_id TEXT NOT NULL,
    cop_id TEXT NOT NULL,
    statement TEXT NOT NULL,
    indicator TEXT,
    unit TEXT,
    direction TEXT,
    baseline REAL,
    target REAL,
    deadline TEXT,
    achievable_note TEXT,
    relevant_note TEXT,
    agreed_on TEXT,
    weight REAL,
    gas_levels TEXT,
    PRIMARY KEY (goal_id),
    FOREIGN KEY (cop_id) REFERENCES cop(cop_id) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE goal_measurement (
    measurement_id TEXT NOT NULL,
    goal_id TEXT NOT NULL,
    measured_on TEXT NOT NULL,
    value REAL NOT NULL,
    source TEXT,
    note TEXT,
    PRIMARY KEY (measurement_id),
    FOREIGN KEY (goal_id) REFERENCES goal(goal_id) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE action (
    action_id TEXT NOT NULL,
    cop_id TEXT NOT NULL,
    goal_id TEXT,
    title TEXT NOT NULL,
    description TEXT,
    start_on TEXT,
    due_on TEXT,
    status TEXT,
    done_on TEXT,
    PRIMARY KEY (action_id),
    FOREIGN KEY (cop_id) REFERENCES cop(cop_id) DEFERRABLE INITIALLY DEFERRED,
    FOREIGN KEY (goal_id) REFERENCES goal(goal_id) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE action_owner (
    action_id TEXT NOT NULL,
    member_id TEXT NOT NULL,
    lead INTEGER CHECK (lead IN (0, 1)),
    PRIMARY KEY (action_id, member_id),
    FOREIGN KEY (action_id) REFERENCES action(action_id) DEFERRABLE INITIALLY DEFERRED,
    FOREIGN KEY (member_id) REFERENCES member(member_id) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE action_dependency (
    action_id TEXT NOT NULL,
    depends_on_id TEXT NOT NULL,
    PRIMARY KEY (action_id, depends_on_id),
    FOREIGN KEY (action_id) REFERENCES action(action_id) DEFERRABLE INITIALLY DEFERRED,
    FOREIGN KEY (depends_on_id) REFERENCES action(action_id) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE response (
    response_id TEXT NOT NULL,
    cop_id TEXT NOT NULL,
    instrument_id TEXT NOT NULL,
    instrument_version TEXT NOT NULL,
    respondent_id TEXT NOT NULL,
    respondent_role TEXT,
    wave TEXT NOT NULL,
    language TEXT NOT NULL,
    submitted_at TEXT NOT NULL,
    PRIMARY KEY (response_id),
    FOREIGN KEY (cop_id) REFERENCES cop(cop_id) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE answer (
    response_id TEXT NOT NULL,
    item_id TEXT NOT NULL,
    value REAL,
    text TEXT,
    PRIMARY KEY (response_id, item_id),
    FOREIGN KEY (response_id) REFERENCES response(response_id) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE pair_rating (
    rating_id TEXT NOT NULL,
    cop_id TEXT NOT NULL,
    wave TEXT NOT NULL,
    rater_id TEXT NOT NULL,
    ratee_id TEXT NOT NULL,
    level INTEGER NOT NULL,
    PRIMARY KEY (rating_id),
    FOREIGN KEY (cop_id) REFERENCES cop(cop_id) DEFERRABLE INITIALLY DEFERRED,
    FOREIGN KEY (rater_id) REFERENCES member(member_id) DEFERRABLE INITIALLY DEFERRED,
    FOREIGN KEY (ratee_id) REFERENCES member(member_id) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE interview (
    interview_id TEXT NOT NULL,
    cop_id TEXT NOT NULL,
    respondent_id TEXT,
    respondent_role TEXT,
    conducted_on TEXT,
    interviewer TEXT,
    language TEXT,
    transcript TEXT NOT NULL,
    PRIMARY KEY (interview_id),
    FOREIGN KEY (cop_id) REFERENCES cop(cop_id) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE code (
    code_id TEXT NOT NULL,
    codebook TEXT NOT NULL,
    label TEXT NOT NULL,
    description TEXT,
    parent_id TEXT,
    PRIMARY KEY (code_id),
    FOREIGN KEY (parent_id) REFERENCES code(code_id) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE coding (
    coding_id TEXT NOT NULL,
    interview_id TEXT NOT NULL,
    segment INTEGER NOT NULL,
    code_id TEXT NOT NULL,
    coder TEXT NOT NULL,
    PRIMARY KEY (coding_id),
    FOREIGN KEY (interview_id) REFERENCES interview(interview_id) DEFERRABLE INITIALLY DEFERRED,
    FOREIGN KEY (code_id) REFERENCES code(code_id) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE reflection (
    reflection_id TEXT NOT NULL,
    cop_id TEXT NOT NULL,
    member_id TEXT,
    phase TEXT NOT NULL,
    prompt_id TEXT,
    text TEXT NOT NULL,
    written_on TEXT NOT NULL,
    PRIMARY KEY (reflection_id),
    FOREIGN KEY (cop_id) REFERENCES cop(cop_id) DEFERRABLE INITIALLY DEFERRED,
    FOREIGN KEY (member_id) REFERENCES member(member_id) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE lesson (
    lesson_id TEXT NOT NULL,
    cop_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    text TEXT,
    tags TEXT,
    link TEXT,
    created_on TEXT NOT NULL,
    PRIMARY KEY (lesson_id),
    FOREIGN KEY (cop_id) REFERENCES cop(cop_id) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE result_feedback (
    feedback_id TEXT NOT NULL,
    cop_id TEXT NOT NULL,
    member_id TEXT,
    result_key TEXT NOT NULL,
    verdict TEXT NOT NULL,
    comment TEXT,
    created_on TEXT NOT NULL,
    PRIMARY KEY (feedback_id),
    FOREIGN KEY (cop_id) REFERENCES cop(cop_id) DEFERRABLE INITIALLY DEFERRED,
    FOREIGN KEY (member_id) REFERENCES member(member_id) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE value_story (
    story_id TEXT NOT NULL,
    cop_id TEXT NOT NULL,
    author_id TEXT,
    immediate TEXT,
    potential TEXT,
    applied TEXT,
    realized TEXT,
    reframing TEXT,
    created_on TEXT NOT NULL,
    PRIMARY KEY (story_id),
    FOREIGN KEY (cop_id) REFERENCES cop(cop_id) DEFERRABLE INITIALLY DEFERRED,
    FOREIGN KEY (author_id) REFERENCES member(member_id) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE audit (
    audit_id TEXT NOT NULL,
    at TEXT NOT NULL,
    action TEXT NOT NULL,
    table_name TEXT,
    row_id TEXT,
    detail TEXT,
    PRIMARY KEY (audit_id)
);
"""

_V2 = """
CREATE INDEX IF NOT EXISTS ix_cop_previous_cop_id ON cop(previous_cop_id);
CREATE INDEX IF NOT EXISTS ix_member_cop_id ON member(cop_id);
CREATE INDEX IF NOT EXISTS ix_meeting_cop_id ON meeting(cop_id);
CREATE INDEX IF NOT EXISTS ix_attendance_member_id ON attendance(member_id);
CREATE INDEX IF NOT EXISTS ix_idea_cop_id ON idea(cop_id);
CREATE INDEX IF NOT EXISTS ix_idea_meeting_id ON idea(meeting_id);
CREATE INDEX IF NOT EXISTS ix_idea_member_id ON idea(member_id);
CREATE INDEX IF NOT EXISTS ix_goal_cop_id ON goal(cop_id);
CREATE INDEX IF NOT EXISTS ix_goal_measurement_goal_id ON goal_measurement(goal_id);
CREATE INDEX IF NOT EXISTS ix_action_cop_id ON action(cop_id);
CREATE INDEX IF NOT EXISTS ix_action_goal_id ON action(goal_id);
CREATE INDEX IF NOT EXISTS ix_action_owner_member_id ON action_owner(member_id);
CREATE INDEX IF NOT EXISTS ix_action_dependency_depends_on_id ON action_dependency(depends_on_id);
CREATE INDEX IF NOT EXISTS ix_response_cop_id ON response(cop_id);
CREATE INDEX IF NOT EXISTS ix_pair_rating_cop_id ON pair_rating(cop_id);
CREATE INDEX IF NOT EXISTS ix_pair_rating_rater_id ON pair_rating(rater_id);
CREATE INDEX IF NOT EXISTS ix_pair_rating_ratee_id ON pair_rating(ratee_id);
CREATE INDEX IF NOT EXISTS ix_interview_cop_id ON interview(cop_id);
CREATE INDEX IF NOT EXISTS ix_code_parent_id ON code(parent_id);
CREATE INDEX IF NOT EXISTS ix_coding_interview_id ON coding(interview_id);
CREATE INDEX IF NOT EXISTS ix_coding_code_id ON coding(code_id);
CREATE INDEX IF NOT EXISTS ix_reflection_cop_id ON reflection(cop_id);
CREATE INDEX IF NOT EXISTS ix_reflection_member_id ON reflection(member_id);
CREATE INDEX IF NOT EXISTS ix_lesson_cop_id ON lesson(cop_id);
CREATE INDEX IF NOT EXISTS ix_result_feedback_cop_id ON result_feedback(cop_id);
CREATE INDEX IF NOT EXISTS ix_result_feedback_member_id ON result_feedback(member_id);
CREATE INDEX IF NOT EXISTS ix_value_story_cop_id ON value_story(cop_id);
CREATE INDEX IF NOT EXISTS ix_value_story_author_id ON value_story(author_id);
CREATE INDEX IF NOT EXISTS ix_response_instrument ON response(instrument_id, wave);
CREATE TABLE submission (
    submission_key TEXT NOT NULL PRIMARY KEY,
    table_name TEXT NOT NULL,
    row_id TEXT NOT NULL,
    at TEXT NOT NULL
);
"""

# Invitations to the participant forms (issue 14). Only a hash of the token is kept;
# member_id is empty for an anonymous card. Deleting a member (forget) deletes
# their invitations too (no ON DELETE clause: store.forget deletes them).
_V3 = """
CREATE TABLE invitation (
    invitation_id TEXT NOT NULL,
    cop_id TEXT NOT NULL,
    form TEXT NOT NULL,
    wave TEXT NOT NULL,
    audience TEXT NOT NULL,
    language TEXT NOT NULL,
    member_id TEXT,
    card_no INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    opened_at TEXT,
    used_at TEXT,
    revoked_at TEXT,
    token_hash TEXT NOT NULL,
    PRIMARY KEY (invitation_id),
    FOREIGN KEY (cop_id) REFERENCES cop(cop_id) DEFERRABLE INITIALLY DEFERRED,
    FOREIGN KEY (member_id) REFERENCES member(member_id) DEFERRABLE INITIALLY DEFERRED
);
CREATE UNIQUE INDEX IF NOT EXISTS ix_invitation_token_hash ON invitation(token_hash);
CREATE INDEX IF NOT EXISTS ix_invitation_cop_id ON invitation(cop_id, wave);
CREATE INDEX IF NOT EXISTS ix_invitation_member_id ON invitation(member_id);
"""

# "Don't know" and "not answered" apart (issue 17): every answer gets a status
# (cocope_kit.answer_status). Older rows: a value or a text is 'answered', the text
# 'dont_know' (the forms' old way of writing "don't know") is 'dont_know' and the text
# is cleared, anything else (a blank value an older store cannot attribute) 'not_answered'.
_V4 = """
ALTER TABLE answer ADD COLUMN status TEXT
    CHECK (status IN ('answered', 'dont_know', 'not_answered'));
UPDATE answer SET status = CASE
    WHEN value IS NOT NULL THEN 'answered'
    WHEN trim(text) = 'dont_know' THEN 'dont_know'
    WHEN text IS NOT NULL AND trim(text) <> '' THEN 'answered'
    ELSE 'not_answered' END;
UPDATE answer SET text = NULL WHERE status = 'dont_know' AND trim(text) = 'dont_know';
"""

MIGRATIONS: tuple[tuple[int, str, str], ...] = (
    (1, "tables of the data model", _V1),
    (2, "indexes on references; submission keys for idempotent form submits", _V2),
    (3, "invitations to the participant forms (token hashes only)", _V3),
    (4, "answer status: answered, don't know or not answered", _V4),
)
"""(version, name, SQL) in the order they are applied."""
