from django import forms
from django.utils.translation import gettext_lazy as _

from fremdrift.core.forms import DesignSystemForm


class SecondFactorForm(DesignSystemForm):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("The six digits in your authenticator app, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text"}),
    )
