from django import forms
from django.utils.translation import gettext_lazy as _

from fremdrift.core.forms import DesignSystemForm

from .models import Sector, SizeBand

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CompanyForm(DesignSystemForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    cvr = forms.CharField(
        label=_("CVR number"), max_length=12, help_text=_("The company's eight digits.")
    )
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    size_band = forms.ChoiceField(
        label=_("Number of employees"), choices=[("", "—"), *SizeBand.choices], required=False
    )
    sector = forms.ChoiceField(
        label=_("Line of business"), choices=[("", "—"), *Sector.choices], required=False
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ContactForm(DesignSystemForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    role = forms.CharField(label=_("Job title or role"), max_length=200, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.EmailField(label=_("Email"), required=False)


class VacancyForm(DesignSystemForm):
    title = forms.CharField(label=_("Position"), max_length=200)
    weekly_hours = forms.CharField(label=_("Hours per week"), max_length=10, required=False)
    from_date = forms.DateField(label=_("From"), widget=DATE)
