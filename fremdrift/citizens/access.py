"""Which citizens a user reaches, and what they may do with a citizen's case: the one place of
the scope rule (`citizens_in_scope`) and of every predicate about a case, each by name, read
or read-write in the name (as Healthchecks' `_get_check_for_user` / `_get_rw_check_for_user`).
The role predicates that concern no citizen are `accounts.access`."""

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from fremdrift.accounts.access import (
    is_active_member,
    is_administrator,
    is_caseworker,
    is_job_consultant,
    is_manager,
    is_provider_staff,
)
from fremdrift.codelists.company import COMPANY_ORIENTED_TYPES
from fremdrift.instruments.models import Purpose

from .models import Citizen

# `referrals.models.Referral.Status.ACTIVE`. The referrals app stands above this one (a referral
# names a citizen), so the scope rule reads referrals through the citizen's relation.
REFERRAL_ACTIVE = "active"


def active_referral(*, on: dt.date | None = None, through: str = "") -> Q:
    """A referral active on a day (by default today): what lets provider staff see a citizen.
    `through` is the path to the referral, such as "referrals__" from a citizen."""
    day = on or dt.date.today()
    return Q(**{f"{through}status": REFERRAL_ACTIVE, f"{through}start_date__lte": day}) & (
        Q(**{f"{through}end_date__isnull": True}) | Q(**{f"{through}end_date__gte": day})
    )


def active_case_share(*, on: dt.date | None = None, through: str = "") -> Q:
    """A case share (`CaseShare`) active on a day (by default today): within its period and
    not ended. `through` is the path to the share, such as "case_shares__" from a citizen."""
    day = on or dt.date.today()
    return Q(**{f"{through}ended_at__isnull": True, f"{through}start_date__lte": day}) & (
        Q(**{f"{through}end_date__isnull": True}) | Q(**{f"{through}end_date__gte": day})
    )


def _shared_with(user) -> Exists:
    """The citizen has a case share with the user's organisation active today."""
    return Exists(
        Citizen.objects.filter(
            active_case_share(through="case_shares__")
            & Q(pk=OuterRef("pk"), case_shares__shared_with_id=user.organisation_id)
        )
    )


def citizens_in_scope(
    user, *, to_change: bool = False, case_review: bool = False
) -> QuerySet[Citizen]:
    """The citizens `user` may see, or with `to_change` may change.

    Caseworkers see and change their organisation's citizens, and those whose case another
    authority shares with their organisation while the share is active (`CaseShare`: the plan
    with caseworker rights; the predicates below keep the home organisation's own parts);
    job consultants see their organisation's citizens;
    provider staff see citizens referred to their organisation while the referral is active.
    Managers see no individual citizen, except in a case review (`case_review`): the red thread
    of their organisation's citizens under a case number, never with a name or CPR number.
    Administrators see no individual citizen.
    """
    citizens = Citizen.objects.all()
    if not is_active_member(user):
        return citizens.none()
    if is_caseworker(user):
        return citizens.filter(Q(home_organisation_id=user.organisation_id) | _shared_with(user))
    if is_job_consultant(user) and not to_change:
        return citizens.filter(home_organisation_id=user.organisation_id)
    if is_provider_staff(user) and not to_change:
        referred = Citizen.objects.filter(
            active_referral(through="referrals__")
            & Q(pk=OuterRef("pk"), referrals__provider_id=user.organisation_id)
        )
        return citizens.filter(Exists(referred))
    if is_manager(user) and case_review and not to_change:
        return citizens.filter(home_organisation_id=user.organisation_id)
    return citizens.none()


def citizen_get(
    user, citizen_id: int, *, to_change: bool = False, case_review: bool = False
) -> Citizen:
    """A citizen in scope, or 404: one outside the scope looks like one that does not exist."""
    try:
        return (
            citizens_in_scope(user, to_change=to_change, case_review=case_review)
            .select_related("home_organisation", "responsible_caseworker", "target_group")
            .get(pk=citizen_id)
        )
    except Citizen.DoesNotExist:
        raise Http404 from None


def may_change_citizen(user, citizen: Citizen) -> bool:
    """The citizen's basic record, referrals, enrolments and participant profile: the home
    organisation's caseworkers. An authority the case is shared with works on the plan only
    (`may_change_plan`)."""
    return (
        citizens_in_scope(user, to_change=True)
        .filter(pk=citizen.pk, home_organisation_id=user.organisation_id)
        .exists()
    )


def is_shared_with(user, citizen: Citizen) -> bool:
    """`citizen`'s case is shared today with the user's organisation, which is not its home."""
    return (
        is_active_member(user)
        and user.organisation_id != citizen.home_organisation_id
        and citizen.case_shares.filter(
            active_case_share(), shared_with_id=user.organisation_id
        ).exists()
    )


def may_share_case(user, citizen: Citizen) -> bool:
    """Sharing a case with another authority, and ending the share: the caseworkers of the
    citizen's home organisation."""
    return is_active_member(user) and _home_caseworker(user, citizen.home_organisation_id)


def may_import_case_share(user, citizen: Citizen) -> bool:
    """An exchange package's shares of the citizen's case (`case_shares.csv`) are recorded by
    the administrator of the home organisation who imports the package (`case_share_create`
    with `imported=True`); the pages and the API ask `may_share_case`."""
    return (
        is_active_member(user)
        and is_administrator(user)
        and user.organisation_id == citizen.home_organisation_id
    )


def _works_on_case(user, citizen: Citizen) -> bool:
    """Caseworkers who may change the citizen, the caseworkers of an authority the case is
    shared with (the plan, goals, activities, meetings, mentors, assessments), and provider
    staff who see them."""
    if is_provider_staff(user):
        return citizens_in_scope(user).filter(pk=citizen.pk).exists()
    if is_caseworker(user):
        return citizens_in_scope(user, to_change=True).filter(pk=citizen.pk).exists()
    return may_change_citizen(user, citizen)


def _home_caseworker(user, home_organisation_id: int) -> bool:
    return is_caseworker(user) and user.organisation_id == home_organisation_id


def may_reveal_cpr(user, citizen: Citizen) -> bool:
    """The full CPR number is for the caseworkers of the citizen's home organisation only,
    who must contact other authorities with it; everyone else works with the masked one.
    A citizen without a CPR number has none to reveal."""
    return citizen.has_cpr and _home_caseworker(user, citizen.home_organisation_id)


def may_export_subject_access(user, citizen: Citizen) -> bool:
    """The subject-access export (GDPR art. 15) holds everything about the citizen, the full
    CPR number and who read their data: the home organisation, the data controller, answers the
    request, through its caseworkers."""
    return is_active_member(user) and _home_caseworker(user, citizen.home_organisation_id)


def may_read_meeting_notes(user, *, home_organisation_id: int, internal: bool) -> bool:
    """Of a meeting the user sees (the caller has it from the user's scope): internal notes
    are the home organisation's caseworkers' own, never read by job consultants, managers,
    provider staff or the caseworkers of an authority the case is shared with (not even
    internal notes they wrote themselves: a meeting carries no organisation of its own, so
    the rule stays on the safe side; they write their notes shared with the citizen);
    notes shared with the citizen are read by everyone who sees the meeting
    but provider staff, with whom a referral shares the plan, not the meetings' notes."""
    if internal:
        return _home_caseworker(user, home_organisation_id)
    return not is_provider_staff(user)


def may_record_assessment(user, citizen: Citizen) -> bool:
    return _works_on_case(user, citizen)


# The purposes provider staff may fill in on the general assessment pages when the programme a
# citizen is referred to has such an instrument. Progression stays on the referral (its focus
# items); the participant profile is the caseworkers'; fidelity describes a unit, never a citizen.
PROVIDER_PURPOSES = (Purpose.OBSERVATION, Purpose.SATISFACTION, Purpose.RESOURCE_PROFILE)


def may_record_programme_instrument(user, citizen: Citizen, instrument) -> bool:
    """Who records and reads assessments of `instrument` for `citizen` on the general
    assessment pages. The citizen's caseworkers: every instrument but fidelity (a unit's, see
    `programmes.FidelityAssessment`; the participant profile has its own predicate). Provider
    staff: only an instrument of a programme the citizen is referred to their organisation
    for, while the referral is active, and only a survey, observation or resource profile."""
    if instrument.purpose == Purpose.FIDELITY:
        return False
    if not is_provider_staff(user):
        return may_record_assessment(user, citizen)
    if not is_active_member(user) or instrument.purpose not in PROVIDER_PURPOSES:
        return False
    return citizen.referrals.filter(
        active_referral(),
        provider_id=user.organisation_id,
        programme__programme_instruments__instrument_id=instrument.pk,
    ).exists()


def may_record_profile(user, citizen: Citizen) -> bool:
    """The participant profile names the reasons for the match categorisation (mental
    health, addiction): the citizen's caseworkers record and read it; provider staff, with
    whom a referral shares the plan and its focus items, do not."""
    return may_change_citizen(user, citizen)


def may_change_plan(user, citizen: Citizen) -> bool:
    return _works_on_case(user, citizen)


def _home_job_consultant(user, home_organisation_id: int) -> bool:
    return (
        is_active_member(user)
        and is_job_consultant(user)
        and user.organisation_id == home_organisation_id
    )


def is_company_oriented(kind_code: str) -> bool:
    """An activity type a job consultant records (`codelists.company`)."""
    return kind_code in COMPANY_ORIENTED_TYPES


def may_record_company_activity(user, citizen: Citizen) -> bool:
    """Company-oriented activities (internships, wage subsidy, company visits) are recorded by
    who changes the plan and by the job consultants of the citizen's home organisation, who
    handle the company side for the citizens they work with and change nothing else of it."""
    return may_change_plan(user, citizen) or _home_job_consultant(
        user, citizen.home_organisation_id
    )


def may_record_activity(user, citizen: Citizen, kind_code: str) -> bool:
    """An activity of the type `kind_code` (add it, follow it up): who changes the plan, any
    type; a job consultant of the home organisation, a company-oriented type only."""
    if may_change_plan(user, citizen):
        return True
    return is_company_oriented(kind_code) and may_record_company_activity(user, citizen)


def activity_type_allowed(user, kind_code: str) -> bool:
    """The services' own guard on the type (the views and API ask `may_record_activity` for
    the citizen): a job consultant writes company-oriented activities only."""
    return not is_job_consultant(user) or is_company_oriented(kind_code)


def may_record_job_meeting(user, citizen: Citizen) -> bool:
    """Meetings about the job goal: who changes the plan, and the job consultants of the home
    organisation (notes shared with the citizen only, see `may_write_internal_notes`)."""
    return may_record_company_activity(user, citizen)


def may_write_internal_notes(user, citizen: Citizen | None = None) -> bool:
    """Internal notes are the home organisation's caseworkers' (and a provider's own, as
    before); a job consultant, who never reads them, writes none either, nor does the
    caseworker of an authority the case is shared with (given `citizen`)."""
    if is_job_consultant(user):
        return False
    if citizen is not None and is_caseworker(user):
        return user.organisation_id == citizen.home_organisation_id
    return True


def may_name_company_consultant(user, enrolment) -> bool:
    """Who names the job consultant responsible for the company part of an enrolment: the
    caseworkers of the citizen's home organisation."""
    return is_active_member(user) and _home_caseworker(user, enrolment.citizen.home_organisation_id)


def may_end_enrolment(user, enrolment) -> bool:
    """The citizen's caseworkers, and the staff of the programme's own organisation while they
    see the citizen, end enrolments and confirm milestones."""
    if is_provider_staff(user):
        return (
            user.organisation_id == enrolment.programme.organisation_id
            and citizens_in_scope(user).filter(pk=enrolment.citizen_id).exists()
        )
    return may_change_citizen(user, enrolment.citizen)


def may_close_programme(user, programme) -> bool:
    """Closing a programme ends all its active enrolments at once: the staff of the
    programme's own organisation who end its enrolments (provider staff, or an authority's
    caseworkers for its own programme). The closing shows them a count, never a citizen."""
    return (
        is_active_member(user)
        and user.organisation_id == programme.organisation_id
        and (is_provider_staff(user) or is_caseworker(user))
    )


def may_invite_self_assessment(user, citizen: Citizen) -> bool:
    """Who works on the case (the citizen's caseworkers, provider staff on an active referral)
    may hand the citizen a link to answer an instrument alone."""
    return _works_on_case(user, citizen)
