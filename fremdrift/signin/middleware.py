from django.shortcuts import redirect
from django.urls import reverse

from .second_factor import PENDING

# What a session waiting for its second factor may reach: the second factor's own pages,
# signing in and out, the language, static files and the health check.
OPEN_PATHS = (
    "/accounts/two-factor/",
    "/accounts/logout/",
    "/accounts/login/",
    "/i18n/",
    "/static/",
    "/healthz",
)


class SecondFactorMiddleware:
    """A password sign-in that still owes its second factor reaches nothing else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        pending = request.session.get(PENDING) if hasattr(request, "session") else None
        if pending and not request.path.startswith(OPEN_PATHS):
            name = "signin:two_factor" if pending == "verify" else "signin:two_factor_setup"
            return redirect(f"{reverse(name)}?next={request.get_full_path()}")
        return self.get_response(request)
