from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

PHONE = RegexValidator(
    r"^(\+45 ?)?\d{2} ?\d{2} ?\d{2} ?\d{2}$",
    _("Write a Danish mobile number of 8 digits, optionally with +45 first."),
)


class InvitationForm(forms.Form):
    version = forms.TypedChoiceField(label=_("Questionnaire"), coerce=int)
    pictograms = forms.BooleanField(
        label=_("Show pictograms (faces) on the scale points"), required=False
    )
    email = forms.EmailField(label=_("Send to e-mail (optional)"), required=False)
    phone = forms.CharField(
        label=_("Send by text message to (optional)"),
        required=False,
        max_length=20,
        validators=[PHONE],
    )

    def __init__(self, *args, versions, **kwargs):
        super().__init__(*args, **kwargs)
        self.versions = {v.pk: v for v in versions}
        self.fields["version"].choices = [(v.pk, v.instrument.name) for v in versions]

    def clean_phone(self):
        return "".join(self.cleaned_data["phone"].split())
