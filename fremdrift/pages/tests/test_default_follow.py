"""A new citizen follows the organisation's default instrument at its cadence, as the form
that registers them offers, so that they become due; none follows nothing; a bad cadence
registers nobody."""

import datetime as dt
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from fremdrift.assessments import services
from fremdrift.assessments.models import DefaultFollow, Follow
from fremdrift.audit.models import ChangeRecord
from fremdrift.citizens.models import Citizen
from fremdrift.instruments.models import Instrument
from fremdrift.testing import make_cpr, target_group


def _default(world, every_days=14):
    return services.default_follow_save(
        actor=world.administrator,
        default=DefaultFollow(
            organisation=world.nord,
            instrument=Instrument.objects.get(code="adult_wheel"),
            every_days=every_days,
        ),
    )


def _data(world, **overrides):
    data = {
        "first_name": "Inger",
        "last_name": "Christensen",
        "cpr": make_cpr(),
        "target_group": target_group().pk,
        "responsible_caseworker": world.caseworker.pk,
        "creation_token": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


def test_the_form_offers_the_organisations_default_instrument_and_cadence(world, login):
    default = _default(world, every_days=21)
    form = login(world.caseworker).get(reverse("citizens:create"))
    follow = form.context["follow_form"]
    assert follow["follow_instrument"].value() == default.instrument_id
    assert follow["follow_every_days"].value() == 21
    html = form.content.decode()
    assert f'<option value="{default.instrument_id}" selected>' in html
    assert 'name="follow_every_days" value="21"' in html


def test_registering_with_the_default_starts_a_follow_and_the_citizen_is_due(world, login):
    default = _default(world)
    client = login(world.caseworker)
    response = client.post(
        reverse("citizens:create"),
        _data(world, follow_instrument=default.instrument_id, follow_every_days="14"),
    )
    assert response.status_code == 302
    citizen = Citizen.objects.get(last_name="Christensen")
    follow = Follow.objects.get(citizen=citizen)
    assert follow.is_active and follow.instrument == default.instrument
    assert follow.start_date == dt.date.today()
    assert follow.cadences.get().every_days == 14
    assert follow.next_due == dt.date.today()  # the baseline is due at the start
    assert ChangeRecord.objects.filter(model="assessments.Follow", citizen=citizen).exists()
    caseload = client.get(reverse("citizens:list"))
    shown = {c.pk: c.next_due for c in caseload.context["page"].object_list}
    assert shown[citizen.pk] == dt.date.today()


def test_registering_with_no_instrument_starts_no_follow(world, login):
    default = _default(world)
    client = login(world.caseworker)
    response = client.post(
        reverse("citizens:create"), _data(world, follow_instrument="", follow_every_days="14")
    )
    assert response.status_code == 302
    citizen = Citizen.objects.get(last_name="Christensen")
    assert not Follow.objects.filter(citizen=citizen).exists()
    assert default.pk  # the default was offered, and declined


def test_a_cadence_of_0_days_is_refused_and_nobody_is_registered(world, login):
    default = _default(world)
    client = login(world.caseworker)
    before = Citizen.objects.count(), Follow.objects.count(), ChangeRecord.objects.count()
    response = client.post(
        reverse("citizens:create"),
        _data(world, follow_instrument=default.instrument_id, follow_every_days="0"),
    )
    assert response.status_code == 400
    assert response.context["follow_form"].errors["follow_every_days"]
    assert 'id="id_follow_every_days-error"' in response.content.decode()
    assert (Citizen.objects.count(), Follow.objects.count(), ChangeRecord.objects.count()) == before


def test_the_service_refuses_a_bad_cadence_and_saves_no_citizen(world):
    default = _default(world)
    before = Citizen.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.citizen_create_following(
            actor=world.caseworker,
            follow_instrument=default.instrument,
            follow_every_days=0,
            first_name="Inger",
            last_name="Christensen",
            cpr=make_cpr(),
            home_organisation=world.nord,
            responsible_caseworker=world.caseworker,
            target_group=target_group(),
        )
    assert "follow_every_days" in refused.value.message_dict
    assert Citizen.objects.count() == before
