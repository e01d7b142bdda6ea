from django.http import HttpRequest
from ninja import Router, Schema, Status

from fremdrift.api.schemas import errors

from .models import Code, CodeList

router = Router(tags=["code lists"])


class CodeOut(Schema):
    code: str
    parent: str | None
    label_da: str
    label_en: str
    is_active: bool

    @staticmethod
    def resolve_parent(obj: Code) -> str | None:
        return obj.parent.code if obj.parent_id else None


class CodeListOut(Schema):
    code_list: str
    codes: list[CodeOut]


@router.get("", response={200: list[str], **errors()})
def code_list_names(request: HttpRequest):
    """The names of the code lists."""
    return list(CodeList.values)


@router.get("/{code_list}", response={200: CodeListOut, **errors(404)})
def code_list(request: HttpRequest, code_list: str):
    if code_list not in CodeList.values:
        return Status(404, {"detail": "No such code list."})
    codes = Code.objects.filter(code_list=code_list).select_related("parent")
    return {"code_list": code_list, "codes": list(codes.order_by("parent_id", "sort_order", "id"))}
