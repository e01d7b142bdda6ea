"""The monitoring report's coordinated clarification (seed 002: 73 % had one at the start,
with on average 1.6 experts): the share of enrolments, the mean number of experts and the
experts by role, on a hand-built cohort."""

import datetime as dt

from fremdrift.codelists.models import Code, CodeList
from fremdrift.plans.services import meeting_record, plan_get_or_create
from fremdrift.programmes import services as programme_services
from fremdrift.reports.cohort import Filters
from fremdrift.reports.monitoring import monitoring_report
from fremdrift.reports.tables import monitoring_rows
from fremdrift.testing import make_citizen, make_programme

START = dt.date.today() - dt.timedelta(days=60)


def code(code_list: str, value: str) -> int:
    return Code.objects.get(code_list=code_list, code=value).pk


def test_clarifications_are_counted_with_their_experts(world):
    """Six enrolments: three clarifications with a doctor and a psychologist, two with a
    doctor alone, and one held before the enrolment started, which does not count."""
    programme = make_programme(world.nord, name="Afklaring")
    doctor = {"role": code(CodeList.PARTICIPANT_ROLE, "doctor"), "name": "Læge L"}
    psychologist = {"role": code(CodeList.PARTICIPANT_ROLE, "psychologist"), "name": "Psykolog P"}
    for n in range(6):
        citizen = make_citizen(world.caseworker, first_name=f"Afklaring{n}")
        programme_services.enrolment_create(
            actor=world.caseworker, citizen=citizen, programme=programme, start_date=START
        )
        meeting_record(
            actor=world.caseworker,
            plan=plan_get_or_create(actor=world.caseworker, citizen=citizen),
            kind=code(CodeList.MEETING_KIND, "coordinated_clarification"),
            date=START - dt.timedelta(days=10) if n == 5 else START + dt.timedelta(days=7),
            citizen_attended=True,
            participants=[doctor, psychologist] if n < 3 else [doctor],
        )
    _curves, tables = monitoring_rows(monitoring_report(world.manager, Filters()))
    title, rows, counted = next(t for t in tables if t[0] == "Koordineret afklaring")
    assert rows[0] == ["Koordineret afklaring", "Forløb", "Andel"]
    by_label = {row[0]: row[1:] for row in rows[1:]}
    assert by_label["Med koordineret afklaring"] == [5, "83 %"]
    assert by_label["Læge"] == [5, "83 %"]
    assert by_label["Psykolog"] == ["<5", "<5"]
    assert "I gennemsnit deltog 1,6 eksperter." in counted
