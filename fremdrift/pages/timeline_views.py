"""The red thread page (`/citizens/<id>/timeline/`, named `plans:timeline`) and the case
review's reading of it (`/citizens/review/<number>/`, `plans:case_review_case`): here, above
plans, programmes and referrals, because it composes all three (`pages.timeline`)."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods
from weasyprint import HTML

from fremdrift.accounts.access import is_manager, is_provider_staff
from fremdrift.audit.models import AccessAction
from fremdrift.audit.services import access_log_write
from fremdrift.citizens.access import citizen_get, may_change_citizen, may_read_meeting_notes
from fremdrift.citizens.selectors import case_review_citizen, case_review_number
from fremdrift.codelists.models import Code
from fremdrift.core.forms import DesignSystemForm
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


# The period's fields are `from` and `to` in the address and on the page.
PERIOD_ANCHORS = {"start": "from", "end": "to"}


def period_errors(form: PeriodForm) -> list[dict]:
    """The error summary's lines for the period filter, each linked to its input (`#from`,
    `#to`), as the page's inputs carry the address's names rather than the form's."""
    lines = [{"href": "", "text": message} for message in form.non_field_errors()]
    for name, anchor in PERIOD_ANCHORS.items():
        label = form.fields[name].label
        lines.extend(
            {"href": f"#{anchor}", "text": f"{label}: {message}"}
            for message in form.errors.get(name, [])
        )
    return lines


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
        "may_make_document": not case_review and may_change_citizen(request.user, citizen),
    }
    if not form.is_valid():
        context["summary_errors"] = period_errors(form)
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
        # The case review shows no notes: they may name the citizen.
        may_read_notes=None
        if case_review
        else lambda internal: may_read_meeting_notes(
            request.user, home_organisation_id=citizen.home_organisation_id, internal=internal
        ),
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
    context |= {
        "entries": entries,
        "since": since,
        "until": until,
        "summary": rows,
        "goals": plan_selectors.goals_of(plan) if plan is not None else [],
    }
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


def _fetch_nothing(url: str, *args, **kwargs):
    """The document is self-contained (its style inline): WeasyPrint fetches no URL, so no
    text in it can make the server request anything."""
    raise ValueError(f"The red thread document fetches nothing: {url}")


class DocumentForm(DesignSystemForm):
    """What the document for the deciding authority needs: its period, why it is made (logged
    with it) and the caseworker's remarks; HTML to print or PDF."""

    start = forms.DateField(label=gettext_lazy("From"), required=False)
    end = forms.DateField(label=gettext_lazy("To"), required=False)
    purpose = forms.CharField(label=gettext_lazy("Purpose"), min_length=10, max_length=500)
    remarks = forms.CharField(
        label=gettext_lazy("The caseworker's remarks"), required=False, widget=forms.Textarea
    )
    format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        choices=[("html", gettext_lazy("Page to print")), ("pdf", "PDF")],
        required=False,
    )

    def clean(self):
        data = super().clean()
        period = PeriodForm({"start": self.data.get("start", ""), "end": self.data.get("end", "")})
        if not period.is_valid():
            for name, errors in period.errors.items():
                for error in errors:
                    self.add_error(name if name in self.fields else None, error)
        else:
            data["start"], data["end"] = period.cleaned_data["start"], period.cleaned_data["end"]
        return data


@login_required
@require_http_methods(["GET", "POST"])
def timeline_document(request: HttpRequest, citizen_id: int) -> HttpResponse:
    """The red thread as a document for a deciding authority (a rehabilitation team): the
    citizen's name and case number, no CPR number, the period's entries with the meeting notes
    shared with the citizen (never internal ones) and the caseworker's remarks; a page to print
    or a PDF. Only for those who may change the citizen (404 to everyone else); made on a POST
    with its purpose, which the access log keeps."""
    citizen = citizen_get(request.user, citizen_id)
    if not may_change_citizen(request.user, citizen):
        raise Http404
    if request.method == "GET":
        since, until = timeline.default_period(timezone.localdate())
        form = DocumentForm(
            initial={"start": since, "end": until, "format": request.GET.get("format", "html")}
        )
        access_log_write(
            user=request.user, action=AccessAction.VIEW, citizen=citizen, path=request.path
        )
        context = {"citizen": citizen, "form": form}
        return render(request, "pages/timeline_document_form.html", context)
    data = request.POST.copy()
    if request.GET.get("format") and not data.get("format"):
        data["format"] = request.GET["format"]
    form = DocumentForm(data)
    if not form.is_valid():
        return render(
            request,
            "pages/timeline_document_form.html",
            {"citizen": citizen, "form": form},
            status=400,
        )
    d = form.cleaned_data
    entries = timeline.red_thread(
        citizen, since=d["start"], until=d["end"], may_read_notes=lambda internal: not internal
    )
    plan = plan_selectors.plan_of(citizen)
    sectors = {s.code: s.label for s in Code.objects.filter(code_list="activity_sector")}
    rows = timeline.summary(entries, until=d["end"])
    for row in rows:
        row.sector_label = sectors.get(row.sector, row.sector)
    for entry in entries:
        entry.sector_label = sectors.get(entry.sector, "")
    as_pdf = d.get("format") == "pdf"
    access_log_write(
        user=request.user,
        action=AccessAction.EXPORT,
        citizen=citizen,
        path=request.path,
        purpose=d["purpose"],
        criterion=f"red thread {d['start']:%Y-%m-%d}..{d['end']:%Y-%m-%d}"
        + (" pdf" if as_pdf else " html"),
    )
    html = render_to_string(
        "pages/timeline_document.html",
        {
            "citizen": citizen,
            "case_number": case_review_number(citizen.pk),
            "since": d["start"],
            "until": d["end"],
            "entries": entries,
            "summary": rows,
            "goals": plan_selectors.goals_of(plan) if plan is not None else [],
            "remarks": d["remarks"],
            "made_on": timezone.localdate(),
            "made_by": request.user,
        },
        request=request,
    )
    if not as_pdf:
        return HttpResponse(html)
    pdf = HTML(string=html, url_fetcher=_fetch_nothing).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="roed-traad-{case_review_number(citizen.pk)}.pdf"'
    )
    return response
