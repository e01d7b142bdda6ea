from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import HttpBearer

from fremdrift.audit.context import api_token_id

from .scopes import scope_needed, scopes_allow
from .selectors import client_scopes, token_user
from .services import api_token_touch


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <key>`. The request then acts as the token's integration client,
    through the same scoping function and access log as the pages, within the client's
    scopes."""

    def authenticate(self, request, token: str):
        found, user = token_user(token)
        if user is None:
            return None
        needed = scope_needed(request.method, request.path)
        if not scopes_allow(client_scopes(user), needed):
            raise HttpError(
                403,
                _("The integration client has no scope %(scope)s.") % {"scope": needed},
            )
        api_token_touch(token=found)
        api_token_id.set(found.pk)
        request.user = user
        return user
