"""Reads of referrals: what a referral shares with the provider, and the focus items with the
starting score beside the caseworker's and the provider's latest scores."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from fremdrift.accounts.access import is_provider_staff
from fremdrift.assessments.models import Answer, Assessment
from fremdrift.citizens.access import active_referral, citizens_in_scope
from fremdrift.instruments.models import InstrumentVersion, Item, Respondent

from .models import FocusItem, Referral


def active_referrals(*, on: dt.date | None = None) -> QuerySet[Referral]:
    """Referrals active on a day (by the rule of `citizens.access.active_referral`)."""
    return Referral.objects.filter(active_referral(on=on))


@dataclass
class FocusRow:
    code: str
    item: Item | None
    starting_score: float
    own: tuple[dt.date, float | None] | None
    provider: tuple[dt.date, float | None] | None
    provider_history: list[tuple[dt.date, float | None]]


def referrals_for(user, citizen) -> list[Referral]:
    """The citizen's referrals that `user` may read: all of them for the citizen's own
    authority; for provider staff only their organisation's active ones."""
    referrals = Referral.objects.filter(citizen=citizen)
    if is_provider_staff(user):
        referrals = active_referrals().filter(citizen=citizen, provider_id=user.organisation_id)
    return list(
        referrals.select_related("provider", "programme", "instrument", "referred_by")
        .prefetch_related(Prefetch("focus_items", queryset=FocusItem.objects.order_by("position")))
        .order_by("-start_date", "-id")
    )


def referred_citizens(user) -> list[Referral]:
    """The active referrals of the citizens `user`'s authority has a case for (the
    caseworker's programme page): the user's own caseload first, then by name."""
    if is_provider_staff(user):
        return []
    referrals = (
        active_referrals()
        .filter(citizen__in=citizens_in_scope(user))
        .select_related("citizen", "programme", "provider")
    )
    return sorted(
        referrals,
        key=lambda r: (
            r.citizen.responsible_caseworker_id != user.pk,
            r.citizen.last_name.casefold(),
            r.citizen.first_name.casefold(),
            r.start_date,
        ),
    )


def shared_referral(user, citizen) -> Referral | None:
    """For provider staff, the active referral through which they see the citizen."""
    if not is_provider_staff(user):
        return None
    referrals = referrals_for(user, citizen)
    return referrals[0] if referrals else None


def focus_rows(referrals: list[Referral]) -> dict[int, list[FocusRow]]:
    """Per referral, its focus items with the starting score, the latest score by the
    authority (caseworker or together with the citizen) and the provider's scores since the
    referral started. Three queries for any number of referrals."""
    with_focus = [r for r in referrals if r.instrument_id]
    if not with_focus:
        return {}
    instrument_ids = {r.instrument_id for r in with_focus}
    items: dict[tuple[int, str], Item] = {
        (item.version.instrument_id, item.code): item
        for item in Item.objects.filter(
            version__instrument_id__in=instrument_ids,
            version__status=InstrumentVersion.Status.PUBLISHED,
        ).select_related("version")
    }
    citizen_ids = {r.citizen_id for r in with_focus}
    answers = (
        Answer.objects.filter(
            assessment__citizen_id__in=citizen_ids,
            assessment__version__instrument_id__in=instrument_ids,
            assessment__status="completed",
            value__isnull=False,
        )
        .filter(
            Q(assessment__respondent=Respondent.PROVIDER)
            # The authority's readings; no referral's starting scores are its latest score.
            | Q(
                assessment__respondent__in=[Respondent.CASEWORKER, Respondent.JOINT],
                assessment__kind=Assessment.Kind.READING,
            )
        )
        .values_list(
            "assessment__citizen_id",
            "assessment__version__instrument_id",
            "assessment__respondent",
            "assessment__recorded_by_organisation_id",
            "assessment__date",
            "item__code",
            "value",
            "assessment_id",
        )
        .order_by("assessment__date", "assessment_id")
    )
    answers = list(answers)
    rows: dict[int, list[FocusRow]] = {}
    for referral in with_focus:
        codes = {f.item_code for f in referral.focus_items.all()}
        own: dict[str, tuple] = {}
        provider: dict[str, list] = {}
        for citizen_id, instrument_id, respondent, org_id, day, code, value, aid in answers:
            if (
                citizen_id != referral.citizen_id
                or instrument_id != referral.instrument_id
                or code not in codes
            ):
                continue
            if respondent == Respondent.PROVIDER:
                if org_id == referral.provider_id and day >= referral.start_date:
                    provider.setdefault(code, []).append((day, value))
            elif aid != referral.starting_assessment_id:
                own[code] = (day, value)
        rows[referral.pk] = [
            FocusRow(
                code=f.item_code,
                item=items.get((referral.instrument_id, f.item_code)),
                starting_score=f.starting_score,
                own=own.get(f.item_code),
                provider=provider[f.item_code][-1] if f.item_code in provider else None,
                provider_history=provider.get(f.item_code, []),
            )
            for f in referral.focus_items.all()
        ]
    return rows


def provider_next_due(referral: Referral, rows: list[FocusRow]) -> dt.date | None:
    """When the provider should score next: the cadence from the latest score, or from the
    start of the referral."""
    if not referral.interval_days:
        return None
    latest = max((row.provider[0] for row in rows if row.provider), default=None)
    return (latest or referral.start_date) + dt.timedelta(days=referral.interval_days)


def referrals_in_scope(user):
    """The referrals `user` may read (the API), by the rule of `referrals_for`: every referral
    of the citizens in scope for the citizen's own authority; for provider staff only their
    organisation's active referrals."""
    referrals = Referral.objects.filter(citizen__in=citizens_in_scope(user))
    if is_provider_staff(user):
        referrals = referrals.filter(
            pk__in=active_referrals().filter(provider_id=user.organisation_id).values("pk")
        )
    return referrals.select_related("instrument").prefetch_related(
        Prefetch("focus_items", queryset=FocusItem.objects.order_by("position", "id"))
    )


def referral_get(user, referral_id: int) -> Referral:
    """A referral in scope, or 404."""
    from django.http import Http404

    found = referrals_in_scope(user).select_related("citizen").filter(pk=referral_id).first()
    if found is None:
        raise Http404
    return found
