from django import forms
from django.utils.translation import gettext_lazy as _

from fremdrift.core.forms import DesignSystemForm

from .services import MAX_MONTHS, MIN_MONTHS


class RetentionRuleForm(DesignSystemForm):
    months_after_close = forms.IntegerField(
        label=_("Months after the case is closed"),
        min_value=MIN_MONTHS,
        max_value=MAX_MONTHS,
        help_text=_(
            "A case is closed when no enrolment, referral, activity or mentor is running; it "
            "closed on the day of the last enrolment end, assessment or plan change."
        ),
    )


class LegalHoldForm(DesignSystemForm):
    reason = forms.CharField(
        label=_("Reason for the legal hold"),
        max_length=300,
        help_text=_("For example a complaint, a court case or an audit."),
    )


class ErasureForm(DesignSystemForm):
    citizens = forms.TypedMultipleChoiceField(
        label=_("Citizens"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    confirm = forms.BooleanField(required=False)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["citizens"].choices = [(c.citizen_id, str(c.citizen_id)) for c in candidates]
        self.fields["citizens"].error_messages["required"] = _("Choose the citizens to erase.")
