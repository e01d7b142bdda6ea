"""The audited write every service uses: lock, version check, snapshot, save what changed,
change record (`audit.services.audited_update` and `audited_create`)."""

import uuid

import pytest

from fremdrift.audit.models import ChangeRecord
from fremdrift.audit.services import audited_create, audited_update, lock_for_update
from fremdrift.core.exceptions import StaleVersion
from fremdrift.plans.models import Plan
from fremdrift.testing import make_citizen

NAMES = ("first_name", "last_name")


def records_for(obj):
    return list(
        ChangeRecord.objects.filter(model=obj._meta.label, object_id=str(obj.pk)).order_by("id")
    )


def test_a_stale_version_is_refused_and_nothing_is_written(world):
    citizen = world.citizen
    count = ChangeRecord.objects.count()
    with pytest.raises(StaleVersion):
        audited_update(
            actor=world.caseworker,
            instance=citizen,
            expected_version=citizen.version + 1,
            data={"first_name": "Ida"},
            tracked=NAMES,
            citizen=citizen,
        )
    citizen.refresh_from_db()
    assert (citizen.first_name, citizen.version) == ("Karen", 1)
    assert ChangeRecord.objects.count() == count


def test_the_version_is_read_from_the_locked_row_not_from_the_callers_copy(world):
    citizen = world.citizen
    type(citizen).objects.filter(pk=citizen.pk).update(version=2)
    with pytest.raises(StaleVersion):
        audited_update(
            actor=world.caseworker,
            instance=citizen,  # still says version 1
            expected_version=1,
            data={"first_name": "Ida"},
            tracked=NAMES,
        )
    with pytest.raises(StaleVersion):
        lock_for_update(citizen, expected_version=1)
    assert lock_for_update(citizen, expected_version=2).version == 2


def test_a_change_bumps_the_version_and_records_only_what_changed(world):
    citizen = world.citizen
    batch = uuid.uuid4()
    saved = audited_update(
        actor=world.colleague,
        instance=citizen,
        expected_version=1,
        data={"first_name": "Ida", "last_name": "Blixen"},
        tracked=NAMES,
        citizen=citizen,
        batch=batch,
    )
    assert (saved.first_name, saved.version) == ("Ida", 2)
    saved.refresh_from_db()
    assert (saved.first_name, saved.version) == ("Ida", 2)
    record = records_for(citizen)[-1]
    assert (record.kind, record.actor, record.citizen_id, record.batch) == (
        "update",
        world.colleague,
        citizen.pk,
        batch,
    )
    assert (record.before, record.after) == ({"first_name": "Karen"}, {"first_name": "Ida"})


def test_unchanged_data_writes_nothing_and_keeps_the_version(world):
    citizen = world.citizen
    count = ChangeRecord.objects.count()
    updated_at = citizen.updated_at
    saved = audited_update(
        actor=world.caseworker,
        instance=citizen,
        expected_version=1,
        data={"first_name": "Karen", "last_name": "Blixen"},
        tracked=NAMES,
    )
    assert saved.version == 1
    saved.refresh_from_db()
    assert (saved.version, saved.updated_at) == (1, updated_at)
    assert ChangeRecord.objects.count() == count


def test_touch_saves_and_bumps_without_a_change_record(world):
    count = ChangeRecord.objects.count()
    saved = audited_update(
        actor=world.caseworker,
        instance=world.citizen,
        expected_version=1,
        data={"first_name": "Karen"},
        tracked=NAMES,
        touch=True,
    )
    saved.refresh_from_db()
    assert saved.version == 2
    assert ChangeRecord.objects.count() == count


def test_only_the_changed_fields_are_saved(world):
    """A field the caller did not change keeps what the database holds, even when the
    caller's copy of the row is older (the row is locked by the caller: lock=False)."""
    citizen = world.citizen
    type(citizen).objects.filter(pk=citizen.pk).update(last_name="Dinesen")
    audited_update(
        actor=world.caseworker,
        instance=citizen,  # still says Blixen
        expected_version=None,
        data={"first_name": "Ida"},
        tracked=("first_name",),
        lock=False,
    )
    citizen.refresh_from_db()
    assert (citizen.first_name, citizen.last_name, citizen.version) == ("Ida", "Dinesen", 2)


def test_the_snapshot_may_be_a_function_and_related_rows_are_written_between(world):
    citizen = make_citizen(world.caseworker, first_name="Ida", last_name="Jessen")
    plan = audited_create(
        actor=world.caseworker,
        model=Plan,
        data={"citizen": citizen},
        tracked=("citizen",),
        citizen=citizen,
    )
    [created] = records_for(plan)
    assert (created.kind, created.before, created.after) == (
        "create",
        None,
        {"citizen": citizen.pk},
    )
    seen = []
    audited_update(
        actor=world.caseworker,
        instance=plan,
        expected_version=1,
        data={"own_effort": "Går ture"},
        tracked=lambda p: {"effort": p.own_effort, "calls": len(seen)},
        related=lambda p: seen.append(p.own_effort),
        citizen=citizen,
    )
    assert seen == ["Går ture"]
    updated = records_for(plan)[-1]
    assert updated.before == {"effort": "", "calls": 0}
    assert updated.after == {"effort": "Går ture", "calls": 1}
    plan.refresh_from_db()
    assert plan.version == 2


def test_checking_the_version_of_a_record_without_versions_is_a_mistake(world):
    with pytest.raises(TypeError):
        audited_update(
            actor=world.administrator,
            instance=world.nord,
            expected_version=1,
            data={"name": "Jobcenter Nordvest"},
            tracked=("name",),
        )
    world.nord.refresh_from_db()
    assert world.nord.name == "Jobcenter Nord"
