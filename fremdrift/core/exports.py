"""Tables as files for people who open them in Excel: CSV that a Danish Excel reads as columns
(UTF-8 with BOM, semicolons, decimal commas) and real Excel workbooks.

A file for people says what it is (`About`), so that a forwarded file can be read: the
report's name, its filters in words, the group's size and when it was extracted. The CSV
writes these as label;value rows above the table, then one empty row; the workbook as a
sheet of its own after the table's ("Om udtrækket"). Files for programs (the analysis
dataset's CSV, the exchange package) carry no such lines."""

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.writer.excel import save_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# OWASP's CSV-injection rule: a cell starting with one of these is run as a formula by Excel
# or LibreOffice. Such text is written with a leading apostrophe, which the spreadsheet
# shows as text. A plain number ("-3", "-1,5") is not a formula and stays as it is.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?\d+([.,]\d+)?$")


def spreadsheet_text(text: str) -> str:
    """`text` as a spreadsheet cell that is never a formula."""
    if text.startswith(FORMULA_START) and not _PLAIN_NUMBER.match(text):
        return "'" + text
    return text


def reversible_spreadsheet_text(text: str) -> str:
    """Like `spreadsheet_text`, and a text that starts with an apostrophe gets one more, so
    that `spreadsheet_text_read` gives back exactly `text` (the exchange package)."""
    if text.startswith("'"):
        return "'" + text
    return spreadsheet_text(text)


def spreadsheet_text_read(cell: str) -> str:
    """The text that `reversible_spreadsheet_text` wrote as `cell`."""
    return cell[1:] if cell.startswith("'") else cell


@dataclass(frozen=True)
class About:
    """What a downloaded file says of itself. `size` is the group's size as the caller may
    show it (a number, or "<5" where the small-cell rule hides it); `size_label` says what
    it counts; `extracted` is now unless given."""

    name: str
    filters: Sequence[tuple[str, str]] = ()
    size: int | str | None = None
    size_label: str | None = None
    extracted: dt.datetime | None = field(default=None)

    def rows(self) -> list[list]:
        rows: list[list] = [[_("Report"), str(self.name)]]
        if self.filters:
            rows += [[filter_label(), str(label), str(value)] for label, value in self.filters]
        else:
            rows.append([filter_label(), _("None: the whole organisation")])
        if self.size is not None:
            rows.append([str(self.size_label or _("Citizens in the group (N)")), self.size])
        when = timezone.localtime(self.extracted or timezone.now())
        rows.append([_("Extracted"), date_format(when, "DATETIME_FORMAT")])
        return rows


def filter_label() -> str:
    """The first cell of each filter's line: a noun ("Filter"), not the button's verb."""
    return pgettext("a line of an exported file", "Filter")


def about_sheet_title() -> str:
    return _("About the extract")


def csv_table(content: bytes | str, *, about: bool = True) -> list[list[str]]:
    """The rows of the table in a CSV that `csv_response` wrote (for tests and for anyone
    reading such a file back): the byte-order mark dropped, and with `about` the lines
    that say what the file is, up to and with the empty row after them."""
    text = content.decode("utf-8") if isinstance(content, bytes) else content
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    if about:
        rows = rows[rows.index([]) + 1 :]
    return rows


def csv_about(content: bytes | str) -> list[list[str]]:
    """The lines above the table of a CSV that `csv_response` wrote with an `About`."""
    text = content.decode("utf-8") if isinstance(content, bytes) else content
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    return rows[: rows.index([])]


def _cell(value):
    """A value for a CSV cell: numbers as they are, any text never a formula."""
    if value is None:
        return ""
    if isinstance(value, (bool, int, float, Decimal)):
        return value
    return spreadsheet_text(str(value))


def _danish(value) -> str:
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, (int, float, Decimal)):
        return str(value).replace(".", ",")
    return spreadsheet_text(str(value))


def csv_text(rows: Iterable[Sequence]) -> str:
    """The CSV a Danish Excel reads as columns, with its byte-order mark: encode as UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for row in rows:
        writer.writerow([_danish(v) for v in row])
    return "\ufeff" + out.getvalue()


def csv_response(rows: Iterable[Sequence], filename: str, *, about: About | None) -> HttpResponse:
    """The CSV of `rows` for Excel, with `about`'s lines and an empty row above them (None:
    a caller that means a bare table says so)."""
    if about is not None:
        rows = [*about.rows(), [], *rows]
    response = HttpResponse(csv_text(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def plain_csv_response(rows: Iterable[Sequence], filename: str) -> HttpResponse:
    """Comma-separated, decimal points, UTF-8 without BOM: what R and Stata read by default.
    Lines end in CRLF as RFC 4180 says, so that a text holding either character is quoted."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([_cell(v) for v in row])
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
    about: About | None,
) -> HttpResponse:
    """The table's sheet, then `extra_sheets`, then `about` as a sheet of its own; row
    numbers in `bold_rows` and column numbers in `money_columns` count from 1, as in
    Excel."""
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    for number, row in enumerate(rows, start=1):
        _append(sheet, row)
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
            _append(other, row)
    if about is not None:
        sheet = book.create_sheet(about_sheet_title()[:31])
        for row in about.rows():
            _append(sheet, row)
        sheet.column_dimensions["A"].width = 28
        sheet.column_dimensions["B"].width = 40
        for cell in sheet["A"]:
            cell.font = Font(bold=True)
    out = io.BytesIO()
    save_workbook(book, out)
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _append(sheet, row: Sequence) -> None:
    """Appends `row`; a text is always a string cell, never a formula (openpyxl would make
    any text starting with '=' one)."""
    sheet.append(
        [
            float(v) if isinstance(v, Decimal) else str(v) if isinstance(v, Promise) else v
            for v in row
        ]
    )
    for cell in sheet[sheet.max_row]:
        if cell.data_type == "f":
            cell.data_type = "s"
