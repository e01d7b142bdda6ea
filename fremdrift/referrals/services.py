import datetime as dt
import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fremdrift.accounts.models import Organisation, Role
from fremdrift.assessments.models import Assessment
from fremdrift.assessments.services import AnswerInput, assessment_record
from fremdrift.audit.models import ChangeRecord
from fremdrift.audit.services import change_record_write, snapshot
from fremdrift.instruments.models import InstrumentVersion, Respondent

from .models import FocusItem, Referral

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


class StaleVersion(Exception):
    """The referral changed since the version the caller read."""


def _published(instrument) -> InstrumentVersion | None:
    if instrument is None:
        return None
    return instrument.versions.filter(status=InstrumentVersion.Status.PUBLISHED).first()


def _score_errors(error: ValidationError, prefix: str) -> dict[str, list[str]]:
    """An assessment's errors (`item_<code>`) as the referral form's (`<prefix><code>`)."""
    out: dict[str, list[str]] = {}
    for field, messages in error.message_dict.items():
        name = prefix + field.removeprefix("item_") if field.startswith("item_") else "focus"
        out.setdefault(name, []).extend(messages)
    return out


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
) -> Referral:
    """Refers a citizen to a provider, or to a provider's programme with the focus items the
    provider must work on and score and the caseworker's starting score on each. A referral to
    a programme enrols the citizen in it unless they already are (or `enrol` is false).

    The starting scores are recorded as a caseworker's assessment; an import instead names the
    `starting_assessment` that holds them, and `starting_scores` then only lists the focus
    items (their values are read from it)."""
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
    if end_date is not None and end_date < start_date:
        errors.setdefault("end_date", []).append(_("The end date cannot be before the start date."))
    if interval_days is not None and not 1 <= interval_days <= 366:
        errors.setdefault("interval_days", []).append(_("Choose from 1 to 366 days."))
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
            )
        except ValidationError as error:
            raise ValidationError(_score_errors(error, "start_")) from None
    referral = Referral.objects.create(
        citizen=citizen,
        provider=provider,
        programme=programme,
        instrument=instrument if programme is not None else None,
        interval_days=interval_days,
        starting_assessment=starting_assessment,
        referred_by=actor,
        start_date=start_date,
        end_date=end_date,
    )
    if starting_assessment is not None:
        values = {a.item.code: a.value for a in starting_assessment.answers.select_related("item")}
        FocusItem.objects.bulk_create(
            FocusItem(referral=referral, item_code=code, starting_score=values[code], position=n)
            for n, code in enumerate(starting_scores)
        )
    change_record_write(
        actor=actor,
        instance=referral,
        kind=ChangeRecord.Kind.CREATE,
        before=None,
        after=snapshot(referral, TRACKED_FIELDS) | {"focus": dict(starting_scores)},
        citizen=citizen,
    )
    if programme is not None and enrol:
        from fremdrift.programmes.services import enrolment_get_or_create

        enrolment_get_or_create(
            actor=actor, citizen=citizen, programme=programme, start_date=start_date
        )
    return referral


@transaction.atomic
def referral_end(
    *,
    actor,
    referral: Referral,
    end_date: dt.date | None = None,
    withdrawn: bool = False,
    expected_version: int | None = None,
) -> Referral:
    """Ends a referral; the provider's access ends with it, at once. With `expected_version`,
    a referral changed since that version is refused with StaleVersion."""
    current = Referral.objects.select_for_update().get(pk=referral.pk)
    if expected_version is not None and current.version != expected_version:
        raise StaleVersion
    if current.status != Referral.Status.ACTIVE:
        raise ValidationError({"referral": _("This referral has already ended.")})
    before = snapshot(current, TRACKED_FIELDS)
    end = end_date or dt.date.today()
    if end < current.start_date:
        raise ValidationError({"end_date": _("The end date cannot be before the start date.")})
    current.status = Referral.Status.WITHDRAWN if withdrawn else Referral.Status.ENDED
    current.end_date = end
    current.version += 1
    current.save()
    change_record_write(
        actor=actor,
        instance=current,
        kind=ChangeRecord.Kind.UPDATE,
        before=before,
        after=snapshot(current, TRACKED_FIELDS),
        citizen=current.citizen,
    )
    return current


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
    from fremdrift.citizens.selectors import active_referrals

    if not (
        actor.role == Role.PROVIDER_STAFF
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
