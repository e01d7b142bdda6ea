"""Status tags have colours of their own: one mapping (`core/templatetags/status_tags.py`)
gives every status of each list a Det Fælles Designsystem badge variant, distinct within the
list, and the pages use it."""

import pytest
from django.template import Context, Template

from fremdrift.core.templatetags.status_tags import STATUS_VARIANTS, status_badge
from fremdrift.plans.models import Activity, Goal
from fremdrift.programmes.models import Enrolment
from fremdrift.referrals.models import Referral

LISTS = [Goal.Status, Activity.Result, Referral.Status, Enrolment.Status]


@pytest.mark.parametrize("choices", LISTS, ids=lambda c: c.__qualname__)
def test_every_status_has_a_variant_of_its_own_within_its_list(choices):
    assert set(choices.values) <= set(STATUS_VARIANTS), choices
    classes = [status_badge(value) for value in choices.values]
    assert len(set(classes)) == len(classes), dict(zip(choices.values, classes, strict=True))
    assert all(c.split()[0] == "badge" for c in classes)


def test_the_filter_renders_the_badge_classes_in_a_template():
    html = Template('{% load status_tags %}<span class="{{ s|status_badge }}">').render(
        Context({"s": Goal.Status.ACHIEVED})
    )
    assert html == '<span class="badge badge-success">'


def test_the_plan_and_the_referrals_use_the_mapping(world, login):
    from django.urls import reverse

    from fremdrift.plans import services

    plan = services.plan_get_or_create(actor=world.caseworker, citizen=world.citizen)
    services.goal_create(actor=world.caseworker, plan=plan, text="Et mål")
    client = login(world.caseworker)
    page = client.get(reverse("plans:plan", args=[world.citizen.pk])).content.decode()
    assert 'class="badge badge-info goal-status-active"' in page
    citizen_page = client.get(reverse("citizens:detail", args=[world.citizen.pk]))
    assert 'class="badge badge-info" data-testid="referral-status"' in citizen_page.content.decode()
