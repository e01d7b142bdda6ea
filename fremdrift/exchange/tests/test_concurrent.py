"""Two imports of the same package at once: the database holds the package's rows once. The
second import either waits for the first and finds every row unchanged (SQLite, which writes
one transaction at a time), or runs into the first one's rows and imports nothing, with a clear
message (PostgreSQL)."""

import threading

import pytest
from django.db import connection

from fremdrift.citizens.models import Citizen
from fremdrift.exchange.models import PackageImport, SourceKey
from fremdrift.exchange.services import package_import


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_second_of_two_simultaneous_imports_writes_nothing(fremby, example):
    first_writing, second_writing = threading.Event(), threading.Event()
    results = {}

    def hold_inside_the_transaction(message: str) -> None:
        if message == "citizens.csv written":
            first_writing.set()
            # Keep the first import's transaction open until the second has been checked.
            assert second_writing.wait(timeout=60)

    def run(name, progress) -> None:
        try:
            results[name] = package_import(
                actor=fremby.administrator, path=example, progress=progress
            )
        finally:
            connection.close()

    def second_progress(message: str) -> None:
        if message == "writing":
            second_writing.set()

    first = threading.Thread(target=run, args=("first", hold_inside_the_transaction))
    first.start()
    assert first_writing.wait(timeout=60)
    other = threading.Thread(target=run, args=("second", second_progress))
    other.start()
    first.join()
    other.join()
    assert results["first"].written, results["first"].errors
    second = results["second"]
    if second.written:
        assert all(set(counts) == {"unchanged"} for counts in second.counts.values())
        assert PackageImport.objects.count() == 2
    else:
        assert second.errors and second.errors[0].message
        assert PackageImport.objects.count() == 1
    assert Citizen.objects.count() == 3
    assert SourceKey.objects.filter(entity="citizen").count() == 3
