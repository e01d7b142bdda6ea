from django.utils import timezone

from fremdrift.accounts.models import User

from .models import ApiToken, IntegrationClient
from .services import key_hash


def token_user(key: str):
    """The token and its active integration client, for a valid, unexpired, unrevoked token
    (else None, None). A token of a person's, from before tokens were for clients only, is
    refused."""
    token = (
        ApiToken.objects.select_related("user", "user__integration_client")
        .filter(
            key_hash=key_hash(key),
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
            user__kind=User.Kind.SYSTEM,
        )
        .first()
    )
    if token is None or not token.user.is_active:
        return None, None
    return token, token.user


def client_scopes(user) -> list[str]:
    """The scopes of an integration client (empty: all its role allows)."""
    try:
        return list(user.integration_client.scopes)
    except IntegrationClient.DoesNotExist:
        return []


def integration_clients(*, organisation_id: int):
    return (
        User.objects.filter(kind=User.Kind.SYSTEM, organisation_id=organisation_id)
        .select_related("organisation", "integration_client")
        .order_by("first_name")
    )


def tokens_of_client(*, client):
    """The tokens of one integration client, newest first, with who issued them."""
    return ApiToken.objects.filter(user=client).select_related("created_by")
