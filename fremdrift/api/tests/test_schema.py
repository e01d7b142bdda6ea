"""Schemathesis against /api/v1/openapi.json: generated requests, a bounded number per
operation; no 5xx, every status code documented, and every response matches the schema.
(Lenient parsing, such as a Unix time accepted as `updated_since`, is not counted as a
failure.)"""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from fremdrift.api import services

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def token_headers(world, integration_client):
    # As Django's test client does: the test's database connection must outlive each request.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    _token, key = services.api_token_issue(
        actor=world.administrator, user=integration_client(world.caseworker), name="Schemathesis"
    )
    yield {"Authorization": f"Bearer {key}"}
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=15,
    derandomize=True,  # the same cases on every run, so CI does not flake
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_conforms_to_its_schema(case, token_headers):
    case.call_and_validate(
        headers=token_headers,
        checks=[not_a_server_error, status_code_conformance, response_schema_conformance],
    )
