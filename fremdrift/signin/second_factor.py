"""The second factor of a local account (user name and password): an authenticator app's
time-based codes (TOTP) with ten single-use recovery codes, through django-otp. Required for
administrators, for everyone where FREMDRIFT_REQUIRE_TWO_FACTOR is set, optional for others;
a sign-in through the organisation's identity provider has its factors there.

A password sign-in leaves the session *pending* (`PENDING`: "verify" or "enrol") until the
second factor is given; `middleware.SecondFactorMiddleware` lets a pending session reach only
these pages and signing out."""

from django.conf import settings
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from fremdrift.accounts.access import is_administrator

PENDING = "second_factor_pending"
SSO_BACKEND = "fremdrift.signin.oidc.SignInBackend"


def second_factor_required(user) -> bool:
    return is_administrator(user) or settings.FREMDRIFT_REQUIRE_TWO_FACTOR


def has_second_factor(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def second_factor_due(user) -> str:
    """What a password sign-in still needs: "verify" (a code), "enrol" (set up an app
    first) or "" (nothing)."""
    if has_second_factor(user):
        return "verify"
    return "enrol" if second_factor_required(user) else ""


def users_with_second_factor(users) -> set[int]:
    return set(
        TOTPDevice.objects.filter(user__in=users, confirmed=True).values_list("user_id", flat=True)
    )


def recovery_codes_left(user) -> int:
    device = StaticDevice.objects.filter(user=user, confirmed=True).first()
    return device.token_set.count() if device else 0
