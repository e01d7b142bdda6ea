"""Reference data in the API: code lists and instruments take `updated_since`, so that another
system can keep in step with them as with the citizens' resources."""

import datetime as dt

import pytest
from django.utils import timezone

from fremdrift.api import services as api_services
from fremdrift.codelists.models import Code
from fremdrift.instruments import services
from fremdrift.instruments.models import Instrument

API = "/api/v1"


@pytest.fixture
def bearer(world):
    def _bearer(user):
        _token, key = api_services.api_token_issue(
            actor=world.administrator, user=user, name="Fagsystem"
        )
        return {"HTTP_AUTHORIZATION": f"Bearer {key}"}

    return _bearer


def _instruments_since(client, moment: dt.datetime, headers) -> list[str]:
    response = client.get(f"{API}/instruments", {"updated_since": moment.isoformat()}, **headers)
    assert response.status_code == 200
    return [instrument["code"] for instrument in response.json()]


def _codes_since(client, code_list: str, moment: dt.datetime, headers) -> list[str]:
    response = client.get(
        f"{API}/codelists/{code_list}", {"updated_since": moment.isoformat()}, **headers
    )
    assert response.status_code == 200
    return [code["code"] for code in response.json()["codes"]]


def test_instruments_since_a_moment_are_those_whose_versions_changed_at_or_after_it(
    world, client, bearer
):
    headers = bearer(world.caseworker)
    everything = client.get(f"{API}/instruments", **headers).json()
    assert len(everything) > 1
    assert all("updated_at" in instrument for instrument in everything)
    adult = Instrument.objects.get(code="adult_wheel")
    other = Instrument.objects.exclude(pk=adult.pk).order_by("code").first()

    before_draft = timezone.now()
    assert _instruments_since(client, before_draft, headers) == []
    draft = services.version_draft_get_or_create(actor=world.administrator, instrument=adult)
    assert _instruments_since(client, before_draft, headers) == ["adult_wheel"]

    before_update = timezone.now()
    assert _instruments_since(client, before_update, headers) == []
    services.version_update(
        actor=world.administrator,
        version=draft,
        items=services.item_specs_of(draft),
        respondents=draft.respondents,
    )
    assert _instruments_since(client, before_update, headers) == ["adult_wheel"]

    # Publishing moves the instrument into a later window; the moment is "at or after".
    before_publish = timezone.now()
    assert _instruments_since(client, before_publish, headers) == []
    services.version_publish(actor=world.administrator, version=draft)
    adult.refresh_from_db()
    assert adult.updated_at >= before_publish
    assert _instruments_since(client, adult.updated_at, headers) == ["adult_wheel"]
    assert (
        _instruments_since(client, adult.updated_at + dt.timedelta(microseconds=1), headers) == []
    )

    before_reliability = timezone.now()
    services.instrument_set_reliability(
        actor=world.administrator, instrument=other, reliability=0.85
    )
    assert _instruments_since(client, before_reliability, headers) == [other.code]
    assert _instruments_since(client, before_publish, headers) == sorted(
        ["adult_wheel", other.code]
    )


def test_a_new_instrument_is_served_since_its_creation(world, client, bearer):
    headers = bearer(world.manager)
    before = timezone.now()
    created = services.instrument_create(
        actor=world.administrator,
        code="new_wheel",
        name_da="Nyt hjul",
        purpose="progression",
        respondents=["citizen"],
        items=[
            services.ItemSpec(
                code="energy",
                label_da="Energi",
                text_da="Jeg har energi",
                scale_type="ordinal",
                scale_min=1,
                scale_max=10,
            )
        ],
    )
    assert created.updated_at >= before
    assert _instruments_since(client, before, headers) == ["new_wheel"]


def test_codes_since_a_moment_are_those_changed_at_or_after_it(world, client, bearer):
    headers = bearer(world.provider_staff)
    everything = client.get(f"{API}/codelists/exit_reason", **headers).json()["codes"]
    assert len(everything) > 1
    assert all("updated_at" in code for code in everything)

    before = timezone.now()
    assert _codes_since(client, "exit_reason", before, headers) == []
    code = Code.objects.get(code_list="exit_reason", code="job")
    code.label_en = "Ordinary employment"
    code.save()
    since = client.get(
        f"{API}/codelists/exit_reason", {"updated_since": before.isoformat()}, **headers
    ).json()
    assert since["code_list"] == "exit_reason"
    assert [(c["code"], c["parent"], c["label_en"]) for c in since["codes"]] == [
        ("job", "self_support", "Ordinary employment")
    ]
    # Only this list: the change is not served in another.
    assert _codes_since(client, "target_group", before, headers) == []

    code.refresh_from_db()
    assert _codes_since(client, "exit_reason", code.updated_at, headers) == ["job"]
    later = code.updated_at + dt.timedelta(microseconds=1)
    assert _codes_since(client, "exit_reason", later, headers) == []


@pytest.mark.parametrize(
    "moment",
    [
        "0001-01-01T00:00:00+05:00",
        "9999-12-31T23:59:59-05:00",
        "yesterday",
        "2026-13-01T00:00:00",
    ],
)
@pytest.mark.parametrize("path", ["instruments", "codelists/exit_reason"])
def test_a_bad_moment_is_refused_without_a_server_error(world, client, bearer, path, moment):
    response = client.get(f"{API}/{path}", {"updated_since": moment}, **bearer(world.caseworker))
    assert response.status_code in (400, 422)


@pytest.mark.parametrize("path", ["instruments", "codelists/exit_reason"])
@pytest.mark.parametrize("moment", ["2000-01-01T00:00:00", "1199-04-07T09:54:19.887-16:37"])
def test_a_moment_without_a_zone_or_with_an_odd_offset_is_answered(
    world, client, bearer, path, moment
):
    response = client.get(f"{API}/{path}", {"updated_since": moment}, **bearer(world.caseworker))
    assert response.status_code == 200
    assert response.json()


@pytest.mark.parametrize("path", ["instruments", "codelists/exit_reason"])
def test_reference_data_needs_a_token(db, client, path):
    response = client.get(f"{API}/{path}", {"updated_since": "2000-01-01T00:00:00Z"})
    assert response.status_code == 401
