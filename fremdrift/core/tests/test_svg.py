"""The movement wheel and the item histories as SVG."""

import datetime as dt
import math
import xml.etree.ElementTree as ET

import pytest

from fremdrift.core.svg import (
    LABEL_MARGIN,
    WheelItem,
    WheelSeries,
    render_item_history,
    render_wheel,
)

NS = {"s": "http://www.w3.org/2000/svg"}
SIZE = 640


def items(n, low=1, high=10):
    return [
        WheelItem(code=f"i{k}", label=f"Item {k}", scale_min=low, scale_max=high) for k in range(n)
    ]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def expected_point(index, n, value, low=1, high=10):
    """The documented geometry, computed independently of the renderer."""
    c = SIZE / 2
    r = c - LABEL_MARGIN
    angle = -math.pi / 2 + 2 * math.pi * index / n
    distance = r * (value - low + 1) / (high - low + 1)
    return c + distance * math.cos(angle), c + distance * math.sin(angle)


@pytest.mark.parametrize("n", [5, 8, 12])
def test_one_spoke_per_item_and_the_svg_parses(n):
    root = parse(render_wheel(items=items(n), series=[], title="t", description="d"))
    spokes = root.findall(".//s:line[@class='spoke']", NS)
    assert [s.get("data-item") for s in spokes] == [f"i{k}" for k in range(n)]
    labels = root.findall(".//s:text[@class='item-label']", NS)
    assert len(labels) == n


def test_markers_sit_where_the_scores_are():
    scores = {"i0": 10, "i2": 1, "i4": 5.0, "i6": 7}
    root = parse(
        render_wheel(
            items=items(8),
            series=[WheelSeries("newest", "I dag", scores)],
            title="t",
            description="d",
        )
    )
    markers = {
        c.get("data-item"): c for c in root.findall(".//s:g[@data-series='newest']/s:circle", NS)
    }
    assert set(markers) == set(scores)
    for index, code in enumerate(f"i{k}" for k in range(8)):
        if code in scores:
            x, y = expected_point(index, 8, scores[code])
            assert float(markers[code].get("cx")) == pytest.approx(x, abs=0.01)
            assert float(markers[code].get("cy")) == pytest.approx(y, abs=0.01)
    # 10 on the first spoke is straight above the centre at the full radius.
    assert float(markers["i0"].get("cx")) == pytest.approx(SIZE / 2, abs=0.01)
    assert float(markers["i0"].get("cy")) == pytest.approx(LABEL_MARGIN, abs=0.01)
    # 1 on the third spoke (90°, to the right) is one ring out from the centre.
    r = SIZE / 2 - LABEL_MARGIN
    assert float(markers["i2"].get("cx")) == pytest.approx(SIZE / 2 + r / 10, abs=0.01)


def test_each_item_is_drawn_on_its_own_scale():
    mixed = [WheelItem("a", "A", 1, 5), WheelItem("b", "B", 1, 10), WheelItem("c", "C", 0, 4)]
    root = parse(
        render_wheel(
            items=mixed,
            series=[WheelSeries("newest", "x", {"a": 5, "b": 5, "c": 4})],
            title="t",
            description="d",
        )
    )
    circles = {c.get("data-item"): c for c in root.findall(".//s:circle[@data-item]", NS)}
    ax, ay = expected_point(0, 3, 5, 1, 5)
    assert float(circles["a"].get("cy")) == pytest.approx(ay, abs=0.01)
    bx, by = expected_point(1, 3, 5, 1, 10)
    assert float(circles["b"].get("cx")) == pytest.approx(bx, abs=0.01)
    cx, cy = expected_point(2, 3, 4, 0, 4)
    assert float(circles["c"].get("cx")) == pytest.approx(cx, abs=0.01)


def test_missing_and_dont_know_answers_draw_no_marker_and_no_crash():
    series = [
        WheelSeries("first", "Første", {}),
        WheelSeries("previous", "Sidst", {"i0": None, "i1": 4}),
        WheelSeries("newest", "I dag", {"i0": 3, "i1": None, "i2": 6, "i3": 7, "i4": 2}),
    ]
    root = parse(render_wheel(items=items(5), series=series, title="t", description="d"))
    assert root.findall(".//s:g[@data-series='first']/*", NS) == []
    assert len(root.findall(".//s:g[@data-series='previous']/s:circle", NS)) == 1
    newest = root.find(".//s:g[@data-series='newest']", NS)
    assert len(newest.findall("s:circle", NS)) == 4
    # The gap at i1 breaks the outline: no closed polygon, only the joined neighbours.
    assert newest.findall("s:polygon", NS) == []
    assert len(newest.findall("s:line", NS)) == 3  # i2-i3, i3-i4, i4-i0


def test_series_are_drawn_first_previous_newest_then_the_dashed_target():
    series = [
        WheelSeries("target", "Mit mål", {f"i{k}": 8 for k in range(6)}),
        WheelSeries("newest", "I dag", {f"i{k}": 5 for k in range(6)}),
        WheelSeries("first", "Første", {f"i{k}": 2 for k in range(6)}),
        WheelSeries("previous", "Sidst", {f"i{k}": 4 for k in range(6)}),
    ]
    root = parse(render_wheel(items=items(6), series=series, title="t", description="d"))
    order = [g.get("data-series") for g in root.findall(".//s:g[@data-series]", NS)]
    assert order == ["first", "previous", "newest", "target"]
    target = root.find(".//s:g[@data-series='target']/s:polygon", NS)
    assert target.get("stroke-dasharray") and target.get("fill") == "none"
    newest = root.find(".//s:g[@data-series='newest']/s:polygon", NS)
    assert newest.get("stroke-dasharray") is None  # solid: tells it apart in greyscale
    legend = " ".join(t.text or "" for t in root.findall(".//s:g[@class='legend']/s:text", NS))
    assert "Første" in legend and "Mit mål" in legend


def test_text_is_escaped_and_described_for_screen_readers():
    tricky = [WheelItem("a", "Bolig & økonomi <ude>", 1, 5), *items(4, 1, 5)[1:]]
    svg = render_wheel(
        items=tricky,
        series=[WheelSeries("newest", "Æ & Ø", {"a": 3})],
        title="Hjul for Søren & Åse",
        description="Første <og> sidste",
        id_prefix="w2",
    )
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "w2-title w2-desc"
    assert root.find("s:title", NS).text == "Hjul for Søren & Åse"
    assert root.find("s:desc", NS).text == "Første <og> sidste"


def test_an_empty_wheel_renders():
    root = parse(render_wheel(items=[], series=[], title="t", description="d"))
    assert root.findall(".//s:line[@class='spoke']", NS) == []


def test_item_history_breaks_the_line_at_a_missing_score():
    days = [dt.date(2026, 1, 1) + dt.timedelta(days=14 * k) for k in range(5)]
    points = list(zip(days, [2, 3, None, 5, 6], strict=True))
    root = parse(render_item_history(points=points, scale_min=1, scale_max=10, title="Helbred"))
    lines = root.findall("s:polyline", NS)
    assert len(lines) == 2
    assert len(root.findall("s:circle", NS)) == 4
    assert root.find("s:text", NS).text == "6"
    # Higher scores are drawn higher up.
    first, last = lines[0].get("points").split(), lines[1].get("points").split()
    assert float(last[-1].split(",")[1]) < float(first[0].split(",")[1])


@pytest.mark.parametrize("points", [[], [(dt.date(2026, 1, 1), 4)], [(dt.date(2026, 1, 1), None)]])
def test_item_history_with_no_or_one_point(points):
    root = parse(render_item_history(points=points, scale_min=1, scale_max=5, title="x"))
    assert root.findall("s:polyline", NS) == []
