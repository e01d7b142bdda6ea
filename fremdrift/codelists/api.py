import datetime as dt

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from fremdrift.core.api_kit import errors, list_query

from .models import Code, CodeList
from .selectors import visible_to

router = Router(tags=["code lists"])


class CodeOut(Schema):
    code: str
    parent: str | None
    label_da: str
    label_en: str
    is_active: bool
    organisation: int | None = Field(
        description="The organisation whose own code this is; null for the installation's defaults"
    )
    updated_at: dt.datetime

    @staticmethod
    def resolve_organisation(obj: Code) -> int | None:
        return obj.organisation_id

    @staticmethod
    def resolve_parent(obj: Code) -> str | None:
        return obj.parent.code if obj.parent_id else None


class CodeFilters(Schema):
    updated_since: dt.datetime | None = Field(
        None, description="Only codes changed at or after this moment (ISO 8601)"
    )


class CodeListOut(Schema):
    code_list: str
    codes: list[CodeOut]


@router.get("", response={200: list[str], **errors()})
def code_list_names(request: HttpRequest):
    """The names of the code lists."""
    return list(CodeList.values)


@router.get("/{code_list}", response={200: CodeListOut, **errors(400, 404)})
def code_list(request: HttpRequest, code_list: str, filters: Query[CodeFilters]):
    if code_list not in CodeList.values:
        return Status(404, {"detail": "No such code list."})
    # The installation's defaults and the requesting client's organisation's own codes.
    codes = list_query(
        Code.objects.filter(
            visible_to(request.user.organisation_id), code_list=code_list
        ).select_related("parent"),
        filters,
        order_by=("parent_id", "sort_order", "id"),
    )
    return {"code_list": code_list, "codes": list(codes)}
