import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from fremdrift.accounts.access import may_register_citizens
from fremdrift.audit.models import AccessAction
from fremdrift.audit.services import access_log_write
from fremdrift.core.exceptions import StaleVersion
from fremdrift.core.forms import errors_onto_form

from . import access, selectors, services
from .forms import CaseShareForm, CitizenEditForm, ReassignForm, ShowCprForm


def link_duplicate_cpr(request: HttpRequest, form, *, except_pk: int | None = None) -> None:
    """A CPR number refused as a duplicate within the organisation: the error under the field
    links to the citizen who holds it ("Borgeren findes allerede: <name>"), when the user may
    see that citizen. Only the user's own organisation is asked, so nothing changes for a
    number another organisation holds (`docs/architecture.md`). The name shown is a read of
    that citizen, logged."""
    errors = form.errors.get("cpr") or []
    if str(services.DUPLICATE_CPR) not in [str(e) for e in errors]:
        return
    existing = selectors.citizen_with_cpr_in_scope(
        request.user, form.data.get("cpr", ""), except_pk=except_pk
    )
    if existing is None:
        return
    access_log_write(
        user=request.user, action=AccessAction.VIEW, citizen=existing, path=request.path
    )
    link = format_html(
        '<a href="{}" data-testid="existing-citizen">{}</a>',
        reverse("citizens:detail", args=[existing.pk]),
        existing.full_name,
    )
    form.errors["cpr"] = form.error_class(
        [format_html(_("The citizen is already registered: {link}"), link=link)]
    )


def _require_case_change(request: HttpRequest) -> None:
    if not may_register_citizens(request.user):
        raise PermissionDenied


@login_required
@sensitive_post_parameters("cpr")
@require_http_methods(["GET", "POST"])
def citizen_edit(request: HttpRequest, citizen_id: int) -> HttpResponse:
    citizen = access.citizen_get(request.user, citizen_id)
    if not access.may_change_citizen(request.user, citizen):
        raise PermissionDenied
    organisation = citizen.home_organisation
    status = 200
    stale = False
    if request.method == "POST":
        form = CitizenEditForm(
            request.POST, organisation=organisation, keep=[citizen.target_group_id]
        )
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.citizen_update(
                    actor=request.user,
                    citizen=citizen,
                    expected_version=data["version"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    cpr=data["cpr"],
                    responsible_caseworker=data["responsible_caseworker"],
                    target_group=data["target_group"],
                )
            except StaleVersion:
                citizen = access.citizen_get(request.user, citizen_id)
                form = _edit_form_for(citizen)
                stale = True
                status = 409
            except ValidationError as error:
                errors_onto_form(form, error)
                link_duplicate_cpr(request, form, except_pk=citizen.pk)
            else:
                access_log_write(
                    user=request.user, action=AccessAction.EDIT, citizen=citizen, path=request.path
                )
                messages.success(request, _("The changes have been saved."))
                return redirect("citizens:detail", citizen_id=citizen.pk)
    else:
        form = _edit_form_for(citizen)
    if status == 200 and form.is_bound and form.errors:
        status = 400
    access_log_write(
        user=request.user, action=AccessAction.VIEW, citizen=citizen, path=request.path
    )
    return render(
        request,
        "citizens/citizen_form.html",
        {"form": form, "citizen": citizen, "stale": stale},
        status=status,
    )


def _edit_form_for(citizen) -> CitizenEditForm:
    return CitizenEditForm(
        organisation=citizen.home_organisation,
        keep=[citizen.target_group_id],
        initial={
            "first_name": citizen.first_name,
            "last_name": citizen.last_name,
            "target_group": citizen.target_group,
            "responsible_caseworker": citizen.responsible_caseworker,
            "version": citizen.version,
        },
    )


@login_required
@require_POST
def citizen_show_cpr(request: HttpRequest, citizen_id: int) -> HttpResponse:
    """The one place the full CPR number is shown, on purpose, and logged."""
    citizen = access.citizen_get(request.user, citizen_id)
    if not access.may_reveal_cpr(request.user, citizen):
        raise PermissionDenied
    form = ShowCprForm(request.POST)
    if not form.is_valid():
        access_log_write(
            user=request.user, action=AccessAction.VIEW, citizen=citizen, path=request.path
        )
        context = {"citizen": citizen, "show_cpr_form": form}
        template = "citizens/_cpr_form.html" if request.htmx else "citizens/citizen_cpr.html"
        return render(request, template, context, status=400)
    access_log_write(
        user=request.user,
        action=AccessAction.SHOW_CPR,
        citizen=citizen,
        purpose=form.purpose_for_log(),
        path=request.path,
    )
    context = {"citizen": citizen, "cpr": selectors.citizen_cpr(citizen)}
    if request.htmx:
        return render(request, "citizens/_cpr_shown.html", context)
    return render(request, "citizens/citizen_cpr.html", context)


@login_required
@require_POST
def citizens_reassign(request: HttpRequest) -> HttpResponse:
    _require_case_change(request)
    # Only the home organisation's citizens: a shared case keeps its responsible caseworker.
    in_scope = access.citizens_in_scope(request.user, to_change=True).filter(
        home_organisation_id=request.user.organisation_id
    )
    form = ReassignForm(request.POST, citizens=in_scope, organisation=request.user.organisation)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(errors)}")
        return redirect("citizens:list")
    chosen = in_scope.filter(pk__in=[c.pk for c in form.cleaned_data["citizens"]])
    moved = services.citizens_reassign_caseworker(
        actor=request.user, citizens=chosen, caseworker=form.cleaned_data["caseworker"]
    )
    messages.success(
        request,
        _("%(count)d citizens moved to %(name)s.")
        % {"count": moved, "name": form.cleaned_data["caseworker"]},
    )
    return redirect("citizens:list")


@login_required
@require_http_methods(["GET", "POST"])
def case_share_create(request: HttpRequest, citizen_id: int) -> HttpResponse:
    """Share the case with another authority: the home organisation's caseworkers."""
    citizen = access.citizen_get(request.user, citizen_id)
    if not access.may_share_case(request.user, citizen):
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        form = CaseShareForm(request.POST, citizen=citizen)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.case_share_create(
                    actor=request.user,
                    citizen=citizen,
                    shared_with=data["shared_with"],
                    purpose=data["purpose"],
                    start_date=data["start_date"],
                    end_date=data["end_date"],
                )
            except ValidationError as error:
                errors_onto_form(form, error)
            else:
                messages.success(request, _("The case is shared."))
                return redirect("citizens:detail", citizen_id=citizen.pk)
        status = 400
    else:
        form = CaseShareForm(citizen=citizen, initial={"start_date": dt.date.today()})
    access_log_write(
        user=request.user, action=AccessAction.VIEW, citizen=citizen, path=request.path
    )
    return render(
        request, "citizens/case_share_form.html", {"form": form, "citizen": citizen}, status=status
    )


@login_required
@require_POST
def case_share_end(request: HttpRequest, citizen_id: int, share_id: int) -> HttpResponse:
    """End a share at once (the page asks to confirm): the other authority loses the case on
    its next request."""
    citizen = access.citizen_get(request.user, citizen_id)
    if not access.may_share_case(request.user, citizen):
        raise PermissionDenied
    share = get_object_or_404(citizen.case_shares, pk=share_id)
    try:
        services.case_share_end(actor=request.user, share=share)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The collaboration has ended."))
    return redirect("citizens:detail", citizen_id=citizen.pk)
