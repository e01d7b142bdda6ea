"""Writes of programmes, enrolments, exits and milestone confirmations."""

import datetime as dt
import uuid
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from fremdrift.accounts.access import is_caseworker, may_hold_company_part, may_record_fidelity
from fremdrift.assessments.models import Assessment, Follow
from fremdrift.assessments.services import (
    AnswerInput,
    assessment_correct,
    assessment_record,
    follow_start,
)
from fremdrift.audit.services import audited_create, audited_update, lock_for_update, snapshot
from fremdrift.citizens.access import may_record_profile
from fremdrift.codelists.models import Code, CodeList
from fremdrift.codelists.selectors import visible_to
from fremdrift.core.validation import Errors, interval_errors, merged, period_errors
from fremdrift.instruments.builtin import PROFILE_CODE
from fremdrift.instruments.models import InstrumentVersion, Purpose, Respondent

from .models import (
    Enrolment,
    FidelityAssessment,
    Milestone,
    MilestoneConfirmation,
    MilestoneRule,
    Programme,
    ProgrammeInstrument,
)

PROGRAMME_FIELDS = (
    "organisation",
    "name",
    "description",
    "target_group",
    "start_date",
    "end_date",
    "capacity",
    "price",
    "is_active",
)
ENROLMENT_FIELDS = (
    "citizen",
    "programme",
    "start_date",
    "responsible",
    "company_consultant",
    "status",
    "end_date",
    "exit_reason",
    "exit_note",
)


def enrolment_errors(
    *, start_date: dt.date | None, end_date: dt.date | None = None, birth_date=None
) -> Errors:
    """An enrolment starts on or after the citizen's birth; its exit is on or after its start
    and not in the future. The exit page, the API and the exchange package's check pass ask
    this."""
    errors: Errors = {}
    if start_date is not None and birth_date is not None and start_date < birth_date:
        errors["start_date"] = [_("The date cannot be before the citizen's birth.")]
    if end_date is not None and start_date is not None and end_date < start_date:
        errors["end_date"] = [_("The exit date cannot be before the start date.")]
    elif end_date is not None and end_date > dt.date.today():
        errors["end_date"] = [_("The exit date cannot be in the future.")]
    return errors


@transaction.atomic
def programme_create(
    *,
    actor,
    organisation,
    name: str,
    start_date: dt.date,
    description: str = "",
    target_group: Code | None = None,
    end_date: dt.date | None = None,
    capacity: int | None = None,
    price: Decimal = Decimal(0),
    instruments: list[tuple] = (),
    milestones: list[dict] = (),
    exit_reasons: list[Code] = (),
) -> Programme:
    """A programme with the instruments its citizens follow (instrument, every n days) and the
    milestones it pays for (code, label, share in %, rule)."""
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors.setdefault("name", []).append(_("Give the programme a name."))
    errors = merged(errors, period_errors(start_date, end_date))
    if capacity is not None and capacity < 1:
        errors.setdefault("capacity", []).append(_("The capacity must be at least 1."))
    if price < 0:
        errors.setdefault("price", []).append(_("The price cannot be negative."))
    for _instrument, interval in instruments:
        errors = merged(errors, interval_errors(interval, field="instruments"))
    shares = [Decimal(str(m["share"])) for m in milestones]
    if any(not 0 < s <= 100 for s in shares) or sum(shares) > 100:
        errors.setdefault("milestones", []).append(
            _("Each milestone's share must be above 0 %, and together at most 100 %.")
        )
    if any(m.get("rule", MilestoneRule.MANUAL) not in MilestoneRule.values for m in milestones):
        errors.setdefault("milestones", []).append(_("Unknown milestone rule."))
    if len({m["code"] for m in milestones}) != len(milestones):
        errors.setdefault("milestones", []).append(_("Two milestones have the same code."))
    if any(c.code_list != CodeList.EXIT_REASON or c.parent_id is None for c in exit_reasons):
        errors.setdefault("exit_reasons", []).append(_("Choose exit reasons from the list."))
    if errors:
        raise ValidationError(errors)

    def instruments_milestones_and_exits(programme: Programme) -> None:
        ProgrammeInstrument.objects.bulk_create(
            ProgrammeInstrument(programme=programme, instrument=instrument, interval_days=interval)
            for instrument, interval in instruments
        )
        Milestone.objects.bulk_create(
            Milestone(
                programme=programme,
                code=m["code"],
                label=m["label"],
                share=Decimal(str(m["share"])),
                rule=m.get("rule", MilestoneRule.MANUAL),
                position=n,
            )
            for n, m in enumerate(milestones)
        )
        programme.exit_reasons.set(exit_reasons)

    return audited_create(
        actor=actor,
        model=Programme,
        data={
            "organisation": organisation,
            "name": name.strip(),
            "description": description,
            "target_group": target_group,
            "start_date": start_date,
            "end_date": end_date,
            "capacity": capacity,
            "price": price,
        },
        tracked=lambda created: (
            snapshot(created, PROGRAMME_FIELDS)
            | {
                "milestones": [
                    [m["code"], str(m["share"]), m.get("rule", "manual")] for m in milestones
                ]
            }
        ),
        related=instruments_milestones_and_exits,
    )


def exit_reasons_of(programme: Programme):
    """The programme's own exit reasons, or the default two-level list's second level."""
    own = programme.exit_reasons.select_related("parent").order_by(
        "parent__sort_order", "sort_order"
    )
    if own.exists():
        return own.filter(is_active=True)
    # The defaults and the programme's organisation's own exit reasons.
    return (
        Code.objects.filter(
            visible_to(programme.organisation_id),
            code_list=CodeList.EXIT_REASON,
            parent__isnull=False,
            is_active=True,
        )
        .select_related("parent")
        .order_by("parent__sort_order", "sort_order")
    )


@transaction.atomic
def enrolment_create(
    *,
    actor,
    citizen,
    programme: Programme,
    start_date: dt.date,
    responsible=None,
    follow_instruments: bool = True,
) -> Enrolment:
    """Enrols the citizen in the programme. With `follow_instruments` the citizen starts
    following the programme's instruments at its cadence (unless they follow them already);
    an enrolment made by a referral does not: the provider scores at the referral's cadence,
    and the jobcentre's own follows stay as they are."""
    errors: dict[str, list[str]] = {}
    if not programme.is_active:
        errors.setdefault("programme", []).append(_("This programme is not active."))
    if Enrolment.objects.filter(
        citizen=citizen, programme=programme, status=Enrolment.Status.ACTIVE
    ).exists():
        errors.setdefault("programme", []).append(
            _("The citizen is already enrolled in this programme.")
        )
    errors = merged(errors, enrolment_errors(start_date=start_date, birth_date=citizen.birth_date))
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            enrolment = audited_create(
                actor=actor,
                model=Enrolment,
                data={
                    "citizen": citizen,
                    "programme": programme,
                    "start_date": start_date,
                    "responsible": responsible,
                },
                tracked=ENROLMENT_FIELDS,
                citizen=citizen,
            )
    except IntegrityError:
        raise ValidationError(
            {"programme": _("The citizen is already enrolled in this programme.")}
        ) from None
    if follow_instruments:
        _follow_programme_instruments(actor=actor, enrolment=enrolment)
    return enrolment


def _follow_programme_instruments(*, actor, enrolment: Enrolment) -> None:
    """The citizen starts following the programme's instruments at its cadence, unless they
    already follow them (their own cadence then stands)."""
    followed = set(
        Follow.objects.filter(citizen=enrolment.citizen, is_active=True).values_list(
            "instrument_id", flat=True
        )
    )
    for wanted in enrolment.programme.programme_instruments.select_related("instrument"):
        if wanted.instrument_id not in followed:
            follow_start(
                actor=actor,
                citizen=enrolment.citizen,
                instrument=wanted.instrument,
                start_date=enrolment.start_date,
                every_days=wanted.interval_days,
            )


def enrolment_get_or_create(
    *,
    actor,
    citizen,
    programme: Programme,
    start_date: dt.date,
    follow_instruments: bool = True,
):
    """The citizen's active enrolment in the programme, or a new one from `start_date`
    (`enrolment_create`)."""
    active = Enrolment.objects.filter(
        citizen=citizen, programme=programme, status=Enrolment.Status.ACTIVE
    ).first()
    return active or enrolment_create(
        actor=actor,
        citizen=citizen,
        programme=programme,
        start_date=start_date,
        follow_instruments=follow_instruments,
    )


@transaction.atomic
def milestone_confirm(
    *, actor, enrolment: Enrolment, milestone: Milestone, reached_on: dt.date
) -> MilestoneConfirmation:
    """Confirms by hand a milestone the data cannot tell, with the date it was reached."""
    errors: dict[str, list[str]] = {}
    if milestone.programme_id != enrolment.programme_id:
        errors.setdefault("milestone", []).append(_("This milestone belongs to another programme."))
    elif milestone.rule != MilestoneRule.MANUAL:
        errors.setdefault("milestone", []).append(
            _("This milestone is reached by a rule from the data, not by hand.")
        )
    if reached_on > dt.date.today():
        errors.setdefault("reached_on", []).append(_("The date cannot be in the future."))
    elif reached_on < enrolment.start_date or (
        enrolment.end_date is not None and reached_on > enrolment.end_date
    ):
        errors.setdefault("reached_on", []).append(_("The date must lie within the enrolment."))
    if MilestoneConfirmation.objects.filter(enrolment=enrolment, milestone=milestone).exists():
        errors.setdefault("milestone", []).append(_("This milestone has already been confirmed."))
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            return audited_create(
                actor=actor,
                model=MilestoneConfirmation,
                data={
                    "enrolment": enrolment,
                    "milestone": milestone,
                    "reached_on": reached_on,
                    "confirmed_by": actor,
                },
                tracked=("enrolment", "milestone", "reached_on"),
                citizen=enrolment.citizen,
            )
    except IntegrityError:
        raise ValidationError(
            {"milestone": _("This milestone has already been confirmed.")}
        ) from None


@transaction.atomic
def enrolment_assign(
    *, actor, enrolment: Enrolment, expected_version: int, responsible
) -> Enrolment:
    """Makes a member of staff responsible for the enrolment: staff of the programme's own
    organisation, or a caseworker of the citizen's authority."""
    current = lock_for_update(
        enrolment, expected_version=expected_version, related=["citizen", "programme"]
    )
    allowed = responsible is None or (
        responsible.is_active
        and (
            responsible.organisation_id == current.programme.organisation_id
            or (
                responsible.organisation_id == current.citizen.home_organisation_id
                and is_caseworker(responsible)
            )
        )
    )
    if not allowed:
        raise ValidationError(
            {"responsible": _("Choose a member of the programme's staff or a caseworker.")}
        )
    return audited_update(
        actor=actor,
        instance=current,
        expected_version=None,
        data={"responsible": responsible},
        tracked=ENROLMENT_FIELDS,
        citizen=current.citizen,
        lock=False,
        touch=True,  # as before the helper: an assignment without a change still counts one
    )


@transaction.atomic
def enrolment_company_consultant_assign(
    *, actor, enrolment: Enrolment, expected_version: int | None, consultant
) -> Enrolment:
    """Names the job consultant responsible for the company part of the enrolment: an active
    job consultant of the citizen's home organisation (or no one)."""
    current = lock_for_update(
        enrolment, expected_version=expected_version, related=["citizen", "programme"]
    )
    if consultant is not None and not may_hold_company_part(
        consultant, organisation_id=current.citizen.home_organisation_id
    ):
        raise ValidationError(
            {
                "company_consultant": _(
                    "Job consultant: choose a job consultant of the citizen's organisation."
                )
            }
        )
    return audited_update(
        actor=actor,
        instance=current,
        expected_version=None,
        data={"company_consultant": consultant},
        tracked=ENROLMENT_FIELDS,
        citizen=current.citizen,
        lock=False,
    )


@transaction.atomic
def programme_update(
    *,
    actor,
    programme: Programme,
    name: str,
    start_date: dt.date,
    description: str = "",
    target_group: Code | None = None,
    end_date: dt.date | None = None,
    capacity: int | None = None,
    price: Decimal = Decimal(0),
) -> Programme:
    """Changes a programme's description, period, capacity and price (imports; the pages
    edit programmes in the admin)."""
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors.setdefault("name", []).append(_("Give the programme a name."))
    errors = merged(errors, period_errors(start_date, end_date))
    if capacity is not None and capacity < 1:
        errors.setdefault("capacity", []).append(_("The capacity must be at least 1."))
    if price < 0:
        errors.setdefault("price", []).append(_("The price cannot be negative."))
    if errors:
        raise ValidationError(errors)
    return audited_update(
        actor=actor,
        instance=programme,
        expected_version=None,
        data={
            "name": name.strip(),
            "description": description,
            "target_group": target_group,
            "start_date": start_date,
            "end_date": end_date,
            "capacity": capacity,
            "price": price,
        },
        tracked=PROGRAMME_FIELDS,
    )


@transaction.atomic
def programme_deactivate(
    *, actor, programme: Programme, on: dt.date, batch: uuid.UUID | None = None
) -> Programme:
    """Marks a programme closed on `on`: not active, so that no one is referred to it or
    enrolled in it, and ended on that day unless it ended earlier (or starts later). Part of
    closing a programme (`referrals.services.programme_close`), in its change batch."""
    current = lock_for_update(programme)
    data: dict = {"is_active": False}
    if on >= current.start_date and (current.end_date is None or current.end_date > on):
        data["end_date"] = on
    return audited_update(
        actor=actor,
        instance=current,
        expected_version=None,
        data=data,
        tracked=PROGRAMME_FIELDS,
        batch=batch,
        lock=False,
    )


@transaction.atomic
def enrolment_correct(
    *,
    actor,
    enrolment: Enrolment,
    start_date: dt.date,
    end_date: dt.date | None,
    exit_reason: Code | None,
    exit_note: str = "",
) -> Enrolment:
    """Corrects an enrolment's period and exit as another system has them (imports). An end
    date and exit reason end it; without them it is active again."""
    errors: dict[str, list[str]] = {}
    if (end_date is None) != (exit_reason is None):
        errors.setdefault("exit_reason", []).append(
            _("An exit needs both its date and its reason.")
        )
    errors = merged(errors, enrolment_errors(start_date=start_date, end_date=end_date))
    if errors:
        raise ValidationError(errors)
    current = lock_for_update(enrolment, related=["citizen"])
    try:
        with transaction.atomic():
            return audited_update(
                actor=actor,
                instance=current,
                expected_version=None,
                data={
                    "start_date": start_date,
                    "end_date": end_date,
                    "exit_reason": exit_reason,
                    "exit_note": exit_note,
                    "status": (
                        Enrolment.Status.ACTIVE if end_date is None else Enrolment.Status.ENDED
                    ),
                },
                tracked=ENROLMENT_FIELDS,
                citizen=current.citizen,
                lock=False,
            )
    except IntegrityError:
        raise ValidationError(
            {"programme": _("The citizen is already enrolled in this programme.")}
        ) from None


def profile_version() -> InstrumentVersion:
    """The published version of the built-in participant profile ("Deltagerprofil")."""
    return InstrumentVersion.objects.get(
        instrument__code=PROFILE_CODE, status=InstrumentVersion.Status.PUBLISHED
    )


# The name of a profile answer's field on the forms that carry the profile beside their own.
PROFILE_PREFIX = "profile_"


@transaction.atomic
def enrolment_profile_record(
    *,
    actor,
    enrolment: Enrolment,
    date: dt.date,
    answers: dict[str, AnswerInput],
    expected_revision: int | None = None,
) -> Assessment:
    """Records the enrolment's participant profile, or corrects the one it has: a profile is
    answered once per enrolment, and its corrections are kept in the assessment's history.
    An answer's error is named `profile_<item code>`, as the forms that carry the profile
    beside their own fields name it."""
    try:
        return _enrolment_profile_record(
            actor=actor,
            enrolment=enrolment,
            date=date,
            answers=answers,
            expected_revision=expected_revision,
        )
    except ValidationError as error:
        raise ValidationError(
            {
                PROFILE_PREFIX + key.removeprefix("item_") if key.startswith("item_") else key: m
                for key, m in error.message_dict.items()
            }
        ) from None


def _enrolment_profile_record(*, actor, enrolment, date, answers, expected_revision) -> Assessment:
    current = lock_for_update(enrolment, related=["citizen"])
    if not may_record_profile(actor, current.citizen):
        raise ValidationError(
            {"enrolment": _("You cannot record a profile for this citizen's enrolment.")}
        )
    if current.profile is not None:
        return assessment_correct(
            actor=actor,
            assessment=current.profile,
            expected_revision=(
                current.profile.revision if expected_revision is None else expected_revision
            ),
            date=date,
            respondent=current.profile.respondent,
            status=Assessment.Status.COMPLETED,
            answers=answers,
        )
    profile = assessment_record(
        actor=actor,
        citizen=current.citizen,
        version=profile_version(),
        date=date,
        respondent=Respondent.CASEWORKER,
        status=Assessment.Status.COMPLETED,
        answers=answers,
    )
    audited_update(
        actor=actor,
        instance=current,
        expected_version=None,
        data={"profile": profile},
        tracked=("profile",),
        citizen=current.citizen,
        lock=False,
    )
    return profile


FIDELITY_FIELDS = ("programme", "unit", "version", "period_start", "period_end", "answers")


def fidelity_answers_errors(version: InstrumentVersion, answers: dict) -> tuple[Errors, dict]:
    """The answers by item code as whole scale points of the version's items; an empty answer
    is left out. Returns the errors (`item_<code>`, or `answers`) and the clean answers."""
    errors: Errors = {}
    items = {item.code: item for item in version.items.all()}
    clean: dict[str, int] = {}
    for code, raw in answers.items():
        item = items.get(code)
        if item is None:
            errors.setdefault("answers", []).append(
                _("Unknown item: %(code)s.") % {"code": str(code)[:60]}
            )
            continue
        if raw is None or str(raw).strip() == "":
            continue
        try:
            value = int(str(raw).strip())
        except ValueError:
            value = None
        if value is None or not item.is_ordinal or not item.scale_min <= value <= item.scale_max:
            errors.setdefault(f"item_{code}", []).append(
                _("%(item)s: choose a point from %(low)s to %(high)s.")
                % {"item": item.label, "low": item.scale_min, "high": item.scale_max}
            )
            continue
        clean[code] = value
    if not clean and not errors:
        errors.setdefault("answers", []).append(_("Answer at least one item."))
    return errors, clean


@transaction.atomic
def fidelity_assessment_record(
    *,
    actor,
    programme: Programme,
    unit,
    version: InstrumentVersion,
    period_start: dt.date,
    period_end: dt.date,
    answers: dict,
) -> FidelityAssessment:
    """Records a unit's fidelity to the programme's model for a period: the actor's own
    organisation (the unit) scoring its own programme, on a published fidelity scale. Nothing
    is written when anything is refused."""
    errors: Errors = {}
    if not may_record_fidelity(actor) or programme.organisation_id != actor.organisation_id:
        errors.setdefault("programme", []).append(
            _("Only the programme's own organisation records its fidelity.")
        )
    if unit is None or unit.pk != actor.organisation_id:
        errors.setdefault("unit", []).append(
            _("Unit: you can only record the fidelity of your own organisation's unit.")
        )
    published = InstrumentVersion.objects.filter(
        pk=version.pk,
        status=InstrumentVersion.Status.PUBLISHED,
        instrument__purpose=Purpose.FIDELITY,
    ).exists()
    if not published:
        errors.setdefault("version", []).append(_("Choose a fidelity scale that is in use."))
    errors = merged(errors, period_errors(period_start, period_end, field="period_end"))
    if period_start is not None and period_start > dt.date.today():
        errors.setdefault("period_start", []).append(_("The period cannot start in the future."))
    answer_errors, clean = fidelity_answers_errors(version, answers)
    errors = merged(errors, answer_errors)
    if errors:
        raise ValidationError(errors)
    return audited_create(
        actor=actor,
        model=FidelityAssessment,
        data={
            "programme": programme,
            "unit": unit,
            "version": version,
            "period_start": period_start,
            "period_end": period_end,
            "answers": clean,
            "recorded_by": actor,
        },
        tracked=FIDELITY_FIELDS,
    )
