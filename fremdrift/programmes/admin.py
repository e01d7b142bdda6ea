from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext as _

from .models import Milestone, Programme, ProgrammeInstrument


class ProgrammeInstrumentInline(admin.TabularInline):
    model = ProgrammeInstrument
    extra = 1


class MilestoneFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        total = sum(
            form.cleaned_data.get("share") or 0
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        )
        if total > 100:
            raise ValidationError(_("Together the milestones' shares can be at most 100 %."))


class MilestoneInline(admin.TabularInline):
    model = Milestone
    formset = MilestoneFormSet
    extra = 1
    fields = ["position", "code", "label", "share", "rule"]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    """Administrators set up programmes: their instruments and cadence, and the milestones
    they pay for. Enrolments and exits are case data and are not registered here."""

    list_display = ["name", "organisation", "start_date", "end_date", "capacity", "is_active"]
    list_filter = ["organisation", "is_active"]
    search_fields = ["name"]
    filter_horizontal = ["exit_reasons"]
    inlines = [ProgrammeInstrumentInline, MilestoneInline]
