"""Vocabulary of the CoP method: phases, roles, levels of working together, statuses.

Every enumerated column of the store takes its allowed values from here, so the
schema, the forms and the analyses share one list.

Examples
--------
>>> from cocope_kit.model import Role, Level, role_group
>>> Role.SPECIAL_NEEDS_TEACHER.value
'special_needs_teacher'
>>> role_group("student"), role_group("teacher"), role_group("parent")
('student', 'professional', 'family')
>>> [lvl.label for lvl in Level]
['none', 'cooperation', 'coordination', 'collaboration']
"""

from __future__ import annotations

from enum import Enum, IntEnum, StrEnum

__all__ = [
    "Phase",
    "Role",
    "RoleGroup",
    "Level",
    "ConsentKind",
    "ConsentStatus",
    "IdeaKind",
    "Direction",
    "ActionStatus",
    "LessonKind",
    "Verdict",
    "ROLE_GROUP",
    "role_group",
    "values",
]


_StrEnum = StrEnum


class Phase(_StrEnum):
    """The three CoP meetings (plus ``other`` for extra sessions)."""

    DOMAIN = "domain"
    COMMUNITY = "community"
    PRACTICE = "practice"
    OTHER = "other"


class Role(_StrEnum):
    """Roles of CoP members and respondents."""

    TEACHER = "teacher"
    SPECIAL_NEEDS_TEACHER = "special_needs_teacher"
    TEACHING_ASSISTANT = "teaching_assistant"
    SCHOOL_LEADER = "school_leader"
    SOCIAL_WORKER = "social_worker"
    PSYCHOLOGIST = "psychologist"
    THERAPIST = "therapist"
    SUPPORT_PROFESSIONAL = "support_professional"
    STUDENT = "student"
    PARENT = "parent"
    OTHER = "other"


class RoleGroup(_StrEnum):
    """Coarse role groups used for voice equity and small-cell suppression."""

    PROFESSIONAL = "professional"
    STUDENT = "student"
    FAMILY = "family"
    OTHER = "other"


ROLE_GROUP: dict[str, str] = {
    Role.TEACHER.value: RoleGroup.PROFESSIONAL.value,
    Role.SPECIAL_NEEDS_TEACHER.value: RoleGroup.PROFESSIONAL.value,
    Role.TEACHING_ASSISTANT.value: RoleGroup.PROFESSIONAL.value,
    Role.SCHOOL_LEADER.value: RoleGroup.PROFESSIONAL.value,
    Role.SOCIAL_WORKER.value: RoleGroup.PROFESSIONAL.value,
    Role.PSYCHOLOGIST.value: RoleGroup.PROFESSIONAL.value,
    Role.THERAPIST.value: RoleGroup.PROFESSIONAL.value,
    Role.SUPPORT_PROFESSIONAL.value: RoleGroup.PROFESSIONAL.value,
    Role.STUDENT.value: RoleGroup.STUDENT.value,
    Role.PARENT.value: RoleGroup.FAMILY.value,
    Role.OTHER.value: RoleGroup.OTHER.value,
}


def role_group(role: str) -> str:
    """Return the role group (professional, student, family, other) of a role.

    Unknown roles map to ``"other"``.
    """
    return ROLE_GROUP.get(str(role), RoleGroup.OTHER.value)


class Level(IntEnum):
    """Levels of working together, as rated in the collaboration network (0-3)."""

    NONE = 0
    COOPERATION = 1
    COORDINATION = 2
    COLLABORATION = 3

    @property
    def label(self) -> str:
        return self.name.lower()


class ConsentKind(_StrEnum):
    """``consent`` (adults, parents for their child) or ``assent`` (students themselves)."""

    CONSENT = "consent"
    ASSENT = "assent"


class ConsentStatus(_StrEnum):
    GIVEN = "given"
    PENDING = "pending"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


class IdeaKind(_StrEnum):
    """Kinds of contribution collected at the Domain meeting."""

    CHALLENGE = "challenge"
    PERSPECTIVE = "perspective"
    CONNECTION = "connection"
    APPROACH = "approach"
    INSPIRATION = "inspiration"


class Direction(_StrEnum):
    INCREASE = "increase"
    DECREASE = "decrease"


class ActionStatus(_StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"


class LessonKind(_StrEnum):
    SUCCESS = "success"
    CHALLENGE = "challenge"
    UNEXPECTED_BENEFIT = "unexpected_benefit"
    SIDE_EFFECT = "side_effect"
    INSIGHT = "insight"
    RESOURCE = "resource"


class Verdict(_StrEnum):
    """Participatory evaluation: does a result match a member's experience?"""

    MATCHES = "matches"
    PARTLY = "partly"
    DOES_NOT_MATCH = "does_not_match"


def values(enum: type[Enum]) -> tuple:
    """Allowed values of an enum, in declaration order.

    >>> values(Phase)
    ('domain', 'community', 'practice', 'other')
    """
    return tuple(m.value for m in enum)
