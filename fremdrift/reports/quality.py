"""Data quality: due assessments done on time, by staff member and by provider; citizens
without a plan; enrolments that should have ended with an exit reason."""

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from django.db.models import Case, F, TextField, Value, When
from django.db.models.functions import Cast

from fremdrift.accounts.models import Organisation, User
from fremdrift.assessments.cadence import CadencePeriod, CadenceRule, due_dates
from fremdrift.assessments.models import Assessment, CadenceChange, Follow
from fremdrift.citizens.models import Citizen
from fremdrift.plans.models import Goal
from fremdrift.programmes.models import Enrolment
from fremdrift.referrals.models import Referral

from . import stats
from .cohort import Filters, cohort_citizens, cohort_enrolment_ids, cohort_numbers
from .functions import DayNumber, cursor_rows
from .privacy import too_few

ON_TIME_DAYS = 7  # an assessment within a week of its due date is on time
PERIOD_DAYS = 365  # the report covers the due dates of the last year
SEGMENT_SHIFT = 22  # day numbers (up to year 9999: 3.65 million) fit in 22 bits


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
        return too_few(self.citizens)


@dataclass
class QualityReport:
    by_staff: list[OnTimeRow]
    by_provider: list[OnTimeRow]
    enrolments: int  # for a group of follows: its citizens
    without_plan: int
    should_have_exited: int
    of_follows: bool = False


@dataclass
class Schedules:
    """Due dates (ordinal day numbers) of several schedules, concatenated: `segment[i]` is the
    schedule of `due[i]`; sorted by schedule, then day."""

    due: np.ndarray
    segment: np.ndarray
    count: int

    @classmethod
    def of(cls, lists) -> "Schedules":
        lists = [np.asarray(d, dtype=np.int64) for d in lists]
        sizes = [len(d) for d in lists]
        return cls(
            due=np.concatenate(lists) if lists else np.zeros(0, dtype=np.int64),
            segment=np.repeat(np.arange(len(lists), dtype=np.int64), sizes),
            count=len(lists),
        )


def on_time_counts(schedules: Schedules, done, done_segment, *, count_from: int) -> np.ndarray:
    """For each schedule, its due dates from `count_from` on that an assessment covered within
    a week. As in the cadence rules, each assessment covers only the due date of its own
    schedule nearest to it (on a tie the earlier), so one assessment is never on time for two
    due dates. `done` are the assessments' day numbers and `done_segment` their schedules, in
    any order. All schedules are matched at once: keys of schedule and day sort as one array."""
    due, segment = schedules.due, schedules.segment
    done = np.asarray(done, dtype=np.int64)
    done_segment = np.asarray(done_segment, dtype=np.int64)
    counts = np.zeros(schedules.count, dtype=np.int64)
    if not len(due) or not len(done):
        return counts
    first = np.searchsorted(segment, done_segment, side="left")
    end = np.searchsorted(segment, done_segment, side="right")
    scheduled = end > first
    done, done_segment = done[scheduled], done_segment[scheduled]
    first, last = first[scheduled], end[scheduled] - 1
    keys = (segment << SEGMENT_SHIFT) | due
    after = np.clip(np.searchsorted(keys, (done_segment << SEGMENT_SHIFT) | done), first, last)
    before = np.maximum(after - 1, first)
    nearest = np.where(np.abs(due[before] - done) <= np.abs(due[after] - done), before, after)
    covered = np.zeros(len(due), dtype=bool)
    covered[nearest[np.abs(due[nearest] - done) <= ON_TIME_DAYS]] = True
    covered &= due >= count_from
    return np.bincount(segment[covered], minlength=schedules.count)


def _on_time(due, done: list[int], *, count_from: int | None = None) -> int:
    """`on_time_counts` of one schedule."""
    return int(
        on_time_counts(
            Schedules.of([due]),
            done,
            np.zeros(len(done), dtype=np.int64),
            count_from=np.iinfo(np.int64).min if count_from is None else count_from,
        )[0]
    )


def _due_before(periods, today: dt.date, *, keep_from: int | None = None):
    """The due dates before today as ordinal day numbers; with `keep_from`, only those from
    that day on and the one before it (the nearest due date of any later assessment is among
    them). A single 'every n days' period, the common case, is counted by arithmetic; other
    cadences go through the cadence rules."""
    if len(periods) == 1:
        rule, start = periods[0].rule, periods[0].starts_on
        if rule.every_days and not rule.steps_days and not rule.every_months:
            return _every_days_before(start.toordinal(), rule.every_days, today, keep_from)
    due = np.asarray(
        [d.toordinal() for d in due_dates(periods, until=today) if d < today], dtype=np.int64
    )
    if keep_from is not None:
        due = due[max(int(np.searchsorted(due, keep_from)) - 1, 0) :]
    return due


def _every_days_before(start: int, every: int, today: dt.date, keep_from: int | None):
    skip = 0 if keep_from is None else max(-(-(keep_from - start) // every) - 1, 0)
    return np.arange(start + skip * every, today.toordinal(), every, dtype=np.int64)


def _completed_since(citizen_ids, day: dt.date) -> np.ndarray:
    """The completed readings from `day` on, as rows of citizen, instrument, recording
    organisation if the provider answered (else 0) and day number. Numbers only, computed in
    the database: half a million rows go into one array without a Python object each."""
    rows = cursor_rows(
        Assessment.objects.filter(
            citizen_id__in=citizen_ids,
            status=Assessment.Status.COMPLETED,
            # A referral's starting scores cover no due date (as in the follows' next due).
            kind=Assessment.Kind.READING,
            date__gte=day,
        )
        .order_by()
        .annotate(
            provider=Case(
                When(respondent="provider", then=F("recorded_by_organisation_id")),
                default=Value(0),
            ),
            day=DayNumber("date"),
        )
        .values_list("citizen_id", "version__instrument_id", "provider", "day")
    )
    return np.array(rows, dtype=np.int64).reshape(len(rows), 4)


def _follow_schedules(citizen_ids, today: dt.date, keep_from: int):
    """The active follows of the citizens, (follow id, citizen id, instrument id), and their
    due dates before today."""
    cadences: dict[int, list[tuple]] = defaultdict(list)
    for follow_id, *cadence in (
        CadenceChange.objects.filter(follow__citizen_id__in=citizen_ids, follow__is_active=True)
        .order_by("starts_on", "id")
        # As text: most cadences have no steps, and decoding 30,000 empty JSON lists costs.
        .annotate(steps=Cast("steps_days", TextField()))
        .values_list(
            "follow_id", "starts_on", "every_days", "every_months", "steps", "due_at_start"
        )
    ):
        cadences[follow_id].append(cadence)
    follows = list(
        Follow.objects.filter(citizen_id__in=citizen_ids, is_active=True)
        .order_by()
        .values_list("pk", "citizen_id", "instrument_id")
    )
    due = []
    for follow_id, _citizen, _instrument in follows:
        periods = cadences[follow_id]
        if len(periods) == 1 and periods[0][1] and periods[0][3] in ("[]", None):
            starts_on, every_days = periods[0][0], periods[0][1]
            due.append(_every_days_before(starts_on.toordinal(), every_days, today, keep_from))
            continue
        course = [
            CadencePeriod(
                rule=CadenceRule(
                    every_days=every_days,
                    every_months=every_months,
                    steps_days=tuple(json.loads(steps) if steps else ()),
                    due_at_start=at_start,
                ),
                starts_on=starts_on,
            )
            for starts_on, every_days, every_months, steps, at_start in periods
        ]
        due.append(_due_before(course, today, keep_from=keep_from))
    return follows, Schedules.of(due)


def _segments_of(keys: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """For each key, the index of the equal key in `wanted`, or -1."""
    if not len(wanted):
        return np.full(len(keys), -1, dtype=np.int64)
    order = np.argsort(wanted, kind="stable")
    found = np.clip(np.searchsorted(wanted[order], keys), 0, len(wanted) - 1)
    return np.where(wanted[order][found] == keys, order[found], -1)


def _pair_key(citizen, instrument):
    return (np.asarray(citizen, dtype=np.int64) << 32) | np.asarray(instrument, dtype=np.int64)


def quality_report(user, filters: Filters) -> QualityReport:
    rows = cohort_numbers(user, filters)
    # A group of follows counts its citizens (one may follow several instruments).
    units = list({r[1]: r for r in rows}.values()) if filters.of_follows else rows
    today = dt.date.today()
    since = (today - dt.timedelta(days=PERIOD_DAYS)).toordinal()
    # An assessment more than a week before the period can only be on time for a due date
    # before it.
    keep_from = since - ON_TIME_DAYS
    citizen_ids = cohort_citizens(user, filters)
    citizen, instrument, provider, day = _completed_since(
        citizen_ids, dt.date.fromordinal(keep_from)
    ).T
    caseworker_of = dict(
        Citizen.objects.filter(pk__in=citizen_ids).values_list("pk", "responsible_caseworker_id")
    )

    follows, schedules = _follow_schedules(citizen_ids, today, keep_from)
    follow_of = _segments_of(
        _pair_key(citizen, instrument),
        _pair_key([f[1] for f in follows], [f[2] for f in follows]),
    )
    mine = follow_of >= 0
    on_time = on_time_counts(schedules, day[mine], follow_of[mine], count_from=since)
    counted = np.bincount(schedules.segment[schedules.due >= since], minlength=schedules.count)
    staff: dict[int, list] = defaultdict(lambda: [set(), 0, 0])
    for index in np.flatnonzero(counted):
        citizen_id = follows[index][1]
        entry = staff[caseworker_of.get(citizen_id)]
        entry[0].add(citizen_id)
        entry[1] += int(counted[index])
        entry[2] += int(on_time[index])

    # Providers: the due dates of each referral's interval, covered by the provider's own
    # assessments. The referral's start is the caseworker's starting score; the provider's
    # are after.
    referrals = list(
        Referral.objects.filter(
            citizen_id__in=citizen_ids, interval_days__isnull=False, instrument__isnull=False
        ).values_list(
            "citizen_id", "instrument_id", "provider_id", "start_date", "end_date", "interval_days"
        )
    )
    referral_due = []
    for _citizen, _instrument, _provider, start, end, every in referrals:
        until = min(end or today, today)
        period = CadencePeriod(rule=CadenceRule(every_days=every), starts_on=start)
        referral_due.append(
            [d.toordinal() for d in due_dates([period], until=until) if start < d < today]
        )
    referral_schedules = Schedules.of(referral_due)
    by_provider = provider > 0
    provider_done: dict[tuple, list[int]] = defaultdict(list)
    for c, i, o, d in zip(
        citizen[by_provider],
        instrument[by_provider],
        provider[by_provider],
        day[by_provider],
        strict=True,
    ):
        provider_done[int(c), int(i), int(o)].append(int(d))
    done, done_segment = [], []
    for index, (c, i, provider, *_rest) in enumerate(referrals):
        days = provider_done.get((c, i, provider), [])
        done += days
        done_segment += [index] * len(days)
    referral_on_time = on_time_counts(referral_schedules, done, done_segment, count_from=since)
    referral_counted = np.bincount(
        referral_schedules.segment[referral_schedules.due >= since],
        minlength=referral_schedules.count,
    )
    providers: dict[int, list] = defaultdict(lambda: [set(), 0, 0])
    for index in np.flatnonzero(referral_counted):
        citizen_id, _instrument, provider, *_rest = referrals[index]
        entry = providers[provider]
        entry[0].add(citizen_id)
        entry[1] += int(referral_counted[index])
        entry[2] += int(referral_on_time[index])

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
            pk__in=cohort_enrolment_ids(user, filters), status=Enrolment.Status.ACTIVE
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
        enrolments=len(units),
        without_plan=sum(1 for unit in units if unit[1] not in with_goals),
        should_have_exited=sum(1 for a in active if should_have_exited(*a)),
        of_follows=filters.of_follows,
    )
