"""An assessment with scored items unanswered is not saved as complete without a word: the
form names the missing items and offers "gem som kladde" or "gem alligevel" with a reason."""

import re
import uuid

from django.urls import reverse

from fremdrift.assessments.models import Answer, Assessment
from fremdrift.audit.models import ChangeRecord

ANSWERED = {
    "health_for_work": "7",
    "everyday_energy": "6",
    "network_support": "4",
    "attendance_stability": "5",
    "social_skills_work": "8",
}
MISSING = {"motivation_job_goal", "work_skills", "housing_finances"}


def _post(**extra):
    data = {
        "instrument": "adult_wheel",
        "date": "2026-03-02",
        "respondent": "joint",
        "creation_token": str(uuid.uuid4()),
        **{f"item_{code}": value for code, value in ANSWERED.items()},
    }
    data.update(extra)
    return data


def _url(world):
    return reverse("assessments:create", args=[world.citizen.pk]) + "?instrument=adult_wheel"


def _checked(html: str, code: str) -> list[str]:
    return re.findall(rf'name="item_{code}" value="([^"]+)" checked', html)


def test_five_of_eight_answered_names_the_three_missing_and_keeps_the_five(world, login):
    client = login(world.caseworker)
    response = client.post(_url(world), _post(status="completed"))
    assert response.status_code == 400
    assert not Assessment.objects.exists() and not Answer.objects.exists()
    html = response.content.decode()
    summary = html[html.index('data-testid="missing-items"') :]
    summary = summary[: summary.index("</div>")]
    linked = set(re.findall(r'href="#item-([a-z_]+)"', summary))
    assert linked == MISSING
    assert {item.code for item in response.context["missing_items"]} == MISSING
    for item in response.context["missing_items"]:
        assert item.label in summary
    for code, value in ANSWERED.items():
        assert _checked(html, code) == [value]
    assert 'data-testid="save-draft"' in html and 'data-testid="save-anyway"' in html
    assert 'name="incomplete_reason"' in html


def test_save_anyway_with_a_reason_saves_a_completed_assessment_with_the_reason(world, login):
    client = login(world.caseworker)
    reason = "Borgeren ønskede ikke at svare på resten i dag"
    response = client.post(_url(world), _post(incomplete="save_anyway", incomplete_reason=reason))
    assert response.status_code == 302
    saved = Assessment.objects.get()
    assert saved.status == Assessment.Status.COMPLETED
    assert saved.incomplete_reason == reason
    assert saved.answers.count() == 5
    record = ChangeRecord.objects.filter(model="assessments.Assessment").latest("id")
    assert reason in str(record.after)
    page = client.get(reverse("citizens:detail", args=[world.citizen.pk])).content.decode()
    assert 'data-testid="incomplete"' in page and reason in page
    shown = client.get(reverse("assessments:edit", args=[world.citizen.pk, saved.pk]))
    assert reason in shown.content.decode()


def test_save_anyway_without_a_reason_is_refused_on_the_reason_field(world, login):
    client = login(world.caseworker)
    response = client.post(_url(world), _post(incomplete="save_anyway", incomplete_reason=" "))
    assert response.status_code == 400
    assert not Assessment.objects.exists()
    assert response.context["incomplete_reason_errors"]
    html = response.content.decode()
    assert 'id="incomplete_reason-error"' in html
    assert 'href="#incomplete_reason"' in html
    for code, value in ANSWERED.items():
        assert _checked(html, code) == [value]


def test_save_as_draft_saves_a_draft_without_a_reason(world, login):
    client = login(world.caseworker)
    response = client.post(_url(world), _post(status="draft"))
    assert response.status_code == 302
    saved = Assessment.objects.get()
    assert saved.status == Assessment.Status.DRAFT
    assert saved.incomplete_reason == ""
    assert saved.answers.count() == 5


def test_finishing_a_draft_with_items_still_missing_asks_again(world, login):
    client = login(world.caseworker)
    client.post(_url(world), _post(status="draft"))
    draft = Assessment.objects.get()
    url = reverse("assessments:edit", args=[world.citizen.pk, draft.pk])
    data = {k: v for k, v in _post(status="completed", revision="1").items()}
    response = client.post(url, data)
    assert response.status_code == 400
    assert {item.code for item in response.context["missing_items"]} == MISSING
    draft.refresh_from_db()
    assert draft.status == Assessment.Status.DRAFT
    done = client.post(url, {**data, "incomplete": "save_anyway", "incomplete_reason": "Syg"})
    assert done.status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.incomplete_reason) == (Assessment.Status.COMPLETED, "Syg")


def test_text_and_list_items_are_never_missing(world, login):
    client = login(world.caseworker)
    url = reverse("assessments:create", args=[world.citizen.pk]) + "?instrument=observation"
    response = client.post(
        url,
        {
            "instrument": "observation",
            "date": "2026-03-02",
            "respondent": "caseworker",
            "creation_token": str(uuid.uuid4()),
            "status": "completed",
            "item_attendance_percent": "80",
        },
    )
    assert response.status_code == 302
    assert Assessment.objects.get().incomplete_reason == ""
