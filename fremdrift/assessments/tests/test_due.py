"""Due and overdue assessments across month ends, year ends and leap years."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fremdrift.assessments.due import (
    CadencePeriod,
    CadenceRule,
    add_months,
    due_dates,
    due_status,
)

D = dt.date


def dates(rule, start, until):
    return due_dates([CadencePeriod(rule=rule, starts_on=start)], until=until)


def test_every_14_days_across_a_month_end_and_a_year_end():
    assert dates(CadenceRule(every_days=14), D(2025, 12, 10), D(2026, 1, 31)) == [
        D(2025, 12, 10),
        D(2025, 12, 24),
        D(2026, 1, 7),
        D(2026, 1, 21),
    ]


def test_every_month_from_the_31st_in_a_leap_year_and_after():
    assert dates(CadenceRule(every_months=1), D(2024, 1, 31), D(2024, 5, 1)) == [
        D(2024, 1, 31),
        D(2024, 2, 29),
        D(2024, 3, 31),
        D(2024, 4, 30),
    ]
    assert dates(CadenceRule(every_months=1), D(2025, 1, 31), D(2025, 3, 1))[1] == D(2025, 2, 28)


def test_every_3_months_from_30_november():
    assert dates(CadenceRule(every_months=3), D(2025, 11, 30), D(2026, 9, 1)) == [
        D(2025, 11, 30),
        D(2026, 2, 28),
        D(2026, 5, 30),
        D(2026, 8, 30),
    ]


def test_every_12_months_from_a_leap_day():
    assert dates(CadenceRule(every_months=12), D(2024, 2, 29), D(2028, 3, 1)) == [
        D(2024, 2, 29),
        D(2025, 2, 28),
        D(2026, 2, 28),
        D(2027, 2, 28),
        D(2028, 2, 29),
    ]


def test_steps_then_every_3_months():
    rule = CadenceRule(steps_days=(15, 30, 60, 90), every_months=3)
    start = D(2026, 1, 1)
    assert dates(rule, start, D(2026, 10, 1)) == [
        start,
        D(2026, 1, 16),
        D(2026, 1, 31),
        D(2026, 3, 2),
        D(2026, 4, 1),
        D(2026, 7, 1),
        D(2026, 10, 1),
    ]
    assert rule.describe() == "after 15, 30, 60 and 90 days, then every 3 months"


def test_a_changed_cadence_keeps_what_was_due_before():
    periods = [
        CadencePeriod(CadenceRule(every_days=14), D(2026, 1, 1)),
        CadencePeriod(CadenceRule(every_months=1), D(2026, 2, 10)),
    ]
    assert due_dates(periods, until=D(2026, 5, 1)) == [
        D(2026, 1, 1),
        D(2026, 1, 15),
        D(2026, 1, 29),  # the old cadence, before the change
        D(2026, 3, 10),
        D(2026, 4, 10),  # the new one, counted from the change
    ]
    with_start = [
        periods[0],
        CadencePeriod(CadenceRule(every_months=1, due_at_start=True), D(2026, 2, 10)),
    ]
    assert D(2026, 2, 10) in due_dates(with_start, until=D(2026, 3, 1))


def status(done, today, **kwargs):
    return due_status(
        [CadencePeriod(CadenceRule(every_days=14), D(2026, 1, 1))], done=done, today=today, **kwargs
    )


def test_nothing_done_the_baseline_is_due_at_start_and_overdue_the_day_after():
    assert status([], D(2026, 1, 1)).next_due == D(2026, 1, 1)
    assert not status([], D(2026, 1, 1)).overdue
    late = status([], D(2026, 1, 2))
    assert late.overdue and late.days_overdue == 1 and late.missed == 1


def test_on_time_and_a_little_late_both_cover_their_due_date():
    on_time = status([D(2026, 1, 1)], D(2026, 1, 10))
    assert on_time.next_due == D(2026, 1, 15) and not on_time.overdue
    late = status([D(2026, 1, 1), D(2026, 1, 18)], D(2026, 1, 20))
    assert late.next_due == D(2026, 1, 29) and late.missed == 0


def test_an_old_miss_does_not_keep_a_citizen_overdue():
    result = status([D(2026, 1, 1), D(2026, 2, 12)], D(2026, 2, 20))
    assert result.missed == 2  # 15 and 29 January
    assert result.next_due == D(2026, 2, 26) and not result.overdue


def test_due_today_is_not_overdue_and_grace_days_count():
    assert not status([D(2026, 1, 1)], D(2026, 1, 15)).overdue
    assert status([D(2026, 1, 1)], D(2026, 1, 16)).days_overdue == 1
    assert not status([D(2026, 1, 1)], D(2026, 1, 17), grace_days=2).overdue


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"every_days": 0}, "every_days"),
        ({"every_months": -1}, "every_months"),
        ({"every_days": 7, "every_months": 1}, "every_days"),
        ({"steps_days": (30, 15)}, "steps_days"),
        ({}, "every_days"),
    ],
)
def test_invalid_cadences_name_the_field(kwargs, field):
    with pytest.raises(ValueError, match=field):
        CadenceRule(**kwargs)


def test_descriptions():
    assert CadenceRule(every_days=14).describe() == "every 14 days"
    assert CadenceRule(every_months=1).describe() == "every month"
    assert CadenceRule(every_months=3).describe() == "every 3 months"


@given(
    start=st.dates(min_value=D(2000, 1, 1), max_value=D(2040, 12, 31)),
    months=st.integers(min_value=1, max_value=12),
    days=st.integers(min_value=1, max_value=120),
    use_months=st.booleans(),
)
def test_due_dates_increase_start_at_the_baseline_and_keep_the_day_of_month(
    start, months, days, use_months
):
    rule = CadenceRule(every_months=months) if use_months else CadenceRule(every_days=days)
    result = dates(rule, start, start + dt.timedelta(days=3 * 365))
    assert result[0] == start
    assert all(a < b for a, b in zip(result, result[1:], strict=False))
    if use_months:
        for k, day in enumerate(result):
            assert day == add_months(start, months * k)
            assert day.day == min(
                start.day, (add_months(day.replace(day=1), 1) - dt.timedelta(days=1)).day
            )
