import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fremdrift.accounts.access import is_manager, is_provider_staff
from fremdrift.audit.models import AccessAction
from fremdrift.audit.services import access_log_write
from fremdrift.citizens.access import (
    citizen_get,
    is_company_oriented,
    may_change_citizen,
    may_change_plan,
    may_read_meeting_notes,
    may_record_activity,
    may_record_company_activity,
    may_record_job_meeting,
    may_write_internal_notes,
)
from fremdrift.citizens.selectors import case_review_number
from fremdrift.codelists.models import Code
from fremdrift.core.exceptions import StaleVersion
from fremdrift.core.forms import error_sentence, errors_onto_form

from . import selectors, services
from .forms import (
    ActivityFollowUpForm,
    ActivityForm,
    CaseReviewForm,
    GoalChangeForm,
    GoalForm,
    MeetingBookingForm,
    MeetingCancelForm,
    MeetingCompleteForm,
    MeetingForm,
    MentorForm,
    PlanForm,
    PlanRoleForm,
    StatutoryPlanForm,
    VacancySuggestionForm,
)
from .models import Activity, Goal, Meeting, Plan, PlanRole, StatutoryPlan, VacancySuggestion
from .report import citizen_report_context


def _citizen_and_plan(
    request: HttpRequest, citizen_id: int, *, to_change: bool, company: bool = False
):
    """The citizen in scope (else 404) and their plan. With `to_change`, a user who may
    change the plan (else 403), or with `company` one who records its company part, the
    company-oriented activities, meetings and suggested positions (a job consultant)."""
    citizen = citizen_get(request.user, citizen_id)
    may_change = may_change_plan(request.user, citizen)
    allowed = may_record_company_activity(request.user, citizen) if company else may_change
    if to_change and not allowed:
        raise PermissionDenied
    if to_change:
        plan = services.plan_get_or_create(actor=request.user, citizen=citizen)
    else:
        plan = selectors.plan_of(citizen)
    return citizen, plan, may_change


def _with_readable_notes(user, citizen, meetings):
    for meeting in meetings:
        readable = may_read_meeting_notes(
            user, home_organisation_id=citizen.home_organisation_id, internal=meeting.notes_internal
        )
        meeting.readable_notes = meeting.notes if readable else ""
    return meetings


def _with_errors(forms: dict) -> bool:
    """Whether a form posted back to the plan page came with errors (a bad value: 400)."""
    posted = [f for k, f in forms.items() if k.endswith("_form") and f is not None]
    for many in ("change_forms", "follow_up_forms", "meeting_edit_forms", "meeting_complete_forms"):
        posted += list((forms.get(many) or {}).values())
    return any(getattr(f, "is_bound", False) and f.errors for f in posted)


def _plan_page(request, citizen, plan, may_change, *, status=200, **forms):
    if status == 200 and _with_errors(forms):
        status = 400
    access_log_write(
        user=request.user, action=AccessAction.VIEW, citizen=citizen, path=request.path
    )
    # A job consultant records the plan's company part: company-oriented activities,
    # meetings about the job goal and suggested positions; nothing else of it.
    may_company = may_record_company_activity(request.user, citizen)
    context = {
        "citizen": citizen,
        "plan": plan,
        "may_change": may_change,
        "may_refer": may_change_citizen(request.user, citizen),
        "may_company": may_company,
    }
    if plan is None and may_change:
        # No plan yet: the first goal makes it (`services.plan_get_or_create`), so its form
        # is open at once instead of behind a "make the plan" button.
        context["first_goal_form"] = forms.get("goal_form") or GoalForm(
            plan=Plan(citizen=citizen), codes_from=request.user.organisation_id
        )
    if plan is not None:
        goals = selectors.goals_of(plan)
        activities = selectors.activities_of(plan)
        for activity in activities:
            activity.may_follow_up = may_change or (
                may_company and is_company_oriented(activity.kind.code)
            )
        context |= {
            "goals": goals,
            "activities": activities,
            "vacancy_suggestions": selectors.vacancy_suggestions_of(plan),
            "outcome_choices": VacancySuggestion.Outcome.choices,
            "meetings": _with_readable_notes(request.user, citizen, selectors.meetings_of(plan)),
            "booked_meetings": selectors.booked_meetings_of(plan),
            "may_meet": may_record_job_meeting(request.user, citizen),
            "meeting_edit_forms": forms.get("meeting_edit_forms", {}),
            "meeting_complete_forms": forms.get("meeting_complete_forms", {}),
            "mentors": selectors.mentors_of(plan),
            "plan_roles": selectors.plan_roles_of(plan),
            "statutory_plans": selectors.statutory_plans_of(plan),
            "today": dt.date.today(),
        }
        if may_change:
            # The forms are fetched when opened (htmx, `plan_form`), so that a plan with years
            # of history renders fast; one that comes back with errors is shown in place.
            context |= {
                name: forms.get(name)
                for name in (
                    "plan_form",
                    "goal_form",
                    "activity_form",
                    "meeting_form",
                    "meeting_booking_form",
                    "mentor_form",
                    "plan_role_form",
                    "statutory_plan_form",
                )
            }
            context["change_forms"] = forms.get("change_forms", {})
            context["follow_up_forms"] = forms.get("follow_up_forms", {})
            context["stale_goal"] = forms.get("stale_goal")
        elif may_company:
            context |= {
                name: forms.get(name)
                for name in (
                    "activity_form",
                    "meeting_form",
                    "meeting_booking_form",
                    "vacancy_suggestion_form",
                )
            }
            context["follow_up_forms"] = forms.get("follow_up_forms", {})
        if may_company:
            context["vacancy_suggestion_form"] = forms.get("vacancy_suggestion_form")
    return render(request, "plans/plan.html", context, status=status)


def _empty_form(name: str, plan, codes_from, *, company_only: bool = False, user=None):
    today = dt.date.today()
    return {
        "plan": lambda: PlanForm(
            initial={
                "own_effort": plan.own_effort,
                "citizen_comments": plan.citizen_comments,
                "made_on": plan.made_on,
                "next_review": plan.next_review,
                "version": plan.version,
            }
        ),
        "goal": lambda: GoalForm(plan=plan, codes_from=codes_from),
        "activity": lambda: ActivityForm(
            plan=plan,
            codes_from=codes_from,
            company_only=company_only,
            initial={"start_date": today},
        ),
        "meeting": lambda: MeetingForm(
            citizen=plan.citizen,
            codes_from=codes_from,
            shared_notes_only=company_only
            or (user is not None and not may_write_internal_notes(user, plan.citizen)),
            initial={"date": today, "citizen_attended": True, "notes_internal": True},
        ),
        "meeting_booking": lambda: MeetingBookingForm(
            citizen=plan.citizen, user=user, codes_from=codes_from
        ),
        "vacancy_suggestion": lambda: VacancySuggestionForm(
            plan=plan, initial={"suggested_on": today}
        ),
        "mentor": lambda: MentorForm(
            organisation=plan.citizen.home_organisation,
            codes_from=codes_from,
            initial={"start_date": today},
        ),
        "plan_role": lambda: PlanRoleForm(
            organisation=plan.citizen.home_organisation, codes_from=codes_from
        ),
        "statutory_plan": lambda: StatutoryPlanForm(),
    }[name]()


FORM_NAMES = (
    "plan",
    "goal",
    "activity",
    "meeting",
    "meeting_booking",
    "mentor",
    "plan_role",
    "statutory_plan",
    "vacancy_suggestion",
)
# The forms of the plan's company part, open to a job consultant too.
COMPANY_FORMS = ("activity", "meeting", "meeting_booking", "vacancy_suggestion")


@login_required
@require_GET
def plan_form(request: HttpRequest, citizen_id: int, name: str) -> HttpResponse:
    """One of the plan page's forms, as a fragment fetched when its section is opened."""
    if name not in FORM_NAMES:
        raise Http404
    citizen, plan, may_change = _citizen_and_plan(request, citizen_id, to_change=False)
    company_only = not may_change
    if company_only and not (
        name in COMPANY_FORMS and may_record_company_activity(request.user, citizen)
    ):
        raise PermissionDenied
    # A GET changes nothing: the plan is made by the first write, not by opening a form.
    plan = plan or Plan(citizen=citizen)
    access_log_write(
        user=request.user, action=AccessAction.VIEW, citizen=citizen, path=request.path
    )
    form = _empty_form(
        name, plan, request.user.organisation_id, company_only=company_only, user=request.user
    )
    return render(
        request,
        f"plans/_form_{name}.html",
        {"citizen": citizen, "plan": plan, f"{name}_form": form},
    )


@login_required
@require_GET
def plan_page(request: HttpRequest, citizen_id: int) -> HttpResponse:
    citizen, plan, may_change = _citizen_and_plan(request, citizen_id, to_change=False)
    forms = {}
    if plan is not None and may_change and request.GET.get("add") == "goal":
        # Just after adding a goal: the form stays open for the next one.
        forms["goal_form"] = GoalForm(plan=plan, codes_from=request.user.organisation_id)
    return _plan_page(request, citizen, plan, may_change, **forms)


def _back(citizen, anchor: str):
    return redirect(f"/citizens/{citizen.pk}/plan/#{anchor}")


@login_required
@require_POST
def plan_update(request: HttpRequest, citizen_id: int) -> HttpResponse:
    citizen, plan, may_change = _citizen_and_plan(request, citizen_id, to_change=True)
    form = PlanForm(request.POST)
    if form.is_valid():
        try:
            services.plan_update(
                actor=request.user,
                plan=plan,
                expected_version=form.cleaned_data["version"],
                own_effort=form.cleaned_data["own_effort"],
                citizen_comments=form.cleaned_data["citizen_comments"],
                made_on=form.cleaned_data["made_on"],
                next_review=form.cleaned_data["next_review"],
            )
        except ValidationError as error:
            errors_onto_form(form, error)
        except StaleVersion:
            form.add_error(
                None,
                _(
                    "Someone else changed the plan while you were editing. "
                    "Reload the page and make your change again."
                ),
            )
        else:
            messages.success(request, _("The plan has been saved."))
            return _back(citizen, "plan")
    return _plan_page(
        request,
        citizen,
        plan,
        may_change,
        plan_form=form,
        status=409 if form.non_field_errors() else 200,
    )


@login_required
@require_POST
def goal_create(request: HttpRequest, citizen_id: int) -> HttpResponse:
    citizen, plan, may_change = _citizen_and_plan(request, citizen_id, to_change=True)
    form = GoalForm(request.POST, plan=plan, codes_from=request.user.organisation_id)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.goal_create(
                actor=request.user,
                plan=plan,
                text=data["text"],
                parent=data["parent"],
                is_end_goal=form.is_end_goal,
                category=data["category"],
                supported_by=data["supported_by"],
                target_date=data["target_date"],
                gas_levels=form.gas_levels(),
                gas_baseline=data["gas_baseline"],
            )
        except ValidationError as error:
            errors_onto_form(form, error)
        else:
            messages.success(request, _("The goal has been added to the plan."))
            return redirect(f"/citizens/{citizen.pk}/plan/?add=goal#goals")
    return _plan_page(request, citizen, plan, may_change, goal_form=form)


def _change_form(goal: Goal) -> GoalChangeForm:
    return GoalChangeForm(
        plan=goal.plan,
        prefix=f"goal{goal.pk}",
        initial={
            "version": goal.version,
            "text": goal.text,
            "status": goal.status,
            "target_date": goal.target_date,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def goal_change(request: HttpRequest, citizen_id: int, goal_id: int) -> HttpResponse:
    """GET: the change form of one goal (a fragment for the plan page). POST: the change."""
    citizen, plan, may_change = _citizen_and_plan(request, citizen_id, to_change=True)
    goal = get_object_or_404(Goal, pk=goal_id, plan=plan)
    if request.method == "GET":
        access_log_write(
            user=request.user, action=AccessAction.VIEW, citizen=citizen, path=request.path
        )
        return render(
            request,
            "plans/_goal_change_form.html",
            {"citizen": citizen, "goal": goal, "form": _change_form(goal)},
        )
    form = GoalChangeForm(request.POST, plan=plan, prefix=f"goal{goal.pk}")
    if form.is_valid():
        data = form.cleaned_data
        changes = {k: data[k] for k in ("text", "status", "target_date")}
        try:
            services.goal_change(
                actor=request.user,
                goal=goal,
                expected_version=data["version"],
                reason=data["reason"],
                note=data["note"],
                gas_level=data["gas_level"],
                meeting=data["meeting"],
                **changes,
            )
        except StaleVersion:
            goal.refresh_from_db()
            fresh = _change_form(goal)
            return _plan_page(
                request,
                citizen,
                plan,
                may_change,
                status=409,
                change_forms={goal.pk: fresh},
                stale_goal=goal.pk,
            )
        except ValidationError as error:
            errors_onto_form(form, error)
        else:
            messages.success(request, _("The change has been saved with its reason."))
            return _back(citizen, f"goal-{goal.pk}")
    return _plan_page(request, citizen, plan, may_change, change_forms={goal.pk: form})


@login_required
@require_POST
def activity_create(request: HttpRequest, citizen_id: int) -> HttpResponse:
    citizen, plan, may_change = _citizen_and_plan(request, citizen_id, to_change=True, company=True)
    form = ActivityForm(
        request.POST,
        plan=plan,
        codes_from=request.user.organisation_id,
        company_only=not may_change,
    )
    if form.is_valid() and not may_record_activity(
        request.user, citizen, form.cleaned_data["kind"].code
    ):
        form.add_error("kind", _("Type: you record company-oriented activities only."))
    if form.is_valid():
        data = dict(form.cleaned_data)
        goals = data.pop("goals")
        try:
            services.activity_create(actor=request.user, plan=plan, goals=goals, **data)
        except ValidationError as error:
            errors_onto_form(form, error)
        else:
            messages.success(request, _("The activity has been added."))
            return _back(citizen, "activities")
    return _plan_page(request, citizen, plan, may_change, activity_form=form)


@login_required
@require_GET
def activity_types(request: HttpRequest, citizen_id: int) -> HttpResponse:
    """The activity form's list of types for the sector in `?sector=` (a fragment, htmx):
    shows no personal data, so it writes no access-log row."""
    citizen, plan, may_change = _citizen_and_plan(request, citizen_id, to_change=False)
    company_only = not may_change
    if company_only and not may_record_company_activity(request.user, citizen):
        raise PermissionDenied
    form = ActivityForm(
        initial={"sector": request.GET.get("sector")},
        plan=plan or Plan(citizen=citizen),
        codes_from=request.user.organisation_id,
        company_only=company_only,
    )
    return render(request, "plans/_activity_types.html", {"activity_form": form})


@login_required
@require_http_methods(["GET", "POST"])
def activity_follow_up(request: HttpRequest, citizen_id: int, activity_id: int) -> HttpResponse:
    """GET: the follow-up form of one activity (a fragment). POST: what came of it, and a
    change of weekly hours from a date."""
    citizen, plan, may_change = _citizen_and_plan(
        request, citizen_id, to_change=request.method == "POST", company=True
    )
    activity = get_object_or_404(Activity.objects.select_related("kind"), pk=activity_id, plan=plan)
    if not may_record_activity(request.user, citizen, activity.kind.code):
        raise PermissionDenied
    context = {"citizen": citizen, "activity": activity}
    if request.method == "GET":
        access_log_write(
            user=request.user, action=AccessAction.VIEW, citizen=citizen, path=request.path
        )
        form = ActivityFollowUpForm(
            prefix=f"activity{activity.pk}",
            initial={
                "version": activity.version,
                "end_date": activity.end_date,
                "result": activity.result,
                "next_step": activity.next_step,
            },
        )
        return render(request, "plans/_activity_follow_up.html", context | {"form": form})
    form = ActivityFollowUpForm(request.POST, prefix=f"activity{activity.pk}")
    stale = False
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.activity_follow_up(
                actor=request.user,
                activity=activity,
                expected_version=data["version"],
                end_date=data["end_date"],
                result=data["result"],
                next_step=data["next_step"],
                hours_from=data["hours_from"],
                hours=data["hours"],
            )
        except StaleVersion:
            stale = True
            form.add_error(
                None,
                _(
                    "Someone else changed this activity while you were "
                    "editing. Reload the page and make your change again."
                ),
            )
        except ValidationError as error:
            errors_onto_form(
                form, error, renamed={"weekly_hours": "hours", "from_date": "hours_from"}
            )
        else:
            messages.success(request, _("The activity has been updated."))
            return _back(citizen, "activities")
    return _plan_page(
        request,
        citizen,
        plan,
        may_change,
        follow_up_forms={activity.pk: form},
        status=409 if stale else 200,
    )


@login_required
@require_POST
def meeting_create(request: HttpRequest, citizen_id: int) -> HttpResponse:
    citizen, plan, may_change = _citizen_and_plan(request, citizen_id, to_change=True, company=True)
    if not may_record_job_meeting(request.user, citizen):
        raise PermissionDenied
    form = MeetingForm(
        request.POST,
        citizen=citizen,
        codes_from=request.user.organisation_id,
        shared_notes_only=not may_change or not may_write_internal_notes(request.user, citizen),
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.meeting_record(
                actor=request.user,
                plan=plan,
                kind=data["kind"],
                date=data["date"],
                citizen_attended=data["citizen_attended"],
                notes=data["notes"],
                notes_internal=data.get("notes_internal", False),
                assessment=data.get("assessment"),
                participants=[{"role": role} for role in data["participant_roles"]]
                + [{"role": _participant_role_of(request.user), "user": request.user}],
            )
        except ValidationError as error:
            errors_onto_form(form, error)
        else:
            messages.success(request, _("The meeting has been recorded."))
            return _back(citizen, "meetings")
    return _plan_page(request, citizen, plan, may_change, meeting_form=form)


def _participant_role_of(user):
    """The recording user takes part in the meeting in the role their own role suggests."""
    code = {"caseworker": "employment_caseworker", "job_consultant": "company_consultant"}.get(
        user.role, "other"
    )
    return Code.objects.get(code_list="participant_role", code=code, organisation=None)


def _booking_participants(user, data) -> list[dict]:
    """The booker (not when a booked meeting is changed: `user` None) in the role their own
    role suggests, the colleagues chosen in theirs, and the roles ticked without a person."""
    return (
        ([{"role": _participant_role_of(user), "user": user}] if user is not None else [])
        + [{"role": _participant_role_of(c), "user": c} for c in data["colleagues"]]
        + [{"role": role} for role in data["participant_roles"]]
    )


def _meeting_to_change(request, citizen_id: int, meeting_id: int, *, post: bool):
    citizen, plan, may_change = _citizen_and_plan(request, citizen_id, to_change=post, company=True)
    if not may_record_job_meeting(request.user, citizen):
        raise PermissionDenied
    meeting = get_object_or_404(
        Meeting.objects.select_related("kind"),
        pk=meeting_id,
        plan=plan,
        status=Meeting.Status.BOOKED,
    )
    return citizen, plan, may_change, meeting


def _asked_first(form, error: ValidationError) -> None:
    errors_onto_form(form, error)
    if isinstance(error, services.NeedsConfirmation):
        form.asks_confirmation = True


STALE_MEETING = gettext_lazy(
    "Someone else changed this meeting while you were editing. Reload the page and make your "
    "change again."
)


@login_required
@require_POST
def meeting_book(request: HttpRequest, citizen_id: int) -> HttpResponse:
    """Books a meeting ahead. A time that has passed or overlaps another booked meeting of a
    participant asks first: the form comes back with the question and "Book anyway"."""
    citizen, plan, may_change = _citizen_and_plan(request, citizen_id, to_change=True, company=True)
    if not may_record_job_meeting(request.user, citizen):
        raise PermissionDenied
    form = MeetingBookingForm(
        request.POST, citizen=citizen, user=request.user, codes_from=request.user.organisation_id
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.meeting_book(
                actor=request.user,
                plan=plan,
                kind=data["kind"],
                date=data["date"],
                start_time=data["start_time"],
                end_time=data["end_time"],
                place=data["place"],
                participants=_booking_participants(request.user, data),
                confirm=data["confirm"],
            )
        except ValidationError as error:
            _asked_first(form, error)
        else:
            messages.success(request, _("The meeting has been booked."))
            return _back(citizen, "booked-meetings")
    return _plan_page(request, citizen, plan, may_change, meeting_booking_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, citizen_id: int, meeting_id: int) -> HttpResponse:
    """GET: the form that changes a booked meeting (a fragment). POST: the change."""
    post = request.method == "POST"
    citizen, plan, may_change, meeting = _meeting_to_change(
        request, citizen_id, meeting_id, post=post
    )
    prefix = f"meeting{meeting.pk}"
    if not post:
        access_log_write(
            user=request.user, action=AccessAction.VIEW, citizen=citizen, path=request.path
        )
        people = list(meeting.participants.all())
        form = MeetingBookingForm(
            prefix=prefix,
            citizen=citizen,
            user=request.user,
            codes_from=request.user.organisation_id,
            editing=True,
            initial={
                "kind": meeting.kind,
                "date": meeting.date,
                "start_time": meeting.start_time,
                "end_time": meeting.end_time,
                "place": meeting.place,
                "colleagues": [p.user_id for p in people if p.user_id],
                "participant_roles": [p.role_id for p in people if not p.user_id],
                "version": meeting.version,
            },
        )
        return render(
            request,
            "plans/_meeting_edit.html",
            {"citizen": citizen, "meeting": meeting, "form": form},
        )
    form = MeetingBookingForm(
        request.POST,
        prefix=prefix,
        citizen=citizen,
        user=request.user,
        codes_from=request.user.organisation_id,
        editing=True,
    )
    stale = False
    if form.is_valid() and form.cleaned_data["version"] is None:
        form.add_error(None, STALE_MEETING)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.meeting_update(
                actor=request.user,
                meeting=meeting,
                expected_version=data["version"],
                kind=data["kind"],
                date=data["date"],
                start_time=data["start_time"],
                end_time=data["end_time"],
                place=data["place"],
                participants=_booking_participants(None, data),
                confirm=data["confirm"],
            )
        except StaleVersion:
            stale = True
            form.add_error(None, STALE_MEETING)
        except ValidationError as error:
            _asked_first(form, error)
        else:
            messages.success(request, _("The meeting has been changed."))
            return _back(citizen, "booked-meetings")
    return _plan_page(
        request,
        citizen,
        plan,
        may_change,
        meeting_edit_forms={meeting.pk: form},
        status=409 if stale else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_complete(request: HttpRequest, citizen_id: int, meeting_id: int) -> HttpResponse:
    """GET: the form that completes a booked meeting after it was held (a fragment). POST:
    whether the citizen came and the notes; the meeting is then among the held ones."""
    post = request.method == "POST"
    citizen, plan, may_change, meeting = _meeting_to_change(
        request, citizen_id, meeting_id, post=post
    )
    shared_only = not may_change or not may_write_internal_notes(request.user, citizen)
    prefix = f"complete{meeting.pk}"
    if not post:
        access_log_write(
            user=request.user, action=AccessAction.VIEW, citizen=citizen, path=request.path
        )
        form = MeetingCompleteForm(
            prefix=prefix,
            citizen=citizen,
            shared_notes_only=shared_only,
            initial={"version": meeting.version, "citizen_attended": True, "notes_internal": True},
        )
        return render(
            request,
            "plans/_meeting_complete.html",
            {"citizen": citizen, "meeting": meeting, "form": form},
        )
    form = MeetingCompleteForm(
        request.POST, prefix=prefix, citizen=citizen, shared_notes_only=shared_only
    )
    stale = False
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.meeting_complete(
                actor=request.user,
                meeting=meeting,
                expected_version=data["version"],
                citizen_attended=data["citizen_attended"],
                notes=data["notes"],
                notes_internal=data.get("notes_internal", False),
                assessment=data.get("assessment"),
            )
        except StaleVersion:
            stale = True
            form.add_error(None, STALE_MEETING)
        except ValidationError as error:
            errors_onto_form(form, error)
        else:
            messages.success(request, _("The meeting has been completed."))
            return _back(citizen, "meetings")
    return _plan_page(
        request,
        citizen,
        plan,
        may_change,
        meeting_complete_forms={meeting.pk: form},
        status=409 if stale else 200,
    )


@login_required
@require_POST
def meeting_cancel(request: HttpRequest, citizen_id: int, meeting_id: int) -> HttpResponse:
    citizen, plan, may_change, meeting = _meeting_to_change(
        request, citizen_id, meeting_id, post=True
    )
    form = MeetingCancelForm(request.POST)
    if form.is_valid():
        try:
            services.meeting_cancel(
                actor=request.user, meeting=meeting, expected_version=form.cleaned_data["version"]
            )
        except StaleVersion:
            messages.error(request, STALE_MEETING)
            return _back(citizen, "booked-meetings")
        messages.success(request, _("The meeting has been cancelled."))
    return _back(citizen, "booked-meetings")


@login_required
@require_POST
def vacancy_suggest(request: HttpRequest, citizen_id: int) -> HttpResponse:
    """An open position of the register suggested to the citizen, recorded on the plan."""
    citizen, plan, may_change = _citizen_and_plan(request, citizen_id, to_change=True, company=True)
    form = VacancySuggestionForm(request.POST, plan=plan)
    if form.is_valid():
        try:
            services.vacancy_suggest(
                actor=request.user,
                plan=plan,
                vacancy=form.cleaned_data["vacancy"],
                suggested_on=form.cleaned_data["suggested_on"],
            )
        except ValidationError as error:
            errors_onto_form(form, error)
        else:
            messages.success(request, _("The suggested position has been recorded."))
            return _back(citizen, "vacancies")
    return _plan_page(request, citizen, plan, may_change, status=400, vacancy_suggestion_form=form)


@login_required
@require_POST
def vacancy_suggestion_outcome(
    request: HttpRequest, citizen_id: int, suggestion_id: int
) -> HttpResponse:
    citizen, plan, _may_change = _citizen_and_plan(
        request, citizen_id, to_change=True, company=True
    )
    suggestion = get_object_or_404(VacancySuggestion, pk=suggestion_id, plan=plan)
    try:
        services.vacancy_suggestion_outcome(
            actor=request.user, suggestion=suggestion, outcome=request.POST.get("outcome", "")
        )
    except ValidationError as error:
        messages.error(request, error_sentence(error))
    else:
        messages.success(request, _("The outcome has been saved."))
    return _back(citizen, "vacancies")


def _line_added(
    request: HttpRequest, citizen, plan, may_change, form, add, *, done: str, anchor: str, name: str
) -> HttpResponse:
    """A line added to the plan by the service `add` with the form's fields: back on the
    plan at `anchor` with `done`, or the plan page again with the form (its context `name`)
    and its errors."""
    if form.is_valid():
        try:
            add(actor=request.user, plan=plan, **form.cleaned_data)
        except ValidationError as error:
            errors_onto_form(form, error)
        else:
            messages.success(request, done)
            return _back(citizen, anchor)
    return _plan_page(request, citizen, plan, may_change, **{name: form})


def _person_added(request, citizen_id: int, form_class, add, *, done: str, anchor: str, name: str):
    """A mentor or who does what, chosen among the people of the citizen's organisation."""
    citizen, plan, may_change = _citizen_and_plan(request, citizen_id, to_change=True)
    form = form_class(
        request.POST,
        organisation=citizen.home_organisation,
        codes_from=request.user.organisation_id,
    )
    return _line_added(
        request, citizen, plan, may_change, form, add, done=done, anchor=anchor, name=name
    )


@login_required
@require_POST
def mentor_create(request: HttpRequest, citizen_id: int) -> HttpResponse:
    return _person_added(
        request,
        citizen_id,
        MentorForm,
        services.mentor_assign,
        done=_("The mentor has been added."),
        anchor="mentors",
        name="mentor_form",
    )


@login_required
@require_POST
def plan_role_create(request: HttpRequest, citizen_id: int) -> HttpResponse:
    return _person_added(
        request,
        citizen_id,
        PlanRoleForm,
        services.plan_role_assign,
        done=_("Who does what has been added to the plan."),
        anchor="roles",
        name="plan_role_form",
    )


@login_required
@require_POST
def plan_role_remove(request: HttpRequest, citizen_id: int, plan_role_id: int) -> HttpResponse:
    citizen, plan, may_change = _citizen_and_plan(request, citizen_id, to_change=False)
    if not may_change:
        raise PermissionDenied
    plan_role = get_object_or_404(PlanRole, pk=plan_role_id, plan=plan)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = 0  # no version read: never matches, so nothing is removed unseen
    try:
        services.plan_role_remove(actor=request.user, plan_role=plan_role, expected_version=version)
    except StaleVersion:
        messages.error(
            request,
            _("Someone changed this line of the plan while you had it open. Look again."),
        )
    else:
        messages.success(request, _("The line has been taken off the plan."))
    return _back(citizen, "roles")


@login_required
@require_POST
def statutory_plan_create(request: HttpRequest, citizen_id: int) -> HttpResponse:
    citizen, plan, may_change = _citizen_and_plan(request, citizen_id, to_change=True)
    return _line_added(
        request,
        citizen,
        plan,
        may_change,
        StatutoryPlanForm(request.POST),
        services.statutory_plan_add,
        done=_("The other plan has been recorded."),
        anchor="other-plans",
        name="statutory_plan_form",
    )


def _statutory_plan_and_version(request, citizen_id: int, statutory_plan_id: int):
    citizen, plan, may_change = _citizen_and_plan(request, citizen_id, to_change=False)
    if not may_change:
        raise PermissionDenied
    statutory_plan = get_object_or_404(StatutoryPlan, pk=statutory_plan_id, plan=plan)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = 0  # no version read: never matches, so nothing changes unseen
    return citizen, statutory_plan, version


STALE_OTHER_PLAN = gettext_lazy(
    "Someone changed the citizen's other plans while you had them open. Look again."
)


def _other_plan_changed(
    request: HttpRequest, citizen_id: int, statutory_plan_id: int, change, done: str
) -> HttpResponse:
    """One of the citizen's other plans changed by the service `change` against the version
    the page was read at."""
    citizen, statutory_plan, version = _statutory_plan_and_version(
        request, citizen_id, statutory_plan_id
    )
    try:
        change(actor=request.user, statutory_plan=statutory_plan, expected_version=version)
    except StaleVersion:
        messages.error(request, STALE_OTHER_PLAN)
    else:
        messages.success(request, done)
    return _back(citizen, "other-plans")


@login_required
@require_POST
def statutory_plan_prioritise(
    request: HttpRequest, citizen_id: int, statutory_plan_id: int
) -> HttpResponse:
    return _other_plan_changed(
        request,
        citizen_id,
        statutory_plan_id,
        services.statutory_plan_prioritise,
        _("The plan now takes priority over the other plans."),
    )


@login_required
@require_POST
def statutory_plan_remove(
    request: HttpRequest, citizen_id: int, statutory_plan_id: int
) -> HttpResponse:
    return _other_plan_changed(
        request,
        citizen_id,
        statutory_plan_id,
        services.statutory_plan_remove,
        _("The other plan has been taken off the plan."),
    )


@login_required
@require_GET
def case_review(request: HttpRequest) -> HttpResponse:
    """A manager's way into the red threads of the organisation's citizens: review numbers
    (`citizens.selectors.case_review_number`, not derivable from ids), what each plan holds, a
    random case to review; never a name, CPR number or id."""
    if not is_manager(request.user):
        raise Http404
    form = CaseReviewForm(request.GET, organisation=request.user.organisation_id)
    form.is_valid()
    target_group = form.cleaned_data.get("target_group")
    citizens = selectors.case_review_list(
        request.user, target_group_id=target_group.pk if target_group else None
    )
    if form.cleaned_data.get("random"):
        picked = citizens.order_by("?").first()
        if picked is not None:
            return redirect("plans:case_review_case", case_review_number(picked.pk))
    page = Paginator(citizens, settings.FREMDRIFT_PAGE_SIZE).get_page(
        form.cleaned_data.get("page") or 1
    )
    for citizen in page.object_list:
        citizen.review_number = case_review_number(citizen.pk)
    if page.object_list:
        access_log_write(
            user=request.user,
            action=AccessAction.LIST,
            subjects=page.object_list,
            path=request.path,
            purpose=_("Case review"),
        )
    return render(request, "plans/case_review.html", {"form": form, "page": page})


@login_required
@require_GET
def citizen_report(request: HttpRequest, citizen_id: int) -> HttpResponse:
    """A printable page for the citizen: their wheel, their goals in their own words, what has
    been reached, the next steps with who helps, and what has been corrected when. No CPR
    number (a corrected one is only said to be corrected), no internal notes."""
    citizen = citizen_get(request.user, citizen_id)
    access_log_write(
        user=request.user,
        action=AccessAction.VIEW,
        citizen=citizen,
        path=request.path,
        purpose=_("Citizen report"),
    )
    # The wheel holds every answer; a provider sees only what its referral shares.
    context = citizen_report_context(
        citizen,
        instrument_code=request.GET.get("instrument", "adult_wheel"),
        with_assessments=not is_provider_staff(request.user),
    )
    context["back_url"] = reverse("plans:plan", args=[citizen.pk])
    return render(request, "plans/report.html", context)
