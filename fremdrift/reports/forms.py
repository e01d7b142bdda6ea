from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fremdrift.accounts.models import Organisation, User
from fremdrift.assessments.models import Follow
from fremdrift.citizens.forms import CodeChoiceField
from fremdrift.citizens.models import CaseShare, Citizen
from fremdrift.codelists.models import Code, CodeList
from fremdrift.codelists.selectors import codes_for
from fremdrift.core.forms import DesignSystemForm
from fremdrift.instruments.models import Instrument, Purpose
from fremdrift.plans.forms import DATE
from fremdrift.programmes.models import Programme
from fremdrift.programmes.selectors import profile_items

from .cohort import (
    AGE_BAND_LABELS,
    ENROLMENTS,
    FOLLOW_GROUPS,
    FOLLOWS,
    PROFILE_GROUPS,
    SHARED,
    Filters,
    most_used_instrument,
    shared_citizens,
)
from .comparison import ENROLMENT_DIMENSIONS
from .scores import HORIZONS
from .surveys import survey_rounds


def profile_option_choices(items) -> list[tuple[str, list[tuple[str, str]]]]:
    """The answers of the participant profile, grouped by item: `<item>:<option>`."""
    return [
        (item.label, [(f"{item.code}:{code}", label) for code, label in item.choice_options()])
        for item in items
    ]


def profile_item_choices(items) -> list[tuple[str, str]]:
    """The items of the participant profile as groups: `profile:<item>`."""
    return [
        (f"{PROFILE_GROUPS}{item.code}", _("Participant profile: %(item)s") % {"item": item.label})
        for item in items
    ]


class CaseworkerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class CohortForm(DesignSystemForm):
    """The filters every report shares. All optional: an empty form is the whole organisation.
    A report that can cover the organisation's own citizens who follow an instrument as well
    as enrolments adds `group` (`GroupForm`)."""

    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=Programme.objects.none(), required=False
    )
    provider = forms.ModelChoiceField(
        label=_("Provider"), queryset=Organisation.objects.none(), required=False
    )
    target_group = CodeChoiceField(
        label=_("Target group"),
        queryset=Code.objects.filter(code_list=CodeList.TARGET_GROUP, parent=None),
        required=False,
    )
    age_band = forms.ChoiceField(
        label=_("Age band"),
        choices=[("", _("All"))] + [(b, b) for b in AGE_BAND_LABELS],
        required=False,
    )
    sex = forms.ChoiceField(
        label=_("Legal sex"), choices=[("", _("All")), *Citizen.Sex.choices], required=False
    )
    caseworker = CaseworkerChoiceField(
        label=_("Responsible caseworker"), queryset=User.objects.none(), required=False
    )
    enrolled_from = forms.DateField(label=_("Started from"), required=False, widget=DATE)
    enrolled_to = forms.DateField(label=_("Started until"), required=False, widget=DATE)
    profile = forms.ChoiceField(
        label=_("Participant profile"),
        required=False,
        help_text=_("Only enrolments whose participant profile has this answer."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # The profile's items, read once for every field that offers them.
        self.profile_items = profile_items()
        self.fields["profile"].choices = [
            ("", _("All")),
            *profile_option_choices(self.profile_items),
        ]
        org = user.organisation_id
        programmes = Programme.objects.filter(
            Q(organisation_id=org) | Q(enrolments__citizen__home_organisation_id=org)
        ).distinct()
        self.fields["programme"].queryset = programmes
        self.fields["provider"].queryset = Organisation.objects.filter(
            programmes__in=programmes
        ).distinct()
        self.fields["caseworker"].queryset = (
            User.objects.filter(caseload__home_organisation_id=org)
            .distinct()
            .order_by("first_name", "last_name", "username")
        )
        # A filter offers retired target groups too, and the organisation's own codes.
        self.fields["target_group"].queryset = codes_for(
            code_list=CodeList.TARGET_GROUP, organisation=org, include_retired=True
        ).filter(parent=None)
        self.fields["caseworker"].empty_label = _("All")
        self.fields["target_group"].empty_label = _("All")
        self.fields["programme"].empty_label = _("All")
        self.fields["provider"].empty_label = _("All")

    def default_data(self) -> dict[str, str]:
        """The filters a report opens with, before any is chosen: the whole organisation,
        the instrument its cohort uses most, and each choice's first or initial value."""
        data = {}
        for name, field in self.fields.items():
            if name == "instrument":
                chosen = most_used_instrument(self.user, field.queryset) or (field.queryset.first())
                if chosen is not None:
                    data[name] = str(chosen.pk)
            elif field.initial is not None:
                data[name] = str(field.initial)
        return data

    @property
    def group_kind(self) -> str:
        """`ENROLMENTS`, or in a `GroupForm` the group chosen."""
        return ENROLMENTS

    def shown_group(self) -> str:
        """Which group the report shows, in words, for the page."""
        if self.group_kind not in FOLLOW_GROUPS:
            return _("The group: enrolments in programmes.")
        instrument = self.cleaned_data.get("instrument")
        if self.group_kind == SHARED:
            if instrument is None:
                return _(
                    "The group: citizens whose case another authority shares with us, who "
                    "follow an instrument."
                )
            return _(
                "The group: citizens whose case another authority shares with us, who follow "
                "%(instrument)s."
            ) % {"instrument": instrument.name}
        if instrument is None:
            return _("The group: the organisation's own citizens who follow an instrument.")
        return _("The group: the organisation's own citizens who follow %(instrument)s.") % {
            "instrument": instrument.name
        }

    def filters(self) -> Filters:
        d = self.cleaned_data
        instrument = d.get("instrument")
        return Filters(
            programmes=(d["programme"].pk,) if d.get("programme") else (),
            provider=d["provider"].pk if d.get("provider") else None,
            target_group=d["target_group"].pk if d.get("target_group") else None,
            age_band=d.get("age_band") or "",
            sex=d.get("sex") or "",
            enrolled_from=d.get("enrolled_from"),
            enrolled_to=d.get("enrolled_to"),
            profile=(tuple(d["profile"].split(":", 1)),) if d.get("profile") else (),
            group=self.group_kind,
            instrument=(
                instrument.pk
                if instrument is not None and self.group_kind in FOLLOW_GROUPS
                else None
            ),
            caseworker=d["caseworker"].pk if d.get("caseworker") else None,
        )


SHARED_CHOICE = (SHARED, _("Citizens whose case another authority shares with us"))


class GroupForm(CohortForm):
    """A report of any kind of group: enrolments in programmes, the organisation's own
    citizens who follow the report's instrument (seed 001: the citizens who stay at the
    jobcentre are scored there too), measured from the follow's start, or, where another
    authority has shared cases with the organisation, the citizens shared with it today who
    follow the instrument (issue 25 §3). The shared group is offered only to an organisation
    that has received a share (active or ended): to the rest it is no choice, and the API,
    which checks its query with this form, refuses it as the page would."""

    group = forms.ChoiceField(
        label=_("Group"),
        choices=[
            (ENROLMENTS, _("Enrolments in programmes")),
            (FOLLOWS, _("The organisation's own citizens who follow the instrument")),
        ],
        initial=ENROLMENTS,
        required=False,
        help_text=_(
            "Citizens who follow the instrument are counted from the day they started "
            "following it, also those in no programme."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if CaseShare.objects.filter(shared_with_id=self.user.organisation_id).exists():
            self.fields["group"].choices = [*self.fields["group"].choices, SHARED_CHOICE]

    @property
    def group_kind(self) -> str:
        data = getattr(self, "cleaned_data", {})
        group = data.get("group")
        return group if group in FOLLOW_GROUPS else ENROLMENTS

    def clean(self):
        cleaned = super().clean()
        group = cleaned.get("group")
        if group not in FOLLOW_GROUPS:
            return cleaned
        for name in ("programme", "provider"):
            if cleaned.get(name):
                self.add_error(
                    name,
                    _(
                        "Citizens who follow an instrument are not chosen by programme or "
                        "provider: choose the group of enrolments, or leave this empty."
                    ),
                )
        instrument = cleaned.get("instrument")
        org = self.user.organisation_id
        if group == SHARED:
            follows = Follow.objects.filter(citizen_id__in=shared_citizens(org))
        else:
            follows = Follow.objects.filter(citizen__home_organisation_id=org)
        if instrument is not None:
            follows = follows.filter(instrument=instrument)
        if not follows.exists():
            self.add_error(
                "instrument" if "instrument" in self.fields else "group",
                self._nobody_follows(group, instrument),
            )
        return cleaned

    @staticmethod
    def _nobody_follows(group: str, instrument) -> str:
        if group == SHARED:
            return (
                _("None of the citizens shared with the organisation follows this instrument.")
                if instrument is not None
                else _("None of the citizens shared with the organisation follows an instrument.")
            )
        return (
            _("None of the organisation's citizens follows this instrument.")
            if instrument is not None
            else _("None of the organisation's citizens follows an instrument.")
        )


class ProgressionForm(GroupForm):
    instrument = forms.ModelChoiceField(
        label=_("Instrument"),
        queryset=Instrument.objects.filter(purpose=Purpose.PROGRESSION),
        empty_label=None,
    )
    horizon = forms.ChoiceField(
        label=_("Follow-up"),
        choices=[
            ("latest", _("The latest assessment")),
            ("3", _("Nearest 3 months")),
            ("6", _("Nearest 6 months")),
            ("12", _("Nearest 12 months")),
        ],
        initial="latest",
        required=False,
    )

    group_by = forms.ChoiceField(
        label=_("Group by"),
        required=False,
        help_text=_("Show the change in each group of an item of the participant profile."),
    )

    field_order = ["group", "instrument", "horizon", "group_by"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "group_by" in self.fields:
            self.fields["group_by"].choices = [
                ("", _("No grouping")),
                *profile_item_choices(self.profile_items),
            ]

    def clean_horizon(self):
        value = self.cleaned_data.get("horizon") or "latest"
        return value if value in HORIZONS else "latest"


class ComparisonForm(ProgressionForm):
    by = forms.ChoiceField(label=_("Compare"), initial="programme")
    group_by = None  # the comparison's groups are `by`

    field_order = ["group", "by", "instrument", "horizon"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["by"].choices = [
            ("programme", _("Programmes")),
            ("provider", _("Providers")),
            ("target_group", _("Target groups")),
            ("caseworker", _("Responsible caseworkers")),
            *profile_item_choices(self.profile_items),
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("group") in FOLLOW_GROUPS and cleaned.get("by") in ENROLMENT_DIMENSIONS:
            self.add_error(
                "by",
                _(
                    "Citizens who follow an instrument have no programme or provider to "
                    "compare: compare target groups, caseworkers or the participant profile."
                ),
            )
        return cleaned


class AgreementForm(GroupForm):
    instrument = forms.ModelChoiceField(
        label=_("Instrument"),
        queryset=Instrument.objects.filter(purpose=Purpose.PROGRESSION),
        empty_label=None,
    )
    pair = forms.ChoiceField(
        label=_("Who is compared"),
        choices=[
            ("caseworker_provider", _("Caseworker and provider")),
            ("citizen_caseworker", _("Citizen and caseworker")),
            ("citizen_provider", _("Citizen and provider")),
        ],
        initial="caseworker_provider",
    )

    field_order = ["group", "pair", "instrument"]


class SurveyForm(CohortForm):
    instrument = forms.ModelChoiceField(
        label=_("Instrument"),
        queryset=Instrument.objects.filter(purpose__in=[Purpose.SATISFACTION, Purpose.FIDELITY]),
        empty_label=None,
    )
    round = forms.TypedChoiceField(
        label=_("Round"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("The survey round the answers were given in (not for a fidelity scale)."),
    )
    answered_from = forms.DateField(label=_("Answered from"), required=False, widget=DATE)
    answered_to = forms.DateField(
        label=_("Answered until"),
        required=False,
        widget=DATE,
        help_text=_(
            "The date of the answer; for a fidelity scale, the assessments whose period "
            "overlaps these dates."
        ),
    )

    field_order = ["instrument", "round", "answered_from", "answered_to"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["round"].choices = [
            ("", _("All")),
            *((n, _("Round %(number)s") % {"number": n}) for n in survey_rounds(user)),
        ]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("answered_from"), cleaned.get("answered_to")
        if start and end and end < start:
            self.add_error("answered_to", _("Answered until: the end cannot be before the start."))
        return cleaned

    def answer_period(self) -> dict:
        """The answer period chosen, as the survey and fidelity reports take it."""
        return {
            "answered_from": self.cleaned_data.get("answered_from"),
            "answered_to": self.cleaned_data.get("answered_to"),
        }


class DatasetForm(GroupForm):
    instrument = forms.ModelChoiceField(
        label=_("Instrument"),
        queryset=Instrument.objects.filter(purpose=Purpose.PROGRESSION),
        empty_label=None,
    )
    shape = forms.ChoiceField(
        label=_("Shape"),
        choices=[
            ("long", _("Long: one row per answer")),
            ("wide", _("Wide: one row per citizen and time point")),
        ],
    )
    file_format = forms.ChoiceField(
        label=_("File"),
        choices=[
            ("xlsx", _("Excel workbook")),
            ("csv_da", _("CSV for a Danish Excel (semicolons, decimal commas)")),
            ("csv", _("CSV for R and Stata (commas, decimal points)")),
        ],
    )
    purpose = forms.CharField(
        label=_("Purpose of the export"),
        min_length=10,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Written to the access log with the export."),
    )

    field_order = ["group", "instrument", "shape", "file_format", "purpose"]


class QualityForm(GroupForm):
    """Data quality of either group; a group of followers covers every instrument followed."""

    group = forms.ChoiceField(
        label=_("Group"),
        choices=[
            (ENROLMENTS, _("Enrolments in programmes")),
            (FOLLOWS, _("The organisation's own citizens who follow an instrument")),
        ],
        initial=ENROLMENTS,
        required=False,
    )
