"""The caseworker's daily digest: how many assessments in their caseload are overdue and due
within the week, by case number and first name only (a mail leaves the system)."""

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _

from fremdrift.accounts.models import Role, User
from fremdrift.assessments.models import Follow
from fremdrift.audit.models import AccessAction
from fremdrift.audit.services import access_log_write

DUE_WITHIN_DAYS = 7


def due_follows(today: dt.date) -> dict[int, list[Follow]]:
    """The active follows overdue or due within the week, by responsible caseworker, in one
    query."""
    found: dict[int, list[Follow]] = defaultdict(list)
    for follow in (
        Follow.objects.filter(
            is_active=True,
            next_due__lte=today + dt.timedelta(days=DUE_WITHIN_DAYS),
            citizen__responsible_caseworker__isnull=False,
        )
        .select_related("citizen", "instrument")
        .order_by("next_due", "citizen_id")
    ):
        found[follow.citizen.responsible_caseworker_id].append(follow)
    return found


def digest_line(follow: Follow, today: dt.date) -> str:
    when = (_("overdue since %(day)s") if follow.next_due < today else _("due %(day)s")) % {
        "day": follow.next_due.strftime("%d.%m.%Y")
    }
    return _("Case %(case)s (%(first_name)s): %(instrument)s, %(when)s") % {
        "case": follow.citizen_id,
        "first_name": follow.citizen.first_name,
        "instrument": follow.instrument.name,
        "when": when,
    }


def digests_send(today: dt.date | None = None) -> str:
    """One mail to each active caseworker with an address and something due. A mail shows
    personal data (first names), so each is an access-log row with its citizens."""
    today = today or dt.date.today()
    due = due_follows(today)
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for caseworker in User.objects.filter(
            pk__in=list(due), role=Role.CASEWORKER, is_active=True, kind=User.Kind.PERSON
        ).exclude(email=""):
            follows = due[caseworker.pk]
            lines = [digest_line(follow, today) for follow in follows]
            body = "\n".join(
                [
                    _("Good morning %(name)s,") % {"name": caseworker.first_name},
                    "",
                    _("Assessments overdue and due within a week in your caseload:"),
                    "",
                    *lines,
                    "",
                    settings.FREMDRIFT_BASE_URL.rstrip("/") + "/citizens/",
                ]
            )
            send_mail(
                _("Fremdrift: %(count)d assessments due") % {"count": len(lines)},
                body,
                None,
                [caseworker.email],
            )
            access_log_write(
                user=caseworker,
                action=AccessAction.LIST,
                subjects={follow.citizen for follow in follows},
                purpose=_("Daily digest by mail"),
            )
            sent += 1
    return f"{sent} digests sent"
