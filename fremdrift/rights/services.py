"""Retention rules, legal holds, the daily list of citizens due for erasure, and erasure itself:
every row about the citizen in every app, the change history's before and after values about
them, and the exchange package's keys for them; in one transaction, so that an erasure
interrupted half-way leaves the citizen whole."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from fremdrift.accounts.access import is_administrator
from fremdrift.assessments.models import Answer, Assessment, CadenceChange, Follow, TargetScore
from fremdrift.audit.models import ChangeRecord
from fremdrift.audit.services import change_record_write
from fremdrift.citizens.models import Citizen
from fremdrift.exchange.models import Entity, SourceKey
from fremdrift.plans.models import (
    Activity,
    Goal,
    GoalEvent,
    HoursChange,
    Meeting,
    MeetingParticipant,
    Mentor,
    Plan,
    PlanRole,
    StatutoryPlan,
    VacancySuggestion,
)
from fremdrift.portal.models import SelfAssessmentInvitation
from fremdrift.programmes.models import Enrolment, MilestoneConfirmation
from fremdrift.referrals.models import FocusItem, Referral

from . import selectors
from .models import ErasureApproval, ErasureCandidate, LegalHold, RetentionRule

MIN_MONTHS, MAX_MONTHS = 6, 240


def _only_administrators(actor) -> None:
    if not is_administrator(actor):
        raise ValidationError({"__all__": _("Only administrators manage retention.")})


@transaction.atomic
def retention_rule_set(*, actor, months_after_close: int) -> RetentionRule:
    """The actor's organisation's rule; a change is a change record."""
    _only_administrators(actor)
    if not MIN_MONTHS <= months_after_close <= MAX_MONTHS:
        raise ValidationError(
            {
                "months_after_close": _("Choose from %(min)d to %(max)d months.")
                % {"min": MIN_MONTHS, "max": MAX_MONTHS}
            }
        )
    rule = (
        RetentionRule.objects.select_for_update()
        .filter(organisation_id=actor.organisation_id)
        .first()
    )
    before = selectors.retention_months(actor.organisation_id)
    if rule is None:
        rule = RetentionRule.objects.create(
            organisation_id=actor.organisation_id,
            months_after_close=months_after_close,
            changed_by=actor,
        )
    else:
        rule.months_after_close, rule.changed_by = months_after_close, actor
        rule.save(update_fields=["months_after_close", "changed_by", "changed_at"])
    change_record_write(
        actor=actor,
        instance=rule,
        kind=ChangeRecord.Kind.UPDATE,
        before={"months_after_close": before},
        after={"months_after_close": months_after_close},
    )
    return rule


def _citizen_of_organisation(actor, citizen_id: int) -> Citizen:
    citizen = selectors.organisation_citizen(
        organisation_id=actor.organisation_id, citizen_id=citizen_id
    )
    if citizen is None:
        raise ValidationError({"citizen": _("Not a citizen of your organisation.")})
    return citizen


@transaction.atomic
def legal_hold_place(*, actor, citizen_id: int, reason: str) -> LegalHold:
    """Keeps the citizen off the erasure list until the hold is lifted."""
    _only_administrators(actor)
    citizen = _citizen_of_organisation(actor, citizen_id)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the citizen's data must be kept.")})
    if LegalHold.objects.filter(citizen=citizen, lifted_at__isnull=True).exists():
        raise ValidationError({"reason": _("The citizen is already under a legal hold.")})
    hold = LegalHold.objects.create(citizen=citizen, reason=reason[:300], placed_by=actor)
    ErasureCandidate.objects.filter(citizen=citizen).delete()
    change_record_write(
        actor=actor,
        instance=hold,
        kind=ChangeRecord.Kind.CREATE,
        before=None,
        after={"reason": hold.reason},
        citizen=citizen,
    )
    return hold


@transaction.atomic
def legal_hold_lift(*, actor, citizen_id: int) -> LegalHold:
    _only_administrators(actor)
    citizen = _citizen_of_organisation(actor, citizen_id)
    hold = (
        LegalHold.objects.select_for_update()
        .filter(citizen=citizen, lifted_at__isnull=True)
        .first()
    )
    if hold is None:
        raise ValidationError({"citizen": _("The citizen is not under a legal hold.")})
    hold.lifted_at, hold.lifted_by = timezone.now(), actor
    hold.save(update_fields=["lifted_at", "lifted_by"])
    change_record_write(
        actor=actor,
        instance=hold,
        kind=ChangeRecord.Kind.UPDATE,
        before={"lifted": False},
        after={"lifted": True},
        citizen=citizen,
    )
    return hold


@transaction.atomic
def erasure_candidates_refresh(*, today: dt.date | None = None) -> tuple[int, int]:
    """The daily job: lists every citizen now due for erasure (keeping the day each was first
    listed) and takes off the list those whose case opened again or who are under a legal
    hold. Returns (listed now, taken off)."""
    today = today or dt.date.today()
    due = {}
    for organisation_id in selectors.organisations_with_citizens():
        for case in selectors.citizens_due(organisation_id=organisation_id, today=today):
            due[case.citizen_id] = case
    taken_off, _count = ErasureCandidate.objects.exclude(citizen_id__in=list(due)).delete()
    listed = {c.citizen_id: c for c in ErasureCandidate.objects.filter(citizen_id__in=list(due))}
    new, changed = [], []
    for citizen_id, case in due.items():
        candidate = listed.get(citizen_id)
        if candidate is None:
            new.append(
                ErasureCandidate(
                    citizen_id=citizen_id,
                    closed_since=case.closed_since,
                    due_on=case.due_on,
                    listed_on=today,
                )
            )
        elif (candidate.closed_since, candidate.due_on) != (case.closed_since, case.due_on):
            candidate.closed_since, candidate.due_on = case.closed_since, case.due_on
            changed.append(candidate)
    ErasureCandidate.objects.bulk_create(new, batch_size=500)
    ErasureCandidate.objects.bulk_update(changed, ["closed_since", "due_on"], batch_size=500)
    return len(due), taken_off


@transaction.atomic
def erasure_approve(*, actor, citizen_ids: list[int], today: dt.date | None = None):
    """Erases the listed citizens of the actor's organisation, all or none: a citizen whose
    case is open again, who is under a legal hold, or who is not yet due refuses the whole
    approval with a message naming them. A citizen another administrator erased meanwhile is
    passed over (erased once). The approval is recorded without the erased data; returns it,
    or None when nothing was left to erase."""
    _only_administrators(actor)
    today = today or dt.date.today()
    citizens = list(
        Citizen.objects.select_for_update()
        .filter(pk__in=citizen_ids, home_organisation_id=actor.organisation_id)
        .order_by("pk")
    )
    if not citizens:
        return None
    due = {
        case.citizen_id
        for case in selectors.citizens_due(
            organisation_id=actor.organisation_id,
            today=today,
            citizen_ids=[c.pk for c in citizens],
        )
    }
    refused = [c for c in citizens if c.pk not in due]
    if refused:
        names = ", ".join(f"{c.full_name} ({c.pk})" for c in refused[:5])
        raise ValidationError(
            {
                "citizens": ngettext(
                    "Not erased: %(names)s has an open case, is under a legal hold or is not "
                    "yet due. Nothing has been erased.",
                    "Not erased: %(names)s have an open case, are under a legal hold or are "
                    "not yet due. Nothing has been erased.",
                    len(refused),
                )
                % {"names": names}
            }
        )
    for citizen in citizens:
        _citizen_erase(citizen)
    return ErasureApproval.objects.create(
        organisation_id=actor.organisation_id, approved_by=actor, erased=len(citizens)
    )


def _citizen_erase(citizen: Citizen) -> None:
    """Deletes every row about the citizen, children before parents."""
    plans = Plan.objects.filter(citizen=citizen)
    goals = Goal.objects.filter(plan__in=plans)
    assessments = Assessment.objects.filter(citizen=citizen)
    referrals = Referral.objects.filter(citizen=citizen)
    enrolments = Enrolment.objects.filter(citizen=citizen)
    rows = {
        Plan: plans,
        Goal: goals,
        GoalEvent: GoalEvent.objects.filter(goal__in=goals),
        Activity: Activity.objects.filter(plan__in=plans),
        Meeting: Meeting.objects.filter(plan__in=plans),
        Mentor: Mentor.objects.filter(plan__in=plans),
        PlanRole: PlanRole.objects.filter(plan__in=plans),
        StatutoryPlan: StatutoryPlan.objects.filter(plan__in=plans),
        VacancySuggestion: VacancySuggestion.objects.filter(plan__in=plans),
        Assessment: assessments,
        Referral: referrals,
        Enrolment: enrolments,
        MilestoneConfirmation: MilestoneConfirmation.objects.filter(enrolment__in=enrolments),
        # Deleted with their parents, named here for their change records.
        Answer: Answer.objects.filter(assessment__in=assessments),
        Follow: Follow.objects.filter(citizen=citizen),
        CadenceChange: CadenceChange.objects.filter(follow__citizen=citizen),
        TargetScore: TargetScore.objects.filter(citizen=citizen),
        FocusItem: FocusItem.objects.filter(referral__in=referrals),
        HoursChange: HoursChange.objects.filter(activity__plan__in=plans),
        MeetingParticipant: MeetingParticipant.objects.filter(meeting__plan__in=plans),
        LegalHold: LegalHold.objects.filter(citizen=citizen),
        ErasureCandidate: ErasureCandidate.objects.filter(citizen=citizen),
        SelfAssessmentInvitation: SelfAssessmentInvitation.objects.filter(citizen=citizen),
    }
    ids = {model: [str(pk) for pk in qs.values_list("pk", flat=True)] for model, qs in rows.items()}
    ids[Citizen] = [str(citizen.pk)]
    history = ChangeRecord.objects.filter(citizen=citizen)
    for model, pks in ids.items():
        if pks:
            history = history | ChangeRecord.objects.filter(
                model=model._meta.label, object_id__in=pks
            )
    history.delete()
    keys = {
        Entity.CITIZEN: Citizen,
        Entity.ASSESSMENT: Assessment,
        Entity.ENROLMENT: Enrolment,
        Entity.REFERRAL: Referral,
        Entity.GOAL: Goal,
        Entity.GOAL_EVENT: GoalEvent,
        Entity.ACTIVITY: Activity,
        Entity.MEETING: Meeting,
        Entity.MENTOR: Mentor,
        Entity.PLAN_ROLE: PlanRole,
        Entity.VACANCY_SUGGESTION: VacancySuggestion,
    }
    for entity, model in keys.items():
        if ids[model]:
            SourceKey.objects.filter(entity=entity, object_id__in=ids[model]).delete()
    SourceKey.objects.filter(  # the shares of the case go with the citizen
        entity=Entity.CASE_SHARE, object_id__in=citizen.case_shares.values("pk")
    ).delete()
    MilestoneConfirmation.objects.filter(enrolment__in=enrolments).delete()
    referrals.delete()
    enrolments.delete()
    GoalEvent.objects.filter(goal__in=goals).delete()
    goals.filter(parent__isnull=False).delete()  # sub-goals before the end goals they hang on
    goals.delete()
    for model in (Meeting, Activity, Mentor, PlanRole, StatutoryPlan, VacancySuggestion):
        model.objects.filter(plan__in=plans).delete()
    plans.delete()
    SelfAssessmentInvitation.objects.filter(citizen=citizen).delete()
    assessments.delete()
    citizen.delete()
