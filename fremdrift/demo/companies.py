"""The demo's company register: a few companies of the jobcentre with contact persons and
open positions, placements of demo citizens there (some with a company mentor), and positions
the job consultant suggested to citizens."""

import datetime as dt
import random

from fremdrift.codelists.models import Code
from fremdrift.companies import services as companies
from fremdrift.plans import services as plans
from fremdrift.plans.models import Plan

# Fictitious companies with CVR numbers that pass the modulus-11 check.
COMPANIES = [
    # name, CVR, address, size band, sector, contact persons, open positions
    (
        "Fremby Bageri ApS",
        "10000009",
        "Torvet 3, 9999 Fremby",
        "1-9",
        "trade",
        [("Bente Bager", "Bagermester", "20 00 00 01")],
        [("Bagerimedhjælper", 20)],
    ),
    (
        "Netto Fremby",
        "10000017",
        "Stationsvej 12, 9999 Fremby",
        "10-49",
        "trade",
        [("Ali Hansen", "Butikschef", "20 00 00 02"), ("Mette Lund", "Souschef", "")],
        [("Butiksmedarbejder, vareopfyldning", 15), ("Kassemedarbejder", 25)],
    ),
    (
        "Fremby Kommune, Kantinen",
        "10000025",
        "Rådhuspladsen 1, 9999 Fremby",
        "250+",
        "public",
        [("Jonas Kok", "Køkkenleder", "20 00 00 03")],
        [("Køkkenmedhjælper", 12)],
    ),
    (
        "Fremby Auto & Dæk",
        "10000033",
        "Industrivej 40, 9999 Fremby",
        "50-249",
        "services",
        [("Per Mekaniker", "Værkfører", "20 00 00 04")],
        [],
    ),
]


def seed_companies(
    *, rng: random.Random, consultant, organisation, citizens, today: dt.date
) -> tuple[int, int]:
    """The register, and placements by the job consultant `virksomhed`: returns the number
    of companies and of placements."""
    made = []
    for name, cvr, address, size, sector, contacts, vacancies in COMPANIES:
        company = companies.company_create(
            actor=consultant,
            organisation=organisation,
            name=name,
            cvr=cvr,
            address=address,
            size_band=size,
            sector=sector,
        )
        people = [
            companies.company_contact_add(
                actor=consultant, company=company, name=person, role=role, phone=phone
            )
            for person, role, phone in contacts
        ]
        positions = [
            companies.vacancy_add(
                actor=consultant,
                company=company,
                title=title,
                weekly_hours=hours,
                from_date=today + dt.timedelta(days=rng.randint(7, 45)),
            )
            for title, hours in vacancies
        ]
        made.append((company, people, positions))
    employment = Code.objects.get(code_list="activity_sector", code="employment")
    kinds = {
        code: Code.objects.get(code_list="activity_type", code=code, parent__code="employment")
        for code in ("internship_single", "wage_subsidy")
    }
    with_plan = [c for c in citizens if Plan.objects.filter(citizen=c).exists()]
    placed = 0
    for number, citizen in enumerate(rng.sample(with_plan, min(14, len(with_plan)))):
        company, people, positions = made[number % len(made)]
        plan = Plan.objects.get(citizen=citizen)
        start = today - dt.timedelta(days=rng.randint(10, 300))
        ended = start + dt.timedelta(days=rng.choice([56, 91])) if number % 3 == 0 else None
        kind = "wage_subsidy" if number % 4 == 1 else "internship_single"
        plans.activity_create(
            actor=consultant,
            plan=plan,
            sector=employment,
            kind=kinds[kind],
            purpose="Afprøve arbejdsopgaver og arbejdstider på en arbejdsplads",
            start_date=start,
            end_date=ended if ended and ended < today else None,
            weekly_hours=rng.choice([8, 12, 15, 20]),
            company=company,
            mentor_contact=people[0] if people and number % 2 == 0 else None,
            next_step="Opfølgning med virksomheden",
        )
        placed += 1
        if positions and number % 3 == 1:
            plans.vacancy_suggest(
                actor=consultant,
                plan=plan,
                vacancy=positions[0],
                suggested_on=today - dt.timedelta(days=rng.randint(0, 20)),
            )
    return len(made), placed
