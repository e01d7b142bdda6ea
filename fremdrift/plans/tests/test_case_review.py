"""A manager reads the red thread of their organisation's citizens in a case review: under a
case number, never with a name or CPR number, and every read is logged."""

import pytest
from django.urls import reverse

from fremdrift.audit.models import AccessLogEntry
from fremdrift.citizens import selectors as citizen_selectors
from fremdrift.plans import services
from fremdrift.plans.tests.test_plans import code, sub_goal
from fremdrift.testing import make_citizen


@pytest.fixture
def story(world):
    plan = services.plan_get_or_create(actor=world.caseworker, citizen=world.citizen)
    end_goal = services.goal_create(
        actor=world.caseworker,
        plan=plan,
        text="Jeg vil have et job i et køkken",
        is_end_goal=True,
        category=code("end_goal_category", "job"),
    )
    goal = sub_goal(world, plan, end_goal)
    services.goal_change(
        actor=world.caseworker,
        goal=goal,
        expected_version=goal.version,
        status="achieved",
        reason="achieved",
    )
    return plan


def identifying_texts(citizen) -> list[str]:
    cpr = citizen_selectors.citizen_cpr(citizen)
    return [citizen.first_name, citizen.last_name, cpr.digits, cpr.formatted, cpr.masked]


def test_a_manager_reads_what_was_tried_without_name_or_cpr(world, login, story):
    response = login(world.manager).get(reverse("plans:timeline", args=[world.citizen.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert f"sag {world.citizen.pk}" in html.lower()
    assert "Møde til tiden tre dage om ugen" in html
    for text in identifying_texts(world.citizen):
        assert text not in html
    # No way from the red thread into the rest of the case.
    assert f"/citizens/{world.citizen.pk}/assessments/" not in html
    assert reverse("plans:plan", args=[world.citizen.pk]) not in html
    entry = AccessLogEntry.objects.filter(user=world.manager).latest("at")
    assert entry.citizen_id == world.citizen.pk and entry.purpose == "Sagsgennemgang"


def test_the_case_review_lists_cases_by_number_only(world, login, story):
    response = login(world.manager).get(reverse("plans:case_review"))
    html = response.content.decode()
    assert response.status_code == 200
    for citizen in (world.citizen, world.teammates_citizen, world.ended_citizen):
        assert reverse("plans:timeline", args=[citizen.pk]) in html
        for text in identifying_texts(citizen):
            assert text not in html
    assert reverse("plans:timeline", args=[world.foreign_citizen.pk]) not in html
    listed = AccessLogEntry.objects.filter(user=world.manager).latest("at")
    assert {s.citizen_id for s in listed.subjects.all()} == {
        world.citizen.pk,
        world.teammates_citizen.pk,
        world.ended_citizen.pk,
    }


def test_a_random_case_opens_one_of_the_organisations_red_threads(world, login):
    response = login(world.manager).get(reverse("plans:case_review"), {"random": "1"})
    assert response.status_code == 302
    own = {world.citizen.pk, world.teammates_citizen.pk, world.ended_citizen.pk}
    assert response.url in {reverse("plans:timeline", args=[pk]) for pk in own}


@pytest.mark.parametrize(
    "role",
    ["caseworker", "provider_staff", "job_consultant", "administrator", "outsider"],
)
def test_it_checks_ownership(world, login, role):
    assert login(getattr(world, role)).get(reverse("plans:case_review")).status_code == 404


def test_a_manager_of_another_organisation_gets_404(world, login):
    from fremdrift.accounts.models import Role
    from fremdrift.testing import make_user

    other = make_user("other-manager", world.syd, Role.MANAGER)
    response = login(other).get(reverse("plans:timeline", args=[world.citizen.pk]))
    assert response.status_code == 404


def test_the_case_review_list_query_count_is_fixed(world, login, story, django_assert_num_queries):
    client = login(world.manager)
    client.get(reverse("plans:case_review"))
    with django_assert_num_queries(13):
        client.get(reverse("plans:case_review"))
    for n in range(5):
        citizen = make_citizen(world.caseworker, first_name=f"Ekstra{n}")
        services.plan_get_or_create(actor=world.caseworker, citizen=citizen)
    with django_assert_num_queries(13):
        html = client.get(reverse("plans:case_review")).content.decode()
    assert "8 sager" in html
