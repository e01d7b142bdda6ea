"""The access log of what an API operation shows: a list, a read or a write."""

from django.http import HttpRequest

from .models import AccessAction
from .services import access_log_write


def log_list(request: HttpRequest, citizen_ids) -> None:
    """A list shows personal data of the citizens its items belong to."""
    subjects = sorted(set(citizen_ids))
    if subjects:
        access_log_write(
            user=request.user, action=AccessAction.LIST, subjects=subjects, path=request.path
        )


def log_view(request: HttpRequest, citizen) -> None:
    access_log_write(
        user=request.user, action=AccessAction.VIEW, citizen=citizen, path=request.path
    )


def log_write(request: HttpRequest, citizen, action=AccessAction.EDIT) -> None:
    """The answer to a write shows the citizen's data, as the page after it does."""
    access_log_write(user=request.user, action=action, citizen=citizen, path=request.path)
