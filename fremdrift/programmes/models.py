"""Programmes that citizens take part in, their enrolments and exits, and the milestones a
provider is paid for."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from fremdrift.accounts.models import Organisation
from fremdrift.codelists.models import Code


class Programme(models.Model):
    """A course or project (Café B, KVIK, CTI) run by an organisation."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="programmes",
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    target_group = models.ForeignKey(
        Code,
        verbose_name=_("target group"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"code_list": "target_group"},
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    price = models.DecimalField(
        _("price per citizen"),
        max_digits=12,
        decimal_places=2,
        default=0,
        help_text=_("The price of one citizen's whole course; milestones pay shares of it."),
    )
    exit_reasons = models.ManyToManyField(
        Code,
        verbose_name=_("exit reasons"),
        blank=True,
        related_name="+",
        limit_choices_to={"code_list": "exit_reason", "parent__isnull": False},
        help_text=_("The programme's own list of exit reasons; empty means the default list."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="programme_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1),
                name="programme_capacity_positive",
            ),
            models.CheckConstraint(condition=Q(price__gte=0), name="programme_price_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name


class ProgrammeInstrument(models.Model):
    """An instrument the programme's citizens follow, and how often."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="programme_instruments"
    )
    instrument = models.ForeignKey(
        "instruments.Instrument",
        verbose_name=_("instrument"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    interval_days = models.PositiveSmallIntegerField(
        _("every (days)"), help_text=_("For example 14 for every 14 days.")
    )

    class Meta:
        verbose_name = _("instrument of the programme")
        verbose_name_plural = _("instruments of the programme")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "instrument"], name="programme_instrument_once"
            ),
            models.CheckConstraint(
                condition=Q(interval_days__gte=1, interval_days__lte=366),
                name="programme_interval_within_a_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} / {self.interval_days}"


class MilestoneRule(models.TextChoices):
    """How a milestone is reached: by a rule where the data tell, by hand where they do not."""

    STARTED = "started", _("The enrolment started")
    START_MEETING = "start_meeting", _("A start meeting was held")
    COORDINATED_CLARIFICATION = (
        "coordinated_clarification",
        _("A coordinated clarification was held"),
    )
    PLAN_WITH_MENTOR = "plan_with_mentor", _("A plan with a mentor was made")
    COMPANY_ACTIVITY = "company_activity", _("A company-oriented activity started")
    JOB_OR_EDUCATION = "job_or_education", _("Exit to job or education")
    COMPANY_ACTIVITY_OR_JOB_EDUCATION = (
        "company_activity_or_job_education",
        _("A company-oriented activity, or exit to job or education"),
    )
    MANUAL = "manual", _("Confirmed by hand")


class Milestone(models.Model):
    """A step in an enrolment that the provider is paid a share of the price for."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="milestones")
    code = models.SlugField(_("code"), max_length=60)
    label = models.CharField(_("label"), max_length=200)
    share = models.DecimalField(_("share of the price (%)"), max_digits=5, decimal_places=2)
    rule = models.CharField(_("how it is reached"), max_length=40, choices=MilestoneRule.choices)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["programme", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="milestone_code_unique"),
            models.CheckConstraint(
                condition=Q(share__gt=0, share__lte=100), name="milestone_share_a_percentage"
            ),
            models.CheckConstraint(
                condition=Q(rule__in=MilestoneRule.values), name="milestone_rule_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.label


class Enrolment(models.Model):
    """A citizen's time in a programme: start, responsible staff, end and exit reason."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        ENDED = "ended", _("Ended")

    citizen = models.ForeignKey(
        "citizens.Citizen", on_delete=models.PROTECT, related_name="enrolments"
    )
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="enrolments")
    start_date = models.DateField(_("start date"))
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The job consultant of the citizen's home organisation responsible for the company part
    # of the enrolment (`services.enrolment_company_consultant_assign`).
    company_consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("job consultant"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    end_date = models.DateField(_("end date"), null=True, blank=True)
    exit_reason = models.ForeignKey(
        Code,
        verbose_name=_("exit reason"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    exit_note = models.TextField(_("note on the exit"), blank=True)
    # The participant profile at the start ("Deltagerprofil"): one assessment of the built-in
    # profile instrument, corrected in place, so that its history is the assessment's.
    profile = models.OneToOneField(
        "assessments.Assessment",
        verbose_name=_("participant profile"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="profile_of",
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        indexes = [models.Index(fields=["programme", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["citizen", "programme"],
                condition=Q(status="active"),
                name="one_active_enrolment_per_programme",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["active", "ended"]), name="enrolment_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="enrolment_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(status="active") | Q(end_date__isnull=False, exit_reason__isnull=False),
                name="ended_enrolment_has_exit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.citizen_id} in {self.programme_id} ({self.status})"


class MilestoneConfirmation(models.Model):
    """A milestone confirmed by hand, with the date it was reached and who confirmed it.
    Milestones with a rule are read from the data and need no row."""

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.PROTECT, related_name="milestone_confirmations"
    )
    milestone = models.ForeignKey(Milestone, on_delete=models.PROTECT, related_name="+")
    reached_on = models.DateField(_("reached on"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "milestone"], name="milestone_confirmed_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.milestone_id} on {self.reached_on}"


class FidelityAssessment(models.Model):
    """A unit's fidelity to the programme's model in a period (seed 004: the project leaders
    and staff of each unit score it 1-4, and the evaluation reports the mean across units).
    It describes an organisation's running of the programme, never a citizen: it has no
    citizen and is never filed on a citizen's record. The answers are the scale points by item
    code of the version ({"one_plan": 3}); an item left out was not answered."""

    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="fidelity_assessments",
    )
    unit = models.ForeignKey(
        Organisation,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="fidelity_assessments",
    )
    version = models.ForeignKey(
        "instruments.InstrumentVersion",
        verbose_name=_("instrument"),
        on_delete=models.PROTECT,
        related_name="fidelity_assessments",
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    answers = models.JSONField(_("answers"), default=dict)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("fidelity assessment")
        verbose_name_plural = _("fidelity assessments")
        ordering = ["programme", "-period_end", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="fidelity_period_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} / {self.programme_id} {self.period_start}–{self.period_end}"
