"""Retention of case data: the organisation's rule, the citizens due for erasure as the daily
job finds them, legal holds, and the record of each approved erasure (which holds no personal
data: who approved, when, how many)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RetentionRule(models.Model):
    """How long a citizen's case data are kept after the case is closed, in an organisation
    (its home organisation's citizens). Without a rule, FREMDRIFT_RETENTION_MONTHS applies."""

    organisation = models.OneToOneField(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="retention_rule"
    )
    months_after_close = models.PositiveSmallIntegerField(_("months after the case is closed"))
    changed_at = models.DateTimeField(auto_now=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(months_after_close__gte=6) & Q(months_after_close__lte=240),
                name="retention_between_6_and_240_months",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.months_after_close}"


class ErasureCandidate(models.Model):
    """A citizen whose case has been closed for longer than the rule: listed by the daily job
    on "Klar til sletning" until an administrator approves the erasure (or the case opens
    again, or a legal hold is placed)."""

    citizen = models.OneToOneField(
        "citizens.Citizen", on_delete=models.CASCADE, related_name="erasure_candidate"
    )
    closed_since = models.DateField(_("case closed since"))
    due_on = models.DateField(_("due for erasure on"))
    listed_on = models.DateField(_("listed on"))

    def __str__(self) -> str:
        return f"{self.citizen_id} due {self.due_on}"


class LegalHold(models.Model):
    """Keeps a citizen off the erasure list (a complaint, a court case, an audit) until lifted.
    Erased with the citizen."""

    citizen = models.ForeignKey(
        "citizens.Citizen", on_delete=models.CASCADE, related_name="legal_holds"
    )
    reason = models.CharField(_("reason"), max_length=300)
    placed_at = models.DateTimeField(auto_now_add=True)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["citizen"],
                condition=Q(lifted_at__isnull=True),
                name="one_legal_hold_in_force_per_citizen",
            ),
            models.CheckConstraint(
                condition=Q(lifted_at__isnull=True, lifted_by__isnull=True)
                | Q(lifted_at__isnull=False, lifted_by__isnull=False),
                name="legal_hold_lifted_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.citizen_id}: {self.reason}"


class ErasureApproval(models.Model):
    """An administrator's approval of erasures, kept without the erased data."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(auto_now_add=True)
    erased = models.PositiveIntegerField(_("citizens erased"))

    class Meta:
        ordering = ["-approved_at"]

    def __str__(self) -> str:
        return f"{self.approved_at:%Y-%m-%d} {self.erased}"
