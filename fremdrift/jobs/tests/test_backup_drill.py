"""The backup drill, on SQLite and on PostgreSQL alike: `manage.py backup`, then
`manage.py restore` into a new database by another process, as an operator would on a new
server. The restored database gives the same group reports and the same citizen page, still
refuses to change an access-log row, and a server started on it with another
FREMDRIFT_FIELD_KEY refuses to start, saying why. A transactional test, in a file of its own:
a backup is read by another connection, which sees committed rows only."""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from fremdrift.citizens.models import Citizen
from fremdrift.citizens.selectors import FIELD_KEY_MISMATCH
from fremdrift.core.tests.test_production_server import free_port
from fremdrift.reports.tests.test_goals import plans_cohort
from fremdrift.reports.tests.test_progression import enrol_cohort

from .drill import figures, row_counts

ROOT = Path(__file__).resolve().parents[3]
ANOTHER_KEY = "another-field-key-than-the-one-the-data-was-made-with"

# Every database, the SQLite file of what each request writes included: the backup has them all.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True, databases="__all__")


@pytest.fixture
def new_database(tmp_path):
    """DATABASE_URL of a new, empty database on the engine the tests run on."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    current = connection.settings_dict
    name = f"{current['NAME']}_restored"
    quoted = connection.ops.quote_name(name)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {quoted}")
    user = quote(current["USER"] or "", safe="")
    password = f":{quote(current['PASSWORD'], safe='')}" if current["PASSWORD"] else ""
    host = current["HOST"] or "localhost"
    port = f":{current['PORT']}" if current["PORT"] else ""
    yield f"postgres://{user}{password}@{host}{port}/{name}"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")


def environment(database_url: str, *, field_key: str = settings.FREMDRIFT_FIELD_KEY) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "FREMDRIFT_FIELD_KEY": field_key,
        "DB_CONN_MAX_AGE": "0",
    }


def manage(*arguments: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def backup_and_restore(tmp_path: Path, database_url: str) -> None:
    call_command("backup", str(tmp_path / "backup"))
    restored = manage("restore", str(tmp_path / "backup"), env=environment(database_url))
    assert restored.returncode == 0, restored.stderr
    assert "FREMDRIFT_FIELD_KEY opens its CPR numbers" in restored.stdout


def gunicorn(database_url: str, field_key: str, port: int) -> subprocess.Popen:
    """The production server (deploy/gunicorn.conf.py) on the database, with one worker."""
    env = environment(database_url, field_key=field_key)
    env |= {"GUNICORN_WORKERS": "1", "PYTHONPATH": str(ROOT)}
    command = ["-m", "gunicorn", "--config", "deploy/gunicorn.conf.py"]
    return subprocess.Popen(
        [sys.executable, *command, "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_the_backup_and_restore_drill(world, tmp_path, new_database, settings):
    """Backup; restore into a new database (and again over it, with --force); the same group
    reports, citizen page and row counts; an access-log row cannot be changed; gunicorn
    refuses to start on it with another FREMDRIFT_FIELD_KEY, and starts with the right one.
    One test, so that its file is among the last that pytest-xdist hands out (it orders files
    by their number of tests, and the flush after a transactional test leaves the database
    without the data the migrations load)."""
    settings.FREMDRIFT_REQUEST_WRITES_OWN_FILE = True  # as in production, where it is restored
    enrol_cohort(world)
    plans_cohort(world)
    citizen = Citizen.objects.get(first_name="Deltager0")
    ids = (world.manager.pk, world.caseworker.pk, citizen.pk)
    before = figures(*ids)
    assert "\r\nSamlet score;8;" in before["reports"]["progression"]  # 8 with a follow-up
    assert "<svg" in before["citizen_page"]  # the movement wheel, drawn from the answers
    counts = row_counts()  # as the backup holds them, with the access log of the page above
    assert counts["audit.AccessLogEntry"] > 0

    backup_and_restore(tmp_path, new_database)
    code = f"from fremdrift.jobs.tests.drill import main; main{ids}"
    run = manage("shell", "-c", code, env=environment(new_database))
    assert run.returncode == 0, run.stderr
    after = json.loads(run.stdout.strip().splitlines()[-1])

    assert after["row_counts"] == counts
    assert after["figures"]["reports"] == before["reports"]
    assert after["figures"]["citizen_page"] == before["citizen_page"]
    assert "access-log rows cannot be changed" in after["access_log_update_refused"]

    # Once more over what it now holds, as over a damaged database: only with --force.
    again = manage("restore", "--force", str(tmp_path / "backup"), env=environment(new_database))
    assert again.returncode == 0, again.stderr

    # The production server: with another key its worker stops as it loads the application,
    # and gunicorn with it, before it serves anything.
    wrong = gunicorn(new_database, ANOTHER_KEY, free_port())
    output, _ = wrong.communicate(timeout=120)
    assert wrong.returncode != 0, output
    assert FIELD_KEY_MISMATCH in output
    # With the key the data was made with it serves.
    port = free_port()
    right = gunicorn(new_database, settings.FREMDRIFT_FIELD_KEY, port)
    log = []
    try:
        for line in right.stdout:  # until a worker boots; it loads the application next
            log.append(line)
            if "Booting worker" in line:
                break
        assert right.poll() is None, "".join(log)
        health = requests.get(f"http://127.0.0.1:{port}/healthz", timeout=60)
        assert health.status_code == 200, "".join(log)
        assert health.json()["status"] == "ok"
    finally:
        right.send_signal(signal.SIGTERM)
        right.communicate(timeout=60)
