"""The shared rules of dates and periods, which the services and the exchange check pass both
ask (so that a page, the API and an import refuse the same row with the same message)."""

import datetime as dt

from django.utils import translation

from fremdrift.core.validation import day_errors, interval_errors, merged, period_errors

TODAY = dt.date.today()


def test_a_period_may_end_on_its_first_day_but_not_before():
    with translation.override("en"):
        assert period_errors(TODAY, TODAY) == {}
        assert period_errors(TODAY, None) == {}
        assert period_errors(None, TODAY) == {}
        assert period_errors(TODAY, TODAY - dt.timedelta(days=1)) == {
            "end_date": ["The end date cannot be before the start date."]
        }


def test_a_cadence_is_from_1_to_366_days():
    assert interval_errors(1) == interval_errors(366) == interval_errors(None) == {}
    assert list(interval_errors(0)) == ["interval_days"]
    assert list(interval_errors(367, field="instruments")) == ["instruments"]


def test_a_day_has_happened_and_is_not_before_birth():
    born = dt.date(1990, 5, 1)
    assert day_errors(TODAY, born=born) == {}
    assert day_errors(born, born=born) == {}
    with translation.override("da"):
        assert day_errors(TODAY + dt.timedelta(days=1), born=born) == {
            "date": ["Datoen kan ikke ligge i fremtiden."]
        }
    assert list(day_errors(born - dt.timedelta(days=1), born=born, field="reached_on")) == [
        "reached_on"
    ]


def test_errors_merge_field_by_field():
    assert merged({"a": ["x"]}, {"a": ["y"], "b": ["z"]}, {}) == {"a": ["x", "y"], "b": ["z"]}
