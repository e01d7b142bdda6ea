"""The red thread page (`/citizens/<id>/timeline/`, named `plans:timeline`) and the case
review's reading of it (`/citizens/review/<number>/`, `plans:case_review_case`): here, above
plans, programmes and referrals, because it composes all three (`pages.timeline`)."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from fremdrift.accounts.access import is_manager, is_provider_staff
from fremdrift.audit.models import AccessAction
from fremdrift.audit.services import access_log_write
from fremdrift.citizens.access import citizen_get
from fremdrift.citizens.selectors import case_review_citizen, case_review_number
from fremdrift.codelists.models import Code
from fremdrift.plans import selectors as plan_selectors

from . import timeline


class PeriodForm(forms.Form):
    """The red thread's period; by default the last five years."""

    start = forms.DateField(label=gettext_lazy("From"), required=False)
    end = forms.DateField(label=gettext_lazy("To"), required=False)

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        default_start, default_end = timeline.default_period(today)
        start = data.get("start") or default_start
        end = data.get("end") or default_end
        if "start" in data and start > today:
            self.add_error("start", _("The period cannot start in the future."))
        if "end" in data and end > today:
            self.add_error("end", _("The period cannot end in the future."))
        if "start" in data and "end" in data and end < start:
            self.add_error("end", _("The period cannot end before it starts."))
        data["start"], data["end"] = start, end
        return data


def period_form(request: HttpRequest) -> PeriodForm:
    # `from` and `to` in the address, as the issue names them; `from` is a keyword in Python.
    return PeriodForm({"start": request.GET.get("from", ""), "end": request.GET.get("to", "")})


def _timeline(request: HttpRequest, citizen, *, review_number: str | None = None) -> HttpResponse:
    """The red thread of `citizen` for a period; with `review_number`, as a manager reads it in
    a case review: under that number, without name, CPR number, id or links into the case."""
    case_review = review_number is not None
    form = period_form(request)
    kinds = {k for k in request.GET.getlist("type") if k in timeline.KINDS}
    sector = request.GET.get("sector", "")
    context = {
        "citizen": citizen,
        "case_review": case_review,
        "review_number": review_number,
        "form": form,
        "kinds": kinds,
        "sector": sector,
        "sectors": Code.objects.filter(code_list="activity_sector"),
        "kind_choices": [(k, timeline.KIND_LABELS[k]) for k in timeline.KINDS],
    }
    if not form.is_valid():
        return render(request, "plans/timeline.html", context, status=400)
    since, until = form.cleaned_data["start"], form.cleaned_data["end"]
    entries = timeline.red_thread(
        citizen,
        since=since,
        until=until,
        kinds=kinds or None,
        sector=sector,
        assessments_of_organisation=request.user.organisation_id
        if is_provider_staff(request.user)
        else None,
    )
    plan = plan_selectors.plan_of(citizen)
    access_log_write(
        user=request.user,
        action=AccessAction.VIEW,
        citizen=citizen,
        path=request.path,
        purpose=_("Case review") if case_review else "",
    )
    sector_labels = {s.code: s.label for s in context["sectors"]}
    rows = timeline.summary(entries, until=until)
    for row in rows:
        row.sector_label = sector_labels.get(row.sector, row.sector)
    for entry in entries:
        entry.sector_label = sector_labels.get(entry.sector, "")
    context.update(
        entries=entries,
        since=since,
        until=until,
        summary=rows,
        goals=plan_selectors.goals_of(plan) if plan is not None else [],
    )
    return render(request, "plans/timeline.html", context)


@login_required
@require_GET
def timeline_page(request: HttpRequest, citizen_id: int) -> HttpResponse:
    """The red thread: everything that happened in the period, newest first, filterable. A
    manager reads it only in a case review, by the case's review number (`case_review_case`):
    by id it is 404 to them, so that no review number can be matched to an id."""
    return _timeline(request, citizen_get(request.user, citizen_id))


@login_required
@require_GET
def case_review_case(request: HttpRequest, number: str) -> HttpResponse:
    """A case in the case review, by its review number (`citizens.selectors.case_review_number`,
    never the citizen's id): the red thread among the manager's organisation's citizens, 404
    for a number outside it."""
    if not is_manager(request.user):
        raise Http404
    citizen = case_review_citizen(request.user, number)
    return _timeline(request, citizen, review_number=case_review_number(citizen.pk))
