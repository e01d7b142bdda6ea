"""Demo programmes: a KVIK-like course at Vækstværkstedet and a CTI-like course at Job &
Trivsel ApS, with referrals, the providers' scores, exits of every kind and milestones."""

import datetime as dt
import random
from decimal import Decimal

from fremdrift.codelists.models import Code, CodeList
from fremdrift.instruments.models import Instrument
from fremdrift.plans import services as plan_services
from fremdrift.programmes import services as programme_services
from fremdrift.programmes.defaults import KVIK_MILESTONES
from fremdrift.programmes.models import Enrolment
from fremdrift.programmes.selectors import AFTERCARE, JOB_OR_EDUCATION
from fremdrift.referrals import services as referral_services

FOCUS_ITEMS = [
    "health_for_work",
    "everyday_energy",
    "network_support",
    "attendance_stability",
    "motivation_job_goal",
    "work_skills",
]
CTI_MILESTONES = [
    {"code": "started", "label": "Opstart", "share": 25, "rule": "started"},
    {"code": "start_meeting", "label": "Opstartsmøde holdt", "share": 25, "rule": "start_meeting"},
    {"code": "handover", "label": "Overdraget til almene tilbud", "share": 50, "rule": "manual"},
]


def seed_programmes(*, rng: random.Random, citizens, providers, users, today: dt.date) -> None:
    wheel = Instrument.objects.get(code="adult_wheel")
    cash_benefit = Code.objects.filter(code_list=CodeList.TARGET_GROUP).first()
    kvik = programme_services.programme_create(
        actor=users["admin"],
        organisation=providers[0],
        name="KVIK – virksomhedsrettet forløb",
        description="Kvalificering, virksomhedspraktik og koordinering for aktivitetsparate "
        "borgere. Betales efter milepæle.",
        target_group=cash_benefit,
        start_date=today.replace(month=1, day=1) - dt.timedelta(days=366),
        capacity=60,
        price=Decimal("40000"),
        instruments=[(wheel, 14)],
        milestones=KVIK_MILESTONES,
    )
    cti = programme_services.programme_create(
        actor=users["admin"],
        organisation=providers[1],
        name="CTI – kritisk overgang",
        description="Ni måneders tidsafgrænset støtte i overgangen til egen bolig og "
        "almene tilbud, i tre faser.",
        start_date=today.replace(month=1, day=1) - dt.timedelta(days=366),
        capacity=25,
        price=Decimal("30000"),
        instruments=[(wheel, 28)],
        milestones=CTI_MILESTONES,
    )
    staff = {providers[0].pk: users["tilbud"], providers[1].pk: users["tilbud2"]}
    # Every first-level exit reason in turn, so that the demo has exits of each kind.
    groups: dict[int, list[Code]] = {}
    for code in Code.objects.filter(code_list=CodeList.EXIT_REASON, parent__isnull=False).order_by(
        "parent__sort_order", "sort_order"
    ):
        groups.setdefault(code.parent_id, []).append(code)
    reasons = [group[i % len(group)] for i in range(3) for group in groups.values()]
    referred = [c for n, c in enumerate(citizens) if n % 5 == 1]
    exits = -1
    after_work = 0
    for n, citizen in enumerate(referred):
        programme = kvik if n % 2 == 0 else cti
        caseworker = citizen.responsible_caseworker
        start = today - dt.timedelta(days=rng.randint(20, 330))
        focus = rng.sample(FOCUS_ITEMS, rng.choice([2, 3]))
        referral = referral_services.referral_create(
            actor=caseworker,
            citizen=citizen,
            programme=programme,
            instrument=wheel,
            start_date=start,
            interval_days=14,
            starting_scores={code: rng.randint(2, 5) for code in focus},
        )
        leaves = n % 3 == 0 and (today - start).days > 60
        end = start + dt.timedelta(days=rng.randint(45, (today - start).days)) if leaves else today
        scores = dict(referral.focus_items.values_list("item_code", "starting_score"))
        day = start + dt.timedelta(days=14)
        while day <= min(end, today) and day >= today - dt.timedelta(days=150):
            scores = {
                c: max(1, min(10, round(v + rng.choice([-1, 0, 1, 1])))) for c, v in scores.items()
            }
            referral_services.referral_score_record(
                actor=staff[programme.organisation_id],
                referral=referral,
                date=day,
                scores=scores,
            )
            day += dt.timedelta(days=14)
        if leaves:
            exits += 1
            enrolment = Enrolment.objects.get(
                citizen=citizen, programme=programme, status=Enrolment.Status.ACTIVE
            )
            if programme == cti:
                programme_services.milestone_confirm(
                    actor=staff[programme.organisation_id],
                    enrolment=enrolment,
                    milestone=cti.milestones.get(code="handover"),
                    reached_on=end - dt.timedelta(days=7),
                )
            reason = reasons[exits % len(reasons)]
            referral_services.enrolment_end(
                actor=caseworker,
                enrolment=enrolment,
                expected_version=enrolment.version,
                end_date=end,
                exit_reason=reason,
                close_plan=False,
            )
            aftercare_day = end + dt.timedelta(days=7)
            if reason.code in JOB_OR_EDUCATION and aftercare_day <= today:
                after_work += 1
                if after_work % 2 == 1:  # every second one, as in seed 002
                    plan_services.activity_create(
                        actor=caseworker,
                        plan=plan_services.plan_get_or_create(actor=caseworker, citizen=citizen),
                        sector=Code.objects.get(
                            code_list=CodeList.ACTIVITY_SECTOR, code="employment"
                        ),
                        kind=Code.objects.get(code_list=CodeList.ACTIVITY_TYPE, code=AFTERCARE),
                        purpose="Støtte i de første uger i job eller uddannelse",
                        start_date=aftercare_day,
                        end_date=min(today, aftercare_day + dt.timedelta(days=56)),
                    )
