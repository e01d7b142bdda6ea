import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from fremdrift.accounts.models import Organisation
from fremdrift.core.forms import DesignSystemForm
from fremdrift.plans.forms import DATE


class EnrolmentExitForm(DesignSystemForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    end_date = forms.DateField(label=_("Date of the exit"), initial=dt.date.today, widget=DATE)
    exit_reason = forms.TypedChoiceField(label=_("Exit reason"), coerce=int)
    note = forms.CharField(
        label=_("Note on the exit"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    close_plan = forms.BooleanField(
        label=_("Close the plan's running activities and mentors on the same date"),
        required=False,
    )

    def __init__(self, *args, reasons, **kwargs):
        super().__init__(*args, **kwargs)
        self.reasons = {code.pk: code for code in reasons}
        groups: dict[str, list] = {}
        for code in self.reasons.values():
            groups.setdefault(code.parent.label, []).append((code.pk, code.label))
        self.fields["exit_reason"].choices = [("", "---------"), *groups.items()]
        self.fields["exit_reason"].error_messages["required"] = _("Choose the reason for the exit.")

    def clean_exit_reason(self):
        return self.reasons[self.cleaned_data["exit_reason"]]


class ProgrammeCloseForm(DesignSystemForm):
    """Closing a programme: one exit reason (two levels, the programme's own list if it has
    one) and date for all its active enrolments; `expected_count` is the count the preview
    showed, sent back with the confirmation."""

    end_date = forms.DateField(label=_("Date of the exit"), initial=dt.date.today, widget=DATE)
    exit_reason = forms.TypedChoiceField(label=_("Exit reason"), coerce=int)
    note = forms.CharField(
        label=_("Note on the exit"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    expected_count = forms.IntegerField(
        required=False, min_value=0, widget=forms.HiddenInput, label=_("Active enrolments")
    )

    def __init__(self, *args, reasons, **kwargs):
        super().__init__(*args, **kwargs)
        self.reasons = {code.pk: code for code in reasons}
        groups: dict[str, list] = {}
        for code in self.reasons.values():
            groups.setdefault(code.parent.label, []).append((code.pk, code.label))
        self.fields["exit_reason"].choices = [("", "---------"), *groups.items()]
        self.fields["exit_reason"].error_messages["required"] = _("Choose the reason for the exit.")
        self.fields["end_date"].error_messages["required"] = _("Give the date of the exit.")

    def clean_exit_reason(self):
        return self.reasons[self.cleaned_data["exit_reason"]]


class MilestoneConfirmForm(forms.Form):
    milestone = forms.IntegerField()
    reached_on = forms.DateField()


class PaymentReportForm(DesignSystemForm):
    provider = forms.ModelChoiceField(
        label=_("Provider"),
        queryset=Organisation.objects.filter(
            kind__in=[Organisation.Kind.PROVIDER, Organisation.Kind.PROJECT]
        ),
    )
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=_("Quarter"),
        coerce=int,
        choices=[(1, "1"), (2, "2"), (3, "3"), (4, "4")],
    )

    def __init__(self, *args, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers

    def clean(self):
        data = super().clean()
        year, quarter = data.get("year"), data.get("quarter")
        if year and quarter and dt.date(year, 3 * quarter - 2, 1) > dt.date.today():
            self.add_error("quarter", _("The quarter has not begun yet."))
        return data


class FidelityAssessmentForm(DesignSystemForm):
    """The period and unit of a fidelity assessment; the items' answers are posted as
    `item_<code>` beside it (`assessments.forms.answers_from_post`)."""

    unit = forms.IntegerField(widget=forms.HiddenInput)
    period_start = forms.DateField(label=_("Period from"), widget=DATE)
    period_end = forms.DateField(label=_("Period to"), widget=DATE)
