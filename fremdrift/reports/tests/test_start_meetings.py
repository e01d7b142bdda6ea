"""The monitoring report's start meetings by who took part (seed 004's table): each role
counted once per meeting it attended, as a share of the start meetings held."""

import datetime as dt

from fremdrift.codelists.models import Code, CodeList
from fremdrift.plans.services import meeting_record, plan_get_or_create
from fremdrift.programmes import services as programme_services
from fremdrift.reports.cohort import Filters
from fremdrift.reports.monitoring import monitoring_report
from fremdrift.reports.tables import monitoring_rows
from fremdrift.testing import make_citizen, make_programme

HELD = dt.date.today() - dt.timedelta(days=20)


def role(code: str) -> Code:
    return Code.objects.get(code_list=CodeList.PARTICIPANT_ROLE, code=code)


def test_each_role_counts_the_start_meetings_it_attended(world):
    """Six start meetings: a CTI worker at all six (two of them at one), a social caseworker
    at five, a doctor at two. Counting distinct roles once each gave '<5' for every role."""
    programme = make_programme(world.nord, name="Startmøder")
    start_meeting = Code.objects.get(code_list=CodeList.MEETING_KIND, code="start_meeting")
    for n in range(6):
        citizen = make_citizen(world.caseworker, first_name=f"Start{n}")
        programme_services.enrolment_create(
            actor=world.caseworker, citizen=citizen, programme=programme, start_date=HELD
        )
        participants = [{"role": role("cti_worker").pk, "name": "CTI A"}]
        if n == 0:
            participants.append({"role": role("cti_worker").pk, "name": "CTI B"})
        if n < 5:
            participants.append({"role": role("social_caseworker").pk, "name": "Rådgiver"})
        if n < 2:
            participants.append({"role": role("doctor").pk, "name": "Læge"})
        meeting_record(
            actor=world.caseworker,
            plan=plan_get_or_create(actor=world.caseworker, citizen=citizen),
            kind=start_meeting.pk,
            date=HELD,
            citizen_attended=n != 5,
            participants=participants,
        )
    _curves, tables = monitoring_rows(monitoring_report(world.manager, Filters()))
    rows = next(rows for title, rows, _c in tables if title == "Opstartsmøder efter deltagere")
    assert rows[0] == ["Deltager", "Opstartsmøder", "Andel"]
    by_label = {row[0]: row[1:] for row in rows[1:]}
    assert by_label["Afholdte opstartsmøder"] == [6, "100 %"]
    assert by_label["Borgeren mødte op"] == [5, "83 %"]
    assert by_label["CTI-medarbejder"] == [6, "100 %"]
    assert by_label["Socialrådgiver"] == [5, "83 %"]
    assert by_label["Læge"] == ["<5", "<5"]
