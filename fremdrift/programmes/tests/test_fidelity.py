"""Fidelity describes a unit, not a citizen (seed 004): the staff of a programme's own
organisation score their unit's fidelity to the model for a period, on the programme's
fidelity page; the report gives per item the mean across units (issue 23 §3)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from fremdrift.accounts.models import Organisation, Role
from fremdrift.assessments.models import Answer, Assessment
from fremdrift.assessments.selectors import published_version
from fremdrift.audit.models import ChangeRecord
from fremdrift.instruments.models import Instrument
from fremdrift.programmes import services
from fremdrift.programmes.models import FidelityAssessment
from fremdrift.reports.cohort import Filters
from fremdrift.reports.surveys import fidelity_report
from fremdrift.testing import make_citizen, make_organisation, make_programme, make_user

TODAY = dt.date.today()
START = TODAY - dt.timedelta(days=60)


@pytest.fixture
def fidelity():
    return published_version(Instrument.objects.get(code="fidelity"))


@pytest.fixture
def programme(world):
    return make_programme(world.vaekst, name="Værkstedet")


def url(programme) -> str:
    return reverse("programmes:fidelity", args=[programme.pk])


def form(unit, **answers) -> dict:
    return {
        "instrument": "fidelity",
        "unit": str(unit.pk),
        "period_start": START.isoformat(),
        "period_end": TODAY.isoformat(),
        **{f"item_{code}": str(value) for code, value in answers.items()},
    }


def test_a_fidelity_assessment_has_no_citizen():
    names = {field.name for field in FidelityAssessment._meta.get_fields()}
    assert "citizen" not in names and {"programme", "unit", "period_start"} <= names


def test_the_programmes_staff_score_their_unit_on_its_page(world, login, programme):
    client = login(world.provider_staff)
    detail = client.get(reverse("programmes:detail", args=[programme.pk])).content.decode()
    assert url(programme) in detail
    page = client.get(url(programme))
    assert page.status_code == 200 and 'data-testid="fidelity-form"' in page.content.decode()
    saved = client.post(url(programme), form(world.vaekst, one_plan=3, handover=4))
    assert saved.status_code == 302
    assessment = FidelityAssessment.objects.get()
    assert (assessment.programme, assessment.unit, assessment.recorded_by) == (
        programme,
        world.vaekst,
        world.provider_staff,
    )
    assert assessment.answers == {"one_plan": 3, "handover": 4}
    assert ChangeRecord.objects.filter(object_id=str(assessment.pk)).exists()
    listed = client.get(url(programme)).content.decode()
    assert 'data-testid="fidelity-assessments"' in listed and "3,50" in listed


def test_a_unit_of_another_organisation_is_refused_and_nothing_written(world, login, programme):
    client = login(world.provider_staff)
    refused = client.post(url(programme), form(world.trivsel, one_plan=3))
    assert refused.status_code == 400
    assert 'data-testid="fidelity-errors"' in refused.content.decode()
    assert not FidelityAssessment.objects.exists()


def test_another_organisations_programme_is_not_found(world, login, programme):
    other = make_programme(world.trivsel, name="Trivselsforløbet")
    client = login(world.provider_staff)
    assert client.get(url(other)).status_code == 404
    assert client.post(url(other), form(world.vaekst, one_plan=3)).status_code == 404
    # Nor to roles that do not score fidelity, even of their own organisation's programme.
    nord = make_programme(world.nord, name="Jobcentrets forløb")
    assert login(world.job_consultant).get(url(nord)).status_code == 404
    assert login(world.administrator).get(url(nord)).status_code == 404
    assert login(world.manager).get(url(nord)).status_code == 200
    assert not FidelityAssessment.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"period_end": START - dt.timedelta(days=1)}, "period_end"),
        ({"answers": {"one_plan": 5}}, "item_one_plan"),
        ({"answers": {"one_plan": "tre"}}, "item_one_plan"),
        ({"answers": {"no_such_item": 2}}, "answers"),
        ({"answers": {}}, "answers"),
        ({"period_start": TODAY + dt.timedelta(days=3)}, "period_start"),
    ],
)
def test_bad_input_is_refused_by_field(world, programme, fidelity, change, field):
    values = {
        "actor": world.provider_staff,
        "programme": programme,
        "unit": world.vaekst,
        "version": fidelity,
        "period_start": START,
        "period_end": TODAY,
        "answers": {"one_plan": 3},
    } | change
    if field == "period_start":
        values["period_end"] = values["period_start"]
    with pytest.raises(ValidationError) as refused:
        services.fidelity_assessment_record(**values)
    assert field in refused.value.message_dict
    assert not FidelityAssessment.objects.exists()


def test_a_scale_that_is_not_fidelity_is_refused(world, programme):
    survey = published_version(Instrument.objects.get(code="citizen_survey"))
    with pytest.raises(ValidationError) as refused:
        services.fidelity_assessment_record(
            actor=world.provider_staff,
            programme=programme,
            unit=world.vaekst,
            version=survey,
            period_start=START,
            period_end=TODAY,
            answers={"involved_in_plan": 3},
        )
    assert "version" in refused.value.message_dict


@pytest.fixture
def five_units(world, fidelity):
    """Five units (the seed's project municipalities), each running a programme a citizen
    of Nord is enrolled in, each scoring 'one_plan'; unit 0 scored twice."""
    units = []
    for n in range(5):
        org = make_organisation(f"Enhed {n}", Organisation.Kind.PROVIDER)
        staff = make_user(f"leder{n}", org, Role.PROVIDER_STAFF)
        programme = make_programme(org, name=f"CTI {n}")
        citizen = make_citizen(world.caseworker, first_name=f"Deltager{n}")
        services.enrolment_create(
            actor=world.caseworker, citizen=citizen, programme=programme, start_date=START
        )
        units.append((org, staff, programme, citizen))
    scores = [1, 2, 3, 4, 4]
    for (org, staff, programme, _citizen), score in zip(units, scores, strict=True):
        services.fidelity_assessment_record(
            actor=staff,
            programme=programme,
            unit=org,
            version=fidelity,
            period_start=START,
            period_end=START + dt.timedelta(days=30),
            answers={"one_plan": score, "handover": 2},
        )
    # Unit 0's later assessment replaces its first.
    org, staff, programme, _citizen = units[0]
    services.fidelity_assessment_record(
        actor=staff,
        programme=programme,
        unit=org,
        version=fidelity,
        period_start=START + dt.timedelta(days=31),
        period_end=TODAY,
        answers={"one_plan": 3},
    )
    return units


def test_the_report_gives_the_mean_across_units(world, five_units):
    fidelity = Instrument.objects.get(code="fidelity")
    # An old fidelity assessment filed on a citizen's record is not a unit.
    old = Assessment.objects.create(
        citizen=five_units[0][3],
        version=published_version(fidelity),
        date=START,
        respondent="provider",
        status="completed",
        recorded_by=world.caseworker,
        recorded_by_organisation=world.nord,
    )
    Answer.objects.create(assessment=old, item=old.version.items.get(code="one_plan"), value=1)
    rows, units = fidelity_report(world.manager, Filters(), instrument=fidelity)
    by_code = {row.code: row for row in rows}
    # Latest per unit: 3 (unit 0's second), 2, 3, 4, 4.
    assert (by_code["one_plan"].units, by_code["one_plan"].mean) == (5, pytest.approx(3.2))
    # Unit 0's latest did not answer 'handover': four units answered it.
    assert (by_code["handover"].units, by_code["handover"].mean) == (4, 2.0)
    assert sorted(units) == [f"Enhed {n}" for n in range(5)]


def test_the_report_reads_the_chosen_period(world, five_units):
    fidelity = Instrument.objects.get(code="fidelity")
    rows, _units = fidelity_report(
        world.manager,
        Filters(),
        instrument=fidelity,
        answered_to=START + dt.timedelta(days=10),
    )
    one_plan = next(r for r in rows if r.code == "one_plan")
    # Before unit 0's second assessment: 1, 2, 3, 4, 4.
    assert (one_plan.units, one_plan.mean) == (5, pytest.approx(2.8))
    rows, _units = fidelity_report(
        world.manager, Filters(), instrument=fidelity, answered_from=TODAY
    )
    one_plan = next(r for r in rows if r.code == "one_plan")
    assert (one_plan.units, one_plan.mean) == (1, 3.0)


def test_the_report_page_shows_n_units(world, login, five_units):
    fidelity = Instrument.objects.get(code="fidelity")
    page = login(world.manager).get(reverse("reports:surveys"), {"instrument": fidelity.pk})
    html = page.content.decode()
    assert page.status_code == 200 and "Enhed 4" in html
    table = html[html.index('data-testid="survey-table"') :]
    row = table[table.index("Én fælles plan") :]
    assert '">5</td>' in row[: row.index("</tr>")]
