"""ipywidgets forms bound to the store: every submit or change is stored at once.

The forms load lazily, so ``import cocope_kit.widgets`` stays cheap until a
form is used.

========================  =====================  ==================================
form                      module                 meeting
========================  =====================  ==================================
CopSetup                  setup                  before meeting 1
AttendanceTaker           setup                  every meeting
IdeaBoard                 domain                 1 Domain
GoalBuilder               domain                 1 Domain
ActionPlanEditor          community              2 Community
SurveyForm                survey                 3 Practice (participants)
PairRatingForm            network                3 Practice (participants)
InvitationDesk            invitations            3 Practice (cards for the forms)
SurveyImporter            importer               researchers (survey-platform exports)
CodingPanel               coding                 3 Practice (researchers)
ReflectionJournal         practice               any meeting
LessonLog                 practice               3 Practice
ValueStoryForm            practice               3 Practice
GoalMeasurementEntry      practice               2-3
ActionStatusUpdate        practice               2-3
========================  =====================  ==================================
"""

from __future__ import annotations

from importlib import import_module

__all__ = [
    "ActionPlanEditor",
    "ActionStatusUpdate",
    "AttendanceTaker",
    "CodingPanel",
    "CopSetup",
    "GoalBuilder",
    "GoalMeasurementEntry",
    "IdeaBoard",
    "InvitationDesk",
    "LessonLog",
    "PairRatingForm",
    "ReflectionJournal",
    "SurveyForm",
    "SurveyImporter",
    "ValueStoryForm",
]

_WHERE = {
    "SurveyImporter": "importer",
    "CopSetup": "setup",
    "AttendanceTaker": "setup",
    "IdeaBoard": "domain",
    "GoalBuilder": "domain",
    "ActionPlanEditor": "community",
    "SurveyForm": "survey",
    "PairRatingForm": "network",
    "InvitationDesk": "invitations",
    "CodingPanel": "coding",
    "ReflectionJournal": "practice",
    "LessonLog": "practice",
    "ValueStoryForm": "practice",
    "GoalMeasurementEntry": "practice",
    "ActionStatusUpdate": "practice",
}


def __getattr__(name: str):
    if name in _WHERE:
        value = getattr(import_module(f".{_WHERE[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'cocope_kit.widgets' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
