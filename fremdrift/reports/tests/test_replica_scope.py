"""Which reads the reports send to a read replica, without one: a router that decides nothing
notes each read and whether it was made inside `reads_from_replica()`. Every report page,
export and API operation and the analysis dataset read their cohort there; the session, the
signed-in user and the other pages do not. The replica itself is tested by
`tests/replica/` (`make test-replica`)."""

import pytest
from django.db import router
from django.urls import reverse

from fremdrift.api.tests.test_reports_api import API, REPORTS, queries
from fremdrift.audit.models import AccessLogEntry
from fremdrift.core.routers import reads_from_replica, replica_reads_wanted
from fremdrift.reports.functions import read_side_by_side

from .test_dataset import export, grant


class ReadSpy:
    """The reads and writes Django asked the routers about: (model, inside the scope)."""

    def __init__(self):
        self.reads: list[tuple[str, bool]] = []
        self.writes: list[tuple[str, bool]] = []

    def db_for_read(self, model, **hints):
        self.reads.append((model._meta.label, replica_reads_wanted()))

    def db_for_write(self, model, **hints):
        self.writes.append((model._meta.label, replica_reads_wanted()))

    def scopes_of(self, label: str) -> set[bool]:
        return {inside for model, inside in self.reads if model == label}


@pytest.fixture
def spy(monkeypatch):
    found = ReadSpy()
    monkeypatch.setattr(router, "routers", [found, *router.routers])
    return found


@pytest.mark.parametrize("report", REPORTS)
@pytest.mark.parametrize("format", ["", "csv"])
def test_report_pages_and_exports_read_the_cohort_in_the_replica_scope(
    world,
    login,
    cohort,
    spy,
    report,
    format,
):
    client = login(world.manager)
    spy.reads.clear()
    response = client.get(reverse(f"reports:{report}"), {"format": format} if format else {})
    assert response.status_code == 200
    assert spy.scopes_of("programmes.Enrolment") == {True}
    assert spy.scopes_of("sessions.Session") == {False}


@pytest.mark.parametrize("report", REPORTS)
def test_report_api_operations_read_in_the_replica_scope(
    world,
    client,
    bearer,
    cohort,
    spy,
    report,
):
    headers = bearer(world.manager)
    spy.reads.clear()
    response = client.get(f"{API}/{report}", queries(report)[0], **headers)
    assert response.status_code == 200
    assert spy.scopes_of("programmes.Enrolment") == {True}
    assert spy.scopes_of("api.ApiToken") == {False}  # the token is checked on the primary


def test_the_dataset_reads_in_the_replica_scope_and_writes_its_access_log_there_too(
    world,
    login,
    cohort,
    spy,
):
    """The access-log entry is written while the scope is on; the router sends writes to the
    primary all the same (`core/tests/test_routers.py`, and on a real replica
    `tests/replica/`)."""
    grant(world.manager)
    client = login(world.manager)
    spy.reads.clear()
    assert export(client).status_code == 200
    assert spy.scopes_of("assessments.Answer") == {True}
    assert spy.scopes_of("programmes.Enrolment") == {True}
    assert ("audit.AccessLogEntry", True) in spy.writes
    assert AccessLogEntry.objects.get(action="export")._state.db == "default"


def test_pages_read_outside_the_replica_scope(world, login, cohort, spy):
    client = login(world.caseworker)
    for path in (reverse("citizens:list"), reverse("citizens:detail", args=[world.citizen.pk])):
        assert client.get(path).status_code == 200
    assert login(world.manager).get(reverse("reports:index")).status_code == 200
    dataset_form = login(world.manager).get(reverse("reports:dataset"))
    assert dataset_form.status_code == 200
    assert spy.reads and {inside for _model, inside in spy.reads} == {False}


def test_the_scope_reaches_the_threads_that_read_side_by_side():
    with reads_from_replica():
        assert read_side_by_side(replica_reads_wanted, replica_reads_wanted) == [True, True]
    assert read_side_by_side(replica_reads_wanted, replica_reads_wanted) == [False, False]
