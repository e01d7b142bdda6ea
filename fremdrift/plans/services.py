"""Writes of the plan. Every change of a goal is one GoalEvent with its reason; the goal row
holds the current state, which always equals the replay of its events."""

import copy
import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from fremdrift.accounts.access import is_manager
from fremdrift.audit.models import AccessAction, ChangeRecord
from fremdrift.audit.services import (
    access_log_write,
    audited_create,
    audited_update,
    change_record_write,
    lock_for_update,
    snapshot,
)
from fremdrift.citizens.access import (
    activity_type_allowed,
    citizens_in_scope,
    is_company_oriented,
    may_write_internal_notes,
)
from fremdrift.citizens.selectors import case_review_number
from fremdrift.codelists.models import Code, CodeList
from fremdrift.companies.models import Company, CompanyContact, Vacancy
from fremdrift.core.validation import day_errors, period_errors

from .models import (
    Activity,
    CaseReview,
    Goal,
    GoalEvent,
    HoursChange,
    Meeting,
    MeetingParticipant,
    Mentor,
    Plan,
    PlanRole,
    StatutoryPlan,
    Supporter,
    VacancySuggestion,
)

GAS_LEVELS = ("-2", "-1", "0", "1", "2")
GOAL_FIELDS = (
    "text",
    "status",
    "target_date",
    "category",
    "supported_by",
    "gas_levels",
    "gas_baseline",
)
CHANGE_REASONS = [r for r in GoalEvent.Reason.values if r != GoalEvent.Reason.CREATED]


def _code(code_id, code_list: str, field: str, errors: dict, *, parent: Code | None = None):
    if code_id in (None, ""):
        return None
    code = code_id if isinstance(code_id, Code) else Code.objects.filter(pk=code_id).first()
    if code is None or code.code_list != code_list or (parent and code.parent_id != parent.pk):
        errors[field] = _("Choose from the list.")
        return None
    return code


def _goal_state(goal: Goal) -> dict:
    return snapshot(goal, GOAL_FIELDS)


@transaction.atomic
def plan_get_or_create(*, actor, citizen) -> Plan:
    """The citizen's plan, made on the first write: the plan page and the API call this for
    every write to a plan (inside the write's transaction, so that a refused write through
    the API leaves no empty plan)."""
    plan = Plan.objects.filter(citizen=citizen).first()
    if plan is None:
        plan = audited_create(
            actor=actor,
            model=Plan,
            data={"citizen": citizen},
            tracked=("citizen",),
            citizen=citizen,
        )
    return plan


UNCHANGED = object()


@transaction.atomic
def plan_update(
    *,
    actor,
    plan: Plan,
    expected_version: int,
    own_effort: str,
    citizen_comments: str,
    made_on: dt.date | None | object = UNCHANGED,
    next_review: dt.date | None | object = UNCHANGED,
) -> Plan:
    """Changes the citizen's own effort and comments, with `made_on` the day the plan was
    made (None: from its first goal), and with `next_review` the day the plan is next to be
    followed up (None: none set)."""
    data = {"own_effort": own_effort.strip(), "citizen_comments": citizen_comments.strip()}
    errors: dict = {}
    if made_on is not UNCHANGED:
        errors |= day_errors(made_on, born=plan.citizen.birth_date, field="made_on")
        data["made_on"] = made_on
    if next_review is not UNCHANGED:
        errors |= next_review_errors(next_review, born=plan.citizen.birth_date)
        data["next_review"] = next_review
    if errors:
        raise ValidationError(errors)
    return audited_update(
        actor=actor,
        instance=plan,
        expected_version=expected_version,
        data=data,
        tracked=("own_effort", "citizen_comments", "made_on", "next_review"),
        citizen=plan.citizen,
    )


REVIEW_YEARS_AHEAD = 5


def _years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def next_review_errors(day: dt.date | None, *, born: dt.date | None) -> dict:
    """The plan's next review: any day from the citizen's birth (a day that has passed is an
    overdue review) to five years ahead."""
    if day is None:
        return {}
    if born is not None and day < born:
        return {"next_review": [_("The date cannot be before the citizen's birth.")]}
    if day > _years_after(dt.date.today(), REVIEW_YEARS_AHEAD):
        return {"next_review": [_("The next review cannot be more than five years ahead.")]}
    return {}


def _validate_gas(levels: dict | None, baseline, errors: dict) -> dict:
    levels = {k: (v or "").strip() for k, v in (levels or {}).items() if k in GAS_LEVELS}
    if any(levels.values()) or baseline is not None:
        if not all(levels.get(k) for k in GAS_LEVELS):
            errors["gas_levels"] = _("Describe all five levels, from -2 to +2.")
        if baseline is not None and str(baseline) not in GAS_LEVELS:
            errors["gas_baseline"] = _("Choose a level from -2 to +2.")
        return levels
    return {}


def _touch_plan(plan: Plan) -> None:
    Plan.objects.filter(pk=plan.pk).update(revised_at=timezone.now())


@transaction.atomic
def goal_create(
    *,
    actor,
    plan: Plan,
    text: str,
    parent: Goal | None = None,
    is_end_goal: bool = False,
    category=None,
    supported_by: str = "",
    target_date: dt.date | None = None,
    gas_levels: dict | None = None,
    gas_baseline: int | None = None,
    note: str = "",
    meeting: Meeting | None = None,
    at: dt.datetime | None = None,
) -> Goal:
    """Formulates an end goal (`is_end_goal`), a sub-goal under an end goal of the same plan,
    or a sub-goal on its own (neither): a plan may have steps before it has an end goal."""
    errors: dict = {}
    if not text.strip():
        errors["text"] = _("Write the goal in the citizen's words.")
    if is_end_goal and parent is not None:
        errors["parent"] = _("An end goal does not hang under another goal.")
    elif parent is not None and (parent.plan_id != plan.pk or not parent.is_end_goal):
        errors["parent"] = _("A sub-goal must hang under an end goal of the same plan.")
    code = _code(category, CodeList.END_GOAL_CATEGORY, "category", errors)
    if is_end_goal and code is None and "category" not in errors:
        errors["category"] = _("Choose the end goal's category.")
    if supported_by and supported_by not in Supporter.values:
        errors["supported_by"] = _("Choose from the list.")
    levels = _validate_gas(gas_levels, gas_baseline, errors)
    if errors:
        raise ValidationError(errors)
    when = at or timezone.now()
    goal = audited_create(
        actor=actor,
        model=Goal,
        data={
            "plan": plan,
            "parent": parent,
            "is_end_goal": is_end_goal,
            "text": text.strip(),
            "category": code,
            "supported_by": supported_by,
            "target_date": target_date,
            "gas_levels": levels,
            "gas_baseline": gas_baseline,
            "created_at": when,
        },
        tracked=GOAL_FIELDS,
        citizen=plan.citizen,
    )
    GoalEvent.objects.create(
        goal=goal,
        at=when,
        actor=actor,
        reason=GoalEvent.Reason.CREATED,
        note=note,
        changes=_goal_state(goal),
        meeting=meeting,
    )
    _touch_plan(plan)
    return goal


@transaction.atomic
def goal_change(
    *,
    actor,
    goal: Goal,
    expected_version: int,
    reason: str,
    note: str = "",
    meeting: Meeting | None = None,
    at: dt.datetime | None = None,
    gas_level: int | None = None,
    **changes,
) -> Goal:
    """Changes a goal's text, status, target date, category or supporter, or rates its GAS
    level at a follow-up. Exactly one event records it, with the reason; nothing else."""
    current = lock_for_update(goal, expected_version=expected_version, related=["plan__citizen"])
    errors: dict = {}
    if reason not in CHANGE_REASONS:
        errors["reason"] = _("Give the reason for the change.")
    unknown = set(changes) - {"text", "status", "target_date", "category", "supported_by"}
    if unknown:
        errors["changes"] = _("Unknown field.")
    if "text" in changes and not (changes["text"] or "").strip():
        errors["text"] = _("Write the goal in the citizen's words.")
    if "status" in changes and changes["status"] not in Goal.Status.values:
        errors["status"] = _("Choose from the list.")
    if (
        "supported_by" in changes
        and changes["supported_by"]
        and (changes["supported_by"] not in Supporter.values)
    ):
        errors["supported_by"] = _("Choose from the list.")
    if "category" in changes:
        changes["category"] = _code(
            changes["category"], CodeList.END_GOAL_CATEGORY, "category", errors
        )
    if meeting is not None and meeting.plan_id != current.plan_id:
        errors["meeting"] = _("The meeting belongs to another plan.")
    if gas_level is not None and (str(gas_level) not in GAS_LEVELS or not current.gas_levels):
        errors["gas_level"] = _("Rate a goal scaled in five levels, from -2 to +2.")
    if errors:
        raise ValidationError(errors)
    data = {f: v.strip() if isinstance(v, str) else v for f, v in changes.items()}
    proposed = copy.copy(current)
    for field, value in data.items():
        setattr(proposed, field, value)
    before, after = _goal_state(current), _goal_state(proposed)
    changed = {k: v for k, v in after.items() if before.get(k) != v}
    if gas_level is not None:
        changed["gas_level"] = int(gas_level)
    if not changed:
        raise ValidationError({"changes": _("Nothing was changed.")})
    audited_update(
        actor=actor,
        instance=current,
        expected_version=None,
        data=data,
        tracked=GOAL_FIELDS,
        citizen=current.plan.citizen,
        lock=False,
        touch=True,  # a GAS rating alone changes no field: its event holds it
    )
    GoalEvent.objects.create(
        goal=current,
        at=at or timezone.now(),
        actor=actor,
        reason=reason,
        note=note,
        changes=changed,
        meeting=meeting,
    )
    _touch_plan(current.plan)
    return current


def _hours(value, field: str, errors: dict):
    if value in (None, ""):
        return None
    try:
        hours = Decimal(str(value).replace(",", "."))
    except InvalidOperation:
        errors[field] = _("Write the hours as a number.")
        return None
    if not Decimal(0) <= hours <= Decimal(48):
        errors[field] = _("Weekly hours are from 0 to 48.")
        return None
    return hours


ACTIVITY_FIELDS = (
    "sector",
    "kind",
    "purpose",
    "delivered_by",
    "start_date",
    "end_date",
    "weekly_hours",
    "company_mentor",
    "company",
    "mentor_contact",
    "result",
    "next_step",
)


def _company_errors(
    data: dict, errors: dict, *, actor, plan: Plan, kind, company_id_before: int | None
) -> None:
    """The company side of an activity: a job consultant writes company-oriented types only;
    a company only for a company-oriented type, of the citizen's organisation's register, not
    retired when the placement is made there (a placement made before it retired stays); its
    mentor a contact person of that company. A named mentor makes `company_mentor` true."""
    if kind is not None and not activity_type_allowed(actor, kind.code):
        errors["kind"] = _(
            "Type: a job consultant records company-oriented activities only "
            "(internships, wage subsidy, company visits)."
        )
    # Read again from the database: whether the company is retired is as it is now.
    company, contact = data.get("company"), data.get("mentor_contact")
    if company is not None:
        company_id = getattr(company, "pk", company)
        company = data["company"] = Company.objects.filter(pk=company_id).first()
        if company is None:
            errors["company"] = _("Company: choose a company of your organisation's register.")
    if contact is not None:
        contact_id = getattr(contact, "pk", contact)
        contact = data["mentor_contact"] = CompanyContact.objects.filter(pk=contact_id).first()
        if contact is None:
            errors["mentor_contact"] = _(
                "Company mentor: choose a contact person of the activity's company."
            )
            return
    if company is not None:
        if kind is not None and not is_company_oriented(kind.code):
            errors["company"] = _(
                "Company: only a company-oriented activity (an internship, a job with wage "
                "subsidy, a company visit) is placed at a company."
            )
        elif company.organisation_id != plan.citizen.home_organisation_id:
            errors["company"] = _("Company: choose a company of your organisation's register.")
        elif not company.is_active and company.pk != company_id_before:
            errors["company"] = _(
                "Company: %(name)s has been retired from the register; no new placement is "
                "made there."
            ) % {"name": company.name}
    if contact is not None:
        if company is None or contact.company_id != company.pk:
            errors["mentor_contact"] = _(
                "Company mentor: choose a contact person of the activity's company."
            )
        else:
            data["company_mentor"] = True


def _validate_activity(data: dict, errors: dict) -> dict:
    sector = _code(data.get("sector"), CodeList.ACTIVITY_SECTOR, "sector", errors)
    kind = None
    if sector is not None:
        parent = Code.objects.filter(
            code_list=CodeList.ACTIVITY_TYPE, parent=None, code=sector.code
        ).first()
        kind = _code(data.get("kind"), CodeList.ACTIVITY_TYPE, "kind", errors, parent=parent)
        if kind is None and "kind" not in errors:
            errors["kind"] = _("Choose the type of activity.")
        elif "kind" in errors:
            errors["kind"] = _("This type of activity does not belong to the sector.")
    elif "sector" not in errors:
        errors["sector"] = _("Choose the sector.")
    if not (data.get("purpose") or "").strip():
        errors["purpose"] = _("Write the purpose of the activity.")
    start, end = data.get("start_date"), data.get("end_date")
    if start is None:
        errors["start_date"] = _("Give the start date.")
    elif period := period_errors(start, end):
        errors["end_date"] = period["end_date"][0]
    if data.get("result") and data["result"] not in Activity.Result.values:
        errors["result"] = _("Choose from the list.")
    hours = _hours(data.get("weekly_hours"), "weekly_hours", errors)
    return {
        **data,
        "sector": sector,
        "kind": kind,
        "weekly_hours": hours,
        "purpose": (data.get("purpose") or "").strip(),
    }


def _activity_values(cleaned: dict) -> dict:
    """The activity's fields from the cleaned data, a field left out at its default."""
    return {
        k: cleaned.get(k)
        if cleaned.get(k) is not None
        else Activity._meta.get_field(k).get_default()
        for k in ACTIVITY_FIELDS
    }


@transaction.atomic
def activity_create(*, actor, plan: Plan, goals=(), **data) -> Activity:
    errors: dict = {}
    cleaned = _validate_activity(data, errors)
    _company_errors(
        cleaned, errors, actor=actor, plan=plan, kind=cleaned["kind"], company_id_before=None
    )
    goal_list = list(goals)
    if any(g.plan_id != plan.pk for g in goal_list):
        errors["goals"] = _("Choose goals of this plan.")
    if errors:
        raise ValidationError(errors)
    activity = audited_create(
        actor=actor,
        model=Activity,
        data={"plan": plan, **_activity_values(cleaned)},
        tracked=ACTIVITY_FIELDS,
        citizen=plan.citizen,
        related=lambda created: created.goals.set(goal_list),
    )
    _touch_plan(plan)
    return activity


@transaction.atomic
def activity_update(*, actor, activity: Activity, expected_version: int, **data) -> Activity:
    current = lock_for_update(
        activity, expected_version=expected_version, related=["plan__citizen"]
    )
    errors: dict = {}
    merged = {k: getattr(current, k) for k in ACTIVITY_FIELDS} | data
    merged["weekly_hours"] = data.get("weekly_hours", current.weekly_hours)
    if not activity_type_allowed(actor, current.kind.code):
        errors["kind"] = _(
            "Type: a job consultant records company-oriented activities only "
            "(internships, wage subsidy, company visits)."
        )
    cleaned = _validate_activity(merged, errors)
    _company_errors(
        cleaned,
        errors,
        actor=actor,
        plan=current.plan,
        kind=cleaned["kind"],
        company_id_before=current.company_id,
    )
    if errors:
        raise ValidationError(errors)
    audited_update(
        actor=actor,
        instance=current,
        expected_version=None,
        data=_activity_values(cleaned),
        tracked=ACTIVITY_FIELDS,
        citizen=current.plan.citizen,
        lock=False,
        touch=True,  # as before the helper: an update without a change still counts a version
    )
    _touch_plan(current.plan)
    return current


@transaction.atomic
def activity_follow_up(
    *,
    actor,
    activity: Activity,
    expected_version: int,
    end_date: dt.date | None,
    result: str,
    next_step: str,
    hours_from: dt.date | None = None,
    hours=None,
) -> Activity:
    """What came of an activity (its end, result and next step) and, when given, a change of
    its weekly hours from a date (today when only the hours are given): one action on the
    plan page, one transaction."""
    current = activity_update(
        actor=actor,
        activity=activity,
        expected_version=expected_version,
        end_date=end_date,
        result=result,
        next_step=next_step,
    )
    if hours_from or hours:
        activity_hours_change(
            actor=actor,
            activity=current,
            from_date=hours_from or dt.date.today(),
            weekly_hours=hours,
        )
    return current


@transaction.atomic
def activity_hours_change(
    *, actor, activity: Activity, from_date: dt.date, weekly_hours
) -> HoursChange:
    errors: dict = {}
    hours = _hours(weekly_hours, "weekly_hours", errors)
    if hours is None and "weekly_hours" not in errors:
        errors["weekly_hours"] = _("Write the hours as a number.")
    if from_date < activity.start_date:
        errors["from_date"] = _("The change cannot be before the activity starts.")
    if errors:
        raise ValidationError(errors)
    return audited_create(
        actor=actor,
        model=HoursChange,
        data={"activity": activity, "from_date": from_date, "weekly_hours": hours},
        tracked=("from_date", "weekly_hours"),
        citizen=activity.plan.citizen,
    )


class NeedsConfirmation(ValidationError):
    """A booking that is allowed but asks first: its time has passed, or a participant has
    another booked meeting at the same time. The caller asks the user, who may book it
    anyway (`confirm=True`)."""


# A booked meeting without an end is taken to last this long when overlaps are looked for.
MEETING_DEFAULT_LENGTH = dt.timedelta(hours=1)
MEETING_TRACKED = (
    "kind",
    "status",
    "date",
    "start_time",
    "end_time",
    "place",
    "citizen_attended",
    "notes",
    "notes_internal",
    "assessment",
)


def _meeting_kind(kind, errors: dict):
    kind_code = _code(kind, CodeList.MEETING_KIND, "kind", errors)
    if kind_code is None and "kind" not in errors:
        errors["kind"] = _("Choose the kind of meeting.")
    return kind_code


def _meeting_participants(participants, errors: dict) -> list[tuple]:
    """Each participant a role from the code list and a user or a name; a user listed once
    (their first line), and a role given without a person is dropped where a person is listed
    in that role already (the recorder's own role, ticked on the form, is not listed twice)."""
    cleaned = []
    for number, participant in enumerate(participants, start=1):
        role = _code(
            participant.get("role"), CodeList.PARTICIPANT_ROLE, f"participant_{number}", errors
        )
        if role is None:
            errors.setdefault(f"participant_{number}", _("Choose the participant's role."))
        cleaned.append((role, participant.get("user"), (participant.get("name") or "").strip()))
    users, with_person, kept = set(), set(), []
    for role, user, name in cleaned:
        if user is not None:
            if user.pk in users:
                continue
            users.add(user.pk)
        if user is not None or name:
            with_person.add(getattr(role, "pk", None))
        kept.append((role, user, name))
    once, result = set(), []
    for role, user, name in kept:
        if user is None and not name:
            role_id = getattr(role, "pk", None)
            if role_id in with_person or role_id in once:
                continue
            once.add(role_id)
        result.append((role, user, name))
    return result


def _participant_rows(meeting: Meeting, cleaned: list[tuple]) -> None:
    MeetingParticipant.objects.bulk_create(
        [
            MeetingParticipant(
                meeting=meeting, role=role, user=user, name=name or (str(user) if user else "")
            )
            for role, user, name in cleaned
        ]
    )


def _meeting_state(meeting: Meeting) -> dict:
    """What the change history keeps of a meeting: its fields and who takes part (roles)."""
    state = snapshot(meeting, MEETING_TRACKED)
    state["kind"] = meeting.kind.code if meeting.kind_id else None
    state["participants"] = [
        p.role.code for p in meeting.participants.select_related("role").order_by("pk")
    ]
    state["participant_users"] = [
        p.user_id for p in meeting.participants.order_by("pk") if p.user_id is not None
    ]
    return state


def meeting_notes_errors(*, actor, plan: Plan, notes: str, notes_internal: bool) -> dict:
    """Who writes internal notes of a meeting (recorded or completed): a job consultant's
    notes are shared with the citizen, and so are those of an authority the case is shared
    with."""
    if not (notes_internal and notes.strip()):
        return {}
    if not may_write_internal_notes(actor):
        return {
            "notes_internal": _(
                "Internal notes: a job consultant's notes are shared with the citizen; "
                "record them as not internal."
            )
        }
    if not may_write_internal_notes(actor, plan.citizen):
        return {
            "notes_internal": _(
                "Internal notes are the home organisation's: in a shared case, record the notes "
                "as not internal."
            )
        }
    return {}


def meeting_time_errors(
    *, date: dt.date | None, start_time: dt.time | None, end_time: dt.time | None
) -> dict:
    """A booked meeting has a day and a start; its end, when given, after its start."""
    errors: dict = {}
    if date is None:
        errors["date"] = _("Give the day of the meeting.")
    if start_time is None:
        errors["start_time"] = _("Give the time the meeting starts.")
    elif end_time is not None and end_time <= start_time:
        errors["end_time"] = _("The meeting must end after it starts.")
    return errors


def _clock(value: dt.time) -> str:
    return formats.time_format(value, "TIME_FORMAT")


def _span(day: dt.date, start: dt.time, end: dt.time | None) -> tuple[dt.datetime, dt.datetime]:
    begins = dt.datetime.combine(day, start)
    if end:
        return begins, dt.datetime.combine(day, end)
    # Not past the day's end (nor the calendar's).
    return begins, min(begins + MEETING_DEFAULT_LENGTH, dt.datetime.combine(day, dt.time.max))


def meeting_booking_warnings(
    *,
    actor,
    date: dt.date,
    start_time: dt.time,
    end_time: dt.time | None,
    users: list,
    exclude: Meeting | None = None,
) -> dict:
    """What a booking asks first: a time that has passed, and another booked meeting of the
    booker or a participant user at the same time (named by the person and the time, not by
    the other citizen, whom the booker may not see)."""
    warnings: dict = {}
    now = timezone.localtime()
    if date < now.date() or (date == now.date() and start_time < now.time()):
        warnings["date"] = _(
            "The meeting's time has passed. Book it anyway, or choose a later time."
        )
    people = {u.pk: u for u in [actor, *users] if u is not None}
    begins, ends = _span(date, start_time, end_time)
    others = (
        Meeting.objects.filter(
            status=Meeting.Status.BOOKED,
            date=date,
            start_time__isnull=False,
            participants__user_id__in=list(people),
        )
        .exclude(pk=getattr(exclude, "pk", None))
        .prefetch_related("participants")
        .distinct()
        .order_by("start_time", "id")
    )
    clashes = []
    for other in others:
        other_begins, other_ends = _span(other.date, other.start_time, other.end_time)
        if other_begins < ends and begins < other_ends:
            for participant in other.participants.all():
                if participant.user_id in people:
                    person = people.pop(participant.user_id)
                    clashes.append(
                        _("%(person)s has another meeting booked from %(start)s to %(end)s.")
                        % {
                            "person": person.get_full_name() or person.get_username(),
                            "start": _clock(other_begins.time()),
                            "end": _clock(other_ends.time()),
                        }
                    )
    if clashes:
        warnings["start_time"] = " ".join([*clashes, _("Book it anyway, or choose another time.")])
    return warnings


def _ask_first(warnings: dict, confirm: bool) -> None:
    if warnings and not confirm:
        raise NeedsConfirmation(warnings)


@transaction.atomic
def meeting_book(
    *,
    actor,
    plan: Plan,
    kind,
    date: dt.date,
    start_time: dt.time | None,
    end_time: dt.time | None = None,
    place: str = "",
    participants: list[dict] = (),
    confirm: bool = False,
) -> Meeting:
    """Books a meeting ahead: day, time, place and who takes part (each a role and a user or a
    name). Asks first (`NeedsConfirmation`) when its time has passed or a participant user, or
    the booker, has another booked meeting at the same time; `confirm` books it anyway."""
    errors: dict = {}
    kind_code = _meeting_kind(kind, errors)
    errors |= meeting_time_errors(date=date, start_time=start_time, end_time=end_time)
    cleaned = _meeting_participants(participants, errors)
    if errors:
        raise ValidationError(errors)
    _ask_first(
        meeting_booking_warnings(
            actor=actor,
            date=date,
            start_time=start_time,
            end_time=end_time,
            users=[user for _r, user, _n in cleaned if user is not None],
        ),
        confirm,
    )
    meeting = audited_create(
        actor=actor,
        model=Meeting,
        data={
            "plan": plan,
            "kind": kind_code,
            "status": Meeting.Status.BOOKED,
            "date": date,
            "start_time": start_time,
            "end_time": end_time,
            "place": (place or "").strip(),
            "notes": "",
            "recorded_by": actor,
        },
        tracked=_meeting_state,
        citizen=plan.citizen,
        related=lambda created: _participant_rows(created, cleaned),
    )
    _touch_plan(plan)
    return meeting


def _booked(meeting: Meeting, errors: dict) -> None:
    if meeting.status != Meeting.Status.BOOKED:
        errors["status"] = _("Only a booked meeting is changed, completed or cancelled.")


@transaction.atomic
def meeting_update(
    *,
    actor,
    meeting: Meeting,
    expected_version: int,
    kind=UNCHANGED,
    date: dt.date | object = UNCHANGED,
    start_time: dt.time | None | object = UNCHANGED,
    end_time: dt.time | None | object = UNCHANGED,
    place: str | object = UNCHANGED,
    participants: list[dict] | object = UNCHANGED,
    confirm: bool = False,
) -> Meeting:
    """Changes a booked meeting: moves it, its place, its kind, who takes part. Asks first as
    `meeting_book` does when the new time has passed or overlaps."""
    current = lock_for_update(meeting, expected_version=expected_version, related=["plan__citizen"])
    errors: dict = {}
    _booked(current, errors)
    kind_code = current.kind if kind is UNCHANGED else _meeting_kind(kind, errors)
    date = current.date if date is UNCHANGED else date
    start_time = current.start_time if start_time is UNCHANGED else start_time
    end_time = current.end_time if end_time is UNCHANGED else end_time
    place = current.place if place is UNCHANGED else (place or "").strip()
    errors |= meeting_time_errors(date=date, start_time=start_time, end_time=end_time)
    cleaned = None
    if participants is not UNCHANGED:
        cleaned = _meeting_participants(participants, errors)
    if errors:
        raise ValidationError(errors)
    users = (
        [user for _r, user, _n in cleaned if user is not None]
        if cleaned is not None
        else [p.user for p in current.participants.select_related("user") if p.user_id]
    )
    moved = (date, start_time, end_time) != (current.date, current.start_time, current.end_time)
    if moved or cleaned is not None:
        _ask_first(
            meeting_booking_warnings(
                actor=actor,
                date=date,
                start_time=start_time,
                end_time=end_time,
                users=users,
                exclude=current,
            ),
            confirm,
        )

    def participants_anew(instance: Meeting) -> None:
        if cleaned is not None:
            instance.participants.all().delete()
            _participant_rows(instance, cleaned)

    audited_update(
        actor=actor,
        instance=current,
        expected_version=None,
        data={
            "kind": kind_code,
            "date": date,
            "start_time": start_time,
            "end_time": end_time,
            "place": place,
        },
        tracked=_meeting_state,
        citizen=current.plan.citizen,
        lock=False,
        related=participants_anew,
    )
    _touch_plan(current.plan)
    return current


@transaction.atomic
def meeting_complete(
    *,
    actor,
    meeting: Meeting,
    expected_version: int,
    citizen_attended: bool,
    notes: str = "",
    notes_internal: bool = True,
    assessment=None,
) -> Meeting:
    """A booked meeting held: what came of it, on or after its day. It is then among the
    plan's held meetings, its notes that are not internal shown on the plan and in the red
    thread."""
    current = lock_for_update(meeting, expected_version=expected_version, related=["plan__citizen"])
    errors: dict = {}
    _booked(current, errors)
    if current.date > timezone.localdate():
        errors["date"] = _("A meeting is completed when it has been held, on its day or later.")
    if assessment is not None and assessment.citizen_id != current.plan.citizen_id:
        errors["assessment"] = _("The assessment belongs to another citizen.")
    errors |= meeting_notes_errors(
        actor=actor, plan=current.plan, notes=notes, notes_internal=notes_internal
    )
    if errors:
        raise ValidationError(errors)
    audited_update(
        actor=actor,
        instance=current,
        expected_version=None,
        data={
            "status": Meeting.Status.HELD,
            "citizen_attended": citizen_attended,
            "notes": notes.strip(),
            "notes_internal": notes_internal,
            "assessment": assessment,
        },
        tracked=_meeting_state,
        citizen=current.plan.citizen,
        lock=False,
    )
    _touch_plan(current.plan)
    return current


@transaction.atomic
def meeting_cancel(*, actor, meeting: Meeting, expected_version: int) -> Meeting:
    """A booked meeting that will not be held: kept, marked cancelled."""
    current = lock_for_update(meeting, expected_version=expected_version, related=["plan__citizen"])
    errors: dict = {}
    _booked(current, errors)
    if errors:
        raise ValidationError(errors)
    audited_update(
        actor=actor,
        instance=current,
        expected_version=None,
        data={"status": Meeting.Status.CANCELLED},
        tracked=_meeting_state,
        citizen=current.plan.citizen,
        lock=False,
    )
    _touch_plan(current.plan)
    return current


@transaction.atomic
def meeting_record(
    *,
    actor,
    plan: Plan,
    kind,
    date: dt.date,
    citizen_attended: bool,
    notes: str = "",
    notes_internal: bool = True,
    participants: list[dict] = (),
    assessment=None,
    start_time: dt.time | None = None,
    end_time: dt.time | None = None,
    place: str = "",
) -> Meeting:
    """Records a meeting that has been held, with who took part: each participant a role from
    the code list and a user or a name; its time and place when known."""
    errors: dict = {}
    kind_code = _meeting_kind(kind, errors)
    if date > dt.date.today():
        errors["date"] = _("A meeting is recorded when it has been held.")
    if start_time and end_time and end_time <= start_time:
        errors["end_time"] = _("The meeting must end after it starts.")
    cleaned = _meeting_participants(participants, errors)
    if assessment is not None and assessment.citizen_id != plan.citizen_id:
        errors["assessment"] = _("The assessment belongs to another citizen.")
    errors |= meeting_notes_errors(
        actor=actor, plan=plan, notes=notes, notes_internal=notes_internal
    )
    if errors:
        raise ValidationError(errors)
    meeting = audited_create(
        actor=actor,
        model=Meeting,
        data={
            "plan": plan,
            "kind": kind_code,
            "status": Meeting.Status.HELD,
            "date": date,
            "start_time": start_time,
            "end_time": end_time,
            "place": (place or "").strip(),
            "citizen_attended": citizen_attended,
            "notes": notes.strip(),
            "notes_internal": notes_internal,
            "assessment": assessment,
            "recorded_by": actor,
        },
        tracked=lambda _meeting: {
            "kind": kind_code.code,
            "date": str(date),
            "participants": [r.code for r, _u, _n in cleaned],
        },
        citizen=plan.citizen,
        related=lambda created: _participant_rows(created, cleaned),
    )
    _touch_plan(plan)
    return meeting


@transaction.atomic
def mentor_assign(
    *,
    actor,
    plan: Plan,
    kind,
    start_date: dt.date,
    name: str = "",
    user=None,
    end_date: dt.date | None = None,
    tasks=(),
) -> Mentor:
    errors: dict = {}
    kind_code = _code(kind, CodeList.MENTOR_KIND, "kind", errors)
    if kind_code is None and "kind" not in errors:
        errors["kind"] = _("Choose the kind of mentor.")
    if not name.strip() and user is None:
        errors["name"] = _("Give the mentor's name.")
    if period := period_errors(start_date, end_date):
        errors["end_date"] = period["end_date"][0]
    task_codes = [_code(t, CodeList.MENTOR_TASK, "tasks", errors) for t in tasks]
    if errors:
        raise ValidationError(errors)
    mentor = audited_create(
        actor=actor,
        model=Mentor,
        data={
            "plan": plan,
            "kind": kind_code,
            "name": name.strip() or (user.get_full_name() or user.username),
            "user": user,
            "start_date": start_date,
            "end_date": end_date,
        },
        tracked=lambda created: {
            "kind": kind_code.code,
            "name": created.name,
            "start_date": str(start_date),
        },
        citizen=plan.citizen,
        related=lambda created: created.tasks.set([t for t in task_codes if t is not None]),
    )
    _touch_plan(plan)
    return mentor


PLAN_ROLE_FIELDS = ("role", "user", "name", "task")


def _plan_role_values(*, role, user, name: str, task: str, errors: dict) -> dict:
    code = _code(role, CodeList.PARTICIPANT_ROLE, "role", errors)
    if code is None and "role" not in errors:
        errors["role"] = _("Choose the role.")
    if not name.strip() and user is None:
        errors["name"] = _("Give the name of the one who does it.")
    if not task.strip():
        errors["task"] = _("Write what they do.")
    return {
        "role": code,
        "user": user,
        "name": name.strip() or (user.get_full_name() or user.username if user else ""),
        "task": task.strip(),
    }


@transaction.atomic
def plan_role_assign(*, actor, plan: Plan, role, task: str, name: str = "", user=None) -> PlanRole:
    """Adds one line of who does what to the plan: a person in a role, and their task."""
    errors: dict = {}
    values = _plan_role_values(role=role, user=user, name=name, task=task, errors=errors)
    if errors:
        raise ValidationError(errors)
    plan_role = audited_create(
        actor=actor,
        model=PlanRole,
        data={"plan": plan, **values},
        tracked=PLAN_ROLE_FIELDS,
        citizen=plan.citizen,
    )
    _touch_plan(plan)
    return plan_role


@transaction.atomic
def plan_role_change(
    *,
    actor,
    plan_role: PlanRole,
    expected_version: int | None,
    role,
    task: str,
    name: str = "",
    user=None,
) -> PlanRole:
    errors: dict = {}
    values = _plan_role_values(role=role, user=user, name=name, task=task, errors=errors)
    if errors:
        raise ValidationError(errors)
    version = plan_role.version
    changed = audited_update(
        actor=actor,
        instance=plan_role,
        expected_version=expected_version,
        data=values,
        tracked=PLAN_ROLE_FIELDS,
        citizen=plan_role.plan.citizen,
    )
    if changed.version != version:
        _touch_plan(plan_role.plan)
    return changed


@transaction.atomic
def plan_role_remove(*, actor, plan_role: PlanRole, expected_version: int | None) -> None:
    """Takes a line of who does what off the plan; the change history keeps what it said."""
    current = lock_for_update(
        plan_role, expected_version=expected_version, related=["plan__citizen"]
    )
    change_record_write(
        actor=actor,
        instance=current,
        kind=ChangeRecord.Kind.DELETE,
        before=snapshot(current, PLAN_ROLE_FIELDS),
        after=None,
        citizen=current.plan.citizen,
    )
    current.delete()
    _touch_plan(current.plan)


STATUTORY_PLAN_FIELDS = ("kind", "label", "made_on", "has_priority")


def statutory_plan_errors(*, kind: str, label: str, made_on, born: dt.date | None) -> dict:
    """Another plan of the citizen's: a kind from the list, a name for another kind of plan,
    and its date, which has passed."""
    errors: dict = {}
    if kind not in StatutoryPlan.Kind.values:
        errors["kind"] = [_("Choose the kind of plan.")]
    elif kind == StatutoryPlan.Kind.OTHER and not label.strip():
        errors["label"] = [_("Give the name of the plan.")]
    if made_on is None:
        errors["made_on"] = [_("Give the plan's date.")]
    else:
        errors |= day_errors(made_on, born=born, field="made_on")
    return errors


def _priority_clear(*, actor, plan: Plan, keep: StatutoryPlan | None = None) -> None:
    """Takes the priority from the plan's other plans, each a change of its own (the caller
    holds the plan's lock, so two plans are never given priority at once)."""
    others = StatutoryPlan.objects.select_for_update().filter(plan=plan, has_priority=True)
    if keep is not None:
        others = others.exclude(pk=keep.pk)
    for other in others:
        audited_update(
            actor=actor,
            instance=other,
            expected_version=None,
            data={"has_priority": False},
            tracked=STATUTORY_PLAN_FIELDS,
            citizen=plan.citizen,
            lock=False,
        )


def _plan_locked(plan_id: int) -> Plan:
    """The plan's row, locked until the transaction ends: the writes of its other plans take
    it first, so that the one with priority is chosen one at a time."""
    return Plan.objects.select_for_update().select_related("citizen").get(pk=plan_id)


@transaction.atomic
def statutory_plan_add(
    *,
    actor,
    plan: Plan,
    kind: str,
    made_on: dt.date | None,
    label: str = "",
    has_priority: bool = False,
) -> StatutoryPlan:
    """Records another plan the citizen has (a job plan, an education plan, a § 141 action
    plan, ...) with its date; given priority, it takes it from the one that had it."""
    plan = _plan_locked(plan.pk)
    errors = statutory_plan_errors(
        kind=kind, label=label, made_on=made_on, born=plan.citizen.birth_date
    )
    if errors:
        raise ValidationError(errors)
    if has_priority:
        _priority_clear(actor=actor, plan=plan)
    statutory_plan = audited_create(
        actor=actor,
        model=StatutoryPlan,
        data={
            "plan": plan,
            "kind": kind,
            "label": label.strip(),
            "made_on": made_on,
            "has_priority": bool(has_priority),
        },
        tracked=STATUTORY_PLAN_FIELDS,
        citizen=plan.citizen,
    )
    _touch_plan(plan)
    return statutory_plan


@transaction.atomic
def statutory_plan_prioritise(
    *, actor, statutory_plan: StatutoryPlan, expected_version: int | None
) -> StatutoryPlan:
    """Gives one of the citizen's other plans priority over the rest."""
    plan = _plan_locked(statutory_plan.plan_id)
    current = lock_for_update(statutory_plan, expected_version=expected_version)
    if current.has_priority:
        return current
    _priority_clear(actor=actor, plan=plan, keep=current)
    changed = audited_update(
        actor=actor,
        instance=current,
        expected_version=None,
        data={"has_priority": True},
        tracked=STATUTORY_PLAN_FIELDS,
        citizen=plan.citizen,
        lock=False,
    )
    _touch_plan(plan)
    return changed


@transaction.atomic
def statutory_plan_remove(
    *, actor, statutory_plan: StatutoryPlan, expected_version: int | None
) -> None:
    """Takes a record of another plan off the plan; the change history keeps what it said."""
    plan = _plan_locked(statutory_plan.plan_id)
    current = lock_for_update(statutory_plan, expected_version=expected_version)
    change_record_write(
        actor=actor,
        instance=current,
        kind=ChangeRecord.Kind.DELETE,
        before=snapshot(current, STATUTORY_PLAN_FIELDS),
        after=None,
        citizen=plan.citizen,
    )
    current.delete()
    _touch_plan(plan)


@transaction.atomic
def plan_close(*, actor, plan: Plan, on: dt.date) -> int:
    """Ends the plan's running activities and mentors on a date (an exit); returns how many.
    Activities and mentors that start after the date end on their start date."""
    closed = 0
    running = Q(end_date__isnull=True) | Q(end_date__gt=on)
    # The rows are locked here (lock=False below); activities count versions, mentors do not.
    for row in [
        *plan.activities.select_for_update().filter(running),
        *plan.mentors.select_for_update().filter(running),
    ]:
        audited_update(
            actor=actor,
            instance=row,
            expected_version=None,
            data={"end_date": max(on, row.start_date)},
            tracked=("end_date",),
            citizen=plan.citizen,
            lock=False,
            touch=True,
        )
        closed += 1
    if closed:
        _touch_plan(plan)
    return closed


def _exit_group(citizen) -> str:
    """The first-level group code of the exit reason of the citizen's latest enrolment, blank
    if none (read through the reverse relation: programmes stand above plans)."""
    enrolment = (
        citizen.enrolments.select_related("exit_reason__parent")
        .order_by("-start_date", "-id")
        .first()
    )
    if enrolment is None or enrolment.exit_reason is None:
        return ""
    reason = enrolment.exit_reason
    return reason.parent.code if reason.parent_id else reason.code


@transaction.atomic
def case_review_grade(
    *,
    actor,
    citizen,
    red_thread: str,
    goals: str,
    job_focus: str,
    involvement: str,
    red_thread_comment: str = "",
    goals_comment: str = "",
    job_focus_comment: str = "",
    involvement_comment: str = "",
    path: str = "",
) -> CaseReview:
    """A reviewer's grades of a case of the case review. Only a manager may grade, and only a
    case of their own organisation (the review page's rule, `citizens_in_scope(case_review=
    True)`); otherwise a ValidationError and nothing written. The review names the case by its
    review number only and copies the exit group; the read of the case is access-logged (the
    review holds no case data of the citizen, so it writes no change record)."""
    if (
        not is_manager(actor)
        or not citizens_in_scope(actor, case_review=True).filter(pk=citizen.pk).exists()
    ):
        raise ValidationError(_("You may only grade cases of your own organisation."))
    errors = {}
    for field, value in (
        ("red_thread", red_thread),
        ("goals", goals),
        ("job_focus", job_focus),
        ("involvement", involvement),
    ):
        if value not in dict(CaseReview._meta.get_field(field).choices):
            errors[field] = _("Choose a grade.")
    if errors:
        raise ValidationError(errors)
    review = CaseReview.objects.create(
        organisation_id=actor.organisation_id,
        case_number=case_review_number(citizen.pk),
        reviewer=actor,
        reviewed_at=timezone.now(),
        red_thread=red_thread,
        red_thread_comment=red_thread_comment.strip(),
        goals=goals,
        goals_comment=goals_comment.strip(),
        job_focus=job_focus,
        job_focus_comment=job_focus_comment.strip(),
        involvement=involvement,
        involvement_comment=involvement_comment.strip(),
        exit_group=_exit_group(citizen),
    )
    access_log_write(
        user=actor,
        action=AccessAction.CREATE,
        citizen=citizen,
        path=path,
        purpose=_("Case review grading"),
    )
    return review


SUGGESTION_FIELDS = ("vacancy_id", "suggested_on", "outcome")


@transaction.atomic
def vacancy_suggest(
    *, actor, plan: Plan, vacancy, suggested_on: dt.date | None = None
) -> VacancySuggestion:
    """An open position of a company in the organisation's register, suggested to the citizen
    (seed 004), recorded on the plan."""
    day = suggested_on or dt.date.today()
    errors: dict = {}
    if vacancy is not None:  # as it is now: open or filled, its company active or retired
        vacancy = Vacancy.objects.select_related("company").filter(pk=vacancy.pk).first()
    if vacancy is None:
        errors["vacancy"] = _("Open position: choose a position from the list.")
    elif (
        not vacancy.is_open
        or not vacancy.company.is_active
        or vacancy.company.organisation_id != plan.citizen.home_organisation_id
    ):
        errors["vacancy"] = _(
            "Open position: choose an open position of an active company of your register."
        )
    elif VacancySuggestion.objects.filter(plan=plan, vacancy=vacancy).exists():
        errors["vacancy"] = _("Open position: it has already been suggested to the citizen.")
    if day > dt.date.today():
        errors["suggested_on"] = _("Date: a suggestion is recorded when it has been made.")
    if errors:
        raise ValidationError(errors)
    suggestion = audited_create(
        actor=actor,
        model=VacancySuggestion,
        data={"plan": plan, "vacancy": vacancy, "suggested_by": actor, "suggested_on": day},
        tracked=SUGGESTION_FIELDS,
        citizen=plan.citizen,
    )
    _touch_plan(plan)
    return suggestion


@transaction.atomic
def vacancy_suggestion_outcome(
    *,
    actor,
    suggestion: VacancySuggestion,
    outcome: str,
    expected_version: int | None = None,
) -> VacancySuggestion:
    """What came of a suggested position: applied, got it, or not taken up. With
    `expected_version`, StaleVersion when the suggestion changed since it was read."""
    if outcome not in VacancySuggestion.Outcome.values:
        raise ValidationError({"outcome": _("Outcome: choose from the list.")})
    current = lock_for_update(
        suggestion, expected_version=expected_version, related=["plan__citizen"]
    )
    changed = audited_update(
        actor=actor,
        instance=current,
        expected_version=None,
        data={"outcome": outcome},
        tracked=SUGGESTION_FIELDS,
        citizen=current.plan.citizen,
        lock=False,
    )
    _touch_plan(current.plan)
    return changed
