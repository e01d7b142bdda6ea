"""`manage.py backup` writes one file per database and a manifest without the key, into a new
directory only; `manage.py restore` refuses, naming what is wrong and changing nothing, a
directory that is not a backup, a backup of other databases or engines, of a newer Fremdrift or
made with another FREMDRIFT_FIELD_KEY, and a database that is not empty (without --force). The
drill itself, a restore into a new database: test_backup_drill.py."""

import io
import json

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings

from fremdrift.core.fieldcrypto import key_fingerprint
from fremdrift.jobs import backup as backup_module
from fremdrift.jobs.backup import BackupError, backup_aliases

# Every database, the SQLite file of what each request writes included: the backup has them all.
pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.fixture
def backup(db, tmp_path):
    call_command("backup", str(tmp_path / "backup"), stdout=io.StringIO())
    return tmp_path / "backup"


def edit_manifest(path, change) -> None:
    manifest = json.loads((path / "manifest.json").read_text())
    change(manifest)
    (path / "manifest.json").write_text(json.dumps(manifest))


def restore_refused(path) -> str:
    """What restore says of the backup in `path` (never with --force: these tests' database
    must stay)."""
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(path), stdout=io.StringIO())
    return str(refused.value)


def test_a_backup_is_one_file_per_database_and_a_manifest_without_the_key(backup):
    suffix = {"sqlite": "sqlite3", "postgresql": "pgdump"}[connection.vendor]
    files = {f"{alias}.{suffix}" for alias in backup_aliases()}
    assert "default" in backup_aliases()
    assert {p.name for p in backup.iterdir()} == {"manifest.json", *files}
    text = (backup / "manifest.json").read_text()
    manifest = json.loads(text)
    assert manifest["field_key_fingerprint"] == key_fingerprint()
    assert settings.FREMDRIFT_FIELD_KEY not in text
    default = manifest["databases"]["default"]
    assert (default["engine"], default["file"]) == (connection.vendor, f"default.{suffix}")
    assert "0002_access_log_append_only" in default["migrations"]["audit"]
    # Personal data: the owner's alone.
    assert backup.stat().st_mode & 0o777 == 0o700
    assert {p.stat().st_mode & 0o777 for p in backup.iterdir()} == {0o600}


def test_a_backup_goes_into_a_new_directory(backup):
    with pytest.raises(CommandError, match="exists: a backup is written into a new directory"):
        call_command("backup", str(backup))


def test_a_backup_that_fails_leaves_nothing_behind(db, tmp_path, monkeypatch):
    def fails(alias, target):
        target.write_text("half a copy")
        raise BackupError("the disk is full")

    monkeypatch.setitem(backup_module.BACKUP, connection.vendor, fails)
    with pytest.raises(CommandError, match="the disk is full"):
        call_command("backup", str(tmp_path / "backup"))
    assert list(tmp_path.iterdir()) == []


def test_a_database_that_is_not_empty_is_replaced_only_with_force(backup):
    message = restore_refused(backup)
    assert "The database 'default'" in message and "is not empty" in message
    assert "--force" in message


def test_a_backup_made_with_another_key_is_refused(backup):
    made_with = key_fingerprint()
    with override_settings(FREMDRIFT_FIELD_KEY="another-key-of-at-least-thirty-two-chars"):
        message = restore_refused(backup)
    assert "This backup was made with another FREMDRIFT_FIELD_KEY" in message
    assert made_with in message


def test_a_directory_without_a_manifest_is_not_a_backup(db, tmp_path):
    assert "is not a Fremdrift backup: it has no manifest.json" in restore_refused(tmp_path)


def test_a_backup_of_a_newer_fremdrift_is_refused(backup):
    edit_manifest(
        backup,
        lambda m: m["databases"]["default"]["migrations"]["citizens"].append("0099_future"),
    )
    message = restore_refused(backup)
    assert "made by a newer Fremdrift" in message and "citizens.0099_future" in message


def test_a_backup_of_another_engine_or_other_databases_is_refused(backup):
    other = {"sqlite": "postgresql", "postgresql": "sqlite"}[connection.vendor]
    edit_manifest(backup, lambda m: m["databases"]["default"].update(engine=other))
    assert f"The backup of 'default' is a {other} database" in restore_refused(backup)
    edit_manifest(backup, lambda m: m.update(databases={"elsewhere": m["databases"]["default"]}))
    assert "The backup holds the databases elsewhere" in restore_refused(backup)


def test_a_backup_holds_each_database_once_and_no_replica():
    databases = {
        "default": {"ENGINE": "postgresql", "HOST": "db", "PORT": 5432, "NAME": "fremdrift"},
        "replica": {"ENGINE": "postgresql", "HOST": "db2", "NAME": "x", "TEST": {"MIRROR": "d"}},
        "again": {"ENGINE": "postgresql", "HOST": "db", "PORT": "5432", "NAME": "fremdrift"},
        "access_log": {"ENGINE": "sqlite3", "NAME": "/var/lib/fremdrift/access_log.sqlite3"},
    }
    assert backup_aliases(databases) == ["default", "access_log"]
