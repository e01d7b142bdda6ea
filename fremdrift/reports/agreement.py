"""Rater agreement: where two respondents (the citizen and a caseworker, or a caseworker and a
provider) answered the same instrument for a citizen within 14 days of each other, how well
do they agree per item: weighted kappa and who scores higher."""

from collections import defaultdict
from dataclasses import dataclass

from fremdrift.assessments.models import Answer

from . import stats
from .cohort import MIN_GROUP, Filters, cohort_rows
from .progression import _items

WINDOW_DAYS = 14
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
        return self.n < MIN_GROUP


def agreement_report(user, filters: Filters, *, instrument, pair: str) -> list[ItemAgreement]:
    """Per item, the pairs of answers given within 14 days; each first respondent's
    assessment is matched with the nearest one of the second. Most disagreement first."""
    first, second = PAIRS[pair]
    rows = cohort_rows(user, filters)
    citizens = list({r[1] for r in rows})
    items = _items(instrument)
    codes = {i.code for i in items}
    answers = (
        Answer.objects.filter(
            assessment__citizen_id__in=citizens,
            assessment__version__instrument=instrument,
            assessment__status="completed",
            assessment__respondent__in=[first, second],
            item__code__in=codes,
            value__isnull=False,
        ).values_list(
            "assessment__citizen_id",
            "assessment_id",
            "assessment__respondent",
            "assessment__date",
            "item__code",
            "value",
        )
        if citizens
        else []
    )
    assessments: dict[int, dict] = {}
    for citizen, aid, respondent, day, code, value in answers:
        entry = assessments.setdefault(
            aid, {"citizen": citizen, "respondent": respondent, "day": day, "values": {}}
        )
        entry["values"][code] = value
    by_citizen = defaultdict(lambda: defaultdict(list))
    for entry in assessments.values():
        by_citizen[entry["citizen"]][entry["respondent"]].append(entry)
    pairs_per_item: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for people in by_citizen.values():
        for a in people[first]:
            near = [b for b in people[second] if abs((b["day"] - a["day"]).days) <= WINDOW_DAYS]
            if not near:
                continue
            b = min(near, key=lambda e: (abs((e["day"] - a["day"]).days), e["day"]))
            for code in codes & a["values"].keys() & b["values"].keys():
                pairs_per_item[code].append((a["values"][code], b["values"][code]))
    result = []
    for item in items:
        both = pairs_per_item.get(item.code, [])
        categories = range(item.scale_min, item.scale_max + 1)
        kappa = (
            stats.weighted_kappa([int(x) for x, _ in both], [int(y) for _, y in both], categories)
            if len(both) >= MIN_GROUP
            else None
        )
        difference = sum(y - x for x, y in both) / len(both) if len(both) >= MIN_GROUP else None
        result.append(ItemAgreement(item.code, item.label, len(both), kappa, difference))
    return sorted(
        result,
        key=lambda r: (r.kappa is None, r.kappa if r.kappa is not None else 0, r.code),
    )
