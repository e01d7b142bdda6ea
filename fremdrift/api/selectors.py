from django.utils import timezone

from .models import ApiToken
from .services import key_hash


def token_user(key: str):
    """The active user of a valid, unexpired, unrevoked token, or None."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=key_hash(key), revoked_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if token is None or not token.user.is_active:
        return None, None
    return token, token.user
