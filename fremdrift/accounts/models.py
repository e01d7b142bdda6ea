from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import access
from .roles import Role


class Organisation(models.Model):
    class Kind(models.TextChoices):
        AUTHORITY = "authority", _("Authority (jobcentre, administration)")
        PROVIDER = "provider", _("Provider")
        PROJECT = "project", _("Project")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["authority", "provider", "project"]),
                name="organisation_kind_valid",
            )
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who signs in, or an integration client (another system that uses the API with
    a token), with one role in one organisation. The two never mix: an integration client
    cannot sign in, and a person is never issued a token."""

    class Kind(models.TextChoices):
        PERSON = "person", _("Person")
        SYSTEM = "system", _("Integration client")

    kind = models.CharField(
        _("kind"), max_length=10, choices=Kind.choices, default=Kind.PERSON, editable=False
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="members",
        null=True,
        blank=True,
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role="") | models.Q(organisation__isnull=False),
                name="user_role_needs_organisation",
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=["", *[choice.value for choice in Role]]),
                name="user_role_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["person", "system"]), name="user_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(kind="person")
                | (
                    models.Q(is_staff=False, is_superuser=False, organisation__isnull=False)
                    & ~models.Q(role="")
                ),
                name="integration_client_has_a_role_and_no_admin",
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    # For the templates; the rules themselves are in `access`.
    @property
    def is_integration_client(self) -> bool:
        return access.is_integration_client(self)

    @property
    def works_with_cases(self) -> bool:
        return access.works_with_cases(self)

    @property
    def has_overview(self) -> bool:
        return access.has_overview(self)

    @property
    def is_administrator(self) -> bool:
        return access.is_administrator(self)

    @property
    def reads_programmes(self) -> bool:
        return access.reads_programmes(self)

    @property
    def uses_company_register(self) -> bool:
        return access.may_use_company_register(self)

    @property
    def reads_reports(self) -> bool:
        return access.may_read_reports(self)
