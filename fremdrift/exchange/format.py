"""The exchange package: a folder or ZIP of CSV files with a manifest (docs/exchange-format.md).

This module knows the files, their columns and how to read them as Danish Excel writes them:
UTF-8 with or without a byte-order mark, or Windows-1252; semicolon or comma; decimal comma;
dates as 2024-03-01 or 01-03-2024. It reads and writes; it does not touch the database.
"""

import codecs
import csv
import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TextIO

from django.utils.translation import gettext as _

from fremdrift.core.exports import reversible_spreadsheet_text, spreadsheet_text_read

FORMAT = "fremdrift-exchange"
FORMAT_VERSION = 2  # written; every version in READ_VERSIONS is read
READ_VERSIONS = (1, 2)
MANIFEST = "manifest.json"
# An unpacked package larger than this is refused before it is read (a ZIP bomb, a wrong file).
MAX_UNPACKED_BYTES = 8 * 1024**3
# A file that unpacks to more than this many times its packed size, past the first 10 MB, is a
# ZIP bomb: real CSV files pack 5 to 20 times.
MAX_EXPANSION = 100
EXPANSION_FREE_BYTES = 10 * 1024**2
# The longest line read, in characters: far above any real row, far below the memory it costs.
MAX_LINE_CHARS = 1_000_000


@dataclass(frozen=True)
class FileSpec:
    name: str
    columns: tuple[str, ...]
    required: tuple[str, ...]


# Version 2: the organisations and staff a package names, so that it imports where they are
# not yet set up. Passwords are never carried.
ORGANISATIONS = FileSpec("organisations.csv", ("name", "kind", "active"), ("name", "kind"))
STAFF = FileSpec(
    "staff.csv",
    ("username", "first_name", "last_name", "email", "organisation", "role", "active"),
    ("username", "organisation", "role"),
)
# An organisation's own codes beside the installation's defaults, so that the rows after them
# may name them.
CODES = FileSpec(
    "codes.csv",
    (
        "organisation",
        "code_list",
        "code",
        "parent",
        "label_da",
        "label_en",
        "sort_order",
        "active",
    ),
    ("code_list", "code", "label_da", "label_en"),
)
PROGRAMMES = FileSpec(
    "programmes.csv",
    (
        "id",
        "organisation",
        "name",
        "description",
        "target_group",
        "start_date",
        "end_date",
        "capacity",
        "price",
    ),
    ("id", "organisation", "name", "start_date"),
)
CITIZENS = FileSpec(
    "citizens.csv",
    (
        "id",
        "cpr",
        "first_name",
        "last_name",
        "target_group",
        "organisation",
        "caseworker",
        "birth_date",  # version 2: with `sex`, instead of a CPR number that cannot be used
        "sex",
    ),
    ("id", "first_name", "last_name", "target_group", "organisation", "caseworker"),
)
SEXES = ("female", "male")
ENROLMENTS = FileSpec(
    "enrolments.csv",
    (
        "id",
        "citizen",
        "programme",
        "start_date",
        "end_date",
        "exit_reason",
        "exit_note",
        # The assessment (of the participant profile) that is the enrolment's profile; it is
        # read after assessments.csv.
        "profile_assessment",
    ),
    ("id", "citizen", "programme", "start_date"),
)
ASSESSMENTS = FileSpec(
    "assessments.csv",
    (
        "assessment",
        "citizen",
        "instrument",
        "version",
        "date",
        "respondent",
        "status",
        "item",
        "value",
        "dont_know",
        "not_relevant",
        "comment",
        "codes",  # the chosen codes of a list item ("choice", "choices"), separated by "|"
    ),
    ("assessment", "citizen", "instrument", "version", "date", "respondent", "status", "item"),
)
PROGRAMME_INSTRUMENTS = FileSpec(
    "programme_instruments.csv",
    ("programme", "instrument", "interval_days"),
    ("programme", "instrument", "interval_days"),
)
MILESTONES = FileSpec(
    "milestones.csv",
    ("programme", "code", "label", "share", "rule"),
    ("programme", "code", "label", "share"),
)
REFERRALS = FileSpec(
    "referrals.csv",
    (
        "id",
        "citizen",
        "provider",
        "programme",
        "instrument",
        "start_date",
        "end_date",
        "interval_days",
        "status",
        "starting_assessment",
        "focus_items",
    ),
    ("id", "citizen", "start_date"),
)
PLANS = FileSpec("plans.csv", ("citizen", "own_effort", "citizen_comments", "made"), ("citizen",))
# Goal Attainment Scaling: a goal's five levels described in words, -2 to +2 (version 2).
GAS_COLUMNS = {
    "gas_minus_2": "-2",
    "gas_minus_1": "-1",
    "gas_0": "0",
    "gas_plus_1": "1",
    "gas_plus_2": "2",
}
GOALS = FileSpec(
    "goals.csv",
    (
        "id",
        "citizen",
        "end_goal",
        "text",
        "category",
        "supported_by",
        "target_date",
        "created",
        *GAS_COLUMNS,
        "gas_baseline",
        "level",  # version 2: "end" or "sub"; empty, a goal with no end_goal is an end goal
    ),
    ("id", "citizen", "text", "created"),
)
GOAL_EVENTS = FileSpec(
    "goal_events.csv",
    (
        "id",
        "goal",
        "date",
        "reason",
        "note",
        "text",
        "status",
        "target_date",
        "category",
        "supported_by",
        "gas_level",
    ),
    ("id", "goal", "date", "reason"),
)
ACTIVITIES = FileSpec(
    "activities.csv",
    (
        "id",
        "citizen",
        "sector",
        "kind",
        "purpose",
        "goals",
        "delivered_by",
        "start_date",
        "end_date",
        "weekly_hours",
        "company_mentor",
        "result",
        "next_step",
        # The company of a placement (companies.csv or the register) and its company mentor,
        # a contact person of that company (company_contacts.csv).
        "company_cvr",
        "mentor_contact",
    ),
    ("id", "citizen", "sector", "kind", "purpose", "start_date"),
)
# A meeting is held unless `status` says booked (ahead, with its start) or cancelled; the
# time and place are optional columns (a package without them reads as before).
MEETINGS = FileSpec(
    "meetings.csv",
    (
        "id",
        "citizen",
        "kind",
        "date",
        "citizen_attended",
        "notes",
        "notes_internal",
        "status",
        "start_time",
        "end_time",
        "place",
    ),
    ("id", "citizen", "kind", "date"),
)
MEETING_STATUSES = ("held", "booked", "cancelled")
PARTICIPANTS = FileSpec(
    "meeting_participants.csv", ("meeting", "role", "user", "name"), ("meeting", "role")
)
MENTORS = FileSpec(
    "mentors.csv",
    ("id", "citizen", "kind", "name", "user", "start_date", "end_date", "tasks"),
    ("id", "citizen", "kind", "start_date"),
)
# Version 2: who does what in the plan, a person in a role and their task.
PLAN_ROLES = FileSpec(
    "plan_roles.csv",
    ("id", "citizen", "role", "user", "name", "task"),
    ("id", "citizen", "role", "task"),
)
# The company register: companies by their CVR number, their contact persons and open
# positions; positions suggested to citizens; and cases shared with another authority.
COMPANIES = FileSpec(
    "companies.csv",
    ("cvr", "name", "address", "size_band", "line_of_business", "notes", "retired"),
    ("cvr", "name"),
)
COMPANY_CONTACTS = FileSpec(
    "company_contacts.csv",
    ("id", "company_cvr", "name", "role", "email", "phone"),
    ("id", "company_cvr", "name"),
)
VACANCIES = FileSpec(
    "vacancies.csv",
    ("id", "company_cvr", "title", "weekly_hours", "from_date", "open"),
    ("id", "company_cvr", "title", "from_date"),
)
VACANCY_SUGGESTIONS = FileSpec(
    "vacancy_suggestions.csv",
    ("id", "citizen", "vacancy", "suggested_on", "outcome"),
    ("id", "citizen", "vacancy", "suggested_on"),
)
CASE_SHARES = FileSpec(
    "case_shares.csv",
    ("id", "citizen", "shared_with", "purpose", "start_date", "end_date", "ended_at"),
    ("id", "citizen", "shared_with", "purpose", "start_date"),
)
GOAL_LEVELS = ("end", "sub")
# In the order they are read and written: a row refers only to files before its own (the
# instruments and milestones of programmes, and the participants of meetings, are read with
# the rows they belong to).
FILES = (
    ORGANISATIONS,
    STAFF,
    CODES,
    COMPANIES,
    COMPANY_CONTACTS,
    VACANCIES,
    PROGRAMMES,
    PROGRAMME_INSTRUMENTS,
    MILESTONES,
    CITIZENS,
    ENROLMENTS,
    ASSESSMENTS,
    REFERRALS,
    PLANS,
    GOALS,
    GOAL_EVENTS,
    ACTIVITIES,
    PARTICIPANTS,
    MEETINGS,
    MENTORS,
    PLAN_ROLES,
    VACANCY_SUGGESTIONS,
    CASE_SHARES,
)
LIST_SEPARATOR = "|"


def split_list(text: str) -> list[str]:
    """The codes or ids of a list column, such as `G-2|G-3`."""
    return [part.strip() for part in text.split(LIST_SEPARATOR) if part.strip()]


class PackageUnreadable(Exception):
    """The package as a whole cannot be read: not a ZIP or folder, no manifest, too large."""


@dataclass(frozen=True, order=True)
class PackageError:
    """One problem in a package, where a person can find it in the file."""

    file: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line:
            where += _(", line %(line)d") % {"line": self.line}
        if self.column:
            where += _(", column %(column)s") % {"column": self.column}
        return f"{where}: {self.message}"


def library_problem(error: BaseException) -> str:
    """A library's error (zipfile, json, the file system) in the user's language: the
    English text of a library never reaches the page ("File is not a zip file")."""
    text = str(error).lower()
    if isinstance(error, zipfile.BadZipFile):
        if "not a zip file" in text:
            return _("the file is not a ZIP file")
        if "crc" in text:
            return _("a file in it is damaged: its checksum does not match")
        if "truncated" in text or "overlapped" in text:
            return _("the ZIP file is cut short or damaged")
        return _("the ZIP file is damaged")
    if isinstance(error, EOFError):
        return _("the ZIP file is cut short or damaged")
    if isinstance(error, csv.Error):
        if "nul" in text:
            return _("it holds a NUL character")
        if "field limit" in text:
            return _("a field is too long")
        if "new-line" in text or "newline" in text:
            return _("a line break inside a field that is not in quotes")
        return _("the quotes do not match")
    if isinstance(error, json.JSONDecodeError):
        return _("it is not valid JSON (line %(line)d, column %(column)d)") % {
            "line": error.lineno,
            "column": error.colno,
        }
    if isinstance(error, UnicodeDecodeError):
        return _("it is not UTF-8 text")
    if isinstance(error, FileNotFoundError):
        return _("the file is not there")
    if isinstance(error, PermissionError):
        return _("the file may not be read")
    return _("the file cannot be read")


class Package:
    """A package on disk, a folder or a ZIP file, read file by file as bytes."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self._zip: zipfile.ZipFile | None = None
        self._prefix = ""
        if self.path.is_dir():
            return
        try:
            self._zip = zipfile.ZipFile(self.path)
        except (zipfile.BadZipFile, OSError) as error:
            raise PackageUnreadable(
                _("The package is neither a folder nor a readable ZIP file (%(error)s).")
                % {"error": library_problem(error)}
            ) from None
        infos = self._zip.infolist()
        if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
            raise PackageUnreadable(_("The unpacked package is larger than 8 GB."))
        for info in infos:
            packed = max(info.compress_size, 1)
            if info.file_size > EXPANSION_FREE_BYTES and info.file_size > MAX_EXPANSION * packed:
                raise PackageUnreadable(
                    _(
                        "%(file)s unpacks to %(times)d times its packed size, which no real "
                        "file does; the package is not read."
                    )
                    % {"file": info.filename, "times": info.file_size // packed}
                )
        # A ZIP of a folder holds its files under the folder's name.
        manifests = [i.filename for i in infos if i.filename.rsplit("/", 1)[-1] == MANIFEST]
        if len(manifests) == 1:
            self._prefix = manifests[0][: -len(MANIFEST)]

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()

    def exists(self, name: str) -> bool:
        if self._zip is None:
            return (self.path / name).is_file()
        try:
            self._zip.getinfo(self._prefix + name)
        except KeyError:
            return False
        return True

    def open(self, name: str) -> io.BufferedIOBase:
        if self._zip is None:
            return open(self.path / name, "rb")  # noqa: SIM115 - the caller closes it
        return self._zip.open(self._prefix + name)

    def manifest(self) -> dict:
        if not self.exists(MANIFEST):
            raise PackageUnreadable(_("The package has no manifest.json."))
        try:
            with self.open(MANIFEST) as raw:
                manifest = json.loads(raw.read(1024 * 1024).decode("utf-8-sig"))
        except (ValueError, zipfile.BadZipFile, EOFError, OSError) as error:
            raise PackageUnreadable(
                _("manifest.json cannot be read (%(error)s).") % {"error": library_problem(error)}
            ) from None
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise PackageUnreadable(
                _('manifest.json must say "format": "%(format)s".') % {"format": FORMAT}
            )
        if manifest.get("version") not in READ_VERSIONS:
            raise PackageUnreadable(
                _("This is version %(version)s of the format; Fremdrift reads versions %(ours)s.")
                % {
                    "version": manifest.get("version"),
                    "ours": ", ".join(str(v) for v in READ_VERSIONS),
                }
            )
        system = manifest.get("source_system")
        if not isinstance(system, str) or not 1 <= len(system.strip()) <= 60:
            raise PackageUnreadable(
                _("manifest.json must name the source_system (1 to 60 characters).")
            )
        return manifest


def detect_encoding(raw: io.BufferedIOBase) -> str:
    """'utf-8-sig' when the bytes are UTF-8 (with or without a byte-order mark), else
    'cp1252', as Danish Excel saves 'CSV (semikolonsepareret)'. Reads in chunks."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    first = raw.read(2)
    if first in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return "utf-16"
    try:
        decoder.decode(first)
        while chunk := raw.read(1024 * 1024):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8-sig"


@dataclass
class Row:
    line: int
    values: dict[str, str]


class Table:
    """The rows of one CSV file of a package, as dicts of stripped strings, with the line each
    ends on. Problems with the file's shape go to `errors`; reading stops at a malformed line."""

    def __init__(self, package: Package, spec: FileSpec):
        self.package = package
        self.spec = spec
        self.errors: list[PackageError] = []

    def _error(self, line: int, column: str, message: str) -> None:
        self.errors.append(PackageError(self.spec.name, line, column, message))

    def rows(self) -> Iterator[Row]:
        name = self.spec.name
        try:
            with self.package.open(name) as raw:
                encoding = detect_encoding(raw)
            if encoding == "utf-16":
                self._error(
                    0,
                    "",
                    _(
                        "The file is saved as Unicode (UTF-16). Save it from Excel as 'CSV UTF-8' "
                        "or 'CSV (semikolonsepareret)'."
                    ),
                )
                return
            with self.package.open(name) as raw:
                text = io.TextIOWrapper(raw, encoding=encoding, newline="")
                yield from self._rows(text)
        except UnicodeDecodeError as error:
            self._error(
                0,
                "",
                _(
                    "The file is neither UTF-8 nor Windows-1252 (byte %(byte)s cannot be read). "
                    "Save it from Excel as 'CSV UTF-8'."
                )
                % {"byte": hex(error.object[error.start])},
            )
        except (zipfile.BadZipFile, EOFError, OSError) as error:
            self._error(
                0,
                "",
                _("The file cannot be read from the package (%(error)s).")
                % {"error": library_problem(error)},
            )

    def _lines(self, text: io.TextIOWrapper) -> Iterator[str]:
        """The file's lines, each read with a bound, so that a line of a gigabyte costs no
        more memory than one of a megabyte; reading stops at one that is too long."""
        number = 0
        while line := text.readline(MAX_LINE_CHARS + 1):
            number += 1
            if len(line) > MAX_LINE_CHARS:
                self._error(
                    number,
                    "",
                    _(
                        "The line is longer than %(limit)d characters; the rest of the file "
                        "was not read."
                    )
                    % {"limit": MAX_LINE_CHARS},
                )
                return
            yield line

    def _rows(self, text: io.TextIOWrapper) -> Iterator[Row]:
        lines = self._lines(text)
        first = next(lines, "")
        if not first.strip():
            self._error(1, "", _("The file is empty; the first line must name the columns."))
            return
        delimiter = ";" if first.count(";") >= first.count(",") else ","
        reader = csv.reader(_chain(first, lines), delimiter=delimiter, quotechar='"', strict=True)
        try:
            header = [h.strip().lower() for h in next(reader)]
            unknown = [h for h in header if h not in self.spec.columns]
            for column in unknown:
                self._error(1, column, _("Unknown column."))
            for column in self.spec.required:
                if column not in header:
                    self._error(1, column, _("The column is missing."))
            if len(set(header)) != len(header):
                self._error(1, "", _("A column is named twice."))
            if (
                unknown
                or len(set(header)) != len(header)
                or any(c not in header for c in self.spec.required)
            ):
                return
            missing = {column: "" for column in self.spec.columns if column not in header}
            for fields in reader:
                line = reader.line_num
                if not any(f.strip() for f in fields):
                    continue
                if len(fields) != len(header):
                    self._error(
                        line,
                        "",
                        _("The line has %(found)d fields; the header has %(expected)d.")
                        % {"found": len(fields), "expected": len(header)},
                    )
                    continue
                values = dict(
                    zip(header, [spreadsheet_text_read(f.strip()) for f in fields], strict=True)
                )
                if missing:
                    values |= missing
                yield Row(line, values)
        except csv.Error as error:
            self._error(
                reader.line_num,
                "",
                _("The line is not valid CSV (%(error)s); the rest of the file was not read.")
                % {"error": library_problem(error)},
            )


def _chain(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest


# Values as Danish Excel writes them.

_DATE_DMY = re.compile(r"^(\d{1,2})[-./](\d{1,2})[-./](\d{4})$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def parse_date(text: str) -> dt.date:
    """2024-03-01 or 01-03-2024 (also with dots or slashes), or ValueError with a message."""
    if match := _DATE_ISO.match(text):
        year, month, day = (int(g) for g in match.groups())
    elif match := _DATE_DMY.match(text):
        day, month, year = (int(g) for g in match.groups())
    else:
        raise ValueError(_("Write the date as 2024-03-01 or 01-03-2024."))
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(_("There is no such date.")) from None


_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})(?::00)?$")


def parse_time(text: str) -> dt.time:
    """13:30 or 13.30 (a clock time of the day), or ValueError with a message."""
    match = _TIME.match(text.strip())
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise ValueError(_("Write the time as 13:30."))
    return dt.time(int(match.group(1)), int(match.group(2)))


def format_time(value: dt.time | None) -> str:
    return value.strftime("%H:%M") if value else ""


def parse_decimal(text: str) -> Decimal:
    """A number with a decimal comma or point; thousands separators are not allowed."""
    cleaned = text.replace(" ", "").replace("\u00a0", "")
    if cleaned.count(",") + cleaned.count(".") > 1:
        raise ValueError(_("Write the number without thousands separators, e.g. 1234,5."))
    try:
        value = Decimal(cleaned.replace(",", "."))
    except InvalidOperation:
        raise ValueError(_("This is not a number.")) from None
    if not value.is_finite():
        raise ValueError(_("This is not a number."))
    return value


def parse_int(text: str) -> int:
    if not re.fullmatch(r"-?\d{1,9}", text):
        raise ValueError(_("Write a whole number."))
    return int(text)


_TRUE = {"1", "ja", "j", "yes", "y", "true", "sand", "x"}
_FALSE = {"", "0", "nej", "n", "no", "false", "falsk"}


def parse_bool(text: str) -> bool:
    lowered = text.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError(_("Write 1 or 0 (ja or nej)."))


def format_decimal(value) -> str:
    """A number as Danish Excel reads it: decimal comma, no trailing zeros."""
    if value is None:
        return ""
    text = format(Decimal(str(value)).normalize(), "f")
    return text.replace(".", ",")


class Writer:
    """Writes one CSV file of a package as Danish Excel opens it: UTF-8 with a byte-order
    mark, semicolons, decimal comma, dates as 2024-03-01. In `folder`, or into `stream`, a
    text stream opened with encoding "utf-8-sig" and newline="" (a file in a ZIP), which
    `close` closes."""

    def __init__(self, folder: Path | None, spec: FileSpec, *, stream: TextIO | None = None):
        self.spec = spec
        if stream is None:
            stream = open(folder / spec.name, "w", encoding="utf-8-sig", newline="")  # noqa: SIM115
        self._file = stream
        self._csv = csv.writer(self._file, delimiter=";", lineterminator="\r\n")
        self._csv.writerow(spec.columns)
        self.count = 0

    def write(self, values: dict) -> None:
        self._csv.writerow([_text(values.get(column)) for column in self.spec.columns])
        self.count += 1

    def close(self) -> None:
        self._file.close()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal | float):
        return format_decimal(value)
    return reversible_spreadsheet_text(str(value))
