"""What an integration client may reach through the API: scopes "<resource>:read" and
"<resource>:write", where the resource is the first part of the path after /api/v1/. Write
includes read. A client with no scopes has everything its role allows; scopes only narrow that,
never widen it (the role and the case scoping still apply to every request)."""

from django.utils.translation import gettext_lazy as _

API_PREFIX = "/api/v1/"

RESOURCES = {
    "citizens": _("Citizens"),
    "assessments": _("Assessments"),
    "plans": _("Plans"),
    "goals": _("Goals"),
    "goal-events": _("Goal events"),
    "activities": _("Activities"),
    "meetings": _("Meetings"),
    "mentors": _("Mentors"),
    "plan-roles": _("Who does what"),
    "vacancy-suggestions": _("Suggested positions"),
    "companies": _("Companies"),
    "referrals": _("Referrals"),
    "enrolments": _("Enrolments"),
    "programmes": _("Programmes"),
    "instruments": _("Instruments"),
    "codelists": _("Code lists"),
    "reports": _("Group reports"),
    "fhir": _("FHIR resources"),
}
READ, WRITE = "read", "write"
READ_METHODS = {"GET", "HEAD", "OPTIONS"}


def all_scopes() -> list[str]:
    return [f"{resource}:{access}" for resource in RESOURCES for access in (READ, WRITE)]


def scope_needed(method: str, path: str) -> str:
    """The scope a request needs, from its method and path."""
    rest = path[len(API_PREFIX) :] if path.startswith(API_PREFIX) else path.lstrip("/")
    resource = rest.split("/", 1)[0]
    return f"{resource}:{READ if method.upper() in READ_METHODS else WRITE}"


def scopes_allow(scopes: list[str], needed: str) -> bool:
    if not scopes:
        return True
    resource, access = needed.split(":", 1)
    return needed in scopes or (access == READ and f"{resource}:{WRITE}" in scopes)
