"""The case-review tally (`/reports/case-reviews/`): the grades of the organisation's reviewed
cases per scale, and the red thread by exit group ("rød tråd fordelt på sagsudfald"), under
the small-cell rule. Each case counts once, by its latest review."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from fremdrift.accounts.access import require_reports
from fremdrift.codelists.models import Code
from fremdrift.core.exports import About, csv_response
from fremdrift.core.figures import figure
from fremdrift.plans.models import CaseReview
from fremdrift.plans.selectors import case_reviews_latest

from .privacy import HIDDEN, mark_hidden, suppress, too_few

SCALES = [
    ("red_thread", CaseReview.RedThread),
    ("goals", CaseReview.Goals),
    ("job_focus", CaseReview.JobFocus),
    ("involvement", CaseReview.Involvement),
]


def _share(count, total) -> str:
    if count is None or not total:
        return HIDDEN if count is None else ""
    return f"{figure(100 * count / total, 0)} %"


def case_review_tally(reviews: list) -> dict:
    """Per scale, each grade's count and share of the reviewed cases (counts of 1–4 hidden
    with `suppress`, so no hidden count follows from the total); the red thread by exit group,
    a group of fewer than 5 cases shown only as "<5"."""
    total = len(reviews)
    scales = []
    for field, choices in SCALES:
        counts = [sum(1 for r in reviews if getattr(r, field) == value) for value in choices.values]
        shown = suppress(counts) if not too_few(total) else [None] * len(counts)
        scales.append(
            {
                "field": field,
                "label": CaseReview._meta.get_field(field).verbose_name,
                "rows": [
                    {"label": label, "count": mark_hidden(n), "share": _share(n, total)}
                    for label, n in zip(choices.labels, shown, strict=True)
                ],
            }
        )
    groups = sorted({r.exit_group for r in reviews})
    labels = {
        code.code: code.label
        for code in Code.objects.filter(
            code_list="exit_reason", parent__isnull=True, code__in=groups
        )
    }
    by_exit = []
    for group in groups:
        in_group = [r for r in reviews if r.exit_group == group]
        counts = [
            sum(1 for r in in_group if r.red_thread == value)
            for value in CaseReview.RedThread.values
        ]
        small_group = too_few(len(in_group))
        shown = [None] * len(counts) if small_group else suppress(counts)
        by_exit.append(
            {
                "label": labels.get(group, group) if group else _("No exit yet"),
                "cases": HIDDEN if small_group else len(in_group),
                "counts": [mark_hidden(n) for n in shown],
            }
        )
    return {
        "total": mark_hidden(None if too_few(total) and total else total),
        "scales": scales,
        "by_exit": by_exit,
        "red_thread_labels": CaseReview.RedThread.labels,
    }


@login_required
@require_GET
def case_reviews(request: HttpRequest) -> HttpResponse:
    require_reports(request)
    tally = case_review_tally(case_reviews_latest(request.user.organisation_id))
    if request.GET.get("export") == "csv":
        rows = [[_("Scale"), _("Grade"), _("Cases"), _("Share")]]
        for scale in tally["scales"]:
            rows += [
                [scale["label"], row["label"], row["count"], row["share"]] for row in scale["rows"]
            ]
        about = About(
            name=_("Case reviews"),
            size=tally["total"],
            size_label=_("Reviewed cases (N)"),
        )
        return csv_response(rows, "case-reviews.csv", about=about)
    return render(request, "reports/case_reviews.html", {"tally": tally})
