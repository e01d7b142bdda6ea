import datetime as dt
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from fremdrift.assessments import selectors, services
from fremdrift.assessments.models import Answer, Assessment
from fremdrift.assessments.services import AnswerInput
from fremdrift.audit.models import AccessLogEntry, ChangeRecord
from fremdrift.core.exceptions import StaleVersion
from fremdrift.instruments.models import Instrument


def version_of(code):
    return Instrument.objects.get(code=code).versions.get(status="published")


def record(
    world,
    code="adult_wheel",
    *,
    answers,
    day=dt.date(2026, 3, 2),
    respondent="joint",
    citizen=None,
    **kwargs,
):
    return services.assessment_record(
        actor=world.caseworker,
        citizen=citizen or world.citizen,
        version=version_of(code),
        date=day,
        respondent=respondent,
        status="completed",
        answers=answers,
        **kwargs,
    )


def error_of(world, code, answers, **kwargs):
    count = Assessment.objects.count(), Answer.objects.count()
    with pytest.raises(ValidationError) as error:
        record(world, code, answers=answers, **kwargs)
    assert (Assessment.objects.count(), Answer.objects.count()) == count  # nothing saved
    return error.value.message_dict


@pytest.mark.parametrize(
    ("code", "item", "answer", "ok"),
    [
        ("adult_wheel", "health_for_work", AnswerInput(value=1), True),
        ("adult_wheel", "health_for_work", AnswerInput(value="10"), True),
        ("adult_wheel", "health_for_work", AnswerInput(value=0), False),
        ("adult_wheel", "health_for_work", AnswerInput(value=11), False),
        ("adult_wheel", "health_for_work", AnswerInput(value="5.5"), False),
        ("adult_wheel", "health_for_work", AnswerInput(value="fem"), False),
        ("adult_wheel", "health_for_work", AnswerInput(value="nan"), False),
        ("adult_wheel", "health_for_work", AnswerInput(dont_know=True), False),
        ("citizen_survey", "taken_seriously", AnswerInput(dont_know=True), True),
        ("citizen_survey", "taken_seriously", AnswerInput(value=6), False),
        ("observation", "attendance_percent", AnswerInput(value="87,5"), True),
        ("observation", "attendance_percent", AnswerInput(value=101), False),
        ("observation", "attendance_percent", AnswerInput(value=-1), False),
        ("observation", "took_part_planned", AnswerInput(value=1), True),
        ("observation", "took_part_planned", AnswerInput(value=2), False),
        ("observation", "took_part_planned", AnswerInput(not_relevant=True), False),
        ("observation", "in_treatment", AnswerInput(not_relevant=True), True),
        ("resource_profile", "education", AnswerInput(text="Faglært tømrer, 2008"), True),
        ("resource_profile", "education", AnswerInput(text="x" * 5001), False),
    ],
)
def test_every_scale_type_is_validated(world, code, item, answer, ok):
    respondent = {"observation": "caseworker", "citizen_survey": "citizen"}.get(code, "joint")
    if ok:
        assessment = record(world, code, answers={item: answer}, respondent=respondent)
        assert assessment.answers.count() == 1
    else:
        errors = error_of(world, code, {item: answer}, respondent=respondent)
        assert list(errors) == [f"item_{item}"]


def test_dont_know_never_counts_in_a_mean(world):
    assessment = record(
        world,
        "citizen_survey",
        respondent="citizen",
        answers={
            "involved_in_plan": AnswerInput(value=5),
            "plan_matters": AnswerInput(value=2),
            "taken_seriously": AnswerInput(dont_know=True),
        },
    )
    answers = list(assessment.answers.all())
    assert len(answers) == 3
    assert selectors.mean_of(answers) == 3.5
    # The reports read the scaled values from the assessment: 'don't know' is not there.
    assessment.refresh_from_db()
    assert assessment.item_values == {"involved_in_plan": 5, "plan_matters": 2}
    assert (assessment.scored_items, assessment.score_total) == (2, 7)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"day": dt.date.today() + dt.timedelta(days=1)}, "date"),
        ({"day": dt.date(1989, 1, 1)}, "date"),  # before the citizen's birth (1990)
        ({"respondent": "citizen"}, "answers"),  # allowed; but no answers given below
        ({"respondent": "observation"}, "respondent"),
    ],
)
def test_bad_assessments_name_the_field(world, kwargs, field):
    answers = {} if field == "answers" else {"health_for_work": AnswerInput(value=3)}
    assert field in error_of(world, "adult_wheel", answers, **kwargs)


def test_an_unknown_item_is_refused(world):
    errors = error_of(world, "adult_wheel", {"no_such_item": AnswerInput(value=3)})
    assert "answers" in errors


def test_two_submits_of_the_same_form_give_one_assessment(world):
    token = uuid.uuid4()
    answers = {"health_for_work": AnswerInput(value=4)}
    first = record(world, answers=answers, creation_token=token)
    second = record(world, answers=answers, creation_token=token)
    assert first.pk == second.pk
    assert Assessment.objects.filter(citizen=world.citizen).count() == 1


def test_corrections_are_kept_with_who_and_when(world):
    assessment = record(world, answers={"health_for_work": AnswerInput(value=4)})
    services.assessment_correct(
        actor=world.colleague,
        assessment=assessment,
        expected_revision=1,
        date=assessment.date,
        respondent="joint",
        status="completed",
        answers={"health_for_work": AnswerInput(value=6)},
    )
    assessment.refresh_from_db()
    assert assessment.revision == 2
    assert assessment.answers.get().value == 6
    assert assessment.item_values == {"health_for_work": 6}
    record_ = ChangeRecord.objects.filter(model="assessments.Assessment").latest("id")
    assert record_.actor == world.colleague and record_.kind == "update"
    assert record_.before["answers"]["health_for_work"][0] == 4
    assert record_.after["answers"]["health_for_work"][0] == 6
    with pytest.raises(StaleVersion):
        services.assessment_correct(
            actor=world.caseworker,
            assessment=assessment,
            expected_revision=1,
            date=assessment.date,
            respondent="joint",
            status="completed",
            answers={"health_for_work": AnswerInput(value=8)},
        )
    assert assessment.answers.get().value == 6


# "Gem alligevel": the form saves an assessment with scored items unanswered only with a reason.
ANYWAY = {"incomplete": "save_anyway", "incomplete_reason": "Kun ét spørgsmål i dag"}


def post_data(**answers):
    data = {
        "instrument": "adult_wheel",
        "date": "2026-03-02",
        "respondent": "joint",
        "creation_token": str(uuid.uuid4()),
        "status": "completed",
    }
    data.update({f"item_{code}": value for code, value in answers.items()})
    return data


def test_a_caseworker_records_an_assessment_through_the_form(world, login):
    client = login(world.caseworker)
    url = reverse("assessments:create", args=[world.citizen.pk]) + "?instrument=adult_wheel"
    form = client.get(url)
    assert form.status_code == 200
    assert form.content.decode().count('type="radio"') == 80
    response = client.post(url, post_data(health_for_work="7", everyday_energy="dont_know"))
    assert response.status_code == 400
    assert "item_everyday_energy" in response.context["rows"][1]["errors"] or any(
        row["errors"] for row in response.context["rows"]
    )
    assert not Assessment.objects.exists()
    response = client.post(
        url,
        post_data(health_for_work="7", everyday_energy="6")
        | {"incomplete": "save_anyway", "incomplete_reason": "Resten næste gang"},
    )
    assert response.status_code == 302
    saved = Assessment.objects.get()
    assert {a.item.code: a.value for a in saved.answers.select_related("item")} == {
        "health_for_work": 7,
        "everyday_energy": 6,
    }
    page = client.get(reverse("citizens:detail", args=[world.citizen.pk])).content.decode()
    assert 'data-testid="wheel"' in page and "<svg" in page


# Provider staff see the citizen while a referral is active, but the general assessment pages
# are not shared with them: they score the referral's focus items on the referral.
ROLES_THAT_SEE = {"caseworker", "colleague", "job_consultant"}
ROLES_THAT_RECORD = {"caseworker", "colleague"}


@pytest.mark.parametrize(
    "role",
    [
        "caseworker",
        "colleague",
        "outsider",
        "provider_staff",
        "other_provider_staff",
        "job_consultant",
        "manager",
        "administrator",
    ],
)
def test_assessments_follow_the_citizen_access_matrix(world, login, role):
    assessment = record(world, answers={"health_for_work": AnswerInput(value=4)})
    foreign = record(
        world, answers={"health_for_work": AnswerInput(value=4)}, citizen=world.foreign_citizen
    )
    client = login(getattr(world, role))
    sees = role in ROLES_THAT_SEE
    records = role in ROLES_THAT_RECORD
    c = world.citizen.pk
    wheel = client.get(reverse("assessments:wheel", args=[c]))
    assert wheel.status_code == (200 if sees else 404)
    if sees:
        assert wheel["Content-Type"].startswith("image/svg+xml")
    new = client.get(reverse("assessments:create", args=[c]))
    assert new.status_code == (200 if records else 403 if sees else 404)
    edit = client.get(reverse("assessments:edit", args=[c, assessment.pk]))
    assert edit.status_code == (200 if sees else 404)
    correct = client.post(
        reverse("assessments:edit", args=[c, assessment.pk]),
        {
            "date": "2026-03-02",
            "respondent": "joint",
            "revision": "1",
            "item_health_for_work": "9",
            **ANYWAY,
        },
    )
    assert correct.status_code == (302 if records else 403 if sees else 404)
    # An assessment of another citizen is never reachable through this citizen's URL.
    assert client.get(reverse("assessments:edit", args=[c, foreign.pk])).status_code == 404
    follow = client.post(
        reverse("assessments:follow", args=[c]),
        {"instrument": "adult_wheel", "start_date": "2026-01-01", "every": "14"},
    )
    assert follow.status_code == (302 if records else 403 if sees else 404)
    target = client.post(
        reverse("assessments:target", args=[c]),
        {"instrument": "adult_wheel", "item": "health_for_work", "value": "8"},
    )
    assert target.status_code == (302 if records else 403 if sees else 404)


def test_viewing_the_wheel_is_logged(world, login):
    client = login(world.caseworker)
    before = AccessLogEntry.objects.count()
    client.get(reverse("assessments:wheel", args=[world.citizen.pk]))
    assert AccessLogEntry.objects.count() == before + 1
    assert AccessLogEntry.objects.latest("id").citizen_id == world.citizen.pk


def test_the_wheel_chooses_what_to_compare(world, login):
    days = [dt.date(2026, 1, 5), dt.date(2026, 2, 2), dt.date(2026, 3, 2), dt.date(2026, 3, 30)]
    made = [
        record(world, answers={"health_for_work": AnswerInput(value=i + 2)}, day=d)
        for i, d in enumerate(days)
    ]
    data = selectors.wheel_data(world.citizen, Instrument.objects.get(code="adult_wheel"))
    assert [a.pk for a in data.chosen] == [made[0].pk, made[2].pk, made[3].pk]
    client = login(world.caseworker)
    svg = client.get(
        reverse("assessments:wheel", args=[world.citizen.pk]),
        {"assessments": f"{made[1].pk},{made[3].pk}"},
    ).content.decode()
    assert svg.count('data-series="') == 2


def test_citizen_page_query_count_does_not_grow_with_history(
    world, login, django_assert_max_num_queries
):
    client = login(world.caseworker)
    url = reverse("citizens:detail", args=[world.citizen.pk])
    record(world, answers={"health_for_work": AnswerInput(value=3)}, day=dt.date(2025, 1, 6))
    import django.test.utils as utils
    from django.db import connection

    with utils.CaptureQueriesContext(connection) as few:
        client.get(url)
    for week in range(1, 40):
        record(
            world,
            answers={"health_for_work": AnswerInput(value=4), "work_skills": AnswerInput(value=5)},
            day=dt.date(2025, 1, 6) + dt.timedelta(days=7 * week),
        )
    with utils.CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_the_assessment_page_shows_who_recorded_and_corrected_it(world, login):
    assessment = record(world, answers={"health_for_work": AnswerInput(value=4)})
    client = login(world.colleague)
    url = reverse("assessments:edit", args=[world.citizen.pk, assessment.pk])
    response = client.post(
        url,
        {
            "date": "2026-03-02",
            "respondent": "joint",
            "revision": "1",
            "item_health_for_work": "6",
            "status": "completed",
            **ANYWAY,
        },
    )
    assert response.status_code == 302
    page = client.get(url)
    corrections = list(page.context["corrections"])
    assert [(c.kind, c.actor_name) for c in corrections] == [
        ("create", "caseworker"),
        ("update", "colleague"),
    ]


def test_a_stale_correction_through_the_form_is_refused(world, login):
    assessment = record(world, answers={"health_for_work": AnswerInput(value=4)})
    url = reverse("assessments:edit", args=[world.citizen.pk, assessment.pk])
    form = {"date": "2026-03-02", "respondent": "joint", "revision": "1", **ANYWAY}
    assert (
        login(world.colleague).post(url, {**form, "item_health_for_work": "6"}).status_code == 302
    )
    stale = login(world.caseworker).post(url, {**form, "item_health_for_work": "9"})
    assert stale.status_code == 409
    assert Answer.objects.get(assessment=assessment).value == 6


def test_the_live_preview_is_logged_and_draws_the_draft(world, login):
    client = login(world.caseworker)
    before = AccessLogEntry.objects.count()
    response = client.post(
        reverse("assessments:preview", args=[world.citizen.pk]),
        {"instrument": "adult_wheel", "item_health_for_work": "7", "item_work_skills": "x"},
    )
    assert response.status_code == 200
    assert response.content.decode().count('data-item="health_for_work"') >= 2
    assert AccessLogEntry.objects.count() == before + 1


def test_the_caseload_shows_sorts_and_filters_by_next_due(world, login):
    from fremdrift.assessments.models import Follow

    instrument = Instrument.objects.get(code="adult_wheel")
    today = dt.date.today()
    # Karen Blixen: baseline due 40 days ago, never done: overdue.
    services.follow_start(
        actor=world.caseworker,
        citizen=world.citizen,
        instrument=instrument,
        start_date=today - dt.timedelta(days=40),
        every_days=14,
    )
    # Herman Bang: assessed today, next due in 30 days.
    services.follow_start(
        actor=world.caseworker,
        citizen=world.ended_citizen,
        instrument=instrument,
        start_date=today,
        every_days=30,
    )
    record(
        world,
        citizen=world.ended_citizen,
        day=today,
        answers={"health_for_work": AnswerInput(value=5)},
    )
    assert Follow.objects.get(citizen=world.citizen).next_due == today - dt.timedelta(days=40)
    assert Follow.objects.get(citizen=world.ended_citizen).next_due == today + dt.timedelta(days=30)

    client = login(world.caseworker)

    def names(**params):
        html = client.get(reverse("citizens:list"), params).content.decode()
        html = html[html.index('id="citizen-results"') : html.index("</main>")]
        shown = [
            c.last_name
            for c in (world.citizen, world.ended_citizen, world.teammates_citizen)
            if c.last_name in html
        ]
        return sorted(shown, key=html.index), html

    overdue, html = names(due="overdue")
    assert overdue == ["Blixen"]
    assert "due-overdue" in html
    due_soon, _ = names(due="due")
    assert due_soon == ["Blixen"]
    by_due, _ = names(sort="due")
    assert by_due == ["Blixen", "Bang", "Ditlevsen"]  # no follow: last


def test_a_saved_text_only_assessment_is_listed_not_called_missing(world, login):
    """The resource profile has text items only, so it draws no wheel; its saved assessment
    is listed, and the page does not say there is none."""
    saved = record(
        world,
        "resource_profile",
        answers={"education": AnswerInput(text="Færdig med 9. klasse")},
        respondent="caseworker",
    )
    page = login(world.caseworker).get(
        reverse("citizens:detail", args=[world.citizen.pk]), {"instrument": "resource_profile"}
    )
    html = page.content.decode()
    assert "Endnu ingen afsluttede målinger" not in html
    assert reverse("assessments:edit", args=[world.citizen.pk, saved.pk]) in html
