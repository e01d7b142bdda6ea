"""A list question through the citizen's self-assessment link: one answer as large radio
cards, several as check boxes, sent as the codes of the list."""

import pytest

from fremdrift.assessments.models import Assessment
from fremdrift.instruments.services import ItemSpec, instrument_create, version_publish
from fremdrift.testing import make_invitation

OPTIONS = [["bus", "Bus", "Bus"], ["bike", "Cykel", "Bike"], ["car", "Bil", "Car"]]


@pytest.fixture
def transport(world):
    instrument = instrument_create(
        actor=world.administrator,
        code="transport",
        name_da="Transport",
        purpose="observation",
        respondents=["citizen"],
        items=[
            ItemSpec(
                code="usual",
                label_da="Oftest",
                text_da="Hvordan kommer du oftest frem?",
                scale_type="choice",
                options=OPTIONS,
            ),
            ItemSpec(
                code="possible",
                label_da="Muligt",
                text_da="Hvad kan du bruge?",
                scale_type="choices",
                options=OPTIONS,
            ),
        ],
    )
    version_publish(actor=world.administrator, version=instrument.versions.get())
    return instrument


def test_the_citizen_answers_list_questions_and_the_codes_arrive(world, client, transport):
    _invitation, token = make_invitation(
        world.caseworker, world.citizen, instrument_code="transport"
    )
    first = client.get(f"/s/{token}/1/").content.decode()
    assert 'type="radio" id="answer-bike" name="answer" value="bike"' in first
    assert client.post(f"/s/{token}/1/", {"answer": "bike", "go": "next"}).status_code == 302
    second = client.get(f"/s/{token}/2/").content.decode()
    assert 'type="checkbox" id="answer-car" name="answer" value="car"' in second
    assert "Vælg alle, der passer" in second
    response = client.post(f"/s/{token}/2/", {"answer": ["car", "bus"], "go": "next"})
    assert response.status_code == 302
    again = client.get(f"/s/{token}/2/").content.decode()
    assert 'value="car" checked' in again and 'value="bus" checked' in again
    summary = client.get(f"/s/{token}/summary/").content.decode()
    assert "Cykel" in summary and "Bus, Bil" in summary
    assert client.post(f"/s/{token}/summary/").status_code == 302
    assessment = Assessment.objects.get(citizen=world.citizen, version__instrument=transport)
    answers = {a.item.code: a.codes for a in assessment.answers.select_related("item")}
    assert answers == {"usual": ["bike"], "possible": ["bus", "car"]}
    assert assessment.entered_by_citizen and assessment.score_total is None


def test_two_answers_to_a_one_answer_question_are_refused(world, client, transport):
    invitation, token = make_invitation(
        world.caseworker, world.citizen, instrument_code="transport"
    )
    response = client.post(f"/s/{token}/1/", {"answer": ["bike", "car"], "go": "next"})
    assert response.status_code == 400
    assert "Vælg kun ét svar" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.draft == {}
