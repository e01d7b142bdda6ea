"""The company register of an organisation: the companies its job consultants work with, their
contact persons and their open positions. A placement (a company-oriented activity of a plan,
`plans.Activity.company`) names its company and company mentor."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class SizeBand(models.TextChoices):
    MICRO = "1-9", _("1–9 employees")
    SMALL = "10-49", _("10–49 employees")
    MEDIUM = "50-249", _("50–249 employees")
    LARGE = "250+", _("250 or more employees")


class Sector(models.TextChoices):
    INDUSTRY = "industry", _("Manufacturing")
    CONSTRUCTION = "construction", _("Building and construction")
    TRADE = "trade", _("Trade and retail")
    TRANSPORT = "transport", _("Transport and logistics")
    HOSPITALITY = "hospitality", _("Hotels and restaurants")
    SERVICES = "services", _("Business services")
    CARE = "care", _("Health and care")
    PUBLIC = "public", _("Public administration and education")
    AGRICULTURE = "agriculture", _("Agriculture and gardening")
    OTHER = "other", _("Other")


class Company(models.Model):
    """A company in an organisation's register. Retired (`is_active` false) when the
    organisation no longer places citizens there: it stays readable with its placements, but no
    new placement is made at it."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="companies"
    )
    name = models.CharField(_("name"), max_length=200)
    cvr = models.CharField(_("CVR number"), max_length=8)
    address = models.CharField(_("address"), max_length=300, blank=True)
    size_band = models.CharField(
        _("number of employees"), max_length=10, choices=SizeBand.choices, blank=True
    )
    sector = models.CharField(
        _("line of business"), max_length=20, choices=Sector.choices, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["organisation", "name", "id"]
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "cvr"], name="company_cvr_once_per_organisation"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="company_has_name"),
            models.CheckConstraint(
                condition=Q(cvr__regex=r"^[0-9]{8}$"), name="company_cvr_eight_digits"
            ),
            models.CheckConstraint(
                condition=Q(size_band__in=["", *SizeBand.values]), name="company_size_band_valid"
            ),
            models.CheckConstraint(
                condition=Q(sector__in=["", *Sector.values]), name="company_sector_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CompanyContact(models.Model):
    """A contact person at a company; one who mentors a citizen in a placement is named on the
    placement as its company mentor."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="contacts")
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("job title or role"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["company", "name", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="company_contact_has_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.role})" if self.role else self.name


class Vacancy(models.Model):
    """An open position a company has told the job consultant about (seed 004): what, how many
    hours a week, from when. A job consultant suggests it to a citizen on the plan
    (`plans.VacancySuggestion`); filled, it is no longer suggested."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="vacancies")
    title = models.CharField(_("position"), max_length=200)
    weekly_hours = models.DecimalField(
        _("hours per week"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    from_date = models.DateField(_("from"))
    is_open = models.BooleanField(_("open"), default=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["company", "-is_open", "from_date", "id"]
        verbose_name_plural = _("vacancies")
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="vacancy_has_title"),
            models.CheckConstraint(
                condition=Q(weekly_hours__isnull=True)
                | Q(weekly_hours__gte=0, weekly_hours__lte=48),
                name="vacancy_weekly_hours_0_48",
            ),
        ]

    def __str__(self) -> str:
        return self.title
