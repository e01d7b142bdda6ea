"""A manager reads the red thread of their organisation's citizens in a case review: under a
case number, never with a name or CPR number, and every read is logged."""

import re

import pytest
from django.test import override_settings
from django.urls import reverse

from fremdrift.audit.models import AccessLogEntry
from fremdrift.citizens import selectors as citizen_selectors
from fremdrift.citizens.access import citizens_in_scope
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


def review_url(citizen) -> str:
    return reverse(
        "plans:case_review_case", args=[citizen_selectors.case_review_number(citizen.pk)]
    )


def test_a_manager_reads_what_was_tried_without_name_or_cpr(world, login, story):
    number = citizen_selectors.case_review_number(world.citizen.pk)
    response = login(world.manager).get(review_url(world.citizen))
    html = response.content.decode()
    assert response.status_code == 200
    assert f"sag {number.lower()}" in html.lower()
    assert "Møde til tiden tre dage om ugen" in html
    for text in identifying_texts(world.citizen):
        assert text not in html
    # No way from the red thread into the rest of the case, and no id.
    assert f"/citizens/{world.citizen.pk}/" not in html
    assert f"sag {world.citizen.pk}<" not in html.lower()
    entry = AccessLogEntry.objects.filter(user=world.manager).latest("at")
    assert entry.citizen_id == world.citizen.pk and entry.purpose == "Sagsgennemgang"


def test_the_case_review_lists_cases_by_review_number_only(world, login, story):
    response = login(world.manager).get(reverse("plans:case_review"))
    html = response.content.decode()
    assert response.status_code == 200
    for citizen in (world.citizen, world.teammates_citizen, world.ended_citizen):
        assert review_url(citizen) in html
        assert f"Sag {citizen_selectors.case_review_number(citizen.pk)}" in html
        for text in identifying_texts(citizen):
            assert text not in html
    assert review_url(world.foreign_citizen) not in html
    listed = AccessLogEntry.objects.filter(user=world.manager).latest("at")
    assert {s.citizen_id for s in listed.subjects.all()} == {
        world.citizen.pk,
        world.teammates_citizen.pk,
        world.ended_citizen.pk,
    }


def test_no_citizen_id_is_in_the_case_review(world, login, story):
    """The review numbers a case by a keyed code, not its id: neither a link to
    `/citizens/<id>/` nor "Sag <id>" of any reviewed citizen is on the page."""
    for n in range(12):  # ids of one and two digits
        make_citizen(world.caseworker, first_name=f"Ekstra{n}")
    html = login(world.manager).get(reverse("plans:case_review")).content.decode()
    reviewed = citizens_in_scope(world.manager, case_review=True)
    assert reviewed.count() == 15
    for pk in reviewed.values_list("pk", flat=True):
        assert f"/citizens/{pk}/" not in html
        assert not re.search(rf"\bSag {pk}\b", html), pk
        assert not re.search(rf"\bCase {pk}\b", html), pk


def test_review_numbers_are_stable_and_differ_between_citizens(world):
    ids = [world.citizen.pk, world.teammates_citizen.pk, world.ended_citizen.pk]
    numbers = [citizen_selectors.case_review_number(pk) for pk in ids]
    assert numbers == [citizen_selectors.case_review_number(pk) for pk in ids]
    assert len(set(numbers)) == 3
    assert all(re.fullmatch(r"R-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}", n) for n in numbers)
    # A number depends on the key, not on the id alone.
    with override_settings(SECRET_KEY="another-key-entirely-" + "x" * 40):
        assert citizen_selectors.case_review_number(ids[0]) != numbers[0]


def test_a_review_number_opens_the_right_case_for_the_reviewer(world, login, story):
    client = login(world.manager)
    for citizen in (world.citizen, world.teammates_citizen):
        number = citizen_selectors.case_review_number(citizen.pk)
        html = client.get(reverse("plans:case_review_case", args=[number])).content.decode()
        assert number in html
        entry = AccessLogEntry.objects.filter(user=world.manager).latest("id")
        assert entry.citizen_id == citizen.pk
    # Typed by hand: small letters, without dashes.
    typed = citizen_selectors.case_review_number(world.citizen.pk).lower().replace("-", "")
    assert client.get(reverse("plans:case_review_case", args=[typed])).status_code == 200


def test_a_review_number_outside_the_scope_is_404(world, login):
    from fremdrift.accounts.models import Role
    from fremdrift.testing import make_user

    client = login(world.manager)
    foreign = citizen_selectors.case_review_number(world.foreign_citizen.pk)
    assert client.get(reverse("plans:case_review_case", args=[foreign])).status_code == 404
    assert client.get(reverse("plans:case_review_case", args=["R-0000-0000"])).status_code == 404
    assert client.get(reverse("plans:case_review_case", args=["nonsense"])).status_code == 404
    own = citizen_selectors.case_review_number(world.citizen.pk)
    other = make_user("other-manager", world.syd, Role.MANAGER)
    assert login(other).get(reverse("plans:case_review_case", args=[own])).status_code == 404
    # Nobody but a manager reviews, even a case of their own organisation.
    for role in ("caseworker", "provider_staff", "administrator"):
        response = login(getattr(world, role)).get(reverse("plans:case_review_case", args=[own]))
        assert response.status_code == 404, role


def test_a_manager_no_longer_opens_a_red_thread_by_id(world, login, story):
    """By id, a red thread would tell which review number belongs to which id."""
    response = login(world.manager).get(reverse("plans:timeline", args=[world.citizen.pk]))
    assert response.status_code == 404


def test_a_random_case_opens_one_of_the_organisations_red_threads(world, login):
    response = login(world.manager).get(reverse("plans:case_review"), {"random": "1"})
    assert response.status_code == 302
    own = (world.citizen, world.teammates_citizen, world.ended_citizen)
    assert response.url in {review_url(c) for c in own}


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
    response = login(other).get(review_url(world.citizen))
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
