from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from fremdrift.core import cpr as cprlib
from fremdrift.core.forms import DesignSystemForm


class AccessLogSearchForm(DesignSystemForm):
    no_optional_marks = True
    citizen_id = forms.IntegerField(label=_("Citizen number"), required=False, min_value=1)
    cpr = forms.CharField(
        label=_("or CPR number"),
        required=False,
        max_length=11,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    username = forms.CharField(label=_("User name"), required=False, max_length=150)
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean_cpr(self) -> str:
        value = self.cleaned_data["cpr"].strip()
        if value:
            cprlib.parse_cpr(value)
        return value

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            raise ValidationError({"date_to": _("The end of the period is before its start.")})
        return data
