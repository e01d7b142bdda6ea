"""Reading the assessment form. Its fields depend on the instrument's items, so it is parsed
here rather than declared: `item_<code>` holds the answer (a scale point, 'dont_know' or
'not_relevant'), `comment_<code>` a comment."""

import datetime as dt
import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from fremdrift.core.forms import DesignSystemForm
from fremdrift.instruments.models import Instrument, Item, ScaleType

from .services import AnswerInput

DONT_KNOW = "dont_know"
NOT_RELEVANT = "not_relevant"


class AssessmentHeaderForm(DesignSystemForm):
    date = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    respondent = forms.ChoiceField(label=_("Who answers"))
    creation_token = forms.UUIDField(widget=forms.HiddenInput, required=False)
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    round = forms.IntegerField(
        label=_("Survey round"),
        required=False,
        min_value=1,
        max_value=99,
        help_text=_("For example 1 for the first round of the citizen survey."),
    )

    def __init__(self, *args, respondents: list[tuple[str, str]], rounds: bool = False, **kwargs):
        """`rounds`: a satisfaction survey, answered in rounds; other instruments have none."""
        super().__init__(*args, **kwargs)
        self.fields["respondent"].choices = respondents
        if not rounds:
            del self.fields["round"]


def answers_from_post(post, items: list[Item], *, prefix: str = "item_") -> dict[str, AnswerInput]:
    """The answers posted as `<prefix><code>` (and `comment_<code>` with the default prefix);
    another prefix lets a form carry an instrument's items beside its own fields."""
    answers: dict[str, AnswerInput] = {}
    for key in post:
        if key.startswith(prefix) or (prefix == "item_" and key.startswith("comment_")):
            code = key.removeprefix(prefix if key.startswith(prefix) else "comment_")
            answers.setdefault(code, AnswerInput())
    known = {item.code: item for item in items}
    for code, answer in answers.items():
        raw = post.get(f"{prefix}{code}", "")
        answer.comment = post.get(f"comment_{code}", "")[:6000]
        item = known.get(code)
        if item is not None and item.is_nominal:
            chosen = [value for value in post.getlist(f"{prefix}{code}") if value][:100]
            answer.dont_know = DONT_KNOW in chosen
            answer.not_relevant = NOT_RELEVANT in chosen
            answer.codes = [value for value in chosen if value not in (DONT_KNOW, NOT_RELEVANT)]
        elif raw == DONT_KNOW:
            answer.dont_know = True
        elif raw == NOT_RELEVANT:
            answer.not_relevant = True
        elif item is not None and item.scale_type == ScaleType.TEXT:
            answer.text = raw
        else:
            answer.value = raw
    return answers


def initial_answers(assessment) -> dict[str, dict]:
    """The saved answers as the form shows them."""
    shown = {}
    for answer in assessment.answers.select_related("item"):
        if answer.dont_know:
            raw = DONT_KNOW
        elif answer.not_relevant:
            raw = NOT_RELEVANT
        elif answer.item.scale_type == ScaleType.TEXT:
            raw = answer.text
        elif answer.codes:
            raw = answer.codes[0]
        elif answer.value is not None and answer.value == int(answer.value):
            raw = str(int(answer.value))
        else:
            raw = "" if answer.value is None else str(answer.value)
        shown[answer.item.code] = {"raw": raw, "codes": answer.codes, "comment": answer.comment}
    return shown


def posted_answers(post, *, prefix: str = "item_") -> dict[str, dict]:
    return {
        key.removeprefix(prefix): {
            "raw": post.get(key, ""),
            "codes": post.getlist(key),
            "comment": post.get("comment_" + key.removeprefix(prefix), ""),
        }
        for key in post
        if key.startswith(prefix)
    }


def new_header_initial(respondent: str) -> dict:
    return {"date": dt.date.today(), "respondent": respondent, "creation_token": uuid.uuid4()}


class FollowChoiceForm(DesignSystemForm):
    """ "Følg instrument" on the form that registers a citizen: the organisation's default
    instrument and cadence, preselected; no instrument, no follow."""

    follow_instrument = forms.ModelChoiceField(
        label=_("Follow instrument"),
        queryset=Instrument.objects.none(),
        required=False,
        empty_label=_("None"),
        help_text=_("The citizen is due for a first assessment today, then at the cadence."),
    )
    follow_every_days = forms.IntegerField(
        label=_("Every (days)"),
        required=False,
        min_value=1,
        max_value=3650,
        error_messages={"min_value": _("Every (days): write a whole number of days, at least 1.")},
        widget=forms.NumberInput(attrs={"class": "input-width-xs"}),
    )

    def __init__(self, *args, instruments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["follow_instrument"].queryset = instruments

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("follow_instrument")
            and cleaned.get("follow_every_days") is None
            and "follow_every_days" not in self.errors
        ):
            self.add_error(
                "follow_every_days",
                _("Every (days): write a whole number of days, at least 1."),
            )
        return cleaned
