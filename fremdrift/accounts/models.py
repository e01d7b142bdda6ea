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
    """A person who signs in, with one role in one organisation."""

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
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    # For the templates; the rules themselves are in `access`.
    @property
    def works_with_cases(self) -> bool:
        return access.works_with_cases(self)

    @property
    def is_administrator(self) -> bool:
        return access.is_administrator(self)

    @property
    def reads_programmes(self) -> bool:
        return access.reads_programmes(self)

    @property
    def reads_reports(self) -> bool:
        return access.may_read_reports(self)
