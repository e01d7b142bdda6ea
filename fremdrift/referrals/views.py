import contextlib
import datetime as dt
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from fremdrift.accounts.access import is_provider_staff
from fremdrift.assessments.forms import answers_from_post, posted_answers
from fremdrift.assessments.selectors import latest_whole_reading, published_version
from fremdrift.audit.models import AccessAction
from fremdrift.audit.services import access_log_write
from fremdrift.citizens.access import citizen_get, may_change_citizen, may_close_programme
from fremdrift.core.exceptions import StaleVersion
from fremdrift.core.forms import error_sentence, errors_onto_form
from fremdrift.programmes import selectors as programme_selectors
from fremdrift.programmes import services as programme_services
from fremdrift.programmes.forms import EnrolmentExitForm, ProgrammeCloseForm
from fremdrift.programmes.models import Programme

from . import selectors, services
from .forms import ReferralEndForm, ReferralForm
from .models import Referral
from .panels import referrals_panel


def _citizen_to_change(request: HttpRequest, citizen_id: int):
    citizen = citizen_get(request.user, citizen_id)
    if not may_change_citizen(request.user, citizen):
        raise PermissionDenied
    return citizen


def _focus_choices(programme: Programme | None, instrument) -> list:
    """The items a caseworker can choose as focus items: the scaled items of the chosen
    instrument of the programme."""
    if programme is None or instrument is None:
        return []
    version = published_version(instrument)
    return [item for item in version.items.all() if item.is_ordinal] if version else []


def _chosen(form: ReferralForm, data) -> tuple[Programme | None, object]:
    programme = None
    with contextlib.suppress(TypeError, ValueError):
        programme = form.fields["programme"].queryset.filter(pk=int(data.get("programme"))).first()
    if programme is None:
        return None, None
    instruments = [
        pi.instrument for pi in programme.programme_instruments.select_related("instrument")
    ]
    wanted = data.get("instrument")
    instrument = next((i for i in instruments if str(i.pk) == wanted), None)
    return programme, instrument or (instruments[0] if instruments else None)


def _number(value: float | None) -> str:
    """A score as the form shows it: 4, not 4.0."""
    if value is None:
        return ""
    return str(int(value)) if value == int(value) else str(value)


def _referral_summary(errors: dict[str, list[str]], items: list) -> list[dict]:
    """The error summary's lines for the referral's own fields (the focus items, their
    starting scores, the profile); the form's fields add theirs in the template."""
    labels = {item.code: item.label for item in items}
    lines = []
    for key, texts in errors.items():
        if key == "focus":
            href = f"#focus-{items[0].code}" if items else ""
            lines += [{"href": href, "text": m} for m in texts]
        elif key.startswith("start_"):
            code = key.removeprefix("start_")
            lines += [{"href": f"#{key}", "text": f"{labels.get(code, code)}: {m}"} for m in texts]
        else:
            lines += [{"href": "", "text": m} for m in texts]
    return lines


@login_required
@require_http_methods(["GET", "POST"])
def referral_create(request: HttpRequest, citizen_id: int) -> HttpResponse:
    """A caseworker refers a citizen to a provider's programme: focus items, starting scores,
    period and cadence. Choosing the programme reloads the focus items (htmx or a button)."""
    citizen = _citizen_to_change(request, citizen_id)
    data = request.POST if request.method == "POST" else request.GET
    probe = ReferralForm()
    programme, instrument = _chosen(probe, data)
    status = 200
    focus_errors: dict[str, list[str]] = {}
    profile_items = programme_selectors.profile_items()
    profile_shown = posted_answers(data, prefix="profile_")
    if request.method == "POST":
        form = ReferralForm(request.POST, programme=programme)
        focus = request.POST.getlist("focus")
        scores = {code: request.POST.get(f"start_{code}", "") for code in focus}
        if form.is_valid():
            d = form.cleaned_data
            try:
                referral = services.referral_create(
                    actor=request.user,
                    citizen=citizen,
                    programme=d["programme"],
                    instrument=d["instrument"] or instrument,
                    start_date=d["start_date"],
                    end_date=d["end_date"],
                    interval_days=d["interval_days"],
                    starting_scores=scores,
                    profile=answers_from_post(request.POST, profile_items, prefix="profile_"),
                )
            except ValidationError as error:
                focus_errors = errors_onto_form(form, error, fields=form.fields)
            else:
                messages.success(
                    request,
                    _("%(name)s has been referred to %(programme)s.")
                    % {"name": citizen.first_name, "programme": referral.programme.name},
                )
                return redirect(f"/citizens/{citizen.pk}/#referrals")
        status = 400
    else:
        initial = {"programme": programme, "instrument": instrument}
        if programme is not None:
            followed = programme.programme_instruments.filter(instrument=instrument).first()
            initial["interval_days"] = followed.interval_days if followed else None
        form = ReferralForm(initial=initial, programme=programme)
        focus, scores = [], {}
    # The latest whole reading's values are offered as the starting scores (Vejle's model),
    # each still editable; a posted form shows what was posted.
    latest = latest_whole_reading(citizen, instrument) if instrument is not None else None
    offered = dict(latest.item_values) if latest is not None else {}
    if request.method == "POST":
        scores = {
            key.removeprefix("start_"): value
            for key, value in request.POST.items()
            if key.startswith("start_") and key != "start_date"
        }
    choices = _focus_choices(programme, instrument)
    context = {
        "citizen": citizen,
        "form": form,
        "summary_errors": _referral_summary(focus_errors, choices),
        "programme": programme,
        "instrument": instrument,
        "items": [
            {
                "item": item,
                "chosen": item.code in focus,
                "score": scores.get(item.code, _number(offered.get(item.code))),
                "offered_from": latest.date
                if request.method == "GET" and item.code in offered
                else None,
                "errors": focus_errors.get(f"start_{item.code}", []),
                "points": range(item.scale_min, item.scale_max + 1),
            }
            for item in choices
        ],
        "focus_errors": focus_errors.get("focus", []),
        "profile_rows": [
            {
                "item": item,
                "codes": profile_shown.get(item.code, {}).get("codes", []),
                "raw": profile_shown.get(item.code, {}).get("raw", ""),
                "errors": focus_errors.get(f"profile_{item.code}", []),
            }
            for item in profile_items
        ],
        "profile_errors": focus_errors.get("profile", []),
        "has_errors": bool(focus_errors) or bool(form.errors),
        "has_profile_errors": any(key.startswith("profile") for key in focus_errors),
    }
    access_log_write(
        user=request.user, action=AccessAction.VIEW, citizen=citizen, path=request.path
    )
    template = (
        "referrals/_referral_form.html"
        if request.htmx and request.method == "GET"
        else "referrals/referral_form.html"
    )
    return render(request, template, context, status=status)


@login_required
@require_POST
def referral_end(request: HttpRequest, citizen_id: int, referral_id: int) -> HttpResponse:
    citizen = _citizen_to_change(request, citizen_id)
    referral = get_object_or_404(Referral, pk=referral_id, citizen=citizen)
    form = ReferralEndForm(request.POST)
    if form.is_valid():
        try:
            services.referral_end(
                actor=request.user,
                referral=referral,
                end_date=form.cleaned_data["end_date"],
                withdrawn=form.cleaned_data["withdrawn"],
            )
        except ValidationError as error:
            messages.error(request, error_sentence(error))
        else:
            messages.success(request, _("The referral has ended; the provider no longer sees it."))
    else:
        messages.error(request, _("Give a valid end date."))
    return redirect(f"/citizens/{citizen.pk}/#referrals")


@login_required
@require_POST
def referral_scores(request: HttpRequest, citizen_id: int, referral_id: int) -> HttpResponse:
    """The provider scores the referral's focus items."""
    citizen = citizen_get(request.user, citizen_id)
    if not is_provider_staff(request.user):
        raise PermissionDenied
    referral = next(
        (r for r in selectors.referrals_for(request.user, citizen) if r.pk == referral_id), None
    )
    if referral is None:
        raise Http404
    focus = [f.item_code for f in referral.focus_items.all()]
    scores = {
        code: request.POST.get(f"score_{code}", "")
        for code in focus
        if request.POST.get(f"score_{code}", "").strip()
    }
    try:
        day = dt.date.fromisoformat(request.POST.get("date", ""))
    except ValueError:
        day = None
    try:
        token = uuid.UUID(request.POST.get("creation_token", ""))
    except ValueError:
        token = None
    errors: dict[str, list[str]] = {}
    if day is None:
        errors["date"] = [_("Give the date as YYYY-MM-DD.")]
    elif not scores:
        errors["focus"] = [_("Score at least one focus item.")]
    else:
        try:
            services.referral_score_record(
                actor=request.user, referral=referral, date=day, scores=scores, creation_token=token
            )
        except ValidationError as error:
            errors = error.message_dict
        else:
            messages.success(request, _("The scores have been recorded."))
            return redirect(f"/citizens/{citizen.pk}/#referrals")
    access_log_write(
        user=request.user, action=AccessAction.VIEW, citizen=citizen, path=request.path
    )
    return render(
        request,
        "referrals/referral_scores.html",
        {
            "citizen": citizen,
            "referrals_panel": referrals_panel(
                request, citizen, score_errors=errors, posted=request.POST, scored=referral
            ),
        },
        status=400,
    )


@login_required
@require_http_methods(["GET", "POST"])
def enrolment_exit(request: HttpRequest, citizen_id: int, enrolment_id: int) -> HttpResponse:
    """Ends an enrolment: exit reason and date; active referrals to the programme end with it;
    the plan's running activities and mentors close too if asked."""
    enrolment = programme_selectors.enrolment_to_change(request.user, citizen_id, enrolment_id)
    reasons = programme_services.exit_reasons_of(enrolment.programme)
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
            except StaleVersion:
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
                errors_onto_form(form, error)
                status = 400
            else:
                messages.success(request, _("The exit has been recorded."))
                if is_provider_staff(request.user):
                    # The exit ended the referral that let the provider see the citizen: the
                    # provider goes back to the programme, not to a page that is now 404.
                    return redirect("programmes:detail", enrolment.programme_id)
                return redirect(f"/citizens/{enrolment.citizen_id}/#referrals")
        else:
            status = 400
    else:
        form = EnrolmentExitForm(initial={"version": enrolment.version}, reasons=reasons)
    access_log_write(
        user=request.user,
        action=AccessAction.VIEW,
        citizen=enrolment.citizen,
        path=request.path,
    )
    return render(
        request,
        "programmes/enrolment_exit.html",
        {"enrolment": enrolment, "citizen": enrolment.citizen, "form": form},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_close(request: HttpRequest, programme_id: int) -> HttpResponse:
    """Closes a programme in three steps: the exit reason and date (GET), a preview with the
    count of active enrolments that will end (POST), and one confirmation (POST with
    `step=confirm` and the count the preview showed) that ends them all and marks the
    programme not active, then shows the programme page. A count that changed since the
    preview is refused with the new preview (409). Only the staff of the programme's own
    organisation who end its enrolments (`citizens.access.may_close_programme`); 404 to
    everyone else. The pages show a count, never a citizen."""
    programme = get_object_or_404(programme_selectors.programmes_for(request.user), pk=programme_id)
    if not may_close_programme(request.user, programme):
        raise Http404
    reasons = programme_services.exit_reasons_of(programme)
    preview = None
    status = 200
    if request.method != "POST":
        form = ProgrammeCloseForm(reasons=reasons)
    else:
        form = ProgrammeCloseForm(request.POST, reasons=reasons)
        if not form.is_valid():
            status = 400
        else:
            d = form.cleaned_data
            if request.POST.get("step") != "confirm":
                active = programme_selectors.active_enrolments_of(programme)
                errors = services.programme_close_errors(
                    programme=programme,
                    active=active,
                    end_date=d["end_date"],
                    exit_reason=d["exit_reason"],
                )
                if errors:
                    errors_onto_form(form, ValidationError(errors))
                    status = 400
                else:
                    preview = active
            else:
                try:
                    ended = services.programme_close(
                        actor=request.user,
                        programme=programme,
                        exit_reason=d["exit_reason"],
                        end_date=d["end_date"],
                        expected_count=d["expected_count"] or 0,
                        note=d["note"],
                    )
                except ValidationError as error:
                    errors_onto_form(form, error, renamed={"expected_count": "count"})
                    active = programme_selectors.active_enrolments_of(programme)
                    preview = active if "expected_count" in error.message_dict else None
                    status = 409 if preview is not None else 400
                else:
                    messages.success(
                        request,
                        ngettext(
                            "The programme has been closed: %(count)s enrolment was ended.",
                            "The programme has been closed: %(count)s enrolments were ended.",
                            ended,
                        )
                        % {"count": ended},
                    )
                    return redirect("programmes:detail", programme.pk)
    return render(
        request,
        "programmes/programme_close.html",
        {"programme": programme, "form": form, "preview": preview},
        status=status,
    )
