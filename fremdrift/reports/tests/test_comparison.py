"""Two programmes side by side: the adjusted difference equals the classic two-group
analysis of covariance computed by hand, and a known difference is found."""

import datetime as dt

import numpy as np
import pytest
from django.urls import reverse

from fremdrift.core.exports import csv_table
from fremdrift.programmes import services as programme_services
from fremdrift.reports.cohort import Filters
from fremdrift.reports.comparison import adjusted_differences, comparison_report
from fremdrift.reports.tests.test_progression import record, wheel
from fremdrift.testing import make_citizen, make_programme

START = dt.date(2026, 1, 5)


def test_adjusted_difference_equals_the_pooled_within_group_slope_formula():
    rng = np.random.default_rng(3)
    x = rng.integers(10, 40, size=40).astype(float)
    group = np.array(["a"] * 20 + ["b"] * 20)
    y = 5 + 0.8 * x + np.where(group == "b", 4.0, 0.0) + rng.normal(0, 2, size=40)
    result = adjusted_differences(x, y, list(group), "a")["b"]
    slope = sum(
        ((x[group == g] - x[group == g].mean()) * (y[group == g] - y[group == g].mean())).sum()
        for g in "ab"
    ) / sum(((x[group == g] - x[group == g].mean()) ** 2).sum() for g in "ab")
    expected = (y[group == "b"].mean() - y[group == "a"].mean()) - slope * (
        x[group == "b"].mean() - x[group == "a"].mean()
    )
    assert result[0] == pytest.approx(expected)
    assert result[1] < 4.0 < result[2]


@pytest.fixture
def two_programmes(world):
    strong = make_programme(world.nord, name="Stærkt forløb")
    weak = make_programme(world.nord, name="Svagt forløb")
    for n in range(12):
        programme, gain = (strong, 3) if n % 2 == 0 else (weak, 0)
        citizen = make_citizen(world.caseworker, first_name=f"Sammen{n}")
        programme_services.enrolment_create(
            actor=world.caseworker, citizen=citizen, programme=programme, start_date=START
        )
        level = 2 + n % 4
        spread = (0, 1, 0, -1, 0, 1, 0, -1) if n % 3 else (0,) * 8
        record(world.caseworker, citizen, START + dt.timedelta(days=1), level, spread=spread)
        record(
            world.caseworker,
            citizen,
            START + dt.timedelta(days=100),
            level + gain + (n % 3 == 0),
            spread=spread,
        )
    return strong, weak


def test_the_comparison_finds_the_programme_that_moves_more(world, login, two_programmes):
    strong, weak = two_programmes
    report = comparison_report(world.manager, Filters(), instrument=wheel(), by="programme")
    by_name = {g.label: g for g in report.groups}
    assert by_name["Stærkt forløb"].change.mean_change > 20  # about 3 steps on 8 items
    assert by_name["Svagt forløb"].change.ci_low < by_name["Stærkt forløb"].change.ci_low
    reference = next(g for g in report.groups if g.is_reference)
    other = next(g for g in report.groups if not g.is_reference)
    difference = other.adjusted[0]
    assert (difference > 0) == (other.label == "Stærkt forløb")
    html = (
        login(world.manager)
        .get(
            reverse("reports:comparison"),
            {"by": "programme", "instrument": wheel().pk, "horizon": "latest"},
        )
        .content.decode()
    )
    assert "Stærkt forløb" in html and "Svagt forløb" in html and 'data-testid="chart"' in html
    assert reference.label in html


def test_a_small_group_and_its_complement_are_hidden(world, login, two_programmes):
    small = make_programme(world.nord, name="Lille forløb")
    for n in range(2):
        citizen = make_citizen(world.caseworker, first_name=f"Lille{n}")
        programme_services.enrolment_create(
            actor=world.caseworker, citizen=citizen, programme=small, start_date=START
        )
        record(world.caseworker, citizen, START + dt.timedelta(days=1), 3)
        record(world.caseworker, citizen, START + dt.timedelta(days=60), 5)
    response = login(world.manager).get(
        reverse("reports:comparison"),
        {"by": "programme", "instrument": wheel().pk, "horizon": "latest", "format": "csv"},
    )
    rows = csv_table(response.content)
    counts = {row[0]: row[1] for row in rows[1:]}
    # The small group is hidden, and so is the next smallest, so that neither can be worked
    # out from the others.
    assert counts["Lille forløb"] == "<5"
    assert list(counts.values()).count("<5") == 2


def test_the_comparison_groups_by_provider_and_by_target_group(world, two_programmes):
    """Both programmes run at the same provider and every citizen has the same target group:
    one group of all twelve each way."""
    from fremdrift.testing import target_group

    by_provider = comparison_report(world.manager, Filters(), instrument=wheel(), by="provider")
    assert [(g.key, g.label, g.n) for g in by_provider.groups] == [
        (world.nord.pk, world.nord.name, 12)
    ]
    by_target = comparison_report(world.manager, Filters(), instrument=wheel(), by="target_group")
    group = target_group()
    assert [(g.key, g.label, g.n) for g in by_target.groups] == [(group.pk, group.label, 12)]


def test_the_comparison_opens_with_a_verdict_naming_the_group_that_moved_more(
    world, login, two_programmes
):
    """In plain words, as the progression report: the stronger programme moved most, and at
    the same baseline it ended clearly above the reference (or the reference clearly below),
    with the interval that makes it clear; the chart has its legend."""
    from django.utils import translation

    from fremdrift.reports.tables import comparison_summary

    report = comparison_report(world.manager, Filters(), instrument=wheel(), by="programme")
    with translation.override("en"):
        lines = comparison_summary(report)
    assert lines[0].startswith("Stærkt forløb moved most")
    other = next(g for g in report.groups if not g.is_reference)
    reference = next(g for g in report.groups if g.is_reference)
    verdict = lines[1]
    direction = "higher" if other.label == "Stærkt forløb" else "lower"
    assert verdict.startswith(f"With the same baseline score, {other.label} ended")
    assert f"points {direction} than {reference.label}" in verdict
    assert "a clear difference" in verdict and "95 % interval" in verdict
    response = login(world.manager).get(
        reverse("reports:comparison"),
        {"by": "programme", "instrument": wheel().pk, "horizon": "latest"},
    )
    html = response.content.decode()
    summary = html[html.index('data-testid="summary"') :]
    summary = summary[: summary.index("</div>")]
    # The page shows the same sentences, in the user's language: both names, two lines.
    assert summary.count("<p>") == 2 and "Stærkt forløb" in summary and "Svagt forløb" in summary
    assert 'data-testid="legend"' in html


def test_a_difference_the_interval_cannot_tell_from_zero_is_not_called_clear():
    from types import SimpleNamespace

    from django.utils import translation

    from fremdrift.reports.tables import comparison_summary

    def group(label, n, change, adjusted, reference=False):
        return SimpleNamespace(
            label=label,
            n=n,
            change=SimpleNamespace(mean_change=change, ci_low=change - 1, ci_high=change + 1),
            adjusted=adjusted,
            is_reference=reference,
        )

    report = SimpleNamespace(
        overlapping=False,
        groups=[group("A", 20, 1.0, None, reference=True), group("B", 15, 1.4, (0.4, -0.8, 1.6))],
    )
    with translation.override("en"):
        lines = comparison_summary(report)
    assert lines[0].startswith("B moved most")
    assert "the difference is not clear" in lines[1] and "includes zero" in lines[1]
