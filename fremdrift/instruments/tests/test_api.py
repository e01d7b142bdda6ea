"""Instruments in the API take `updated_since`, so that another system can keep in step with
them as with the citizens' resources. (Moved from `api/tests/test_reference_data.py`.)"""

import datetime as dt

from django.utils import timezone

from fremdrift.instruments import services
from fremdrift.instruments.models import Instrument

API = "/api/v1"


def _instruments_since(client, moment: dt.datetime, headers) -> list[str]:
    response = client.get(f"{API}/instruments", {"updated_since": moment.isoformat()}, **headers)
    assert response.status_code == 200
    return [instrument["code"] for instrument in response.json()]


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
