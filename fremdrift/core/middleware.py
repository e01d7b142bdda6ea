from django.http import HttpRequest, HttpResponse


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
