"""Model 1 across citizens: did the cohort move, on which items, and how sure are we."""

import datetime as dt
import json
from dataclasses import dataclass, field

import numpy as np
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import (
    BigIntegerField,
    ExpressionWrapper,
    F,
    OuterRef,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import Cast, Coalesce

from fremdrift.assessments.models import Assessment
from fremdrift.instruments.models import InstrumentVersion, Item
from fremdrift.programmes.models import Enrolment

from . import stats
from .cohort import MIN_GROUP, Filters, cohort_enrolments, cohort_rows
from .functions import AddDays, DayNumber, InIds, cursor_rows, months_since_sql

HORIZONS = {"latest": None, "3": 91, "6": 182, "12": 365}
DAY_SHIFT = 40  # a candidate's key is day number · 2⁴⁰ + assessment id
ID_MASK = (1 << DAY_SHIFT) - 1


@dataclass
class ItemRow:
    code: str
    label: str
    change: stats.PairedChange | None
    suppressed: bool


@dataclass
class Attrition:
    with_baseline: int
    without_followup: int
    stayers_baseline: tuple | None  # mean with interval
    leavers_baseline: tuple | None


@dataclass
class TrajectoryPoint:
    month: int
    n: int
    mean: float | None
    low: float | None
    high: float | None


@dataclass
class ProgressionReport:
    instrument: object
    cohort_size: int
    with_baseline: int
    with_both: int
    items: list[ItemRow]
    total: stats.PairedChange | None
    total_suppressed: bool
    alpha: float | None
    reliable: stats.ReliableChange | None
    attrition: Attrition | None
    trajectory: list[TrajectoryPoint] = field(default_factory=list)
    scale_midpoint: float | None = None
    scale: tuple[int, int] = (1, 10)

    @property
    def suppressed(self) -> bool:
        return self.with_both < MIN_GROUP


def _items(instrument) -> list[Item]:
    version = (
        instrument.versions.filter(status=InstrumentVersion.Status.PUBLISHED).first()
        or instrument.versions.order_by("-number").first()
    )
    return [i for i in version.items.all() if i.is_ordinal] if version else []


@dataclass
class Collected:
    """Each enrolment's baseline and follow-up answers, its total scores, and the trajectory:
    per month since enrolment, (assessments, sum and sum of squares of their totals)."""

    rows: list[tuple]
    items: list[Item]
    pairs: dict[int, tuple[dict, dict]]
    total_pairs: dict[int, tuple[float, float]]
    baselines: dict[int, dict]
    baseline_totals: dict[int, list[float]]
    trajectory: list[tuple[int, int, float, float]]


@dataclass(frozen=True)
class Point:
    """A chosen assessment: its id, total score and values by item code."""

    id: int
    total: float | None
    values: dict


def collect(
    user, filters: Filters, *, instrument, horizon: str = "latest", answers: bool = True
) -> Collected:
    """Baseline: the first completed assessment in the enrolment. Follow-up: the latest, or
    the one nearest the horizon (3, 6 or 12 months after the enrolment started; at equal
    distance the earlier; on the same day the one recorded last). Answers are matched across
    versions by item code. The total score, its reliability, the attrition and the
    trajectory use the assessments that answer every item (a referral's starting scores
    answer only the focus items). `answers=False` collects the total scores only.

    The database chooses the baselines and follow-ups (a few index lookups per enrolment)
    and sums the trajectory; only the chosen assessments are read, with their values by item
    code as the services keep them on the assessment: no answer row is read."""
    rows = cohort_rows(user, filters)
    items = _items(instrument)
    codes = [i.code for i in items]
    enrolments = {r[0]: r for r in rows}
    days = HORIZONS.get(horizon)
    versions = list(instrument.versions.values_list("pk", flat=True))
    picks = [
        row
        for row in _picks(user, filters, versions=versions, complete=len(codes), days=days)
        if row[0] in enrolments
    ]
    width = (len(picks[0]) - 1) // 2 if picks else 0

    def follow_up(start: int, first: int, candidates) -> int | None:
        """The chosen follow-up's id among the candidates' keys (`_series`)."""
        later = [c for c in candidates if c and c != first]
        if not later:
            return None
        if days is None:
            return later[0] & ID_MASK
        best = min(later, key=lambda c: (abs((c >> DAY_SHIFT) - start - days), c >> DAY_SHIFT, -c))
        return best & ID_MASK

    chosen_pairs = []
    for enrolment_id, *keys in picks:
        start = enrolments[enrolment_id][3].toordinal()
        any_first, *any_later = keys[:width]
        complete_first, *complete_later = keys[width:]
        chosen_pairs.append(
            (
                enrolment_id,
                any_first and any_first & ID_MASK,
                any_first and follow_up(start, any_first, any_later),
                complete_first and complete_first & ID_MASK,
                complete_first and follow_up(start, complete_first, complete_later),
            )
        )
    points = assessment_points(
        {aid for row in chosen_pairs for aid in row[1:] if aid}, values=answers
    )

    pairs: dict[int, tuple[dict, dict]] = {}
    baselines: dict[int, dict] = {}
    total_pairs: dict[int, tuple[float, float]] = {}
    baseline_totals: dict[int, list[float]] = {}
    for enrolment_id, any_first, any_follow, complete_first, complete_follow in chosen_pairs:
        if any_first:
            first = points[any_first]
            baselines[enrolment_id] = first.values
            if any_follow:
                pairs[enrolment_id] = (first.values, points[any_follow].values)
        if complete_first:
            first = points[complete_first]
            if complete_follow:
                total_pairs[enrolment_id] = (first.total, points[complete_follow].total)
            if all(c in first.values for c in codes):
                baseline_totals[enrolment_id] = [first.values[c] for c in codes]
    trajectory = (
        _trajectory(user, filters, versions=versions, complete=len(codes)) if answers else []
    )
    return Collected(rows, items, pairs, total_pairs, baselines, baseline_totals, trajectory)


def _series(versions: list[int], scored: dict):
    """The completed assessments of the outer enrolment's citizen within its period, each as
    one number that sorts as (day, id): day number · 2⁴⁰ + id. The choice among candidates
    needs their days, and the index holds both, so no row is read to choose."""
    return (
        Assessment.objects.filter(
            citizen_id=OuterRef("citizen_id"),
            version_id__in=versions,
            status=Assessment.Status.COMPLETED,
            date__gte=OuterRef("start_date"),
            date__lte=OuterRef("period_end"),
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


def _picks(user, filters: Filters, *, versions: list[int], complete: int, days: int | None):
    """Per enrolment: (id, then for all scored assessments and again for complete ones: the
    first, and the follow-up candidates), as keys of day and id. The candidates are the
    latest, or the nearest on each side of the horizon and the one after that in case the
    first is after the horizon. Every subquery walks the index of citizen, version and date
    in its own order, and reads nothing else."""
    annotations = {}
    for name, scored in (
        ("any", {"scored_items__gt": 0}),
        ("complete", {"scored_items": complete}),
    ):
        series = _series(versions, scored)
        annotations[f"{name}_first"] = Subquery(series.order_by("date", "id")[:1])
        if days is None:
            annotations[f"{name}_latest"] = Subquery(series.order_by("-date", "-id")[:1])
            continue
        target = AddDays(OuterRef("start_date"), days)
        after = series.filter(date__gte=target).order_by("date", "-id")
        annotations[f"{name}_before"] = Subquery(
            series.filter(date__lt=target).order_by("-date", "-id")[:1]
        )
        annotations[f"{name}_after"] = Subquery(after[:1])
        annotations[f"{name}_after_next"] = Subquery(after[1:2])
    return cursor_rows(
        cohort_enrolments(user, filters)
        .annotate(period_end=Coalesce(F("end_date"), Value(dt.date.today())))
        .annotate(**annotations)
        .order_by()
        .values_list("pk", *annotations)
    )


def assessment_points(assessment_ids, *, values: bool) -> dict[int, Point]:
    """The assessments' total and (with `values`) values by item code, decoded as one JSON
    document rather than one per assessment."""
    rows = cursor_rows(
        Assessment.objects.filter(InIds("pk", assessment_ids))
        .order_by()
        .annotate(values_text=Cast("item_values", TextField()) if values else Value("{}"))
        .values_list("pk", "score_total", "values_text")
    )
    decoded = json.loads("[" + ",".join(row[2] for row in rows) + "]") if rows else []
    return {
        pk: Point(pk, total, item_values)
        for (pk, total, _text), item_values in zip(rows, decoded, strict=True)
    }


def _trajectory(user, filters: Filters, *, versions: list[int], complete: int):
    """Per month since enrolment: the number of complete assessments that month, and the sum
    and sum of squares of their totals.

    Written as SQL around the cohort's ORM statement so that SQLite walks the cohort's
    enrolments and, for each, the citizen's assessments by the index of citizen, version and
    date (CROSS JOIN fixes that order); left to itself it reads every assessment of the
    version first, at twice the time. PostgreSQL plans a CROSS JOIN like any join."""
    cohort = cohort_enrolments(user, filters).order_by().values("pk")
    try:
        cohort_sql, cohort_params = cohort.query.sql_with_params()
    except EmptyResultSet:
        return []
    vendor = connections[cohort.db].vendor
    month = months_since_sql(vendor, "s.date", "e.start_date")
    marks = ", ".join(["%s"] * len(versions))
    sql = (
        f"SELECT {month} AS month, COUNT(*), SUM(s.score_total),"  # noqa: S608
        " SUM(s.score_total * s.score_total)"
        f" FROM {Enrolment._meta.db_table} e CROSS JOIN {Assessment._meta.db_table} s"
        f" WHERE e.id IN ({cohort_sql}) AND s.citizen_id = e.citizen_id"
        f" AND s.version_id IN ({marks}) AND s.status = %s AND s.scored_items = %s"
        " AND s.date >= e.start_date AND s.date <= COALESCE(e.end_date, %s)"
        " GROUP BY 1 ORDER BY 1"
    )
    params = (
        *cohort_params,
        *versions,
        Assessment.Status.COMPLETED.value,
        complete,
        dt.date.today(),
    )
    with connections[cohort.db].cursor() as cursor:
        cursor.execute(sql, params)
        return [(m, n, float(total), float(squares)) for m, n, total, squares in cursor]


def progression_report(
    user, filters: Filters, *, instrument, horizon: str = "latest"
) -> ProgressionReport:
    data = collect(user, filters, instrument=instrument, horizon=horizon)
    rows, items, pairs, total_pairs = data.rows, data.items, data.pairs, data.total_pairs
    baselines, baseline_totals, trajectory = data.baselines, data.baseline_totals, data.trajectory
    # Baseline and follow-up values as two citizens × items matrices, NaN where unanswered.
    codes = [item.code for item in items]
    shape = (len(pairs), len(codes))
    baseline = np.array([[b.get(c, np.nan) for c in codes] for b, _f in pairs.values()])
    followup = np.array([[f.get(c, np.nan) for c in codes] for _b, f in pairs.values()])
    baseline, followup = baseline.reshape(shape), followup.reshape(shape)
    item_rows = []
    for index, item in enumerate(items):
        both = ~np.isnan(baseline[:, index]) & ~np.isnan(followup[:, index])
        change = (
            stats.paired_change(baseline[both, index], followup[both, index])
            if both.any()
            else None
        )
        item_rows.append(
            ItemRow(item.code, item.label, change, suppressed=bool(both.sum() < MIN_GROUP))
        )
    complete = list(total_pairs.values())
    total = (
        stats.paired_change([x for x, _ in complete], [y for _, y in complete])
        if complete
        else None
    )
    baseline_matrix = list(baseline_totals.values())
    alpha = stats.cronbach_alpha(baseline_matrix) if len(baseline_matrix) >= MIN_GROUP else None
    reliability = instrument_reliability(instrument) or alpha
    reliable = (
        stats.reliable_change(
            [x for x, _ in complete], [y for _, y in complete], reliability=reliability
        )
        if reliability and len(complete) >= MIN_GROUP
        else None
    )
    stayers = [sum(v) for e, v in baseline_totals.items() if e in total_pairs]
    leavers = [sum(v) for e, v in baseline_totals.items() if e not in total_pairs]
    attrition = Attrition(
        with_baseline=len(baselines),
        without_followup=len(baselines) - len(pairs),
        stayers_baseline=stats.mean_interval(stayers) if len(stayers) >= MIN_GROUP else None,
        leavers_baseline=stats.mean_interval(leavers) if len(leavers) >= MIN_GROUP else None,
    )
    points = []
    for month, n, month_sum, month_squares in trajectory:
        interval = (
            stats.mean_interval_of_sums(n, month_sum, month_squares) if n >= MIN_GROUP else None
        )
        points.append(TrajectoryPoint(month, n, *(interval if interval else (None, None, None))))
    midpoint = sum((i.scale_min + i.scale_max) / 2 for i in items) / len(items) if items else None
    return ProgressionReport(
        instrument=instrument,
        cohort_size=len(rows),
        with_baseline=len(baselines),
        with_both=len(pairs),
        items=item_rows,
        total=total,
        total_suppressed=len(complete) < MIN_GROUP,
        alpha=alpha,
        reliable=reliable,
        attrition=attrition,
        trajectory=points,
        scale_midpoint=midpoint,
        scale=(min(i.scale_min for i in items), max(i.scale_max for i in items))
        if items
        else (1, 10),
    )


def instrument_reliability(instrument) -> float | None:
    """The reliability an administrator set for the instrument, if any."""
    return instrument.reliability


def regression_to_the_mean_applies(report: ProgressionReport) -> bool:
    """Citizens who start low tend to score higher next time even without help: the caveat
    applies when the cohort's baseline lies below the middle of the scale."""
    if report.total is None or report.scale_midpoint is None or not report.items:
        return False
    per_item = report.total.baseline_mean / len(report.items)
    return per_item < report.scale_midpoint


def suppress(counts: list[int]) -> list[int | None]:
    """Counts from 1 to 4 hidden (None); where exactly one is hidden, the next smallest
    non-zero count is hidden too, so that no hidden count can be recovered from the total."""
    shown: list[int | None] = [c if c >= MIN_GROUP or c == 0 else None for c in counts]
    hidden = [i for i, c in enumerate(shown) if c is None]
    if len(hidden) == 1:
        others = [i for i, c in enumerate(shown) if c]
        if others:
            smallest = min(others, key=lambda i: counts[i])
            shown[smallest] = None
    return shown
