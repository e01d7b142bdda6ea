import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse

from fremdrift.core.redaction import CprRedactingExceptionReporterFilter, RedactCprFilter
from fremdrift.testing import signed_in

ROOT = Path(__file__).resolve().parents[3]
REAL_SECRET_KEY = "k7Qm2Vx9Lp4Rt8Wz1Nc6Hb3Jd5Fg0Ys-a7Qm2Vx9Lp4Rt8Wz1Nc6Hb3"


def run_django(code: str, **env) -> subprocess.CompletedProcess:
    """Runs `code` in a fresh Python with Django set up under the given environment."""
    environment = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    environment.pop("FREMDRIFT_FIELD_KEY", None)
    environment.update(env)
    environment["DJANGO_SETTINGS_MODULE"] = "fremdrift.settings"
    script = "import django; django.setup()\n" + code
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,  # a bound for a slow machine, not a wait
    )


def test_healthz_reports_ok(db, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "migrations": "applied",
        "jobs": {},
    }


def test_healthz_answers_503_with_the_reason_when_the_database_is_down():
    code = (
        "from django.test import Client\n"
        "r = Client().get('/healthz')\n"
        "print(r.status_code, r.content.decode())\n"
    )
    result = run_django(code, DATABASE_URL="postgres://nobody@127.0.0.1:1/none")
    status, body = result.stdout.strip().split(" ", 1)
    assert status == "503", result.stderr
    assert json.loads(body) == {"status": "error", "database": "OperationalError"}


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEBUG": "false"}, "SECRET_KEY"),
        ({"DEBUG": "false", "SECRET_KEY": REAL_SECRET_KEY}, "FREMDRIFT_FIELD_KEY"),
        ({"DEBUG": "false", "SECRET_KEY": "short", "FREMDRIFT_FIELD_KEY": "k" * 40}, "SECRET_KEY"),
        ({"DEBUG": "false", "SECRET_KEY": "s" * 60, "FREMDRIFT_FIELD_KEY": "k" * 40}, "SECRET_KEY"),
        ({"DEBUG": "maybe"}, "DEBUG must be true or false"),
    ],
)
def test_production_refuses_to_start_without_real_secrets(env, message):
    result = run_django("print('started')", **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr


def test_production_starts_with_real_secrets_and_secure_cookies():
    code = (
        "from django.conf import settings as s\n"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY)\n"
    )
    result = run_django(
        code,
        DEBUG="false",
        SECRET_KEY=REAL_SECRET_KEY,
        FREMDRIFT_FIELD_KEY="k" * 40,
        ALLOWED_HOSTS="fremdrift.example",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "True"]


def test_sessions_end_after_30_minutes_idle_and_at_logout(world, client):
    assert settings.SESSION_COOKIE_AGE == 1800 and settings.SESSION_SAVE_EVERY_REQUEST
    signed_in(client, world.caseworker)
    assert client.get("/citizens/").status_code == 200
    response = client.post(reverse("signin:logout"))
    assert response.status_code == 200
    assert client.get("/citizens/").status_code == 302


def test_pages_with_personal_data_are_not_stored(world, login):
    client = login(world.caseworker)
    response = client.get(reverse("citizens:detail", args=[world.citizen.pk]))
    assert "no-store" in response["Cache-Control"]


def test_login_with_the_right_password_lands_a_caseworker_on_the_worklist(world, client):
    """The worklist ("Mit overblik") at `/`; the caseload stays at `/citizens/`."""
    world.caseworker.set_password("a long enough password")
    world.caseworker.save()
    response = client.post(
        "/accounts/login/", {"username": "caseworker", "password": "a long enough password"}
    )
    assert response.status_code == 302 and response["Location"] == "/"
    landing = client.get("/")
    assert landing.status_code == 200 and "worklist" in landing.context
    assert client.get("/citizens/").status_code == 200


def test_failed_logins_lock_only_that_user_name_from_that_address(world):
    world.caseworker.set_password("the right password")
    world.caseworker.save()
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attacker.post("/accounts/login/", {"username": "caseworker", "password": "wrong"})
    locked = attacker.post(
        "/accounts/login/", {"username": "caseworker", "password": "the right password"}
    )
    assert locked.status_code == 429
    # The real user, from their own address, still gets in.
    office = Client(REMOTE_ADDR="198.51.100.20")
    response = office.post(
        "/accounts/login/", {"username": "caseworker", "password": "the right password"}
    )
    assert response.status_code == 302


def test_the_interface_is_danish_first_with_an_english_switch(world, login):
    client = login(world.caseworker)
    danish = client.get("/citizens/", headers={"Accept-Language": "en-US,en"}).content.decode()
    assert 'lang="da"' in danish and "Borgere" in danish and "Log ud" in danish
    client.post("/i18n/setlang/", {"language": "en", "next": "/citizens/"})
    english = client.get("/citizens/").content.decode()
    assert 'lang="en"' in english and "Citizens" in english and "Log out" in english


def test_log_lines_never_hold_a_cpr_number():
    stream = __import__("io").StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactCprFilter())
    logger = logging.getLogger("fremdrift.test.redaction")
    logger.addHandler(handler)
    try:
        logger.warning('"GET /citizens/?q=%s HTTP/1.1" 200', "0101901234")
        logger.warning("Looked up 010190-1234 and 1231231234567")
        try:
            raise ValueError("bad cpr 0101901234")
        except ValueError:
            logger.exception("failed")
    finally:
        logger.removeHandler(handler)
    out = stream.getvalue()
    assert "0101901234" not in out and "010190-1234" not in out
    assert "/citizens/?q=010190-XXXX" in out
    assert "1231231234567" in out  # longer numbers are not CPR numbers
    assert "bad cpr 010190-XXXX" in out


def test_every_log_handler_redacts_cpr_numbers():
    for name, handler in settings.LOGGING["handlers"].items():
        assert "redact_cpr" in handler.get("filters", []), name


def test_error_reports_hide_cpr_numbers_in_the_request():
    from django.views.debug import get_exception_reporter_class

    request = RequestFactory().post("/citizens/new/?q=0101901234", {"cpr": "010190-1234"})
    try:
        cpr = "0101901234"  # noqa: F841 - a local variable the traceback shows
        raise RuntimeError("boom")
    except RuntimeError:
        reporter = get_exception_reporter_class(request)(request, *sys.exc_info())
        assert isinstance(reporter.filter, CprRedactingExceptionReporterFilter)
        html = reporter.get_traceback_html()
        text = reporter.get_traceback_text()
    assert "boom" in html
    for report in (html, text):
        assert "0101901234" not in report and "010190-1234" not in report


def test_error_pages_do_not_echo_the_request(db, client):
    response = client.get("/citizens/0101901234/?q=0101901234")
    assert response.status_code == 400  # a CPR number in the query: refused before anything
    assert "0101901234" not in response.content.decode()


def test_production_collects_and_compresses_the_static_files(tmp_path):
    result = run_django(
        "from django.core.management import call_command\n"
        "call_command('collectstatic', interactive=False, verbosity=0)\n",
        DEBUG="false",
        SECRET_KEY=REAL_SECRET_KEY,
        FREMDRIFT_FIELD_KEY="k" * 40,
        STATIC_ROOT=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())
    assert "vendor/dkfds/css/dkfds.min.css" in manifest["paths"]
    assert (tmp_path / "vendor/dkfds/VERSION").read_text().startswith("dkfds ")
