"""Answers to list items through the assessment form: the chosen codes are saved in the list's
order, the form shown again keeps them checked, a code not on the list or two codes for a
"choice" item are refused on that item with nothing saved, and a list item never enters a
total."""

import datetime as dt
import re
import uuid

from django.urls import reverse

from fremdrift.assessments.models import Assessment
from fremdrift.assessments.services import AnswerInput, assessment_record
from fremdrift.instruments.models import Instrument
from fremdrift.instruments.tests.test_nominal_items import CODE, list_instrument
from fremdrift.testing import signed_in


def _post(**answers) -> dict:
    data = {
        "instrument": CODE,
        "date": (dt.date.today() - dt.timedelta(days=1)).isoformat(),
        "respondent": "caseworker",
        "creation_token": str(uuid.uuid4()),
        "status": "completed",
    }
    data.update({f"item_{code}": value for code, value in answers.items()})
    return data


def checked(html: str, code: str) -> list[str]:
    """The values of the inputs of item `code` that the page shows checked."""
    found = []
    for tag in re.findall(r"<input\b[^>]*>", html):
        if f'name="item_{code}"' in tag and re.search(r"\bchecked\b", tag):
            found.append(re.search(r'value="([^"]*)"', tag).group(1))
    return found


def _item_errors(response, code: str) -> list[str]:
    return next(row["errors"] for row in response.context["rows"] if row["item"].code == code)


def test_list_answers_through_the_form_are_saved_and_shown_again(world, client):
    version = list_instrument(client, world.administrator)
    signed_in(client, world.caseworker)
    url = reverse("assessments:create", args=[world.citizen.pk]) + f"?instrument={CODE}"
    form = client.get(url).content.decode()
    assert checked(form, "match_group") == [] and checked(form, "reasons") == []
    assert form.count('name="item_match_group"') == 3
    assert form.count('name="item_reasons"') == 4  # three options and 'don't know'
    assert re.search(r'<input[^>]*type="radio"[^>]*name="item_match_group"', form)
    assert re.search(r'<input[^>]*type="checkbox"[^>]*name="item_reasons"', form)

    response = client.post(
        url,
        _post(
            health_for_work="7",
            everyday_energy="4",
            match_group="mg2",
            reasons=["motivation", "health"],
        ),
    )
    assert response.status_code == 302
    assessment = Assessment.objects.get(version=version)
    answers = {a.item.code: a for a in assessment.answers.select_related("item")}
    assert answers["match_group"].codes == ["mg2"] and answers["match_group"].value is None
    assert answers["reasons"].codes == ["health", "motivation"]  # the list's order
    assert assessment.score_total == 11 and assessment.scored_items == 2
    assert assessment.item_values == {"health_for_work": 7, "everyday_energy": 4}

    again = client.get(reverse("assessments:edit", args=[world.citizen.pk, assessment.pk]))
    html = again.content.decode()
    assert checked(html, "match_group") == ["mg2"]
    assert checked(html, "reasons") == ["health", "motivation"]
    assert checked(html, "health_for_work") == ["7"]


def test_a_code_not_on_the_list_or_two_for_one_choice_is_refused_on_the_item(world, client):
    list_instrument(client, world.administrator)
    signed_in(client, world.caseworker)
    url = reverse("assessments:create", args=[world.citizen.pk]) + f"?instrument={CODE}"

    two = client.post(url, _post(health_for_work="7", match_group=["mg1", "mg3"]))
    assert two.status_code == 400
    assert _item_errors(two, "match_group")
    assert not _item_errors(two, "reasons") and not _item_errors(two, "health_for_work")
    html = two.content.decode()
    fieldset = html[html.index('id="item-match_group"') :]
    fieldset = fieldset[: fieldset.index("</fieldset>")]
    assert 'id="item-match_group-error"' in fieldset
    assert _item_errors(two, "match_group")[0] in fieldset
    # The form shown again keeps what was chosen.
    assert checked(html, "match_group") == ["mg1", "mg3"]
    assert checked(html, "health_for_work") == ["7"]

    unknown = client.post(url, _post(reasons=["health", "elsewhere"], match_group="mg1"))
    assert unknown.status_code == 400
    assert "elsewhere" in _item_errors(unknown, "reasons")[0]
    assert not _item_errors(unknown, "match_group")
    assert checked(unknown.content.decode(), "reasons") == ["health"]

    # A list item's code in an ordinal item is no scale point either.
    ordinal = client.post(url, _post(health_for_work="mg1"))
    assert ordinal.status_code == 400 and _item_errors(ordinal, "health_for_work")
    assert not Assessment.objects.exists()


def test_a_list_item_never_enters_a_total(world, client):
    version = list_instrument(client, world.administrator)
    assessment = assessment_record(
        actor=world.caseworker,
        citizen=world.citizen,
        version=version,
        date=dt.date.today() - dt.timedelta(days=2),
        respondent="joint",
        status="completed",
        answers={
            "health_for_work": AnswerInput(value=3),
            "everyday_energy": AnswerInput(value=8),
            "match_group": AnswerInput(value="mg3"),  # a single code may come as a value
            "reasons": AnswerInput(codes=["social"]),
        },
    )
    assert assessment.score_total == 11 and assessment.scored_items == 2
    assert assessment.item_values == {"health_for_work": 3.0, "everyday_energy": 8.0}
    only_lists = assessment_record(
        actor=world.caseworker,
        citizen=world.citizen,
        version=version,
        date=dt.date.today() - dt.timedelta(days=1),
        respondent="joint",
        status="completed",
        answers={"match_group": AnswerInput(codes=["mg1"])},
    )
    assert only_lists.score_total is None and only_lists.scored_items == 0
    assert only_lists.item_values == {}
    # The built-in participant profile holds list items only: nothing of it is scored.
    profile = Instrument.objects.get(code="participant_profile").versions.get(status="published")
    assert all(item.is_nominal for item in profile.items.all())
