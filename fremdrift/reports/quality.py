"""Data quality: due assessments done on time, by staff member and by provider; citizens
without a plan; enrolments that should have ended with an exit reason."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from django.db.models import CharField
from django.db.models.functions import Cast

from fremdrift.accounts.models import Organisation, User
from fremdrift.assessments.cadence import CadencePeriod, CadenceRule, due_dates
from fremdrift.assessments.models import Assessment, CadenceChange, Follow
from fremdrift.citizens.models import Citizen
from fremdrift.plans.models import Goal
from fremdrift.programmes.models import Enrolment
from fremdrift.referrals.models import Referral

from . import stats
from .cohort import MIN_GROUP, Filters, cohort_citizens, cohort_enrolments, cohort_rows

ON_TIME_DAYS = 7  # an assessment within a week of its due date is on time
PERIOD_DAYS = 365  # the report covers the due dates of the last year
MARGIN_DAYS = 200  # older assessments cannot be nearest to a due date in the period


@dataclass
class OnTimeRow:
    name: str
    citizens: int
    due: int
    on_time: int

    @property
    def share(self):
        return stats.proportion_interval(self.on_time, self.due) if self.due else None

    @property
    def suppressed(self) -> bool:
        return self.citizens < MIN_GROUP


@dataclass
class QualityReport:
    by_staff: list[OnTimeRow]
    by_provider: list[OnTimeRow]
    enrolments: int
    without_plan: int
    should_have_exited: int


def _on_time(due, done: list[int], *, count_from: int | None = None) -> int:
    """Due dates covered by an assessment within a week (ordinal day numbers, both sorted).
    As in the cadence rules, each assessment covers only the due date nearest to it (on a tie
    the earlier), so one assessment is never on time for two due dates."""
    due = np.asarray(due, dtype=np.int64)
    if not len(due) or not done:
        return 0
    days = np.asarray(done, dtype=np.int64)
    last = len(due) - 1
    after = np.minimum(np.searchsorted(due, days), last)
    before = np.maximum(after - 1, 0)
    nearest = np.where(np.abs(due[before] - days) <= np.abs(due[after] - days), before, after)
    close = np.abs(due[nearest] - days) <= ON_TIME_DAYS
    covered = np.unique(nearest[close])
    if count_from is not None:
        covered = covered[due[covered] >= count_from]
    return len(covered)


def _due_before(periods, today: dt.date):
    """The due dates before today as ordinal day numbers. A single 'every n days' period, the
    common case, is counted by arithmetic; other cadences go through the cadence rules."""
    if len(periods) == 1:
        rule, start = periods[0].rule, periods[0].starts_on
        if rule.every_days and not rule.steps_days and not rule.every_months:
            return np.arange(start.toordinal(), today.toordinal(), rule.every_days)
    return [d.toordinal() for d in due_dates(periods, until=today) if d < today]


def cohort_enrolment_ids(user, filters: Filters, rows):
    """The cohort's enrolments as a subquery where the database can filter alone (no age
    band), else as the list of the rows' ids."""
    if not filters.age_band:
        return cohort_enrolments(user, filters).values("pk")
    return [r[0] for r in rows]


def quality_report(user, filters: Filters) -> QualityReport:
    rows = cohort_rows(user, filters)
    today = dt.date.today()
    since = today - dt.timedelta(days=PERIOD_DAYS)
    citizen_ids = cohort_citizens(user, filters)
    done: dict[tuple[int, int, str], list[int]] = defaultdict(list)
    for citizen, instrument, respondent, org, day in (
        Assessment.objects.filter(
            citizen_id__in=citizen_ids,
            status=Assessment.Status.COMPLETED,
            date__gte=since - dt.timedelta(days=MARGIN_DAYS),
        )
        .order_by("date")
        # The date as its ISO text: turning 600,000 values into dates through the ORM's
        # converters costs more than parsing them here.
        .annotate(iso_date=Cast("date", CharField()))
        .values_list(
            "citizen_id",
            "version__instrument_id",
            "respondent",
            "recorded_by_organisation_id",
            "iso_date",
        )
    ):
        ordinal = dt.date.fromisoformat(day).toordinal()
        done[citizen, instrument, "any"].append(ordinal)
        if respondent == "provider":
            done[citizen, instrument, f"org{org}"].append(ordinal)
    caseworker_of = dict(
        Citizen.objects.filter(pk__in=citizen_ids).values_list("pk", "responsible_caseworker_id")
    )
    staff: dict[int, list] = defaultdict(lambda: [set(), 0, 0])
    cadences: dict[int, list[CadencePeriod]] = defaultdict(list)
    for follow_id, starts_on, every_days, every_months, steps, at_start in (
        CadenceChange.objects.filter(follow__citizen_id__in=citizen_ids, follow__is_active=True)
        .order_by("starts_on", "id")
        .values_list(
            "follow_id", "starts_on", "every_days", "every_months", "steps_days", "due_at_start"
        )
    ):
        rule = CadenceRule(
            every_days=every_days,
            every_months=every_months,
            steps_days=tuple(steps or ()),
            due_at_start=at_start,
        )
        cadences[follow_id].append(CadencePeriod(rule=rule, starts_on=starts_on))
    for follow_id, citizen_id, instrument_id in Follow.objects.filter(
        citizen_id__in=citizen_ids, is_active=True
    ).values_list("pk", "citizen_id", "instrument_id"):
        due = np.asarray(_due_before(cadences[follow_id], today), dtype=np.int64)
        counted = int((due >= since.toordinal()).sum())
        if not counted:
            continue
        entry = staff[caseworker_of.get(citizen_id)]
        entry[0].add(citizen_id)
        entry[1] += counted
        entry[2] += _on_time(
            due, done[citizen_id, instrument_id, "any"], count_from=since.toordinal()
        )
    providers: dict[int, list] = defaultdict(lambda: [set(), 0, 0])
    for referral in Referral.objects.filter(
        citizen_id__in=citizen_ids, interval_days__isnull=False, instrument__isnull=False
    ):
        end = min(referral.end_date or today, today)
        period = CadencePeriod(
            rule=CadenceRule(every_days=referral.interval_days), starts_on=referral.start_date
        )
        # The referral's start is the caseworker's starting score; the provider's are after.
        due = np.asarray(
            [
                d.toordinal()
                for d in due_dates([period], until=end)
                if referral.start_date < d < today
            ],
            dtype=np.int64,
        )
        counted = int((due >= since.toordinal()).sum())
        if not counted:
            continue
        entry = providers[referral.provider_id]
        entry[0].add(referral.citizen_id)
        entry[1] += counted
        entry[2] += _on_time(
            due,
            done[referral.citizen_id, referral.instrument_id, f"org{referral.provider_id}"],
            count_from=since.toordinal(),
        )
    staff_names = {u.pk: u.get_full_name() or u.username for u in User.objects.filter(pk__in=staff)}
    provider_names = dict(Organisation.objects.filter(pk__in=providers).values_list("pk", "name"))
    with_goals = set(
        Goal.objects.filter(plan__citizen_id__in=citizen_ids).values_list(
            "plan__citizen_id", flat=True
        )
    )
    # Active enrolments that should have ended: the programme has ended, or every referral
    # to it ended more than 30 days ago.
    active = list(
        Enrolment.objects.filter(
            pk__in=cohort_enrolment_ids(user, filters, rows), status=Enrolment.Status.ACTIVE
        ).values_list("citizen_id", "programme_id", "programme__end_date")
    )
    referral_ends: dict[tuple[int, int], list] = defaultdict(list)
    for citizen, programme, status, end in Referral.objects.filter(
        citizen_id__in=citizen_ids, programme__isnull=False
    ).values_list("citizen_id", "programme_id", "status", "end_date"):
        referral_ends[citizen, programme].append(None if status == "active" else end)
    stale = today - dt.timedelta(days=30)

    def should_have_exited(citizen, programme, programme_end) -> bool:
        if programme_end is not None and programme_end < today:
            return True
        ends = referral_ends.get((citizen, programme))
        return bool(ends) and all(e is not None and e < stale for e in ends)

    return QualityReport(
        by_staff=sorted(
            (
                OnTimeRow(staff_names.get(pk, "–"), len(c), due, on)
                for pk, (c, due, on) in staff.items()
            ),
            key=lambda r: r.name,
        ),
        by_provider=sorted(
            (
                OnTimeRow(provider_names.get(pk, "–"), len(c), due, on)
                for pk, (c, due, on) in providers.items()
            ),
            key=lambda r: r.name,
        ),
        enrolments=len(rows),
        without_plan=sum(1 for r in rows if r[1] not in with_goals),
        should_have_exited=sum(1 for a in active if should_have_exited(*a)),
    )
