"""The red thread for a period (issue 24 §1-§2): every kind of entry over six years, of which
the default five-year period holds exactly those inside it."""

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from fremdrift.assessments.services import AnswerInput, assessment_record
from fremdrift.codelists.models import Code
from fremdrift.instruments.models import Instrument
from fremdrift.plans import services as plan_services
from fremdrift.referrals import services as referral_services
from fremdrift.testing import make_programme

TODAY = dt.date.today()
INSIDE = [TODAY - dt.timedelta(days=d) for d in (20, 700, 1800)]
OUTSIDE = [TODAY - dt.timedelta(days=d) for d in (1850, 2150)]


def code(code_list, value, parent=None):
    codes = Code.objects.filter(code_list=code_list, code=value)
    if parent:
        codes = codes.filter(parent__code=parent)
    return codes.get()


def build_history(world, days):
    """On each day one of every kind of entry, each marked with its day's number."""
    plan = plan_services.plan_get_or_create(actor=world.caseworker, citizen=world.citizen)
    version = Instrument.objects.get(code="adult_wheel").versions.get(status="published")
    programme = make_programme(world.vaekst)
    for i, day in enumerate(days):
        mark = f"M{day:%Y%m%d}"
        assessment_record(
            actor=world.caseworker,
            citizen=world.citizen,
            version=version,
            date=day,
            respondent="joint",
            status="completed",
            answers={"health_for_work": AnswerInput(value=3 + i)},
        )
        plan_services.meeting_record(
            actor=world.caseworker,
            plan=plan,
            kind=code("meeting_kind", "follow_up"),
            date=day,
            citizen_attended=True,
            participants=[{"role": code("participant_role", "doctor")}],
        )
        plan_services.activity_create(
            actor=world.caseworker,
            plan=plan,
            sector=code("activity_sector", "health"),
            kind=code("activity_type", "physiotherapy", "health"),
            purpose=f"Træning {mark}",
            start_date=day,
            end_date=day + dt.timedelta(days=9),
            result="partly",
            next_step=f"Fortsæt {mark}",
        )
        plan_services.activity_create(
            actor=world.caseworker,
            plan=plan,
            sector=code("activity_sector", "employment"),
            kind=code("activity_type", "aftercare", "employment"),
            purpose=f"Efterværn {mark}",
            start_date=day,
        )
        plan_services.mentor_assign(
            actor=world.caseworker,
            plan=plan,
            kind=code("mentor_kind", "social"),
            name=f"Mentor {mark}",
            start_date=day,
        )
        referral_services.referral_create(
            actor=world.caseworker,
            citizen=world.citizen,
            programme=programme,
            start_date=day,
            end_date=day + dt.timedelta(days=4),
            instrument=Instrument.objects.get(code="adult_wheel"),
            interval_days=14,
            starting_scores={"health_for_work": "3"},
        )
        enrolment = world.citizen.enrolments.get(programme=programme, status="active")
        referral_services.enrolment_end(
            actor=world.caseworker,
            enrolment=enrolment,
            expected_version=enrolment.version,
            end_date=day + dt.timedelta(days=4),
            exit_reason=code("exit_reason", "job", "self_support"),
            note=f"Exit {mark}",
        )
    return plan


def test_the_five_year_red_thread_holds_exactly_the_entries_of_the_period(world, login):
    plan = build_history(world, OUTSIDE + INSIDE)
    goal = plan_services.goal_create(
        actor=world.caseworker,
        plan=plan,
        text="Job i et køkken",
        is_end_goal=True,
        category=code("end_goal_category", "job"),
    )
    plan_services.goal_change(
        actor=world.caseworker,
        goal=goal,
        expected_version=1,
        reason="achieved",
        status="achieved",
        note="Fik fast job",
    )
    page = login(world.caseworker).get(reverse("plans:timeline", args=[world.citizen.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    for day in INSIDE:
        mark = f"M{day:%Y%m%d}"
        assert f"Træning {mark}" in html and f"Fortsæt {mark}" in html
        assert f"Efterværn {mark}" in html and f"Mentor {mark}" in html
        assert f"Exit {mark}" in html
    for day in OUTSIDE:
        assert f"M{day:%Y%m%d}" not in html
    # Each inside day: an assessment reading and the referral's starting scores, a meeting,
    # two activities, a mentor, a referral, an enrolment and its exit; plus the world's own
    # referral of 30 days ago.
    assert html.count('data-kind="meeting"') == 3
    assert html.count('data-kind="activity"') == 6
    assert html.count('data-kind="mentor"') == 3
    assert html.count('data-kind="referral"') == 3 + 1
    assert html.count('data-kind="enrolment"') == 3
    assert html.count('data-kind="exit"') == 3
    assert html.count('data-kind="assessment"') == 6
    # Goal changes with their reason and what changed, in words.
    assert html.count('data-kind="goal_event"') == 2
    assert "Fik fast job" in html and "→" in html
    # The summary counts the interventions by sector and year of the period only.
    assert html.count('<tr data-sector="health"') == len({d.year for d in INSIDE})
    year = INSIDE[1].year
    assert (
        f'<tr data-sector="health" data-year="{year}"><td>{year}</td><td>Sundhed</td>'
        f"<td>{sum(d.year == year for d in INSIDE)}</td>"
    ) in html


def test_a_chosen_period_narrows_the_thread(world, login):
    build_history(world, OUTSIDE + INSIDE)
    client = login(world.caseworker)
    url = reverse("plans:timeline", args=[world.citizen.pk])
    since = OUTSIDE[1] - dt.timedelta(days=1)
    until = OUTSIDE[0] + dt.timedelta(days=1)
    html = client.get(url, {"from": f"{since:%Y-%m-%d}", "to": f"{until:%Y-%m-%d}"}).content
    html = html.decode()
    for day in OUTSIDE:
        assert f"Træning M{day:%Y%m%d}" in html
    for day in INSIDE:
        assert f"M{day:%Y%m%d}" not in html


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"from": "2024-05-01", "to": "2024-04-01"}, "to"),
        ({"from": f"{TODAY + dt.timedelta(days=3):%Y-%m-%d}"}, "from"),
        ({"to": f"{TODAY + dt.timedelta(days=3):%Y-%m-%d}"}, "to"),
        ({"from": "not a date"}, "from"),
    ],
)
def test_a_bad_period_is_refused_naming_the_field(world, login, query, field):
    build_history(world, INSIDE[:1])
    response = login(world.caseworker).get(
        reverse("plans:timeline", args=[world.citizen.pk]), query
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert f'data-testid="error-{field}"' in html
    # The error summary at the top links to the input.
    assert "data-error-summary" in html and f'href="#{field}"' in html
    assert "data-kind=" not in html


def test_the_query_count_does_not_grow_with_the_entries(world, login):
    client = login(world.caseworker)
    url = reverse("plans:timeline", args=[world.citizen.pk])
    build_history(world, INSIDE[:1])
    with CaptureQueriesContext(connection) as short:
        assert client.get(url).status_code == 200
    build_history(world, INSIDE[1:])
    with CaptureQueriesContext(connection) as long:
        assert client.get(url).status_code == 200
    assert len(long) == len(short)


# The document for the deciding authority (issue 24 §3).

PURPOSE = "Til rehabiliteringsteamets møde"


def document(client, citizen, **data):
    url = reverse("plans:timeline_document", args=[citizen.pk])
    return client.post(url, {"purpose": PURPOSE, **data})


def test_the_document_holds_the_period_and_the_remarks_but_no_cpr_number(world, login):
    from fremdrift.audit.models import AccessLogEntry
    from fremdrift.citizens.selectors import case_review_number

    build_history(world, OUTSIDE + INSIDE)
    plan = world.citizen.plan
    plan_services.meeting_record(
        actor=world.caseworker,
        plan=plan,
        kind=code("meeting_kind", "follow_up"),
        date=INSIDE[0],
        citizen_attended=True,
        notes="Delt note til borgeren",
        notes_internal=False,
    )
    plan_services.meeting_record(
        actor=world.caseworker,
        plan=plan,
        kind=code("meeting_kind", "follow_up"),
        date=INSIDE[0],
        citizen_attended=True,
        notes="Intern note om sagen",
        notes_internal=True,
    )
    response = document(login(world.caseworker), world.citizen, remarks="Borgeren er klar.")
    assert response.status_code == 200
    html = response.content.decode()
    assert world.citizen.full_name in html
    assert case_review_number(world.citizen.pk) in html
    assert world.citizen.birth_date.strftime("%d%m%y") not in html  # nor the masked number
    assert "Borgeren er klar." in html
    assert "Delt note til borgeren" in html and "Intern note om sagen" not in html
    for day in INSIDE:
        assert f"Træning M{day:%Y%m%d}" in html and f"Fortsæt M{day:%Y%m%d}" in html
    for day in OUTSIDE:
        assert f"M{day:%Y%m%d}" not in html
    entry = AccessLogEntry.objects.filter(action="export").get()
    assert entry.purpose == PURPOSE


def test_the_pdf_opens_and_holds_the_entries_of_the_period(world, login):
    """The PDF's own text, read back with pypdf, holds the period's entries and no other."""
    build_history(world, OUTSIDE + INSIDE)
    response = document(login(world.caseworker), world.citizen, format="pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert len(reader.pages) >= 1
    for day in INSIDE:
        assert f"M{day:%Y%m%d}" in text
    for day in OUTSIDE:
        assert f"M{day:%Y%m%d}" not in text
    assert world.citizen.first_name in text


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"purpose": "kort"}, "purpose"),
        ({"start": "2024-05-01", "end": "2024-04-01"}, "end"),
    ],
)
def test_a_document_without_a_purpose_or_with_a_bad_period_is_not_made(world, login, data, field):
    from fremdrift.audit.models import AccessLogEntry

    response = document(login(world.caseworker), world.citizen, format="pdf", **data)
    assert response.status_code == 400
    html = response.content.decode()
    # The field's error beside it, and in the error summary at the top, linked to it.
    assert f'id="id_{field}-error"' in html
    assert "data-error-summary" in html and f'href="#id_{field}"' in html
    assert not AccessLogEntry.objects.filter(action="export").exists()


@pytest.mark.parametrize("persona", ["outsider", "manager", "provider_staff"])
def test_no_document_for_a_citizen_out_of_scope(world, login, persona):
    from fremdrift.audit.models import AccessLogEntry

    response = document(login(getattr(world, persona)), world.citizen, format="pdf")
    assert response.status_code == 404
    assert not AccessLogEntry.objects.filter(action="export").exists()


def test_the_case_review_reads_the_whole_thread_without_identity_or_notes(world, login):
    from fremdrift.citizens.selectors import case_review_number

    plan = build_history(world, INSIDE)
    plan_services.meeting_record(
        actor=world.caseworker,
        plan=plan,
        kind=code("meeting_kind", "follow_up"),
        date=INSIDE[0],
        citizen_attended=True,
        notes="Karen Blixen fortalte om sin søster",
        notes_internal=False,
    )
    url = reverse("plans:case_review_case", args=[case_review_number(world.citizen.pk)])
    response = login(world.manager).get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('data-kind="enrolment"') == 3 and html.count('data-kind="exit"') == 3
    assert 'data-testid="timeline-summary"' in html
    assert "Blixen" not in html and world.citizen.birth_date.strftime("%d%m%y") not in html
    assert f"/citizens/{world.citizen.pk}/" not in html
    assert "timeline/document" not in html
