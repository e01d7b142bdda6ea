from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from fremdrift.jobs.backup import BackupError, backup_write


class Command(BaseCommand):
    help = (
        "Writes a backup of every database into the new directory PATH: one file per database "
        "(PostgreSQL: pg_dump's custom format; SQLite: a copy by the online backup API) and "
        "manifest.json. Safe while Fremdrift runs. FREMDRIFT_FIELD_KEY is not in it: keep it "
        "apart."
    )
    requires_system_checks: list = []  # no need to load the URL conf and the reports

    def add_arguments(self, parser):
        parser.add_argument("path", help="a directory that does not exist yet (or is empty)")

    def handle(self, *args, **options):
        path = Path(options["path"])
        try:
            manifest = backup_write(path)
        except BackupError as error:
            raise CommandError(str(error)) from None
        for alias, database in manifest["databases"].items():
            self.stdout.write(f"{alias}: {database['engine']}, {path / database['file']}")
        self.stdout.write(
            f"Backup written to {path}. Restore it with `manage.py restore {path}` and the same "
            "FREMDRIFT_FIELD_KEY, which the backup does not hold."
        )
