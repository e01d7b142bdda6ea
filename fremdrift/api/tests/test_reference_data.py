"""Reference data in the API: code lists and instruments take `updated_since`, so that another
system can keep in step with them as with the citizens' resources. What each answers since a
moment is tested in its app (`codelists/tests/test_api.py`, `instruments/tests/test_api.py`);
here, what both do with a bad or odd moment and without a token."""

import pytest

API = "/api/v1"


@pytest.mark.parametrize(
    "moment",
    [
        "0001-01-01T00:00:00+05:00",
        "9999-12-31T23:59:59-05:00",
        "yesterday",
        "2026-13-01T00:00:00",
    ],
)
@pytest.mark.parametrize("path", ["instruments", "codelists/exit_reason"])
def test_a_bad_moment_is_refused_without_a_server_error(world, client, bearer, path, moment):
    response = client.get(f"{API}/{path}", {"updated_since": moment}, **bearer(world.caseworker))
    assert response.status_code in (400, 422)


@pytest.mark.parametrize("path", ["instruments", "codelists/exit_reason"])
@pytest.mark.parametrize("moment", ["2000-01-01T00:00:00", "1199-04-07T09:54:19.887-16:37"])
def test_a_moment_without_a_zone_or_with_an_odd_offset_is_answered(
    world, client, bearer, path, moment
):
    response = client.get(f"{API}/{path}", {"updated_since": moment}, **bearer(world.caseworker))
    assert response.status_code == 200
    assert response.json()


@pytest.mark.parametrize("path", ["instruments", "codelists/exit_reason"])
def test_reference_data_needs_a_token(db, client, path):
    response = client.get(f"{API}/{path}", {"updated_since": "2000-01-01T00:00:00Z"})
    assert response.status_code == 401
