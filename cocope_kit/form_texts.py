"""The texts of the participant forms and the invitation cards, through the gettext catalogs.

Everything a participant reads on a form page, an error page, the thank-you page
or a printed card besides the instrument itself (whose wording lives in
``data/instruments/*.yaml``) is kept here once, in English, marked with
:func:`~cocope_kit.i18n.N_`, and translated with the catalogs of
:mod:`cocope_kit.i18n` (en, de, nl, pt, sk). The wording is kept neutral (no
du/Sie, tu/você) so that it suits children, parents and teachers alike.

A language the kit has no texts for (``fi``) gets the English text.

Examples
--------
>>> form_text("progress", "de", n=3, total=13)
'3 von 13 beantwortet'
>>> form_text("invalid_title", "nl")
'Deze link kan niet worden geopend'
>>> form_text("submit", "fi")
'Submit my answers'
>>> role_text("special_needs_teacher", "nl")
'Zorgleerkracht'
"""

from __future__ import annotations

from .i18n import N_, reader_language, translator

__all__ = ["FORM_TEXTS", "ROLE_TEXTS", "form_text", "role_text"]

#: Texts of the form pages and cards by key (English; the catalogs hold the translations).
FORM_TEXTS: dict[str, str] = {
    # the form page
    "intro": N_("Please answer every question unless it says (optional). "
                "There are no right or wrong answers."),
    "optional": N_("(optional)"),
    "dont_know": N_("Don't know"),
    "progress": N_("{n} of {total} answered"),
    "submit": N_("Submit my answers"),
    "need": N_("Please choose an answer."),
    "missing": N_("These questions still need an answer. Nothing has been saved yet."),
    "role": N_("I take part as"),
    "role_none": N_("(I prefer not to say)"),
    "participant": N_("Participant: {name}"),
    "again": N_("Start again for the next person"),
    "network_intro": N_("For each person in our CoP, choose the description that fits how you "
                        "work together. Every person needs an answer."),
    "network_missing": N_("Please choose an answer for these people. "
                          "Nothing has been saved yet."),
    "network_done": N_("Your answers for this round are already saved."),
    "network_nobody": N_("There is nobody else in this CoP to answer about."),
    # the pages after a submit, and for a link that opens nothing
    "thanks_title": N_("Thank you!"),
    "thanks": N_("Your answers have been saved. You can close this page now."),
    "used_title": N_("Already answered. Thank you!"),
    "used_text": N_("The answers for this card are saved already. Nothing more was saved. "
                    "You can close this page now."),
    "invalid_title": N_("This link cannot be opened"),
    "invalid_text": N_("The link may be mistyped, too old or replaced by a new card. Please ask "
                       "the person who gave you the card for a new one."),
    "error_title": N_("Something went wrong"),
    "error_text": N_("Nothing was saved. Please try again, or tell the person who gave you "
                     "the card."),
    # the printed cards
    "cards_title": N_("Invitation cards"),
    "cards_help": N_("Print on A4 at 100 % (no scaling) and cut along the dashed lines. Each "
                     "link opens its form once. Keep this file private: the links are the keys "
                     "to the forms."),
    "scan": N_("Scan the code with a phone camera, or type the link below."),
    "once": N_("This card is for one person and works once. Valid until {date}."),
    "for": N_("For: {name}"),
    "card": N_("Card {n}"),
    "qr": N_("QR code of the link"),
}

#: Labels of the roles (:class:`cocope_kit.model.Role`) as a participant chooses them.
ROLE_TEXTS: dict[str, str] = {
    "teacher": N_("Teacher"),
    "special_needs_teacher": N_("Special needs teacher"),
    "teaching_assistant": N_("Teaching assistant"),
    "school_leader": N_("School leader"),
    "social_worker": N_("Social worker"),
    "psychologist": N_("Psychologist"),
    "therapist": N_("Therapist"),
    "support_professional": N_("Other support professional"),
    "student": N_("Student"),
    "parent": N_("Parent or family member"),
    "other": N_("Other"),
}


def form_text(key: str, language: str | None = "en", **fmt) -> str:
    """A text of the form pages or cards in ``language`` (English for other languages).

    Parameters
    ----------
    key : str
        A key of :data:`FORM_TEXTS`.
    language : str
        Two-letter code; ``de-AT`` counts as ``de``.
    **fmt
        Values of the text's ``{placeholders}``.

    Examples
    --------
    >>> form_text("for", "de", name="Teacher A")
    'Für: Teacher A'
    """
    return translator(reader_language(language)).gettext(FORM_TEXTS[key]).format(**fmt)


def role_text(role: str, language: str | None = "en") -> str:
    """The label of a role in ``language``; an unknown role is shown as written.

    >>> role_text("parent", "pt"), role_text("coach", "de")
    ('Pai, mãe ou familiar', 'coach')
    """
    if role not in ROLE_TEXTS:
        return role
    return translator(reader_language(language)).gettext(ROLE_TEXTS[role])
