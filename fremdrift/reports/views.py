from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from fremdrift.core.exports import csv_response, xlsx_response

from . import charts
from .cohort import may_read_reports
from .forms import ProgressionForm
from .progression import progression_report, regression_to_the_mean_applies, suppress


def _require_reports(request: HttpRequest) -> None:
    if not may_read_reports(request.user):
        raise Http404


@login_required
@require_GET
def report_index(request: HttpRequest) -> HttpResponse:
    _require_reports(request)
    return render(request, "reports/index.html")


def _n(value, digits: int = 2) -> str:
    return "" if value is None else formats.number_format(value, decimal_pos=digits)


def summary_of(report) -> list[str]:
    """The report in plain words, above the numbers."""
    if report.suppressed:
        return [
            _("Fewer than 5 citizens have both a baseline and a follow-up, so nothing is shown.")
        ]
    lines = [
        _("%(both)s of %(cohort)s enrolments have both a first assessment and a follow-up.")
        % {"both": report.with_both, "cohort": report.cohort_size}
    ]
    total = report.total
    if total is not None and not report.total_suppressed:
        lines.append(
            _(
                "On average the total score went from %(before)s to %(after)s, a change of "
                "%(change)s (95 %% interval %(low)s to %(high)s)."
            )
            % {
                "before": _n(total.baseline_mean, 1),
                "after": _n(total.followup_mean, 1),
                "change": _n(total.mean_change, 1),
                "low": _n(total.ci_low, 1),
                "high": _n(total.ci_high, 1),
            }
        )
        if total.ci_low > 0:
            lines.append(_("The group moved up: the interval lies above zero."))
        elif total.ci_high < 0:
            lines.append(_("The group moved down: the interval lies below zero."))
        else:
            lines.append(_("We cannot tell whether the group moved: the interval includes zero."))
    moved = [r for r in report.items if r.change and not r.suppressed and r.change.ci_low > 0]
    if moved:
        lines.append(
            _("Items where the group moved up: %(items)s.")
            % {"items": ", ".join(r.label for r in moved)}
        )
    if regression_to_the_mean_applies(report):
        lines.append(
            _(
                "The group started below the middle of the scale. Citizens who start low tend "
                "to score higher the next time even without help (regression to the mean), so "
                "part of the change may not be the programme's doing; compare with another group."
            )
        )
    return lines


def _table(report) -> list[list]:
    header = [
        _("Item"),
        _("Citizens"),
        _("Mean at baseline"),
        _("Mean at follow-up"),
        _("Mean change"),
        _("95 % interval, low"),
        _("95 % interval, high"),
        _("Effect size"),
        _("Wilcoxon p"),
        _("Went up"),
        _("Stayed"),
        _("Went down"),
    ]
    rows = [header]
    entries = [(r.label, r.change, r.suppressed) for r in report.items]
    entries.append((_("Total score"), report.total, report.total_suppressed))
    for label, c, hidden in entries:
        if c is None or hidden:
            rows.append([label, "<5", *[""] * 10])
            continue
        up, same, down = ("<5" if v is None else v for v in suppress([c.up, c.same, c.down]))
        rows.append(
            [
                label,
                c.n,
                round(c.baseline_mean, 2),
                round(c.followup_mean, 2),
                round(c.mean_change, 2),
                round(c.ci_low, 2),
                round(c.ci_high, 2),
                "" if c.effect_size is None else round(c.effect_size, 2),
                "" if c.wilcoxon_p is None else round(c.wilcoxon_p, 4),
                up,
                same,
                down,
            ]
        )
    return rows


@login_required
@require_GET
def progression(request: HttpRequest) -> HttpResponse:
    _require_reports(request)
    form = ProgressionForm(request.GET or None, user=request.user)
    report = None
    if form.is_valid():
        report = progression_report(
            request.user,
            form.filters(),
            instrument=form.cleaned_data["instrument"],
            horizon=form.cleaned_data["horizon"],
        )
        export = request.GET.get("format")
        name = f"progression-{form.cleaned_data['instrument'].code}"
        if export == "csv":
            return csv_response(_table(report), f"{name}.csv")
        if export == "xlsx":
            return xlsx_response(
                _table(report), f"{name}.xlsx", title=_("Progression"), bold_rows={1}
            )
        if export == "svg":
            response = HttpResponse(charts.item_change_svg(report), content_type="image/svg+xml")
            response["Content-Disposition"] = f'attachment; filename="{name}.svg"'
            return response
    context = {
        "form": form,
        "report": report,
        "query": request.GET.urlencode(),
    }
    if report is not None:
        up_same_down = {}
        if report.total and not report.total_suppressed:
            up_same_down = dict(
                zip(
                    ("up", "same", "down"),
                    suppress([report.total.up, report.total.same, report.total.down]),
                    strict=True,
                )
            )
        reliable = {}
        if report.reliable:
            reliable = dict(
                zip(
                    ("improved", "unchanged", "worse"),
                    suppress(
                        [report.reliable.improved, report.reliable.unchanged, report.reliable.worse]
                    ),
                    strict=True,
                )
            )
        context |= {
            "summary": summary_of(report),
            "chart": charts.item_change_svg(report) if not report.suppressed else "",
            "table": _table(report),
            "up_same_down": up_same_down,
            "reliable": reliable,
        }
    return render(
        request,
        "reports/progression.html",
        context,
        status=200 if form.is_valid() or not request.GET else 400,
    )
