"""When assessments are due: cadences ('every 14 days', 'every 3 months', 'after 15, 30, 60 and
90 days, then every 3 months') that can change during a course without losing what was due
before. Pure functions of dates; no database.

The first period's start date is the baseline and is always due. A later period (a changed
cadence) takes over from its start: its first due date is one interval (or its first step)
after the change, unless it says `due_at_start`.

An assessment covers the due date nearest to it (on a tie, the earlier one), so one done a few
days early or late counts for that date, and one assessment never covers two due dates.
"""

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass


def add_months(day: dt.date, months: int) -> dt.date:
    """`months` calendar months later, on the same day or the month's last day if shorter."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


@dataclass(frozen=True)
class CadenceRule:
    every_days: int | None = None
    every_months: int | None = None
    steps_days: tuple[int, ...] = ()
    due_at_start: bool = False

    def __post_init__(self):
        if self.every_days is not None and self.every_months is not None:
            raise ValueError("every_days and every_months: give one or the other, not both")
        for name in ("every_days", "every_months"):
            value = getattr(self, name)
            if value is not None and value <= 0:
                raise ValueError(f"{name}: must be a positive whole number")
        steps = list(self.steps_days)
        if any(step <= 0 for step in steps) or steps != sorted(set(steps)):
            raise ValueError("steps_days: must be positive and strictly increasing")
        if self.every_days is None and self.every_months is None and not steps:
            raise ValueError("every_days: give an interval or steps")

    def describe(self) -> str:
        if self.every_days:
            repeat = f"every {self.every_days} days"
        elif self.every_months:
            repeat = (
                "every month" if self.every_months == 1 else f"every {self.every_months} months"
            )
        else:
            repeat = ""
        if not self.steps_days:
            return repeat
        steps = [str(step) for step in self.steps_days]
        listed = steps[0] if len(steps) == 1 else ", ".join(steps[:-1]) + " and " + steps[-1]
        return f"after {listed} days" + (f", then {repeat}" if repeat else "")

    def dates_from(self, start: dt.date, *, before: dt.date, include_start: bool) -> list[dt.date]:
        """This rule's due dates from `start` up to (not including) `before`."""
        dates = [start] if include_start else []
        dates += [start + dt.timedelta(days=step) for step in self.steps_days]
        anchor = dates[-1] if self.steps_days else start
        if self.every_days or self.every_months:
            k = 1
            while True:
                if self.every_days:
                    day = anchor + dt.timedelta(days=self.every_days * k)
                else:
                    day = add_months(anchor, self.every_months * k)
                if day >= before:
                    break
                dates.append(day)
                k += 1
        return [day for day in dates if day < before]


@dataclass(frozen=True)
class CadencePeriod:
    rule: CadenceRule
    starts_on: dt.date


def due_dates(periods: Sequence[CadencePeriod], *, until: dt.date) -> list[dt.date]:
    """Every due date up to and including `until`."""
    ordered = sorted(periods, key=lambda p: p.starts_on)
    dates: list[dt.date] = []
    for index, period in enumerate(ordered):
        end = ordered[index + 1].starts_on if index + 1 < len(ordered) else None
        before = min(end, until + dt.timedelta(days=1)) if end else until + dt.timedelta(days=1)
        dates += period.rule.dates_from(
            period.starts_on, before=before, include_start=index == 0 or period.rule.due_at_start
        )
    return sorted(set(dates))


@dataclass(frozen=True)
class DueStatus:
    next_due: dt.date | None
    overdue: bool
    days_overdue: int
    missed: int


def covered(dates: Sequence[dt.date], done: Sequence[dt.date]) -> set[dt.date]:
    """The due dates that some assessment covers (each assessment covers its nearest)."""
    hits: set[dt.date] = set()
    for day in done:
        if dates:
            hits.add(min(dates, key=lambda due: (abs((due - day).days), due)))
    return hits


def due_status(
    periods: Sequence[CadencePeriod],
    *,
    done: Sequence[dt.date],
    today: dt.date,
    grace_days: int = 0,
) -> DueStatus:
    if not periods:
        return DueStatus(next_due=None, overdue=False, days_overdue=0, missed=0)
    last = max(done) if done else None
    horizon = max(today, last or today) + dt.timedelta(days=800)
    dates = due_dates(periods, until=horizon)
    hits = covered(dates, done)
    missed = sum(1 for day in dates if day < today and day not in hits)
    next_due = next(
        (day for day in dates if day not in hits and (last is None or day >= last)), None
    )
    if next_due is None:
        return DueStatus(next_due=None, overdue=False, days_overdue=0, missed=missed)
    late = (today - next_due).days
    overdue = late > grace_days
    return DueStatus(
        next_due=next_due, overdue=overdue, days_overdue=late if overdue else 0, missed=missed
    )
