"""The tables of the group reports, as their CSV and Excel exports write them and as the REST
API answers them, and the progression report's summary in plain words. Cells are numbers,
texts, '' for no value and '<5' for a group of fewer than 5 (or a count hidden with it)."""

from django.utils.translation import gettext as _

from fremdrift.core.figures import figure, rounded
from fremdrift.plans.models import Goal

from .goals import STATUSES
from .privacy import HIDDEN, enough, mark_hidden, mark_small, suppress, too_few
from .progression import regression_to_the_mean_applies


def _n(value, digits: int = 2) -> str:
    return figure(value, digits)


def p_value_cell(p: float | None):
    """A p-value as a table shows it: three decimals, and below 0.001 "< 0,001" (rounded it
    would read as a p of zero)."""
    if p is None:
        return ""
    if p < 0.001:
        return f"< {figure(0.001, 3)}"
    return rounded(p, 3)


def summary_of(report) -> list[str]:
    """The report in plain words, above the numbers."""
    if report.suppressed:
        return [
            _("Fewer than 5 citizens have both a baseline and a follow-up, so nothing is shown.")
        ]
    covered = (
        _(
            "%(both)s of %(cohort)s citizens following the instrument have both a first "
            "assessment and a follow-up."
        )
        if report.of_follows
        else _("%(both)s of %(cohort)s enrolments have both a first assessment and a follow-up.")
    )
    lines = [covered % {"both": report.with_both, "cohort": report.cohort_size}]
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


def comparison_summary(report) -> list[str]:
    """The comparison in plain words, above the chart: which group moved most, and, for
    citizens with the same baseline score, whether each group ended clearly above or below
    the largest group (the reference) or whether the interval cannot tell them apart."""
    shown_n = suppress([g.n for g in report.groups])
    shown = [g for g, n in zip(report.groups, shown_n, strict=True) if n is not None and g.change]
    if not shown:
        return [_("Fewer than 5 citizens in each group have both a baseline and a follow-up.")]
    lines = []
    most = max(shown, key=lambda g: g.change.mean_change)
    change = {
        "group": most.label,
        "change": _n(most.change.mean_change, 1),
        "low": _n(most.change.ci_low, 1),
        "high": _n(most.change.ci_high, 1),
    }
    if len(shown) == 1:
        lines.append(
            _(
                "Only %(group)s has enough citizens to show: its total score changed by "
                "%(change)s on average (95 %% interval %(low)s to %(high)s)."
            )
            % change
        )
    else:
        lines.append(
            _(
                "%(group)s moved most: its total score changed by %(change)s on average "
                "(95 %% interval %(low)s to %(high)s)."
            )
            % change
        )
    if report.overlapping:
        lines.append(
            _(
                "The groups share citizens, so they are not compared with the same baseline "
                "score; read the change within each group."
            )
        )
    reference = next((g for g in shown if g.is_reference), None)
    for group in shown:
        if reference is None or group is reference or not group.adjusted:
            continue
        difference, low, high = group.adjusted
        words = {
            "group": group.label,
            "reference": reference.label,
            "difference": _n(abs(difference), 1),
            "signed": _n(difference, 1),
            "low": _n(low, 1),
            "high": _n(high, 1),
        }
        if low > 0:
            sentence = _(
                "With the same baseline score, %(group)s ended %(difference)s points higher "
                "than %(reference)s (95 %% interval %(low)s to %(high)s): a clear difference, "
                "the interval lies above zero."
            )
        elif high < 0:
            sentence = _(
                "With the same baseline score, %(group)s ended %(difference)s points lower "
                "than %(reference)s (95 %% interval %(low)s to %(high)s): a clear difference, "
                "the interval lies below zero."
            )
        else:
            sentence = _(
                "With the same baseline score, %(group)s ended %(signed)s points from "
                "%(reference)s, but the difference is not clear: the 95 %% interval "
                "(%(low)s to %(high)s) includes zero."
            )
        lines.append(sentence % words)
    if len(shown) < len(report.groups):
        lines.append(_("Groups of fewer than 5 citizens are not shown, nor compared."))
    return lines


def progression_table(report) -> list[list]:
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
            rows.append([label, HIDDEN, *[""] * 10])
            continue
        up, same, down = (mark_hidden(v) for v in suppress([c.up, c.same, c.down]))
        rows.append(
            [
                label,
                c.n,
                rounded(c.baseline_mean, 2),
                rounded(c.followup_mean, 2),
                rounded(c.mean_change, 2),
                rounded(c.ci_low, 2),
                rounded(c.ci_high, 2),
                "" if c.effect_size is None else rounded(c.effect_size, 2),
                p_value_cell(c.wilcoxon_p),
                up,
                same,
                down,
            ]
        )
    return rows


def comparison_table(report) -> list[list]:
    header = [
        _("Group"),
        _("Citizens"),
        _("Mean at baseline"),
        _("Mean at follow-up"),
        _("Mean change"),
        _("95 % interval, low"),
        _("95 % interval, high"),
        _("Difference adjusted for baseline"),
        _("95 % interval, low"),
        _("95 % interval, high"),
    ]
    rows = [header]
    shown = suppress([g.n for g in report.groups])
    for group, n in zip(report.groups, shown, strict=True):
        c = group.change
        if n is None or c is None:
            rows.append([group.label, HIDDEN, *[""] * 8])
            continue
        if group.is_reference:
            adjusted = [_("reference"), "", ""]
        elif group.adjusted:
            adjusted = [rounded(v, 2) for v in group.adjusted]
        else:
            adjusted = ["", "", ""]
        rows.append(
            [
                group.label,
                c.n,
                rounded(c.baseline_mean, 2),
                rounded(c.followup_mean, 2),
                rounded(c.mean_change, 2),
                rounded(c.ci_low, 2),
                rounded(c.ci_high, 2),
                *adjusted,
            ]
        )
    return rows


def _pct(share) -> list:
    """A share with its interval as three rounded percentages, or '<5'."""
    if share.share is None:
        return [HIDDEN, "", ""]
    return [rounded(100 * v, 1) for v in share.share]


def goals_tables(report) -> list[list]:
    status_labels = [str(Goal.Status(s).label) for s in STATUSES]
    rows: list[list] = [[_("Sub-goals by category and status")], [_("Category"), *status_labels]]
    for label, counts in report.by_category:
        rows.append([label, *(mark_hidden(v) for v in suppress(counts))])
    rows += [
        [],
        [_("Citizens in the cohort"), report.citizens],
        [
            _("Share with at least one sub-goal reached (%), with 95 % interval"),
            *_pct(report.with_sub_goal_reached),
        ],
        [
            _("Median days from sub-goal to achievement"),
            mark_hidden(report.median_days_to_achieve),
        ],
        [],
        [_("End goals reached, by category")],
        [
            _("Category"),
            _("End goals"),
            _("Reached"),
            _("Share (%)"),
            _("95 % interval, low"),
            _("95 % interval, high"),
        ],
    ]
    for share in report.end_goals:
        n, count = suppress([share.n, share.count]) if enough(share.n) else (None, None)
        rows.append([share.label, mark_hidden(n), mark_hidden(count), *_pct(share)])
    rows += [
        [],
        [_("Outcomes per programme (shares in %, with 95 % intervals)")],
        [
            _("Programme"),
            _("Enrolments"),
            _("Internship or wage subsidy"),
            "",
            "",
            _("Ordinary wage hours"),
            "",
            "",
            _("Job or education"),
            "",
            "",
            _("GAS T-score at start"),
            _("GAS T-score at follow-up"),
        ],
    ]
    for p in report.programmes:
        if too_few(p.n):
            rows.append([p.programme, HIDDEN])
            continue
        rows.append(
            [
                p.programme,
                p.n,
                *_pct(p.internship),
                *_pct(p.ordinary_hours),
                *_pct(p.job_or_education),
                HIDDEN if p.gas_baseline is None else rounded(p.gas_baseline[0], 1),
                HIDDEN if p.gas_followup is None else rounded(p.gas_followup[0], 1),
            ]
        )
    return rows


def agreement_table(rows) -> list[list]:
    table = [
        [
            _("Item"),
            _("Pairs of answers"),
            _("Weighted kappa"),
            _("Mean difference (second minus first)"),
        ]
    ]
    for row in rows:
        if row.suppressed:
            table.append([row.label, HIDDEN, "", ""])
        else:
            table.append(
                [
                    row.label,
                    row.n,
                    "" if row.kappa is None else rounded(row.kappa, 2),
                    rounded(row.mean_difference, 2),
                ]
            )
    return table


def monitoring_rows(report) -> tuple[list[list], list[tuple[str, list[list]]]]:
    curves = [
        [
            _("Month"),
            _("Enrolled"),
            _("With a plan"),
            _("In a company-oriented activity"),
            _("Exited to job or education"),
        ]
    ]
    curves += [[m[0], *(mark_small(v) for v in m[1:])] for m in report.months]
    tables = [(t.title, [t.header, *t.shown()], t.counted) for t in report.tables]
    return curves, tables


def survey_table(distributions) -> list[list]:
    points = distributions[0].points if distributions else []
    table = [[_("Item"), *(f"{v} {label}" for v, label, _c in points), _("Don't know"), "N"]]
    for d in distributions:
        if d.suppressed:
            table.append([d.label, *[HIDDEN] * (len(points) + 2)])
            continue
        counts = [c for _v, _l, c in d.points] + [d.dont_know]
        shown = suppress(counts)
        cells = []
        for value, pct in zip(shown[:-1], d.percentages(), strict=True):
            cells.append(HIDDEN if value is None else f"{value} ({figure(pct, 0)} %)")
        cells.append(mark_hidden(shown[-1]))
        table.append([d.label, *cells, d.n])
    return table


def fidelity_table(rows) -> list[list]:
    table = [[_("Item"), _("Units that answered"), _("Mean")]]
    for row in rows:
        table.append([row.label, row.units, "" if row.mean is None else rounded(row.mean, 2)])
    return table


def quality_tables(report) -> list[list]:
    def on_time_rows(title, rows):
        out = [
            [title],
            [
                _("Name"),
                _("Citizens"),
                _("Due assessments"),
                _("On time"),
                _("Share on time (%)"),
                _("95 % interval, low"),
                _("95 % interval, high"),
            ],
        ]
        for row in rows:
            if row.suppressed:
                out.append([row.name, HIDDEN])
                continue
            share = row.share
            out.append(
                [
                    row.name,
                    row.citizens,
                    row.due,
                    row.on_time,
                    *(["", "", ""] if share is None else [rounded(100 * v, 1) for v in share]),
                ]
            )
        return out

    staff_and_providers = [
        *on_time_rows(
            _("Due assessments done on time, by responsible caseworker"), report.by_staff
        ),
        [],
        *on_time_rows(_("Provider scores done on time, by provider"), report.by_provider),
        [],
    ]
    if report.of_follows:
        return [
            *staff_and_providers,
            [_("Citizens who follow an instrument"), report.enrolments],
            [_("Of these, citizens with no plan yet"), mark_small(report.without_plan)],
        ]
    return [
        *staff_and_providers,
        [_("Enrolments"), report.enrolments],
        [_("Enrolments whose citizen has no plan yet"), mark_small(report.without_plan)],
        [
            _("Active enrolments that should have ended with an exit reason"),
            mark_small(report.should_have_exited),
        ],
    ]
