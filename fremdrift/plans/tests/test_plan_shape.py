"""Plans as municipalities keep them: sub-goals before (or without) an end goal, and who does
what as part of the plan, on the page, in the citizen's report, in the API and in the
monitoring report."""

import json

import pytest
from django.urls import reverse

from fremdrift.audit.models import ChangeRecord
from fremdrift.plans import services
from fremdrift.plans.models import Goal, PlanRole
from fremdrift.plans.tests.test_plans import code, end_goal, plan  # noqa: F401  (fixtures)
from fremdrift.reports.tests.test_goals import plans_in_programme  # noqa: F401  (a fixture)

API = "/api/v1"


def test_a_sub_goal_without_an_end_goal_is_made_on_the_page_and_shown_apart(world, login, plan):  # noqa: F811
    client = login(world.caseworker)
    url = reverse("plans:goal_create", args=[world.citizen.pk])
    # An end goal still needs its category; a sub-goal on its own does not.
    refused = client.post(url, {"parent": "", "text": "Et job"})
    assert refused.status_code == 400 and "category" in refused.context["goal_form"].errors
    assert client.post(url, {"parent": "alone", "text": "Sove om natten"}).status_code == 302
    [goal] = Goal.objects.filter(plan=plan)
    assert (goal.is_end_goal, goal.parent_id) == (False, None)
    page = client.get(reverse("plans:plan", args=[world.citizen.pk])).content.decode()
    assert "Delmål uden slutmål" in page and "Sove om natten" in page
    # The form offers the end goals to hang a sub-goal under, and only those.
    end = services.goal_create(
        actor=world.caseworker,
        plan=plan,
        text="Et job i et køkken",
        is_end_goal=True,
        category=code("end_goal_category", "job"),
    )
    form = client.get(reverse("plans:form", args=[world.citizen.pk, "goal"])).content.decode()
    assert f'<option value="{end.pk}">Et job i et køkken</option>' in form
    assert ">Sove om natten</option>" not in form
    assert client.post(url, {"parent": str(goal.pk), "text": "Under et delmål"}).status_code == 400
    assert not Goal.objects.filter(text="Under et delmål").exists()


def test_who_does_what_is_added_shown_and_taken_off_with_its_history(world, login, plan):  # noqa: F811
    client = login(world.caseworker)
    url = reverse("plans:plan_role_create", args=[world.citizen.pk])
    doctor = code("participant_role", "doctor")
    nothing = client.post(url, {"role": doctor.pk, "task": "Vurderer skånehensyn"})
    assert nothing.status_code == 400 and "name" in nothing.context["plan_role_form"].errors
    no_task = client.post(url, {"role": doctor.pk, "name": "Dr. Holm", "task": " "})
    assert no_task.status_code == 400 and "task" in no_task.context["plan_role_form"].errors
    assert PlanRole.objects.count() == 0
    assert (
        client.post(url, {"role": doctor.pk, "name": "Dr. Holm", "task": "Vurderer skånehensyn"})
    ).status_code == 302
    caseworker_role = code("participant_role", "employment_caseworker")
    assert (
        client.post(
            url,
            {"role": caseworker_role.pk, "user": world.colleague.pk, "task": "Finder praktik"},
        )
    ).status_code == 302
    holm, colleague = PlanRole.objects.filter(plan=plan).order_by("pk")
    assert colleague.name == "Colleague Testsen"
    page = client.get(reverse("plans:plan", args=[world.citizen.pk])).content.decode()
    assert "Hvem gør hvad" in page and "Vurderer skånehensyn" in page and "Dr. Holm" in page
    report = client.get(reverse("plans:report", args=[world.citizen.pk])).content.decode()
    assert "Dr. Holm, læge: Vurderer skånehensyn" in report

    remove = reverse("plans:plan_role_remove", args=[world.citizen.pk, holm.pk])
    # A page read before the line changed removes nothing.
    services.plan_role_change(
        actor=world.colleague,
        plan_role=holm,
        expected_version=1,
        role=doctor,
        name="Dr. Holm",
        task="Vurderer skånehensyn og medicin",
    )
    stale = client.post(remove, {"version": "1"}, follow=True)
    assert PlanRole.objects.filter(pk=holm.pk).exists()
    assert "ændret" in stale.content.decode()
    assert client.post(remove, {"version": "2"}).status_code == 302
    assert list(PlanRole.objects.filter(plan=plan)) == [colleague]
    history = ChangeRecord.objects.filter(model="plans.PlanRole", object_id=str(holm.pk))
    assert [r.kind for r in history.order_by("pk")] == ["create", "update", "delete"]
    assert history.get(kind="delete").before["task"] == "Vurderer skånehensyn og medicin"


@pytest.mark.parametrize(
    "role",
    ["colleague", "provider_staff", "job_consultant", "manager", "outsider", "administrator"],
)
def test_it_checks_ownership(world, login, plan, role):  # noqa: F811
    """The plan page's rule: the citizen's caseworkers and the referred provider's staff
    write; the job consultant reads; anyone who does not see the citizen gets 404."""
    line = services.plan_role_assign(
        actor=world.caseworker,
        plan=plan,
        role=code("participant_role", "doctor"),
        name="Dr. Holm",
        task="Vurderer skånehensyn",
    )
    client = login(getattr(world, role))
    c = world.citizen.pk
    body = {"role": code("participant_role", "other").pk, "name": "X", "task": "Y"}
    added = client.post(reverse("plans:plan_role_create", args=[c]), body)
    removed = client.post(reverse("plans:plan_role_remove", args=[c, line.pk]), {"version": 1})
    expected = {"colleague": 302, "provider_staff": 302, "job_consultant": 403}.get(role, 404)
    assert (added.status_code, removed.status_code) == (expected, expected)
    assert PlanRole.objects.filter(name="X").exists() == (expected == 302)
    assert PlanRole.objects.filter(pk=line.pk).exists() == (expected != 302)


def test_the_api_writes_and_reads_who_does_what_and_sub_goals_alone(
    world,
    client,
    bearer,
    plan,  # noqa: F811
    integration_client,
):
    headers = bearer(world.caseworker)

    def post(path, body):
        return client.post(
            f"{API}{path}", json.dumps(body), content_type="application/json", **headers
        )

    alone = post("/goals", {"citizen_id": world.citizen.pk, "text": "Sove", "is_end_goal": False})
    assert alone.status_code == 201, alone.content
    assert (alone.json()["is_end_goal"], alone.json()["parent_id"]) == (False, None)
    body = {"citizen_id": world.citizen.pk, "role": "nurse", "name": "Ib", "task": "Medicin"}
    unknown = post("/plan-roles", body)
    assert unknown.status_code == 400 and "role" in unknown.content.decode()
    # An integration client of the authority is never offered as a person who does something.
    system = integration_client(world.colleague)
    refused = post("/plan-roles", body | {"role": "doctor", "user_id": system.pk})
    assert refused.status_code == 400 and "user_id" in refused.content.decode()
    made = post("/plan-roles", body | {"role": "doctor"})
    assert made.status_code == 201 and made["ETag"] == '"1"'
    assert made.json()["role"] == "doctor" and made.json()["task"] == "Medicin"
    listed = client.get(f"{API}/plan-roles", **headers).json()["items"]
    assert [line["name"] for line in listed] == ["Ib"]
    assert client.get(f"{API}/plan-roles", **bearer(world.outsider)).json()["items"] == []
    outsider = client.get(f"{API}/plan-roles/{made.json()['id']}", **bearer(world.outsider))
    assert outsider.status_code == 404


def test_the_monitoring_report_counts_who_does_what_from_the_plan(world, plans_in_programme):  # noqa: F811
    from fremdrift.citizens.models import Citizen
    from fremdrift.reports.cohort import Filters
    from fremdrift.reports.monitoring import monitoring_report
    from fremdrift.reports.views import monitoring_rows

    def who_does_what() -> object:
        _curves, tables = monitoring_rows(monitoring_report(world.manager, Filters()))
        by_title = {title: dict((r[0], r[1]) for r in rows[1:]) for title, rows, _c in tables}
        return by_title["Hvad planerne indeholder"]["Hvem gør hvad (roller)"]

    assert who_does_what() == 0  # no goal of the fixture names who supports it
    for citizen in Citizen.objects.filter(first_name__startswith="Mål"):
        services.plan_role_assign(
            actor=world.caseworker,
            plan=citizen.plan,
            role=code("participant_role", "other"),
            name="Støttekontaktperson",
            task="Går med til møder",
        )
    assert who_does_what() == 6
