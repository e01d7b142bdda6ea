"""A chart never draws a hidden value (fewer than 5), not even as 0: it leaves a gap, marks it
"<5" with its meaning, and says once what the mark means. Every chart of `charts.py` that
takes values the small-cell rule may hide is walked."""

import inspect
import re
from types import SimpleNamespace

from django.urls import reverse

from fremdrift.reports import charts
from fremdrift.reports.cohort import Filters
from fremdrift.reports.monitoring import monitoring_report
from fremdrift.reports.privacy import HIDDEN
from fremdrift.reports.progression import TrajectoryPoint
from fremdrift.reports.surveys import Distribution
from fremdrift.reports.tests.test_goals import plans_in_programme  # noqa: F401  (fixture)
from fremdrift.reports.views import monitoring_rows

MARK = 'data-hidden="true"'
NOTE = 'data-testid="hidden-note"'


def _change(baseline, followup):
    return SimpleNamespace(baseline_mean=baseline, followup_mean=followup, ci_low=-0.5, ci_high=1.5)


def _item_change():
    report = SimpleNamespace(
        scale=(1, 10),
        items=[
            SimpleNamespace(label="Helbred", change=_change(4, 5), suppressed=False),
            SimpleNamespace(label="Skjult emne", change=None, suppressed=True),
            SimpleNamespace(label="Energi", change=_change(5, 6), suppressed=False),
        ],
    )
    return charts.item_change_svg(report), "Skjult emne"


def _comparison():
    table = [
        ["Gruppe", "N", "", "", "Ændring", "Fra", "Til"],
        ["Kontanthjælp", 12, "", "", 1.5, 0.5, 2.5],
        ["Skjult gruppe", HIDDEN, "", "", HIDDEN, HIDDEN, HIDDEN],
    ]
    return charts.comparison_svg(None, table), "Skjult gruppe"


def _curves():
    months = [
        ("2026-01", 6, 5, 0, 0),
        ("2026-02", 8, 6, None, 0),
        ("2026-03", 9, 7, 5, None),
    ]
    return charts.curves_svg(months), None


def _stacked_bars():
    points = [(1, "Uenig", 0), (2, "Neutral", 5), (3, "Enig", 6)]
    shown = Distribution(code="a", label="Taget alvorligt", points=points, dont_know=0, n=11)
    small = Distribution(
        code="b",
        label="Skjult spørgsmål",
        points=[(1, "Uenig", 2), (2, "Neutral", 5), (3, "Enig", 6)],
        dont_know=0,
        n=13,
    )
    return charts.stacked_bars_svg([shown, small]), "Skjult spørgsmål"


def _trajectory():
    points = [
        TrajectoryPoint(0, 12, 30.0, 28.0, 32.0),
        TrajectoryPoint(1, 10, 31.0, 29.0, 33.0),
        TrajectoryPoint(2, 3, None, None, None),
        TrajectoryPoint(3, 9, 33.0, 31.0, 35.0),
        TrajectoryPoint(4, 8, 34.0, 31.0, 36.0),
    ]
    return charts.trajectory_svg(points), None


CASES = {
    "item_change_svg": _item_change,
    "comparison_svg": _comparison,
    "curves_svg": _curves,
    "stacked_bars_svg": _stacked_bars,
    "trajectory_svg": _trajectory,
}
# Charts that take no values at all.
NO_VALUES = {"too_few_svg"}


def test_every_chart_is_walked():
    drawn = {
        name
        for name, function in inspect.getmembers(charts, inspect.isfunction)
        if name.endswith("_svg") and function.__module__ == charts.__name__
    }
    assert drawn - NO_VALUES == set(CASES)


def test_every_chart_marks_a_hidden_value_and_draws_none():
    for name, case in CASES.items():
        svg, hidden_label = case()
        assert svg.count(MARK) >= 1, name
        assert svg.count(NOTE) == 1, name
        assert "&lt;5" in svg and "<title>" in svg, name
        if hidden_label:
            # The hidden row keeps its label and its mark, and nothing is drawn on it.
            row = svg[svg.index(hidden_label) :]
            row = row[: row.index("</g>")]
            assert MARK in row and "<rect" not in row and "<circle" not in row, name


def test_a_chart_without_hidden_values_has_no_mark_and_no_note():
    months = [("2026-01", 6, 5, 0, 0), ("2026-02", 8, 6, 5, 0)]
    svg = charts.curves_svg(months)
    assert MARK not in svg and NOTE not in svg


def test_the_trajectory_line_breaks_at_a_hidden_month():
    svg, _label = _trajectory()
    lines = re.findall(r'<polyline points="([^"]+)"', svg)
    assert [len(points.split()) for points in lines] == [2, 2]
    assert svg.count("<polygon") == 2


def test_the_monitoring_chart_of_a_cohort_leaves_a_marked_gap_never_a_zero(
    world,
    login,
    plans_in_programme,  # noqa: F811
):
    """Six enrolments, three in a company-oriented activity and one exit to a job: the table
    shows "<5" for those, and the chart draws no point for them, not even at 0."""
    curves, _tables = monitoring_rows(monitoring_report(world.manager, Filters()))
    months = curves[1:]
    hidden_company = [i for i, m in enumerate(months) if m[3] == HIDDEN]
    hidden_exit = [i for i, m in enumerate(months) if m[4] == HIDDEN]
    assert hidden_company and hidden_exit
    svg = login(world.manager).get(reverse("reports:monitoring"), {"format": "svg"})
    svg = svg.content.decode()
    assert svg.count(NOTE) == 1
    for colour, hidden in (("#b35c00", hidden_company), ("#6f1d8a", hidden_exit)):
        marks = re.findall(
            rf'<g class="hidden-value"[^>]*><title>[^<]*</title><text[^>]*fill="{colour}"', svg
        )
        assert len(marks) == len(hidden), colour
        drawn = sum(
            len(points.split())
            for points in re.findall(rf'<polyline points="([^"]+)"[^>]*stroke="{colour}"', svg)
        )
        # Only the months shown are points of the curve (a lone shown month draws no line).
        assert drawn <= len(months) - len(hidden), colour
