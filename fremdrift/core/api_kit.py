"""The pieces every resource's API endpoints share, below every domain app: ids of the
database's size, pages of 100, request bodies that refuse the NUL character, versions in `ETag`
and `If-Match`, and the error answers (`errors()`, `Problem`). The access log of what an
endpoint shows is `audit.api_log`; a code named in a body is `codelists.selectors.code_of`."""

import datetime as dt
import re
from dataclasses import dataclass
from typing import Annotated

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest
from ninja import Field, Schema, Status
from ninja import Path as PathParam
from pydantic import field_validator

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


def list_query(
    queryset,
    filters,
    *,
    updated_field: str | None = "updated_at",
    citizen_field: str | None = None,
    order_by: tuple[str, ...] = ("updated_at", "id"),
):
    """The steps every list takes on its scoped queryset: `filters.updated_since` on
    `updated_field` (as UTC), `filters.citizen_id` on `citizen_field`, then the order. A step
    whose filter the operation does not take (or whose field is None) is left out."""
    updated_since = getattr(filters, "updated_since", None)
    if updated_field and updated_since is not None:
        queryset = queryset.filter(**{f"{updated_field}__gte": in_utc(updated_since)})
    citizen_id = getattr(filters, "citizen_id", None)
    if citizen_field and citizen_id is not None:
        queryset = queryset.filter(**{citizen_field: citizen_id})
    return queryset.order_by(*order_by)


@dataclass(frozen=True)
class Search:
    """The filters of a list whose operation takes them one by one (FHIR's searches)."""

    page: int = 1
    updated_since: dt.datetime | None = None
    citizen_id: int | None = None


def page_of(queryset, number: int) -> dict:
    paginator = Paginator(queryset, PAGE_SIZE)
    page = paginator.get_page(number)
    return {
        "count": paginator.count,
        "page": page.number,
        "pages": paginator.num_pages,
        "items": list(page.object_list),
    }


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


# Errors


class Problem(Schema):
    """An error: a message, or for a body of the wrong shape a list naming each field."""

    detail: str | list


def errors(*codes: int) -> dict:
    """The error answers every operation can give: 401 without a valid token, 422 for a
    request of the wrong shape, and the codes listed."""
    return dict.fromkeys((401, 422, *codes), Problem)
