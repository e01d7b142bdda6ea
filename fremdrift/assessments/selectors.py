"""Reads of assessments: what the wheel, the item histories and the caseload need, each in a
fixed number of queries whatever the length of the history."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, F, Min, OuterRef, Q, QuerySet, Subquery

from fremdrift.accounts.access import is_provider_staff
from fremdrift.audit.models import ChangeRecord
from fremdrift.citizens.access import citizens_in_scope
from fremdrift.instruments.models import Instrument, InstrumentVersion, Item, Purpose, ScaleType

from .models import Answer, Assessment, DefaultFollow, Follow, TargetScore


def published_version(instrument: Instrument) -> InstrumentVersion | None:
    return instrument.versions.filter(status=InstrumentVersion.Status.PUBLISHED).first()


def instruments_of(citizen) -> list[Instrument]:
    """The instruments a citizen follows or has answered, followed ones first."""
    followed = Instrument.objects.filter(follows__citizen=citizen, follows__is_active=True)
    answered = Instrument.objects.filter(versions__assessments__citizen=citizen)
    seen: dict[int, Instrument] = {}
    for instrument in list(followed) + list(answered.distinct()):
        seen.setdefault(instrument.pk, instrument)
    return list(seen.values())


# Two respondents' assessments this close are of the same period: the wheel compares them
# and the rater-agreement report pairs them.
SAME_PERIOD_DAYS = 14


def other_respondent_near(assessment: Assessment) -> Assessment | None:
    """The completed assessment of the same instrument for the same citizen by another
    respondent, nearest in time within SAME_PERIOD_DAYS (the earlier one on a tie)."""
    window = dt.timedelta(days=SAME_PERIOD_DAYS)
    candidates = Assessment.objects.filter(
        citizen_id=assessment.citizen_id,
        version__instrument_id=assessment.version.instrument_id,
        status=Assessment.Status.COMPLETED,
        kind=Assessment.Kind.READING,
        date__range=(assessment.date - window, assessment.date + window),
    ).exclude(respondent=assessment.respondent)
    return min(
        candidates,
        key=lambda other: (abs((other.date - assessment.date).days), other.date, other.pk),
        default=None,
    )


def completed_assessments(citizen, instrument: Instrument) -> QuerySet[Assessment]:
    return Assessment.objects.filter(
        citizen=citizen, version__instrument=instrument, status=Assessment.Status.COMPLETED
    ).order_by("date", "id")


def same_day_assessment(citizen, instrument: Instrument, day: dt.date) -> Assessment | None:
    """The citizen's completed reading of the instrument on `day`, if there is one."""
    return (
        completed_assessments(citizen, instrument)
        .filter(date=day, kind=Assessment.Kind.READING)
        .first()
    )


def is_reading(assessment: Assessment) -> bool:
    """A reading of the instrument, not a referral's starting scores (`Assessment.Kind`). The
    wheel and the citizen report compare readings; starting scores, the baseline of a
    referral's focus items, are shown marked as such."""
    return assessment.kind == Assessment.Kind.READING


def latest_whole_reading(citizen, instrument: Instrument) -> Assessment | None:
    """The citizen's newest reading of the instrument with a value on every scaled item of its
    version (not a referral's starting scores, nor the provider's scores on its focus items),
    or None: what the referral form offers as starting scores."""
    scaled = (
        Item.objects.filter(version=OuterRef("version"), scale_type=ScaleType.ORDINAL)
        .order_by()
        .values("version")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        completed_assessments(citizen, instrument)
        .filter(kind=Assessment.Kind.READING)
        .annotate(scaled=Subquery(scaled))
        .filter(scaled__gt=0, scored_items__gte=F("scaled"))
        .last()
    )


@dataclass
class WheelData:
    instrument: Instrument
    items: list[Item]  # the ordinal items, one spoke each, from the newest version
    chosen: list[Assessment]  # oldest first: first, previous, newest (or what was asked for)
    # The newest assessment when it is a referral's starting scores, not a reading: drawn
    # marked beside the readings.
    partial: Assessment | None
    scores: dict[int, dict[str, float | None]]  # assessment id -> item code -> score
    targets: dict[str, float]
    history: dict[str, list[tuple[dt.date, float | None]]]  # item code -> (date, score)
    all_assessments: list[Assessment]
    readings: list[Assessment]  # the readings (not starting scores), oldest first


def wheel_data(
    citizen,
    instrument: Instrument,
    *,
    assessment_ids: list[int] | None = None,
    with_history: bool = True,
) -> WheelData:
    """Everything the wheel and the item histories show, in five queries. Without the
    history, only the chosen assessments' answers are loaded. The first, previous and newest
    are readings (`is_reading`); newer starting scores of a referral are `partial`."""
    assessments = list(
        completed_assessments(citizen, instrument).select_related(
            "version", "recorded_by_organisation"
        )
    )
    version = published_version(instrument) or (assessments[-1].version if assessments else None)
    items = [item for item in version.items.all() if item.is_ordinal] if version else []
    readings = [a for a in assessments if is_reading(a)]
    partial = None
    if assessment_ids:
        wanted = set(assessment_ids)
        chosen = [a for a in assessments if a.pk in wanted]
    else:
        chosen = readings if len(readings) <= 3 else [readings[0], readings[-2], readings[-1]]
        if assessments and not is_reading(assessments[-1]):
            partial = assessments[-1]
    codes = {item.code for item in items}
    scores: dict[int, dict[str, float | None]] = defaultdict(dict)
    history: dict[str, list[tuple[dt.date, float | None]]] = defaultdict(list)
    dates = {a.pk: a.date for a in assessments}
    shown = chosen + ([partial] if partial is not None else [])
    wanted_ids = [a.pk for a in (assessments if with_history else shown)]
    answers = Answer.objects.filter(assessment__in=wanted_ids, item__code__in=codes).values_list(
        "assessment_id", "item__code", "value"
    )
    for assessment_id, code, value in answers.order_by("assessment__date", "assessment_id"):
        scores[assessment_id][code] = value
        history[code].append((dates[assessment_id], value))
    targets = dict(
        TargetScore.objects.filter(citizen=citizen, instrument=instrument).values_list(
            "item_code", "value"
        )
    )
    return WheelData(
        instrument=instrument,
        items=items,
        chosen=chosen,
        partial=partial,
        scores=dict(scores),
        targets=targets,
        history=dict(history),
        all_assessments=assessments,
        readings=readings,
    )


def follows_of(citizen) -> list[Follow]:
    return list(
        Follow.objects.filter(citizen=citizen, is_active=True)
        .select_related("instrument")
        .prefetch_related("cadences")
        .order_by("next_due")
    )


def next_due_subquery():
    """The earliest next due date of a citizen's active follows, for annotating citizens."""
    return Subquery(
        Follow.objects.filter(citizen=OuterRef("pk"), is_active=True, next_due__isnull=False)
        .values("citizen")
        .annotate(first=Min("next_due"))
        .values("first")[:1]
    )


def with_due(citizens: QuerySet, *, due_filter: str = "", today: dt.date | None = None):
    """Citizens annotated with `next_due`; `due_filter` 'overdue' or 'due' (within 14 days)."""
    day = today or dt.date.today()
    citizens = citizens.annotate(next_due=next_due_subquery())
    if due_filter == "overdue":
        citizens = citizens.filter(next_due__lt=day)
    elif due_filter == "due":
        citizens = citizens.filter(Q(next_due__lte=day + dt.timedelta(days=14)))
    return citizens


def mean_of(answers) -> float | None:
    """The mean of answered values; 'don't know', 'not relevant' and blanks never count."""
    values = [
        a.value for a in answers if a.value is not None and not a.dont_know and not a.not_relevant
    ]
    return sum(values) / len(values) if values else None


def assessments_of_instruments(citizen, instruments, *, limit: int = 20) -> list[Assessment]:
    """The citizen's newest assessments of `instruments` (the caller has checked that the
    user may read them: a provider's programme instruments on the referral card)."""
    if not instruments:
        return []
    return list(
        Assessment.objects.filter(citizen=citizen, version__instrument__in=instruments)
        .select_related("version__instrument")
        .order_by("-date", "-id")[:limit]
    )


def corrections_of(assessment: Assessment):
    """Who recorded and corrected the assessment, and when, oldest first."""
    return (
        ChangeRecord.objects.filter(model=Assessment._meta.label, object_id=str(assessment.pk))
        .select_related("actor")
        .order_by("at", "id")
    )


def assessments_in_scope(user) -> QuerySet[Assessment]:
    """The assessments `user` may read (the API): those of the citizens in scope, with their
    version and answers. The general assessment pages are not shared with provider staff (a
    referral shares its focus items, which the provider scores on the referral), so provider
    staff read none here either."""
    from django.db.models import Prefetch

    assessments = Assessment.objects.filter(citizen__in=citizens_in_scope(user))
    if is_provider_staff(user):
        assessments = assessments.none()
    # The participant profile as `citizens.access.may_record_profile` has it: the citizen's
    # caseworkers only.
    assessments = assessments.filter(
        ~Q(version__instrument__purpose=Purpose.PROFILE)
        | Q(citizen__in=citizens_in_scope(user, to_change=True))
    )
    return assessments.select_related("version__instrument").prefetch_related(
        Prefetch(
            "answers",
            queryset=Answer.objects.select_related("item").order_by("item__position", "id"),
        )
    )


def assessment_get(user, assessment_id: int) -> Assessment:
    """An assessment in scope, or 404: one outside the scope looks like one that does not
    exist."""
    from django.http import Http404

    found = assessments_in_scope(user).select_related("citizen").filter(pk=assessment_id).first()
    if found is None:
        raise Http404
    return found


def default_follow_of(organisation) -> DefaultFollow | None:
    """The instrument and cadence the organisation's new citizens follow, if it has set one."""
    return (
        DefaultFollow.objects.filter(organisation=organisation).select_related("instrument").first()
    )


def followable_instruments():
    """The instruments a citizen can start to follow: those in use, not the participant
    profile (which belongs to an enrolment)."""
    return (
        Instrument.objects.filter(versions__status=InstrumentVersion.Status.PUBLISHED)
        .exclude(purpose=Purpose.PROFILE)
        .distinct()
        .order_by("name_da")
    )
