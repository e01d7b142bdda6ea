"""Small cells: the one rule every output of the reports follows (pages, CSV and Excel
tables, SVG charts, JSON, monitoring). A group of fewer than `MIN_GROUP` citizens is not
shown: its count is written `HIDDEN` and no statistic is computed from it. Where counts add
up to a whole, the next smallest count is hidden with a hidden one (`suppress`), so that no
hidden count can be worked out from the total. Counts are never negative."""

from django.utils.translation import gettext_lazy as _

MIN_GROUP = 5
HIDDEN = f"<{MIN_GROUP}"
# What every output of a report says, and all it says, for a cohort of 1 to 4 citizens.
TOO_FEW = _("Too few citizens to show results.")


def cohort_too_small(citizens: int) -> bool:
    """A cohort of 1 to `MIN_GROUP` − 1 citizens: no figure of it leaves the system, not even
    its size (an empty cohort is shown as empty)."""
    return small(citizens)


def too_few(n) -> bool:
    """A group of n is too small to show, or to compute a statistic from."""
    return n < MIN_GROUP


def enough(n) -> bool:
    """A group of n is large enough to show and to compute a statistic from."""
    return not too_few(n)


def small(count) -> bool:
    """A count hidden on its own: from 1 to `MIN_GROUP` − 1 (0 is shown)."""
    return count != 0 and too_few(count)


def suppress(counts: list[int]) -> list[int | None]:
    """Counts from 1 to 4 hidden (None); where exactly one is hidden, the next smallest
    non-zero count is hidden too, so that no hidden count can be recovered from the total."""
    shown: list[int | None] = [None if small(c) else c for c in counts]
    hidden = [i for i, c in enumerate(shown) if c is None]
    if len(hidden) == 1:
        others = [i for i, c in enumerate(shown) if c]
        if others:
            smallest = min(others, key=lambda i: counts[i])
            shown[smallest] = None
    return shown


def hide_small(counts: list[int]) -> list[int | None]:
    """Counts from 1 to 4 hidden (None) one by one, where they add up to no whole."""
    return [None if small(c) else c for c in counts]


def mark_hidden(value):
    """A value as a table writes it: `HIDDEN` where it was hidden (None)."""
    return HIDDEN if value is None else value


def mark_small(count):
    """A count as a table writes it, hidden on its own where it is small (0 is shown)."""
    return HIDDEN if small(count) else count


def mark_too_few(n):
    """The size of a group as a table writes it: `HIDDEN` where it is too small."""
    return HIDDEN if too_few(n) else n
