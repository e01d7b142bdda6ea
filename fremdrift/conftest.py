"""Named personas shared by every test (after Healthchecks and Zulip).

Jobcentre Nord has two caseworkers (`caseworker` owns the caseload, `colleague` is a teammate),
a job consultant, a manager and an administrator. Jobcentre Syd has `outsider`, a caseworker
who must never see Nord's citizens. `provider_staff` works at Vækst, to which `citizen` is
referred (active); `other_provider_staff` works at Trivsel, to which nobody is referred.
`ended_citizen` was referred to Vækst, but the referral has ended. `foreign_citizen` belongs
to Jobcentre Syd.
"""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings
from django.utils import translation

from fremdrift.accounts.models import Organisation, Role
from fremdrift.api import services as api_services
from fremdrift.referrals import services as referral_services
from fremdrift.testing import make_citizen, make_organisation, make_user, signed_in


@pytest.fixture(autouse=True, scope="session")
def request_writes_in_the_main_database():
    """On SQLite the access log and the sessions have a file of their own (`audit/routers.py`);
    the tests keep them in the main database, inside each test's transaction, so that query
    counts are the same on SQLite and PostgreSQL.
    `exchange/tests/test_pages_during_an_import.py` tests the file of their own."""
    settings.FREMDRIFT_REQUEST_WRITES_OWN_FILE = False


@pytest.fixture(autouse=True, scope="session")
def cache_of_the_session(tmp_path_factory):
    """Django's cache (files, as in production) in a folder of each test process's own, not
    var/cache/, which a server on this machine and the other test processes use."""
    with override_settings(
        CACHES={
            "default": settings.CACHES["default"]
            | {"LOCATION": str(tmp_path_factory.mktemp("cache"))}
        }
    ):
        yield


@pytest.fixture(autouse=True)
def empty_cache(cache_of_the_session):
    """Each test starts with an empty cache: what it keeps under an id (an organisation's
    headline figures) would otherwise meet the next test's row of the same id."""
    cache.clear()


@pytest.fixture(autouse=True)
def danish_first():
    """Each test starts in the default language: a request with the English cookie leaves
    English active in the test's thread (LocaleMiddleware activates it, nothing resets it),
    and a service's message of the next test in the same process would be English."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def world(db):
    nord = make_organisation("Jobcenter Nord")
    syd = make_organisation("Jobcenter Syd")
    vaekst = make_organisation("Vækst", Organisation.Kind.PROVIDER)
    trivsel = make_organisation("Trivsel", Organisation.Kind.PROVIDER)
    w = SimpleNamespace(nord=nord, syd=syd, vaekst=vaekst, trivsel=trivsel)
    w.caseworker = make_user("caseworker", nord, Role.CASEWORKER)
    w.colleague = make_user("colleague", nord, Role.CASEWORKER)
    w.job_consultant = make_user("consultant", nord, Role.JOB_CONSULTANT)
    w.manager = make_user("manager", nord, Role.MANAGER)
    w.administrator = make_user("administrator", nord, Role.ADMINISTRATOR)
    w.outsider = make_user("outsider", syd, Role.CASEWORKER)
    w.provider_staff = make_user("provider", vaekst, Role.PROVIDER_STAFF)
    w.other_provider_staff = make_user("otherprovider", trivsel, Role.PROVIDER_STAFF)

    w.citizen = make_citizen(w.caseworker, first_name="Karen", last_name="Blixen")
    w.teammates_citizen = make_citizen(w.colleague, first_name="Tove", last_name="Ditlevsen")
    w.ended_citizen = make_citizen(w.caseworker, first_name="Herman", last_name="Bang")
    w.foreign_citizen = make_citizen(w.outsider, first_name="Johannes", last_name="Jensen")

    start = dt.date.today() - dt.timedelta(days=30)
    w.referral = referral_services.referral_create(
        actor=w.caseworker, citizen=w.citizen, provider=vaekst, start_date=start
    )
    ended = referral_services.referral_create(
        actor=w.caseworker, citizen=w.ended_citizen, provider=vaekst, start_date=start
    )
    referral_services.referral_end(actor=w.caseworker, referral=ended)
    return w


@pytest.fixture
def login(client):
    def _login(user):
        return signed_in(client, user)

    return _login


def administrator_of(organisation):
    """The organisation's administrator (Nord's is `world.administrator`; another's is made on
    first use): integration clients and their tokens are their own organisation's."""
    found = organisation.members.filter(role=Role.ADMINISTRATOR).first()
    return found or make_user(f"admin-{organisation.pk}", organisation, Role.ADMINISTRATOR)


@pytest.fixture
def integration_client(world):
    """The integration client that works as `user` would: the same organisation and role (one
    per person, made on first use), optionally narrowed to `scopes`."""
    made = {}

    def _integration_client(user, *, scopes=None):
        if user.kind == user.Kind.SYSTEM:
            return user
        key = (user.pk, tuple(scopes or ()))
        if key not in made:
            made[key] = api_services.integration_client_create(
                actor=administrator_of(user.organisation),
                name=f"Fagsystem {user.username} {len(made) + 1}",
                organisation=user.organisation,
                role=user.role,
                scopes=scopes,
            )
        return made[key]

    return _integration_client


@pytest.fixture
def bearer(world, integration_client):
    """The headers of an API request with a new token of the integration client that works as
    `user` would (`integration_client`)."""

    def _bearer(user, *, scopes=None, **extra):
        fagsystem = integration_client(user, scopes=scopes)
        _token, key = api_services.api_token_issue(
            actor=administrator_of(fagsystem.organisation),
            user=fagsystem,
            name="Fagsystem",
            **extra,
        )
        return {"HTTP_AUTHORIZATION": f"Bearer {key}"}

    return _bearer
