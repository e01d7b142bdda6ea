from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from fremdrift.accounts.access import may_export_datasets, require_reports
from fremdrift.audit.models import AccessAction
from fremdrift.audit.services import access_log_write
from fremdrift.citizens.models import Citizen
from fremdrift.core.exports import About, csv_response, plain_csv_response, xlsx_response
from fremdrift.core.forms import form_in_words
from fremdrift.core.routers import reads_from_replica

from . import charts
from .agreement import agreement_report
from .charts import too_few_svg
from .cohort import Filters, cohort_citizens
from .comparison import comparison_report
from .dataset import codebook, dataset
from .forms import (
    AgreementForm,
    CohortForm,
    ComparisonForm,
    DatasetForm,
    ProgressionForm,
    QualityForm,
    SurveyForm,
)
from .goals import goals_report
from .monitoring import monitoring_report
from .privacy import HIDDEN, TOO_FEW, cohort_too_small, mark_small, suppress
from .progression import progression_report
from .quality import quality_report
from .surveys import fidelity_report, survey_report
from .tables import (
    agreement_table,
    comparison_summary,
    fidelity_table,
    goals_tables,
    monitoring_rows,
    quality_tables,
    summary_of,
    survey_table,
)
from .tables import comparison_table as _comparison_table
from .tables import progression_table as _table


@dataclass
class Outcome:
    """A report run on a valid form: what its exports write and what its page shows."""

    name: str  # the export's file name, without its extension
    title: str  # the Excel sheet's title
    table: list[list]  # the rows of the CSV and Excel exports
    page: Callable[[], dict] = dict  # the page's context beside the form
    svg: Callable[[], str] | None = None  # the chart of `?format=svg`, where there is one
    bold_rows: set[int] = frozenset()
    export: str | None = None  # the format the form chose; else `?format=` chooses
    extra_sheets: Callable[[], list[tuple[str, list[list]]]] = tuple  # Excel's further sheets
    size: int | None = None  # the dataset's citizens (a report's group is counted by the view)


PAGE_FORMATS = ("csv", "xlsx", "svg")  # what `?format=` asks of a report page
EMPTY_GROUP = gettext_lazy(
    "No citizen is in the group you chose: change the group or the filters to see results."
)


# What a report's files say of it: its name as its page is called.
REPORT_NAMES = {
    "progression": gettext_lazy("Progression"),
    "comparison": gettext_lazy("Comparison"),
    "goals": gettext_lazy("Goals"),
    "agreement": gettext_lazy("Rater agreement"),
    "monitoring": gettext_lazy("Programme monitoring"),
    "surveys": gettext_lazy("Surveys and fidelity"),
    "quality": gettext_lazy("Data quality"),
    "dataset": gettext_lazy("Analysis dataset"),
}
# Fields that choose the file, not the group: not filters.
NOT_FILTERS = ("file_format", "purpose")


def _about(request: HttpRequest, form, size) -> About:
    """The lines a report's file opens with: its name, the filters in words, the group's
    size (`size` as the small-cell rule lets it be shown) and the time of the extract."""
    return About(
        name=str(REPORT_NAMES.get(request.resolver_match.url_name, "")),
        filters=form_in_words(form, leave_out=NOT_FILTERS),
        size=size,
    )


def _too_few_export(name: str, export: str, about: About) -> HttpResponse:
    """Every file of a report of a cohort of 1 to 4 citizens: the one sentence, nothing else
    (but the lines about the file, its size "<5")."""
    text = str(TOO_FEW)
    if export == "svg":
        return HttpResponse(too_few_svg(text), content_type="image/svg+xml")
    if export == "csv":
        return csv_response([[text]], f"{name}.csv", about=about)
    return xlsx_response([[text]], f"{name}.xlsx", title=name, about=about)


def _export(
    outcome: Outcome, export: str | None, about: About, *, bare_csv: bool = False
) -> HttpResponse | None:
    """The file the report exports in the format, or None to show the page. The analysis
    dataset's CSV files are read by programs: a bare table, no lines about it (its Excel
    workbook has them on a sheet of their own)."""
    name = outcome.name
    if export == "csv":
        return csv_response(outcome.table, f"{name}.csv", about=None if bare_csv else about)
    if export == "plain_csv":
        return plain_csv_response(outcome.table, f"{name}.csv")
    if export == "xlsx":
        return xlsx_response(
            outcome.table,
            f"{name}.xlsx",
            title=outcome.title,
            bold_rows=outcome.bold_rows,
            extra_sheets=outcome.extra_sheets(),
            about=about,
        )
    if export == "svg" and outcome.svg is not None:
        response = HttpResponse(outcome.svg(), content_type="image/svg+xml")
        response["Content-Disposition"] = f'attachment; filename="{name}.svg"'
        return response
    return None


def _report_view(
    request: HttpRequest,
    *,
    form_class,
    template: str,
    run: Callable[..., Outcome],
    context: dict | None = None,
    dataset_export: bool = False,
) -> HttpResponse:
    """The steps every report view takes: the permission, the filter form, the report run on
    it, then its export or its page. A page report reads its filters from the query and
    answers 400 to filters it refuses; before any filter is chosen it opens with the form's
    defaults (`CohortForm.default_data`). The dataset export (`dataset_export`) is posted,
    needs its own permission and always exports; its run writes the access log. The run
    reads from the replica where there is one (`reads_from_replica`); the form, the
    permission and the access log's write use the primary."""
    require_reports(request)
    context = {**(context or {})}
    if dataset_export:
        allowed = may_export_datasets(request.user)
        form = form_class(request.POST if request.method == "POST" else None, user=request.user)
        if form.is_bound and not allowed:
            raise PermissionDenied
        context |= {"form": form, "allowed": allowed}
    else:
        data = request.GET
        opening = not set(data) - {"format"}
        if opening:
            # A report opens with a result: the defaults, until the user chooses.
            defaults = form_class(user=request.user).default_data()
            data = QueryDict(urlencode(defaults))
        form = form_class(data, user=request.user)
        if opening and not form.is_valid():  # nothing to default to (no instrument yet)
            form = form_class(user=request.user)
        shown = data.copy()
        shown.pop("format", None)
        context |= {"form": form, "query": shown.urlencode()}
    if form.is_valid():
        with reads_from_replica():
            filters = form.filters()
            # Citizens, not units: one may follow several instruments or enrol twice.
            citizens = (
                0
                if dataset_export
                else cohort_citizens(request.user, filters).order_by().distinct().count()
            )
            if not dataset_export and not citizens:
                context["empty_group"] = EMPTY_GROUP
            if not dataset_export and cohort_too_small(citizens):
                asked = request.GET.get("format")
                if asked in PAGE_FORMATS:
                    return _too_few_export(
                        request.resolver_match.url_name, asked, _about(request, form, HIDDEN)
                    )
                context["too_few"] = TOO_FEW
                return render(request, template, context)
            outcome = run(request, form, filters)
            asked = request.GET.get("format")
            export = outcome.export or (asked if asked in PAGE_FORMATS else None)
            size = outcome.size if dataset_export else mark_small(citizens)
            response = _export(
                outcome, export, _about(request, form, size), bare_csv=dataset_export
            )
            if response is not None:
                return response
            context |= outcome.page()
    status = 200 if not form.is_bound or form.is_valid() else 400
    return render(request, template, context, status=status)


@login_required
@require_GET
def report_index(request: HttpRequest) -> HttpResponse:
    require_reports(request)
    return render(request, "reports/index.html")


def _progression(request: HttpRequest, form, filters: Filters) -> Outcome:
    report = progression_report(
        request.user,
        filters,
        instrument=form.cleaned_data["instrument"],
        horizon=form.cleaned_data["horizon"],
    )
    # Grouped by an item of the participant profile: the comparison's groups, the same
    # cohort and follow-up, beside the whole cohort's result.
    grouped = (
        comparison_report(
            request.user,
            filters,
            instrument=form.cleaned_data["instrument"],
            by=form.cleaned_data["group_by"],
            horizon=form.cleaned_data["horizon"],
        )
        if form.cleaned_data.get("group_by") and not report.suppressed
        else None
    )
    grouped_table = _comparison_table(grouped) if grouped else None
    table = _table(report)
    if grouped_table:
        group_title = dict(form.fields["group_by"].choices).get(form.cleaned_data["group_by"])
        table = [*table, [], [str(group_title)], *grouped_table]

    def page() -> dict:
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
        return {
            "report": report,
            "summary": summary_of(report),
            "chart": charts.item_change_svg(report) if not report.suppressed else "",
            "trajectory_chart": charts.trajectory_svg(report.trajectory)
            if not report.suppressed
            else "",
            "table": _table(report),
            "up_same_down": up_same_down,
            "reliable": reliable,
            "grouped": grouped,
            "grouped_table": grouped_table,
            "group_title": dict(form.fields["group_by"].choices).get(
                form.cleaned_data.get("group_by")
            ),
        }

    return Outcome(
        name=f"progression-{form.cleaned_data['instrument'].code}",
        title=_("Progression"),
        table=table,
        page=page,
        svg=lambda: charts.item_change_svg(report),
        bold_rows={1},
    )


@login_required
@require_GET
def progression(request: HttpRequest) -> HttpResponse:
    return _report_view(
        request,
        form_class=ProgressionForm,
        template="reports/progression.html",
        run=_progression,
        context={"report": None},
    )


def _comparison(request: HttpRequest, form, filters: Filters) -> Outcome:
    report = comparison_report(
        request.user,
        filters,
        instrument=form.cleaned_data["instrument"],
        by=form.cleaned_data["by"],
        horizon=form.cleaned_data["horizon"],
    )
    table = _comparison_table(report)
    chart = charts.comparison_svg(report, table)
    return Outcome(
        name=f"comparison-{report.by}-{report.instrument.code}",
        title=_("Comparison"),
        table=table,
        page=lambda: {
            "report": report,
            "table": table,
            "chart": chart,
            "summary": comparison_summary(report),
        },
        svg=lambda: chart,
        bold_rows={1},
    )


@login_required
@require_GET
def comparison(request: HttpRequest) -> HttpResponse:
    return _report_view(
        request, form_class=ComparisonForm, template="reports/comparison.html", run=_comparison
    )


def _goals(request: HttpRequest, form, filters: Filters) -> Outcome:
    report = goals_report(request.user, filters)
    table = goals_tables(report)
    return Outcome(
        name="goals",
        title=_("Goals"),
        table=table,
        page=lambda: {"report": report, "table": table},
        bold_rows={1, 2},
    )


@login_required
@require_GET
def goals(request: HttpRequest) -> HttpResponse:
    return _report_view(
        request,
        form_class=CohortForm,
        template="reports/goals.html",
        run=_goals,
    )


def _agreement(request: HttpRequest, form, filters: Filters) -> Outcome:
    rows = agreement_report(
        request.user,
        filters,
        instrument=form.cleaned_data["instrument"],
        pair=form.cleaned_data["pair"],
    )
    table = agreement_table(rows)
    return Outcome(
        name=f"agreement-{form.cleaned_data['pair']}",
        title=_("Agreement"),
        table=table,
        page=lambda: {"rows": rows, "table": table},
        bold_rows={1},
    )


@login_required
@require_GET
def agreement(request: HttpRequest) -> HttpResponse:
    return _report_view(
        request, form_class=AgreementForm, template="reports/agreement.html", run=_agreement
    )


def _monitoring(request: HttpRequest, form, filters: Filters) -> Outcome:
    report = monitoring_report(request.user, filters)
    curves, tables = monitoring_rows(report)
    flat = [[_("Monthly cumulative curves")], *curves]
    for title, rows, _counted in tables:
        flat += [[], [title], *rows]
    chart = charts.curves_svg(
        [(m[0], *(v if isinstance(v, int) else None for v in m[1:])) for m in curves[1:]]
    )
    return Outcome(
        name="monitoring",
        title=_("Monitoring"),
        table=flat,
        page=lambda: {"report": report, "curves": curves, "tables": tables, "chart": chart},
        svg=lambda: chart,
    )


@login_required
@require_GET
def monitoring(request: HttpRequest) -> HttpResponse:
    return _report_view(
        request,
        form_class=CohortForm,
        template="reports/monitoring.html",
        run=_monitoring,
    )


def _surveys(request: HttpRequest, form, filters: Filters) -> Outcome:
    instrument = form.cleaned_data["instrument"]
    chart, units = "", []
    if instrument.purpose == "fidelity":
        period = form.answer_period()
        rows, units = fidelity_report(request.user, filters, instrument=instrument, **period)
        table = fidelity_table(rows)
    else:
        distributions = survey_report(
            request.user,
            filters,
            instrument=instrument,
            round=form.cleaned_data.get("round"),
            **form.answer_period(),
        )
        table = survey_table(distributions)
        chart = charts.stacked_bars_svg(distributions)
    return Outcome(
        name=f"survey-{instrument.code}",
        title=instrument.name,
        table=table,
        page=lambda: {"table": table, "chart": chart, "units": units, "instrument": instrument},
        svg=(lambda: chart) if chart else None,
        bold_rows={1},
    )


@login_required
@require_GET
def surveys(request: HttpRequest) -> HttpResponse:
    return _report_view(
        request, form_class=SurveyForm, template="reports/surveys.html", run=_surveys
    )


def _quality(request: HttpRequest, form, filters: Filters) -> Outcome:
    report = quality_report(request.user, filters)
    table = quality_tables(report)
    return Outcome(
        name="data-quality",
        title=_("Data quality"),
        table=table,
        page=lambda: {"report": report, "table": table},
    )


@login_required
@require_GET
def quality(request: HttpRequest) -> HttpResponse:
    return _report_view(
        request,
        form_class=QualityForm,
        template="reports/quality.html",
        run=_quality,
    )


FILE_FORMATS = {"csv_da": "csv", "csv": "plain_csv", "xlsx": "xlsx"}


def _dataset(request: HttpRequest, form, filters: Filters) -> Outcome:
    d = form.cleaned_data
    header, rows, citizens = dataset(
        request.user, filters, instrument=d["instrument"], shape=d["shape"]
    )
    access_log_write(
        user=request.user,
        action=AccessAction.EXPORT,
        subjects=Citizen.objects.filter(pk__in=citizens),
        purpose=d["purpose"],
        criterion=f"dataset {d['shape']} {d['instrument'].code}",
        path=request.path,
    )
    return Outcome(
        name=f"dataset-{d['instrument'].code}-{d['shape']}",
        title=_("Data"),
        table=[header, *rows],
        bold_rows={1},
        export=FILE_FORMATS.get(d["file_format"], "xlsx"),
        extra_sheets=lambda: [(_("Codebook"), codebook(d["instrument"]))],
        size=len(set(citizens)),
    )


@login_required
@require_http_methods(["GET", "POST"])
def dataset_export(request: HttpRequest) -> HttpResponse:
    """Pseudonymised rows are still personal data: the export needs its own permission, asks
    for a purpose, and is written to the access log with every citizen it holds."""
    return _report_view(
        request,
        form_class=DatasetForm,
        template="reports/dataset.html",
        run=_dataset,
        dataset_export=True,
    )
