"""The plan in the REST API: plans, goals and their events (`goals`), activities and their
hours (`activities`), meetings and mentors (`meetings`), who does what (`roles`), each written
under the plan page's rule (`rules`). The seven routers are mounted by `fremdrift.api.api`."""

from .activities import activities
from .goals import goal_events, goals, plans
from .meetings import meetings, mentors
from .roles import plan_roles

__all__ = ["activities", "goal_events", "goals", "meetings", "mentors", "plan_roles", "plans"]
