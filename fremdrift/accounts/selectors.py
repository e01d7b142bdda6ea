import datetime as dt

from axes.models import AccessFailureLog
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode


def login_failures_for_username(username: str) -> int:
    """Failed sign-ins as `username` from any address within the throttling window."""
    since = timezone.now() - dt.timedelta(minutes=settings.FREMDRIFT_LOGIN_USERNAME_WINDOW_MINUTES)
    return AccessFailureLog.objects.filter(username=username, attempt_time__gte=since).count()


def login_throttled(username: str) -> bool:
    """Guesses spread over many addresses against one user name: after this many failures in
    the window, sign-in as that name is refused until older failures leave the window."""
    return login_failures_for_username(username) >= settings.FREMDRIFT_LOGIN_USERNAME_LIMIT


def password_set_link(user) -> str:
    """A one-time link for `user` to set their password: it stops working once used, and
    after PASSWORD_RESET_TIMEOUT (three days)."""
    path = reverse(
        "accounts:password_set",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return settings.FREMDRIFT_BASE_URL.rstrip("/") + path
