"""FHIR R4 at /api/v1/fhir/: every answer validates with the `fhir.resources` R4B models,
follows the access matrix (404 out of scope, never listed), holds no CPR number and is in the
access log; importing a Questionnaire creates an instrument, and a malformed one answers 400
naming the field."""

import copy
import datetime as dt
import json
from types import SimpleNamespace

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.careplan import CarePlan
from fhir.resources.R4B.goal import Goal as FhirGoal
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from fremdrift.api.fhir.common import DATA_ABSENT, EXT
from fremdrift.api.fhir.plans import activity_status
from fremdrift.assessments.services import AnswerInput, assessment_record
from fremdrift.audit.models import AccessLogEntry
from fremdrift.citizens.selectors import citizen_cpr
from fremdrift.citizens.tests.test_access import CITIZENS, ROLES, VISIBLE
from fremdrift.codelists.models import Code
from fremdrift.instruments.models import Instrument, InstrumentVersion
from fremdrift.instruments.services import item_specs_of
from fremdrift.plans import services as plan_services

FHIR = "/api/v1/fhir"
OWNER = {
    "citizen": "caseworker",
    "teammates_citizen": "colleague",
    "ended_citizen": "caseworker",
    "foreign_citizen": "outsider",
}
MODELS = {
    "Questionnaire": Questionnaire,
    "QuestionnaireResponse": QuestionnaireResponse,
    "Goal": FhirGoal,
    "CarePlan": CarePlan,
}


def code(code_list, value, parent=None):
    codes = Code.objects.filter(code_list=code_list, code=value)
    if parent:
        codes = codes.filter(parent__code=parent)
    return codes.get()


def published(instrument_code: str) -> InstrumentVersion:
    return Instrument.objects.get(code=instrument_code).versions.get(status="published")


def make_case(world, name: str) -> SimpleNamespace:
    """A plan with an end goal, a sub-goal and an activity, and two assessments (the wheel
    the observations with percent, yes/no and 'not relevant', the survey with 'don't know')."""
    actor = getattr(world, OWNER[name])
    citizen = getattr(world, name)
    day = dt.date.today() - dt.timedelta(days=10)
    plan = plan_services.plan_get_or_create(actor=actor, citizen=citizen)
    end_goal = plan_services.goal_create(
        actor=actor,
        plan=plan,
        text="Jeg vil have et job i et køkken",
        is_end_goal=True,
        category=code("end_goal_category", "job"),
    )
    sub_goal = plan_services.goal_create(
        actor=actor, plan=plan, text="Møde til tiden", parent=end_goal, supported_by="mentor"
    )
    sub_goal = plan_services.goal_change(
        actor=actor,
        goal=sub_goal,
        expected_version=sub_goal.version,
        reason="new_information",
        target_date=day + dt.timedelta(days=60),
    )
    activity = plan_services.activity_create(
        actor=actor,
        plan=plan,
        goals=[sub_goal],
        sector=code("activity_sector", "employment"),
        kind=code("activity_type", "wage_subsidy", "employment"),
        purpose="Løntilskud i Netto",
        start_date=day,
        weekly_hours="15",
    )
    wheel = assessment_record(
        actor=actor,
        citizen=citizen,
        version=published("adult_wheel"),
        date=day,
        respondent="joint",
        status="completed",
        answers={
            "health_for_work": AnswerInput(value=6),
            "everyday_energy": AnswerInput(value=3, comment="Sover dårligt"),
        },
    )
    survey = assessment_record(
        actor=actor,
        citizen=citizen,
        version=published("citizen_survey"),
        date=day,
        respondent="citizen",
        status="completed",
        answers={
            "involved_in_plan": AnswerInput(dont_know=True),
            "plan_matters": AnswerInput(value=4),
        },
        entered_by_citizen=True,  # through a self-assessment link
    )
    observation = assessment_record(
        actor=actor,
        citizen=citizen,
        version=published("observation"),
        date=day,
        respondent="caseworker",
        status="completed",
        answers={
            "attendance_percent": AnswerInput(value="87.5"),
            "took_part_planned": AnswerInput(value=1),
            "in_treatment": AnswerInput(not_relevant=True),
        },
    )
    return SimpleNamespace(
        citizen=citizen,
        plan=plan,
        end_goal=end_goal,
        sub_goal=sub_goal,
        activity=activity,
        assessments=[wheel, observation, survey],
    )


@pytest.fixture
def cases(world):
    return {name: make_case(world, name) for name in CITIZENS}


def fhir_json(response, model=None) -> dict:
    """The body of a FHIR answer, validated with its R4B model (the Bundle's own for lists,
    which validates every entry by its resourceType; each entry is validated again)."""
    assert response["Content-Type"].startswith("application/fhir+json"), response["Content-Type"]
    body = response.json()
    if body["resourceType"] == "Bundle":
        Bundle.model_validate(body)
        for entry in body.get("entry", []):
            resource = entry["resource"]
            MODELS[resource["resourceType"]].model_validate(resource)
    else:
        (model or MODELS[body["resourceType"]]).model_validate(body)
    return body


def assert_no_cpr(response, world):
    text = response.content.decode()
    for name in CITIZENS:
        cpr = citizen_cpr(getattr(world, name))
        assert cpr.digits not in text and cpr.formatted not in text


def resources(body: dict) -> list[dict]:
    return [entry["resource"] for entry in body.get("entry", [])]


def subject_ids(body: dict) -> set[int]:
    return {int(r["subject"]["reference"].removeprefix("Patient/")) for r in resources(body)}


# --- Questionnaire ------------------------------------------------------------------------


def test_every_instrument_version_is_a_valid_questionnaire(world, client, bearer):
    headers = bearer(world.caseworker)
    response = client.get(f"{FHIR}/Questionnaire", **headers)
    assert response.status_code == 200
    body = fhir_json(response)
    assert body["type"] == "searchset" and body["total"] == InstrumentVersion.objects.count()
    found = {r["id"]: r for r in resources(body)}
    wheel = found["adult.wheel-v1"]
    assert wheel["url"].endswith("/api/v1/fhir/Questionnaire/adult_wheel")
    assert wheel["version"] == "1" and wheel["status"] == "active"
    assert wheel["title"] == "Bevægelseshjul for aktivitetsparate voksne"
    health = next(i for i in wheel["item"] if i["linkId"] == "health_for_work")
    assert health["type"] == "choice" and health["text"].startswith("Mit helbred")
    assert [o["valueCoding"]["code"] for o in health["answerOption"]] == [
        str(n) for n in range(1, 11)
    ]
    assert health["answerOption"][0]["valueCoding"]["display"] == "Slet ikke"
    observation = {i["linkId"]: i for i in found["observation-v1"]["item"]}
    assert observation["attendance_percent"]["type"] == "decimal"
    assert observation["took_part_planned"]["type"] == "boolean"
    assert {"url": f"{EXT}/allows-not-relevant", "valueBoolean": True} in observation[
        "in_treatment"
    ]["extension"]
    assert {i["type"] for i in found["resource.profile-v1"]["item"]} == {"text"}
    for resource_id in found:
        one = client.get(f"{FHIR}/Questionnaire/{resource_id}", **headers)
        assert one.status_code == 200 and fhir_json(one, Questionnaire)["id"] == resource_id
    # Questionnaires hold no personal data and are not logged.
    assert not AccessLogEntry.objects.exists()


def test_questionnaire_search_by_url_and_version(world, client, bearer):
    headers = bearer(world.caseworker)
    url = "http://testserver/api/v1/fhir/Questionnaire/observation"
    body = fhir_json(client.get(f"{FHIR}/Questionnaire", {"url": url, "version": "1"}, **headers))
    assert [r["id"] for r in resources(body)] == ["observation-v1"]
    assert fhir_json(client.get(f"{FHIR}/Questionnaire", {"version": "9"}, **headers))["total"] == 0


@pytest.mark.parametrize("resource_id", ["adult.wheel-v9", "nothing-v1", "adult.wheel", "x-vy"])
def test_an_unknown_questionnaire_answers_404(world, client, bearer, resource_id):
    response = client.get(f"{FHIR}/Questionnaire/{resource_id}", **bearer(world.caseworker))
    assert response.status_code == 404


# --- the access matrix -------------------------------------------------------------------


def _objects(case, resource_type: str) -> list:
    return {
        "QuestionnaireResponse": case.assessments,
        "Goal": [case.end_goal, case.sub_goal],
        "CarePlan": [case.plan],
    }[resource_type]


def _readable(role: str, citizen: str, resource_type: str) -> bool:
    """Provider staff see the plan an active referral shares, never the assessments."""
    if resource_type == "QuestionnaireResponse" and role.endswith("provider_staff"):
        return False
    return citizen in VISIBLE[role]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("resource_type", ["QuestionnaireResponse", "Goal", "CarePlan"])
def test_every_resource_follows_the_access_matrix(
    world, cases, client, bearer, role, resource_type
):
    headers = bearer(getattr(world, role))
    readable = {name for name in CITIZENS if _readable(role, name, resource_type)}
    listed = client.get(f"{FHIR}/{resource_type}", **headers)
    assert listed.status_code == 200
    assert_no_cpr(listed, world)
    assert subject_ids(fhir_json(listed)) == {getattr(world, name).pk for name in readable}
    for name in CITIZENS:
        case = cases[name]
        for patient in (str(case.citizen.pk), f"Patient/{case.citizen.pk}"):
            response = client.get(f"{FHIR}/{resource_type}", {"patient": patient}, **headers)
            body = fhir_json(response)
            expected = len(_objects(case, resource_type)) if name in readable else 0
            assert body["total"] == expected, (name, patient)
            assert_no_cpr(response, world)
        for obj in _objects(case, resource_type):
            response = client.get(f"{FHIR}/{resource_type}/{obj.pk}", **headers)
            assert response.status_code == (200 if name in readable else 404), name
            assert_no_cpr(response, world)
            if response.status_code == 200:
                body = fhir_json(response, MODELS[resource_type])
                assert body["id"] == str(obj.pk)
                assert body["subject"] == {"reference": f"Patient/{case.citizen.pk}"}
            else:
                assert case.citizen.last_name not in response.content.decode()


@pytest.mark.parametrize("patient", ["abc", "Patient/", "0", "99999999999", "Patient/x1"])
def test_a_patient_of_the_wrong_shape_answers_400(world, client, bearer, patient):
    response = client.get(f"{FHIR}/Goal", {"patient": patient}, **bearer(world.caseworker))
    assert response.status_code == 400
    assert response.json()["detail"][0]["field"] == "patient"


@pytest.mark.parametrize("path", ["Goal/999999", "CarePlan/abc", "QuestionnaireResponse/0"])
def test_unknown_ids_answer_404(world, client, bearer, path):
    assert client.get(f"{FHIR}/{path}", **bearer(world.caseworker)).status_code == 404


def test_reads_are_in_the_access_log(world, cases, client, bearer, integration_client):
    headers = bearer(world.caseworker)
    case = cases["citizen"]
    paths = [
        f"{FHIR}/QuestionnaireResponse",
        f"{FHIR}/QuestionnaireResponse/{case.assessments[0].pk}",
        f"{FHIR}/Goal",
        f"{FHIR}/Goal/{case.sub_goal.pk}",
        f"{FHIR}/CarePlan",
        f"{FHIR}/CarePlan/{case.plan.pk}",
    ]
    for path in paths:
        assert client.get(path, **headers).status_code == 200
    client_user = integration_client(world.caseworker)
    entries = list(AccessLogEntry.objects.filter(user=client_user).order_by("id"))
    assert [(e.action, e.path) for e in entries] == [
        ("list" if i % 2 == 0 else "view", path) for i, path in enumerate(paths)
    ]
    in_scope = {getattr(world, name).pk for name in VISIBLE["caseworker"]}
    for entry in entries[::2]:
        assert set(entry.subjects.values_list("citizen_id", flat=True)) == in_scope
    for entry in entries[1::2]:
        assert entry.citizen_id == case.citizen.pk
    # A list that shows nobody logs nothing.
    client.get(f"{FHIR}/Goal", {"patient": world.foreign_citizen.pk}, **headers)
    assert AccessLogEntry.objects.filter(user=client_user).count() == len(paths)


# --- the mapping --------------------------------------------------------------------------


def test_an_assessment_is_a_questionnaire_response(world, cases, client, bearer):
    headers = bearer(world.caseworker)
    case = cases["citizen"]
    wheel, observation, survey = case.assessments
    body = fhir_json(client.get(f"{FHIR}/QuestionnaireResponse/{wheel.pk}", **headers))
    questionnaire = fhir_json(client.get(f"{FHIR}/Questionnaire/adult.wheel-v1", **headers))
    assert body["questionnaire"] == f"{questionnaire['url']}|1"
    assert body["status"] == "completed" and body["authored"] == wheel.date.isoformat()
    assert body["source"] == {"reference": f"Patient/{case.citizen.pk}"}  # joint
    assert body["author"]["display"] == world.nord.name
    items = {i["linkId"]: i for i in body["item"]}
    assert items["health_for_work"]["answer"] == [
        {"valueCoding": {"code": "6", "display": "En del"}}
    ]
    assert items["everyday_energy"]["extension"] == [
        {"url": f"{EXT}/answer-comment", "valueString": "Sover dårligt"}
    ]
    assert set(items) == {"health_for_work", "everyday_energy"}  # blanks are left out
    assert body["extension"] == [{"url": f"{EXT}/respondent", "valueCode": "joint"}]

    body = fhir_json(client.get(f"{FHIR}/QuestionnaireResponse/{survey.pk}", **headers))
    assert body["extension"] == [
        {"url": f"{EXT}/respondent", "valueCode": "citizen"},
        {"url": f"{EXT}/entered-by-citizen", "valueBoolean": True},
    ]
    items = {i["linkId"]: i for i in body["item"]}
    assert "answer" not in items["involved_in_plan"]
    assert items["involved_in_plan"]["extension"] == [
        {"url": DATA_ABSENT, "valueCode": "asked-unknown"}
    ]
    assert items["plan_matters"]["answer"][0]["valueCoding"]["code"] == "4"

    body = fhir_json(client.get(f"{FHIR}/QuestionnaireResponse/{observation.pk}", **headers))
    items = {i["linkId"]: i for i in body["item"]}
    assert items["attendance_percent"]["answer"] == [{"valueDecimal": 87.5}]
    assert items["took_part_planned"]["answer"] == [{"valueBoolean": True}]
    assert {"url": DATA_ABSENT, "valueCode": "not-applicable"} in items["in_treatment"]["extension"]
    assert body["source"]["type"] == "Practitioner"  # the caseworker answered


def test_goals_carry_their_achievement_and_end_goal(world, cases, client, bearer):
    headers = bearer(world.caseworker)
    case = cases["citizen"]
    end = fhir_json(client.get(f"{FHIR}/Goal/{case.end_goal.pk}", **headers))
    assert end["description"] == {"text": "Jeg vil have et job i et køkken"}
    assert end["lifecycleStatus"] == "active"
    assert end["achievementStatus"]["coding"][0]["code"] == "in-progress"
    assert end["category"][0]["coding"][0]["code"] == "job"
    assert "extension" not in end
    sub = fhir_json(client.get(f"{FHIR}/Goal/{case.sub_goal.pk}", **headers))
    assert sub["extension"] == [
        {"url": f"{EXT}/end-goal", "valueReference": {"reference": f"Goal/{case.end_goal.pk}"}}
    ]
    assert sub["target"] == [{"dueDate": case.sub_goal.target_date.isoformat()}]

    for status, lifecycle, achievement in [
        ("achieved", "completed", "achieved"),
        ("partly", "completed", "partly"),
        ("not_achieved", "completed", "not-achieved"),
        ("dropped", "cancelled", "dropped"),
    ]:
        goal = case.sub_goal
        goal.refresh_from_db()
        plan_services.goal_change(
            actor=world.caseworker,
            goal=goal,
            expected_version=goal.version,
            reason="follow_up",
            status=status,
        )
        body = fhir_json(client.get(f"{FHIR}/Goal/{goal.pk}", **headers))
        assert body["lifecycleStatus"] == lifecycle, status
        assert body["achievementStatus"]["coding"][0]["code"] == achievement, status


def test_the_plan_is_a_care_plan(world, cases, client, bearer):
    headers = bearer(world.caseworker)
    case = cases["citizen"]
    body = fhir_json(client.get(f"{FHIR}/CarePlan/{case.plan.pk}", **headers))
    assert body["status"] == "active" and body["intent"] == "plan"
    assert body["goal"] == [
        {"reference": f"Goal/{case.end_goal.pk}"},
        {"reference": f"Goal/{case.sub_goal.pk}"},
    ]
    [activity] = body["activity"]
    assert activity["detail"]["description"] == "Løntilskud i Netto"
    assert activity["detail"]["status"] == "in-progress"
    assert activity["detail"]["scheduledPeriod"] == {"start": case.activity.start_date.isoformat()}
    assert activity["detail"]["goal"] == [{"reference": f"Goal/{case.sub_goal.pk}"}]


def test_an_activity_status_follows_its_dates_and_result():
    today = dt.date(2025, 6, 1)

    def status(start, end=None, result=""):
        return activity_status(
            SimpleNamespace(start_date=start, end_date=end, result=result), today
        )

    assert status(dt.date(2025, 7, 1)) == "scheduled"
    assert status(dt.date(2025, 5, 1)) == "in-progress"
    assert status(dt.date(2025, 5, 1), dt.date(2025, 5, 31)) == "completed"
    assert status(dt.date(2025, 5, 1), result="failed") == "completed"


# --- importing a Questionnaire ------------------------------------------------------------


def _builtin_questionnaire(client, headers, resource_id="adult.wheel-v1") -> dict:
    return fhir_json(client.get(f"{FHIR}/Questionnaire/{resource_id}", **headers))


def _post(client, headers, body):
    return client.post(
        f"{FHIR}/Questionnaire",
        json.dumps(body),
        content_type="application/fhir+json",
        **headers,
    )


@pytest.mark.parametrize(
    ("source", "new_code"),
    [
        ("adult_wheel", "adult_wheel_local"),
        ("observation", "observation-local"),
        ("participant_profile", "participant_profile_local"),
    ],
)
def test_a_questionnaire_round_trips_into_a_new_instrument(world, client, bearer, source, new_code):
    headers = bearer(world.administrator)
    builtin = published(source)
    body = _builtin_questionnaire(client, headers, f"{source.replace('_', '.')}-v1")
    body.pop("id")
    body["url"] = body["url"].rsplit("/", 1)[0] + f"/{new_code}"
    body["name"] = new_code
    body["title"] = "Lokal udgave"
    response = _post(client, headers, body)
    assert response.status_code == 201, response.content
    created = fhir_json(response, Questionnaire)
    assert created["url"] == body["url"] and created["status"] == "active"
    assert response["Location"].endswith(f"/Questionnaire/{created['id']}")
    instrument = Instrument.objects.get(code=new_code)
    assert instrument.name_da == "Lokal udgave"
    assert instrument.name_en == builtin.instrument.name_en
    assert instrument.purpose == builtin.instrument.purpose
    version = instrument.versions.get()
    assert version.status == "published" and version.respondents == builtin.respondents
    assert item_specs_of(version) == item_specs_of(builtin)
    # The new instrument reads back as the same Questionnaire, apart from its identity.
    again = _builtin_questionnaire(client, headers, created["id"])
    assert (
        again["item"]
        == _builtin_questionnaire(client, headers, f"{source.replace('_', '.')}-v1")["item"]
    )


def test_a_draft_questionnaire_becomes_a_draft_instrument(world, client, bearer):
    headers = bearer(world.administrator)
    body = _builtin_questionnaire(client, headers)
    body["url"] = "https://other.example/fhir/Questionnaire/fra_andet_system"
    body["status"] = "draft"
    assert _post(client, headers, body).status_code == 201
    assert Instrument.objects.get(code="fra_andet_system").versions.get().status == "draft"


@pytest.mark.parametrize("role", [r for r in ROLES if r != "administrator"])
def test_only_administrators_import(world, client, bearer, role):
    body = _builtin_questionnaire(client, bearer(world.administrator))
    body["url"] = body["url"] + "_copy"
    response = _post(client, bearer(getattr(world, role)), body)
    assert response.status_code == 403
    assert not Instrument.objects.filter(code="adult_wheel_copy").exists()


def _broken(body: dict, how: str) -> dict:
    broken = copy.deepcopy(body)
    broken["url"] = broken["url"] + "_broken"
    item = broken["item"][2]
    if how == "no type":
        del item["type"]
    elif how == "date item":
        item["type"] = "date"
        item.pop("answerOption")
    elif how == "words for points":
        item["answerOption"][0]["valueCoding"]["code"] = "low"
    elif how == "nested":
        item["item"] = [{"linkId": "inner", "type": "display", "text": "x"}]
    elif how == "too many points":
        item["answerOption"] += [{"valueCoding": {"code": str(n)}} for n in range(11, 15)]
    return broken


@pytest.mark.parametrize(
    ("how", "field"),
    [
        ("no type", "item.2.type"),
        ("date item", "item[network_support]"),
        ("words for points", "item[network_support]"),
        ("nested", "item[network_support]"),
        ("too many points", "item[network_support]"),
    ],
)
def test_a_malformed_questionnaire_answers_400_naming_the_field(world, client, bearer, how, field):
    headers = bearer(world.administrator)
    body = _broken(_builtin_questionnaire(client, headers), how)
    assert body["item"][2]["linkId"] == "network_support"
    response = _post(client, headers, body)
    assert response.status_code == 400, response.content
    detail = response.json()["detail"]
    assert field in {d["field"] for d in detail}
    if field.startswith("item["):
        assert "network_support" in json.dumps(detail)
    assert not Instrument.objects.filter(code="adult_wheel_broken").exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"resourceType": "Patient"}, "resourceType"),
        ({"status": "retired"}, "status"),
        ({"url": "https://x.example/Questionnaire/has space"}, "url"),
        ({"url": "https://x.example/Questionnaire/adult_wheel"}, "code"),
        ({"title": " ", "name": None}, "title"),
        ({"item": []}, "items"),
    ],
)
def test_a_questionnaire_that_does_not_fit_answers_400(world, client, bearer, change, field):
    headers = bearer(world.administrator)
    body = _builtin_questionnaire(client, headers)
    body["url"] = body["url"] + "_other"
    body.update(change)
    body = {k: v for k, v in body.items() if v is not None}
    count = Instrument.objects.count()
    response = _post(client, headers, body)
    assert response.status_code == 400, response.content
    assert any(d["field"].startswith(field) for d in response.json()["detail"]), response.json()
    assert Instrument.objects.count() == count
