"""Code lists in the API take `updated_since`, so that another system can keep in step with
them as with the citizens' resources. (Moved from `api/tests/test_reference_data.py`.)"""

import datetime as dt

from django.utils import timezone

from fremdrift.codelists.models import Code

API = "/api/v1"


def _codes_since(client, code_list: str, moment: dt.datetime, headers) -> list[str]:
    response = client.get(
        f"{API}/codelists/{code_list}", {"updated_since": moment.isoformat()}, **headers
    )
    assert response.status_code == 200
    return [code["code"] for code in response.json()["codes"]]


def test_codes_since_a_moment_are_those_changed_at_or_after_it(world, client, bearer):
    headers = bearer(world.provider_staff)
    everything = client.get(f"{API}/codelists/exit_reason", **headers).json()["codes"]
    assert len(everything) > 1
    assert all("updated_at" in code for code in everything)

    before = timezone.now()
    assert _codes_since(client, "exit_reason", before, headers) == []
    code = Code.objects.get(code_list="exit_reason", code="job")
    code.label_en = "Ordinary employment"
    code.save()
    since = client.get(
        f"{API}/codelists/exit_reason", {"updated_since": before.isoformat()}, **headers
    ).json()
    assert since["code_list"] == "exit_reason"
    assert [(c["code"], c["parent"], c["label_en"]) for c in since["codes"]] == [
        ("job", "self_support", "Ordinary employment")
    ]
    # Only this list: the change is not served in another.
    assert _codes_since(client, "target_group", before, headers) == []

    code.refresh_from_db()
    assert _codes_since(client, "exit_reason", code.updated_at, headers) == ["job"]
    later = code.updated_at + dt.timedelta(microseconds=1)
    assert _codes_since(client, "exit_reason", later, headers) == []
