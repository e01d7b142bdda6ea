from django import forms
from django.utils.translation import gettext_lazy as _

from fremdrift.core.forms import DesignSystemForm


class CodeAddForm(DesignSystemForm):
    """A new own code of a list; the group only in a two-level list."""

    parent = forms.ModelChoiceField(label=_("Group"), queryset=None, required=False)
    code = forms.CharField(
        label=_("Code"),
        max_length=60,
        help_text=_(
            "Small letters, digits, hyphens and underscores; it never changes, and other "
            "systems and the exchange package name the code by it."
        ),
    )
    label_da = forms.CharField(label=_("Danish label"), max_length=200)
    label_en = forms.CharField(label=_("English label"), max_length=200)
    sort_order = forms.IntegerField(label=_("Order"), min_value=0, initial=100)

    def __init__(self, *args, groups=None, **kwargs):
        super().__init__(*args, **kwargs)
        if groups is None:
            del self.fields["parent"]
        else:
            self.fields["parent"].queryset = groups
            self.fields["parent"].label_from_instance = lambda code: code.label


class CodeRenameForm(DesignSystemForm):
    """New labels and order of an own code; its code stays."""

    label_da = forms.CharField(label=_("Danish label"), max_length=200)
    label_en = forms.CharField(label=_("English label"), max_length=200)
    sort_order = forms.IntegerField(label=_("Order"), min_value=0)
