from django.conf import settings
from django.contrib.auth import views as auth_views
from django.forms.forms import NON_FIELD_ERRORS
from django.urls import reverse_lazy

from .forms import LoginForm


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "single_sign_on": bool(settings.OIDC_ISSUER and settings.OIDC_RP_CLIENT_ID),
            "local_login": settings.FREMDRIFT_LOCAL_LOGIN,
        }

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.has_error(NON_FIELD_ERRORS, "throttled"):
            response.status_code = 429
        return response


class LogoutView(auth_views.LogoutView):
    template_name = "accounts/logged_out.html"


class PasswordSetView(auth_views.PasswordResetConfirmView):
    """Sets a password from a one-time link (the first administrator's, from `bootstrap`):
    the link stops working once the password is set."""

    template_name = "accounts/password_set.html"
    success_url = reverse_lazy("accounts:login")
    post_reset_login = False
