from django import forms
from django.core.exceptions import ValidationError


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
