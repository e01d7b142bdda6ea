"""Reads of the code lists."""

from django.core.exceptions import ValidationError

from .models import Code


def code_of(code_list: str, code: str | None, field: str, *, parent: str | None = None):
    """The active code `code` of a code list (under the code `parent` for a second level), or
    a 400 naming the field. None stays None."""
    if code is None:
        return None
    found = Code.objects.filter(code_list=code_list, code=code)
    found = found.filter(parent__code=parent) if parent else found.filter(parent=None)
    result = found.select_related("parent").first()
    if result is None:
        raise ValidationError({field: f"Unknown code in the code list {code_list}: {code[:60]}."})
    return result
