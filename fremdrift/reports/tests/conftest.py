"""The reports' shared fixtures (a conftest makes a fixture visible to every test module
beside it, without an import)."""

import pytest

from .test_progression import enrol_cohort


@pytest.fixture
def cohort(world):
    """Eight citizens in "Nordforløb" with a baseline and two follow-ups on the adult wheel,
    and a ninth with a baseline only; the programme."""
    return enrol_cohort(world)
