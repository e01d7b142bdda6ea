import datetime as dt

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fremdrift.citizens.forms import CodeChoiceField
from fremdrift.codelists.company import COMPANY_ORIENTED_TYPES
from fremdrift.codelists.models import Code, CodeList
from fremdrift.codelists.selectors import codes_for
from fremdrift.companies.models import Company, CompanyContact, Vacancy
from fremdrift.companies.selectors import active_companies, mentor_contacts, open_vacancies
from fremdrift.core.forms import DesignSystemForm

from .models import Activity, Goal, GoalEvent, Meeting, StatutoryPlan, Supporter
from .selectors import activity_sector_of, activity_type_fits, activity_types, plan_helpers

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
GAS_LABELS = {
    "-2": _("-2: much less than expected"),
    "-1": _("-1: less than expected"),
    "0": _("0: the expected outcome"),
    "1": _("+1: more than expected"),
    "2": _("+2: much more than expected"),
}


def codes(code_list: str, **filters):
    return Code.objects.filter(code_list=code_list, is_active=True, **filters)


def offer_codes(form, organisation, **fields: str) -> None:
    """Offers in each code field the codes its list has for `organisation` (the recording
    user's): the defaults and the organisation's own, retired ones left out."""
    for name, code_list in fields.items():
        field = form.fields[name]
        offered = codes_for(code_list=code_list, organisation=organisation)
        if code_list == CodeList.ACTIVITY_TYPE:
            offered = offered.exclude(parent=None).select_related("parent")
        field.queryset = offered


class PlanForm(DesignSystemForm):
    own_effort = forms.CharField(
        label=_("The citizen's own effort"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    citizen_comments = forms.CharField(
        label=_("The citizen's comments"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    made_on = forms.DateField(
        label=_("The plan was made on"),
        required=False,
        widget=DATE,
        help_text=_("Where the plan was made before its first goal; otherwise leave it empty."),
    )
    next_review = forms.DateField(
        label=_("Next review of the plan"),
        required=False,
        widget=DATE,
        help_text=_("When the plan is to be followed up with the citizen next."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


SUB_GOAL_ALONE = "alone"


class GoalForm(DesignSystemForm):
    parent = forms.ChoiceField(label=_("The kind of goal"), required=False)
    text = forms.CharField(
        label=_("The goal in the citizen's words"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    category = CodeChoiceField(
        label=_("Category"), queryset=codes(CodeList.END_GOAL_CATEGORY), required=False
    )
    supported_by = forms.ChoiceField(
        label=_("Who supports it"), required=False, choices=[("", "—"), *Supporter.choices]
    )
    target_date = forms.DateField(label=_("By when"), required=False, widget=DATE)
    gas_minus2 = forms.CharField(label=GAS_LABELS["-2"], required=False, max_length=300)
    gas_minus1 = forms.CharField(label=GAS_LABELS["-1"], required=False, max_length=300)
    gas_0 = forms.CharField(label=GAS_LABELS["0"], required=False, max_length=300)
    gas_plus1 = forms.CharField(label=GAS_LABELS["1"], required=False, max_length=300)
    gas_plus2 = forms.CharField(label=GAS_LABELS["2"], required=False, max_length=300)
    gas_baseline = forms.TypedChoiceField(
        label=_("Where the citizen stands now"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—"), *[(int(k), v) for k, v in GAS_LABELS.items()]],
    )

    def __init__(self, *args, plan, codes_from, **kwargs):
        super().__init__(*args, **kwargs)
        offer_codes(self, codes_from, category=CodeList.END_GOAL_CATEGORY)
        self.end_goals = {
            str(goal.pk): goal
            for goal in Goal.objects.filter(plan_id=plan.pk, is_end_goal=True).order_by("pk")
        }
        self.fields["parent"].choices = [
            ("", _("An end goal")),
            (SUB_GOAL_ALONE, _("A sub-goal without an end goal (yet)")),
            (
                _("A sub-goal under the end goal"),
                [(pk, goal.text[:80]) for pk, goal in self.end_goals.items()],
            ),
        ]

    def clean_parent(self) -> Goal | None:
        """The end goal a sub-goal hangs under; `is_end_goal` says whether it is one."""
        value = self.cleaned_data["parent"]
        self.is_end_goal = value == ""
        return self.end_goals.get(value)

    def gas_levels(self) -> dict:
        data = self.cleaned_data
        return {
            "-2": data["gas_minus2"],
            "-1": data["gas_minus1"],
            "0": data["gas_0"],
            "1": data["gas_plus1"],
            "2": data["gas_plus2"],
        }


class GoalChangeForm(DesignSystemForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    meeting = forms.ModelChoiceField(
        label=_("Changed in the meeting"), queryset=None, required=False
    )
    text = forms.CharField(
        label=_("The goal in the citizen's words"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    status = forms.ChoiceField(label=_("Status"), choices=Goal.Status.choices)
    target_date = forms.DateField(label=_("By when"), required=False, widget=DATE)
    gas_level = forms.TypedChoiceField(
        label=_("Level reached (Goal Attainment Scaling)"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—"), *[(int(k), v) for k, v in GAS_LABELS.items()]],
    )
    reason = forms.ChoiceField(
        label=_("Reason for the change"),
        choices=[
            ("", "—"),
            *[(v, label) for v, label in GoalEvent.Reason.choices if v != "created"],
        ],
    )
    note = forms.CharField(
        label=_("Explanation"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        recent = dt.date.today() - dt.timedelta(days=180)
        self.fields["meeting"].queryset = (
            Meeting.objects.filter(plan_id=plan.pk, date__gte=recent)
            .select_related("kind")
            .order_by("-date", "-id")
        )
        self.fields["meeting"].label_from_instance = lambda m: f"{m.date:%d.%m.%Y} · {m.kind.label}"


class ActivityForm(DesignSystemForm):
    # Optional: a type names its sector (`clean`); choosing a sector first narrows the types.
    sector = CodeChoiceField(
        label=_("Sector"), queryset=codes(CodeList.ACTIVITY_SECTOR), required=False
    )
    kind = CodeChoiceField(
        label=_("Type"), queryset=codes(CodeList.ACTIVITY_TYPE).exclude(parent=None)
    )
    purpose = forms.CharField(
        label=_("Purpose"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    goals = forms.ModelMultipleChoiceField(
        label=_("Goals it serves"),
        queryset=Goal.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    delivered_by = forms.CharField(label=_("Delivered by"), max_length=200, required=False)
    start_date = forms.DateField(label=_("Start date"), widget=DATE)
    end_date = forms.DateField(label=_("End date"), required=False, widget=DATE)
    weekly_hours = forms.CharField(
        label=_("Hours per week at start"), required=False, max_length=10
    )
    company = forms.ModelChoiceField(
        label=_("Company"),
        queryset=Company.objects.none(),
        required=False,
        help_text=_("For an internship, a wage subsidy or a company visit."),
    )
    mentor_contact = forms.ModelChoiceField(
        label=_("Company mentor from the company's contact persons"),
        queryset=CompanyContact.objects.none(),
        required=False,
    )
    company_mentor = forms.BooleanField(label=_("Company mentor"), required=False)
    result = forms.ChoiceField(
        label=_("Result"), required=False, choices=[("", "—"), *Activity.Result.choices]
    )
    next_step = forms.CharField(
        label=_("Next step"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, plan, codes_from, company_only: bool = False, **kwargs):
        """`company_only`: the form of a job consultant, who records company-oriented
        activities only (`codelists.company`)."""
        super().__init__(*args, **kwargs)
        offer_codes(self, codes_from, sector=CodeList.ACTIVITY_SECTOR, kind=CodeList.ACTIVITY_TYPE)
        self.fields["goals"].queryset = Goal.objects.filter(plan_id=plan.pk)
        self.fields["goals"].label_from_instance = lambda g: g.text[:80]
        kind = self.fields["kind"]
        kind.queryset = kind.queryset.select_related("parent")
        if company_only:
            kind.queryset = kind.queryset.filter(code__in=COMPANY_ORIENTED_TYPES)
            self.fields["sector"].queryset = self.fields["sector"].queryset.filter(
                code__in=kind.queryset.values("parent__code")
            )
        # Any type validates, so that `clean` can say which type does not fit the sector; the
        # list offers the chosen sector's types (redrawn by htmx when the sector changes).
        sector = self.chosen_sector()
        # The recording user's organisation's codes (`offer_codes`), for a job consultant
        # only the company-oriented ones.
        allowed = set(kind.queryset.values_list("pk", flat=True))
        offered = [c for c in activity_types(codes_from, sector) if c.pk in allowed]
        kind.choices = [("", "---------")] + [
            (c.pk, c.label if sector else f"{c.parent.label}: {c.label}") for c in offered
        ]
        organisation_id = plan.citizen.home_organisation_id
        self.fields["company"].queryset = active_companies(organisation_id)
        self.fields["mentor_contact"].queryset = mentor_contacts(organisation_id)
        self.fields["mentor_contact"].label_from_instance = lambda c: f"{c.company.name}: {c}"
        self.fields["sector"].widget.attrs |= {
            "hx-get": reverse("plans:activity_types", args=[plan.citizen_id]),
            "hx-target": "#activity-kind",
            "hx-swap": "outerHTML",
            "hx-trigger": "change",
            "hx-include": "this",
        }

    def chosen_sector(self) -> Code | None:
        """The sector the form was posted or opened with, if it is one."""
        value = self.data.get("sector") if self.is_bound else self.initial.get("sector")
        if isinstance(value, Code):
            return value
        if not value or not str(value).isdigit():
            return None
        return self.fields["sector"].queryset.filter(pk=value).first()

    def clean(self):
        cleaned = super().clean()
        sector, kind = cleaned.get("sector"), cleaned.get("kind")
        if sector is None and kind is not None and "sector" not in self.errors:
            # A type names its sector: choosing the type alone is enough.
            sector = activity_sector_of(kind, self.fields["sector"].queryset)
            cleaned["sector"] = sector
        if sector is not None and kind is not None and not activity_type_fits(sector, kind):
            self.add_error(
                "kind",
                _("The type “%(type)s” does not belong to the sector “%(sector)s”.")
                % {"type": kind.label, "sector": sector.label},
            )
        return cleaned


class MeetingForm(DesignSystemForm):
    kind = CodeChoiceField(label=_("Kind of meeting"), queryset=codes(CodeList.MEETING_KIND))
    date = forms.DateField(label=_("Date"), widget=DATE)
    citizen_attended = forms.BooleanField(label=_("The citizen came"), required=False, initial=True)
    participant_roles = forms.ModelMultipleChoiceField(
        label=_("Who took part"),
        queryset=codes(CodeList.PARTICIPANT_ROLE),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    notes_internal = forms.BooleanField(
        label=_("The notes are internal (not in the citizen's report)"),
        required=False,
        initial=True,
    )
    assessment = forms.ModelChoiceField(
        label=_("Assessment made in the meeting"), queryset=None, required=False
    )

    def __init__(self, *args, citizen, codes_from, shared_notes_only: bool = False, **kwargs):
        """`shared_notes_only`: the form of a job consultant, who writes notes shared with the
        citizen and links no assessment."""
        super().__init__(*args, **kwargs)
        offer_codes(
            self,
            codes_from,
            kind=CodeList.MEETING_KIND,
            participant_roles=CodeList.PARTICIPANT_ROLE,
        )
        self.fields["participant_roles"].label_from_instance = lambda c: c.label
        if shared_notes_only:
            del self.fields["notes_internal"]
            del self.fields["assessment"]
            return
        recent = dt.date.today() - dt.timedelta(days=60)
        self.fields["assessment"].queryset = (
            citizen.assessments.filter(status="completed", date__gte=recent)
            .select_related("version__instrument")
            .order_by("-date", "-id")
        )
        self.fields["assessment"].label_from_instance = lambda a: (
            f"{a.date:%d.%m.%Y} · {a.version.instrument.name}"
        )


TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class MeetingBookingForm(DesignSystemForm):
    """A meeting booked ahead, or a booked meeting changed (with `version`): day, time,
    place, kind, and who takes part (roles, and colleagues by name). The booker takes part in
    the role their own role suggests. `confirm` is set by the "Book anyway" button, after the
    page asked about a time that has passed or overlaps."""

    kind = CodeChoiceField(label=_("Kind of meeting"), queryset=codes(CodeList.MEETING_KIND))
    date = forms.DateField(label=_("Date"), widget=DATE)
    start_time = forms.TimeField(label=_("Starts at"), widget=TIME)
    end_time = forms.TimeField(label=_("Ends at"), widget=TIME, required=False)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    colleagues = forms.ModelMultipleChoiceField(
        label=_("Colleagues taking part"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("You take part yourself."),
    )
    participant_roles = forms.ModelMultipleChoiceField(
        label=_("Others taking part (roles)"),
        queryset=codes(CodeList.PARTICIPANT_ROLE),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    confirm = forms.BooleanField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, citizen, user, codes_from, editing: bool = False, **kwargs):
        """`editing`: the form of a booked meeting, whose participants are all chosen here
        (the one who changes it is not added by the change)."""
        super().__init__(*args, **kwargs)
        offer_codes(
            self,
            codes_from,
            kind=CodeList.MEETING_KIND,
            participant_roles=CodeList.PARTICIPANT_ROLE,
        )
        self.fields["participant_roles"].label_from_instance = lambda c: c.label
        helpers = plan_helpers(citizen.home_organisation_id)
        if editing:
            self.fields["colleagues"].queryset = helpers
            self.fields["colleagues"].help_text = ""
        else:
            self.fields["colleagues"].queryset = helpers.exclude(pk=user.pk)
        self.fields["colleagues"].label_from_instance = lambda u: u.get_full_name() or u.username
        # Set by the view when the service asked first: the form then offers "Book anyway".
        self.asks_confirmation = False

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_time"), cleaned.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("The meeting must end after it starts."))
        return cleaned


class MeetingCompleteForm(DesignSystemForm):
    """A booked meeting held: whether the citizen came, the notes, an assessment made."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    citizen_attended = forms.BooleanField(label=_("The citizen came"), required=False)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    notes_internal = forms.BooleanField(
        label=_("The notes are internal (not in the citizen's report)"), required=False
    )
    assessment = forms.ModelChoiceField(
        label=_("Assessment made in the meeting"), queryset=None, required=False
    )

    def __init__(self, *args, citizen, shared_notes_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if shared_notes_only:
            del self.fields["notes_internal"]
            del self.fields["assessment"]
            return
        recent = dt.date.today() - dt.timedelta(days=60)
        self.fields["assessment"].queryset = (
            citizen.assessments.filter(status="completed", date__gte=recent)
            .select_related("version__instrument")
            .order_by("-date", "-id")
        )
        self.fields["assessment"].label_from_instance = lambda a: (
            f"{a.date:%d.%m.%Y} · {a.version.instrument.name}"
        )


class MeetingCancelForm(DesignSystemForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class PlanRoleForm(DesignSystemForm):
    """One line of who does what in the plan."""

    role = CodeChoiceField(label=_("Role"), queryset=codes(CodeList.PARTICIPANT_ROLE))
    user = forms.ModelChoiceField(label=_("A user of Fremdrift"), queryset=None, required=False)
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        required=False,
        help_text=_("For someone who is not a user, such as a doctor or the citizen's relative."),
    )
    task = forms.CharField(
        label=_("What they do"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, organisation, codes_from, **kwargs):
        super().__init__(*args, **kwargs)
        offer_codes(self, codes_from, role=CodeList.PARTICIPANT_ROLE)
        self.fields["user"].queryset = plan_helpers(organisation.pk)
        self.fields["user"].label_from_instance = lambda u: u.get_full_name() or u.username


class StatutoryPlanForm(DesignSystemForm):
    """Another plan the citizen has, recorded on this plan."""

    kind = forms.ChoiceField(
        label=_("Kind of plan"), choices=[("", "—"), *StatutoryPlan.Kind.choices]
    )
    label = forms.CharField(
        label=_("Name of the plan"),
        max_length=200,
        required=False,
        help_text=_("Required for another kind of plan."),
    )
    made_on = forms.DateField(label=_("Dated"), widget=DATE)
    has_priority = forms.BooleanField(
        label=_("This plan takes priority over the citizen's other plans"), required=False
    )


class MentorForm(DesignSystemForm):
    kind = CodeChoiceField(label=_("Kind of mentor"), queryset=codes(CodeList.MENTOR_KIND))
    user = forms.ModelChoiceField(label=_("A user of Fremdrift"), queryset=None, required=False)
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        required=False,
        help_text=_("For a mentor who is not a user, such as a volunteer or a company mentor."),
    )
    start_date = forms.DateField(label=_("From"), widget=DATE)
    end_date = forms.DateField(label=_("To"), required=False, widget=DATE)
    tasks = forms.ModelMultipleChoiceField(
        label=_("Tasks"),
        queryset=codes(CodeList.MENTOR_TASK),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, organisation, codes_from, **kwargs):
        super().__init__(*args, **kwargs)
        offer_codes(self, codes_from, kind=CodeList.MENTOR_KIND, tasks=CodeList.MENTOR_TASK)
        self.fields["tasks"].label_from_instance = lambda c: c.label
        self.fields["user"].queryset = plan_helpers(organisation.pk)
        self.fields["user"].label_from_instance = lambda u: u.get_full_name() or u.username


class ActivityFollowUpForm(DesignSystemForm):
    """What came of an activity, and later changes of its weekly hours."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    end_date = forms.DateField(label=_("End date"), required=False, widget=DATE)
    result = forms.ChoiceField(
        label=_("Result"), required=False, choices=[("", "—"), *Activity.Result.choices]
    )
    next_step = forms.CharField(
        label=_("Next step"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    hours_from = forms.DateField(label=_("New weekly hours from"), required=False, widget=DATE)
    hours = forms.CharField(label=_("New hours per week"), required=False, max_length=10)


class CaseReviewForm(DesignSystemForm):
    target_group = CodeChoiceField(
        label=_("Target group"),
        queryset=Code.objects.filter(code_list=CodeList.TARGET_GROUP),
        required=False,
        empty_label=_("All"),
    )
    random = forms.BooleanField(required=False)
    page = forms.IntegerField(required=False, min_value=1)

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        # A filter: retired target groups too, and the organisation's own.
        self.fields["target_group"].queryset = codes_for(
            code_list=CodeList.TARGET_GROUP, organisation=organisation, include_retired=True
        ).filter(parent=None)


class VacancySuggestionForm(DesignSystemForm):
    """An open position of the register suggested to the citizen (seed 004)."""

    vacancy = forms.ModelChoiceField(label=_("Open position"), queryset=Vacancy.objects.none())
    suggested_on = forms.DateField(label=_("Suggested on"), widget=DATE)

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vacancy"].queryset = open_vacancies(plan.citizen.home_organisation_id)
        self.fields["vacancy"].label_from_instance = lambda v: (
            f"{v.company.name}: {v.title} ({v.from_date:%d.%m.%Y})"
        )
