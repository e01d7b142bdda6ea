"""Integration clients on the staff pages (/accounts/users/clients/): an administrator creates
one, changes its role and scopes, deactivates it, issues it tokens (the key is shown once, on
that response only) and revokes them. Another organisation's client is a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fremdrift.accounts.access import require_administrator
from fremdrift.core.forms import errors_onto_form

from . import services
from .forms import IntegrationClientChangeForm, IntegrationClientForm, TokenForm
from .selectors import client_scopes, integration_clients, tokens_of_client


@login_required
@require_GET
def tokens_moved(request: HttpRequest) -> HttpResponse:
    """The old address of the token page: clients and tokens are on the staff pages now."""
    require_administrator(request, hidden=True)
    return redirect(reverse("signin:staff") + "#integration-clients")


def _client(request: HttpRequest, client_id: int):
    require_administrator(request, hidden=True)
    client = (
        integration_clients(organisation_id=request.user.organisation_id)
        .filter(pk=client_id)
        .first()
    )
    if client is None:
        raise Http404
    return client


@login_required
@require_http_methods(["GET", "POST"])
def client_create(request: HttpRequest) -> HttpResponse:
    require_administrator(request, hidden=True)
    own = request.user.organisation_id
    form = IntegrationClientForm(request.POST or None, organisation_id=own)
    if request.method == "POST" and form.is_valid():
        try:
            client = services.integration_client_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_onto_form(form, error)
        else:
            messages.success(
                request,
                _("The integration client %(name)s has been created. Issue it a token below.")
                % {"name": client.get_full_name()},
            )
            return redirect("api:client", client_id=client.pk)
    return render(
        request, "api/client_form.html", {"form": form}, status=400 if form.errors else 200
    )


def _client_initial(client) -> dict:
    return {
        "name": client.first_name,
        "role": client.role,
        "scopes": client_scopes(client),
        "is_active": client.is_active,
    }


def _client_page(request, client, *, form=None, token_form=None, key=None, status=200):
    context = {
        "client": client,
        "form": form or IntegrationClientChangeForm(initial=_client_initial(client)),
        "token_form": token_form or TokenForm(),
        "tokens": tokens_of_client(client=client),
        "key": key,
    }
    response = render(request, "api/client_detail.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def client_detail(request: HttpRequest, client_id: int) -> HttpResponse:
    client = _client(request, client_id)
    if request.method == "GET":
        return _client_page(request, client)
    form = IntegrationClientChangeForm(request.POST)
    if form.is_valid():
        try:
            services.integration_client_change(
                actor=request.user, client=client, **form.cleaned_data
            )
        except ValidationError as error:
            errors_onto_form(form, error)
        else:
            messages.success(request, _("The integration client has been saved."))
            return redirect("api:client", client_id=client.pk)
    return _client_page(request, client, form=form, status=400)


@login_required
@require_POST
def token_issue(request: HttpRequest, client_id: int) -> HttpResponse:
    client = _client(request, client_id)
    token_form = TokenForm(request.POST)
    if token_form.is_valid():
        try:
            _token, key = services.api_token_issue(
                actor=request.user, user=client, **token_form.cleaned_data
            )
        except ValidationError as error:
            errors_onto_form(token_form, error)
        else:
            return _client_page(request, client, key=key)
    return _client_page(request, client, token_form=token_form, status=400)


@login_required
@require_POST
def token_revoke(request: HttpRequest, client_id: int, token_id: int) -> HttpResponse:
    client = _client(request, client_id)
    token = get_object_or_404(tokens_of_client(client=client), pk=token_id)
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("The token has been revoked; it no longer works."))
    return redirect("api:client", client_id=client.pk)
