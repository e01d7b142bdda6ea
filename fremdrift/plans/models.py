"""Model 2: one living plan per citizen, with end goals and sub-goals in the citizen's own
words, every change kept as an event; activities across sectors, meetings and mentors."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fremdrift.codelists.models import Code


class Plan(models.Model):
    citizen = models.OneToOneField(
        "citizens.Citizen", on_delete=models.PROTECT, related_name="plan"
    )
    own_effort = models.TextField(_("the citizen's own effort"), blank=True)
    citizen_comments = models.TextField(_("the citizen's comments"), blank=True)
    # The day the plan was made, where that is known and before its first goal (a plan
    # made in a meeting before the goals were written); otherwise the first goal's day.
    made_on = models.DateField(_("made on"), null=True, blank=True)
    # When the plan is next to be followed up; a day before today is an overdue review, shown
    # in the caseload as an overdue assessment is.
    next_review = models.DateField(_("next review of the plan"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revised_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    def __str__(self) -> str:
        return f"plan {self.citizen_id}"


class Supporter(models.TextChoices):
    CASEWORKER = "caseworker", _("The caseworker")
    PROVIDER = "provider", _("The provider")
    MENTOR = "mentor", _("The mentor")
    CITIZEN = "citizen", _("The citizen")
    OTHER = "other", _("Someone else")


class Goal(models.Model):
    """An end goal, or a sub-goal: under an end goal, or on its own where the plan has steps
    but no end goal yet (as municipalities often keep them)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        ACHIEVED = "achieved", _("Achieved")
        PARTLY = "partly", _("Partly achieved")
        NOT_ACHIEVED = "not_achieved", _("Not achieved")
        DROPPED = "dropped", _("Dropped")

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="goals")
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="sub_goals"
    )
    is_end_goal = models.BooleanField(_("end goal"), default=False)
    text = models.TextField(_("goal in the citizen's words"))
    category = models.ForeignKey(
        Code,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    supported_by = models.CharField(
        _("who supports it"), max_length=12, choices=Supporter.choices, blank=True
    )
    target_date = models.DateField(_("target date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE
    )
    # Goal Attainment Scaling: the five levels described in words, -2..+2, and the baseline.
    gas_levels = models.JSONField(default=dict, blank=True)
    gas_baseline = models.SmallIntegerField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["plan", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["active", "achieved", "partly", "not_achieved", "dropped"]),
                name="goal_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(gas_baseline__isnull=True)
                | Q(gas_baseline__gte=-2, gas_baseline__lte=2),
                name="goal_gas_baseline_in_range",
            ),
            models.CheckConstraint(condition=~Q(parent=F("id")), name="goal_not_its_own_parent"),
            models.CheckConstraint(
                condition=Q(is_end_goal=False) | Q(parent__isnull=True),
                name="end_goal_has_no_parent",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class GoalEvent(models.Model):
    """One change of a goal: what it became, who changed it, when and why. Replaying a goal's
    events gives its current state."""

    class Reason(models.TextChoices):
        CREATED = "created", _("Formulated")
        ACHIEVED = "achieved", _("Achieved")
        RELAPSE = "relapse", _("Relapse")
        SITUATION_CHANGED = "situation_changed", _("Situation changed")
        NEW_INFORMATION = "new_information", _("New information")
        FOLLOW_UP = "follow_up", _("Follow-up")
        OTHER = "other", _("Other")

    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    note = models.TextField(_("explanation"), blank=True)
    # The fields that changed, with their new values: text, status, target_date, category,
    # supported_by, gas_level (a follow-up rating), gas_levels.
    changes = models.JSONField(default=dict)
    meeting = models.ForeignKey(
        "plans.Meeting",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="goal_events",
    )

    class Meta:
        ordering = ["goal", "at", "id"]
        indexes = [models.Index(fields=["goal", "at"])]

    def __str__(self) -> str:
        return f"{self.goal_id} {self.reason}"


class Activity(models.Model):
    class Result(models.TextChoices):
        SUCCEEDED = "succeeded", _("Succeeded")
        PARTLY = "partly", _("Partly")
        FAILED = "failed", _("Did not succeed")
        TOO_EARLY = "too_early", _("Too early to say")

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="activities")
    sector = models.ForeignKey(Code, on_delete=models.PROTECT, related_name="+")
    kind = models.ForeignKey(Code, on_delete=models.PROTECT, related_name="+")
    purpose = models.TextField(_("purpose"))
    goals = models.ManyToManyField(Goal, blank=True, related_name="activities")
    delivered_by = models.CharField(_("delivered by"), max_length=200, blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    weekly_hours = models.DecimalField(
        _("hours per week at start"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    # Whether the placement has a company mentor; `mentor_contact` names them, where they are a
    # contact person of the company in the register (then `company_mentor` is true as well).
    company_mentor = models.BooleanField(_("company mentor"), default=False)
    # A company-oriented activity's company (`codelists.company`), from the organisation's
    # register: a placement.
    company = models.ForeignKey(
        "companies.Company",
        verbose_name=_("company"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="placements",
    )
    mentor_contact = models.ForeignKey(
        "companies.CompanyContact",
        verbose_name=_("company mentor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mentored_placements",
    )
    result = models.CharField(_("result"), max_length=10, choices=Result.choices, blank=True)
    next_step = models.TextField(_("next step"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["plan", "start_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="activity_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(weekly_hours__isnull=True)
                | Q(weekly_hours__gte=0, weekly_hours__lte=48),
                name="activity_weekly_hours_0_48",
            ),
            models.CheckConstraint(
                condition=Q(mentor_contact__isnull=True)
                | Q(company__isnull=False, company_mentor=True),
                name="activity_mentor_contact_has_company",
            ),
        ]

    def __str__(self) -> str:
        return self.purpose[:60]


class HoursChange(models.Model):
    """A later change of an internship's or wage subsidy's weekly hours."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="hours_changes")
    from_date = models.DateField()
    weekly_hours = models.DecimalField(max_digits=4, decimal_places=1)

    class Meta:
        ordering = ["activity", "from_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weekly_hours__gte=0, weekly_hours__lte=48), name="hours_change_0_48"
            )
        ]

    def __str__(self) -> str:
        return f"{self.weekly_hours} from {self.from_date}"


class Meeting(models.Model):
    """A meeting of the plan: booked ahead (date, time, place, who takes part), then held
    (with what came of it and its notes) or cancelled; or recorded held at once."""

    class Status(models.TextChoices):
        BOOKED = "booked", pgettext_lazy("meeting", "Booked")
        HELD = "held", pgettext_lazy("meeting", "Held")
        CANCELLED = "cancelled", pgettext_lazy("meeting", "Cancelled")

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="meetings")
    kind = models.ForeignKey(Code, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.HELD
    )
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("starts at"), null=True, blank=True)
    end_time = models.TimeField(_("ends at"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    citizen_attended = models.BooleanField(_("the citizen came"), default=True)
    notes = models.TextField(_("notes"), blank=True)
    notes_internal = models.BooleanField(
        _("internal notes (not shown to the citizen)"), default=True
    )
    assessment = models.ForeignKey(
        "assessments.Assessment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["plan", "date", "start_time", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_time__isnull=True)
                | Q(end_time__isnull=True)
                | Q(end_time__gt=F("start_time")),
                name="meeting_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["booked", "held", "cancelled"]),
                name="meeting_status_known",
            ),
        ]
        indexes = [models.Index(fields=["status", "date"], name="meeting_status_date")]

    def __str__(self) -> str:
        return f"{self.kind_id} {self.date}"


class MeetingParticipant(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    role = models.ForeignKey(Code, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return self.name


class PlanRole(models.Model):
    """Who does what in the plan: a person in a role (a user, or someone named) and their
    task, whatever goal it serves."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="roles")
    role = models.ForeignKey(
        Code, verbose_name=_("role"), on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    task = models.TextField(_("what they do"))
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["plan", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name="") | Q(user__isnull=False), name="plan_role_has_name_or_user"
            ),
            models.CheckConstraint(condition=~Q(task=""), name="plan_role_has_task"),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.task[:40]}"


class StatutoryPlan(models.Model):
    """Another plan the law gives the citizen (the job plan "Min Plan", an education plan, an
    action plan under § 141 of the Social Services Act, ...), recorded on the plan with its
    date, and whether it is the one that takes priority. Only the record: the plan itself
    lives elsewhere."""

    class Kind(models.TextChoices):
        JOBPLAN = "jobplan", _("Job plan / Min Plan")
        EDUCATION_PLAN = "education_plan", _("Education plan")
        ACTION_PLAN_141 = "action_plan_141", _("Action plan under § 141")
        OTHER = "other", _("Other plan")

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="statutory_plans")
    kind = models.CharField(_("kind of plan"), max_length=20, choices=Kind.choices)
    label = models.CharField(_("name of the plan"), max_length=200, blank=True)
    made_on = models.DateField(_("dated"))
    has_priority = models.BooleanField(_("takes priority"), default=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["plan", "made_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["jobplan", "education_plan", "action_plan_141", "other"]),
                name="statutory_plan_kind_valid",
            ),
            models.CheckConstraint(
                condition=~Q(kind="other") | ~Q(label=""), name="statutory_plan_other_has_label"
            ),
            models.UniqueConstraint(
                fields=["plan"],
                condition=Q(has_priority=True),
                name="statutory_plan_one_with_priority",
            ),
        ]

    def __str__(self) -> str:
        return self.label or str(self.get_kind_display())


class Mentor(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="mentors")
    kind = models.ForeignKey(Code, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=200, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    tasks = models.ManyToManyField(Code, blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["plan", "start_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="mentor_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(name="") | Q(user__isnull=False), name="mentor_has_name_or_user"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class VacancySuggestion(models.Model):
    """An open position of a company (`companies.Vacancy`) that a job consultant suggested to
    the citizen (seed 004: concrete vacancies at the start meeting), and what came of it."""

    class Outcome(models.TextChoices):
        SUGGESTED = "suggested", _("Suggested")
        APPLIED = "applied", _("The citizen applied")
        HIRED = "hired", _("The citizen got the position")
        DECLINED = "declined", _("Not taken up")

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="vacancy_suggestions")
    vacancy = models.ForeignKey(
        "companies.Vacancy", on_delete=models.PROTECT, related_name="suggestions"
    )
    suggested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    suggested_on = models.DateField(_("suggested on"))
    outcome = models.CharField(
        _("outcome"), max_length=12, choices=Outcome.choices, default=Outcome.SUGGESTED
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["plan", "-suggested_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=["suggested", "applied", "hired", "declined"]),
                name="vacancy_suggestion_outcome_valid",
            ),
            models.UniqueConstraint(
                fields=["plan", "vacancy"], name="vacancy_suggested_once_per_plan"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vacancy_id} {self.outcome}"


class CaseReview(models.Model):
    """A reviewer's grades of one case in the case review, on the four scales of a case
    evaluation (red thread, goals, job focus, citizen involvement), each with an optional
    comment. The case is named only by its review number (`case_review_number`): no link to
    the citizen, no name or CPR number; the exit group is copied at grading time, not linked.
    Two reviewers grading the same case make two reviews."""

    class RedThread(models.TextChoices):
        NONE = "none", _("None")
        LIMITED = "limited", _("Limited")
        AD_HOC = "ad_hoc", _("Understandable but ad hoc")
        GOOD = "good", _("Good and dynamic")

    class Goals(models.TextChoices):
        NONE = "none", _("None")
        HINTS = "hints", _("Hints")
        CLEAR = "clear", pgettext_lazy("goals of a case review", "Clear")

    class JobFocus(models.TextChoices):
        NONE = "none", _("No job named")
        ONE_JOB = "one_job", _("One job")
        SEVERAL_JOBS = "several_jobs", _("Two or more jobs, the labour market explored")

    class Involvement(models.TextChoices):
        NONE = "none", _("None")
        LIMITED = "limited", _("Limited")
        SOME = "some", _("Some")
        CLEAR = "clear", pgettext_lazy("citizen involvement of a case review", "Clear")

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    case_number = models.CharField(_("case number"), max_length=20, db_index=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"))
    red_thread = models.CharField(_("red thread"), max_length=12, choices=RedThread.choices)
    red_thread_comment = models.TextField(_("comment on the red thread"), blank=True)
    goals = models.CharField(_("goals"), max_length=12, choices=Goals.choices)
    goals_comment = models.TextField(_("comment on the goals"), blank=True)
    job_focus = models.CharField(_("job focus"), max_length=12, choices=JobFocus.choices)
    job_focus_comment = models.TextField(_("comment on the job focus"), blank=True)
    involvement = models.CharField(
        _("citizen involvement"), max_length=12, choices=Involvement.choices
    )
    involvement_comment = models.TextField(_("comment on the citizen involvement"), blank=True)
    exit_group = models.CharField(_("exit group"), max_length=50, blank=True)

    class Meta:
        ordering = ["organisation", "reviewed_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(red_thread__in=["none", "limited", "ad_hoc", "good"]),
                name="case_review_red_thread_valid",
            ),
            models.CheckConstraint(
                condition=Q(goals__in=["none", "hints", "clear"]),
                name="case_review_goals_valid",
            ),
            models.CheckConstraint(
                condition=Q(job_focus__in=["none", "one_job", "several_jobs"]),
                name="case_review_job_focus_valid",
            ),
            models.CheckConstraint(
                condition=Q(involvement__in=["none", "limited", "some", "clear"]),
                name="case_review_involvement_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.case_number
