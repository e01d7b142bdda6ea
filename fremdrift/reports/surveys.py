"""Satisfaction surveys (the distribution of answers per item, 'don't know' apart) and
fidelity scales (the mean per item across the units that answered)."""

from collections import Counter, defaultdict
from dataclasses import dataclass

from fremdrift.accounts.models import Organisation
from fremdrift.assessments.models import Answer, Assessment

from .cohort import Filters, cohort_citizens
from .privacy import small, too_few
from .scores import scored_items


@dataclass
class Distribution:
    code: str
    label: str
    points: list[tuple[int, str, int]]  # value, label, count
    dont_know: int
    n: int  # answers on the scale, without 'don't know'

    @property
    def suppressed(self) -> bool:
        return too_few(self.n + self.dont_know)

    @property
    def fully_shown(self) -> bool:
        """Every count is 0 or at least 5, so percentages beside N reveal no small group."""
        counts = [c for _v, _l, c in self.points] + [self.dont_know]
        return not self.suppressed and not any(small(c) for c in counts)

    def percentages(self) -> list[float]:
        return [100 * count / self.n if self.n else 0.0 for _v, _l, count in self.points]


def survey_report(user, filters: Filters, *, instrument) -> list[Distribution]:
    """Each citizen's latest completed answer to the survey, per item."""
    citizens = cohort_citizens(user, filters)
    items = scored_items(instrument)
    latest: dict[tuple[int, str], tuple] = {}
    for citizen, code, value, dont_know in (
        Answer.objects.filter(
            assessment__citizen_id__in=citizens,
            assessment__version__instrument=instrument,
            assessment__status=Assessment.Status.COMPLETED,
        )
        .order_by("assessment__date", "assessment_id")
        .values_list("assessment__citizen_id", "item__code", "value", "dont_know")
    ):
        latest[citizen, code] = (value, dont_know)
    by_item: dict[str, Counter] = defaultdict(Counter)
    dont_know_by_item: Counter = Counter()
    for (_citizen, code), (value, dont_know) in latest.items():
        if dont_know:
            dont_know_by_item[code] += 1
        elif value is not None:
            by_item[code][int(value)] += 1
    return [
        Distribution(
            code=item.code,
            label=item.label,
            points=[
                (v, item.point_label(v), by_item[item.code][v])
                for v in range(item.scale_min, item.scale_max + 1)
            ],
            dont_know=dont_know_by_item[item.code],
            n=sum(by_item[item.code].values()),
        )
        for item in items
    ]


@dataclass
class FidelityRow:
    code: str
    label: str
    units: int
    mean: float | None


def fidelity_report(user, filters: Filters, *, instrument) -> tuple[list[FidelityRow], list[str]]:
    """The latest answer of each unit (the organisation that recorded it) per item, and the
    mean across units. Fidelity describes the programme, not the citizens, so no suppression
    applies to the number of units."""
    citizens = cohort_citizens(user, filters)
    latest: dict[tuple[int, str], float] = {}
    for org, code, value in (
        Answer.objects.filter(
            assessment__citizen_id__in=citizens,
            assessment__version__instrument=instrument,
            assessment__status=Assessment.Status.COMPLETED,
            value__isnull=False,
        )
        .order_by("assessment__date", "assessment_id")
        .values_list("assessment__recorded_by_organisation_id", "item__code", "value")
    ):
        latest[org, code] = value
    units = sorted({org for org, _code in latest})
    rows = []
    for item in scored_items(instrument):
        values = [latest[u, item.code] for u in units if (u, item.code) in latest]
        rows.append(
            FidelityRow(
                item.code, item.label, len(values), sum(values) / len(values) if values else None
            )
        )
    names = list(Organisation.objects.filter(pk__in=units).values_list("name", flat=True))
    return rows, names
