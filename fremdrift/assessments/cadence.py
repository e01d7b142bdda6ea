"""When assessments are due, and whether a citizen is overdue. Pure functions of dates.

A cadence is a `CadenceRule` ("every 14 days", "every 3 months", "after 15, 30, 60 and 90
days, then every 3 months"). A course is a sequence of `CadencePeriod`s: a rule and the date
it takes effect. The earliest period's start date is the baseline and is always due. A later
period replaces the earlier one from its `starts_on`: due dates before that day come from the
old rule, due dates from that day on from the new rule, counted from `starts_on`. The new
rule's first due date is `starts_on` plus its first step or interval, not `starts_on` itself,
unless the rule says `due_at_start=True`.

Month intervals are computed from the anchor by multiplication (anchor + k months), clamped to
the month's last day, so a cadence from 31 January gives 31 Jan, 29 Feb, 31 Mar, 30 Apr ...
and never drifts to the 28th.

Covering rule (`due_status`): each completed assessment covers exactly one due date, the one
nearest to it in days; on a tie (an assessment exactly half-way) the earlier due date. So an
assessment done a few days early or late counts for that due date, and one assessment never
covers two due dates. Several assessments may cover the same due date; the extra ones do not
cover anything else.
"""

import calendar
import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import count, islice, takewhile

ONE_DAY = dt.timedelta(days=1)


def add_months(day: dt.date, months: int) -> dt.date:
    """`months` calendar months after `day` (before it if negative), on the same day of the
    month, or on the month's last day if that month is shorter: 31 Jan + 1 = 28/29 Feb."""
    index = day.year * 12 + (day.month - 1) + months
    year, month0 = divmod(index, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return dt.date(year, month0 + 1, min(day.day, last))


def _is_whole_number(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True)
class CadenceRule:
    """A cadence, counted from the start of the period that uses it.

    `steps_days` are offsets in days from the start, strictly increasing and positive. The
    repeat (`every_days` or `every_months`, at most one) continues from the last step's date,
    or from the start without steps. A rule needs an interval, steps or both.
    `due_at_start` makes the period's own start date due as well; the first period of a
    course always has its start date (the baseline) due.
    """

    every_days: int | None = None
    every_months: int | None = None
    steps_days: tuple[int, ...] = ()
    due_at_start: bool = False

    def __post_init__(self):
        for name in ("every_days", "every_months"):
            value = getattr(self, name)
            if value is not None and (not _is_whole_number(value) or value <= 0):
                raise ValueError(
                    f"{name} must be a positive whole number of "
                    f"{name.removeprefix('every_')}, got {value!r}"
                )
        if self.every_days is not None and self.every_months is not None:
            raise ValueError("every_days and every_months cannot both be given; choose one")
        try:
            steps = tuple(self.steps_days)
        except TypeError:
            raise ValueError(
                f"steps_days must be a sequence of whole days, got {self.steps_days!r}"
            ) from None
        if not all(_is_whole_number(step) and step > 0 for step in steps):
            raise ValueError(f"steps_days must be positive whole days, got {steps!r}")
        if any(a >= b for a, b in zip(steps, steps[1:], strict=False)):
            raise ValueError(f"steps_days must be strictly increasing, got {steps!r}")
        object.__setattr__(self, "steps_days", steps)
        if self.every_days is None and self.every_months is None and not steps:
            raise ValueError("every_days, every_months or steps_days: give an interval or steps")

    @property
    def repeats(self) -> bool:
        return self.every_days is not None or self.every_months is not None

    def describe(self) -> str:
        """English, e.g. "every 14 days", "after 15, 30, 60 and 90 days, then every 3 months"."""
        if self.every_days is not None:
            repeat = "every day" if self.every_days == 1 else f"every {self.every_days} days"
        elif self.every_months is not None:
            repeat = (
                "every month" if self.every_months == 1 else f"every {self.every_months} months"
            )
        else:
            repeat = ""
        if not self.steps_days:
            return repeat
        steps = [str(step) for step in self.steps_days]
        listed = steps[0] if len(steps) == 1 else ", ".join(steps[:-1]) + " and " + steps[-1]
        unit = "day" if self.steps_days == (1,) else "days"
        return f"after {listed} {unit}" + (f", then {repeat}" if repeat else "")

    def dates(self, start: dt.date, *, include_start: bool) -> Iterator[dt.date]:
        """This rule's due dates counted from `start`, strictly increasing; endless when the
        rule repeats (it stops at the end of the calendar, year 9999)."""
        if include_start:
            yield start
        anchor = start
        for step in self.steps_days:
            try:
                anchor = start + dt.timedelta(days=step)
            except OverflowError:
                return
            yield anchor
        if not self.repeats:
            return
        for k in count(1):
            try:
                if self.every_days is not None:
                    yield anchor + dt.timedelta(days=self.every_days * k)
                else:
                    yield add_months(anchor, self.every_months * k)
            except (OverflowError, ValueError):
                return


@dataclass(frozen=True)
class CadencePeriod:
    """`rule` applies from `starts_on` until the next period's `starts_on`."""

    rule: CadenceRule
    starts_on: dt.date


def iter_due_dates(periods: Sequence[CadencePeriod]) -> Iterator[dt.date]:
    """All due dates of a course, strictly increasing; endless when the last rule repeats.

    Periods are taken in order of `starts_on`; of two with the same `starts_on`, the one later
    in `periods` wins. The earliest `starts_on` is always due (the baseline).
    """
    ordered = sorted(periods, key=lambda period: period.starts_on)  # stable
    if not ordered:
        return
    baseline = ordered[0].starts_on
    for index, period in enumerate(ordered):
        end = ordered[index + 1].starts_on if index + 1 < len(ordered) else None
        if end is not None and end <= period.starts_on:
            continue  # replaced on its first day
        include_start = period.starts_on == baseline or period.rule.due_at_start
        dates = period.rule.dates(period.starts_on, include_start=include_start)
        if end is None:
            yield from dates
        else:
            yield from takewhile(lambda day, end=end: day < end, dates)


def due_dates(periods: Sequence[CadencePeriod], *, until: dt.date) -> list[dt.date]:
    """All due dates up to and including `until`, strictly increasing."""
    return list(takewhile(lambda day: day <= until, iter_due_dates(periods)))


@dataclass(frozen=True)
class DueStatus:
    next_due: dt.date | None  # None when the cadence has no more due dates
    overdue: bool
    days_overdue: int  # days since next_due when overdue (grace days included), else 0
    missed: int  # due dates before today that no assessment covers


def _nearest(dates: Sequence[dt.date], day: dt.date) -> dt.date:
    """The due date nearest to `day`; on a tie the earlier one."""
    return min(dates, key=lambda due: (abs((due - day).days), due))


def due_status(
    periods: Sequence[CadencePeriod],
    *,
    done: Sequence[dt.date],
    today: dt.date,
    grace_days: int = 0,
) -> DueStatus:
    """Where a citizen stands on one instrument.

    Each date in `done` (completed assessments) covers the due date nearest to it (on a tie
    the earlier); see the module docstring. `next_due` is the first uncovered due date on or
    after the latest assessment (or the first uncovered due date if nothing is done), so old
    misses stop counting against the citizen once a newer assessment exists. `overdue` when
    `next_due` is before `today - grace_days`; due today is not overdue. `days_overdue` counts
    from `next_due` itself. `missed` counts every uncovered due date before `today`, including
    old ones before the latest assessment.
    """
    if grace_days < 0:
        raise ValueError(f"grace_days must not be negative, got {grace_days!r}")
    last = max(done, default=None)
    horizon = max(today, last) if last is not None else today
    # Every due date up to the horizon, then two more: an assessment on or before the horizon
    # can at most cover the first due date after it, so the second is uncovered and
    # `next_due` is always found while the cadence repeats.
    dates_iter = iter_due_dates(periods)
    dates: list[dt.date] = []
    for day in dates_iter:
        dates.append(day)
        if day > horizon:
            break
    dates += islice(dates_iter, 1)

    covered = {_nearest(dates, day) for day in done} if dates else set()
    missed = sum(1 for day in dates if day < today and day not in covered)
    next_due = next(
        (day for day in dates if day not in covered and (last is None or day >= last)), None
    )
    if next_due is None:
        return DueStatus(next_due=None, overdue=False, days_overdue=0, missed=missed)
    late = (today - next_due).days
    overdue = late > grace_days
    return DueStatus(
        next_due=next_due, overdue=overdue, days_overdue=late if overdue else 0, missed=missed
    )
