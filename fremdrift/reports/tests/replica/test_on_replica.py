"""The reports on a real read replica: with committed data replayed there, every report page
export, every report API operation and the analysis dataset give the figures computed on the
primary, while their statements run on the replica; the session, the access log and any write
made in the replica scope stay on the primary."""

import csv
import io

import pytest
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fremdrift.api.tests.test_reports_api import API, DATA, REPORTS, queries
from fremdrift.audit.models import AccessLogEntry, ChangeRecord
from fremdrift.citizens.models import Citizen
from fremdrift.citizens.services import citizen_update
from fremdrift.core.routers import reads_from_replica
from fremdrift.reports.functions import read_side_by_side
from fremdrift.reports.tests.test_dataset import export, grant

pytestmark = pytest.mark.django_db(
    transaction=True, serialized_rollback=True, databases=["default", "replica"]
)


def run_on(alias: str, sql: str):
    with connections[alias].cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def reads(queries, table: str) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].startswith("SELECT") and f'"{table}"' in q["sql"]]


def test_the_replica_is_a_standby_of_the_test_database(replica_caught_up):
    replica_caught_up()
    assert run_on("replica", "SELECT pg_is_in_recovery()") is True
    assert run_on("default", "SELECT pg_is_in_recovery()") is False
    assert run_on("replica", "SELECT current_database()") == run_on(
        "default", "SELECT current_database()"
    )
    assert run_on("replica", "SELECT inet_server_port()") != run_on(
        "default", "SELECT inet_server_port()"
    )
    assert run_on("replica", "SHOW transaction_read_only") == "on"


def test_the_reads_side_by_side_run_on_the_replica_too(world, replica_caught_up):
    """The progression report's second connection, in a thread of its own, reads from the
    replica's copy of the test database like the first."""

    def where() -> tuple:
        alias = Citizen.objects.all().db
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT current_database(), pg_is_in_recovery()")
            return alias, *cursor.fetchone()

    replica_caught_up()
    test_database = run_on("default", "SELECT current_database()")
    with reads_from_replica():
        found = read_side_by_side(where, where)
    assert found == [("replica", test_database, True)] * 2


@pytest.mark.parametrize("report", REPORTS)
def test_each_report_reads_its_figures_from_the_replica(
    request, world, client, login, bearer, replica_caught_up, report
):
    request.getfixturevalue(DATA[report])
    api_query, page_query = queries(report)
    headers = bearer(world.manager)
    page = login(world.manager)
    url = reverse(f"reports:{report}")
    csv_query = page_query | {"format": "csv"}
    # Inside a transaction on the primary the reports read there: the figures to compare with.
    with CaptureQueriesContext(connections["replica"]) as none_on_replica, transaction.atomic():
        primary_csv = page.get(url, csv_query)
        primary_json = client.get(f"{API}/{report}", api_query, **headers)
    assert none_on_replica.captured_queries == []

    replica_caught_up()
    with (
        CaptureQueriesContext(connections["replica"]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        replica_csv = page.get(url, csv_query)
        replica_json = client.get(f"{API}/{report}", api_query, **headers)

    assert primary_csv.status_code == replica_csv.status_code == 200
    assert replica_csv.content == primary_csv.content
    assert primary_json.status_code == replica_json.status_code == 200
    assert replica_json.json() == primary_json.json()
    assert replica_json.json()["citizens"] > 0
    assert len(reads(on_replica.captured_queries, "programmes_enrolment")) >= 2  # page and API
    assert reads(on_primary.captured_queries, "programmes_enrolment") == []
    assert reads(on_primary.captured_queries, "django_session")  # the session stays there


def test_the_dataset_reads_the_replica_and_logs_its_export_on_the_primary(
    world, login, cohort, replica_caught_up
):
    grant(world.manager)
    client = login(world.manager)
    with transaction.atomic():
        primary_rows = rows_of(export(client))
    replica_caught_up()
    with (
        CaptureQueriesContext(connections["replica"]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        response = export(client)
    assert response.status_code == 200
    replica_rows = rows_of(response)
    # The pseudonyms of citizens and enrolments are drawn anew for every export; the rest is
    # the same.
    assert len(replica_rows) == 1 + 8 * 3 * 8 + 8
    assert sorted(r[2:] for r in replica_rows) == sorted(r[2:] for r in primary_rows)
    assert reads(on_replica.captured_queries, "assessments_answer")
    assert reads(on_primary.captured_queries, "assessments_answer") == []
    assert any(
        q["sql"].startswith('INSERT INTO "audit_accesslogentry"')
        for q in on_primary.captured_queries
    )
    entries = AccessLogEntry.objects.using("default").filter(action="export")
    assert entries.count() == 2 and all(e.subjects.count() == 9 for e in entries)


def rows_of(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_a_write_in_the_replica_scope_lands_on_the_primary(world, replica_caught_up):
    """A service given a row read from the replica locks, changes and records it on the
    primary; the replica then replays the change."""
    replica_caught_up()
    with reads_from_replica():
        citizen = Citizen.objects.get(pk=world.citizen.pk)
        assert citizen._state.db == "replica"
        version = citizen.version
        changed = citizen_update(
            actor=world.caseworker,
            citizen=citizen,
            expected_version=version,
            first_name="Karen Christence",
            last_name=citizen.last_name,
            responsible_caseworker=citizen.responsible_caseworker,
            target_group=citizen.target_group,
        )
    assert changed._state.db == "default"
    on_primary = Citizen.objects.using("default").get(pk=world.citizen.pk)
    assert (on_primary.first_name, on_primary.version) == ("Karen Christence", version + 1)
    assert ChangeRecord.objects.using("default").filter(citizen=on_primary).exists()
    replica_caught_up()
    assert Citizen.objects.using("replica").get(pk=world.citizen.pk).first_name == (
        "Karen Christence"
    )
