"""The activity form uses what the system knows: the types follow the chosen sector (a
fragment redrawn by htmx, and the server's own check without JavaScript), sorted by label;
the plan's activity table shows the goals each activity serves; status tags have a colour of
their own."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import translation

from fremdrift.codeadmin.services import code_add
from fremdrift.codelists.models import Code
from fremdrift.plans import selectors, services
from fremdrift.plans.models import Activity


def code(code_list, value, parent=None):
    codes = Code.objects.filter(code_list=code_list, code=value)
    codes = codes.filter(parent__code=parent) if parent else codes.filter(parent=None)
    return codes.get()


def option_labels(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)
    return [
        label.strip()
        for value, label in re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)
        if value
    ]


@pytest.fixture
def plan(world):
    return services.plan_get_or_create(actor=world.caseworker, citizen=world.citizen)


def test_the_type_list_is_the_chosen_sectors_types_sorted_by_label(world, login, plan):
    client = login(world.caseworker)
    health = code("activity_sector", "health")
    url = reverse("plans:activity_types", args=[world.citizen.pk])
    with translation.override("da"):
        fragment = client.get(url, {"sector": health.pk}, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200
    html = fragment.content.decode()
    assert 'id="activity-kind"' in html and "<form" not in html  # a fragment, not the page
    labels = option_labels(html, "kind")
    types = Code.objects.filter(parent__code="health", parent__code_list="activity_type")
    expected = [c.label_da for c in types]
    assert sorted(labels) == sorted(expected)
    assert labels == sorted(labels, key=str.casefold)
    assert "Enkeltpraktik" not in labels  # an employment type


def test_the_form_asks_htmx_to_redraw_the_types_when_the_sector_changes(world, login, plan):
    client = login(world.caseworker)
    html = client.get(reverse("plans:form", args=[world.citizen.pk, "activity"])).content.decode()
    sector = re.search(r'<select name="sector"[^>]*>', html).group(0)
    assert reverse("plans:activity_types", args=[world.citizen.pk]) in sector
    assert 'hx-target="#activity-kind"' in sector
    # Before a sector is chosen every type is offered, named with its sector.
    labels = option_labels(html, "kind")
    assert len(labels) == len(selectors.activity_types(world.nord))
    assert all(": " in label for label in labels)


def test_a_type_of_another_sector_is_refused_naming_the_type_and_nothing_is_saved(
    world, login, plan
):
    client = login(world.caseworker)
    employment = code("activity_sector", "employment")
    psychologist = code("activity_type", "psychologist", "health")
    response = client.post(
        reverse("plans:activity_create", args=[world.citizen.pk]),
        {
            "sector": employment.pk,
            "kind": psychologist.pk,
            "purpose": "Samtaler om angst",
            "start_date": "2026-02-01",
        },
    )
    assert response.status_code in (200, 400)
    form = response.context["activity_form"]
    assert psychologist.label in form.errors["kind"][0]  # the page's language
    assert employment.label in form.errors["kind"][0]
    assert not Activity.objects.filter(plan=plan).exists()
    html = response.content.decode()
    assert 'value="Samtaler om angst"' in html or "Samtaler om angst" in html  # kept
    # The list shown again is the chosen sector's.
    assert "Psykolog" not in option_labels(html, "kind") and "Psychologist" not in option_labels(
        html, "kind"
    )


def test_a_type_of_the_sector_is_saved(world, login, plan):
    client = login(world.caseworker)
    response = client.post(
        reverse("plans:activity_create", args=[world.citizen.pk]),
        {
            "sector": code("activity_sector", "health").pk,
            "kind": code("activity_type", "psychologist", "health").pk,
            "purpose": "Samtaler om angst",
            "start_date": "2026-02-01",
        },
    )
    assert response.status_code == 302
    assert Activity.objects.get(plan=plan).kind.code == "psychologist"


def test_the_type_list_asks_for_a_caseworker_of_the_citizen(world, login, plan):
    url = reverse("plans:activity_types", args=[world.citizen.pk])
    assert login(world.outsider).get(url).status_code == 404
    assert login(world.manager).get(url).status_code in (403, 404)


def test_every_sector_has_types_and_every_type_a_sector(db):
    sectors = Code.objects.filter(code_list="activity_sector", parent=None)
    for sector in sectors:
        assert selectors.activity_types(None, sector), sector.code
    every = selectors.activity_types(None)
    assert sum(len(selectors.activity_types(None, s)) for s in sectors) == len(every)


def test_an_organisations_own_type_is_offered_to_it_and_to_no_other(world, login, plan):
    own = code_add(
        actor=world.administrator,
        organisation=world.nord,
        code_list="activity_type",
        code="walk_and_talk",
        label_da="Gå-og-snak",
        label_en="Walk and talk",
        sort_order=99,
        parent=code("activity_type", "health"),
    )
    health = code("activity_sector", "health")
    url = reverse("plans:activity_types", args=[world.citizen.pk])
    client = login(world.caseworker)

    fragment = client.get(url, {"sector": health.pk}, HTTP_HX_REQUEST="true").content.decode()
    assert "Gå-og-snak" in option_labels(fragment, "kind")
    page = client.get(reverse("plans:form", args=[world.citizen.pk, "activity"])).content.decode()
    assert any(label.endswith(": Gå-og-snak") for label in option_labels(page, "kind"))
    response = client.post(
        reverse("plans:activity_create", args=[world.citizen.pk]),
        {"sector": health.pk, "kind": own.pk, "purpose": "Gåture", "start_date": "2026-02-01"},
    )
    assert response.status_code == 302
    assert Activity.objects.get(plan=plan).kind == own

    # Syd's caseworker, on Syd's citizen, is offered the defaults only.
    other = login(world.outsider).get(
        reverse("plans:activity_types", args=[world.foreign_citizen.pk]),
        {"sector": health.pk},
        HTTP_HX_REQUEST="true",
    )
    assert other.status_code == 200
    labels = option_labels(other.content.decode(), "kind")
    assert "Gå-og-snak" not in labels and "Walk and talk" not in labels
    assert labels  # the defaults still are
    assert own not in selectors.activity_types(world.syd)


def test_the_activity_table_shows_the_goals_it_serves(world, login, plan):
    goal = services.goal_create(
        actor=world.caseworker, plan=plan, text="Møde til tiden tre dage om ugen"
    )
    services.activity_create(
        actor=world.caseworker,
        plan=plan,
        goals=[goal],
        sector=code("activity_sector", "employment"),
        kind=code("activity_type", "guidance", "employment"),
        purpose="Vejledning om job",
        start_date=dt.date(2026, 2, 1),
    )
    html = login(world.caseworker).get(reverse("plans:plan", args=[world.citizen.pk]))
    cell = re.search(r'data-testid="activity-goals">(.*?)</td>', html.content.decode(), re.S)
    assert "Møde til tiden" in cell.group(1)
    assert f'href="#goal-{goal.pk}"' in cell.group(1)
