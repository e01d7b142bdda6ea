from django import template

from fremdrift.plans.selectors import goal_event_changes

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def goal_history(goal) -> list[tuple]:
    """The goal's events, oldest first, each with what it changed in words: "Status: Aktiv →
    Opnået", dates as dates, codes as their labels (`plans.selectors.goal_event_changes`)."""
    history = getattr(goal, "history", None)
    return history if history is not None else goal_event_changes(goal)
