"""Model 2 across citizens: sub-goals set and reached, end goals reached, Goal Attainment
Scaling T-scores, and per programme the shares who reached an internship, ordinary wage
hours, a job or an education."""

import datetime as dt
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.utils.translation import get_language

from fremdrift.codelists.company import COMPANY_ACTIVITY_TYPES
from fremdrift.plans.models import Activity, Goal, GoalEvent
from fremdrift.programmes.models import Enrolment, Programme

from . import stats
from .cohort import Filters, cohort_citizens, cohort_rows
from .privacy import enough

STATUSES = ["active", "achieved", "partly", "not_achieved", "dropped"]


@dataclass
class ShareRow:
    label: str
    n: int
    share: tuple[float, float, float] | None  # share with its Wilson interval
    count: int


@dataclass
class ProgrammeOutcome:
    programme: str
    n: int
    internship: ShareRow
    ordinary_hours: ShareRow
    job_or_education: ShareRow
    gas_baseline: tuple[float, float, float] | None  # mean T with interval
    gas_followup: tuple[float, float, float] | None
    gas_n: int


@dataclass
class GoalsReport:
    citizens: int
    by_category: list[tuple[str, list[int]]]  # category, counts per status
    median_days_to_achieve: float | None
    achieved_n: int
    with_sub_goal_reached: ShareRow
    end_goals: list[ShareRow]
    programmes: list[ProgrammeOutcome]


def _share(label: str, count: int, n: int) -> ShareRow:
    return ShareRow(label, n, stats.proportion_interval(count, n) if enough(n) else None, count)


def goals_report(user, filters: Filters) -> GoalsReport:
    rows = cohort_rows(user, filters)
    citizen_ids = {r[1] for r in rows}
    db_citizens = cohort_citizens(user, filters)
    goals = list(
        Goal.objects.filter(plan__citizen_id__in=db_citizens).values_list(
            "pk",
            "plan__citizen_id",
            "is_end_goal",
            "status",
            "category__label_da",
            "category__label_en",
            "gas_levels",
            "gas_baseline",
            "created_at",
        )
    )
    english = (get_language() or "da").startswith("en")
    achieved_at: dict[int, object] = {}
    gas_latest: dict[int, int] = {}
    for goal_id, at, changes in (
        GoalEvent.objects.filter(goal__plan__citizen_id__in=db_citizens)
        .order_by("at", "id")
        .values_list("goal_id", "at", "changes")
    ):
        if changes.get("status") == "achieved" and goal_id not in achieved_at:
            achieved_at[goal_id] = at
        if "gas_level" in changes:
            gas_latest[goal_id] = int(changes["gas_level"])
    by_category: dict[str, Counter] = defaultdict(Counter)
    days_to_achieve = []
    reached_sub: set[int] = set()
    with_sub: set[int] = set()
    end_total: Counter = Counter()
    end_reached: Counter = Counter()
    gas_base: dict[int, list[int]] = defaultdict(list)
    gas_follow: dict[int, list[int]] = defaultdict(list)
    for pk, citizen, is_end_goal, status, label_da, label_en, levels, baseline, created in goals:
        label = (label_en if english and label_en else label_da) or "–"
        if is_end_goal:
            end_total[label] += 1
            end_reached[label] += status == "achieved"
            continue
        with_sub.add(citizen)
        by_category[label][status] += 1
        if status == "achieved":
            reached_sub.add(citizen)
            if pk in achieved_at:
                days_to_achieve.append((achieved_at[pk] - created).days)
        if levels and baseline is not None:
            gas_base[citizen].append(baseline)
            gas_follow[citizen].append(gas_latest.get(pk, baseline))
    programme_names = dict(
        Programme.objects.filter(pk__in={r[2] for r in rows}).values_list("pk", "name")
    )
    return GoalsReport(
        citizens=len(citizen_ids),
        by_category=[
            (label, [counts[s] for s in STATUSES]) for label, counts in sorted(by_category.items())
        ],
        median_days_to_achieve=statistics.median(days_to_achieve)
        if enough(len(days_to_achieve))
        else None,
        achieved_n=len(days_to_achieve),
        with_sub_goal_reached=_share("", len(reached_sub), len(citizen_ids)),
        end_goals=[
            _share(label, end_reached[label], end_total[label]) for label in sorted(end_total)
        ],
        programmes=_programme_outcomes(rows, programme_names, gas_base, gas_follow, db_citizens),
    )


def _programme_outcomes(rows, names, gas_base, gas_follow, db_citizens) -> list[ProgrammeOutcome]:
    internships: dict[int, list] = defaultdict(list)
    for citizen, start in Activity.objects.filter(
        plan__citizen_id__in=db_citizens, kind__code__in=COMPANY_ACTIVITY_TYPES
    ).values_list("plan__citizen_id", "start_date"):
        internships[citizen].append(start)
    hours_reached = set(
        Goal.objects.filter(
            plan__citizen_id__in=db_citizens,
            is_end_goal=True,
            category__code="ordinary_hours",
            status="achieved",
        ).values_list("plan__citizen_id", flat=True)
    )
    exits = dict(
        Enrolment.objects.filter(pk__in=[r[0] for r in rows]).values_list("pk", "exit_reason__code")
    )
    today = dt.date.today()
    per_programme: dict[int, list[tuple]] = defaultdict(list)
    for r in rows:
        per_programme[r[2]].append(r)
    outcomes = []
    for programme_id, enrolments in sorted(
        per_programme.items(), key=lambda i: names.get(i[0], "")
    ):
        n = len(enrolments)
        internship = sum(
            any(r[3] <= d <= (r[4] or today) for d in internships[r[1]]) for r in enrolments
        )
        hours = sum(r[1] in hours_reached for r in enrolments)
        job = sum(exits.get(r[0]) in ("job", "education") for r in enrolments)
        t_base = [stats.gas_t_score(gas_base[r[1]]) for r in enrolments if gas_base.get(r[1])]
        t_follow = [stats.gas_t_score(gas_follow[r[1]]) for r in enrolments if gas_follow.get(r[1])]
        enough_scores = enough(len(t_base))
        outcomes.append(
            ProgrammeOutcome(
                programme=names.get(programme_id, str(programme_id)),
                n=n,
                internship=_share("", internship, n),
                ordinary_hours=_share("", hours, n),
                job_or_education=_share("", job, n),
                gas_baseline=stats.mean_interval(t_base) if enough_scores else None,
                gas_followup=stats.mean_interval(t_follow) if enough_scores else None,
                gas_n=len(t_base),
            )
        )
    return outcomes
