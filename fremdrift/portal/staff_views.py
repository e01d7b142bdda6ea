"""The staff's side of a self-assessment: making the link for a citizen (shown once, as a QR
code and a short link, and sent by e-mail or text message if asked) and seeing which links
were made, used or left to expire."""

import segno
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from fremdrift.audit.models import AccessAction
from fremdrift.audit.services import access_log_write
from fremdrift.citizens.access import citizen_get, may_invite_self_assessment
from fremdrift.core.forms import errors_onto_form

from . import selectors, services
from .forms import InvitationForm


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def invitation_create(request: HttpRequest, citizen_id: int) -> HttpResponse:
    citizen = citizen_get(request.user, citizen_id)
    if not may_invite_self_assessment(request.user, citizen):
        raise PermissionDenied
    versions = selectors.invitable_versions()
    form = InvitationForm(request.POST or None, versions=versions)
    made = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = services.self_assessment_invitation_create(
                actor=request.user,
                citizen=citizen,
                version=form.versions[data["version"]],
                pictograms=data["pictograms"],
            )
        except ValidationError as problem:
            errors_onto_form(form, problem)
    sent: list[str] = []
    link = ""
    if made is not None:
        link = request.build_absolute_uri(reverse("portal:link", args=[made.token]))
        sent = services.self_assessment_invitation_send(
            invitation=made.invitation,
            link=link,
            email=form.cleaned_data["email"],
            phone=form.cleaned_data["phone"],
        )
    access_log_write(
        user=request.user,
        action=AccessAction.CREATE if made else AccessAction.VIEW,
        citizen=citizen,
        path=request.path,
        purpose=_("Self-assessment link"),
    )
    return render(
        request,
        "portal/invitations.html",
        {
            "citizen": citizen,
            "form": form,
            "made": made,
            "link": link,
            "qr_svg": segno.make(link, error="m").svg_inline(scale=5, dark="#1a1a1a")
            if link
            else "",
            "sent": sent,
            "invitations": selectors.invitations_of(citizen),
        },
        status=400 if request.method == "POST" and made is None else 200,
    )
