"""The company register's files of an exchange package: companies (by their CVR number), their
contact persons and open positions, read after the codes and staff and before the plans, and
the positions suggested to citizens, read after the plans. `CompanyFilesCheck` is the first
pass, `CompanyFilesWrite` the second; each is mixed into the package's check and write.

Companies belong to the importing organisation's register. The rules are the company
register's services' (`companies.services`, `plans.services.vacancy_suggest`): the check
finds what the rows name, the services refuse what breaks a rule. A company the package
retires, and a position it closes, is retired or closed once the package's placements and
suggestions are written: they were made while it was active, as in the system the package
comes from. A company retired in Fremdrift before the import takes no new placement."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from fremdrift.companies import services as company_services
from fremdrift.companies.models import Company, CompanyContact, Vacancy
from fremdrift.plans import services as plan_services
from fremdrift.plans.models import VacancySuggestion

from . import format as fmt
from .models import Entity

# The service's field: the column of the file that carries it.
COMPANY_COLUMNS = {"sector": "line_of_business", "is_active": "retired"}
VACANCY_COLUMNS = {"company": "company_cvr", "is_open": "open"}


def open_flag(text: str) -> bool:
    """The `open` column of vacancies.csv: yes when empty."""
    return True if not text.strip() else fmt.parse_bool(text)


def register_of(organisation) -> dict[str, Company]:
    """The organisation's companies by CVR number."""
    return {c.cvr: c for c in Company.objects.filter(organisation=organisation)}


class CompanyFilesCheck:
    """Mixed into check.PackageCheck: `error`, `read`, `parsed`, `key`, `reference`, `text`,
    `organisation` and `seen` come from there."""

    def company_files(self) -> None:
        self.register = register_of(self.organisation)
        self.package_cvrs: dict[str, int] = {}  # the line each company is on
        for row in self.read(fmt.COMPANIES):
            self.company_row(row)
        for row in self.read(fmt.COMPANY_CONTACTS):
            self.contact_row(row)
        for row in self.read(fmt.VACANCIES):
            self.vacancy_row(row)

    def company_known(self, spec, row: fmt.Row, column: str = "company_cvr") -> bool:
        """The row names a company of companies.csv or of the importer's register."""
        cvr = company_services.cvr_clean(row.values[column])
        if cvr in self.package_cvrs or cvr in self.register:
            return True
        self.error(
            spec,
            row.line,
            column,
            _("No company with this CVR number in companies.csv or the register."),
        )
        return False

    def company_row(self, row: fmt.Row) -> None:
        spec = fmt.COMPANIES
        values = row.values
        errors = company_services.company_errors(
            name=values["name"],
            cvr=values["cvr"],
            size_band=values["size_band"],
            sector=values["line_of_business"],
        )
        for field, message in errors.items():
            self.error(spec, row.line, COMPANY_COLUMNS.get(field, field), message)
        self.text(spec, row, "name", 200)
        self.text(spec, row, "address", 300)
        retired = self.parsed(spec, row, "retired", fmt.parse_bool)
        if "cvr" in errors:
            return
        cvr = company_services.cvr_clean(values["cvr"])
        if cvr in self.package_cvrs:
            self.error(
                spec,
                row.line,
                "cvr",
                _("The same CVR number as line %(line)d.") % {"line": self.package_cvrs[cvr]},
            )
            return
        self.package_cvrs[cvr] = row.line
        existing = self.register.get(cvr)
        if existing is not None and not existing.is_active and retired is False:
            self.error(
                spec,
                row.line,
                "retired",
                _("The company has been retired in Fremdrift; an import does not make it active."),
            )

    def contact_row(self, row: fmt.Row) -> None:
        spec = fmt.COMPANY_CONTACTS
        values = row.values
        self.key(spec, row, Entity.COMPANY_CONTACT)
        self.company_known(spec, row)
        for column, limit in (("name", 200), ("role", 200), ("phone", 40), ("email", 254)):
            self.text(spec, row, column, limit)
        if values["email"]:
            try:
                validate_email(values["email"])
            except ValidationError:
                self.error(spec, row.line, "email", _("This is not an email address."))

    def vacancy_row(self, row: fmt.Row) -> None:
        spec = fmt.VACANCIES
        self.key(spec, row, Entity.VACANCY)
        self.company_known(spec, row)
        self.text(spec, row, "title", 200)
        hours = self.parsed(spec, row, "weekly_hours", fmt.parse_decimal)
        if hours is not None and not 0 <= hours <= 48:
            self.error(spec, row.line, "weekly_hours", _("Weekly hours are from 0 to 48."))
        self.parsed(spec, row, "from_date", fmt.parse_date)
        self.parsed(spec, row, "open", open_flag)

    def vacancy_suggestion_row(self, row: fmt.Row) -> None:
        spec = fmt.VACANCY_SUGGESTIONS
        values = row.values
        self.key(spec, row, Entity.VACANCY_SUGGESTION)
        self.reference(spec, row, "citizen", Entity.CITIZEN)
        self.reference(spec, row, "vacancy", Entity.VACANCY)
        self.parsed(spec, row, "suggested_on", fmt.parse_date)
        if values["outcome"] and values["outcome"] not in VacancySuggestion.Outcome.values:
            self.error(spec, row.line, "outcome", _("Unknown outcome."))


class CompanyFilesWrite:
    """Mixed into services._PackageWrite: `actor`, `keys`, `counts`, `write_rows`, `remember`
    and `plan_of` come from there."""

    def company_files(self) -> None:
        self.register = register_of(self.actor.organisation)
        self.companies_to_retire: list[Company] = []
        self.vacancies_to_close: list[Vacancy] = []
        self.write_rows(fmt.COMPANIES, self.company_row)
        self.write_rows(fmt.COMPANY_CONTACTS, self.contact_row)
        self.write_rows(fmt.VACANCIES, self.vacancy_row)

    def company_of(self, cvr: str) -> Company:
        return self.register[company_services.cvr_clean(cvr)]

    def company_row(self, row: fmt.Row) -> None:
        values = row.values
        fields = {
            "name": values["name"],
            "cvr": values["cvr"],
            "address": values["address"],
            "size_band": values["size_band"],
            "sector": values["line_of_business"],
            "notes": values["notes"],
        }
        retired = fmt.parse_bool(values["retired"])
        existing = self.register.get(company_services.cvr_clean(values["cvr"]))
        try:
            if existing is None:
                company = company_services.company_create(
                    actor=self.actor, organisation=self.actor.organisation, **fields
                )
                self.counts["company"]["created"] += 1
            else:
                company = existing
                same = all(
                    getattr(existing, name) == (value.strip() if name != "notes" else value)
                    for name, value in fields.items()
                    if name != "cvr"
                )
                if not same:
                    company = company_services.company_update(
                        actor=self.actor, company=existing, expected_version=None, **fields
                    )
                changed = not same or (retired and existing.is_active)
                self.counts["company"]["updated" if changed else "unchanged"] += 1
        except ValidationError as error:
            raise renamed(error, COMPANY_COLUMNS) from None
        self.register[company.cvr] = company
        if retired and company.is_active:
            self.companies_to_retire.append(company)

    def contact_row(self, row: fmt.Row) -> None:
        values = row.values
        company = self.company_of(values["company_cvr"])
        fields = {
            "name": values["name"],
            "role": values["role"],
            "phone": values["phone"],
            "email": values["email"],
        }
        pk = self.keys[Entity.COMPANY_CONTACT].get(values["id"])
        if pk is None:
            contact = company_services.company_contact_add(
                actor=self.actor, company=company, **fields
            )
            self.remember(Entity.COMPANY_CONTACT, values["id"], contact.pk)
            self.counts[Entity.COMPANY_CONTACT]["created"] += 1
            return
        contact = CompanyContact.objects.get(pk=pk)
        same = contact.company_id == company.pk and all(
            getattr(contact, name) == value.strip() for name, value in fields.items()
        )
        if not same:
            raise ValidationError(
                {"name": _("An imported contact person cannot change; change it in Fremdrift.")}
            )
        self.counts[Entity.COMPANY_CONTACT]["unchanged"] += 1

    def vacancy_row(self, row: fmt.Row) -> None:
        values = row.values
        company = self.company_of(values["company_cvr"])
        fields = {
            "title": values["title"],
            "from_date": fmt.parse_date(values["from_date"]),
            "weekly_hours": (
                fmt.parse_decimal(values["weekly_hours"]) if values["weekly_hours"] else None
            ),
        }
        is_open = open_flag(values["open"])
        pk = self.keys[Entity.VACANCY].get(values["id"])
        if pk is None:
            try:
                vacancy = company_services.vacancy_add(actor=self.actor, company=company, **fields)
            except ValidationError as error:
                raise renamed(error, VACANCY_COLUMNS) from None
            self.remember(Entity.VACANCY, values["id"], vacancy.pk)
            self.counts[Entity.VACANCY]["created"] += 1
        else:
            vacancy = Vacancy.objects.get(pk=pk)
            same = (
                vacancy.company_id == company.pk
                and vacancy.title == fields["title"].strip()
                and vacancy.from_date == fields["from_date"]
                and vacancy.weekly_hours == fields["weekly_hours"]
            )
            if not same or (is_open and not vacancy.is_open):
                raise ValidationError(
                    {
                        "title": _(
                            "An imported position cannot change or open again; change it in "
                            "Fremdrift."
                        )
                    }
                )
            closed = is_open != vacancy.is_open
            self.counts[Entity.VACANCY]["updated" if closed else "unchanged"] += 1
        if not is_open and vacancy.is_open:
            self.vacancies_to_close.append(vacancy)

    def vacancy_suggestion_row(self, row: fmt.Row) -> None:
        values = row.values
        vacancy = Vacancy.objects.get(pk=self.keys[Entity.VACANCY][values["vacancy"]])
        day = fmt.parse_date(values["suggested_on"])
        outcome = values["outcome"] or VacancySuggestion.Outcome.SUGGESTED
        pk = self.keys[Entity.VACANCY_SUGGESTION].get(values["id"])
        plan = self.plan_of(values["citizen"])
        if pk is None:
            suggestion = plan_services.vacancy_suggest(
                actor=self.actor, plan=plan, vacancy=vacancy, suggested_on=day
            )
            self.remember(Entity.VACANCY_SUGGESTION, values["id"], suggestion.pk)
            self.counts[Entity.VACANCY_SUGGESTION]["created"] += 1
        else:
            suggestion = VacancySuggestion.objects.get(pk=pk)
            if (suggestion.plan_id, suggestion.vacancy_id, suggestion.suggested_on) != (
                plan.pk,
                vacancy.pk,
                day,
            ):
                raise ValidationError(
                    {"vacancy": _("An imported suggestion cannot move to another position.")}
                )
            self.counts[Entity.VACANCY_SUGGESTION][
                "unchanged" if suggestion.outcome == outcome else "updated"
            ] += 1
        if suggestion.outcome != outcome:
            plan_services.vacancy_suggestion_outcome(
                actor=self.actor, suggestion=suggestion, outcome=outcome
            )

    def companies_retire(self) -> None:
        """What the package retires and closes, once its placements and suggestions are
        written."""
        for vacancy in self.vacancies_to_close:
            company_services.vacancy_close(actor=self.actor, vacancy=vacancy)
        for company in self.companies_to_retire:
            company_services.company_retire(
                actor=self.actor, company=company, expected_version=None
            )


def renamed(error: ValidationError, columns: dict[str, str]) -> ValidationError:
    """A service's error with its fields named as the file's columns."""
    if not hasattr(error, "error_dict"):
        return error
    return ValidationError(
        {columns.get(field, field): messages for field, messages in error.message_dict.items()}
    )


def export_company_files(write, key) -> None:
    """Writes the company register: every company, contact person and position;
    `key(entity, pk)` gives the id an object goes out under."""
    write(
        fmt.COMPANIES,
        (
            {
                "cvr": c.cvr,
                "name": c.name,
                "address": c.address,
                "size_band": c.size_band,
                "line_of_business": c.sector,
                "notes": c.notes,
                "retired": not c.is_active,
            }
            for c in Company.objects.order_by("organisation_id", "cvr")
        ),
    )
    write(
        fmt.COMPANY_CONTACTS,
        (
            {
                "id": key(Entity.COMPANY_CONTACT, contact.pk),
                "company_cvr": contact.company.cvr,
                "name": contact.name,
                "role": contact.role,
                "email": contact.email,
                "phone": contact.phone,
            }
            for contact in CompanyContact.objects.select_related("company").order_by("pk")
        ),
    )
    write(
        fmt.VACANCIES,
        (
            {
                "id": key(Entity.VACANCY, vacancy.pk),
                "company_cvr": vacancy.company.cvr,
                "title": vacancy.title,
                "weekly_hours": vacancy.weekly_hours,
                "from_date": vacancy.from_date,
                "open": vacancy.is_open,
            }
            for vacancy in Vacancy.objects.select_related("company").order_by("pk")
        ),
    )


def export_vacancy_suggestions(write, key) -> None:
    """Writes the positions suggested to citizens, with what came of them."""
    write(
        fmt.VACANCY_SUGGESTIONS,
        (
            {
                "id": key(Entity.VACANCY_SUGGESTION, suggestion.pk),
                "citizen": key(Entity.CITIZEN, suggestion.plan.citizen_id),
                "vacancy": key(Entity.VACANCY, suggestion.vacancy_id),
                "suggested_on": suggestion.suggested_on,
                "outcome": suggestion.outcome,
            }
            for suggestion in VacancySuggestion.objects.select_related("plan").order_by("pk")
        ),
    )
