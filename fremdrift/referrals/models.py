from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fremdrift.accounts.models import Organisation


class Referral(models.Model):
    """A caseworker hands a citizen to a provider for a period; while active, the provider's
    staff may see the citizen. Minimal here; the programmes issue adds focus items and scores."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        ENDED = "ended", _("Ended")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    citizen = models.ForeignKey(
        "citizens.Citizen", on_delete=models.PROTECT, related_name="referrals"
    )
    provider = models.ForeignKey(
        Organisation,
        verbose_name=_("provider"),
        on_delete=models.PROTECT,
        related_name="referrals_received",
    )
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referrals_made"
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [models.Index(fields=["provider", "status", "citizen"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["active", "ended", "withdrawn"]),
                name="referral_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="referral_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.citizen_id} → {self.provider_id} ({self.status})"
