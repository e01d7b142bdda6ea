"""The organisations and staff of an exchange package (version 2), read before every other file
so that a package imports where they are not yet set up. `PeopleFilesCheck` is the first pass,
`PeopleFilesWrite` the second; each is mixed into the package's check and write.

An import acts inside the importer's organisation: it creates providers and projects, never an
authority, and creates or changes staff of the importer's own organisation only. Passwords are
never carried: imported staff sign in through single sign-on or get a reset link."""

import copy

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from fremdrift.accounts.models import Organisation, User
from fremdrift.accounts.roles import Role
from fremdrift.audit.services import (
    audited_create,
    staff_member_save,
    user_access_errors,
    user_access_state,
)

from . import format as fmt

NAME_MAX = 150
USERNAME = UnicodeUsernameValidator()


def active_flag(text: str) -> bool:
    """The `active` column: yes when empty."""
    return True if not text.strip() else fmt.parse_bool(text)


class PeopleFilesCheck:
    """Mixed into check.PackageCheck: `error`, `read`, `parsed`, `text`, `lookups`,
    `organisation` and `actor` come from there."""

    def people_files(self) -> None:
        self.package_users: dict[str, User] = {}
        names: set[str] = set()
        for row in self.read(fmt.ORGANISATIONS):
            self.organisation_row(row, names)
        usernames: set[str] = set()
        for row in self.read(fmt.STAFF):
            self.staff_row(row, usernames)

    def organisation_row(self, row: fmt.Row, names: set[str]) -> None:
        spec = fmt.ORGANISATIONS
        values = row.values
        name, kind = values["name"], values["kind"]
        if name in names:
            self.error(spec, row.line, "name", _("The organisation has two rows."))
        names.add(name)
        self.text(spec, row, "name", 200)
        self.parsed(spec, row, "active", fmt.parse_bool)
        if kind not in Organisation.Kind.values:
            self.error(spec, row.line, "kind", _("Write authority, provider or project."))
            return
        existing = Organisation.objects.filter(name=name).first()
        if existing is None:
            if kind == Organisation.Kind.AUTHORITY:
                self.error(
                    spec,
                    row.line,
                    "kind",
                    _("An authority is set up in Fremdrift, not by an import."),
                )
            else:
                self.lookups.organisations[name] = Organisation(name=name, kind=kind)
        elif existing.kind == Organisation.Kind.AUTHORITY and existing != self.organisation:
            self.error(
                spec,
                row.line,
                "name",
                _("Another authority: an import writes only into %(organisation)s.")
                % {"organisation": self.organisation.name},
            )
        elif existing.kind != kind:
            self.error(
                spec, row.line, "kind", _("The organisation is of another kind in Fremdrift.")
            )

    def staff_row(self, row: fmt.Row, usernames: set[str]) -> None:
        spec = fmt.STAFF
        values = row.values
        username, role = values["username"], values["role"]
        if username in usernames:
            self.error(spec, row.line, "username", _("The user name has two rows."))
        usernames.add(username)
        try:
            USERNAME(username)
            if len(username) > NAME_MAX:
                raise ValidationError("")
        except ValidationError:
            self.error(
                spec,
                row.line,
                "username",
                _("Letters, digits and @ . + - _ only, at most 150 characters."),
            )
        for column in ("first_name", "last_name"):
            self.text(spec, row, column, NAME_MAX)
        if values["email"]:
            try:
                validate_email(values["email"])
            except ValidationError:
                self.error(spec, row.line, "email", _("This is not an email address."))
        if values["organisation"] != self.organisation.name:
            self.error(
                spec,
                row.line,
                "organisation",
                _("Staff are imported into %(organisation)s only.")
                % {"organisation": self.organisation.name},
            )
            return
        if role not in Role.values:
            self.error(spec, row.line, "role", _("Unknown role."))
            return
        active = self.parsed(spec, row, "active", active_flag)
        active = True if active is None else active
        existing = User.objects.filter(username=username).first()
        if existing is not None:
            if (
                existing.kind != User.Kind.PERSON
                or existing.organisation_id != self.organisation.pk
            ):
                self.error(spec, row.line, "username", _("This user name is taken."))
                return
            proposed = copy.copy(existing)
            proposed.role, proposed.is_active = role, active
            errors = user_access_errors(
                actor=self.actor, user=proposed, before=user_access_state(existing)
            )
            for column, message in errors.items():
                self.error(spec, row.line, "active" if column == "is_active" else column, message)
        # As the rows after this one will find the user once it is written.
        user = User(
            pk=existing.pk if existing else None,
            username=username,
            organisation=self.organisation,
            role=role,
            is_active=active,
        )
        self.lookups.caseworkers.pop(username, None)
        if active and role == Role.CASEWORKER:
            self.lookups.caseworkers[username] = user
        if active:
            self.package_users[username] = user


class PeopleFilesWrite:
    """Mixed into services._PackageWrite: `actor`, `rows`, `write_rows`, `counts` and
    `reload_lookups` come from there."""

    def people_files(self) -> None:
        self.write_rows(fmt.ORGANISATIONS, self.organisation_row)
        self.write_rows(fmt.STAFF, self.staff_row)
        self.reload_lookups()

    def organisation_row(self, row: fmt.Row) -> None:
        values = row.values
        if Organisation.objects.filter(name=values["name"]).exists():
            self.counts["organisation"]["unchanged"] += 1
            return
        audited_create(
            actor=self.actor,
            model=Organisation,
            data={
                "name": values["name"],
                "kind": values["kind"],
                "is_active": active_flag(values["active"]),
            },
            tracked=("name", "kind", "is_active"),
        )
        self.counts["organisation"]["created"] += 1

    def staff_row(self, row: fmt.Row) -> None:
        values = row.values
        _user, what = staff_member_save(
            actor=self.actor,
            username=values["username"],
            organisation=self.actor.organisation,
            role=values["role"],
            first_name=values["first_name"],
            last_name=values["last_name"],
            email=values["email"],
            is_active=active_flag(values["active"]),
        )
        self.counts["staff"][what] += 1


def export_people_files(write) -> None:
    """Writes every organisation and every person's account (never an integration client's,
    never a password)."""
    write(
        fmt.ORGANISATIONS,
        (
            {"name": o.name, "kind": o.kind, "active": o.is_active}
            for o in Organisation.objects.order_by("name")
        ),
    )
    write(
        fmt.STAFF,
        (
            {
                "username": u.username,
                "first_name": u.first_name,
                "last_name": u.last_name,
                "email": u.email,
                "organisation": u.organisation.name,
                "role": u.role,
                "active": u.is_active,
            }
            for u in User.objects.filter(kind=User.Kind.PERSON, organisation__isnull=False)
            .exclude(role="")
            .select_related("organisation")
            .order_by("username")
        ),
    )
