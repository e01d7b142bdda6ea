"""Report charts as SVG drawn on the server: self-contained, printable, downloadable."""

import datetime as dt
from html import escape

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from fremdrift.core.svg import nice_ticks, tick_label

from .privacy import HIDDEN, MIN_GROUP

BLUE = "#1a4e8a"
GREY = "#767676"


# A hidden value (fewer than 5 citizens) is never drawn, not even as 0: the chart leaves a
# gap there and marks it with "<5", and says once what the mark means.


def hidden_note() -> str:
    return _("Hidden: fewer than %(min)d") % {"min": MIN_GROUP}


def _hidden_mark(x: float, y: float, *, colour: str = GREY, anchor: str = "middle") -> str:
    """The mark of a hidden value at (x, y): "<5" with its meaning as a tooltip."""
    return (
        f'<g class="hidden-value" data-hidden="true"><title>{escape(hidden_note())}</title>'
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{colour}" '
        f'font-style="italic">{escape(HIDDEN)}</text></g>'
    )


def _hidden_legend(x: float, y: float) -> str:
    """The note that says what the "<5" marks mean."""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" fill="{GREY}" data-testid="hidden-note">'
        f'<tspan font-style="italic">{escape(HIDDEN)}</tspan> {escape(hidden_note())}</text>'
    )


def _axis_title(x: float, y: float, text: str, *, anchor: str = "middle", rotate=False) -> str:
    """An axis's title; `rotate` turns it to read upward beside a vertical axis."""
    turn = f' transform="rotate(-90 {x:.1f} {y:.1f})"' if rotate else ""
    return (
        f'<text class="axis-title" x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" '
        f'font-weight="600"{turn}>{escape(text)}</text>'
    )


def _tick(x: float, y: float, value: float, *, anchor: str = "middle") -> str:
    return (
        f'<text class="tick" x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" '
        f'fill="{GREY}">{tick_label(value)}</text>'
    )


def month_label(month: str | dt.date) -> str:
    """A month as the active language writes it short ("jan. 2026", "Jan 2026"): Django's
    YEAR_MONTH_FORMAT of the project's format modules (`fremdrift/formats/`)."""
    if isinstance(month, str):
        year, number = month.split("-")[:2]
        month = dt.date(int(year), int(number), 1)
    return date_format(month, "YEAR_MONTH_FORMAT")


def item_change_svg(report) -> str:
    """One row per item: the baseline mean (open circle) and the follow-up mean (filled), with
    the follow-up's 95 % interval of change drawn around it. A suppressed item keeps its row,
    marked "<5", with nothing drawn."""
    rows = [r for r in report.items if r.suppressed or r.change]
    if not any(r.change and not r.suppressed for r in rows):
        return ""
    hidden = any(r.suppressed for r in rows)
    scale_min, scale_max = report.scale
    left, width, row_height, top = 220, 420, 30, 64
    height = top + row_height * len(rows) + 40 + (18 if hidden else 0)

    def x(value: float) -> float:
        return left + (value - scale_min) / (scale_max - scale_min) * width

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {left + width + 40} {height}" '
        'role="img" aria-labelledby="change-title" '
        'font-family="IBM Plex Sans, Arial, sans-serif" font-size="13">',
        '<title id="change-title">'
        + escape(_("Mean score at baseline and follow-up, per item"))
        + "</title>",
        _axis_title(left + width / 2, 18, _("Mean score on the scale")),
        _axis_title(left - 10, top - 16, _("Item"), anchor="end"),
    ]
    # The scale's own points are the ticks: whole numbers, a handful of them.
    step = max(1, round((scale_max - scale_min) / 10))
    for tick in range(int(scale_min), int(scale_max) + 1, step):
        parts.append(
            f'<line x1="{x(tick):.1f}" y1="{top - 10}" x2="{x(tick):.1f}" '
            f'y2="{height - 30}" stroke="#ddd"/>' + _tick(x(tick), top - 16, tick)
        )
    for n, row in enumerate(rows):
        y = top + n * row_height + row_height / 2
        if row.suppressed:
            parts.append(
                f'<text x="{left - 10}" y="{y + 4:.1f}" text-anchor="end">'
                f"{escape(row.label)}</text>"
                + _hidden_mark(x(scale_min) + 8, y + 4, anchor="start")
            )
            continue
        c = row.change
        ci_low = c.baseline_mean + c.ci_low
        ci_high = c.baseline_mean + c.ci_high
        parts.append(
            f'<text x="{left - 10}" y="{y + 4:.1f}" text-anchor="end">{escape(row.label)}</text>'
            f'<line x1="{x(ci_low):.1f}" y1="{y:.1f}" x2="{x(ci_high):.1f}" y2="{y:.1f}" '
            f'stroke="{BLUE}" stroke-width="6" stroke-opacity="0.25"/>'
            f'<line x1="{x(c.baseline_mean):.1f}" y1="{y:.1f}" x2="{x(c.followup_mean):.1f}" '
            f'y2="{y:.1f}" stroke="{GREY}" stroke-width="2"/>'
            f'<circle cx="{x(c.baseline_mean):.1f}" cy="{y:.1f}" r="5" fill="#fff" '
            f'stroke="{GREY}" stroke-width="2"/>'
            f'<circle cx="{x(c.followup_mean):.1f}" cy="{y:.1f}" r="5" fill="{BLUE}"/>'
        )
    legend_y = height - 12 - (18 if hidden else 0)
    if hidden:
        parts.append(_hidden_legend(left, height - 12))
    parts.append(
        f'<circle cx="{left}" cy="{legend_y - 4}" r="5" fill="#fff" stroke="{GREY}" '
        'stroke-width="2"/>'
        f'<text x="{left + 10}" y="{legend_y}">{escape(_("Baseline"))}</text>'
        f'<circle cx="{left + 120}" cy="{legend_y - 4}" r="5" fill="{BLUE}"/>'
        f'<text x="{left + 130}" y="{legend_y}">'
        + escape(_("Follow-up (band: 95 % interval)"))
        + "</text></svg>"
    )
    return "".join(parts)


def comparison_svg(report, table) -> str:
    """Each shown group's mean change of the total score with its 95 % interval, on an axis
    of round values that holds zero (a line); a hidden group keeps its row, marked "<5"."""
    shown = [
        (row[0], row[4], row[5], row[6]) if row[1] != HIDDEN else (row[0], None, None, None)
        for row in table[1:]
        if row[1] == HIDDEN or isinstance(row[4], (int, float))
    ]
    drawn = [row for row in shown if row[1] is not None]
    if not drawn:
        return ""
    hidden = len(drawn) < len(shown)
    values = [float(v) for _l, m, lo, hi in drawn for v in (m, lo, hi)]
    ticks = nice_ticks(min(values), max(values), include_zero=True)
    lowest, highest = ticks[0], ticks[-1]
    left, width, row_height, top = 240, 400, 34, 52
    bottom = top + row_height * len(shown)
    height = bottom + 80 + (18 if hidden else 0)

    def x(value: float) -> float:
        return left + (value - lowest) / (highest - lowest) * width

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {left + width + 40} {height}" '
        'role="img" aria-labelledby="comparison-title" '
        'font-family="IBM Plex Sans, Arial, sans-serif" font-size="13">',
        '<title id="comparison-title">'
        + escape(_("Mean change of the total score, with 95 % intervals"))
        + "</title>",
        _axis_title(left + width / 2, 18, _("Mean change of the total score (points)")),
        _axis_title(left - 10, top - 16, _("Group"), anchor="end"),
    ]
    for tick in ticks:
        parts.append(
            f'<line x1="{x(tick):.1f}" y1="{top - 10}" x2="{x(tick):.1f}" y2="{bottom}" '
            f'stroke="{GREY if tick == 0 else "#ddd"}"/>' + _tick(x(tick), top - 16, tick)
        )
    for n, (label, mean, low, high) in enumerate(shown):
        y = top + n * row_height + row_height / 2
        if mean is None:
            parts.append(
                f'<text x="{left - 10}" y="{y + 4:.1f}" text-anchor="end">'
                f"{escape(str(label))}</text>" + _hidden_mark(x(0) + 8, y + 4, anchor="start")
            )
            continue
        parts.append(
            f'<text x="{left - 10}" y="{y + 4:.1f}" text-anchor="end">{escape(str(label))}</text>'
            f'<line x1="{x(low):.1f}" y1="{y:.1f}" x2="{x(high):.1f}" y2="{y:.1f}" '
            f'stroke="{BLUE}" stroke-width="3"/>'
            f'<circle cx="{x(mean):.1f}" cy="{y:.1f}" r="6" fill="{BLUE}"/>'
        )
    # The legend, as the progression chart has one: what the dot and the line are.
    legend_y = bottom + 30
    parts.append(
        f'<g class="legend" data-testid="legend">'
        f'<circle cx="{left}" cy="{legend_y - 4}" r="6" fill="{BLUE}"/>'
        f'<text x="{left + 12}" y="{legend_y}">{escape(_("Mean change"))}</text>'
        f'<line x1="{left + 140}" y1="{legend_y - 4}" x2="{left + 170}" y2="{legend_y - 4}" '
        f'stroke="{BLUE}" stroke-width="3"/>'
        f'<text x="{left + 178}" y="{legend_y}">{escape(_("95 % interval"))}</text>'
        f'<line x1="{left}" y1="{legend_y + 14}" x2="{left}" y2="{legend_y + 26}" '
        f'stroke="{GREY}"/>'
        f'<text x="{left + 12}" y="{legend_y + 24}">{escape(_("No change (0)"))}</text></g>'
    )
    if hidden:
        parts.append(_hidden_legend(left, height - 10))
    parts.append("</svg>")
    return "".join(parts)


def curves_svg(months) -> str:
    """Monthly cumulative curves: enrolled, with a plan, in a company-oriented activity, and
    exited to job or education. A hidden month (None, fewer than 5) is a gap in its curve,
    never drawn as a value."""
    if len(months) < 2:
        return ""
    series = [
        (_("Enrolled"), 1, BLUE, ""),
        (_("With a plan"), 2, "#008139", ""),
        (_("In a company-oriented activity"), 3, "#b35c00", "6 3"),
        (_("Exited to job or education"), 4, "#6f1d8a", "2 3"),
    ]
    ticks = nice_ticks(0, max(1, *(v for m in months for v in m[1:] if v is not None)))
    top_value = ticks[-1]
    left, width, top, height = 70, 540, 20, 240

    def x(i: int) -> float:
        return left + i / (len(months) - 1) * width

    def y(v: float) -> float:
        return top + height - v / top_value * height

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {left + width + 30} '
        f'{top + height + 136}" role="img" aria-labelledby="curves-title" '
        'font-family="IBM Plex Sans, Arial, sans-serif" font-size="12">',
        '<title id="curves-title">' + escape(_("Monthly cumulative curves")) + "</title>",
        _axis_title(16, top + height / 2, _("Citizens, cumulative"), rotate=True),
        _axis_title(left + width / 2, y(0) + 36, _("Month")),
    ]
    for tick in ticks:
        parts.append(
            f'<line x1="{left}" y1="{y(tick):.1f}" x2="{left + width}" y2="{y(tick):.1f}" '
            f'stroke="{GREY if tick == 0 else "#ddd"}"/>'
            + _tick(left - 6, y(tick) + 4, tick, anchor="end")
        )
    step = max(1, len(months) // 6)
    for i in range(0, len(months), step):
        parts.append(
            f'<text class="month" x="{x(i):.1f}" y="{y(0) + 16:.1f}" text-anchor="middle">'
            f"{escape(month_label(months[i][0]))}</text>"
        )
    hidden = False
    for n, (label, index, colour, dash) in enumerate(series):
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        runs, run = [], []
        for i, m in enumerate(months):
            if m[index] is None:
                runs, run = runs + [run] if run else runs, []
                # The gap is marked where the value would be read: above the axis, one row
                # per curve.
                hidden = True
                parts.append(_hidden_mark(x(i), y(0) - 6 - 12 * n, colour=colour))
            else:
                run.append(f"{x(i):.1f},{y(m[index]):.1f}")
        for points in [*runs, run]:
            if len(points) > 1:
                parts.append(
                    f'<polyline points="{" ".join(points)}" fill="none" stroke="{colour}" '
                    f'stroke-width="2"{dashed}/>'
                )
        legend_y = top + height + 56 + n * 16
        parts.append(
            f'<line x1="{left}" y1="{legend_y - 4}" x2="{left + 24}" y2="{legend_y - 4}" '
            f'stroke="{colour}" stroke-width="2"{dashed}/>'
            f'<text x="{left + 30}" y="{legend_y}">{escape(label)}</text>'
        )
    if hidden:
        parts.append(_hidden_legend(left, top + height + 56 + len(series) * 16))
    parts.append("</svg>")
    return "".join(parts)


SHADES = ["#a50026", "#f46d43", "#d9d9d9", "#74add1", "#313695", "#1a4e8a", "#08306b"]


def stacked_bars_svg(distributions) -> str:
    """One bar per item, its answers over the scale as percentages; 'don't know' is left out of
    the bar and counted beside it. An item with a count under 5 gets no bar (its percentages
    beside N would reveal it): its row is marked "<5"."""
    drawn = [d for d in distributions if d.fully_shown and d.n]
    if not drawn:
        return ""
    # An item with a hidden count keeps its row, marked, with no bar.
    shown = [d for d in distributions if d.n or not d.fully_shown]
    hidden = len(shown) > len(drawn)
    dont_know = escape(_("Don't know"))
    left, width, row_height, top = 220, 420, 30, 50
    points = drawn[0].points
    height = top + row_height * len(shown) + 30 + 16 * len(points) + (18 if hidden else 0)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {left + width + 130} {height}" '
        'role="img" aria-labelledby="survey-title" '
        'font-family="IBM Plex Sans, Arial, sans-serif" font-size="12">',
        '<title id="survey-title">' + escape(_("Answers per item, in per cent")) + "</title>",
        _axis_title(left + width / 2, 16, _("Share of the answers (%)")),
        _axis_title(left - 8, top - 18, _("Item"), anchor="end"),
    ]
    for tick in nice_ticks(0, 100):
        at = left + tick / 100 * width
        parts.append(
            f'<line x1="{at:.1f}" y1="{top - 6}" x2="{at:.1f}" y2="{top - 2}" stroke="{GREY}"/>'
            + _tick(at, top - 10, tick)
        )
    for n, d in enumerate(shown):
        y = top + n * row_height
        x = float(left)
        parts.append(
            f'<text x="{left - 8}" y="{y + 15}" text-anchor="end">{escape(d.label)}</text>'
        )
        if not d.fully_shown:
            parts.append(_hidden_mark(left + 4, y + 15, anchor="start"))
            continue
        for i, pct in enumerate(d.percentages()):
            w = pct / 100 * width
            colour = SHADES[round(i * (len(SHADES) - 1) / max(1, len(d.points) - 1))]
            parts.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="20" fill="{colour}"/>')
            if pct >= 8:
                fill = "#000" if colour == "#d9d9d9" else "#fff"
                parts.append(
                    f'<text x="{x + w / 2:.1f}" y="{y + 14}" text-anchor="middle" '
                    f'fill="{fill}">{pct:.0f}</text>'
                )
            x += w
        parts.append(
            f'<text x="{left + width + 8}" y="{y + 14}">N = {d.n}'
            + (f", {dont_know}: {d.dont_know}" if d.dont_know else "")
            + "</text>"
        )
    legend_top = top + row_height * len(shown) + 16
    for i, (_value, label, _count) in enumerate(points):
        colour = SHADES[round(i * (len(SHADES) - 1) / max(1, len(points) - 1))]
        parts.append(
            f'<rect x="{left}" y="{legend_top + i * 16}" width="12" height="12" fill="{colour}"/>'
            f'<text x="{left + 18}" y="{legend_top + i * 16 + 10}">{escape(label)}</text>'
        )
    if hidden:
        parts.append(_hidden_legend(left, legend_top + len(points) * 16 + 12))
    parts.append("</svg>")
    return "".join(parts)


def trajectory_svg(points) -> str:
    """The mean total score by month since enrolment, with its 95 % band and n under each
    month; a month with fewer than 5 citizens is a marked gap in the line and the band."""
    shown = [p for p in points if p.mean is not None]
    if len(shown) < 2:
        return ""
    # A hidden month (fewer than 5) breaks the line and its band, and is marked.
    hidden = [p for p in points if p.mean is None]
    ticks = nice_ticks(min(p.low for p in shown), max(p.high for p in shown))
    low, high = ticks[0], ticks[-1]
    months = max(p.month for p in points) or 1
    left, width, top, height = 70, 540, 20, 220

    def x(month: int) -> float:
        return left + month / months * width

    def y(value: float) -> float:
        return top + height - (value - low) / (high - low) * height

    runs: list[list] = [[]]
    for p in sorted(points, key=lambda p: p.month):
        if p.mean is None:
            runs.append([])
        else:
            runs[-1].append(p)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {left + width + 30} '
        f'{top + height + 60 + (18 if hidden else 0)}" role="img" '
        'aria-labelledby="trajectory-title" '
        'font-family="IBM Plex Sans, Arial, sans-serif" font-size="12">',
        '<title id="trajectory-title">'
        + escape(_("The mean total score by month since enrolment, with its 95 % band"))
        + "</title>",
    ]
    for run in runs:
        if not run:
            continue
        band = [f"{x(p.month):.1f},{y(p.high):.1f}" for p in run] + [
            f"{x(p.month):.1f},{y(p.low):.1f}" for p in reversed(run)
        ]
        line = " ".join(f"{x(p.month):.1f},{y(p.mean):.1f}" for p in run)
        parts.append(f'<polygon points="{" ".join(band)}" fill="{BLUE}" fill-opacity="0.18"/>')
        if len(run) > 1:
            parts.append(
                f'<polyline points="{line}" fill="none" stroke="{BLUE}" stroke-width="2"/>'
            )
        else:
            p = run[0]
            parts.append(
                f'<circle cx="{x(p.month):.1f}" cy="{y(p.mean):.1f}" r="3" fill="{BLUE}"/>'
            )
    for p in hidden:
        parts.append(_hidden_mark(x(p.month), top + height / 2))
    parts.append(_axis_title(16, top + height / 2, _("Mean total score"), rotate=True))
    for tick in ticks:
        parts.append(
            f'<line x1="{left - 3}" y1="{y(tick):.1f}" x2="{left}" y2="{y(tick):.1f}" '
            f'stroke="{GREY}"/>' + _tick(left - 6, y(tick) + 4, tick, anchor="end")
        )
    step = max(1, len(shown) // 12)
    for p in shown[::step]:
        parts.append(
            f'<text class="tick" x="{x(p.month):.1f}" y="{top + height + 16}" '
            f'text-anchor="middle">{p.month}</text>'
            f'<text x="{x(p.month):.1f}" y="{top + height + 30}" text-anchor="middle" '
            f'fill="{GREY}">n={p.n}</text>'
        )
    parts.append(_axis_title(left + width / 2, top + height + 50, _("Months since enrolment")))
    if hidden:
        parts.append(_hidden_legend(left, top + height + 68))
    parts.append("</svg>")
    return "".join(parts)


def too_few_svg(text: str) -> str:
    """The chart of a cohort too small to show: its one sentence."""
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 480 40" role="img" '
        f'aria-label="{escape(text)}"><text x="8" y="24" font-size="14">{escape(text)}</text></svg>'
    )
