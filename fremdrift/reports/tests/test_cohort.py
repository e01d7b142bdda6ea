"""The cohort's filters run in the database; the age band is the age at the enrolment's start,
counted as `core.cpr.age_on` counts it, leap days and birthdays included."""

import datetime as dt

import pytest

from fremdrift.programmes import services as programme_services
from fremdrift.reports.cohort import AGE_BAND_LABELS, Filters, age_band_at, cohort_rows
from fremdrift.testing import make_citizen, make_programme

# (born, enrolment start): each side of a birthday that decides a band, leap days included.
CASES = [
    (dt.date(2000, 2, 29), dt.date(2025, 2, 28)),  # 24: under 25
    (dt.date(2000, 2, 29), dt.date(2025, 3, 1)),  # 25
    (dt.date(2000, 2, 29), dt.date(2024, 2, 29)),  # 24, on the birthday
    (dt.date(2001, 6, 15), dt.date(2026, 6, 14)),  # 24
    (dt.date(2001, 6, 15), dt.date(2026, 6, 15)),  # 25 on the day
    (dt.date(1996, 12, 31), dt.date(2026, 12, 30)),  # 29
    (dt.date(1996, 12, 31), dt.date(2026, 12, 31)),  # 30
    (dt.date(1966, 1, 1), dt.date(2025, 12, 31)),  # 59
    (dt.date(1966, 1, 1), dt.date(2026, 1, 1)),  # 60
    (dt.date(1986, 3, 1), dt.date(2026, 2, 28)),  # 39
]


@pytest.fixture
def enrolments(world):
    programme = make_programme(world.nord, name="Aldersforløb")
    made = {}
    for n, (born, start) in enumerate(CASES):
        citizen = make_citizen(world.caseworker, first_name=f"Alder{n}", born=born)
        enrolment = programme_services.enrolment_create(
            actor=world.caseworker, citizen=citizen, programme=programme, start_date=start
        )
        made[enrolment.pk] = age_band_at(born, start)
    return made


@pytest.mark.parametrize("band", AGE_BAND_LABELS)
def test_the_age_band_filter_equals_the_age_on_the_enrolments_start(world, enrolments, band):
    rows = cohort_rows(world.manager, Filters(age_band=band))
    assert {r[0] for r in rows} & enrolments.keys() == {
        pk for pk, expected in enrolments.items() if expected == band
    }


def test_every_band_is_met_by_the_cases(enrolments):
    assert set(enrolments.values()) == {"<25", "25-29", "30-39", "50-59", "60+"}
