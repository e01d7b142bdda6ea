"""The API's write endpoints as test data, shared by the write tests of each app
(`<app>/tests/test_api_writes.py`) and the matrices across apps (`api/tests/test_writes.py`):
each endpoint with how to call it for a citizen, what it must change, its success code and who
may write; the `cases` and `referred` fixtures (re-exported by the conftests beside those
tests); helpers to send a body and count what is saved."""

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from fremdrift.api.tests.test_resources import OWNER, make_case
from fremdrift.assessments.models import Assessment
from fremdrift.audit.models import ChangeRecord
from fremdrift.citizens.tests.test_access import CITIZENS, MAY_CHANGE, VISIBLE
from fremdrift.plans.models import Activity, Goal, HoursChange, Meeting, Mentor, Plan, PlanRole
from fremdrift.programmes import services as programme_services
from fremdrift.programmes.models import Enrolment, Programme
from fremdrift.referrals import services as referral_services
from fremdrift.referrals.models import FocusItem, Referral
from fremdrift.testing import make_programme

API = "/api/v1"


TODAY = dt.date.today()


DAY = TODAY - dt.timedelta(days=10)


@pytest.fixture
def cases(world):
    """A whole case for every citizen of the world (plan, goals, activity, meeting, mentor,
    assessment) and an active enrolment of each in Vækst's programme; a second programme of
    Vækst to enrol them in."""
    world.cases = {name: make_case(world, name) for name in CITIZENS}
    programme = make_programme(world.vaekst, name="Forløb Vækst")
    world.new_programme = make_programme(world.vaekst, name="Nyt forløb")
    # A programme the referral page no longer offers.
    world.closed_programme = make_programme(world.vaekst, name="Lukket forløb")
    Programme.objects.filter(pk=world.closed_programme.pk).update(is_active=False)
    world.enrolments = {
        name: programme_services.enrolment_create(
            actor=getattr(world, OWNER[name]),
            citizen=getattr(world, name),
            programme=programme,
            start_date=DAY,
        )
        for name in CITIZENS
    }
    return world.cases


def send(client, method: str, url: str, body: dict, headers: dict, **extra):
    call = getattr(client, method.lower())
    return call(url, json.dumps(body), content_type="application/json", **headers, **extra)


def if_match(version) -> dict:
    return {"HTTP_IF_MATCH": f'"{version}"'}


def changes_of(citizen) -> int:
    return ChangeRecord.objects.filter(citizen_id=citizen.pk).count()


# The write endpoints, each with: how to call it for a citizen, what it must change, its
# success code, and who may write (besides being in scope).


@dataclass
class Endpoint:
    name: str
    request: Callable  # (world, citizen name) -> (method, url, body)
    state: Callable  # (world, citizen name) -> what the write changes
    success: int
    may_write: Callable[[str], bool]
    visible: Callable[[str, str], bool] = lambda role, name: name in VISIBLE[role]
    version: Callable | None = None  # (world, citizen name) -> the current version

    def call(self, client, headers: dict, world, name: str, **extra):
        """The request for the citizen's object, with the current version in If-Match unless
        `extra` says otherwise."""
        method, url, body = self.request(world, name)
        if self.version is not None and "HTTP_IF_MATCH" not in extra:
            extra["HTTP_IF_MATCH"] = f'"{self.version(world, name)}"'
        extra = {k: v for k, v in extra.items() if v is not None}
        return send(client, method, url, body, headers, **extra)


def plan_writer(role: str) -> bool:
    """The plan page's rule (`may_record`): caseworkers (of the home organisation, or of an
    authority the case is shared with), and provider staff who see the citizen."""
    return assessor(role) or role == "provider_staff"


def assessor(role: str) -> bool:
    """Who records and corrects assessments: the home organisation's caseworkers and those of
    an authority the case is shared with."""
    return role in MAY_CHANGE or role == "shared_caseworker"


def company_part_writer(role: str) -> bool:
    """The rule of the plan's company part (a company-oriented activity such as a job with
    wage subsidy, a meeting with notes that are not internal): who writes the plan, and the
    job consultant of the citizen's organisation."""
    return plan_writer(role) or role == "job_consultant"


def assessment_visible(role: str, name: str) -> bool:
    """The assessment pages are not shared with provider staff."""
    return role != "provider_staff" and name in VISIBLE[role]


def enrolment_visible(role: str, name: str) -> bool:
    """Provider staff see the enrolments in their own programmes of the citizens they see
    (all enrolments here are in Vækst's programmes)."""
    return name in VISIBLE[role]


def _citizen(w, name):
    return getattr(w, name)


def _referral(w, name) -> Referral:
    """The citizen's active referral to Vækst: the world's own for `citizen`, the `referred`
    fixture's for the others."""
    return w.referral if name == "citizen" else w.referrals[name]


def referral_visible(role: str, name: str) -> bool:
    """With the `referred` fixture every citizen is actively referred to Vækst, so its staff
    see them all (and may not end a referral)."""
    return name in VISIBLE[role] or role == "provider_staff"


def referral_body(w, name, **extra) -> dict:
    return {
        "citizen_id": _citizen(w, name).pk,
        "programme_id": w.new_programme.pk,
        "instrument": "adult_wheel",
        "start_date": str(DAY),
        "interval_days": 14,
        "starting_scores": [
            {"item": "health_for_work", "value": 3},
            {"item": "attendance_stability", "value": 4},
        ],
    } | extra


ENDPOINTS = [
    Endpoint(
        "POST /assessments",
        lambda w, n: (
            "POST",
            f"{API}/assessments",
            {
                "citizen_id": _citizen(w, n).pk,
                "instrument": "adult_wheel",
                "date": str(TODAY),
                "respondent": "joint",
                "answers": [
                    {"item": "health_for_work", "value": 7},
                    {"item": "everyday_energy", "value": 4, "comment": "svært om morgenen"},
                ],
            },
        ),
        lambda w, n: Assessment.objects.filter(citizen=_citizen(w, n)).count(),
        201,
        assessor,
        assessment_visible,
    ),
    Endpoint(
        "PUT /assessments/{id}",
        lambda w, n: (
            "PUT",
            f"{API}/assessments/{w.cases[n].assessment.pk}",
            {
                "date": str(DAY),
                "respondent": "joint",
                "answers": [{"item": "health_for_work", "value": 8}],
            },
        ),
        lambda w, n: Assessment.objects.get(pk=w.cases[n].assessment.pk).revision,
        200,
        assessor,
        assessment_visible,
        version=lambda w, n: Assessment.objects.get(pk=w.cases[n].assessment.pk).revision,
    ),
    Endpoint(
        "PUT /plans/{id}",
        lambda w, n: (
            "PUT",
            f"{API}/plans/{w.cases[n].plan.pk}",
            {"own_effort": "Jeg cykler til praktikken", "citizen_comments": "Glad for planen"},
        ),
        lambda w, n: Plan.objects.get(pk=w.cases[n].plan.pk).version,
        200,
        plan_writer,
        version=lambda w, n: Plan.objects.get(pk=w.cases[n].plan.pk).version,
    ),
    Endpoint(
        "POST /goals",
        lambda w, n: (
            "POST",
            f"{API}/goals",
            {
                "citizen_id": _citizen(w, n).pk,
                "text": "Jeg vil cykle til arbejde",
                "category": "job",
            },
        ),
        lambda w, n: Goal.objects.filter(plan__citizen=_citizen(w, n)).count(),
        201,
        plan_writer,
    ),
    Endpoint(
        "PUT /goals/{id}",
        lambda w, n: (
            "PUT",
            f"{API}/goals/{w.cases[n].goals[1].pk}",
            {"reason": "situation_changed", "text": "Møde til tiden hver dag"},
        ),
        lambda w, n: Goal.objects.get(pk=w.cases[n].goals[1].pk).version,
        200,
        plan_writer,
        version=lambda w, n: Goal.objects.get(pk=w.cases[n].goals[1].pk).version,
    ),
    Endpoint(
        "POST /activities",
        lambda w, n: (
            "POST",
            f"{API}/activities",
            {
                "citizen_id": _citizen(w, n).pk,
                "sector": "employment",
                "kind": "wage_subsidy",
                "purpose": "Løntilskud i Føtex",
                "goal_ids": [w.cases[n].goals[0].pk],
                "start_date": str(DAY),
                "weekly_hours": 12.5,
            },
        ),
        lambda w, n: Activity.objects.filter(plan__citizen=_citizen(w, n)).count(),
        201,
        company_part_writer,
    ),
    Endpoint(
        "PUT /activities/{id}",
        lambda w, n: (
            "PUT",
            f"{API}/activities/{w.cases[n].activity.pk}",
            {"result": "succeeded", "next_step": "Ordinært job", "end_date": str(TODAY)},
        ),
        lambda w, n: Activity.objects.get(pk=w.cases[n].activity.pk).version,
        200,
        company_part_writer,
        version=lambda w, n: Activity.objects.get(pk=w.cases[n].activity.pk).version,
    ),
    Endpoint(
        "POST /activities/{id}/hours",
        lambda w, n: (
            "POST",
            f"{API}/activities/{w.cases[n].activity.pk}/hours",
            {"from_date": str(DAY + dt.timedelta(days=7)), "weekly_hours": 25},
        ),
        lambda w, n: HoursChange.objects.filter(activity=w.cases[n].activity).count(),
        201,
        company_part_writer,
    ),
    Endpoint(
        "POST /meetings",
        lambda w, n: (
            "POST",
            f"{API}/meetings",
            {
                "citizen_id": _citizen(w, n).pk,
                "kind": "follow_up",
                "date": str(TODAY),
                "notes": "Godt møde",
                "notes_internal": False,
                "participants": [
                    {"role": "employment_caseworker", "user_id": getattr(w, OWNER[n]).pk},
                    {"role": "doctor", "name": "Dr. Hansen"},
                ],
            },
        ),
        lambda w, n: Meeting.objects.filter(plan__citizen=_citizen(w, n)).count(),
        201,
        company_part_writer,
    ),
    Endpoint(
        "POST /mentors",
        lambda w, n: (
            "POST",
            f"{API}/mentors",
            {
                "citizen_id": _citizen(w, n).pk,
                "kind": "volunteer",
                "name": "Bent Frivillig",
                "start_date": str(TODAY),
                "tasks": ["guidance_support", "cv_applications"],
            },
        ),
        lambda w, n: Mentor.objects.filter(plan__citizen=_citizen(w, n)).count(),
        201,
        plan_writer,
    ),
    Endpoint(
        "POST /plan-roles",
        lambda w, n: (
            "POST",
            f"{API}/plan-roles",
            {
                "citizen_id": _citizen(w, n).pk,
                "role": "addiction_counsellor",
                "name": "Rikke Rådgiver",
                "task": "Holder samtaler om hash hver anden uge",
            },
        ),
        lambda w, n: PlanRole.objects.filter(plan__citizen=_citizen(w, n)).count(),
        201,
        plan_writer,
    ),
    Endpoint(
        "POST /enrolments",
        lambda w, n: (
            "POST",
            f"{API}/enrolments",
            {
                "citizen_id": _citizen(w, n).pk,
                "programme_id": w.new_programme.pk,
                "start_date": str(DAY),
            },
        ),
        lambda w, n: Enrolment.objects.filter(citizen=_citizen(w, n)).count(),
        201,
        lambda role: role in MAY_CHANGE,
    ),
    Endpoint(
        "POST /enrolments/{id}/exit",
        lambda w, n: (
            "POST",
            f"{API}/enrolments/{w.enrolments[n].pk}/exit",
            {"end_date": str(TODAY), "exit_reason": "job", "note": "Fik job i Netto"},
        ),
        lambda w, n: Enrolment.objects.get(pk=w.enrolments[n].pk).version,
        200,
        # The citizen's caseworkers, and the staff of the programme's organisation (Vækst).
        lambda role: role in MAY_CHANGE or role == "provider_staff",
        enrolment_visible,
        version=lambda w, n: Enrolment.objects.get(pk=w.enrolments[n].pk).version,
    ),
    Endpoint(
        "POST /referrals",
        lambda w, n: ("POST", f"{API}/referrals", referral_body(w, n)),
        lambda w, n: Referral.objects.filter(citizen=_citizen(w, n)).count(),
        201,
        # As on the referral page: the citizen's caseworkers.
        lambda role: role in MAY_CHANGE,
    ),
]


# Ending a referral needs one for every citizen (the `referred` fixture), which changes what
# provider staff see; it has its own matrix.
REFERRAL_END = Endpoint(
    "POST /referrals/{id}/end",
    lambda w, n: ("POST", f"{API}/referrals/{_referral(w, n).pk}/end", {"end_date": str(TODAY)}),
    lambda w, n: Referral.objects.get(pk=_referral(w, n).pk).version,
    200,
    lambda role: role in MAY_CHANGE,
    referral_visible,
    version=lambda w, n: Referral.objects.get(pk=_referral(w, n).pk).version,
)


BY_NAME = {e.name: e for e in [*ENDPOINTS, REFERRAL_END]}


@pytest.fixture
def referred(world, cases):
    """Besides the world's active referral of `citizen`, one of every other citizen to Vækst
    (by their own caseworker)."""
    world.referrals = {
        name: referral_services.referral_create(
            actor=getattr(world, OWNER[name]),
            citizen=getattr(world, name),
            provider=world.vaekst,
            start_date=DAY,
        )
        for name in CITIZENS
        if name != "citizen"
    }
    return world.referrals


def fields_of(response) -> list[str]:
    return [problem["field"] for problem in response.json()["detail"]]


def everything() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (
            Assessment,
            ChangeRecord,
            Plan,
            Goal,
            Activity,
            HoursChange,
            Meeting,
            Mentor,
            Enrolment,
            Referral,
            FocusItem,
        )
    } | {
        "versions": sorted(
            [*Goal.objects.values_list("version", flat=True)]
            + [*Activity.objects.values_list("version", flat=True)]
            + [*Enrolment.objects.values_list("version", flat=True)]
            + [*Assessment.objects.values_list("revision", flat=True)]
            + [*Plan.objects.values_list("version", flat=True)]
            + [*Referral.objects.values_list("version", flat=True)]
        )
    }
