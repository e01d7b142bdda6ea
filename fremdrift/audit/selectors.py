import datetime as dt
import re

from django.db.models import Q, QuerySet

from fremdrift.accounts.models import User

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
    changes = ChangeRecord.objects.filter(model="accounts.User", object_id__in=ids).order_by(
        "-at", "-id"
    )
    names = dict(
        (str(pk), username)
        for pk, username in User.objects.filter(pk__in=ids).values_list("pk", "username")
    )
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
