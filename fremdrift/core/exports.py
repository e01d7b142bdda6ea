"""Tables as files for people who open them in Excel: CSV that a Danish Excel reads as columns
(UTF-8 with BOM, semicolons, decimal commas) and real Excel workbooks."""

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.writer.excel import save_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _danish(value) -> str:
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, (int, float, Decimal)):
        return str(value).replace(".", ",")
    return str(value)


def csv_response(rows: Iterable[Sequence], filename: str) -> HttpResponse:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for row in rows:
        writer.writerow([_danish(v) for v in row])
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def plain_csv_response(rows: Iterable[Sequence], filename: str) -> HttpResponse:
    """Comma-separated, decimal points, UTF-8 without BOM: what R and Stata read by default."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_response(
    rows: Iterable[Sequence],
    filename: str,
    *,
    title: str,
    bold_rows: set[int] = frozenset(),
    widths: Sequence[int] = (),
    money_columns: set[int] = frozenset(),
    extra_sheets: Sequence[tuple[str, Iterable[Sequence]]] = (),
) -> HttpResponse:
    """One sheet; row numbers in `bold_rows` and column numbers in `money_columns` count
    from 1, as in Excel."""
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    for number, row in enumerate(rows, start=1):
        sheet.append([float(v) if isinstance(v, Decimal) else v for v in row])
        for cell in sheet[number]:
            if number in bold_rows:
                cell.font = Font(bold=True)
            if cell.column in money_columns and isinstance(cell.value, (int, float)):
                cell.number_format = "#,##0.00"
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=column).column_letter].width = width
    for name, extra in extra_sheets:
        other = book.create_sheet(name[:31])
        for row in extra:
            other.append(list(row))
    out = io.BytesIO()
    save_workbook(book, out)
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
