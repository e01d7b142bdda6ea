"""Every write of the company register: companies, their contact persons and open positions."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from fremdrift.audit.services import audited_create, audited_update, lock_for_update

from .models import Company, CompanyContact, Sector, SizeBand, Vacancy

COMPANY_FIELDS = ("name", "cvr", "address", "size_band", "sector", "notes", "is_active")
CONTACT_FIELDS = ("company_id", "name", "role", "phone", "email")
VACANCY_FIELDS = ("company_id", "title", "weekly_hours", "from_date", "is_open")

# The weights of the CVR number's modulus-11 check: the weighted sum of the eight digits is
# divisible by 11.
CVR_WEIGHTS = (2, 7, 6, 5, 4, 3, 2, 1)


def cvr_errors(cvr: str, *, field: str = "cvr") -> dict[str, str]:
    """A CVR number: eight digits whose weighted sum (2, 7, 6, 5, 4, 3, 2, 1) is divisible by
    11. Spaces are allowed in what is typed (`cvr_clean`)."""
    digits = cvr_clean(cvr)
    if not digits:
        return {field: _("CVR number: give the company's CVR number.")}
    if len(digits) != 8 or not digits.isascii() or not digits.isdigit():
        return {field: _("CVR number: write the eight digits of the CVR number.")}
    if sum(int(d) * w for d, w in zip(digits, CVR_WEIGHTS, strict=True)) % 11:
        return {
            field: _(
                "CVR number: %(cvr)s is not a valid CVR number (the check digit does not match)."
            )
            % {"cvr": digits}
        }
    return {}


def cvr_clean(cvr: str) -> str:
    return "".join((cvr or "").split())


def company_errors(*, name: str, cvr: str, size_band: str, sector: str) -> dict[str, str]:
    errors = cvr_errors(cvr)
    if not (name or "").strip():
        errors["name"] = _("Name: give the company's name.")
    if size_band and size_band not in SizeBand.values:
        errors["size_band"] = _("Number of employees: choose from the list.")
    if sector and sector not in Sector.values:
        errors["sector"] = _("Line of business: choose from the list.")
    return errors


def _duplicate_cvr() -> ValidationError:
    return ValidationError(
        {"cvr": _("CVR number: the register already has a company with this CVR number.")}
    )


def _company_data(
    *,
    organisation_id: int,
    company: Company | None = None,
    name: str,
    cvr: str,
    address: str,
    size_band: str,
    sector: str,
    notes: str,
) -> dict:
    """A company's fields as stored, or the fields' errors: a CVR number that another company
    of the organisation's register has is one."""
    errors = company_errors(name=name, cvr=cvr, size_band=size_band, sector=sector)
    if errors:
        raise ValidationError(errors)
    same_cvr = Company.objects.filter(organisation_id=organisation_id, cvr=cvr_clean(cvr))
    if company is not None:
        same_cvr = same_cvr.exclude(pk=company.pk)
    if same_cvr.exists():
        raise _duplicate_cvr()
    return {
        "name": name.strip(),
        "cvr": cvr_clean(cvr),
        "address": address.strip(),
        "size_band": size_band,
        "sector": sector,
        "notes": notes,
    }


@transaction.atomic
def company_create(
    *,
    actor,
    organisation,
    name: str,
    cvr: str,
    address: str = "",
    size_band: str = "",
    sector: str = "",
    notes: str = "",
) -> Company:
    data = _company_data(
        organisation_id=organisation.pk,
        name=name,
        cvr=cvr,
        address=address,
        size_band=size_band,
        sector=sector,
        notes=notes,
    )
    try:
        with transaction.atomic():
            return audited_create(
                actor=actor,
                model=Company,
                data={"organisation": organisation, **data},
                tracked=COMPANY_FIELDS,
            )
    except IntegrityError:  # the same CVR number registered at the same moment
        raise _duplicate_cvr() from None


@transaction.atomic
def company_update(
    *,
    actor,
    company: Company,
    expected_version: int | None,
    name: str,
    cvr: str,
    address: str = "",
    size_band: str = "",
    sector: str = "",
    notes: str = "",
) -> Company:
    current = lock_for_update(company, expected_version=expected_version)
    data = _company_data(
        organisation_id=current.organisation_id,
        company=current,
        name=name,
        cvr=cvr,
        address=address,
        size_band=size_band,
        sector=sector,
        notes=notes,
    )
    return audited_update(
        actor=actor,
        instance=current,
        expected_version=None,
        data=data,
        tracked=COMPANY_FIELDS,
        lock=False,
    )


def _switch_off(*, actor, row, expected_version: int | None, flag: str, already: str, tracked):
    """Sets the row's `flag` (`is_active`, `is_open`) to False under the row's lock; a row
    switched off already is the field's error `already`."""
    current = lock_for_update(row, expected_version=expected_version)
    if not getattr(current, flag):
        raise ValidationError({flag: already})
    return audited_update(
        actor=actor,
        instance=current,
        expected_version=None,
        data={flag: False},
        tracked=tracked,
        lock=False,
    )


@transaction.atomic
def company_retire(*, actor, company: Company, expected_version: int | None) -> Company:
    """The organisation places no one at the company any more: it stays in the register and
    its placements stay, but it is not offered for a new placement."""
    return _switch_off(
        actor=actor,
        row=company,
        expected_version=expected_version,
        flag="is_active",
        already=_("The company has already been retired."),
        tracked=COMPANY_FIELDS,
    )


def contact_errors(*, name: str, email: str) -> dict[str, str]:
    errors = {}
    if not (name or "").strip():
        errors["name"] = _("Name: give the contact person's name.")
    if email and "@" not in email:
        errors["email"] = _("Email: write a valid email address.")
    return errors


@transaction.atomic
def company_contact_add(
    *, actor, company: Company, name: str, role: str = "", phone: str = "", email: str = ""
) -> CompanyContact:
    errors = contact_errors(name=name, email=email)
    if errors:
        raise ValidationError(errors)
    return audited_create(
        actor=actor,
        model=CompanyContact,
        data={
            "company": company,
            "name": name.strip(),
            "role": role.strip(),
            "phone": phone.strip(),
            "email": email.strip(),
        },
        tracked=CONTACT_FIELDS,
    )


@transaction.atomic
def company_contact_update(
    *,
    actor,
    contact: CompanyContact,
    expected_version: int | None,
    name: str,
    role: str = "",
    phone: str = "",
    email: str = "",
) -> CompanyContact:
    """A contact person's name, role, phone and email as they are now."""
    current = lock_for_update(contact, expected_version=expected_version)
    errors = contact_errors(name=name, email=email)
    if errors:
        raise ValidationError(errors)
    return audited_update(
        actor=actor,
        instance=current,
        expected_version=None,
        data={
            "name": name.strip(),
            "role": role.strip(),
            "phone": phone.strip(),
            "email": email.strip(),
        },
        tracked=CONTACT_FIELDS,
        lock=False,
    )


def _hours(value) -> Decimal | None | str:
    if value in (None, ""):
        return None
    try:
        hours = Decimal(str(value).replace(",", "."))
    except InvalidOperation:
        return "invalid"
    return hours if Decimal(0) <= hours <= Decimal(48) else "invalid"


@transaction.atomic
def vacancy_add(
    *, actor, company: Company, title: str, from_date: dt.date | None, weekly_hours=None
) -> Vacancy:
    errors = {}
    if not (title or "").strip():
        errors["title"] = _("Position: give the title of the position.")
    if from_date is None:
        errors["from_date"] = _("From: give the day the position is open from.")
    hours = _hours(weekly_hours)
    if hours == "invalid":
        errors["weekly_hours"] = _("Hours per week: write a number from 0 to 48.")
    if not company.is_active:
        errors["company"] = _("Company: the company has been retired.")
    if errors:
        raise ValidationError(errors)
    return audited_create(
        actor=actor,
        model=Vacancy,
        data={
            "company": company,
            "title": title.strip(),
            "from_date": from_date,
            "weekly_hours": hours,
        },
        tracked=VACANCY_FIELDS,
    )


@transaction.atomic
def vacancy_close(*, actor, vacancy: Vacancy, expected_version: int | None = None) -> Vacancy:
    """The position has been filled (or withdrawn): no longer suggested to citizens."""
    return _switch_off(
        actor=actor,
        row=vacancy,
        expected_version=expected_version,
        flag="is_open",
        already=_("The position has already been closed."),
        tracked=VACANCY_FIELDS,
    )
