"""The plan in the REST API: plans, goals and their events (`goals`), activities and their
hours (`activities`), meetings and mentors (`meetings`), who does what (`roles`), positions
suggested from the company register (`vacancies`), each written under the plan page's rule
(`rules`). The eight routers are mounted by `fremdrift.api.api`."""

from .activities import activities
from .goals import goal_events, goals, plans
from .meetings import meetings, mentors
from .roles import plan_roles
from .vacancies import vacancy_suggestions

__all__ = [
    "activities",
    "goal_events",
    "goals",
    "meetings",
    "mentors",
    "plan_roles",
    "plans",
    "vacancy_suggestions",
]
