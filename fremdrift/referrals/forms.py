import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from fremdrift.core.forms import DesignSystemForm
from fremdrift.instruments.models import Instrument
from fremdrift.plans.forms import DATE
from fremdrift.programmes.models import Programme
from fremdrift.programmes.selectors import referable_programmes


class ProgrammeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Programme) -> str:
        return f"{obj.name} ({obj.organisation.name})"


class ReferralForm(DesignSystemForm):
    """The referral's period, programme and instrument. The focus items and their starting
    scores are posted as `focus` and `start_<item code>` and checked by the service."""

    # Any programme validates, so that the service can say why one cannot be chosen; the
    # list offers the active programmes of active providers and projects.
    programme = ProgrammeChoiceField(
        label=_("Programme"), queryset=Programme.objects.select_related("organisation")
    )
    instrument = forms.ModelChoiceField(
        label=_("Instrument"), queryset=Instrument.objects.none(), required=False
    )
    start_date = forms.DateField(label=_("Start date"), initial=dt.date.today, widget=DATE)
    end_date = forms.DateField(label=_("End date"), required=False, widget=DATE)
    interval_days = forms.IntegerField(
        label=_("Scored every (days)"),
        required=False,
        min_value=1,
        max_value=366,
        help_text=_("How often the provider scores the focus items, for example every 14 days."),
    )

    def __init__(self, *args, programme: Programme | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        offered = referable_programmes()
        field = self.fields["programme"]
        field.choices = [("", "---------")] + [
            (p.pk, field.label_from_instance(p)) for p in offered
        ]
        if programme is not None:
            self.fields["instrument"].queryset = Instrument.objects.filter(
                pk__in=programme.programme_instruments.values("instrument_id")
            )
        self.fields["programme"].widget.attrs["data-testid"] = "referral-programme"


class ReferralEndForm(DesignSystemForm):
    end_date = forms.DateField(label=_("End date"), initial=dt.date.today, widget=DATE)
    withdrawn = forms.BooleanField(label=_("The referral is withdrawn"), required=False)
