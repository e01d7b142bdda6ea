from django.db import models
from django.utils.translation import gettext_lazy as _


class DatasetExport(models.Model):
    """Holds the permission to export pseudonymised analysis datasets, which an administrator
    grants to a manager or analyst in the admin (Users → permissions). Each export itself is
    written to the access log with its purpose."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("export_dataset", _("Can export pseudonymised analysis datasets")),
        ]

    def __str__(self) -> str:
        return "dataset export"
