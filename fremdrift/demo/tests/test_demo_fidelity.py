from django.core.management import call_command

from fremdrift.accounts.models import User
from fremdrift.instruments.models import Instrument
from fremdrift.programmes.models import FidelityAssessment
from fremdrift.reports.cohort import Filters
from fremdrift.reports.surveys import fidelity_report, survey_report, survey_rounds


def test_the_demos_surveys_and_fidelity_show_units_and_rounds(db, capsys):
    call_command("seed_demo", allow_production=True)
    capsys.readouterr()
    manager = User.objects.get(username="analytiker")
    assert FidelityAssessment.objects.values("unit").distinct().count() == 2
    rows, units = fidelity_report(
        manager, Filters(), instrument=Instrument.objects.get(code="fidelity")
    )
    assert sorted(units) == ["Job & Trivsel ApS", "Vækstværkstedet"]
    assert all(row.units == 2 and row.mean is not None for row in rows)
    assert survey_rounds(manager) == [1, 2]
    survey = Instrument.objects.get(code="citizen_survey")
    for number in (1, 2):
        shown = survey_report(manager, Filters(), instrument=survey, round=number)
        assert any(not d.suppressed for d in shown)
