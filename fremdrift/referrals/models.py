from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fremdrift.accounts.models import Organisation


class Referral(models.Model):
    """A caseworker hands a citizen to a provider's programme for a period, with the focus items
    the provider works on and scores, at a cadence. While active, the provider's staff see the
    citizen, and only what the referral shares."""

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
    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
    )
    instrument = models.ForeignKey(
        "instruments.Instrument",
        verbose_name=_("instrument"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    interval_days = models.PositiveSmallIntegerField(
        _("scored every (days)"), null=True, blank=True
    )
    starting_assessment = models.ForeignKey(
        "assessments.Assessment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
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
            models.CheckConstraint(
                condition=Q(interval_days__isnull=True)
                | Q(interval_days__gte=1, interval_days__lte=366),
                name="referral_interval_within_a_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.citizen_id} → {self.provider_id} ({self.status})"


class FocusItem(models.Model):
    """An item the provider must work on and score, with the caseworker's starting score."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="focus_items")
    item_code = models.SlugField(max_length=60)
    starting_score = models.FloatField(_("starting score"))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["referral", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["referral", "item_code"], name="focus_item_once")
        ]

    def __str__(self) -> str:
        return self.item_code
