from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Entity(models.TextChoices):
    """The kinds of rows an exchange package carries, by the file they come in."""

    PROGRAMME = "programme", _("Programme")
    CITIZEN = "citizen", _("Citizen")
    ENROLMENT = "enrolment", _("Enrolment")
    ASSESSMENT = "assessment", _("Assessment")
    GOAL = "goal", _("Goal")
    GOAL_EVENT = "goal_event", _("Goal event")
    ACTIVITY = "activity", _("Activity")
    MEETING = "meeting", _("Meeting")
    MENTOR = "mentor", _("Mentor")
    PLAN_ROLE = "plan_role", _("Who does what")
    REFERRAL = "referral", _("Referral")
    COMPANY_CONTACT = "company_contact", _("Company contact")
    VACANCY = "vacancy", _("Open position")
    VACANCY_SUGGESTION = "vacancy_suggestion", _("Suggested position")
    CASE_SHARE = "case_share", _("Shared case")


class SourceKey(models.Model):
    """The id a row had in the system it was imported from, so that importing the same package
    again finds the same object and a changed row updates it."""

    source_system = models.CharField(max_length=60)
    entity = models.CharField(max_length=20, choices=Entity.choices)
    source_id = models.CharField(max_length=100)
    object_id = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source_system", "entity", "source_id"], name="one_object_per_source_id"
            ),
            models.UniqueConstraint(
                fields=["source_system", "entity", "object_id"], name="one_source_id_per_object"
            ),
            models.CheckConstraint(
                condition=Q(
                    entity__in=[
                        "programme",
                        "citizen",
                        "enrolment",
                        "assessment",
                        "goal",
                        "goal_event",
                        "activity",
                        "meeting",
                        "mentor",
                        "plan_role",
                        "referral",
                        "company_contact",
                        "vacancy",
                        "vacancy_suggestion",
                        "case_share",
                    ]
                ),
                name="source_key_entity_valid",
            ),
            models.CheckConstraint(condition=~Q(source_id=""), name="source_key_has_id"),
        ]

    def __str__(self) -> str:
        return f"{self.source_system}:{self.entity}:{self.source_id}"


class PackageImport(models.Model):
    """One import of an exchange package that was written: who, when, from where, and how many
    rows were created, updated or left as they were."""

    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now_add=True)
    source_system = models.CharField(max_length=60)
    package_name = models.CharField(max_length=255)
    counts = models.JSONField(default=dict)

    class Meta:
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"{self.package_name} ({self.imported_at:%Y-%m-%d %H:%M})"
