"""The participant profile ("Deltagerprofil"): asked for by the referral form, recorded once
per enrolment, corrected with its history, and read only by the citizen's caseworkers."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from fremdrift.assessments.models import Answer, Assessment
from fremdrift.assessments.services import AnswerInput
from fremdrift.audit.models import AccessLogEntry
from fremdrift.instruments.models import Instrument
from fremdrift.programmes import services
from fremdrift.programmes.models import Enrolment
from fremdrift.referrals import services as referral_services
from fremdrift.referrals.models import Referral
from fremdrift.testing import make_programme

TODAY = dt.date.today()


@pytest.fixture
def kvik(world):
    return make_programme(world.vaekst)


@pytest.fixture
def enrolment(world, kvik):
    referral_services.referral_create(
        actor=world.caseworker,
        citizen=world.teammates_citizen,
        programme=kvik,
        instrument=Instrument.objects.get(code="adult_wheel"),
        start_date=TODAY - dt.timedelta(days=10),
        interval_days=14,
        starting_scores={"health_for_work": "3"},
    )
    return Enrolment.objects.get(citizen=world.teammates_citizen, programme=kvik)


def referral_data(kvik, **profile):
    data = {
        "programme": kvik.pk,
        "instrument": Instrument.objects.get(code="adult_wheel").pk,
        "start_date": TODAY.isoformat(),
        "interval_days": "14",
        "focus": ["health_for_work"],
        "start_health_for_work": "3",
    }
    data.update({f"profile_{code}": value for code, value in profile.items()})
    return data


def codes_of(assessment) -> dict[str, list[str]]:
    return {a.item.code: a.codes for a in assessment.answers.select_related("item")}


def counts():
    return (Referral.objects.count(), Enrolment.objects.count(), Assessment.objects.count())


def test_the_referral_form_asks_for_the_profile_and_the_enrolment_keeps_it(world, login, kvik):
    client = login(world.caseworker)
    url = reverse("referrals:create", args=[world.teammates_citizen.pk])
    form = client.get(url, {"programme": kvik.pk}).content.decode()
    assert "Deltagerprofil (kan udfyldes senere)" in form
    assert 'type="radio" class="form-radio" id="profile_match_group-match_2"' in form
    assert 'type="checkbox" class="form-checkbox" id="profile_match_reasons-social"' in form

    response = client.post(
        url,
        referral_data(
            kvik,
            match_group="match_2",
            match_reasons=["social", "mental_health"],
            education="primary",
        ),
    )
    assert response.status_code == 302
    enrolment = Enrolment.objects.get(citizen=world.teammates_citizen, programme=kvik)
    profile = enrolment.profile
    assert profile.version.instrument.code == "participant_profile"
    assert profile.respondent == "caseworker" and profile.date == TODAY
    assert codes_of(profile) == {
        "match_group": ["match_2"],
        "match_reasons": ["mental_health", "social"],  # in the list's order
        "education": ["primary"],
    }
    assert profile.score_total is None and profile.item_values == {}

    page = client.get(reverse("citizens:detail", args=[world.teammates_citizen.pk]))
    assert "Vis eller ret" in page.content.decode()


def test_a_referral_without_a_profile_can_have_it_filled_in_later(world, login, kvik):
    client = login(world.caseworker)
    url = reverse("referrals:create", args=[world.teammates_citizen.pk])
    assert client.post(url, referral_data(kvik)).status_code == 302
    enrolment = Enrolment.objects.get(citizen=world.teammates_citizen, programme=kvik)
    assert enrolment.profile is None
    page = client.get(reverse("citizens:detail", args=[world.teammates_citizen.pk]))
    assert "Udfyld deltagerprofilen" in page.content.decode()


@pytest.mark.parametrize(
    ("profile", "field", "message"),
    [
        ({"match_group": "match_9"}, "profile_match_group", "match_9 er ikke på listen"),
        ({"match_group": ["match_1", "match_2"]}, "profile_match_group", "kun ét svar"),
        ({"match_reasons": ["social", "gambling"]}, "profile_match_reasons", "gambling"),
    ],
)
def test_a_bad_profile_names_the_item_and_saves_no_part_of_the_referral(
    world, login, kvik, profile, field, message
):
    before = counts()
    response = login(world.caseworker).post(
        reverse("referrals:create", args=[world.teammates_citizen.pk]),
        referral_data(kvik, **profile),
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert f'id="{field}-error"' in html
    assert message in html
    assert counts() == before


def test_the_profile_page_records_corrects_and_keeps_the_history(world, login, enrolment):
    client = login(world.caseworker)
    url = reverse("enrolments:profile", args=[world.teammates_citizen.pk, enrolment.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Matchgruppe 2 (indsatsparat)" in page.content.decode()
    assert AccessLogEntry.objects.filter(path=url, citizen=world.teammates_citizen).exists()

    first = client.post(
        url,
        {
            "date": enrolment.start_date.isoformat(),
            "revision": "",
            "profile_match_group": "match_3",
            "profile_work_experience": "never",
        },
    )
    assert first.status_code == 302
    enrolment.refresh_from_db()
    assert codes_of(enrolment.profile) == {
        "match_group": ["match_3"],
        "work_experience": ["never"],
    }

    shown = client.get(url).content.decode()
    assert 'value="match_3" checked' in shown

    corrected = client.post(
        url,
        {
            "date": enrolment.start_date.isoformat(),
            "revision": str(enrolment.profile.revision),
            "profile_match_group": "match_2",
            "profile_work_experience": "never",
        },
    )
    assert corrected.status_code == 302
    profile = Enrolment.objects.get(pk=enrolment.pk).profile
    assert profile.pk == enrolment.profile.pk  # corrected in place: one profile
    assert codes_of(profile)["match_group"] == ["match_2"]
    history = client.get(url).content.decode()
    assert "Matchgruppe 3 (midlertidigt passiv) → Matchgruppe 2 (indsatsparat)" in history

    stale = client.post(
        url,
        {
            "date": enrolment.start_date.isoformat(),
            "revision": "1",
            "profile_match_group": "match_1",
        },
    )
    assert stale.status_code == 400
    assert "ændret" in stale.content.decode()
    assert codes_of(Enrolment.objects.get(pk=enrolment.pk).profile)["match_group"] == ["match_2"]


def test_a_bad_answer_on_the_profile_page_keeps_what_was_typed(world, login, enrolment):
    client = login(world.caseworker)
    url = reverse("enrolments:profile", args=[world.teammates_citizen.pk, enrolment.pk])
    response = client.post(
        url,
        {
            "date": enrolment.start_date.isoformat(),
            "revision": "",
            "profile_match_group": "nope",
            "profile_match_reasons": ["social", "addiction"],
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="profile_match_group-error"' in html
    assert 'value="social" checked' in html and 'value="addiction" checked' in html
    enrolment.refresh_from_db()
    assert enrolment.profile is None and not Answer.objects.filter(item__code="match_group")


def test_a_profile_for_a_citizen_outside_scope_is_refused_by_name(world, enrolment):
    before = counts()
    with pytest.raises(ValidationError) as refused:
        services.enrolment_profile_record(
            actor=world.outsider,
            enrolment=enrolment,
            date=TODAY,
            answers={"match_group": AnswerInput(codes=["match_2"])},
        )
    assert "enrolment" in refused.value.message_dict
    assert counts() == before
    enrolment.refresh_from_db()
    assert enrolment.profile is None


@pytest.mark.parametrize(
    "role",
    [
        "caseworker",
        "colleague",
        "outsider",
        "provider_staff",
        "other_provider_staff",
        "job_consultant",
        "manager",
        "administrator",
    ],
)
def test_it_checks_ownership(world, login, enrolment, role):
    """The profile names mental health and addiction: the citizen's caseworkers only."""
    client = login(getattr(world, role))
    url = reverse("enrolments:profile", args=[world.teammates_citizen.pk, enrolment.pk])
    may = role in {"caseworker", "colleague"}
    assert client.get(url).status_code == (200 if may else 404)
    posted = client.post(
        url,
        {"date": TODAY.isoformat(), "revision": "", "profile_match_group": "match_2"},
    )
    assert posted.status_code == (302 if may else 404)
    enrolment.refresh_from_db()
    assert (enrolment.profile is not None) == may
    page = client.get(reverse("citizens:detail", args=[world.teammates_citizen.pk]))
    if page.status_code == 200:
        assert ("Deltagerprofil" in page.content.decode()) == may


@pytest.mark.parametrize(
    "role", ["caseworker", "colleague", "job_consultant", "manager", "provider_staff"]
)
def test_the_profile_is_read_on_no_other_page_or_operation_by_others(
    world, login, bearer, enrolment, role
):
    """The general assessment pages and the API keep to the profile's rule too."""
    profile = services.enrolment_profile_record(
        actor=world.caseworker,
        enrolment=enrolment,
        date=TODAY,
        answers={"match_reasons": AnswerInput(codes=["addiction"])},
    )
    may = role in {"caseworker", "colleague"}
    c = world.teammates_citizen.pk
    client = login(getattr(world, role))
    page = client.get(reverse("assessments:edit", args=[c, profile.pk]))
    assert page.status_code == (200 if may else 404)
    citizen_page = client.get(reverse("citizens:detail", args=[c]))
    if citizen_page.status_code == 200:
        assert ("Misbrug" in citizen_page.content.decode()) is False  # never on the page itself
    new = client.get(reverse("assessments:create", args=[c]), {"instrument": "participant_profile"})
    assert new.status_code in (403, 404)
    listed = client.get("/api/v1/assessments", **bearer(getattr(world, role)))
    assert listed.status_code == 200
    ids = {a["id"] for a in listed.json()["items"]}
    assert (profile.pk in ids) == may


def test_the_enrolment_in_the_api_names_its_profile(world, bearer, enrolment, client):
    headers = bearer(world.caseworker)
    before = client.get(f"/api/v1/enrolments/{enrolment.pk}", **headers).json()
    assert before["profile_id"] is None
    profile = services.enrolment_profile_record(
        actor=world.caseworker,
        enrolment=enrolment,
        date=TODAY,
        answers={"match_group": AnswerInput(value="match_2")},
    )
    after = client.get(f"/api/v1/enrolments/{enrolment.pk}", **headers).json()
    assert after["profile_id"] == profile.pk
    answers = client.get(f"/api/v1/assessments/{profile.pk}", **headers).json()["answers"]
    assert [a["item"] for a in answers] == ["match_group"]
