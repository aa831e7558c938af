"""Collaboration-network form: one member rates how they work with each other member.

:class:`PairRatingForm` lists every other current core member of the CoP by
pseudonym (never by name) with the four levels of the ``collaboration_network``
instrument (0 none, 1 cooperation, 2 coordination, 3 collaboration), each with
its meaning. Every person must be rated; the ratings are written as
``pair_rating`` rows in one transaction with a submission key.

Members who left the CoP, and members who refused or withdrew consent, are
not listed: nobody is asked about them.

Plain functions: :func:`rating_targets` and :func:`build_pair_ratings`.

Examples
--------
>>> import cocope_kit as ck
>>> from cocope_kit.widgets.network import PairRatingForm
>>> store = ck.open_store(":memory:")
>>> _ = store.write({
...     "cop": [{"cop_id": "be-1", "name": "Reading buddies", "school": "GO! Gent",
...              "country": "BE", "language": "nl", "created_on": "2026-01-12"}],
...     "member": [{"member_id": f"be-1:m{i}", "cop_id": "be-1", "name": f"Person {i}",
...                 "pseudonym": f"P{i}", "role": "teacher"} for i in (1, 2, 3)]})
>>> form = PairRatingForm(store, "be-1", "post", "be-1:m1")
>>> form.ratee_ids
['be-1:m2', 'be-1:m3']
>>> form.set_rating("be-1:m2", 3); form.set_rating("be-1:m3", 1)
>>> form.submit()
>>> store.read("pair_rating")[["ratee_id", "level"]].values.tolist()
[['be-1:m2', 3], ['be-1:m3', 1]]
"""

from __future__ import annotations

import html
import uuid
from collections.abc import Mapping, Sequence
from datetime import date

import ipywidgets as W
import pandas as pd

from ..errors import Problem, UsageError, ValidationError
from ..instruments import load_instrument
from ._base import Form, safe_handler
from .survey import (
    _CSS,
    _cop,
    _enhancer,
    _member,
    _pick,
    choice_widget,
    default_audience,
    new_key,
    normalise_language,
    question_html,
    submit_footer,
    ui_text,
)

__all__ = ["PairRatingForm", "build_pair_ratings", "level_choices", "rating_targets"]

INSTRUMENT_ID = "collaboration_network"
_BLOCKING_CONSENT = ("refused", "withdrawn")


def level_choices(language: str = "en", easy_read: bool = False) -> list[tuple[str, int]]:
    """``(label, level)`` pairs of the collaboration_network scale, labels say what each means.

    ``easy_read=True`` gives the plain labels students see.

    >>> level_choices()[2]
    ('Coordination: we organise our work together, agreeing on roles and timing so that our tasks fit.', 2)
    >>> level_choices("en", easy_read=True)[2]
    ('We plan together who does what and when.', 2)
    """
    inst = load_instrument(INSTRUMENT_ID)
    scale = inst.scales[inst.items[0].scale]
    labels = scale.labels_for(language, easy_read=easy_read)
    return [(label, int(v)) for label, v in zip(labels, scale.values, strict=True)]


def rating_targets(store, cop_id: str, rater_id: str, *, today: date | None = None) -> pd.DataFrame:
    """The members ``rater_id`` is asked about: ``member_id, pseudonym, role``.

    Every core member of the CoP except the rater, leaving out members who left
    before ``today`` and members who refused or withdrew consent. Never
    includes names.
    """
    members = store.read("member", where={"cop_id": cop_id})
    today = pd.Timestamp(today or date.today())
    keep = (members["core"].fillna(True).astype(bool)
            & (members["member_id"] != rater_id)
            & ~(members["left_on"].notna() & (members["left_on"] <= today)))
    out = members.loc[keep, ["member_id", "pseudonym", "role"]]
    if len(out):
        consent = store.read("consent", where={"member_id": out["member_id"].tolist()})
        blocked = set(consent.loc[consent["status"].isin(_BLOCKING_CONSENT), "member_id"])
        out = out[~out["member_id"].isin(blocked)]
    return out.reset_index(drop=True)


def build_pair_ratings(
    ratings: Mapping[str, object],
    *,
    cop_id: str,
    wave: str,
    rater_id: str,
    targets: Sequence[str],
) -> dict[str, pd.DataFrame]:
    """The ``pair_rating`` rows of one submission: ``{"pair_rating": DataFrame}``.

    Parameters
    ----------
    ratings : mapping ratee_id -> level (0-3) or None
    cop_id, wave, rater_id : str
    targets : sequence of str
        The members to be rated (see :func:`rating_targets`); each needs a level.

    Raises
    ------
    UsageError
        A self-rating, a rating of someone not in ``targets``, or a level outside 0-3.
    ValidationError
        A target without a rating; ``problems`` name each one.

    Examples
    --------
    >>> b = build_pair_ratings({"m2": 2, "m3": 0}, cop_id="c", wave="pre", rater_id="m1",
    ...                        targets=["m2", "m3"])
    >>> b["pair_rating"][["rater_id", "ratee_id", "level"]].values.tolist()
    [['m1', 'm2', 2], ['m1', 'm3', 0]]
    >>> build_pair_ratings({"m1": 2}, cop_id="c", wave="pre", rater_id="m1", targets=["m2"])
    Traceback (most recent call last):
    ...
    cocope_kit.errors.UsageError: a member cannot rate themselves ('m1')
    """
    if not isinstance(wave, str) or not wave.strip():
        raise UsageError(f"wave must be a non-empty text such as pre or post, not {wave!r}")
    if rater_id in ratings or rater_id in targets:
        raise UsageError(f"a member cannot rate themselves ({rater_id!r})")
    unknown = [k for k in ratings if k not in targets]
    if unknown:
        raise UsageError(f"ratings of members not in the list: {', '.join(map(str, unknown))}; "
                         f"the list: {', '.join(targets)}")
    for ratee, level in ratings.items():
        if level is not None and (isinstance(level, bool) or level not in (0, 1, 2, 3)):
            raise UsageError(f"level {level!r} for {ratee!r} is not allowed; one of: 0, 1, 2, 3")
    missing = [t for t in targets if ratings.get(t) is None]
    if missing:
        raise ValidationError(
            [Problem("pair_rating", None, "level", None, f"{t!r} needs a rating") for t in missing],
            "the collaboration network ratings",
        )
    rows = [{"rating_id": str(uuid.uuid4()), "cop_id": cop_id, "wave": wave.strip(),
             "rater_id": rater_id, "ratee_id": t, "level": int(ratings[t])} for t in targets]
    return {"pair_rating": pd.DataFrame(rows, columns=["rating_id", "cop_id", "wave", "rater_id",
                                                       "ratee_id", "level"])}


class PairRatingForm(Form):
    """One member rates how they work with every other core member of the CoP.

    Parameters
    ----------
    store : Store
    cop_id : str
    wave : str
    rater_id : str
        The member filling in the form (a member of ``cop_id``).
    language : str
        Two-letter code; English where not translated.
    easy_read : bool, optional
        Easy-read question and level labels; default ``True`` when the rater is a student.
    """

    def __init__(self, store, cop_id: str, wave: str, rater_id: str, language: str = "en",
                 *, easy_read: bool | None = None):
        lang = normalise_language(language)
        if not isinstance(wave, str) or not wave.strip():
            raise UsageError(f"wave must be a non-empty text such as pre or post, not {wave!r}")
        _cop(store, cop_id)
        rater = _member(store, cop_id, rater_id)
        if easy_read is None:
            easy_read = default_audience(str(rater["role"])) == "student"
        self.easy_read = bool(easy_read)
        inst = load_instrument(INSTRUMENT_ID)
        self.cop_id, self.wave, self.rater_id, self.language = cop_id, wave.strip(), rater_id, lang
        self._targets = rating_targets(store, cop_id, rater_id)
        self._token = uuid.uuid4().hex[:8]
        self._done = False
        title = _pick(inst.title, lang)
        super().__init__(store, title)
        self.add_class("cocope-network")
        self.add_class(f"cocope-lang-{lang}")
        self._title.value = (f"{_CSS}<h2 class='cocope-title'>{html.escape(title)}</h2>")
        who = ui_text("participant", lang, name=str(rater["pseudonym"]))
        parts: list = [
            W.HTML(f"<p class='cocope-intro'>{html.escape(ui_text('network_intro', lang))}</p>"
                   f"<p class='cocope-who'>{html.escape(who)}</p>"),
        ]
        item = inst.items[0]
        question = inst.text(item.id, lang, easy_read=self.easy_read)
        shown = item.easy_read if self.easy_read and lang in item.easy_read else item.text
        q_lang = None if lang in shown else "en"
        choices = level_choices(lang, easy_read=self.easy_read)
        self._inputs: dict[str, W.RadioButtons] = {}
        self._rows: dict[str, W.VBox] = {}
        self._names: dict[str, str] = {}
        for n, m in enumerate(self._targets.itertuples(index=False), start=1):
            ref = f"cn-{self._token}-{n}"
            name = str(m.pseudonym)
            text = question_html(ref, None, f"{name}: {question}", text_language=q_lang)
            rb = choice_widget(choices, ref, required=True)
            rb.observe(self._on_change, names="value")
            row = W.VBox([text, rb], layout=W.Layout(width="auto"))
            row.add_class("cocope-item")
            self._inputs[m.member_id], self._rows[m.member_id] = rb, row
            self._names[m.member_id] = name
            parts.append(row)
        self._submit, self._progress, footer = submit_footer(lang, self._on_submit)
        parts.append(footer)
        self._thanks = W.HTML(f"<div class='cocope-thanks'><h2>"
                              f"{html.escape(ui_text('thanks_title', lang))}</h2></div>")
        self._enhance = _enhancer()
        self._key = new_key()
        self._update_progress()
        if self._targets.empty:
            self._done = True
            self._set_body([self._enhance, parts[0]])
            self._status.show("info", ui_text("network_nobody", lang))
        elif self._already_rated():
            self._done = True
            self._set_body([self._enhance, self._thanks])
            self._status.show("ok", ui_text("network_done", lang))
        else:
            self._set_body([self._enhance, *parts])

    # ------------------------------------------------------------ state
    @property
    def ratee_ids(self) -> list[str]:
        """Member ids of the people to rate, in display order."""
        return list(self._inputs)

    @property
    def pseudonyms(self) -> list[str]:
        """How the people to rate are shown."""
        return [self._names[m] for m in self._inputs]

    @property
    def submitted(self) -> bool:
        return self._done

    @property
    def progress(self) -> str:
        n = sum(w.value is not None for w in self._inputs.values())
        return ui_text("progress", self.language, n=n, total=len(self._inputs))

    def ratings(self) -> dict[str, int | None]:
        """Current ratings: ratee id -> level or None."""
        return {m: w.value for m, w in self._inputs.items()}

    def set_rating(self, ratee_id: str, level: int | None) -> None:
        """Choose a level for one person, as a participant would."""
        if ratee_id not in self._inputs:
            raise UsageError(f"{ratee_id!r} is not in this list; the list: "
                             f"{', '.join(self._inputs)}")
        self._inputs[ratee_id].value = level

    def input_widget(self, ratee_id: str) -> W.RadioButtons:
        return self._inputs[ratee_id]

    def submit(self) -> None:
        """Press the submit button."""
        self._submit.click()

    def _already_rated(self) -> bool:
        done = self._store.read("pair_rating", where={"cop_id": self.cop_id, "wave": self.wave,
                                                      "rater_id": self.rater_id})
        return not done.empty

    # ------------------------------------------------------------ handlers
    def _update_progress(self) -> None:
        self._progress.value = (f"<span class='cocope-progress'>"
                                f"{html.escape(self.progress)}</span>")

    def _on_change(self, change) -> None:
        self._update_progress()
        for m, w in self._inputs.items():
            if w is change["owner"] and w.value is not None:
                self._rows[m].remove_class("cocope-missing")

    @safe_handler
    def _on_submit(self, _button=None) -> None:
        if self._done:
            return
        ratings = self.ratings()
        missing = [m for m, v in ratings.items() if v is None]
        for m, row in self._rows.items():
            if m in missing:
                row.add_class("cocope-missing")
            else:
                row.remove_class("cocope-missing")
        if missing:
            self._status.show("error", ui_text("network_missing", self.language),
                              [self._names[m] for m in missing])
            return
        if self._already_rated():  # e.g. the same link open in two tabs
            self._finish("network_done")
            return
        batch = build_pair_ratings(ratings, cop_id=self.cop_id, wave=self.wave,
                                   rater_id=self.rater_id, targets=self.ratee_ids)
        self._store.write(batch, submission_key=self._key)
        self._finish("thanks")

    def _finish(self, message: str) -> None:
        self._done = True
        self._set_body([self._enhance, self._thanks])
        self._status.show("ok", ui_text(message, self.language))
