"""Referrals to a provider's programme: focus items, starting scores, the provider's scores,
and what the referral shares with the provider, exactly while it is active."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from fremdrift.accounts.models import Organisation
from fremdrift.assessments.models import Assessment
from fremdrift.programmes.models import Enrolment
from fremdrift.referrals import services
from fremdrift.referrals.models import Referral
from fremdrift.testing import make_programme

TODAY = dt.date.today()


@pytest.fixture
def kvik(world):
    return make_programme(world.vaekst)


def refer(world, kvik, *, citizen=None, scores=None, start=None):
    from fremdrift.instruments.models import Instrument

    return services.referral_create(
        actor=world.caseworker,
        citizen=citizen or world.teammates_citizen,
        programme=kvik,
        instrument=Instrument.objects.get(code="adult_wheel"),
        start_date=start or TODAY - dt.timedelta(days=10),
        interval_days=14,
        starting_scores=scores or {"health_for_work": "3", "attendance_stability": "4"},
    )


def post_referral(client, citizen, kvik, **extra):
    from fremdrift.instruments.models import Instrument

    data = {
        "programme": kvik.pk,
        "instrument": Instrument.objects.get(code="adult_wheel").pk,
        "start_date": TODAY.isoformat(),
        "interval_days": "14",
        "focus": ["health_for_work", "attendance_stability"],
        "start_health_for_work": "3",
        "start_attendance_stability": "4",
    }
    data.update(extra)
    return client.post(reverse("referrals:create", args=[citizen.pk]), data)


def counts():
    return (Referral.objects.count(), Assessment.objects.count(), Enrolment.objects.count())


def test_a_referral_holds_focus_items_starting_scores_and_enrols_the_citizen(world, login, kvik):
    client = login(world.caseworker)
    form = client.get(
        reverse("referrals:create", args=[world.teammates_citizen.pk]), {"programme": kvik.pk}
    ).content.decode()
    assert 'name="focus" value="health_for_work"' in form
    response = post_referral(client, world.teammates_citizen, kvik)
    assert response.status_code == 302
    referral = Referral.objects.get(citizen=world.teammates_citizen, programme=kvik)
    assert referral.provider == world.vaekst and referral.interval_days == 14
    assert {f.item_code: f.starting_score for f in referral.focus_items.all()} == {
        "health_for_work": 3,
        "attendance_stability": 4,
    }
    answers = referral.starting_assessment.answers.select_related("item")
    assert {a.item.code: a.value for a in answers} == {
        "health_for_work": 3,
        "attendance_stability": 4,
    }
    enrolment = Enrolment.objects.get(citizen=world.teammates_citizen, programme=kvik)
    assert enrolment.status == "active" and enrolment.start_date == TODAY


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"start_health_for_work": "11"}, "start_health_for_work", "fra 1 til 10"),
        ({"start_health_for_work": ""}, "start_health_for_work", "startscoren"),
        ({"focus": ["no_such_item"]}, "focus", "ikke i forløbets spørgeskemaer"),
        ({"focus": []}, "focus", "mindst ét fokusområde"),
        ({"end_date": "2020-01-01"}, "end_date", "før startdatoen"),
        ({"interval_days": "0"}, "interval_days", ""),
        ({"programme": "999999"}, "programme", ""),
    ],
)
def test_bad_referrals_name_the_field_and_save_nothing(world, login, kvik, extra, field, message):
    before = counts()
    response = post_referral(login(world.caseworker), world.teammates_citizen, kvik, **extra)
    html = response.content.decode()
    assert response.status_code == 400
    assert f'id="{field}-error"' in html or f'id="id_{field}-error"' in html
    assert message in html
    assert counts() == before


def test_a_referral_to_an_inactive_provider_is_refused(world, login, kvik):
    Organisation.objects.filter(pk=world.vaekst.pk).update(is_active=False)
    before = counts()
    response = post_referral(login(world.caseworker), world.teammates_citizen, kvik)
    assert response.status_code == 400
    assert "ikke aktiv" in response.content.decode()
    assert counts() == before


def test_the_provider_sees_the_citizen_exactly_while_the_referral_is_active(world, login, kvik):
    referral = refer(world, kvik)
    citizen = world.teammates_citizen
    detail = reverse("citizens:detail", args=[citizen.pk])
    provider = login(world.provider_staff)
    assert provider.get(detail).status_code == 200
    assert login(world.other_provider_staff).get(detail).status_code == 404
    services.referral_end(actor=world.caseworker, referral=referral)
    assert login(world.provider_staff).get(detail).status_code == 404
    assert (
        login(world.provider_staff).get(reverse("plans:timeline", args=[citizen.pk])).status_code
        == 404
    )


def test_the_provider_sees_only_what_the_referral_shares(world, login, kvik):
    from fremdrift.assessments.selectors import published_version
    from fremdrift.assessments.services import AnswerInput, assessment_record
    from fremdrift.instruments.models import Instrument

    refer(world, kvik)
    citizen = world.teammates_citizen
    wheel = Instrument.objects.get(code="adult_wheel")
    private = assessment_record(
        actor=world.caseworker,
        citizen=citizen,
        version=published_version(wheel),
        date=TODAY,
        respondent="joint",
        status="completed",
        answers={"housing_finances": AnswerInput(value=2), "health_for_work": AnswerInput(value=6)},
    )
    client = login(world.provider_staff)
    page = client.get(reverse("citizens:detail", args=[citizen.pk])).content.decode()
    assert 'data-testid="focus-table"' in page and 'data-testid="score-form"' in page
    assert 'name="score_health_for_work"' in page and 'name="score_housing_finances"' not in page
    assert 'data-testid="wheel"' not in page  # the caseworker's wheel is not shared
    c = citizen.pk
    for url in (
        reverse("assessments:wheel", args=[c]),
        reverse("assessments:create", args=[c]),
        reverse("assessments:edit", args=[c, private.pk]),
    ):
        assert client.get(url).status_code == 404, url
    timeline = client.get(reverse("plans:timeline", args=[c])).content.decode()
    assert f"/assessments/{private.pk}/" not in timeline
    # Scoring an item the referral does not share is refused, and nothing is saved.
    before = Assessment.objects.count()
    referral = Referral.objects.get(citizen=citizen, programme=kvik)
    with pytest.raises(Exception, match="fokusområder"):
        services.referral_score_record(
            actor=world.provider_staff,
            referral=referral,
            date=TODAY,
            scores={"housing_finances": "5"},
        )
    assert Assessment.objects.count() == before


def test_the_provider_scores_and_the_caseworker_sees_it_beside_their_own(world, login, kvik):
    referral = refer(world, kvik)
    citizen = world.teammates_citizen
    client = login(world.provider_staff)
    response = client.post(
        reverse("referrals:scores", args=[citizen.pk, referral.pk]),
        {
            "date": TODAY.isoformat(),
            "score_health_for_work": "5",
            "score_attendance_stability": "6",
        },
    )
    assert response.status_code == 302
    scored = Assessment.objects.get(respondent="provider", citizen=citizen)
    assert scored.recorded_by_organisation == world.vaekst
    bad = client.post(
        reverse("referrals:scores", args=[citizen.pk, referral.pk]),
        {"date": TODAY.isoformat(), "score_health_for_work": "12"},
    )
    assert bad.status_code == 400 and "fra 1 til 10" in bad.content.decode()
    assert Assessment.objects.filter(respondent="provider").count() == 1
    page = login(world.colleague).get(reverse("citizens:detail", args=[citizen.pk]))
    # Item, starting score, the authority's latest score (none yet), the provider's latest.
    assert focus_row(page.content.decode(), "health_for_work") == [
        "Helbred og arbejde",
        "3",
        "–",
        f"5 ({TODAY:%d.%m.%Y})",
    ]


def focus_row(html: str, code: str) -> list[str]:
    row = html[html.index(f'data-focus-item="{code}"') :]
    row = row[: row.index("</tr>")]
    cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)
    return [
        " ".join(re.sub(r"<[^>]+>", " ", c).split()).replace("( ", "(").replace(" )", ")")
        for c in cells
    ]


@pytest.mark.parametrize(
    "role",
    [
        "caseworker",
        "colleague",
        "outsider",
        "provider_staff",
        "job_consultant",
        "manager",
        "administrator",
    ],
)
def test_it_checks_ownership(world, login, kvik, role):
    """Only the citizen's caseworkers refer and end referrals; only the provider scores."""
    referral = refer(world, kvik)
    c = world.teammates_citizen.pk
    client = login(getattr(world, role))
    may_refer = role in {"caseworker", "colleague"}
    sees = role in {"caseworker", "colleague", "job_consultant", "provider_staff"}
    response = post_referral(client, world.teammates_citizen, kvik)
    assert response.status_code == (302 if may_refer else 403 if sees else 404)
    scores = client.post(
        reverse("referrals:scores", args=[c, referral.pk]),
        {"date": TODAY.isoformat(), "score_health_for_work": "5"},
    )
    assert scores.status_code == (302 if role == "provider_staff" else 403 if sees else 404)
    end = client.post(
        reverse("referrals:end", args=[c, referral.pk]), {"end_date": TODAY.isoformat()}
    )
    assert end.status_code == (302 if may_refer else 403 if sees else 404)
    referral.refresh_from_db()
    assert (referral.status == "ended") == may_refer
