"""Grading a case of the case review (`/citizens/review/<number>/grade/`): a manager grades
the case on the four scales of a case evaluation; the review names the case only by its
review number."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from fremdrift.accounts.access import is_manager
from fremdrift.audit.models import AccessAction
from fremdrift.audit.services import access_log_write
from fremdrift.citizens.access import citizens_in_scope
from fremdrift.citizens.selectors import case_review_citizen, case_review_number
from fremdrift.core.forms import errors_onto_form

from . import services
from .models import CaseReview
from .selectors import case_review_sample


class CaseSampleForm(forms.Form):
    """A random sample of the cases with activity in a period, as an evaluator draws one."""

    start = forms.DateField(label=gettext_lazy("From"))
    end = forms.DateField(label=gettext_lazy("To"))
    size = forms.IntegerField(label=gettext_lazy("Number of cases"), min_value=1, max_value=50)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end date cannot be before the start date."))
        return data


class CaseGradeForm(forms.Form):
    red_thread = forms.ChoiceField(
        label=gettext_lazy("Red thread"),
        choices=CaseReview.RedThread.choices,
        widget=forms.RadioSelect,
    )
    red_thread_comment = forms.CharField(
        label=gettext_lazy("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    goals = forms.ChoiceField(
        label=gettext_lazy("Goals"), choices=CaseReview.Goals.choices, widget=forms.RadioSelect
    )
    goals_comment = forms.CharField(
        label=gettext_lazy("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    job_focus = forms.ChoiceField(
        label=gettext_lazy("Job focus"),
        choices=CaseReview.JobFocus.choices,
        widget=forms.RadioSelect,
    )
    job_focus_comment = forms.CharField(
        label=gettext_lazy("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    involvement = forms.ChoiceField(
        label=gettext_lazy("Citizen involvement"),
        choices=CaseReview.Involvement.choices,
        widget=forms.RadioSelect,
    )
    involvement_comment = forms.CharField(
        label=gettext_lazy("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_review_grade(request: HttpRequest, number: str) -> HttpResponse:
    """The grading form of a case of the case review; 404 outside the manager's organisation."""
    if not is_manager(request.user):
        raise Http404
    citizen = case_review_citizen(request.user, number)
    review_number = case_review_number(citizen.pk)
    form = CaseGradeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_review_grade(
                actor=request.user, citizen=citizen, path=request.path, **form.cleaned_data
            )
        except ValidationError as error:
            errors_onto_form(form, error)
        else:
            message = _("The case %(number)s is graded.") % {"number": review_number}
            messages.success(request, message)
            return redirect("plans:case_review")
    access_log_write(
        user=request.user,
        action=AccessAction.VIEW,
        citizen=citizen,
        path=request.path,
        purpose=_("Case review"),
    )
    return render(request, "plans/case_grade.html", {"form": form, "review_number": review_number})


@login_required
@require_GET
def case_review_sample_page(request: HttpRequest) -> HttpResponse:
    """Draws a random sample of the organisation's cases with activity in a period and lists
    them by review number (never an id); the listing is access-logged."""
    if not is_manager(request.user):
        raise Http404
    form = CaseSampleForm(request.GET or None)
    numbers = []
    if form.is_valid():
        ids = case_review_sample(
            request.user,
            start=form.cleaned_data["start"],
            end=form.cleaned_data["end"],
            size=form.cleaned_data["size"],
        )
        numbers = sorted(case_review_number(pk) for pk in ids)
        if ids:
            access_log_write(
                user=request.user,
                action=AccessAction.LIST,
                subjects=citizens_in_scope(request.user, case_review=True).filter(pk__in=ids),
                path=request.path,
                purpose=_("Case review sample"),
            )
    context = {"form": form, "numbers": numbers, "drawn": form.is_bound}
    return render(request, "plans/case_sample.html", context)
