"""A p-value below 0.001 reads "< 0,001" in the report's table, never "0,0"."""

from django.utils import translation

from fremdrift.reports import stats
from fremdrift.reports.progression import ItemRow, ProgressionReport
from fremdrift.reports.tables import p_value_cell, progression_table


def test_a_tiny_p_value_is_written_below_one_in_a_thousand():
    before = [3.0 + (n % 4) for n in range(40)]
    after = [b + 2 + (n % 3) for n, b in enumerate(before)]
    change = stats.paired_change(before, after)
    assert change.wilcoxon_p < 0.001
    report = ProgressionReport(
        instrument=None,
        cohort_size=40,
        with_baseline=40,
        with_both=40,
        items=[ItemRow("health", "Helbred", change, suppressed=False)],
        total=change,
        total_suppressed=False,
        alpha=None,
        reliable=None,
        attrition=None,
    )
    with translation.override("da"):
        table = progression_table(report)
    column = table[0].index("Wilcoxon p")
    assert [row[column] for row in table[1:]] == ["< 0,001", "< 0,001"]
    with translation.override("en"):
        assert p_value_cell(0.0004) == "< 0.001"
    assert p_value_cell(0.0123) == 0.012
    assert p_value_cell(None) == ""
