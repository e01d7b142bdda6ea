"""With a FREMDRIFT_FIELD_KEY that does not open the stored CPR numbers Fremdrift refuses to
start, saying why (the system check citizens.E001, run by migrate, by
`manage.py check --database default` and at the WSGI start), instead of failing at the first CPR
number a page shows. The start itself, on a restored backup: jobs/tests/test_backup_drill.py."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from fremdrift.citizens.checks import field_key_check
from fremdrift.citizens.selectors import FIELD_KEY_MISMATCH, field_key_problem

ANOTHER_KEY = "another-key-of-at-least-thirty-two-chars"


def test_the_key_the_cpr_numbers_were_encrypted_with_passes(world):
    assert field_key_problem() is None
    assert field_key_check(databases=["default"]) == []


def test_another_key_is_a_critical_problem_that_names_the_setting(world):
    with override_settings(FREMDRIFT_FIELD_KEY=ANOTHER_KEY):
        assert field_key_problem() == FIELD_KEY_MISMATCH
        [problem] = field_key_check(databases=["default"])
    assert problem.id == "citizens.E001" and problem.is_serious()
    assert problem.msg.startswith("FREMDRIFT_FIELD_KEY does not match the key")


def test_check_and_migrate_refuse_to_run_with_another_key(world):
    with override_settings(FREMDRIFT_FIELD_KEY=ANOTHER_KEY):
        with pytest.raises(SystemCheckError, match="FREMDRIFT_FIELD_KEY does not match"):
            call_command("check", "--database", "default")
        with pytest.raises(SystemCheckError, match="FREMDRIFT_FIELD_KEY does not match"):
            call_command("migrate", verbosity=0, skip_checks=False)
    call_command("check", "--database", "default", verbosity=0)


def test_the_check_reads_the_database_only_when_the_database_checks_run(world):
    """Plain `manage.py check` and the other commands do not query the database."""
    with override_settings(FREMDRIFT_FIELD_KEY=ANOTHER_KEY):
        assert field_key_check(databases=None) == []


def test_a_database_without_cpr_numbers_passes_any_key(db):
    with override_settings(FREMDRIFT_FIELD_KEY=ANOTHER_KEY):
        assert field_key_problem() is None
