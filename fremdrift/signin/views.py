import requests
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from fremdrift.accounts.views import LogoutView

from .oidc import SignInRefused, oidc_setting, provider_logout_url, security_log, sso_configured


def _refused(request, reason: str, status: int):
    return render(request, "signin/refused.html", {"reason": reason}, status=status)


class SignInStart(OIDCAuthenticationRequestView):
    """Sends the browser to the organisation's identity provider."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args, **kwargs):
        # The settings are read when a sign-in starts, not when the URLs load.
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)

    def get(self, request):
        if not sso_configured():
            raise Http404
        self.OIDC_OP_AUTH_ENDPOINT = self.get_settings("OIDC_OP_AUTHORIZATION_ENDPOINT")
        self.OIDC_RP_CLIENT_ID = self.get_settings("OIDC_RP_CLIENT_ID")
        return super().get(request)


class SignInCallback(OIDCAuthenticationCallbackView):
    """Where the identity provider sends the browser back: the code is exchanged, the ID
    token checked and the account made or updated; every failure is a clear page."""

    get_settings = staticmethod(oidc_setting)

    def get(self, request):
        if not sso_configured():
            raise Http404
        try:
            return super().get(request)
        except SignInRefused as refusal:
            return _refused(request, refusal.reason, 403)
        except (SuspiciousOperation, requests.RequestException) as problem:
            security_log.warning("single sign-on failed: %s", problem)
            return self.login_failure()

    def login_failure(self):
        return _refused(self.request, "", 400)


class SignOutView(LogoutView):
    """Ends the session here and, after single sign-on, at the provider too where it
    supports that (RP-initiated logout)."""

    def post(self, request, *args, **kwargs):
        id_token = request.session.get("oidc_id_token")
        response = super().post(request, *args, **kwargs)
        if id_token and sso_configured():
            after = request.build_absolute_uri(settings.LOGIN_URL)
            try:
                url = provider_logout_url(id_token, after)
            except requests.RequestException:
                url = ""
            if url:
                return HttpResponseRedirect(url)
        return response
