"""Cadences: due dates across month ends, year ends and leap years, changes mid-course, and
who is overdue. Pure: no database."""

import calendar
import datetime as dt
from itertools import takewhile

import pytest

try:
    from hypothesis import given
    from hypothesis import strategies as st
except ImportError:  # the property tests below are skipped without hypothesis
    given = None

from fremdrift.assessments.cadence import (
    CadencePeriod,
    CadenceRule,
    DueStatus,
    add_months,
    due_dates,
    due_status,
)

D = dt.date


def dates(rule, start, until):
    return due_dates([CadencePeriod(rule=rule, starts_on=start)], until=until)


# add_months


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2025, 1, 31), 1, D(2025, 2, 28)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2024, 2, 29), 48, D(2028, 2, 29)),
        (D(2025, 11, 30), 3, D(2026, 2, 28)),
        (D(2025, 12, 15), 1, D(2026, 1, 15)),
        (D(2026, 3, 31), -1, D(2026, 2, 28)),
        (D(2026, 5, 17), 0, D(2026, 5, 17)),
    ],
)
def test_add_months_clamps_to_the_last_day_of_the_month(day, months, expected):
    assert add_months(day, months) == expected


# due_dates


def test_every_14_days_across_a_month_end_and_a_year_end():
    assert dates(CadenceRule(every_days=14), D(2025, 12, 10), D(2026, 2, 4)) == [
        D(2025, 12, 10),
        D(2025, 12, 24),
        D(2026, 1, 7),
        D(2026, 1, 21),
        D(2026, 2, 4),  # `until` is included
    ]


def test_every_month_from_31_january_in_a_leap_year():
    assert dates(CadenceRule(every_months=1), D(2024, 1, 31), D(2024, 6, 30)) == [
        D(2024, 1, 31),
        D(2024, 2, 29),
        D(2024, 3, 31),  # back to the 31st: no drift to the 29th
        D(2024, 4, 30),
        D(2024, 5, 31),
        D(2024, 6, 30),
    ]


def test_every_month_from_31_january_in_a_non_leap_year():
    assert dates(CadenceRule(every_months=1), D(2025, 1, 31), D(2025, 4, 30)) == [
        D(2025, 1, 31),
        D(2025, 2, 28),
        D(2025, 3, 31),
        D(2025, 4, 30),
    ]


def test_every_3_months_from_30_november():
    assert dates(CadenceRule(every_months=3), D(2025, 11, 30), D(2026, 11, 30)) == [
        D(2025, 11, 30),
        D(2026, 2, 28),
        D(2026, 5, 30),
        D(2026, 8, 30),
        D(2026, 11, 30),
    ]


def test_every_12_months_from_a_leap_day():
    assert dates(CadenceRule(every_months=12), D(2024, 2, 29), D(2028, 3, 1)) == [
        D(2024, 2, 29),
        D(2025, 2, 28),
        D(2026, 2, 28),
        D(2027, 2, 28),
        D(2028, 2, 29),
    ]


def test_steps_then_every_3_months_from_the_last_step():
    rule = CadenceRule(steps_days=(15, 30, 60, 90), every_months=3)
    start = D(2026, 1, 1)
    assert dates(rule, start, D(2027, 1, 1)) == [
        start,
        D(2026, 1, 16),
        D(2026, 1, 31),
        D(2026, 3, 2),
        D(2026, 4, 1),  # day 90, the anchor of the repeat
        D(2026, 7, 1),
        D(2026, 10, 1),
        D(2027, 1, 1),
    ]


def test_steps_only_end_after_the_last_step():
    rule = CadenceRule(steps_days=(30, 90))
    assert dates(rule, D(2026, 1, 1), D(2030, 1, 1)) == [
        D(2026, 1, 1),
        D(2026, 1, 31),
        D(2026, 4, 1),
    ]


def test_until_before_the_start_gives_nothing():
    assert dates(CadenceRule(every_days=7), D(2026, 1, 1), D(2025, 12, 31)) == []
    assert due_dates([], until=D(2026, 1, 1)) == []


def test_a_changed_cadence_keeps_the_old_due_dates_before_the_change():
    periods = [
        CadencePeriod(CadenceRule(every_days=14), D(2026, 1, 1)),
        CadencePeriod(CadenceRule(every_months=1), D(2026, 2, 10)),
    ]
    assert due_dates(periods, until=D(2026, 5, 1)) == [
        D(2026, 1, 1),
        D(2026, 1, 15),
        D(2026, 1, 29),  # the old cadence, before the change (12 February is dropped)
        D(2026, 3, 10),  # the new cadence: one interval after the change, not the change day
        D(2026, 4, 10),
    ]
    # The order of the periods given does not matter.
    assert due_dates(periods[::-1], until=D(2026, 5, 1)) == due_dates(periods, until=D(2026, 5, 1))


def test_a_changed_cadence_due_at_start_makes_the_change_day_due():
    periods = [
        CadencePeriod(CadenceRule(every_days=14), D(2026, 1, 1)),
        CadencePeriod(CadenceRule(every_months=1, due_at_start=True), D(2026, 2, 10)),
    ]
    assert due_dates(periods, until=D(2026, 3, 10)) == [
        D(2026, 1, 1),
        D(2026, 1, 15),
        D(2026, 1, 29),
        D(2026, 2, 10),
        D(2026, 3, 10),
    ]


def test_a_change_on_a_due_date_replaces_it():
    periods = [
        CadencePeriod(CadenceRule(every_days=14), D(2026, 1, 1)),
        CadencePeriod(CadenceRule(every_days=7), D(2026, 1, 15)),
    ]
    assert due_dates(periods, until=D(2026, 1, 29)) == [
        D(2026, 1, 1),
        D(2026, 1, 22),
        D(2026, 1, 29),
    ]


def test_a_change_on_the_start_day_keeps_the_baseline():
    periods = [
        CadencePeriod(CadenceRule(every_days=14), D(2026, 1, 1)),
        CadencePeriod(CadenceRule(every_days=7), D(2026, 1, 1)),
    ]
    assert due_dates(periods, until=D(2026, 1, 15)) == [
        D(2026, 1, 1),
        D(2026, 1, 8),
        D(2026, 1, 15),
    ]


def test_several_changes():
    periods = [
        CadencePeriod(CadenceRule(every_months=1), D(2026, 1, 31)),
        CadencePeriod(CadenceRule(steps_days=(10,)), D(2026, 4, 15)),
        CadencePeriod(CadenceRule(every_days=30), D(2026, 6, 1)),
    ]
    assert due_dates(periods, until=D(2026, 7, 31)) == [
        D(2026, 1, 31),
        D(2026, 2, 28),
        D(2026, 3, 31),
        D(2026, 4, 25),
        D(2026, 7, 1),
        D(2026, 7, 31),
    ]


# due_status


def status(done, today, **kwargs):
    periods = [CadencePeriod(CadenceRule(every_days=14), D(2026, 1, 1))]
    return due_status(periods, done=done, today=today, **kwargs)


def test_nothing_done_the_baseline_is_due_on_the_start_day():
    assert status([], D(2026, 1, 1)) == DueStatus(
        next_due=D(2026, 1, 1), overdue=False, days_overdue=0, missed=0
    )


def test_nothing_done_the_baseline_is_overdue_the_day_after():
    assert status([], D(2026, 1, 2)) == DueStatus(
        next_due=D(2026, 1, 1), overdue=True, days_overdue=1, missed=1
    )


def test_before_the_course_starts_the_baseline_is_next():
    assert status([], D(2025, 12, 1)) == DueStatus(
        next_due=D(2026, 1, 1), overdue=False, days_overdue=0, missed=0
    )


def test_done_on_time_the_next_due_date_is_next():
    assert status([D(2026, 1, 1)], D(2026, 1, 10)) == DueStatus(
        next_due=D(2026, 1, 15), overdue=False, days_overdue=0, missed=0
    )


def test_done_3_days_late_still_covers_its_due_date():
    result = status([D(2026, 1, 1), D(2026, 1, 18)], D(2026, 1, 20))
    assert result == DueStatus(next_due=D(2026, 1, 29), overdue=False, days_overdue=0, missed=0)


def test_done_3_days_early_covers_the_coming_due_date():
    result = status([D(2026, 1, 1), D(2026, 1, 12)], D(2026, 1, 20))
    assert result == DueStatus(next_due=D(2026, 1, 29), overdue=False, days_overdue=0, missed=0)


def test_one_assessment_never_covers_two_due_dates():
    # 8 January is exactly half-way between 1 and 15 January: it covers the earlier one only.
    result = status([D(2026, 1, 8)], D(2026, 1, 20))
    assert result.missed == 1  # 15 January
    assert result.next_due == D(2026, 1, 15) and result.overdue and result.days_overdue == 5


def test_two_assessments_for_one_due_date_leave_the_next_one_due():
    result = status([D(2026, 1, 1), D(2026, 1, 3)], D(2026, 1, 16))
    assert result.next_due == D(2026, 1, 15) and result.overdue and result.days_overdue == 1


def test_an_old_miss_does_not_keep_the_citizen_overdue():
    result = status([D(2026, 1, 1), D(2026, 2, 12)], D(2026, 2, 20))
    assert result == DueStatus(
        next_due=D(2026, 2, 26),
        overdue=False,
        days_overdue=0,
        missed=2,  # 15 and 29 January
    )


def test_the_order_of_done_does_not_matter():
    done = [D(2026, 2, 12), D(2026, 1, 1), D(2026, 1, 18)]
    assert status(done, D(2026, 3, 1)) == status(sorted(done), D(2026, 3, 1))


def test_due_today_is_not_overdue_and_due_yesterday_is_overdue_by_1():
    assert status([D(2026, 1, 1)], D(2026, 1, 15)) == DueStatus(
        next_due=D(2026, 1, 15), overdue=False, days_overdue=0, missed=0
    )
    assert status([D(2026, 1, 1)], D(2026, 1, 16)) == DueStatus(
        next_due=D(2026, 1, 15), overdue=True, days_overdue=1, missed=1
    )


def test_grace_days_delay_overdue_but_days_overdue_counts_from_the_due_date():
    done = [D(2026, 1, 1)]
    assert not status(done, D(2026, 1, 17), grace_days=2).overdue
    assert status(done, D(2026, 1, 17), grace_days=2).days_overdue == 0
    late = status(done, D(2026, 1, 18), grace_days=2)
    assert late.overdue and late.days_overdue == 3


def test_negative_grace_days_are_refused():
    with pytest.raises(ValueError, match="grace_days"):
        status([], D(2026, 1, 1), grace_days=-1)


def test_a_long_interval_still_has_a_next_due_date():
    periods = [CadencePeriod(CadenceRule(every_months=36), D(2026, 1, 1))]
    result = due_status(periods, done=[D(2026, 1, 1)], today=D(2026, 1, 2))
    assert result.next_due == D(2029, 1, 1) and not result.overdue


def test_steps_only_cadence_ends():
    periods = [CadencePeriod(CadenceRule(steps_days=(30,)), D(2026, 1, 1))]
    result = due_status(periods, done=[D(2026, 1, 1), D(2026, 1, 31)], today=D(2026, 6, 1))
    assert result == DueStatus(next_due=None, overdue=False, days_overdue=0, missed=0)


def test_no_periods_nothing_is_due():
    assert due_status([], done=[], today=D(2026, 1, 1)) == DueStatus(
        next_due=None, overdue=False, days_overdue=0, missed=0
    )


def test_status_across_a_cadence_change():
    periods = [
        CadencePeriod(CadenceRule(every_days=14), D(2026, 1, 1)),
        CadencePeriod(CadenceRule(every_months=1), D(2026, 2, 10)),
    ]
    done = [D(2026, 1, 1), D(2026, 1, 15), D(2026, 1, 29)]
    assert due_status(periods, done=done, today=D(2026, 3, 10)) == DueStatus(
        next_due=D(2026, 3, 10), overdue=False, days_overdue=0, missed=0
    )


# CadenceRule validation and describe()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"every_days": 0}, "every_days"),
        ({"every_days": -14}, "every_days"),
        ({"every_days": 1.5}, "every_days"),
        ({"every_days": True}, "every_days"),
        ({"every_months": 0}, "every_months"),
        ({"every_months": -1}, "every_months"),
        ({"every_days": 7, "every_months": 1}, "every_days and every_months"),
        ({"steps_days": (30, 15)}, "steps_days"),
        ({"steps_days": (15, 15)}, "steps_days"),
        ({"steps_days": (0, 15)}, "steps_days"),
        ({"steps_days": 15}, "steps_days"),
        ({}, "steps_days"),
    ],
)
def test_invalid_rules_raise_value_error_naming_the_field(kwargs, field):
    with pytest.raises(ValueError, match=field):
        CadenceRule(**kwargs)


def test_steps_given_as_a_list_are_kept_as_a_tuple():
    rule = CadenceRule(steps_days=[15, 30])
    assert rule.steps_days == (15, 30)
    assert hash(rule) == hash(CadenceRule(steps_days=(15, 30)))


@pytest.mark.parametrize(
    ("rule", "text"),
    [
        (CadenceRule(every_days=14), "every 14 days"),
        (CadenceRule(every_days=1), "every day"),
        (CadenceRule(every_months=3), "every 3 months"),
        (CadenceRule(every_months=1), "every month"),
        (
            CadenceRule(steps_days=(15, 30, 60, 90), every_months=3),
            "after 15, 30, 60 and 90 days, then every 3 months",
        ),
        (CadenceRule(steps_days=(30,), every_days=7), "after 30 days, then every 7 days"),
        (CadenceRule(steps_days=(30, 90)), "after 30 and 90 days"),
        (CadenceRule(steps_days=(1,)), "after 1 day"),
    ],
)
def test_describe(rule, text):
    assert rule.describe() == text


# Properties (with hypothesis, when it is installed)

if given is not None:
    rules = st.builds(
        lambda kind, interval, steps: CadenceRule(
            every_days=interval if kind == "days" else None,
            every_months=interval if kind == "months" else None,
            steps_days=tuple(sorted(steps)),
        ),
        kind=st.sampled_from(["days", "months"]),
        interval=st.integers(min_value=1, max_value=40),
        steps=st.sets(st.integers(min_value=1, max_value=400), max_size=4),
    )
    starts = st.dates(min_value=D(1990, 1, 1), max_value=D(2090, 12, 31))

    @given(rule=rules, start=starts)
    def test_due_dates_increase_from_the_baseline_and_keep_the_day_of_month(rule, start):
        result = dates(rule, start, start + dt.timedelta(days=5 * 366))
        assert result[0] == start
        assert all(a < b for a, b in zip(result, result[1:], strict=False))
        steps = [start + dt.timedelta(days=step) for step in rule.steps_days]
        assert result[1 : 1 + len(steps)] == steps
        if rule.every_months:
            anchor = steps[-1] if steps else start
            for day in result[1 + len(steps) :]:
                assert day.day == min(anchor.day, calendar.monthrange(day.year, day.month)[1])

    @given(old=rules, new=rules, start=starts, change_after=st.integers(1, 800))
    def test_a_change_keeps_the_old_dates_before_it_and_the_new_rule_from_it(
        old, new, start, change_after
    ):
        change = start + dt.timedelta(days=change_after)
        until = change + dt.timedelta(days=3 * 366)
        result = due_dates([CadencePeriod(old, start), CadencePeriod(new, change)], until=until)
        assert [day for day in result if day < change] == [
            day for day in dates(old, start, until) if day < change
        ]
        assert [day for day in result if day >= change] == list(
            takewhile(lambda day: day <= until, new.dates(change, include_start=False))
        )
        assert all(a < b for a, b in zip(result, result[1:], strict=False))

    @given(
        rule=rules,
        start=starts,
        days_later=st.integers(0, 2000),
        pick=st.sets(st.integers(0, 200)),
    )
    def test_status_is_consistent(rule, start, days_later, pick):
        today = start + dt.timedelta(days=days_later)
        periods = [CadencePeriod(rule, start)]
        all_due = due_dates(periods, until=today)
        done = [day for index, day in enumerate(all_due) if index in pick]
        result = due_status(periods, done=done, today=today)
        # A repeating rule always has a next due date, never before the latest assessment.
        assert result.next_due is not None
        if done:
            assert result.next_due >= max(done)
        # Assessments on their due dates cover exactly those dates.
        assert result.missed == sum(1 for day in all_due if day < today and day not in done)
        assert result.overdue == (result.next_due < today)
        assert result.days_overdue == (max(0, (today - result.next_due).days))
        if len(done) == len(all_due):
            assert not result.overdue and result.missed == 0
