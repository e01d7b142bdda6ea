from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from fremdrift.jobs.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restores the backup in PATH (made by `manage.py backup`) into the configured "
        "databases, which must be empty unless --force; then checks that FREMDRIFT_FIELD_KEY "
        "opens the restored CPR numbers. Stop the server and the jobs first."
    )
    requires_system_checks: list = []  # the databases it replaces may hold anything

    def add_arguments(self, parser):
        parser.add_argument("path", help="a directory written by `manage.py backup`")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace what the databases hold (without it a restore needs empty databases)",
        )

    def handle(self, *args, **options):
        path = Path(options["path"])
        try:
            restored = backup_restore(path, force=options["force"])
        except BackupError as error:
            raise CommandError(str(error)) from None
        for alias, database in restored.manifest["databases"].items():
            self.stdout.write(f"{alias}: restored from {path / database['file']}")
        self.stdout.write(
            f"Restored the backup made at {restored.manifest['made_at']}. "
            "FREMDRIFT_FIELD_KEY opens its CPR numbers."
        )
        for alias, count in restored.pending_migrations.items():
            self.stdout.write(
                f"{alias}: {count} migrations of this code are newer than the backup: "
                "run `python manage.py migrate`."
            )
