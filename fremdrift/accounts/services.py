from django.db import transaction

from .models import Organisation, Role, User


@transaction.atomic
def organisation_create(*, name: str, kind: str) -> Organisation:
    organisation = Organisation(name=name, kind=kind)
    organisation.full_clean()
    organisation.save()
    return organisation


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    organisation: Organisation,
    role: Role | str,
    first_name: str = "",
    last_name: str = "",
) -> User:
    user = User(
        username=username,
        organisation=organisation,
        role=role,
        first_name=first_name,
        last_name=last_name,
        # Administrators manage organisations, users and code lists in the admin site, where
        # no case data is registered.
        is_staff=role == Role.ADMINISTRATOR,
        is_superuser=role == Role.ADMINISTRATOR,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    return user
