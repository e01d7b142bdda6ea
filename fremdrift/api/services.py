import datetime as dt
import hashlib
import secrets

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from fremdrift.accounts.access import is_administrator, is_integration_client
from fremdrift.accounts.models import Organisation, User
from fremdrift.accounts.roles import Role
from fremdrift.audit.models import ChangeRecord
from fremdrift.audit.services import (
    audited_create,
    change_record_write,
    user_access_record,
    user_access_state,
)

from .models import ApiToken, IntegrationClient
from .scopes import all_scopes

MAX_DAYS = 730
CLIENT_USERNAME_PREFIX = "integration-"


@transaction.atomic
def integration_client_create(
    *, actor, name: str, organisation: Organisation, role: str, scopes: list[str] | None = None
) -> User:
    """A system user for another system, which then gets tokens of its own. It acts with
    `role` in `organisation`, narrowed to `scopes` if any are given; it can never sign in."""
    name = name.strip()
    scopes = sorted(set(scopes or []))
    username = CLIENT_USERNAME_PREFIX + slugify(name, allow_unicode=True)[:100]
    errors = {}
    if not is_administrator(actor):
        errors["__all__"] = _("Only administrators create integration clients.")
    if not name or not slugify(name, allow_unicode=True):
        errors["name"] = _("Give the integration client a name, for example the system's name.")
    elif User.objects.filter(username=username).exists():
        errors["name"] = _("An integration client with this name exists already.")
    if role not in Role.values:
        errors["role"] = _("Choose a role.")
    if organisation is None or not organisation.is_active:
        errors["organisation"] = _("Choose an active organisation.")
    elif organisation.pk != actor.organisation_id:
        errors["organisation"] = _(
            "An administrator creates integration clients of their own organisation only."
        )
    unknown = [scope for scope in scopes if scope not in all_scopes()]
    if unknown:
        errors["scopes"] = _("Unknown scope: %(scope)s.") % {"scope": unknown[0]}
    if errors:
        raise ValidationError(errors)
    user = User.objects.create(
        username=username,
        first_name=name,
        kind=User.Kind.SYSTEM,
        organisation=organisation,
        role=role,
        password=make_password(None),
    )
    user_access_record(actor=actor, user=user, before=None)
    audited_create(
        actor=actor,
        model=IntegrationClient,
        data={"user": user, "scopes": scopes, "created_by": actor},
        tracked=("user", "scopes"),
    )
    return user


@transaction.atomic
def integration_client_change(
    *, actor, client: User, name: str, role: str, scopes: list[str], is_active: bool
) -> User:
    """Renames an integration client, changes its role or scopes, or deactivates it (its
    tokens stop working at once) or activates it again. The user name stays, so the access
    log's earlier rows still name the same client."""
    name = name.strip()
    scopes = sorted(set(scopes or []))
    errors = {}
    if not is_administrator(actor):
        errors["__all__"] = _("Only administrators change integration clients.")
    if not is_integration_client(client) or client.organisation_id != actor.organisation_id:
        errors["__all__"] = _("Not an integration client of your organisation.")
    if not name:
        errors["name"] = _("Give the integration client a name, for example the system's name.")
    if role not in Role.values:
        errors["role"] = _("Choose a role.")
    unknown = [scope for scope in scopes if scope not in all_scopes()]
    if unknown:
        errors["scopes"] = _("Unknown scope: %(scope)s.") % {"scope": unknown[0]}
    if errors:
        raise ValidationError(errors)
    user = User.objects.select_for_update().get(pk=client.pk)
    before = user_access_state(user)
    before_name = user.first_name
    user.first_name, user.role, user.is_active = name, role, is_active
    user.save(update_fields=["first_name", "role", "is_active"])
    user_access_record(actor=actor, user=user, before=before)
    change_record_write(
        actor=actor,
        instance=user,
        kind=ChangeRecord.Kind.UPDATE,
        before={"name": before_name},
        after={"name": name},
    )
    details, _created = IntegrationClient.objects.get_or_create(
        user=user, defaults={"created_by": actor}
    )
    if list(details.scopes) != scopes:
        before_scopes = list(details.scopes)
        details.scopes = scopes
        details.save(update_fields=["scopes"])
        change_record_write(
            actor=actor,
            instance=details,
            kind=ChangeRecord.Kind.UPDATE,
            before={"scopes": before_scopes},
            after={"scopes": scopes},
        )
    return user


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_token_issue(*, actor, user, name: str, days: int = 90) -> tuple[ApiToken, str]:
    """A new token for the integration client `user`; the key is returned once and only its
    hash is kept."""
    errors = {}
    if not name.strip():
        errors["name"] = _("Give the token a name, for example the system that uses it.")
    if not 1 <= days <= MAX_DAYS:
        errors["days"] = _("A token lasts from 1 to %(max)d days.") % {"max": MAX_DAYS}
    if not is_integration_client(user):
        errors["user"] = _(
            "Tokens are issued to integration clients only: a person signs in as themselves."
        )
    elif not user.is_active:
        errors["user"] = _("The integration client is not active.")
    elif user.organisation_id != actor.organisation_id:
        errors["user"] = _("The integration client belongs to another organisation.")
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
