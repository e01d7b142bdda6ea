"""The company register in the REST API: companies (made, changed, retired), their contact
persons and their open positions. As on the pages (`views`): the caseworkers and job
consultants of the organisation (`accounts.access.may_use_company_register`), their own
organisation's register only; everyone else, and a company of another organisation, 404.
Contact persons are persons: every answer that shows one is in the access log, as the company
page is. Writes are thin calls to `companies.services`."""

import datetime as dt

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status

from fremdrift.accounts.access import may_use_company_register
from fremdrift.audit.api_log import list_page
from fremdrift.audit.models import AccessAction
from fremdrift.audit.services import access_log_write
from fremdrift.core.api_kit import (
    Id,
    InputSchema,
    errors,
    etag,
    page_field,
    stale,
    version_refusal,
)
from fremdrift.core.exceptions import StaleVersion

from . import selectors, services
from .models import Company, CompanyContact, Sector, SizeBand, Vacancy

router = Router(tags=["companies"])

READ_ERRORS = errors(404)
WRITE_ERRORS = errors(400, 404)
CHANGE_ERRORS = errors(400, 404, 412, 428)


def _register(request: HttpRequest) -> None:
    """The register is the organisation's caseworkers' and job consultants'; 404 to others,
    as on the pages."""
    if not may_use_company_register(request.user):
        raise Http404


def _company(request: HttpRequest, company_id: int) -> Company:
    """A company of the user's organisation's register, with its count of running
    placements of the organisation's citizens; or 404."""
    _register(request)
    found = selectors.companies_for(request.user).filter(pk=company_id).first()
    if found is None:
        raise Http404
    return found


def _log_contacts(request: HttpRequest, action=AccessAction.VIEW) -> None:
    """Contact persons are persons: an answer that shows one is in the access log, as the
    company page that shows them is (no citizen is named)."""
    access_log_write(user=request.user, action=action, path=request.path)


# Companies


class CompanyOut(Schema):
    id: int
    name: str
    cvr: str = Field(description="The CVR number, eight digits")
    address: str
    size_band: str = Field(description="Number of employees: 1-9, 10-49, 50-249, 250+ or empty")
    sector: str = Field(description="Line of business (a fixed list) or empty")
    notes: str
    is_active: bool = Field(description="False when retired: no new placement is made there")
    active_placements: int = Field(
        description="Running placements of the organisation's own citizens at the company"
    )
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class CompanyPage(Schema):
    count: int
    page: int
    pages: int
    items: list[CompanyOut]


class CompanyFilters(Schema):
    updated_since: dt.datetime | None = Field(
        None, description="Only companies changed at or after this moment (ISO 8601)"
    )
    is_active: bool | None = Field(None, description="Only active (true) or retired (false)")
    page: int = page_field()


def _choice_description(choices) -> str:
    return "One of " + ", ".join(choices.values) + ", or empty"


class CompanyIn(InputSchema):
    name: str = Field(..., max_length=200)
    cvr: str = Field(..., max_length=20, description="Eight digits (spaces are ignored)")
    address: str = Field("", max_length=300)
    size_band: str = Field("", max_length=10, description=_choice_description(SizeBand))
    sector: str = Field("", max_length=20, description=_choice_description(Sector))
    notes: str = Field("", max_length=5000)


class CompanyChange(InputSchema):
    """The fields that change; a field left out stays as it is."""

    name: str | None = Field(None, max_length=200)
    cvr: str | None = Field(None, max_length=20)
    address: str | None = Field(None, max_length=300)
    size_band: str | None = Field(None, max_length=10, description=_choice_description(SizeBand))
    sector: str | None = Field(None, max_length=20, description=_choice_description(Sector))
    notes: str | None = Field(None, max_length=5000)


COMPANY_FIELDS = ("name", "cvr", "address", "size_band", "sector", "notes")


@router.get("", response={200: CompanyPage, **READ_ERRORS})
def company_list(request: HttpRequest, filters: Query[CompanyFilters]):
    """The companies of the organisation's register, oldest change first, 100 a page. No
    person is named: not in the access log."""
    _register(request)
    companies = selectors.companies_for(request.user)
    if filters.is_active is not None:
        companies = companies.filter(is_active=filters.is_active)
    return list_page(request, companies, filters, citizen_field=None)


@router.get("/{company_id}", response={200: CompanyOut, **READ_ERRORS})
def company_detail(request: HttpRequest, company_id: Id, response: HttpResponse):
    company = _company(request, company_id)
    response["ETag"] = etag(company.version)
    return company


@router.post("", response={201: CompanyOut, **WRITE_ERRORS})
def company_create(request: HttpRequest, payload: CompanyIn, response: HttpResponse):
    """Adds a company to the organisation's register. A CVR number whose check digit does
    not match, or one the register already has, answers 400 naming `cvr`."""
    _register(request)
    made = services.company_create(
        actor=request.user, organisation=request.user.organisation, **payload.dict()
    )
    response["ETag"] = etag(made.version)
    return Status(201, _company(request, made.pk))


@router.put("/{company_id}", response={200: CompanyOut, **CHANGE_ERRORS})
def company_update(
    request: HttpRequest, company_id: Id, payload: CompanyChange, response: HttpResponse
):
    """Changes a company's facts. Send the ETag you read in `If-Match`; a stale one answers
    412 and changes nothing."""
    company = _company(request, company_id)
    refusal = version_refusal(request, company.version, "company")
    if refusal is not None:
        return refusal
    changes = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    data = {name: changes.get(name, getattr(company, name)) for name in COMPANY_FIELDS}
    try:
        changed = services.company_update(
            actor=request.user, company=company, expected_version=company.version, **data
        )
    except StaleVersion:
        return stale("company")
    response["ETag"] = etag(changed.version)
    return _company(request, changed.pk)


@router.post("/{company_id}/retire", response={200: CompanyOut, **CHANGE_ERRORS})
def company_retire(request: HttpRequest, company_id: Id, response: HttpResponse):
    """Retires a company: it stays in the register with its placements, but no new placement
    is made there and its positions are no longer suggested. Send the ETag in `If-Match`; a
    company retired already answers 400 naming `is_active`."""
    company = _company(request, company_id)
    refusal = version_refusal(request, company.version, "company")
    if refusal is not None:
        return refusal
    try:
        changed = services.company_retire(
            actor=request.user, company=company, expected_version=company.version
        )
    except StaleVersion:
        return stale("company")
    response["ETag"] = etag(changed.version)
    return _company(request, changed.pk)


# Contact persons


class ContactOut(Schema):
    id: int
    company_id: int
    name: str
    role: str = Field(description="Job title or role")
    phone: str
    email: str
    version: int
    updated_at: dt.datetime


class ContactPage(Schema):
    count: int
    page: int
    pages: int
    items: list[ContactOut]


class ContactFilters(Schema):
    updated_since: dt.datetime | None = Field(
        None, description="Only contact persons changed at or after this moment (ISO 8601)"
    )
    page: int = page_field()


class ContactIn(InputSchema):
    name: str = Field(..., max_length=200)
    role: str = Field("", max_length=200, description="Job title or role")
    phone: str = Field("", max_length=40)
    email: str = Field("", max_length=254)


class ContactChange(InputSchema):
    """The fields that change; a field left out stays as it is."""

    name: str | None = Field(None, max_length=200)
    role: str | None = Field(None, max_length=200)
    phone: str | None = Field(None, max_length=40)
    email: str | None = Field(None, max_length=254)


CONTACT_FIELDS = ("name", "role", "phone", "email")


def _contact(company: Company, contact_id: int) -> CompanyContact:
    found = selectors.contacts_of(company).filter(pk=contact_id).first()
    if found is None:
        raise Http404
    return found


@router.get("/{company_id}/contacts", response={200: ContactPage, **READ_ERRORS})
def contact_list(request: HttpRequest, company_id: Id, filters: Query[ContactFilters]):
    """The company's contact persons, oldest change first, 100 a page; in the access log."""
    company = _company(request, company_id)
    page = list_page(request, selectors.contacts_of(company), filters, citizen_field=None)
    _log_contacts(request, AccessAction.LIST)
    return page


@router.get("/{company_id}/contacts/{contact_id}", response={200: ContactOut, **READ_ERRORS})
def contact_detail(request: HttpRequest, company_id: Id, contact_id: Id, response: HttpResponse):
    contact = _contact(_company(request, company_id), contact_id)
    _log_contacts(request)
    response["ETag"] = etag(contact.version)
    return contact


@router.post("/{company_id}/contacts", response={201: ContactOut, **WRITE_ERRORS})
def contact_create(
    request: HttpRequest, company_id: Id, payload: ContactIn, response: HttpResponse
):
    """Adds a contact person to the company (who can then be named as the company mentor of
    a placement there)."""
    company = _company(request, company_id)
    made = services.company_contact_add(actor=request.user, company=company, **payload.dict())
    _log_contacts(request, AccessAction.CREATE)
    response["ETag"] = etag(made.version)
    return Status(201, made)


@router.put("/{company_id}/contacts/{contact_id}", response={200: ContactOut, **CHANGE_ERRORS})
def contact_update(
    request: HttpRequest,
    company_id: Id,
    contact_id: Id,
    payload: ContactChange,
    response: HttpResponse,
):
    """Changes a contact person. Send the ETag you read in `If-Match`; a stale one answers
    412 and changes nothing."""
    contact = _contact(_company(request, company_id), contact_id)
    refusal = version_refusal(request, contact.version, "contact person")
    if refusal is not None:
        return refusal
    changes = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    data = {name: changes.get(name, getattr(contact, name)) for name in CONTACT_FIELDS}
    try:
        changed = services.company_contact_update(
            actor=request.user, contact=contact, expected_version=contact.version, **data
        )
    except StaleVersion:
        return stale("contact person")
    _log_contacts(request, AccessAction.EDIT)
    response["ETag"] = etag(changed.version)
    return changed


# Open positions


class VacancyOut(Schema):
    id: int
    company_id: int
    title: str
    weekly_hours: float | None = Field(description="Hours per week")
    from_date: dt.date
    is_open: bool = Field(description="False once filled or withdrawn: no longer suggested")
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class VacancyPage(Schema):
    count: int
    page: int
    pages: int
    items: list[VacancyOut]


class VacancyFilters(Schema):
    updated_since: dt.datetime | None = Field(
        None, description="Only positions changed at or after this moment (ISO 8601)"
    )
    is_open: bool | None = Field(None, description="Only open (true) or closed (false)")
    page: int = page_field()


class VacancyIn(InputSchema):
    title: str = Field(..., max_length=200)
    from_date: dt.date = Field(description="The first day the position is open from")
    weekly_hours: float | None = Field(
        None, allow_inf_nan=False, description="Hours per week, 0 to 48"
    )


def _vacancy(company: Company, vacancy_id: int) -> Vacancy:
    found = selectors.vacancies_of(company).filter(pk=vacancy_id).first()
    if found is None:
        raise Http404
    return found


@router.get("/{company_id}/vacancies", response={200: VacancyPage, **READ_ERRORS})
def vacancy_list(request: HttpRequest, company_id: Id, filters: Query[VacancyFilters]):
    """The company's open (and filled) positions, oldest change first, 100 a page. No person
    is named: not in the access log."""
    vacancies = selectors.vacancies_of(_company(request, company_id))
    if filters.is_open is not None:
        vacancies = vacancies.filter(is_open=filters.is_open)
    return list_page(request, vacancies, filters, citizen_field=None)


@router.get("/{company_id}/vacancies/{vacancy_id}", response={200: VacancyOut, **READ_ERRORS})
def vacancy_detail(request: HttpRequest, company_id: Id, vacancy_id: Id, response: HttpResponse):
    vacancy = _vacancy(_company(request, company_id), vacancy_id)
    response["ETag"] = etag(vacancy.version)
    return vacancy


@router.post("/{company_id}/vacancies", response={201: VacancyOut, **WRITE_ERRORS})
def vacancy_create(
    request: HttpRequest, company_id: Id, payload: VacancyIn, response: HttpResponse
):
    """An open position at the company, to suggest to citizens. A retired company takes
    none (400 naming `company`)."""
    company = _company(request, company_id)
    data = payload.dict()
    if data["weekly_hours"] is not None:
        data["weekly_hours"] = str(data["weekly_hours"])
    made = services.vacancy_add(actor=request.user, company=company, **data)
    response["ETag"] = etag(made.version)
    return Status(201, made)


@router.post(
    "/{company_id}/vacancies/{vacancy_id}/close", response={200: VacancyOut, **CHANGE_ERRORS}
)
def vacancy_close(request: HttpRequest, company_id: Id, vacancy_id: Id, response: HttpResponse):
    """The position has been filled (or withdrawn): no longer suggested. Send the ETag in
    `If-Match`; one closed already answers 400 naming `is_open`."""
    vacancy = _vacancy(_company(request, company_id), vacancy_id)
    refusal = version_refusal(request, vacancy.version, "position")
    if refusal is not None:
        return refusal
    try:
        closed = services.vacancy_close(
            actor=request.user, vacancy=vacancy, expected_version=vacancy.version
        )
    except StaleVersion:
        return stale("position")
    response["ETag"] = etag(closed.version)
    return closed
