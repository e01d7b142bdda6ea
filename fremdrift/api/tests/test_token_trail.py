"""Every access-log row and change record written through a token names the token; a
person's own session never does."""

from fremdrift.api import services as api_services
from fremdrift.audit.models import AccessLogEntry, ChangeRecord


def test_rows_written_through_a_token_name_it_and_session_rows_do_not(
    world, client, login, integration_client
):
    fagsystem = integration_client(world.caseworker)
    token, key = api_services.api_token_issue(
        actor=world.administrator, user=fagsystem, name="Fagsystem"
    )
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    read = client.get(f"/api/v1/citizens/{world.citizen.pk}", **headers)
    assert read.status_code == 200
    entry = AccessLogEntry.objects.latest("id")
    assert (entry.user, entry.username, entry.api_token_id) == (
        fagsystem,
        fagsystem.username,
        token.pk,
    )

    changed = client.put(
        f"/api/v1/citizens/{world.citizen.pk}",
        {
            "first_name": "Karen Christence",
            "last_name": "Blixen",
            "target_group": "activity_ready_cash_benefit",
            "responsible_caseworker_id": world.caseworker.pk,
        },
        content_type="application/json",
        HTTP_IF_MATCH=read["ETag"],
        **headers,
    )
    assert changed.status_code == 200
    record = ChangeRecord.objects.filter(model="citizens.Citizen").latest("id")
    assert (record.actor, record.api_token_id) == (fagsystem, token.pk)

    login(world.caseworker).get(f"/citizens/{world.citizen.pk}/")
    assert AccessLogEntry.objects.latest("id").api_token_id is None
    page = login(world.administrator).post("/audit/", {"username": fagsystem.username})
    assert f"API-nøgle {token.pk}" in page.content.decode()
