from django.conf import settings
from django.core.management.commands import migrate

from fremdrift.audit.routers import ALIAS


class Command(migrate.Command):
    help = (
        migrate.Command.help + " Run without --database, it also migrates the SQLite file of what "
        "every request writes (the access log, the sessions), where there is one."
    )

    def handle(self, *args, **options):
        super().handle(*args, **options)
        # Only an operator's `manage.py migrate`: the test runner migrates each test database
        # by its alias itself.
        if (
            getattr(self, "_called_from_command_line", False)
            and options["database"] == "default"
            and ALIAS in settings.DATABASES
        ):
            super().handle(*args, **{**options, "database": ALIAS})
