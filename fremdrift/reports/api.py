"""The group reports of `/reports/` as JSON. Each operation takes the page's filters, checks
them with the page's own form (so a programme, provider, target group or instrument outside
what the page offers is refused as there), runs the same report function and answers the
tables its CSV export writes (`tables.py`). Only managers of an organisation read reports, of
their own organisation's cohort, as on the pages; anyone else gets 404, as there. Reports hold
counts and means of groups, never a citizen, and the pages write no access-log entry for them;
nor does the API. Like the pages, the operations read from the replica where there is one."""

import datetime as dt
import math
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import Field, Query, Router, Schema

from fremdrift.accounts.access import require_reports
from fremdrift.codelists.models import Code, CodeList
from fremdrift.codelists.selectors import visible_to
from fremdrift.core.api_kit import MAX_ID, errors
from fremdrift.core.figures import figure
from fremdrift.core.routers import reads_from_replica
from fremdrift.instruments.models import Instrument

from .agreement import agreement_report
from .cohort import AGE_BAND_LABELS, Filters, cohort_rows
from .comparison import comparison_report
from .forms import (
    AgreementForm,
    CohortForm,
    ComparisonForm,
    ProgressionForm,
    QualityForm,
    SurveyForm,
)
from .goals import goals_report
from .monitoring import monitoring_report
from .privacy import TOO_FEW, cohort_too_small, mark_hidden, suppress
from .progression import progression_report
from .quality import quality_report
from .surveys import fidelity_report, survey_report
from .tables import (
    agreement_table,
    comparison_summary,
    comparison_table,
    fidelity_table,
    goals_tables,
    monitoring_rows,
    progression_table,
    quality_tables,
    summary_of,
    survey_table,
)

router = Router(tags=["reports"])

CODE = r"^[-a-zA-Z0-9_]+$"
AgeBand = Literal[tuple(AGE_BAND_LABELS)]  # type: ignore[valid-type]


# Filters


class CohortFilters(Schema):
    """The filters every report shares, as on the pages. All optional: none is the whole
    cohort of the user's organisation (its programmes and its own citizens' enrolments
    elsewhere)."""

    programme: int | None = Field(
        None,
        ge=1,
        le=MAX_ID,
        description="Only enrolments in this programme (its id, as in `/programmes`): one the "
        "organisation runs or one its own citizens are enrolled in",
    )
    provider: int | None = Field(
        None,
        ge=1,
        le=MAX_ID,
        description="Only enrolments in programmes run by this organisation (its id), one of "
        "those running the programmes above",
    )
    target_group: str | None = Field(
        None,
        max_length=60,
        pattern=CODE,
        description="Only citizens of this target group: a first-level code of the code list "
        "`target_group`",
    )
    age_band: AgeBand | None = Field(
        None,
        description="Only citizens in this age band on the day their enrolment started "
        "(write `60+` as `60%2B` in a query string)",
    )
    sex: Literal["female", "male"] | None = Field(
        None, description="Only citizens of this legal sex"
    )
    enrolled_from: dt.date | None = Field(
        None,
        description="Only enrolments (or, in the groups `follows` and `shared`, follows) that "
        "started on or after this day (ISO 8601)",
    )
    enrolled_to: dt.date | None = Field(
        None,
        description="Only enrolments (or, in the groups `follows` and `shared`, follows) that "
        "started on or before this day (ISO 8601)",
    )
    caseworker: int | None = Field(
        None,
        ge=1,
        le=MAX_ID,
        description="Only citizens with this responsible caseworker (the user's id)",
    )
    profile: str | None = Field(
        None,
        max_length=121,
        pattern=r"^[a-z0-9_-]+:[a-z0-9_-]+$",
        description="Only enrolments whose participant profile has this answer: "
        "`<item code>:<option code>` of the instrument `participant_profile`, e.g. "
        "`match_group:match_2`",
    )


class GroupFilters(CohortFilters):
    group: Literal["enrolments", "follows", "shared"] = Field(
        "enrolments",
        description="The group the report covers: `enrolments` in programmes, `follows`, "
        "the organisation's own citizens who follow the report's instrument (any instrument "
        "for quality), in a programme or not, measured from the day they started following "
        "it, or `shared`, the same for the citizens whose case another authority shares "
        "with the organisation today (offered to an organisation that has received a share; "
        "a citizen counts for the home organisation in the other two groups). A group of "
        "follows or shared citizens takes no `programme` or `provider`.",
    )


def instrument_field(purposes: str, example: str):
    return Field(
        ...,
        max_length=60,
        pattern=CODE,
        description=f"The instrument's code (as in `/instruments`); {purposes}",
        examples=[example],
    )


def horizon_field():
    return Field(
        "latest",
        description="The follow-up: the latest assessment, or the one nearest 3, 6 or 12 months "
        "after the enrolment started",
    )


class ProgressionFilters(GroupFilters):
    instrument: str = instrument_field("an instrument for progression", "adult_wheel")
    horizon: Literal["latest", "3", "6", "12"] = horizon_field()
    group_by: str | None = Field(
        None,
        max_length=68,
        pattern=r"^profile:[a-z0-9_-]+$",
        description="The change in each group of an item of the participant profile, "
        "`profile:<item code>`, as a table after the whole cohort's",
    )


class ComparisonFilters(GroupFilters):
    instrument: str = instrument_field("an instrument for progression", "adult_wheel")
    horizon: Literal["latest", "3", "6", "12"] = horizon_field()
    by: str = Field(
        "programme",
        max_length=68,
        pattern=r"^(programme|provider|target_group|caseworker|profile:[a-z0-9_-]+)$",
        description="What is compared side by side: `programme`, `provider`, `target_group`, "
        "`caseworker` (the responsible caseworker), or an item of the participant profile as "
        "`profile:<item code>` (e.g. "
        "`profile:education`; with several answers a participant is in the group of each)",
    )


class AgreementFilters(GroupFilters):
    instrument: str = instrument_field("an instrument for progression", "adult_wheel")
    pair: Literal["caseworker_provider", "citizen_caseworker", "citizen_provider"] = Field(
        "caseworker_provider", description="Whose answers are compared with whose"
    )


class SurveyFilters(CohortFilters):
    instrument: str = instrument_field(
        "a satisfaction survey (the distribution of the answers) or a fidelity scale (the "
        "mean across the units that answered)",
        "citizen_survey",
    )


# Answers

Cell = str | int | float | None


class ReportTable(Schema):
    title: str = Field(description="The table's title; '' where the export has none")
    note: str = Field("", description="What the counts count, where the page says it")
    columns: list[str] = Field(description="The header row; empty for rows of label and value")
    rows: list[list[Cell]] = Field(
        description="Cells as in the CSV export: numbers as numbers, texts as text, '<5' for a "
        "group of fewer than 5 citizens or a count hidden with it, null for no value. A row "
        "ends early where the rest of it is hidden."
    )


class ReportOut(Schema):
    report: str = Field(description="Which report")
    citizens: int | None = Field(
        description="Citizens in the cohort the report covers; null for 1 to 4, when the "
        "summary says there are too few to show results and there are no tables"
    )
    enrolments: int | None = Field(
        description="Enrolments in the cohort the report covers (in the groups `follows` "
        "and `shared`: follows); null where citizens is"
    )
    group: Literal["enrolments", "follows", "shared"] = Field(
        description="The group the report covers (see the parameter `group`)"
    )
    summary: list[str] = Field(description="The page's lines in plain words, in order")
    tables: list[ReportTable] = Field(
        description="The tables of the report's CSV export, in order. The CSV of progression, "
        "comparison, surveys and agreement is the one table's columns and rows; that of goals, "
        "monitoring and quality its tables one after another, a blank row between them and "
        "each title and header a row of its own where it is not empty"
    )


RESPONSES = {200: ReportOut, **errors(400, 404)}


def _filter_form(form_class, request: HttpRequest, filters: CohortFilters):
    """The page's form, bound to the query: it refuses what the page refuses (a programme or
    provider outside the organisation's, an unknown target group, an instrument of another
    purpose) as a 400 naming the parameter."""
    data = filters.model_dump(exclude_none=True, exclude={"target_group", "instrument"})
    if filters.target_group:
        found = Code.objects.filter(
            visible_to(request.user.organisation_id),
            code_list=CodeList.TARGET_GROUP,
            parent=None,
            code=filters.target_group,
        ).values_list("pk", flat=True)
        data["target_group"] = found.first() or 0
    if getattr(filters, "instrument", None):
        found = Instrument.objects.filter(code=filters.instrument).values_list("pk", flat=True)
        data["instrument"] = found.first() or 0
    form = form_class(data, user=request.user)
    if not form.is_valid():
        raise ValidationError(
            {field: [str(m) for m in messages] for field, messages in form.errors.items()}
        )
    return form


def _cell(value) -> Cell:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Decimal):
        if not value.is_finite():
            return None
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def _table(title, rows: list[list], note="") -> dict:
    columns, *body = rows if rows else [[]]
    return {
        "title": str(title),
        "note": str(note or ""),
        "columns": [str(c) for c in columns],
        "rows": [[_cell(v) for v in row] for row in body],
    }


def _sections(flat: list[list]) -> list[dict]:
    """A CSV of several parts, split where a blank row is: a part that starts with a single
    cell is a title, its header and its rows; any other part is rows of label and value."""
    parts: list[list[list]] = [[]]
    for row in flat:
        if row:
            parts[-1].append(row)
        else:
            parts.append([])
    tables = []
    for part in parts:
        if part and len(part[0]) == 1:
            tables.append(_table(part[0][0], part[1:]))
        elif part:
            tables.append(_table("", [[], *part]))
    return tables


def _answer(request: HttpRequest, name: str, filters: Filters, summary, tables) -> dict:
    rows = cohort_rows(request.user, filters)
    citizens = len({r[1] for r in rows})
    if cohort_too_small(citizens):
        return {
            "report": name,
            "citizens": None,
            "enrolments": None,
            "group": filters.group,
            "summary": [str(TOO_FEW)],
            "tables": [],
        }
    return {
        "report": name,
        "citizens": len({r[1] for r in rows}),
        "enrolments": len(rows),
        "group": filters.group,
        "summary": [str(line) for line in summary],
        "tables": tables,
    }


def _progression_lines(report) -> list[str]:
    """The progression page's words: the summary, what it covers, the reliable change and
    the attrition."""
    lines = summary_of(report)
    covers = (
        _(
            "The report covers %(cohort)s citizens who follow the instrument; %(baseline)s have "
            "a first assessment and %(both)s also a follow-up."
        )
        if report.of_follows
        else _(
            "The report covers %(cohort)s enrolments; %(baseline)s have a first assessment and "
            "%(both)s also a follow-up."
        )
    )
    lines.append(
        covers
        % {
            "cohort": report.cohort_size,
            "baseline": report.with_baseline,
            "both": report.with_both,
        }
    )
    if report.suppressed:
        return lines
    if report.reliable:
        shown = suppress(
            [report.reliable.improved, report.reliable.unchanged, report.reliable.worse]
        )
        improved, unchanged, worse = (mark_hidden(v) for v in shown)
        lines.append(
            _(
                "With a reliability of %(alpha)s (Jacobson and Truax): %(improved)s reliably "
                "improved, %(unchanged)s unchanged, %(worse)s reliably worse."
            )
            % {
                "alpha": figure(report.reliable.reliability, 2),
                "improved": improved,
                "unchanged": unchanged,
                "worse": worse,
            }
        )
    else:
        lines.append(_("Not enough complete assessments to estimate the reliability."))
    if report.instrument.reliability:
        lines.append(_("The reliability was set by an administrator."))
    if report.alpha is not None:
        lines.append(
            _("Cronbach's alpha at baseline, estimated from these data: %(alpha)s.")
            % {"alpha": figure(report.alpha, 2)}
        )
    attrition = report.attrition
    line = _(
        "%(n)s of %(baseline)s with a complete first assessment have no complete follow-up."
    ) % {
        "n": attrition.without_followup,
        "baseline": attrition.with_baseline,
    }
    if attrition.stayers_baseline and attrition.leavers_baseline:
        line += " " + _(
            "Their mean total score at baseline was %(leave)s, against %(stay)s for those who "
            "stayed."
        ) % {
            "leave": figure(attrition.leavers_baseline[0], 1),
            "stay": figure(attrition.stayers_baseline[0], 1),
        }
    lines.append(line)
    return lines


# Operations


@router.get("/progression", response=RESPONSES)
@reads_from_replica()
def progression(request: HttpRequest, filters: Query[ProgressionFilters]):
    """Progression (Model 1): per item and for the total score, citizens with a baseline and
    a follow-up, the means, the mean change with its 95 % interval, the effect size, the
    Wilcoxon p and who went up, stayed or went down; the summary adds the reliable change and
    the attrition. With fewer than 5 citizens with both, every row is '<5'."""
    require_reports(request)
    form = _filter_form(ProgressionForm, request, filters)
    d = form.cleaned_data
    report = progression_report(
        request.user, form.filters(), instrument=d["instrument"], horizon=d["horizon"]
    )
    tables = [_table(_("Progression"), progression_table(report))]
    if d.get("group_by") and not report.suppressed:
        grouped = comparison_report(
            request.user,
            form.filters(),
            instrument=d["instrument"],
            by=d["group_by"],
            horizon=d["horizon"],
        )
        title = dict(form.fields["group_by"].choices).get(d["group_by"])
        tables.append(_table(title, comparison_table(grouped)))
    return _answer(request, "progression", form.filters(), _progression_lines(report), tables)


@router.get("/comparison", response=RESPONSES)
@reads_from_replica()
def comparison(request: HttpRequest, filters: Query[ComparisonFilters]):
    """Comparison: the change of the total score in each programme, provider or target group,
    and each group's difference at follow-up from the largest group (the reference) for
    citizens with the same baseline score. A group of fewer than 5, and the next smallest with
    it, is '<5'."""
    require_reports(request)
    form = _filter_form(ComparisonForm, request, filters)
    d = form.cleaned_data
    report = comparison_report(
        request.user,
        form.filters(),
        instrument=d["instrument"],
        by=d["by"],
        horizon=d["horizon"],
    )
    table = _table(_("Comparison"), comparison_table(report))
    return _answer(request, "comparison", form.filters(), comparison_summary(report), [table])


@router.get("/goals", response=RESPONSES)
@reads_from_replica()
def goals(request: HttpRequest, filters: Query[CohortFilters]):
    """Goals (Model 2): sub-goals by category and status, sub-goals and end goals reached,
    the median time to achievement, and per programme the shares that reached an internship
    or a job with wage subsidy, ordinary wage hours or a job or an education, with the GAS
    T-scores."""
    require_reports(request)
    form = _filter_form(CohortForm, request, filters)
    report = goals_report(request.user, form.filters())
    return _answer(request, "goals", form.filters(), [], _sections(goals_tables(report)))


@router.get("/monitoring", response=RESPONSES)
@reads_from_replica()
def monitoring(request: HttpRequest, filters: Query[CohortFilters]):
    """Programme monitoring, counted in enrolments: the monthly cumulative curves, the
    participants' profile, what the plans hold, mentors, internships, exits and start
    meetings."""
    require_reports(request)
    form = _filter_form(CohortForm, request, filters)
    report = monitoring_report(request.user, form.filters())
    curves, parts = monitoring_rows(report)
    tables = [_table(_("Monthly cumulative curves"), curves)]
    tables += [_table(title, rows, counted) for title, rows, counted in parts]
    lines = [
        ngettext(
            "The report covers %(counter)s enrolment.",
            "The report covers %(counter)s enrolments.",
            report.enrolments,
        )
        % {"counter": report.enrolments}
    ]
    return _answer(request, "monitoring", form.filters(), lines, tables)


@router.get("/surveys", response=RESPONSES)
@reads_from_replica()
def surveys(request: HttpRequest, filters: Query[SurveyFilters]):
    """Surveys and fidelity: for a satisfaction survey, each citizen's latest answer per item
    over the scale with 'don't know' apart (a count under 5 is '<5'); for a fidelity scale,
    the mean per item across the units (organisations) that answered."""
    require_reports(request)
    form = _filter_form(SurveyForm, request, filters)
    instrument = form.cleaned_data["instrument"]
    lines = []
    if instrument.purpose == "fidelity":
        rows, units = fidelity_report(request.user, form.filters(), instrument=instrument)
        table = fidelity_table(rows)
        if units:
            lines.append(_("Units that answered:") + " " + ", ".join(units))
    else:
        table = survey_table(survey_report(request.user, form.filters(), instrument=instrument))
    return _answer(request, "surveys", form.filters(), lines, [_table(instrument.name, table)])


@router.get("/agreement", response=RESPONSES)
@reads_from_replica()
def agreement(request: HttpRequest, filters: Query[AgreementFilters]):
    """Rater agreement: where two respondents answered the instrument for a citizen within 14
    days of each other, per item the pairs, the weighted kappa and the mean difference (second
    minus first), most disagreement first. An item with fewer than 5 pairs is '<5'."""
    require_reports(request)
    form = _filter_form(AgreementForm, request, filters)
    d = form.cleaned_data
    rows = agreement_report(
        request.user, form.filters(), instrument=d["instrument"], pair=d["pair"]
    )
    table = _table(_("Agreement"), agreement_table(rows))
    return _answer(request, "agreement", form.filters(), [], [table])


@router.get("/quality", response=RESPONSES)
@reads_from_replica()
def quality(request: HttpRequest, filters: Query[GroupFilters]):
    """Data quality over the last 12 months: due assessments done on time by responsible
    caseworker and provider scores by provider, citizens without a plan, and enrolments that
    should have ended with an exit reason."""
    require_reports(request)
    form = _filter_form(QualityForm, request, filters)
    report = quality_report(request.user, form.filters())
    return _answer(request, "quality", form.filters(), [], _sections(quality_tables(report)))
