"""Builds the demo: a jobcentre, two providers with a programme each, a user of every role
and 200 citizens with assessments, plans, referrals, enrolments with participant profiles
and exits.

Deterministic (a fixed random seed) and run once: a second run keeps what is there.
"""

import datetime as dt
import random

from django.conf import settings
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from fremdrift.accounts.models import Organisation, Role, User
from fremdrift.accounts.services import organisation_create, user_create
from fremdrift.assessments import services as assessment_services
from fremdrift.assessments.models import DefaultFollow
from fremdrift.citizens import services as citizen_services
from fremdrift.codelists.models import Code, CodeList
from fremdrift.core.cpr import century_of
from fremdrift.demo import names
from fremdrift.demo.assessments import seed_assessments
from fremdrift.demo.case_reviews import seed_case_reviews
from fremdrift.demo.codes import seed_own_codes
from fremdrift.demo.companies import seed_companies
from fremdrift.demo.fidelity import seed_fidelity_and_surveys
from fremdrift.demo.plans import seed_plans
from fremdrift.demo.profiles import seed_profiles
from fremdrift.demo.programmes import seed_programmes
from fremdrift.demo.shares import seed_case_shares
from fremdrift.instruments.models import Instrument

JOBCENTRE = "Jobcenter Fremby"
PROVIDERS = ["Vækstværkstedet", "Job & Trivsel ApS"]
SOCIAL_SERVICES = "Socialforvaltningen Fremby"
DEMO_PASSWORD = "demo"
CITIZENS = 200

# username, first name, last name, organisation index (0 = jobcentre, 1-2 = providers,
# 3 = social services), role
DEMO_USERS = [
    ("sagsbehandler", "Mette", "Kjær", 0, Role.CASEWORKER),
    ("sagsbehandler2", "Jonas", "Friis", 0, Role.CASEWORKER),
    ("sagsbehandler3", "Aylin", "Demir", 0, Role.CASEWORKER),
    ("tilbud", "Rikke", "Holt", 1, Role.PROVIDER_STAFF),
    ("tilbud2", "Kasper", "Lind", 2, Role.PROVIDER_STAFF),
    ("virksomhed", "Bo", "Skov", 0, Role.JOB_CONSULTANT),
    ("analytiker", "Hanne", "Brix", 0, Role.MANAGER),
    ("admin", "Ole", "Berg", 0, Role.ADMINISTRATOR),
    ("socialraadgiver", "Sara", "Nørgaard", 3, Role.CASEWORKER),
    ("socialanalytiker", "Lone", "Vestergaard", 3, Role.MANAGER),
]

LOGINS = """Demo logins (password: demo)
  sagsbehandler   caseworker at Jobcenter Fremby (also sagsbehandler2, sagsbehandler3)
  tilbud          provider staff at Vækstværkstedet (tilbud2 at Job & Trivsel ApS)
  virksomhed      job consultant at Jobcenter Fremby
  analytiker      manager / analyst at Jobcenter Fremby
  admin           administrator at Jobcenter Fremby
  socialraadgiver caseworker at Socialforvaltningen Fremby (cases shared by the jobcentre)
  socialanalytiker manager at Socialforvaltningen Fremby (reports of the shared citizens)"""


def fictitious_cpr(rng: random.Random, born: dt.date, female: bool, taken: set[str]) -> str:
    """A CPR number that passes validation for `born` and the sex; not checked against any
    register, so it must never be used outside a demo."""
    yy = born.year % 100
    sevenths = [d for d in range(10) if century_of(yy, d) + yy == born.year]
    while True:
        serial = f"{rng.choice(sevenths)}{rng.randrange(100):02d}"
        last = rng.choice([0, 2, 4, 6, 8] if female else [1, 3, 5, 7, 9])
        cpr = born.strftime("%d%m%y") + serial + str(last)
        if cpr not in taken:
            taken.add(cpr)
            return cpr


class Command(BaseCommand):
    help = "Loads the demo data once (a jobcentre, two providers, demo users, 200 citizens)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Seed even with DEBUG off. Never on a database with real citizens.",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError("Refusing to load demo data with DEBUG off.")
        if Organisation.objects.filter(name=JOBCENTRE).exists():
            self.stdout.write("Demo data are already loaded; nothing changed.")
        else:
            self.seed()
            cache.clear()  # figures of the day computed before the demo existed
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write(LOGINS)

    @transaction.atomic
    def seed(self) -> None:
        rng = random.Random(2026)
        today = dt.date.today()
        organisations = [organisation_create(name=JOBCENTRE, kind=Organisation.Kind.AUTHORITY)]
        organisations += [
            organisation_create(name=name, kind=Organisation.Kind.PROVIDER) for name in PROVIDERS
        ]
        organisations.append(
            organisation_create(name=SOCIAL_SERVICES, kind=Organisation.Kind.AUTHORITY)
        )
        users: dict[str, User] = {}
        for username, first, last, org_index, role in DEMO_USERS:
            users[username] = user_create(
                username=username,
                password=DEMO_PASSWORD,
                organisation=organisations[org_index],
                role=role,
                first_name=first,
                last_name=last,
            )
        # New citizens at the jobcentre follow the adult wheel every 14 days (the form that
        # registers a citizen offers it).
        assessment_services.default_follow_save(
            actor=users["admin"],
            default=DefaultFollow(
                organisation=organisations[0],
                instrument=Instrument.objects.get(code="adult_wheel"),
                every_days=14,
            ),
        )
        caseworkers = [users["sagsbehandler"], users["sagsbehandler2"], users["sagsbehandler3"]]
        target_groups = list(Code.objects.filter(code_list=CodeList.TARGET_GROUP, parent=None))
        weights = [40, 20, 15, 10, 10, 5][: len(target_groups)]
        taken: set[str] = set()
        citizens = []
        for number in range(CITIZENS):
            female = rng.random() < 0.5
            first = rng.choice(names.FEMALE_FIRST if female else names.MALE_FIRST)
            last = rng.choice(names.LAST)
            born = dt.date(today.year - rng.randint(18, 62), 1, 1) + dt.timedelta(
                days=rng.randrange(365)
            )
            caseworker = caseworkers[0] if number % 3 == 0 else rng.choice(caseworkers)
            citizen = citizen_services.citizen_create(
                actor=caseworker,
                first_name=first,
                last_name=last,
                cpr=fictitious_cpr(rng, born, female, taken),
                home_organisation=organisations[0],
                responsible_caseworker=caseworker,
                target_group=rng.choices(target_groups, weights=weights)[0],
            )
            citizens.append(citizen)
        seed_assessments(rng=rng, citizens=citizens, today=today)
        seed_plans(rng=rng, citizens=citizens, today=today)
        seed_companies(
            rng=rng,
            consultant=users["virksomhed"],
            organisation=organisations[0],
            citizens=citizens,
            today=today,
        )
        seed_programmes(
            rng=rng, citizens=citizens, providers=organisations[1:3], users=users, today=today
        )
        seed_profiles(citizens=citizens, today=today)
        seed_fidelity_and_surveys(
            staff_of={
                organisations[1].pk: users["tilbud"],
                organisations[2].pk: users["tilbud2"],
            },
            today=today,
        )
        seed_case_reviews(reviewer=users["analytiker"], citizens=citizens)
        # Last, so that the rest of the demo stays as it was: the jobcentre's own codes.
        seed_own_codes(organisation=organisations[0])
        seed_case_shares(
            actor=users["sagsbehandler"],
            shared_with=organisations[3],
            citizens=citizens,
            today=today,
        )
