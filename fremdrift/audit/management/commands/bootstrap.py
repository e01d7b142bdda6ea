from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from fremdrift.accounts.selectors import password_set_link
from fremdrift.audit.services import installation_bootstrap


class Command(BaseCommand):
    help = (
        "Creates the first organisation and its first administrator on a new installation "
        "and prints a one-time link to set the password. Refused once an administrator exists."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organisation", required=True, help='e.g. "Jobcenter Fremby"')
        parser.add_argument(
            "--kind", default="authority", help="authority (default), provider or project"
        )
        parser.add_argument("--admin", required=True, help="the administrator's user name")
        parser.add_argument("--email", required=True)
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")

    def handle(self, *args, **options):
        try:
            user = installation_bootstrap(
                organisation_name=options["organisation"],
                kind=options["kind"],
                username=options["admin"],
                email=options["email"],
                first_name=options["first_name"],
                last_name=options["last_name"],
            )
        except ValidationError as error:
            option = {"username": "admin", "organisation": "organisation"}
            raise CommandError(
                "; ".join(
                    f"--{option.get(field, field).replace('_', '-')}: {' '.join(messages)}"
                    for field, messages in error.message_dict.items()
                )
            ) from None
        hours = settings.PASSWORD_RESET_TIMEOUT // 3600
        self.stdout.write(
            f"Created {user.organisation.name} and its administrator {user.username}.\n"
            f"Set the password within {hours} hours, once, at:\n{password_set_link(user)}"
        )
