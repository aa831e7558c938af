"""Deterministic demo data: four CoPs of one school year, or thousands for benchmarks.

:func:`demo_tables` builds every table of the store (DESIGN section 3, except
``audit``) as DataFrames that pass :func:`cocope_kit.schema.validate` and
already carry its dtypes; :func:`write_demo` writes them into a store in one
transaction. The same ``seed`` always gives the same tables: nothing depends
on the clock, ids are ``<cop_id>:<kind><n>`` (``be-gent:m3`` is the third
meeting of the Belgian CoP) and dates come from the school year 2025/26
(Domain meeting in October 2025, Community meeting in November 2025, Practice
meeting in late May or June 2026, the demo seen "as of" 30 June 2026).

The four CoPs (:data:`DEMO_COPS`) differ the way real ones do:

``be-gent`` -- Basisschool De Vlindertuin, Gent (BE, nl), *cooperation*
    Members help each other but plan and act separately: high cooperation
    and low collaboration subscale in both waves, pair ratings mostly 1,
    ``wt_fit`` mostly 1, most steps with one owner; goal partly reached
    (55 % -> 72 % of lesson time in class, target 80 %).
``at-graz`` -- Mittelschule Am Mühlgang, Graz (AT, de), *collaboration*
    Plans and acts together with pupils: collaboration subscale rises from
    about 3.3 to about 4.7, pair ratings mostly 3, ``wt_fit`` mostly 3 after
    the cycle, every step shared; a decrease goal met (14 -> 5 incidents a
    month, target 6).
``pt-porto`` -- Escola Básica da Ribeira Nova, Porto (PT, pt), *silent_students*
    Works on student voice, yet its own students hardly speak in meetings
    (about 1 % of contributions) while professionals talk a lot; low
    student-agency scores; goal 20 % -> 41 % (target 50 %).
``sk-kosice`` -- Základná škola Jarná, Košice (SK, sk), *missed_target*
    Misses its target (attendance 78 % -> 81 %, target 88 %); the social
    worker leaves in March; four steps overdue, two dropped; climate and
    coordination fall between the waves.

Privacy filtering has something to do: in ``be-gent`` one student's assent is
``pending``, in ``sk-kosice`` one teacher has ``withdrawn`` consent. Names of
people and schools are invented; any resemblance is coincidental. Texts (ideas,
plans, reflections, interviews) are in English so that everyone in a
multinational project can read them; member names are in the CoP's language.

With ``n_cops`` above 4 the generator switches to *scale mode*: CoPs
``c0001-at``, ``c0002-fr``, ... cycle through the four profiles in countries
drawn from :data:`_SCALE_COUNTRIES`; 2,000 CoPs hold about 700,000 answers.

Examples
--------
>>> from cocope_kit.demo import demo_tables, DEMO_COPS
>>> t = demo_tables()
>>> t["cop"][["cop_id", "country", "language"]]
      cop_id country language
0    be-gent      BE       nl
1    at-graz      AT       de
2   pt-porto      PT       pt
3  sk-kosice      SK       sk
>>> t["meeting"].meeting_id.iloc[2], t["meeting"].phase.iloc[2]
('be-gent:m3', 'practice')
>>> [c["profile"] for c in DEMO_COPS]
['cooperation', 'collaboration', 'silent_students', 'missed_target']
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import StoreError, UsageError
from .instruments import load_instrument
from .model import role_group
from .schema import TABLES, TEXT_DTYPE

__all__ = [
    "demo_tables",
    "write_demo",
    "DEMO_COPS",
    "REPO_DATA",
    "notebook_store_path",
    "open_notebook_store",
]

DEFAULT_TODAY = date(2026, 6, 30)
"""The day the demo is seen "as of" (end of the school year 2025/26)."""

_WAVES = ("pre", "post")
_SURVEYS = ("working_together", "cop_climate", "learning_community")
_CODEBOOK = "cocope-themes"
_CODERS = ("coder_a", "coder_b")
_MISSING_SHARE = 0.03
_SCALE_ANSWERS_PER_COP = 350
"""Scale mode: average answers per CoP (2,000 CoPs -> about 700,000 answers)."""
_SCALE_INTERVIEW_COPS = 300
"""Scale mode: only the first CoPs get interviews and codings (keeps generation fast)."""

# ----------------------------------------------------------------------------- the four CoPs
# Parameters of each profile. Survey means are on the 1-5 agreement scale, as
# (pre, post); level_fit and pair_levels give the probability of each answer
# (wt_fit 1..3 = cooperation/coordination/collaboration; pair level 0..3);
# contributions are mean tallies per meeting by role group; attendance is the
# chance a core member is present. Members are "role" or "role:index" keys.

DEMO_COPS: tuple[dict, ...] = (
    {
        "cop_id": "be-gent",
        "profile": "cooperation",
        "summary": "stays at cooperation: helpful, but each member keeps their own part",
        "name": "Samen in de klas",
        "school": "Basisschool De Vlindertuin",
        "city": "Gent",
        "country": "BE",
        "language": "nl",
        "created_on": "2025-09-29",
        "meetings": ("2025-10-14", "2025-11-18", "2026-06-02"),
        "core": ("teacher", "teacher", "special_needs_teacher", "teaching_assistant",
                 "student", "student", "parent"),
        "extended": ("school_leader", "therapist"),
        "pending_assent": "student:1",
        "withdrawn": None,
        "leaves": {},
        "attendance": 0.9,
        "contributions": {"professional": 6.0, "student": 3.0, "family": 3.0},
        "survey": {
            "cooperation": (4.3, 4.4), "coordination": (3.1, 3.2), "collaboration": (2.2, 2.4),
            "climate": (3.7, 3.8), "student_agency": (3.3, 3.6),
        },
        "level_fit": {"pre": (0.8, 0.15, 0.05), "post": (0.75, 0.2, 0.05)},
        "pair_levels": {"pre": (0.05, 0.8, 0.1, 0.05), "post": (0.03, 0.77, 0.15, 0.05)},
        "goal": {"direction": "increase", "baseline": 55.0, "target": 80.0,
                 "measurements": (("2025-10-14", 55.0), ("2026-01-23", 61.0),
                                  ("2026-03-20", 68.0), ("2026-05-29", 72.0))},
        "verdicts": {"goal_progress": (0.3, 0.6, 0.1), "collaboration_level": (0.7, 0.3, 0.0),
                     "participation": (0.6, 0.4, 0.0)},
    },
    {
        "cop_id": "at-graz",
        "profile": "collaboration",
        "summary": "reaches collaboration: plans and acts together, shares responsibility",
        "name": "Pause für alle",
        "school": "Mittelschule Am Mühlgang",
        "city": "Graz",
        "country": "AT",
        "language": "de",
        "created_on": "2025-10-01",
        "meetings": ("2025-10-21", "2025-11-20", "2026-06-09"),
        "core": ("teacher", "teacher", "teacher", "special_needs_teacher", "school_leader",
                 "social_worker", "student", "parent"),
        "extended": ("psychologist",),
        "pending_assent": None,
        "withdrawn": None,
        "leaves": {},
        "attendance": 0.95,
        "contributions": {"professional": 7.0, "student": 5.0, "family": 5.0},
        "survey": {
            "cooperation": (4.0, 4.3), "coordination": (3.6, 4.0), "collaboration": (3.2, 4.7),
            "climate": (3.8, 4.3), "student_agency": (3.6, 4.4),
        },
        "level_fit": {"pre": (0.2, 0.5, 0.3), "post": (0.03, 0.12, 0.85)},
        "pair_levels": {"pre": (0.0, 0.1, 0.3, 0.6), "post": (0.0, 0.03, 0.12, 0.85)},
        "goal": {"direction": "decrease", "baseline": 14.0, "target": 6.0,
                 "measurements": (("2025-10-31", 14.0), ("2026-01-30", 11.0),
                                  ("2026-03-27", 8.0), ("2026-05-29", 5.0))},
        "verdicts": {"goal_progress": (0.85, 0.15, 0.0), "collaboration_level": (0.8, 0.2, 0.0),
                     "participation": (0.7, 0.3, 0.0)},
    },
    {
        "cop_id": "pt-porto",
        "profile": "silent_students",
        "summary": "works on student voice while its own students hardly speak in meetings",
        "name": "Vozes da turma",
        "school": "Escola Básica da Ribeira Nova",
        "city": "Porto",
        "country": "PT",
        "language": "pt",
        "created_on": "2025-10-06",
        "meetings": ("2025-10-23", "2025-11-25", "2026-05-28"),
        "core": ("teacher", "teacher", "special_needs_teacher", "psychologist",
                 "student", "student", "parent"),
        "extended": ("teaching_assistant",),
        "pending_assent": None,
        "withdrawn": None,
        "leaves": {},
        "attendance": 0.9,
        "contributions": {"professional": 11.0, "student": 0.15, "family": 2.0},
        "survey": {
            "cooperation": (3.9, 4.0), "coordination": (3.7, 3.9), "collaboration": (3.0, 3.3),
            "climate": (3.6, 3.7), "student_agency": (2.4, 2.7),
        },
        "level_fit": {"pre": (0.3, 0.5, 0.2), "post": (0.2, 0.55, 0.25)},
        "pair_levels": {"pre": (0.1, 0.3, 0.45, 0.15), "post": (0.08, 0.27, 0.45, 0.2)},
        "goal": {"direction": "increase", "baseline": 20.0, "target": 50.0,
                 "measurements": (("2025-11-07", 20.0), ("2026-02-27", 33.0),
                                  ("2026-05-22", 41.0))},
        "verdicts": {"goal_progress": (0.5, 0.5, 0.0), "collaboration_level": (0.4, 0.5, 0.1),
                     "participation": (0.2, 0.4, 0.4)},
    },
    {
        "cop_id": "sk-kosice",
        "profile": "missed_target",
        "summary": "misses its target: key person leaves, steps overdue or dropped",
        "name": "Škola pre všetkých",
        "school": "Základná škola Jarná",
        "city": "Košice",
        "country": "SK",
        "language": "sk",
        "created_on": "2025-09-24",
        "meetings": ("2025-10-09", "2025-11-13", "2026-06-04"),
        "core": ("teacher", "teacher", "special_needs_teacher", "teaching_assistant",
                 "student", "parent"),
        "extended": ("social_worker", "school_leader"),
        "pending_assent": None,
        "withdrawn": "teacher:1",
        "leaves": {"social_worker": "2026-03-31"},
        "attendance": 0.8,
        "contributions": {"professional": 5.0, "student": 2.0, "family": 2.5},
        "survey": {
            "cooperation": (3.6, 3.4), "coordination": (3.3, 2.9), "collaboration": (2.8, 2.6),
            "climate": (3.4, 3.1), "student_agency": (3.2, 3.0),
        },
        "level_fit": {"pre": (0.45, 0.4, 0.15), "post": (0.55, 0.35, 0.1)},
        "pair_levels": {"pre": (0.15, 0.5, 0.3, 0.05), "post": (0.2, 0.5, 0.25, 0.05)},
        "goal": {"direction": "increase", "baseline": 78.0, "target": 88.0,
                 "measurements": (("2025-10-31", 78.0), ("2026-01-30", 80.0),
                                  ("2026-03-31", 79.0), ("2026-05-29", 81.0))},
        "verdicts": {"goal_progress": (0.1, 0.4, 0.5), "collaboration_level": (0.3, 0.5, 0.2),
                     "participation": (0.4, 0.5, 0.1)},
    },
)
"""The four demo CoPs and the explicit parameters that make them differ.

Keys: ``cop_id, profile, summary, name, school, city, country, language,
created_on``; ``meetings`` (Domain, Community, Practice dates); ``core`` and
``extended`` (roles of core and extended members); ``pending_assent`` and
``withdrawn`` (member keys like ``"student:1"``: whose assent is pending, who
withdrew consent); ``leaves`` (role -> day they left); ``attendance`` (chance a
core member is at a meeting; extended members 0.5); ``contributions`` (mean
contributions per meeting by role group, times a per-person talkativeness);
``survey`` (latent means on the 1-5 scale, (pre, post), for cooperation,
coordination, collaboration, student_agency and ``climate`` for every other
construct); ``level_fit`` (chances of ``wt_fit`` = 1, 2, 3 per wave);
``pair_levels`` (chances of pair level 0-3 per wave); ``goal`` (direction,
baseline, target, dated measurements); ``verdicts`` (chances of matches,
partly, does_not_match per result key).
"""


# ----------------------------------------------------------------------------- stories
# Text of each CoP. Authors are member keys ("role" or "role:index"); None is
# the group or an anonymous author. Dates are those of the showcase CoP; in
# scale mode they move with the CoP's calendar.

_STORIES: dict[str, dict] = {
    "be-gent": {
        "genders": {"student:0": "m", "special_needs_teacher": "f"},
        "meeting_notes": (
            "Started from the question why pupils leave the class so often.",
            "Action plan drafted; each member took the steps that fit their job.",
            "Results, interviews and reflection; planning for next year.",
        ),
        "ideas": (
            ("challenge", "special_needs_teacher", 4,
             "Pupils with an individual support plan leave the class for up to ten hours a "
             "week for remedial teaching and speech therapy. They miss group work and say "
             "they feel 'different'."),
            ("perspective", "teacher:0", 0,
             "When pupils come back from remedial lessons they have missed the instructions "
             "and I have to repeat everything for them."),
            ("perspective", "student:0", 0,
             "I don't like leaving the class in the middle of a lesson. Everybody looks at you."),
            ("perspective", "parent", 0,
             "At home my son says he is in the 'slow group'. I want him to learn with his "
             "friends."),
            ("perspective", "therapist", 0,
             "Some speech exercises could be done in class if I get a corner and ten minutes."),
            ("perspective", "teaching_assistant", 0,
             "I could support small groups in class instead of taking one child to the "
             "corridor."),
            ("connection", None, 0,
             "Everyone values the extra support; what hurts is the time spent outside the "
             "class."),
            ("connection", None, 0,
             "Materials adapted for one pupil could help other pupils in the class too."),
            ("approach", None, 6, "Co-teach two maths lessons a week with the support teacher."),
            ("approach", None, 4, "Move speech therapy into the class on Tuesday mornings."),
            ("approach", None, 5, "The teaching assistant works with mixed groups in class."),
            ("inspiration", "teacher:1", 2,
             "A neighbouring school showed its 'support in class' timetable at a network day; "
             "their pupils leave the class only for individual therapy."),
        ),
        "goal": {
            "statement": "By 5 June 2026, pupils of grade 5 with an individual support plan "
                         "spend at least 80% of their lesson time in their own class.",
            "indicator": "share of weekly lesson time that pupils with a support plan spend "
                         "in their own class",
            "unit": "% of lesson time",
            "deadline": "2026-06-05",
            "achievable_note": "The support teacher's timetable already has six hours a week "
                               "that can be moved into the class; the speech therapist can "
                               "work in class on two mornings.",
            "relevant_note": "Pupils told us that being taken out of class makes them feel "
                             "'different' - the challenge we started from.",
            "gas": ("below 65% of lesson time in class (little or no change)",
                    "65-79% in class", "80-89% in class (the target)", "90-94% in class",
                    "95% or more in class and support given in class by default"),
            "source": "weekly timetable of the support team",
        },
        "actions": (
            ("Map current pull-out hours",
             "List every hour a pupil with a support plan spends outside the class.",
             "2025-11-19", "2025-12-05", "done", "2025-12-04", (), ("special_needs_teacher",)),
            ("Adapt reading materials for grade 5",
             "Prepare adapted texts so that pupils can read with the class.",
             "2025-12-08", "2026-01-30", "done", "2026-02-06", (1,), ("special_needs_teacher",)),
            ("Plan two co-taught maths lessons per week",
             "Class teacher and support teacher teach maths together on Monday and Thursday.",
             "2026-01-12", "2026-02-13", "done", "2026-02-20", (1,),
             ("teacher:0", "special_needs_teacher")),
            ("Speech therapy in class on Tuesday mornings",
             "The therapist works with a small group in the reading corner.",
             "2026-01-12", "2026-03-27", "done", "2026-03-20", (1,), ("therapist",)),
            ("Teaching assistant supports group work",
             "The assistant joins mixed groups instead of working one-to-one outside.",
             "2026-02-23", "2026-05-29", "done", "2026-05-29", (3,),
             ("teaching_assistant", "teacher:1")),
            ("Shared folder of adapted materials",
             "Collect adapted worksheets in one folder that every teacher can use.",
             "2026-02-09", "2026-03-13", "in_progress", None, (2,), ("special_needs_teacher",)),
            ("Ask pupils how they experience support in class",
             "Short class conversation and drawings by the pupils.",
             "2026-04-13", "2026-05-15", "done", "2026-05-13", (3,), ("teacher:1",)),
        ),
        "reflections": (
            ("domain", 2, "special_needs_teacher",
             "It was the first time a parent and pupils sat at the table when we talked about "
             "support. It changed the tone of the conversation."),
            ("domain", 3, None,
             "We agreed on the goal quickly, maybe too quickly; not everyone said what they "
             "thought."),
            ("domain", 4, "parent",
             "I felt listened to, but the teachers used many abbreviations I did not know."),
            ("community", 4, "teacher:0",
             "Each of us took the steps that fit our own job. That was efficient, but we did "
             "not really plan together."),
            ("community", 1, None, "The pupils were there but the plan was made by the adults."),
            ("community", 5, "teaching_assistant",
             "I would like to plan the group work with the class teacher, not only receive the "
             "worksheets by email."),
            ("practice", 1, "teacher:1",
             "Co-teaching maths worked when we had prepared together; when we had not, I "
             "taught and my colleague helped one child."),
            ("practice", 4, "student:0",
             "I stay in class more now. Group work is better when the support teacher is there "
             "too."),
            ("practice", 6, None,
             "We help each other a lot, but we still work side by side rather than together. "
             "Next year we want a common planning hour."),
        ),
        "lessons": (
            ("insight", "Helping each other is not yet working together",
             "Quick help between colleagues made the plan run, but co-teaching only worked in "
             "weeks with joint preparation.", "co-teaching,collaboration,planning time", None,
             "2026-06-02"),
            ("resource", "Timetable template for support in class",
             "A one-page weekly timetable that shows who supports which group in which lesson.",
             "timetable,co-teaching", "https://example.org/cocope/be-gent/support-timetable",
             "2026-06-02"),
        ),
        "value_story": ("special_needs_teacher",
                        "The group gave me ideas for adapting materials within days.",
                        "A shared folder of adapted materials could serve the whole school.",
                        "Maths is now co-taught twice a week in grade 5.",
                        "Pupils with a support plan spend 72% of lesson time in class, up "
                        "from 55%.",
                        "We used to think support happens outside the class; now we ask "
                        "first whether it can happen inside."),
        "interviewer": "Hanne Verstraete",
        "interviews": (
            ("student:0", "2026-05-11", (
                ("Before, I went to the support room on Monday and Thursday. When I came back "
                 "the others were already doing the group task and I didn't know what to do.",
                 ("student_voice",)),
                ("Now the support teacher comes into our class for maths. She sits with our "
                 "group but she helps everybody, not only me. I like that nobody knows she is "
                 "there for me.", ("student_voice", "unexpected_benefit")),
                ("Sometimes the teachers don't agree on who does what. Then our teacher "
                 "explains it one way and the support teacher another way.",
                 ("communication",)),
                ("I would like to stay in class for reading too. I said that in the meeting "
                 "and they wrote it down.", ("student_voice",)),
            )),
            ("parent", "2026-05-12", (
                ("For me the most important thing was that my son stops feeling he is in the "
                 "'slow group'. This year he talks about his group in class, not about the "
                 "room downstairs.", ("unexpected_benefit",)),
                ("The meetings were friendly and everyone was helpful, but I had the "
                 "impression that each teacher had their own plan and they informed each "
                 "other afterwards.", ("communication", "shared_responsibility")),
                ("I was asked to tell the other parents about the project at the school "
                 "party, which I did. I had no task in the plan itself.",
                 ("shared_responsibility",)),
                ("The time was hard for me: the meetings started at four o'clock, when I am "
                 "still at work.", ("time_constraints",)),
            )),
            ("teacher:0", "2026-05-13", (
                ("We have a good team. If I ask the support teacher for adapted worksheets, I "
                 "get them the next day. That is real help.", ("trust",)),
                ("But planning a lesson together costs time we don't have. There is no common "
                 "free period in the timetable, so we mostly email each other.",
                 ("time_constraints", "workload")),
                ("The co-taught maths lessons were best when we had sat together on Friday. "
                 "In the weeks we didn't, I taught and she supported one group.",
                 ("shared_responsibility",)),
                ("The principal supports the project, but the timetable for next year is "
                 "already fixed. Without common planning time we will stay where we are.",
                 ("leadership_support", "time_constraints")),
            )),
        ),
    },
    "at-graz": {
        "genders": {"student:0": "f", "social_worker": "f"},
        "meeting_notes": (
            "Started from the incident reports about break times.",
            "Plan made together with pupils; most steps have two or three owners.",
            "Results shown back; buddies presented their experience.",
        ),
        "ideas": (
            ("challenge", "social_worker", 5,
             "Break times are where pupils with special needs are left out: most incident "
             "reports (about 14 a month) happen in the yard and involve them."),
            ("perspective", "student", 0,
             "In the break I stay near the door because the big ones take the football pitch."),
            ("perspective", "teacher:0", 0,
             "Two teachers supervise 200 pupils; we only see a conflict when it escalates."),
            ("perspective", "parent", 0,
             "My daughter asks to stay inside during the breaks. That worries me."),
            ("perspective", "special_needs_teacher", 0,
             "Pupils with autism need a quiet place and games with clear rules."),
            ("perspective", "school_leader", 0,
             "I can change the supervision plan if the group proposes something workable."),
            ("connection", None, 0,
             "Break times lack structure and a role for the pupils themselves."),
            ("connection", None, 0,
             "A quiet place would help many more pupils than those with special needs."),
            ("approach", None, 9, "Pupils trained as break-time buddies ('Pausenbuddys')."),
            ("approach", None, 6, "A quiet corner and game boxes in the yard."),
            ("approach", None, 3, "Zones in the yard with a rota for the football pitch."),
            ("inspiration", "teacher:1", 3,
             "Peer mediation in a secondary school presented at the regional teachers' "
             "conference."),
        ),
        "goal": {
            "statement": "By 29 May 2026, break-time incidents involving pupils with special "
                         "educational needs fall from 14 to at most 6 a month.",
            "indicator": "incident reports per month that involve a pupil with special "
                         "educational needs",
            "unit": "incidents per month",
            "deadline": "2026-05-29",
            "achievable_note": "The social worker can train buddies within her hours; the "
                               "parents' association pays for the game boxes.",
            "relevant_note": "Incidents in the yard were the concrete challenge; pupils and "
                             "parents named the breaks as the worst part of the day.",
            "gas": ("12 or more incidents a month (little or no change)", "7-11 incidents",
                    "4-6 incidents (the target)", "2-3 incidents",
                    "0-1 incidents and buddies run the rota themselves"),
            "source": "incident book of the school",
        },
        "actions": (
            ("Observe break times and map conflict hotspots",
             "Three observers, including a pupil, note where and when conflicts start.",
             "2025-11-24", "2025-12-12", "done", "2025-12-11", (),
             ("social_worker", "student", "teacher:0")),
            ("Co-design the buddy role with pupils",
             "Pupils write the buddy rules and choose the green band as a sign.",
             "2026-01-07", "2026-01-30", "done", "2026-01-29", (1,),
             ("student", "teacher:1", "social_worker")),
            ("Train twelve buddies in conflict mediation",
             "Four afternoons with the social worker and the special-needs teacher.",
             "2026-02-02", "2026-02-27", "done", "2026-02-26", (2,),
             ("social_worker", "special_needs_teacher", "teacher:0")),
            ("Set up a quiet corner and game boxes",
             "Parents and staff paint the corner and fill boxes with games.",
             "2026-01-12", "2026-02-20", "done", "2026-02-18", (1,),
             ("parent", "school_leader")),
            ("Inform families at the parents' evening",
             "The buddies and a parent present the idea.",
             "2026-02-02", "2026-02-27", "done", "2026-02-25", (2,),
             ("parent", "student", "school_leader")),
            ("Start the buddy rota at morning and lunch breaks",
             "Two buddies on duty at every break, with a teacher nearby.",
             "2026-03-02", "2026-05-29", "done", "2026-05-29", (3, 4),
             ("teacher:0", "student")),
            ("Monthly check-in with buddies and staff",
             "Buddies and staff look at the incident book together.",
             "2026-03-02", "2026-05-29", "done", "2026-05-27", (3,),
             ("special_needs_teacher", "student", "teacher:2")),
            ("Write a short guide for other schools",
             "Four pages with the buddy rules, the training plan and what we learned.",
             "2026-06-01", "2026-07-10", "in_progress", None, (6, 7),
             ("teacher:1", "student", "social_worker")),
        ),
        "reflections": (
            ("domain", 4, "school_leader",
             "The pupil's view that the big ones own the pitch surprised all of us adults."),
            ("domain", 3, None, "We took time to agree on the goal; everyone said something."),
            ("domain", 2, "parent",
             "I came to complain and found a group that wanted to solve the problem with me."),
            ("community", 4, "teacher:1",
             "We did not divide tasks first; we asked which steps need more than one person."),
            ("community", 1, "student",
             "They asked me what buddies should do. My ideas are in the plan."),
            ("community", 5, None, "A chat group and a ten-minute check-in every Monday."),
            ("practice", 1, "social_worker",
             "We created the buddy role together with the pupils; nobody owned it alone."),
            ("practice", 4, None,
             "Buddies are more confident in class too, and the quiet corner is used by many "
             "pupils."),
            ("practice", 5, "teacher:2",
             "The chat group was sometimes too much; we need quiet hours for messages."),
        ),
        "lessons": (
            ("success", "Pupils as co-designers of break-time rules",
             "Rules written by pupils were accepted faster than any rule we had made before.",
             "student voice,break time,peer mediation", None, "2026-06-09"),
            ("unexpected_benefit", "Buddies grow more confident in class",
             "Several buddies, among them pupils with special needs, now speak up in lessons.",
             "student agency,confidence", None, "2026-06-09"),
        ),
        "value_story": ("social_worker",
                        "Working with pupils as partners was energising for all of us.",
                        "The buddy training can be offered to every class.",
                        "Buddies are on duty at every break; the quiet corner is in use.",
                        "Incidents fell from 14 to 5 a month.",
                        "Break time is now seen as learning time, not only as supervision."),
        "interviewer": "Barbara Kogler",
        "interviews": (
            ("student", "2026-05-18", (
                ("I am a buddy now. We wear a green band in the break, and if someone is alone "
                 "or there is a fight, we go there first.",
                 ("student_voice", "shared_responsibility")),
                ("We wrote the buddy rules ourselves, in the meeting with the teachers and the "
                 "social worker. They changed only two words.", ("student_voice", "trust")),
                ("At first the younger ones didn't take us seriously. Since the principal said "
                 "in the assembly that we are part of the school team, it is better.",
                 ("leadership_support",)),
                ("I talk more in class now too. Before, I never put my hand up in German.",
                 ("unexpected_benefit",)),
            )),
            ("parent", "2026-05-19", (
                ("I came to the first meeting because my daughter had been hit twice in the "
                 "yard. I expected to complain, and in the end I was building game boxes with "
                 "the teachers.", ("trust", "shared_responsibility")),
                ("Nobody said 'that is the school's business'. When the quiet corner needed "
                 "paint, the caretaker, a teacher and two fathers did it on a Saturday.",
                 ("shared_responsibility",)),
                ("We had a chat group for the CoP; that made quick decisions easy, but at "
                 "times there were too many messages.", ("communication", "workload")),
                ("My daughter likes the breaks now. The school hardly ever calls me about "
                 "incidents any more.", ("trust",)),
            )),
            ("teacher:0", "2026-05-20", (
                ("This group was different from a working group. We did not divide tasks "
                 "first; we sat with the pupils and invented the buddy role together.",
                 ("shared_responsibility", "student_voice")),
                ("The social worker and I ran the buddy training together. I learned a lot "
                 "about mediation that I now use in class.", ("unexpected_benefit", "trust")),
                ("It was extra work. The principal gave us one hour a week from the school's "
                 "own budget, which made it possible.", ("workload", "leadership_support")),
                ("Incidents went down from about fourteen to five a month. More important for "
                 "me: pupils with special needs are in the middle of the yard now, not at the "
                 "edge.", ("student_voice",)),
            )),
        ),
    },
    "pt-porto": {
        "genders": {"student:0": "f", "parent": "f"},
        "meeting_notes": (
            "Started from the pupil survey on class decisions.",
            "Plan made; pupils were present but spoke little.",
            "Results shown back; pupils presented the pictogram board.",
        ),
        "ideas": (
            ("challenge", "psychologist", 5,
             "Only one in five pupils of class 6.ºB says they are ever asked for their "
             "opinion on class decisions; pupils with special needs almost never propose "
             "anything."),
            ("perspective", "teacher:0", 0,
             "I ask for opinions, but it is always the same three pupils who answer."),
            ("perspective", "special_needs_teacher", 0,
             "Some pupils cannot write a proposal; they need pictures or a helper."),
            ("perspective", "parent", 0,
             "At home my daughter has many opinions about school. In class she is silent."),
            ("perspective", "teacher:1", 0,
             "The curriculum is full; I am afraid of losing lesson time."),
            ("connection", None, 0,
             "Pupils have opinions but no channel and no means to express them in class."),
            ("approach", None, 7, "A class assembly every two weeks."),
            ("approach", None, 5, "A pictogram board where every pupil can propose a topic."),
            ("approach", None, 4, "Pupil moderators for the assembly."),
            ("inspiration", "psychologist", 2,
             "The municipal children's parliament, where pupils with disabilities took part "
             "with support."),
        ),
        "goal": {
            "statement": "By 12 June 2026, at least 50% of the pupils of 6.ºB say that their "
                         "opinion was asked about class decisions in the last month.",
            "indicator": "share of pupils answering 'yes' to 'Were you asked for your opinion "
                         "about a class decision this month?'",
            "unit": "% of pupils",
            "deadline": "2026-06-12",
            "achievable_note": "The class director can use one tutoring period every two weeks "
                               "for the assembly.",
            "relevant_note": "The challenge was that pupils, above all those with special "
                             "needs, are not heard in class.",
            "gas": ("under 25% of pupils (little or no change)", "25-49%",
                    "50-64% (the target)", "65-79%",
                    "80% or more and pupils run the assembly themselves"),
            "source": "short pupil survey (class 6.ºB)",
        },
        "actions": (
            ("Survey pupils on class decisions",
             "Five-question survey with pictures; baseline for the goal.",
             "2025-11-03", "2025-11-14", "done", "2025-11-07", (),
             ("psychologist", "teacher:0")),
            ("Introduce a class assembly every two weeks",
             "Forty minutes in the tutoring period, with a fixed agenda.",
             "2026-01-05", "2026-01-30", "done", "2026-02-02", (1,),
             ("teacher:0", "teacher:1")),
            ("Pictogram board for proposals",
             "Every pupil can put a card with a picture on the board to propose a topic.",
             "2026-01-05", "2026-02-13", "done", "2026-02-11", (1,),
             ("special_needs_teacher",)),
            ("Train pupil moderators",
             "Two pupils per assembly learn to lead the discussion.",
             "2026-02-16", "2026-03-20", "done", "2026-03-27", (2,),
             ("psychologist", "teacher:0", "student:0")),
            ("Prepare pupils for the CoP meetings",
             "Before each meeting, the pupils prepare one question they want to ask.",
             "2026-02-16", "2026-04-30", "in_progress", None, (2,),
             ("teacher:1", "parent")),
            ("Follow up assembly decisions in the class council",
             "The class council reports back on every decision of the assembly.",
             "2026-03-02", "2026-05-15", "done", "2026-05-13", (2, 3),
             ("teacher:0", "psychologist")),
            ("Repeat the pupil survey",
             "Same survey as in November.",
             "2026-05-18", "2026-05-22", "done", "2026-05-22", (6,), ("psychologist",)),
        ),
        "reflections": (
            ("domain", 4, "special_needs_teacher",
             "The parent's remark that her daughter is silent in class but not at home made "
             "us think."),
            ("domain", 3, None, "The teachers and the psychologist did most of the talking."),
            ("domain", 2, "psychologist",
             "The survey numbers gave us a concrete start that nobody could argue with."),
            ("community", 1, None,
             "The pupils' voice was missing while we planned student voice. We noticed it too "
             "late."),
            ("community", 3, "teacher:1",
             "Lesson time is the biggest risk; we agreed to use the tutoring period."),
            ("community", 4, "teacher:0", "Most steps are with the psychologist and me."),
            ("practice", 3, "student:0", "In class I can say things now. In the meetings not."),
            ("practice", 5, None,
             "The assemblies take time from Portuguese lessons in the weeks of tests."),
            ("practice", 6, "psychologist",
             "Next cycle: pupils prepare the meeting with us and speak first."),
        ),
        "lessons": (
            ("challenge", "Pupils present but silent in our own meetings",
             "We planned student voice in a room where pupils hardly spoke; pupils need "
             "preparation, a friend and the first word.", "student voice,meetings,power", None,
             "2026-05-28"),
            ("resource", "Pictogram board for class proposals",
             "Printable cards and board layout so that every pupil can propose a topic.",
             "student voice,accessibility,pictograms",
             "https://example.org/cocope/pt-porto/pictogram-board", "2026-05-28"),
        ),
        "value_story": ("psychologist",
                        "Teachers saw pupils propose sensible changes to the classroom.",
                        "The assembly format can be used in all classes of the 2nd cycle.",
                        "Assemblies run every two weeks with pupil moderators.",
                        "41% of pupils now say they were asked for their opinion, up from "
                        "20%.",
                        "We learned that giving pupils a voice starts in our own meetings."),
        "interviewer": "Marta Azevedo",
        "interviews": (
            ("student:0", "2026-05-14", (
                ("In the meetings there were many adults. I had things to say but I didn't know "
                 "when I could speak.", ("student_voice", "communication")),
                ("In class it is different now. Every two weeks in the assembly we choose the "
                 "topics, and I put cards with pictures on the board.", ("student_voice",)),
                ("The teachers asked us what we wanted to change in the classroom. We said the "
                 "seats and the homework on Fridays. They changed the seats.",
                 ("student_voice", "trust")),
                ("Next year I would like to go to the meetings with a friend. Alone it is "
                 "difficult.", ("student_voice",)),
            )),
            ("parent", "2026-05-15", (
                ("I liked that the school wanted to listen to the pupils, but in the meetings "
                 "it was mostly the teachers and the psychologist who talked.",
                 ("student_voice", "communication")),
                ("The pictogram board is a good idea. My daughter has difficulty writing, and "
                 "with the pictures she proposed a topic for the first time.",
                 ("unexpected_benefit",)),
                ("The teachers are very busy. The meetings often started late because of other "
                 "meetings before.", ("time_constraints", "workload")),
                ("The principal came to the last meeting and promised that the assemblies will "
                 "continue next year. That was important for us.", ("leadership_support",)),
            )),
            ("teacher:0", "2026-05-15", (
                ("The assembly changed the climate of the class. Pupils who were never heard "
                 "now propose things, and they are often reasonable.", ("student_voice",)),
                ("Honestly, we adults talked too much in our own meetings. We planned student "
                 "voice in a room where the students hardly spoke.",
                 ("student_voice", "communication")),
                ("The assemblies take forty minutes every two weeks, and in test weeks that "
                 "time comes from my Portuguese lessons.", ("workload", "time_constraints")),
                ("The psychologist and I prepared the moderators together, and that worked "
                 "well. We trust each other more now.", ("trust", "shared_responsibility")),
            )),
        ),
    },
    "sk-kosice": {
        "genders": {"student:0": "m", "teaching_assistant": "f", "social_worker": "f"},
        "meeting_notes": (
            "Started from the attendance figures of grades 5 and 6.",
            "Plan made; many steps depend on the social worker and the teaching assistant.",
            "Results discussed; the target was not reached.",
        ),
        "ideas": (
            ("challenge", "special_needs_teacher", 5,
             "Pupils in grades 5-6 from the marginalised Roma community attend on average "
             "78% of school days; every missed week widens the gap."),
            ("perspective", "teaching_assistant", 0,
             "Families value school, but mornings are hard: night shifts, younger siblings, "
             "no alarm clock."),
            ("perspective", "teacher:0", 0,
             "When a pupil comes back after a week away, I don't know where to start."),
            ("perspective", "parent", 0,
             "Letters from school are written in a language I read with difficulty."),
            ("perspective", "student", 0,
             "In winter the bus is often full and then I go home."),
            ("connection", None, 0,
             "Absence has reasons at home and at school; contact with families is the key."),
            ("approach", None, 7, "A morning club with breakfast."),
            ("approach", None, 5, "Daily phone or text contact when a pupil is absent."),
            ("approach", None, 6, "Home visits with the social worker."),
            ("inspiration", "school_leader", 2,
             "A school in eastern Slovakia raised attendance with a breakfast club run by "
             "parents."),
        ),
        "goal": {
            "statement": "By 12 June 2026, the average attendance of pupils in grades 5-6 who "
                         "are supported by the teaching assistant rises from 78% to 88%.",
            "indicator": "average share of school days attended (monthly register)",
            "unit": "% of school days",
            "deadline": "2026-06-12",
            "achievable_note": "The social worker can make two home visits a week; the "
                               "municipality has promised money for breakfast.",
            "relevant_note": "Low attendance was the challenge named by teachers and "
                             "families alike.",
            "gas": ("below 80% (little or no change)", "80-87%", "88-92% (the target)",
                    "93-96%", "97% or more"),
            "source": "school attendance register",
        },
        "actions": (
            ("Analyse attendance records per month",
             "Find out which days and months pupils miss most.",
             "2025-11-17", "2025-12-05", "done", "2025-12-09", (),
             ("special_needs_teacher", "teacher:0")),
            ("Start a morning club with breakfast",
             "Breakfast and games from 7:15; waiting for the municipality's money.",
             "2026-01-07", "2026-02-27", "in_progress", None, (1,),
             ("teaching_assistant", "teacher:1")),
            ("Home visits with the social worker",
             "Dropped when the social worker's contract ended in March.",
             "2026-01-12", "2026-03-31", "dropped", None, (1,),
             ("social_worker", "teaching_assistant")),
            ("Phone or text contact when a pupil is absent",
             "The teaching assistant calls or texts the family before 9:00.",
             "2026-01-12", "2026-02-13", "done", "2026-02-20", (1,), ("teaching_assistant",)),
            ("Parents' café once a month",
             "Informal meeting of parents and staff; not started yet.",
             "2026-02-16", "2026-05-29", "planned", None, (4,), ("parent", "school_leader")),
            ("Reward scheme for better attendance",
             "Dropped after discussion: rewards would single pupils out.",
             "2026-03-02", "2026-04-30", "dropped", None, (2,), ("school_leader", "teacher:0")),
            ("Review attendance data with the class teachers",
             "Monthly look at the register with the class teachers.",
             "2026-03-02", "2026-05-15", "in_progress", None, (2, 4),
             ("teacher:0", "special_needs_teacher")),
            ("Plan next school year with the municipality",
             "Meeting about money for the morning club and a new social worker.",
             "2026-05-18", "2026-06-19", "planned", None, (7,), ("school_leader",)),
        ),
        "reflections": (
            ("domain", 2, "teaching_assistant",
             "Everyone agreed that attendance matters; we did not yet talk about why pupils "
             "stay away."),
            ("domain", 3, None, "The goal came from the school; families said little."),
            ("domain", 4, "parent", "It surprised me that teachers also worry about the bus."),
            ("community", 3, "special_needs_teacher",
             "Half of the plan depends on money and on one person. That is a risk."),
            ("community", 4, None,
             "Most steps are on the teaching assistant; the work is not shared fairly."),
            ("community", 5, "teacher:0", "We will meet after the pedagogical council."),
            ("practice", 2, "teaching_assistant",
             "Communication was by notes in the staff room; many things got lost."),
            ("practice", 5, None,
             "Some families felt the daily calls as control; we should have explained them "
             "first."),
            ("practice", 6, "school_leader",
             "Keep the calls and the data review; secure money and staff before we start."),
        ),
        "lessons": (
            ("side_effect", "Daily calls can feel like control",
             "Some families experienced the absence calls as surveillance until the teaching "
             "assistant explained them in person.", "families,communication,attendance", None,
             "2026-06-04"),
            ("insight", "Do not build a plan on one person",
             "When the social worker left, three steps lost their owner; shared ownership "
             "would have kept them alive.", "planning,risk,shared responsibility", None,
             "2026-06-04"),
        ),
        "value_story": ("teaching_assistant",
                        "Teachers and families talked about attendance together for the first "
                        "time.",
                        "The phone routine could become the school's standard.",
                        "The teaching assistant calls every absent pupil's family before 9:00.",
                        "Attendance rose from 78% to 81%, short of the 88% target.",
                        "We now see attendance as a question of belonging, not of discipline."),
        "interviewer": "Ivana Hudáková",
        "interviews": (
            ("student", "2026-05-20", (
                ("I come to school more when the teaching assistant calls in the morning. "
                 "Sometimes I oversleep because my mother works at night.", ("communication",)),
                ("The morning club started only in April, and only two days a week. When there "
                 "is breakfast, more of us come.", ("time_constraints",)),
                ("The teachers are nicer to us this year. One teacher asked me what would help "
                 "me; nobody asked me that before.", ("student_voice", "trust")),
                ("The reward for attendance was cancelled. Nobody told us why.",
                 ("communication",)),
            )),
            ("parent", "2026-05-21", (
                ("The teaching assistant speaks our language and that helps a lot. I trust her "
                 "more than the letters from school.", ("trust", "communication")),
                ("When my son was absent, I got text messages. At first it felt like control; "
                 "later I understood that they worry about him.", ("communication", "trust")),
                ("The parents' café was announced but it never happened. I would have come.",
                 ("shared_responsibility",)),
                ("The home visits stopped when the social worker left. After that nobody from "
                 "the school came to our street.", ("leadership_support",)),
            )),
            ("teacher:0", "2026-05-22", (
                ("We underestimated how much outside the school affects attendance: "
                 "transport, night shifts, younger siblings to look after.",
                 ("time_constraints",)),
                ("The social worker's contract was not renewed in March. Half of our plan "
                 "depended on her, and nobody could take over.",
                 ("leadership_support", "workload")),
                ("The teaching assistant carried most of the work. Shared responsibility was "
                 "written in the plan, but in practice it was on her shoulders.",
                 ("shared_responsibility", "workload")),
                ("Attendance went up a little, from 78 to 81 percent. It is not what we "
                 "promised, but for some pupils the change is big.", ("unexpected_benefit",)),
            )),
        ),
    },
}

_CODES = (
    ("collaboration", "Working together in the CoP (parent code).", None),
    ("trust", "Members rely on each other and feel safe to speak.", "collaboration"),
    ("shared_responsibility", "Tasks and decisions owned by several people, or the lack of it.",
     "collaboration"),
    ("communication", "How information flows within the CoP and to families.", "collaboration"),
    ("student_voice", "Pupils being heard, proposing and deciding.", None),
    ("conditions", "What helps or hinders the work (parent code).", None),
    ("workload", "Extra work and who carries it.", "conditions"),
    ("time_constraints", "Lack of time, timetables, delays.", "conditions"),
    ("leadership_support", "Support (or its absence) from school leaders and authorities.",
     "conditions"),
    ("unexpected_benefit", "Good effects nobody planned.", None),
)
"""Codebook ``cocope-themes``: (label, description, parent label); coders use the leaves."""

_CONFUSABLE = {
    "trust": "communication", "communication": "trust",
    "shared_responsibility": "leadership_support", "leadership_support": "shared_responsibility",
    "workload": "time_constraints", "time_constraints": "workload",
    "student_voice": "communication", "unexpected_benefit": "trust",
}
"""Where coder B sometimes codes differently from coder A."""

_FEEDBACK_COMMENTS = {
    "goal_progress": {
        "matches": "The numbers fit what I see every day.",
        "partly": "Progress is real, but slower than the chart suggests.",
        "does_not_match": "In my class I see hardly any change.",
    },
    "collaboration_level": {
        "matches": "Yes, this describes how we work together.",
        "partly": "For some steps yes, for others we worked alone.",
        "does_not_match": "I experienced less working together than this.",
    },
    "participation": {
        "matches": "Everyone could take part in the meetings.",
        "partly": "Some voices were stronger than others.",
        "does_not_match": "The pupils and parents hardly had a say.",
    },
}

_ROLE_LABEL = {
    "teacher": "Teacher", "special_needs_teacher": "Special needs teacher",
    "teaching_assistant": "Teaching assistant", "school_leader": "School leader",
    "social_worker": "Social worker", "psychologist": "Psychologist", "therapist": "Therapist",
    "support_professional": "Support professional", "student": "Student", "parent": "Parent",
    "other": "Member",
}

# ----------------------------------------------------------------------------- names
# (female given names, male given names, surnames); a surname may be a
# "male/female" pair for languages with gendered surnames.

_NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "nl": (("Lotte", "Emma", "Fien", "Els", "Griet", "Sofie", "Lien", "Marieke", "Nora", "Ine"),
           ("Pieter", "Jonas", "Wout", "Bram", "Koen", "Stijn", "Lars", "Arne", "Jeroen", "Tom"),
           ("Peeters", "Janssens", "Maes", "Claes", "Wouters", "De Smet", "Vermeulen",
            "Goossens", "Van den Broeck", "Mertens")),
    "de": (("Anna", "Lena", "Sophie", "Katharina", "Theresa", "Magdalena", "Julia", "Verena",
            "Hannah", "Elisabeth"),
           ("Lukas", "Florian", "Jakob", "Maximilian", "Tobias", "Stefan", "Markus", "Paul",
            "Elias", "Simon"),
           ("Gruber", "Huber", "Wagner", "Pichler", "Steiner", "Moser", "Mayer", "Hofer",
            "Leitner", "Berger")),
    "pt": (("Ana", "Beatriz", "Mariana", "Inês", "Carolina", "Joana", "Sofia", "Rita", "Leonor",
            "Catarina"),
           ("João", "Tiago", "Rui", "Miguel", "Duarte", "Tomás", "Pedro", "Nuno", "Afonso",
            "Diogo"),
           ("Silva", "Santos", "Ferreira", "Pereira", "Oliveira", "Costa", "Rodrigues",
            "Martins", "Sousa", "Fernandes")),
    "sk": (("Zuzana", "Katarína", "Lucia", "Martina", "Jana", "Eva", "Simona", "Natália",
            "Mária", "Petra"),
           ("Martin", "Peter", "Tomáš", "Juraj", "Michal", "Marek", "Lukáš", "Ján", "Filip",
            "Adam"),
           ("Horváth/Horváthová", "Kováč/Kováčová", "Varga/Vargová", "Tóth/Tóthová",
            "Nagy/Nagyová", "Baláž/Balážová", "Molnár/Molnárová", "Lukáč/Lukáčová",
            "Oláh/Oláhová", "Szabó/Szabóová")),
    "cs": (("Tereza", "Eliška", "Klára", "Veronika", "Lenka", "Hana", "Barbora", "Kateřina"),
           ("Jakub", "Ondřej", "Vojtěch", "Petr", "Jiří", "David", "Matěj", "Pavel"),
           ("Novák/Nováková", "Dvořák/Dvořáková", "Černý/Černá", "Procházka/Procházková",
            "Kučera/Kučerová", "Veselý/Veselá", "Král/Králová", "Svoboda/Svobodová")),
    "pl": (("Zofia", "Maja", "Agnieszka", "Katarzyna", "Magdalena", "Ewa", "Joanna", "Alicja"),
           ("Jakub", "Piotr", "Krzysztof", "Tomasz", "Paweł", "Michał", "Kacper", "Marcin"),
           ("Nowak/Nowak", "Kowalski/Kowalska", "Wiśniewski/Wiśniewska",
            "Wójcik/Wójcik", "Kamiński/Kamińska", "Lewandowski/Lewandowska",
            "Zieliński/Zielińska", "Szymański/Szymańska")),
    "fr": (("Camille", "Léa", "Manon", "Chloé", "Julie", "Sarah", "Inès", "Claire"),
           ("Lucas", "Hugo", "Thomas", "Nicolas", "Julien", "Antoine", "Louis", "Mathieu"),
           ("Martin", "Bernard", "Dubois", "Lefèvre", "Moreau", "Laurent", "Girard", "Roux")),
    "it": (("Giulia", "Chiara", "Francesca", "Sara", "Martina", "Elena", "Alessia", "Marta"),
           ("Marco", "Luca", "Matteo", "Andrea", "Davide", "Simone", "Paolo", "Giorgio"),
           ("Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Greco")),
    "es": (("Lucía", "María", "Paula", "Carmen", "Laura", "Marta", "Elena", "Noelia"),
           ("Pablo", "Javier", "Alejandro", "Daniel", "Sergio", "Álvaro", "Adrián", "Hugo"),
           ("García", "Fernández", "López", "Martínez", "Sánchez", "Romero", "Navarro",
            "Torres")),
    "sl": (("Nika", "Eva", "Maja", "Špela", "Tjaša", "Ana", "Urška", "Petra"),
           ("Luka", "Jan", "Žiga", "Matej", "Nejc", "Rok", "Anže", "Gregor"),
           ("Novak", "Horvat", "Kovačič", "Krajnc", "Zupančič", "Potočnik", "Kovač", "Mlakar")),
    "en": (("Aoife", "Ciara", "Niamh", "Sarah", "Emma", "Orla", "Siobhán", "Grace"),
           ("Conor", "Seán", "Cian", "Darragh", "Patrick", "Liam", "Eoin", "James"),
           ("Murphy", "Kelly", "O'Sullivan", "Walsh", "Byrne", "Ryan", "O'Brien", "Doyle")),
    "fi": (("Aino", "Emilia", "Sanna", "Laura", "Helmi", "Johanna", "Kaisa", "Sari"),
           ("Mikko", "Juha", "Antti", "Ville", "Eetu", "Onni", "Jussi", "Lauri"),
           ("Korhonen", "Virtanen", "Mäkinen", "Nieminen", "Hämäläinen", "Laine", "Heikkinen",
            "Koskinen")),
}

_SCALE_COUNTRIES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("AT", "de", "Mittelschule", ("Graz", "Linz", "Salzburg", "Villach")),
    ("DE", "de", "Grundschule", ("Leipzig", "Kassel", "Bremen", "Freiburg")),
    ("BE", "nl", "Basisschool", ("Gent", "Leuven", "Brugge", "Hasselt")),
    ("NL", "nl", "Basisschool", ("Utrecht", "Zwolle", "Breda", "Groningen")),
    ("PT", "pt", "Escola Básica", ("Porto", "Braga", "Coimbra", "Évora")),
    ("ES", "es", "Colegio", ("Valencia", "Zaragoza", "Málaga", "Bilbao")),
    ("IT", "it", "Scuola primaria", ("Bologna", "Torino", "Padova", "Bari")),
    ("FR", "fr", "École", ("Lyon", "Nantes", "Lille", "Rennes")),
    ("SK", "sk", "Základná škola", ("Košice", "Žilina", "Nitra", "Prešov")),
    ("CZ", "cs", "Základní škola", ("Brno", "Olomouc", "Plzeň", "Liberec")),
    ("PL", "pl", "Szkoła Podstawowa", ("Kraków", "Gdańsk", "Poznań", "Lublin")),
    ("SI", "sl", "Osnovna šola", ("Maribor", "Celje", "Kranj", "Koper")),
    ("IE", "en", "National School", ("Cork", "Galway", "Limerick", "Sligo")),
    ("FI", "fi", "koulu", ("Tampere", "Turku", "Oulu", "Jyväskylä")),
)
"""Scale mode: (country, language, school word, cities)."""

_SCALE_NAMES = {
    "cooperation": "Together in class",
    "collaboration": "Break time for everyone",
    "silent_students": "Voices of the class",
    "missed_target": "A school for everyone",
}
_SUPPORT_ROLES = ("school_leader", "social_worker", "psychologist", "therapist",
                  "teaching_assistant")

# ----------------------------------------------------------------------------- helpers


def _day(text: str, offset: int = 0) -> np.datetime64:
    return np.datetime64(text, "D") + np.timedelta64(offset, "D")


def _letters(i: int) -> str:
    """0 -> 'A', 25 -> 'Z', 26 -> 'AA'."""
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def _as_date(today) -> date:
    if today is None:
        return DEFAULT_TODAY
    if isinstance(today, datetime):
        return today.date()
    if isinstance(today, date):
        return today
    if isinstance(today, str):
        try:
            return date.fromisoformat(today.strip())
        except ValueError:
            pass
    raise UsageError(f"today must be a date or a 'YYYY-MM-DD' text, got {today!r}")


class _Rows:
    """Column lists of the small tables, filled row by row per CoP."""

    def __init__(self, tables):
        self.cols = {t: {c: [] for c in TABLES[t].column_names} for t in tables}

    def add(self, table: str, **row) -> None:
        for c, values in self.cols[table].items():
            values.append(row.get(c))


def _frame(table: str, data: Mapping[str, object], shift: int) -> pd.DataFrame:
    """A frame with the columns and dtypes :func:`cocope_kit.schema.validate` returns.

    Dates and timestamps move by ``shift`` days (the ``today`` parameter).
    """
    spec = TABLES[table]
    n = len(next(iter(data.values())))
    delta = np.timedelta64(shift, "D")
    out = {}
    for col in spec.columns:
        v = data.get(col.name)
        if v is None:
            v = np.full(n, None, dtype=object)
        t = col.type
        if t in ("text", "json"):
            arr = v if isinstance(v, np.ndarray) and v.dtype == object else np.asarray(v, object)
            s = pd.Series(pd.array(arr, dtype=TEXT_DTYPE))
        elif t == "int":
            s = pd.Series(pd.array(list(v) if not isinstance(v, np.ndarray) else v, dtype="Int64"))
        elif t == "real":
            s = pd.Series(np.asarray([np.nan if x is None else x for x in v], dtype=float)
                          if not isinstance(v, np.ndarray) else v.astype(float))
        elif t == "bool":
            s = pd.Series(pd.array(list(v) if not isinstance(v, np.ndarray) else v,
                                   dtype="boolean"))
        elif t == "date":
            days = np.asarray(v, dtype="datetime64[D]") + delta
            s = pd.Series(days.astype("datetime64[ns]"))
        elif t == "timestamp":
            secs = np.asarray(v, dtype="datetime64[s]") + delta
            s = pd.Series(secs.astype("datetime64[ns]")).dt.tz_localize("UTC")
        else:  # pragma: no cover - schema has no other types
            raise AssertionError(t)
        out[col.name] = s
    return pd.DataFrame(out)


def _pick(rng: np.random.Generator, probs, size: int) -> np.ndarray:
    """Categorical draws 0..k-1 with the given probabilities."""
    cum = np.cumsum(np.asarray(probs, dtype=float))
    return np.minimum(np.searchsorted(cum / cum[-1], rng.random(size), side="right"),
                      len(cum) - 1)


# ----------------------------------------------------------------------------- CoPs and people


def _plan_cops(n_cops: int, rng: np.random.Generator) -> list[dict]:
    """Who and where: one dict per CoP with its profile, calendar offset and roster."""
    cops = []
    if n_cops <= len(DEMO_COPS):
        for p in DEMO_COPS[:n_cops]:
            roster = [(r, True) for r in p["core"]] + [(r, False) for r in p["extended"]]
            cops.append({
                "cop_id": p["cop_id"], "p": p, "name": p["name"],
                "school": f"{p['school']}, {p['city']}", "country": p["country"],
                "language": p["language"], "offset": 0, "roster": roster, "showcase": True,
            })
        return cops
    for i in range(n_cops):
        p = DEMO_COPS[i % len(DEMO_COPS)]
        country, lang, word, cities = _SCALE_COUNTRIES[rng.integers(len(_SCALE_COUNTRIES))]
        city = cities[rng.integers(len(cities))]
        school = f"{city} {word}" if lang == "fi" else f"{word} {city}"
        support = _SUPPORT_ROLES[rng.integers(len(_SUPPORT_ROLES))]
        extra = list(rng.choice(["teacher", "student", "parent"], size=int(rng.integers(0, 3)),
                                replace=False))
        core = ["teacher", "teacher", "special_needs_teacher", support, "student", "parent"]
        core += extra
        order = {"teacher": 0, "special_needs_teacher": 1, "student": 3, "parent": 4}
        core.sort(key=lambda r: order.get(r, 2))
        others = [r for r in _SUPPORT_ROLES if r != support]
        ext = list(rng.choice(others, size=int(rng.integers(0, 3)), replace=False))
        cops.append({
            "cop_id": f"c{i + 1:04d}-{country.lower()}", "p": p,
            "name": f"{_SCALE_NAMES[p['profile']]} ({city})", "school": school,
            "country": country, "language": lang, "offset": int(rng.integers(-7, 8)),
            "roster": [(r, True) for r in core] + [(r, False) for r in ext], "showcase": False,
        })
    return cops


def _names(rng: np.random.Generator, lang: str, roles: list[str],
           genders: Mapping[str, str]) -> list[str]:
    """Invented full names; a parent shares the surname of a student (their child).

    ``genders`` fixes the gender of members the stories speak of as "she" or "my son".
    """
    fem, mal, sur = _NAMES[lang]
    n = len(roles)
    female = rng.random(n) < 0.55
    for key, g in genders.items():
        role, _, idx = key.partition(":")
        at = [i for i, r in enumerate(roles) if r == role]
        if at:
            female[at[int(idx or 0) % len(at)]] = g == "f"
    g_f = rng.permutation(len(fem))
    g_m = rng.permutation(len(mal))
    s_order = rng.permutation(len(sur))
    students = [i for i, r in enumerate(roles) if r == "student"]
    surname_of: dict[int, int] = {}
    k = 0
    for i in range(n):
        if roles[i] == "parent" and students:
            continue
        surname_of[i] = int(s_order[k % len(sur)])
        k += 1
    parents = [i for i, r in enumerate(roles) if r == "parent"]
    for j, i in enumerate(parents):
        if students:
            surname_of[i] = surname_of[students[j % len(students)]]
    out = []
    nf = nm = 0
    for i in range(n):
        if female[i]:
            given = fem[g_f[nf % len(fem)]]
            nf += 1
        else:
            given = mal[g_m[nm % len(mal)]]
            nm += 1
        s = sur[surname_of[i]]
        if "/" in s:
            s = s.split("/")[1 if female[i] else 0]
        out.append(f"{given} {s}")
    return out


def _resolve(c: dict, key: str | None) -> str | None:
    """Member id for a key like ``"teacher:1"`` or ``"parent"`` (falls back to a professional)."""
    if key is None:
        return None
    role, _, idx = key.partition(":")
    i = int(idx) if idx else 0
    ids = c["by_role"].get(role) or c["professionals"]
    return ids[i % len(ids)]


# ----------------------------------------------------------------------------- the generator


def _build(n_cops: int, seed: int, today: date, progress: Callable[[str], None] | None):
    say = progress or (lambda msg: None)
    rng = np.random.default_rng(seed)
    shift = (today - DEFAULT_TODAY).days
    small = _Rows([t for t in TABLES if t not in ("audit", "attendance", "pair_rating",
                                                   "response", "answer")])
    add = small.add

    say(f"planning {n_cops} CoPs")
    cops = _plan_cops(n_cops, rng)

    # --- cop, member, consent, meeting --------------------------------------------------
    m_id, m_cop, m_role, m_core, m_left = [], [], [], [], []
    for ci, c in enumerate(cops):
        p, off, cid = c["p"], c["offset"], c["cop_id"]
        created = _day(p["created_on"], off)
        c["meetings"] = [_day(d, off) for d in p["meetings"]]
        add("cop", cop_id=cid, name=c["name"], school=c["school"], country=c["country"],
            language=c["language"], cycle=1, previous_cop_id=None, created_on=created)
        roles = [r for r, _ in c["roster"]]
        names = _names(rng, c["language"], roles, _STORIES[p["cop_id"]]["genders"])
        seen: dict[str, int] = {}
        c["by_role"], c["role_of"], c["first"], c["core_ids"] = {}, {}, len(m_id), []
        for k, ((role, core), name) in enumerate(zip(c["roster"], names, strict=True)):
            mid = f"{cid}:p{k + 1}"
            letter = _letters(seen.get(role, 0))
            seen[role] = seen.get(role, 0) + 1
            left = _day(p["leaves"][role], off) if role in p["leaves"] else None
            add("member", member_id=mid, cop_id=cid, name=name,
                pseudonym=f"{_ROLE_LABEL[role]} {letter}", role=role, core=core,
                joined_on=created, left_on=left)
            c["by_role"].setdefault(role, []).append(mid)
            c["role_of"][mid] = role
            if core:
                c["core_ids"].append(mid)
            m_id.append(mid)
            m_cop.append(ci)
            m_role.append(role)
            m_core.append(core)
            m_left.append(left)
        c["professionals"] = [m for r, ids in c["by_role"].items() if role_group(r) ==
                              "professional" for m in ids]
        # consent: adults give consent; for students a parent consents and the student assents
        if c["showcase"]:
            pending = _resolve(c, p["pending_assent"]) if p["pending_assent"] else None
            withdrawn = _resolve(c, p["withdrawn"]) if p["withdrawn"] else None
        else:
            students = c["by_role"]["student"]
            adults = [m for r, ids in c["by_role"].items() if r != "student" for m in ids]
            pending = students[0] if rng.random() < 0.04 else None
            withdrawn = adults[int(rng.integers(len(adults)))] if rng.random() < 0.03 else None
        asked = created - np.timedelta64(7, "D")
        for mid, role in zip(m_id[c["first"]:], roles, strict=True):
            if mid == withdrawn:
                add("consent", member_id=mid, kind="consent", status="withdrawn",
                    recorded_on=_day("2026-03-16", off),
                    note="consent withdrawn by e-mail; exclude from analyses")
            else:
                add("consent", member_id=mid, kind="consent", status="given", recorded_on=asked,
                    note="given by a parent" if role == "student" else "signed form")
            if role == "student":
                if mid == pending:
                    add("consent", member_id=mid, kind="assent", status="pending",
                        recorded_on=asked, note="easy-read sheet sent home; no answer yet")
                else:
                    add("consent", member_id=mid, kind="assent", status="given",
                        recorded_on=asked, note="easy-read sheet, oral assent")
        for k, (phase, held) in enumerate(zip(("domain", "community", "practice"),
                                              c["meetings"], strict=True)):
            add("meeting", meeting_id=f"{cid}:m{k + 1}", cop_id=cid, phase=phase, held_on=held,
                note=_STORIES[p["cop_id"]]["meeting_notes"][k])

    m_id = np.asarray(m_id, dtype=object)
    m_cop = np.asarray(m_cop)
    m_role = np.asarray(m_role, dtype=object)
    m_group = np.asarray([role_group(r) for r in m_role], dtype=object)
    m_core = np.asarray(m_core, dtype=bool)
    n_members = len(m_id)
    prof = np.asarray([DEMO_COPS.index(c["p"]) for c in cops])  # profile of each CoP
    cop_ids = np.asarray([c["cop_id"] for c in cops], dtype=object)
    say(f"{n_members} members; building the plans and stories")

    # --- ideas, goal, plan, reflections, lessons, feedback, value stories -----------------
    for c in cops:
        _cop_story(c, rng, add)

    # --- interviews and codings ---------------------------------------------------------
    for label, description, parent in _CODES:
        add("code", code_id=f"{_CODEBOOK}:{label}", codebook=_CODEBOOK, label=label,
            description=description, parent_id=f"{_CODEBOOK}:{parent}" if parent else None)
    limit = len(cops) if n_cops <= len(DEMO_COPS) else min(len(cops), _SCALE_INTERVIEW_COPS)
    for c in cops[:limit]:
        _cop_interviews(c, rng, add)

    big: dict[str, dict] = {}
    # --- attendance (vectorised) --------------------------------------------------------
    say("attendance and contributions")
    a_member = np.repeat(np.arange(n_members), 3)
    a_meeting = np.tile(np.arange(3), n_members)
    held = np.asarray([c["meetings"] for c in cops], dtype="datetime64[D]")[m_cop[a_member],
                                                                           a_meeting]
    left = np.asarray(m_left, dtype="datetime64[D]")[a_member]
    p_core = np.asarray([p["attendance"] for p in DEMO_COPS])[prof[m_cop[a_member]]]
    p_present = np.where(m_core[a_member], p_core, 0.5)
    present = rng.random(len(a_member)) < p_present
    present &= ~(left < held)  # np.datetime64('NaT') compares False
    groups = ("professional", "student", "family")
    lam = np.asarray([[p["contributions"][g] for g in groups] for p in DEMO_COPS])
    g_idx = np.asarray([groups.index(g) if g in groups else 2 for g in m_group])
    talk = rng.gamma(4.0, 0.25, n_members)  # some people talk more than others
    rate = lam[prof[m_cop[a_member]], g_idx[a_member]] * talk[a_member]
    contributions = np.where(present, rng.poisson(rate), 0)
    big["attendance"] = {
        "meeting_id": np.asarray([f"{cop_ids[m_cop[m]]}:m{k + 1}"
                                  for m, k in zip(a_member, a_meeting, strict=True)], object),
        "member_id": m_id[a_member], "present": present, "contributions": contributions,
    }

    # --- pair ratings (vectorised) ------------------------------------------------------
    say("pair ratings")
    big["pair_rating"] = _pair_ratings(rng, cops, cop_ids, prof, m_id, m_cop, m_core, m_left)

    # --- surveys (vectorised) -----------------------------------------------------------
    say("survey responses and answers")
    big["response"], big["answer"] = _surveys(rng, cops, cop_ids, prof, m_id, m_cop, m_role,
                                              m_group, m_left, n_cops)

    tables = {}
    for t in TABLES:
        if t == "audit":
            continue
        data = big.get(t) or small.cols[t]
        tables[t] = _frame(t, data, shift)
    return tables


def _cop_story(c: dict, rng: np.random.Generator, add) -> None:
    """Ideas, goal, measurements, plan, reflections, lessons, feedback, value story of one CoP."""
    p, off, cid = c["p"], c["offset"], c["cop_id"]
    st = _STORIES[p["cop_id"]]
    scale = not c["showcase"]
    when = dict(zip(("domain", "community", "practice"), c["meetings"], strict=True))
    for k, (kind, author, votes, text) in enumerate(st["ideas"]):
        if scale and kind == "approach":
            votes = int(rng.poisson(votes))
        add("idea", idea_id=f"{cid}:i{k + 1}", cop_id=cid, meeting_id=f"{cid}:m1",
            member_id=_resolve(c, author), kind=kind, text=text, votes=votes)

    g, gp = st["goal"], p["goal"]
    gid = f"{cid}:g1"
    base, target = gp["baseline"], gp["target"]
    add("goal", goal_id=gid, cop_id=cid, statement=g["statement"], indicator=g["indicator"],
        unit=g["unit"], direction=gp["direction"], baseline=base, target=target,
        deadline=_day(g["deadline"], off), achievable_note=g["achievable_note"],
        relevant_note=g["relevant_note"], agreed_on=when["domain"], weight=1.0,
        gas_levels=json.dumps(dict(zip(("-2", "-1", "0", "1", "2"), g["gas"], strict=True)),
                              ensure_ascii=False))
    factor = rng.uniform(0.8, 1.2) if scale else 1.0
    for k, (day, value) in enumerate(gp["measurements"]):
        if scale and k:
            value = round(base + (value - base) * factor
                          + rng.normal(0, 0.03 * abs(target - base)), 1)
        add("goal_measurement", measurement_id=f"{cid}:gm{k + 1}", goal_id=gid,
            measured_on=_day(day, off), value=float(value), source=g["source"],
            note="baseline" if k == 0 else None)

    for k, (title, desc, start, due, status, done, deps, owners) in enumerate(st["actions"]):
        aid = f"{cid}:a{k + 1}"
        add("action", action_id=aid, cop_id=cid, goal_id=gid, title=title, description=desc,
            start_on=_day(start, off), due_on=_day(due, off), status=status,
            done_on=_day(done, off) if done else None)
        for j, mid in enumerate(dict.fromkeys(_resolve(c, o) for o in owners)):
            add("action_owner", action_id=aid, member_id=mid, lead=j == 0)
        for d in deps:
            add("action_dependency", action_id=aid, depends_on_id=f"{cid}:a{d}")

    for k, (phase, n, author, text) in enumerate(st["reflections"]):
        add("reflection", reflection_id=f"{cid}:rf{k + 1}", cop_id=cid,
            member_id=_resolve(c, author), phase=phase, prompt_id=f"rp_{phase}_{n}", text=text,
            written_on=when[phase])
    for k, (kind, title, text, tags, link, created) in enumerate(st["lessons"]):
        add("lesson", lesson_id=f"{cid}:l{k + 1}", cop_id=cid, kind=kind, title=title, text=text,
            tags=tags, link=link, created_on=_day(created, off))

    author, *story = st["value_story"]
    add("value_story", story_id=f"{cid}:vs1", cop_id=cid, author_id=_resolve(c, author),
        **dict(zip(("immediate", "potential", "applied", "realized", "reframing"), story,
                   strict=True)), created_on=when["practice"])

    verdicts = ("matches", "partly", "does_not_match")
    keys = list(p["verdicts"])
    if scale and rng.random() < 0.3:
        keys = keys[:2]
    n = 0
    core = c["core_ids"]
    for key in keys:
        chosen = rng.choice(len(core), size=min(4, len(core)), replace=False)
        raters = [core[i] for i in sorted(chosen)] + [None]
        picks = _pick(rng, p["verdicts"][key], len(raters))
        talk = rng.random(len(raters)) < 0.6
        for mid, v, says in zip(raters, picks, talk, strict=True):
            n += 1
            verdict = verdicts[v]
            add("result_feedback", feedback_id=f"{cid}:fb{n}", cop_id=cid, member_id=mid,
                result_key=key, verdict=verdict,
                comment=_FEEDBACK_COMMENTS[key][verdict] if says else None,
                created_on=when["practice"])


_LEAF_CODES = tuple(label for label, _, _ in _CODES if label not in {q for *_, q in _CODES})


def _cop_interviews(c: dict, rng: np.random.Generator, add) -> None:
    """Two coders code every segment; coder B sometimes differs (substitutes, omits, adds)."""
    st = _STORIES[c["p"]["cop_id"]]
    cid, off = c["cop_id"], c["offset"]
    n = 0
    for k, (who, day, paragraphs) in enumerate(st["interviews"]):
        iid = f"{cid}:iv{k + 1}"
        mid = _resolve(c, who)
        add("interview", interview_id=iid, cop_id=cid, respondent_id=mid,
            respondent_role=c["role_of"][mid], conducted_on=_day(day, off),
            interviewer=st["interviewer"], language="en",
            transcript="\n\n".join(text for text, _ in paragraphs))
        for seg, (_, codes) in enumerate(paragraphs, start=1):
            other = []
            for code in codes:
                u = rng.random()
                if u < 0.07:
                    other.append(_CONFUSABLE[code])
                elif u >= 0.12:
                    other.append(code)
            if rng.random() < 0.06:
                other.append(_LEAF_CODES[int(rng.integers(len(_LEAF_CODES)))])
            for coder, applied in zip(_CODERS, (codes, other), strict=True):
                for code in dict.fromkeys(applied):
                    n += 1
                    add("coding", coding_id=f"{cid}:cd{n}", interview_id=iid, segment=seg,
                        code_id=f"{_CODEBOOK}:{code}", coder=coder)


def _rank_within(keys: np.ndarray) -> np.ndarray:
    """1, 2, ... within runs of equal ``keys`` (keys sorted)."""
    if not len(keys):
        return np.zeros(0, dtype=int)
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    sizes = np.diff(np.r_[starts, len(keys)])
    return np.arange(len(keys)) - np.repeat(starts, sizes) + 1


def _ids(prefix: np.ndarray, kind: str, n: np.ndarray) -> np.ndarray:
    return np.asarray([f"{a}:{kind}{b}" for a, b in zip(prefix, n.tolist(), strict=True)],
                      dtype=object)


def _pair_ratings(rng, cops, cop_ids, prof, m_id, m_cop, m_core, m_left) -> dict:
    """Every core member rates every other core member, in each wave (vectorised)."""
    core = np.flatnonzero(m_core)  # members are ordered by CoP
    ccop = m_cop[core]
    starts = np.flatnonzero(np.r_[True, ccop[1:] != ccop[:-1]])
    sizes = np.diff(np.r_[starts, len(core)])
    group = np.repeat(np.arange(len(starts)), sizes)
    pos = np.arange(len(core)) - starts[group]
    n_out = sizes[group] - 1
    rater = np.repeat(np.arange(len(core)), n_out)
    block = np.r_[0, np.cumsum(n_out)[:-1]]
    j = np.arange(len(rater)) - block[rater]
    ratee = starts[group[rater]] + j + (j >= pos[rater])
    post_day = np.asarray([c["meetings"][2] for c in cops], dtype="datetime64[D]")
    left = np.asarray(m_left, dtype="datetime64[D]")
    parts = []
    for w, wave in enumerate(_WAVES):
        probs = np.asarray([p["pair_levels"][wave] for p in DEMO_COPS])
        cum = np.cumsum(probs, axis=1)[prof[ccop[rater]]]
        level = (rng.random(len(rater))[:, None] > cum[:, :-1]).sum(axis=1)
        # one pair per CoP and wave sees their work together very differently (gap of 2)
        a = (rng.random(len(starts)) * sizes).astype(int)
        b = (a + 1 + (rng.random(len(starts)) * (sizes - 1)).astype(int)) % sizes
        hi = rng.integers(2, 4, len(starts))
        level[block[starts + a] + np.where(b < a, b, b - 1)] = hi
        level[block[starts + b] + np.where(a < b, a, a - 1)] = hi - 2
        keep = np.ones(len(rater), dtype=bool)
        if wave == "post":  # people who left before the practice meeting do not rate
            day = post_day[ccop[rater]]
            keep = ~(left[core[rater]] < day) & ~(left[core[ratee]] < day)
        parts.append((np.flatnonzero(keep), np.full(keep.sum(), w), level[keep]))
    rows = np.concatenate([q[0] for q in parts])
    waves = np.concatenate([q[1] for q in parts])
    levels = np.concatenate([q[2] for q in parts])
    order = np.lexsort((rows, waves, ccop[rater[rows]]))
    rows, waves, levels = rows[order], waves[order], levels[order]
    cop_of = ccop[rater[rows]]
    return {
        "rating_id": _ids(cop_ids[cop_of], "pr", _rank_within(cop_of)),
        "cop_id": cop_ids[cop_of],
        "wave": np.asarray(_WAVES, dtype=object)[waves],
        "rater_id": m_id[core[rater[rows]]],
        "ratee_id": m_id[core[ratee[rows]]],
        "level": levels,
    }


_DRIVERS = ("cooperation", "coordination", "collaboration", "climate", "student_agency")
"""Latent means of DEMO_COPS["survey"]; constructs not named here follow ``climate``."""


def _surveys(rng, cops, cop_ids, prof, m_id, m_cop, m_role, m_group, m_left, n_cops):
    """Pre and post questionnaires of every member, answered from a latent level (vectorised).

    An answer is the latent mean of the CoP's profile for the item's construct
    and wave, plus a person effect, an item effect and noise, rounded onto the
    item's scale; reverse-keyed items are mirrored, so a respondent high on the
    construct disagrees with them. About 3 % of answers are missing: half of them
    "don't know" where the scale offers it, the others not answered.
    """
    instruments = [load_instrument(i) for i in _SURVEYS]
    audiences = ("professional", "student", "family", "other")
    g_idx = np.asarray([audiences.index(g) for g in m_group])
    shown = [[[(i, it) for i, it in enumerate(ins.items)
               if ("all" in it.audience or g in it.audience) and ins.scales[it.scale].values]
              for g in audiences] for ins in instruments]
    n_items = np.asarray([[len(x) for x in per] for per in shown])  # instrument x audience

    nm = len(m_id)
    r_m = np.repeat(np.arange(nm), 6)
    r_w = np.tile(np.repeat([0, 1], 3), nm)
    r_k = np.tile([0, 1, 2], 2 * nm)
    meetings = np.asarray([c["meetings"] for c in cops], dtype="datetime64[D]")
    day = meetings[m_cop[r_m], np.where(r_w == 0, 0, 2)]
    left = np.asarray(m_left, dtype="datetime64[D]")
    keep = ~(left[r_m] < day)
    if n_cops > len(DEMO_COPS):
        # realistic non-response (5 % pre, 12 % post, per person and wave) and CoPs that
        # use only some questionnaires: working_together always, the others with a chance
        # q chosen so that the store holds about _SCALE_ANSWERS_PER_COP answers per CoP
        skip = rng.random((nm, 2)) < np.asarray([0.05, 0.12])
        keep &= ~skip[r_m, r_w]
        full = n_items[r_k, g_idx[r_m]] * keep
        base = full[r_k == 0].sum()
        rest = full[r_k != 0].sum()
        q = float(np.clip((_SCALE_ANSWERS_PER_COP * n_cops - base) / max(rest, 1), 0, 1))
        uses = np.c_[np.ones(n_cops, bool), rng.random((n_cops, 2)) < q]
        keep &= uses[m_cop[r_m], r_k]
    r_m, r_w, r_k, day = r_m[keep], r_w[keep], r_k[keep], day[keep]
    order = np.lexsort((r_k, r_m, r_w, m_cop[r_m]))
    r_m, r_w, r_k, day = r_m[order], r_w[order], r_k[order], day[order]
    r_cop = m_cop[r_m]
    resp_ids = _ids(cop_ids[r_cop], "r", _rank_within(r_cop))

    # submitted at the meeting (13:30 UTC + up to 90 min) or online up to 3 days later;
    # a person's questionnaires of one wave follow each other a few minutes apart
    start = rng.uniform(0, 90 * 60, (nm, 2)) + np.where(
        rng.random((nm, 2)) < 0.25, rng.integers(1, 4, (nm, 2)) * 86400, 0)
    secs = (13.5 * 3600 + start[r_m, r_w] + r_k * 420 + rng.uniform(0, 180, len(r_m)))
    submitted = day.astype("datetime64[s]") + secs.astype("int64").astype("timedelta64[s]")
    languages = np.asarray([c["language"] for c in cops], dtype=object)
    response = {
        "response_id": resp_ids,
        "cop_id": cop_ids[r_cop],
        "instrument_id": np.asarray(_SURVEYS, dtype=object)[r_k],
        "instrument_version": np.asarray([i.version for i in instruments], dtype=object)[r_k],
        "respondent_id": m_id[r_m],
        "respondent_role": m_role[r_m],
        "wave": np.asarray(_WAVES, dtype=object)[r_w],
        "language": languages[r_cop],
        "submitted_at": submitted,
    }

    means = np.asarray([[[p["survey"][d][w] for d in _DRIVERS] for w in range(2)]
                        for p in DEMO_COPS])  # profile x wave x driver, 1..5
    fit = np.asarray([[p["level_fit"][w] for w in _WAVES] for p in DEMO_COPS])
    person = rng.normal(0, 0.35, nm)
    r_prof = prof[r_cop]
    r_g = g_idx[r_m]
    pos, items, values, status = [], [], [], []
    for k, ins in enumerate(instruments):
        item_effect = rng.normal(0, 0.15, len(ins.items))
        for a in range(len(audiences)):
            sel = np.flatnonzero((r_k == k) & (r_g == a))
            todo = shown[k][a]
            if not len(sel) or not todo:
                continue
            pp, ww = r_prof[sel], r_w[sel]
            noise = rng.normal(0, 0.65, (len(sel), len(todo)))
            block = np.empty((len(sel), len(todo)))
            for col, (i, it) in enumerate(todo):
                sv = np.asarray(ins.scales[it.scale].values, dtype=float)
                npt = len(sv)
                if it.construct == "level_fit" and npt == fit.shape[2]:
                    cum = np.cumsum(fit[pp, ww], axis=1)
                    idx = (rng.random(len(sel))[:, None] > cum[:, :-1]).sum(axis=1)
                else:
                    d = _DRIVERS.index(it.construct) if it.construct in _DRIVERS else 3
                    y = means[pp, ww, d] + person[r_m[sel]] + item_effect[i] + noise[:, col]
                    idx = np.clip(np.rint((y - 1) / 4 * (npt - 1)), 0, npt - 1).astype(int)
                    if it.reverse:
                        idx = npt - 1 - idx
                block[:, col] = sv[idx]
            miss = rng.random(block.shape) < _MISSING_SHARE
            block[miss] = np.nan
            # a missing answer is "don't know" on every other cell where the scale offers it
            # (no extra random draws: the demo's numbers stay as they were)
            dk = np.asarray([bool(ins.scales[it.scale].dont_know) for _, it in todo])
            checker = (np.add.outer(np.arange(len(sel)), np.arange(len(todo))) % 2) == 0
            st = np.where(miss, np.where(dk[None, :] & checker, "dont_know", "not_answered"),
                          "answered").astype(object)
            status.append(st.ravel())
            ids = np.asarray([it.id for _, it in todo], dtype=object)
            item_pos = np.asarray([i for i, _ in todo])
            pos.append((sel[:, None] * 1000 + item_pos[None, :]).ravel())
            items.append(np.tile(ids, len(sel)))
            values.append(block.ravel())
    pos_all = np.concatenate(pos) if pos else np.zeros(0, int)
    order = np.argsort(pos_all, kind="stable")
    answer = {
        "response_id": resp_ids[pos_all[order] // 1000],
        "item_id": np.concatenate(items)[order] if items else np.zeros(0, object),
        "value": np.concatenate(values)[order] if values else np.zeros(0),
        "text": np.full(len(order), None, dtype=object),
        "status": np.concatenate(status)[order] if status else np.zeros(0, object),
    }
    return response, answer


# ----------------------------------------------------------------------------- public API


def demo_tables(n_cops: int = 4, seed: int = 0, *, today=None) -> dict[str, pd.DataFrame]:
    """Every table of the store (except ``audit``) filled with deterministic demo data.

    Parameters
    ----------
    n_cops : int, default 4
        1 to 4: the first ``n_cops`` CoPs of :data:`DEMO_COPS`. More than 4:
        scale mode; CoPs ``c0001-xx`` ... cycle through the four profiles in
        countries across Europe. About 350 answers per CoP; only the first
        300 CoPs get interviews.
    seed : int, default 0
        Seed of :func:`numpy.random.default_rng`; the same seed gives the
        same tables.
    today : date or str, optional
        The day the demo is seen "as of"; default 2026-06-30, the end of the
        school year 2025/26. Every date moves with it (so overdue steps stay
        overdue when you pass e.g. ``datetime.date.today()``).

    Returns
    -------
    dict of str to pandas.DataFrame
        One frame per table in :data:`cocope_kit.schema.TABLE_ORDER` except
        ``audit``, with the columns and dtypes that
        :func:`cocope_kit.schema.validate` returns.

    Raises
    ------
    UsageError
        If ``n_cops`` is not a positive whole number or ``today`` is not a date.

    Examples
    --------
    >>> from cocope_kit.demo import demo_tables
    >>> t = demo_tables(2)
    >>> sorted(t["member"].cop_id.unique())
    ['at-graz', 'be-gent']
    >>> goal = t["goal"].set_index("cop_id").loc["at-graz"]
    >>> goal.direction, float(goal.baseline), float(goal.target)
    ('decrease', 14.0, 6.0)
    >>> t["response"].groupby(["wave", "instrument_id"]).size().unstack()
    instrument_id  cop_climate  learning_community  working_together
    wave
    post                    18                  18                18
    pre                     18                  18                18
    >>> str(demo_tables(1, today="2027-06-30")["meeting"].held_on.iloc[0].date())
    '2026-10-14'
    """
    if isinstance(n_cops, bool) or not isinstance(n_cops, (int, np.integer)) or n_cops < 1:
        raise UsageError(f"n_cops must be a whole number of at least 1, got {n_cops!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise UsageError(f"seed must be a whole number of at least 0, got {seed!r}")
    return _build(int(n_cops), int(seed), _as_date(today), None)


def write_demo(path_or_store, n_cops: int = 4, seed: int = 0,
               progress: Callable[[str], None] | None = None, *, today=None):
    """Write the demo tables into a store, in one transaction, and return the store.

    Parameters
    ----------
    path_or_store : str, Path or Store
        A store file (created if missing) or an open :class:`~cocope_kit.store.Store`.
    n_cops, seed, today
        As for :func:`demo_tables`.
    progress : callable, optional
        Called with a short message at each stage (useful for large ``n_cops``).

    Returns
    -------
    Store
        The store written to (opened here when a path was given; close it when done).

    Raises
    ------
    StoreError
        If the store already holds CoPs (nothing is written), or the file is not a store.

    Examples
    --------
    >>> import cocope_kit as ck
    >>> from cocope_kit.demo import write_demo
    >>> store = write_demo(ck.open_store(":memory:"))
    >>> store.info()[["cop_id", "core_members", "students", "parents"]]
          cop_id  core_members  students  parents
    0    at-graz             8         1        1
    1    be-gent             7         2        1
    2   pt-porto             7         2        1
    3  sk-kosice             6         1        1
    >>> write_demo(store)
    Traceback (most recent call last):
    ...
    cocope_kit.errors.StoreError: :memory: already holds 4 CoPs; write the demo into an empty store
    """
    from .store import Store, open_store

    say = progress or (lambda msg: None)
    own = not isinstance(path_or_store, Store)
    if own and not isinstance(path_or_store, (str, os.PathLike)):
        raise UsageError(f"write_demo needs a path or a Store, got {type(path_or_store).__name__}")
    store = open_store(path_or_store) if own else path_or_store
    try:
        held = store.count("cop")
        if held:
            raise StoreError(f"{store.path} already holds {held} CoP{'s' if held != 1 else ''}; "
                             "write the demo into an empty store")
        if isinstance(n_cops, bool) or not isinstance(n_cops, (int, np.integer)) or n_cops < 1:
            raise UsageError(f"n_cops must be a whole number of at least 1, got {n_cops!r}")
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
            raise UsageError(f"seed must be a whole number of at least 0, got {seed!r}")
        tables = _build(int(n_cops), int(seed), _as_date(today), say)
        known = set(store.read("code").code_id)
        if known:  # a codebook imported earlier: keep it
            tables["code"] = tables["code"][~tables["code"].code_id.isin(known)]
        total = sum(len(df) for df in tables.values())
        say(f"validating and writing {total:,} rows in one transaction")
        store.write(tables, audit="demo")
        say(f"wrote {n_cops} CoPs ({len(tables['answer']):,} answers) to {store.path}")
    except BaseException:
        if own:
            store.close()
        raise
    return store


REPO_DATA = Path(__file__).resolve().parents[1] / "data"
"""The repository's ``data/`` folder (holds the demo store and the instruments)."""


def notebook_store_path() -> Path:
    """Where the notebooks find their store.

    The environment variable ``COCOPE_STORE`` names the file when set (the
    test suite sets it); otherwise
    :func:`cocope_kit.workspace.default_store_path` decides: the store of a working
    folder made by ``cocope notebooks``, or ``data/demo.sqlite`` in a clone.

    >>> import os
    >>> saved = os.environ.get("COCOPE_STORE")
    >>> os.environ["COCOPE_STORE"] = "/tmp/school.sqlite"
    >>> str(notebook_store_path())
    '/tmp/school.sqlite'
    >>> _ = os.environ.pop("COCOPE_STORE")
    >>> notebook_store_path().name
    'demo.sqlite'
    >>> if saved is not None:
    ...     os.environ["COCOPE_STORE"] = saved
    """
    from .workspace import default_store_path

    env = os.environ.get("COCOPE_STORE", "").strip()
    return Path(env).expanduser() if env else default_store_path()


def open_notebook_store(*, create_demo: bool = True):
    """Open the store of :func:`notebook_store_path`; write the demo into it first if the
    file does not exist yet (and ``create_demo`` is true).

    Returns
    -------
    Store
    """
    from .store import open_store

    path = notebook_store_path()
    if not path.exists():
        if not create_demo:
            raise StoreError(f"store {path} not found; set COCOPE_STORE or run 'make demo'")
        path.parent.mkdir(parents=True, exist_ok=True)
        return write_demo(path)
    return open_store(path)
