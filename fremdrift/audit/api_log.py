"""The access log of what an API operation shows: a list, a read or a write."""

from operator import attrgetter

from django.http import HttpRequest

from fremdrift.core.api_kit import list_query, page_of

from .models import AccessAction
from .services import access_log_write


def log_list(request: HttpRequest, citizen_ids) -> None:
    """A list shows personal data of the citizens its items belong to."""
    subjects = sorted(set(citizen_ids))
    if subjects:
        access_log_write(
            user=request.user, action=AccessAction.LIST, subjects=subjects, path=request.path
        )


def list_page(
    request: HttpRequest,
    queryset,
    filters,
    *,
    updated_field: str | None = "updated_at",
    citizen_field: str | None = "citizen_id",
    order_by: tuple[str, ...] = ("updated_at", "id"),
) -> dict:
    """One page of a list (`core.api_kit.list_query`, then `page_of` with `filters.page`),
    with the access log of the citizens its items belong to. `citizen_field` names the item's
    citizen both for the `citizen_id` filter and for the log (`plan__citizen_id` is read as
    `item.plan.citizen_id`); None for a list of no personal data, which is not logged."""
    found = list_query(
        queryset,
        filters,
        updated_field=updated_field,
        citizen_field=citizen_field,
        order_by=order_by,
    )
    page = page_of(found, filters.page)
    if citizen_field is not None:
        citizen_of = attrgetter(citizen_field.replace("__", "."))
        log_list(request, (citizen_of(item) for item in page["items"]))
    return page


def log_view(request: HttpRequest, citizen) -> None:
    access_log_write(
        user=request.user, action=AccessAction.VIEW, citizen=citizen, path=request.path
    )


def log_write(request: HttpRequest, citizen, action=AccessAction.EDIT) -> None:
    """The answer to a write shows the citizen's data, as the page after it does."""
    access_log_write(user=request.user, action=action, citizen=citizen, path=request.path)
