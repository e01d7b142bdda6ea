"""Reads of the company register. A company's placements are the company-oriented activities
that name it (`plans.Activity.company`, read through the relation `placements`: the plans app
stands above this one), and only those of the reader's own citizens (`citizens_in_scope`)."""

import datetime as dt

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from fremdrift.accounts.access import may_use_company_register
from fremdrift.citizens.access import citizens_in_scope

from .models import Company, CompanyContact, Vacancy


def _running(day: dt.date, through: str = "") -> Q:
    return Q(**{f"{through}start_date__lte": day}) & (
        Q(**{f"{through}end_date__isnull": True}) | Q(**{f"{through}end_date__gte": day})
    )


def companies_for(user, *, today: dt.date | None = None) -> QuerySet[Company]:
    """The companies of the user's organisation's register, each with its number of running
    placements of the organisation's citizens (`active_placements`); those with running
    placements first, then by name. None for a role without the register."""
    if not may_use_company_register(user):
        return Company.objects.none()
    day = today or dt.date.today()
    return (
        Company.objects.filter(organisation_id=user.organisation_id)
        .annotate(
            active_placements=Count(
                "placements",
                filter=_running(day, "placements__")
                & Q(placements__plan__citizen__home_organisation_id=user.organisation_id),
            )
        )
        .order_by("-is_active", "-active_placements", "name", "id")
    )


def company_get(user, company_id: int) -> Company:
    """A company of the user's organisation's register, or 404 (also to a role without the
    register: a company of another organisation looks like one that does not exist)."""
    if not may_use_company_register(user):
        raise Http404
    company = Company.objects.filter(pk=company_id, organisation_id=user.organisation_id).first()
    if company is None:
        raise Http404
    return company


def placements_of(user, company: Company, *, today: dt.date | None = None) -> dict:
    """The company's placements of the user's own citizens: `current` (running or coming)
    and `past` (ended), each with its citizen, type and company mentor; `citizens`, everyone
    named, for the access log."""
    day = today or dt.date.today()
    placements = list(
        company.placements.filter(plan__citizen__in=citizens_in_scope(user))
        .select_related("plan__citizen", "kind", "mentor_contact")
        .order_by("-start_date", "id")
    )
    current = [p for p in placements if p.end_date is None or p.end_date >= day]
    past = [p for p in placements if p.end_date is not None and p.end_date < day]
    citizens = {p.plan.citizen_id for p in placements}
    return {"current": current, "past": past, "citizens": sorted(citizens)}


def contacts_of(company: Company) -> QuerySet[CompanyContact]:
    return company.contacts.all()


def vacancies_of(company: Company) -> QuerySet[Vacancy]:
    return company.vacancies.all()


def active_companies(organisation_id: int) -> QuerySet[Company]:
    """The companies a new placement may be made at: the organisation's, not retired."""
    return Company.objects.filter(organisation_id=organisation_id, is_active=True)


def mentor_contacts(organisation_id: int) -> QuerySet[CompanyContact]:
    """The contact persons of the organisation's active companies: who can be a company
    mentor in a placement."""
    return CompanyContact.objects.filter(
        company__organisation_id=organisation_id, company__is_active=True
    ).select_related("company")


def open_vacancies(organisation_id: int) -> QuerySet[Vacancy]:
    """The open positions of the organisation's active companies: what a job consultant
    suggests to a citizen."""
    return (
        Vacancy.objects.filter(
            company__organisation_id=organisation_id, company__is_active=True, is_open=True
        )
        .select_related("company")
        .order_by("company__name", "from_date", "id")
    )
