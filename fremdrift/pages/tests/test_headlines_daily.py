"""A manager's landing page runs three reports for its headline figures; it runs them once a day
per organisation and language: the day's later visits read the figures kept, a new day
computes them again, another organisation and another language have their own."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fremdrift.accounts.models import Role
from fremdrift.programmes import services as programme_services
from fremdrift.reports.headlines import headlines
from fremdrift.reports.privacy import HIDDEN
from fremdrift.reports.tests.test_progression import enrol_cohort
from fremdrift.testing import make_citizen, make_programme, make_user

TODAY = dt.date.today()


def enrol(world, programme, n: int, *, first: int = 0) -> None:
    for i in range(first, first + n):
        citizen = make_citizen(world.caseworker, first_name=f"E{i}", last_name="Enrolled")
        programme_services.enrolment_create(
            actor=world.caseworker,
            citizen=citizen,
            programme=programme,
            start_date=TODAY - dt.timedelta(days=10),
        )


@pytest.fixture
def six_enrolled(world):
    programme = make_programme(world.nord, name="Nords forløb")
    enrol(world, programme, 6)
    return programme


def figure(response) -> int | str:
    return response.context["headlines"].active_enrolments


def test_a_second_visit_the_same_day_reads_the_figures_kept(
    world, login, six_enrolled, django_assert_num_queries
):
    client = login(world.manager)
    with CaptureQueriesContext(connection) as first:
        first_visit = client.get("/")
    assert figure(first_visit) == 6
    assert 'data-testid="computed-at"' in first_visit.content.decode()
    enrol(world, six_enrolled, 1, first=6)  # the day's figures stay as they were computed

    # The session (read, and saved for the sliding timeout: three statements), the user and
    # the organisation; none of the reports' statements.
    with django_assert_num_queries(6):
        second_visit = client.get("/")

    assert len(first) > 6
    assert figure(second_visit) == 6
    assert second_visit.context["headlines"].computed_at == (
        first_visit.context["headlines"].computed_at
    )


def test_a_new_day_computes_the_figures_again(world, login, six_enrolled):
    assert figure(login(world.manager).get("/")) == 6
    enrol(world, six_enrolled, 1, first=6)

    assert headlines(world.manager).active_enrolments == 6
    tomorrow = headlines(world.manager, today=TODAY + dt.timedelta(days=1))
    assert tomorrow.active_enrolments == 7


def test_each_organisation_has_its_own_figures(world, login, six_enrolled):
    other_manager = make_user("sydmanager", world.syd, Role.MANAGER)
    assert figure(login(world.manager).get("/")) == 6

    assert figure(login(other_manager).get("/")) == 0
    # A colleague of the first manager reads the figures kept for Nord.
    colleague = make_user("nordanalyst", world.nord, Role.MANAGER)
    assert figure(login(colleague).get("/")) == 6


def test_small_cells_stay_hidden_in_the_figures_kept(world, login):
    programme = make_programme(world.nord, name="Nords forløb")
    enrol(world, programme, 3)
    client = login(world.manager)

    for _visit in range(2):
        page = client.get("/")
        assert figure(page) == HIDDEN
        assert "&lt;5" in page.content.decode()


def test_the_verdict_is_kept_in_each_language(world, login, client):
    enrol_cohort(world)
    login(world.manager)
    danish = client.get("/").context["headlines"].verdict
    client.cookies["django_language"] = "en"
    english = client.get("/").context["headlines"].verdict

    assert english[0].startswith("8 of 9 enrolments have both")
    assert danish and danish != english
    client.cookies["django_language"] = "da"
    assert client.get("/").context["headlines"].verdict == danish
