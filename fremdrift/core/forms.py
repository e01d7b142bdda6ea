import datetime as dt
from collections.abc import Sequence

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _


class DesignSystemForm(forms.Form):
    """A form whose widgets carry Det Fælles Designsystem's classes and accessible hints."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.HiddenInput):
                continue
            if isinstance(widget, forms.CheckboxInput):
                css = "form-checkbox"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-input"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
            if field.help_text:
                widget.attrs["aria-describedby"] = f"id_{name}-hint"

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["aria-invalid"] = "true"
                hint = [f"id_{name}-hint"] if self.fields[name].help_text else []
                widget.attrs["aria-describedby"] = " ".join([*hint, f"id_{name}-error"])


def error_sentence(error: ValidationError) -> str:
    """What a service refused, as one message, for a page that has no form to show it on
    (a button's POST): every field's messages in turn."""
    return " ".join(m for ms in error.message_dict.values() for m in ms)


def errors_onto_form(
    form: forms.Form,
    error: ValidationError,
    *,
    fields=None,
    renamed: dict[str, str] | None = None,
) -> dict[str, list[str]]:
    """Puts what a service refused onto the form, as the form's own validation would: each
    message under its field, or among the non-field errors where the form has no such field.
    `renamed` maps a service's names to the form's. With `fields`, only those names go onto the
    form; the messages of the others are returned by name, for the page to show where they
    belong. (A `StaleVersion` is each page's own: it shows the newer values with 409.)"""
    left: dict[str, list[str]] = {}
    for name, messages in error.message_dict.items():
        name = renamed.get(name, name) if renamed else name
        if fields is not None and name not in fields:
            left.setdefault(name, []).extend(messages)
            continue
        for message in messages:
            form.add_error(name if name in form.fields else None, message)
    return left


def form_in_words(form: forms.Form, *, leave_out: Sequence[str] = ()) -> list[tuple[str, str]]:
    """The values a valid form was given, as (label, value in words), for a file that says
    what it shows: a choice by its label, an object by its name, a date as the language
    writes it; a field left empty (or a box not ticked) is left out, as are `leave_out`."""
    words = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if name in leave_out or value in (None, "", [], (), False):
            continue
        words.append((str(field.label or name), _value_in_words(field, value)))
    return words


def _value_in_words(field: forms.Field, value) -> str:
    if isinstance(field, forms.ModelMultipleChoiceField):
        return ", ".join(str(field.label_from_instance(v)) for v in value)
    if isinstance(field, forms.ModelChoiceField):
        return str(field.label_from_instance(value))
    if isinstance(field, forms.ChoiceField):
        labels = {}
        for key, label in field.choices:
            if isinstance(label, (list, tuple)):  # a group of options
                labels |= {str(k): str(v) for k, v in label}
            else:
                labels[str(key)] = str(label)
        values = value if isinstance(value, (list, tuple)) else [value]
        return ", ".join(labels.get(str(v), str(v)) for v in values)
    if value is True:
        return str(_("Yes"))
    if isinstance(value, dt.datetime):
        return date_format(value, "DATETIME_FORMAT")
    if isinstance(value, dt.date):
        return date_format(value, "DATE_FORMAT")
    return str(value)
