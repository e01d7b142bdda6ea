"""A manager grades a case of the case review on the four scales of a case evaluation; the
review names the case only by its review number, and the grading is logged."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from fremdrift.accounts.models import Role
from fremdrift.audit.models import AccessLogEntry
from fremdrift.citizens.selectors import case_review_number
from fremdrift.plans import services
from fremdrift.plans.models import CaseReview
from fremdrift.programmes.services import enrolment_create
from fremdrift.testing import make_citizen, make_programme, make_user

GRADES = {
    "red_thread": "ad_hoc",
    "red_thread_comment": "Forløbet hænger sammen, men skifter spor",
    "goals": "clear",
    "goals_comment": "",
    "job_focus": "one_job",
    "job_focus_comment": "",
    "involvement": "some",
    "involvement_comment": "",
}


def grade_url(citizen) -> str:
    return reverse("plans:case_review_grade", args=[case_review_number(citizen.pk)])


def test_a_manager_grades_a_case_under_its_review_number_only(world, login):
    client = login(world.manager)
    number = case_review_number(world.citizen.pk)
    page = client.get(reverse("plans:case_review_case", args=[number]))
    assert grade_url(world.citizen) in page.content.decode()
    logged = AccessLogEntry.objects.count()

    response = client.post(grade_url(world.citizen), GRADES)

    assert response.status_code == 302
    assert response.url == reverse("plans:case_review")
    review = CaseReview.objects.get()
    assert review.case_number == case_review_number(world.citizen.pk)
    assert (review.red_thread, review.goals, review.job_focus, review.involvement) == (
        "ad_hoc",
        "clear",
        "one_job",
        "some",
    )
    assert review.red_thread_comment == GRADES["red_thread_comment"]
    assert review.organisation == world.nord and review.reviewer == world.manager
    # Nothing of the row names the citizen: no link, no id, no name.
    fields = {f.name for f in CaseReview._meta.get_fields()}
    assert not {"citizen", "citizen_id", "name", "cpr"} & fields
    values = [str(getattr(review, f.attname)) for f in CaseReview._meta.concrete_fields]
    assert world.citizen.first_name not in " ".join(values)
    assert str(world.citizen.pk) not in [review.case_number, review.exit_group]
    assert AccessLogEntry.objects.count() > logged


def test_a_case_outside_the_organisation_is_404_and_nothing_is_written(world, login):
    response = login(world.manager).post(grade_url(world.foreign_citizen), GRADES)
    assert response.status_code == 404
    assert not CaseReview.objects.exists()


def test_the_service_refuses_a_case_of_another_organisation(world):
    with pytest.raises(ValidationError):
        services.case_review_grade(actor=world.manager, citizen=world.foreign_citizen, **GRADES)
    with pytest.raises(ValidationError):
        services.case_review_grade(actor=world.caseworker, citizen=world.citizen, **GRADES)
    assert not CaseReview.objects.exists()


def test_a_missing_grade_is_a_field_error_and_nothing_is_written(world, login):
    response = login(world.manager).post(grade_url(world.citizen), GRADES | {"goals": ""})
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"goals"}
    assert not CaseReview.objects.exists()


def test_two_reviewers_grading_the_same_case_make_two_reviews(world, login):
    second = make_user("manager2", world.nord, Role.MANAGER)
    login(world.manager).post(grade_url(world.citizen), GRADES)
    login(second).post(grade_url(world.citizen), GRADES | {"red_thread": "good"})
    reviews = CaseReview.objects.order_by("id")
    assert [(r.reviewer, r.red_thread) for r in reviews] == [
        (world.manager, "ad_hoc"),
        (second, "good"),
    ]
    assert len({r.case_number for r in reviews}) == 1


def sample_of(client, **query):
    return client.get(reverse("plans:case_review_sample"), query)


def test_a_sample_lists_distinct_review_numbers_of_cases_active_in_the_period(world, login):
    today = dt.date.today()
    programme = make_programme(world.nord, actor=world.caseworker)
    active = [make_citizen(world.caseworker) for _ in range(4)]
    for citizen in active:
        enrolment_create(
            actor=world.caseworker,
            citizen=citizen,
            programme=programme,
            start_date=today - dt.timedelta(days=10),
        )
    idle = make_citizen(world.caseworker)  # no enrolment, no assessment
    client = login(world.manager)

    response = sample_of(client, start=today - dt.timedelta(days=30), end=today, size=3)

    numbers = response.context["numbers"]
    assert len(numbers) == len(set(numbers)) == 3
    assert set(numbers) <= {case_review_number(c.pk) for c in active}
    html = response.content.decode()
    for citizen in [*active, idle]:
        assert f"/citizens/{citizen.pk}/" not in html
    everyone = sample_of(client, start=today - dt.timedelta(days=30), end=today, size=50)
    assert set(everyone.context["numbers"]) == {case_review_number(c.pk) for c in active}


def test_a_bad_period_is_a_field_error(world, login):
    today = dt.date.today()
    response = sample_of(
        login(world.manager), start=today, end=today - dt.timedelta(days=1), size=5
    )
    assert response.context["form"].errors.keys() == {"end"}
    assert response.context["numbers"] == []
    response = sample_of(login(world.manager), start=today, end=today, size=51)
    assert response.context["form"].errors.keys() == {"size"}
