"""The only writers of the access log and the change history."""

import datetime as dt
import uuid
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from .models import AccessAction, AccessLogEntry, AccessLogSubject, ChangeRecord


@transaction.atomic
def access_log_write(
    *,
    user,
    action: AccessAction | str,
    citizen=None,
    subjects: Iterable = (),
    purpose: str = "",
    criterion: str = "",
    path: str = "",
) -> AccessLogEntry:
    """One row per response that shows personal data. `criterion` must already be masked."""
    entry = AccessLogEntry.objects.create(
        user=user,
        username=user.get_username(),
        citizen=citizen,
        action=action,
        purpose=purpose[:200],
        criterion=criterion[:200],
        path=path[:200],
    )
    subject_ids = [getattr(s, "pk", s) for s in subjects]
    if subject_ids:
        AccessLogSubject.objects.bulk_create(
            [AccessLogSubject(entry=entry, citizen_id=pk) for pk in subject_ids]
        )
    return entry


@transaction.atomic
def access_log_purge(*, now: dt.datetime | None = None) -> int:
    """Deletes rows older than the retention period; returns how many entries went."""
    cutoff = (now or timezone.now()) - dt.timedelta(
        days=settings.FREMDRIFT_ACCESS_LOG_RETENTION_DAYS
    )
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
        if isinstance(value, dt.date | dt.datetime | uuid.UUID | Decimal):
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
    )
