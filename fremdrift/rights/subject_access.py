"""The subject-access export (GDPR art. 15): everything Fremdrift holds about one citizen, as
one ZIP the home organisation hands to the citizen.

    rapport.html        a readable report, self-contained (no file or address outside it)
    data/manifest.json  the exchange package (docs/exchange-format.md) with the citizen's rows:
    data/*.csv          the same columns and values as `package_export` writes for them
    data-ekstra/*.csv   what the exchange format does not carry, or carries only in part
    data.json           every CSV file's rows as JSON, by the file's name in the ZIP
    adgangslog.csv      who read the citizen's data, when and why

`subject_access_export` writes one access-log row (action export, the citizen, the purpose)
before it reads, so the export is in its own access log. It reads in a fixed number of
queries, whatever the length of the citizen's history."""

import datetime as dt
import io
import json
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from typing import BinaryIO

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fremdrift.assessments.corrections import answer_text, assessment_corrections, number_text
from fremdrift.assessments.models import Answer, Assessment, Follow, TargetScore
from fremdrift.audit.models import AccessAction, AccessLogEntry, ChangeRecord
from fremdrift.audit.selectors import access_log_search
from fremdrift.audit.services import access_log_write
from fremdrift.citizens.corrections import Correction, citizen_corrections
from fremdrift.citizens.models import Citizen
from fremdrift.citizens.selectors import citizen_cpr
from fremdrift.codelists.models import Code, CodeList
from fremdrift.core.exports import csv_text
from fremdrift.exchange import format as fmt
from fremdrift.exchange.models import Entity
from fremdrift.exchange.services import export_key, package_files_write, package_manifest
from fremdrift.instruments.models import Item
from fremdrift.plans.models import (
    Activity,
    Goal,
    GoalEvent,
    Meeting,
    MeetingParticipant,
    Mentor,
    Plan,
    PlanRole,
    StatutoryPlan,
    Supporter,
    VacancySuggestion,
)
from fremdrift.programmes.models import Enrolment, MilestoneConfirmation
from fremdrift.referrals.models import Referral

FORMAT = "fremdrift-subject-access"
FORMAT_VERSION = 1
REPORT = "rapport.html"
ACCESS_LOG = "adgangslog.csv"
DATA_JSON = "data.json"
PACKAGE = "data/"
EXTRA = "data-ekstra/"


def _spec(name: str, *columns: str) -> fmt.FileSpec:
    return fmt.FileSpec(name, columns, ())


# The tables the exchange format does not carry (or, for goal events and focus items, only in
# part), in its CSV dialect; ids are those of the package's files where the row has one there.
FOLLOWS = _spec("follows.csv", "id", "instrument", "respondent", "start_date", "active", "next_due")
CADENCES = _spec(
    "cadence_changes.csv",
    "id",
    "follow",
    "starts_on",
    "every_days",
    "every_months",
    "steps_days",
    "due_at_start",
)
TARGETS = _spec("target_scores.csv", "id", "instrument", "item", "value", "set_on")
GOAL_HISTORY = _spec("goal_history.csv", "id", "goal", "at", "reason", "note", "changes", "meeting")
HOURS = _spec("hours_changes.csv", "id", "activity", "from_date", "weekly_hours")
PLAN_REVIEW = _spec("plan_review.csv", "next_review")
STATUTORY_PLANS = _spec("statutory_plans.csv", "id", "kind", "label", "made_on", "has_priority")
VACANCY_SUGGESTIONS = _spec(
    "vacancy_suggestions.csv", "id", "company", "position", "suggested_on", "outcome"
)
FOCUS_ITEMS = _spec("focus_items.csv", "id", "referral", "item", "starting_score", "position")
MILESTONES = _spec(
    "milestone_confirmations.csv", "id", "enrolment", "milestone", "label", "reached_on"
)
LEGAL_HOLDS = _spec("legal_holds.csv", "id", "reason", "placed_at", "lifted_at")
CASE_SHARES = _spec(
    "case_shares.csv", "id", "shared_by", "shared_with", "purpose", "start_date", "end_date"
)
ERASURE = _spec("erasure.csv", "case_closed_since", "due_for_erasure_on", "listed_on")
SELF_ASSESSMENT_LINKS = _spec(
    "self_assessment_links.csv",
    "id",
    "instrument",
    "version",
    "made_at",
    "expires_at",
    "used_at",
    "assessment",
    "answers_kept",
)
CORRECTIONS = _spec(
    "corrections.csv", "at", "change", "object", "subject", "field", "before", "after"
)
CHANGES = _spec(
    "change_history.csv",
    "id",
    "at",
    "by",
    "by_role",
    "by_organisation",
    "model",
    "object",
    "kind",
    "before",
    "after",
)
EXTRA_FILES = (
    FOLLOWS,
    CADENCES,
    TARGETS,
    GOAL_HISTORY,
    HOURS,
    PLAN_REVIEW,
    STATUTORY_PLANS,
    VACANCY_SUGGESTIONS,
    CASE_SHARES,
    FOCUS_ITEMS,
    MILESTONES,
    LEGAL_HOLDS,
    ERASURE,
    SELF_ASSESSMENT_LINKS,
    CORRECTIONS,
    CHANGES,
)
ACCESS_LOG_COLUMNS = ("at", "user", "role", "organisation", "action", "purpose")

# What a change record is about, as the report names it.
RECORD_NAMES = {
    "citizens.Citizen": gettext_lazy("Your details"),
    "assessments.Assessment": gettext_lazy("Assessment"),
    "assessments.Follow": gettext_lazy("Questionnaire followed"),
    "assessments.TargetScore": gettext_lazy("Your own target"),
    "plans.Plan": gettext_lazy("Plan"),
    "plans.Goal": gettext_lazy("Goal"),
    "plans.Activity": gettext_lazy("Activity"),
    "plans.HoursChange": gettext_lazy("Hours per week"),
    "plans.Meeting": gettext_lazy("Meeting"),
    "plans.Mentor": gettext_lazy("Mentor"),
    "plans.PlanRole": gettext_lazy("Who does what"),
    "plans.StatutoryPlan": gettext_lazy("Your other plans"),
    "plans.VacancySuggestion": gettext_lazy("Positions suggested to you"),
    "programmes.Enrolment": gettext_lazy("Enrolment"),
    "programmes.MilestoneConfirmation": gettext_lazy("Milestone"),
    "referrals.Referral": gettext_lazy("Referral"),
}

# The values a change record keeps that are no field of the model, by their names.
RECORD_FIELDS = {
    "answers": gettext_lazy("answers"),
    "cpr": gettext_lazy("CPR number"),
    "cpr_fingerprint": "",
    "focus": gettext_lazy("focus items"),
    "cadence_from": gettext_lazy("cadence"),
    "every_days": gettext_lazy("cadence"),
    "every_months": gettext_lazy("cadence"),
    "steps_days": gettext_lazy("cadence"),
    "participants": gettext_lazy("participants"),
    "tasks": gettext_lazy("tasks"),
    "instrument": gettext_lazy("questionnaire"),
    "citizen": "",  # the citizen themselves
    "enrolment": "",  # the milestone's, shown beside it
    "programme": gettext_lazy("programme"),
    "sector": gettext_lazy("sector"),
    "kind": gettext_lazy("kind"),
    "value": gettext_lazy("value"),
    "milestone": gettext_lazy("milestone"),
    "user": gettext_lazy("user"),
    "from_date": gettext_lazy("from"),
    "weekly_hours": gettext_lazy("hours per week"),
    "gas_levels": gettext_lazy("the five levels"),
    "gas_baseline": gettext_lazy("level at the start"),
}


def staff_names_shown() -> bool:
    """The municipality's policy: name the staff who read and changed the data, or only their
    organisation and role (`FREMDRIFT_SUBJECT_ACCESS_STAFF_NAMES`)."""
    return settings.FREMDRIFT_SUBJECT_ACCESS_STAFF_NAMES


@dataclass
class Staff:
    """Who read or changed the data, as the export names them."""

    name: str  # empty where the policy names no staff
    role: str
    organisation: str

    def __str__(self) -> str:
        where = ", ".join(part for part in (self.role, self.organisation) if part)
        if not self.name:
            return where or "–"
        return f"{self.name} ({where})" if where else self.name


def _staff(user, username: str, *, names: bool) -> Staff:
    if user is None:
        return Staff(username if names else "", "", "")
    return Staff(
        (user.get_full_name() or user.username) if names else "",
        str(user.get_role_display()) if user.role else "",
        str(user.organisation) if user.organisation_id else "",
    )


def _person(user, name: str) -> str:
    """A person named in the plan: the user's name, or the name written."""
    if user is not None:
        return user.get_full_name() or user.username
    return name


def _day(value) -> str:
    return formats.date_format(value, "DATE_FORMAT") if value else ""


@dataclass
class SubjectAccess:
    """Everything the report shows and the files hold, read once."""

    citizen: Citizen
    cpr: str
    made_at: dt.datetime
    staff_names: bool
    assessments: list = field(default_factory=list)
    follows: list = field(default_factory=list)
    targets: list = field(default_factory=list)
    plan: Plan | None = None
    goals: list = field(default_factory=list)
    activities: list = field(default_factory=list)
    meetings: list = field(default_factory=list)
    mentors: list = field(default_factory=list)
    plan_roles: list = field(default_factory=list)
    statutory_plans: list = field(default_factory=list)
    vacancy_suggestions: list = field(default_factory=list)
    referrals: list = field(default_factory=list)
    enrolments: list = field(default_factory=list)
    corrections: list[Correction] = field(default_factory=list)
    changes: list = field(default_factory=list)
    access_log: list = field(default_factory=list)


def _items_of(instrument_ids: set[int]) -> dict[tuple[int, str], Item]:
    """The items of the instruments by (instrument, code), from their newest version."""
    items: dict[tuple[int, str], Item] = {}
    for item in (
        Item.objects.filter(version__instrument_id__in=instrument_ids)
        .select_related("version")
        .order_by("version__number")
    ):
        items[(item.version.instrument_id, item.code)] = item
    return items


def _cadence_text(cadence) -> str:
    if cadence.every_days:
        every = _("every %(days)d days") % {"days": cadence.every_days}
    elif cadence.every_months:
        every = _("every %(months)d months") % {"months": cadence.every_months}
    elif cadence.steps_days:
        every = _("after %(days)s days") % {"days": ", ".join(str(d) for d in cadence.steps_days)}
    else:
        every = _("no fixed cadence")
    return _("from %(date)s: %(every)s") % {"date": _day(cadence.starts_on), "every": every}


def _goal_change_lines(event: GoalEvent, categories: dict[int, str]) -> list[str]:
    """A goal event's changes as a person reads them."""
    lines = []
    for key, value in event.changes.items():
        if event.reason == GoalEvent.Reason.CREATED and value in (None, "", {}):
            continue  # a new goal's empty fields were not set
        if key == "text":
            lines.append(_("Goal: %(text)s") % {"text": value})
        elif key == "status" and value:
            lines.append(_("Status: %(status)s") % {"status": Goal.Status(value).label})
        elif key == "target_date":
            shown = _day(dt.date.fromisoformat(value)) if value else "–"
            lines.append(_("Target date: %(date)s") % {"date": shown})
        elif key == "category":
            lines.append(_("Category: %(category)s") % {"category": categories.get(value, "–")})
        elif key == "supported_by":
            supporter = Supporter(value).label if value else "–"
            lines.append(_("Supported by: %(who)s") % {"who": supporter})
        elif key == "gas_level" and value is not None:
            lines.append(_("Level reached: %(level)+d") % {"level": value})
        elif key == "gas_baseline" and value is not None:
            lines.append(_("Level at the start: %(level)+d") % {"level": value})
        elif key == "gas_levels" and value:
            levels = "; ".join(f"{level}: {text}" for level, text in sorted(value.items()))
            lines.append(_("The five levels: %(levels)s") % {"levels": levels})
    return lines


def _field_names(label: str, keys) -> str:
    """The fields a change record names, by their names in the interface where they have one."""
    try:
        model = apps.get_model(label)
    except LookupError:
        return ", ".join(keys)
    names = []
    for key in keys:
        if key in RECORD_FIELDS:
            name = RECORD_FIELDS[key]
        else:
            try:
                name = getattr(model._meta.get_field(key), "verbose_name", key)
            except FieldDoesNotExist:
                name = key
        if name and str(name) not in names:
            names.append(str(name))
    return ", ".join(names)


def _moment(at) -> str:
    return timezone.localtime(at).isoformat(timespec="seconds") if at else ""


def subject_access_read(citizen: Citizen, *, staff_names: bool | None = None) -> SubjectAccess:
    """Everything Fremdrift holds about the citizen, for the report."""
    names = staff_names_shown() if staff_names is None else staff_names
    citizen = (
        Citizen.objects.select_related(
            "home_organisation", "responsible_caseworker", "target_group", "erasure_candidate"
        )
        .prefetch_related(
            "legal_holds",
            "self_assessment_invitations__version__instrument",
            "case_shares__home_organisation",
            "case_shares__shared_with",
        )
        .get(pk=citizen.pk)
    )
    cpr = citizen_cpr(citizen)
    data = SubjectAccess(
        citizen=citizen,
        cpr=cpr.formatted if cpr else "",
        made_at=timezone.now(),
        staff_names=names,
    )

    answers = Prefetch(
        "answers",
        queryset=Answer.objects.select_related("item").order_by("item__position", "item__code"),
    )
    data.assessments = list(
        Assessment.objects.filter(citizen=citizen)
        .select_related("version__instrument", "recorded_by_organisation")
        .prefetch_related(answers)
        .order_by("date", "id")
    )
    for assessment in data.assessments:
        assessment.shown_answers = [
            (a, answer_text(a.item, a.value, a.text, a.dont_know, a.not_relevant, a.codes))
            for a in assessment.answers.all()
        ]
    data.follows = list(
        Follow.objects.filter(citizen=citizen)
        .select_related("instrument")
        .prefetch_related("cadences")
        .order_by("start_date", "id")
    )
    for follow in data.follows:
        follow.cadence_texts = [(c, _cadence_text(c)) for c in follow.cadences.all()]
    data.targets = list(
        TargetScore.objects.filter(citizen=citizen)
        .select_related("instrument")
        .order_by("instrument__code", "item_code")
    )

    data.plan = Plan.objects.filter(citizen=citizen).first()
    if data.plan is not None:
        _read_plan(data)

    data.referrals = list(
        Referral.objects.filter(citizen=citizen)
        .select_related("provider", "programme", "instrument")
        .prefetch_related("focus_items")
        .order_by("start_date", "id")
    )
    data.enrolments = list(
        Enrolment.objects.filter(citizen=citizen)
        .select_related("programme__organisation", "exit_reason__parent")
        .prefetch_related(
            Prefetch(
                "milestone_confirmations",
                queryset=MilestoneConfirmation.objects.select_related("milestone").order_by(
                    "reached_on", "id"
                ),
            )
        )
        .order_by("start_date", "id")
    )
    instrument_ids = {t.instrument_id for t in data.targets} | {
        r.instrument_id for r in data.referrals if r.instrument_id
    }
    items = _items_of(instrument_ids) if instrument_ids else {}
    for target in data.targets:
        item = items.get((target.instrument_id, target.item_code))
        target.item_label = item.label if item else target.item_code
        target.value_text = answer_text(item, target.value)
    for referral in data.referrals:
        referral.shown_focus_items = [
            (
                focus,
                items[(referral.instrument_id, focus.item_code)].label
                if (referral.instrument_id, focus.item_code) in items
                else focus.item_code,
                number_text(focus.starting_score),
            )
            for focus in sorted(referral.focus_items.all(), key=lambda f: (f.position, f.pk))
        ]

    data.corrections = sorted(
        citizen_corrections(citizen) + assessment_corrections(citizen),
        key=lambda c: (c.at, c.record_id),
    )
    by_object = defaultdict(list)
    for correction in data.corrections:
        by_object[correction.object_key].append(correction)
    for assessment in data.assessments:
        assessment.corrections = by_object.get(f"{Assessment._meta.label}:{assessment.pk}", [])

    data.changes = list(
        ChangeRecord.objects.filter(citizen_id=citizen.pk)
        .select_related("actor__organisation")
        .order_by("at", "id")
    )
    for record in data.changes:
        record.by = _staff(record.actor, record.actor_name, names=names)
        record.what = RECORD_NAMES.get(record.model, record.model)
        keys = list((record.after or record.before or {}).keys())
        record.fields = _field_names(record.model, keys)

    data.access_log = list(
        access_log_search(organisation_id=citizen.home_organisation_id, citizen_id=citizen.pk)
    )
    for entry in data.access_log:
        entry.by = (
            Staff(str(_("You yourself")), "", "")
            if entry.by_citizen
            else _staff(entry.user, entry.username, names=names)
        )
    data.access_log.reverse()  # oldest first, as the rest of the report
    return data


def _read_plan(data: SubjectAccess) -> None:
    plan = data.plan
    events = Prefetch(
        "events", queryset=GoalEvent.objects.select_related("meeting__kind").order_by("at", "id")
    )
    goals = list(
        Goal.objects.filter(plan=plan)
        .select_related("category")
        .prefetch_related(events)
        .order_by("created_at", "id")
    )
    categories = {
        code.pk: code.label for code in Code.objects.filter(code_list=CodeList.END_GOAL_CATEGORY)
    }
    for goal in goals:
        goal.history = [(e, _goal_change_lines(e, categories)) for e in goal.events.all()]
    # End goals, each followed by its sub-goals; then the sub-goals without an end goal.
    under = defaultdict(list)
    for goal in goals:
        under[goal.parent_id].append(goal)
    ordered = []
    for goal in under[None]:
        if goal.is_end_goal:
            ordered += [goal, *under[goal.pk]]
    ordered += [g for g in under[None] if not g.is_end_goal]
    data.goals = ordered
    goal_texts = {g.pk: g.text for g in goals}

    data.activities = list(
        Activity.objects.filter(plan=plan)
        .select_related("sector", "kind")
        .prefetch_related("hours_changes", Prefetch("goals", queryset=Goal.objects.only("id")))
        .order_by("start_date", "id")
    )
    for activity in data.activities:
        activity.goal_texts = [goal_texts.get(g.pk, "") for g in activity.goals.all()]
        activity.hours_text = (
            number_text(activity.weekly_hours) if activity.weekly_hours is not None else ""
        )
        activity.hours = [(h, number_text(h.weekly_hours)) for h in activity.hours_changes.all()]
    participants = Prefetch(
        "participants",
        queryset=MeetingParticipant.objects.select_related("role", "user").order_by("id"),
    )
    data.meetings = list(
        Meeting.objects.filter(plan=plan)
        .select_related("kind", "assessment__version__instrument")
        .prefetch_related(participants)
        .order_by("date", "id")
    )
    for meeting in data.meetings:
        meeting.people = [(p, _person(p.user, p.name)) for p in meeting.participants.all()]
    data.mentors = list(
        Mentor.objects.filter(plan=plan)
        .select_related("kind", "user")
        .prefetch_related("tasks")
        .order_by("start_date", "id")
    )
    for mentor in data.mentors:
        mentor.person = _person(mentor.user, mentor.name)
    data.plan_roles = list(
        PlanRole.objects.filter(plan=plan).select_related("role", "user").order_by("id")
    )
    for plan_role in data.plan_roles:
        plan_role.person = _person(plan_role.user, plan_role.name)
    data.statutory_plans = list(StatutoryPlan.objects.filter(plan=plan).order_by("made_on", "id"))
    data.vacancy_suggestions = list(
        VacancySuggestion.objects.filter(plan=plan)
        .select_related("vacancy__company")
        .order_by("suggested_on", "id")
    )


# The files


def _json_text(value) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True)


def _extra_rows(data: SubjectAccess, key) -> dict[fmt.FileSpec, list[dict]]:
    """The rows of the files in data-ekstra/."""
    activity_hours = [(a, h) for a in data.activities for h in a.hours_changes.all()]
    return {
        FOLLOWS: [
            {
                "id": follow.pk,
                "instrument": follow.instrument.code,
                "respondent": follow.respondent,
                "start_date": follow.start_date,
                "active": follow.is_active,
                "next_due": follow.next_due,
            }
            for follow in data.follows
        ],
        CADENCES: [
            {
                "id": cadence.pk,
                "follow": follow.pk,
                "starts_on": cadence.starts_on,
                "every_days": cadence.every_days,
                "every_months": cadence.every_months,
                "steps_days": fmt.LIST_SEPARATOR.join(str(d) for d in cadence.steps_days or ()),
                "due_at_start": cadence.due_at_start,
            }
            for follow in data.follows
            for cadence in follow.cadences.all()
        ],
        TARGETS: [
            {
                "id": target.pk,
                "instrument": target.instrument.code,
                "item": target.item_code,
                "value": target.value,
                "set_on": target.set_on,
            }
            for target in data.targets
        ],
        GOAL_HISTORY: [
            {
                "id": key(Entity.GOAL_EVENT, event.pk),
                "goal": key(Entity.GOAL, goal.pk),
                "at": timezone.localtime(event.at).isoformat(timespec="seconds"),
                "reason": event.reason,
                "note": event.note,
                "changes": _json_text(event.changes),
                "meeting": key(Entity.MEETING, event.meeting_id),
            }
            for goal in data.goals
            for event, _lines in goal.history
        ],
        HOURS: [
            {
                "id": hours.pk,
                "activity": key(Entity.ACTIVITY, activity.pk),
                "from_date": hours.from_date,
                "weekly_hours": hours.weekly_hours,
            }
            for activity, hours in activity_hours
        ],
        PLAN_REVIEW: [
            {"next_review": plan.next_review}
            for plan in [data.plan]
            if plan is not None and plan.next_review is not None
        ],
        STATUTORY_PLANS: [
            {
                "id": other.pk,
                "kind": other.kind,
                "label": other.label,
                "made_on": other.made_on,
                "has_priority": other.has_priority,
            }
            for other in data.statutory_plans
        ],
        VACANCY_SUGGESTIONS: [
            {
                "id": suggestion.pk,
                "company": suggestion.vacancy.company.name,
                "position": suggestion.vacancy.title,
                "suggested_on": suggestion.suggested_on,
                "outcome": suggestion.outcome,
            }
            for suggestion in data.vacancy_suggestions
        ],
        FOCUS_ITEMS: [
            {
                "id": focus.pk,
                "referral": key(Entity.REFERRAL, referral.pk),
                "item": focus.item_code,
                "starting_score": focus.starting_score,
                "position": focus.position,
            }
            for referral in data.referrals
            for focus, _label, _score in referral.shown_focus_items
        ],
        MILESTONES: [
            {
                "id": confirmation.pk,
                "enrolment": key(Entity.ENROLMENT, enrolment.pk),
                "milestone": confirmation.milestone.code,
                "label": confirmation.milestone.label,
                "reached_on": confirmation.reached_on,
            }
            for enrolment in data.enrolments
            for confirmation in enrolment.milestone_confirmations.all()
        ],
        CORRECTIONS: [
            {
                "at": timezone.localtime(c.at).isoformat(timespec="seconds"),
                "change": c.record_id,
                "object": c.object_key,
                "subject": c.subject,
                "field": c.field,
                "before": c.before,
                "after": c.after,
            }
            for c in data.corrections
        ],
        LEGAL_HOLDS: [
            {
                "id": hold.pk,
                "reason": hold.reason,
                "placed_at": timezone.localtime(hold.placed_at).isoformat(timespec="seconds"),
                "lifted_at": timezone.localtime(hold.lifted_at).isoformat(timespec="seconds")
                if hold.lifted_at
                else "",
            }
            for hold in sorted(data.citizen.legal_holds.all(), key=lambda h: h.pk)
        ],
        # Who the case was shared with (art. 15(1)(c): the recipients).
        CASE_SHARES: [
            {
                "id": share.pk,
                "shared_by": share.home_organisation.name,
                "shared_with": share.shared_with.name,
                "purpose": share.purpose,
                "start_date": share.start_date,
                "end_date": share.end_date or "",
            }
            for share in sorted(data.citizen.case_shares.all(), key=lambda s: s.pk)
        ],
        SELF_ASSESSMENT_LINKS: [
            {
                "id": link.pk,
                "instrument": link.version.instrument.code,
                "version": link.version.number,
                "made_at": _moment(link.created_at),
                "expires_at": _moment(link.expires_at),
                "used_at": _moment(link.used_at),
                "assessment": link.assessment_id or "",
                "answers_kept": json.dumps(link.draft, ensure_ascii=False) if link.draft else "",
            }
            for link in sorted(
                data.citizen.self_assessment_invitations.all(), key=lambda link: link.pk
            )
        ],
        ERASURE: [
            {
                "case_closed_since": candidate.closed_since,
                "due_for_erasure_on": candidate.due_on,
                "listed_on": candidate.listed_on,
            }
            for candidate in [getattr(data.citizen, "erasure_candidate", None)]
            if candidate is not None
        ],
        CHANGES: [
            {
                "id": record.pk,
                "at": timezone.localtime(record.at).isoformat(timespec="seconds"),
                "by": record.by.name,
                "by_role": record.by.role,
                "by_organisation": record.by.organisation,
                "model": record.model,
                "object": record.object_id,
                "kind": record.kind,
                "before": _json_text(record.before) if record.before is not None else "",
                "after": _json_text(record.after) if record.after is not None else "",
            }
            for record in data.changes
        ],
    }


def _access_log_rows(data: SubjectAccess) -> list[dict]:
    return [
        {
            "at": timezone.localtime(entry.at).isoformat(timespec="seconds"),
            "user": entry.by.name,
            "role": entry.by.role,
            "organisation": entry.by.organisation,
            "action": str(entry.get_action_display()),
            "purpose": entry.purpose,
        }
        for entry in data.access_log
    ]


def _access_log_csv(rows: list[dict], *, names: bool) -> str:
    """The access log for a person in Excel: local time, headers in their language."""
    headers = {
        "at": _("Time"),
        "user": _("Staff member"),
        "role": _("Role"),
        "organisation": _("Organisation"),
        "action": _("Action"),
        "purpose": _("Purpose"),
    }
    columns = [c for c in ACCESS_LOG_COLUMNS if names or c != "user"]

    def cell(row: dict, column: str) -> str:
        if column == "at":
            return dt.datetime.fromisoformat(row["at"]).strftime("%Y-%m-%d %H:%M:%S")
        return row[column]

    return csv_text([[headers[c] for c in columns], *([cell(r, c) for c in columns] for r in rows)])


def _csv_into(archive: zipfile.ZipFile, name: str, spec: fmt.FileSpec, rows: list[dict]) -> None:
    stream = io.TextIOWrapper(archive.open(name, "w"), encoding="utf-8-sig", newline="")
    writer = fmt.Writer(None, spec, stream=stream)
    for row in rows:
        writer.write(row)
    writer.close()


def subject_access_write(data: SubjectAccess, out: BinaryIO) -> None:
    """The ZIP of `data` into `out`."""
    citizen = data.citizen
    key = export_key(citizen_id=citizen.pk)
    package: dict[fmt.FileSpec, list[dict]] = {}

    def collect(spec: fmt.FileSpec, rows) -> None:
        package[spec] = list(rows)

    package_files_write(collect, key, citizen_id=citizen.pk)
    manifest = package_manifest(spec.name for spec in package)
    extra = _extra_rows(data, key)
    access_log = _access_log_rows(data)
    if not data.staff_names:
        for row in access_log:
            del row["user"]
    files = {PACKAGE + spec.name: rows for spec, rows in package.items()}
    files |= {EXTRA + spec.name: rows for spec, rows in extra.items()}
    report = render_to_string(
        "rights/subject_access_report.html",
        {
            "data": data,
            "citizen": citizen,
            "cpr_details": True,
            "retention_days": settings.FREMDRIFT_ACCESS_LOG_RETENTION_DAYS,
        },
    )
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(REPORT, report)
        archive.writestr(PACKAGE + fmt.MANIFEST, json.dumps(manifest, indent=2) + "\n")
        for spec, rows in package.items():
            _csv_into(archive, PACKAGE + spec.name, spec, rows)
        for spec, rows in extra.items():
            _csv_into(archive, EXTRA + spec.name, spec, rows)
        archive.writestr(
            ACCESS_LOG, _access_log_csv(access_log, names=data.staff_names).encode("utf-8")
        )
        everything = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "made_at": timezone.localtime(data.made_at).isoformat(timespec="seconds"),
            "citizen": key(Entity.CITIZEN, citizen.pk),
            "files": {
                PACKAGE + fmt.MANIFEST: manifest,
                **files,
                ACCESS_LOG: access_log,
            },
        }
        archive.writestr(
            DATA_JSON,
            json.dumps(everything, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1) + "\n",
        )


def subject_access_export(
    *, actor, citizen: Citizen, purpose: str, out: BinaryIO, path: str = ""
) -> AccessLogEntry:
    """Writes the citizen's subject-access export as a ZIP into `out`. The caller has checked
    `citizens.access.may_export_subject_access`. One access-log row records it, with its
    purpose, before anything is read: the export holds its own row."""
    entry = access_log_write(
        user=actor, action=AccessAction.EXPORT, citizen=citizen, purpose=purpose, path=path
    )
    subject_access_write(subject_access_read(citizen), out)
    return entry
