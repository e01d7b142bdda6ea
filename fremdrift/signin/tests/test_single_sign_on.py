"""Single sign-on against a real OpenID Connect provider running on a local port
(`oidc-provider-mock`): the authorization-code flow with PKCE, the claims that give an
organisation and a role, and every way a sign-in can fail, each a clear page with nothing
created."""

import datetime as dt
from urllib.parse import parse_qs, urlparse

import oidc_provider_mock
import pytest
import requests
from django.core.exceptions import SuspiciousOperation

from fremdrift.accounts.models import Organisation, Role, User
from fremdrift.audit.models import ChangeRecord
from fremdrift.signin import oidc, services
from fremdrift.signin.models import ClaimMapping, SignInIdentity

CLIENT_ID = "fremdrift"
GROUP_CASEWORKERS = "jc-sagsbehandlere"
GROUP_MANAGERS = "jc-ledere"


@pytest.fixture(scope="session")
def identity_provider():
    with oidc_provider_mock.run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture(scope="session")
def expiring_provider():
    """A provider whose ID tokens expired two minutes before they were issued."""
    with oidc_provider_mock.run_server_in_thread(
        access_token_max_age=dt.timedelta(seconds=-120)
    ) as server:
        yield f"http://localhost:{server.server_port}"


def configure(settings, issuer: str) -> None:
    settings.OIDC_ISSUER = issuer
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = "hemmelig"
    oidc.provider_configuration.cache_clear()


@pytest.fixture
def sso(settings, identity_provider, world):
    configure(settings, identity_provider)
    for value, role in ((GROUP_CASEWORKERS, Role.CASEWORKER), (GROUP_MANAGERS, Role.MANAGER)):
        ClaimMapping.objects.create(
            issuer=identity_provider, value=value, organisation=world.nord, role=role
        )
    return identity_provider


def person(issuer: str, sub: str, **claims) -> None:
    """The person as the identity provider knows them."""
    requests.put(f"{issuer}/users/{sub}", json=claims, timeout=5).raise_for_status()


def sign_in(client, issuer: str, sub: str):
    """The browser's round trip: Fremdrift sends it to the provider, the person signs in
    there, the provider sends it back with a code. Returns Fremdrift's answer and the
    callback URL (to replay)."""
    start = client.get("/accounts/sso/")
    assert start.status_code == 302
    authorize = start["Location"]
    query = parse_qs(urlparse(authorize).query)
    assert authorize.startswith(f"{issuer}/oauth2/authorize")
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    assert query["state"][0] and query["nonce"][0]
    answer = requests.post(authorize, data={"sub": sub}, allow_redirects=False, timeout=5)
    assert answer.status_code == 302, answer.text
    callback = urlparse(answer.headers["Location"])
    assert callback.path == "/accounts/sso/callback/"
    url = f"{callback.path}?{callback.query}"
    return client.get(url), url


def test_the_first_sign_in_makes_the_account_from_the_claims(sso, client):
    person(
        sso,
        "karen-1",
        preferred_username="karen.holm",
        given_name="Karen",
        family_name="Holm",
        email="karen@nord.dk",
        groups=["alle", GROUP_CASEWORKERS],
    )
    page = client.get("/accounts/login/").content.decode()
    assert "Log ind med din organisations login" in page
    response, _url = sign_in(client, sso, "karen-1")
    assert response.status_code == 302 and response["Location"] == "/"
    karen = User.objects.get(username="karen.holm")
    assert (karen.first_name, karen.last_name, karen.email) == ("Karen", "Holm", "karen@nord.dk")
    assert (karen.organisation.name, karen.role, karen.has_usable_password()) == (
        "Jobcenter Nord",
        "caseworker",
        False,
    )
    assert SignInIdentity.objects.get(user=karen).subject == "karen-1"
    assert ChangeRecord.objects.filter(model="accounts.User", object_id=str(karen.pk)).exists()
    assert client.get("/citizens/").status_code == 200  # signed in, as a caseworker


def test_a_later_sign_in_follows_the_claims_and_an_unmapped_person_is_deactivated(sso, client):
    person(sso, "karen-2", preferred_username="karen2", groups=[GROUP_CASEWORKERS])
    sign_in(client, sso, "karen-2")
    client.logout()
    person(sso, "karen-2", preferred_username="karen2", name="Karen Holm", groups=[GROUP_MANAGERS])
    response, _url = sign_in(client, sso, "karen-2")
    karen = User.objects.get(username="karen2")
    assert response.status_code == 302 and (karen.role, karen.first_name) == ("manager", "Karen")
    client.logout()
    records = ChangeRecord.objects.filter(model="accounts.User", object_id=str(karen.pk))
    before = records.count()
    person(sso, "karen-2", preferred_username="karen2", groups=["kantine"])
    refused, _url = sign_in(client, sso, "karen-2")
    assert refused.status_code == 403
    assert "giver dig ikke adgang til Fremdrift" in refused.content.decode()
    karen.refresh_from_db()
    assert not karen.is_active and records.count() == before + 1
    # Deactivated stays deactivated, even when the claims map again: an administrator decides.
    person(sso, "karen-2", preferred_username="karen2", groups=[GROUP_CASEWORKERS])
    again, _url = sign_in(client, sso, "karen-2")
    assert again.status_code == 403 and "deaktiveret" in again.content.decode()


def test_a_person_whose_claims_map_to_nothing_is_refused_and_nothing_is_made(sso, client, caplog):
    users = User.objects.count()
    person(sso, "ukendt", preferred_username="ukendt", groups=["kantine"])
    refused, _url = sign_in(client, sso, "ukendt")
    assert refused.status_code == 403
    assert 'data-testid="sign-in-refused"' in refused.content.decode()
    assert User.objects.count() == users and not SignInIdentity.objects.exists()
    assert client.get("/citizens/").status_code == 302  # not signed in
    [warning] = [r for r in caplog.records if r.name == "fremdrift.security"]
    assert warning.levelname == "WARNING" and "refused" in warning.getMessage()


def test_a_replayed_state_is_refused(sso, client, caplog):
    person(sso, "karen-3", preferred_username="karen3", groups=[GROUP_CASEWORKERS])
    first, url = sign_in(client, sso, "karen-3")
    assert first.status_code == 302
    client.logout()
    replayed = client.get(url)
    assert replayed.status_code == 400
    assert "kunne ikke gennemføres" in replayed.content.decode()
    assert any(r.name == "fremdrift.security" for r in caplog.records)


def test_a_tampered_state_is_refused(sso, client):
    person(sso, "karen-4", preferred_username="karen4", groups=[GROUP_CASEWORKERS])
    start = client.get("/accounts/sso/")
    answer = requests.post(
        start["Location"], data={"sub": "karen-4"}, allow_redirects=False, timeout=5
    )
    callback = urlparse(answer.headers["Location"])
    query = parse_qs(callback.query)
    tampered = client.get(callback.path, {"code": query["code"][0], "state": "forfalsket"})
    assert tampered.status_code == 400
    assert not User.objects.filter(username="karen4").exists()


def test_an_id_token_for_another_audience_is_refused(sso, settings):
    """The token the provider issued to one client is not accepted by another."""
    settings.OIDC_RP_CLIENT_ID = "en-anden-klient"
    token = id_token_from(sso, client_id=CLIENT_ID)
    backend = oidc.SignInBackend()
    super(oidc.SignInBackend, backend).__init__()
    with pytest.raises(SuspiciousOperation, match="(?i)audience"):
        backend.verify_token(token, nonce="n-0S6_WzA2Mj")


def test_an_expired_id_token_is_refused(settings, expiring_provider, world, client):
    configure(settings, expiring_provider)
    ClaimMapping.objects.create(
        issuer=expiring_provider,
        value=GROUP_CASEWORKERS,
        organisation=world.nord,
        role="caseworker",
    )
    person(expiring_provider, "sen", preferred_username="sen", groups=[GROUP_CASEWORKERS])
    response, _url = sign_in(client, expiring_provider, "sen")
    assert response.status_code == 400
    assert not User.objects.filter(username="sen").exists()


def test_local_passwords_can_be_switched_off(sso, settings, client, world):
    world.caseworker.set_password("Lange-Solsikker-42")
    world.caseworker.save(update_fields=["password"])
    credentials = {"username": "caseworker", "password": "Lange-Solsikker-42"}
    assert client.post("/accounts/login/", credentials).status_code == 302
    client.logout()
    settings.FREMDRIFT_LOCAL_LOGIN = False
    page = client.get("/accounts/login/").content.decode()
    assert 'name="password"' not in page and 'data-testid="sso"' in page
    assert client.post("/accounts/login/", credentials).status_code == 200
    assert client.get("/citizens/").status_code == 302


def test_signing_out_ends_the_providers_session_too(sso, client):
    person(sso, "karen-5", preferred_username="karen5", groups=[GROUP_CASEWORKERS])
    sign_in(client, sso, "karen-5")
    out = client.post("/accounts/logout/")
    assert out.status_code == 302 and out["Location"].startswith(f"{sso}/oauth2/end_session?")
    assert "id_token_hint=" in out["Location"]
    assert client.get("/citizens/").status_code == 302


def test_without_a_provider_there_is_no_single_sign_on(world, client):
    assert client.get("/accounts/sso/").status_code == 404
    assert 'data-testid="sso"' not in client.get("/accounts/login/").content.decode()


def test_a_claim_mapping_change_is_a_change_record(world, sso):
    mapping = ClaimMapping.objects.get(value=GROUP_MANAGERS)
    mapping.role = Role.CASEWORKER
    services.claim_mapping_save(actor=world.administrator, mapping=mapping)
    record = ChangeRecord.objects.get(model="signin.ClaimMapping", object_id=str(mapping.pk))
    assert (record.before, record.after) == ({"role": "manager"}, {"role": "caseworker"})
    assert Organisation.objects.filter(pk=mapping.organisation_id).exists()


def id_token_from(issuer: str, *, client_id: str) -> str:
    """An ID token the provider issues to `client_id`, by the authorization-code flow."""
    person(issuer, "token-person", groups=[GROUP_CASEWORKERS])
    redirect = "http://testserver/accounts/sso/callback/"
    answer = requests.post(
        f"{issuer}/oauth2/authorize",
        params={
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": redirect,
            "scope": "openid",
            "state": "s",
            "nonce": "n-0S6_WzA2Mj",
        },
        data={"sub": "token-person"},
        allow_redirects=False,
        timeout=5,
    )
    code = parse_qs(urlparse(answer.headers["Location"]).query)["code"][0]
    tokens = requests.post(
        f"{issuer}/oauth2/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect,
            "client_id": client_id,
            "client_secret": "hemmelig",
        },
        timeout=5,
    )
    tokens.raise_for_status()
    return tokens.json()["id_token"]


def test_a_tampered_nonce_is_refused(sso, client):
    """The provider signs the nonce it was sent; one that is not the session's is refused."""
    person(sso, "karen-6", preferred_username="karen6", groups=[GROUP_CASEWORKERS])
    start = client.get("/accounts/sso/")
    authorize = urlparse(start["Location"])
    query = {k: v[0] for k, v in parse_qs(authorize.query).items()} | {"nonce": "en-anden"}
    answer = requests.post(
        f"{sso}/oauth2/authorize",
        params=query,
        data={"sub": "karen-6"},
        allow_redirects=False,
        timeout=5,
    )
    callback = urlparse(answer.headers["Location"])
    response = client.get(f"{callback.path}?{callback.query}")
    assert response.status_code == 400
    assert not User.objects.filter(username="karen6").exists()


def test_a_token_from_another_issuer_is_refused(sso, settings):
    """The same provider under another name is another issuer: its tokens are refused."""
    token = id_token_from(sso, client_id=CLIENT_ID)  # issued by http://localhost:<port>
    configure(settings, sso.replace("localhost", "127.0.0.1"))
    backend = oidc.SignInBackend()
    super(oidc.SignInBackend, backend).__init__()
    with pytest.raises(SuspiciousOperation, match="(?i)issuer"):
        backend.verify_token(token, nonce="n-0S6_WzA2Mj")
