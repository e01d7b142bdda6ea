"""The citizen signs in through the citizen identity broker (here a real OpenID Connect
provider on a local port, `oidc-provider-mock`) and sees their own wheel, plan and report,
and the questions they were sent; nobody else's, and nothing of the staff pages."""

import datetime as dt
from urllib.parse import parse_qs, urlparse

import oidc_provider_mock
import pytest
import requests

from fremdrift.assessments.services import AnswerInput, assessment_record
from fremdrift.audit.models import AccessLogEntry
from fremdrift.citizens.selectors import citizen_cpr
from fremdrift.codelists.models import Code
from fremdrift.instruments.models import Instrument
from fremdrift.plans import services as plan_services
from fremdrift.signin import oidc
from fremdrift.testing import make_citizen, make_cpr, make_invitation, signed_in

CPR_CLAIM = "https://data.gov.dk/model/core/eid/cprNumber"


@pytest.fixture(scope="session")
def broker():
    with oidc_provider_mock.run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def citizen_sign_in(settings, broker):
    settings.CITIZEN_OIDC_ISSUER = broker
    settings.CITIZEN_OIDC_RP_CLIENT_ID = "fremdrift-borger"
    settings.CITIZEN_OIDC_RP_CLIENT_SECRET = "hemmelig"
    oidc.provider_configuration.cache_clear()
    return broker


def person(broker: str, sub: str, **claims) -> None:
    requests.put(f"{broker}/users/{sub}", json=claims, timeout=5).raise_for_status()


def sign_in(client, broker: str, sub: str):
    start = client.get("/me/sign-in/")
    assert start.status_code == 302
    authorize = start["Location"]
    query = parse_qs(urlparse(authorize).query)
    assert authorize.startswith(f"{broker}/oauth2/authorize")
    assert query["client_id"] == ["fremdrift-borger"]
    assert query["code_challenge_method"] == ["S256"] and query["state"][0] and query["nonce"][0]
    answer = requests.post(authorize, data={"sub": sub}, allow_redirects=False, timeout=5)
    assert answer.status_code == 302, answer.text
    callback = urlparse(answer.headers["Location"])
    assert callback.path == "/me/sign-in/callback/"
    url = f"{callback.path}?{callback.query}"
    return client.get(url), url


def wheel_and_plan(world, citizen) -> None:
    version = Instrument.objects.get(code="adult_wheel").versions.get(status="published")
    for days, value in ((60, 3), (30, 5)):
        assessment_record(
            actor=world.caseworker,
            citizen=citizen,
            version=version,
            date=dt.date.today() - dt.timedelta(days=days),
            respondent="joint",
            status="completed",
            answers={item.code: AnswerInput(value=value) for item in version.items.all()},
        )
    plan = plan_services.plan_get_or_create(actor=world.caseworker, citizen=citizen)
    plan_services.goal_create(
        actor=world.caseworker,
        plan=plan,
        text="Jeg vil have et job i en have",
        is_end_goal=True,
        category=Code.objects.get(code_list="end_goal_category", code="job"),
    )


def test_the_citizen_signs_in_and_sees_their_own_wheel_plan_and_questions(
    world, client, citizen_sign_in
):
    wheel_and_plan(world, world.citizen)
    make_invitation(world.caseworker, world.citizen)
    person(citizen_sign_in, "karen", **{CPR_CLAIM: citizen_cpr(world.citizen).digits})
    assert "Log ind med MitID" in client.get("/me/").content.decode()
    response, _url = sign_in(client, citizen_sign_in, "karen")
    assert response.status_code == 302 and response["Location"] == "/me/"
    page = client.get("/me/").content.decode()
    assert "Hej Karen" in page
    assert 'data-testid="own-wheel"' in page and "<svg" in page
    assert "Jeg vil have et job i en have" in page
    assert 'data-testid="own-invitations"' in page and "Besvar:" in page
    report = client.get("/me/report/")
    assert report.status_code == 200 and "Jeg vil have et job i en have" in report.content.decode()
    assert citizen_cpr(world.citizen).digits not in report.content.decode()
    own_reads = AccessLogEntry.objects.filter(citizen=world.citizen, by_citizen=True)
    assert {entry.path for entry in own_reads} >= {"/me/", "/me/report/"}
    assert not own_reads.exclude(user=None).exists()


def test_the_citizen_answers_a_question_they_were_sent_after_signing_in(
    world, client, citizen_sign_in
):
    invitation, _token = make_invitation(world.caseworker, world.citizen)
    person(citizen_sign_in, "karen-q", **{CPR_CLAIM: citizen_cpr(world.citizen).digits})
    sign_in(client, citizen_sign_in, "karen-q")
    base = f"/me/self-assessments/{invitation.pk}"
    assert "Hej Karen" in client.get(f"{base}/").content.decode()
    assert client.post(f"{base}/1/", {"answer": "6", "go": "next"})["Location"] == f"{base}/2/"
    assert client.post(f"{base}/summary/").status_code == 302
    invitation.refresh_from_db()
    assert invitation.assessment.entered_by_citizen
    assert invitation.assessment.respondent == "citizen"


def test_nobody_elses_data_is_reachable(world, client, citizen_sign_in):
    wheel_and_plan(world, world.teammates_citizen)
    theirs, _token = make_invitation(world.colleague, world.teammates_citizen)
    person(citizen_sign_in, "karen-2", **{CPR_CLAIM: citizen_cpr(world.citizen).digits})
    sign_in(client, citizen_sign_in, "karen-2")
    page = client.get("/me/").content.decode()
    assert "Tove" not in page and "Ditlevsen" not in page
    assert client.get(f"/me/report/?record={world.teammates_citizen.pk}").status_code == 404
    for url in (
        f"/me/self-assessments/{theirs.pk}/",
        f"/me/self-assessments/{theirs.pk}/1/",
        f"/me/self-assessments/{theirs.pk}/summary/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/me/self-assessments/{theirs.pk}/summary/").status_code == 404
    # The citizen is no member of staff: every staff page sends them to the staff sign-in.
    for url in (
        f"/citizens/{world.citizen.pk}/",
        f"/citizens/{world.teammates_citizen.pk}/plan/",
        "/citizens/",
        "/reports/",
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.get(f"/api/v1/citizens/{world.citizen.pk}").status_code == 401
    assert not AccessLogEntry.objects.filter(
        citizen=world.teammates_citizen, by_citizen=True
    ).exists()


def test_a_person_in_two_organisations_sees_both_records_and_no_one_elses(
    world, client, citizen_sign_in
):
    cpr = citizen_cpr(world.citizen).digits
    elsewhere = make_citizen(world.outsider, first_name="Karen", last_name="Blixen", cpr=cpr)
    person(citizen_sign_in, "karen-3", **{CPR_CLAIM: cpr})
    sign_in(client, citizen_sign_in, "karen-3")
    page = client.get("/me/").content.decode()
    assert "Jobcenter Nord" in page and "Jobcenter Syd" in page
    assert client.get(f"/me/report/?record={elsewhere.pk}").status_code == 200


def test_signing_in_as_a_citizen_ends_a_staff_session_in_the_same_browser(
    world, client, citizen_sign_in
):
    signed_in(client, world.caseworker)
    assert client.get("/citizens/").status_code == 200
    person(citizen_sign_in, "karen-4", **{CPR_CLAIM: citizen_cpr(world.citizen).digits})
    sign_in(client, citizen_sign_in, "karen-4")
    assert client.get("/citizens/").status_code == 302
    assert client.post("/me/sign-out/").status_code == 302
    assert "Log ind med MitID" in client.get("/me/").content.decode()


def test_a_failed_or_replayed_sign_in_is_a_clear_page_and_signs_nobody_in(
    world, client, citizen_sign_in
):
    person(citizen_sign_in, "no-cpr", given_name="Uden")
    refused, _url = sign_in(client, citizen_sign_in, "no-cpr")
    assert refused.status_code == 400 and "gik ikke igennem" in refused.content.decode()
    person(citizen_sign_in, "karen-5", **{CPR_CLAIM: citizen_cpr(world.citizen).digits})
    _response, url = sign_in(client, citizen_sign_in, "karen-5")
    client.post("/me/sign-out/")
    replayed = client.get(url)
    assert replayed.status_code == 400
    assert "Log ind med MitID" in client.get("/me/").content.decode()
    stranger = make_cpr(dt.date(1970, 1, 1))
    person(citizen_sign_in, "stranger", **{CPR_CLAIM: stranger})
    sign_in(client, citizen_sign_in, "stranger")
    assert "Vi har ingen oplysninger om dig" in client.get("/me/").content.decode()


def test_without_a_broker_the_citizen_sign_in_is_not_offered(client, settings):
    settings.CITIZEN_OIDC_ISSUER = ""
    assert client.get("/me/sign-in/").status_code == 404
    assert client.get("/me/sign-in/callback/?code=x&state=y").status_code == 404
    assert "ikke sat op" in client.get("/me/").content.decode()
