"""Pages that compose several apps: the caseload (citizens with their next due assessment),
the citizen page (the citizen, the assessments panel, referrals and enrolments) and the
programme page (enrolments, milestones, plans and the provider's next scores)."""

import datetime as dt

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from fremdrift.accounts.access import is_caseworker, is_provider_staff, works_with_cases
from fremdrift.assessments.panels import citizen_panel
from fremdrift.audit.models import AccessAction
from fremdrift.audit.services import access_log_write
from fremdrift.citizens import access
from fremdrift.citizens import selectors as citizen_selectors
from fremdrift.citizens.forms import CitizenSearchForm, ShowCprForm
from fremdrift.programmes import selectors as programme_selectors
from fremdrift.referrals.panels import referrals_panel

from . import selectors


@login_required
@sensitive_post_parameters("q")
@require_http_methods(["GET", "POST"])
def citizen_list(request: HttpRequest) -> HttpResponse:
    """The caseload and the search. The search form posts, so that a CPR number typed into it
    never becomes part of a URL; `?q=` works as well for names (a CPR number there is refused
    by `core.middleware.NoCprInUrlMiddleware`)."""
    if not works_with_cases(request.user):
        raise PermissionDenied
    search = CitizenSearchForm(request.POST if request.method == "POST" else request.GET)
    search.is_valid()
    query = search.cleaned_data.get("q") or ""
    mine_only = bool(search.cleaned_data.get("mine"))
    citizens = selectors.caseload(
        request.user,
        query=query,
        mine_only=mine_only,
        due=search.cleaned_data.get("due") or "",
        sort=search.cleaned_data.get("sort") or "",
    )
    page = Paginator(citizens, settings.FREMDRIFT_PAGE_SIZE).get_page(
        search.cleaned_data.get("page") or 1
    )
    if page.object_list or query:  # a search that found nobody is logged with its criterion
        access_log_write(
            user=request.user,
            action=AccessAction.SEARCH if query else AccessAction.LIST,
            criterion=citizen_selectors.criterion_for_log(query),
            subjects=page.object_list,
            path=request.path,
        )
    context = {
        "today": dt.date.today(),
        "search": search,
        "query": query,
        "page": page,
        "may_reassign": is_caseworker(request.user),
    }
    if request.htmx:
        return render(request, "citizens/_results.html", context)
    return render(request, "citizens/citizen_list.html", context)


@login_required
@require_http_methods(["GET"])
def citizen_detail(request: HttpRequest, citizen_id: int) -> HttpResponse:
    """The citizen page. Provider staff see the referral they work on, not the assessments."""
    citizen = access.citizen_get(request.user, citizen_id)
    access_log_write(
        user=request.user, action=AccessAction.VIEW, citizen=citizen, path=request.path
    )
    context = {
        "citizen": citizen,
        "may_change": access.may_change_citizen(request.user, citizen),
        "show_cpr_form": ShowCprForm() if access.may_reveal_cpr(request.user, citizen) else None,
        "may_export_subject_access": access.may_export_subject_access(request.user, citizen),
        "may_invite_self_assessment": access.may_invite_self_assessment(request.user, citizen),
        "referrals_panel": referrals_panel(request, citizen),
    }
    if not is_provider_staff(request.user):
        context["panel"] = citizen_panel(request, citizen)
    return render(request, "citizens/citizen_detail.html", context)


@login_required
@require_GET
def programme_detail(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = get_object_or_404(programme_selectors.programmes_for(request.user), pk=programme_id)
    context = selectors.programme_overview(request.user, programme)
    context["may_close"] = bool(context["active"]) and access.may_close_programme(
        request.user, programme
    )
    shown = [row.citizen for row in context["active"] + context["exits"] if row.citizen]
    if shown:
        access_log_write(
            user=request.user,
            action=AccessAction.LIST,
            subjects=shown,
            path=request.path,
        )
    return render(request, "programmes/programme_detail.html", context)
