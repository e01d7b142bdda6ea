"""Administrators' retention pages: the organisation's rule, "Klar til sletning" (the citizens
the daily job found due, approved for erasure one by one or together, after a confirmation),
legal holds, and the approvals made. Everyone else gets 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from fremdrift.accounts.access import require_administrator
from fremdrift.audit.models import AccessAction
from fremdrift.audit.services import access_log_write
from fremdrift.core.forms import errors_onto_form

from . import selectors, services
from .forms import ErasureForm, LegalHoldForm, RetentionRuleForm


def _own_citizen(request, citizen_id: int) -> None:
    require_administrator(request, hidden=True)
    if (
        selectors.organisation_citizen(
            organisation_id=request.user.organisation_id, citizen_id=citizen_id
        )
        is None
    ):
        raise Http404


def _page(request, *, rule_form=None, erasure_form=None, status=200):
    organisation_id = request.user.organisation_id
    candidates = list(selectors.erasure_candidates(organisation_id=organisation_id))
    holds = list(selectors.legal_holds_in_force(organisation_id=organisation_id))
    # Logged also when the list is empty: who looked at it for what is part of the record.
    access_log_write(
        user=request.user,
        action=AccessAction.LIST,
        subjects=[c.citizen for c in candidates] + [h.citizen for h in holds],
        purpose=_("Retention"),
        path=request.path,
    )
    context = {
        "months": selectors.retention_months(organisation_id),
        "rule_form": rule_form
        or RetentionRuleForm(
            initial={"months_after_close": selectors.retention_months(organisation_id)}
        ),
        "candidates": candidates,
        "erasure_form": erasure_form or ErasureForm(candidates=candidates),
        "hold_form": LegalHoldForm(),
        "holds": holds,
        "approvals": selectors.erasure_approvals(organisation_id=organisation_id),
    }
    return render(request, "rights/retention.html", context, status=status)


@login_required
@require_GET
def retention_review(request: HttpRequest) -> HttpResponse:
    require_administrator(request, hidden=True)
    return _page(request)


@login_required
@require_POST
def retention_rule(request: HttpRequest) -> HttpResponse:
    require_administrator(request, hidden=True)
    form = RetentionRuleForm(request.POST)
    if form.is_valid():
        try:
            services.retention_rule_set(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_onto_form(form, error)
        else:
            messages.success(request, _("The retention rule has been saved."))
            return redirect("rights:retention")
    return _page(request, rule_form=form, status=400)


@login_required
@require_POST
def erasure_approve(request: HttpRequest) -> HttpResponse:
    """The first post shows what will be erased and asks to confirm; the second erases."""
    require_administrator(request, hidden=True)
    candidates = list(selectors.erasure_candidates(organisation_id=request.user.organisation_id))
    form = ErasureForm(request.POST, candidates=candidates)
    if not form.is_valid():
        return _page(request, erasure_form=form, status=400)
    chosen = [c for c in candidates if c.citizen_id in form.cleaned_data["citizens"]]
    if not form.cleaned_data["confirm"]:
        access_log_write(
            user=request.user,
            action=AccessAction.LIST,
            subjects=[c.citizen for c in chosen],
            purpose=_("Retention"),
            path=request.path,
        )
        return render(request, "rights/erasure_confirm.html", {"chosen": chosen})
    try:
        approval = services.erasure_approve(
            actor=request.user, citizen_ids=form.cleaned_data["citizens"]
        )
    except ValidationError as error:
        errors_onto_form(form, error)
        return _page(request, erasure_form=form, status=400)
    erased = approval.erased if approval else 0
    messages.success(
        request,
        ngettext(
            "%(count)d citizen's data have been erased.",
            "%(count)d citizens' data have been erased.",
            erased,
        )
        % {"count": erased},
    )
    return redirect("rights:retention")


@login_required
@require_POST
def legal_hold_place(request: HttpRequest, citizen_id: int) -> HttpResponse:
    _own_citizen(request, citizen_id)
    form = LegalHoldForm(request.POST)
    if form.is_valid():
        try:
            services.legal_hold_place(
                actor=request.user, citizen_id=citizen_id, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The legal hold has been placed."))
    else:
        messages.error(request, _("Give the reason for the legal hold."))
    return redirect("rights:retention")


@login_required
@require_POST
def legal_hold_lift(request: HttpRequest, citizen_id: int) -> HttpResponse:
    _own_citizen(request, citizen_id)
    try:
        services.legal_hold_lift(actor=request.user, citizen_id=citizen_id)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The legal hold has been lifted."))
    return redirect("rights:retention")
