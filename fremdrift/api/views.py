from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from fremdrift.accounts.access import require_administrator
from fremdrift.core.forms import errors_onto_form

from . import services
from .forms import IntegrationClientForm, TokenForm
from .selectors import integration_clients, tokens_of_organisation


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    """Administrators create integration clients, issue API tokens for them (the key is shown
    once, on this response only) and revoke them."""
    require_administrator(request, hidden=True)
    own = request.user.organisation_id
    form = TokenForm(request.POST or None, organisation_id=own)
    client_form = IntegrationClientForm(organisation_id=own)
    key = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                _token, key = services.api_token_issue(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                errors_onto_form(form, error)
                status = 400
            else:
                form = TokenForm(organisation_id=own)
        else:
            status = 400
    return _token_page(request, form=form, client_form=client_form, key=key, status=status)


def _token_page(request, *, form, client_form, key=None, status=200) -> HttpResponse:
    context = {
        "form": form,
        "client_form": client_form,
        "clients": integration_clients(organisation_id=request.user.organisation_id),
        "tokens": tokens_of_organisation(organisation_id=request.user.organisation_id),
        "key": key,
    }
    response = render(request, "api/token_list.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def client_create(request: HttpRequest) -> HttpResponse:
    require_administrator(request, hidden=True)
    own = request.user.organisation_id
    client_form = IntegrationClientForm(request.POST, organisation_id=own)
    if client_form.is_valid():
        try:
            client = services.integration_client_create(
                actor=request.user, **client_form.cleaned_data
            )
        except ValidationError as error:
            errors_onto_form(client_form, error)
        else:
            messages.success(
                request,
                _("The integration client %(name)s has been created. Issue it a token below.")
                % {"name": client.get_full_name()},
            )
            return redirect("api:tokens")
    return _token_page(
        request, form=TokenForm(organisation_id=own), client_form=client_form, status=400
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    require_administrator(request, hidden=True)
    token = get_object_or_404(
        tokens_of_organisation(organisation_id=request.user.organisation_id), pk=token_id
    )
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("The token has been revoked; it no longer works."))
    return redirect("api:tokens")
