"""The programmes page (`/programmes/`), which composes programmes and referrals: an
organisation's own programmes for those who run them, and for caseworkers the programmes
they may refer to and their citizens referred now."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from fremdrift.accounts.access import is_caseworker, reads_programmes
from fremdrift.audit.models import AccessAction
from fremdrift.audit.services import access_log_write
from fremdrift.programmes import selectors as programme_selectors
from fremdrift.referrals.selectors import referred_citizens


@login_required
@require_GET
def programme_list(request: HttpRequest) -> HttpResponse:
    if not reads_programmes(request.user):
        raise Http404
    programmes = programme_selectors.programmes_for(request.user)
    context = {"programmes": programme_selectors.programme_list(programmes)}
    if is_caseworker(request.user):
        referred = referred_citizens(request.user)
        context |= {
            "refers": True,
            "referable": programme_selectors.referable_programmes(),
            "referred": referred,
        }
        if referred:
            access_log_write(
                user=request.user,
                action=AccessAction.LIST,
                subjects=[referral.citizen for referral in referred],
                path=request.path,
            )
    return render(request, "pages/programme_list.html", context)
