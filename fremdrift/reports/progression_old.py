"""Model 1 across citizens: did the cohort move, on which items, and how sure are we."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import F, Value
from django.db.models.functions import Coalesce

from fremdrift.assessments.models import Answer
from fremdrift.instruments.models import InstrumentVersion, Item

from . import stats
from .cohort import MIN_GROUP, Filters, cohort_enrolments, cohort_rows

HORIZONS = {"latest": None, "3": 91, "6": 182, "12": 365}
MONTH = 30.4375


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
    """Each enrolment's baseline and follow-up answers, and its total scores."""

    rows: list[tuple]
    items: list[Item]
    pairs: dict[int, tuple[dict, dict]]
    total_pairs: dict[int, tuple[float, float]]
    baselines: dict[int, dict]
    baseline_totals: dict[int, list[float]]
    trajectory: dict[int, list[float]]


def collect(user, filters: Filters, *, instrument, horizon: str = "latest") -> Collected:
    """Baseline: the first completed assessment in the enrolment. Follow-up: the latest, or
    the one nearest the horizon (3, 6 or 12 months after the enrolment started). Answers are
    matched across versions by item code. The total score, its reliability and the attrition
    use the assessments that answer every item (a referral's starting scores answer only the
    focus items)."""
    rows = cohort_rows(user, filters)
    items = _items(instrument)
    codes = [i.code for i in items]
    enrolments = {r[0]: r for r in rows}
    today = dt.date.today()
    # Every completed assessment inside each enrolment's period, with its stored score: one
    # query, and no answer is read until the baselines and follow-ups are chosen.
    within = (
        cohort_enrolments(user, filters)
        .filter(
            citizen__assessments__version__instrument=instrument,
            citizen__assessments__status="completed",
            citizen__assessments__scored_items__gt=0,
            citizen__assessments__date__gte=F("start_date"),
            citizen__assessments__date__lte=Coalesce(F("end_date"), Value(today)),
        )
        .values_list(
            "pk",
            "citizen__assessments__id",
            "citizen__assessments__date",
            "citizen__assessments__scored_items",
            "citizen__assessments__score_total",
        )
        .order_by("pk", "citizen__assessments__date", "citizen__assessments__id")
    )
    series: dict[int, list[tuple]] = defaultdict(list)
    for enrolment_id, assessment_id, day, scored, total in within:
        if enrolment_id in enrolments:
            series[enrolment_id].append((day, assessment_id, scored, total))
    days = HORIZONS.get(horizon)

    def follow_up(later, start):
        if days is None:
            return later[-1]
        return min(later, key=lambda a: (abs((a[0] - start).days - days), a[0]))

    chosen: dict[int, tuple[int, int | None]] = {}
    first_complete: dict[int, int] = {}
    total_pairs: dict[int, tuple[float, float]] = {}
    trajectory: dict[int, list[float]] = defaultdict(list)
    for enrolment_id, ordered in series.items():
        start = enrolments[enrolment_id][3]
        complete = [a for a in ordered if a[2] == len(codes)]
        for day, _aid, _scored, total in complete:
            trajectory[int((day - start).days // MONTH)].append(total)
        if complete:
            first_complete[enrolment_id] = complete[0][1]
        follow = follow_up(ordered[1:], start)[1] if len(ordered) > 1 else None
        chosen[enrolment_id] = (ordered[0][1], follow)
        if len(complete) > 1:
            total_pairs[enrolment_id] = (complete[0][3], follow_up(complete[1:], start)[3])
    wanted = {aid for pair in chosen.values() for aid in pair if aid} | set(first_complete.values())
    values = _answers_of(sorted(wanted), codes)
    pairs = {
        e: (values.get(b, {}), values.get(f, {})) for e, (b, f) in chosen.items() if f is not None
    }
    baselines = {e: values.get(b, {}) for e, (b, _f) in chosen.items()}
    baseline_totals = {
        e: [values[aid][c] for c in codes]
        for e, aid in first_complete.items()
        if all(c in values.get(aid, {}) for c in codes)
    }
    return Collected(rows, items, pairs, total_pairs, baselines, baseline_totals, trajectory)


def _answers_of(assessment_ids: list[int], codes: list[str]) -> dict[int, dict[str, float]]:
    """The scaled answers of the chosen assessments, read in chunks that stay under the
    database's limit on query parameters."""
    values: dict[int, dict[str, float]] = defaultdict(dict)
    for start in range(0, len(assessment_ids), 5000):
        for assessment_id, code, value in Answer.objects.filter(
            assessment_id__in=assessment_ids[start : start + 5000],
            item__code__in=codes,
            value__isnull=False,
        ).values_list("assessment_id", "item__code", "value"):
            values[assessment_id][code] = value
    return values


def progression_report(
    user, filters: Filters, *, instrument, horizon: str = "latest"
) -> ProgressionReport:
    data = collect(user, filters, instrument=instrument, horizon=horizon)
    rows, items, pairs, total_pairs = data.rows, data.items, data.pairs, data.total_pairs
    baselines, baseline_totals, trajectory = data.baselines, data.baseline_totals, data.trajectory
    item_rows = []
    for item in items:
        both = [
            (b[item.code], f[item.code])
            for b, f in pairs.values()
            if item.code in b and item.code in f
        ]
        change = stats.paired_change([x for x, _ in both], [y for _, y in both]) if both else None
        item_rows.append(ItemRow(item.code, item.label, change, suppressed=len(both) < MIN_GROUP))
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
    for month in sorted(trajectory):
        values = trajectory[month]
        interval = stats.mean_interval(values) if len(values) >= MIN_GROUP else None
        points.append(
            TrajectoryPoint(
                month,
                len(values),
                *(interval if interval else (None, None, None)),
            )
        )
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
