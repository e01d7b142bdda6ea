from django import forms
from django.utils.translation import gettext_lazy as _

from fremdrift.accounts.models import Organisation, Role, User
from fremdrift.codelists.models import Code, CodeList
from fremdrift.codelists.selectors import codes_for
from fremdrift.core.forms import DesignSystemForm

from .models import Citizen

NAME_MAX = Citizen._meta.get_field("first_name").max_length


class CodeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Code) -> str:
        return obj.label


class CaseworkerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.username


class CitizenForm(DesignSystemForm):
    """Validates what a caseworker typed; `citizens.services` does the writing."""

    first_name = forms.CharField(label=_("First name"), max_length=NAME_MAX)
    last_name = forms.CharField(label=_("Last name"), max_length=NAME_MAX)
    # No length limit in the page: a browser's maxlength would silently drop an eleventh
    # digit and leave a wrong but valid number; `parse_cpr` refuses every wrong length.
    cpr = forms.CharField(
        label=_("CPR number"),
        help_text=_("10 digits, with or without a dash: DDMMYY-XXXX."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    target_group = CodeChoiceField(label=_("Target group"), queryset=Code.objects.none())
    responsible_caseworker = CaseworkerChoiceField(
        label=_("Responsible caseworker"), queryset=User.objects.none()
    )

    def __init__(self, *args, organisation, keep=(), **kwargs):
        """`keep`: the citizen's current target group, offered even when it has been
        retired since; a new choice is one of the defaults and the organisation's own codes."""
        super().__init__(*args, **kwargs)
        self.fields["target_group"].queryset = codes_for(
            code_list=CodeList.TARGET_GROUP, organisation=organisation, keep=keep
        ).filter(parent=None)
        self.fields["responsible_caseworker"].queryset = User.objects.filter(
            organisation=organisation, role=Role.CASEWORKER, is_active=True
        ).order_by("first_name", "last_name")


class CitizenCreateForm(CitizenForm):
    creation_token = forms.UUIDField(widget=forms.HiddenInput)


class CitizenEditForm(CitizenForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cpr = self.fields["cpr"]
        cpr.required = False
        cpr.label = _("Correct the CPR number")
        cpr.help_text = _("Leave empty to keep the registered number.")


class CitizenSearchForm(DesignSystemForm):
    no_optional_marks = True
    q = forms.CharField(label=_("Name or CPR number"), max_length=100, required=False)
    mine = forms.BooleanField(label=_("Only my caseload"), required=False)
    due = forms.ChoiceField(
        label=_("Assessments"),
        required=False,
        choices=[
            ("", _("All")),
            ("due", _("Due within 14 days")),
            ("overdue", _("Overdue")),
            ("plan_overdue", _("Plan review overdue")),
        ],
    )
    sort = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=[("", _("My caseload first")), ("due", _("Next due first"))],
    )
    page = forms.IntegerField(min_value=1, required=False)

    def __init__(self, *args, provider: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if provider:
            # Provider staff filter by their own scores; the jobcentre's plan reviews and a
            # caseload of their own are not theirs (the page hides those controls).
            due = self.fields["due"]
            due.label = _("Scores")
            due.choices = [c for c in due.choices if c[0] != "plan_overdue"]
            del self.fields["mine"]
            del self.fields["sort"]


class ShowCprForm(DesignSystemForm):
    """Why the full CPR number is needed: a purpose from the list, and a few words where the
    list does not say it."""

    OTHER = "other"
    PURPOSES = [
        (
            "contact_authority",
            _("Contact with another authority"),
        ),
        ("case_system", _("Look-up in another case system")),
        ("benefit", _("Payment of a benefit or a milestone")),
        ("identity", _("Confirming the citizen's identity")),
        (OTHER, _("Other (write why)")),
    ]
    purpose = forms.ChoiceField(label=_("Purpose"), choices=[("", "—"), *PURPOSES])
    note = forms.CharField(label=_("Why (for 'Other')"), max_length=150, required=False)

    def clean(self):
        data = super().clean()
        if data.get("purpose") == self.OTHER and not data.get("note", "").strip():
            self.add_error("note", _("Write why the full CPR number is needed."))
        return data

    def purpose_for_log(self) -> str:
        label = str(dict(self.PURPOSES)[self.cleaned_data["purpose"]])
        note = self.cleaned_data["note"].strip()
        return f"{label}: {note}" if note else label


class ReassignForm(DesignSystemForm):
    citizens = forms.ModelMultipleChoiceField(label=_("Citizens"), queryset=Citizen.objects.none())
    caseworker = CaseworkerChoiceField(label=_("New caseworker"), queryset=User.objects.none())

    def __init__(self, *args, citizens, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["citizens"].queryset = citizens
        self.fields["caseworker"].queryset = User.objects.filter(
            organisation=organisation, role=Role.CASEWORKER, is_active=True
        )


class CaseShareForm(DesignSystemForm):
    """A collaboration: the authority the case is shared with, why and for how long.
    `citizens.services.case_share_errors` has the rules (never the home organisation, never a
    provider, no overlap)."""

    shared_with = forms.ModelChoiceField(
        label=_("Shared with (authority)"), queryset=Organisation.objects.none()
    )
    purpose = forms.CharField(label=_("Purpose"), widget=forms.Textarea(attrs={"rows": 3}))
    start_date = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(
        label=_("To (empty: until ended)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, citizen: Citizen, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shared_with"].queryset = (
            Organisation.objects.filter(kind=Organisation.Kind.AUTHORITY)
            .exclude(pk=citizen.home_organisation_id)
            .order_by("name")
        )
