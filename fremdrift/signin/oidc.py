"""OpenID Connect sign-in through mozilla-django-oidc: the authorization-code flow with PKCE,
state and nonce, against the provider named by `OIDC_ISSUER` (its endpoints from the
provider's discovery document). The library's ID-token check is tightened here: the audience,
the issuer and the expiry are verified, which it leaves out."""

import functools
import logging
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings

from fremdrift.accounts.access import is_integration_client

from . import services

security_log = logging.getLogger("fremdrift.security")

DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}


class SignInRefused(Exception):
    """The provider vouched for the person, but Fremdrift gives them no access."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def sso_configured() -> bool:
    return bool(settings.OIDC_ISSUER and settings.OIDC_RP_CLIENT_ID)


@functools.lru_cache(maxsize=4)
def provider_configuration(issuer: str) -> dict:
    """The provider's discovery document, read once per process."""
    response = requests.get(
        issuer.rstrip("/") + "/.well-known/openid-configuration", timeout=settings.OIDC_TIMEOUT
    )
    response.raise_for_status()
    configuration = response.json()
    if str(configuration.get("issuer", "")).rstrip("/") != issuer.rstrip("/"):
        raise ImproperlyConfigured("The provider names another issuer than OIDC_ISSUER.")
    return configuration


def oidc_setting(attr: str, *default):
    """A setting of mozilla-django-oidc; the provider's endpoints come from its discovery
    document unless set explicitly."""
    if attr in DISCOVERED and not getattr(settings, attr, None):
        return provider_configuration(settings.OIDC_ISSUER)[DISCOVERED[attr]]
    return import_from_settings(attr, *default)


def citizen_oidc_setting(attr: str, *default):
    """The same settings for the citizens' sign-in, a client of the citizen identity broker:
    `CITIZEN_OIDC_…` where one is set, the staff sign-in's rules (PKCE, nonce, algorithm)
    otherwise, the endpoints from the broker's discovery document."""
    if attr in DISCOVERED:
        return provider_configuration(settings.CITIZEN_OIDC_ISSUER)[DISCOVERED[attr]]
    if attr == "OIDC_AUTHENTICATION_CALLBACK_URL":
        return "portal:callback"
    own = "CITIZEN_" + attr
    if hasattr(settings, own):
        return getattr(settings, own)
    return import_from_settings(attr, *default)


def citizen_sign_in_configured() -> bool:
    return bool(settings.CITIZEN_OIDC_ISSUER and settings.CITIZEN_OIDC_RP_CLIENT_ID)


class SignInBackend(OIDCAuthenticationBackend):
    def __init__(self, *args, **kwargs):
        # The library reads its settings here; that waits for a sign-in through the provider,
        # so that an installation without single sign-on never asks for them.
        self.UserModel = get_user_model()

    get_settings = staticmethod(oidc_setting)

    @staticmethod
    def issuer() -> str:
        return settings.OIDC_ISSUER

    def authenticate(self, request, **kwargs):
        if "nonce" not in kwargs or not sso_configured():
            return None  # a password sign-in, or no provider configured
        super().__init__()
        return super().authenticate(request, **kwargs)

    def _verify_jws(self, payload, key):
        try:
            algorithm = jwt.get_unverified_header(payload).get("alg")
            if algorithm != self.OIDC_RP_SIGN_ALGO:
                raise jwt.InvalidAlgorithmError(f"{algorithm} is not {self.OIDC_RP_SIGN_ALGO}")
            return jwt.decode(
                payload,
                key,
                algorithms=[algorithm],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=self.issuer().rstrip("/"),
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
                leeway=30,
            )
        except jwt.InvalidTokenError as problem:
            raise SuspiciousOperation(f"The ID token was refused: {problem}") from None

    def retrieve_matching_jwk(self, token):
        """The provider's one signing key for the token: by the key id the token names (as
        Entra ID's do), else the provider's only key for the algorithm."""
        response = requests.get(self.OIDC_OP_JWKS_ENDPOINT, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError as problem:
            raise SuspiciousOperation(f"The ID token was refused: {problem}") from None
        algorithm, key_id = header.get("alg"), header.get("kid")
        keys = [
            key
            for key in response.json().get("keys", [])
            if key.get("alg", algorithm) == algorithm
            and (key_id is None or key.get("kid") == key_id)
        ]
        if len(keys) != 1:
            raise SuspiciousOperation("No single signing key of the provider matches the token.")
        return jwt.PyJWK(keys[0])

    def get_or_create_user(self, access_token, id_token, payload):
        user_info = self.get_userinfo(access_token, id_token, payload)
        if str(user_info.get("sub")) != str(payload.get("sub")):
            raise SuspiciousOperation("The user info is about another subject than the token.")
        outcome = services.sign_in_account_sync(
            issuer=settings.OIDC_ISSUER.rstrip("/"), claims=payload | user_info
        )
        if outcome.user is None:
            security_log.warning("single sign-on refused: %s", outcome.refusal)
            raise SignInRefused(outcome.refusal)
        return outcome.user

    def get_user(self, user_id):
        user = self.UserModel._default_manager.filter(pk=user_id).first()
        if user is None or not user.is_active or is_integration_client(user):
            return None
        return user


def provider_logout_url(id_token: str, after: str) -> str:
    """Where to end the provider's session too (RP-initiated logout), or "" where the
    provider has no end-session endpoint."""
    endpoint = provider_configuration(settings.OIDC_ISSUER).get("end_session_endpoint")
    if not endpoint:
        return ""
    query = urlencode({"id_token_hint": id_token, "post_logout_redirect_uri": after})
    return f"{endpoint}?{query}"
