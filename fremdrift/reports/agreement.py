"""Rater agreement: where two respondents (the citizen and a caseworker, or a caseworker and a
provider) answered the same instrument for a citizen within 14 days of each other, how well
do they agree per item: weighted kappa and who scores higher."""

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from fremdrift.assessments.models import Assessment
from fremdrift.assessments.selectors import SAME_PERIOD_DAYS

from . import stats
from .cohort import Filters, cohort_citizens
from .privacy import enough, too_few
from .scores import assessment_points, scored_items

WINDOW_DAYS = SAME_PERIOD_DAYS
PAIRS = {
    "citizen_caseworker": ("citizen", "caseworker"),
    "citizen_provider": ("citizen", "provider"),
    "caseworker_provider": ("caseworker", "provider"),
}


@dataclass
class ItemAgreement:
    code: str
    label: str
    n: int
    kappa: float | None
    mean_difference: float | None  # second respondent minus first

    @property
    def suppressed(self) -> bool:
        return too_few(self.n)


def agreement_report(user, filters: Filters, *, instrument, pair: str) -> list[ItemAgreement]:
    """Per item, the pairs of answers given within 14 days; each first respondent's
    assessment is matched with the nearest one of the second. Most disagreement first."""
    first, second = PAIRS[pair]
    citizens = cohort_citizens(user, filters)
    items = scored_items(instrument)
    by_citizen: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for citizen, aid, respondent, day in Assessment.objects.filter(
        citizen_id__in=citizens,
        version__instrument=instrument,
        status=Assessment.Status.COMPLETED,
        # A referral's starting scores are the caseworker's baseline of the focus items,
        # mostly the latest reading's values again: no second rating.
        kind=Assessment.Kind.READING,
        respondent__in=[first, second],
    ).values_list("citizen_id", "id", "respondent", "date"):
        by_citizen[citizen][respondent].append((day, aid))
    matched: list[tuple[int, int]] = []
    for people in by_citizen.values():
        for day, aid in people[first]:
            near = [b for b in people[second] if abs((b[0] - day).days) <= WINDOW_DAYS]
            if near:
                other = min(near, key=lambda b, day=day: (abs((b[0] - day).days), b[0]))
                matched.append((aid, other[1]))
    codes = [i.code for i in items]
    points = assessment_points([a for pair in matched for a in pair], codes=codes)
    pairs = np.array(matched, dtype=np.int64).reshape(len(matched), 2)
    _totals, first_values = points.take(pairs[:, 0])
    _totals, second_values = points.take(pairs[:, 1])
    result = []
    for index, item in enumerate(items):
        answered = ~np.isnan(first_values[:, index]) & ~np.isnan(second_values[:, index])
        both = list(
            zip(
                first_values[answered, index].tolist(),
                second_values[answered, index].tolist(),
                strict=True,
            )
        )
        categories = range(item.scale_min, item.scale_max + 1)
        kappa = (
            stats.weighted_kappa([int(x) for x, _ in both], [int(y) for _, y in both], categories)
            if enough(len(both))
            else None
        )
        difference = sum(y - x for x, y in both) / len(both) if enough(len(both)) else None
        result.append(ItemAgreement(item.code, item.label, len(both), kappa, difference))
    return sorted(
        result,
        key=lambda r: (r.kappa is None, r.kappa if r.kappa is not None else 0, r.code),
    )
