"""Model 1 across citizens: did the cohort move, on which items, and how sure are we."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from fremdrift.assessments.models import Answer
from fremdrift.instruments.models import InstrumentVersion, Item

from . import stats
from .cohort import MIN_GROUP, Filters, cohort_rows

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
    by_citizen: dict[int, list[tuple]] = defaultdict(list)
    for r in rows:
        by_citizen[r[1]].append(r)
    answers = (
        Answer.objects.filter(
            assessment__citizen_id__in=list(by_citizen),
            assessment__version__instrument=instrument,
            assessment__status="completed",
            item__code__in=codes,
            value__isnull=False,
        )
        .values_list(
            "assessment__citizen_id", "assessment_id", "assessment__date", "item__code", "value"
        )
        .order_by("assessment__date", "assessment_id")
        if by_citizen
        else []
    )
    # enrolment -> ordered {assessment id: (date, {code: value})}
    series: dict[int, dict[int, tuple[dt.date, dict[str, float]]]] = defaultdict(dict)
    today = dt.date.today()
    for citizen_id, assessment_id, day, code, value in answers:
        for r in by_citizen[citizen_id]:
            if r[3] <= day <= (r[4] or today):
                series[r[0]].setdefault(assessment_id, (day, {}))[1][code] = value
    pairs: dict[int, tuple[dict, dict]] = {}
    total_pairs: dict[int, tuple[float, float]] = {}
    baselines: dict[int, dict] = {}
    baseline_totals: dict[int, list[float]] = {}
    trajectory: dict[int, list[float]] = defaultdict(list)
    days = HORIZONS.get(horizon)

    def follow_up(later, start):
        if days is None:
            return later[-1]
        return min(later, key=lambda a: (abs((a[0] - start).days - days), a[0]))

    for enrolment_id, assessments in series.items():
        ordered = list(assessments.values())
        start = enrolments[enrolment_id][3]
        baselines[enrolment_id] = ordered[0][1]
        complete = [(day, values) for day, values in ordered if len(values) == len(codes)]
        for day, values in complete:
            trajectory[int((day - start).days // MONTH)].append(sum(values.values()))
        if complete:
            baseline_totals[enrolment_id] = [complete[0][1][c] for c in codes]
        if len(ordered) > 1:
            pairs[enrolment_id] = (ordered[0][1], follow_up(ordered[1:], start)[1])
        if len(complete) > 1:
            total_pairs[enrolment_id] = (
                sum(complete[0][1].values()),
                sum(follow_up(complete[1:], start)[1].values()),
            )
    return Collected(rows, items, pairs, total_pairs, baselines, baseline_totals, trajectory)


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
