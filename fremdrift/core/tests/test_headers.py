"""Security headers: the Content-Security-Policy, HSTS, the HTTPS redirect and a clean
`check --deploy` with the production settings of the README."""

import json
import os
import re
import subprocess
import sys

import pytest
from django.test import override_settings

from .test_platform import REAL_SECRET_KEY, ROOT, run_django

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": REAL_SECRET_KEY,
    "FREMDRIFT_FIELD_KEY": "k" * 40,
    "ALLOWED_HOSTS": "fremdrift.example.dk",
    "CSRF_TRUSTED_ORIGINS": "https://fremdrift.example.dk",
}
SECURITY_SETTINGS = [
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_SSL_REDIRECT",
    "SECURE_REDIRECT_EXEMPT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
]


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    parsed = {}
    for part in policy.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def production_settings(**env) -> dict:
    code = (
        "import json\nfrom django.conf import settings as s\n"
        f"print(json.dumps({{name: getattr(s, name) for name in {SECURITY_SETTINGS!r}}}))\n"
    )
    result = run_django(code, **{**PRODUCTION, **env})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_every_page_forbids_inline_scripts_and_framing(world, login):
    response = login(world.caseworker).get(f"/citizens/{world.citizen.pk}/")
    policy = directives(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"].split("style-src")[0]


def test_login_page_api_docs_and_errors_carry_the_policy(db, client):
    for url in ["/accounts/login/", "/api/v1/docs", "/no-such-page/"]:
        response = client.get(url)
        assert directives(response)["script-src"] == ["'self'"], url


def test_api_docs_are_served_from_our_own_static_files(db, client):
    page = client.get("/api/v1/docs").content.decode()
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', page)
    assert sources
    assert all(source.startswith("/static/") for source in sources), sources


TEMPLATE_DIRS = [path for path in (ROOT / "fremdrift").glob("*/templates")]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>")
HANDLER_ATTRIBUTE = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)


def test_no_template_holds_an_inline_script_or_event_handler():
    templates = [path for folder in TEMPLATE_DIRS for path in folder.rglob("*.html")]
    assert len(templates) > 50
    offenders = []
    for path in templates:
        text = path.read_text()
        if INLINE_SCRIPT.search(text) or HANDLER_ATTRIBUTE.search(text) or "javascript:" in text:
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_production_turns_on_hsts_for_a_year_and_redirects_to_https():
    values = production_settings()
    assert values["SECURE_HSTS_SECONDS"] == 365 * 24 * 60 * 60
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert production_settings(SECURE_SSL_REDIRECT="false")["SECURE_SSL_REDIRECT"] is False


def test_production_headers_reach_the_browser(db, client):
    values = production_settings()
    values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    with override_settings(**values):
        plain = client.get("/accounts/login/")
        assert plain.status_code == 301
        assert plain["Location"] == "https://testserver/accounts/login/"
        assert client.get("/healthz").status_code == 200  # a load balancer's check over HTTP
        secure = client.get("/accounts/login/", headers={"x-forwarded-proto": "https"})
        assert secure.status_code == 200
        assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
        assert secure["X-Content-Type-Options"] == "nosniff"
        assert secure["X-Frame-Options"] == "DENY"
        assert directives(secure)["script-src"] == ["'self'"]


# Without preloading, the one check that asks for it is silenced (settings.py says why).
@pytest.mark.parametrize(("env", "silenced"), [({}, 1), ({"SECURE_HSTS_PRELOAD": "true"}, 0)])
def test_check_deploy_is_clean_with_the_readme_production_settings(env, silenced, tmp_path):
    environment = {
        **{k: v for k, v in os.environ.items() if k != "DEBUG"},
        **PRODUCTION,
        **env,
        "STATIC_ROOT": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"System check identified no issues ({silenced} silenced)" in result.stdout
