from django import forms
from django.utils.translation import gettext_lazy as _

from fremdrift.accounts.models import Organisation
from fremdrift.accounts.roles import Role
from fremdrift.core.forms import DesignSystemForm

from .scopes import READ, RESOURCES, WRITE


class TokenForm(DesignSystemForm):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, for example the server that uses it."),
    )
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=730, initial=90)


def _scope_choices():
    access_labels = {READ: _("read"), WRITE: _("read and write")}
    return [
        (f"{resource}:{access}", f"{label}: {access_labels[access]}")
        for resource, label in RESOURCES.items()
        for access in (READ, WRITE)
    ]


class _ClientAccessForm(DesignSystemForm):
    """What an integration client may reach: a role and, optionally, scopes."""

    role = forms.ChoiceField(
        label=_("Role"),
        choices=Role.choices,
        help_text=_("The client sees and changes what a user with this role would."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        choices=_scope_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked for everything the role allows."),
    )


class IntegrationClientForm(_ClientAccessForm):
    field_order = ["name", "organisation", "role", "scopes"]

    def __init__(self, *args, organisation_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = self.fields["organisation"].queryset.filter(pk=organisation_id)
        self.fields["organisation"].queryset = organisations
        self.fields["organisation"].initial = organisation_id

    name = forms.CharField(
        label=_("Name of the integration client"),
        max_length=100,
        help_text=_("The other system, for example the municipality's case management system."),
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.filter(is_active=True)
    )


class IntegrationClientChangeForm(_ClientAccessForm):
    field_order = ["name", "role", "scopes", "is_active"]

    name = forms.CharField(label=_("Name of the integration client"), max_length=100)
    is_active = forms.BooleanField(
        label=_("Active"),
        required=False,
        help_text=_("A deactivated client's tokens stop working at once."),
    )
