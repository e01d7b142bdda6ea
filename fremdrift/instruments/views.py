from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from fremdrift.accounts.access import require_administrator
from fremdrift.core.forms import errors_onto_form
from fremdrift.core.svg import WheelItem, render_wheel

from . import selectors, services
from .forms import (
    CopyForm,
    ItemFormSet,
    ReliabilityForm,
    VersionForm,
    labels_to_text,
    options_to_text,
)
from .models import Instrument, InstrumentVersion


@login_required
def instrument_list(request: HttpRequest) -> HttpResponse:
    require_administrator(request)
    return render(
        request, "instruments/instrument_list.html", {"instruments": selectors.instruments_list()}
    )


def _preview_wheel(version: InstrumentVersion) -> str:
    items = [
        WheelItem(code=i.code, label=i.label, scale_min=i.scale_min, scale_max=i.scale_max)
        for i in version.items.all()
        if i.is_ordinal
    ]
    if not items:
        return ""
    return render_wheel(
        items=items,
        series=[],
        title=version.instrument.name,
        description=_("An empty wheel: the items of version %(number)d.")
        % {"number": version.number},
        id_prefix="preview",
    )


@login_required
def instrument_detail(request: HttpRequest, instrument_id: int) -> HttpResponse:
    """The versions of an instrument, and a preview of the chosen one: the form and an empty
    wheel."""
    require_administrator(request)
    instrument = get_object_or_404(Instrument, pk=instrument_id)
    return _detail_page(request, instrument)


def _detail_page(request, instrument, *, copy_form=None, reliability_form=None, status=200):
    """The instrument's page; a refused copy or reliability comes back as its bound form, its
    errors in the error summary above it (400)."""
    versions = list(selectors.versions_with_use(instrument))
    chosen = next(
        (v for v in versions if str(v.pk) == request.GET.get("version")),
        versions[0] if versions else None,
    )
    return render(
        request,
        "instruments/instrument_detail.html",
        {
            "instrument": instrument,
            "versions": versions,
            "version": chosen,
            "items": list(chosen.items.all()) if chosen else [],
            "preview_svg": _preview_wheel(chosen) if chosen else "",
            "copy_form": copy_form or CopyForm(initial={"code": f"{instrument.code}-local"}),
            "reliability_form": reliability_form
            or ReliabilityForm(initial={"reliability": instrument.reliability}),
        },
        status=status,
    )


@login_required
@require_POST
def instrument_reliability(request: HttpRequest, instrument_id: int) -> HttpResponse:
    require_administrator(request)
    instrument = get_object_or_404(Instrument, pk=instrument_id)
    form = ReliabilityForm(request.POST)
    if form.is_valid():
        try:
            services.instrument_set_reliability(
                actor=request.user,
                instrument=instrument,
                reliability=form.cleaned_data["reliability"],
            )
        except ValidationError as error:
            errors_onto_form(form, error)
        else:
            messages.success(request, _("The reliability has been saved."))
            return redirect("instruments:detail", instrument_id=instrument.pk)
    return _detail_page(request, instrument, reliability_form=form, status=400)


@login_required
@require_POST
def instrument_copy(request: HttpRequest, instrument_id: int) -> HttpResponse:
    require_administrator(request)
    instrument = get_object_or_404(Instrument, pk=instrument_id)
    form = CopyForm(request.POST)
    if form.is_valid():
        try:
            copy = services.instrument_copy(
                actor=request.user, instrument=instrument, **form.cleaned_data
            )
        except ValidationError as error:
            errors_onto_form(form, error)
        else:
            messages.success(request, _("The copy has been made as a draft."))
            return redirect("instruments:edit", instrument_id=copy.pk)
    return _detail_page(request, instrument, copy_form=form, status=400)


def _initial_items(version: InstrumentVersion) -> list[dict]:
    return [
        {
            "code": item.code,
            "label_da": item.label_da,
            "label_en": item.label_en,
            "text_da": item.text_da,
            "text_en": item.text_en,
            "help_da": item.help_da,
            "scale_type": item.scale_type,
            "scale_min": item.scale_min,
            "scale_max": item.scale_max,
            "point_labels": labels_to_text(item.point_labels),
            "options": options_to_text(item.options),
            "unit": item.unit,
            "allows_dont_know": item.allows_dont_know,
            "allows_not_relevant": item.allows_not_relevant,
        }
        for item in version.items.all()
    ]


def _item_form_errors(formset) -> list[dict]:
    """The items' errors for the error summary above the form, each naming its item and field
    and linking to the field (the same errors stand beside the fields), then the errors of the
    whole list of items."""
    found = []
    for number, form in enumerate(formset.forms, start=1):
        item = _("Item %(number)d") % {"number": number}
        for name, messages_ in form.errors.items():
            field = form[name] if name in form.fields else None
            label = field.label if field is not None else ""
            href = f"#{field.id_for_label or f'{field.auto_id}_0'}" if field is not None else ""
            for message in messages_:
                text = f"{item}, {label}: {message}" if label else f"{item}: {message}"
                found.append({"href": href, "text": text})
    found.extend({"href": "", "text": message} for message in formset.non_form_errors())
    return found


@login_required
@require_http_methods(["GET", "POST"])
def instrument_edit(request: HttpRequest, instrument_id: int) -> HttpResponse:
    """Edits the instrument's draft. A published version with answers is never changed: the
    draft is a new version with the same item codes."""
    require_administrator(request)
    instrument = get_object_or_404(Instrument, pk=instrument_id)
    draft = instrument.versions.filter(status=InstrumentVersion.Status.DRAFT).first()
    base = draft or instrument.versions.order_by("-number").first()
    errors: list[dict] = []
    if request.method == "POST":
        formset = ItemFormSet(request.POST, prefix="items")
        version_form = VersionForm(request.POST)
        if formset.is_valid() and version_form.is_valid():
            specs = [
                form.to_spec()
                for form in formset.forms
                if form.has_changed() and not form.cleaned_data.get("DELETE") and form.cleaned_data
            ]
            try:
                # One transaction: a draft made for changes that are refused is not kept.
                with transaction.atomic():
                    saved = draft or services.version_draft_get_or_create(
                        actor=request.user, instrument=instrument
                    )
                    services.version_update(
                        actor=request.user,
                        version=saved,
                        items=specs,
                        respondents=version_form.cleaned_data["respondents"],
                    )
            except ValidationError as error:
                # The service's refusal stands in the error summary, linked to the field
                # when it names one of the form's.
                for name, messages_ in error.message_dict.items():
                    version_form.add_error(name if name in version_form.fields else None, messages_)
            else:
                messages.success(request, _("The draft has been saved."))
                return redirect(f"/instruments/{instrument.pk}/?version={saved.pk}")
        else:
            errors = _item_form_errors(formset)
    else:
        formset = ItemFormSet(initial=_initial_items(base) if base else [], prefix="items")
        version_form = VersionForm(initial={"respondents": base.respondents if base else []})
    return render(
        request,
        "instruments/instrument_edit.html",
        {
            "instrument": instrument,
            "formset": formset,
            "version_form": version_form,
            "draft": draft,
            "base": base,
            "errors": errors,
        },
        status=400 if errors or version_form.errors else 200,
    )


@login_required
@require_POST
def version_publish(request: HttpRequest, instrument_id: int, version_id: int) -> HttpResponse:
    require_administrator(request)
    version = get_object_or_404(InstrumentVersion, pk=version_id, instrument_id=instrument_id)
    try:
        services.version_publish(actor=request.user, version=version)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("Version %(number)d is published.") % {"number": version.number}
        )
    return redirect(f"/instruments/{instrument_id}/?version={version.pk}")
