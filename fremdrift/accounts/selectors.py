import datetime as dt

from axes.models import AccessFailureLog
from django.conf import settings
from django.utils import timezone


def login_failures_for_username(username: str) -> int:
    """Failed sign-ins as `username` from any address within the throttling window."""
    since = timezone.now() - dt.timedelta(minutes=settings.FREMDRIFT_LOGIN_USERNAME_WINDOW_MINUTES)
    return AccessFailureLog.objects.filter(username=username, attempt_time__gte=since).count()


def login_throttled(username: str) -> bool:
    """Guesses spread over many addresses against one user name: after this many failures in
    the window, sign-in as that name is refused until older failures leave the window."""
    return login_failures_for_username(username) >= settings.FREMDRIFT_LOGIN_USERNAME_LIMIT
