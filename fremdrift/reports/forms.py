from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fremdrift.accounts.models import Organisation
from fremdrift.citizens.forms import CodeChoiceField
from fremdrift.citizens.models import Citizen
from fremdrift.codelists.models import Code, CodeList
from fremdrift.core.forms import DesignSystemForm
from fremdrift.instruments.models import Instrument, Purpose
from fremdrift.plans.forms import DATE
from fremdrift.programmes.models import Programme
from fremdrift.programmes.selectors import profile_items

from .cohort import AGE_BAND_LABELS, PROFILE_GROUPS, Filters, most_used_instrument
from .scores import HORIZONS


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


class CohortForm(DesignSystemForm):
    """The filters every report shares. All optional: an empty form is the whole organisation."""

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
    enrolled_from = forms.DateField(label=_("Enrolled from"), required=False, widget=DATE)
    enrolled_to = forms.DateField(label=_("Enrolled until"), required=False, widget=DATE)
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

    def filters(self) -> Filters:
        d = self.cleaned_data
        return Filters(
            programmes=(d["programme"].pk,) if d.get("programme") else (),
            provider=d["provider"].pk if d.get("provider") else None,
            target_group=d["target_group"].pk if d.get("target_group") else None,
            age_band=d.get("age_band") or "",
            sex=d.get("sex") or "",
            enrolled_from=d.get("enrolled_from"),
            enrolled_to=d.get("enrolled_to"),
            profile=(tuple(d["profile"].split(":", 1)),) if d.get("profile") else (),
        )


class ProgressionForm(CohortForm):
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

    field_order = ["instrument", "horizon", "group_by"]

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

    field_order = ["by", "instrument", "horizon"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["by"].choices = [
            ("programme", _("Programmes")),
            ("provider", _("Providers")),
            ("target_group", _("Target groups")),
            *profile_item_choices(self.profile_items),
        ]


class AgreementForm(CohortForm):
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

    field_order = ["pair", "instrument"]


class SurveyForm(CohortForm):
    instrument = forms.ModelChoiceField(
        label=_("Instrument"),
        queryset=Instrument.objects.filter(purpose__in=[Purpose.SATISFACTION, Purpose.FIDELITY]),
        empty_label=None,
    )

    field_order = ["instrument"]


class DatasetForm(CohortForm):
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

    field_order = ["instrument", "shape", "file_format", "purpose"]
