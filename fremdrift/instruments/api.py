import datetime as dt

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from fremdrift.core.api_kit import errors, list_query

from .models import Instrument

router = Router(tags=["instruments"])


class ItemOptionOut(Schema):
    """One option of a list item ("choice", "choices"); answers give its code."""

    code: str
    label_da: str
    label_en: str


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
    options: list[ItemOptionOut] = Field(
        description="The list of a list item (scale `choice`: one of it, `choices`: several), "
        "in order; empty for other items"
    )
    allows_dont_know: bool
    allows_not_relevant: bool

    @staticmethod
    def resolve_options(obj) -> list[dict]:
        return [
            {"code": code, "label_da": label_da, "label_en": label_en}
            for code, label_da, label_en in obj.options
        ]


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
    updated_at: dt.datetime


class InstrumentFilters(Schema):
    updated_since: dt.datetime | None = Field(
        None,
        description="Only instruments changed at or after this moment (ISO 8601): a version "
        "created, changed or published, or the reliability set",
    )


class InstrumentDetail(InstrumentOut):
    versions: list[VersionOut]

    @staticmethod
    def resolve_versions(obj: Instrument) -> list:
        return list(obj.versions.order_by("number").prefetch_related("items"))


@router.get("", response={200: list[InstrumentOut], **errors(400)})
def instrument_list(request: HttpRequest, filters: Query[InstrumentFilters]):
    """All instruments (a few dozen, so not in pages), ordered by code."""
    return list(list_query(Instrument.objects.all(), filters, order_by=("code",)))


@router.get("/{code}", response={200: InstrumentDetail, **errors(404)})
def instrument_detail(request: HttpRequest, code: str):
    return get_object_or_404(Instrument, code=code)
