import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fremdrift.audit.models import AccessAction
from fremdrift.audit.services import access_log_write
from fremdrift.citizens.selectors import citizen_get
from fremdrift.core.exports import csv_response, xlsx_response

from . import selectors, services
from .forms import EnrolmentExitForm, MilestoneConfirmForm, PaymentReportForm
from .models import Enrolment, Milestone


def _enrolment(request: HttpRequest, citizen_id: int, enrolment_id: int) -> Enrolment:
    citizen = citizen_get(request.user, citizen_id)
    enrolment = get_object_or_404(
        Enrolment.objects.select_related("programme__organisation", "citizen"),
        pk=enrolment_id,
        citizen=citizen,
    )
    if not selectors.may_end_enrolment(request.user, enrolment):
        raise PermissionDenied
    return enrolment


@login_required
@require_http_methods(["GET", "POST"])
def enrolment_exit(request: HttpRequest, citizen_id: int, enrolment_id: int) -> HttpResponse:
    """Ends an enrolment: exit reason and date; active referrals to the programme end with it;
    the plan's running activities and mentors close too if asked."""
    enrolment = _enrolment(request, citizen_id, enrolment_id)
    reasons = services.exit_reasons_of(enrolment.programme)
    status = 200
    if request.method == "POST":
        form = EnrolmentExitForm(request.POST, reasons=reasons)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.enrolment_end(
                    actor=request.user,
                    enrolment=enrolment,
                    expected_version=d["version"],
                    end_date=d["end_date"],
                    exit_reason=d["exit_reason"],
                    note=d["note"],
                    close_plan=d["close_plan"],
                )
            except services.StaleVersion:
                enrolment.refresh_from_db()
                fresh = request.POST.copy()
                fresh["version"] = str(enrolment.version)
                form = EnrolmentExitForm(fresh, reasons=reasons)
                form.is_valid()
                form.add_error(
                    None,
                    _(
                        "Someone else changed this enrolment while you were working. "
                        "Check it and try again."
                    ),
                )
                status = 409
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
                status = 400
            else:
                messages.success(request, _("The exit has been recorded."))
                return redirect(f"/citizens/{enrolment.citizen_id}/#referrals")
        else:
            status = 400
    else:
        form = EnrolmentExitForm(initial={"version": enrolment.version}, reasons=reasons)
    return render(
        request,
        "programmes/enrolment_exit.html",
        {"enrolment": enrolment, "citizen": enrolment.citizen, "form": form},
        status=status,
    )


@login_required
@require_POST
def milestone_confirm(request: HttpRequest, citizen_id: int, enrolment_id: int) -> HttpResponse:
    enrolment = _enrolment(request, citizen_id, enrolment_id)
    form = MilestoneConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the date the milestone was reached."))
    else:
        milestone = get_object_or_404(
            Milestone, pk=form.cleaned_data["milestone"], programme=enrolment.programme
        )
        try:
            services.milestone_confirm(
                actor=request.user,
                enrolment=enrolment,
                milestone=milestone,
                reached_on=form.cleaned_data["reached_on"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(m for ms in error.message_dict.values() for m in ms))
        else:
            messages.success(request, _("The milestone has been confirmed."))
    return redirect(f"/citizens/{enrolment.citizen_id}/#referrals")


@login_required
@require_GET
def programme_list(request: HttpRequest) -> HttpResponse:
    programmes = selectors.programmes_for(request.user)
    if request.user.role not in selectors.CASE_ROLES:
        raise Http404
    return render(
        request,
        "programmes/programme_list.html",
        {"programmes": selectors.programme_list(programmes)},
    )


@login_required
@require_GET
def programme_detail(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = get_object_or_404(selectors.programmes_for(request.user), pk=programme_id)
    context = selectors.programme_overview(request.user, programme)
    shown = [row.citizen for row in context["active"] + context["exits"] if row.citizen]
    if shown:
        access_log_write(
            user=request.user,
            action=AccessAction.LIST,
            subjects=shown,
            path=request.path,
        )
    return render(request, "programmes/programme_detail.html", context)


def _payment_form(request: HttpRequest) -> PaymentReportForm:
    today = dt.date.today()
    data = request.GET.copy()
    data.setdefault("year", str(today.year))
    data.setdefault("quarter", str((today.month - 1) // 3 + 1))
    if (
        "provider" not in data
        and request.user.organisation
        and (request.user.organisation.kind != "authority")
    ):
        data["provider"] = str(request.user.organisation_id)
    return PaymentReportForm(data)


@login_required
@require_GET
def payment_report(request: HttpRequest) -> HttpResponse:
    """Milestones reached per provider and quarter and what is owed, for the finance
    department, as a page, CSV (Danish Excel) or an Excel workbook."""
    if request.user.role not in selectors.CASE_ROLES:
        raise Http404
    form = _payment_form(request)
    report = None
    if form.is_valid():
        d = form.cleaned_data
        report = selectors.payment_report(
            request.user, provider=d["provider"], year=d["year"], quarter=d["quarter"]
        )
        export = request.GET.get("format")
        if export == "csv":
            return _payment_csv(report)
        if export == "xlsx":
            return _payment_xlsx(report)
    return render(
        request,
        "programmes/payment_report.html",
        {"form": form, "report": report, "query": request.GET.urlencode()},
        status=200 if form.is_valid() or not request.GET else 400,
    )


def _payment_rows(report) -> list[list]:
    header = [
        _("Programme"),
        _("Milestone code"),
        _("Milestone"),
        _("Share of the price (%)"),
        _("Price per citizen"),
        _("Citizens"),
        _("Amount"),
    ]
    rows = [
        [
            line.programme.name,
            line.milestone.code,
            line.milestone.label,
            line.milestone.share,
            line.programme.price,
            line.citizens,
            line.amount,
        ]
        for line in report.lines
    ]
    return [
        header,
        *rows,
        [_("Total"), "", "", "", "", sum(li.citizens for li in report.lines), report.total],
    ]


def _filename(report, ext: str) -> str:
    return f"milestones-{report.provider.pk}-{report.year}-Q{report.quarter}.{ext}"


def _payment_csv(report) -> HttpResponse:
    rows = [[report.provider.name, f"{report.year} Q{report.quarter}"], *_payment_rows(report)]
    return csv_response(rows, _filename(report, "csv"))


def _payment_xlsx(report) -> HttpResponse:
    table = _payment_rows(report)
    rows = [
        [report.provider.name],
        [_("Period"), report.first_day.isoformat(), report.last_day.isoformat()],
        [],
        *table,
    ]
    return xlsx_response(
        rows,
        _filename(report, "xlsx"),
        title=f"{report.year} Q{report.quarter}",
        bold_rows={1, 4, len(rows)},
        widths=(30, 28, 40, 12, 14, 10, 14),
        money_columns={5, 7},
    )


@login_required
@require_POST
def enrolment_assign(request: HttpRequest, citizen_id: int, enrolment_id: int) -> HttpResponse:
    enrolment = _enrolment(request, citizen_id, enrolment_id)
    candidates = {str(u.pk): u for u in selectors.responsible_candidates(enrolment)}
    chosen = request.POST.get("responsible", "")
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    if chosen and chosen not in candidates:
        messages.error(request, _("Choose a member of the programme's staff or a caseworker."))
    else:
        try:
            services.enrolment_assign(
                actor=request.user,
                enrolment=enrolment,
                expected_version=version,
                responsible=candidates.get(chosen),
            )
        except services.StaleVersion:
            messages.error(
                request,
                _(
                    "Someone else changed this enrolment while you were working. "
                    "Check it and try again."
                ),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.message_dict["responsible"]))
        else:
            messages.success(request, _("The responsible member of staff has been saved."))
    return redirect(f"/citizens/{enrolment.citizen_id}/#referrals")
