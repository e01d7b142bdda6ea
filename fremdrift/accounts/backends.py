from django.contrib.auth.backends import ModelBackend

from .access import is_integration_client


class PersonBackend(ModelBackend):
    """Django's user name and password sign-in, for persons only: an integration client can
    neither sign in nor keep a session, whatever its password."""

    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and not is_integration_client(user)
