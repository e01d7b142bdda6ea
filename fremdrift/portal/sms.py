"""Text messages: `settings.FREMDRIFT_SMS_SENDER` names the class that sends them, so a
municipality plugs in its own provider. None is needed to run Fremdrift: the console sender
writes the message to standard output, and the outbox sender keeps it for tests."""

import sys
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


class SmsSender(Protocol):
    def send(self, *, to: str, text: str) -> None: ...


class ConsoleSmsSender:
    def send(self, *, to: str, text: str) -> None:
        sys.stdout.write(f"SMS to {to}:\n{text}\n")
        sys.stdout.flush()


outbox: list[tuple[str, str]] = []


class OutboxSmsSender:
    """Keeps every message in `outbox` (as Django's locmem mail backend does for e-mail)."""

    def send(self, *, to: str, text: str) -> None:
        outbox.append((to, text))


def sms_sender() -> SmsSender:
    return import_string(settings.FREMDRIFT_SMS_SENDER)()
