"""The group reports' data fixtures, shared with the reports API's tests (a conftest makes a
fixture visible to the tests beside it; the names are re-exported on purpose), and the
world of the access matrices, with the case that Nord shares with another authority."""

import pytest

from fremdrift.api.tests.writes import cases as cases
from fremdrift.api.tests.writes import referred as referred
from fremdrift.citizens.tests.test_access import with_a_shared_case
from fremdrift.reports.tests.conftest import cohort as cohort
from fremdrift.reports.tests.test_agreement import pairs as pairs
from fremdrift.reports.tests.test_comparison import two_programmes as two_programmes
from fremdrift.reports.tests.test_goals import plans_in_programme as plans_in_programme
from fremdrift.reports.tests.test_quality import followed as followed
from fremdrift.reports.tests.test_surveys import answered as answered


@pytest.fixture
def world(world):
    return with_a_shared_case(world)
