"""Pages keep working while a long import writes. On SQLite the import holds the database's
one write lock for its whole transaction; every page that shows a citizen writes an access-log
row, which lives in a file of its own (`audit/routers.py`), so reading goes on and is logged.
A write that must wait for the import is answered "try again in a moment" (503 with
Retry-After), never a server error, and nothing of it is saved. PostgreSQL locks rows, so
there the write simply succeeds."""

import threading

import pytest
from django.db import connection, connections
from django.test import Client

from fremdrift.audit.models import AccessLogEntry
from fremdrift.audit.routers import request_writes_database
from fremdrift.citizens.models import Citizen
from fremdrift.codelists.models import Code, CodeList
from fremdrift.exchange.services import package_import
from fremdrift.testing import make_citizen, signed_in


@pytest.mark.django_db(transaction=True, serialized_rollback=True, databases="__all__")
def test_pages_answer_and_are_logged_while_an_import_writes(fremby, example, client, settings):
    settings.FREMDRIFT_REQUEST_WRITES_OWN_FILE = True
    on_sqlite = connection.vendor == "sqlite"
    assert request_writes_database() == ("request_writes" if on_sqlite else "default")
    citizen = make_citizen(fremby.caseworker, first_name="Inger", last_name="Christensen")
    caseworker = signed_in(client, fremby.caseworker)
    writing, release = threading.Event(), threading.Event()
    results = {}

    def hold_inside_the_transaction(message: str) -> None:
        if message == "citizens.csv written":
            writing.set()
            assert release.wait(timeout=120)

    def run_import() -> None:
        try:
            results["import"] = package_import(
                actor=fremby.administrator, path=example, progress=hold_inside_the_transaction
            )
        finally:
            connection.close()

    importer = threading.Thread(target=run_import)
    importer.start()
    try:
        assert writing.wait(timeout=120)
        logged_before = AccessLogEntry.objects.count()
        pages = ["/citizens/", f"/citizens/{citizen.pk}/", f"/citizens/{citizen.pk}/timeline/"]
        for path in pages:
            page = caseworker.get(path)
            assert page.status_code == 200, path
            assert "Inger" in page.content.decode()
        assert AccessLogEntry.objects.count() == logged_before + len(pages)

        edited = caseworker.post(
            f"/citizens/{citizen.pk}/edit/",
            {
                "version": citizen.version,
                "first_name": "Ingeborg",
                "last_name": "Christensen",
                "cpr": "",
                "responsible_caseworker": fremby.caseworker.pk,
                "target_group": Code.objects.filter(code_list=CodeList.TARGET_GROUP).first().pk,
            },
        )
        if on_sqlite:
            assert edited.status_code == 503
            assert edited["Retry-After"] == "10"
            assert "Prøv igen om lidt" in edited.content.decode()
            assert Citizen.objects.get(pk=citizen.pk).first_name == "Inger"
        else:
            assert edited.status_code == 302
    finally:
        release.set()
        importer.join()
    assert results["import"].written, results["import"].errors
    assert Citizen.objects.filter(first_name="Inger").exists() == on_sqlite
    # The administrator's access log joins its rows with the users and citizens of the main
    # database, also from a file of its own.
    log = signed_in(Client(), fremby.administrator).post("/audit/", {"citizen_id": citizen.pk})
    assert log.status_code == 200
    # The log names people by their full names (the import gave the caseworker theirs).
    fremby.caseworker.refresh_from_db()
    assert log.content.decode().count(fremby.caseworker.get_full_name()) >= 2
    for alias in connections:
        connections[alias].close()
