"""The colour of a status tag: the one mapping from a status (of a goal, an activity's result,
a referral or an enrolment) to a variant of Det Fælles Designsystem's badge. Within each list
of statuses every status has a colour of its own (`pages/tests/test_status_tags.py`)."""

from django import template

register = template.Library()

# Keyed by the stored value; a value used by several lists means the same in each.
STATUS_VARIANTS = {
    "active": "badge-info",
    "achieved": "badge-success",
    "succeeded": "badge-success",
    "partly": "badge-warning",
    "withdrawn": "badge-warning",
    "not_achieved": "badge-error",
    "failed": "badge-error",
    "dropped": "",  # the plain grey badge
    "too_early": "",
    "ended": "",
}


@register.filter
def status_badge(status) -> str:
    """The classes of a status tag: `<span class="{{ goal.status|status_badge }}">`."""
    variant = STATUS_VARIANTS.get(str(status), "")
    return f"badge {variant}".strip()
