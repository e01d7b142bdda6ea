import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fremdrift.accounts.access import is_provider_staff
from fremdrift.audit.models import AccessAction
from fremdrift.audit.services import access_log_write
from fremdrift.citizens.access import (
    citizen_get,
    may_record_assessment,
    may_record_profile,
    may_record_programme_instrument,
)
from fremdrift.core.exceptions import StaleVersion
from fremdrift.core.forms import errors_onto_form
from fremdrift.instruments.models import Instrument, Purpose, Respondent

from . import charts, selectors, services
from .forms import (
    AssessmentHeaderForm,
    answers_from_post,
    initial_answers,
    new_header_initial,
    posted_answers,
)
from .models import Assessment


def _citizen(request: HttpRequest, citizen_id: int, instrument: Instrument | None = None):
    """The general assessment pages are not shared with providers: a referral shares its
    focus items, which the provider scores on the referral itself. The exception is the
    programme's own instruments (a survey, an observation) for a citizen referred to the
    provider, `instrument` (`citizens.access.may_record_programme_instrument`)."""
    citizen = citizen_get(request.user, citizen_id)
    _refuse_provider(request.user, citizen, instrument)
    return citizen


def _refuse_provider(user, citizen, instrument: Instrument | None) -> None:
    if is_provider_staff(user) and (
        instrument is None or not may_record_programme_instrument(user, citizen, instrument)
    ):
        raise Http404


def _instrument(code: str | None) -> Instrument:
    instrument = Instrument.objects.filter(code=code or "adult_wheel").first()
    if instrument is None:
        raise Http404
    return instrument


def _ids(raw: str) -> list[int]:
    try:
        return [int(part) for part in raw.split(",") if part.strip()][:12]
    except ValueError:
        return []


@login_required
@require_GET
def wheel_svg(request: HttpRequest, citizen_id: int) -> HttpResponse:
    """The movement wheel as a standalone SVG; `?assessments=1,2,3` chooses what to compare."""
    instrument = _instrument(request.GET.get("instrument"))
    citizen = _citizen(request, citizen_id, instrument)
    data = selectors.wheel_data(
        citizen,
        instrument,
        assessment_ids=_ids(request.GET.get("assessments", "")),
        with_history=False,
    )
    access_log_write(
        user=request.user, action=AccessAction.VIEW, citizen=citizen, path=request.path
    )
    svg = charts.wheel_svg(data, citizen_name=citizen.full_name)
    return HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")


def _respondent_choices(version) -> list[tuple[str, str]]:
    labels = dict(Respondent.choices)
    return [(code, labels[code]) for code in version.respondents if code in labels]


def _default_respondent(user, version) -> str:
    wanted = "provider" if is_provider_staff(user) else "joint"
    return wanted if wanted in version.respondents else version.respondents[0]


SAVE_ANYWAY = "save_anyway"


def _incomplete_choice(post, saved_reason: str = "") -> str | None:
    """The reason for saving incomplete when the user chose "gem alligevel" (blank if they
    wrote none); else the assessment's earlier reason, or None: not chosen."""
    if post.get("incomplete") == SAVE_ANYWAY:
        return post.get("incomplete_reason", "")
    return saved_reason or None


def _status_posted(post, default: str) -> str:
    """The status the button asked for; "gem alligevel" saves the assessment as completed."""
    if post.get("incomplete") == SAVE_ANYWAY:
        return Assessment.Status.COMPLETED
    return post.get("status", default)


def _form_context(citizen, version, header, answers, errors, assessment=None, reason=""):
    items = list(version.items.all())
    missing_codes = set()
    if errors.get("missing_items") or errors.get("incomplete_reason"):
        # The same rule as the service's, over the answers as posted (`posted_answers`).
        missing_codes = {
            item.code
            for item in items
            if item.is_ordinal and not answers.get(item.code, {}).get("raw", "")
        }
    rows = []
    for item in items:
        shown = answers.get(item.code, {})
        rows.append(
            {
                "item": item,
                "raw": shown.get("raw", ""),
                "codes": shown.get("codes", []),
                "comment": shown.get("comment", ""),
                "errors": errors.get(f"item_{item.code}", []),
            }
        )
    return {
        "citizen": citizen,
        "version": version,
        "instrument": version.instrument,
        "header": header,
        "rows": rows,
        "general_errors": errors.get("answers", []) + errors.get("version", []),
        "rows_have_errors": any(row["errors"] for row in rows),
        "assessment": assessment,
        # "Gem som kladde" or "gem alligevel": the scored items left unanswered, for the
        # error summary, with the reason asked for and its error.
        "missing_items": [item for item in items if item.code in missing_codes],
        "incomplete_reason": reason,
        "incomplete_reason_errors": errors.get("incomplete_reason", []),
    }


def _errors_of(error: ValidationError, header) -> dict:
    """The header's errors onto its form; the others (answers, items) for the rows."""
    fields = ("date", "respondent", "status", *(("round",) if "round" in header.fields else ()))
    return errors_onto_form(header, error, fields=fields)


@login_required
@require_http_methods(["GET", "POST"])
def assessment_create(request: HttpRequest, citizen_id: int) -> HttpResponse:
    instrument = _instrument(request.GET.get("instrument") or request.POST.get("instrument"))
    citizen = _citizen(request, citizen_id, instrument)
    if not may_record_assessment(request.user, citizen):
        raise PermissionDenied
    version = selectors.published_version(instrument)
    if version is None or instrument.purpose in (Purpose.PROFILE, Purpose.FIDELITY):
        # The participant profile is recorded on its enrolment, fidelity on the programme.
        raise Http404
    choices = _respondent_choices(version)
    errors: dict = {}
    if request.method == "POST":
        header = AssessmentHeaderForm(
            request.POST,
            respondents=choices,
            rounds=instrument.purpose == Purpose.SATISFACTION,
        )
        answers_shown = posted_answers(request.POST)
        same_day = None
        if header.is_valid() and request.POST.get("same_day") != "confirm":
            same_day = selectors.same_day_assessment(
                citizen, instrument, header.cleaned_data["date"]
            )
        if same_day is not None:
            # A second assessment of the same day is more often a double click or a wrong
            # date than a new reading: ask first, keep everything typed.
            errors = {"same_day": same_day}
        elif header.is_valid():
            try:
                services.assessment_record(
                    actor=request.user,
                    citizen=citizen,
                    version=version,
                    date=header.cleaned_data["date"],
                    respondent=header.cleaned_data["respondent"],
                    status=_status_posted(request.POST, Assessment.Status.COMPLETED),
                    answers=answers_from_post(request.POST, list(version.items.all())),
                    creation_token=header.cleaned_data["creation_token"],
                    round=header.cleaned_data.get("round"),
                    require_complete=True,
                    incomplete_reason=_incomplete_choice(request.POST),
                )
            except ValidationError as error:
                errors = _errors_of(error, header)
            else:
                access_log_write(
                    user=request.user,
                    action=AccessAction.EDIT,
                    citizen=citizen,
                    path=request.path,
                )
                messages.success(request, _("The assessment has been saved."))
                if is_provider_staff(request.user):
                    return redirect("citizens:detail", citizen_id=citizen.pk)
                return redirect(f"/citizens/{citizen.pk}/?instrument={instrument.code}#wheel")
    else:
        header = AssessmentHeaderForm(
            initial=new_header_initial(_default_respondent(request.user, version)),
            respondents=choices,
            rounds=instrument.purpose == Purpose.SATISFACTION,
        )
        answers_shown = {}
    access_log_write(
        user=request.user, action=AccessAction.VIEW, citizen=citizen, path=request.path
    )
    context = _form_context(
        citizen,
        version,
        header,
        answers_shown,
        errors,
        reason=request.POST.get("incomplete_reason", "") if request.method == "POST" else "",
    )
    context["same_day"] = errors.get("same_day")
    context["same_day_confirmed"] = request.POST.get("same_day") == "confirm"
    context["preview_svg"] = charts.wheel_svg(
        selectors.wheel_data(citizen, instrument, with_history=False),
        citizen_name=citizen.full_name,
        draft_scores=_draft_scores(request.POST, version) if request.method == "POST" else {},
        id_prefix="preview",
    )
    # A refused assessment comes back with everything as posted: 400, nothing saved.
    bad = request.method == "POST" and bool(errors or header.errors)
    return render(request, "assessments/assessment_form.html", context, status=400 if bad else 200)


def _draft_scores(post, version) -> dict[str, float | None]:
    scores: dict[str, float | None] = {}
    for item in version.items.all():
        if not item.is_ordinal:
            continue
        try:
            value = float(post.get(f"item_{item.code}", ""))
        except ValueError:
            continue
        if item.scale_min <= value <= item.scale_max:
            scores[item.code] = value
    return scores


@login_required
@require_POST
def wheel_preview(request: HttpRequest, citizen_id: int) -> HttpResponse:
    """The wheel with the answers being filled in drawn as today's, for the conversation."""
    instrument = _instrument(request.POST.get("instrument"))
    citizen = _citizen(request, citizen_id, instrument)
    version = selectors.published_version(instrument)
    if version is None:
        raise Http404
    svg = charts.wheel_svg(
        selectors.wheel_data(citizen, instrument, with_history=False),
        citizen_name=citizen.full_name,
        draft_scores=_draft_scores(request.POST, version),
        id_prefix="preview",
    )
    access_log_write(
        user=request.user, action=AccessAction.VIEW, citizen=citizen, path=request.path
    )
    return render(request, "assessments/_preview.html", {"preview_svg": svg})


@login_required
@require_http_methods(["GET", "POST"])
def assessment_edit(request: HttpRequest, citizen_id: int, assessment_id: int) -> HttpResponse:
    """Shows an assessment; those who may record can correct it."""
    citizen = citizen_get(request.user, citizen_id)
    assessment = get_object_or_404(
        Assessment.objects.select_related("version__instrument"),
        pk=assessment_id,
        citizen=citizen,
    )
    _refuse_provider(request.user, citizen, assessment.version.instrument)
    if assessment.version.instrument.purpose == Purpose.PROFILE and not may_record_profile(
        request.user, citizen
    ):
        raise Http404
    version = assessment.version
    may_record = may_record_assessment(request.user, citizen) and (
        # Provider staff correct their own organisation's answers, and read the others'.
        not is_provider_staff(request.user)
        or assessment.recorded_by_organisation_id == request.user.organisation_id
    )
    choices = _respondent_choices(version)
    errors: dict = {}
    status = 200
    if request.method == "POST":
        if not may_record:
            raise PermissionDenied
        header = AssessmentHeaderForm(request.POST, respondents=choices)
        answers_shown = posted_answers(request.POST)
        if header.is_valid():
            try:
                services.assessment_correct(
                    actor=request.user,
                    assessment=assessment,
                    expected_revision=header.cleaned_data["revision"] or 0,
                    date=header.cleaned_data["date"],
                    respondent=header.cleaned_data["respondent"],
                    status=_status_posted(request.POST, assessment.status),
                    answers=answers_from_post(request.POST, list(version.items.all())),
                    require_complete=True,
                    incomplete_reason=_incomplete_choice(
                        request.POST, assessment.incomplete_reason
                    ),
                )
            except StaleVersion:
                assessment.refresh_from_db()
                header = AssessmentHeaderForm(
                    initial=_header_initial(assessment), respondents=choices
                )
                answers_shown = initial_answers(assessment)
                errors = {
                    "answers": [
                        _(
                            "Someone else corrected this assessment while you were editing. "
                            "The form now shows their version; make your change again."
                        )
                    ]
                }
                status = 409
            except ValidationError as error:
                errors = _errors_of(error, header)
            else:
                access_log_write(
                    user=request.user,
                    action=AccessAction.EDIT,
                    citizen=citizen,
                    path=request.path,
                )
                messages.success(request, _("The correction has been saved."))
                return redirect(f"/citizens/{citizen.pk}/?instrument={version.instrument.code}")
    else:
        header = AssessmentHeaderForm(initial=_header_initial(assessment), respondents=choices)
        answers_shown = initial_answers(assessment)
    access_log_write(
        user=request.user, action=AccessAction.VIEW, citizen=citizen, path=request.path
    )
    context = _form_context(
        citizen,
        version,
        header,
        answers_shown,
        errors,
        assessment,
        reason=request.POST.get("incomplete_reason", assessment.incomplete_reason)
        if request.method == "POST"
        else assessment.incomplete_reason,
    )
    # An assessment opens to be read; "Ret" (`?edit=1`) opens it for correction. A draft is
    # still being filled in and opens for editing.
    editing = (
        request.method == "POST"
        or request.GET.get("edit") == "1"
        or assessment.status == Assessment.Status.DRAFT
    )
    context["read_only"] = not (may_record and editing)
    context["may_correct"] = may_record and not editing
    if context["read_only"]:
        for field in header.fields.values():
            field.disabled = True
    context["corrections"] = selectors.corrections_of(assessment)
    if status == 200 and request.method == "POST" and (errors or header.errors):
        status = 400  # refused, everything as posted, nothing saved
    return render(request, "assessments/assessment_form.html", context, status=status)


def _header_initial(assessment: Assessment) -> dict:
    return {
        "date": assessment.date,
        "respondent": assessment.respondent,
        "revision": assessment.revision,
    }


@login_required
@require_POST
def follow_create(request: HttpRequest, citizen_id: int) -> HttpResponse:
    """Starts following an instrument at a cadence, or changes the cadence from a date."""
    citizen = _citizen(request, citizen_id)
    if not may_record_assessment(request.user, citizen):
        raise PermissionDenied
    instrument = _instrument(request.POST.get("instrument"))
    try:
        start = dt.date.fromisoformat(request.POST.get("start_date", ""))
    except ValueError:
        messages.error(request, _("Start date: enter a date."))
        return redirect("citizens:detail", citizen_id=citizen.pk)
    every, unit = request.POST.get("every", ""), request.POST.get("unit", "days")
    steps_raw = request.POST.get("steps", "")
    try:
        number = int(every) if every.strip() else None
        steps = [int(part) for part in steps_raw.replace(" ", "").split(",") if part]
    except ValueError:
        messages.error(request, _("Cadence: write whole numbers."))
        return redirect("citizens:detail", citizen_id=citizen.pk)
    cadence = {
        "every_days": number if unit == "days" else None,
        "every_months": number if unit == "months" else None,
        "steps_days": steps,
    }
    existing = citizen.follows.filter(instrument=instrument, is_active=True).first()
    try:
        if existing:
            services.follow_change_cadence(
                actor=request.user, follow=existing, starts_on=start, **cadence
            )
        else:
            services.follow_start(
                actor=request.user,
                citizen=citizen,
                instrument=instrument,
                start_date=start,
                **cadence,
            )
    except ValidationError as error:
        for field, errors in error.message_dict.items():
            messages.error(request, f"{field}: {' '.join(errors)}")
    else:
        messages.success(request, _("The cadence has been saved."))
    return redirect("citizens:detail", citizen_id=citizen.pk)


@login_required
@require_POST
def target_set(request: HttpRequest, citizen_id: int) -> HttpResponse:
    citizen = _citizen(request, citizen_id)
    if not may_record_assessment(request.user, citizen):
        raise PermissionDenied
    instrument = _instrument(request.POST.get("instrument"))
    raw = request.POST.get("value", "").strip()
    try:
        value = float(raw) if raw else None
        services.target_score_set(
            actor=request.user,
            citizen=citizen,
            instrument=instrument,
            item_code=request.POST.get("item", ""),
            value=value,
        )
    except ValueError:
        messages.error(request, _("Target: enter a number."))
    except ValidationError as error:
        for errors in error.message_dict.values():
            messages.error(request, " ".join(errors))
    return redirect(f"/citizens/{citizen.pk}/?instrument={instrument.code}#wheel")
