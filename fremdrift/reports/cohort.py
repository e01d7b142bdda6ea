"""The cohort a report covers, chosen by filters within the user's organisation. A cohort is
one of three kinds of group: enrolments in programmes (the programmes the organisation runs,
and its own citizens' enrolments elsewhere), the organisation's own citizens who follow an
instrument (`FOLLOWS`: one unit per follow, measured from the follow's start; seed 001's
citizens who stay at the jobcentre and are scored there), or the citizens whose case another
authority shares with the organisation today (`SHARED`, issue 25 §3: the same units as
`FOLLOWS`, chosen by an active `citizens.CaseShare` instead of the home organisation, as
`citizens_in_scope` chooses them; a share that has ended, or not yet begun, leaves its citizen
out). A citizen counts for their home organisation in the other two groups, shared or not,
and never in another authority's. Every report reads the cohort through the functions
below; a unit's id is an enrolment's or a follow's, and its period runs from its start to
its end (an enrolment's exit; a follow has none, it runs until today)."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, DateField, IntegerField, Q, QuerySet, TextField, Value
from django.db.models.functions import Cast

from fremdrift.accounts.access import may_read_reports
from fremdrift.assessments.models import Answer, Assessment, Follow
from fremdrift.citizens.access import active_case_share
from fremdrift.citizens.models import AGE_BANDS, CaseShare, age_band
from fremdrift.core.cpr import age_on
from fremdrift.programmes.models import Enrolment
from fremdrift.programmes.selectors import enrolment_profiles

from .functions import AgeOn, cursor_rows

AGE_BAND_LABELS = [label for _upper, label in AGE_BANDS] + ["60+"]
# Each band's ages at the enrolment's start: from, and below.
_UPPERS = [upper for upper, _label in AGE_BANDS]
AGE_BAND_LIMITS = dict(
    zip(AGE_BAND_LABELS, zip([0, *_UPPERS], [*_UPPERS, 200], strict=True), strict=True)
)


# A grouping by an item of the participant profile is written `profile:<item code>`.
PROFILE_GROUPS = "profile:"

# The three kinds of group a report covers.
ENROLMENTS = "enrolments"
FOLLOWS = "follows"
SHARED = "shared"
# The groups whose units are follows.
FOLLOW_GROUPS = (FOLLOWS, SHARED)


@dataclass(frozen=True)
class Filters:
    programmes: tuple[int, ...] = ()
    provider: int | None = None
    target_group: int | None = None
    age_band: str = ""
    sex: str = ""
    enrolled_from: dt.date | None = None
    enrolled_to: dt.date | None = None
    # Answers of the participant profile the enrolment must have: (item code, option code).
    profile: tuple[tuple[str, str], ...] = ()
    group: str = ENROLMENTS
    # The instrument followed, for the groups `FOLLOWS` and `SHARED` (None: every follow).
    instrument: int | None = None
    caseworker: int | None = None  # the citizen's responsible caseworker

    @property
    def of_follows(self) -> bool:
        """The units are follows: the organisation's own citizens', or the shared ones'."""
        return self.group in FOLLOW_GROUPS

    @property
    def of_shared(self) -> bool:
        return self.group == SHARED


def age_band_at(birth_date: dt.date, day: dt.date) -> str:
    return age_band(age_on(birth_date, day))


def cohort_units(user, filters: Filters) -> QuerySet:
    """The cohort's enrolments, or with `filters.group` `FOLLOWS` or `SHARED` its follows.
    Both have `citizen_id`, `start_date`, `end_date` and `programme_id` (a follow's end and
    programme are NULL)."""
    if not may_read_reports(user):
        return Enrolment.objects.none()
    if filters.of_follows:
        if filters.of_shared:
            units = Follow.objects.filter(citizen_id__in=shared_citizens(user.organisation_id))
        else:
            units = Follow.objects.filter(citizen__home_organisation_id=user.organisation_id)
        if filters.instrument:
            units = units.filter(instrument_id=filters.instrument)
        units = units.annotate(
            programme_id=Value(None, output_field=IntegerField()),
            end_date=Value(None, output_field=DateField()),
        )
    else:
        units = Enrolment.objects.filter(
            Q(programme__organisation_id=user.organisation_id)
            | Q(citizen__home_organisation_id=user.organisation_id)
        )
        if filters.programmes:
            units = units.filter(programme_id__in=filters.programmes)
        if filters.provider:
            units = units.filter(programme__organisation_id=filters.provider)
    if filters.target_group:
        units = units.filter(citizen__target_group_id=filters.target_group)
    if filters.caseworker:
        units = units.filter(citizen__responsible_caseworker_id=filters.caseworker)
    if filters.sex:
        units = units.filter(citizen__sex=filters.sex)
    if filters.enrolled_from:
        units = units.filter(start_date__gte=filters.enrolled_from)
    if filters.enrolled_to:
        units = units.filter(start_date__lte=filters.enrolled_to)
    for item_code, option_code in filters.profile:
        answering = profiles_answering(item_code, option_code)
        if filters.of_follows:
            # A follow has no profile of its own: its citizen's enrolments have.
            units = units.filter(
                citizen_id__in=Enrolment.objects.filter(profile__in=answering).values("citizen_id")
            )
        else:
            units = units.filter(profile__in=answering)
    if filters.age_band:
        lower, upper = AGE_BAND_LIMITS.get(filters.age_band, (0, 0))
        units = units.annotate(age_at_start=AgeOn("citizen__birth_date", "start_date")).filter(
            age_at_start__gte=lower, age_at_start__lt=upper
        )
    return units


def shared_citizens(organisation_id: int):
    """The citizens whose case another authority shares with the organisation today, as a
    subquery of ids (`citizens.access.active_case_share`, the rule of the caseworkers' scope;
    a share is never with the citizen's home organisation, a database constraint)."""
    return CaseShare.objects.filter(active_case_share(), shared_with_id=organisation_id).values(
        "citizen_id"
    )


def profiles_answering(item_code: str, option_code: str):
    """The participant profiles (assessment ids, a subquery) whose answer to the item holds
    the option. The codes are a JSON list, read as its text on both databases: an option code
    holds no quote, so `"code"` matches that code only."""
    return (
        Answer.objects.annotate(codes_text=Cast("codes", TextField()))
        .filter(item__code=item_code, codes_text__contains=f'"{option_code}"')
        .values("assessment_id")
    )


PROFILE_CHUNK = 10_000  # enrolments per read of their profiles


def cohort_profiles(unit_ids, *, group: str = ENROLMENTS) -> dict[int, dict[str, list[str]]]:
    """`programmes.selectors.enrolment_profiles` for a cohort of any size. The selector binds
    one parameter per enrolment and SQLite takes at most 32,766, so a municipality's cohort
    is read 10,000 enrolments at a time (one query for any smaller cohort). A follow's
    profile is that of its citizen's latest enrolment with one."""
    ids = list(unit_ids)
    if group in FOLLOW_GROUPS:
        return _follow_profiles(ids)
    profiles: dict[int, dict[str, list[str]]] = {}
    for start in range(0, len(ids), PROFILE_CHUNK):
        profiles |= enrolment_profiles(ids[start : start + PROFILE_CHUNK])
    return profiles


def _follow_profiles(follow_ids: list[int]) -> dict[int, dict[str, list[str]]]:
    citizen_of: dict[int, int] = {}
    for start in range(0, len(follow_ids), PROFILE_CHUNK):
        citizen_of |= dict(
            Follow.objects.filter(pk__in=follow_ids[start : start + PROFILE_CHUNK]).values_list(
                "pk", "citizen_id"
            )
        )
    latest: dict[int, int] = {}
    citizens = sorted(set(citizen_of.values()))
    for start in range(0, len(citizens), PROFILE_CHUNK):
        for citizen, enrolment in (
            Enrolment.objects.filter(
                citizen_id__in=citizens[start : start + PROFILE_CHUNK], profile__isnull=False
            )
            .order_by("start_date", "pk")
            .values_list("citizen_id", "pk")
        ):
            latest[citizen] = enrolment
    profiles = cohort_profiles(latest.values())
    return {
        follow: profiles[latest[citizen]]
        for follow, citizen in citizen_of.items()
        if latest.get(citizen) in profiles
    }


def cohort_rows(user, filters: Filters) -> list[tuple]:
    """(unit id, citizen id, programme id, start, end, birth date, sex, target group id)
    of the cohort."""
    return list(
        cohort_units(user, filters).values_list(
            "pk",
            "citizen_id",
            "programme_id",
            "start_date",
            "end_date",
            "citizen__birth_date",
            "citizen__sex",
            "citizen__target_group_id",
        )
    )


def cohort_numbers(user, filters: Filters) -> list[tuple[int, int, int | None, int | None, int]]:
    """(unit id, citizen id, programme id, target group id, responsible caseworker id) of the
    cohort: numbers only, read straight from the cursor, without the ORM's converters (0.1 to
    0.2 s on SQLite for the municipality)."""
    return cursor_rows(
        cohort_units(user, filters)
        .order_by()
        .values_list(
            "pk",
            "citizen_id",
            "programme_id",
            "citizen__target_group_id",
            "citizen__responsible_caseworker_id",
        )
    )


def cohort_citizens(user, filters: Filters):
    """The cohort's citizen ids, as a subquery."""
    return cohort_units(user, filters).values("citizen_id")


def cohort_enrolment_ids(user, filters: Filters):
    """The cohort's enrolment ids, as a subquery; none for a group of follows."""
    if filters.of_follows:
        return Enrolment.objects.none().values("pk")
    return cohort_units(user, filters).values("pk")


def most_used_instrument(user, instruments: QuerySet):
    """Of `instruments`, the one with the most assessments in the user's whole cohort (the
    report's default), or None when none is used."""
    used = (
        Assessment.objects.filter(
            citizen_id__in=cohort_citizens(user, Filters()), version__instrument__in=instruments
        )
        .values("version__instrument")
        .annotate(n=Count("pk"))
        .order_by("-n", "version__instrument")
        .first()
    )
    return instruments.filter(pk=used["version__instrument"]).first() if used else None
