"""The API token a request acts through, for the rows the request writes to the access log
and the change history. Set by the API's authentication, cleared at every request's start and
end by `RequestContextMiddleware`, so that a session request never inherits a token."""

from contextvars import ContextVar

api_token_id: ContextVar[int | None] = ContextVar("api_token_id", default=None)


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        marker = api_token_id.set(None)
        try:
            return self.get_response(request)
        finally:
            api_token_id.reset(marker)
