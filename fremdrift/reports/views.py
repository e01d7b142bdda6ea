from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from fremdrift.audit.models import AccessAction
from fremdrift.audit.services import access_log_write
from fremdrift.citizens.models import Citizen
from fremdrift.core.exports import csv_response, plain_csv_response, xlsx_response

from . import charts
from .agreement import agreement_report
from .cohort import Filters, may_read_reports
from .comparison import comparison_report
from .dataset import codebook, dataset
from .forms import (
    AgreementForm,
    CohortForm,
    ComparisonForm,
    DatasetForm,
    ProgressionForm,
    SurveyForm,
)
from .goals import goals_report
from .monitoring import monitoring_report
from .privacy import suppress
from .progression import progression_report
from .quality import quality_report
from .surveys import fidelity_report, survey_report
from .tables import (
    agreement_table,
    fidelity_table,
    goals_tables,
    monitoring_rows,
    quality_tables,
    summary_of,
    survey_table,
)
from .tables import comparison_table as _comparison_table
from .tables import progression_table as _table


def _require_reports(request: HttpRequest) -> None:
    if not may_read_reports(request.user):
        raise Http404


@login_required
@require_GET
def report_index(request: HttpRequest) -> HttpResponse:
    _require_reports(request)
    return render(request, "reports/index.html")


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
            "trajectory_chart": charts.trajectory_svg(report.trajectory)
            if not report.suppressed
            else "",
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


@login_required
@require_GET
def comparison(request: HttpRequest) -> HttpResponse:
    _require_reports(request)
    form = ComparisonForm(request.GET or None, user=request.user)
    context: dict = {"form": form, "query": request.GET.urlencode()}
    if form.is_valid():
        report = comparison_report(
            request.user,
            form.filters(),
            instrument=form.cleaned_data["instrument"],
            by=form.cleaned_data["by"],
            horizon=form.cleaned_data["horizon"],
        )
        table = _comparison_table(report)
        name = f"comparison-{report.by}-{report.instrument.code}"
        export = request.GET.get("format")
        if export == "csv":
            return csv_response(table, f"{name}.csv")
        if export == "xlsx":
            return xlsx_response(table, f"{name}.xlsx", title=_("Comparison"), bold_rows={1})
        chart = charts.comparison_svg(report, table)
        if export == "svg":
            response = HttpResponse(chart, content_type="image/svg+xml")
            response["Content-Disposition"] = f'attachment; filename="{name}.svg"'
            return response
        context |= {"report": report, "table": table, "chart": chart}
    status = 200 if form.is_valid() or not request.GET else 400
    return render(request, "reports/comparison.html", context, status=status)


@login_required
@require_GET
def goals(request: HttpRequest) -> HttpResponse:
    _require_reports(request)
    form = CohortForm(request.GET or None, user=request.user)
    context: dict = {"form": form, "query": request.GET.urlencode()}
    if form.is_valid() or not request.GET:
        filters = form.filters() if request.GET else Filters()
        report = goals_report(request.user, filters)
        table = goals_tables(report)
        export = request.GET.get("format")
        if export == "csv":
            return csv_response(table, "goals.csv")
        if export == "xlsx":
            return xlsx_response(table, "goals.xlsx", title=_("Goals"), bold_rows={1, 2})
        context |= {"report": report, "table": table}
    status = 200 if form.is_bound is False or form.is_valid() else 400
    return render(request, "reports/goals.html", context, status=status)


@login_required
@require_GET
def agreement(request: HttpRequest) -> HttpResponse:
    _require_reports(request)
    form = AgreementForm(request.GET or None, user=request.user)
    context: dict = {"form": form, "query": request.GET.urlencode()}
    if form.is_valid():
        rows = agreement_report(
            request.user,
            form.filters(),
            instrument=form.cleaned_data["instrument"],
            pair=form.cleaned_data["pair"],
        )
        table = agreement_table(rows)
        name = f"agreement-{form.cleaned_data['pair']}"
        export = request.GET.get("format")
        if export == "csv":
            return csv_response(table, f"{name}.csv")
        if export == "xlsx":
            return xlsx_response(table, f"{name}.xlsx", title=_("Agreement"), bold_rows={1})
        context |= {"rows": rows, "table": table}
    status = 200 if form.is_valid() or not request.GET else 400
    return render(request, "reports/agreement.html", context, status=status)


@login_required
@require_GET
def monitoring(request: HttpRequest) -> HttpResponse:
    _require_reports(request)
    form = CohortForm(request.GET or None, user=request.user)
    context: dict = {"form": form, "query": request.GET.urlencode()}
    if not form.is_bound or form.is_valid():
        report = monitoring_report(request.user, form.filters() if form.is_bound else Filters())
        curves, tables = monitoring_rows(report)
        export = request.GET.get("format")
        flat = [[_("Monthly cumulative curves")], *curves]
        for title, rows, _counted in tables:
            flat += [[], [title], *rows]
        if export == "csv":
            return csv_response(flat, "monitoring.csv")
        if export == "xlsx":
            return xlsx_response(flat, "monitoring.xlsx", title=_("Monitoring"))
        chart = charts.curves_svg(
            [(m[0], *(v if isinstance(v, int) else 0 for v in m[1:])) for m in curves[1:]]
        )
        if export == "svg":
            response = HttpResponse(chart, content_type="image/svg+xml")
            response["Content-Disposition"] = 'attachment; filename="monitoring.svg"'
            return response
        context |= {"report": report, "curves": curves, "tables": tables, "chart": chart}
    status = 200 if not form.is_bound or form.is_valid() else 400
    return render(request, "reports/monitoring.html", context, status=status)


@login_required
@require_GET
def surveys(request: HttpRequest) -> HttpResponse:
    _require_reports(request)
    form = SurveyForm(request.GET or None, user=request.user)
    context: dict = {"form": form, "query": request.GET.urlencode()}
    if form.is_valid():
        instrument = form.cleaned_data["instrument"]
        chart, units = "", []
        if instrument.purpose == "fidelity":
            rows, units = fidelity_report(request.user, form.filters(), instrument=instrument)
            table = fidelity_table(rows)
        else:
            distributions = survey_report(request.user, form.filters(), instrument=instrument)
            table = survey_table(distributions)
            chart = charts.stacked_bars_svg(distributions)
        name = f"survey-{instrument.code}"
        export = request.GET.get("format")
        if export == "csv":
            return csv_response(table, f"{name}.csv")
        if export == "xlsx":
            return xlsx_response(table, f"{name}.xlsx", title=instrument.name, bold_rows={1})
        if export == "svg" and chart:
            response = HttpResponse(chart, content_type="image/svg+xml")
            response["Content-Disposition"] = f'attachment; filename="{name}.svg"'
            return response
        context |= {"table": table, "chart": chart, "units": units, "instrument": instrument}
    status = 200 if form.is_valid() or not request.GET else 400
    return render(request, "reports/surveys.html", context, status=status)


@login_required
@require_GET
def quality(request: HttpRequest) -> HttpResponse:
    _require_reports(request)
    form = CohortForm(request.GET or None, user=request.user)
    context: dict = {"form": form, "query": request.GET.urlencode()}
    if not form.is_bound or form.is_valid():
        report = quality_report(request.user, form.filters() if form.is_bound else Filters())
        table = quality_tables(report)
        export = request.GET.get("format")
        if export == "csv":
            return csv_response(table, "data-quality.csv")
        if export == "xlsx":
            return xlsx_response(table, "data-quality.xlsx", title=_("Data quality"))
        context |= {"report": report, "table": table}
    status = 200 if not form.is_bound or form.is_valid() else 400
    return render(request, "reports/quality.html", context, status=status)


def may_export_datasets(user) -> bool:
    return may_read_reports(user) and user.has_perm("reports.export_dataset")


@login_required
@require_http_methods(["GET", "POST"])
def dataset_export(request: HttpRequest) -> HttpResponse:
    """Pseudonymised rows are still personal data: the export needs its own permission, asks
    for a purpose, and is written to the access log with every citizen it holds."""
    _require_reports(request)
    allowed = may_export_datasets(request.user)
    form = DatasetForm(request.POST if request.method == "POST" else None, user=request.user)
    status = 200
    if request.method == "POST":
        if not allowed:
            raise PermissionDenied
        if form.is_valid():
            d = form.cleaned_data
            header, rows, citizens = dataset(
                request.user, form.filters(), instrument=d["instrument"], shape=d["shape"]
            )
            access_log_write(
                user=request.user,
                action=AccessAction.EXPORT,
                subjects=Citizen.objects.filter(pk__in=citizens),
                purpose=d["purpose"],
                criterion=f"dataset {d['shape']} {d['instrument'].code}",
                path=request.path,
            )
            name = f"dataset-{d['instrument'].code}-{d['shape']}"
            if d["file_format"] == "csv_da":
                return csv_response([header, *rows], f"{name}.csv")
            if d["file_format"] == "csv":
                return plain_csv_response([header, *rows], f"{name}.csv")
            return xlsx_response(
                [header, *rows],
                f"{name}.xlsx",
                title=_("Data"),
                bold_rows={1},
                extra_sheets=[(_("Codebook"), codebook(d["instrument"]))],
            )
        status = 400
    return render(
        request, "reports/dataset.html", {"form": form, "allowed": allowed}, status=status
    )
