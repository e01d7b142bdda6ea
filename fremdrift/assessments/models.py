from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fremdrift.instruments.models import InstrumentVersion, Item, Respondent


class Assessment(models.Model):
    """One filling-in of an instrument version for a citizen, on a date, by a respondent."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        COMPLETED = "completed", _("Completed")

    class Kind(models.TextChoices):
        # A reading of the instrument: what the wheel compares and the reports count.
        READING = "reading", _("Assessment")
        # A referral's starting scores on its focus items (`referrals.services.referral_create`):
        # the baseline of those items for the referral, not a reading of the whole instrument.
        # The wheel marks them, they cover no due date, and no report takes them as a total
        # or a follow-up.
        STARTING_SCORES = "starting_scores", _("Starting scores at referral")

    citizen = models.ForeignKey(
        "citizens.Citizen", on_delete=models.PROTECT, related_name="assessments"
    )
    version = models.ForeignKey(
        InstrumentVersion, on_delete=models.PROTECT, related_name="assessments"
    )
    date = models.DateField(_("date"))
    respondent = models.CharField(_("respondent"), max_length=12, choices=Respondent.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    kind = models.CharField(
        _("kind"), max_length=16, choices=Kind.choices, default=Kind.READING, editable=False
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    # The idempotency key of the form: two submits of the same form give one assessment.
    creation_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    # Answered by the citizen alone through a self-assessment link ("udfyldt af borgeren selv").
    entered_by_citizen = models.BooleanField(
        _("filled in by the citizen"), default=False, editable=False
    )
    # The round of a citizen survey ("borgersurvey 1"): only a satisfaction survey has one,
    # and the survey report chooses by it.
    round = models.PositiveSmallIntegerField(_("survey round"), null=True, blank=True)
    # Why a completed assessment was saved with scored items unanswered ("gem alligevel"):
    # empty for a complete one and for a draft. The form asks for it; the API does not.
    incomplete_reason = models.CharField(
        _("reason for saving incomplete"), max_length=500, blank=True, default=""
    )
    revision = models.PositiveIntegerField(default=1, editable=False)
    # Kept by the services with the answers, so that the group reports find complete
    # assessments and their total score without reading every answer. `score_total` is the sum
    # of the values given; it is a total score only where `scored_items` is every scaled item
    # of the version and the kind is a reading, and only then do the reports read it
    # (`reports/scores.py`); nothing shows it.
    scored_items = models.PositiveSmallIntegerField(default=0, editable=False)
    score_total = models.FloatField(null=True, blank=True, editable=False)
    # The same answers by item code ({"health_for_work": 4.0}): the progression report reads
    # the baselines' and follow-ups' values from here instead of from half a million answers.
    item_values = models.JSONField(default=dict, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["citizen", "date", "id"]
        # An index walk gives a citizen's assessments of a version in the order (date, id) on
        # both databases, so the reports' "first" and "latest" stop at one row; the status,
        # scored items, total and kind ride along, so the reports never read the table's rows.
        indexes = [
            models.Index(
                fields=[
                    "citizen",
                    "version",
                    "date",
                    "id",
                    "status",
                    "scored_items",
                    "score_total",
                    "kind",
                ],
                name="assessment_series_idx",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "completed"]), name="assessment_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(
                    respondent__in=["citizen", "caseworker", "joint", "provider", "observation"]
                ),
                name="assessment_respondent_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["reading", "starting_scores"]), name="assessment_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(round__isnull=True) | Q(round__gte=1, round__lte=99),
                name="assessment_round_1_to_99",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version} {self.date} ({self.status})"


class Answer(models.Model):
    """One item's answer. 'Don't know' and 'not relevant' are answers without a value that
    never count in a mean."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="answers")
    value = models.FloatField(null=True, blank=True)
    text = models.TextField(blank=True)
    # The chosen codes of a nominal item ("choice": one, "choices": one or more), in the
    # order of the item's list.
    codes = models.JSONField(default=list, blank=True)
    dont_know = models.BooleanField(default=False)
    not_relevant = models.BooleanField(default=False)
    comment = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "item"], name="one_answer_per_item"),
            models.CheckConstraint(
                condition=~(Q(dont_know=True) | Q(not_relevant=True)) | Q(value__isnull=True),
                name="dont_know_has_no_value",
            ),
            models.CheckConstraint(
                condition=~(Q(dont_know=True) & Q(not_relevant=True)),
                name="dont_know_or_not_relevant",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item.code}={self.value}"


class TargetScore(models.Model):
    """Where the citizen wants to be on an item ('in three months'), drawn on the wheel."""

    citizen = models.ForeignKey(
        "citizens.Citizen", on_delete=models.CASCADE, related_name="target_scores"
    )
    instrument = models.ForeignKey(
        "instruments.Instrument", on_delete=models.PROTECT, related_name="+"
    )
    item_code = models.SlugField(max_length=60)
    value = models.FloatField()
    set_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["citizen", "instrument", "item_code"], name="one_target_per_item"
            )
        ]

    def __str__(self) -> str:
        return f"{self.item_code} → {self.value}"


class Follow(models.Model):
    """A citizen follows an instrument at a cadence. `next_due` is kept by the services from
    the cadence periods and the completed assessments, so the caseload can sort by it."""

    citizen = models.ForeignKey(
        "citizens.Citizen", on_delete=models.CASCADE, related_name="follows"
    )
    instrument = models.ForeignKey(
        "instruments.Instrument", on_delete=models.PROTECT, related_name="follows"
    )
    respondent = models.CharField(max_length=12, choices=Respondent.choices, default="joint")
    start_date = models.DateField(_("start date"))
    is_active = models.BooleanField(default=True)
    next_due = models.DateField(null=True, blank=True, db_index=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["citizen", "instrument"],
                condition=Q(is_active=True),
                name="one_active_follow_per_instrument",
            )
        ]

    def __str__(self) -> str:
        return f"{self.citizen_id} follows {self.instrument_id}"


class CadenceChange(models.Model):
    """The cadence of a follow from a date on; earlier due dates keep the earlier cadence."""

    follow = models.ForeignKey(Follow, on_delete=models.CASCADE, related_name="cadences")
    starts_on = models.DateField(_("from"))
    every_days = models.PositiveIntegerField(null=True, blank=True)
    every_months = models.PositiveIntegerField(null=True, blank=True)
    steps_days = models.JSONField(default=list, blank=True)
    due_at_start = models.BooleanField(default=False)

    class Meta:
        ordering = ["follow", "starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(every_days__isnull=True) | Q(every_months__isnull=True),
                name="cadence_days_or_months",
            ),
            models.CheckConstraint(
                condition=Q(every_days__isnull=True) | Q(every_days__gt=0),
                name="cadence_days_positive",
            ),
            models.CheckConstraint(
                condition=Q(every_months__isnull=True) | Q(every_months__gt=0),
                name="cadence_months_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.follow_id} from {self.starts_on}"


class DefaultFollow(models.Model):
    """The instrument and cadence an organisation's new citizens follow: the form that
    registers a citizen offers it ("Følg instrument"), and the citizen is due from the start.
    Set by the organisation's administrators in the admin."""

    organisation = models.OneToOneField(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        related_name="default_follow",
        verbose_name=_("organisation"),
    )
    instrument = models.ForeignKey(
        "instruments.Instrument",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("instrument"),
    )
    every_days = models.PositiveIntegerField(_("every (days)"))

    class Meta:
        verbose_name = _("default instrument for new citizens")
        verbose_name_plural = _("default instruments for new citizens")
        constraints = [
            models.CheckConstraint(
                condition=Q(every_days__gt=0), name="default_follow_every_days_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.instrument} / {self.every_days}"
