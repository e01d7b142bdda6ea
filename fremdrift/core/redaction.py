"""Keep CPR numbers out of log lines and error pages.

The application never logs a CPR number on purpose; this is the net under that rule, for
what Django or a library logs on its own (request lines with a query string, tracebacks).
"""

import logging
import re

from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

# Ten digits, with or without the dash, not part of a longer number.
CPR_PATTERN = re.compile(r"(?<!\d)(\d{6})-?(\d{4})(?!\d)")


def redact_cpr(text: str) -> str:
    return CPR_PATTERN.sub(r"\1-XXXX", text)


class RedactCprFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_cpr(message)
        if redacted != message:
            record.msg = redacted
            record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = redact_cpr(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = redact_cpr(record.exc_text)
        return True


class CprRedactingExceptionReporterFilter(SafeExceptionReporterFilter):
    """Hides CPR numbers in the request data that Django's error reports show."""

    def get_post_parameters(self, request):
        params = super().get_post_parameters(request)
        if params is None:
            return params
        cleansed = params.copy()
        for key in cleansed:
            cleansed.setlist(key, [self._redact(v) for v in cleansed.getlist(key)])
        return cleansed

    def get_safe_request_meta(self, request):
        meta = super().get_safe_request_meta(request)
        return {key: self._redact(value) for key, value in meta.items()}

    def get_traceback_frame_variables(self, request, tb_frame):
        variables = super().get_traceback_frame_variables(request, tb_frame)
        return [(name, self._redact(value)) for name, value in variables]

    @staticmethod
    def _redact(value):
        return redact_cpr(value) if isinstance(value, str) else value


class CprRedactingExceptionReporter(ExceptionReporter):
    """Django's error report (the DEBUG page and the mails to ADMINS) with CPR numbers masked,
    wherever they stand: in the URL, the request data, or a variable of the traceback."""

    def get_traceback_html(self):
        return redact_cpr(str(super().get_traceback_html()))

    def get_traceback_text(self):
        return redact_cpr(str(super().get_traceback_text()))
