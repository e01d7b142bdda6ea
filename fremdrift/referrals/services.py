import datetime as dt
import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from fremdrift.accounts.access import is_provider_staff
from fremdrift.accounts.models import Organisation
from fremdrift.assessments.models import Assessment
from fremdrift.assessments.services import (
    AnswerInput,
    answers_every_scaled_item,
    assessment_mark_starting_scores,
    assessment_record,
)
from fremdrift.audit.services import audited_create, audited_update, lock_for_update, snapshot
from fremdrift.citizens.access import may_close_programme
from fremdrift.codelists.models import Code
from fremdrift.core.validation import Errors, interval_errors, merged, period_errors
from fremdrift.instruments.models import InstrumentVersion, Respondent
from fremdrift.plans.selectors import plan_of
from fremdrift.plans.services import plan_close
from fremdrift.programmes import services as programme_services
from fremdrift.programmes.models import Enrolment, Programme
from fremdrift.programmes.selectors import ActiveEnrolments

from .models import FocusItem, Referral
from .selectors import active_referrals

TRACKED_FIELDS = (
    "citizen",
    "provider",
    "programme",
    "instrument",
    "interval_days",
    "start_date",
    "end_date",
    "status",
)


def _published(instrument) -> InstrumentVersion | None:
    if instrument is None:
        return None
    return instrument.versions.filter(status=InstrumentVersion.Status.PUBLISHED).first()


def _score_errors(error: ValidationError, prefix: str) -> dict[str, list[str]]:
    """An assessment's errors (`item_<code>`) as the referral form's (`<prefix><code>`)."""
    out: dict[str, list[str]] = {}
    for field, messages in error.message_dict.items():
        if field.startswith("item_"):
            name = prefix + field.removeprefix("item_")
        else:
            # The date keeps its own name, so the form shows its error beside the date.
            name = "date" if field == "date" and prefix == "score_" else "focus"
        out.setdefault(name, []).extend(messages)
    return out


def referral_errors(
    *, start_date: dt.date | None, end_date: dt.date | None, interval_days: int | None
) -> Errors:
    """A referral's period and the cadence of the provider's scores."""
    return merged(period_errors(start_date, end_date), interval_errors(interval_days))


@transaction.atomic
def referral_create(
    *,
    actor,
    citizen,
    start_date: dt.date,
    provider: Organisation | None = None,
    programme=None,
    end_date: dt.date | None = None,
    instrument=None,
    interval_days: int | None = None,
    starting_scores: dict[str, str | float | None] | None = None,
    starting_assessment: Assessment | None = None,
    enrol: bool = True,
    profile: dict[str, AnswerInput] | None = None,
) -> Referral:
    """Refers a citizen to a provider, or to a provider's programme with the focus items the
    provider must work on and score and the caseworker's starting score on each. A referral to
    a programme enrols the citizen in it unless they already are (or `enrol` is false).

    The starting scores are recorded as the caseworker's starting scores
    (`Assessment.Kind.STARTING_SCORES`): the baseline of the focus items for the referral, not a
    reading of the whole instrument, so they cover no due date of the citizen's follows. An
    import instead names the `starting_assessment` that holds them, and `starting_scores` then
    only lists the focus items (their values are read from it); that assessment is marked as
    starting scores unless it has a value on every scaled item (a whole reading).

    The referral starts no follow and changes none: the provider's scores come at the
    referral's own cadence (`interval_days`).

    `profile`, the participant profile's answers, is recorded on the enrolment with the
    referral, in the same transaction; it may be left out and filled in later."""
    errors: dict[str, list[str]] = {}
    starting_scores = starting_scores or {}
    if starting_assessment is not None:
        given = {a.item.code: a.value for a in starting_assessment.answers.select_related("item")}
        starting_scores = {code: given.get(code) for code in starting_scores}
    if programme is not None:
        provider = programme.organisation
        if not programme.is_active:
            errors.setdefault("programme", []).append(_("This programme is not active."))
    if provider is None:
        errors.setdefault("programme", []).append(_("Choose a programme."))
    elif provider.kind not in (Organisation.Kind.PROVIDER, Organisation.Kind.PROJECT):
        errors.setdefault("programme", []).append(
            _("A citizen can only be referred to a provider or a project.")
        )
    elif not provider.is_active:
        errors.setdefault("programme", []).append(_("This provider is not active."))
    errors = merged(
        errors,
        referral_errors(start_date=start_date, end_date=end_date, interval_days=interval_days),
    )
    version = None
    if programme is not None and not errors:
        followed = set(programme.programme_instruments.values_list("instrument_id", flat=True))
        if instrument is None or instrument.pk not in followed:
            errors.setdefault("instrument", []).append(
                _("Choose one of the programme's instruments.")
            )
        else:
            version = _published(instrument)
            if version is None or "provider" not in version.respondents:
                errors.setdefault("instrument", []).append(
                    _("Providers cannot score this instrument.")
                )
        if starting_assessment is not None and (
            starting_assessment.citizen_id != citizen.pk
            or instrument is None
            or starting_assessment.version.instrument_id != instrument.pk
        ):
            errors.setdefault("starting_assessment", []).append(
                _("The starting assessment must be the citizen's, on the referral's instrument.")
            )
        if version is not None and starting_assessment is not None:
            version = starting_assessment.version
        if version is not None:
            codes = set(version.items.values_list("code", flat=True))
            unknown = [code for code in starting_scores if code not in codes]
            if unknown:
                errors.setdefault("focus", []).append(
                    _("These focus items are not in the programme's instruments: %(codes)s.")
                    % {"codes": ", ".join(sorted(unknown))[:200]}
                )
            if not starting_scores:
                errors.setdefault("focus", []).append(_("Choose at least one focus item."))
            for code, value in starting_scores.items():
                if code in codes and (value is None or str(value).strip() == ""):
                    errors.setdefault(f"start_{code}", []).append(_("Give the starting score."))
    if errors:
        raise ValidationError(errors)
    if version is not None and starting_assessment is None:
        try:
            starting_assessment = assessment_record(
                actor=actor,
                citizen=citizen,
                version=version,
                date=min(start_date, dt.date.today()),
                respondent=Respondent.CASEWORKER,
                status=Assessment.Status.COMPLETED,
                answers={code: AnswerInput(value=v) for code, v in starting_scores.items()},
                kind=Assessment.Kind.STARTING_SCORES,
            )
        except ValidationError as error:
            raise ValidationError(_score_errors(error, "start_")) from None
    elif (
        starting_assessment is not None
        and starting_assessment.kind == Assessment.Kind.READING
        and not answers_every_scaled_item(starting_assessment)
    ):
        starting_assessment = assessment_mark_starting_scores(
            actor=actor, assessment=starting_assessment
        )

    def focus_items(referral: Referral) -> None:
        if starting_assessment is None:
            return
        values = {a.item.code: a.value for a in starting_assessment.answers.select_related("item")}
        FocusItem.objects.bulk_create(
            FocusItem(referral=referral, item_code=code, starting_score=values[code], position=n)
            for n, code in enumerate(starting_scores)
        )

    referral = audited_create(
        actor=actor,
        model=Referral,
        data={
            "citizen": citizen,
            "provider": provider,
            "programme": programme,
            "instrument": instrument if programme is not None else None,
            "interval_days": interval_days,
            "starting_assessment": starting_assessment,
            "referred_by": actor,
            "start_date": start_date,
            "end_date": end_date,
        },
        tracked=lambda created: (
            snapshot(created, TRACKED_FIELDS) | {"focus": dict(starting_scores)}
        ),
        citizen=citizen,
        related=focus_items,
    )
    if programme is not None and enrol:
        enrolment = programme_services.enrolment_get_or_create(
            actor=actor,
            citizen=citizen,
            programme=programme,
            start_date=start_date,
            follow_instruments=False,
        )
        if profile and any(not answer.is_empty for answer in profile.values()):
            try:
                programme_services.enrolment_profile_record(
                    actor=actor,
                    enrolment=enrolment,
                    date=min(start_date, dt.date.today()),
                    answers=profile,
                )
            except ValidationError as error:
                raise ValidationError(_profile_errors(error)) from None
    return referral


def _profile_errors(error: ValidationError) -> dict[str, list[str]]:
    """The profile's errors on the referral form: its answers' as they are (`profile_<code>`),
    the rest (its date, the enrolment) under the form's profile section."""
    out: dict[str, list[str]] = {}
    for field, messages in error.message_dict.items():
        name = field if field.startswith(programme_services.PROFILE_PREFIX) else "profile"
        out.setdefault(name, []).extend(messages)
    return out


@transaction.atomic
def referral_end(
    *,
    actor,
    referral: Referral,
    end_date: dt.date | None = None,
    withdrawn: bool = False,
    expected_version: int | None = None,
    batch: uuid.UUID | None = None,
) -> Referral:
    """Ends a referral; the provider's access ends with it, at once. With `expected_version`,
    a referral changed since that version is refused with StaleVersion. `batch` groups its
    change record with those of a bulk change."""
    current = lock_for_update(referral, expected_version=expected_version)
    if current.status != Referral.Status.ACTIVE:
        raise ValidationError({"referral": _("This referral has already ended.")})
    end = end_date or dt.date.today()
    if errors := period_errors(current.start_date, end):
        raise ValidationError(errors)
    return audited_update(
        actor=actor,
        instance=current,
        expected_version=None,
        data={
            "status": Referral.Status.WITHDRAWN if withdrawn else Referral.Status.ENDED,
            "end_date": end,
        },
        tracked=TRACKED_FIELDS,
        citizen=current.citizen,
        batch=batch,
        lock=False,
    )


@transaction.atomic
def referral_score_record(
    *,
    actor,
    referral: Referral,
    date: dt.date,
    scores: dict[str, str | float | None],
    creation_token: uuid.UUID | None = None,
) -> Assessment:
    """The provider scores the referral's focus items, and only those."""
    if not (
        is_provider_staff(actor)
        and actor.organisation_id == referral.provider_id
        and active_referrals().filter(pk=referral.pk).exists()
    ):
        raise ValidationError({"referral": _("Only the provider scores an active referral.")})
    focus = list(referral.focus_items.values_list("item_code", flat=True))
    outside = [code for code in scores if code not in focus]
    if outside:
        raise ValidationError({"focus": _("Only the referral's focus items can be scored.")})
    if date < referral.start_date:
        raise ValidationError({"date": _("The date cannot be before the referral started.")})
    version = _published(referral.instrument)
    if version is None:
        raise ValidationError({"referral": _("The instrument is no longer in use.")})
    try:
        return assessment_record(
            actor=actor,
            citizen=referral.citizen,
            version=version,
            date=date,
            respondent=Respondent.PROVIDER,
            status=Assessment.Status.COMPLETED,
            answers={code: AnswerInput(value=v) for code, v in scores.items()},
            creation_token=creation_token,
        )
    except ValidationError as error:
        raise ValidationError(_score_errors(error, "score_")) from None


@transaction.atomic
def enrolment_end(
    *,
    actor,
    enrolment: Enrolment,
    expected_version: int,
    end_date: dt.date | None,
    exit_reason: Code | None,
    note: str = "",
    close_plan: bool = False,
    batch: uuid.UUID | None = None,
) -> Enrolment:
    """Ends an enrolment with its exit reason and date, ends the citizen's active referrals to
    the programme, and with `close_plan` ends the plan's running activities and mentors. A
    referral makes the enrolment and the enrolment's end ends the referrals: one workflow,
    written here, above both. `batch` groups the change records with those of a bulk change
    (closing a programme)."""
    current = lock_for_update(
        enrolment, expected_version=expected_version, related=["citizen", "programme"]
    )
    errors: dict[str, list[str]] = {}
    if current.status != Enrolment.Status.ACTIVE:
        errors.setdefault("enrolment", []).append(_("This enrolment has already ended."))
    if end_date is None:
        errors.setdefault("end_date", []).append(_("Give the date of the exit."))
    errors = merged(
        errors,
        programme_services.enrolment_errors(start_date=current.start_date, end_date=end_date),
    )
    if exit_reason is None:
        errors.setdefault("exit_reason", []).append(_("Choose the reason for the exit."))
    elif not (
        programme_services.exit_reasons_of(current.programme).filter(pk=exit_reason.pk).exists()
    ):
        errors.setdefault("exit_reason", []).append(
            _("This exit reason is not in the programme's list.")
        )
    if errors:
        raise ValidationError(errors)
    audited_update(
        actor=actor,
        instance=current,
        expected_version=None,
        data={
            "status": Enrolment.Status.ENDED,
            "end_date": end_date,
            "exit_reason": exit_reason,
            "exit_note": note,
        },
        tracked=programme_services.ENROLMENT_FIELDS,
        citizen=current.citizen,
        batch=batch,
        lock=False,
    )
    for referral in Referral.objects.filter(
        citizen=current.citizen, programme=current.programme, status=Referral.Status.ACTIVE
    ):
        referral_end(
            actor=actor,
            referral=referral,
            end_date=max(end_date, referral.start_date),
            batch=batch,
        )
    if close_plan:
        plan = plan_of(current.citizen)
        if plan is not None:
            plan_close(actor=actor, plan=plan, on=end_date)
    return current


def programme_close_errors(
    *,
    programme,
    active: ActiveEnrolments,
    end_date: dt.date | None,
    exit_reason: Code | None,
) -> Errors:
    """What refuses closing a programme, before anything is written (the preview asks this
    too): no active enrolment to end, an exit date missing, in the future or before an active
    enrolment started, an exit reason outside the programme's list."""
    errors: dict[str, list[str]] = {}
    if active.count == 0:
        errors["programme"] = [
            _("The programme has no active enrolments: there is nothing to close.")
        ]
    if end_date is None:
        errors["end_date"] = [_("Give the date of the exit.")]
    elif active.latest_start is not None and end_date < active.latest_start:
        errors["end_date"] = [
            _(
                "The exit date cannot be before an active enrolment started: the latest "
                "started on %(date)s."
            )
            % {"date": date_format(active.latest_start, "SHORT_DATE_FORMAT")}
        ]
    else:
        errors = merged(
            errors, programme_services.enrolment_errors(start_date=None, end_date=end_date)
        )
    if exit_reason is None:
        errors["exit_reason"] = [_("Choose the reason for the exit.")]
    elif not programme_services.exit_reasons_of(programme).filter(pk=exit_reason.pk).exists():
        errors["exit_reason"] = [_("This exit reason is not in the programme's list.")]
    return errors


@transaction.atomic
def programme_close(
    *,
    actor,
    programme: Programme,
    exit_reason: Code | None,
    end_date: dt.date | None,
    expected_count: int,
    note: str = "",
) -> int:
    """Closes a programme: ends every active enrolment of it with one exit reason and date,
    each by `enrolment_end`'s rules (its active referrals to the programme end with it), and
    marks the programme not active (`programmes.services.programme_deactivate`), all in one
    transaction and one change batch. Returns how many enrolments it ended.

    `expected_count` is the count the preview showed. The programme's row is locked first, so
    two closings at once run one after the other: the second finds no active enrolment and is
    refused; a count that changed since the preview is refused (field `expected_count`), and
    nothing is written."""
    if not may_close_programme(actor, programme):
        raise ValidationError({"programme": _("You cannot close this programme.")})
    current = lock_for_update(programme)
    enrolments = list(
        Enrolment.objects.select_for_update()
        .filter(programme=current, status=Enrolment.Status.ACTIVE)
        .order_by("pk")
    )
    active = ActiveEnrolments(
        len(enrolments), max((e.start_date for e in enrolments), default=None)
    )
    if active.count == 0 and expected_count > 0:
        raise ValidationError(
            {
                "programme": _(
                    "The programme has already been closed: it has no active enrolments any more."
                )
            }
        )
    if errors := programme_close_errors(
        programme=current, active=active, end_date=end_date, exit_reason=exit_reason
    ):
        raise ValidationError(errors)
    if active.count != expected_count:
        raise ValidationError(
            {
                "expected_count": _(
                    "The number of active enrolments has changed since the preview: it is now "
                    "%(count)s. Check the preview again and confirm."
                )
                % {"count": active.count}
            }
        )
    batch = uuid.uuid4()
    for enrolment in enrolments:
        enrolment_end(
            actor=actor,
            enrolment=enrolment,
            expected_version=enrolment.version,
            end_date=end_date,
            exit_reason=exit_reason,
            note=note,
            batch=batch,
        )
    programme_services.programme_deactivate(
        actor=actor, programme=current, on=end_date, batch=batch
    )
    return active.count
