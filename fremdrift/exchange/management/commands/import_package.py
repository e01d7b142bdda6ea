from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from fremdrift.accounts.models import Role, User
from fremdrift.accounts.selectors import password_set_link
from fremdrift.exchange.services import exchange_actor, exchange_bootstrap, package_import


class Command(BaseCommand):
    requires_system_checks: list = []  # no need to load the URL conf and the reports
    help = (
        "Imports an exchange package (a folder or ZIP, docs/exchange-format.md). Every row is "
        "checked first; with any error nothing is imported."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--organisation",
            default="",
            help=(
                "the organisation to act for (required when several have administrators; in a "
                "new installation, the authority the package brings with its first administrator)"
            ),
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check and report, but write nothing"
        )

    def handle(self, *args, path, dry_run, **options):
        def progress(message: str) -> None:
            if options["verbosity"] >= 2:
                self.stdout.write(message)
                self.stdout.flush()

        first_administrator = None
        if options["organisation"] and not User.objects.filter(role=Role.ADMINISTRATOR).exists():
            # A new installation: the package brings its authority and first administrator.
            with transaction.atomic():
                try:
                    actor = exchange_bootstrap(path=path, organisation=options["organisation"])
                except ValidationError as error:
                    raise CommandError(error.messages[0]) from None
                result = package_import(actor=actor, path=path, dry_run=dry_run, progress=progress)
                if not result.written:
                    transaction.set_rollback(True)
                else:
                    first_administrator = actor
        else:
            try:
                actor = exchange_actor(options["organisation"])
            except ValidationError as error:
                raise CommandError(error.messages[0]) from None
            result = package_import(actor=actor, path=path, dry_run=dry_run, progress=progress)
        for error in result.errors:
            self.stderr.write(str(error))
        if result.error_count > len(result.errors):
            self.stderr.write(f"... and {result.error_count - len(result.errors)} more errors")
        if not result.ok:
            raise CommandError(f"{result.error_count} errors: nothing was imported.")
        for entity, counts in result.counts.items():
            summary = ", ".join(f"{n} {what}" for what, n in sorted(counts.items())) or "none"
            self.stdout.write(f"{entity}: {summary}")
        self.stdout.write(
            "Dry run: the package is valid; nothing was written."
            if dry_run
            else "Imported in one transaction."
        )
        if first_administrator is not None:
            self.stdout.write(
                f"The administrator {first_administrator.username} sets the password once, "
                f"within three days, at:\n{password_set_link(first_administrator)}"
            )
