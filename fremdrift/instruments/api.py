from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from fremdrift.api.schemas import errors

from .models import Instrument

router = Router(tags=["instruments"])


class ItemOut(Schema):
    code: str
    position: int
    label_da: str
    label_en: str
    text_da: str
    text_en: str
    scale_type: str
    scale_min: int | None
    scale_max: int | None
    point_labels: dict
    allows_dont_know: bool
    allows_not_relevant: bool


class VersionOut(Schema):
    number: int
    status: str
    respondents: list[str]
    items: list[ItemOut]

    @staticmethod
    def resolve_items(obj) -> list:
        return list(obj.items.all())


class InstrumentOut(Schema):
    code: str
    name_da: str
    name_en: str
    purpose: str
    reliability: float | None


class InstrumentDetail(InstrumentOut):
    versions: list[VersionOut]

    @staticmethod
    def resolve_versions(obj: Instrument) -> list:
        return list(obj.versions.order_by("number").prefetch_related("items"))


@router.get("", response={200: list[InstrumentOut], **errors()})
def instrument_list(request: HttpRequest):
    return list(Instrument.objects.order_by("code"))


@router.get("/{code}", response={200: InstrumentDetail, **errors(404)})
def instrument_detail(request: HttpRequest, code: str):
    return get_object_or_404(Instrument, code=code)
