"""An import acts inside the importing administrator's organisation: a row that names another
authority's citizen, caseworker or organisation is refused with file, line and column, and
nothing is imported; a CPR number another authority holds is imported like any new one."""

import pytest

from fremdrift.accounts.models import Role
from fremdrift.citizens.models import Citizen
from fremdrift.exchange.models import Entity, SourceKey
from fremdrift.exchange.services import package_import
from fremdrift.testing import make_citizen, make_organisation, make_user


@pytest.fixture
def anden(fremby):
    """Another authority, which holds the example's first citizen."""
    organisation = make_organisation("Jobcenter Anden")
    caseworker = make_user("andencaseworker", organisation, Role.CASEWORKER)
    citizen = make_citizen(caseworker, first_name="Sanne", last_name="Østergaard", cpr="1204911234")
    return organisation, caseworker, citizen


def rewrite(package, name: str, old: str, new: str) -> None:
    path = package / name
    text = path.read_text(encoding="utf-8-sig")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8-sig")


def test_a_cpr_number_another_authority_holds_is_imported_as_the_importers_own(
    fremby, anden, example
):
    result = package_import(actor=fremby.administrator, path=example)
    assert result.ok, result.errors
    theirs = anden[2]
    theirs.refresh_from_db()
    assert theirs.home_organisation == anden[0] and theirs.first_name == "Sanne"
    ours = Citizen.objects.get(home_organisation=fremby.jobcentre, cpr_hash=theirs.cpr_hash)
    assert ours.pk != theirs.pk


@pytest.mark.parametrize(
    ("old", "new", "column"),
    [
        (";Jobcenter Fremby;sagsbehandler\n", ";Jobcenter Anden;sagsbehandler\n", "organisation"),
        (";Jobcenter Fremby;sagsbehandler\n", ";Jobcenter Fremby;andencaseworker\n", "caseworker"),
    ],
)
def test_a_row_naming_another_authority_is_refused_and_nothing_is_imported(
    fremby, anden, example, old, new, column
):
    rewrite(example, "citizens.csv", old, new)
    before = Citizen.objects.count()
    result = package_import(actor=fremby.administrator, path=example)
    assert not result.ok
    assert [(e.file, e.line, e.column) for e in result.errors] == [("citizens.csv", 2, column)]
    assert "Jobcenter Fremby" in result.errors[0].message
    assert Citizen.objects.count() == before


def test_an_id_another_organisation_imported_is_refused(fremby, anden, example):
    SourceKey.objects.create(
        source_system="eksempel-fagsystem",
        entity=Entity.CITIZEN,
        source_id="B-1",
        object_id=anden[2].pk,
    )
    before = Citizen.objects.count()
    result = package_import(actor=fremby.administrator, path=example)
    assert not result.ok
    places = {(e.file, e.line, e.column) for e in result.errors}
    assert ("citizens.csv", 2, "id") in places
    assert all("Jobcenter Fremby" in e.message for e in result.errors if e.column == "id")
    assert Citizen.objects.count() == before
    anden[2].refresh_from_db()
    assert anden[2].first_name == "Sanne"
