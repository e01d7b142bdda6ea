"""/healthz for the load balancer and the operators: the database, the migrations, and when
each scheduled job last ran."""

import json

from django.core.management import call_command

from fremdrift.core.tests.test_platform import run_django


def test_healthz_reports_when_each_job_last_succeeded(db, client):
    call_command("run_jobs")
    answer = client.get("/healthz").json()
    assert answer["status"] == "ok" and answer["migrations"] == "applied"
    assert set(answer["jobs"]) == {
        "purge_access_log",
        "due_dates",
        "erasure_due",
        "caseworker_digest",
        "self_assessment_drafts",
    }
    assert all(run["last_succeeded"] and not run["last_failed"] for run in answer["jobs"].values())


def test_healthz_answers_503_while_a_migration_is_pending(tmp_path):
    """A server whose code is ahead of its database is taken out of the load balancer."""
    code = (
        "from django.core.management import call_command\n"
        "from django.test import Client\n"
        "call_command('migrate', verbosity=0)\n"
        "call_command('migrate', 'jobs', 'zero', verbosity=0)\n"
        "r = Client().get('/healthz')\n"
        "print(r.status_code, r.content.decode())\n"
    )
    result = run_django(code, DATABASE_URL=f"sqlite:///{tmp_path / 'behind.sqlite3'}")
    status, body = result.stdout.strip().splitlines()[-1].split(" ", 1)
    assert status == "503", result.stderr
    assert json.loads(body)["migrations"] == "pending"
