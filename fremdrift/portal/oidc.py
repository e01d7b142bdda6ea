"""The citizens' sign-in: the authorization-code flow with PKCE, state and nonce against the
citizen identity broker, by the staff sign-in's machinery (`signin.oidc`) with the broker's
own client settings. What it yields is not an account: the keyed hash of the CPR number the
broker vouches for, which finds the person's own citizen records and nothing else."""

from django.conf import settings
from django.core.exceptions import SuspiciousOperation, ValidationError

from fremdrift.core import cpr as cprlib
from fremdrift.core.fieldcrypto import lookup_hash
from fremdrift.signin.oidc import SignInBackend, citizen_oidc_setting


class CitizenSignInBackend(SignInBackend):
    """Never in AUTHENTICATION_BACKENDS: the citizen callback calls it directly."""

    get_settings = staticmethod(citizen_oidc_setting)

    @staticmethod
    def issuer() -> str:
        return settings.CITIZEN_OIDC_ISSUER

    def __init__(self):
        super(SignInBackend, self).__init__()

    def authenticate(self, request, **kwargs):
        return super(SignInBackend, self).authenticate(request, **kwargs)

    def get_or_create_user(self, access_token, id_token, payload):
        user_info = self.get_userinfo(access_token, id_token, payload)
        if str(user_info.get("sub")) != str(payload.get("sub")):
            raise SuspiciousOperation("The user info is about another subject than the token.")
        claims = payload | user_info
        raw = str(claims.get(settings.CITIZEN_OIDC_CPR_CLAIM, ""))
        try:
            digits = cprlib.parse_cpr(raw).digits
        except ValidationError:
            raise SuspiciousOperation("The broker vouched for no CPR number.") from None
        return lookup_hash(digits)
