"""Provider staff's list of citizens shows their referral's next score (the referral's own
cadence from the provider's latest score), sorted by it and marked when overdue; caseworkers
still see the next assessment of the jobcentre's follows."""

import datetime as dt

import django.test.utils as test_utils
from django.db import connection
from django.urls import reverse

from fremdrift.assessments import services as assessment_services
from fremdrift.assessments.models import Follow
from fremdrift.instruments.models import Instrument
from fremdrift.referrals import selectors as referral_selectors
from fremdrift.referrals import services as referral_services
from fremdrift.testing import make_citizen, make_programme

TODAY = dt.date.today()


def _shown(response) -> dict[int, dt.date | None]:
    return {c.pk: c.next_due for c in response.context["page"].object_list}


def _referred(world, citizen, *, started_days_ago: int, every: int | None):
    wheel = Instrument.objects.get(code="adult_wheel")
    programme = world.vaekst.programmes.first() or make_programme(world.vaekst)
    return referral_services.referral_create(
        actor=world.caseworker,
        citizen=citizen,
        programme=programme,
        start_date=TODAY - dt.timedelta(days=started_days_ago),
        instrument=wheel,
        interval_days=every,
        starting_scores={"health_for_work": 4, "work_skills": 5},
    )


def _follow(world, citizen, *, started_days_ago: int, every: int):
    assessment_services.follow_start(
        actor=world.caseworker,
        citizen=citizen,
        instrument=Instrument.objects.get(code="adult_wheel"),
        start_date=TODAY - dt.timedelta(days=started_days_ago),
        every_days=every,
    )


def test_provider_staff_see_the_referrals_next_score_caseworkers_the_follows(world, login):
    scored = make_citizen(world.caseworker, first_name="Astrid", last_name="Scored")
    overdue = make_citizen(world.caseworker, first_name="Bodil", last_name="Overdue")
    referral = _referred(world, scored, started_days_ago=30, every=14)
    late = _referred(world, overdue, started_days_ago=30, every=21)
    _follow(world, scored, started_days_ago=3, every=28)  # the jobcentre's own cadence
    referral_services.referral_score_record(
        actor=world.provider_staff,
        referral=referral,
        date=TODAY - dt.timedelta(days=10),
        scores={"health_for_work": 6},
    )
    # A score on an item that is not a focus item moves nothing: the provider scores only
    # focus items, and a caseworker's reading is not the provider's score.
    assessment_services.assessment_record(
        actor=world.caseworker,
        citizen=overdue,
        version=Instrument.objects.get(code="adult_wheel").versions.get(status="published"),
        date=TODAY - dt.timedelta(days=2),
        respondent="joint",
        status="completed",
        answers={"health_for_work": assessment_services.AnswerInput(value=5)},
    )

    provider = login(world.provider_staff)
    response = provider.get(reverse("citizens:list"))
    shown = _shown(response)
    assert shown[scored.pk] == TODAY + dt.timedelta(days=4)  # 10 days ago + 14
    assert shown[overdue.pk] == TODAY - dt.timedelta(days=9)  # 30 days ago + 21, never scored
    assert shown[world.citizen.pk] is None  # referred without a cadence
    for r in (referral, late):
        rows = referral_selectors.focus_rows([r])[r.pk]
        assert shown[r.citizen_id] == referral_selectors.provider_next_due(r, rows)
    # Sorted by the next score, overdue first and marked; no cadence last.
    order = [c.pk for c in response.context["page"].object_list]
    assert order == [overdue.pk, scored.pk, world.citizen.pk]
    html = response.content.decode()
    assert html.count("due-overdue") == 1
    overdue_only = _shown(provider.get(reverse("citizens:list"), {"due": "overdue"}))
    assert set(overdue_only) == {overdue.pk}

    caseworker = _shown(login(world.caseworker).get(reverse("citizens:list")))
    follow_due = Follow.objects.get(citizen=scored).next_due
    assert caseworker[scored.pk] == follow_due != shown[scored.pk]
    assert caseworker[overdue.pk] is None


def test_the_provider_caseload_query_count_does_not_grow_with_the_page(world, login):
    client = login(world.provider_staff)
    for number in range(2):
        _referred(
            world,
            make_citizen(world.caseworker, last_name=f"A{number}"),
            started_days_ago=20,
            every=14,
        )
    client.get(reverse("citizens:list"))
    with test_utils.CaptureQueriesContext(connection) as few:
        client.get(reverse("citizens:list"))
    for number in range(12):
        _referred(
            world,
            make_citizen(world.caseworker, last_name=f"B{number}"),
            started_days_ago=20,
            every=14,
        )
    with test_utils.CaptureQueriesContext(connection) as many:
        response = client.get(reverse("citizens:list"))
    assert len(response.context["page"].object_list) == 15
    assert len(many) == len(few) == 12
