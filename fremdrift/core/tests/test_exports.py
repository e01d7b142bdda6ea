"""No spreadsheet formula from user text: every CSV and Excel file a person opens writes a text
starting with =, +, -, @, tab or carriage return as text (OWASP's CSV-injection rule)."""

import csv
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from fremdrift.core.exports import csv_response, csv_table, plain_csv_response, xlsx_response
from fremdrift.testing import make_programme

from .test_platform import ROOT

DANGEROUS = ['=HYPERLINK("http://x")', "+1+1", "-2+3+cmd|' /C calc'!A0", "@SUM(A1)", "\tx", "\rx"]
ROW = [*DANGEROUS, "almindelig tekst", -3, Decimal("-1.5"), "-2", "-1,5"]


def csv_cells(response, delimiter=";") -> list[str]:
    text = response.content.decode("utf-8-sig")
    return next(csv.reader(io.StringIO(text), delimiter=delimiter))


@pytest.mark.parametrize("writer", [csv_response, plain_csv_response])
def test_csv_writes_formula_text_as_text_and_numbers_as_numbers(writer):
    delimiter = ";" if writer is csv_response else ","
    response = (
        writer([ROW], "x.csv", about=None) if writer is csv_response else writer([ROW], "x.csv")
    )
    cells = csv_cells(response, delimiter)
    assert cells[: len(DANGEROUS)] == ["'" + text for text in DANGEROUS]
    assert cells[len(DANGEROUS)] == "almindelig tekst"
    assert cells[-4:] == (
        ["-3", "-1,5", "-2", "-1,5"] if writer is csv_response else ["-3", "-1.5", "-2", "-1,5"]
    )


def test_excel_writes_formula_text_as_string_cells():
    response = xlsx_response([ROW], "x.xlsx", title="T", extra_sheets=[("Mere", [ROW])], about=None)
    book = load_workbook(io.BytesIO(response.content))
    for sheet in book.worksheets:
        cells = next(sheet.iter_rows())
        texts = cells[: len(DANGEROUS)]
        assert [cell.data_type for cell in texts] == ["s"] * len(DANGEROUS)
        assert [cell.value for cell in texts[:4]] == DANGEROUS[:4]
        assert [cell.value for cell in cells[-4:]] == [-3, -1.5, "-2", "-1,5"]


WRITERS = re.compile(r"csv\.(writer|DictWriter)\(|\bWorkbook\(|openpyxl")
# The two modules that write spreadsheet files, both through `spreadsheet_text`.
ALLOWED = {"fremdrift/core/exports.py", "fremdrift/exchange/format.py"}


def test_every_csv_and_excel_file_is_written_through_the_escaping_writers():
    modules = [
        path
        for path in (ROOT / "fremdrift").rglob("*.py")
        if "tests" not in path.parts and ".venv" not in path.parts
    ]
    writers = {str(path.relative_to(ROOT)) for path in modules if WRITERS.search(path.read_text())}
    assert writers == ALLOWED


def test_payments_write_a_programme_name_as_text(world, login):
    make_programme(world.vaekst, name='=HYPERLINK("http://x")')
    client = login(world.provider_staff)
    query = {"provider": world.vaekst.pk, "year": 2026, "quarter": 1}
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(
                    reverse("programmes:payments"), query | {"format": "csv"}
                ).content.decode("utf-8-sig")
            ),
            delimiter=";",
        )
    )
    assert any(row and row[0] == '\'=HYPERLINK("http://x")' for row in rows), rows
    book = client.get(reverse("programmes:payments"), query | {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(book.content)).active
    names = [row[0] for row in sheet.iter_rows() if row[0].value == '=HYPERLINK("http://x")']
    assert names and all(cell.data_type == "s" for cell in names)


def test_the_access_log_export_writes_a_user_name_as_text(world, login):
    world.caseworker.first_name = "=cmd|' /C calc'!A0"
    world.caseworker.save()
    login(world.caseworker).get(reverse("citizens:detail", args=[world.citizen.pk]))
    response = login(world.administrator).post(reverse("audit:export", args=[world.citizen.pk]))
    rows = csv_table(response.content)
    assert any(row[1].startswith("'=cmd") for row in rows[1:]), rows
