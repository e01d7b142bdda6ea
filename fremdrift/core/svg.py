"""The movement wheel (bevægelseshjul) and the item histories, drawn as standalone SVG.

Geometry of the wheel, for a chart of `size`: centre (size/2, size/2), outer radius
r = size/2 - LABEL_MARGIN. Spoke i of n points at θ = -π/2 + 2πi/n (the first straight up,
then clockwise). A score v on a scale min..max lies at distance r·(v - min + 1)/(max - min + 1)
from the centre, so the lowest point is the first ring, not the centre. The legend sits below
the chart. Series differ by line style and marker as well as colour, so the wheel reads in
greyscale print and for colour-blind readers.
"""

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

LABEL_MARGIN = 112
FONT = "'IBM Plex Sans', Arial, sans-serif"

# key: (stroke, width, dash, fill, fill opacity, marker)
STYLES = {
    "first": ("#555555", 2, "2 4", "none", 0, "square"),
    "previous": ("#b35900", 2.5, "8 5", "none", 0, "ring"),
    "newest": ("#1a4e8a", 3.5, "", "#1a4e8a", 0.15, "dot"),
    "target": ("#2e7d32", 2.5, "14 6", "none", 0, "diamond"),
    # Some items only (a referral's starting scores, the provider's focus items): points
    # without an outline between unanswered spokes.
    "partial": ("#6a1b9a", 2, "1 4", "none", 0, "diamond"),
}
OTHER_STYLE = ("#777777", 1.5, "4 3", "none", 0, "ring")
DRAW_ORDER = {"other": 0, "first": 1, "previous": 2, "newest": 3, "partial": 4, "target": 5}


@dataclass(frozen=True)
class WheelItem:
    code: str
    label: str
    scale_min: int
    scale_max: int


@dataclass(frozen=True)
class WheelSeries:
    key: str
    label: str
    scores: Mapping[str, float | None]


def spoke_angle(index: int, count: int) -> float:
    return -math.pi / 2 + 2 * math.pi * index / count


def spoke_point(
    *,
    index: int,
    count: int,
    value: float,
    scale_min: int,
    scale_max: int,
    center: float,
    radius: float,
) -> tuple[float, float]:
    distance = radius * (value - scale_min + 1) / (scale_max - scale_min + 1)
    angle = spoke_angle(index, count)
    return (
        round(center + distance * math.cos(angle), 2),
        round(center + distance * math.sin(angle), 2),
    )


def _wrap(label: str, width: int = 16, lines: int = 3) -> list[str]:
    words, rows, row = label.split(), [], ""
    for word in words:
        if row and len(row) + 1 + len(word) > width:
            rows.append(row)
            row = word
        else:
            row = f"{row} {word}".strip()
    rows.append(row)
    if len(rows) > lines:
        rows = rows[: lines - 1] + [" ".join(rows[lines - 1 :])]
    return rows


def _marker(shape: str, x: float, y: float, colour: str, code: str, title: str) -> str:
    inner = f"<title>{escape(title)}</title>"
    item = quoteattr(code)
    if shape == "square":
        return (
            f'<rect data-item={item} x="{x - 4:.2f}" y="{y - 4:.2f}" width="8" height="8" '
            f'fill="#fff" stroke="{colour}" stroke-width="2">{inner}</rect>'
        )
    if shape == "diamond":
        points = f"{x:.2f},{y - 6:.2f} {x + 6:.2f},{y:.2f} {x:.2f},{y + 6:.2f} {x - 6:.2f},{y:.2f}"
        return (
            f'<polygon data-item={item} points="{points}" fill="#fff" stroke="{colour}" '
            f'stroke-width="2">{inner}</polygon>'
        )
    fill = colour if shape == "dot" else "#fff"
    return (
        f'<circle data-item={item} cx="{x:.2f}" cy="{y:.2f}" r="5" fill="{fill}" '
        f'stroke="{colour}" stroke-width="2">{inner}</circle>'
    )


def _format(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:.1f}".replace(".", ",")


def render_wheel(
    *,
    items: Sequence[WheelItem],
    series: Sequence[WheelSeries],
    title: str,
    description: str,
    size: int = 640,
    id_prefix: str = "wheel",
) -> str:
    n = len(items)
    c = size / 2
    r = c - LABEL_MARGIN
    shown = sorted(series, key=lambda s: DRAW_ORDER.get(s.key, 0))
    legend_height = 28 * len(shown) + (16 if shown else 0)
    height = size + legend_height
    font_size = 13 if n <= 8 else 11
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {height}" width="{size}" '
        f'height="{height}" role="img" aria-labelledby="{id_prefix}-title {id_prefix}-desc" '
        f'font-family="{FONT}">',
        f'<title id="{id_prefix}-title">{escape(title)}</title>',
        f'<desc id="{id_prefix}-desc">{escape(description)}</desc>',
        f'<rect width="{size}" height="{height}" fill="#ffffff"/>',
    ]
    points = max((i.scale_max - i.scale_min + 1 for i in items), default=0)
    if n:
        parts.append('<g class="rings" fill="none" stroke="#d0d0d0" stroke-width="1">')
        for ring in range(1, points + 1):
            ring_r = r * ring / points
            if n >= 3:
                corners = " ".join(
                    f"{c + ring_r * math.cos(spoke_angle(i, n)):.2f},"
                    f"{c + ring_r * math.sin(spoke_angle(i, n)):.2f}"
                    for i in range(n)
                )
                parts.append(f'<polygon points="{corners}"/>')
            else:
                parts.append(f'<circle cx="{c}" cy="{c}" r="{ring_r:.2f}"/>')
        parts.append("</g>")
        if len({(i.scale_min, i.scale_max) for i in items}) == 1:
            low = items[0].scale_min
            parts.append('<g class="ring-values" font-size="10" fill="#6a6a6a">')
            for ring in range(1, points + 1):
                y = c - r * ring / points - 2
                parts.append(f'<text x="{c + 4:.2f}" y="{y:.2f}">{low + ring - 1}</text>')
            parts.append("</g>")
    for index, item in enumerate(items):
        angle = spoke_angle(index, n)
        x, y = c + r * math.cos(angle), c + r * math.sin(angle)
        parts.append(
            f'<line class="spoke" data-item={quoteattr(item.code)} x1="{c}" y1="{c}" '
            f'x2="{x:.2f}" y2="{y:.2f}" stroke="#9a9a9a" stroke-width="1"/>'
        )
        lx, ly = c + (r + 14) * math.cos(angle), c + (r + 14) * math.sin(angle)
        cos = math.cos(angle)
        anchor = "middle" if abs(cos) < 0.2 else ("start" if cos > 0 else "end")
        rows = _wrap(item.label)
        if math.sin(angle) < -0.5:
            ly -= (len(rows) - 1) * (font_size + 2)
        elif abs(math.sin(angle)) <= 0.5:
            ly -= (len(rows) - 1) * (font_size + 2) / 2
        else:
            ly += font_size
        tspans = "".join(
            f'<tspan x="{lx:.2f}" dy="{0 if k == 0 else font_size + 2}">{escape(row)}</tspan>'
            for k, row in enumerate(rows)
        )
        parts.append(
            f'<text class="item-label" data-item={quoteattr(item.code)} x="{lx:.2f}" y="{ly:.2f}" '
            f'font-size="{font_size}" fill="#1a1a1a" text-anchor="{anchor}">{tspans}</text>'
        )
    for one in shown:
        stroke, width, dash, fill, opacity, marker = STYLES.get(one.key, OTHER_STYLE)
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<g class="series series-{escape(one.key)}" data-series={quoteattr(one.key)}>'
        )
        placed = []
        for index, item in enumerate(items):
            value = one.scores.get(item.code)
            if value is None:
                continue
            x, y = spoke_point(
                index=index,
                count=n,
                value=value,
                scale_min=item.scale_min,
                scale_max=item.scale_max,
                center=c,
                radius=r,
            )
            placed.append((item, value, x, y))
        if len(placed) == n and n >= 3:
            outline = " ".join(f"{x:.2f},{y:.2f}" for _, _, x, y in placed)
            parts.append(
                f'<polygon points="{outline}" fill="{fill}" fill-opacity="{opacity}" '
                f'stroke="{stroke}" stroke-width="{width}" stroke-linejoin="round"{dash_attr}/>'
            )
        else:
            # Unanswered spokes break the outline: only neighbours that both have a score are
            # joined, so a gap never looks like a score near the centre.
            at = {item.code: (x, y) for item, _, x, y in placed}
            for index in range(n if n >= 3 else 0):
                a, b = items[index].code, items[(index + 1) % n].code
                if a in at and b in at:
                    (x1, y1), (x2, y2) = at[a], at[b]
                    parts.append(
                        f'<line class="outline" x1="{x1:.2f}" y1="{y1:.2f}" x2="{x2:.2f}" '
                        f'y2="{y2:.2f}" stroke="{stroke}" stroke-width="{width}"{dash_attr}/>'
                    )
        if one.key != "target" or len(placed) < n:
            for item, value, x, y in placed:
                parts.append(
                    _marker(marker, x, y, stroke, item.code, f"{item.label}: {_format(value)}")
                )
        parts.append("</g>")
    if shown:
        parts.append('<g class="legend" font-size="13" fill="#1a1a1a">')
        for row, one in enumerate(shown):
            stroke, width, dash, _fill, _opacity, marker = STYLES.get(one.key, OTHER_STYLE)
            y = size + 8 + row * 28
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            parts.append(
                f'<line x1="{c - 150}" y1="{y}" x2="{c - 110}" y2="{y}" stroke="{stroke}" '
                f'stroke-width="{width}"{dash_attr}/>'
            )
            parts.append(
                _marker(marker, c - 130, y, stroke, "", one.label).replace(' data-item=""', "")
            )
            parts.append(f'<text x="{c - 100}" y="{y + 5}">{escape(one.label)}</text>')
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


def render_item_history(
    *,
    points: Sequence[tuple[dt.date, float | None]],
    scale_min: int,
    scale_max: int,
    title: str,
    width: int = 240,
    height: int = 60,
) -> str:
    """A small line chart of one item over time: x proportional to the date, y from the
    lowest scale point (bottom) to the highest (top); the line breaks where a score is missing."""
    pad, right = 6, 28
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" font-family="{FONT}"><title>{escape(title)}</title>',
        f'<line x1="{pad}" y1="{height - pad}" x2="{width - right}" y2="{height - pad}" '
        f'stroke="#d0d0d0" stroke-width="1"/>',
    ]
    if points:
        first, last = points[0][0], points[-1][0]
        span = max((last - first).days, 1)

        def x_of(day: dt.date) -> float:
            if first == last:
                return (width - right + pad) / 2
            return pad + (width - right - pad) * (day - first).days / span

        def y_of(value: float) -> float:
            share = (value - scale_min) / max(scale_max - scale_min, 1)
            return height - pad - share * (height - 2 * pad)

        runs, run = [], []
        for day, value in points:
            if value is None:
                if run:
                    runs.append(run)
                run = []
            else:
                run.append((x_of(day), y_of(value)))
        if run:
            runs.append(run)
        for segment in runs:
            if len(segment) > 1:
                line = " ".join(f"{x:.2f},{y:.2f}" for x, y in segment)
                parts.append(
                    f'<polyline points="{line}" fill="none" stroke="#1a4e8a" stroke-width="2"/>'
                )
            for x, y in segment:
                parts.append(f'<circle cx="{x:.2f}" cy="{y:.2f}" r="2.5" fill="#1a4e8a"/>')
        answered = [value for _, value in points if value is not None]
        if answered:
            parts.append(
                f'<text x="{width - right + 4}" y="{y_of(answered[-1]) + 4:.2f}" font-size="12" '
                f'fill="#1a1a1a">{_format(answered[-1])}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def nice_ticks(low: float, high: float, *, include_zero: bool = False) -> list[float]:
    """Axis ticks at round values (1, 2 or 5 times a power of ten) that cover `low` to
    `high`: the first tick at or below `low`, the last at or above `high`, 4 to 7 of them.
    A single value gets a round step either side of it. Values are what charts hold
    (rounded figures), not float noise near the smallest float. `include_zero` stretches
    the range to 0 first, for bars and counts that start there. Whole steps give ints."""
    if include_zero:
        low, high = min(low, 0.0), max(high, 0.0)
    if low > high:
        low, high = high, low
    if high == low:
        # One value: a unit around it, at the value's own magnitude.
        spread = abs(low) or 1.0
        step = _nice_step(spread / 2 or spread)
        low, high = low - step, high + step
    span = high - low
    exponent = math.floor(math.log10(span)) - 1
    while True:
        for factor in (1, 2, 5):
            step = factor * 10.0**exponent
            first = math.floor(low / step + 1e-9)
            last = math.ceil(high / step - 1e-9)
            if last - first + 1 <= 7:
                digits = max(0, -exponent) + 1
                return [_clean(round(k * step, digits)) for k in range(first, last + 1)]
        exponent += 1


def _nice_step(rough: float) -> float:
    """The smallest round step (1, 2 or 5 times a power of ten) not below `rough`."""
    exponent = math.floor(math.log10(rough))
    for factor in (1, 2, 5, 10):
        if factor * 10.0**exponent >= rough * (1 - 1e-9):
            return factor * 10.0**exponent
    return 10.0 ** (exponent + 1)


def _clean(value: float) -> float | int:
    """A tick as an int where it is whole."""
    return int(value) if value == int(value) else value


def tick_label(value: float) -> str:
    """A tick's text: as few decimals as the value needs, with a decimal comma."""
    if value == int(value):
        return str(int(value))
    return f"{value:g}".replace(".", ",")
