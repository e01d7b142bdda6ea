"""Every change to case data keeps who, when, and the values before and after."""

import ast
from pathlib import Path

from fremdrift.audit.models import ChangeRecord
from fremdrift.citizens import services
from fremdrift.citizens.models import Citizen
from fremdrift.referrals.models import Referral
from fremdrift.testing import make_citizen, target_group


def records_for(obj):
    return list(
        ChangeRecord.objects.filter(model=obj._meta.label, object_id=str(obj.pk)).order_by("id")
    )


def test_creating_a_citizen_records_the_new_values_without_the_cpr_number(world):
    citizen = make_citizen(world.caseworker, first_name="Ida", last_name="Jessen", cpr="1212851234")
    [record] = records_for(citizen)
    assert record.kind == "create"
    assert record.actor == world.caseworker
    assert record.before is None
    assert record.after["first_name"] == "Ida"
    assert record.after["cpr"] == "121285-XXXX"
    assert "1212851234" not in str(record.after)
    assert citizen.cpr_hash not in str(record.after)


def test_an_update_records_only_what_changed_before_and_after(world):
    services.citizen_update(
        actor=world.colleague,
        citizen=world.citizen,
        expected_version=world.citizen.version,
        first_name="Karen",
        last_name="Dinesen",
        responsible_caseworker=world.caseworker,
        target_group=target_group("resource_course"),
    )
    record = records_for(world.citizen)[-1]
    assert record.kind == "update"
    assert record.actor == world.colleague
    assert record.before == {
        "last_name": "Blixen",
        "target_group": target_group().pk,
    }
    assert record.after == {
        "last_name": "Dinesen",
        "target_group": target_group("resource_course").pk,
    }


def test_an_update_that_changes_nothing_records_nothing(world):
    count = ChangeRecord.objects.count()
    services.citizen_update(
        actor=world.caseworker,
        citizen=world.citizen,
        expected_version=world.citizen.version,
        first_name=world.citizen.first_name,
        last_name=world.citizen.last_name,
        responsible_caseworker=world.caseworker,
        target_group=world.citizen.target_group,
    )
    assert ChangeRecord.objects.count() == count
    world.citizen.refresh_from_db()
    assert world.citizen.version == 1


def test_a_bulk_change_records_every_citizen_in_one_batch(world):
    citizens = Citizen.objects.filter(pk__in=[world.citizen.pk, world.ended_citizen.pk])
    moved = services.citizens_reassign_caseworker(
        actor=world.caseworker, citizens=citizens, caseworker=world.colleague
    )
    assert moved == 2
    latest = list(ChangeRecord.objects.order_by("-id")[:2])
    assert {r.object_id for r in latest} == {str(world.citizen.pk), str(world.ended_citizen.pk)}
    assert latest[0].batch is not None and latest[0].batch == latest[1].batch
    for record in latest:
        assert record.before == {"responsible_caseworker": world.caseworker.pk}
        assert record.after == {"responsible_caseworker": world.colleague.pk}


def test_referrals_keep_their_history(world):
    records = records_for(world.referral)
    assert [r.kind for r in records] == ["create"]
    ended = Referral.objects.exclude(pk=world.referral.pk).get(citizen=world.ended_citizen)
    assert [r.kind for r in records_for(ended)] == ["create", "update"]
    assert records_for(ended)[-1].after["status"] == "ended"


# What counts as a write of case data through the ORM.
WRITE_CALLS = {
    "save",
    "create",
    "update",
    "delete",
    "bulk_create",
    "bulk_update",
    "get_or_create",
    "update_or_create",
}
ROOT = Path(__file__).resolve().parents[2]


def _writes_outside_services(root: Path = ROOT):
    found = []
    for path in root.rglob("*.py"):
        relative = path.relative_to(root)
        parts = relative.parts
        if "migrations" in parts or "tests" in parts or path.name in {"services.py", "testing.py"}:
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in WRITE_CALLS
            ):
                found.append(f"{relative}:{node.lineno} .{node.func.attr}()")
    return found


def test_no_code_outside_the_service_layer_writes_through_the_orm():
    """Views, forms, selectors, commands and templates tags call services; only services write.
    So no change to case data can bypass the change history."""
    assert _writes_outside_services() == []


def test_the_bypass_check_would_notice_a_write(tmp_path):
    (tmp_path / "citizens").mkdir()
    (tmp_path / "citizens" / "views.py").write_text("def f(c):\n    c.save()\n")
    (tmp_path / "citizens" / "services.py").write_text("def g(c):\n    c.save()\n")
    assert _writes_outside_services(tmp_path) == ["citizens/views.py:2 .save()"]
