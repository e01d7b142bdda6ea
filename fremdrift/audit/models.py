from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AccessAction(models.TextChoices):
    VIEW = "view", _("Viewed")
    LIST = "list", _("Listed")
    SEARCH = "search", _("Searched")
    SHOW_CPR = "show_cpr", _("Showed CPR number")
    EDIT = "edit", _("Edited")
    CREATE = "create", _("Created")
    EXPORT = "export", _("Exported")


class AccessLogEntry(models.Model):
    """One response that showed personal data. Written by `access_log_write`, never edited;
    deleted only by the retention purge. Citizen references carry no foreign-key constraint, so
    that the log outlives what it refers to."""

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        null=True,
    )
    username = models.CharField(_("user name"), max_length=150)
    # The citizen looked at their own data (signed in, or through a self-assessment link).
    by_citizen = models.BooleanField(_("by the citizen themself"), default=False)
    citizen = models.ForeignKey(
        "citizens.Citizen",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        null=True,
    )
    action = models.CharField(_("action"), max_length=20, choices=AccessAction.choices)
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    criterion = models.CharField(_("search criterion"), max_length=200, blank=True)
    path = models.CharField(max_length=200, blank=True)
    # The API token the request came through, if any (`api.ApiToken`; no constraint, so that
    # the log outlives the token).
    api_token_id = models.BigIntegerField(_("API token"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("access-log entry")
        verbose_name_plural = _("access log")
        indexes = [
            models.Index(fields=["citizen", "at"]),
            models.Index(fields=["user", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action}"


class AccessLogSubject(models.Model):
    """A citizen shown in a list or search response."""

    entry = models.ForeignKey(AccessLogEntry, on_delete=models.CASCADE, related_name="subjects")
    citizen = models.ForeignKey(
        "citizens.Citizen", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["citizen", "entry"])]

    def __str__(self) -> str:
        return f"{self.entry_id}: {self.citizen_id}"


class ChangeRecord(models.Model):
    """Who changed which case data when, with the values before and after."""

    class Kind(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Changed")
        DELETE = "delete", _("Deleted")

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        null=True,
    )
    actor_name = models.CharField(max_length=150)
    citizen = models.ForeignKey(
        "citizens.Citizen",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        null=True,
    )
    model = models.CharField(max_length=100)
    object_id = models.CharField(max_length=40)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    before = models.JSONField(null=True)
    after = models.JSONField(null=True)
    # Shared by the rows of one bulk change.
    batch = models.UUIDField(null=True, blank=True)
    api_token_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["model", "object_id"]),
            models.Index(fields=["citizen", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.model} {self.object_id} {self.kind} by {self.actor_name}"
