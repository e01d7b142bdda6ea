from django import template

from fremdrift.core.figures import figure

register = template.Library()


@register.filter(name="figure")
def figure_filter(value, digits=2):
    """`{{ value|figure:1 }}`: as `core.figures.figure`."""
    return figure(value, int(digits))
