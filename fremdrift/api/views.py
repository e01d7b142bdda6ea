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
from .forms import TokenForm
from .models import ApiToken


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    """Administrators issue API tokens (the key is shown once, on this response only) and
    revoke them."""
    require_administrator(request, hidden=True)
    form = TokenForm(request.POST or None)
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
                form = TokenForm()
        else:
            status = 400
    tokens = ApiToken.objects.select_related("user", "created_by")
    response = render(
        request, "api/token_list.html", {"form": form, "tokens": tokens, "key": key}, status=status
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    require_administrator(request, hidden=True)
    token = get_object_or_404(ApiToken, pk=token_id)
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("The token has been revoked; it no longer works."))
    return redirect("api:tokens")
