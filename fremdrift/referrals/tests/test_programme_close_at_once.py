"""Two members of staff confirming the same closing of a programme at once end its enrolments
once. A test of its own, with committed data and two threads (its own file: a transactional
test's flush would take the data the migrations load from the tests that follow it)."""

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from fremdrift.accounts.models import Role
from fremdrift.audit.models import ChangeRecord
from fremdrift.codelists.models import Code
from fremdrift.programmes import services as programme_services
from fremdrift.programmes.models import Enrolment
from fremdrift.referrals import services
from fremdrift.testing import make_citizen, make_programme, make_user


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_confirmations_at_once_close_the_programme_once(world):
    programme = make_programme(world.vaekst, name="Projekt Samtidig")
    start = dt.date.today() - dt.timedelta(days=20)
    for n in range(3):
        programme_services.enrolment_create(
            actor=world.caseworker,
            citizen=make_citizen(world.caseworker, first_name=f"Samtidig{n}"),
            programme=programme,
            start_date=start,
        )
    second = make_user("provider2", world.vaekst, Role.PROVIDER_STAFF)
    reason = Code.objects.get(code_list="exit_reason", code="programme_ended", parent__isnull=False)
    results, refusals, errors = [], [], []
    ready = threading.Barrier(2)

    def confirm(actor):
        try:
            ready.wait()
            results.append(
                services.programme_close(
                    actor=actor,
                    programme=programme,
                    exit_reason=reason,
                    end_date=dt.date.today(),
                    expected_count=3,
                )
            )
        except ValidationError as refusal:
            refusals.append(refusal.message_dict)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm, args=(a,)) for a in (world.provider_staff, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert results == [3]
    assert [list(r) for r in refusals] == [["programme"]]
    assert not Enrolment.objects.filter(programme=programme, status="active").exists()
    ended = ChangeRecord.objects.filter(model="programmes.Enrolment", after__status="ended")
    assert ended.count() == 3
    assert ChangeRecord.objects.filter(model="programmes.Programme", kind="update").count() == 1
