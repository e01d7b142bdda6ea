from django.conf import settings
from django.contrib.auth.backends import ModelBackend

from .access import is_integration_client


class PersonBackend(ModelBackend):
    """Django's user name and password sign-in, for persons only: an integration client can
    neither sign in nor keep a session, whatever its password."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not settings.FREMDRIFT_LOCAL_LOGIN:
            return None  # everyone signs in through the organisation's identity provider
        return super().authenticate(request, username, password, **kwargs)

    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and not is_integration_client(user)
