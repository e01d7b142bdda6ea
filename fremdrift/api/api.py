"""The REST API at /api/v1/: a thin door onto the same services and selectors as the pages.
The root, above every app: it mounts each app's router and FHIR."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError

from fremdrift.assessments.api import router as assessments
from fremdrift.citizens.api import router as citizens
from fremdrift.codelists.api import router as codelists
from fremdrift.companies.api import router as companies
from fremdrift.instruments.api import router as instruments
from fremdrift.plans import api as plans
from fremdrift.programmes import api as programmes
from fremdrift.referrals import api as referrals
from fremdrift.reports.api import router as reports

from .auth import TokenAuth
from .fhir import router as fhir

api = NinjaAPI(
    title="Fremdrift API",
    version="1",
    description=(
        "Citizens, instruments and code lists of Fremdrift; assessments with their answers, "
        "plans, goals and goal events, activities with their changes of hours, meetings with "
        "their participants, mentors, who does what in each plan, positions suggested to a "
        "citizen, programmes with their instruments, cadence and milestones, enrolments, "
        "referrals with their focus items, case shares with another authority, the company "
        "register (companies, contact persons, open positions), the group reports as tables, "
        "and FHIR R4 resources under /fhir/. Citizens, assessments, plans, goals, activities, "
        "meetings, mentors, who does what, suggested positions, enrolments, referrals, case "
        "shares and the company register are also written, each through the same service "
        "and rule as the pages (403 when the user may not). Lists come 100 a page and take "
        "`updated_since` where the resource keeps a change time. Every resource follows the "
        "case as the pages do: one outside the token user's scope answers 404 and is never "
        "listed, and every read of personal data is in the access log. Authenticate with "
        "`Authorization: Bearer <token>`; an administrator issues tokens. CPR numbers go in "
        "request bodies only. Updates carry the version they change in `If-Match` and answer "
        "412 when it is stale."
    ),
    urls_namespace="api-v1",
    auth=TokenAuth(),
    openapi_url="/openapi.json",
    docs_url="/docs",
)


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(
        request,
        {
            "detail": [
                {"field": field, "messages": list(messages)} for field, messages in errors.items()
            ]
        },
        status=400,
    )


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": "Not found."}, status=404)


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    return api.create_response(request, {"detail": "Not allowed."}, status=403)


@api.exception_handler(AuthenticationError)
def unauthorised(request, exc):
    return api.create_response(
        request, {"detail": "A valid, unexpired API token is required."}, status=401
    )


api.add_router("/citizens", citizens)
api.add_router("/codelists", codelists)
api.add_router("/instruments", instruments)
api.add_router("/assessments", assessments)
api.add_router("/plans", plans.plans)
api.add_router("/goals", plans.goals)
api.add_router("/goal-events", plans.goal_events)
api.add_router("/activities", plans.activities)
api.add_router("/meetings", plans.meetings)
api.add_router("/mentors", plans.mentors)
api.add_router("/plan-roles", plans.plan_roles)
api.add_router("/vacancy-suggestions", plans.vacancy_suggestions)
api.add_router("/companies", companies)
api.add_router("/programmes", programmes.programmes)
api.add_router("/enrolments", programmes.enrolments)
api.add_router("/enrolments", referrals.enrolment_exits)
api.add_router("/referrals", referrals.router)
api.add_router("/reports", reports)
api.add_router("/fhir", fhir)
