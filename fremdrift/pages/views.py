"""Pages that compose several apps: the caseload (citizens with their next due assessment),
the citizen page (the citizen, the assessments panel, referrals and enrolments) and the
programme page (enrolments, milestones, plans and the provider's next scores)."""

import datetime as dt
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from fremdrift.accounts.access import (
    is_caseworker,
    is_provider_staff,
    may_register_citizens,
    works_with_cases,
)
from fremdrift.assessments import selectors as assessment_selectors
from fremdrift.assessments import services as assessment_services
from fremdrift.assessments.forms import FollowChoiceForm
from fremdrift.assessments.panels import citizen_panel
from fremdrift.audit.models import AccessAction
from fremdrift.audit.services import access_log_write
from fremdrift.citizens import access
from fremdrift.citizens import selectors as citizen_selectors
from fremdrift.citizens.forms import CitizenCreateForm, CitizenSearchForm, ShowCprForm
from fremdrift.citizens.views import link_duplicate_cpr
from fremdrift.core.forms import errors_onto_form
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
    search = CitizenSearchForm(
        request.POST if request.method == "POST" else request.GET,
        provider=is_provider_staff(request.user),
    )
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
        # Provider staff see their referral's next score, not the jobcentre's next assessment.
        "next_score": is_provider_staff(request.user),
    }
    if request.htmx:
        return render(request, "citizens/_results.html", context)
    return render(request, "citizens/citizen_list.html", context)


FOLLOW_FIELDS = ("follow_instrument", "follow_every_days")


@login_required
@sensitive_post_parameters("cpr")
@require_http_methods(["GET", "POST"])
def citizen_create(request: HttpRequest) -> HttpResponse:
    """Registers a citizen who, as offered, follows the organisation's default instrument at
    its cadence ("Følg instrument", editable, or none): both in one transaction, so that a
    refused cadence registers nobody."""
    if not may_register_citizens(request.user):
        raise PermissionDenied
    organisation = request.user.organisation
    instruments = assessment_selectors.followable_instruments()
    if request.method == "POST":
        form = CitizenCreateForm(request.POST, organisation=organisation)
        follow = FollowChoiceForm(request.POST, instruments=instruments)
        if form.is_valid() and follow.is_valid():
            data = form.cleaned_data
            try:
                citizen = assessment_services.citizen_create_following(
                    actor=request.user,
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    cpr=data["cpr"],
                    home_organisation=organisation,
                    responsible_caseworker=data["responsible_caseworker"],
                    target_group=data["target_group"],
                    creation_token=data["creation_token"],
                    follow_instrument=follow.cleaned_data["follow_instrument"],
                    follow_every_days=follow.cleaned_data["follow_every_days"],
                )
            except ValidationError as error:
                left = errors_onto_form(follow, error, fields=FOLLOW_FIELDS)
                if left:
                    errors_onto_form(form, ValidationError(left))
                    link_duplicate_cpr(request, form)
            else:
                access.citizen_get(request.user, citizen.pk)  # the token's citizen is in scope
                access_log_write(
                    user=request.user,
                    action=AccessAction.CREATE,
                    citizen=citizen,
                    path=request.path,
                )
                messages.success(request, _("The citizen has been registered."))
                return redirect("citizens:detail", citizen_id=citizen.pk)
    else:
        form = CitizenCreateForm(
            organisation=organisation,
            initial={"creation_token": uuid.uuid4(), "responsible_caseworker": request.user},
        )
        default = assessment_selectors.default_follow_of(organisation)
        follow = FollowChoiceForm(
            instruments=instruments,
            initial={
                "follow_instrument": default.instrument_id if default else None,
                "follow_every_days": default.every_days if default else 14,
            },
        )
    return render(
        request,
        "citizens/citizen_form.html",
        {"form": form, "follow_form": follow, "citizen": None},
        status=400 if form.is_bound and (form.errors or follow.errors) else 200,
    )


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
        "case_shares": citizen_selectors.case_shares_for(request.user, citizen),
        "may_share_case": access.may_share_case(request.user, citizen),
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
