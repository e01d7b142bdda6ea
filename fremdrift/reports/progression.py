"""Model 1 across citizens: did the cohort move, on which items, and how sure are we."""

from dataclasses import dataclass, field

import numpy as np

from . import stats
from .cohort import Filters
from .privacy import enough, too_few
from .scores import collect


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
    # The group: the organisation's citizens who follow the instrument, not enrolments.
    of_follows: bool = False

    @property
    def suppressed(self) -> bool:
        return too_few(self.with_both)


def progression_report(
    user, filters: Filters, *, instrument, horizon: str = "latest"
) -> ProgressionReport:
    data = collect(user, filters, instrument=instrument, horizon=horizon)
    items, trajectory = data.items, data.trajectory
    both = data.with_both
    baseline, followup = data.baseline[both], data.followup[both]
    item_rows = []
    for index, item in enumerate(items):
        answered = ~np.isnan(baseline[:, index]) & ~np.isnan(followup[:, index])
        change = (
            stats.paired_change(baseline[answered, index], followup[answered, index])
            if answered.any()
            else None
        )
        item_rows.append(
            ItemRow(item.code, item.label, change, suppressed=bool(too_few(answered.sum())))
        )
    paired = data.with_total_pair
    before, after = data.total_baseline[paired], data.total_followup[paired]
    total = stats.paired_change(before, after) if paired.any() else None
    complete_baseline = data.complete_baseline[data.with_complete_baseline]
    alpha = stats.cronbach_alpha(complete_baseline) if enough(len(complete_baseline)) else None
    reliability = instrument_reliability(instrument) or alpha
    reliable = (
        stats.reliable_change(before, after, reliability=reliability)
        if reliability and enough(paired.sum())
        else None
    )
    # Attrition is of the total score: citizens with a complete first reading, and of those
    # the ones without a complete follow-up, the same citizens as the baseline means below
    # (a partial assessment, such as a referral's starting scores, is no total).
    baseline_sums = data.complete_baseline.sum(axis=1)
    stayers = baseline_sums[data.with_complete_baseline & paired]
    leavers = baseline_sums[data.with_complete_baseline & ~paired]
    with_baseline, with_both = int(data.has_baseline.sum()), int(both.sum())
    attrition = Attrition(
        with_baseline=len(stayers) + len(leavers),
        without_followup=len(leavers),
        stayers_baseline=stats.mean_interval(stayers) if enough(len(stayers)) else None,
        leavers_baseline=stats.mean_interval(leavers) if enough(len(leavers)) else None,
    )
    points = []
    for month, n, month_sum, month_squares in trajectory:
        interval = stats.mean_interval_of_sums(n, month_sum, month_squares) if enough(n) else None
        points.append(TrajectoryPoint(month, n, *(interval if interval else (None, None, None))))
    midpoint = sum((i.scale_min + i.scale_max) / 2 for i in items) / len(items) if items else None
    return ProgressionReport(
        instrument=instrument,
        cohort_size=len(data.cohort),
        with_baseline=with_baseline,
        with_both=with_both,
        items=item_rows,
        total=total,
        total_suppressed=bool(too_few(paired.sum())),
        alpha=alpha,
        reliable=reliable,
        attrition=attrition,
        trajectory=points,
        scale_midpoint=midpoint,
        scale=(min(i.scale_min for i in items), max(i.scale_max for i in items))
        if items
        else (1, 10),
        of_follows=filters.of_follows,
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
