"""The roles of DOMAIN.md: one role in one organisation for every user."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CASEWORKER = "caseworker", _("Caseworker")
    PROVIDER_STAFF = "provider_staff", _("Provider staff")
    JOB_CONSULTANT = "job_consultant", _("Job consultant")
    MANAGER = "manager", _("Manager / analyst")
    ADMINISTRATOR = "administrator", _("Administrator")
