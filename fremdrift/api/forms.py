from django import forms
from django.utils.translation import gettext_lazy as _

from fremdrift.accounts.models import User
from fremdrift.core.forms import DesignSystemForm


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.get_full_name() or obj.username} ({obj.username}, {obj.organisation})"


class TokenForm(DesignSystemForm):
    user = UserChoiceField(
        label=_("User or integration"),
        queryset=User.objects.filter(is_active=True).select_related("organisation"),
        help_text=_("The token acts as this user: it sees and changes what the user may."),
    )
    name = forms.CharField(label=_("Name"), max_length=100)
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=730, initial=90)
