"""The small-cell rule of `privacy.py` for the report templates."""

from django import template

from fremdrift.reports import privacy

register = template.Library()

register.filter("mark_hidden", privacy.mark_hidden)
register.filter("mark_too_few", privacy.mark_too_few)
register.filter("mark_small", privacy.mark_small)
