"""A request runs outside a transaction, so the progression report sums its trajectory on a
connection of its own while it chooses the baselines and follow-ups. Transactional tests,
in a file of their own: pytest-django runs them after the others, whose data their flush
would remove."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from fremdrift.reports.cohort import Filters
from fremdrift.reports.progression import progression_report

from .test_progression import enrol_cohort, wheel


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_outside_a_transaction_the_trajectory_is_read_on_a_second_connection_with_the_same_numbers(
    world,
):
    """A request runs outside a transaction, so the trajectory is summed on a connection of
    its own while the baselines and follow-ups are chosen; inside one (as in the other
    tests) everything runs on the transaction's connection. The report is the same."""
    enrol_cohort(world)

    def trajectory_read_here(queries) -> bool:
        return any("30.4375" in query["sql"] for query in queries.captured_queries)

    with CaptureQueriesContext(connection) as side_by_side_queries:
        side_by_side = progression_report(world.manager, Filters(), instrument=wheel())
    with transaction.atomic(), CaptureQueriesContext(connection) as one_by_one_queries:
        one_by_one = progression_report(world.manager, Filters(), instrument=wheel())
    assert not trajectory_read_here(side_by_side_queries)
    assert trajectory_read_here(one_by_one_queries)
    assert [(p.month, p.n) for p in side_by_side.trajectory] == [(0, 9), (3, 8), (5, 8)]
    assert repr(side_by_side) == repr(one_by_one)
