"""An API body over the limit answers JSON 413, never a 500 or an HTML page."""

import json

from django.conf import settings


def test_a_body_over_the_limit_answers_json_413(world, client, bearer):
    body = json.dumps({"first_name": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})
    response = client.post(
        "/api/v1/citizens", body, content_type="application/json", **bearer(world.caseworker)
    )
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    assert "MB" in response.json()["detail"]
