"""The monitoring report's aftercare (seed 002: every second citizen who left for a job or
education got "efterværn"): of the exits to a job or education, those with an aftercare
activity that started within three months, on a hand-built cohort."""

import datetime as dt

from fremdrift.codelists.models import Code, CodeList
from fremdrift.plans.services import activity_create, plan_get_or_create
from fremdrift.programmes import services as programme_services
from fremdrift.reports.cohort import Filters
from fremdrift.reports.monitoring import monitoring_report
from fremdrift.reports.tables import monitoring_rows
from fremdrift.testing import make_citizen, make_programme

TODAY = dt.date.today()
START = TODAY - dt.timedelta(days=400)
EXIT = TODAY - dt.timedelta(days=200)


def test_exits_to_work_are_counted_with_their_aftercare(world):
    """Six exits to a job: five with aftercare a week later, one whose only aftercare started
    four months later, which does not count."""
    programme = make_programme(world.nord, name="Efterværn")
    job = Code.objects.get(code_list=CodeList.EXIT_REASON, code="job")
    employment = Code.objects.get(code_list=CodeList.ACTIVITY_SECTOR, code="employment")
    aftercare = Code.objects.get(code_list=CodeList.ACTIVITY_TYPE, code="aftercare")
    for n in range(6):
        citizen = make_citizen(world.caseworker, first_name=f"Job{n}")
        enrolment = programme_services.enrolment_create(
            actor=world.caseworker, citizen=citizen, programme=programme, start_date=START
        )
        programme_services.enrolment_correct(
            actor=world.caseworker,
            enrolment=enrolment,
            start_date=START,
            end_date=EXIT,
            exit_reason=job,
        )
        activity_create(
            actor=world.caseworker,
            plan=plan_get_or_create(actor=world.caseworker, citizen=citizen),
            sector=employment,
            kind=aftercare,
            purpose="Støtte i de første uger i job",
            start_date=EXIT + dt.timedelta(days=120 if n == 5 else 7),
        )
    _curves, tables = monitoring_rows(monitoring_report(world.manager, Filters()))
    title, rows, _counted = next(
        t for t in tables if t[0] == "Efterværn efter afgang til job eller uddannelse"
    )
    by_label = {row[0]: row[1:] for row in rows[1:]}
    assert by_label["Afgange til job eller uddannelse"] == [6, "100 %"]
    assert by_label["Med efterværn"] == [5, "83 %"]
