"""Every chart says what its axes are and reads at round values: axis titles, several ticks,
and months as the language writes them ("jan. 2026", "Jan 2026")."""

import re

from django.utils import translation

from fremdrift.reports import charts
from fremdrift.reports.tests.test_hidden_in_charts import CASES


def _ticks(svg: str) -> list[str]:
    return re.findall(r'<text class="tick"[^>]*>([^<]*)</text>', svg)


def test_every_chart_has_axis_titles_and_more_than_one_tick():
    for name, case in CASES.items():
        svg, _label = case()
        assert 'class="axis-title"' in svg, name
        assert len(_ticks(svg)) > 1, name


def test_the_comparison_chart_has_round_ticks_around_zero_and_a_legend():
    table = [
        ["Gruppe", "N", "", "", "Ændring", "Fra", "Til"],
        ["Kontanthjælp", 12, "", "", 1.5, 0.5, 2.5],
        ["Sygedagpenge", 9, "", "", -0.4, -1.3, 0.6],
    ]
    svg = charts.comparison_svg(None, table)
    ticks = _ticks(svg)
    assert "0" in ticks and len(ticks) >= 4
    values = [float(t.replace(",", ".")) for t in ticks]
    assert values[0] <= -1.3 and values[-1] >= 2.5
    assert 'data-testid="legend"' in svg


def test_months_read_as_the_language_writes_them():
    months = [("2026-01", 6, 5, 5, 5), ("2026-02", 8, 6, 5, 5), ("2026-03", 9, 7, 5, 5)]
    with translation.override("da"):
        assert charts.month_label("2026-01") == "jan. 2026"
        assert ">jan. 2026</text>" in charts.curves_svg(months)
    with translation.override("en"):
        assert charts.month_label("2026-01") == "Jan 2026"
        assert ">Jan 2026</text>" in charts.curves_svg(months)
