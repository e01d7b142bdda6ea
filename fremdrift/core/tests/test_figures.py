"""One rounding for every figure: half away from zero on the number as written, in tables,
sentences, exports and the API alike."""

import re
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from django.template import Context, Template
from django.utils import translation

import fremdrift.reports
from fremdrift.core.figures import figure, rounded


@pytest.mark.parametrize(
    "value, digits, expected",
    [
        (9.49998, 1, 9.5),  # Django's number_format writes 9.4
        (34.65, 1, 34.7),  # the float is 34.649999…; round() gives 34.6
        (2.675, 2, 2.68),  # round() gives 2.67
        (0.125, 2, 0.13),  # round() gives 0.12 (half to even)
        (-0.25, 1, -0.3),  # away from zero, also below it
        (9.44999, 1, 9.4),
        (Decimal("1.005"), 2, 1.01),
        (12, 1, 12.0),
        (np.float64(34.65), 1, 34.7),  # as scipy and numpy hand them over
    ],
)
def test_half_rounds_away_from_zero(value, digits, expected):
    assert rounded(value, digits) == expected
    with translation.override("en"):
        assert figure(value, digits) == f"{expected:.{digits}f}"


def test_a_figure_is_written_in_the_active_language_and_none_is_empty():
    with translation.override("da"):
        assert figure(9.49998, 1) == "9,5"
        assert Template("{% load figures %}{{ v|figure:1 }}").render(Context({"v": 34.65})) == (
            "34,7"
        )
    assert figure(None) == "" and rounded(None) is None


def test_no_report_output_rounds_any_other_way():
    """Every report page, sentence, export and API answer gets its figures from
    `core.figures`: no `round(`, `number_format(`, `floatformat` or float format spec."""
    root = Path(fremdrift.reports.__file__).parent
    pattern = re.compile(r"\bround\(|number_format\(|floatformat|:\.\d+f\}")
    offenders = []
    for path in [*root.rglob("*.py"), *root.rglob("*.html")]:
        if "tests" in path.parts or path.name == "charts.py":  # charts: SVG coordinates
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if pattern.search(line):
                offenders.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    assert offenders == []
