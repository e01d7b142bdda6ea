from django import template

from fremdrift.codelists.labels import two_level_label

register = template.Library()


@register.filter(name="two_level")
def two_level(code) -> str:
    """`{{ enrolment.exit_reason|two_level }}`: as `codelists.labels.two_level_label`."""
    return two_level_label(code)
