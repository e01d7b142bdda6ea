"""Writes of assessments, follows and target scores. Every answer is validated against its
item's scale before anything is saved; corrections keep who, when, before and after."""

import datetime as dt
import math
import uuid
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fremdrift.audit.models import ChangeRecord
from fremdrift.audit.services import (
    audited_create,
    audited_update,
    change_record_write,
    lock_for_update,
    snapshot,
)
from fremdrift.citizens import services as citizen_services
from fremdrift.citizens.models import Citizen
from fremdrift.core.validation import Errors, day_errors, merged
from fremdrift.instruments.models import Instrument, InstrumentVersion, Item, Purpose, ScaleType

from .cadence import CadencePeriod, CadenceRule, due_status
from .models import Answer, Assessment, CadenceChange, DefaultFollow, Follow, TargetScore

TEXT_MAX = 5000


@dataclass
class AnswerInput:
    """One item's answer as it came in: a raw value, or 'don't know' / 'not relevant'."""

    value: str | float | int | None = None
    text: str = ""
    # The chosen codes of a list item ("choice", "choices").
    codes: list[str] = field(default_factory=list)
    dont_know: bool = False
    not_relevant: bool = False
    comment: str = ""

    @property
    def is_empty(self) -> bool:
        blank = self.value is None or (isinstance(self.value, str) and not self.value.strip())
        return (
            blank
            and not self.text.strip()
            and not self.codes
            and not self.dont_know
            and not self.not_relevant
        )


def assessment_date_errors(*, date: dt.date | None, birth_date: dt.date | None) -> Errors:
    """An assessment took place: not in the future, not before the citizen's birth."""
    return day_errors(date, born=birth_date)


def _number(raw) -> float:
    if isinstance(raw, bool):
        raise ValueError
    value = float(str(raw).strip().replace(",", ".")) if isinstance(raw, str) else float(raw)
    if not math.isfinite(value):
        raise ValueError
    return value


def answer_clean(item: Item, answer: AnswerInput) -> Answer:
    """An unsaved Answer for `item`, or ValueError with a message for the user."""
    if len(answer.comment) > TEXT_MAX:
        raise ValueError(_("The comment is too long."))
    if answer.codes and (answer.dont_know or answer.not_relevant):
        raise ValueError(_("Choose from the list or 'don't know', not both."))
    if answer.dont_know:
        if not item.allows_dont_know:
            raise ValueError(_("'Don't know' is not an answer to this item."))
        return Answer(item=item, dont_know=True, comment=answer.comment)
    if answer.not_relevant:
        if not item.allows_not_relevant:
            raise ValueError(_("'Not relevant' is not an answer to this item."))
        return Answer(item=item, not_relevant=True, comment=answer.comment)
    if item.scale_type == ScaleType.TEXT:
        text = answer.text or ("" if answer.value is None else str(answer.value))
        if len(text) > TEXT_MAX:
            raise ValueError(_("At most %(max)d characters.") % {"max": TEXT_MAX})
        return Answer(item=item, text=text, comment=answer.comment)
    if item.is_nominal:
        return Answer(item=item, codes=_chosen_codes(item, answer), comment=answer.comment)
    if answer.codes:
        raise ValueError(_("This item is not answered from a list."))
    try:
        value = _number(answer.value)
    except (TypeError, ValueError):
        raise ValueError(_("The answer must be a number.")) from None
    if item.scale_type == ScaleType.ORDINAL:
        if value != int(value) or not item.scale_min <= value <= item.scale_max:
            raise ValueError(
                _("Choose a whole number from %(min)d to %(max)d.")
                % {"min": item.scale_min, "max": item.scale_max}
            )
    elif item.scale_type == ScaleType.YES_NO:
        if value not in (0, 1):
            raise ValueError(_("The answer must be yes or no."))
    elif item.scale_type == ScaleType.PERCENT and not 0 <= value <= 100:
        raise ValueError(_("A percentage is from 0 to 100."))
    return Answer(item=item, value=value, comment=answer.comment)


def _chosen_codes(item: Item, answer: AnswerInput) -> list[str]:
    """The codes chosen for a list item, in the list's order; a code not in the list, or two
    for an item of one choice, is a ValueError. A single code may come as `value`."""
    given = list(answer.codes)
    if isinstance(answer.value, str) and answer.value.strip():
        given.append(answer.value.strip())
    elif answer.value is not None and not isinstance(answer.value, str):
        raise ValueError(_("Choose from the list."))
    if any(not isinstance(code, str) for code in given):
        raise ValueError(_("Choose from the list."))
    unknown = [code for code in given if code not in item.option_codes()]
    if unknown:
        raise ValueError(
            _("%(code)s is not on the item's list.") % {"code": unknown[0][:60] or "''"}
        )
    if item.scale_type == ScaleType.CHOICE and len(set(given)) > 1:
        raise ValueError(_("Choose only one answer."))
    return [code for code in item.option_codes() if code in given]


REASON_MAX = 500


def assessment_missing_items(items: list[Item], answers: dict[str, AnswerInput]) -> list[Item]:
    """The scored (ordinal) items of `items` that `answers` leave unanswered: neither a value
    nor 'don't know' or 'not relevant'. Text, number, yes/no and list items are never
    missing: an instrument asks for them, it does not score them."""
    return [
        item
        for item in items
        if item.is_ordinal and (item.code not in answers or answers[item.code].is_empty)
    ]


def _incomplete_errors(
    *,
    items: list[Item],
    status: str,
    answers: dict[str, AnswerInput],
    incomplete_reason: str | None,
) -> Errors:
    """A completed assessment with scored items unanswered is saved only with a reason
    (`incomplete_reason`; None: the user has not chosen to save it anyway)."""
    if status != Assessment.Status.COMPLETED:
        return {}
    missing = assessment_missing_items(items, answers)
    if not missing:
        return {}
    labels = ", ".join(item.label for item in missing)
    if incomplete_reason is None:
        return {
            "missing_items": [
                _("Not answered: %(items)s. Save as a draft, or save anyway with a reason.")
                % {"items": labels}
            ]
        }
    if not incomplete_reason.strip():
        return {
            "incomplete_reason": [
                _(
                    "Reason for saving incomplete: write why the assessment is saved "
                    "without answers to %(items)s."
                )
                % {"items": labels}
            ]
        }
    if len(incomplete_reason) > REASON_MAX:
        return {
            "incomplete_reason": [
                _("Reason for saving incomplete: at most %(max)d characters.") % {"max": REASON_MAX}
            ]
        }
    return {}


def _stored_reason(
    *, items: list[Item], status: str, answers: dict[str, AnswerInput], reason: str | None
) -> str:
    """The reason kept with the assessment: only where it is completed with items missing."""
    if status != Assessment.Status.COMPLETED or not assessment_missing_items(items, answers):
        return ""
    return (reason or "").strip()[:REASON_MAX]


def _validate(
    *,
    citizen,
    version: InstrumentVersion,
    date: dt.date,
    respondent: str,
    status: str,
    answers: dict[str, AnswerInput],
    new: bool,
    round: int | None = None,
    require_complete: bool = False,
    incomplete_reason: str | None = None,
) -> list[Answer]:
    errors: dict[str, list[str]] = {}
    if new and version.instrument.purpose == Purpose.FIDELITY:
        errors.setdefault("version", []).append(
            _(
                "A fidelity scale describes a unit, not a citizen: record it on the "
                "programme's fidelity page."
            )
        )
    if round is not None and version.instrument.purpose != Purpose.SATISFACTION:
        errors.setdefault("round", []).append(
            _("Only a satisfaction survey is answered in rounds.")
        )
    elif round is not None and not 1 <= round <= 99:
        errors.setdefault("round", []).append(_("Survey round: enter a number from 1 to 99."))
    in_use = InstrumentVersion.objects.filter(
        pk=version.pk, status=InstrumentVersion.Status.PUBLISHED
    ).exists()
    if new and not in_use:
        errors.setdefault("version", []).append(_("This version of the instrument is not in use."))
    if respondent not in version.respondents:
        errors.setdefault("respondent", []).append(
            _("This instrument cannot be answered by the chosen respondent.")
        )
    errors = merged(errors, assessment_date_errors(date=date, birth_date=citizen.birth_date))
    if status not in Assessment.Status.values:
        errors.setdefault("status", []).append(_("Unknown status."))
    items = {item.code: item for item in version.items.all()}
    cleaned: list[Answer] = []
    for code, answer in answers.items():
        item = items.get(code)
        if item is None:
            errors.setdefault("answers", []).append(
                _("Unknown item: %(code)s.") % {"code": code[:60]}
            )
            continue
        if answer.is_empty:
            continue
        try:
            cleaned.append(answer_clean(item, answer))
        except ValueError as error:
            errors.setdefault(f"item_{code}", []).append(str(error))
    if status == Assessment.Status.COMPLETED and not cleaned and not errors:
        errors.setdefault("answers", []).append(_("Answer at least one item."))
    if require_complete and status in Assessment.Status.values:
        errors = merged(
            errors,
            _incomplete_errors(
                items=list(items.values()),
                status=status,
                answers=answers,
                incomplete_reason=incomplete_reason,
            ),
        )
    if errors:
        raise ValidationError(errors)
    return cleaned


def assessment_score(assessment: Assessment, answers: list[Answer]) -> None:
    """The number of scaled items answered with a value, and the sum of those values."""
    assessment_score_from(assessment, ((a.item, a.value) for a in answers))


def assessment_score_from(assessment: Assessment, answers) -> None:
    """As `assessment_score`, from (item, value) pairs; also the values by item code."""
    values = {
        item.code: float(value) for item, value in answers if value is not None and item.is_ordinal
    }
    assessment.scored_items = len(values)
    assessment.score_total = sum(values.values()) if values else None
    assessment.item_values = values


def _score_fields(answers: list[Answer]) -> dict:
    """The assessment's score fields for these answers (`assessment_score`), as data."""
    scored = Assessment()
    assessment_score(scored, answers)
    return {
        "scored_items": scored.scored_items,
        "score_total": scored.score_total,
        "item_values": scored.item_values,
    }


def _answers_writer(answers: list[Answer], *, replace: bool):
    """Writes `answers` as the assessment's answers (with `replace`, in place of those it
    had)."""

    def write(assessment: Assessment) -> None:
        if replace:
            assessment.answers.all().delete()
        for answer in answers:
            answer.assessment = assessment
        Answer.objects.bulk_create(answers)

    return write


def _answers_snapshot(assessment: Assessment) -> dict:
    values = snapshot(assessment, ("date", "respondent", "status", "incomplete_reason"))
    values["answers"] = {
        a.item.code: [a.value, a.text, a.dont_know, a.not_relevant, a.comment]
        + ([a.codes] if a.codes else [])
        for a in assessment.answers.select_related("item")
    }
    return values


@transaction.atomic
def assessment_record(
    *,
    actor,
    citizen,
    version: InstrumentVersion,
    date: dt.date,
    respondent: str,
    status: str,
    answers: dict[str, AnswerInput],
    creation_token: uuid.UUID | None = None,
    refresh_due: bool = True,
    entered_by_citizen: bool = False,
    kind: str = Assessment.Kind.READING,
    round: int | None = None,
    require_complete: bool = False,
    incomplete_reason: str | None = None,
) -> Assessment:
    """Records a new assessment. A second submit of the same form returns the first.
    `refresh_due=False` leaves the follows' next due date to the caller (bulk loads);
    `entered_by_citizen`: the citizen answered alone through a self-assessment link;
    `kind` STARTING_SCORES: a referral's starting scores, which cover no due date.
    `round`: the round of a satisfaction survey (1-99), which only a survey has.
    `require_complete` (the form): a completed assessment with scored items unanswered is
    refused (`missing_items`) unless `incomplete_reason` is given ("gem alligevel"), and
    then only with a reason that is not blank; the reason is kept with it."""
    if creation_token is not None:
        existing = Assessment.objects.filter(creation_token=creation_token).first()
        if existing is not None:
            return existing
    cleaned = _validate(
        citizen=citizen,
        version=version,
        date=date,
        respondent=respondent,
        status=status,
        answers=answers,
        new=True,
        round=round,
        require_complete=require_complete,
        incomplete_reason=incomplete_reason,
    )
    items = list(version.items.all())
    try:
        with transaction.atomic():
            assessment = audited_create(
                actor=actor,
                model=Assessment,
                data={
                    "citizen": citizen,
                    "version": version,
                    "date": date,
                    "respondent": respondent,
                    "status": status,
                    "recorded_by": actor,
                    "recorded_by_organisation_id": actor.organisation_id,
                    "creation_token": creation_token,
                    "entered_by_citizen": entered_by_citizen,
                    "kind": kind,
                    "round": round,
                    "incomplete_reason": _stored_reason(
                        items=items, status=status, answers=answers, reason=incomplete_reason
                    ),
                    **_score_fields(cleaned),
                },
                tracked=_answers_snapshot,
                citizen=citizen,
                related=_answers_writer(cleaned, replace=False),
            )
    except IntegrityError:
        existing = Assessment.objects.filter(creation_token=creation_token).first()
        if existing is None:
            raise
        return existing
    if refresh_due:
        follows_refresh_due(citizen=citizen, instrument_id=version.instrument_id)
    return assessment


@transaction.atomic
def assessment_correct(
    *,
    actor,
    assessment: Assessment,
    expected_revision: int,
    date: dt.date,
    respondent: str,
    status: str,
    answers: dict[str, AnswerInput],
    require_complete: bool = False,
    incomplete_reason: str | None = None,
) -> Assessment:
    """Corrects an assessment; the change history keeps every correction. `require_complete`
    and `incomplete_reason` as in `assessment_record`."""
    current = lock_for_update(
        assessment,
        expected_version=expected_revision,
        version_field="revision",
        related=["citizen", "version"],
    )
    if current.status == Assessment.Status.COMPLETED and status == Assessment.Status.DRAFT:
        raise ValidationError({"status": _("A completed assessment cannot become a draft.")})
    cleaned = _validate(
        citizen=current.citizen,
        version=current.version,
        date=date,
        respondent=respondent,
        status=status,
        answers=answers,
        new=False,
        require_complete=require_complete,
        incomplete_reason=incomplete_reason,
    )
    reason = _stored_reason(
        items=list(current.version.items.all()),
        status=status,
        answers=answers,
        reason=current.incomplete_reason if incomplete_reason is None else incomplete_reason,
    )
    audited_update(
        actor=actor,
        instance=current,
        expected_version=None,
        data={
            "date": date,
            "respondent": respondent,
            "status": status,
            "incomplete_reason": reason,
            **_score_fields(cleaned),
        },
        tracked=_answers_snapshot,
        citizen=current.citizen,
        lock=False,
        version_field="revision",
        related=_answers_writer(cleaned, replace=True),
    )
    follows_refresh_due(citizen=current.citizen, instrument_id=current.version.instrument_id)
    return current


def answers_every_scaled_item(assessment: Assessment) -> bool:
    """Whether the assessment has a value on every scaled item of its version (a whole
    reading, of which a total score can be computed)."""
    scaled = sum(1 for item in assessment.version.items.all() if item.is_ordinal)
    return scaled > 0 and assessment.scored_items == scaled


@transaction.atomic
def assessment_mark_starting_scores(*, actor, assessment: Assessment) -> Assessment:
    """Marks an assessment as a referral's starting scores (`Assessment.Kind`): the wheel then
    shows it as such, it covers no due date and no report counts it as a reading. For an
    imported referral, whose starting scores name an assessment of the package."""
    current = lock_for_update(
        assessment, expected_version=None, version_field="revision", related=["citizen", "version"]
    )
    audited_update(
        actor=actor,
        instance=current,
        expected_version=None,
        data={"kind": Assessment.Kind.STARTING_SCORES},
        tracked=("kind",),
        citizen=current.citizen,
        lock=False,
        version_field="revision",
    )
    follows_refresh_due(citizen=current.citizen, instrument_id=current.version.instrument_id)
    return current


def _rule_of(change: CadenceChange) -> CadenceRule:
    return CadenceRule(
        every_days=change.every_days,
        every_months=change.every_months,
        steps_days=tuple(change.steps_days or ()),
        due_at_start=change.due_at_start,
    )


def follow_periods(follow: Follow) -> list[CadencePeriod]:
    return [
        CadencePeriod(rule=_rule_of(change), starts_on=change.starts_on)
        for change in follow.cadences.all()
    ]


def follows_refresh_due(*, citizen, instrument_id: int, today: dt.date | None = None) -> None:
    """Recomputes `next_due` of the citizen's active follows of the instrument. A referral's
    starting scores cover no due date: they are not a reading of the instrument."""
    done = sorted(
        Assessment.objects.filter(
            citizen=citizen,
            version__instrument_id=instrument_id,
            status=Assessment.Status.COMPLETED,
            kind=Assessment.Kind.READING,
        ).values_list("date", flat=True)
    )
    for follow in Follow.objects.filter(
        citizen=citizen, instrument_id=instrument_id, is_active=True
    ).prefetch_related("cadences"):
        status = due_status(follow_periods(follow), done=done, today=today or dt.date.today())
        if follow.next_due != status.next_due:
            follow.next_due = status.next_due
            follow.save(update_fields=["next_due", "updated_at"])


def follows_due_dates_refresh(*, today: dt.date | None = None) -> int:
    """The scheduled job's recomputation of every active follow's `next_due` (after cadence
    changes, including those whose new cadence starts today, and whatever else moved a due
    date outside the pages); returns how many were corrected. Two queries, and one UPDATE
    per correction."""
    today = today or dt.date.today()
    done: dict[tuple[int, int], list[dt.date]] = {}
    for citizen_id, instrument_id, day in (
        Assessment.objects.filter(
            status=Assessment.Status.COMPLETED,
            kind=Assessment.Kind.READING,
            citizen__follows__is_active=True,
        )
        .values_list("citizen_id", "version__instrument_id", "date")
        .distinct()
        .order_by("date")
    ):
        done.setdefault((citizen_id, instrument_id), []).append(day)
    corrected = 0
    for follow in Follow.objects.filter(is_active=True).prefetch_related("cadences"):
        dates = done.get((follow.citizen_id, follow.instrument_id), [])
        next_due = due_status(follow_periods(follow), done=dates, today=today).next_due
        if follow.next_due != next_due:
            Follow.objects.filter(pk=follow.pk).update(next_due=next_due, updated_at=timezone.now())
            corrected += 1
    return corrected


def _rule_from_input(
    *, every_days: int | None, every_months: int | None, steps_days: list[int]
) -> CadenceRule:
    try:
        return CadenceRule(
            every_days=every_days, every_months=every_months, steps_days=tuple(steps_days)
        )
    except ValueError:
        raise ValidationError(
            {"cadence": _("Give an interval of whole days or months, or increasing steps in days.")}
        ) from None


@transaction.atomic
def follow_start(
    *,
    actor,
    citizen,
    instrument: Instrument,
    start_date: dt.date,
    respondent: str = "joint",
    every_days: int | None = None,
    every_months: int | None = None,
    steps_days: list[int] | None = None,
) -> Follow:
    """The citizen starts following an instrument at a cadence; the baseline is due at start."""
    _rule_from_input(every_days=every_days, every_months=every_months, steps_days=steps_days or [])
    if Follow.objects.filter(citizen=citizen, instrument=instrument, is_active=True).exists():
        raise ValidationError({"instrument": _("The citizen already follows this instrument.")})
    follow = audited_create(
        actor=actor,
        model=Follow,
        data={
            "citizen": citizen,
            "instrument": instrument,
            "start_date": start_date,
            "respondent": respondent,
        },
        tracked=lambda _follow: {
            "instrument": instrument.code,
            "start_date": str(start_date),
            "every_days": every_days,
            "every_months": every_months,
            "steps_days": list(steps_days or []),
        },
        citizen=citizen,
        related=lambda created: CadenceChange.objects.create(
            follow=created,
            starts_on=start_date,
            every_days=every_days,
            every_months=every_months,
            steps_days=list(steps_days or []),
        ),
    )
    follows_refresh_due(citizen=citizen, instrument_id=instrument.pk)
    return follow


@transaction.atomic
def follow_change_cadence(
    *,
    actor,
    follow: Follow,
    starts_on: dt.date,
    every_days: int | None = None,
    every_months: int | None = None,
    steps_days: list[int] | None = None,
) -> Follow:
    """A new cadence from `starts_on`; due dates before it keep the old cadence."""
    _rule_from_input(every_days=every_days, every_months=every_months, steps_days=steps_days or [])
    current = Follow.objects.select_for_update().get(pk=follow.pk)
    if starts_on < current.start_date:
        raise ValidationError({"starts_on": _("A new cadence cannot start before the course.")})
    current.cadences.filter(starts_on__gte=starts_on).delete()
    CadenceChange.objects.create(
        follow=current,
        starts_on=starts_on,
        every_days=every_days,
        every_months=every_months,
        steps_days=list(steps_days or []),
    )
    change_record_write(
        actor=actor,
        instance=current,
        kind=ChangeRecord.Kind.UPDATE,
        before=None,
        after={
            "cadence_from": str(starts_on),
            "every_days": every_days,
            "every_months": every_months,
            "steps_days": list(steps_days or []),
        },
        citizen=current.citizen,
    )
    follows_refresh_due(citizen=current.citizen, instrument_id=current.instrument_id)
    return current


@transaction.atomic
def target_score_set(
    *,
    actor,
    citizen,
    instrument: Instrument,
    item_code: str,
    value: float | None,
    on: dt.date | None = None,
) -> TargetScore | None:
    """Sets (or with None clears) the citizen's own target on a scale item of the instrument."""
    version = instrument.versions.filter(status=InstrumentVersion.Status.PUBLISHED).first()
    item = version.items.filter(code=item_code).first() if version else None
    if item is None or not item.is_ordinal:
        raise ValidationError({"item": _("Targets can be set on scale items only.")})
    if value is not None and not item.scale_min <= value <= item.scale_max:
        raise ValidationError(
            {
                "value": _("Choose a whole number from %(min)d to %(max)d.")
                % {"min": item.scale_min, "max": item.scale_max}
            }
        )
    target = TargetScore.objects.filter(
        citizen=citizen, instrument=instrument, item_code=item_code
    ).first()
    before = {"value": target.value} if target else None
    if value is None:
        if target is None:
            return None
        change_record_write(
            actor=actor,
            instance=target,
            kind=ChangeRecord.Kind.DELETE,
            before=before,
            after=None,
            citizen=citizen,
        )
        target.delete()
        return None
    if target is None:
        target = TargetScore.objects.create(
            citizen=citizen,
            instrument=instrument,
            item_code=item_code,
            value=value,
            set_on=on or dt.date.today(),
        )
    else:
        target.value = value
        target.set_on = on or dt.date.today()
        target.save(update_fields=["value", "set_on"])
    change_record_write(
        actor=actor,
        instance=target,
        kind=ChangeRecord.Kind.UPDATE if before else ChangeRecord.Kind.CREATE,
        before=before,
        after={"value": value},
        citizen=citizen,
    )
    return target


# An organisation's default follow for new citizens, and registering a citizen with it.

DEFAULT_FOLLOW_FIELDS = ("organisation_id", "instrument_id", "every_days")


def follow_choice_errors(
    *, instrument: Instrument | None, every_days, prefix: str = "follow_"
) -> Errors:
    """A follow chosen for a new citizen: an instrument in use (not the participant profile,
    which belongs to an enrolment) at a cadence of whole days, at least 1; no instrument, no
    follow."""
    if instrument is None:
        return {}
    errors: Errors = {}
    if (
        instrument.purpose == Purpose.PROFILE
        or not instrument.versions.filter(status=InstrumentVersion.Status.PUBLISHED).exists()
    ):
        errors[f"{prefix}instrument"] = [_("Instrument: choose an instrument in use.")]
    if isinstance(every_days, bool) or not isinstance(every_days, int) or every_days < 1:
        errors[f"{prefix}every_days"] = [
            _("Every (days): write a whole number of days, at least 1.")
        ]
    return errors


@transaction.atomic
def default_follow_save(*, actor, default: DefaultFollow) -> DefaultFollow:
    """Saves the organisation's default instrument and cadence for new citizens (an
    administrator in the admin), with a change record."""
    errors = follow_choice_errors(
        instrument=default.instrument, every_days=default.every_days, prefix=""
    )
    if errors:
        raise ValidationError(errors)
    before = (
        snapshot(DefaultFollow.objects.get(pk=default.pk), DEFAULT_FOLLOW_FIELDS)
        if default.pk
        else None
    )
    default.full_clean()
    default.save()
    change_record_write(
        actor=actor,
        instance=default,
        kind=ChangeRecord.Kind.UPDATE if before else ChangeRecord.Kind.CREATE,
        before=before,
        after=snapshot(default, DEFAULT_FOLLOW_FIELDS),
    )
    return default


@transaction.atomic
def default_follow_delete(*, actor, default: DefaultFollow) -> None:
    change_record_write(
        actor=actor,
        instance=default,
        kind=ChangeRecord.Kind.DELETE,
        before=snapshot(default, DEFAULT_FOLLOW_FIELDS),
        after=None,
    )
    default.delete()


@transaction.atomic
def citizen_create_following(
    *,
    actor,
    follow_instrument: Instrument | None,
    follow_every_days: int | None,
    **citizen,
) -> Citizen:
    """Registers a citizen (`citizens.services.citizen_create`, with its arguments) who, with
    `follow_instrument`, follows it every `follow_every_days` days from today, the baseline
    due today, in the same transaction: a refused cadence saves no citizen either. A second
    submit of the same form (its `creation_token`) returns the first citizen and starts
    nothing more."""
    errors = follow_choice_errors(instrument=follow_instrument, every_days=follow_every_days)
    token = citizen.get("creation_token")
    replay = token is not None and Citizen.objects.filter(creation_token=token).exists()
    try:
        made = citizen_services.citizen_create(actor=actor, **citizen)
    except ValidationError as error:
        raise ValidationError(merged(error.message_dict, errors)) from None
    if errors:
        raise ValidationError(errors)
    if follow_instrument is not None and not replay:
        follow_start(
            actor=actor,
            citizen=made,
            instrument=follow_instrument,
            start_date=dt.date.today(),
            every_days=follow_every_days,
        )
    return made
