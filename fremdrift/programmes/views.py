import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fremdrift.accounts.access import reads_programmes
from fremdrift.accounts.models import Organisation
from fremdrift.assessments.corrections import assessment_corrections
from fremdrift.assessments.forms import answers_from_post, initial_answers, posted_answers
from fremdrift.assessments.models import Assessment
from fremdrift.audit.models import AccessAction
from fremdrift.audit.services import access_log_write
from fremdrift.citizens.access import (
    citizen_get,
    may_name_company_consultant,
    may_record_profile,
)
from fremdrift.core.exceptions import StaleVersion
from fremdrift.core.exports import About, csv_response, xlsx_response
from fremdrift.core.forms import error_sentence, errors_onto_form, form_in_words

from . import selectors, services
from .forms import FidelityAssessmentForm, MilestoneConfirmForm, PaymentReportForm
from .models import Enrolment, Milestone


@login_required
@require_POST
def milestone_confirm(request: HttpRequest, citizen_id: int, enrolment_id: int) -> HttpResponse:
    enrolment = selectors.enrolment_to_change(request.user, citizen_id, enrolment_id)
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
            messages.error(request, error_sentence(error))
        else:
            messages.success(request, _("The milestone has been confirmed."))
    return redirect(f"/citizens/{enrolment.citizen_id}/#referrals")


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
    return PaymentReportForm(data, providers=selectors.payment_providers(request.user))


@login_required
@require_GET
def payment_report(request: HttpRequest) -> HttpResponse:
    """Milestones reached per provider and quarter and what is owed, for the finance
    department, as a page, CSV (Danish Excel) or an Excel workbook."""
    if not reads_programmes(request.user):
        raise Http404
    form = _payment_form(request)
    report = None
    if form.is_valid():
        d = form.cleaned_data
        report = selectors.payment_report(
            request.user, provider=d["provider"], year=d["year"], quarter=d["quarter"]
        )
        export = request.GET.get("format")
        if export not in ("csv", "xlsx"):
            export = None
        _log_specification(request, report, export=export is not None)
        if export == "csv":
            return _payment_csv(report, _payment_about(form, report))
        if export == "xlsx":
            return _payment_xlsx(report, _payment_about(form, report))
    return render(
        request,
        "programmes/payment_report.html",
        {
            "form": form,
            "report": report,
            "specification": _specification_rows(report) if report else None,
            "query": request.GET.urlencode(),
        },
        status=200 if form.is_valid() or not request.GET else 400,
    )


def _log_specification(request: HttpRequest, report, *, export: bool) -> None:
    """The specification shows enrolments (by number) and the dates their citizens reached
    milestones: one access-log row per page or file that shows any, naming those citizens, as
    a list read (a page) or an export (CSV, Excel), with the provider and quarter."""
    if not report.items:
        return
    access_log_write(
        user=request.user,
        action=AccessAction.EXPORT if export else AccessAction.LIST,
        subjects=report.citizen_ids,
        purpose=_("Payment specification, %(provider)s, %(year)s Q%(quarter)s")
        % {"provider": report.provider.name, "year": report.year, "quarter": report.quarter},
        path=request.path,
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


def _specification_rows(report) -> list[list]:
    """Per enrolment (its number, never a name), each milestone reached in the quarter with
    its date and amount; the rows add up to the total."""
    header = [_("Enrolment"), _("Programme"), _("Milestone"), _("Reached on"), _("Amount")]
    rows = [
        [f"F-{i.enrolment_id}", i.programme.name, i.milestone.label, i.reached_on, i.amount]
        for i in report.items
    ]
    return [header, *rows, [_("Total"), "", "", "", report.total]]


def _filename(report, ext: str) -> str:
    return f"milestones-{report.provider.pk}-{report.year}-Q{report.quarter}.{ext}"


def _payment_about(form, report) -> About:
    """The payment report's files say what they are. A bill names every enrolment it pays
    for, so its count of citizens is exact, as on the page (no small-cell rule)."""
    return About(
        name=_("Milestone payments"),
        filters=form_in_words(form),
        size=len(set(report.citizen_ids)),
        size_label=_("Citizens with milestones reached (N)"),
    )


def _payment_csv(report, about: About) -> HttpResponse:
    rows = [
        [report.provider.name, f"{report.year} Q{report.quarter}"],
        *_payment_rows(report),
        [],
        [_("Specification")],
        *_specification_rows(report),
    ]
    return csv_response(rows, _filename(report, "csv"), about=about)


def _payment_xlsx(report, about: About) -> HttpResponse:
    table = _payment_rows(report)
    rows = [
        [report.provider.name],
        [_("Period"), report.first_day.isoformat(), report.last_day.isoformat()],
        [],
        *table,
    ]
    summary_end = len(rows)
    rows += [[], [_("Specification")], *_specification_rows(report)]
    return xlsx_response(
        rows,
        _filename(report, "xlsx"),
        title=f"{report.year} Q{report.quarter}",
        bold_rows={1, 4, summary_end, summary_end + 2, summary_end + 3, len(rows)},
        widths=(30, 28, 40, 12, 14, 10, 14),
        money_columns={5, 7},
        about=about,
    )


def _person_named(
    request: HttpRequest,
    enrolment: Enrolment,
    *,
    field: str,
    candidates: dict,
    not_a_candidate: str,
    assign,
    saved: str,
) -> HttpResponse:
    """A person of the enrolment named from `candidates` (pk as text: user) by the POST's
    `field` (empty: nobody) and saved by `assign(person, version)` against the version the
    page was read at; the outcome among the messages on the citizen's referrals."""
    chosen = request.POST.get(field, "")
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    if chosen and chosen not in candidates:
        messages.error(request, not_a_candidate)
    else:
        try:
            assign(candidates.get(chosen), version)
        except StaleVersion:
            messages.error(
                request,
                _(
                    "Someone else changed this enrolment while you were working. "
                    "Check it and try again."
                ),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.message_dict[field]))
        else:
            messages.success(request, saved)
    return redirect(f"/citizens/{enrolment.citizen_id}/#referrals")


@login_required
@require_POST
def enrolment_assign(request: HttpRequest, citizen_id: int, enrolment_id: int) -> HttpResponse:
    enrolment = selectors.enrolment_to_change(request.user, citizen_id, enrolment_id)
    return _person_named(
        request,
        enrolment,
        field="responsible",
        candidates={str(u.pk): u for u in selectors.responsible_candidates(enrolment)},
        not_a_candidate=_("Choose a member of the programme's staff or a caseworker."),
        assign=lambda person, version: services.enrolment_assign(
            actor=request.user, enrolment=enrolment, expected_version=version, responsible=person
        ),
        saved=_("The responsible member of staff has been saved."),
    )


@login_required
@require_POST
def enrolment_company_consultant(
    request: HttpRequest, citizen_id: int, enrolment_id: int
) -> HttpResponse:
    """The citizen's caseworkers name the job consultant responsible for the company part."""
    citizen = citizen_get(request.user, citizen_id)
    enrolment = get_object_or_404(
        Enrolment.objects.select_related("citizen"), pk=enrolment_id, citizen=citizen
    )
    if not may_name_company_consultant(request.user, enrolment):
        raise PermissionDenied
    return _person_named(
        request,
        enrolment,
        field="company_consultant",
        candidates={str(u.pk): u for u in selectors.company_consultant_candidates(enrolment)},
        not_a_candidate=_("Job consultant: choose a job consultant of the citizen's organisation."),
        assign=lambda person, version: services.enrolment_company_consultant_assign(
            actor=request.user, enrolment=enrolment, expected_version=version, consultant=person
        ),
        saved=_("The job consultant has been saved."),
    )


def _profile_rows(items, shown: dict, errors: dict, prefix: str = "profile_") -> list[dict]:
    return [
        {
            "item": item,
            "raw": shown.get(item.code, {}).get("raw", ""),
            "codes": shown.get(item.code, {}).get("codes", []),
            "errors": errors.get(f"{prefix}{item.code}", []),
        }
        for item in items
    ]


def _profile_summary(items, errors: dict) -> list[dict]:
    """The error summary's lines for the participant profile: the date's and each item's
    errors linked to them, then the others (a refusal of the whole profile) without a link."""
    lines = [{"href": "#profile-date", "text": f"{_('Date')}: {m}"} for m in errors.get("date", [])]
    for item in items:
        for message in errors.get(f"{services.PROFILE_PREFIX}{item.code}", []):
            lines.append({"href": f"#profile-{item.code}", "text": f"{item.text}: {message}"})
    lines.extend(
        {"href": "", "text": message}
        for field, messages_ in errors.items()
        if not field.startswith(services.PROFILE_PREFIX) and field != "date"
        for message in messages_
    )
    return lines


@login_required
@require_http_methods(["GET", "POST"])
def enrolment_profile(request: HttpRequest, citizen_id: int, enrolment_id: int) -> HttpResponse:
    """The enrolment's participant profile ("Deltagerprofil"): recorded once, corrected with
    its history. The citizen's caseworkers only (`citizens.access.may_record_profile`); 404
    to everyone else, as the enrolment's other pages."""
    citizen = citizen_get(request.user, citizen_id)
    if not may_record_profile(request.user, citizen):
        raise Http404
    enrolment = get_object_or_404(
        Enrolment.objects.select_related("programme", "profile"), pk=enrolment_id, citizen=citizen
    )
    items = selectors.profile_items()
    profile = enrolment.profile
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        shown = posted_answers(request.POST, prefix="profile_")
        date_value = request.POST.get("date", "")
        try:
            revision = int(request.POST.get("revision", ""))
        except ValueError:
            revision = None
        try:
            day = parse_date(date_value) if date_value else None
        except ValueError:
            day = None
        if day is None:
            errors["date"] = [_("Enter a valid date.")]
        else:
            try:
                services.enrolment_profile_record(
                    actor=request.user,
                    enrolment=enrolment,
                    date=day,
                    answers=answers_from_post(request.POST, items, prefix="profile_"),
                    expected_revision=revision,
                )
            except StaleVersion:
                errors["answers"] = [
                    _(
                        "Someone else changed this profile while you were working. "
                        "Check it and try again."
                    )
                ]
            except ValidationError as error:
                errors = error.message_dict
            else:
                messages.success(request, _("The participant profile has been saved."))
                return redirect(f"/citizens/{citizen.pk}/#referrals")
        status = 400
    else:
        shown = initial_answers(profile) if profile is not None else {}
        date_value = (profile.date if profile is not None else enrolment.start_date).isoformat()
        revision = profile.revision if profile is not None else ""
    access_log_write(
        user=request.user, action=AccessAction.VIEW, citizen=citizen, path=request.path
    )
    key = f"{Assessment._meta.label}:{profile.pk}" if profile is not None else None
    context = {
        "citizen": citizen,
        "enrolment": enrolment,
        "profile_rows": _profile_rows(items, shown, errors),
        "errors": errors,
        "summary_errors": _profile_summary(items, errors),
        "date_value": date_value,
        "revision": revision if revision is not None else "",
        "corrections": [c for c in assessment_corrections(citizen) if c.object_key == key]
        if key
        else [],
    }
    return render(request, "programmes/enrolment_profile.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def fidelity(request: HttpRequest, programme_id: int) -> HttpResponse:
    """The programme's fidelity assessments, and a new one: the organisation's own unit
    scores its fidelity to the programme's model for a period (seed 004). No citizen."""
    programme = selectors.fidelity_programme_get(request.user, programme_id)
    versions = list(selectors.fidelity_versions())
    wanted = request.POST.get("instrument") or request.GET.get("instrument")
    version = next((v for v in versions if v.instrument.code == wanted), None) or (
        versions[0] if versions else None
    )
    errors: dict = {}
    shown: dict = {}
    status = 200
    if request.method == "POST" and version is not None:
        form = FidelityAssessmentForm(request.POST)
        shown = {key: value for key, value in request.POST.items() if key.startswith("item_")}
        if form.is_valid():
            unit = Organisation.objects.filter(pk=form.cleaned_data["unit"]).first()
            answers = {
                key.removeprefix("item_"): value
                for key, value in request.POST.items()
                if key.startswith("item_")
            }
            try:
                services.fidelity_assessment_record(
                    actor=request.user,
                    programme=programme,
                    unit=unit,
                    version=version,
                    period_start=form.cleaned_data["period_start"],
                    period_end=form.cleaned_data["period_end"],
                    answers=answers,
                )
            except ValidationError as error:
                errors = errors_onto_form(form, error, fields=("period_start", "period_end"))
                status = 400
            else:
                messages.success(request, _("The fidelity assessment has been saved."))
                return redirect("programmes:fidelity", programme_id=programme.pk)
        else:
            status = 400
    else:
        today = dt.date.today()
        form = FidelityAssessmentForm(
            initial={
                "unit": request.user.organisation_id,
                "period_start": today.replace(day=1),
                "period_end": today,
            }
        )
    rows = []
    if version is not None:
        for item in version.items.all():
            rows.append(
                {
                    "item": item,
                    "raw": shown.get(f"item_{item.code}", ""),
                    "errors": errors.get(f"item_{item.code}", []),
                }
            )
    # The error summary: the form's fields (through the form), each item's errors linked to
    # the item, then the service's other refusals without a link.
    summary = [
        {"href": f"#item-{row['item'].code}", "text": f"{row['item'].text}: {message}"}
        for row in rows
        for message in row["errors"]
    ]
    summary.extend(
        {"href": "", "text": message}
        for name, messages_ in errors.items()
        if not name.startswith("item_")
        for message in messages_
    )
    context = {
        "programme": programme,
        "form": form,
        "version": version,
        "versions": versions,
        "rows": rows,
        "summary_errors": summary,
        "assessments": selectors.fidelity_assessments_of(programme),
    }
    return render(request, "programmes/fidelity.html", context, status=status)
