"""Axis ticks at round values: 1, 2 or 5 times a power of ten, covering the data, a handful."""

import math

from hypothesis import given
from hypothesis import strategies as st

from fremdrift.core.svg import nice_ticks, tick_label

# What charts hold: scores, changes, counts and percentages, to six decimals at most (rounded
# as the tables round them); float noise far below that is not a range to draw.
finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False).map(
    lambda v: round(v, 6)
)


def _step_is_round(step: float) -> bool:
    mantissa = step / 10 ** math.floor(math.log10(step))
    return any(math.isclose(mantissa, m, rel_tol=1e-6) for m in (1, 2, 5, 10))


@given(finite, finite, st.booleans())
def test_ticks_are_round_evenly_spaced_cover_the_range_and_are_few(a, b, include_zero):
    low, high = min(a, b), max(a, b)
    ticks = nice_ticks(low, high, include_zero=include_zero)
    assert 3 <= len(ticks) <= 8
    steps = [later - earlier for earlier, later in zip(ticks, ticks[1:], strict=False)]
    step = steps[0]
    assert step > 0
    assert all(math.isclose(s, step, rel_tol=1e-6, abs_tol=1e-9) for s in steps)
    assert _step_is_round(step)
    # Each tick is a whole multiple of the step: 0 lies on the grid.
    assert all(math.isclose(t / step, round(t / step), abs_tol=1e-6) for t in ticks)
    # Covered up to float noise: a value a billionth of a step past a tick counts as on it.
    assert ticks[0] <= low + step * 1e-6 and ticks[-1] >= high - step * 1e-6
    if include_zero:
        assert ticks[0] <= 0 <= ticks[-1]


@given(finite.filter(lambda v: v != 0))  # (0 alone: see test_familiar_ranges)
def test_a_single_value_gets_a_tick_either_side(value):
    ticks = nice_ticks(value, value)
    assert ticks[0] < value < ticks[-1]


def test_familiar_ranges():
    assert nice_ticks(0, 37) == [0, 10, 20, 30, 40]
    assert nice_ticks(0, 100) == [0, 20, 40, 60, 80, 100]
    assert nice_ticks(-0.3, 1.7) == [-0.5, 0, 0.5, 1, 1.5, 2]
    assert nice_ticks(1.2, 4.8, include_zero=True) == [0, 1, 2, 3, 4, 5]
    assert nice_ticks(0, 0)[0] < 0 < nice_ticks(0, 0)[-1]


def test_a_tick_reads_with_a_decimal_comma_and_no_trailing_zeros():
    assert [tick_label(t) for t in (0, 10, 0.5, -1.5)] == ["0", "10", "0,5", "-1,5"]
