"""Import and export of exchange packages (docs/exchange-format.md).

An import reads the package twice. The first pass (check.PackageCheck) checks every row and
collects every problem; if there is one, nothing is written. The second pass writes everything
in one transaction through the domain services, so imported rows obey the same rules as rows
typed into the pages; only new answers are written in bulk, after the same validation. A row
the services still refuse ends the import with its file and line, and the transaction leaves
the database as it was.
"""

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from fremdrift.accounts.models import Organisation, Role, User
from fremdrift.accounts.services import organisation_create, user_create
from fremdrift.assessments.models import Answer, Assessment, Follow
from fremdrift.assessments.services import (
    AnswerInput,
    answer_clean,
    assessment_correct,
    assessment_score_from,
    follows_refresh_due,
)
from fremdrift.audit.models import AccessAction
from fremdrift.audit.services import access_log_write, audited_update, user_access_record
from fremdrift.citizens import services as citizen_services
from fremdrift.citizens.models import Citizen
from fremdrift.citizens.selectors import citizen_cpr
from fremdrift.companies.models import CompanyContact
from fremdrift.core import cpr as cprlib
from fremdrift.core.fieldcrypto import lookup_hash
from fremdrift.plans.models import Activity, Goal, GoalEvent, Meeting, Mentor, PlanRole
from fremdrift.programmes import services as programme_services
from fremdrift.programmes.models import Enrolment, Programme
from fremdrift.referrals import services as referral_services
from fremdrift.referrals.models import Referral

from . import format as fmt
from .check import AnswerCleaner, Lookups, PackageCheck, answer_input
from .code_files import CodeFilesWrite, export_code_files
from .company_files import CompanyFilesWrite, export_company_files, export_vacancy_suggestions
from .models import Entity, PackageImport, SourceKey
from .people_files import PeopleFilesWrite, active_flag, export_people_files
from .plan_files import PlanFilesWrite, export_plan_files
from .programme_files import (
    ProgrammeFilesWrite,
    export_programme_parts,
    export_referrals,
)
from .scope import rows_of
from .share_files import ShareFilesWrite, export_case_shares

BATCH = 1000


class ImportRefused(Exception):
    """The services refused a row in the second pass; carries where."""

    def __init__(self, error: fmt.PackageError):
        super().__init__(str(error))
        self.error = error


class _DryRun(Exception):
    pass


@dataclass
class ImportResult:
    package: str
    source_system: str = ""
    errors: list[fmt.PackageError] = field(default_factory=list)
    error_count: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    counts: dict[str, Counter] = field(default_factory=dict)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def written(self) -> bool:
        return self.ok and not self.dry_run

    @property
    def count_rows(self) -> list[tuple[str, Counter]]:
        """(what, counts) for the page, in the order of the files."""
        labels = dict(Entity.choices) | {
            "plan": _("Plan"),
            "organisation": _("Organisation"),
            "staff": _("Staff"),
            "code": _("Own codes"),
            "company": _("Company"),
        }
        return [(labels[entity], counts) for entity, counts in self.counts.items()]


def exchange_actor(organisation: str = "") -> User:
    """The user a command-line import or export acts as: the first active administrator of
    the organisation named, or of the only organisation that has one. An import writes only
    into that organisation's data."""
    administrators = User.objects.filter(role=Role.ADMINISTRATOR, is_active=True).order_by("pk")
    if organisation:
        administrators = administrators.filter(organisation__name=organisation)
    actor = administrators.first()
    if actor is None:
        raise ValidationError(
            _("Create an administrator of the organisation first: imports are made in their name.")
        )
    if not organisation and administrators.exclude(organisation=actor.organisation).exists():
        raise ValidationError(
            _("Several organisations have administrators: name one with --organisation.")
        )
    return actor


def _flag(text: str) -> bool:
    try:
        return active_flag(text)
    except ValueError:
        return False


@transaction.atomic
def exchange_bootstrap(*, path: Path | str, organisation: str) -> User:
    """For an installation with no administrator yet (after `migrate` only): creates the
    authority named and its first active administrator, both from the package's
    organisations.csv and staff.csv, for the import to act as. The caller imports in the same
    transaction and rolls back if the import fails, so that a refused package leaves nothing."""
    if User.objects.filter(role=Role.ADMINISTRATOR).exists():
        raise ValidationError(_("This installation has administrators: import as one of them."))
    try:
        package = fmt.Package(path)
    except fmt.PackageUnreadable as problem:
        raise ValidationError(str(problem)) from None
    try:
        organisations = [r.values for r in fmt.Table(package, fmt.ORGANISATIONS).rows()]
        staff = [r.values for r in fmt.Table(package, fmt.STAFF).rows()]
    finally:
        package.close()
    authority = any(
        o["name"] == organisation and o["kind"] == Organisation.Kind.AUTHORITY
        for o in organisations
    )
    administrator = next(
        (
            s
            for s in staff
            if s["organisation"] == organisation
            and s["role"] == Role.ADMINISTRATOR
            and _flag(s["active"])
        ),
        None,
    )
    if not authority or administrator is None:
        raise ValidationError(
            _(
                "organisations.csv must name the authority %(organisation)s, and staff.csv an "
                "active administrator of it."
            )
            % {"organisation": organisation}
        )
    home = organisation_create(name=organisation, kind=Organisation.Kind.AUTHORITY)
    actor = user_create(
        username=administrator["username"],
        password=None,
        organisation=home,
        role=Role.ADMINISTRATOR,
        first_name=administrator["first_name"],
        last_name=administrator["last_name"],
    )
    user_access_record(actor=None, user=actor, before=None)
    return actor


def package_import(
    *,
    actor,
    path: Path | str,
    dry_run: bool = False,
    package_name: str = "",
    progress: Callable[[str], None] | None = None,
) -> ImportResult:
    """Checks the package and, when it has no errors, imports all of it in one transaction.
    A dry run goes as far as writing and then rolls back, so it reports what would change.
    `progress` is told, in English, as each file is checked and written."""
    progress = progress or (lambda message: None)
    result = ImportResult(package=package_name or Path(path).name, dry_run=dry_run)
    try:
        package = fmt.Package(path)
    except fmt.PackageUnreadable as problem:
        return _unreadable(result, problem)
    try:
        try:
            manifest = package.manifest()
        except fmt.PackageUnreadable as problem:
            return _unreadable(result, problem)
        result.source_system = manifest["source_system"].strip()
        check = PackageCheck(package, result.source_system, actor.organisation, actor=actor)
        progress("checking")
        check.run()
        result.errors, result.error_count, result.rows = check.errors, check.error_count, check.rows
        if check.error_count:
            return result
        progress("writing")
        try:
            with transaction.atomic():
                result.counts = _PackageWrite(actor, package, result.source_system, progress).run()
                PackageImport.objects.create(
                    imported_by=actor,
                    source_system=result.source_system,
                    package_name=result.package[:255],
                    counts={entity: dict(counts) for entity, counts in result.counts.items()},
                )
                if dry_run:
                    raise _DryRun
        except _DryRun:
            pass
        except ImportRefused as refused:
            result.errors, result.error_count, result.counts = [refused.error], 1, {}
        except (IntegrityError, OperationalError) as error:
            # Another import wrote the same source ids after this one was checked, or (SQLite)
            # held the database for longer than the busy timeout.
            if isinstance(error, OperationalError) and "locked" not in str(error):
                raise
            message = _("Another import changed the database meanwhile; nothing was imported.")
            result.errors = [fmt.PackageError(result.package, 0, "", message)]
            result.error_count, result.counts = 1, {}
        return result
    finally:
        package.close()


def _unreadable(result: ImportResult, problem: Exception) -> ImportResult:
    result.errors = [fmt.PackageError(result.package, 0, "", str(problem))]
    result.error_count = 1
    return result


def _refused(spec: fmt.FileSpec, row: fmt.Row, error: ValidationError) -> ImportRefused:
    if hasattr(error, "error_dict"):
        column, messages = next(iter(error.message_dict.items()))
        message = messages[0]
    else:
        column, message = "", error.messages[0]
    if column not in spec.columns:
        column = ""
    return ImportRefused(fmt.PackageError(spec.name, row.line, column, message))


class _PackageWrite(
    PeopleFilesWrite,
    CodeFilesWrite,
    CompanyFilesWrite,
    ProgrammeFilesWrite,
    PlanFilesWrite,
    ShareFilesWrite,
):
    """The second pass: the package is known to be valid."""

    def __init__(self, actor, package: fmt.Package, source_system: str, progress):
        self.progress = progress
        self.actor = actor
        self.package = package
        self.source_system = source_system
        self.lookups = Lookups.load(actor.organisation)
        # Assessments are many and nothing refers to them: their keys are read batch by batch.
        self.keys = {
            e: _keys(source_system, e) if e != Entity.ASSESSMENT else {} for e in Entity.values
        }
        self.counts: dict[str, Counter] = defaultdict(Counter)
        self.touched: set[tuple[int, int]] = set()
        self.new_keys: list[tuple] = []
        self.answers = AnswerCleaner()
        self.registered: dict[str, int] | None = None  # citizens by CPR hash, read when needed
        # Enrolments that name their profile (row, enrolment), linked after the assessments.
        self.profiles_named: list[tuple[fmt.Row, int]] = []

    def rows(self, spec: fmt.FileSpec) -> Iterator[fmt.Row]:
        if self.package.exists(spec.name):
            yield from fmt.Table(self.package, spec).rows()

    def remember(self, entity: str, source_id: str, pk: int) -> None:
        """Keeps the object's source id; the keys are written a file at a time."""
        self.new_keys.append((self.source_system, entity, source_id, pk))
        self.keys[entity][source_id] = pk

    def keys_write(self) -> None:
        _rows_insert(
            SourceKey, ["source_system", "entity", "source_id", "object_id"], self.new_keys
        )
        self.new_keys = []

    def write_rows(self, spec: fmt.FileSpec, write: Callable[[fmt.Row], None]) -> None:
        for row in self.rows(spec):
            try:
                write(row)
            except ValidationError as error:
                raise _refused(spec, row, error) from None
        self.keys_write()
        self.progress(f"{spec.name} written")

    def reload_lookups(self) -> None:
        self.lookups = Lookups.load(self.actor.organisation)

    def run(self) -> dict[str, Counter]:
        self.people_files()
        self.code_files()
        self.company_files()
        self.programme_parts()
        self.write_rows(fmt.PROGRAMMES, self.programme)
        self.write_rows(fmt.CITIZENS, self.citizen)
        self.write_rows(fmt.ENROLMENTS, self.enrolment)
        self.assessments()
        self.enrolment_profiles()
        self.write_rows(fmt.REFERRALS, self.referral_row)
        self.plan_files()
        self.write_rows(fmt.VACANCY_SUGGESTIONS, self.vacancy_suggestion_row)
        self.share_files()
        self.companies_retire()
        return dict(self.counts)

    def programme(self, row: fmt.Row) -> None:
        values = row.values
        fields = {
            "name": values["name"],
            "description": values["description"],
            "target_group": self.lookups.target_groups.get(values["target_group"]),
            "start_date": fmt.parse_date(values["start_date"]),
            "end_date": fmt.parse_date(values["end_date"]) if values["end_date"] else None,
            "capacity": fmt.parse_int(values["capacity"]) if values["capacity"] else None,
            "price": fmt.parse_decimal(values["price"] or "0"),
        }
        pk = self.keys[Entity.PROGRAMME].get(values["id"])
        if pk is None:
            parts = self.parts.get(values["id"], {"i": [], "m": []})
            programme = programme_services.programme_create(
                actor=self.actor,
                organisation=self.lookups.organisations[values["organisation"]],
                instruments=parts["i"],
                milestones=parts["m"],
                **fields,
            )
            self.remember(Entity.PROGRAMME, values["id"], programme.pk)
            self.counts[Entity.PROGRAMME]["created"] += 1
            return
        programme = Programme.objects.get(pk=pk)
        if not self.programme_parts_unchanged(programme, values["id"]):
            raise ValidationError(
                {
                    "id": _(
                        "The instruments and milestones of an imported programme are changed "
                        "in the admin."
                    )
                }
            )
        updated = programme_services.programme_update(
            actor=self.actor, programme=programme, **fields
        )
        self.counts[Entity.PROGRAMME][
            "updated" if updated.version != programme.version else "unchanged"
        ] += 1

    def citizen(self, row: fmt.Row) -> None:
        values = row.values
        fields = {
            "first_name": values["first_name"],
            "last_name": values["last_name"],
            "responsible_caseworker": self.lookups.caseworkers[values["caseworker"]],
            "target_group": self.lookups.target_groups[values["target_group"]],
        }
        pk = self.keys[Entity.CITIZEN].get(values["id"])
        if pk is None and not values["cpr"].strip():
            citizen = citizen_services.citizen_create(
                actor=self.actor,
                cpr="",
                birth_date=fmt.parse_date(values["birth_date"]),
                sex=values["sex"],
                home_organisation=self.lookups.organisations[values["organisation"]],
                **fields,
            )
            self.remember(Entity.CITIZEN, values["id"], citizen.pk)
            self.counts[Entity.CITIZEN]["created"] += 1
            return
        if pk is None:
            # A citizen already registered by hand is taken over, found by the CPR number.
            if self.registered is None:
                self.registered = dict(
                    Citizen.objects.filter(home_organisation=self.actor.organisation).values_list(
                        "cpr_hash", "pk"
                    )
                )
            digits = cprlib.parse_cpr(values["cpr"]).digits
            pk = self.registered.get(lookup_hash(digits))
            if pk is None:
                citizen = citizen_services.citizen_create(
                    actor=self.actor,
                    cpr=values["cpr"],
                    home_organisation=self.lookups.organisations[values["organisation"]],
                    **fields,
                )
                self.remember(Entity.CITIZEN, values["id"], citizen.pk)
                self.counts[Entity.CITIZEN]["created"] += 1
                return
            self.remember(Entity.CITIZEN, values["id"], pk)
        citizen = Citizen.objects.get(pk=pk)
        updated = citizen_services.citizen_update(
            actor=self.actor, citizen=citizen, expected_version=citizen.version, **fields
        )
        changed = updated.version != citizen.version
        self.counts[Entity.CITIZEN]["updated" if changed else "unchanged"] += 1

    def enrolment(self, row: fmt.Row) -> None:
        values = row.values
        start = fmt.parse_date(values["start_date"])
        end = fmt.parse_date(values["end_date"]) if values["end_date"] else None
        reason = self.lookups.exit_reasons.get(values["exit_reason"])
        pk = self.keys[Entity.ENROLMENT].get(values["id"])
        if pk is None:
            enrolment = programme_services.enrolment_create(
                actor=self.actor,
                citizen=Citizen.objects.get(pk=self.keys[Entity.CITIZEN][values["citizen"]]),
                programme=Programme.objects.get(
                    pk=self.keys[Entity.PROGRAMME][values["programme"]]
                ),
                start_date=start,
            )
            if end is not None:
                referral_services.enrolment_end(
                    actor=self.actor,
                    enrolment=enrolment,
                    expected_version=enrolment.version,
                    end_date=end,
                    exit_reason=reason,
                    note=values["exit_note"],
                )
            self.remember(Entity.ENROLMENT, values["id"], enrolment.pk)
            self.counts[Entity.ENROLMENT]["created"] += 1
            if values["profile_assessment"]:
                self.profiles_named.append((row, enrolment.pk))
            return
        enrolment = Enrolment.objects.get(pk=pk)
        corrected = programme_services.enrolment_correct(
            actor=self.actor,
            enrolment=enrolment,
            start_date=start,
            end_date=end,
            exit_reason=reason,
            exit_note=values["exit_note"],
        )
        changed = corrected.version != enrolment.version
        self.counts[Entity.ENROLMENT]["updated" if changed else "unchanged"] += 1
        if values["profile_assessment"] and corrected.profile_id is None:
            if not changed:
                self.counts[Entity.ENROLMENT]["unchanged"] -= 1
                self.counts[Entity.ENROLMENT]["updated"] += 1
            self.profiles_named.append((row, enrolment.pk))

    def enrolment_profiles(self) -> None:
        """Gives each enrolment that names its participant profile the assessment, once the
        assessments are written (the check made sure it is a profile of the same citizen and
        no other enrolment's). An enrolment that has its profile keeps it."""
        for row, pk in self.profiles_named:
            enrolment = Enrolment.objects.select_related("citizen").get(pk=pk)
            profile = self.assessment_of(row.values["profile_assessment"])
            try:
                audited_update(
                    actor=self.actor,
                    instance=enrolment,
                    expected_version=None,
                    data={"profile": profile},
                    tracked=("profile",),
                    citizen=enrolment.citizen,
                )
            except ValidationError as error:
                raise _refused(fmt.ENROLMENTS, row, error) from None
        self.progress("enrolment profiles written")

    def assessments(self) -> None:
        spec = fmt.ASSESSMENTS
        batch: list[list[fmt.Row]] = []
        for _source_id, rows in groupby(self.rows(spec), key=lambda r: r.values["assessment"]):
            batch.append(list(rows))
            if len(batch) == BATCH:
                self.assessment_batch(batch)
                batch = []
        if batch:
            self.assessment_batch(batch)
        followed = set(
            Follow.objects.filter(
                is_active=True, citizen_id__in={citizen for citizen, _i in self.touched}
            ).values_list("citizen_id", "instrument_id")
        )
        for citizen_id, instrument_id in sorted(self.touched & followed):
            follows_refresh_due(citizen=citizen_id, instrument_id=instrument_id)

    def assessment_batch(self, batch: list[list[fmt.Row]]) -> None:
        known = dict(
            SourceKey.objects.filter(
                source_system=self.source_system,
                entity=Entity.ASSESSMENT,
                source_id__in=[rows[0].values["assessment"] for rows in batch],
            ).values_list("source_id", "object_id")
        )
        existing = {
            a.pk: a
            for a in Assessment.objects.filter(
                pk__in=[
                    known[rows[0].values["assessment"]]
                    for rows in batch
                    if rows[0].values["assessment"] in known
                ]
            )
            .prefetch_related("answers__item")
            .select_related("version", "citizen")
        }
        new: list[tuple[str, Assessment, list[tuple]]] = []
        for rows in batch:
            head = rows[0].values
            key = (head["instrument"], int(head["version"]))
            version = self.lookups.versions[key]
            items = self.lookups.items[key]
            date = fmt.parse_date(head["date"])
            pk = known.get(head["assessment"])
            if pk is not None:
                answers = {r.values["item"]: answer_input(r.values) for r in rows}
                self._assessment_update(rows, existing[pk], date, answers, items)
                continue
            assessment = Assessment(
                citizen_id=self.keys[Entity.CITIZEN][head["citizen"]],
                version=version,
                date=date,
                respondent=head["respondent"],
                status=head["status"],
                recorded_by=self.actor,
                recorded_by_organisation_id=self.actor.organisation_id,
            )
            cleaned = [self.answers.clean(items[r.values["item"]], r.values) for r in rows]
            assessment_score_from(assessment, ((item, row[0]) for item, row in cleaned))
            new.append((head["assessment"], assessment, cleaned))
            self.touched.add((assessment.citizen_id, version.instrument_id))
        if not new:
            return
        Assessment.objects.bulk_create([a for _s, a, _c in new])
        _rows_insert(
            Answer,
            [
                "assessment",
                "item",
                "value",
                "text",
                "dont_know",
                "not_relevant",
                "codes",
                "comment",
            ],
            [
                (assessment.pk, item.pk, *values)
                for _source_id, assessment, cleaned in new
                for item, values in cleaned
            ],
        )
        _rows_insert(
            SourceKey,
            ["source_system", "entity", "source_id", "object_id"],
            [(self.source_system, Entity.ASSESSMENT, s, a.pk) for s, a, _c in new],
        )
        self.counts[Entity.ASSESSMENT]["created"] += len(new)
        self.progress(f"{sum(self.counts[Entity.ASSESSMENT].values())} assessments written")

    def _assessment_update(self, rows, current: Assessment, date, answers, items) -> None:
        head = rows[0].values
        same = (
            current.date == date
            and current.respondent == head["respondent"]
            and current.status == head["status"]
            and current.citizen_id == self.keys[Entity.CITIZEN][head["citizen"]]
            and current.version == self.lookups.versions[(head["instrument"], int(head["version"]))]
            and _answers_of(current)
            == {code: _comparable(items[code], a) for code, a in answers.items()}
        )
        if same:
            self.counts[Entity.ASSESSMENT]["unchanged"] += 1
            return
        if (
            current.citizen_id != self.keys[Entity.CITIZEN][head["citizen"]]
            or current.version != self.lookups.versions[(head["instrument"], int(head["version"]))]
        ):
            raise _refused(
                fmt.ASSESSMENTS,
                rows[0],
                ValidationError(
                    {
                        "assessment": _(
                            "An imported assessment cannot move to another citizen or instrument."
                        )
                    }
                ),
            )
        try:
            assessment_correct(
                actor=self.actor,
                assessment=current,
                expected_revision=current.revision,
                date=date,
                respondent=head["respondent"],
                status=head["status"],
                answers=answers,
            )
        except ValidationError as error:
            raise _refused(fmt.ASSESSMENTS, rows[0], error) from None
        self.counts[Entity.ASSESSMENT]["updated"] += 1


def _rows_insert(model, columns: list[str], rows: list[tuple]) -> None:
    """Inserts validated rows with COPY on PostgreSQL and one prepared statement on SQLite: for
    answers and their keys the ORM's bulk_create spends most of a large import building model
    instances and SQL text."""
    meta = model._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    names = ", ".join(quote(meta.get_field(c).column) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The driver's own COPY, with its errors turned into Django's as for any query.
            sql = f"COPY {table} ({names}) FROM STDIN"
            with connection.wrap_database_errors, cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
            return
        placeholders = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table} ({names}) VALUES ({placeholders})"  # noqa: S608 - model names
        cursor.executemany(sql, rows)


def _keys(source_system: str, entity: str) -> dict[str, int]:
    return dict(
        SourceKey.objects.filter(source_system=source_system, entity=entity).values_list(
            "source_id", "object_id"
        )
    )


def _comparable(item, answer: AnswerInput) -> tuple:
    cleaned = answer_clean(item, answer)
    return (
        cleaned.value,
        cleaned.text,
        list(cleaned.codes),
        cleaned.dont_know,
        cleaned.not_relevant,
        cleaned.comment,
    )


def _answers_of(assessment: Assessment) -> dict[str, tuple]:
    return {
        a.item.code: (a.value, a.text, list(a.codes), a.dont_know, a.not_relevant, a.comment)
        for a in assessment.answers.all()
    }


# Export


def export_ids(source_system: str, entity: str) -> dict[int, str]:
    """The id each object goes out under: the id it came in under from this system, else its
    own primary key."""
    return {
        pk: source_id
        for source_id, pk in SourceKey.objects.filter(
            source_system=source_system, entity=entity
        ).values_list("source_id", "object_id")
    }


def _objects_of_citizen(citizen_id: int) -> dict[str, QuerySet]:
    """The primary keys of each entity that belong to the citizen."""
    of_plan = {"plan__citizen_id": citizen_id}
    return {
        Entity.PROGRAMME: Programme.objects.filter(
            Q(enrolments__citizen_id=citizen_id) | Q(referrals__citizen_id=citizen_id)
        ),
        Entity.CITIZEN: Citizen.objects.filter(pk=citizen_id),
        Entity.ENROLMENT: Enrolment.objects.filter(citizen_id=citizen_id),
        Entity.ASSESSMENT: Assessment.objects.filter(citizen_id=citizen_id),
        Entity.GOAL: Goal.objects.filter(**of_plan),
        Entity.GOAL_EVENT: GoalEvent.objects.filter(goal__plan__citizen_id=citizen_id),
        Entity.ACTIVITY: Activity.objects.filter(**of_plan),
        Entity.MEETING: Meeting.objects.filter(**of_plan),
        Entity.MENTOR: Mentor.objects.filter(**of_plan),
        Entity.PLAN_ROLE: PlanRole.objects.filter(**of_plan),
        Entity.REFERRAL: Referral.objects.filter(citizen_id=citizen_id),
        Entity.COMPANY_CONTACT: CompanyContact.objects.filter(
            mentored_placements__plan__citizen_id=citizen_id
        ),
    }


def export_key(*, citizen_id: int | None = None) -> Callable[[str, int | None], str]:
    """`key(entity, pk)`: the id an object goes out under (`export_ids`). For one citizen's
    export only their objects' ids are read, in one query."""
    system = settings.FREMDRIFT_EXCHANGE_SYSTEM
    if citizen_id is None:
        ids = {entity: export_ids(system, entity) for entity in Entity.values}
    else:
        ids = {entity: {} for entity in Entity.values}
        wanted = Q(pk__in=[])
        for entity, objects in _objects_of_citizen(citizen_id).items():
            wanted |= Q(entity=entity, object_id__in=objects.values("pk"))
        keys = SourceKey.objects.filter(wanted, source_system=system)
        for entity, source_id, pk in keys.values_list("entity", "source_id", "object_id"):
            ids[entity][pk] = source_id

    def key(entity: str, pk: int | None) -> str:
        return "" if pk is None else ids[entity].get(pk, str(pk))

    return key


def package_files_write(
    write: Callable[[fmt.FileSpec, Iterable[dict]], None],
    key: Callable[[str, int | None], str],
    *,
    citizen_id: int | None = None,
) -> None:
    """Every file of the package, in the order of `format.FILES`, as `write(spec, rows)` with
    the rows as dicts of the file's columns. With `citizen_id`, only that citizen's rows (the
    subject-access export): the citizen, their enrolments, answers, referrals and plan, and the
    programmes they are enrolled in or referred to; not the organisations, staff, programme
    instruments or milestones, which hold no row of theirs."""
    programmes = Programme.objects.select_related("organisation", "target_group")
    if citizen_id is not None:
        programmes = programmes.filter(pk__in=_objects_of_citizen(citizen_id)[Entity.PROGRAMME])
    write(
        fmt.PROGRAMMES,
        (
            {
                "id": key(Entity.PROGRAMME, programme.pk),
                "organisation": programme.organisation.name,
                "name": programme.name,
                "description": programme.description,
                "target_group": programme.target_group.code if programme.target_group else "",
                "start_date": programme.start_date,
                "end_date": programme.end_date,
                "capacity": programme.capacity,
                "price": programme.price,
            }
            for programme in programmes.order_by("pk")
        ),
    )
    if citizen_id is None:
        export_programme_parts(write, key)
        export_people_files(write)
        export_code_files(write)
        export_company_files(write, key)

    citizens = rows_of(Citizen.objects, "pk", citizen_id).select_related(
        "home_organisation", "responsible_caseworker", "target_group"
    )
    write(
        fmt.CITIZENS,
        (
            {
                "id": key(Entity.CITIZEN, citizen.pk),
                "cpr": cpr.formatted if (cpr := citizen_cpr(citizen)) else "",
                "first_name": citizen.first_name,
                "last_name": citizen.last_name,
                "target_group": citizen.target_group.code,
                "organisation": citizen.home_organisation.name,
                "caseworker": citizen.responsible_caseworker.username,
                # Only for a citizen without a CPR number, whose birth date it does not hold.
                "birth_date": "" if citizen.has_cpr else citizen.birth_date,
                "sex": "" if citizen.has_cpr else citizen.sex,
            }
            for citizen in citizens.order_by("pk").iterator(chunk_size=2000)
        ),
    )
    enrolments = rows_of(Enrolment.objects, "citizen", citizen_id).select_related("exit_reason")
    write(
        fmt.ENROLMENTS,
        (
            {
                "id": key(Entity.ENROLMENT, enrolment.pk),
                "citizen": key(Entity.CITIZEN, enrolment.citizen_id),
                "programme": key(Entity.PROGRAMME, enrolment.programme_id),
                "start_date": enrolment.start_date,
                "end_date": enrolment.end_date,
                "exit_reason": enrolment.exit_reason.code if enrolment.exit_reason else "",
                "exit_note": enrolment.exit_note,
                "profile_assessment": key(Entity.ASSESSMENT, enrolment.profile_id),
            }
            for enrolment in enrolments.order_by("pk").iterator(chunk_size=2000)
        ),
    )
    answers = (
        rows_of(Answer.objects, "assessment__citizen", citizen_id)
        .order_by("assessment_id", "item__position", "item__code")
        .values_list(
            "assessment_id",
            "assessment__citizen_id",
            "assessment__version__instrument__code",
            "assessment__version__number",
            "assessment__date",
            "assessment__respondent",
            "assessment__status",
            "item__code",
            "value",
            "text",
            "dont_know",
            "not_relevant",
            "comment",
            "codes",
        )
    )
    write(
        fmt.ASSESSMENTS,
        (
            {
                "assessment": key(Entity.ASSESSMENT, pk),
                "citizen": key(Entity.CITIZEN, citizen),
                "instrument": instrument,
                "version": number,
                "date": date,
                "respondent": respondent,
                "status": status,
                "item": item,
                "value": text if value is None else value,
                "comment": comment,
                "dont_know": dont_know,
                "not_relevant": not_relevant,
                "codes": fmt.LIST_SEPARATOR.join(codes),
            }
            for (
                pk,
                citizen,
                instrument,
                number,
                date,
                respondent,
                status,
                item,
                value,
                text,
                dont_know,
                not_relevant,
                comment,
                codes,
            ) in answers.iterator(chunk_size=5000)
        ),
    )
    export_referrals(write, key, citizen_id=citizen_id)
    export_plan_files(write, key, citizen_id=citizen_id)
    if citizen_id is None:  # the subject-access export has its own files of these
        export_vacancy_suggestions(write, key)
        export_case_shares(write, key)


def package_manifest(files: Iterable[str] = tuple(spec.name for spec in fmt.FILES)) -> dict:
    """The manifest of a package that holds `files` (by default every file)."""
    return {
        "format": fmt.FORMAT,
        "version": fmt.FORMAT_VERSION,
        "source_system": settings.FREMDRIFT_EXCHANGE_SYSTEM,
        "files": list(files),
    }


def package_export(*, actor, path: Path | str) -> dict[str, int]:
    """Writes the whole database as an exchange package in the folder `path` (made if needed),
    streaming rows so that memory does not grow with the data. The export holds CPR numbers:
    it is written to the access log."""
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}

    def write(spec: fmt.FileSpec, rows: Iterable[dict]) -> None:
        file = fmt.Writer(folder, spec)
        for row in rows:
            file.write(row)
        file.close()
        counts[spec.name] = file.count

    package_files_write(write, export_key())
    manifest = package_manifest()
    (folder / fmt.MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    access_log_write(
        user=actor,
        action=AccessAction.EXPORT,
        purpose=_("Exchange package"),
        subjects=Citizen.objects.values_list("pk", flat=True),
        path=str(folder)[:200],
    )
    return counts
