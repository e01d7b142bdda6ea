"""The citizen's own way in: invitations to answer an instrument alone through a link."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fremdrift.assessments.models import Assessment
from fremdrift.instruments.models import InstrumentVersion


class SelfAssessmentInvitation(models.Model):
    """A single-use link for the citizen to answer one instrument version alone, on their own
    phone. Only a hash of the link's token is kept; the answers given so far wait in `draft`
    until the link is used or expires (the nightly job clears the drafts of expired links)."""

    citizen = models.ForeignKey(
        "citizens.Citizen", on_delete=models.CASCADE, related_name="self_assessment_invitations"
    )
    version = models.ForeignKey(InstrumentVersion, on_delete=models.PROTECT, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    pictograms = models.BooleanField(_("pictograms on the scale points"), default=False)
    draft = models.JSONField(default=dict, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)
    assessment = models.OneToOneField(
        Assessment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitation",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="invitation_expires_after_creation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.citizen_id} {self.version} until {self.expires_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.used_at is None and self.expires_at > timezone.now()
