import datetime as dt
import math
import re
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q, QuerySet

from fremdrift.accounts.models import User
from fremdrift.core.templatetags.people import person_name

from .models import AccessLogEntry, ChangeRecord


def access_log_search(
    *,
    organisation_id: int,
    citizen_id: int | None = None,
    user_id: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[AccessLogEntry]:
    """Entries an administrator of `organisation_id` may read (by its users, or about its
    citizens) that concern a citizen directly or list them among others, newest first."""
    entries = AccessLogEntry.objects.select_related("user__organisation").filter(
        Q(user__organisation_id=organisation_id)
        | Q(citizen__home_organisation_id=organisation_id)
        | Q(subjects__citizen__home_organisation_id=organisation_id)
    )
    if citizen_id is not None:
        entries = entries.filter(Q(citizen_id=citizen_id) | Q(subjects__citizen_id=citizen_id))
    if user_id is not None:
        entries = entries.filter(user_id=user_id)
    if date_from is not None:
        entries = entries.filter(at__date__gte=date_from)
    if date_to is not None:
        entries = entries.filter(at__date__lte=date_to)
    return entries.distinct().order_by("-at", "-id")


def change_history_search(
    *,
    organisation_id: int,
    citizen_id: int | None = None,
    user_id: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[ChangeRecord]:
    """The change records an administrator of `organisation_id` may read beside the access
    log: changes of its citizens' data, and changes its users made; newest first."""
    changes = ChangeRecord.objects.select_related("actor").filter(
        Q(citizen__home_organisation_id=organisation_id)
        | Q(citizen__isnull=True, actor__organisation_id=organisation_id)
    )
    if citizen_id is not None:
        changes = changes.filter(citizen_id=citizen_id)
    if user_id is not None:
        changes = changes.filter(actor_id=user_id)
    if date_from is not None:
        changes = changes.filter(at__date__gte=date_from)
    if date_to is not None:
        changes = changes.filter(at__date__lte=date_to)
    return changes.order_by("-at", "-id")


def change_summary(change: ChangeRecord) -> str:
    """What a change record changed, in the interface's words: "goal: status, text"."""
    keys = list((change.after or change.before or {}).keys())
    try:
        model = apps.get_model(change.model)
    except (LookupError, ValueError):
        return f"{change.model}: {', '.join(keys)}" if keys else change.model
    names: list[str] = []
    for key in keys:
        try:
            name = str(getattr(model._meta.get_field(key), "verbose_name", key))
        except FieldDoesNotExist:
            name = key
        if name not in names:
            names.append(name)
    what = str(model._meta.verbose_name)
    return f"{what}: {', '.join(names)}" if names else what


@dataclass
class LogPage:
    """One page of the access log's reads and the change history's changes, merged by time,
    newest first; shaped like a Django page for the template."""

    number: int
    num_pages: int
    count: int
    object_list: list = field(default_factory=list)

    @property
    def paginator(self):
        return self

    def has_previous(self) -> bool:
        return self.number > 1

    def has_next(self) -> bool:
        return self.number < self.num_pages

    def previous_page_number(self) -> int:
        return self.number - 1

    def next_page_number(self) -> int:
        return self.number + 1


def access_log_page(*, page: int = 1, per_page: int = 50, **filters) -> LogPage:
    """Reads (`access_log_search`) and changes (`change_history_search`) with the same
    filters, merged by time, newest first, one page of them: in four queries whatever the
    page (the two counts and, of each, the newest rows down to the page's end)."""
    entries = access_log_search(**filters)
    changes = change_history_search(**filters)
    count = entries.count() + changes.count()
    num_pages = max(1, math.ceil(count / per_page))
    number = min(max(1, page), num_pages)
    end = number * per_page
    rows = [*entries[:end]]
    for change in changes[:end]:
        change.is_change = True
        change.summary = change_summary(change)
        rows.append(change)
    rows.sort(key=lambda row: (row.at, row.pk), reverse=True)
    return LogPage(number, num_pages, count, rows[end - per_page : end])


def masked_criterion(criterion: str) -> str:
    """A search criterion as the access log shows it: a CPR number is already masked when
    logged; a name shows only the first letter of each word, unless opened on purpose."""
    if re.fullmatch(r"[\d\s-]*X*", criterion):
        return criterion
    return " ".join(word[0] + "…" for word in criterion.split())


def access_log_entry(*, organisation_id: int, entry_id: int) -> AccessLogEntry | None:
    """One entry of the administrator's organisation's log."""
    return access_log_search(organisation_id=organisation_id).filter(pk=entry_id).first()


def user_access_history(*, organisation_id: int):
    """The organisation's users, and every recorded change of their role, organisation or
    access, newest first (a user moved away stays in the history)."""
    users = list(
        User.objects.filter(organisation_id=organisation_id).order_by("last_name", "username")
    )
    ever = set(
        ChangeRecord.objects.filter(model="accounts.User")
        .filter(Q(before__organisation=organisation_id) | Q(after__organisation=organisation_id))
        .values_list("object_id", flat=True)
    )
    ids = {str(user.pk) for user in users} | ever
    changes = (
        ChangeRecord.objects.filter(model="accounts.User", object_id__in=ids)
        .select_related("actor")
        .order_by("-at", "-id")
    )
    names = {str(user.pk): person_name(user) for user in User.objects.filter(pk__in=ids)}
    return users, [(names.get(change.object_id, change.object_id), change) for change in changes]


def previous_visit(user) -> dt.datetime | None:
    """When the user was last here before this sign-in: the time of their latest access-log
    row before `user.last_login` (which the sign-in has set to now), None when there is none
    (a first sign-in, or rows already purged by the retention)."""
    if user.last_login is None:
        return None
    return (
        AccessLogEntry.objects.filter(user_id=user.pk, at__lt=user.last_login)
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
