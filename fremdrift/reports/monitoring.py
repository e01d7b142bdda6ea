"""Programme monitoring, the figures of a trial's evaluation (seeds/002): who came in, what
their plans hold, mentors, internships and what ran beside them, exits and start meetings."""

import datetime as dt
from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Min
from django.utils.translation import gettext as _

from fremdrift.citizens.models import Citizen
from fremdrift.codelists.company import COMPANY_ACTIVITY_TYPES
from fremdrift.codelists.models import Code
from fremdrift.companies.models import Sector, SizeBand
from fremdrift.core.figures import figure
from fremdrift.instruments.models import ScaleType
from fremdrift.plans.models import (
    Activity,
    Goal,
    Meeting,
    MeetingParticipant,
    Mentor,
    Plan,
    PlanRole,
    StatutoryPlan,
)
from fremdrift.programmes.models import Enrolment
from fremdrift.programmes.selectors import (
    AFTERCARE,
    AFTERCARE_DAYS,
    JOB_OR_EDUCATION,
    profile_items,
)

from .cohort import (
    AGE_BAND_LABELS,
    Filters,
    age_band_at,
    cohort_citizens,
    cohort_enrolment_ids,
    cohort_profiles,
    cohort_rows,
)
from .privacy import enough, hide_small, mark_hidden, suppress


@dataclass
class Table:
    title: str
    header: list[str]
    rows: list[list] = field(default_factory=list)
    counted: str = ""  # what the counts count, shown under the title
    # Row ranges whose counts add up to a whole (a partition): small counts in them are
    # hidden together with a complement. Other counts under 5 are hidden one by one.
    blocks: list[list[int]] = field(default_factory=list)
    # With a whole (the cohort's enrolments), each shown count also as a share of it.
    share_of: int | None = None

    def shown(self) -> list[list]:
        counts = [row[1] for row in self.rows]
        shown: list = hide_small(counts)
        for block in self.blocks:
            for index, value in zip(block, suppress([counts[i] for i in block]), strict=True):
                shown[index] = value
        if self.share_of is None:
            return [[row[0], mark_hidden(v)] for row, v in zip(self.rows, shown, strict=True)]
        return [
            [row[0], mark_hidden(v), mark_hidden(None if v is None else share(v, self.share_of))]
            for row, v in zip(self.rows, shown, strict=True)
        ]


def share(count: int, whole: int) -> str:
    """A count as a whole percentage of `whole`, as the evaluations write it ("73 %")."""
    return f"{figure(100 * count / whole, 0) if whole else 0} %"


@dataclass
class MonitoringReport:
    enrolments: int
    months: list[tuple[str, int, int, int, int]]  # month, enrolled, plan, company, job/edu
    tables: list[Table]


def _month_ends(first: dt.date, last: dt.date) -> list[dt.date]:
    ends = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        following = dt.date(year + (month == 12), month % 12 + 1, 1)
        ends.append(following - dt.timedelta(days=1))
        year, month = following.year, following.month
    return ends


def hours_band(hours) -> str:
    if hours is None:
        return _("Not given")
    h = float(hours)
    if h >= 37:
        return _("Full time (37+)")
    if h > 30:
        return _("Over 30")
    if h > 20:
        return "21-30"
    if h >= 10:
        return "10-20"
    return _("Under 10")


def monitoring_report(user, filters: Filters) -> MonitoringReport:
    rows = cohort_rows(user, filters)
    today = dt.date.today()
    db_citizens = cohort_citizens(user, filters)
    labels = {c.pk: c.label for c in Code.objects.all()}
    # A plan counts from the day it was made, where that is recorded, else from its first
    # goal (a plan row without either is not yet a plan: activities alone make the row).
    plan_made = {
        citizen: first.date()
        for citizen, first in Goal.objects.filter(plan__citizen_id__in=db_citizens)
        .values("plan__citizen_id")
        .annotate(first=Min("created_at"))
        .values_list("plan__citizen_id", "first")
    } | dict(
        Plan.objects.filter(citizen_id__in=db_citizens, made_on__isnull=False).values_list(
            "citizen_id", "made_on"
        )
    )
    activities = list(
        Activity.objects.filter(plan__citizen_id__in=db_citizens).values_list(
            "pk",
            "plan__citizen_id",
            "kind_id",
            "kind__code",
            "start_date",
            "end_date",
            "weekly_hours",
            "company_mentor",
            "company__size_band",
            "company__sector",
            "company_id",
        )
    )
    by_citizen_activities = defaultdict(list)
    for a in activities:
        by_citizen_activities[a[1]].append(a)
    exits = {
        pk: (parent, child, code)
        for pk, parent, child, code in Enrolment.objects.filter(
            pk__in=cohort_enrolment_ids(user, filters), exit_reason__isnull=False
        ).values_list("pk", "exit_reason__parent_id", "exit_reason_id", "exit_reason__code")
    }

    def first_company(r) -> dt.date | None:
        days = [
            a[4]
            for a in by_citizen_activities[r[1]]
            if a[3] in COMPANY_ACTIVITY_TYPES and r[3] <= a[4] <= (r[4] or today)
        ]
        return min(days) if days else None

    # Each enrolment's day of each event (a plan, a company-oriented activity, an exit to job
    # or education), never before it started; a month counts those on or before its end.
    events: dict[str, list[dt.date]] = {"enrolled": [], "plan": [], "company": [], "exit": []}
    for r in rows:
        events["enrolled"].append(r[3])
        if plan_made.get(r[1]):
            events["plan"].append(max(r[3], plan_made[r[1]]))
        if company := first_company(r):
            events["company"].append(company)
        if r[0] in exits and exits[r[0]][2] in JOB_OR_EDUCATION and r[4] is not None:
            events["exit"].append(max(r[3], r[4]))
    for days in events.values():
        days.sort()
    months = [
        (
            end.strftime("%Y-%m"),
            *(bisect_right(events[kind], end) for kind in ("enrolled", "plan", "company", "exit")),
        )
        for end in (_month_ends(min(r[3] for r in rows), today) if rows else [])
    ]
    tables = [
        _profile(rows, labels),
        *_participant_profile(rows),
        _plan_contents(rows, db_citizens, by_citizen_activities),
        _other_plans(rows, db_citizens),
        *_mentors(rows, db_citizens, labels),
        *_internships(rows, by_citizen_activities, labels, today),
        _exits(rows, exits, labels),
        _aftercare(rows, exits, by_citizen_activities),
        _start_meetings(db_citizens, labels),
        _clarifications(rows, db_citizens, labels, today),
    ]
    return MonitoringReport(enrolments=len(rows), months=months, tables=tables)


def _profile(rows, labels) -> Table:
    table = Table(_("Participant profile"), [_("Group"), _("Enrolments")])
    ages = Counter(age_band_at(r[5], r[3]) for r in rows)
    for band in AGE_BAND_LABELS:
        table.rows.append([_("Age %(band)s") % {"band": band}, ages.get(band, 0)])
    for group, n in sorted(Counter(labels.get(r[7], "–") for r in rows).items()):
        table.rows.append([group, n])
    sexes = Counter(r[6] for r in rows)
    for value, label in Citizen.Sex.choices:
        table.rows.append([str(label), sexes.get(value, 0)])
    ages_end = len(AGE_BAND_LABELS)
    groups_end = len(table.rows) - len(Citizen.Sex.choices)
    table.blocks = [
        list(range(0, ages_end)),
        list(range(ages_end, groups_end)),
        list(range(groups_end, len(table.rows))),
    ]
    return table


def _participant_profile(rows) -> list[Table]:
    """Seed 002's "Deltagerprofil": for each item of the participant profile, the enrolments
    with each answer as a share of the cohort; for an item of several answers (the reasons for
    the match categorisation) the share of participants with each, and the mean number of
    answers of those who gave any."""
    profiles = cohort_profiles(r[0] for r in rows)
    whole = len(rows)
    tables = []
    for item in profile_items():
        chosen = [profiles.get(r[0], {}).get(item.code, []) for r in rows]
        given = [codes for codes in chosen if codes]
        several = item.scale_type == ScaleType.CHOICES
        counted = _("Enrolments with the answer, as a share of the cohort's enrolments.")
        if several:
            counted = _(
                "Several answers per participant: the enrolments with each, as a share of the "
                "cohort's enrolments."
            )
            if enough(len(given)):
                mean = sum(len(codes) for codes in given) / len(given)
                counted += " " + _("On average %(mean)s per participant with an answer.") % {
                    "mean": figure(mean, 1)
                }
        table = Table(
            _("Participant profile: %(item)s") % {"item": item.label},
            [item.label, _("Enrolments"), _("Share")],
            counted=counted,
            share_of=whole,
        )
        for code, label in item.choice_options():
            table.rows.append([label, sum(1 for codes in chosen if code in codes)])
        table.rows.append([_("Not recorded"), whole - len(given)])
        if not several:  # one answer each: the rows add up to the cohort
            table.blocks = [list(range(len(table.rows)))]
        tables.append(table)
    return tables


def _plan_contents(rows, citizen_ids, by_citizen_activities) -> Table:
    table = Table(
        _("What the plans contain"),
        [_("The plan has"), _("Enrolments")],
        counted=_("Enrolments whose citizen's plan has it."),
    )
    goals = list(
        Goal.objects.filter(plan__citizen_id__in=citizen_ids).values_list(
            "plan__citizen_id", "is_end_goal", "supported_by"
        )
    )
    end = {c for c, is_end_goal, _s in goals if is_end_goal}
    sub = {c for c, is_end_goal, _s in goals if not is_end_goal}
    roles = {c for c, _e, supported in goals if supported} | set(
        PlanRole.objects.filter(plan__citizen_id__in=citizen_ids).values_list(
            "plan__citizen_id", flat=True
        )
    )
    own = set(
        Plan.objects.filter(citizen_id__in=citizen_ids)
        .exclude(own_effort="")
        .values_list("citizen_id", flat=True)
    )
    comments = set(
        Plan.objects.filter(citizen_id__in=citizen_ids)
        .exclude(citizen_comments="")
        .values_list("citizen_id", flat=True)
    )
    with_activities = {c for c, acts in by_citizen_activities.items() if acts}
    for label, citizens in (
        (_("An end goal"), end),
        (_("Sub-goals"), sub),
        (_("Activities"), with_activities),
        (_("Who does what (roles)"), roles),
        (_("The citizen's own effort"), own),
        (_("The citizen's comments"), comments),
    ):
        table.rows.append([label, sum(1 for r in rows if r[1] in citizens)])
    return table


def _other_plans(rows, citizen_ids) -> Table:
    """Seed 002: priority between the citizen's plans (the job plan, an education plan, a
    § 141 action plan) was rarely set. Of the enrolments whose citizen's plan records another
    plan, those where one of them takes priority."""
    recorded = set()
    prioritised = set()
    for citizen_id, has_priority in StatutoryPlan.objects.filter(
        plan__citizen_id__in=citizen_ids
    ).values_list("plan__citizen_id", "has_priority"):
        recorded.add(citizen_id)
        if has_priority:
            prioritised.add(citizen_id)
    with_plans = sum(1 for r in rows if r[1] in recorded)
    with_priority = sum(1 for r in rows if r[1] in prioritised)
    table = Table(
        _("Other plans"),
        [_("Plans"), _("Enrolments"), _("Share")],
        counted=_(
            "Enrolments whose citizen's plan records another plan (a job plan, an education "
            "plan, a § 141 action plan or another), and those where one of them takes "
            "priority, as a share of them."
        ),
        share_of=with_plans,
    )
    table.rows.append([_("With other plans recorded"), with_plans])
    table.rows.append([_("Plans with priority set"), with_priority])
    table.rows.append([_("No priority set"), with_plans - with_priority])
    # The two last rows add up to the first: a small one is hidden with the other.
    table.blocks = [[1, 2]]
    return table


def _mentors(rows, citizen_ids, labels) -> list[Table]:
    per_citizen = Counter(
        Mentor.objects.filter(plan__citizen_id__in=citizen_ids).values_list(
            "plan__citizen_id", flat=True
        )
    )
    counts = Table(_("Mentors per participant"), [_("Mentors"), _("Enrolments")])
    buckets = Counter(min(per_citizen.get(r[1], 0), 3) for r in rows)
    for n, label in ((0, "0"), (1, "1"), (2, "2"), (3, "3+")):
        counts.rows.append([label, buckets.get(n, 0)])
    counts.blocks = [[0, 1, 2, 3]]
    tasks = Table(_("Mentors' tasks"), [_("Task"), _("Mentors")])
    through = Mentor.tasks.through.objects.filter(mentor__plan__citizen_id__in=citizen_ids)
    for code_id, n in sorted(
        Counter(through.values_list("code_id", flat=True)).items(),
        key=lambda item: labels.get(item[0], ""),
    ):
        tasks.rows.append([labels.get(code_id, "–"), n])
    return [counts, tasks]


def _internships(rows, by_citizen_activities, labels, today) -> list[Table]:
    during: dict[int, list] = defaultdict(list)
    for r in rows:
        for a in by_citizen_activities[r[1]]:
            if a[3] in COMPANY_ACTIVITY_TYPES and r[3] <= a[4] <= (r[4] or today):
                during[r[0]].append(a)
    overview = Table(
        _("Internships and jobs with wage subsidy"),
        [_("Internships and jobs with wage subsidy"), _("Number")],
    )
    overview.rows.append(
        [_("Enrolments with an internship or a job with wage subsidy"), len(during)]
    )
    internships = [a for acts in during.values() for a in acts]
    for kind, n in sorted(Counter(labels.get(a[2], "–") for a in internships).items()):
        overview.rows.append([kind, n])
    overview.rows.append([_("With a company mentor"), sum(1 for a in internships if a[7])])
    hours = Table(
        _("Weekly hours at the start of internships and jobs with wage subsidy"),
        [_("Hours"), _("Internships and jobs with wage subsidy")],
    )
    bands = Counter(hours_band(a[6]) for a in internships)
    for band in (
        _("Under 10"),
        "10-20",
        "21-30",
        _("Over 30"),
        _("Full time (37+)"),
        _("Not given"),
    ):
        hours.rows.append([band, bands.get(band, 0)])
    hours.blocks = [list(range(len(hours.rows)))]
    parallel = Table(
        _("Parallel interventions during internships and jobs with wage subsidy"),
        [_("Activity type"), _("Internships and jobs with wage subsidy")],
        counted=_(
            "Internships and jobs with wage subsidy with another activity (of the type) "
            "running at the same time."
        ),
    )
    beside: Counter = Counter()
    with_any = 0
    for r in rows:
        for internship in during.get(r[0], []):
            start, end = internship[4], internship[5] or today
            kinds = {
                a[2]
                for a in by_citizen_activities[r[1]]
                if a[0] != internship[0] and a[4] <= end and (a[5] or today) >= start
            }
            with_any += bool(kinds)
            for kind in kinds:
                beside[kind] += 1
    parallel.rows.append([_("Any parallel intervention"), with_any])
    for kind_id, n in sorted(beside.items(), key=lambda item: labels.get(item[0], "")):
        parallel.rows.append([labels.get(kind_id, "–"), n])
    return [overview, hours, parallel, *_placements_by_company(internships)]


def _placements_by_company(placements) -> list[Table]:
    """The placements (internships and jobs with wage subsidy) by the size and line of
    business of their company in the register, and the share with a company mentor. Each
    table is a partition of the placements: small cells are hidden with a complement."""
    whole = len(placements)
    by_size = Table(
        _("Placements per company size"),
        [_("Number of employees"), _("Placements")],
        counted=_("Internships and jobs with wage subsidy, by their company in the register."),
        share_of=whole,
    )
    sizes = Counter(a[8] if a[10] else None for a in placements)
    for value, label in SizeBand.choices:
        by_size.rows.append([label, sizes.get(value, 0)])
    by_size.rows.append([_("Size not given"), sizes.get("", 0)])
    by_size.rows.append([_("No company recorded"), sizes.get(None, 0)])
    by_size.blocks = [list(range(len(by_size.rows)))]
    by_sector = Table(
        _("Placements per line of business"),
        [_("Line of business"), _("Placements")],
        share_of=whole,
    )
    sectors = Counter(a[9] if a[10] else None for a in placements)
    for value, label in Sector.choices:
        by_sector.rows.append([label, sectors.get(value, 0)])
    by_sector.rows.append([_("Line of business not given"), sectors.get("", 0)])
    by_sector.rows.append([_("No company recorded"), sectors.get(None, 0)])
    by_sector.blocks = [list(range(len(by_sector.rows)))]
    mentored = sum(1 for a in placements if a[7])
    mentors = Table(
        _("Placements with a company mentor"),
        [_("Company mentor"), _("Placements")],
        rows=[[_("With a company mentor"), mentored], [_("Without"), whole - mentored]],
        blocks=[[0, 1]],
        share_of=whole,
    )
    return [by_size, by_sector, mentors]


def _exits(rows, exits, labels) -> Table:
    table = Table(_("Exits by reason"), [_("Reason"), _("Enrolments")])
    parents = Counter(exits[r[0]][0] for r in rows if r[0] in exits)
    children = Counter(exits[r[0]][1] for r in rows if r[0] in exits)
    child_parent = {child: parent for parent, child, _code in exits.values()}
    # The first level with those still enrolled is one whole; each reason's second level
    # another. The table lists the first level, then the second under it.
    first_level = []
    order = dict(Code.objects.filter(code_list="exit_reason").values_list("pk", "sort_order"))
    for parent in sorted(parents, key=lambda p: order.get(p, 0)):
        first_level.append(len(table.rows))
        table.rows.append([labels.get(parent, "–"), parents[parent]])
        start = len(table.rows)
        for child in sorted(
            (c for c in children if child_parent[c] == parent), key=lambda c: order.get(c, 0)
        ):
            table.rows.append(["    " + labels.get(child, "–"), children[child]])
        table.blocks.append(list(range(start, len(table.rows))))
    first_level.append(len(table.rows))
    table.rows.append([_("Still enrolled"), sum(1 for r in rows if r[0] not in exits)])
    table.blocks.append(first_level)
    return table


def _aftercare(rows, exits, by_citizen_activities) -> Table:
    """Seed 002: of the exits to a job or education, the share with aftercare: an activity of
    the type "efterværn" that started on the day of the exit or within AFTERCARE_DAYS."""
    to_work = [
        r for r in rows if r[0] in exits and exits[r[0]][2] in JOB_OR_EDUCATION and r[4] is not None
    ]
    window = dt.timedelta(days=AFTERCARE_DAYS)
    with_aftercare = sum(
        1
        for r in to_work
        if any(
            a[3] == AFTERCARE and r[4] <= a[4] <= r[4] + window for a in by_citizen_activities[r[1]]
        )
    )
    table = Table(
        _("Aftercare after an exit to job or education"),
        [_("Exits to job or education"), _("Enrolments"), _("Share")],
        counted=_(
            "Exits to a job or education, and those with aftercare (an activity of the type "
            "'Efterværn' that started within three months of the exit)."
        ),
        share_of=len(to_work),
    )
    table.rows.append([_("Exits to job or education"), len(to_work)])
    table.rows.append([_("With aftercare"), with_aftercare])
    return table


def _start_meetings(citizen_ids, labels) -> Table:
    meetings = Meeting.objects.filter(
        plan__citizen_id__in=citizen_ids, kind__code="start_meeting", status=Meeting.Status.HELD
    )
    held = meetings.count()
    table = Table(
        _("Start meetings by who took part"),
        [_("Participant"), _("Start meetings"), _("Share")],
        counted=_(
            "Start meetings with at least one participant in the role, as a share of the start "
            "meetings held."
        ),
        share_of=held,
    )
    table.rows.append([_("Start meetings held"), held])
    table.rows.append([_("The citizen came"), meetings.filter(citizen_attended=True).count()])
    # Each meeting counts once for a role, however many of its participants had it.
    roles = Counter(
        role_id
        for _meeting, role_id in MeetingParticipant.objects.filter(meeting__in=meetings)
        .values_list("meeting_id", "role_id")
        .distinct()
    )
    for role_id, n in sorted(roles.items(), key=lambda item: labels.get(item[0], "")):
        table.rows.append([labels.get(role_id, "–"), n])
    return table


def _clarifications(rows, citizen_ids, labels, today) -> Table:
    """Seed 002: the share of enrolments with a coordinated clarification during the
    enrolment, the mean number of experts who took part, and the experts by role."""
    meetings = defaultdict(list)
    for meeting_id, citizen_id, day in Meeting.objects.filter(
        plan__citizen_id__in=citizen_ids,
        kind__code="coordinated_clarification",
        status=Meeting.Status.HELD,
    ).values_list("pk", "plan__citizen_id", "date"):
        meetings[citizen_id].append((meeting_id, day))
    experts = defaultdict(set)  # meeting id: (role, person)
    for meeting_id, role_id, user_id, name in MeetingParticipant.objects.filter(
        meeting__plan__citizen_id__in=citizen_ids,
        meeting__kind__code="coordinated_clarification",
    ).values_list("meeting_id", "role_id", "user_id", "name"):
        experts[meeting_id].add((role_id, user_id or name))
    with_clarification = 0
    numbers = []
    roles: Counter = Counter()
    for r in rows:
        held = [m for m, day in meetings[r[1]] if r[3] <= day <= (r[4] or today)]
        if not held:
            continue
        with_clarification += 1
        people = set().union(*(experts[m] for m in held))
        numbers.append(len(people))
        for role_id in {role_id for role_id, _person in people}:
            roles[role_id] += 1
    counted = _(
        "Enrolments with a coordinated clarification while they ran, as a share of the "
        "cohort's enrolments; the experts by role as enrolments whose clarification had one."
    )
    if enough(len(numbers)):
        counted += " " + _("On average %(mean)s experts took part.") % {
            "mean": figure(sum(numbers) / len(numbers), 1)
        }
    table = Table(
        _("Coordinated clarification"),
        [_("Coordinated clarification"), _("Enrolments"), _("Share")],
        counted=counted,
        share_of=len(rows),
    )
    table.rows.append([_("With a coordinated clarification"), with_clarification])
    for role_id, n in sorted(roles.items(), key=lambda item: labels.get(item[0], "")):
        table.rows.append([labels.get(role_id, "–"), n])
    return table
