"""How a person is named on a page: their full name, their user name only when they have no
name (an integration client without one, an account made by hand). The one helper that
histories, the token list, the imports and the access log use."""

from django import template

register = template.Library()


def person_name(user, fallback: str = "") -> str:
    """`user`'s full name, else their user name, else `fallback` (a user since deleted whose
    name a log row kept)."""
    if user is None:
        return fallback
    full = user.get_full_name().strip() if hasattr(user, "get_full_name") else ""
    return full or getattr(user, "username", "") or fallback


@register.filter(name="person_name")
def person_name_filter(user, fallback: str = "") -> str:
    """`{{ entry.user|person_name:entry.username }}`."""
    return person_name(user, fallback)
