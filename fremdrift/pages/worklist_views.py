"""The landing page, "Mit overblik": what each role meets on arrival at `/`. Caseworkers and
job consultants: the caseload's worklist; provider staff: their referred citizens by the next
score due; managers and analysts: the organisation's headline figures, each linked into its
report; administrators (and a user without a role): the front page of links."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from fremdrift.accounts.access import (
    follows_caseload,
    is_provider_staff,
    may_read_reports,
    may_register_citizens,
)
from fremdrift.audit.models import AccessAction
from fremdrift.audit.services import access_log_write
from fremdrift.reports.headlines import headlines

from . import worklist


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if follows_caseload(user):
        found = worklist.caseload_worklist(user)
        _log(request, found.citizens)
        return render(
            request,
            "pages/worklist.html",
            {"worklist": found, "may_register": may_register_citizens(user)},
        )
    if is_provider_staff(user):
        found = worklist.provider_worklist(user)
        _log(request, found.citizens)
        return render(request, "pages/provider_worklist.html", {"worklist": found})
    if may_read_reports(user):
        return render(request, "pages/headlines.html", {"headlines": headlines(user)})
    return render(request, "core/home.html")


def _log(request: HttpRequest, citizens: list) -> None:
    """The names shown are personal data: one row naming every citizen on the page."""
    if citizens:
        access_log_write(
            user=request.user, action=AccessAction.LIST, subjects=citizens, path=request.path
        )
