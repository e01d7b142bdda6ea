import datetime as dt
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fremdrift.audit.models import ChangeRecord
from fremdrift.audit.services import audited_create, change_record_write

from .models import ApiToken

MAX_DAYS = 730


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_token_issue(*, actor, user, name: str, days: int = 90) -> tuple[ApiToken, str]:
    """A new token for `user`; the key is returned once and only its hash is kept."""
    errors = {}
    if not name.strip():
        errors["name"] = _("Give the token a name, for example the system that uses it.")
    if not 1 <= days <= MAX_DAYS:
        errors["days"] = _("A token lasts from 1 to %(max)d days.") % {"max": MAX_DAYS}
    if not user.is_active:
        errors["user"] = _("The user is not active.")
    if errors:
        raise ValidationError(errors)
    key = "fr_" + secrets.token_urlsafe(32)
    token = audited_create(
        actor=actor,
        model=ApiToken,
        data={
            "user": user,
            "name": name.strip(),
            "prefix": key[3:11],
            "key_hash": key_hash(key),
            "created_by": actor,
            "expires_at": timezone.now() + dt.timedelta(days=days),
        },
        tracked=("user", "name", "prefix", "expires_at"),
    )
    return token, key


@transaction.atomic
def api_token_revoke(*, actor, token: ApiToken) -> ApiToken:
    current = ApiToken.objects.select_for_update().get(pk=token.pk)
    if current.revoked_at is None:
        current.revoked_at = timezone.now()
        current.save(update_fields=["revoked_at"])
        change_record_write(
            actor=actor,
            instance=current,
            kind=ChangeRecord.Kind.UPDATE,
            before={"revoked_at": None},
            after={"revoked_at": current.revoked_at.isoformat()},
        )
    return current


def api_token_touch(*, token: ApiToken) -> None:
    """Notes when a token was last used, at most once a minute."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
