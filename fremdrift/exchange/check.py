"""The first pass of an import: every row of every file is read and checked against the rules
and the database, and every problem is collected with its file, line and column. Nothing is
written. The second pass (services.package_import) runs only when this one found nothing.

The check keeps only keys and a few facts per row (not the rows), so that its memory grows
with the number of citizens and assessments, not with the number of answers.
"""

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from fremdrift.accounts.models import Organisation, Role, User
from fremdrift.assessments.models import Assessment
from fremdrift.assessments.services import AnswerInput, answer_clean, assessment_date_errors
from fremdrift.citizens.models import CaseShare, Citizen
from fremdrift.codelists.models import Code, CodeList
from fremdrift.codelists.selectors import visible_to
from fremdrift.companies.models import CompanyContact, Vacancy
from fremdrift.core import cpr as cprlib
from fremdrift.core.fieldcrypto import lookup_hash
from fremdrift.core.validation import period_errors
from fremdrift.instruments.builtin import PROFILE_CODE
from fremdrift.instruments.models import InstrumentVersion, Item, Respondent
from fremdrift.plans.models import (
    Activity,
    Goal,
    GoalEvent,
    Meeting,
    Mentor,
    PlanRole,
    VacancySuggestion,
)
from fremdrift.programmes import services as programme_services
from fremdrift.programmes.models import Enrolment, Programme
from fremdrift.referrals.models import Referral

from . import format as fmt
from .code_files import CodeFilesCheck
from .company_files import CompanyFilesCheck
from .models import Entity, SourceKey
from .people_files import PeopleFilesCheck
from .plan_files import PlanFilesCheck
from .programme_files import ProgrammeFilesCheck
from .share_files import ShareFilesCheck

ERROR_LIMIT = 200
NAME_MAX = 100


@dataclass
class Lookups:
    """What rows refer to by name or code, loaded once."""

    organisations: dict[str, Organisation]
    caseworkers: dict[str, User]
    target_groups: dict[str, Code]
    exit_reasons: dict[str, Code]
    versions: dict[tuple[str, int], InstrumentVersion]
    items: dict[tuple[str, int], dict[str, Item]]

    @classmethod
    def load(cls, organisation: Organisation) -> "Lookups":
        """What an import into `organisation` may name: itself and the providers and projects
        it works with, never another authority; its own caseworkers."""
        versions = list(
            InstrumentVersion.objects.select_related("instrument").prefetch_related("items")
        )
        return cls(
            organisations={
                o.name: o
                for o in Organisation.objects.filter(
                    Q(pk=organisation.pk) | ~Q(kind=Organisation.Kind.AUTHORITY)
                )
            },
            caseworkers={
                u.username: u
                for u in User.objects.filter(
                    role=Role.CASEWORKER, is_active=True, organisation=organisation
                )
            },
            target_groups={
                c.code: c
                for c in Code.objects.filter(
                    visible_to(organisation),
                    code_list=CodeList.TARGET_GROUP,
                    parent=None,
                    is_active=True,
                )
            },
            exit_reasons={
                c.code: c
                for c in Code.objects.filter(
                    visible_to(organisation),
                    code_list=CodeList.EXIT_REASON,
                    parent__isnull=False,
                    is_active=True,
                )
            },
            versions={(v.instrument.code, v.number): v for v in versions},
            items={
                (v.instrument.code, v.number): {i.code: i for i in v.items.all()} for v in versions
            },
        )


def owned_objects(organisation: Organisation) -> dict[str, QuerySet]:
    """The objects an import into `organisation` may find by their source ids: its own
    citizens' case data, and programmes of its own or of providers and projects."""
    home = organisation.pk
    return {
        Entity.PROGRAMME: Programme.objects.filter(
            Q(organisation_id=home) | ~Q(organisation__kind=Organisation.Kind.AUTHORITY)
        ),
        Entity.CITIZEN: Citizen.objects.filter(home_organisation_id=home),
        Entity.ENROLMENT: Enrolment.objects.filter(citizen__home_organisation_id=home),
        Entity.REFERRAL: Referral.objects.filter(citizen__home_organisation_id=home),
        Entity.ASSESSMENT: Assessment.objects.filter(citizen__home_organisation_id=home),
        Entity.GOAL: Goal.objects.filter(plan__citizen__home_organisation_id=home),
        Entity.GOAL_EVENT: GoalEvent.objects.filter(goal__plan__citizen__home_organisation_id=home),
        Entity.ACTIVITY: Activity.objects.filter(plan__citizen__home_organisation_id=home),
        Entity.MEETING: Meeting.objects.filter(plan__citizen__home_organisation_id=home),
        Entity.MENTOR: Mentor.objects.filter(plan__citizen__home_organisation_id=home),
        Entity.PLAN_ROLE: PlanRole.objects.filter(plan__citizen__home_organisation_id=home),
        Entity.COMPANY_CONTACT: CompanyContact.objects.filter(company__organisation_id=home),
        Entity.VACANCY: Vacancy.objects.filter(company__organisation_id=home),
        Entity.VACANCY_SUGGESTION: VacancySuggestion.objects.filter(
            plan__citizen__home_organisation_id=home
        ),
        Entity.CASE_SHARE: CaseShare.objects.filter(citizen__home_organisation_id=home),
    }


def existing_keys(source_system: str, entity: str) -> dict[str, int]:
    return dict(
        SourceKey.objects.filter(source_system=source_system, entity=entity).values_list(
            "source_id", "object_id"
        )
    )


@dataclass
class AssessmentHead:
    line: int
    values: tuple
    items: set[str] = field(default_factory=set)


def answer_input(values: dict[str, str]) -> AnswerInput:
    return AnswerInput(
        value=values["value"],
        codes=fmt.split_list(values["codes"]),
        dont_know=fmt.parse_bool(values["dont_know"]),
        not_relevant=fmt.parse_bool(values["not_relevant"]),
        comment=values["comment"],
    )


def answer_column(item: Item, values: dict[str, str]) -> str:
    """The column a problem with the row's answer is reported in: `codes` where the codes
    are given (or the item is answered from a list and they are missing), else `value`."""
    if values["codes"] or (item.is_nominal and not values["value"]):
        return "codes"
    return "value"


class AnswerCleaner:
    """`answer_clean` for the rows of a package, remembering its verdict on each (item, value)
    pair: a package repeats the same few values of a scale a million times."""

    def __init__(self):
        self.verdicts: dict[tuple, tuple] = {}

    def clean(self, item, values: dict[str, str]) -> tuple:
        """(item, (value, text, dont_know, not_relevant, codes, comment)), or ValueError;
        the codes as JSON text, as the database keeps them."""
        key = (
            item.pk,
            values["value"],
            values["codes"],
            values["dont_know"],
            values["not_relevant"],
        )
        if values["comment"] or key not in self.verdicts:
            answer = answer_clean(item, answer_input(values))
            verdict = (
                answer.value,
                answer.text,
                answer.dont_know,
                answer.not_relevant,
                json.dumps(answer.codes),
            )
            if values["comment"]:
                return item, (*verdict, answer.comment)
            self.verdicts[key] = verdict
        return item, (*self.verdicts[key], "")


class PackageCheck(
    PeopleFilesCheck,
    CodeFilesCheck,
    CompanyFilesCheck,
    ProgrammeFilesCheck,
    PlanFilesCheck,
    ShareFilesCheck,
):
    def __init__(
        self,
        package: fmt.Package,
        source_system: str,
        organisation: Organisation,
        *,
        actor=None,
        limit: int = ERROR_LIMIT,
    ):
        self.package = package
        self.source_system = source_system
        self.organisation = organisation
        self.actor = actor
        self.limit = limit
        self.errors: list[fmt.PackageError] = []
        self.error_count = 0
        self.rows = dict.fromkeys((spec.name for spec in fmt.FILES), 0)
        self.lookups = Lookups.load(organisation)
        self.owned = owned_objects(organisation)
        # Assessments are many and nothing refers to them: their keys are not loaded, and
        # those of the package are checked at the end, a batch at a time.
        self.keys = {}
        self.foreign: dict[str, set[str]] = {}
        for entity in Entity.values:
            keys = existing_keys(source_system, entity) if entity != Entity.ASSESSMENT else {}
            mine = set(self.owned[entity].values_list("pk", flat=True)) if keys else set()
            self.keys[entity] = {sid: pk for sid, pk in keys.items() if pk in mine}
            self.foreign[entity] = {sid for sid, pk in keys.items() if pk not in mine}
        self.seen: dict[str, set[str]] = {entity: set() for entity in Entity.values}
        self.birth_dates: dict[str, dt.date] = {}
        self.cpr_lines: dict[str, int] = {}
        self.active_enrolments: dict[tuple[str, str], int] = {}
        self.answers = AnswerCleaner()
        self.registered: dict[str, int] | None = None  # citizens by CPR hash, read when needed
        self.imported_as: dict[int, str] = {}
        self.assessment_ids: dict[str, int] = {}  # the line each began on
        # The participant profiles of the package (assessment id: citizen id), and the
        # enrolments that name one (line, enrolment id, citizen id, assessment id), checked
        # once assessments.csv has been read.
        self.profile_assessments: dict[str, str] = {}
        self.profiles_named: list[tuple[int, str, str, str]] = []

    # Collecting problems

    def error(self, spec: fmt.FileSpec, line: int, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < self.limit:
            self.errors.append(fmt.PackageError(spec.name, line, column, str(message)))

    def report(self, spec: fmt.FileSpec, row: fmt.Row, errors: dict[str, list[str]]) -> None:
        """The errors of a domain rule (`<entity>_errors`) on the row's line."""
        for column, messages in errors.items():
            for message in messages:
                self.error(spec, row.line, column, message)

    def run(self) -> None:
        self.people_files()
        self.code_files()
        self.company_files()
        for row in self.read(fmt.PROGRAMMES):
            self.programme(row)
        self.programme_parts()
        for spec, check in ((fmt.CITIZENS, self.citizen), (fmt.ENROLMENTS, self.enrolment)):
            for row in self.read(spec):
                check(row)
        self.assessments()
        self.foreign_assessments()
        self.enrolment_profiles()
        self.referrals()
        self.plan_files()
        for row in self.read(fmt.VACANCY_SUGGESTIONS):
            self.vacancy_suggestion_row(row)
        self.share_files()

    def read(self, spec: fmt.FileSpec) -> Iterator[fmt.Row]:
        if not self.package.exists(spec.name):
            return
        table = fmt.Table(self.package, spec)
        for row in table.rows():
            self.rows[spec.name] += 1
            for column in spec.required:
                if not row.values[column]:
                    self.error(spec, row.line, column, _("This field is required."))
            if all(row.values[c] for c in spec.required):
                yield row
        for problem in table.errors:
            self.error(spec, problem.line, problem.column, problem.message)

    def parsed(self, spec, row: fmt.Row, column: str, parse):
        """The column's value parsed, None when empty; a parse error is collected."""
        text = row.values[column]
        if not text:
            return None
        try:
            return parse(text)
        except ValueError as problem:
            self.error(spec, row.line, column, str(problem))
            return None

    def key(self, spec, row: fmt.Row, entity: str, column: str = "id") -> str | None:
        source_id = row.values[column]
        if len(source_id) > 100:
            self.error(spec, row.line, column, _("An id has at most 100 characters."))
            return None
        if source_id in self.seen[entity]:
            self.error(
                spec, row.line, column, _("The id %(id)s is used twice.") % {"id": source_id}
            )
            return None
        if source_id in self.foreign[entity]:
            self.not_ours(spec, row.line, column, source_id)
            return None
        self.seen[entity].add(source_id)
        return source_id

    def reference(self, spec, row: fmt.Row, column: str, entity: str) -> bool:
        source_id = row.values[column]
        if source_id in self.seen[entity] or source_id in self.keys[entity]:
            return True
        if source_id in self.foreign[entity]:
            self.not_ours(spec, row.line, column, source_id)
            return False
        self.error(
            spec,
            row.line,
            column,
            _("No %(entity)s with the id %(id)s in the package or imported before.")
            % {"entity": Entity(entity).label.lower(), "id": source_id[:100]},
        )
        return False

    def not_ours(self, spec, line: int, column: str, source_id: str) -> None:
        self.error(
            spec,
            line,
            column,
            _(
                "The id %(id)s belongs to data another organisation imported; an import "
                "writes only into %(organisation)s."
            )
            % {"id": source_id[:100], "organisation": self.organisation.name},
        )

    def foreign_assessments(self) -> None:
        """Assessment ids of the package that another organisation imported, a batch at a
        time."""
        ids = list(self.assessment_ids)
        owned = self.owned[Entity.ASSESSMENT]
        for start in range(0, len(ids), 5000):
            batch = ids[start : start + 5000]
            keys = SourceKey.objects.filter(
                source_system=self.source_system, entity=Entity.ASSESSMENT, source_id__in=batch
            ).exclude(object_id__in=owned.values("pk"))
            for source_id in keys.values_list("source_id", flat=True):
                line = self.assessment_ids[source_id]
                self.not_ours(fmt.ASSESSMENTS, line, "assessment", source_id)

    def not_another_authority(self, spec, row: fmt.Row, column: str) -> bool:
        """False, with an error, when the row names an authority other than the importer."""
        name = row.values[column]
        if name in self.lookups.organisations or not name:
            return True
        if Organisation.objects.filter(name=name).exists():
            self.error(
                spec,
                row.line,
                column,
                _("Another authority: an import writes only into %(organisation)s.")
                % {"organisation": self.organisation.name},
            )
            return False
        return True

    def text(self, spec, row: fmt.Row, column: str, limit: int) -> None:
        if len(row.values[column]) > limit:
            self.error(spec, row.line, column, _("At most %(max)d characters.") % {"max": limit})

    # The files

    def programme(self, row: fmt.Row) -> None:
        spec = fmt.PROGRAMMES
        self.key(spec, row, Entity.PROGRAMME)
        values = row.values
        if self.not_another_authority(spec, row, "organisation") and (
            values["organisation"] not in self.lookups.organisations
        ):
            self.error(spec, row.line, "organisation", _("No organisation by this name."))
        self.text(spec, row, "name", 200)
        if values["target_group"] and values["target_group"] not in self.lookups.target_groups:
            self.error(spec, row.line, "target_group", _("Unknown target group code."))
        start = self.parsed(spec, row, "start_date", fmt.parse_date)
        end = self.parsed(spec, row, "end_date", fmt.parse_date)
        self.report(spec, row, period_errors(start, end))
        capacity = self.parsed(spec, row, "capacity", fmt.parse_int)
        if capacity is not None and capacity < 1:
            self.error(spec, row.line, "capacity", _("The capacity must be at least 1."))
        price = self.parsed(spec, row, "price", fmt.parse_decimal)
        if price is not None and not 0 <= price < 10**10:
            self.error(spec, row.line, "price", _("The price must be from 0 to 9,999,999,999."))

    def citizen(self, row: fmt.Row) -> None:
        spec = fmt.CITIZENS
        source_id = self.key(spec, row, Entity.CITIZEN)
        values = row.values
        born = self.parsed(spec, row, "birth_date", fmt.parse_date)
        if values["sex"] and values["sex"] not in fmt.SEXES:
            self.error(spec, row.line, "sex", _("Write female or male."))
        if not values["cpr"].strip():
            # Historic or anonymised data: a birth date and a legal sex instead.
            if not values["birth_date"]:
                self.error(
                    spec, row.line, "cpr", _("Give the CPR number, or the birth date and sex.")
                )
            elif not values["sex"]:
                self.error(
                    spec, row.line, "sex", _("Give the legal sex when there is no CPR number.")
                )
            elif born is not None and not dt.date(1900, 1, 1) <= born <= dt.date.today():
                self.error(
                    spec, row.line, "birth_date", _("The birth date must be from 1900 until today.")
                )
            if born is not None and source_id is not None:
                self.birth_dates[source_id] = born
            parsed = None
        else:
            try:
                parsed = cprlib.parse_cpr(values["cpr"])
            except ValidationError as problem:
                self.error(spec, row.line, "cpr", problem.messages[0])
                parsed = None
        if parsed is not None:
            if born is not None and born != parsed.birth_date:
                self.error(
                    spec, row.line, "birth_date", _("The birth date is not the CPR number's.")
                )
            if values["sex"] and values["sex"] != parsed.sex:
                self.error(spec, row.line, "sex", _("The sex is not the CPR number's."))
        if parsed is not None and source_id is not None:
            self.birth_dates[source_id] = parsed.birth_date
            self._cpr_unique(row, parsed, source_id)
        for column in ("first_name", "last_name"):
            self.text(spec, row, column, NAME_MAX)
        if values["target_group"] not in self.lookups.target_groups:
            self.error(spec, row.line, "target_group", _("Unknown target group code."))
        organisation = self.lookups.organisations.get(values["organisation"])
        if not self.not_another_authority(spec, row, "organisation"):
            organisation = None
        elif organisation is None:
            self.error(spec, row.line, "organisation", _("No organisation by this name."))
        elif organisation != self.organisation:
            self.error(
                spec,
                row.line,
                "organisation",
                _("A citizen's home organisation is the importing one, %(organisation)s.")
                % {"organisation": self.organisation.name},
            )
            organisation = None
        caseworker = self.lookups.caseworkers.get(values["caseworker"])
        if caseworker is None:
            self.error(
                spec,
                row.line,
                "caseworker",
                _("No active caseworker with this username in %(organisation)s.")
                % {"organisation": self.organisation.name},
            )
        elif organisation is not None and caseworker.organisation_id != organisation.pk:
            self.error(
                spec, row.line, "caseworker", _("The caseworker is not in the organisation.")
            )

    def _cpr_unique(self, row: fmt.Row, parsed: cprlib.Cpr, source_id: str) -> None:
        spec = fmt.CITIZENS
        digest = lookup_hash(parsed.digits)
        seen = self.cpr_lines
        if digest in seen:
            self.error(
                spec,
                row.line,
                "cpr",
                _("The same CPR number as line %(line)d.") % {"line": seen[digest]},
            )
            return
        seen[digest] = row.line
        if self.registered is None:
            self.registered = dict(self.owned[Entity.CITIZEN].values_list("cpr_hash", "pk"))
            self.imported_as = {pk: sid for sid, pk in self.keys[Entity.CITIZEN].items()}
        registered_pk = self.registered.get(digest)
        known_pk = self.keys[Entity.CITIZEN].get(source_id)
        if known_pk is not None and registered_pk != known_pk:
            self.error(
                spec,
                row.line,
                "cpr",
                _("The CPR number of a citizen imported before cannot change."),
            )
        elif known_pk is None and registered_pk in self.imported_as:
            self.error(
                spec,
                row.line,
                "cpr",
                _("This citizen was imported before under the id %(id)s.")
                % {"id": self.imported_as[registered_pk][:100]},
            )

    def enrolment(self, row: fmt.Row) -> None:
        spec = fmt.ENROLMENTS
        self.key(spec, row, Entity.ENROLMENT)
        values = row.values
        citizen_known = self.reference(spec, row, "citizen", Entity.CITIZEN)
        self.reference(spec, row, "programme", Entity.PROGRAMME)
        start = self.parsed(spec, row, "start_date", fmt.parse_date)
        end = self.parsed(spec, row, "end_date", fmt.parse_date)
        born = self.birth_date(values["citizen"]) if citizen_known else None
        self.report(
            spec,
            row,
            programme_services.enrolment_errors(start_date=start, end_date=end, birth_date=born),
        )
        reason = values["exit_reason"]
        if reason and reason not in self.lookups.exit_reasons:
            self.error(spec, row.line, "exit_reason", _("Unknown exit reason code."))
        if bool(reason) != bool(values["end_date"]):
            column = "exit_reason" if values["end_date"] else "end_date"
            self.error(spec, row.line, column, _("An exit needs both its date and its reason."))
        self.text(spec, row, "exit_note", 5000)
        if values["profile_assessment"]:
            if len(values["profile_assessment"]) > 100:
                self.error(
                    spec, row.line, "profile_assessment", _("An id has at most 100 characters.")
                )
            else:
                self.profiles_named.append(
                    (row.line, values["id"], values["citizen"], values["profile_assessment"])
                )
        if not end:
            active = self.active_enrolments
            pair = (values["citizen"], values["programme"])
            if pair in active:
                self.error(
                    spec,
                    row.line,
                    "programme",
                    _("The citizen is already enrolled in this programme (line %(line)d).")
                    % {"line": active[pair]},
                )
            active[pair] = row.line

    def birth_date(self, citizen_id: str) -> dt.date | None:
        if citizen_id not in self.birth_dates:
            pk = self.keys[Entity.CITIZEN].get(citizen_id)
            born = Citizen.objects.filter(pk=pk).values_list("birth_date", flat=True).first()
            self.birth_dates[citizen_id] = born
        return self.birth_dates[citizen_id]

    def assessments(self) -> None:
        """Rows of one assessment must come together; its head (citizen, instrument, version,
        date, respondent, status) is the same on each of them. Only the assessment being read
        is kept, and the line each began on."""
        spec = fmt.ASSESSMENTS
        began = self.assessment_ids
        head: AssessmentHead | None = None
        current: str | None = None
        for row in self.read(spec):
            values = row.values
            source_id = values["assessment"]
            head_values = tuple(values[c] for c in spec.columns[1:7])
            if source_id != current and source_id in began:
                self.error(
                    spec,
                    row.line,
                    "assessment",
                    _("The rows of an assessment must come together (it began on line %(line)d).")
                    % {"line": began[source_id]},
                )
                continue
            if source_id != current:
                if len(source_id) > 100:
                    self.error(spec, row.line, "assessment", _("An id has at most 100 characters."))
                began[source_id] = row.line
                head = AssessmentHead(row.line, head_values)
                current = source_id
                self._assessment_head(row)
            elif head_values != head.values:
                column = next(
                    c
                    for c, a, b in zip(spec.columns[1:7], head_values, head.values, strict=True)
                    if a != b
                )
                self.error(
                    spec,
                    row.line,
                    column,
                    _("Differs from the assessment's first line (%(line)d).") % {"line": head.line},
                )
            self._answer(row, head)

    def _assessment_head(self, row: fmt.Row) -> None:
        spec = fmt.ASSESSMENTS
        values = row.values
        if values["instrument"] == PROFILE_CODE:
            self.profile_assessments[values["assessment"]] = values["citizen"]
        citizen_known = self.reference(spec, row, "citizen", Entity.CITIZEN)
        number = self.parsed(spec, row, "version", fmt.parse_int)
        version = self.lookups.versions.get((values["instrument"], number))
        if number is not None and version is None:
            self.error(spec, row.line, "version", _("No instrument with this code and version."))
        elif version is not None and version.status == InstrumentVersion.Status.DRAFT:
            self.error(spec, row.line, "version", _("This version is a draft, not yet in use."))
        if values["respondent"] not in Respondent.values:
            self.error(spec, row.line, "respondent", _("Unknown respondent."))
        elif version is not None and values["respondent"] not in version.respondents:
            self.error(
                spec,
                row.line,
                "respondent",
                _("This instrument cannot be answered by the chosen respondent."),
            )
        if values["status"] not in Assessment.Status.values:
            self.error(spec, row.line, "status", _("Unknown status (completed or draft)."))
        date = self.parsed(spec, row, "date", fmt.parse_date)
        born = self.birth_date(values["citizen"]) if citizen_known else None
        self.report(spec, row, assessment_date_errors(date=date, birth_date=born))

    def _answer(self, row: fmt.Row, head: AssessmentHead) -> None:
        spec = fmt.ASSESSMENTS
        values = row.values
        code = values["item"]
        if code in head.items:
            self.error(spec, row.line, "item", _("The item is answered twice."))
            return
        head.items.add(code)
        number = fmt.parse_int(values["version"]) if values["version"].isdigit() else None
        items = self.lookups.items.get((values["instrument"], number))
        if items is None:
            return
        item = items.get(code)
        if item is None:
            self.error(spec, row.line, "item", _("The instrument version has no such item."))
            return
        try:
            dont_know = fmt.parse_bool(values["dont_know"])
            not_relevant = fmt.parse_bool(values["not_relevant"])
        except ValueError as problem:
            column = (
                "dont_know" if values["dont_know"].lower() not in fmt._FALSE else "not_relevant"
            )
            self.error(spec, row.line, column, str(problem))
            return
        answer = answer_input(values)
        if dont_know and not_relevant:
            self.error(spec, row.line, "dont_know", _("Choose 'don't know' or 'not relevant'."))
        elif (dont_know or not_relevant) and values["value"]:
            self.error(spec, row.line, "value", _("An answer of 'don't know' has no value."))
        elif answer.is_empty:
            self.error(spec, row.line, "value", _("The answer is empty."))
        else:
            try:
                self.answers.clean(item, values)
            except ValueError as problem:
                self.error(spec, row.line, answer_column(item, values), str(problem))

    def enrolment_profiles(self) -> None:
        """An enrolment's `profile_assessment` names an assessment of the participant profile
        of the same citizen, in assessments.csv or imported before, that is no other
        enrolment's profile; an enrolment imported with a profile keeps it (it is corrected,
        not replaced). A batch of enrolments at a time."""
        first_line: dict[str, int] = {}
        for start in range(0, len(self.profiles_named), 5000):
            self._enrolment_profiles(self.profiles_named[start : start + 5000], first_line)

    def _enrolment_profiles(self, batch: list[tuple], first_line: dict[str, int]) -> None:
        spec = fmt.ENROLMENTS
        column = "profile_assessment"
        known = dict(
            SourceKey.objects.filter(
                source_system=self.source_system,
                entity=Entity.ASSESSMENT,
                source_id__in=[source_id for _l, _e, _c, source_id in batch],
            ).values_list("source_id", "object_id")
        )
        # pk: (instrument code, citizen pk) of the assessments imported before
        stored = {
            pk: (code, citizen)
            for pk, code, citizen in self.owned[Entity.ASSESSMENT]
            .filter(pk__in=known.values())
            .values_list("pk", "version__instrument__code", "citizen_id")
        }
        profile_of = dict(
            Enrolment.objects.filter(profile_id__in=stored).values_list("profile_id", "pk")
        )
        enrolment_pks = {self.keys[Entity.ENROLMENT].get(e) for _l, e, _c, _a in batch}
        profiles = dict(
            Enrolment.objects.filter(pk__in=enrolment_pks - {None}).values_list("pk", "profile_id")
        )
        for line, enrolment_id, citizen_id, source_id in batch:
            if source_id in first_line:
                self.error(
                    spec,
                    line,
                    column,
                    _("The assessment is already the profile of the enrolment on line %(line)d.")
                    % {"line": first_line[source_id]},
                )
                continue
            first_line[source_id] = line
            pk = known.get(source_id)
            if pk is not None and pk not in stored:
                self.not_ours(spec, line, column, source_id)
                continue
            if source_id in self.assessment_ids:
                instrument = PROFILE_CODE if source_id in self.profile_assessments else ""
                of_citizen = self.profile_assessments.get(source_id) == citizen_id
            elif pk is not None:
                instrument, citizen_pk = stored[pk]
                of_citizen = citizen_pk == self.keys[Entity.CITIZEN].get(citizen_id)
            else:
                self.error(
                    spec,
                    line,
                    column,
                    _("No assessment with this id in assessments.csv or imported before."),
                )
                continue
            if instrument != PROFILE_CODE:
                self.error(
                    spec, line, column, _("The assessment is not of the participant profile.")
                )
                continue
            if not of_citizen:
                self.error(spec, line, column, _("The assessment is of another citizen."))
                continue
            enrolment_pk = self.keys[Entity.ENROLMENT].get(enrolment_id)
            if pk is not None and profile_of.get(pk, enrolment_pk) != enrolment_pk:
                self.error(spec, line, column, _("The assessment is another enrolment's profile."))
            elif profiles.get(enrolment_pk) not in (None, pk):
                self.error(
                    spec,
                    line,
                    column,
                    _(
                        "The enrolment has another profile; a profile is corrected in "
                        "Fremdrift, not replaced."
                    ),
                )
