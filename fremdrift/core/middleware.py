import re
from urllib.parse import parse_qsl, unquote_plus

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _


class NoStoreForSignedInUsersMiddleware:
    """Pages seen by a signed-in user may hold personal data: no cache may keep them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "no-store"
        return response


class DanishFirstLocaleMiddleware:
    """Danish unless the user chose another language with the switch. The browser's
    Accept-Language is ignored: a caseworker on an English-language browser still works in
    Danish, as their colleagues do."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ["Cookie"])
        return response


# Ten digits, with or without a dash or space: a CPR number as anyone would type it.
CPR_IN_URL = re.compile(r"(?<!\d)\d{6}[-\s]?\d{4}(?!\d)")


TOKEN_PATHS = ("/api/", "/accounts/set-password/")


class NoCprInUrlMiddleware:
    """Server and proxy access logs keep every URL and lie outside the application's
    redaction, so a URL with a CPR number in its query (a search typed into the address bar,
    a link, a login's `next`) is refused before anything else happens. The API takes CPR
    numbers only in request bodies and answers such a URL as a JSON problem."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = request.META.get("QUERY_STRING", "")
        # No page has ten digits in a row in its path, but for a one-time link's token (hex,
        # where ten digits in a row come by chance).
        if not request.path.startswith(TOKEN_PATHS) and CPR_IN_URL.search(request.path):
            query = request.path + "?" + query
        holding = [
            name
            for name, value in parse_qsl(query, keep_blank_values=True)
            if CPR_IN_URL.search(name) or CPR_IN_URL.search(value)
        ]
        if holding or CPR_IN_URL.search(unquote_plus(query)):
            message = _(
                "A CPR number must not be part of a web address, where it would be kept in the "
                "server's logs. Search for the citizen in the search field of the citizen list."
            )
            if request.path.startswith("/api/"):
                field = holding[0] if holding else "query"
                return JsonResponse(
                    {"detail": [{"field": field, "message": str(message)}]}, status=400
                )
            context = {"message": message, "language_next": "/"}  # never echo the URL
            return render(request, "400_cpr.html", context, status=400)
        return self.get_response(request)


class ApiBodyLimitMiddleware:
    """An API body over DATA_UPLOAD_MAX_MEMORY_SIZE answers a JSON 413, as the API's other
    errors do, instead of Django's HTML 400."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/") and request.method in {"POST", "PUT", "PATCH"}:
            try:
                request.body  # noqa: B018 - read once, within the limit, or refused here
            except RequestDataTooBig:
                limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024)
                message = _("The request body is larger than %(limit).1f MB.") % {"limit": limit}
                return JsonResponse({"detail": message}, status=413)
        return self.get_response(request)


RETRY_AFTER_SECONDS = 10


class DatabaseBusyMiddleware:
    """On SQLite one transaction writes at a time: a write that waited longer than the busy
    timeout (an import holds the lock) is answered "try again in a moment" (503 with
    Retry-After), not a server error. Its own transaction was rolled back, so nothing of it
    is saved."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not (isinstance(exception, OperationalError) and "locked" in str(exception)):
            return None
        message = _(
            "Fremdrift is busy writing a large change, such as an import. Nothing of what you "
            "sent has been saved. Go back and send it again in a moment."
        )
        if request.path.startswith("/api/"):
            response = JsonResponse({"detail": message}, status=503)
        else:
            response = render(request, "503_busy.html", status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
