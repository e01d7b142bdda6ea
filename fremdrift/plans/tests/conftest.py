"""The API write tests' fixtures (`api/tests/writes.py`); a conftest makes a fixture visible
to the tests beside it, so the names are re-exported on purpose."""

from fremdrift.api.tests.writes import cases as cases
