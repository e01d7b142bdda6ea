import base64

import requests
import segno
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_totp.models import TOTPDevice
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from fremdrift.accounts.views import LogoutView

from . import second_factor, services
from .forms import SecondFactorForm
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
            return _refused(request, "", 400)

    def login_failure(self):
        # No sign-in started in this session (a replayed or stale answer), or the provider
        # answered with an error.
        security_log.warning("single sign-on failed: an answer this session did not ask for")
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


# The second factor of a password sign-in (second_factor.py).


def _next(request) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}):
        return wanted
    return "/"


@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request):
    """Asks a password sign-in for the code from the authenticator app, or a recovery
    code."""
    if not second_factor.has_second_factor(request.user):
        return redirect("signin:two_factor_setup")
    form = SecondFactorForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        check = services.second_factor_check(user=request.user, token=form.cleaned_data["code"])
        if not check.refusal:
            request.session.pop(second_factor.PENDING, None)
            request.session.cycle_key()
            return redirect(_next(request))
        form.add_error("code", check.refusal)
        security_log.warning("a wrong second factor for user %s", request.user.pk)
        status = 429 if check.throttled else 400
    return render(
        request,
        "signin/two_factor.html",
        {"form": form, "next": _next(request)},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    """Sets up an authenticator app: a new secret shown as a QR code (and as text), confirmed
    by a code from the app; then ten recovery codes, shown once."""
    if request.session.get(second_factor.PENDING) == "verify":
        return redirect("signin:two_factor")  # a new app only after the present one's code
    context = {
        "next": _next(request),
        "required": second_factor.second_factor_required(request.user),
    }
    if request.method == "GET":
        return render(request, "signin/two_factor_setup.html", context)
    if request.POST.get("step") == "start":
        device = services.totp_device_start(user=request.user)
        return render(request, "signin/two_factor_setup.html", context | _device_context(device))
    device = TOTPDevice.objects.filter(
        user=request.user, confirmed=False, pk=request.POST.get("device") or 0
    ).first()
    if device is None:
        return redirect("signin:two_factor_setup")
    form = SecondFactorForm(request.POST)
    if form.is_valid():
        try:
            codes = services.totp_device_confirm(
                user=request.user, device=device, token=form.cleaned_data["code"]
            )
        except ValidationError as error:
            form.add_error("code", error.message_dict["token"][0])
        else:
            request.session.pop(second_factor.PENDING, None)
            request.session.cycle_key()
            return render(request, "signin/recovery_codes.html", context | {"codes": codes})
    return render(
        request,
        "signin/two_factor_setup.html",
        context | _device_context(device) | {"form": form},
        status=400,
    )


def _device_context(device) -> dict:
    url = device.config_url
    return {
        "device": device,
        "form": SecondFactorForm(),
        "qr_svg": segno.make(url, error="m").svg_inline(scale=4, dark="#1a1a1a"),
        "secret": base64.b32encode(device.bin_key).decode().rstrip("="),
    }
