"""A caseworker hands the citizen a link; the citizen answers alone, one question at a time;
the answers arrive as the citizen's own. Every bad link is a friendly page with no data."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from fremdrift.assessments.models import Assessment
from fremdrift.assessments.services import AnswerInput, assessment_record
from fremdrift.audit.models import AccessLogEntry
from fremdrift.citizens.selectors import citizen_cpr
from fremdrift.instruments.models import Instrument
from fremdrift.portal import sms
from fremdrift.portal.models import SelfAssessmentInvitation
from fremdrift.portal.services import self_assessment_drafts_clear
from fremdrift.testing import make_invitation

ASK_AGAIN = "Bed din sagsbehandler om et nyt link"


def adult_wheel_version():
    return Instrument.objects.get(code="adult_wheel").versions.get(status="published")


def expire(invitation) -> None:
    now = timezone.now()
    SelfAssessmentInvitation.objects.filter(pk=invitation.pk).update(
        created_at=now - dt.timedelta(hours=49), expires_at=now - dt.timedelta(seconds=1)
    )


def answer_all(client, token: str, values: list[int]) -> None:
    for number, value in enumerate(values, 1):
        response = client.post(f"/s/{token}/{number}/", {"answer": str(value), "go": "next"})
        assert response.status_code == 302, response.content.decode()[:500]


@pytest.fixture
def outbox(settings):
    settings.FREMDRIFT_SMS_SENDER = "fremdrift.portal.sms.OutboxSmsSender"
    sms.outbox.clear()
    return sms.outbox


def test_a_caseworker_makes_a_link_and_the_citizen_answers_it_alone(world, login, outbox):
    caseworker = login(world.caseworker)
    form = caseworker.get(f"/citizens/{world.citizen.pk}/self-assessment-links/")
    assert form.status_code == 200
    made = caseworker.post(
        f"/citizens/{world.citizen.pk}/self-assessment-links/",
        {
            "version": adult_wheel_version().pk,
            "pictograms": "on",
            "email": "karen@example.dk",
            "phone": "+45 12 34 56 78",
        },
    )
    page = made.content.decode()
    assert made.status_code == 200 and 'data-testid="link-made"' in page
    assert "<svg" in page  # the QR code
    link = re.search(r'data-testid="self-assessment-link">(http://testserver/s/([^/]+)/)<', page)
    url, token = link.group(1), link.group(2)
    assert len(token) >= 22  # at least 128 bits
    assert [m.to for m in mail.outbox] == [["karen@example.dk"]] and url in mail.outbox[0].body
    assert outbox == [("+4512345678", outbox[0][1])] and url in outbox[0][1]
    invitation = SelfAssessmentInvitation.objects.get()
    assert token not in invitation.token_hash  # only a hash is kept

    client = Client()  # the citizen's own phone
    start = client.get(f"/s/{token}/").content.decode()
    assert "Hej Karen" in start and "8 spørgsmål" in start
    assert "Blixen" not in start and citizen_cpr(world.citizen).digits[:6] not in start
    question = client.get(f"/s/{token}/1/").content.decode()
    assert "Spørgsmål 1 af 8" in question and 'class="pictogram"' in question
    answer_all(client, token, [3, 4, 5, 6, 7, 8, 9, 10])
    summary = client.get(f"/s/{token}/summary/").content.decode()
    assert "Dine svar" in summary and "10" in summary
    sent = client.post(f"/s/{token}/summary/")
    assert sent.status_code == 302 and sent["Location"] == "/s/sent/"
    assessment = Assessment.objects.get(citizen=world.citizen)
    assert (assessment.respondent, assessment.entered_by_citizen, assessment.status) == (
        "citizen",
        True,
        "completed",
    )
    assert assessment.score_total == sum(range(3, 11))
    again = client.get(f"/s/{token}/")
    assert again.status_code == 410 and ASK_AGAIN in again.content.decode()
    assert "Karen" not in again.content.decode()
    reads = AccessLogEntry.objects.filter(by_citizen=True, citizen=world.citizen)
    assert reads.exists() and not reads.exclude(user=None).exists()
    assert not any(token in entry.path for entry in reads)

    citizen_page = caseworker.get(f"/citizens/{world.citizen.pk}/").content.decode()
    assert "udfyldt af borgeren selv" in citizen_page


def test_expired_used_and_altered_links_show_a_friendly_page_and_no_data(world, client):
    invitation, token = make_invitation(world.caseworker, world.citizen)
    altered = client.get(f"/s/{token[:-1]}{'A' if token[-1] != 'A' else 'B'}/")
    assert altered.status_code == 404 and ASK_AGAIN in altered.content.decode()
    expire(invitation)
    for url in (f"/s/{token}/", f"/s/{token}/1/", f"/s/{token}/summary/"):
        expired = client.get(url)
        assert expired.status_code == 410, url
        assert ASK_AGAIN in expired.content.decode() and "Karen" not in expired.content.decode()
    assert client.post(f"/s/{token}/1/", {"answer": "4"}).status_code == 410
    assert not Assessment.objects.exists()


def test_the_link_lasts_48_hours_by_default(world, settings):
    invitation, _token = make_invitation(world.caseworker, world.citizen)
    assert invitation.expires_at - invitation.created_at == dt.timedelta(hours=48)
    settings.FREMDRIFT_SELF_ASSESSMENT_LINK_HOURS = 2
    shorter, _token = make_invitation(world.caseworker, world.citizen)
    assert shorter.expires_at - shorter.created_at == dt.timedelta(hours=2)


def test_wrong_links_from_one_address_are_refused_after_a_while(world, client, settings):
    settings.FREMDRIFT_SELF_ASSESSMENT_BAD_LINKS = 3
    _invitation, token = make_invitation(world.caseworker, world.citizen)
    for attempt in range(3):
        assert client.get(f"/s/wrong-{attempt}/").status_code == 404
    refused = client.get(f"/s/{token}/")  # even the right link, from that address, waits
    assert refused.status_code == 429 and refused["Retry-After"] == "600"
    other_address = client.get(f"/s/{token}/", REMOTE_ADDR="10.0.0.9")
    assert other_address.status_code == 200


def test_a_caseworker_makes_a_limited_number_of_links_an_hour(world, login, settings):
    settings.FREMDRIFT_SELF_ASSESSMENT_LINKS_PER_HOUR = 2
    client = login(world.caseworker)
    url = f"/citizens/{world.citizen.pk}/self-assessment-links/"
    data = {"version": adult_wheel_version().pk}
    assert client.post(url, data).status_code == 200
    assert client.post(url, data).status_code == 200
    refused = client.post(url, data)
    assert refused.status_code == 400 and "Vent lidt" in refused.content.decode()
    assert SelfAssessmentInvitation.objects.count() == 2


def test_bad_input_to_the_link_form_names_the_field_and_saves_nothing(world, login):
    client = login(world.caseworker)
    url = f"/citizens/{world.citizen.pk}/self-assessment-links/"
    observation = Instrument.objects.get(code="observation").versions.get(status="published")
    for data, message in (
        ({"version": observation.pk}, "Marker en gyldig valgmulighed"),  # not the citizen's
        ({"version": adult_wheel_version().pk, "phone": "12"}, "8 cifre"),
        ({"version": adult_wheel_version().pk, "email": "karen@"}, "gyldig e-mail-adresse"),
        ({"version": "x"}, "Marker en gyldig valgmulighed"),
    ):
        response = client.post(url, data)
        assert response.status_code == 400, data
        assert message in response.content.decode(), (data, message)
    assert not SelfAssessmentInvitation.objects.exists()


def test_an_answer_outside_the_scale_is_named_and_nothing_is_kept(world, client):
    invitation, token = make_invitation(world.caseworker, world.citizen)
    response = client.post(f"/s/{token}/1/", {"answer": "11", "go": "next"})
    page = response.content.decode()
    assert response.status_code == 400 and 'data-testid="error-summary"' in page
    assert "Vælg et helt tal fra 1 til 10" in page
    invitation.refresh_from_db()
    assert invitation.draft == {}


def test_two_tabs_sending_the_same_link_make_one_assessment(world, client):
    _invitation, token = make_invitation(world.caseworker, world.citizen)
    answer_all(client, token, [5, 5])
    first = client.post(f"/s/{token}/summary/")
    second = client.post(f"/s/{token}/summary/")
    assert (first.status_code, second.status_code) == (302, 410)
    assert Assessment.objects.filter(citizen=world.citizen).count() == 1


def test_nothing_is_sent_without_an_answer(world, client):
    invitation, token = make_invitation(world.caseworker, world.citizen)
    response = client.post(f"/s/{token}/summary/")
    assert response.status_code == 400 and "Besvar mindst ét spørgsmål" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.used_at is None and not Assessment.objects.exists()


def test_an_abandoned_form_is_kept_for_the_links_lifetime_only(world, client):
    invitation, token = make_invitation(world.caseworker, world.citizen)
    answer_all(client, token, [4, 6])
    assert "2 spørgsmål" in client.get(f"/s/{token}/").content.decode()  # come back later
    assert self_assessment_drafts_clear() == 0
    expire(invitation)
    assert self_assessment_drafts_clear() == 1
    invitation.refresh_from_db()
    assert invitation.draft == {}


def test_dont_know_is_offered_only_where_the_instrument_allows_it(world, client):
    _invitation, token = make_invitation(world.caseworker, world.citizen)
    assert "Ved ikke" not in client.get(f"/s/{token}/1/").content.decode()
    assert client.post(f"/s/{token}/1/", {"answer": "dont_know"}).status_code == 400
    _survey, survey_token = make_invitation(
        world.caseworker, world.citizen, instrument_code="citizen_survey"
    )
    assert "Ved ikke" in client.get(f"/s/{survey_token}/1/").content.decode()
    assert client.post(f"/s/{survey_token}/1/", {"answer": "dont_know"}).status_code == 302


def test_it_checks_ownership(world, login):
    url = f"/citizens/{world.citizen.pk}/self-assessment-links/"
    assert login(world.caseworker).get(url).status_code == 200
    assert login(world.provider_staff).get(url).status_code == 200  # an active referral
    assert login(world.outsider).get(url).status_code == 404
    assert login(world.other_provider_staff).get(url).status_code == 404
    ended = f"/citizens/{world.ended_citizen.pk}/self-assessment-links/"
    assert login(world.provider_staff).get(ended).status_code == 404


def test_the_caseworker_compares_the_citizens_own_answers_with_their_own(world, login):
    version = adult_wheel_version()
    codes = [item.code for item in version.items.all()]
    today = dt.date.today()
    assessment_record(
        actor=world.caseworker,
        citizen=world.citizen,
        version=version,
        date=today - dt.timedelta(days=3),
        respondent="caseworker",
        status="completed",
        answers={code: _answer(4) for code in codes},
    )
    own = assessment_record(
        actor=world.caseworker,
        citizen=world.citizen,
        version=version,
        date=today,
        respondent="citizen",
        status="completed",
        answers={code: _answer(7) for code in codes},
        entered_by_citizen=True,
    )
    client = login(world.caseworker)
    page = client.get(f"/citizens/{world.citizen.pk}/").content.decode()
    assert 'data-testid="compare-link"' in page
    compared = client.get(
        f"/citizens/{world.citizen.pk}/?instrument=adult_wheel&compare={own.pk}"
    ).content.decode()
    assert 'data-testid="comparing"' in compared
    assert "Borgeren selv, " in compared and "Sagsbehandleren, " in compared


def _answer(value):
    return AnswerInput(value=value)
