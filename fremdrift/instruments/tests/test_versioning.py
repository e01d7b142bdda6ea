"""Instruments are versioned: a version with answers is frozen, a change makes a new version,
item codes carry over, and old assessments still render."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from fremdrift.assessments import selectors as assessment_selectors
from fremdrift.assessments.services import AnswerInput, assessment_record
from fremdrift.instruments import services
from fremdrift.instruments.models import Instrument, InstrumentVersion


@pytest.fixture
def adult(db):
    return Instrument.objects.get(code="adult_wheel")


def published(instrument):
    return instrument.versions.get(status="published")


def record(world, version, day=dt.date(2026, 1, 5), **scores):
    return assessment_record(
        actor=world.caseworker,
        citizen=world.citizen,
        version=version,
        date=day,
        respondent="joint",
        status="completed",
        answers={code: AnswerInput(value=value) for code, value in scores.items()},
    )


def test_a_fresh_database_has_the_built_in_instruments(db):
    codes = set(Instrument.objects.filter(is_builtin=True).values_list("code", flat=True))
    assert codes == {
        "adult_wheel",
        "youth_focus_areas",
        "observation",
        "resource_profile",
        "fidelity",
        "citizen_survey",
        "participant_profile",
    }
    adult = Instrument.objects.get(code="adult_wheel")
    items = list(published(adult).items.all())
    assert len(items) == 8
    assert all(i.scale_min == 1 and i.scale_max == 10 and len(i.point_labels) == 10 for i in items)
    youth = published(Instrument.objects.get(code="youth_focus_areas")).items.all()
    assert [i.scale_max for i in youth] == [5] * 7
    survey = published(Instrument.objects.get(code="citizen_survey")).items.all()
    assert all(i.allows_dont_know and i.scale_max == 5 for i in survey)
    profile = published(Instrument.objects.get(code="resource_profile")).items.all()
    assert len(profile) == 12 and {i.scale_type for i in profile} == {"text"}


def test_changing_a_version_with_answers_makes_a_new_version(world, adult):
    v1 = published(adult)
    old = record(world, v1, health_for_work=3, everyday_energy=4)
    specs = services.item_specs_of(v1)
    specs[0].text_da = "Mit helbred tillader mig at arbejde"
    specs.append(
        services.ItemSpec(
            code="transport",
            label_da="Transport",
            text_da="Jeg kan komme frem og tilbage",
            scale_type="ordinal",
            scale_min=1,
            scale_max=10,
        )
    )
    with pytest.raises(ValidationError) as refused:
        services.version_update(
            actor=world.administrator, version=v1, items=specs, respondents=v1.respondents
        )
    assert "version" in refused.value.message_dict
    draft = services.version_draft_get_or_create(actor=world.administrator, instrument=adult)
    changed = services.version_update(
        actor=world.administrator, version=draft, items=specs, respondents=v1.respondents
    )
    assert changed.pk != v1.pk and changed.number == 2 and changed.status == "draft"
    v1.refresh_from_db()
    assert (
        v1.items.get(code="health_for_work").text_da
        == "Mit helbred gør det muligt for mig at arbejde"
    )
    assert v1.items.count() == 8
    services.version_publish(actor=world.administrator, version=changed)
    v1.refresh_from_db()
    assert v1.status == "retired"
    assert published(adult).pk == changed.pk
    # Codes carry over: the old answers appear on the wheel of the new version.
    data = assessment_selectors.wheel_data(world.citizen, adult)
    assert [i.code for i in data.items][:8] == [i.code for i in v1.items.all()]
    assert "transport" in [i.code for i in data.items]
    assert data.scores[old.pk]["health_for_work"] == 3
    new = record(world, changed, day=dt.date(2026, 2, 5), health_for_work=5, transport=2)
    data = assessment_selectors.wheel_data(world.citizen, adult)
    assert [a.pk for a in data.chosen] == [old.pk, new.pk]


def test_a_version_without_answers_is_changed_in_place(world):
    copy = services.instrument_copy(
        actor=world.administrator,
        instrument=Instrument.objects.get(code="youth_focus_areas"),
        code="youth-local",
        name_da="Unge lokalt",
    )
    draft = copy.versions.get()
    specs = services.item_specs_of(draft)[:5]
    same = services.version_update(
        actor=world.administrator, version=draft, items=specs, respondents=["joint"]
    )
    assert same.pk == draft.pk and same.items.count() == 5


def test_new_assessments_refuse_a_draft_or_retired_version(world, adult):
    draft = services.version_draft_get_or_create(actor=world.administrator, instrument=adult)
    with pytest.raises(ValidationError) as error:
        record(world, draft, health_for_work=3)
    assert "version" in error.value.message_dict


def test_publishing_refuses_an_invalid_draft(world, adult):
    draft = services.version_draft_get_or_create(actor=world.administrator, instrument=adult)
    with pytest.raises(ValidationError):
        services.version_update(
            actor=world.administrator,
            version=draft,
            items=[
                services.ItemSpec(
                    code="a",
                    label_da="A",
                    text_da="A",
                    scale_type="ordinal",
                    scale_min=1,
                    scale_max=30,
                )
            ],
            respondents=["joint"],
        )
    assert draft.items.count() == 8  # nothing half-saved


def test_an_old_assessment_still_renders_after_a_new_version(world, login, adult):
    v1 = published(adult)
    old = record(world, v1, health_for_work=3)
    specs = services.item_specs_of(v1)[:6]
    v2 = services.version_update(
        actor=world.administrator,
        version=services.version_draft_get_or_create(actor=world.administrator, instrument=adult),
        items=specs,
        respondents=v1.respondents,
    )
    services.version_publish(actor=world.administrator, version=v2)
    client = login(world.caseworker)
    response = client.get(reverse("assessments:edit", args=[world.citizen.pk, old.pk]))
    assert response.status_code == 200
    assert "housing_finances" in response.content.decode()  # an item only v1 has
    wheel = client.get(reverse("assessments:wheel", args=[world.citizen.pk]))
    assert wheel.status_code == 200


def test_an_administrator_copies_edits_and_publishes(world, login, adult):
    client = login(world.administrator)
    assert client.get(reverse("instruments:list")).status_code == 200
    detail = client.get(reverse("instruments:detail", args=[adult.pk]))
    assert 'data-testid="preview-wheel"' in detail.content.decode()
    response = client.post(
        reverse("instruments:copy", args=[adult.pk]),
        {"code": "adult-fremby", "name_da": "Fremby-hjulet"},
    )
    copy = Instrument.objects.get(code="adult-fremby")
    assert response["Location"] == reverse("instruments:edit", args=[copy.pk])
    form = client.get(response["Location"])
    formset = form.context["formset"]
    data = {"respondents": ["joint", "caseworker"]}
    data.update(
        {
            f"items-{k}": v
            for k, v in {
                "TOTAL_FORMS": str(len(formset.forms)),
                "INITIAL_FORMS": str(formset.initial_form_count()),
                "MIN_NUM_FORMS": "0",
                "MAX_NUM_FORMS": "40",
            }.items()
        }
    )
    for index, initial in enumerate(formset.initial):
        for key, value in initial.items():
            if isinstance(value, bool):
                if value:
                    data[f"items-{index}-{key}"] = "on"
            elif value is not None:
                data[f"items-{index}-{key}"] = value
    data["items-0-label_da"] = "Helbred"
    data["items-7-DELETE"] = "on"
    saved = client.post(reverse("instruments:edit", args=[copy.pk]), data)
    assert saved.status_code == 302
    draft = copy.versions.get(status="draft")
    assert draft.items.count() == 7
    assert draft.items.get(code="health_for_work").label_da == "Helbred"
    client.post(reverse("instruments:publish", args=[copy.pk, draft.pk]))
    draft.refresh_from_db()
    assert draft.status == InstrumentVersion.Status.PUBLISHED


@pytest.mark.parametrize(
    "role", ["caseworker", "provider_staff", "job_consultant", "manager", "outsider"]
)
def test_instrument_pages_are_for_administrators_only(world, login, adult, role):
    client = login(getattr(world, role))
    assert client.get(reverse("instruments:list")).status_code == 403
    assert client.get(reverse("instruments:detail", args=[adult.pk])).status_code == 403
    assert client.get(reverse("instruments:edit", args=[adult.pk])).status_code == 403
    assert (
        client.post(
            reverse("instruments:copy", args=[adult.pk]), {"code": "x", "name_da": "x"}
        ).status_code
        == 403
    )
    version = published(adult)
    assert (
        client.post(reverse("instruments:publish", args=[adult.pk, version.pk])).status_code == 403
    )
