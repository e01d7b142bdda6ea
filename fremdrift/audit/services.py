"""The only writers of the access log and the change history."""

import datetime as dt
import uuid
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fremdrift.accounts.access import is_integration_client
from fremdrift.accounts.models import Organisation, User
from fremdrift.accounts.roles import Role
from fremdrift.accounts.services import organisation_create, user_create
from fremdrift.core.exceptions import StaleVersion

from . import context
from .models import AccessAction, AccessLogEntry, AccessLogSubject, ChangeRecord
from .routers import request_writes_database


def access_log_write(
    *,
    user,
    action: AccessAction | str,
    citizen=None,
    subjects: Iterable = (),
    purpose: str = "",
    criterion: str = "",
    path: str = "",
    by_citizen: bool = False,
) -> AccessLogEntry:
    """One row per response that shows personal data. `criterion` must already be masked.
    The transaction is the access log's own database's, which on SQLite is not the main one.
    `by_citizen`: the citizen's own look at their data, with no user."""
    with transaction.atomic(using=request_writes_database()):
        entry = AccessLogEntry.objects.create(
            user=None if by_citizen else user,
            username="" if by_citizen else user.get_username(),
            by_citizen=by_citizen,
            citizen=citizen,
            action=action,
            purpose=purpose[:200],
            criterion=criterion[:200],
            path=path[:200],
            api_token_id=context.api_token_id.get(),
        )
        subject_ids = [getattr(s, "pk", s) for s in subjects]
        if subject_ids:
            AccessLogSubject.objects.bulk_create(
                [AccessLogSubject(entry=entry, citizen_id=pk) for pk in subject_ids]
            )
    return entry


def access_log_purge(*, now: dt.datetime | None = None) -> int:
    """Deletes rows older than the retention period; returns how many entries went."""
    cutoff = (now or timezone.now()) - dt.timedelta(
        days=settings.FREMDRIFT_ACCESS_LOG_RETENTION_DAYS
    )
    with transaction.atomic(using=request_writes_database()):
        expired = AccessLogEntry.objects.filter(at__lt=cutoff)
        AccessLogSubject.objects.filter(entry__in=expired).delete()
        count, _ = expired.delete()
    return count


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The plain values of `fields`, for a change record (foreign keys as their ids)."""
    values: dict[str, Any] = {}
    for name in fields:
        field = instance._meta.get_field(name)
        value = getattr(instance, field.attname)
        if isinstance(value, dt.date | dt.datetime | dt.time | uuid.UUID | Decimal):
            value = str(value)
        values[name] = value
    return values


def change_record_write(
    *,
    actor,
    instance: models.Model,
    kind: ChangeRecord.Kind | str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    citizen=None,
    batch: uuid.UUID | None = None,
) -> ChangeRecord | None:
    """Records a change to case data. Called inside the service's own transaction; an update
    that changed nothing records nothing."""
    if kind == ChangeRecord.Kind.UPDATE and before == after:
        return None
    if before is not None and after is not None:
        changed = {k for k in after if before.get(k) != after.get(k)}
        before = {k: v for k, v in before.items() if k in changed}
        after = {k: v for k, v in after.items() if k in changed}
    return ChangeRecord.objects.create(
        actor=actor,
        actor_name=actor.get_username() if actor is not None else "system",
        citizen=citizen,
        model=instance._meta.label,
        object_id=str(instance.pk),
        kind=kind,
        before=before,
        after=after,
        batch=batch,
        api_token_id=context.api_token_id.get(),
    )


# Changes of who may do what: a user's role, organisation and active flag.

ACCESS_FIELDS = ("role", "organisation", "is_active", "is_superuser", "is_staff")


def user_access_state(user) -> dict[str, Any]:
    return {
        "role": user.role,
        "organisation": user.organisation_id,
        "is_active": user.is_active,
        "is_superuser": user.is_superuser,
        "is_staff": user.is_staff,
    }


def user_access_errors(*, actor, user, before: dict[str, Any] | None) -> dict[str, str]:
    """Nobody changes their own access, by any path; an integration client is never staff."""
    if is_integration_client(user) and (user.is_staff or user.is_superuser):
        return {"is_staff": _("An integration client never uses the administration site.")}
    if before is None or actor is None or actor.pk != user.pk:
        return {}
    after = user_access_state(user)
    changed = [field for field in before if before[field] != after[field]]
    if changed:
        return {changed[0]: _("You cannot change your own role, organisation or access.")}
    return {}


def user_access_record(*, actor, user, before: dict[str, Any] | None) -> ChangeRecord | None:
    """The change record of a user's access, written after the save."""
    kind = ChangeRecord.Kind.CREATE if before is None else ChangeRecord.Kind.UPDATE
    return change_record_write(
        actor=actor, instance=user, kind=kind, before=before, after=user_access_state(user)
    )


@transaction.atomic
def staff_member_save(
    *,
    actor,
    username: str,
    organisation,
    role: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    is_active: bool = True,
    may_move: bool = False,
) -> tuple[Any, str]:
    """Creates a person's account (without a password: they sign in through single sign-on
    or an administrator sets one) or brings an existing one of `organisation` up to date;
    returns it with "created", "updated" or "unchanged". An account of another organisation
    is refused unless `may_move` (single sign-on, where the identity provider says where a
    person works). A change of access is refused for the actor's own account, and every
    change of access is a change record."""
    from_before = User.objects.filter(username=username).first()
    if from_before is None:
        user = user_create(
            username=username,
            password=None,
            organisation=organisation,
            role=role,
            first_name=first_name,
            last_name=last_name,
        )
        before = None
        fields = {"email": email, "is_active": is_active}
    else:
        user, before = from_before, user_access_state(from_before)
        moves = user.organisation_id != organisation.pk
        if (moves and not may_move) or is_integration_client(user):
            raise ValidationError({"username": _("This user name is taken.")})
        administrator = role == Role.ADMINISTRATOR
        fields = {
            "organisation": organisation,
            "first_name": first_name,
            "last_name": last_name,
            "email": email,
            "role": role,
            "is_active": is_active,
            "is_staff": administrator,
            "is_superuser": administrator,
        }
    changed = [name for name, value in fields.items() if getattr(user, name) != value]
    for name in changed:
        setattr(user, name, fields[name])
    errors = user_access_errors(actor=actor, user=user, before=before)
    if errors:
        raise ValidationError(errors)
    if changed:
        user.save(update_fields=changed)
    if before is None or before != user_access_state(user):
        user_access_record(actor=actor, user=user, before=before)
    return user, "created" if before is None else "updated" if changed else "unchanged"


@transaction.atomic
def installation_bootstrap(
    *,
    organisation_name: str,
    kind: str,
    username: str,
    email: str,
    first_name: str = "",
    last_name: str = "",
) -> User:
    """The first organisation and its first administrator, on an installation with no
    administrator yet. The administrator has no password: they set one from a one-time link.
    Refused, with nothing created, once any administrator exists."""
    if User.objects.filter(role=Role.ADMINISTRATOR).exists():
        raise ValidationError(
            {"admin": _("This installation has an administrator; they create the others.")}
        )
    errors = {}
    if kind not in Organisation.Kind.values:
        errors["kind"] = _("Choose authority, provider or project.")
    if not organisation_name.strip():
        errors["organisation"] = _("Give the organisation's name.")
    if "@" not in email:
        errors["email"] = _("Give the administrator's email address.")
    if errors:
        raise ValidationError(errors)
    organisation = Organisation.objects.filter(name=organisation_name.strip()).first()
    if organisation is None:
        organisation = organisation_create(name=organisation_name.strip(), kind=kind)
    user, _state = staff_member_save(
        actor=None,
        username=username,
        organisation=organisation,
        role=Role.ADMINISTRATOR,
        first_name=first_name,
        last_name=last_name,
        email=email,
    )
    return user


# The audited write: HackSoft's `model_update` with the change history and the version.

Tracked = Iterable[str] | Callable[[models.Model], dict[str, Any]]


def _state(instance: models.Model, tracked: Tracked) -> dict[str, Any]:
    return tracked(instance) if callable(tracked) else snapshot(instance, tracked)


def _version_field(model: type[models.Model], name: str | None) -> str | None:
    """`name` if the model counts its versions in that integer field, else None."""
    if name is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    if field.is_relation or not isinstance(field, models.IntegerField):
        return None
    return name


def lock_for_update(
    instance: models.Model,
    *,
    expected_version: int | None = None,
    version_field: str | None = "version",
    related: Iterable[str] = (),
) -> models.Model:
    """The row of `instance` read again and locked until the transaction ends. With
    `expected_version`, StaleVersion if the row's version has moved on since the caller read
    it. Services that check the locked row before they change it call this, then
    `audited_update(lock=False)`."""
    model = type(instance)
    rows = model._default_manager.select_for_update()
    if related:
        rows = rows.select_related(*related)
    current = rows.get(pk=instance.pk)
    _check_version(current, expected_version, _version_field(model, version_field))
    return current


def _check_version(instance, expected_version: int | None, version: str | None) -> None:
    if expected_version is None:
        return
    if version is None:
        raise TypeError(f"{instance._meta.label} counts no versions to check against.")
    if getattr(instance, version) != expected_version:
        raise StaleVersion


def _set(instance: models.Model, data: dict[str, Any]) -> list[str]:
    """Sets the fields of `data` whose value differs; returns their names."""
    changed = []
    for name, value in data.items():
        field = instance._meta.get_field(name)
        if field.many_to_one or field.one_to_one:
            new = value.pk if isinstance(value, models.Model) else value
            if getattr(instance, field.attname) == new:
                continue
            if isinstance(value, models.Model) or value is None:
                setattr(instance, name, value)
            else:
                setattr(instance, field.attname, value)
        else:
            if getattr(instance, name) == value:
                continue
            setattr(instance, name, value)
        changed.append(name)
    return changed


def _auto_now(model: type[models.Model]) -> list[str]:
    return [
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, models.DateField) and getattr(f, "auto_now", False)
    ]


def audited_update(
    *,
    actor,
    instance: models.Model,
    expected_version: int | None,
    data: dict[str, Any],
    tracked: Tracked,
    citizen=None,
    batch: uuid.UUID | None = None,
    lock: bool = True,
    version_field: str | None = "version",
    related: Callable[[models.Model], None] | None = None,
    touch: bool = False,
) -> models.Model:
    """Changes a case record and keeps its history, in the caller's transaction:

    * with `lock`, reads the row again `select_for_update` (without, `instance` is a row the
      caller has locked already);
    * with `expected_version`, refuses with StaleVersion a row whose version moved on;
    * snapshots `tracked` (field names, or a function of the instance that gives the values
      the change history keeps), sets the fields of `data` whose value differs, lets `related`
      write the row's related rows (answers, items), and snapshots again;
    * when the snapshot changed (or with `touch`, always: the change lies where the snapshot
      does not look, as a goal's rating in its event), adds one to `version_field` (when the
      model has that integer field), saves only the changed fields, the version and the
      `auto_now` fields, and writes the change record with the values before and after;
      when nothing changed, writes nothing.

    Returns the instance as saved. Validation is the caller's, before this is called."""
    model = type(instance)
    version = _version_field(model, version_field)
    tracked = tracked if callable(tracked) else tuple(tracked)
    if lock:
        instance = lock_for_update(instance, expected_version=None, version_field=version)
    _check_version(instance, expected_version, version)
    before = _state(instance, tracked)
    fields = _set(instance, data)
    if related is not None:
        related(instance)
    after = _state(instance, tracked)
    if after == before and not touch:
        return instance
    if version:
        setattr(instance, version, getattr(instance, version) + 1)
        fields.append(version)
    instance.save(update_fields=[*fields, *(f for f in _auto_now(model) if f not in fields)])
    change_record_write(
        actor=actor,
        instance=instance,
        kind=ChangeRecord.Kind.UPDATE,
        before=before,
        after=after,
        citizen=citizen,
        batch=batch,
    )
    return instance


def audited_create(
    *,
    actor,
    model: type[models.Model],
    data: dict[str, Any],
    tracked: Tracked,
    citizen=None,
    batch: uuid.UUID | None = None,
    related: Callable[[models.Model], None] | None = None,
) -> models.Model:
    """Creates a case record from `data`, lets `related` write its related rows, and keeps
    the creation in the change history with the `tracked` values (as `audited_update`).
    `citizen` may be a function of the new row (a citizen's own creation)."""
    instance = model._default_manager.create(**data)
    if related is not None:
        related(instance)
    change_record_write(
        actor=actor,
        instance=instance,
        kind=ChangeRecord.Kind.CREATE,
        before=None,
        after=_state(instance, tracked),
        citizen=citizen(instance) if callable(citizen) else citizen,
        batch=batch,
    )
    return instance
