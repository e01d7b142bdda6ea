from ninja.security import HttpBearer

from fremdrift.audit.context import api_token_id

from .selectors import token_user
from .services import api_token_touch


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <key>`. The request then acts as the token's user, through the
    same scoping function and access log as the pages."""

    def authenticate(self, request, token: str):
        found, user = token_user(token)
        if user is None:
            return None
        api_token_touch(token=found)
        api_token_id.set(found.pk)
        request.user = user
        return user
