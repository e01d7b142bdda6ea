from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class CodeList(models.TextChoices):
    TARGET_GROUP = "target_group", _("Target groups")
    END_GOAL_CATEGORY = "end_goal_category", _("End-goal categories")
    ACTIVITY_SECTOR = "activity_sector", _("Activity sectors")
    ACTIVITY_TYPE = "activity_type", _("Activity types")
    MENTOR_KIND = "mentor_kind", _("Mentor kinds")
    MENTOR_TASK = "mentor_task", _("Mentor tasks")
    MEETING_KIND = "meeting_kind", _("Meeting kinds")
    PARTICIPANT_ROLE = "participant_role", _("Participant roles")
    EXIT_REASON = "exit_reason", _("Exit reasons")


TWO_LEVEL = frozenset({CodeList.ACTIVITY_TYPE, CodeList.EXIT_REASON})


class Code(models.Model):
    """One entry of a code list. Codes are stable; labels are data an administrator edits.

    A code without an organisation is an installation-wide default (shipped in `defaults.py`);
    a code with one is that organisation's own addition, offered only to its users. A code is
    never deleted: a retired one (`is_active` false) stays readable on the rows that name it
    but is not offered anew."""

    code_list = models.CharField(_("code list"), max_length=40, choices=CodeList.choices)
    code = models.SlugField(_("code"), max_length=60)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="own_codes",
    )
    label_da = models.CharField(_("Danish label"), max_length=200)
    label_en = models.CharField(_("English label"), max_length=200)
    sort_order = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["code_list", "sort_order", "code"]
        constraints = [
            # Defaults: a code once per list (per group on the second level).
            models.UniqueConstraint(
                fields=["code_list", "code"],
                condition=models.Q(parent__isnull=True, organisation__isnull=True),
                name="top_code_unique_in_list",
            ),
            models.UniqueConstraint(
                fields=["code_list", "parent", "code"],
                condition=models.Q(parent__isnull=False, organisation__isnull=True),
                name="child_code_unique_under_parent",
            ),
            # An organisation's own codes: once per list (per group) within the organisation;
            # two organisations may each have the same own code. That an own code does not
            # repeat a default is checked by `services.code_add` (no index spans both).
            models.UniqueConstraint(
                fields=["organisation", "code_list", "code"],
                condition=models.Q(parent__isnull=True, organisation__isnull=False),
                name="own_top_code_unique_in_list",
            ),
            models.UniqueConstraint(
                fields=["organisation", "code_list", "parent", "code"],
                condition=models.Q(parent__isnull=False, organisation__isnull=False),
                name="own_child_code_unique_under_parent",
            ),
            models.CheckConstraint(
                condition=~models.Q(label_da="") & ~models.Q(label_en=""),
                name="code_labels_not_empty",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def is_default(self) -> bool:
        return self.organisation_id is None

    @property
    def label(self) -> str:
        return self.label_en if (get_language() or "da").startswith("en") else self.label_da
