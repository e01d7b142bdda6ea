"""Single sign-on in a real browser: from the login page to the organisation's identity
provider (a real OpenID Connect provider on a local port) and back, signed in."""

import copy
import re

import pytest
from playwright.sync_api import expect

from fremdrift.accounts.models import Role
from fremdrift.settings import url_origin
from fremdrift.signin.models import ClaimMapping
from fremdrift.signin.tests.test_single_sign_on import configure, identity_provider, person
from fremdrift.testing import make_organisation

__all__ = ["identity_provider"]  # a fixture

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_caseworker_signs_in_through_the_organisations_login(
    live_server, page, settings, identity_provider
):
    configure(settings, identity_provider)
    # As the settings make the policy from FREMDRIFT_OIDC_ISSUER.
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["form-action"].append(url_origin(identity_provider))
    settings.CONTENT_SECURITY_POLICY = policy
    jobcentre = make_organisation("Jobcenter Ssoby")
    ClaimMapping.objects.create(
        issuer=identity_provider,
        value="sagsbehandlere",
        organisation=jobcentre,
        role=Role.CASEWORKER,
    )
    person(
        identity_provider,
        "mette-sso",
        preferred_username="mette.sso",
        given_name="Mette",
        family_name="Kjær",
        groups=["sagsbehandlere"],
    )
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_test_id("sso").click()
    page.fill("input[name=sub]", "mette-sso")
    page.get_by_role("button", name="Authorize").click()
    expect(page.get_by_test_id("user-name")).to_have_text("Mette Kjær")
    page.get_by_role("button", name="Log ud").click()
    # The provider's session ends too: its sign-out page, with the token as the hint.
    expect(page).to_have_url(re.compile(re.escape(f"{identity_provider}/oauth2/end_session?")))
