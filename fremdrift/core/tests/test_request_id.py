"""A request id on every response and on every log line written while answering it."""

import json
import logging

from fremdrift.core.log_format import JsonFormatter
from fremdrift.core.request_id import request_id


def test_every_response_has_a_request_id_and_its_log_lines_carry_it(db, client, caplog):
    response = client.get("/no-such-page/")
    given = response["X-Request-ID"]
    assert len(given) == 32
    [line] = [r for r in caplog.records if r.name == "django.request"]
    assert line.request_id == given
    # A proxy's own id is kept when it is a plain token, replaced when it is not.
    kept = client.get("/healthz", HTTP_X_REQUEST_ID="lb-0123456789")
    assert kept["X-Request-ID"] == "lb-0123456789"
    replaced = client.get("/healthz", HTTP_X_REQUEST_ID="<script>alert(1)</script>")
    assert replaced["X-Request-ID"] != "<script>alert(1)</script>"
    assert client.get("/healthz")["X-Request-ID"] != given


def test_json_log_lines_are_one_object_each():
    marker = request_id.set("run-jobs-0001")
    try:
        record = logging.getLogger("fremdrift.jobs").makeRecord(
            "fremdrift.jobs", logging.INFO, __file__, 1, "job %s", ("x",), None
        )
        line = json.loads(JsonFormatter().format(record))
    finally:
        request_id.reset(marker)
    assert line["message"] == "job x" and line["level"] == "INFO"
    assert line["request_id"] == "run-jobs-0001" and line["logger"] == "fremdrift.jobs"
