"""What the backup drill compares (`test_backup_drill.py`): the group reports' CSV exports as
the manager gets them, one citizen's page as their caseworker sees it, and the number of rows
of the main tables. The test computes them on the database it backs up; `main`, run by

    manage.py shell -c "from fremdrift.jobs.tests.drill import main; main(M, C, Z)"

(the manager's, the caseworker's and the citizen's ids) with DATABASE_URL of the restored
database, prints them as JSON for that one, and whether it refuses to change an access-log
row."""

import json
import re

from django.db import DatabaseError, transaction
from django.test import Client

from fremdrift.accounts.models import User
from fremdrift.assessments.models import Assessment
from fremdrift.audit.models import AccessLogEntry, ChangeRecord
from fremdrift.citizens.models import Citizen
from fremdrift.instruments.models import Instrument
from fremdrift.programmes.models import Enrolment

CSRF_TOKEN = re.compile(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[A-Za-z0-9]+')


def row_counts() -> dict[str, int]:
    models = (Citizen, Enrolment, Assessment, ChangeRecord, AccessLogEntry)
    return {model._meta.label: model.objects.count() for model in models}


def figures(manager_id: int, caseworker_id: int, citizen_id: int) -> dict:
    wheel = Instrument.objects.get(code="adult_wheel").pk
    reports = {
        "progression": {"instrument": wheel},
        "comparison": {"instrument": wheel, "by": "target_group"},
        "goals": {},
        "monitoring": {},
        "quality": {},
    }
    manager = Client()
    manager.force_login(User.objects.get(pk=manager_id))
    exports = {}
    for name, query in reports.items():
        answer = manager.get(f"/reports/{name}/", query | {"format": "csv"})
        assert answer.status_code == 200, (name, answer.status_code)
        exports[name] = answer.content.decode("utf-8-sig")
    caseworker = Client()
    caseworker.force_login(User.objects.get(pk=caseworker_id))
    page = caseworker.get(f"/citizens/{citizen_id}/")
    assert page.status_code == 200, page.status_code
    return {"reports": exports, "citizen_page": CSRF_TOKEN.sub(r"\1-", page.content.decode())}


def access_log_update_refused() -> str:
    """The database's answer to changing an access-log row ('' if it let it change)."""
    entry = AccessLogEntry.objects.order_by("pk").first()
    try:
        with transaction.atomic():
            AccessLogEntry.objects.filter(pk=entry.pk).update(purpose="changed afterwards")
    except DatabaseError as error:
        return str(error)
    return ""


def main(manager_id: int, caseworker_id: int, citizen_id: int) -> None:
    counts = row_counts()  # before this run's own page reads add to the access log
    result = {
        "row_counts": counts,
        "figures": figures(manager_id, caseworker_id, citizen_id),
        "access_log_update_refused": access_log_update_refused(),
    }
    print(json.dumps(result))
