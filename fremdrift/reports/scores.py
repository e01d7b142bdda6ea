"""The read model of the reports: the scores of a cohort's assessments on an instrument.

The scored items of an instrument, the baseline and follow-up of each enrolment (the first
completed assessment, and the latest or the one nearest a horizon), the chosen assessments'
totals and values by item code, and the trajectory of the total score by month since
enrolment. Progression, comparison, agreement, surveys and the analysis dataset read through
it."""

import datetime as dt
from dataclasses import dataclass

import numpy as np
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import (
    BigIntegerField,
    ExpressionWrapper,
    F,
    OuterRef,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Least

from fremdrift.assessments.models import Assessment
from fremdrift.instruments.models import InstrumentVersion, Item
from fremdrift.programmes.models import Enrolment

from .cohort import Filters, cohort_numbers, cohort_units
from .functions import (
    AddDays,
    DayNumber,
    InIds,
    ItemValue,
    cursor_rows,
    months_since_sql,
    read_side_by_side,
)

HORIZONS = {"latest": None, "3": 91, "6": 182, "12": 365}
DAY_SHIFT = 40  # a candidate's key is day number · 2⁴⁰ + assessment id
ID_MASK = (1 << DAY_SHIFT) - 1


def scored_items(instrument) -> list[Item]:
    version = (
        instrument.versions.filter(status=InstrumentVersion.Status.PUBLISHED).first()
        or instrument.versions.order_by("-number").first()
    )
    return [i for i in version.items.all() if i.is_ordinal] if version else []


@dataclass
class Collected:
    """Per enrolment of the cohort that has a pick row (`enrolment_ids`): the values of the
    baseline and the follow-up, item by item in the order of `items` (NaN where there is none
    or the item was not answered); the total scores and values of the first complete
    assessment and the total of the complete follow-up; and the trajectory: per month since
    enrolment, (assessments, sum and sum of squares of their totals)."""

    cohort: list[tuple]  # `cohort.cohort_numbers`
    items: list[Item]
    enrolment_ids: np.ndarray
    has_baseline: np.ndarray
    has_followup: np.ndarray
    baseline: np.ndarray
    followup: np.ndarray
    complete_baseline: np.ndarray
    total_baseline: np.ndarray
    total_followup: np.ndarray
    trajectory: list[tuple[int, int, float, float]]

    @property
    def with_both(self) -> np.ndarray:
        """Which enrolments have a baseline and a follow-up."""
        return self.has_baseline & self.has_followup

    @property
    def with_total_pair(self) -> np.ndarray:
        """Which enrolments have a complete baseline and a complete follow-up."""
        return ~np.isnan(self.total_baseline) & ~np.isnan(self.total_followup)

    @property
    def with_complete_baseline(self) -> np.ndarray:
        """Which enrolments' first complete assessment answers every item of the version."""
        return ~np.isnan(self.complete_baseline).any(axis=1)


@dataclass(frozen=True)
class Points:
    """Assessments read by id, in the order of their ids: total scores and values per item
    code (NaN where not answered)."""

    ids: np.ndarray
    totals: np.ndarray
    values: np.ndarray

    def take(self, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The totals and values of the wanted ids; NaN for 0 (none) and for an id not read."""
        index = np.searchsorted(self.ids, wanted)
        found = index < len(self.ids)
        found[found] = self.ids[index[found]] == wanted[found]
        index = np.where(found, index, len(self.ids))  # the row of NaN appended below
        totals = np.append(self.totals, np.nan)[index]
        values = np.vstack([self.values, np.full((1, self.values.shape[1]), np.nan)])[index]
        return totals, values


def collect(
    user, filters: Filters, *, instrument, horizon: str = "latest", answers: bool = True
) -> Collected:
    """Baseline: the first completed assessment in the enrolment. Follow-up: the latest, or
    the one nearest the horizon (3, 6 or 12 months after the enrolment started; at equal
    distance in days the earlier; on the same day the one nearer the horizon in the order of
    recording: the last recorded before it, the first on or after it). Answers are matched
    across versions by item code. The total score, its reliability, the attrition and the
    trajectory use the readings that answer every item, never a referral's starting scores
    (`Assessment.Kind.STARTING_SCORES`, the focus items only); starting scores may be the
    baseline of the focus items, never a follow-up. `answers=False` collects the total scores
    only.

    The database chooses the candidates (a few index lookups per enrolment) and sums the
    trajectory, on a second connection at the same time; numpy chooses among the
    candidates; only the chosen assessments are read, with their values by item code as the
    services keep them on the assessment: no answer row is read."""
    items = scored_items(instrument)
    codes = [i.code for i in items]
    versions = list(instrument.versions.values_list("pk", flat=True))
    reads = [
        lambda: baseline_and_followup(
            user, filters, codes=codes, versions=versions, horizon=horizon, answers=answers
        )
    ]
    if answers:
        reads.append(lambda: trajectory(user, filters, versions=versions, complete=len(codes)))
    picked, *summed = read_side_by_side(*reads)
    return Collected(items=items, trajectory=summed[0] if summed else [], **picked)


def baseline_and_followup(
    user, filters: Filters, *, codes: list[str], versions: list[int], horizon: str, answers: bool
) -> dict:
    """The fields of `Collected` but for the items and the trajectory."""
    cohort = cohort_numbers(user, filters)
    days = HORIZONS.get(horizon)
    picks = candidate_keys(user, filters, versions=versions, complete=len(codes), days=days)
    picks = picks[np.isin(picks[:, 0], np.array([r[0] for r in cohort], dtype=np.int64))]
    width = (picks.shape[1] - 2) // 2
    starts = picks[:, 1]
    any_first, any_follow = choose(picks[:, 2 : 2 + width], starts, days)
    complete_first, complete_follow = choose(picks[:, 2 + width :], starts, days)
    chosen = np.concatenate([any_first, any_follow, complete_first, complete_follow])
    points = assessment_points(chosen[chosen != 0], codes=codes if answers else [])
    _total, baseline = points.take(any_first)
    _total, followup = points.take(any_follow)
    total_baseline, complete_baseline = points.take(complete_first)
    total_followup, _values = points.take(complete_follow)
    return {
        "cohort": cohort,
        "enrolment_ids": picks[:, 0],
        "has_baseline": any_first != 0,
        "has_followup": any_follow != 0,
        "baseline": baseline,
        "followup": followup,
        "complete_baseline": complete_baseline,
        "total_baseline": total_baseline,
        "total_followup": total_followup,
    }


def choose(keys: np.ndarray, starts: np.ndarray, days: int | None):
    """Each enrolment's baseline and follow-up ids (0: none) from its candidates' keys
    (`candidate_keys`): the first, then the latest or the candidates around the horizon. A
    follow-up is never the baseline; among the candidates the nearest the horizon in days
    wins, at equal distance the earlier day. Two candidates on the same day are both on
    or after the horizon (the one before it is a single candidate), and the first recorded
    of them, the lower key, is the nearer."""
    first, later = keys[:, 0], keys[:, 1:]
    valid = (later != 0) & (later != first[:, None])
    if days is None:
        follow = np.where(valid[:, 0], later[:, 0], 0)
        return first & ID_MASK, follow & ID_MASK
    day = later >> DAY_SHIFT
    distance = np.abs(day - (starts + days)[:, None])
    # Lexicographic minimum of (distance, key) over the valid candidates; the key orders by
    # day, then by recording.
    never = np.iinfo(np.int64).max
    distance = np.where(valid, distance, never)
    best = np.full(len(keys), never)
    follow = np.zeros(len(keys), dtype=np.int64)
    for j in range(later.shape[1]):
        better = (distance[:, j] < best) | (
            (distance[:, j] == best) & (distance[:, j] != never) & (later[:, j] < follow)
        )
        follow = np.where(better, later[:, j], follow)
        best = np.where(better, distance[:, j], best)
    return first & ID_MASK, follow & ID_MASK


def assessment_keys(versions: list[int], scored: dict, *, since=None, until=None):
    """The completed assessments of the outer enrolment's citizen within its period (or
    from `since` until `until` within it), each as one number that sorts as (day, id): day
    number · 2⁴⁰ + id. The choice among candidates needs their days, and the index holds
    both, so no row is read to choose. Each side has one bound: SQLite uses only one of
    two for its index range and filters the rest row by row."""
    return (
        Assessment.objects.filter(
            citizen_id=OuterRef("citizen_id"),
            version_id__in=versions,
            status=Assessment.Status.COMPLETED,
            date__gte=OuterRef("start_date") if since is None else since,
            date__lte=OuterRef("period_end") if until is None else until,
            **scored,
        )
        .order_by()
        .annotate(
            key=ExpressionWrapper(
                DayNumber("date") * Value(1 << DAY_SHIFT) + F("id"),
                output_field=BigIntegerField(),
            )
        )
        .values("key")
    )


def candidate_keys(
    user, filters: Filters, *, versions: list[int], complete: int, days: int | None
) -> np.ndarray:
    """Per enrolment, one row of numbers: its id, the day number of its start, then for all
    scored assessments and again for complete ones the keys of the first and of the
    follow-up candidates (0 where there is none). The candidates are the latest, or the
    last before the horizon, the first on or after it and the one after that in case the
    first is the baseline. Every subquery walks the index of citizen, version, date and id
    one way, and reads nothing else."""
    annotations = {}
    reading = {"kind": Assessment.Kind.READING}
    for name, first_of, scored in (
        # A referral's starting scores may be the baseline of its focus items, never a
        # follow-up; a total, complete baseline or follow-up, is only ever a reading's.
        ("any", {"scored_items__gt": 0}, {"scored_items__gt": 0, **reading}),
        ("complete", {"scored_items": complete, **reading}, {"scored_items": complete, **reading}),
    ):
        series = assessment_keys(versions, scored)
        candidates = {
            f"{name}_first": assessment_keys(versions, first_of).order_by("date", "id")[:1]
        }
        if days is None:
            candidates[f"{name}_latest"] = series.order_by("-date", "-id")[:1]
        else:
            # The horizon lies on or after the start: it bounds the days before it from
            # above and the days after it from below.
            before = assessment_keys(
                versions,
                scored,
                until=Least(OuterRef("period_end"), AddDays(OuterRef("start_date"), days - 1)),
            )
            after = assessment_keys(versions, scored, since=AddDays(OuterRef("start_date"), days))
            candidates[f"{name}_before"] = before.order_by("-date", "-id")[:1]
            candidates[f"{name}_after"] = after.order_by("date", "id")[:1]
            candidates[f"{name}_after_next"] = after.order_by("date", "id")[1:2]
        for key, candidate in candidates.items():
            annotations[key] = Coalesce(Subquery(candidate), Value(0))
    rows = cursor_rows(
        cohort_units(user, filters)
        .annotate(period_end=Coalesce(F("end_date"), Value(dt.date.today())))
        .annotate(start_day=DayNumber("start_date"), **annotations)
        .order_by()
        .values_list("pk", "start_day", *annotations)
    )
    return np.array(rows, dtype=np.int64).reshape(len(rows), 2 + len(annotations))


def assessment_points(assessment_ids, *, codes: list[str]) -> Points:
    """The assessments' totals and values for the item codes, read in one statement, each
    value taken out of `item_values` by the database."""
    ids = np.unique(np.asarray(assessment_ids, dtype=np.int64))
    columns = {f"item_{n}": ItemValue("item_values", code) for n, code in enumerate(codes)}
    rows = cursor_rows(
        Assessment.objects.filter(InIds("pk", ids.tolist()))
        .order_by()
        .annotate(**columns)
        .values_list("pk", "score_total", *columns)
    )
    matrix = np.array(rows, dtype=float).reshape(len(rows), 2 + len(codes))
    order = np.argsort(matrix[:, 0], kind="stable")
    matrix = matrix[order]
    return Points(ids=matrix[:, 0].astype(np.int64), totals=matrix[:, 1], values=matrix[:, 2:])


def trajectory(user, filters: Filters, *, versions: list[int], complete: int):
    """Per month since the unit's start (an enrolment's or a follow's): the number of
    complete assessments that month, and the sum and sum of squares of their totals.

    Written as SQL around the cohort's ORM statement so that SQLite walks the cohort's
    enrolments and, for each, the citizen's assessments by the index of citizen, version and
    date (CROSS JOIN fixes that order); left to itself it reads every assessment of the
    version first, at twice the time. PostgreSQL plans a CROSS JOIN like any join."""
    cohort = cohort_units(user, filters).order_by().values("pk")
    try:
        cohort_sql, cohort_params = cohort.query.sql_with_params()
    except EmptyResultSet:
        return []
    vendor = connections[cohort.db].vendor
    month = months_since_sql(vendor, "s.date", "e.start_date")
    marks = ", ".join(["%s"] * len(versions))
    # A follow has no end: it runs until today.
    period_end = "COALESCE(e.end_date, %s)" if cohort.model is Enrolment else "%s"
    sql = (
        f"SELECT {month} AS month, COUNT(*), SUM(s.score_total),"  # noqa: S608
        " SUM(s.score_total * s.score_total)"
        f" FROM {cohort.model._meta.db_table} e CROSS JOIN {Assessment._meta.db_table} s"
        f" WHERE e.id IN ({cohort_sql}) AND s.citizen_id = e.citizen_id"
        f" AND s.version_id IN ({marks}) AND s.status = %s AND s.scored_items = %s"
        " AND s.kind = %s"
        f" AND s.date >= e.start_date AND s.date <= {period_end}"
        " GROUP BY 1"  # ordered below: with ORDER BY, PostgreSQL sorts every row to group
    )
    params = (
        *cohort_params,
        *versions,
        Assessment.Status.COMPLETED.value,
        complete,
        Assessment.Kind.READING.value,
        dt.date.today(),
    )
    with connections[cohort.db].cursor() as cursor:
        cursor.execute(sql, params)
        return sorted((m, n, float(total), float(squares)) for m, n, total, squares in cursor)
