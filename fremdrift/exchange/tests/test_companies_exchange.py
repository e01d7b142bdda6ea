"""The company register and shared cases in the exchange package: companies by their CVR
number, contact persons, open positions, a placement's company and company mentor, positions
suggested to citizens, and cases shared with another authority. They go out and come back
the same; the company register's and the shares' own rules refuse a bad row, with its place,
and nothing is imported."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction

from fremdrift.citizens.models import CaseShare, Citizen
from fremdrift.citizens.services import case_share_create, case_share_end
from fremdrift.codelists.models import Code
from fremdrift.companies import services as companies
from fremdrift.companies.models import Company, CompanyContact, Vacancy
from fremdrift.exchange.services import package_export, package_import
from fremdrift.plans import services as plans
from fremdrift.plans.models import Activity, VacancySuggestion
from fremdrift.testing import make_citizen, make_organisation

from .test_import import read, rewrite

TODAY = dt.date.today()
GOOD_CVR = "12345674"
OTHER_CVR = "31415926"
WRONG_CVR = "12345675"  # the check digit does not match
# The people files name every organisation of the installation, the authority a case is shared
# with among them, which an import into Jobcenter Fremby refuses: that authority is set up in
# Fremdrift, and case_shares.csv names it.
PEOPLE_FILES = {"organisations.csv", "staff.csv"}


def files_of(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def places(result) -> set[tuple[str, int, str]]:
    return {(e.file, e.line, e.column) for e in result.errors}


def nothing_imported() -> bool:
    return not any(
        model.objects.exists()
        for model in (Citizen, Company, CompanyContact, Vacancy, Activity, CaseShare)
    )


@pytest.fixture
def nabo(db):
    """Another authority, that the jobcentre shares cases with."""
    return make_organisation("Jobcenter Naboby")


def code(code_list: str, value: str) -> Code:
    return Code.objects.get(code_list=code_list, code=value, is_active=True)


def company_register(fremby, nabo) -> None:
    """Two companies, one retired after a placement there; their contact persons; an open
    and a filled position; a placement with its company mentor; a suggested position; a case
    shared with the neighbouring authority and one that has ended."""
    actor = fremby.caseworker
    shop = companies.company_create(
        actor=actor,
        organisation=fremby.jobcentre,
        name="Dyrehandlen ApS",
        cvr=GOOD_CVR,
        address="Havnegade 4",
        size_band="1-9",
        sector="trade",
        notes="=Tager gerne praktikanter",
    )
    store = companies.company_create(
        actor=actor, organisation=fremby.jobcentre, name="Fremby Lager A/S", cvr=OTHER_CVR
    )
    lone = companies.company_contact_add(
        actor=actor, company=shop, name="Lone Dyhr", role="Butiksleder", phone="12 34 56 78"
    )
    companies.company_contact_add(
        actor=actor, company=store, name="Jens Krogh", email="jens@lager.example"
    )
    open_position = companies.vacancy_add(
        actor=actor,
        company=store,
        title="Lagermedarbejder",
        from_date=dt.date(2026, 5, 1),
        weekly_hours="20,5",
    )
    filled = companies.vacancy_add(
        actor=actor, company=store, title="Truckfører", from_date=dt.date(2026, 3, 1)
    )
    citizen = make_citizen(actor, first_name="Sanne", born=dt.date(1991, 4, 12))
    plan = plans.plan_get_or_create(actor=actor, citizen=citizen)
    plans.activity_create(
        actor=actor,
        plan=plan,
        sector=code("activity_sector", "employment"),
        kind=code("activity_type", "internship_single"),
        purpose="Afprøve arbejde med dyr",
        start_date=dt.date(2026, 4, 6),
        end_date=dt.date(2026, 4, 13),
        company=shop,
        mentor_contact=lone,
    )
    for vacancy, outcome in ((open_position, "applied"), (filled, "hired")):
        suggestion = plans.vacancy_suggest(
            actor=actor, plan=plan, vacancy=vacancy, suggested_on=dt.date(2026, 4, 20)
        )
        plans.vacancy_suggestion_outcome(actor=actor, suggestion=suggestion, outcome=outcome)
    companies.vacancy_close(actor=actor, vacancy=filled)
    companies.company_retire(actor=actor, company=shop, expected_version=None)
    ended = case_share_create(
        actor=actor,
        citizen=citizen,
        shared_with=nabo,
        purpose="Fælles indsats; praktik i Naboby",
        start_date=dt.date(2026, 1, 5),
    )
    case_share_end(actor=actor, share=ended)
    case_share_create(
        actor=actor,
        citizen=citizen,
        shared_with=nabo,
        purpose="Borgeren flytter til Naboby",
        start_date=TODAY - dt.timedelta(days=10),
        end_date=TODAY + dt.timedelta(days=60),
    )


def test_the_company_register_and_shared_cases_go_out_and_come_back_the_same(
    fremby, nabo, tmp_path
):
    first, second = tmp_path / "first", tmp_path / "second"
    with transaction.atomic():
        company_register(fremby, nabo)
        counts = package_export(actor=fremby.administrator, path=first)
        transaction.set_rollback(True)
    assert (
        counts.items()
        >= {
            "companies.csv": 2,
            "company_contacts.csv": 2,
            "vacancies.csv": 2,
            "activities.csv": 1,
            "vacancy_suggestions.csv": 2,
            "case_shares.csv": 2,
        }.items()
    )
    assert nothing_imported()
    for name in PEOPLE_FILES:
        (first / name).unlink()

    result = package_import(actor=fremby.administrator, path=first)
    assert result.written, [str(e) for e in result.errors]
    package_export(actor=fremby.administrator, path=second)
    exported = files_of(second)
    assert {n: b for n, b in exported.items() if n not in PEOPLE_FILES} == files_of(first)

    shop = Company.objects.get(cvr=GOOD_CVR)
    assert (shop.name, shop.size_band, shop.sector, shop.is_active) == (
        "Dyrehandlen ApS",
        "1-9",
        "trade",
        False,  # retired after the placement there, which came with it
    )
    assert shop.notes == "=Tager gerne praktikanter"
    placement = Activity.objects.select_related("company", "mentor_contact").get()
    assert placement.company == shop and placement.mentor_contact.name == "Lone Dyhr"
    assert placement.company_mentor
    assert set(Vacancy.objects.values_list("title", "is_open", "weekly_hours")) == {
        ("Lagermedarbejder", True, Decimal("20.5")),
        ("Truckfører", False, None),
    }
    assert set(VacancySuggestion.objects.values_list("vacancy__title", "outcome")) == {
        ("Lagermedarbejder", "applied"),
        ("Truckfører", "hired"),
    }
    shares = CaseShare.objects.order_by("start_date")
    assert [(s.shared_with, s.ended_at is not None) for s in shares] == [
        (nabo, True),
        (nabo, False),
    ]
    assert shares[1].is_active() and not shares[0].is_active()
    assert {s.created_by for s in shares} == {fremby.administrator}

    again = package_import(actor=fremby.administrator, path=first)
    assert again.written
    assert {
        entity: dict(c)
        for entity, c in again.counts.items()
        if entity in ("company", "company_contact", "vacancy", "vacancy_suggestion", "case_share")
    } == {
        "company": {"unchanged": 2},
        "company_contact": {"unchanged": 2},
        "vacancy": {"unchanged": 2},
        "vacancy_suggestion": {"unchanged": 2},
        "case_share": {"unchanged": 2},
    }


def test_a_wrong_cvr_number_is_an_error_of_its_row_and_nothing_is_imported(fremby, example):
    rewrite(example, "companies.csv", read(example, "companies.csv").replace(GOOD_CVR, WRONG_CVR))
    result = package_import(actor=fremby.administrator, path=example)
    assert not result.ok
    assert ("companies.csv", 2, "cvr") in places(result)
    # The placement names a company the package no longer has.
    assert ("activities.csv", 2, "company_cvr") in places(result)
    assert nothing_imported()


def test_a_new_placement_at_a_company_retired_in_the_register_is_refused(fremby, example):
    shop = companies.company_create(
        actor=fremby.caseworker, organisation=fremby.jobcentre, name="Dyrehandlen", cvr=GOOD_CVR
    )
    companies.company_retire(actor=fremby.caseworker, company=shop, expected_version=None)
    rewrite(
        example,
        "companies.csv",
        read(example, "companies.csv").replace("praktikanter;0", "praktikanter;1"),
    )
    result = package_import(actor=fremby.administrator, path=example)
    assert not result.ok
    assert places(result) == {("activities.csv", 2, "company_cvr")}
    assert "Dyrehandlen" in result.errors[0].message
    assert not Citizen.objects.exists() and not Activity.objects.exists()
    assert Company.objects.get() == shop


def test_a_company_mentor_of_another_company_is_refused(fremby, example):
    rewrite(example, "activities.csv", read(example, "activities.csv").replace(";P-1", ";P-2"))
    result = package_import(actor=fremby.administrator, path=example)
    assert places(result) == {("activities.csv", 2, "mentor_contact")}
    assert nothing_imported()


def test_a_contact_person_of_a_company_the_package_does_not_know_is_refused(fremby, example):
    rewrite(
        example,
        "company_contacts.csv",
        read(example, "company_contacts.csv") + "P-3;31415934;Ukendt;;ikke-en-adresse;\n",
    )
    result = package_import(actor=fremby.administrator, path=example)
    assert places(result) == {
        ("company_contacts.csv", 4, "company_cvr"),
        ("company_contacts.csv", 4, "email"),
    }
    assert nothing_imported()


SHARE = "D-1;B-1;{with};Samarbejde om praktik;01-03-2026;;{ended}\n"


@pytest.mark.parametrize("organisation", ["Jobcenter Fremby", "Vækstværkstedet"])
def test_a_case_shared_with_the_own_organisation_or_a_provider_is_an_error_of_its_row(
    fremby, example, organisation
):
    rewrite(
        example,
        "case_shares.csv",
        read(example, "case_shares.csv") + SHARE.format(**{"with": organisation, "ended": ""}),
    )
    result = package_import(actor=fremby.administrator, path=example)
    assert not result.ok
    assert places(result) == {("case_shares.csv", 2, "shared_with")}
    assert nothing_imported()


def test_a_case_shared_with_an_authority_unknown_to_fremdrift_is_an_error_of_its_row(
    fremby, example
):
    rewrite(
        example,
        "case_shares.csv",
        read(example, "case_shares.csv")
        + SHARE.format(**{"with": "Jobcenter Ukendt", "ended": ""}),
    )
    result = package_import(actor=fremby.administrator, path=example)
    assert places(result) == {("case_shares.csv", 2, "shared_with")}
    assert nothing_imported()


def test_a_case_share_imports_and_an_ended_one_is_ended(fremby, nabo, example):
    rewrite(
        example,
        "case_shares.csv",
        read(example, "case_shares.csv")
        + SHARE.format(**{"with": nabo.name, "ended": "01-06-2026"})
        + "D-2;B-1;Jobcenter Naboby;Flytning;01-07-2026;;\n",
    )
    result = package_import(actor=fremby.administrator, path=example)
    assert result.written, [str(e) for e in result.errors]
    ended, active = CaseShare.objects.order_by("start_date")
    assert ended.ended_at is not None and ended.ended_by == fremby.administrator
    assert ended.end_date == TODAY  # ended on the day of the import
    assert active.ended_at is None and active.is_active()
    assert active.citizen == Citizen.objects.get(first_name="Sanne")


def test_an_overlapping_share_is_an_error_of_its_row(fremby, nabo, example):
    rewrite(
        example,
        "case_shares.csv",
        read(example, "case_shares.csv")
        + SHARE.format(**{"with": nabo.name, "ended": ""})
        + "D-2;B-1;Jobcenter Naboby;Flytning;01-07-2026;;\n",
    )
    result = package_import(actor=fremby.administrator, path=example)
    assert places(result) == {("case_shares.csv", 3, "start_date")}
    assert nothing_imported()


def test_only_an_import_lets_the_administrator_record_a_share(fremby, nabo):
    citizen = make_citizen(fremby.caseworker)
    share = {"shared_with": nabo, "purpose": "Flytning", "start_date": TODAY}
    with pytest.raises(PermissionDenied):
        case_share_create(actor=fremby.administrator, citizen=citizen, **share)
    with pytest.raises(PermissionDenied):  # the import flag is not the caseworker's
        case_share_create(actor=fremby.caseworker, citizen=citizen, imported=True, **share)
    created = case_share_create(actor=fremby.administrator, citizen=citizen, imported=True, **share)
    assert created.created_by == fremby.administrator
    with pytest.raises(PermissionDenied):
        case_share_end(actor=fremby.administrator, share=created)
    case_share_end(actor=fremby.administrator, share=created, imported=True)
    assert not CaseShare.objects.get().is_active()


def test_a_package_without_the_company_columns_leaves_a_placements_company(fremby, example):
    assert package_import(actor=fremby.administrator, path=example).written
    columns = read(example, "activities.csv").replace(";company_cvr;mentor_contact", "")
    rewrite(
        example,
        "activities.csv",
        columns.replace(";12345674;P-1", "").replace(";;\n", "\n").replace("dyr;", "dyr og fisk;"),
    )
    again = package_import(actor=fremby.administrator, path=example)
    assert again.written, [str(e) for e in again.errors]
    assert dict(again.counts["activity"]) == {"updated": 1, "unchanged": 1}
    placement = Activity.objects.get(purpose="Afprøve arbejde med dyr og fisk")
    assert placement.company.cvr == GOOD_CVR and placement.mentor_contact.name == "Lone Dyhr"
