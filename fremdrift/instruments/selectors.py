from django.db.models import Count, Prefetch, QuerySet

from .models import Instrument, InstrumentVersion


def instruments_list() -> QuerySet[Instrument]:
    return Instrument.objects.prefetch_related(
        Prefetch("versions", queryset=InstrumentVersion.objects.order_by("-number"))
    ).order_by("-is_builtin", "name_da")


def versions_with_use(instrument: Instrument) -> QuerySet[InstrumentVersion]:
    return instrument.versions.annotate(assessment_count=Count("assessments")).order_by("-number")
