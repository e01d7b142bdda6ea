"""The rules of dates and periods that many entities share, as pure functions returning the
errors by field (`{field: [message, ...]}`, empty when all is well). Each entity's
`<entity>_errors` in its services module is built from these; the service and the exchange
package's check pass both call it, so a rule and its message are written once."""

import datetime as dt

from django.utils.translation import gettext as _

Errors = dict[str, list[str]]


def merged(*parts: Errors) -> Errors:
    """The errors of several checks together, field by field."""
    result: Errors = {}
    for part in parts:
        for field, messages in part.items():
            result.setdefault(field, []).extend(messages)
    return result


def period_errors(start: dt.date | None, end: dt.date | None, *, field: str = "end_date") -> Errors:
    """A period ends on or after its start (an open end or an unknown start passes)."""
    if start is not None and end is not None and end < start:
        return {field: [_("The end date cannot be before the start date.")]}
    return {}


def interval_errors(days: int | None, *, field: str = "interval_days") -> Errors:
    """A cadence of 1 to 366 days (none passes)."""
    if days is not None and not 1 <= days <= 366:
        return {field: [_("Choose from 1 to 366 days.")]}
    return {}


def day_errors(day: dt.date | None, *, born: dt.date | None = None, field: str = "date") -> Errors:
    """A day that has happened, and not before the citizen's birth."""
    if day is None:
        return {}
    if day > dt.date.today():
        return {field: [_("The date cannot be in the future.")]}
    if born is not None and day < born:
        return {field: [_("The date cannot be before the citizen's birth.")]}
    return {}
