"""A case shared by the home organisation with another authority (issue 25, §3): seen and
worked on by that authority's caseworkers while the share is active, never the home
organisation's internal notes, the CPR number or the basic record; gone at once when it ends."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from fremdrift.accounts.models import Organisation, Role
from fremdrift.audit.models import AccessLogEntry, ChangeRecord
from fremdrift.citizens import access
from fremdrift.citizens.models import CaseShare
from fremdrift.citizens.services import case_share_create, case_share_end
from fremdrift.codelists.models import Code
from fremdrift.plans import services as plan_services
from fremdrift.plans.models import Goal, Meeting
from fremdrift.testing import make_organisation, make_user

API = "/api/v1"
TODAY = dt.date.today()
SECRET = "INTERNT-HJEMME-NOTAT"


@pytest.fixture
def social(world):
    """Socialforvaltningen with a caseworker; Nord shares `citizen`'s case with it."""
    world.social = make_organisation("Socialforvaltningen")
    world.social_worker = make_user("socialworker", world.social, Role.CASEWORKER)
    world.share = case_share_create(
        actor=world.caseworker,
        citizen=world.citizen,
        shared_with=world.social,
        purpose="Koordineret indsats om bolig og beskæftigelse",
        start_date=TODAY - dt.timedelta(days=3),
    )
    plan = plan_services.plan_get_or_create(actor=world.caseworker, citizen=world.citizen)
    world.plan = plan
    world.end_goal = plan_services.goal_create(
        actor=world.caseworker,
        plan=plan,
        text="Jeg vil have et job",
        is_end_goal=True,
        category=Code.objects.filter(code_list="end_goal_category", code="job").first(),
    )
    world.internal_meeting = plan_services.meeting_record(
        actor=world.caseworker,
        plan=plan,
        kind=Code.objects.filter(code_list="meeting_kind", code="start_meeting").first(),
        date=TODAY,
        citizen_attended=True,
        notes=SECRET,
        notes_internal=True,
    )
    return world


def test_a_shared_case_is_seen_and_worked_on_by_the_other_authority(social, login):
    w = social
    client = login(w.social_worker)
    page = client.get(reverse("citizens:detail", args=[w.citizen.pk]))
    assert page.status_code == 200
    assert w.citizen.last_name in page.content.decode()
    assert AccessLogEntry.objects.filter(user=w.social_worker).exists()
    listing = client.get(reverse("citizens:list")).content.decode()
    assert w.citizen.last_name in listing
    assert w.foreign_citizen.last_name not in listing
    assert listing.count('data-testid="shared-by"') == 1 and "Jobcenter Nord" in listing
    home_listing = login(w.caseworker).get(reverse("citizens:list")).content.decode()
    assert 'data-testid="shared-by"' not in home_listing
    client = login(w.social_worker)

    response = client.post(
        reverse("plans:goal_create", args=[w.citizen.pk]),
        {"text": "Finde en bolig", "parent": w.end_goal.pk},
    )
    assert response.status_code == 302
    assert Goal.objects.filter(plan=w.plan, text="Finde en bolig").exists()

    kind = Code.objects.filter(code_list="meeting_kind", code="start_meeting").first()
    response = client.post(
        reverse("plans:meeting_create", args=[w.citizen.pk]),
        {"kind": kind.pk, "date": TODAY.isoformat(), "citizen_attended": "on", "notes": "Fælles"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    meeting = Meeting.objects.get(plan=w.plan, notes="Fælles")
    assert meeting.recorded_by == w.social_worker and not meeting.notes_internal


def test_the_share_ends_at_once(social, login):
    w = social
    client = login(w.social_worker)
    url = reverse("citizens:detail", args=[w.citizen.pk])
    assert client.get(url).status_code == 200
    case_share_end(actor=w.caseworker, share=w.share)
    assert client.get(url).status_code == 404
    assert client.get(reverse("plans:plan", args=[w.citizen.pk])).status_code == 404
    assert w.citizen.last_name not in client.get(reverse("citizens:list")).content.decode()
    share = CaseShare.objects.get(pk=w.share.pk)
    assert share.ended_by == w.caseworker and share.end_date == TODAY
    assert (
        ChangeRecord.objects.filter(object_id=share.pk, model__icontains="caseshare").count() == 2
    )


def test_no_internal_note_of_the_home_organisation_reaches_the_other_authority(
    social, login, bearer, client
):
    w = social
    web = login(w.social_worker)
    c = w.citizen.pk
    for name in ("citizens:detail", "plans:plan", "plans:timeline", "plans:report"):
        response = web.get(reverse(name, args=[c]))
        assert response.status_code == 200, name
        assert SECRET not in response.content.decode(), name
    # The home caseworker still reads it.
    assert SECRET in login(w.caseworker).get(reverse("plans:plan", args=[c])).content.decode()
    client.logout()
    headers = bearer(w.social_worker)
    assert client.get(f"{API}/citizens/{c}", **headers).status_code == 200
    detail = client.get(f"{API}/meetings/{w.internal_meeting.pk}", **headers)
    assert detail.status_code == 200
    assert SECRET not in detail.content.decode()
    listed = client.get(f"{API}/meetings", **headers)
    assert listed.status_code == 200 and SECRET not in listed.content.decode()


def test_the_other_authority_keeps_off_the_home_organisations_part(social):
    w = social
    assert access.may_change_plan(w.social_worker, w.citizen)
    assert access.may_record_assessment(w.social_worker, w.citizen)
    assert not access.may_reveal_cpr(w.social_worker, w.citizen)
    assert not access.may_export_subject_access(w.social_worker, w.citizen)
    assert not access.may_change_citizen(w.social_worker, w.citizen)
    assert not access.may_share_case(w.social_worker, w.citizen)
    assert not access.may_record_profile(w.social_worker, w.citizen)
    assert not access.may_write_internal_notes(w.social_worker, w.citizen)
    assert not access.may_read_meeting_notes(
        w.social_worker, home_organisation_id=w.nord.pk, internal=True
    )
    with pytest.raises(ValidationError) as refused:
        plan_services.meeting_record(
            actor=w.social_worker,
            plan=w.plan,
            kind=Code.objects.filter(code_list="meeting_kind", code="start_meeting").first(),
            date=TODAY,
            citizen_attended=True,
            notes="x",
            notes_internal=True,
        )
    assert "notes_internal" in refused.value.message_dict


def test_the_other_authority_cannot_reveal_the_cpr_number(social, login):
    client = login(social.social_worker)
    urls = [u for u in _reveal_urls(social.citizen.pk)]
    assert urls
    for url in urls:
        response = client.post(url, {"purpose": "contact_authority"})
        assert response.status_code in (403, 404), url


def _reveal_urls(citizen_id):
    from django.urls import NoReverseMatch

    for name in ("citizens:reveal_cpr", "citizens:cpr", "citizens:show_cpr"):
        try:
            yield reverse(name, args=[citizen_id])
        except NoReverseMatch:
            continue


def _share(w, organisation, **extra):
    data = {
        "actor": w.caseworker,
        "citizen": w.citizen,
        "shared_with": organisation,
        "purpose": "Samarbejde",
        "start_date": TODAY,
    }
    data.update(extra)
    return case_share_create(**data)


def test_bad_input_is_refused_naming_the_field(social):
    w = social
    before = CaseShare.objects.count()
    with pytest.raises(ValidationError) as own:
        _share(w, w.nord)
    assert "shared_with" in own.value.message_dict
    with pytest.raises(ValidationError) as provider:
        _share(w, w.vaekst)
    assert "shared_with" in provider.value.message_dict
    with pytest.raises(ValidationError) as overlapping:
        _share(w, w.social, start_date=TODAY + dt.timedelta(days=10))
    assert "start_date" in overlapping.value.message_dict
    with pytest.raises(ValidationError) as no_purpose:
        _share(w, w.syd, purpose="  ")
    assert "purpose" in no_purpose.value.message_dict
    with pytest.raises(ValidationError) as backwards:
        _share(w, w.syd, end_date=TODAY - dt.timedelta(days=1))
    assert "end_date" in backwards.value.message_dict
    assert CaseShare.objects.count() == before
    case_share_end(actor=w.caseworker, share=w.share)
    with pytest.raises(ValidationError) as twice:
        case_share_end(actor=w.caseworker, share=w.share)
    assert "ended_at" in twice.value.message_dict


def test_the_database_refuses_a_share_with_the_home_organisation(social):
    w = social
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseShare.objects.create(
            citizen=w.citizen,
            home_organisation=w.nord,
            shared_with=w.nord,
            purpose="x",
            start_date=TODAY,
            created_by=w.caseworker,
        )


def test_it_checks_ownership(social, login):
    w = social
    third = make_organisation("Jobcenter Øst")
    stranger = make_user("stranger", third, Role.CASEWORKER)
    client = login(stranger)
    assert client.get(reverse("citizens:detail", args=[w.citizen.pk])).status_code == 404
    assert client.get(reverse("plans:plan", args=[w.citizen.pk])).status_code == 404
    for actor in (w.social_worker, w.job_consultant, w.provider_staff, w.outsider):
        with pytest.raises(PermissionDenied):
            _share(w, third, actor=actor)
        with pytest.raises(PermissionDenied):
            case_share_end(actor=actor, share=w.share)
    assert Organisation.objects.get(pk=w.social.pk).kind == Organisation.Kind.AUTHORITY


def test_the_pages_share_and_end_a_case(social, login):
    w = social
    east = make_organisation("Jobcenter Øst")
    client = login(w.caseworker)
    page = client.get(reverse("citizens:detail", args=[w.citizen.pk])).content.decode()
    assert 'data-testid="case-share-new"' in page and "Socialforvaltningen" in page
    url = reverse("citizens:share_create", args=[w.citizen.pk])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"shared_with": w.vaekst.pk, "purpose": "Hjælp", "start_date": ""})
    assert bad.status_code == 400 and "Hjælp" in bad.content.decode()
    assert CaseShare.objects.count() == 1
    overlap = client.post(
        url,
        {"shared_with": w.social.pk, "purpose": "Igen", "start_date": TODAY.isoformat()},
    )
    assert overlap.status_code == 400 and CaseShare.objects.count() == 1
    done = client.post(
        url, {"shared_with": east.pk, "purpose": "Flytning", "start_date": TODAY.isoformat()}
    )
    assert done.status_code == 302
    share = CaseShare.objects.get(shared_with=east)
    end = reverse("citizens:share_end", args=[w.citizen.pk, share.pk])
    assert client.get(end).status_code == 405
    assert client.post(end).status_code == 302
    assert CaseShare.objects.get(pk=share.pk).ended_at is not None
    # The other authority sees the share it is part of, and cannot share or end.
    other = login(w.social_worker)
    page = other.get(reverse("citizens:detail", args=[w.citizen.pk])).content.decode()
    assert "Koordineret indsats" in page and "Flytning" not in page
    assert 'data-testid="case-share-new"' not in page
    assert other.get(url).status_code == 403
    share_end = reverse("citizens:share_end", args=[w.citizen.pk, w.share.pk])
    assert other.post(share_end).status_code == 403
    assert CaseShare.objects.get(pk=w.share.pk).ended_at is None


def test_an_assessment_is_marked_with_the_organisation_that_made_it(social, login):
    from fremdrift.assessments.services import AnswerInput, assessment_record
    from fremdrift.instruments.models import Instrument

    w = social
    version = Instrument.objects.get(code="adult_wheel").versions.get(status="published")
    made = assessment_record(
        actor=w.social_worker,
        citizen=w.citizen,
        version=version,
        date=TODAY,
        respondent="joint",
        status="completed",
        answers={"health_for_work": AnswerInput(value=4)},
    )
    assert made.recorded_by_organisation == w.social
    page = login(w.caseworker).get(
        reverse("citizens:detail", args=[w.citizen.pk]), {"instrument": "adult_wheel"}
    )
    html = page.content.decode()
    assert html.count('data-testid="made-by"') == 1 and "Socialforvaltningen" in html


# Every other way the case reaches the other authority: the pages beside the plan, every
# list and detail of the API that reads the shared plan, and FHIR.
SHARED_API_READS = [
    "/citizens/{citizen}",
    "/plans?citizen_id={citizen}",
    "/plans/{plan}",
    "/goals?citizen_id={citizen}",
    "/goal-events?citizen_id={citizen}",
    "/activities?citizen_id={citizen}",
    "/meetings?citizen_id={citizen}",
    "/meetings/{meeting}",
    "/mentors?citizen_id={citizen}",
    "/plan-roles?citizen_id={citizen}",
    "/fhir/CarePlan?patient={citizen}",
    "/fhir/CarePlan/{plan}",
    "/fhir/Goal?patient={citizen}",
]


def _shows_something(body: dict) -> bool:
    """A detail, or a list (a page of items or a FHIR Bundle) with at least one entry."""
    if "items" in body:
        return bool(body["items"])
    if body.get("resourceType") == "Bundle":
        return bool(body.get("entry"))
    return True


def _shared_reads(w) -> list[str]:
    ids = {"citizen": w.citizen.pk, "plan": w.plan.pk, "meeting": w.internal_meeting.pk}
    return [API + path.format(**ids) for path in SHARED_API_READS]


def test_no_internal_note_reaches_the_other_authority_anywhere_else(social, login, bearer, client):
    w = social
    web = login(w.social_worker)
    c = w.citizen.pk
    # The landing page lists the meetings booked this week that the user takes part in; the
    # internal meeting was held today, and the next one is booked for the same day.
    plan_services.meeting_book(
        actor=w.caseworker,
        plan=w.plan,
        kind=w.internal_meeting.kind,
        date=TODAY,
        start_time=dt.time(23, 0),
        participants=[
            {
                "role": Code.objects.get(
                    code_list="participant_role", code="social_caseworker", organisation=None
                ),
                "user": w.social_worker,
            }
        ],
        confirm=True,  # a time that may have passed when the test runs late
    )
    home = web.get(reverse("home"))
    assert home.status_code == 200
    assert w.citizen.last_name in home.content.decode()
    assert SECRET not in home.content.decode()
    for name in ("citizens:detail", "plans:plan", "plans:timeline"):
        for query in ({}, {"instrument": "adult_wheel"}):
            page = web.get(reverse(name, args=[c]), query)
            assert page.status_code == 200 and SECRET not in page.content.decode(), name
    # The red thread as a document for a deciding authority is the home organisation's.
    document = web.get(reverse("plans:timeline_document", args=[c]))
    assert document.status_code == 404 and SECRET not in document.content.decode()
    client.logout()
    headers = bearer(w.social_worker)
    shown = 0
    for url in _shared_reads(w):
        logged = AccessLogEntry.objects.count()
        response = client.get(url, **headers)
        assert response.status_code == 200, url
        assert SECRET not in response.content.decode(), url
        if _shows_something(response.json()):
            shown += 1
            # Every read that shows the case is in the access log.
            assert AccessLogEntry.objects.count() > logged, url
    assert shown >= 9  # the citizen, the plan, its goals and events, the meeting, FHIR
    meeting = client.get(f"{API}/meetings/{w.internal_meeting.pk}", **headers).json()
    assert not meeting["notes"]


def test_the_api_forgets_the_case_the_moment_the_share_ends(social, bearer, client):
    w = social
    headers = bearer(w.social_worker)
    assert client.get(f"{API}/citizens/{w.citizen.pk}", **headers).status_code == 200
    case_share_end(actor=w.caseworker, share=w.share)
    for url in _shared_reads(w):
        response = client.get(url, **headers)
        if "?" in url:  # a list: empty
            assert response.status_code == 200, url
            assert not _shows_something(response.json()), url
        else:
            assert response.status_code == 404, url
