from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fremdrift.accounts.models import Organisation
from fremdrift.codelists.models import Code
from fremdrift.core import cpr as cprlib


class Citizen(models.Model):
    """A person being helped. The CPR number is stored encrypted and found by a keyed hash."""

    class Sex(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")

    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    # Both empty for a citizen registered without a usable CPR number (historic or anonymised
    # data from an exchange package), who then has only a birth date and a legal sex.
    cpr_encrypted = models.TextField(editable=False, blank=True)
    # NULL, not "": citizens without a number must not collide in the unique constraint.
    cpr_hash = models.CharField(  # noqa: DJ001
        max_length=64, db_index=True, editable=False, null=True
    )
    birth_date = models.DateField(_("birth date"), editable=False)
    sex = models.CharField(_("legal sex"), max_length=6, choices=Sex.choices, editable=False)
    home_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("home organisation"),
        on_delete=models.PROTECT,
        related_name="citizens",
    )
    responsible_caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible caseworker"),
        on_delete=models.PROTECT,
        related_name="caseload",
    )
    target_group = models.ForeignKey(
        Code,
        verbose_name=_("target group"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"code_list": "target_group"},
    )
    # The idempotency key of the form that created the citizen: a second submit of the same
    # form finds the first citizen instead of making another.
    creation_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("citizen")
        verbose_name_plural = _("citizens")
        ordering = ["last_name", "first_name", "id"]
        indexes = [
            models.Index(fields=["home_organisation", "last_name", "first_name"]),
            models.Index(fields=["responsible_caseworker", "last_name", "first_name"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(sex__in=["female", "male"]), name="citizen_sex_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(first_name="") & ~models.Q(last_name=""),
                name="citizen_has_name",
            ),
            models.CheckConstraint(
                condition=models.Q(version__gte=1), name="citizen_version_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(cpr_hash__isnull=True, cpr_encrypted="")
                | (models.Q(cpr_hash__isnull=False) & ~models.Q(cpr_encrypted="")),
                name="citizen_cpr_whole_or_none",
            ),
            # Each authority is its own data controller: a citizen is registered once per
            # home organisation, and one authority never learns whether another knows them.
            models.UniqueConstraint(
                fields=["home_organisation", "cpr_hash"], name="citizen_once_per_organisation"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def has_cpr(self) -> bool:
        return self.cpr_hash is not None

    @property
    def masked_cpr(self) -> str:
        # The birth date is stored in the clear, so masking needs no decryption.
        born = self.birth_date.strftime("%d%m%y")
        if not self.has_cpr:
            return _("%(born)s (no CPR number)") % {"born": born}
        return born + "-XXXX"

    @property
    def age(self) -> int:
        import datetime as dt

        return cprlib.age_on(self.birth_date, dt.date.today())

    @property
    def age_band(self) -> str:
        return age_band(self.age)


AGE_BANDS = ((25, "<25"), (30, "25-29"), (40, "30-39"), (50, "40-49"), (60, "50-59"))


def age_band(age: int) -> str:
    """The age bands of the monitoring reports (seeds/002): under 25, 25-29, ..., 60+."""
    for upper, label in AGE_BANDS:
        if age < upper:
            return label
    return "60+"


class CaseShare(models.Model):
    """A collaboration ("samarbejde"): the citizen's home organisation shares the case with
    another authority for a period and a purpose. While it is active (today within the period
    and not ended), that authority's caseworkers see the citizen and work on the shared plan
    (`citizens.access`); they never read the home organisation's internal notes, reveal the
    CPR number, export subject access or change the citizen's basic record."""

    citizen = models.ForeignKey(
        Citizen, verbose_name=_("citizen"), on_delete=models.CASCADE, related_name="case_shares"
    )
    home_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("home organisation"),
        on_delete=models.PROTECT,
        related_name="case_shares_given",
    )
    shared_with = models.ForeignKey(
        Organisation,
        verbose_name=_("shared with"),
        on_delete=models.PROTECT,
        related_name="case_shares_received",
    )
    purpose = models.TextField(_("purpose"))
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True, editable=False)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ended by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("case share")
        verbose_name_plural = _("case shares")
        ordering = ["-start_date", "-id"]
        indexes = [models.Index(fields=["shared_with", "citizen"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="case_share_end_after_start",
            ),
            models.CheckConstraint(
                condition=~models.Q(shared_with=models.F("home_organisation")),
                name="case_share_not_with_home",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_at__isnull=True) | models.Q(ended_by__isnull=False),
                name="case_share_ended_by_someone",
            ),
            models.CheckConstraint(
                condition=models.Q(version__gte=1), name="case_share_version_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.citizen_id} → {self.shared_with}"

    def is_active(self, on=None) -> bool:
        import datetime as dt

        day = on or dt.date.today()
        return (
            self.ended_at is None
            and self.start_date <= day
            and (self.end_date is None or self.end_date >= day)
        )
