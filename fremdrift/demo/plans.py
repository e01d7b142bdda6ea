"""A year of plans for the demo citizens: an end goal and sub-goals that move (some achieved,
some revised after a relapse), activities in several sectors including internships with weekly
hours, meetings with participants, and mentors; most plans with a next review (some overdue),
and about half with the citizen's other plans recorded, priority between them rarely set
(seed 002)."""

import datetime as dt
import random

from django.utils import timezone

from fremdrift.codelists.models import Code
from fremdrift.plans import services
from fremdrift.plans.models import Plan

END_GOALS = {
    "job": ["Jeg vil have et job i en butik", "Jeg vil arbejde med dyr", "Jeg vil køre bus igen"],
    "education": [
        "Jeg vil tage en uddannelse som social- og sundhedshjælper",
        "Jeg vil gøre min 9. klasse færdig",
    ],
    "ordinary_hours": ["Jeg vil have nogle timer på en almindelig arbejdsplads"],
    "flexjob_clarification": ["Jeg vil finde ud af, hvad jeg kan holde til"],
}
SUB_GOALS = [
    "Starte i misbrugsbehandling",
    "Møde stabilt op på kurset",
    "Løse konkrete arbejdsopgaver",
    "Følge et træningsprogram",
    "Komme til tiden",
    "Få styr på min økonomi",
    "Sove om natten og stå op om morgenen",
    "Tage bussen selv",
]
REVIEW_SEED = 2404
OTHER_PLANS = ["Genoptræningsplan", "Boligsocial plan", "Plan fra misbrugsbehandlingen"]


def _code(code_list, code, parent=None):
    codes = Code.objects.filter(code_list=code_list, code=code)
    return codes.filter(parent__code=parent).first() if parent else codes.first()


def _when(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


def seed_plans(*, rng: random.Random, citizens, today: dt.date) -> None:
    roles = list(Code.objects.filter(code_list="participant_role"))
    mentor_kinds = list(Code.objects.filter(code_list="mentor_kind"))
    tasks = list(Code.objects.filter(code_list="mentor_task"))
    start_meeting = _code("meeting_kind", "start_meeting")
    follow_up = _code("meeting_kind", "follow_up")
    coordinated = _code("meeting_kind", "coordinated_clarification")
    for citizen in citizens:
        if rng.random() < 0.1:
            continue  # a few citizens have no plan yet
        actor = citizen.responsible_caseworker
        plan = services.plan_get_or_create(actor=actor, citizen=citizen)
        start = today - dt.timedelta(days=rng.randint(200, 360))
        services.meeting_record(
            actor=actor,
            plan=plan,
            kind=start_meeting,
            date=start,
            citizen_attended=True,
            participants=[{"role": r} for r in rng.sample(roles, 3)],
            notes="Opstart: borgeren fortæller om sin situation.",
        )
        services.plan_role_assign(
            actor=actor,
            plan=plan,
            role=_code("participant_role", "employment_caseworker"),
            user=actor,
            task="Følger op på planen hver anden uge og aftaler næste skridt med borgeren.",
        )
        category = rng.choice(list(END_GOALS))
        end = services.goal_create(
            actor=actor,
            plan=plan,
            text=rng.choice(END_GOALS[category]),
            is_end_goal=True,
            category=_code("end_goal_category", category),
            at=_when(start),
        )
        subs = [
            services.goal_create(
                actor=actor,
                plan=plan,
                text=text,
                parent=end,
                at=_when(start),
                supported_by=rng.choice(["caseworker", "provider", "mentor", "citizen"]),
                target_date=start + dt.timedelta(days=rng.choice([60, 90, 120])),
            )
            for text in rng.sample(SUB_GOALS, rng.randint(2, 3))
        ]
        for index, goal in enumerate(subs):
            later = start + dt.timedelta(days=60 + 30 * index)
            if later > today:
                continue
            fate = rng.random()
            if fate < 0.5:
                services.goal_change(
                    actor=actor,
                    goal=goal,
                    expected_version=goal.version,
                    reason="achieved",
                    status="achieved",
                    at=_when(later),
                )
            elif fate < 0.7:
                goal = services.goal_change(
                    actor=actor,
                    goal=goal,
                    expected_version=goal.version,
                    reason="relapse",
                    note="Tilbagefald; målet gøres mindre.",
                    at=_when(later),
                    text=goal.text + " to dage om ugen",
                    target_date=later + dt.timedelta(days=60),
                )
        if rng.random() < 0.15 and (today - start).days > 240:
            services.goal_change(
                actor=actor,
                goal=end,
                expected_version=end.version,
                reason="achieved",
                status="achieved",
                at=_when(start + dt.timedelta(days=240)),
            )
        services.activity_create(
            actor=actor,
            plan=plan,
            sector=_code("activity_sector", "employment"),
            kind=_code(
                "activity_type",
                rng.choice(["internship_single", "internship_company_centre"]),
                "employment",
            ),
            purpose="Afprøve arbejdsopgaver på en arbejdsplads",
            goals=[end],
            delivered_by=rng.choice(["Netto Fremby", "Fremby Kantine", "Dyreklinikken"]),
            start_date=start + dt.timedelta(days=30),
            weekly_hours=rng.choice([6, 10, 15, 20]),
            company_mentor=rng.random() < 0.5,
            result=rng.choice(["succeeded", "partly", "too_early"]),
            next_step="Flere timer",
        )
        parallel = rng.choice(
            [
                ("health", "physiotherapy"),
                ("health", "addiction_treatment"),
                ("social", "debt_counselling"),
                ("social", "housing_support"),
            ]
        )
        services.activity_create(
            actor=actor,
            plan=plan,
            sector=_code("activity_sector", parallel[0]),
            kind=_code("activity_type", parallel[1], parallel[0]),
            purpose="Støtte ved siden af praktikken",
            goals=subs[:1],
            start_date=start + dt.timedelta(days=14),
            result=rng.choice(["succeeded", "partly", "failed", "too_early"]),
        )
        for month in range(2, 12, 2):
            day = start + dt.timedelta(days=30 * month)
            if day > today:
                break
            services.meeting_record(
                actor=actor,
                plan=plan,
                kind=coordinated if month == 2 else follow_up,
                date=day,
                citizen_attended=rng.random() > 0.15,
                participants=[{"role": r} for r in rng.sample(roles, rng.randint(1, 3))],
            )
        for _ in range(rng.choice([0, 1, 1, 2])):
            services.mentor_assign(
                actor=actor,
                plan=plan,
                kind=rng.choice(mentor_kinds),
                name=rng.choice(["Lone Dahl", "Bjarne Krog", "Mira Said", "Ulla Bech"]),
                start_date=start + dt.timedelta(days=20),
                tasks=rng.sample(tasks, 2),
            )
    _seed_reviews_and_other_plans(citizens=citizens, today=today)
    _seed_todays_meetings(citizens=citizens, today=today)


def _seed_reviews_and_other_plans(*, citizens, today: dt.date) -> None:
    """Most plans get a next review, one in five of them overdue; about half record the
    citizen's other plans (nearly always the job plan "Min Plan", often a § 141 action plan),
    and only one in four of those says which takes priority. A random generator of its own,
    so that the rest of the demo stays as it was."""
    rng = random.Random(REVIEW_SEED)
    plans = Plan.objects.filter(citizen__in=citizens).select_related(
        "citizen__responsible_caseworker"
    )
    for plan in plans.order_by("citizen_id"):
        actor = plan.citizen.responsible_caseworker
        if rng.random() < 0.85:
            overdue = rng.random() < 0.2
            days = -rng.randint(1, 45) if overdue else rng.randint(7, 90)
            plan = services.plan_update(
                actor=actor,
                plan=plan,
                expected_version=plan.version,
                own_effort=plan.own_effort,
                citizen_comments=plan.citizen_comments,
                next_review=today + dt.timedelta(days=days),
            )
        if rng.random() >= 0.5:
            continue
        kinds = ["jobplan"] if rng.random() < 0.9 else []
        kinds += [k for k in ("action_plan_141", "education_plan", "other") if rng.random() < 0.35]
        kinds = kinds or ["action_plan_141"]
        prioritised = rng.choice(kinds) if rng.random() < 0.25 else None
        for kind in kinds:
            services.statutory_plan_add(
                actor=actor,
                plan=plan,
                kind=kind,
                label=rng.choice(OTHER_PLANS) if kind == "other" else "",
                made_on=today - dt.timedelta(days=rng.randint(20, 400)),
                has_priority=kind == prioritised,
            )


# Per caseworker, meetings booked ahead so that the worklist ("Mit overblik") and the plan
# pages show them: one today, the others on the coming working days (day offsets from today,
# moved past a weekend), each at its time and place.
BOOKED_MEETINGS = (
    (0, dt.time(14, 0), dt.time(14, 45), "Jobcenter Fremby, mødelokale 2"),
    (1, dt.time(9, 30), dt.time(10, 15), "Jobcenter Fremby, mødelokale 1"),
    (3, dt.time(13, 0), dt.time(14, 0), "Borgerens hjem"),
)


def _working_day(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _seed_todays_meetings(*, citizens, today: dt.date) -> None:
    """Meetings booked ahead with citizens of each caseworker who have a plan, one of them
    today, so that the worklist's meetings of today and this week and the plans' upcoming
    meetings are not empty in the demo. No random generator: the rest of the demo stays as it
    was."""
    follow_up = _code("meeting_kind", "follow_up")
    role = _code("participant_role", "employment_caseworker")
    seen: dict[int, int] = {}
    plans = (
        Plan.objects.filter(citizen__in=citizens)
        .select_related("citizen__responsible_caseworker")
        .order_by("citizen_id")
    )
    for plan in plans:
        actor = plan.citizen.responsible_caseworker
        if actor is None or seen.get(actor.pk, 0) >= len(BOOKED_MEETINGS):
            continue
        offset, start, end, place = BOOKED_MEETINGS[seen.get(actor.pk, 0)]
        seen[actor.pk] = seen.get(actor.pk, 0) + 1
        services.meeting_book(
            actor=actor,
            plan=plan,
            kind=follow_up,
            date=today if offset == 0 else _working_day(today + dt.timedelta(days=offset)),
            start_time=start,
            end_time=end,
            place=place,
            participants=[{"role": role, "user": actor}],
            confirm=True,  # today's may lie earlier than the moment the demo is loaded
        )
