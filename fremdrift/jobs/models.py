"""The scheduled jobs' runs: when each last started and succeeded, and who holds it now."""

from django.db import models


class JobRun(models.Model):
    """One row per job. `running_until` is the lease of the server running it: while it lies
    in the future no other server starts the job (a crashed run frees it when it passes)."""

    name = models.CharField(max_length=60, unique=True)
    running_until = models.DateTimeField(null=True, blank=True)
    last_started = models.DateTimeField(null=True, blank=True)
    last_succeeded = models.DateTimeField(null=True, blank=True)
    last_failed = models.DateTimeField(null=True, blank=True)
    last_message = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.name
