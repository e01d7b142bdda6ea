"""List items ("choice", "choices") in the REST API and in FHIR: items carry their options,
answers in and out carry `codes`, a code not on the list or two for a "choice" item answer 400
naming the item with nothing saved; a list item is a Questionnaire `choice` whose options are
codings of the item's code system (`repeats` for "choices"), which reads back as the same
instrument, and its answers are `valueCoding`s."""

import copy
import json

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from fremdrift.api.fhir.common import CODES, HL7_EXT, TRANSLATION
from fremdrift.api.tests.test_fhir import fhir_json
from fremdrift.api.tests.writes import API, TODAY, send
from fremdrift.assessments.models import Assessment
from fremdrift.instruments.models import Instrument
from fremdrift.instruments.services import item_specs_of
from fremdrift.instruments.tests.test_nominal_items import (
    CODE,
    MATCH_GROUP,
    REASONS,
    list_instrument,
)

FHIR = f"{API}/fhir"
SYSTEM = f"{CODES}/instrument-item"


@pytest.fixture
def lists(world, client):
    """The instrument with list items made on the editor pages, published; the client signed
    out again, so that only the bearer token speaks."""
    version = list_instrument(client, world.administrator)
    client.logout()
    return version


def _assessment(world, answers: list[dict], **extra) -> dict:
    return {
        "citizen_id": world.citizen.pk,
        "instrument": CODE,
        "date": str(TODAY),
        "respondent": "caseworker",
        "answers": answers,
    } | extra


GOOD = [
    {"item": "health_for_work", "value": 6},
    {"item": "match_group", "codes": ["mg2"]},
    {"item": "reasons", "codes": ["motivation", "health"]},
]


def _fields(response) -> set[str]:
    return {d["field"] for d in response.json()["detail"]}


def test_items_carry_their_options(world, lists, client, bearer):
    headers = bearer(world.caseworker)
    body = client.get(f"{API}/instruments/{CODE}", **headers).json()
    items = {i["code"]: i for i in body["versions"][-1]["items"]}
    assert items["match_group"]["scale_type"] == "choice"
    assert items["match_group"]["options"] == [
        {"code": c, "label_da": da, "label_en": en} for c, da, en in MATCH_GROUP
    ]
    assert items["reasons"]["scale_type"] == "choices"
    assert [o["code"] for o in items["reasons"]["options"]] == [c for c, _da, _en in REASONS]
    assert items["health_for_work"]["options"] == []
    profile = client.get(f"{API}/instruments/participant_profile", **headers).json()
    assert all(item["options"] for item in profile["versions"][0]["items"])


def test_list_answers_are_recorded_and_read_back_as_codes(world, lists, client, bearer):
    headers = bearer(world.caseworker)
    created = send(client, "POST", f"{API}/assessments", _assessment(world, GOOD), headers)
    assert created.status_code == 201, created.content
    body = created.json()
    answers = {a["item"]: a for a in body["answers"]}
    assert answers["match_group"]["codes"] == ["mg2"]
    assert answers["match_group"]["value"] is None
    assert answers["reasons"]["codes"] == ["health", "motivation"]  # the list's order
    assert answers["health_for_work"]["codes"] == [] and answers["health_for_work"]["value"] == 6
    read = client.get(f"{API}/assessments/{body['id']}", **headers)
    assert read.json() == body
    assessment = Assessment.objects.get(pk=body["id"])
    assert assessment.score_total == 6 and assessment.item_values == {"health_for_work": 6}

    # A correction replaces the codes.
    changed = send(
        client,
        "PUT",
        f"{API}/assessments/{body['id']}",
        {
            "date": str(TODAY),
            "respondent": "caseworker",
            "answers": [
                {"item": "match_group", "codes": ["mg3"]},
                {"item": "reasons", "dont_know": True},
            ],
        },
        headers,
        HTTP_IF_MATCH='"1"',
    )
    assert changed.status_code == 200, changed.content
    answers = {a["item"]: a for a in changed.json()["answers"]}
    assert answers["match_group"]["codes"] == ["mg3"]
    assert answers["reasons"]["codes"] == [] and answers["reasons"]["dont_know"]


@pytest.mark.parametrize(
    ("answer", "status", "field"),
    [
        ({"item": "reasons", "codes": ["health", "elsewhere"]}, 400, "item_reasons"),
        ({"item": "match_group", "codes": ["mg1", "mg2"]}, 400, "item_match_group"),
        ({"item": "match_group", "codes": ["mg1"], "value": 1}, 400, "item_match_group"),
        ({"item": "match_group", "value": 2}, 400, "item_match_group"),
        ({"item": "everyday_energy", "codes": ["mg1"]}, 400, "item_everyday_energy"),
        ({"item": "match_group", "codes": "mg1"}, 422, None),
        ({"item": "match_group", "codes": [""]}, 422, None),
    ],
)
def test_bad_list_answers_are_refused_naming_the_item(
    world, lists, client, bearer, answer, status, field
):
    headers = bearer(world.caseworker)
    body = _assessment(world, [GOOD[0], answer])
    response = send(client, "POST", f"{API}/assessments", body, headers)
    assert response.status_code == status, response.content
    if field:
        assert field in _fields(response)
    assert not Assessment.objects.exists()


def test_the_openapi_schema_types_the_options_and_codes(world, client):
    schemas = client.get(f"{API}/openapi.json").json()["components"]["schemas"]
    assert schemas["ItemOut"]["properties"]["options"]["items"] == {
        "$ref": "#/components/schemas/ItemOptionOut"
    }
    assert schemas["AnswerOut"]["properties"]["codes"]["items"]["type"] == "string"
    assert schemas["AnswerIn"]["properties"]["codes"]["items"]["type"] == "string"


# --- FHIR ------------------------------------------------------------------------------------


def _questionnaire(client, headers, resource_id=f"{CODE}-v1") -> dict:
    response = client.get(f"{FHIR}/Questionnaire/{resource_id}", **headers)
    assert response.status_code == 200, response.content
    return fhir_json(response, Questionnaire)


def test_a_list_item_is_a_choice_of_codings(world, lists, client, bearer):
    headers = bearer(world.caseworker)
    assert lists.number == 1
    body = _questionnaire(client, headers)
    items = {i["linkId"]: i for i in body["item"]}
    match_group = items["match_group"]
    assert match_group["type"] == "choice" and "repeats" not in match_group
    codings = [o["valueCoding"] for o in match_group["answerOption"]]
    assert [(c["system"], c["code"], c["display"]) for c in codings] == [
        (f"{SYSTEM}/match_group", code, da) for code, da, _en in MATCH_GROUP
    ]
    assert codings[0]["_display"]["extension"][0]["url"] == TRANSLATION
    assert "_display" not in codings[2]  # no English label
    reasons = items["reasons"]
    assert reasons["type"] == "choice" and reasons["repeats"] is True
    assert {o["valueCoding"]["system"] for o in reasons["answerOption"]} == {f"{SYSTEM}/reasons"}
    # An ordinal item's points stay codings without a system, with their ordinal value.
    ordinal = items["health_for_work"]["answerOption"][0]["valueCoding"]
    assert "system" not in ordinal
    assert ordinal["extension"][0]["url"] == f"{HL7_EXT}/ordinalValue"


def _post(client, headers, body):
    return client.post(
        f"{FHIR}/Questionnaire",
        json.dumps(body),
        content_type="application/fhir+json",
        **headers,
    )


def test_a_questionnaire_with_list_items_becomes_the_same_instrument(world, lists, client, bearer):
    headers = bearer(world.administrator)
    body = _questionnaire(client, headers)
    body.pop("id")
    body["url"] = body["url"].rsplit("/", 1)[0] + "/lists_again"
    response = _post(client, headers, body)
    assert response.status_code == 201, response.content
    again = Instrument.objects.get(code="lists_again").versions.get()
    assert item_specs_of(again) == item_specs_of(lists)
    assert _questionnaire(client, headers, "lists.again-v1")["item"] == body["item"]


def test_a_foreign_repeating_choice_is_a_list_item(world, client, bearer):
    """A choice that repeats is a list item even without Fremdrift's code system; one that
    does not repeat and has no system is an ordinal scale as before."""
    headers = bearer(world.administrator)
    body = {
        "resourceType": "Questionnaire",
        "url": "https://other.example/fhir/Questionnaire/foreign_lists",
        "status": "active",
        "title": "Fremmed",
        "item": [
            {
                "linkId": "languages",
                "text": "Sprog",
                "type": "choice",
                "repeats": True,
                "answerOption": [
                    {"valueCoding": {"system": "urn:iso:std:iso:639", "code": "da"}},
                    {"valueCoding": {"code": "en", "display": "Engelsk"}},
                ],
            },
            {
                "linkId": "mood",
                "text": "Humør",
                "type": "choice",
                "answerOption": [{"valueCoding": {"code": str(n)}} for n in range(1, 6)],
            },
        ],
    }
    response = _post(client, headers, body)
    assert response.status_code == 201, response.content
    items = {
        i.code: i for i in Instrument.objects.get(code="foreign_lists").versions.get().items.all()
    }
    assert items["languages"].scale_type == "choices"
    assert items["languages"].options == [["da", "da", ""], ["en", "Engelsk", ""]]
    assert items["mood"].scale_type == "ordinal" and items["mood"].scale_max == 5


@pytest.mark.parametrize("how", ["bad code", "one option", "twice", "no coding"])
def test_a_list_item_that_does_not_fit_answers_400_naming_it(world, lists, client, bearer, how):
    headers = bearer(world.administrator)
    body = copy.deepcopy(_questionnaire(client, headers))
    body["url"] = body["url"] + "_broken"
    item = next(i for i in body["item"] if i["linkId"] == "reasons")
    if how == "bad code":
        item["answerOption"][0]["valueCoding"]["code"] = "Not A Code"
    elif how == "one option":
        item["answerOption"] = item["answerOption"][:1]
    elif how == "twice":
        item["answerOption"][1] = item["answerOption"][0]
    else:
        item["answerOption"][1] = {"valueString": "Sociale forhold"}
    count = Instrument.objects.count()
    response = _post(client, headers, body)
    assert response.status_code == 400, response.content
    assert "item[reasons]" in _fields(response)
    assert Instrument.objects.count() == count


def test_list_answers_are_value_codings(world, lists, client, bearer):
    headers = bearer(world.caseworker)
    created = send(client, "POST", f"{API}/assessments", _assessment(world, GOOD), headers)
    assert created.status_code == 201, created.content
    response = client.get(f"{FHIR}/QuestionnaireResponse/{created.json()['id']}", **headers)
    assert response.status_code == 200
    body = fhir_json(response, QuestionnaireResponse)
    assert body["questionnaire"].endswith(f"/Questionnaire/{CODE}|1")
    items = {i["linkId"]: i for i in body["item"]}
    assert items["match_group"]["answer"] == [
        {
            "valueCoding": {
                "system": f"{SYSTEM}/match_group",
                "code": "mg2",
                "display": "Matchgruppe 2",
                "_display": items["match_group"]["answer"][0]["valueCoding"]["_display"],
            }
        }
    ]
    assert [
        (a["valueCoding"]["system"], a["valueCoding"]["code"]) for a in items["reasons"]["answer"]
    ] == [(f"{SYSTEM}/reasons", "health"), (f"{SYSTEM}/reasons", "motivation")]
    assert items["health_for_work"]["answer"] == [{"valueCoding": {"code": "6"}}]
