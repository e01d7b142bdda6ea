"""The error summary of Det Fælles Designsystem: every error of a form as a link to its field."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


def _field_anchor(field) -> str:
    """The id of the element a link to the field lands on: the input itself, or the first of
    a group of radio buttons or check boxes (whose label has no single target)."""
    anchor = field.id_for_label
    if anchor:
        return anchor
    return f"{field.auto_id}_0" if field.auto_id else ""


@register.simple_tag
def error_summary_items(form=None, errors=None) -> list[dict]:
    """The lines of the error summary: each field's errors named by the field's label and
    linked to it (`#id_<field>`), then the errors of the whole form (and of hidden fields)
    without a link. `errors` adds lines of a page without a Django form, each a dict with
    `href` (or none) and `text`."""
    items: list[dict] = []
    if getattr(form, "errors", None):
        for message in form.non_field_errors():
            items.append({"href": "", "text": message})
        for field in form:
            if not field.errors:
                continue
            if field.is_hidden:
                items.extend({"href": "", "text": message} for message in field.errors)
                continue
            anchor = _field_anchor(field)
            for message in field.errors:
                # A message that carries its own link (a duplicate's citizen) is not put
                # inside another link.
                own_link = isinstance(message, SafeString) and "<a " in message
                items.append(
                    {
                        "href": f"#{anchor}" if anchor and not own_link else "",
                        "text": format_html("{}: {}", field.label, message),
                    }
                )
    for error in errors if isinstance(errors, list | tuple) else []:
        items.append({"href": error.get("href", ""), "text": error["text"]})
    return items
