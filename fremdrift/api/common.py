"""The pieces every resource's endpoints share: ids of the database's size, pages of 100, the
access log of what a list, a read or a write shows, request bodies that refuse the NUL
character, versions in `ETag` and `If-Match`, and codes named in a body. The error answers
themselves (`errors()`, `Problem`) are in `schemas`."""

import datetime as dt
import re
from typing import Annotated

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest
from ninja import Field, Schema, Status
from ninja import Path as PathParam
from pydantic import field_validator

from fremdrift.audit.models import AccessAction
from fremdrift.audit.services import access_log_write
from fremdrift.codelists.models import Code

PAGE_SIZE = 100
MAX_ID = 2_147_483_647
# Ids fit the database's integer column; a larger one is a request of the wrong shape.
Id = Annotated[int, PathParam(..., ge=1, le=MAX_ID)]


# Lists


def in_utc(moment: dt.datetime) -> dt.datetime:
    """A moment as UTC (a time without a zone is taken as UTC); databases refuse some of the
    offsets ISO 8601 allows."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    try:
        return moment.astimezone(dt.UTC)
    except (OverflowError, ValueError):
        raise ValidationError({"updated_since": "The moment is out of range."}) from None


def citizen_filter(description: str = "Only those of this citizen"):
    return Field(None, ge=1, le=MAX_ID, description=description)


def page_field():
    return Field(1, ge=1, le=1_000_000)


def page_of(queryset, number: int) -> dict:
    paginator = Paginator(queryset, PAGE_SIZE)
    page = paginator.get_page(number)
    return {
        "count": paginator.count,
        "page": page.number,
        "pages": paginator.num_pages,
        "items": list(page.object_list),
    }


# The access log


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


# Writes

VERSION = re.compile(r"^[0-9]{1,10}$")


def refuse_nul(value):
    if isinstance(value, str) and "\x00" in value:
        raise ValueError("A text cannot hold the NUL character.")
    if isinstance(value, list):
        for part in value:
            refuse_nul(part)
    if isinstance(value, dict):
        for key, part in value.items():
            refuse_nul(key)
            refuse_nul(part)
    return value


class InputSchema(Schema):
    """A request body. The database cannot store the NUL character, so a text holding one is
    a body of the wrong shape (422) rather than a server error."""

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value):
        return refuse_nul(value)


def etag(version: int) -> str:
    return f'"{version}"'


def version_refusal(request: HttpRequest, current: int, what: str, *, required: bool = True):
    """None when `If-Match` names the current version; otherwise the answer: 428 when it is
    missing (and required), 412 when it is stale or not a version."""
    wanted = request.headers.get("If-Match", "").strip().strip('"')
    if not wanted:
        if not required:
            return None
        return Status(428, {"detail": "Send the version you change in If-Match."})
    if not VERSION.match(wanted) or int(wanted) != current:
        return stale(what)
    return None


def stale(what: str):
    return Status(412, {"detail": f"The {what} has changed since that version; read it again."})


def code_of(code_list: str, code: str | None, field: str, *, parent: str | None = None):
    """The active code `code` of a code list (under the code `parent` for a second level), or
    a 400 naming the field. None stays None."""
    if code is None:
        return None
    found = Code.objects.filter(code_list=code_list, code=code)
    found = found.filter(parent__code=parent) if parent else found.filter(parent=None)
    result = found.select_related("parent").first()
    if result is None:
        raise ValidationError({field: f"Unknown code in the code list {code_list}: {code[:60]}."})
    return result
