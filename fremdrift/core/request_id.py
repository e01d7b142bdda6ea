"""A request id on every log line and every response (`X-Request-ID`): the one a proxy sends
when it is a plain token, else a new one. Log lines before the first request carry "-"."""

import logging
import re
import uuid
from contextvars import ContextVar

request_id: ContextVar[str] = ContextVar("request_id", default="-")
ACCEPTED = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        # Not reset when the response leaves: Django logs a failed request's line after the
        # middleware, and it must carry the id too. The next request sets its own.
        request_id.set(given if ACCEPTED.match(given) else uuid.uuid4().hex)
        response = self.get_response(request)
        response["X-Request-ID"] = request_id.get()
        return response


def _with_request_id(factory):
    def make_record(*args, **kwargs):
        record = factory(*args, **kwargs)
        record.request_id = request_id.get()
        return record

    make_record.adds_request_id = True
    return make_record


# Every log record is stamped when it is made, inside the request that made it (a handler's
# filter would run too late for records handed to another thread or a test's capture).
if not getattr(logging.getLogRecordFactory(), "adds_request_id", False):
    logging.setLogRecordFactory(_with_request_id(logging.getLogRecordFactory()))


class RequestIdFilter(logging.Filter):
    """For records made before this module was loaded: "-"."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get()
        return True
