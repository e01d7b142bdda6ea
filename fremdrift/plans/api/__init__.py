"""The plan in the REST API: plans, goals and their events (`goals`), activities and their
hours (`activities`), meetings and mentors (`meetings`), each written under the plan page's
rule (`rules`). The six routers are mounted by `fremdrift.api.api`."""

from .activities import activities
from .goals import goal_events, goals, plans
from .meetings import meetings, mentors

__all__ = ["activities", "goal_events", "goals", "meetings", "mentors", "plans"]
