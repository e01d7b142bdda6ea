"""The plan's period and the citizen's other plans (issue 24 §4): a next review date on the
plan, shown on the plan page and, when overdue, in the caseload; the statutory plans the
citizen has (job plan, education plan, § 141 action plan, other) recorded with their date and
the one that takes priority; the monitoring figure "plans with priority set"."""

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from fremdrift.audit.models import ChangeRecord
from fremdrift.core.exceptions import StaleVersion
from fremdrift.plans import services
from fremdrift.plans.models import StatutoryPlan
from fremdrift.programmes import services as programme_services
from fremdrift.reports.cohort import Filters
from fremdrift.reports.monitoring import monitoring_report
from fremdrift.reports.tables import monitoring_rows
from fremdrift.testing import make_citizen, make_programme

TODAY = dt.date.today()
API = "/api/v1"


@pytest.fixture
def plan(world):
    return services.plan_get_or_create(actor=world.caseworker, citizen=world.citizen)


def plan_post(client, world, plan, **fields):
    body = {"own_effort": "", "citizen_comments": "", "version": plan.version} | fields
    return client.post(reverse("plans:update", args=[world.citizen.pk]), body)


def add(world, plan, kind="jobplan", *, priority=False, label="", made_on=None):
    return services.statutory_plan_add(
        actor=world.caseworker,
        plan=plan,
        kind=kind,
        label=label,
        made_on=made_on or TODAY - dt.timedelta(days=30),
        has_priority=priority,
    )


# The next review


def test_the_next_review_is_saved_on_the_plans_form_shown_and_kept_in_the_history(
    world, login, plan
):
    client = login(world.caseworker)
    form = client.get(reverse("plans:form", args=[world.citizen.pk, "plan"])).content.decode()
    assert 'name="next_review"' in form
    day = TODAY + dt.timedelta(days=42)
    assert plan_post(client, world, plan, next_review=day.isoformat()).status_code == 302
    plan.refresh_from_db()
    assert plan.next_review == day
    page = client.get(reverse("plans:plan", args=[world.citizen.pk])).content.decode()
    assert 'data-testid="plan-next-review"' in page and day.strftime("%d.%m.%Y") in page
    assert 'data-testid="plan-review-overdue"' not in page  # not yet due
    # The form opens with the day set.
    form = client.get(reverse("plans:form", args=[world.citizen.pk, "plan"])).content.decode()
    assert f'value="{day.isoformat()}"' in form
    record = ChangeRecord.objects.filter(model="plans.Plan", object_id=str(plan.pk)).latest("pk")
    assert (record.before["next_review"], record.after["next_review"]) == (None, str(day))


def test_a_review_day_that_has_passed_is_shown_as_overdue(world, login, plan):
    services.plan_update(
        actor=world.caseworker,
        plan=plan,
        expected_version=plan.version,
        own_effort="",
        citizen_comments="",
        next_review=TODAY - dt.timedelta(days=1),
    )
    page = login(world.caseworker).get(reverse("plans:plan", args=[world.citizen.pk]))
    assert 'data-testid="plan-review-overdue"' in page.content.decode()


@pytest.mark.parametrize(
    "day",
    [
        dt.date(1990, 3, 13),  # the day before the citizen was born
        TODAY + dt.timedelta(days=5 * 366 + 1),  # more than five years ahead
    ],
)
def test_a_review_day_out_of_range_is_refused_by_name_and_nothing_is_saved(world, login, plan, day):
    client = login(world.caseworker)
    refused = plan_post(client, world, plan, own_effort="Ny indsats", next_review=day.isoformat())
    assert refused.status_code == 400
    assert 'id="id_next_review-error"' in refused.content.decode()
    plan.refresh_from_db()
    assert (plan.next_review, plan.own_effort, plan.version) == (None, "", 1)
    with pytest.raises(ValidationError) as refusal:
        services.plan_update(
            actor=world.caseworker,
            plan=plan,
            expected_version=plan.version,
            own_effort="",
            citizen_comments="",
            next_review=day,
        )
    assert set(refusal.value.message_dict) == {"next_review"}


def test_a_review_five_years_ahead_is_accepted(world, plan):
    day = services._years_after(TODAY, 5)
    changed = services.plan_update(
        actor=world.caseworker,
        plan=plan,
        expected_version=plan.version,
        own_effort="",
        citizen_comments="",
        next_review=day,
    )
    assert changed.next_review == day


def test_two_edits_of_the_review_at_once_do_not_overwrite_each_other(world, login, plan):
    client = login(world.caseworker)
    read = plan.version
    services.plan_update(
        actor=world.colleague,
        plan=plan,
        expected_version=read,
        own_effort="",
        citizen_comments="",
        next_review=TODAY + dt.timedelta(days=10),
    )
    late = plan_post(client, world, plan, version=read, next_review=TODAY.isoformat())
    assert late.status_code == 409
    plan.refresh_from_db()
    assert plan.next_review == TODAY + dt.timedelta(days=10)


def test_an_overdue_plan_review_shows_in_the_caseload_and_has_its_own_filter(world, login):
    overdue = services.plan_get_or_create(actor=world.caseworker, citizen=world.citizen)
    services.plan_update(
        actor=world.caseworker,
        plan=overdue,
        expected_version=overdue.version,
        own_effort="",
        citizen_comments="",
        next_review=TODAY - dt.timedelta(days=3),
    )
    later = services.plan_get_or_create(actor=world.caseworker, citizen=world.ended_citizen)
    services.plan_update(
        actor=world.caseworker,
        plan=later,
        expected_version=later.version,
        own_effort="",
        citizen_comments="",
        next_review=TODAY + dt.timedelta(days=3),
    )
    client = login(world.caseworker)
    page = client.get(reverse("citizens:list")).content.decode()
    rows = {row.split("</tr>")[0] for row in page.split("<tr>")[1:]}
    tagged = [row for row in rows if 'data-testid="plan-review-overdue"' in row]
    assert len(tagged) == 1 and "Blixen" in tagged[0]
    filtered = client.get(reverse("citizens:list"), {"due": "plan_overdue"}).content.decode()
    assert "Blixen" in filtered and "Bang" not in filtered and "Ditlevsen" not in filtered


# The citizen's other plans


def test_another_plan_is_recorded_on_the_page_and_shown(world, login, plan):
    client = login(world.caseworker)
    form = client.get(reverse("plans:form", args=[world.citizen.pk, "statutory_plan"]))
    assert 'name="kind"' in form.content.decode()
    url = reverse("plans:statutory_plan_create", args=[world.citizen.pk])
    made = client.post(
        url, {"kind": "action_plan_141", "made_on": "2026-02-03", "has_priority": "on"}
    )
    assert made.status_code == 302 and made["Location"].endswith("#other-plans")
    [other] = StatutoryPlan.objects.filter(plan=plan)
    assert (other.kind, other.made_on, other.has_priority) == (
        "action_plan_141",
        dt.date(2026, 2, 3),
        True,
    )
    page = client.get(reverse("plans:plan", args=[world.citizen.pk])).content.decode()
    assert 'data-testid="statutory-plans"' in page and "03.02.2026" in page
    assert page.count('data-testid="has-priority"') == 1
    record = ChangeRecord.objects.get(model="plans.StatutoryPlan", object_id=str(other.pk))
    assert record.kind == "create" and record.after["kind"] == "action_plan_141"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "other", "made_on": "2026-02-03"}, "label"),
        ({"kind": "other", "label": "  ", "made_on": "2026-02-03"}, "label"),
        ({"kind": "jobplan", "made_on": (TODAY + dt.timedelta(days=1)).isoformat()}, "made_on"),
        ({"kind": "jobplan", "made_on": "1990-03-13"}, "made_on"),
        ({"kind": "jobplan"}, "made_on"),
        ({"kind": "min_plan", "made_on": "2026-02-03"}, "kind"),
    ],
)
def test_bad_input_is_refused_by_field_and_nothing_is_saved(world, login, plan, body, field):
    client = login(world.caseworker)
    refused = client.post(reverse("plans:statutory_plan_create", args=[world.citizen.pk]), body)
    assert refused.status_code == 400
    assert field in refused.context["statutory_plan_form"].errors
    assert not StatutoryPlan.objects.exists()


def test_a_plan_of_another_kind_needs_its_name_in_the_service_too(world, plan):
    with pytest.raises(ValidationError) as refusal:
        add(world, plan, "other")
    assert set(refusal.value.message_dict) == {"label"}
    made = add(world, plan, "other", label="Boligplan")
    assert str(made) == "Boligplan"


def test_priority_moves_to_the_plan_given_it_each_move_in_the_history(world, login, plan):
    job = add(world, plan, "jobplan", priority=True)
    education = add(world, plan, "education_plan")
    action = add(world, plan, "action_plan_141", priority=True)  # takes it from the job plan
    assert set(StatutoryPlan.objects.filter(has_priority=True)) == {action}
    job.refresh_from_db()
    assert job.version == 2
    moved = ChangeRecord.objects.get(
        model="plans.StatutoryPlan", object_id=str(job.pk), kind="update"
    )
    assert (moved.before["has_priority"], moved.after["has_priority"]) == (True, False)

    client = login(world.caseworker)
    url = reverse("plans:statutory_plan_prioritise", args=[world.citizen.pk, education.pk])
    assert client.post(url, {"version": education.version}).status_code == 302
    assert set(StatutoryPlan.objects.filter(has_priority=True)) == {education}
    page = client.get(reverse("plans:plan", args=[world.citizen.pk])).content.decode()
    assert page.count('data-testid="has-priority"') == 1
    # The plan with priority is listed first, and offers no "give priority" of its own.
    assert page.count("/priority/") == 2


def test_a_stale_page_changes_nothing(world, login, plan):
    job = add(world, plan, "jobplan")
    other = add(world, plan, "education_plan", priority=True)
    client = login(world.caseworker)
    services.statutory_plan_prioritise(
        actor=world.colleague, statutory_plan=job, expected_version=1
    )  # the job plan moved on to version 2 meanwhile
    other.refresh_from_db()
    url = reverse("plans:statutory_plan_remove", args=[world.citizen.pk, job.pk])
    stale = client.post(url, {"version": "1"}, follow=True)
    assert stale.status_code == 200 and StatutoryPlan.objects.filter(pk=job.pk).exists()
    priority = reverse("plans:statutory_plan_prioritise", args=[world.citizen.pk, other.pk])
    client.post(priority, {"version": "1"})  # read before it lost its priority
    assert set(StatutoryPlan.objects.filter(has_priority=True)) == {job}
    client.post(priority, {})  # no version read
    assert set(StatutoryPlan.objects.filter(has_priority=True)) == {job}
    with pytest.raises(StaleVersion):
        services.statutory_plan_remove(
            actor=world.caseworker, statutory_plan=job, expected_version=1
        )


def test_another_plan_is_taken_off_with_its_history(world, login, plan):
    job = add(world, plan, "jobplan", priority=True)
    client = login(world.caseworker)
    url = reverse("plans:statutory_plan_remove", args=[world.citizen.pk, job.pk])
    assert client.post(url, {"version": "1"}).status_code == 302
    assert not StatutoryPlan.objects.exists()
    history = ChangeRecord.objects.filter(model="plans.StatutoryPlan", object_id=str(job.pk))
    assert [r.kind for r in history.order_by("pk")] == ["create", "delete"]
    assert history.get(kind="delete").before["has_priority"] is True
    page = client.get(reverse("plans:plan", args=[world.citizen.pk])).content.decode()
    assert 'data-testid="statutory-plans"' not in page


def test_the_database_holds_at_most_one_plan_with_priority_and_a_name_for_another_kind(world, plan):
    StatutoryPlan.objects.create(plan=plan, kind="jobplan", made_on=TODAY, has_priority=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        StatutoryPlan.objects.create(
            plan=plan, kind="education_plan", made_on=TODAY, has_priority=True
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        StatutoryPlan.objects.create(plan=plan, kind="other", made_on=TODAY)
    # Another citizen's plan has a priority of its own.
    theirs = services.plan_get_or_create(actor=world.caseworker, citizen=world.ended_citizen)
    StatutoryPlan.objects.create(plan=theirs, kind="jobplan", made_on=TODAY, has_priority=True)
    assert StatutoryPlan.objects.filter(has_priority=True).count() == 2


@pytest.mark.parametrize(
    "role",
    ["colleague", "provider_staff", "job_consultant", "manager", "outsider", "administrator"],
)
def test_it_checks_ownership(world, login, plan, role):
    """The plan page's rule: the citizen's caseworkers and the referred provider's staff
    write; the job consultant reads (403); anyone who does not see the citizen gets 404."""
    job = add(world, plan, "jobplan")
    education = add(world, plan, "education_plan", priority=True)
    client = login(getattr(world, role))
    c = world.citizen.pk
    added = client.post(
        reverse("plans:statutory_plan_create", args=[c]),
        {"kind": "other", "label": "X", "made_on": TODAY.isoformat()},
    )
    removed = client.post(
        reverse("plans:statutory_plan_remove", args=[c, education.pk]), {"version": 1}
    )
    prioritised = client.post(
        reverse("plans:statutory_plan_prioritise", args=[c, job.pk]), {"version": 1}
    )
    form = client.get(reverse("plans:form", args=[c, "statutory_plan"]))
    expected = {"colleague": 302, "provider_staff": 302, "job_consultant": 403}.get(role, 404)
    assert (added.status_code, prioritised.status_code, removed.status_code) == (expected,) * 3
    assert form.status_code == (200 if expected == 302 else expected)
    assert StatutoryPlan.objects.filter(label="X").exists() == (expected == 302)
    job.refresh_from_db()
    assert job.has_priority == (expected == 302)
    assert StatutoryPlan.objects.filter(pk=education.pk).exists() == (expected != 302)


def test_a_plan_of_another_citizen_is_not_found(world, login, plan):
    theirs = services.plan_get_or_create(actor=world.caseworker, citizen=world.ended_citizen)
    other = add(world, theirs, "jobplan")
    client = login(world.caseworker)
    url = reverse("plans:statutory_plan_remove", args=[world.citizen.pk, other.pk])
    assert client.post(url, {"version": 1}).status_code == 404
    assert StatutoryPlan.objects.filter(pk=other.pk).exists()


# The API


def test_the_api_shows_the_review_and_the_other_plans_and_changes_the_review(
    world, client, bearer, plan
):
    headers = bearer(world.caseworker)
    add(world, plan, "jobplan")
    action = add(world, plan, "action_plan_141", priority=True, made_on=dt.date(2026, 1, 5))
    plan.refresh_from_db()
    url = f"{API}/plans/{plan.pk}"

    def put(body, version):
        return client.put(
            url,
            json.dumps(body),
            content_type="application/json",
            HTTP_IF_MATCH=f'"{version}"',
            **headers,
        )

    read = client.get(url, **headers).json()
    assert read["next_review"] is None
    assert [p["kind"] for p in read["statutory_plans"]] == ["action_plan_141", "jobplan"]
    assert read["statutory_plans"][0] == {
        "id": action.pk,
        "kind": "action_plan_141",
        "label": "",
        "made_on": "2026-01-05",
        "has_priority": True,
        "version": 1,
        "updated_at": read["statutory_plans"][0]["updated_at"],
    }
    day = TODAY + dt.timedelta(days=14)
    changed = put({"next_review": day.isoformat()}, plan.version)
    assert changed.status_code == 200 and changed.json()["next_review"] == day.isoformat()
    too_far = put({"next_review": "2099-01-01"}, plan.version + 1)
    assert too_far.status_code == 400 and "next_review" in too_far.content.decode()
    # A field left out stays as it is; null removes the review.
    assert put({"own_effort": "Cykler"}, plan.version + 1).json()["next_review"] == str(day)
    assert put({"next_review": None}, plan.version + 2).json()["next_review"] is None
    listed = client.get(f"{API}/plans", **headers).json()["items"]
    assert [len(p["statutory_plans"]) for p in listed] == [2]


# The monitoring report


def cohort(world, *, with_plans: int, with_priority: int, without: int = 2) -> None:
    """Enrolled citizens: `with_plans` whose plan records another plan (the first
    `with_priority` of them with one that takes priority), and `without` who record none."""
    programme = make_programme(world.nord, name="Planforløb")
    start = TODAY - dt.timedelta(days=100)
    for n in range(with_plans + without):
        citizen = make_citizen(world.caseworker, first_name=f"Plan{n}")
        programme_services.enrolment_create(
            actor=world.caseworker, citizen=citizen, programme=programme, start_date=start
        )
        plan = services.plan_get_or_create(actor=world.caseworker, citizen=citizen)
        if n < with_plans:
            add(world, plan, "jobplan")
            add(world, plan, "action_plan_141", priority=n < with_priority)


def other_plans(world) -> dict:
    with translation.override("en"):
        _curves, tables = monitoring_rows(monitoring_report(world.manager, Filters()))
    [rows] = [rows for title, rows, _counted in tables if title == "Other plans"]
    return {row[0]: row[1:] for row in rows[1:]}


def test_monitoring_counts_the_plans_with_priority_set(world):
    cohort(world, with_plans=10, with_priority=5)
    assert other_plans(world) == {
        "With other plans recorded": [10, "100 %"],
        "Plans with priority set": [5, "50 %"],
        "No priority set": [5, "50 %"],
    }


def test_monitoring_hides_a_small_count_of_priority_with_its_complement(world):
    cohort(world, with_plans=7, with_priority=2)
    assert other_plans(world) == {
        "With other plans recorded": [7, "100 %"],
        "Plans with priority set": ["<5", "<5"],
        "No priority set": ["<5", "<5"],
    }


def test_monitoring_hides_fewer_than_five_plans_with_others_recorded(world):
    cohort(world, with_plans=4, with_priority=4, without=6)
    assert other_plans(world) == {
        "With other plans recorded": ["<5", "<5"],
        "Plans with priority set": ["<5", "<5"],
        "No priority set": [0, "0 %"],
    }
