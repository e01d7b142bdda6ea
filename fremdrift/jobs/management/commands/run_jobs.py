from django.core.management.base import BaseCommand, CommandError

from fremdrift.jobs.services import jobs_run_due


class Command(BaseCommand):
    help = (
        "Runs every scheduled job that is due, once (safe to run from cron every few minutes "
        "on several servers at once)."
    )

    def handle(self, *args, **options):
        outcomes = jobs_run_due()
        for outcome in outcomes:
            if not outcome.ran:
                self.stdout.write(f"{outcome.name}: not due, or running elsewhere")
            else:
                state = "done" if outcome.ok else "FAILED"
                self.stdout.write(f"{outcome.name}: {state}: {outcome.message}")
        if any(o.ran and not o.ok for o in outcomes):
            raise CommandError("A job failed; the others ran.")
