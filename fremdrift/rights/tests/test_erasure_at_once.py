"""Two administrators approving the same erasure at once erase once. A test of its own, with
committed data and two threads (its own file: pytest-xdist hands out files by their number of
tests, and a transactional test's flush would take the data the migrations load from the tests
that follow it on its worker)."""

import threading

import pytest
from django.db import connection

from fremdrift.citizens.models import Citizen
from fremdrift.rights import services
from fremdrift.rights.models import ErasureApproval
from fremdrift.rights.tests.test_erasure import SIX_YEARS_ON, whole_case


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_administrators_approving_at_once_erase_once(world):
    citizen = whole_case(world)
    second = world.nord.members.create(username="admin2", role="administrator")
    results, errors = [], []

    def approve(actor):
        try:
            results.append(
                services.erasure_approve(actor=actor, citizen_ids=[citizen.pk], today=SIX_YEARS_ON)
            )
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(a,)) for a in (world.administrator, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(r.erased for r in results if r) == [1]
    assert ErasureApproval.objects.count() == 1
    assert not Citizen.objects.filter(pk=citizen.pk).exists()
