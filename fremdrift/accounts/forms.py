from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .selectors import login_throttled


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("The user name or the password is wrong."),
        "inactive": _("This account is not active."),
        "throttled": _(
            "There have been too many failed attempts to log in as this user. Wait "
            "%(minutes)d minutes and try again, or ask your administrator."
        ),
    }

    def clean(self):
        # Checked before the password, and whatever the password: otherwise the answer would
        # tell a guesser when they were right.
        username = self.cleaned_data.get("username")
        if username and login_throttled(username):
            raise ValidationError(
                self.error_messages["throttled"],
                code="throttled",
                params={"minutes": settings.FREMDRIFT_LOGIN_USERNAME_WINDOW_MINUTES},
            )
        return super().clean()


class AdminLoginForm(LoginForm, AdminAuthenticationForm):
    """The Django admin's sign-in, under the same per-user-name throttle as the application's:
    otherwise /admin/login/ would be a way around it."""
