from django.conf import settings
from django.core.management.base import BaseCommand

from fremdrift.audit.services import access_log_purge


class Command(BaseCommand):
    help = "Deletes access-log rows older than FREMDRIFT_ACCESS_LOG_RETENTION_DAYS. Run daily."

    def handle(self, *args, **options):
        count = access_log_purge()
        self.stdout.write(
            f"Deleted {count} access-log rows older than "
            f"{settings.FREMDRIFT_ACCESS_LOG_RETENTION_DAYS} days."
        )
