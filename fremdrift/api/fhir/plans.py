"""Goal and CarePlan: the plan's goals and the plan itself with its activities."""

from typing import Any

from django.utils import timezone
from django.utils.translation import override

from fremdrift.api.fhir.common import (
    EXT,
    GOAL_ACHIEVEMENT,
    _coding,
    _concept,
    _instant,
    _patient,
)
from fremdrift.plans.models import Activity, Goal, Plan

GOAL_LIFECYCLE = {
    Goal.Status.ACTIVE: "active",
    Goal.Status.ACHIEVED: "completed",
    Goal.Status.PARTLY: "completed",
    Goal.Status.NOT_ACHIEVED: "completed",
    Goal.Status.DROPPED: "cancelled",
}
# Partly achieved and dropped have no code of their own in HL7's goal-achievement system; they
# carry Fremdrift's code (always present) and the Danish text.
GOAL_ACHIEVEMENT_CODE = {
    Goal.Status.ACTIVE: "in-progress",
    Goal.Status.ACHIEVED: "achieved",
    Goal.Status.NOT_ACHIEVED: "not-achieved",
}


# --- Goal and CarePlan -------------------------------------------------------------------


def goal_of(goal: Goal) -> dict:
    """A goal in the citizen's own words. A sub-goal points to its end goal with the
    extension `end-goal` (R4's Goal has no reference to another goal)."""
    with override("da"):
        status_label = str(Goal.Status(goal.status).label)
    achievement = [_coding("goal-status", goal.status, status_label)]
    if goal.status in GOAL_ACHIEVEMENT_CODE:
        achievement.insert(
            0, {"system": GOAL_ACHIEVEMENT, "code": GOAL_ACHIEVEMENT_CODE[goal.status]}
        )
    resource: dict[str, Any] = {
        "resourceType": "Goal",
        "id": str(goal.pk),
        "language": "da",
        "meta": {"versionId": str(goal.version), "lastUpdated": _instant(goal)},
        "lifecycleStatus": GOAL_LIFECYCLE[goal.status],
        "achievementStatus": {"coding": achievement, "text": status_label},
        "description": {"text": goal.text},
        "subject": _patient(goal.plan.citizen_id),
        "startDate": timezone.localdate(goal.created_at).isoformat(),
        "statusDate": timezone.localdate(goal.updated_at).isoformat(),
        "expressedBy": _patient(goal.plan.citizen_id),
    }
    if goal.parent_id:
        resource["extension"] = [
            {"url": f"{EXT}/end-goal", "valueReference": {"reference": f"Goal/{goal.parent_id}"}}
        ]
    if goal.category_id:
        resource["category"] = [_concept("end_goal_category", goal.category)]
    if goal.target_date:
        resource["target"] = [{"dueDate": goal.target_date.isoformat()}]
    return resource


def activity_status(activity: Activity, today=None) -> str:
    """From the dates and the result: a result or a past end date completes it; one that has
    not started is scheduled; otherwise it is in progress."""
    today = today or timezone.localdate()
    if activity.result or (activity.end_date and activity.end_date < today):
        return "completed"
    if activity.start_date > today:
        return "scheduled"
    return "in-progress"


def care_plan_activity_of(activity: Activity) -> dict:
    period = {"start": activity.start_date.isoformat()}
    if activity.end_date:
        period["end"] = activity.end_date.isoformat()
    detail: dict[str, Any] = {
        "extension": [
            {
                "url": f"{EXT}/activity-sector",
                "valueCoding": _coding(
                    "activity_sector", activity.sector.code, activity.sector.label_da
                ),
            }
        ],
        "code": _concept("activity_type", activity.kind),
        "status": activity_status(activity),
        "scheduledPeriod": period,
        "description": activity.purpose,
    }
    goals = [{"reference": f"Goal/{goal.pk}"} for goal in activity.goals.all()]
    if goals:
        detail["goal"] = goals
    if activity.delivered_by:
        detail["performer"] = [{"display": activity.delivered_by}]
    out: dict[str, Any] = {"detail": detail}
    if activity.result:
        with override("da"):
            label = str(Activity.Result(activity.result).label)
        out["outcomeCodeableConcept"] = [
            {"coding": [_coding("activity-result", activity.result, label)], "text": label}
        ]
    return out


def care_plan_of(plan: Plan) -> dict:
    """The citizen's one living plan: its goals by reference and its activities."""
    resource: dict[str, Any] = {
        "resourceType": "CarePlan",
        "id": str(plan.pk),
        "language": "da",
        "meta": {"versionId": str(plan.version), "lastUpdated": plan.revised_at.isoformat()},
        "status": "active",
        "intent": "plan",
        "subject": _patient(plan.citizen_id),
        "created": plan.created_at.isoformat(),
    }
    goals = [{"reference": f"Goal/{goal.pk}"} for goal in plan.goals.all()]
    if goals:
        resource["goal"] = goals
    activities = [care_plan_activity_of(a) for a in plan.activities.all()]
    if activities:
        resource["activity"] = activities
    return resource
