from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from fremdrift.exchange.services import exchange_actor, package_export


class Command(BaseCommand):
    requires_system_checks: list = []  # no need to load the URL conf and the reports
    help = "Writes the whole database as an exchange package into the folder PATH."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--organisation",
            default="",
            help="whose administrator the export is logged as (when several have one)",
        )

    def handle(self, *args, path, **options):
        try:
            actor = exchange_actor(options["organisation"])
        except ValidationError as error:
            raise CommandError(error.messages[0]) from None
        for name, count in package_export(actor=actor, path=path).items():
            self.stdout.write(f"{name}: {count} rows")
