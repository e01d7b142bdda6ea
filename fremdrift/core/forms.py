from django import forms


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
