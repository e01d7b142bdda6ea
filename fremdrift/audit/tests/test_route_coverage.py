"""Every route and every API operation, classified: either it shows personal data, and then a
request to it writes an access-log row, or it shows none, for a stated reason. A route or an
operation that is in neither table fails the test, so a new one must be classified before it
can land. The same table drives the test that no GET changes data, as every role."""

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver

from fremdrift.api.tests.writes import DAY
from fremdrift.api.tests.writes import cases as cases  # noqa: F401 (a fixture)
from fremdrift.api.tests.writes import referred as referred  # noqa: F401 (a fixture)
from fremdrift.audit.models import AccessLogEntry
from fremdrift.audit.services import access_log_write
from fremdrift.citizens.selectors import case_review_number, citizen_cpr
from fremdrift.instruments.models import Instrument
from fremdrift.testing import citizen_signed_in, make_cpr, make_invitation, signed_in

PERSONAS = [
    "caseworker",
    "colleague",
    "job_consultant",
    "manager",
    "administrator",
    "outsider",
    "provider_staff",
    "other_provider_staff",
]


@dataclass
class Shows:
    """A route that shows personal data: requested as `persona`, with the URL's parameters
    from `kwargs(world)` and, for a POST, the body `data(world)`."""

    persona: str
    method: str = "get"
    kwargs: Callable = lambda w: {}
    data: Callable = lambda w: {}
    query: dict = field(default_factory=dict)


@dataclass
class NoPersonalData:
    reason: str
    kwargs: Callable = lambda w: {}


def a_search(w) -> int:
    """A caseworker's search by name, as the access log keeps it."""
    return access_log_write(user=w.caseworker, action="search", criterion="Karen Blixen").pk


def citizen(w):
    return {"citizen_id": w.citizen.pk}


def case(w):
    return w.cases["citizen"]


def booked(w):
    """A meeting of the world's citizen booked ahead by their caseworker (made on first use)."""
    if getattr(w, "booked_meeting", None) is None:
        from fremdrift.codelists.models import Code
        from fremdrift.plans import services as plans

        w.booked_meeting = plans.meeting_book(
            actor=w.caseworker,
            plan=case(w).plan,
            kind=Code.objects.get(code_list="meeting_kind", code="follow_up", organisation=None),
            date=dt.date.today() + dt.timedelta(days=7),
            start_time=dt.time(10, 0),
            participants=[],
            confirm=True,
        )
    return w.booked_meeting


def booked_today(w):
    """A meeting of the world's citizen booked for today, which may be completed."""
    from fremdrift.codelists.models import Code
    from fremdrift.plans import services as plans

    return plans.meeting_book(
        actor=w.caseworker,
        plan=case(w).plan,
        kind=Code.objects.get(code_list="meeting_kind", code="follow_up", organisation=None),
        date=dt.date.today(),
        start_time=dt.time(0, 0),
        participants=[],
        confirm=True,
    )


def booked_meeting(w):
    return citizen(w) | {"meeting_id": booked(w).pk}


def enrolment(w):
    return {"citizen_id": w.citizen.pk, "enrolment_id": w.enrolments["citizen"].pk}


def referral(w):
    return {"citizen_id": w.citizen.pk, "referral_id": w.referral.pk}


def instrument(w):
    return {"instrument_id": Instrument.objects.get(code="adult_wheel").pk}


def link(w):
    return {"token": w.invited_token}


def own_invitation(w):
    return {"invitation_id": w.invitation.pk}


@pytest.fixture
def registered(world):
    """A company in Nord's register, with a contact person and two open positions, one of
    them suggested to the world's citizen."""
    from fremdrift.companies import services as companies
    from fremdrift.plans import services as plans

    made = companies.company_create(
        actor=world.caseworker, organisation=world.nord, name="Bageriet", cvr="12345674"
    )
    world.company_id = made.pk
    world.contact_id = companies.company_contact_add(
        actor=world.caseworker, company=made, name="Bodil Bager"
    ).pk
    vacancy = companies.vacancy_add(
        actor=world.caseworker, company=made, title="Bager", from_date=dt.date.today()
    )
    world.vacancy_id = vacancy.pk
    world.suggestion_id = plans.vacancy_suggest(
        actor=world.caseworker,
        plan=plans.plan_get_or_create(actor=world.caseworker, citizen=world.citizen),
        vacancy=vacancy,
    ).pk
    return made


def company(w):
    return {"company_id": w.company_id}


@pytest.fixture
def invited(world):
    """A self-assessment link for the world's citizen, made by their caseworker."""
    world.invitation, world.invited_token = make_invitation(world.caseworker, world.citizen)
    return world.invitation


CW = "caseworker"
SELF = "the citizen, signed in"
PAGES = {
    # The worklist ("Mit overblik") names the caseworker's citizens: the world's meeting today.
    "home": Shows(CW),
    "healthz": NoPersonalData("the health check"),
    "favicon": NoPersonalData("the site's icon: a redirect to the static SVG"),
    "accounts:login": NoPersonalData("the login form"),
    "signin:logout": NoPersonalData("signs out"),
    "signin:start": NoPersonalData("sends the browser to the identity provider"),
    "signin:callback": NoPersonalData("signs in from the identity provider's answer"),
    "signin:two_factor": NoPersonalData("asks for the second factor's code"),
    "signin:two_factor_setup": NoPersonalData("sets up one's own second factor"),
    "signin:staff": NoPersonalData("staff users of the organisation, no citizen"),
    "signin:staff_create": NoPersonalData("creates a staff user, no citizen"),
    "signin:staff_edit": NoPersonalData(
        "a staff user, no citizen", kwargs=lambda w: {"user_id": w.colleague.pk}
    ),
    "signin:staff_password_link": NoPersonalData(
        "a staff user's one-time link", kwargs=lambda w: {"user_id": w.colleague.pk}
    ),
    "signin:staff_second_factor_reset": NoPersonalData(
        "removes a staff user's second factor", kwargs=lambda w: {"user_id": w.colleague.pk}
    ),
    "accounts:password_set": NoPersonalData(
        "sets one's own password from a one-time link",
        kwargs=lambda w: {"uidb64": "MQ", "token": "expired-token"},
    ),
    "set_language": NoPersonalData("sets the language cookie"),
    "citizens:list": Shows(CW),
    "citizens:detail": Shows(CW, kwargs=citizen),
    "citizens:create": NoPersonalData("an empty form"),
    "citizens:reassign": Shows(CW, "post", data=lambda w: {"citizens": [w.citizen.pk]}),
    "citizens:edit": Shows(CW, kwargs=citizen),
    "citizens:show_cpr": Shows(CW, "post", kwargs=citizen, data=lambda w: {"purpose": "x"}),
    "citizens:share_create": Shows(CW, kwargs=citizen),
    "citizens:share_end": NoPersonalData(
        "ends a case share (POST) and redirects to the citizen page, which logs",
        kwargs=lambda w: {"citizen_id": w.citizen.pk, "share_id": 1},
    ),
    "assessments:wheel": Shows(CW, kwargs=citizen),
    "assessments:create": Shows(CW, kwargs=citizen),
    "assessments:preview": Shows(CW, "post", kwargs=citizen),
    "assessments:edit": Shows(
        CW, kwargs=lambda w: citizen(w) | {"assessment_id": case(w).assessment.pk}
    ),
    "assessments:follow": Shows(CW, "post", kwargs=citizen),
    "assessments:target": Shows(CW, "post", kwargs=citizen),
    "plans:case_review": Shows("manager"),
    "plans:case_review_case": Shows(
        "manager", kwargs=lambda w: {"number": case_review_number(w.citizen.pk)}
    ),
    "plans:case_review_sample": Shows(
        "manager", query={"start": "2000-01-01", "end": "2100-12-31", "size": "5"}
    ),
    "plans:case_review_grade": Shows(
        "manager", kwargs=lambda w: {"number": case_review_number(w.citizen.pk)}
    ),
    "plans:plan": Shows(CW, kwargs=citizen),
    "plans:timeline_document": Shows(
        CW, "post", kwargs=citizen, data=lambda w: {"purpose": "Til rehabiliteringsteamets møde"}
    ),
    "plans:update": Shows(CW, "post", kwargs=citizen),
    "plans:form": Shows(CW, kwargs=lambda w: citizen(w) | {"name": "meeting"}),
    "plans:goal_create": Shows(CW, "post", kwargs=citizen),
    "plans:goal_change": Shows(CW, kwargs=lambda w: citizen(w) | {"goal_id": case(w).goals[1].pk}),
    "plans:activity_create": Shows(CW, "post", kwargs=citizen),
    "plans:activity_follow_up": Shows(
        CW, kwargs=lambda w: citizen(w) | {"activity_id": case(w).activity.pk}
    ),
    "plans:activity_types": NoPersonalData(
        "the activity types of a sector, a code list", kwargs=citizen
    ),
    "plans:meeting_create": Shows(CW, "post", kwargs=citizen),
    "plans:meeting_book": Shows(CW, "post", kwargs=citizen),
    "plans:meeting_edit": Shows(CW, kwargs=booked_meeting),
    "plans:meeting_complete": Shows(CW, kwargs=booked_meeting),
    "plans:meeting_cancel": NoPersonalData(
        "cancels a booked meeting (POST) and redirects to the plan page, which logs",
        kwargs=booked_meeting,
    ),
    "plans:mentor_create": Shows(CW, "post", kwargs=citizen),
    "plans:plan_role_create": Shows(CW, "post", kwargs=citizen),
    "plans:plan_role_remove": Shows(
        CW, "post", kwargs=lambda w: citizen(w) | {"plan_role_id": case(w).plan_role.pk}
    ),
    "plans:statutory_plan_create": Shows(CW, "post", kwargs=citizen),
    "plans:statutory_plan_prioritise": Shows(
        CW, "post", kwargs=lambda w: citizen(w) | {"statutory_plan_id": case(w).statutory_plan.pk}
    ),
    "plans:statutory_plan_remove": Shows(
        CW, "post", kwargs=lambda w: citizen(w) | {"statutory_plan_id": case(w).statutory_plan.pk}
    ),
    "plans:timeline": Shows(CW, kwargs=citizen),
    "plans:report": Shows(CW, kwargs=citizen),
    "referrals:create": Shows(CW, kwargs=citizen),
    "referrals:end": Shows(CW, "post", kwargs=referral),
    "referrals:scores": Shows("provider_staff", "post", kwargs=referral),
    "enrolments:assign": Shows(CW, "post", kwargs=enrolment),
    "enrolments:confirm": Shows(CW, "post", kwargs=enrolment),
    "enrolments:exit": Shows(CW, kwargs=enrolment),
    "enrolments:profile": Shows(CW, kwargs=enrolment),
    # A caseworker sees their organisation's citizens referred now.
    "programmes:list": Shows(CW),
    # The specification lists enrolments (by number) with the days their milestones were
    # reached: the quarter of the world's enrolments, whose start is a milestone.
    "programmes:payments": Shows(
        "provider_staff", query={"year": DAY.year, "quarter": (DAY.month - 1) // 3 + 1}
    ),
    "programmes:fidelity": NoPersonalData(
        "a unit's fidelity scores, no citizen", kwargs=lambda w: {"programme_id": 1}
    ),
    "programmes:detail": Shows(
        "provider_staff", kwargs=lambda w: {"programme_id": w.enrolments["citizen"].programme_id}
    ),
    "programmes:close": NoPersonalData(
        "the exit reason, the date and a count of active enrolments, no citizen; closing "
        "redirects to the programme page, which logs",
        kwargs=lambda w: {"programme_id": w.enrolments["citizen"].programme_id},
    ),
    "enrolments:company_consultant": Shows(CW, "post", kwargs=enrolment),
    "plans:vacancy_suggest": Shows(CW, "post", kwargs=citizen),
    "plans:vacancy_suggestion_outcome": NoPersonalData(
        "saves what came of a suggested position, then redirects to the plan, which logs",
        kwargs=lambda w: citizen(w) | {"suggestion_id": 1},
    ),
    "companies:list": NoPersonalData("companies and their counts of placements, no citizen"),
    "companies:create": NoPersonalData("a form for a company, no citizen"),
    # The company page names the organisation's citizens placed there, and logs them.
    "companies:detail": Shows(CW, kwargs=company),
    "companies:edit": NoPersonalData("a company's own facts, no citizen", kwargs=company),
    "companies:retire": NoPersonalData("retires a company, then redirects", kwargs=company),
    "companies:contact_add": Shows(CW, "post", kwargs=company),
    "companies:vacancy_add": Shows(CW, "post", kwargs=company),
    "companies:vacancy_close": NoPersonalData(
        "marks a position filled, then redirects",
        kwargs=lambda w: company(w) | {"vacancy_id": w.vacancy_id},
    ),
    "reports:index": NoPersonalData("a list of reports"),
    "reports:progression": NoPersonalData("group figures, small cells hidden"),
    "reports:comparison": NoPersonalData("group figures, small cells hidden"),
    "reports:goals": NoPersonalData("group figures, small cells hidden"),
    "reports:agreement": NoPersonalData("group figures, small cells hidden"),
    "reports:monitoring": NoPersonalData("group figures, small cells hidden"),
    "reports:surveys": NoPersonalData("group figures, small cells hidden"),
    "reports:quality": NoPersonalData("group figures, small cells hidden"),
    "reports:case_reviews": NoPersonalData("grades of reviewed cases, small cells hidden"),
    "reports:dataset": NoPersonalData("the form; the export itself is logged with its purpose"),
    "api-v1:openapi-json": NoPersonalData("the API's schema"),
    "api-v1:openapi-view": NoPersonalData("the API's documentation"),
    "api-v1:api-root": NoPersonalData("the API's root"),
    "api-tokens": NoPersonalData("the old address of the clients, a redirect"),
    "api:client-create": NoPersonalData("creates an integration client, no citizen"),
    "api:client": NoPersonalData(
        "an integration client and its tokens", kwargs=lambda w: {"client_id": 1}
    ),
    "api:token-issue": NoPersonalData("issues a token", kwargs=lambda w: {"client_id": 1}),
    "api:revoke": NoPersonalData(
        "revokes a token", kwargs=lambda w: {"client_id": 1, "token_id": 1}
    ),
    "exchange:upload": NoPersonalData("the upload form; an import is logged by the services"),
    "codelists:list": NoPersonalData("the code lists"),
    "codelists:detail": NoPersonalData(
        "a code list's codes", kwargs=lambda w: {"code_list": "meeting_kind"}
    ),
    "codelists:change": NoPersonalData(
        "changes an own code", kwargs=lambda w: {"code_list": "meeting_kind", "code_id": 1}
    ),
    "exchange:import": NoPersonalData("imports the checked package; logged by the services"),
    "exchange:format": NoPersonalData("the description of the exchange format"),
    "exchange:example": NoPersonalData("the example package, fictitious people"),
    "instruments:list": NoPersonalData("question batteries"),
    "instruments:detail": NoPersonalData("a question battery", kwargs=instrument),
    "instruments:copy": NoPersonalData("copies a question battery", kwargs=instrument),
    "instruments:reliability": NoPersonalData("an instrument's reliability", kwargs=instrument),
    "instruments:edit": NoPersonalData("a question battery's draft", kwargs=instrument),
    "instruments:publish": NoPersonalData(
        "publishes a version", kwargs=lambda w: instrument(w) | {"version_id": 1}
    ),
    "audit:access_log": Shows(
        "administrator", "post", data=lambda w: {"cpr": citizen_cpr(w.citizen).formatted}
    ),
    "audit:criterion": Shows("administrator", "post", kwargs=lambda w: {"entry_id": a_search(w)}),
    "audit:export": Shows("administrator", "post", kwargs=citizen),
    "subject_access:export": Shows(
        CW, "post", kwargs=citizen, data=lambda w: {"purpose": "citizen_request"}
    ),
    "audit:users": NoPersonalData("staff users and the changes of their roles, no citizen"),
    "signin:organisations": NoPersonalData("the organisations, no citizen"),
    "signin:organisation_create": NoPersonalData("creates a provider or project, no citizen"),
    "signin:organisation_edit": NoPersonalData(
        "an organisation's name, kind and state, no citizen",
        kwargs=lambda w: {"organisation_id": w.vaekst.pk},
    ),
    "rights:retention": Shows("administrator"),
    "rights:erase": Shows(
        "administrator", "post", data=lambda w: {"citizens": [w.ended_citizen.pk]}
    ),
    "rights:rule": NoPersonalData("saves the rule; on an error, the list is shown and logged"),
    "rights:hold": NoPersonalData("places a legal hold, then redirects", kwargs=citizen),
    "rights:hold_lift": NoPersonalData("lifts a legal hold, then redirects", kwargs=citizen),
    "portal:invite": Shows(CW, kwargs=citizen),
    "portal:link": Shows(CW, kwargs=link),
    "portal:link_question": Shows(CW, kwargs=lambda w: link(w) | {"number": 1}),
    "portal:link_summary": Shows(CW, kwargs=link),
    "portal:sent": NoPersonalData("thanks the citizen for sending, nothing about them"),
    "portal:own": Shows(SELF),
    "portal:own_report": Shows(SELF),
    "portal:own_start": Shows(SELF, kwargs=own_invitation),
    "portal:own_question": Shows(SELF, kwargs=lambda w: own_invitation(w) | {"number": 1}),
    "portal:own_summary": Shows(SELF, kwargs=own_invitation),
    "portal:sign_in": NoPersonalData("sends the browser to the citizen identity broker"),
    "portal:callback": NoPersonalData("signs the citizen in from the broker's answer"),
    "portal:sign_out": NoPersonalData("signs the citizen out"),
}


# The API's own pages; its operations are classified in API_OPERATIONS below.
API_PAGES = {"openapi-json", "openapi-view", "api-root"}


def url_names(patterns=None, namespace="") -> dict[str, URLPattern]:
    found = {}
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue  # the Django admin: organisations and users, never a citizen
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found |= url_names(entry.url_patterns, inner)
        elif "api-v1" not in namespace or entry.name in API_PAGES:
            found[namespace + entry.name] = entry
    return found


def test_every_route_is_classified():
    assert set(url_names()) == set(PAGES)


def log_rows() -> int:
    return AccessLogEntry.objects.count()


@pytest.mark.parametrize(
    "name", [name for name, route in PAGES.items() if isinstance(route, Shows)]
)
def test_every_route_that_shows_personal_data_writes_an_access_log_row(
    name, world, cases, invited, registered, login, client
):
    from django.urls import reverse

    route = PAGES[name]
    if route.persona == SELF:
        citizen_signed_in(client, world.citizen)
    else:
        client = login(getattr(world, route.persona))
    url = reverse(name, kwargs=route.kwargs(world))
    before = log_rows()
    if route.method == "get":
        response = client.get(url, route.query, headers={"hx-request": "true"})
    else:
        response = client.post(url, route.data(world), headers={"hx-request": "true"})
    assert response.status_code < 500, (name, response.status_code)
    if 300 <= response.status_code < 400:
        return  # a write that redirects shows nothing; the page it leads to logs
    assert response.status_code not in (403, 404), (name, response.status_code)
    assert log_rows() > before, name


# No GET changes data: a snapshot of every table but the logs, before and after every GET
# route as every role.
LOGS = {"audit_accesslogentry", "audit_accesslogsubject", "django_session"}


def snapshot() -> dict[str, str]:
    tables = {}
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            table = model._meta.db_table
            if not model._meta.managed or model._meta.proxy:
                continue
            if table in LOGS or table.startswith("axes_"):
                continue
            # Signing the personas in (not the GETs) sets their last_login.
            columns = ", ".join(
                f'"{f.column}"' for f in model._meta.concrete_fields if f.name != "last_login"
            )
            cursor.execute(f'SELECT {columns} FROM "{table}" ORDER BY 1')  # noqa: S608
            rows = json.dumps(cursor.fetchall(), default=str)
            tables[table] = hashlib.sha256(rows.encode()).hexdigest()
    return tables


def test_no_get_changes_data_for_any_role(world, cases, referred, invited, registered, client):
    from django.urls import reverse

    booked(world)  # made on first use: before the snapshot, not by the first GET's address
    before = snapshot()
    requests = 0
    for persona in [*PERSONAS, None, SELF]:
        if persona is None:
            client.logout()
        elif persona == SELF:
            citizen_signed_in(client, world.citizen)
        else:
            signed_in(client, getattr(world, persona))
        for name, route in PAGES.items():
            if name in {"signin:logout"}:
                continue
            url = reverse(name, kwargs=route.kwargs(world))
            response = client.get(url)
            assert response.status_code < 500, (persona, name, response.status_code)
            requests += 1
    assert requests == 10 * (len(PAGES) - 1)
    after = snapshot()
    changed = [table for table in before if before[table] != after[table]]
    assert changed == []


def test_the_plan_form_does_not_make_a_plan(world, login):
    from fremdrift.plans.models import Plan

    response = login(world.caseworker).get(f"/citizens/{world.citizen.pk}/plan/forms/meeting/")
    assert response.status_code == 200
    assert not Plan.objects.filter(citizen=world.citizen).exists()


# The API: every operation of the OpenAPI schema, by method and path.
def api_id(w, kind: str) -> int:
    made = case(w)
    return {
        "citizen_id": w.citizen.pk,
        "assessment_id": made.assessment.pk,
        "response_id": made.assessment.pk,
        "plan_id": made.plan.pk,
        "care_plan_id": made.plan.pk,
        "goal_id": made.goals[1].pk,
        "event_id": made.events[0].pk,
        "activity_id": made.activity.pk,
        "meeting_id": made.meeting.pk,
        "mentor_id": made.mentor.pk,
        "plan_role_id": made.plan_role.pk,
        "enrolment_id": w.enrolments["citizen"].pk,
        "referral_id": w.referral.pk,
        "company_id": w.company_id,
        "contact_id": w.contact_id,
        "suggestion_id": w.suggestion_id,
    }[kind]


READ = "read"  # a GET of case data, requested as the caseworker
WRITE = "write"  # a write, sent with the shared write fixtures' body
API_OPERATIONS = {
    "GET /citizens": READ,
    "POST /citizens": WRITE,
    "GET /citizens/{citizen_id}": READ,
    "PUT /citizens/{citizen_id}": WRITE,
    "GET /citizens/{citizen_id}/shares": READ,
    "POST /citizens/{citizen_id}/shares": WRITE,
    "POST /citizens/{citizen_id}/shares/{share_id}/end": WRITE,
    "GET /codelists": "code lists",
    "GET /codelists/{code_list}": "a code list",
    "GET /instruments": "question batteries",
    "GET /instruments/{code}": "a question battery",
    "GET /assessments": READ,
    "POST /assessments": WRITE,
    "GET /assessments/{assessment_id}": READ,
    "PUT /assessments/{assessment_id}": WRITE,
    "GET /plans": READ,
    "GET /plans/{plan_id}": READ,
    "PUT /plans/{plan_id}": WRITE,
    "GET /goals": READ,
    "POST /goals": WRITE,
    "GET /goals/{goal_id}": READ,
    "PUT /goals/{goal_id}": WRITE,
    "GET /goals/{goal_id}/events": READ,
    "GET /goal-events": READ,
    "GET /goal-events/{event_id}": READ,
    "GET /activities": READ,
    "POST /activities": WRITE,
    "GET /activities/{activity_id}": READ,
    "PUT /activities/{activity_id}": WRITE,
    "POST /activities/{activity_id}/hours": WRITE,
    "GET /meetings": READ,
    "POST /meetings": WRITE,
    "PATCH /meetings/{meeting_id}": WRITE,
    "POST /meetings/{meeting_id}/complete": WRITE,
    "POST /meetings/{meeting_id}/cancel": WRITE,
    "GET /meetings/{meeting_id}": READ,
    "GET /mentors": READ,
    "POST /mentors": WRITE,
    "GET /mentors/{mentor_id}": READ,
    "GET /plan-roles": READ,
    "POST /plan-roles": WRITE,
    "GET /plan-roles/{plan_role_id}": READ,
    "GET /vacancy-suggestions": READ,
    "POST /vacancy-suggestions": WRITE,
    "GET /vacancy-suggestions/{suggestion_id}": READ,
    "POST /vacancy-suggestions/{suggestion_id}/outcome": WRITE,
    "GET /companies": "companies and their counts of placements, no person",
    "POST /companies": "makes a company, no person",
    "GET /companies/{company_id}": "a company's own facts, no person",
    "PUT /companies/{company_id}": "changes a company's own facts, no person",
    "POST /companies/{company_id}/retire": "retires a company, no person",
    # Contact persons are persons: logged as the company page that shows them is.
    "GET /companies/{company_id}/contacts": READ,
    "POST /companies/{company_id}/contacts": WRITE,
    "GET /companies/{company_id}/contacts/{contact_id}": READ,
    "PUT /companies/{company_id}/contacts/{contact_id}": WRITE,
    "GET /companies/{company_id}/vacancies": "open positions, no person",
    "POST /companies/{company_id}/vacancies": "adds an open position, no person",
    "GET /companies/{company_id}/vacancies/{vacancy_id}": "an open position, no person",
    "POST /companies/{company_id}/vacancies/{vacancy_id}/close": "closes a position, no person",
    "GET /programmes": "programmes, no citizen",
    "GET /programmes/{programme_id}": "a programme, no citizen",
    "GET /enrolments": READ,
    "POST /enrolments": WRITE,
    "GET /enrolments/{enrolment_id}": READ,
    "POST /enrolments/{enrolment_id}/exit": WRITE,
    "GET /referrals": READ,
    "POST /referrals": WRITE,
    "GET /referrals/{referral_id}": READ,
    "POST /referrals/{referral_id}/end": WRITE,
    "GET /reports/progression": "group figures, small cells hidden",
    "GET /reports/comparison": "group figures, small cells hidden",
    "GET /reports/goals": "group figures, small cells hidden",
    "GET /reports/monitoring": "group figures, small cells hidden",
    "GET /reports/surveys": "group figures, small cells hidden",
    "GET /reports/agreement": "group figures, small cells hidden",
    "GET /reports/quality": "group figures, small cells hidden",
    "GET /fhir/Questionnaire": "question batteries",
    "POST /fhir/Questionnaire": "makes a question battery",
    "GET /fhir/Questionnaire/{questionnaire_id}": "a question battery",
    "GET /fhir/QuestionnaireResponse": READ,
    "GET /fhir/QuestionnaireResponse/{response_id}": READ,
    "GET /fhir/Goal": READ,
    "GET /fhir/Goal/{goal_id}": READ,
    "GET /fhir/CarePlan": READ,
    "GET /fhir/CarePlan/{care_plan_id}": READ,
}


def api_operations() -> set[str]:
    from fremdrift.api.api import api

    schema = api.get_openapi_schema()
    return {
        f"{method.upper()} {path.removeprefix('/api/v1')}"
        for path, operations in schema["paths"].items()
        for method in operations
    }


def test_every_api_operation_is_classified():
    assert api_operations() == set(API_OPERATIONS)


def api_writes() -> dict:
    """The write fixtures' endpoints, and the three they do not hold."""
    from fremdrift.api.tests.writes import API, ENDPOINTS

    writes = {endpoint.name: endpoint for endpoint in ENDPOINTS}
    writes |= {
        "POST /citizens": lambda w: (
            "POST",
            f"{API}/citizens",
            {
                "first_name": "Ny",
                "last_name": "Borger",
                "cpr": make_cpr(),
                "target_group": "activity_ready_cash_benefit",
                "responsible_caseworker_id": w.caseworker.pk,
            },
        ),
        "PUT /citizens/{id}": lambda w: (
            "PUT",
            f"{API}/citizens/{w.citizen.pk}",
            {
                "first_name": "Karen",
                "last_name": "Blixen",
                "target_group": "activity_ready_cash_benefit",
                "responsible_caseworker_id": w.caseworker.pk,
            },
            {"HTTP_IF_MATCH": f'"{w.citizen.version}"'},
        ),
        "PATCH /meetings/{id}": lambda w: (
            "PATCH",
            f"{API}/meetings/{booked(w).pk}",
            {"place": "Biblioteket"},
            {"HTTP_IF_MATCH": f'"{booked(w).version}"'},
        ),
        "POST /meetings/{id}/complete": lambda w: (
            "POST",
            f"{API}/meetings/{booked_today(w).pk}/complete",
            {"citizen_attended": True},
            {"HTTP_IF_MATCH": '"1"'},
        ),
        "POST /meetings/{id}/cancel": lambda w: (
            "POST",
            f"{API}/meetings/{booked(w).pk}/cancel",
            {},
            {"HTTP_IF_MATCH": f'"{booked(w).version}"'},
        ),
        "POST /referrals/{id}/end": lambda w: (
            "POST",
            f"{API}/referrals/{w.referral.pk}/end",
            {"end_date": str(dt.date.today())},
            {"HTTP_IF_MATCH": f'"{w.referral.version}"'},
        ),
        "POST /citizens/{id}/shares": lambda w: (
            "POST",
            f"{API}/citizens/{w.citizen.pk}/shares",
            {"shared_with_id": w.syd.pk, "purpose": "Bolig", "start_date": str(DAY)},
        ),
        "POST /citizens/{id}/shares/{id}/end": lambda w: (
            "POST",
            f"{API}/citizens/{w.citizen.pk}/shares/{a_share(w).pk}/end",
            {},
            {"HTTP_IF_MATCH": '"1"'},
        ),
        "POST /vacancy-suggestions": lambda w: (
            "POST",
            f"{API}/vacancy-suggestions",
            {"citizen_id": w.teammates_citizen.pk, "vacancy_id": w.vacancy_id},
        ),
        "POST /vacancy-suggestions/{id}/outcome": lambda w: (
            "POST",
            f"{API}/vacancy-suggestions/{w.suggestion_id}/outcome",
            {"outcome": "applied"},
            {"HTTP_IF_MATCH": '"1"'},
        ),
        "POST /companies/{id}/contacts": lambda w: (
            "POST",
            f"{API}/companies/{w.company_id}/contacts",
            {"name": "Bent Bager", "phone": "12345678"},
        ),
        "PUT /companies/{id}/contacts/{id}": lambda w: (
            "PUT",
            f"{API}/companies/{w.company_id}/contacts/{w.contact_id}",
            {"role": "Mester"},
            {"HTTP_IF_MATCH": '"1"'},
        ),
    }
    return writes


def a_share(w):
    """Nord shares the world's citizen's case with Syd."""
    from fremdrift.citizens.services import case_share_create

    return case_share_create(
        actor=w.caseworker,
        citizen=w.citizen,
        shared_with=w.syd,
        purpose="Bolig",
        start_date=DAY,
    )


@pytest.mark.parametrize(
    "operation", [op for op, kind in API_OPERATIONS.items() if kind in (READ, WRITE)]
)
def test_every_api_operation_on_case_data_writes_an_access_log_row(
    operation, world, cases, referred, registered, bearer, client
):
    import re

    from fremdrift.api.tests.writes import send

    headers = bearer(world.caseworker)
    method, path = operation.split(" ", 1)
    before = log_rows()
    if API_OPERATIONS[operation] == READ:
        url = "/api/v1" + re.sub(r"\{(\w+)\}", lambda m: str(api_id(world, m[1])), path)
        response = client.get(url, **headers)
    else:
        key = re.sub(r"\{\w+\}", "{id}", operation)
        write = api_writes()[key]
        if callable(getattr(write, "call", None)):
            response = write.call(client, headers, world, "citizen")
        else:
            method, url, body, *extra = write(world)
            response = send(client, method, url, body, headers, **(extra[0] if extra else {}))
    assert response.status_code < 300, (operation, response.status_code, response.content[:300])
    assert log_rows() > before, operation
