"""A goal's history on the plan page says what changed in words and Danish dates: "Status:
Aktiv → Opnået", never code keys or ISO dates."""

import datetime as dt

from django.urls import reverse

from fremdrift.codelists.models import Code
from fremdrift.plans import services


def test_goal_history_reads_as_words_and_dates(world, login):
    plan = services.plan_get_or_create(actor=world.caseworker, citizen=world.citizen)
    goal = services.goal_create(
        actor=world.caseworker,
        plan=plan,
        text="Jeg vil have et job i et køkken",
        is_end_goal=True,
        category=Code.objects.get(code_list="end_goal_category", code="job"),
        target_date=dt.date(2026, 7, 11),
    )
    goal = services.goal_change(
        actor=world.caseworker,
        goal=goal,
        expected_version=goal.version,
        reason="new_information",
        target_date=dt.date(2026, 9, 1),
    )
    services.goal_change(
        actor=world.caseworker,
        goal=goal,
        expected_version=goal.version,
        reason="achieved",
        status="achieved",
    )
    page = login(world.caseworker).get(reverse("plans:plan", args=[world.citizen.pk]))
    history = page.content.decode().split('data-testid="goal-history"')[1].split("</ol>")[0]
    assert "Tidsfrist: 11.07.2026 → 01.09.2026" in history
    assert "Status: Aktiv → Opnået" in history
    assert "target_date" not in history and "achieved" not in history
    assert "2026-09-01" not in history
