"""Every CSV and Excel file a person downloads says what it is, so that a forwarded file can
be read: the report's name, its filters in words, the group's size (N, "<5" where the
small-cell rule hides it) and when it was extracted; in the CSV as lines above the table,
in Excel on a sheet of its own. The analysis dataset's CSV, read by programs, has none."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from fremdrift.core.exports import about_sheet_title, csv_about, csv_table, filter_label
from fremdrift.programmes import services as programme_services
from fremdrift.reports.tests.test_case_review_tally import CASES, review
from fremdrift.reports.tests.test_dataset import PURPOSE, grant
from fremdrift.reports.tests.test_progression import record, wheel
from fremdrift.reports.views import REPORT_NAMES
from fremdrift.testing import make_citizen, make_programme

REPORTS = ["progression", "comparison", "goals", "agreement", "monitoring", "quality"]


def labels() -> dict:
    with translation.override("da"):
        return {
            "report": gettext("Report"),
            "filter": filter_label(),
            "extracted": gettext("Extracted"),
            "about": about_sheet_title(),
        }


def name_of(report: str) -> str:
    with translation.override("da"):
        return str(REPORT_NAMES[report])


def assert_says_what_it_is(about: list[list], *, name: str, size, filters=()):
    words = labels()
    assert about[0] == [words["report"], name]
    filter_rows = {row[1]: row[2] for row in about if row[0] == words["filter"] and len(row) > 2}
    for label, value in filters:
        assert filter_rows.get(label) == value, (label, filter_rows)
    size_row, extracted = about[-2], about[-1]
    assert str(size_row[1]) == str(size)
    assert extracted[0] == words["extracted"] and str(timezone.localdate().year) in extracted[1]


def sheets(response) -> dict:
    book = load_workbook(io.BytesIO(response.content))
    return {
        sheet.title: [
            [cell for cell in row if cell is not None] for row in sheet.iter_rows(values_only=True)
        ]
        for sheet in book.worksheets
    }


@pytest.mark.parametrize("report", REPORTS)
def test_every_report_file_says_what_it_is(world, login, cohort, report):
    client = login(world.manager)
    csv = client.get(reverse(f"reports:{report}"), {"format": "csv"})
    assert csv["Content-Type"].startswith("text/csv"), report
    assert csv.content.startswith(b"\xef\xbb\xbf")  # still what a Danish Excel opens
    about = csv_about(csv.content)
    # The cohort: nine enrolments of nine citizens in one programme.
    instrument = [(gettextda("Instrument"), wheel().name)]
    filters = instrument if report in ("progression", "comparison") else ()
    assert_says_what_it_is(about, name=name_of(report), size=9, filters=filters)
    assert csv_table(csv.content)[0]  # the table follows the empty line
    workbook = sheets(client.get(reverse(f"reports:{report}"), {"format": "xlsx"}))
    first, *_rest, last = workbook
    assert last == labels()["about"] and first != last
    assert_says_what_it_is(workbook[last], name=name_of(report), size=9, filters=filters)


def test_the_filters_are_written_in_words(world, login, cohort):
    client = login(world.manager)
    query = {
        "instrument": wheel().pk,
        "horizon": "latest",
        "programme": cohort.pk,
        "enrolled_from": "2026-01-01",
        "format": "csv",
    }
    about = csv_about(client.get(reverse("reports:progression"), query).content)
    with translation.override("da"):
        expected = [
            (gettext("Programme"), "Nordforløb"),
            (gettext("Started from"), "1. januar 2026"),
            (gettextda("Instrument"), wheel().name),
        ]
    assert_says_what_it_is(about, name=name_of("progression"), size=9, filters=expected)


def test_a_small_group_is_written_as_under_five(world, login, cohort):
    """A cohort of 1 to 4: the file says only that there are too few, and its size is "<5"."""
    small = make_programme(world.nord, name="Lille forløb")
    for n in range(2):
        citizen = make_citizen(world.caseworker, first_name=f"Lille{n}")
        programme_services.enrolment_create(
            actor=world.caseworker, citizen=citizen, programme=small, start_date=dt.date(2026, 1, 5)
        )
        record(world.caseworker, citizen, dt.date(2026, 1, 6), 3)
    client = login(world.manager)
    query = {"instrument": wheel().pk, "horizon": "latest", "programme": small.pk}
    csv = client.get(reverse("reports:progression"), query | {"format": "csv"})
    assert_says_what_it_is(
        csv_about(csv.content),
        name=name_of("progression"),
        size="<5",
        filters=[(gettextda("Programme"), "Lille forløb")],
    )
    workbook = sheets(client.get(reverse("reports:progression"), query | {"format": "xlsx"}))
    assert_says_what_it_is(workbook[labels()["about"]], name=name_of("progression"), size="<5")


def gettextda(msgid: str) -> str:
    with translation.override("da"):
        return gettext(msgid)


def test_the_payment_report_files_say_what_they_are(world, login):
    programme = make_programme(world.vaekst)
    programme_services.enrolment_create(
        actor=world.caseworker,
        citizen=world.citizen,
        programme=programme,
        start_date=dt.date(2026, 1, 5),
    )
    client = login(world.provider_staff)
    query = {"provider": world.vaekst.pk, "year": 2026, "quarter": 1}
    name = gettextda("Milestone payments")
    filters = [(gettextda("Provider"), world.vaekst.name), (gettextda("Quarter"), "1")]
    csv = client.get(reverse("programmes:payments"), query | {"format": "csv"})
    assert_says_what_it_is(csv_about(csv.content), name=name, size=1, filters=filters)
    workbook = sheets(client.get(reverse("programmes:payments"), query | {"format": "xlsx"}))
    assert_says_what_it_is(workbook[labels()["about"]], name=name, size=1, filters=filters)


def test_the_case_review_tally_file_says_what_it_is(world, login):
    for number, grades in enumerate(CASES):
        review(world, f"R-{number}", grades)
    csv = login(world.manager).get(reverse("reports:case_reviews"), {"export": "csv"})
    assert_says_what_it_is(csv_about(csv.content), name=gettextda("Case reviews"), size=13)
    assert csv_table(csv.content)[0][0] == gettextda("Scale")


def test_a_citizens_access_log_file_says_what_it_is(world, login):
    response = login(world.administrator).post(reverse("audit:export", args=[world.citizen.pk]))
    about = csv_about(response.content)
    assert_says_what_it_is(
        about,
        name=gettextda("Citizen's access log"),
        size=len(csv_table(response.content)) - 1,
        filters=[(gettextda("Citizen"), world.citizen.full_name)],
    )


def test_the_dataset_csv_stays_a_bare_table_and_its_workbook_says_what_it_is(
    world,
    login,
    cohort,
):
    grant(world.manager)
    client = login(world.manager)
    data = {"instrument": wheel().pk, "shape": "long", "purpose": PURPOSE}
    for file_format in ("csv", "csv_da"):
        response = client.post(reverse("reports:dataset"), data | {"file_format": file_format})
        first_line = response.content.decode("utf-8-sig").splitlines()[0]
        assert first_line.replace(";", ",").startswith("pseudonym,enrolment"), file_format
    workbook = sheets(client.post(reverse("reports:dataset"), data | {"file_format": "xlsx"}))
    data_sheet, codebook, about = workbook
    assert workbook[data_sheet][0][:2] == ["pseudonym", "enrolment"]
    assert about == labels()["about"]
    assert_says_what_it_is(
        workbook[about],
        name=name_of("dataset"),
        size=9,
        filters=[(gettextda("Instrument"), wheel().name)],
    )
