"""Meetings booked ahead (issue 26 §4): booked with day, time, place and who takes part,
shown on the plan page and in the worklist, changed (a stale change refused), completed
afterwards with notes, or cancelled; a time that has passed or overlaps a participant's other
booked meeting asks first; bad input names the field and saves nothing."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fremdrift.api.tests.writes import API, fields_of, if_match, send
from fremdrift.audit.models import ChangeRecord
from fremdrift.codelists.models import Code
from fremdrift.plans import selectors, services
from fremdrift.plans.models import Meeting

TODAY = dt.date.today()
AHEAD = TODAY + dt.timedelta(days=9)


def code(code_list: str, value: str) -> Code:
    return Code.objects.get(code_list=code_list, code=value, organisation=None)


@pytest.fixture
def plan(world):
    return services.plan_get_or_create(actor=world.caseworker, citizen=world.citizen)


def english(client):
    client.cookies["django_language"] = "en"
    return client


def book(world, plan, *, actor=None, day=AHEAD, start=(10, 0), end=(11, 0), **extra):
    actor = actor or world.caseworker
    return services.meeting_book(
        actor=actor,
        plan=plan,
        kind=extra.pop("kind", code("meeting_kind", "follow_up")),
        date=day,
        start_time=dt.time(*start),
        end_time=dt.time(*end) if end else None,
        place=extra.pop("place", "Jobcentret, lokale 2"),
        participants=extra.pop(
            "participants",
            [{"role": code("participant_role", "employment_caseworker"), "user": actor}],
        ),
        **extra,
    )


def booking_form(**values) -> dict:
    data = {
        "kind": code("meeting_kind", "follow_up").pk,
        "date": AHEAD.isoformat(),
        "start_time": "10:00",
        "end_time": "11:00",
        "place": "Jobcentret, lokale 2",
        "participant_roles": [code("participant_role", "doctor").pk],
    }
    data.update(values)
    return {k: v for k, v in data.items() if v is not None}


def booked_html(response) -> str:
    html = response.content.decode()
    start = html.index('data-testid="booked-meetings"')
    return html[start : html.index("</ul>", start)]


def held_html(response) -> str:
    html = response.content.decode()
    start = html.index('data-testid="meetings"')
    return html[start : html.index("</ul>", start)]


def test_a_meeting_is_booked_on_the_plan_page_and_shown_there_and_in_the_worklist(
    world, login, plan
):
    client = english(login(world.caseworker))
    url = reverse("plans:plan", args=[world.citizen.pk])
    form = client.get(reverse("plans:form", args=[world.citizen.pk, "meeting_booking"]))
    assert form.status_code == 200 and 'name="start_time"' in form.content.decode()

    response = client.post(
        reverse("plans:meeting_book", args=[world.citizen.pk]),
        booking_form(date=TODAY.isoformat(), start_time="00:00", end_time="00:30", confirm="on"),
    )

    assert response.status_code == 302
    meeting = Meeting.objects.get(plan=plan)
    assert meeting.status == Meeting.Status.BOOKED
    assert (meeting.start_time, meeting.end_time) == (dt.time(0, 0), dt.time(0, 30))
    page = client.get(url)
    booked = booked_html(page)
    assert "00:00–00:30" in booked and "Jobcentret, lokale 2" in booked
    assert "Follow-up meeting" in booked or meeting.kind.label in booked
    assert "No meetings yet." in held_html(page)  # booked is not held
    worklist = client.get("/").content.decode()
    start = worklist.index('data-testid="meetings"')
    section = worklist[start : worklist.index("</section>", start)]
    assert "Today" in section and "00:00" in section and "Jobcentret, lokale 2" in section
    assert world.citizen.full_name in section
    # The change history keeps the booking with its time and place.
    created = ChangeRecord.objects.get(model="plans.Meeting", kind=ChangeRecord.Kind.CREATE)
    assert created.after["status"] == "booked" and created.after["start_time"] == "00:00:00"


def test_the_worklist_shows_a_colleagues_citizen_whose_meeting_the_user_takes_part_in(world, login):
    other = services.plan_get_or_create(actor=world.colleague, citizen=world.teammates_citizen)
    book(
        world,
        other,
        actor=world.colleague,
        day=TODAY,
        start=(0, 0),
        end=(0, 30),
        participants=[
            {"role": code("participant_role", "employment_caseworker"), "user": world.colleague},
            {"role": code("participant_role", "employment_caseworker"), "user": world.caseworker},
        ],
        confirm=True,
    )
    response = login(world.caseworker).get("/")
    assert [m.plan.citizen_id for m in response.context["worklist"].meetings.rows] == [
        world.teammates_citizen.pk
    ]


def test_the_plan_page_lists_booked_meetings_in_the_same_number_of_queries(world, login, plan):
    client = login(world.caseworker)
    url = reverse("plans:plan", args=[world.citizen.pk])
    book(world, plan)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for days in (10, 11, 12):
        book(world, plan, day=TODAY + dt.timedelta(days=days))
    with CaptureQueriesContext(connection) as four:
        client.get(url)
    assert len(four) == len(one)
    assert booked_html(client.get(url)).count('data-testid="booked-meeting"') == 4


def test_a_booked_meeting_is_changed_and_a_stale_change_is_refused(world, login, plan):
    meeting = book(world, plan)
    client = english(login(world.caseworker))
    url = reverse("plans:meeting_edit", args=[world.citizen.pk, meeting.pk])
    fragment = client.get(url).content.decode()
    assert f'name="meeting{meeting.pk}-place"' in fragment and "Jobcentret, lokale 2" in fragment
    prefix = f"meeting{meeting.pk}"

    def values(version, **changes):
        return {
            f"{prefix}-{k}": v
            for k, v in booking_form(version=version, **changes).items()
            if v is not None
        }

    moved = client.post(
        url,
        values(
            1,
            start_time="13:00",
            end_time="14:00",
            place="Biblioteket",
            colleagues=[world.caseworker.pk, world.colleague.pk],
        ),
    )
    assert moved.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.start_time, meeting.place, meeting.version) == (
        dt.time(13, 0),
        "Biblioteket",
        2,
    )
    assert {p.user_id for p in meeting.participants.all()} == {
        world.caseworker.pk,
        world.colleague.pk,
        None,  # the doctor
    }
    update = ChangeRecord.objects.filter(model="plans.Meeting", kind="update").get()
    assert update.before["place"] == "Jobcentret, lokale 2"
    assert update.after["place"] == "Biblioteket"

    stale = client.post(url, values(1, place="Rådhuset"))
    assert stale.status_code == 409
    assert "Someone else changed this meeting" in stale.content.decode()
    meeting.refresh_from_db()
    assert meeting.place == "Biblioteket"


def test_a_meeting_is_completed_with_notes_shown_on_the_plan_and_in_the_red_thread(
    world, login, plan
):
    shared = book(world, plan, day=TODAY, start=(0, 0), end=(0, 30), confirm=True)
    internal = book(world, plan, day=TODAY, start=(0, 30), end=(0, 45), confirm=True)
    client = english(login(world.caseworker))
    for meeting, notes, is_internal in (
        (shared, "Karen vil gerne prøve praktik i køkkenet", ""),
        (internal, "Bekymring for helbredet", "on"),
    ):
        url = reverse("plans:meeting_complete", args=[world.citizen.pk, meeting.pk])
        assert 'name="complete' in client.get(url).content.decode()
        prefix = f"complete{meeting.pk}"
        data = {f"{prefix}-version": 1, f"{prefix}-citizen_attended": "on"}
        data[f"{prefix}-notes"] = notes
        if is_internal:
            data[f"{prefix}-notes_internal"] = is_internal
        assert client.post(url, data).status_code == 302
    assert set(Meeting.objects.values_list("status", flat=True)) == {"held"}

    plan_page = client.get(reverse("plans:plan", args=[world.citizen.pk]))
    held = held_html(plan_page)
    assert "Karen vil gerne prøve praktik" in held and "Bekymring for helbredet" in held
    assert "No meetings booked." in plan_page.content.decode()
    thread = client.get(reverse("plans:timeline", args=[world.citizen.pk])).content.decode()
    assert "Karen vil gerne prøve praktik" in thread
    # The citizen's side and a job consultant never read the internal notes.
    consultant = english(login(world.job_consultant))
    seen = held_html(consultant.get(reverse("plans:plan", args=[world.citizen.pk])))
    assert "Karen vil gerne prøve praktik" in seen and "Bekymring for helbredet" not in seen
    report = client.get(reverse("plans:report", args=[world.citizen.pk])).content.decode()
    assert "Bekymring for helbredet" not in report


def test_a_meeting_is_not_completed_before_its_day(world, plan):
    meeting = book(world, plan)
    with pytest.raises(ValidationError) as refused:
        services.meeting_complete(
            actor=world.caseworker,
            meeting=meeting,
            expected_version=1,
            citizen_attended=True,
            notes="",
        )
    assert "date" in refused.value.message_dict
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.BOOKED


def test_a_booked_meeting_is_cancelled(world, login, plan):
    meeting = book(world, plan)
    client = login(world.caseworker)
    response = client.post(
        reverse("plans:meeting_cancel", args=[world.citizen.pk, meeting.pk]), {"version": 1}
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CANCELLED
    page = client.get(reverse("plans:plan", args=[world.citizen.pk]))
    assert 'data-testid="booked-meeting"' not in page.content.decode()
    assert selectors.next_meeting(plan, today=TODAY) is None
    # A cancelled meeting is neither changed nor completed again.
    again = client.post(
        reverse("plans:meeting_cancel", args=[world.citizen.pk, meeting.pk]), {"version": 2}
    )
    assert again.status_code == 404


def test_a_time_that_has_passed_asks_first_and_confirm_books_it(world, login, plan):
    client = english(login(world.caseworker))
    url = reverse("plans:meeting_book", args=[world.citizen.pk])
    yesterday = (TODAY - dt.timedelta(days=1)).isoformat()

    asked = client.post(url, booking_form(date=yesterday))

    assert asked.status_code == 400
    assert not Meeting.objects.exists()
    form = asked.context["meeting_booking_form"]
    assert "date" in form.errors and form.asks_confirmation
    html = asked.content.decode()
    assert "time has passed" in html and 'data-testid="book-anyway"' in html
    assert 'value="Jobcentret, lokale 2"' in html  # every value kept

    booked = client.post(url, booking_form(date=yesterday, confirm="on"))
    assert booked.status_code == 302
    assert Meeting.objects.get().date == TODAY - dt.timedelta(days=1)


def test_an_overlap_of_the_same_participant_asks_first(world, login, plan):
    # The colleague has a meeting of another citizen booked at the same time.
    other = services.plan_get_or_create(actor=world.colleague, citizen=world.teammates_citizen)
    book(world, other, actor=world.colleague, start=(10, 30), end=(11, 30))
    client = english(login(world.caseworker))
    url = reverse("plans:meeting_book", args=[world.citizen.pk])

    asked = client.post(url, booking_form(colleagues=[world.colleague.pk]))

    assert asked.status_code == 400 and Meeting.objects.filter(plan=plan).count() == 0
    html = asked.content.decode()
    assert "has another meeting booked from 10:30 to 11:30" in html
    assert world.teammates_citizen.full_name not in html  # not whose meeting it is
    # Without the colleague there is no overlap; with confirm it is booked anyway.
    assert client.post(url, booking_form()).status_code == 302
    assert (
        client.post(url, booking_form(colleagues=[world.colleague.pk], confirm="on")).status_code
        == 302
    )
    # The caseworker's own second booking at the same time asks first too.
    with pytest.raises(services.NeedsConfirmation) as asked_again:
        book(world, plan, start=(10, 45), end=(11, 15))
    assert "start_time" in asked_again.value.message_dict


def test_the_recorder_is_listed_once(world, login, plan):
    client = login(world.caseworker)
    role = code("participant_role", "employment_caseworker")
    response = client.post(
        reverse("plans:meeting_book", args=[world.citizen.pk]),
        booking_form(participant_roles=[role.pk, code("participant_role", "doctor").pk]),
    )
    assert response.status_code == 302
    people = Meeting.objects.get().participants.order_by("pk")
    assert [(p.role.code, p.user_id) for p in people] == [
        ("employment_caseworker", world.caseworker.pk),
        ("doctor", None),
    ]
    twice = book(
        world,
        plan,
        start=(13, 0),
        end=(14, 0),
        participants=[
            {"role": role, "user": world.caseworker},
            {"role": code("participant_role", "other"), "user": world.caseworker},
        ],
    )
    assert twice.participants.count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"start_time": "11:00", "end_time": "10:00"}, "end_time"), ({"kind": ""}, "kind")],
)
def test_bad_input_names_the_field_keeps_the_values_and_saves_nothing(
    world, login, plan, changes, field
):
    client = login(world.caseworker)
    response = client.post(
        reverse("plans:meeting_book", args=[world.citizen.pk]), booking_form(**changes)
    )
    assert response.status_code == 400
    form = response.context["meeting_booking_form"]
    assert list(form.errors) == [field]
    html = response.content.decode()
    assert f'href="#id_{field}"' in html  # the error summary links the field
    assert 'value="Jobcentret, lokale 2"' in html
    assert not Meeting.objects.exists()
    assert not ChangeRecord.objects.filter(model="plans.Meeting").exists()


def test_the_service_refuses_an_end_before_the_start(world, plan):
    with pytest.raises(ValidationError) as refused:
        book(world, plan, start=(11, 0), end=(10, 0))
    assert list(refused.value.message_dict) == ["end_time"]
    assert not Meeting.objects.exists()


def test_only_who_records_meetings_books_them(world, login, plan):
    url = reverse("plans:meeting_book", args=[world.citizen.pk])
    assert login(world.manager).post(url, booking_form()).status_code == 404
    assert login(world.outsider).post(url, booking_form()).status_code == 404
    # A job consultant records meetings about the job goal, as before.
    assert login(world.job_consultant).post(url, booking_form()).status_code == 302


def test_a_meeting_is_booked_changed_and_completed_through_the_api(world, client, bearer):
    headers = bearer(world.caseworker)
    body = {
        "citizen_id": world.citizen.pk,
        "kind": "follow_up",
        "status": "booked",
        "date": str(TODAY - dt.timedelta(days=2)),
        "start_time": "09:00",
        "end_time": "09:45",
        "place": "Jobcentret",
        "participants": [{"role": "doctor", "name": "Læge Hansen"}],
    }
    asked = send(client, "POST", f"{API}/meetings", body, headers)
    assert asked.status_code == 400 and fields_of(asked) == ["date"]
    assert not Meeting.objects.exists()

    booked = send(client, "POST", f"{API}/meetings", body | {"confirm": True}, headers)
    assert booked.status_code == 201, booked.content
    meeting = booked.json()
    assert (meeting["status"], meeting["start_time"], meeting["place"]) == (
        "booked",
        "09:00:00",
        "Jobcentret",
    )
    assert meeting["version"] == 1 and booked["ETag"] == '"1"'
    url = f"{API}/meetings/{meeting['id']}"

    missing = send(client, "PATCH", url, {"place": "Biblioteket"}, headers)
    assert missing.status_code == 428
    moved = send(client, "PATCH", url, {"place": "Biblioteket"}, headers, **if_match(1))
    assert moved.status_code == 200 and moved.json()["place"] == "Biblioteket"
    stale = send(client, "PATCH", url, {"place": "Rådhuset"}, headers, **if_match(1))
    assert stale.status_code == 412
    bad = send(client, "PATCH", url, {"end_time": "08:00"}, headers, **if_match(2))
    assert bad.status_code == 400 and fields_of(bad) == ["end_time"]

    done = send(
        client,
        "POST",
        f"{url}/complete",
        {"citizen_attended": False, "notes": "Udeblev", "notes_internal": False},
        headers,
        **if_match(2),
    )
    assert done.status_code == 200, done.content
    assert (done.json()["status"], done.json()["citizen_attended"]) == ("held", False)
    # A meeting recorded without a status is held, as before.
    held = send(
        client,
        "POST",
        f"{API}/meetings",
        {"citizen_id": world.citizen.pk, "kind": "follow_up", "date": str(TODAY)},
        headers,
    )
    assert held.status_code == 201 and held.json()["status"] == "held"
    cancel = send(
        client, "POST", f"{API}/meetings/{held.json()['id']}/cancel", {}, headers, **if_match(1)
    )
    assert cancel.status_code == 400 and fields_of(cancel) == ["status"]
