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
        # Not when the test runner makes a test database (always with run_syncdb): it migrates
        # each alias's test database itself.
        if (
            options["database"] == "default"
            and not options["run_syncdb"]
            and ALIAS in settings.DATABASES
        ):
            super().handle(*args, **{**options, "database": ALIAS})
