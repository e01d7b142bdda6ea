"""The analysis dataset: its own permission, a purpose, the access log, pseudonyms that hold
within an export and change between exports, long and wide shapes, nothing that names."""

import csv
import io

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from openpyxl import load_workbook

from fremdrift.audit.models import AccessLogEntry
from fremdrift.reports.tests.test_progression import CODES, wheel

PURPOSE = "Evaluering af Nordforløb 2026"


def grant(user):
    user.user_permissions.add(Permission.objects.get(codename="export_dataset"))


def export(client, **extra):
    data = {
        "instrument": wheel().pk,
        "shape": "long",
        "file_format": "csv",
        "purpose": PURPOSE,
    } | extra
    return client.post(reverse("reports:dataset"), data)


def rows_of(response):
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_the_export_needs_its_own_permission(world, login, cohort):
    client = login(world.manager)
    page = client.get(reverse("reports:dataset")).content.decode()
    assert 'data-testid="no-permission"' in page
    assert export(client).status_code == 403
    assert not AccessLogEntry.objects.filter(action="export").exists()


def test_long_export_with_pseudonyms_and_the_access_log(world, login, cohort):
    grant(world.manager)
    client = login(world.manager)
    response = export(client)
    assert response.status_code == 200
    header, *rows = rows_of(response)
    assert header[:3] == ["pseudonym", "enrolment", "programme"]
    # 8 citizens × 3 assessments in the enrolment × 8 items, and the dropout's baseline.
    assert len(rows) == 8 * 3 * 8 + 8
    text = response.content.decode()
    assert "Deltager" not in text and "Frafalden" not in text and "2026-" not in text
    assert {row[0] for row in rows} == {f"P{n:05d}" for n in range(1, 10)}
    entry = AccessLogEntry.objects.get(action="export", user=world.manager)
    assert entry.purpose == PURPOSE and entry.subjects.count() == 9
    # A second export numbers the citizens differently (with overwhelming probability: the
    # chance of the same order of nine is 1 in 362,880).
    again = rows_of(export(client))[1:]
    item = header.index("item")
    first_person = {row[0]: row[7:] for row in rows if row[item] == "health_for_work"}
    second_person = {row[0]: row[7:] for row in again if row[item] == "health_for_work"}
    assert first_person != second_person


def test_wide_export_has_one_column_per_item(world, login, cohort):
    grant(world.manager)
    response = export(login(world.manager), shape="wide", file_format="xlsx")
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    assert header[-8:] == CODES and header[7] == "day"
    assert sheet.max_row == 1 + 8 * 3 + 1
    assert book.worksheets[1].title == "Kodebog"


def test_a_missing_purpose_names_the_field_and_exports_nothing(world, login, cohort):
    grant(world.manager)
    response = export(login(world.manager), purpose="")
    assert response.status_code == 400 and 'id="id_purpose-error"' in response.content.decode()
    assert not AccessLogEntry.objects.filter(action="export").exists()


@pytest.mark.parametrize("role", ["caseworker", "administrator", "provider_staff"])
def test_it_checks_ownership(world, login, role):
    user = getattr(world, role)
    grant(user)
    client = login(user)
    assert client.get(reverse("reports:dataset")).status_code == 404
    assert export(client).status_code == 404
