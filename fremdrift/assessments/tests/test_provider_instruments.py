"""Provider staff fill in the instruments of the programme a citizen is referred to them for
(a survey, an observation), and no others: not another instrument, not the participant
profile, not for a citizen without an active referral (issue 23 §3)."""

import datetime as dt

import pytest
from django.urls import reverse

from fremdrift.assessments.models import Assessment
from fremdrift.assessments.selectors import published_version
from fremdrift.assessments.services import AnswerInput, assessment_record
from fremdrift.instruments.models import Instrument
from fremdrift.programmes import services as programme_services
from fremdrift.referrals import services as referral_services

TODAY = dt.date.today()


@pytest.fixture
def referred(world):
    """Vækst's programme has the wheel, the observations and the citizen survey; a citizen of
    Nord is referred to it (active)."""
    programme = programme_services.programme_create(
        actor=None,
        organisation=world.vaekst,
        name="Værkstedet",
        start_date=dt.date(2020, 1, 1),
        instruments=[
            (Instrument.objects.get(code=code), 28)
            for code in ("adult_wheel", "observation", "citizen_survey")
        ],
    )
    citizen = world.teammates_citizen
    referral_services.referral_create(
        actor=world.colleague,
        citizen=citizen,
        programme=programme,
        instrument=Instrument.objects.get(code="adult_wheel"),
        interval_days=14,
        starting_scores={"health_for_work": 4},
        start_date=TODAY - dt.timedelta(days=10),
    )
    return citizen


def new(citizen, code: str) -> str:
    return reverse("assessments:create", args=[citizen.pk]) + f"?instrument={code}"


def test_provider_staff_save_the_programmes_observation_for_a_referred_citizen(
    world, login, referred
):
    client = login(world.provider_staff)
    card = client.get(reverse("citizens:detail", args=[referred.pk])).content.decode()
    links = card[card.index('data-testid="programme-instruments"') :]
    links = links[: links.index("</p>")]
    assert "instrument=observation" in links and "instrument=citizen_survey" in links
    assert "instrument=adult_wheel" not in links
    assert client.get(new(referred, "observation")).status_code == 200
    answer = client.post(
        new(referred, "observation"),
        {
            "instrument": "observation",
            "date": TODAY.isoformat(),
            "respondent": "provider",
            "item_attendance_percent": "80",
            "item_took_part_planned": "1",
        },
    )
    assert answer.status_code == 302
    saved = Assessment.objects.get(citizen=referred, version__instrument__code="observation")
    assert saved.recorded_by == world.provider_staff
    assert saved.recorded_by_organisation == world.vaekst
    # And they can open what they saved.
    edit = reverse("assessments:edit", args=[referred.pk, saved.pk])
    assert client.get(edit).status_code == 200
    card = client.get(reverse("citizens:detail", args=[referred.pk])).content.decode()
    assert edit in card


def test_provider_staff_answer_the_programmes_survey_in_a_round(world, login, referred):
    client = login(world.provider_staff)
    page = client.get(new(referred, "citizen_survey"))
    assert page.status_code == 200 and 'name="round"' in page.content.decode()
    answer = client.post(
        new(referred, "citizen_survey"),
        {
            "instrument": "citizen_survey",
            "date": TODAY.isoformat(),
            "respondent": "citizen",
            "round": "1",
            "item_involved_in_plan": "4",
            # One item answered: saved as it is, with the reason the form asks for.
            "incomplete": "save_anyway",
            "incomplete_reason": "Borgeren ville kun svare på ét spørgsmål",
        },
    )
    assert answer.status_code == 302
    saved = Assessment.objects.get(citizen=referred, version__instrument__code="citizen_survey")
    assert (saved.round, saved.recorded_by_organisation) == (1, world.vaekst)


@pytest.mark.parametrize(
    "code",
    [
        "youth_focus_areas",  # not an instrument of the programme
        "resource_profile",  # not an instrument of the programme
        "adult_wheel",  # the programme's, but progression is scored on the referral
        "participant_profile",  # the caseworkers' own
        "fidelity",  # describes a unit, never a citizen
    ],
)
def test_provider_staff_get_404_for_any_other_instrument(world, login, referred, code):
    client = login(world.provider_staff)
    assert client.get(new(referred, code)).status_code == 404
    posted = client.post(new(referred, code), {"instrument": code, "date": TODAY.isoformat()})
    assert posted.status_code == 404
    assert not Assessment.objects.filter(citizen=referred, recorded_by=world.provider_staff)


def test_provider_staff_get_404_without_an_active_referral(world, login, referred):
    client = login(world.provider_staff)
    # Referred to Vækst without a programme: nothing of a programme to fill in.
    assert client.get(new(world.citizen, "observation")).status_code == 404
    # The referral has ended.
    assert client.get(new(world.ended_citizen, "observation")).status_code == 404
    # Another provider's staff: the citizen is not referred to them.
    other = login(world.other_provider_staff)
    assert other.get(new(referred, "observation")).status_code == 404


def test_provider_staff_do_not_see_the_jobcentres_other_assessments(world, login, referred):
    wheel = assessment_record(
        actor=world.colleague,
        citizen=referred,
        version=published_version(Instrument.objects.get(code="adult_wheel")),
        date=TODAY,
        respondent="joint",
        status="completed",
        answers={"health_for_work": AnswerInput(value=5)},
    )
    client = login(world.provider_staff)
    assert client.get(reverse("assessments:edit", args=[referred.pk, wheel.pk])).status_code == 404
    assert client.get(reverse("assessments:wheel", args=[referred.pk])).status_code == 404


def test_nobody_files_a_fidelity_scale_on_a_citizen(world, login):
    client = login(world.caseworker)
    assert client.get(new(world.citizen, "fidelity")).status_code == 404
    with pytest.raises(Exception) as refused:
        assessment_record(
            actor=world.caseworker,
            citizen=world.citizen,
            version=published_version(Instrument.objects.get(code="fidelity")),
            date=TODAY,
            respondent="provider",
            status="completed",
            answers={"one_plan": AnswerInput(value=3)},
        )
    assert "version" in refused.value.message_dict
    assert not Assessment.objects.filter(citizen=world.citizen)


def test_only_a_survey_has_a_round(world):
    with pytest.raises(Exception) as refused:
        assessment_record(
            actor=world.caseworker,
            citizen=world.citizen,
            version=published_version(Instrument.objects.get(code="observation")),
            date=TODAY,
            respondent="caseworker",
            status="completed",
            answers={"attendance_percent": AnswerInput(value=50)},
            round=1,
        )
    assert "round" in refused.value.message_dict
    assert not Assessment.objects.filter(citizen=world.citizen)


def test_provider_staff_read_but_do_not_correct_the_jobcentres_survey_answers(
    world, login, referred
):
    theirs = assessment_record(
        actor=world.colleague,
        citizen=referred,
        version=published_version(Instrument.objects.get(code="citizen_survey")),
        date=TODAY,
        respondent="citizen",
        status="completed",
        answers={"involved_in_plan": AnswerInput(value=2)},
    )
    client = login(world.provider_staff)
    edit = reverse("assessments:edit", args=[referred.pk, theirs.pk])
    assert client.get(edit).status_code == 200
    answer = client.post(
        edit,
        {
            "date": TODAY.isoformat(),
            "respondent": "citizen",
            "revision": "1",
            "item_involved_in_plan": "5",
        },
    )
    assert answer.status_code == 403
    theirs.refresh_from_db()
    assert theirs.item_values == {"involved_in_plan": 2.0}
