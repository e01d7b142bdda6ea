"""The scheduled jobs: each due job runs once, never twice at the same time (several servers
run `run_jobs` from cron), a failed job is kept and does not stop the others; the daily digest
names citizens by case number and first name only."""

import datetime as dt
import socket

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from fremdrift.assessments import services as assessment_services
from fremdrift.assessments.models import Follow
from fremdrift.assessments.services import follows_due_dates_refresh
from fremdrift.audit.models import AccessLogEntry
from fremdrift.instruments.models import Instrument
from fremdrift.jobs.digest import digests_send
from fremdrift.jobs.models import JobRun
from fremdrift.jobs.registry import Job
from fremdrift.jobs.services import LEASE, jobs_run_due

NOW = timezone.make_aware(dt.datetime(2026, 12, 4, 6, 0))


def counting(name: str, runs: list, fails: bool = False) -> Job:
    def run() -> str:
        runs.append(name)
        if fails:
            raise RuntimeError("the mail server is down")
        return "done"

    return Job(name, dt.timedelta(days=1), run)


def test_a_due_job_runs_once_and_again_when_it_is_due_again(db):
    runs: list = []
    job = counting("daily", runs)
    assert [o.ran for o in jobs_run_due(now=NOW, jobs=[job])] == [True]
    assert [o.ran for o in jobs_run_due(now=NOW + dt.timedelta(hours=23), jobs=[job])] == [False]
    assert [o.ran for o in jobs_run_due(now=NOW + dt.timedelta(days=1), jobs=[job])] == [True]
    assert runs == ["daily", "daily"]
    run = JobRun.objects.get(name="daily")
    assert run.last_succeeded == NOW + dt.timedelta(days=1) and run.running_until is None


def test_a_job_another_server_is_running_is_left_alone_until_its_lease_ends(db):
    runs: list = []
    job = counting("daily", runs)
    JobRun.objects.create(name="daily", running_until=NOW + dt.timedelta(minutes=30))
    assert jobs_run_due(now=NOW, jobs=[job])[0].ran is False
    # A server that crashed mid-run frees the job when its lease has passed.
    assert jobs_run_due(now=NOW + LEASE, jobs=[job])[0].ran is True
    assert runs == ["daily"]


def test_a_failed_job_is_kept_and_the_others_still_run(db):
    runs: list = []
    outcomes = jobs_run_due(
        now=NOW, jobs=[counting("broken", runs, fails=True), counting("fine", runs)]
    )
    assert [(o.name, o.ok) for o in outcomes] == [("broken", False), ("fine", True)]
    broken = JobRun.objects.get(name="broken")
    assert broken.last_failed and broken.last_succeeded is None
    assert broken.last_message == "the mail server is down" and broken.running_until is None
    assert jobs_run_due(now=NOW, jobs=[counting("broken", runs)])[0].ran  # retried at once


def test_the_command_runs_the_registered_jobs(db, capsys):
    call_command("run_jobs")
    out = capsys.readouterr().out
    assert "purge_access_log: done" in out and "caseworker_digest: done" in out
    call_command("run_jobs")
    assert "purge_access_log: not due" in capsys.readouterr().out


def test_the_command_fails_when_a_job_fails(world, settings, capsys):
    """The mail server is down: the digest fails, is kept as failed, and cron hears of it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port
    something_due(world)
    with pytest.raises(CommandError):
        call_command("run_jobs")
    assert "caseworker_digest: FAILED" in capsys.readouterr().out
    assert JobRun.objects.get(name="caseworker_digest").last_failed is not None
    assert JobRun.objects.get(name="purge_access_log").last_succeeded is not None


def something_due(world) -> None:
    """The caseworker (with an address) has a citizen whose baseline is three days overdue."""
    from fremdrift.assessments.services import follow_start

    world.caseworker.email = "sagsbehandler@nord.dk"
    world.caseworker.save(update_fields=["email"])
    follow_start(
        actor=world.caseworker,
        citizen=world.citizen,
        instrument=Instrument.objects.get(code="adult_wheel"),
        start_date=dt.date.today() - dt.timedelta(days=3),
        every_days=14,
    )


def test_the_digest_names_case_numbers_and_first_names_only(world):
    something_due(world)
    today = dt.date.today()
    assert digests_send(today) == "1 digests sent"
    [message] = mail.outbox
    assert message.to == ["sagsbehandler@nord.dk"]
    assert f"Sag {world.citizen.pk} ({world.citizen.first_name})" in message.body
    assert "forfalden siden" in message.body
    assert world.citizen.last_name not in message.body
    assert world.citizen.birth_date.strftime("%d%m%y") not in message.body
    # The mail shows personal data: the caseworker's access log has it, with its citizen.
    entry = AccessLogEntry.objects.get(user=world.caseworker, purpose="Dagligt overblik på mail")
    assert list(entry.subjects.values_list("citizen_id", flat=True)) == [world.citizen.pk]
    mail.outbox.clear()
    world.colleague.email = "kollega@nord.dk"
    world.colleague.save(update_fields=["email"])
    assert digests_send(today) == "1 digests sent"  # nothing due for the colleague: no mail


def test_the_due_dates_job_puts_back_a_due_date_that_went_astray(world):
    """After a cadence change made outside the pages (here: a due date moved in the database),
    the nightly job recomputes every active follow's next due date, and only the wrong one."""
    wheel = Instrument.objects.get(code="adult_wheel")
    started = dt.date(2026, 11, 2)
    follows = [
        assessment_services.follow_start(
            actor=world.caseworker, citizen=c, instrument=wheel, start_date=started, every_days=14
        )
        for c in (world.citizen, world.teammates_citizen)
    ]
    assert [Follow.objects.get(pk=f.pk).next_due for f in follows] == [started, started]
    Follow.objects.filter(pk=follows[0].pk).update(next_due=dt.date(2027, 1, 1))
    assert follows_due_dates_refresh(today=dt.date(2026, 12, 4)) == 1
    assert Follow.objects.get(pk=follows[0].pk).next_due == started
    assert follows_due_dates_refresh(today=dt.date(2026, 12, 4)) == 0
    call_command("run_jobs")
    assert JobRun.objects.get(name="due_dates").last_message == "0 due dates corrected"
