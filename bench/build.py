"""Builds the municipality-size database for the benchmark with bulk inserts. This is a data
generator for measuring, not application code: the application writes through its services."""

import datetime as dt
import json
import random

from django.db import connection, transaction
from django.utils import timezone

from fremdrift.accounts.models import Organisation, Role, User
from fremdrift.assessments.cadence import CadencePeriod, CadenceRule, due_status
from fremdrift.assessments.models import Answer, Assessment, CadenceChange, Follow
from fremdrift.citizens.models import Citizen
from fremdrift.codelists.models import Code
from fremdrift.core.fieldcrypto import encrypt, lookup_hash
from fremdrift.demo import names
from fremdrift.instruments.models import Instrument

CASEWORKERS = 40
BATCH = 20_000
CADENCES = [14] * 25 + [30] * 50 + [91] * 25


def counts() -> dict[str, int]:
    return {
        "citizens": Citizen.objects.count(),
        "assessments": Assessment.objects.count(),
        "answers": Answer.objects.count(),
    }


def build_if_empty(*, citizens: int, years: int) -> bool:
    if Organisation.objects.filter(name="Jobcenter Benchby").exists():
        return False
    build(citizens=citizens, years=years)
    return True


def _insert(table: str, columns: list[str], rows: list[tuple]) -> None:
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[start : start + BATCH])


def _next_id(model) -> int:
    last = model.objects.order_by("-id").values_list("id", flat=True).first()
    return (last or 0) + 1


def _reset_sequence(model) -> None:
    if connection.vendor != "postgresql":
        return
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
        )


@transaction.atomic
def build(*, citizens: int, years: int) -> None:
    rng = random.Random(2026)
    today = dt.date.today()
    jobcentre = Organisation.objects.create(name="Jobcenter Benchby", kind="authority")
    caseworkers = [
        User.objects.create(
            username=f"bench{n}",
            organisation=jobcentre,
            role=Role.CASEWORKER,
            first_name="Bench",
            last_name=str(n),
        )
        for n in range(CASEWORKERS)
    ]
    target_groups = list(Code.objects.filter(code_list="target_group", parent=None))
    instrument = Instrument.objects.get(code="adult_wheel")
    version = instrument.versions.get(status="published")
    items = list(version.items.all())
    code_of = {item.pk: item.code for item in items}
    now = timezone.now()

    citizen_rows, taken = [], set()
    first_citizen = _next_id(Citizen)
    for offset in range(citizens):
        female = rng.random() < 0.5
        born = dt.date(today.year - rng.randint(18, 64), 1, 1) + dt.timedelta(
            days=rng.randrange(365)
        )
        while True:
            digits = (
                born.strftime("%d%m%y")
                + f"{rng.randrange(1000):03d}"
                + str(rng.choice([0, 2, 4, 6, 8] if female else [1, 3, 5, 7, 9]))
            )
            seventh = int(digits[6])
            if born.year >= 2000 and seventh < 4:
                digits = digits[:6] + "4" + digits[7:]
            if digits not in taken:
                taken.add(digits)
                break
        citizen_rows.append(
            (
                first_citizen + offset,
                rng.choice(names.FEMALE_FIRST if female else names.MALE_FIRST),
                rng.choice(names.LAST),
                encrypt(digits),
                lookup_hash(digits),
                born,
                "female" if female else "male",
                jobcentre.pk,
                rng.choice(caseworkers).pk,
                rng.choice(target_groups).pk,
                1,
                now,
                now,
            )
        )
    _insert(
        "citizens_citizen",
        [
            "id",
            "first_name",
            "last_name",
            "cpr_encrypted",
            "cpr_hash",
            "birth_date",
            "sex",
            "home_organisation_id",
            "responsible_caseworker_id",
            "target_group_id",
            "version",
            "created_at",
            "updated_at",
        ],
        citizen_rows,
    )
    _reset_sequence(Citizen)

    follow_rows, cadence_rows, assessment_rows, answer_rows = [], [], [], []
    next_follow, next_cadence = _next_id(Follow), _next_id(CadenceChange)
    next_assessment, next_answer = _next_id(Assessment), _next_id(Answer)
    horizon = years * 365
    for citizen_id, *_rest in citizen_rows:
        caseworker_id = _rest[7]
        start = today - dt.timedelta(days=rng.randint(30, horizon))
        every = rng.choice(CADENCES)
        done, day = [], start
        level = {item.code: rng.uniform(2, 5) for item in items}
        trend = rng.choice([0.04, 0.04, 0.04, 0.0, -0.02])
        while day <= today:
            if rng.random() > 0.08:
                done.append(day)
                values = []
                for item in items:
                    level[item.code] = min(
                        10.0, max(1.0, level[item.code] + trend + rng.gauss(0, 0.5))
                    )
                    values.append((item.pk, round(level[item.code])))
                assessment_rows.append(
                    (
                        next_assessment,
                        citizen_id,
                        version.pk,
                        day,
                        "joint",
                        "completed",
                        caseworker_id,
                        jobcentre.pk,
                        1,
                        len(values),
                        float(sum(v for _pk, v in values)),
                        json.dumps({code_of[pk]: float(v) for pk, v in values}),
                        now,
                        now,
                    )
                )
                for item_pk, value in values:
                    answer_rows.append(
                        (
                            next_answer,
                            next_assessment,
                            item_pk,
                            value,
                            "",
                            False,
                            False,
                            "",
                        )
                    )
                    next_answer += 1
                next_assessment += 1
            day += dt.timedelta(days=every)
        status = due_status(
            [CadencePeriod(rule=CadenceRule(every_days=every), starts_on=start)],
            done=done,
            today=today,
        )
        follow_rows.append(
            (next_follow, citizen_id, instrument.pk, "joint", start, True, status.next_due, 1, now)
        )
        cadence_rows.append((next_cadence, next_follow, start, every, None, "[]", False))
        next_follow += 1
        next_cadence += 1
        if len(answer_rows) > 400_000:
            _flush(assessment_rows, answer_rows)
    _flush(assessment_rows, answer_rows)
    _insert(
        "assessments_follow",
        [
            "id",
            "citizen_id",
            "instrument_id",
            "respondent",
            "start_date",
            "is_active",
            "next_due",
            "version",
            "updated_at",
        ],
        follow_rows,
    )
    _insert(
        "assessments_cadencechange",
        [
            "id",
            "follow_id",
            "starts_on",
            "every_days",
            "every_months",
            "steps_days",
            "due_at_start",
        ],
        cadence_rows,
    )
    for model in (Assessment, Answer, Follow, CadenceChange):
        _reset_sequence(model)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _flush(assessment_rows: list, answer_rows: list) -> None:
    _insert(
        "assessments_assessment",
        [
            "id",
            "citizen_id",
            "version_id",
            "date",
            "respondent",
            "status",
            "recorded_by_id",
            "recorded_by_organisation_id",
            "revision",
            "scored_items",
            "score_total",
            "item_values",
            "created_at",
            "updated_at",
        ],
        assessment_rows,
    )
    _insert(
        "assessments_answer",
        ["id", "assessment_id", "item_id", "value", "text", "dont_know", "not_relevant", "comment"],
        answer_rows,
    )
    assessment_rows.clear()
    answer_rows.clear()


def ensure_plan_histories(*, count: int = 100, years: int = 5) -> list[int]:
    """Five years of plan history (goals and their events, activities, meetings, a mentor)
    for `count` citizens whose assessments started five years ago, written through the
    services. Built once; returns the citizens' ids."""
    from fremdrift.plans import services as plan_services
    from fremdrift.plans.models import Plan

    existing = list(
        Plan.objects.filter(citizen__home_organisation__name="Jobcenter Benchby").values_list(
            "citizen_id", flat=True
        )[:count]
    )
    if existing:
        return existing
    rng = random.Random(11)
    today = dt.date.today()
    start = today - dt.timedelta(days=365 * years)
    citizens = list(
        Citizen.objects.filter(
            home_organisation__name="Jobcenter Benchby",
            follows__start_date__lte=start + dt.timedelta(days=60),
        ).select_related("responsible_caseworker")[:count]
    )
    code = {
        (c.code_list, c.code, c.parent.code if c.parent else None): c
        for c in Code.objects.select_related("parent")
    }
    role = code[("participant_role", "doctor", None)]
    with transaction.atomic():
        for citizen in citizens:
            actor = citizen.responsible_caseworker
            plan = plan_services.plan_get_or_create(actor=actor, citizen=citizen)
            end = plan_services.goal_create(
                actor=actor,
                plan=plan,
                text="Et job i detailhandlen",
                is_end_goal=True,
                category=code[("end_goal_category", "job", None)],
                at=timezone.make_aware(dt.datetime.combine(start, dt.time(9))),
            )
            for month in range(0, 12 * years, 2):
                day = start + dt.timedelta(days=30 * month)
                when = timezone.make_aware(dt.datetime.combine(day, dt.time(9)))
                goal = plan_services.goal_create(
                    actor=actor, plan=plan, text=f"Delmål {month}", parent=end, at=when
                )
                plan_services.goal_change(
                    actor=actor,
                    goal=goal,
                    expected_version=1,
                    reason=rng.choice(["achieved", "relapse"]),
                    status=rng.choice(["achieved", "not_achieved"]),
                    at=when + dt.timedelta(days=20),
                )
                plan_services.meeting_record(
                    actor=actor,
                    plan=plan,
                    kind=code[("meeting_kind", "follow_up", None)],
                    date=day,
                    citizen_attended=True,
                    participants=[{"role": role}],
                )
                sector, kind = rng.choice(
                    [
                        ("health", "physiotherapy"),
                        ("social", "housing_support"),
                        ("employment", "internship_single"),
                    ]
                )
                plan_services.activity_create(
                    actor=actor,
                    plan=plan,
                    sector=code[("activity_sector", sector, None)],
                    kind=code[("activity_type", kind, sector)],
                    purpose=f"Forløb {month}",
                    start_date=day,
                    end_date=day + dt.timedelta(days=50),
                    weekly_hours=10,
                    result="partly",
                    next_step="Videre",
                )
            plan_services.mentor_assign(
                actor=actor,
                plan=plan,
                kind=code[("mentor_kind", "social", None)],
                name="Mentor",
                start_date=start,
            )
    return [c.pk for c in citizens]


def ensure_report_data() -> "User":
    """Two programmes at a provider, one enrolment per citizen from its first assessment (a
    third of them ended with an exit reason), and a manager who reads the reports. Added once,
    by bulk insert, to a database built before the reports existed too."""
    from fremdrift.programmes.models import Enrolment
    from fremdrift.programmes.services import programme_create

    jobcentre = Organisation.objects.get(name="Jobcenter Benchby")
    manager = User.objects.filter(username="benchmanager").first()
    if manager is not None:
        return manager
    with transaction.atomic():
        manager = User.objects.create(
            username="benchmanager", organisation=jobcentre, role=Role.MANAGER
        )
        provider = Organisation.objects.create(name="Benchby Værksted", kind="provider")
        instrument = Instrument.objects.get(code="adult_wheel")
        programmes = [
            programme_create(
                actor=None,
                organisation=provider,
                name=name,
                start_date=dt.date(2015, 1, 1),
                instruments=[(instrument, 30)],
                milestones=[{"code": "started", "label": "Start", "share": 50, "rule": "started"}],
            )
            for name in ("Benchby KVIK", "Benchby CTI")
        ]
        exits = list(
            Code.objects.filter(code_list="exit_reason", parent__isnull=False).values_list(
                "pk", flat=True
            )
        )
        rng = random.Random(11)
        today = dt.date.today()
        now = timezone.now()
        rows = []
        next_id = _next_id(Enrolment)
        for n, (citizen_id, start) in enumerate(
            Follow.objects.filter(citizen__home_organisation=jobcentre)
            .order_by("citizen_id")
            .values_list("citizen_id", "start_date")
        ):
            ended = n % 3 == 0 and (today - start).days > 60
            end = (
                start + dt.timedelta(days=rng.randint(60, (today - start).days)) if ended else None
            )
            rows.append(
                (
                    next_id + n,
                    citizen_id,
                    programmes[n % 2].pk,
                    start,
                    None,
                    "ended" if ended else "active",
                    end,
                    rng.choice(exits) if ended else None,
                    "",
                    1,
                    now,
                    now,
                )
            )
        _insert(
            "programmes_enrolment",
            [
                "id",
                "citizen_id",
                "programme_id",
                "start_date",
                "responsible_id",
                "status",
                "end_date",
                "exit_reason_id",
                "exit_note",
                "version",
                "created_at",
                "updated_at",
            ],
            rows,
        )
        _reset_sequence(Enrolment)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return manager


FLOOR_SQL = """
WITH e AS (
    SELECT id, citizen_id, start_date, COALESCE(end_date, CURRENT_DATE) AS end_date
    FROM programmes_enrolment
), a AS (
    SELECT s.id AS assessment_id,
           ROW_NUMBER() OVER (PARTITION BY e.id ORDER BY s.date, s.id) AS first_rank,
           ROW_NUMBER() OVER (PARTITION BY e.id ORDER BY s.date DESC, s.id DESC) AS last_rank
    FROM e
    JOIN assessments_assessment s
      ON s.citizen_id = e.citizen_id AND s.date >= e.start_date AND s.date <= e.end_date
    JOIN instruments_instrumentversion v ON v.id = s.version_id
    WHERE v.instrument_id = %s AND s.status = 'completed'
)
SELECT i.code,
       AVG(CASE WHEN a.first_rank = 1 THEN ans.value END) AS baseline,
       AVG(CASE WHEN a.last_rank = 1 AND a.first_rank > 1 THEN ans.value END) AS follow_up
FROM a
JOIN assessments_answer ans ON ans.assessment_id = a.assessment_id
JOIN instruments_item i ON i.id = ans.item_id
WHERE a.first_rank = 1 OR a.last_rank = 1
GROUP BY i.code
"""
