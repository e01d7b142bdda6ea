"""Backup and restore of every database Fremdrift keeps: each alias of settings.DATABASES,
except a test mirror and a second alias of a database another one names already.

A backup is a directory with one file per alias, `<alias>.pgdump` (pg_dump's custom format) or
`<alias>.sqlite3` (a copy by SQLite's online backup API, taken while the server runs), and
`manifest.json`: when it was made, each alias's engine and applied migrations, and a
fingerprint of FREMDRIFT_FIELD_KEY (never the key), so that a restore can tell that the backup
was made with another key. The directory appears whole or not at all, readable by its owner
only: it holds personal data."""

import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connections
from django.db.backends.postgresql.client import DatabaseClient
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from fremdrift.citizens.selectors import field_key_problem
from fremdrift.core.fieldcrypto import key_fingerprint

FORMAT = 1
MANIFEST = "manifest.json"
SUFFIXES = {"sqlite": "sqlite3", "postgresql": "pgdump"}


class BackupError(Exception):
    """What is wrong, in words for the operator."""


@dataclass
class Restored:
    manifest: dict
    pending_migrations: dict[str, int] = field(default_factory=dict)  # alias: unapplied


def backup_aliases(databases: dict | None = None) -> list[str]:
    """The aliases of `databases` (settings.DATABASES) a backup holds, in their order: not a
    test mirror (Django's mark of a replica), nor a second alias of a database."""
    aliases, seen = [], set()
    for alias, settings_dict in (settings.DATABASES if databases is None else databases).items():
        if (settings_dict.get("TEST") or {}).get("MIRROR"):
            continue
        database = tuple(
            str(settings_dict.get(key) or "") for key in ("ENGINE", "HOST", "PORT", "NAME")
        )
        if database not in seen:
            seen.add(database)
            aliases.append(alias)
    return aliases


def _vendor(alias: str) -> str:
    vendor = connections[alias].vendor
    if vendor not in SUFFIXES:
        raise BackupError(f"The database '{alias}' is {vendor}; only PostgreSQL and SQLite are.")
    return vendor


def _describe(alias: str) -> str:
    return f"'{alias}' ({connections[alias].settings_dict['NAME']})"


def _applied_migrations(alias: str) -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connections[alias]).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


# SQLite: the online backup API copies a consistent snapshot while others read and write.


def _sqlite_file(alias: str) -> Path:
    name = str(connections[alias].settings_dict["NAME"])
    if not name or name == ":memory:" or "mode=memory" in name:
        raise BackupError(f"The database {_describe(alias)} lives in memory, not in a file.")
    return Path(name).resolve()


def _sqlite_copy(source: Path, target: Path, *, source_mode: str) -> None:
    """Copies the database `source` over `target` (made if it is not there)."""
    try:
        reader = sqlite3.connect(f"{source.as_uri()}?mode={source_mode}", uri=True)
    except sqlite3.Error as error:
        raise BackupError(f"{source} cannot be opened: {error}") from None
    try:
        writer = sqlite3.connect(target, timeout=10)
        try:
            reader.backup(writer)
        except sqlite3.Error as error:
            raise BackupError(f"Copying {source} to {target} failed: {error}") from None
        finally:
            writer.close()
    finally:
        reader.close()


def _sqlite_backup(alias: str, target: Path) -> None:
    _sqlite_copy(_sqlite_file(alias), target, source_mode="rw")
    copy = sqlite3.connect(target)
    try:
        copy.execute("PRAGMA journal_mode=DELETE")  # one file, no write-ahead log beside it
    finally:
        copy.close()


def _sqlite_restore(alias: str, source: Path) -> None:
    target = _sqlite_file(alias)
    target.parent.mkdir(parents=True, exist_ok=True)
    _sqlite_copy(source, target, source_mode="ro")


# PostgreSQL: pg_dump and pg_restore, with the alias's host, port, user and name, and its
# password in PGPASSWORD (as `manage.py dbshell` passes them to psql).


def _pg_program(name: str) -> str:
    program = shutil.which(name)
    if program is None:
        raise BackupError(
            f"{name} is not installed: install PostgreSQL's client programs "
            "(postgresql-client, the server's version or newer)."
        )
    return program


def _pg_run(alias: str, program: str, arguments: list[str]) -> None:
    settings_dict = connections[alias].settings_dict
    connection = ["--no-password"]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            connection += [option, str(settings_dict[key])]
    _, extra_env = DatabaseClient.settings_to_cmd_args_env(settings_dict, [])
    finished = subprocess.run(  # noqa: S603 (a list of arguments, no shell)
        [_pg_program(program), *connection, *arguments],
        env={**os.environ, **(extra_env or {})},
        capture_output=True,
        text=True,
        check=False,
    )
    if finished.returncode != 0:
        raise BackupError(
            f"{program} failed for the database {_describe(alias)}:\n{finished.stderr.strip()}"
        )


def _pg_backup(alias: str, target: Path) -> None:
    name = str(connections[alias].settings_dict["NAME"])
    _pg_run(alias, "pg_dump", ["--format=custom", "--file", str(target), "--dbname", name])


def _pg_restore(alias: str, source: Path) -> None:
    name = str(connections[alias].settings_dict["NAME"])
    # In one transaction: a restore that fails changes nothing. Objects are owned by the
    # restoring user, whatever role owned them where the backup was made.
    options = ["--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error"]
    _pg_run(alias, "pg_restore", [*options, "--dbname", name, str(source)])


BACKUP = {"sqlite": _sqlite_backup, "postgresql": _pg_backup}
RESTORE = {"sqlite": _sqlite_restore, "postgresql": _pg_restore}


def backup_write(path: Path) -> dict:
    """Writes a backup of every database into the new directory `path`; returns its manifest."""
    path = Path(path)
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise BackupError(f"{path} exists: a backup is written into a new directory.")
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written beside it and renamed at the end, so a backup directory is always complete.
    partial = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent))
    try:
        databases = {}
        for alias in backup_aliases():
            vendor = _vendor(alias)
            file = f"{alias}.{SUFFIXES[vendor]}"
            if vendor == "sqlite" and not _sqlite_file(alias).exists():
                raise BackupError(f"The database {_describe(alias)} does not exist.")
            try:
                migrations = _applied_migrations(alias)
            except DatabaseError as error:
                raise BackupError(
                    f"The database {_describe(alias)} cannot be read: {error}"
                ) from None
            BACKUP[vendor](alias, partial / file)
            databases[alias] = {"engine": vendor, "file": file, "migrations": migrations}
        manifest = {
            "format": FORMAT,
            "made_at": timezone.now().isoformat(timespec="seconds"),
            "field_key_fingerprint": key_fingerprint(),
            "databases": databases,
        }
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
        for file in partial.iterdir():
            file.chmod(0o600)
        if path.exists():
            path.rmdir()  # the empty directory the operator made for it
        partial.rename(path)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return manifest


def backup_manifest(path: Path) -> dict:
    """The manifest of the backup in `path`, checked against this installation: the same
    databases on the same engines, the same FREMDRIFT_FIELD_KEY, no migration this code lacks."""
    path = Path(path)
    try:
        manifest = json.loads((path / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupError(f"{path} is not a Fremdrift backup: it has no {MANIFEST}.") from None
    except (OSError, ValueError) as error:
        raise BackupError(f"{path / MANIFEST} cannot be read: {error}") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path / MANIFEST} is of format {manifest.get('format')!r}, not 1.")
    databases = manifest["databases"]
    aliases = backup_aliases()
    if set(databases) != set(aliases):
        raise BackupError(
            f"The backup holds the databases {', '.join(sorted(databases))}; this installation "
            f"has {', '.join(sorted(aliases))}. Configure the same databases as where it was made."
        )
    for alias in aliases:
        engine, vendor = databases[alias]["engine"], _vendor(alias)
        if engine != vendor:
            raise BackupError(
                f"The backup of '{alias}' is a {engine} database; this installation's is "
                f"{vendor}. Move between engines with export_package and import_package."
            )
        if not (path / databases[alias]["file"]).is_file():
            raise BackupError(f"The backup lacks its file {path / databases[alias]['file']}.")
    if manifest["field_key_fingerprint"] != key_fingerprint():
        raise BackupError(
            "This backup was made with another FREMDRIFT_FIELD_KEY (fingerprint "
            f"{manifest['field_key_fingerprint']}; the configured key's is {key_fingerprint()}): "
            "its CPR numbers would be unreadable. Set the key of the installation it came from "
            "and restore again."
        )
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = sorted(
        f"{app}.{name}"
        for database in databases.values()
        for app, names in database["migrations"].items()
        for name in names
        if (app, name) not in known
    )
    if unknown:
        raise BackupError(
            "The backup was made by a newer Fremdrift: this code lacks its migrations "
            f"{', '.join(unknown)}. Restore it with the version it was made with."
        )
    return manifest


def backup_restore(path: Path, *, force: bool = False) -> Restored:
    """Restores the backup in `path` into this installation's databases, which must be empty
    unless `force`; then checks that FREMDRIFT_FIELD_KEY opens the restored CPR numbers."""
    path = Path(path)
    manifest = backup_manifest(path)
    databases = manifest["databases"]
    for alias in databases:
        if connections[alias].vendor == "sqlite" and not _sqlite_file(alias).exists():
            continue  # a new file: empty, and not to be made here
        try:
            tables = connections[alias].introspection.table_names()
        except DatabaseError as error:
            raise BackupError(
                f"The database {_describe(alias)} cannot be reached: {error}"
            ) from None
        if tables and not force:
            raise BackupError(
                f"The database {_describe(alias)} is not empty: it has {len(tables)} tables. "
                "Restore into a new, empty database, or pass --force to replace what it holds."
            )
    connections.close_all()
    for alias, database in databases.items():
        RESTORE[database["engine"]](alias, path / database["file"])
    connections.close_all()
    cache.clear()  # the day's figures of the replaced data (reports/headlines.py)
    problem = field_key_problem()
    if problem:
        raise BackupError(f"The backup is restored, but: {problem}")
    restored = Restored(manifest)
    for alias in databases:
        executor = MigrationExecutor(connections[alias])
        pending = len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
        if pending:
            restored.pending_migrations[alias] = pending
    return restored
