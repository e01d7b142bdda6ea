"""Builders for tests: organisations, people and citizens with valid CPR numbers."""

import datetime as dt
import itertools

from fremdrift.accounts.models import Organisation, Role, User
from fremdrift.accounts.services import organisation_create, user_create
from fremdrift.citizens import services as citizen_services
from fremdrift.citizens.models import Citizen
from fremdrift.codelists.models import Code, CodeList
from fremdrift.instruments.models import Instrument
from fremdrift.portal import services as portal_services
from fremdrift.portal import views as portal_views
from fremdrift.programmes.defaults import KVIK_MILESTONES
from fremdrift.programmes.services import programme_create
from fremdrift.signin.second_factor import PENDING

_serials = itertools.count(1000)


def make_cpr(born: dt.date = dt.date(1990, 3, 14), *, female: bool = True) -> str:
    """A valid CPR number for `born`, unique within the test run."""
    serial = next(_serials)
    seventh = "0" if born.year < 2000 else "4"
    last = (serial % 5) * 2 + (0 if female else 1)
    return f"{born:%d%m%y}{seventh}{serial % 100:02d}{last}"


def target_group(code: str = "activity_ready_cash_benefit") -> Code:
    return Code.objects.get(code_list=CodeList.TARGET_GROUP, code=code, parent=None)


def make_organisation(name: str, kind: str = Organisation.Kind.AUTHORITY) -> Organisation:
    return organisation_create(name=name, kind=kind)


def make_user(username: str, organisation: Organisation, role: Role | str) -> User:
    return user_create(
        username=username,
        password=None,
        organisation=organisation,
        role=role,
        first_name=username.capitalize(),
        last_name="Testsen",
    )


def make_citizen(
    caseworker: User,
    *,
    first_name: str = "Karen",
    last_name: str = "Blixen",
    cpr: str | None = None,
    born: dt.date = dt.date(1990, 3, 14),
) -> Citizen:
    return citizen_services.citizen_create(
        actor=caseworker,
        first_name=first_name,
        last_name=last_name,
        cpr=cpr or make_cpr(born),
        home_organisation=caseworker.organisation,
        responsible_caseworker=caseworker,
        target_group=target_group(),
    )


def make_programme(
    organisation: Organisation,
    *,
    name: str = "KVIK",
    actor: User | None = None,
    milestones: list[dict] | None = None,
    price: str = "40000",
    start_date: dt.date = dt.date(2020, 1, 1),
):
    """A programme following the adult wheel every 14 days, with KVIK's milestones."""
    from decimal import Decimal

    return programme_create(
        actor=actor,
        organisation=organisation,
        name=name,
        start_date=start_date,
        price=Decimal(price),
        instruments=[(Instrument.objects.get(code="adult_wheel"), 14)],
        milestones=KVIK_MILESTONES if milestones is None else milestones,
    )


def signed_in(client, user):
    """`client` signed in as `user` by password, past the second factor (the second factor's
    own tests sign in through the pages)."""
    client.force_login(user, backend="fremdrift.accounts.backends.PersonBackend")
    session = client.session
    session.pop(PENDING, None)
    session.save()
    return client


def citizen_signed_in(client, citizen):
    """`client` as the citizen after the citizen sign-in (the session holds the keyed hash of
    their CPR number; the sign-in itself is tested against the identity provider)."""
    client.logout()
    session = client.session
    session[portal_views.SESSION_KEY] = citizen.cpr_hash
    session.save()
    return client


def make_invitation(actor, citizen, *, instrument_code: str = "adult_wheel", **kwargs):
    """A self-assessment link for `citizen` to the published version of the instrument;
    returns the invitation and the link's token."""
    version = Instrument.objects.get(code=instrument_code).versions.get(status="published")
    made = portal_services.self_assessment_invitation_create(
        actor=actor, citizen=citizen, version=version, **kwargs
    )
    return made.invitation, made.token
