"""What a user's role lets them do, whatever citizen is concerned: the role predicates every
view, API operation and service asks, each by name. Which citizens a user reaches is
`citizens.access`, built on these."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from .roles import Role


def is_active_member(user) -> bool:
    """Signed in, active, and of an organisation: the start of every other rule."""
    return bool(user.is_authenticated and user.is_active and user.organisation_id)


def is_integration_client(user) -> bool:
    """Another system that uses the API with a token; it never signs in."""
    return getattr(user, "kind", "person") == "system"


def is_administrator(user) -> bool:
    return bool(user.is_authenticated and user.role == Role.ADMINISTRATOR)


def require_administrator(request: HttpRequest, *, hidden: bool = False) -> None:
    """Administrators' pages: anyone else is refused (403), or with `hidden` told that the page
    does not exist (404: the doors into the system, API tokens and the exchange upload)."""
    if not is_administrator(request.user):
        raise Http404 if hidden else PermissionDenied


def is_caseworker(user) -> bool:
    return user.role == Role.CASEWORKER


def is_provider_staff(user) -> bool:
    return user.role == Role.PROVIDER_STAFF


def is_job_consultant(user) -> bool:
    return user.role == Role.JOB_CONSULTANT


def is_manager(user) -> bool:
    return user.role == Role.MANAGER


def works_with_cases(user) -> bool:
    """Caseworkers, provider staff and job consultants open the caseload and citizen pages."""
    return user.role in {Role.CASEWORKER, Role.PROVIDER_STAFF, Role.JOB_CONSULTANT}


def follows_caseload(user) -> bool:
    """Caseworkers and job consultants follow the organisation's caseload: they land on its
    worklist (who is overdue or due, plan reviews, meetings, what changed)."""
    return user.role in {Role.CASEWORKER, Role.JOB_CONSULTANT}


def has_overview(user) -> bool:
    """The roles that land on an overview of their own ("Mit overblik"): the caseload's
    worklist, provider staff's referred citizens, a manager's headline figures.
    Administrators keep the front page of links."""
    return bool(user.is_authenticated) and (works_with_cases(user) or may_read_reports(user))


def reads_programmes(user) -> bool:
    """The roles that open their own organisation's programme pages."""
    return bool(
        user.is_authenticated
        and user.organisation_id
        and user.role in (Role.CASEWORKER, Role.PROVIDER_STAFF, Role.JOB_CONSULTANT, Role.MANAGER)
    )


def may_record_fidelity(user) -> bool:
    """Project leaders and staff score their own unit's fidelity to a programme's model
    (seed 004): provider staff, caseworkers and managers of the programme's organisation."""
    return is_active_member(user) and user.role in (
        Role.PROVIDER_STAFF,
        Role.CASEWORKER,
        Role.MANAGER,
    )


def may_register_citizens(user) -> bool:
    """Caseworkers register, change and reassign their organisation's citizens."""
    return is_caseworker(user)


def may_read_reports(user) -> bool:
    """Managers and analysts read their organisation's group reports."""
    return is_active_member(user) and is_manager(user)


def require_reports(request: HttpRequest) -> None:
    """Report pages and operations: to anyone else they do not exist (404)."""
    if not may_read_reports(request.user):
        raise Http404


def may_export_datasets(user) -> bool:
    """The pseudonymised analysis dataset needs its own permission on top of the reports."""
    return may_read_reports(user) and user.has_perm("reports.export_dataset")


def may_hold_case(user, *, organisation_id: int) -> bool:
    """A caseworker of `organisation_id`: who can be made responsible for its citizens."""
    return bool(user.is_active and is_caseworker(user) and user.organisation_id == organisation_id)


def may_hold_company_part(user, *, organisation_id: int) -> bool:
    """A job consultant of `organisation_id`: who can be made responsible for the company part
    of its citizens' enrolments."""
    return bool(
        user.is_active and is_job_consultant(user) and user.organisation_id == organisation_id
    )


def may_use_company_register(user) -> bool:
    """The company register of an organisation: its caseworkers and job consultants."""
    return is_active_member(user) and (is_caseworker(user) or is_job_consultant(user))
