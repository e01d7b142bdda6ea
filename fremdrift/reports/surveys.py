"""Satisfaction surveys (the distribution of answers per item, 'don't know' apart), chosen by
round and answer period, and fidelity scales (the mean per item across the units that scored
their own fidelity to the programme's model, `programmes.FidelityAssessment`)."""

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Q

from fremdrift.accounts.models import Organisation
from fremdrift.assessments.models import Answer, Assessment
from fremdrift.programmes.models import FidelityAssessment

from .cohort import Filters, cohort_citizens, cohort_units
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


def survey_rounds(user) -> list[int]:
    """The survey rounds answered by the organisation's citizens or recorded by it, for the
    report's choice of round."""
    return list(
        Assessment.objects.filter(
            Q(citizen__home_organisation_id=user.organisation_id)
            | Q(recorded_by_organisation_id=user.organisation_id),
            round__isnull=False,
        )
        .values_list("round", flat=True)
        .distinct()
        .order_by("round")
    )


def survey_report(
    user,
    filters: Filters,
    *,
    instrument,
    round: int | None = None,
    answered_from: dt.date | None = None,
    answered_to: dt.date | None = None,
) -> list[Distribution]:
    """Each citizen's latest completed answer to the survey, per item: within the `round`
    (seed 004's 'borgersurvey 1') and the answer period (the assessment's date) when chosen."""
    citizens = cohort_citizens(user, filters)
    items = scored_items(instrument)
    answers = Answer.objects.filter(
        assessment__citizen_id__in=citizens,
        assessment__version__instrument=instrument,
        assessment__status=Assessment.Status.COMPLETED,
    )
    if round is not None:
        answers = answers.filter(assessment__round=round)
    if answered_from is not None:
        answers = answers.filter(assessment__date__gte=answered_from)
    if answered_to is not None:
        answers = answers.filter(assessment__date__lte=answered_to)
    latest: dict[tuple[int, str], tuple] = {}
    for citizen, code, value, dont_know in answers.order_by(
        "assessment__date", "assessment_id"
    ).values_list("assessment__citizen_id", "item__code", "value", "dont_know"):
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


def fidelity_report(
    user,
    filters: Filters,
    *,
    instrument,
    answered_from: dt.date | None = None,
    answered_to: dt.date | None = None,
) -> tuple[list[FidelityRow], list[str]]:
    """Per item, the mean across units of each unit's latest fidelity assessment (seed 004:
    the mean across the project municipalities, N=5). A unit is the organisation that scored
    its own running of a programme of the cohort (`programmes.FidelityAssessment`); its
    latest assessment is the one whose period ends last among those that overlap the chosen
    period. Fidelity describes units, not citizens: assessments once filed on a citizen's
    record are not read, and no suppression applies to the number of units."""
    programmes = cohort_units(user, filters).values("programme_id")
    assessments = FidelityAssessment.objects.filter(
        programme_id__in=programmes, version__instrument=instrument
    )
    if answered_from is not None:
        assessments = assessments.filter(period_end__gte=answered_from)
    if answered_to is not None:
        assessments = assessments.filter(period_start__lte=answered_to)
    latest_of_unit: dict[int, dict] = {}
    for unit, answers in assessments.order_by("period_end", "recorded_at", "id").values_list(
        "unit_id", "answers"
    ):
        latest_of_unit[unit] = answers
    latest: dict[tuple[int, str], float] = {
        (unit, code): float(value)
        for unit, answers in latest_of_unit.items()
        for code, value in answers.items()
        if value is not None
    }
    units = sorted(latest_of_unit)
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
