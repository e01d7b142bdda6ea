from django.contrib.auth import BACKEND_SESSION_KEY

from .second_factor import PENDING, SSO_BACKEND, second_factor_due


def second_factor_on_sign_in(sender, request, user, **kwargs):
    """Every sign-in passes here, whichever view made it (the login page, the admin's): a
    password sign-in that owes a second factor leaves the session pending until it is
    given. Connected in `apps.SigninConfig.ready`."""
    if request is None or request.session.get(BACKEND_SESSION_KEY) == SSO_BACKEND:
        return
    due = second_factor_due(user)
    if due:
        request.session[PENDING] = due
