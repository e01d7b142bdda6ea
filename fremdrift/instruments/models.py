from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def _in_language(da: str, en: str) -> str:
    return en if (get_language() or "da").startswith("en") and en else da


class Purpose(models.TextChoices):
    PROGRESSION = "progression", _("Progression")
    OBSERVATION = "observation", _("Observation")
    FIDELITY = "fidelity", _("Fidelity")
    SATISFACTION = "satisfaction", _("Satisfaction survey")
    RESOURCE_PROFILE = "resource_profile", _("Resource profile")
    PROFILE = "profile", _("Participant profile")


class Respondent(models.TextChoices):
    CITIZEN = "citizen", _("The citizen")
    CASEWORKER = "caseworker", _("The caseworker")
    JOINT = "joint", _("Citizen and caseworker together")
    PROVIDER = "provider", _("The provider")
    OBSERVATION = "observation", _("Observation")


class ScaleType(models.TextChoices):
    ORDINAL = "ordinal", _("Ordinal scale")
    YES_NO = "yes_no", _("Yes/no")
    PERCENT = "percent", _("Percent")
    NUMBER = "number", _("Number")
    TEXT = "text", _("Text")
    CHOICE = "choice", _("One of a list")
    CHOICES = "choices", _("Several of a list")


# Nominal scales: answers are codes from the item's list, counted in reports and never summed.
NOMINAL_SCALES = (ScaleType.CHOICE, ScaleType.CHOICES)


class Instrument(models.Model):
    """A battery of items with a purpose. Its content lives in versions."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name_da = models.CharField(_("Danish name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    is_builtin = models.BooleanField(default=False, editable=False)
    # Set by an administrator for the reliable change index; otherwise the reports estimate
    # it from the data (Cronbach's alpha).
    reliability = models.FloatField(_("reliability"), null=True, blank=True)
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Moved by every service that creates, changes or publishes a version, so that another
    # system can keep in step with `updated_since`.
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["name_da"]
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")
        constraints = [
            models.CheckConstraint(
                condition=Q(reliability__isnull=True) | Q(reliability__gt=0, reliability__lt=1),
                name="instrument_reliability_between_0_and_1",
            ),
            models.CheckConstraint(
                condition=Q(
                    purpose__in=[
                        "progression",
                        "observation",
                        "fidelity",
                        "satisfaction",
                        "resource_profile",
                        "profile",
                    ]
                ),
                name="instrument_purpose_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _in_language(self.name_da, self.name_en)


class InstrumentVersion(models.Model):
    """One version of an instrument. A draft can be edited; a published version is what
    assessments answer; a version with answers is frozen: changing it makes a new version."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        RETIRED = "retired", _("Retired")

    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    respondents = models.JSONField(default=list)
    reliability = models.FloatField(
        null=True, blank=True, help_text="Set by an administrator; else estimated from data."
    )
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["instrument", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "number"], name="version_number_unique"),
            models.UniqueConstraint(
                fields=["instrument"],
                condition=Q(status="draft"),
                name="one_draft_per_instrument",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published", "retired"]),
                name="version_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="published_version_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} v{self.number}"


class Item(models.Model):
    """One question or dimension. Its code stays the same across versions, so that answers
    to different versions can be compared."""

    version = models.ForeignKey(InstrumentVersion, on_delete=models.CASCADE, related_name="items")
    code = models.SlugField(_("code"), max_length=60)
    position = models.PositiveIntegerField(default=0)
    label_da = models.CharField(_("Danish short label"), max_length=60)
    label_en = models.CharField(_("English short label"), max_length=60, blank=True)
    text_da = models.CharField(_("Danish text"), max_length=300)
    text_en = models.CharField(_("English text"), max_length=300, blank=True)
    help_da = models.TextField(_("Danish help text"), blank=True)
    help_en = models.TextField(_("English help text"), blank=True)
    dimension = models.CharField(_("dimension"), max_length=100, blank=True)
    scale_type = models.CharField(_("scale"), max_length=10, choices=ScaleType.choices)
    scale_min = models.IntegerField(null=True, blank=True)
    scale_max = models.IntegerField(null=True, blank=True)
    # {"1": ["Meget dårligt", "Very poor"], ...}: a short label per scale point.
    point_labels = models.JSONField(default=dict, blank=True)
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    # [["mg2", "Matchgruppe 2", "Match group 2"], ...]: the list of a nominal item, in order
    # (a list, since a JSON object's key order is not kept by PostgreSQL).
    options = models.JSONField(default=list, blank=True)
    allows_dont_know = models.BooleanField(_("allows 'don't know'"), default=False)
    allows_not_relevant = models.BooleanField(_("allows 'not relevant'"), default=False)

    class Meta:
        ordering = ["version", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="item_code_unique_in_version"),
            models.CheckConstraint(
                condition=Q(
                    scale_type__in=[
                        "ordinal",
                        "yes_no",
                        "percent",
                        "number",
                        "text",
                        "choice",
                        "choices",
                    ]
                ),
                name="item_scale_type_valid",
            ),
            models.CheckConstraint(
                condition=~Q(scale_type="ordinal")
                | Q(
                    scale_min__isnull=False,
                    scale_max__isnull=False,
                    scale_max__gt=F("scale_min"),
                    scale_max__lte=F("scale_min") + 10,
                ),
                name="ordinal_item_has_a_scale",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.text}"

    @property
    def label(self) -> str:
        return _in_language(self.label_da, self.label_en)

    @property
    def text(self) -> str:
        return _in_language(self.text_da, self.text_en)

    @property
    def help(self) -> str:
        return _in_language(self.help_da, self.help_en)

    @property
    def is_ordinal(self) -> bool:
        return self.scale_type == ScaleType.ORDINAL

    @property
    def is_nominal(self) -> bool:
        return self.scale_type in NOMINAL_SCALES

    def option_codes(self) -> list[str]:
        return [option[0] for option in self.options]

    def option_label(self, code: str) -> str:
        for option_code, label_da, label_en in self.options:
            if option_code == code:
                return _in_language(label_da, label_en)
        return code

    def choice_options(self) -> list[tuple[str, str]]:
        return [(code, _in_language(da, en)) for code, da, en in self.options]

    def point_label(self, value: int) -> str:
        labels = self.point_labels.get(str(value))
        return _in_language(labels[0], labels[1]) if labels else ""

    def scale_points(self) -> list[tuple[int, str]]:
        if not self.is_ordinal:
            return []
        return [(v, self.point_label(v)) for v in range(self.scale_min, self.scale_max + 1)]
