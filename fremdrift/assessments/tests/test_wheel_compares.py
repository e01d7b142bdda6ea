"""The wheel says what it compares: "Forrige" beside "Seneste" with dates, readings chosen by
the user, an old assessment opened to read with "Ret", a second assessment on the same day
asked about first, and the citizen report's "i dag" only for today's reading."""

import datetime as dt
import re
import uuid

from django.urls import reverse

from fremdrift.assessments import services
from fremdrift.assessments.models import Assessment
from fremdrift.assessments.services import AnswerInput
from fremdrift.codelists.models import Code
from fremdrift.instruments.models import Instrument
from fremdrift.plans import services as plan_services
from fremdrift.plans.models import Meeting

TODAY = dt.date.today()


def _version():
    return Instrument.objects.get(code="adult_wheel").versions.get(status="published")


def _reading(world, day, value=5, citizen=None):
    return services.assessment_record(
        actor=world.caseworker,
        citizen=citizen or world.citizen,
        version=_version(),
        date=day,
        respondent="joint",
        status="completed",
        answers={"health_for_work": AnswerInput(value=value)},
    )


def _series_labels(html: str) -> list[str]:
    return re.findall(r'data-series="[a-z]+"[^>]*aria-label="([^"]+)"', html) or re.findall(
        r"<title>([^<]+)</title>", html
    )


def _panel(client, world, query=""):
    return client.get(f"/citizens/{world.citizen.pk}/?instrument=adult_wheel{query}")


def test_the_wheel_names_the_previous_reading_with_its_date(world, login):
    for days_ago, value in ((90, 3), (60, 4), (30, 5), (10, 7)):
        _reading(world, TODAY - dt.timedelta(days=days_ago), value)
    client = login(world.caseworker)
    svg = client.get(
        reverse("assessments:wheel", args=[world.citizen.pk]) + "?instrument=adult_wheel"
    ).content.decode()
    labels = re.findall(
        r"<text[^>]*>((?:Første gang|Forrige|Seneste|Sidste gang)[^<]*)</text>", svg
    )

    def day(days_ago: int) -> str:
        return (TODAY - dt.timedelta(days=days_ago)).strftime("%d.%m.%Y")

    assert labels == [f"Første gang, {day(90)}", f"Forrige, {day(30)}", f"Seneste, {day(10)}"]


def test_the_user_chooses_the_readings_to_compare(world, login):
    readings = [
        _reading(world, TODAY - dt.timedelta(days=d), v)
        for d, v in ((90, 2), (60, 4), (30, 6), (10, 8))
    ]
    client = login(world.caseworker)
    usual = _panel(client, world).content.decode()
    # By default: the first, the previous and the newest; the form lists every reading.
    assert len(re.findall(r'name="assessments" value="\d+"', usual)) == 4
    assert len(re.findall(r'name="assessments" value="\d+"\s*checked', usual)) == 3
    assert f'value="{readings[1].pk}" checked' not in usual

    chosen = _panel(
        client, world, f"&assessments={readings[0].pk}&assessments={readings[1].pk}"
    ).content.decode()
    wheel = chosen.split('data-testid="wheel"')[1].split("</svg>")[0]
    assert len(re.findall(r'data-series="(?:first|previous|newest|other)"', wheel)) == 2
    assert f'value="{readings[1].pk}" checked' in chosen
    assert f'value="{readings[3].pk}" checked' not in chosen
    # The image link carries the choice.
    assert f"assessments={readings[0].pk},{readings[1].pk}" in chosen

    # Another citizen's assessment is not this one's: the usual wheel.
    foreign = _reading(world, TODAY - dt.timedelta(days=5), 3, citizen=world.teammates_citizen)
    other = _panel(client, world, f"&assessments={foreign.pk}").content.decode()
    assert len(re.findall(r'name="assessments" value="\d+"\s*checked', other)) == 3


def test_more_than_four_chosen_says_so_and_shows_the_newest_four(world, login):
    readings = [_reading(world, TODAY - dt.timedelta(days=10 * d), d) for d in range(1, 7)]
    client = login(world.caseworker)
    query = "".join(f"&assessments={r.pk}" for r in readings)
    html = _panel(client, world, query).content.decode()
    assert 'data-testid="too-many-chosen"' in html
    assert len(re.findall(r'name="assessments" value="\d+"\s*checked', html)) == 4
    newest_four = sorted(readings, key=lambda r: r.date)[-4:]
    for reading in newest_four:
        assert f'value="{reading.pk}" checked' in html


def test_an_old_assessment_opens_to_read_with_a_correct_button(world, login):
    old = _reading(world, TODAY - dt.timedelta(days=40), 4)
    client = login(world.caseworker)
    url = reverse("assessments:edit", args=[world.citizen.pk, old.pk])
    read = client.get(url).content.decode()
    assert 'data-testid="correct-assessment"' in read
    assert 'data-testid="save-assessment"' not in read
    assert re.search(r'name="item_health_for_work" value="4" checked disabled', read)
    assert re.search(r'<input[^>]*name="date"[^>]*disabled', read)

    editing = client.get(url + "?edit=1").content.decode()
    assert 'data-testid="save-assessment"' in editing
    assert 'data-testid="correct-assessment"' not in editing
    assert not re.search(r'name="item_health_for_work" value="4" checked disabled', editing)

    # Who may not correct reads it without the button.
    reader = login(world.job_consultant).get(url).content.decode()
    assert 'data-testid="correct-assessment"' not in reader


def test_a_second_assessment_on_the_same_day_asks_first(world, login):
    first = _reading(world, TODAY, 4)
    client = login(world.caseworker)
    url = reverse("assessments:create", args=[world.citizen.pk]) + "?instrument=adult_wheel"
    answers = {f"item_{item.code}": "6" for item in _version().items.all() if item.is_ordinal}
    post = {
        "instrument": "adult_wheel",
        "date": TODAY.isoformat(),
        "respondent": "joint",
        "creation_token": str(uuid.uuid4()),
        **answers,
    }
    asked = client.post(url, post)
    html = asked.content.decode()
    assert 'data-testid="same-day"' in html
    assert reverse("assessments:edit", args=[world.citizen.pk, first.pk]) in html
    # Everything typed is kept, nothing saved.
    assert re.search(r'name="item_health_for_work" value="6" checked', html)
    assert f'value="{TODAY.isoformat()}"' in html
    assert Assessment.objects.filter(citizen=world.citizen).count() == 1

    saved = client.post(url, {**post, "same_day": "confirm"})
    assert saved.status_code == 302
    assert Assessment.objects.filter(citizen=world.citizen).count() == 2

    # Another day does not ask.
    other_day = {**post, "date": (TODAY - dt.timedelta(days=1)).isoformat()}
    other_day["creation_token"] = str(uuid.uuid4())
    assert client.post(url, other_day).status_code == 302


def test_the_citizen_report_says_today_only_for_todays_reading(world, login):
    _reading(world, TODAY - dt.timedelta(days=60), 3)
    _reading(world, TODAY - dt.timedelta(days=20), 5)
    client = login(world.caseworker)
    url = reverse("plans:report", args=[world.citizen.pk])
    client.cookies["django_language"] = "en"
    html = client.get(url).content.decode()
    caption = re.search(r'data-testid="wheel-caption">([^<]+)<', html).group(1)
    assert "today" not in caption
    assert "the first time" in caption

    _reading(world, TODAY, 7)
    client.cookies["django_language"] = "en"
    html = client.get(url).content.decode()
    caption = re.search(r'data-testid="wheel-caption">([^<]+)<', html).group(1)
    assert caption.startswith("The wheel shows your answers today, the time before, ")


def test_the_citizen_report_shows_what_comes_next_and_who_to_call(world, login):
    world.caseworker.first_name, world.caseworker.last_name = "Signe", "Sagsbehandler"
    world.caseworker.email = "signe@nord.example"
    world.caseworker.save()
    plan = plan_services.plan_get_or_create(actor=world.caseworker, citizen=world.citizen)
    kind = Code.objects.filter(code_list="meeting_kind").first()
    plan_services.meeting_record(
        actor=world.caseworker,
        plan=plan,
        kind=kind,
        date=TODAY - dt.timedelta(days=3),
        citizen_attended=True,
        notes="",
        notes_internal=True,
        participants=[],
    )
    services.follow_start(
        actor=world.caseworker,
        citizen=world.citizen,
        instrument=Instrument.objects.get(code="adult_wheel"),
        start_date=TODAY + dt.timedelta(days=5),
        every_days=14,
    )
    client = login(world.caseworker)
    client.cookies["django_language"] = "en"
    url = reverse("plans:report", args=[world.citizen.pk])
    html = client.get(url).content.decode()
    meeting = re.search(r'data-testid="next-meeting">(.+?)</li>', html).group(1)
    assert "none booked yet" in meeting  # the held meeting is not ahead
    assessment = re.search(r'data-testid="next-assessment">(.+?)</li>', html).group(1)
    assert str((TODAY + dt.timedelta(days=5)).day) in assessment
    contact = re.search(r'data-testid="caseworker-contact">(.+?)</li>', html).group(1)
    assert "Signe Sagsbehandler" in contact and "signe@nord.example" in contact
    assert Meeting.objects.filter(plan=plan).count() == 1
    # A meeting booked ahead is the next one: its day, time and place.
    ahead = TODAY + dt.timedelta(days=8)
    plan_services.meeting_book(
        actor=world.caseworker,
        plan=plan,
        kind=kind,
        date=ahead,
        start_time=dt.time(13, 30),
        end_time=dt.time(14, 15),
        place="Jobcentret, Torvet 1",
        participants=[],
    )
    html = client.get(url).content.decode()
    meeting = re.search(r'data-testid="next-meeting">(.+?)</li>', html).group(1)
    assert f"{ahead.day} {ahead:%b %Y}" in meeting
    assert "13:30" in meeting and "Jobcentret, Torvet 1" in meeting
