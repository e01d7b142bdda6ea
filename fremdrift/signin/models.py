"""Single sign-on through the municipality's identity provider (OpenID Connect): which of the
provider's claims give which organisation and role, and which account a person of the
provider is."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fremdrift.accounts.roles import Role


class ClaimMapping(models.Model):
    """A claim value from an identity provider (a group or role, as Entra ID sends them in
    `groups` or `roles`) that gives a person an organisation and a role in Fremdrift."""

    issuer = models.CharField(
        _("identity provider (issuer)"),
        max_length=300,
        help_text=_(
            "The issuer as the provider names itself, e.g. https://login.microsoftonline.com/<tenant>/v2.0"
        ),
    )
    claim = models.CharField(_("claim"), max_length=100, default="groups")
    value = models.CharField(_("value"), max_length=300)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("claim mapping")
        verbose_name_plural = _("claim mappings")
        ordering = ["issuer", "claim", "value"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "claim", "value"], name="one_mapping_per_claim_value"
            ),
            models.CheckConstraint(
                condition=Q(role__in=Role.values), name="claim_mapping_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.claim}={self.value} → {self.organisation} ({self.role})"


class SignInIdentity(models.Model):
    """The person an identity provider knows by `subject`: the account they sign in to."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sign_in_identity"
    )
    issuer = models.CharField(max_length=300)
    subject = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="one_account_per_subject")
        ]

    def __str__(self) -> str:
        return f"{self.issuer} {self.subject}"
