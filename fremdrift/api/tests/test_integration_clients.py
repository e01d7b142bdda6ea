"""Tokens belong to integration clients, never to a person: a client is a user row of its own
("system"), which cannot sign in, whose scopes narrow what its tokens reach, and whose creation
is a change record on the Users and roles page."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from fremdrift.accounts.models import User
from fremdrift.api import services
from fremdrift.api.api import api
from fremdrift.api.models import ApiToken
from fremdrift.api.scopes import RESOURCES
from fremdrift.audit.models import ChangeRecord
from fremdrift.citizens.models import Citizen
from fremdrift.testing import signed_in

API = "/api/v1"


def test_a_person_is_never_issued_a_token(world, login):
    with pytest.raises(ValidationError) as refused:
        services.api_token_issue(actor=world.administrator, user=world.caseworker, name="Sag")
    assert "user" in refused.value.message_dict
    # A person's page has no token form, and a person is no client's page.
    admin = login(world.administrator)
    person_page = admin.get(f"/accounts/users/{world.caseworker.pk}/").content.decode()
    assert "token-form" not in person_page and "/tokens/" not in person_page
    page = admin.post(
        reverse("api:token-issue", args=[world.caseworker.pk]), {"name": "Sag", "days": "30"}
    )
    assert page.status_code == 404
    assert not ApiToken.objects.exists()


def test_a_token_a_person_held_from_before_no_longer_works(world, client, bearer):
    works = bearer(world.caseworker)
    assert client.get(f"{API}/citizens", **works).status_code == 200
    # A token of the caseworker's own, as was issued before tokens went to clients only.
    ApiToken.objects.update(user=world.caseworker)
    assert client.get(f"{API}/citizens", **works).status_code == 401


def test_an_integration_client_can_neither_sign_in_nor_keep_a_session(
    world, client, integration_client
):
    fagsystem = integration_client(world.caseworker)
    fagsystem.set_password("et langt og godt kodeord")
    fagsystem.save()
    page = client.post(
        reverse("accounts:login"),
        {"username": fagsystem.username, "password": "et langt og godt kodeord"},
    )
    assert page.status_code == 200
    assert "Brugernavnet eller adgangskoden er forkert" in page.content.decode()
    signed_in(client, fagsystem)
    citizens = client.get(reverse("citizens:list"))
    assert citizens.status_code == 302 and reverse("accounts:login") in citizens["Location"]


def test_an_integration_client_is_never_staff(world, integration_client):
    fagsystem = integration_client(world.caseworker)
    fagsystem.is_superuser = True
    with pytest.raises(IntegrityError), transaction.atomic():
        fagsystem.save()


def test_the_django_admin_cannot_make_a_client_staff(world, login, integration_client):
    fagsystem = integration_client(world.caseworker)
    admin = login(world.administrator)
    form = admin.get(reverse("admin:accounts_user_change", args=[fagsystem.pk]))
    assert form.status_code == 200
    assert 'name="kind"' not in form.content.decode()
    response = admin.post(
        reverse("admin:accounts_user_change", args=[fagsystem.pk]),
        {
            "username": fagsystem.username,
            "first_name": fagsystem.first_name,
            "is_active": "on",
            "is_staff": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
            "organisation": fagsystem.organisation_id,
            "role": fagsystem.role,
        },
    )
    assert response.status_code == 403
    fagsystem.refresh_from_db()
    assert not fagsystem.is_staff


def test_scopes_narrow_what_the_token_reaches(world, client, bearer, integration_client):
    headers = bearer(world.caseworker, scopes=["citizens:read"])
    assert client.get(f"{API}/citizens/{world.citizen.pk}", **headers).status_code == 200
    refused = client.get(f"{API}/plans", **headers)
    assert refused.status_code == 403
    assert "plans:read" in refused.json()["detail"]
    before = Citizen.objects.get(pk=world.citizen.pk)
    changed = client.put(
        f"{API}/citizens/{world.citizen.pk}",
        {
            "first_name": "Anden",
            "last_name": "Blixen",
            "target_group": "activity_ready_cash_benefit",
            "responsible_caseworker_id": world.caseworker.pk,
        },
        content_type="application/json",
        HTTP_IF_MATCH=f'"{before.version}"',
        **headers,
    )
    assert changed.status_code == 403
    assert "citizens:write" in changed.json()["detail"]
    assert Citizen.objects.get(pk=world.citizen.pk).first_name == before.first_name


def test_write_scope_includes_read_and_no_scopes_mean_the_whole_role(world, client, bearer):
    writer = bearer(world.caseworker, scopes=["plans:write"])
    assert client.get(f"{API}/plans", **writer).status_code == 200
    assert client.get(f"{API}/citizens", **writer).status_code == 403
    everything = bearer(world.caseworker)
    assert client.get(f"{API}/plans", **everything).status_code == 200
    assert client.get(f"{API}/citizens", **everything).status_code == 200


def _operation_paths():
    schema = api.get_openapi_schema()
    return sorted(schema["paths"])


def test_every_api_operation_belongs_to_a_scope():
    """A new router must be given a resource in `api.scopes`, or a scoped client could not
    be allowed it (and nothing would name it)."""
    paths = _operation_paths()
    assert len(paths) > 40
    for path in paths:
        resource = path.removeprefix(f"{API}/").split("/", 1)[0]
        assert resource in RESOURCES, path


def test_an_administrator_creates_a_client_and_it_is_on_users_and_roles(world, login):
    admin = login(world.administrator)
    created = admin.post(
        reverse("api:client-create"),
        {
            "name": "Kommunens sagssystem",
            "organisation": world.nord.pk,
            "role": "caseworker",
            "scopes": ["citizens:read", "assessments:write"],
        },
        follow=True,
    )
    assert created.status_code == 200
    assert "Kommunens sagssystem" in created.content.decode()
    fagsystem = User.objects.get(kind=User.Kind.SYSTEM)
    assert (fagsystem.organisation, fagsystem.role, fagsystem.has_usable_password()) == (
        world.nord,
        "caseworker",
        False,
    )
    assert fagsystem.integration_client.scopes == ["assessments:write", "citizens:read"]
    record = ChangeRecord.objects.get(model="accounts.User", object_id=str(fagsystem.pk))
    assert (record.actor, record.after["role"]) == (world.administrator, "caseworker")
    history = admin.get(reverse("audit:users")).content.decode()
    assert fagsystem.username in history and "Integrationsklient" in history


@pytest.mark.parametrize(
    "data, field",
    [
        ({"name": "", "organisation": "nord", "role": "caseworker"}, "name"),
        ({"name": "Sag", "organisation": "nord", "role": "boss"}, "role"),
        ({"name": "Sag", "organisation": "nord", "role": "caseworker", "scopes": "x:y"}, "scopes"),
        ({"name": "Fagsystem", "organisation": "nord", "role": "manager"}, "name"),
    ],
)
def test_bad_client_input_names_the_field(world, login, integration_client, data, field):
    integration_client(world.caseworker)  # "Fagsystem caseworker 1"
    services.integration_client_create(
        actor=world.administrator, name="Fagsystem", organisation=world.nord, role="caseworker"
    )
    clients = User.objects.filter(kind=User.Kind.SYSTEM).count()
    data = {**data, "organisation": world.nord.pk}
    page = login(world.administrator).post(reverse("api:client-create"), data)
    assert page.status_code == 400
    assert f'id="id_{field}-error"' in page.content.decode()
    assert User.objects.filter(kind=User.Kind.SYSTEM).count() == clients


def test_clients_and_tokens_stay_in_the_administrators_organisation(
    world, login, integration_client
):
    syd_system = integration_client(world.outsider)  # Jobcenter Syd's, by Syd's administrator
    with pytest.raises(ValidationError) as refused:
        services.integration_client_create(
            actor=world.administrator, name="Ind i Syd", organisation=world.syd, role="caseworker"
        )
    assert "organisation" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.api_token_issue(actor=world.administrator, user=syd_system, name="Ind i Syd")
    assert "user" in refused.value.message_dict

    admin = login(world.administrator)
    page = admin.post(
        reverse("api:client-create"),
        {"name": "Ind i Syd", "organisation": world.syd.pk, "role": "caseworker"},
    )
    assert page.status_code == 400 and 'id="id_organisation-error"' in page.content.decode()
    issued = admin.post(
        reverse("api:token-issue", args=[syd_system.pk]), {"name": "Ind i Syd", "days": "30"}
    )
    assert issued.status_code == 404
    assert admin.get(reverse("api:client", args=[syd_system.pk])).status_code == 404
    changed = admin.post(
        reverse("api:client", args=[syd_system.pk]),
        {"name": "Overtaget", "role": "administrator", "is_active": ""},
    )
    assert changed.status_code == 404
    syd_system.refresh_from_db()
    assert (syd_system.first_name, syd_system.is_active) != ("Overtaget", False)
    assert syd_system.get_full_name() not in admin.get("/accounts/users/").content.decode()
    syd_token, _key = services.api_token_issue(
        actor=syd_system.organisation.members.get(role="administrator"),
        user=syd_system,
        name="Syds egen",
    )
    assert admin.post(reverse("api:revoke", args=[syd_system.pk, syd_token.pk])).status_code == 404
    syd_token.refresh_from_db()
    assert syd_token.revoked_at is None
    assert not User.objects.filter(first_name="Ind i Syd").exists()


def test_danish_names_make_distinct_clients(world):
    """Ærø Data and Rø Data are two systems, not one name taken twice."""
    first = services.integration_client_create(
        actor=world.administrator, name="Ærø Data", organisation=world.nord, role="manager"
    )
    second = services.integration_client_create(
        actor=world.administrator, name="Rø Data", organisation=world.nord, role="manager"
    )
    assert first.username != second.username
    assert first.get_full_name() == "Ærø Data"


def test_an_administrator_narrows_and_deactivates_a_client_on_its_page(
    world, login, client, bearer
):
    """On the staff pages: the client's scopes narrowed and its role changed take effect on
    the next call; deactivated, its tokens stop at once; each change is a change record."""
    headers = bearer(world.caseworker)  # a token of the integration client "Fagsystem …"
    fagsystem = User.objects.get(kind=User.Kind.SYSTEM)
    assert client.get(f"{API}/citizens", **headers).status_code == 200
    admin = login(world.administrator)
    assert admin.get("/api-tokens/")["Location"] == "/accounts/users/#integration-clients"
    page = admin.get(reverse("api:client", args=[fagsystem.pk])).content.decode()
    assert "fr_" + ApiToken.objects.get().prefix in page

    narrowed = admin.post(
        reverse("api:client", args=[fagsystem.pk]),
        {"name": "Sagssystemet", "role": "caseworker", "scopes": ["plans:read"], "is_active": "on"},
    )
    assert narrowed.status_code == 302
    assert client.get(f"{API}/citizens", **headers).status_code == 403
    fagsystem.refresh_from_db()
    assert fagsystem.first_name == "Sagssystemet"
    assert fagsystem.integration_client.scopes == ["plans:read"]

    bad = admin.post(
        reverse("api:client", args=[fagsystem.pk]),
        {"name": "", "role": "caseworker", "scopes": ["nope:read"], "is_active": "on"},
    )
    assert bad.status_code == 400
    assert 'id="id_name-error"' in bad.content.decode()
    fagsystem.refresh_from_db()
    assert fagsystem.first_name == "Sagssystemet"

    admin.post(
        reverse("api:client", args=[fagsystem.pk]),
        {"name": "Sagssystemet", "role": "caseworker", "scopes": ["plans:read"]},
    )
    assert client.get(f"{API}/plans", **headers).status_code == 401
    records = ChangeRecord.objects.filter(actor=world.administrator)
    assert {tuple(sorted(r.after)) for r in records} >= {("name",), ("scopes",)}
    assert any(r.after.get("is_active") is False for r in records)
    issue = admin.post(
        reverse("api:token-issue", args=[fagsystem.pk]), {"name": "Ny", "days": "30"}
    )
    assert issue.status_code == 400 and "ikke aktiv" in issue.content.decode()
    assert not ApiToken.objects.filter(name="Ny").exists()
