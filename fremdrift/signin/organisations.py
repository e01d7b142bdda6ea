"""Organisations, managed by administrators on the project's own pages rather than in the
Django admin: the list of every organisation, and creating and changing providers and
projects (and the name of the administrator's own organisation). Each change is a change
record (`services.organisation_save`)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from fremdrift.accounts.access import require_administrator
from fremdrift.accounts.models import Organisation
from fremdrift.core.forms import errors_onto_form

from . import services
from .forms import OrganisationForm


@login_required
@require_http_methods(["GET"])
def organisation_list(request):
    require_administrator(request, hidden=True)
    organisations = Organisation.objects.order_by("-is_active", "kind", "name")
    return render(request, "signin/organisation_list.html", {"organisations": organisations})


@login_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request, organisation_id: int | None = None):
    require_administrator(request, hidden=True)
    organisation = get_object_or_404(Organisation, pk=organisation_id) if organisation_id else None
    initial = (
        {"name": organisation.name, "kind": organisation.kind, "is_active": organisation.is_active}
        if organisation
        else {"kind": Organisation.Kind.PROVIDER, "is_active": True}
    )
    form = OrganisationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_save(
                actor=request.user, organisation=organisation, **form.cleaned_data
            )
        except ValidationError as error:
            errors_onto_form(form, error)
        else:
            return redirect("signin:organisations")
    return render(
        request,
        "signin/organisation_form.html",
        {"form": form, "organisation": organisation},
        status=400 if form.errors else 200,
    )
