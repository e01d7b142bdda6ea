"""The caseworker's daily digest: how many assessments in their caseload are overdue and due
within the week, by case number and first name only (a mail leaves the system)."""

import datetime as dt

from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _

from fremdrift.accounts.models import Role, User
from fremdrift.assessments.models import Follow

DUE_WITHIN_DAYS = 7


def digest_lines(caseworker, today: dt.date) -> list[str]:
    follows = (
        Follow.objects.filter(
            is_active=True,
            citizen__responsible_caseworker=caseworker,
            next_due__lte=today + dt.timedelta(days=DUE_WITHIN_DAYS),
        )
        .select_related("citizen", "instrument")
        .order_by("next_due", "citizen_id")
    )
    lines = []
    for follow in follows:
        when = (_("overdue since %(day)s") if follow.next_due < today else _("due %(day)s")) % {
            "day": follow.next_due.strftime("%d.%m.%Y")
        }
        lines.append(
            _("Case %(case)s (%(first_name)s): %(instrument)s, %(when)s")
            % {
                "case": follow.citizen_id,
                "first_name": follow.citizen.first_name,
                "instrument": follow.instrument.name,
                "when": when,
            }
        )
    return lines


def digests_send(today: dt.date | None = None) -> str:
    """One mail to each active caseworker with an address and something due."""
    today = today or dt.date.today()
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for caseworker in User.objects.filter(
            role=Role.CASEWORKER, is_active=True, kind=User.Kind.PERSON
        ).exclude(email=""):
            lines = digest_lines(caseworker, today)
            if not lines:
                continue
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
            sent += 1
    return f"{sent} digests sent"
